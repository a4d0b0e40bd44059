"""RAdam (PyTorch's update rule): Adam with the variance of the adaptive lr rectified."""
from __future__ import annotations

import math

import numpy as np

from ._pairs import pair
from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class RAdam(Optimizer):
    """RAdam, step for step as torch.optim.RAdam:

        m, v as in Adam;  rho_inf = 2 / (1 - beta2) - 1
        rho_t = rho_inf - 2 t beta2^t / (1 - beta2^t)
        if rho_t > 5:  p -= lr m / (1 - beta1^t) * r_t sqrt(1 - beta2^t) / (sqrt(v) + eps)
        else:          p -= lr m / (1 - beta1^t)        (plain momentum while warming up)

    with r_t = sqrt((rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t)).

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        betas: (beta1, beta2), the moment decay rates, each in [0, 1).
        eps: added to the denominator for stability.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        decoupled_weight_decay: shrink p by lr * weight_decay instead (RAdamW).
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.RAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)
    0.8
    """

    def __init__(self, params: ParamsLike, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, decoupled_weight_decay: bool = False, *,
                 maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        defaults.update(_impl_flags("RAdam", ('foreach', 'capturable', 'differentiable'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        self._check(group, "eps", "epsilon value")
        pair(group, "betas", "RAdam", low=0.0, high=1.0, high_open=True)
        self._check(group, "weight_decay")
        self._check_flags(group, "decoupled_weight_decay", "maximize")

    def _state_keys(self, group):
        return ("step", "exp_avg", "exp_avg_sq"), ()

    def _update(self, p, g, group, state):
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        lr = group["lr"]
        b1, b2 = group["betas"]
        g = self._adam_grad(p, g, group, group["decoupled_weight_decay"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        tmp = self._adam_moments(p, g, m, v, b1, b2)
        bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
        rho_inf = 2 / (1 - b2) - 1
        rho_t = rho_inf - 2 * t * b2 ** t / bc2
        if rho_t > 5.0:
            rect = math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf
                             / ((rho_inf - 4) * (rho_inf - 2) * rho_t))
            den = self._buf(p, 2)
            np.sqrt(v, out=den)
            den += group["eps"]
            np.divide(m, bc1, out=tmp)
            tmp *= lr
            tmp *= math.sqrt(bc2) / den
            tmp *= rect
        else:
            np.divide(m, bc1, out=tmp)
            tmp *= lr
        p -= tmp

# the names `from tapegrad.optim.radam import *` gives (tests/test_all.py)
__all__ = ["RAdam"]
