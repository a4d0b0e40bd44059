"""PyTorch-style front-end: backward, grad, grad-mode switches, custom Functions."""
import numpy as np

from .._state import enable_grad, is_grad_enabled, no_grad, set_grad_enabled  # noqa: F401
from .._tensor import Tensor
from .engine import run_backward


def _seq(x):
    if x is None:
        return None
    if isinstance(x, (Tensor, np.ndarray, float, int)):
        return [x]          # one gradient (an array is not a list of per-row gradients)
    return list(x)


def backward(tensors, grad_tensors=None, retain_graph=None, create_graph=False,
             inputs=None):
    """Accumulate gradients of `tensors` into leaves' `.grad` (PyTorch's backward)."""
    tensors = _seq(tensors)
    grads = _seq(grad_tensors) or [None] * len(tensors)
    if len(grads) != len(tensors):
        raise ValueError(f"backward: got {len(grads)} gradients for {len(tensors)} outputs")
    if retain_graph is None:
        retain_graph = create_graph
    run_backward(tensors, grads, retain_graph=retain_graph, create_graph=create_graph,
                 inputs=_seq(inputs), accumulate=True, allow_unused=True, who="backward")


def grad(outputs, inputs, grad_outputs=None, retain_graph=None, create_graph=False,
         allow_unused=False):
    """Gradients of `outputs` with respect to `inputs`, as a tuple; `.grad` is untouched.

    >>> import tapegrad as tg
    >>> x = tg.tensor(3.0, requires_grad=True)
    >>> (dx,) = tg.autograd.grad(x ** 2, x)
    >>> dx
    tensor(6.)
    """
    outputs = _seq(outputs)
    inputs = _seq(inputs)
    grads = _seq(grad_outputs) or [None] * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    return run_backward(outputs, grads, retain_graph=retain_graph, create_graph=create_graph,
                        inputs=inputs, accumulate=False, allow_unused=allow_unused,
                        who="grad")


from .function import Function, FunctionCtx, once_differentiable  # noqa: E402,F401
from .anomaly import (detect_anomaly, is_anomaly_enabled,  # noqa: E402,F401
                      set_detect_anomaly)
