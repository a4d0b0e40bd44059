"""NumPy's argument conventions, applied once before a tapegrad op runs.

tapegrad's own functions follow PyTorch (a Python float is float32); NumPy's make a
Python float or a list of floats float64, turn integers into float64 in functions that
return floats (`np.sin(1)`), and treat a Python scalar next to an array as "weak" (it
takes the array's dtype: float32 * 2.0 stays float32). These helpers do that
conversion and nothing else; the ops do the computing and the differentiating.
"""
import functools

import numpy as np

from ..errors import BatchEscape
from .._tensor import Tensor
from ._npint import make, mark  # integers made here follow NumPy's promotion
from .._factories import tensor as _tg_tensor
from ..ops import cast

_F64 = np.dtype(np.float64)
_SCALARS = (bool, int, float, complex)


def _holds_tensor(obj):
    """Whether nested lists/tuples `obj` contain a Tensor anywhere (iterative)."""
    stack = [obj]
    while stack:
        o = stack.pop()
        if isinstance(o, Tensor):
            return True
        if isinstance(o, (list, tuple)):
            stack.extend(o)
    return False


def asarg(x):
    """One array argument as NumPy would see it: tensors and arrays as they are, Python
    numbers and lists as float64/int64/bool arrays, lists holding tensors stacked into
    one tensor (so the gradient reaches each)."""
    if x.__class__ is Tensor or x.__class__ is np.ndarray:
        return x
    if isinstance(x, (Tensor, np.ndarray)):
        return x
    if isinstance(x, (list, tuple)) and _holds_tensor(x):
        return stacked(x)
    try:
        arr = np.asarray(x)
    except (TypeError, ValueError):
        return x                        # the op names the bad argument
    if arr.dtype.kind not in "biufc":
        return x
    return arr


def stacked(obj, dtype=None):
    """Nested lists of tensors and numbers as one tensor built by stacking (recorded)."""
    if dtype is None:
        leaves, stack = [], [obj]
        while stack:
            o = stack.pop()
            if isinstance(o, (list, tuple)):
                stack.extend(o)
            else:
                leaves.append(o._data if isinstance(o, Tensor) else o)
        dtype = np.result_type(*leaves) if leaves else _F64
    return _tg_tensor(obj, dtype=dtype)


def floating(x):
    """`x` (already an argument) in a floating dtype: integers and bools become float64,
    as NumPy's float-valued functions make them."""
    if x.__class__ is Tensor:
        return x if x._data.dtype.kind in "fc" else cast(x, _F64)
    if isinstance(x, np.ndarray):
        return x if x.dtype.kind in "fc" else x.astype(_F64)
    if isinstance(x, np.generic):
        return x if x.dtype.kind in "fc" else np.float64(x)
    return x


def np_call(npfn, args, kwargs):
    """npfn on raw values. NumPy asks a tg.vmap placeholder to run a function only when
    it is an argument NumPy dispatches on (`a`, `out`); any other (argpartition's kth)
    would be read as garbage: then vmap runs one example at a time."""
    if not isinstance(npfn, np.ufunc) and not hasattr(args[0] if args else None, "_vm") \
            and any(hasattr(v, "_vm") for v in (*args, *kwargs.values())):
        raise BatchEscape(f"vmap: np.{npfn.__name__} of the values of a batched tensor")
    return npfn(*args, **kwargs)


def as_result(r):
    """Results are tensors, as everywhere in tapegrad.numpy."""
    if r.__class__ is Tensor:
        return mark(r) if r._data.dtype.kind in "biu" else r
    if isinstance(r, (np.ndarray, np.generic)) or isinstance(r, _SCALARS):
        if type(r) is not np.ndarray and hasattr(r, "_vm"):
            # a tg.vmap placeholder: the batched `out=` a ufunc wrote into stays batched;
            # a view of one holds no values (np.asarray would read garbage)
            if r._vm is None:
                raise BatchEscape("vmap: a NumPy function's result over the raw values of "
                                  "a batched tensor")
            return make(r)
        return make(np.asarray(r))
    if r.__class__ is tuple and r and all(isinstance(v, np.ndarray) for v in r):
        return tuple(make(v) for v in r)        # triu_indices, unravel_index, ...
    return r


def unary(fn, name, float_valued=True):
    """NumPy's one-argument function `name` over tapegrad's `fn`."""
    if float_valued:
        def f(x, /):
            if x.__class__ is Tensor and x._data.dtype.kind in "fc":
                return fn(x)                            # the common case, one check
            return as_result(fn(floating(asarg(x))))
    else:
        def f(x, /):
            if x.__class__ is Tensor:
                return fn(x)
            return as_result(fn(asarg(x)))
    return _named(f, fn, name)


def binary(fn, name, float_valued=True):
    """NumPy's two-argument function `name` over tapegrad's `fn`. A Python scalar next
    to an array or tensor stays a Python scalar (NumPy's weak scalar: the other side's
    dtype wins); two Python scalars compute in float64 (or int64)."""
    def f(x1, x2, /):
        c1, c2 = x1.__class__, x2.__class__
        if c1 is Tensor and (c2 is Tensor or c2 is float or c2 is int):
            return fn(x1, x2)
        if c2 is Tensor and (c1 is float or c1 is int):
            return fn(x1, x2)
        weak1, weak2 = c1 in _SCALARS, c2 in _SCALARS
        a = x1 if weak1 and not weak2 else asarg(x1)
        b = x2 if weak2 and not weak1 else asarg(x2)
        if float_valued:
            if weak1 and weak2:
                a = floating(a)
            elif not weak1 and not weak2 and not (_is_float(a) or _is_float(b)):
                a, b = floating(a), floating(b)
        return as_result(fn(a, b))
    return _named(f, fn, name)


def _is_float(x):
    dt = getattr(x, "dtype", None)
    return dt is not None and dt.kind in "fc"


def _named(f, fn, name):
    f.__name__ = f.__qualname__ = name
    tg_name = getattr(fn, "__name__", name)
    f.__doc__ = (f"NumPy's `np.{name}` over tensors, arrays and scalars: `tg.{tg_name}` "
                 f"with NumPy's argument conventions (Python floats are float64), "
                 f"returning a tensor that every transform differentiates.\n\n"
                 f"Example: `tnp.{name}({'x' if fn_arity(f) == 1 else 'x1, x2'})`.")
    f.__wrapped_op__ = fn
    return f


def fn_arity(f):
    return f.__code__.co_argcount


def no_out(name, out):
    if out is not None:
        raise TypeError(f"{name}: out= is not supported (tensors are not written into); "
                        "use the returned tensor")


def passthrough(fn, name):
    """A tapegrad function whose signature is already NumPy's: array-like arguments are
    converted as NumPy would, the rest passed unchanged."""
    @functools.wraps(fn)
    def f(*args, **kwargs):
        if kwargs.get("dtype") is float:    # NumPy's float is float64, not tg's float32
            kwargs["dtype"] = np.float64
        if args and args[0].__class__ is Tensor:
            r = fn(*args, **kwargs)         # the common case: nothing to convert
            return r if r.__class__ is Tensor else as_result(r)
        args = [a if a.__class__ is Tensor else
                (asarg(a) if isinstance(a, (list, tuple, float, int, np.ndarray, np.generic))
                 and not isinstance(a, bool) else a) for a in args[:1]] + list(args[1:])
        return as_result(fn(*args, **kwargs))
    f.__name__ = f.__qualname__ = name
    return f
