"""RMSprop (PyTorch's update rule, with momentum and the centered variant)."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class RMSprop(Optimizer):
    """RMSprop, step for step as torch.optim.RMSprop:

        v = alpha v + (1 - alpha) g^2
        avg = sqrt(v - mean_g^2) if centered else sqrt(v);  avg += eps
        buf = momentum buf + g / avg;  p -= lr buf     (p -= lr g / avg without momentum)

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        alpha: the decay rate of the squared-gradient average v.
        eps: added to the denominator for stability.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        momentum: the momentum factor (0: none).
        centered: divide by the estimated variance (v - mean_g^2) instead of v.
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)
    0.9
    """

    def __init__(self, params: ParamsLike, lr: float = 1e-2, alpha: float = 0.99, eps: float = 1e-8,
                 weight_decay: float = 0, momentum: float = 0, centered: bool = False, *,
                 maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        defaults.update(_impl_flags("RMSprop", ('capturable', 'foreach', 'differentiable'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        self._check(group, "alpha", high=1.0)
        self._check(group, "eps", "epsilon value")
        self._check(group, "weight_decay")
        self._check(group, "momentum")
        self._check_flags(group, "centered", "maximize")

    def _state_keys(self, group):
        keys = ("step", "square_avg")
        if group["momentum"] > 0:
            keys += ("momentum_buffer",)
        if group["centered"]:
            keys += ("grad_avg",)
        return keys, ()

    def _update(self, p, g, group, state):
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
            if group["momentum"] > 0:
                state["momentum_buffer"] = np.zeros_like(p)
            if group["centered"]:
                state["grad_avg"] = np.zeros_like(p)
        state["step"] += 1
        g = self._grad_with_decay(p, g, group)
        alpha = group["alpha"]
        sq = state["square_avg"]
        tmp = self._buf(p, 1)
        sq *= alpha
        np.multiply(g, g, out=tmp)
        tmp *= 1 - alpha
        sq += tmp
        if group["centered"]:
            ga = state["grad_avg"]
            np.subtract(g, ga, out=tmp)
            tmp *= 1 - alpha
            ga += tmp
            np.multiply(ga, ga, out=tmp)
            np.subtract(sq, tmp, out=tmp)
            np.sqrt(tmp, out=tmp)
        else:
            np.sqrt(sq, out=tmp)
        tmp += group["eps"]
        np.divide(g, tmp, out=tmp)
        if group["momentum"] > 0:
            buf = state["momentum_buffer"]
            buf *= group["momentum"]
            buf += tmp
            np.multiply(buf, group["lr"], out=tmp)
        else:
            tmp *= group["lr"]
        p -= tmp

# the names `from tapegrad.optim.rmsprop import *` gives (tests/test_all.py)
__all__ = ["RMSprop"]
