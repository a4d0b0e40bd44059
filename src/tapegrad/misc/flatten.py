"""autograd.misc.flatten: a nested structure of arrays (lists, tuples, dicts with
their keys sorted, as autograd) as one flat vector, and the function that rebuilds
the structure from a vector; both directions are differentiable."""
from __future__ import annotations

import numpy as np

from .. import numpy as tnp
from .._tensor import Tensor
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["flatten", "flatten_func"]


def _leaves(value, out):
    if isinstance(value, (list, tuple)):
        for v in value:
            _leaves(v, out)
    elif isinstance(value, dict):
        for k in sorted(value):
            _leaves(value[k], out)
    else:
        out.append(value)
    return out


def _rebuild(template, parts):
    if isinstance(template, (list, tuple)):
        items = [_rebuild(v, parts) for v in template]
        if isinstance(template, list):
            return items
        return type(template)(*items) if hasattr(template, "_fields") else tuple(items)
    if isinstance(template, dict):
        new = {k: _rebuild(template[k], parts) for k in sorted(template)}
        return type(template)((k, new[k]) for k in template)
    return parts.pop(0)


def flatten(value: Any) -> tuple[Tensor, Callable[[Any], Any]]:
    """(vector, unflatten): every array in `value` raveled and concatenated in autograd's
    order (sequences in order, dicts by sorted key), and the inverse, which splits a
    vector of that length back into the structure (scalars come back 0-d).

    Args:
        value: arrays, tensors or numbers nested in lists, tuples and dicts.

    Returns:
        The flat float vector (a tensor, differentiable) and `unflatten(vector)`.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.misc import flatten
    >>> flat, unflatten = flatten({"w": np.ones((2, 2)), "b": np.zeros(2)})
    >>> flat
    tensor([0., 0., 1., 1., 1., 1.], dtype=float64)
    >>> unflatten(flat * 2)["w"]
    tensor([[2., 2.],
            [2., 2.]], dtype=float64)
    """
    leaves = [tnp.asarray(v) for v in _leaves(value, [])]
    shapes = [v.shape for v in leaves]
    sizes = [int(np.prod(s, dtype=np.int64)) for s in shapes]
    if leaves:
        flat = tnp.concatenate([tnp.ravel(v) for v in leaves])
    else:
        flat = tnp.zeros(0)

    def unflatten(vector: Any) -> Any:
        vector = tnp.asarray(vector)
        if vector.shape != (sum(sizes),):
            raise ValueError(f"unflatten: expected a vector of length {sum(sizes)}, got "
                             f"shape {vector.shape}")
        parts, start = [], 0
        for shape, n in zip(shapes, sizes):
            parts.append(tnp.reshape(vector[start:start + n], shape))
            start += n
        return _rebuild(value, parts)
    return flat, unflatten


def flatten_func(func: Callable[..., Any], example: Any
                 ) -> tuple[Callable[..., Tensor], Callable[[Any], Any], Tensor]:
    """autograd.misc.flatten's flatten_func: `func`, which takes a structure shaped like
    `example` (and any further arguments), as a function of one flat vector.

    Args:
        func: a function of the structure (its result is flattened as well).
        example: a structure of arrays giving the layout.

    Returns:
        (flat_func, unflatten, flat_example): `flat_func(vector, *args)` is
        `flatten(func(unflatten(vector), *args))[0]`; flat_example is `example` flattened.

    >>> import tapegrad.numpy as np
    >>> from tapegrad.misc.flatten import flatten_func
    >>> loss = lambda p: np.sum(p["a"] ** 2) + p["b"]
    >>> f, unflatten, x0 = flatten_func(loss, {"a": np.ones(2), "b": 1.0})
    >>> f(x0)
    tensor([3.], dtype=float64)
    """
    flat_example, unflatten = flatten(example)

    def flat_func(vector: Any, *args: Any) -> Tensor:
        return flatten(func(unflatten(vector), *args))[0]
    return flat_func, unflatten, flat_example
