"""`tnp.random`: NumPy's own random functions (`np.random`), as autograd.numpy has them.

They share NumPy's global seeded state, so `tnp.random.seed(0)` followed by
`tnp.random.randn(3)` gives the numbers `np.random` gives, and code ported from
autograd draws the same values. Random draws are constants: they return plain ndarrays
(as NumPy and autograd do), which every tapegrad function accepts.

>>> import tapegrad.numpy as tnp
>>> tnp.random.seed(0)
>>> a = tnp.random.randn(2)
>>> import numpy
>>> numpy.random.seed(0)
>>> bool((a == numpy.random.randn(2)).all())
True
"""
from __future__ import annotations

import numpy as _np

from .._tensor import Tensor as _Tensor
from .. import _state
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

# NumPy's legacy seeded functions and generator classes, forwarded as they are
NAMES = [
    "seed", "get_state", "set_state", "rand", "randn", "randint", "random",
    "random_sample", "ranf", "sample", "standard_normal", "normal", "uniform", "choice",
    "permutation", "beta", "binomial", "chisquare", "dirichlet", "exponential", "gamma",
    "geometric", "gumbel", "laplace", "logistic", "lognormal", "multinomial",
    "multivariate_normal", "negative_binomial", "poisson", "rayleigh", "standard_cauchy",
    "standard_exponential", "standard_gamma", "standard_t", "triangular", "vonmises",
    "wald", "weibull", "zipf", "bytes", "default_rng", "RandomState", "Generator",
    "SeedSequence", "PCG64", "MT19937", "BitGenerator",
]
_g = globals()
for _name in NAMES:
    if hasattr(_np.random, _name):
        _g[_name] = getattr(_np.random, _name)
del _g, _name

if TYPE_CHECKING:
    # the names the loop above forwards (a type checker does not run it)
    from numpy.random import (seed, get_state, set_state, rand, randn, randint, random,
                              random_sample, ranf, sample, standard_normal, normal, uniform,
                              choice, permutation, beta, binomial, chisquare, dirichlet,
                              exponential, gamma, geometric, gumbel, laplace, logistic, lognormal,
                              multinomial, multivariate_normal, negative_binomial, poisson,
                              rayleigh, standard_cauchy, standard_exponential, standard_gamma,
                              standard_t, triangular, vonmises, wald, weibull, zipf, bytes,
                              default_rng, RandomState, Generator, SeedSequence, PCG64, MT19937,
                              BitGenerator)


def shuffle(x: Any) -> None:
    """Shuffle `x` in place along its first axis (a tensor: its values, as a change
    made under no_grad, so a graph that saved them raises at backward).

    Args:
        x: a tensor (shuffled in place), or anything np.random.shuffle takes.

    >>> import tapegrad.numpy as tnp
    >>> tnp.random.seed(0)
    >>> x = tnp.arange(5.0)
    >>> tnp.random.shuffle(x)
    >>> sorted(x.tolist()), x.shape
    ([0.0, 1.0, 2.0, 3.0, 4.0], (5,))
    """
    if isinstance(x, _Tensor):
        with _state.no_grad():
            x[...] = x._data[_np.random.permutation(x.shape[0])]
        return None
    return _np.random.shuffle(x)

# the names `from tapegrad.numpy.random import *` gives (tests/test_all.py)
__all__ = ["NAMES", "shuffle"]
