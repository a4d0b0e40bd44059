"""tapegrad's JAX semantics pinned without JAX (tests/test_jax_semantics.py compares the
same behaviour with a record of JAX's results): integer inputs, argnums, jvp's and vjp's
argument checks, linearize, hessian's aux, custom rules, tg.tree's JAX rules and key
paths, checkpoint as jax.checkpoint."""
import collections
import dataclasses

import numpy as np
import pytest

import tapegrad as tg

Point = collections.namedtuple("Point", "x y")


def test_grad_refuses_integer_inputs_unless_allow_int():
    with pytest.raises(TypeError, match="real- or complex-valued inputs.*int"):
        tg.grad(lambda x: x * 2.0)(3)
    with pytest.raises(TypeError, match="bool"):
        tg.grad(lambda x: 1.0)(True)
    with pytest.raises(TypeError, match="int64"):
        tg.value_and_grad(lambda x: x.sum() * 1.0)(np.arange(3))
    with pytest.raises(TypeError, match="real- or complex-valued"):
        tg.jacrev(lambda x: x * 2.0)(3)
    with pytest.raises(TypeError, match="real- or complex-valued"):
        tg.hessian(lambda x: x * 2.0)(3)
    gx, gn = tg.grad(lambda x, n: x * n, argnums=(0, 1), allow_int=True)(2.0, 3)
    assert float(gx) == 3.0 and gn.dtype.kind == "i" and int(gn) == 0
    (v, aux), g = tg.value_and_grad(lambda n: ((n * 1.0).sum(), "a"), has_aux=True,
                                    allow_int=True)(np.arange(2))
    assert float(v.sum()) == 1.0 and aux == "a" and g.tolist() == [0, 0]


def test_argnums_out_of_range_is_a_type_error():
    with pytest.raises(TypeError, match="argnums 2 is out of range"):
        tg.grad(lambda x: x, argnums=2)(2.0)
    with pytest.raises(TypeError, match="argnums -3"):
        tg.jacfwd(lambda x, y: x, argnums=-3)(2.0, 1.0)


def test_jvp_checks_its_tangents_as_jax():
    f = lambda x: x ** 2
    with pytest.raises(TypeError, match="tuples or lists"):
        tg.jvp(f, 1.0, 1.0)
    with pytest.raises(TypeError, match="same structure"):
        tg.jvp(f, (1.0,), (1.0, 2.0))
    with pytest.raises(TypeError, match="same structure"):
        tg.jvp(lambda d: d["a"], ({"a": 1.0},), ({"b": 1.0},))
    with pytest.raises(TypeError, match="tangent dtype int64"):
        tg.jvp(f, (np.ones(2),), (np.ones(2, dtype=np.int64),))
    with pytest.raises(ValueError, match=r"tangent shape \(3,\)"):
        tg.jvp(f, (np.ones(2),), (np.ones(3),))
    # another float width is cast to the primal's, as JAX's 32-bit mode does
    _, t = tg.jvp(f, (tg.tensor([1.0, 2.0]),), (np.ones(2),))
    assert t.dtype == tg.float32 and t.tolist() == [2.0, 4.0]
    _, t, aux = tg.jvp(lambda x: (x * 2.0, [x, "tag"]), (3.0,), (1.0,), has_aux=True)
    assert float(t) == 2.0 and float(aux[0]) == 3.0 and aux[1] == "tag"


def test_vjp_checks_its_cotangent_structure_and_dtype():
    _, fn = tg.vjp(lambda x: (x, x * 2.0), np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="structure"):
        fn((np.ones(2),))
    with pytest.raises(ValueError, match="structure"):
        fn({"a": np.ones(2), "b": np.ones(2)})
    assert fn([np.ones(2), np.ones(2)])[0].tolist() == [3.0, 3.0]     # a list for a tuple
    with pytest.raises(ValueError, match="cotangent dtype int64"):
        fn((np.ones(2), np.ones(2, dtype=np.int64)))
    g1, = fn((np.ones(2), np.zeros(2)))
    g2, = fn((np.zeros(2), np.ones(2)))         # twice: the forward pass is shared
    assert g1.tolist() == [1.0, 1.0] and g2.tolist() == [2.0, 2.0]


def test_linearize_evaluates_the_derivative_at_a_point():
    y, f_jvp = tg.linearize(lambda x: tg.sin(x) * x, 1.0)
    assert np.isclose(float(y), np.sin(1.0))
    assert np.isclose(float(f_jvp(2.0)), 2.0 * (np.cos(1.0) + np.sin(1.0)))
    y, f_jvp = tg.linearize(lambda a, b: {"p": a["u"] * b, "q": b ** 2}, {"u": 2.0}, 3.0)
    out = f_jvp({"u": 1.0}, 0.5)
    assert float(out["p"]) == 4.0 and float(out["q"]) == 3.0
    with pytest.raises(TypeError, match="2 tangent"):
        f_jvp(1.0)


def test_hessian_has_aux_and_holomorphic_python_complex():
    h, aux = tg.hessian(lambda x: ((x ** 3).sum(), x * 2.0), has_aux=True)(np.ones(2))
    assert h.tolist() == [[6.0, 0.0], [0.0, 6.0]] and aux.tolist() == [2.0, 2.0]
    assert complex(tg.grad(lambda z: z ** 3, holomorphic=True)(1.0 + 2.0j)) == -9 + 12j


def test_custom_vjp_bwd_of_the_wrong_arity_is_a_type_error():
    @tg.custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda res, g: (g,))
    with pytest.raises(TypeError, match="one cotangent per differentiable argument"):
        tg.grad(f)(3.0, 4.0)


def test_tree_sorts_dict_keys_and_maps_over_prefixes():
    tree = {"b": 1, "a": 2, "c": collections.OrderedDict([("z", 3), ("y", 4)])}
    assert tg.tree.leaves(tree) == [2, 1, 3, 4]
    assert list(tg.tree.map(lambda v: v, tree)) == ["a", "b", "c"]
    assert tg.tree.structure({"a": 1, "b": 2}) == tg.tree.structure({"b": 0, "a": 0})
    assert tg.tree.map(lambda a, b: (a, b), [1, 2], [(3, 4), {"k": 5}]) == \
        [(1, (3, 4)), (2, {"k": 5})]
    with pytest.raises(ValueError, match="prefix"):
        tg.tree.map(lambda a, b: a, [1, None], [3, 4])
    with pytest.raises(ValueError, match="sortable"):
        tg.tree.leaves({1: "x", "a": "y"})
    # the transforms keep the parameters' order in the gradient they return
    assert list(tg.grad(lambda p: p["w"] * p["b"])({"w": 2.0, "b": 3.0})) == ["w", "b"]


def test_tree_key_paths_and_transpose():
    pairs, treedef = tg.tree.flatten_with_path({"b": [1, (2, 3)], "a": Point(4, 5)})
    assert [tg.tree.keystr(p) for p, _ in pairs] == \
        ["['a'].x", "['a'].y", "['b'][0]", "['b'][1][0]", "['b'][1][1]"]
    assert [v for _, v in pairs] == [4, 5, 1, 2, 3] and treedef.num_leaves == 5
    assert tg.tree.keystr(pairs[2][0], simple=True, separator="/") == "b/0"

    @tg.tree.register_dataclass
    @dataclasses.dataclass
    class Layer:
        w: float
        b: float

    got = tg.tree.map_with_path(lambda p, v: tg.tree.keystr(p), [Layer(1.0, 2.0), None])
    assert (got[0].w, got[0].b, got[1]) == ("[0].w", "[0].b", None)
    outer, inner = tg.tree.structure([0, 0]), tg.tree.structure({"a": 0, "b": 0})
    assert tg.tree.transpose(outer, inner, [{"a": 1, "b": 2}, {"a": 3, "b": 4}]) == \
        {"a": [1, 3], "b": [2, 4]}
    assert tg.tree.transpose(outer, None, [(1, 2), (3, 4)]) == ([1, 3], [2, 4])


def test_register_pytree_node_class():
    @tg.tree.register_pytree_node_class
    class Box:
        def __init__(self, v, tag):
            self.v, self.tag = v, tag

        def tree_flatten(self):
            return (self.v,), self.tag

        @classmethod
        def tree_unflatten(cls, tag, children):
            return cls(children[0], tag)

    out = tg.grad(lambda b: b.v ** 2)(Box(3.0, "t"))
    assert isinstance(out, Box) and float(out.v) == 6.0 and out.tag == "t"
    paths = tg.tree.leaves_with_path([Box(1.0, "u")])
    assert tg.tree.keystr(paths[0][0]) == "[0][<flat index 0>]"


def test_jacrev_through_user_backward_rules_with_several_outputs():
    # jacrev sends all output basis vectors through backward at once, as dual numbers;
    # a user's backward must keep their tangents (it gave zeros before)
    x = tg.tensor([3.0, 1.0], dtype=tg.float64)

    @tg.custom_gradient
    def scaled(v):
        return v * 2.0, lambda g: g * 3.0

    class Cube(tg.autograd.Function):
        @staticmethod
        def forward(ctx, v):
            ctx.save_for_backward(v)
            return v ** 3

        @staticmethod
        def backward(ctx, g):
            v, = ctx.saved_tensors
            return 3.0 * v ** 2 * g

    assert tg.jacrev(scaled)(x).tolist() == [[3.0, 0.0], [0.0, 3.0]]
    assert tg.jacrev(Cube.apply)(x).tolist() == [[27.0, 0.0], [0.0, 3.0]]


def test_checkpoint_alone_is_jax_checkpoint():
    calls = []

    @tg.checkpoint
    def block(x, w):
        calls.append(1)
        return tg.tanh(x * w)

    w = np.array([0.5, -1.0])
    g = tg.grad(lambda w: block(0.7, w).sum())(w)
    np.testing.assert_allclose(g.numpy(), 0.7 / np.cosh(0.7 * w) ** 2)
    assert len(calls) == 2                      # run once, recomputed once in backward
    assert tg.checkpoint(lambda: 3.0) == 3.0    # PyTorch's spelling: f() called now


def test_none_arguments_and_flatten_up_to():
    g = tg.grad(lambda p: p["w"] * p["b"][0])({"w": 2.0, "b": [3.0, None]})
    assert g["b"][1] is None and float(g["b"][0]) == 2.0
    treedef = tg.tree.structure({"w": 1.0, "b": [2.0, 3.0]})
    assert treedef.flatten_up_to({"b": [(1, 2), 3], "w": None}) == [(1, 2), 3, None]
    with pytest.raises(ValueError, match="flatten_up_to"):
        treedef.flatten_up_to([1, 2])
