"""`tnp.linalg`: NumPy's `np.linalg` names over tensors, forwarded to `tapegrad.linalg`.

Every name `tapegrad.linalg` has is available here with the same function (their
signatures follow NumPy's and torch.linalg's shared conventions: `norm(x, ord=None,
axis=None, keepdims=False)`, `inv`, `solve`, `det`, `slogdet`, `cholesky`, `eigh`,
`svd`, `qr`, ...), so a new linear-algebra op appears here without editing this file.

>>> import tapegrad.numpy as tnp
>>> tnp.linalg.norm(tnp.array([3.0, 4.0]))
tensor(5., dtype=float64)
"""
from __future__ import annotations

import numpy as _np

from .. import linalg as _tg_linalg
from ._convert import asarg as _asarg
from ._linalg_np import (cross, diagonal, matrix_rank, matrix_transpose, outer,  # noqa: F401
                         pinv, svd, tensordot, tensorinv, tensorsolve, trace, vecdot)
from ._linalg_np import numpy_args as _numpy_args
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import ArrayLike, Axis


def norm(x: ArrayLike, ord: Any = None, axis: Axis = None, keepdims: bool = False) -> Tensor:
    """Vector or matrix norm, as `np.linalg.norm` (Python lists are float64)."""
    return _tg_linalg.norm(_asarg(x), ord, axis, keepdims)


_forwarded: dict[str, Any] = {}


def __getattr__(name):
    # forwarding, not a second namespace: tapegrad.linalg grows, tnp.linalg follows
    # (with NumPy's arguments: integer arrays and lists are float64)
    if not name.startswith("__"):
        fn = _forwarded.get(name)
        if fn is not None:
            return fn
        fn = getattr(_tg_linalg, name, None)
        if fn is not None:
            if callable(fn) and not isinstance(fn, type):
                fn = _forwarded.setdefault(name, _numpy_args(fn))
            return fn
    hint = (f"; NumPy has it: call np.linalg.{name} on x.detach().numpy() (no gradient)"
            if hasattr(_np.linalg, name) else "")
    raise AttributeError(f"module 'tapegrad.numpy.linalg' has no attribute {name!r}: "
                         f"tapegrad.linalg does not implement it{hint}")

# the names `from tapegrad.numpy.linalg import *` gives (tests/test_all.py)
__all__ = ["norm", "cross", "diagonal", "matrix_rank", "matrix_transpose", "outer", "pinv",
           "svd", "tensordot", "tensorinv", "tensorsolve", "trace", "vecdot"]
