"""Tensor's in-place updates, the methods that are one call into `ops` (sum, reshape,
exp, astype, ...), and helpers of its NumPy interface. `Tensor` (_tensor.py) derives
from `TensorMethods` and nothing else does, so `isinstance(x, TensorMethods)` is
`isinstance(x, Tensor)`."""
import numpy as np

from . import _state
from ._check import _non_numeric
from ._dtypes import as_dtype

_local = _state.local
# the ops package, set by ops/__init__.py through _tensor.use_ops (an upward edge,
# looked up at call time)
ops = None
# tapegrad.numpy (set by its __init__ through _tensor.use_numpy) and Tensor's fast
# internal constructor (set by _tensor.use_ops)
tnp = None
make = None
# NumPy function or ufunc -> tapegrad.numpy's (None: lacking), filled as they are met;
# _tensor.use_ops puts the operators' ufuncs in first, with their own entry points
_NUMPY_IMPLS = {}
_NO_DIM = object()      # max/min called without a dimension (values, as NumPy)


class TensorMethods:
    """Tensor's base: methods only (no slots of its own, so no instance dict)."""

    __slots__ = ()

    # ---------------------------------------------------------------- in place
    def _check_inplace(self, what):
        if self.grad_fn is None and self._rg and _local.grad_enabled:
            raise RuntimeError(
                f"{what}: a leaf tensor that requires grad cannot be changed in place while "
                "recording; wrap the update in `with tg.no_grad():` (or use Variable.assign)")


    def copy_(self, src):
        self._check_inplace("copy_")
        self._write_all(src, "copy_")
        return self

    def _write_all(self, value, who):
        """self[...] = value, with setitem's checks named `who`."""
        try:
            self.__setitem__(Ellipsis, value)
        except (TypeError, ValueError) as e:
            msg = str(e)
            if not msg.startswith("setitem:"):
                raise
            raise type(e)(who + msg[len("setitem"):]) from None

    def zero_(self):
        self._check_inplace("zero_")
        with _state.no_grad():
            self._data[...] = 0
        self._bump_version()
        return self

    def fill_(self, value):
        self._check_inplace("fill_")
        self._write_all(value, "fill_")
        return self

    def _inplace_args(self, other):
        """(current values, other) for computing an in-place update from them.

        When the update is recorded, the op that computes it may save its inputs (mul
        saves both factors); writing the result back would then invalidate a saved
        `self`, so the op reads a copy instead (also where `other` is `self`).
        """
        if _local.grad_enabled and (self._rg or
                                    isinstance(other, TensorMethods) and other._rg):
            src = ops.clone(self)
            return src, (src if other is self else other)
        return self, other

    def _plain_update(self, ufunc, other, alpha=1):
        """`self = ufunc(self, alpha * other)` straight into the array when nothing records
        it (an optimizer step under no_grad): no temporary result and no extra copy."""
        if _local.grad_enabled and (self._rg or
                                    isinstance(other, TensorMethods) and other._rg):
            return False
        if self._fw is not None or isinstance(other, TensorMethods) and other._fw is not None:
            return False
        data = self._data
        o = other._data if isinstance(other, TensorMethods) else other
        if o.__class__ is not float and o.__class__ is not int and not (
                o.__class__ is np.ndarray and o.dtype.kind in "biuf"):
            _check_update_operand(ufunc, o, data)
        if alpha.__class__ is not int and alpha.__class__ is not float:
            _check_update_operand(ufunc, alpha, data, "alpha")
            if np.ndim(alpha) != 0:
                raise TypeError(f"{_UPDATE_NAMES.get(ufunc, 'update')}: alpha must be a "
                                f"number, got {alpha!r:.40} ({type(alpha).__name__})")
        oshape = o.shape if isinstance(o, np.ndarray) else np.shape(o)
        if not data.flags.writeable or oshape != data.shape and oshape and \
                np.broadcast_shapes(data.shape, oshape) != data.shape:
            return False                # let copy_ give its error message
        ufunc(data, o if alpha == 1 else np.multiply(o, alpha), out=data, casting="unsafe")
        self._bump_version()
        return True

    def add_(self, other, alpha=1):
        if self._plain_update(np.add, other, alpha):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src + (other if alpha == 1 else other * alpha))

    def sub_(self, other, alpha=1):
        if self._plain_update(np.subtract, other, alpha):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src - (other if alpha == 1 else other * alpha))

    def mul_(self, other):
        if self._plain_update(np.multiply, other):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src * other)

    def div_(self, other):
        if self._plain_update(np.true_divide, other):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src / other)

    def clamp_(self, min=None, max=None):
        src, _ = self._inplace_args(None)
        return self.copy_(ops.clip(src, min, max))

    # in place, as NumPy and PyTorch do (a leaf that requires grad needs no_grad)
    def __iadd__(self, o):
        return self.add_(o)

    def __isub__(self, o):
        return self.sub_(o)

    def __imul__(self, o):
        return self.mul_(o)

    def __itruediv__(self, o):
        return self.div_(o)

    # ------------------------------------------------- NumPy's protocols
    # np.sin(t), ndarray + t, np.sum(t), np.concatenate([t, a]): tapegrad.numpy's
    # function of the same name, so the result is a tracked tensor. NumPy functions and
    # ufunc methods tapegrad lacks run on the values only when no gradient is cut.
    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method == "__call__":
            if not kwargs:
                fn = _NUMPY_IMPLS.get(ufunc, _MISSING)
                if fn is _MISSING:
                    fn = _numpy_impl(ufunc)
                if fn is not None:
                    return fn(*inputs)
            elif "out" not in kwargs and set(kwargs) <= {"dtype"}:
                fn = _numpy_impl(ufunc)
                if fn is not None:
                    return ops.cast(fn(*inputs), _dtype_arg(ufunc.__name__, kwargs["dtype"]))
        elif method in _UFUNC_METHODS and kwargs.get("out") is None:
            kwargs = {k: v for k, v in kwargs.items() if k != "out"}
            impl = _ufunc_method(ufunc, method, kwargs)
            if impl is not None:
                return impl(*inputs, **kwargs)
        out = kwargs.get("out")
        if out is not None and (_needs_grad_arg(inputs, {}) is not None or any(
                isinstance(o, TensorMethods) for o in (out if isinstance(out, tuple)
                                                       else (out,)))):
            raise TypeError(f"np.{ufunc.__name__}: out= cannot write into a tensor or cut a "
                            "gradient; use the returned tensor (or an in-place method such "
                            "as add_)")
        if method == "__call__" and _numpy_impl(ufunc) is not None and \
                _needs_grad_arg(inputs, kwargs) is not None:
            raise TypeError(f"np.{ufunc.__name__}: tapegrad does not take the argument(s) "
                            f"{', '.join(sorted(kwargs))} here; compute without them (for "
                            "where=, use tnp.where on the result)")
        return _numpy_fallback(getattr(ufunc, method), ufunc.__name__, method, inputs,
                               kwargs)

    def __array_function__(self, func, types, args, kwargs):
        impl = _NUMPY_IMPLS.get(func, _MISSING)
        if impl is _MISSING:
            impl = _numpy_impl(func)
        if impl is not None:
            return impl(*args, **kwargs)
        sub = _NAMESPACES.get(getattr(func, "__module__", None))
        name = f"{sub}.{func.__name__}" if sub else func.__name__
        return _numpy_fallback(func, name, "__call__", args, kwargs)

    # ------------------------------------------------------------ op methods
    # dtype= and out= make np.sum(t), np.mean(t), np.max(t) ... work (NumPy calls the
    # method with them) and return tracked tensors
    def _reduce_input(self, who, dtype=None, out=None):
        if out is not None:
            raise TypeError(f"{who}: out= is not supported; use the returned tensor")
        return self if dtype is None else ops.cast(self, _dtype_arg(who, dtype))

    def sum(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None,
            out=None):
        x = self._reduce_input("sum", dtype, out)
        return ops.sum(x, axis, keepdims, dim=dim, keepdim=keepdim)

    def mean(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None,
             out=None):
        x = self._reduce_input("mean", dtype, out)
        return ops.mean(x, axis, keepdims, dim=dim, keepdim=keepdim)

    def prod(self, axis=None, keepdims=False, *, dim=None, keepdim=None, dtype=None,
             out=None):
        x = self._reduce_input("prod", dtype, out)
        return ops.prod(x, axis, keepdims, dim=dim, keepdim=keepdim)

    def max(self, dim=_NO_DIM, keepdim=False, *, axis=None, keepdims=False, out=None):
        """Given a dimension, `(values, indices)` as PyTorch; else the values (np.max's
        `axis=`, `keepdims=` and `out=None`, which NumPy passes, are accepted)."""
        x = self._reduce_input("max", out=out)
        return ops.max(x, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim=_NO_DIM, keepdim=False, *, axis=None, keepdims=False, out=None):
        """As `max`, for the smallest element."""
        x = self._reduce_input("min", out=out)
        return ops.min(x, dim, keepdim, axis=axis, keepdims=keepdims)

    def amax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.amax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def amin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.amin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def var(self, axis=None, keepdims=False, *, dim=None, keepdim=None, ddof=None,
            correction=None, unbiased=None, dtype=None, out=None):
        x = self._reduce_input("var", dtype, out)     # np.var(t) passes dtype and out
        return ops.var(x, axis, keepdims, dim=dim, keepdim=keepdim, ddof=ddof,
                       correction=correction, unbiased=unbiased)

    def std(self, axis=None, keepdims=False, *, dim=None, keepdim=None, ddof=None,
            correction=None, unbiased=None, dtype=None, out=None):
        x = self._reduce_input("std", dtype, out)
        return ops.std(x, axis, keepdims, dim=dim, keepdim=keepdim, ddof=ddof,
                       correction=correction, unbiased=unbiased)

    def logsumexp(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmax(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # Casts. The PyTorch-named ones (.float(), .to(), .type() ...) return the tensor
    # itself when the dtype already matches, as PyTorch does: one tensor, so writes are
    # tracked by its version counter. astype and tg.cast always give a new array (NumPy's
    # astype copies by default), never one that shares memory untracked.
    def astype(self, dtype, order="K", casting="unsafe", subok=True, copy=True):
        """A copy cast to `dtype` (NumPy's astype; differentiable between float dtypes)."""
        return ops.cast(self, _dtype_arg("astype", dtype))


    # ------------------------------------------------- NumPy's ndarray methods
    # (issue 15; the scan helper adds cumsum/argsort and the math helper round)
    def ravel(self, order="C"):
        """The values as 1-D (NumPy's ravel; differentiable)."""
        if order not in ("C", "K", "A"):
            raise ValueError(f"ravel: only order='C' is supported, got {order!r}")
        return ops.reshape(self, (-1,))

    def copy(self, order="K"):
        """A copy (NumPy's copy; PyTorch: clone), differentiable."""
        return ops.clone(self)

    # ------------------------------------------------- complex parts (issue 16)
    def conj(self):
        """The complex conjugate (differentiable): a real tensor is its own."""
        return ops.conj(self)

    conjugate = conj

    @property
    def real(self):
        """The real part (differentiable): a real tensor is its own."""
        return ops.real(self)

    @property
    def imag(self):
        """The imaginary part (differentiable); zeros for a real tensor, as NumPy."""
        return ops.imag(self)

    def angle(self):
        """The argument atan2(imag, real), differentiable (tg.angle)."""
        return ops.angle(self)

    def is_complex(self):
        """Whether the dtype is complex64 or complex128."""
        return self._data.dtype.kind == "c"

    def fill(self, value):
        """Fill with `value` in place (NumPy's fill: returns None; PyTorch: fill_)."""
        self.fill_(value)

    @property
    def nbytes(self):
        return self._data.nbytes

    @property
    def itemsize(self):
        return self._data.itemsize

    def type(self, dtype=None):
        if dtype is None:
            return str(self._data.dtype)
        return self._cast_to(_dtype_arg("type", dtype))

    def _cast_to(self, dtype):
        return self if self._data.dtype == dtype else ops.cast(self, dtype)

    def half(self):
        return self._cast_to(_F16)

    def float(self):
        return self._cast_to(_F32)

    def double(self):
        return self._cast_to(_F64)

    def long(self):
        return self._cast_to(_I64)

    def int(self):
        return self._cast_to(_I32)

    def bool(self):
        return self._cast_to(_BOOL)

    def cpu(self):
        return self

    def contiguous(self):
        return self

    def type_as(self, other):
        """This tensor cast to `other`'s dtype (itself when the dtypes already match)."""
        data = getattr(other, "_data", None)
        if not isinstance(data, np.ndarray):
            raise TypeError(f"type_as: other must be a tensor, got {type(other).__name__}")
        return self._cast_to(data.dtype)


class _SizeProxy(int):
    """`t.size`: NumPy's element count, an int wherever it is used (`x / t.size`,
    `np.zeros(t.size)`); called, PyTorch's `t.size()` (the shape) and `t.size(dim)`."""

    def __new__(cls, arr):
        obj = super().__new__(cls, arr.size)
        obj._shape = arr.shape
        return obj

    def __call__(self, dim=None):
        return self._shape if dim is None else self._shape[dim]


_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)


_I32, _I64, _BOOL = np.dtype(np.int32), np.dtype(np.int64), np.dtype(np.bool_)


def _dtype_arg(who, dtype, alt=""):
    try:
        return as_dtype(dtype)
    except (TypeError, ValueError):
        raise TypeError(f"{who}: expected a dtype {alt}{' ' if alt else ''}(e.g. "
                        f"'float32'), got {dtype!r} ({type(dtype).__name__})") from None


_UPDATE_NAMES = {np.add: "add_", np.subtract: "sub_", np.multiply: "mul_",
                 np.true_divide: "div_"}


def _check_update_operand(ufunc, o, data, arg="other"):
    """An in-place update's operand (or alpha) must be real: a string gives NumPy's ufunc
    wording, and a complex one would lose its imaginary part in the unsafe cast."""
    who = _UPDATE_NAMES.get(ufunc, "update")
    what = _non_numeric(o)
    if what is not None:
        raise TypeError(f"{who}: unsupported {arg} type(s) {what}")
    if np.iscomplexobj(o) and not np.iscomplexobj(data):
        raise TypeError(f"{who}: a complex {arg} cannot update a real tensor of dtype "
                        f"{data.dtype} in place")


def _shape_args(shape, who="reshape", what="shape"):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    elif len(shape) == 1 and isinstance(shape[0], TensorMethods):
        shape = tuple(int(s) for s in shape[0].tolist())
    for s in shape:
        if type(s) is not int and (isinstance(s, bool) or not hasattr(type(s), "__index__")):
            raise TypeError(f"{who}: {what} must be ints, got {s!r} ({type(s).__name__})")
    return tuple(shape)


# ------------------------------------------------- helpers of Tensor's NumPy interface

def _held(vc):
    """Whether a live graph still holds values saved from this memory (the last node
    that saved them has neither run backward nor been freed)."""
    x = vc.x
    ref = x[1] if x is not None else None
    if ref is None:
        return False
    node = ref()
    return node is not None and type(node._saved) is tuple


def _read_only(arr):
    """A read-only view of `arr` (same memory): writes through it fail where they happen."""
    v = arr.view()
    v.flags.writeable = False
    return v


def _needs_grad_arg(args, kwargs):
    """A description of the first argument whose gradient a NumPy call would cut (a
    tensor that requires grad while grad mode is on, or one carrying tangents), else None."""
    ge = _local.grad_enabled
    stack = [(f"argument {i}", a) for i, a in enumerate(args)]
    stack += [(k, v) for k, v in kwargs.items()]
    while stack:
        where, a = stack.pop()
        if isinstance(a, TensorMethods):
            if a._rg and ge or a._fw is not None:
                return where
        elif isinstance(a, (list, tuple)):
            stack.extend((where, v) for v in a)
    return None


_MISSING = object()
_NAMESPACES = {"numpy": "", "numpy.linalg": "linalg", "numpy.fft": "fft"}
# ufunc methods as tapegrad.numpy functions: ufunc name -> (function name, default axis)
_REDUCE = {"add": "sum", "multiply": "prod", "maximum": "amax", "minimum": "amin",
           "logical_and": "all", "logical_or": "any"}
_ACCUMULATE = {"add": "cumsum", "multiply": "cumprod"}
_UFUNC_METHODS = ("reduce", "accumulate", "outer")


def _numpy_impl(func):
    """tapegrad.numpy's function for a NumPy function or ufunc (None: it has none).
    Looked up once per function."""
    impl = _NUMPY_IMPLS.get(func)
    if impl is None and tnp is not None:
        if isinstance(func, np.ufunc):
            impl = getattr(tnp, func.__name__, None)
        else:
            sub = _NAMESPACES.get(getattr(func, "__module__", None))
            space = None if sub is None else (tnp if not sub else getattr(tnp, sub))
            impl = None if space is None else getattr(space, func.__name__, None)
        _NUMPY_IMPLS[func] = impl
    return impl


def _ufunc_method(ufunc, method, kwargs):
    """np.add.reduce, np.add.accumulate, np.multiply.outer ... as tapegrad.numpy
    functions (None: no counterpart)."""
    name = ufunc.__name__
    if method == "outer":
        fn = _numpy_impl(ufunc)
        if fn is None or kwargs:
            return None

        def outer(a, b):
            a, b = tnp.asarray(a), tnp.asarray(b)
            return fn(ops.reshape(a, a.shape + (1,) * b.ndim), b)
        return outer
    table = _REDUCE if method == "reduce" else _ACCUMULATE
    fname = table.get(name)
    fn = getattr(tnp, fname, None) if fname is not None and tnp is not None else None
    if fn is None:
        return None

    def reduce(a, axis=0, **kwargs):
        return fn(a, axis, **kwargs)
    return reduce


def _numpy_fallback(func, name, method, args, kwargs):
    """A NumPy function or ufunc method tapegrad has no counterpart of: NumPy's own
    result on the values when no gradient would be cut, else a TypeError naming it."""
    who = _needs_grad_arg(args, kwargs)
    if who is not None:
        raise TypeError(_left_graph_message(name, who, method))
    res = func(*[_raw_arg(a) for a in args], **{k: _raw_arg(v) for k, v in kwargs.items()})
    if kwargs.get("out") is not None:
        return res                      # NumPy's answer is the array it wrote into
    return make(res) if isinstance(res, np.ndarray) else res


def _raw_arg(a):
    return a._data if isinstance(a, TensorMethods) else a


def _left_graph_message(name, who, method="__call__"):
    full = name if method == "__call__" else f"{name}.{method}"
    return (f"np.{full}: tapegrad has no {full}, so the result would leave tapegrad's graph "
            f"({who} requires grad); for NumPy's values without a gradient call "
            f"np.{full} on x.detach().numpy() (np.asarray(x) cuts explicitly)")
