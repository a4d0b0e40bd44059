"""Norms: a finite (zero) subgradient at 0 for every ord, no overflow or underflow at
any scale, and matrix norms that follow numpy.linalg.norm / torch.linalg.norm (values,
gradients and second derivatives)."""
import numpy as np
import pytest

import tapegrad as tg

VECTOR_ORDS = [2, 1, 3, 0.5, np.inf, -np.inf, 0, -1, -2.5]
MATRIX_ORDS = [None, "fro", "nuc", np.inf, -np.inf, 1, -1, 2, -2]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=str)
def test_every_ord_has_a_zero_gradient_at_zero(ord, dtype):
    x = tg.tensor(np.zeros(3, dtype), requires_grad=True)
    out = tg.linalg.vector_norm(x, ord)
    out.backward()
    assert out.item() == 0.0
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(3))


@pytest.mark.parametrize("ord", [2, 3, 0.5, -1, -2.5], ids=str)
def test_zero_among_nonzeros_gives_a_finite_gradient_as_torch(ord):
    torch = pytest.importorskip("torch")
    a = np.array([0.0, 1.5, -2.0])
    x = tg.tensor(a, requires_grad=True)
    tg.linalg.vector_norm(x, ord).backward()
    t = torch.tensor(a, requires_grad=True)
    torch.linalg.vector_norm(t, ord).backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), atol=1e-12)


SCALES = {"float64": (np.float64, [1e200, 1e-170]), "float32": (np.float32, [1e30, 1e-30])}


@pytest.mark.parametrize("dt", SCALES, ids=list(SCALES))
@pytest.mark.parametrize("ord", [2, 1, 3, 0.5, np.inf, -1], ids=str)
def test_norm_is_exact_and_differentiable_at_huge_and_tiny_scales(ord, dt):
    dtype, scales = SCALES[dt]
    base = np.array([3.0, 4.0])
    ref = np.linalg.norm(base, ord)
    dref = np.sign(base) * (np.abs(base) / ref) ** (ord - 1) if np.isfinite(ord) \
        else np.array([0.0, 1.0])
    for s in scales:
        x = tg.tensor((base * s).astype(dtype), requires_grad=True)
        out = tg.norm(x, ord)
        out.backward()
        assert out.dtype == dtype
        np.testing.assert_allclose(out.item() / s, ref, rtol=1e-5)
        np.testing.assert_allclose(x.grad.numpy(), dref, rtol=1e-5)


def test_issue_examples_no_longer_overflow_or_underflow():
    np.testing.assert_allclose(tg.norm(tg.tensor([3e200, 4e200], dtype=tg.float64)).item(),
                               5e200, rtol=1e-15)
    np.testing.assert_allclose(tg.norm(tg.tensor([3e-170, 4e-170], dtype=tg.float64)).item(),
                               5e-170, rtol=1e-15)


def test_norm_of_inf_and_nan_propagates():
    assert tg.norm(tg.tensor([np.inf, 1.0])).item() == np.inf
    assert np.isnan(tg.norm(tg.tensor([np.nan, 1.0])).item())


def test_scaled_norm_has_a_finite_hessian_at_zero():
    h = tg.hessian(lambda t: tg.linalg.vector_norm(t, 3))(np.zeros(3))
    assert np.all(np.isfinite(h.numpy()))


@pytest.mark.parametrize("ord", VECTOR_ORDS, ids=str)
@pytest.mark.parametrize("dim", [None, 0, 1, (0, 1)], ids=str)
def test_vector_norm_matches_torch_values_and_gradients(ord, dim):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(3).standard_normal((3, 4))
    x = tg.tensor(a, requires_grad=True)
    out = tg.linalg.vector_norm(x, ord, dim)
    out.sum().backward()
    t = torch.tensor(a, requires_grad=True)
    ref = torch.linalg.vector_norm(t, ord, dim)
    ref.sum().backward()
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy(), rtol=1e-12)
    tgrad = np.zeros_like(a) if t.grad is None else t.grad.numpy()
    np.testing.assert_allclose(x.grad.numpy(), tgrad, rtol=1e-10, atol=1e-12)


MATRIX_CASES = [((3, 4), None), ((4, 3), (1, 0)), ((2, 3, 4), (1, 2)), ((2, 3, 4), (2, 0)),
                ((3, 3), (-1, -2))]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("shape, axis", MATRIX_CASES, ids=str)
@pytest.mark.parametrize("ord", MATRIX_ORDS, ids=str)
def test_linalg_norm_matches_numpy_values_and_torch_gradients(ord, shape, axis, keepdims):
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(5).standard_normal(shape)
    x = tg.tensor(a, requires_grad=True)
    out = tg.linalg.norm(x, ord, axis, keepdims)
    ref = np.linalg.norm(a, ord, axis, keepdims)
    assert out.shape == ref.shape
    np.testing.assert_allclose(out.numpy(), ref, rtol=1e-12)
    out.sum().backward()
    t = torch.tensor(a, requires_grad=True)
    torch.linalg.norm(t, ord, axis, keepdims).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_issue_example_matrix_two_norm_is_the_largest_singular_value():
    a = tg.tensor([[1.0, 2.0], [3.0, 4.0]], dtype=tg.float64)
    np.testing.assert_allclose(tg.linalg.norm(a, 2).item(), 5.464985704219043, rtol=1e-14)
    np.testing.assert_allclose(tg.linalg.norm(a, "nuc").item(), np.linalg.norm(a.numpy(), "nuc"))
    np.testing.assert_allclose(tg.linalg.norm(a, 1).item(), 6.0)
    np.testing.assert_allclose(tg.linalg.norm(a, np.inf).item(), 7.0)


def test_matrix_norm_uses_torch_names_and_defaults():
    a = np.random.default_rng(2).standard_normal((2, 3, 4))
    np.testing.assert_allclose(tg.linalg.matrix_norm(tg.tensor(a)).numpy(),
                               np.linalg.norm(a, "fro", axis=(-2, -1)))
    np.testing.assert_allclose(tg.linalg.matrix_norm(tg.tensor(a), 2, dim=(0, 2)).numpy(),
                               np.linalg.norm(a, 2, axis=(0, 2)))


def test_top_level_norm_stays_a_vector_norm_as_torch_norm():
    torch = pytest.importorskip("torch")
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_allclose(tg.norm(tg.tensor(a), 2).item(),
                               torch.norm(torch.tensor(a), 2).item())
    np.testing.assert_allclose(tg.norm(tg.tensor(a), "nuc").item(),
                               torch.norm(torch.tensor(a), "nuc").item())


@pytest.mark.parametrize("shape", [(3, 3), (4, 3), (3, 5), (2, 4, 3)], ids=str)
@pytest.mark.parametrize("ord", ["nuc", 2, -2], ids=str)
def test_singular_value_norms_have_torchs_second_derivatives(ord, shape):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(8)
    a, v = rng.standard_normal(shape), rng.standard_normal(shape)
    x = tg.tensor(a, requires_grad=True)
    (g,) = tg.autograd.grad(tg.linalg.matrix_norm(x, ord).sum(), x, create_graph=True)
    (hv,) = tg.autograd.grad((g * v).sum(), x)
    t = torch.tensor(a, requires_grad=True)
    (tgr,) = torch.autograd.grad(torch.linalg.matrix_norm(t, ord).sum(), t, create_graph=True)
    (thv,) = torch.autograd.grad((tgr * torch.tensor(v)).sum(), t)
    np.testing.assert_allclose(hv.numpy(), thv.numpy(), rtol=1e-8, atol=1e-10)


def test_third_derivative_of_singular_values_raises_clearly():
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((3, 3)), requires_grad=True)
    (g,) = tg.autograd.grad(tg.linalg.norm(x, 2), x, create_graph=True)
    with pytest.raises(NotImplementedError, match="svdvals: third derivatives"):
        tg.autograd.grad((g * rng.standard_normal((3, 3))).sum(), x, create_graph=True)


def test_svdvals_match_torch_with_gradients():
    torch = pytest.importorskip("torch")
    a = np.random.default_rng(4).standard_normal((2, 3, 5))
    x = tg.tensor(a, requires_grad=True)
    s = tg.linalg.svdvals(x)
    (s * np.arange(1.0, 4.0)).sum().backward()
    t = torch.tensor(a, requires_grad=True)
    ts = torch.linalg.svdvals(t)
    (ts * torch.arange(1.0, 4.0, dtype=torch.float64)).sum().backward()
    np.testing.assert_allclose(s.detach().numpy(), ts.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-9, atol=1e-12)


def test_norm_of_complex_values_uses_the_modulus():
    z = np.array([3 + 4j, 1j])
    for ord in (2, 3):
        np.testing.assert_allclose(tg.linalg.vector_norm(tg.tensor(z), ord).item(),
                                   np.linalg.norm(z, ord), rtol=1e-14)
