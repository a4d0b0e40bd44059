"""The op library. Every public function builds on apply() and one Op class."""
import sys

from .. import _tensor
from ._apply import apply, call  # noqa: F401
from ._op import REGISTRY, LINEAR, Op, register, tangent_sum  # noqa: F401
from .activations import (gelu, leaky_relu, log_softmax, relu, sigmoid,  # noqa: F401
                          softmax, softplus)
from .elementwise import (abs, add, arcsinh, cast, clamp, clip, clip_by_value,  # noqa: F401
                          clone, cos, cosh, div, divide, erf, exp, expm1, floor_divide, fmod,
                          log, log1p, log2, log10, maximum, minimum, mul, multiply, neg,
                          negative, pow, reciprocal, remainder, sign, sin, sinh, sqrt,
                          square, sub, subtract, tan, tanh, true_divide, where)
from .linalg import dot, einsum, matmul, norm, outer  # noqa: F401
from .reduce import (amax, amin, argmax, argmin, logsumexp, max, mean, min,  # noqa: F401
                     prod, reduce_logsumexp, reduce_max, reduce_mean, reduce_min,
                     reduce_prod, reduce_sum, std, sum, var)
from .shape import (broadcast_to, cat, concat, concatenate, expand_dims,  # noqa: F401
                    flatten, getitem, reshape, setitem_, split, squeeze, stack, sum_to,
                    swapaxes, transpose, unsqueeze)
from .special import (betainc, digamma, erfc, erfcinv, erfcx, erfinv, gammainc,  # noqa: F401
                      gammaincc, gammaln, i0, i0e, i1, i1e, lgamma, log_ndtr, logit,
                      multigammaln, mvlgamma, ndtr, ndtri, polygamma, xlog1py, xlogy)

# Tensor's operators and methods call the ops through this package (the one upward edge)
from . import _apply, elementwise as _ew  # noqa: E402
_tensor.use_ops(sys.modules[__name__], _apply.apply2, _ew.Add, _ew.Sub, _ew.Mul, _ew.Div,
                _ew.Pow)
