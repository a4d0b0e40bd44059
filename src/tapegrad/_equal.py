"""`tg.equal`: TensorFlow's elementwise tf.equal whose truth value is PyTorch's
torch.equal (`if tg.equal(a, b):`)."""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor
from .function.trace import tracing
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


class Equality(Tensor):
    """The result of tg.equal: TensorFlow's elementwise `x == y` (a bool tensor, for
    tf.cast / tf.reduce_mean as tf.equal gives), whose truth value is PyTorch's
    torch.equal: the same shape and the same elements (`if tg.equal(a, b):`)."""

    __slots__ = ("_same",)
    __hash__ = Tensor.__hash__

    def __init__(self, arr: np.ndarray, same: bool) -> None:
        Tensor.__init__(self, arr)
        self._same = same

    def __bool__(self) -> bool:
        return self._same


def equal(input: Any, other: Any, name: str | None = None) -> Any:
    """Both frameworks' `equal`: the elementwise comparison as a bool tensor (TF's
    tf.equal, broadcasting) whose truth value is torch.equal's, True when both have the
    same shape and the same elements. Shapes that do not broadcast give False.

    Args:
        input: a tensor (or, as TF, anything tg.tensor accepts).
        other: a tensor or value to compare with.
        name: TensorFlow's op name, accepted and ignored.

    Returns:
        An `Equality` bool tensor (or False, for shapes that do not broadcast).

    >>> import tapegrad as tg
    >>> m = tg.equal(tg.tensor([1, 2]), tg.tensor([1, 3]))
    >>> m, bool(m), bool(tg.equal(tg.tensor([1, 2]), tg.tensor([1, 2])))
    (tensor([ True, False]), False, True)
    """
    if tracing():
        # inside tg.function: the comparison as a recorded op (a value read would freeze it)
        return input == other if isinstance(input, Tensor) else other == input
    a = input._data if isinstance(input, Tensor) else np.asarray(input)
    b = other._data if isinstance(other, Tensor) else np.asarray(other)
    try:
        same = np.equal(a, b)
    except ValueError:
        return False                    # torch.equal: different shapes are unequal
    return Equality(np.asarray(same), a.shape == b.shape and bool(np.all(same)))


# the names `from tapegrad._equal import *` gives (tests/test_all.py)
__all__ = ["Equality", "equal"]
