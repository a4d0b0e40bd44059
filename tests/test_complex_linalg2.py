"""Complex decompositions against torch.linalg in complex128: cholesky, eigh, eigvalsh,
svd, svdvals, qr, pinv, slogdet, lstsq and the 2/-2/nuc matrix norms. Values, the
gradient of a real loss that does not see the free phase of eigen/singular vectors (the
gauge), second order where torch has it; the vjp/jvp inner-product identity through the
public functions, batched; the gauge decision; and the errors."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(31)


def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


X = _c(3, 3) * 0.5
XB = _c(2, 3, 3) * 0.5          # a batch of two
TALL = _c(4, 3) * 0.5
WIDE = _c(2, 3, 4) * 0.5
SQ = _c(3, 3) * 0.3 + 2.0 * np.eye(3)


def _np(t):
    return t.detach().resolve_conj().numpy()


def _herm(m, x):
    """A Hermitian positive-definite matrix (batch) from any square x."""
    n = x.shape[-1]
    return x @ m.conj(x).mT + m.tensor(2.0 * np.eye(n)) + 0.3 * (x + m.conj(x).mT)


def _proj(m, V, k):
    """V_k V_k^H for the first k columns: blind to the phase of each column."""
    Vk = V[..., :k]
    return Vk @ m.conj(Vk).mT


def _eigh_vecs(m, x):
    r = m.linalg.eigh(_herm(m, x))
    return r.eigenvalues, _proj(m, r.eigenvectors, 1), m.abs(r.eigenvectors)


def _svd_parts(m, x):
    r = m.linalg.svd(x, full_matrices=False)
    # u_1 s_1 v_1^H and |U|, |Vh|: each blind to the joint phase of (u_i, v_i)
    top = r.U[..., :, :1] * r.S[..., None, :1] @ r.Vh[..., :1, :]
    return r.S, top, m.abs(r.U), m.abs(r.Vh), r.U[..., :, 1:2] @ r.Vh[..., 1:2, :]


# (name, f(m, *inputs) -> tensor or tuple, inputs, second order compared with torch)
FNS = [
    ("cholesky", lambda m, x: m.linalg.cholesky(_herm(m, x)), (XB,), True),
    ("cholesky_upper", lambda m, x: m.linalg.cholesky(_herm(m, x), upper=True), (X,), True),
    ("eigvalsh", lambda m, x: m.linalg.eigvalsh(_herm(m, x)), (XB,), True),
    ("eigh_upper", lambda m, x: m.linalg.eigh(_herm(m, x), UPLO="U").eigenvalues, (X,),
     True),
    ("eigh_vectors", _eigh_vecs, (XB,), True),
    ("svd_square", _svd_parts, (XB,), True),
    ("svd_tall", _svd_parts, (TALL,), True),
    ("svd_wide", _svd_parts, (WIDE,), True),
    ("svdvals", lambda m, x: m.linalg.svdvals(x), (WIDE,), True),
    ("svdvals_tall", lambda m, x: m.linalg.svdvals(x), (TALL,), True),
    ("matrix_norms", lambda m, x: (m.linalg.matrix_norm(x, 2), m.linalg.matrix_norm(x, -2),
                                   m.linalg.matrix_norm(x, "nuc")), (TALL,), True),
    ("norm_axis_pair", lambda m, x: m.linalg.norm(x, "nuc", dim=(0, 2)), (WIDE,), True),
    ("qr_square", lambda m, x: tuple(m.linalg.qr(x)), (XB,), True),
    ("qr_tall", lambda m, x: tuple(m.linalg.qr(x)), (TALL,), True),
    ("qr_wide", lambda m, x: tuple(m.linalg.qr(x)), (WIDE[0],), True),
    ("qr_complete_square", lambda m, x: tuple(m.linalg.qr(x, mode="complete")), (X,), True),
    ("pinv_tall", lambda m, x: m.linalg.pinv(x), (TALL,), True),
    ("pinv_wide_batched", lambda m, x: m.linalg.pinv(x), (WIDE,), True),
    ("slogdet", lambda m, x: tuple(m.linalg.slogdet(x)), (XB + 1.5 * np.eye(3),), True),
    ("lstsq", lambda m, a, b: m.linalg.lstsq(a, b).solution, (TALL, _c(4, 2)), True),
]


def _real_loss(m, outs):
    outs = outs if isinstance(outs, tuple) else (outs,)
    total = 0.0
    for out in outs:
        wts = m.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
        if out.is_complex():
            total = total + (m.abs(out) ** 2 * wts).sum() + m.imag(out * (0.4 + 0.2j)).sum()
        else:
            total = total + (out * wts).sum() + (out ** 2).sum() * 0.1
    return total


@pytest.mark.parametrize("name,f,inputs,second", FNS, ids=[n for n, *_ in FNS])
def test_values_gradients_and_second_order_match_torch(name, f, inputs, second):
    xs = [tg.tensor(a, requires_grad=True) for a in inputs]
    ts = [torch.tensor(a, requires_grad=True) for a in inputs]
    out, tout = f(tg, *xs), f(torch, *ts)
    for o, to in zip(out if isinstance(out, tuple) else (out,),
                     tout if isinstance(tout, tuple) else (tout,)):
        assert o.dtype == (tg.complex128 if to.is_complex() else tg.float64), name
        np.testing.assert_allclose(o.detach().numpy(), _np(to), rtol=1e-9, atol=1e-10)
    gs = tg.autograd.grad(_real_loss(tg, out), xs, create_graph=second)
    gts = torch.autograd.grad(_real_loss(torch, tout), ts, create_graph=second)
    for g, gt in zip(gs, gts):
        assert g.dtype == tg.complex128
        np.testing.assert_allclose(g.detach().numpy(), _np(gt), rtol=1e-8, atol=1e-9)
    if not second:
        return
    hs = tg.autograd.grad(sum((tg.abs(g) ** 2).sum() for g in gs), xs)
    hts = torch.autograd.grad(sum((g.abs() ** 2).sum() for g in gts), ts)
    for h, ht in zip(hs, hts):
        np.testing.assert_allclose(h.numpy(), _np(ht), rtol=1e-7, atol=1e-8)


def _rdot(a, b):
    return float(np.real(np.vdot(np.asarray(a), np.asarray(b))))


def _like(a, rng):
    a = np.asarray(a)
    v = rng.standard_normal(a.shape)
    return v + 1j * rng.standard_normal(a.shape) if a.dtype.kind == "c" else v


def _flat(outs):
    outs = outs if isinstance(outs, tuple) else (outs,)
    return tg.concatenate([tg.reshape(tg.complex(o, tg.zeros_like(o)) if not tg.is_complex(o)
                                      else o, (-1,)) for o in outs])


# the raw factors, gauge and all: the VJP is the adjoint of the JVP, phases included
IDENTITY = [
    ("cholesky", lambda x: tg.linalg.cholesky(_herm(tg, x)), XB),
    ("eigh", lambda x: tuple(tg.linalg.eigh(_herm(tg, x))), XB),
    ("svd_tall", lambda x: tuple(tg.linalg.svd(x, full_matrices=False)), TALL),
    ("svd_wide", lambda x: tuple(tg.linalg.svd(x, full_matrices=False)), WIDE),
    ("svdvals", lambda x: tg.linalg.svdvals(x), WIDE),
    ("qr_tall", lambda x: tuple(tg.linalg.qr(x)), TALL),
    ("qr_wide", lambda x: tuple(tg.linalg.qr(x)), WIDE),
    ("pinv", lambda x: tg.linalg.pinv(x), WIDE),
    ("slogdet", lambda x: tuple(tg.linalg.slogdet(x)), XB + 1.5 * np.eye(3)),
]


@pytest.mark.parametrize("name,f,a", IDENTITY, ids=[n for n, *_ in IDENTITY])
def test_vjp_and_jvp_are_adjoint_in_the_real_inner_product(name, f, a):
    rng = np.random.default_rng(7)
    g = lambda x: _flat(f(x))               # noqa: E731
    out, pull = tg.vjp(g, tg.tensor(a))
    u = _like(out.numpy(), rng)
    v = _like(a, rng)
    (ga,) = (pull(tg.tensor(u)),) if not isinstance(pull(tg.tensor(u)), tuple) else \
        pull(tg.tensor(u))
    _, dout = tg.jvp(g, (tg.tensor(a),), (tg.tensor(v),))
    lhs, rhs = _rdot(ga.numpy(), v), _rdot(u, dout.numpy())
    assert np.isclose(lhs, rhs, rtol=1e-10, atol=1e-10), (lhs, rhs)


def test_jvp_of_gauge_invariant_outputs_matches_torch():
    a, v = XB, _like(XB, np.random.default_rng(3))

    def f(m, x):
        S, top, *_ = _svd_parts(m, x)
        w, P, _ = _eigh_vecs(m, x)
        L = m.linalg.cholesky(_herm(m, x))
        Q, R = m.linalg.qr(x)
        return S, top, w, P, L, Q, R

    _, tg_d = tg.jvp(lambda x: f(tg, x), (tg.tensor(a),), (tg.tensor(v),))
    _, t_d = torch.func.jvp(lambda x: f(torch, x), (torch.tensor(a),), (torch.tensor(v),))
    for d, td in zip(tg_d, t_d):
        np.testing.assert_allclose(d.numpy(), _np(td), rtol=1e-8, atol=1e-9)


def test_jacfwd_and_vmap_batch_the_complex_rules():
    a = tg.tensor(XB)

    def loss(x):
        return tg.linalg.svdvals(x).sum() + tg.linalg.eigvalsh(_herm(tg, x)).sum()

    per = tg.vmap(tg.grad(loss))(a)
    for i in range(2):
        np.testing.assert_allclose(per[i].numpy(), tg.grad(loss)(a[i]).numpy(), rtol=1e-12,
                                   atol=1e-13)


# ------------------------------------------------------------------ the gauge

def _gauge_dependent(m, x):
    # Re of the eigenvectors' entries: changes with the phase of each column
    return m.real(m.linalg.eigh(_herm(m, x)).eigenvectors).sum()


def test_a_gauge_dependent_loss_gets_the_gradient_at_fixed_phases_where_torch_raises():
    xt = torch.tensor(X, requires_grad=True)
    with pytest.raises(RuntimeError, match="ill-defined"):
        _gauge_dependent(torch, xt).backward()
    x = tg.tensor(X, requires_grad=True)
    _gauge_dependent(tg, x).backward()
    g = x.grad.numpy()
    assert np.all(np.isfinite(g))
    # the decision: the gradient is the loss's, with the phases moved as the JVP moves
    # them (Im diag V^H dV = 0): its directional derivatives are <g, v>
    v = _like(X, np.random.default_rng(9))
    _, d = tg.jvp(lambda z: _gauge_dependent(tg, z), (tg.tensor(X),), (tg.tensor(v),))
    assert np.isclose(_rdot(g, v), float(d.numpy()), rtol=1e-10)


def test_phase_invariant_loss_gradient_does_not_depend_on_the_phases_lapack_picks():
    # rotating the phases of V (what another LAPACK might return) leaves the gradient
    x = tg.tensor(X, requires_grad=True)
    H = _herm(tg, x)
    w, V = tg.linalg.eigh(H)
    ph = np.exp(1j * np.array([0.3, -1.2, 2.0]))
    loss = (tg.abs(V * ph) ** 3).sum() + (w ** 2).sum()
    (g1,) = tg.autograd.grad(loss, [x])
    x2 = tg.tensor(X, requires_grad=True)
    w2, V2 = tg.linalg.eigh(_herm(tg, x2))
    (g2,) = tg.autograd.grad((tg.abs(V2) ** 3).sum() + (w2 ** 2).sum(), [x2])
    np.testing.assert_allclose(g1.numpy(), g2.numpy(), rtol=1e-12, atol=1e-13)


def test_repeated_eigenvalues_of_a_hermitian_matrix_give_finite_gradients():
    Q, _ = np.linalg.qr(_c(3, 3))
    A = tg.tensor(Q @ np.diag([1.0, 1.0, 3.0]) @ Q.conj().T, requires_grad=True)
    w, V = tg.linalg.eigh(A)
    P = V[:, :2] @ tg.conj(V[:, :2]).mT         # the projector onto the whole cluster
    (tg.linalg.eigvalsh(A).sum() + tg.real(P * 1.5).sum()).backward()
    g = A.grad.numpy()
    assert np.all(np.isfinite(g))
    # d tr(A) = I; the cluster projector's gradient lives off the cluster block
    Pn = Q[:, :2] @ Q[:, :2].conj().T
    np.testing.assert_allclose(Pn @ (g - np.eye(3)) @ Pn, 0, atol=1e-9)


# ------------------------------------------------------------------ errors and edges

def test_complex_cholesky_of_a_matrix_that_is_not_positive_definite_names_the_minor():
    A = np.diag([2.0, -1.0, 3.0]).astype(complex)
    with pytest.raises(tg.linalg.LinAlgError, match="leading minor of order 2"):
        tg.linalg.cholesky(tg.tensor(A))


def test_full_svd_of_a_non_square_complex_matrix_has_no_gradient():
    x = tg.tensor(TALL, requires_grad=True)
    with pytest.raises(RuntimeError, match="full_matrices=False"):
        tg.abs(tg.linalg.svd(x).U).sum().backward()


def test_third_derivatives_of_complex_svdvals_refuse():
    x = tg.tensor(TALL, requires_grad=True)
    (g,) = tg.autograd.grad(tg.linalg.svdvals(x).sum(), [x], create_graph=True)
    (h,) = tg.autograd.grad((tg.abs(g) ** 2).sum(), [x], retain_graph=True)
    assert np.all(np.isfinite(h.numpy()))
    # recording the second derivative (for a third) refuses rather than mislead
    with pytest.raises(NotImplementedError, match="third derivatives"):
        tg.autograd.grad((tg.abs(g) ** 2).sum(), [x], create_graph=True)


def test_complex_results_have_the_real_dtypes_torch_gives():
    z = tg.tensor(XB.astype(np.complex64))
    assert tg.linalg.eigvalsh(z).dtype == tg.float32
    assert tg.linalg.svd(z).S.dtype == tg.float32
    assert tg.linalg.svdvals(z).dtype == tg.float32
    sign, lad = tg.linalg.slogdet(z)
    assert sign.dtype == tg.complex64 and lad.dtype == tg.float32
    r = tg.linalg.lstsq(tg.tensor(TALL), tg.tensor(_c(4, 2)), driver="gelsd")
    assert r.residuals.dtype == tg.float64 and r.singular_values.dtype == tg.float64
    t = torch.linalg.lstsq(torch.tensor(TALL), torch.tensor(_c(4, 2)), driver="gelsd")
    assert t.singular_values.dtype == torch.float64


def test_lstsq_residuals_of_complex_systems_are_squared_moduli():
    A, B = _c(5, 2), _c(5, 3)
    r = tg.linalg.lstsq(tg.tensor(A), tg.tensor(B), driver="gelsd")
    _, res, _, _ = np.linalg.lstsq(A, B, rcond=None)
    np.testing.assert_allclose(r.residuals.numpy(), res, rtol=1e-10)


@pytest.mark.parametrize("dtype", [float, complex])
def test_empty_batches_keep_their_shapes(dtype):
    e = tg.tensor(np.zeros((0, 3, 3), dtype=dtype))
    assert tuple(tg.linalg.eigvalsh(e).shape) == (0, 3)
    assert tuple(tg.linalg.eigh(e).eigenvectors.shape) == (0, 3, 3)
    assert tuple(tg.linalg.svd(e).S.shape) == (0, 3)
    assert tuple(tg.linalg.svdvals(e).shape) == (0, 3)
