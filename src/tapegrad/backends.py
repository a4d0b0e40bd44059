"""torch.backends' flags and queries for ported code. tapegrad computes on the CPU with
NumPy: there is no MPS or cuDNN backend (`is_available()` is False), and the cuDNN
switches that tutorials set for reproducibility (`deterministic`, `benchmark`) are
plain attributes with nothing to switch: tapegrad's results are deterministic.

>>> import tapegrad as tg
>>> tg.backends.mps.is_available(), tg.backends.cudnn.is_available()
(False, False)
>>> tg.backends.cudnn.deterministic = True
"""
from __future__ import annotations


class _Backend:
    """One backend's namespace: `is_available()` and settable flags."""

    def __init__(self, name: str, **flags: object) -> None:
        self._name = name
        self.__dict__.update(flags)

    def is_available(self) -> bool:
        """False: tapegrad has no such backend."""
        return False

    def is_built(self) -> bool:
        """False: tapegrad is not built with this backend."""
        return False

    def __repr__(self) -> str:
        return f"<tapegrad.backends.{self._name}>"


mps = _Backend("mps")
cudnn = _Backend("cudnn", enabled=True, deterministic=False, benchmark=False,
                 allow_tf32=False)
cuda = _Backend("cuda")

# the names `from tapegrad.backends import *` gives (tests/test_all.py)
__all__ = ["mps", "cudnn", "cuda"]
