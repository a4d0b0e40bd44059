"""The NumPy functions jax.numpy programs use that tapegrad.numpy gained in session 9
(numpy/_jnp.py): values against NumPy, gradients against central differences."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

RNG = np.random.default_rng(7)
A5, B3, B7 = RNG.standard_normal(5), RNG.standard_normal(3), RNG.standard_normal(7)
M = RNG.standard_normal((3, 6))


def _val(r):
    return [_val(v) for v in r] if isinstance(r, (tuple, list)) else np.asarray(r.numpy())


def _check_grad(f, *xs, eps=1e-6, tol=1e-6):
    """d sum(f * w) / d xs[i] against central differences, for every input."""
    w = RNG.standard_normal(np.shape(_val(f(*[tg.tensor(x) for x in xs]))))
    def s(*ts):
        return tnp.sum(f(*ts) * w)
    grads = tg.grad(s, argnums=tuple(range(len(xs))))(*[tg.tensor(x) for x in xs])
    for i, (x, g) in enumerate(zip(xs, grads)):
        fd = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[idx] = eps
            hi = [tg.tensor(v + e if j == i else v) for j, v in enumerate(xs)]
            lo = [tg.tensor(v - e if j == i else v) for j, v in enumerate(xs)]
            fd[idx] = (float(s(*hi)) - float(s(*lo))) / (2 * eps)
        np.testing.assert_allclose(g.numpy(), fd, atol=tol, rtol=tol)


@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("a,v", [(A5, B3), (B3, B7), (A5, A5[:1])])
def test_convolve_and_correlate(a, v, mode):
    np.testing.assert_allclose(tnp.convolve(a, v, mode).numpy(), np.convolve(a, v, mode),
                               atol=1e-12)
    np.testing.assert_allclose(tnp.correlate(a, v, mode).numpy(), np.correlate(a, v, mode),
                               atol=1e-12)
    _check_grad(lambda x, y: tnp.convolve(x, y, mode), a, v)
    _check_grad(lambda x, y: tnp.correlate(x, y, mode), a, v)


def test_convolve_bad_arguments():
    with pytest.raises(ValueError, match="mode must be"):
        tnp.convolve(A5, B3, "middle")
    with pytest.raises(ValueError, match="cannot be empty"):
        tnp.convolve([], B3)
    with pytest.raises(ValueError, match="must be 1-D"):
        tnp.convolve(M, B3)


@pytest.mark.parametrize("kw", [{}, {"rowvar": False}, {"bias": True}, {"ddof": 2},
                                {"aweights": np.arange(1.0, 7.0)},
                                {"fweights": np.array([1, 2, 1, 3, 1, 1]), "ddof": 0}])
def test_cov(kw):
    X = M if kw.get("rowvar", True) else M.T
    np.testing.assert_allclose(tnp.cov(X, **kw).numpy(), np.cov(X, **kw), atol=1e-12)
    _check_grad(lambda x: tnp.cov(x, **kw), X)


def test_cov_and_corrcoef_forms():
    np.testing.assert_allclose(tnp.cov(A5, B7[:5]).numpy(), np.cov(A5, B7[:5]))
    np.testing.assert_allclose(tnp.cov(A5).numpy(), np.cov(A5))
    assert tnp.cov(A5).shape == ()
    np.testing.assert_allclose(tnp.corrcoef(M).numpy(), np.corrcoef(M), atol=1e-14)
    np.testing.assert_allclose(tnp.corrcoef(A5, B7[:5]).numpy(), np.corrcoef(A5, B7[:5]),
                               atol=1e-14)
    _check_grad(lambda x: tnp.corrcoef(x), M)
    with pytest.raises(ValueError, match="fweights"):
        tnp.cov(M, fweights=np.full(6, 0.5))


@pytest.mark.parametrize("kw", [{}, {"left": -1.0, "right": 2.0}, {"period": 3.0}])
def test_interp(kw):
    xp = np.array([0.0, 0.5, 1.5, 2.0, 3.0])
    fp = np.array([1.0, -1.0, 0.5, 2.0, 0.0])
    x = np.array([-0.5, 0.0, 0.3, 1.0, 1.5, 2.7, 3.0, 3.4])
    np.testing.assert_allclose(tnp.interp(x, xp, fp, **kw).numpy(), np.interp(x, xp, fp, **kw),
                               atol=1e-14)
    xi = np.array([-0.5, 0.3, 1.0, 2.7, 3.4])           # off the samples: smooth there
    _check_grad(lambda a, b: tnp.interp(a, xp, b, **kw), xi, fp)
    assert tnp.interp(2.5, [1, 2, 3], [3, 2, 0]).dtype == tg.float64


def test_polynomials_and_differences():
    p = np.array([2.0, -1.0, 0.5])
    np.testing.assert_allclose(tnp.polyval(p, A5).numpy(), np.polyval(p, A5))
    _check_grad(tnp.polyval, p, A5)
    assert tnp.polyval([1, 2], 3).item() == 5
    for kw in ({}, {"N": 2}, {"increasing": True}):
        np.testing.assert_allclose(tnp.vander(A5, **kw).numpy(), np.vander(A5, **kw))
    _check_grad(lambda x: tnp.vander(x, 4), A5)
    np.testing.assert_allclose(tnp.ediff1d(M, to_end=[9.0], to_begin=-1.0).numpy(),
                               np.ediff1d(M, to_end=[9.0], to_begin=-1.0))
    ph = np.cumsum(RNG.uniform(-2, 2, 12)) * 2
    np.testing.assert_allclose(tnp.unwrap(ph).numpy(), np.unwrap(ph), atol=1e-12)
    np.testing.assert_allclose(tnp.unwrap(ph, period=4.0).numpy(), np.unwrap(ph, period=4.0),
                               atol=1e-12)
    _check_grad(tnp.unwrap, ph)


def test_numpy2_products_and_cumulatives():
    if not hasattr(np, "cumulative_sum"):
        pytest.skip("NumPy < 2.1")
    for kw in ({"axis": 1}, {"axis": 0, "include_initial": True}):
        np.testing.assert_allclose(tnp.cumulative_sum(M, **kw).numpy(),
                                   np.cumulative_sum(M, **kw))
        np.testing.assert_allclose(tnp.cumulative_prod(M, **kw).numpy(),
                                   np.cumulative_prod(M, **kw))
    _check_grad(lambda x: tnp.cumulative_prod(x, axis=1, include_initial=True), M)
    v6 = RNG.standard_normal(6)
    np.testing.assert_allclose(tnp.vecdot(M, v6).numpy(), np.vecdot(M, v6))
    if hasattr(np, "matvec"):
        np.testing.assert_allclose(tnp.matvec(M, v6).numpy(), np.matvec(M, v6))
        np.testing.assert_allclose(tnp.vecmat(B3, M).numpy(), np.vecmat(B3, M))
    _check_grad(tnp.matvec, M, v6)


def test_unique_delete_block_diagflat():
    x = np.array([3.0, 1.0, 3.0, 2.0, 1.0])
    got = tnp.unique(x, return_index=True, return_inverse=True, return_counts=True)
    want = np.unique(x, return_index=True, return_inverse=True, return_counts=True)
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.numpy(), w)
    g = tg.grad(lambda t: tnp.sum(tnp.unique(t) * tnp.array([1.0, 2.0, 3.0])))(tg.tensor(x))
    np.testing.assert_array_equal(g.numpy(), [3.0, 1.0, 0.0, 2.0, 0.0])   # first occurrences
    R = np.array([[1.0, 2.0], [0.0, 1.0], [1.0, 2.0]])
    np.testing.assert_array_equal(tnp.unique(R, axis=0).numpy(), np.unique(R, axis=0))
    np.testing.assert_array_equal(tnp.delete(M, [0, 2], axis=1).numpy(),
                                  np.delete(M, [0, 2], axis=1))
    np.testing.assert_array_equal(tnp.delete(M, slice(1, 4)).numpy(), np.delete(M, slice(1, 4)))
    _check_grad(lambda t: tnp.delete(t, 1, axis=0), M)
    blocks = [[np.eye(2), np.zeros((2, 1))], [np.ones((1, 2)), np.full((1, 1), 5.0)]]
    np.testing.assert_array_equal(tnp.block(blocks).numpy(), np.block(blocks))
    np.testing.assert_array_equal(tnp.block([A5, B3]).numpy(), np.block([A5, B3]))
    _check_grad(lambda a, b: tnp.block([[a, b], [b, a]]), np.eye(2), np.ones((2, 2)))
    np.testing.assert_array_equal(tnp.diagflat(M[:, :2], 1).numpy(), np.diagflat(M[:, :2], 1))


def test_index_helpers_and_constants():
    t = tg.tensor(B3, requires_grad=True)
    r = tnp.r_[t, 0:2, 7.0]
    np.testing.assert_array_equal(r.detach().numpy(), np.r_[B3, 0:2, 7.0])
    r.sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.ones(3))
    np.testing.assert_array_equal(tnp.c_[A5, A5 * 2].numpy(), np.c_[A5, A5 * 2])
    with pytest.raises(ValueError, match="string directives"):
        tnp.r_["0,2", A5]
    assert tnp.s_[1:3] == np.s_[1:3] and tnp.mgrid[0:2, 0:3].shape == (2, 2, 3)
    f = tnp.fromfunction(lambda i, j: i * 10 + j * 0.5, (2, 3))
    np.testing.assert_array_equal(f.numpy(), np.fromfunction(lambda i, j: i * 10 + j * 0.5,
                                                             (2, 3)))
    np.testing.assert_array_equal(tnp.isin([1, 2, 5], [2, 5]).numpy(), [False, True, True])
    np.testing.assert_array_equal(tnp.hanning(5).numpy(), np.hanning(5))
    np.testing.assert_array_equal(tnp.histogram(A5, bins=3)[0].numpy(),
                                  np.histogram(A5, bins=3)[0])
    np.testing.assert_allclose(tnp.i0(B3).numpy(), np.i0(B3), rtol=1e-14)
    assert tnp.gcd(12, 18).item() == 6 and tnp.nanargmax([1.0, np.nan, 3.0]).item() == 2
