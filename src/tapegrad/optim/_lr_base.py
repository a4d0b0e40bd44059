"""Learning-rate schedule base class and the step/exponential/cosine/lambda schedules
(see lr_scheduler for the public module)."""
from __future__ import annotations

import bisect
import math
from copy import copy as _copy

from .. import _check
from .optimizer import Optimizer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any


def _optimizer(optimizer, fn):
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"{fn}: optimizer {_check._got(optimizer)} is not an Optimizer (pass the "
                        "tg.optim optimizer whose learning rate to schedule)")
    return optimizer


class LRScheduler:
    """Base class: subclasses give `get_lr()` from the current epoch and group lrs.

    Call `step()` once per epoch, after the optimizer's step; `get_last_lr()` gives the
    lrs it set last, and `state_dict()`/`load_state_dict()` save and restore it.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        last_epoch: the index of the last epoch, to resume a schedule (-1: start
            fresh from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer.
        KeyError: last_epoch is not -1 but a group has no 'initial_lr'.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = tg.optim.lr_scheduler.LambdaLR(opt, lambda e: 1 / (e + 1))
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
    ...     opt.step(); sched.step()
    >>> lrs
    [1.0, 0.5, 0.3333, 0.25, 0.2]
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        _optimizer(optimizer, type(self).__name__)
        last_epoch = _check.integer(last_epoch, type(self).__name__, "last_epoch", low=-1)
        self._check()
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(f"{type(self).__name__}: param 'initial_lr' is not "
                                   f"specified in param_groups[{i}] when resuming with "
                                   f"last_epoch={last_epoch}; load the optimizer's state "
                                   "dict first (or use last_epoch=-1 for a fresh run)")
        self.base_lrs = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._initial = True
        self.step()
        self._initial = False

    def get_lr(self) -> list:
        raise NotImplementedError

    def _initial_step(self):
        """Restart as at construction (SequentialLR does this for its first schedule)."""
        self._step_count = 0
        self._initial = True
        try:
            self.step()
        finally:
            self._initial = False

    def _closed_form(self):
        """The lrs at `last_epoch` from the base lrs alone (schedules that have one)."""
        return None

    def _update_lr(self, epoch):
        """Jump to `epoch` (SequentialLR at a milestone), without counting a step."""
        self.step(epoch)
        self._step_count -= 1

    def _check(self):
        """Validate this schedule's own settings (subclasses); also run on load."""

    def _lrs(self):
        return [group["lr"] for group in self.optimizer.param_groups]

    def step(self, epoch: int | None = None) -> None:
        """Advance one epoch and set the new learning rates. `epoch` (PyTorch's
        deprecated form) jumps to that epoch instead: the closed form when the schedule
        has one, else its rule evaluated there."""
        self._step_count += 1
        if epoch is not None:
            self.last_epoch = _check.integer(epoch, f"{type(self).__name__}.step", "epoch",
                                             low=0)
            lrs = self._closed_form()
            if lrs is None:
                lrs = self.get_lr()
        else:
            self.last_epoch += 1
            lrs = list(self.get_lr())
        for i, lr in enumerate(lrs):
            # a user's lr_lambda can return anything: refuse it before any group changes
            if lr.__class__ is not float or not 0.0 <= lr < math.inf:
                lrs[i] = _check.real(lr, f"{type(self).__name__}.step",
                              f"the learning rate of group {i}", low=0.0)
        for group, lr in zip(self.optimizer.param_groups, lrs):
            group["lr"] = lr
        self._last_lr = self._lrs()

    def get_last_lr(self) -> list:
        """The learning rates set by the last step (one per param group)."""
        return list(self._last_lr)

    def state_dict(self) -> dict:
        """Everything but the optimizer (JSON-able, so tg.save stores it as metadata)."""
        return {k: v for k, v in self.__dict__.items() if k != "optimizer"}

    def _from_torch(self, state_dict):
        """A torch scheduler's state_dict in this class's terms: its private flags
        renamed or dropped, and `lr_lambdas` (None for a function, the attributes of a
        callable object) applied to the functions this scheduler was built with."""
        torch_keys = ("_is_initial", "_get_lr_called_within_step", "lr_lambdas")
        if not any(k in state_dict for k in torch_keys) or "lr_lambdas" in self.__dict__ \
                and "lr_lambdas" in self.state_dict():
            return state_dict
        state_dict = dict(state_dict)
        if "_is_initial" in state_dict and "_initial" in self.__dict__:
            state_dict.setdefault("_initial", state_dict.pop("_is_initial"))
        state_dict.pop("_get_lr_called_within_step", None)
        lambdas = state_dict.pop("lr_lambdas", None)
        fns = self.__dict__.get("lr_lambdas")
        if lambdas is not None and fns is not None:
            for fn, attrs in zip(fns, lambdas):
                if isinstance(attrs, dict):
                    fn.__dict__.update(attrs)
        return state_dict

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore what `state_dict()` returned (or a torch scheduler's state_dict);
        checked on a trial copy first, so a garbled state raises and leaves the
        scheduler as it was."""
        name = f"{type(self).__name__}.load_state_dict"
        if not isinstance(state_dict, dict):
            raise TypeError(f"{name}: expected a dict from state_dict(), got "
                            f"{_check._got(state_dict)}")
        state_dict = self._from_torch(state_dict)
        own = self.state_dict()
        unknown = [k for k in state_dict if k not in own]
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {unknown} (known: {sorted(own)})")
        trial = _copy(self)
        trial.__dict__.update(state_dict)
        try:
            _check.integer(trial.last_epoch, name, "last_epoch", low=-1)
            _check.integer(trial._step_count, name, "_step_count", low=0)
            n = len(self.optimizer.param_groups)
            for key in ("base_lrs", "_last_lr"):
                vals = getattr(trial, key, None)
                if not isinstance(vals, (list, tuple)) or len(vals) != n:
                    raise ValueError(f"{name}: {key} must be a list of {n} learning rates "
                                     f"(one per param group), got {_check._got(vals)}")
                for v in vals:
                    _check.real(v, name, key, low=0.0)
            trial._check()
        except (TypeError, ValueError) as e:
            msg = str(e)
            raise ValueError(msg if msg.startswith(name) else f"{name}: {msg}") from None
        self.__dict__.update(trial.__dict__)


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` epochs.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        step_size: the period, in epochs, a positive int (or a whole-number float).
        gamma: the factor applied each period.
        last_epoch: the index of the last epoch, to resume a schedule (-1: start
            fresh from each group's lr).

    Raises:
        ValueError: step_size is not a positive int.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = tg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
    ...     opt.step(); sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(self, optimizer: Optimizer, step_size: int, gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _check(self):
        if isinstance(self.step_size, float) and self.step_size.is_integer():
            # StepLR(opt, 1.0, gamma=0.95) as the transformer tutorial writes it: PyTorch
            # takes the whole-number float (and keeps it in the state dict)
            if self.step_size < 1:
                raise ValueError(f"StepLR: step_size must be at least 1, got "
                                 f"{self.step_size}")
        else:
            self.step_size = _check.integer(self.step_size, "StepLR", "step_size", low=1)
        self.gamma = _check.real(self.gamma, "StepLR", "gamma", low=0.0)

    def get_lr(self) -> list[float]:
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _closed_form(self):
        return [b * self.gamma ** (self.last_epoch // self.step_size) for b in self.base_lrs]


class MultiStepLR(LRScheduler):
    """Multiply the lr by `gamma` at each epoch listed in `milestones`.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        milestones: the epochs at which the lr drops, increasing ints.
        gamma: the factor applied at each milestone.
        last_epoch: the index of the last epoch, to resume a schedule (-1: start
            fresh from each group's lr).

    Raises:
        TypeError: milestones is not a list of ints.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = tg.optim.lr_scheduler.MultiStepLR(opt, milestones=[1, 3], gamma=0.1)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
    ...     opt.step(); sched.step()
    >>> lrs
    [1.0, 0.1, 0.1, 0.01, 0.01]
    """

    def __init__(self, optimizer: Optimizer, milestones: Sequence[int], gamma: float = 0.1,
                 last_epoch: int = -1) -> None:
        if isinstance(milestones, (str, dict)) or not hasattr(milestones, "__iter__"):
            raise TypeError(f"MultiStepLR: milestones must be a list of ints, got "
                            f"{_check._got(milestones)}")
        self.milestones = list(milestones)
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _check(self):
        if not isinstance(self.milestones, (list, tuple)):
            raise TypeError(f"MultiStepLR: milestones must be a list of ints, got "
                            f"{_check._got(self.milestones)}")
        self.milestones = sorted(_check.integer(m, "MultiStepLR", "milestones", low=0)
                                 for m in self.milestones)
        self.gamma = _check.real(self.gamma, "MultiStepLR", "gamma", low=0.0)

    def get_lr(self) -> list[float]:
        hits = self.milestones.count(self.last_epoch)
        if self._initial or not hits:
            return self._lrs()
        return [lr * self.gamma ** hits for lr in self._lrs()]

    def _closed_form(self):
        k = bisect.bisect_right(self.milestones, self.last_epoch)
        return [b * self.gamma ** k for b in self.base_lrs]


class ExponentialLR(LRScheduler):
    """Multiply the lr by `gamma` every epoch.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        gamma: the factor applied each epoch.
        last_epoch: the index of the last epoch, to resume a schedule (-1: start
            fresh from each group's lr).

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = tg.optim.lr_scheduler.ExponentialLR(opt, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
    ...     opt.step(); sched.step()
    >>> lrs
    [1.0, 0.5, 0.25, 0.125, 0.0625]
    """

    def __init__(self, optimizer: Optimizer, gamma: float, last_epoch: int = -1) -> None:
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def _check(self):
        self.gamma = _check.real(self.gamma, "ExponentialLR", "gamma", low=0.0)

    def get_lr(self) -> list[float]:
        if self._initial:
            return self._lrs()
        return [lr * self.gamma for lr in self._lrs()]

    def _closed_form(self):
        return [b * self.gamma ** self.last_epoch for b in self.base_lrs]


class CosineAnnealingLR(LRScheduler):
    """Cosine from the base lr down to `eta_min` over `T_max` epochs (and back up after,
    as PyTorch's SGDR-without-restarts form):

        lr_t = eta_min + (base_lr - eta_min) (1 + cos(pi t / T_max)) / 2

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        T_max: the half period, in epochs, a positive int.
        eta_min: the lowest lr, >= 0 (default 0).
        last_epoch: the index of the last epoch, to resume a schedule (-1: start fresh
            from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer, or T_max is not an int.
        ValueError: T_max < 1 or eta_min < 0.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = tg.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=2)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
    ...     opt.step(); sched.step()
    >>> lrs
    [1.0, 0.5, 0.0, 0.5, 1.0]
    """

    def __init__(self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0,
                 last_epoch: int = -1) -> None:
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def _check(self):
        self.T_max = _check.integer(self.T_max, "CosineAnnealingLR", "T_max", low=1)
        self.eta_min = _check.real(self.eta_min, "CosineAnnealingLR", "eta_min", low=0.0)

    def get_lr(self) -> list[float]:
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        if self._initial:
            return self._lrs()
        if self._step_count == 1 and t > 0:
            return [lo + (base - lo) * (1 + math.cos(t * math.pi / T)) / 2
                    for base in self.base_lrs]
        if (t - 1 - T) % (2 * T) == 0:
            return [lr + (base - lo) * (1 - math.cos(math.pi / T)) / 2
                    for base, lr in zip(self.base_lrs, self._lrs())]
        return [(1 + math.cos(math.pi * t / T)) / (1 + math.cos(math.pi * (t - 1) / T))
                * (lr - lo) + lo for lr in self._lrs()]

    def _closed_form(self):
        t, T, lo = self.last_epoch, self.T_max, self.eta_min
        return [lo + (b - lo) * (1 + math.cos(math.pi * t / T)) / 2 for b in self.base_lrs]


class LambdaLR(LRScheduler):
    """lr = base_lr * lr_lambda(epoch); one function, or one per param group. The
    functions are not part of the state dict.

    Args:
        optimizer: the optimizer whose param groups' lr this schedule sets.
        lr_lambda: a function of the epoch (an int) returning a factor, or a list of
            them, one per param group.
        last_epoch: the index of the last epoch, to resume a schedule (-1: start fresh
            from each group's lr).

    Raises:
        TypeError: optimizer is not an Optimizer, or a lr_lambda is not callable.
        ValueError: a list of lr_lambdas whose length is not the number of param groups.

    >>> import tapegrad as tg
    >>> opt = tg.optim.SGD([tg.zeros(1, requires_grad=True)], lr=1.0)
    >>> sched = tg.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
    >>> lrs = []
    >>> for epoch in range(3):
    ...     lrs.append(round(opt.param_groups[0]["lr"], 4))
    ...     opt.step(); sched.step()
    >>> lrs
    [1.0, 0.5, 0.3333]
    """

    def __init__(self, optimizer: Optimizer,
                 lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
                 last_epoch: int = -1) -> None:
        n = len(_optimizer(optimizer, "LambdaLR").param_groups)
        if isinstance(lr_lambda, (list, tuple)):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: expected {n} lr_lambdas, got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        for fn in self.lr_lambdas:
            if not callable(fn):
                raise TypeError(f"LambdaLR: lr_lambda must be a function of the epoch (or "
                                f"a list of them), got {_check._got(fn)}")
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        out = []
        for base, fn in zip(self.base_lrs, self.lr_lambdas):
            f = fn(self.last_epoch)
            if f.__class__ is not float and f.__class__ is not int:
                # a string or list would be repeated by `base * f`, not refused
                f = _check.real(f, "LambdaLR", "the value lr_lambda returned")
            out.append(base * f)
        return out

    def state_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in ("optimizer", "lr_lambdas")}

