"""tg.tree (jax.tree_util's rules) and the transforms over the same containers."""
import dataclasses
from collections import OrderedDict, defaultdict, namedtuple

import numpy as np
import pytest

import tapegrad as tg

Point = namedtuple("Point", "x y")


def test_flatten_sorts_dict_keys_as_jax_and_unflatten_inverts():
    tree = {"b": [1, (2, 3)], "a": Point(4, None), "c": OrderedDict([("z", 5), ("y", 6)])}
    leaves, treedef = tg.tree.flatten(tree)
    assert leaves == [4, 1, 2, 3, 5, 6]         # an OrderedDict keeps its own order
    assert treedef.num_leaves == 6
    back = tg.tree.unflatten(treedef, leaves)
    assert back == tree and isinstance(back["c"], OrderedDict)
    assert isinstance(back["a"], Point) and back["a"].y is None


def test_none_is_an_empty_node_and_leaves_can_be_chosen():
    assert tg.tree.leaves([None, 1, (None,)]) == [1]
    assert tg.tree.leaves([1, (2, 3)], is_leaf=lambda v: isinstance(v, tuple)) == [1, (2, 3)]


def test_defaultdict_keeps_its_factory():
    d = defaultdict(list, {"k": 1.0})
    out = tg.tree.map(lambda v: v * 2, d)
    assert isinstance(out, defaultdict) and out.default_factory is list and out["k"] == 2.0


def test_map_over_several_trees_checks_their_structure():
    assert tg.tree.map(lambda a, b: a + b, {"x": 1, "y": [2]}, {"x": 10, "y": [20]}) == \
        {"x": 11, "y": [22]}
    with pytest.raises(ValueError, match="structure"):
        tg.tree.map(lambda a, b: a + b, [1, 2], (1, 2))


def test_structure_equality_and_jax_spellings():
    assert tg.tree.structure([1, {"a": 2}]) == tg.tree.structure([5, {"a": 6}])
    assert tg.tree.structure([1, 2]) != tg.tree.structure((1, 2))
    assert tg.tree.tree_leaves is tg.tree.leaves and tg.tree.tree_map is tg.tree.map
    assert tg.tree.reduce(lambda a, b: a + b, [1, (2, 3)]) == 6 and tg.tree.all([1, (True,)])
    assert "PyTreeDef" in repr(tg.tree.structure({"a": [1]}))


class Pair:
    def __init__(self, a, b):
        self.a, self.b = a, b


tg.tree.register_node(Pair, lambda p: ((p.a, p.b), None), lambda aux, ch: Pair(*ch))


@tg.tree.register_dataclass
@dataclasses.dataclass(frozen=True)
class Params:
    w: object
    b: object


def test_registered_classes_are_containers_for_the_transforms():
    g = tg.grad(lambda p: tg.sum(p.a * p.a) + p.b)(Pair(np.array([1.0, 2.0]), 3.0))
    assert isinstance(g, Pair)
    np.testing.assert_allclose(g.a.numpy(), [2.0, 4.0])
    assert g.b.item() == 1.0
    p = Params(np.array([1.0, -1.0]), 0.5)
    g = tg.grad(lambda p: tg.sum(p.w * 3.0) + p.b ** 2)(p)
    assert isinstance(g, Params) and np.allclose(g.w.numpy(), 3.0) and g.b.item() == 1.0


def test_register_node_refuses_builtins_and_twice():
    with pytest.raises(ValueError, match="already"):
        tg.tree.register_node(dict, lambda d: ((), None), lambda a, c: {})
    with pytest.raises(ValueError, match="already"):
        tg.tree.register_node(Pair, lambda p: ((), None), lambda a, c: None)
    with pytest.raises(TypeError, match="dataclass"):
        tg.tree.register_dataclass(Pair)


def test_grad_of_a_dict_comes_back_with_its_keys_and_jvp_matches_trees():
    g = tg.grad(lambda d: d["a"] * d["b"])({"b": 2.0, "a": 3.0})
    assert list(g) == ["b", "a"] and g["a"].item() == 2.0 and g["b"].item() == 3.0
    out, t = tg.jvp(lambda d: d["a"] * d["b"], ({"b": 2.0, "a": 3.0},),
                    ({"b": 0.0, "a": 1.0},))
    assert t.item() == 2.0


def test_unflatten_checks_its_leaves():
    _, td = tg.tree.flatten([1, 2])
    with pytest.raises(ValueError, match="fewer"):
        tg.tree.unflatten(td, [1])
    with pytest.raises(TypeError, match="PyTreeDef"):
        tg.tree.unflatten([None], [1])


def test_ravel_makes_one_vector_and_unravel_cuts_it_back_differentiably():
    params = {"w": np.array([[0.5, -0.3], [1.0, 2.0]]), "b": np.array(0.1), "n": None}
    flat, unravel = tg.tree.ravel(params)
    # sorted keys, as jax.flatten_util.ravel_pytree: "b" before "w"
    np.testing.assert_array_equal(flat.numpy(), [0.1, 0.5, -0.3, 1.0, 2.0])
    back = unravel(flat)
    assert back["n"] is None and back["w"].shape == (2, 2) and back["b"].shape == ()

    def loss(v):
        p = unravel(v)
        return tg.sum(p["w"] ** 2) + 3.0 * p["b"]
    np.testing.assert_allclose(tg.grad(loss)(flat.numpy()).numpy(), [3.0, 1.0, -0.6, 2.0, 4.0])
    with pytest.raises(ValueError, match="shape"):
        unravel(np.zeros(3))
