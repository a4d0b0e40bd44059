"""tg.nest: TensorFlow's tf.nest over (nested) lists, tuples, namedtuples and dicts. As in
TF, dicts are walked in sorted key order and None is a leaf."""
from __future__ import annotations

from ._pytree import flatten as _flatten
from ._pytree import unflatten as _unflatten
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _walk(structure):
    return _flatten(structure, none_is_leaf=True, sort_keys=True)


def _keep_order(template, value):
    """`value` (rebuilt with sorted dict keys) with `template`'s dict key order, as TF."""
    if isinstance(template, dict):
        return type(template)((k, _keep_order(template[k], value[k])) for k in template)
    if isinstance(template, (list, tuple)) and type(value) is type(template):
        items = [_keep_order(t, v) for t, v in zip(template, value)]
        if hasattr(template, "_fields"):
            return type(template)(*items)
        return type(template)(items)
    return value


def _plain(spec):
    """The spec without container types (for check_types=False)."""
    return [None if s is None else s[1] for s in spec]


def flatten(structure: Any, expand_composites: bool = False) -> list[Any]:
    """The leaves of `structure` in order (dict values by sorted key), as a list.

    Args:
        structure: a leaf, or (nested) lists, tuples, namedtuples and dicts.
        expand_composites: TF's setting, unused (no composite tensors here).

    >>> import tapegrad as tg
    >>> tg.nest.flatten({"b": 1, "a": (2, None)})
    [2, None, 1]
    """
    return _walk(structure)[0]


def pack_sequence_as(structure: Any, flat_sequence: Any, expand_composites: bool = False) -> Any:
    """`flat_sequence` put back into the shape of `structure` (the inverse of flatten).

    Args:
        structure: the structure to fill.
        flat_sequence: as many leaves as `structure` has, in flatten's order.
        expand_composites: TF's setting, unused.

    Raises:
        ValueError: the number of leaves differs.

    >>> import tapegrad as tg
    >>> tg.nest.pack_sequence_as({"b": 0, "a": [0, 0]}, [1, 2, 3])
    {'b': 3, 'a': [1, 2]}
    """
    leaves, spec = _walk(structure)
    flat = list(flat_sequence)
    if len(flat) != len(leaves):
        raise ValueError(f"pack_sequence_as: the structure has {len(leaves)} leaves, "
                         f"flat_sequence has {len(flat)}")
    return _keep_order(structure, _unflatten(spec, flat))


def assert_same_structure(nest1: Any, nest2: Any, check_types: bool = True,
                          expand_composites: bool = False) -> None:
    """Raise unless the two structures nest alike.

    Args:
        nest1, nest2: the structures.
        check_types: also require the same container types (list vs tuple).
        expand_composites: TF's setting, unused.

    Raises:
        ValueError: they nest differently.
        TypeError: they nest alike with different container types (check_types).

    >>> import tapegrad as tg
    >>> tg.nest.assert_same_structure([1, (2, 3)], [4, (5, 6)])
    """
    s1, s2 = _walk(nest1)[1], _walk(nest2)[1]
    if _plain(s1) != _plain(s2):
        raise ValueError(f"assert_same_structure: the two structures don't have the same "
                         f"nested structure: {nest1!r:.80} and {nest2!r:.80}")
    if check_types and s1 != s2:
        raise TypeError(f"assert_same_structure: the two structures don't have the same "
                        f"sequence types: {nest1!r:.80} and {nest2!r:.80}")


def map_structure(func: Callable[..., Any], *structure: Any, **kwargs: Any) -> Any:
    """`func` applied to the leaves of the structures, position by position, in the
    first structure's shape.

    Args:
        func: a function of as many arguments as there are structures.
        *structure: structures that nest alike.
        **kwargs: `check_types` (default True) and `expand_composites` (unused).

    Raises:
        ValueError: no structure given, or they nest differently.

    >>> import tapegrad as tg
    >>> tg.nest.map_structure(lambda a, b: a + b, {"x": 1, "y": [2]}, {"x": 10, "y": [20]})
    {'x': 11, 'y': [22]}
    """
    if not structure:
        raise ValueError("map_structure: needs at least one structure")
    check_types = kwargs.pop("check_types", True)
    kwargs.pop("expand_composites", None)
    if kwargs:
        raise ValueError(f"map_structure: unexpected keyword arguments {sorted(kwargs)}")
    for other in structure[1:]:
        assert_same_structure(structure[0], other, check_types=check_types)
    flats = [_walk(s)[0] for s in structure]
    spec = _walk(structure[0])[1]
    return _keep_order(structure[0], _unflatten(spec, [func(*xs) for xs in zip(*flats)]))


def is_nested(seq: Any) -> bool:
    """Whether `seq` is a list, tuple, namedtuple or dict (not a leaf).

    Args:
        seq: any value.

    >>> import tapegrad as tg
    >>> tg.nest.is_nested([1]), tg.nest.is_nested(tg.constant(1.0))
    (True, False)
    """
    return isinstance(seq, (list, tuple, dict))


__all__ = ["flatten", "pack_sequence_as", "assert_same_structure", "map_structure",
           "is_nested"]
