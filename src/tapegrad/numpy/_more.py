"""More of NumPy's functions over tensors: NumPy 2 spellings, calculus on samples
(gradient, trapezoid), and small shape helpers, each a few tapegrad ops."""
from __future__ import annotations

import numpy as np

from .. import ops
from ._convert import asarg, floating, no_out
from ._functions import _axis, _raw, _tensor_arg, _with_dtype, asarray, linspace
from ._shapes import transpose
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import ArrayLike, Axis, DTypeLike


def astype(x: ArrayLike, dtype: DTypeLike, /, *, copy: bool = True) -> Tensor:
    """`x` cast to `dtype` (NumPy 2's function form of ndarray.astype); float to int
    truncates towards 0, as NumPy.

    Args:
        x: a tensor, array, list or number.
        dtype: the target dtype (a NumPy dtype or its name).
        copy: accepted for NumPy's signature (the result is a new tensor).

    >>> import tapegrad.numpy as tnp
    >>> tnp.astype(tnp.array([1.5, -2.5]), "int64").tolist()
    [1, -2]
    """
    return ops.cast(_tensor_arg(x), np.dtype(dtype))


def real_if_close(a: ArrayLike, tol: float = 100) -> Tensor:
    """The real part when every imaginary part is within `tol` machine epsilons of zero
    (tol > 1) or within `tol` itself (tol <= 1), else `a` unchanged, as
    `np.real_if_close`; differentiable.

    Args:
        a: a tensor, array, list or number.
        tol: the tolerance, in machine epsilons of a's dtype when above 1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.real_if_close(tnp.array([1.0 + 1e-16j, 2.0]))
    tensor([1., 2.], dtype=float64)
    """
    t = asarray(a)
    if t.dtype.kind != "c":
        return t
    if tol > 1:
        tol = np.finfo(t.dtype).eps * tol
    if np.all(np.abs(t._data.imag) < tol):
        return ops.real(t)
    return t


def rollaxis(a: ArrayLike, axis: Axis, start: ArrayLike = 0) -> Tensor:
    """Axis `axis` moved to position `start` (NumPy's older moveaxis).

    Args:
        a: a tensor, array, list or number.
        axis: the axis moved.
        start: the position it is moved before (0 to a.ndim).

    >>> import tapegrad.numpy as tnp
    >>> tnp.rollaxis(tnp.zeros((2, 3, 4)), 2).shape
    (4, 2, 3)
    """
    a = _tensor_arg(a)
    n = a.ndim
    axis = _in_range(axis, n, "rollaxis")        # NumPy's checks of axis and start
    start = start + n if start < 0 else start
    if not 0 <= start < n + 1:
        raise np.exceptions.AxisError(f"rollaxis: start {start - n if start < 0 else start} "
                                      f"must be in the range [-{n}, {n + 1})")
    if start > axis:
        start -= 1
    order = [i for i in range(n) if i != axis]
    order.insert(start, axis)
    return ops.transpose(a, tuple(order))


def permute_dims(a: ArrayLike, axes: Axis = None) -> Tensor:
    """NumPy 2's name for transpose: the axes reversed, or permuted by `axes`.

    Args:
        a: a tensor, array, list or number.
        axes: a permutation of range(a.ndim) (None: reverse the axes).

    >>> import tapegrad.numpy as tnp
    >>> tnp.permute_dims(tnp.zeros((2, 3, 4)), (1, 0, 2)).shape
    (3, 2, 4)
    """
    return transpose(a, axes)


def matrix_transpose(x: ArrayLike, /) -> Tensor:
    """The last two axes swapped (a batch of matrices transposed), as
    np.matrix_transpose and x.mT.

    Args:
        x: a tensor, array or list with at least 2 dimensions.

    >>> import tapegrad.numpy as tnp
    >>> tnp.matrix_transpose(tnp.zeros((5, 2, 3))).shape
    (5, 3, 2)
    """
    return ops.swapaxes(_tensor_arg(x), -1, -2)


def broadcast_arrays(*args: Any) -> tuple[Tensor, ...]:
    """The arguments broadcast against each other (differentiable views), as a list.

    Args:
        *args: tensors, arrays, lists or numbers with broadcast-compatible shapes.

    >>> import tapegrad.numpy as tnp
    >>> a, b = tnp.broadcast_arrays([1.0, 2.0], [[0.0], [1.0]])
    >>> a.tolist(), b.tolist()
    ([[1.0, 2.0], [1.0, 2.0]], [[0.0, 0.0], [1.0, 1.0]])
    """
    arrs = [_tensor_arg(a) for a in args]
    shape = np.broadcast_shapes(*[a.shape for a in arrs])
    return tuple(a if a.shape == shape else ops.broadcast_to(a, shape) for a in arrs)


def ptp(a: ArrayLike, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Peak to peak: max - min over `axis`.

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        keepdims: keep the reduced axes with length 1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ptp([[1, 4], [0, 7]], axis=1).tolist()
    [3, 7]
    """
    a = asarg(a)
    return ops.amax(a, _axis(axis), keepdims) - ops.amin(a, _axis(axis), keepdims)


def logspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True,
             base: float = 10.0, dtype: DTypeLike = None, axis: Axis = 0) -> Tensor:
    """`base ** linspace(start, stop, ...)`; tensor end points differentiate.

    Args:
        start: the first exponent (a number, array or tensor).
        stop: the last exponent (included when endpoint is True).
        num: the number of values.
        endpoint: whether base ** stop is the last value.
        base: the base of the powers.
        dtype: the dtype (None: float64).
        axis: where the new axis goes when start and stop are arrays.

    >>> import tapegrad.numpy as tnp
    >>> tnp.logspace(0, 2, 3).tolist()
    [1.0, 10.0, 100.0]
    """
    r = base ** linspace(start, stop, num, endpoint, dtype=dtype, axis=axis)
    return r if dtype is None else _with_dtype(r, dtype)


def _in_range(axis, ndim, who):
    """axis as an index in [0, ndim): NumPy's AxisError outside (axis % ndim picked
    another axis silently)."""
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(axis, ndim, who)
    return axis % ndim


def trapezoid(y: ArrayLike, x: ArrayLike | None = None, dx: float = 1.0, axis: Axis = -1) -> Tensor:
    """The integral of `y` by the trapezoidal rule (over sample points `x`, or spacing
    `dx`); differentiable in `y` and `x`. Also trapz (NumPy's older name).

    Args:
        y: the sampled values.
        x: the sample points along axis (None: spacing dx).
        dx: the spacing of the samples when x is None.
        axis: the axis integrated over.

    >>> import tapegrad.numpy as tnp
    >>> tnp.trapezoid([1.0, 2.0, 3.0]).item(), tnp.trapezoid([1.0, 1.0], x=[0.0, 2.0]).item()
    (4.0, 2.0)
    """
    y = floating(_tensor_arg(y))
    n = y.ndim
    axis = _in_range(axis, n, "trapezoid")
    hi = (slice(None),) * axis + (slice(1, None),)
    lo = (slice(None),) * axis + (slice(None, -1),)
    if x is None:
        d = dx
    else:
        x = asarg(x)
        xt = _tensor_arg(x)
        if xt.ndim == 1:
            d = xt[1:] - xt[:-1]
            if n > 1:
                d = ops.reshape(d, (-1,) + (1,) * (n - 1 - axis))
        else:
            d = xt[hi] - xt[lo]
    return ops.sum(d * (y[hi] + y[lo]) / 2.0, axis)


trapz = trapezoid


def gradient(f: ArrayLike, *varargs: Any, axis: Axis = None, edge_order: int = 1) -> Any:
    """NumPy's gradient with unit or scalar spacing: central differences inside, one-sided
    at the edges (edge_order=1). Linear in `f`, so it differentiates exactly. Several
    axes give a list, one per axis.

    Args:
        f: a tensor, array or list of samples.
        *varargs: the spacing: none (1), one scalar for all axes, or one per axis.
        axis: an axis or a tuple of axes (None: all).
        edge_order: only 1 is supported.

    Raises:
        ValueError: edge_order is not 1, or an axis has fewer than 2 points.
        TypeError: the spacings do not match the axes, or one is not a scalar.

    >>> import tapegrad.numpy as tnp
    >>> tnp.gradient([1.0, 2.0, 4.0, 7.0]).tolist()
    [1.0, 1.5, 2.5, 3.0]
    """
    if edge_order != 1:
        raise ValueError("gradient: only edge_order=1 is supported")
    f = floating(_tensor_arg(f))
    n = f.ndim
    picked = axis if isinstance(axis, (tuple, list)) else (axis,)
    axes = list(range(n)) if axis is None else [_in_range(a, n, "gradient") for a in picked]
    if len(varargs) > 1 and len(varargs) != len(axes):
        raise TypeError("gradient: give one spacing, or one per axis")
    spacing = list(varargs) * len(axes) if len(varargs) == 1 else \
        (list(varargs) if varargs else [1.0] * len(axes))
    out = []
    for ax, h in zip(axes, spacing):
        if np.ndim(_raw(h)) != 0:
            raise TypeError("gradient: only scalar spacings are supported")
        if f.shape[ax] < 2:
            raise ValueError("gradient: each differentiated axis needs at least 2 points")

        def sl(s, ax=ax):
            return (slice(None),) * ax + (s,)
        first = f[sl(slice(1, 2))] - f[sl(slice(0, 1))]
        last = f[sl(slice(-1, None))] - f[sl(slice(-2, -1))]
        parts = [first]
        if f.shape[ax] > 2:
            parts.append((f[sl(slice(2, None))] - f[sl(slice(None, -2))]) / 2.0)
        parts.append(last)
        out.append(ops.concatenate(parts, ax) / h)
    return out[0] if len(out) == 1 else tuple(out)


# ---------------------------------------------------------------- NumPy's signatures
# tapegrad functions that speak both PyTorch and NumPy (tg.sort(x, 1) is torch.sort;
# tg.sort(x, axis=1) is np.sort) are called here with NumPy's keywords, so a positional
# argument always means what it means in NumPy. Registered by __init__ only when the op
# exists (ADAPTED); `out=` is refused as everywhere.

def _nan_reduction(name):
    def f(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
          keepdims: bool = False) -> Tensor:
        no_out(name, out)
        a = _with_dtype(asarg(a), dtype)
        return getattr(ops, name)(a, axis=_axis(axis), keepdims=keepdims)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"NumPy's `np.{name}(a, axis, dtype, out, keepdims)` over `tg.{name}`."
    return f


def _nan_moment(name):
    def f(a: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, out: None = None,
          ddof: float = 0, keepdims: bool = False) -> Tensor:
        no_out(name, out)
        a = _with_dtype(asarg(a), dtype)
        return getattr(ops, name)(a, axis=_axis(axis), keepdims=keepdims, ddof=ddof)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"NumPy's `np.{name}(a, axis, dtype, out, ddof=0, keepdims)`."
    return f


def sort(a: ArrayLike, axis: Axis = -1, kind: str | None = None, order: str | None = None, *,
         stable: bool | None = None, descending: bool = False) -> Tensor:
    """The sorted values along `axis` (None: flattened), as `np.sort`; each value's
    gradient goes to the element it came from.

    Args:
        a: a tensor, array, list or number.
        axis: the axis sorted along (None: the flattened a).
        kind: NumPy's algorithm name, checked as NumPy does (the sort is stable).
        order: must be None (no structured arrays; NumPy's ValueError otherwise).
        stable: checked as NumPy does (the sort is stable).
        descending: jax.numpy's: largest first.

    >>> import tapegrad.numpy as tnp
    >>> import tapegrad as tg
    >>> x = tg.tensor([3.0, 1.0, 2.0], requires_grad=True)
    >>> s = tnp.sort(x)
    >>> s.tolist()
    [1.0, 2.0, 3.0]
    >>> (s * tg.tensor([1.0, 10.0, 100.0])).sum().backward()
    >>> x.grad
    tensor([100.,   1.,  10.])
    """
    # NumPy's own checks of kind/order/stable (a bad kind was silently ignored)
    np.sort(np.zeros(1), kind=kind, order=order, stable=stable)
    out = ops.sort(asarg(a), axis=axis)
    return ops.flip(out, -1 if axis is None else axis) if descending else out


def median(a: ArrayLike, axis: Axis = None, out: None = None, overwrite_input: bool = False,
           keepdims: bool = False) -> Tensor:
    """NumPy's median (the mean of the two middle values for an even count).

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        out: must be None (tensors are not written into).
        overwrite_input: accepted for NumPy's signature (the input is never changed).
        keepdims: keep the reduced axes with length 1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.median([3.0, 1.0, 2.0, 10.0]).item()
    2.5
    """
    no_out("median", out)
    return ops.median(asarg(a), axis=_axis(axis), keepdims=keepdims)


def nanmedian(a: ArrayLike, axis: Axis = None, out: None = None, overwrite_input: bool = False,
              keepdims: bool = False) -> Tensor:
    """The median of the non-NaN values, as `np.nanmedian` (NaN where a slice is all NaN).

    Args:
        a: a tensor, array, list or number.
        axis: an axis or a tuple of axes (None: all).
        out: must be None (tensors are not written into).
        overwrite_input: accepted for NumPy's signature (the input is never changed).
        keepdims: keep the reduced axes with length 1.

    >>> import tapegrad.numpy as tnp
    >>> tnp.nanmedian([1.0, float("nan"), 3.0]).item()
    2.0
    """
    no_out("nanmedian", out)
    return ops.nanmedian(asarg(a), axis=_axis(axis), keepdims=keepdims)


def _quantile_like(name, scale):
    def f(a: ArrayLike, q: ArrayLike, axis: Axis = None, out: None = None,
          overwrite_input: bool = False, method: str = "linear", keepdims: bool = False, *,
          weights: ArrayLike | None = None, interpolation: str | None = None) -> Tensor:
        no_out(name, out)
        if weights is not None:
            raise TypeError(f"{name}: weights= is not supported")
        q = asarg(q) / 100.0 if scale else q
        fn = getattr(ops, "nanquantile" if name.startswith("nan") else "quantile")
        return fn(asarg(a), q, axis=_axis(axis), keepdims=keepdims, method=method)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = f"NumPy's `np.{name}` (q {'in percent' if scale else 'in [0, 1]'})."
    return f


def cross(a: ArrayLike, b: ArrayLike, axisa: int = -1, axisb: int = -1, axisc: int = -1,
          axis: Axis = None) -> Tensor:
    """NumPy's cross product (vectors along the last axis by default).

    Args:
        a: the first tensor of 3-vectors.
        b: the second, broadcast against a.
        axisa: the axis of a holding the vectors.
        axisb: the axis of b holding the vectors.
        axisc: the axis of the result holding the vectors.
        axis: sets axisa, axisb and axisc at once.

    >>> import tapegrad.numpy as tnp
    >>> tnp.cross([1.0, 0.0, 0.0], [0.0, 1.0, 0.0]).tolist()
    [0.0, 0.0, 1.0]
    """
    return ops.cross(asarg(a), asarg(b), axisa=axisa, axisb=axisb, axisc=axisc, axis=axis)


def nan_to_num(x: ArrayLike, copy: bool = True, nan: float = 0.0, posinf: float | None = None,
               neginf: float | None = None) -> Tensor:
    """NaN and infinities replaced by numbers (NumPy's argument order); the gradient is
    0 at the replaced places.

    Args:
        x: a tensor, array, list or number.
        copy: accepted for NumPy's signature (the result is a new tensor).
        nan: the value replacing NaN.
        posinf: the value replacing +inf (None: the dtype's largest finite value).
        neginf: the value replacing -inf (None: the dtype's smallest finite value).

    >>> import tapegrad.numpy as tnp
    >>> tnp.nan_to_num([float("nan"), float("inf"), 1.0], posinf=9.0).tolist()
    [0.0, 9.0, 1.0]
    """
    return ops.nan_to_num(asarg(x), nan=nan, posinf=posinf, neginf=neginf)


def meshgrid(*xi: Any, copy: bool = True, sparse: bool = False,
             indexing: str = "xy") -> tuple[Tensor, ...]:
    """Coordinate grids, NumPy's default 'xy' indexing; broadcasts, so differentiable.

    Args:
        *xi: 1-D coordinate vectors (tensors, arrays or lists).
        copy: accepted for NumPy's signature (full grids are new tensors).
        sparse: return broadcastable grids with one non-1 axis each instead of full ones.
        indexing: "xy" (Cartesian: the first two axes swapped) or "ij" (matrix).

    >>> import tapegrad.numpy as tnp
    >>> X, Y = tnp.meshgrid([1, 2, 3], [10, 20])
    >>> X.tolist(), Y.tolist()
    ([[1, 2, 3], [1, 2, 3]], [[10, 10, 10], [20, 20, 20]])
    >>> [g.shape for g in tnp.meshgrid([1, 2, 3], [10, 20], indexing="ij")]
    [(3, 2), (3, 2)]
    """
    xs = [ops.reshape(_tensor_arg(x), (-1,)) for x in xi]
    n = len(xs)
    if indexing not in ("xy", "ij"):
        raise ValueError(f"meshgrid: indexing must be 'xy' or 'ij', got {indexing!r}")
    sizes = [x.shape[0] for x in xs]
    if indexing == "xy" and n >= 2:
        sizes[0], sizes[1] = sizes[1], sizes[0]
    out = []
    for i, x in enumerate(xs):
        pos = i if indexing == "ij" or n < 2 or i > 1 else 1 - i
        shape = [1] * n
        shape[pos] = -1
        g = ops.reshape(x, tuple(shape))
        out.append(g if sparse else ops.clone(ops.broadcast_to(g, tuple(sizes))))
    return out


_STAT_MODES = {"mean": "mean", "maximum": "amax", "minimum": "amin", "median": "median"}


def pad(array: ArrayLike, pad_width: Any, mode: str = "constant", **kwargs: Any) -> Tensor:
    """NumPy's pad: tg.pad's modes ("constant", "edge", "reflect", "symmetric", "wrap")
    and the statistic modes "mean", "maximum", "minimum", "median" (with `stat_length`),
    which fill each side with that statistic of the values along the axis, axis by
    axis as NumPy does; the gradient flows through the statistic too.

    Args:
        array: a tensor, array, list or number.
        pad_width: (before, after) per axis, one pair for all axes, or an int.
        mode: one of the modes above.
        **kwargs: constant_values=, reflect_type=, stat_length=, as NumPy.

    >>> import tapegrad.numpy as tnp
    >>> tnp.pad(tnp.array([1.0, 2.0, 6.0]), (2, 1), mode="mean").tolist()
    [3.0, 3.0, 1.0, 2.0, 6.0, 3.0]
    """
    if mode not in _STAT_MODES:
        return ops.pad(asarg(array), pad_width, mode, **kwargs)
    stat_length = kwargs.pop("stat_length", None)
    if kwargs:
        raise TypeError(f"pad: mode {mode!r} takes no argument(s) {', '.join(kwargs)}")
    x = asarg(array)
    nd = x.ndim
    widths = np.broadcast_to(np.asarray(pad_width, dtype=object), (nd, 2)).tolist()
    lengths = np.broadcast_to(np.asarray(stat_length, dtype=object), (nd, 2)).tolist()
    stat = median if mode == "median" else getattr(ops, _STAT_MODES[mode])
    for ax in range(nd):
        (b, a), n = widths[ax], x.shape[ax]
        for v in (b, a):
            if not isinstance(v, (int, np.integer)) or v < 0:
                raise ValueError(f"pad: pad_width must be non-negative ints, got "
                                 f"{pad_width!r}")
        if b == 0 and a == 0:
            continue
        if n == 0:
            raise ValueError(f"pad: cannot take the {mode} of the empty axis {ax}")
        parts = []
        for side, count in ((0, b), (1, a)):
            if not count:
                continue
            k = lengths[ax][side]
            k = n if k is None else int(k)
            if k <= 0:
                raise ValueError(f"pad: stat_length must be positive, got {stat_length!r}")
            k = min(k, n)
            idx = [slice(None)] * nd
            idx[ax] = slice(0, k) if side == 0 else slice(n - k, n)
            v = stat(x[tuple(idx)], axis=ax, keepdims=True)
            if x.dtype.kind in "iu":        # NumPy rounds the statistic of integers
                v = ops.cast(ops.round(v), x.dtype)
            shape = list(x.shape)
            shape[ax] = count
            parts.append((side, ops.broadcast_to(v, tuple(shape))))
        pieces = ([p for side, p in parts if side == 0] + [x]
                  + [p for side, p in parts if side == 1])
        x = ops.concatenate(pieces, axis=ax)
    return x


def select(condlist: Any, choicelist: Any, default: ArrayLike = 0) -> Tensor:
    """NumPy's select: where the first true condition of `condlist` holds, the matching
    entry of `choicelist`, else `default`; differentiable in the choices and default.

    Args:
        condlist: boolean arrays (or tensors), one per choice.
        choicelist: the values, broadcast with the conditions.
        default: the value where no condition holds.

    Returns:
        A tensor of the broadcast shape.

    Raises:
        ValueError: the two lists differ in length or are empty.
        TypeError: a condition is not boolean.

    >>> import tapegrad.numpy as tnp
    >>> x = tnp.array([-2.0, 0.5, 3.0])
    >>> tnp.select([x < 0, x > 1], [-x, x * x], 7.0).tolist()
    [2.0, 7.0, 9.0]
    """
    if len(condlist) != len(choicelist):
        raise ValueError(f"select: condlist and choicelist must be of the same length, got "
                         f"{len(condlist)} and {len(choicelist)}")
    if not condlist:
        raise ValueError("select: select with an empty condition list is not possible")
    conds = [asarg(c) for c in condlist]
    for i, c in enumerate(conds):
        if c.dtype != np.bool_:
            raise TypeError(f"select: invalid entry {i} in condlist: should be boolean "
                            f"ndarray, got dtype {c.dtype}")
    out = asarg(default)
    # the last condition first, so the first true one is written last and wins
    for c, v in zip(conds[::-1], list(choicelist)[::-1]):
        out = ops.where(c, asarg(v), out)
    return out


# NumPy name -> adapter, added to tnp when tapegrad has the op it calls
ADAPTED = {
    "sort": ("sort", sort), "median": ("median", median),
    "nanmedian": ("nanmedian", nanmedian),
    "quantile": ("quantile", _quantile_like("quantile", False)),
    "percentile": ("quantile", _quantile_like("percentile", True)),
    "nanquantile": ("nanquantile", _quantile_like("nanquantile", False)),
    "nanpercentile": ("nanquantile", _quantile_like("nanpercentile", True)),
    "nansum": ("nansum", _nan_reduction("nansum")),
    "nanmean": ("nanmean", _nan_reduction("nanmean")),
    "nanprod": ("nanprod", _nan_reduction("nanprod")),
    "nanmax": ("nanmax", _nan_reduction("nanmax")),
    "nanmin": ("nanmin", _nan_reduction("nanmin")),
    "nanvar": ("nanvar", _nan_moment("nanvar")), "nanstd": ("nanstd", _nan_moment("nanstd")),
    "cross": ("cross", cross), "nan_to_num": ("nan_to_num", nan_to_num),
    "pad": ("pad", pad),
}
