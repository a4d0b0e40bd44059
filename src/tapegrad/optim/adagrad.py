"""Adagrad (PyTorch's update rule, with lr_decay and an initial accumulator value)."""
from __future__ import annotations

import numpy as np

from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class Adagrad(Optimizer):
    """Adagrad, step for step as torch.optim.Adagrad:

        clr = lr / (1 + (t - 1) lr_decay)
        s = s + g^2;  p = p - clr * g / (sqrt(s) + eps)

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        lr_decay: the learning rate's decay per step, as in clr above.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        initial_accumulator_value: the starting value of the squared-gradient sum s.
        eps: added to the denominator for stability.
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.Adagrad([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)
    0.9
    """

    def __init__(self, params: ParamsLike, lr: float = 1e-2, lr_decay: float = 0,
                 weight_decay: float = 0, initial_accumulator_value: float = 0,
                 eps: float = 1e-10, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, eps=eps, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value,
                        maximize=maximize)
        defaults.update(_impl_flags("Adagrad", ('foreach', 'differentiable', 'fused'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        self._check(group, "lr_decay")
        self._check(group, "weight_decay")
        self._check(group, "initial_accumulator_value")
        self._check(group, "eps", "epsilon value")
        self._check_flags(group, "maximize")

    def _state_keys(self, group):
        return ("step", "sum"), ()

    def _init_state(self, p, group):
        # created eagerly, as PyTorch does, so the accumulator starts at its initial value
        self.state[p] = {"step": 0,
                         "sum": np.full_like(p._data, group["initial_accumulator_value"])}

    def _update(self, p, g, group, state):
        if not state:
            state["step"] = 0
            state["sum"] = np.full_like(p, group["initial_accumulator_value"])
        state["step"] += 1
        g = self._grad_with_decay(p, g, group)
        clr = group["lr"] / (1 + (state["step"] - 1) * group["lr_decay"])
        s = state["sum"]
        tmp = self._buf(p, 1)
        np.multiply(g, g, out=tmp)
        s += tmp
        np.sqrt(s, out=tmp)
        tmp += group["eps"]
        np.divide(g, tmp, out=tmp)
        tmp *= clr
        p -= tmp

# the names `from tapegrad.optim.adagrad import *` gives (tests/test_all.py)
__all__ = ["Adagrad"]
