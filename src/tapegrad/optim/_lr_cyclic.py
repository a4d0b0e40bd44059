"""PyTorch's cyclic schedules: CosineAnnealingWarmRestarts, CyclicLR and OneCycleLR (the
last two also cycle the momentum)."""
from __future__ import annotations

import math

from .. import _check
from ._lr_base import LRScheduler, _optimizer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any
    from .optimizer import Optimizer


def _per_group(optimizer, value, name, fn):
    """One value per param group: a list as long as the groups, or one value repeated."""
    n = len(optimizer.param_groups)
    if isinstance(value, (list, tuple)):
        if len(value) != n:
            raise ValueError(f"{fn}: expected {n} values for {name}, got {len(value)}")
        return [_check.real(v, fn, name) for v in value]
    return [_check.real(value, fn, name)] * n


class CosineAnnealingWarmRestarts(LRScheduler):
    """SGDR: cosine from the base lr to `eta_min` over T_i epochs, then a restart, with
    T_0 for the first period and each next one T_mult times longer. `step(epoch)` takes
    a fractional epoch (e.g. `epoch + i / iters` inside an epoch), as PyTorch's.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        T_0: the length of the first period, in epochs, a positive int.
        T_mult: the factor each period grows by after a restart, a positive int
            (default 1).
        eta_min: the lowest lr (default 0).
        last_epoch: the index of the last epoch, to resume a schedule (-1: start fresh
            from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer, or an argument has the wrong type.
        ValueError: T_0 < 1 or T_mult < 1.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = tg.optim.lr_scheduler.CosineAnnealingWarmRestarts(opt, T_0=2)
    >>> lrs = [s.get_last_lr()[0]]
    >>> for _ in range(3):
    ...     s.step(); lrs.append(round(s.get_last_lr()[0], 6))
    >>> lrs
    [1.0, 0.5, 1.0, 0.5]
    """

    def __init__(self, optimizer: Optimizer, T_0: int, T_mult: int = 1, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_0 = T_0
        self.T_mult = T_mult
        self.eta_min = eta_min
        self._check()
        self.T_i = self.T_0
        self.T_cur = last_epoch
        super().__init__(optimizer, last_epoch)

    def _check(self):
        name = "CosineAnnealingWarmRestarts"
        self.T_0 = _check.integer(self.T_0, name, "T_0", low=1)
        self.T_mult = _check.integer(self.T_mult, name, "T_mult", low=1)
        self.eta_min = _check.real(self.eta_min, name, "eta_min")

    def get_lr(self) -> list[float]:
        lo = self.eta_min
        c = (1 + math.cos(math.pi * self.T_cur / self.T_i)) / 2
        return [lo + (b - lo) * c for b in self.base_lrs]

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch, or go to `epoch` (a number of epochs, maybe fractional)."""
        if epoch is None and self.last_epoch < 0:
            epoch = 0
        if epoch is None:
            epoch = self.last_epoch + 1
            self.T_cur += 1
            if self.T_cur >= self.T_i:
                self.T_cur = self.T_cur % self.T_i
                self.T_i = self.T_i * self.T_mult
        else:
            epoch = _check.real(epoch, "CosineAnnealingWarmRestarts.step", "epoch", low=0.0)
            if epoch >= self.T_0:
                if self.T_mult == 1:
                    self.T_cur = epoch % self.T_0
                else:
                    n = int(math.log(epoch / self.T_0 * (self.T_mult - 1) + 1, self.T_mult))
                    self.T_cur = epoch - self.T_0 * (self.T_mult ** n - 1) / (self.T_mult - 1)
                    self.T_i = self.T_0 * self.T_mult ** n
            else:
                self.T_i = self.T_0
                self.T_cur = epoch
        self._step_count += 1
        self.last_epoch = math.floor(epoch)
        for group, lr in zip(self.optimizer.param_groups, self.get_lr()):
            group["lr"] = lr
        self._last_lr = self._lrs()


class CyclicLR(LRScheduler):
    """Cyclical learning rate (Smith 2017): the lr goes from `base_lr` up to `max_lr` in
    `step_size_up` steps and back in `step_size_down`; `mode` 'triangular',
    'triangular2' (amplitude halved each cycle) or 'exp_range' (scaled by gamma^step),
    or a custom `scale_fn` of the cycle (or of the step, with scale_mode='iterations').
    With `cycle_momentum` the momentum (or Adam's beta1) cycles the other way between
    `max_momentum` and `base_momentum`. Call `step()` after every batch.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        base_lr: the lower lr (one value, or one per param group); it replaces the
            groups' lr when starting fresh.
        max_lr: the upper lr (one value, or one per param group).
        step_size_up: the steps of the rising half, a positive int (default 2000).
        step_size_down: the steps of the falling half (default None: step_size_up).
        mode: 'triangular' (default), 'triangular2' or 'exp_range'; ignored with
            scale_fn.
        gamma: the base of 'exp_range' (default 1).
        scale_fn: optional custom amplitude scale, a function of the cycle or step.
        scale_mode: what scale_fn takes: 'cycle' (default) or 'iterations'.
        cycle_momentum: also cycle the momentum (or Adam's beta1) (default True).
        base_momentum: the lower momentum (one value, or one per group; default 0.8).
        max_momentum: the upper momentum (one value, or one per group; default 0.9).
        last_epoch: the index of the last step, to resume (-1: start fresh).

    Raises:
        TypeError: optimizer is not an Optimizer, scale_fn is not callable, or an
            argument has the wrong type.
        ValueError: an unknown mode or scale_mode, a list whose length is not the number
            of param groups, a non-positive step size, or cycle_momentum with an optimizer
            without momentum or betas.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0, momentum=0.9)
    >>> s = tg.optim.lr_scheduler.CyclicLR(opt, base_lr=0.1, max_lr=0.5, step_size_up=2)
    >>> lrs = [round(s.get_last_lr()[0], 4)]
    >>> for _ in range(4):
    ...     opt.step(); s.step(); lrs.append(round(s.get_last_lr()[0], 4))
    >>> lrs
    [0.1, 0.3, 0.5, 0.3, 0.1]
    """

    def __init__(self, optimizer: Optimizer, base_lr: float | Sequence[float],
                 max_lr: float | Sequence[float], step_size_up: int = 2000,
                 step_size_down: int | None = None, mode: str = "triangular", gamma: float = 1.0,
                 scale_fn: Callable[[float], float] | None = None, scale_mode: str = "cycle",
                 cycle_momentum: bool = True, base_momentum: float = 0.8, max_momentum: float = 0.9,
                 last_epoch: int = -1) -> None:
        name = "CyclicLR"
        _optimizer(optimizer, name)
        last_epoch = _check.integer(last_epoch, name, "last_epoch", low=-1)
        base_lrs = _per_group(optimizer, base_lr, "base_lr", name)
        if last_epoch == -1:
            for lr, group in zip(base_lrs, optimizer.param_groups):
                group["lr"] = lr
        self.max_lrs = _per_group(optimizer, max_lr, "max_lr", name)
        up = float(_check.integer(step_size_up, name, "step_size_up", low=1))
        down = up if step_size_down is None else float(
            _check.integer(step_size_down, name, "step_size_down", low=0))
        self.total_size = up + down
        self.step_ratio = up / self.total_size
        if scale_fn is not None and not callable(scale_fn):
            raise TypeError(f"{name}: scale_fn must be a function, got {_check._got(scale_fn)}")
        if mode not in ("triangular", "triangular2", "exp_range") and scale_fn is None:
            raise ValueError(f"{name}: mode must be 'triangular', 'triangular2' or "
                             f"'exp_range' (or pass scale_fn), got {mode!r}")
        if scale_mode not in ("cycle", "iterations"):
            raise ValueError(f"{name}: scale_mode must be 'cycle' or 'iterations', got "
                             f"{scale_mode!r}")
        self.mode = mode
        self.gamma = _check.real(gamma, name, "gamma")
        self._scale_fn_custom = scale_fn
        self.scale_mode = scale_mode if scale_fn is not None else (
            "iterations" if mode == "exp_range" else "cycle")
        self.cycle_momentum = _check.flag(cycle_momentum, name, "cycle_momentum")
        if self.cycle_momentum:
            self.use_beta1 = _momentum_key(optimizer, name)
            self.base_momentums = _per_group(optimizer, base_momentum, "base_momentum", name)
            self.max_momentums = _per_group(optimizer, max_momentum, "max_momentum", name)
            if last_epoch == -1:
                for hi, lo, group in zip(self.max_momentums, self.base_momentums,
                                         optimizer.param_groups):
                    _set_momentum(group, hi, self.use_beta1)
                    group["max_momentum"] = hi
                    group["base_momentum"] = lo
        super().__init__(optimizer, last_epoch)
        self.base_lrs = base_lrs

    def scale_fn(self, x):
        if self._scale_fn_custom is not None:
            return self._scale_fn_custom(x)
        if self.mode == "triangular":
            return 1.0
        if self.mode == "triangular2":
            return 1 / (2.0 ** (x - 1))
        return self.gamma ** x

    def get_lr(self) -> list[float]:
        cycle = math.floor(1 + self.last_epoch / self.total_size)
        x = 1.0 + self.last_epoch / self.total_size - cycle
        if x <= self.step_ratio:
            f = x / self.step_ratio
        else:
            f = (x - 1) / (self.step_ratio - 1)
        scale = self.scale_fn(cycle if self.scale_mode == "cycle" else self.last_epoch)
        lrs = [b + (m - b) * f * scale for b, m in zip(self.base_lrs, self.max_lrs)]
        if self.cycle_momentum:
            for group, lo, hi in zip(self.optimizer.param_groups, self.base_momentums,
                                     self.max_momentums):
                _set_momentum(group, hi - (hi - lo) * f * scale, self.use_beta1)
        return lrs

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()
                if k not in ("optimizer", "_scale_fn_custom")}


def _momentum_key(optimizer, fn):
    """Whether the optimizer's momentum is Adam's beta1 (True) or 'momentum' (False)."""
    if "momentum" not in optimizer.defaults and "betas" not in optimizer.defaults:
        raise ValueError(f"{fn}: optimizer must support momentum or beta1 with "
                         "`cycle_momentum` option enabled (or pass cycle_momentum=False)")
    return "betas" in optimizer.defaults


def _set_momentum(group, value, beta1):
    if beta1:
        group["betas"] = (value, *group["betas"][1:])
    else:
        group["momentum"] = value


class OneCycleLR(LRScheduler):
    """The 1cycle policy (Smith & Topin): the lr rises from max_lr / div_factor to
    `max_lr` over the first `pct_start` of `total_steps` (or epochs * steps_per_epoch),
    then anneals ('cos' or 'linear') to initial_lr / final_div_factor; momentum (or
    beta1) moves the opposite way. `three_phase` adds a symmetric descent before the
    final annihilation. Call `step()` after every batch; stepping past total_steps
    raises.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        max_lr: the peak lr (one value, or one per param group).
        total_steps: the number of steps of the cycle; or give epochs and
            steps_per_epoch.
        epochs: the number of epochs (with steps_per_epoch).
        steps_per_epoch: the steps per epoch (with epochs).
        pct_start: the fraction of the cycle spent rising, in [0, 1] (default 0.3).
        anneal_strategy: 'cos' (default) or 'linear'.
        cycle_momentum: move the momentum (or Adam's beta1) against the lr (default True).
        base_momentum: the lowest momentum (default 0.85), one value or one per group.
        max_momentum: the highest momentum (default 0.95), one value or one per group.
        div_factor: initial_lr = max_lr / div_factor, > 0 (default 25).
        final_div_factor: the final lr is initial_lr / final_div_factor, > 0 (default
            1e4).
        three_phase: rise, fall back to initial_lr, then anneal to the final lr (default
            False).
        last_epoch: the index of the last step, to resume (-1: start fresh).

    Raises:
        TypeError: optimizer is not an Optimizer, or an argument has the wrong type.
        ValueError: neither total_steps nor epochs and steps_per_epoch, an unknown
            anneal_strategy, a value out of range, cycle_momentum with an optimizer
            without momentum or betas, or (from `step`) stepping past total_steps.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    >>> s = tg.optim.lr_scheduler.OneCycleLR(opt, max_lr=1.0, total_steps=10)
    >>> round(s.get_last_lr()[0], 6), opt.param_groups[0]["momentum"]
    (0.04, 0.95)
    """

    def __init__(self, optimizer: Optimizer, max_lr: float | Sequence[float],
                 total_steps: int | None = None, epochs: int | None = None,
                 steps_per_epoch: int | None = None, pct_start: float = 0.3,
                 anneal_strategy: str = "cos", cycle_momentum: bool = True,
                 base_momentum: float | Sequence[float] = 0.85,
                 max_momentum: float | Sequence[float] = 0.95, div_factor: float = 25.0,
                 final_div_factor: float = 1e4, three_phase: bool = False,
                 last_epoch: int = -1) -> None:
        name = "OneCycleLR"
        _optimizer(optimizer, name)
        if total_steps is not None:
            self.total_steps = _check.integer(total_steps, name, "total_steps", low=1)
        elif epochs is not None and steps_per_epoch is not None:
            self.total_steps = (_check.integer(epochs, name, "epochs", low=1)
                                * _check.integer(steps_per_epoch, name, "steps_per_epoch",
                                                 low=1))
        else:
            raise ValueError(f"{name}: you must define either total_steps OR (epochs AND "
                             "steps_per_epoch)")
        pct = _check.real(pct_start, name, "pct_start", low=0.0, high=1.0)
        n = self.total_steps
        if _check.flag(three_phase, name, "three_phase"):
            self._schedule_phases = [
                dict(end_step=float(pct * n) - 1, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=float(2 * pct * n) - 2, start_lr="max_lr",
                     end_lr="initial_lr", start_momentum="base_momentum",
                     end_momentum="max_momentum"),
                dict(end_step=n - 1, start_lr="initial_lr", end_lr="min_lr",
                     start_momentum="max_momentum", end_momentum="max_momentum")]
        else:
            self._schedule_phases = [
                dict(end_step=float(pct * n) - 1, start_lr="initial_lr", end_lr="max_lr",
                     start_momentum="max_momentum", end_momentum="base_momentum"),
                dict(end_step=n - 1, start_lr="max_lr", end_lr="min_lr",
                     start_momentum="base_momentum", end_momentum="max_momentum")]
        if anneal_strategy not in ("cos", "linear"):
            raise ValueError(f"{name}: anneal_strategy must be one of 'cos' or 'linear', "
                             f"got {anneal_strategy!r}")
        self._anneal_func_type = anneal_strategy
        div = _check.real(div_factor, name, "div_factor", low=0.0, low_open=True)
        final = _check.real(final_div_factor, name, "final_div_factor", low=0.0,
                            low_open=True)
        max_lrs = _per_group(optimizer, max_lr, "max_lr", name)
        last_epoch = _check.integer(last_epoch, name, "last_epoch", low=-1)
        if last_epoch == -1:
            for m, group in zip(max_lrs, optimizer.param_groups):
                group["initial_lr"] = m / div
                group["max_lr"] = m
                group["min_lr"] = group["initial_lr"] / final
        self.cycle_momentum = _check.flag(cycle_momentum, name, "cycle_momentum")
        if self.cycle_momentum:
            self.use_beta1 = _momentum_key(optimizer, name)
            his = _per_group(optimizer, max_momentum, "max_momentum", name)
            los = _per_group(optimizer, base_momentum, "base_momentum", name)
            if last_epoch == -1:
                for hi, lo, group in zip(his, los, optimizer.param_groups):
                    _set_momentum(group, hi, self.use_beta1)
                    group["max_momentum"] = hi
                    group["base_momentum"] = lo
        super().__init__(optimizer, last_epoch)

    def _anneal(self, start, end, pct):
        if self._anneal_func_type == "cos":
            return end + (start - end) / 2.0 * (math.cos(math.pi * pct) + 1)
        return (end - start) * pct + start

    def get_lr(self) -> list[float]:
        step = self.last_epoch
        if step > self.total_steps:
            raise ValueError(f"OneCycleLR: tried to step {step} times; the specified number "
                             f"of total steps is {self.total_steps}")
        lrs = []
        phases = self._schedule_phases
        for group in self.optimizer.param_groups:
            start = 0.0
            for i, ph in enumerate(phases):
                end = ph["end_step"]
                if step <= end or i == len(phases) - 1:
                    pct = (step - start) / (end - start)
                    lr = self._anneal(group[ph["start_lr"]], group[ph["end_lr"]], pct)
                    if self.cycle_momentum:
                        mom = self._anneal(group[ph["start_momentum"]],
                                           group[ph["end_momentum"]], pct)
                    break
                start = end
            lrs.append(lr)
            if self.cycle_momentum:
                _set_momentum(group, mom, self.use_beta1)
        return lrs
