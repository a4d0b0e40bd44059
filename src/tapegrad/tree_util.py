"""`jax.tree_util`'s spelling of `tapegrad.tree`, so `from jax import tree_util` ports as
`from tapegrad import tree_util` (the same functions and classes, nothing of its own).

>>> from tapegrad import tree_util
>>> tree_util.tree_leaves({"b": [1.0, 2.0], "a": 3.0})
[3.0, 1.0, 2.0]
"""
from .tree import (DictKey, FlattenedIndexKey, GetAttrKey, PyTreeDef,  # noqa: F401
                   SequenceKey, keystr, register_dataclass, register_pytree_node,
                   register_pytree_node_class, tree_all, tree_flatten,
                   tree_flatten_with_path, tree_leaves, tree_leaves_with_path, tree_map,
                   tree_map_with_path, tree_reduce, tree_structure, tree_transpose,
                   tree_unflatten)

__all__ = ["DictKey", "FlattenedIndexKey", "GetAttrKey", "PyTreeDef", "SequenceKey", "keystr",
           "register_dataclass", "register_pytree_node", "register_pytree_node_class",
           "tree_all", "tree_flatten", "tree_flatten_with_path", "tree_leaves",
           "tree_leaves_with_path", "tree_map", "tree_map_with_path", "tree_reduce",
           "tree_structure", "tree_transpose", "tree_unflatten"]
