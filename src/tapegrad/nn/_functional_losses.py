"""torch.nn.functional's main losses: mse_loss, l1_loss, the binary cross entropies,
cross_entropy and nll_loss (re-exported by nn.functional; more losses in _losses_more.py)."""
from __future__ import annotations

import numpy as np

from .. import _check, ops
from .._tensor import Tensor
from ..ops._apply import apply
from ..ops._op import Op
from ..ops.bce import BinaryCrossEntropy
from ._functional_base import (_check_class_weight, _check_elementwise, _check_ignore_index,
                               _check_reduction, _numeric, _raw, _reduce)


# ------------------------------------------------------------------ losses

def mse_loss(input: Tensor, target: Tensor, reduction: str = "mean", *,
             weight: Tensor | None = None) -> Tensor:
    """Mean squared error; `input` and `target` must have the same shape.

    Args:
        input: the input tensor.
        target: the target, of input's shape.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.
        weight: a weight per element (broadcast to input's shape), multiplying each
            squared error before the reduction ("mean" still divides by the number of
            elements, as PyTorch).

    Returns:
        A 0-d tensor (or input's shape with reduction="none").

    Raises:
        ValueError: the shapes differ, or an unknown reduction.

    >>> import tapegrad as tg
    >>> tg.nn.functional.mse_loss(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 4.0]))
    tensor(2.)
    """
    _check_reduction(reduction, "mse_loss")
    _same_shape(input, target, "mse_loss")
    d = input - target
    if weight is not None:
        return _reduce(d * d * weight, reduction)
    return _reduce(d * d, reduction)


def l1_loss(input: Tensor, target: Tensor, reduction: str = "mean") -> Tensor:
    """Mean absolute error; `input` and `target` must have the same shape.

    Args:
        input: the input tensor.
        target: the target, of input's shape.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Returns:
        A 0-d tensor (or input's shape with reduction="none").

    Raises:
        ValueError: the shapes differ, or an unknown reduction.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.l1_loss(tg.tensor([0.0, 3.0]), tg.tensor([1.0, 1.0]))
    tensor(1.5000)
    """
    _check_reduction(reduction, "l1_loss")
    _same_shape(input, target, "l1_loss")
    return _reduce(ops.abs(input - target), reduction)


def _same_shape(input, target, fn):
    x, t = _raw(input), _raw(target)
    if x.dtype.kind not in "fiub" or t.dtype.kind not in "fiub":
        arg, v = ("input", input) if x.dtype.kind not in "fiub" else ("target", target)
        raise TypeError(f"{fn}: {arg} must be a real numeric tensor, got {_check._got(v)}")
    a, b = x.shape, t.shape
    if a != b:
        raise ValueError(
            f"{fn}: input shape {a} and target shape {b} differ; broadcasting them would "
            "silently compare every pair of elements. Reshape one of them (e.g. "
            "target.reshape(input.shape)).")


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                     reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + binary cross entropy in one stable expression.

    Computes max(x, 0) - x*y + log(1 + exp(-|x|)) (that is, softplus(x) - x*y), which
    never overflows for large |x| and has the exact gradient sigmoid(x) - y, also at 0.
    `pos_weight` scales the positive term: (1-y) x + (1 + (pw-1) y) softplus(-x).

    Args:
        input: logits.
        target: targets in [0, 1], of input's shape.
        weight: a rescaling weight broadcast over the elements, or None.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.
        pos_weight: a weight on the positive term, broadcast over the last dimension.

    Returns:
        A 0-d tensor (or input's shape with reduction="none").

    Raises:
        ValueError: the shapes differ, or an unknown reduction.

    >>> import tapegrad as tg
    >>> f = tg.nn.functional.binary_cross_entropy_with_logits
    >>> f(tg.tensor([1000.0, -1000.0]), tg.tensor([1.0, 0.0]))
    tensor(0.)
    """
    fn = "binary_cross_entropy_with_logits"
    _check_reduction(reduction, fn)
    _same_shape(input, target, fn)
    if weight is not None:
        _check_elementwise(weight, fn, "weight", np.shape(_raw(input)))
    if pos_weight is not None:
        _check_elementwise(pos_weight, fn, "pos_weight", np.shape(_raw(input)))
    inf = float("inf")
    if pos_weight is None:
        loss = ops.softplus(input, 1.0, inf) - input * target
    else:
        log_w = 1.0 + (pos_weight - 1.0) * target
        loss = (1.0 - target) * input + log_w * ops.softplus(-input, 1.0, inf)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         reduction: str = "mean") -> Tensor:
    """Binary cross entropy on probabilities; logs are clamped at -100 as in PyTorch.
    Prefer binary_cross_entropy_with_logits, which is stable.

    Args:
        input: probabilities in [0, 1].
        target: targets in [0, 1], of input's shape.
        weight: a rescaling weight broadcast over the elements, or None.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Returns:
        A 0-d tensor (or input's shape with reduction="none").

    Raises:
        ValueError: the shapes differ, or an unknown reduction.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.binary_cross_entropy(tg.tensor([0.5, 0.5]), tg.tensor([1.0, 0.0]))
    tensor(0.6931)
    """
    _check_reduction(reduction, "binary_cross_entropy")
    _same_shape(input, target, "binary_cross_entropy")
    if weight is not None:
        _check_elementwise(weight, "binary_cross_entropy", "weight", np.shape(_raw(input)))
    p = _raw(input)
    if p.size and not ((p >= 0) & (p <= 1)).all():         # NaN fails too, as in torch
        raise ValueError("binary_cross_entropy: input values must be between 0 and 1 "
                         f"(got min {np.nanmin(p):.4g}, max {np.nanmax(p):.4g}"
                         f"{', and NaN' if np.isnan(p).any() else ''}); use "
                         "binary_cross_entropy_with_logits for logits")
    y = _raw(target)
    if np.size(y) and not ((y >= 0) & (y <= 1)).all():
        raise ValueError("binary_cross_entropy: target values must be between 0 and 1, "
                         f"got min {np.nanmin(y):.4g}, max {np.nanmax(y):.4g}"
                         f"{' and NaN' if np.isnan(y).any() else ''}")
    # one op with torch's rules: at p exactly 0 or 1 the composite's clamp gave a zero
    # slope where torch pulls hard ((p - y) / max(p (1 - p), eps))
    loss = apply(BinaryCrossEntropy, input, target)
    if weight is not None:
        loss = loss * weight
    return _reduce(loss, reduction)


def _checked_targets(target, n_classes, ignore_index, fn):
    """(targets with ignored ones set to class 0, mask of the ones not ignored)."""
    valid = target != ignore_index
    t = np.where(valid, target, 0)
    if t.size and (t.min() < 0 or t.max() >= n_classes):
        bad = t.min() if t.min() < 0 else t.max()
        raise IndexError(f"{fn}: target {int(bad)} is out of bounds for {n_classes} "
                         f"classes (valid: 0 to {n_classes - 1}, or ignore_index="
                         f"{ignore_index})")
    return t, valid


def _class_coefficients(t, valid, n_classes, weight, label_smoothing):
    """Per-row coefficients A (M, C) for integer targets: each row's loss is
    -sum_c A[i, c] logp[i, c] with A[i, c] = valid_i w_c ((1 - eps) [c == t_i] + eps / C),
    exactly PyTorch's weighting."""
    coef = np.zeros((t.shape[0], n_classes), dtype=np.float64)
    coef[np.arange(t.shape[0]), t] = 1.0 - label_smoothing
    if label_smoothing:
        coef += label_smoothing / n_classes
    if weight is not None:
        coef *= weight[None, :]
    coef *= valid[:, None]
    return coef


def _mean_denominator(t, valid, weight):
    """What the 'mean' reduction divides by, sum_i valid_i w_{t_i} as in PyTorch. NaN
    where that is 0 (every target ignored, say): PyTorch's loss is NaN then, and a NaN
    here gives it without a 0 / 0 that warns when tg.function replays the division."""
    denom = float(np.sum(valid if weight is None else weight[t] * valid))
    return denom if denom != 0 else np.nan


class _TargetWeights(Op):
    """Integer targets -> cross entropy's class coefficients (M, C) (`part="coef"`) or the
    'mean' denominator (`part="denom"`), in the dtype of the log-probability rows. No
    gradient. An op rather than NumPy code, so that tg.function replays it with each
    call's targets; it reads the rows only to skip fully masked (all -inf) ones."""

    args = ("target", "rows", "weight")
    differentiable = False
    bw_name = "TargetWeightsBackward"

    @staticmethod
    def forward(target, rows, weight=None, *, n_classes, ignore_index, label_smoothing,
                fn, part):
        labels = np.asarray(target).reshape(-1).astype(np.int64)
        rows = np.asarray(rows)
        if rows.size:
            dead = np.all(np.isneginf(rows), axis=1)
            if dead.any():
                # a fully masked row gives no class any probability: it is skipped like
                # ignore_index (loss 0, zero gradient, not counted in the mean)
                labels = np.where(dead, ignore_index, labels)
        w = None if weight is None else np.asarray(weight).astype(np.float64).reshape(-1)
        t, valid = _checked_targets(labels, n_classes, ignore_index, fn)
        if part == "denom":
            return np.asarray(_mean_denominator(t, valid, w), dtype=rows.dtype)
        return _class_coefficients(t, valid, n_classes, w, label_smoothing).astype(
            rows.dtype, copy=False)


def _to_rows(x, fn):
    """(N, C, d1, ...) -> (N*d1*..., C) with classes last; returns rows and the shape of
    the per-element loss."""
    shape = np.shape(_raw(x))
    if len(shape) == 1:
        return ops.reshape(x, (1, shape[0])), ()
    if len(shape) == 2:
        return x, (shape[0],)
    if len(shape) == 0:
        raise ValueError(f"{fn}: input must have a class dimension, got a scalar")
    perm = (0,) + tuple(range(2, len(shape))) + (1,)
    moved = ops.transpose(x, perm)
    return ops.reshape(moved, (-1, shape[1])), (shape[0],) + tuple(shape[2:])


def _nll_from_logp(logp, target, weight, ignore_index, reduction, label_smoothing, fn,
                   in_shape):
    n_classes = in_shape[1] if len(in_shape) > 1 else in_shape[0]
    t = _raw(target)
    if ignore_index.__class__ is not int:
        ignore_index = _check_ignore_index(ignore_index, fn)
    if weight is not None:
        _check_class_weight(weight, fn)
        if np.size(_raw(weight)) != n_classes:
            raise ValueError(f"{fn}: weight must have one entry per class ({n_classes}), "
                             f"got shape {np.shape(_raw(weight))}")
    rows, loss_shape = _to_rows(logp, fn)
    if t.dtype.kind in "iu":
        if t.shape != loss_shape:
            raise ValueError(f"{fn}: target of shape {t.shape} does not match input of shape "
                             f"{tuple(in_shape)} (expected target shape {loss_shape} of "
                             "class indices)")
        ins = (target, rows) if weight is None else (target, rows, weight)
        kw = dict(n_classes=n_classes, ignore_index=ignore_index,
                  label_smoothing=label_smoothing, fn=fn)
        coef = ops.apply(_TargetWeights, *ins, **kw, part="coef")
        # where(), not rows * coef alone: a masked class (-inf) times 0 would be NaN
        with np.errstate(invalid="ignore"):
            picked = ops.where(coef != 0, rows * coef, 0.0)
        # 0 - s rather than -s: a perfect prediction gives 0, not -0
        if reduction == "none":
            per = 0.0 - ops.sum(picked, axis=1)
            return ops.reshape(per, loss_shape)
        total = 0.0 - ops.sum(picked)
        if reduction == "sum":
            return total
        denom = ops.apply(_TargetWeights, *ins, **kw, part="denom")
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / denom
    if t.dtype.kind == "f":
        # class probabilities, same shape as the input
        if t.shape != tuple(in_shape):
            hint = ""
            if t.shape == loss_shape:
                hint = (f"; a target of shape {t.shape} holds class indices, which must be "
                        "integers (e.g. target.astype('int64'))")
            raise ValueError(f"{fn}: probability target of shape {t.shape} must match input "
                             f"shape {tuple(in_shape)}{hint}")
        probs, _ = _to_rows(target, fn)
        if label_smoothing:
            probs = probs * (1.0 - label_smoothing) + label_smoothing / n_classes
        # a masked class (-inf) of probability 0 adds 0, not NaN; any other zero
        # probability keeps its gradient log_softmax (was 0: a silent wrong target grad)
        keep = (rows != -np.inf) | (probs != 0)
        with np.errstate(invalid="ignore"):
            terms = ops.where(keep, rows, 0.0) * probs
        if weight is not None:
            terms = terms * ops.reshape(weight, (1, -1))
        per = 0.0 - ops.sum(terms, axis=1)
        if reduction == "none":
            return ops.reshape(per, loss_shape)
        return _reduce(per, reduction)
    raise TypeError(f"{fn}: target must hold integer class indices or float class "
                    f"probabilities, got dtype {t.dtype}")


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  ignore_index: int = -100, reduction: str = "mean",
                  label_smoothing: float = 0.0) -> Tensor:
    """Softmax cross entropy on logits of shape (N, C) (or (C,), or (N, C, d1, ...)).

    `target` holds class indices (shape (N,) etc.) or class probabilities (same shape as
    the input). Goes through log_softmax, so large logits are safe. `weight` rescales
    classes, targets equal to `ignore_index` are skipped, and `label_smoothing` mixes the
    target with the uniform distribution, all as in PyTorch.

    Args:
        input: logits, (N, C), (C,) or (N, C, d1, ...).
        target: class indices (N,) (or (N, d1, ...)), or class probabilities of input's
            shape.
        weight: a rescaling weight per class (length C), or None.
        ignore_index: a class index whose samples are left out.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.
        label_smoothing: the share in [0, 1] of each target spread over the classes.

    Returns:
        A 0-d tensor (or one loss per sample with reduction="none").

    Raises:
        ValueError: shapes that do not match, or an unknown reduction.
        IndexError: a target class out of range.

    >>> import tapegrad as tg
    >>> logits = tg.tensor([[1000.0, 0.0], [0.0, 1000.0]])
    >>> tg.nn.functional.cross_entropy(logits, tg.tensor([0, 1]))
    tensor(0.)
    """
    _check_reduction(reduction, "cross_entropy")
    if label_smoothing.__class__ is not float:
        label_smoothing = _check.real(label_smoothing, "cross_entropy", "label_smoothing")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be between 0 and 1, got "
                         f"{label_smoothing}")
    x = _raw(input)
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        _numeric(input, "cross_entropy")
    in_shape = np.shape(x)
    if len(in_shape) == 0:
        raise ValueError("cross_entropy: input must have a class dimension, got a scalar")
    logp = ops.log_softmax(input, axis=1 if len(in_shape) > 1 else 0)
    return _nll_from_logp(logp, target, weight, ignore_index, reduction, label_smoothing,
                          "cross_entropy", in_shape)


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, ignore_index: int = -100,
             reduction: str = "mean") -> Tensor:
    """Negative log likelihood of integer `target` under log-probabilities `input`
    (N, C): use after log_softmax.

    Args:
        input: log-probabilities, (N, C) or (N, C, d1, ...).
        target: class indices (N,) (or (N, d1, ...)).
        weight: a rescaling weight per class (length C), or None.
        ignore_index: a class index whose samples are left out.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Returns:
        A 0-d tensor (or one loss per sample with reduction="none").

    Raises:
        ValueError: shapes that do not match, or an unknown reduction.
        IndexError: a target class out of range.

    >>> import tapegrad as tg
    >>> F = tg.nn.functional
    >>> F.nll_loss(tg.log(tg.tensor([[0.25, 0.75]])), tg.tensor([1]))
    tensor(0.2877)
    """
    _check_reduction(reduction, "nll_loss")
    x = _raw(input)
    if not isinstance(x, np.ndarray) or x.dtype.kind not in "biuf":
        _numeric(input, "nll_loss")
    in_shape = np.shape(x)
    t = _raw(target)
    if t.dtype.kind not in "iu":
        raise TypeError(f"nll_loss: target must hold integer class indices, got dtype "
                        f"{t.dtype}")
    return _nll_from_logp(input, target, weight, ignore_index, reduction, 0.0, "nll_loss",
                          in_shape)
