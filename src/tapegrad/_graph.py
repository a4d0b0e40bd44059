"""Graph nodes and what they save: Node, AccumulateGrad, Version (the in-place counter
saved values are checked against), the interned metadata nodes share, and the notes
explain_grad reads, and SliceGrads (the gradient of a slice, summed lazily). A Node never
points back at the tensor it produced (no cycles). Bottom layer: imports only _state and
_sites (and NumPy)."""
import collections
import inspect
import threading
import weakref
from weakref import ref as _weakref

import numpy as np

from . import _state
from ._sites import _site, site_text

_local = _state.local

_track = None           # _speedups.track once the C speedups are set up (_native.py)


class Version:
    """The in-place change counter a tensor shares with its views: backward compares
    it with the count a node saw when it saved the tensor. Smaller than a list: one
    is made for nearly every recorded op."""

    __slots__ = ("v", "site", "x")

    def __init__(self):
        self.v = 0
        self.site = None            # where the last in-place change happened
        # None, or [weak references to views sharing this counter (or None), weak
        # reference to a node holding the memory's values (or None)]: one slot, since
        # most counters need neither and there is one per recorded op
        self.x = None


class Spent:
    """What a node's `_saved` becomes after a backward without retain_graph: that
    backward's number, and whether saved values were freed (a node that saved nothing
    may run again, as in PyTorch). One pair per backward, shared by its nodes."""

    __slots__ = ("run", "freed")

    def __init__(self, run, freed):
        self.run = run
        self.freed = freed


class Node:
    """One recorded op application: the rule class, saved values and edges.

    The same object is the `ctx` that the op's rules read (`ctx.saved`,
    `ctx.needs_grad`, `ctx.params`, `ctx.in_shapes`).

    Few slots on purpose: a node is made per op, so each slot costs time in forward
    and memory per node. Rare attributes (hooks, retain, out_fw, cuts) live in one
    dict, `_x`, that most nodes never get. C's `record_fast` fills the same
    slots inline (no __init__ call); keep the two in step.
    """

    __slots__ = ("op", "_saved", "saved", "params", "in_shapes", "next", "needs_grad",
                 "vers", "meta", "site", "_x", "seq", "__weakref__")

    def __init__(self, op, saved, params, in_shapes, next_, mask, vers, meta, site,
                 seq=None):
        self.op = op
        self._saved = saved
        self.saved = None
        self.params = params
        self.in_shapes = in_shapes
        self.next = next_
        self.needs_grad = mask      # which inputs get a gradient (the engine may narrow it)
        self.vers = vers            # (counter, version at save) per saved value, or None
        self.meta = meta            # (shape, dtype) of the output, interned
        self.site = site
        self._x = None
        self.seq = seq              # recording mark (GradientTape: what it recorded)

    @property
    def ran(self):
        """The number of the first backward that went through this node without
        retain_graph (0: none has)."""
        s = self._saved
        return s.run if type(s) is Spent else 0

    @property
    def out_shape(self):
        return self.meta[0]

    @property
    def out_dtype(self):
        return self.meta[1]

    def _get(self, key):
        x = self._x
        return None if x is None else x.get(key)

    def _set(self, key, value):
        if self._x is None:
            self._x = {}
            if _track is not None:
                _track(self)        # hooks may close a cycle: the collector must see it
        self._x[key] = value

    hooks = property(lambda self: self._get("hooks"), lambda self, v: self._set("hooks", v))
    retain = property(lambda self: self._get("retain"),
                      lambda self, v: self._set("retain", v))
    # tangents of the output, for forward-over-reverse
    out_fw = property(lambda self: self._get("out_fw"),
                      lambda self, v: self._set("out_fw", v))
    # where inputs lost their gradient path (explain_grad)
    cuts = property(lambda self: self._get("cuts"), lambda self, v: self._set("cuts", v))

    def name(self) -> str:
        return self.op.bw_name

    @property
    def next_functions(self):
        return tuple((n, 0) for n in self.next)

    @property
    def next_nodes(self):
        return [n for n in self.next if n is not None]

    def register_hook(self, fn):
        """A hook on this node. `fn(grad_inputs, grad_outputs)` (two parameters, PyTorch's
        node hook) runs after the node's rule and may return new grad_inputs (a tuple,
        one per input); `fn(grad)` runs before it on the output's gradient and may
        return a replacement (as a tensor hook)."""
        if not callable(fn):
            raise TypeError(f"register_hook: the hook must be callable, got "
                            f"{type(fn).__name__}")
        if _positional_count(fn) == 2:
            post = self._get("post_hooks")
            if post is None:
                post = []
                self._set("post_hooks", post)
            post.append(fn)
            return _HookHandle(post, fn)
        return self._add_hook(fn)

    def _add_hook(self, fn):
        """A hook on the gradient arriving at this node (a tensor hook)."""
        hooks = self.hooks
        if hooks is None:
            hooks = self.hooks = []
        hooks.append(fn)
        return _HookHandle(hooks, fn)

    def register_prehook(self, fn):
        """PyTorch's node prehook: `fn(grad_outputs)` (a tuple) runs before the node's
        rule and may return new grad_outputs."""
        if not callable(fn):
            raise TypeError(f"register_prehook: the hook must be callable, got "
                            f"{type(fn).__name__}")

        def pre(g):
            r = fn((g,))
            if r is None:
                return None
            if not isinstance(r, (tuple, list)) or len(r) != 1:
                raise TypeError(f"register_prehook: the hook must return None or a tuple "
                                f"of one gradient (this node has one output), got {r!r:.60}")
            return r[0]
        hooks = self.hooks
        if hooks is None:
            hooks = self.hooks = []
        hooks.append(pre)
        return _HookHandle(hooks, pre)

    def __repr__(self):
        return f"<{self.name()}>"


def _positional_count(fn):
    """How many positional parameters without a default fn takes (-1: *args or unknown)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return -1
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return -1
    return sum(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
               and p.default is p.empty for p in params)


class AccumulateGrad:
    """Sink for a leaf tensor: backward adds the arriving gradient to `.grad`."""

    __slots__ = ("variable", "__weakref__")
    next = ()
    next_functions = ()
    next_nodes = ()
    _saved = None
    site = None
    cuts = None

    def __init__(self, variable):
        self.variable = variable

    def name(self) -> str:
        return "AccumulateGrad"

    @property
    def out_shape(self):
        return self.variable.shape

    def __repr__(self):
        return "<AccumulateGrad>"


class _HookHandle:
    __slots__ = ("_list", "_fn")

    def __init__(self, lst, fn):
        self._list = lst
        self._fn = fn

    def remove(self):
        try:
            self._list.remove(self._fn)
        except ValueError:
            pass


def grad_edge(t):
    """The node a gradient for tensor `t` flows into, or None if `t` needs none."""
    fn = t.grad_fn
    if fn is not None:
        return fn
    if not t._rg:
        return None
    ref = t._acc
    acc = ref() if ref is not None else None
    if acc is None:
        acc = AccumulateGrad(t)
        t._acc = weakref.ref(acc)
    return acc


def record_edge(t):
    """grad_edge for a leaf input of an op being recorded (ops/_apply._record and C's
    record_fast): while a GradientTape records, the leaf goes to the thread's log, from
    which tapes watch the leaves they saw used (watch_accessed_variables)."""
    log = _local.tape_log
    if log is not None:
        log.append(t)
    return grad_edge(t)


def saved_index(node, k):
    """The input index (-1: the output) of the k-th value `node` saved."""
    op = node.op
    return k if op.save_all else op._save_idx[k]


def version_error(node, index, saved_version, cell):
    """The in-place error: names the op, the tensor, and both source lines."""
    now = cell.v
    shape = node.in_shapes[index] if 0 <= index < len(node.in_shapes) else node.out_shape
    what = "its output" if index < 0 else f"input {index}"
    msg = (f"{node.op.bw_name}: a tensor it saved for backward ({what}, shape "
           f"{tuple(shape) if shape is not None else '?'}) was modified in place after "
           f"it was saved (saved at version {saved_version}, now at version {now}).")
    if node.site is not None:
        msg += f"\n  saved by {node.op.__name__.lower()} at {site_text(node.site)}"
    if cell.site is not None:
        msg += f"\n  modified in place at {site_text(cell.site)}"
    msg += ("\nUse an out-of-place operation (e.g. `x = x * 2`) or .clone() the tensor "
            "before changing it. (PyTorch words it: one of the variables needed for "
            "gradient computation has been modified by an inplace operation.)")
    return RuntimeError(msg)


_MASK1 = (True,)


_MASKS = {_MASK1: _MASK1}   # interned needs-grad masks, e.g. (True, False)


_SHAPES = {}             # interned input-shape tuples of recorded nodes


def _intern_shapes(shapes):
    if len(_SHAPES) > 4096:
        _SHAPES.clear()             # many distinct shapes: keep the cache small
    return _SHAPES.setdefault(shapes, shapes)


def _intern_meta(out):
    if len(_META) > 4096:
        _META.clear()
    meta = (out.shape, out.dtype)
    return _META.setdefault(meta, meta)


_MASK2 = ((False, False), (True, False), (False, True), (True, True))


_META = {}              # interned (shape, dtype) pairs of recorded outputs


def _leaf_refs(node, max_nodes=64, max_leaves=16):
    """Weak refs to (some of) the leaves near `node`: they outlive a dropped graph. The
    walk is kept short because it runs for every no_grad op on a tracked intermediate."""
    seen = {node}
    stack = [node]
    out = []
    while stack and len(seen) < max_nodes and len(out) < max_leaves:
        n = stack.pop()
        if type(n) is AccumulateGrad:
            out.append(_weakref(n.variable))
            continue
        for nxt in n.next:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)
    return out


_exits = threading.local()          # recent conversions of tracked tensors to NumPy/Python


def note_conversion(t, how):
    """Remember that tensor `t` (which needs grad) left tapegrad through `how`."""
    ring = getattr(_exits, "ring", None)
    if ring is None:
        ring = _exits.ring = collections.deque(maxlen=64)
    refs = [weakref.ref(t if t.grad_fn is None else t.grad_fn)]
    if t.grad_fn is not None:
        refs.extend(_leaf_refs(t.grad_fn))     # the intermediate itself may die soon
    ring.append((how, _site(3), tuple(refs)))
    _exits.n = getattr(_exits, "n", 0) + 1      # tg.grad's check reads what f added


# ------------------------------------------------------------------ slice gradients
# `x[index]` sends its first-order cotangent back as a SliceGrads instead of a full-size
# array of zeros with the piece written in. The backward loops sum gradients with `+`,
# and pieces that meet at one node only join a list; the array is written once, when a
# rule, a leaf or a caller needs it (`dense`). So the T steps a recurrent layer takes
# from one (T, ...) tensor cost one array in backward rather than T (O(T^2) bytes).
#
# Invariant: a SliceGrads is made by a rule and held by exactly one gradient slot, so
# adding to it may extend it in place; everything that hands a gradient to a rule, a
# hook or the user calls `dense` first (run_node, run_leaf, graph mode's backward).

class SliceGrads:
    """zeros(shape) plus each (index, value) piece added at its basic index."""

    __slots__ = ("shape", "dtype", "parts")
    __array_ufunc__ = None          # `array + pieces` comes to __radd__, not to NumPy

    def __init__(self, shape, index, value):
        self.shape = tuple(shape)
        self.dtype = value.dtype
        self.parts = [(index, value)]

    @property
    def ndim(self):
        return len(self.shape)

    def dense(self):
        """The gradient as a fresh array (one allocation, each piece added once)."""
        out = np.zeros(self.shape, self.dtype)
        for index, value in self.parts:
            out[index] += value             # += : pieces may overlap
        return out

    def __array__(self, dtype=None, copy=None):
        out = self.dense()
        return out if dtype is None else out.astype(dtype, copy=False)

    def __add__(self, other):
        if type(other) is SliceGrads and other.shape == self.shape:
            self.parts.extend(other.parts)
            self.dtype = np.result_type(self.dtype, other.dtype)
            return self
        out = self.dense()
        if (type(other) is np.ndarray and other.shape == self.shape
                and np.result_type(self.dtype, other.dtype) == self.dtype):
            out += other                    # `out` is fresh: add in place
            return out
        return out + other

    __radd__ = __add__                      # addition commutes (bit for bit, too)

    def __repr__(self):
        return f"SliceGrads(shape={self.shape}, {len(self.parts)} pieces)"


def dense(g):
    """`g` as a rule may read it: a SliceGrads written out, anything else as it is."""
    return g.dense() if type(g) is SliceGrads else g
