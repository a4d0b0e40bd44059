"""TensorFlow-style front-end: GradientTape, stop_gradient, clip_by_global_norm (Variable
lives in variable.py and is re-exported here).

The tape differentiates nothing itself: it remembers when it was recording (the recording
marks nodes carry, Node.seq: one shared object per stretch of recording, see _rotate) and
asks the engine to walk only the nodes made then. Recording under a tape is the ordinary
fast path.
"""
from __future__ import annotations

import enum
import warnings

import numpy as np

from . import _state
from ._dtypes import default_float, is_floating
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from .autograd.engine import _allows, run_backward, what
from .autograd import explain
from .function.trace import run_eagerly
from ._graph import grad_edge
from .variable import Variable
from .ops import broadcast_to, cast, minimum, reshape, sqrt, stack, sum as tsum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from contextlib import AbstractContextManager
    from typing import Any, Literal

    from ._typing import ArrayLike

_local = _state.local


def _check_unconnected(v, who):
    if not isinstance(v, str) or v not in ("none", "zero"):
        raise ValueError(f"{who}: unconnected_gradients must be 'none' or 'zero', got "
                         f"{what(v)}")


def _shape(v):
    return tuple(v.shape) if isinstance(v, (Tensor, np.ndarray)) else np.shape(v)


def _checked(leaves, who, arg):
    """Numeric leaves (tensors, arrays, numbers), else a TypeError naming `arg`."""
    for v in leaves:
        ok = isinstance(v, Tensor) or (
            isinstance(v, (np.ndarray, np.generic, float, int))
            and np.asarray(v).dtype.kind in "biufc")
        if not ok:
            raise TypeError(f"{who}: {arg} must be a tensor (or a structure of tensors), got "
                            f"{what(v)}")
    return leaves


class _TapeValueError(TypeError, ValueError):
    """A non-tensor given to `watch`: TF raises ValueError there, tapegrad TypeError."""


class _TapeStateError(RuntimeError, ValueError):
    """The tape is (not) recording: TF raises ValueError there, tapegrad RuntimeError."""


class UnconnectedGradients(str, enum.Enum):
    """TF's enum: what `gradient` returns for a source the target does not depend on:
    NONE (None, the default) or ZERO (zeros of the source's shape). A str enum, so the
    strings "none" and "zero" work too, and `UnconnectedGradients("zero")` as in TF.

    >>> import tapegrad as tg
    >>> x, y = tg.constant(1.0), tg.constant(2.0)
    >>> with tg.GradientTape() as tape:
    ...     tape.watch([x, y])
    ...     z = x * 3
    >>> tape.gradient(z, [x, y], unconnected_gradients=tg.UnconnectedGradients.ZERO)
    [tensor(3.), tensor(0.)]
    """
    NONE = "none"
    ZERO = "zero"


def _rotate():
    """Start a new stretch of recording (a tape started, stopped or was reset):
    nodes recorded from now on carry a new mark (Node.seq), which every tape recording
    now adds to its marks. One shared object per stretch, not a number per node: a
    node costs no int, and the engine's filter compares pointers. Returns whether some
    tape records."""
    rec = [tp for tp in _local.tapes if tp._recording]
    mark = _Mark() if rec else None
    _local.tape_mark = mark
    for tp in rec:
        tp._marks.append(mark)
    return mark is not None


class _Mark:
    """A recording mark (Node.seq): compared by identity only."""

    __slots__ = ()


class GradientTape:
    """Records operations on watched tensors while open, for `gradient` and `jacobian`.

    TensorFlow's tf.GradientTape. Inside `with tg.GradientTape() as tape:`, ops on
    watched tensors (trainable Variables, PyTorch-style leaves, and what `watch` was
    given) are recorded; `tape.gradient(target, sources)` then differentiates them.

    Args:
        persistent: allow several `gradient`/`jacobian` calls on one recording (by
            default the first call releases it).
        watch_accessed_variables: watch trainable Variables automatically when an op
            uses them; False records only what `watch` was given.

    Raises:
        TypeError: an argument is not a bool.

    >>> import tapegrad as tg
    >>> x = tg.constant(3.0)
    >>> with tg.GradientTape() as tape:
    ...     tape.watch(x)
    ...     y = x * x
    >>> tape.gradient(y, x)
    tensor(6.)
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True) -> None:
        for arg, v in (("persistent", persistent),
                       ("watch_accessed_variables", watch_accessed_variables)):
            if not isinstance(v, (bool, np.bool_)):
                raise TypeError(f"GradientTape: {arg} must be True or False, got {what(v)}")
        self.persistent = bool(persistent)
        self.watch_accessed_variables = bool(watch_accessed_variables)
        self._marks: list[Any] = []   # the recording marks (Node.seq) of what it recorded
        self._log_at = 0              # where this tape's unread part of _local.tape_log starts
        self._extra: set[Any] = set()  # nodes of watched non-leaf tensors
        self._watched: dict[Any, Any] = {}  # id -> tensor, in watch order
        self._raised: list[Any] = []  # tensors whose requires_grad we turned on
        self._recording = False
        self._active = False
        self._used = False

    # -------------------------------------------------------------- recording
    def __enter__(self) -> GradientTape:
        run_eagerly("a GradientTape")   # inside tg.function: that signature runs eagerly
        if self._active:
            raise _TapeStateError("GradientTape: this tape is already recording (a tape "
                                  "cannot be entered again inside its own `with` block)")
        self._active = True
        _local.tapes.append(self)
        self._start()
        for t in self._watched.values():
            self._raise(t)
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        if self._recording:
            self._stop()
        self._active = False
        if self in _local.tapes:
            _local.tapes.remove(self)
        self._lower()
        return False

    def _start(self):
        """Open a range: nodes made from now on are this tape's."""
        self._recording = True
        if _local.tape_log is None:
            _local.tape_log = []
        self._log_at = len(_local.tape_log)
        _rotate()

    def _stop(self):
        """Close the range (and read the leaves used meanwhile)."""
        self._fold()
        self._recording = False
        if not _rotate():
            _local.tape_log = None          # no tape records: nothing to note

    def _fold(self):
        """Watch the leaves ops used since the last fold (watch_accessed_variables):
        trainable Variables and PyTorch-style leaves (e.g. nn.Parameter), in use order."""
        log = _local.tape_log
        if not self._recording or log is None:
            return
        if self.watch_accessed_variables:
            watched = self._watched
            seg = log[self._log_at:]
            # a constant an (outer) tape watches is that tape's source only, as in TF
            raised = {id(t) for tp in _local.tapes for t in tp._raised}
            # each leaf once, in first-use order (a loop uses its leaves many times): the
            # dedup runs in C (tensors hash by identity), the checks below once per leaf
            for a in dict.fromkeys(seg):
                if (id(a) not in watched and a._rg and a.grad_fn is None
                        and id(a) not in raised
                        and (not isinstance(a, Variable) or a._trainable)):
                    watched[id(a)] = a
        self._log_at = len(log)

    def _raise(self, t):
        if not t._rg and is_floating(t._data.dtype):
            t._rg = True
            self._raised.append(t)
        elif t._rg and t.grad_fn is None and any(
                r is t for tp in _local.tapes if tp is not self for r in tp._raised):
            # a constant another open tape watches: this tape holds it too, so that
            # tape's exit or reset does not stop this one recording it
            self._raised.append(t)

    def _lower(self):
        """Turn requires_grad back off on constants we watched (no other open tape)."""
        still = set()
        for tp in _local.tapes:
            if tp is not self:          # reset() runs while this tape is still open
                still.update(id(t) for t in tp._raised)
        for t in self._raised:
            if id(t) not in still and t.grad_fn is None:
                t._rg = False
        self._raised = []

    def watch(self, tensor: Any) -> None:
        """Make `tensor` (or every tensor in a list/tuple/dict) a source for this tape."""
        self._fold()                    # leaves used before this call come first
        for t in flatten(tensor)[0]:
            if not isinstance(t, Tensor):
                raise _TapeValueError(f"GradientTape.watch: expected tensors, got {what(t)}")
            if not is_floating(t._data.dtype):
                # TF ignores them too, with this warning: their gradient will be None
                warnings.warn(f"GradientTape.watch: the dtype of the watched tensor must be "
                              f"floating (e.g. float32), got {t._data.dtype}; its gradient "
                              "will be None", stacklevel=2)
                continue
            self._watched[id(t)] = t
            if t.grad_fn is not None:
                self._extra.add(t.grad_fn)
            elif self._active:
                self._raise(t)

    def stop_recording(self) -> AbstractContextManager[None]:
        """Context manager: ops inside are not recorded by this tape."""
        tape = self

        class _Pause:
            def __enter__(self_):
                if not tape._active or not tape._recording:
                    # TF's ValueError, also inside another stop_recording of this tape
                    raise _TapeStateError("GradientTape.stop_recording: the tape is not "
                                          "recording (use it inside the `with` block, "
                                          "not inside another stop_recording)")
                self_.prev = tape._recording
                if tape._recording:
                    tape._stop()

            def __exit__(self_, *exc):
                if self_.prev and tape._active and not tape._recording:
                    tape._start()
                return False

        return _Pause()

    def reset(self) -> None:
        """Forget everything recorded so far; the tape keeps recording. Only inside the
        tape's `with` block and outside `stop_recording`, as in TF."""
        if not self._recording:
            raise _TapeStateError("GradientTape.reset: the tape is not recording (call "
                                  "reset inside its `with` block, outside stop_recording)")
        self._marks = []
        self._extra = set()
        if self._recording:
            self._log_at = len(_local.tape_log)
            _rotate()
        self._lower()
        self._watched = {}
        self._used = False

    def watched_variables(self) -> tuple[Tensor, ...]:
        """The Variables this tape watches (used or given to `watch`), in the order they
        were created, as TF."""
        self._fold()
        raised = {id(t) for t in self._raised}
        out = [t for t in self._watched.values()
               if isinstance(t, Variable) or (t._rg and id(t) not in raised
                                              and t.grad_fn is None)]
        # TF lists Variables in creation order, whatever the order of use or watch; other
        # leaves (nn.Parameter) keep their places
        slots = [k for k, t in enumerate(out) if isinstance(t, Variable)]
        ordered = sorted((out[k] for k in slots), key=lambda v: getattr(v, "_uid", -1))
        for k, v in zip(slots, ordered):
            out[k] = v
        return tuple(out)

    # -------------------------------------------------------------- gradients
    def _allowed(self):
        """The engine's filter for this tape: (the marks, Node.seq, of what it recorded,
        the nodes of the tensors it watches)."""
        self._fold()
        # (while it records, the current mark is in: nodes made later share it but are
        # not in this backward, which plans its nodes before it runs them)
        ranges = tuple(self._marks)
        allowed = set(self._extra)
        for t in self._watched.values():
            if t.grad_fn is None:
                acc = grad_edge(t) if t._rg else None
                if acc is None:
                    ref = t._acc
                    acc = ref() if ref is not None else None
                if acc is not None:
                    allowed.add(acc)
        return ranges, allowed

    def _recorded(self, node):
        """Whether this tape recorded `node` (explain_grad)."""
        return _allows(self._allowed(), node)

    def _check_use(self, who):
        if self._used and not self.persistent:
            raise RuntimeError(
                f"GradientTape.{who} can only be called once on a non-persistent tape: "
                "its recorded graph was released. Use tg.GradientTape(persistent=True) to "
                "call it several times.")

    def _outer_recording(self):
        # a ForwardAccumulator records gradients too (TF): forward-over-reverse products
        return any(tp._recording for tp in _local.tapes) or \
            getattr(_local, "accumulators", 0) > 0

    def _release(self):
        if not self.persistent:
            self._used = True
            if not _local.tapes:
                self._marks = []
                self._extra = set()

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = UnconnectedGradients.NONE) -> Any:
        """d(sum of target)/d(source) for every source; mirrors the structure of `sources`
        (a tensor, list, tuple or dict)."""
        self._check_use("gradient")
        _check_unconnected(unconnected_gradients, "GradientTape.gradient")
        targets = _checked(flatten(target)[0], "GradientTape.gradient", "target")
        if self._recording:
            if not self.persistent:
                # TF stops a one-shot tape here: what follows in its block is not recorded
                self._stop()
            else:
                warnings.warn("GradientTape.gradient on a persistent tape inside its `with` "
                              "block records the gradient computation too (slower, more "
                              "memory); call it after the block unless you want higher "
                              "order derivatives", stacklevel=2)
        if output_gradients is None:
            ograds = [None] * len(targets)
        else:
            ograds = flatten(output_gradients)[0]
            if len(ograds) != len(targets):
                raise ValueError(f"GradientTape.gradient: {len(ograds)} output_gradients "
                                 f"for {len(targets)} target(s)")
            for k, (og, t) in enumerate(zip(ograds, targets)):
                if og is None:
                    # TF cannot convert None: every target needs its own output gradient
                    raise ValueError(f"GradientTape.gradient: output_gradients[{k}] is None; "
                                     "give a tensor for every target")
                arr = _checked([og], "GradientTape.gradient", "output_gradients")[0]
                shp, tshp = _shape(arr), _shape(t)
                if shp != tshp:
                    # TF multiplies it in, so one that broadcasts to the target's shape works
                    try:
                        ok = np.broadcast_shapes(shp, tshp) == tshp
                    except ValueError:
                        ok = False
                    if not ok:
                        raise ValueError(f"GradientTape.gradient: output_gradients has shape "
                                         f"{shp} for a target of shape {tshp}")
                    if isinstance(arr, Tensor):
                        ograds[k] = broadcast_to(arr, tshp)
                    else:
                        ograds[k] = np.broadcast_to(np.asarray(arr), tshp)
        if isinstance(sources, np.ndarray) or not isinstance(
                sources, (Tensor, list, tuple, dict)) and not hasattr(sources, "__iter__"):
            raise TypeError(f"GradientTape.gradient: sources must be a tensor, a Variable or "
                            f"a list, tuple or dict of them, got {what(sources)}")
        if not isinstance(sources, (Tensor, list, tuple, dict)):
            sources = list(sources)         # e.g. model.parameters(), a generator
        src_leaves, spec = flatten(sources)
        for s in src_leaves:
            if not isinstance(s, Tensor):
                raise TypeError(f"GradientTape.gradient: sources must be tensors or "
                                f"Variables, got {what(s)}")
        grads = self._run(targets, ograds, src_leaves, retain=self.persistent or bool(
            _local.tapes), who="gradient")
        out = []
        for k, (g, s) in enumerate(zip(grads, src_leaves)):
            if g is None and explain.is_debugging() and targets:
                explain.warn_none("GradientTape.gradient", k, targets[0], s, self)
            if g is None and unconnected_gradients == "zero":
                g = make(np.zeros_like(s._data))
            out.append(g)
        self._release()
        return unflatten(spec, out)

    def _run(self, targets, ograds, sources, retain, who):
        """Engine call restricted to this tape's nodes; None for unconnected sources."""
        allowed = self._allowed()
        create = self._outer_recording()
        caps = []
        for s in sources:
            node = s.grad_fn if s.grad_fn is not None else (
                self._leaf_node(s) if id(s) in self._watched else None)
            caps.append(node is not None and _allows(allowed, node))
        roots, gs = [], []
        direct = [None] * len(sources)      # d(target)/d(itself) where the engine can't see it
        for t, og in zip(targets, ograds):
            if not isinstance(t, Tensor):
                continue
            if og is None:
                og = make(np.ones_like(t._data))
            elif not isinstance(og, Tensor):
                og = make(np.asarray(og, dtype=t._data.dtype))
            node = grad_edge(t)
            if node is None or not _allows(allowed, node):
                # TF: a target that is also a source gets its output gradient (ones),
                # watched or not
                for k, s in enumerate(sources):
                    if s is t and is_floating(s._data.dtype):
                        g = og._data.astype(s._data.dtype)      # a copy: never og itself
                        direct[k] = g if direct[k] is None else direct[k] + g
                continue
            roots.append(t)
            gs.append(og)
        live = [s for s, ok in zip(sources, caps) if ok]
        if roots and live:
            res = run_backward(roots, gs, retain_graph=retain, create_graph=create,
                               inputs=live, accumulate=False, allow_unused=True, who=who,
                               allowed=allowed)
        else:
            res, caps = (), [False] * len(sources)
        it = iter(res)
        out = []
        for s, ok, d in zip(sources, caps, direct):
            g = next(it) if ok else None
            if g is not None and not create:
                g = g.detach()
            if d is not None:
                g = make(d) if g is None else g + d
            out.append(g)
        return out

    def _check_loop(self, use_pfor, who):
        if not isinstance(use_pfor, (bool, np.bool_)):
            raise TypeError(f"GradientTape.{who}: experimental_use_pfor must be True or False, "
                            f"got {what(use_pfor)}")
        if not use_pfor and not self.persistent:
            # TF's loop (no pfor) asks the tape once per row, so only a persistent tape
            raise RuntimeError(f"GradientTape.{who}: a tape must be created with "
                               f"persistent=True to compute the {who} with "
                               "experimental_use_pfor=False")

    @staticmethod
    def _leaf_node(s):
        ref = s._acc
        acc = ref() if ref is not None else None
        return acc

    def jacobian(self, target: Any, sources: Any,
                 unconnected_gradients: str = UnconnectedGradients.NONE,
                 parallel_iterations: int | None = None, experimental_use_pfor: bool = True) -> Any:
        """Full Jacobian: shape target.shape + source.shape for every source."""
        self._check_use("jacobian")
        _check_unconnected(unconnected_gradients, "GradientTape.jacobian")
        self._check_loop(experimental_use_pfor, "jacobian")
        _checked([target], "GradientTape.jacobian", "target")
        src_leaves, spec = flatten(sources)
        for s in src_leaves:
            if not isinstance(s, Tensor):
                raise TypeError(f"GradientTape.jacobian: sources must be tensors or "
                                f"Variables, got {what(s)}")
        target = target if isinstance(target, Tensor) else make(np.asarray(target))
        rows = [[] for _ in src_leaves]
        n = target._data.size
        if n == 0:
            # no rows to stack: one empty pass still tells connected from unconnected (TF
            # gives zeros of shape target.shape + source.shape, or None)
            rows = [[g] for g in self._run([target], [make(np.zeros_like(target._data))],
                                           src_leaves, retain=True, who="jacobian")]
        for i in range(n):
            seed = np.zeros(n, dtype=target._data.dtype)
            seed[i] = 1
            gs = self._run([target], [make(seed.reshape(target.shape))], src_leaves,
                           retain=True, who="jacobian")
            for k, g in enumerate(gs):
                rows[k].append(g)
        out = []
        for k, s in enumerate(src_leaves):
            out.append(self._assemble(rows[k], target.shape, s.shape, s,
                                      unconnected_gradients, n))
        self._release()
        return unflatten(spec, out)

    def batch_jacobian(self, target: Tensor, source: Tensor,
                       unconnected_gradients: str = UnconnectedGradients.NONE,
                       parallel_iterations: int | None = None,
                       experimental_use_pfor: bool = True) -> Tensor:
        """Per-example Jacobians: target (B, ...) and source (B, ...) give
        (B,) + target.shape[1:] + source.shape[1:], assuming examples are independent."""
        self._check_use("batch_jacobian")
        _check_unconnected(unconnected_gradients, "GradientTape.batch_jacobian")
        self._check_loop(experimental_use_pfor, "batch_jacobian")
        for arg, v in (("target", target), ("source", source)):
            if not isinstance(v, Tensor):
                raise TypeError(f"GradientTape.batch_jacobian: {arg} must be a tensor, got "
                                f"{what(v)}")
        for arg, v in (("target", target), ("source", source)):
            if v.ndim < 2:
                # TF: a batch of scalars has no per-example Jacobian to speak of
                raise ValueError(f"GradientTape.batch_jacobian: {arg} must have at least 2 "
                                 f"dimensions (batch, ...), got shape {tuple(v.shape)}")
        if target.shape[0] != source.shape[0]:
            raise ValueError(f"GradientTape.batch_jacobian: target shape {target.shape} and "
                             f"source shape {source.shape} need the same first (batch) "
                             "dimension")
        b = target.shape[0]
        inner = int(np.prod(target.shape[1:]))
        cols = []
        connected = False
        for j in range(inner):
            seed = np.zeros((b, inner), dtype=target._data.dtype)
            seed[:, j] = 1
            (g,) = self._run([target], [make(seed.reshape(target.shape))], [source],
                             retain=True, who="batch_jacobian")
            if g is None:
                g = make(np.zeros_like(source._data))
            else:
                connected = True
            cols.append(g)
        self._release()
        shape = (b,) + tuple(target.shape[1:]) + tuple(source.shape[1:])
        if not connected or inner == 0:
            # TF gives zeros of the target's dtype here even for "none" (kept for
            # compatibility, its source says): never None
            return make(np.zeros(shape, dtype=target._data.dtype))
        j = stack(cols, axis=1)                       # (B, inner) + source.shape[1:]
        return reshape(j, shape)

    @staticmethod
    def _assemble(rows, tshape, sshape, s, unconnected, n):
        if all(r is None for r in rows):
            if unconnected == "none":
                return None
            return make(np.zeros(tuple(tshape) + tuple(sshape), dtype=s._data.dtype))
        if n == 0:
            return make(np.zeros(tuple(tshape) + tuple(sshape), dtype=rows[0].dtype))
        rows = [make(np.zeros_like(s._data)) if r is None else r for r in rows]
        return reshape(stack(rows, axis=0), tuple(tshape) + tuple(sshape))


def stop_gradient(t: ArrayLike) -> Tensor:
    """The value of `t` with no gradient (and no tangent) flowing through it: TF's
    stop_gradient, PyTorch's detach, JAX's lax.stop_gradient.

    Args:
        t: a tensor, array or number.

    Returns:
        A tensor sharing t's values, cut from the graph.

    Raises:
        TypeError: t is not numeric.

    >>> x = tg.tensor(3.0, requires_grad=True)
    >>> (x * tg.stop_gradient(x)).backward()        # only the first factor counts
    >>> x.grad
    tensor(3.)
    """
    _checked([t], "stop_gradient", "t")
    if isinstance(t, Tensor):
        out = t.detach()
        if out._x is not None and "cut" in out._x:
            _, site, refs = out._x["cut"]
            out._x["cut"] = ("stop_gradient", site, refs)
        return out
    return make(np.asarray(t))


def clip_by_global_norm(t_list: Sequence[Tensor | None], clip_norm: float,
                        use_norm: ArrayLike | None = None) -> tuple[list[Tensor | None], Tensor]:
    """Scale tensors so their joint L2 norm is at most `clip_norm` (TF semantics).

    Args:
        t_list: a list of tensors (None entries pass through unchanged).
        clip_norm: the largest joint norm allowed, a positive number.
        use_norm: the joint norm if already computed (it is not computed again).

    Returns:
        (clipped_list, global_norm): the tensors, each scaled by
        clip_norm / max(global_norm, clip_norm), and their joint norm before clipping.

    Raises:
        TypeError: t_list is not a list of tensors, or clip_norm is not a number.
        ValueError: clip_norm is negative.

    >>> import tapegrad as tg
    >>> clipped, norm = tg.clip_by_global_norm([tg.tensor([3.0]), tg.tensor([4.0])], 1.0)
    >>> norm, clipped[0]
    (tensor(5.), tensor([0.6000]))
    """
    if isinstance(t_list, (Tensor, np.ndarray, str)) or not hasattr(t_list, "__iter__"):
        raise TypeError(f"clip_by_global_norm: t_list must be a list of tensors, got "
                        f"{what(t_list)}")
    items = list(t_list)
    _checked([t for t in items if t is not None], "clip_by_global_norm", "t_list")
    present = [t if isinstance(t, Tensor) else make(np.asarray(t)) for t in items
               if t is not None]
    c = clip_norm._data if isinstance(clip_norm, Tensor) else clip_norm
    if (isinstance(c, (bool, np.bool_)) or not isinstance(c, (int, float, np.number, np.ndarray))
            or np.size(c) != 1 or np.asarray(c).dtype.kind not in "iuf"):
        raise TypeError(f"clip_by_global_norm: clip_norm must be a real number, got "
                        f"{what(clip_norm)}")
    if not (np.isfinite(float(c)) and float(c) >= 0):
        raise ValueError(f"clip_by_global_norm: clip_norm must be finite and >= 0, got "
                         f"{float(c)}")
    if use_norm is not None:
        _checked([use_norm], "clip_by_global_norm", "use_norm")
        global_norm = use_norm if isinstance(use_norm, Tensor) else make(np.asarray(use_norm))
        if global_norm._data.size != 1:
            raise ValueError(f"clip_by_global_norm: use_norm must be a scalar, got shape "
                             f"{global_norm.shape}")
    elif present:
        total = None
        for t in present:
            sq = tsum(t * t)
            total = sq if total is None else total + cast(sq, total.dtype)
        global_norm = sqrt(total)
    else:
        global_norm = make(np.asarray(0.0, dtype=default_float()))
    # scale = clip_norm * min(1 / norm, 1 / clip_norm): 1 when the norm is small, NaN
    # when the norm is inf or NaN (as TF); written in ops so it stays differentiable
    with np.errstate(divide="ignore", invalid="ignore"):
        scale = clip_norm * minimum(1.0 / global_norm, 1.0 / float(clip_norm))
        scale = scale + (global_norm - global_norm)      # inf - inf = NaN marks all
        out = []
        for t in items:
            if t is None:
                out.append(None)
                continue
            t = t if isinstance(t, Tensor) else make(np.asarray(t))
            out.append(t * cast(scale, t._data.dtype))
    return out, global_norm


def add_n(inputs: Sequence[ArrayLike]) -> Tensor:
    """Sum of a list of tensors with the same shape (TF spelling); each input gets the
    whole gradient.

    Args:
        inputs: a non-empty list or tuple of tensors of one shape.

    Returns:
        Their elementwise sum.

    Raises:
        TypeError: inputs is not a list or tuple of tensors.
        ValueError: inputs is empty, or their shapes do not broadcast together.

    >>> a = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> s = tg.add_n([a, tg.tensor([3.0, 4.0]), a])
    >>> s.tolist()
    [5.0, 8.0]
    >>> s.sum().backward()
    >>> a.grad
    tensor([2., 2.])
    """
    if not isinstance(inputs, (list, tuple)):
        # a string or a dict would be iterated into characters or keys
        raise TypeError(f"add_n: inputs must be a list of tensors, got {inputs!r:.40} "
                        f"({type(inputs).__name__})")
    inputs = list(inputs)
    if not inputs:
        raise ValueError("add_n: need at least one tensor, got an empty list")
    for i, t in enumerate(inputs):
        if not isinstance(t, (Tensor, np.ndarray, int, float, np.number)) or \
                isinstance(t, np.ndarray) and t.dtype.kind not in "biufc":
            raise TypeError(f"add_n: inputs[{i}] must be a tensor, got {what(t)}")
    total = inputs[0]
    for t in inputs[1:]:
        total = total + t
    return total


# the names `from tapegrad.tape import *` gives (tests/test_all.py)
__all__ = ["Variable", "UnconnectedGradients", "GradientTape", "stop_gradient",
           "clip_by_global_norm", "add_n"]
