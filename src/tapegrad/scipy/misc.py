"""`tapegrad.scipy.misc`: logsumexp, where old SciPy (and autograd.scipy.misc) kept it."""
from .special import logsumexp  # noqa: F401
