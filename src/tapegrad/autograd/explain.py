"""explain_grad: say why a source does or does not reach a target in the recorded graph."""
from __future__ import annotations

import collections

from .. import _state
from .._tensor import Tensor
from .._graph import AccumulateGrad, _exits, grad_edge
from .._sites import site_text
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, Literal

_local = _state.local
_KIND = {"no_grad": "was computed under no_grad (recording was off)",
         "detach": "was cut from the graph by .detach()",
         "stop_gradient": "went through stop_gradient"}


def recent_exits():
    """This thread's latest conversions (how, site, refs), oldest first: at most 64."""
    ring = getattr(_exits, "ring", None)
    return list(ring) if ring else []


def _edge_of(t):
    e = t.grad_fn
    if e is None and t._acc is not None:
        e = t._acc()
    if e is None and t._rg:
        e = grad_edge(t)
    return e


def _resolve(ref):
    obj = ref()
    return _edge_of(obj) if isinstance(obj, Tensor) else obj


def _reaches(ref, goal):
    start = _resolve(ref)
    return start is not None and _path(start, goal) is not None


def _path(start, goal, allowed=None):
    """Nodes from `start` to `goal` following gradient edges (iterative BFS), or None."""
    if start is None or goal is None:
        return None
    parent = {start: None}
    queue = collections.deque([start])
    while queue:
        node = queue.popleft()
        if node is goal:
            path = []
            while node is not None:
                path.append(node)
                node = parent[node]
            return path[::-1]
        for nxt in node.next:
            if nxt is not None and nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    return None


def _nodes(start):
    seen = {start}
    stack = [start]
    while stack:
        node = stack.pop()
        yield node
        for nxt in node.next:
            if nxt is not None and nxt not in seen:
                seen.add(nxt)
                stack.append(nxt)


def _describe(node):
    site = node.site
    where = f" at {site_text(site)}" if site is not None else ""
    return f"{node.name()}{where}"


def _cut_reaching(cut, goal):
    kind, site, refs = cut
    for r in refs:
        start = _resolve(r)
        if start is not None and _path(start, goal) is not None:
            return f"the value {_KIND.get(kind, kind)} at {site_text(site)}"
    return None


def explain_grad(target: Tensor, source: Tensor, tape: Any = None) -> str:
    """A sentence or two on why `source` does or does not reach `target`.

    Args:
        target: the tensor differentiated.
        source: the tensor whose gradient is asked for.
        tape: the GradientTape that recorded target, when it was recorded by one.

    Returns:
        The explanation, one or more lines of text.

    >>> import tapegrad as tg
    >>> x = tg.tensor(2.0, requires_grad=True)
    >>> with tg.no_grad():
    ...     y = x * 3
    >>> print(tg.explain_grad(y * x, x).splitlines()[0])
    source reaches target through 2 op(s): MulBackward -> AccumulateGrad
    """
    for arg, v in (("target", target), ("source", source)):
        if not isinstance(v, Tensor):
            raise TypeError(f"explain_grad: {arg} must be a tensor, got {type(v).__name__}")
    src = _edge_of(source)
    if src is None:
        return ("source does not require grad, so no gradient is computed for it: create "
                "it with requires_grad=True (or requires_grad_()), use a tg.Variable, or "
                "tape.watch() it before using it.")
    root = _edge_of(target)
    if root is None:
        cut = target._x.get("cut") if target._x else None
        if cut is not None:
            why = _cut_reaching(cut, src) or f"target {_KIND.get(cut[0], cut[0])} " \
                                             f"at {site_text(cut[1])}"
            return f"target has no recorded history: {why}."
        return ("target has no recorded history: it was built only from constants "
                "(tensors without requires_grad, or NumPy/Python values)."
                + _exit_hint(src))
    path = _path(root, src)
    if path is not None:
        names = " -> ".join(n.name() for n in path)
        msg = f"source reaches target through {len(path)} op(s): {names}"
        if tape is not None:
            missing = [n for n in path if not isinstance(n, AccumulateGrad)
                       and not tape._recorded(n)]
            if missing:
                msg += (f"\nbut the tape did not record {_describe(missing[0])}: it ran "
                        "outside the tape's `with` block (or under stop_recording), so "
                        "tape.gradient returns None.")
            elif isinstance(src, AccumulateGrad) and id(source) not in tape._watched:
                msg += ("\nbut the tape does not watch source: call tape.watch(source) "
                        "inside the `with` block (constants are not watched).")
        return msg
    for node in _nodes(root):
        for cut in (node.cuts or ()):
            why = _cut_reaching(cut, src)
            if why is not None:
                return (f"source does not reach target: {why}; it entered "
                        f"{_describe(node)} as a constant.")
    return ("source does not reach target: no path of recorded ops connects them, so "
            "source was never used in the recorded computation of target." + _exit_hint(src))


def _exit_hint(src):
    """A recent conversion of source (or of a value computed from it) to NumPy/Python.

    Arrays cannot be traced back to tensors, so this is offered as the likely cause,
    not asserted."""
    ring = getattr(_exits, "ring", None) or ()
    for how, site, refs in reversed(ring):
        if any(_reaches(r, src) for r in refs):
            return (f" If target was computed from a NumPy or Python value: source (or a "
                    f"value computed from it) left tapegrad through {how} at "
                    f"{site_text(site)}; such values are constants to autodiff, so keep "
                    "that computation in tapegrad ops.")
    return ""


def _exit_count():
    """How many conversions this thread has noted so far (a mark for `_cut_inputs`)."""
    return getattr(_exits, "n", 0)


def _cut_inputs(sources, since):
    """(position, how, site) for each source that left tapegrad (np.asarray, float(),
    .numpy() of it or of a value computed from it) after the mark `since`: when such a
    source then gets no gradient, the function most likely cut its graph."""
    n = _exit_count() - since
    ring = getattr(_exits, "ring", None)
    if n <= 0 or not ring:
        return []
    recent = list(ring)[-min(n, len(ring)):]
    found = []
    for k, source in sources:
        src = _edge_of(source)
        for how, site, refs in reversed(recent):
            if any(_reaches(r, src) for r in refs):
                found.append((k, how, site_text(site)))
                break
    return found


class NoneGradientWarning(UserWarning):
    """Issued (in debug mode) when a gradient comes back as None, with the reason.

    >>> import warnings
    >>> import tapegrad as tg
    >>> x = tg.constant(2.0)                      # not watched by the tape
    >>> with tg.GradientTape() as tape:
    ...     y = x * x
    >>> with warnings.catch_warnings(record=True) as caught, tg.debug_none_gradients():
    ...     warnings.simplefilter("always")
    ...     tape.gradient(y, x) is None
    True
    >>> caught[0].category is tg.NoneGradientWarning
    True
    """


_debug = {"on": False}


class debug_none_gradients:
    """Explain every None gradient from `tape.gradient` / `tg.autograd.grad(...,
    allow_unused=True)` with a NoneGradientWarning. Use as a call or a `with` block.

    Args:
        enabled: True to explain None gradients, False to stop.

    Raises:
        TypeError: enabled is not a bool.

    >>> import tapegrad as tg
    >>> with tg.debug_none_gradients():
    ...     pass
    """

    def __init__(self, enabled: bool = True) -> None:
        if not isinstance(enabled, bool):
            raise TypeError(f"debug_none_gradients: enabled must be True or False, got "
                            f"{enabled!r} ({type(enabled).__name__})")
        self.prev = _debug["on"]
        _debug["on"] = enabled

    def __enter__(self) -> debug_none_gradients:
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        _debug["on"] = self.prev
        return False


def is_debugging() -> bool:
    return _debug["on"]


def warn_none(who, k, target, source, tape=None):
    import warnings
    warnings.warn(f"{who}: the gradient for source {k} is None: "
                  f"{explain_grad(target, source, tape)}", NoneGradientWarning, stacklevel=3)

# the names `from tapegrad.autograd.explain import *` gives (tests/test_all.py)
__all__ = ["recent_exits", "explain_grad", "NoneGradientWarning", "debug_none_gradients",
           "is_debugging", "warn_none"]
