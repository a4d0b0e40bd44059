"""More of torch.nn's layers that tutorial programs print or use, each a composition of
existing ops: Softmin, Softmax2d, PixelShuffle, PixelUnshuffle and Bilinear, with the
functional forms softmin, pixel_shuffle, pixel_unshuffle and bilinear."""
from __future__ import annotations

import math

import numpy as np

from .. import _check, ops
from .._dtypes import as_dtype, check_device, default_float
from .._tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def softmin(input: Tensor, dim: int | None = None, dtype: Any = None) -> Tensor:
    """softmax(-input) along `dim`.

    Args:
        input: a tensor.
        dim: the axis the result sums to 1 along.
        dtype: cast the input to this dtype first.

    >>> import tapegrad as tg
    >>> tg.nn.functional.softmin(tg.tensor([0.0, 0.0]), dim=0)
    tensor([0.5000, 0.5000])
    """
    if dim is None:
        raise ValueError("softmin: give dim= (PyTorch's implicit choice is deprecated)")
    x = input if dtype is None else input.to(dtype)
    return ops.softmax(-x, axis=dim)


def _shuffle_check(input, factor, who, what):
    factor = _check.integer(factor, who, what, low=1)
    if not isinstance(input, Tensor) or input.ndim < 3:
        raise ValueError(f"{who}: input must be a tensor of at least 3 dimensions (..., C, "
                         f"H, W), got {getattr(input, 'shape', type(input).__name__)}")
    return factor


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:
    """(..., C*r*r, H, W) -> (..., C, H*r, W*r), as torch.nn.functional.pixel_shuffle.

    Args:
        input: a tensor of at least 3 dimensions.
        upscale_factor: r.

    >>> import tapegrad as tg
    >>> tg.nn.functional.pixel_shuffle(tg.zeros(1, 4, 2, 3), 2).shape
    (1, 1, 4, 6)
    """
    r = _shuffle_check(input, upscale_factor, "pixel_shuffle", "upscale_factor")
    *lead, c, h, w = input.shape
    if c % (r * r):
        raise ValueError(f"pixel_shuffle: channels {c} are not divisible by "
                         f"upscale_factor**2 = {r * r}")
    n = len(lead)
    x = ops.reshape(input, (*lead, c // (r * r), r, r, h, w))
    x = ops.permute(x, (*range(n), n, n + 3, n + 1, n + 4, n + 2))
    return ops.reshape(x, (*lead, c // (r * r), h * r, w * r))


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:
    """(..., C, H*r, W*r) -> (..., C*r*r, H, W), the inverse of pixel_shuffle.

    Args:
        input: a tensor of at least 3 dimensions.
        downscale_factor: r.

    >>> import tapegrad as tg
    >>> tg.nn.functional.pixel_unshuffle(tg.zeros(1, 1, 4, 6), 2).shape
    (1, 4, 2, 3)
    """
    r = _shuffle_check(input, downscale_factor, "pixel_unshuffle", "downscale_factor")
    *lead, c, h, w = input.shape
    if h % r or w % r:
        raise ValueError(f"pixel_unshuffle: height {h} and width {w} must be divisible by "
                         f"downscale_factor {r}")
    n = len(lead)
    x = ops.reshape(input, (*lead, c, h // r, r, w // r, r))
    x = ops.permute(x, (*range(n), n, n + 2, n + 4, n + 1, n + 3))
    return ops.reshape(x, (*lead, c * r * r, h // r, w // r))


def bilinear(input1: Tensor, input2: Tensor, weight: Tensor, bias: Tensor | None = None
             ) -> Tensor:
    """y[..., o] = input1 @ weight[o] @ input2 + bias[o], as torch.nn.functional.bilinear.

    Args:
        input1: (..., in1) features.
        input2: (..., in2) features.
        weight: (out, in1, in2).
        bias: (out,) or None.

    >>> import tapegrad as tg
    >>> tg.nn.functional.bilinear(tg.ones(2, 3), tg.ones(2, 4), tg.ones(5, 3, 4)).shape
    (2, 5)
    """
    _check_bilinear(input1, input2, weight, bias, "bilinear")
    y = ops.einsum("...i,oij,...j->...o", input1, weight, input2)
    return y if bias is None else y + bias


def _check_bilinear(input1, input2, weight, bias, who):
    """As torch: equal batch shapes (einsum's `...` would broadcast a batch of 1 against
    the other input's), each input's last size matching the weight's, a matching bias."""
    s1, s2, sw = np.shape(input1), np.shape(input2), np.shape(weight)
    if len(sw) != 3:
        raise ValueError(f"{who}: weight must be 3-D (out_features, in1_features, "
                         f"in2_features), got shape {tuple(sw)}")
    if not s1 or not s2:
        raise ValueError(f"{who}: inputs must be at least 1-D, got shapes {tuple(s1)} and "
                         f"{tuple(s2)}")
    if s1[:-1] != s2[:-1]:
        raise ValueError(f"{who}: input1 of shape {tuple(s1)} and input2 of shape "
                         f"{tuple(s2)} must have the same batch shape")
    for k, s in ((1, s1), (2, s2)):
        if s[-1] != sw[k]:
            raise ValueError(f"{who}: expected input{k} of shape (*, {sw[k]}) "
                             f"(in{k}_features), got {tuple(s)}")
    if bias is not None and tuple(np.shape(bias)) != (sw[0],):
        raise ValueError(f"{who}: bias must have shape ({sw[0]},) (out_features), got "
                         f"{tuple(np.shape(bias))}")


class Softmin(Module):
    """softmax(-x) along `dim`, as torch.nn.Softmin.

    Args:
        dim: the axis the result sums to 1 along.

    >>> import tapegrad as tg
    >>> tg.nn.Softmin(dim=1)(tg.zeros(1, 2))
    tensor([[0.5000, 0.5000]])
    """

    def __init__(self, dim: int | None = None) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, input: Tensor) -> Tensor:
        return softmin(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Softmax2d(Module):
    """Softmax over the channels of (N, C, H, W) or (C, H, W) input.

    >>> import tapegrad as tg
    >>> tg.nn.Softmax2d()(tg.zeros(1, 2, 1, 1)).flatten()
    tensor([0.5000, 0.5000])
    """

    def forward(self, input: Tensor) -> Tensor:
        if input.ndim not in (3, 4):
            raise ValueError(f"Softmax2d: expected a 3-d or 4-d input, got shape "
                             f"{input.shape}")
        return ops.softmax(input, axis=-3)


class PixelShuffle(Module):
    """Rearranges (N, C*r*r, H, W) into (N, C, H*r, W*r) (sub-pixel convolution).

    Args:
        upscale_factor: r.

    >>> import tapegrad as tg
    >>> tg.nn.PixelShuffle(2)(tg.zeros(1, 4, 2, 2)).shape
    (1, 1, 4, 4)
    """

    def __init__(self, upscale_factor: int) -> None:
        super().__init__()
        self.upscale_factor = _check.integer(upscale_factor, "PixelShuffle",
                                             "upscale_factor", low=1)

    def forward(self, input: Tensor) -> Tensor:
        return pixel_shuffle(input, self.upscale_factor)

    def extra_repr(self) -> str:
        return f"upscale_factor={self.upscale_factor}"


class PixelUnshuffle(Module):
    """The inverse of PixelShuffle: (N, C, H*r, W*r) into (N, C*r*r, H, W).

    Args:
        downscale_factor: r.

    >>> import tapegrad as tg
    >>> tg.nn.PixelUnshuffle(2)(tg.zeros(1, 1, 4, 4)).shape
    (1, 4, 2, 2)
    """

    def __init__(self, downscale_factor: int) -> None:
        super().__init__()
        self.downscale_factor = _check.integer(downscale_factor, "PixelUnshuffle",
                                               "downscale_factor", low=1)

    def forward(self, input: Tensor) -> Tensor:
        return pixel_unshuffle(input, self.downscale_factor)

    def extra_repr(self) -> str:
        return f"downscale_factor={self.downscale_factor}"


class Bilinear(Module):
    """y = x1^T A x2 + b, with `weight` of shape (out_features, in1_features,
    in2_features) and PyTorch's initialisation (uniform in +-1/sqrt(in1_features)).

    Args:
        in1_features: the size of the first input.
        in2_features: the size of the second input.
        out_features: the output size.
        bias: whether to add a bias.
        device: "cpu" or None.
        dtype: the parameters' dtype (float32 by default).

    >>> import tapegrad as tg
    >>> tg.nn.Bilinear(2, 3, 4)(tg.ones(5, 2), tg.ones(5, 3)).shape
    (5, 4)
    """

    def __init__(self, in1_features: int, in2_features: int, out_features: int,
                 bias: bool = True, device: Any = None, dtype: Any = None) -> None:
        super().__init__()
        check_device(device, "Bilinear")
        self.in1_features = _check.integer(in1_features, "Bilinear", "in1_features", low=1)
        self.in2_features = _check.integer(in2_features, "Bilinear", "in2_features", low=1)
        self.out_features = _check.integer(out_features, "Bilinear", "out_features", low=1)
        dt = as_dtype(dtype, "Bilinear") or default_float()
        shape = (self.out_features, self.in1_features, self.in2_features)
        self.weight = Parameter(np.zeros(shape, dtype=dt))
        if _check.flag(bias, "Bilinear", "bias"):
            self.bias = Parameter(np.zeros(self.out_features, dtype=dt))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        bound = 1 / math.sqrt(self.in1_features)
        init.uniform_(self.weight, -bound, bound)
        if self.bias is not None:
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input1: Tensor, input2: Tensor) -> Tensor:
        _check_bilinear(input1, input2, self.weight, self.bias, f"Bilinear({self.extra_repr()})")
        return bilinear(input1, input2, self.weight, self.bias)

    def extra_repr(self) -> str:
        return (f"in1_features={self.in1_features}, in2_features={self.in2_features}, "
                f"out_features={self.out_features}, bias={self.bias is not None}")


# the names `from tapegrad.nn.more_layers import *` gives (tests/test_all.py)
__all__ = ["Bilinear", "PixelShuffle", "PixelUnshuffle", "Softmax2d", "Softmin", "bilinear",
           "pixel_shuffle", "pixel_unshuffle", "softmin"]
