"""The multivariate normal distribution, as scipy.stats.multivariate_normal: x holds
points along its last axis; cov is a matrix, a vector (its diagonal) or a number.

The log density goes through the Cholesky factor of cov (tg.linalg.cholesky and
tg.linalg.solve_triangular), so it is differentiable in x, mean and cov.
"""
from __future__ import annotations

import math

import numpy as np

from ... import linalg, ops
from ._common import f64, raw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike

_LOG_2PI = math.log(2.0 * math.pi)


def _cov_matrix(cov, d):
    c = raw(cov)
    if np.ndim(c) == 0:
        return f64(cov) * np.eye(d)
    if np.ndim(c) == 1:
        return f64(cov) * np.eye(d) if np.shape(c)[0] == d else None
    return f64(cov)


def _factor(who, cov, d, allow_singular):
    if allow_singular:
        raise NotImplementedError(f"multivariate_normal.{who}: allow_singular=True (a "
                                  "pseudo-inverse) is not supported; give a positive "
                                  "definite cov")
    c = _cov_matrix(cov, d)
    if c is None or np.shape(raw(c)) != (d, d):
        raise ValueError(f"multivariate_normal.{who}: cov must be a number, a vector of "
                         f"length {d} or a ({d}, {d}) matrix, got shape {np.shape(raw(cov))}")
    low = linalg.cholesky(c)
    idx = np.arange(d)
    return low, 2.0 * ops.sum(ops.log(low[idx, idx]))


def _dim(mean, cov):
    """The dimension as SciPy infers it: from mean, else from cov, else 1."""
    if mean is not None and np.ndim(raw(mean)) > 0:
        return np.shape(raw(mean))[-1]
    return np.shape(raw(cov))[0] if np.ndim(raw(cov)) > 0 else 1


def logpdf(x: ArrayLike, mean: ArrayLike | None = None, cov: ArrayLike = 1,
           allow_singular: bool = False) -> Tensor:
    """log density of N(mean, cov) at the points x (last axis), through the Cholesky
    factor of cov; differentiable in x, mean and cov. cov may be a matrix, its diagonal
    or a number; allow_singular=True is not supported.

    Args:
        x: the points, the d coordinates on the last axis (for d = 1, a number or a 1-D array of points).
        mean: the mean vector of length d (default None: zero).
        cov: the covariance: a (d, d) positive definite matrix, its diagonal (a vector of length d)
            or a number (times the identity); default 1.
        allow_singular: must be False (a singular cov is not supported).

    Returns:
        The log density, one value per point: the batch shape of x with its size-1 axes
        squeezed (a scalar for one point), as SciPy.

    Raises:
        NotImplementedError: if allow_singular is True.
        ValueError: if cov is not a number, a length-d vector or a (d, d) matrix.

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import multivariate_normal as mvn
    >>> m = tg.tensor([0.0, 0.0], dtype="float64", requires_grad=True)
    >>> lp = mvn.logpdf([1.0, 0.0], m, [[1.0, 0.0], [0.0, 1.0]])
    >>> round(lp.item(), 6)                 # -log(2 pi) - 1/2
    -2.337877
    >>> lp.backward()
    >>> m.grad                              # cov^-1 (x - mean)
    tensor([1., 0.], dtype=float64)
    """
    x = f64(x)
    d = _dim(mean, cov)
    if np.ndim(raw(x)) == 0 or (d == 1 and np.shape(raw(x))[-1] != 1):
        x = ops.expand_dims(x, -1)          # scalars and 1-D samples of a 1-D normal
    diff = x if mean is None else x - f64(mean)
    low, logdet = _factor("logpdf", cov, d, allow_singular)
    batch = np.shape(raw(diff))[:-1]
    cols = ops.transpose(ops.reshape(diff, (-1, d)))
    white = linalg.solve_triangular(low, cols, upper=False)
    # SciPy squeezes the batch shape: one point gives a scalar, (1, d) points too
    maha = ops.reshape(ops.sum(white * white, axis=0), tuple(n for n in batch if n != 1))
    return -0.5 * (d * _LOG_2PI + logdet + maha)


def pdf(x: ArrayLike, mean: ArrayLike | None = None, cov: ArrayLike = 1,
        allow_singular: bool = False) -> Tensor:
    """The N(mean, cov) density at x, exp(logpdf).

    Args:
        x: the points, the d coordinates on the last axis (for d = 1, a number or a 1-D array of points).
        mean: the mean vector of length d (default None: zero).
        cov: the covariance: a (d, d) positive definite matrix, its diagonal (a vector of length d)
            or a number (times the identity); default 1.
        allow_singular: must be False (a singular cov is not supported).

    Returns:
        The density, shaped as logpdf's result.

    Raises:
        NotImplementedError: if allow_singular is True.
        ValueError: if cov is not a number, a length-d vector or a (d, d) matrix.

    >>> from tapegrad.scipy.stats import multivariate_normal as mvn
    >>> round(mvn.pdf([0.0, 0.0], [0.0, 0.0], [1.0, 4.0]).item(), 6)    # 1 / (4 pi)
    0.079577
    """
    return ops.exp(logpdf(x, mean, cov, allow_singular))


def entropy(mean: ArrayLike | None = None, cov: ArrayLike = 1) -> Tensor:
    """Differential entropy, 0.5 d (1 + log 2 pi) + 0.5 log det cov; differentiable in
    cov (mean does not enter).

    Args:
        mean: the mean (only its length d is used; default None).
        cov: the covariance: a (d, d) positive definite matrix, its diagonal (a vector of length d)
            or a number (times the identity); default 1.

    Returns:
        The differential entropy, a 0-d tensor.

    Raises:
        ValueError: if cov is not a number, a length-d vector or a (d, d) matrix.

    >>> from tapegrad.scipy.stats import multivariate_normal as mvn
    >>> round(mvn.entropy([0.0, 0.0], [[1.0, 0.0], [0.0, 1.0]]).item(), 6)   # 1 + log 2 pi
    2.837877
    """
    _, logdet = _factor("entropy", cov, _dim(mean, cov), False)
    d = _dim(mean, cov)
    return 0.5 * d * (1.0 + _LOG_2PI) + 0.5 * logdet

# the names `from tapegrad.scipy.stats.multivariate_normal import *` gives (tests/test_all.py)
__all__ = ["logpdf", "pdf", "entropy"]
