"""Shapes without values: jax.ShapeDtypeStruct and jax.eval_shape."""
from __future__ import annotations

import numpy as np

from . import _state
from ._check import _got, integer
from ._dtypes import as_dtype
from ._pytree import flatten, unflatten
from ._tensor import Tensor, make
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any
    from ._typing import DTypeLike, ShapeLike


class ShapeDtypeStruct:
    """A shape and a dtype standing for an array (jax.ShapeDtypeStruct): what
    `eval_shape` returns, and what `linear_transpose` and `eval_shape` take in place of
    example arrays.

    Args:
        shape: a tuple of ints.
        dtype: a dtype.
        sharding: JAX's sharding, accepted (one device here).
        weak_type: JAX's weak-type flag, accepted.

    Raises:
        TypeError: shape is not a tuple of ints, or dtype is not a dtype.

    >>> import tapegrad as jax
    >>> import numpy as np
    >>> s = jax.ShapeDtypeStruct((2, 3), np.float32)
    >>> s, s.ndim, s.size
    (ShapeDtypeStruct(shape=(2, 3), dtype=float32), 2, 6)
    """

    __slots__ = ("shape", "dtype", "sharding", "weak_type")

    def __init__(self, shape: ShapeLike, dtype: DTypeLike, sharding: Any = None,
                 weak_type: bool = False) -> None:
        if isinstance(shape, (int, np.integer)) and not isinstance(shape, bool):
            shape = (shape,)
        if not isinstance(shape, (tuple, list)):
            raise TypeError(f"ShapeDtypeStruct: shape must be a tuple of ints, got "
                            f"{_got(shape)}")
        self.shape = tuple(integer(s, "ShapeDtypeStruct", "shape", low=0) for s in shape)
        self.dtype = np.dtype(as_dtype(dtype, "ShapeDtypeStruct"))
        self.sharding = sharding
        self.weak_type = bool(weak_type)

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    def __repr__(self) -> str:
        return f"ShapeDtypeStruct(shape={self.shape}, dtype={self.dtype})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ShapeDtypeStruct) and \
            (self.shape, self.dtype) == (other.shape, other.dtype)

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype))


def eval_shape(fun: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """The shapes and dtypes of `fun(*args, **kwargs)` (jax.eval_shape), as a pytree of
    ShapeDtypeStruct. Arguments may be arrays, tensors, numbers or ShapeDtypeStructs.

    JAX traces fun abstractly; here fun runs once on zeros of the arguments' shapes
    (without gradients, floating-point warnings silenced), so it must not depend on
    the values to pick its output's shapes.

    Args:
        fun: a function.
        *args: its positional arguments (pytrees).
        **kwargs: its keyword arguments (pytrees).

    Returns:
        fun's result with every array replaced by its ShapeDtypeStruct (other leaves as
        they are).

    Raises:
        TypeError: fun is not callable.

    >>> import tapegrad as jax
    >>> import tapegrad.numpy as jnp
    >>> jax.eval_shape(lambda a, b: a @ b, jax.ShapeDtypeStruct((2, 3), jnp.float32),
    ...                jnp.ones((3, 4), jnp.float32))
    ShapeDtypeStruct(shape=(2, 4), dtype=float32)
    """
    if not callable(fun):
        raise TypeError(f"eval_shape: fun must be callable, got {_got(fun)}")
    leaves, spec = flatten((args, kwargs))

    def zero(v):
        if isinstance(v, ShapeDtypeStruct):
            return make(np.zeros(v.shape, v.dtype))
        if isinstance(v, Tensor):
            return make(np.zeros(tuple(v.shape), v.dtype))
        if isinstance(v, np.ndarray):
            return np.zeros(v.shape, v.dtype)
        return v

    a, k = unflatten(spec, [zero(v) for v in leaves])
    with _state.no_grad(), np.errstate(all="ignore"):
        out = fun(*a, **k)
    out_leaves, out_spec = flatten(out)
    return unflatten(out_spec, [
        ShapeDtypeStruct(tuple(np.shape(v.detach() if isinstance(v, Tensor) else v)),
                         v.dtype if isinstance(v, (Tensor, np.ndarray, np.generic))
                         else np.asarray(v).dtype)
        if isinstance(v, (Tensor, np.ndarray, np.generic)) else v for v in out_leaves])


__all__ = ["ShapeDtypeStruct", "eval_shape"]
