"""The chi-squared distribution with df degrees of freedom, as scipy.stats.chi2: a gamma
distribution with shape df/2 and scale 2."""
from __future__ import annotations

from ... import ops
from . import gamma
from ._common import f64
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike


def logpdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log of the chi-squared density with df degrees of freedom: gamma.logpdf with
    shape df/2 and scale 2 (times `scale`). Differentiable in x, df, loc and scale.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The log density, broadcast over all arguments. -inf below loc.

    >>> from tapegrad.scipy.stats import chi2
    >>> round(chi2.logpdf(2.0, 2).item(), 6)       # log(exp(-1) / 2)
    -1.693147
    """
    return gamma.logpdf(x, f64(df) / 2, loc, 2 * f64(scale))


def pdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """The chi-squared density, exp(logpdf); 0 below loc.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The density, broadcast over all arguments. 0 below loc.

    >>> from tapegrad.scipy.stats import chi2
    >>> round(chi2.pdf(2.0, 2).item(), 6), chi2.pdf(-1.0, 2).item()
    (0.18394, 0.0)
    """
    return ops.exp(logpdf(x, df, loc, scale))


def cdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """P(X <= x) = gammainc(df/2, x/2); differentiable in x, loc and scale, not df.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        P(X <= x), broadcast over all arguments.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import chi2
    >>> x = tg.tensor(2.0, dtype="float64", requires_grad=True)
    >>> chi2.cdf(x, 2).backward()
    >>> round(chi2.cdf(x, 2).item(), 6), round(x.grad.item(), 6)    # 1 - 1/e, the density
    (0.632121, 0.18394)
    """
    return gamma.cdf(x, f64(df) / 2, loc, 2 * f64(scale))


def logcdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log P(X <= x), the log of cdf.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        log P(X <= x), broadcast over all arguments.

    >>> from tapegrad.scipy.stats import chi2
    >>> round(chi2.logcdf(2.0, 2).item(), 6)
    -0.458675
    """
    return ops.log(cdf(x, df, loc, scale))

# the names `from tapegrad.scipy.stats.chi2 import *` gives (tests/test_all.py)
__all__ = ["logpdf", "pdf", "cdf", "logcdf"]
