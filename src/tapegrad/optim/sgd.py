"""SGD with momentum, dampening, Nesterov and weight decay (PyTorch's update rule)."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class SGD(Optimizer):
    """Stochastic gradient descent, step for step as torch.optim.SGD:

        g = grad + weight_decay * p
        buf = g (first step), else momentum * buf + (1 - dampening) * g
        g = g + momentum * buf if nesterov else buf
        p = p - lr * g

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        momentum: the momentum factor (0: none).
        dampening: damping of the gradient's share of the momentum buffer.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        nesterov: Nesterov momentum (needs momentum > 0 and dampening 0).
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.SGD([w], lr=0.1, momentum=0.9)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w
    tensor([0.8000], requires_grad=True)
    """

    def __init__(self, params: ParamsLike, lr: float = 1e-3, momentum: float = 0,
                 dampening: float = 0, weight_decay: float = 0, nesterov: bool = False, *,
                 maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        defaults.update(_impl_flags("SGD", ('foreach', 'differentiable', 'fused'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        self._check(group, "momentum")
        self._check(group, "dampening", high=1.0)
        self._check(group, "weight_decay")
        self._check_flags(group, "nesterov", "maximize")
        if group["nesterov"] and (group["momentum"] <= 0 or group["dampening"] != 0):
            raise ValueError("SGD: Nesterov momentum requires a momentum and zero dampening "
                             f"(got momentum={group['momentum']}, "
                             f"dampening={group['dampening']})")

    def _state_keys(self, group):
        return (), ("momentum_buffer",)

    def _update(self, p, g, group, state):
        g = self._grad_with_decay(p, g, group)
        momentum = group["momentum"]
        tmp = self._buf(p, 2)
        if momentum:
            buf = state.get("momentum_buffer")
            if buf is None:
                buf = state["momentum_buffer"] = np.array(g, copy=True)
            else:
                buf *= momentum
                damp = group["dampening"]
                if damp:
                    np.multiply(g, 1 - damp, out=tmp)
                    buf += tmp
                else:
                    buf += g
            if group["nesterov"]:
                np.multiply(buf, momentum, out=tmp)
                tmp += g
                g = tmp
            else:
                g = buf
        np.multiply(g, group["lr"], out=tmp)
        p -= tmp

# the names `from tapegrad.optim.sgd import *` gives (tests/test_all.py)
__all__ = ["SGD"]
