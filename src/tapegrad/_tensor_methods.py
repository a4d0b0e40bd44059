"""Tensor's in-place updates, the methods that are one call into `ops` (sum, reshape,
exp, astype, ...), and helpers of its NumPy interface. `Tensor` (_tensor.py) derives
from `TensorMethods` and nothing else does, so `isinstance(x, TensorMethods)` is
`isinstance(x, Tensor)`."""
from __future__ import annotations

import numpy as np

from . import _state
from ._check import _non_numeric
from ._dtypes import as_dtype, cpu_only
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from typing_extensions import Self

    from ._tensor import Tensor
    from ._typing import ArrayLike, Axis, DTypeLike

_local = _state.local
# the ops package, set by ops/__init__.py through _tensor.use_ops (an upward edge,
# looked up at call time)
ops: Any = None
# tapegrad.numpy (set by its __init__ through _tensor.use_numpy) and Tensor's fast
# internal constructor (set by _tensor.use_ops)
tnp: Any = None
make: Any = None
# NumPy function or ufunc -> tapegrad.numpy's (None: lacking), filled as they are met;
# _tensor.use_ops puts the operators' ufuncs in first, with their own entry points
_NUMPY_IMPLS: dict[Any, Any] = {}
_NO_DIM = object()      # max/min called without a dimension (values, as NumPy)


class TensorMethods:
    """Tensor's base: methods only (no slots of its own, so no instance dict)."""

    __slots__ = ()

    if TYPE_CHECKING:
        # what Tensor, the one class deriving from these methods, provides
        _data: np.ndarray
        _rg: bool
        grad_fn: Any

        def _bump_version(self) -> None: ...

    # ---------------------------------------------------------------- in place
    def _check_inplace(self, what):
        if self.grad_fn is None and self._rg and _local.grad_enabled:
            raise RuntimeError(
                f"{what}: a leaf tensor that requires grad cannot be changed in place while "
                "recording; wrap the update in `with tg.no_grad():` (or use Variable.assign)")


    def copy_(self, src: ArrayLike) -> Self:
        """Overwrite this tensor's values with `src` (broadcast), in place; returns it.

        Args:
            src: a tensor or array-like of a broadcast-compatible shape.

        Returns:
            This tensor. When recording, the copy is differentiable in src.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.
            ValueError: src does not broadcast to this shape.

        >>> tg.zeros(2).copy_(tg.tensor([1.0, 2.0]))
        tensor([1., 2.])
        """
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

    def zero_(self) -> Self:
        """Set every element to zero in place; returns this tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.ones(2).zero_()
        tensor([0., 0.])
        """
        self._check_inplace("zero_")
        with _state.no_grad():
            self._data[...] = 0
        self._bump_version()
        return self

    def fill_(self, value: ArrayLike) -> Self:
        """Set every element to `value` in place; returns this tensor.

        Args:
            value: a number (or a one-element tensor).

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.zeros(3).fill_(7.0)
        tensor([7., 7., 7.])
        """
        self._check_inplace("fill_")
        self._write_all(value, "fill_")
        return self

    # issue 15 (session 8): torch's in-place scatter
    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        """tg.scatter written into this tensor; returns it. When recording, the update is
        differentiable in src (and in this tensor's earlier values where kept).

        Args:
            dim: the dimension `index` runs along.
            index: integers with this tensor's number of dimensions.
            src: the values written (or `value`, a number).
            value: a number written instead of src.
            reduce: None, "sum"/"add", "prod"/"multiply", "mean", "amax" or "amin", as
                tg.scatter.

        Returns:
            This tensor.

        >>> tg.zeros(3).scatter_(0, tg.tensor([2, 0, 2]), tg.tensor([1.0, 2.0, 3.0]),
        ...                      reduce="add")
        tensor([2., 0., 4.])
        """
        self._check_inplace("scatter_")
        cur, _ = self._inplace_args(None)
        return self.copy_(ops.scatter(cur, dim, index, src, value=value, reduce=reduce))

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

    def add_(self, other: ArrayLike, alpha: float = 1) -> Self:
        """Add `alpha * other` to this tensor in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.
            alpha: a factor for other.

        Returns:
            This tensor (its version counter advances).

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on
                (update it under `tg.no_grad()`).

        >>> x = tg.ones(2)
        >>> x.add_(tg.tensor([1.0, 2.0]), alpha=10)
        tensor([11., 21.])
        """
        if self._plain_update(np.add, other, alpha):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src + (other if alpha == 1 else other * alpha))

    def sub_(self, other: ArrayLike, alpha: float = 1) -> Self:
        """Subtract `alpha * other` from this tensor in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.
            alpha: a factor for other.

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.ones(2).sub_(0.5)
        tensor([0.5000, 0.5000])
        """
        if self._plain_update(np.subtract, other, alpha):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src - (other if alpha == 1 else other * alpha))

    def mul_(self, other: ArrayLike) -> Self:
        """Multiply this tensor by `other` in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.tensor([1.0, 2.0]).mul_(3)
        tensor([3., 6.])
        """
        if self._plain_update(np.multiply, other):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src * other)

    def div_(self, other: ArrayLike) -> Self:
        """Divide this tensor by `other` in place; returns it.

        Args:
            other: a tensor or number, broadcast to this tensor's shape.

        Returns:
            This tensor.

        Raises:
            RuntimeError: this is a leaf that requires grad and recording is on.

        >>> tg.tensor([1.0, 2.0]).div_(2)
        tensor([0.5000, 1.0000])
        """
        if self._plain_update(np.true_divide, other):
            return self
        src, other = self._inplace_args(other)
        return self.copy_(src / other)

    def clamp_(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Self:
        """Limit this tensor to [min, max] in place (`tapegrad.clamp`); returns it.

        Args:
            min: the lower bound, or None.
            max: the upper bound, or None.

        Returns:
            This tensor.

        >>> tg.tensor([-1.0, 0.5, 2.0]).clamp_(0.0, 1.0)
        tensor([0.0000, 0.5000, 1.0000])
        """
        src, _ = self._inplace_args(None)
        return self.copy_(ops.clip(src, min, max))

    # in place, as NumPy and PyTorch do (a leaf that requires grad needs no_grad)
    def __iadd__(self, o: ArrayLike) -> Self:
        return self.add_(o)

    def __isub__(self, o: ArrayLike) -> Self:
        return self.sub_(o)

    def __imul__(self, o: ArrayLike) -> Self:
        return self.mul_(o)

    def __itruediv__(self, o: ArrayLike) -> Self:
        return self.div_(o)

    # ------------------------------------------------- NumPy's protocols
    # np.sin(t), ndarray + t, np.sum(t), np.concatenate([t, a]): tapegrad.numpy's
    # function of the same name, so the result is a tracked tensor. NumPy functions and
    # ufunc methods tapegrad lacks run on the values only when no gradient is cut.
    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
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

    def __array_function__(self, func: Callable[..., Any], types: Any, args: tuple[Any, ...],
                           kwargs: dict[str, Any]) -> Any:
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

    def sum(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None, dtype: DTypeLike = None,
            out: Tensor | None = None) -> Tensor:
        """Method form of `tapegrad.sum`: `x.sum(...)` is `tg.sum(x, ...)`; see there for the arguments.

        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).sum(1)
        tensor([3., 7.])
        """
        x = self._reduce_input("sum", dtype, out)
        return ops.sum(x, axis, keepdims, dim=dim, keepdim=keepdim)

    def mean(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool | None = None, dtype: DTypeLike = None,
             out: Tensor | None = None) -> Tensor:
        """Method form of `tapegrad.mean`: `x.mean(...)` is `tg.mean(x, ...)`; see there for the arguments.

        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).mean(0)
        tensor([2., 3.])
        """
        x = self._reduce_input("mean", dtype, out)
        return ops.mean(x, axis, keepdims, dim=dim, keepdim=keepdim)

    def prod(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool | None = None, dtype: DTypeLike = None,
             out: Tensor | None = None) -> Tensor:
        """Method form of `tapegrad.prod`: `x.prod(...)` is `tg.prod(x, ...)`; see there for the arguments.

        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).prod()
        tensor(24.)
        """
        x = self._reduce_input("prod", dtype, out)
        return ops.prod(x, axis, keepdims, dim=dim, keepdim=keepdim)

    def max(self, dim: Any = _NO_DIM, keepdim: bool = False, *, axis: Axis = None,
            keepdims: bool = False, out: Tensor | None = None) -> Any:
        """Given a dimension, `(values, indices)` as PyTorch; else the values (np.max's
        `axis=`, `keepdims=` and `out=None`, which NumPy passes, are accepted)."""
        x = self._reduce_input("max", out=out)
        return ops.max(x, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim: Any = _NO_DIM, keepdim: bool = False, *, axis: Axis = None,
            keepdims: bool = False, out: Tensor | None = None) -> Any:
        """As `max`, for the smallest element."""
        x = self._reduce_input("min", out=out)
        return ops.min(x, dim, keepdim, axis=axis, keepdims=keepdims)

    def amax(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool | None = None) -> Tensor:
        """Method form of `tapegrad.amax`: `x.amax(...)` is `tg.amax(x, ...)`; see there for the arguments.

        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).amax(dim=0)
        tensor([3., 4.])
        """
        return ops.amax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def amin(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
             keepdim: bool | None = None) -> Tensor:
        """Method form of `tapegrad.amin`: `x.amin(...)` is `tg.amin(x, ...)`; see there for the arguments.

        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).amin(dim=1)
        tensor([1., 3.])
        """
        return ops.amin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def var(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None, ddof: float | None = None, correction: float | None = None,
            unbiased: Any = None, dtype: DTypeLike = None, out: Tensor | None = None) -> Tensor:
        """Method form of `tapegrad.var`: `x.var(...)` is `tg.var(x, ...)`; see there for the arguments.

        >>> tg.tensor([1.0, 2.0, 3.0]).var()
        tensor(1.)
        """
        x = self._reduce_input("var", dtype, out)     # np.var(t) passes dtype and out
        return ops.var(x, axis, keepdims, dim=dim, keepdim=keepdim, ddof=ddof,
                       correction=correction, unbiased=unbiased)

    def std(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
            keepdim: bool | None = None, ddof: float | None = None, correction: float | None = None,
            unbiased: Any = None, dtype: DTypeLike = None, out: Tensor | None = None) -> Tensor:
        """Method form of `tapegrad.std`: `x.std(...)` is `tg.std(x, ...)`; see there for the arguments.

        >>> tg.tensor([1.0, 2.0, 3.0]).std()
        tensor(1.)
        """
        x = self._reduce_input("std", dtype, out)
        return ops.std(x, axis, keepdims, dim=dim, keepdim=keepdim, ddof=ddof,
                       correction=correction, unbiased=unbiased)

    def logsumexp(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
                  keepdim: bool | None = None) -> Tensor:
        """Method form of `tapegrad.logsumexp`: `x.logsumexp(...)` is `tg.logsumexp(x, ...)`; see there for the arguments.

        >>> tg.tensor([0.0, 0.0]).logsumexp(0)
        tensor(0.6931)
        """
        return ops.logsumexp(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmax(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
               keepdim: bool | None = None) -> Tensor:
        """Method form of `tapegrad.argmax`: `x.argmax(...)` is `tg.argmax(x, ...)`; see there for the arguments.

        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).argmax(dim=1)
        tensor([1, 1])
        """
        return ops.argmax(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def argmin(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
               keepdim: bool | None = None) -> Tensor:
        """Method form of `tapegrad.argmin`: `x.argmin(...)` is `tg.argmin(x, ...)`; see there for the arguments.

        >>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).argmin()
        tensor(0)
        """
        return ops.argmin(self, axis, keepdims, dim=dim, keepdim=keepdim)

    # Casts. The PyTorch-named ones (.float(), .to(), .type() ...) return the tensor
    # itself when the dtype already matches, as PyTorch does: one tensor, so writes are
    # tracked by its version counter. astype and tg.cast always give a new array (NumPy's
    # astype copies by default), never one that shares memory untracked.
    def astype(self, dtype: DTypeLike, order: str = "K", casting: str = "unsafe",
               subok: bool = True, copy: bool = True) -> Tensor:
        """A copy cast to `dtype` (NumPy's astype; differentiable between float dtypes)."""
        return ops.cast(self, _dtype_arg("astype", dtype))


    # ------------------------------------------------- NumPy's ndarray methods
    # (issue 15; the scan helper adds cumsum/argsort and the math helper round)
    def ravel(self, order: str = "C") -> Tensor:
        """The values as 1-D (NumPy's ravel; differentiable)."""
        if order not in ("C", "K", "A"):
            raise ValueError(f"ravel: only order='C' is supported, got {order!r}")
        return ops.reshape(self, (-1,))

    def copy(self, order: str = "K") -> Tensor:
        """A copy (NumPy's copy; PyTorch: clone), differentiable."""
        return ops.clone(self)

    # ------------------------------------------------- complex parts (issue 16)
    def conj(self) -> Tensor:
        """The complex conjugate (differentiable): a real tensor is its own."""
        return ops.conj(self)

    conjugate = conj

    @property
    def real(self) -> Tensor:
        """The real part (differentiable): a real tensor is its own."""
        return ops.real(self)

    @property
    def imag(self) -> Tensor:
        """The imaginary part (differentiable); zeros for a real tensor, as NumPy."""
        return ops.imag(self)

    def angle(self) -> Tensor:
        """The argument atan2(imag, real), differentiable (tg.angle).

        >>> tg.tensor([1j], dtype=tg.complex128).angle()
        tensor([1.5708], dtype=float64)
        """
        return ops.angle(self)

    def is_complex(self) -> bool:
        """Whether the dtype is complex64 or complex128.

        >>> tg.tensor([1j]).is_complex(), tg.zeros(1).is_complex()
        (True, False)
        """
        return self._data.dtype.kind == "c"

    def fill(self, value: ArrayLike) -> None:
        """Fill with `value` in place (NumPy's fill: returns None; PyTorch: fill_)."""
        self.fill_(value)

    @property
    def nbytes(self) -> int:
        """The bytes the values take (NumPy's `ndarray.nbytes`).

        >>> tg.zeros(4).nbytes
        16
        """
        return self._data.nbytes

    @property
    def itemsize(self) -> int:
        """The bytes one element takes (NumPy's `ndarray.itemsize`).

        >>> tg.zeros(4, dtype=tg.float64).itemsize
        8
        """
        return self._data.itemsize

    def type(self, dtype: DTypeLike = None) -> Any:
        """The dtype's name, or, given a dtype, this tensor converted to it.

        Args:
            dtype: None to ask for the name, or the dtype to convert to.

        Returns:
            A string (the dtype's name) or a tensor.

        >>> x = tg.tensor([1.5])
        >>> x.type(), x.type(tg.int64)
        ('float32', tensor([1]))
        """
        if dtype is None:
            return str(self._data.dtype)
        return self._cast_to(_dtype_arg("type", dtype))

    def _cast_to(self, dtype):
        return self if self._data.dtype == dtype else ops.cast(self, dtype)

    def half(self) -> Tensor:
        """This tensor as float16 (itself when it already is).

        >>> tg.tensor([1.0]).half().dtype
        dtype('float16')
        """
        return self._cast_to(_F16)

    def float(self) -> Tensor:
        """This tensor as float32 (itself when it already is).

        >>> tg.tensor([1, 2]).float()
        tensor([1., 2.])
        """
        return self._cast_to(_F32)

    def double(self) -> Tensor:
        """This tensor as float64 (itself when it already is).

        >>> tg.tensor([1.0]).double().dtype
        dtype('float64')
        """
        return self._cast_to(_F64)

    def long(self) -> Tensor:
        """This tensor as int64, truncating toward zero (itself when it already is).

        >>> tg.tensor([1.7, -1.7]).long()
        tensor([ 1, -1])
        """
        return self._cast_to(_I64)

    def int(self) -> Tensor:
        """This tensor as int32, truncating toward zero (itself when it already is).

        >>> tg.tensor([1.7, -1.7]).int()
        tensor([ 1, -1], dtype=int32)
        """
        return self._cast_to(_I32)

    def bool(self) -> Tensor:
        """This tensor as bool: nonzero elements are True.

        >>> tg.tensor([0.0, 2.0]).bool()
        tensor([False,  True])
        """
        return self._cast_to(_BOOL)

    def cpu(self) -> Self:
        """This tensor itself: values always live in main memory (kept for ported code).

        >>> x = tg.zeros(2)
        >>> x.cpu() is x
        True
        """
        return self

    def cuda(self, device: Any = None, non_blocking: object = False) -> Self:
        """Always an error: there is no CUDA device (tg.cuda.is_available() is False).

        Args:
            device: the CUDA device PyTorch would copy to (an int, a string or None).
            non_blocking: accepted for PyTorch compatibility.

        Raises:
            RuntimeError: always; tapegrad computes on the CPU only.

        >>> tg.zeros(1).cuda()
        Traceback (most recent call last):
        ...
        RuntimeError: ...
        """
        raise RuntimeError(cpu_only("cuda", "cuda" if device is None else
                                    f"cuda:{device}" if isinstance(device, int) else device))

    def contiguous(self) -> Self:
        """This tensor itself (kept for ported PyTorch code; tapegrad's results need
        no compaction).

        >>> x = tg.zeros(2)
        >>> x.contiguous() is x
        True
        """
        return self

    def type_as(self, other: Tensor) -> Tensor:
        """This tensor cast to `other`'s dtype (itself when the dtypes already match)."""
        data = getattr(other, "_data", None)
        if not isinstance(data, np.ndarray):
            raise TypeError(f"type_as: other must be a tensor, got {type(other).__name__}")
        return self._cast_to(data.dtype)


class _SizeProxy(int):
    """`t.size`: NumPy's element count, an int wherever it is used (`x / t.size`,
    `np.zeros(t.size)`); called, PyTorch's `t.size()` (the shape) and `t.size(dim)`."""

    if TYPE_CHECKING:
        _shape: tuple[int, ...]

    def __new__(cls, arr: np.ndarray) -> _SizeProxy:
        obj = super().__new__(cls, arr.size)
        obj._shape = arr.shape
        return obj

    def __call__(self, dim: int | None = None) -> Any:
        if dim is None:
            return self._shape
        if not isinstance(dim, (int, np.integer)) or isinstance(dim, bool):
            raise TypeError(f"size: dim must be an int, got {dim!r}")
        if not -len(self._shape) <= dim < len(self._shape):
            raise IndexError(f"size: dim {dim} is out of range for a tensor with "
                             f"{len(self._shape)} dimension(s)")
        return self._shape[dim]


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
_NAMESPACES: dict[Any, str] = {"numpy": "", "numpy.linalg": "linalg", "numpy.fft": "fft"}
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
