"""`jax.tree_util`'s module name for `tg.tree`, so `from jax.tree_util import tree_map`
and `jax.tree_util.tree_flatten(...)` port by their import lines (`from
tapegrad.tree_util import tree_map`, `import tapegrad as jax`). Every name is tg.tree's.

>>> from tapegrad.tree_util import tree_leaves, tree_map
>>> tree_leaves(tree_map(lambda v: v + 1, {"a": 1, "b": (2, 3)}))
[2, 3, 4]
"""
from .tree import *  # noqa: F401,F403  (the same functions, under JAX's module name)
from .tree import __all__  # noqa: F401
