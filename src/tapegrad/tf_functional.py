"""TF's higher-order functions over the first axis: tf.map_fn, tf.scan, tf.foldl, tf.foldr
and tf.vectorized_map. Each runs the Python function once per element, with ordinary
(recorded) ops, so tapes, nested tapes and tg.function differentiate through them."""
from __future__ import annotations

from ._pytree import flatten, unflatten
from ._tensor import as_tensor
from .autograd.engine import what
from .ops import stack
from .vmap import vmap
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _elements(elems, who):
    """(the leaves of `elems` as tensors, their structure, the number of elements)."""
    leaves, spec = flatten(elems)
    if not leaves:
        raise ValueError(f"{who}: elems must hold at least one tensor, got {what(elems)}")
    leaves = [as_tensor(x) for x in leaves]
    if any(x.ndim == 0 for x in leaves):
        raise ValueError(f"{who}: elems must have a first axis to unstack (got a scalar)")
    n = leaves[0].shape[0]
    if any(x.shape[0] != n for x in leaves):
        raise ValueError(f"{who}: the tensors in elems have different first dimensions: "
                         f"{[x.shape[0] for x in leaves]}")
    return leaves, spec, n


def _at(leaves, spec, i):
    return unflatten(spec, [x[i] for x in leaves])


def _stacked(results, who):
    """Stack a list of same-structured results along a new first axis."""
    flat = [flatten(r) for r in results]
    spec = flat[0][1]
    if any(s != spec for _, s in flat):
        raise ValueError(f"{who}: fn returned results of different structures")
    cols = zip(*[leaves for leaves, _ in flat])
    return unflatten(spec, [stack([as_tensor(v) for v in col]) for col in cols])


def map_fn(fn: Callable[..., Any], elems: Any, dtype: Any = None, parallel_iterations: Any = None,
           back_prop: bool = True, swap_memory: bool = False, infer_shape: bool = True,
           name: str | None = None, fn_output_signature: Any = None) -> Any:
    """`fn` applied to each element of `elems` along its first axis, the results stacked
    (TF's tf.map_fn). `elems` and the results may be (nested) tuples, lists or dicts.

    Args:
        fn: a function of one element (of elems' structure).
        elems: a tensor, or a structure of tensors of one first dimension.
        dtype, fn_output_signature: TF's result types; the results keep fn's dtypes.
        parallel_iterations, back_prop, swap_memory, infer_shape, name: TF's settings,
            accepted and unused (every element runs, recorded, in order).

    >>> import tapegrad as tg
    >>> tg.map_fn(lambda r: tg.reduce_sum(r * r), tg.constant([[1.0, 2.0], [3.0, 4.0]]))
    tensor([ 5., 25.])
    """
    leaves, spec, n = _elements(elems, "map_fn")
    if n == 0:
        raise ValueError("map_fn: elems is empty along its first axis (its results' "
                         "shape is unknown)")
    return _stacked([fn(_at(leaves, spec, i)) for i in range(n)], "map_fn")


def scan(fn: Callable[[Any, Any], Any], elems: Any, initializer: Any = None,
         parallel_iterations: Any = None, back_prop: bool = True, swap_memory: bool = False,
         infer_shape: bool = True, reverse: bool = False, name: str | None = None) -> Any:
    """The running accumulations `a = fn(a, x)` over the elements `x` of `elems` (first
    axis), stacked (TF's tf.scan). Without `initializer`, the first element starts the
    accumulation (and is the first result).

    Args:
        fn: `fn(accumulator, element)` returning the next accumulator.
        elems: a tensor, or a structure of tensors of one first dimension.
        initializer: the first accumulator (a tensor or structure), or None.
        reverse: run from the last element to the first.
        parallel_iterations, back_prop, swap_memory, infer_shape, name: TF's settings,
            accepted and unused (every element runs, recorded, in order).

    >>> import tapegrad as tg
    >>> tg.scan(lambda a, x: a + x, tg.constant([1.0, 2.0, 3.0]))
    tensor([1., 3., 6.])
    """
    leaves, spec, n = _elements(elems, "scan")
    order = list(range(n))[::-1] if reverse else list(range(n))
    outs = []
    if initializer is None:
        if n == 0:
            raise ValueError("scan: elems is empty and there is no initializer")
        acc = _at(leaves, spec, order[0])
        outs.append(acc)
        order = order[1:]
    else:
        acc = initializer
    for i in order:
        acc = fn(acc, _at(leaves, spec, i))
        outs.append(acc)
    if reverse:
        outs = outs[::-1]
    return _stacked(outs, "scan")


def _fold(fn, elems, initializer, order, who):
    leaves, spec, n = _elements(elems, who)
    idx = list(range(n))[::-1] if order < 0 else list(range(n))
    if initializer is None:
        if n == 0:
            raise ValueError(f"{who}: elems is empty and there is no initializer")
        acc = _at(leaves, spec, idx[0])
        idx = idx[1:]
    else:
        acc = initializer
    for i in idx:
        acc = fn(acc, _at(leaves, spec, i))
    return acc


def foldl(fn: Callable[[Any, Any], Any], elems: Any, initializer: Any = None,
          parallel_iterations: Any = None, back_prop: bool = True, swap_memory: bool = False,
          name: str | None = None) -> Any:
    """`fn(fn(fn(init, x0), x1), ...)` over the first axis of `elems` (TF's tf.foldl).

    Args:
        fn: `fn(accumulator, element)` returning the next accumulator.
        elems: a tensor, or a structure of tensors of one first dimension.
        initializer: the first accumulator, or None (the first element starts).
        parallel_iterations, back_prop, swap_memory, name: TF's settings, unused.

    >>> import tapegrad as tg
    >>> tg.foldl(lambda a, x: a * 10.0 + x, tg.constant([1.0, 2.0, 3.0]))
    tensor(123.)
    """
    return _fold(fn, elems, initializer, 1, "foldl")


def foldr(fn: Callable[[Any, Any], Any], elems: Any, initializer: Any = None,
          parallel_iterations: Any = None, back_prop: bool = True, swap_memory: bool = False,
          name: str | None = None) -> Any:
    """foldl from the last element to the first (TF's tf.foldr).

    Args:
        fn: `fn(accumulator, element)` returning the next accumulator.
        elems: a tensor, or a structure of tensors of one first dimension.
        initializer: the first accumulator, or None (the first element starts).
        parallel_iterations, back_prop, swap_memory, name: TF's settings, unused.

    >>> import tapegrad as tg
    >>> tg.foldr(lambda a, x: a * 10.0 + x, tg.constant([1.0, 2.0, 3.0]))
    tensor(321.)
    """
    return _fold(fn, elems, initializer, -1, "foldr")


def vectorized_map(fn: Callable[..., Any], elems: Any, fallback_to_while_loop: bool = True,
                   warn: bool = True) -> Any:
    """`fn` over the first axis of `elems`, vectorized (TF's tf.vectorized_map; here
    `tg.vmap(fn)(elems)`).

    Args:
        fn: a function of one element (of elems' structure).
        elems: a tensor, or a structure of tensors of one first dimension.
        fallback_to_while_loop, warn: TF's settings, unused.

    >>> import tapegrad as tg
    >>> tg.vectorized_map(lambda r: tg.reduce_sum(r), tg.constant([[1.0, 2.0], [3.0, 4.0]]))
    tensor([3., 7.])
    """
    leaves, spec, n = _elements(elems, "vectorized_map")
    return vmap(fn)(unflatten(spec, leaves))


__all__ = ["map_fn", "scan", "foldl", "foldr", "vectorized_map"]
