"""`tapegrad.scipy.misc`: logsumexp, where old SciPy (and autograd.scipy.misc) kept it."""
from .special import logsumexp  # noqa: F401

# the names `from tapegrad.scipy.misc import *` gives (tests/test_all.py)
__all__ = ["logsumexp"]
