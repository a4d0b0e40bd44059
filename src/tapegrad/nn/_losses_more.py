"""More losses of torch.nn.functional (Huber, smooth L1, KL divergence, Gaussian and
Poisson NLL, cosine embedding, margin ranking, triplet margin), as compositions of
recorded ops, so gradients of every order come from the ops' own rules."""
from __future__ import annotations

import math

import numpy as np

from .. import _check, ops
from .._tensor import Tensor, make

_REDUCTIONS = ("mean", "sum", "none")


def _raw(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _reduction(size_average, reduce, reduction, fn, extra=()):
    """PyTorch's legacy size_average / reduce flags folded into `reduction`."""
    if size_average is not None or reduce is not None:
        size_average = True if size_average is None else size_average
        reduce = True if reduce is None else reduce
        reduction = "none" if not reduce else ("mean" if size_average else "sum")
    if reduction not in _REDUCTIONS + tuple(extra):
        allowed = ", ".join(repr(r) for r in _REDUCTIONS + tuple(extra))
        raise ValueError(f"{fn}: reduction must be one of {allowed}, got {reduction!r}")
    return reduction


def _reduce(loss, reduction):
    if reduction == "mean":
        return ops.mean(loss)
    if reduction == "sum":
        return ops.sum(loss)
    return loss


def _numeric(x, fn, arg):
    """`x` as a real numeric tensor (lists and arrays converted; strings refused)."""
    if not isinstance(x, Tensor):
        arr = None if isinstance(x, (str, bytes)) or x is None else np.asarray(x)
        if arr is None or arr.dtype.kind not in "fiub":
            raise TypeError(f"{fn}: {arg} must be a real numeric tensor, got "
                            f"{_check._got(x)}")
        return make(arr)
    if x._data.dtype.kind not in "fiub":
        raise TypeError(f"{fn}: {arg} must be a real numeric tensor, got {_check._got(x)}")
    return x


def _same_shape(a, b, fn, names=("input", "target")):
    if a.shape != b.shape:
        raise ValueError(f"{fn}: {names[0]} shape {tuple(a.shape)} and {names[1]} shape "
                         f"{tuple(b.shape)} differ; broadcasting them would silently "
                         "compare every pair of elements")


def _clamp_min0(x):
    # PyTorch's clamp_min(0): gradient 1 where x >= 0 (also at the kink)
    return ops.where(_raw(x) >= 0, x, 0.0)


def huber_loss(input: Tensor, target: Tensor, reduction: str = "mean", delta: float = 1.0,
               weight: Tensor | None = None) -> Tensor:
    """Huber loss: 0.5 d^2 where |d| < delta, else delta (|d| - 0.5 delta), d = input -
    target (PyTorch's huber_loss; `weight` scales each element).

    Args:
        input: the predictions, a real tensor.
        target: the targets, of input's shape.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.
        delta: where the loss turns from quadratic to linear, > 0 (default 1).
        weight: optional per-element weights, broadcast with the loss.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, shapes that differ, or delta <= 0.

    >>> import tapegrad as tg
    >>> tg.nn.functional.huber_loss(tg.tensor([0.5, 3.0]), tg.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    fn = "huber_loss"
    reduction = _reduction(None, None, reduction, fn)
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    _same_shape(input, target, fn)
    delta = _check.real(delta, fn, "delta", low=0.0, low_open=True)
    d = input - target
    a = ops.abs(d)
    loss = ops.where(_raw(a) < delta, 0.5 * d * d, delta * (a - 0.5 * delta))
    if weight is not None:
        loss = loss * _numeric(weight, fn, "weight")
    return _reduce(loss, reduction)


def smooth_l1_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                   reduce: bool | None = None, reduction: str = "mean",
                   beta: float = 1.0) -> Tensor:
    """Smooth L1: 0.5 d^2 / beta where |d| < beta, else |d| - 0.5 beta (beta=0: L1).

    Args:
        input: the predictions, a real tensor.
        target: the targets, of input's shape.
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.
        beta: where the loss turns from quadratic to linear, >= 0 (default 1).

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, shapes that differ, or beta < 0.

    >>> import tapegrad as tg
    >>> tg.nn.functional.smooth_l1_loss(tg.tensor([0.5, 3.0]), tg.tensor([0.0, 0.0]))
    tensor(1.3125)
    """
    fn = "smooth_l1_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    _same_shape(input, target, fn)
    beta = _check.real(beta, fn, "beta", low=0.0)
    d = input - target
    a = ops.abs(d)
    if beta == 0.0:
        return _reduce(a, reduction)
    loss = ops.where(_raw(a) < beta, 0.5 * d * d / beta, a - 0.5 * beta)
    return _reduce(loss, reduction)


def kl_div(input: Tensor, target: Tensor, size_average: bool | None = None,
           reduce: bool | None = None, reduction: str = "mean", log_target: bool = False) -> Tensor:
    """KL divergence with `input` as log-probabilities: target (log target - input),
    0 where target is 0 (with `log_target`, target holds log-probabilities too).
    reduction='batchmean' divides the sum by the batch size (the true KL divergence);
    'mean' averages over every element, as PyTorch.

    Args:
        input: log-probabilities, a real tensor.
        target: probabilities (or log-probabilities with
            log_target), broadcast with input.
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "batchmean", "sum", or "none".
        log_target: target holds log-probabilities (default False).

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction.

    >>> import tapegrad as tg
    >>> p = tg.tensor([[0.5, 0.5]])
    >>> tg.nn.functional.kl_div(tg.log(p), p, reduction="batchmean")
    tensor(0.)
    """
    fn = "kl_div"
    reduction = _reduction(size_average, reduce, reduction, fn, extra=("batchmean",))
    log_target = _check.flag(log_target, fn, "log_target")
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    _broadcast(fn, input=input, target=target)
    if log_target:
        loss = ops.exp(target) * (target - input)
    else:
        # xlogy as torch: 0 at target 0 with a NaN target gradient (the slope is -inf
        # there), not the finite -input a where() around the log would give
        loss = ops.xlogy(target, target) - target * input
    if reduction == "batchmean":
        total = ops.sum(loss)
        if not loss.ndim:
            return total
        # an empty batch: 0 / 0, NaN as torch (was a ZeroDivisionError from here)
        return total / loss.shape[0] if loss.shape[0] else total * np.nan
    return _reduce(loss, reduction)


def gaussian_nll_loss(input: Tensor, target: Tensor, var: Tensor, full: bool = False,
                      eps: float = 1e-6, reduction: str = "mean") -> Tensor:
    """Gaussian negative log likelihood 0.5 (log var + (input - target)^2 / var)
    (+ 0.5 log 2 pi with `full`). `var` has input's shape, or one dimension fewer (or
    a last dimension of 1) for one variance per row, or is a number. Variances below
    `eps` are raised to eps for the value while the gradient passes through unchanged,
    as PyTorch does.

    Args:
        input: the predicted means, a real tensor.
        target: the observations, of input's shape.
        var: the predicted variances, >= 0: input's shape, one per row, or a number.
        full: add the constant 0.5 log(2 pi) (default False).
        eps: the floor of var in the value, >= 0 (default 1e-6).
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, a negative variance, eps < 0, or a var shape
            that does not fit input.

    >>> import tapegrad as tg
    >>> f = tg.nn.functional.gaussian_nll_loss
    >>> f(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.0]), tg.tensor([1.0, 4.0]))
    tensor(0.5966)
    """
    fn = "gaussian_nll_loss"
    reduction = _reduction(None, None, reduction, fn)
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    full = _check.flag(full, fn, "full")
    eps = _check.real(eps, fn, "eps", low=0.0)
    if not isinstance(var, Tensor):
        if isinstance(var, (int, float, np.number)) and not isinstance(var, bool):
            if var < 0:
                raise ValueError(f"{fn}: var has negative entry/entries")
            var = make(np.full(input.shape, float(var), dtype=input._data.dtype))
        else:
            var = _numeric(var, fn, "var")
    v = var._data
    if v.shape != input.shape:
        if input.shape[:-1] == v.shape:
            var = ops.unsqueeze(var, -1)
        elif not (input.shape[:-1] == v.shape[:-1] and v.shape[-1:] == (1,)):
            raise ValueError(f"{fn}: var of shape {v.shape} is of incorrect size for "
                             f"input of shape {tuple(input.shape)}")
    if np.any(v < 0):
        raise ValueError(f"{fn}: var has negative entry/entries")
    # value max(var, eps), gradient as if unclamped
    var = var + (ops.maximum(var, eps) - var).detach()
    d = input - target
    loss = 0.5 * (ops.log(var) + d * d / var)
    if full:
        loss = loss + 0.5 * math.log(2 * math.pi)
    return _reduce(loss, reduction)


def poisson_nll_loss(input: Tensor, target: Tensor, log_input: bool = True, full: bool = False,
                     size_average: bool | None = None, eps: float = 1e-8,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """Poisson negative log likelihood: exp(input) - target input with `log_input`,
    else input - target log(input + eps); `full` adds Stirling's term
    target log target - target + 0.5 log(2 pi target) where target > 1.

    Args:
        input: log-rates (log_input) or rates, a real tensor.
        target: the counts, broadcast with input.
        log_input: input is the log of the rate (default True).
        full: add Stirling's approximation of log(target!) (default False).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        eps: keeps the log finite when log_input is False, >= 0 (default 1e-8).
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, or eps < 0.

    >>> import tapegrad as tg
    >>> tg.nn.functional.poisson_nll_loss(tg.tensor([0.0]), tg.tensor([1.0]))
    tensor(1.)
    """
    fn = "poisson_nll_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    _broadcast(fn, input=input, target=target)
    log_input = _check.flag(log_input, fn, "log_input")
    full = _check.flag(full, fn, "full")
    eps = _check.real(eps, fn, "eps", low=0.0)
    if log_input:
        loss = ops.exp(input) - target * input
    else:
        loss = input - target * ops.log(input + eps)
    if full:
        t = _raw(target)
        big = t > 1
        safe = ops.where(big, target, 2.0)
        stirling = safe * ops.log(safe) - safe + 0.5 * ops.log(2 * math.pi * safe)
        loss = loss + ops.where(big, stirling, 0.0)
    return _reduce(loss, reduction)


def _broadcast(fn, **named):
    """The losses here broadcast their operands as PyTorch's do; shapes that do not
    broadcast are refused naming the loss (not the elementwise op inside it)."""
    try:
        np.broadcast_shapes(*(v.shape for v in named.values()))
    except ValueError:
        shapes = ", ".join(f"{k} {tuple(v.shape)}" for k, v in named.items())
        raise ValueError(f"{fn}: the shapes of {shapes} do not broadcast together") from None


def _pair_inputs(a, b, target, fn):
    a, b = _numeric(a, fn, "input1"), _numeric(b, fn, "input2")
    target = _numeric(target, fn, "target")
    return a, b, target


def cosine_embedding_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                          size_average: bool | None = None, reduce: bool | None = None,
                          reduction: str = "mean") -> Tensor:
    """1 - cos(x1, x2) where target is 1, max(0, cos(x1, x2) - margin) where it is -1;
    rows of 2-D inputs (or two 1-D vectors with a 0-d target).

    Args:
        input1: (N, D) or (D,) vectors, a real tensor.
        input2: vectors of input1's shape.
        target: 1 (similar) or -1 (dissimilar), one per pair: (N,) or 0-d.
        margin: the cosine below which dissimilar pairs cost nothing (default 0).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, input1 and input2 of different shapes, or
            inputs that are not 1-D/2-D with a target of the matching shape.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[1.0, 0.0]])
    >>> tg.nn.functional.cosine_embedding_loss(x, x, tg.tensor([1.0]))
    tensor(0.)
    """
    fn = "cosine_embedding_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    a, b, target = _pair_inputs(input1, input2, target, fn)
    _same_shape(a, b, fn, ("input1", "input2"))
    if a.ndim not in (1, 2) or target.ndim != a.ndim - 1 or (
            a.ndim == 2 and target.shape[0] != a.shape[0]):
        raise ValueError(f"{fn}: expected 1-D inputs with a 0-D target or 2-D inputs with "
                         f"a 1-D target of the batch size, got input shape "
                         f"{tuple(a.shape)} and target shape {tuple(target.shape)}")
    margin = _check.real(margin, fn, "margin")
    eps = 1e-12                    # PyTorch's, inside the squared magnitudes
    dot = ops.sum(a * b, -1)
    denom = ops.sqrt((ops.sum(a * a, -1) + eps) * (ops.sum(b * b, -1) + eps))
    cos = dot / denom
    t = _raw(target)
    loss = ops.where(t == 1, 1.0 - cos, 0.0) + ops.where(t == -1,
                                                         _clamp_min0(cos - margin), 0.0)
    return _reduce(loss, reduction)


def margin_ranking_loss(input1: Tensor, input2: Tensor, target: Tensor, margin: float = 0.0,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(0, -target (input1 - input2) + margin), target being 1 or -1.

    Args:
        input1: the first scores, a real tensor.
        input2: the second scores (same number of dims).
        target: 1 where input1 should rank higher, -1 where input2 should.
        margin: the gap required (default 0).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, or inputs and target with different numbers of
            dims.

    >>> import tapegrad as tg
    >>> f = tg.nn.functional.margin_ranking_loss
    >>> f(tg.tensor([1.0, 0.0]), tg.tensor([0.0, 1.0]), tg.tensor([1.0, 1.0]))
    tensor(0.5000)
    """
    fn = "margin_ranking_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    a, b, target = _pair_inputs(input1, input2, target, fn)
    if not (a.ndim == b.ndim == target.ndim):
        raise ValueError(f"{fn}: all input tensors should have same dimension but got "
                         f"sizes: input1: {tuple(a.shape)}, input2: {tuple(b.shape)}, "
                         f"target: {tuple(target.shape)}")
    _broadcast(fn, input1=a, input2=b, target=target)
    margin = _check.real(margin, fn, "margin")
    return _reduce(_clamp_min0(-target * (a - b) + margin), reduction)


def _distance(x1, x2, p, eps):
    # PyTorch's pairwise_distance: the p-norm of x1 - x2 + eps over the last axis
    d = x1 - x2 + eps
    if p == 2:
        return ops.sqrt(ops.sum(d * d, -1))
    if p == 1:
        return ops.sum(ops.abs(d), -1)
    if math.isinf(p):
        return ops.amax(ops.abs(d), -1)
    return ops.sum(ops.abs(d) ** p, -1) ** (1.0 / p)


def triplet_margin_loss(anchor: Tensor, positive: Tensor, negative: Tensor, margin: float = 1.0,
                        p: float = 2, eps: float = 1e-6, swap: bool = False,
                        size_average: bool | None = None, reduce: bool | None = None,
                        reduction: str = "mean") -> Tensor:
    """max(d(a, p) - d(a, n) + margin, 0) with d the p-norm distance of rows (eps added
    to the difference, as pairwise_distance); `swap` uses min(d(a, n), d(p, n)).

    Args:
        anchor: (N, D) or (D,) vectors, a real tensor.
        positive: vectors like anchor's.
        negative: vectors like anchor's.
        margin: the gap required, > 0 (default 1).
        p: the order of the norm, > 0 (default 2; inf allowed).
        eps: added to the differences, >= 0 (default 1e-6).
        swap: use min(d(a, n), d(p, n)) as the negative distance (default False).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, inputs that are not all 1-D or all 2-D,
            margin <= 0, p <= 0, or eps < 0.

    >>> import tapegrad as tg
    >>> a = tg.tensor([[0.0, 0.0]])
    >>> f = tg.nn.functional.triplet_margin_loss
    >>> round(f(a, a, tg.tensor([[3.0, 4.0]])).item(), 4)
    0.0
    """
    fn = "triplet_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    a = _numeric(anchor, fn, "anchor")
    pos = _numeric(positive, fn, "positive")
    neg = _numeric(negative, fn, "negative")
    if not (a.ndim == pos.ndim == neg.ndim) or a.ndim not in (1, 2):
        raise ValueError(f"{fn}: anchor, positive and negative must all be 1-D or all "
                         f"2-D, got shapes {tuple(a.shape)}, {tuple(pos.shape)}, "
                         f"{tuple(neg.shape)}")
    _broadcast(fn, anchor=a, positive=pos, negative=neg)
    margin = _check.real(margin, fn, "margin", low=0.0, low_open=True)
    p = _check.real(p, fn, "p", low=0.0, low_open=True, finite=False)
    eps = _check.real(eps, fn, "eps", low=0.0)
    swap = _check.flag(swap, fn, "swap")
    d_pos = _distance(a, pos, p, eps)
    d_neg = _distance(a, neg, p, eps)
    if swap:
        d_neg = ops.minimum(d_neg, _distance(pos, neg, p, eps))
    return _reduce(_clamp_min0(margin + d_pos - d_neg), reduction)


def _log_sigmoid(x):
    return -ops.softplus(-x, 1.0, math.inf)


def soft_margin_loss(input: Tensor, target: Tensor, size_average: bool | None = None,
                     reduce: bool | None = None, reduction: str = "mean") -> Tensor:
    """log(1 + exp(-target * input)) for targets 1 / -1 (two-class logistic loss).

    Args:
        input: the scores, a real tensor.
        target: 1 or -1, of input's shape.
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, or shapes that differ.

    >>> import tapegrad as tg
    >>> round(tg.nn.functional.soft_margin_loss(tg.tensor([0.0]), tg.tensor([1.0])).item(), 4)
    0.6931
    """
    fn = "soft_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    _same_shape(input, target, fn)
    return _reduce(ops.softplus(-target * input, 1.0, math.inf), reduction)


def hinge_embedding_loss(input: Tensor, target: Tensor, margin: float = 1.0,
                         size_average: bool | None = None, reduce: bool | None = None,
                         reduction: str = "mean") -> Tensor:
    """input where target is 1, max(0, margin - input) where target is -1 (input is
    usually a distance).

    Args:
        input: the scores (usually distances), a real tensor.
        target: 1 or -1, broadcast with input.
        margin: the margin of the dissimilar pairs (default 1).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or the unreduced losses with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, or input and target that do not broadcast.

    >>> import tapegrad as tg
    >>> f = tg.nn.functional.hinge_embedding_loss
    >>> f(tg.tensor([0.3, 0.3]), tg.tensor([1.0, -1.0]), reduction="none")
    tensor([0.3000, 0.7000])
    """
    fn = "hinge_embedding_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    margin = _check.real(margin, fn, "margin")
    t = _raw(target)
    loss = (ops.where(t != 1, _clamp_min0(margin - input), 0.0)
            + ops.where(t != -1, input, 0.0))
    return _reduce(loss, reduction)


def multilabel_soft_margin_loss(input: Tensor, target: Tensor, weight: Tensor | None = None,
                                size_average: bool | None = None, reduce: bool | None = None,
                                reduction: str = "mean") -> Tensor:
    """Per-class binary logistic loss averaged over the classes of each row:
    -mean_c(y log sigmoid(x) + (1 - y) log sigmoid(-x)), optionally weighted by class.

    Args:
        input: (N, C) or (C,) logits, a real tensor.
        target: 0/1 labels of input's shape.
        weight: optional per-class weights, broadcast with the classes.
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for the unreduced losses.

    Returns:
        The loss: a 0-d tensor, or one loss per row with reduction="none".

    Raises:
        TypeError: an input is not a real numeric tensor, or an argument has the wrong type.
        ValueError: an unknown reduction, shapes that differ, or an input that is not
            1-D or 2-D.

    >>> import tapegrad as tg
    >>> f = tg.nn.functional.multilabel_soft_margin_loss
    >>> round(f(tg.zeros(1, 2), tg.tensor([[1.0, 0.0]])).item(), 4)
    0.6931
    """
    fn = "multilabel_soft_margin_loss"
    reduction = _reduction(size_average, reduce, reduction, fn)
    input, target = _numeric(input, fn, "input"), _numeric(target, fn, "target")
    _same_shape(input, target, fn)
    if input.ndim not in (1, 2):
        raise ValueError(f"{fn}: input must be [classes] or [batch, classes], got shape "
                         f"{tuple(input.shape)}")
    loss = -(target * _log_sigmoid(input) + (1.0 - target) * _log_sigmoid(-input))
    if weight is not None:
        loss = loss * _numeric(weight, fn, "weight")
    loss = ops.sum(loss, -1) / input.shape[-1]
    return _reduce(loss, reduction)


__all__ = ["huber_loss", "smooth_l1_loss", "kl_div", "gaussian_nll_loss",
           "poisson_nll_loss", "cosine_embedding_loss", "margin_ranking_loss",
           "triplet_margin_loss", "soft_margin_loss", "hinge_embedding_loss",
           "multilabel_soft_margin_loss"]
