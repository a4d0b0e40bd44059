"""`jax.lax`'s control flow and slicing helpers, so `from jax import lax` ports by its
import line (`from tapegrad import lax`).

tapegrad is eager, so `scan`, `fori_loop` (with int bounds), `map` and
`associative_scan` run as Python loops: each step is recorded, so gradients (reverse and
forward, any order), tg.vmap and tg.jit (which traces the unrolled loop) work through
them. `while_loop` and `cond` are tg.while_loop and tg.cond (kept as one step inside a
tg.function / tg.jit trace). Under tg.vmap a batched predicate runs both branches and
selects per example, and a batched `while_loop` runs until every example is done, as
JAX does.

>>> import tapegrad.numpy as jnp
>>> from tapegrad import lax
>>> def step(carry, x):
...     return carry + x, carry * x
>>> total, ys = lax.scan(step, 0.0, jnp.arange(4.0))
>>> total, ys
(tensor(6., dtype=float64), tensor([0., 0., 2., 9.], dtype=float64))
"""
from __future__ import annotations

import builtins
import operator

import numpy as np

from . import ops
from ._check import _got, integer
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .function.control import cond as _tg_cond
from .function.control import while_loop as _tg_while
from .function.trace import tracing as _tracing
from .tape import stop_gradient
from .vmap._batched import info as _batched
from ._lax_conv import conv, conv_general_dilated, reduce_window, top_k
from . import _lax_more
from ._lax_more import *  # noqa: F401,F403  (JAX's other lax names)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any
    from ._typing import ArrayLike, DTypeLike


def _leaves(tree):
    return flatten(tree)


def _tensor(v):
    return v if isinstance(v, Tensor) else make(np.asarray(v))


def _length(xs, length, fn):
    leaves, _ = _leaves(xs)
    shapes = [np.shape(v._data if isinstance(v, Tensor) else v) for v in leaves]
    if any(len(s) == 0 for s in shapes):
        raise ValueError(f"lax.{fn}: every leaf of xs needs a leading axis to loop over, "
                         f"got shapes {shapes}")
    sizes = {int(s[0]) for s in shapes}
    if length is not None:
        length = integer(length, f"lax.{fn}", "length", low=0)
        sizes.add(length)
    if len(sizes) != 1:
        raise ValueError(f"lax.{fn}: the leading axes of xs (and length) must agree, got "
                         f"{sorted(sizes)}" if sizes else
                         f"lax.{fn}: give xs or length")
    return sizes.pop()


def _stack(trees, n_hint, probe):
    """Per-step results stacked leaf by leaf; an empty loop gives zero-length leaves of
    `probe`'s shapes."""
    if not trees:
        leaves, spec = _leaves(probe)
        return unflatten(spec, [make(np.zeros((0,) + tuple(np.shape(_tensor(v)._data)),
                                              _tensor(v).dtype)) for v in leaves])
    spec = _leaves(trees[0])[1]
    cols = list(zip(*(_leaves(t)[0] for t in trees)))
    return unflatten(spec, [ops.stack([_tensor(v) for v in col], axis=0) for col in cols])


def _index(tree, i):
    leaves, spec = _leaves(tree)
    return unflatten(spec, [v[i] for v in leaves])


def scan(f: Callable[[Any, Any], tuple[Any, Any]], init: Any, xs: Any = None,
         length: int | None = None, reverse: bool = False, unroll: Any = 1,
         _split_transpose: bool = False) -> tuple[Any, Any]:
    """Loop `carry, y = f(carry, x)` over the leading axis of `xs` (jax.lax.scan);
    returns the final carry and the `y`s stacked.

    Args:
        f: a function (carry, x) -> (carry, y); carry and y may be pytrees (y may be
            None).
        init: the first carry.
        xs: a pytree of arrays scanned along axis 0 (None: `length` steps with x None).
        length: the number of steps (needed when xs is None).
        reverse: scan from the last entry to the first (ys keep xs' order).
        unroll: accepted for JAX's signature (the loop always runs step by step).

    Returns:
        (final carry, stacked ys).

    Raises:
        ValueError: xs' leaves differ in length, or neither xs nor length is given.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.scan(lambda c, x: (c * x, c), 1.0, jnp.array([2.0, 3.0, 4.0]))[0]
    tensor(24., dtype=float64)
    """
    if not callable(f):
        raise TypeError(f"lax.scan: f must be callable, got {_got(f)}")
    if xs is not None:
        xs = _as_arrays(xs)
    n = _length(xs, length, "scan") if xs is not None else \
        integer(length, "lax.scan", "length", low=0) if length is not None else None
    if n is None:
        raise ValueError("lax.scan: give xs or length")
    carry = init
    ys = []
    steps = range(n - 1, -1, -1) if reverse else range(n)
    for i in steps:
        carry, y = f(carry, None if xs is None else _index(xs, i))
        ys.append(y)
    if reverse:
        ys.reverse()
    probe = None
    if not ys:
        probe = f(init, None if xs is None else _zeros_row(xs))[1]
    if ys and all(y is None for y in ys) or (not ys and probe is None):
        return carry, None
    return carry, _stack(ys, n, probe)


def _as_arrays(xs):
    leaves, spec = _leaves(xs)
    return unflatten(spec, [v if isinstance(v, Tensor) else make(np.asarray(v))
                            if not isinstance(v, np.ndarray) else v for v in leaves])


def _zeros_row(xs):
    leaves, spec = _leaves(xs)
    return unflatten(spec, [make(np.zeros(np.shape(_tensor(v)._data)[1:],
                                          _tensor(v).dtype)) for v in leaves])


def map(f: Callable[[Any], Any], xs: Any, *, batch_size: int | None = None) -> Any:
    """`f` applied to each entry of `xs` along axis 0, results stacked (jax.lax.map).

    Args:
        f: a function of one entry (a pytree).
        xs: a pytree of arrays.
        batch_size: accepted for JAX's signature.

    >>> import tapegrad.numpy as jnp
    >>> from tapegrad import lax
    >>> lax.map(lambda x: x ** 2, jnp.arange(3.0))
    tensor([0., 1., 4.], dtype=float64)
    """
    return scan(lambda c, x: (c, f(x)), None, xs)[1]


def _bound(v, fn, arg):
    if isinstance(v, Tensor):
        return v
    return operator.index(v) if not isinstance(v, bool) else integer(v, fn, arg)


def fori_loop(lower: int | Tensor, upper: int | Tensor,
              body_fun: Callable[[Any, Any], Any], init_val: Any, *,
              unroll: Any = None) -> Any:
    """`val = body_fun(i, val)` for i in range(lower, upper) (jax.lax.fori_loop).

    With int bounds it is a Python loop (i is an int); with tensor bounds it is a
    tg.while_loop (kept as one step in a trace).

    Args:
        lower: the first i.
        upper: one past the last i.
        body_fun: a function (i, val) -> val.
        init_val: the first value (a pytree).
        unroll: accepted for JAX's signature.

    Returns:
        The last value.

    >>> from tapegrad import lax
    >>> lax.fori_loop(0, 5, lambda i, x: x + i, 0.0)
    10.0
    """
    if not callable(body_fun):
        raise TypeError(f"lax.fori_loop: body_fun must be callable, got {_got(body_fun)}")
    lo = _bound(lower, "lax.fori_loop", "lower")
    hi = _bound(upper, "lax.fori_loop", "upper")
    if not isinstance(lo, Tensor) and not isinstance(hi, Tensor):
        val = init_val
        for i in range(lo, hi):
            val = body_fun(i, val)
        return val
    i0 = _tensor(lo)
    res = while_loop(lambda c: c[0] < hi, lambda c: (c[0] + 1, body_fun(c[0], c[1])),
                     (i0, init_val))
    return res[1]


def while_loop(cond_fun: Callable[[Any], Any], body_fun: Callable[[Any], Any],
               init_val: Any) -> Any:
    """`val = body_fun(val)` while `cond_fun(val)` (jax.lax.while_loop), through
    tg.while_loop. Under tg.vmap with a per-example condition, the loop runs until
    every example is done and finished examples keep their values.

    Args:
        cond_fun: a function of the value returning a boolean scalar.
        body_fun: a function of the value returning the next value (same structure,
            shapes and dtypes).
        init_val: the first value (a pytree).

    Returns:
        The value when cond_fun turns false.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.while_loop(lambda x: x < 10, lambda x: x * 2, jnp.array(1.0))
    tensor(16., dtype=float64)
    """
    for name, fn in (("cond_fun", cond_fun), ("body_fun", body_fun)):
        if not callable(fn):
            raise TypeError(f"lax.while_loop: {name} must be callable, got {_got(fn)}")
    first = cond_fun(init_val)
    b = _batched(first) if isinstance(first, Tensor) else None
    if b is not None:
        return _batched_while(cond_fun, body_fun, init_val, first)
    return _tg_while(lambda v: cond_fun(v), lambda v: (body_fun(v),), (init_val,))[0]


def _batched_while(cond_fun, body_fun, val, pred):
    while bool(_batched(pred)[1].any()):
        new = body_fun(val)
        val = _select_tree(pred, new, val)
        pred = cond_fun(val)
    return val


def _select_tree(pred, a, b):
    la, spec = _leaves(a)
    lb, _ = _leaves(b)
    out = []
    for x, y in zip(la, lb):
        x, y = _tensor(x), _tensor(y)
        p = pred
        nd = builtins.max(x.ndim, y.ndim)     # (max is lax.max here)
        if nd:
            p = ops.reshape(pred, tuple(pred.shape) + (1,) * (nd - pred.ndim))
        out.append(ops.where(p, x, y))
    return unflatten(spec, out)


def cond(pred: ArrayLike, true_fun: Callable[..., Any], false_fun: Callable[..., Any],
         *operands: Any) -> Any:
    """`true_fun(*operands)` if pred else `false_fun(*operands)` (jax.lax.cond). Eagerly
    a Python `if`; under tg.vmap with a per-example predicate, and inside a tg.jit
    trace, both branches run and the result is selected (tg.where: a NaN of the branch
    not taken never reaches a gradient).

    Args:
        pred: a boolean scalar.
        true_fun: the branch for true.
        false_fun: the branch for false.
        *operands: the branches' arguments.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.cond(jnp.array(2.0) > 1, lambda x: x * 10, lambda x: x, jnp.array(3.0))
    tensor(30., dtype=float64)
    """
    for name, fn in (("true_fun", true_fun), ("false_fun", false_fun)):
        if not callable(fn):
            raise TypeError(f"lax.cond: {name} must be callable, got {_got(fn)}")
    if isinstance(pred, Tensor) and (_batched(pred) is not None or _tracing()):
        # per example, or inside a jit trace (where a gradient taken inside the traced
        # function must see both branches): both run, and each value is selected
        return _select_tree(ops.cast(pred, np.bool_), true_fun(*operands),
                            false_fun(*operands))
    return _tg_cond(pred, lambda: true_fun(*operands), lambda: false_fun(*operands))


def switch(index: ArrayLike, branches: Sequence[Callable[..., Any]], *operands: Any) -> Any:
    """`branches[index](*operands)`, index clamped to the valid range (jax.lax.switch).

    Args:
        index: an int (or an integer scalar tensor).
        branches: a sequence of functions of the operands.
        *operands: their arguments.

    >>> from tapegrad import lax
    >>> fs = [lambda x: x + 1, lambda x: x * 2]
    >>> lax.switch(1, fs, 5.0), lax.switch(7, fs, 5.0)
    (10.0, 10.0)
    """
    branches = list(branches)
    if not branches or not all(callable(b) for b in branches):
        raise TypeError("lax.switch: branches must be a non-empty sequence of functions")
    n = len(branches)
    if not isinstance(index, Tensor):
        whole: Any = index
        i = operator.index(whole)
        return branches[builtins.min(builtins.max(i, 0), n - 1)](*operands)
    idx = ops.clip(ops.cast(index, np.int64), 0, n - 1)

    def pick(k):
        if k == n - 1:
            return branches[k](*operands)
        return cond(idx == k, lambda *a: branches[k](*a), lambda *a: pick(k + 1), *operands)

    return pick(0)


def select(pred: ArrayLike, on_true: ArrayLike, on_false: ArrayLike) -> Tensor:
    """Elementwise `on_true` where pred else `on_false` (jax.lax.select); pred must be
    boolean.

    Args:
        pred: a bool array shaped as the operands.
        on_true: the values where pred is True.
        on_false: the values where pred is False.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.select(jnp.array([True, False]), jnp.array([1.0, 2.0]), jnp.array([3.0, 4.0]))
    tensor([1., 4.], dtype=float64)
    """
    p = pred._data if isinstance(pred, Tensor) else np.asarray(pred)
    if p.dtype != np.bool_:
        raise TypeError(f"lax.select: pred must be boolean, got {_got(pred)}")
    return ops.where(pred, on_true, on_false)


def _starts(operand, starts, sizes, fn):
    shape = tuple(operand.shape)
    if len(starts) != len(shape) or len(sizes) != len(shape):
        raise ValueError(f"lax.{fn}: need one start index and size per axis of the "
                         f"operand's shape {shape}, got {len(starts)} and {len(sizes)}")
    out = []
    for s, n, d in zip(starts, sizes, shape):
        s = int(s._data) if isinstance(s, Tensor) else operator.index(s)
        if n > d:
            raise ValueError(f"lax.{fn}: slice size {n} exceeds the axis length {d}")
        if s < 0:                   # JAX counts a negative start from the end
            s += d
        out.append(builtins.min(builtins.max(s, 0), d - n))  # clamped to fit, as JAX
    return out


def _data_dependent(starts):
    """Whether a start is a tensor whose value cannot be read here: batched by tg.vmap
    (one per example) or inside a tg.function trace (a replay must follow it)."""
    return any(isinstance(s, Tensor) and (_tracing() or _batched(s) is not None)
               for s in starts)


def _start_tensor(s, n, d):
    """A start as a tensor, counted from the end when negative and clamped so n entries
    fit in d, as JAX does: tensor ops, so vmap and traces follow its value."""
    s = s if isinstance(s, Tensor) else make(np.asarray(operator.index(s)))
    s = ops.where(s < 0, s + d, s)
    return ops.minimum(ops.maximum(s, 0), d - n)


def _along(x, idx, axis):
    """x gathered along `axis` at the integer tensor idx (one entry per position of that
    axis in the result), the other axes whole."""
    # indexing the leading axis by a batched integer tensor is one gather under vmap
    if axis == 0:
        return x[idx]
    return ops.moveaxis(ops.moveaxis(x, axis, 0)[idx], 0, axis)


def _check_sizes(x, starts, sizes, fn):
    shape = tuple(x.shape)
    if len(starts) != len(shape) or len(sizes) != len(shape):
        raise ValueError(f"lax.{fn}: need one start index and size per axis of the "
                         f"operand's shape {shape}, got {len(starts)} and {len(sizes)}")
    for n, d in zip(sizes, shape):
        if n > d:
            raise ValueError(f"lax.{fn}: slice size {n} exceeds the axis length {d}")


def _dynamic_slice_tensors(x, starts, sizes):
    _check_sizes(x, starts, sizes, "dynamic_slice")
    for ax, (s, n, d) in enumerate(zip(starts, sizes, x.shape)):
        if n == d and not isinstance(s, Tensor):
            continue
        pos = _start_tensor(s, n, d) + np.arange(n)
        x = _along(x, pos, ax)
    return x


def _dynamic_update_tensors(x, u, starts):
    _check_sizes(x, starts, list(u.shape), "dynamic_update_slice")
    inside = None
    for ax, (s, n, d) in enumerate(zip(starts, u.shape, x.shape)):
        st = _start_tensor(s, n, d)
        rel = np.arange(d) - st                     # position within the update block
        hit = (rel >= 0) & (rel < n)
        u = _along(u, ops.minimum(ops.maximum(rel, 0), n - 1), ax)
        shape = [1] * x.ndim
        shape[ax] = d
        hit = ops.reshape(hit, tuple(shape))
        inside = hit if inside is None else inside & hit
    return ops.where(inside, ops.cast(u, x.dtype) if u.dtype != x.dtype else u, x)


def dynamic_slice(operand: ArrayLike, start_indices: Sequence[Any],
                  slice_sizes: Sequence[int]) -> Tensor:
    """operand[s0:s0+n0, s1:s1+n1, ...] (jax.lax.dynamic_slice); starts are clamped so
    the slice fits.

    Args:
        operand: the array.
        start_indices: one start per axis (ints or scalar tensors).
        slice_sizes: one size per axis.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.dynamic_slice(jnp.arange(6.0), (4,), (3,))
    tensor([3., 4., 5.], dtype=float64)
    """
    x = _tensor(operand)
    sizes = [operator.index(n) for n in slice_sizes]
    if _data_dependent(start_indices):
        return _dynamic_slice_tensors(x, list(start_indices), sizes)
    st = _starts(x, list(start_indices), sizes, "dynamic_slice")
    return x[tuple(builtins.slice(s, s + n) for s, n in zip(st, sizes))]


def dynamic_update_slice(operand: ArrayLike, update: ArrayLike,
                         start_indices: Sequence[Any]) -> Tensor:
    """A copy of operand with `update` written at start_indices (clamped to fit)
    (jax.lax.dynamic_update_slice); differentiable in both.

    Args:
        operand: the array.
        update: the block to write.
        start_indices: one start per axis.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.dynamic_update_slice(jnp.zeros(4), jnp.ones(2), (1,))
    tensor([0., 1., 1., 0.], dtype=float64)
    """
    x, u = _tensor(operand), _tensor(update)
    if _data_dependent(start_indices):
        return _dynamic_update_tensors(x, u, list(start_indices))
    st = _starts(x, list(start_indices), list(u.shape), "dynamic_update_slice")
    return x.at[tuple(builtins.slice(s, s + n) for s, n in zip(st, u.shape))].set(u)


def dynamic_slice_in_dim(operand: ArrayLike, start_index: Any, slice_size: int,
                         axis: int = 0) -> Tensor:
    """dynamic_slice along one axis (jax.lax.dynamic_slice_in_dim).

    Args:
        operand: the array.
        start_index: the start along axis.
        slice_size: the length of the slice.
        axis: the axis.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.dynamic_slice_in_dim(jnp.arange(5.0), 1, 2)
    tensor([1., 2.], dtype=float64)
    """
    x = _tensor(operand)
    ax = axis % x.ndim
    starts = [0] * x.ndim
    sizes = list(x.shape)
    starts[ax], sizes[ax] = start_index, slice_size
    return dynamic_slice(x, starts, sizes)


def dynamic_index_in_dim(operand: ArrayLike, index: Any, axis: int = 0,
                         keepdims: bool = True) -> Tensor:
    """The entry at `index` along `axis` (jax.lax.dynamic_index_in_dim), the axis kept
    with length 1 unless keepdims is False.

    Args:
        operand: the array.
        index: the position along axis (may be a tensor).
        axis: the axis.
        keepdims: keep the axis, of length 1.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.dynamic_index_in_dim(jnp.arange(5.0), 3, keepdims=False)
    tensor(3., dtype=float64)
    """
    out = dynamic_slice_in_dim(operand, index, 1, axis)
    return ops.squeeze(out, axis) if not keepdims else out


def dynamic_update_slice_in_dim(operand: ArrayLike, update: ArrayLike, start_index: Any,
                                axis: int) -> Tensor:
    """dynamic_update_slice along one axis (jax.lax.dynamic_update_slice_in_dim).

    Args:
        operand: the array.
        update: the block to write.
        start_index: the start along axis.
        axis: the axis.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.dynamic_update_slice_in_dim(jnp.zeros(3), jnp.ones(1), 2, 0)
    tensor([0., 0., 1.], dtype=float64)
    """
    x = _tensor(operand)
    starts = [0] * x.ndim
    starts[axis % x.ndim] = start_index
    return dynamic_update_slice(x, update, starts)


def dynamic_update_index_in_dim(operand: ArrayLike, update: ArrayLike, index: Any,
                                axis: int) -> Tensor:
    """Write `update` (without or with the axis) at `index` along `axis`
    (jax.lax.dynamic_update_index_in_dim).

    Args:
        operand: the array.
        update: the values to write.
        index: the position along axis.
        axis: the axis.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.dynamic_update_index_in_dim(jnp.zeros(3), 5.0, 1, 0)
    tensor([0., 5., 0.], dtype=float64)
    """
    x, u = _tensor(operand), _tensor(update)
    if u.ndim == x.ndim - 1:
        u = ops.expand_dims(u, axis % x.ndim)
    return dynamic_update_slice_in_dim(x, u, index, axis)


def associative_scan(fn: Callable[[Any, Any], Any], elems: Any, reverse: bool = False,
                     axis: int = 0) -> Any:
    """Inclusive prefix combination along `axis` (jax.lax.associative_scan):
    out[i] = fn(out[i-1], elems[i]). Computed left to right (n - 1 calls of fn; JAX's
    parallel tree gives the same values for an associative fn up to rounding).

    Args:
        fn: an associative function of two pytrees of slices.
        elems: a pytree of arrays with the same length along axis.
        reverse: combine from the end.
        axis: the axis to scan along.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.associative_scan(jnp.add, jnp.arange(1.0, 5.0))
    tensor([ 1.,  3.,  6., 10.], dtype=float64)
    """
    leaves, spec = _leaves(elems)
    leaves = [ops.moveaxis(_tensor(v), axis, 0) for v in leaves]
    moved = unflatten(spec, leaves)
    n = _length(moved, None, "associative_scan")
    order = list(range(n - 1, -1, -1)) if reverse else list(range(n))
    outs = []
    acc = None
    for i in order:
        e = _index(moved, i)
        acc = e if acc is None else fn(e, acc) if reverse else fn(acc, e)
        outs.append(acc)
    if reverse:
        outs.reverse()
    if not outs:
        return elems
    stacked = _stack(outs, n, None)
    sl, sspec = _leaves(stacked)
    return unflatten(sspec, [ops.moveaxis(v, 0, axis) for v in sl])


# ------------------------------------------------------------------ elementwise names

def rsqrt(x: ArrayLike) -> Tensor:
    """1 / sqrt(x) (jax.lax.rsqrt).

    Args:
        x: the input.

    >>> from tapegrad import lax
    >>> lax.rsqrt(4.0)
    tensor(0.5000)
    """
    return 1.0 / ops.sqrt(x)


def integer_pow(x: ArrayLike, y: int) -> Tensor:
    """x ** y for an int y (jax.lax.integer_pow).

    Args:
        x: the base.
        y: the integer exponent.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.integer_pow(jnp.array(3.0), 2)
    tensor(9., dtype=float64)
    """
    return _tensor(x) ** integer(y, "lax.integer_pow", "y")


def clamp(min: ArrayLike, x: ArrayLike, max: ArrayLike) -> Tensor:
    """x clipped to [min, max] (jax.lax.clamp: note the argument order).

    Args:
        min: the lower bound.
        x: the values.
        max: the upper bound.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.clamp(0.0, jnp.array([-1.0, 0.5, 2.0]), 1.0)
    tensor([0.0000, 0.5000, 1.0000], dtype=float64)
    """
    return ops.clip(x, min, max)


def iota(dtype: DTypeLike, size: int) -> Tensor:
    """0, 1, ..., size - 1 of `dtype` (jax.lax.iota).

    Args:
        dtype: the result's dtype.
        size: the number of entries.

    >>> from tapegrad import lax
    >>> lax.iota(int, 3)
    tensor([0, 1, 2])
    """
    dt = np.dtype(np.int64) if dtype is int else np.dtype(np.float64) if dtype is float \
        else np.dtype(dtype)
    return make(np.arange(integer(size, "lax.iota", "size", low=0), dtype=dt))


def logistic(x: ArrayLike) -> Tensor:
    """1 / (1 + exp(-x)) (jax.lax.logistic).

    Args:
        x: the input.

    >>> from tapegrad import lax
    >>> lax.logistic(0.0)
    tensor(0.5000)
    """
    return ops.sigmoid(x)


def div(x: ArrayLike, y: ArrayLike) -> Tensor:
    """x / y; integers are divided rounding toward zero (jax.lax.div).

    Args:
        x: the dividend.
        y: the divisor.

    >>> from tapegrad import lax
    >>> import tapegrad.numpy as jnp
    >>> lax.div(jnp.array([-7, 7]), jnp.array([2, 2]))
    tensor([-3,  3])
    """
    a, b = _tensor(x), _tensor(y)
    if a.dtype.kind in "iu" and b.dtype.kind in "iu":
        q = ops.trunc(ops.true_divide(a, b))
        return ops.cast(q, np.result_type(a.dtype, b.dtype))
    return ops.div(a, b)


def _cumulative(name, f):
    def fn(operand, axis=0, reverse=False):
        x = _tensor(operand)
        if reverse:
            return ops.flip(f(ops.flip(x, axis), axis), axis)
        return f(x, axis)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"The cumulative {name[3:]} along `axis` (default 0), from the end when "
                  f"`reverse` (jax.lax.{name}).\n\n    Args:\n        operand: the array.\n"
                  f"        axis: the axis to accumulate along.\n        reverse: accumulate "
                  f"from the last entry.\n\n    >>> from tapegrad import lax\n"
                  f"    >>> import tapegrad.numpy as jnp\n"
                  f"    >>> lax.{name}(jnp.array([1.0, 3.0, 2.0])).shape\n    (3,)\n")
    return fn


cumsum = _cumulative("cumsum", lambda x, a: ops.cumsum(x, axis=a))
cumprod = _cumulative("cumprod", lambda x, a: ops.cumprod(x, axis=a))
cummax = _cumulative("cummax", lambda x, a: ops.cummax(x, a)[0])
cummin = _cumulative("cummin", lambda x, a: ops.cummin(x, a)[0])
cumlogsumexp = _cumulative("cumlogsumexp", lambda x, a: ops.logcumsumexp(x, axis=a))

# JAX's lax names for the plain elementwise ops and a few array functions
add, sub, mul, neg, abs = ops.add, ops.sub, ops.mul, ops.neg, ops.abs
exp, log, log1p, expm1, sin, cos, tan, tanh = (ops.exp, ops.log, ops.log1p, ops.expm1,
                                               ops.sin, ops.cos, ops.tan, ops.tanh)
sqrt, square, pow, sign, floor, ceil = ops.sqrt, ops.square, ops.pow, ops.sign, ops.floor, ops.ceil
max, min, erf, erf_inv, lgamma, digamma = (ops.maximum, ops.minimum, ops.erf, ops.erfinv,
                                           ops.lgamma, ops.digamma)
asin, acos, atan, atan2 = ops.arcsin, ops.arccos, ops.arctan, ops.arctan2
sinh, cosh, asinh, acosh, atanh = ops.sinh, ops.cosh, ops.arcsinh, ops.arccosh, ops.arctanh
exp2, cbrt, rem = ops.exp2, ops.cbrt, ops.fmod
real, imag, conj = ops.real, ops.imag, ops.conj
erfc, bessel_i0e, bessel_i1e = ops.erfc, ops.i0e, ops.i1e
igamma, igammac, betainc, polygamma = ops.gammainc, ops.gammaincc, ops.betainc, ops.polygamma
concatenate, reshape, transpose, squeeze, expand_dims = (ops.concatenate, ops.reshape,
                                                         ops.transpose, ops.squeeze,
                                                         ops.expand_dims)

__all__ = ["scan", "map", "fori_loop", "while_loop", "cond", "switch", "select",
           "stop_gradient", "dynamic_slice", "dynamic_update_slice", "dynamic_slice_in_dim",
           "dynamic_index_in_dim", "dynamic_update_slice_in_dim",
           "dynamic_update_index_in_dim", "associative_scan", "conv_general_dilated", "conv",
           "reduce_window", "top_k", "rsqrt", "integer_pow", "clamp",
           "iota", "logistic", "div", "add", "sub", "mul", "neg", "abs", "exp", "log", "log1p",
           "expm1", "sin", "cos", "tan", "tanh", "sqrt", "square", "pow", "sign", "floor",
           "ceil", "max", "min", "erf", "erf_inv", "lgamma", "digamma", "cumsum", "cumprod",
           "cummax", "cummin", "concatenate", "reshape", "transpose", "squeeze",
           "expand_dims", "cumlogsumexp", "asin", "acos", "atan", "atan2", "sinh", "cosh", "asinh",
           "acosh", "atanh", "exp2", "cbrt", "rem", "real", "imag", "conj", "erfc",
           "bessel_i0e", "bessel_i1e", "igamma", "igammac", "betainc",
           "polygamma"] + _lax_more.__all__
