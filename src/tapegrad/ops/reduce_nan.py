"""NaN-ignoring reductions: nansum ... nanstd, nanargmax and nanargmin."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor, make
from ._shapes import check_int, check_operand, normalize_axis, pick_axis, vmap_fold
from .elementwise import sqrt, where
from .reduce_sums import Prod, Sum, _float_in, _raw, _reduce, _torch_int
from .reduce_extrema import Max, Min, _arg_axis, _check_nonempty
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ArrayLike, Axis


# ------------------------------------------------------------------ NaN-ignoring reductions
# Compositions, not ops: NaN positions are replaced by a neutral value under a constant
# mask (Where), so they get exactly zero gradient and the rules are the plain ones.

def _nan_mask(x, op):
    if not isinstance(x, Tensor):
        x = check_operand(op, "x", x)
    a = _raw(x)
    if not isinstance(a, np.ndarray):
        a = np.asarray(a)
    # np.isnan on the array itself, not a base-class view of it: an array subclass (a
    # vmap placeholder) must see the call
    return x, (np.isnan(a) if a.dtype.kind in "fc" else np.zeros(a.shape, dtype=bool))


def nansum(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None) -> Tensor:
    """Sum treating NaN as zero (`np.nansum`, `torch.nansum`); NaN positions get zero
    gradient.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The sums without NaN.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> tg.nansum(tg.tensor([1.0, float("nan"), 2.0]))
    tensor(3.)
    """
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, "nansum")
        return fold(lambda v, a: nansum(v, a, keepdims), axis)
    given = x
    x, nan = _nan_mask(x, "nansum")
    return _torch_int(_reduce(Sum, where(nan, 0.0, x) if nan.any() else x, axis, keepdims,
                              dim, keepdim, "nansum"), None, given)


def nanmean(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None) -> Tensor:
    """Mean of the non-NaN elements (`np.nanmean`, `torch.nanmean`); a slice that is all
    NaN gives NaN. NaN positions get zero gradient.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The means of the non-NaN elements.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> tg.nanmean(tg.tensor([1.0, float("nan"), 2.0]))
    tensor(1.5000)
    """
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, "nanmean")
        return fold(lambda v, a: nanmean(v, a, keepdims), axis)
    x, nan = _nan_mask(x, "nanmean")
    total = nansum(x, axis, keepdims, dim=dim, keepdim=keepdim)
    dt = _raw(total).dtype if _raw(total).dtype.kind == "f" else np.float64
    count = _reduce(Sum, make((~nan).astype(dt)), axis, keepdims, dim, keepdim,
                    "nanmean")._data           # a constant: counts have no gradient
    with np.errstate(invalid="ignore", divide="ignore"):
        return total / count


def nanprod(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None) -> Tensor:
    """Product treating NaN as one (`np.nanprod`); NaN positions get zero gradient.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The products without NaN.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([2.0, float("nan"), 3.0], requires_grad=True)
    >>> tg.nanprod(x).backward()
    >>> tg.nanprod(x).item(), x.grad.tolist()
    (6.0, [3.0, 0.0, 2.0])
    """
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, "nanprod")
        return fold(lambda v, a: nanprod(v, a, keepdims), axis)
    given = x
    x, nan = _nan_mask(x, "nanprod")
    return _torch_int(_reduce(Prod, where(nan, 1.0, x) if nan.any() else x, axis, keepdims,
                              dim, keepdim, "nanprod"), None, given)


def nanmax(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None) -> Tensor:
    """Largest non-NaN element (`np.nanmax`); an all-NaN slice gives NaN. Ties share the
    gradient as in `amax`; NaN positions get none.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The largest non-NaN values.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    >>> tg.nanmax(x).backward()
    >>> tg.nanmax(x).item(), x.grad.tolist()
    (3.0, [0.0, 0.0, 1.0])
    """
    return _nan_extremum(x, axis, keepdims, dim, keepdim, "nanmax", Max, -np.inf)


def nanmin(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None) -> Tensor:
    """Smallest non-NaN element (`np.nanmin`); an all-NaN slice gives NaN.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The smallest non-NaN values.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> tg.nanmin(tg.tensor([[1.0, float("nan")], [float("nan"), float("nan")]]), axis=1)
    tensor([ 1., nan])
    """
    return _nan_extremum(x, axis, keepdims, dim, keepdim, "nanmin", Min, np.inf)


def _nan_extremum(x, axis, keepdims, dim, keepdim, op, cls, fill):
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, op)
        return fold(lambda v, a: _nan_extremum(v, a, keepdims, None, None, op, cls, fill),
                    axis)
    x, nan = _nan_mask(x, op)
    _check_nonempty(x, op, axis if dim is None else dim)
    if not nan.any():
        return _reduce(cls, x, axis, keepdims, dim, keepdim, op)
    out = _reduce(cls, where(nan, fill, x), axis, keepdims, dim, keepdim, op)
    all_nan = _reduce(Min, make(nan), axis, keepdims, dim, keepdim, op)._data
    return where(all_nan, np.nan, out) if all_nan.any() else out


def nanvar(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None, ddof: float = 0) -> Tensor:
    """Variance of the non-NaN elements (`np.nanvar`: ddof=0 by default); NaN positions
    get zero gradient, a slice with fewer than ddof + 1 numbers gives NaN.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.
        ddof: the delta degrees of freedom (0 by default, as NumPy).

    Returns:
        The reduced tensor.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, float("nan"), 3.0], requires_grad=True)
    >>> tg.nanvar(x).backward()
    >>> tg.nanvar(x).item(), x.grad.tolist()
    (1.0, [-1.0, 0.0, 1.0])
    """
    return _nanvar(x, axis, keepdims, dim, keepdim, ddof, "nanvar")


def nanstd(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
           keepdim: bool | None = None, ddof: float = 0) -> Tensor:
    """Standard deviation of the non-NaN elements (`np.nanstd`), sqrt(nanvar); 0 where
    the variance is 0, with gradient 0 there (as `std`).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.
        ddof: the delta degrees of freedom (0 by default, as NumPy).

    Returns:
        The reduced tensor.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> tg.nanstd(tg.tensor([1.0, float("nan"), 3.0]))
    tensor(1.)
    """
    v = _nanvar(x, axis, keepdims, dim, keepdim, ddof, "nanstd")
    nonzero = v != 0
    return where(nonzero, sqrt(where(nonzero, v, 1.0)), 0.0)


def _nanvar(x, axis, keepdims, dim, keepdim, ddof, op):
    ddof = check_int(op, "ddof", ddof)
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, op)
        return fold(lambda v, a: _nanvar(v, a, keepdims, None, None, ddof, op), axis)
    x, nan = _nan_mask(_float_in(x, op), op)
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, op)
    clean = where(nan, 0.0, x) if nan.any() else x
    nd = np.ndim(_raw(x))
    count = np.sum(~nan, axis=normalize_axis(axis, nd, op), keepdims=True)
    mean = _reduce(Sum, clean, axis, True, None, None, op) / count.astype(_raw(x).dtype)
    dev = clean - mean
    sq = where(nan, 0.0, dev * dev) if nan.any() else dev * dev
    total = _reduce(Sum, sq, axis, keepdims, None, None, op)
    denom = count - ddof
    if not keepdims:
        denom = denom.reshape(np.shape(_raw(total)))
    with np.errstate(invalid="ignore", divide="ignore"):
        denom = np.where(denom > 0, denom, np.nan).astype(_raw(x).dtype)
        return total / denom


def nanargmax(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Index of the largest non-NaN element (`np.nanargmax`; int64, no gradient). An
    all-NaN slice raises ValueError, as NumPy.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to reduce (None: the flattened tensor).
        keepdims: keep the reduced axis with length 1.

    Returns:
        int64 indices (no gradient).

    Raises:
        ValueError: a slice holds nothing but NaN.
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> import tapegrad as tg
    >>> tg.nanargmax(tg.tensor([float("nan"), 3.0, 1.0]))
    tensor(1)
    """
    return _nanarg(x, axis, keepdims, "nanargmax", np.nanargmax)


def nanargmin(x: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Index of the smallest non-NaN element (`np.nanargmin`; int64, no gradient). An
    all-NaN slice raises ValueError, as NumPy.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to reduce (None: the flattened tensor).
        keepdims: keep the reduced axis with length 1.

    Returns:
        int64 indices (no gradient).

    Raises:
        ValueError: a slice holds nothing but NaN.
        AxisError: an axis is out of range (a ValueError and an IndexError).

    >>> import tapegrad as tg
    >>> tg.nanargmin(tg.tensor([float("nan"), 3.0, 1.0]))
    tensor(2)
    """
    return _nanarg(x, axis, keepdims, "nanargmin", np.nanargmin)


def _nanarg(x, axis, keepdims, op, fn):
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        out = fold(lambda v, a: _nanarg(v, a, keepdims and axis is not None, op, fn), axis,
                   True)
        return out.reshape((1,) * x.ndim) if keepdims and axis is None else out
    axis, keepdims = _arg_axis(x, axis, None, keepdims, None, op)
    a = _raw(x) if isinstance(x, Tensor) else np.asarray(x)
    try:
        return make(fn(a, axis=axis, keepdims=keepdims).astype(np.int64))
    except ValueError:
        raise ValueError(f"{op}: a slice holds nothing but NaN (shape {np.shape(a)}, "
                         f"axis {axis})") from None

# the names `from tapegrad.ops.reduce_nan import *` gives (tests/test_all.py)
__all__ = ["nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanvar", "nanstd", "nanargmax",
           "nanargmin"]
