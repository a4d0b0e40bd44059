"""Decompositions with several results: eigh, svd, qr. An op has one result, so each
decomposition op returns its factors packed side by side along one last axis
(U, S and Vh of each matrix flattened and concatenated); the public functions in
tapegrad.linalg slice them back out with GetItem and Reshape, whose rules carry the
cotangents of the factors back into one packed cotangent. The rules unpack it the same
way, and are written with tapegrad ops, so they record and differentiate again."""
import numpy as np

from .._tensor import Tensor, _share_version
from ._apply import call
from ._op import OWN, Op, register
from .complex_parts import Complex, Conj, Imag, Real
from .linalg import _raw
from .shape import Concatenate, GetItem, Reshape
from .solve import (Solve, break_ties, column, diag_embed, diag_part, dtype_of, _herm,
                    linalg_error, _mH, mm, mT, row, solve_tri, tie_tol, tri_mask)


# ------------------------------------------------------------------ packing

def _pack_np(parts, ndims):
    """ndarrays with the same batch shape -> one array (..., total)."""
    # the trailing size written out: -1 cannot be inferred for an empty batch
    flat = [p.reshape(p.shape[:p.ndim - k] + (int(np.prod(p.shape[p.ndim - k:])),))
            for p, k in zip(parts, ndims)]
    return np.concatenate(flat, axis=-1)


def pack(parts, shapes):
    """Tensors/ndarrays whose trailing shapes are `shapes` -> one (..., total)."""
    flat, sizes = [], []
    for p, s in zip(parts, shapes):
        full = np.shape(_raw(p))
        size = int(np.prod(s))
        flat.append(call(Reshape, p, shape=full[:len(full) - len(s)] + (size,)))
        sizes.append(size)
    nd = np.ndim(_raw(flat[0]))
    return call(Concatenate, *flat, axis=nd - 1, sizes=tuple(sizes))


def unpack(P, shapes):
    """The inverse of pack: the factors of a packed value (Tensor or ndarray)."""
    batch = np.shape(_raw(P))[:-1]
    out, start = [], 0
    for s in shapes:
        size = int(np.prod(s))
        piece = call(GetItem, P, index=(Ellipsis, slice(start, start + size)))
        if isinstance(P, Tensor):
            _share_version(P, piece)    # a view: a write into a factor bumps P's version
        out.append(call(Reshape, piece, shape=batch + tuple(s)))
        start += size
    return out


# ------------------------------------------------------------------ complex helpers
# Complex inputs take PyTorch's rules: the real formulas with every transpose a conjugate
# transpose, written here so the real path keeps its exact operations (_mH is mT there).

def _cx(v):
    return np.iscomplexobj(_raw(v))


def _real_part(v):
    """Re(v) kept in v's complex dtype (values that are real in exact arithmetic and
    are packed beside complex factors), v itself when real."""
    return call(Complex, call(Real, v), 0.0) if _cx(v) else v


def _im_diag(a):
    """i Im(diag(a)) of complex a, as (..., n)."""
    return call(Complex, 0.0, call(Imag, diag_part(a)))


# ------------------------------------------------------------------ eigh

def eigh_shapes(n):
    return [(n,), (n, n)]


@register
class Eigh(Op):
    """Eigenvalues (ascending) and eigenvectors of a symmetric matrix, packed as
    (w, V). Derivatives are along symmetric perturbations (PyTorch's convention):
    dw = diag(V^T dA V), dV = V (F o V^T dA V) with F_ij = 1 / (w_j - w_i).

    Degenerate eigenvalues (the decision; PyTorch and JAX return inf/NaN): the
    eigenvectors of a repeated eigenvalue are not unique and F has no finite value. A
    tie, |w_j - w_i| <= n eps max|w| (rounding leaves computed copies of one eigenvalue
    that far apart), gets F_ij = 0. This is the exact gradient for a loss that sees
    neither the basis inside a cluster of tied eigenvalues nor how the cluster would
    split: functions of the eigenvalues (sum, log det, sum f(w_i)), projectors onto
    whole clusters, V diag(c) V^T with c constant on each cluster. A loss that does see
    the split, V diag(h(w)) V^T with h' != 0 (rebuilding A from w and V is one), gets
    the gradient without the in-cluster coupling h'(w) (V^T G V)_ij, i != j: at an
    exact tie (w, V) do not determine it; write such a loss with A itself. A loss of
    single vectors of a cluster gets the gradient in the basis LAPACK returned, held
    fixed inside the cluster (finite, basis dependent).

    Complex Hermitian A (PyTorch's rules, transposes conjugated): w stays real (packed
    with zero imaginary parts); the phase of each eigenvector is free (the gauge), and
    the JVP fixes it by Im (V^H dV)_ii = 0, so the VJP drops Im diag(V^H gV): the exact
    gradient of a loss invariant to v_i -> v_i e^(i phi). PyTorch raises for a loss that
    is not; tapegrad returns the gradient with the phases held by that gauge."""
    complex = OWN
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("out",)

    @staticmethod
    def forward(A, *, UPLO):
        try:
            w, v = np.linalg.eigh(A, UPLO=UPLO)
        except np.linalg.LinAlgError:
            raise linalg_error("eigh", f"the algorithm failed to converge on the input of "
                               f"shape {A.shape}") from None
        return _pack_np([w, v], [1, 2])

    @staticmethod
    def vjp(ctx, g):
        n = ctx.in_shapes[0][-1]
        w, V = unpack(ctx.saved[0], eigh_shapes(n))
        w = _re(w)
        gw, gV = unpack(g, eigh_shapes(n))
        F = break_ties(row(w) - column(w), tie_tol(w))
        inner = diag_embed(_real_part(gw), dtype_of(w, g)) + F * mm(_mH(V), gV)
        return (_herm(mm(mm(V, inner), _mH(V))),)

    @staticmethod
    def jvp(ctx, dA):
        n = ctx.in_shapes[0][-1]
        w, V = unpack(ctx.saved[0], eigh_shapes(n))
        w = _re(w)
        K = mm(mm(_mH(V), _herm(dA)), V)
        F = break_ties(row(w) - column(w), tie_tol(w))
        return pack([_real_part(diag_part(K)), mm(V, F * K)], eigh_shapes(n))


def _re(w):
    """Eigen/singular values packed in a complex array, as the real values they are."""
    return call(Real, w) if _cx(w) else w


@register
class Eig(Op):
    """Eigenvalues and unit-norm eigenvectors of a general square matrix, complex as
    torch.linalg.eig returns them (for real input too, from LAPACK's real driver, so
    the order and phases are torch's), packed as (w, V). With K = V^-1 dA V and
    F_ij = 1 / (w_j - w_i): dw = diag(K), dV = W - V Re diag(V^H W) for W = V (F o K)
    (the second term keeps the columns at unit norm: PyTorch's rules). The VJP is their
    adjoint in the real inner product; a real input takes the real part of its
    gradient, as torch. Ties get F = 0, as in Eigh.

    The gauge (torch's decision, matched): each eigenvector's phase is free, so a loss
    that sees it has no gradient; the VJP raises RuntimeError when Im diag(V^H gV) is
    not within 1e-2 of zero, the check and tolerance torch.linalg.eig's backward uses."""
    complex = OWN
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("out",)

    @staticmethod
    def forward(A, *, real):
        # real: A is real (its gradient is the real part); a parameter, as the rules
        # see the saved complex result only
        try:
            w, v = np.linalg.eig(A)
        except np.linalg.LinAlgError:
            raise linalg_error("eig", f"the algorithm failed to converge on the input of "
                               f"shape {A.shape}") from None
        cdt = np.result_type(A.dtype, np.complex64)
        return _pack_np([w.astype(cdt, copy=False), v.astype(cdt, copy=False)], [1, 2])

    @staticmethod
    def vjp(ctx, g):
        n = ctx.in_shapes[0][-1]
        w, V = unpack(ctx.saved[0], eigh_shapes(n))
        gw, gV = unpack(g, eigh_shapes(n))
        VhgV = mm(_mH(V), gV)
        d = diag_part(VhgV)
        gauge = np.abs(np.imag(_raw(d)))
        if gauge.size and np.max(gauge) > 1e-2:
            raise RuntimeError(
                "linalg.eig backward: the eigenvectors are determined up to a phase "
                "e^(i phi) each, and the loss depends on those phases, so its gradient is "
                f"ill-defined (max |Im diag(V^H gV)| = {np.max(gauge):.3g}); use a loss "
                "that does not see them, such as |V| or V diag(c) V^-1")
        inner = VhgV - mm(_mH(V), V * row(call(Real, d)))
        F = break_ties(row(w) - column(w), tie_tol(w))
        inner = diag_embed(gw, dtype_of(w, g)) + call(Conj, F) * inner
        gA = call(Solve, _mH(V), mm(inner, _mH(V)))            # V^-H inner V^H
        return (call(Real, gA) if ctx.params["real"] else gA,)

    @staticmethod
    def jvp(ctx, dA):
        n = ctx.in_shapes[0][-1]
        w, V = unpack(ctx.saved[0], eigh_shapes(n))
        K = call(Solve, V, mm(dA, V))                           # V^-1 dA V
        F = break_ties(row(w) - column(w), tie_tol(w))
        W = mm(V, F * K)
        dV = W - V * row(call(Real, diag_part(mm(_mH(V), W))))
        return pack([diag_part(K), dV], eigh_shapes(n))


# ------------------------------------------------------------------ svd

def svd_shapes(m, n, full):
    k = min(m, n)
    if full:
        return [(m, m), (k,), (n, n)]
    return [(m, k), (k,), (k, n)]


@register
class Svd(Op):
    """A = U diag(S) Vh, packed as (U, S, Vh); singular values descending. Derivatives
    for full_matrices=False, or a square A: with dP = U^T dA V and
    F_ij = 1 / (s_j^2 - s_i^2), dS = diag(dP),
    dU = U (F o (dP S + S dP^T)) + (I - U U^T) dA V S^-1,
    dV = V (F o (S dP + dP^T S)) + (I - V V^T) dA^T U S^-1.
    A tie, |s_j - s_i| <= k eps max(s), gets F = 0 (the decision and what it means
    are Eigh's, with the singular values for the eigenvalues); a singular value below
    k eps max(s) of a non-square A counts as zero and gets 0 for 1 / s, as pinv drops
    it.

    Complex A (PyTorch's rules, transposes conjugated; dS = Re diag(dP)): u_i and v_i
    share a free phase (the gauge). The JVP fixes it by Im (V^H dV)_ii = 0, which puts
    i Im(dP_ii) / s_i on the diagonal of U^H dU; the VJP is its adjoint, adding
    i Im diag(U^H gU) / s. For a loss invariant to (u_i, v_i) -> e^(i phi) (u_i, v_i)
    this is the exact gradient (PyTorch's); PyTorch raises for one that is not, tapegrad
    returns the gradient with the phases held by that gauge."""
    complex = OWN
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("out",)

    @staticmethod
    def forward(A, *, full_matrices):
        try:
            u, s, vh = np.linalg.svd(A, full_matrices=full_matrices)
        except np.linalg.LinAlgError:
            raise linalg_error("svd", f"the algorithm failed to converge on the input of "
                               f"shape {A.shape}") from None
        return _pack_np([u, s, vh], [2, 1, 2])

    @staticmethod
    def vjp(ctx, g):
        m, n = ctx.in_shapes[0][-2:]
        U, S, V, inv_s, F = _svd_parts(ctx, m, n)
        gU, gS, gVh = unpack(g, svd_shapes(m, n, ctx.params["full_matrices"]))
        gV = _mH(gVh)
        utg = mm(_mH(U), gU)
        vtg = mm(_mH(V), gV)
        J = F * utg
        K = F * vtg
        Sr, Sc = row(S), column(S)
        M = J * Sr + _mH(J * Sc) + K * Sc + _mH(K * Sr) + diag_embed(_real_part(gS),
                                                                   dtype_of(S, g))
        if _cx(U):
            M = M + diag_embed(_im_diag(utg) * inv_s, dtype_of(U))     # the gauge term
        gA = mm(mm(U, M), _mH(V))
        if m > n:
            gA = gA + mm((gU - mm(U, utg)) * row(inv_s), _mH(V))
        elif n > m:
            gA = gA + mm(U, _mH((gV - mm(V, vtg)) * row(inv_s)))
        return (gA,)

    @staticmethod
    def jvp(ctx, dA):
        m, n = ctx.in_shapes[0][-2:]
        U, S, V, inv_s, F = _svd_parts(ctx, m, n)
        dP = mm(mm(_mH(U), dA), V)
        dPt = _mH(dP)
        Sr, Sc = row(S), column(S)
        dU = mm(U, F * (dP * Sr + Sc * dPt))
        dV = mm(V, F * (Sc * dP + dPt * Sr))
        if _cx(dP):
            dU = dU + U * row(_im_diag(dP) * inv_s)                    # the gauge term
        if m > n:
            dU = dU + (mm(dA, V) - mm(U, dP)) * row(inv_s)
        elif n > m:
            dV = dV + (mm(_mH(dA), U) - mm(V, dPt)) * row(inv_s)
        return pack([dU, _real_part(diag_part(dP)), _mH(dV)],
                    svd_shapes(m, n, ctx.params["full_matrices"]))


def _svd_parts(ctx, m, n):
    full = ctx.params["full_matrices"]
    if full and m != n:
        raise RuntimeError(
            f"linalg.svd: the derivative of the full SVD (full_matrices=True) of a "
            f"non-square input of shape {ctx.in_shapes[0]} is not defined (the extra "
            "singular vectors are not unique); use full_matrices=False")
    U, S, Vh = unpack(ctx.saved[0], svd_shapes(m, n, full))
    S, V = _re(S), _mH(Vh)
    F = break_ties(row(S) * row(S) - column(S) * column(S), tie_tol(S, squares=True))
    # a singular value below the rounding width is a zero: 1/s -> 0, as pinv drops it
    return U, S, V, break_ties(S, tie_tol(S)[..., 0]), F


# ------------------------------------------------------------------ qr

def qr_shapes(m, n, mode):
    k = min(m, n)
    if mode == "complete":
        return [(m, m), (m, n)]
    if mode == "r":
        return [(0,), (k, n)]
    return [(m, k), (k, n)]


@register
class Qr(Op):
    """A = Q R (Householder, as LAPACK), packed as (Q, R). Derivatives when R is square
    (m >= n for mode='reduced', m == n for 'complete'): with D = dA R^-1, C = Q^T D and
    Om = tril(C, -1) - tril(C, -1)^T, dR = (C - Om) R and dQ = D - Q (C - Om); the
    VJP is its adjoint, (gQ + Q copyutl(gR R^T - Q^T gQ)) R^-T.

    Complex A (PyTorch's rules): transposes conjugated, and LAPACK's R has a real
    diagonal, so Om also takes i Im diag(C) (dR keeps a real diagonal) and the VJP's
    copyutl drops i Im diag of its argument. There is no free phase left."""
    complex = OWN
    batching = "aware"
    core = (2,)  # vmap: the rank of each input's trailing core (vmap/_batched.py)
    args = ("A",)
    saves = ("out",)

    @staticmethod
    def forward(A, *, mode):
        if mode == "r":
            r = np.linalg.qr(A, mode="r")
            q = np.zeros(A.shape[:-2] + (0,), dtype=A.dtype)
            return _pack_np([q, r], [1, 2])
        q, r = np.linalg.qr(A, mode=mode)
        return _pack_np([q, r], [2, 2])

    @staticmethod
    def vjp(ctx, g):
        m, n = ctx.in_shapes[0][-2:]
        Q, R = _qr_parts(ctx, m, n)
        gQ, gR = unpack(g, qr_shapes(m, n, ctx.params["mode"]))
        H = mm(gR, _mH(R)) - mm(_mH(Q), gQ)
        dt = dtype_of(R, g)
        N = H * tri_mask(n, True, False, dt) + _mH(H) * tri_mask(n, False, True, dt)
        if _cx(H):
            N = N - diag_embed(_im_diag(H), dt)
        X = gQ + mm(Q, N)
        return (_mH(solve_tri(R, _mH(X), upper=True)),)

    @staticmethod
    def jvp(ctx, dA):
        m, n = ctx.in_shapes[0][-2:]
        Q, R = _qr_parts(ctx, m, n)
        D = _mH(solve_tri(_mH(R), _mH(dA), upper=False))          # dA R^-1
        C = mm(_mH(Q), D)
        dt = dtype_of(R, dA)
        low = C * tri_mask(n, False, True, dt)
        B = C - low + _mH(low)
        if _cx(C):
            B = B - diag_embed(_im_diag(C), dt)
        return pack([D - mm(Q, B), mm(B, R)], qr_shapes(m, n, ctx.params["mode"]))


def _qr_parts(ctx, m, n):
    mode = ctx.params["mode"]
    if mode == "r" or m < n or (mode == "complete" and m != n):
        raise RuntimeError(
            f"linalg.qr: the derivative of the QR decomposition with mode={mode!r} of an "
            f"input of shape {ctx.in_shapes[0]} is not defined (the extra columns of Q are "
            "not unique): use mode='reduced'")
    return unpack(ctx.saved[0], qr_shapes(m, n, mode))


__all__ = ["Eigh", "Eig", "Svd", "Qr", "pack", "unpack", "eigh_shapes", "svd_shapes",
           "qr_shapes"]
