"""NumPy's functions over tensors: `import tapegrad.numpy as tnp` (or `as np`).

Names, signatures and conventions are NumPy's (Python floats are float64, `var` has
`ddof=0`, `split` takes sections or indices, `max` returns values), the arguments may be
tensors, arrays, lists or numbers, and every result is a tensor that `tg.grad`,
`.backward()`, tapes and forward mode differentiate. Code written for `autograd.numpy`
or `jax.numpy` runs by changing its import line:

>>> import tapegrad as tg
>>> import tapegrad.numpy as np
>>> def loss(w):
...     return np.sum(np.tanh(np.dot(np.array([[1.0, 2.0]]), w)) ** 2)
>>> tg.grad(loss)(np.array([0.1, -0.2])).shape
(2,)

The namespace is built from tables: most names are a tapegrad function plus NumPy's
argument conventions (`_convert`), the rest are short NumPy-convention functions
(`_functions`, `_shapes`, `_products`, `_more`). Adding a name whose tapegrad function already takes NumPy's arguments is
one entry in a table below; a name listed there whose tapegrad function does not exist
yet is left out (it appears once the op lands). A name tnp lacks raises AttributeError
naming it. `tnp.linalg` and `tnp.fft` forward to `tapegrad.linalg` and `tapegrad.fft`;
`tnp.random` is NumPy's seeded generator (its results are constants).
"""
from __future__ import annotations

import sys as _sys

import numpy as _np

from .. import _tensor
from .. import ops as _ops
from ..ops.complex import Angle as _Angle
from . import _functions, _products, _shapes, fft, linalg, random  # noqa: F401
from ._convert import binary as _binary
from ._convert import passthrough as _passthrough
from ._convert import unary as _unary
from ._npint import marked as _marked
from . import _jnp
from . import _extra, _extra_const, _poly, _writers
from . import _ufunc_methods
from ._functions import (all, amax, amin, any, arange, argmax, argmin,  # noqa: F401
                         array, asarray, average, copy, empty, empty_like, eye,
                         full, full_like, identity, linspace, mean, ones, ones_like, prod,
                         std, sum, var, zeros, zeros_like)
from ._shapes import (argwhere, array_split, atleast_1d, atleast_2d,  # noqa: F401
                      atleast_3d, broadcast_to, clip, column_stack, concatenate, dsplit,
                      dstack, expand_dims, flatnonzero, hsplit, hstack, nonzero, ravel,
                      reshape, row_stack, split, squeeze, stack, swapaxes, transpose,
                      vsplit, vstack, where)
from ._products import (allclose, array_equal, dot, einsum, isclose, matmul, ndim,  # noqa: F401
                        outer, shape, size)
from ._more import (ADAPTED, astype, broadcast_arrays, gradient, logspace,  # noqa: F401
                    matrix_transpose, meshgrid, permute_dims, ptp, real_if_close, rollaxis,
                    select, trapezoid, trapz)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .._tensor import Tensor
    from .._typing import ArrayLike

max = amax
min = amin
asanyarray = asarray
ascontiguousarray = asarray
concat = concatenate            # NumPy 2's alias

# ---------------------------------------------------------------- the tables
# NumPy name -> tapegrad op name. One-argument functions whose result is floating (an
# integer argument computes in float64, as NumPy).
UNARY_FLOAT = {
    "sin": "sin", "cos": "cos", "tan": "tan", "tanh": "tanh", "sinh": "sinh",
    "cosh": "cosh", "arcsinh": "arcsinh", "exp": "exp", "log": "log", "log1p": "log1p",
    "expm1": "expm1", "log2": "log2", "log10": "log10", "sqrt": "sqrt",
    "reciprocal": "reciprocal", "fabs": "abs",
    # landing with the math helper's ops (picked up when tapegrad has them)
    "arcsin": "arcsin", "arccos": "arccos", "arctan": "arctan", "arccosh": "arccosh",
    "arctanh": "arctanh", "exp2": "exp2", "sinc": "sinc", "deg2rad": "deg2rad",
    "rad2deg": "rad2deg", "radians": "deg2rad", "degrees": "rad2deg", "cbrt": "cbrt",
    # NumPy 2's array-API spellings
    "rint": "rint", "asin": "arcsin", "acos": "arccos", "atan": "arctan", "asinh": "arcsinh",
    "acosh": "arccosh", "atanh": "arctanh",
}
# One-argument functions that keep the argument's dtype.
UNARY = {
    "negative": "neg", "absolute": "abs", "abs": "abs", "sign": "sign",
    "square": "square",
    # zero-gradient rounding, once the math helper's ops land (else see ROUNDING)
    "floor": "floor", "ceil": "ceil", "trunc": "trunc", "fix": "fix",
}
# Two-argument functions whose result is floating.
BINARY_FLOAT = {
    "divide": "div", "true_divide": "div",
    "arctan2": "arctan2", "hypot": "hypot", "logaddexp": "logaddexp",
    "logaddexp2": "logaddexp2", "atan2": "arctan2", "float_power": "float_power",
}
# Two-argument functions that follow NumPy's type promotion.
BINARY = {
    "add": "add", "subtract": "sub", "multiply": "mul", "power": "pow", "pow": "pow",
    "maximum": "maximum", "minimum": "minimum", "floor_divide": "floor_divide",
    "remainder": "remainder", "mod": "remainder", "fmod": "fmod",
    "fmax": "fmax", "fmin": "fmin", "copysign": "copysign", "heaviside": "heaviside",
}
# tapegrad functions whose signature is NumPy's already (array first, then NumPy's
# arguments by position and keyword): forwarded as they are. Most land with the scan,
# shape and index helpers; tests/test_numpy_names.py compares each present one with
# NumPy, so extend this list when an op with NumPy's signature lands.
SAME_SIGNATURE = [
    "cumsum", "cumprod", "nancumsum", "nancumprod", "diff", "partition",
    "moveaxis", "repeat", "tile", "roll", "flip", "fliplr", "flipud", "rot90",
    "append", "tril", "triu", "diag", "diagonal", "trace", "take", "take_along_axis",
    "inner", "vdot", "tensordot", "kron", "round", "around",
]
# tapegrad functions that also speak PyTorch (tg.sort(x, 1) is torch.sort): NumPy's
# signature over them, from _more.ADAPTED (np name -> (tapegrad op, adapter)).
# Results that are booleans or integers: NumPy computes them on the values (no
# gradient exists, so nothing is cut).
CONSTANT = [
    "greater", "greater_equal", "less", "less_equal", "equal", "not_equal",
    "logical_and", "logical_or", "logical_xor", "logical_not", "isnan", "isinf",
    "isfinite", "isposinf", "isneginf", "signbit", "argsort", "argpartition",
    "searchsorted", "digitize", "count_nonzero", "bincount", "lexsort", "unravel_index",
    "ravel_multi_index", "tril_indices", "triu_indices", "diag_indices", "indices",
    "iscomplex", "isreal", "bitwise_and", "bitwise_or", "bitwise_xor", "invert",
    "left_shift", "right_shift", "tri",
]
# Rounding: zero gradient almost everywhere, so until the ops land a constant result is
# the right derivative (used only for names the tables above did not find).
ROUNDING = ["floor", "ceil", "rint", "trunc", "fix", "round", "around"]
# NumPy's answers about dtypes and shapes, on the values.
QUERY = ["result_type", "promote_types", "can_cast", "iscomplexobj", "isrealobj",
         "isscalar", "min_scalar_type", "broadcast_shapes", "ndim", "shape"]

_g = globals()
for _name, _op in UNARY_FLOAT.items():
    if hasattr(_ops, _op) and _name not in _g:
        _g[_name] = _unary(getattr(_ops, _op), _name)
for _name, _op in UNARY.items():
    if hasattr(_ops, _op) and _name not in _g:
        _g[_name] = _unary(getattr(_ops, _op), _name, float_valued=False)
for _name, _op in BINARY_FLOAT.items():
    if hasattr(_ops, _op) and _name not in _g:
        _g[_name] = _binary(getattr(_ops, _op), _name)
for _name, _op in BINARY.items():
    if hasattr(_ops, _op) and _name not in _g:
        _g[_name] = _binary(getattr(_ops, _op), _name, float_valued=False)
for _name in SAME_SIGNATURE:
    if hasattr(_ops, _name) and _name not in _g:
        _g[_name] = _passthrough(getattr(_ops, _name), _name)
for _name, (_op, _fn) in ADAPTED.items():
    if hasattr(_ops, _op) and _name not in _g:
        _g[_name] = _fn
for _name in CONSTANT + ROUNDING:
    if _name not in _g:
        _g[_name] = _products.constant_fn(getattr(_np, _name), _name)
for _name in QUERY:
    if _name not in _g:
        _g[_name] = _products.query_fn(getattr(_np, _name), _name)
# jax.numpy programs' NumPy functions (see _jnp), written with tapegrad ops
for _name in _jnp.NAMES:
    if _name not in _g:
        _g[_name] = getattr(_jnp, _name)
for _name, _fn in _jnp.CONSTANT_FNS.items():
    if _name not in _g:
        _g[_name] = _fn
# functions that hand back a tapegrad op's integer result: marked as NumPy integers
# (see _npint; the others make theirs through _npint.make or _convert.as_result)
for _name in ("argmax", "argmin"):
    _g[_name] = _marked(_g[_name])
# more of NumPy's and jax.numpy's names (_extra, _poly: differentiable; _extra_const:
# on values, queries, loaders, dtype names)
for _name in _extra.OVERRIDES:             # NumPy's and jax.numpy's modes over the ops'
    _g[_name] = getattr(_extra, _name)
for _mod in (_extra, _poly, _writers, _extra_const):
    for _name in _mod.NAMES:
        _g.setdefault(_name, getattr(_mod, _name))
for _table in (_extra_const.CONSTANT_FNS, _extra_const.QUERY_FNS, _extra_const.LOADER_FNS,
               _extra_const.DTYPES):
    for _name, _fn in _table.items():
        _g.setdefault(_name, _fn)
_ufunc_methods.use(_g)            # np.add.at, np.add.reduce, np.multiply.outer, ...
del _g, _name, _op, _fn, _table, _mod

if TYPE_CHECKING:
    # the names the tables above define, as a type checker cannot run the loops
    # (tests/test_typing.py checks that this list and the tables agree)
    # UNARY_FLOAT, UNARY
    sin: Callable[[ArrayLike], Tensor]
    cos: Callable[[ArrayLike], Tensor]
    tan: Callable[[ArrayLike], Tensor]
    tanh: Callable[[ArrayLike], Tensor]
    sinh: Callable[[ArrayLike], Tensor]
    cosh: Callable[[ArrayLike], Tensor]
    arcsinh: Callable[[ArrayLike], Tensor]
    exp: Callable[[ArrayLike], Tensor]
    log: Callable[[ArrayLike], Tensor]
    log1p: Callable[[ArrayLike], Tensor]
    expm1: Callable[[ArrayLike], Tensor]
    log2: Callable[[ArrayLike], Tensor]
    log10: Callable[[ArrayLike], Tensor]
    sqrt: Callable[[ArrayLike], Tensor]
    reciprocal: Callable[[ArrayLike], Tensor]
    fabs: Callable[[ArrayLike], Tensor]
    arcsin: Callable[[ArrayLike], Tensor]
    arccos: Callable[[ArrayLike], Tensor]
    arctan: Callable[[ArrayLike], Tensor]
    arccosh: Callable[[ArrayLike], Tensor]
    arctanh: Callable[[ArrayLike], Tensor]
    exp2: Callable[[ArrayLike], Tensor]
    sinc: Callable[[ArrayLike], Tensor]
    deg2rad: Callable[[ArrayLike], Tensor]
    rad2deg: Callable[[ArrayLike], Tensor]
    radians: Callable[[ArrayLike], Tensor]
    degrees: Callable[[ArrayLike], Tensor]
    cbrt: Callable[[ArrayLike], Tensor]
    rint: Callable[[ArrayLike], Tensor]
    asin: Callable[[ArrayLike], Tensor]
    acos: Callable[[ArrayLike], Tensor]
    atan: Callable[[ArrayLike], Tensor]
    asinh: Callable[[ArrayLike], Tensor]
    acosh: Callable[[ArrayLike], Tensor]
    atanh: Callable[[ArrayLike], Tensor]
    negative: Callable[[ArrayLike], Tensor]
    absolute: Callable[[ArrayLike], Tensor]
    abs: Callable[[ArrayLike], Tensor]
    sign: Callable[[ArrayLike], Tensor]
    square: Callable[[ArrayLike], Tensor]
    floor: Callable[[ArrayLike], Tensor]
    ceil: Callable[[ArrayLike], Tensor]
    trunc: Callable[[ArrayLike], Tensor]
    fix: Callable[[ArrayLike], Tensor]
    # BINARY_FLOAT, BINARY
    divide: Callable[[ArrayLike, ArrayLike], Tensor]
    true_divide: Callable[[ArrayLike, ArrayLike], Tensor]
    arctan2: Callable[[ArrayLike, ArrayLike], Tensor]
    hypot: Callable[[ArrayLike, ArrayLike], Tensor]
    logaddexp: Callable[[ArrayLike, ArrayLike], Tensor]
    logaddexp2: Callable[[ArrayLike, ArrayLike], Tensor]
    atan2: Callable[[ArrayLike, ArrayLike], Tensor]
    float_power: Callable[[ArrayLike, ArrayLike], Tensor]
    add: Callable[[ArrayLike, ArrayLike], Tensor]
    subtract: Callable[[ArrayLike, ArrayLike], Tensor]
    multiply: Callable[[ArrayLike, ArrayLike], Tensor]
    power: Callable[[ArrayLike, ArrayLike], Tensor]
    pow: Callable[[ArrayLike, ArrayLike], Tensor]
    maximum: Callable[[ArrayLike, ArrayLike], Tensor]
    minimum: Callable[[ArrayLike, ArrayLike], Tensor]
    floor_divide: Callable[[ArrayLike, ArrayLike], Tensor]
    remainder: Callable[[ArrayLike, ArrayLike], Tensor]
    mod: Callable[[ArrayLike, ArrayLike], Tensor]
    fmod: Callable[[ArrayLike, ArrayLike], Tensor]
    fmax: Callable[[ArrayLike, ArrayLike], Tensor]
    fmin: Callable[[ArrayLike, ArrayLike], Tensor]
    copysign: Callable[[ArrayLike, ArrayLike], Tensor]
    heaviside: Callable[[ArrayLike, ArrayLike], Tensor]
    # SAME_SIGNATURE
    cumsum: Callable[..., Tensor]
    cumprod: Callable[..., Tensor]
    nancumsum: Callable[..., Tensor]
    nancumprod: Callable[..., Tensor]
    diff: Callable[..., Tensor]
    partition: Callable[..., Tensor]
    moveaxis: Callable[..., Tensor]
    repeat: Callable[..., Tensor]
    tile: Callable[..., Tensor]
    roll: Callable[..., Tensor]
    flip: Callable[..., Tensor]
    fliplr: Callable[..., Tensor]
    flipud: Callable[..., Tensor]
    rot90: Callable[..., Tensor]
    pad: Callable[..., Tensor]
    append: Callable[..., Tensor]
    tril: Callable[..., Tensor]
    triu: Callable[..., Tensor]
    diag: Callable[..., Tensor]
    diagonal: Callable[..., Tensor]
    trace: Callable[..., Tensor]
    take: Callable[..., Tensor]
    take_along_axis: Callable[..., Tensor]
    inner: Callable[..., Tensor]
    vdot: Callable[..., Tensor]
    tensordot: Callable[..., Tensor]
    kron: Callable[..., Tensor]
    round: Callable[..., Tensor]
    around: Callable[..., Tensor]
    # ADAPTED
    sort: Callable[..., Any]
    median: Callable[..., Any]
    nanmedian: Callable[..., Any]
    quantile: Callable[..., Any]
    percentile: Callable[..., Any]
    nanquantile: Callable[..., Any]
    nanpercentile: Callable[..., Any]
    nansum: Callable[..., Any]
    nanmean: Callable[..., Any]
    nanprod: Callable[..., Any]
    nanmax: Callable[..., Any]
    nanmin: Callable[..., Any]
    nanvar: Callable[..., Any]
    nanstd: Callable[..., Any]
    cross: Callable[..., Any]
    nan_to_num: Callable[..., Any]
    # CONSTANT, ROUNDING (bool or integer results)
    greater: Callable[..., Any]
    greater_equal: Callable[..., Any]
    less: Callable[..., Any]
    less_equal: Callable[..., Any]
    equal: Callable[..., Any]
    not_equal: Callable[..., Any]
    logical_and: Callable[..., Any]
    logical_or: Callable[..., Any]
    logical_xor: Callable[..., Any]
    logical_not: Callable[..., Any]
    isnan: Callable[..., Any]
    isinf: Callable[..., Any]
    isfinite: Callable[..., Any]
    isposinf: Callable[..., Any]
    isneginf: Callable[..., Any]
    signbit: Callable[..., Any]
    argsort: Callable[..., Any]
    argpartition: Callable[..., Any]
    searchsorted: Callable[..., Any]
    digitize: Callable[..., Any]
    count_nonzero: Callable[..., Any]
    bincount: Callable[..., Any]
    lexsort: Callable[..., Any]
    unravel_index: Callable[..., Any]
    ravel_multi_index: Callable[..., Any]
    tril_indices: Callable[..., Any]
    triu_indices: Callable[..., Any]
    diag_indices: Callable[..., Any]
    indices: Callable[..., Any]
    iscomplex: Callable[..., Any]
    isreal: Callable[..., Any]
    bitwise_and: Callable[..., Any]
    bitwise_or: Callable[..., Any]
    bitwise_xor: Callable[..., Any]
    invert: Callable[..., Any]
    left_shift: Callable[..., Any]
    right_shift: Callable[..., Any]
    tri: Callable[..., Any]
    # QUERY (what NumPy returns)
    result_type: Callable[..., Any]
    promote_types: Callable[..., Any]
    can_cast: Callable[..., Any]
    iscomplexobj: Callable[..., Any]
    isrealobj: Callable[..., Any]
    isscalar: Callable[..., Any]
    min_scalar_type: Callable[..., Any]
    broadcast_shapes: Callable[..., Any]


def positive(x: ArrayLike, /) -> Tensor:
    """+x (the same values; differentiable), NumPy's positive.

    Args:
        x: a tensor, array, list or number.

    >>> import tapegrad.numpy as tnp
    >>> tnp.positive([1.0, -2.0])
    tensor([ 1., -2.], dtype=float64)
    """
    return _functions.asarray(x)


def real(val: ArrayLike) -> Tensor:
    """The real part (a real tensor: its values); differentiable.

    Args:
        val: a tensor or array-like, complex or real.

    Returns:
        A real tensor of val's shape.

    Raises:
        TypeError: val is not numeric.

    >>> import tapegrad.numpy as tnp
    >>> tnp.real(tnp.array([1.5 + 2j, 2.0]))
    tensor([1.5000, 2.0000], dtype=float64)
    """
    return _ops.real(_functions.asarray(val))


def imag(val: ArrayLike) -> Tensor:
    """The imaginary part (zeros for a real tensor); differentiable.

    Args:
        val: a tensor or array-like, complex or real.

    Returns:
        A real tensor of val's shape.

    Raises:
        TypeError: val is not numeric.

    >>> import tapegrad.numpy as tnp
    >>> tnp.imag(tnp.array([1.5 + 2j, 2.0]))
    tensor([2., 0.], dtype=float64)
    """
    return _ops.imag(_functions.asarray(val))


def conj(x: ArrayLike, /) -> Tensor:
    """The complex conjugate (a real tensor: its values); differentiable. NumPy also:
    conjugate.

    Args:
        x: a tensor or array-like, complex or real.

    Returns:
        A tensor of x's shape and dtype.

    Raises:
        TypeError: x is not numeric.

    >>> import tapegrad.numpy as tnp
    >>> tnp.conj(tnp.array([1.0 + 1j, -2.0]))
    tensor([ 1.-1.j, -2.-0.j], dtype=complex128)
    """
    return _ops.conj(_functions.asarray(x))


def angle(z, deg=False):
    """The argument of each element, in radians (degrees with deg=True); differentiable.

    Args:
        z: a tensor or array-like, complex or real.
        deg: return degrees instead of radians.

    Returns:
        A real tensor of z's shape.

    Raises:
        TypeError: z is not numeric.

    >>> import tapegrad.numpy as tnp
    >>> tnp.angle(tnp.array([1j, 1.0]))
    tensor([1.5708, 0.0000], dtype=float64)
    """
    z = _functions.asarray(z)
    # NumPy's atan2(0, x): pi at -0.0 too (tg.angle follows torch there: 0)
    a = _ops.apply(_Angle, z) if z.dtype.kind in "cf" else _ops.angle(z)
    return a * (180.0 / _np.pi) if deg else a


conjugate = conj

# ---------------------------------------------------------------- NumPy's constants
pi, e, inf, nan, newaxis, euler_gamma = (_np.pi, _np.e, _np.inf, _np.nan, _np.newaxis,
                                         _np.euler_gamma)
(float16, float32, float64, int8, int16, int32, int64, uint8, uint16, uint32, uint64,
 bool_, complex64, complex128, intp, double, single, longdouble) = (
    _np.float16, _np.float32, _np.float64, _np.int8, _np.int16, _np.int32, _np.int64,
    _np.uint8, _np.uint16, _np.uint32, _np.uint64, _np.bool_, _np.complex64,
    _np.complex128, _np.intp, _np.double, _np.single, _np.longdouble)
floating, integer, number, inexact, generic = (_np.floating, _np.integer, _np.number,
                                               _np.inexact, _np.generic)
dtype, finfo, iinfo, ndarray, errstate = _np.dtype, _np.finfo, _np.iinfo, _np.ndarray, \
    _np.errstate
seterr, geterr, set_printoptions = _np.seterr, _np.geterr, _np.set_printoptions


def __getattr__(name):
    # only for the error: a NumPy name tapegrad.numpy lacks is named, with the way out
    if name.startswith("__"):
        raise AttributeError(name)
    hint = ("; NumPy has it: call np." + name + " on x.detach().numpy() (no gradient)"
            if hasattr(_np, name) else "")
    raise AttributeError(f"module 'tapegrad.numpy' has no attribute {name!r}: tapegrad does "
                         f"not implement np.{name}{hint}")


# Tensor's __array_ufunc__/__array_function__ dispatch to this namespace (an upward
# edge handed down at import, as the ops are)
_tensor.use_numpy(_sys.modules[__name__])

# the names `from tapegrad.numpy import *` gives (tests/test_all.py)
__all__ = ["all", "amax", "amin", "angle", "any", "arange", "argmax", "argmin", "argwhere", "array",
           "array_split", "asarray", "atleast_1d", "atleast_2d", "atleast_3d", "average",
           "broadcast_to", "clip", "column_stack", "concatenate", "copy", "dsplit", "dstack",
           "empty", "empty_like", "expand_dims", "eye", "flatnonzero", "full", "full_like",
           "hsplit", "hstack", "identity", "linspace", "mean", "nonzero", "ones", "ones_like",
           "prod", "ravel", "reshape", "row_stack", "split", "squeeze", "stack", "std", "sum",
           "swapaxes", "transpose", "var", "vsplit", "vstack", "where", "zeros", "zeros_like",
           "allclose", "array_equal", "dot", "einsum", "isclose", "matmul", "ndim", "outer",
           "shape", "size", "astype", "broadcast_arrays", "gradient", "logspace",
           "matrix_transpose", "meshgrid", "permute_dims", "ptp", "real_if_close", "rollaxis",
           "trapezoid", "trapz", "max", "min", "asanyarray", "ascontiguousarray", "concat", "sin",
           "cos", "tan", "tanh", "sinh", "cosh", "arcsinh", "exp", "log", "log1p", "expm1", "log2",
           "log10", "sqrt", "reciprocal", "fabs", "arcsin", "arccos", "arctan", "arccosh",
           "arctanh", "exp2", "sinc", "deg2rad", "rad2deg", "radians", "degrees", "cbrt", "rint",
           "asin", "acos", "atan", "asinh", "acosh", "atanh", "negative", "absolute", "abs",
           "sign", "square", "floor", "ceil", "trunc", "fix", "divide", "true_divide", "arctan2",
           "hypot", "logaddexp", "logaddexp2", "atan2", "float_power", "add", "subtract",
           "multiply", "power", "pow", "maximum", "minimum", "floor_divide", "remainder", "mod",
           "fmod", "fmax", "fmin", "copysign", "heaviside", "cumsum", "cumprod", "nancumsum",
           "nancumprod", "diff", "partition", "moveaxis", "repeat", "tile", "roll", "flip",
           "fliplr", "flipud", "rot90", "pad", "select", "append", "tril", "triu", "diag", "diagonal",
           "trace", "take", "take_along_axis", "inner", "vdot", "tensordot", "kron", "round",
           "around", "sort", "median", "nanmedian", "quantile", "percentile", "nanquantile",
           "nanpercentile", "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanvar", "nanstd",
           "cross", "nan_to_num", "greater", "greater_equal", "less", "less_equal", "equal",
           "not_equal", "logical_and", "logical_or", "logical_xor", "logical_not", "isnan",
           "isinf", "isfinite", "isposinf", "isneginf", "signbit", "argsort", "argpartition",
           "searchsorted", "digitize", "count_nonzero", "bincount", "lexsort", "unravel_index",
           "ravel_multi_index", "tril_indices", "triu_indices", "diag_indices", "indices",
           "iscomplex", "isreal", "bitwise_and", "bitwise_or", "bitwise_xor", "invert",
           "left_shift", "right_shift", "tri", "result_type", "promote_types", "can_cast",
           "iscomplexobj", "isrealobj", "isscalar", "min_scalar_type", "broadcast_shapes",
           "positive", "real", "imag", "conj", "conjugate", "pi", "e", "inf", "nan", "newaxis",
           "euler_gamma", "float16", "float32", "float64", "int8", "int16", "int32", "int64",
           "uint8", "uint16", "uint32", "uint64", "bool_", "complex64", "complex128", "intp",
           "double", "single", "longdouble", "floating", "integer", "number", "inexact", "generic",
           "dtype", "finfo", "iinfo", "ndarray", "errstate", "seterr", "geterr", "set_printoptions"]
# the jax.numpy programs' functions (_jnp), as many as this NumPy has
__all__ += [_n for _n in _jnp.NAMES + list(_jnp.CONSTANT_FNS) if _n not in __all__]
__all__ += [_n for _n in _extra.NAMES + _poly.NAMES + _writers.NAMES + _extra_const.NAMES
            + [*_extra_const.CONSTANT_FNS, *_extra_const.QUERY_FNS, *_extra_const.LOADER_FNS,
               *_extra_const.DTYPES] if _n not in __all__]
