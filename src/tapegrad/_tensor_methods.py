"""Tensor's methods that are one call into `ops` (sum, reshape, exp, astype, ...), and
helpers of its NumPy interface (the in-place updates are in _tensor_inplace.py, the
base class). `Tensor` (_tensor.py) derives from `TensorMethods` and nothing else does, so
`isinstance(x, TensorMethods)` is `isinstance(x, Tensor)`."""
from __future__ import annotations

import sys

import numpy as np

from . import _state
from ._dtypes import cpu_only
from ._flavour import numpy_caller, scipy_optimize_caller
from ._tensor_args import _dtype_arg, _shape_args, _shape_kw, _SizeProxy  # noqa: F401
from ._tensor_inplace import InplaceMethods
from ._tensor_port_methods import PortMethods
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
_MODULES = sys.modules


def _numpy_axis(dim, axis):
    """max/min given a positional int axis by NumPy-style code (see _flavour)."""
    return (dim is not _NO_DIM and axis is None and isinstance(dim, (int, np.integer, tuple))
            and not isinstance(dim, bool) and numpy_caller(3))


class TensorMethods(InplaceMethods, PortMethods):
    """Tensor's base: methods only (no slots of its own, so no instance dict)."""

    __slots__ = ()

    if TYPE_CHECKING:
        # what Tensor, the one class deriving from these methods, provides
        _data: np.ndarray
        _rg: bool
        grad_fn: Any

        def _bump_version(self) -> None: ...

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
        if not self._rg and "scipy.optimize" in _MODULES and scipy_optimize_caller() and \
                _needs_grad_arg(args, kwargs) is None:
            return func(*[_raw_seq(a) for a in args],
                        **{k: _raw_seq(v) for k, v in kwargs.items()})
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
        if dtype is float:          # float64, as NumPy and torch read Python's float
            dtype = np.float64
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
        `axis=`, `keepdims=` and `out=None`, which NumPy passes, are accepted).

        Args:
            dim: PyTorch's dimension: the result is a (values, indices) namedtuple.
                Without it, the largest value over all elements (or over `axis`); a
                tensor here gives the elementwise maximum (torch.max(x, other)).
            keepdim: keep `dim` with length 1 (with `dim` only).
            axis: NumPy's axis or axes (values only; not with `dim`).
            keepdims: keep the reduced axes with length 1 (with `axis`).
            out: accepted as None only (NumPy passes it).

        Returns:
            The values, or (values, indices) when `dim` is given; the gradient goes to
            the largest elements (ties share it).

        >>> x = tg.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.max(), x.max(axis=0)
        (tensor(7.), tensor([7., 5.]))
        >>> x.max(dim=1)
        max(values=tensor([5., 7.]), indices=tensor([1, 0]))
        """
        x = self._reduce_input("max", out=out)
        if _numpy_axis(dim, axis):      # `x.max(0)` in NumPy-style code: the values
            return ops.max(x, axis=dim, keepdims=bool(keepdim or keepdims))
        return ops.max(x, dim, keepdim, axis=axis, keepdims=keepdims)

    def min(self, dim: Any = _NO_DIM, keepdim: bool = False, *, axis: Axis = None,
            keepdims: bool = False, out: Tensor | None = None) -> Any:
        """As `max`, for the smallest element.

        Args:
            dim: PyTorch's dimension: the result is a (values, indices) namedtuple.
                Without it, the smallest value over all elements (or over `axis`); a
                tensor here gives the elementwise minimum (torch.min(x, other)).
            keepdim: keep `dim` with length 1 (with `dim` only).
            axis: NumPy's axis or axes (values only; not with `dim`).
            keepdims: keep the reduced axes with length 1 (with `axis`).
            out: accepted as None only (NumPy passes it).

        Returns:
            The values, or (values, indices) when `dim` is given.

        >>> x = tg.tensor([[1.0, 5.0], [7.0, 2.0]])
        >>> x.min()
        tensor(1.)
        >>> x.min(dim=0)
        min(values=tensor([1., 2.]), indices=tensor([0, 1]))
        """
        x = self._reduce_input("min", out=out)
        if _numpy_axis(dim, axis):
            return ops.min(x, axis=dim, keepdims=bool(keepdim or keepdims))
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
        if ddof is None and correction is None and unbiased is None and numpy_caller():
            ddof = 0                    # NumPy-style code (see _flavour)
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
        if ddof is None and correction is None and unbiased is None and numpy_caller():
            ddof = 0
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
        """A copy cast to `dtype` (NumPy's astype; differentiable between float dtypes).

        Args:
            dtype: the new dtype (a tapegrad or NumPy dtype, or its name).
            order: NumPy's argument, accepted and not used.
            casting: NumPy's argument, accepted and not used.
            subok: NumPy's argument, accepted and not used.
            copy: NumPy's argument, accepted and not used: a new array is always made.

        Returns:
            A new tensor of `dtype` (floats cast to ints truncate toward zero).

        >>> tg.tensor([1.5, -2.5]).astype("int64")
        tensor([ 1, -2])
        >>> tg.tensor([1, 2]).astype(tg.float64)
        tensor([1., 2.], dtype=float64)
        """
        # NumPy's (and torch's) float is float64
        return ops.cast(self, _dtype_arg("astype", np.float64 if dtype is float else dtype))

    # ------------------------------------------------- NumPy's ndarray methods
    # (issue 15; the scan helper adds cumsum/argsort and the math helper round)
    def ravel(self, order: str = "C") -> Tensor:
        """The values as 1-D (NumPy's ravel; differentiable).

        Args:
            order: "C" (also "K" and "A", which give C order here) or "F"
                (column-major).

        Returns:
            A 1-D tensor of the elements in row-major order.

        >>> tg.tensor([[1.0, 5.0], [7.0, 2.0]]).ravel()
        tensor([1., 5., 7., 2.])
        """
        if order == "F":
            return ops.reshape(ops.transpose(self), (-1,))
        if order not in ("C", "K", "A"):
            raise ValueError(f"ravel: order must be 'C', 'F', 'K' or 'A', got {order!r}")
        return ops.reshape(self, (-1,))

    def copy(self, order: str = "K") -> Tensor:
        """A copy (NumPy's copy; PyTorch: clone), differentiable.

        Args:
            order: NumPy's argument, accepted and not used.

        Returns:
            A new tensor with its own memory and this tensor's values.

        >>> x = tg.tensor([1.0, 2.0])
        >>> c = x.copy()
        >>> c, c is x
        (tensor([1., 2.]), False)
        """
        return ops.clone(self)

    # ------------------------------------------------- JAX's x.at[...] (issue 15)
    @property
    def at(self) -> Any:
        """JAX's functional index update: `x.at[index].set(v)`, `.add`, `.subtract`,
        `.multiply`, `.divide`, `.power`, `.min`, `.max`, `.apply(f)`, `.get()`; each
        returns a new tensor (x is unchanged), differentiable in x and v; repeated
        positions in `.add` accumulate, as in JAX.

        >>> x = tg.zeros(3, dtype=tg.float64)
        >>> x.at[1].set(2.0)
        tensor([0., 2., 0.], dtype=float64)
        >>> x.at[[0, 0]].add(1.0)
        tensor([2., 0., 0.], dtype=float64)
        """
        return ops.at.IndexUpdateHelper(self)

    def block_until_ready(self) -> Self:
        """JAX's: waits for the computation (tapegrad computes eagerly, so it is done)
        and returns this tensor.

        >>> tg.tensor([1.0]).block_until_ready()
        tensor([1.])
        """
        return self

    def compress(self, condition: ArrayLike, axis: int | None = None) -> Tensor:
        """NumPy's `a.compress(condition, axis)`: the slices where condition is true
        (differentiable); see tapegrad.numpy.compress.

        Args:
            condition: 1-D booleans.
            axis: the axis (None: the flattened tensor).

        >>> tg.tensor([1.0, 2.0, 3.0]).compress([True, False, True])
        tensor([1., 3.])
        """
        return tnp.compress(condition, self, axis)

    def choose(self, choices: Any, mode: str = "raise") -> Tensor:
        """NumPy's `a.choose(choices)`: this integer tensor picks among the choices
        (differentiable in them); see tapegrad.numpy.choose.

        Args:
            choices: the arrays chosen from.
            mode: 'raise', 'wrap' or 'clip' for out-of-range choice numbers.

        >>> tg.tensor([1, 0]).choose([tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])])
        tensor([3., 2.])
        """
        return tnp.choose(self, choices, mode=mode)

    def searchsorted(self, v: ArrayLike, side: str = "left", sorter: Any = None) -> Tensor:
        """NumPy's `a.searchsorted(v)`: where v would be inserted to keep this sorted
        1-D tensor sorted (integers, no gradient).

        Args:
            v: the values to insert.
            side: 'left' or 'right' for ties.
            sorter: indices that sort this tensor, if it is not sorted.

        >>> tg.tensor([1.0, 2.0, 3.0]).searchsorted(2.5)
        tensor(2)
        """
        return tnp.searchsorted(self, v, side=side, sorter=sorter)

    def argpartition(self, kth: Any, axis: int = -1) -> Tensor:
        """NumPy's `a.argpartition(kth)`: indices that partition around the kth
        element (integers, no gradient).

        Args:
            kth: the element (or elements) in sorted position.
            axis: the axis.

        >>> tg.tensor([3.0, 1.0, 2.0]).argpartition(0)[0]
        tensor(1)
        """
        return tnp.argpartition(self, kth, axis=axis)

    def tobytes(self, order: str = "C") -> bytes:
        """NumPy's `a.tobytes()`: the raw bytes of the values.

        Args:
            order: 'C' (row-major), 'F' or 'A'.

        >>> len(tg.tensor([1.0, 2.0], dtype=tg.float64).tobytes())
        16
        """
        return self._data.tobytes(order=order)  # type: ignore[arg-type]

    # ------------------------------------------------- complex parts (issue 16)
    def conj(self) -> Tensor:
        """The complex conjugate (differentiable): a real tensor is its own.

        >>> tg.tensor([1 + 2j]).conj()
        tensor([1.-2.j], dtype=complex64)
        >>> tg.tensor([1.0]).conjugate()
        tensor([1.])
        """
        return ops.conj(self)

    conjugate = conj

    @property
    def real(self) -> Tensor:
        """The real part (differentiable): a real tensor is its own.

        >>> tg.tensor([1 + 2j]).real
        tensor([1.])
        """
        return ops.real(self)

    @property
    def imag(self) -> Tensor:
        """The imaginary part (differentiable); zeros for a real tensor, as NumPy.

        >>> tg.tensor([1 + 2j]).imag, tg.tensor([1.0]).imag
        (tensor([2.]), tensor([0.]))
        """
        return ops.imag(self)

    def angle(self) -> Tensor:
        """The argument atan2(imag, real), differentiable (tg.angle).

        >>> tg.tensor([1j], dtype=tg.complex128).angle()
        tensor([1.5708], dtype=float64)
        """
        return ops.angle(self)

    # probe round 2 (session 10): `v in t` as torch and NumPy, not Python's row iteration
    def __contains__(self, value: object) -> bool:
        """Whether some element equals `value` (`value in t`, as torch and NumPy).

        Args:
            value: a number or a tensor broadcastable against this one.

        >>> 2.0 in tg.tensor([[1.0, 2.0], [3.0, 4.0]])
        True
        """
        return bool(np.any(self._data == getattr(value, "_data", value)))

    def is_complex(self) -> bool:
        """Whether the dtype is complex64 or complex128.

        >>> tg.tensor([1j]).is_complex(), tg.zeros(1).is_complex()
        (True, False)
        """
        return self._data.dtype.kind == "c"

    def fill(self, value: ArrayLike) -> None:
        """Fill with `value` in place (NumPy's fill: returns None; PyTorch: fill_).

        Args:
            value: a number (or 0-d tensor) written into every element.

        >>> t = tg.zeros(3)
        >>> t.fill(2.0)
        >>> t
        tensor([2., 2., 2.])
        """
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
        """This tensor itself when its memory is row-major, else a row-major copy
        (differentiable), as PyTorch: a write into x.t().contiguous() leaves x alone.

        >>> x = tg.zeros(2, 3)
        >>> x.contiguous() is x, x.t().contiguous() is x.t()
        (True, False)
        """
        if self._data.flags.c_contiguous:
            return self
        return ops.apply(ops.elementwise.Clone, self, order="C")

    def type_as(self, other: Tensor) -> Tensor:
        """This tensor cast to `other`'s dtype (itself when the dtypes already match).

        Args:
            other: the tensor whose dtype to take.

        Returns:
            This tensor, or a cast copy (differentiable between float dtypes).

        Raises:
            TypeError: other is not a tensor.

        >>> tg.tensor([1, 2]).type_as(tg.tensor([0.5], dtype=tg.float64))
        tensor([1., 2.], dtype=float64)
        """
        data = getattr(other, "_data", None)
        if not isinstance(data, np.ndarray):
            raise TypeError(f"type_as: other must be a tensor, got {type(other).__name__}")
        return self._cast_to(data.dtype)


_F16, _F32, _F64 = np.dtype(np.float16), np.dtype(np.float32), np.dtype(np.float64)
_I32, _I64, _BOOL = np.dtype(np.int32), np.dtype(np.int64), np.dtype(np.bool_)


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


def _raw_seq(a):
    if isinstance(a, (list, tuple)):
        return type(a)(_raw_arg(v) for v in a)
    return _raw_arg(a)


def _left_graph_message(name, who, method="__call__"):
    full = name if method == "__call__" else f"{name}.{method}"
    return (f"np.{full}: tapegrad has no {full}, so the result would leave tapegrad's graph "
            f"({who} requires grad); for NumPy's values without a gradient call "
            f"np.{full} on x.detach().numpy() (np.asarray(x) cuts explicitly)")
