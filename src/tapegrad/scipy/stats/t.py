"""Student's t distribution with df degrees of freedom, as scipy.stats.t. Its CDF goes
through betainc, so it is differentiable in x, loc and scale but not in df."""
import numpy as np

from ... import ops
from ...ops import special
from ._common import LOG_PI, f64, raw, standardize


def logpdf(x, df, loc=0.0, scale=1.0):
    z, log_scale = standardize(x, loc, scale)
    df = f64(df)
    return (special.lgamma((df + 1) / 2) - special.lgamma(df / 2) - 0.5 * (ops.log(df) + LOG_PI)
            - log_scale - (df + 1) / 2 * ops.log1p(z * z / df))


def pdf(x, df, loc=0.0, scale=1.0):
    return ops.exp(logpdf(x, df, loc, scale))


def cdf(x, df, loc=0.0, scale=1.0):
    z, _ = standardize(x, loc, scale)
    df = f64(df)
    # P(T <= z) = I_{df/(df+z^2)}(df/2, 1/2) / 2 below 0, and 1 minus that above
    half_tail = 0.5 * special.betainc(df / 2, 0.5, df / (df + z * z))
    return ops.where(np.asarray(raw(z) < 0), half_tail, 1.0 - half_tail)


def logcdf(x, df, loc=0.0, scale=1.0):
    return ops.log(cdf(x, df, loc, scale))
