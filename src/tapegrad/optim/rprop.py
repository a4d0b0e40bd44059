"""Rprop (PyTorch's update rule): per-element step sizes driven by gradient signs."""
from __future__ import annotations

import numpy as np

from ._pairs import pair
from .optimizer import Optimizer, _impl_flags
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ParamsLike


class Rprop(Optimizer):
    """Rprop, step for step as torch.optim.Rprop:

        s = sign(g * prev): step_size *= etaplus where s > 0, etaminus where s < 0,
        clamped to `step_sizes` (min, max); where s < 0 the gradient is taken as 0
        p -= sign(g) * step_size;  prev = g

    Step sizes start at the group's lr.

    Args:
        params: the tensors to optimize (an iterable), or param-group dicts, each
            holding "params" and hyperparameters that override these defaults.
        lr: the initial step size of every element.
        etas: (etaminus, etaplus), the factors a step size is multiplied by when
            the gradient's sign flips or stays.
        step_sizes: (min, max) bounds of the step sizes.
        maximize: ascend the objective instead of descending it.
        foreach, capturable, differentiable, fused: PyTorch's implementation switches
            (accepted and kept in the param groups; the results are the same).

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a hyperparameter is out of range.

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = tg.optim.Rprop([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> w
    tensor([ 0.9000, -0.9000], requires_grad=True)
    """

    def __init__(self, params: ParamsLike, lr: float = 1e-2, etas: tuple[float, float] = (0.5, 1.2),
                 step_sizes: tuple[float, float] = (1e-6, 50), *, maximize: bool = False,
                 foreach: bool | None = None, capturable: bool = False,
                 differentiable: bool = False, fused: bool | None = None) -> None:
        defaults = dict(lr=lr, etas=etas, step_sizes=step_sizes, maximize=maximize)
        defaults.update(_impl_flags("Rprop", ('foreach', 'differentiable', 'capturable'), foreach, capturable,
                                   differentiable, fused))
        super().__init__(params, defaults)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        pair(group, "etas", "Rprop",
             each=(dict(low=0.0, high=1.0, low_open=True, high_open=True),
                   dict(low=1.0, low_open=True)))
        lo, hi = pair(group, "step_sizes", "Rprop", low=0.0)
        if lo > hi:
            raise ValueError(f"Rprop: step_sizes must be (min, max) with min <= max, got "
                             f"{group['step_sizes']}")
        self._check_flags(group, "maximize")

    def _state_keys(self, group):
        return ("step", "prev", "step_size"), ()

    def _update(self, p, g, group, state):
        if not state:
            state["step"] = 0
            state["prev"] = np.zeros_like(p)
            state["step_size"] = np.full_like(p, group["lr"])
        state["step"] += 1
        if group["maximize"]:
            g = -g
        eta_minus, eta_plus = group["etas"]
        lo, hi = group["step_sizes"]
        prev, size = state["prev"], state["step_size"]
        s = np.sign(g * prev)
        factor = np.where(s > 0, eta_plus, np.where(s < 0, eta_minus, 1.0))
        size *= factor.astype(p.dtype, copy=False)
        np.clip(size, lo, hi, out=size)
        g = np.where(s < 0, 0, g).astype(p.dtype, copy=False)
        p -= np.sign(g) * size
        prev[...] = g

# the names `from tapegrad.optim.rprop import *` gives (tests/test_all.py)
__all__ = ["Rprop"]
