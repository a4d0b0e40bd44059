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


def rebinds(t, depth: int = 2) -> bool:
    """Whether `x += y` (and -=, *=, /=) on tensor `t`, written in the code `depth` frames
    up, makes a new tensor instead of writing into t. NumPy-style code means NumPy's,
    autograd's or JAX's semantics there: a 0-d result stands for an immutable NumPy
    scalar, a value being differentiated for an autograd box (no in-place ops), and under
    `jnp` every array is immutable; writing in place would change every other name for
    the old value."""
    tnp = sys.modules.get(_TNP)
    if tnp is None:
        return False
    g = sys._getframe(depth).f_globals
    if g.get("jnp") is tnp:
        return True
    if not (g.get("np") is tnp or g.get("anp") is tnp):
        return False
    return t._data.ndim == 0 or t._rg or t._fw is not None
