"""PyTorch's argument rules for `tg.roll` and `Tensor.roll`: one shift per dim, or one
shift and no dims (the flattened tensor). The shared op, `arrange.roll`, also serves
tapegrad.numpy, where shifts and axes pair up with NumPy's broadcasting."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from .arrange import roll as _roll
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any
    from .._typing import ArrayLike, Axis


def _count(v: Any) -> int:
    """How many entries a shift or dim argument holds (1 for a number or a 0-d array)."""
    if isinstance(v, (list, tuple)):
        return len(v)
    if isinstance(v, (Tensor, np.ndarray)) and v.ndim:
        return int(v.shape[0])
    return 1


def roll(x: ArrayLike, shift: int | Sequence[int] | None = None, axis: Axis = None, *,
         shifts: int | Sequence[int] | None = None, dims: Axis = None) -> Tensor:
    """Shift elements cyclically by `shifts` along `dims` (torch.roll); with no dims,
    one shift over the flattened tensor. `shift=`/`axis=` are accepted for `shifts=`/
    `dims=`.

    Args:
        x: the tensor to roll.
        shift: the shift or shifts (NumPy's name).
        axis: the dim or dims (NumPy's name); None rolls the flattened tensor.
        shifts: torch's name for shift.
        dims: torch's name for axis.

    Returns:
        The rolled tensor, of x's shape.

    Raises:
        ValueError: no shift, or shifts and dims of different lengths (torch: "shifts
            and dimensions must align").
        TypeError: a shift that is not an int.

    >>> tg.roll(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), (1, 1), (0, 1)).tolist()
    [[4.0, 3.0], [2.0, 1.0]]
    """
    s, a = (shift if shifts is None else shifts), (axis if dims is None else dims)
    if s is not None:
        ns, na = _count(s), (0 if a is None else _count(a))
        sname, aname = ("shift" if shifts is None else "shifts"), ("axis" if dims is None
                                                                  else "dims")
        if ns == 0:
            raise ValueError(f"roll: {sname} is empty; give one shift per dim")
        if ns != max(na, 1):
            raise ValueError(f"roll: {sname} {s!r} and {aname} {a!r} do not pair up: give "
                             f"one shift per dim, or one shift and no dims (the flattened "
                             f"tensor); got {ns} shift(s) for {na} dim(s)")
    return _roll(x, shift, axis, shifts=shifts, dims=dims)


__all__ = ["roll"]
