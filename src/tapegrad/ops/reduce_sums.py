"""Reductions whose gradient reaches every element: sum, mean, prod, var/std, logsumexp;
the helpers the other reduction modules share (reduce_extrema.py, reduce_nan.py)."""
from __future__ import annotations

import math

import numpy as np

from .._dtypes import as_dtype, default_float
from .._tensor import Tensor
from ._apply import apply, call
from ._torch_dtype import torch_int_dtype
from ._op import LINEAR, Op, register, tangent_axis
from ._shapes import (check_bool, check_int, check_operand, keepdims_shape,
                      normalize_axis, pick_axis)
from .complex_parts import Conj, Real
from .shape import BroadcastTo, Reshape, Transpose
from .elementwise import _all_finite, cast, Exp, scale, sqrt, Where, where
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
    dof = n - ctx.params["ddof"]
    # no degrees of freedom left (one element, or ddof >= n): var is nan or inf, and so is
    # its gradient, as in PyTorch (a Python float keeps float32 float32)
    return centered * (2.0 / dof if dof > 0 else math.inf)


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
            x = x.astype(default_float())   # bool - bool raises; uint8 - uint8 wraps
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
        keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Sum over `axis` (None = all). TF: reduce_sum; PyTorch: dim=, keepdim=.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.
        dtype: cast x to this dtype first (as torch.sum and np.sum), e.g. to sum
            float32 values in float64.

    Returns:
        The reduced tensor.

    Raises:
        AxisError: an axis is out of range (a ValueError and an IndexError).
        TypeError: a non-int axis, or both axis and dim.

    >>> import tapegrad as tg
    >>> tg.sum(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([4., 6.])
    """
    return _torch_int(_reduce(Sum, _cast_first(x, dtype, "sum"), axis, keepdims, dim, keepdim),
                      dtype, x)


def mean(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Mean over `axis` (None: all elements). TF: reduce_mean; PyTorch's dim= and
    keepdim= are accepted too.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.
        dtype: cast x to this dtype first (as torch.mean and np.mean).

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
    return _reduce(Mean, _cast_first(x, dtype, "mean"), axis, keepdims, dim, keepdim)


def _torch_int(r, dtype, x):
    """An integer sum or product `r` of x in PyTorch's dtype (_torch_dtype.torch_int_dtype)."""
    want = torch_int_dtype(r, dtype, x)
    return r if want is None else cast(r, want)


def _cast_first(x, dtype, fn):
    """x as `dtype` before a reduction (its dtype= argument); the gradient flows back
    cast to x's dtype."""
    if dtype is None:
        return x
    from_ = x if isinstance(x, Tensor) else check_operand(fn, "x", x)
    return cast(from_, as_dtype(dtype, fn))


def prod(x: ArrayLike, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None, dtype: Any = None) -> Tensor:
    """Product over `axis`. TF: reduce_prod. The gradient is exact with zeros in the
    input (no division by x).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis or axes to reduce (None: all).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis (give one of the two).
        keepdim: PyTorch's name for keepdims.
        dtype: cast x to this dtype first (as torch.prod and np.prod).

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
    return _torch_int(_reduce(Prod, _cast_first(x, dtype, "prod"), axis, keepdims, dim,
                              keepdim), dtype, x)


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
    if isinstance(axis, (bool, np.bool_)) and unbiased is None:
        axis, unbiased = None, bool(axis)       # torch.var(x, False): the unbiased flag
    x = _float_in(x, name)
    return _reduce(Var, x, axis, keepdims, dim, keepdim, name,
                   ddof=_ddof(ddof, correction, unbiased, name))


def _float_in(x, op):
    """bool/integer input to var/std in the default float (as PyTorch)."""
    if not isinstance(x, Tensor):
        x = check_operand(op, "x", x)
    d = x._data if isinstance(x, Tensor) else np.asarray(x)
    if d.dtype.kind in "fc":
        return x
    return cast(x, default_float())


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


# the names `from tapegrad.ops.reduce_sums import *` gives (tests/test_all.py)
__all__ = ["expand_reduced", "Sum", "Mean", "Prod", "Var", "LogSumExp", "sum", "mean", "prod",
           "var", "std", "logsumexp"]
