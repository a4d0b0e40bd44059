"""Complex matrices and transforms against torch.linalg and torch.fft in complex128:
values, the gradient of a real loss (PyTorch's convention) and second order, for the
holomorphic linear-algebra functions (inv, solve, solve_triangular, det, matrix_exp,
matrix_power, multi_dot) with batches, and for the FFTs meeting them."""
import warnings

import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(21)


def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


A = _c(3, 3) * 0.3 + 2.0 * np.eye(3)
AB = _c(2, 3, 3) * 0.3 + 2.0 * np.eye(3)          # a batch of two
B = _c(3, 2)
BB = _c(2, 3, 2)
S = _c(4, 6)
SING = np.outer([1 + 1j, 2 - 1j, 0.5j], [1, 1j, -2 + 0.5j])   # rank one


def _np(t):
    return t.detach().resolve_conj().numpy()


# (name, f(m, *inputs) for m = tg or torch, inputs)
FNS = [
    ("inv", lambda m, a: m.linalg.inv(a), (A,)),
    ("inv_batched", lambda m, a: m.linalg.inv(a), (AB,)),
    ("solve", lambda m, a, b: m.linalg.solve(a, b), (A, B)),
    ("solve_batched_broadcast", lambda m, a, b: m.linalg.solve(a, b), (AB, B)),
    ("solve_vector", lambda m, a, b: m.linalg.solve(a, b[:, 0]), (A, B)),
    ("solve_right", lambda m, a, b: m.linalg.solve(a, b.mT, left=False), (A, B)),
    ("solve_triangular_upper",
     lambda m, a, b: m.linalg.solve_triangular(m.triu(a), b, upper=True), (A, BB)),
    ("solve_triangular_lower_unit",
     lambda m, a, b: m.linalg.solve_triangular(m.tril(a), b, upper=False,
                                               unitriangular=True), (A, B)),
    ("det", lambda m, a: m.linalg.det(a), (AB,)),
    ("matrix_exp", lambda m, a: m.linalg.matrix_exp(a), (A * 0.5,)),
    ("matrix_exp_batched", lambda m, a: m.linalg.matrix_exp(a), (AB * 0.4,)),
    ("matrix_power", lambda m, a: m.linalg.matrix_power(a, 3), (A * 0.6,)),
    ("matrix_power_negative", lambda m, a: m.linalg.matrix_power(a, -2), (A,)),
    ("multi_dot", lambda m, a, b: m.linalg.multi_dot([a, a, b]), (A, B)),
    ("fft_then_solve", lambda m, a, b: m.linalg.solve(a, m.fft.fft(b, dim=0)), (A, B)),
    ("fft2_of_inv", lambda m, a: m.fft.fft2(m.linalg.inv(a), norm="ortho"), (A,)),
    ("ifftn_rfft", lambda m, s: m.fft.ifftn(m.fft.rfft(m.real(s) * m.imag(s))), (S,)),
    ("irfft_of_matmul", lambda m, a, s: m.fft.irfft(a @ s[:3, :3], n=4), (A, S)),
    ("det_times_fft", lambda m, a: m.linalg.det(a) * m.fft.ifft(a, norm="forward"), (A,)),
]


def _real_loss(m, out):
    wts = m.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
    if out.is_complex():
        return (m.abs(out) ** 2 * wts).sum() + m.imag(out * (0.4 + 0.2j)).sum()
    return (out * wts).sum()


@pytest.mark.parametrize("name,f,inputs", FNS, ids=[n for n, *_ in FNS])
def test_values_gradients_and_second_order_match_torch(name, f, inputs):
    xs = [tg.tensor(a, requires_grad=True) for a in inputs]
    ts = [torch.tensor(a, requires_grad=True) for a in inputs]
    out, tout = f(tg, *xs), f(torch, *ts)
    assert out.dtype == (tg.complex128 if tout.is_complex() else tg.float64)
    np.testing.assert_allclose(out.detach().numpy(), _np(tout), rtol=1e-10, atol=1e-11)
    gs = tg.autograd.grad(_real_loss(tg, out), xs, create_graph=True)
    gts = torch.autograd.grad(_real_loss(torch, tout), ts, create_graph=True)
    for g, gt in zip(gs, gts):
        assert g.dtype == tg.complex128
        np.testing.assert_allclose(g.detach().numpy(), _np(gt), rtol=1e-9, atol=1e-10)
    # second order: a real function of the gradient, differentiated again
    hs = tg.autograd.grad(sum((tg.abs(g) ** 2).sum() for g in gs), xs)
    hts = torch.autograd.grad(sum((g.abs() ** 2).sum() for g in gts), ts)
    for h, ht in zip(hs, hts):
        np.testing.assert_allclose(h.numpy(), _np(ht), rtol=1e-8, atol=1e-9)


def test_det_of_a_singular_complex_matrix_has_the_adjugate_as_gradient():
    a = tg.tensor(SING, requires_grad=True)
    d = tg.linalg.det(a)
    assert abs(d.item()) < 1e-12
    g, = tg.autograd.grad(tg.real(d * (1 - 2j)), [a])
    t = torch.tensor(SING, requires_grad=True)
    gt, = torch.autograd.grad(torch.real(torch.linalg.det(t) * (1 - 2j)), [t])
    assert np.all(np.isfinite(g.numpy()))
    np.testing.assert_allclose(g.numpy(), _np(gt), atol=1e-10)


def test_holomorphic_jacobians_of_matrix_functions():
    # d inv(A) = -inv(A) dA inv(A): jacfwd and jacrev with holomorphic=True agree and
    # give the complex derivative (not conjugated), as JAX's holomorphic=True does
    a = tg.tensor(A)
    inv = np.linalg.inv(A)
    want = -np.einsum("ik,lj->ijkl", inv, inv)
    for jac in (tg.jacfwd, tg.jacrev):
        got = jac(tg.linalg.inv, holomorphic=True)(a)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-11, atol=1e-12)


def test_holomorphic_hessian_is_the_complex_second_derivative():
    z0 = np.array([0.3 + 0.2j, 1.0 - 0.5j])
    h = tg.hessian(lambda z: tg.exp(z[0] * z[1]), holomorphic=True)(tg.tensor(z0))
    e, p = np.exp(z0[0] * z0[1]), z0[0] * z0[1]
    want = np.array([[z0[1] ** 2 * e, (1 + p) * e], [(1 + p) * e, z0[0] ** 2 * e]])
    np.testing.assert_allclose(h.numpy(), want, rtol=1e-12)
    with pytest.raises(TypeError, match="holomorphic"):
        tg.hessian(lambda z: (z ** 3).sum())(tg.tensor(z0))


def test_vmap_of_grad_on_complex_inputs_is_batched_without_the_fallback():
    def loss(z):
        return (tg.abs(z @ z) ** 2).sum() + tg.real(tg.fft.fft(tg.exp(z[0]))).sum()
    zs = tg.tensor(AB)
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the per-element fallback warns
        got = tg.vmap(tg.grad(loss))(zs)
    want = np.stack([tg.grad(loss)(tg.tensor(a)).numpy() for a in AB])
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-13)
