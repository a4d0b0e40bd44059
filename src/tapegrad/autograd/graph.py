"""Graph nodes. A Node never points back at the tensor it produced (no cycles)."""
import weakref

from .. import _state

_local = _state.local

_track = None           # _speedups.track once the C speedups are set up (ops/_core.py)


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
    dict, `_x`, that most nodes never get. ops/_core.py `_record_fast` fills the same
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
        self.seq = seq              # creation number (GradientTape: what it recorded)

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
        if not callable(fn):
            raise TypeError(f"register_hook: the hook must be callable, got "
                            f"{type(fn).__name__}")
        hooks = self.hooks
        if hooks is None:
            hooks = self.hooks = []
        hooks.append(fn)
        return _HookHandle(hooks, fn)

    def __repr__(self):
        return f"<{self.name()}>"


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
    """grad_edge for a leaf input of an op being recorded (ops/_core._record and C's
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
    from ..ops._core import site_text
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
            "before changing it.")
    return RuntimeError(msg)
