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

from . import _state

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
    up, makes a new tensor instead of writing into t. In NumPy-style code: a 0-d t stands
    for a NumPy scalar, which is immutable (`n = np.prod(s); start = n; n += 1` leaves
    start alone); the input being differentiated (a leaf that requires grad, which cannot
    change in place while recording) rebinds as autograd's boxes do, and updates in place
    under no_grad; under `jnp` every array is immutable. Other arrays update in place, as
    NumPy's do, differentiably."""
    tnp = sys.modules.get(_TNP)
    if tnp is None:
        return False
    g = sys._getframe(depth).f_globals
    if g.get("jnp") is tnp:
        return True
    if not (g.get("np") is tnp or g.get("anp") is tnp):
        return False
    if t._rg and t.grad_fn is None:     # a parameter: in place under no_grad (an update)
        return _state.local.grad_enabled
    return t._data.ndim == 0


def scipy_optimize_caller(depth: int = 2) -> bool:
    """Whether the code `depth` frames up is SciPy's optimizers' own. They apply NumPy
    functions to the gradient a program hands them (`np.atleast_1d(jac(x))`, then
    `.astype`) and pass the result to compiled routines (L-BFGS-B, SLSQP, TNC) that take
    only ndarrays, as autograd's gradients are; there a tensor that carries no gradient
    computes as an array."""
    if "scipy.optimize" not in sys.modules:     # the usual case: no frame to read
        return False
    name = sys._getframe(depth).f_globals.get("__name__", "")
    return name.startswith("scipy.optimize")


def numpy_inplace_caller(depth: int = 2) -> bool:
    """Whether the caller binds tapegrad.numpy to NumPy's or autograd's name (np, anp),
    whose ndarray methods such as `a.sort()` work in place; jnp's (JAX's) never do."""
    tnp = sys.modules.get(_TNP)
    if tnp is None:
        return False
    g = sys._getframe(depth).f_globals
    return g.get("np") is tnp or g.get("anp") is tnp
