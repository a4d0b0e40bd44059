"""Tensor: an ndarray plus autodiff state. Operator methods call `ops`; no derivatives here."""
import sys
import weakref

import numpy as np

from . import _state
from ._dtypes import as_dtype, is_floating, to_array

_local = _state.local


_NO_DIM = object()      # max/min called without a dimension (values, as NumPy)


class Tensor:
    """An n-dimensional array that records the operations applied to it.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """

    __slots__ = ("_data", "_rg", "_grad", "grad_fn", "_vc", "_fw", "_acc", "_x", "__weakref__")
    __array_priority__ = 1000

    def __init__(self, data, dtype=None, requires_grad=False):
        self._data = to_array(data, dtype)
        self._rg = False
        self._grad = None
        self.grad_fn = None
        self._vc = None
        self._fw = None
        self._acc = None
        self._x = None
        if requires_grad is not False:
            self._set_requires_grad(requires_grad, "Tensor")

    # ------------------------------------------------------------------ basics
    @property
    def shape(self):
        return self._data.shape

    @property
    def ndim(self):
        return self._data.ndim

    @property
    def dtype(self):
        return self._data.dtype

    @property
    def size(self):
        return _SizeProxy(self._data)

    def numel(self):
        return self._data.size

    def dim(self):
        return self._data.ndim

    @property
    def device(self):
        return "cpu"

    @property
    def T(self):
        return ops.transpose(self)

    @property
    def mT(self):
        return ops.swapaxes(self, -1, -2)

    @property
    def data(self):
        """The values as a tensor that shares memory and is cut from the graph."""
        return self.detach()

    @data.setter
    def data(self, value):
        # as PyTorch: any tensor (its shape and dtype replace ours), nothing else
        if not isinstance(value, Tensor):
            raise TypeError(f"data: expected a Tensor, got {type(value).__name__}; "
                            "use tg.tensor(value) first")
        if self._rg and not is_floating(value._data.dtype):
            raise RuntimeError(f"data: a tensor that requires grad cannot take data of "
                               f"dtype {value._data.dtype}")
        self._data = value._data
        self._bump_version()
        # the memory is value's now: so is the in-place counter, so that a write through
        # either tensor is seen by backward through the other
        self._vc = value._vc if value._vc is not None else value._init_vc()

    def numpy(self) -> np.ndarray:
        """The values as an ndarray that shares memory.

        For a tensor that requires grad the array is read-only: the graph may hold these
        values for backward, so a write through it would give a wrong gradient silently
        (it fails at the line that writes instead). So is the array of any tensor whose
        values a live node saved (a constant in `x * c`, or `x.detach()` while a graph
        holds x), until backward has run or the graph is gone. Otherwise the array is
        writable (as `x.detach().numpy()` in PyTorch) and writes are not tracked."""
        if self._rg:
            self._note_exit(".numpy()")
            return _read_only(self._data)
        if self._vc is not None and _held(self._vc):
            return _read_only(self._data)
        return self._data

    def item(self):
        if self._rg:
            self._note_exit(".item()")
        if self._data.size != 1:
            raise ValueError(f"item: only a tensor with one element can be converted to a "
                             f"Python scalar, got shape {self.shape}")
        return self._data.item()

    def tolist(self):
        if self._rg:
            self._note_exit(".tolist()")
        return self._data.tolist()

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self._data.shape[0]):
            yield self[i]

    def __array__(self, dtype=None, copy=None):
        arr = self._data
        if dtype is not None:
            arr = arr.astype(dtype, copy=bool(copy))
        elif copy:
            return arr.copy()
        if self._rg:
            self._note_exit("np.asarray()")
            if arr is self._data:
                return _read_only(arr)      # as .numpy(): the graph may hold these values
        elif arr is self._data and self._vc is not None and _held(self._vc):
            return _read_only(arr)
        return arr

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        """`np.sin(t)`, `ndarray + t`: tapegrad's op of the same name, so the result is
        tracked; ufuncs without one run on the arrays unless that would cut a gradient."""
        name = ufunc.__name__
        if method == "__call__" and not kwargs:
            fn = _UFUNC_OPS.get(name)
            if fn is None:
                fn = getattr(ops, name, None)
            if fn is not None:
                return fn(*inputs)
        if kwargs.get("out") is not None:
            raise TypeError(f"np.{name}: out= cannot write into a tensor; use the "
                            "returned tensor (or an in-place method such as add_)")
        who = _needs_grad_arg(inputs, kwargs)
        res = getattr(ufunc, method)(*[_raw(a) for a in inputs], **kwargs)
        if who is not None and np.asarray(res).dtype.kind in "fc":
            raise TypeError(_left_graph_message(name, who, method))
        return make(res) if isinstance(res, np.ndarray) else res     # bool/int: no gradient

    def __array_function__(self, func, types, args, kwargs):
        """NumPy functions on tensors: run as NumPy would (np.sum calls our sum method and
        stays tracked), but a result that left the graph of a tensor that requires grad is
        an error rather than a silent constant."""
        impl = getattr(func, "_implementation", None)
        who = _needs_grad_arg(args, kwargs)
        if impl is None:
            if who is not None:
                raise TypeError(_left_graph_message(func.__name__, who))
            args = [_raw(a) for a in args]
            return func(*args, **{k: _raw(v) for k, v in kwargs.items()})
        if who is None:
            return impl(*args, **kwargs)
        try:
            res = impl(*args, **kwargs)
        except ValueError as e:
            if "read-only" not in str(e):
                raise
            res = None
        if isinstance(res, Tensor) or (isinstance(res, (tuple, list)) and res and
                                       all(isinstance(r, Tensor) for r in res)):
            return res
        if res is not None and not _holds_floats(res):
            return res          # np.allclose, np.shape, np.argsort: no gradient to cut
        raise TypeError(_left_graph_message(func.__name__, who))

    def __bool__(self):
        return bool(self._data)

    def __float__(self):
        if self._rg:
            self._note_exit("float()")
        return float(self.item())       # any one-element tensor, as in PyTorch

    def __int__(self):
        return int(self.item())

    def __index__(self):
        if self._data.ndim != 0 or self._data.dtype.kind not in "iu":
            raise TypeError("only integer scalar tensors can be used as an index")
        return int(self._data)

    def __complex__(self):
        return complex(self._data)

    def __format__(self, spec):
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    __hash__ = object.__hash__

    def __repr__(self):
        return _repr(self)

    __str__ = __repr__

    def __reduce__(self):
        raise TypeError("tapegrad tensors are not picklable; use tg.save / tg.load")

    def __deepcopy__(self, memo):
        """A new leaf with copied data (and grad); as PyTorch, only leaves can be copied."""
        if self.grad_fn is not None:
            raise RuntimeError(
                "deepcopy: only leaf tensors (created by the user, not by an op) support "
                f"deepcopy; this one came from {self.grad_fn.name()}. Use .detach().clone()")
        new = _new(type(self))
        for cls in type(self).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if name != "__weakref__" and hasattr(self, name):
                    object.__setattr__(new, name, getattr(self, name))
        new._data = self._data.copy()
        new.grad = None if self.grad is None else self.grad.__deepcopy__(memo)
        new._vc = new._fw = new._acc = new._x = None
        memo[id(self)] = new
        return new

    def __copy__(self):
        return self.__deepcopy__({})

    # ------------------------------------------------------------ autodiff state
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag):
        self._set_requires_grad(flag, "requires_grad")

    def _set_requires_grad(self, flag, who):
        if not isinstance(flag, (bool, np.bool_)):
            raise TypeError(f"{who}: requires_grad must be True or False, got {flag!r:.40} "
                            f"({type(flag).__name__})")
        flag = bool(flag)
        if self.grad_fn is not None and not getattr(self.grad_fn, "variable", None):
            if not flag:
                raise RuntimeError(
                    "requires_grad: can only change the flag of a leaf tensor; this one "
                    f"was computed by {self.grad_fn.name()}. Use .detach() to get a leaf.")
            return
        if flag and not is_floating(self._data.dtype):
            raise RuntimeError(
                f"requires_grad: only floating point tensors can require gradients, got "
                f"dtype {self._data.dtype}; convert first, e.g. x.astype('float32')")
        self._rg = flag

    def requires_grad_(self, requires_grad=True):
        self._set_requires_grad(requires_grad, "requires_grad_")
        return self

    @property
    def is_leaf(self) -> bool:
        # a dual's stand-in for a leaf points at the leaf's accumulator: still a leaf
        fn = self.grad_fn
        return fn is None or getattr(fn, "variable", None) is not None

    @property
    def grad(self):
        """The accumulated gradient (a Tensor), or None."""
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            _check_grad(self, value)
        self._grad = value

    @grad.deleter
    def grad(self):
        self._grad = None

    @property
    def _version(self) -> int:
        return 0 if self._vc is None else self._vc.v

    def _bump_version(self):
        """Count an in-place change and remember where it happened (for error messages)."""
        vc = self._vc
        if vc is None:
            vc = self._vc = Version()
        vc.v += 1
        vc.site = _site(2)

    def detach(self):
        """A tensor with the same data (shared memory) and no history."""
        t = make(self._data)
        t._vc = self._vc if self._vc is not None else self._init_vc()
        if self._rg:
            ops._core.note_cut(t, "detach", (self,))
        return t

    def _note_exit(self, how):
        # explain_grad's record of values leaving tapegrad; tg.function reads it too (a
        # trace that took such a value runs eagerly, since the value would be frozen)
        if self._rg:
            _explain.note_conversion(self, how)

    def _init_vc(self):
        self._vc = Version()
        return self._vc

    def detach_(self):
        self.grad_fn = None
        self._rg = False
        return self

    def clone(self):
        return ops.clone(self)

    def retain_grad(self):
        """Keep the gradient of this non-leaf tensor in `.grad` after backward."""
        if not self._rg:
            raise RuntimeError("retain_grad: cannot retain the gradient of a tensor that "
                               "does not require grad")
        if self.grad_fn is None:
            return
        self.grad_fn.retain = weakref.ref(self)

    @property
    def retains_grad(self) -> bool:
        fn = self.grad_fn
        return fn is not None and fn.retain is not None and fn.retain() is self

    def register_hook(self, fn):
        """Call `fn(grad)` when this tensor's gradient is computed; a returned tensor
        replaces the gradient. Returns a handle with `.remove()`."""
        if not callable(fn):
            raise TypeError(f"register_hook: the hook must be callable, got "
                            f"{type(fn).__name__}")
        if not self._rg:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "does not require grad")
        from .autograd.graph import _HookHandle
        leaf = getattr(self.grad_fn, "variable", None)
        if leaf is not None:
            return leaf.register_hook(fn)
        if self.grad_fn is not None:
            return self.grad_fn.register_hook(fn)
        x = self._extras()
        hooks = x.setdefault("hooks", [])
        hooks.append(fn)
        return _HookHandle(hooks, fn)

    def _extras(self):
        if self._x is None:
            self._x = {}
        return self._x

    def backward(self, gradient=None, retain_graph=False, create_graph=False, inputs=None):
        """Accumulate d(self)/d(leaf) into every leaf's `.grad` (PyTorch style).

        The graph is kept for another backward with retain_graph=True, and always with
        create_graph=True (the new graph refers to it)."""
        from .autograd import backward
        if gradient is not None and not isinstance(gradient, (Tensor, np.ndarray, int, float,
                                                               np.number)):
            raise TypeError(f"backward: the gradient for output 0 must be a tensor (or "
                            f"None), got {gradient!r:.40} ({type(gradient).__name__})")
        if retain_graph.__class__ is not bool and retain_graph is not None:
            raise TypeError(f"backward: retain_graph must be True, False or None, got "
                            f"{retain_graph!r:.40} ({type(retain_graph).__name__})")
        backward(self, gradient, retain_graph=bool(retain_graph or create_graph),
                 create_graph=create_graph, inputs=inputs)

    # ---------------------------------------------------------------- in place
    def _check_inplace(self, what):
        if self.grad_fn is None and self._rg and _local.grad_enabled:
            raise RuntimeError(
                f"{what}: a leaf tensor that requires grad cannot be changed in place while "
                "recording; wrap the update in `with tg.no_grad():` (or use Variable.assign)")

    def __setitem__(self, index, value):
        if value is None:
            raise TypeError("setitem: cannot write None into a tensor (NumPy would write NaN)")
        raw = value._data if value.__class__ is Tensor else value
        if (raw.__class__ is complex or raw.__class__ is np.ndarray and raw.dtype.kind == "c") \
                and self._data.dtype.kind != "c":
            # NumPy would drop the imaginary part with only a warning
            raise TypeError(f"setitem: cannot write a complex value into a tensor of dtype "
                            f"{self._data.dtype}")
        try:
            ops.setitem_(self, index, value)
        except IndexError as e:
            msg = str(e)
            if msg.startswith("getitem:"):
                raise IndexError("setitem:" + msg[len("getitem:"):]) from None
            if msg.startswith("too many indices"):
                raise IndexError(f"setitem: too many indices for a tensor of shape "
                                 f"{self.shape}: {index!r:.60}") from None
            raise
        except (TypeError, ValueError) as e:
            # NumPy's conversion and broadcasting errors, said with the tensor's terms
            what = None if isinstance(value, Tensor) else ops._core._non_numeric(value)
            if what is not None:
                raise TypeError(f"setitem: cannot write a value of type {what} into a "
                                f"tensor of dtype {self._data.dtype}") from None
            if str(e).startswith("could not broadcast"):
                raise ValueError(f"setitem: a value of shape {np.shape(_raw_value(value))} "
                                 f"does not fit x[{index!r:.40}] of a tensor of shape "
                                 f"{self.shape}") from None
            raise

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
        if _local.grad_enabled and (self._rg or isinstance(other, Tensor) and other._rg):
            src = ops.clone(self)
            return src, (src if other is self else other)
        return self, other

    def _plain_update(self, ufunc, other, alpha=1):
        """`self = ufunc(self, alpha * other)` straight into the array when nothing records
        it (an optimizer step under no_grad): no temporary result and no extra copy."""
        if _local.grad_enabled and (self._rg or isinstance(other, Tensor) and other._rg):
            return False
        if self._fw is not None or isinstance(other, Tensor) and other._fw is not None:
            return False
        data = self._data
        o = other._data if isinstance(other, Tensor) else other
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

    # ---------------------------------------------------------------- operators
    def __add__(self, o):
        return _binary(_Add, self, o)

    def __radd__(self, o):
        return _binary(_Add, o, self)

    def __sub__(self, o):
        return _binary(_Sub, self, o)

    def __rsub__(self, o):
        return _binary(_Sub, o, self)

    def __mul__(self, o):
        return _binary(_Mul, self, o)

    def __rmul__(self, o):
        return _binary(_Mul, o, self)

    def __truediv__(self, o):
        return _binary(_Div, self, o)

    def __rtruediv__(self, o):
        return _binary(_Div, o, self)

    def __pow__(self, o):
        return _binary(_Pow, self, o)

    def __rpow__(self, o):
        return _binary(_Pow, o, self)

    def __matmul__(self, o):
        if not isinstance(o, _OPERANDS):
            raise _operand_error("matmul", o)
        return ops.matmul(self, o)

    def __rmatmul__(self, o):
        if not isinstance(o, _OPERANDS):
            raise _operand_error("matmul", o)
        return ops.matmul(o, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __floordiv__(self, o):
        return ops.floor_divide(self, o)

    def __rfloordiv__(self, o):
        return ops.floor_divide(o, self)

    def __mod__(self, o):
        return ops.remainder(self, o)

    def __rmod__(self, o):
        return ops.remainder(o, self)

    def __lt__(self, o):
        return _compare_op(self, np.less, "lt", o)

    def __le__(self, o):
        return _compare_op(self, np.less_equal, "le", o)

    def __gt__(self, o):
        return _compare_op(self, np.greater, "gt", o)

    def __ge__(self, o):
        return _compare_op(self, np.greater_equal, "ge", o)

    def __eq__(self, o):
        return _compare_op(self, np.equal, "eq", o)

    def __ne__(self, o):
        return _compare_op(self, np.not_equal, "ne", o)

    def __invert__(self):
        return make(~self._data)

    def __and__(self, o):
        try:
            return make(self._data & _raw(o))
        except TypeError:
            raise _operand_error("and", o) from None

    def __or__(self, o):
        try:
            return make(self._data | _raw(o))
        except TypeError:
            raise _operand_error("or", o) from None

    def __xor__(self, o):
        try:
            return make(self._data ^ _raw(o))
        except TypeError:
            raise _operand_error("xor", o) from None

    __rand__ = __and__
    __ror__ = __or__

    def __getitem__(self, index):
        try:
            return ops.getitem(self, index)
        except IndexError as e:
            if not str(e).startswith("only integers"):
                raise
            raise IndexError(f"getitem: an index must be an int, slice, ..., None or an "
                             f"integer or boolean array/tensor, got {index!r} "
                             f"({type(index).__name__})") from None

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

    # Casts. The PyTorch-named ones (.float(), .to(), .type() ...) return the tensor
    # itself when the dtype already matches, as PyTorch does: one tensor, so writes are
    # tracked by its version counter. astype and tg.cast always give a new array (NumPy's
    # astype copies by default), never one that shares memory untracked.
    def astype(self, dtype):
        return ops.cast(self, _dtype_arg("astype", dtype))

    def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False):
        for a in args:
            if isinstance(a, Tensor):
                dtype = a._data.dtype
            elif isinstance(a, str) and a.split(":")[0] in ("cpu", "cuda", "mps"):
                device = a
            else:
                dtype = _dtype_arg("to", a, "or the device 'cpu'")
        if device is not None and str(device).split(":")[0] != "cpu":
            raise ValueError(f"to: tapegrad runs on the CPU only, got device {device!r}")
        dtype = None if dtype is None else _dtype_arg("to", dtype)
        if dtype is None or dtype == self._data.dtype:
            return ops.clone(self) if copy else self
        return ops.cast(self, dtype)

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

    def any(self):
        return make(np.any(self._data))

    def all(self):
        return make(np.all(self._data))


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


class Version:
    """The in-place change counter a tensor shares with its views: backward compares
    it with the count a node saw when it saved the tensor. Smaller than a list: one
    is made for nearly every recorded op."""

    __slots__ = ("v", "site", "x")

    def __init__(self):
        self.v = 0
        self.site = None            # where the last in-place change happened
        # None, or [weak references to views sharing this counter (or None), weak
        # reference to a node holding the memory's values (or None)]: one slot, since
        # most counters need neither and there is one per recorded op
        self.x = None


def make(data, rg=False):
    """Fast internal constructor: wrap an ndarray as it is."""
    t = _new(Tensor)
    t._data = data
    t._rg = rg
    t._grad = None
    t.grad_fn = None
    t._vc = None
    t._fw = None
    t._acc = None
    t._x = None
    return t


_new = object.__new__


def _raw(o):
    return o._data if isinstance(o, Tensor) else o


_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_I32, _I64, _BOOL = np.dtype(np.int32), np.dtype(np.int64), np.dtype(np.bool_)
_OPERANDS = (Tensor, np.ndarray, np.generic, int, float, complex, list, tuple)


def _check_grad(t, g):
    """`t.grad = g` as PyTorch checks it: a tensor of t's dtype and shape (a wrong one
    would be broadcast into every later accumulation and optimizer step)."""
    if not isinstance(g, Tensor):
        raise TypeError(f"grad: assigned grad expected to be a Tensor or None, got "
                        f"{type(g).__name__}")
    if g._data.dtype != t._data.dtype:
        raise RuntimeError(f"grad: assigned grad has dtype {g._data.dtype}, but the tensor "
                           f"has dtype {t._data.dtype}")
    if g._data.shape != t._data.shape:
        raise RuntimeError(f"grad: assigned grad has shape {g._data.shape}, but the tensor "
                           f"has shape {t._data.shape}")
    if g is t:
        raise RuntimeError("grad: a tensor cannot be its own grad")


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
    what = ops._core._non_numeric(o)
    if what is not None:
        raise TypeError(f"{who}: unsupported {arg} type(s) {what}")
    if np.iscomplexobj(o) and not np.iscomplexobj(data):
        raise TypeError(f"{who}: a complex {arg} cannot update a real tensor of dtype "
                        f"{data.dtype} in place")


def _raw_value(v):
    return v._data if isinstance(v, Tensor) else v


def _operand_error(name, o):
    what = f"{o.dtype} array" if isinstance(o, np.ndarray) else type(o).__name__
    return TypeError(f"{name}: unsupported operand type(s) {what}")


def _compare_op(x, ufunc, name, o):
    """A comparison (never requires grad); errors name it and both shapes."""
    try:
        return make(ufunc(x._data, _raw(o)))
    except TypeError:
        raise _operand_error(name, o) from None
    except ValueError:
        raise ValueError(f"{name}: shapes {x.shape} and {tuple(np.shape(_raw(o)))} cannot "
                         "be broadcast together") from None


def _needs_grad_arg(args, kwargs):
    """A description of the first argument whose gradient a NumPy call would cut (a
    tensor that requires grad while grad mode is on, or one carrying tangents), else None."""
    ge = _local.grad_enabled
    stack = [(f"argument {i}", a) for i, a in enumerate(args)]
    stack += [(k, v) for k, v in kwargs.items()]
    while stack:
        where, a = stack.pop()
        if isinstance(a, Tensor):
            if a._rg and ge or a._fw is not None:
                return where
        elif isinstance(a, (list, tuple)):
            stack.extend((where, v) for v in a)
    return None


def _holds_floats(res):
    """Whether a NumPy result carries floating values (which would have had a gradient)."""
    if isinstance(res, (list, tuple)):
        return any(_holds_floats(r) for r in res)
    if isinstance(res, Tensor):
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


def _shape_args(shape, who="reshape", what="shape"):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    elif len(shape) == 1 and isinstance(shape[0], Tensor):
        shape = tuple(int(s) for s in shape[0].tolist())
    for s in shape:
        if type(s) is not int and (isinstance(s, bool) or not hasattr(type(s), "__index__")):
            raise TypeError(f"{who}: {what} must be ints, got {s!r} ({type(s).__name__})")
    return tuple(shape)


def _repr(t):
    arr = t._data
    prefix = "tensor("
    if arr.dtype.kind == "f":
        finite = arr[np.isfinite(arr)]
        integral = finite.size == 0 or bool(np.all(finite == np.round(finite)))
        # as PyTorch: "1., 2." for whole numbers, else four decimals ("0.0770")
        body = np.array2string(arr, separator=", ", prefix=prefix, precision=4,
                               floatmode="maxprec_equal" if integral else "fixed")
    else:
        body = np.array2string(arr, separator=", ", prefix=prefix)
    extra = []
    if arr.dtype not in (np.float32, np.int64, np.bool_):
        extra.append(f"dtype={arr.dtype}")
    fw = t._fw
    if t.grad_fn is not None and not getattr(t.grad_fn, "variable", None):
        extra.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t._rg:
        extra.append("requires_grad=True")
    if fw:
        lv = [k for k in fw if k in _local.fw_levels or (k == 0 and _local.fw_default)]
        if lv:
            extra.append(f"tangent={np.array2string(_raw(fw[lv[-1]]), separator=', ')}")
    inner = ", ".join([body] + extra)
    return f"{prefix}{inner})"


def as_tensor(x, dtype=None):
    """Return `x` if it is a Tensor (cast to dtype if given), else a new leaf."""
    if isinstance(x, Tensor):
        if dtype is not None and x.dtype != as_dtype(dtype):
            return ops.cast(x, dtype)
        return x
    return Tensor(x, dtype=dtype)


from . import ops  # noqa: E402  (bottom import: ops needs Tensor defined above)
from .autograd import explain as _explain  # noqa: E402
# operators go straight to the binary-op helper: one Python call less per op
from .ops._core import _site, apply2 as _binary  # noqa: E402
from .ops.elementwise import (Add as _Add, Div as _Div, Mul as _Mul,  # noqa: E402
                              Pow as _Pow, Sub as _Sub)


def _compare(forward, reflected):
    return lambda a, b: getattr(a, forward)(b) if isinstance(a, Tensor) else \
        getattr(b, reflected)(a)


# NumPy ufuncs whose tapegrad op has another name (the rest share theirs: np.exp -> exp)
_UFUNC_OPS = {
    "add": lambda a, b: _binary(_Add, a, b),
    "subtract": lambda a, b: _binary(_Sub, a, b),
    "multiply": lambda a, b: _binary(_Mul, a, b),
    "divide": lambda a, b: _binary(_Div, a, b),
    "true_divide": lambda a, b: _binary(_Div, a, b),
    "power": lambda a, b: _binary(_Pow, a, b),
    "absolute": ops.abs,
    "negative": ops.neg,
    "positive": lambda a: a,
    "less": _compare("__lt__", "__gt__"),
    "less_equal": _compare("__le__", "__ge__"),
    "greater": _compare("__gt__", "__lt__"),
    "greater_equal": _compare("__ge__", "__le__"),
    "equal": _compare("__eq__", "__eq__"),
    "not_equal": _compare("__ne__", "__ne__"),
}
