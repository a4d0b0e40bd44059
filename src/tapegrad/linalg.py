"""NumPy/PyTorch-style linear algebra namespace: `tg.linalg.norm`."""
from .ops.linalg import norm  # noqa: F401
