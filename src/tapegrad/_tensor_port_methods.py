"""More of torch.Tensor's methods that ported tutorial programs call (issue 18): random
in-place fills for initialising `.data`, new_* factories, predicates (equal, allclose,
isnan, ...), nonzero, and small products. PortMethods is a base of TensorMethods."""
from __future__ import annotations

import numpy as np

from . import _random, _state
from ._dtypes import as_dtype, check_device
from .errors import BatchEscape, raw_values
from ._flavour import numpy_caller
from ._graph import _HookHandle
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from typing_extensions import Self

    from ._tensor import Tensor
    from ._typing import ArrayLike, DTypeLike


def _shape_args(size, who):
    """`size` given as ints or as one tuple/list, as a tuple of non-negative ints."""
    if len(size) == 1 and isinstance(size[0], (tuple, list)):
        size = size[0]
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0
               for n in size):
        raise TypeError(f"{who}: size must be non-negative ints, got {size!r}")
    return tuple(int(n) for n in size)


# the tapegrad package, set by its __init__ through _tensor.use_top (an upward edge,
# looked up at call time): methods that are torch's top-level functions on self
top: Any = None


def _wrap(like: Any, arr: Any) -> Any:
    """A new tensor (of like's class) holding arr."""
    cls: Any = type(like)
    return cls(arr)


class PortMethods:
    """Methods only (no slots of its own)."""

    __slots__ = ()

    if TYPE_CHECKING:
        _data: np.ndarray

        def _check_inplace(self, what: str) -> None: ...
        def _bump_version(self) -> None: ...
        def copy_(self, src: Any) -> Self: ...

    def register_post_accumulate_grad_hook(self, hook: Any) -> Any:
        """Run `hook(tensor)` after a backward has added into this leaf's `.grad` (as
        PyTorch: e.g. an optimizer step fused into backward).

        Args:
            hook: a callable taking the leaf tensor; its result is ignored.

        Returns:
            A handle whose `.remove()` unregisters the hook.

        Raises:
            TypeError: hook is not callable.
            RuntimeError: the tensor is not a leaf that requires grad.

        >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
        >>> h = w.register_post_accumulate_grad_hook(lambda p: print("grad:", p.grad))
        >>> (w * w).sum().backward()
        grad: tensor([2., 4.])
        """
        if not callable(hook):
            raise TypeError(f"register_post_accumulate_grad_hook: the hook must be "
                            f"callable, got {type(hook).__name__}")
        t: Any = self
        if not t._rg or t.grad_fn is not None:
            raise RuntimeError("register_post_accumulate_grad_hook: only a leaf tensor "
                               "that requires grad accumulates a .grad")
        hooks = t._extras().setdefault("post_acc_hooks", [])
        hooks.append(hook)
        return _HookHandle(hooks, hook)

    def uniform_(self, a: float = 0.0, b: float = 1.0) -> Self:
        """Fill in place with uniform samples from [a, b) (the global generator, see
        tg.manual_seed); returns this tensor. As torch.Tensor.uniform_, for initialising
        `.data` of a parameter.

        Args:
            a: the lower bound.
            b: the upper bound.

        >>> w = tg.zeros(3).uniform_(-0.1, 0.1)
        >>> bool(((w >= -0.1) & (w < 0.1)).all())
        True
        """
        self._check_inplace("uniform_")
        self._fill_drawn(_random.generator().uniform(a, b, self._data.shape), "uniform_")
        return self

    def normal_(self, mean: float = 0.0, std: float = 1.0) -> Self:
        """Fill in place with normal samples (the global generator); returns this tensor.

        Args:
            mean: the mean.
            std: the standard deviation.

        >>> tg.zeros(2, 3).normal_(0, 0.02).shape
        (2, 3)
        """
        self._check_inplace("normal_")
        self._fill_drawn(mean + std * _random.generator().standard_normal(self._data.shape),
                         "normal_")
        return self

    def _fill_drawn(self, values, who):
        t: Any = self
        if t._rg and _state.local.grad_enabled:
            # a recorded write: the gradient of the old values stops here, as torch
            t._write_all(values.astype(self._data.dtype, copy=False), who)
            return
        self._data[...] = values
        self._bump_version()

    def masked_fill_(self, mask: ArrayLike, value: ArrayLike) -> Self:
        """Method form of `tapegrad.masked_fill`, in place; returns this tensor.

        >>> tg.zeros(3).masked_fill_(tg.tensor([True, False, True]), 1.0)
        tensor([1., 0., 1.])
        """
        self._check_inplace("masked_fill_")
        t: Any = self
        return self.copy_(t.masked_fill(mask, value))

    def _new(self, arr, dtype, requires_grad):
        dt = as_dtype(dtype, "new_*")
        t = _wrap(self, np.asarray(arr, dtype=dt or self._data.dtype))
        if requires_grad:
            t.requires_grad = True
        return t

    def new_zeros(self, *size: Any, dtype: DTypeLike = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
        """Zeros of the given shape with this tensor's dtype (unless `dtype`).

        Args:
            *size: the shape, as ints or one tuple.
            dtype: the dtype (None: this tensor's).
            device: "cpu" or None.
            requires_grad: make a leaf that requires grad.

        >>> tg.ones(2, dtype=tg.float64).new_zeros(3)
        tensor([0., 0., 0.], dtype=float64)
        """
        check_device(device, "new_zeros")
        return self._new(np.zeros(_shape_args(size, "new_zeros")), dtype,
                         requires_grad)

    def new_ones(self, *size: Any, dtype: DTypeLike = None, device: Any = None,
                 requires_grad: bool = False) -> Tensor:
        """Ones of the given shape with this tensor's dtype (unless `dtype`).

        Args:
            *size: the shape, as ints or one tuple.
            dtype: the dtype (None: this tensor's).
            device: "cpu" or None.
            requires_grad: make a leaf that requires grad.

        >>> tg.zeros(1).new_ones(2, 2).shape
        (2, 2)
        """
        check_device(device, "new_ones")
        return self._new(np.ones(_shape_args(size, "new_ones")), dtype,
                         requires_grad)

    def new_empty(self, *size: Any, dtype: DTypeLike = None, device: Any = None,
                  requires_grad: bool = False) -> Tensor:
        """A new tensor of the given shape and this tensor's dtype (zero-filled).

        Args:
            *size: the shape, as ints or one tuple.
            dtype: the dtype (None: this tensor's).
            device: "cpu" or None.
            requires_grad: make a leaf that requires grad.

        >>> tg.zeros(1).new_empty(2).shape
        (2,)
        """
        return self.new_zeros(*size, dtype=dtype, device=device,
                              requires_grad=requires_grad)

    def new_full(self, size: Any, fill_value: Any, *, dtype: DTypeLike = None,
                 device: Any = None, requires_grad: bool = False) -> Tensor:
        """`fill_value` in the given shape, with this tensor's dtype (unless `dtype`).

        Args:
            size: the shape (a tuple).
            fill_value: the value.
            dtype: the dtype (None: this tensor's).
            device: "cpu" or None.
            requires_grad: make a leaf that requires grad.

        >>> tg.zeros(1).new_full((2,), 3.0)
        tensor([3., 3.])
        """
        check_device(device, "new_full")
        return self._new(np.full(_shape_args((size,), "new_full"), fill_value),
                         dtype, requires_grad)

    def new_tensor(self, data: Any, *, dtype: DTypeLike = None, device: Any = None,
                   requires_grad: bool = False) -> Tensor:
        """A new tensor holding a copy of `data`, with this tensor's dtype (unless
        `dtype`).

        Args:
            data: a tensor, array, list or number.
            dtype: the dtype (None: this tensor's).
            device: "cpu" or None.
            requires_grad: make a leaf that requires grad.

        >>> tg.zeros(1, dtype=tg.float64).new_tensor([1, 2])
        tensor([1., 2.], dtype=float64)
        """
        check_device(device, "new_tensor")
        data = getattr(data, "_data", data)
        if type(data) is not np.ndarray and hasattr(data, "_vm"):
            # tg.vmap's placeholder holds no values: one example at a time
            raise BatchEscape("vmap: new_tensor() of a batched tensor")
        return self._new(np.array(data), dtype, requires_grad)

    def equal(self, other: ArrayLike) -> bool:
        """Method form of `tapegrad.equal`: True when other has this shape and these
        elements (a Python bool).

        >>> tg.tensor([1, 2]).equal(tg.tensor([1, 2]))
        True
        """
        o = np.asarray(raw_values(getattr(other, "_data", other), "equal"))
        return o.shape == self._data.shape and bool(np.array_equal(self._data, o))

    def allclose(self, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
                 equal_nan: bool = False) -> bool:
        """Method form of `tapegrad.allclose`.

        >>> tg.tensor([1.0]).allclose(tg.tensor([1.0 + 1e-9]))
        True
        """
        o = np.asarray(raw_values(getattr(other, "_data", other), "allclose"))
        return bool(np.allclose(self._data, o, rtol=rtol, atol=atol, equal_nan=equal_nan))

    def isnan(self) -> Tensor:
        """Method form of `tapegrad.isnan`.

        >>> tg.tensor([float("nan"), 1.0]).isnan()
        tensor([ True, False])
        """
        return _wrap(self, np.isnan(self._data))

    def isinf(self) -> Tensor:
        """Method form of `tapegrad.isinf`.

        >>> tg.tensor([float("inf"), 1.0]).isinf()
        tensor([ True, False])
        """
        return _wrap(self, np.isinf(self._data))

    def isfinite(self) -> Tensor:
        """Method form of `tapegrad.isfinite`.

        >>> tg.tensor([float("inf"), 1.0]).isfinite()
        tensor([False,  True])
        """
        return _wrap(self, np.isfinite(self._data))

    def nonzero(self, *, as_tuple: bool = False) -> Any:
        """Method form of `tapegrad.nonzero`.

        >>> tg.tensor([0, 5]).nonzero()
        tensor([[1]])
        """
        idx = [_wrap(self, i.astype(np.int64)) for i in np.nonzero(self._data)]
        if as_tuple or numpy_caller():  # NumPy-style code: a tuple of index arrays
            return tuple(idx)
        return _wrap(self, np.stack([i._data for i in idx], axis=1) if idx
                    else np.zeros((0, 0), np.int64))

    def is_floating_point(self) -> bool:
        """Method form of `tapegrad.is_floating_point`.

        >>> tg.tensor([1]).is_floating_point()
        False
        """
        return self._data.dtype.kind == "f"

    def nelement(self) -> int:
        """The number of elements (= numel()).

        >>> tg.zeros(2, 3).nelement()
        6
        """
        return int(self._data.size)

    def element_size(self) -> int:
        """Bytes per element.

        >>> tg.zeros(2, dtype=tg.float64).element_size()
        8
        """
        return int(self._data.itemsize)

    @property
    def is_cuda(self) -> bool:
        """Always False: tapegrad runs on the CPU.

        >>> tg.zeros(1).is_cuda
        False
        """
        return False

    def reciprocal(self) -> Tensor:
        """Method form of `tapegrad.reciprocal`.

        >>> tg.tensor([2.0]).reciprocal()
        tensor([0.5000])
        """
        t: Any = self
        return 1 / t

    def rsqrt(self) -> Tensor:
        """Method form of `tapegrad.rsqrt`: 1 / sqrt(self), elementwise.

        >>> tg.tensor([4.0]).rsqrt()
        tensor([0.5000])
        """
        t: Any = self
        return 1 / t.sqrt()

    def mv(self, vec: ArrayLike) -> Tensor:
        """Method form of `tapegrad.mv`: matrix (self, 2-d) times vector (1-d).

        >>> tg.eye(2).mv(tg.tensor([1.0, 2.0]))
        tensor([1., 2.])
        """
        if self._data.ndim != 2 or np.ndim(getattr(vec, "_data", vec)) != 1:
            raise ValueError(f"mv: expected a 2-d tensor and a 1-d vec, got shapes "
                             f"{self._data.shape} and {np.shape(getattr(vec, '_data', vec))}")
        t: Any = self
        return t.matmul(vec)

    def lerp(self, end: ArrayLike, weight: ArrayLike) -> Tensor:
        """Method form of `tapegrad.lerp`: self + weight * (end - self).

        >>> tg.tensor([0.0]).lerp(tg.tensor([10.0]), 0.25)
        tensor([2.5000])
        """
        t: Any = self
        return t + weight * (end - t)

    def masked_select(self, mask: ArrayLike) -> Tensor:
        """Method form of `tapegrad.masked_select`.

        >>> tg.tensor([1.0, 2.0]).masked_select(tg.tensor([False, True]))
        tensor([2.])
        """
        m = getattr(mask, "_data", mask)
        if not isinstance(m, np.ndarray):   # tg.vmap's placeholder stays one (no values)
            m = np.asarray(m)
        if m.dtype != np.bool_:
            raise TypeError(f"masked_select: mask must be a bool tensor, got dtype {m.dtype}")
        shape = np.broadcast_shapes(self._data.shape, m.shape)
        t: Any = self
        x = t if self._data.shape == shape else t.broadcast_to(shape)
        return x[np.broadcast_to(m, shape)]

    def is_contiguous(self, memory_format: Any = None) -> bool:
        """Whether the memory is row-major, as PyTorch's (`contiguous()` copies when
        not; `stride()` still gives the row-major strides).

        Args:
            memory_format: accepted for PyTorch's signature.

        >>> tg.zeros(2, 3).is_contiguous(), tg.zeros(2, 3).t().is_contiguous()
        (True, False)
        """
        return bool(self._data.flags.c_contiguous)

    def stride(self, dim: int | None = None) -> Any:
        """The row-major strides in elements (as PyTorch's for a contiguous tensor); with
        `dim`, the stride of that dimension.

        Args:
            dim: a dimension (None: all of them, as a tuple).

        >>> tg.zeros(2, 3, 4).stride()
        (12, 4, 1)
        """
        shape = self._data.shape
        out = []
        step = 1
        for n in reversed(shape):
            out.append(step)
            step *= max(n, 1)
        strides = tuple(reversed(out))
        if dim is None:
            return strides
        if not -len(shape) <= dim < max(len(shape), 1):
            raise IndexError(f"stride: dim {dim} is out of range for {len(shape)} "
                             "dimension(s)")
        return strides[dim] if shape else 1

    # ---------------------------------------- torch's functions in method form
    def ndimension(self) -> int:
        """The number of dimensions (torch's old spelling of `dim()`).

        >>> tg.zeros(2, 3).ndimension()
        2
        """
        return self._data.ndim

    def absolute(self) -> Tensor:
        """Alias of `abs()`.

        >>> tg.tensor([-1.5]).absolute()
        tensor([1.5000])
        """
        return top.abs(self)

    def negative(self) -> Tensor:
        """Alias of `neg()`.

        >>> tg.tensor([2.0]).negative()
        tensor([-2.])
        """
        return top.negative(self)

    def divide(self, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
        """Method form of `tapegrad.divide` (torch's `rounding_mode` included).

        Args:
            other: the divisor.
            rounding_mode: None, "trunc" or "floor".

        >>> tg.tensor([7.0]).divide(2.0, rounding_mode="floor")
        tensor([3.])
        """
        return top.divide(self, other, rounding_mode=rounding_mode)

    def greater(self, other: ArrayLike) -> Tensor:
        """Alias of `self > other`.

        Args:
            other: the right-hand side.

        >>> tg.tensor([1.0, 3.0]).greater(2.0)
        tensor([False,  True])
        """
        return top.greater(self, other)

    def sgn(self) -> Tensor:
        """The sign (for real tensors the same as `sign()`).

        >>> tg.tensor([-2.0, 0.0, 3.0]).sgn()
        tensor([-1.,  0.,  1.])
        """
        return top.sgn(self) if hasattr(top, "sgn") else top.sign(self)

    def signbit(self) -> Tensor:
        """Whether the sign bit is set (True for -0.0 too); a bool tensor, no gradient.

        >>> tg.tensor([-0.0, 1.0]).signbit()
        tensor([ True, False])
        """
        return _wrap(self, np.signbit(self._data))

    def frac(self) -> Tensor:
        """The fractional part, self - trunc(self) (gradient 1, as torch).

        >>> tg.tensor([2.5, -1.25]).frac()
        tensor([ 0.5000, -0.2500])
        """
        t: Any = self
        return t - top.trunc(t)

    def addcmul(self, tensor1: ArrayLike, tensor2: ArrayLike, *, value: float = 1) -> Tensor:
        """self + value * tensor1 * tensor2 (`tapegrad.addcmul`).

        Args:
            tensor1: the first factor.
            tensor2: the second factor.
            value: the scale of the product.

        >>> tg.tensor([1.0]).addcmul(tg.tensor([2.0]), tg.tensor([3.0]), value=0.5)
        tensor([4.])
        """
        return top.addcmul(self, tensor1, tensor2, value=value)

    def addcdiv(self, tensor1: ArrayLike, tensor2: ArrayLike, *, value: float = 1) -> Tensor:
        """self + value * tensor1 / tensor2 (`tapegrad.addcdiv`).

        Args:
            tensor1: the numerator.
            tensor2: the denominator.
            value: the scale of the quotient.

        >>> tg.tensor([1.0]).addcdiv(tg.tensor([2.0]), tg.tensor([4.0]), value=2)
        tensor([2.])
        """
        return top.addcdiv(self, tensor1, tensor2, value=value)

    def addmm(self, mat1: ArrayLike, mat2: ArrayLike, *, beta: float = 1,
              alpha: float = 1) -> Tensor:
        """beta * self + alpha * (mat1 @ mat2) (`tapegrad.addmm`).

        Args:
            mat1: the left matrix.
            mat2: the right matrix.
            beta: the scale of self.
            alpha: the scale of the product.

        >>> tg.zeros(1, 1).addmm(tg.ones(1, 2), tg.ones(2, 1))
        tensor([[2.]])
        """
        return top.addmm(self, mat1, mat2, beta=beta, alpha=alpha)

    def outer(self, vec2: ArrayLike) -> Tensor:
        """The outer product with `vec2` (`tapegrad.outer`).

        Args:
            vec2: the second vector.

        >>> tg.tensor([1.0, 2.0]).outer(tg.tensor([3.0]))
        tensor([[3.],
                [6.]])
        """
        return top.outer(self, vec2)

    ger = outer

    def where(self, condition: ArrayLike, y: ArrayLike) -> Tensor:
        """self where `condition`, else `y` (torch's `x.where(condition, y)`).

        Args:
            condition: a bool tensor; True takes self.
            y: the values where condition is False.

        >>> tg.tensor([1.0, 2.0]).where(tg.tensor([True, False]), 0.0)
        tensor([1., 0.])
        """
        return top.where(condition, self, y)

    def isclose(self, other: ArrayLike, rtol: float = 1e-05, atol: float = 1e-08,
                equal_nan: bool = False) -> Tensor:
        """Elementwise closeness, as `tapegrad.isclose`.

        Args:
            other: the tensor to compare with.
            rtol: the relative tolerance.
            atol: the absolute tolerance.
            equal_nan: count two NaNs as close.

        >>> tg.tensor([1.0, 2.0]).isclose(tg.tensor([1.0, 2.1]))
        tensor([ True, False])
        """
        return top.isclose(self, other, rtol=rtol, atol=atol, equal_nan=equal_nan)

    def logical_and(self, other: ArrayLike) -> Tensor:
        """Elementwise logical and, a bool tensor.

        Args:
            other: the other operand.

        >>> tg.tensor([1, 0]).logical_and(tg.tensor([1, 1]))
        tensor([ True, False])
        """
        return top.logical_and(self, other)

    def logical_or(self, other: ArrayLike) -> Tensor:
        """Elementwise logical or, a bool tensor.

        Args:
            other: the other operand.

        >>> tg.tensor([1, 0]).logical_or(tg.tensor([0, 0]))
        tensor([ True, False])
        """
        return top.logical_or(self, other)

    def logical_not(self) -> Tensor:
        """Elementwise logical not, a bool tensor.

        >>> tg.tensor([1, 0]).logical_not()
        tensor([False,  True])
        """
        return top.logical_not(self)

    def argwhere(self) -> Tensor:
        """The indices of nonzero entries, one row each (`tapegrad.argwhere`).

        >>> tg.tensor([0.0, 2.0, 3.0]).argwhere()
        tensor([[1],
                [2]])
        """
        return top.argwhere(self)

    def count_nonzero(self, dim: Any = None) -> Tensor:
        """How many entries are nonzero (`tapegrad.count_nonzero`).

        Args:
            dim: the dimension(s) to count along (None: all).

        >>> tg.tensor([0.0, 2.0, 3.0]).count_nonzero()
        tensor(2)
        """
        return top.count_nonzero(self, dim)

    def take_along_axis(self, indices: ArrayLike, axis: int) -> Tensor:
        """Method form of `tapegrad.take_along_axis`.

        Args:
            indices: integer indices, shaped as self but along axis.
            axis: the axis to take along.

        >>> tg.tensor([[1.0, 2.0]]).take_along_axis(tg.tensor([[1]]), 1)
        tensor([[2.]])
        """
        return top.take_along_axis(self, indices, axis)

    def unique(self, sorted: bool = True, return_inverse: bool = False,
               return_counts: bool = False, dim: int | None = None) -> Any:
        """The distinct values (`tapegrad.unique`, torch's arguments).

        Args:
            sorted: return the values sorted.
            return_inverse: also return where each entry's value sits in the result.
            return_counts: also return how often each value occurs.
            dim: the dimension along which slices are compared (None: values).

        >>> tg.tensor([2, 1, 2]).unique()
        tensor([1, 2])
        """
        return top.unique(self, sorted=sorted, return_inverse=return_inverse,
                          return_counts=return_counts, dim=dim)

    def multinomial(self, num_samples: int, replacement: bool = False, *,
                    generator: Any = None) -> Tensor:
        """Draw indices with the probabilities in self (`tapegrad.multinomial`).

        Args:
            num_samples: how many indices to draw per row.
            replacement: draw with replacement.
            generator: a tg.Generator to draw from (None: the global one).

        >>> _ = tg.manual_seed(0)
        >>> tg.tensor([0.0, 1.0]).multinomial(1)
        tensor([1])
        """
        return top.multinomial(self, num_samples, replacement, generator=generator)

    def bernoulli(self, *, generator: Any = None) -> Tensor:
        """0/1 draws with the probabilities in self (`tapegrad.bernoulli`).

        Args:
            generator: a tg.Generator to draw from (None: the global one).

        >>> tg.tensor([0.0, 1.0]).bernoulli()
        tensor([0., 1.])
        """
        return top.bernoulli(self, generator=generator)

    def hsplit(self, sections: Any) -> Any:
        """Method form of `tapegrad.hsplit`.

        Args:
            sections: a number of equal parts or a list of split indices.

        >>> [t.shape for t in tg.zeros(2, 4).hsplit(2)]
        [(2, 2), (2, 2)]
        """
        return top.hsplit(self, sections)

    def vsplit(self, sections: Any) -> Any:
        """Method form of `tapegrad.vsplit`.

        Args:
            sections: a number of equal parts or a list of split indices.

        >>> [t.shape for t in tg.zeros(4, 2).vsplit(2)]
        [(2, 2), (2, 2)]
        """
        return top.vsplit(self, sections)

    def dsplit(self, sections: Any) -> Any:
        """Method form of `tapegrad.dsplit`.

        Args:
            sections: a number of equal parts or a list of split indices.

        >>> [t.shape for t in tg.zeros(1, 1, 4).dsplit(2)]
        [(1, 1, 2), (1, 1, 2)]
        """
        return top.dsplit(self, sections)

    def get_device(self) -> int:
        """-1: a CPU tensor (torch's answer for CPU).

        >>> tg.zeros(1).get_device()
        -1
        """
        return -1

    def pin_memory(self) -> Tensor:
        """This tensor (pinned memory is for GPU transfers; there is no GPU here).

        >>> tg.zeros(1).pin_memory().shape
        (1,)
        """
        t: Any = self
        return t

