"""`tapegrad.scipy`: SciPy's names and conventions over tapegrad's ops, as
`autograd.scipy` and `jax.scipy` (`import tapegrad.scipy.stats.norm as norm`).

Non-tensor arguments follow NumPy: Python floats and integers compute in float64.
SciPy itself is optional: it gives the values of the special functions when installed
(see tapegrad/ops/special.py for what works without it).
"""
from . import integrate, linalg, misc, signal, special, stats  # noqa: F401

# the names `from tapegrad.scipy import *` gives (tests/test_all.py)
__all__ = ["integrate", "linalg", "special", "misc", "signal", "stats"]
