"""Tensor's in-place updates, the methods that are one call into `ops` (sum, reshape,
exp, astype, ...), and helpers of its NumPy interface. `Tensor` (_tensor.py) derives
from `TensorMethods` and nothing else does, so `isinstance(x, TensorMethods)` is
`isinstance(x, Tensor)`."""
import sys

import numpy as np

from . import _state
from ._check import _non_numeric
from ._dtypes import as_dtype

_local = _state.local
# the ops package, set by ops/__init__.py through _tensor.use_ops (an upward edge,
# looked up at call time)
ops = None
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

    def norm(self, ord=2, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.norm(self, ord, axis, keepdims, dim=dim, keepdim=keepdim)

    def reshape(self, *shape):
        return ops.reshape(self, _shape_args(shape))

    view = reshape

    def transpose(self, *axes):
        if len(axes) == 2 and all(isinstance(a, int) for a in axes) and self.ndim != 2:
            return ops.swapaxes(self, *axes)
        if len(axes) == 2 and self.ndim == 2 and tuple(axes) in ((0, 1), (1, 0), (-1, -2),
                                                                 (-2, -1), (1, -1)):
            return ops.swapaxes(self, *axes)
        return ops.transpose(self, _shape_args(axes, "transpose", "axes") if axes else None)

    def permute(self, *axes):
        return ops.transpose(self, _shape_args(axes, "permute", "axes"))

    def swapaxes(self, a, b):
        return ops.swapaxes(self, a, b)

    def squeeze(self, axis=None, *, dim=None):
        return ops.squeeze(self, axis, dim=dim)

    def unsqueeze(self, dim):
        return ops.unsqueeze(self, dim)

    def expand_dims(self, axis):
        return ops.expand_dims(self, axis)

    def flatten(self, start_dim=0, end_dim=-1):
        return ops.flatten(self, start_dim, end_dim)

    def broadcast_to(self, shape):
        return ops.broadcast_to(self, shape)

    def expand(self, *shape):
        shape = _shape_args(shape, "expand")
        shape = tuple(s if s != -1 else self.shape[i - len(shape) + self.ndim]
                      for i, s in enumerate(shape))
        return ops.broadcast_to(self, shape)

    def split(self, split_size_or_sections, axis=0, *, dim=None):
        return ops.split(self, split_size_or_sections, axis, dim=dim)

    def exp(self):
        return ops.exp(self)

    def log(self):
        return ops.log(self)

    def log1p(self):
        return ops.log1p(self)

    def sqrt(self):
        return ops.sqrt(self)

    def square(self):
        return ops.square(self)

    def abs(self):
        return ops.abs(self)

    def sign(self):
        return ops.sign(self)

    def sin(self):
        return ops.sin(self)

    def cos(self):
        return ops.cos(self)

    def tan(self):
        return ops.tan(self)

    def tanh(self):
        return ops.tanh(self)

    def sigmoid(self):
        return ops.sigmoid(self)

    def relu(self):
        return ops.relu(self)

    def softmax(self, axis=-1, *, dim=None):
        return ops.softmax(self, axis, dim=dim)

    def log_softmax(self, axis=-1, *, dim=None):
        return ops.log_softmax(self, axis, dim=dim)

    def pow(self, y):
        return ops.pow(self, y)

    def matmul(self, y):
        return ops.matmul(self, y)

    def dot(self, y):
        return ops.dot(self, y)

    def clip(self, min=None, max=None):
        return ops.clip(self, min, max)

    clamp = clip

    def maximum(self, y):
        return ops.maximum(self, y)

    def minimum(self, y):
        return ops.minimum(self, y)

    # special functions (ops/special.py), PyTorch's method names
    def lgamma(self):
        return ops.lgamma(self)

    def digamma(self):
        return ops.digamma(self)

    def polygamma(self, n):
        return ops.polygamma(n, self)

    def erfc(self):
        return ops.erfc(self)

    def erfinv(self):
        return ops.erfinv(self)

    def logit(self, eps=None):
        return ops.logit(self, eps)

    def xlogy(self, other):
        return ops.xlogy(self, other)

    def i0(self):
        return ops.i0(self)

    def mvlgamma(self, p):
        return ops.mvlgamma(self, p)

    # Casts. The PyTorch-named ones (.float(), .to(), .type() ...) return the tensor
    # itself when the dtype already matches, as PyTorch does: one tensor, so writes are
    # tracked by its version counter. astype and tg.cast always give a new array (NumPy's
    # astype copies by default), never one that shares memory untracked.
    def astype(self, dtype):
        return ops.cast(self, _dtype_arg("astype", dtype))


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


class _SizeProxy(tuple):
    """`t.size` works both as NumPy's attribute-like count and PyTorch's `t.size()`."""

    def __new__(cls, arr):
        obj = super().__new__(cls, arr.shape)
        obj._n = arr.size
        return obj

    def __call__(self, dim=None):
        return tuple(self) if dim is None else self[dim]

    def __int__(self):
        return self._n

    def __index__(self):
        return self._n

    def __eq__(self, other):
        if isinstance(other, int):
            return self._n == other
        return tuple.__eq__(self, other)

    __hash__ = tuple.__hash__


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


def _holds_floats(res):
    """Whether a NumPy result carries floating values (which would have had a gradient)."""
    if isinstance(res, (list, tuple)):
        return any(_holds_floats(r) for r in res)
    if isinstance(res, TensorMethods):
        return False
    dt = getattr(res, "dtype", None)
    if dt is None:
        return isinstance(res, (float, complex))
    return dt.kind in "fc"


def _left_graph_message(name, who, method="__call__"):
    full = name if method == "__call__" else f"{name}.{method}"
    tg = sys.modules.get("tapegrad")
    alt = f"use tg.{name} or call .detach() first" if tg is not None and \
        hasattr(tg, name) and method == "__call__" else "call .detach() first"
    return (f"np.{full}: the result would leave tapegrad's graph ({who} requires grad); "
            f"{alt}")
