"""NumPy functions whose signature or convention differs from tapegrad's own function of
the same job: reductions with `dtype=`/`out=`/`ddof=0`, factories with float64 defaults,
`split` by sections, `where(cond)`, `concatenate(axis=None)` ... Each is a few lines
over tapegrad ops, so every result is differentiated by the ops' own rules."""
from __future__ import annotations

import operator

import numpy as np

from .._tensor import Tensor
from ._npint import make  # integers made here follow NumPy's promotion
from .._factories import full as _tg_full
from .. import ops
from ._convert import asarg, floating, no_out, stacked
from ..ops._shapes import describe
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis, DTypeLike, ShapeLike

_F64 = np.dtype(np.float64)
_NoValue = np._NoValue if hasattr(np, "_NoValue") else object()


def _raw(x):
    return x._data if isinstance(x, Tensor) else x


def _dtype_of(x):
    return x._data.dtype if isinstance(x, Tensor) else np.asarray(x).dtype


def _with_dtype(a, dtype):
    if dtype is None:
        return a
    dtype = np.dtype(dtype)
    return a if _dtype_of(a) == dtype else ops.cast(a, dtype)


def _tensor_arg(x):
    x = asarg(x)
    return x if isinstance(x, Tensor) else make(np.asarray(x))


# ------------------------------------------------------------------ reductions

def sum(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
        keepdims: bool = False, initial: Any = None, where: ArrayLike = True) -> Tensor:
    """Sum of elements over `axis` (NumPy's signature).

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        dtype: the dtype summed in (None: a's; bools sum as int64).
        out: must be None (tensors are not written into).
        keepdims: keep the reduced axes with length 1.
        initial: a value added to the sum.
        where: booleans (broadcast to a) selecting the elements summed.

    >>> import tapegrad.numpy as tnp
    >>> tnp.sum([[1.0, 2.0], [3.0, 4.0]], axis=0)
    tensor([4., 6.], dtype=float64)
    """
    no_out("sum", out)
    a = _with_dtype(asarg(a), dtype)
    if _dtype_of(a) == np.bool_:
        a = ops.cast(a, np.int64)
    a = _masked(a, where, 0)
    r = ops.sum(a, _axis(axis), keepdims)
    return r if initial is None else r + initial


def prod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False, initial: Any = None, where: ArrayLike = True) -> Tensor:
    """Product of elements over `axis` (NumPy's signature: dtype=, keepdims=, initial=);
    exact gradient with zeros in the input.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        dtype: the dtype multiplied in (None: a's).
        out: must be None (tensors are not written into).
        keepdims: keep the reduced axes with length 1.
        initial: a value the product is multiplied by.
        where: booleans (broadcast to a) selecting the elements multiplied.

    >>> import tapegrad.numpy as tnp
    >>> x = tnp.array([1.0, 2.0, 3.0])
    >>> tnp.prod(x).item(), tnp.prod([[1, 2], [3, 4]], axis=0).tolist()
    (6.0, [3, 8])
    """
    no_out("prod", out)
    a = _masked(_with_dtype(asarg(a), dtype), where, 1)
    r = ops.prod(a, _axis(axis), keepdims)
    return r if initial is None else r * initial


def mean(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False, *, where: ArrayLike = True) -> Tensor:
    """Arithmetic mean over `axis`; integers average in float64, as NumPy.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        dtype: the dtype averaged in (None: a's, float64 for integers).
        out: must be None (tensors are not written into).
        keepdims: keep the reduced axes with length 1.
        where: booleans (broadcast to a) selecting the elements averaged.

    >>> import tapegrad.numpy as tnp
    >>> tnp.mean([1, 2, 3, 4])
    tensor(2.5000, dtype=float64)
    >>> tnp.mean([1.0, 2.0, 9.0], where=[True, True, False])
    tensor(1.5000, dtype=float64)
    """
    no_out("mean", out)
    a = floating(_with_dtype(asarg(a), dtype))
    if where is True:
        return ops.mean(a, _axis(axis), keepdims)
    return ops.sum(_masked(a, where, 0), _axis(axis), keepdims) / _count(a, where, axis,
                                                                         keepdims)


def var(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None, ddof: float = 0,
        keepdims: bool = False, *, where: ArrayLike = True, mean: ArrayLike | None = None,
        correction: float | None = None) -> Tensor:
    """Variance over `axis`; NumPy's default `ddof=0` (the population variance).

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        dtype: the dtype computed in (None: a's, float64 for integers).
        out: must be None (tensors are not written into).
        ddof: the divisor is N - ddof (1 gives the unbiased estimate).
        keepdims: keep the reduced axes with length 1.
        where: booleans (broadcast to a) selecting the elements used.
        mean: the mean, if already computed (keepdims-shaped).
        correction: the array API's name for ddof.

    >>> import tapegrad.numpy as tnp
    >>> tnp.var([1.0, 2.0, 3.0, 4.0])
    tensor(1.2500, dtype=float64)
    """
    no_out("var", out)
    a = floating(_with_dtype(asarg(a), dtype))
    ddof = _ddof("var", ddof, correction)
    if where is True and mean is None:
        return ops.var(a, _axis(axis), keepdims, ddof=ddof)
    return _masked_var(a, axis, keepdims, ddof, where, mean)


def std(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None, ddof: float = 0,
        keepdims: bool = False, *, where: ArrayLike = True, mean: ArrayLike | None = None,
        correction: float | None = None) -> Tensor:
    """Standard deviation over `axis`, `ddof=0` by default as NumPy (tg.std defaults to
    PyTorch's ddof=1).

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        dtype: the dtype computed in (None: a's, float64 for integers).
        out: must be None (tensors are not written into).
        ddof: the divisor is N - ddof.
        keepdims: keep the reduced axes with length 1.
        where: booleans (broadcast to a) selecting the elements used.
        mean: the mean, if already computed (keepdims-shaped).
        correction: the array API's name for ddof.

    >>> import tapegrad.numpy as tnp
    >>> tnp.std([1.0, 3.0]).item(), round(tnp.std([1.0, 3.0], ddof=1).item(), 4)
    (1.0, 1.4142)
    """
    no_out("std", out)
    a = floating(_with_dtype(asarg(a), dtype))
    ddof = _ddof("std", ddof, correction)
    if where is True and mean is None:
        return ops.std(a, _axis(axis), keepdims, ddof=ddof)
    return ops.sqrt(_masked_var(a, axis, keepdims, ddof, where, mean))


def amax(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
         initial: Any = _NoValue, where: ArrayLike = True) -> Tensor:
    """The largest value over `axis` (values only, as `np.max`; ties share the gradient).

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        out: must be None (tensors are not written into).
        keepdims: keep the reduced axes with length 1.
        initial: the result is at least this (maximum(result, initial)).
        where: booleans (broadcast to a) selecting the elements compared (needs
            initial).

    >>> import tapegrad.numpy as tnp
    >>> tnp.max([[1.0, 5.0], [7.0, 2.0]], axis=1)
    tensor([5., 7.], dtype=float64)
    """
    no_out("max", out)
    a = asarg(a)
    if where is not True:
        if initial is _NoValue:
            raise ValueError("max: a where= mask needs initial= (the value of an "
                             "all-masked reduction), as NumPy")
        a = _masked(a, where, initial)
    r = ops.amax(a, _axis(axis), keepdims)
    return r if initial is _NoValue else ops.maximum(r, initial)


def amin(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
         initial: Any = _NoValue, where: ArrayLike = True) -> Tensor:
    """The smallest value over `axis` (values only, as `np.min`; ties share the gradient).
    Also tnp.min.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        out: must be None (tensors are not written into).
        keepdims: keep the reduced axes with length 1.
        initial: the result is at most this (minimum(result, initial)).
        where: booleans (broadcast to a) selecting the elements compared (needs
            initial).

    >>> import tapegrad.numpy as tnp
    >>> tnp.amin([[4.0, 1.0], [2.0, 3.0]], axis=0).tolist()
    [2.0, 1.0]
    """
    no_out("min", out)
    a = asarg(a)
    if where is not True:
        if initial is _NoValue:
            raise ValueError("min: a where= mask needs initial= (the value of an "
                             "all-masked reduction), as NumPy")
        a = _masked(a, where, initial)
    r = ops.amin(a, _axis(axis), keepdims)
    return r if initial is _NoValue else ops.minimum(r, initial)


def argmax(a: ArrayLike, axis: Axis = None, out: None = None, *, keepdims: bool = False) -> Tensor:
    """Index of the largest value (an int64 tensor, no gradient); into the flattened
    array without `axis`, first one on ties.

    Args:
        a: a tensor, array, list or number.
        axis: the axis searched (None: the flattened a).
        out: must be None (tensors are not written into).
        keepdims: keep the searched axis with length 1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.argmax([[1, 5], [7, 2]]).item(), tnp.argmax([[1, 5], [7, 2]], axis=1).tolist()
    (2, [1, 0])
    """
    no_out("argmax", out)
    return ops.argmax(asarg(a), axis, keepdims)


def argmin(a: ArrayLike, axis: Axis = None, out: None = None, *, keepdims: bool = False) -> Tensor:
    """Index of the smallest value (an int64 tensor, no gradient); into the flattened
    array without `axis`.

    Args:
        a: a tensor, array, list or number.
        axis: the axis searched (None: the flattened a).
        out: must be None (tensors are not written into).
        keepdims: keep the searched axis with length 1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.argmin([3.0, 1.0, 2.0]).item()
    1
    """
    no_out("argmin", out)
    return ops.argmin(asarg(a), axis, keepdims)


def average(a: ArrayLike, axis: Axis = None, weights: ArrayLike | None = None,
            returned: bool = False, *, keepdims: bool = False) -> Any:
    """Weighted average over `axis`; differentiable in `a` and in `weights`. With
    returned=True, also the sum of the weights.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        weights: one weight per element of a, or a 1-D array along axis (None: equal).
        returned: also return the sum of the weights, as (average, sum_of_weights).
        keepdims: keep the reduced axes with length 1.

    >>> import tapegrad.numpy as tnp
    >>> import tapegrad as tg
    >>> w = tg.tensor([3.0, 1.0, 0.0], dtype="float64", requires_grad=True)
    >>> avg = tnp.average([1.0, 2.0, 3.0], weights=w)
    >>> avg.item()
    1.25
    >>> avg.backward()
    >>> w.grad.tolist()                 # (a - avg) / sum(w)
    [-0.0625, 0.1875, 0.4375]
    """
    a = floating(asarg(a))
    if weights is None:
        avg = ops.mean(a, _axis(axis), keepdims)
        if not returned:
            return avg
        n = np.size(_raw(a)) if axis is None else np.prod(
            [np.shape(_raw(a))[i] for i in np.atleast_1d(axis)])
        return avg, make(np.asarray(n, dtype=_dtype_of(avg)))
    w = asarg(weights)
    sa, sw = np.shape(_raw(a)), np.shape(_raw(w))
    if sa != sw and not isinstance(axis, (tuple, list)):
        # NumPy's checks and exception types (a mismatch broadcast, or failed in mul)
        if axis is None:
            raise TypeError("average: axis must be specified when shapes of a and weights "
                            "differ")
        if len(sw) != 1:
            raise TypeError("average: 1D weights expected when shapes of a and weights "
                            "differ")
        if not isinstance(axis, int) or not -len(sa) <= axis < len(sa) or \
                sw[0] != sa[axis]:
            raise ValueError(f"average: length of weights ({sw[0]}) not compatible with "
                             f"axis {axis} of a (shape {sa})")
    if np.ndim(_raw(w)) == 1 and np.ndim(_raw(a)) > 1 and axis is not None:
        shape = [1] * np.ndim(_raw(a))
        shape[axis] = -1
        w = ops.reshape(w, tuple(shape))
    total = ops.sum(a * w, _axis(axis), keepdims)
    scl = ops.sum(ops.broadcast_to(w, np.shape(_raw(a))), _axis(axis), keepdims)
    if type(_raw(scl)) is np.ndarray and np.any(_raw(scl) == 0):
        raise ZeroDivisionError("average: weights sum to zero, can't be normalized")
    return (total / scl, scl) if returned else total / scl


def all(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False, *,
        where: ArrayLike = True) -> Tensor:
    """Whether every element is true (a bool tensor), over `axis` or all elements.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        out: must be None (tensors are not written into).
        keepdims: keep the reduced axes with length 1.
        where: booleans selecting the elements tested.

    >>> import tapegrad.numpy as tnp
    >>> tnp.all([True, False]).item(), tnp.all([[1, 1], [0, 1]], axis=1).tolist()
    (False, [True, False])
    """
    no_out("all", out)
    return make(np.asarray(np.all(_raw(asarg(a)), axis=_axis(axis), keepdims=keepdims,
                                    where=_raw(asarg(where)))))


def any(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False, *,
        where: ArrayLike = True) -> Tensor:
    """Whether any element is true (a bool tensor), over `axis` or all elements.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        out: must be None (tensors are not written into).
        keepdims: keep the reduced axes with length 1.
        where: booleans selecting the elements tested.

    >>> import tapegrad.numpy as tnp
    >>> tnp.any([0.0, 2.0]).item()
    True
    """
    no_out("any", out)
    return make(np.asarray(np.any(_raw(asarg(a)), axis=_axis(axis), keepdims=keepdims,
                                    where=_raw(asarg(where)))))


def _masked(a, where, fill):
    """a with the elements `where` leaves out replaced by `fill` (NumPy's where= of a
    reduction); the gradient reaches the selected elements only."""
    if where is True:
        return a
    if isinstance(where, Tensor):           # kept a tensor: tg.vmap may batch it
        mask = where if where.dtype == np.bool_ else where != 0
        return ops.where(mask, a, fill)
    mask = np.asanyarray(_raw(asarg(where)), dtype=bool)
    shape = np.broadcast_shapes(np.shape(_raw(a)), mask.shape)
    if shape != np.shape(_raw(a)):
        a = ops.broadcast_to(a, shape)
    return ops.where(mask, a, fill)


def _count(a, where, axis, keepdims):
    """How many elements `where` selects over `axis` (a constant array, or a tensor
    when the mask is one)."""
    if isinstance(where, Tensor):
        m = ops.broadcast_to(ops.cast(where if where.dtype == np.bool_ else where != 0,
                                      _dtype_of(a)), np.shape(_raw(a)))
        return ops.sum(m, _axis(axis), keepdims)
    mask = np.broadcast_to(np.asanyarray(_raw(asarg(where)), dtype=bool), np.shape(_raw(a)))
    return np.sum(mask, axis=_axis(axis), keepdims=keepdims).astype(_dtype_of(a))


def _ddof(who, ddof, correction):
    if correction is None:
        return ddof
    if ddof != 0:
        raise ValueError(f"{who}: ddof and correction cannot both be given")
    return correction


def _masked_var(a, axis, keepdims, ddof, where, mean):
    """The variance of the elements `where` selects, around `mean` if given."""
    ax = _axis(axis)
    if mean is None:
        mean = ops.sum(_masked(a, where, 0), ax, True) / _count(a, where, axis, True)
    dev = _masked((a - mean) * ops.conj(a - mean) if _dtype_of(a).kind == "c"
                  else (a - mean) ** 2, where, 0)
    n = ops.maximum(_count(a, where, axis, keepdims) - ddof, 0)
    total = ops.sum(dev, ax, keepdims)
    return (ops.real(total) if _dtype_of(a).kind == "c" else total) / n


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


# ------------------------------------------------------------------ factories

def _shape_arg(shape, fn="shape"):
    if isinstance(shape, Tensor):
        shape = shape._data.reshape(-1).tolist()
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        out = tuple(int(operator.index(s)) for s in shape)
    except TypeError:
        raise TypeError(f"{fn}: shape must be an int or a sequence of ints, got "
                        f"{describe(shape)}") from None
    if [n for n in out if n < 0]:      # (this module's any is NumPy's)
        raise ValueError(f"{fn}: shape must not hold negative sizes, got {out}")
    return out


def zeros(shape: ShapeLike, dtype: DTypeLike = float, order: str | None = "C") -> Tensor:
    """A float64 (by default) tensor of zeros, as `np.zeros` (tg.zeros is float32).

    Args:
        shape: an int or a tuple of ints.
        dtype: the dtype (default float64).
        order: the memory layout, "C" or "F", as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> tnp.zeros(2), tnp.zeros((1, 2), dtype=int).tolist()
    (tensor([0., 0.], dtype=float64), [[0, 0]])
    """
    return make(np.zeros(_shape_arg(shape, "zeros"), dtype=dtype, order=order))


def ones(shape: ShapeLike, dtype: DTypeLike = None, order: str | None = "C") -> Tensor:
    """A float64 (by default) tensor of ones, as `np.ones`.

    Args:
        shape: an int or a tuple of ints.
        dtype: the dtype (None: float64).
        order: the memory layout, "C" or "F", as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ones((2,))
    tensor([1., 1.], dtype=float64)
    """
    return make(np.ones(_shape_arg(shape, "ones"), dtype=dtype, order=order))


def empty(shape: ShapeLike, dtype: DTypeLike = float, order: str | None = "C") -> Tensor:
    """As `np.empty`, but filled with zeros (never uninitialised memory).

    Args:
        shape: an int or a tuple of ints.
        dtype: the dtype (default float64).
        order: the memory layout, "C" or "F", as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> tnp.empty(3).tolist()
    [0.0, 0.0, 0.0]
    """
    return make(np.zeros(_shape_arg(shape, "empty"), dtype=dtype, order=order))


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeLike = None,
         order: str | None = "C") -> Tensor:
    """A tensor of `shape` filled with `fill_value`; a tensor fill value is broadcast
    (and differentiated through).

    Args:
        shape: an int or a tuple of ints.
        fill_value: a number, array or tensor broadcast to shape.
        dtype: the dtype (None: fill_value's).
        order: the memory layout, "C" or "F", as NumPy.

    >>> import tapegrad as tg, tapegrad.numpy as tnp
    >>> c = tg.tensor(2.0, dtype="float64", requires_grad=True)
    >>> tnp.full((2, 2), c).sum().backward()
    >>> c.grad
    tensor(4., dtype=float64)
    """
    shape = _shape_arg(shape, "full")
    if isinstance(fill_value, Tensor):
        dt = np.dtype(dtype) if dtype is not None else fill_value._data.dtype
        if fill_value._data.ndim == 0:
            return _tg_full(shape, fill_value, dtype=dt)
        return ops.clone(ops.broadcast_to(_with_dtype(fill_value, dt), shape))
    return make(np.full(shape, _raw(asarg(fill_value)), dtype=dtype, order=order))


def _like_shape_dtype(a, dtype):
    raw = _raw(asarg(a))
    return np.shape(raw), (np.dtype(dtype) if dtype is not None else np.asarray(raw).dtype)


def zeros_like(a: ArrayLike, dtype: DTypeLike = None, order: str | None = "K", subok: bool = True,
               shape: ShapeLike | None = None) -> Tensor:
    """Zeros with the shape and dtype of `a` (a float list gives float64).

    Args:
        a: the tensor, array or list whose shape and dtype are taken.
        dtype: overrides a's dtype.
        order: the memory layout, as NumPy.
        subok: accepted for NumPy's signature (the result is always a tensor).
        shape: overrides a's shape.

    >>> import tapegrad.numpy as tnp
    >>> tnp.zeros_like([[1.5, 2.5]])
    tensor([[0., 0.]], dtype=float64)
    """
    s, dt = _like_shape_dtype(a, dtype)
    return make(np.zeros(s if shape is None else _shape_arg(shape, "zeros_like"), dtype=dt))


def ones_like(a: ArrayLike, dtype: DTypeLike = None, order: str | None = "K", subok: bool = True,
              shape: ShapeLike | None = None) -> Tensor:
    """Ones with the shape and dtype of `a`.

    Args:
        a: the tensor, array or list whose shape and dtype are taken.
        dtype: overrides a's dtype.
        order: the memory layout, as NumPy.
        subok: accepted for NumPy's signature (the result is always a tensor).
        shape: overrides a's shape.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ones_like([1, 2]).tolist()
    [1, 1]
    """
    s, dt = _like_shape_dtype(a, dtype)
    return make(np.ones(s if shape is None else _shape_arg(shape, "ones_like"), dtype=dt))


def empty_like(a: ArrayLike, dtype: DTypeLike = None, order: str | None = "K", subok: bool = True,
               shape: ShapeLike | None = None) -> Tensor:
    """As `np.empty_like`, filled with zeros.

    Args:
        a: the tensor, array or list whose shape and dtype are taken.
        dtype: overrides a's dtype.
        order: the memory layout, as NumPy.
        subok: accepted for NumPy's signature (the result is always a tensor).
        shape: overrides a's shape.

    >>> import tapegrad.numpy as tnp
    >>> tnp.empty_like([1.0, 2.0]).tolist()
    [0.0, 0.0]
    """
    return zeros_like(a, dtype, order, subok, shape)


def full_like(a: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None, order: str | None = "K",
              subok: bool = True, shape: ShapeLike | None = None) -> Tensor:
    """`full` with the shape and dtype of `a`.

    Args:
        a: the tensor, array or list whose shape and dtype are taken.
        fill_value: a number, array or tensor.
        dtype: overrides a's dtype.
        order: the memory layout, as NumPy.
        subok: accepted for NumPy's signature (the result is always a tensor).
        shape: overrides a's shape.

    >>> import tapegrad.numpy as tnp
    >>> tnp.full_like([1.0, 2.0], 7.0).tolist()
    [7.0, 7.0]
    """
    s, dt = _like_shape_dtype(a, dtype)
    return full(s if shape is None else shape, fill_value, dt)


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike = float,
        order: str | None = "C") -> Tensor:
    """The identity matrix (float64 by default), `k` shifting the diagonal.

    Args:
        N: the number of rows.
        M: the number of columns (None: N).
        k: the diagonal of ones: 0 the main one, > 0 above it, < 0 below.
        dtype: the dtype (default float64).
        order: the memory layout, "C" or "F", as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> tnp.eye(2, k=1).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return make(np.eye(N, M, k, dtype=dtype, order=order))


def identity(n: int, dtype: DTypeLike = None) -> Tensor:
    """The n x n identity (float64 by default).

    Args:
        n: the number of rows and columns.
        dtype: the dtype (None: float64).

    >>> import tapegrad.numpy as tnp
    >>> tnp.identity(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return make(np.identity(n, dtype=dtype))


def arange(*args: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
    """As `np.arange` (int arguments give int64, any float gives float64).

    Args:
        *args: stop, or start, stop[, step], as NumPy (tensors are read as numbers).
        dtype: the dtype (None: from the arguments).
        **kwargs: start=, stop=, step=, as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> tnp.arange(3).tolist(), tnp.arange(0, 1, 0.25).tolist()
    ([0, 1, 2], [0.0, 0.25, 0.5, 0.75])
    """
    return make(np.arange(*[_raw(a) for a in args], dtype=dtype,
                          **{k: _raw(v) for k, v in kwargs.items()}))


def linspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True,
             retstep: bool = False, dtype: DTypeLike = None, axis: Axis = 0) -> Any:
    """`num` evenly spaced values from start to stop (float64 by default). Tensor end
    points give a result differentiable in both.

    Args:
        start: the first value (a number, array or tensor).
        stop: the last value (included when endpoint is True).
        num: the number of values.
        endpoint: whether stop is the last value.
        retstep: also return the spacing, as (values, step).
        dtype: the dtype (None: float64).
        axis: where the new axis goes when start and stop are arrays.

    >>> import tapegrad.numpy as tnp
    >>> tnp.linspace(0, 1, 5).tolist()
    [0.0, 0.25, 0.5, 0.75, 1.0]
    >>> tnp.linspace(0, 1, 4, endpoint=False).tolist()
    [0.0, 0.25, 0.5, 0.75]
    """
    if isinstance(start, Tensor) or isinstance(stop, Tensor):
        s, e = asarg(start), asarg(stop)
        dt = np.dtype(dtype) if dtype is not None else np.result_type(
            _dtype_of(s), _dtype_of(e), _F64)
        # NumPy's formula (arange * step + start, the end written exactly), in tensor
        # ops only: under tg.vmap the endpoints' values are not readable here
        nd = len(np.broadcast_shapes(np.shape(_raw(s)), np.shape(_raw(e))))
        div = (num - 1) if endpoint else num
        step = (e - s) / div if div > 0 else (e - s) * np.nan
        steps = make(np.arange(num, dtype=dt).reshape((num,) + (1,) * nd))
        out = steps * step + s if num > 1 else steps * 0 + s
        if endpoint and num > 1:
            out = out.at[-1].set(ops.broadcast_to(e, out.shape[1:]))
        if out.dtype != dt:
            out = ops.cast(out, dt)
        out = ops.transpose(out, _moved(out.ndim, axis)) if axis else out
        if retstep:
            return out, step
        return out
    res = np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
    if retstep:
        return make(res[0]), res[1]
    return make(res)


def _moved(ndim, axis):
    """Axes moving the leading one to `axis`."""
    if not -ndim <= axis < ndim:
        # as NumPy (axis % ndim put the new axis somewhere else, silently)
        raise np.exceptions.AxisError(axis, ndim, "linspace")
    axis = axis % ndim
    order = list(range(1, ndim))
    order.insert(axis, 0)
    return tuple(order)


def array(object: ArrayLike, dtype: DTypeLike = None, *, copy: bool = True, order: str | None = "K",
          subok: bool = False, ndmin: int = 0) -> Tensor:
    """A tensor from data, as `np.array` (float64 for Python floats). Nested lists that
    hold tensors are stacked, so the gradient reaches each tensor; a tensor is copied.

    Args:
        object: a tensor, array, number, or nested lists (which may hold tensors).
        dtype: the dtype (None: inferred, float64 for Python floats).
        copy: for a tensor input, False returns it as it is when the dtype matches.
        order: the memory layout, as NumPy.
        subok: accepted for NumPy's signature (the result is always a tensor).
        ndmin: the least number of dimensions (leading axes of length 1 are added).

    >>> import tapegrad as tg, tapegrad.numpy as tnp
    >>> x = tg.tensor(3.0, dtype="float64", requires_grad=True)
    >>> tnp.array([[x, 1.0], [2.0, x * x]]).sum().backward()
    >>> x.grad
    tensor(7., dtype=float64)
    """
    if isinstance(object, Tensor):
        r = _with_dtype(object, dtype)
        r = ops.clone(r) if copy and r is object else r
    elif isinstance(object, (list, tuple)) and _has_tensor(object):
        r = stacked(object, None if dtype is None else np.dtype(dtype))
    else:
        r = make(_native(np.array(object, dtype=dtype, copy=True, order=order)))
    while r.ndim < ndmin:
        r = ops.expand_dims(r, 0)
    return r


def _has_tensor(obj):
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            return True
        if isinstance(o, (list, tuple)):
            stack.extend(o)
    return False


def asarray(a: ArrayLike, dtype: DTypeLike = None, order: str | None = None) -> Tensor:
    """`a` as a tensor without copying when it already is one (cast if `dtype` differs).
    Python floats become float64. Also asanyarray and ascontiguousarray.

    Args:
        a: a tensor, array, number, or nested lists (which may hold tensors).
        dtype: the dtype (None: a's, or inferred).
        order: the memory layout, as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> t = tnp.asarray([1.0, 2.0])
    >>> tnp.asarray(t) is t, t.dtype
    (True, dtype('float64'))
    """
    if isinstance(a, Tensor):
        return _with_dtype(a, dtype)
    if isinstance(a, (list, tuple)) and _has_tensor(a):
        return stacked(a, None if dtype is None else np.dtype(dtype))
    return make(_native(np.asarray(a, dtype=dtype, order=order)))


def _native(a):
    # '>f8' in a tensor would not compare equal to float64 (as jax.numpy: native order)
    return a if a.dtype.isnative else a.astype(a.dtype.newbyteorder("="))


def copy(a: ArrayLike, order: str | None = "K") -> Tensor:
    """A copy of `a` (differentiable: the gradient passes unchanged).

    Args:
        a: a tensor, array, list or number.
        order: accepted for NumPy's signature.

    >>> import tapegrad.numpy as tnp
    >>> a = tnp.array([1.0, 2.0])
    >>> b = tnp.copy(a)
    >>> b is a, b.tolist()
    (False, [1.0, 2.0])
    """
    return ops.clone(_tensor_arg(a))
