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
from .mathfns import (acos, acosh, arccos, arccosh, arcsin, arctan, arctan2, arctanh,  # noqa: F401
                      around, asin, asinh, atan, atan2, atanh, cbrt, ceil, copysign,
                      deg2rad, degrees, exp2, fix, float_power, floor, fmax, fmin,
                      heaviside, hypot, logaddexp, logaddexp2, nan_to_num, positive,
                      rad2deg, radians, rint, round, sinc, trunc)
from . import decomp, linalg_fns, solve  # noqa: F401  (tg.linalg's ops)
from . import banded  # noqa: F401  (scipy.linalg.solve_banded's op)
from .reduce import (amax, amin, argmax, argmin, logsumexp, max, mean, min,  # noqa: F401
                     prod, reduce_logsumexp, reduce_max, reduce_mean, reduce_min,
                     reduce_prod, reduce_sum, std, sum, var)
from .shape import (broadcast_to, cat, concat, concatenate, expand_dims,  # noqa: F401
                    flatten, getitem, reshape, setitem_, squeeze, stack, sum_to,
                    swapaxes, transpose, unsqueeze)
from .diagonals import diag, diag_embed, diagonal, trace, tril, triu  # noqa: F401
from .indexing import (gather, index_add, index_select, masked_fill,  # noqa: F401
                       put_along_axis, scatter, scatter_add, select, take, take_along_axis,
                       take_along_dim)
from .products import (bmm, cross, inner, kron, linalg_cross, mm, tensordot,  # noqa: F401
                       vdot)
from .reduce import (nanargmax, nanargmin, nanmax, nanmean, nanmin,  # noqa: F401,E402
                     nanprod, nanstd, nansum, nanvar, ptp)
from .scan import (cummax, cummin, cumprod, cumsum, diff,  # noqa: F401,E402
                   logcumsumexp, nancumprod, nancumsum)
from .sort import (argpartition, argsort, kthvalue, median, mode, nanmedian,  # noqa: F401,E402
                   nanquantile, np_median, np_sort, partition, percentile, quantile, sort,
                   sort_values, topk)
from .arrange import (flip, fliplr, flipud, moveaxis, movedim, pad, permute,  # noqa: F401
                      ravel, repeat, repeat_interleave, roll, rollaxis, rot90, swapdims,
                      tile, unflatten)
from .arrange_torch import roll as torch_roll  # noqa: F401,E402
from .joinsplit import (append, array_split, atleast_1d, atleast_2d,  # noqa: F401
                        atleast_3d, broadcast_arrays, broadcast_tensors, chunk,
                        column_stack, dsplit, dstack, hsplit, hstack, meshgrid, narrow,
                        numpy_split, row_stack, split, tensor_split, unbind, vsplit, vstack)
from .special import (betainc, digamma, erfc, erfcinv, erfcx, erfinv, gammainc,  # noqa: F401
                      gammaincc, gammaln, i0, i0e, i1, i1e, lgamma, log_ndtr, logit,
                      multigammaln, mvlgamma, ndtr, ndtri, polygamma, xlog1py, xlogy)

# Tensor's operators and methods call the ops through this package (the one upward edge)
from . import _apply, elementwise as _ew  # noqa: E402
_tensor.use_ops(sys.modules[__name__], _apply.apply2, _ew.Add, _ew.Sub, _ew.Mul, _ew.Div,
                _ew.Pow)
from .activations2 import (hardsigmoid, hardswish, logsigmoid, mish,  # noqa: F401,E402
                           relu6, selu, silu, softsign, tanhshrink)
# complex tensors (issue 16); abs, conj, real, imag take complex values
from .complex import (abs, angle, complex, conj, imag, is_complex, polar,  # noqa: F401,E402
                      real, view_as_complex, view_as_real)
from . import fft  # noqa: F401,E402  (tg.fft's and tnp.fft's ops)
from . import at  # noqa: F401,E402  (JAX's x.at[...] updates, Tensor.at)

# the names `from tapegrad.ops import *` gives (tests/test_all.py)
__all__ = ["apply", "call", "torch_roll", "REGISTRY", "LINEAR", "Op", "register", "tangent_sum", "gelu",
           "leaky_relu", "log_softmax", "relu", "sigmoid", "softmax", "softplus", "abs", "add",
           "arcsinh", "cast", "clamp", "clip", "clip_by_value", "clone", "cos", "cosh", "div",
           "divide", "erf", "exp", "expm1", "floor_divide", "fmod", "log", "log1p", "log2",
           "log10", "maximum", "minimum", "mul", "multiply", "neg", "negative", "pow",
           "reciprocal", "remainder", "sign", "sin", "sinh", "sqrt", "square", "sub", "subtract",
           "tan", "tanh", "true_divide", "where", "dot", "einsum", "matmul", "norm", "outer",
           "acos", "acosh", "arccos", "arccosh", "arcsin", "arctan", "arctan2", "arctanh",
           "around", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "copysign",
           "deg2rad", "degrees", "exp2", "fix", "float_power", "floor", "fmax", "fmin",
           "heaviside", "hypot", "logaddexp", "logaddexp2", "nan_to_num", "positive", "rad2deg",
           "radians", "rint", "round", "sinc", "trunc", "amax", "amin", "argmax", "argmin",
           "logsumexp", "max", "mean", "min", "prod", "reduce_logsumexp", "reduce_max",
           "reduce_mean", "reduce_min", "reduce_prod", "reduce_sum", "std", "sum", "var",
           "broadcast_to", "cat", "concat", "concatenate", "expand_dims", "flatten", "getitem",
           "reshape", "setitem_", "split", "squeeze", "stack", "sum_to", "swapaxes", "transpose",
           "unsqueeze", "diag", "diag_embed", "diagonal", "gather", "index_add", "index_select",
           "masked_fill", "put_along_axis", "scatter", "scatter_add", "select", "take",
           "take_along_axis", "take_along_dim", "trace", "tril", "triu", "bmm", "cross", "inner",
           "kron", "linalg_cross", "mm", "tensordot", "vdot", "nanargmax", "nanargmin", "nanmax",
           "nanmean", "nanmin", "nanprod", "nanstd", "nansum", "nanvar", "ptp", "cummax", "cummin",
           "cumprod", "cumsum", "diff", "logcumsumexp", "nancumprod", "nancumsum", "sort",
           "argpartition", "argsort", "kthvalue", "median", "mode", "nanmedian", "nanquantile",
           "np_median", "np_sort", "partition", "percentile", "quantile", "sort_values", "topk",
           "flip", "fliplr", "flipud", "moveaxis", "movedim", "pad", "permute", "ravel", "repeat",
           "repeat_interleave", "roll", "rollaxis", "rot90", "swapdims", "tile", "unflatten",
           "append", "array_split", "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays",
           "broadcast_tensors", "chunk", "column_stack", "dsplit", "dstack", "hsplit", "hstack",
           "meshgrid", "narrow", "numpy_split", "row_stack", "tensor_split", "unbind", "vsplit",
           "vstack", "betainc", "digamma", "erfc", "erfcinv", "erfcx", "erfinv", "gammainc",
           "gammaincc", "gammaln", "i0", "i0e", "i1", "i1e", "lgamma", "log_ndtr", "logit",
           "multigammaln", "mvlgamma", "ndtr", "ndtri", "polygamma", "xlog1py", "xlogy",
           "hardsigmoid", "hardswish", "logsigmoid", "mish", "relu6", "selu", "silu", "softsign",
           "tanhshrink", "angle", "complex", "conj", "imag", "is_complex", "polar", "real",
           "view_as_complex", "view_as_real"]
# session 11 torchsem: torch's spelling of a few backward-node names
from . import _torch_names  # noqa: E402,F401
