"""JAX's transforms and tree utilities against tapegrad's. Each case is written once
against a namespace `J` that holds either JAX's names or tapegrad's (grad, vjp, jvp, ...,
`J.np` as jax.numpy / tapegrad.numpy, `J.tree` as jax.tree_util / tg.tree). JAX runs
with 64-bit types, so Python floats are float64 on both sides. Results are compared as
values, dtype kinds and container types; errors by their builtin type. JAX's side is a
record (see _RECORD below), so these run without JAX; JAX is never a dependency.

Not cases, tapegrad differing on purpose: the gradient of a real loss of complex inputs
(API.md fixes PyTorch's convention, the conjugate of JAX's); allow_int's float0 gradients
(tapegrad returns zeros of the input's dtype); grad of a one-element (not 0-d) output
(accepted, as autograd); a list cotangent for a tuple output and a custom_vjp cotangent
that broadcasts to its argument (summed, as PyTorch); Python int primals of jvp and
linearize (float64, as autograd).
"""
import ast
import builtins
import collections
import os
import pathlib
import types
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

jax = None
if os.environ.get("TAPEGRAD_JAX_LIVE") or __name__ == "__main__":
    try:                                # only to record or recheck: JAX is slow to start
        import jax
        import jax.numpy as jnp
    except ImportError:
        jax = None

_NAMES = ("grad", "value_and_grad", "vjp", "jvp", "jacfwd", "jacrev", "hessian",
          "linearize", "custom_jvp", "custom_vjp", "stop_gradient", "checkpoint", "vmap")
JX = None if jax is None else types.SimpleNamespace(
    np=jnp, tree=jax.tree_util,
    **{n: getattr(jax.lax if n == "stop_gradient" else jax, n) for n in _NAMES})
TG = types.SimpleNamespace(np=tnp, tree=tg.tree, **{n: getattr(tg, n) for n in _NAMES})

CASES = {}


def case(f):
    CASES[f.__name__] = f
    return f


Point = collections.namedtuple("Point", "x y")


# grad and value_and_grad

@case
def grad_argnums_int(J):
    return J.grad(lambda x, y: x * y ** 2, argnums=1)(2.0, 3.0)


@case
def grad_argnums_tuple_and_list(J):
    f = lambda x, y: x * y ** 2
    return [J.grad(f, argnums=(0, 1))(2.0, 3.0), J.grad(f, argnums=(1, 0))(2.0, 3.0)]


@case
def grad_argnums_negative(J):
    return J.grad(lambda x, y, z: x * y * z ** 2, argnums=-1)(2.0, 3.0, 4.0)


@case
def grad_argnums_out_of_range(J):
    return J.grad(lambda x: x, argnums=2)(2.0)


@case
def grad_has_aux(J):
    return J.grad(lambda x: (x ** 3, {"sq": x * x, "n": 3}), has_aux=True)(2.0)


@case
def grad_has_aux_not_pair(J):
    return J.grad(lambda x: x * 2.0, has_aux=True)(2.0)


@case
def grad_kwargs_not_differentiated(J):
    return J.grad(lambda x, y=2.0: x * y)(3.0, y=4.0)


@case
def grad_pytree_argument(J):
    return J.grad(lambda p: p["w"] * p["b"][0] + p["b"][1] ** 2)(
        {"w": 2.0, "b": (3.0, 4.0)})


@case
def none_in_arguments_is_an_empty_node(J):
    p = {"w": J.np.array([1.0, 2.0]), "b": [3.0, None]}
    f = lambda q: J.np.sum(q["w"] ** 2) * q["b"][0]
    return [J.grad(f)(p), J.hessian(lambda q: f(q))(p)["w"]["b"],
            J.vjp(lambda x: (x * 2.0, None), 1.0)[1]((1.0, None)),
            J.jvp(lambda q: q[0] * 2.0, ((3.0, None),), ((1.0, None),)),
            J.jacrev(lambda q: {"a": q[0] ** 2, "n": None})((J.np.ones(2), None))]


@case
def grad_namedtuple_argument(J):
    return J.grad(lambda p: p.x * p.y ** 2)(Point(2.0, 3.0))


@case
def grad_list_argument(J):
    return J.grad(lambda v: v[0] * v[1])([2.0, 3.0])


@case
def grad_python_int_input(J):
    return J.grad(lambda x: x * 2.0)(3)


@case
def grad_bool_input(J):
    return J.grad(lambda x: 1.0)(True)


@case
def grad_int_array_input(J):
    return J.grad(lambda x: (x * 1.0).sum())(np.arange(3))


@case
def grad_nonscalar_output(J):
    return J.grad(lambda x: x * 2.0)(J.np.ones(2))


@case
def grad_none_output(J):
    return J.grad(lambda x: None)(2.0)


@case
def grad_int_output(J):
    return J.grad(lambda x: 1)(2.0)


@case
def grad_complex_output(J):
    return J.grad(lambda z: z * z)(1.0 + 2.0j)


@case
def grad_constant_output(J):
    return J.grad(lambda x: 1.0)(2.0)


@case
def grad_zero_dim_output(J):
    return J.grad(lambda x: (x ** 2).sum())(J.np.array([1.0, 2.0]))


@case
def grad_holomorphic(J):
    return J.grad(lambda z: z ** 3, holomorphic=True)(1.0 + 2.0j)


@case
def grad_holomorphic_real_input(J):
    return J.grad(lambda z: z ** 2, holomorphic=True)(1.0)


@case
def grad_of_grad(J):
    return J.grad(J.grad(lambda x: J.np.sin(x) * x))(0.7)


@case
def value_and_grad_plain(J):
    return J.value_and_grad(lambda x: J.np.sum(x ** 2))(J.np.array([1.0, 2.0]))


@case
def value_and_grad_has_aux(J):
    return J.value_and_grad(lambda x, y: (x * y, [x + y]), argnums=(0, 1),
                            has_aux=True)(2.0, 5.0)


@case
def stop_gradient_cuts(J):
    return J.grad(lambda x: x * J.stop_gradient(x * x))(3.0)


# vjp

@case
def vjp_called_twice(J):
    y, fn = J.vjp(lambda x: x ** 2, J.np.array([1.0, 2.0]))
    return [y, fn(J.np.array([1.0, 1.0])), fn(J.np.array([2.0, -1.0]))]


@case
def vjp_two_primals_pytree_out(J):
    y, fn = J.vjp(lambda a, b: {"s": a * b, "d": (a - b,)}, 2.0, 5.0)
    return [y, fn({"s": 1.0, "d": (10.0,)})]


@case
def vjp_pytree_primal(J):
    _, fn = J.vjp(lambda p: p["a"] * p["b"], {"b": 3.0, "a": 2.0})
    return fn(1.0)


@case
def vjp_has_aux(J):
    y, fn, aux = J.vjp(lambda x: (x * 2.0, {"a": x}), 3.0, has_aux=True)
    return [y, fn(1.0), aux]


@case
def vjp_cotangent_shape(J):
    _, fn = J.vjp(lambda x: x ** 2, J.np.array([1.0, 2.0]))
    return fn(J.np.ones(3))


@case
def vjp_cotangent_int_dtype(J):
    _, fn = J.vjp(lambda x: x ** 2, J.np.array([1.0, 2.0]))
    return fn(np.ones(2, dtype=np.int64))


@case
def vjp_cotangent_extra_tuple(J):
    _, fn = J.vjp(lambda x: x ** 2, J.np.array([1.0, 2.0]))
    return fn((J.np.ones(2),))


# jvp and linearize

@case
def jvp_pytree(J):
    return J.jvp(lambda p: p["a"] * J.np.sin(p["b"]), ({"a": 2.0, "b": 0.5},),
                 ({"a": 1.0, "b": 0.0},))


@case
def jvp_lists_accepted(J):
    return J.jvp(lambda x, y: x * y, [3.0, 4.0], [1.0, 0.5])


@case
def jvp_has_aux(J):
    return J.jvp(lambda x: (x * 2.0, [x * 3.0, "tag"]), (3.0,), (1.0,), has_aux=True)


@case
def jvp_tangent_shape(J):
    return J.jvp(lambda x: x ** 2, (J.np.ones(2),), (J.np.ones(3),))


@case
def jvp_tangent_int_dtype(J):
    return J.jvp(lambda x: x ** 2, (J.np.ones(2),), (np.ones(2, dtype=np.int64),))


@case
def jvp_not_tuples(J):
    return J.jvp(lambda x: x ** 2, 1.0, 1.0)


@case
def jvp_count_mismatch(J):
    return J.jvp(lambda x: x ** 2, (1.0,), (1.0, 2.0))


@case
def jvp_structure_mismatch(J):
    return J.jvp(lambda d: d["a"], ({"a": 1.0},), ({"b": 1.0},))


@case
def jvp_int_primal(J):
    return J.jvp(lambda x: x * 2, (np.int64(3),), (np.int64(1),))


@case
def linearize_one(J):
    y, f_jvp = J.linearize(lambda x: J.np.sin(x) * x, 1.0)
    return [y, f_jvp(2.0), f_jvp(-1.0)]


@case
def linearize_two_pytree(J):
    y, f_jvp = J.linearize(lambda a, b: {"p": a["u"] * b, "q": b ** 2}, {"u": 2.0}, 3.0)
    return [y, f_jvp({"u": 1.0}, 0.5)]


# Jacobians and Hessians

@case
def jacrev_jacfwd_pytrees(J):
    f = lambda d: {"o": d["a"] * d["b"], "p": (d["a"] ** 2,)}
    x = {"b": J.np.array([1.0, 2.0]), "a": J.np.array([3.0, 4.0])}
    return [J.jacrev(f)(x), J.jacfwd(f)(x)]


@case
def jacobian_argnums_tuple(J):
    f = lambda x, y: J.np.stack([x[0] * y, x[1] + y])
    x = J.np.array([1.0, 2.0])
    return [J.jacrev(f, argnums=(0, 1))(x, 3.0), J.jacfwd(f, argnums=(1, 0))(x, 3.0)]


@case
def jacobian_has_aux(J):
    f = lambda x: (x ** 2, {"n": x.sum()})
    x = J.np.array([1.0, 2.0])
    return [J.jacrev(f, has_aux=True)(x), J.jacfwd(f, has_aux=True)(x)]


@case
def jacobian_scalar_in_out(J):
    return [J.jacrev(lambda x: x ** 3)(2.0), J.jacfwd(lambda x: x ** 3)(2.0)]


@case
def jacrev_int_input(J):
    return J.jacrev(lambda x: x * 2.0)(3)


@case
def jacfwd_int_input(J):
    return J.jacfwd(lambda x: x * 2.0)(3)


@case
def jacrev_int_output(J):
    return J.jacrev(lambda x: (x > 0).astype(int))(3.0)


@case
def hessian_pytree(J):
    f = lambda p: (p["a"] ** 2 * p["b"]).sum() + p["b"][0] ** 3
    return J.hessian(f)({"a": J.np.array([1.0, 2.0]), "b": J.np.array([3.0, 4.0])})


@case
def hessian_argnums_tuple(J):
    return J.hessian(lambda x, y: x ** 2 * y ** 3, argnums=(0, 1))(2.0, 3.0)


@case
def hessian_has_aux(J):
    return J.hessian(lambda x: ((x ** 3).sum(), x * 2.0), has_aux=True)(J.np.ones(2))


# custom_jvp and custom_vjp

@case
def custom_jvp_defjvp(J):
    @J.custom_jvp
    def f(x, y):
        return J.np.sin(x) * y

    @f.defjvp
    def f_jvp(primals, tangents):
        x, y = primals
        dx, dy = tangents
        return f(x, y), 10.0 * dx * y + J.np.sin(x) * dy

    return [f(1.0, 2.0), J.grad(f)(1.0, 2.0), J.grad(f, 1)(1.0, 2.0),
            J.jvp(f, (1.0, 2.0), (1.0, 1.0))]


@case
def custom_jvp_defjvps(J):
    @J.custom_jvp
    def f(x, y):
        return x * y

    f.defjvps(lambda dx, ans, x, y: 3.0 * dx * y, lambda dy, ans, x, y: 5.0 * dy * x)
    return [J.grad(f, (0, 1))(2.0, 4.0), J.jacfwd(f, (0, 1))(2.0, 4.0)]


@case
def custom_jvp_nondiff_argnums(J):
    import functools

    @functools.partial(J.custom_jvp, nondiff_argnums=(0,))
    def app(g, x):
        return g(x)

    @app.defjvp
    def app_jvp(g, primals, tangents):
        (x,), (dx,) = primals, tangents
        return app(g, x), 7.0 * dx

    return [app(lambda v: v * 3.0, 2.0), J.grad(app, 1)(lambda v: v * 3.0, 2.0)]


@case
def custom_vjp_residual_pytree(J):
    @J.custom_vjp
    def f(x, y):
        return x * y

    def fwd(x, y):
        return f(x, y), {"x": x, "y": (y, 2.0)}

    def bwd(res, g):
        return (g * res["y"][0] * res["y"][1], g * res["x"])

    f.defvjp(fwd, bwd)
    x, y = J.np.asarray(3.0), J.np.asarray(4.0)
    return [f(x, y), J.grad(f, (0, 1))(x, y), J.vjp(f, x, y)[1](2.0)]


@case
def custom_vjp_nondiff_argnums(J):
    import functools

    @functools.partial(J.custom_vjp, nondiff_argnums=(0,))
    def clip_grad(lim, x):
        return x

    def fwd(lim, x):
        return x, None

    def bwd(lim, _, g):
        return (J.np.clip(g, -lim, lim),)

    clip_grad.defvjp(fwd, bwd)
    return J.grad(lambda x: 5.0 * clip_grad(2.0, x))(1.0)


@case
def custom_vjp_bwd_wrong_arity(J):
    @J.custom_vjp
    def f(x, y):
        return x * y

    f.defvjp(lambda x, y: (f(x, y), (x, y)), lambda res, g: (g,))
    return J.grad(f)(3.0, 4.0)


@case
def custom_vjp_under_jacobians(J):
    @J.custom_vjp
    def f(x):
        return {"a": x * 2.0, "b": J.np.sin(x)}

    f.defvjp(lambda x: (f(x), J.np.cos(x)), lambda c, g: (g["a"] * 2.0 + g["b"] * c,))
    x = J.np.array([0.5, 1.5])
    return [J.jacrev(f)(x), J.jacrev(lambda v: J.jacrev(f)(v)["b"])(x), J.jacrev(f)(0.3)]


@case
def custom_jvp_pytrees(J):
    @J.custom_jvp
    def f(p, s):
        return {"y": p["w"] * s, "z": (p["b"] ** 2,)}

    @f.defjvp
    def f_jvp(primals, tangents):
        (p, s), (dp, ds) = primals, tangents
        return f(p, s), {"y": dp["w"] * s + 10.0 * p["w"] * ds, "z": (3.0 * dp["b"],)}

    p = {"w": J.np.array([1.0, 2.0]), "b": 0.5}
    return [f(p, 3.0), J.jacfwd(f)(p, 3.0), J.jacrev(f, argnums=1)(p, 3.0),
            J.grad(lambda q: J.np.sum(f(q, 2.0)["y"]) + f(q, 2.0)["z"][0])(p)]


@case
def custom_jvp_log1pexp_tutorial(J):
    # JAX's custom-derivatives tutorial: the rule keeps the gradient finite at 100
    @J.custom_jvp
    def log1pexp(x):
        return J.np.log(1.0 + J.np.exp(x))

    @log1pexp.defjvp
    def log1pexp_jvp(primals, tangents):
        x, = primals
        x_dot, = tangents
        return log1pexp(x), (1 - 1 / (1 + J.np.exp(x))) * x_dot

    xs = J.np.array([0.0, 2.0, 10.0, 100.0])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")         # tg.vmap notes its per-element fallback
        return [J.grad(log1pexp)(100.0), J.vmap(log1pexp)(xs),
                J.vmap(J.grad(log1pexp))(xs),
                J.vmap(lambda x: J.jvp(log1pexp, (x,), (1.0,))[1])(xs)]


@case
def custom_jvp_tangent_shape(J):
    @J.custom_jvp
    def f(x):
        return x * 2.0

    f.defjvp(lambda p, t: (f(*p), J.np.ones(3)))
    return J.jvp(f, (1.0,), (1.0,))


@case
def checkpoint_as_decorator(J):
    import functools

    @J.checkpoint
    def block(x, w):
        return J.np.tanh(x * w) * w

    step = functools.partial(J.checkpoint, static_argnums=(1,))(lambda x, n: x ** n)
    return [J.grad(lambda w: block(0.7, w).sum())(J.np.array([0.5, -1.0])),
            J.grad(step)(2.0, 3)]


# tg.tree as jax.tree_util

@case
def tree_dict_keys_sorted(J):
    tree = {"b": 1, "a": 2, "c": {"z": 3, "y": 4}}
    leaves, treedef = J.tree.tree_flatten(tree)
    return [leaves, list(J.tree.tree_map(lambda v: v * 10, tree).keys()),
            J.tree.tree_unflatten(treedef, [5, 6, 7, 8])]


@case
def tree_ordered_dict_keeps_order(J):
    tree = collections.OrderedDict([("b", 1), ("a", 2)])
    return [J.tree.tree_leaves(tree), list(J.tree.tree_map(lambda v: v, tree).keys())]


@case
def tree_none_is_empty(J):
    tree = [1, None, (2, None), {"a": None, "b": 3}]
    return [J.tree.tree_leaves(tree), J.tree.tree_map(lambda v: v + 1, tree),
            J.tree.tree_structure(tree).num_leaves]


@case
def tree_map_several_trees(J):
    return J.tree.tree_map(lambda a, b, c: a + b * c, [1, (2, 3)], [4, (5, 6)], [7, (8, 9)])


@case
def tree_map_prefix_tree(J):
    # rest trees may have the first as a prefix: f gets their whole subtrees
    return J.tree.tree_map(lambda a, b: [a, b], [1, 2], [(3, 4), {"k": 5}])


@case
def tree_map_mismatch(J):
    return J.tree.tree_map(lambda a, b: a + b, [1, 2], [3, 4, 5])


@case
def tree_map_none_needs_none(J):
    return J.tree.tree_map(lambda a, b: a + b, [1, None], [3, 4])


@case
def tree_is_leaf(J):
    tree = [(1, 2), [3, (4, 5)]]
    is_pair = lambda v: isinstance(v, tuple)
    return [J.tree.tree_leaves(tree, is_leaf=is_pair),
            J.tree.tree_map(lambda v: len(v) if isinstance(v, tuple) else -v, tree,
                            is_leaf=is_pair)]


@case
def tree_structure_equality(J):
    s = J.tree.tree_structure
    return [s({"a": 1, "b": [2, 3]}) == s({"b": [0, 0], "a": 9}),
            s((1, 2)) == s([1, 2]), s(Point(1, 2)) == s((1, 2)),
            s([1, None]) == s([1, 2]), s({"a": 1}).num_leaves, s([None, 1]).num_nodes]


@case
def tree_namedtuple(J):
    p = Point(1, {"u": 2, "t": 3})
    out = J.tree.tree_map(lambda v: v * 2, p)
    return [J.tree.tree_leaves(p), type(out).__name__, out]


@case
def tree_reduce_and_all(J):
    return [J.tree.tree_reduce(lambda a, b: a * 10 + b, {"b": 1, "a": [2, 3]}),
            J.tree.tree_all([True, (1, None)]), J.tree.tree_all({"a": 0})]


@case
def tree_flatten_with_path(J):
    tree = {"b": [1, (2, 3)], "a": Point(4, 5)}
    leaves = J.tree.tree_flatten_with_path(tree)[0]
    return [[J.tree.keystr(p) for p, _ in leaves], [v for _, v in leaves],
            J.tree.tree_map_with_path(lambda p, v: (len(p), v), tree),
            [J.tree.keystr(p) for p, _ in J.tree.tree_leaves_with_path([{"x": 1}, 2])]]


@case
def tree_transpose(J):
    outer = J.tree.tree_structure([0, 0])
    inner = J.tree.tree_structure({"a": 0, "b": 0})
    return J.tree.tree_transpose(outer, inner, [{"a": 1, "b": 2}, {"a": 3, "b": 4}])


# helpers

def _norm(r):
    """Results as plain Python literals: arrays -> ("array", dtype kind, shape, values as
    nested lists), containers keep their type (dicts as sorted (key, value) pairs)."""
    if r is None or type(r) in (bool, int, float, complex, str):
        return r
    if isinstance(r, dict):     # the order of keys is checked where a case lists them
        return (type(r).__name__, sorted((k, _norm(v)) for k, v in r.items()))
    if isinstance(r, tuple) and hasattr(r, "_fields"):
        return ("namedtuple", type(r).__name__, [_norm(v) for v in r])
    if isinstance(r, (list, tuple)):
        return (type(r).__name__, [_norm(v) for v in r])
    if isinstance(r, tg.Tensor):
        a = r.numpy()
    elif isinstance(r, (np.ndarray, np.generic)) or hasattr(r, "dtype"):
        a = np.asarray(r)       # JAX 0.10 hands back weak-typed scalars as TypedFloat
    else:
        return ("other", type(r).__name__)
    kind = {"i": "int", "u": "int", "b": "bool", "f": "float", "c": "complex"}[a.dtype.kind]
    vals = a.astype(complex if kind == "complex" else float).tolist()
    return ("array", kind, tuple(a.shape), vals)


def _run(f, J):
    """("ok", normalized result) or ("error", name of the builtin exception class)."""
    try:
        if J is JX:
            with jax.enable_x64(True):
                return "ok", _norm(f(J))
        return "ok", _norm(f(J))
    except Exception as e:                           # noqa: BLE001 - compared below
        return "error", next(c for c in type(e).__mro__ if c.__module__ == "builtins").__name__


def _same(a, b):
    if isinstance(a, tuple) and a and a[0] == "array":
        return (isinstance(b, tuple) and b[:3] == a[:3]
                and np.allclose(np.asarray(a[3]), np.asarray(b[3]), rtol=1e-9, atol=1e-12,
                                equal_nan=True))
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return (type(a) is type(b) and len(a) == len(b)
                and all(_same(x, y) for x, y in zip(a, b)))
    return a == b


# JAX's results, recorded with JAX 0.10.2 (64-bit types) by running this file:
# `python tests/test_jax_semantics.py` rewrites it. Live JAX is slow here (it compiles
# each primitive, about a minute for all cases), so the suite compares tapegrad with the
# record, JAX installed or not; TAPEGRAD_JAX_LIVE=1 also checks the record against JAX.
_RECORD = pathlib.Path(__file__).with_name("jax_semantics_expected.txt")


def _recorded():
    return ast.literal_eval(_RECORD.read_text()) if _RECORD.exists() else {}


EXPECTED = _recorded()


def test_every_case_is_recorded():
    assert sorted(EXPECTED) == sorted(CASES), \
        "cases changed: rerun `python tests/test_jax_semantics.py` with JAX installed"


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_jax(name):
    if name not in EXPECTED:
        pytest.fail("no recorded JAX result: run `python tests/test_jax_semantics.py`")
    kind_jax, res_jax = EXPECTED[name]
    kind_tg, res_tg = _run(CASES[name], TG)
    assert kind_tg == kind_jax, (res_jax, res_tg)
    if kind_jax == "error":
        base = getattr(builtins, res_jax)
        assert issubclass(getattr(builtins, res_tg), base) or base is Exception, \
            (res_jax, res_tg)
    else:
        assert _same(res_tg, res_jax), (res_jax, res_tg)


@pytest.mark.skipif(not os.environ.get("TAPEGRAD_JAX_LIVE"),
                    reason="set TAPEGRAD_JAX_LIVE=1 to run JAX itself (about a minute)")
@pytest.mark.parametrize("name", sorted(CASES))
def test_record_matches_live_jax(name):
    if jax is None:
        pytest.skip("jax is not installed")
    kind, res = _run(CASES[name], JX)
    assert kind == EXPECTED[name][0] and _same(res, EXPECTED[name][1]), (res, EXPECTED[name])


if __name__ == "__main__":
    import pprint
    if jax is None:
        raise SystemExit("recording needs JAX installed")
    _RECORD.write_text(pprint.pformat({n: _run(f, JX) for n, f in sorted(CASES.items())},
                                      width=100) + "\n")
    print(f"wrote {_RECORD} ({len(CASES)} cases, JAX {jax.__version__})")
