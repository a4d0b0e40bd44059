"""JAX's functional index update, `x.at[index].set(v)` (and `.add`, `.multiply`,
`.divide`, `.power`, `.min`, `.max`, `.apply`, `.get`): a new tensor, x unchanged,
differentiable with respect to x and v.

Written with existing ops only: x is viewed flat, `index` is resolved once to the flat
positions it selects, and each update is `IndexAdd` (a scatter of v into zeros, which has
every rule and a batching rule, so `.at` works under tg.vmap) selected in with `where`.
Repeated positions follow JAX: `.add` accumulates them (one scatter-add); the other
updates apply once per occurrence, in rounds that each touch a position at most once.
"""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._apply import apply
from .elementwise import cast, maximum, minimum, where
from .linalg import matmul
from .reduce import amax, amin, prod, sum as _sum
from .shape import IndexAdd, _norm_index, broadcast_to, getitem, reshape, transpose
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._typing import ArrayLike

_MODES = (None, "promise_in_bounds", "clip", "drop", "fill")


def _positions(shape, index):
    """The flat positions x[index] selects, shaped as x[index]."""
    try:
        return np.arange(int(np.prod(shape)), dtype=np.intp).reshape(shape)[index]
    except IndexError as e:
        raise IndexError(f"at: index {index!r:.60} is out of bounds for a tensor of shape "
                         f"{shape} ({e}); tapegrad raises where JAX would clip or drop "
                         "silently: pass mode='clip', 'drop' or 'fill' to ask for "
                         "that") from None


def _in_bounds(shape, index, mode):
    """The index with its integer parts made safe for `mode` ('clip' clamps them into
    range; 'drop'/'fill' point the ones out of range at position 0), and for
    'drop'/'fill' a boolean array shaped as x[index], False where the selection fell
    out of range (None when nothing did). Slices and masks are never out of range."""
    comps = list(index)
    used = sum(1 if not (isinstance(c, np.ndarray) and c.dtype == bool) else c.ndim
               for c in comps if c is not None and c is not Ellipsis)
    axis, ints = 0, {}
    for k, c in enumerate(comps):
        if c is None:
            continue
        if c is Ellipsis:
            axis += len(shape) - used
        elif isinstance(c, np.ndarray) and c.dtype == bool:
            axis += c.ndim
        else:
            if axis < len(shape) and not isinstance(c, slice):
                ints[k] = axis
            axis += 1
    if not ints:
        return index, None
    bad = False
    pad = list(shape)
    safe, probe = list(comps), list(comps)
    for k, ax in ints.items():
        n = shape[ax]
        c = comps[k]
        scalar = not isinstance(c, np.ndarray)
        i = np.asarray(c, dtype=np.intp)
        i = np.where(i < 0, i + n, i)
        if mode == "clip":
            i = np.clip(i, 0, max(n - 1, 0))
            safe[k] = int(i) if scalar else i
            continue
        out = (i < 0) | (i >= n)
        if out.any():
            bad = True
            pad[ax] = n + 1
        ok = np.where(out, 0, i)
        safe[k] = int(ok) if scalar else ok
        marked = np.where(out, n, i)        # the padding slot, False in the probe
        probe[k] = int(marked) if scalar else marked
    if mode == "clip" or not bad:
        return tuple(safe), None
    inside = np.zeros(pad, dtype=bool)
    inside[tuple(slice(0, m) for m in shape)] = True
    return tuple(safe), inside[tuple(probe)]


def _rounds(pos):
    """Split flat positions into rounds, each holding a position at most once: a list
    of (boolean mask over pos, positions in that round)."""
    if pos.size == 0:
        return []
    order = np.argsort(pos, kind="stable")
    sp = pos[order]
    start = np.r_[True, sp[1:] != sp[:-1]]
    group_start = np.maximum.accumulate(np.where(start, np.arange(sp.size), 0))
    occ = np.empty(pos.size, dtype=np.intp)
    occ[order] = np.arange(sp.size) - group_start     # which occurrence each one is
    return [(occ == r, pos[occ == r]) for r in range(int(occ.max()) + 1)]


def _is_batched(i):
    return isinstance(i, Tensor) and i._x is not None and "vmap" in i._x


def _check_batched_bounds(i, n, who):
    """An index batched by tg.vmap is checked over the whole batch (its values are at
    hand in an eager vmap), so the default mode raises here as it does unbatched."""
    while isinstance(i, Tensor) and i._x is not None and "vmap" in i._x:
        i = i._x["vmap"][1]
    raw = i._data if isinstance(i, Tensor) else i
    if type(raw) is np.ndarray and raw.size and (raw.min() < -n or raw.max() >= n):
        bad = raw[(raw < -n) | (raw >= n)].flat[0]
        raise IndexError(f"at[...].{who}: index {bad} is out of bounds for an axis of size "
                         f"{n} (in a tg.vmap batch); tapegrad raises where JAX would clip "
                         "or drop silently: pass mode='clip', 'drop' or 'fill' to ask for "
                         "that")


class _OneHot:
    """An index holding tg.vmap-batched integer tensors (their values differ per batch
    element, so no positions can be computed here): integer indices on x's leading
    axes, turned into a one-hot matrix (m, L) over the L leading positions by tensor
    comparisons, which vmap batches; updates are matrix products with it."""

    def __init__(self, x, index, who, mode=None):
        index = index if isinstance(index, tuple) else (index,)
        lead = []
        for k, i in enumerate(index):
            if _is_batched(i) and i.dtype == np.bool_:
                raise IndexError(f"at[...].{who}: a boolean mask batched by tg.vmap selects "
                                 "different positions in each batch element; use "
                                 "tg.where(mask, values, x) instead")
            if isinstance(i, (Tensor, int, np.integer)):
                if k != len(lead):
                    break
                lead.append(i)
            elif not (i is Ellipsis or i == slice(None)):
                raise IndexError(f"at[...].{who}: with an index batched by tg.vmap, the "
                                 "index must be integers on the leading axes followed by "
                                 f"full slices, got {index!r:.60}")
        shape = x.shape
        if len(lead) > len(shape):
            raise IndexError(f"at[...].{who}: too many indices for shape {shape}")
        pos = 0
        inside = None               # per example: did the index fall in range
        for k, i in enumerate(lead):
            n = shape[k]
            i = i if isinstance(i, Tensor) else np.asarray(i)
            if mode in (None, "promise_in_bounds"):
                _check_batched_bounds(i, n, who)
            i = where(i < 0, i + n, i)
            if mode == "clip":
                i = minimum(maximum(i, 0), n - 1)
            else:
                ok = (i >= 0) & (i < n)
                inside = ok if inside is None else inside & ok
            pos = pos * n + i
        self.inside = inside        # out of range: a row of zeros in the one-hot matrix
        self.L = int(np.prod(shape[:len(lead)], dtype=np.int64))
        self.rest = shape[len(lead):]
        self.S = tuple(pos.shape)
        m = int(np.prod(self.S, dtype=np.int64))
        hits = reshape(pos, self.S + (1,)) == np.arange(self.L)
        self.one = reshape(cast(hits, x.dtype), (m, self.L))
        self.x2 = reshape(x, (self.L, -1))
        self.shape = shape

    def values(self, v, x):
        v = v if isinstance(v, Tensor) else np.asarray(v, dtype=x.dtype)
        v = broadcast_to(cast(v, x.dtype) if v.dtype != x.dtype else v, self.S + self.rest)
        return reshape(v, (self.one.shape[0], -1))

    def done(self, out):
        return reshape(out, self.shape)


def _default_fill(dtype):
    """JAX's fill for a gather out of range: NaN, or the extreme value of an integer
    type (the smallest if signed), or True."""
    dtype = np.dtype(dtype)
    if dtype.kind in "fc":
        return np.nan
    if dtype.kind == "b":
        return True
    info = np.iinfo(dtype)
    return info.min if dtype.kind == "i" else info.max


class _Ref:
    """`x.at[index]`: the updates JAX offers, each returning a new tensor."""

    __slots__ = ("x", "index")

    def __init__(self, x, index):
        self.x, self.index = x, index

    def _onehot(self, who, mode=None):
        idx = self.index if isinstance(self.index, tuple) else (self.index,)
        if not any(_is_batched(i) for i in idx):
            return None
        return _OneHot(self.x, self.index, who, mode)

    def _onehot_update(self, oh, values, how):
        v = oh.values(values, self.x)
        one, x2 = oh.one, oh.x2
        if how == "add":
            return oh.done(x2 + matmul(transpose(one), v))
        count = _sum(one, 0)
        hit = reshape(count > 0, (-1, 1))
        if how == "set":
            # a position named twice takes the mean of its values (JAX leaves it unspecified)
            new = matmul(transpose(one), v) / reshape(maximum(count, 1.0), (-1, 1))
            return oh.done(where(hit, new, x2))
        sel = reshape(one, one.shape + (1,)) > 0
        vv = reshape(v, (v.shape[0], 1, v.shape[1]))
        if how == "multiply":
            return oh.done(x2 * prod(where(sel, vv, 1.0), 0))
        if how == "divide":
            return oh.done(x2 / prod(where(sel, vv, 1.0), 0))
        if how == "min":
            return oh.done(where(hit, minimum(x2, amin(where(sel, vv, np.inf), 0)), x2))
        if how == "max":
            return oh.done(where(hit, maximum(x2, amax(where(sel, vv, -np.inf), 0)), x2))
        raise NotImplementedError(f"at[...].{how}: an index batched by tg.vmap is supported "
                                  "by get, set, add, subtract, multiply, divide, min and max")

    def _setup(self, values, who, mode):
        if mode not in _MODES:
            raise ValueError(f"at[...].{who}: mode must be one of {_MODES}, got {mode!r}")
        x = self.x
        index = _norm_index(self.index)
        keep = None
        if mode in ("clip", "drop", "fill"):
            index, keep = _in_bounds(x.shape, index, mode)
        pos = _positions(x.shape, index)
        if values is None:
            return x, (pos if keep is None else pos[keep]), None
        if not isinstance(values, Tensor):
            values = np.asarray(values, dtype=x.dtype)
        elif values.dtype != x.dtype:
            values = cast(values, x.dtype)        # JAX casts the update to x's dtype
        try:
            v = broadcast_to(values, pos.shape)
        except ValueError:
            raise ValueError(f"at[...].{who}: values of shape {np.shape(values)} cannot be "
                             f"broadcast to the indexed shape {pos.shape}") from None
        v = reshape(v, (-1,))
        if keep is not None:            # updates that fall out of range are dropped
            keep = keep.reshape(-1)
            return x, pos.reshape(-1)[keep], getitem(v, keep)
        return x, pos.reshape(-1), v

    def _scatter(self, v, n, pos):
        return apply(IndexAdd, v, shape=(n,), index=(pos,))

    def _rounds_update(self, values, who, mode, combine):
        oh = self._onehot(who, mode)
        if oh is not None:
            return self._onehot_update(oh, values, who)
        x, pos, v = self._setup(values, who, mode)
        n = x.size
        out = reshape(x, (n,))
        for sel, p in _rounds(pos):
            mask = np.zeros(n, dtype=bool)
            mask[p] = True
            vr = v if sel.all() else getitem(v, sel)
            out = combine(out, self._scatter(vr, n, p), mask)
        return reshape(out, x.shape)

    def get(self, *, mode: Any = None, fill_value: Any = None,
            indices_are_sorted: bool = False, unique_indices: bool = False) -> Tensor:
        """x[index] (differentiable).

        >>> import tapegrad.numpy as jnp
        >>> jnp.arange(5.0).at[1:3].get()
        tensor([1., 2.], dtype=float64)
        """
        if mode not in _MODES:
            raise ValueError(f"at[...].get: mode must be one of {_MODES}, got {mode!r}")
        oh = self._onehot("get", mode)
        if oh is not None:
            got = reshape(matmul(oh.one, oh.x2), oh.S + oh.rest)
            if mode in ("drop", "fill") and oh.inside is not None:
                fill = _default_fill(self.x.dtype) if fill_value is None else fill_value
                keep = reshape(oh.inside, oh.S + (1,) * len(oh.rest))
                got = where(keep, got, np.asarray(fill, dtype=self.x.dtype))
            return got
        x = self.x
        if mode in ("clip", "drop", "fill"):
            index, keep = _in_bounds(x.shape, _norm_index(self.index), mode)
            got = getitem(x, index)
            if keep is None:
                return got
            if fill_value is None:
                fill_value = _default_fill(x.dtype)
            return where(keep, got, np.asarray(fill_value, dtype=x.dtype))
        if fill_value is not None:
            raise ValueError("at[...].get: fill_value is used with mode='fill' (or 'drop') "
                             f"only, got mode={mode!r}")
        _positions(x.shape, _norm_index(self.index))      # bounds, said as .at
        return getitem(x, self.index)

    def set(self, values: ArrayLike, *, mode: Any = None, indices_are_sorted: bool = False,
            unique_indices: bool = False) -> Tensor:
        """A copy of x with x[index] = values (a repeated position keeps its last value).

        >>> import tapegrad.numpy as jnp
        >>> jnp.zeros(4).at[1].set(5.0)
        tensor([0., 5., 0., 0.], dtype=float64)
        """
        return self._rounds_update(values, "set", mode,
                                   lambda out, s, m: where(m, s, out))

    def add(self, values: ArrayLike, *, mode: Any = None, indices_are_sorted: bool = False,
            unique_indices: bool = False) -> Tensor:
        """A copy of x with values added at index; repeated positions accumulate.

        >>> import tapegrad.numpy as jnp
        >>> jnp.zeros(3).at[[0, 0, 2]].add(1.0)
        tensor([2., 0., 1.], dtype=float64)
        """
        oh = self._onehot("add", mode)
        if oh is not None:
            return self._onehot_update(oh, values, "add")
        x, pos, v = self._setup(values, "add", mode)
        if pos.size == 0:
            return x + 0
        return x + reshape(self._scatter(v, x.size, pos), x.shape)

    def subtract(self, values: ArrayLike, **kwargs: Any) -> Tensor:
        """A copy of x with values subtracted at index (repeated positions accumulate).

        >>> import tapegrad.numpy as jnp
        >>> jnp.ones(3).at[1].subtract(2.0)
        tensor([ 1., -1.,  1.], dtype=float64)
        """
        if not isinstance(values, Tensor):
            values = np.asarray(values, dtype=self.x.dtype)
        return self.add(-values, **kwargs)

    def multiply(self, values: ArrayLike, *, mode: Any = None,
                 indices_are_sorted: bool = False, unique_indices: bool = False) -> Tensor:
        """A copy of x with x[index] *= values (once per occurrence of a position).

        >>> import tapegrad.numpy as jnp
        >>> jnp.ones(3).at[[1, 1]].multiply(3.0)
        tensor([1., 9., 1.], dtype=float64)
        """
        return self._rounds_update(values, "multiply", mode,
                                   lambda out, s, m: out * where(m, s, 1.0))

    mul = multiply

    def divide(self, values: ArrayLike, *, mode: Any = None,
               indices_are_sorted: bool = False, unique_indices: bool = False) -> Tensor:
        """A copy of x with x[index] /= values.

        >>> import tapegrad.numpy as jnp
        >>> jnp.ones(3).at[0].divide(4.0)
        tensor([0.2500, 1.0000, 1.0000], dtype=float64)
        """
        return self._rounds_update(values, "divide", mode,
                                   lambda out, s, m: out / where(m, s, 1.0))

    def power(self, values: ArrayLike, *, mode: Any = None,
              indices_are_sorted: bool = False, unique_indices: bool = False) -> Tensor:
        """A copy of x with x[index] **= values.

        >>> import tapegrad.numpy as jnp
        >>> jnp.full(3, 2.0).at[2].power(3.0)
        tensor([2., 2., 8.], dtype=float64)
        """
        return self._rounds_update(values, "power", mode,
                                   lambda out, s, m: where(m, out ** where(m, s, 1.0), out))

    def min(self, values: ArrayLike, *, mode: Any = None, indices_are_sorted: bool = False,
            unique_indices: bool = False) -> Tensor:
        """A copy of x with x[index] = minimum(x[index], values).

        >>> import tapegrad.numpy as jnp
        >>> jnp.ones(3).at[:2].min(jnp.array([0.5, 2.0]))
        tensor([0.5000, 1.0000, 1.0000], dtype=float64)
        """
        return self._rounds_update(values, "min", mode,
                                   lambda out, s, m: where(m, minimum(out, s), out))

    def max(self, values: ArrayLike, *, mode: Any = None, indices_are_sorted: bool = False,
            unique_indices: bool = False) -> Tensor:
        """A copy of x with x[index] = maximum(x[index], values).

        >>> import tapegrad.numpy as jnp
        >>> jnp.ones(3).at[0].max(4.0)
        tensor([4., 1., 1.], dtype=float64)
        """
        return self._rounds_update(values, "max", mode,
                                   lambda out, s, m: where(m, maximum(out, s), out))

    def apply(self, func: Any, *, mode: Any = None, indices_are_sorted: bool = False,
              unique_indices: bool = False) -> Tensor:
        """A copy of x with x[index] = func(x[index]) (func elementwise, applied once per
        occurrence of a position).

        >>> import tapegrad.numpy as jnp
        >>> jnp.arange(3.0).at[1:].apply(jnp.exp)
        tensor([0.0000, 2.7183, 7.3891], dtype=float64)
        """
        if self._onehot("apply") is not None:
            raise NotImplementedError("at[...].apply: an index batched by tg.vmap is "
                                      "supported by get, set, add, subtract, multiply, "
                                      "divide, min and max")
        x, pos, _ = self._setup(None, "apply", mode)
        n = x.size
        out = reshape(x, (n,))
        flat = pos.reshape(-1)
        for _sel, p in _rounds(flat):
            mask = np.zeros(n, dtype=bool)
            mask[p] = True
            new = self._scatter(func(getitem(out, p)), n, p)
            out = where(mask, new, out)
        return reshape(out, x.shape)

    def __repr__(self):
        return f"_IndexUpdateRef({self.x!r}, {self.index!r})"


class IndexUpdateHelper:
    """`x.at`: index it (`x.at[1:3]`) to get the functional updates, as in JAX.

    >>> import tapegrad.numpy as jnp
    >>> x = jnp.zeros((2, 3))
    >>> x.at[0, 1].set(1.0)
    tensor([[0., 1., 0.],
            [0., 0., 0.]], dtype=float64)
    >>> x.at[:, 0].add(jnp.array([1.0, 2.0]))
    tensor([[1., 0., 0.],
            [2., 0., 0.]], dtype=float64)
    """

    __slots__ = ("x",)

    def __init__(self, x: Tensor) -> None:
        self.x = x

    def __getitem__(self, index: Any) -> _Ref:
        return _Ref(self.x, index)

    def __repr__(self):
        return f"IndexUpdateHelper({self.x!r})"

__all__ = ["IndexUpdateHelper"]
