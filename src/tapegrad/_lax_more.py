"""More of `jax.lax`: contractions (dot_general), padding with interior, the slicing and
broadcasting helpers, multi-operand sort, reductions over named axes, and JAX's lax
spellings of elementwise functions. Each is written with tapegrad ops, so gradients
(any order), forward mode and tg.vmap go through them."""
from __future__ import annotations

import builtins
import operator

import numpy as np

from . import ops
from . import numpy as _tnp
from ._tensor import Tensor, make
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any

    from ._typing import ArrayLike, DTypeLike


def _tensor(v):
    return v if isinstance(v, Tensor) else make(np.asarray(v))


def _axes(v, fn, arg):
    try:
        return tuple(operator.index(a) for a in v)
    except TypeError:
        raise TypeError(f"lax.{fn}: {arg} must be a sequence of ints, got {v!r}") from None


def dot_general(lhs: ArrayLike, rhs: ArrayLike, dimension_numbers: Any,
                precision: Any = None, preferred_element_type: Any = None) -> Tensor:
    """The general contraction (jax.lax.dot_general): `dimension_numbers` is
    `((lhs_contract, rhs_contract), (lhs_batch, rhs_batch))`; the result's axes are the
    batch axes, then lhs's free axes, then rhs's.

    Args:
        lhs: the left operand.
        rhs: the right operand.
        dimension_numbers: the contracting and batch axes of each operand.
        precision: accepted for JAX's signature.
        preferred_element_type: the result's dtype (default: the operands' common one).

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> a, b = jnp.ones((5, 2, 3)), jnp.ones((5, 3, 4))
    >>> lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,)))).shape
    (5, 2, 4)
    """
    x, y = _tensor(lhs), _tensor(rhs)
    try:
        (lc, rc), (lb, rb) = dimension_numbers
    except (TypeError, ValueError):
        raise ValueError("lax.dot_general: dimension_numbers must be ((lhs_contract, "
                         "rhs_contract), (lhs_batch, rhs_batch)), got "
                         f"{dimension_numbers!r}") from None
    lc, rc = _axes(lc, "dot_general", "lhs_contract"), _axes(rc, "dot_general", "rhs_contract")
    lb, rb = _axes(lb, "dot_general", "lhs_batch"), _axes(rb, "dot_general", "rhs_batch")
    if len(lc) != len(rc) or len(lb) != len(rb):
        raise ValueError(f"lax.dot_general: contracting {lc} / {rc} and batch {lb} / {rb} "
                         "axes must pair up")
    for a, b, what in [(lc, rc, "contracting"), (lb, rb, "batch")]:
        for i, j in zip(a, b):
            if x.shape[i] != y.shape[j]:
                raise ValueError(f"lax.dot_general: {what} axes {i} and {j} have sizes "
                                 f"{x.shape[i]} and {y.shape[j]}")
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    xs = [next(letters) for _ in range(x.ndim)]
    ys = [next(letters) for _ in range(y.ndim)]
    for i, j in zip(lc + lb, rc + rb):
        ys[j] = xs[i]
    out = [xs[i] for i in lb]
    out += [xs[i] for i in range(x.ndim) if i not in lc and i not in lb]
    out += [ys[j] for j in range(y.ndim) if j not in rc and j not in rb]
    res = ops.einsum(f"{''.join(xs)},{''.join(ys)}->{''.join(out)}", x, y)
    if preferred_element_type is not None:
        res = ops.cast(res, preferred_element_type)
    return res


def dot(lhs: ArrayLike, rhs: ArrayLike, precision: Any = None,
        preferred_element_type: Any = None) -> Tensor:
    """Vector and matrix products of 1-D and 2-D operands (jax.lax.dot).

    Args:
        lhs: a vector or a matrix.
        rhs: a vector or a matrix.
        precision: accepted for JAX's signature.
        preferred_element_type: the result's dtype.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.dot(jnp.ones((2, 3)), jnp.ones(3))
    tensor([3., 3.], dtype=float64)
    """
    x, y = _tensor(lhs), _tensor(rhs)
    if x.ndim not in (1, 2) or y.ndim not in (1, 2):
        raise ValueError(f"lax.dot: operands must be 1-D or 2-D, got shapes {x.shape} and "
                         f"{y.shape}")
    return dot_general(x, y, (((x.ndim - 1,), (0,)), ((), ())),
                       preferred_element_type=preferred_element_type)


def batch_matmul(lhs: ArrayLike, rhs: ArrayLike, precision: Any = None) -> Tensor:
    """Matrix products over equal leading batch axes (jax.lax.batch_matmul).

    Args:
        lhs: (..., m, k).
        rhs: (..., k, n), the same batch axes.
        precision: accepted for JAX's signature.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.batch_matmul(jnp.ones((4, 2, 3)), jnp.ones((4, 3, 5))).shape
    (4, 2, 5)
    """
    x, y = _tensor(lhs), _tensor(rhs)
    if x.ndim < 2 or x.ndim != y.ndim or x.shape[:-2] != y.shape[:-2]:
        raise ValueError(f"lax.batch_matmul: operands need the same batch axes, got shapes "
                         f"{x.shape} and {y.shape}")
    return ops.matmul(x, y)


def pad(operand: ArrayLike, padding_value: ArrayLike,
        padding_config: Sequence[tuple[int, int, int]]) -> Tensor:
    """Pad each axis by (low, high, interior) entries of `padding_value` (jax.lax.pad):
    interior entries go between neighbours; a negative low or high crops.

    Args:
        operand: the array.
        padding_value: a scalar of operand's dtype.
        padding_config: one (low, high, interior) triple per axis.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.pad(jnp.array([1.0, 2.0, 3.0]), 0.0, [(1, 2, 1)])
    tensor([0., 1., 0., 2., 0., 3., 0., 0.], dtype=float64)
    """
    x = _tensor(operand)
    try:
        cfg = [tuple(operator.index(v) for v in c) for c in padding_config]
    except TypeError:
        raise TypeError(f"lax.pad: padding_config must be (low, high, interior) int "
                        f"triples, got {padding_config!r}") from None
    if len(cfg) != x.ndim or any(len(c) != 3 for c in cfg):
        raise ValueError(f"lax.pad: need one (low, high, interior) triple per axis of the "
                         f"operand's {x.ndim}, got {padding_config!r}")
    if any(c[2] < 0 for c in cfg):
        raise ValueError(f"lax.pad: interior padding must be non-negative, got {cfg}")
    pv = padding_value if isinstance(padding_value, Tensor) else np.asarray(padding_value,
                                                                            dtype=x.dtype)
    inner = [(n - 1) * (i + 1) + 1 if n else 0 for n, (_, _, i) in zip(x.shape, cfg)]
    shape = tuple(builtins.max(lo, 0) + m + builtins.max(hi, 0)
                  for m, (lo, hi, _) in zip(inner, cfg))
    out = _tnp.full(shape, pv, dtype=x.dtype)
    where = tuple(builtins.slice(builtins.max(lo, 0), builtins.max(lo, 0) + m, i + 1)
                  for m, (lo, _, i) in zip(inner, cfg))
    out = out.at[where].set(x)
    crop = tuple(builtins.slice(-lo if lo < 0 else 0, n + hi if hi < 0 else n)
                 for n, (lo, hi, _) in zip(shape, cfg))
    return out[crop]


def broadcast(operand: ArrayLike, sizes: Sequence[int]) -> Tensor:
    """operand with new leading axes of `sizes` (jax.lax.broadcast).

    Args:
        operand: the array.
        sizes: the sizes of the axes put in front.

    >>> from tapegrad import lax
    >>> lax.broadcast(1.0, (2, 3)).shape
    (2, 3)
    """
    x = _tensor(operand)
    return ops.broadcast_to(x, tuple(_axes(sizes, "broadcast", "sizes")) + tuple(x.shape))


def broadcast_in_dim(operand: ArrayLike, shape: Sequence[int],
                     broadcast_dimensions: Sequence[int], out_sharding: Any = None) -> Tensor:
    """operand broadcast to `shape`, its axis k landing on axis broadcast_dimensions[k]
    (jax.lax.broadcast_in_dim).

    Args:
        operand: the array.
        shape: the result's shape.
        broadcast_dimensions: where each of operand's axes goes, increasing.
        out_sharding: accepted for JAX's signature.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.broadcast_in_dim(jnp.array([1.0, 2.0]), (2, 3), (0,))
    tensor([[1., 1., 1.],
            [2., 2., 2.]], dtype=float64)
    """
    x = _tensor(operand)
    shape = _axes(shape, "broadcast_in_dim", "shape")
    dims = _axes(broadcast_dimensions, "broadcast_in_dim", "broadcast_dimensions")
    if len(dims) != x.ndim or any(b <= a for a, b in zip(dims, dims[1:])) or \
            any(not 0 <= d < len(shape) for d in dims):
        raise ValueError(f"lax.broadcast_in_dim: broadcast_dimensions {dims} must give an "
                         f"increasing axis of shape {shape} for each of the operand's "
                         f"{x.ndim} axes")
    mid = [1] * len(shape)
    for k, d in enumerate(dims):
        if x.shape[k] not in (1, shape[d]):
            raise ValueError(f"lax.broadcast_in_dim: operand axis {k} of size {x.shape[k]} "
                             f"cannot broadcast to size {shape[d]}")
        mid[d] = x.shape[k]
    return ops.broadcast_to(ops.reshape(x, tuple(mid)), shape)


def slice(operand: ArrayLike, start_indices: Sequence[int], limit_indices: Sequence[int],
          strides: Sequence[int] | None = None) -> Tensor:
    """operand[start:limit:stride] on every axis (jax.lax.slice).

    Args:
        operand: the array.
        start_indices: the first index per axis.
        limit_indices: the end (exclusive) per axis.
        strides: the step per axis (default ones).

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.slice(jnp.arange(10.0), (1,), (8,), (3,))
    tensor([1., 4., 7.], dtype=float64)
    """
    x = _tensor(operand)
    st = _axes(start_indices, "slice", "start_indices")
    lim = _axes(limit_indices, "slice", "limit_indices")
    step = (1,) * x.ndim if strides is None else _axes(strides, "slice", "strides")
    if not len(st) == len(lim) == len(step) == x.ndim:
        raise ValueError(f"lax.slice: need one start, limit and stride per axis of the "
                         f"operand's {x.ndim}, got {st}, {lim}, {step}")
    for a, b, n in zip(st, lim, x.shape):
        if not 0 <= a <= b <= n:
            raise ValueError(f"lax.slice: start {st} and limit {lim} must satisfy 0 <= start "
                             f"<= limit <= size for shape {x.shape}")
    return x[tuple(builtins.slice(a, b, s) for a, b, s in zip(st, lim, step))]


def slice_in_dim(operand: ArrayLike, start_index: int | None, limit_index: int | None,
                 stride: int = 1, axis: int = 0) -> Tensor:
    """operand[start:limit:stride] along one axis (jax.lax.slice_in_dim); negative and
    None bounds count as in Python.

    Args:
        operand: the array.
        start_index: the first index (None: 0).
        limit_index: the end, exclusive (None: the axis' size).
        stride: the step.
        axis: the axis.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.slice_in_dim(jnp.arange(6.0), 1, -1, 2)
    tensor([1., 3.], dtype=float64)
    """
    x = _tensor(operand)
    ax = operator.index(axis) % builtins.max(x.ndim, 1)
    idx = [builtins.slice(None)] * x.ndim
    idx[ax] = builtins.slice(start_index, limit_index, stride)
    return x[tuple(idx)]


def index_in_dim(operand: ArrayLike, index: int, axis: int = 0,
                 keepdims: bool = True) -> Tensor:
    """The entry at `index` along `axis`, the axis kept unless keepdims=False
    (jax.lax.index_in_dim).

    Args:
        operand: the array.
        index: the position (negative counts from the end).
        axis: the axis.
        keepdims: keep the axis with size 1.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.index_in_dim(jnp.arange(6.0).reshape(2, 3), 1, axis=1).shape
    (2, 1)
    """
    x = _tensor(operand)
    ax = operator.index(axis) % builtins.max(x.ndim, 1)
    i = operator.index(index)
    n = x.shape[ax]
    if not -n <= i < n:
        raise IndexError(f"lax.index_in_dim: index {i} is out of bounds for axis {ax} of "
                         f"size {n}")
    i %= n
    out = slice_in_dim(x, i, i + 1, 1, ax)
    return out if keepdims else ops.squeeze(out, ax)


def rev(operand: ArrayLike, dimensions: Sequence[int]) -> Tensor:
    """operand reversed along `dimensions` (jax.lax.rev).

    Args:
        operand: the array.
        dimensions: the axes to reverse.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.rev(jnp.arange(3.0), (0,))
    tensor([2., 1., 0.], dtype=float64)
    """
    dims = _axes(dimensions, "rev", "dimensions")
    x = _tensor(operand)
    return ops.flip(x, dims) if dims else x


def convert_element_type(operand: ArrayLike, new_dtype: DTypeLike) -> Tensor:
    """operand as `new_dtype` (jax.lax.convert_element_type); floats become integers
    rounding toward zero; the gradient flows between floating types.

    Args:
        operand: the array.
        new_dtype: the dtype.

    >>> from tapegrad import lax
    >>> lax.convert_element_type(2.7, "int32")
    tensor(2, dtype=int32)
    """
    return ops.cast(_tensor(operand), np.dtype(new_dtype))


def _order(keys, dimension):
    """The permutation along `dimension` that sorts the keys lexicographically (first
    key first; NaN last, as NumPy and XLA order them): stable sorts from the last key
    to the first, with tensor ops so tg.vmap and traces see it."""
    perm = _tnp.argsort(keys[-1], axis=dimension, kind="stable")
    for key in reversed(keys[:-1]):
        inner = _tnp.argsort(ops.take_along_axis(key, perm, dimension), axis=dimension,
                             kind="stable")
        perm = ops.take_along_axis(perm, inner, dimension)
    return perm


def sort(operand: Any, dimension: int = -1, is_stable: bool = True,
         num_keys: int = 1) -> Any:
    """Sort along `dimension` (jax.lax.sort). Given a sequence of arrays, all are
    reordered by the first `num_keys` of them, compared lexicographically.

    Args:
        operand: an array, or a sequence of arrays of one shape.
        dimension: the axis to sort along.
        is_stable: keep the order of equal keys.
        num_keys: how many leading operands are the keys.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.sort((jnp.array([3.0, 1.0, 2.0]), jnp.array([30.0, 10.0, 20.0])))
    (tensor([1., 2., 3.], dtype=float64), tensor([10., 20., 30.], dtype=float64))
    """
    single = not isinstance(operand, (tuple, list))
    arrs = [_tensor(operand)] if single else [_tensor(a) for a in operand]
    if not arrs:
        raise ValueError("lax.sort: need at least one operand")
    shape = arrs[0].shape
    if any(a.shape != shape for a in arrs):
        raise ValueError(f"lax.sort: operands must have one shape, got "
                         f"{[tuple(a.shape) for a in arrs]}")
    k = operator.index(num_keys)
    if not 1 <= k <= len(arrs):
        raise ValueError(f"lax.sort: num_keys must be between 1 and {len(arrs)}, got {k}")
    if not shape:
        return arrs[0] if single else tuple(arrs)
    dim = operator.index(dimension) % len(shape)
    perm = _order(arrs[:k], dim)      # stable always, which is_stable=False allows
    out = tuple(ops.take_along_axis(a, perm, dim) for a in arrs)
    return out[0] if single else out


def sort_key_val(keys: ArrayLike, values: ArrayLike, dimension: int = -1,
                 is_stable: bool = True) -> tuple[Tensor, Tensor]:
    """keys sorted along `dimension` and values reordered with them
    (jax.lax.sort_key_val).

    Args:
        keys: the array to sort.
        values: an array of keys' shape.
        dimension: the axis.
        is_stable: keep the order of equal keys.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.sort_key_val(jnp.array([2.0, 1.0]), jnp.array([5.0, 7.0]))[1]
    tensor([7., 5.], dtype=float64)
    """
    k, v = sort((keys, values), dimension, is_stable, 1)
    return k, v


def _arg(fn, pick):
    def arg(operand: ArrayLike, axis: int, index_dtype: DTypeLike) -> Tensor:
        return ops.cast(pick(_tensor(operand), operator.index(axis)), np.dtype(index_dtype))

    arg.__name__ = arg.__qualname__ = fn
    arg.__doc__ = (f"The index of the {fn[3:]}imum along `axis`, as `index_dtype` "
                   f"(jax.lax.{fn}).\n\n    Args:\n        operand: the array.\n"
                   f"        axis: the axis.\n        index_dtype: the integer dtype of the "
                   f"result.\n\n    >>> from tapegrad import lax\n"
                   f"    >>> import tapegrad.numpy as jnp\n"
                   f"    >>> int(lax.{fn}(jnp.array([1.0, 3.0, 2.0]), 0, 'int32'))\n"
                   f"    {1 if fn == 'argmax' else 0}\n")
    return arg


argmax = _arg("argmax", lambda x, a: _tnp.argmax(x, axis=a))
argmin = _arg("argmin", lambda x, a: _tnp.argmin(x, axis=a))


def _reduction(fn, f):
    def reduce_fn(operand: ArrayLike, axes: Sequence[int]) -> Tensor:
        x = _tensor(operand)
        ax = _axes(axes, fn, "axes")
        return f(x, ax) if ax else x

    reduce_fn.__name__ = reduce_fn.__qualname__ = fn
    reduce_fn.__doc__ = (f"The {fn[7:]} over `axes` (jax.lax.{fn}).\n\n    Args:\n"
                         f"        operand: the array.\n        axes: the axes reduced.\n\n"
                         f"    >>> from tapegrad import lax\n"
                         f"    >>> import tapegrad.numpy as jnp\n"
                         f"    >>> lax.{fn}(jnp.ones((2, 3), dtype=bool if "
                         f"{fn[7:] in ('and', 'or')} else float), (1,)).shape\n    (2,)\n")
    return reduce_fn


reduce_sum = _reduction("reduce_sum", lambda x, a: _tnp.sum(x, axis=a))
reduce_prod = _reduction("reduce_prod", lambda x, a: _tnp.prod(x, axis=a))
reduce_max = _reduction("reduce_max", lambda x, a: _tnp.amax(x, axis=a))
reduce_min = _reduction("reduce_min", lambda x, a: _tnp.amin(x, axis=a))
reduce_and = _reduction("reduce_and", lambda x, a: _tnp.all(x, axis=a))
reduce_or = _reduction("reduce_or", lambda x, a: _tnp.any(x, axis=a))


def reduce(operands: Any, init_values: Any, computation: Callable[[Any, Any], Any],
           dimensions: Sequence[int]) -> Any:
    """Reduce over `dimensions` with `computation` (jax.lax.reduce), which must be
    addition, multiplication, maximum or minimum (recognised by its value on (2, 3)),
    combined with init_values.

    Args:
        operands: an array (or a one-element sequence of one).
        init_values: the identity (or a one-element sequence).
        computation: lax.add, lax.mul, lax.max, lax.min or an equivalent function.
        dimensions: the axes reduced.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.reduce(jnp.array([[1.0, 5.0], [2.0, 3.0]]), -jnp.inf, lax.max, (0,))
    tensor([2., 5.], dtype=float64)
    """
    seq = isinstance(operands, (tuple, list))
    if seq:
        if len(operands) != 1 or not isinstance(init_values, (tuple, list)) \
                or len(init_values) != 1:
            raise NotImplementedError("lax.reduce: one operand with one init value is "
                                      "supported (a variadic reduce is not)")
        x, init = _tensor(operands[0]), init_values[0]
    else:
        x, init = _tensor(operands), init_values
    try:
        key = float(np.asarray(_tensor(computation(np.float64(2.0), np.float64(3.0)))._data))
    except (TypeError, ValueError):
        key = None
    table: dict[float, tuple[Any, Any]] = {
        5.0: (_tnp.sum, ops.add), 6.0: (_tnp.prod, ops.multiply),
        3.0: (_tnp.amax, ops.maximum), 2.0: (_tnp.amin, ops.minimum)}
    if key not in table:
        raise ValueError("lax.reduce: computation must be addition, multiplication, maximum "
                         f"or minimum, got {computation!r}")
    red, comb = table[key]
    dims = _axes(dimensions, "reduce", "dimensions")
    out = comb(red(x, axis=dims), _tensor(init)) if dims else comb(x, _tensor(init))
    return (out,) if seq else out


def full(shape: Sequence[int], fill_value: ArrayLike, dtype: DTypeLike = None,
         sharding: Any = None) -> Tensor:
    """An array of `shape` filled with fill_value (jax.lax.full).

    Args:
        shape: the shape.
        fill_value: a scalar.
        dtype: the dtype (default: fill_value's).
        sharding: accepted for JAX's signature.

    >>> from tapegrad import lax
    >>> lax.full((2,), 3.0)
    tensor([3., 3.], dtype=float64)
    """
    return _tnp.full(tuple(shape), fill_value, dtype=dtype)


def full_like(x: ArrayLike, fill_value: ArrayLike, dtype: DTypeLike = None,
              shape: Sequence[int] | None = None, sharding: Any = None) -> Tensor:
    """An array like x (its shape and dtype unless given) filled with fill_value
    (jax.lax.full_like).

    Args:
        x: the array whose shape and dtype are taken.
        fill_value: a scalar.
        dtype: the dtype (default x's).
        shape: the shape (default x's).
        sharding: accepted for JAX's signature.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.full_like(jnp.zeros(2), 7)
    tensor([7., 7.], dtype=float64)
    """
    return _tnp.full_like(x, fill_value, dtype=dtype, shape=shape)


def zeros_like_array(x: ArrayLike) -> Tensor:
    """Zeros of x's shape and dtype (jax.lax.zeros_like_array).

    Args:
        x: the array.

    >>> from tapegrad import lax
    >>> lax.zeros_like_array([1.0, 2.0])
    tensor([0., 0.], dtype=float64)
    """
    return _tnp.zeros_like(x)


def select_n(which: ArrayLike, *cases: ArrayLike) -> Tensor:
    """cases[which] elementwise (jax.lax.select_n): a boolean `which` picks cases[0] where
    False and cases[1] where True; an integer one indexes the cases.

    Args:
        which: bool or integer array (or scalar), the choice per entry.
        *cases: arrays of one shape and dtype.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.select_n(jnp.array([True, False]), jnp.zeros(2), jnp.ones(2))
    tensor([1., 0.], dtype=float64)
    """
    if not cases:
        raise ValueError("lax.select_n: need at least one case")
    w = _tensor(which)
    if w.dtype.kind not in "biu":
        raise TypeError(f"lax.select_n: which must be bool or integer, got dtype {w.dtype}")
    if w.dtype.kind == "b" and len(cases) > 2:
        raise ValueError(f"lax.select_n: a boolean which selects between 2 cases, got "
                         f"{len(cases)}")
    out = _tensor(cases[0])
    for k, c in enumerate(cases[1:], start=1):
        out = ops.where(w if w.dtype.kind == "b" else w == k, _tensor(c), out)
    return out


def collapse(operand: ArrayLike, start_dimension: int,
             stop_dimension: int | None = None) -> Tensor:
    """Axes start..stop-1 merged into one (jax.lax.collapse).

    Args:
        operand: the array.
        start_dimension: the first axis merged.
        stop_dimension: one past the last (default: the end).

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.collapse(jnp.zeros((2, 3, 4)), 1).shape
    (2, 12)
    """
    x = _tensor(operand)
    nd = x.ndim
    a = operator.index(start_dimension) % builtins.max(nd, 1)
    b = nd if stop_dimension is None else operator.index(stop_dimension)
    b = b + nd if b < 0 else b
    if not 0 <= a <= b <= nd:
        raise ValueError(f"lax.collapse: axes {start_dimension}..{stop_dimension} out of "
                         f"range for shape {x.shape}")
    mid = int(np.prod(x.shape[a:b], dtype=np.int64))
    return ops.reshape(x, tuple(x.shape[:a]) + (mid,) + tuple(x.shape[b:]))


def round(x: ArrayLike, rounding_method: Any = 0) -> Tensor:
    """x rounded to an integer value, halves away from zero (rounding_method 0, JAX's
    default) or to even (1) (jax.lax.round); the gradient is zero.

    Args:
        x: the array.
        rounding_method: 0 (AWAY_FROM_ZERO) or 1 (TO_NEAREST_EVEN).

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.round(jnp.array([0.5, 1.5, -2.5]))
    tensor([ 1.,  2., -3.], dtype=float64)
    """
    t = _tensor(x)
    m = int(getattr(rounding_method, "value", rounding_method))
    if m == 1:
        return ops.round(t)
    if m != 0:
        raise ValueError(f"lax.round: rounding_method must be 0 (AWAY_FROM_ZERO) or 1 "
                         f"(TO_NEAREST_EVEN), got {rounding_method!r}")
    return ops.sign(t) * ops.floor(ops.abs(t) + 0.5)


def approx_max_k(operand: ArrayLike, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True) -> tuple[Tensor, Tensor]:
    """The k largest entries along an axis and their indices (jax.lax.approx_max_k);
    computed exactly here.

    Args:
        operand: the array.
        k: how many.
        reduction_dimension: the axis.
        recall_target: accepted for JAX's signature.
        reduction_input_size_override: accepted for JAX's signature.
        aggregate_to_topk: accepted for JAX's signature.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.approx_max_k(jnp.array([1.0, 4.0, 2.0]), 2)[0]
    tensor([4., 2.], dtype=float64)
    """
    return _top_k(operand, k, reduction_dimension, True)


def approx_min_k(operand: ArrayLike, k: int, reduction_dimension: int = -1,
                 recall_target: float = 0.95, reduction_input_size_override: int = -1,
                 aggregate_to_topk: bool = True) -> tuple[Tensor, Tensor]:
    """The k smallest entries along an axis and their indices (jax.lax.approx_min_k);
    computed exactly here.

    Args:
        operand: the array.
        k: how many.
        reduction_dimension: the axis.
        recall_target: accepted for JAX's signature.
        reduction_input_size_override: accepted for JAX's signature.
        aggregate_to_topk: accepted for JAX's signature.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.approx_min_k(jnp.array([1.0, 4.0, 2.0]), 2)[0]
    tensor([1., 2.], dtype=float64)
    """
    return _top_k(operand, k, reduction_dimension, False)


def _top_k(operand, k, axis, largest):
    v, i = ops.topk(_tensor(operand), operator.index(k), dim=axis, largest=largest)
    return v, i


def complex(x: ArrayLike, y: ArrayLike) -> Tensor:
    """x + 1j * y (jax.lax.complex).

    Args:
        x: the real part.
        y: the imaginary part.

    >>> from tapegrad import lax
    >>> lax.complex(1.0, 2.0)
    tensor(1.+2.j, dtype=complex128)
    """
    return ops.complex(_tensor(x), _tensor(y))


# JAX's lax spellings of elementwise functions tapegrad has under other names
is_finite, nextafter = _tnp.isfinite, _tnp.nextafter
ge, gt, le, lt = _tnp.greater_equal, _tnp.greater, _tnp.less_equal, _tnp.less
eq, ne = _tnp.equal, _tnp.not_equal
bitwise_and, bitwise_or, bitwise_xor = _tnp.bitwise_and, _tnp.bitwise_or, _tnp.bitwise_xor
bitwise_not, shift_left = _tnp.bitwise_not, _tnp.left_shift
shift_right_arithmetic = _tnp.right_shift

__all__ = ["dot_general", "dot", "batch_matmul", "pad", "broadcast", "broadcast_in_dim",
           "slice", "slice_in_dim", "index_in_dim", "rev", "convert_element_type", "sort",
           "sort_key_val", "argmax", "argmin", "reduce_sum", "reduce_prod", "reduce_max",
           "reduce_min", "reduce_and", "reduce_or", "reduce", "full", "full_like",
           "zeros_like_array", "select_n", "collapse", "round", "approx_max_k",
           "approx_min_k", "complex", "is_finite", "nextafter", "ge", "gt", "le", "lt", "eq", "ne", "bitwise_and",
           "bitwise_or", "bitwise_xor", "bitwise_not", "shift_left",
           "shift_right_arithmetic"]
