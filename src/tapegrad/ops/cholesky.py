"""Cholesky factorization and its reverse rule.

The VJP gA = sym(L^-T Phi(L^T gL) L^-1) is a function of (L, gL) of its own, the op
CholeskyVjp: its forward computes it by the blocked algorithm of Murray (2016,
"Differentiation of the Cholesky decomposition"), walking the blocks of L from the last
to the first with level-3 BLAS, about n^3 flops (the formula as written costs 3 n^3: a
triangular product and two triangular solves of n x n matrices). Its own rules come
from the formula, written with tapegrad ops, so second derivatives record as usual."""
import functools

import numpy as np

from ._apply import call
from ._op import OWN, Op, register, tangent_sum
from .linalg import _raw
from .shape import Concatenate
from .solve import (TriMatMul, _blas, _tri_blas, dtype_of, _herm, lift, linalg_error, _mH,
                    mm, mT, solve_tri, sym, tri_mask)

_BLOCK = 128            # rows per block of the reverse sweep (fastest at n = 500)


def _leading_minor(A):
    """(batch index, 1-based order) of the first leading minor that is not positive
    definite, over the matrices of A in C order."""
    a = np.asarray(A, dtype=np.result_type(A, np.float64)).reshape((-1,) + A.shape[-2:])
    n = A.shape[-1]
    for b, m in enumerate(a):
        for k in range(1, n + 1):
            try:
                np.linalg.cholesky(m[:k, :k])
            except np.linalg.LinAlgError:
                return np.unravel_index(b, A.shape[:-2]) if A.ndim > 2 else None, k
    return None, n


@register
class Cholesky(Op):
    """Lower Cholesky factor L of a symmetric positive-definite A (the lower triangle of
    A is read). Derivatives are those along symmetric perturbations (PyTorch's
    convention): dL = L Phi(L^-1 sym(dA) L^-T), gA = sym(L^-T Phi(L^T gL) L^-1) (the op
    CholeskyVjp), Phi the lower triangle with the diagonal halved.

    Not positive definite: LinAlgError naming the order k of the first leading minor
    (the top-left k x k block) that is not, and for a batch the index of the first
    matrix that fails, so the caller can see which jitter or hyperparameter to fix.

    Complex Hermitian A (PyTorch's rules): the same formulas with conjugate transposes
    and the Hermitian part for sym, gA = _herm(L^-H Phi(L^H gL) L^-1), written with
    tapegrad ops (CholeskyVjp's blocked sweep is for real matrices); L's diagonal is
    real, so there is no free phase."""
    complex = OWN
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("out",)

    @staticmethod
    def forward(A):
        try:
            if _blas("trmm", A, A) is not None:     # SciPy there: LAPACK potrf directly
                import scipy.linalg     # optional; NumPy's path costs 1.7x at n = 500
                return scipy.linalg.cholesky(A, lower=True, check_finite=False)
            return np.linalg.cholesky(A)
        except np.linalg.LinAlgError:
            where, k = _leading_minor(A)
            at = "" if where is None else f" at batch index {tuple(int(i) for i in where)}"
            raise linalg_error("cholesky", f"the factorization could not be completed "
                               f"because the input of shape {A.shape} is not positive-"
                               f"definite{at} (the leading minor of order {k} is not "
                               "positive-definite)") from None

    @staticmethod
    def vjp(ctx, g):
        (L,) = ctx.saved
        if np.iscomplexobj(_raw(L)):
            return (_vjp_complex(L, g),)
        return (call(CholeskyVjp, L, g),)

    @staticmethod
    def jvp(ctx, dA):
        (L,) = ctx.saved
        n = np.shape(_raw(L))[-1]
        y = solve_tri(L, _herm(dA), upper=False)             # L^-1 dA
        z = _mH(solve_tri(L, _mH(y), upper=False))            # L^-1 dA L^-H
        return mm(L, z * _phi_mask(n, dtype_of(L, dA)))


@functools.lru_cache(maxsize=16)
def _phi_mask(n, dtype):
    mask = np.tril(np.ones((n, n), dtype=dtype), -1) + 0.5 * np.eye(n, dtype=dtype)
    mask.flags.writeable = False
    return mask


def _vjp_complex(L, G):
    """herm(L^-H Phi(L^H G) L^-1) for complex L, as tapegrad ops."""
    n = np.shape(_raw(L))[-1]
    dt = dtype_of(L, G)
    P = mm(_mH(L), G * tri_mask(n, False, False, dt)) * _phi_mask(n, dt)
    W = solve_tri(_mH(L), P, upper=True)                         # L^-H P
    return _herm(_mH(solve_tri(_mH(L), _mH(W), upper=True)))        # L^-H P L^-1


def _inner(L, G):
    """S = L^-T Phi(L^T G) L^-1 as tapegrad ops (only the lower triangles are read)."""
    n = np.shape(_raw(L))[-1]
    P = call(TriMatMul, mT(L), G * tri_mask(n, False, False, dtype_of(L, G)), upper=True)
    P = P * _phi_mask(n, dtype_of(L, G))
    W = solve_tri(mT(L), P, upper=True)                         # L^-T P
    return mT(solve_tri(mT(L), mT(W), upper=True))              # L^-T P L^-1


@register
class CholeskyVjp(Op):
    """f(L, G) = sym(L^-T Phi(L^T G) L^-1): the gradient of A for a cotangent G of its
    Cholesky factor L. Reads the lower triangles of L and G only. Forward by the blocked
    reverse sweep (single float matrices with SciPy) or the formula (batches). Rules,
    with S = L^-T Phi(L^T G) L^-1 and Hs = sym(H), W = Phi(L^-1 Hs L^-T):
    df = sym(-L^-T dL^T S - S dL L^-1 + L^-T Phi(dL^T G + L^T dG) L^-1),
    gG = L W, gL = tril(G W^T - 2 f Hs L^-T)."""
    batching = "aware"
    core = (2, 2)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("L", "G")
    saves = ("L", "G", "out")

    @staticmethod
    def forward(L, G):
        if _blas("trsm", L, G) is not None and L.shape[-1] > _BLOCK:
            return _blocked(L, G)
        return _dense(L, G)

    @staticmethod
    def vjp(ctx, h):
        L, G, f = ctx.saved
        n = np.shape(_raw(L))[-1]
        dt = dtype_of(L, h)
        hs = sym(h)
        Y = solve_tri(L, hs, upper=False)                           # L^-1 Hs
        W = mT(solve_tri(L, mT(Y), upper=False)) * _phi_mask(n, dt)  # Phi(L^-1 Hs L^-T)
        low = tri_mask(n, False, False, dt)
        gL = gG = None
        if ctx.needs_grad[0]:
            fh = mm(f, hs) * 2.0
            gL = (mm(G * low, mT(W)) - mT(solve_tri(L, mT(fh), upper=False))) * low
        if ctx.needs_grad[1]:
            gG = call(TriMatMul, L, W, upper=False)
        return gL, gG

    @staticmethod
    def jvp(ctx, dL, dG):
        L, G, _ = ctx.saved
        dL, dG = lift(ctx, dL, 0), lift(ctx, dG, 1)
        out = None
        if dL is not None:
            n = np.shape(_raw(L))[-1]
            dt = dtype_of(L, dL)
            dL = dL * tri_mask(n, False, False, dt)
            S = _inner(L, G)
            a = solve_tri(mT(L), mm(mT(dL), S), upper=True)            # L^-T dL^T S
            b = mT(solve_tri(mT(L), mT(mm(S, dL)), upper=True))        # S dL L^-1
            P = mm(mT(dL), G * tri_mask(n, False, False, dt)) * _phi_mask(n, dt)
            c = mT(solve_tri(mT(L), mT(solve_tri(mT(L), P, upper=True)), upper=True))
            out = sym(c - a - b)
        if dG is not None:
            out = tangent_sum(out, call(CholeskyVjp, L, dG))
        return out


def _dense(L, G):
    """The formula in NumPy, batched: two triangular solves by LU (small or batched)."""
    n = L.shape[-1]
    if n == 0:
        return np.zeros(np.broadcast_shapes(L.shape, G.shape), dtype=np.result_type(L, G))
    Lt = np.swapaxes(np.tril(L), -1, -2)
    P = np.matmul(Lt, np.tril(G)) * _phi_mask(n, np.result_type(L, G))
    W = np.linalg.solve(Lt, P)                                          # L^-T P
    S = np.swapaxes(np.linalg.solve(Lt, np.swapaxes(W, -1, -2)), -1, -2)  # W L^-1
    return (S + np.swapaxes(S, -1, -2)) * 0.5


def _tril(a):
    """np.tril of a square float matrix by a cached mask (np.tril builds its mask anew
    with an outer comparison on every call)."""
    return a * tri_mask(a.shape[-1], False, False, a.dtype)


def _dense_blas(trsm, L, G):
    """_dense for one float matrix by BLAS: a triangular product and two trsm."""
    Lt = _tril(L).T
    P = (Lt @ _tril(G)) * _phi_mask(L.shape[-1], G.dtype)
    W = _tri_blas(trsm, Lt, P, True, False)                     # L^-T P
    S = _tri_blas(trsm, Lt, np.ascontiguousarray(W.T), True, False).T   # W L^-1
    return (S + S.T) * 0.5


def _blocked(L, G):
    """The reverse sweep over blocks of rows r = [j, e), last block first. With
    L = [[L11, 0], [L21, L22]] (L22 the block r): L22 = chol(A22 - L21 L21^T) and
    L21 = A21 L11^-T, so with M = f(L22, G22) (the formula on the small block):
    gA22 = M, G21 <- G21 - 2 M L21, gA21 = G21 L11^-1 / 2 (symmetric split), and
    G11 <- G11 - (G21 L11^-1)^T L21 before the sweep moves on to L11."""
    trsm = _blas("trsm", L, G)
    n = L.shape[-1]
    Lc = np.ascontiguousarray(L)
    W = _tril(G)                # the running cotangent of L (only its lower part is read)
    out = np.empty(W.shape, dtype=W.dtype)
    for j in range((n - 1) // _BLOCK * _BLOCK, -1, -_BLOCK):
        e = min(j + _BLOCK, n)
        M = _dense_blas(trsm, Lc[j:e, j:e], W[j:e, j:e])
        out[j:e, j:e] = M
        if j == 0:
            break
        L21 = Lc[j:e, :j]
        B = W[j:e, :j] - 2.0 * (M @ L21)
        # X = B L11^-1 as (L11^-T B^T)^T: L11^T is the Fortran view of the C-ordered block
        X = trsm(1.0, Lc[:j, :j].T, B.T, side=0, lower=0).T
        out[j:e, :j] = X * 0.5
        out[:j, j:e] = X.T * 0.5
        W[:j, :j] -= X.T @ L21
    return out


@register
class CholeskySolve(Op):
    """X = A^-1 B for A = L L^T, from the lower Cholesky factor L (its upper triangle is
    never read and gets gradient 0); B holds k columns (..., n, k). One op rather than two
    triangular solves, so that the rules take the k-column products:
    gB = A^-1 g, gL = -tril(gB (L^T X)^T + X (L^T gB)^T);
    dX = A^-1 (dB - dL (L^T X) - L (dL^T X)). Complex L (A = L L^H, PyTorch's rules):
    the same with every transpose a conjugate transpose."""
    complex = OWN
    batching = "aware"
    core = (2, 2)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("B", "L")
    saves = ("L", "out")

    @staticmethod
    def forward(B, L):
        if L.size and not np.all(np.diagonal(L, axis1=-2, axis2=-1)):
            raise linalg_error("cholesky_solve", f"L of shape {L.shape} has a zero on its "
                               "diagonal (it is not the factor of a positive-definite "
                               "matrix); the solve could not be completed")
        if _blas("trsm", L, B) is not None:
            import scipy.linalg         # optional: LAPACK potrs, both solves in one call
            return scipy.linalg.cho_solve((L, True), B, check_finite=False)
        Lt = np.tril(L)
        Y = np.linalg.solve(Lt, B)
        return np.linalg.solve(np.swapaxes(Lt, -1, -2).conj(), Y)

    @staticmethod
    def vjp(ctx, g):
        L, X = ctx.saved
        gB = call(CholeskySolve, g, L)
        gL = None
        if ctx.needs_grad[1]:
            n = np.shape(_raw(L))[-1]
            LtX = call(TriMatMul, _mH(L), X, upper=True)           # L^H X   (n, k)
            LtG = call(TriMatMul, _mH(L), gB, upper=True)
            shape = np.shape(_raw(X))
            if np.shape(_raw(gB)) == shape:
                # [-gB, -X] [L^H X, L^H gB]^H: one product of inner size 2k, one n x n pass
                nd, k = len(shape), shape[-1]
                left = call(Concatenate, -gB, -X, axis=nd - 1, sizes=(k, k))
                right = call(Concatenate, LtX, LtG, axis=nd - 1, sizes=(k, k))
                gL = mm(left, _mH(right))
            else:                       # a batch of cotangents (jacrev): shapes differ
                gL = -(mm(gB, _mH(LtX)) + mm(X, _mH(LtG)))
            gL = gL * tri_mask(n, False, False, dtype_of(L, g))
        return gB if ctx.needs_grad[0] else None, gL

    @staticmethod
    def jvp(ctx, dB, dL):
        L, X = ctx.saved
        dB, dL = lift(ctx, dB, 0), lift(ctx, dL, 1)
        rhs = dB
        if dL is not None:
            n = np.shape(_raw(L))[-1]
            dL = dL * tri_mask(n, False, False, dtype_of(L, dL))
            dAX = mm(dL, call(TriMatMul, _mH(L), X, upper=True)) + \
                call(TriMatMul, L, mm(_mH(dL), X), upper=False)
            rhs = tangent_sum(rhs, -dAX)
        return call(CholeskySolve, rhs, L)


__all__ = ["Cholesky", "CholeskyVjp", "CholeskySolve"]
