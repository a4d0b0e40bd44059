"""Reductions: sum ... logsumexp, and argmax/argmin (no gradient).

The ops live by family in reduce_sums.py (sum, mean, prod, var/std, logsumexp),
reduce_extrema.py (max/min, ptp, argmax/argmin) and reduce_nan.py (the NaN-ignoring
ones); this module gathers them under one name, with TensorFlow's reduce_* spellings.
"""
from .reduce_sums import (LogSumExp, Mean, Prod, Sum, Var, expand_reduced, logsumexp, mean,
                          prod, std, sum, var)
from .reduce_extrema import (Max, MaxResult, Min, MinResult, amax, amin, argmax, argmin, max,
                             min, ptp)
from .reduce_nan import (nanargmax, nanargmin, nanmax, nanmean, nanmin, nanprod, nanstd,
                         nansum, nanvar)

import functools

import numpy as np

from .._tensor import Tensor
from ._shapes import check_operand, normalize_axis, pick_axis
from .elementwise import cast, where
from .shape import stack


def _tf_input(x):
    """TensorFlow's conversion of a (nested) list holding tensors: one tensor stacked
    from them, keeping their gradients (tg.sum and the other torch names refuse such a
    list, as torch does)."""
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        return stack([_tf_input(v) for v in x])
    return x


def _holds_tensor(x):
    return any(isinstance(v, Tensor) or isinstance(v, (list, tuple)) and _holds_tensor(v)
               for v in x)


def _tf_listed(f):
    @functools.wraps(f)
    def reduce_fn(input_tensor, *args, **kwargs):
        return f(_tf_input(input_tensor), *args, **kwargs)
    return reduce_fn


reduce_sum = _tf_listed(sum)
reduce_prod = _tf_listed(prod)


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None, *, dim=None, keepdim=None,
                dtype=None):
    """Mean over `axis`, as tf.reduce_mean: `mean`, except that an integer tensor gives
    an integer mean of its dtype (rounded toward zero), as TensorFlow does.

    Args:
        input_tensor: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all); ints or an integer tensor.
        keepdims: keep the reduced axes with length 1.
        name: TensorFlow's op name, accepted and ignored.
        dim: PyTorch's name for axis.
        keepdim: PyTorch's name for keepdims.
        dtype: cast the input to this dtype first.

    Returns:
        The means.

    >>> import tapegrad as tg
    >>> tg.reduce_mean(tg.constant([1.0, 2.0])), tg.reduce_mean(tg.constant([-1, -2]))
    (tensor(1.5000), tensor(-1))
    """
    x = _tf_input(input_tensor)
    if dtype is None and not isinstance(x, Tensor):
        x = check_operand("reduce_mean", "input_tensor", x)
    data = getattr(x, "_data", None)
    if dtype is not None or data is None or data.dtype.kind not in "iu":
        return mean(x, axis, keepdims, dim=dim, keepdim=keepdim, dtype=dtype)
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, "reduce_mean")
    axis = normalize_axis(axis, data.ndim, "reduce_mean")
    # tensor ops, not NumPy on the values, so that tg.function traces it
    total = cast(sum(x, axis, keepdims), data.dtype)
    count = data.size // total._data.size if data.size else 0
    if count == 0:
        return total
    q = abs(total) // count
    return where(total < 0, -q, q)


def _empty_extremum(x, axis, keepdims, dim, keepdim, who, fill):
    """TF's max/min over an axis of length 0: the identity (-inf / +inf for floats, the
    dtype's extreme for integers), with a zero gradient; None when not that case."""
    data = getattr(x, "_data", None)
    if data is None or data.size:
        return None
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, who)
    axes = normalize_axis(axis, data.ndim, who)
    axes = range(data.ndim) if axes is None else axes
    if not any(data.shape[a] == 0 for a in axes):
        return None
    kind = data.dtype.kind
    if kind == "f":
        value = fill * np.inf
    elif kind in "iu":
        info = np.iinfo(data.dtype)
        value = info.max if fill > 0 else info.min
    else:
        return None
    return sum(x, axis, keepdims) + np.asarray(value, data.dtype)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None, *, dim=None, keepdim=None):
    """Maximum over `axis`, as tf.reduce_max (always the values; ties share the gradient);
    over an empty axis, -inf (the lowest integer for integer tensors) as TensorFlow.

    Args:
        input_tensor: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all); ints or an integer tensor.
        keepdims: keep the reduced axes with length 1.
        name: TensorFlow's op name, accepted and ignored.
        dim: PyTorch's name for axis.
        keepdim: PyTorch's name for keepdims.

    Returns:
        The maxima.

    >>> import tapegrad as tg
    >>> tg.reduce_max(tg.constant([[1.0, 5.0], [3.0, 2.0]]), axis=1)
    tensor([5., 3.])
    """
    input_tensor = _tf_input(input_tensor)
    empty = _empty_extremum(input_tensor, axis, keepdims, dim, keepdim, "reduce_max", -1)
    if empty is not None:
        return empty
    return amax(input_tensor, axis, keepdims, dim=dim, keepdim=keepdim)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None, *, dim=None, keepdim=None):
    """Minimum over `axis`, as tf.reduce_min (always the values; ties share the gradient);
    over an empty axis, +inf (the highest integer for integer tensors) as TensorFlow.

    Args:
        input_tensor: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all); ints or an integer tensor.
        keepdims: keep the reduced axes with length 1.
        name: TensorFlow's op name, accepted and ignored.
        dim: PyTorch's name for axis.
        keepdim: PyTorch's name for keepdims.

    Returns:
        The minima.

    >>> import tapegrad as tg
    >>> tg.reduce_min(tg.constant([[1.0, 5.0], [3.0, 2.0]]), axis=1)
    tensor([1., 2.])
    """
    input_tensor = _tf_input(input_tensor)
    empty = _empty_extremum(input_tensor, axis, keepdims, dim, keepdim, "reduce_min", 1)
    if empty is not None:
        return empty
    return amin(input_tensor, axis, keepdims, dim=dim, keepdim=keepdim)

reduce_logsumexp = _tf_listed(logsumexp)

# the names `from tapegrad.ops.reduce import *` gives (tests/test_all.py)
__all__ = ["expand_reduced", "Sum", "Mean", "Prod", "Max", "Min", "Var", "LogSumExp", "sum",
           "mean", "prod", "amax", "amin", "MaxResult", "MinResult", "max", "min", "var", "std",
           "logsumexp", "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanvar", "nanstd",
           "nanargmax", "nanargmin", "ptp", "argmax", "argmin", "reduce_sum", "reduce_mean",
           "reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp"]
