"""The Poisson distribution with mean mu, as scipy.stats.poisson. k is discrete: only
mu is differentiated."""
from __future__ import annotations

import numpy as np

from ... import ops
from ...ops import special
from ...errors import raw_values
from ._common import f64, outside, raw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike


def _k(k, loc):
    # k is read as numbers (it is not differentiated); a k batched by tg.vmap runs
    # example by example
    k, loc = raw_values(raw(f64(k)), "poisson's k"), raw_values(raw(f64(loc)), "poisson's loc")
    return np.asarray(k - loc, dtype=np.float64)


def logpmf(k: ArrayLike, mu: ArrayLike, loc: ArrayLike = 0) -> Tensor:
    """log P(K = k) = k log mu - lgamma(k + 1) - mu; -inf for negative or non-integer
    k. Differentiable in mu (d/dmu = k/mu - 1).

    Args:
        k: the counts; non-integer or negative k has probability 0.
        mu: the mean (> 0).
        loc: the shift of k (default 0): the distribution of K + loc.

    Returns:
        log P(K = k) (-inf off the support), broadcast over k, mu and loc.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import poisson
    >>> mu = tg.tensor(3.0, dtype="float64", requires_grad=True)
    >>> lp = poisson.logpmf(2, mu)
    >>> lp.backward()
    >>> round(lp.item(), 6), round(mu.grad.item(), 6)
    (-1.495923, -0.333333)
    """
    k = _k(k, loc)
    mu = f64(mu)
    out = special.xlogy(k, mu) - special.lgamma(k + 1) - mu
    return outside(outside(out, (k < 0) | (k != np.floor(k))), _bad(k, mu), np.nan)


def _bad(k, mu):
    """Where SciPy's answer is NaN: a NaN k, or mu negative or NaN."""
    with np.errstate(invalid="ignore"):
        return np.isnan(k) | ~(np.asarray(raw_values(raw(mu), "poisson's mu check")) >= 0)


def pmf(k: ArrayLike, mu: ArrayLike, loc: ArrayLike = 0) -> Tensor:
    """P(K = k), exp(logpmf); 0 for negative or non-integer k.

    Args:
        k: the counts; non-integer or negative k has probability 0.
        mu: the mean (> 0).
        loc: the shift of k (default 0): the distribution of K + loc.

    Returns:
        P(K = k) (0 off the support), broadcast over k, mu and loc.

    >>> from tapegrad.scipy.stats import poisson
    >>> round(poisson.pmf(2, 3.0).item(), 6), poisson.pmf(2.5, 3.0).item()
    (0.224042, 0.0)
    """
    return ops.exp(logpmf(k, mu, loc))


def cdf(k: ArrayLike, mu: ArrayLike, loc: ArrayLike = 0) -> Tensor:
    """P(K <= k) = Q(floor(k) + 1, mu), the upper incomplete gamma; 0 below 0.
    Differentiable in mu.

    Args:
        k: the counts; non-integer or negative k has probability 0.
        mu: the mean (> 0).
        loc: the shift of k (default 0): the distribution of K + loc.

    Returns:
        P(K <= k) (0 below loc), broadcast over k, mu and loc.

    >>> from tapegrad.scipy.stats import poisson
    >>> round(poisson.cdf(2, 3.0).item(), 6), poisson.cdf(-1, 3.0).item()
    (0.42319, 0.0)
    """
    k = np.floor(_k(k, loc))
    out = special.gammaincc(np.maximum(k, 0.0) + 1, f64(mu))
    return outside(outside(out, k < 0, 0.0), _bad(k, mu), np.nan)


def logcdf(k: ArrayLike, mu: ArrayLike, loc: ArrayLike = 0) -> Tensor:
    """log P(K <= k), the log of cdf.

    Args:
        k: the counts; non-integer or negative k has probability 0.
        mu: the mean (> 0).
        loc: the shift of k (default 0): the distribution of K + loc.

    Returns:
        log P(K <= k), broadcast over k, mu and loc.

    >>> from tapegrad.scipy.stats import poisson
    >>> round(poisson.logcdf(2, 3.0).item(), 6)
    -0.859934
    """
    return ops.log(cdf(k, mu, loc))

# the names `from tapegrad.scipy.stats.poisson import *` gives (tests/test_all.py)
__all__ = ["logpmf", "pmf", "cdf", "logcdf"]
