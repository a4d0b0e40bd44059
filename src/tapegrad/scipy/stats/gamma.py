"""The gamma distribution with shape a, as scipy.stats.gamma (density 0 below loc).
The CDF is differentiable in x, loc and scale, not in a."""
from __future__ import annotations

from ... import ops
from ...ops import special
from ._common import f64, invalid, outside, raw, standardize
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike


def logpdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log of the Gamma(a) density at x: (a - 1) log z - z - lgamma(a) - log(scale), z =
    (x - loc) / scale; -inf below loc. Differentiable in x, a, loc and scale.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The log density, broadcast over all arguments. -inf below loc.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import gamma
    >>> a = tg.tensor(2.0, dtype="float64", requires_grad=True)
    >>> lp = gamma.logpdf(1.0, a)
    >>> lp.backward()
    >>> lp.item(), round(a.grad.item(), 6)          # d/da = log z - digamma(a)
    (-1.0, -0.422784)
    """
    z, log_scale = standardize(x, loc, scale)
    a = f64(a)
    out = special.xlogy(a - 1, z) - z - special.lgamma(a) - log_scale
    return invalid(outside(out, raw(z) < 0), a)


def pdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """The Gamma(a) density, exp(logpdf); 0 below loc.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The density, broadcast over all arguments. 0 below loc.

    >>> from tapegrad.scipy.stats import gamma
    >>> round(gamma.pdf(1.0, 2.0).item(), 6), round(gamma.pdf(2.0, 2.0, scale=2.0).item(), 6)
    (0.367879, 0.18394)
    """
    return ops.exp(logpdf(x, a, loc, scale))


def cdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """P(X <= x) = gammainc(a, z); differentiable in x, loc and scale, not a.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        P(X <= x), broadcast over all arguments.

    >>> from tapegrad.scipy.stats import gamma
    >>> round(gamma.cdf(1.0, 2.0).item(), 6), gamma.cdf(-1.0, 2.0).item()
    (0.264241, 0.0)
    """
    z, _ = standardize(x, loc, scale)
    return invalid(special.gammainc(f64(a), ops.maximum(z, 0.0)), a)


def logcdf(x: ArrayLike, a: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log P(X <= x), the log of cdf.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        log P(X <= x), broadcast over all arguments.

    >>> from tapegrad.scipy.stats import gamma
    >>> round(gamma.logcdf(1.0, 2.0).item(), 6)
    -1.330893
    """
    return ops.log(cdf(x, a, loc, scale))

# the names `from tapegrad.scipy.stats.gamma import *` gives (tests/test_all.py)
__all__ = ["logpdf", "pdf", "cdf", "logcdf"]
