"""tg.linalg against NumPy/SciPy values, batched shapes, errors, the gradients of eigh
and svd against PyTorch, degenerate eigenvalues, and second order where it matters
(inv, solve, det, cholesky). The case rows in tests/ops/cases_linalg.py run the generic
rule checks (gradcheck, JVPs, batching, graph mode) on every op."""
import numpy as np
import pytest
import scipy.linalg

import tapegrad as tg

L = tg.linalg
RNG = np.random.default_rng(16)


def _square(*shape):
    n = shape[-1]
    return 0.4 * RNG.standard_normal(shape) + 2.0 * np.eye(n)


def _spd(*shape):
    a = RNG.standard_normal(shape)
    return a @ np.swapaxes(a, -1, -2) + 3.0 * np.eye(shape[-1])


def _t(a, rg=False):
    return tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)


# ------------------------------------------------------------------ values

def test_inv_solve_det_match_numpy_on_batches():
    a = _square(2, 3, 4, 4)
    b = RNG.standard_normal((3, 4, 2))
    np.testing.assert_allclose(L.inv(_t(a)).numpy(), np.linalg.inv(a), rtol=1e-12)
    np.testing.assert_allclose(L.solve(_t(a), _t(b)).numpy(), np.linalg.solve(a, b),
                               rtol=1e-10)
    np.testing.assert_allclose(L.det(_t(a)).numpy(), np.linalg.det(a), rtol=1e-12)
    sign, lad = L.slogdet(_t(-a[0]))
    ns, nl = np.linalg.slogdet(-a[0])
    np.testing.assert_array_equal(sign.numpy(), ns)
    np.testing.assert_allclose(lad.numpy(), nl, rtol=1e-12)


def test_solve_vector_rhs_follows_torch_rule():
    a = _square(2, 3, 3)
    b = RNG.standard_normal((2, 3))             # one fewer dim, A's batch: vectors
    x = L.solve(_t(a), _t(b))
    assert x.shape == (2, 3)
    np.testing.assert_allclose(x.numpy(), np.linalg.solve(a, b[..., None])[..., 0],
                               rtol=1e-10)
    xr = L.solve(_t(a[0]), _t(b), left=False)           # X A = B
    np.testing.assert_allclose(xr.numpy() @ a[0], b, atol=1e-12)


def test_solve_triangular_matches_scipy_and_ignores_the_other_triangle():
    a = _square(4, 4)
    b = RNG.standard_normal((4, 3))
    for upper in (True, False):
        for unit in (True, False):
            got = L.solve_triangular(_t(a), _t(b), upper=upper, unitriangular=unit)
            want = scipy.linalg.solve_triangular(a, b, lower=not upper, unit_diagonal=unit)
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-10)
    x = _t(a, rg=True)
    L.solve_triangular(x, _t(b), upper=True).sum().backward()
    assert np.all(np.tril(x.grad.numpy(), -1) == 0)


def test_cholesky_and_cholesky_solve_match_scipy():
    a = _spd(2, 4, 4)
    lo = L.cholesky(_t(a)).numpy()
    np.testing.assert_allclose(lo, np.linalg.cholesky(a), rtol=1e-12)
    up = L.cholesky(_t(a), upper=True).numpy()
    np.testing.assert_allclose(up, np.swapaxes(lo, -1, -2), rtol=1e-12)
    b = RNG.standard_normal((4, 2))
    x = L.cholesky_solve(_t(b), _t(lo[0]))
    np.testing.assert_allclose(x.numpy(), scipy.linalg.cho_solve((lo[0], True), b),
                               rtol=1e-10)
    xu = L.cholesky_solve(_t(b), _t(up[0]), upper=True)
    np.testing.assert_allclose(xu.numpy(), x.numpy(), rtol=1e-10)


def test_decompositions_reconstruct_their_input():
    a = RNG.standard_normal((2, 5, 3))
    u, s, vh = L.svd(_t(a), full_matrices=False)
    assert u.shape == (2, 5, 3) and s.shape == (2, 3) and vh.shape == (2, 3, 3)
    np.testing.assert_allclose((u.numpy() * s.numpy()[..., None, :]) @ vh.numpy(), a,
                               atol=1e-12)
    uf, sf, vhf = L.svd(_t(a))
    assert uf.shape == (2, 5, 5) and vhf.shape == (2, 3, 3)
    q, r = L.qr(_t(a))
    assert q.shape == (2, 5, 3) and r.shape == (2, 3, 3)
    np.testing.assert_allclose(q.numpy() @ r.numpy(), a, atol=1e-12)
    w = np.swapaxes(a, -1, -2)                      # wide: (2, 3, 5)
    qw, rw = L.qr(_t(w))
    nq, nr = np.linalg.qr(w)
    np.testing.assert_allclose(qw.numpy(), nq, atol=1e-12)
    np.testing.assert_allclose(rw.numpy(), nr, atol=1e-12)
    qc, rc = L.qr(_t(a), mode="complete")
    assert qc.shape == (2, 5, 5) and rc.shape == (2, 5, 3)
    assert L.qr(_t(a), mode="r").Q.shape == (0,)
    sym = _spd(3, 3)
    w, v = L.eigh(_t(sym))
    np.testing.assert_allclose(w.numpy(), np.linalg.eigvalsh(sym), rtol=1e-12)
    np.testing.assert_allclose((v.numpy() * w.numpy()) @ v.numpy().T, sym, atol=1e-12)
    np.testing.assert_allclose(L.eigvalsh(_t(sym), UPLO="U").numpy(),
                               np.linalg.eigvalsh(sym, UPLO="U"), rtol=1e-12)


def test_named_tuples_have_torch_fields():
    a = _spd(3, 3)
    assert L.eigh(_t(a))._fields == ("eigenvalues", "eigenvectors")
    assert L.slogdet(_t(a))._fields == ("sign", "logabsdet")
    assert L.svd(_t(a))._fields == ("U", "S", "Vh")
    assert L.qr(_t(a))._fields == ("Q", "R")
    assert L.lstsq(_t(a), _t(a))._fields == ("solution", "residuals", "rank",
                                             "singular_values")


def test_pinv_lstsq_rank_cond_match_numpy():
    a = RNG.standard_normal((5, 3))
    np.testing.assert_allclose(L.pinv(_t(a)).numpy(), np.linalg.pinv(a), rtol=1e-10)
    b = RNG.standard_normal((5, 2))
    res = L.lstsq(_t(a), _t(b), driver="gelsd")
    x, r, rank, sv = np.linalg.lstsq(a, b, rcond=None)
    np.testing.assert_allclose(res.solution.numpy(), x, rtol=1e-10)
    np.testing.assert_allclose(res.residuals.numpy(), r, rtol=1e-10)
    assert res.rank.item() == rank
    np.testing.assert_allclose(res.singular_values.numpy(), sv, rtol=1e-12)
    default = L.lstsq(_t(a), _t(b))                     # gelsy: rank only, as torch
    assert default.residuals.shape == (0,) and default.singular_values.shape == (0,)
    vec = L.lstsq(_t(a), _t(b[:, 0])).solution
    np.testing.assert_allclose(vec.numpy(), x[:, 0], rtol=1e-10)
    low = np.outer(RNG.standard_normal(4), RNG.standard_normal(3))
    assert L.matrix_rank(_t(low)).item() == 1
    assert L.matrix_rank(_t(np.stack([low, a[:4]]))).numpy().tolist() == [1, 3]
    assert L.matrix_rank(_t(low)).dtype == np.int64
    sq = _square(3, 3)
    for p in (None, "fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2):
        np.testing.assert_allclose(L.cond(_t(sq), p).numpy(), np.linalg.cond(sq, p),
                                   rtol=1e-10)


def test_matrix_power_exp_multi_dot_cross():
    a = _square(2, 3, 3)
    x = _t(a, rg=True)
    L.matrix_power(x, 0).sum().backward()          # the identity, with a zero gradient
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros_like(a))
    for n in (0, 1, 2, 5, -1, -3):
        np.testing.assert_allclose(L.matrix_power(_t(a), n).numpy(),
                                   np.linalg.matrix_power(a, n), rtol=1e-10)
    np.testing.assert_allclose(L.matrix_exp(_t(a)).numpy(), scipy.linalg.expm(a),
                               rtol=1e-12)
    ms = [RNG.standard_normal(s) for s in [(4,), (4, 6), (6, 2), (2, 5), (5,)]]
    np.testing.assert_allclose(L.multi_dot([_t(m) for m in ms]).numpy(),
                               np.linalg.multi_dot(ms), rtol=1e-10)
    x, y = RNG.standard_normal((2, 3)), RNG.standard_normal((3,))
    np.testing.assert_allclose(L.cross(_t(x), _t(y)).numpy(), np.cross(x, y), rtol=1e-12)
    np.testing.assert_allclose(L.cross(_t(x.T), _t(y[:, None]), dim=0).numpy(),
                               np.cross(x.T, y[:, None], axis=0), rtol=1e-12)


def test_float32_stays_float32_and_integers_become_float32():
    a = _square(3, 3).astype(np.float32)
    for f in (L.inv, L.det, L.matrix_exp, lambda m: L.eigh(m @ m.T).eigenvalues,
              lambda m: L.svd(m).S, lambda m: L.qr(m).R, L.pinv):
        assert f(tg.tensor(a)).dtype == np.float32
    assert L.det(tg.tensor(np.eye(2, dtype=np.int64))).dtype == np.float32


def test_empty_matrices():
    e = np.zeros((0, 0))
    assert L.inv(_t(e)).shape == (0, 0)
    assert L.det(_t(e)).item() == 1.0
    assert L.matrix_exp(_t(e)).shape == (0, 0)
    assert L.pinv(_t(np.zeros((0, 3)))).shape == (3, 0)
    assert L.matrix_rank(_t(np.zeros((2, 0, 3)))).numpy().tolist() == [0, 0]


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("fn", [L.inv, L.det, L.slogdet, L.cholesky, L.eigh, L.eigvalsh,
                                L.matrix_exp, lambda a: L.matrix_power(a, 2)])
def test_non_square_input_names_function_and_shape(fn):
    with pytest.raises(ValueError, match=r"linalg\.\w+: A must be a batch of square "
                                         r"matrices, got shape \(2, 3\)"):
        fn(tg.ones((2, 3)))


def test_one_dimensional_input_is_refused():
    with pytest.raises(ValueError, match=r"linalg\.svd: A must have at least 2 dimensions"):
        L.svd(tg.ones(3))
    with pytest.raises(TypeError, match=r"linalg\.inv: A must be a tensor"):
        L.inv("matrix")


def test_singular_and_indefinite_inputs_raise_linalg_error():
    assert issubclass(L.LinAlgError, RuntimeError)
    sing = np.array([[1.0, 2.0], [2.0, 4.0]])
    with pytest.raises(L.LinAlgError, match=r"linalg\.inv: .*singular"):
        L.inv(_t(sing))
    with pytest.raises(L.LinAlgError, match=r"linalg\.solve: .*singular"):
        L.solve(_t(sing), _t(np.ones(2)))
    with pytest.raises(L.LinAlgError, match="leading minor of order 2"):
        L.cholesky(_t(np.array([[1.0, 2.0], [2.0, 1.0]])))
    with pytest.raises(L.LinAlgError, match="leading minor of order 1"):
        L.cholesky(_t(-np.eye(2)))
    with pytest.raises(L.LinAlgError, match=r"solve_triangular: .*zero on its diagonal"):
        L.solve_triangular(_t(np.triu(sing) - np.diag([0.0, 4.0])), _t(np.ones((2, 1))),
                           upper=True)


def test_bad_arguments_name_the_argument():
    a = tg.tensor(_square(3, 3))
    with pytest.raises(ValueError, match=r"linalg\.solve: B of shape \(4,\)"):
        L.solve(a, tg.ones(4))
    with pytest.raises(ValueError, match=r"linalg\.solve \(batch axes\)"):
        L.solve(tg.ones((2, 3, 3)), tg.ones((4, 3, 1)))
    with pytest.raises(ValueError, match="UPLO must be 'L' or 'U'"):
        L.eigh(a, UPLO="X")
    with pytest.raises(ValueError, match="mode must be 'reduced'"):
        L.qr(a, mode="full")
    with pytest.raises(TypeError, match=r"linalg\.matrix_power: n must be an int"):
        L.matrix_power(a, 1.5)
    with pytest.raises(TypeError, match=r"linalg\.solve_triangular: upper must be True"):
        L.solve_triangular(a, a, upper=None)
    with pytest.raises(ValueError, match=r"linalg\.cross: inputs must have size 3"):
        L.cross(tg.ones(2), tg.ones(2))
    with pytest.raises(ValueError, match=r"linalg\.multi_dot: tensors\[1\] and tensors\[2\]"):
        L.multi_dot([tg.ones((2, 3)), tg.ones((3, 4)), tg.ones((3, 2))])
    with pytest.raises(ValueError, match=r"linalg\.cond: p must be"):
        L.cond(a, 3)


def test_gradient_of_full_svd_of_a_non_square_matrix_is_refused_as_in_torch():
    x = _t(RNG.standard_normal((4, 3)), rg=True)
    u, s, vh = L.svd(x)                             # full_matrices=True by default
    with pytest.raises(RuntimeError, match="full_matrices=False"):
        u.sum().backward()
    x2 = _t(RNG.standard_normal((5, 3)), rg=True)
    q, r = L.qr(x2, mode="complete")
    with pytest.raises(RuntimeError, match=r"linalg\.qr: the derivative .*mode='reduced'"):
        (q.sum() + r.sum()).backward()


# ------------------------------------------------------------------ gradients vs torch

torch = pytest.importorskip("torch")


def _torch_grad(f, a):
    x = torch.tensor(a, requires_grad=True)
    f(x).backward()
    return x.grad.numpy()


def _tg_grad(f, a):
    x = _t(a, rg=True)
    f(x).backward()
    return x.grad.numpy()


def test_eigh_gradients_match_torch_on_a_symmetric_input():
    a = _spd(2, 4, 4)
    c = RNG.standard_normal((4, 4))

    def tg_loss(x):
        w, v = L.eigh(x)
        return (w * w).sum() + ((v @ tg.tensor(c) @ v.mT) ** 2).sum()

    def torch_loss(x):
        w, v = torch.linalg.eigh(x)
        return (w * w).sum() + ((v @ torch.tensor(c) @ v.mT) ** 2).sum()
    np.testing.assert_allclose(_tg_grad(tg_loss, a), _torch_grad(torch_loss, a),
                               rtol=1e-8, atol=1e-10)


def test_svd_and_qr_gradients_match_torch():
    a = RNG.standard_normal((5, 3))
    c = RNG.standard_normal((3, 3))

    def tg_loss(x):
        u, s, vh = L.svd(x, full_matrices=False)
        q, r = L.qr(x)
        return (s ** 3).sum() + ((u @ tg.tensor(c) @ u.mT) ** 2).sum() + \
            (vh.mT @ tg.tensor(c) @ vh).sum() + (q * q[:1]).sum() + r.sum()

    def torch_loss(x):
        u, s, vh = torch.linalg.svd(x, full_matrices=False)
        q, r = torch.linalg.qr(x)
        return (s ** 3).sum() + ((u @ torch.tensor(c) @ u.mT) ** 2).sum() + \
            (vh.mT @ torch.tensor(c) @ vh).sum() + (q * q[:1]).sum() + r.sum()
    np.testing.assert_allclose(_tg_grad(tg_loss, a), _torch_grad(torch_loss, a),
                               rtol=1e-8, atol=1e-10)


def test_cholesky_gradient_is_symmetric_as_torch():
    a = _spd(3, 3)
    g = _tg_grad(lambda x: (L.cholesky(x) ** 3).sum(), a)
    np.testing.assert_allclose(g, g.T, atol=1e-14)
    np.testing.assert_allclose(g, _torch_grad(lambda x: (torch.linalg.cholesky(x) ** 3)
                                              .sum(), a), rtol=1e-9)


def test_gaussian_process_marginal_likelihood_gradient_matches_torch():
    x = np.linspace(0.0, 1.0, 6)
    d2 = (x[:, None] - x[None, :]) ** 2
    y = np.sin(3 * x)[:, None]
    noise = 0.1 * np.eye(6)

    def nll_tg(ls):
        k = tg.exp(-tg.tensor(d2) / ls ** 2) + tg.tensor(noise)
        alpha = L.cholesky_solve(tg.tensor(y), L.cholesky(k))
        return (tg.tensor(y) * alpha).sum() + L.slogdet(k).logabsdet

    def nll_torch(ls):
        k = torch.exp(-torch.tensor(d2) / ls ** 2) + torch.tensor(noise)
        alpha = torch.cholesky_solve(torch.tensor(y), torch.linalg.cholesky(k))
        return (torch.tensor(y) * alpha).sum() + torch.linalg.slogdet(k).logabsdet

    ls_t = torch.tensor(0.4, dtype=torch.float64, requires_grad=True)
    nll_torch(ls_t).backward()
    ls = tg.tensor(0.4, dtype=np.float64, requires_grad=True)
    nll_tg(ls).backward()
    np.testing.assert_allclose(ls.grad.item(), ls_t.grad.item(), rtol=1e-9)


# ------------------------------------------------------------------ degenerate spectra

def test_eigh_of_a_repeated_eigenvalue_has_a_finite_gauge_invariant_gradient():
    # the identity has one eigenvalue three times; PyTorch's eigh gradient is NaN here
    a = np.diag([1.0, 1.0, 2.0])
    c = np.diag([0.5, 0.5, 3.0])

    def loss(x):                    # trace(V f(w) V^T C): independent of the basis choice
        w, v = L.eigh(x)
        return ((v * (w ** 2)) @ v.mT * tg.tensor(c)).sum()
    g = _tg_grad(loss, a)
    assert np.all(np.isfinite(g))
    # d/dA trace(A^2 C) = A C + C A for symmetric A, C
    np.testing.assert_allclose(g, a @ c + c @ a, atol=1e-12)
    ge = _tg_grad(lambda x: (L.eigvalsh(x) ** 2).sum(), a)
    np.testing.assert_allclose(ge, 2 * a, atol=1e-12)


def test_svd_with_tied_singular_values_keeps_the_singular_value_gradient():
    a = np.diag([2.0, 2.0, 1.0])
    g = _tg_grad(lambda x: L.svd(x, full_matrices=False).S.sum(), a)
    np.testing.assert_allclose(g, np.eye(3), atol=1e-12)


# ------------------------------------------------------------------ second order

@pytest.mark.parametrize("name,fn,make", [
    ("inv", lambda a: L.inv(a), lambda: _square(3, 3)),
    ("solve", lambda a: L.solve(a, tg.tensor(np.arange(3.0))), lambda: _square(3, 3)),
    ("det", lambda a: L.det(a), lambda: _square(3, 3)),
    ("cholesky", lambda a: L.cholesky(a @ a.mT + 3 * tg.eye(3, dtype=np.float64)),
     lambda: RNG.standard_normal((3, 3))),
    ("eigh", lambda a: L.eigh(a + a.mT).eigenvalues, lambda: _spd(3, 3)),
    ("matrix_exp", lambda a: L.matrix_exp(a), lambda: 0.5 * RNG.standard_normal((3, 3))),
])
def test_second_order_gradcheck(name, fn, make):
    x = _t(make(), rg=True)
    assert tg.gradgradcheck(fn, [x])


def test_hessian_of_logdet_matches_the_closed_form():
    # d2 log det / dA2 [E, F] = -tr(A^-1 E A^-1 F)
    a = _square(3, 3)
    h = tg.hessian(lambda x: L.slogdet(x).logabsdet)(_t(a)).numpy().reshape(9, 9)
    ai = np.linalg.inv(a)
    want = -np.einsum("li,jk->ijkl", ai, ai).reshape(9, 9)
    np.testing.assert_allclose(h, want, rtol=1e-9, atol=1e-12)


# ------------------------------------------------------------------ eig, singular det

def test_eig_is_complex_as_torch_and_tnp_eig_real_when_numpy_is():
    p = _square(3, 3)
    a = (p * np.array([1.0, 3.0, 2.0])) @ np.linalg.inv(p)
    w, v = L.eig(_t(a))
    nw, nv = np.linalg.eig(a)
    assert w.dtype == tg.complex128 and v.dtype == tg.complex128
    np.testing.assert_allclose(w.numpy(), nw, rtol=1e-10)
    np.testing.assert_allclose(v.numpy(), nv, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(L.eigvals(_t(a)).numpy(), nw, rtol=1e-10)
    rot = np.array([[0.0, -1.0], [1.0, 0.0]])
    np.testing.assert_allclose(L.eig(_t(rot)).eigenvalues.numpy(), [1j, -1j])
    import tapegrad.numpy as tnp
    for m in (a, rot, rot.astype(complex), np.zeros((2, 0, 0))):
        r, want = tnp.linalg.eig(m), np.linalg.eig(m)
        assert r.eigenvalues.dtype == want.eigenvalues.dtype, m
        assert r.eigenvectors.dtype == want.eigenvectors.dtype, m
        np.testing.assert_allclose(r.eigenvalues.numpy(), want.eigenvalues, rtol=1e-10)
        np.testing.assert_allclose(r.eigenvectors.numpy(), want.eigenvectors, rtol=1e-10,
                                   atol=1e-12)
        assert tnp.linalg.eigvals(m).dtype == np.linalg.eigvals(m).dtype
    assert L.eig(_t(np.zeros((0, 3, 3)))).eigenvectors.shape == (0, 3, 3)
    assert L.eig(tg.tensor(np.eye(2, dtype=np.float32))).eigenvalues.dtype == tg.complex64
    with pytest.raises(ValueError, match=r"linalg\.eig: A must be a batch of square"):
        L.eig(_t(np.ones((2, 3))))


def test_det_gradient_of_a_singular_matrix_is_the_adjugate():
    a = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])   # rank 2, det 0
    g = _tg_grad(L.det, a)
    cof = np.array([[4.0, 4.0, -4.0], [-2.0, -2.0, 2.0], [0.0, 0.0, 0.0]])
    np.testing.assert_allclose(g, cof, atol=1e-12)
    assert np.all(np.isfinite(tg.hessian(L.det)(_t(a)).numpy()))
    assert tg.gradgradcheck(L.det, [_t(a, rg=True)])


def test_docstring_examples_run():
    import doctest
    from tapegrad.ops import linalg_fns
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(linalg_fns, optionflags=flags)
    assert result.attempted >= 20 and result.failed == 0


def test_ill_conditioned_solve_warns_under_detect_anomaly_only():
    import warnings
    a = np.array([[1.0, 1.0], [1.0, 1.0 + 1e-10]])
    b = _t(np.ones(2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        L.solve(_t(a), b)                       # no anomaly mode: no check, no warning
    with tg.autograd.detect_anomaly():
        with pytest.warns(L.IllConditionedWarning, match=r"linalg\.solve: .*condition "
                                                         r"number 4e\+10"):
            L.solve(_t(a), b)
        with pytest.warns(L.IllConditionedWarning, match=r"linalg\.inv"):
            L.inv(_t(a))


def test_sqrtm_and_solve_sylvester_match_scipy():
    a = _spd(2, 3, 3)
    np.testing.assert_allclose(L.sqrtm(_t(a)).numpy(), scipy.linalg.sqrtm(a), rtol=1e-10)
    p, q = _square(3, 3), _square(2, 2)
    r = RNG.standard_normal((4, 3, 2))              # batch of right-hand sides
    got = L.solve_sylvester(_t(p), _t(q), _t(r)).numpy()
    np.testing.assert_allclose(got, np.stack([scipy.linalg.solve_sylvester(p, q, ri)
                                              for ri in r]), rtol=1e-10)
    # a negative eigenvalue: SciPy's complex root (the gradient of a real A stays real)
    neg = np.array([[-1.0, 0.5], [0.0, 4.0]])
    x = _t(neg, rg=True)
    root = L.sqrtm(x)
    assert root.dtype == tg.complex128
    np.testing.assert_allclose(root.detach().numpy(), scipy.linalg.sqrtm(neg), rtol=1e-12)
    tg.imag(root).sum().backward()
    assert x.grad.dtype == tg.float64 and np.all(np.isfinite(x.grad.numpy()))
    with pytest.raises(ValueError, match=r"linalg\.solve_sylvester: q of shape \(2, 3\)"):
        L.solve_sylvester(_t(p), _t(q), _t(np.ones((2, 3))))
