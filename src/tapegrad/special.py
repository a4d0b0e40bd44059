"""`tg.special`: torch.special's names for tapegrad's special functions (ops/special.py).

>>> import tapegrad as tg
>>> tg.special.ndtr(tg.tensor([0.0]))
tensor([0.5000])
"""
from .ops import erf, expm1, log1p, log_softmax, logsumexp, softmax  # noqa: F401
from .ops.special import (digamma, entr, erfc, erfcinv, erfcx, erfinv, expit,  # noqa: F401
                          gammainc, gammaincc, gammaln, i0, i0e, i1, i1e, log_ndtr, logit,
                          multigammaln, ndtr, ndtri, polygamma, psi, xlog1py, xlogy)
from .ops.special import j0 as bessel_j0, j1 as bessel_j1  # noqa: F401
from .ops.special import y0 as bessel_y0, y1 as bessel_y1  # noqa: F401

# the names `from tapegrad.special import *` gives (tests/test_all.py)
__all__ = ["erf", "expm1", "log1p", "log_softmax", "logsumexp", "softmax", "digamma", "entr",
           "erfc", "erfcinv", "erfcx", "erfinv", "expit", "gammainc", "gammaincc", "gammaln", "i0",
           "i0e", "i1", "i1e", "log_ndtr", "logit", "multigammaln", "ndtr", "ndtri", "polygamma",
           "psi", "xlog1py", "xlogy", "bessel_j0", "bessel_j1", "bessel_y0", "bessel_y1"]
