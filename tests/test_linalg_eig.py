"""tg.linalg.eig/eigvals against torch.linalg in float64 and complex128: complex results
for real input too, values, gradients of losses that do not see the eigenvectors' phases
(real input: a real gradient), second order, JVPs of the raw factors, the gauge check
torch makes, and vmap."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(5)
P = RNG.standard_normal((2, 4, 4)) * 0.4 + 2 * np.eye(4)
REAL = P @ np.diag([1.0, -0.5, 2.0, 3.5]) @ np.linalg.inv(P)        # real eigenvalues
ROT = np.array([[1.5, 0.8, 0.0], [-0.8, 1.5, 0.0], [0.0, 0.0, 0.4]])
PAIR = P[0, :3, :3] @ ROT @ np.linalg.inv(P[0, :3, :3])              # a complex pair
CPLX = RNG.standard_normal((2, 3, 3)) + 1j * RNG.standard_normal((2, 3, 3))


def _np(t):
    return t.detach().resolve_conj().numpy()


def _invariant(m, x):
    """Outputs blind to v_i -> v_i e^(i phi): w, |V|, v_ij conj(v_0j), V diag(w) V^-1."""
    w, V = m.linalg.eig(x)
    return w, m.abs(V), V * m.conj(V[..., :1, :]), (V * w[..., None, :]) @ m.linalg.inv(V)


def _loss(m, outs):
    total = 0.0
    for k, o in enumerate(outs):
        wts = m.tensor(np.linspace(0.5, 1.5, o.numel()).reshape(tuple(o.shape)))
        if o.is_complex():
            total = total + (m.abs(o) ** 2 * wts).sum() + m.imag(o * (0.3 - 0.7j) * k).sum()
        else:
            total = total + (o * wts).sum() + 0.1 * (o ** 2).sum()
    return total


@pytest.mark.parametrize("a", [REAL, PAIR, CPLX], ids=["real", "pair", "complex"])
def test_values_gradients_and_second_order_match_torch(a):
    x, t = tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)
    out, tout = _invariant(tg, x), _invariant(torch, t)
    for o, to in zip(out, tout):
        assert o.dtype == (tg.complex128 if to.is_complex() else tg.float64)
        np.testing.assert_allclose(o.detach().numpy(), _np(to), rtol=1e-9, atol=1e-10)
    (g,) = tg.autograd.grad(_loss(tg, out), [x], create_graph=True)
    (gt,) = torch.autograd.grad(_loss(torch, tout), [t], create_graph=True)
    assert g.dtype == (tg.complex128 if np.iscomplexobj(a) else tg.float64)
    np.testing.assert_allclose(g.detach().numpy(), _np(gt), rtol=1e-8, atol=1e-9)
    (h,) = tg.autograd.grad((tg.abs(g) ** 2).sum(), [x])
    (ht,) = torch.autograd.grad((gt.abs() ** 2).sum(), [t])
    np.testing.assert_allclose(h.numpy(), _np(ht), rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("a", [PAIR, CPLX[0]], ids=["pair", "complex"])
def test_jvp_of_the_raw_factors_matches_torch(a):
    v = RNG.standard_normal(a.shape) + (1j * RNG.standard_normal(a.shape)
                                        if np.iscomplexobj(a) else 0)
    _, d = tg.jvp(lambda x: tuple(tg.linalg.eig(x)), (tg.tensor(a),), (tg.tensor(v),))
    _, dt = torch.func.jvp(lambda x: tuple(torch.linalg.eig(x)), (torch.tensor(a),),
                           (torch.tensor(v),))
    for o, to in zip(d, dt):
        np.testing.assert_allclose(o.numpy(), _np(to), rtol=1e-9, atol=1e-10)


def test_vjp_is_the_adjoint_of_the_jvp_on_invariant_outputs():
    rng = np.random.default_rng(2)

    def f(x):
        return tg.concatenate([tg.reshape(o if tg.is_complex(o) else o.astype(tg.complex128),
                                          (-1,)) for o in _invariant(tg, x)])
    out, pull = tg.vjp(f, tg.tensor(CPLX))
    u = rng.standard_normal(out.shape) + 1j * rng.standard_normal(out.shape)
    v = rng.standard_normal(CPLX.shape) + 1j * rng.standard_normal(CPLX.shape)
    (ga,) = pull(tg.tensor(u))
    _, dout = tg.jvp(f, (tg.tensor(CPLX),), (tg.tensor(v),))
    lhs = np.real(np.vdot(ga.numpy(), v))
    rhs = np.real(np.vdot(u, dout.numpy()))
    assert np.isclose(lhs, rhs, rtol=1e-9), (lhs, rhs)


def test_a_loss_that_sees_the_phases_raises_as_torch_does():
    t = torch.tensor(PAIR, requires_grad=True)
    with pytest.raises(RuntimeError, match="ill-defined"):
        torch.linalg.eig(t).eigenvectors.real.sum().backward()
    x = tg.tensor(PAIR, requires_grad=True)
    with pytest.raises(RuntimeError, match=r"linalg\.eig.*ill-defined"):
        tg.real(tg.linalg.eig(x).eigenvectors).sum().backward()


def test_eigvals_of_a_real_matrix_with_a_complex_pair_has_torchs_real_gradient():
    x, t = tg.tensor(PAIR, requires_grad=True), torch.tensor(PAIR, requires_grad=True)
    tg.imag(tg.linalg.eigvals(x) ** 2).sum().backward()
    (torch.linalg.eigvals(t) ** 2).imag.sum().backward()
    assert x.grad.dtype == tg.float64
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-11)


def test_vmap_and_jacrev_batch_eig():
    def f(x):
        return tg.abs(tg.linalg.eigvals(x)).sum()
    per = tg.vmap(tg.grad(f))(tg.tensor(REAL))
    for i in range(2):
        np.testing.assert_allclose(per[i].numpy(), tg.grad(f)(tg.tensor(REAL[i])).numpy(),
                                   rtol=1e-12, atol=1e-13)
    J = tg.jacrev(lambda x: tg.abs(tg.linalg.eigvals(x)))(tg.tensor(PAIR)).numpy()
    Jt = torch.autograd.functional.jacobian(lambda x: torch.linalg.eigvals(x).abs(),
                                            torch.tensor(PAIR))
    np.testing.assert_allclose(J, Jt.numpy(), rtol=1e-9, atol=1e-11)
