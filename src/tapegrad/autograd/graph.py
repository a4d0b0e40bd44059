"""Graph nodes. A Node never points back at the tensor it produced (no cycles)."""
import weakref

FREED = object()        # marks saved values released by a backward without retain_graph


class Node:
    """One recorded op application: the rule class, saved values and edges.

    The same object is the `ctx` that the op's rules read (`ctx.saved`,
    `ctx.needs_grad`, `ctx.params`, `ctx.in_shapes`).
    """

    __slots__ = ("op", "_saved", "saved", "params", "in_shapes", "next", "needs_grad",
                 "_mask", "vers", "out_shape", "out_dtype", "hooks", "retain", "site", "out_fw", "cuts",
                 "ran", "__weakref__")

    def __init__(self, op, saved, params, in_shapes, next_, mask, vers, out):
        self.op = op
        self._saved = saved
        self.saved = None
        self.params = params
        self.in_shapes = in_shapes
        self.next = next_
        self._mask = mask
        self.needs_grad = mask
        self.vers = vers
        self.out_shape = out.shape
        self.out_dtype = out.dtype
        self.hooks = None
        self.retain = None
        self.site = None
        self.out_fw = None          # tangents of the output, for forward-over-reverse
        self.cuts = None            # where inputs lost their gradient path (explain_grad)
        self.ran = 0                # the first backward (by number) that freed this node

    def name(self) -> str:
        return self.op.bw_name

    @property
    def next_functions(self):
        return tuple((n, 0) for n in self.next)

    @property
    def next_nodes(self):
        return [n for n in self.next if n is not None]

    def register_hook(self, fn):
        if self.hooks is None:
            self.hooks = []
        self.hooks.append(fn)
        return _HookHandle(self.hooks, fn)

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


def version_error(node, index, saved_version, cell):
    """The in-place error: names the op, the tensor, and both source lines."""
    from ..ops._core import site_text
    now = cell[0]
    shape = node.in_shapes[index] if 0 <= index < len(node.in_shapes) else node.out_shape
    what = "its output" if index < 0 else f"input {index}"
    msg = (f"{node.op.bw_name}: a tensor it saved for backward ({what}, shape "
           f"{tuple(shape) if shape is not None else '?'}) was modified in place after "
           f"it was saved (saved at version {saved_version}, now at version {now}).")
    if node.site is not None:
        msg += f"\n  saved by {node.op.__name__.lower()} at {site_text(node.site)}"
    if len(cell) > 1 and cell[1] is not None:
        msg += f"\n  modified in place at {site_text(cell[1])}"
    msg += ("\nUse an out-of-place operation (e.g. `x = x * 2`) or .clone() the tensor "
            "before changing it.")
    return RuntimeError(msg)
