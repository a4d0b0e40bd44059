"""Checking tools."""
from .gradcheck import gradcheck, gradgradcheck  # noqa: F401
