"""The stability decisions of tg.linalg (docs/numerics.md, "Linear algebra"), one test
each: eigh/svd gradients at (near-)degenerate spectra, det at a singular matrix, the
error of cholesky on a matrix that is not positive definite, the ill-conditioning
warning of solve under detect_anomaly; and the eig gradient and the blocked cholesky
VJP against PyTorch."""
import warnings

import numpy as np
import pytest
torch = pytest.importorskip("torch")

import tapegrad as tg

L = tg.linalg
RNG = np.random.default_rng(1616)


def _t(a, rg=False):
    return tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)


def _grad(f, a):
    x = _t(a, rg=True)
    f(x).backward()
    return x.grad.numpy()


def _orth(n):
    return np.linalg.qr(RNG.standard_normal((n, n)))[0]


def _sym(b):
    return (b + b.T) / 2


def _near_degenerate():
    """Q diag(1, 1, 2) Q^T: the computed eigenvalues 1 and 1 differ by rounding only
    (~1e-16), where 1 / (w_j - w_i) is ~1e16 and the rules of PyTorch give inf/NaN."""
    q = _orth(3)
    a = _sym((q * np.array([1.0, 1.0, 2.0])) @ q.T)
    w = np.linalg.eigvalsh(a)
    assert 0 < abs(w[1] - w[0]) < 1e-14 or w[1] == w[0]
    return a


# ------------------------------------------------------------------ eigh

def test_eigh_gauge_invariant_losses_at_a_near_tie_get_the_exact_gradient():
    a = _near_degenerate()
    # functions of the eigenvalues: sum (trace), sum of squares, log det
    np.testing.assert_allclose(_grad(lambda x: L.eigvalsh(x).sum(), a), np.eye(3), atol=1e-12)
    np.testing.assert_allclose(_grad(lambda x: (L.eigh(x)[0] ** 2).sum(), a), 2 * a,
                               atol=1e-12)
    np.testing.assert_allclose(_grad(lambda x: tg.log(L.eigh(x)[0]).sum(), a),
                               np.linalg.inv(a), atol=1e-12)
    # V diag(c) V^T with c constant on the cluster (c = 1, 1, 3): 1 P_{1} + 3 P_{2}, a
    # smooth function of A whose gradient is the divided-difference (Daleckii-Krein) one
    b = RNG.standard_normal((3, 3))

    def weighted(x):
        w, v = L.eigh(x)
        return ((v * _t([1.0, 1.0, 3.0])) @ v.mT * _t(b)).sum()
    g = _grad(weighted, a)
    w, v = np.linalg.eigh(a)
    c = v.T @ _sym(b) @ v
    h = np.array([1.0, 1.0, 3.0])
    dd = np.zeros((3, 3))
    for i in range(3):
        for j in range(3):
            if abs(w[i] - w[j]) > 0.5:
                dd[i, j] = (h[i] - h[j]) / (w[i] - w[j])
    np.testing.assert_allclose(g, v @ (c * dd) @ v.T, atol=1e-10)
    # and by central differences along symmetric directions
    for _ in range(3):
        e = _sym(RNG.standard_normal((3, 3)))

        def f(x):
            ww, vv = np.linalg.eigh(x)
            return np.sum((vv * h) @ vv.T * b)
        num = (f(a + 1e-6 * e) - f(a - 1e-6 * e)) / 2e-6
        np.testing.assert_allclose(np.sum(g * e), num, rtol=1e-6, atol=1e-8)


def test_eigh_rebuilding_a_at_a_tie_drops_the_in_cluster_coupling():
    # V diag(w) V^T is A, whose gradient is sym(B); at a tie the coupling of the two
    # tied vectors, (w_j - w_i) / (w_j - w_i), is 0 / 0 in (w, V): tapegrad returns the
    # gradient with it dropped (finite, documented), not the inf/NaN of PyTorch
    a = np.diag([1.0, 1.0, 2.0])
    b = RNG.standard_normal((3, 3))

    def rebuild(x):
        w, v = L.eigh(x)
        return ((v * w) @ v.mT * _t(b)).sum()
    g = _grad(rebuild, a)
    want = _sym(b).copy()
    want[0, 1] = want[1, 0] = 0.0          # the in-cluster off-diagonal coupling
    np.testing.assert_allclose(g, want, atol=1e-12)
    # away from the tie the same loss gets the whole gradient
    a2 = np.diag([1.0, 1.5, 2.0])
    np.testing.assert_allclose(_grad(rebuild, a2), _sym(b), atol=1e-12)


def test_eigh_loss_of_one_vector_in_a_degenerate_pair_is_finite_in_the_returned_basis():
    a = _near_degenerate()

    def first(x):
        w, v = L.eigh(x)
        return (v[:, 0] * _t([1.0, 2.0, 3.0])).sum() * v[0, 0]
    g = _grad(first, a)
    assert np.all(np.isfinite(g))
    # what is returned: the rule with the in-cluster coupling F_01 = F_10 = 0, in the
    # basis NumPy's eigh returned
    w, v = np.linalg.eigh(a)
    gv = np.zeros((3, 3))
    gv[:, 0] = np.array([1.0, 2.0, 3.0]) * v[0, 0]
    gv[0, 0] += (v[:, 0] * [1.0, 2.0, 3.0]).sum()
    d = w[None, :] - w[:, None]
    f = np.where(np.abs(d) > 1e-12, 1.0 / np.where(np.abs(d) > 1e-12, d, 1.0), 0.0)
    np.testing.assert_allclose(g, _sym(v @ (f * (v.T @ gv)) @ v.T), atol=1e-10)


# ------------------------------------------------------------------ svd

def test_svd_at_tied_and_zero_singular_values():
    u, v = _orth(3), _orth(3)
    a = (u * np.array([2.0, 2.0, 1.0])) @ v.T       # a near tie 2, 2
    np.testing.assert_allclose(_grad(lambda x: L.svd(x, full_matrices=False).S.sum(), a),
                               u @ v.T, atol=1e-12)
    np.testing.assert_allclose(_grad(lambda x: (L.svdvals(x) ** 2).sum(), a), 2 * a,
                               atol=1e-12)
    np.testing.assert_allclose(_grad(lambda x: L.matrix_norm(x, "nuc"), a), u @ v.T,
                               atol=1e-12)
    # a tall rank-2 matrix: the third singular value is ~1e-16, and 1/s is taken as 0
    t = RNG.standard_normal((4, 2)) @ RNG.standard_normal((2, 3))
    g = _grad(lambda x: L.svd(x, full_matrices=False).S[:2].sum(), t)
    uu, s, vh = np.linalg.svd(t, full_matrices=False)
    np.testing.assert_allclose(g, uu[:, :2] @ vh[:2], atol=1e-10)


# ------------------------------------------------------------------ det

def _cofactors(a):
    n = a.shape[-1]
    out = np.empty_like(a)
    for i in range(n):
        for j in range(n):
            m = np.delete(np.delete(a, i, -2), j, -1)
            out[..., i, j] = (-1) ** (i + j) * np.linalg.det(m)
    return out


def test_det_of_singular_matrices_gets_the_adjugate_batched_and_second_order():
    sing = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])    # rank 2
    rank1 = np.outer([1.0, 2.0, 3.0], [1.0, -1.0, 2.0])                      # adj = 0
    reg = RNG.standard_normal((3, 3)) + 2 * np.eye(3)
    batch = np.stack([sing, rank1, reg])
    g = _grad(lambda x: L.det(x).sum(), batch)
    assert np.all(np.isfinite(g))
    np.testing.assert_allclose(g, _cofactors(batch), atol=1e-10)
    # second order: d2 det at a singular matrix is finite and passes gradgradcheck
    h = tg.hessian(L.det)(_t(sing)).numpy()
    assert np.all(np.isfinite(h))
    assert tg.gradgradcheck(L.det, [_t(batch, rg=True)])


# ------------------------------------------------------------------ cholesky

def test_cholesky_error_names_the_leading_minor_and_the_batch_element():
    good = np.eye(3) * 2
    bad = np.array([[4.0, 2.0, 0.0], [2.0, 1.0, 0.0], [0.0, 0.0, 1.0]])    # minor 2 is 0
    with pytest.raises(L.LinAlgError, match=r"linalg\.cholesky: .*not positive-definite "
                       r"\(the leading minor of order 2"):
        L.cholesky(_t(bad))
    with pytest.raises(L.LinAlgError, match=r"at batch index \(1, 0\) \(the leading minor "
                                            r"of order 2"):
        L.cholesky(_t(np.stack([[good, good], [bad, good]])))
    with pytest.raises(L.LinAlgError, match=r"at batch index \(0,\) .*order 1"):
        L.cholesky(_t(np.stack([-good, bad])))
    assert issubclass(L.LinAlgError, RuntimeError)


@pytest.mark.parametrize("n", [150, 300])
def test_blocked_cholesky_vjp_matches_torch(n):
    # above 128 rows the reverse sweep runs by blocks; compare with PyTorch's formula
    a = RNG.standard_normal((n, n))
    k = a @ a.T / n + np.eye(n)
    gl = RNG.standard_normal((n, n))

    def ours(x):
        return (L.cholesky(x) * _t(gl)).sum()
    g = _grad(ours, k)
    kt = torch.tensor(k, requires_grad=True)
    (torch.linalg.cholesky(kt) * torch.tensor(gl)).sum().backward()
    np.testing.assert_allclose(g, kt.grad.numpy(), rtol=1e-9, atol=1e-9)
    g32 = tg.tensor(k.astype(np.float32), requires_grad=True)
    (L.cholesky(g32) * tg.tensor(gl.astype(np.float32))).sum().backward()
    assert g32.grad.dtype == np.float32
    np.testing.assert_allclose(g32.grad.numpy(), kt.grad.numpy(), rtol=2e-3, atol=2e-3)


def test_cholesky_second_order_through_the_blocked_vjp():
    n = 140
    a = RNG.standard_normal((n, n))
    k = a @ a.T / n + np.eye(n)
    v = _sym(RNG.standard_normal((n, n)))
    x = _t(k, rg=True)
    (g,) = tg.autograd.grad(tg.log(tg.diagonal(L.cholesky(x))).sum(), [x], create_graph=True)
    # 0.5 logdet: gradient A^-1 / 2, Hessian-vector product -A^-1 V A^-1 / 2
    np.testing.assert_allclose(g.numpy(), np.linalg.inv(k) / 2, rtol=1e-9, atol=1e-10)
    (hv,) = tg.autograd.grad((g * _t(v)).sum(), [x])
    ki = np.linalg.inv(k)
    np.testing.assert_allclose(hv.numpy(), -ki @ v @ ki / 2, rtol=1e-8, atol=1e-10)


# ------------------------------------------------------------------ solve

def test_ill_conditioning_is_checked_only_under_detect_anomaly(monkeypatch):
    a = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-10]])
    b = _t(np.ones(2))
    calls = []
    cond = np.linalg.cond
    monkeypatch.setattr(np.linalg, "cond", lambda *args: calls.append(1) or cond(*args))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.solve(_t(a), b)
        L.solve(_t(np.stack([a, np.eye(2)])), b)
    assert not calls                        # normal mode: not even computed
    with tg.autograd.detect_anomaly():
        with pytest.warns(L.IllConditionedWarning, match=r"condition number 4e\+10"):
            L.solve(_t(np.stack([np.eye(2), a])), b)    # the worst of a batch
    assert calls


# ------------------------------------------------------------------ eig

def test_eig_gradient_with_distinct_eigenvalues_matches_torch():
    p = RNG.standard_normal((4, 4)) + 3 * np.eye(4)
    a = (p * np.array([1.0, -2.0, 3.0, 0.5])) @ np.linalg.inv(p)
    c = np.array([1.0, 2.0, -1.0, 0.5])

    def ours(x):
        w, v = L.eig(x)
        order = np.argsort(np.linalg.eigvals(a).real)   # the same pairing as torch's
        return (tg.real(w[order]) * _t(c)).sum() + \
            tg.real((v[:, order] * v[:1, order]) ** 2).sum()
    g = _grad(ours, a)
    at = torch.tensor(a, requires_grad=True)
    w, v = torch.linalg.eig(at)
    order = torch.argsort(w.real)
    loss = (w.real[order] * torch.tensor(c)).sum() + \
        ((v[:, order] * v[:1, order]) ** 2).real.sum()
    loss.backward()
    np.testing.assert_allclose(g, at.grad.numpy(), rtol=1e-8, atol=1e-10)
