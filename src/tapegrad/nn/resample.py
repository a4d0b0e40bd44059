"""Resampling, padding and reshaping layers (PyTorch's names and arguments), on
nn.functional: moved out of conv.py, which keeps convolution and pooling."""
from __future__ import annotations

import numpy as np

from .. import ops
from .._check import _got
from .. import _check
from . import functional as F
from .conv import _ntuple
from .module import Module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor


# ------------------------------------------------------------------ resampling, padding

class Upsample(Module):
    """Resize (N, C, *S) to `size` or by `scale_factor` ('nearest', 'linear', 'bilinear',
    'trilinear'), as torch.nn.Upsample.

    Args:
        size: the output's spatial size (give size or scale_factor).
        scale_factor: a factor (or one per spatial axis) the size is multiplied by.
        mode: "nearest", "linear", "bilinear" or "trilinear".
        align_corners: for the linear modes, align the corner pixels of input and output.
        recompute_scale_factor: as torch.nn.Upsample.

    >>> import tapegrad as tg
    >>> tg.nn.Upsample(scale_factor=2)(tg.ones((1, 1, 3, 3))).shape
    (1, 1, 6, 6)
    """

    def __init__(self, size: Any = None, scale_factor: Any = None, mode: str = "nearest",
                 align_corners: Any = None, recompute_scale_factor: Any = None) -> None:
        super().__init__()
        self.size = size
        self.scale_factor = float(scale_factor) if isinstance(scale_factor, (int, float)) \
            else scale_factor
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor

    def forward(self, input: Tensor) -> Tensor:
        return F.interpolate(input, self.size, self.scale_factor, self.mode,
                             self.align_corners, self.recompute_scale_factor)

    def extra_repr(self) -> str:
        if self.scale_factor is not None:
            return f"scale_factor={self.scale_factor}, mode={self.mode!r}"
        return f"size={self.size}, mode={self.mode!r}"


class _Pad(Module):
    _n = 2
    _mode = "constant"

    def __init__(self, padding: int | tuple[int, ...] | str, value: float = 0.0) -> None:
        super().__init__()
        self.padding = _ntuple(padding, 2 * self._n, type(self).__name__, "padding", None)
        self.value = value

    def forward(self, input: Tensor) -> Tensor:
        if self._mode == "constant":
            return F.pad(input, self.padding, "constant", self.value)
        return F.pad(input, self.padding, self._mode)

    def extra_repr(self) -> str:
        if type(self).__name__.startswith("Constant"):
            return f"padding={self.padding}, value={self.value}"
        return f"{self.padding}"


class ConstantPad1d(_Pad):
    """Pads the last axis with `value` by padding = (left, right) or an int, as
    torch.nn.ConstantPad1d.

    Args:
        padding: an int (both sides) or (left, right).
        value: the fill value.

    >>> import tapegrad as tg
    >>> tg.nn.ConstantPad1d(1, 9.0)(tg.tensor([[1.0, 2.0]]))
    tensor([[9., 1., 2., 9.]])
    """
    _n = 1

    def __init__(self, padding: int | tuple[int, ...] | str, value: Tensor) -> None:
        super().__init__(padding, value)


class ConstantPad2d(ConstantPad1d):
    """Pads the last two axes with `value` by (left, right, top, bottom), as
    torch.nn.ConstantPad2d.

    Args:
        padding: an int (all sides) or (left, right, top, bottom).
        value: the fill value.

    >>> import tapegrad as tg
    >>> tg.nn.ConstantPad2d((1, 0, 0, 1), 5.0)(tg.zeros((1, 1, 1, 1))).tolist()
    [[[[5.0, 0.0], [5.0, 5.0]]]]
    """
    _n = 2


class ZeroPad2d(_Pad):
    """Pads the last two axes with zeros by (left, right, top, bottom), as
    torch.nn.ZeroPad2d.

    Args:
        padding: an int (all sides) or (left, right, top, bottom).

    >>> import tapegrad as tg
    >>> tg.nn.ZeroPad2d(1)(tg.ones((1, 1, 2, 2))).shape
    (1, 1, 4, 4)
    """

    def __init__(self, padding: int | tuple[int, ...] | str) -> None:
        super().__init__(padding, 0.0)


class ReflectionPad1d(_Pad):
    """Reflection padding of the last axis, as torch.nn.ReflectionPad1d.

    Args:
        padding: an int (both sides) or (left, right), each less than the axis' length.
        value: unused (the signature is shared with the constant padding).

    >>> import tapegrad as tg
    >>> tg.nn.ReflectionPad1d(2)(tg.tensor([[[1.0, 2.0, 3.0]]])).tolist()
    [[[3.0, 2.0, 1.0, 2.0, 3.0, 2.0, 1.0]]]
    """
    _n = 1
    _mode = "reflect"


class ReflectionPad2d(_Pad):
    """Reflection padding of the last two axes, as torch.nn.ReflectionPad2d.

    Args:
        padding: an int (all sides) or (left, right, top, bottom), each less than the
            length of its axis.
        value: unused (the signature is shared with the constant padding).

    >>> import tapegrad as tg
    >>> tg.nn.ReflectionPad2d(1)(tg.ones((1, 1, 3, 3))).shape
    (1, 1, 5, 5)
    """
    _mode = "reflect"


class ReplicationPad1d(_Pad):
    """Edge padding of the last axis, as torch.nn.ReplicationPad1d.

    Args:
        padding: an int (both sides) or (left, right).
        value: unused (the signature is shared with the constant padding).

    >>> import tapegrad as tg
    >>> tg.nn.ReplicationPad1d((1, 2))(tg.tensor([[[1.0, 2.0]]])).tolist()
    [[[1.0, 1.0, 2.0, 2.0, 2.0]]]
    """
    _n = 1
    _mode = "replicate"


class ReplicationPad2d(_Pad):
    """Edge padding of the last two axes, as torch.nn.ReplicationPad2d.

    Args:
        padding: an int (all sides) or (left, right, top, bottom).
        value: unused (the signature is shared with the constant padding).

    >>> import tapegrad as tg
    >>> tg.nn.ReplicationPad2d(1)(tg.tensor([[[[1.0, 2.0]]]])).tolist()
    [[[[1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0], [1.0, 1.0, 2.0, 2.0]]]]
    """
    _mode = "replicate"


class Unflatten(Module):
    """Splits axis `dim` into `unflattened_size`, as torch.nn.Unflatten.

    Args:
        dim: the axis split.
        unflattened_size: a tuple of sizes whose product is the axis' length (one may
            be -1).

    >>> import tapegrad as tg
    >>> tg.nn.Unflatten(1, (2, 5))(tg.ones((3, 10))).shape
    (3, 2, 5)
    """

    def __init__(self, dim: int, unflattened_size: Any) -> None:
        super().__init__()
        self.dim = _check.dim(dim, "Unflatten", "dim")
        if not isinstance(unflattened_size, (tuple, list)) or not unflattened_size:
            raise TypeError(f"Unflatten: unflattened_size must be a tuple of ints, got "
                            f"{_got(unflattened_size)}")
        self.unflattened_size = tuple(_check.integer(s, "Unflatten", "unflattened_size",
                                                     low=-1) for s in unflattened_size)

    def forward(self, input: Tensor) -> Tensor:
        shape = tuple(input.shape)
        d = self.dim + len(shape) if self.dim < 0 else self.dim
        if not 0 <= d < len(shape):
            raise ValueError(f"Unflatten: dim {self.dim} is out of range for input of shape "
                             f"{shape}")
        sizes = self.unflattened_size
        known = int(np.prod([s for s in sizes if s != -1]))
        if (-1 not in sizes and known != shape[d]) or (known and shape[d] % known):
            raise ValueError(f"Unflatten: unflattened_size {sizes} does not multiply to the "
                             f"size {shape[d]} of axis {self.dim} (input shape {shape})")
        return ops.reshape(input, shape[:d] + sizes + shape[d + 1:])

    def extra_repr(self) -> str:
        return f"dim={self.dim}, unflattened_size={self.unflattened_size}"


class Unfold(Module):
    """Sliding blocks as columns (im2col), as torch.nn.Unfold.

    Args:
        kernel_size: the block size, an int or a pair.
        dilation: the spacing between block elements.
        padding: zeros added on both sides of each spatial axis.
        stride: the step between blocks.

    >>> import tapegrad as tg
    >>> tg.nn.Unfold(2)(tg.ones((1, 3, 4, 4))).shape
    (1, 12, 9)
    """

    def __init__(self, kernel_size: int | tuple[int, ...], dilation: int | tuple[int, ...] = 1,
                 padding: int | tuple[int, ...] | str = 0,
                 stride: int | tuple[int, ...] = 1) -> None:
        super().__init__()
        self.kernel_size, self.dilation = kernel_size, dilation
        self.padding, self.stride = padding, stride

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, dilation={self.dilation}, "
                f"padding={self.padding}, stride={self.stride}")

    def forward(self, input: Tensor) -> Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)


class Fold(Module):
    """Columns summed back into an image (col2im), as torch.nn.Fold.

    Args:
        output_size: the image's spatial size (H, W).
        kernel_size: the block size, an int or a pair.
        dilation: the spacing between block elements.
        padding: zeros added on both sides of each spatial axis (cut off again).
        stride: the step between blocks.

    >>> import tapegrad as tg
    >>> tg.nn.Fold((4, 4), 2)(tg.ones((1, 12, 9))).shape
    (1, 3, 4, 4)
    """

    def __init__(self, output_size: Any, kernel_size: int | tuple[int, ...],
                 dilation: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
                 stride: int | tuple[int, ...] = 1) -> None:
        super().__init__()
        self.output_size, self.kernel_size = output_size, kernel_size
        self.dilation, self.padding, self.stride = dilation, padding, stride

    def extra_repr(self) -> str:
        return (f"output_size={self.output_size}, kernel_size={self.kernel_size}, "
                f"dilation={self.dilation}, padding={self.padding}, stride={self.stride}")

    def forward(self, input: Tensor) -> Tensor:
        return F.fold(input, self.output_size, self.kernel_size, self.dilation,
                      self.padding, self.stride)

# the names `from tapegrad.nn.resample import *` gives (tests/test_all.py)
__all__ = ["Upsample", "ConstantPad1d", "ConstantPad2d", "ZeroPad2d", "ReflectionPad1d",
           "ReflectionPad2d", "ReplicationPad1d", "ReplicationPad2d", "Unflatten",
           "Unfold", "Fold"]
