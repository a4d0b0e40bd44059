"""Module.register_full_backward_hook / register_full_backward_pre_hook, the way PyTorch
does them: the module's tensor inputs and outputs pass through identity Functions, so
one backward node sees all the output gradients together (the pre-hooks run there) and
one sees all the input gradients together (the hooks run there, with both)."""
from __future__ import annotations

from .._state import is_grad_enabled
from .._tensor import Tensor
from ..autograd.function import Function

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class _Record:
    """What one call of the module shares between its two identity nodes."""

    __slots__ = ("module", "grad_outputs", "n_inputs", "positions", "n_args", "n_outputs",
                 "out_positions", "used")

    def __init__(self, module, positions, n_args):
        self.module = module
        self.grad_outputs = None
        self.positions = positions          # which positional args are wrapped
        self.n_inputs = len(positions)
        self.n_args = n_args
        self.n_outputs = 0
        self.out_positions = ()
        self.used = set()

    def call_hooks(self, grads):
        """Run the full backward hooks with grad_input laid out over the positional
        args (None where an arg needs no gradient); returns the wrapped args' grads."""
        grad_input = [None] * self.n_args
        for pos, g in zip(self.positions, grads):
            grad_input[pos] = g
        grad_input = tuple(grad_input)
        for hook in list(self.module.__dict__["_backward_hooks"].values()):
            r = hook(self.module, grad_input, self.grad_outputs)
            if r is not None:
                grad_input = _replacement(hook, r, grad_input, "grad_input", "hook")
        return tuple(grad_input[pos] for pos in self.positions)


def _replacement(hook, r, old, what, kind):
    """A hook's returned gradients checked as PyTorch does: a tuple or list with one
    entry per old gradient, each None or a tensor of the old one's shape."""
    name = getattr(hook, "__name__", type(hook).__name__)
    if not isinstance(r, (tuple, list)):
        raise RuntimeError(f"backward {kind} {name!r} must return None or a tuple of "
                           f"{len(old)} {what} gradient(s), got {type(r).__name__}")
    if len(r) != len(old):
        raise RuntimeError(f"backward {kind} {name!r} returned an invalid number of {what}, "
                           f"got {len(r)}, but expected {len(old)}")
    for k, (new, was) in enumerate(zip(r, old)):
        if new is None:
            continue
        if not isinstance(new, Tensor):
            raise RuntimeError(f"backward {kind} {name!r}: {what}[{k}] must be a Tensor or "
                               f"None, got {type(new).__name__}")
        if was is not None and tuple(new.shape) != tuple(was.shape):
            raise RuntimeError(f"backward {kind} {name!r} has changed the size of {what}[{k}]"
                               f": got shape {tuple(new.shape)}, expected {tuple(was.shape)}")
    return tuple(r)


class _InputsIdentity(Function):
    @staticmethod
    def forward(ctx, record, *tensors):
        ctx.record = record
        return tuple(t.clone() for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        return (None, *ctx.record.call_hooks(grads))


class _OutputsIdentity(Function):
    @staticmethod
    def forward(ctx, record, *tensors):
        ctx.record = record
        return tuple(t.clone() for t in tensors)

    @staticmethod
    def backward(ctx, *grads):
        rec = ctx.record
        # grad_output has one entry per output (None for non-tensors, as PyTorch)
        # an output the loss did not use has grad_output None, as in PyTorch (the
        # engine hands this node zeros for it; the outputs' tensor hooks say which)
        full = [None] * rec.n_outputs
        for j, (pos, g) in enumerate(zip(rec.out_positions, grads)):
            if len(grads) == 1 or j in rec.used:
                full[pos] = g
        rec.used.clear()
        grad_output = tuple(full)
        for hook in list(rec.module.__dict__["_backward_pre_hooks"].values()):
            r = hook(rec.module, grad_output)
            if r is not None:
                grad_output = _replacement(hook, r, grad_output, "grad_output", "pre hook")
        rec.grad_outputs = grad_output
        if rec.n_inputs == 0 and rec.module.__dict__["_backward_hooks"]:
            rec.call_hooks(())         # no input needs a gradient: grad_input is all None
        return (None, *(grad_output[pos] for pos in rec.out_positions))


def wrap_inputs(module: Any, args: tuple) -> tuple[tuple, _Record | None]:
    """args with the tensors that require grad passed through the input identity."""
    if not is_grad_enabled():
        return args, None
    positions = [i for i, a in enumerate(args) if isinstance(a, Tensor) and a.requires_grad]
    record = _Record(module, positions, len(args))
    if not positions:
        return args, record
    outs = _InputsIdentity.apply(record, *(args[i] for i in positions))
    args = list(args)
    for i, t in zip(positions, outs):
        args[i] = t
    return tuple(args), record


def wrap_outputs(record: _Record | None, out: Any) -> Any:
    """The module's result with its tensors passed through the output identity."""
    if record is None:
        return out
    single = isinstance(out, Tensor)
    items = [out] if single else list(out) if isinstance(out, (tuple, list)) else None
    if items is None:
        return out
    positions = [i for i, t in enumerate(items) if isinstance(t, Tensor) and t.requires_grad]
    if not positions:
        return out
    record.n_outputs, record.out_positions = len(items), tuple(positions)
    wrapped = _OutputsIdentity.apply(record, *(items[i] for i in positions))
    for j, (i, t) in enumerate(zip(positions, wrapped)):
        items[i] = t
        if len(positions) > 1:
            t.register_hook(lambda g, j=j: record.used.add(j))
    return items[0] if single else type(out)(items) if isinstance(out, list) else tuple(items)
