"""Convolution and pooling layers (PyTorch's names, arguments,
parameter shapes, initialisation and state-dict keys), on nn.functional. The resampling,
padding and reshaping layers are in resample.py."""
from __future__ import annotations

import math

import numpy as np

from .._check import _got
from .._dtypes import as_dtype, check_device, default_float
from .. import _check
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import DTypeLike


def _ntuple(value, n, fn, arg, low):
    if isinstance(value, (tuple, list)):
        if len(value) != n:
            raise ValueError(f"{fn}: {arg} must be an int or a tuple of {n} ints, got "
                             f"{_got(value)}")
        return tuple(_check.integer(v, fn, arg, low=low) for v in value)
    return (_check.integer(value, fn, arg, low=low),) * n


def _check_device(device, fn):
    # the one check (and error) of every layer's device= argument
    check_device(device, fn)


_PADDING_MODES = ("zeros", "reflect", "replicate", "circular")


class _ConvNd(Module):
    """Shared by Conv1d/2d/3d and ConvTranspose1d/2d: arguments, parameters and their
    PyTorch initialisation (kaiming_uniform(a=sqrt(5)) for the weight, U(-1/sqrt(fan_in),
    1/sqrt(fan_in)) for the bias)."""

    _n = 2
    _transposed = False

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...], padding: int | tuple[int, ...] | str,
                 dilation: int | tuple[int, ...], groups: int, bias: bool, padding_mode: str,
                 output_padding: int | tuple[int, ...], device: str | None,
                 dtype: DTypeLike) -> None:
        super().__init__()
        fn = type(self).__name__
        n = self._n
        _check_device(device, fn)
        self.in_channels = _check.integer(in_channels, fn, "in_channels", low=1)
        self.out_channels = _check.integer(out_channels, fn, "out_channels", low=1)
        self.groups = _check.integer(groups, fn, "groups", low=1)
        if self.in_channels % self.groups:
            raise ValueError(f"{fn}: in_channels={in_channels} must be divisible by "
                             f"groups={groups}")
        if self.out_channels % self.groups:
            raise ValueError(f"{fn}: out_channels={out_channels} must be divisible by "
                             f"groups={groups}")
        self.kernel_size = _ntuple(kernel_size, n, fn, "kernel_size", 1)
        self.stride = _ntuple(stride, n, fn, "stride", 1)
        self.dilation = _ntuple(dilation, n, fn, "dilation", 1)
        if isinstance(padding, str):
            if self._transposed or padding not in ("same", "valid"):
                what = "an int or a tuple" if self._transposed else \
                    "'same', 'valid', an int or a tuple"
                raise ValueError(f"{fn}: padding must be {what}, got {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError(f"{fn}: padding='same' is not supported for strided "
                                 f"convolutions (stride={self.stride})")
            self.padding = padding
        else:
            self.padding = _ntuple(padding, n, fn, "padding", 0)
        self.output_padding = _ntuple(output_padding, n, fn, "output_padding", 0)
        self.padding_mode = _check.choice(padding_mode, _PADDING_MODES, fn, "padding_mode")
        if self._transposed and padding_mode != "zeros":
            raise ValueError(f"{fn}: only padding_mode='zeros' is supported, got "
                             f"{padding_mode!r}")
        dt = as_dtype(dtype, fn) or default_float()
        if self._transposed:
            shape = (self.in_channels, self.out_channels // self.groups) + self.kernel_size
        else:
            shape = (self.out_channels, self.in_channels // self.groups) + self.kernel_size
        self.weight = Parameter(np.zeros(shape, dtype=dt))
        if _check.flag(bias, fn, "bias"):
            self.bias = Parameter(np.zeros((self.out_channels,), dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def _explicit_pad(self):
        """F.pad's tuple (last axis first) for a padding_mode other than zeros."""
        if self.padding == "valid":
            return (0,) * (2 * self._n)
        if self.padding == "same":
            pairs = []
            for k, d in zip(self.kernel_size, self.dilation):
                total = d * (k - 1)
                pairs.append((total // 2, total - total // 2))
        else:
            pairs = [(p, p) for p in self.padding]
        return tuple(v for lo_hi in reversed(pairs) for v in lo_hi)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0,) * self._n:
            s += f", padding={self.padding}"
        if self.dilation != (1,) * self._n:
            s += f", dilation={self.dilation}"
        if self.output_padding != (0,) * self._n:
            s += f", output_padding={self.output_padding}"
        if self.groups != 1:
            s += f", groups={self.groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += f", padding_mode={self.padding_mode}"
        return s


class _Conv(_ConvNd):
    _conv = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
                 dilation: int | tuple[int, ...] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, 0, device, dtype)

    def forward(self, input: Tensor) -> Tensor:
        conv = type(self)._conv
        if self.padding_mode != "zeros":
            input = F.pad(input, self._explicit_pad(), mode=self.padding_mode)
            return conv(input, self.weight, self.bias, self.stride, 0, self.dilation,
                        self.groups)
        return conv(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                    self.groups)


class Conv1d(_Conv):
    """1-D convolution over (N, C_in, L): weight (out_channels, in_channels/groups, k),
    bias (out_channels,), as torch.nn.Conv1d.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (the number of filters).
        kernel_size: the filter size, an int or a 1-tuple.
        stride: the step between applications, an int or a 1-tuple.
        padding: zeros added on both sides of each spatial dimension (an int or a
            1-tuple), or "same" / "valid".
        dilation: the spacing between filter taps.
        groups: split the channels into this many independent groups (both channel
            counts must divide by it).
        bias: learn an additive bias per output channel.
        padding_mode: "zeros", "reflect", "replicate" or "circular".
        device: only "cpu" (or None).
        dtype: the parameters' dtype (float32 by default).

    Raises:
        TypeError: a size is not an int (or tuple of ints).
        ValueError: channels that do not divide by groups, an unknown padding or padding_mode.

    >>> import tapegrad as tg
    >>> tg.nn.Conv1d(2, 4, 3, padding=1)(tg.ones((5, 2, 10))).shape
    (5, 4, 10)
    """
    _n = 1
    _conv = staticmethod(F.conv1d)


class Conv2d(_Conv):
    """2-D convolution over (N, C_in, H, W): weight (out_channels, in_channels/groups, kh,
    kw), bias (out_channels,), as torch.nn.Conv2d (padding an int, a pair, 'same' or
    'valid'; padding_mode 'zeros', 'reflect', 'replicate' or 'circular').

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (the number of filters).
        kernel_size: the filter size, an int or a 2-tuple.
        stride: the step between applications, an int or a 2-tuple.
        padding: zeros added on both sides of each spatial dimension (an int or a
            2-tuple), or "same" / "valid".
        dilation: the spacing between filter taps.
        groups: split the channels into this many independent groups (both channel
            counts must divide by it).
        bias: learn an additive bias per output channel.
        padding_mode: "zeros", "reflect", "replicate" or "circular".
        device: only "cpu" (or None).
        dtype: the parameters' dtype (float32 by default).

    Raises:
        TypeError: a size is not an int (or tuple of ints).
        ValueError: channels that do not divide by groups, an unknown padding or padding_mode.

    >>> import tapegrad as tg
    >>> conv = tg.nn.Conv2d(1, 6, 5)
    >>> conv.weight.shape, conv(tg.ones((2, 1, 28, 28))).shape
    ((6, 1, 5, 5), (2, 6, 24, 24))
    """
    _n = 2
    _conv = staticmethod(F.conv2d)


class Conv3d(_Conv):
    """3-D convolution over (N, C_in, D, H, W), as torch.nn.Conv3d.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output (the number of filters).
        kernel_size: the filter size, an int or a 3-tuple.
        stride: the step between applications, an int or a 3-tuple.
        padding: zeros added on both sides of each spatial dimension (an int or a
            3-tuple), or "same" / "valid".
        dilation: the spacing between filter taps.
        groups: split the channels into this many independent groups (both channel
            counts must divide by it).
        bias: learn an additive bias per output channel.
        padding_mode: "zeros", "reflect", "replicate" or "circular".
        device: only "cpu" (or None).
        dtype: the parameters' dtype (float32 by default).

    Raises:
        TypeError: a size is not an int (or tuple of ints).
        ValueError: channels that do not divide by groups, an unknown padding or padding_mode.

    >>> import tapegrad as tg
    >>> tg.nn.Conv3d(1, 2, 3)(tg.ones((1, 1, 5, 5, 5))).shape
    (1, 2, 3, 3, 3)
    """
    _n = 3
    _conv = staticmethod(F.conv3d)


class _ConvTranspose(_ConvNd):
    _transposed = True
    _conv = None

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
                 output_padding: int | tuple[int, ...] = 0, groups: int = 1, bias: bool = True,
                 dilation: int | tuple[int, ...] = 1, padding_mode: str = "zeros",
                 device: str | None = None, dtype: DTypeLike = None) -> None:
        super().__init__(in_channels, out_channels, kernel_size, stride, padding, dilation,
                         groups, bias, padding_mode, output_padding, device, dtype)

    def _output_padding(self, input, output_size):
        if output_size is None:
            return self.output_padding
        fn, n = type(self).__name__, self._n
        size = tuple(output_size)[-n:] if isinstance(output_size, (tuple, list)) else None
        if size is None or len(size) != n:
            raise ValueError(f"{fn}: output_size must have {n} or {n + 2} entries, got "
                             f"{_got(output_size)}")
        extra = []
        for i, want in enumerate(size):
            small = ((input.shape[-n + i] - 1) * self.stride[i] - 2 * self.padding[i]
                     + self.dilation[i] * (self.kernel_size[i] - 1) + 1)
            if not small <= want < small + max(self.stride[i], self.dilation[i]):
                raise ValueError(f"{fn}: requested output_size {tuple(size)} is not reachable "
                                 f"from input of shape {tuple(input.shape)}: axis {i} must be "
                                 f"between {small} and "
                                 f"{small + max(self.stride[i], self.dilation[i]) - 1}")
            extra.append(want - small)
        return tuple(extra)

    def forward(self, input: Tensor, output_size: Any = None) -> Tensor:
        extra = self._output_padding(input, output_size)
        return type(self)._conv(input, self.weight, self.bias, self.stride, self.padding,
                                extra, self.groups, self.dilation)


class ConvTranspose1d(_ConvTranspose):
    """Transposed 1-D convolution over (N, C_in, L): weight (in_channels,
    out_channels/groups, k), as torch.nn.ConvTranspose1d.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output.
        kernel_size: the filter size, an int or a 1-tuple.
        stride: the upsampling step, an int or a 1-tuple.
        padding: dilation * (kernel_size - 1) - padding zeros pad each side of the input.
        output_padding: extra length added to one side of the output (< stride or dilation).
        groups: split the channels into this many independent groups.
        bias: learn an additive bias per output channel.
        dilation: the spacing between filter taps.
        padding_mode: only "zeros", as PyTorch.
        device: only "cpu" (or None).
        dtype: the parameters' dtype (float32 by default).

    >>> import tapegrad as tg
    >>> tg.nn.ConvTranspose1d(2, 3, 4, stride=2)(tg.ones((1, 2, 5))).shape
    (1, 3, 12)
    """
    _n = 1
    _conv = staticmethod(F.conv_transpose1d)


class ConvTranspose2d(_ConvTranspose):
    """Transposed 2-D convolution over (N, C_in, H, W): weight (in_channels,
    out_channels/groups, kh, kw), as torch.nn.ConvTranspose2d; forward takes an optional
    output_size.

    Args:
        in_channels: channels of the input.
        out_channels: channels of the output.
        kernel_size: the filter size, an int or a 2-tuple.
        stride: the upsampling step, an int or a 2-tuple.
        padding: dilation * (kernel_size - 1) - padding zeros pad each side of the input.
        output_padding: extra size added to one side of each output axis.
        groups: split the channels into this many independent groups.
        bias: learn an additive bias per output channel.
        dilation: the spacing between filter taps.
        padding_mode: only "zeros", as PyTorch.
        device: only "cpu" (or None).
        dtype: the parameters' dtype (float32 by default).

    >>> import tapegrad as tg
    >>> up = tg.nn.ConvTranspose2d(4, 2, 3, stride=2, padding=1)
    >>> up(tg.ones((1, 4, 5, 5)), output_size=(10, 10)).shape
    (1, 2, 10, 10)
    """
    _n = 2
    _conv = staticmethod(F.conv_transpose2d)


# ------------------------------------------------------------------ pooling

class _MaxPool(Module):
    _pool = None

    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0, dilation: int | tuple[int, ...] = 1,
                 return_indices: bool = False, ceil_mode: bool = False) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.dilation = dilation
        self.return_indices = _check.flag(return_indices, type(self).__name__,
                                          "return_indices")
        self.ceil_mode = _check.flag(ceil_mode, type(self).__name__, "ceil_mode")

    def forward(self, input: Tensor) -> Any:
        return type(self)._pool(input, self.kernel_size, self.stride, self.padding,
                                self.dilation, ceil_mode=self.ceil_mode,
                                return_indices=self.return_indices)

    def extra_repr(self) -> str:
        return (f"kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, dilation={self.dilation}, "
                f"ceil_mode={self.ceil_mode}")


class MaxPool1d(_MaxPool):
    """Max pooling over (N, C, L), as torch.nn.MaxPool1d.

    Args:
        kernel_size: the window size, an int or a 1-tuple.
        stride: the step between windows (kernel_size by default).
        padding: padding added on both sides, at most half the window.
        dilation: the spacing between window elements.
        return_indices: also return the flat index of each maximum.
        ceil_mode: round the output size up, so a partial window at the end counts.

    Raises:
        ValueError: (when called) padding larger than half the window.

    >>> import tapegrad as tg
    >>> tg.nn.MaxPool1d(2)(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    tensor([[[3., 2.]]])
    """
    _pool = staticmethod(F.max_pool1d)


class MaxPool2d(_MaxPool):
    """Max pooling over (N, C, H, W) (stride defaults to kernel_size), as
    torch.nn.MaxPool2d.

    Args:
        kernel_size: the window size, an int or a 2-tuple.
        stride: the step between windows (kernel_size by default).
        padding: padding added on both sides, at most half the window.
        dilation: the spacing between window elements.
        return_indices: also return the flat index of each maximum.
        ceil_mode: round the output size up, so a partial window at the end counts.

    Raises:
        ValueError: (when called) padding larger than half the window.

    >>> import tapegrad as tg
    >>> tg.nn.MaxPool2d(2)(tg.ones((1, 6, 24, 24))).shape
    (1, 6, 12, 12)
    """
    _pool = staticmethod(F.max_pool2d)


class AvgPool1d(Module):
    """Average pooling over (N, C, L), as torch.nn.AvgPool1d.

    Args:
        kernel_size: the window size, an int or a 1-tuple.
        stride: the step between windows (kernel_size by default).
        padding: padding added on both sides, at most half the window.
        ceil_mode: round the output size up, so a partial window at the end counts.
        count_include_pad: count padded zeros in each average's divisor.

    Raises:
        ValueError: (when called) padding larger than half the window.

    >>> import tapegrad as tg
    >>> tg.nn.AvgPool1d(2)(tg.tensor([[[1.0, 3.0, 2.0, 0.0]]]))
    tensor([[[2., 1.]]])
    """

    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.kernel_size = _ntuple(kernel_size, 1, "AvgPool1d", "kernel_size", 1)
        self.stride = self.kernel_size if stride is None else \
            _ntuple(stride, 1, "AvgPool1d", "stride", 1)
        self.padding = _ntuple(padding, 1, "AvgPool1d", "padding", 0)
        self.ceil_mode = _check.flag(ceil_mode, "AvgPool1d", "ceil_mode")
        self.count_include_pad = _check.flag(count_include_pad, "AvgPool1d",
                                             "count_include_pad")

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool1d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AvgPool2d(Module):
    """Average pooling over (N, C, H, W), as torch.nn.AvgPool2d.

    Args:
        kernel_size: the window size, an int or a 2-tuple.
        stride: the step between windows (kernel_size by default).
        padding: padding added on both sides, at most half the window.
        ceil_mode: round the output size up, so a partial window at the end counts.
        count_include_pad: count padded zeros in each average's divisor.
        divisor_override: divide every window's sum by this instead.

    Raises:
        ValueError: (when called) padding larger than half the window.

    >>> import tapegrad as tg
    >>> tg.nn.AvgPool2d(2)(tg.ones((1, 3, 8, 8))).shape
    (1, 3, 4, 4)
    """

    def __init__(self, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] | None = None,
                 padding: int | tuple[int, ...] | str = 0, ceil_mode: bool = False,
                 count_include_pad: bool = True, divisor_override: Any = None) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = kernel_size if stride is None else stride
        self.padding = padding
        self.ceil_mode = _check.flag(ceil_mode, "AvgPool2d", "ceil_mode")
        self.count_include_pad = _check.flag(count_include_pad, "AvgPool2d",
                                             "count_include_pad")
        self.divisor_override = divisor_override

    def forward(self, input: Tensor) -> Tensor:
        return F.avg_pool2d(input, self.kernel_size, self.stride, self.padding,
                            self.ceil_mode, self.count_include_pad, self.divisor_override)

    def extra_repr(self) -> str:
        return f"kernel_size={self.kernel_size}, stride={self.stride}, padding={self.padding}"


class AdaptiveAvgPool1d(Module):
    """Average pooling of (N, C, L) into output_size bins, as torch.nn.AdaptiveAvgPool1d.

    Args:
        output_size: the number of bins L_out.

    >>> import tapegrad as tg
    >>> tg.nn.AdaptiveAvgPool1d(2)(tg.ones((1, 3, 7))).shape
    (1, 3, 2)
    """

    def __init__(self, output_size: Any) -> None:
        super().__init__()
        self.output_size = output_size

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool1d(input, self.output_size)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"


class AdaptiveAvgPool2d(AdaptiveAvgPool1d):
    """Average pooling of (N, C, H, W) into an output_size grid (None keeps an axis), as
    torch.nn.AdaptiveAvgPool2d.

    Args:
        output_size: an int (a square grid) or a pair (H_out, W_out); None keeps an axis.

    >>> import tapegrad as tg
    >>> tg.nn.AdaptiveAvgPool2d((1, 1))(tg.ones((2, 8, 5, 5))).shape
    (2, 8, 1, 1)
    """

    def forward(self, input: Tensor) -> Tensor:
        return F.adaptive_avg_pool2d(input, self.output_size)


class AdaptiveMaxPool2d(Module):
    """Max pooling of (N, C, H, W) into an output_size grid, as torch.nn.AdaptiveMaxPool2d.

    Args:
        output_size: an int (a square grid) or a pair (H_out, W_out); None keeps an axis.
        return_indices: also return the flat index of each maximum within its plane.

    >>> import tapegrad as tg
    >>> tg.nn.AdaptiveMaxPool2d(1)(tg.ones((2, 8, 5, 5))).shape
    (2, 8, 1, 1)
    """

    def __init__(self, output_size: Any, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = _check.flag(return_indices, "AdaptiveMaxPool2d",
                                          "return_indices")

    def forward(self, input: Tensor) -> Any:
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)

    def extra_repr(self) -> str:
        return f"output_size={self.output_size}"

# the names `from tapegrad.nn.conv import *` gives (tests/test_all.py)
__all__ = ["Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d",
           "MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d", "AdaptiveAvgPool1d",
           "AdaptiveAvgPool2d", "AdaptiveMaxPool2d"]
