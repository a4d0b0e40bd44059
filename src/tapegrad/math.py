"""tf.math's names over tapegrad's ops (for TensorFlow users): `tg.math.reduce_sum`,
`tg.math.multiply`, `tg.math.sigmoid`, ...

Names whose TensorFlow meaning differs from the op of the same name (argmax's default
axis 0, reduce_std's population estimate, ...) are wrappers here; every other name is
looked up in tapegrad's op namespace when first used, so ops added there later appear
here too.

>>> import tapegrad as tg
>>> x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
>>> tg.math.reduce_sum(tg.math.square(x), axis=1)
tensor([ 5., 25.])
>>> tg.math.argmax(x)           # TF: along axis 0 by default
tensor([1, 1])
"""
from __future__ import annotations

import numpy as np

from . import _torch_keywords, ops
from ._check import _got
from ._tensor import Tensor, make
from ._tf_math import (TopKV2, bincount, confusion_matrix, cumprod, cumsum,
                       cumulative_logsumexp, in_top_k, polyval, reciprocal_no_nan, segment_max,
                       segment_mean, segment_min, segment_prod, segment_sum, top_k,
                       unsorted_segment_max, unsorted_segment_mean, unsorted_segment_min,
                       unsorted_segment_prod, unsorted_segment_sum, zero_fraction)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._typing import ArrayLike, Axis


def _t(x):
    return x if isinstance(x, Tensor) else make(np.asarray(x))


def _numeric(x, fn, arg):
    """x as a tensor of numbers or booleans, else a TypeError naming `fn`."""
    if isinstance(x, Tensor):
        return x
    try:
        arr = np.asarray(x)
    except ValueError:                      # a ragged list
        arr = None
    if arr is None or arr.dtype.kind not in "biufc":
        raise TypeError(f"{fn}: {arg} must be a tensor, array or numbers, got {_got(x)}")
    return make(arr)


def _pair(x, y):
    """x and y as tensors; a Python number (or list of them) takes the other operand's
    dtype when it fits, as TF converts it (1.0 / a float32 tensor stays float32)."""
    def fits(v, dt):
        return isinstance(v, (int, float, list, tuple)) and not isinstance(v, bool) and (
            dt.kind in "fc" or np.asarray(v).dtype.kind in "iu")
    if isinstance(x, Tensor) and not isinstance(y, Tensor) and fits(y, x._data.dtype):
        y = make(np.asarray(y, dtype=x._data.dtype))
    elif isinstance(y, Tensor) and not isinstance(x, Tensor) and fits(x, y._data.dtype):
        x = make(np.asarray(x, dtype=y._data.dtype))
    return _t(x), _t(y)


# ------------------------------------------------------------------ TF semantics
def argmax(input, axis=None, output_type=None, name=None):
    """Index of the largest entry along `axis` (TF's default: axis 0).

    Args:
        input: a tensor or array.
        axis: the axis to search (default None: axis 0, as TF).
        output_type: the dtype of the indices (default None: int64).
        name: ignored (TF's op name).

    Returns:
        The indices, an integer tensor with `axis` removed.

    >>> import tapegrad as tg
    >>> tg.math.argmax(tg.tensor([[1.0, 5.0], [3.0, 2.0]]))
    tensor([1, 0])
    >>> tg.math.argmax(tg.tensor([[1.0, 5.0], [3.0, 2.0]]), axis=1, output_type="int32")
    tensor([1, 0], dtype=int32)
    """
    out = ops.argmax(input, 0 if axis is None else axis)
    return out if output_type is None else ops.cast(out, output_type)


def argmin(input, axis=None, output_type=None, name=None):
    """Index of the smallest entry along `axis` (TF's default: axis 0).

    Args:
        input: a tensor or array.
        axis: the axis to search (default None: axis 0, as TF).
        output_type: the dtype of the indices (default None: int64).
        name: ignored (TF's op name).

    Returns:
        The indices, an integer tensor with `axis` removed.

    >>> import tapegrad as tg
    >>> tg.math.argmin(tg.tensor([[1.0, 5.0], [3.0, 2.0]]))
    tensor([0, 1])
    """
    out = ops.argmin(input, 0 if axis is None else axis)
    return out if output_type is None else ops.cast(out, output_type)


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """Population standard deviation (divides by n, as TF).

    Args:
        input_tensor: a tensor or array.
        axis: an axis or a tuple of axes (default None: all).
        keepdims: keep the reduced axes with size 1.
        name: ignored (TF's op name).

    Returns:
        The standard deviation over `axis`.

    >>> import tapegrad as tg
    >>> tg.math.reduce_std(tg.tensor([1.0, 3.0]))
    tensor(1.)
    """
    return ops.std(input_tensor, axis, keepdims, ddof=0)


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """Population variance (divides by n, as TF).

    Args:
        input_tensor: a tensor or array.
        axis: an axis or a tuple of axes (default None: all).
        keepdims: keep the reduced axes with size 1.
        name: ignored (TF's op name).

    Returns:
        The variance over `axis`.

    >>> import tapegrad as tg
    >>> tg.math.reduce_variance(tg.tensor([[1.0, 3.0], [2.0, 2.0]]), axis=1)
    tensor([1., 0.])
    """
    return ops.var(input_tensor, axis, keepdims, ddof=0)


def reduce_euclidean_norm(input_tensor, axis=None, keepdims=False, name=None):
    """sqrt(sum(x^2)) over `axis`.

    Args:
        input_tensor: a tensor or array.
        axis: an axis or a tuple of axes (default None: all).
        keepdims: keep the reduced axes with size 1.
        name: ignored (TF's op name).

    Returns:
        The norm over `axis`.

    >>> import tapegrad as tg
    >>> tg.math.reduce_euclidean_norm(tg.tensor([[3.0, 4.0], [0.0, 1.0]]), axis=1)
    tensor([5., 1.])
    """
    return ops.sqrt(ops.sum(ops.square(input_tensor), axis, keepdims))


def reduce_any(input_tensor, axis=None, keepdims=False, name=None):
    """Whether any element is true over `axis`, as tf.math.reduce_any.

    Args:
        input_tensor: the values (nonzero counts as True).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        name: accepted for TF code; unused.

    Returns:
        A bool tensor (no gradient).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.reduce_any(tg.tensor([[False, True], [False, False]]), axis=1)
    tensor([ True, False])
    """
    x = _numeric(input_tensor, "reduce_any", "input_tensor")
    return make(np.any(x._data, axis=axis, keepdims=keepdims))


def reduce_all(input_tensor, axis=None, keepdims=False, name=None):
    """Whether every element is true over `axis`, as tf.math.reduce_all.

    Args:
        input_tensor: the values (nonzero counts as True).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        name: accepted for TF code; unused.

    Returns:
        A bool tensor (no gradient).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.reduce_all(tg.tensor([[True, True], [False, True]]), axis=1)
    tensor([ True, False])
    """
    x = _numeric(input_tensor, "reduce_all", "input_tensor")
    return make(np.all(x._data, axis=axis, keepdims=keepdims))


def count_nonzero(input, axis=None, keepdims=False, dtype=np.int64, name=None):
    """The number of nonzero elements over `axis`, as tf.math.count_nonzero.

    Args:
        input: the values.
        axis: the axis or axes to count over (None: all).
        keepdims: keep the reduced axes with length 1.
        dtype: the result's dtype (int64).
        name: accepted for TF code; unused.

    Returns:
        The counts (no gradient).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.count_nonzero(tg.tensor([[0.0, 1.0], [2.0, 3.0]]), axis=0)
    tensor([1, 2])
    """
    return make(np.asarray(np.count_nonzero(_t(input)._data, axis=axis, keepdims=keepdims),
                           dtype=dtype))


def softmax(logits, axis=None, name=None):
    """exp(x) / sum(exp(x)) along `axis` (last by default), as tf.math.softmax.

    Args:
        logits: the input tensor.
        axis: the axis that sums to one (None: the last).
        name: accepted for TF code; unused.

    Returns:
        A tensor of logits' shape.

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.softmax(tg.tensor([0.0, 0.0]))
    tensor([0.5000, 0.5000])
    """
    return ops.softmax(logits, -1 if axis is None else axis)


def log_softmax(logits, axis=None, name=None):
    """log(softmax(x)) along `axis` (last by default), as tf.math.log_softmax.

    Args:
        logits: the input tensor.
        axis: the axis to normalize over (None: the last).
        name: accepted for TF code; unused.

    Returns:
        A tensor of logits' shape.

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.log_softmax(tg.tensor([0.0, 0.0]))
    tensor([-0.6931, -0.6931])
    """
    return ops.log_softmax(logits, -1 if axis is None else axis)


def log_sigmoid(x, name=None):
    """log(sigmoid(x)) = -softplus(-x), stable for large |x|.

    Args:
        x: a tensor, array or number.
        name: ignored (TF's op name).

    Returns:
        log(sigmoid(x)), of x's shape.

    >>> import tapegrad as tg
    >>> tg.math.log_sigmoid(tg.tensor([0.0, -100.0]))
    tensor([  -0.6931, -100.0000])
    """
    return -ops.softplus(-_t(x))


def softsign(features, name=None):
    """x / (1 + |x|) elementwise, as tf.math.softsign.

    Args:
        features: the input tensor.
        name: accepted for TF code; unused.

    Returns:
        x / (1 + |x|).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.softsign(tg.tensor([-1.0, 3.0]))
    tensor([-0.5000,  0.7500])
    """
    return features / (1.0 + ops.abs(features))


def rsqrt(x, name=None):
    """1 / sqrt(x) elementwise, as tf.math.rsqrt.

    Args:
        x: the input tensor.
        name: accepted for TF code; unused.

    Returns:
        1 / sqrt(x).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.rsqrt(tg.tensor([4.0, 0.25]))
    tensor([0.5000, 2.0000])
    """
    return 1.0 / ops.sqrt(x)


def squared_difference(x, y, name=None):
    """(x - y) ** 2 elementwise, as tf.math.squared_difference.

    Args:
        x: a tensor.
        y: a tensor or number, broadcast with x.
        name: accepted for TF code; unused.

    Returns:
        (x - y) ** 2.

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.squared_difference(tg.tensor([1.0, 5.0]), 2.0)
    tensor([1., 9.])
    """
    d = _t(x) - y
    return d * d


def divide_no_nan(x, y, name=None):
    """x / y, and 0 where y is 0 (also in the gradient).

    Args:
        x: the numerator, a tensor, array or number.
        y: the denominator; broadcast with x.
        name: ignored (TF's op name).

    Returns:
        x / y with 0 where y == 0, of the broadcast shape.

    >>> import tapegrad as tg
    >>> tg.math.divide_no_nan(tg.tensor([1.0, 2.0]), tg.tensor([0.0, 4.0]))
    tensor([0.0000, 0.5000])
    """
    x, y = _pair(x, y)
    zero = y._data == 0
    return ops.where(zero, 0.0, x / ops.where(zero, 1.0, y))


def multiply_no_nan(x, y, name=None):
    """x * y, and 0 where y is 0 even if x is inf or NaN.

    Args:
        x: a tensor, array or number.
        y: the other factor; broadcast with x.
        name: ignored (TF's op name).

    Returns:
        x * y with 0 where y == 0, of the broadcast shape.

    >>> import tapegrad as tg
    >>> tg.math.multiply_no_nan(tg.tensor([float("nan"), 2.0]), tg.tensor([0.0, 3.0]))
    tensor([0., 6.])
    """
    x, y = _pair(x, y)
    # where y == 0, x's finite values times y: the value is 0 and d/dy is x, as TF's
    # (a non-finite x gives 0 there, where TF's gradient would be inf or NaN)
    x_fin = ops.where(np.isfinite(x._data), x, 0.0)
    return ops.where(y._data == 0, x_fin * y, x * y)


def xdivy(x, y, name=None):
    """x / y, but 0 where x == 0, as tf.math.xdivy.

    Args:
        x: the numerator.
        y: the denominator, broadcast with x.
        name: accepted for TF code; unused.

    Returns:
        x / y, and 0 where x is 0 (even where y is 0).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.xdivy(tg.tensor([0.0, 3.0]), tg.tensor([0.0, 2.0]))
    tensor([0.0000, 1.5000])
    """
    x, y = _pair(x, y)
    return ops.where(x._data == 0, 0.0, x / ops.where(x._data == 0, 1.0, y))


def xlogy(x, y, name=None):
    """x * log(y), and 0 where x == 0 (even where y is 0), as tf.math.xlogy; where x is 0
    both partial derivatives are 0, as TF's (PyTorch's d/dy there is NaN at y = 0).

    Args:
        x: the factor.
        y: the argument of the log, broadcast with x.
        name: accepted for TF code; unused.

    Returns:
        x * log(y), 0 where x is 0.

    >>> import tapegrad as tg
    >>> tg.math.xlogy(tg.tensor([0.0, 2.0]), tg.tensor([0.0, 1.0]))
    tensor([0., 0.])
    """
    x, y = _pair(x, y)
    return x * ops.log(ops.where(x._data == 0, 1.0, y))


def xlog1py(x, y, name=None):
    """x * log1p(y), and 0 where x == 0, as tf.math.xlog1py (both partial derivatives 0
    there, as TF's).

    Args:
        x: the factor.
        y: the argument of log1p, broadcast with x.
        name: accepted for TF code; unused.

    Returns:
        x * log1p(y), 0 where x is 0.

    >>> import tapegrad as tg
    >>> tg.math.xlog1py(tg.tensor([0.0, 2.0]), tg.tensor([-1.0, 0.0]))
    tensor([0., 0.])
    """
    x, y = _pair(x, y)
    return x * ops.log1p(ops.where(x._data == 0, 0.0, y))


def scalar_mul(scalar, x, name=None):
    """scalar * x, as tf.math.scalar_mul.

    Args:
        scalar: a number or 0-d tensor.
        x: a tensor.
        name: accepted for TF code; unused.

    Returns:
        scalar * x.

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.scalar_mul(2.0, tg.tensor([1.0, 2.0]))
    tensor([2., 4.])
    """
    return x * scalar


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """x / sqrt(max(sum(x^2), epsilon)) over `axis` (all axes when None).

    Args:
        x: a tensor.
        axis: an axis or a tuple of axes (default None: all).
        epsilon: the floor of the squared norm, which keeps a zero x finite (default
            1e-12).
        name: ignored (TF's op name).

    Returns:
        x scaled to unit L2 norm over `axis`, of x's shape.

    >>> import tapegrad as tg
    >>> tg.math.l2_normalize(tg.tensor([3.0, 4.0]))
    tensor([0.6000, 0.8000])
    """
    ss = ops.sum(ops.square(x), axis, True)
    return x / ops.sqrt(ops.maximum(ss, epsilon))


def add_n(inputs, name=None):
    """The sum of a list of tensors, as tf.math.add_n.

    Args:
        inputs: a non-empty list of tensors of one shape.
        name: accepted for TF code; unused.

    Returns:
        Their elementwise sum.

    Raises:
        ValueError: inputs is empty.

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.add_n([tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])])
    tensor([4., 6.])
    """
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n: inputs must be a non-empty list of tensors")
    out = inputs[0]
    for t in inputs[1:]:
        out = out + t
    return out


def truediv(x, y, name=None):
    """x / y elementwise, as tf.math.truediv.

    Args:
        x: the numerator.
        y: the denominator, broadcast with x.
        name: accepted for TF code; unused.

    Returns:
        x / y, floating point: as TensorFlow, integers of 32 or 64 bits give float64
        (narrower ones float32).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.truediv(tg.tensor([1.0, 3.0]), 2.0)
    tensor([0.5000, 1.5000])
    >>> m.truediv(tg.constant([1, 2]), tg.constant([4, 4])).dtype
    dtype('float64')
    """
    dx, dy = (v._data.dtype if isinstance(v, Tensor) else np.asarray(v).dtype for v in (x, y))
    if dx.kind in "iu" and dy.kind in "iu":
        # a Python int takes the tensor's dtype (TF converts it so)
        sizes = [v._data.itemsize for v in (x, y) if isinstance(v, Tensor)] or [8]
        to = np.float64 if sizes[0] >= 4 or sizes[-1] >= 4 else np.float32
        return ops.divide(ops.cast(x, to), ops.cast(y, to))
    return ops.divide(x, y)


def floordiv(x, y, name=None):
    """floor(x / y) elementwise, as tf.math.floordiv.

    Args:
        x: the numerator.
        y: the denominator, broadcast with x.
        name: accepted for TF code; unused.

    Returns:
        floor(x / y).

    >>> import tapegrad as tg
    >>> m = tg.math
    >>> m.floordiv(tg.tensor([7.0, -7.0]), 2.0)
    tensor([ 3., -4.])
    """
    return ops.floor_divide(x, y)


def _cmp(op):
    def f(x, y, name=None):
        """Elementwise comparison with TF's name (tf.math.equal, not_equal, less, less_equal,
        greater, greater_equal): x == y, x != y, x < y, x <= y, x > y, x >= y.

        Args:
            x: a tensor, array or number.
            y: the other operand; broadcast with x.
            name: ignored (TF's op name).

        Returns:
            A bool tensor of the broadcast shape (no gradient).

        >>> import tapegrad as tg
        >>> x = tg.tensor([1.0, 2.0, 3.0])
        >>> tg.math.equal(x, 2.0), tg.math.less(x, 2.0), tg.math.greater_equal(x, 2.0)
        (tensor([False,  True, False]), tensor([ True, False, False]), tensor([False,  True,  True]))
        """
        return getattr(_t(x), op)(y)
    return f


equal, not_equal = _cmp("__eq__"), _cmp("__ne__")
less, less_equal = _cmp("__lt__"), _cmp("__le__")
greater, greater_equal = _cmp("__gt__"), _cmp("__ge__")


def _pred(fn):
    def f(x, name=None):
        """Elementwise test with TF's name: is_nan, is_inf, is_finite (tf.math), or
        logical_not.

        Args:
            x: a tensor, array or number (a bool one for logical_not).
            name: ignored (TF's op name).

        Returns:
            A bool tensor of x's shape (no gradient).

        >>> import tapegrad as tg
        >>> x = tg.tensor([1.0, float("nan"), float("inf")])
        >>> tg.math.is_nan(x), tg.math.is_finite(x)
        (tensor([False,  True, False]), tensor([ True, False, False]))
        >>> tg.math.logical_not(tg.tensor([True, False]))
        tensor([False,  True])
        """
        return make(fn(_t(x)._data))
    f.__name__ = fn.__name__
    return f


is_nan, is_inf, is_finite = _pred(np.isnan), _pred(np.isinf), _pred(np.isfinite)
logical_not = _pred(np.logical_not)


def _logical(fn):
    def f(x, y, name=None):
        """Elementwise logical operation with TF's name: logical_and, logical_or, logical_xor.

        Args:
            x: a bool tensor or array (other values count as true when nonzero).
            y: the other operand; broadcast with x.
            name: ignored (TF's op name).

        Returns:
            A bool tensor of the broadcast shape.

        >>> import tapegrad as tg
        >>> a, b = tg.tensor([True, True, False]), tg.tensor([True, False, False])
        >>> tg.math.logical_and(a, b), tg.math.logical_xor(a, b)
        (tensor([ True, False, False]), tensor([False,  True, False]))
        """
        return make(fn(_t(x)._data, _t(y)._data))
    return f


logical_and = _logical(np.logical_and)
logical_or = _logical(np.logical_or)
logical_xor = _logical(np.logical_xor)


def clip_by_norm(t: ArrayLike, clip_norm: ArrayLike, axes: Axis = None,
                 name: str | None = None) -> Tensor:
    """Scale `t` so its L2 norm over `axes` (all axes when None) is at most
    `clip_norm`, as tf.clip_by_norm: t * clip_norm / max(norm, clip_norm); a zero
    tensor stays zero with a finite gradient.

    Args:
        t: a floating point tensor or array.
        clip_norm: the largest norm allowed, a finite number >= 0 (or a one-element
            tensor).
        axes: the axes the norm is taken over (default None: all).
        name: ignored (TF's op name).

    Returns:
        t, rescaled where its norm exceeds clip_norm; of t's shape.

    Raises:
        TypeError: t is not floating point.
        ValueError: clip_norm is not a finite number >= 0.

    >>> import tapegrad as tg
    >>> tg.clip_by_norm(tg.tensor([3.0, 4.0]), 1.0)
    tensor([0.6000, 0.8000])
    """
    t = _t(t)
    if t._data.dtype.kind not in "fc":
        raise TypeError(f"clip_by_norm: t must be a floating tensor, got {_got(t)}")
    c = clip_norm._data if isinstance(clip_norm, Tensor) else np.asarray(clip_norm)
    if c.dtype.kind not in "iuf" or c.size != 1 or not np.isfinite(c) or float(c) < 0:
        raise ValueError(f"clip_by_norm: clip_norm must be a finite number >= 0, got "
                         f"{_got(clip_norm)}")
    ss = ops.sum(t * t, axes, True)
    positive = ss._data > 0
    norm = ops.where(positive, ops.sqrt(ops.where(positive, ss, 1.0)), ss)
    return t * clip_norm / ops.maximum(norm, clip_norm)


# TF name -> tapegrad op name, where they differ
_ALIASES = {"lgamma": "gammaln", "mod": "remainder", "floormod": "remainder"}


def __getattr__(name):
    target = _ALIASES.get(name, name)
    if not name.startswith("_"):
        fn = getattr(ops, target, None)
        if fn is not None and callable(fn) and not isinstance(fn, type):
            return _torch_keywords.wrapped(fn)     # the same object as tg.<name>
    raise AttributeError(f"module 'tapegrad.math' has no attribute {name!r}")


def __dir__():
    own = [k for k in globals() if not k.startswith("_")]
    found = [k for k in dir(ops) if not k.startswith("_") and callable(getattr(ops, k))
             and not isinstance(getattr(ops, k), type)]
    return sorted(set(own) | set(found) | {k for k, v in _ALIASES.items()
                                          if hasattr(ops, v)})

# the names `from tapegrad.math import *` gives (tests/test_all.py)
__all__ = ["argmax", "argmin", "reduce_std", "reduce_variance", "reduce_euclidean_norm",
           "reduce_any", "reduce_all", "count_nonzero", "softmax", "log_softmax", "log_sigmoid",
           "softsign", "rsqrt", "squared_difference", "divide_no_nan", "multiply_no_nan", "xdivy",
           "xlogy", "xlog1py", "scalar_mul", "l2_normalize", "add_n", "truediv", "floordiv",
           "equal", "not_equal", "less", "less_equal", "greater", "greater_equal", "is_nan",
           "is_inf", "is_finite", "logical_not", "logical_and", "logical_or", "logical_xor",
           "clip_by_norm", "TopKV2", "bincount", "confusion_matrix", "cumprod", "cumsum",
           "cumulative_logsumexp", "in_top_k", "polyval", "reciprocal_no_nan", "segment_max",
           "segment_mean", "segment_min", "segment_prod", "segment_sum", "top_k",
           "unsorted_segment_max", "unsorted_segment_prod", "unsorted_segment_mean",
           "unsorted_segment_min", "unsorted_segment_sum", "zero_fraction"]
