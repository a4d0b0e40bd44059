"""Argument checks and small helpers that nn.functional's modules share (functional.py,
_functional_losses.py, _functional_act.py, _functional_norm.py): reduction names, real
inputs, probabilities, class weights and targets."""
from __future__ import annotations

import numpy as np

from .. import _check, ops
from .._tensor import Tensor, make


_REDUCTIONS = ("mean", "sum", "none")


def _raw(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _check_reduction(reduction, fn):
    if reduction not in _REDUCTIONS:
        raise ValueError(f"{fn}: reduction must be 'mean', 'sum' or 'none', "
                         f"got {reduction!r}")


def _check_approximate(approximate, fn):
    if approximate != "none" and approximate != "tanh":
        kind = ValueError if isinstance(approximate, str) else TypeError
        raise kind(f"{fn}: approximate argument must be either 'none' or 'tanh', got "
                   f"{_check._got(approximate)}")
    return approximate


def _check_p(p, fn):
    if isinstance(p, bool) or not isinstance(p, (int, float, np.floating, np.integer)):
        raise TypeError(f"{fn}: p (the dropout probability) must be a real number, got "
                        f"{_check._got(p)}")
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"{fn}: dropout probability has to be between 0 and 1, but got {p}")
    return float(p)


def _check_normalized_shape(normalized_shape, fn):
    shape = normalized_shape
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if isinstance(shape, (str, bytes)) or not hasattr(shape, "__iter__"):
        raise TypeError(f"{fn}: normalized_shape must be an int or a tuple of ints, got "
                        f"{_check._got(normalized_shape)}")
    shape = tuple(shape)
    if not shape:
        raise ValueError(f"{fn}: normalized_shape must not be empty")
    return tuple(_check.integer(n, fn, "normalized_shape", low=1) for n in shape)


def _check_ignore_index(ignore_index, fn):
    return _check.integer(ignore_index, fn, "ignore_index")


def _check_class_weight(weight, fn):
    """A 1-D numeric weight (or None); its length is checked against the input later."""
    if weight is None:
        return None
    w = _raw(weight)
    if w.dtype.kind not in "fiu" or w.ndim != 1:
        raise (TypeError if w.dtype.kind not in "fiu" else ValueError)(
            f"{fn}: weight must be a 1-D tensor of per-class weights, got "
            f"{_check._got(weight) if w.dtype.kind not in 'fiu' else f'shape {w.shape}'}")
    return weight


def _check_elementwise(t, fn, arg, shape):
    """`weight` / `pos_weight` of binary losses: numeric, broadcasting to the input's
    shape without changing it."""
    w = _raw(t)
    if w.dtype.kind not in "fiub":
        raise TypeError(f"{fn}: {arg} must be a numeric tensor, got {_check._got(t)}")
    try:
        ok = np.broadcast_shapes(w.shape, shape) == tuple(shape)
    except ValueError:
        ok = False
    if not ok:
        raise ValueError(f"{fn}: {arg} of shape {w.shape} does not broadcast to the input's "
                         f"shape {tuple(shape)}")


def _reduce(loss, reduction):
    if reduction == "mean":
        return ops.mean(loss)
    if reduction == "sum":
        return ops.sum(loss)
    return loss


def _check_softplus(beta, threshold, fn):
    beta = _check.real(beta, fn, "beta")
    if beta == 0:
        raise ValueError(f"{fn}: invalid beta value: 0 (softplus divides by beta)")
    return beta, _check.real(threshold, fn, "threshold", finite=False)


def _numeric(input, fn, arg="input"):
    """input's values as a real array, or a TypeError naming fn and arg."""
    try:
        x = np.asarray(_raw(input))
    except (TypeError, ValueError):
        x = None
    if x is None or x.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {arg} must be a real tensor, got {_check._got(input)}")
    return x


def _affine(value, fn, arg, shape):
    """A per-feature tensor (weight, bias, running statistics) of exactly `shape`: any
    other shape would broadcast silently (or fail inside reshape)."""
    data = _raw(value)
    if not isinstance(data, np.ndarray) or data.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {arg} must be a real tensor of shape {tuple(shape)}, got "
                        f"{_check._got(value)}")
    if data.shape != tuple(shape):
        raise ValueError(f"{fn}: {arg} must have shape {tuple(shape)}, got {data.shape}")
    return value


def _real(input, fn, arg="input"):
    """input as a Tensor of real values, or a TypeError naming fn and arg."""
    if not isinstance(input, Tensor):
        try:
            input = make(np.asarray(input))
        except (TypeError, ValueError):
            raise TypeError(f"{fn}: {arg} must be a real tensor, got {_check._got(input)}") \
                from None
    if input._data.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {arg} must be a real tensor, got {_check._got(input)}")
    return input


def _inplace(inplace, fn):
    if inplace is not False and inplace is not True:
        _check.flag(inplace, fn, "inplace")
