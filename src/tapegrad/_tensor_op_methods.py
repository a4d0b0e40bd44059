"""Tensor methods that are one call into an op family's public function, in PyTorch's
spellings (NumPy's keywords accepted where NumPy has the method): scans and sorting,
shape rearranging, elementwise math, linear algebra, special functions, triangles,
gathers and products. `Tensor` (_tensor.py) derives from `OpMethods`."""
from ._tensor_methods import _shape_args

# the ops package, set by _tensor.use_ops (an upward edge, looked up at call time)
ops = None


class OpMethods:
    """Methods only (no slots of its own, so no instance dict)."""

    __slots__ = ()

    # scans, sorting and order statistics: PyTorch's spellings, NumPy's keywords accepted
    def cumsum(self, axis=None, dtype=None, out=None, *, dim=None):
        x = self._reduce_input("cumsum", out=out)
        return ops.cumsum(x, axis, dtype, dim=dim)

    def cumprod(self, axis=None, dtype=None, out=None, *, dim=None):
        x = self._reduce_input("cumprod", out=out)
        return ops.cumprod(x, axis, dtype, dim=dim)

    def logcumsumexp(self, dim=None, *, axis=None):
        return ops.logcumsumexp(self, axis, dim=dim)

    def cummax(self, dim=None, *, axis=None):
        return ops.cummax(self, dim, axis=axis)

    def cummin(self, dim=None, *, axis=None):
        return ops.cummin(self, dim, axis=axis)

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        return ops.diff(self, n, dim, prepend, append)

    def sort(self, dim=-1, descending=False, stable=False):
        """(values, indices) as torch.Tensor.sort (not in place, unlike ndarray.sort)."""
        return ops.sort(self, dim, descending, stable)

    def argsort(self, axis=-1, kind=None, *, dim=None, descending=False, stable=False):
        return ops.argsort(self, axis, kind, dim=dim, descending=descending, stable=stable)

    def topk(self, k, dim=-1, largest=True, sorted=True):
        return ops.topk(self, k, dim, largest, sorted)

    def median(self, *args, **kwargs):
        return ops.median(self, *args, **kwargs)

    def nanmedian(self, *args, **kwargs):
        return ops.nanmedian(self, *args, **kwargs)

    def kthvalue(self, k, dim=-1, keepdim=False):
        return ops.kthvalue(self, k, dim, keepdim)

    def quantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return ops.quantile(self, q, dim, keepdim, interpolation=interpolation)

    def nanquantile(self, q, dim=None, keepdim=False, *, interpolation="linear"):
        return ops.nanquantile(self, q, dim, keepdim, interpolation=interpolation)

    def nansum(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.nansum(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def nanmean(self, axis=None, keepdims=False, *, dim=None, keepdim=None):
        return ops.nanmean(self, axis, keepdims, dim=dim, keepdim=keepdim)

    def ptp(self, axis=None, keepdims=False):
        return ops.ptp(self, axis, keepdims)

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

    # shape rearranging, PyTorch's methods (ops/arrange.py)
    def flip(self, *args, dims=None):
        if args and dims is not None:
            raise TypeError("flip: give dims positionally or as dims=, not both")
        if args:
            dims = args[0] if len(args) == 1 else args     # x.flip(0, 1) or x.flip((0, 1))
        elif dims is None:
            raise TypeError("flip: missing dims (an int or a tuple of ints)")
        return ops.flip(self, dims=dims)

    def fliplr(self):
        return ops.fliplr(self)

    def flipud(self):
        return ops.flipud(self)

    def roll(self, shifts, dims=None):
        return ops.roll(self, shifts, dims)

    def rot90(self, k=1, dims=(0, 1)):
        return ops.rot90(self, k, dims)

    def repeat(self, *sizes, axis=None):
        """PyTorch's repeat: tile x `sizes[i]` times along axis i. Given `axis=`, NumPy's
        ndarray.repeat (each element repeated; also tg.repeat_interleave)."""
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

    def tile(self, *dims):
        return ops.tile(self, _shape_args(dims, "tile", "dims"))

    def repeat_interleave(self, repeats, dim=None, *, output_size=None):
        return ops.repeat_interleave(self, repeats, dim, output_size=output_size)

    def movedim(self, source, destination):
        return ops.movedim(self, source, destination)

    moveaxis = movedim

    def unbind(self, dim=0):
        return ops.unbind(self, dim)

    def narrow(self, dim, start, length):
        return ops.narrow(self, dim, start, length)

    def swapdims(self, dim0, dim1):
        return ops.swapdims(self, dim0, dim1)

    def unflatten(self, dim, sizes):
        return ops.unflatten(self, dim, sizes)

    def chunk(self, chunks, dim=0):
        return ops.chunk(self, chunks, dim)

    def tensor_split(self, indices_or_sections, dim=0):
        return ops.tensor_split(self, indices_or_sections, dim)

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

    # elementwise math (ops/mathfns.py), PyTorch's method names
    def asin(self):
        return ops.arcsin(self)

    arcsin = asin

    def acos(self):
        return ops.arccos(self)

    arccos = acos

    def atan(self):
        return ops.arctan(self)

    arctan = atan

    def atan2(self, other):
        return ops.arctan2(self, other)

    arctan2 = atan2

    def asinh(self):
        return ops.arcsinh(self)

    arcsinh = asinh

    def acosh(self):
        return ops.arccosh(self)

    arccosh = acosh

    def atanh(self):
        return ops.arctanh(self)

    arctanh = atanh

    def exp2(self):
        return ops.exp2(self)

    def hypot(self, other):
        return ops.hypot(self, other)

    def logaddexp(self, other):
        return ops.logaddexp(self, other)

    def logaddexp2(self, other):
        return ops.logaddexp2(self, other)

    def sinc(self):
        return ops.sinc(self)

    def floor(self):
        return ops.floor(self)

    def ceil(self):
        return ops.ceil(self)

    def round(self, decimals=0):
        return ops.round(self, decimals)

    def trunc(self):
        return ops.trunc(self)

    def fix(self):
        return ops.fix(self)

    def fmax(self, other):
        return ops.fmax(self, other)

    def fmin(self, other):
        return ops.fmin(self, other)

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        return ops.nan_to_num(self, nan, posinf, neginf)

    def deg2rad(self):
        return ops.deg2rad(self)

    def rad2deg(self):
        return ops.rad2deg(self)

    def copysign(self, other):
        return ops.copysign(self, other)

    def heaviside(self, values):
        return ops.heaviside(self, values)

    def positive(self):
        return ops.positive(self)

    def float_power(self, exponent):
        return ops.float_power(self, exponent)
    # linear algebra, as PyTorch's Tensor methods (tg.linalg has the functions)
    def inverse(self):
        return ops.linalg_fns.inv(self)

    def det(self):
        return ops.linalg_fns.det(self)

    def logdet(self):
        return ops.linalg_fns.logdet(self)

    def slogdet(self):
        return ops.linalg_fns.slogdet(self)

    def cholesky(self, upper=False):
        return ops.linalg_fns.cholesky(self, upper=upper)

    def cholesky_solve(self, L, upper=False):
        return ops.linalg_fns.cholesky_solve(self, L, upper)

    def matrix_power(self, n):
        return ops.linalg_fns.matrix_power(self, n)

    def matrix_exp(self):
        return ops.linalg_fns.matrix_exp(self)

    def pinverse(self, rcond=1e-15):
        return ops.linalg_fns.pinv(self, rtol=rcond)
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

    # triangles, diagonals, gather/scatter and products (ops/indexing.py, ops/products.py)
    def tril(self, diagonal=0):
        return ops.tril(self, diagonal)

    def triu(self, diagonal=0):
        return ops.triu(self, diagonal)

    def diagonal(self, offset=0, axis1=0, axis2=1, *, dim1=None, dim2=None):
        return ops.diagonal(self, offset, axis1, axis2, dim1=dim1, dim2=dim2)

    def diag(self, diagonal=0):
        return ops.diag(self, diagonal)

    def diag_embed(self, offset=0, dim1=-2, dim2=-1):
        return ops.diag_embed(self, offset, dim1, dim2)

    def trace(self, offset=0, axis1=0, axis2=1):
        return ops.trace(self, offset, axis1, axis2)

    def take(self, indices, axis=None):
        return ops.take(self, indices, axis)

    def take_along_dim(self, indices, dim=None):
        return ops.take_along_dim(self, indices, dim)

    def gather(self, dim, index):
        return ops.gather(self, dim, index)

    def scatter_add(self, dim, index, src):
        return ops.scatter_add(self, dim, index, src)

    def scatter(self, dim, index, src=None, *, value=None):
        return ops.scatter(self, dim, index, src, value=value)

    def index_select(self, dim, index):
        return ops.index_select(self, dim, index)

    def index_add(self, dim, index, source, *, alpha=1):
        return ops.index_add(self, dim, index, source, alpha=alpha)

    def masked_fill(self, mask, value):
        return ops.masked_fill(self, mask, value)

    def select(self, dim, index):
        return ops.select(self, dim, index)

    def mm(self, mat2):
        return ops.mm(self, mat2)

    def bmm(self, mat2):
        return ops.bmm(self, mat2)

    def t(self):
        """The transpose of a matrix; 0-d and 1-d tensors come back as they are (PyTorch)."""
        if self._data.ndim > 2:
            raise ValueError(f"t: expects a tensor with at most 2 dimensions, got shape "
                             f"{self._data.shape}; use transpose or mT")
        return ops.transpose(self) if self._data.ndim == 2 else self

    def inner(self, other):
        return ops.inner(self, other)

    def vdot(self, other):
        return ops.vdot(self, other)

    def kron(self, other):
        return ops.kron(self, other)

    def cross(self, other, dim=None):
        return ops.cross(self, other, dim)
