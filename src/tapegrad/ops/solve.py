"""Linear solvers and matrix functions: inv, solve, solve_triangular, det, the log of
|det|, cholesky, pinv, matrix_exp. Inputs are batches of matrices in the last two axes
(leading axes broadcast, as in torch.linalg). Every rule is written with tapegrad ops, so
it records and differentiates again; the rules broadcast over a leading tangent batch
axis, which is why they declare batching = "aware" without reading ctx.batched."""
import functools
import warnings

import numpy as np

from .. import _state
from ._apply import call
from ._op import OWN, Op, register, tangent_sum
from .complex_parts import Complex, Conj, Imag, Real
from .elementwise import Where
from .linalg_matmul import Einsum, MatMul, _parse_einsum, _raw
from .shape import BroadcastTo, Concatenate, GetItem, Transpose


class LinAlgError(RuntimeError):
    """A matrix the function cannot handle (singular, not positive definite), as
    torch.linalg.LinAlgError: a RuntimeError. The message names the function, the
    matrix's shape and, for cholesky, the leading minor that failed.

    Args:
        *args: the message, as for any exception.

    >>> import tapegrad as tg
    >>> try:
    ...     tg.linalg.inv(tg.zeros((2, 2)))
    ... except tg.linalg.LinAlgError as e:
    ...     print(type(e).__name__, isinstance(e, RuntimeError))
    LinAlgError True
    """


class IllConditionedWarning(RuntimeWarning):
    """Under detect_anomaly: a matrix inverted or solved with is so ill conditioned that
    the result (and its gradient) has lost more than half of its digits. The message
    gives the condition number. Never checked outside anomaly mode (it costs an SVD).

    Args:
        *args: the message, as for any warning.

    >>> import warnings
    >>> import tapegrad as tg
    >>> A = tg.tensor([[1.0, 1.0], [1.0, 1.0 + 1e-12]], dtype=tg.float64)
    >>> with tg.autograd.detect_anomaly(), warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     _ = tg.linalg.inv(A)
    >>> [type(x.message).__name__ for x in w if "ill conditioned" in str(x.message)]
    ['IllConditionedWarning']
    """


def _check_conditioning(op, A):
    """Warn under detect_anomaly when cond(A) > eps^-1/2 (half the digits lost)."""
    if not _state.local.anomaly or A.size == 0:
        return
    with np.errstate(all="ignore"):
        cond = np.linalg.cond(A)
    worst = float(np.max(cond))
    if not worst < np.finfo(A.dtype).eps ** -0.5:
        warnings.warn(f"linalg.{op}: A of shape {A.shape} is ill conditioned (condition "
                      f"number {worst:.3g}); the result and its gradient have lost about "
                      f"{np.log10(worst):.0f} digits", IllConditionedWarning, stacklevel=3)


# ------------------------------------------------------------------ rule helpers

def mT(a):
    """Swap the last two axes (Tensor or ndarray)."""
    nd = np.ndim(_raw(a))
    return call(Transpose, a, axes=tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _mH(a):
    """The conjugate transpose of the last two axes (mT itself for real a, so the real
    rules keep their exact operations)."""
    return mT(call(Conj, a)) if np.iscomplexobj(_raw(a)) else mT(a)


def mm(a, b):
    return call(MatMul, a, b)


def ein(subscripts, *xs):
    ins, out = _parse_einsum(subscripts, [np.shape(_raw(x)) for x in xs])
    return call(Einsum, *xs, ins=ins, out=out)


def diag_part(a):
    """The diagonal of each matrix: (..., n, n) -> (..., n)."""
    return ein("...ii->...i", a)


def diag_embed(v, dtype):
    """(..., n) -> (..., n, n) with v on the diagonal."""
    n = np.shape(_raw(v))[-1]
    return row(v) * np.eye(n, dtype=dtype)


def row(v):
    """v[..., None, :]: (..., n) -> (..., 1, n), which scales column j by v_j."""
    return call(GetItem, v, index=(Ellipsis, None, slice(None)))


def column(v):
    """v[..., :, None]: (..., n) -> (..., n, 1), which scales row i by v_i."""
    return call(GetItem, v, index=(Ellipsis, slice(None), None))


def scalar_to_matrix(v):
    """(...) -> (..., 1, 1)."""
    return call(GetItem, v, index=(Ellipsis, None, None))


def sym(a):
    """(a + a^T) / 2: the part of a gradient that acts on symmetric perturbations."""
    return (a + mT(a)) * 0.5


def _herm(a):
    """(a + a^H) / 2 for complex a (the part acting on Hermitian perturbations), sym(a)
    for real a."""
    return (a + _mH(a)) * 0.5 if np.iscomplexobj(_raw(a)) else sym(a)


def dtype_of(*vs):
    return np.result_type(*(_raw(v) for v in vs))


@functools.lru_cache(maxsize=64)
def tri_mask(n, upper, strict, dtype):
    """A read-only 0/1 triangle, cached: the rules of a 500 x 500 solve would otherwise
    spend as long building masks as multiplying by them."""
    ones = np.ones((n, n), dtype=dtype)
    k = 1 if strict else 0
    mask = np.triu(ones, k) if upper else np.tril(ones, -k)
    mask.flags.writeable = False
    return mask


def _blas(name, A, B):
    """SciPy's BLAS routine (trmm or trsm) for two single matrices of one float type, or
    None (batches, other types, no SciPy): the caller takes the NumPy path."""
    if A.ndim != 2 or B.ndim != 2 or A.dtype != B.dtype or A.dtype.char not in "fd" \
            or not A.size or not B.size:
        return None
    try:
        from scipy.linalg import blas   # optional: triangular BLAS instead of LU/matmul
    except ImportError:
        return None
    return getattr(blas, A.dtype.char.replace("f", "s") + name)


def _tri_blas(fn, A, B, upper, unit):
    """fn (trmm or trsm) on tri(A) and B. A in Fortran order (a transposed view, such
    as L^T) goes to BLAS as it is; a C-ordered A is read as A^T (Fortran order, the
    other triangle) from the right of B^T. Either way A, the big operand, is not copied."""
    if A.flags.f_contiguous and not A.flags.c_contiguous:
        return fn(1.0, A, B, lower=int(not upper), diag=int(unit))
    out = fn(1.0, A.T, B.T, side=1, lower=int(upper), diag=int(unit))
    return out.T


def tie_tol(v, squares=False):
    """The width below which two of the values v (..., n) (eigenvalues, singular values)
    count as tied: n * eps * max|v|, about the rounding error LAPACK leaves in them;
    for differences of squares, times 2 max|v| (s_j^2 - s_i^2 = (s_j - s_i)(s_j + s_i)).
    Shaped (..., 1, 1), to compare with the coupling matrix."""
    a = np.abs(_raw(v))
    n = a.shape[-1]
    if n == 0:                  # shaped as below: callers index it (svd of 0 x 0)
        return np.zeros(a.shape[:-1] + (1, 1), dtype=np.float64)
    eps = np.finfo(a.dtype if a.dtype.kind == "f" else np.float64).eps
    top = np.max(a, axis=-1)
    width = n * eps * top * (2 * top if squares else 1)
    return width[..., None, None]


def break_ties(d, tol=0.0):
    """1 / d where |d| > tol, 0 where |d| <= tol: the coupling 1 / (l_j - l_i) between
    eigen/singular values (d their difference, tol from tie_tol). The decision, for
    (near-)degenerate spectra: a tie (the diagonal included) gets 0, not the inf/NaN
    of PyTorch and JAX. Exact for losses that do not see how a degenerate eigenspace is
    rotated or split (functions of the eigenvalues; projectors onto whole clusters);
    see "Linear algebra" on docs/numerics.md for what other losses get."""
    raw = _raw(d)
    tie = np.abs(raw) <= tol
    if not np.any(tie):
        return 1.0 / d
    return call(Where, tie, 0.0, 1.0 / call(Where, tie, 1.0, d))


def linalg_error(op, what):
    return LinAlgError(f"linalg.{op}: {what}")


# ------------------------------------------------------------------ inv, solve

@register
class Inv(Op):
    """Inverse of the matrices in the last two axes. d(A^-1) = -A^-1 dA A^-1."""
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("out",)

    @staticmethod
    def forward(A):
        _check_conditioning("inv", A)
        try:
            return np.linalg.inv(A)
        except np.linalg.LinAlgError:
            raise linalg_error("inv", f"the input of shape {A.shape} is singular; the "
                               "inversion could not be completed") from None

    @staticmethod
    def vjp(ctx, g):
        (x,) = ctx.saved
        return (-mm(mm(mT(x), g), mT(x)),)

    @staticmethod
    def jvp(ctx, dA):
        (x,) = ctx.saved
        return -mm(mm(x, dA), x)


@register
class Solve(Op):
    """X with A X = B; B holds k right-hand sides as columns (..., n, k), batch axes
    broadcast. gB = A^-T g, gA = -gB X^T; dX = A^-1 (dB - dA X)."""
    batching = "aware"
    core = (2, 2)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A", "B")
    saves = ("A", "out")

    @staticmethod
    def forward(A, B):
        _check_conditioning("solve", A)
        try:
            return np.linalg.solve(A, B)
        except np.linalg.LinAlgError:
            raise linalg_error("solve", f"A of shape {A.shape} is singular; the solve "
                               "could not be completed") from None

    @staticmethod
    def vjp(ctx, g):
        A, x = ctx.saved
        gB = call(Solve, mT(A), g)
        gA = -mm(gB, mT(x)) if ctx.needs_grad[0] else None
        return gA, gB if ctx.needs_grad[1] else None

    @staticmethod
    def jvp(ctx, dA, dB):
        A, x = ctx.saved
        dA, dB = lift(ctx, dA, 0), lift(ctx, dB, 1)
        rhs = tangent_sum(dB, None if dA is None else -mm(dA, x))
        return call(Solve, A, rhs)


@register
class SolveTriangular(Op):
    """X with T X = B, T the upper or lower triangle of A (unit diagonal when
    `unitriangular`); the other triangle of A is never read, and its gradient is 0."""
    batching = "aware"
    core = (2, 2)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A", "B")
    saves = ("A", "out")

    @staticmethod
    def forward(A, B, *, upper, unitriangular):
        n = A.shape[-1]
        trsm = _blas("trsm", A, B)
        if trsm is not None and (unitriangular or np.all(np.diagonal(A))):
            return _tri_blas(trsm, A, B, upper, unitriangular)
        T = A * tri_mask(n, upper, unitriangular, A.dtype)
        if unitriangular:
            T = T + np.eye(n, dtype=A.dtype)
        try:
            return np.linalg.solve(T, B)
        except np.linalg.LinAlgError:
            raise linalg_error("solve_triangular", f"A of shape {A.shape} has a zero on "
                               "its diagonal; the solve could not be completed") from None

    @staticmethod
    def vjp(ctx, g):
        A, x = ctx.saved
        up, unit = ctx.params["upper"], ctx.params["unitriangular"]
        gB = call(SolveTriangular, mT(A), g, upper=not up, unitriangular=unit)
        gA = None
        if ctx.needs_grad[0]:
            n = np.shape(_raw(A))[-1]
            gA = mm(-gB, mT(x)) * tri_mask(n, up, unit, dtype_of(A, g))    # -gB: few columns
        return gA, gB if ctx.needs_grad[1] else None

    @staticmethod
    def jvp(ctx, dA, dB):
        A, x = ctx.saved
        up, unit = ctx.params["upper"], ctx.params["unitriangular"]
        dA, dB = lift(ctx, dA, 0), lift(ctx, dB, 1)
        if dA is not None:
            n = np.shape(_raw(A))[-1]
            dA = -mm(dA * tri_mask(n, up, unit, dtype_of(A, dA)), x)
        return call(SolveTriangular, A, tangent_sum(dB, dA), upper=up, unitriangular=unit)


@register
class TriMatMul(Op):
    """tri(A) @ B, tri(A) the lower (or upper) triangle of A; the other triangle is never
    read and gets gradient 0. BLAS trmm on single matrices: half the work of a full
    product. Cholesky's rules use it for L^T gL."""
    batching = "aware"
    core = (2, 2)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A", "B")
    saves = ("A", "B")

    @staticmethod
    def forward(A, B, *, upper):
        trmm = _blas("trmm", A, B)
        if trmm is not None:
            return _tri_blas(trmm, A, B, upper, False)
        return np.matmul(np.triu(A) if upper else np.tril(A), B)

    @staticmethod
    def vjp(ctx, g):
        A, B = ctx.saved
        up = ctx.params["upper"]
        gA = gB = None
        if ctx.needs_grad[0]:
            n = np.shape(_raw(A))[-1]
            gA = mm(g, mT(B)) * tri_mask(n, up, False, dtype_of(A, g))
        if ctx.needs_grad[1]:
            gB = call(TriMatMul, mT(A), g, upper=not up)
        return gA, gB

    @staticmethod
    def jvp(ctx, dA, dB):
        A, B = ctx.saved
        up = ctx.params["upper"]
        dA, dB = lift(ctx, dA, 0), lift(ctx, dB, 1)
        return tangent_sum(None if dA is None else call(TriMatMul, dA, B, upper=up),
                           None if dB is None else call(TriMatMul, A, dB, upper=up))


def lift(ctx, d, i):
    """A batched tangent of input i with axes inserted after its batch axis, so that it
    lines up with the result's batch axes when input i has fewer of them."""
    if d is None or ctx.batched is None:
        return d
    k = len(ctx.out_shape) - len(ctx.in_shapes[i])
    return d if k <= 0 else call(GetItem, d, index=(slice(None),) + (None,) * k)


def solve_tri(A, B, upper):
    return call(SolveTriangular, A, B, upper=upper, unitriangular=False)


# ------------------------------------------------------------------ det

def _nan_where_nan(A, r):
    """r with NaN where A's matrix holds a NaN: LAPACK's pivoting can skip it and give a
    determinant of 0 (log -inf), a silently wrong value (PyTorch gives NaN)."""
    bad = np.isnan(A).any(axis=(-2, -1))
    if not bad.any():
        return r
    return np.where(bad, np.asarray(np.nan, dtype=np.asarray(r).dtype), r)


@register
class Det(Op):
    """Determinant. d det = tr(adj(A) dA), with adj(A)^T = det(A) A^-T when A is
    well conditioned. A singular or nearly singular A gets the adjugate itself, as the
    cofactors (signed determinants of the (n-1) x (n-1) minors): finite, and
    differentiable again through Det."""
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("A", "out")

    @staticmethod
    def forward(A):
        return _nan_where_nan(A, np.linalg.det(A))

    @staticmethod
    def vjp(ctx, g):
        A, d = ctx.saved
        return (scalar_to_matrix(g) * _cofactors(A, d),)

    @staticmethod
    def jvp(ctx, dA):
        A, d = ctx.saved
        return ein("...ij,...ij->...", _cofactors(A, d), dA)


def _cofactors(A, d):
    """The cofactor matrix adj(A)^T: det(A) A^-T for well-conditioned A; by minors when
    some A is singular or so ill-conditioned (cond > eps^-1/2) that A^-1 loses half the
    digits, which is where det * A^-T stops being accurate."""
    a = _raw(A)
    if np.all(_raw(d) != 0) and a.shape[-1] > 0:
        with np.errstate(all="ignore"):
            cond = np.linalg.cond(a)
        if np.all(cond < np.finfo(a.dtype).eps ** -0.5):
            return scalar_to_matrix(d) * mT(call(Inv, A))
    n = np.shape(_raw(A))[-1]
    if n <= 1:                  # 0 x 0 (det 1, torch's): no entries to differentiate
        return np.ones(np.shape(_raw(A)), dtype=dtype_of(A))
    keep = np.array([[j for j in range(n) if j != i] for i in range(n)])   # (n, n-1)
    rows = keep[:, None, :, None]           # minor (i, j): rows without i ...
    cols = keep[None, :, None, :]           # ... and columns without j
    minors = call(Det, call(GetItem, A, index=(Ellipsis, rows, cols)))
    signs = (-1.0) ** np.add.outer(np.arange(n), np.arange(n))
    return minors * signs.astype(dtype_of(A))


def _slogdet_inv(A):
    """A^-1 for slogdet's rules; a singular A is named as slogdet's problem, not inv's."""
    try:
        return call(Inv, A)
    except LinAlgError:
        raise linalg_error(
            "slogdet", f"A of shape {np.shape(_raw(A))} is singular: log|det A| is -inf "
            "there and its derivative A^-T is infinite (logdet uses slogdet). Move A off "
            "the singular set (e.g. A + eps * I), or use det, whose gradient stays "
            "finite") from None


@register
class Slogdet(Op):
    """(sign, log |det A|) packed along a last axis of 2, from one LU factorization
    (slogdet and logdet slice them apart: the sign used to cost a second one). The sign
    is piecewise constant, so its derivative is 0; d log |det A| = tr(A^-1 dA).
    Complex A (PyTorch's rules): with t = tr(A^-1 dA), d log|det| = Re t and
    d sign = i sign Im t, so gA = (g_lad + i Im(g_sign conj(sign))) A^-H."""
    complex = OWN
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("A", "out")

    @staticmethod
    def forward(A):
        sign, lad = np.linalg.slogdet(A)
        return np.stack([sign, _nan_where_nan(A, lad)], axis=-1)

    @staticmethod
    def vjp(ctx, g):
        A = ctx.saved[0]
        g_lad = call(GetItem, g, index=(Ellipsis, 1))
        if np.iscomplexobj(_raw(A)):
            sign = call(GetItem, ctx.saved[1], index=(Ellipsis, 0))
            g_sign = call(GetItem, g, index=(Ellipsis, 0))
            c = call(Complex, call(Real, g_lad), call(Imag, g_sign * call(Conj, sign)))
            return (scalar_to_matrix(c) * mT(call(Conj, _slogdet_inv(A))),)
        return (scalar_to_matrix(g_lad) * mT(_slogdet_inv(A)),)

    @staticmethod
    def jvp(ctx, dA):
        A = ctx.saved[0]
        d = call(GetItem, ein("...ji,...ij->...", _slogdet_inv(A), dA), index=(Ellipsis, None))
        shape = np.shape(_raw(d))
        if np.iscomplexobj(_raw(d)):
            sign = call(GetItem, ctx.saved[1], index=(Ellipsis, slice(0, 1)))
            return call(Concatenate, call(Complex, 0.0, call(Imag, d)) * sign,
                        call(Complex, call(Real, d), 0.0), axis=len(shape) - 1, sizes=(1, 1))
        return call(Concatenate, np.zeros(shape, dtype=dtype_of(d)), d, axis=len(shape) - 1,
                    sizes=(1, 1))


# ------------------------------------------------------------------ pinv

@register
class Pinv(Op):
    """Moore-Penrose pseudo-inverse X of A (m, n), singular values below
    max(atol, rtol * s_max) dropped. The derivative holds where the rank is constant:
    dX = -X dA X + X X^T dA^T (I - A X) + (I - X A) dA^T X^T X. Complex A: the same
    with conjugate transposes (PyTorch's rule)."""
    complex = OWN
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("A", "out")

    @staticmethod
    def forward(A, *, atol, rtol, hermitian):
        if A.size == 0:
            return np.zeros(A.shape[:-2] + (A.shape[-1], A.shape[-2]), dtype=A.dtype)
        u, s, vh = np.linalg.svd(A, full_matrices=False)
        cut = np.maximum(atol, rtol * s[..., :1])
        inv_s = np.where(s > cut, 1.0 / np.where(s > cut, s, 1.0), 0.0).astype(A.dtype)
        if A.dtype.kind == "c":
            vh, u = vh.conj(), u.conj()
        return np.swapaxes(vh, -1, -2) @ (inv_s[..., :, None] * np.swapaxes(u, -1, -2))

    @staticmethod
    def vjp(ctx, g):
        A, x = ctx.saved
        m, n = np.shape(_raw(A))[-2:]
        dt = dtype_of(A, g)
        pa = np.eye(m, dtype=dt) - mm(A, x)          # I - A X  (m, m)
        px = np.eye(n, dtype=dt) - mm(x, A)          # I - X A  (n, n)
        xt = _mH(x)
        gt = _mH(g)
        return (-mm(mm(xt, g), xt) + mm(mm(pa, gt), mm(x, xt)) + mm(mm(xt, x), mm(gt, px)),)

    @staticmethod
    def jvp(ctx, dA):
        A, x = ctx.saved
        m, n = np.shape(_raw(A))[-2:]
        dt = dtype_of(A, dA)
        pa = np.eye(m, dtype=dt) - mm(A, x)
        px = np.eye(n, dtype=dt) - mm(x, A)
        dat = _mH(dA)
        xt = _mH(x)
        return (-mm(mm(x, dA), x) + mm(mm(x, xt), mm(dat, pa)) + mm(mm(px, dat), mm(xt, x)))


# ------------------------------------------------------------------ matrix_exp

@register
class MatrixExp(Op):
    """exp(A) of square matrices (scipy.linalg.expm, Pade with scaling and squaring).
    The Frechet derivative L(A, E) is the top-right block of exp([[A, E], [0, A]]), so
    both rules are MatrixExp again: dX = L(A, dA), gA = L(A^T, g)."""
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("A",)

    @staticmethod
    def forward(A):
        import scipy.linalg         # optional dependency, needed only here
        if A.shape[-1] == 0:
            return np.zeros_like(A)
        return np.asarray(scipy.linalg.expm(A), dtype=A.dtype)

    @staticmethod
    def vjp(ctx, g):
        (A,) = ctx.saved
        return (_frechet(mT(A), g),)

    @staticmethod
    def jvp(ctx, dA):
        (A,) = ctx.saved
        return _frechet(A, dA)


def _frechet(A, E):
    """L(A, E) by the block-triangular identity (A broadcast to E's batch shape)."""
    shape = np.broadcast_shapes(np.shape(_raw(A)), np.shape(_raw(E)))
    if np.shape(_raw(A)) != shape:
        A = call(BroadcastTo, A, shape=shape)
    if np.shape(_raw(E)) != shape:
        E = call(BroadcastTo, E, shape=shape)
    n = shape[-1]
    nd = len(shape)
    zero = np.zeros(shape, dtype=dtype_of(A, E))
    top = call(Concatenate, A, E, axis=nd - 1, sizes=(n, n))
    bottom = call(Concatenate, zero, A, axis=nd - 1, sizes=(n, n))
    big = call(Concatenate, top, bottom, axis=nd - 2, sizes=(n, n))
    return call(GetItem, call(MatrixExp, big), index=(Ellipsis, slice(0, n), slice(n, None)))


# ------------------------------------------------------------------ sylvester, sqrtm

@register
class SolveSylvester(Op):
    """X with A X + X B = Q (scipy.linalg.solve_sylvester; batch axes broadcast). The
    map X -> A X + X B is linear, so both rules solve another Sylvester equation:
    dX = S(A, B; dQ - dA X - X dB); with G = S(A^T, B^T; g): gQ = G, gA = -G X^T,
    gB = -X^T G. Holomorphic: complex inputs take these rules (ops/complex.py)."""
    batching = "aware"
    core = (2, 2, 2)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A", "B", "Q")
    saves = ("A", "B", "out")

    @staticmethod
    def forward(A, B, Q):
        import scipy.linalg         # optional dependency, needed only here
        shape = np.broadcast_shapes(A.shape[:-2], B.shape[:-2], Q.shape[:-2])
        dt = np.result_type(A, B, Q)
        a = np.broadcast_to(A, shape + A.shape[-2:]).reshape((-1,) + A.shape[-2:])
        b = np.broadcast_to(B, shape + B.shape[-2:]).reshape((-1,) + B.shape[-2:])
        q = np.broadcast_to(Q, shape + Q.shape[-2:]).reshape((-1,) + Q.shape[-2:])
        out = np.empty(q.shape, dtype=dt)
        for i in range(q.shape[0]):
            out[i] = scipy.linalg.solve_sylvester(a[i], b[i], q[i])
        return out.reshape(shape + Q.shape[-2:])

    @staticmethod
    def vjp(ctx, g):
        A, B, x = ctx.saved
        G = call(SolveSylvester, mT(A), mT(B), g)
        need = ctx.needs_grad
        return (-mm(G, mT(x)) if need[0] else None, -mm(mT(x), G) if need[1] else None,
                G if need[2] else None)

    @staticmethod
    def jvp(ctx, dA, dB, dQ):
        A, B, x = ctx.saved
        dA, dB, dQ = lift(ctx, dA, 0), lift(ctx, dB, 1), lift(ctx, dQ, 2)
        rhs = tangent_sum(dQ, None if dA is None else -mm(dA, x),
                          None if dB is None else -mm(x, dB))
        return call(SolveSylvester, A, B, rhs)


@register
class Sqrtm(Op):
    """The principal square root X of A (X X = A; scipy.linalg.sqrtm). X dX + dX X = dA,
    so dX = S(X, X; dA) and gA = S(X^T, X^T; g) with S the Sylvester solve; both are
    holomorphic, so complex A takes them as written (ops/complex.py). A real A whose
    root is not real (a negative eigenvalue) gets the complex root, as SciPy, and the
    real part of the gradient."""
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("out",)

    @staticmethod
    def forward(A):
        import scipy.linalg         # optional dependency, needed only here
        if A.shape[-1] == 0:
            return np.zeros_like(A)
        if A.ndim > 2:          # one matrix at a time: SciPy before 1.16 takes no batch
            flat = [np.asarray(scipy.linalg.sqrtm(a)) for a in A.reshape((-1,) + A.shape[-2:])]
            x = np.stack(flat).reshape(A.shape)
        else:
            x = np.asarray(scipy.linalg.sqrtm(A))
        if A.dtype.kind != "c" and not np.any(x.imag):
            return np.asarray(x.real, dtype=A.dtype)
        return x.astype(np.result_type(A.dtype, np.complex64), copy=False)

    @staticmethod
    def vjp(ctx, g):
        (x,) = ctx.saved
        return (call(SolveSylvester, mT(x), mT(x), g),)

    @staticmethod
    def jvp(ctx, dA):
        (x,) = ctx.saved
        return call(SolveSylvester, x, x, dA)


__all__ = ["LinAlgError", "IllConditionedWarning", "Inv", "Solve", "SolveTriangular",
           "TriMatMul", "Det",
           "Slogdet", "Pinv", "MatrixExp", "SolveSylvester", "Sqrtm"]
