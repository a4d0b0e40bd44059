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
    """The recommended gain for an activation (PyTorch's table).

    Args:
        nonlinearity: the activation's name: 'linear', 'sigmoid', a conv name ('conv1d',
            ..., 'conv_transpose3d'), 'tanh', 'relu', 'leaky_relu' or 'selu'.
        param: the negative slope for 'leaky_relu' (default 0.01); ignored otherwise.

    Returns:
        The gain, a float: 1 (linear, conv, sigmoid), 5/3 (tanh), sqrt(2) (relu),
        sqrt(2 / (1 + slope^2)) (leaky_relu) or 3/4 (selu).

    Raises:
        ValueError: an unknown nonlinearity, or a param for 'leaky_relu' that is not a
            number.

    >>> import tapegrad as tg
    >>> tg.nn.init.calculate_gain("tanh")
    1.6666666666666667
    >>> round(tg.nn.init.calculate_gain("leaky_relu", 0.2), 6)
    1.38675
    """
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
    """Fill with U(a, b).

    Args:
        tensor: the floating point tensor to fill (in place).
        a: the lower bound (default 0).
        b: the upper bound (default 1).

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or a or b is not a real
            number.
        ValueError: a > b, or a bound is NaN or infinite.

    >>> import tapegrad as tg
    >>> _ = tg.manual_seed(0)
    >>> w = tg.nn.init.uniform_(tg.zeros(2, 3), -1.0, 1.0)
    >>> w.shape, bool(((w >= -1) & (w <= 1)).all())
    ((2, 3), True)
    """
    _target(tensor, "uniform_")
    a = _check.real(a, "uniform_", "a")
    b = _check.real(b, "uniform_", "b")
    if a > b:
        raise ValueError(f"uniform_: need a <= b, got a={a}, b={b}")
    return _fill(tensor, _random.generator().uniform(a, b, tensor.shape), "uniform_")


def normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill with N(mean, std^2).

    Args:
        tensor: the floating point tensor to fill (in place).
        mean: the mean (default 0).
        std: the standard deviation, >= 0 (default 1).

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or mean or std is not a real
            number.
        ValueError: std < 0, or mean or std is NaN or infinite.

    >>> import tapegrad as tg
    >>> w = tg.nn.init.normal_(tg.zeros(1000), mean=2.0, std=0.0)
    >>> bool((w == 2).all())
    True
    """
    _target(tensor, "normal_")
    mean = _check.real(mean, "normal_", "mean")
    std = _check.real(std, "normal_", "std", low=0.0)
    return _fill(tensor, _random.generator().normal(mean, std, tensor.shape), "normal_")


def trunc_normal_(tensor: Tensor, mean: float = 0.0, std: float = 1.0, a: float = -2.0,
                  b: float = 2.0) -> Tensor:
    """Fill with N(mean, std^2) restricted to [a, b] (redrawing values outside).

    Args:
        tensor: the floating point tensor to fill (in place).
        mean: the mean of the normal (default 0).
        std: its standard deviation, >= 0 (default 1).
        a: the lower cut-off, an absolute value (default -2).
        b: the upper cut-off, an absolute value (default 2).

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or an argument is not a real
            number.
        ValueError: a >= b, std < 0, or an argument is NaN or infinite.

    >>> import tapegrad as tg
    >>> _ = tg.manual_seed(0)
    >>> w = tg.nn.init.trunc_normal_(tg.zeros(1000), std=1.0, a=-0.5, b=0.5)
    >>> bool((w.abs() <= 0.5).all())
    True
    """
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
    """Fill with the value `val`.

    Args:
        tensor: the tensor to fill (in place); any dtype.
        val: the value, a number.

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a tg.Tensor, or val is not a number (a bool is refused).

    >>> import tapegrad as tg
    >>> tg.nn.init.constant_(tg.zeros(3), 0.5)
    tensor([0.5000, 0.5000, 0.5000])
    """
    _target(tensor, "constant_", random=False)
    if isinstance(val, bool) or not isinstance(val, numbers.Number):
        raise TypeError(f"constant_: val must be a number, got {_check._got(val)}")
    return _fill(tensor, val, "constant_")


def zeros_(tensor: Tensor) -> Tensor:
    """Fill with zeros.

    Args:
        tensor: the tensor to fill (in place); any dtype.

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a tg.Tensor.

    >>> import tapegrad as tg
    >>> tg.nn.init.zeros_(tg.ones(2))
    tensor([0., 0.])
    """
    _target(tensor, "zeros_", random=False)
    return _fill(tensor, 0, "zeros_")


def ones_(tensor: Tensor) -> Tensor:
    """Fill with ones.

    Args:
        tensor: the tensor to fill (in place); any dtype.

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a tg.Tensor.

    >>> import tapegrad as tg
    >>> tg.nn.init.ones_(tg.zeros(2))
    tensor([1., 1.])
    """
    _target(tensor, "ones_", random=False)
    return _fill(tensor, 1, "ones_")


def eye_(tensor: Tensor) -> Tensor:
    """Fill a 2-D tensor with the identity matrix.

    Args:
        tensor: a 2-D tensor to fill (in place); a non-square one gets ones on its main
            diagonal.

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a tg.Tensor.
        ValueError: tensor is not 2-D.

    >>> import tapegrad as tg
    >>> tg.nn.init.eye_(tg.zeros(2, 3))
    tensor([[1., 0., 0.],
            [0., 1., 0.]])
    """
    _target(tensor, "eye_", random=False)
    if tensor.ndim != 2:
        raise ValueError(f"eye_: only 2-D tensors are supported, got shape {tensor.shape}")
    return _fill(tensor, np.eye(*tensor.shape), "eye_")


def xavier_uniform_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)).

    Args:
        tensor: a floating point weight of at least 2 dimensions, shaped (out, in,
            *kernel); filled in place.
        gain: the scale factor, >= 0 (see calculate_gain; default 1).

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or gain is not a real number.
        ValueError: tensor has fewer than 2 dimensions, or gain < 0.

    >>> import tapegrad as tg
    >>> w = tg.nn.init.xavier_uniform_(tg.zeros(4, 2))      # a = sqrt(6 / 6) = 1
    >>> bool((w.abs() <= 1).all())
    True
    """
    _target(tensor, "xavier_uniform_")
    gain = _check.real(gain, "xavier_uniform_", "gain", low=0.0)
    fan_in, fan_out = _calculate_fan_in_and_fan_out(tensor)
    a = gain * math.sqrt(6.0 / float(fan_in + fan_out))
    return uniform_(tensor, -a, a)


def xavier_normal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)).

    Args:
        tensor: a floating point weight of at least 2 dimensions, shaped (out, in,
            *kernel); filled in place.
        gain: the scale factor, >= 0 (see calculate_gain; default 1).

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or gain is not a real number.
        ValueError: tensor has fewer than 2 dimensions, or gain < 0.

    >>> import tapegrad as tg
    >>> _ = tg.manual_seed(0)
    >>> w = tg.nn.init.xavier_normal_(tg.zeros(200, 300))     # std = sqrt(2 / 500)
    >>> round(w.std().item(), 2)
    0.06
    """
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
    which gives b = 1/sqrt(fan_in).

    Args:
        tensor: a floating point weight of at least 2 dimensions, shaped (out, in,
            *kernel); filled in place (left as is when the fan is 0).
        a: the negative slope of the leaky_relu that follows (default 0).
        mode: 'fan_in' (default; keeps the forward variance) or 'fan_out' (the backward).
        nonlinearity: the activation for calculate_gain (default 'leaky_relu').

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or a is not a real number.
        ValueError: an unknown mode or nonlinearity, or tensor has fewer than 2
            dimensions.

    >>> import math
    >>> import tapegrad as tg
    >>> w = tg.nn.init.kaiming_uniform_(tg.zeros(3, 4), a=math.sqrt(5))   # b = 1/sqrt(4)
    >>> bool((w.abs() <= 0.5).all())
    True
    """
    _target(tensor, "kaiming_uniform_")
    a = _kaiming_args(a, nonlinearity, "kaiming_uniform_")
    fan = _fan(tensor, mode, "kaiming_uniform_")
    if fan == 0:
        return tensor
    bound = calculate_gain(nonlinearity, a) * math.sqrt(3.0 / fan)
    return uniform_(tensor, -bound, bound)


def kaiming_normal_(tensor: Tensor, a: float = 0.0, mode: str = "fan_in",
                    nonlinearity: str = "leaky_relu") -> Tensor:
    """He normal: N(0, std^2) with std = gain / sqrt(fan).

    Args:
        tensor: a floating point weight of at least 2 dimensions, shaped (out, in,
            *kernel); filled in place (left as is when the fan is 0).
        a: the negative slope of the leaky_relu that follows (default 0).
        mode: 'fan_in' (default; keeps the forward variance) or 'fan_out' (the backward).
        nonlinearity: the activation for calculate_gain (default 'leaky_relu').

    Returns:
        `tensor` itself.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or a is not a real number.
        ValueError: an unknown mode or nonlinearity, or tensor has fewer than 2
            dimensions.

    >>> import tapegrad as tg
    >>> _ = tg.manual_seed(0)
    >>> w = tg.nn.init.kaiming_normal_(tg.zeros(500, 200), nonlinearity="relu")
    >>> round(w.std().item(), 2)                  # sqrt(2 / 200)
    0.1
    """
    _target(tensor, "kaiming_normal_")
    a = _kaiming_args(a, nonlinearity, "kaiming_normal_")
    fan = _fan(tensor, mode, "kaiming_normal_")
    if fan == 0:
        return tensor
    return normal_(tensor, 0.0, calculate_gain(nonlinearity, a) / math.sqrt(fan))


def orthogonal_(tensor: Tensor, gain: float = 1.0) -> Tensor:
    """Fill with a (semi-)orthogonal matrix (rows flattened past dim 0), times `gain`.

    Args:
        tensor: a floating point tensor of at least 2 dimensions; filled in place, its
            trailing dimensions flattened into the columns.
        gain: the scale factor (default 1).

    Returns:
        `tensor` itself: orthonormal rows (more columns than rows) or columns, times gain.

    Raises:
        TypeError: tensor is not a floating point tg.Tensor, or gain is not a real number.
        ValueError: tensor has fewer than 2 dimensions.

    >>> import numpy as np
    >>> import tapegrad as tg
    >>> q = tg.nn.init.orthogonal_(tg.zeros(3, 3, dtype="float64")).numpy()
    >>> np.allclose(q @ q.T, np.eye(3))
    True
    """
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
