"""torch.autograd.graph.saved_tensors_hooks, save_on_cpu and disable_saved_tensors_hooks.

While a pair of hooks is active (per thread, innermost wins), each op that records a
node hands the tensors it saves to `pack` right away (ops/_apply.py calls `_state.local
.saved_hooks`), and the node keeps what `pack` returned; backward calls `unpack` on it
each time the node's rule needs the values. Constants (Python numbers, NumPy operands)
are kept as they are, as torch keeps non-tensor saved values.
"""
from __future__ import annotations

import threading

import numpy as np

from .._state import local as _local
from .._tensor import Tensor

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_disabled = threading.local()       # disable_saved_tensors_hooks' message, per thread


class _Packed:
    """A node's saved values while hooks hold them: (is_packed, value) per value.

    The engine calls `fill(node)` for saved values that are not a plain tuple (as for
    tg.checkpoint's stand-in) and runs the rule on what it returns."""

    __slots__ = ("unpack", "items")

    def __init__(self, unpack, items):
        self.unpack = unpack
        self.items = items

    def fill(self, node):
        out = []
        for packed, v in self.items:
            if packed:
                r = self.unpack(v)
                if not isinstance(r, Tensor):
                    raise TypeError(f"{node.name()}: output of saved tensor unpack_hook "
                                    f"expected to be a Tensor but got result of type "
                                    f"{type(r).__name__}")
                v = r._data
                if not v.shape:
                    v = v[()]           # as the node saved it: a NumPy scalar for 0-d
            out.append(v)
        return tuple(out)

    def __len__(self):
        return len(self.items)


class saved_tensors_hooks:  # noqa: N801  (torch's spelling)
    """Hooks for the tensors that recorded ops save for backward, as
    `torch.autograd.graph.saved_tensors_hooks`.

    Inside the `with` block (in this thread), every op that saves a tensor for its
    backward calls `pack_hook(tensor)` at once and keeps only the result; backward calls
    `unpack_hook(packed)` when it needs the tensor and must get back a tensor with the
    same values. The tensor given to `pack_hook` is the op's input itself (a leaf or an
    intermediate) or its output. Nested blocks: the innermost pair applies; ops inside
    `tg.checkpoint` keep checkpoint's own saving.

    Args:
        pack_hook: tensor -> anything (e.g. a copy on disk, a compressed form).
        unpack_hook: what pack_hook returned -> a Tensor.

    Raises:
        TypeError: a hook is not callable, or unpack_hook returned a non-tensor
            (raised by backward).
        RuntimeError: entered inside `disable_saved_tensors_hooks`.

    >>> import tapegrad as tg
    >>> seen = []
    >>> def pack(t):
    ...     seen.append(tuple(t.shape))
    ...     return t.numpy().copy()
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> with tg.autograd.graph.saved_tensors_hooks(pack, tg.tensor):
    ...     y = (x * x).sum()
    >>> y.backward()
    >>> seen, x.grad
    ([(2,), (2,)], tensor([2., 4.]))
    """

    def __init__(self, pack_hook: Callable[[Tensor], Any],
                 unpack_hook: Callable[[Any], Tensor]) -> None:
        for name, f in (("pack_hook", pack_hook), ("unpack_hook", unpack_hook)):
            if not callable(f):
                raise TypeError(f"saved_tensors_hooks: {name} must be callable, got "
                                f"{type(f).__name__}")
        self.pack_hook = pack_hook
        self.unpack_hook = unpack_hook
        self._prev: list = []

    def _pack_node(self, node, args, out):
        if _local.ckpt is not None:
            return                      # tg.checkpoint drops and recomputes these instead
        for a in args:
            if isinstance(a, Tensor) and a._fw:
                return                  # forward mode keeps its duals in the saved values
        op = node.op
        idx = range(len(args)) if op.save_all else op._save_idx
        pack = self.pack_hook
        items = []
        for i, v in zip(idx, node._saved):
            if v is None:
                items.append((False, None))     # not needed by any input's gradient
            elif i < 0:
                items.append((True, pack(out)))
            elif isinstance(args[i], Tensor):
                items.append((True, pack(args[i])))
            else:
                items.append((False, v))        # a constant, kept as saved
        node._saved = _Packed(self.unpack_hook, tuple(items))

    def __enter__(self) -> None:     # as torch's: `with ... as h` gives None
        msg = getattr(_disabled, "message", None)
        if msg is not None:
            raise RuntimeError(msg)
        self._prev.append(_local.saved_hooks)
        _local.saved_hooks = self._pack_node

    def __exit__(self, *exc: Any) -> None:
        _local.saved_hooks = self._prev.pop()


class save_on_cpu(saved_tensors_hooks):  # noqa: N801  (torch's spelling)
    """As `torch.autograd.graph.save_on_cpu`: saved tensors are kept on the CPU until
    backward. tapegrad's tensors are always there, so each saved tensor is kept as a
    copy of its values (what torch's CPU copy amounts to) and handed back on unpack.

    Args:
        pin_memory: accepted for PyTorch code; no effect on the CPU.
        device_type: accepted for PyTorch code ("cuda" in PyTorch); no effect.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> with tg.autograd.graph.save_on_cpu(pin_memory=False):
    ...     y = x.exp().sum()
    >>> y.backward()
    >>> x.grad
    tensor([2.7183, 7.3891])
    """

    def __init__(self, pin_memory: bool = False, device_type: str = "cuda") -> None:
        super().__init__(_copy_values, _as_tensor)
        self.pin_memory = pin_memory
        self.device_type = device_type


def _copy_values(t):
    return np.array(t._data, copy=True)


def _as_tensor(a):
    return Tensor(a)


class disable_saved_tensors_hooks:  # noqa: N801  (torch's spelling)
    """As `torch.autograd.graph.disable_saved_tensors_hooks`: inside the block,
    entering `saved_tensors_hooks` (or `save_on_cpu`) raises RuntimeError with
    `error_message`.

    Args:
        error_message: the message of that error.

    >>> import tapegrad as tg
    >>> with tg.autograd.graph.disable_saved_tensors_hooks("no hooks here"):
    ...     try:
    ...         with tg.autograd.graph.save_on_cpu():
    ...             pass
    ...     except RuntimeError as e:
    ...         print(e)
    no hooks here
    """

    def __init__(self, error_message: str) -> None:
        self.error_message = str(error_message)

    def __enter__(self) -> None:
        self._prev = getattr(_disabled, "message", None)
        _disabled.message = self.error_message

    def __exit__(self, *exc: Any) -> None:
        _disabled.message = self._prev
