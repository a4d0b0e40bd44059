"""Reductions: sum ... logsumexp, and argmax/argmin (no gradient)."""
from __future__ import annotations

from collections import namedtuple

import numpy as np

from .._tensor import _NO_DIM, Tensor, make
from ._apply import apply, call
from ._op import LINEAR, Op, register, tangent_axis
from ._shapes import (check_axis, check_bool, check_int, check_operand, keepdims_shape,
                      normalize_axis, pick_axis)
from .complex_parts import Conj, Real
from .shape import BroadcastTo, Reshape, Transpose
from .elementwise import _all_finite, cast, Exp, maximum, minimum, scale, sqrt, Where, where
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def expand_reduced(g, ctx):
    """Reshape a reduction's cotangent so it broadcasts against the input."""
    shape = ctx.in_shapes[0]
    if ctx.params["keepdims"]:
        return g
    return call(Reshape, g, shape=keepdims_shape(shape, ctx.params["axis"]))


def _count(shape, axis):
    if axis is None:
        return int(np.prod(shape))
    return int(np.prod([shape[a] for a in axis]))


def _reduce_batch_params(params, ctx):
    """batch_params of Sum and Mean: the reduced axes, past the batch axis."""
    return dict(params, axis=tangent_axis(ctx))


@register
class Sum(Op):
    """Sum over `axis`. Linear, so the tangent goes through Sum itself."""
    batch_params = _reduce_batch_params

    @staticmethod
    def forward(x, *, axis, keepdims):
        return np.sum(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def vjp(ctx, g):
        return (call(BroadcastTo, expand_reduced(g, ctx), shape=ctx.in_shapes[0]),)

    jvp = LINEAR


@register
class Mean(Op):
    """Mean over `axis`."""
    batch_params = _reduce_batch_params

    @staticmethod
    def forward(x, *, axis, keepdims):
        return np.mean(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def vjp(ctx, g):
        n = _count(ctx.in_shapes[0], ctx.params["axis"])
        g = expand_reduced(g, ctx) / n
        return (call(BroadcastTo, g, shape=ctx.in_shapes[0]),)

    jvp = LINEAR


@register
class Prod(Op):
    """Product over `axis`. The gradient is the product of the other elements, computed
    without dividing by zero when x contains zeros."""
    batching = "aware"
    saves = ("x", "out")

    @staticmethod
    def forward(x, *, axis, keepdims):
        return np.prod(x, axis=axis, keepdims=keepdims)

    @staticmethod
    def vjp(ctx, g):
        return (call(BroadcastTo, expand_reduced(g, ctx), shape=ctx.in_shapes[0])
                * _prod_others(ctx),)

    @staticmethod
    def jvp(ctx, dx):
        p = ctx.params
        return call(Sum, dx * _prod_others(ctx), axis=tangent_axis(ctx),
                    keepdims=p["keepdims"])


def _prod_others(ctx):
    """d prod / d x_i: out / x_i where x_i != 0, exact exclusive products otherwise."""
    x, out = ctx.saved
    axis = ctx.params["axis"]
    out_k = expand_reduced(out, ctx)
    xr = _raw(x)
    if not np.any(xr == 0):
        return out_k / x
    # exclusive products along the reduced axes, flattened into one trailing axis
    nd = xr.ndim
    axes = tuple(range(nd)) if axis is None else axis
    keep = [a for a in range(nd) if a not in axes]
    if isinstance(x, Tensor):
        return _prod_others_recorded(x, keep + list(axes), len(keep))
    moved = np.transpose(xr, keep + list(axes))
    flat = moved.reshape(moved.shape[:len(keep)] + (-1,))
    ones = np.ones(flat.shape[:-1] + (1,), dtype=flat.dtype)
    left = np.cumprod(np.concatenate([ones, flat[..., :-1]], axis=-1), axis=-1)
    right = np.cumprod(np.concatenate([ones, flat[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    others = (left * right).reshape(moved.shape)
    return np.transpose(others, np.argsort(keep + list(axes)))


def _prod_others_recorded(x, perm, n_keep):
    """Exclusive products written with recorded ops, so they differentiate again.

    Row i of an (n, n) block is the group with x_i replaced by 1; its product is the
    product of the others. Costs n times the memory, and runs only when a recorded
    backward meets an exact zero (out / x is exact otherwise).
    """
    moved = call(Transpose, x, axes=tuple(perm))
    mshape = moved.shape
    lead = mshape[:n_keep]
    n = int(np.prod(mshape[n_keep:]))
    rows = call(Where, np.eye(n, dtype=bool), 1.0, call(Reshape, moved, shape=lead + (1, n)))
    others = call(Prod, rows, axis=(n_keep + 1,), keepdims=False)
    others = call(Reshape, others, shape=mshape)
    return call(Transpose, others, axes=tuple(int(a) for a in np.argsort(perm)))


class _Extremum(Op):
    """Shared rules of max/min: ties split the gradient evenly."""
    batching = "aware"
    saves = ("x", "out")

    @staticmethod
    def vjp(ctx, g):
        w = _tie_share(ctx)
        g = call(BroadcastTo, expand_reduced(g, ctx), shape=ctx.in_shapes[0])
        return (call(Where, w > 0, g * w, 0.0),)

    @staticmethod
    def jvp(ctx, dx):
        w = _tie_share(ctx)
        p = ctx.params
        return call(Sum, call(Where, w > 0, dx * w, 0.0), axis=tangent_axis(ctx),
                    keepdims=p["keepdims"])


def _tie_share(ctx):
    x, out = (_raw(v) for v in ctx.saved)
    axis = ctx.params["axis"]
    if not ctx.params["keepdims"]:
        out = out.reshape(keepdims_shape(x.shape, axis))
    hit = (x == out)
    count = hit.sum(axis=axis, keepdims=True)
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


@register
class Var(Op):
    """Variance over `axis` with `ddof` (PyTorch's default correction=1)."""
    batching = "aware"
    saves = ("x",)

    @staticmethod
    def forward(x, *, axis, keepdims, ddof):
        return np.var(x, axis=axis, keepdims=keepdims, ddof=ddof)

    # d var = 2 (x - mean) / (n - ddof) dx
    @staticmethod
    def vjp(ctx, g):
        g = call(BroadcastTo, expand_reduced(g, ctx), shape=ctx.in_shapes[0])
        return (g * _dvar(ctx),)

    # complex x (var is real, mean |x - mean|^2): the vjp above is already PyTorch's
    # g * dL/dz*-style gradient; the jvp is Re(conj(dvar) dx)
    @staticmethod
    def jvp(ctx, dx):
        p = ctx.params
        d = _dvar(ctx)
        if d.dtype.kind == "c":
            dx = call(Real, call(Conj, d) * dx)
        else:
            dx = dx * d
        return call(Sum, dx, axis=tangent_axis(ctx), keepdims=p["keepdims"])


def _dvar(ctx):
    x = ctx.saved[0]
    axis = ctx.params["axis"]
    n = _count(ctx.in_shapes[0], axis)
    centered = x - call(Mean, x, axis=axis, keepdims=True)
    return centered * (2.0 / (n - ctx.params["ddof"]))


@register
class LogSumExp(Op):
    """log(sum(exp(x))) over `axis`, shifted by the max so it never overflows. A row that
    is entirely -inf gives -inf, and its gradient is 0 (not NaN)."""
    batching = "aware"
    saves = ("x", "out")

    @staticmethod
    def forward(x, *, axis, keepdims):
        x = np.asarray(x)
        if x.dtype.kind not in "fc":
            x = x.astype(np.float32)        # bool - bool raises; uint8 - uint8 wraps
        s, _ = _lse(x, axis)
        return s if keepdims else np.squeeze(s, axis=axis)

    # d lse = softmax(x) dx
    @staticmethod
    def vjp(ctx, g):
        return (scale(expand_reduced(g, ctx), _lse_softmax(ctx)),)

    @staticmethod
    def jvp(ctx, dx):
        p = ctx.params
        return call(Sum, dx * _lse_softmax(ctx), axis=tangent_axis(ctx),
                    keepdims=p["keepdims"])


def _lse(x, axis):
    """(logsumexp of x along `axis` with kept dims, whether every max was finite)."""
    if x.size == 0:     # an empty sum is 0: -inf, as NumPy's and torch's (max has no identity)
        return np.full_like(np.add.reduce(x, axis=axis, keepdims=True), -np.inf), True
    m = np.max(x, axis=axis, keepdims=True)
    if _all_finite(m):      # sum(exp(x - m)) >= 1: no masking, and log never sees 0
        return np.log(np.add.reduce(np.exp(x - m), axis=axis, keepdims=True)) + m, True
    m = np.where(np.isfinite(m), m, 0.0)
    with np.errstate(divide="ignore"):
        return np.log(np.add.reduce(np.exp(x - m), axis=axis, keepdims=True)) + m, False


def _lse_softmax(ctx):
    x, out = ctx.saved
    out = expand_reduced(out, ctx)
    masked = np.isneginf(_raw(out))
    if np.any(masked):
        out = call(Where, masked, 0.0, out)      # exp(-inf - 0) = 0: zero gradient
    return call(Exp, x - out)


# ------------------------------------------------------------------ public functions

def _reduce(op, x, axis, keepdims, dim, keepdim, name=None, **params):
    name = name or op.__name__.lower()
    if not isinstance(x, Tensor):
        x = check_operand(name, "x", x)
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, name)
    nd = x._data.ndim if isinstance(x, Tensor) else np.ndim(x)
    axis = normalize_axis(axis, nd, name)
    return apply(op, x, axis=axis, keepdims=keepdims, **params)


def sum(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None) -> Tensor:
    """Sum over `axis` (None = all). TF: reduce_sum; PyTorch: dim=, keepdim=.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The reduced tensor.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> tg.sum(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    return _reduce(Sum, x, axis, keepdims, dim, keepdim)


def mean(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Mean over `axis` (None: all elements). TF: reduce_mean; PyTorch's dim= and
    keepdim= are accepted too.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The means, floating point.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[1.0, 2.0], [3.0, 6.0]], requires_grad=True)
    >>> tg.mean(x, axis=1).tolist()
    [1.5, 4.5]
    >>> tg.mean(x).backward()
    >>> x.grad
    tensor([[0.2500, 0.2500],
            [0.2500, 0.2500]])
    """
    return _reduce(Mean, x, axis, keepdims, dim, keepdim)


def prod(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None) -> Tensor:
    """Product over `axis`. TF: reduce_prod. The gradient is exact with zeros in the
    input (no division by x).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        The products.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([2.0, 0.0, 3.0], requires_grad=True)
    >>> tg.prod(x).backward()
    >>> x.grad
    tensor([0., 6., 0.])
    """
    return _reduce(Prod, x, axis, keepdims, dim, keepdim)


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
    _check_nonempty(x, "amax")
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
    _check_nonempty(x, "amin")
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
        return values_only(x, axis, keepdims)
    if axis is not None:
        raise TypeError(f"{name}: give dim (values and indices, as PyTorch) or axis "
                        f"(values, as NumPy), not both")
    check_bool(name, "keepdim", keepdim)
    if not isinstance(x, Tensor):
        x = make(np.asarray(check_operand(name, "x", x)))
    arr = x._data
    d = check_axis(name, dim, arr.ndim, "dim")
    if arr.ndim and arr.shape[d] == 0:
        raise ValueError(f"{name}: cannot reduce an empty dimension (shape {arr.shape})")
    if arr.ndim == 0:
        return (MaxResult if name == "max" else MinResult)(x * 1, make(np.array(0)))
    ind = (np.argmax if name == "max" else np.argmin)(arr, axis=d)
    grids = np.indices(ind.shape, sparse=True)
    # the values are x at the chosen indices: the gradient goes to that element only
    values = x[tuple(grids[:d]) + (ind,) + tuple(grids[d:])]
    ind = ind.astype(np.int64)
    if keepdim:
        values = values.reshape(np.expand_dims(ind, d).shape)
        ind = np.expand_dims(ind, d)
    return (MaxResult if name == "max" else MinResult)(values, make(ind))


def _check_nonempty(x, op):
    try:
        size = np.size(_raw(x))
    except ValueError:                  # a ragged list: name the op, not NumPy's words
        check_operand(op, "x", x)
        raise
    if size == 0:
        raise ValueError(f"{op}: cannot reduce an empty tensor (shape {np.shape(_raw(x))})")


def _ddof(ddof, correction, unbiased, op):
    if ddof is not None:
        return check_int(op, "ddof", ddof)
    if correction is not None:
        return check_int(op, "correction", correction)
    if unbiased is not None:
        return 1 if check_bool(op, "unbiased", unbiased) else 0
    return 1


def var(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None, ddof: float | None = None, correction: float | None = None,
        unbiased: Any = None) -> Tensor:
    """Variance over `axis`. As PyTorch, the default is the unbiased estimate
    (correction=1); pass `ddof=0` for NumPy's and TF's population variance.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.
        ddof: the delta degrees of freedom: the divisor is n - ddof.
        correction: PyTorch's name for ddof.
        unbiased: PyTorch's older flag: True is ddof=1, False ddof=0.

    Returns:
        The reduced tensor, floating point.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0, 6.0], requires_grad=True)
    >>> tg.var(x).item(), tg.var(x, ddof=0).item()
    (7.0, 4.666666507720947)
    >>> tg.var(x).backward()                # 2 (x - mean) / (n - 1)
    >>> x.grad
    tensor([-2., -1.,  3.])
    """
    return _var(x, axis, keepdims, dim, keepdim, ddof, correction, unbiased, "var")


def _var(x, axis, keepdims, dim, keepdim, ddof, correction, unbiased, name):
    x = _float_in(x, name)
    return _reduce(Var, x, axis, keepdims, dim, keepdim, name,
                   ddof=_ddof(ddof, correction, unbiased, name))


def _float_in(x, op):
    """bool/integer input to var/std as float32 (PyTorch's default float)."""
    if not isinstance(x, Tensor):
        x = check_operand(op, "x", x)
    d = x._data if isinstance(x, Tensor) else np.asarray(x)
    if d.dtype.kind in "fc":
        return x
    return cast(x, np.float32)


def std(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
        keepdim: bool | None = None, ddof: float | None = None, correction: float | None = None,
        unbiased: Any = None) -> Tensor:
    """Standard deviation, sqrt(var(...)); same defaults as `var`. Where the variance is
    0 (a constant input) the gradient is 0, as in PyTorch: sqrt's infinite slope there
    times var's zero slope would be NaN.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.
        ddof: the delta degrees of freedom: the divisor is n - ddof.
        correction: PyTorch's name for ddof.
        unbiased: PyTorch's older flag: True is ddof=1, False ddof=0.

    Returns:
        The reduced tensor, floating point.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 3.0], requires_grad=True)
    >>> tg.std(x, ddof=0).item(), round(tg.std(x).item(), 4)      # NumPy's, PyTorch's
    (1.0, 1.4142)
    >>> tg.std(x, ddof=0).backward()
    >>> x.grad
    tensor([-0.5000,  0.5000])
    """
    v = _var(x, axis, keepdims, dim, keepdim, ddof, correction, unbiased, "std")
    nonzero = v != 0                          # NaN stays NaN; no branch on values (traces)
    return where(nonzero, sqrt(where(nonzero, v, 1.0)), 0.0)


def logsumexp(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
              keepdim: bool | None = None) -> Tensor:
    """log(sum(exp(x))) over `axis`, stable for large |x|. TF: reduce_logsumexp. The
    gradient is softmax(x); an all -inf slice gives -inf with gradient 0.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.

    Returns:
        log(sum(exp(x))) over axis.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1000.0, 1000.0], requires_grad=True)
    >>> y = tg.logsumexp(x)
    >>> round(y.item(), 2)                  # 1000 + log 2, no overflow
    1000.69
    >>> y.backward()
    >>> x.grad
    tensor([0.5000, 0.5000])
    """
    return _reduce(LogSumExp, x, axis, keepdims, dim, keepdim)


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
    x, nan = _nan_mask(x, "nansum")
    return _reduce(Sum, where(nan, 0.0, x) if nan.any() else x, axis, keepdims, dim,
                   keepdim, "nansum")


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
    x, nan = _nan_mask(x, "nanprod")
    return _reduce(Prod, where(nan, 1.0, x) if nan.any() else x, axis, keepdims, dim,
                   keepdim, "nanprod")


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
    x, nan = _nan_mask(x, op)
    _check_nonempty(x, op)
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
    axis, keepdims = _arg_axis(x, axis, None, keepdims, None, op)
    a = _raw(x) if isinstance(x, Tensor) else np.asarray(x)
    try:
        return make(fn(a, axis=axis, keepdims=keepdims).astype(np.int64))
    except ValueError:
        raise ValueError(f"{op}: a slice holds nothing but NaN (shape {np.shape(a)}, "
                         f"axis {axis})") from None


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
    _check_nonempty(x, "ptp")
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
    axis, keepdims = _arg_axis(x, axis, dim, keepdims, keepdim, "argmin")
    return make(np.argmin(_raw(x), axis=axis, keepdims=keepdims).astype(np.int64))


def _arg_axis(x, axis, dim, keepdims, keepdim, op):
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, op)
    x = _raw(x) if isinstance(x, Tensor) else np.asarray(check_operand(op, "x", x))
    if axis is not None:
        axis = check_axis(op, axis, np.ndim(x))
    if np.size(x) == 0:
        raise ValueError(f"{op}: cannot take the {op} of an empty tensor (shape "
                         f"{np.shape(x)})")
    return axis, keepdims


reduce_sum = sum
reduce_mean = mean
reduce_max = amax
reduce_min = amin
reduce_prod = prod
reduce_logsumexp = logsumexp

# the names `from tapegrad.ops.reduce import *` gives (tests/test_all.py)
__all__ = ["expand_reduced", "Sum", "Mean", "Prod", "Max", "Min", "Var", "LogSumExp", "sum",
           "mean", "prod", "amax", "amin", "MaxResult", "MinResult", "max", "min", "var", "std",
           "logsumexp", "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanvar", "nanstd",
           "nanargmax", "nanargmin", "ptp", "argmax", "argmin", "reduce_sum", "reduce_mean",
           "reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp"]
