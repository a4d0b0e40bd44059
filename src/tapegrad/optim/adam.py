"""Adam and AdamW (PyTorch's update rules, including amsgrad and maximize)."""
from __future__ import annotations

import math

import numpy as np

from .._check import _got, real
from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class Adam(Optimizer):
    """Adam, step for step as torch.optim.Adam:

        g = grad + weight_decay * p          (AdamW instead shrinks p by lr * weight_decay)
        m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    With `amsgrad`, the running maximum of v replaces v in the denominator.

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        betas: (beta1, beta2), the decay rates of the first and second moment
            averages, each in [0, 1).
        eps: added to the denominator for stability.
        weight_decay: L2 penalty: weight_decay * p is added to the gradient.
        amsgrad: use the running maximum of v (AMSGrad).
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).
        decoupled_weight_decay: shrink p by lr * weight_decay instead (AdamW's rule).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)
    0.9
    """

    _decoupled = False

    def __init__(self, params: ParamsLike, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None,
                 decoupled_weight_decay: bool = False) -> None:
        # PyTorch 2.x: Adam(decoupled_weight_decay=True) is AdamW; the key shows in
        # param_groups and the printed optimizer
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay or self._decoupled)
        defaults.update(_impl_flags("Adam", ('foreach', 'capturable', 'differentiable', 'fused'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        name = type(self).__name__
        self._check(group, "lr", "learning rate")
        self._check(group, "eps", "epsilon value")
        betas = group["betas"]
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise TypeError(f"{name}: betas must be a pair of floats (beta1, beta2), got "
                            f"{_got(betas)}")
        group["betas"] = tuple(
            real(b, name, f"betas[{i}]", low=0.0, high=1.0, high_open=True,
                 label=f"beta parameter at index {i}") for i, b in enumerate(betas))
        self._check(group, "weight_decay")
        group.setdefault("decoupled_weight_decay", self._decoupled)   # an older state_dict
        self._check_flags(group, "amsgrad", "maximize", "decoupled_weight_decay")

    def _state_keys(self, group):
        keys = ("step", "exp_avg", "exp_avg_sq")
        return (keys + ("max_exp_avg_sq",) if group["amsgrad"] else keys), ()

    def _update(self, p, g, group, state):
        lr = group["lr"]
        b1, b2 = group["betas"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        step = state["step"]
        g = self._adam_grad(p, g, group, group["decoupled_weight_decay"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        tmp = self._adam_moments(p, g, m, v, b1, b2)
        if group["amsgrad"]:
            vmax = state["max_exp_avg_sq"]
            np.maximum(vmax, v, out=vmax)
            v = vmax
        step_size = lr / (1 - b1 ** step)
        bc2_sqrt = math.sqrt(1 - b2 ** step)
        np.sqrt(v, out=tmp)
        tmp /= bc2_sqrt
        tmp += group["eps"]
        np.divide(m, tmp, out=tmp)
        tmp *= step_size
        p -= tmp


class AdamW(Adam):
    """Adam with decoupled weight decay (default 1e-2), as torch.optim.AdamW:
    p is first multiplied by (1 - lr * weight_decay), then the Adam step runs on the raw
    gradient.

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the learning rate.
        betas: (beta1, beta2), the moment decay rates, each in [0, 1).
        eps: added to the denominator for stability.
        weight_decay: p shrinks by lr * weight_decay each step (decoupled).
        amsgrad: use the running maximum of v (AMSGrad).
        maximize: ascend the objective instead of descending it.

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.AdamW([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> round(w.item(), 4)
    0.899
    """

    _decoupled = True

    def __init__(self, params: ParamsLike, lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *,
                 maximize: bool = False, foreach: bool | None = None,
                 capturable: bool = False, differentiable: bool = False,
                 fused: bool | None = None) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize,
                         foreach=foreach, capturable=capturable,
                         differentiable=differentiable, fused=fused)

# the names `from tapegrad.optim.adam import *` gives (tests/test_all.py)
__all__ = ["Adam", "AdamW"]
