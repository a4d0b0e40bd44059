"""Initialisers (PyTorch's torch.nn.init): fill a tensor in place and return it.

All draw from the global generator, so `tg.manual_seed` makes them repeat.

>>> import tapegrad as tg
>>> w = tg.zeros(3, 4)
>>> _ = tg.nn.init.xavier_uniform_(w)
>>> bool((w.abs() <= (6 / 7) ** 0.5).all())
True
"""
from __future__ import annotations

import math
import numbers

import numpy as np

from .. import _random
from .._tensor import Tensor
from .. import _check


def _target(tensor, fn, random=True):
    """Check the tensor before anything is drawn; random fills need a float tensor
    (drawn values would be truncated into an integer one)."""
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{fn}: expected a tg.Tensor, got {_check._got(tensor)}")
    if random and tensor._data.dtype.kind not in "fc":
        raise TypeError(f"{fn}: can only fill a floating point tensor, got dtype "
                        f"{tensor._data.dtype}")
    return tensor


def _fill(tensor, values, fn):
    if not isinstance(tensor, Tensor):
        raise TypeError(f"{fn}: expected a tg.Tensor, got {type(tensor).__name__}")
    arr = tensor._data
    arr[...] = values
    tensor._bump_version()
    return tensor


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for an activation (PyTorch's table)."""
    linear = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d",
              "conv_transpose2d", "conv_transpose3d", "sigmoid")
    if nonlinearity in linear:
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        if param is None:
            slope = 0.01
        elif isinstance(param, (int, float)) and not isinstance(param, bool):
            slope = param
        else:
            raise ValueError(f"calculate_gain: negative_slope {param!r} is not a number")
        return math.sqrt(2.0 / (1 + slope ** 2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _calculate_fan_in_and_fan_out(tensor):
    """(fan_in, fan_out) of a weight shaped (out, in, *receptive_field)."""
    shape = tensor.shape
    if len(shape) < 2:
        raise ValueError(f"init: fan in and fan out can not be computed for a tensor with fewer "
                         f"than 2 dimensions (shape {tuple(shape)})")
    receptive = int(np.prod(shape[2:])) if len(shape) > 2 else 1
    return shape[1] * receptive, shape[0] * receptive


def _fan(tensor, mode, fn="kaiming"):
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"{fn}: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return fan_in if mode == "fan_in" else fan_out


def uniform_(tensor: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill with U(a, b)."""
    _target(tensor, "uniform_")
    a = _check.real(a, "uniform_", "a")
    b = _check.real(b, "uniform_", "b")
    if a > b:
        raise ValueError(f"uniform_: need a <= b, got a={a}, b={b}")
    return _fill(tensor, _random.generator().uniform(a, b, tensor.shape), "uniform_")


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with N(mean, std^2)."""
    _target(tensor, "normal_")
    mean = _check.real(mean, "normal_", "mean")
    std = _check.real(std, "normal_", "std", low=0.0)
    return _fill(tensor, _random.generator().normal(mean, std, tensor.shape), "normal_")


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0) -> Tensor:
    """Fill with N(mean, std^2) restricted to [a, b] (redrawing values outside)."""
    _target(tensor, "trunc_normal_")
    mean = _check.real(mean, "trunc_normal_", "mean")
    std = _check.real(std, "trunc_normal_", "std", low=0.0)
    a = _check.real(a, "trunc_normal_", "a")
    b = _check.real(b, "trunc_normal_", "b")
    gen = _random.generator()
    if a >= b:
        raise ValueError(f"trunc_normal_: need a < b, got a={a}, b={b}")
    out = gen.normal(mean, std, tensor.shape)
    bad = (out < a) | (out > b)
    while bad.any():
        out[bad] = gen.normal(mean, std, int(bad.sum()))
        bad = (out < a) | (out > b)
    return _fill(tensor, out, "trunc_normal_")


def constant_(tensor: Tensor, val: float) -> Tensor:
    _target(tensor, "constant_", random=False)
    if isinstance(val, bool) or not isinstance(val, numbers.Number):
        raise TypeError(f"constant_: val must be a number, got {_check._got(val)}")
    return _fill(tensor, val, "constant_")


def zeros_(tensor: Tensor) -> Tensor:
    _target(tensor, "zeros_", random=False)
    return _fill(tensor, 0, "zeros_")


def ones_(tensor: Tensor) -> Tensor:
    _target(tensor, "ones_", random=False)
    return _fill(tensor, 1, "ones_")


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix."""
    _target(tensor, "eye_", random=False)
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape), "eye_")


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out))."""
    _target(tensor, "xavier_uniform_")
    gain = _check.real(gain, "xavier_uniform_", "gain", low=0.0)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out))."""
    _target(tensor, "xavier_normal_")
    gain = _check.real(gain, "xavier_normal_", "gain", low=0.0)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    return normal_(tensor, 0.0, gain * math.sqrt(2.0 / float(fan_in + fan_out)))


_GAINS = ("linear", "conv1d", "conv2d", "conv3d", "conv_transpose1d", "conv_transpose2d",
          "conv_transpose3d", "sigmoid", "tanh", "relu", "leaky_relu", "selu")


def _kaiming_args(a, nonlinearity, fn):
    """a and nonlinearity checked under the initialiser's own name (not calculate_gain's)."""
    if a.__class__ is not float or not math.isfinite(a):
        a = _check.real(a, fn, "a")
    if nonlinearity not in _GAINS:
        raise ValueError(f"{fn}: nonlinearity must be one of {', '.join(_GAINS)}, got "
                         f"{nonlinearity!r:.40}")
    return a


def kaiming_uniform_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                     nonlinearity: str = "leaky_relu") -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan). `Linear` uses a=sqrt(5),
    which gives b = 1/sqrt(fan_in)."""
    _target(tensor, "kaiming_uniform_")
    a = _kaiming_args(a, nonlinearity, "kaiming_uniform_")
    fan = _fan(tensor, mode, "kaiming_uniform_")
    if fan == 0:
        return tensor
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Tensor:
    """He normal: N(0, std^2) with std = gain / sqrt(fan)."""
    _target(tensor, "kaiming_normal_")
    a = _kaiming_args(a, nonlinearity, "kaiming_normal_")
    fan = _fan(tensor, mode, "kaiming_normal_")
    if fan == 0:
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan))


def orthogonal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Fill with a (semi-)orthogonal matrix (rows flattened past dim 0), times `gain`."""
    _target(tensor, "orthogonal_")
    gain = _check.real(gain, "orthogonal_", "gain")
    if tensor.ndim < 2:
        raise ValueError(f"orthogonal_: need at least 2 dimensions, got shape {tensor.shape}")
    rows = tensor.shape[0]
    cols = tensor.numel() // rows
    flat = _random.generator().standard_normal((rows, cols))
    if rows < cols:
        flat = flat.T
    q, r = np.linalg.qr(flat)
    q = q * np.sign(np.diag(r))         # make the decomposition unique
    if rows < cols:
        q = q.T
    return _fill(tensor, gain * q.reshape(tensor.shape), "orthogonal_")


# TF / Keras spellings
glorot_uniform_ = xavier_uniform_
glorot_normal_ = xavier_normal_
he_uniform_ = kaiming_uniform_
he_normal_ = kaiming_normal_

# the names `from tapegrad.nn.init import *` gives (tests/test_all.py)
__all__ = ["calculate_gain", "uniform_", "normal_", "trunc_normal_", "constant_", "zeros_",
           "ones_", "eye_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
           "kaiming_normal_", "orthogonal_", "glorot_uniform_", "glorot_normal_", "he_uniform_",
           "he_normal_"]
