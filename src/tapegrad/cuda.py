"""torch.cuda's queries for ported code: tapegrad runs on the CPU, so no GPU is ever
available (`device = "cuda" if tg.cuda.is_available() else "cpu"` picks the CPU).

>>> import tapegrad as tg
>>> tg.cuda.is_available(), tg.cuda.device_count()
(False, 0)
"""


def is_available() -> bool:
    """False: tapegrad computes on the CPU with NumPy."""
    return False


def device_count() -> int:
    return 0


def manual_seed(seed):
    """Nothing to seed without a GPU (as torch.cuda.manual_seed on a machine without
    one); seed the CPU generator with tg.manual_seed."""


manual_seed_all = manual_seed


def synchronize(device=None):
    """Nothing to wait for: CPU work is synchronous."""

# the names `from tapegrad.cuda import *` gives (tests/test_all.py)
__all__ = ["is_available", "device_count", "manual_seed", "manual_seed_all", "synchronize"]
