"""Linear algebra: norms (vector, matrix, svdvals: Norm, SvdVals). The matrix products
live in ops/linalg_matmul.py and are re-exported here (their import path since the
start: `from tapegrad.ops.linalg import MatMul`)."""
from __future__ import annotations

import numpy as np

from .._dtypes import default_float
from .._tensor import Tensor
from ._apply import apply, call
from ._op import OWN, Op, register, tangent_axis
from ._shapes import check_bool, check_operand, keepdims_shape, normalize_axis, pick_axis
from . import elementwise as E
from . import reduce as R
from .. import _state
from .reduce import Sum, expand_reduced
from .shape import BroadcastTo, Transpose, reshape, squeeze
from .complex_parts import ComplexAbs
from .elementwise import _all_finite, Abs, Pow, Sign, Where
from .linalg_matmul import (_LETTERS, _raw, Einsum, MatMul,  # noqa: F401
                            dot, einsum, matmul, outer)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, Axis


# ------------------------------------------------------------------ norm

def _float_data(x):
    """bool/integer arrays in the default float (as PyTorch); floats as they are."""
    x = np.asarray(x)
    return x if x.dtype.kind in "fc" else x.astype(default_float())


def _as_float(x, op):
    """The same for a public function's input: a cast only for bool/integer data."""
    if not isinstance(x, Tensor):
        x = check_operand(op, "x", x)
    d = _raw(x)
    if isinstance(d, np.ndarray) and d.dtype.kind in "fc":
        return x
    return E.cast(x, default_float())


def _pnorm(x, p, axis, keepdims):
    """(sum |x|^p)^(1/p) over axis. The 2-norm takes the plain sum of squares when it
    neither overflows nor underflows (ordinary inputs); otherwise, and for other p, it
    divides by max|x| first (min|x| for p < 0), as LAPACK's nrm2 does."""
    x = _float_data(x)
    if x.dtype.kind == "c":
        x = np.abs(x)               # |z|, not z * z
    if x.size == 0:
        return np.sum(np.abs(x), axis=axis, keepdims=keepdims)
    if p == 2:
        ss = _sumsq(x, axis, keepdims)
        if _all_finite(ss) and (ss.ndim == 0 and ss >= _SAFE_MIN[x.dtype.char]
                                or ss.ndim and ss.min() >= _SAFE_MIN[x.dtype.char]):
            return np.sqrt(ss)
    a = np.abs(x)
    sc = (np.max if p > 0 else np.min)(a, axis=axis, keepdims=True)
    sc = np.where((sc == 0) | ~np.isfinite(sc), 1.0, sc).astype(a.dtype, copy=False)
    with np.errstate(over="ignore", under="ignore", divide="ignore", invalid="ignore"):
        r = a / sc
        if p == 2:
            out = np.sqrt(np.sum(r * r, axis=axis, keepdims=True)) * sc
        else:
            out = np.sum(r ** p, axis=axis, keepdims=True) ** (1.0 / p) * sc
    out = out.astype(a.dtype, copy=False)
    return out if keepdims else np.squeeze(out, axis=axis)


def _sumsq(x, axis, keepdims):
    """sum(x * x) over axis by einsum: one pass, and no FP warnings to silence (an
    errstate block costs more than the sum on small inputs)."""
    key = (x.ndim, axis)
    sub = _SUMSQ.get(key)
    if sub is None:
        letters = _LETTERS[:x.ndim]
        kept = "".join(c for i, c in enumerate(letters) if axis is not None and i not in axis)
        sub = _SUMSQ[key] = f"{letters},{letters}->{kept}"
    ss = np.einsum(sub, x, x)
    return ss.reshape(keepdims_shape(x.shape, axis)) if keepdims else ss


_SUMSQ: dict[Any, Any] = {}  # (ndim, axis) -> einsum subscripts


# sums of squares below tiny / eps may have lost digits to underflow: take the scaled path
_SAFE_MIN = {c: np.finfo(c).tiny / np.finfo(c).eps for c in "efdg"}
_SAFE_MIN.update(F=_SAFE_MIN["f"], D=_SAFE_MIN["d"], G=_SAFE_MIN["g"])


@register
class Norm(Op):
    """Vector p-norm (sum |x|^p)^(1/p) over `axis`, for p = 2 and any p other than
    0, 1 and +-inf (those are sums, maxima and minima of abs). Computed without overflow
    or underflow at any scale. At x = 0 the gradient is 0 (PyTorch's subgradient) and the
    second derivative is finite."""
    batching = "aware"
    saves = ("x", "out")

    @staticmethod
    def forward(x, *, ord, axis, keepdims):
        return _pnorm(x, ord, axis, keepdims)

    # d|x|_p = sign(x) (|x| / |x|_p)^(p-1) dx (x / |x|_2 for p = 2), written with the
    # ratio so it stays finite at any scale; 0 where x = 0 or |x|_p = 0
    @staticmethod
    def vjp(ctx, g):
        g = call(BroadcastTo, expand_reduced(g, ctx), shape=ctx.in_shapes[0])
        return (g * _norm_slope(ctx),)

    @staticmethod
    def jvp(ctx, dx):
        p = ctx.params
        return call(Sum, dx * _norm_slope(ctx), axis=tangent_axis(ctx),
                    keepdims=p["keepdims"])


def _norm_slope(ctx):
    x, out = ctx.saved
    p = ctx.params["ord"]
    out = expand_reduced(out, ctx)
    zero = _raw(out) == 0
    any_zero = np.any(zero)
    if any_zero:
        out = call(Where, zero, 1.0, out)
    if p == 2:
        return x / out                  # x = 0 wherever the norm is 0
    slope = call(Sign, x) * call(Pow, call(Abs, x) / out, p - 1.0)
    dead = _raw(x) == 0                 # |x|^p has no finite slope at 0 for p < 1
    if any_zero:
        dead = dead | zero
    return call(Where, dead, 0.0, slope) if np.any(dead) else slope


def _svdvals_core(params):
    """SvdVals' inputs for vmap: A (..., m, n), then g (..., k) or dA (..., m, n)."""
    return {"s": (2,), "vjp": (2, 1), "jvp": (2, 2)}[params["part"]]


@register
class SvdVals(Op):
    """Singular values of the matrices in the last two axes, largest first (part="s"),
    and the two derivative maps its rules need, as parts of the same op so that second
    derivatives are exact: part="vjp" is U diag(g) V^T from (A, g), part="jvp" is
    diag(U^T dA V) from (A, dA). Derivatives assume distinct singular values (a tie gets
    0 in the coupling terms); a third derivative raises NotImplementedError. Complex A
    (PyTorch's rules): U diag(g) V^H and Re diag(U^H dA V), second order included."""
    complex = OWN
    core = _svdvals_core  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ()
    save_all = True

    @staticmethod
    def forward(*xs, part):
        a = _float_data(xs[0])
        if part == "s":
            return np.linalg.svd(a, compute_uv=False)
        u, _, v = _svd_parts(a)
        if part == "vjp":
            return _ugv(u, np.asarray(xs[1]), v)
        return _diag_utv(u, np.asarray(xs[1]), v)

    # d sigma_i = u_i^T dA v_i; the derivatives of U and V (for the second order) come
    # from U^T dA V as in the standard SVD perturbation formulas
    @staticmethod
    def vjp(ctx, g):
        part = ctx.params["part"]
        if part == "s":
            return (call(SvdVals, ctx.saved[0], g, part="vjp"),)
        _first_order_only(*ctx.saved, g)
        a, other = (_raw(v) for v in ctx.saved)
        g = _raw(g)
        u, s, v = _svd_parts(a)
        if part == "vjp":           # <h, U diag(g) V^T>
            return (_adj_ugv(a, other, g) if ctx.needs_grad[0] else None,
                    _diag_utv(u, g, v) if ctx.needs_grad[1] else None)
        return (_adj_ugv(a, g, other) if ctx.needs_grad[0] else None,     # <c, diag(U^T d V)>
                _ugv(u, g, v) if ctx.needs_grad[1] else None)

    @staticmethod
    def jvp(ctx, *ds):
        part = ctx.params["part"]
        if part == "s":
            return call(SvdVals, ctx.saved[0], ds[0], part="jvp")
        _first_order_only(*ctx.saved, *ds)
        a, other = (_raw(v) for v in ctx.saved)
        da, dother = (None if d is None else _raw(d) for d in ds)
        u, s, v = _svd_parts(a)
        out = None
        if da is not None:
            u, v, du, dv = _svd_duv(a, da)      # one basis: the signs of u, v are arbitrary
            if part == "vjp":
                out = _ugv(du, other, v) + _ugv(u, other, dv)
            else:
                out = _diag_utv(du, other, v) + _diag_utv(u, other, dv)
        if dother is not None:
            extra = _ugv(u, dother, v) if part == "vjp" else _diag_utv(u, dother, v)
            out = extra if out is None else out + extra
        return out


def _T(a):
    return np.swapaxes(a, -1, -2)


def _svd_parts(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    if vh.dtype.kind == "c":
        return u, s, _T(vh).conj()
    return u, s, _T(vh)


def _ugv(u, g, v):
    """U diag(g) V^T (V^H for complex), batched."""
    if v.dtype.kind == "c":
        return (u * g[..., None, :]) @ _T(v).conj()
    return (u * g[..., None, :]) @ _T(v)


def _diag_utv(u, h, v):
    """diag(U^T H V) (Re diag(U^H H V) for complex), batched."""
    if u.dtype.kind == "c":
        return np.einsum("...mk,...mn,...nk->...k", u.conj(), h, v).real
    return np.einsum("...mk,...mn,...nk->...k", u, h, v)


def _H(a):
    """The conjugate transpose of the last two axes (the transpose for real a)."""
    return _T(a).conj() if a.dtype.kind == "c" else _T(a)


def _width(s):
    """(k eps max(s), max(s)) with a kept last axis: singular values closer than the
    first are tied, as the Svd op decides (ops/solve.py tie_tol)."""
    k = s.shape[-1]
    top = np.max(s, axis=-1, keepdims=True) if k else np.zeros(s.shape[:-1] + (1,))
    return k * np.finfo(s.dtype if s.dtype.kind == "f" else np.float64).eps * top, top


def _coupling(s):
    """F_ij = 1 / (s_j^2 - s_i^2) off the diagonal, 0 on it and at ties."""
    d = s[..., None, :] ** 2 - s[..., :, None] ** 2
    width, top = _width(s)
    tie = np.abs(d) <= (2 * width * top)[..., None]     # (s_j - s_i)(s_j + s_i)
    return np.where(tie, 0.0, 1.0 / np.where(tie, 1.0, d))


def _inv_s(s):
    zero = s <= _width(s)[0]
    return np.where(zero, 0.0, 1.0 / np.where(zero, 1.0, s))


def _svd_duv(a, da):
    """(U, V, dU, dV) of the thin SVD a = U S V^H along da. For complex a the phase of
    each pair (u_i, v_i) is free: dV takes none of it, dU all, i Im(dP_ii) / s_i on
    the diagonal of U^H dU, so U diag(g) V^H moves as it must."""
    m, n = a.shape[-2:]
    if m < n:
        v, u, dv, du = _svd_duv(_H(a), _H(da))
        return u, v, du, dv
    u, s, v = _svd_parts(a)
    f = _coupling(s)
    dp = _H(u) @ da @ v
    om_u = f * (dp * s[..., None, :] + s[..., :, None] * _H(dp))
    if dp.dtype.kind == "c":
        diag = np.diagonal(dp, axis1=-2, axis2=-1).imag * _inv_s(s)
        om_u = om_u + 1j * diag[..., None, :] * np.eye(s.shape[-1])
    du = u @ om_u
    dv = v @ (f * (s[..., :, None] * dp + _H(dp) * s[..., None, :]))
    if m > n:
        du = du + (da @ v - u @ dp) * _inv_s(s)[..., None, :]
    return u, v, du, dv


def _adj_ugv(a, g, h):
    """The X with <h, d(U diag(g) V^H)> = <X, da> for every da (g held fixed), in the
    real inner product Re tr(h^H .) for complex a (the adjoint of _svd_duv's map)."""
    m, n = a.shape[-2:]
    if m < n:
        return _H(_adj_ugv(_H(a), g, _H(h)))
    u, s, v = _svd_parts(a)
    f = _coupling(s)
    mm = (h @ v) * g[..., None, :]
    nn = (_H(h) @ u) * g[..., None, :]
    m1 = _H(u) @ mm
    z1 = f * m1
    z2 = f * (_H(v) @ nn)
    c = (z1 + _H(z1)) * s[..., None, :] + s[..., :, None] * (z2 + _H(z2))
    if c.dtype.kind == "c":         # the phase term of dU's diagonal
        diag = np.diagonal(m1, axis1=-2, axis2=-1).imag * _inv_s(s)
        c = c + 1j * diag[..., None, :] * np.eye(s.shape[-1])
    x = u @ c @ _H(v)
    if m > n:
        x = x + ((mm - u @ (_H(u) @ mm)) * _inv_s(s)[..., None, :]) @ _H(v)
    return x


def _first_order_only(*vs):
    """The rules of the derivative parts are not differentiated again: refuse, rather
    than return a wrong third derivative, when one is being recorded."""
    L = _state.local
    for v in vs:
        if isinstance(v, Tensor) and ((v._rg and L.grad_enabled) or v._fw is not None):
            raise NotImplementedError(
                "svdvals: third derivatives of singular values (matrix norms with ord 2, "
                "-2 or 'nuc') are not implemented")



def _check_ord(op, ord, allowed=None):
    if type(ord) is int or type(ord) is float:
        if ord == ord:
            return float(ord)
    if isinstance(ord, str):
        if allowed is None or ord not in allowed:
            raise ValueError(f"{op}: ord must be a number{_or(allowed)}, got {ord!r} (str)")
        return ord
    if isinstance(ord, bool) or not isinstance(ord, (int, float, np.integer, np.floating)):
        raise TypeError(f"{op}: ord must be a number{_or(allowed)}, got {ord!r} "
                        f"({type(ord).__name__})")
    ord = float(ord)
    if ord != ord:
        raise ValueError(f"{op}: ord must be a number, got nan")
    return ord


def _or(allowed):
    return "" if not allowed else " or " + " or ".join(repr(a) for a in allowed)


def _vector_norm(x, ord, axis, keepdims):
    """x has float data, ord a float, axis normalized."""
    if np.iscomplexobj(_raw(x)):
        x = apply(ComplexAbs, x)        # every vector norm of z is that of |z| (real)
    if ord == 2 or (ord != 0 and ord != 1 and -np.inf < ord < np.inf):
        return apply(Norm, x, ord=2 if ord == 2 else ord, axis=axis, keepdims=keepdims)
    if ord == 1:
        return R.sum(E.abs(x), axis, keepdims)
    if ord == np.inf:
        return R.amax(E.abs(x), axis, keepdims)
    if ord == -np.inf:
        return R.amin(E.abs(x), axis, keepdims)
    # ord 0 counts the nonzero entries: piecewise constant, so its gradient is 0 (sign's);
    # a NaN is nonzero (counted, as NumPy and torch), where sign would give NaN
    raw = _raw(x)
    if np.isnan(raw).any():
        x = E.where(np.isnan(raw), 1.0, x)
    return R.sum(E.sign(E.abs(x)), axis, keepdims)


def _matrix_norm(x, ord, axes, keepdims, op):
    """Matrix norm over the axis pair `axes` (distinct, non-negative), NumPy's ords."""
    r, c = axes
    if np.iscomplexobj(_raw(x)) and ord in ("fro", 1.0, -1.0, np.inf, -np.inf):
        x = apply(ComplexAbs, x)        # these read |z| only; 2, -2, nuc need svd
    if ord == "fro":
        return apply(Norm, x, ord=2, axis=tuple(sorted(axes)), keepdims=keepdims)
    if ord in (1.0, -1.0, np.inf, -np.inf):
        inner, outer = (r, c) if ord in (1.0, -1.0) else (c, r)
        s = R.sum(E.abs(x), inner, True)                  # column (1) or row (inf) sums
        out = (R.amax if ord > 0 else R.amin)(s, outer, True)
    else:
        nd = np.ndim(_raw(x))
        rest = [a for a in range(nd) if a not in (r, c)]
        sv = apply(SvdVals, call(Transpose, x, axes=tuple(rest) + (r, c))
                   if (r, c) != (nd - 2, nd - 1) else x, part="s")
        if ord == "nuc":
            out = R.sum(sv, -1)
        else:
            out = (R.amax if ord > 0 else R.amin)(sv, -1)
        if not keepdims:
            return out
        return reshape(out, keepdims_shape(np.shape(_raw(x)), (r, c)))
    if keepdims:
        return out
    return squeeze(out, (r, c))


_MATRIX_ORDS = ("fro", "nuc")


def _matrix_axes(op, axis, nd):
    if not isinstance(axis, (tuple, list)) or len(axis) != 2:
        raise ValueError(f"{op}: a matrix norm needs dim/axis to be a pair of axes, got "
                         f"{axis!r}")
    if nd < 2:
        raise ValueError(f"{op}: a matrix norm needs an input with at least 2 "
                         f"dimensions, got {nd}")
    r, c = (normalize_axis(a, nd, op, "dim")[0] for a in axis)
    if r == c:
        raise ValueError(f"{op}: dim/axis must name two different axes, got {tuple(axis)}")
    return r, c


def _check_matrix_ord(op, ord):
    ord = _check_ord(op, ord, _MATRIX_ORDS)
    if not isinstance(ord, str) and ord not in (1.0, -1.0, 2.0, -2.0, np.inf, -np.inf):
        raise ValueError(f"{op}: a matrix norm's ord must be 'fro', 'nuc', inf, -inf, 1, "
                         f"-1, 2 or -2, got {ord!r}")
    return ord


def svdvals(A: ArrayLike) -> Tensor:
    """Singular values of the matrices in the last two axes, largest first, as
    torch.linalg.svdvals (first derivatives only).

    Args:
        A: a matrix or a batch of them, shape (..., m, n).

    Returns:
        The singular values, descending, shape (..., min(m, n)).

    >>> A = tg.tensor([[3.0, 0.0], [0.0, -4.0]], requires_grad=True)
    >>> tg.linalg.svdvals(A).tolist()
    [4.0, 3.0]
    >>> tg.linalg.svdvals(A)[0].backward()          # u v^T of the largest
    >>> A.grad
    tensor([[ 0.,  0.],
            [ 0., -1.]])
    """
    A = _as_float(A, "svdvals")
    if np.ndim(_raw(A)) < 2:
        raise ValueError(f"svdvals: A must have at least 2 dimensions, got shape "
                         f"{np.shape(_raw(A))}")
    return apply(SvdVals, A, part="s")


def vector_norm(x: ArrayLike, ord: Any = 2, dim: Axis = None, keepdim: bool = False, *,
                axis: Axis = None, keepdims: bool | None = None) -> Tensor:
    """Vector norm over `dim` (all elements when None), as torch.linalg.vector_norm:
    ord 2 (default), any p (including negative), inf, -inf and 0 (count of nonzeros).
    Finite and scaled at any magnitude; the gradient at x = 0 is 0.

    Args:
        x: the input tensor.
        ord: the order p (2 by default), inf, -inf or 0.
        dim: the axis or axes to reduce (None: all).
        keepdim: keep the reduced axes with length 1.
        axis: NumPy's name for dim.
        keepdims: NumPy's name for keepdim.

    Returns:
        The norms.

    Raises:
        ValueError: an ord that is not a number.

    >>> x = tg.tensor([3.0, -4.0], requires_grad=True)
    >>> tg.linalg.vector_norm(x).item(), tg.linalg.vector_norm(x, 1).item()
    (5.0, 7.0)
    >>> tg.linalg.vector_norm(x, float("inf")).item()
    4.0
    >>> tg.linalg.vector_norm(x).backward()         # x / |x|
    >>> x.grad
    tensor([ 0.6000, -0.8000])
    """
    axis, keepdims = pick_axis(axis, dim, keepdim if keepdims is None else keepdims, None,
                               "vector_norm")
    ord = _check_ord("vector_norm", ord)
    x = _as_float(x, "vector_norm")
    axis = normalize_axis(axis, np.ndim(_raw(x)), "vector_norm", "dim")
    return _vector_norm(x, ord, axis, keepdims)


def matrix_norm(A: ArrayLike, ord: Any | str = "fro", dim: Axis = (-2, -1), keepdim: bool = False,
                *, axis: Axis = None, keepdims: bool | None = None) -> Tensor:
    """Matrix norm over the axis pair `dim` (batched over the others), as
    torch.linalg.matrix_norm: ord 'fro', 'nuc', inf, -inf, 1, -1, 2, -2. ord 2, -2 and
    'nuc' go through the singular values (first derivatives only).

    Args:
        A: a matrix or a batch of them, shape (..., m, n).
        ord: 'fro', 'nuc', inf, -inf, 1, -1, 2 or -2.
        dim: the pair of axes holding the matrices.
        keepdim: keep the two reduced axes with length 1.
        axis: NumPy's name for dim.
        keepdims: NumPy's name for keepdim.

    Returns:
        The norms, shape (...) (or with the reduced axes kept).

    Raises:
        ValueError: an unknown ord or a bad axis pair.

    >>> A = tg.tensor([[3.0, 0.0], [0.0, 4.0]], requires_grad=True)
    >>> tg.linalg.matrix_norm(A).item(), tg.linalg.matrix_norm(A, "nuc").item()
    (5.0, 7.0)
    >>> tg.linalg.matrix_norm(A).backward()         # A / |A|_F
    >>> A.grad
    tensor([[0.6000, 0.0000],
            [0.0000, 0.8000]])
    """
    if axis is not None:
        dim = axis
    keepdim = check_bool("matrix_norm", "keepdim", keepdim if keepdims is None else keepdims)
    ord = _check_matrix_ord("matrix_norm", ord)
    A = _as_float(A, "matrix_norm")
    axes = _matrix_axes("matrix_norm", dim, np.ndim(_raw(A)))
    return _matrix_norm(A, ord, axes, keepdim, "matrix_norm")


def linalg_norm(x: ArrayLike, ord: Any = None, axis: Axis = None, keepdims: bool = False, *,
                dim: Axis = None, keepdim: bool | None = None) -> Tensor:
    """numpy.linalg.norm / torch.linalg.norm: a vector norm for 1-D input or an int axis,
    a matrix norm for 2-D input with `ord` given or an axis pair; ord None is the 2-norm
    (Frobenius) of all elements.

    Args:
        x: a tensor or array-like (real or complex; integers become float32).
        ord: the order: for vectors any number, inf or -inf (None: 2); for matrices
            'fro', 'nuc', 2, -2, 1, -1, inf, -inf (None: 'fro').
        axis: None, an int (vector norms along it) or a pair of ints (matrix norms).
        keepdims: keep the reduced axes with size 1.
        dim: torch's name for axis (give one of them).
        keepdim: torch's name for keepdims.

    Returns:
        The norms, real (the modulus for complex input).

    >>> A = tg.tensor([[3.0, 0.0], [0.0, 4.0]])
    >>> tg.linalg.norm(A).item(), tg.linalg.norm(A, 2).item()     # Frobenius, spectral
    (5.0, 4.0)
    >>> tg.linalg.norm(A, 1, axis=1).tolist()                     # vector norms of rows
    [3.0, 4.0]
    """
    op = "linalg.norm"
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, op)
    x = _as_float(x, op)
    nd = np.ndim(_raw(x))
    if axis is None:
        if ord is None:
            return _vector_norm(x, 2.0, None, keepdims)
        if nd == 2:
            axis = (0, 1)
        elif nd != 1:
            raise ValueError(f"{op}: with ord={ord!r} and axis=None the input must be 1-D "
                             f"or 2-D, got {nd}-D; give axis")
    if isinstance(axis, (tuple, list)) and len(axis) == 2:
        ord = _check_matrix_ord(op, "fro" if ord is None else ord)
        return _matrix_norm(x, ord, _matrix_axes(op, axis, nd), keepdims, op)
    if isinstance(axis, (tuple, list)) and len(axis) != 1:
        raise ValueError(f"{op}: axis must be an int or a pair of ints, got {axis!r}")
    ord = _check_ord(op, 2 if ord is None else ord)
    axis = normalize_axis(axis, nd, op)
    return _vector_norm(x, ord, axis, keepdims)


def norm(x: ArrayLike, ord: Any = 2, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
         keepdim: bool | None = None, p: Any = None) -> Tensor:
    """Norm of x over `axis` (all elements when None), as torch.norm: a number ord is the
    vector norm (2, 1, any p, inf, -inf, 0), 'fro' the 2-norm, 'nuc' the nuclear norm of
    the matrices in `axis` (a pair; the last two axes when None). For NumPy's matrix ords
    use `tg.linalg.norm` or `tg.linalg.matrix_norm`.

    At x = 0 the gradient is 0 and the second derivative is finite: use it instead of
    `sqrt(sum(x**2))`, whose gradient at 0 is NaN.

    Args:
        x: the input tensor.
        ord: the order, as numpy.linalg.norm takes it.
        axis: None, an int (a vector norm) or a pair (a matrix norm).
        keepdims: keep the reduced axes with length 1.
        dim: PyTorch's name for axis.
        keepdim: PyTorch's name for keepdims.
        p: torch.norm's name for ord (give one of the two).

    Returns:
        The norm(s).

    Raises:
        ValueError: an ord that does not fit the number of axes.

    >>> import tapegrad as tg
    >>> x = tg.zeros(3, requires_grad=True)
    >>> tg.norm(x).backward()
    >>> x.grad
    tensor([0., 0., 0.])
    """
    axis, keepdims = pick_axis(axis, dim, keepdims, keepdim, "norm")
    if p is not None:
        if ord != 2:
            raise TypeError("norm: give ord or p (torch.norm's name), not both")
        ord = p
    ord = _check_ord("norm", 2 if ord is None else ord, _MATRIX_ORDS)
    x = _as_float(x, "norm")
    nd = np.ndim(_raw(x))
    if ord == "nuc":
        axes = _matrix_axes("norm", (-2, -1) if axis is None else axis, nd)
        return _matrix_norm(x, ord, axes, keepdims, "norm")
    axis = normalize_axis(axis, nd, "norm")
    return _vector_norm(x, 2.0 if ord == "fro" else ord, axis, keepdims)


__all__ = ["matmul", "dot", "outer", "einsum", "norm", "vector_norm", "matrix_norm",
           "linalg_norm", "svdvals", "keepdims_shape", "Einsum", "MatMul", "Norm", "SvdVals"]
