"""Adadelta (PyTorch's update rule)."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class Adadelta(Optimizer):
    """Adadelta, step for step as torch.optim.Adadelta:

        v = rho v + (1 - rho) g^2
        delta = sqrt(u + eps) / sqrt(v + eps) * g;  u = rho u + (1 - rho) delta^2
        p -= lr delta

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: a factor on the computed step (1.0 as in the paper).
        rho: the decay rate of the running averages v and u.
        eps: added inside the square roots for stability.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.Adadelta([w])
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 5)
    0.99684
    """

    def __init__(self, params: ParamsLike, lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                 weight_decay: float = 0, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize)
        defaults.update(_impl_flags("Adadelta", ('capturable', 'foreach', 'differentiable'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        self._check(group, "rho", "rho value", high=1.0)
        self._check(group, "eps", "epsilon value")
        self._check(group, "weight_decay")
        self._check_flags(group, "maximize")

    def _state_keys(self, group):
        return ("step", "square_avg", "acc_delta"), ()

    def _update(self, p, g, group, state):
        if not state:
            state["step"] = 0
            state["square_avg"] = np.zeros_like(p)
            state["acc_delta"] = np.zeros_like(p)
        state["step"] += 1
        rho, eps = group["rho"], group["eps"]
        g = self._grad_with_decay(p, g, group)
        v, u = state["square_avg"], state["acc_delta"]
        tmp, delta = self._buf(p, 1), self._buf(p, 2)
        v *= rho
        np.multiply(g, g, out=tmp)
        tmp *= 1 - rho
        v += tmp
        np.add(u, eps, out=delta)
        np.sqrt(delta, out=delta)
        np.add(v, eps, out=tmp)
        np.sqrt(tmp, out=tmp)
        delta /= tmp
        delta *= g
        u *= rho
        np.multiply(delta, delta, out=tmp)
        tmp *= 1 - rho
        u += tmp
        delta *= group["lr"]
        p -= delta

# the names `from tapegrad.optim.adadelta import *` gives (tests/test_all.py)
__all__ = ["Adadelta"]
