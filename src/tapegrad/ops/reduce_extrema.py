"""Extremum reductions: max/min and amax/amin (the gradient goes to the extremes; ties
share it), ptp, and the index reductions argmax/argmin (no gradient)."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._tensor import _NO_DIM, Tensor, make
from ._apply import call
from ._op import Op, register, tangent_axis
from ._shapes import (check_axis, check_bool, check_operand, keepdims_shape,
                      pick_axis, vmap_fold)
from .shape import BroadcastTo
from .elementwise import clone, maximum, minimum, Where
from .reduce_sums import Sum, _raw, _reduce, expand_reduced
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis


class _Extremum(Op):
    """Shared rules of max/min: ties split the gradient evenly; a NaN result gives NaN
    gradients to its whole slice (as JAX, autograd and torch.amax)."""
    batching = "aware"
    saves = ("x", "out")

    @staticmethod
    def vjp(ctx, g):
        w = _tie_share(ctx)
        g = call(BroadcastTo, expand_reduced(g, ctx), shape=ctx.in_shapes[0])
        return (call(Where, w != 0, g * w, 0.0),)

    @staticmethod
    def jvp(ctx, dx):
        w = _tie_share(ctx)
        p = ctx.params
        return call(Sum, call(Where, w != 0, dx * w, 0.0), axis=tangent_axis(ctx),
                    keepdims=p["keepdims"])


def _tie_share(ctx):
    """Each element's share of the gradient: 1/count on the count tied extremes, 0
    elsewhere; NaN over a slice whose extreme is NaN (nothing equals it: 0/0), as
    torch.amax, jax.numpy.max and tf.reduce_max give."""
    x, out = (_raw(v) for v in ctx.saved)
    axis = ctx.params["axis"]
    if not ctx.params["keepdims"]:
        out = out.reshape(keepdims_shape(x.shape, axis))
    hit = (x == out)
    count = hit.sum(axis=axis, keepdims=True)
    with np.errstate(invalid="ignore"):     # a NaN result matches nothing: 0/0, NaN
        return hit / count.astype(x.dtype)


@register
class Max(_Extremum):
    """Largest element over `axis`; tied maxima share the gradient equally."""

    @staticmethod
    def forward(x, *, axis, keepdims):
        return np.max(x, axis=axis, keepdims=keepdims)


@register
class Min(_Extremum):
    """Smallest element over `axis`; tied minima share the gradient equally."""

    @staticmethod
    def forward(x, *, axis, keepdims):
        return np.min(x, axis=axis, keepdims=keepdims)


def amax(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Largest element over `axis`, values only (tied maxima share the gradient).
    TF: reduce_max; NumPy: amax/max; PyTorch: amax.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The largest values.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[1.0, 5.0], [5.0, 2.0]], requires_grad=True)
    >>> tg.amax(x, axis=1).tolist()
    [5.0, 5.0]
    >>> tg.amax(x).backward()           # two tied maxima share the gradient
    >>> x.grad
    tensor([[0.0000, 0.5000],
            [0.5000, 0.0000]])
    """
    _check_nonempty(x, "amax", axis if dim is None else dim)
    return _reduce(Max, x, axis, keepdims, dim, keepdim)


def amin(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Smallest element over `axis`, values only (ties share the gradient, as amax).
    TF: reduce_min; NumPy: amin/min; PyTorch: amin.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The smallest values.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[1.0, 5.0], [3.0, 2.0]], requires_grad=True)
    >>> tg.amin(x, axis=0).tolist()
    [1.0, 2.0]
    >>> tg.amin(x, axis=0).sum().backward()
    >>> x.grad
    tensor([[1., 0.],
            [0., 1.]])
    """
    _check_nonempty(x, "amin", axis if dim is None else dim)
    return _reduce(Min, x, axis, keepdims, dim, keepdim)


MaxResult = namedtuple("max", ["values", "indices"])
MinResult = namedtuple("min", ["values", "indices"])


def max(x: ArrayLike, dim: Any = _NO_DIM, keepdim: bool = False, *, axis: Axis = None,
        keepdims: bool = False) -> Any:
    """The largest element, as PyTorch and NumPy spell it.

    Given a dimension (`dim=`, or positionally: `tg.max(x, 1)`), a `(values, indices)`
    pair as `torch.max`, the gradient going to the element each index names. With
    `axis=` or nothing, the values, as `np.max` (tied maxima share the gradient). A
    tensor as the second argument is `maximum(x, other)`, as in PyTorch.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the dimension to reduce; without it, the single largest (smallest) value.
        keepdim: keep the reduced dimension with length 1.
        axis: NumPy's name for dim (values only, as NumPy).
        keepdims: NumPy's name for keepdim.

    Returns:
        A 0-d tensor without dim; with dim, a named tuple (values, indices).

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> v, i = tg.max(tg.tensor([[1.0, 5.0], [7.0, 2.0]]), 1)
    >>> v, i
    (tensor([5., 7.]), tensor([1, 0]))
    """
    return _max_min(x, dim, keepdim, axis, keepdims, "max")


def min(x: ArrayLike, dim: Any = _NO_DIM, keepdim: bool = False, *, axis: Axis = None,
        keepdims: bool = False) -> Any:
    """The smallest element; `(values, indices)` given a dimension, as `max` (and
    torch.min); with a tensor second argument, the elementwise minimum.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the dimension to reduce; without it, the single largest (smallest) value.
        keepdim: keep the reduced dimension with length 1.
        axis: NumPy's name for dim (values only, as NumPy).
        keepdims: NumPy's name for keepdim.

    Returns:
        A 0-d tensor without dim; with dim, a named tuple (values, indices).

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[4.0, 1.0], [2.0, 3.0]])
    >>> tg.min(x)
    tensor(1.)
    >>> values, indices = tg.min(x, 1)
    >>> values, indices
    (tensor([1., 2.]), tensor([1, 0]))
    """
    return _max_min(x, dim, keepdim, axis, keepdims, "min")


def _max_min(x, dim, keepdim, axis, keepdims, name):
    if isinstance(dim, Tensor):                 # torch.max(x, other): elementwise
        if axis is not None or keepdim is not False:
            raise TypeError(f"{name}: with a tensor as the second argument (the "
                            f"elementwise {name}imum) no dimension can be given")
        return (maximum if name == "max" else minimum)(x, dim)
    values_only = amax if name == "max" else amin
    if dim is _NO_DIM or dim is None:
        if keepdim is not False:
            raise TypeError(f"{name}: keepdim needs a dim; use keepdims= with axis=")
        if axis is None and not keepdims and isinstance(x, Tensor):
            spread = _nan_spread(x)
            if spread is not None:
                return spread
        return values_only(x, axis, keepdims)
    if axis is not None:
        raise TypeError(f"{name}: give dim (values and indices, as PyTorch) or axis "
                        f"(values, as NumPy), not both")
    check_bool(name, "keepdim", keepdim)
    if not isinstance(x, Tensor):
        x = make(np.asarray(check_operand(name, "x", x)))
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        return fold(lambda v, a: _max_min(v, a, keepdim, None, False, name), dim)
    arr = x._data
    d = check_axis(name, dim, arr.ndim, "dim")
    if arr.ndim and arr.shape[d] == 0:
        raise ValueError(f"{name}: cannot reduce an empty dimension (shape {arr.shape})")
    if arr.ndim == 0:
        return (MaxResult if name == "max" else MinResult)(clone(x), make(np.array(0)))
    ind = (np.argmax if name == "max" else np.argmin)(arr, axis=d)
    grids = np.indices(ind.shape, sparse=True)
    # the values are x at the chosen indices: the gradient goes to that element only
    values = x[tuple(grids[:d]) + (ind,) + tuple(grids[d:])]
    ind = ind.astype(np.int64)
    if keepdim:
        values = values.reshape(np.expand_dims(ind, d).shape)
        ind = np.expand_dims(ind, d)
    return (MaxResult if name == "max" else MinResult)(values, make(ind))


def _nan_spread(x):
    """torch.max(x)/min(x) of a tensor holding NaN: NaN, its gradient shared evenly by
    the NaN elements (torch's evenly_distribute_backward; amax/amin give NaN to all).
    None when there is no NaN (or under tg.vmap)."""
    arr = x._data
    if arr.dtype.kind not in "fc" or not arr.size or vmap_fold(x) is not None:
        return None
    hit = np.isnan(arr)
    if not hit.any():
        return None
    w = (hit / np.count_nonzero(hit)).astype(arr.dtype)
    with np.errstate(invalid="ignore"):
        return call(Sum, x * make(w), axis=None, keepdims=False)


def _check_nonempty(x, op, axis=None):
    try:
        size = np.size(_raw(x))
    except ValueError:                  # a ragged list: name the op, not NumPy's words
        check_operand(op, "x", x)
        raise
    if size == 0 and _reduces_empty(np.shape(_raw(x)), axis):
        raise ValueError(f"{op}: cannot reduce an empty tensor (shape {np.shape(_raw(x))})")


def _reduces_empty(shape, axis):
    """Whether reducing `shape` over `axis` takes an extremum of no elements; an empty
    tensor reduced only over non-empty axes gives an empty result, as torch."""
    if axis is None:
        return True
    axes = axis if isinstance(axis, (tuple, list)) else (axis,)
    try:
        return any(shape[int(a)] == 0 for a in axes)
    except (IndexError, TypeError, ValueError):
        return False                    # a bad axis: the reduction names it


def ptp(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None) -> Tensor:
    """Peak to peak, max - min along `axis` (`np.ptp`).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        max - min over axis.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[1.0, 4.0], [0.0, 7.0]], requires_grad=True)
    >>> tg.ptp(x, axis=1).tolist()
    [3.0, 7.0]
    >>> tg.ptp(x).backward()                # max 7, min 0
    >>> x.grad
    tensor([[ 0.,  0.],
            [-1.,  1.]])
    """
    _check_nonempty(x, "ptp", axis if dim is None else dim)
    return (_reduce(Max, x, axis, keepdims, dim, keepdim, "ptp")
            - _reduce(Min, x, axis, keepdims, dim, keepdim, "ptp"))


def argmax(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None) -> Tensor:
    """Index of the largest element (int64, never requires grad); the first one on
    ties. Without `axis`, an index into the flattened tensor.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        int64 indices (no gradient).

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[1.0, 5.0], [7.0, 2.0]])
    >>> tg.argmax(x), tg.argmax(x, axis=1)
    (tensor(2), tensor([1, 0]))
    """
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, "argmax")
        out = fold(lambda v, a: argmax(v, a, keepdims and axis is not None), axis, True)
        return out.reshape((1,) * np.ndim(_raw(x))) if keepdims and axis is None else out
    axis, keepdims = _arg_axis(x, axis, dim, keepdims, keepdim, "argmax")
    return make(np.argmax(_raw(x), axis=axis, keepdims=keepdims).astype(np.int64))


def argmin(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None) -> Tensor:
    """Index of the smallest element (int64, never requires grad); the first one on
    ties. Without `axis`, an index into the flattened tensor.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        int64 indices (no gradient).

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> tg.argmin(tg.tensor([[1.0, 5.0], [7.0, 0.0]]), axis=0)
    tensor([0, 1])
    """
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, "argmin")
        out = fold(lambda v, a: argmin(v, a, keepdims and axis is not None), axis, True)
        return out.reshape((1,) * np.ndim(_raw(x))) if keepdims and axis is None else out
    axis, keepdims = _arg_axis(x, axis, dim, keepdims, keepdim, "argmin")
    return make(np.argmin(_raw(x), axis=axis, keepdims=keepdims).astype(np.int64))


def _arg_axis(x, axis, dim, keepdims, keepdim, op):
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, op)
    x = _raw(x) if isinstance(x, Tensor) else np.asarray(check_operand(op, "x", x))
    if axis is not None:
        axis = check_axis(op, axis, np.ndim(x))
    if np.size(x) == 0 and _reduces_empty(np.shape(x), axis):
        raise ValueError(f"{op}: cannot take the {op} of an empty tensor (shape "
                         f"{np.shape(x)})")
    return axis, keepdims

# the names `from tapegrad.ops.reduce_extrema import *` gives (tests/test_all.py)
__all__ = ["Max", "Min", "amax", "amin", "MaxResult", "MinResult", "max", "min", "ptp",
           "argmax", "argmin"]
