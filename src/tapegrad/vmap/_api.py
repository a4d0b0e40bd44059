"""tg.vmap: the user-facing transform (axes, chunks, randomness, fallbacks)."""
from __future__ import annotations

import contextlib
import functools
import itertools
import threading
import warnings
import weakref

import numpy as np

from .. import _random, _state
from .._pytree import flatten, unflatten
from .._tensor import Tensor, as_tensor, make
from ..autograd.engine import run_backward
from ..ops._apply import apply
from ..ops.reduce import Sum
from ..ops.shape import BroadcastTo, Concatenate, GetItem, Stack, Transpose
from ._batched import (BatchEscape, DrawEscape, DynamicShapeError, PerElementDraws, info,
                       wrap)
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_local = _state.local
_levels = itertools.count(1)
_RANDOMNESS = ("error", "different", "same")
_UNSET = object()


def vmap(f: Callable[..., Any], in_axes: Any = 0, out_axes: Any = 0, randomness: str = "error",
         chunk_size: int | None = None, *, in_dims: Any = _UNSET,
         out_dims: Any = _UNSET) -> Callable[..., Any]:
    """Vectorize `f` over a batch axis of its arguments (JAX's `vmap`).

    `in_axes` says which axis of each argument is the batch axis: an int (every tensor
    argument), None (not batched: every batch element sees the same value), or a tuple
    with one entry per positional argument, itself an int, None or a pytree matching
    that argument. Negative axes count from the end. `out_axes` places the batch axis in
    each output the same way. Keyword arguments are not batched.

    `f` is written for one example; each op runs once on the whole batch (ops without a
    batching rule run in a loop, with one warning). vmap nests, and composes with grad,
    jacfwd, jacrev, hessian, jvp, vjp and tg.function in either order.
    `randomness`: "error" (tg.rand, randn, dropout inside f raise), "same" (one draw
    shared by the batch, chunks included) or "different" (one draw per element; f then
    runs per element). `chunk_size` runs the batch in chunks of that many elements
    (less memory). `in_dims`/`out_dims` are torch.func's names for in_axes/out_axes
    (None given there means "not mapped", as for in_axes/out_axes). An output that is
    a number is broadcast along the batch and None stays None (JAX's rule); an in-place
    write into a mapped argument reaches that argument (torch.func's rule).

    Args:
        f: the function to vectorize, written for one example.
        in_axes: the batch axis of each argument, as described above.
        out_axes: where the batch axis goes in each output.
        randomness: "error", "same" or "different", as above.
        chunk_size: the largest number of batch elements run at once (None: all).
        in_dims: torch.func's name for in_axes.
        out_dims: torch.func's name for out_axes.

    Returns:
        A function of f's arguments returning f's outputs with a batch axis.

    Raises:
        TypeError: f is not callable or the axes are malformed.
        ValueError: (when called) batched arguments disagree on the batch size, or an
            axis is out of range.

    >>> import tapegrad as tg
    >>> x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> tg.vmap(lambda r: (r * r).sum())(x)
    tensor([ 5., 25.])
    >>> tg.vmap(tg.grad(lambda w, r: (w * r).sum() ** 2), in_axes=(None, 0))(tg.ones(2), x)
    tensor([[ 6., 12.],
            [42., 56.]])
    """
    if not callable(f):
        raise TypeError(f"vmap: f must be callable, got {type(f).__name__}")
    if in_dims is not _UNSET:       # None is a value here (not mapped), so a sentinel
        in_axes = in_dims
    if out_dims is not _UNSET:
        out_axes = out_dims
    _check_axes(in_axes, "in_axes")
    _check_axes(out_axes, "out_axes")
    if randomness not in _RANDOMNESS:
        raise ValueError(f"vmap: randomness must be one of {_RANDOMNESS}, got {randomness!r}")
    if chunk_size is not None and (not isinstance(chunk_size, (int, np.integer)) or
                                   isinstance(chunk_size, bool) or chunk_size < 1):
        raise ValueError(f"vmap: chunk_size must be a positive int or None, got "
                         f"{chunk_size!r}")

    @functools.wraps(f)
    def batched(*args, **kwargs):
        if isinstance(in_axes, (tuple, list)) and len(in_axes) != len(args):
            raise ValueError(f"vmap: in_axes has {len(in_axes)} entries but f was called "
                             f"with {len(args)} positional argument(s)")
        axes = in_axes if isinstance(in_axes, (tuple, list)) else (in_axes,) * len(args)
        leaves, spec = flatten(list(args))
        ax = []
        for a, arg in zip(axes, args):
            ax += _leaf_axes(a, arg)
        moved, size = _to_front(leaves, ax)
        if chunk_size is None or size <= chunk_size:
            return _call(f, moved, spec, kwargs, size, out_axes, randomness, leaves)
        parts = []
        # "same" means one draw for the whole batch: each chunk draws from the same state
        # (as torch.func's chunks do)
        state = _random.get_rng_state() if randomness == "same" else None
        for lo in range(0, size, chunk_size):
            hi = min(size, lo + chunk_size)
            if state is not None:
                _random.set_rng_state(state)
            sl = [None if m is None else apply(GetItem, m, index=(slice(lo, hi),))
                  for m in moved]
            parts.append(_call(f, sl, spec, kwargs, hi - lo, 0, randomness, leaves))
        return _join(parts, out_axes)
    return batched


def _check_axes(axes, what):
    for a in flatten(axes)[0]:
        if a is not None and (not isinstance(a, (int, np.integer)) or isinstance(a, bool)):
            raise TypeError(f"vmap: {what} must hold ints or None, got {a!r}")


def _leaf_axes(axis, arg):
    """One axis per leaf of `arg`: `axis` is an int/None for all, or a matching pytree
    (a prefix of arg's structure)."""
    if axis is None or isinstance(axis, (int, np.integer)):
        return [axis] * len(flatten(arg)[0])
    if isinstance(axis, (tuple, list)) and isinstance(arg, (tuple, list)) and \
            len(axis) == len(arg):
        return [x for a, v in zip(axis, arg) for x in _leaf_axes(a, v)]
    if isinstance(axis, dict) and isinstance(arg, dict) and set(axis) == set(arg):
        return [x for k in arg for x in _leaf_axes(axis[k], arg[k])]
    raise ValueError(f"vmap: in_axes entry {axis!r} does not match the structure of the "
                     f"argument {type(arg).__name__}")


def _to_front(leaves, axes):
    """Batched leaves as tensors with the batch axis first (None for unbatched), and
    the batch size."""
    size = None
    moved = []
    for k, (v, a) in enumerate(zip(leaves, axes)):
        if a is None:
            moved.append(None)
            continue
        if not isinstance(v, Tensor):
            if isinstance(v, (bool, str)) or v is None:
                raise TypeError(f"vmap: in_axes maps argument leaf {k} ({v!r:.30}) but it "
                                "is not an array; give None for it")
            v = as_tensor(v)
        nd = v.ndim
        if not -nd <= a < nd:
            raise ValueError(f"vmap: in_axes {a} is out of range for an argument of shape "
                             f"{tuple(v.shape)}")
        a %= nd
        n = v.shape[a]
        if size is not None and n != size:
            raise ValueError(f"vmap: mapped axes have different sizes: {size} and {n} "
                             f"(argument leaf {k}, shape {tuple(v.shape)}, axis {a})")
        size = n
        if a:
            v = apply(Transpose, v, axes=(a,) + tuple(i for i in range(nd) if i != a))
        moved.append(v)
    if size is None:
        raise ValueError("vmap: no argument is mapped (every in_axes is None); map at "
                         "least one argument")
    return moved, size


_tl = threading.local()


def running():
    """The vmaps whose batched call of f is running: (level, batch size), outermost
    first (a vjp inside f makes its inputs per-example at all of them)."""
    r = getattr(_tl, "running", None)
    if r is None:
        r = _tl.running = []
    return r


@contextlib.contextmanager
def _running(level, size):
    r = running()
    r.append((level, size))
    try:
        yield
    finally:
        r.pop()


class _Gen:
    """Stands in for the global generator inside vmap with randomness="error". Its state
    can be read and put back (tg.checkpoint and tg.function save it to replay draws);
    drawing is refused."""

    def __init__(self, real):
        self.real = real

    @property
    def bit_generator(self):
        return self.real.bit_generator

    def __getattr__(self, name):
        raise RuntimeError(
            "vmap: random values (tg.rand, randn, dropout, init) inside vmap with "
            "randomness='error'; pass randomness='same' (one draw for the batch) or "
            "'different' (one draw per element)")


def _call(f, moved, spec, kwargs, size, out_axes, randomness, given):
    """f on batched values at a new level. `given` are the caller's leaves (used where
    `moved` has None: unbatched)."""
    fast = _grad_parts(f) if randomness != "different" else None
    if fast is not None:
        try:
            return _batched_grad(fast, moved, spec, kwargs, size, out_axes, given,
                                 randomness)
        except (_NotFast, BatchEscape):     # BatchEscape: the general path falls back
            pass
        except BatchEscape as e:
            # f leaves tapegrad's ops (raw values): per element, as the general path does
            return _per_element(f, moved, spec, kwargs, size, out_axes, e, given)
    level = next(_levels)
    leaves = [g if m is None else wrap(m, level) for m, g in zip(moved, given)]
    prev = _random._gen
    if randomness == "error":
        _random._gen = _Gen(prev)
    elif randomness == "different" and not isinstance(prev, (_Gen, PerElementDraws)):
        _random._gen = PerElementDraws(prev, level)
    try:
        with _running(level, size):
            res = f(*unflatten(spec, leaves), **kwargs)
        return _outputs(res, level, size, out_axes)
    except BatchEscape as e:
        _random._gen = prev
        if isinstance(e, DrawEscape) and isinstance(prev, PerElementDraws):
            raise           # the enclosing vmap asked for "different": it runs per element
        # a draw that cannot be batched: per element, silently (that is what it asks for)
        if isinstance(e, DrawEscape):
            return _per_element(f, moved, spec, kwargs, size, out_axes, None, given)
        return _per_element_drawing(f, moved, spec, kwargs, size, out_axes, e, given,
                                    randomness)
    finally:
        _random._gen = prev


def _per_element_drawing(f, moved, spec, kwargs, size, out_axes, why, given, randomness):
    """_per_element keeping `randomness`: "error" still refuses draws, and "same" gives
    every element the same draws (each starts from the generator's state; the state
    after is one element's), as the batched call would."""
    prev = _random._gen
    if randomness == "error":
        _random._gen = _Gen(prev)
        try:
            return _per_element(f, moved, spec, kwargs, size, out_axes, why, given)
        finally:
            _random._gen = prev
    if randomness != "same":
        return _per_element(f, moved, spec, kwargs, size, out_axes, why, given)
    state = _random.get_rng_state()

    def same(*a, **k):
        _random.set_rng_state(state)
        return f(*a, **k)
    same.__name__ = getattr(f, "__name__", "f")
    return _per_element(same, moved, spec, kwargs, size, out_axes, why, given,
                        key=getattr(f, "__code__", None) or id(f))


def _outputs(res, level, size, out_axes):
    leaves, spec = flatten(res)
    oax = _out_axes(out_axes, res, len(leaves))
    outs = []
    for v, a in zip(leaves, oax):
        i = info(v) if isinstance(v, Tensor) else None
        if i is not None and i[0] == level:
            full = i[1]
        elif a is None:
            outs.append(v)
            continue
        elif v is None:
            outs.append(None)
            continue
        else:
            v = _constant_output(v)
            full = apply(BroadcastTo, v, shape=(size,) + tuple(v.shape))
        if a is None:
            raise ValueError("vmap: out_axes is None for an output that is batched")
        outs.append(_place(full, a))
    return unflatten(spec, outs)


def _constant_output(v):
    """An output that does not depend on the batch, as a tensor (JAX broadcasts numbers
    and arrays along the batch axis; anything else is an error naming vmap)."""
    if isinstance(v, (bool, int, float, complex, np.ndarray, np.generic, Tensor)) and \
            not isinstance(v, str):
        return as_tensor(v)
    raise TypeError(f"vmap: f returned {v!r:.40} of type {type(v).__name__}, which is not "
                    "a tensor or a number; give out_axes=None for outputs that are not "
                    "batched")


def _out_axes(out_axes, res, n):
    if out_axes is None or isinstance(out_axes, (int, np.integer)):
        return [out_axes] * n
    if isinstance(res, (tuple, list)) and len(res) == len(out_axes) or \
            isinstance(res, dict):
        return _leaf_axes(out_axes, res)
    raise ValueError(f"vmap: out_axes {out_axes!r} does not match the structure of f's "
                     "output")


def _place(full, a):
    """Move the batch axis (0) of `full` to position `a`."""
    nd = full.ndim
    if not -nd <= a < nd:
        raise ValueError(f"vmap: out_axes {a} is out of range for an output with "
                         f"{nd - 1} dimension(s) per example")
    a %= nd
    if a == 0:
        return full
    perm = list(range(1, nd))
    perm.insert(a, 0)
    return apply(Transpose, full, axes=tuple(perm))


def _join(parts, out_axes):
    """Chunks' outputs (batch axis 0) joined, then the batch axis put in place."""
    first, spec = flatten(parts[0])
    cols = [flatten(p)[0] for p in parts]
    oax = _out_axes(out_axes, parts[0], len(first))
    outs = []
    for k, a in enumerate(oax):
        vs = [c[k] for c in cols]
        if a is None:
            outs.append(vs[0])
            continue
        full = apply(Concatenate, *vs, axis=0, sizes=tuple(v.shape[0] for v in vs))
        outs.append(_place(full, a))
    return unflatten(spec, outs)


_warned: set[Any] = set()


def _per_element(f, moved, spec, kwargs, size, out_axes, why, given, key=None):
    """f once per batch element, the results stacked: what vmap falls back to when f
    leaves tapegrad's ops (a transform inside f that rebuilds tensors from raw values)
    or asks for a different random draw per element."""
    name = getattr(f, "__name__", "f")
    if key is None:
        key = getattr(f, "__code__", None) or id(f)     # lambdas share a name, not a code
    if why is not None and key not in _warned:
        _warned.add(key)
        warnings.warn(f"vmap: {name} computes with raw values of a batched tensor "
                      f"({str(why).splitlines()[0]}); it runs once per batch element "
                      "instead", RuntimeWarning, stacklevel=4)
    if size == 0:
        return _empty(f, moved, spec, kwargs, out_axes, given)
    results = []
    for b in range(size):
        leaves = [g if m is None else apply(GetItem, m, index=(b,))
                  for m, g in zip(moved, given)]
        results.append(f(*unflatten(spec, leaves), **kwargs))
    first, ospec = flatten(results[0])
    cols = [flatten(r)[0] for r in results]
    if any(len(c) != len(first) for c in cols):
        raise DynamicShapeError(
            f"vmap: {name} returns a different structure for different batch elements "
            f"({', '.join(str(len(c)) for c in cols[:3])} outputs, ...): what f returns "
            "cannot depend on the values of its batched arguments")
    oax = _out_axes(out_axes, results[0], len(first))
    outs = []
    for k, a in enumerate(oax):
        vs = [c[k] for c in cols]
        if a is None:
            outs.append(vs[0])
            continue
        vs = [as_tensor(v) for v in vs]
        if len({tuple(v.shape) for v in vs}) > 1:
            raise DynamicShapeError(
                f"vmap: output {k} of {name} has a different shape for different batch "
                f"elements ({', '.join(str(tuple(v.shape)) for v in vs[:3])}, ...): a "
                "shape that depends on the values (boolean-mask indexing, nonzero) cannot "
                "be batched; use tg.where with a fixed shape")
        outs.append(_place(apply(Stack, *vs, axis=0), a))
    return unflatten(ospec, outs)


def _empty(f, moved, spec, kwargs, out_axes, given):
    """An empty batch that f cannot run on batched: f runs once on an example of zeros
    for the outputs' structure and shapes (JAX traces f abstractly for the same), and
    each output is empty along the batch axis."""
    leaves = [g if m is None else make(np.zeros(tuple(m.shape[1:]), m.dtype))
              for m, g in zip(moved, given)]
    res = f(*unflatten(spec, leaves), **kwargs)
    first, ospec = flatten(res)
    outs = []
    for v, a in zip(first, _out_axes(out_axes, res, len(first))):
        if a is None:
            outs.append(v)
            continue
        v = _constant_output(v)
        outs.append(_place(make(np.zeros((0,) + tuple(v.shape), v.dtype)), a))
    return unflatten(ospec, outs)


# ------------------------------------------------------------------ vmap(grad(f))

def _grad_parts(g):
    """(f, argnums, has_aux, with_value) when `g` is tg.grad(f) or tg.value_and_grad(f):
    vmap then takes the gradient of the batch's summed value with respect to per-example
    copies of the arguments, one backward pass for the whole batch."""
    try:
        return _GRAD_TRANSFORMS.get(g)
    except TypeError:           # an unhashable callable: not one of them
        return None


# what tg.grad and tg.value_and_grad returned (func.py notes each): a weak table rather
# than an attribute, which functools.wraps would copy onto a user's wrapper of it
_GRAD_TRANSFORMS = weakref.WeakKeyDictionary()


def note_grad_transform(fn, f, argnums, has_aux, with_value):
    _GRAD_TRANSFORMS[fn] = (f, argnums, has_aux, with_value)


def _batched_grad(parts, moved, spec, kwargs, size, out_axes, given, randomness):
    f, argnums, has_aux, with_value = parts
    tree = unflatten(spec, given)
    nargs = len(tree)
    nums = (argnums,) if isinstance(argnums, int) else tuple(argnums)
    if any(not -nargs <= a < nargs for a in nums):
        raise _NotFast          # grad's own error message
    nums = tuple(a % nargs for a in nums)
    # which flat leaves belong to which argument
    owner = []
    arg_specs = []
    for k, arg in enumerate(tree):
        arg_leaves, arg_spec = flatten(arg)
        arg_specs.append(arg_spec)
        owner += [k] * len(arg_leaves)
    traced = bool(_local.fw_levels) or any(_traced(g) for g in given)
    # inside other vmaps, a per-example gradient needs its argument batched at all of them
    outer = set()
    for g in given:
        outer.update(_chain(g))
    level = next(_levels)
    sources, src_owner, leaves = [], [], []
    for m, g, k in zip(moved, given, owner):
        if k not in nums:
            leaves.append(g if m is None else wrap(m, level))
            continue
        full = m
        if full is None:
            # a Python number computes in float64, as grad takes it outside vmap
            g = g if isinstance(g, (Tensor, np.ndarray, np.generic)) else np.asarray(
                g, dtype=np.float64 if isinstance(g, (int, float)) else None)
            g = as_tensor(g)
            full = _repeated(g, size)
        if full.dtype.kind not in "fc" or set(_chain(full)) != outer:
            raise _NotFast      # grad's own error message; or run per element
        src, rebuilt, levels = _source(full)
        sources.append(src)
        src_owner.append((k, levels))
        leaves.append(wrap(rebuilt, level))
    prev = _random._gen
    if randomness == "error":
        _random._gen = _Gen(prev)
    try:
        with _state.enable_grad(), _running(level, size):
            res = f(*unflatten(spec, leaves), **kwargs)
    finally:
        _random._gen = prev
    aux = None
    if has_aux:
        if not isinstance(res, tuple) or len(res) != 2:
            raise TypeError("grad: with has_aux=True, f must return a pair (output, aux)")
        res, aux = res
    i = info(res) if isinstance(res, Tensor) else None
    if i is None or i[0] != level:
        raise _NotFast          # the value does not depend on the batch
    value = i[1]
    if value.dtype.kind == "c":
        raise _NotFast          # a complex output: grad's own error message
    if value.ndim != 1:
        raise TypeError(f"grad: f must return a scalar, got an output of shape "
                        f"{tuple(value.shape[1:])} per batch element; use jacrev or vjp "
                        "for non-scalar outputs")
    total = value
    while info(total) is not None:      # batched at outer vmap levels too: all of it
        total = info(total)[1]
    total = apply(Sum, total, axis=None, keepdims=False)
    if total.grad_fn is None and not total._rg:
        gs = [None] * len(sources)
    else:
        outer = []              # f closed over tensors that require grad: stay connected
        gs = run_backward([total], [None], retain_graph=traced, create_graph=traced,
                          inputs=sources, accumulate=False, allow_unused=True,
                          who="vmap(grad)", connect=outer)
        traced = traced or bool(outer)
    gs = [make(np.zeros(s._data.shape, s._data.dtype)) if g is None else g
          for g, s in zip(gs, sources)]
    if not traced:
        gs = [g.detach() for g in gs]
        value = _detached(value)
    grads = []
    for k in nums:
        sub = [wrap(_rewrap(g, o[1]), level) for g, o in zip(gs, src_owner) if o[0] == k]
        grads.append(unflatten(arg_specs[k], sub))
    grads = grads[0] if isinstance(argnums, int) else tuple(grads)
    out = grads
    if with_value:
        v = wrap(value, level)
        out = ((v, aux), grads) if has_aux else (v, grads)
    elif has_aux:
        out = (grads, aux)
    return _outputs(out, level, size, out_axes)


def _repeated(g, size):
    """g repeated along a new batch axis (zero stride). An untraced parameter becomes the
    repeated array itself, without a recorded broadcast: the gradient is taken with
    respect to it directly (_source), so nothing would read the broadcast's node."""
    d = g._data
    if g._rg or g._fw is not None or g._x is not None or type(d) is not np.ndarray or \
            not d.flags.c_contiguous:
        return apply(BroadcastTo, g, shape=(size,) + tuple(g.shape))
    # np.broadcast_to builds an iterator; a view over the same buffer is the same array
    r = np.ndarray((size,) + d.shape, d.dtype, buffer=d, strides=(0,) + d.strides)
    r.flags.writeable = False       # as np.broadcast_to's: one element seen many times
    return make(r)


def _source(full):
    """(leaf to differentiate with respect to, `full` rebuilt on it, the levels of outer
    vmaps `full` is batched at, outermost first). The leaf holds every batch axis."""
    i = info(full)
    if i is None:
        if full._rg:
            return full, full, ()
        d = make(full._data, True)
        d._fw = full._fw
        return d, d, ()
    src, rebuilt, outer = _source(i[1])
    return src, wrap(rebuilt, i[0]), outer + (i[0],)


def _chain(v):
    """The levels of the vmaps `v` is batched at."""
    out = []
    i = info(v) if isinstance(v, Tensor) else None
    while i is not None:
        out.append(i[0])
        i = info(i[1])
    return out


def _traced(v):
    """Whether `v` (under its batching) is recorded or carries tangents."""
    if not isinstance(v, Tensor):
        return False
    i = info(v)
    while i is not None:
        v = i[1]
        i = info(v)
    return v._rg or v._fw is not None


def _rewrap(g, levels):
    for lv in levels:
        g = wrap(g, lv)
    return g


def _detached(v):
    i = info(v)
    return v.detach() if i is None else wrap(_detached(i[1]), i[0])


class _NotFast(Exception):
    """vmap(grad(f)) that the one-pass path does not cover: run it the general way."""
