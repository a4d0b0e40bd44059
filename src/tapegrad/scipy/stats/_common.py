"""What the distributions share: standardizing x and the support masks."""
import math

import numpy as np

from ... import ops
from .._args import f64, raw

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
LOG_PI = math.log(math.pi)


def standardize(x, loc, scale):
    """(z, log(scale)) with float64 for Python numbers; z is NaN where scale <= 0, as
    every SciPy method's result there (cdf's too, not only the log density's)."""
    x, loc, scale = f64(x), f64(loc), f64(scale)
    z = (x - loc) / scale
    return invalid(z, scale), ops.log(scale)


def _batched(p):
    x = getattr(p, "_x", None)
    return x is not None and "vmap" in x


def invalid(v, *positive):
    """v with NaN where a parameter that must be positive is not (or is NaN), as SciPy
    gives for an invalid distribution."""
    if any(_batched(p) for p in positive):
        # under tg.vmap the raw values are a placeholder: compare with tensor ops, which
        # batch, and select always (whether any example is invalid is not known here)
        bad = None
        for p in positive:
            b = ~(p > 0) if _batched(p) else ~(np.asarray(raw(p)) > 0)
            bad = b if bad is None else bad | b
        return ops.where(bad, np.nan, v)
    with np.errstate(invalid="ignore"):
        m = np.zeros((), bool)
        for p in positive:
            m = m | ~(np.asarray(raw(p)) > 0)
    if not np.any(m):
        return v
    return ops.where(np.broadcast_to(m, np.broadcast_shapes(np.shape(m), np.shape(raw(v)))),
                     np.nan, v)


def outside(z, mask, value=-np.inf):
    """z's log density with `value` where `mask` (outside the support) holds; the
    gradient there is 0, and the formula's NaN off the support never reaches it."""
    m = np.asarray(mask)
    if not np.any(m):
        return z
    return ops.where(np.broadcast_to(m, np.shape(raw(z))), value, z)


__all__ = ["HALF_LOG_2PI", "LOG_PI", "f64", "invalid", "outside", "raw", "standardize"]
