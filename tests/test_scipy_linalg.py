"""tapegrad.scipy.linalg: SciPy's signatures and conventions over tg.linalg."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.scipy import linalg

sl = pytest.importorskip("scipy.linalg")

rng = np.random.default_rng(0)
M = rng.standard_normal((3, 3))
SPD = M @ M.T + 3 * np.eye(3)
B = rng.standard_normal((3, 2))


def test_norm_is_there():
    np.testing.assert_allclose(linalg.norm(M).numpy(), sl.norm(M))
    np.testing.assert_allclose(linalg.norm(M, 1).numpy(), sl.norm(M, 1))



def test_cholesky_is_upper_by_default():
    np.testing.assert_allclose(linalg.cholesky(SPD).numpy(), sl.cholesky(SPD))
    np.testing.assert_allclose(linalg.cholesky(SPD, lower=True).numpy(),
                               sl.cholesky(SPD, lower=True))


@pytest.mark.parametrize("trans", [0, 1, "T"])
@pytest.mark.parametrize("lower", [False, True])
def test_solve_triangular(trans, lower):
    a = np.tril(M) + 3 * np.eye(3) if lower else np.triu(M) + 3 * np.eye(3)
    for b in (B, B[:, 0]):
        np.testing.assert_allclose(
            linalg.solve_triangular(a, b, trans=trans, lower=lower).numpy(),
            sl.solve_triangular(a, b, trans=trans, lower=lower))


def test_sqrtm_and_solve_sylvester_match_scipy_with_gradients():
    rng = np.random.default_rng(3)
    a = rng.standard_normal((3, 3))
    spd = a @ a.T + 3 * np.eye(3)
    np.testing.assert_allclose(linalg.sqrtm(spd).numpy(), sl.sqrtm(spd), rtol=1e-10)
    b = rng.standard_normal((3, 3)) + 4 * np.eye(3)
    q = rng.standard_normal((3, 3))
    np.testing.assert_allclose(linalg.solve_sylvester(spd, b, q).numpy(),
                               sl.solve_sylvester(spd, b, q), rtol=1e-10)
    assert tg.gradcheck(lambda m: linalg.sqrtm(m @ m.T + 3 * tg.eye(3, dtype=np.float64)),
                        [tg.tensor(a, requires_grad=True)])
    assert tg.gradcheck(lambda q: linalg.solve_sylvester(spd, b, q),
                        [tg.tensor(q, requires_grad=True)])
