"""tg.linalg.norm, matrix_norm and vector_norm against numpy.linalg.norm (values, every
ord, axis pairs, keepdims) and torch.linalg (names, arguments, gradients)."""
import numpy as np
import pytest
torch = pytest.importorskip("torch")

import tapegrad as tg

L = tg.linalg
RNG = np.random.default_rng(1617)
MATRIX_ORDS = [None, "fro", "nuc", 1, -1, 2, -2, np.inf, -np.inf]
VECTOR_ORDS = [None, 1, 2, 3, 0.5, -1, 0, np.inf, -np.inf]


def _x(*shape):
    return RNG.standard_normal(shape)


@pytest.mark.parametrize("ord", MATRIX_ORDS)
@pytest.mark.parametrize("axis", [None, (0, 1), (1, 0), (-1, -2)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_matrix_norm_of_2d_matches_numpy(ord, axis, keepdims):
    a = _x(4, 3)
    got = L.norm(tg.tensor(a), ord, axis, keepdims).numpy()
    want = np.linalg.norm(a, ord, axis, keepdims)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-12)


@pytest.mark.parametrize("ord", MATRIX_ORDS[1:])
@pytest.mark.parametrize("axis", [(0, 2), (2, 1), (-1, 0)])
def test_matrix_norm_over_an_axis_pair_of_3d_matches_numpy(ord, axis):
    a = _x(3, 4, 5)
    for keepdims in (False, True):
        got = L.norm(tg.tensor(a), ord, axis, keepdims).numpy()
        np.testing.assert_allclose(got, np.linalg.norm(a, ord, axis, keepdims), rtol=1e-12)
    tm = L.matrix_norm(tg.tensor(a), ord, dim=axis).numpy()
    np.testing.assert_allclose(tm, torch.linalg.matrix_norm(torch.tensor(a), ord, dim=axis),
                               rtol=1e-12)


@pytest.mark.parametrize("ord", VECTOR_ORDS)
def test_vector_norm_matches_numpy(ord):
    a = _x(3, 5)
    a[0, 1] = 0.0
    for axis in (0, 1, -1):
        for keepdims in (False, True):
            got = L.norm(tg.tensor(a), ord, axis, keepdims).numpy()
            np.testing.assert_allclose(got, np.linalg.norm(a, ord, axis, keepdims),
                                       rtol=1e-12)
    v = a[1]
    np.testing.assert_allclose(L.norm(tg.tensor(v), ord).numpy(), np.linalg.norm(v, ord),
                               rtol=1e-12)


def test_nd_input_without_axis_follows_numpy():
    a = _x(2, 3, 4)
    np.testing.assert_allclose(L.norm(tg.tensor(a)).numpy(), np.linalg.norm(a), rtol=1e-12)
    with pytest.raises(ValueError, match="linalg.norm: .*1-D or 2-D"):
        L.norm(tg.tensor(a), 2)
    with pytest.raises(ValueError, match="ord"):
        L.norm(tg.tensor(a[0]), 3, axis=(0, 1))
    with pytest.raises(ValueError, match="two different axes"):
        L.norm(tg.tensor(a), "fro", axis=(1, 1))


def _torch_grad(fn, a):
    t = torch.tensor(a, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.numpy()


def _tg_grad(fn, a):
    t = tg.tensor(a, requires_grad=True)
    fn(t).sum().backward()
    return t.grad.numpy()


@pytest.mark.parametrize("ord", MATRIX_ORDS[1:])
def test_matrix_norm_gradients_match_torch(ord):
    a = _x(2, 4, 3)             # distinct singular values and no ties in sums (almost surely)
    for dim in ((-2, -1), (0, 2)):
        for keepdim in (False, True):
            g = _tg_grad(lambda t: L.matrix_norm(t, ord, dim=dim, keepdim=keepdim), a)
            want = _torch_grad(lambda t: torch.linalg.matrix_norm(t, ord, dim=dim,
                                                                   keepdim=keepdim), a)
            np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12)
    g = _tg_grad(lambda t: L.norm(t, ord, (0, 2)), a)
    want = _torch_grad(lambda t: torch.linalg.norm(t, ord, (0, 2)), a)
    np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("ord", [1, 2, 3, 0.5, -1, np.inf, -np.inf])
def test_vector_norm_gradients_match_torch(ord):
    a = _x(3, 4)
    for dim in (None, 0, (0, 1), -1):
        g = _tg_grad(lambda t: L.vector_norm(t, ord, dim=dim), a)
        want = _torch_grad(lambda t: torch.linalg.vector_norm(t, ord, dim=dim), a)
        np.testing.assert_allclose(g, want, rtol=1e-10, atol=1e-12)


def test_second_order_of_norms():
    a = tg.tensor(_x(3, 3), requires_grad=True)
    for ord in ("fro", 1, np.inf, -1, -np.inf):
        assert tg.gradgradcheck(lambda t: L.matrix_norm(t, ord), [a])
    assert tg.gradgradcheck(lambda t: L.matrix_norm(t, 2), [a])
    assert tg.gradgradcheck(lambda t: L.vector_norm(t, 3, dim=0), [a])


def test_torch_argument_names():
    a = tg.tensor(_x(2, 3, 3))
    t = torch.tensor(a.numpy())
    for got, want in [
        (L.matrix_norm(a, ord="nuc", dim=(-1, -2), keepdim=True),
         torch.linalg.matrix_norm(t, ord="nuc", dim=(-1, -2), keepdim=True)),
        (L.vector_norm(a, ord=3, dim=(1, 2), keepdim=True),
         torch.linalg.vector_norm(t, ord=3, dim=(1, 2), keepdim=True)),
        (L.norm(a, ord=2, dim=(1, 2), keepdim=False),
         torch.linalg.norm(t, ord=2, dim=(1, 2), keepdim=False)),
        (L.norm(a[0], dim=1), torch.linalg.norm(t[0], dim=1)),
    ]:
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12)
        assert got.shape == tuple(want.shape)
