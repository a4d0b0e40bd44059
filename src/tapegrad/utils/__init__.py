"""Utilities as torch.utils: `data` (datasets, samplers, DataLoader)."""
from . import data  # noqa: F401

# the names `from tapegrad.utils import *` gives (tests/test_all.py)
__all__ = ["data"]
