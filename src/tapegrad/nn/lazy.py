"""PyTorch's lazy modules (LazyLinear, LazyConv1d/2d, LazyBatchNorm1d/2d), which Dive
into Deep Learning 1.0 builds every network from: the input size is read from the first
input. Until then the parameters hold placeholders; the first forward gives the same
Parameter objects (an optimizer made before it sees them) their real shape, initialises
them as the ordinary layer does, and turns the module into that layer (`type(m)` and the
printout become Linear, Conv2d, ...), as PyTorch's `cls_to_become`."""
from __future__ import annotations

import numpy as np

from .. import _check
from .._dtypes import check_device
from .conv import Conv1d, Conv2d
from .layers import Linear
from .norm import BatchNorm1d, BatchNorm2d
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import DTypeLike


class _Lazy:
    """The first forward sizes the parameters from the input, then becomes cls_to_become."""

    cls_to_become: Any = None
    _size_attr = ""             # in_features / in_channels / num_features

    def reset_parameters(self) -> None:
        if getattr(self, "_lazy", False):
            return              # nothing to initialise before the size is known
        self.cls_to_become.reset_parameters(self)

    def has_uninitialized_params(self) -> bool:
        """Whether the first forward has not happened yet (PyTorch's name)."""
        return self._lazy

    def _input_size(self, input: Any) -> int:
        raise NotImplementedError

    def _shapes(self, size: int) -> dict:
        raise NotImplementedError

    def forward(self, input: Tensor) -> Tensor:
        size = self._input_size(input)
        setattr(self, self._size_attr, size)
        for name, shape in self._shapes(size).items():
            t = getattr(self, name)
            if t is not None:
                # the same object, so optimizers and hooks holding it keep working
                t._data = np.zeros(shape, dtype=t._data.dtype)
        self._lazy = False
        self.__class__ = self.cls_to_become
        self.reset_parameters()
        return self.forward(input)


def _channels(input, n, fn):
    shape = np.shape(getattr(input, "_data", input))
    if len(shape) not in (n + 1, n + 2):
        raise ValueError(f"{fn}: expected a {n + 1}-D or {n + 2}-D input, got shape "
                         f"{tuple(shape)}")
    return int(shape[-n - 1])


class LazyLinear(_Lazy, Linear):
    """A Linear whose in_features is the last dimension of its first input.

    Args:
        out_features: the length of each output.
        bias: learn an additive bias.
        device: only "cpu" (or None).
        dtype: the parameters' dtype (float32 by default).

    >>> import tapegrad as tg
    >>> layer = tg.nn.LazyLinear(2)
    >>> layer
    LazyLinear(in_features=0, out_features=2, bias=True)
    >>> layer(tg.ones(4, 3)).shape, layer
    ((4, 2), Linear(in_features=3, out_features=2, bias=True))
    """

    cls_to_become = Linear
    _size_attr = "in_features"

    def __init__(self, out_features: int, bias: bool = True, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        self._lazy = True
        check_device(device, "LazyLinear")
        super().__init__(1, out_features, bias, device, dtype)
        self.in_features = 0

    def _input_size(self, input):
        shape = np.shape(getattr(input, "_data", input))
        if not shape:
            raise ValueError("LazyLinear: the input must have at least one dimension")
        return int(shape[-1])

    def _shapes(self, size):
        return {"weight": (self.out_features, size)}


class _LazyConv(_Lazy):
    _size_attr = "in_channels"
    _n = 2

    def __init__(self, out_channels: int, kernel_size: int | tuple[int, ...],
                 stride: int | tuple[int, ...] = 1, padding: int | tuple[int, ...] | str = 0,
                 dilation: int | tuple[int, ...] = 1, groups: int = 1, bias: bool = True,
                 padding_mode: str = "zeros", device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        self._lazy = True
        groups = _check.integer(groups, type(self).__name__, "groups", low=1)
        self.cls_to_become.__init__(self, groups, out_channels, kernel_size, stride, padding,
                                    dilation, groups, bias, padding_mode, device, dtype)
        self.in_channels = 0

    def _input_size(self, input):
        c = _channels(input, self._n, type(self).__name__)
        if c % self.groups:
            raise ValueError(f"{type(self).__name__}: the input's {c} channels must be "
                             f"divisible by groups={self.groups}")
        return c

    def _shapes(self, size):
        return {"weight": (self.out_channels, size // self.groups) + self.kernel_size}


class LazyConv1d(_LazyConv, Conv1d):
    """A Conv1d whose in_channels is read from its first input (N, C, L).

    Args:
        out_channels: channels of the output.
        kernel_size: the filter size.
        stride: the step between applications.
        padding: as Conv1d.
        dilation: spacing between filter taps.
        groups: blocked connections from input to output channels.
        bias: learn an additive bias.
        padding_mode: as Conv1d.
        device: only "cpu" (or None).
        dtype: the parameters' dtype.

    >>> import tapegrad as tg
    >>> conv = tg.nn.LazyConv1d(4, 3)
    >>> conv(tg.ones(2, 5, 8)).shape, conv.weight.shape
    ((2, 4, 6), (4, 5, 3))
    """

    cls_to_become = Conv1d
    _n = 1


class LazyConv2d(_LazyConv, Conv2d):
    """A Conv2d whose in_channels is read from its first input (N, C, H, W), as Dive
    into Deep Learning's LeNet writes it: nn.LazyConv2d(6, kernel_size=5, padding=2).

    Args:
        out_channels: channels of the output.
        kernel_size: the filter size.
        stride: the step between applications.
        padding: as Conv2d.
        dilation: spacing between filter taps.
        groups: blocked connections from input to output channels.
        bias: learn an additive bias.
        padding_mode: as Conv2d.
        device: only "cpu" (or None).
        dtype: the parameters' dtype.

    >>> import tapegrad as tg
    >>> conv = tg.nn.LazyConv2d(6, kernel_size=5, padding=2)
    >>> conv
    LazyConv2d(0, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))
    >>> conv(tg.ones(1, 1, 28, 28)).shape, type(conv).__name__
    ((1, 6, 28, 28), 'Conv2d')
    """

    cls_to_become = Conv2d
    _n = 2


class _LazyNorm(_Lazy):
    _size_attr = "num_features"
    _dims: tuple[int, ...] = (2,)

    def __init__(self, eps: float = 1e-5, momentum: float | None = 0.1, affine: bool = True,
                 track_running_stats: bool = True, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        self._lazy = True
        self.cls_to_become.__init__(self, 1, eps, momentum, affine, track_running_stats,
                                    device, dtype)
        self.num_features = 0

    def _input_size(self, input):
        shape = np.shape(getattr(input, "_data", input))
        if len(shape) not in self._dims:
            raise ValueError(f"{type(self).__name__}: expected a "
                             f"{' or '.join(f'{d}-D' for d in self._dims)} input, got shape "
                             f"{tuple(shape)}")
        return int(shape[1])

    def _shapes(self, size):
        return {"weight": (size,), "bias": (size,), "running_mean": (size,),
                "running_var": (size,)}


class LazyBatchNorm1d(_LazyNorm, BatchNorm1d):
    """A BatchNorm1d whose num_features is read from its first input (N, C) or (N, C, L).

    Args:
        eps: added to the variance for stability.
        momentum: the weight of the new batch in the running statistics.
        affine: learn a per-channel weight and bias.
        track_running_stats: keep running statistics.
        device: only "cpu" (or None).
        dtype: the parameters' dtype.

    >>> import tapegrad as tg
    >>> bn = tg.nn.LazyBatchNorm1d()
    >>> bn(tg.randn(4, 3)).shape, bn.running_mean.shape
    ((4, 3), (3,))
    """

    cls_to_become = BatchNorm1d
    _dims = (2, 3)


class LazyBatchNorm2d(_LazyNorm, BatchNorm2d):
    """A BatchNorm2d whose num_features is read from its first input (N, C, H, W).

    Args:
        eps: added to the variance for stability.
        momentum: the weight of the new batch in the running statistics.
        affine: learn a per-channel weight and bias.
        track_running_stats: keep running statistics.
        device: only "cpu" (or None).
        dtype: the parameters' dtype.

    >>> import tapegrad as tg
    >>> bn = tg.nn.LazyBatchNorm2d()
    >>> bn(tg.randn(2, 5, 3, 3)).shape, bn
    ((2, 5, 3, 3), BatchNorm2d(5, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True))
    """

    cls_to_become = BatchNorm2d
    _dims = (4,)


__all__ = ["LazyLinear", "LazyConv1d", "LazyConv2d", "LazyBatchNorm1d", "LazyBatchNorm2d"]
