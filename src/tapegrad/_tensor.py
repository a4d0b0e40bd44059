"""Tensor: an ndarray plus autodiff state. Operator methods call `ops`; no derivatives here."""
from __future__ import annotations

import weakref
from weakref import ref as _weakref

import numpy as np

from . import _dtypes, _state
from ._check import _non_numeric, check_written
from .errors import BatchEscape
from ._dtypes import as_dtype, cpu_only, is_floating, to_array
from ._graph import Version, _HookHandle, _leaf_refs, note_conversion
from ._printing import array_text, empty_suffixes
from ._sites import _site
from ._size import SIZES as _SIZES, Size
from ._tensor_docs import attach as _attach_docs
from . import _tensor_inplace, _tensor_methods, _tensor_op_methods
from ._tensor_op_methods import OpMethods
from ._tensor_methods import (_NO_DIM, TensorMethods, _dtype_arg, _held,  # noqa: F401
                              _read_only, _SizeProxy)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from typing import Any
    from ._typing import ArrayLike, Axis, DTypeLike

_local = _state.local


class Tensor(TensorMethods, OpMethods):
    """An n-dimensional array that records the operations applied to it.

    A tensor holds a NumPy array (`.numpy()`), and, when it requires grad, the graph
    of recorded operations that made it (`.grad_fn`), so `backward()` can send
    gradients to the leaves. `tg.tensor(...)` is the usual way to make one.

    Args:
        data: a number, a nested list, a NumPy array or another tensor.
        dtype: the dtype; by default Python floats become float32, ints int64, and
            NumPy arrays keep theirs.
        requires_grad: record operations on this tensor so its gradient can be taken.

    Raises:
        TypeError: data is not numeric, or requires_grad is not a bool.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> (x * x).sum().backward()
    >>> x.grad
    tensor([2., 4.])
    """

    # a dict: its values are the slots' docstrings (only grad_fn is public)
    __slots__ = {"_data": None, "_rg": None, "_grad": None,
                 "grad_fn": "The node that made this tensor (`MulBackward`, ...), whose "
                            "rule backward runs; None for a leaf or a tensor made without "
                            "gradient tracking.\n\n>>> import tapegrad as tg\n"
                            ">>> x = tg.tensor([1.0, 2.0], requires_grad=True)\n"
                            ">>> (x * x).grad_fn.name(), x.grad_fn is None\n"
                            "('MulBackward', True)",
                 "_vc": None, "_fw": None, "_acc": None, "_x": None, "__weakref__": None}
    __array_priority__ = 1000
    _data: np.ndarray
    _rg: bool
    _grad: Tensor | None
    grad_fn: Any

    def __init__(self, data: ArrayLike, dtype: DTypeLike = None,
                 requires_grad: bool = False) -> None:
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
    def shape(self) -> Size:
        return _SIZES[self._data.shape]     # one cached tg.Size per shape (torch.Size)

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype[Any]:
        return self._data.dtype

    @property
    def size(self) -> _SizeProxy:
        return _SizeProxy(self._data)

    def numel(self) -> int:
        return self._data.size

    def dim(self) -> int:
        return self._data.ndim

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def T(self) -> Tensor:
        return ops.transpose(self)

    @property
    def mT(self) -> Tensor:
        return ops.swapaxes(self, -1, -2)

    @property
    def data(self) -> Tensor:
        return self.detach()

    @data.setter
    def data(self, value: Tensor) -> None:
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

    def numpy(self, *, force: bool = False) -> np.ndarray:
        if force is not False and force is not True:
            raise TypeError(f"numpy: force must be True or False, got {type(force).__name__}")
        if self._x is not None and "vmap" in self._x:
            _batched_exit(".numpy()")
        if self._rg:
            self._note_exit(".numpy()")
            return _read_only(self._data)
        if self._vc is not None and _held(self._vc):
            return _read_only(self._data)
        return self._data

    def item(self) -> Any:
        if self._rg:
            self._note_exit(".item()")
        if self._data.size != 1:
            raise ValueError(f"item: only a tensor with one element can be converted to a "
                             f"Python scalar, got shape {self.shape}")
        return self._data.item()

    def tolist(self) -> Any:
        if self._rg:
            self._note_exit(".tolist()")
        return self._data.tolist()

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self) -> Iterator[Tensor]:
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        for i in range(self._data.shape[0]):
            yield self[i]

    def __array__(self, dtype: DTypeLike = None, copy: bool | None = None) -> np.ndarray:
        if self._x is not None and "vmap" in self._x:
            _batched_exit("np.asarray()")
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

    def __bool__(self) -> bool:
        return bool(self._data)

    def __float__(self) -> float:
        if self._rg:
            self._note_exit("float()")
        return float(self.item())       # any one-element tensor, as in PyTorch

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self._data.ndim != 0 or self._data.dtype.kind not in "iu":
            raise TypeError("only integer scalar tensors can be used as an index")
        return int(self._data)

    def __complex__(self) -> complex:
        return complex(self._data)

    def __format__(self, spec: str) -> str:
        if self._data.ndim == 0:
            return format(self._data.item(), spec)
        return format(str(self), spec)

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        return _repr(self)

    __str__ = __repr__

    def __reduce__(self) -> Any:
        raise TypeError("tapegrad tensors are not picklable; use tg.save / tg.load")

    # ------------------------------------------------------------ autodiff state
    @property
    def requires_grad(self) -> bool:
        return self._rg

    @requires_grad.setter
    def requires_grad(self, flag: bool) -> None:
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
        flag and self._x is not None and "vmap" in self._x and _batched_exit("requires_grad")
        self._rg = flag

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self._set_requires_grad(requires_grad, "requires_grad_")
        return self

    @property
    def is_leaf(self) -> bool:
        # a dual's stand-in for a leaf points at the leaf's accumulator: still a leaf
        fn = self.grad_fn
        return fn is None or getattr(fn, "variable", None) is not None

    @property
    def grad(self) -> Tensor | None:
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        if value is not None:
            _check_grad(self, value)
        self._grad = value

    @grad.deleter
    def grad(self) -> None:
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

    def detach(self) -> Tensor:
        if self._x is not None and "vmap" in self._x:
            return _vmap_detach(self)   # vmap's batch kept, its graph (inside) cut
        t = make(self._data)
        t._vc = self._vc if self._vc is not None else self._init_vc()
        if self._rg:
            note_cut(t, "detach", (self,))
        return t

    def _note_exit(self, how):
        # explain_grad's record of values leaving tapegrad; tg.function reads it too (a
        # trace that took such a value runs eagerly, since the value would be frozen)
        if self._rg:
            note_conversion(self, how)

    def _init_vc(self):
        self._vc = Version()
        return self._vc

    def detach_(self) -> Tensor:
        self.grad_fn = None
        self._rg = False
        return self

    def clone(self) -> Tensor:
        return ops.clone(self)

    def retain_grad(self) -> None:
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

    def register_hook(self, fn: Callable[[Tensor], Tensor | None]) -> _HookHandle:
        if not callable(fn):
            raise TypeError(f"register_hook: the hook must be callable, got "
                            f"{type(fn).__name__}")
        if not self._rg:
            raise RuntimeError("register_hook: cannot register a hook on a tensor that "
                               "does not require grad")
        leaf = getattr(self.grad_fn, "variable", None)
        if leaf is not None:
            return leaf.register_hook(fn)
        if self.grad_fn is not None:
            return self.grad_fn._add_hook(fn)
        x = self._extras()
        hooks = x.setdefault("hooks", [])
        hooks.append(fn)
        return _HookHandle(hooks, fn)

    def _extras(self):
        if self._x is None:
            self._x = {}
        return self._x

    def backward(self, gradient: ArrayLike | None = None, retain_graph: bool = False,
                 create_graph: bool = False,
                 inputs: Sequence[Tensor] | Tensor | None = None) -> None:
        if gradient is not None and not isinstance(gradient, (Tensor, np.ndarray, int, float,
                                                               np.number)):
            raise TypeError(f"backward: the gradient for output 0 must be a tensor (or "
                            f"None), got {gradient!r:.40} ({type(gradient).__name__})")
        if retain_graph.__class__ is not bool and retain_graph is not None:
            raise TypeError(f"backward: retain_graph must be True, False or None, got "
                            f"{retain_graph!r:.40} ({type(retain_graph).__name__})")
        _backward(self, gradient, retain_graph=bool(retain_graph or create_graph),
                 create_graph=create_graph, inputs=inputs)

    # ---------------------------------------------------------------- in place
    # (the updates themselves are in _tensor_inplace.py)
    def __setitem__(self, index: Any, value: ArrayLike) -> None:
        if value is None:
            raise TypeError("setitem: cannot write None into a tensor (NumPy would write NaN)")
        if (self._x is not None or value.__class__ is Tensor and value._x is not None) and \
                _vmap_setitem is not None and _vmap_setitem(self, index, value):
            return                                      # written by tg.vmap
        raw = value._data if value.__class__ is Tensor else value
        if raw.__class__ is not np.ndarray:
            check_written("setitem", raw)       # a list holding grad, a masked array
        if (raw.__class__ is complex or raw.__class__ is np.ndarray and raw.dtype.kind == "c") \
                and self._data.dtype.kind != "c":
            # NumPy would drop the imaginary part with only a warning
            raise TypeError(f"setitem: writing a complex value into a tensor of dtype "
                            f"{self._data.dtype} is not supported (it would drop the "
                            "imaginary part)")
        try:
            ops.setitem_(self, index, value)
        except IndexError as e:
            msg = str(e)
            if msg.startswith("getitem:"):
                raise IndexError("setitem:" + msg[len("getitem:"):]) from None
            if msg.startswith("too many indices"):
                raise IndexError(f"setitem: too many indices for a tensor of shape "
                                 f"{self.shape}: {index!r:.60}") from None
            raise IndexError(f"setitem: {msg} (tensor of shape {self.shape})") from None
        except (TypeError, ValueError) as e:
            # NumPy's conversion and broadcasting errors, said with the tensor's terms
            what = None if isinstance(value, Tensor) else _non_numeric(value)
            if what is not None:
                raise TypeError(f"setitem: cannot write a value of type {what} into a "
                                f"tensor of dtype {self._data.dtype}") from None
            if str(e).startswith("could not broadcast"):
                raise ValueError(f"setitem: a value of shape {np.shape(_raw_value(value))} "
                                 f"does not fit x[{index!r:.40}] of a tensor of shape "
                                 f"{self.shape}") from None
            raise

    # ---------------------------------------------------------------- operators
    def __add__(self, o: ArrayLike) -> Tensor:
        return _binary(_Add, self, o)

    def __radd__(self, o: ArrayLike) -> Tensor:
        return _binary(_Add, o, self)

    def __sub__(self, o: ArrayLike) -> Tensor:
        return _binary(_Sub, self, o)

    def __rsub__(self, o: ArrayLike) -> Tensor:
        return _binary(_Sub, o, self)

    def __mul__(self, o: ArrayLike) -> Tensor:
        return _binary(_Mul, self, o)

    def __rmul__(self, o: ArrayLike) -> Tensor:
        return _binary(_Mul, o, self)

    def __truediv__(self, o: ArrayLike) -> Tensor:
        return _binary(_Div, self, o)

    def __rtruediv__(self, o: ArrayLike) -> Tensor:
        return _binary(_Div, o, self)

    def __pow__(self, o: ArrayLike) -> Tensor:
        return _binary(_Pow, self, o)

    def __rpow__(self, o: ArrayLike) -> Tensor:
        return _binary(_Pow, o, self)

    def __matmul__(self, o: ArrayLike) -> Tensor:
        if not isinstance(o, _OPERANDS):
            raise _operand_error("matmul", o)
        return ops.matmul(self, o)

    def __rmatmul__(self, o: ArrayLike) -> Tensor:
        if not isinstance(o, _OPERANDS):
            raise _operand_error("matmul", o)
        return ops.matmul(o, self)

    def __neg__(self) -> Tensor:
        return ops.neg(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return ops.abs(self)

    def __floordiv__(self, o: ArrayLike) -> Tensor:
        return ops.floor_divide(self, o)

    def __rfloordiv__(self, o: ArrayLike) -> Tensor:
        return ops.floor_divide(o, self)

    def __mod__(self, o: ArrayLike) -> Tensor:
        return ops.remainder(self, o)

    def __rmod__(self, o: ArrayLike) -> Tensor:
        return ops.remainder(o, self)

    def __divmod__(self, o: ArrayLike) -> tuple[Tensor, Tensor]:
        return ops.floor_divide(self, o), ops.remainder(self, o)

    def __rdivmod__(self, o: ArrayLike) -> tuple[Tensor, Tensor]:
        return ops.floor_divide(o, self), ops.remainder(o, self)

    def __lt__(self, o: ArrayLike) -> Tensor:
        return _compare_op(self, np.less, "lt", o)

    def __le__(self, o: ArrayLike) -> Tensor:
        return _compare_op(self, np.less_equal, "le", o)

    def __gt__(self, o: ArrayLike) -> Tensor:
        return _compare_op(self, np.greater, "gt", o)

    def __ge__(self, o: ArrayLike) -> Tensor:
        return _compare_op(self, np.greater_equal, "ge", o)

    def __eq__(self, o: ArrayLike) -> Tensor:  # type: ignore[override]
        return _compare_op(self, np.equal, "eq", o)

    def __ne__(self, o: ArrayLike) -> Tensor:  # type: ignore[override]
        return _compare_op(self, np.not_equal, "ne", o)

    def __invert__(self) -> Tensor:
        return _logical(~self._data, self)

    def __and__(self, o: ArrayLike) -> Tensor:
        try:
            return _logical(self._data & _raw(o), self, o)
        except TypeError:
            raise _operand_error("and", o) from None

    def __or__(self, o: ArrayLike) -> Tensor:
        try:
            return _logical(self._data | _raw(o), self, o)
        except TypeError:
            raise _operand_error("or", o) from None

    def __xor__(self, o: ArrayLike) -> Tensor:
        try:
            return _logical(self._data ^ _raw(o), self, o)
        except TypeError:
            raise _operand_error("xor", o) from None

    __rand__ = __and__
    __ror__ = __or__
    __rxor__ = __xor__

    def __getitem__(self, index: Any) -> Tensor:
        try:
            return ops.getitem(self, index)
        except IndexError as e:
            if not str(e).startswith("only integers"):
                raise
            raise IndexError(f"getitem: an index must be an int, slice, ..., None or an "
                             f"integer or boolean array/tensor, got {index!r} "
                             f"({type(index).__name__})") from None

    # ------------------------------------------------------ methods of ops
    # (the one-call ones are TensorMethods')
    def to(self, *args: Any, dtype: DTypeLike = None, device: str | None = None, copy: bool = False,
           non_blocking: bool = False) -> Tensor:
        for a in args:
            if isinstance(a, Tensor):
                dtype = a._data.dtype
            elif isinstance(a, str) and a.split(":")[0] in ("cpu", "cuda", "mps"):
                device = a
            else:
                dtype = _dtype_arg("to", a, "or the device 'cpu'")
        if device is not None and str(device).split(":")[0] != "cpu":
            raise ValueError(cpu_only("to", device))
        dtype = None if dtype is None else _dtype_arg("to", dtype)
        if dtype is None or dtype == self._data.dtype:
            return ops.clone(self) if copy else self
        return ops.cast(self, dtype)

    def any(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, *,
            dim: int | tuple[int, ...] | None = None,
            keepdim: bool | None = None) -> Tensor:
        return make(np.asarray(np.any(self._data, axis=axis if dim is None else dim,
                                      keepdims=keepdims if keepdim is None else keepdim)))

    def all(self, axis: int | tuple[int, ...] | None = None, keepdims: bool = False, *,
            dim: int | tuple[int, ...] | None = None,
            keepdim: bool | None = None) -> Tensor:
        return make(np.asarray(np.all(self._data, axis=axis if dim is None else dim,
                                      keepdims=keepdims if keepdim is None else keepdim)))


def _batched_exit(how):
    """A tg.vmap batched tensor leaving tapegrad: its placeholder holds no values, so
    vmap runs the function once per batch element instead (with its warning)."""
    raise BatchEscape(f"vmap: {how} of a batched tensor (a NumPy array holds no values "
                      "per batch element)")


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


def _raw_value(v):
    return v._data if isinstance(v, Tensor) else v


def _operand_error(name, o):
    what = f"{o.dtype} array" if isinstance(o, np.ndarray) else type(o).__name__
    return TypeError(f"{name}: unsupported operand type(s) {what}")


# tg.vmap's comparison of and write into batched values (set by tapegrad.vmap)
_vmap_compare = _vmap_setitem = _vmap_detach = None


def _compare_op(x, ufunc, name, o):
    """A comparison (never requires grad); errors name it and both shapes."""
    if x._x is not None or o.__class__ is Tensor and o._x is not None:
        r = _vmap_compare(x, ufunc, name, o) if _vmap_compare is not None else None
        if r is not None:
            return r
    a, b = ops._torch_dtype.compare_operands(x, o, _raw(o))    # uint8 < -1: with 255
    try:
        r = ufunc(a, b)
    except TypeError:
        raise _operand_error(name, o) from None
    except ValueError:
        raise ValueError(f"{name}: shapes {x.shape} and {tuple(np.shape(_raw(o)))} cannot "
                         "be broadcast together") from None
    if name in _ORDERINGS and (x._data.dtype.kind == "c" or np.iscomplexobj(_raw(o))):
        # NumPy orders complex numbers lexicographically; PyTorch refuses, as here
        raise TypeError(f"{name}: complex tensors are not supported (complex numbers are not "
                        "ordered); compare their abs, real or imag parts")
    return _logical(r, x, o)


def _logical(r, x, o=None):
    """The tensor over a comparison's or bitwise op's result `r`: a tapegrad.numpy
    integer's (marked, see ops/_apply.mark_numpy) gives a marked one (a NumPy bool)."""
    t = make(r)
    if x._x is not None and "np" in x._x or o.__class__ is Tensor and o._x is not None and \
            "np" in o._x:
        t._x = {"np": True}
    return t


_ORDERINGS = frozenset(("lt", "le", "gt", "ge"))


def _repr(t):
    arr = t._data
    prefix = "tensor("
    body = array_text(arr, prefix)
    extra = empty_suffixes(arr) if arr.size == 0 else []
    # torch names every dtype but the default float's, int64's and bool's
    if arr.size and arr.dtype not in (_dtypes.DEFAULT_FLOAT, np.int64, np.bool_):
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


def _compare(forward, reflected):
    return lambda a, b: getattr(a, forward)(b) if isinstance(a, Tensor) else \
        getattr(b, reflected)(a)


# ------------------------------------------- views and explain_grad's notes on tensors

def note_cut(t, kind, sources):
    """Remember on `t` that the gradient path from `sources` was cut here, and where.

    Only weak references to the graph are kept, so this never keeps a graph alive. Ops
    that backward rules run are not noted: they compute gradients."""
    if kind == "no_grad" and _local.in_backward:
        return
    refs = []
    for a in sources:
        if isinstance(a, Tensor) and a._rg:
            # a leaf's accumulator may not exist yet: refer to the leaf itself
            fn = a.grad_fn
            refs.append(_weakref(a if fn is None else fn))
            if fn is not None:
                refs.extend(_leaf_refs(fn))
    if refs:
        x = t._x if t._x is not None else {}
        x["cut"] = (kind, _site(3), tuple(refs))
        t._x = x


def _carry_cut(t, args):
    for a in args:
        if isinstance(a, Tensor) and a._x is not None and "cut" in a._x:
            x = t._x if t._x is not None else {}
            x["cut"] = a._x["cut"]
            t._x = x
            return


def _share_version(base, t):
    """t is a view of base: one version counter, and base's counter remembers t so that
    a recorded in-place change of the memory can mark t's history out of date."""
    if isinstance(base, Tensor):
        vc = base._vc
        if vc is None:
            vc = base._vc = Version()
        t._vc = vc
        if _local.in_backward:
            return          # a rule's own view: no recorded write reaches its base
        x = vc.x
        views = x[0] if x is not None else None
        if views is None:
            # the base is listed too: a recorded write through a view leaves the base's
            # history out of date, so that write marks it like the other views
            if x is None:
                vc.x = [[_weakref(base), _weakref(t)], None]
            else:
                x[0] = [_weakref(base), _weakref(t)]
        else:
            views.append(_weakref(t))
            if len(views) >= 64 and len(views) & (len(views) - 1) == 0:
                # a long-lived base (a parameter viewed every step): drop dead views
                views[:] = [r for r in views if r() is not None]


def mark_stale_views(t, site):
    """A recorded in-place change just gave `t` a new history: views of its memory taken
    before keep the old one, so their gradient would be wrong. Mark them; using one in
    an op while grad mode is on raises (see _check_stale)."""
    vc = t._vc
    x = vc.x if vc is not None else None
    views = x[0] if x is not None else None
    if not views:
        return
    for r in views:
        v = r()
        if v is not None and v is not t:
            x = v._x if v._x is not None else {}
            # the one writer (None once two differ): ops/_writes.py clear_stale
            by = x.get("stale_by") if "stale" in x else _weakref(t)
            x["stale_by"] = by if by is not None and by() is t else None
            x["stale"] = site
            v._x = x
    vc.x[0] = None


# The layers above, set when they are imported (imports point down; these upward edges
# are looked up at call time): the `ops` package, the two-input entry point with the op
# classes of the operators (`x + y` goes straight to it: one Python call less per op),
# and the engine's backward.
ops: Any
_binary: Any
_backward: Any
ops = _binary = _Add = _Sub = _Mul = _Div = _Pow = _backward = None


def use_ops(module, apply2, Add, Sub, Mul, Div, Pow):
    """Called at the end of ops/__init__.py."""
    global ops, _binary, _Add, _Sub, _Mul, _Div, _Pow
    ops, _binary, _Add, _Sub, _Mul, _Div, _Pow = module, apply2, Add, Sub, Mul, Div, Pow
    _tensor_methods.ops = module
    _tensor_inplace.ops = module
    _tensor_op_methods.ops = module
    _tensor_methods.make = make
    # ndarray (op) tensor and np.add(...) reach Tensor.__array_ufunc__: the operators'
    # own entry point, with no NumPy-convention wrapper in between
    _tensor_methods._NUMPY_IMPLS.update({
        np.add: lambda a, b: _binary(_Add, a, b),
        np.subtract: lambda a, b: _binary(_Sub, a, b),
        np.multiply: lambda a, b: _binary(_Mul, a, b),
        np.divide: lambda a, b: _binary(_Div, a, b),
        np.power: lambda a, b: _binary(_Pow, a, b),
        np.matmul: ops.matmul,
        np.less: _compare("__lt__", "__gt__"),
        np.less_equal: _compare("__le__", "__ge__"),
        np.greater: _compare("__gt__", "__lt__"),
        np.greater_equal: _compare("__ge__", "__le__"),
        np.equal: _compare("__eq__", "__eq__"),
        np.not_equal: _compare("__ne__", "__ne__"),
    })


def use_numpy(module):
    """Called by tapegrad/numpy/__init__.py: the namespace NumPy's functions and ufuncs
    on tensors dispatch to."""
    _tensor_methods.tnp = module


def use_backward(backward):
    """Called by autograd/__init__.py: what Tensor.backward runs."""
    global _backward
    _backward = backward


# the member docstrings kept in _tensor_docs.py and _tensor_op_docs.py
_attach_docs(Tensor)
