"""More PyTorch schedules: warm-ups, plateaus and sequences (the cyclic ones are in
_lr_cyclic.py)."""
from __future__ import annotations

import bisect
import math

from .. import _check
from ._lr_base import LRScheduler, _optimizer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any
    from .optimizer import Optimizer


class MultiplicativeLR(LRScheduler):
    """Multiply the lr by `lr_lambda(epoch)` every epoch (one function, or one per param
    group). The functions are not part of the state dict.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        lr_lambda: a function of the epoch returning the factor for that epoch, or a list
            of them, one per param group.
        last_epoch: the index of the last epoch, to resume a schedule (-1: start fresh
            from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer, or a lr_lambda is not callable.
        ValueError: a list of lr_lambdas whose length is not the number of param groups.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = tg.optim.lr_scheduler.MultiplicativeLR(opt, lambda e: 0.5)
    >>> for _ in range(2): s.step()
    >>> s.get_last_lr()
    [0.25]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        n = len(_optimizer(optimizer, "MultiplicativeLR").param_groups)
        fns = list(lr_lambda) if isinstance(lr_lambda, (list, tuple)) else [lr_lambda] * n
        if len(fns) != n:
            raise ValueError(f"MultiplicativeLR: expected {n} lr_lambdas, got {len(fns)}")
        for fn in fns:
            if not callable(fn):
                raise TypeError(f"MultiplicativeLR: lr_lambda should be a function, got "
                                f"{_check._got(fn)}")
        self.lr_lambdas = fns
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        if self._initial:
            return self._lrs()
        return [lr * _check.real(fn(self.last_epoch), "MultiplicativeLR",
                                 "the value lr_lambda returned")
                for fn, lr in zip(self.lr_lambdas, self._lrs())]

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items()
                if k not in ("optimizer", "lr_lambdas")}


class ConstantLR(LRScheduler):
    """The lr times `factor` for the first `total_iters` epochs, then the base lr.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        factor: the multiplier in [0, 1] for the first epochs (default 1/3).
        total_iters: the number of epochs it applies to, an int >= 0 (default 5).
        last_epoch: the index of the last epoch, to resume a schedule (-1: start fresh
            from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer, or an argument has the wrong type.
        ValueError: factor outside [0, 1] or total_iters < 0.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = tg.optim.lr_scheduler.ConstantLR(opt, factor=0.5, total_iters=2)
    >>> lrs = [s.get_last_lr()[0]]
    >>> for _ in range(3):
    ...     s.step(); lrs.append(s.get_last_lr()[0])
    >>> lrs
    [0.5, 0.5, 1.0, 1.0]
    """

    def __init__(self, optimizer: Optimizer, factor: float = 1.0 / 3, total_iters: int = 5,
                 last_epoch: int = -1) -> None:
        self.factor = factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _check(self):
        self.factor = _check.real(self.factor, "ConstantLR", "factor", low=0.0, high=1.0)
        self.total_iters = _check.integer(self.total_iters, "ConstantLR", "total_iters",
                                          low=0)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.factor for lr in self._lrs()]
        if self.last_epoch != self.total_iters:
            return self._lrs()
        return [lr * (1.0 / self.factor) for lr in self._lrs()]

    def _closed_form(self):
        f = self.factor + (self.last_epoch >= self.total_iters) * (1 - self.factor)
        return [b * f for b in self.base_lrs]


class LinearLR(LRScheduler):
    """The lr times a factor going linearly from `start_factor` to `end_factor` over
    `total_iters` epochs (a warm-up), then constant.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        start_factor: the factor at epoch 0, in (0, 1] (default 1/3).
        end_factor: the factor from epoch total_iters on, in [0, 1] (default 1).
        total_iters: the number of epochs of the ramp, a positive int (default 5).
        last_epoch: the index of the last epoch, to resume a schedule (-1: start fresh
            from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer, or an argument has the wrong type.
        ValueError: a factor out of its range or total_iters < 1.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = tg.optim.lr_scheduler.LinearLR(opt, start_factor=0.5, total_iters=2)
    >>> lrs = [s.get_last_lr()[0]]
    >>> for _ in range(3):
    ...     s.step(); lrs.append(s.get_last_lr()[0])
    >>> lrs
    [0.5, 0.75, 1.0, 1.0]
    """

    def __init__(self, optimizer: Optimizer, start_factor: float = 1.0 / 3, end_factor: float = 1.0,
                 total_iters: int = 5, last_epoch: int = -1) -> None:
        self.start_factor = start_factor
        self.end_factor = end_factor
        self.total_iters = total_iters
        super().__init__(optimizer, last_epoch)

    def _check(self):
        self.start_factor = _check.real(self.start_factor, "LinearLR", "start_factor",
                                        low=0.0, low_open=True, high=1.0)
        self.end_factor = _check.real(self.end_factor, "LinearLR", "end_factor", low=0.0,
                                      high=1.0)
        self.total_iters = _check.integer(self.total_iters, "LinearLR", "total_iters",
                                          low=1)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0:
            return [lr * self.start_factor for lr in self._lrs()]
        if self._initial or self.last_epoch > self.total_iters:
            return self._lrs()
        a, b = self.start_factor, self.end_factor
        f = 1.0 + (b - a) / (self.total_iters * a + (self.last_epoch - 1) * (b - a))
        return [lr * f for lr in self._lrs()]

    def _closed_form(self):
        a, b = self.start_factor, self.end_factor
        f = a + (b - a) * min(self.total_iters, self.last_epoch) / self.total_iters
        return [base * f for base in self.base_lrs]


class PolynomialLR(LRScheduler):
    """lr = base_lr (1 - t / total_iters)^power for t up to total_iters, then 0 stays.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        total_iters: the number of epochs of the decay, a positive int (default 5).
        power: the exponent of the polynomial (default 1: linear).
        last_epoch: the index of the last epoch, to resume a schedule (-1: start fresh
            from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer, or an argument has the wrong type.
        ValueError: total_iters < 1.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = tg.optim.lr_scheduler.PolynomialLR(opt, total_iters=4, power=2.0)
    >>> lrs = [s.get_last_lr()[0]]
    >>> for _ in range(5):
    ...     s.step(); lrs.append(round(s.get_last_lr()[0], 4))
    >>> lrs
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    def __init__(self, optimizer: Optimizer, total_iters: int = 5, power: float = 1.0,
                 last_epoch: int = -1) -> None:
        self.total_iters = total_iters
        self.power = power
        super().__init__(optimizer, last_epoch)

    def _check(self):
        self.total_iters = _check.integer(self.total_iters, "PolynomialLR", "total_iters",
                                          low=1)
        self.power = _check.real(self.power, "PolynomialLR", "power")

    def get_lr(self) -> list[float]:
        if self._initial or self.last_epoch > self.total_iters:
            return self._lrs()
        t, T = self.last_epoch, self.total_iters
        f = ((1.0 - t / T) / (1.0 - (t - 1) / T)) ** self.power
        return [lr * f for lr in self._lrs()]

    def _closed_form(self):
        f = (1.0 - min(self.total_iters, self.last_epoch) / self.total_iters) ** self.power
        return [b * f for b in self.base_lrs]


def _children(schedulers, optimizer, name):
    """The schedules a SequentialLR / ChainedScheduler drives, checked."""
    if isinstance(schedulers, (str, dict)) or not hasattr(schedulers, "__iter__"):
        raise TypeError(f"{name}: schedulers must be a list of schedulers, got "
                        f"{_check._got(schedulers)}")
    schedulers = list(schedulers)
    if not schedulers:
        raise ValueError(f"{name} expects at least one scheduler, but got none")
    for i, s in enumerate(schedulers):
        if isinstance(s, ReduceLROnPlateau):
            raise ValueError(f"{name} does not support ReduceLROnPlateau (its step "
                             f"needs the metric); got one at index {i}")
        if not isinstance(s, LRScheduler):
            raise TypeError(f"{name}: scheduler at index {i} is not a scheduler, got "
                            f"{_check._got(s)}")
        if s.optimizer is not optimizer:
            raise ValueError(f"{name} expects all schedulers to belong to the same "
                             f"optimizer, but scheduler {type(s).__name__} at index "
                             f"{i} has another one")
    return schedulers


class _Composite(LRScheduler):
    """State dicts of a schedule made of schedules: its own entries plus one state
    dict per child under '_schedulers'."""

    def state_dict(self):
        out = {k: v for k, v in self.__dict__.items()
               if k not in ("optimizer", "_schedulers")}
        out["_schedulers"] = [s.state_dict() for s in self._schedulers]
        return out

    def load_state_dict(self, state_dict):
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict) or not isinstance(
                state_dict.get("_schedulers"), list) or len(
                state_dict["_schedulers"]) != len(self._schedulers):
            raise ValueError(f"{name}: expected a dict from state_dict() with "
                             f"{len(self._schedulers)} '_schedulers', got "
                             f"{_check._got(state_dict)}")
        own = {k for k in self.__dict__ if k != "optimizer"}
        unknown = [k for k in state_dict if k not in own]
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {unknown}")
        for s, sd in zip(self._schedulers, state_dict["_schedulers"]):
            s.load_state_dict(sd)
        self.__dict__.update({k: v for k, v in state_dict.items() if k != "_schedulers"})


class ChainedScheduler(_Composite):
    """Step several schedules together every epoch (their factors multiply).

    Args:
        schedulers: a non-empty list of schedulers of one optimizer (not
            ReduceLROnPlateau).
        optimizer: that optimizer (default None: the first scheduler's).

    Raises:
        TypeError: schedulers is not a list of schedulers, or optimizer is not an
            Optimizer.
        ValueError: an empty list, a ReduceLROnPlateau, or schedulers of different
            optimizers.

    >>> import tapegrad as tg
    >>> L = tg.optim.lr_scheduler
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = L.ChainedScheduler([L.ConstantLR(opt, factor=0.5, total_iters=2),
    ...                         L.ExponentialLR(opt, gamma=0.9)])
    >>> lrs = [s.get_last_lr()[0]]
    >>> for _ in range(3):
    ...     s.step(); lrs.append(round(s.get_last_lr()[0], 4))
    >>> lrs
    [0.5, 0.45, 0.81, 0.729]
    """

    def __init__(self, schedulers: Sequence[LRScheduler],
                 optimizer: Optimizer | None = None) -> None:
        name = "ChainedScheduler"
        if optimizer is None:
            first = list(schedulers)[:1] if hasattr(schedulers, "__iter__") else []
            optimizer = getattr(first[0], "optimizer", None) if first else None
        if optimizer is not None:
            _optimizer(optimizer, name)
        self._schedulers = _children(schedulers, optimizer, name)
        self.optimizer = optimizer
        self._last_lr = self._lrs()

    def step(self) -> None:
        for s in self._schedulers:
            s.step()
        self._last_lr = self._lrs()


class SequentialLR(_Composite):
    """Run `schedulers` one after another, switching at the epochs in `milestones`
    (one fewer than schedulers); each later schedule starts from its epoch 0.

    Args:
        optimizer: the optimizer all the schedulers belong to.
        schedulers: a non-empty list of schedulers (not ReduceLROnPlateau).
        milestones: the epochs at which to switch to the next scheduler, ints >= 0, one
            fewer than schedulers.
        last_epoch: the index of the last epoch (-1: start fresh).

    Raises:
        TypeError: optimizer is not an Optimizer, or schedulers or milestones are not
            lists of the right things.
        ValueError: an empty list, a ReduceLROnPlateau, schedulers of another optimizer,
            or len(milestones) != len(schedulers) - 1.

    >>> import tapegrad as tg
    >>> L = tg.optim.lr_scheduler
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = L.SequentialLR(opt, [L.ConstantLR(opt, factor=0.1, total_iters=2),
    ...                          L.ExponentialLR(opt, gamma=0.5)], milestones=[2])
    >>> lrs = [s.get_last_lr()[0]]
    >>> for _ in range(4):
    ...     s.step(); lrs.append(s.get_last_lr()[0])
    >>> lrs
    [0.1, 0.1, 1.0, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, schedulers: Sequence[LRScheduler],
                 milestones: Sequence[int], last_epoch: int = -1) -> None:
        name = "SequentialLR"
        _optimizer(optimizer, name)
        schedulers = _children(schedulers, optimizer, name)
        if isinstance(milestones, (str, dict)) or not hasattr(milestones, "__iter__"):
            raise TypeError(f"{name}: milestones must be a list of ints, got "
                            f"{_check._got(milestones)}")
        milestones = [_check.integer(m, name, "milestones", low=0) for m in milestones]
        if len(milestones) != len(schedulers) - 1:
            raise ValueError(f"{name} expects one more scheduler than milestones, got "
                             f"{len(schedulers)} schedulers and {len(milestones)} milestones")
        self._schedulers = schedulers
        self._milestones = milestones
        self.last_epoch = _check.integer(last_epoch, name, "last_epoch", low=-1) + 1
        self.optimizer = optimizer
        for group in optimizer.param_groups:
            group["lr"] = group["initial_lr"]
        self._undo(self)
        idx = bisect.bisect_right(milestones, 0)
        schedulers[idx]._initial_step()
        self._last_lr = schedulers[idx].get_last_lr()

    def _undo(self, sched):
        # the schedules were each stepped once when built: take that back
        if isinstance(sched, _Composite):
            for s in sched._schedulers:
                self._undo(s)
        elif sched is not self:
            sched.last_epoch -= 1

    def step(self) -> None:
        self.last_epoch += 1
        idx = bisect.bisect_right(self._milestones, self.last_epoch)
        s = self._schedulers[idx]
        if idx > 0 and self._milestones[idx - 1] == self.last_epoch:
            s._update_lr(0)
        else:
            s.step()
        self._last_lr = s.get_last_lr()


class ReduceLROnPlateau(LRScheduler):
    """Multiply the lr by `factor` once the metric passed to `step(metric)` has not
    improved for more than `patience` epochs ('min' or 'max' mode; improvement beyond
    `threshold`, relative or absolute), then wait `cooldown` epochs; never below
    `min_lr`, and changes smaller than `eps` are skipped.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        mode: 'min' (default: a lower metric is better) or 'max'.
        factor: the multiplier of a cut, in [0, 1) (default 0.1).
        patience: the epochs without improvement tolerated before a cut (default 10).
        threshold: the least change that counts as an improvement (default 1e-4).
        threshold_mode: 'rel' (default: relative to the best) or 'abs'.
        cooldown: the epochs to wait after a cut before counting again (default 0).
        min_lr: the lowest lr, one value or one per param group (default 0).
        eps: a cut smaller than this is skipped (default 1e-8).

    Raises:
        TypeError: optimizer is not an Optimizer, or an argument has the wrong type.
        ValueError: an unknown mode or threshold_mode, factor outside [0, 1), a negative
            patience, cooldown, min_lr or eps, or a min_lr list of the wrong length.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> s = tg.optim.lr_scheduler.ReduceLROnPlateau(opt, patience=1, factor=0.5)
    >>> for loss in [1.0, 1.0, 1.0, 1.0]:
    ...     s.step(loss)
    >>> s.get_last_lr()
    [0.5]
    """

    def __init__(self, optimizer: Optimizer, mode: str = "min", factor: float = 0.1,
                 patience: int = 10, threshold: float = 1e-4, threshold_mode: str = "rel",
                 cooldown: int = 0, min_lr: float | Sequence[float] = 0, eps: float = 1e-8) -> None:
        name = "ReduceLROnPlateau"
        _optimizer(optimizer, name)
        self.factor = _check.real(factor, name, "factor", low=0.0, high=1.0, high_open=True)
        self.optimizer = optimizer
        n = len(optimizer.param_groups)
        if isinstance(min_lr, (list, tuple)):
            if len(min_lr) != n:
                raise ValueError(f"{name}: expected {n} min_lrs, got {len(min_lr)}")
            self.default_min_lr = None
            self.min_lrs = [_check.real(v, name, "min_lr", low=0.0) for v in min_lr]
        else:
            self.default_min_lr = _check.real(min_lr, name, "min_lr", low=0.0)
            self.min_lrs = [self.default_min_lr] * n
        self.patience = _check.integer(patience, name, "patience", low=0)
        self.cooldown = _check.integer(cooldown, name, "cooldown", low=0)
        self.eps = _check.real(eps, name, "eps", low=0.0)
        self.last_epoch = 0
        self._step_count = 0
        self._last_lr = self._lrs()
        if mode not in ("min", "max"):
            raise ValueError(f"{name}: mode must be 'min' or 'max', got {mode!r}")
        if threshold_mode not in ("rel", "abs"):
            raise ValueError(f"{name}: threshold_mode must be 'rel' or 'abs', got "
                             f"{threshold_mode!r}")
        self.mode = mode
        self.threshold = _check.real(threshold, name, "threshold")
        self.threshold_mode = threshold_mode
        self.mode_worse = math.inf if mode == "min" else -math.inf
        self._reset()

    def _reset(self):
        self.best = self.mode_worse
        self.cooldown_counter = 0
        self.num_bad_epochs = 0

    @property
    def in_cooldown(self):
        return self.cooldown_counter > 0

    def _is_better(self, a, best):
        if self.mode == "min":
            return a < (best * (1.0 - self.threshold) if self.threshold_mode == "rel"
                        else best - self.threshold)
        return a > (best * (self.threshold + 1.0) if self.threshold_mode == "rel"
                    else best + self.threshold)

    def step(self, metrics: float, epoch: int | None = None) -> None:
        """Record this epoch's metric (a number or 0-d tensor) and maybe cut the lr."""
        current = _check.real(metrics, "ReduceLROnPlateau.step", "metrics", finite=False)
        self._step_count += 1
        self.last_epoch = self.last_epoch + 1 if epoch is None else _check.integer(
            epoch, "ReduceLROnPlateau.step", "epoch", low=0)
        if self._is_better(current, self.best):
            self.best = current
            self.num_bad_epochs = 0
        else:
            self.num_bad_epochs += 1
        if self.in_cooldown:
            self.cooldown_counter -= 1
            self.num_bad_epochs = 0
        if self.num_bad_epochs > self.patience:
            self._reduce_lr()
            self.cooldown_counter = self.cooldown
            self.num_bad_epochs = 0
        self._last_lr = self._lrs()

    def _reduce_lr(self):
        groups = self.optimizer.param_groups
        if len(groups) != len(self.min_lrs):
            if self.default_min_lr is None:
                raise RuntimeError(f"ReduceLROnPlateau: the optimizer has {len(groups)} "
                                   f"param groups but min_lr has {len(self.min_lrs)} values "
                                   "(a group was added); set min_lrs to match")
            self.min_lrs = [self.default_min_lr] * len(groups)
        for group, lo in zip(groups, self.min_lrs):
            old = float(group["lr"])
            new = max(old * self.factor, lo)
            if old - new > self.eps:
                group["lr"] = new

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        name = "ReduceLROnPlateau.load_state_dict"
        if not isinstance(state_dict, dict):
            raise TypeError(f"{name}: expected a dict from state_dict(), got "
                            f"{_check._got(state_dict)}")
        own = self.state_dict()
        unknown = [k for k in state_dict if k not in own]
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {unknown} (known: {sorted(own)})")
        if state_dict.get("mode", self.mode) not in ("min", "max") or state_dict.get(
                "threshold_mode", self.threshold_mode) not in ("rel", "abs"):
            raise ValueError(f"{name}: mode must be 'min'/'max' and threshold_mode "
                             "'rel'/'abs'")
        self.__dict__.update(state_dict)
        self.mode_worse = math.inf if self.mode == "min" else -math.inf
