"""Per-thread state: grad mode, active forward-AD levels, anomaly mode."""
from __future__ import annotations

import itertools
import weakref
import threading

import numpy as np
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, Literal, TypeVar

    _F = TypeVar("_F", bound=Callable[..., Any])


class _Local(threading.local):
    def __init__(self):
        self.grad_enabled = True
        self.fw_levels = []          # active dual levels, innermost last
        self.fw_batch = {}           # level -> batch size, for levels with batched tangents
        # make_dual outside any dual_level uses level 0. It is kept out of fw_levels so it
        # does not make every later transform and backward act as if nested in a jvp.
        self.fw_default = False
        self._anomaly = False
        self.anomaly_check_nan = True    # detect_anomaly(check_nan=...): read by check_grads
        self._tapes = []             # open GradientTapes (tape.py), innermost last
        # leaves used by recorded ops while some tape records (graph.record_edge), or None
        self.tape_log = None
        self.tape_mark = None        # the recording mark nodes get meanwhile (tape._rotate)
        self._trace = None           # the tg.function trace being recorded (tapegrad/function)
        self._ckpt = None            # nodes recorded inside tg.checkpoint (checkpoint.py)
        # saved_tensors_hooks (autograd/graph.py): the innermost pair's pack step, or None
        self._saved_hooks = None
        # True when anomaly, trace, ckpt or saved_hooks is on: the op fast paths read only
        # this flag
        # (tapes need none: they know what they recorded by its mark, Node.seq)
        self.special = False
        # detect_anomaly is the only one: the fast paths stay, recording creation stacks
        self.anomaly_only = False
        # True while backward rules run (autograd/engine._Backward): their no_grad ops
        # compute gradients, so explain_grad's cut notes are not taken there
        self.in_backward = False
        # functions queued by autograd.engine.queue_callback, run when this backward ends
        self.callbacks = None
        # (name, first call?) of the tg.function whose Python body runs (Variable checks)
        self.fn_call = None

    def refresh(self):
        """Recompute `special` and `anomaly_only`."""
        others = bool(self._trace is not None or self._ckpt is not None
                      or self._saved_hooks is not None)
        self.special = bool(self._anomaly) or others
        self.anomaly_only = bool(self._anomaly) and not others

    def _set(self, name, value):
        setattr(self, name, value)
        self.refresh()

    anomaly = property(lambda self: self._anomaly, lambda self, v: self._set("_anomaly", v))
    tapes = property(lambda self: self._tapes, lambda self, v: self._set("_tapes", v))
    trace = property(lambda self: self._trace, lambda self, v: self._set("_trace", v))
    ckpt = property(lambda self: self._ckpt, lambda self, v: self._set("_ckpt", v))
    saved_hooks = property(lambda self: self._saved_hooks,
                           lambda self, v: self._set("_saved_hooks", v))


local = _Local()
level_ids = itertools.count(1)
# every nn.Module, and a count bumped by train()/eval() (and assigning `training`):
# tg.function checks the modes its trace saw when the count moved (Dropout and BatchNorm
# read them in Python, so a replay must not outlive a mode change)
modules: weakref.WeakSet[Any] = weakref.WeakSet()
module_modes = [0]


def pre_write(t, what=None):
    """Called before an in-place write to tensor `t` (`what` names the write for the
    warning): a tg.function trace keeps t's values, to put them back if the trace is
    dropped (its function then runs eagerly, and its writes must happen once)."""
    tr = local._trace
    if tr is not None:
        tr.before_write(t, what)


def untraced_inputs(leaves, who):
    """Inside a tg.function trace, refuse a transform (grad, vjp, jacrev, jacfwd) of
    values that are not the trace's own (a Python number, an array, a tensor from
    outside): their derivative would not pass through traced steps such as tg.cond and
    would silently read 0. tg.jit then runs the call eagerly."""
    tr = local._trace
    if tr is not None and not all(tr.holds(v) for v in leaves):
        tr.refuse(f"{who} of values that are not the traced function's inputs")


def is_grad_enabled() -> bool:
    """True when operations are recorded for reverse mode in this thread (False inside
    tg.no_grad()).

    >>> tg.is_grad_enabled()
    True
    >>> with tg.no_grad():
    ...     tg.is_grad_enabled()
    False
    """
    return local.grad_enabled


class _GradMode:
    __slots__ = ("mode", "prev")

    def __init__(self, mode: bool) -> None:
        self.mode = mode

    def __enter__(self) -> _GradMode:
        self.prev = local.grad_enabled
        local.grad_enabled = self.mode
        return self

    def __exit__(self, *exc: object) -> Literal[False]:
        local.grad_enabled = self.prev
        return False

    def __call__(self, fn: _F) -> _F:
        import functools

        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with _GradMode(mode):
                return fn(*args, **kwargs)

        return wrapper


class _NoArgMode(_GradMode):
    """Usable as `with m():`, `@m()` and, as in PyTorch, a bare `@m` decorator."""

    def __new__(cls, orig_func: Callable[..., Any] | None = None) -> Any:
        if orig_func is None:
            return super().__new__(cls)
        if not callable(orig_func):
            raise TypeError(f"{cls.__name__}: takes no arguments (or a function to "
                            f"decorate), got {orig_func!r} ({type(orig_func).__name__})")
        return cls()(orig_func)


class no_grad(_NoArgMode):
    """Context manager (and decorator) that turns recording off in this thread.

    Args:
        orig_func: the function to decorate, when used as `@tg.no_grad` without
            parentheses (None otherwise).

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0], requires_grad=True)
    >>> with tg.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __init__(self, orig_func: Callable[..., Any] | None = None) -> None:
        super().__init__(False)


class enable_grad(_NoArgMode):
    """Context manager (and decorator) that turns recording back on, inside no_grad.

    Args:
        orig_func: the function to decorate, when used as `@tg.enable_grad` without
            parentheses (None otherwise).

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0], requires_grad=True)
    >>> with tg.no_grad():
    ...     with tg.enable_grad():
    ...         y = x * 2
    >>> y.requires_grad
    True
    """

    def __init__(self, orig_func: Callable[..., Any] | None = None) -> None:
        super().__init__(True)


class set_grad_enabled(_GradMode):
    """Set grad mode to `mode` (a bool): at once when called, as in PyTorch, and back to
    the previous mode when used as a context manager exits.

    Args:
        mode: True to record operations for autograd, False not to.

    >>> import tapegrad as tg
    >>> with tg.set_grad_enabled(False):
    ...     tg.is_grad_enabled()
    False
    >>> _ = tg.set_grad_enabled(True)
    """

    def __init__(self, mode: bool) -> None:
        if mode is not True and mode is not False and not isinstance(mode, np.bool_):
            raise TypeError(f"set_grad_enabled: mode must be a bool, got {mode!r} "
                            f"({type(mode).__name__})")
        super().__init__(bool(mode))
        self.prev = local.grad_enabled
        local.grad_enabled = self.mode

    def __enter__(self) -> set_grad_enabled:
        return self                 # the mode was set by the call

    def __call__(self, fn: _F) -> _F:
        local.grad_enabled = self.prev      # decorating does not change the mode
        return super().__call__(fn)


def dual_levels():
    """Active dual levels, outermost first, including make_dual's default level 0."""
    if local.fw_default:
        return [0] + local.fw_levels
    return local.fw_levels
