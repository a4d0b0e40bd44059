"""`tapegrad.scipy.stats`: log densities, densities and CDFs of scipy.stats'
distributions with SciPy's argument names, differentiable in x and the parameters (as
`autograd.scipy.stats`). Each distribution is a module: `stats.norm.logpdf(x, loc,
scale)`, or `import tapegrad.scipy.stats.norm as norm`."""
from . import beta, chi2, dirichlet, gamma, multivariate_normal, norm, poisson, t  # noqa: F401

# the names `from tapegrad.scipy.stats import *` gives (tests/test_all.py)
__all__ = ["beta", "gamma", "chi2", "dirichlet", "multivariate_normal", "norm", "poisson", "t"]
