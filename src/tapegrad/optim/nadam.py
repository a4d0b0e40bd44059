"""NAdam (PyTorch's update rule, with momentum decay and optional decoupled decay)."""
from __future__ import annotations

import numpy as np

from ._pairs import pair
from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class NAdam(Optimizer):
    """NAdam, step for step as torch.optim.NAdam (Dozat's Nesterov Adam):

        mu_t = beta1 (1 - 0.5 * 0.96^(t * momentum_decay));  prod_t = mu_1 ... mu_t
        m, v as in Adam;  denom = sqrt(v / (1 - beta2^t)) + eps
        p -= lr (1 - mu_t) / (1 - prod_t) * g / denom
             + lr mu_{t+1} / (1 - prod_t mu_{t+1}) * m / denom

    `decoupled_weight_decay=True` shrinks p by lr * weight_decay instead of adding
    weight_decay * p to the gradient (NAdamW). The state holds the scalar `mu_product`.

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        betas: (beta1, beta2), the moment decay rates, each in [0, 1).
        eps: added to the denominator for stability.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        momentum_decay: how fast mu_t approaches beta1 (Dozat's psi).
        decoupled_weight_decay: shrink p by lr * weight_decay instead (NAdamW).
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.NAdam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)
    0.8944
    """

    _scalar_state = ("mu_product",)

    def __init__(self, params: ParamsLike, lr: float = 2e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, momentum_decay: float = 4e-3,
                 decoupled_weight_decay: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        momentum_decay=momentum_decay,
                        decoupled_weight_decay=decoupled_weight_decay, maximize=maximize)
        defaults.update(_impl_flags("NAdam", ('foreach', 'capturable', 'differentiable'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        self._check(group, "eps", "epsilon value")
        pair(group, "betas", "NAdam", low=0.0, high=1.0, high_open=True)
        self._check(group, "weight_decay")
        self._check(group, "momentum_decay")
        self._check_flags(group, "decoupled_weight_decay", "maximize")

    def _state_keys(self, group):
        return ("step", "mu_product", "exp_avg", "exp_avg_sq"), ()

    def _update(self, p, g, group, state):
        if not state:
            state["step"] = 0
            state["mu_product"] = 1.0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        t = state["step"]
        lr = group["lr"]
        b1, b2 = group["betas"]
        g = self._adam_grad(p, g, group, group["decoupled_weight_decay"])
        md = group["momentum_decay"]
        mu = b1 * (1.0 - 0.5 * 0.96 ** (t * md))
        mu_next = b1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * md))
        state["mu_product"] *= mu
        prod = state["mu_product"]
        m, v = state["exp_avg"], state["exp_avg_sq"]
        tmp, denom = self._adam_moments(p, g, m, v, b1, b2), self._buf(p, 2)
        np.divide(v, 1 - b2 ** t, out=denom)
        np.sqrt(denom, out=denom)
        denom += group["eps"]
        np.divide(g, denom, out=tmp)
        tmp *= lr * (1.0 - mu) / (1.0 - prod)
        p -= tmp
        np.divide(m, denom, out=tmp)
        tmp *= lr * mu_next / (1.0 - prod * mu_next)
        p -= tmp

# the names `from tapegrad.optim.nadam import *` gives (tests/test_all.py)
__all__ = ["NAdam"]
