"""The normal distribution N(loc, scale^2), as scipy.stats.norm.

>>> import tapegrad.scipy.stats.norm as norm
>>> round(norm.logpdf(0.0).item(), 6)
-0.918939
"""
from __future__ import annotations

from ... import ops
from ...ops import special
from ._common import HALF_LOG_2PI, f64, invalid, standardize
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike


def logpdf(x: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log of the normal density at x: -z^2/2 - log(scale) - log(2 pi)/2, z = (x - loc) /
    scale. Differentiable in x, loc and scale; Python numbers compute in float64.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        loc: the mean (default 0).
        scale: the standard deviation (default 1).

    Returns:
        The log density, a float64 tensor of the broadcast shape of x, loc and scale.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import norm
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> lp = norm.logpdf(x)
    >>> lp.backward()
    >>> round(lp.item(), 6), x.grad.item()          # d/dx = -z
    (-1.418939, -1.0)
    """
    z, log_scale = standardize(x, loc, scale)
    return -0.5 * (z * z) - log_scale - HALF_LOG_2PI


def pdf(x: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """The normal density at x, exp(logpdf).

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        loc: the mean (default 0).
        scale: the standard deviation (default 1).

    Returns:
        The density, a tensor of the broadcast shape of x, loc and scale.

    >>> from tapegrad.scipy.stats import norm
    >>> round(norm.pdf(0.0).item(), 6), round(norm.pdf(2.0, loc=1.0, scale=2.0).item(), 6)
    (0.398942, 0.176033)
    """
    return ops.exp(logpdf(x, loc, scale))


def cdf(x: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """P(X <= x) = ndtr((x - loc) / scale); its derivative in x is the density.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        loc: the mean (default 0).
        scale: the standard deviation (default 1).

    Returns:
        P(X <= x), a tensor of the broadcast shape of x, loc and scale.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import norm
    >>> x = tg.tensor(0.0, dtype="float64", requires_grad=True)
    >>> norm.cdf(x).backward()
    >>> norm.cdf(x).item(), round(x.grad.item(), 6)
    (0.5, 0.398942)
    """
    return special.ndtr(standardize(x, loc, scale)[0])


def logcdf(x: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log P(X <= x), through log_ndtr: finite far into the lower tail.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        loc: the mean (default 0).
        scale: the standard deviation (default 1).

    Returns:
        log P(X <= x), a tensor of the broadcast shape of x, loc and scale.

    >>> from tapegrad.scipy.stats import norm
    >>> round(norm.logcdf(0.0).item(), 6), round(norm.logcdf(-40.0).item(), 3)
    (-0.693147, -804.608)
    """
    return special.log_ndtr(standardize(x, loc, scale)[0])


def sf(x: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """The survival function P(X > x) = 1 - cdf, computed as ndtr(-z) (accurate in the
    upper tail).

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        loc: the mean (default 0).
        scale: the standard deviation (default 1).

    Returns:
        P(X > x), a tensor of the broadcast shape of x, loc and scale.

    >>> from tapegrad.scipy.stats import norm
    >>> round(norm.sf(1.96).item(), 6)
    0.024998
    """
    return special.ndtr(-standardize(x, loc, scale)[0])


def logsf(x: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log P(X > x), through log_ndtr(-z): finite far into the upper tail.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        loc: the mean (default 0).
        scale: the standard deviation (default 1).

    Returns:
        log P(X > x), a tensor of the broadcast shape of x, loc and scale.

    >>> from tapegrad.scipy.stats import norm
    >>> round(norm.logsf(0.0).item(), 6), round(norm.logsf(40.0).item(), 3)
    (-0.693147, -804.608)
    """
    return special.log_ndtr(-standardize(x, loc, scale)[0])


def ppf(q: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """The quantile function, loc + scale * ndtri(q) (the inverse of cdf).

    Args:
        q: the probabilities, in [0, 1] (0 and 1 give -inf and inf).
        loc: the mean (default 0).
        scale: the standard deviation (default 1).

    Returns:
        The quantiles, a tensor of the broadcast shape of q, loc and scale.

    >>> from tapegrad.scipy.stats import norm
    >>> round(norm.ppf(0.975).item(), 4), norm.ppf(0.5, loc=3.0).item()
    (1.96, 3.0)
    """
    return invalid(f64(loc) + f64(scale) * special.ndtri(f64(q)), scale)

# the names `from tapegrad.scipy.stats.norm import *` gives (tests/test_all.py)
__all__ = ["logpdf", "pdf", "cdf", "logcdf", "sf", "logsf", "ppf"]
