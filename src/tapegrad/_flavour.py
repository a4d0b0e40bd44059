"""Which convention a Tensor method follows where NumPy's and PyTorch's disagree
(`x.var()`, `x.max(0)`, `x.sort()`, `x.repeat(2)`, `x.nonzero()`).

Tensor methods speak PyTorch. A program written for NumPy-style autodiff and ported by
its import line alone (`import tapegrad.numpy as np` for autograd, `... as jnp` for
JAX) calls the same methods on arrays and means NumPy's: `X.std(0)` with ddof=0,
`x.max(0)` the values. So these methods look at the module that called them: if it
binds tapegrad.numpy to one of NumPy's usual names (np, jnp, anp), NumPy's convention
applies; otherwise (`import tapegrad as torch`, `tnp`, tapegrad itself) PyTorch's.
"""
import sys

_TNP = __name__.rsplit(".", 1)[0] + ".numpy"
_NUMPY_NAMES = ("np", "jnp", "anp")


def numpy_caller(depth: int = 2) -> bool:
    """Whether the code `depth` frames up (the method's caller) is NumPy-style code."""
    tnp = sys.modules.get(_TNP)
    if tnp is None:
        return False
    g = sys._getframe(depth).f_globals
    return any(g.get(n) is tnp for n in _NUMPY_NAMES)


def numpy_inplace_caller(depth: int = 2) -> bool:
    """Whether the caller binds tapegrad.numpy to NumPy's or autograd's name (np, anp),
    whose ndarray methods such as `a.sort()` work in place; jnp's (JAX's) never do."""
    tnp = sys.modules.get(_TNP)
    if tnp is None:
        return False
    g = sys._getframe(depth).f_globals
    return g.get("np") is tnp or g.get("anp") is tnp
