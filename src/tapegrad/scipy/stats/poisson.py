"""The Poisson distribution with mean mu, as scipy.stats.poisson. k is discrete: only
mu is differentiated."""
import numpy as np

from ... import ops
from ...ops import special
from ._common import f64, outside, raw


def _k(k, loc):
    return np.asarray(raw(f64(k)) - raw(f64(loc)), dtype=np.float64)


def logpmf(k, mu, loc=0):
    k = _k(k, loc)
    mu = f64(mu)
    out = special.xlogy(k, mu) - special.lgamma(k + 1) - mu
    return outside(out, (k < 0) | (k != np.floor(k)))


def pmf(k, mu, loc=0):
    return ops.exp(logpmf(k, mu, loc))


def cdf(k, mu, loc=0):
    """P(K <= k) = Q(floor(k) + 1, mu), the upper incomplete gamma; 0 below 0."""
    k = np.floor(_k(k, loc))
    out = special.gammaincc(np.maximum(k, 0.0) + 1, f64(mu))
    return outside(out, k < 0, 0.0)


def logcdf(k, mu, loc=0):
    return ops.log(cdf(k, mu, loc))
