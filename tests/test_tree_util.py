"""tapegrad.tree_util is jax.tree_util's spelling of tapegrad.tree."""
import pytest

import tapegrad as tg
from tapegrad import tree_util


def test_the_names_are_tree_functions():
    for name in tree_util.__all__:
        assert getattr(tree_util, name) is getattr(tg.tree, name)
    leaves, spec = tree_util.tree_flatten({"b": [1.0, 2.0], "a": (3.0, None)})
    assert leaves == [3.0, 1.0, 2.0]
    assert tree_util.tree_unflatten(spec, [x * 2 for x in leaves]) == \
        {"a": (6.0, None), "b": [2.0, 4.0]}


def test_against_jax_tree_util():
    jtu = pytest.importorskip("jax.tree_util")
    tree = {"w": [1.0, (2.0, 3.0)], "b": {"z": 4.0, "a": 5.0}}
    assert tree_util.tree_leaves(tree) == jtu.tree_leaves(tree)
    assert tree_util.tree_map(lambda v: v + 1, tree) == jtu.tree_map(lambda v: v + 1, tree)
