"""tnp.linalg with NumPy's signatures (svd's compute_uv, pinv's rcond, matrix_rank's tol,
axis= keywords, NumPy 2's outer/diagonal/trace/tensordot, tensorsolve/tensorinv) and
NumPy's argument conversion (integer lists are float64) for every forwarded name."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

RNG = np.random.default_rng(0)
A = RNG.standard_normal((4, 3))


@pytest.mark.parametrize("name", ["inv", "det", "slogdet", "eigvalsh", "cholesky", "qr",
                                  "matrix_power"])
def test_integer_lists_are_float64(name):
    m = [[4, 1], [1, 3]]
    args = (m, 2) if name == "matrix_power" else (m,)
    got = getattr(tnp.linalg, name)(*args)
    want = getattr(np.linalg, name)(*args)
    for g, w in zip(got if isinstance(got, tuple) else (got,),
                    want if isinstance(want, tuple) else (want,)):
        assert g.dtype == tg.float64
        np.testing.assert_allclose(np.abs(g.numpy()), np.abs(w), rtol=1e-12)


def test_svd_signature():
    np.testing.assert_allclose(tnp.linalg.svd(A, compute_uv=False).numpy(),
                               np.linalg.svd(A, compute_uv=False))
    U, S, Vh = tnp.linalg.svd(A, full_matrices=False)
    np.testing.assert_allclose(((U * S) @ Vh).numpy(), A, atol=1e-12)
    assert tnp.linalg.svd(A)[0].shape == (4, 4)
    g = tg.grad(lambda a: tnp.sum(tnp.linalg.svd(a, compute_uv=False)))(tg.tensor(A))
    u, _, vh = np.linalg.svd(A, full_matrices=False)
    np.testing.assert_allclose(g.numpy(), u @ vh, atol=1e-12)   # d sum(s) = U V^T


def test_pinv_and_matrix_rank_thresholds():
    np.testing.assert_allclose(tnp.linalg.pinv(A).numpy(), np.linalg.pinv(A), atol=1e-12)
    np.testing.assert_allclose(tnp.linalg.pinv(A, 0.9).numpy(), np.linalg.pinv(A, 0.9),
                               atol=1e-12)
    with pytest.raises(ValueError, match="pinv: give rcond or rtol"):
        tnp.linalg.pinv(A, 0.5, rtol=0.5)
    B = np.diag([1.0, 1e-3, 0.0])
    for kw in ({}, {"tol": 1e-2}, {"tol": 1e-4}, {"rtol": 1e-2}):
        assert tnp.linalg.matrix_rank(B, **kw).item() == np.linalg.matrix_rank(B, **kw)


def test_numpy2_names():
    x, y = RNG.standard_normal((2, 3)), RNG.standard_normal((2, 3))
    np.testing.assert_allclose(tnp.linalg.cross(x, y, axis=-1).numpy(), np.linalg.cross(x, y))
    np.testing.assert_allclose(tnp.linalg.vecdot(x, y, axis=0).numpy(),
                               np.linalg.vecdot(x, y, axis=0))
    np.testing.assert_allclose(tnp.linalg.outer([1, 2], [3.0, 4.0]).numpy(),
                               np.linalg.outer([1, 2], [3.0, 4.0]))
    M = RNG.standard_normal((2, 3, 3))
    np.testing.assert_allclose(tnp.linalg.diagonal(M, offset=1).numpy(),
                               np.linalg.diagonal(M, offset=1))
    np.testing.assert_allclose(tnp.linalg.trace(M).numpy(), np.linalg.trace(M))
    N = RNG.standard_normal((3, 3, 2))
    np.testing.assert_allclose(tnp.linalg.tensordot(M, N, axes=2).numpy(),
                               np.linalg.tensordot(M, N, axes=2))
    np.testing.assert_allclose(tnp.linalg.matrix_transpose(M).numpy(),
                               np.linalg.matrix_transpose(M))


def test_tensorsolve_and_tensorinv_with_gradients():
    T = RNG.standard_normal((2, 3, 6)) + np.eye(6).reshape(2, 3, 6) * 3
    b = RNG.standard_normal((2, 3))
    np.testing.assert_allclose(tnp.linalg.tensorsolve(T, b).numpy(),
                               np.linalg.tensorsolve(T, b), rtol=1e-12)
    T4 = np.moveaxis(T, 2, 0)                   # (6, 2, 3): the unknowns' axis first
    np.testing.assert_allclose(tnp.linalg.tensorsolve(T4, b, axes=(0,)).numpy(),
                               np.linalg.tensorsolve(T4, b, axes=(0,)), rtol=1e-10)
    Q = RNG.standard_normal((4, 6, 8, 3))
    np.testing.assert_allclose(tnp.linalg.tensorinv(Q).numpy(), np.linalg.tensorinv(Q),
                               rtol=1e-10, atol=1e-12)
    with pytest.raises(np.linalg.LinAlgError, match="tensorinv"):
        tnp.linalg.tensorinv(np.ones((2, 3, 4)))
    # gradient of sum(tensorsolve(T, b)) in b: that of the reshaped square solve
    g = tg.grad(lambda c: tnp.sum(tnp.linalg.tensorsolve(T, c)))(tg.tensor(b))
    want = np.linalg.solve(T.reshape(6, 6).T, np.ones(6)).reshape(2, 3)
    np.testing.assert_allclose(g.numpy(), want, rtol=1e-10)
