"""More of NumPy's and jax.numpy's functions, written with tapegrad ops so they
differentiate: insert, resize, choose, compress, extract, unstack, piecewise, vectorize,
apply_along_axis, apply_over_axes, geomspace, modf, frexp, ldexp, divmod, sort_complex,
unique_all/counts/inverse/values, and the in-place writers (fill_diagonal, put, place,
put_along_axis, copyto) which write into a tensor as NumPy does (recorded) or, with JAX's
`inplace=False`, return a new tensor. The polynomial functions are in _poly.py.

Index bookkeeping (where an element of the result comes from) is computed by NumPy on
arrays of positions; the values then move with `take`/`where`, so gradients follow.
"""
from __future__ import annotations

import collections
import re

import numpy as np

from .. import ops
from .._tensor import Tensor
from ._convert import as_result, asarg
from ._functions import _raw
from ._jnp import _f, _t, unique
from ._shapes import concatenate, ravel, stack
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._typing import ArrayLike, Axis, DTypeLike


def _gather(flat, pos):
    """flat[pos] for an integer array of positions (any shape)."""
    pos = np.asarray(pos, dtype=np.intp)
    return ops.reshape(ops.take(flat, pos.reshape(-1)), pos.shape)


def _positions(shape):
    return np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape)


def insert(arr: ArrayLike, obj: Any, values: ArrayLike, axis: int | None = None) -> Tensor:
    """`arr` with `values` inserted before the index or indices `obj` along `axis`
    (flattened when None), as `np.insert`; differentiable in arr and values.

    Args:
        arr: the array.
        obj: an int, slice or sequence of ints: where to insert.
        values: what to insert (cast to arr's dtype, broadcast as NumPy does).
        axis: the axis (None: arr is flattened first).

    >>> import tapegrad.numpy as tnp
    >>> tnp.insert(tnp.array([1.0, 2.0, 3.0]), 1, 9.0)
    tensor([1., 9., 2., 3.], dtype=float64)
    """
    a = _t(arr)
    v = _t(values)
    if v.dtype != a.dtype:
        v = ops.cast(v, a.dtype)
    if isinstance(obj, Tensor):
        obj = obj._data
    src = np.insert(_positions(a.shape), obj, -1, axis=axis)     # -1 marks new slots
    vpos = np.insert(np.full(a.shape, -1, dtype=np.intp), obj, _positions(v.shape), axis=axis)
    idx = np.where(src >= 0, src, a.size + vpos)
    return _gather(concatenate([ravel(a), ravel(v)]), idx)


def resize(a: ArrayLike, new_shape: Any) -> Tensor:
    """`a`'s elements repeated in order to fill `new_shape`, as `np.resize`;
    differentiable (repeats add their gradients).

    Args:
        a: the array.
        new_shape: an int or a tuple of ints.

    >>> import tapegrad.numpy as tnp
    >>> tnp.resize(tnp.array([1.0, 2.0, 3.0]), (2, 2))
    tensor([[1., 2.],
            [3., 1.]], dtype=float64)
    """
    a = _t(a)
    shape = (new_shape,) if isinstance(new_shape, (int, np.integer)) else tuple(new_shape)
    if any(int(s) < 0 for s in shape):
        raise ValueError("resize: all elements of new_shape must be non-negative")
    if a.size == 0:
        return as_result(np.zeros(shape, dtype=a.dtype))
    return _gather(ravel(a), np.resize(_positions(a.shape), shape))


def choose(a: ArrayLike, choices: Any, out: None = None, mode: str = "raise") -> Tensor:
    """Each element picked from the choice `a` names, as `np.choose`; differentiable in
    the choices.

    Args:
        a: integer array of choice numbers.
        choices: a sequence of arrays (broadcast with a).
        out: not supported (None).
        mode: 'raise', 'wrap' or 'clip' for out-of-range choice numbers.

    >>> import tapegrad.numpy as tnp
    >>> tnp.choose([0, 1, 0], [tnp.array([1.0, 2.0, 3.0]), tnp.array([10.0, 20.0, 30.0])])
    tensor([ 1., 20.,  3.], dtype=float64)
    """
    if out is not None:
        raise TypeError("choose: out= is not supported; use the returned tensor")
    idx = np.asarray(_raw(asarg(a)))
    if idx.dtype.kind not in "iub":
        raise TypeError(f"choose: a must hold integers, got dtype {idx.dtype}")
    cs = [_t(c) for c in (choices if not isinstance(choices, (Tensor, np.ndarray))
                          else list(choices))]
    n = len(cs)
    if mode == "wrap":
        idx = idx % n
    elif mode == "clip":
        idx = np.clip(idx, 0, n - 1)
    elif mode != "raise":
        raise ValueError(f"choose: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    elif idx.size and (idx.min() < 0 or idx.max() >= n):
        raise ValueError("choose: invalid entry in choice array")
    shape = np.broadcast_shapes(idx.shape, *[c.shape for c in cs])
    dtype = np.result_type(*[c.dtype for c in cs])
    stacked = stack([ops.broadcast_to(ops.cast(c, dtype) if c.dtype != dtype else c, shape)
                     for c in cs])
    sel = np.broadcast_to(idx, shape)[None].astype(np.intp)
    return ops.take_along_axis(stacked, sel, 0)[0]


def compress(condition: ArrayLike, a: ArrayLike, axis: int | None = None,
             out: None = None) -> Tensor:
    """The slices along `axis` (elements of the flattened array when None) where
    `condition` is true, as `np.compress`; differentiable.

    Args:
        condition: 1-D booleans (may be shorter than the axis).
        a: the array.
        axis: the axis, or None.
        out: not supported (None).

    >>> import tapegrad.numpy as tnp
    >>> tnp.compress([False, True], tnp.array([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([[3., 4.]], dtype=float64)
    """
    if out is not None:
        raise TypeError("compress: out= is not supported; use the returned tensor")
    cond = np.asarray(_raw(asarg(condition)))
    if cond.ndim != 1:
        raise ValueError("compress: condition must be a 1-d array")
    a = _t(a)
    keep = np.flatnonzero(cond)
    if axis is None:
        a, axis = ravel(a), 0
    if keep.size and keep[-1] >= a.shape[axis]:
        raise IndexError(f"compress: condition selects index {keep[-1]}, out of bounds for "
                         f"axis {axis} of size {a.shape[axis]}")
    return ops.take(a, keep, axis)


def extract(condition: ArrayLike, arr: ArrayLike) -> Tensor:
    """The elements of `arr` where `condition` is true (both flattened), as
    `np.extract`; differentiable.

    Args:
        condition: booleans (or values tested for nonzero), arr's size.
        arr: the array.

    >>> import tapegrad.numpy as tnp
    >>> tnp.extract([True, False, True], tnp.array([1.0, 2.0, 3.0]))
    tensor([1., 3.], dtype=float64)
    """
    cond = np.asarray(_raw(asarg(condition))).reshape(-1)
    return ops.take(ravel(_t(arr)), np.flatnonzero(cond))


def unstack(x: ArrayLike, /, *, axis: int = 0) -> tuple[Tensor, ...]:
    """The slices of x along `axis`, as a tuple (NumPy 2.1's unstack); differentiable.

    Args:
        x: the array.
        axis: the axis to split into its slices.

    >>> import tapegrad.numpy as tnp
    >>> tnp.unstack(tnp.array([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    (tensor([1., 3.], dtype=float64), tensor([2., 4.], dtype=float64))
    """
    x = _t(x)
    if x.ndim == 0:
        raise ValueError("unstack: input must be at least 1-d")
    x = ops.moveaxis(x, axis, 0)
    return tuple(x[i] for i in range(x.shape[0]))


def piecewise(x: ArrayLike, condlist: Any, funclist: Any, *args: Any, **kw: Any) -> Tensor:
    """A piecewise-defined function, as `np.piecewise`: where condlist[i] holds, the
    result is funclist[i](x[cond], *args, **kw) (or that constant); an extra last entry
    of funclist is the otherwise case. Differentiable in x through the functions.

    Args:
        x: the input domain.
        condlist: boolean arrays (or one), each of x's shape.
        funclist: functions or scalars, one per condition (plus an optional default).
        *args: passed to each function.
        **kw: passed to each function.

    >>> import tapegrad.numpy as tnp
    >>> x = tnp.array([-2.0, 1.0, 3.0])
    >>> tnp.piecewise(x, [x < 0, x >= 0], [lambda v: -v, lambda v: v ** 2])
    tensor([2., 1., 9.], dtype=float64)
    """
    x = _t(x)
    if isinstance(condlist, (Tensor, np.ndarray)) and np.ndim(_raw(condlist)) == x.ndim \
            or np.isscalar(condlist) or isinstance(condlist, (bool, np.bool_)):
        condlist = [condlist]
    elif isinstance(condlist, list) and condlist and x.ndim != 0 and \
            not isinstance(condlist[0], (list, tuple, np.ndarray, Tensor)):
        condlist = [condlist]
    conds = [np.broadcast_to(np.asarray(_raw(c), dtype=bool), x.shape) for c in condlist]
    funcs = list(funclist)
    if len(funcs) == len(conds) + 1:
        conds.append(~np.any(conds, axis=0) if conds else np.ones(x.shape, dtype=bool))
    elif len(funcs) != len(conds):
        raise ValueError(f"piecewise: with {len(conds)} condition(s), either {len(conds)} "
                         f"or {len(conds) + 1} functions are expected, got {len(funcs)}")
    y = as_result(np.zeros_like(_raw(x)))
    for cond, fn in zip(conds, funcs):
        if not cond.any():
            continue
        vals = fn(x[cond], *args, **kw) if callable(fn) else fn
        y = y.at[cond].set(vals)
    return y


class vectorize:
    """NumPy's `np.vectorize` (and jax.numpy's): `pyfunc` called once per element (or
    per core slice, given a `signature` such as "(n),(n)->()") of its broadcast
    arguments, the results stacked; differentiable, since each call records as usual.

    Args:
        pyfunc: the function (None: `vectorize(...)` returns a decorator).
        otypes: output dtypes (the results are cast to them).
        doc: a docstring for the vectorized function.
        excluded: positions or names of arguments passed through unvectorized.
        cache: NumPy's (accepted; nothing is cached).
        signature: generalized-ufunc core dimensions, e.g. "(m,n),(n)->(m)".

    >>> import tapegrad as tg
    >>> import tapegrad.numpy as tnp
    >>> f = tnp.vectorize(lambda a, b: a * b if a > 0 else b)
    >>> f(tnp.array([1.0, -1.0, 2.0]), 3.0)
    tensor([3., 3., 6.], dtype=float64)
    >>> tg.grad(lambda x: f(x, 3.0).sum())(tnp.array([1.0, -1.0, 2.0]))
    tensor([3., 0., 3.], dtype=float64)
    """

    def __init__(self, pyfunc: Any = None, otypes: Any = None, doc: str | None = None,
                 excluded: Any = None, cache: bool = False, signature: str | None = None):
        self.pyfunc = pyfunc
        if isinstance(otypes, str):
            otypes = list(otypes)
        self.otypes = None if otypes is None else [np.dtype(t) for t in otypes]
        self.excluded = set(excluded or ())
        self.cache = cache
        self.signature = signature
        self._core = _parse_signature(signature) if signature is not None else None
        self.__doc__ = doc if doc is not None else getattr(pyfunc, "__doc__", None)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self.pyfunc is None:                     # @vectorize(otypes=...) as a decorator
            if len(args) != 1 or kwargs or not callable(args[0]):
                raise TypeError("vectorize: pass the function to vectorize")
            return vectorize(args[0], self.otypes, self.__doc__, self.excluded,
                             self.cache, self.signature)
        pos = [i for i in range(len(args)) if i not in self.excluded]
        names = [k for k in kwargs if k not in self.excluded]
        vec = [_t(args[i]) for i in pos] + [_t(kwargs[k]) for k in names]
        core_in = self._core[0] if self._core else [()] * len(vec)
        if len(core_in) != len(vec):
            raise TypeError(f"vectorize: the signature {self.signature!r} takes "
                            f"{len(core_in)} argument(s), got {len(vec)}")
        sizes: dict[str, int] = {}
        loop_shapes = []
        for t, dims in zip(vec, core_in):
            if t.ndim < len(dims):
                raise ValueError(f"vectorize: an argument of shape {t.shape} has fewer "
                                 f"dimensions than its core dimensions {dims}")
            for d, n in zip(dims, t.shape[t.ndim - len(dims):]):
                if sizes.setdefault(d, n) != n:
                    raise ValueError(f"vectorize: core dimension {d!r} is {sizes[d]} and "
                                     f"{n} in different arguments")
            loop_shapes.append(t.shape[:t.ndim - len(dims)])
        loop = np.broadcast_shapes(*loop_shapes) if loop_shapes else ()
        vec = [ops.broadcast_to(t, loop + t.shape[t.ndim - len(d):])
               for t, d in zip(vec, core_in)]
        outs = []
        for ix in np.ndindex(*loop):
            a = list(args)
            kw = dict(kwargs)
            for j, i in enumerate(pos):
                a[i] = vec[j][ix]
            for j, k in enumerate(names):
                kw[k] = vec[len(pos) + j][ix]
            outs.append(self.pyfunc(*a, **kw))
        if not outs:
            raise ValueError("vectorize: cannot call the function on an empty batch "
                             "(the output types would be unknown)")
        multi = isinstance(outs[0], tuple)
        cols = list(zip(*outs)) if multi else [outs]
        res = []
        for k, col in enumerate(cols):
            col = [_t(v) for v in col]
            dtype = np.result_type(*[c.dtype for c in col])
            if self.otypes is not None and k < len(self.otypes):
                dtype = self.otypes[k]
            col = [ops.cast(c, dtype) if c.dtype != dtype else c for c in col]
            out = stack(col)
            res.append(ops.reshape(out, loop + col[0].shape))
        return tuple(res) if multi else res[0]


def _parse_signature(sig):
    m = re.fullmatch(r"\s*((?:\([\w, ]*\)\s*,?\s*)*)->\s*((?:\([\w, ]*\)\s*,?\s*)*)", sig)
    if m is None:
        raise ValueError(f"vectorize: not a valid gufunc signature: {sig!r}")

    def groups(s):
        return [tuple(d.strip() for d in g.split(",") if d.strip())
                for g in re.findall(r"\(([\w, ]*)\)", s)]
    return groups(m.group(1)), groups(m.group(2))


def apply_along_axis(func1d: Any, axis: int, arr: ArrayLike, *args: Any,
                     **kwargs: Any) -> Tensor:
    """func1d applied to each 1-D slice of arr along `axis`, as `np.apply_along_axis`
    (the result's axes replace `axis`); differentiable.

    Args:
        func1d: a function of a 1-D slice (returns a scalar or an array).
        axis: the axis the slices run along.
        arr: the array.
        *args: passed to func1d.
        **kwargs: passed to func1d.

    >>> import tapegrad.numpy as tnp
    >>> tnp.apply_along_axis(lambda r: r.max() - r.min(), 1, tnp.array([[1.0, 4.0], [2.0, 3.0]]))
    tensor([3., 1.], dtype=float64)
    """
    a = _t(arr)
    if a.ndim == 0:
        raise ValueError("apply_along_axis: arr must be at least 1-d")
    axis = int(axis)
    if not -a.ndim <= axis < a.ndim:
        raise np.exceptions.AxisError(axis, a.ndim)
    axis %= a.ndim
    m = ops.moveaxis(a, axis, -1)
    outer = m.shape[:-1]
    if 0 in outer:
        raise ValueError("apply_along_axis: cannot apply to 0-sized slices")
    res = [_t(func1d(m[ix], *args, **kwargs)) for ix in np.ndindex(*outer)]
    dtype = np.result_type(*[r.dtype for r in res])
    out = stack([ops.cast(r, dtype) if r.dtype != dtype else r for r in res])
    rnd = res[0].ndim
    out = ops.reshape(out, outer + res[0].shape)
    # the result's own axes go where `axis` was
    perm = (list(range(axis)) + list(range(len(outer), len(outer) + rnd))
            + list(range(axis, len(outer))))
    return ops.transpose(out, perm)


def apply_over_axes(func: Any, a: ArrayLike, axes: Any) -> Tensor:
    """func(a, axis) applied for each axis in turn, keeping the dimensions, as
    `np.apply_over_axes`; differentiable.

    Args:
        func: a function (array, axis) -> array of the same or one fewer dimensions.
        a: the array.
        axes: an int or a sequence of ints.

    >>> import tapegrad.numpy as tnp
    >>> tnp.apply_over_axes(tnp.sum, tnp.ones((2, 3)), [0, 1])
    tensor([[6.]], dtype=float64)
    """
    val = _t(a)
    n = val.ndim
    for ax in np.atleast_1d(np.asarray(axes)):
        ax = int(ax) % n if n else int(ax)
        res = _t(func(val, ax))
        if res.ndim == n - 1:
            res = ops.expand_dims(res, ax)
        elif res.ndim != n:
            raise ValueError("apply_over_axes: function is not returning an array of the "
                             "correct shape")
        val = res
    return val


def geomspace(start: ArrayLike, stop: ArrayLike, num: int = 50, endpoint: bool = True,
              dtype: DTypeLike = None, axis: int = 0) -> Tensor:
    """Numbers spaced evenly on a log scale from start to stop (their signs kept), as
    `np.geomspace`; differentiable in start and stop.

    Args:
        start: the first value (nonzero).
        stop: the last value (nonzero, start's sign).
        num: how many values.
        endpoint: whether stop is included.
        dtype: the result's dtype.
        axis: where the samples go when start/stop are arrays.

    >>> import tapegrad.numpy as tnp
    >>> tnp.geomspace(1.0, 1000.0, 4).round(6)
    tensor([   1.,   10.,  100., 1000.], dtype=float64)
    """
    s, e = _f(start), _f(stop)
    if np.any(_raw(s) == 0) or np.any(_raw(e) == 0):
        raise ValueError("geomspace: geometric sequence cannot include zero")
    if np.any(np.sign(_raw(s)) != np.sign(_raw(e))):
        raise ValueError("geomspace: start and stop must have the same sign (complex "
                         "sequences are not supported)")
    num = int(num)
    if num < 0:
        raise ValueError(f"geomspace: number of samples, {num}, must be non-negative")
    shape = np.broadcast_shapes(s.shape, e.shape)
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint).reshape((num,) + (1,) * len(shape))
    sign = np.sign(_raw(s))
    ls, le = ops.log(ops.abs(s)), ops.log(ops.abs(e))
    out = ops.exp(ls * (1 - t) + le * t) * sign
    if num:
        out = out.at[0].set(ops.broadcast_to(s, shape))            # exact ends, as NumPy
        if endpoint and num > 1:
            out = out.at[-1].set(ops.broadcast_to(e, shape))
    if axis != 0:
        out = ops.moveaxis(out, 0, axis)
    return out if dtype is None else ops.cast(out, np.dtype(dtype))


def modf(x: ArrayLike, /) -> tuple[Tensor, Tensor]:
    """(fractional part, integral part), both with x's sign, as `np.modf`; the
    fractional part has gradient 1.

    Args:
        x: the array.

    >>> import tapegrad.numpy as tnp
    >>> tnp.modf(tnp.array([1.5, -2.25]))
    (tensor([ 0.5000, -0.2500], dtype=float64), tensor([ 1., -2.], dtype=float64))
    """
    x = _f(x)
    whole = ops.trunc(x)
    return x - whole, whole


def frexp(x: ArrayLike, /) -> tuple[Tensor, Tensor]:
    """(mantissa, exponent) with x = mantissa * 2**exponent, as `np.frexp`; the
    mantissa is differentiable (x scaled by a constant power of two).

    Args:
        x: the array.

    >>> import tapegrad.numpy as tnp
    >>> tnp.frexp(tnp.array([8.0, 0.75]))
    (tensor([0.5000, 0.7500], dtype=float64), tensor([4, 0], dtype=int32))
    """
    x = _f(x)
    _, e = np.frexp(_raw(x))
    return x * np.ldexp(np.ones((), dtype=x.dtype), -e), as_result(e)


def ldexp(x1: ArrayLike, x2: ArrayLike, /) -> Tensor:
    """x1 * 2**x2 for integer x2, as `np.ldexp`; differentiable in x1.

    Args:
        x1: the mantissas.
        x2: integer exponents.

    >>> import tapegrad.numpy as tnp
    >>> tnp.ldexp(tnp.array([0.5, 3.0]), [4, 1])
    tensor([8., 6.], dtype=float64)
    """
    x1 = _f(x1)
    e = np.asarray(_raw(asarg(x2)))
    if e.dtype.kind not in "iub":
        raise TypeError(f"ldexp: x2 must hold integers, got dtype {e.dtype}")
    return x1 * np.ldexp(np.ones((), dtype=x1.dtype), e)


def divmod(x1: ArrayLike, x2: ArrayLike, /) -> tuple[Tensor, Tensor]:
    """(x1 // x2, x1 % x2), as `np.divmod`; the remainder is differentiable.

    Args:
        x1: the dividend.
        x2: the divisor.

    >>> import tapegrad.numpy as tnp
    >>> tnp.divmod(tnp.array([7.0, -7.0]), 2.0)
    (tensor([ 3., -4.], dtype=float64), tensor([1., 1.], dtype=float64))
    """
    a, b = _t(x1), _t(x2)
    return ops.floor_divide(a, b), ops.remainder(a, b)


def sort_complex(a: ArrayLike) -> Tensor:
    """Sorted by real part, then imaginary part, along the last axis, returned complex,
    as `np.sort_complex`; differentiable.

    Args:
        a: the array.

    >>> import tapegrad.numpy as tnp
    >>> tnp.sort_complex(tnp.array([3.0, 1.0, 2.0]))
    tensor([1.+0.j, 2.+0.j, 3.+0.j], dtype=complex128)
    """
    a = _t(a)
    r = _raw(a)
    idx = np.lexsort((r.imag, r.real), axis=-1) if r.ndim else np.zeros((), np.intp)
    out = ops.take_along_axis(a, idx, -1) if r.ndim else a
    ctype = np.result_type(r.dtype, np.complex64)
    if r.dtype.kind in "iub" or r.dtype == np.float64:
        ctype = np.dtype(np.complex128)
    return ops.cast(out, ctype) if out.dtype != ctype else out


UniqueAllResult = collections.namedtuple("UniqueAllResult",
                                         "values indices inverse_indices counts")
UniqueCountsResult = collections.namedtuple("UniqueCountsResult", "values counts")
UniqueInverseResult = collections.namedtuple("UniqueInverseResult", "values inverse_indices")


def unique_values(x: ArrayLike, /) -> Tensor:
    """The sorted unique elements (NaNs kept apart), as NumPy 2's `np.unique_values`;
    the values are gathered from x, so they carry its gradient.

    Args:
        x: the array (flattened).

    >>> import tapegrad.numpy as tnp
    >>> tnp.unique_values(tnp.array([2.0, 1.0, 2.0]))
    tensor([1., 2.], dtype=float64)
    """
    return unique(x, equal_nan=False)


def unique_counts(x: ArrayLike, /) -> Any:
    """(values, counts) of the unique elements, as `np.unique_counts`.

    Args:
        x: the array (flattened).

    >>> import tapegrad.numpy as tnp
    >>> tnp.unique_counts(tnp.array([2.0, 1.0, 2.0])).counts
    tensor([1, 2])
    """
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False))


def unique_inverse(x: ArrayLike, /) -> Any:
    """(values, inverse_indices) with values[inverse_indices] == x, as
    `np.unique_inverse` (the indices have x's shape).

    Args:
        x: the array.

    >>> import tapegrad.numpy as tnp
    >>> tnp.unique_inverse(tnp.array([2.0, 1.0, 2.0])).inverse_indices
    tensor([1, 0, 1])
    """
    x = _t(x)
    v, inv = unique(x, return_inverse=True, equal_nan=False)
    return UniqueInverseResult(v, as_result(np.reshape(_raw(inv), x.shape)))


def unique_all(x: ArrayLike, /) -> Any:
    """(values, indices, inverse_indices, counts), as `np.unique_all`.

    Args:
        x: the array.

    >>> import tapegrad.numpy as tnp
    >>> tnp.unique_all(tnp.array([2.0, 1.0, 2.0])).indices
    tensor([1, 0])
    """
    x = _t(x)
    v, idx, inv, cnt = unique(x, return_index=True, return_inverse=True,
                              return_counts=True, equal_nan=False)
    return UniqueAllResult(v, idx, as_result(np.reshape(_raw(inv), x.shape)), cnt)


# ---------------------------------------------------------------- writers
def _write(who, a, index, values, inplace):
    """a[index] = values: into a tensor in place (recorded, as NumPy's in-place write),
    into an ndarray by NumPy, or (inplace=False, JAX's way) as a new tensor."""
    if not inplace:
        return _t(a).at[index].set(values)
    if isinstance(a, Tensor):
        a[index] = values
        return None
    if isinstance(a, np.ndarray):
        if isinstance(values, Tensor) and values.requires_grad:
            raise TypeError(f"{who}: writing a tensor that requires grad into an ndarray "
                            "would cut its gradient; pass a tensor as the target, or "
                            "inplace=False for a new tensor")
        a[index] = _raw(values)
        return None
    raise TypeError(f"{who}: writing in place needs a tensor or an ndarray, got "
                    f"{type(a).__name__}; pass inplace=False for a new tensor")


def fill_diagonal(a: Any, val: ArrayLike, wrap: bool = False, *,
                  inplace: bool = True) -> Any:
    """Write `val` on the main diagonal of `a`, as `np.fill_diagonal`: in place (into a
    tensor as a recorded write, returning None) or, with `inplace=False` as
    jax.numpy requires, a new tensor (differentiable in a and val).

    Args:
        a: an array of at least 2 dimensions (all equal unless 2-D).
        val: the value(s), repeated along the diagonal.
        wrap: for a tall 2-D array, whether the diagonal wraps after N columns.
        inplace: NumPy's in-place write (default) or JAX's new array (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.fill_diagonal(tnp.zeros((2, 3)), 5.0, inplace=False)
    tensor([[5., 0., 0.],
            [0., 5., 0.]], dtype=float64)
    """
    shape = np.shape(_raw(a)) if isinstance(a, (Tensor, np.ndarray)) else np.shape(a)
    if len(shape) < 2:
        raise ValueError("fill_diagonal: array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) != 1:
        raise ValueError("fill_diagonal: all dimensions of input must be of equal length")
    mark = np.zeros(shape, dtype=bool)
    np.fill_diagonal(mark, True, wrap=wrap)
    n = int(mark.sum())
    v = _t(val)
    v = ravel(v) if v.ndim else v
    if v.ndim and v.shape[0] != n:
        v = _gather(v, np.resize(np.arange(v.shape[0]), n))      # NumPy repeats val
    index = np.nonzero(mark)
    return _write("fill_diagonal", a, index, v, inplace)


def put(a: Any, ind: ArrayLike, v: ArrayLike, mode: str = "raise", *,
        inplace: bool = True) -> Any:
    """Write v at the flat positions `ind` of a, as `np.put` (in place; v repeats if
    short) or, with `inplace=False` (jax.numpy), as a new tensor.

    Args:
        a: the target.
        ind: flat indices.
        v: the values.
        mode: 'raise', 'wrap' or 'clip' for out-of-range indices.
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.put(tnp.zeros(4), [0, 2], [1.0, 2.0], inplace=False)
    tensor([1., 0., 2., 0.], dtype=float64)
    """
    shape = np.shape(_raw(a))
    size = int(np.prod(shape))
    ind = np.asarray(_raw(asarg(ind))).reshape(-1).astype(np.intp)
    if mode == "wrap":
        ind = ind % size
    elif mode == "clip":
        ind = np.clip(ind, 0, size - 1)
    elif mode != "raise":
        raise ValueError(f"put: mode must be 'raise', 'wrap' or 'clip', got {mode!r}")
    elif ind.size and (ind.max() >= size or ind.min() < -size):
        raise IndexError(f"put: index {ind.max()} is out of bounds for size {size}")
    if ind.size == 0:
        return _t(a) if not inplace else None
    vals = ravel(_t(v))
    vals = _gather(vals, np.resize(np.arange(vals.shape[0]), ind.size))
    return _write("put", a, np.unravel_index(ind % size, shape), vals, inplace)


def place(arr: Any, mask: ArrayLike, vals: ArrayLike, *, inplace: bool = True) -> Any:
    """Write vals (repeated as needed) where mask is true, as `np.place` (in place) or,
    with `inplace=False` (jax.numpy), as a new tensor.

    Args:
        arr: the target.
        mask: booleans of arr's shape.
        vals: the values, used in order.
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.place(tnp.zeros(3), [True, False, True], [7.0], inplace=False)
    tensor([7., 0., 7.], dtype=float64)
    """
    m = np.asarray(_raw(asarg(mask)), dtype=bool)
    n = int(m.sum())
    vals = ravel(_t(vals))
    if n and vals.shape[0] == 0:
        raise ValueError("place: cannot place values into a masked array from an empty "
                         "sequence")
    vals = _gather(vals, np.resize(np.arange(max(vals.shape[0], 1)), n))
    return _write("place", arr, np.nonzero(m), vals, inplace)


def put_along_axis(arr: Any, indices: ArrayLike, values: ArrayLike, axis: int | None, *,
                   inplace: bool = True) -> Any:
    """Write values at the 1-D indices along `axis`, as `np.put_along_axis` (in place,
    returning None) or, with `inplace=False` (jax.numpy), as a new tensor.

    Args:
        arr: the target.
        indices: integer indices, broadcastable with arr outside axis.
        values: the values, broadcast to indices' shape.
        axis: the axis (None: arr flattened).
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.put_along_axis(tnp.zeros((2, 2)), tnp.array([[1], [0]]), 3.0, 1, inplace=False)
    tensor([[0., 3.],
            [3., 0.]], dtype=float64)
    """
    shape = np.shape(_raw(arr))
    idx = np.asarray(_raw(asarg(indices)))
    pos = _positions(shape)
    if axis is None:
        pos, axis = pos.reshape(-1), 0
    flat = np.take_along_axis(pos, idx, axis)           # the flat positions written
    vals = ops.broadcast_to(_t(values), flat.shape)
    return _write("put_along_axis", arr, np.unravel_index(flat.reshape(-1), shape),
                  ravel(vals), inplace)


def putmask(a: Any, mask: ArrayLike, values: ArrayLike, *, inplace: bool = True) -> Any:
    """a.flat[n] = values[n % len(values)] wherever mask.flat[n], as `np.putmask` (in
    place) or, with `inplace=False`, as a new tensor.

    Args:
        a: the target.
        mask: booleans of a's shape.
        values: the values, repeated over a's flat positions.
        inplace: NumPy's in-place write (default) or a new tensor (False).

    >>> import tapegrad.numpy as tnp
    >>> tnp.putmask(tnp.zeros(4), [True, False, False, True], [1.0, 2.0], inplace=False)
    tensor([1., 0., 0., 2.], dtype=float64)
    """
    shape = np.shape(_raw(a))
    m = np.broadcast_to(np.asarray(_raw(asarg(mask)), dtype=bool), shape)
    where = np.flatnonzero(m)
    vals = ravel(_t(values))
    if where.size and vals.shape[0] == 0:
        raise ValueError("putmask: cannot put values from an empty sequence")
    vals = _gather(vals, where % max(vals.shape[0], 1))
    return _write("putmask", a, np.unravel_index(where, shape), vals, inplace)


def frompyfunc(func: Any, /, nin: int, nout: int, *, identity: Any = None) -> vectorize:
    """`func` over the elements of its broadcast arguments, as `np.frompyfunc` (here
    a `vectorize`: results are stacked into tensors, not object arrays); differentiable.

    Args:
        func: a function of nin scalars returning nout values.
        nin: the number of inputs.
        nout: the number of outputs (a tuple when above 1).
        identity: NumPy's ufunc identity (accepted).

    >>> import tapegrad.numpy as tnp
    >>> tnp.frompyfunc(lambda a, b: a * b, 2, 1)(tnp.array([1.0, 2.0]), 3.0)
    tensor([3., 6.], dtype=float64)
    """
    if int(nin) < 0 or int(nout) < 1:
        raise ValueError(f"frompyfunc: nin must be >= 0 and nout >= 1, got {nin}, {nout}")
    return vectorize(func)


def make_diagonal(D: ArrayLike, offset: int = 0, axis1: int = 0, axis2: int = 1) -> Tensor:
    """autograd.numpy's make_diagonal: a new array whose diagonal over (axis1, axis2)
    holds D's last axis (autograd supports offset=0, axis1=-1, axis2=-2, as here);
    differentiable.

    Args:
        D: the diagonals, along the last axis.
        offset: the diagonal (0 only, as autograd).
        axis1: -1 (as autograd).
        axis2: -2 (as autograd).

    >>> import tapegrad.numpy as tnp
    >>> tnp.make_diagonal(tnp.array([1.0, 2.0]), axis1=-1, axis2=-2)
    tensor([[1., 0.],
            [0., 2.]], dtype=float64)
    """
    if not (offset == 0 and axis1 == -1 and axis2 == -2):
        raise NotImplementedError("make_diagonal: only offset=0, axis1=-1, axis2=-2 are "
                                  "supported (as in autograd)")
    return ops.diag_embed(_t(D))


def copyto(dst: Any, src: ArrayLike, casting: Any = "same_kind", where: Any = True) -> None:
    """Copy src (broadcast) into dst where `where` holds, in place, as `np.copyto`
    (a tensor target records the write).

    Args:
        dst: the target tensor or ndarray.
        src: the values.
        casting: NumPy's casting rule (checked for ndarrays by NumPy).
        where: booleans selecting the elements written.

    >>> import tapegrad.numpy as tnp
    >>> x = tnp.zeros(3)
    >>> tnp.copyto(x, [1.0, 2.0, 3.0], where=[True, False, True])
    >>> x
    tensor([1., 0., 3.], dtype=float64)
    """
    shape = np.shape(_raw(dst))
    w = np.broadcast_to(np.asarray(_raw(asarg(where)), dtype=bool), shape)
    if isinstance(dst, np.ndarray) and not isinstance(src, Tensor):
        np.copyto(dst, _raw(asarg(src)), casting=casting, where=w)
        return None
    s = ops.broadcast_to(_t(src), shape)
    _write("copyto", dst, w, s[w], True)
    return None


NAMES = ["insert", "resize", "choose", "compress", "extract", "unstack", "piecewise",
         "vectorize", "apply_along_axis", "apply_over_axes", "geomspace", "modf", "frexp",
         "ldexp", "divmod", "sort_complex", "unique_values", "unique_counts",
         "unique_inverse", "unique_all", "fill_diagonal", "put", "place", "put_along_axis",
         "copyto", "putmask", "frompyfunc", "make_diagonal"]
