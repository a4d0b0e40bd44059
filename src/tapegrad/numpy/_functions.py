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
from .._factories import linspace as _tg_linspace
from .. import ops
from ._convert import asarg, floating, no_out, stacked
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
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
        keepdims: bool = False, initial: Any = None) -> Tensor:
    """Sum of elements over `axis` (NumPy's signature).

    >>> import tapegrad.numpy as tnp
    >>> tnp.sum([[1.0, 2.0], [3.0, 4.0]], axis=0)
    tensor([4., 6.], dtype=float64)
    """
    no_out("sum", out)
    a = _with_dtype(asarg(a), dtype)
    if _dtype_of(a) == np.bool_:
        a = ops.cast(a, np.int64)
    r = ops.sum(a, _axis(axis), keepdims)
    return r if initial is None else r + initial


def prod(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False, initial: Any = None) -> Tensor:
    """Product of elements over `axis` (NumPy's signature: dtype=, keepdims=, initial=);
    exact gradient with zeros in the input.

    >>> import tapegrad.numpy as tnp
    >>> x = tnp.array([1.0, 2.0, 3.0])
    >>> tnp.prod(x).item(), tnp.prod([[1, 2], [3, 4]], axis=0).tolist()
    (6.0, [3, 8])
    """
    no_out("prod", out)
    a = _with_dtype(asarg(a), dtype)
    r = ops.prod(a, _axis(axis), keepdims)
    return r if initial is None else r * initial


def mean(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
         keepdims: bool = False) -> Tensor:
    """Arithmetic mean over `axis`; integers average in float64, as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> tnp.mean([1, 2, 3, 4])
    tensor(2.5000, dtype=float64)
    """
    no_out("mean", out)
    return ops.mean(floating(_with_dtype(asarg(a), dtype)), _axis(axis), keepdims)


def var(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None, ddof: float = 0,
        keepdims: bool = False) -> Tensor:
    """Variance over `axis`; NumPy's default `ddof=0` (the population variance).

    >>> import tapegrad.numpy as tnp
    >>> tnp.var([1.0, 2.0, 3.0, 4.0])
    tensor(1.2500, dtype=float64)
    """
    no_out("var", out)
    return ops.var(floating(_with_dtype(asarg(a), dtype)), _axis(axis), keepdims, ddof=ddof)


def std(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None, ddof: float = 0,
        keepdims: bool = False) -> Tensor:
    """Standard deviation over `axis`, `ddof=0` by default as NumPy (tg.std defaults to
    PyTorch's ddof=1).

    >>> import tapegrad.numpy as tnp
    >>> tnp.std([1.0, 3.0]).item(), round(tnp.std([1.0, 3.0], ddof=1).item(), 4)
    (1.0, 1.4142)
    """
    no_out("std", out)
    return ops.std(floating(_with_dtype(asarg(a), dtype)), _axis(axis), keepdims, ddof=ddof)


def amax(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
         initial: Any = _NoValue) -> Tensor:
    """The largest value over `axis` (values only, as `np.max`; ties share the gradient).

    >>> import tapegrad.numpy as tnp
    >>> tnp.max([[1.0, 5.0], [7.0, 2.0]], axis=1)
    tensor([5., 7.], dtype=float64)
    """
    no_out("max", out)
    r = ops.amax(asarg(a), _axis(axis), keepdims)
    return r if initial is _NoValue else ops.maximum(r, initial)


def amin(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False,
         initial: Any = _NoValue) -> Tensor:
    """The smallest value over `axis` (values only, as `np.min`; ties share the gradient).
    Also tnp.min.

    >>> import tapegrad.numpy as tnp
    >>> tnp.amin([[4.0, 1.0], [2.0, 3.0]], axis=0).tolist()
    [2.0, 1.0]
    """
    no_out("min", out)
    r = ops.amin(asarg(a), _axis(axis), keepdims)
    return r if initial is _NoValue else ops.minimum(r, initial)


def argmax(a: ArrayLike, axis: Axis = None, out: None = None, *, keepdims: bool = False) -> Tensor:
    """Index of the largest value (an int64 tensor, no gradient); into the flattened
    array without `axis`, first one on ties.

    >>> import tapegrad.numpy as tnp
    >>> tnp.argmax([[1, 5], [7, 2]]).item(), tnp.argmax([[1, 5], [7, 2]], axis=1).tolist()
    (2, [1, 0])
    """
    no_out("argmax", out)
    return ops.argmax(asarg(a), axis, keepdims)


def argmin(a: ArrayLike, axis: Axis = None, out: None = None, *, keepdims: bool = False) -> Tensor:
    """Index of the smallest value (an int64 tensor, no gradient); into the flattened
    array without `axis`.

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
    if np.ndim(_raw(w)) == 1 and np.ndim(_raw(a)) > 1 and axis is not None:
        shape = [1] * np.ndim(_raw(a))
        shape[axis] = -1
        w = ops.reshape(w, tuple(shape))
    total = ops.sum(a * w, _axis(axis), keepdims)
    scl = ops.sum(ops.broadcast_to(w, np.shape(_raw(a))), _axis(axis), keepdims)
    return (total / scl, scl) if returned else total / scl


def all(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False) -> Tensor:
    """Whether every element is true (a bool tensor), over `axis` or all elements.

    >>> import tapegrad.numpy as tnp
    >>> tnp.all([True, False]).item(), tnp.all([[1, 1], [0, 1]], axis=1).tolist()
    (False, [True, False])
    """
    no_out("all", out)
    return make(np.asarray(np.all(_raw(asarg(a)), axis=_axis(axis), keepdims=keepdims)))


def any(a: ArrayLike, axis: Axis = None, out: None = None, keepdims: bool = False) -> Tensor:
    """Whether any element is true (a bool tensor), over `axis` or all elements.

    >>> import tapegrad.numpy as tnp
    >>> tnp.any([0.0, 2.0]).item()
    True
    """
    no_out("any", out)
    return make(np.asarray(np.any(_raw(asarg(a)), axis=_axis(axis), keepdims=keepdims)))


def _axis(axis):
    if isinstance(axis, list):
        return tuple(axis)
    return axis


# ------------------------------------------------------------------ factories

def _shape_arg(shape):
    if isinstance(shape, Tensor):
        return tuple(int(s) for s in shape._data.reshape(-1))
    if isinstance(shape, (int, np.integer)):
        return (int(shape),)
    return tuple(int(operator.index(s)) for s in shape)


def zeros(shape: ShapeLike, dtype: DTypeLike = float, order: str | None = "C") -> Tensor:
    """A float64 (by default) tensor of zeros, as `np.zeros` (tg.zeros is float32).

    >>> import tapegrad.numpy as tnp
    >>> tnp.zeros(2), tnp.zeros((1, 2), dtype=int).tolist()
    (tensor([0., 0.], dtype=float64), [[0, 0]])
    """
    return make(np.zeros(_shape_arg(shape), dtype=dtype, order=order))


def ones(shape: ShapeLike, dtype: DTypeLike = None, order: str | None = "C") -> Tensor:
    """A float64 (by default) tensor of ones, as `np.ones`.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ones((2,))
    tensor([1., 1.], dtype=float64)
    """
    return make(np.ones(_shape_arg(shape), dtype=dtype, order=order))


def empty(shape: ShapeLike, dtype: DTypeLike = float, order: str | None = "C") -> Tensor:
    """As `np.empty`, but filled with zeros (never uninitialised memory).

    >>> import tapegrad.numpy as tnp
    >>> tnp.empty(3).tolist()
    [0.0, 0.0, 0.0]
    """
    return make(np.zeros(_shape_arg(shape), dtype=dtype, order=order))


def full(shape: ShapeLike, fill_value: ArrayLike, dtype: DTypeLike = None,
         order: str | None = "C") -> Tensor:
    """A tensor of `shape` filled with `fill_value`; a tensor fill value is broadcast
    (and differentiated through).

    >>> import tapegrad as tg, tapegrad.numpy as tnp
    >>> c = tg.tensor(2.0, dtype="float64", requires_grad=True)
    >>> tnp.full((2, 2), c).sum().backward()
    >>> c.grad
    tensor(4., dtype=float64)
    """
    shape = _shape_arg(shape)
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

    >>> import tapegrad.numpy as tnp
    >>> tnp.zeros_like([[1.5, 2.5]])
    tensor([[0., 0.]], dtype=float64)
    """
    s, dt = _like_shape_dtype(a, dtype)
    return make(np.zeros(s if shape is None else _shape_arg(shape), dtype=dt))


def ones_like(a: ArrayLike, dtype: DTypeLike = None, order: str | None = "K", subok: bool = True,
              shape: ShapeLike | None = None) -> Tensor:
    """Ones with the shape and dtype of `a`.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ones_like([1, 2]).tolist()
    [1, 1]
    """
    s, dt = _like_shape_dtype(a, dtype)
    return make(np.ones(s if shape is None else _shape_arg(shape), dtype=dt))


def empty_like(a: ArrayLike, dtype: DTypeLike = None, order: str | None = "K", subok: bool = True,
               shape: ShapeLike | None = None) -> Tensor:
    """As `np.empty_like`, filled with zeros.

    >>> import tapegrad.numpy as tnp
    >>> tnp.empty_like([1.0, 2.0]).tolist()
    [0.0, 0.0]
    """
    return zeros_like(a, dtype, order, subok, shape)


def full_like(a: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None, order: str | None = "K",
              subok: bool = True, shape: ShapeLike | None = None) -> Tensor:
    """`full` with the shape and dtype of `a`.

    >>> import tapegrad.numpy as tnp
    >>> tnp.full_like([1.0, 2.0], 7.0).tolist()
    [7.0, 7.0]
    """
    s, dt = _like_shape_dtype(a, dtype)
    return full(s if shape is None else shape, fill_value, dt)


def eye(N: int, M: int | None = None, k: int = 0, dtype: DTypeLike = float,
        order: str | None = "C") -> Tensor:
    """The identity matrix (float64 by default), `k` shifting the diagonal.

    >>> import tapegrad.numpy as tnp
    >>> tnp.eye(2, k=1).tolist()
    [[0.0, 1.0], [0.0, 0.0]]
    """
    return make(np.eye(N, M, k, dtype=dtype, order=order))


def identity(n: int, dtype: DTypeLike = None) -> Tensor:
    """The n x n identity (float64 by default).

    >>> import tapegrad.numpy as tnp
    >>> tnp.identity(2).tolist()
    [[1.0, 0.0], [0.0, 1.0]]
    """
    return make(np.identity(n, dtype=dtype))


def arange(*args: Any, dtype: DTypeLike = None, **kwargs: Any) -> Tensor:
    """As `np.arange` (int arguments give int64, any float gives float64).

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
        if np.ndim(_raw(s)) or np.ndim(_raw(e)) or axis != 0:
            frac = np.linspace(0.0, 1.0, num, endpoint=endpoint, dtype=dt)
            shape = (num,) + (1,) * np.ndim(np.broadcast(_raw(s), _raw(e)))
            frac = make(frac.reshape(shape))
            out = s + (e - s) * frac
            out = ops.transpose(out, _moved(np.ndim(_raw(out)), axis)) if axis else out
        elif endpoint:
            out = _tg_linspace(s, e, num, dtype=dt)
        else:
            out = _tg_linspace(s, e, num + 1, dtype=dt)[:num]
        if retstep:
            return out, (e - s) / (num - 1 if endpoint else num)
        return out
    res = np.linspace(start, stop, num, endpoint, retstep, dtype, axis)
    if retstep:
        return make(res[0]), res[1]
    return make(res)


def _moved(ndim, axis):
    """Axes moving the leading one to `axis`."""
    axis = axis % ndim
    order = list(range(1, ndim))
    order.insert(axis, 0)
    return tuple(order)


def array(object: ArrayLike, dtype: DTypeLike = None, *, copy: bool = True, order: str | None = "K",
          subok: bool = False, ndmin: int = 0) -> Tensor:
    """A tensor from data, as `np.array` (float64 for Python floats). Nested lists that
    hold tensors are stacked, so the gradient reaches each tensor; a tensor is copied.

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
        r = make(np.array(object, dtype=dtype, copy=True, order=order))
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

    >>> import tapegrad.numpy as tnp
    >>> t = tnp.asarray([1.0, 2.0])
    >>> tnp.asarray(t) is t, t.dtype
    (True, dtype('float64'))
    """
    if isinstance(a, Tensor):
        return _with_dtype(a, dtype)
    if isinstance(a, (list, tuple)) and _has_tensor(a):
        return stacked(a, None if dtype is None else np.dtype(dtype))
    return make(np.asarray(a, dtype=dtype, order=order))


def copy(a: ArrayLike, order: str | None = "K") -> Tensor:
    """A copy of `a` (differentiable: the gradient passes unchanged).

    >>> import tapegrad.numpy as tnp
    >>> a = tnp.array([1.0, 2.0])
    >>> b = tnp.copy(a)
    >>> b is a, b.tolist()
    (False, [1.0, 2.0])
    """
    return ops.clone(_tensor_arg(a))


# ------------------------------------------------------------------ shape

def reshape(a: ArrayLike, shape: ShapeLike | None = None, order: str | None = "C", *,
            newshape: ShapeLike | None = None) -> Tensor:
    """`a` with a new shape (`newshape=`, NumPy's older keyword, is accepted); one
    entry may be -1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.reshape(tnp.arange(6), (2, -1)).tolist()
    [[0, 1, 2], [3, 4, 5]]
    """
    if shape is None:
        shape = newshape
    if order != "C":
        raise ValueError("reshape: only order='C' is supported")
    if isinstance(shape, (int, np.integer)):
        shape = (int(shape),)
    return ops.reshape(_tensor_arg(a), tuple(shape))


def ravel(a: ArrayLike, order: str | None = "C") -> Tensor:
    """`a` flattened to 1-D.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ravel([[1, 2], [3, 4]]).tolist()
    [1, 2, 3, 4]
    """
    return reshape(a, (-1,), order)


def transpose(a: ArrayLike, axes: Axis = None) -> Tensor:
    """`a` with its axes reversed, or permuted by `axes`.

    >>> import tapegrad.numpy as tnp
    >>> tnp.transpose([[1, 2, 3]]).tolist()
    [[1], [2], [3]]
    >>> tnp.transpose(tnp.zeros((2, 3, 4)), (2, 0, 1)).shape
    (4, 2, 3)
    """
    return ops.transpose(_tensor_arg(a), None if axes is None else tuple(axes))


def squeeze(a: ArrayLike, axis: Axis = None) -> Tensor:
    """`a` without its length-1 axes (all, or those in `axis`), as `np.squeeze`.

    >>> import tapegrad.numpy as tnp
    >>> tnp.squeeze(tnp.zeros((1, 3, 1))).shape, tnp.squeeze(tnp.zeros((1, 3, 1)), axis=0).shape
    ((3,), (3, 1))
    """
    return ops.squeeze(_tensor_arg(a), axis)


def expand_dims(a: ArrayLike, axis: Axis) -> Tensor:
    """`a` with new length-1 axes at `axis` (an int or a tuple).

    >>> import tapegrad.numpy as tnp
    >>> tnp.expand_dims([1.0, 2.0], (0, 2)).shape
    (1, 2, 1)
    """
    a = _tensor_arg(a)
    if isinstance(axis, (tuple, list)):
        nd = a.ndim + len(axis)
        shape, it = [], iter(a.shape)
        norm = {ax % nd for ax in axis}
        for i in range(nd):
            shape.append(1 if i in norm else next(it))
        return ops.reshape(a, tuple(shape))
    return ops.expand_dims(a, axis)


def swapaxes(a: ArrayLike, axis1: int, axis2: int) -> Tensor:
    """`a` with axes `axis1` and `axis2` exchanged, as `np.swapaxes`.

    >>> import tapegrad.numpy as tnp
    >>> tnp.swapaxes(tnp.zeros((2, 3, 4)), 0, 2).shape
    (4, 3, 2)
    """
    return ops.swapaxes(_tensor_arg(a), axis1, axis2)


def broadcast_to(array: ArrayLike, shape: ShapeLike) -> Tensor:
    """`array` broadcast to `shape` (NumPy's rules); the gradient sums back over the
    broadcast axes.

    >>> import tapegrad.numpy as tnp
    >>> tnp.broadcast_to([1.0, 2.0], (2, 2)).tolist()
    [[1.0, 2.0], [1.0, 2.0]]
    """
    return ops.broadcast_to(_tensor_arg(array), _shape_arg(shape))


def _seq(arrays, who):
    if isinstance(arrays, (Tensor, np.ndarray)):
        return list(arrays)         # NumPy iterates over the first axis
    if not isinstance(arrays, (list, tuple)):
        raise TypeError(f"{who}: expected a sequence of arrays, got {type(arrays).__name__}")
    return [asarg(a) for a in arrays]


def concatenate(arrays: Sequence[ArrayLike], axis: Axis = 0, out: None = None,
                dtype: DTypeLike = None) -> Tensor:
    """Join arrays along an existing axis (`axis=None` flattens them first). Also
    tnp.concat.

    >>> import tapegrad.numpy as tnp
    >>> tnp.concatenate([[1, 2], [3]]).tolist()
    [1, 2, 3]
    >>> tnp.concatenate([[[1, 2]], [[3, 4]]], axis=None).tolist()
    [1, 2, 3, 4]
    """
    no_out("concatenate", out)
    arrs = _seq(arrays, "concatenate")
    if axis is None:
        arrs, axis = [ops.reshape(_tensor_arg(a), (-1,)) for a in arrs], 0
    r = ops.concatenate(arrs, axis)
    return _with_dtype(r, dtype)


def stack(arrays: Sequence[ArrayLike], axis: Axis = 0, out: None = None,
          dtype: DTypeLike = None) -> Tensor:
    """Join arrays of the same shape along a new axis.

    >>> import tapegrad.numpy as tnp
    >>> tnp.stack([[1, 2], [3, 4]], axis=1).tolist()
    [[1, 3], [2, 4]]
    """
    no_out("stack", out)
    return _with_dtype(ops.stack(_seq(arrays, "stack"), axis), dtype)


def atleast_1d(*arys: Any) -> Any:
    """Each argument with at least one axis (a scalar becomes shape (1,)); one argument
    gives a tensor, several a list.

    >>> import tapegrad.numpy as tnp
    >>> tnp.atleast_1d(5.0).tolist(), tnp.atleast_1d([1.0, 2.0]).shape
    ([5.0], (2,))
    """
    return ops.atleast_1d(*[_tensor_arg(a) for a in arys])


def atleast_2d(*arys: Any) -> Any:
    """Each argument with at least two axes (1-D arrays become rows); one argument gives
    a tensor, several a list.

    >>> import tapegrad.numpy as tnp
    >>> tnp.atleast_2d(1.0).shape, tnp.atleast_2d([1.0, 2.0]).shape
    ((1, 1), (1, 2))
    """
    return ops.atleast_2d(*[_tensor_arg(a) for a in arys])


def atleast_3d(*arys: Any) -> Any:
    """Each argument with at least three axes (1-D of length N becomes (1, N, 1), 2-D
    (M, N) becomes (M, N, 1), as NumPy).

    >>> import tapegrad.numpy as tnp
    >>> tnp.atleast_3d([1.0, 2.0]).shape, tnp.atleast_3d([[1.0, 2.0]]).shape
    ((1, 2, 1), (1, 2, 1))
    """
    return ops.atleast_3d(*[_tensor_arg(a) for a in arys])


def vstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike = None) -> Tensor:
    """Stack arrays row-wise (1-D arrays become rows). Also tnp.row_stack.

    >>> import tapegrad.numpy as tnp
    >>> tnp.vstack([[1, 2], [3, 4]]).tolist()
    [[1, 2], [3, 4]]
    """
    return _with_dtype(ops.vstack(_seq(tup, "vstack")), dtype)


row_stack = vstack


def hstack(tup: Sequence[ArrayLike], *, dtype: DTypeLike = None) -> Tensor:
    """Stack arrays column-wise (1-D arrays are joined end to end).

    >>> import tapegrad.numpy as tnp
    >>> tnp.hstack([[1, 2], [3]]).tolist()
    [1, 2, 3]
    """
    return _with_dtype(ops.hstack(_seq(tup, "hstack")), dtype)


def dstack(tup: Sequence[ArrayLike]) -> Tensor:
    """Stack arrays along the third axis (1-D and 2-D inputs are made 3-D first).

    >>> import tapegrad.numpy as tnp
    >>> tnp.dstack([[1, 2], [3, 4]]).shape
    (1, 2, 2)
    """
    return ops.dstack(_seq(tup, "dstack"))


def column_stack(tup: Sequence[ArrayLike]) -> Tensor:
    """1-D arrays as columns of a 2-D array; 2-D arrays as they are.

    >>> import tapegrad.numpy as tnp
    >>> tnp.column_stack([[1, 2], [3, 4]]).tolist()
    [[1, 3], [2, 4]]
    """
    return ops.column_stack(_seq(tup, "column_stack"))


def split(ary: ArrayLike, indices_or_sections: int | Sequence[int], axis: Axis = 0) -> list[Tensor]:
    """Split into equal sections (an int) or at the given indices (a list), as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> [p.shape for p in tnp.split(tnp.arange(6.0), [1, 4])]
    [(1,), (3,), (2,)]
    """
    return ops.numpy_split(_tensor_arg(ary), indices_or_sections, axis)


def array_split(ary: ArrayLike, indices_or_sections: int | Sequence[int],
                axis: Axis = 0) -> list[Tensor]:
    """As split, allowing sections of unequal size (the first ones one longer).

    >>> import tapegrad.numpy as tnp
    >>> [p.tolist() for p in tnp.array_split(tnp.arange(5), 2)]
    [[0, 1, 2], [3, 4]]
    """
    return ops.array_split(_tensor_arg(ary), indices_or_sections, axis)


def hsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """split along the second axis (the first for 1-D input); sections must be equal.

    >>> import tapegrad.numpy as tnp
    >>> [p.tolist() for p in tnp.hsplit([[1, 2], [3, 4]], 2)]
    [[[1], [3]], [[2], [4]]]
    """
    return ops.hsplit(_tensor_arg(ary), indices_or_sections)


def vsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """split along the first axis; sections must be equal.

    >>> import tapegrad.numpy as tnp
    >>> [p.tolist() for p in tnp.vsplit([[1, 2], [3, 4]], 2)]
    [[[1, 2]], [[3, 4]]]
    """
    return ops.vsplit(_tensor_arg(ary), indices_or_sections)


def dsplit(ary: ArrayLike, indices_or_sections: int | Sequence[int]) -> list[Tensor]:
    """split along the third axis; sections must be equal.

    >>> import tapegrad.numpy as tnp
    >>> [p.shape for p in tnp.dsplit(tnp.zeros((1, 2, 4)), 2)]
    [(1, 2, 2), (1, 2, 2)]
    """
    return ops.dsplit(_tensor_arg(ary), indices_or_sections)


def where(condition: ArrayLike, x: ArrayLike | None = None, y: ArrayLike | None = None) -> Any:
    """`x` where `condition` holds, else `y` (the branch not taken gets no gradient);
    with the condition alone, the indices of its nonzero elements.

    >>> import tapegrad.numpy as tnp
    >>> tnp.where([True, False], [1.0, 2.0], 0.0).tolist()
    [1.0, 0.0]
    >>> tnp.where([0, 3, 5])
    (tensor([1, 2]),)
    """
    c = _raw(asarg(condition))
    c = np.asarray(c)
    if x is None and y is None:
        return nonzero(c)
    if x is None or y is None:
        raise ValueError("where: either both or neither of x and y should be given")
    if c.dtype != np.bool_:
        c = c.astype(bool)
    return ops.where(c, _weak(x), _weak(y))


def _weak(v):
    return v if v.__class__ in (float, int) else asarg(v)


def nonzero(a: ArrayLike) -> tuple[Tensor, ...]:
    """Indices of the nonzero elements, one int64 tensor per axis.

    >>> import tapegrad.numpy as tnp
    >>> rows, cols = tnp.nonzero([[0, 1], [2, 0]])
    >>> rows.tolist(), cols.tolist()
    ([0, 1], [1, 0])
    """
    return tuple(make(i.astype(np.int64)) for i in np.nonzero(np.asarray(_raw(asarg(a)))))


def argwhere(a: ArrayLike) -> Tensor:
    """Indices of the nonzero elements, one row per element (int64, shape (N, ndim)).

    >>> import tapegrad.numpy as tnp
    >>> tnp.argwhere([[0, 1], [2, 0]]).tolist()
    [[0, 1], [1, 0]]
    """
    return make(np.argwhere(np.asarray(_raw(asarg(a)))).astype(np.int64))


def flatnonzero(a: ArrayLike) -> Tensor:
    """Indices of the nonzero elements of the flattened input (int64).

    >>> import tapegrad.numpy as tnp
    >>> tnp.flatnonzero([0, 3, 0, 4]).tolist()
    [1, 3]
    """
    return make(np.flatnonzero(np.asarray(_raw(asarg(a)))).astype(np.int64))


def clip(a: ArrayLike, a_min: ArrayLike | None = None, a_max: ArrayLike | None = None,
         out: None = None, *, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
    """Values limited to [a_min, a_max] (min=/max= also accepted); outside the range the
    gradient is zero.

    >>> import tapegrad.numpy as tnp
    >>> tnp.clip([-2.0, 0.5, 3.0], 0, 1).tolist()
    [0.0, 0.5, 1.0]
    """
    no_out("clip", out)
    lo = a_min if a_min is not None else min
    hi = a_max if a_max is not None else max
    return ops.clip(asarg(a), _bound(lo), _bound(hi))


def _bound(v):
    return v if v is None or v.__class__ in (float, int) else asarg(v)
