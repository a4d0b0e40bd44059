"""tapegrad.scipy.stats against scipy.stats: values over the support and outside it,
gradients in x and the parameters against finite differences."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.scipy.stats.norm as norm
from tapegrad.scipy import stats

ss = pytest.importorskip("scipy.stats")

X = np.linspace(-3.0, 4.0, 15)
U = np.linspace(-0.2, 1.2, 15)

# (ours, SciPy's, args after x)
VALUES = [
    (norm.logpdf, ss.norm.logpdf, (0.3, 1.7)), (norm.pdf, ss.norm.pdf, (0.3, 1.7)),
    (norm.cdf, ss.norm.cdf, (0.3, 1.7)), (norm.logcdf, ss.norm.logcdf, (-0.5, 0.5)),
    (norm.sf, ss.norm.sf, (0.3, 1.7)), (norm.logsf, ss.norm.logsf, (0.3, 0.2)),
    (stats.t.logpdf, ss.t.logpdf, (3.5, 0.2, 1.3)), (stats.t.pdf, ss.t.pdf, (2.0,)),
    (stats.t.cdf, ss.t.cdf, (3.5, 0.2, 1.3)), (stats.t.logcdf, ss.t.logcdf, (5.0,)),
    (stats.gamma.logpdf, ss.gamma.logpdf, (2.5, -1.0, 1.5)),
    (stats.gamma.pdf, ss.gamma.pdf, (0.7,)), (stats.gamma.cdf, ss.gamma.cdf, (2.5, -1.0, 1.5)),
    (stats.chi2.logpdf, ss.chi2.logpdf, (3.0,)), (stats.chi2.pdf, ss.chi2.pdf, (4.0, -1.0)),
    (stats.chi2.cdf, ss.chi2.cdf, (3.0,)),
]
UNIT_VALUES = [
    (stats.beta.logpdf, ss.beta.logpdf, (2.0, 3.0)), (stats.beta.pdf, ss.beta.pdf, (0.5, 1.5)),
    (stats.beta.cdf, ss.beta.cdf, (2.0, 3.0)), (stats.beta.logcdf, ss.beta.logcdf, (2.0, 0.7)),
]


@pytest.mark.parametrize("ours, theirs, args", VALUES + [(o, t, a) for o, t, a in UNIT_VALUES],
                         ids=lambda v: getattr(v, "__module__", "").rsplit(".", 1)[-1] + "."
                         + getattr(v, "__name__", ""))
def test_values_equal_scipy(ours, theirs, args):
    x = U if (ours, theirs, args) in UNIT_VALUES else X
    with np.errstate(all="ignore"):
        want = theirs(x, *args)
        got = ours(x, *args).numpy()
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, want, rtol=1e-10, atol=1e-300)


def test_discrete_and_multivariate_values_equal_scipy():
    k = np.array([-1.0, 0.0, 1.0, 2.0, 7.0, 2.5])
    np.testing.assert_allclose(stats.poisson.logpmf(k, 2.3).numpy(), ss.poisson.logpmf(k, 2.3))
    np.testing.assert_allclose(stats.poisson.pmf(k, 2.3).numpy(), ss.poisson.pmf(k, 2.3))
    np.testing.assert_allclose(stats.poisson.cdf(k, 2.3).numpy(), ss.poisson.cdf(k, 2.3))
    alpha = np.array([1.5, 2.0, 3.0])
    x = np.array([[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]])
    for row in x:
        np.testing.assert_allclose(stats.dirichlet.logpdf(row, alpha).numpy(),
                                   ss.dirichlet.logpdf(row, alpha))
    # points along the last axis (autograd) or, as SciPy's code reads them, the first
    np.testing.assert_allclose(stats.dirichlet.pdf(x, alpha).numpy(),
                               ss.dirichlet.pdf(x.T, alpha))
    np.testing.assert_allclose(stats.dirichlet.logpdf(x.T, alpha).numpy(),
                               ss.dirichlet.logpdf(x.T, alpha))


def _fd_check(f, *xs):
    ts = [tg.tensor(np.asarray(x, dtype=np.float64), requires_grad=True) for x in xs]
    assert tg.gradcheck(f, ts)
    assert tg.gradgradcheck(f, ts)


def test_gradients_in_x_and_parameters():
    x = np.array([-1.2, 0.3, 2.1])
    _fd_check(lambda x, m, s: norm.logpdf(x, m, s), x, 0.4, 1.3)
    _fd_check(lambda x, m, s: norm.logcdf(x, m, s), x, 0.4, 1.3)
    _fd_check(lambda x, df, s: stats.t.logpdf(x, df, 0.1, s), x, 3.5, 1.2)
    _fd_check(lambda x, s: stats.t.cdf(x, 3.5, 0.1, s), x, 1.2)
    _fd_check(lambda x, a, s: stats.gamma.logpdf(x, a, -2.0, s), x, 2.5, 1.5)
    _fd_check(lambda x, s: stats.gamma.cdf(x, 2.5, -2.0, s), x, 1.5)
    _fd_check(lambda x, df: stats.chi2.logpdf(x, df), x + 2.0, 3.0)
    _fd_check(lambda x, a, b: stats.beta.logpdf(x, a, b), [0.2, 0.5, 0.7], 2.0, 3.0)
    _fd_check(lambda x: stats.beta.cdf(x, 2.0, 3.0), [0.2, 0.5, 0.7])
    _fd_check(lambda mu: stats.poisson.logpmf(np.array([0.0, 1.0, 4.0]), mu), 2.3)
    _fd_check(lambda mu: stats.poisson.cdf(np.array([0.0, 1.0, 4.0]), mu), 2.3)
    _fd_check(lambda x, a: stats.dirichlet.logpdf(x, a), [0.2, 0.3, 0.5], [1.5, 2.0, 3.0])


def test_outside_the_support_the_log_density_is_minus_inf_with_zero_gradient():
    x = tg.tensor(np.array([-0.5, 0.5]), requires_grad=True)
    out = stats.gamma.logpdf(x, 2.0)
    assert out.numpy()[0] == -np.inf
    tg.autograd.backward(out, tg.tensor(np.ones(2)))
    assert x.grad.numpy()[0] == 0.0 and np.isfinite(x.grad.numpy()[1])


def test_parameters_without_a_gradient_raise_clearly():
    df = tg.tensor(np.array(3.0), requires_grad=True)
    with pytest.raises(NotImplementedError, match="betainc"):
        stats.t.cdf(np.array([0.5]), df)
    a = tg.tensor(np.array(2.0), requires_grad=True)
    with pytest.raises(NotImplementedError, match="gammainc"):
        stats.gamma.cdf(np.array([0.5]), a)


def test_multivariate_normal():
    mvn = stats.multivariate_normal
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 3))
    cov = a @ a.T + 3 * np.eye(3)
    mean = rng.standard_normal(3)
    x = rng.standard_normal((4, 3))
    np.testing.assert_allclose(mvn.logpdf(x, mean, cov).numpy(),
                               ss.multivariate_normal.logpdf(x, mean, cov))
    np.testing.assert_allclose(mvn.pdf(x[0], mean, cov).numpy(),
                               ss.multivariate_normal.pdf(x[0], mean, cov))
    np.testing.assert_allclose(mvn.logpdf(x, mean, np.diag(cov)).numpy(),
                               ss.multivariate_normal.logpdf(x, mean, np.diag(cov)))
    np.testing.assert_allclose(mvn.entropy(mean, cov).numpy(),
                               ss.multivariate_normal.entropy(mean, cov))
    # SciPy's shapes: one point, (1, d) points and 1-D normals squeeze
    for args in [(x[:1], mean, cov), (np.array([0.3, 1.2]), 0.5, 2.0), (0.3, 0.5, 2.0),
                 (x[0], None, cov)]:
        got, want = mvn.logpdf(*args).numpy(), ss.multivariate_normal.logpdf(*args)
        assert np.shape(got) == np.shape(want)
        np.testing.assert_allclose(got, want)
    _fd_check(lambda x, m, c: mvn.logpdf(x, m, (c + c.T) / 2), x, mean, cov)
