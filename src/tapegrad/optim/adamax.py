"""Adamax (PyTorch's update rule): Adam with the infinity norm in place of the RMS."""
from __future__ import annotations

import numpy as np

from ._pairs import pair
from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class Adamax(Optimizer):
    """Adamax, step for step as torch.optim.Adamax:

        g = grad + weight_decay * p
        m = beta1 m + (1 - beta1) g;  u = max(beta2 u, |g| + eps)
        p = p - lr / (1 - beta1^t) * m / u

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        betas: (beta1, beta2), the decay rates of m and of the infinity norm u.
        eps: added to |g| for stability.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0, -2.0], requires_grad=True)
    >>> opt = tg.optim.Adamax([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> w
    tensor([ 0.9000, -1.9000], requires_grad=True)
    """

    def __init__(self, params: ParamsLike, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        maximize=maximize)
        defaults.update(_impl_flags("Adamax", ('foreach', 'differentiable', 'capturable'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        self._check(group, "eps", "epsilon value")
        pair(group, "betas", "Adamax", low=0.0, high=1.0, high_open=True)
        self._check(group, "weight_decay")
        self._check_flags(group, "maximize")

    def _state_keys(self, group):
        return ("step", "exp_avg", "exp_inf"), ()

    def _update(self, p, g, group, state):
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_inf"] = np.zeros_like(p)
        state["step"] += 1
        b1, b2 = group["betas"]
        g = self._grad_with_decay(p, g, group)
        m, u = state["exp_avg"], state["exp_inf"]
        tmp = self._adam_moments(p, g, m, None, b1, b2)
        u *= b2
        np.abs(g, out=tmp)
        tmp += group["eps"]
        np.maximum(u, tmp, out=u)
        np.divide(m, u, out=tmp)
        tmp *= group["lr"] / (1 - b1 ** state["step"])
        p -= tmp

# the names `from tapegrad.optim.adamax import *` gives (tests/test_all.py)
__all__ = ["Adamax"]
