"""Checking tools."""
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401

# the names `from tapegrad.tools import *` gives (tests/test_all.py)
__all__ = ["gradcheck", "gradgradcheck"]
