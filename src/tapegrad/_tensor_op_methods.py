"""Tensor methods that are one call into an op family's public function, in PyTorch's
spellings (NumPy's keywords accepted where NumPy has the method): scans and sorting,
shape rearranging, elementwise math, linear algebra, special functions, triangles,
gathers and products. `Tensor` (_tensor.py) derives from `OpMethods`."""
from __future__ import annotations

import numpy as np

from ._flavour import numpy_caller, numpy_inplace_caller
from ._tensor_methods import _shape_args, _shape_kw
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    import numpy as np
    from typing_extensions import Self

    from ._tensor import Tensor
    from ._typing import ArrayLike, Axis, DTypeLike, ShapeLike
    from ._results import (CummaxResult, CumminResult, KthvalueResult, ModeResult,
                           SlogdetResult, SortResult, TopkResult)

# the ops package, set by _tensor.use_ops (an upward edge, looked up at call time)
ops: Any = None


class OpMethods:
    """Methods only (no slots of its own, so no instance dict)."""

    __slots__ = ()

    if TYPE_CHECKING:
        # what Tensor (and TensorMethods) provide to these methods
        _data: np.ndarray

        @property
        def shape(self) -> tuple[int, ...]: ...
        @property
        def ndim(self) -> int: ...
        def _reduce_input(self, who: str, dtype: Any = None, out: Any = None) -> Tensor: ...

    # scans, sorting and order statistics: PyTorch's spellings, NumPy's keywords accepted
    def cumsum(self, axis: Axis = None, dtype: DTypeLike = None, out: Tensor | None = None, *,
               dim: Axis = None) -> Tensor:
        x = self._reduce_input("cumsum", out=out)
        return ops.cumsum(x, axis, np.float64 if dtype is float else dtype, dim=dim)

    def cumprod(self, axis: Axis = None, dtype: DTypeLike = None, out: Tensor | None = None, *,
                dim: Axis = None) -> Tensor:
        x = self._reduce_input("cumprod", out=out)
        return ops.cumprod(x, axis, np.float64 if dtype is float else dtype, dim=dim)

    def logcumsumexp(self, dim: Axis = None, *, axis: Axis = None) -> Tensor:
        return ops.logcumsumexp(self, axis, dim=dim)

    def cummax(self, dim: Axis = None, *, axis: Axis = None) -> CummaxResult:
        return ops.cummax(self, dim, axis=axis)

    def cummin(self, dim: Axis = None, *, axis: Axis = None) -> CumminResult:
        return ops.cummin(self, dim, axis=axis)

    def diff(self, n: int = 1, dim: Axis = -1, prepend: ArrayLike | None = None,
             append: ArrayLike | None = None) -> Tensor:
        return ops.diff(self, n, dim, prepend, append)

    def sort(self, dim: Axis = -1, descending: bool = False, stable: bool = False, *,
             axis: Axis = None, kind: str | None = None) -> SortResult:
        """(values, indices) as torch.Tensor.sort (not in place, unlike ndarray.sort). From
        code that binds tapegrad.numpy to np (NumPy's convention) it sorts in place and
        returns None, as ndarray.sort; bound to jnp, it returns the sorted values.

        Args:
            dim: the axis sorted along.
            descending: largest first.
            stable: keep the order of equal elements.

        >>> import tapegrad as tg
        >>> values, indices = tg.tensor([3.0, 1.0, 2.0]).sort()
        >>> values, indices
        (tensor([1., 2., 3.]), tensor([1, 2, 0]))
        """
        if axis is not None:    # NumPy's keywords (kind picks an algorithm: same values)
            dim = axis
        if numpy_caller() and not descending:
            if numpy_inplace_caller():          # NumPy's a.sort(): in place, gives None
                ops.setitem_(self, Ellipsis, ops.sort(ops.clone(self), axis=dim))
                return None                     # type: ignore[return-value]
            return ops.sort(self, axis=dim)     # jnp code: the sorted values
        return ops.sort(self, dim, descending, stable)

    def argsort(self, axis: Axis = -1, kind: str | None = None, *, dim: Axis = None,
                descending: bool = False, stable: bool = False) -> Tensor:
        return ops.argsort(self, axis, kind, dim=dim, descending=descending, stable=stable)

    def topk(self, k: int, dim: Axis = -1, largest: bool = True,
             sorted: bool = True) -> TopkResult:
        return ops.topk(self, k, dim, largest, sorted)

    def median(self, *args: Any, **kwargs: Any) -> Any:
        return ops.median(self, *args, **kwargs)

    def nanmedian(self, *args: Any, **kwargs: Any) -> Any:
        return ops.nanmedian(self, *args, **kwargs)

    def kthvalue(self, k: int, dim: Axis = -1, keepdim: bool = False) -> KthvalueResult:
        return ops.kthvalue(self, k, dim, keepdim)

    def mode(self, dim: Axis = -1, keepdim: bool = False) -> ModeResult:
        return ops.mode(self, dim, keepdim)

    def quantile(self, q: ArrayLike, dim: Axis = None, keepdim: bool = False, *,
                 interpolation: str = "linear") -> Tensor:
        return ops.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q: ArrayLike, dim: Axis = None, keepdim: bool = False, *,
                    interpolation: str = "linear") -> Tensor:
        return ops.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def nansum(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
               keepdim: bool | None = None) -> Tensor:
        return ops.nansum(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def nanmean(self, axis: Axis = None, keepdims: bool = False, *, dim: Axis = None,
                keepdim: bool | None = None) -> Tensor:
        return ops.nanmean(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def ptp(self, axis: Axis = None, keepdims: bool = False) -> Tensor:
        return ops.ptp(self, axis, keepdims)

    def norm(self, ord: float | str = 2, axis: Axis = None, keepdims: bool = False, *,
             dim: Axis = None, keepdim: bool | None = None, p: Any = None) -> Tensor:
        return ops.norm(self, ord, axis, keepdims, dim=dim, keepdim=keepdim, p=p)

    def reshape(self, *shape: int | Sequence[int], **kw: Any) -> Tensor:
        order = kw.pop("order", "C")        # NumPy's a.reshape(..., order="F")
        if kw:      # torch's t.reshape(shape=...), t.view(size=...)
            shape = (_shape_kw(kw, ("shape", "size"), "reshape"),)
        if order == "F":
            return ops.transpose(ops.reshape(ops.transpose(self), _shape_args(shape)[::-1]))
        if order != "C":
            raise ValueError(f"reshape: order must be 'C' or 'F', got {order!r}")
        return ops.reshape(self, _shape_args(shape))

    view = reshape

    def transpose(self, *axes: int | Sequence[int], dim0: int | None = None,
                  dim1: int | None = None) -> Tensor:
        if dim0 is not None or dim1 is not None:    # torch's keywords
            return ops.swapaxes(self, *axes, *(d for d in (dim0, dim1) if d is not None))
        if len(axes) == 2 and all(isinstance(a, int) for a in axes) and self.ndim != 2:
            return ops.swapaxes(self, *axes)
        if len(axes) == 2 and self.ndim == 2 and tuple(axes) in ((0, 1), (1, 0), (-1, -2),
                                                                 (-2, -1), (1, -1)):
            return ops.swapaxes(self, *axes)
        return ops.transpose(self, _shape_args(axes, "transpose", "axes") if axes else None)

    def permute(self, *axes: int | Sequence[int], **kw: Any) -> Tensor:
        if kw:      # torch's t.permute(dims=...)
            axes = (_shape_kw(kw, ("dims",), "permute"),)
        return ops.transpose(self, _shape_args(axes, "permute", "axes"))

    def swapaxes(self, axis0: int, axis1: int) -> Tensor:
        return ops.swapaxes(self, axis0, axis1)

    def squeeze(self, axis: Axis = None, *, dim: Axis = None) -> Tensor:
        return ops.squeeze(self, axis, dim=dim)

    def unsqueeze(self, dim: Axis) -> Tensor:
        return ops.unsqueeze(self, dim)

    def expand_dims(self, axis: Axis) -> Tensor:
        return ops.expand_dims(self, axis)

    def flatten(self, start_dim: int | str = 0, end_dim: int = -1, *,
                order: str | None = None) -> Tensor:
        if isinstance(start_dim, str) or order is not None:   # NumPy's a.flatten(order)
            order = start_dim if order is None else order
            if order not in ("C", "F", "K", "A"):
                raise ValueError(f"flatten: order must be 'C', 'F', 'K' or 'A', got {order!r}")
            return ops.reshape(ops.transpose(self) if order == "F" else self, (-1,))
        return ops.flatten(self, start_dim, end_dim)

    def broadcast_to(self, shape: ShapeLike) -> Tensor:
        return ops.broadcast_to(self, shape)

    def expand(self, *shape: int | Sequence[int], **kw: Any) -> Tensor:
        if kw:      # torch's t.expand(size=...)
            shape = (_shape_kw(kw, ("size",), "expand"),)
        shape = _shape_args(shape, "expand")
        shape = tuple(s if s != -1 else self.shape[i - len(shape) + self.ndim]
                      for i, s in enumerate(shape))
        return ops.broadcast_to(self, shape)

    def split(self, split_size_or_sections: int | Sequence[int], axis: Axis = 0, *,
              dim: Axis = None) -> list[Tensor]:
        return ops.split(self, split_size_or_sections, axis, dim=dim)

    # shape rearranging, PyTorch's methods (ops/arrange.py)
    def flip(self, *args: Any, dims: Axis = None) -> Tensor:
        if args and dims is not None:
            raise TypeError("flip: give dims positionally or as dims=, not both")
        if args:
            dims = args[0] if len(args) == 1 else args     # x.flip(0, 1) or x.flip((0, 1))
        elif dims is None:
            raise TypeError("flip: missing dims (an int or a tuple of ints)")
        return ops.flip(self, dims=dims)

    def fliplr(self) -> Tensor:
        return ops.fliplr(self)

    def flipud(self) -> Tensor:
        return ops.flipud(self)

    def roll(self, shifts: int | Sequence[int], dims: Axis = None) -> Tensor:
        return ops.torch_roll(self, shifts, dims)

    def rot90(self, k: int = 1, dims: Axis = (0, 1)) -> Tensor:
        return ops.rot90(self, k, dims)

    def repeat(self, *sizes: int | Sequence[int], axis: Axis = None) -> Tensor:
        """PyTorch's repeat: tile x `sizes[i]` times along axis i. Given `axis=`, NumPy's
        ndarray.repeat (each element repeated; also tg.repeat_interleave).

        Args:
            *sizes: one count per axis (at least x.ndim of them; extra ones add leading
                axes), as ints or one sequence.
            axis: NumPy's form: the axis each element is repeated along, with one repeats
                argument.

        >>> import tapegrad as tg
        >>> x = tg.tensor([1.0, 2.0])
        >>> x.repeat(2), x.repeat(2, axis=0)
        (tensor([1., 2., 1., 2.]), tensor([1., 1., 2., 2.]))
        """
        if axis is None and len(sizes) == 1 and numpy_caller():
            return ops.repeat(self, sizes[0], None)     # NumPy-style code: ndarray.repeat
        if axis is not None:
            if len(sizes) != 1:
                raise TypeError(f"repeat: with axis=, give one repeats argument, got "
                                f"{len(sizes)}")
            return ops.repeat(self, sizes[0], axis)
        sizes = _shape_args(sizes, "repeat", "sizes")
        if len(sizes) < self.ndim:
            raise ValueError(f"repeat: give at least one size per dimension ({self.ndim}), "
                             f"got {sizes}")
        return ops.tile(self, sizes)

    def tile(self, *dims: int | Sequence[int]) -> Tensor:
        return ops.tile(self, _shape_args(dims, "tile", "dims"))

    def repeat_interleave(self, repeats: int | ArrayLike, dim: Axis = None, *,
                          output_size: int | None = None) -> Tensor:
        return ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    def movedim(self, source: Axis, destination: Axis) -> Tensor:
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def unbind(self, dim: Axis = 0) -> tuple[Tensor, ...]:
        return ops.unbind(self, dim)

    def narrow(self, dim: Axis, start: int, length: int) -> Tensor:
        return ops.narrow(self, dim, start, length)

    def swapdims(self, dim0: int, dim1: int) -> Tensor:
        return ops.swapdims(self, dim0, dim1)

    def unflatten(self, dim: Axis, sizes: ShapeLike) -> Tensor:
        return ops.unflatten(self, dim, sizes)

    def chunk(self, chunks: int, dim: Axis = 0) -> tuple[Tensor, ...]:
        return ops.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections: int | Sequence[int],
                     dim: Axis = 0) -> tuple[Tensor, ...]:
        return ops.tensor_split(self, indices_or_sections, dim)

    def exp(self) -> Tensor:
        return ops.exp(self)

    def log(self) -> Tensor:
        return ops.log(self)

    def log1p(self) -> Tensor:
        return ops.log1p(self)

    def sqrt(self) -> Tensor:
        return ops.sqrt(self)

    def square(self) -> Tensor:
        return ops.square(self)

    def abs(self) -> Tensor:
        return ops.abs(self)

    def sign(self) -> Tensor:
        return ops.sign(self)

    def sin(self) -> Tensor:
        return ops.sin(self)

    def cos(self) -> Tensor:
        return ops.cos(self)

    def tan(self) -> Tensor:
        return ops.tan(self)

    def tanh(self) -> Tensor:
        return ops.tanh(self)

    def sigmoid(self) -> Tensor:
        return ops.sigmoid(self)

    def relu(self) -> Tensor:
        return ops.relu(self)

    def softmax(self, axis: Axis = -1, *, dim: Axis = None,
                dtype: DTypeLike = None) -> Tensor:
        return ops.softmax(self, axis, dim=dim, dtype=dtype)

    def log_softmax(self, axis: Axis = -1, *, dim: Axis = None,
                    dtype: DTypeLike = None) -> Tensor:
        return ops.log_softmax(self, axis, dim=dim, dtype=dtype)

    # operands named as torch's methods name them (t.pow(exponent=2), t.matmul(other=w))
    def pow(self, exponent: ArrayLike) -> Tensor:
        return ops.pow(self, exponent)

    def matmul(self, other: ArrayLike) -> Tensor:
        return ops.matmul(self, other)

    def dot(self, tensor: ArrayLike) -> Tensor:
        return ops.dot(self, tensor)

    def clip(self, min: ArrayLike | None = None, max: ArrayLike | None = None) -> Tensor:
        return ops.clip(self, min, max)

    clamp = clip

    def maximum(self, other: ArrayLike) -> Tensor:
        return ops.maximum(self, other)

    def minimum(self, other: ArrayLike) -> Tensor:
        return ops.minimum(self, other)

    # elementwise math (ops/mathfns.py), PyTorch's method names
    def asin(self) -> Tensor:
        return ops.arcsin(self)

    arcsin = asin

    def acos(self) -> Tensor:
        return ops.arccos(self)

    arccos = acos

    def atan(self) -> Tensor:
        return ops.arctan(self)

    arctan = atan

    def atan2(self, other: ArrayLike) -> Tensor:
        return ops.arctan2(self, other)

    arctan2 = atan2

    def asinh(self) -> Tensor:
        return ops.arcsinh(self)

    arcsinh = asinh

    def acosh(self) -> Tensor:
        return ops.arccosh(self)

    arccosh = acosh

    def atanh(self) -> Tensor:
        return ops.arctanh(self)

    arctanh = atanh

    def exp2(self) -> Tensor:
        return ops.exp2(self)

    def hypot(self, other: ArrayLike) -> Tensor:
        return ops.hypot(self, other)

    def logaddexp(self, other: ArrayLike) -> Tensor:
        return ops.logaddexp(self, other)

    def logaddexp2(self, other: ArrayLike) -> Tensor:
        return ops.logaddexp2(self, other)

    def sinc(self) -> Tensor:
        return ops.sinc(self)

    def floor(self) -> Tensor:
        return ops.floor(self)

    def ceil(self) -> Tensor:
        return ops.ceil(self)

    def round(self, decimals: int = 0) -> Tensor:
        return ops.round(self, decimals)

    def __round__(self, ndigits: int | None = None) -> Tensor:
        # Python's round(x, n), a tensor as PyTorch's and JAX's (autograd gave a float64)
        return ops.round(self, 0 if ndigits is None else ndigits)

    def trunc(self) -> Tensor:
        return ops.trunc(self)

    def fix(self) -> Tensor:
        return ops.fix(self)

    def fmax(self, other: ArrayLike) -> Tensor:
        return ops.fmax(self, other)

    def fmin(self, other: ArrayLike) -> Tensor:
        return ops.fmin(self, other)

    def nan_to_num(self, nan: float = 0.0, posinf: float | None = None,
                   neginf: float | None = None) -> Tensor:
        return ops.nan_to_num(self, nan, posinf, neginf)

    def deg2rad(self) -> Tensor:
        return ops.deg2rad(self)

    def rad2deg(self) -> Tensor:
        return ops.rad2deg(self)

    def copysign(self, other: ArrayLike) -> Tensor:
        return ops.copysign(self, other)

    def heaviside(self, values: ArrayLike) -> Tensor:
        return ops.heaviside(self, values)

    def positive(self) -> Tensor:
        return ops.positive(self)

    def float_power(self, exponent: ArrayLike) -> Tensor:
        return ops.float_power(self, exponent)
    # linear algebra, as PyTorch's Tensor methods (tg.linalg has the functions)
    def inverse(self) -> Tensor:
        return ops.linalg_fns.inv(self)

    def det(self) -> Tensor:
        return ops.linalg_fns.det(self)

    def logdet(self) -> Tensor:
        return ops.linalg_fns.logdet(self)

    def slogdet(self) -> SlogdetResult:
        return ops.linalg_fns.slogdet(self)

    def cholesky(self, upper: bool = False) -> Tensor:
        return ops.linalg_fns.cholesky(self, upper=upper)

    def cholesky_solve(self, L: ArrayLike, upper: bool = False) -> Tensor:
        return ops.linalg_fns.cholesky_solve(self, L, upper)

    def matrix_power(self, n: int) -> Tensor:
        return ops.linalg_fns.matrix_power(self, n)

    def matrix_exp(self) -> Tensor:
        return ops.linalg_fns.matrix_exp(self)

    def pinverse(self, rcond: float = 1e-15) -> Tensor:
        return ops.linalg_fns.pinv(self, rtol=rcond)
    # special functions (ops/special.py), PyTorch's method names
    def lgamma(self) -> Tensor:
        return ops.lgamma(self)

    def digamma(self) -> Tensor:
        return ops.digamma(self)

    def polygamma(self, n: int) -> Tensor:
        return ops.polygamma(n, self)

    def erfc(self) -> Tensor:
        return ops.erfc(self)

    def erfinv(self) -> Tensor:
        return ops.erfinv(self)

    def logit(self, eps: float | None = None) -> Tensor:
        return ops.logit(self, eps)

    def xlogy(self, other: ArrayLike) -> Tensor:
        return ops.xlogy(self, other)

    def i0(self) -> Tensor:
        return ops.i0(self)

    def mvlgamma(self, p: int) -> Tensor:
        return ops.mvlgamma(self, p)

    # triangles, diagonals, gather/scatter and products (ops/indexing.py, ops/products.py)
    def tril(self, diagonal: int = 0) -> Tensor:
        return ops.tril(self, diagonal)

    def triu(self, diagonal: int = 0) -> Tensor:
        return ops.triu(self, diagonal)

    def diagonal(self, offset: int = 0, axis1: int = 0, axis2: int = 1, *, dim1: int | None = None,
                 dim2: int | None = None) -> Tensor:
        return ops.diagonal(self, offset, axis1, axis2, dim1=dim1, dim2=dim2)

    def diag(self, diagonal: int = 0) -> Tensor:
        return ops.diag(self, diagonal)

    def diag_embed(self, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
        return ops.diag_embed(self, offset, dim1, dim2)

    def trace(self, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
        return ops.trace(self, offset, axis1, axis2)

    def take(self, indices: ArrayLike, axis: Axis = None) -> Tensor:
        return ops.take(self, indices, axis)

    def take_along_dim(self, indices: ArrayLike, dim: Axis = None) -> Tensor:
        return ops.take_along_dim(self, indices, dim)

    def gather(self, dim: Axis, index: ArrayLike) -> Tensor:
        return ops.gather(self, dim, index)

    def scatter_add(self, dim: Axis, index: ArrayLike, src: ArrayLike) -> Tensor:
        return ops.scatter_add(self, dim, index, src)

    def scatter(self, dim: Axis, index: ArrayLike, src: ArrayLike | None = None, *,
                value: ArrayLike | None = None, reduce: str | None = None) -> Tensor:
        return ops.scatter(self, dim, index, src, value=value, reduce=reduce)

    def index_select(self, dim: Axis, index: ArrayLike) -> Tensor:
        return ops.index_select(self, dim, index)

    def index_add(self, dim: Axis, index: ArrayLike, source: Axis, *, alpha: float = 1) -> Tensor:
        return ops.index_add(self, dim, index, source, alpha=alpha)

    def masked_fill(self, mask: ArrayLike, value: ArrayLike) -> Tensor:
        return ops.masked_fill(self, mask, value)

    def select(self, dim: Axis, index: ArrayLike) -> Tensor:
        return ops.select(self, dim, index)

    def mm(self, mat2: ArrayLike) -> Tensor:
        return ops.mm(self, mat2)

    def bmm(self, mat2: ArrayLike) -> Tensor:
        return ops.bmm(self, mat2)

    def t(self) -> Self:
        """The transpose of a matrix; 0-d and 1-d tensors come back as they are (PyTorch).

        >>> import tapegrad as tg
        >>> tg.tensor([[1.0, 2.0]]).t()
        tensor([[1.],
                [2.]])
        """
        if self._data.ndim > 2:
            raise ValueError(f"t: expects a tensor with at most 2 dimensions, got shape "
                             f"{self._data.shape}; use transpose or mT")
        return ops.transpose(self) if self._data.ndim == 2 else self

    def inner(self, other: ArrayLike) -> Tensor:
        return ops.inner(self, other)

    def vdot(self, other: ArrayLike) -> Tensor:
        return ops.vdot(self, other)

    def kron(self, other: ArrayLike) -> Tensor:
        return ops.kron(self, other)

    def cross(self, other: ArrayLike, dim: Axis = None) -> Tensor:
        return ops.cross(self, other, dim)

    # PyTorch's method spellings of API.md's elementwise ops and comparisons
    def add(self, other: ArrayLike, *, alpha: Any = 1) -> Tensor:
        return ops.add(self, other if alpha == 1 else ops.mul(other, alpha))

    def sub(self, other: ArrayLike, *, alpha: Any = 1) -> Tensor:
        return ops.sub(self, other if alpha == 1 else ops.mul(other, alpha))

    def mul(self, other: ArrayLike) -> Tensor:
        return ops.mul(self, other)

    def div(self, other: ArrayLike, *, rounding_mode: str | None = None) -> Tensor:
        if rounding_mode is None:
            return ops.div(self, other)
        if rounding_mode == "floor":
            return ops.floor_divide(self, other)
        if rounding_mode == "trunc":
            return ops.mathfns._trunc_divide(self, other)
        raise ValueError(f"div: rounding_mode must be None, 'trunc' or 'floor', got "
                         f"{rounding_mode!r}")

    def true_divide(self, other: ArrayLike) -> Tensor:
        return ops.div(self, other)

    def floor_divide(self, other: ArrayLike) -> Tensor:
        return ops.floor_divide(self, other)

    def fmod(self, other: ArrayLike) -> Tensor:
        return ops.fmod(self, other)

    def remainder(self, other: ArrayLike) -> Tensor:
        return ops.remainder(self, other)

    def neg(self) -> Tensor:
        return ops.neg(self)

    def erf(self) -> Tensor:
        return ops.erf(self)

    def sinh(self) -> Tensor:
        return ops.sinh(self)

    def cosh(self) -> Tensor:
        return ops.cosh(self)

    def expm1(self) -> Tensor:
        return ops.expm1(self)

    def log2(self) -> Tensor:
        return ops.log2(self)

    def log10(self) -> Tensor:
        return ops.log10(self)

    def eq(self, other: ArrayLike) -> Tensor:
        return self == other        # type: ignore[return-value]

    def ne(self, other: ArrayLike) -> Tensor:
        return self != other        # type: ignore[return-value]

    def lt(self, other: ArrayLike) -> Tensor:
        return self < other         # type: ignore[operator, return-value]

    def le(self, other: ArrayLike) -> Tensor:
        return self <= other        # type: ignore[operator, return-value]

    def gt(self, other: ArrayLike) -> Tensor:
        return self > other         # type: ignore[operator, return-value]

    def ge(self, other: ArrayLike) -> Tensor:
        return self >= other        # type: ignore[operator, return-value]

    def expand_as(self, other: Tensor) -> Tensor:
        return ops.broadcast_to(self, tuple(other.shape))

    def view_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, tuple(other.shape))

    def reshape_as(self, other: Tensor) -> Tensor:
        return ops.reshape(self, tuple(other.shape))

    # ------------------------------------------------------------ copies
    def __deepcopy__(self, memo: dict[int, Any]) -> Tensor:
        """A new leaf with copied data (and grad); as PyTorch, only leaves can be copied."""
        src: Any = self             # a Tensor: its slots are Tensor's
        if src.grad_fn is not None:
            raise RuntimeError(
                "deepcopy: only leaf tensors (created by the user, not by an op) support "
                f"deepcopy; this one came from {src.grad_fn.name()}. Use .detach().clone()")
        new: Any = object.__new__(type(self))
        for cls in type(self).__mro__:
            for name in getattr(cls, "__slots__", ()):
                if name != "__weakref__" and hasattr(self, name):
                    object.__setattr__(new, name, getattr(self, name))
        new._data = src._data.copy()
        new.grad = None if src.grad is None else src.grad.__deepcopy__(memo)
        new._vc = new._fw = new._acc = new._x = None
        memo[id(self)] = new
        return new

    def __copy__(self) -> Tensor:
        return self.__deepcopy__({})
