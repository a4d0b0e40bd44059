"""The Dirichlet distribution with concentrations alpha (K of them), as
scipy.stats.dirichlet.

x holds the K components along its last axis (as autograd); an x whose last axis is not
K but whose first is takes them along the first axis, as SciPy's implementation does.
"""
from __future__ import annotations

import numpy as np

from ... import ops
from ...ops import special
from ._common import f64, raw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..._tensor import Tensor
    from ..._typing import ArrayLike


def logpdf(x: ArrayLike, alpha: ArrayLike) -> Tensor:
    """log of the Dirichlet(alpha) density at the point x of the simplex (components on
    the last axis): sum((alpha - 1) log x) + lgamma(sum alpha) - sum lgamma(alpha).
    Differentiable in x and alpha.

    Args:
        x: points of the simplex, the K components on the last axis (SciPy's layout with the
            components on the first axis is accepted too).
        alpha: the K concentration parameters (> 0).

    Returns:
        The log density, one value per point (a scalar for one point).

    >>> import tapegrad as tg
    >>> from tapegrad.scipy.stats import dirichlet
    >>> alpha = tg.tensor([2.0, 2.0, 2.0], dtype="float64", requires_grad=True)
    >>> lp = dirichlet.logpdf([0.2, 0.3, 0.5], alpha)
    >>> round(lp.item(), 6)
    1.280934
    >>> lp.backward()
    >>> alpha.grad.shape
    (3,)
    """
    x, alpha = f64(x), f64(alpha)
    k = np.shape(raw(alpha))[-1]
    axis = -1
    if np.shape(raw(x))[-1] != k and np.ndim(raw(x)) > 1 and np.shape(raw(x))[0] == k:
        x = ops.transpose(x, tuple(range(1, np.ndim(raw(x)))) + (0,))
    norm = special.lgamma(ops.sum(alpha, axis=axis)) - ops.sum(special.lgamma(alpha), axis=axis)
    return ops.sum(special.xlogy(alpha - 1, x), axis=axis) + norm


def pdf(x: ArrayLike, alpha: ArrayLike) -> Tensor:
    """The Dirichlet(alpha) density, exp(logpdf); alpha all ones is uniform on the
    simplex (density (K - 1)!).

    Args:
        x: points of the simplex, the K components on the last axis (SciPy's layout with the
            components on the first axis is accepted too).
        alpha: the K concentration parameters (> 0).

    Returns:
        The density, one value per point (a scalar for one point).

    >>> from tapegrad.scipy.stats import dirichlet
    >>> round(dirichlet.pdf([0.2, 0.3, 0.5], [1.0, 1.0, 1.0]).item(), 6)
    2.0
    """
    return ops.exp(logpdf(x, alpha))

# the names `from tapegrad.scipy.stats.dirichlet import *` gives (tests/test_all.py)
__all__ = ["logpdf", "pdf"]
