"""What the distributions share: standardizing x and the support masks."""
import math

import numpy as np

from ... import ops
from .._args import f64, raw

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
LOG_PI = math.log(math.pi)


def standardize(x, loc, scale):
    """(z, log(scale)) with float64 for Python numbers."""
    x, loc, scale = f64(x), f64(loc), f64(scale)
    return (x - loc) / scale, ops.log(scale)


def outside(z, mask, value=-np.inf):
    """z's log density with `value` where `mask` (outside the support) holds; the
    gradient there is 0, and the formula's NaN off the support never reaches it."""
    m = np.asarray(mask)
    if not np.any(m):
        return z
    return ops.where(np.broadcast_to(m, np.shape(raw(z))), value, z)


__all__ = ["HALF_LOG_2PI", "LOG_PI", "f64", "outside", "raw", "standardize"]
