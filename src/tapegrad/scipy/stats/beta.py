"""The beta distribution with shapes a, b on [loc, loc + scale], as scipy.stats.beta.
The CDF is differentiable in x, loc and scale, not in a and b."""
from __future__ import annotations

from ... import ops
from ...ops import special
from ._common import f64, invalid, outside, raw, standardize
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike


def logpdf(x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0.0,
           scale: ArrayLike = 1.0) -> Tensor:
    """log of the Beta(a, b) density at x on [loc, loc + scale]; -inf outside (with zero
    gradient there). Differentiable in x, a, b, loc and scale.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the first shape parameter (> 0).
        b: the second shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The log density (-inf outside the support), broadcast over all arguments.

    >>> from tapegrad.scipy.stats import beta
    >>> round(beta.logpdf(0.5, 2.0, 3.0).item(), 6)        # log(3/2)
    0.405465
    """
    z, log_scale = standardize(x, loc, scale)
    a, b = f64(a), f64(b)
    out = (special.xlogy(a - 1, z) + special.xlog1py(b - 1, -z) - special.betaln(a, b)
           - log_scale)
    rz = raw(z)
    return invalid(outside(out, (rz < 0) | (rz > 1)), a, b)


def pdf(x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0.0,
        scale: ArrayLike = 1.0) -> Tensor:
    """The Beta(a, b) density at x, exp(logpdf); 0 outside [loc, loc + scale].

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the first shape parameter (> 0).
        b: the second shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The density (0 outside the support), broadcast over all arguments.

    >>> from tapegrad.scipy.stats import beta
    >>> round(beta.pdf(0.5, 2.0, 3.0).item(), 6), beta.pdf(1.5, 2.0, 3.0).item()
    (1.5, 0.0)
    """
    return ops.exp(logpdf(x, a, b, loc, scale))


def cdf(x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0.0,
        scale: ArrayLike = 1.0) -> Tensor:
    """P(X <= x) = betainc(a, b, z) with z clipped to [0, 1]; differentiable in x (the
    density), loc and scale.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the first shape parameter (> 0).
        b: the second shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        P(X <= x) (0 below loc, 1 above loc + scale), broadcast over all arguments.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import beta
    >>> x = tg.tensor(0.5, dtype="float64", requires_grad=True)
    >>> beta.cdf(x, 2.0, 3.0).backward()
    >>> beta.cdf(x, 2.0, 3.0).item(), round(x.grad.item(), 6)
    (0.6875, 1.5)
    """
    z, _ = standardize(x, loc, scale)
    return invalid(special.betainc(f64(a), f64(b), ops.clip(z, 0.0, 1.0)), a, b)


def logcdf(x: ArrayLike, a: ArrayLike, b: ArrayLike, loc: ArrayLike = 0.0,
           scale: ArrayLike = 1.0) -> Tensor:
    """log P(X <= x), the log of cdf.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        a: the first shape parameter (> 0).
        b: the second shape parameter (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        log P(X <= x), broadcast over all arguments.

    >>> from tapegrad.scipy.stats import beta
    >>> round(beta.logcdf(0.5, 2.0, 3.0).item(), 6)
    -0.374693
    """
    return ops.log(cdf(x, a, b, loc, scale))

# the names `from tapegrad.scipy.stats.beta import *` gives (tests/test_all.py)
__all__ = ["logpdf", "pdf", "cdf", "logcdf"]
