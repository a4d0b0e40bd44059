"""The beta distribution with shapes a, b on [loc, loc + scale], as scipy.stats.beta.
The CDF is differentiable in x, loc and scale, not in a and b."""
from ... import ops
from ...ops import special
from ._common import f64, outside, raw, standardize


def logpdf(x, a, b, loc=0.0, scale=1.0):
    z, log_scale = standardize(x, loc, scale)
    a, b = f64(a), f64(b)
    out = (special.xlogy(a - 1, z) + special.xlog1py(b - 1, -z) - special.betaln(a, b)
           - log_scale)
    rz = raw(z)
    return outside(out, (rz < 0) | (rz > 1))


def pdf(x, a, b, loc=0.0, scale=1.0):
    return ops.exp(logpdf(x, a, b, loc, scale))


def cdf(x, a, b, loc=0.0, scale=1.0):
    z, _ = standardize(x, loc, scale)
    return special.betainc(f64(a), f64(b), ops.clip(z, 0.0, 1.0))


def logcdf(x, a, b, loc=0.0, scale=1.0):
    return ops.log(cdf(x, a, b, loc, scale))
