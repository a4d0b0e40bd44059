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


def _need(name, *args):
    """Skip while tg.linalg lacks `name` (the linear-algebra work adds it), after checking
    that the SciPy-style function says so."""
    if not hasattr(tg.linalg, name):
        with pytest.raises(NotImplementedError, match=f"tg.linalg.{name}"):
            getattr(linalg, name)(*args)
        pytest.skip(f"tg.linalg lacks {name} in this build")


def test_cholesky_is_upper_by_default():
    _need("cholesky", SPD)
    np.testing.assert_allclose(linalg.cholesky(SPD).numpy(), sl.cholesky(SPD))
    np.testing.assert_allclose(linalg.cholesky(SPD, lower=True).numpy(),
                               sl.cholesky(SPD, lower=True))


@pytest.mark.parametrize("trans", [0, 1, "T"])
@pytest.mark.parametrize("lower", [False, True])
def test_solve_triangular(trans, lower):
    _need("solve_triangular", SPD, B)
    a = np.tril(M) + 3 * np.eye(3) if lower else np.triu(M) + 3 * np.eye(3)
    for b in (B, B[:, 0]):
        np.testing.assert_allclose(
            linalg.solve_triangular(a, b, trans=trans, lower=lower).numpy(),
            sl.solve_triangular(a, b, trans=trans, lower=lower))
