"""tg.checkpoint: trade compute for memory by recomputing a segment during backward.

The segment's graph is recorded as usual (so gradients reach every tensor it used,
including parameters it reads from outside), but the arrays its nodes saved for backward
are dropped right away. The first backward step that needs one of them runs the segment
again, with the random state it had the first time, and hands each node the values it
saved then. The nodes are the same, so hooks, tapes, `create_graph` and the transforms
work unchanged; only the segment's inputs stay alive in between.
"""
from __future__ import annotations

import functools
import inspect
import weakref
import zlib

import numpy as np

from . import _random, _state
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .ops._apply import _frozen
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_local = _state.local

__all__ = ["checkpoint"]


class _Segment:
    """One checkpointed call: how to run it again and which nodes wait for its values."""

    __slots__ = ("fn", "args", "kwargs", "rng", "nodes", "ops", "done", "sums", "rg",
                 "__weakref__")

    def __init__(self, fn, args, kwargs, rng, nodes, sums):
        self.fn = fn
        self.sums = sums
        self.args = args
        self.kwargs = kwargs
        self.rng = rng
        self.nodes = [weakref.ref(n) for n in nodes]    # weak: no node -> segment cycle
        self.ops = [n.op for n in nodes]
        self.done = False
        self.rg = None          # whether each argument recorded in forward (set by checkpoint)

    def recompute(self):
        """Run the segment again and give every waiting node the values it saved."""
        self.done = True
        leaves, spec = flatten((self.args, self.kwargs))
        rg = self.rg if self.rg is not None else [None] * len(leaves)
        args, kwargs = unflatten(spec, [_reconnect(v, r) for v, r in zip(leaves, rg)])
        after = _random.get_rng_state()
        prev = (_local.grad_enabled, _local.ckpt, _local.tapes, _local.tape_log,
                _local.tape_mark)
        _local.grad_enabled = True
        _local.ckpt = []
        _local.tapes = []
        _local.tape_log = None          # a recomputation is not a use a tape should see
        _local.tape_mark = None         # nor are its nodes recorded by one
        try:
            _random.set_rng_state(self.rng)     # dropout draws the same masks again
            res = self.fn(*args, **kwargs)
            fresh = _local.ckpt
        finally:
            (_local.grad_enabled, _local.ckpt, _local.tapes, _local.tape_log,
             _local.tape_mark) = prev
            _random.set_rng_state(after)
        if [n.op for n in fresh] != self.ops:
            raise RuntimeError(
                "checkpoint: running the function again recorded different operations "
                f"({len(fresh)} instead of {len(self.ops)}); a checkpointed function must "
                "take the same path every time it runs (no branching on random or global "
                "state)")
        if _checksums(res) != self.sums:
            # f read something that changed since the forward pass (a NumPy array or a
            # global it captured): the recomputed saved values would give a wrong gradient
            raise RuntimeError(
                "checkpoint: running the function again during backward gave different "
                "results than the forward pass; it reads something that changed in "
                "between (a NumPy array or global it captured, written after the call). "
                "Pass such values as arguments (they are copied) or do not change them "
                "before backward")
        for ref, new in zip(self.nodes, fresh):
            node = ref()
            if node is not None and type(node._saved) is _Pending:
                vals = new._saved
                if type(vals) is _Pending:      # a checkpoint nested in this one
                    vals = vals.fill(new)
                node._saved = vals
        self.args = self.kwargs = None


class _Pending:
    """Stands in a node's saved values until its segment is recomputed."""

    __slots__ = ("segment",)

    def __init__(self, segment):
        self.segment = segment

    def fill(self, node):
        seg = self.segment
        if not seg.done:
            seg.recompute()
        saved = node._saved
        if type(saved) is not tuple:
            raise RuntimeError(f"{node.name()}: checkpoint could not recompute the values "
                               "this node saved")
        return saved

    def __len__(self):
        return 0                # viz and friends see "nothing saved right now"


def _checksums(out):
    """CRC32 of every array in f's result: the recompute must reproduce them exactly."""
    sums = []
    for v in flatten(out)[0]:
        a = v._data if isinstance(v, Tensor) else v
        if isinstance(a, np.ndarray):
            sums.append(zlib.crc32(np.ascontiguousarray(a).view(np.uint8)))
        elif isinstance(a, (int, float, complex, np.generic)):
            sums.append(a)
    return sums


def _reconnect(a, rg=None):
    """A fresh leaf with `a`'s values that records exactly when `a` did in forward (`rg`:
    a constant a GradientTape watched then is no longer watched when backward runs)."""
    if isinstance(a, Tensor):
        return make(a._data, a._rg if rg is None else rg)
    return a


def _traced_leaves(tree):
    return [v for v in flatten(tree)[0] if isinstance(v, Tensor)]


_JAX_OPTIONS = {"prevent_cse", "policy", "static_argnums"}
# torch.utils.checkpoint's own keywords: torch never passes them on to f
_TORCH_FLAGS = ("use_reentrant", "preserve_rng_state", "debug")


def _torch_options(kwargs):
    """Take torch's checkpoint keywords out of kwargs (in place). Either value of
    use_reentrant gives the same gradients here, and the random state is always
    restored for the recompute (preserve_rng_state=False would only let it differ)."""
    for k in _TORCH_FLAGS:
        if k in kwargs:
            v = kwargs.pop(k)
            if not (isinstance(v, bool) or v is None and k == "use_reentrant"):
                raise TypeError(f"checkpoint: {k} must be a bool, got {v!r:.40} "
                                f"({type(v).__name__})")
    if "determinism_check" in kwargs:
        v = kwargs.pop("determinism_check")
        if v not in ("default", "none"):
            raise ValueError(f"checkpoint: determinism_check must be 'default' or 'none', "
                             f"got {v!r:.40}")
    if "context_fn" in kwargs:
        raise TypeError("checkpoint: context_fn (torch's selective checkpointing) is not "
                        "supported; checkpoint a smaller function instead")


def _wants_arguments(f):
    """Whether f has a required positional parameter: then checkpoint(f) alone is JAX's
    spelling (a function to call later), not PyTorch's call of f()."""
    try:
        params = inspect.signature(f).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(p.default is p.empty and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               for p in params)


def _remat(f, options):
    """jax.checkpoint / jax.remat: f, checkpointed at each call. prevent_cse and policy
    tune XLA's rematerialisation, which has no counterpart here; static_argnums need none
    (arguments are never traced)."""
    @functools.wraps(f)
    def remat_f(*args, **kwargs):
        return checkpoint(f, *args, **kwargs)
    return remat_f


def checkpoint(f: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call `f(*args, **kwargs)` without keeping its intermediate values for backward.
    Given only a function that takes arguments (`tg.checkpoint(f)`, JAX's
    `jax.checkpoint`, also as a decorator), it returns f checkpointed at each call.

    They are recomputed (with the same random state) when backward reaches them, so
    gradients are identical while memory holds only each segment's inputs. Checkpoint
    consecutive blocks of a deep network to cut its activation memory; `f` must record
    the same operations every time it runs.

    Args:
        f: the function to run; it must record the same operations each time.
        *args: f's positional arguments (the tensors whose gradients flow).
        **kwargs: f's keyword arguments; torch's own (use_reentrant,
            preserve_rng_state, determinism_check, debug) are taken, not passed to f.

    Returns:
        f's result, connected to the graph.

    Raises:
        TypeError: f is not callable.

    >>> import tapegrad as tg
    >>> w = tg.tensor([0.5, -1.0], requires_grad=True)
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> y = tg.checkpoint(lambda x: tg.tanh(x * w), x).sum()
    >>> y.backward()
    >>> w.grad
    tensor([0.7864, 0.1413])
    """
    if not callable(f):
        raise TypeError(f"checkpoint: the first argument must be a function, got "
                        f"{type(f).__name__}")
    _torch_options(kwargs)
    if not args and set(kwargs) <= _JAX_OPTIONS and _wants_arguments(f):
        return _remat(f, kwargs)        # jax.checkpoint(f): the checkpointed function
    if _local.trace is not None or not _local.grad_enabled:
        return f(*args, **kwargs)       # graph mode and no_grad keep no saved values
    if (_local.fw_levels or _local.fw_default) and any(t._fw for t in _traced_leaves((args, kwargs))):
        return f(*args, **kwargs)       # forward mode saves nothing for later either
    rng = _random.get_rng_state()
    # the recompute must see the NumPy arguments as they are now, whatever the caller
    # writes into them before backward (tensors are checked by their version counters)
    leaves, spec = flatten((args, kwargs))
    if any(type(v) is np.ndarray for v in leaves):
        kept, kept_kw = unflatten(spec, [_frozen(v) if type(v) is np.ndarray else v
                                         for v in leaves])
    else:
        kept, kept_kw = args, kwargs
    rg = [v._rg if isinstance(v, Tensor) else None for v in leaves]
    outer = _local.ckpt
    _local.ckpt = nodes = []
    try:
        out = f(*args, **kwargs)
    finally:
        _local.ckpt = outer
    if outer is not None:
        outer.extend(nodes)             # an enclosing checkpoint re-runs us as a whole
    holders = [n for n in nodes if n._saved is not None]
    if not holders:
        return out
    seg = _Segment(f, kept, dict(kept_kw), rng, nodes, _checksums(out))
    seg.rg = rg
    pending = _Pending(seg)
    for n in holders:
        if type(n._saved) is tuple:
            n._saved = pending
    return out
