"""tapegrad.scipy.linalg.solve_banded against SciPy: values, gradients (against the
dense solve's, mapped into band storage), second order, and bad arguments."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.ops.banded import _dense
from tapegrad.scipy import linalg as tsl

sl = pytest.importorskip("scipy.linalg")


def _band(rng, l, u, n):
    ab = rng.uniform(-1.0, 1.0, (l + u + 1, n))
    ab[u] += 4.0                        # diagonally dominant
    return ab


def _to_band(D, l, u):
    """The band array of the dense matrix D's band (the gradient's band part)."""
    n = D.shape[0]
    ab = np.zeros((l + u + 1, n))
    for i in range(n):
        for j in range(max(0, i - l), min(n, i + u + 1)):
            ab[u + i - j, j] = D[i, j]
    return ab


@pytest.mark.parametrize("l,u", [(0, 0), (1, 1), (2, 1), (0, 3), (3, 0)])
@pytest.mark.parametrize("k", [None, 3])
def test_values_and_gradients_match(l, u, k):
    rng = np.random.default_rng(l * 10 + u + (k or 0))
    n = 6
    ab = _band(rng, l, u, n)
    b = rng.standard_normal(n if k is None else (n, k))
    np.testing.assert_allclose(tsl.solve_banded((l, u), ab, b).numpy(),
                               sl.solve_banded((l, u), ab, b), rtol=1e-13, atol=1e-14)
    W = rng.standard_normal(b.shape)
    gab, gb = tg.grad(lambda a, c: tg.sum(tsl.solve_banded((l, u), a, c) * W),
                      argnums=(0, 1))(tg.tensor(ab), tg.tensor(b))
    D = tg.tensor(_dense(ab, l, u))
    gD, gb2 = tg.grad(lambda a, c: tg.sum(tg.linalg.solve(a, c if k else c[:, None])
                                          .reshape(b.shape) * W),
                      argnums=(0, 1))(D, tg.tensor(b))
    np.testing.assert_allclose(gab.numpy(), _to_band(gD.numpy(), l, u), atol=1e-12)
    np.testing.assert_allclose(gb.numpy(), gb2.numpy(), atol=1e-12)


def test_corner_entries_are_ignored_and_get_zero_gradient():
    rng = np.random.default_rng(1)
    ab = _band(rng, 2, 1, 5)
    b = rng.standard_normal(5)
    noisy = ab.copy()
    noisy[0, 0] = noisy[2, 4] = noisy[3, 3:] = 99.0     # unread by SciPy
    np.testing.assert_allclose(tsl.solve_banded((2, 1), noisy, b).numpy(),
                               tsl.solve_banded((2, 1), ab, b).numpy())
    g = tg.grad(lambda a: tg.sum(tsl.solve_banded((2, 1), a, b)))(tg.tensor(noisy))
    assert g.numpy()[0, 0] == 0 and g.numpy()[2, 4] == 0 and not g.numpy()[3, 3:].any()


def test_second_order_and_forward_mode_against_finite_differences():
    rng = np.random.default_rng(2)
    ab, b = _band(rng, 1, 2, 5), rng.standard_normal(5)

    def f(a):
        return tg.sum(tsl.solve_banded((1, 2), a, b) ** 2)
    H = tg.hessian(f)(tg.tensor(ab)).numpy()
    eps = 1e-6
    g = tg.grad(f)
    for idx in [(0, 3), (1, 1), (3, 0)]:
        e = np.zeros_like(ab)
        e[idx] = eps
        fd = (g(tg.tensor(ab + e)).numpy() - g(tg.tensor(ab - e)).numpy()) / (2 * eps)
        np.testing.assert_allclose(H[(slice(None), slice(None)) + idx], fd, atol=1e-6)
    t = rng.standard_normal(ab.shape)
    _, jv = tg.jvp(lambda a: tsl.solve_banded((1, 2), a, b), (tg.tensor(ab),), (tg.tensor(t),))
    fd = (sl.solve_banded((1, 2), ab + eps * t, b) - sl.solve_banded((1, 2), ab - eps * t, b)) \
        / (2 * eps)
    np.testing.assert_allclose(jv.numpy(), fd, atol=1e-7)


def test_edges():
    assert tsl.solve_banded((0, 0), np.ones((1, 0)), np.ones(0)).shape == (0,)
    r = tsl.solve_banded((0, 0), np.full((1, 3), 2, np.float32), np.ones(3, np.float32))
    assert r.dtype == tg.float32 and np.allclose(r.numpy(), 0.5)
    r = tsl.solve_banded((1, 1), [[0, 1, 1], [4, 4, 4], [1, 1, 0]], [5, 6, 5])
    assert r.dtype == tg.float64 and np.allclose(r.numpy(), 1.0)     # ints: float64


def test_bad_arguments():
    ab, b = np.ones((3, 4)), np.ones(4)
    with pytest.raises(TypeError, match="solve_banded: l_and_u"):
        tsl.solve_banded(1, ab, b)
    with pytest.raises(ValueError, match="non-negative"):
        tsl.solve_banded((-1, 3), ab, b)
    with pytest.raises(ValueError, match=r"ab must have shape \(l \+ u \+ 1, n\)"):
        tsl.solve_banded((1, 2), ab, b)
    with pytest.raises(ValueError, match="b must have shape"):
        tsl.solve_banded((1, 1), ab, np.ones(3))
    with pytest.raises(ValueError, match="infs or NaNs"):
        tsl.solve_banded((1, 1), ab, np.array([1.0, np.nan, 0, 0]))
    singular = np.array([[1.0, 0, 2], [0, 0, 0]])
    with pytest.raises(tg.linalg.LinAlgError, match="singular"):
        tsl.solve_banded((1, 0), singular, np.ones(3))
