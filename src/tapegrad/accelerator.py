"""torch.accelerator's queries for ported code (the PyTorch tutorials' device line
`torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else
"cpu"`): tapegrad computes on the CPU, so there is no accelerator.

>>> import tapegrad as tg
>>> tg.accelerator.is_available(), tg.accelerator.current_accelerator()
(False, None)
"""
from __future__ import annotations


def is_available() -> bool:
    """False: tapegrad has no accelerator (GPU, MPS, ...)."""
    return False


def current_accelerator(check_available: bool = False) -> None:
    """None: there is no accelerator (as PyTorch answers on a CPU-only machine)."""
    return None


def device_count() -> int:
    """0: no accelerator devices."""
    return 0


def synchronize(device: object = None) -> None:
    """Nothing to wait for: CPU work is synchronous."""


# the names `from tapegrad.accelerator import *` gives (tests/test_all.py)
__all__ = ["is_available", "current_accelerator", "device_count", "synchronize"]
