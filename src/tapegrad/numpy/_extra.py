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

    from .._typing import ArrayLike, DTypeLike


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
    idx = np.asanyarray(_raw(asarg(a)))
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


def _sized(x, size, fill_value, axis=0):
    """jax.numpy's size=/fill_value=: x cut or padded (with fill_value) along axis."""
    if size is None:
        return x
    n, size = x.shape[axis], int(size)
    if n >= size:
        return ops.moveaxis(ops.moveaxis(x, axis, 0)[:size], 0, axis)
    shape = list(x.shape)
    shape[axis] = size - n
    fill = ops.broadcast_to(ops.cast(_t(0 if fill_value is None else fill_value), x.dtype),
                            tuple(shape))
    return concatenate([x, fill], axis=axis)


def compress(condition: ArrayLike, a: ArrayLike, axis: int | None = None,
             out: None = None, *, size: int | None = None,
             fill_value: ArrayLike | None = None) -> Tensor:
    """The slices along `axis` (elements of the flattened array when None) where
    `condition` is true, as `np.compress`; differentiable.

    Args:
        condition: 1-D booleans (may be shorter than the axis).
        a: the array.
        axis: the axis, or None.
        out: not supported (None).
        size: jax.numpy's: the result cut or padded to this length along axis.
        fill_value: the padding (default 0).

    >>> import tapegrad.numpy as tnp
    >>> tnp.compress([False, True], tnp.array([[1.0, 2.0], [3.0, 4.0]]), axis=0)
    tensor([[3., 4.]], dtype=float64)
    """
    if out is not None:
        raise TypeError("compress: out= is not supported; use the returned tensor")
    cond = np.asanyarray(_raw(asarg(condition)))
    if cond.ndim != 1:
        raise ValueError("compress: condition must be a 1-d array")
    a = _t(a)
    keep = np.flatnonzero(cond)
    if axis is None:
        a, axis = ravel(a), 0
    if keep.size and keep[-1] >= a.shape[axis]:
        raise IndexError(f"compress: condition selects index {keep[-1]}, out of bounds for "
                         f"axis {axis} of size {a.shape[axis]}")
    return _sized(ops.take(a, keep, axis), size, fill_value, axis)


def extract(condition: ArrayLike, arr: ArrayLike, *, size: int | None = None,
            fill_value: ArrayLike | None = None) -> Tensor:
    """The elements of `arr` where `condition` is true (both flattened), as
    `np.extract`; differentiable.

    Args:
        condition: booleans (or values tested for nonzero), arr's size.
        arr: the array.
        size: jax.numpy's: the result cut or padded to this length.
        fill_value: the padding (default 0).

    >>> import tapegrad.numpy as tnp
    >>> tnp.extract([True, False, True], tnp.array([1.0, 2.0, 3.0]))
    tensor([1., 3.], dtype=float64)
    """
    cond = np.asanyarray(_raw(asarg(condition))).reshape(-1)
    return _sized(ops.take(ravel(_t(arr)), np.flatnonzero(cond)), size, fill_value)


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
    if any(_in_vmap(c) for c in condlist):
        return _piecewise_batched(x, condlist, list(funclist), args, kw)
    conds = [np.broadcast_to(np.asanyarray(_raw(c), dtype=bool), x.shape) for c in condlist]
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


def _piecewise_batched(x, condlist, funcs, args, kw):
    """piecewise with conditions batched by tg.vmap (each element picks its own places):
    every function runs on all of x, flattened as x[cond] is, and tg.where picks, the
    later condition winning as np.piecewise's later assignment does (JAX's
    jnp.piecewise does the same under vmap). A function must then work elementwise; the
    places it was not picked for get no gradient from it (tg.where), though a NaN its
    slope takes there still multiplies a zero."""
    # nonzero is true, as np.asanyarray(c, dtype=bool) reads the unbatched conditions
    conds = [ops.broadcast_to((c if c.dtype == bool else c != 0) if isinstance(c, Tensor)
                              else np.asarray(c, dtype=bool), x.shape) for c in condlist]
    if len(funcs) == len(conds) + 1:
        none = conds[0]
        for c in conds[1:]:
            none = none | c
        conds.append(~none)
    elif len(funcs) != len(conds):
        raise ValueError(f"piecewise: with {len(conds)} condition(s), either {len(conds)} "
                         f"or {len(conds) + 1} functions are expected, got {len(funcs)}")
    y = as_result(np.zeros(x.shape, x.dtype))
    flat = ops.reshape(x, (-1,))
    for cond, fn in zip(conds, funcs):
        vals = fn(flat, *args, **kw) if callable(fn) else fn
        if isinstance(vals, Tensor) and vals.ndim and vals.shape == flat.shape:
            vals = ops.reshape(vals, x.shape)
        y = ops.where(cond, ops.cast(vals, y.dtype) if isinstance(vals, Tensor) else vals, y)
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


def _in_vmap(x):
    """Whether x is batched by tg.vmap (its own values are placeholders)."""
    return isinstance(x, Tensor) and x._x is not None and "vmap" in x._x


def _every(x):
    """The values of x for a check, those of every batch element when tg.vmap batches
    it (at every level it is batched at)."""
    while _in_vmap(x):
        x = x._x["vmap"][1]
    return _raw(x)


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
    if _in_vmap(s) or _in_vmap(e):
        # tg.vmap: the checks read every batch element's values; the signs pair up
        # through batched ops
        sign = ops.sign(s)
        zero = np.any(_every(s) == 0) or np.any(_every(e) == 0)
        differ = not zero and np.any(_every(sign * ops.sign(e)) < 0)
    else:
        sign = np.sign(_raw(s))
        zero = np.any(_raw(s) == 0) or np.any(_raw(e) == 0)
        differ = np.any(sign != np.sign(_raw(e)))
    if zero:
        raise ValueError("geomspace: geometric sequence cannot include zero")
    if differ:
        raise ValueError("geomspace: start and stop must have the same sign (complex "
                         "sequences are not supported)")
    num = int(num)
    if num < 0:
        raise ValueError(f"geomspace: number of samples, {num}, must be non-negative")
    shape = np.broadcast_shapes(s.shape, e.shape)
    t = np.linspace(0.0, 1.0, num, endpoint=endpoint).reshape((num,) + (1,) * len(shape))
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
    e = np.asanyarray(_raw(asarg(x2)))
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


def unique_values(x: ArrayLike, /, *, size: int | None = None,
                  fill_value: ArrayLike | None = None) -> Tensor:
    """The sorted unique elements (NaNs kept apart), as NumPy 2's `np.unique_values`;
    the values are gathered from x, so they carry its gradient.

    Args:
        x: the array (flattened).
        size: jax.numpy's: cut or padded to this many (see `unique`).
        fill_value: the padding.

    >>> import tapegrad.numpy as tnp
    >>> tnp.unique_values(tnp.array([2.0, 1.0, 2.0]))
    tensor([1., 2.], dtype=float64)
    """
    return unique(x, equal_nan=False, size=size, fill_value=fill_value)


def unique_counts(x: ArrayLike, /, *, size: int | None = None,
                  fill_value: ArrayLike | None = None) -> Any:
    """(values, counts) of the unique elements, as `np.unique_counts`.

    Args:
        x: the array (flattened).
        size: jax.numpy's: cut or padded to this many (counts pad with 0).
        fill_value: the values' padding.

    >>> import tapegrad.numpy as tnp
    >>> tnp.unique_counts(tnp.array([2.0, 1.0, 2.0])).counts
    tensor([1, 2])
    """
    return UniqueCountsResult(*unique(x, return_counts=True, equal_nan=False, size=size,
                                      fill_value=fill_value))


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


def take(a: ArrayLike, indices: ArrayLike, axis: int | None = None, out: None = None,
         mode: str | None = None, *, unique_indices: bool = False,
         indices_are_sorted: bool = False, fill_value: ArrayLike | None = None) -> Tensor:
    """Elements of a at `indices` along `axis` (the flattened a when None), as `np.take`;
    differentiable, repeated indices adding their gradients.

    Args:
        a: the array.
        indices: integer indices.
        axis: the axis, or None.
        out: not supported (None).
        mode: out-of-range indices: 'raise' (None, NumPy's default), 'wrap', 'clip', or
            jax.numpy's 'fill' (fill_value there) and 'promise_in_bounds'.
        unique_indices: jax.numpy's hint (accepted).
        indices_are_sorted: jax.numpy's hint (accepted).
        fill_value: for mode='fill' (default NaN, or the dtype's minimum for integers).

    >>> import tapegrad.numpy as tnp
    >>> tnp.take(tnp.array([1.0, 2.0, 3.0]), [0, 5], mode="clip")
    tensor([1., 3.], dtype=float64)
    """
    if out is not None:
        raise TypeError("take: out= is not supported; use the returned tensor")
    a = _t(a)
    idx = np.asanyarray(_raw(asarg(indices)))
    if idx.dtype.kind not in "iu":
        raise IndexError(f"take: indices must be integers, got dtype {idx.dtype}")
    if mode in (None, "raise", "promise_in_bounds"):
        return ops.take(a, idx, axis)
    n = a.size if axis is None else a.shape[axis]
    if mode == "wrap":
        return ops.take(a, idx % n, axis)
    if mode == "clip":
        return ops.take(a, np.clip(idx, 0, n - 1), axis)
    if mode != "fill":
        raise ValueError(f"take: mode must be 'raise', 'wrap', 'clip' or 'fill', got {mode!r}")
    bad = (idx < -n) | (idx >= n)
    got = ops.take(a, np.where(bad, 0, idx), axis)
    if fill_value is None:
        fill_value = np.nan if a.dtype.kind in "fc" else (
            False if a.dtype.kind == "b" else np.iinfo(a.dtype).min)
    ax = 0 if axis is None else axis % a.ndim
    mask = bad.reshape((1,) * ax + idx.shape + (1,) * (got.ndim - ax - idx.ndim))
    return ops.where(mask, ops.cast(_t(fill_value), a.dtype), got)


def argsort(a: ArrayLike, axis: int | None = -1, kind: Any = None,
            order: Any = None, *, stable: bool | None = None,
            descending: bool = False) -> Tensor:
    """The indices that sort a along `axis` (an integer tensor, no gradient), as
    `np.argsort`; jax.numpy's descending=True gives the largest first (ties in their
    original order).

    Args:
        a: the array.
        axis: the axis (None: flattened).
        kind: NumPy's algorithm name (a stable sort is used for 'stable'/'mergesort').
        order: not supported for tensors (no structured dtypes).
        stable: keep equal elements in their order.
        descending: largest first.

    >>> import tapegrad.numpy as tnp
    >>> tnp.argsort(tnp.array([3.0, 1.0, 2.0]), descending=True)
    tensor([0, 2, 1])
    """
    # the tensor's own array: np.asarray would hide the read from a tg.jit trace, which
    # then replayed the first call's order
    r = _raw(asarg(a))
    r = r if isinstance(r, np.ndarray) else np.asarray(r)
    if axis is None:
        r, axis = r.reshape(-1), -1
    if not descending:
        return as_result(np.argsort(r, axis=axis, kind=kind, stable=stable))
    # stable descending: the stable ascending order of the flipped array, mapped back
    n = r.shape[axis]
    flipped = np.argsort(np.flip(r, axis), axis=axis, kind="stable")
    return as_result(np.flip(n - 1 - flipped, axis))


OVERRIDES = ["take", "argsort"]
NAMES: list[str] = ["insert", "resize", "choose", "compress", "extract", "unstack", "piecewise",
         "vectorize", "apply_along_axis", "apply_over_axes", "geomspace", "modf", "frexp",
         "ldexp", "divmod", "sort_complex", "unique_values", "unique_counts",
         "unique_inverse", "unique_all", "frompyfunc", "make_diagonal"]
