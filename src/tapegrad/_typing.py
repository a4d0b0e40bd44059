"""Type aliases for tapegrad's annotations.

Modules import them under `if TYPE_CHECKING:` (with `from __future__ import annotations`),
so annotations cost nothing at run time and add no import edge between layers. The aliases
exist at run time too, for code that builds on tapegrad: `from tapegrad._typing import
ArrayLike`.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeAlias, Union

import numpy as np

if TYPE_CHECKING:
    import numpy.typing as npt

    from ._tensor import Tensor

# what tg.tensor and every op accept as an array: a Tensor, an ndarray or NumPy scalar, a
# Python number, or a (nested) list or tuple of those
ArrayLike: TypeAlias = Union["Tensor", np.ndarray, np.generic, bool, int, float, complex,
                             Sequence[Any]]
# a NumPy dtype, a scalar type (np.float32, float), its name ("float32"), or None
DTypeLike: TypeAlias = "npt.DTypeLike | None"
# a shape: one int or a sequence of ints
ShapeLike: TypeAlias = Union[int, Sequence[int]]
# the axes of a reduction: None (all), one axis or several
Axis: TypeAlias = Union[int, Sequence[int], None]
# what an optimizer takes: tensors, parameter groups ({"params": [...], "lr": ...}), or
# None (TensorFlow style: the variables arrive with apply_gradients)
ParamsLike: TypeAlias = Union[Iterable["Tensor"], Iterable[dict[str, Any]], None]
# a random seed or generator, as NumPy takes it
SeedLike: TypeAlias = Union[int, np.random.Generator, None]

__all__ = ["ArrayLike", "DTypeLike", "ShapeLike", "Axis", "ParamsLike", "SeedLike"]
