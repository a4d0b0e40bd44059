"""Student's t distribution with df degrees of freedom, as scipy.stats.t. Its CDF goes
through betainc, so it is differentiable in x, loc and scale but not in df."""
from __future__ import annotations

import numpy as np

from ... import ops
from ...ops import special
from ._common import LOG_PI, f64, invalid, raw, standardize
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike


def logpdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log of Student's t density with df degrees of freedom; differentiable in x, df,
    loc and scale.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The log density, broadcast over all arguments.

    >>> from tapegrad.scipy.stats import t
    >>> round(t.logpdf(0.0, 1.0).item(), 6)         # Cauchy: -log(pi)
    -1.14473
    """
    z, log_scale = standardize(x, loc, scale)
    df = f64(df)
    return (special.lgamma((df + 1) / 2) - special.lgamma(df / 2) - 0.5 * (ops.log(df) + LOG_PI)
            - log_scale - (df + 1) / 2 * ops.log1p(z * z / df))


def pdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """Student's t density, exp(logpdf).

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        The density, broadcast over all arguments.

    >>> from tapegrad.scipy.stats import t
    >>> round(t.pdf(0.0, 1.0).item(), 6)            # 1 / pi
    0.31831
    """
    return ops.exp(logpdf(x, df, loc, scale))


def cdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """P(X <= x), through betainc; differentiable in x (the density), loc and scale, not
    df.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        P(X <= x), broadcast over all arguments.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import t
    >>> x = tg.tensor(1.0, dtype="float64", requires_grad=True)
    >>> t.cdf(x, 1.0).backward()
    >>> round(t.cdf(x, 1.0).item(), 6), round(x.grad.item(), 6)    # Cauchy: 3/4, 1/(2 pi)
    (0.75, 0.159155)
    """
    z, _ = standardize(x, loc, scale)
    df = f64(df)
    # P(T <= z) = I_{df/(df+z^2)}(df/2, 1/2) / 2 below 0, and 1 minus that above
    half_tail = 0.5 * special.betainc(df / 2, 0.5, df / (df + z * z))
    return invalid(ops.where(np.asarray(raw(z) < 0), half_tail, 1.0 - half_tail), df)


def logcdf(x: ArrayLike, df: ArrayLike, loc: ArrayLike = 0.0, scale: ArrayLike = 1.0) -> Tensor:
    """log P(X <= x), the log of cdf.

    Args:
        x: the points; a tensor, array or number (Python numbers compute in float64).
        df: the degrees of freedom (> 0).
        loc: the shift of the distribution (default 0).
        scale: the positive scale of the distribution (default 1).

    Returns:
        log P(X <= x), broadcast over all arguments.

    >>> from tapegrad.scipy.stats import t
    >>> round(t.logcdf(1.0, 1.0).item(), 6)
    -0.287682
    """
    return ops.log(cdf(x, df, loc, scale))

# the names `from tapegrad.scipy.stats.t import *` gives (tests/test_all.py)
__all__ = ["logpdf", "pdf", "cdf", "logcdf"]
