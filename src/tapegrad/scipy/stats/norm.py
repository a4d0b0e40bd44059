"""The normal distribution N(loc, scale^2), as scipy.stats.norm.

>>> import tapegrad.scipy.stats.norm as norm
>>> round(norm.logpdf(0.0).item(), 6)
-0.918939
"""
from ... import ops
from ...ops import special
from ._common import HALF_LOG_2PI, f64, standardize


def logpdf(x, loc=0.0, scale=1.0):
    z, log_scale = standardize(x, loc, scale)
    return -0.5 * (z * z) - log_scale - HALF_LOG_2PI


def pdf(x, loc=0.0, scale=1.0):
    return ops.exp(logpdf(x, loc, scale))


def cdf(x, loc=0.0, scale=1.0):
    return special.ndtr(standardize(x, loc, scale)[0])


def logcdf(x, loc=0.0, scale=1.0):
    return special.log_ndtr(standardize(x, loc, scale)[0])


def sf(x, loc=0.0, scale=1.0):
    return special.ndtr(-standardize(x, loc, scale)[0])


def logsf(x, loc=0.0, scale=1.0):
    return special.log_ndtr(-standardize(x, loc, scale)[0])


def ppf(q, loc=0.0, scale=1.0):
    """The quantile function, loc + scale * ndtri(q)."""
    return f64(loc) + f64(scale) * special.ndtri(f64(q))
