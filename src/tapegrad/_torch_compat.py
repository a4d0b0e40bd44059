"""PyTorch's top-level spellings that ported tutorial programs use, over ops tapegrad
already has: predicates (all, any, allclose, equal, isnan, ...), comparisons by name,
factories (from_numpy, as_tensor, *_like, randperm, normal, bernoulli, multinomial,
empty, logspace) and small compositions (addmm, mv, lerp, rsqrt, addcmul, addcdiv,
masked_select). No derivative rule lives here: the differentiable ones are compositions
of recorded ops, the others return values only."""
from __future__ import annotations

import contextlib

import numpy as np

from . import _dtypes, _random, ops
from ._check import _got, check_written
from ._dtypes import as_dtype, check_device
from ._factories import linspace, tensor, zeros
from ._factories_base import _leaf
from ._state import no_grad
from ._tensor import Tensor, make
from ._equal import Equality, equal  # noqa: F401 - tg.equal (TF's and PyTorch's)
from ._factories_random import rand, randn
from .utils.data._rng import rng as _rng

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def _arr(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)


def _tensor_arg(x, fn, name="input"):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}: {name} must be a Tensor, got {_got(x)}")
    return x


def _num(x, fn, name):
    """x's values as an ndarray of real numbers; anything else raises naming fn."""
    if isinstance(x, Tensor):
        return x._data
    try:
        a = np.asarray(x)
    except (ValueError, TypeError) as e:
        raise ValueError(f"{fn}: {name} must be a number or tensor, got {_got(x)}") from e
    if a.dtype.kind not in "biuf":
        raise TypeError(f"{fn}: {name} must be a number or tensor, got {_got(x)}")
    return a


def _values(arr):
    """A result that carries no gradient (a bool mask, indices, a sample)."""
    return make(np.asarray(arr))


# ------------------------------------------------------------------ predicates
def _reduce_bool(fn, npfn, input, dim, keepdim):
    a = _arr(_tensor_arg(input, fn))
    r = npfn(a, axis=dim if dim is None or isinstance(dim, int) else tuple(dim),
             keepdims=keepdim)
    # torch keeps uint8 for a uint8 input (its masks before bool tensors existed)
    return _values(np.asarray(r).astype(np.uint8) if a.dtype == np.uint8 else r)


def all(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether every element is nonzero (over `dim`), as torch.all; a bool tensor.

    Args:
        input: a tensor.
        dim: an int or tuple of ints to reduce over (None: all elements).
        keepdim: keep the reduced axes with size 1.

    >>> tg.all(tg.tensor([1.0, 0.0]))
    tensor(False)
    """
    return _reduce_bool("all", np.all, input, dim, keepdim)


def any(input: Tensor, dim: Any = None, keepdim: bool = False) -> Tensor:
    """Whether some element is nonzero (over `dim`), as torch.any; a bool tensor.

    Args:
        input: a tensor.
        dim: an int or tuple of ints to reduce over (None: all elements).
        keepdim: keep the reduced axes with size 1.

    >>> tg.any(tg.tensor([[0, 1], [0, 0]]), dim=1)
    tensor([ True, False])
    """
    return _reduce_bool("any", np.any, input, dim, keepdim)


def allclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
             equal_nan: bool = False) -> bool:
    """Whether |input - other| <= atol + rtol * |other| everywhere (a Python bool).

    Args:
        input: a tensor.
        other: a tensor, array or number (broadcast).
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: count NaNs in the same place as equal.

    >>> tg.allclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0 + 1e-9]))
    True
    """
    return bool(np.allclose(_arr(_tensor_arg(input, "allclose")), _arr(other), rtol=rtol,
                            atol=atol, equal_nan=equal_nan))


def isclose(input: Tensor, other: Any, rtol: float = 1e-05, atol: float = 1e-08,
            equal_nan: bool = False) -> Tensor:
    """Elementwise |input - other| <= atol + rtol * |other|, a bool tensor.

    Args:
        input: a tensor.
        other: a tensor, array or number (broadcast).
        rtol: relative tolerance.
        atol: absolute tolerance.
        equal_nan: count NaNs in the same place as equal.

    >>> tg.isclose(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.1]))
    tensor([ True, False])
    """
    return _values(np.isclose(_arr(_tensor_arg(input, "isclose")), _arr(other),
                              rtol=rtol, atol=atol, equal_nan=equal_nan))


def _predicate(name, npfn, doc_in, doc_out):
    def f(input: Tensor) -> Tensor:
        return _values(npfn(_arr(_tensor_arg(input, name))))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Elementwise {npfn.__name__} of a tensor, a bool tensor (no gradient).\n\n"
                 f"    Args:\n        input: a tensor.\n\n"
                 f"    >>> tg.{name}({doc_in})\n    {doc_out}\n    ")
    return f


_NAN = "tg.tensor([1.0, float('nan'), float('inf')])"
isnan = _predicate("isnan", np.isnan, _NAN, "tensor([False,  True, False])")
isinf = _predicate("isinf", np.isinf, _NAN, "tensor([False, False,  True])")
isfinite = _predicate("isfinite", np.isfinite, _NAN, "tensor([ True, False, False])")
logical_not = _predicate("logical_not", np.logical_not, "tg.tensor([0, 2])",
                         "tensor([ True, False])")


def _binary_values(name, npfn, doc_out):
    def f(input: Tensor, other: Any) -> Tensor:
        return _values(npfn(_arr(_tensor_arg(input, name)), _arr(other)))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Elementwise {npfn.__name__}(input, other) with broadcasting, a tensor "
                 f"without gradient.\n\n    Args:\n        input: a tensor.\n"
                 f"        other: a tensor, array or number.\n\n"
                 f"    >>> tg.{name}(tg.tensor([1, 2, 3]), tg.tensor([2, 2, 2]))\n"
                 f"    {doc_out}\n    ")
    return f


eq = _binary_values("eq", np.equal, "tensor([False,  True, False])")
ne = _binary_values("ne", np.not_equal, "tensor([ True, False,  True])")
lt = _binary_values("lt", np.less, "tensor([ True, False, False])")
le = _binary_values("le", np.less_equal, "tensor([ True,  True, False])")
gt = _binary_values("gt", np.greater, "tensor([False, False,  True])")
ge = _binary_values("ge", np.greater_equal, "tensor([False,  True,  True])")
logical_and = _binary_values("logical_and", np.logical_and, "tensor([ True,  True,  True])")
logical_or = _binary_values("logical_or", np.logical_or, "tensor([ True,  True,  True])")
logical_xor = _binary_values("logical_xor", np.logical_xor,
                             "tensor([False, False, False])")


def numel(input: Tensor) -> int:
    """The number of elements of a tensor.

    Args:
        input: a tensor.

    >>> tg.numel(tg.zeros(2, 3))
    6
    """
    return int(_arr(_tensor_arg(input, "numel")).size)


def is_floating_point(input: Tensor) -> bool:
    """Whether the tensor's dtype is a floating-point one.

    Args:
        input: a tensor.

    >>> tg.is_floating_point(tg.tensor([1.0]))
    True
    """
    return _arr(_tensor_arg(input, "is_floating_point")).dtype.kind == "f"


def count_nonzero(input: Tensor, dim: Any = None) -> Tensor:
    """How many elements are nonzero (over `dim`), an int64 tensor.

    Args:
        input: a tensor.
        dim: an int or tuple of ints (None: all elements).

    >>> tg.count_nonzero(tg.tensor([0, 1, 2]))
    tensor(2)
    """
    a = _arr(_tensor_arg(input, "count_nonzero"))
    return _values(np.asarray(np.count_nonzero(a, axis=dim), dtype=np.int64))


def nonzero(input: Tensor, *, as_tuple: bool = False) -> Any:
    """The indices of the nonzero elements: an (n, ndim) int64 tensor, or with
    `as_tuple=True` one 1-d tensor per dimension (as NumPy's nonzero).

    Args:
        input: a tensor.
        as_tuple: return a tuple of index tensors.

    >>> tg.nonzero(tg.tensor([0, 3, 0, 4]))
    tensor([[1],
            [3]])
    """
    idx = np.nonzero(_arr(_tensor_arg(input, "nonzero")))
    if as_tuple:
        return tuple(_values(i.astype(np.int64)) for i in idx)
    return _values(np.stack(idx, axis=1).astype(np.int64) if idx else
                   np.zeros((0, 0), np.int64))


def argwhere(input: Tensor) -> Tensor:
    """The indices of the nonzero elements as an (n, ndim) int64 tensor (= nonzero).

    Args:
        input: a tensor.

    >>> tg.argwhere(tg.tensor([[0, 1], [1, 0]]))
    tensor([[0, 1],
            [1, 0]])
    """
    return nonzero(_tensor_arg(input, "argwhere"))


def unique(input: Tensor, sorted: bool = True, return_inverse: bool = False,
           return_counts: bool = False, dim: int | None = None) -> Any:
    """The distinct elements in ascending order, as torch.unique; optionally with the
    inverse indices and the counts.

    Args:
        input: a tensor.
        sorted: accepted for PyTorch's signature (the result is always sorted).
        return_inverse: also return where each input element went.
        return_counts: also return how often each distinct element occurs.
        dim: the dimension to take unique slices along (None: flatten).

    >>> tg.unique(tg.tensor([3, 1, 3, 2]))
    tensor([1, 2, 3])
    """
    a = _arr(_tensor_arg(input, "unique"))
    kw: dict[str, Any] = {"return_inverse": return_inverse, "return_counts": return_counts,
                          "axis": dim}
    res: Any = np.unique(a, **kw)
    if not (return_inverse or return_counts):
        return _values(res)
    res = list(res)
    if return_inverse:
        res[1] = res[1].reshape(a.shape if dim is None else -1).astype(np.int64)
    if return_counts:
        res[-1] = res[-1].astype(np.int64)
    return tuple(_values(r) for r in res)


# ------------------------------------------------------------------ compositions
def masked_select(input: Tensor, mask: Any) -> Tensor:
    """The elements of `input` where the bool `mask` (broadcast) is True, as a 1-d
    tensor; differentiable in `input`.

    Args:
        input: a tensor.
        mask: a bool tensor or array broadcastable with input.

    >>> tg.masked_select(tg.tensor([1.0, 2.0, 3.0]), tg.tensor([True, False, True]))
    tensor([1., 3.])
    """
    _tensor_arg(input, "masked_select")
    m = _arr(mask)
    if m.dtype != np.bool_:
        raise TypeError(f"masked_select: mask must be a bool tensor, got dtype {m.dtype}")
    shape = np.broadcast_shapes(input.shape, m.shape)
    x = input if input.shape == shape else ops.broadcast_to(input, shape)
    return x[np.broadcast_to(m, shape)]


def mv(input: Tensor, vec: Tensor) -> Tensor:
    """Matrix times vector: (n, m) @ (m,) -> (n,).

    Args:
        input: a 2-d tensor.
        vec: a 1-d tensor.

    >>> tg.mv(tg.eye(2), tg.tensor([1.0, 2.0]))
    tensor([1., 2.])
    """
    _tensor_arg(input, "mv")
    if input.ndim != 2 or np.ndim(_arr(vec)) != 1:
        raise ValueError(f"mv: expected a 2-d input and a 1-d vec, got shapes "
                         f"{tuple(input.shape)} and {np.shape(_arr(vec))}")
    return ops.matmul(input, vec)


def addmm(input: Any, mat1: Tensor, mat2: Tensor, *, beta: float = 1,
          alpha: float = 1) -> Tensor:
    """beta * input + alpha * (mat1 @ mat2), as torch.addmm.

    Args:
        input: added (broadcast to the product's shape).
        mat1: an (n, m) tensor.
        mat2: an (m, p) tensor.
        beta: the factor of input.
        alpha: the factor of the product.

    >>> tg.addmm(tg.ones(2, 2), tg.eye(2), tg.eye(2))
    tensor([[2., 1.],
            [1., 2.]])
    """
    prod = ops.matmul(mat1, mat2)
    return (input if beta == 1 else beta * input) + (prod if alpha == 1 else alpha * prod)


def lerp(input: Tensor, end: Any, weight: Any) -> Tensor:
    """input + weight * (end - input).

    Args:
        input: the start.
        end: the end.
        weight: a number or tensor (broadcast).

    >>> tg.lerp(tg.tensor([0.0, 10.0]), tg.tensor([10.0, 20.0]), 0.5)
    tensor([ 5., 15.])
    """
    return input + weight * (end - input)


def rsqrt(input: Tensor) -> Tensor:
    """1 / sqrt(input), elementwise.

    Args:
        input: a tensor.

    >>> tg.rsqrt(tg.tensor([4.0]))
    tensor([0.5000])
    """
    return 1 / ops.sqrt(_tensor_arg(input, "rsqrt"))


def addcmul(input: Tensor, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
    """input + value * tensor1 * tensor2.

    Args:
        input: a tensor.
        tensor1: a factor.
        tensor2: a factor.
        value: a scale.

    >>> tg.addcmul(tg.ones(2), tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0]), value=0.5)
    tensor([2.5000, 5.0000])
    """
    return input + value * tensor1 * tensor2


def addcdiv(input: Tensor, tensor1: Any, tensor2: Any, *, value: float = 1) -> Tensor:
    """input + value * tensor1 / tensor2.

    Args:
        input: a tensor.
        tensor1: the numerator.
        tensor2: the denominator.
        value: a scale.

    >>> tg.addcdiv(tg.ones(2), tg.tensor([1.0, 2.0]), tg.tensor([2.0, 4.0]))
    tensor([1.5000, 1.5000])
    """
    return input + value * tensor1 / tensor2


def t(input: Tensor) -> Tensor:
    """The transpose of a tensor of at most 2 dimensions (0-d and 1-d: unchanged).

    Args:
        input: a tensor of 0, 1 or 2 dimensions.

    >>> tg.t(tg.tensor([[1, 2]]))
    tensor([[1],
            [2]])
    """
    return _tensor_arg(input, "t").t()


def detach(input: Tensor) -> Tensor:
    """The same values cut from the graph (= input.detach()).

    Args:
        input: a tensor.

    >>> tg.detach(tg.ones(2, requires_grad=True)).requires_grad
    False
    """
    return _tensor_arg(input, "detach").detach()


# ------------------------------------------------------------------ factories
def from_numpy(ndarray: np.ndarray) -> Tensor:
    """A tensor that shares memory with a NumPy array: changes to either show in the
    other (as torch.from_numpy); the dtype is the array's.

    Args:
        ndarray: a NumPy array.

    >>> import numpy as np
    >>> a = np.zeros(2)
    >>> t = tg.from_numpy(a)
    >>> a[0] = 5
    >>> t
    tensor([5., 0.], dtype=float64)
    """
    if not isinstance(ndarray, np.ndarray):
        raise TypeError(f"from_numpy: expected a numpy.ndarray, got {_got(ndarray)}")
    if ndarray.dtype.kind not in "biufc":
        raise TypeError(f"from_numpy: can't convert an array of dtype {ndarray.dtype}")
    check_written("from_numpy", ndarray)        # a masked array's mask would be lost
    if not ndarray.dtype.isnative:              # a '>f8' tensor is not == tg.float64
        raise ValueError(f"from_numpy: ndarray has byte order {ndarray.dtype.str!r}, not the "
                         "native one, so it cannot be shared (as torch); convert it with "
                         "arr.astype(arr.dtype.newbyteorder('=')) or use tg.tensor(arr)")
    # np.matrix: a plain view of the same memory (rules' products with it were matmuls)
    return make(ndarray if ndarray.__class__ is np.ndarray else ndarray.view(np.ndarray))


def as_tensor(data: Any, dtype: Any = None, device: Any = None) -> Tensor:
    """`data` as a tensor, without a copy when it already is one (or a NumPy array) of
    the dtype asked for.

    Args:
        data: a tensor, array, list or number.
        dtype: the dtype (None: data's own, as tg.tensor infers it).
        device: "cpu" or None.

    >>> tg.as_tensor([1.0, 2.0])
    tensor([1., 2.])
    """
    check_device(device, "as_tensor")
    dt = as_dtype(dtype, "as_tensor")
    if isinstance(data, Tensor):
        return data if dt is None or data.dtype == dt else data.to(dt)
    if isinstance(data, np.ndarray) and data.dtype.kind in "biufc" and (
            dt is None or data.dtype == dt) and data.dtype.isnative and (
            data.__class__ is np.ndarray or not isinstance(data, np.ma.MaskedArray)):
        return make(data if data.__class__ is np.ndarray else data.view(np.ndarray))
    return _renamed("tensor", "as_tensor", tensor, data, dtype=dt)


def _renamed(inner, outer, fn, *args, **kwargs):
    """fn(*args, **kwargs), its argument errors reworded to name `outer`."""
    try:
        return fn(*args, **kwargs)
    except (TypeError, ValueError) as e:
        msg = str(e)
        if not msg.startswith(inner + ":"):
            raise
        raise type(e)(outer + msg[len(inner):]) from None


def empty(*size: Any, dtype: Any = None, device: Any = None,
          requires_grad: bool = False, **kw: Any) -> Tensor:
    """A new tensor of the given shape (filled with zeros here: PyTorch leaves it
    uninitialised, so no program may read it before writing).

    Args:
        *size: the shape, as ints or one tuple.
        dtype: the dtype (default float32).
        device: "cpu" or None.
        requires_grad: make a leaf that requires grad.

    >>> tg.empty(2, 3).shape
    (2, 3)
    """
    return _renamed("zeros", "empty", zeros, *size, dtype=dtype, device=device,
                    requires_grad=requires_grad, **kw)


def empty_like(input: Tensor, dtype: Any = None, device: Any = None,
               requires_grad: bool = False) -> Tensor:
    """A new tensor with input's shape and dtype (zero-filled; see `empty`).

    Args:
        input: a tensor.
        dtype: the dtype (None: input's).
        device: "cpu" or None.
        requires_grad: make a leaf that requires grad.

    >>> tg.empty_like(tg.ones(2)).shape
    (2,)
    """
    _tensor_arg(input, "empty_like")
    return zeros(tuple(input.shape), dtype=dtype or input.dtype, device=device,
                 requires_grad=requires_grad)


def logspace(start: float, end: float, steps: int, base: float = 10.0, dtype: Any = None,
             device: Any = None, requires_grad: bool = False) -> Tensor:
    """`steps` values from base**start to base**end, evenly spaced in the exponent.

    Args:
        start: the first exponent.
        end: the last exponent.
        steps: how many values.
        base: the base.
        dtype: the dtype (default float32).
        device: "cpu" or None.
        requires_grad: make a leaf that requires grad.

    >>> tg.logspace(0, 2, 3)
    tensor([  1.,  10., 100.])
    """
    exps = linspace(start, end, steps, dtype=np.float64, device=device)
    dt = as_dtype(dtype, "logspace") or _dtypes.DEFAULT_FLOAT
    return _leaf(np.power(float(base), exps._data).astype(dt), requires_grad)


def _like(name, draw, doc_out):
    def f(input: Tensor, dtype: Any = None, device: Any = None,
          requires_grad: bool = False) -> Tensor:
        _tensor_arg(input, name)
        dt = as_dtype(dtype, name) or input.dtype
        if dt.kind != "f":
            raise TypeError(f"{name}: needs a floating dtype, got {dt} (pass dtype=)")
        return draw(tuple(input.shape), dtype=dt, device=device,
                    requires_grad=requires_grad)
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"Samples like `{draw.__name__}` with the shape (and by default the "
                 f"dtype) of `input`.\n\n    Args:\n        input: a tensor.\n"
                 f"        dtype: the dtype (None: input's; must be floating).\n"
                 f"        device: \"cpu\" or None.\n"
                 f"        requires_grad: make a leaf that requires grad.\n\n"
                 f"    >>> tg.{name}(tg.zeros(2, 3)).shape\n    {doc_out}\n    ")
    return f


rand_like = _like("rand_like", rand, "(2, 3)")
randn_like = _like("randn_like", randn, "(2, 3)")


def randint_like(input: Tensor, low: int = 0, high: int | None = None, dtype: Any = None,
                 device: Any = None) -> Tensor:
    """Random integers in [low, high) with input's shape (`randint_like(x, high)` with
    one bound means [0, high)).

    Args:
        input: a tensor.
        low: the lowest value (or the upper bound when high is None).
        high: one above the highest value.
        dtype: the dtype (None: input's).
        device: "cpu" or None.

    >>> tg.randint_like(tg.zeros(3), 5).shape
    (3,)
    """
    _tensor_arg(input, "randint_like")
    check_device(device, "randint_like")
    if high is None:
        low, high = 0, low
    arr = _random.generator().integers(low, high, size=input.shape)
    return _values(arr.astype(as_dtype(dtype, "randint_like") or input.dtype))


def randperm(n: int, *, generator: Any = None, dtype: Any = None, device: Any = None,
             requires_grad: bool = False) -> Tensor:
    """A random permutation of 0..n-1 (int64 by default).

    Args:
        n: how many integers.
        generator: a tg.Generator (None: the global one, see manual_seed).
        dtype: the dtype.
        device: "cpu" or None.
        requires_grad: accepted for PyTorch's signature (must be False for ints).

    >>> sorted(tg.randperm(4).tolist())
    [0, 1, 2, 3]
    """
    check_device(device, "randperm")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise TypeError(f"randperm: n must be a non-negative int, got {_got(n)}")
    perm = _rng(generator, "randperm").permutation(int(n))
    return _leaf(perm.astype(as_dtype(dtype, "randperm") or np.int64), requires_grad)


def normal(mean: Any = 0.0, std: Any = 1.0, size: Any = None, *, generator: Any = None,
           dtype: Any = None, device: Any = None, requires_grad: bool = False) -> Tensor:
    """Normal samples with the given mean and standard deviation (tensors or numbers;
    with numbers, `size` gives the shape), as torch.normal. No gradient flows to mean or
    std (use `mean + std * tg.randn(...)` for that).

    Args:
        mean: a number or tensor of means.
        std: a number or tensor of standard deviations.
        size: the shape when mean and std are numbers.
        generator: a tg.Generator (None: the global one).
        dtype: the dtype (default: mean's / std's floating dtype, else float32).
        device: "cpu" or None.
        requires_grad: make a leaf that requires grad.

    >>> tg.normal(2.0, 0.5, size=(3,)).shape
    (3,)
    """
    check_device(device, "normal")
    m, s = _num(mean, "normal", "mean"), _num(std, "normal", "std")
    shape = np.broadcast_shapes(m.shape, s.shape) if size is None else tuple(
        size if isinstance(size, (tuple, list)) else (size,))
    if np.any(s < 0):
        raise ValueError("normal: std must be non-negative")
    dt = as_dtype(dtype, "normal") or next(
        (a.dtype for a in (m, s) if isinstance(a, np.ndarray) and a.ndim and
         a.dtype.kind == "f"), _dtypes.DEFAULT_FLOAT)
    if isinstance(mean, Tensor) and mean.dtype.kind == "f":
        dt = as_dtype(dtype, "normal") or mean.dtype
    z = _rng(generator, "normal").standard_normal(shape)
    return _leaf((m + s * z).astype(dt), requires_grad)


def bernoulli(input: Tensor, p: float | None = None, *, generator: Any = None) -> Tensor:
    """0/1 samples, 1 with probability input (elementwise), in input's dtype.

    Args:
        input: probabilities in [0, 1].
        p: a single probability to use instead of input's values.
        generator: a tg.Generator (None: the global one).

    >>> tg.bernoulli(tg.tensor([0.0, 1.0]))
    tensor([0., 1.])
    """
    a = _arr(_tensor_arg(input, "bernoulli"))
    prob = a if p is None else np.full(a.shape, p)
    if np.any((prob < 0) | (prob > 1)):
        raise ValueError("bernoulli: probabilities must be in [0, 1]")
    u = _rng(generator, "bernoulli").random(a.shape)
    return _values((u < prob).astype(a.dtype if a.dtype.kind == "f" else _dtypes.DEFAULT_FLOAT))


def multinomial(input: Tensor, num_samples: int, replacement: bool = False, *,
                generator: Any = None) -> Tensor:
    """Indices drawn from the categories weighted by `input` (1-d, or one row each of
    a 2-d input), as torch.multinomial; int64.

    Args:
        input: non-negative weights (need not sum to 1).
        num_samples: how many indices per row.
        replacement: draw with replacement.
        generator: a tg.Generator (None: the global one).

    >>> tg.multinomial(tg.tensor([0.0, 1.0, 0.0]), 2, replacement=True)
    tensor([1, 1])
    """
    w = _arr(_tensor_arg(input, "multinomial")).astype(np.float64)
    if w.ndim not in (1, 2):
        raise ValueError(f"multinomial: input must be 1-d or 2-d, got shape {w.shape}")
    if np.any(w < 0) or not np.all(np.isfinite(w)):
        raise ValueError("multinomial: weights must be finite and non-negative")
    g = _rng(generator, "multinomial")
    rows = w.reshape(-1, w.shape[-1])
    out = []
    for row in rows:
        total = row.sum()
        if total <= 0:
            raise ValueError("multinomial: the weights of a row sum to zero")
        if not replacement and num_samples > np.count_nonzero(row):
            raise ValueError("multinomial: cannot draw more samples than there are "
                             "nonzero weights without replacement")
        out.append(g.choice(row.size, size=num_samples, replace=replacement,
                            p=row / total))
    res = np.asarray(out, dtype=np.int64)
    return _values(res[0] if w.ndim == 1 else res)


# ------------------------------------------------------------------ modes and threads
class inference_mode(contextlib.ContextDecorator):
    """As torch.inference_mode: no recording inside (= tg.no_grad here); a context
    manager and a decorator.

    Args:
        mode: False turns it into a no-op.

    >>> x = tg.ones(2, requires_grad=True)
    >>> with tg.inference_mode():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self._ctx: Any = None

    def __call__(self, func: Any = None) -> Any:
        if func is None:          # @tg.inference_mode() already made the object
            return self
        return super().__call__(func)

    def __enter__(self) -> None:
        self._ctx = no_grad() if self.mode else contextlib.nullcontext()
        self._ctx.__enter__()

    def __exit__(self, *exc: Any) -> None:
        self._ctx.__exit__(*exc)


def get_num_threads() -> int:
    """The number of threads of intra-op work (1: tapegrad runs ops on one thread; the
    BLAS may use its own).

    >>> tg.get_num_threads()
    1
    """
    return 1


def set_num_threads(int: int) -> None:
    """Accepted for ported programs; tapegrad runs ops on one thread (the BLAS reads
    OPENBLAS_NUM_THREADS / OMP_NUM_THREADS).

    Args:
        int: a positive number of threads.

    >>> tg.set_num_threads(1)
    """
    n = int
    if isinstance(n, bool) or not hasattr(n, "__index__") or n.__index__() < 1:
        raise ValueError(f"set_num_threads: expected a positive int, got {n!r}")


# ------------------------------------------------------------------ compile, determinism
def compile(model: Any = None, *, fullgraph: bool = False, dynamic: Any = None,
            backend: Any = "inductor", mode: Any = None, options: Any = None,
            disable: bool = False) -> Any:
    """As torch.compile, for ported programs: returns `model` (a Module or function)
    unchanged, so results are exactly the eager ones. (For a traced graph that replays
    without per-op dispatch, use `tg.function`.) Usable as `tg.compile(m)`,
    `@tg.compile` and `@tg.compile(...)`.

    Args:
        model: the module or function (None: return a decorator).
        fullgraph: accepted for PyTorch's signature.
        dynamic: accepted for PyTorch's signature.
        backend: accepted for PyTorch's signature.
        mode: accepted for PyTorch's signature.
        options: accepted for PyTorch's signature.
        disable: accepted for PyTorch's signature.

    >>> lin = tg.nn.Linear(2, 2)
    >>> tg.compile(lin) is lin
    True
    """
    if model is None:
        return lambda m: m
    if not callable(model):
        raise TypeError(f"compile: expected a Module or a function, got {_got(model)}")
    return model


_DETERMINISTIC = [False]


def use_deterministic_algorithms(mode: bool, *, warn_only: bool = False) -> None:
    """As torch.use_deterministic_algorithms: tapegrad's ops are deterministic on every
    path, so this only records the setting (read by are_deterministic_algorithms_enabled).

    Args:
        mode: True or False.
        warn_only: accepted for PyTorch's signature.

    >>> tg.use_deterministic_algorithms(True)
    >>> tg.are_deterministic_algorithms_enabled()
    True
    >>> tg.use_deterministic_algorithms(False)
    """
    if not isinstance(mode, (bool, np.bool_)):
        raise TypeError(f"use_deterministic_algorithms: mode must be True or False, got "
                        f"{_got(mode)}")
    _DETERMINISTIC[0] = bool(mode)


def are_deterministic_algorithms_enabled() -> bool:
    """What use_deterministic_algorithms last set (False at start).

    >>> tg.are_deterministic_algorithms_enabled() in (True, False)
    True
    """
    return _DETERMINISTIC[0]
