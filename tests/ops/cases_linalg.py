"""Case rows for tg.linalg (ops/solve.py, ops/decomp.py, ops/linalg_fns.py).

Inputs are drawn well conditioned: square matrices near 2 I, symmetric matrices with
eigenvalues at least 0.5 apart, matrices with singular values at least 0.5 apart. Rows of
functions that read only one triangle (cholesky, eigh) differentiate them at a symmetric
argument built inside the row (a a^T + 3 I, a + a^T), as PyTorch's own tests do, so every
perturbation is symmetric. Rows of eigenvectors and singular vectors return quantities
that do not depend on their signs."""
import numpy as np

import tapegrad as tg
from tapegrad.ops._apply import apply
from tapegrad.ops.cholesky import CholeskyVjp
from tapegrad.ops.solve import TriMatMul

from ._case import OpCase


# ------------------------------------------------------------------ samplers

def _square(rng, shape):
    n = shape[-1]
    return 0.4 * rng.standard_normal(shape) + 2.0 * np.eye(n)


def _spaced_sv(rng, shape):
    """A (m, n) with singular values 3, 2.5, 2, ... (0.5 apart)."""
    m, n = shape[-2:]
    k = min(m, n)
    batch = shape[:-2]
    u = np.linalg.qr(rng.standard_normal(batch + (m, k)))[0]
    v = np.linalg.qr(rng.standard_normal(batch + (n, k)))[0]
    s = 3.0 - 0.5 * np.arange(k)
    return (u * s) @ np.swapaxes(v, -1, -2)


def square_first(rng, shapes):
    """The first input well conditioned and square, the others standard normal."""
    return [_square(rng, shapes[0])] + [rng.standard_normal(s) for s in shapes[1:]]


def spaced_sv(rng, shapes):
    return [_spaced_sv(rng, s) for s in shapes]


def half_spaced_sym(rng, shapes):
    """a with a + a^T having eigenvalues -2, -1.25, -0.5, ... (0.75 apart)."""
    out = []
    for shape in shapes:
        n = shape[-1]
        q = np.linalg.qr(rng.standard_normal(shape))[0]
        w = -2.0 + 0.75 * np.arange(n)
        out.append(0.5 * (q * w) @ np.swapaxes(q, -1, -2))
    return out


def _mT(x):
    return tg.swapaxes(x, -1, -2)


def _spd(a):
    n = a.shape[-1]
    return a @ _mT(a) + 3.0 * tg.eye(n, dtype=a.dtype)


def _t_spd(T, a):
    return a @ a.mT + 3.0 * T.eye(a.shape[-1], dtype=a.dtype)


def _weights(k, dtype=np.float64):
    return np.arange(1.0, k + 1.0).astype(dtype)


def _t_cholesky_vjp(T, L, G):
    """sym(L^-T Phi(L^T G) L^-1) in torch, from the lower triangles of L and G."""
    L, G = T.tril(L), T.tril(G)
    n = L.shape[-1]
    phi = T.tril(T.ones(n, n, dtype=L.dtype), -1) + 0.5 * T.eye(n, dtype=L.dtype)
    P = (L.mT @ G) * phi
    W = T.linalg.solve_triangular(L.mT, P, upper=True)
    S = T.linalg.solve_triangular(L.mT, W.mT, upper=True).mT
    return (S + S.mT) / 2


# ------------------------------------------------------------------ gauge-free outputs

def _eigh_rows(a):
    w, v = tg.linalg.eigh(a + _mT(a))
    return w, v * v[..., :1, :]            # each column times its first entry: sign-free


def _t_eigh_rows(T, a):
    w, v = T.linalg.eigh(a + a.mT)
    return w, v * v[..., :1, :]


def _svd_rows(a, full_matrices=False):
    u, s, vh = tg.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    c = _weights(k, s.dtype)
    return s, (u[..., :k] * c) @ _mT(u[..., :k]), (_mT(vh[..., :k, :]) * c) @ vh[..., :k, :]


def _t_svd_rows(T, a, full_matrices=False):
    u, s, vh = T.linalg.svd(a, full_matrices=full_matrices)
    k = s.shape[-1]
    c = T.arange(1.0, k + 1.0, dtype=s.dtype)
    return s, (u[..., :k] * c) @ u[..., :k].mT, (vh[..., :k, :].mT * c) @ vh[..., :k, :]


# ------------------------------------------------------------------ rows

L = tg.linalg

ROWS = [
    OpCase(L.inv, [(3, 3)], sample=square_first, torch=lambda T, a: T.linalg.inv(a)),
    OpCase(L.inv, [(2, 3, 3)], sample=square_first, name="inv_batched",
           torch=lambda T, a: T.linalg.inv(a)),
    OpCase(L.solve, [(3, 3), (3,)], sample=square_first,
           torch=lambda T, a, b: T.linalg.solve(a, b)),
    OpCase(L.solve, [(2, 3, 3), (3, 2)], sample=square_first, name="solve_batched",
           torch=lambda T, a, b: T.linalg.solve(a, b)),
    OpCase(L.solve, [(3, 3), (2, 3)], dict(left=False), sample=square_first,
           name="solve_right", torch=lambda T, a, b, left: T.linalg.solve(a, b, left=left)),
    OpCase(L.solve_triangular, [(3, 3), (3, 2)], dict(upper=True), sample=square_first,
           torch=lambda T, a, b, upper: T.linalg.solve_triangular(a, b, upper=upper)),
    OpCase(L.solve_triangular, [(2, 3, 3), (2, 3)],
           dict(upper=False, left=False, unitriangular=True), sample=square_first,
           name="solve_triangular_right_unit",
           torch=lambda T, a, b, **kw: T.linalg.solve_triangular(a, b, **kw)),
    OpCase(L.det, [(3, 3)], sample=square_first, torch=lambda T, a: T.linalg.det(a)),
    OpCase(L.det, [(2, 2, 2)], sample=square_first, name="det_batched",
           torch=lambda T, a: T.linalg.det(a)),
    OpCase(lambda a: L.slogdet(a).logabsdet, [(2, 3, 3)], name="slogdet",
           sample=lambda rng, s: [-_square(rng, s[0])],
           torch=lambda T, a: T.linalg.slogdet(a).logabsdet),
    OpCase(lambda a: L.logdet(_spd(a)), [(3, 3)], name="logdet",
           torch=lambda T, a: T.logdet(_t_spd(T, a))),
    OpCase(lambda a: L.cholesky(_spd(a)), [(3, 3)], name="cholesky",
           torch=lambda T, a: T.linalg.cholesky(_t_spd(T, a))),
    OpCase(lambda a: L.cholesky(_spd(a), upper=True), [(2, 3, 3)], name="cholesky_upper",
           torch=lambda T, a: T.linalg.cholesky(_t_spd(T, a), upper=True)),
    OpCase(L.cholesky_solve, [(3, 2), (3, 3)], name="cholesky_solve",
           sample=lambda rng, s: [rng.standard_normal(s[0]), _square(rng, s[1])],
           torch=lambda T, b, l: T.cholesky_solve(b, T.tril(l))),
    OpCase(L.cholesky_solve, [(2, 3, 1), (3, 3)], dict(upper=True),
           name="cholesky_solve_upper_batched",
           sample=lambda rng, s: [rng.standard_normal(s[0]), _square(rng, s[1])],
           torch=lambda T, b, l, upper: T.cholesky_solve(b, T.triu(l), upper=True)),
    OpCase(lambda a, b: apply(TriMatMul, a, b, upper=False), [(3, 3), (3, 2)],
           name="tri_matmul", torch=lambda T, a, b: T.tril(a) @ b),
    OpCase(lambda a, b: apply(TriMatMul, a, b, upper=True), [(2, 3, 3), (3, 2)],
           name="tri_matmul_upper_batched", torch=lambda T, a, b: T.triu(a) @ b),
    OpCase(lambda l, g: apply(CholeskyVjp, l, g), [(3, 3), (3, 3)], sample=square_first,
           name="cholesky_vjp", torch=_t_cholesky_vjp),
    OpCase(lambda l, g: apply(CholeskyVjp, l, g), [(3, 3), (2, 3, 3)], sample=square_first,
           name="cholesky_vjp_batched", torch=_t_cholesky_vjp),
    OpCase(_eigh_rows, [(3, 3)], sample=half_spaced_sym, name="eigh",
           torch=_t_eigh_rows),
    OpCase(_eigh_rows, [(2, 3, 3)], sample=half_spaced_sym, name="eigh_batched",
           torch=_t_eigh_rows),
    OpCase(lambda a: L.eigvalsh(a + _mT(a)), [(3, 3)], sample=half_spaced_sym,
           name="eigvalsh", torch=lambda T, a: T.linalg.eigvalsh(a + a.mT)),
    OpCase(_svd_rows, [(4, 3)], sample=spaced_sv, name="svd_tall", torch=_t_svd_rows),
    OpCase(_svd_rows, [(2, 3, 4)], sample=spaced_sv, name="svd_wide_batched",
           torch=_t_svd_rows),
    OpCase(_svd_rows, [(3, 3)], dict(full_matrices=True), sample=spaced_sv,
           name="svd_square_full", torch=_t_svd_rows),
    OpCase(L.qr, [(4, 3)], sample=spaced_sv, torch=lambda T, a: T.linalg.qr(a)),
    OpCase(L.qr, [(2, 3, 3)], sample=square_first, name="qr_batched",
           torch=lambda T, a: T.linalg.qr(a)),
    OpCase(L.pinv, [(4, 3)], sample=spaced_sv, torch=lambda T, a: T.linalg.pinv(a)),
    OpCase(L.pinv, [(2, 3)], sample=spaced_sv, name="pinv_wide",
           torch=lambda T, a: T.linalg.pinv(a)),
    OpCase(lambda a, b: L.lstsq(a, b).solution, [(4, 3), (4, 2)], name="lstsq",
           sample=lambda rng, s: [_spaced_sv(rng, s[0]), rng.standard_normal(s[1])],
           torch=lambda T, a, b: T.linalg.lstsq(a, b).solution),
    OpCase(L.matrix_power, [(3, 3)], dict(n=3), low=-0.8, high=0.8,
           torch=lambda T, a, n: T.linalg.matrix_power(a, n)),
    OpCase(L.matrix_power, [(2, 2, 2)], dict(n=-2), sample=square_first,
           name="matrix_power_negative", torch=lambda T, a, n: T.linalg.matrix_power(a, n)),
    OpCase(L.matrix_exp, [(3, 3)], low=-1.0, high=1.0,
           torch=lambda T, a: T.linalg.matrix_exp(a)),
    OpCase(L.matrix_exp, [(2, 2, 2)], low=-1.0, high=1.0, name="matrix_exp_batched",
           torch=lambda T, a: T.linalg.matrix_exp(a)),
    OpCase(L.cond, [(3, 3)], sample=spaced_sv, torch=lambda T, a: T.linalg.cond(a)),
    # torch.linalg.cond(a, 'fro') fails in its own backward (an in-place write), so the
    # reference spells it out
    OpCase(L.cond, [(3, 3)], dict(p="fro"), sample=square_first, name="cond_fro",
           torch=lambda T, a, p: T.linalg.matrix_norm(a, p) *
           T.linalg.matrix_norm(T.linalg.inv(a), p)),
    OpCase(lambda a, b, c, d: L.multi_dot([a, b, c, d]), [(3,), (3, 4), (4, 2), (2,)],
           name="multi_dot_vectors",
           torch=lambda T, a, b, c, d: T.linalg.multi_dot([a, b, c, d])),
    OpCase(lambda a, b, c: L.multi_dot([a, b, c]), [(2, 3), (3, 4), (4, 2)],
           name="multi_dot", torch=lambda T, a, b, c: T.linalg.multi_dot([a, b, c])),
    # torch.linalg.cross wants operands of equal ndim; tapegrad broadcasts as NumPy
    OpCase(L.cross, [(2, 3), (3,)], torch=lambda T, a, b: T.linalg.cross(a, b.expand_as(a))),
    OpCase(L.cross, [(3, 2), (3, 1)], dict(dim=0), name="cross_dim0",
           torch=lambda T, a, b, dim: T.linalg.cross(a, b, dim=dim)),
]


def real_spectrum(rng, shapes):
    """A = P diag(w) P^-1 with eigenvalues 0.5 apart and P near 2 I."""
    out = []
    for shape in shapes:
        n = shape[-1]
        p = _square(rng, shape)
        w = 1.0 + 0.5 * rng.permutation(n)
        out.append((p * w) @ np.linalg.inv(p))
    return out


def _eig_rows(a):
    # complex results as real parts; v_ij conj(v_0j) and |v| do not see the phases
    w, v = tg.linalg.eig(a)
    return tg.view_as_real(w), tg.view_as_real(v * tg.conj(v[..., :1, :])), tg.abs(v)


def _t_eig_rows(T, a):
    w, v = T.linalg.eig(a)
    return T.view_as_real(w), T.view_as_real(v * v[..., :1, :].conj()), v.abs()


def complex_spectrum(rng, shapes):
    """Real A with a complex pair: rotation blocks scaled apart, near 2 I."""
    out = []
    for shape in shapes:
        n = shape[-1]
        p = _square(rng, shape)
        d = np.zeros(shape)
        d[..., 0, 0] = d[..., 1, 1] = 1.5
        d[..., 0, 1], d[..., 1, 0] = 0.8, -0.8
        for i in range(2, n):
            d[..., i, i] = 0.5 * i - 0.3
        out.append(p @ d @ np.linalg.inv(p))
    return out


ROWS += [
    OpCase(_eig_rows, [(3, 3)], sample=real_spectrum, name="eig", torch=_t_eig_rows),
    OpCase(_eig_rows, [(2, 3, 3)], sample=real_spectrum, name="eig_batched",
           torch=_t_eig_rows),
    OpCase(_eig_rows, [(3, 3)], sample=complex_spectrum, name="eig_complex_pair",
           torch=_t_eig_rows),
    OpCase(lambda a: tg.view_as_real(L.eigvals(a)), [(3, 3)], sample=complex_spectrum,
           name="eigvals", torch=lambda T, a: T.view_as_real(T.linalg.eigvals(a))),
    OpCase(L.det, [(3, 3)], name="det_singular",
           sample=lambda rng, s: [np.outer(rng.standard_normal(3), [1.0, 2.0, -1.0]) +
                                  np.outer(rng.standard_normal(3), [0.5, -1.0, 2.0])],
           torch=lambda T, a: T.linalg.det(a)),
]

ROWS += [
    OpCase(L.qr, [(3, 5)], sample=spaced_sv, name="qr_wide",
           torch=lambda T, a: T.linalg.qr(a)),
    OpCase(L.qr, [(3, 3)], dict(mode="complete"), sample=square_first, name="qr_complete",
           torch=lambda T, a, mode: T.linalg.qr(a, mode=mode)),
]

ROWS += [
    OpCase(L.vecdot, [(2, 3), (3,)], torch=lambda T, x, y: T.linalg.vecdot(x, y)),
]


def _t_sqrtm(T, a):
    """The square root of an SPD matrix by its eigendecomposition (torch has no sqrtm)."""
    w, v = T.linalg.eigh(_t_spd(T, a))
    return (v * w.sqrt()) @ v.mT


def _t_sylvester(T, a, b, q):
    """a X + X b = q as (I kron a + b^T kron I) vec(X) = vec(q), column-major vec."""
    m, n = a.shape[-1], b.shape[-1]
    k = T.kron(T.eye(n, dtype=a.dtype), a) + T.kron(b.mT.contiguous(), T.eye(m, dtype=a.dtype))
    x = T.linalg.solve(k, q.mT.contiguous().reshape(-1))
    return x.reshape(n, m).mT


ROWS += [
    OpCase(lambda a: L.sqrtm(_spd(a)), [(3, 3)], name="sqrtm", torch=_t_sqrtm),
    OpCase(L.solve_sylvester, [(3, 3), (2, 2), (3, 2)], sample=lambda rng, s: [
        _square(rng, s[0]), _square(rng, s[1]), rng.standard_normal(s[2])],
        torch=_t_sylvester),
]


# ------------------------------------------------------------------ complex input
# Real inputs (x, y) become Z = x + iy inside the row, and complex results leave as real
# parts (view_as_real): gradcheck along x and y is the complex gradcheck, and torch's
# complex rules are compared through the same real parameterization.

def _z(M, x, y, shift=2.0):
    """0.3 (x + iy) + shift I: well conditioned, its eigenvalues away from the cut of
    the square root and from each other (M is tg or torch)."""
    return M.complex(x, y) * 0.3 + M.eye(x.shape[-1], dtype=x.dtype) * shift


def _hpd(M, x, y):
    z = M.complex(x, y)
    return z @ M.conj(z).mT + 3.0 * M.eye(x.shape[-1], dtype=x.dtype)


def _t_sqrtm_eig(T, z):
    w, v = T.linalg.eig(z)
    return (v * w.sqrt()[..., None, :]) @ T.linalg.inv(v)


def _t_sylvester_c(T, a, b, q):
    m, n = a.shape[-1], b.shape[-1]
    k = T.kron(T.eye(n, dtype=a.dtype), a) + T.kron(b.mT.contiguous(), T.eye(m, dtype=a.dtype))
    return T.linalg.solve(k, q.mT.contiguous().reshape(-1)).reshape(n, m).mT


ROWS += [
    OpCase(lambda x, y: tg.view_as_real(L.logdet(_z(tg, x, y))), [(3, 3), (3, 3)],
           name="logdet_complex",
           torch=lambda T, x, y: T.view_as_real(T.logdet(_z(T, x, y)))),
    OpCase(lambda x, y: L.cond(_z(tg, x, y, 1.0)), [(3, 3), (3, 3)], name="cond_complex",
           torch=lambda T, x, y: T.linalg.cond(_z(T, x, y, 1.0))),
    OpCase(lambda x, y, p, q: tg.view_as_real(L.cholesky_solve(
        tg.complex(p, q), L.cholesky(_hpd(tg, x, y)))), [(3, 3), (3, 3), (3, 2), (3, 2)],
        name="cholesky_solve_complex",
        torch=lambda T, x, y, p, q: T.view_as_real(T.cholesky_solve(
            T.complex(p, q), T.linalg.cholesky(_hpd(T, x, y))))),
    OpCase(lambda x, y: tg.view_as_real(L.sqrtm(_z(tg, x, y))), [(3, 3), (3, 3)],
           name="sqrtm_complex",
           torch=lambda T, x, y: T.view_as_real(_t_sqrtm_eig(T, _z(T, x, y)))),
    OpCase(lambda x, y, q: tg.view_as_real(L.solve_sylvester(
        _z(tg, x, y), tg.conj(_z(tg, y, x)).mT, tg.complex(q, -q))), [(2, 2), (2, 2), (2, 2)],
        name="solve_sylvester_complex",
        torch=lambda T, x, y, q: T.view_as_real(_t_sylvester_c(
            T, _z(T, x, y), T.conj(_z(T, y, x)).mT, T.complex(q, -q)))),
    OpCase(lambda x, y: _eig_rows(_z(tg, x, y)), [(3, 3), (3, 3)],
           sample=lambda rng, s: [np.diag([-3.0, 0.0, 3.0]) + 0.3 * rng.standard_normal(s[0]),
                                  0.3 * rng.standard_normal(s[1])],
           name="eig_complex", torch=lambda T, x, y: _t_eig_rows(T, _z(T, x, y))),
    OpCase(lambda x, y: L.svdvals(tg.complex(x, y)), [(3, 2), (3, 2)], sample=lambda rng, s: [
        _spaced_sv(rng, s[0]), 0.3 * rng.standard_normal(s[1])], name="svdvals_complex",
        torch=lambda T, x, y: T.linalg.svdvals(T.complex(x, y))),
]
