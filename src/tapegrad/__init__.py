"""tapegrad: automatic differentiation over NumPy, in PyTorch, TensorFlow and JAX styles."""
# The names `from tapegrad import *` gives, in the import order below; tg.bool, tg.int and
# tg.float stay out so a star import does not shadow Python's bool(), int() and float().
# A name added to the imports must be added here too: tests/test_all.py says which.
__all__ = ["show_config", "bool_", "complex64", "complex128", "float16", "float32", "float64",
           "int8", "int16", "int32", "int64", "uint8", "arange", "constant", "convert_to_tensor",
           "eye", "full", "full_like", "is_tensor", "linspace", "ones", "ones_like", "rand",
           "randint", "randn", "tensor", "zeros", "zeros_like", "get_rng_state", "manual_seed",
           "seed", "set_rng_state", "enable_grad", "is_grad_enabled", "no_grad",
           "set_grad_enabled", "Tensor", "detect_anomaly", "NoneGradientWarning",
           "debug_none_gradients", "explain_grad", "make_dual", "unpack_dual", "GradcheckError",
           "vmap", "grad", "hessian", "hvp", "jacfwd", "jacobian", "jacrev", "jvp", "linearize",
           "value_and_grad", "vjp", "abs", "add", "amax", "amin", "argmax", "argmin",
           "broadcast_to", "cast", "cat", "clamp", "clip", "clip_by_value", "clone", "concat",
           "concatenate", "cos", "div", "divide", "dot", "einsum", "erf", "exp", "expand_dims",
           "flatten", "gelu", "leaky_relu", "log", "log1p", "log_softmax", "logsumexp", "matmul",
           "max", "maximum", "mean", "min", "minimum", "mul", "multiply", "neg", "negative",
           "norm", "outer", "pow", "prod", "reduce_logsumexp", "reduce_max", "reduce_mean",
           "reduce_min", "reduce_prod", "reduce_sum", "relu", "reshape", "sigmoid", "sign", "sin",
           "softmax", "softplus", "split", "sqrt", "square", "squeeze", "stack", "std", "sub",
           "subtract", "sum", "swapaxes", "tan", "tanh", "transpose", "unsqueeze", "var", "where",
           "arcsinh", "cosh", "expm1", "floor_divide", "fmod", "log2", "log10", "remainder",
           "true_divide",
           "sinh", "bmm", "cross", "diag", "diag_embed", "diagonal", "gather", "index_add",
           "index_select", "inner", "kron", "masked_fill", "mm", "put_along_axis", "scatter",
           "scatter_add", "select", "take", "take_along_axis", "take_along_dim", "tensordot",
           "trace", "tril", "triu", "vdot", "acos", "acosh", "arccos", "arccosh", "arcsin",
           "arctan", "arctan2", "arctanh", "around", "asin", "asinh", "atan", "atan2", "atanh",
           "cbrt", "ceil", "copysign", "deg2rad", "degrees", "exp2", "fix", "float_power", "floor",
           "fmax", "fmin", "heaviside", "hypot", "logaddexp", "logaddexp2", "nan_to_num",
           "positive", "rad2deg", "radians", "rint", "round", "sinc", "trunc", "argpartition",
           "argsort", "cummax", "cummin", "cumprod", "cumsum", "diff", "kthvalue", "logcumsumexp",
           "median", "mode", "nanargmax", "nanargmin", "nancumprod", "nancumsum", "nanmax",
           "nanmean", "nanmedian", "nanmin", "nanprod", "nanquantile", "nansum", "nanstd", "nanvar",
           "partition", "percentile", "ptp", "quantile", "sort", "topk", "append", "array_split",
           "atleast_1d", "atleast_2d", "atleast_3d", "broadcast_arrays", "broadcast_tensors",
           "chunk", "column_stack", "dsplit", "dstack", "flip", "fliplr", "flipud", "hsplit",
           "hstack", "meshgrid", "moveaxis", "movedim", "narrow", "pad", "permute", "ravel",
           "repeat", "repeat_interleave", "roll", "rollaxis", "rot90", "row_stack", "swapdims",
           "tensor_split", "tile", "unbind", "unflatten", "vsplit", "vstack", "digamma", "erfc",
           "erfinv", "i0", "lgamma", "logit", "mvlgamma", "polygamma", "xlogy", "gradcheck",
           "gradgradcheck", "function", "cond", "while_loop", "checkpoint", "GradientTape",
           "UnconnectedGradients", "Variable", "add_n", "clip_by_global_norm", "stop_gradient",
           "custom_gradient", "custom_jvp", "load", "save", "custom_vjp", "elementwise_grad",
           "conj", "imag", "real", "Generator", "clip_by_norm", "Module", "device", "cfloat",
           "cdouble", "half", "double", "short", "long", "set_printoptions", "angle", "complex",
           "is_complex", "polar", "view_as_complex", "view_as_real", "jit", "make_vjp", "make_jvp",
           "make_hvp", "make_ggnvp", "deriv", "holomorphic_grad", "grad_named", "grad_and_aux",
           "hessian_tensor_product", "hessian_vector_product", "tensor_jacobian_product",
           "vector_jacobian_product", "multigrad_dict"]
from . import autograd, ops  # noqa: F401
from ._config import show_config  # noqa: F401
from ._dtypes import (bool_, complex64, complex128, float16, float32, float64,  # noqa: F401
                      int8, int16, int32, int64, uint8)
from ._factories import (arange, constant, convert_to_tensor, eye, full,  # noqa: F401
                         full_like, is_tensor, linspace, ones, ones_like, rand, randint,
                         randn, tensor, zeros, zeros_like)
from ._random import get_rng_state, manual_seed, seed, set_rng_state  # noqa: F401
from ._state import enable_grad, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from ._tensor import Tensor  # noqa: F401
from .autograd.anomaly import detect_anomaly  # noqa: F401
from .autograd.explain import (NoneGradientWarning, debug_none_gradients,  # noqa: F401
                               explain_grad)
from .autograd.forward_ad import make_dual, unpack_dual  # noqa: F401
from .errors import GradcheckError  # noqa: F401
from .func import (grad, hessian, hvp, jacfwd, jacobian, jacrev, jvp,  # noqa: F401
                   value_and_grad, vjp)
from .ops import (abs, add, amax, amin, argmax, argmin, broadcast_to, cast,  # noqa: F401
                  cat, clamp, clip, clip_by_value, clone, concat, concatenate, cos, div,
                  divide, dot, einsum, erf, exp, expand_dims, flatten, gelu, leaky_relu,
                  log, log1p, log_softmax, logsumexp, matmul, max, maximum, mean, min,
                  minimum, mul, multiply, neg, negative, norm, outer, pow, prod,
                  reduce_logsumexp, reduce_max, reduce_mean, reduce_min, reduce_prod,
                  reduce_sum, relu, reshape, sigmoid, sign, sin, softmax, softplus, split,
                  sqrt, square, squeeze, stack, std, sub, subtract, sum, swapaxes, tan,
                  tanh, transpose, unsqueeze, var, where)
from .ops import (arcsinh, cosh, expm1, floor_divide, fmod, log2, log10,  # noqa: F401,E402
                  remainder, sinh, true_divide)
from .ops import (bmm, cross, diag, diag_embed, diagonal, gather,  # noqa: F401,E402
                  index_add, index_select, inner, kron, masked_fill, mm, put_along_axis,
                  scatter, scatter_add, select, take, take_along_axis, take_along_dim,
                  tensordot, trace, tril, triu, vdot)
from .ops import (acos, acosh, arccos, arccosh, arcsin, arctan, arctan2,  # noqa: F401,E402
                  arctanh, around, asin, asinh, atan, atan2, atanh, cbrt, ceil, copysign,
                  deg2rad, degrees, exp2, fix, float_power, floor, fmax, fmin, heaviside,
                  hypot, logaddexp, logaddexp2, nan_to_num, positive, rad2deg, radians,
                  rint, round, sinc, trunc)
from .ops import (argpartition, argsort, cummax, cummin, cumprod,  # noqa: F401,E402
                  cumsum, diff, kthvalue, logcumsumexp, median, mode, nanargmax, nanargmin,
                  nancumprod, nancumsum, nanmax, nanmean, nanmedian, nanmin, nanprod,
                  nanquantile, nansum, nanstd, nanvar, partition, percentile, ptp,
                  quantile, sort, topk)
from .ops import (append, array_split, atleast_1d, atleast_2d, atleast_3d,  # noqa: F401,E402
                  broadcast_arrays, broadcast_tensors, chunk, column_stack, dsplit, dstack, flip,
                  fliplr, flipud, hsplit, hstack, meshgrid, moveaxis, movedim, narrow, pad, permute,
                  ravel, repeat, repeat_interleave, rollaxis, rot90, row_stack, swapdims,
                  tensor_split, tile, unbind, unflatten, vsplit, vstack)
from .ops import torch_roll as roll  # noqa: F401,E402
from .ops import (digamma, erfc, erfinv, i0, lgamma, logit, mvlgamma,  # noqa: F401,E402
                  polygamma, xlogy)
from . import special  # noqa: F401,E402
from .tools import gradcheck, gradgradcheck  # noqa: F401
from .function import cond, function, while_loop  # noqa: F401
from .checkpoint import checkpoint  # noqa: F401
from .tape import (GradientTape, UnconnectedGradients, Variable, add_n,  # noqa: F401
                   clip_by_global_norm, stop_gradient)
from . import linalg  # noqa: F401,E402
from . import viz  # noqa: F401,E402
from .custom import custom_gradient, custom_jvp  # noqa: F401,E402
from . import nn, optim  # noqa: F401,E402
from .io import load, save  # noqa: F401,E402
# NumPy front end, pytrees, custom_vjp (issue 15)
from . import numpy, tree, tree_util  # noqa: F401,E402
from .custom import custom_vjp  # noqa: F401,E402
from . import _function_vmap  # noqa: F401,E402  (tg.vmap of autograd.Function)
from .func import elementwise_grad  # noqa: F401,E402
from ._jit import jit  # noqa: F401,E402  (JAX's spelling over tg.function, issue 15)
from ._jaxpr import device_put, devices, make_jaxpr  # noqa: F401,E402
from . import debug  # noqa: F401,E402  (jax.debug.print)
Array = Tensor      # jax.Array's name: `isinstance(x, jax.Array)`, annotations
from ._autograd_ops import (deriv, grad_and_aux, grad_named,  # noqa: F401,E402
                            hessian_tensor_product, hessian_vector_product,
                            holomorphic_grad, make_ggnvp, make_hvp, make_jvp, make_vjp,
                            multigrad_dict, tensor_jacobian_product,
                            vector_jacobian_product)
# complex tensors (issue 16)
from .ops import (angle, complex, conj, imag, is_complex, polar, real,  # noqa: F401,E402
                  view_as_complex, view_as_real)
from .vmap import vmap  # noqa: F401,E402
from .tf_functional import (foldl, foldr, map_fn, scan,  # noqa: F401,E402
                            vectorized_map)
__all__ += ["foldl", "foldr", "map_fn", "scan", "vectorized_map", "autodiff",
            "nest", "TensorArray", "debugging", "case", "control_dependencies",
            "ensure_shape", "get_static_value", "group", "init_scope", "no_op",
            "numpy_function", "py_function", "recompute_grad", "switch_case"]  # noqa: E402

from ._version import __version__  # noqa: F401,E402
# issue 18: data loading, TensorFlow-style names (tg.random, tg.math, tg.Module)
from . import random, utils  # noqa: F401,E402
from .random import Generator  # noqa: F401,E402
from . import math  # noqa: F401,E402
from . import autodiff  # noqa: F401,E402  (tf.autodiff.ForwardAccumulator)
from . import nest  # noqa: F401,E402  (tf.nest)
from .tensor_array import TensorArray  # noqa: F401,E402
from . import debugging  # noqa: F401,E402  (tf.debugging)
from .tf_control import (case, control_dependencies, ensure_shape,  # noqa: F401,E402
                         get_static_value, group, init_scope, no_op, numpy_function,
                         py_function, recompute_grad, switch_case)
from .math import clip_by_norm  # noqa: F401,E402
from .tf_module import Module  # noqa: F401,E402
from . import cuda  # noqa: F401,E402
from ._dtypes import device  # noqa: F401,E402
from ._dtypes import (bool_ as bool, complex64 as cfloat,  # noqa: F401,E402,A001
                      complex128 as cdouble, float16 as half, float32 as float,
                      float64 as double, int16 as short, int32 as int, int64 as long)
from ._printing import set_printoptions  # noqa: F401,E402
# several processes over MPI; mpi4py is imported on first use, not here
from . import distributed  # noqa: F401,E402
# issue 16: tg.fft (torch.fft's names)
from . import fft  # noqa: F401,E402
# session 10 (jaxsem): jax.linearize
from .func import linearize  # noqa: F401,E402
# session 13 (jaxrest): jax.linear_transpose
from .func import linear_transpose  # noqa: F401,E402
from ._abstract import ShapeDtypeStruct, eval_shape  # noqa: F401,E402
# TensorFlow's top-level array functions (tf.shape, tf.range, tf.gather, ...) and Variable
# settings; tg.gather keeps torch's 3-argument form too
from .tf_ops import (boolean_mask, fill, gather, gather_nd, greater,  # type: ignore[assignment]  # noqa: F401,E402,E501
                     greater_equal, identity, less, less_equal, newaxis, not_equal, one_hot,
                     rank, reduce_all, reduce_any, shape, size, unstack)
from .tf_ops import (executing_eagerly, reverse, scatter_nd, searchsorted,  # noqa: F401,E402
                     tensor_scatter_nd_add, tensor_scatter_nd_update)
from .tf_ops import print, range  # noqa: F401,E402,A004
from .variable import VariableAggregation, VariableSynchronization  # noqa: F401,E402
from . import tf_data as data  # noqa: F401,E402 - tf.data
from . import tf_config as config  # noqa: F401,E402 - tf.config
from . import tf_dtypes as dtypes  # noqa: F401,E402 - tf.dtypes
__all__ += ["boolean_mask", "fill", "gather_nd", "greater", "greater_equal", "identity",
            "less", "less_equal", "newaxis", "not_equal", "one_hot", "rank", "reduce_all",
            "reduce_any", "shape", "size", "unstack", "executing_eagerly", "reverse",
            "scatter_nd", "searchsorted", "tensor_scatter_nd_add", "tensor_scatter_nd_update",
            "VariableAggregation",
            "VariableSynchronization"]
# issue 18 (tutorial ports): PyTorch's top-level spellings over existing ops
from ._torch_compat import (addcdiv, addcmul, addmm, all, allclose, any,  # noqa: F401,E402,A004
                            argwhere, as_tensor, bernoulli, count_nonzero, detach, empty,
                            empty_like, eq, equal, from_numpy, ge, get_num_threads, gt,
                            inference_mode, is_floating_point, isclose, isfinite, isinf,
                            isnan, le, lerp, logical_and, logical_not, logical_or,
                            logical_xor, logspace, lt, masked_select, multinomial, mv, ne,
                            nonzero, normal, numel, rand_like, randint_like, randn_like,
                            randperm, rsqrt, set_num_threads, t, unique)
from ._torch_legacy import (BoolTensor, ByteTensor, DoubleTensor,  # noqa: F401,E402
                            FloatTensor, IntTensor, LongTensor, get_default_device,
                            get_default_dtype, set_default_device, set_default_dtype)
from . import accelerator  # noqa: F401,E402
from .tf_module import name_scope  # noqa: F401,E402
from .tf_module import TensorSpec  # noqa: F401,E402
from .tf_module import TensorShape  # noqa: F401,E402
from ._torch_compat import (are_deterministic_algorithms_enabled,  # noqa: F401,E402,A004
                            compile, use_deterministic_algorithms)
from . import backends, testing, train  # noqa: F401,E402
# JAX's lax, tree_util and jax.scipy by `import tapegrad as jax` (issue 15, round 3); scipy through
# importlib, as a static import of it here puts scipy.special into mypy's import cycle
import importlib as _importlib  # noqa: E402
from . import lax  # noqa: F401,E402
scipy = _importlib.import_module(".scipy", __name__)
# torch.autograd.gradcheck / gradgradcheck: the tools live above the engine layer
setattr(autograd, "gradcheck", gradcheck)  # noqa: B010
setattr(autograd, "gradgradcheck", gradgradcheck)  # noqa: B010
autograd.__all__ += ["gradcheck", "gradgradcheck"]
__all__ += ["addcdiv", "addcmul", "addmm", "allclose", "argwhere", "as_tensor",  # noqa: E402
            "bernoulli", "count_nonzero", "detach", "empty", "empty_like", "eq", "equal",
            "from_numpy", "ge", "get_num_threads", "gt", "inference_mode",
            "is_floating_point", "isclose", "isfinite", "isinf", "isnan", "le", "lerp",
            "logical_and", "logical_not", "logical_or", "logical_xor", "logspace", "lt",
            "masked_select", "multinomial", "mv", "ne", "nonzero", "normal", "numel",
            "rand_like", "randint_like", "randn_like", "randperm", "rsqrt", "set_num_threads",
            "t", "unique", "get_default_device", "get_default_dtype", "set_default_device",
            "set_default_dtype", "BoolTensor", "ByteTensor", "DoubleTensor", "FloatTensor",
            "IntTensor", "LongTensor", "name_scope", "TensorSpec", "TensorShape", "are_deterministic_algorithms_enabled",
            "use_deterministic_algorithms"]
# session 11 torchsem: torch.Size's twin (the type of t.shape); torch's top-level det,
# logdet, reciprocal, cdist; torch's keyword names (input=, other=, ...) on the functions
from ._size import Size  # noqa: E402
from .ops import reciprocal  # noqa: E402
from .ops.linalg_base import det, logdet  # noqa: E402
from .nn.functional import cdist  # noqa: E402
from . import _torch_keywords  # noqa: E402
_torch_keywords.install(globals(), _torch_keywords.TOP)
_torch_keywords.install(linalg, _torch_keywords.LINALG)
_torch_keywords.install(special, _torch_keywords.SPECIAL)
_torch_keywords.share(math)
_torch_keywords.share(nn.functional)
__all__ += ["Size", "reciprocal", "det", "logdet", "cdist"]
__all__ += ["Array", "device_put", "devices", "make_jaxpr"]
__all__ += ["linear_transpose", "ShapeDtypeStruct", "eval_shape"]
# Tensor methods that are this package's functions on the tensor (x.addcmul, x.outer, ...)
import sys as _sys  # noqa: E402
from . import _tensor_port_methods as _port_methods  # noqa: E402
_port_methods.top = _sys.modules[__name__]
