"""Adam and AdamW (PyTorch's update rules, including amsgrad and maximize)."""
import math

import numpy as np

from .optimizer import Optimizer


class Adam(Optimizer):
    """Adam, step for step as torch.optim.Adam:

        g = grad + weight_decay * p          (AdamW instead shrinks p by lr * weight_decay)
        m = beta1 m + (1 - beta1) g;  v = beta2 v + (1 - beta2) g^2
        p = p - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)

    With `amsgrad`, the running maximum of v replaces v in the denominator.
    """

    _decoupled = False

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 0, amsgrad: bool = False, *, maximize: bool = False):
        defaults = dict(lr=lr, betas=tuple(betas), eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize)
        super().__init__(params, defaults)

    def _check_group(self, group):
        name = type(self).__name__
        if group["lr"] < 0:
            raise ValueError(f"{name}: invalid learning rate: {group['lr']}")
        if group["eps"] < 0:
            raise ValueError(f"{name}: invalid epsilon value: {group['eps']}")
        b1, b2 = group["betas"]
        if not 0.0 <= b1 < 1.0:
            raise ValueError(f"{name}: invalid beta parameter at index 0: {b1}")
        if not 0.0 <= b2 < 1.0:
            raise ValueError(f"{name}: invalid beta parameter at index 1: {b2}")
        if group["weight_decay"] < 0:
            raise ValueError(f"{name}: invalid weight_decay value: {group['weight_decay']}")
        group["betas"] = (b1, b2)

    def _update(self, p, g, group, state):
        lr = group["lr"]
        b1, b2 = group["betas"]
        wd = group["weight_decay"]
        if not state:
            state["step"] = 0
            state["exp_avg"] = np.zeros_like(p)
            state["exp_avg_sq"] = np.zeros_like(p)
            if group["amsgrad"]:
                state["max_exp_avg_sq"] = np.zeros_like(p)
        state["step"] += 1
        step = state["step"]
        if self._decoupled:
            if wd:
                p *= 1 - lr * wd
            if group["maximize"]:
                g = np.negative(g, out=self._buf(p, 0))
        else:
            g = self._grad_with_decay(p, g, group)
        m, v = state["exp_avg"], state["exp_avg_sq"]
        tmp = self._buf(p, 1)
        # m += (1 - b1) (g - m): the lerp form PyTorch uses
        np.subtract(g, m, out=tmp)
        tmp *= 1 - b1
        m += tmp
        v *= b2
        np.multiply(g, g, out=tmp)
        tmp *= 1 - b2
        v += tmp
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
    gradient."""

    _decoupled = True

    def __init__(self, params, lr: float = 1e-3, betas=(0.9, 0.999), eps: float = 1e-8,
                 weight_decay: float = 1e-2, amsgrad: bool = False, *, maximize: bool = False):
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad, maximize=maximize)
