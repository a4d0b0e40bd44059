"""PyTorch-style front-end: backward, grad, grad-mode switches, custom Functions."""
from __future__ import annotations

import numpy as np

from .._state import enable_grad, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from .. import _tensor
from .._tensor import Tensor
from .engine import run_backward, what
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from .._typing import ArrayLike


def _seq(x):
    if x is None:
        return None
    if isinstance(x, (Tensor, np.ndarray, float, int)):
        return [x]          # one gradient (an array is not a list of per-row gradients)
    if isinstance(x, (str, bytes)) or not hasattr(x, "__iter__"):
        return [x]          # refused by the caller, shown whole
    return list(x)


def _tensors(x, who, arg):
    """`x` (a tensor or a sequence of them) as a non-empty list, else a clear error."""
    seq = _seq(x)
    if not seq:
        raise ValueError(f"{who}: {arg} must be a tensor or a non-empty sequence of "
                         f"tensors, got {what(x) if seq is None else 'an empty sequence'}")
    for t in seq:
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: {arg} must be tensors, got {what(t)}")
    return seq


def _flag(v, who, arg):
    if v is None or isinstance(v, (bool, np.bool_)):
        return v
    raise TypeError(f"{who}: {arg} must be True or False, got {what(v)}")


def _grads_for(grad_tensors, outputs, who, arg):
    if isinstance(grad_tensors, (dict, set)):
        # an empty dict would read as "no gradients given"
        raise TypeError(f"{who}: {arg} must be a tensor or a sequence of tensors, got "
                        f"{grad_tensors!r:.40} ({type(grad_tensors).__name__})")
    grads = _seq(grad_tensors) or [None] * len(outputs)
    if len(grads) != len(outputs):
        raise ValueError(f"{who}: got {len(grads)} {arg} for {len(outputs)} output(s)")
    return grads


def backward(tensors: Tensor | Sequence[Tensor],
             grad_tensors: ArrayLike | Sequence[ArrayLike | None] | None = None,
             retain_graph: bool | None = None, create_graph: bool = False,
             inputs: Tensor | Sequence[Tensor] | None = None) -> None:
    """Accumulate gradients of `tensors` into leaves' `.grad` (PyTorch's backward).

    Args:
        tensors: the output tensor(s) differentiated.
        grad_tensors: the cotangent of each output (None: ones for a single-element
            output).
        retain_graph: keep the graph for another backward (None: as create_graph).
        create_graph: record the backward pass so the gradients can be differentiated.
        inputs: accumulate only into these leaves (None: all leaves reached).

    Raises:
        ValueError: the number of grad_tensors differs from the number of tensors.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> tg.autograd.backward([(x * x).sum()])
    >>> x.grad
    tensor([2., 4.])
    """
    tensors = _tensors(tensors, "backward", "tensors")
    grads = _grads_for(grad_tensors, tensors, "backward", "gradients")
    retain_graph = _flag(retain_graph, "backward", "retain_graph")
    create_graph = _flag(create_graph, "backward", "create_graph")
    if inputs is not None:
        inputs = _tensors(inputs, "backward", "inputs")
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(tensors, grads, retain_graph=retain_graph, create_graph=create_graph,
                 inputs=inputs, accumulate=True, allow_unused=True, who="backward")


def grad(outputs: Tensor | Sequence[Tensor], inputs: Tensor | Sequence[Tensor],
         grad_outputs: ArrayLike | Sequence[ArrayLike | None] | None = None,
         retain_graph: bool | None = None, create_graph: bool = False,
         allow_unused: bool = False) -> tuple[Tensor, ...]:
    """Gradients of `outputs` with respect to `inputs`, as a tuple; `.grad` is untouched.

    Args:
        outputs: the output tensor(s) differentiated.
        inputs: the tensor(s) the gradients are taken with respect to.
        grad_outputs: the cotangent of each output (None: ones for a single-element
            output).
        retain_graph: keep the graph for another backward (None: as create_graph).
        create_graph: record the backward pass, for higher-order derivatives.
        allow_unused: give None for an input that outputs do not depend on (else raise).

    Returns:
        One gradient per input, in order.

    >>> import tapegrad as tg
    >>> x = tg.tensor(3.0, requires_grad=True)
    >>> (dx,) = tg.autograd.grad(x ** 2, x)
    >>> dx
    tensor(6.)
    """
    outputs = _tensors(outputs, "grad", "outputs")
    inputs = _tensors(inputs, "grad", "inputs")
    grads = _grads_for(grad_outputs, outputs, "grad", "grad_outputs")
    retain_graph = _flag(retain_graph, "grad", "retain_graph")
    create_graph = _flag(create_graph, "grad", "create_graph")
    allow_unused = _flag(allow_unused, "grad", "allow_unused")
    if retain_graph is None:
        retain_graph = create_graph
    return run_backward(outputs, grads, retain_graph=retain_graph, create_graph=create_graph,
                        inputs=inputs, accumulate=False, allow_unused=allow_unused,
                        who="grad")


_tensor.use_backward(backward)     # Tensor.backward runs it (an upward edge, set here)

from .function import Function, FunctionCtx, once_differentiable  # noqa: E402,F401
from .anomaly import (detect_anomaly, is_anomaly_enabled,  # noqa: E402,F401
                      set_detect_anomaly)
from . import functional  # noqa: E402,F401  (torch.autograd.functional, issue 18)
from . import graph  # noqa: E402,F401  (torch.autograd.graph: saved_tensors_hooks)

# the names `from tapegrad.autograd import *` gives (tests/test_all.py)
__all__ = ["enable_grad", "is_grad_enabled", "no_grad", "set_grad_enabled", "backward", "grad",
           "Function", "FunctionCtx", "once_differentiable", "detect_anomaly",
           "is_anomaly_enabled", "set_detect_anomaly"]
