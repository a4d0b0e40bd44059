"""Parameter: a leaf Tensor that a Module registers as trainable."""
from __future__ import annotations

import numpy as np

from .._dtypes import to_array
from .._tensor import Tensor
from .._check import _got, flag
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._typing import ArrayLike


class Parameter(Tensor):
    """A Tensor that requires grad and is registered when assigned to a Module attribute.

    Built from a Tensor it shares that tensor's memory (as in PyTorch); operations on a
    Parameter give plain Tensors.

    Args:
        data: a tensor (shared, not copied) or anything `tg.tensor` accepts; None
            gives an empty float32 parameter.
        requires_grad: whether the parameter is trained.

    >>> import tapegrad as tg
    >>> w = tg.nn.Parameter(tg.zeros(2))
    >>> w.requires_grad, w.is_leaf
    (True, True)
    """

    __slots__ = ()

    def __init__(self, data: ArrayLike | None = None, requires_grad: bool = True) -> None:
        requires_grad = flag(requires_grad, "Parameter", "requires_grad")
        if data is None:
            arr = np.empty((0,), dtype=np.float32)
        elif isinstance(data, Tensor):
            arr = data._data
        else:
            try:
                arr = to_array(data)
            except (TypeError, ValueError) as e:
                raise TypeError(f"Parameter: data must be numeric, got {_got(data)} "
                                f"({e})") from None
        if requires_grad and arr.dtype.kind not in "fc":
            # PyTorch raises RuntimeError here too
            raise RuntimeError(f"Parameter: only floating point and complex tensors can "
                               f"require gradients, got dtype {arr.dtype} (convert first, "
                               "e.g. x.astype('float32'), or pass requires_grad=False)")
        Tensor.__init__(self, arr, requires_grad=False)
        self._data = arr                    # Tensor.__init__ copied; share like PyTorch
        if isinstance(data, Tensor):
            self._vc = data._vc if data._vc is not None else data._init_vc()
        self.requires_grad = requires_grad

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()

    __str__ = __repr__

# the names `from tapegrad.nn.parameter import *` gives (tests/test_all.py)
__all__ = ["Parameter"]
