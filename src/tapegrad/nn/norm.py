"""Normalisation modules of torch.nn (issue 18): BatchNorm2d, InstanceNorm2d, GroupNorm,
RMSNorm, and Dropout2d, with PyTorch's arguments, parameter shapes and state-dict keys."""
from __future__ import annotations

import numpy as np

from .. import _check
from .._dtypes import DEFAULT_FLOAT, as_dtype
from .._tensor import make
from . import _functional_act as FA
from . import functional as F
from .module import Module
from .parameter import Parameter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._tensor import Tensor
    from .._typing import DTypeLike, ShapeLike


def _device(device, fn):
    if device is not None and str(device).split(":")[0] != "cpu":
        raise ValueError(f"{fn}: tapegrad runs on the CPU only, got device {device!r}")


class _NormBase(Module):
    """weight/bias (affine) and running_mean/running_var/num_batches_tracked
    (track_running_stats) of a per-channel norm, named as PyTorch's."""

    def __init__(self, num_features: int, eps: float, momentum: float | None, affine: bool,
                 track_running_stats: bool, device: str | None, dtype: DTypeLike) -> None:
        super().__init__()
        fn = type(self).__name__
        _device(device, fn)
        self.num_features = _check.integer(num_features, fn, "num_features", low=1)
        self.eps = _check.real(eps, fn, "eps", low=0.0)
        if momentum is not None:
            momentum = _check.real(momentum, fn, "momentum", low=0.0, high=1.0)
        self.momentum = momentum
        self.affine = _check.flag(affine, fn, "affine")
        self.track_running_stats = _check.flag(track_running_stats, fn, "track_running_stats")
        dt = as_dtype(dtype, fn) or DEFAULT_FLOAT
        c = self.num_features
        if self.affine:
            self.weight = Parameter(np.ones(c, dtype=dt))
            self.bias = Parameter(np.zeros(c, dtype=dt))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if self.track_running_stats:
            self.register_buffer("running_mean", make(np.zeros(c, dtype=dt)))
            self.register_buffer("running_var", make(np.ones(c, dtype=dt)))
            self.register_buffer("num_batches_tracked", make(np.zeros((), dtype=np.int64)))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean._data[...] = 0
            self.running_var._data[...] = 1
            self.num_batches_tracked._data[...] = 0

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            self.weight._data[...] = 1
            self.bias._data[...] = 0

    def _check_input(self, input, ndims, form):
        shape = np.shape(input._data if hasattr(input, "_data") else input)
        if len(shape) not in ndims or shape[len(shape) - ndims[-1] + 1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected input of shape {form} with "
                             f"C = {self.num_features}, got {tuple(shape)}")
        return shape

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Training normalizes with the batch statistics and updates the running mean and
    (unbiased) variance; eval uses the running statistics (or the batch's, without
    track_running_stats). momentum=None keeps a cumulative average."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype)

    def _normalize(self, input):
        use_batch = self.training or not self.track_running_stats
        update = self.training and self.track_running_stats
        momentum = self.momentum if update else 0.0
        keep = update or not use_batch
        return F._batch_norm(input, self.running_mean if keep else None,
                             self.running_var if keep else None, self.weight, self.bias,
                             use_batch, momentum, self.eps,
                             self.num_batches_tracked if update else None)


class BatchNorm1d(_BatchNorm):
    """Batch normalization over (N, C) or (N, C, L) inputs."""

    def forward(self, input: Tensor) -> Tensor:
        shape = np.shape(input._data if hasattr(input, "_data") else input)
        if len(shape) not in (2, 3) or shape[1] != self.num_features:
            raise ValueError(f"BatchNorm1d: expected input of shape (N, {self.num_features}) "
                             f"or (N, {self.num_features}, L), got {tuple(shape)}")
        return self._normalize(input)


class BatchNorm2d(_BatchNorm):
    """Batch normalization over (N, C, H, W): training normalizes with the batch
    statistics and updates the running mean and (unbiased) variance; eval uses the
    running statistics (or the batch's, without track_running_stats). momentum=None keeps
    a cumulative average.

    >>> bn = tg.nn.BatchNorm2d(3)
    >>> bn(tg.randn(4, 3, 5, 5)).shape
    (4, 3, 5, 5)
    """

    def forward(self, input: Tensor) -> Tensor:
        self._check_input(input, (4,), "(N, C, H, W)")
        return self._normalize(input)


class InstanceNorm2d(_NormBase):
    """Normalizes each (sample, channel) of (N, C, H, W) or (C, H, W) over H, W. Defaults
    as PyTorch: affine=False, track_running_stats=False.

    >>> tg.nn.InstanceNorm2d(2)(tg.randn(1, 2, 3, 3)).shape
    (1, 2, 3, 3)
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype)

    def forward(self, input: Tensor) -> Tensor:
        shape = self._check_input(input, (3, 4), "(N, C, H, W) or (C, H, W)")
        if len(shape) == 3:
            return self.forward(input[None])[0]
        use_input_stats = self.training or not self.track_running_stats
        return FA.instance_norm(input, self.running_mean, self.running_var, self.weight,
                                self.bias, use_input_stats,
                                self.momentum if self.momentum is not None else 0.0,
                                self.eps)


class GroupNorm(Module):
    """Normalizes (N, C, *) over groups of C / num_groups channels; per-channel affine
    weight (ones) and bias (zeros) when affine.

    >>> tg.nn.GroupNorm(2, 4)(tg.randn(3, 4, 5)).shape
    (3, 4, 5)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: str | None = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        _device(device, "GroupNorm")
        self.num_groups = _check.integer(num_groups, "GroupNorm", "num_groups", low=1)
        self.num_channels = _check.integer(num_channels, "GroupNorm", "num_channels", low=1)
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({self.num_channels}) must be "
                             f"divisible by num_groups ({self.num_groups})")
        self.eps = _check.real(eps, "GroupNorm", "eps", low=0.0)
        self.affine = _check.flag(affine, "GroupNorm", "affine")
        dt = as_dtype(dtype, "GroupNorm") or DEFAULT_FLOAT
        if self.affine:
            self.weight = Parameter(np.ones(self.num_channels, dtype=dt))
            self.bias = Parameter(np.zeros(self.num_channels, dtype=dt))
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        return FA.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"


class RMSNorm(Module):
    """x / sqrt(mean(x^2 over normalized_shape) + eps) * weight (ones); eps=None is the
    input dtype's machine epsilon (PyTorch 2.4+).

    >>> tg.nn.RMSNorm(4)(tg.ones(2, 4)).tolist()[0]
    [1.0, 1.0, 1.0, 1.0]
    """

    def __init__(self, normalized_shape: ShapeLike, eps: float | None = None,
                 elementwise_affine: bool = True, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        _device(device, "RMSNorm")
        self.normalized_shape = F._check_normalized_shape(normalized_shape, "RMSNorm")
        self.eps = None if eps is None else _check.real(eps, "RMSNorm", "eps", low=0.0)
        self.elementwise_affine = _check.flag(elementwise_affine, "RMSNorm",
                                              "elementwise_affine")
        dt = as_dtype(dtype, "RMSNorm") or DEFAULT_FLOAT
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dt))
        else:
            self.register_parameter("weight", None)

    def forward(self, input: Tensor) -> Tensor:
        return FA.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class Dropout2d(Module):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W) with probability p in training
    (scaling the rest by 1 / (1 - p)); the identity in eval. Seeded by tg.manual_seed."""

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = _check.real(p, "Dropout2d", "p", low=0.0, high=1.0)
        self.inplace = _check.flag(inplace, "Dropout2d", "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return FA.dropout2d(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

# the names `from tapegrad.nn.norm import *` gives (tests/test_all.py)
__all__ = ["BatchNorm1d", "BatchNorm2d", "InstanceNorm2d", "GroupNorm", "RMSNorm", "Dropout2d"]
