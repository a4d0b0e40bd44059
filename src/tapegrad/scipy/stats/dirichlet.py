"""The Dirichlet distribution with concentrations alpha (K of them), as
scipy.stats.dirichlet.

x holds the K components along its last axis (as autograd); an x whose last axis is not
K but whose first is takes them along the first axis, as SciPy's implementation does.
"""
import numpy as np

from ... import ops
from ...ops import special
from ._common import f64, raw


def logpdf(x, alpha):
    x, alpha = f64(x), f64(alpha)
    k = np.shape(raw(alpha))[-1]
    axis = -1
    if np.shape(raw(x))[-1] != k and np.ndim(raw(x)) > 1 and np.shape(raw(x))[0] == k:
        x = ops.transpose(x, tuple(range(1, np.ndim(raw(x)))) + (0,))
    norm = special.lgamma(ops.sum(alpha, axis=axis)) - ops.sum(special.lgamma(alpha), axis=axis)
    return ops.sum(special.xlogy(alpha - 1, x), axis=axis) + norm


def pdf(x, alpha):
    return ops.exp(logpdf(x, alpha))
