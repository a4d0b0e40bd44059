"""The gamma distribution with shape a, as scipy.stats.gamma (density 0 below loc).
The CDF is differentiable in x, loc and scale, not in a."""
from ... import ops
from ...ops import special
from ._common import f64, outside, raw, standardize


def logpdf(x, a, loc=0.0, scale=1.0):
    z, log_scale = standardize(x, loc, scale)
    a = f64(a)
    out = special.xlogy(a - 1, z) - z - special.lgamma(a) - log_scale
    return outside(out, raw(z) < 0)


def pdf(x, a, loc=0.0, scale=1.0):
    return ops.exp(logpdf(x, a, loc, scale))


def cdf(x, a, loc=0.0, scale=1.0):
    z, _ = standardize(x, loc, scale)
    return special.gammainc(f64(a), ops.maximum(z, 0.0))


def logcdf(x, a, loc=0.0, scale=1.0):
    return ops.log(cdf(x, a, loc, scale))
