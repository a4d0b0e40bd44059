"""tg.vmap over the linear-algebra ops: each has a batching rule (its `core` ranks,
vmap/_batched.py), so no op falls back to the per-example loop; the results and the
per-example gradients equal the ones computed example by example."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.vmap import _batched

L = tg.linalg
RNG = np.random.default_rng(11)
A = RNG.standard_normal((3, 3, 3)) * 0.4 + 2 * np.eye(3)
C = A + 0.3j * RNG.standard_normal((3, 3, 3))
B = RNG.standard_normal((3, 2))                   # unbatched right-hand sides
BB = RNG.standard_normal((2, 3, 2))               # with a batch axis of its own


def _spd(a):
    return a @ tg.conj(a).mT + tg.eye(3)


FNS = {
    "det": L.det,
    "inv": L.inv,
    "slogdet": lambda a: L.slogdet(a).logabsdet,
    "logdet": L.logdet,
    "solve": lambda a: L.solve(a, B),
    "solve_batch_broadcast": lambda a: L.solve(a, BB),
    "solve_triangular": lambda a: L.solve_triangular(a, B, upper=True),
    "cholesky": lambda a: L.cholesky(_spd(a)),
    "cholesky_solve": lambda a: L.cholesky_solve(BB, L.cholesky(_spd(a))),
    "eigh": lambda a: tg.abs(L.eigh(_spd(a)).eigenvectors) + L.eigh(_spd(a)).eigenvalues,
    "eigvalsh": lambda a: L.eigvalsh(_spd(a)),
    "eig": lambda a: tg.abs(L.eig(a).eigenvalues) + tg.abs(L.eig(a).eigenvectors),
    "svd": lambda a: L.svd(a).S,
    "svdvals": L.svdvals,
    "qr": lambda a: L.qr(a).R,
    "pinv": L.pinv,
    "matrix_exp": L.matrix_exp,
    "sqrtm": lambda a: L.sqrtm(_spd(a)),
    "solve_sylvester": lambda a: L.solve_sylvester(a, tg.tensor(A[0]), tg.tensor(B @ B.T)),
    "matrix_norm_2": lambda a: L.matrix_norm(a, 2),
    "vector_norm": L.vector_norm,
    "cond": L.cond,
}


def _real_sum(x):
    return tg.real(x).sum() if tg.is_complex(x) else x.sum()


@pytest.fixture
def no_loop(monkeypatch):
    def refuse(op, *args):
        raise AssertionError(f"vmap fell back to the per-example loop for {op.__name__}")
    monkeypatch.setattr(_batched, "_loop", refuse)


@pytest.mark.parametrize("name", sorted(FNS))
@pytest.mark.parametrize("data", [A, C], ids=["real", "complex"])
def test_vmap_and_per_example_gradients_match_the_loop(name, data, no_loop):
    f = FNS[name]
    x = tg.tensor(data)
    out = tg.vmap(f)(x).numpy()
    g = tg.vmap(tg.grad(lambda a: _real_sum(f(a))))(x).numpy()
    for i in range(len(data)):
        xi = tg.tensor(data[i])
        np.testing.assert_allclose(out[i], f(xi).numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(g[i], tg.grad(lambda a: _real_sum(f(a)))(xi).numpy(),
                                   rtol=1e-9, atol=1e-11)


def test_hessians_of_det_batch_without_the_loop(no_loop):
    x = tg.tensor(A)
    h = tg.vmap(tg.hessian(L.det))(x).numpy()
    for i in range(3):
        np.testing.assert_allclose(h[i], tg.hessian(L.det)(tg.tensor(A[i])).numpy(),
                                   rtol=1e-10, atol=1e-12)
