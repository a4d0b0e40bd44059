"""Learning-rate schedules (PyTorch's torch.optim.lr_scheduler, same step semantics).

A scheduler sets each param group's "lr" when built (epoch 0) and again at every
`step()`; call it after `optimizer.step()`. Rules are PyTorch's chainable (recursive)
forms, so several schedulers can drive one optimizer and values match PyTorch's.

>>> import tapegrad as tg
>>> w = tg.zeros(1, requires_grad=True)
>>> opt = tg.optim.SGD([w], lr=1.0)
>>> sched = tg.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
>>> lrs = []
>>> for _ in range(5):
...     lrs.append(sched.get_last_lr()[0])
...     opt.step()
...     sched.step()
>>> lrs
[1.0, 1.0, 0.5, 0.5, 0.25]
"""
from ._lr_base import (CosineAnnealingLR, ExponentialLR, LambdaLR,  # noqa: F401
                       LRScheduler, MultiStepLR, StepLR)
from ._lr_more import (ChainedScheduler, ConstantLR, LinearLR,  # noqa: F401
                       MultiplicativeLR, PolynomialLR, ReduceLROnPlateau, SequentialLR)
from ._lr_cyclic import CosineAnnealingWarmRestarts, CyclicLR, OneCycleLR  # noqa: F401

_LRScheduler = LRScheduler      # PyTorch's old name

# the names `from tapegrad.optim.lr_scheduler import *` gives (tests/test_all.py)
__all__ = ["CosineAnnealingLR", "ExponentialLR", "LambdaLR", "LRScheduler", "MultiStepLR",
           "StepLR", "ChainedScheduler", "ConstantLR", "CosineAnnealingWarmRestarts", "CyclicLR",
           "LinearLR", "MultiplicativeLR", "OneCycleLR", "PolynomialLR", "ReduceLROnPlateau",
           "SequentialLR"]
