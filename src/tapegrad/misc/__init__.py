"""autograd.misc's helpers, so autograd programs port by their import lines:
`tapegrad.misc.flatten` (a pytree of arrays as one vector, and back) and
`tapegrad.misc.optimizers` (sgd, rmsprop, adam over a gradient function of
(params, iteration)), written with tapegrad operations so they differentiate."""
from .flatten import flatten
from .optimizers import adam, rmsprop, sgd

__all__ = ["flatten", "adam", "rmsprop", "sgd"]
