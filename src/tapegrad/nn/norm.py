"""Normalisation modules of torch.nn (issue 18): BatchNorm2d, InstanceNorm2d, GroupNorm,
RMSNorm, and Dropout2d, with PyTorch's arguments, parameter shapes and state-dict keys."""
from __future__ import annotations

import numpy as np

from .. import _check
from .._dtypes import as_dtype, check_device, default_float
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
    # the one check (and error) of every layer's device= argument
    check_device(device, fn)


class _NormBase(Module):
    """weight/bias (affine) and running_mean/running_var/num_batches_tracked
    (track_running_stats) of a per-channel norm, named as PyTorch's."""

    def __init__(self, num_features: int, eps: float, momentum: float | None, affine: bool,
                 track_running_stats: bool, device: str | None, dtype: DTypeLike,
                 bias: bool = True) -> None:
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
        dt = as_dtype(dtype, fn) or default_float()
        c = self.num_features
        if self.affine:
            self.weight = Parameter(np.ones(c, dtype=dt))
            if _check.flag(bias, fn, "bias"):
                self.bias = Parameter(np.zeros(c, dtype=dt))
            else:                       # PyTorch's bias=False: a weight only
                self.register_parameter("bias", None)
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
            if self.bias is not None:
                self.bias._data[...] = 0

    def _check_input(self, input, ndims, form):
        shape = np.shape(input._data if hasattr(input, "_data") else input)
        if len(shape) not in ndims or shape[len(shape) - ndims[-1] + 1] != self.num_features:
            raise ValueError(f"{type(self).__name__}: expected input of shape {form} with "
                             f"C = {self.num_features}, got {tuple(shape)}")
        return shape

    def extra_repr(self) -> str:
        return (f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
                f"affine={self.affine}, bias={self.bias is not None}, "
                f"track_running_stats={self.track_running_stats}")


class _BatchNorm(_NormBase):
    """Training normalizes with the batch statistics and updates the running mean and
    (unbiased) variance; eval uses the running statistics (or the batch's, without
    track_running_stats). momentum=None keeps a cumulative average."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = True, track_running_stats: bool = True, device: str | None = None,
                 dtype: DTypeLike = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias)

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
    """Batch normalization over (N, C) or (N, C, L) inputs.

    Training normalizes each channel with the batch statistics (over N, and L) and
    updates the running mean and (unbiased) variance; eval uses the running statistics
    (or the batch's, without track_running_stats).

    Args:
        num_features: C, the number of channels, a positive int.
        eps: added to the variance for stability, >= 0 (default 1e-5).
        momentum: the weight of the new batch in the running statistics, in [0, 1]
            (default 0.1); None keeps a cumulative average.
        affine: learn a per-channel weight (ones) and bias (zeros) (default True).
        bias: with affine, learn the bias too (default True; False: a weight only).
        track_running_stats: keep running_mean, running_var and num_batches_tracked
            buffers (default True).
        device: None or "cpu".
        dtype: the dtype of the parameters and buffers (default: the default float).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: num_features < 1, eps < 0, momentum outside [0, 1], a device other
            than the CPU, or (when called) an input that is not (N, C) or (N, C, L).

    >>> import tapegrad as tg
    >>> bn = tg.nn.BatchNorm1d(2)
    >>> y = bn(tg.tensor([[1.0, 10.0], [3.0, 30.0]]))
    >>> [round(v, 3) for v in y[:, 0].tolist()]
    [-1.0, 1.0]
    >>> bn.running_mean
    tensor([0.2000, 2.0000])
    """

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

    Args:
        num_features: C, the number of channels, a positive int.
        eps: added to the variance for stability, >= 0 (default 1e-5).
        momentum: the weight of the new batch in the running statistics, in [0, 1]
            (default 0.1); None keeps a cumulative average.
        affine: learn a per-channel weight (ones) and bias (zeros) (default True).
        bias: with affine, learn the bias too (default True; False: a weight only).
        track_running_stats: keep running_mean, running_var and num_batches_tracked
            buffers (default True).
        device: None or "cpu".
        dtype: the dtype of the parameters and buffers (default: the default float).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: num_features < 1, eps < 0, momentum outside [0, 1], a device other
            than the CPU, or (when called) an input that is not (N, C, H, W).

    >>> import tapegrad as tg
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

    Args:
        num_features: C, the number of channels, a positive int.
        eps: added to the variance for stability, >= 0 (default 1e-5).
        momentum: the weight of the new statistics in the running ones, in [0, 1]
            (default 0.1; used with track_running_stats).
        affine: learn a per-channel weight and bias (default False).
        bias: with affine, learn the bias too (default True; False: a weight only).
        track_running_stats: keep running statistics and use them in eval (default False).
        device: None or "cpu".
        dtype: the dtype of the parameters and buffers (default: the default float).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: num_features < 1, eps < 0, momentum outside [0, 1], a device other
            than the CPU, or (when called) an input that is not (N, C, H, W) or (C, H, W)
            with C = num_features.

    >>> import tapegrad as tg
    >>> tg.nn.InstanceNorm2d(2)(tg.randn(1, 2, 3, 3)).shape
    (1, 2, 3, 3)
    """

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1,
                 affine: bool = False, track_running_stats: bool = False, device: str | None = None,
                 dtype: DTypeLike = None, *, bias: bool = True) -> None:
        super().__init__(num_features, eps, momentum, affine, track_running_stats, device,
                         dtype, bias)

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

    Args:
        num_groups: the number of groups, a positive int dividing num_channels.
        num_channels: C, a positive int.
        eps: added to the variance for stability, >= 0 (default 1e-5).
        affine: learn a per-channel weight and bias (default True).
        bias: with affine, learn the bias too (default True; False: a weight only).
        device: None or "cpu".
        dtype: the dtype of the parameters (default: the default float).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: num_channels not divisible by num_groups, a count < 1, eps < 0, or a
            device other than the CPU.

    >>> import tapegrad as tg
    >>> tg.nn.GroupNorm(2, 4)(tg.randn(3, 4, 5)).shape
    (3, 4, 5)
    """

    def __init__(self, num_groups: int, num_channels: int, eps: float = 1e-5,
                 affine: bool = True, device: str | None = None, dtype: DTypeLike = None, *,
                 bias: bool = True) -> None:
        super().__init__()
        _device(device, "GroupNorm")
        self.num_groups = _check.integer(num_groups, "GroupNorm", "num_groups", low=1)
        self.num_channels = _check.integer(num_channels, "GroupNorm", "num_channels", low=1)
        if self.num_channels % self.num_groups:
            raise ValueError(f"GroupNorm: num_channels ({self.num_channels}) must be "
                             f"divisible by num_groups ({self.num_groups})")
        self.eps = _check.real(eps, "GroupNorm", "eps", low=0.0)
        self.affine = _check.flag(affine, "GroupNorm", "affine")
        dt = as_dtype(dtype, "GroupNorm") or default_float()
        if self.affine:
            self.weight = Parameter(np.ones(self.num_channels, dtype=dt))
            if _check.flag(bias, "GroupNorm", "bias"):
                self.bias = Parameter(np.zeros(self.num_channels, dtype=dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        return FA.group_norm(input, self.num_groups, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
                f"affine={self.affine}, bias={self.bias is not None}")


class RMSNorm(Module):
    """x / sqrt(mean(x^2 over normalized_shape) + eps) * weight (ones); eps=None is the
    input dtype's machine epsilon (PyTorch 2.4+).

    Args:
        normalized_shape: the trailing shape normalized over, an int or a tuple of ints.
        eps: added to the mean square, >= 0 (default None: machine epsilon of the input's
            dtype).
        elementwise_affine: learn a weight of normalized_shape (ones) (default True).
        device: None or "cpu".
        dtype: the dtype of the weight (default: the default float).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: a bad normalized_shape, eps < 0, or a device other than the CPU.

    >>> import tapegrad as tg
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
        dt = as_dtype(dtype, "RMSNorm") or default_float()
        if self.elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dt))
        else:
            self.register_parameter("weight", None)

    def forward(self, input: Tensor) -> Tensor:
        n = self.normalized_shape
        shape = getattr(input, "shape", None)
        if shape is not None and tuple(shape[len(shape) - len(n):]) != n:
            # as LayerNorm: the layer and the shape it expects, not rms_norm's internals
            raise ValueError(f"RMSNorm({n}): expected input of shape (*, "
                             f"{', '.join(map(str, n))}), got shape {tuple(shape)}")
        return FA.rms_norm(input, self.normalized_shape, self.weight, self.eps)

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}")


class Dropout2d(Module):
    """Zeroes whole channels of (N, C, H, W) or (C, H, W) with probability p in training
    (scaling the rest by 1 / (1 - p)); the identity in eval. Seeded by tg.manual_seed.

    Args:
        p: the probability of zeroing a channel, in [0, 1] (default 0.5).
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Raises:
        TypeError: p is not a real number, or inplace is not a bool.
        ValueError: p outside [0, 1].

    >>> import tapegrad as tg
    >>> drop = tg.nn.Dropout2d(p=0.5)
    >>> y = drop(tg.ones(1, 4, 2, 2))
    >>> sorted(set(y.flatten().tolist())) in ([0.0], [2.0], [0.0, 2.0])     # whole channels
    True
    >>> bool((drop.eval()(tg.ones(1, 4, 2, 2)) == 1).all())
    True
    """

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
