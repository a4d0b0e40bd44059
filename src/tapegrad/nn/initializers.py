"""`jax.nn.initializers`: functions that make initializers `init(key, shape, dtype)`.

Each builder (`normal(stddev)`, `glorot_uniform()`, `orthogonal()`, ...) returns a
function of a key from `tg.random.PRNGKey`, a shape and an optional dtype (float64 by
default, as JAX with 64-bit types), which returns a new constant tensor. They draw with
tapegrad's JAX-style random functions, so `uniform`, `normal` and the variance-scaling
initializers give JAX's numbers for the same key (truncated normals and orthogonal
matrices up to the last bits); `zeros` and `ones` are initializers themselves, as in JAX.

PyTorch's in-place initializers (`uniform_`, `xavier_normal_`, ...) stay in `tg.nn.init`.

>>> import tapegrad as jax
>>> from tapegrad import random
>>> init = jax.nn.initializers.glorot_normal()
>>> init(random.PRNGKey(0), (3, 4)).shape
(3, 4)
"""
from __future__ import annotations

import math

import numpy as np

from .. import _prng, _prng_dists
from .._check import _got, integer
from .._dtypes import as_dtype
from .._tensor import Tensor, make
from ..ops import moveaxis, reshape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from typing import Any
    from .._typing import ArrayLike, DTypeLike, ShapeLike

    Initializer = Callable[..., Tensor]


def _dtype(dtype, fn, floating=False):
    dt = np.dtype(np.float64) if dtype is None or dtype is float else \
        np.dtype(as_dtype(dtype, f"nn.initializers.{fn}"))
    if floating and dt.kind != "f":
        raise TypeError(f"nn.initializers.{fn}: dtype must be a float dtype, got {dt}")
    return dt


def _shape(shape, fn):
    if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
        shape = (shape,)
    if not isinstance(shape, (tuple, list)):
        raise TypeError(f"nn.initializers.{fn}: shape must be a tuple of ints, got "
                        f"{_got(shape)}")
    return tuple(integer(s, f"nn.initializers.{fn}", "shape", low=0) for s in shape)


def zeros(key: Any, shape: ShapeLike, dtype: DTypeLike = None) -> Tensor:
    """An initializer of zeros (jax.nn.initializers.zeros); the key is not used.

    Args:
        key: a key (ignored).
        shape: the result's shape.
        dtype: the dtype (default float64).

    >>> import tapegrad as jax
    >>> jax.nn.initializers.zeros(jax.random.PRNGKey(0), (2,)).tolist()
    [0.0, 0.0]
    """
    return make(np.zeros(_shape(shape, "zeros"), _dtype(dtype, "zeros")))


def ones(key: Any, shape: ShapeLike, dtype: DTypeLike = None) -> Tensor:
    """An initializer of ones (jax.nn.initializers.ones); the key is not used.

    Args:
        key: a key (ignored).
        shape: the result's shape.
        dtype: the dtype (default float64).

    >>> import tapegrad as jax
    >>> jax.nn.initializers.ones(jax.random.PRNGKey(0), (2,)).tolist()
    [1.0, 1.0]
    """
    return make(np.ones(_shape(shape, "ones"), _dtype(dtype, "ones")))


def constant(value: ArrayLike, dtype: DTypeLike = None) -> Initializer:
    """An initializer filling with `value` (jax.nn.initializers.constant).

    Args:
        value: a number (or an array broadcasting to the shape asked for).
        dtype: the default dtype of the results (float64 when None).

    Returns:
        `init(key, shape, dtype=dtype)`, the key unused.

    >>> import tapegrad as jax
    >>> jax.nn.initializers.constant(-0.5)(jax.random.PRNGKey(0), (2,)).tolist()
    [-0.5, -0.5]
    """
    v = value._data if isinstance(value, Tensor) else np.asarray(value)

    def init(key, shape, dtype=dtype):
        shape = _shape(shape, "constant")
        return make(np.array(np.broadcast_to(v, shape), dtype=_dtype(dtype, "constant")))
    return init


def uniform(scale: float = 1e-2, dtype: DTypeLike = None) -> Initializer:
    """An initializer drawing uniformly from [0, scale) (jax.nn.initializers.uniform).

    Args:
        scale: the upper bound (default 0.01).
        dtype: the default float dtype of the results (float64 when None).

    Returns:
        `init(key, shape, dtype=dtype)`.

    >>> import tapegrad as jax
    >>> w = jax.nn.initializers.uniform(2.0)(jax.random.PRNGKey(0), (100,))
    >>> bool(((w >= 0) & (w < 2)).all())
    True
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype, "uniform", True)
        return _prng.uniform(key, _shape(shape, "uniform"), dt) * dt.type(scale)
    return init


def normal(stddev: float = 1e-2, dtype: DTypeLike = None) -> Initializer:
    """An initializer drawing from a normal of mean 0 and standard deviation `stddev`
    (jax.nn.initializers.normal).

    Args:
        stddev: the standard deviation (default 0.01).
        dtype: the default float dtype of the results (float64 when None).

    Returns:
        `init(key, shape, dtype=dtype)`.

    >>> import tapegrad as jax
    >>> jax.nn.initializers.normal(1.0)(jax.random.PRNGKey(0), (2, 3)).shape
    (2, 3)
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype, "normal", True)
        return _prng.normal(key, _shape(shape, "normal"), dt) * dt.type(stddev)
    return init


def truncated_normal(stddev: float = 1e-2, dtype: DTypeLike = None, lower: float = -2.0,
                     upper: float = 2.0) -> Initializer:
    """An initializer drawing a standard normal truncated to (lower, upper), times
    `stddev` (jax.nn.initializers.truncated_normal).

    Args:
        stddev: the factor of the truncated standard normal (default 0.01).
        dtype: the default float dtype of the results (float64 when None).
        lower: the lower bound, in standard deviations (default -2).
        upper: the upper bound (default 2).

    Returns:
        `init(key, shape, dtype=dtype)`.

    >>> import tapegrad as jax
    >>> w = jax.nn.initializers.truncated_normal(1.0)(jax.random.PRNGKey(0), (100,))
    >>> bool((abs(w) < 2).all())
    True
    """
    def init(key, shape, dtype=dtype):
        dt = _dtype(dtype, "truncated_normal", True)
        draw = _prng.truncated_normal(key, lower, upper, _shape(shape, "truncated_normal"),
                                       dt)
        return draw * dt.type(stddev)
    return init


def _axes_size(shape, axes):
    if isinstance(axes, (int, np.integer)):
        return shape[axes]
    return math.prod(shape[i] for i in axes)


def _fans(shape, in_axis, out_axis, batch_axis, fn):
    if isinstance(in_axis, (int, np.integer)) and in_axis == -2 and len(shape) <= 1:
        raise ValueError(f"nn.initializers.{fn}: can't compute input and output sizes of "
                         f"a {len(shape)}-dimensional weights tensor with default in_axis; "
                         f"give a shape of at least 2 dimensions or set in_axis")
    try:
        sizes = [_axes_size(shape, a) for a in (in_axis, out_axis, batch_axis)]
    except IndexError:
        raise ValueError(f"nn.initializers.{fn}: in_axis {in_axis}, out_axis {out_axis} or "
                         f"batch_axis {batch_axis} is out of range for shape {shape}") \
            from None
    receptive = math.prod(shape) / sizes[0] / sizes[1] / sizes[2]
    return sizes[0] * receptive, sizes[1] * receptive


_MODES = ("fan_in", "fan_out", "fan_avg", "fan_geo_avg")
_DISTRIBUTIONS = ("truncated_normal", "normal", "uniform")


def variance_scaling(scale: float, mode: str, distribution: str,
                     in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                     batch_axis: int | Sequence[int] = (),
                     dtype: DTypeLike = None) -> Initializer:
    """An initializer whose draws have variance `scale / n`, n a fan of the shape
    (jax.nn.initializers.variance_scaling), the family behind glorot, lecun and he.

    The fans: `fan_in = shape[in_axis] * r`, `fan_out = shape[out_axis] * r`, with r
    the size of the remaining (receptive-field) axes, batch axes left out.

    Args:
        scale: the variance's numerator.
        mode: "fan_in", "fan_out", "fan_avg" (their mean) or "fan_geo_avg" (their
            geometric mean).
        distribution: "truncated_normal" (a normal truncated to two standard deviations,
            rescaled to the variance), "normal" or "uniform".
        in_axis: the input axis or axes (default -2).
        out_axis: the output axis or axes (default -1).
        batch_axis: axes left out of the fans (default none).
        dtype: the default float dtype of the results (float64 when None).

    Returns:
        `init(key, shape, dtype=dtype)`.

    Raises:
        ValueError: an unknown mode or distribution (here, when the initializer is
            made), or a shape of fewer than 2 axes with the default in_axis.

    >>> import tapegrad as jax
    >>> init = jax.nn.initializers.variance_scaling(2.0, "fan_in", "normal")
    >>> w = init(jax.random.PRNGKey(0), (200, 300))
    >>> round(float(w.std() ** 2 * 200), 1)
    2.0
    """
    if mode not in _MODES:
        raise ValueError(f"nn.initializers.variance_scaling: invalid mode for variance "
                         f"scaling initializer: {mode!r}; use one of {_MODES}")
    if distribution not in _DISTRIBUTIONS:
        raise ValueError(f"nn.initializers.variance_scaling: invalid distribution for "
                         f"variance scaling initializer: {distribution!r}; use one of "
                         f"{_DISTRIBUTIONS}")

    def init(key, shape, dtype=dtype):
        shape = _shape(shape, "variance_scaling")
        dt = _dtype(dtype, "variance_scaling", True)
        fan_in, fan_out = _fans(shape, in_axis, out_axis, batch_axis, "variance_scaling")
        denominator = {"fan_in": fan_in, "fan_out": fan_out,
                       "fan_avg": (fan_in + fan_out) / 2,
                       "fan_geo_avg": (fan_in * fan_out) ** 0.5}[mode]
        variance = dt.type(scale / denominator)
        if distribution == "truncated_normal":
            # .8796...: the standard deviation of a standard normal truncated to (-2, 2)
            stddev = np.sqrt(variance) / dt.type(.87962566103423978)
            return _prng.truncated_normal(key, -2, 2, shape, dt) * stddev
        if distribution == "normal":
            return _prng.normal(key, shape, dt) * np.sqrt(variance)
        return _prng.uniform(key, shape, dt, -1) * np.sqrt(dt.type(3) * variance)
    return init


def _family(name, scale, mode, distribution, summary):
    def builder(in_axis: int | Sequence[int] = -2, out_axis: int | Sequence[int] = -1,
                batch_axis: int | Sequence[int] = (), dtype: DTypeLike = None) -> Initializer:
        return variance_scaling(scale, mode, distribution, in_axis=in_axis,
                                out_axis=out_axis, batch_axis=batch_axis, dtype=dtype)

    builder.__name__ = builder.__qualname__ = name
    builder.__module__ = __name__
    builder.__doc__ = f"""{summary} (jax.nn.initializers.{name}):
    `variance_scaling({scale}, "{mode}", "{distribution}")`.

    Args:
        in_axis: the input axis or axes (default -2).
        out_axis: the output axis or axes (default -1).
        batch_axis: axes left out of the fans (default none).
        dtype: the default float dtype of the results (float64 when None).

    Returns:
        `init(key, shape, dtype=dtype)`.

    >>> import tapegrad as jax
    >>> jax.nn.initializers.{name}()(jax.random.PRNGKey(0), (4, 3)).shape
    (4, 3)
    """
    return builder


glorot_uniform = _family("glorot_uniform", 1.0, "fan_avg", "uniform",
                         "Glorot (Xavier) uniform draws of variance 2 / (fan_in + fan_out)")
glorot_normal = _family("glorot_normal", 1.0, "fan_avg", "truncated_normal",
                        "Glorot (Xavier) truncated normal draws of variance "
                        "2 / (fan_in + fan_out)")
lecun_uniform = _family("lecun_uniform", 1.0, "fan_in", "uniform",
                        "LeCun uniform draws of variance 1 / fan_in")
lecun_normal = _family("lecun_normal", 1.0, "fan_in", "truncated_normal",
                       "LeCun truncated normal draws of variance 1 / fan_in")
he_uniform = _family("he_uniform", 2.0, "fan_in", "uniform",
                     "He (Kaiming) uniform draws of variance 2 / fan_in")
he_normal = _family("he_normal", 2.0, "fan_in", "truncated_normal",
                    "He (Kaiming) truncated normal draws of variance 2 / fan_in")
xavier_uniform = glorot_uniform
xavier_normal = glorot_normal
kaiming_uniform = he_uniform
kaiming_normal = he_normal


def orthogonal(scale: float = 1.0, column_axis: int = -1,
               dtype: DTypeLike = None) -> Initializer:
    """An initializer of (semi-)orthogonal matrices times `scale`
    (jax.nn.initializers.orthogonal): the shape is read as a matrix whose columns run
    along `column_axis` and whose rows are all other axes flattened; the draw is
    `random.orthogonal` of that matrix shape.

    Args:
        scale: the factor (default 1).
        column_axis: the axis of the columns (default -1).
        dtype: the default float dtype of the results (float64 when None).

    Returns:
        `init(key, shape, dtype=dtype)`; a shape must have at least 2 axes.

    Raises:
        ValueError: (when called) a shape of fewer than 2 axes.

    >>> import numpy as np
    >>> import tapegrad as jax
    >>> w = jax.nn.initializers.orthogonal()(jax.random.PRNGKey(0), (5, 3))
    >>> bool(np.allclose((w.T @ w).numpy(), np.eye(3)))
    True
    """
    def init(key, shape, dtype=dtype):
        shape = _shape(shape, "orthogonal")
        dt = _dtype(dtype, "orthogonal", True)
        if len(shape) < 2:
            raise ValueError(f"nn.initializers.orthogonal: needs a shape of at least 2 "
                             f"axes, got {shape}")
        if 0 in shape:
            return make(np.zeros(shape, dt))
        col = column_axis % len(shape)
        n_cols = shape[col]
        q = _prng_dists.orthogonal(key, math.prod(shape) // n_cols, (), dt, n_cols)
        q = reshape(q, shape[:col] + shape[col + 1:] + (n_cols,))
        return moveaxis(q, -1, col) * dt.type(scale)
    return init


def delta_orthogonal(scale: float = 1.0, column_axis: int = -1,
                     dtype: DTypeLike = None) -> Initializer:
    """An initializer for convolution kernels (jax.nn.initializers.delta_orthogonal):
    zeros except the spatial centre, which holds an orthogonal (in_channels,
    out_channels) matrix, so the convolution starts as an orthogonal map.

    Args:
        scale: the factor (default 1).
        column_axis: the column axis of the centre matrix (default -1).
        dtype: the default float dtype of the results (float64 when None).

    Returns:
        `init(key, shape, dtype=dtype)` for a 3-, 4- or 5-axis shape `(*spatial, in,
        out)` with in <= out.

    Raises:
        ValueError: (when called) another number of axes, or in > out.

    >>> import tapegrad as jax
    >>> w = jax.nn.initializers.delta_orthogonal()(jax.random.PRNGKey(0), (3, 3, 2, 2))
    >>> float(abs(w[0]).sum()), w.shape
    (0.0, (3, 3, 2, 2))
    """
    def init(key, shape, dtype=dtype):
        shape = _shape(shape, "delta_orthogonal")
        dt = _dtype(dtype, "delta_orthogonal", True)
        if len(shape) not in (3, 4, 5):
            raise ValueError(f"nn.initializers.delta_orthogonal: needs a 3-, 4- or 5-axis "
                             f"shape, got {shape}")
        if shape[-1] < shape[-2]:
            raise ValueError(f"nn.initializers.delta_orthogonal: fan_in must be less or "
                             f"equal than fan_out, got shape {shape}")
        centre = orthogonal(scale, column_axis, dt)(key, shape[-2:])
        where = tuple((k - 1) // 2 for k in shape[:-2])
        return make(np.zeros(shape, dt)).at[where].set(centre)
    return init


__all__ = ["zeros", "ones", "constant", "uniform", "normal", "truncated_normal",
           "variance_scaling", "glorot_uniform", "glorot_normal", "xavier_uniform",
           "xavier_normal", "lecun_uniform", "lecun_normal", "he_uniform", "he_normal",
           "kaiming_uniform", "kaiming_normal", "orthogonal", "delta_orthogonal"]
