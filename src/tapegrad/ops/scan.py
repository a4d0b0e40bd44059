"""Scans along one axis: cumsum, cumprod, logcumsumexp, cummax/cummin, diff.

Every scan op works on one non-negative `axis`; the public functions flatten first when
NumPy's `axis=None` asks for it. cummax/cummin are not ops of their own: their values
are the input gathered at the running arg-max (a GetItem), so the gradient goes to the
element each index names, as in PyTorch.
"""
from __future__ import annotations


import numpy as np

from .._dtypes import default_float, to_array
from .._state import is_grad_enabled
from .._results import CummaxResult, CumminResult  # noqa: F401
from .._tensor import Tensor, make
from ._apply import apply, call
from ._torch_dtype import torch_int_dtype
from ._op import LINEAR, Op, register
from ._shapes import check_axis, check_bool, check_int, check_operand, vmap_fold
from .elementwise import Exp, Where, cast, where
from .reduce import Sum
from .shape import Concatenate, GetItem, Reshape, Transpose, broadcast_to
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ArrayLike, Axis, DTypeLike


def _raw(v):
    return v._data if isinstance(v, Tensor) else v


def _shift_axis(params, ctx):
    """batch_params of the linear scans: the scanned axis, past the batch axis."""
    return dict(params, axis=params["axis"] + 1)


def _accumulate(ufunc, x, axis, reverse):
    if not reverse:
        return ufunc.accumulate(x, axis=axis)
    return np.flip(ufunc.accumulate(np.flip(x, axis), axis=axis), axis)


@register
class Cumsum(Op):
    """Running sum along `axis` (from the end when `reverse`)."""
    batch_params = _shift_axis

    @staticmethod
    def forward(x, *, axis, reverse):
        if not reverse:
            return np.cumsum(x, axis=axis)
        return np.flip(np.cumsum(np.flip(x, axis), axis=axis), axis)

    # the adjoint of a running sum is the running sum taken from the other end
    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        return (call(Cumsum, g, axis=p["axis"], reverse=not p["reverse"]),)

    jvp = LINEAR


@register
class Cumprod(Op):
    """Running product along `axis`. The rules divide by x only when x has no zero; a
    slice with a zero goes through exclusive products (no division), so a zero in x gives
    PyTorch's gradient, never NaN or inf, and the rules differentiate again exactly."""
    saves = ("x", "out")
    batching = "aware"          # the quotient form takes batched tangents; others slice

    @staticmethod
    def forward(x, *, axis):
        return np.cumprod(x, axis=axis)

    # d out_i / d x_k = prod_{j <= i, j != k} x_j for k <= i
    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved
        axis = ctx.params["axis"]
        xr = _raw(x)
        if not np.any(xr == 0):
            return (call(Cumsum, g * out, axis=axis, reverse=True) / x,)
        if isinstance(x, Tensor) or isinstance(g, Tensor) or _fits(xr, axis):
            return (_cumprod_exact(x, g, axis, reverse_mode=True),)
        return (_cumprod_vjp_zeros(xr, _raw(out), g, axis),)

    @staticmethod
    def jvp(ctx, dx):
        x, out = ctx.saved
        axis = ctx.params["axis"]
        xr = _raw(x)
        if not np.any(xr == 0):
            return out * call(Cumsum, dx / x, axis=_batch_axis(ctx, axis), reverse=False)
        if ctx.batched is not None:
            return NotImplemented               # one batch slice at a time
        if isinstance(x, Tensor) or isinstance(dx, Tensor) or _fits(xr, axis):
            return _cumprod_exact(x, dx, axis, reverse_mode=False)
        return _cumprod_jvp_zeros(xr, _raw(out), dx, axis)


def _batch_axis(ctx, axis):
    """The scanned axis of a tangent, past the batch axis when it has one."""
    return axis if ctx.batched is None else axis + 1


def _fits(x, axis):
    """Whether the exact form's n-fold memory is small: then a first-order backward uses
    it too, and gives the bits of a create_graph backward. Longer slices use the O(n)
    first-zero form (equal up to rounding)."""
    return x.size * x.shape[axis] <= 1 << 20


def _zero_masks(x, axis):
    """(before the first zero, the first zero, products of x before each position with
    the first zero and everything after it replaced by 1, products of x after the first
    zero up to each position)."""
    seen = np.cumsum(x == 0, axis=axis)
    before = seen == 0
    first = (seen == 1) & (x == 0)
    left = np.cumprod(np.where(before, x, 1), axis=axis)        # prod_{j < z} x_j at z
    right = np.cumprod(np.where(before | first, 1, x), axis=axis)
    return before, first, left, right


def _cumprod_vjp_zeros(x, out, g, axis):
    # before the first zero z the quotient is exact; at z the gradient is
    # prod_{j<z} x_j * sum_{i>=z} g_i prod_{z<j<=i} x_j; after z every term holds x_z = 0
    before, first, left, right = _zero_masks(x, axis)
    safe = np.where(before, x, 1)
    head = np.flip(np.cumsum(np.flip(g * out, axis), axis=axis), axis) / safe
    at_zero = left * np.flip(np.cumsum(np.flip(g * right, axis), axis=axis), axis)
    return np.where(before, head, np.where(first, at_zero, 0))


def _cumprod_jvp_zeros(x, out, dx, axis):
    # dout_i for i >= z is dx_z prod_{j<z} x_j prod_{z<j<=i} x_j; before z the quotient
    before, first, left, right = _zero_masks(x, axis)
    safe = np.where(before, x, 1)
    head = out * np.cumsum(np.where(before, dx / safe, 0), axis=axis)
    at_zero = np.sum(np.where(first, dx * left, 0), axis=axis, keepdims=True)
    return np.where(before, head, at_zero * right)


def _cumprod_exact(x, t, axis, reverse_mode):
    """The cumprod rules written with recorded ops and no division, for a recorded
    backward that meets an exact zero (so they differentiate again). P[k, i] is the
    running product of the slice with x_k replaced by 1; costs n times the memory."""
    nd = len(np.shape(_raw(x)))
    perm = tuple(a for a in range(nd) if a != axis) + (axis,)
    back = tuple(int(a) for a in np.argsort(perm))
    xm = call(Transpose, x, axes=perm)
    tm = call(Transpose, t, axes=perm)
    lead = tuple(np.shape(_raw(xm))[:-1])
    n = np.shape(_raw(xm))[-1]
    rows = call(Where, np.eye(n, dtype=bool), 1.0, call(Reshape, xm, shape=lead + (1, n)))
    prods = call(Cumprod, rows, axis=len(lead) + 1)
    upper = np.triu(np.ones((n, n), dtype=bool))           # [k, i]: k <= i
    if reverse_mode:            # gx_k = sum_{i >= k} g_i P[k, i]
        terms = prods * call(Reshape, tm, shape=lead + (1, n))
        r = call(Sum, call(Where, upper, terms, 0.0), axis=(len(lead) + 1,), keepdims=False)
    else:                       # dout_i = sum_{k <= i} dx_k P[k, i]
        terms = prods * call(Reshape, tm, shape=lead + (n, 1))
        r = call(Sum, call(Where, upper, terms, 0.0), axis=(len(lead),), keepdims=False)
    return call(Transpose, r, axes=back)


@register
class LogCumSumExp(Op):
    """log(cumsum(exp(x))) along `axis` (from the end when `reverse`), through
    np.logaddexp, so it never overflows; -inf entries are fine, and a prefix that is all
    -inf gives -inf with a zero gradient."""
    saves = ("x", "out")
    batching = "aware"

    @staticmethod
    def forward(x, *, axis, reverse):
        x = np.asarray(x)
        if x.dtype.kind not in "fc":
            x = x.astype(default_float())
        return _accumulate(np.logaddexp, x, axis, reverse)

    # d out_i / d x_k = exp(x_k - out_i) for k on out_i's side of i (a softmax weight).
    # Both rules stay linear in g / dx (forward mode runs through the vjp)
    @staticmethod
    def vjp(ctx, g):
        x, out = ctx.saved
        p = ctx.params
        back = not p["reverse"]
        out, shift = _lcse_shift(out, p["axis"])
        if shift is None:
            return (_lcse_weights(x, out, g, p["axis"], p["reverse"], True),)
        # exp(x_k - out_i) = exp(x_k - c) exp(c - out_i), both factors in range
        return (call(Exp, x - shift) * call(Cumsum, g * call(Exp, shift - out),
                                           axis=p["axis"], reverse=back),)

    @staticmethod
    def jvp(ctx, dx):
        x, out = ctx.saved
        p = ctx.params
        out, shift = _lcse_shift(out, p["axis"])
        if shift is None:
            if ctx.batched is not None:
                return NotImplemented
            return _lcse_weights(x, out, dx, p["axis"], p["reverse"], False)
        return call(Exp, shift - out) * call(Cumsum, dx * call(Exp, x - shift),
                                             axis=_batch_axis(ctx, p["axis"]),
                                             reverse=p["reverse"])


def _lcse_shift(out, axis):
    """(out with -inf as 0, a per-slice constant c) where exp(c - out) cannot overflow,
    else (out, None). An all -inf prefix has x_k = -inf for every weight exp(x_k - out_i)
    of it, so out_i = 0 there keeps the weight 0 instead of exp(-inf + inf) = NaN."""
    r = _raw(out)
    masked = np.isneginf(r)
    if np.any(masked):
        out = call(Where, masked, 0.0, out)
        r = np.where(masked, 0.0, r)
    hi = np.max(r, axis=axis, keepdims=True)
    lo = np.min(r, axis=axis, keepdims=True)
    # half the exponent range: exp(c - out) and the products it meets stay finite
    limit = 0.5 * np.log(np.finfo(r.dtype if r.dtype.kind == "f" else np.float64).max)
    if np.all(hi - lo <= limit):
        return out, hi
    return out, None


def _lcse_weights(x, out, t, axis, reverse, transpose):
    """The rules with the weights formed one by one, for slices whose out spans more than
    exp can hold: W[k, i] = exp(x_k - out_i) where x_k counts towards out_i, else 0.
    n times the memory; vjp: gx_k = sum_i W[k, i] g_i, jvp: dout_i = sum_k W[k, i] dx_k."""
    nd = len(np.shape(_raw(x)))
    perm = tuple(a for a in range(nd) if a != axis) + (axis,)
    back = tuple(int(a) for a in np.argsort(perm))
    xm, om, tm = (call(Transpose, v, axes=perm) for v in (x, out, t))
    lead = tuple(np.shape(_raw(xm))[:-1])
    n = np.shape(_raw(xm))[-1]
    counts = np.tril(np.ones((n, n), dtype=bool)) if reverse else \
        np.triu(np.ones((n, n), dtype=bool))                # [k, i]: x_k is in out_i
    expo = call(Reshape, xm, shape=lead + (n, 1)) - call(Reshape, om, shape=lead + (1, n))
    w = call(Exp, call(Where, counts, expo, -np.inf))
    k = len(lead)
    if transpose:
        r = call(Sum, w * call(Reshape, tm, shape=lead + (1, n)), axis=(k + 1,),
                 keepdims=False)
    else:
        r = call(Sum, w * call(Reshape, tm, shape=lead + (n, 1)), axis=(k,), keepdims=False)
    return call(Transpose, r, axes=back)


# ------------------------------------------------------------------ public functions



def _operand(x, op):
    if isinstance(x, Tensor):
        return x
    # tapegrad's dtype rules: a list of Python floats is float32, as tg.tensor makes it
    return make(to_array(check_operand(op, "x", x), copy=False, fn=op))


def _scan_axis(x, axis, dim, op):
    """(x, axis) for a scan: dim= is PyTorch's name for axis; None flattens (NumPy)."""
    if dim is not None:
        if axis is not None:
            raise TypeError(f"{op}: give either axis= or dim=, not both")
        axis = dim
    if axis is None:
        return call(Reshape, x, shape=(-1,)) if x.ndim != 1 else x, 0
    if x.ndim == 0:
        check_axis(op, axis, 0, "axis")
        return call(Reshape, x, shape=(1,)), 0
    return x, check_axis(op, axis, x.ndim)


def _scan(op, x, axis, dim, dtype, name, **params):
    given = x
    x = _operand(x, name)
    if dtype is not None:
        x = cast(x, dtype)
    shape = x.shape
    flat, ax = _scan_axis(x, axis, dim, name)
    out = apply(op, flat, axis=ax, **params)
    if len(shape) == 0 and (axis is not None or dim is not None):
        out = call(Reshape, out, shape=())           # torch keeps a 0-d input 0-d
    want = torch_int_dtype(out, dtype, given)
    return out if want is None else cast(out, want)


def cumsum(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, *, dim: Axis = None,
           reverse: bool = False) -> Tensor:
    """Running sum along `axis`; `axis=None` sums the flattened tensor (NumPy). PyTorch:
    `tg.cumsum(x, dim)` or `dim=`. `reverse=True` sums from the end (TF's `reverse`).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to scan (None: the flattened tensor).
        dtype: the result's dtype (None: x's, ints widened as NumPy).
        dim: PyTorch's name for axis.
        reverse: scan from the end (TF's reverse).

    Returns:
        The running sums, x's shape (flattened with axis None).

    >>> import tapegrad as tg
    >>> tg.cumsum(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1)
    tensor([[1., 3.],
            [3., 7.]])
    """
    return _scan(Cumsum, x, axis, dim, dtype, "cumsum", reverse=check_bool("cumsum", "reverse", reverse))


def cumprod(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, *,
            dim: Axis = None) -> Tensor:
    """Running product along `axis` (None flattens, as NumPy; `dim=` as PyTorch). Zeros
    in x are fine: the gradient is exact there, to any order.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to scan (None: the flattened tensor).
        dtype: the result's dtype (None: x's, ints widened as NumPy).
        dim: PyTorch's name for axis.

    Returns:
        The running products.

    >>> import tapegrad as tg
    >>> tg.cumprod(tg.tensor([1.0, 2.0, 0.0, 4.0]), 0)
    tensor([1., 2., 0., 0.])
    """
    return _scan(Cumprod, x, axis, dim, dtype, "cumprod")


def nancumsum(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, *,
              dim: Axis = None) -> Tensor:
    """`np.nancumsum`: cumsum with NaN counted as 0 (zero gradient there).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to scan (None: the flattened tensor).
        dtype: the result's dtype.
        dim: PyTorch's name for axis.

    Returns:
        The running sums with NaN as 0.

    >>> import tapegrad as tg
    >>> tg.nancumsum(tg.tensor([1.0, float("nan"), 2.0]))
    tensor([1., 1., 3.])
    """
    x = _operand(x, "nancumsum")
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        return fold(lambda v, a: nancumsum(v, a, dtype), dim if dim is not None else axis,
                    True)
    nan = _nan_positions(x)
    return cumsum(where(nan, 0.0, x) if nan.any() else x, axis, dtype, dim=dim)


def nancumprod(x: ArrayLike, axis: Axis = None, dtype: DTypeLike = None, *,
               dim: Axis = None) -> Tensor:
    """`np.nancumprod`: cumprod with NaN counted as 1 (zero gradient there).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to scan (None: the flattened tensor).
        dtype: the result's dtype.
        dim: PyTorch's name for axis.

    Returns:
        The running products with NaN as 1.

    >>> import tapegrad as tg
    >>> x = tg.tensor([2.0, float("nan"), 3.0], requires_grad=True)
    >>> y = tg.nancumprod(x)
    >>> y.tolist()
    [2.0, 2.0, 6.0]
    >>> y.sum().backward()
    >>> x.grad
    tensor([5., 0., 2.])
    """
    x = _operand(x, "nancumprod")
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        return fold(lambda v, a: nancumprod(v, a, dtype), dim if dim is not None else axis,
                    True)
    nan = _nan_positions(x)
    return cumprod(where(nan, 1.0, x) if nan.any() else x, axis, dtype, dim=dim)


def _nan_positions(x):
    a = x._data
    return np.isnan(a) if a.dtype.kind in "fc" else np.zeros(a.shape, dtype=bool)


def logcumsumexp(x: ArrayLike, axis: Axis = None, *, dim: Axis = None,
                 reverse: bool = False) -> Tensor:
    """log(cumsum(exp(x))) along `axis`, stable for large |x|; -inf entries are fine.
    PyTorch: `tg.logcumsumexp(x, dim)`; `axis=None` flattens.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        axis: the axis to scan (None: the flattened tensor).
        dim: PyTorch's name for axis.
        reverse: scan from the end.

    Returns:
        log(cumsum(exp(x))) along axis.

    >>> import tapegrad as tg
    >>> tg.logcumsumexp(tg.tensor([0.0, 0.0]), 0)
    tensor([0.0000, 0.6931])
    """
    return _scan(LogCumSumExp, x, axis, dim, None, "logcumsumexp",
                 reverse=check_bool("logcumsumexp", "reverse", reverse))


def cummax(x: ArrayLike, dim: Axis = None, *, axis: Axis = None) -> CummaxResult:
    """Running maximum along `dim`: a `(values, indices)` namedtuple as `torch.cummax`
    (NumPy: `np.maximum.accumulate` gives the values). The gradient of each value goes
    to the element its index names; among equal maxima that is the latest one, and a NaN
    propagates (as PyTorch).

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the dimension to scan.
        axis: NumPy's name for dim.

    Returns:
        A named tuple (values, indices).

    >>> import tapegrad as tg
    >>> tg.cummax(tg.tensor([1.0, 3.0, 2.0]), 0)
    cummax(values=tensor([1., 3., 3.]), indices=tensor([0, 1, 1]))
    """
    return _cum_extremum(x, dim, axis, "cummax")


def cummin(x: ArrayLike, dim: Axis = None, *, axis: Axis = None) -> CumminResult:
    """Running minimum along `dim`, `(values, indices)` as `torch.cummin`; the gradient
    of values goes to the element each running minimum came from.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        dim: the dimension to scan.
        axis: NumPy's name for dim.

    Returns:
        A named tuple (values, indices).

    >>> import tapegrad as tg
    >>> x = tg.tensor([3.0, 1.0, 2.0, 0.0], requires_grad=True)
    >>> values, indices = tg.cummin(x, 0)
    >>> values.tolist(), indices.tolist()
    ([3.0, 1.0, 1.0, 0.0], [0, 1, 1, 3])
    >>> values.sum().backward()
    >>> x.grad
    tensor([1., 2., 0., 1.])
    """
    return _cum_extremum(x, dim, axis, "cummin")


def _cum_extremum(x, dim, axis, name):
    x = _operand(x, name)
    if x._data.dtype.kind == "c" and x.requires_grad and is_grad_enabled():
        # complex numbers are not ordered: no gradient through a running extremum
        raise TypeError(f"{name}: complex tensors that require grad are not supported "
                        f"(got {x._data.dtype}; complex numbers are not ordered)")
    if dim is None and axis is None:
        raise TypeError(f"{name}: missing the dimension to scan (dim=, as torch.{name})")
    if dim is not None and axis is not None:
        raise TypeError(f"{name}: give either axis= or dim=, not both")
    d = dim if dim is not None else axis
    fold = vmap_fold(x)         # tg.vmap's x: one call for the batch
    if fold is not None:
        return fold(lambda v, a: _cum_extremum(v, a, None, name), d)
    flat, ax = _scan_axis(x, d, None, name)
    a = flat._data
    running = np.maximum if name == "cummax" else np.minimum
    values = running.accumulate(a, axis=ax) if a.size else a
    # an update happens where x reaches the running extremum (the latest of equal
    # values, as PyTorch) or is NaN; the index is the last update so far
    update = np.isnan(a) | (a == values) if a.dtype.kind in "fc" else a == values
    steps = np.arange(a.shape[ax]).reshape((-1,) + (1,) * (a.ndim - 1 - ax))
    ind = np.maximum.accumulate(np.where(update, steps, 0), axis=ax) if a.size else \
        np.zeros(a.shape, dtype=np.int64)
    vals = take_along(flat, ind, ax)
    ind = ind.astype(np.int64)
    if x.ndim == 0:
        vals, ind = call(Reshape, vals, shape=()), ind.reshape(())
    result = CummaxResult if name == "cummax" else CumminResult
    return result(vals, make(ind))


def take_along(x, ind, axis):
    """x[..., ind, ...] along `axis` with an index array shaped like the result (as
    np.take_along_axis): a GetItem, so the gradient scatter-adds into the picked
    elements and differentiates again."""
    grids = np.indices(ind.shape, sparse=True)
    index = tuple(grids[:axis]) + (np.asarray(ind, dtype=np.intp),) + tuple(grids[axis + 1:])
    return apply(GetItem, x, index=index)


def diff(x: ArrayLike, n: int = 1, axis: Axis = -1, prepend: ArrayLike | None = None,
         append: ArrayLike | None = None, *, dim: Axis = None) -> Tensor:
    """n-th discrete difference along `axis`, as `np.diff` (`prepend`/`append` are joined
    first; scalars are broadcast). PyTorch: `tg.diff(x, n, dim)`.

    Args:
        x: the input tensor (or anything tg.tensor accepts).
        n: how many times to difference.
        axis: the axis to difference along.
        prepend: values put before x along axis first.
        append: values put after x along axis first.
        dim: PyTorch's name for axis.

    Returns:
        The n-th differences, n shorter along axis (plus the prepended/appended).

    >>> import tapegrad as tg
    >>> tg.diff(tg.tensor([1.0, 4.0, 9.0]), prepend=0.0)
    tensor([1., 3., 5.])
    """
    x = _operand(x, "diff")
    n = check_int("diff", "n", n)
    if n < 0:
        raise ValueError(f"diff: order n must be non-negative, got {n}")
    if dim is not None:
        axis = dim
    if x.ndim == 0:
        raise ValueError("diff: needs at least one dimension, got a 0-d tensor")
    ax = check_axis("diff", axis, x.ndim)
    if n == 0:
        return x
    parts = []
    for name, extra in (("prepend", prepend), ("append", append)):
        if extra is None:
            parts.append(None)
            continue
        if isinstance(extra, Tensor):
            e = extra
        elif isinstance(extra, (int, float)) and x.dtype.kind == "f":
            e = np.asarray(extra, dtype=x.dtype)     # a Python number keeps x's dtype
        else:
            e = np.asarray(check_operand("diff", name, extra))
        if np.ndim(_raw(e)) == 0:
            shape = x.shape[:ax] + (1,) + x.shape[ax + 1:]
            e = broadcast_to(e, shape)
        parts.append(e)
    if parts[0] is not None or parts[1] is not None:
        pieces = [p for p in (parts[0], x, parts[1]) if p is not None]
        try:
            x = apply(Concatenate, *pieces, axis=ax,
                      sizes=tuple(np.shape(_raw(p))[ax] for p in pieces))
        except ValueError as e:
            raise ValueError(f"diff: prepend/append must match x's shape {x.shape} off "
                             f"axis {ax}: {e}") from None
    lo = (slice(None),) * ax + (slice(None, -1),)
    hi = (slice(None),) * ax + (slice(1, None),)
    for _ in range(n):
        if x.shape[ax] == 0:
            break
        x = apply(GetItem, x, index=hi) - apply(GetItem, x, index=lo)
    return x

# the names `from tapegrad.ops.scan import *` gives (tests/test_all.py)
__all__ = ["Cumsum", "Cumprod", "LogCumSumExp", "CummaxResult", "CumminResult", "cumsum",
           "cumprod", "nancumsum", "nancumprod", "logcumsumexp", "cummax", "cummin", "take_along",
           "diff"]
