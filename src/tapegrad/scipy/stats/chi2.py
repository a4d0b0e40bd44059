"""The chi-squared distribution with df degrees of freedom, as scipy.stats.chi2: a gamma
distribution with shape df/2 and scale 2."""
from ... import ops
from . import gamma
from ._common import f64


def logpdf(x, df, loc=0.0, scale=1.0):
    return gamma.logpdf(x, f64(df) / 2, loc, 2 * f64(scale))


def pdf(x, df, loc=0.0, scale=1.0):
    return ops.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0.0, scale=1.0):
    return gamma.cdf(x, f64(df) / 2, loc, 2 * f64(scale))


def logcdf(x, df, loc=0.0, scale=1.0):
    return ops.log(cdf(x, df, loc, scale))
