"""PyTorch's dtype rules where they differ from NumPy's, for the torch-flavoured entry
points (tensors; NumPy arrays given to tapegrad.numpy keep NumPy's): the common dtype of
mixed operands, integer reductions, and bool inputs of a few unary ops."""
from __future__ import annotations

import numpy as np

from .. import _dtypes
from .._tensor import Tensor


CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2, "c": 3}
SCALAR_CATEGORY = {bool: 0, int: 1, float: 2, complex: 3}


_F64 = np.dtype(np.float64)


def tiers(raw, unknown=None, f64_exit=False):
    """PyTorch's promotion tiers of the operands `raw`: dimensioned tensors, then 0-d
    tensors, then Python numbers; a later tier counts only when its category (bool < int
    < float < complex) is higher. Returns ((category, dtype) of the winning tensor tier
    or None, the Python numbers' category or -1); `unknown` when an operand's dtype has
    no category (None: skip it); float64 at once, with f64_exit, for a dimensioned float64
    operand."""
    dims = zero = None
    scalar = -1
    for v in raw:
        dt = getattr(v, "dtype", None)
        if dt is None:
            c = SCALAR_CATEGORY.get(type(v), -1)
            if c > scalar:
                scalar = c
            continue
        c = CATEGORY.get(dt.kind)
        if c is None:
            if unknown is not None:
                return unknown
            continue
        if v.ndim:
            if f64_exit and dt.char in "dDg":
                return _F64
            dims = tier(dims, c, dt)
        else:
            zero = tier(zero, c, dt)
    if zero is not None and (dims is None or zero[0] > dims[0]):
        return zero, scalar
    return dims, scalar


_NO_CATEGORY = object()


def torch_common(raw):
    """PyTorch's common dtype of the operands `raw` (their tiers), or None where a
    Python number's category decides it (NumPy's weak scalars agree then)."""
    t = tiers(raw, unknown=_NO_CATEGORY)
    if t is _NO_CATEGORY:
        return None
    best, scalar = t
    if best is None or scalar > best[0]:
        return None
    return best[1]


def torch_operands(raw, out_dtype):
    """The two operands of an elementwise op cast as PyTorch casts them before computing,
    or None where NumPy's result `out_dtype` already agrees. PyTorch computes in the
    common dtype of torch_common: a 0-d tensor or a Python int of the same category
    does not widen a dimensioned one (uint8 + a 0-d int64 is uint8, float16 + a 0-d
    float32 is float16, float16 + int16 is float16), and values that do not fit wrap
    around (uint8 + -3 adds 253; uint8 < -1 compares with 255). An op that turns integers
    into floats (div, arctan2) keeps NumPy's operands: PyTorch casts those to float."""
    want = torch_common(raw)
    if want is None:
        return None
    k = out_dtype.kind
    if k != "b" and (out_dtype == want or (k in "iu") != (want.kind in "iu")):
        return None
    cast = []
    changed = False
    for v in raw:
        dt = getattr(v, "dtype", None)
        if dt is None:
            if v.__class__ is int and want.kind in "iu":
                info = np.iinfo(want)
                if not info.min <= v <= info.max:
                    v = np.array(v).astype(want)
                    changed = True
        elif dt != want:
            v = v.astype(want)
            changed = True
        cast.append(v)
    return cast if changed else None


def tier(cur, c, dt):
    if cur is None or c > cur[0]:
        return (c, dt)
    if c == cur[0]:
        return (c, np.promote_types(cur[1], dt))
    return cur


def torch_int_dtype(r, dtype, x):
    """The dtype PyTorch gives the integer result `r` of sum/prod/cumsum/cumprod of `x`,
    if NumPy's differs (None otherwise): `dtype` when given (NumPy sums int8 given
    dtype=int8 in int64), else int64 (NumPy sums unsigned ints in uint64; NumPy's arrays
    and tapegrad.numpy's integers keep NumPy's)."""
    dt = r.dtype
    if dt.kind not in "iu":
        return None
    if dtype is not None:
        want = _dtypes.as_dtype(dtype)
    elif dt.kind == "u" and x.__class__ is Tensor and not _marked(x):
        want = np.dtype(np.int64)
    else:
        return None
    return None if want == dt else want


def compare_operands(x, o, b):
    """The operands of the comparison of tensor x with o (whose value is b) as PyTorch
    takes them: in their common dtype, a Python int wrapped into an integer tensor's
    (uint8 < -1 compares with 255). tapegrad.numpy's integers keep NumPy's."""
    a = x._data
    if (b.__class__ is int and a.dtype.kind in "iu" and a.dtype.itemsize < 8
            or getattr(b, "dtype", a.dtype) != a.dtype) and not (_marked(x) or _marked(o)):
        cast = torch_operands((a, b), _BOOL)
        if cast is not None:
            return cast
    return a, b


_BOOL = np.dtype(bool)


def _marked(t):
    return t.__class__ is Tensor and t._x is not None and "np" in t._x


def where_dtype(out, x, y):
    """The dtype PyTorch gives `out`, picked from x or y (where), if NumPy's differs:
    int8 beside a 0-d int64 stays int8, float16 beside a 0-d float32 float16."""
    if x.__class__ is not Tensor and y.__class__ is not Tensor or _marked(x) or _marked(y):
        return None
    want = torch_common(tuple(v._data if v.__class__ is Tensor else v for v in (x, y)))
    have = out._data.dtype
    if want is None or want == have or (want.kind in "iu") != (have.kind in "iu"):
        return None
    return want


# ops whose bool input PyTorch treats otherwise than NumPy: the result, or the error
TORCH_BOOL_UNARY = {
    "Square": lambda d: d.astype(np.int64),            # bool ** 2 is int64
    "Sign": lambda d: d.copy(),                         # sign of a bool is that bool
    "Abs": (NotImplementedError, "abs"),
    "Neg": (RuntimeError, "neg (the - operator)"),
    "Relu": (RuntimeError, "relu"),
}


def torch_bool_unary(op, d):
    rule = TORCH_BOOL_UNARY[op.__name__]
    if isinstance(rule, tuple):
        err, name = rule
        raise err(f"{name}: bool tensors are not supported (as in PyTorch); use "
                  f"logical_not for ~x, or cast to an integer or float dtype first")
    return rule(d)


