"""Gradients never share memory: no two `.grad`s, no `.grad` and a user's tensor, no two
results of autograd.grad / tape.gradient, and a hook edits only its own gradient."""
import numpy as np
import pytest

import tapegrad as tg


def leaf(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def shares(a, b):
    return np.shares_memory(np.asarray(a._data), np.asarray(b._data))


# ---------------------------------------------------------------- .grad vs .grad

@pytest.mark.parametrize("create_graph", [False, True])
def test_sibling_leaves_get_grads_that_do_not_share_memory(create_graph):
    a, b, c = leaf([1.0, 2.0]), leaf([3.0, 4.0]), leaf([5.0, 6.0])
    (c * (a + b)).sum().backward(create_graph=create_graph)   # add hands c to a and b
    assert a.grad is not b.grad and not shares(a.grad, b.grad)
    if create_graph:                    # the copies stay in the graph
        ga, gb = a.grad, b.grad
        c.grad = None
        (ga * gb).sum().backward()
        np.testing.assert_allclose(c.grad.numpy(), [10.0, 12.0])


def test_clip_grad_norm_after_create_graph_scales_each_grad_once():
    a, b = leaf([1.0, 1.0]), leaf([1.0, 1.0])
    (a + b).sum().backward(create_graph=True)
    total = tg.nn.utils.clip_grad_norm_([a, b], 1.0)
    np.testing.assert_allclose(total.numpy(), 2.0)
    np.testing.assert_allclose(a.grad.numpy(), [0.5, 0.5], rtol=1e-5)
    np.testing.assert_allclose(b.grad.numpy(), [0.5, 0.5], rtol=1e-5)


IDENTITY_LIKE = {
    "itself": lambda t: t,
    "add_zero": lambda t: t + 0.0,
    "mul_one": lambda t: t * 1.0,
    "reshape": lambda t: t.reshape(2),
    "slice": lambda t: t[:],
    "clone": lambda t: t.clone(),
}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("name", sorted(IDENTITY_LIKE))
def test_grad_never_aliases_the_tensor_passed_as_gradient(name, create_graph):
    x = leaf([1.0, 2.0])
    g = tg.tensor(np.array([5.0, 6.0]))
    y = IDENTITY_LIKE[name](x)
    if y is not x:
        y.retain_grad()
    y.backward(gradient=g, create_graph=create_graph)
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 6.0])
    assert not shares(x.grad, g)
    if y is not x:
        assert not shares(y.grad, g) and not shares(y.grad, x.grad)
    x.grad.mul_(0.0) if not create_graph else None
    np.testing.assert_allclose(g.numpy(), [5.0, 6.0])


@pytest.mark.parametrize("create_graph", [False, True])
def test_autograd_grad_results_share_memory_with_nothing(create_graph):
    a, b = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    g = tg.tensor(np.array([1.0, 1.0]))
    ga, gb = tg.autograd.grad(a + b, [a, b], grad_outputs=g, create_graph=create_graph)
    assert not shares(ga, gb) and not shares(ga, g) and not shares(gb, g)
    (gself,) = tg.autograd.grad(a, [a], grad_outputs=g, create_graph=create_graph)
    assert not shares(gself, g)
    g1, g2 = tg.autograd.grad(a * 2.0, [a, a], grad_outputs=g, create_graph=create_graph)
    assert not shares(g1, g2)


def test_nested_tape_result_does_not_alias_output_gradients():
    x = tg.constant(np.array([1.0, 2.0]))
    og = tg.constant(np.array([3.0, 4.0]))
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            y = x + 0.0
        g = inner.gradient(y, x, output_gradients=og)
    np.testing.assert_allclose(g.numpy(), [3.0, 4.0])
    assert not shares(g, og)


# ---------------------------------------------------------------- hooks

def _mul100_returning(g):
    return g.mul_(100.0)


def _mul100_in_place(g):
    g.mul_(100.0)


HOOKS = {"returns": _mul100_returning, "in_place_only": _mul100_in_place}


def _hook_on_nonleaf_beside_a_leaf(hook, cg):
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 2.0, 3.0])
    h = a * 1.0
    h.register_hook(hook)
    (h + b).backward(tg.ones(3, dtype=np.float64), create_graph=cg)
    return {"a": a.grad, "b": b.grad}, {"a": [100.0] * 3, "b": [1.0] * 3}


def _hook_on_leaf_beside_a_leaf(hook, cg):
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 2.0, 3.0])
    a.register_hook(hook)
    (a + b).backward(tg.ones(3, dtype=np.float64), create_graph=cg)
    return {"a": a.grad, "b": b.grad}, {"a": [100.0] * 3, "b": [1.0] * 3}


def _hook_on_leaf_under_sum(hook, cg):
    # sum's rule hands out a read-only broadcast view: the hook still gets a writable copy
    a, b = leaf([1.0, 2.0, 3.0]), leaf([1.0, 2.0, 3.0])
    a.register_hook(hook)
    (a + b).sum().backward(create_graph=cg)
    return {"a": a.grad, "b": b.grad}, {"a": [100.0] * 3, "b": [1.0] * 3}


def _hook_on_root_leaf(hook, cg):
    a = leaf([1.0, 2.0, 3.0])
    g = tg.ones(3, dtype=np.float64)
    a.register_hook(hook)
    a.backward(g, create_graph=cg)
    return {"a": a.grad, "g": g}, {"a": [100.0] * 3, "g": [1.0] * 3}


def _hook_on_branch(hook, cg):
    x = leaf([1.0, 2.0, 3.0])
    p, q = x * 1.0, x * 2.0
    p.register_hook(hook)
    (p + q).sum().backward(create_graph=cg)
    return {"x": x.grad}, {"x": [102.0] * 3}


def _hook_beside_retained(hook, cg):
    x = leaf([1.0, 2.0, 3.0])
    p = x * 1.0
    p.retain_grad()
    q = x * 2.0
    q.register_hook(hook)
    (p + q).backward(tg.ones(3, dtype=np.float64), create_graph=cg)
    return {"x": x.grad, "p": p.grad}, {"x": [201.0] * 3, "p": [1.0] * 3}


SCENES = {f.__name__[1:]: f for f in (_hook_on_nonleaf_beside_a_leaf,
                                      _hook_on_leaf_beside_a_leaf, _hook_on_leaf_under_sum,
                                      _hook_on_root_leaf, _hook_on_branch,
                                      _hook_beside_retained)}


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("hook", sorted(HOOKS))
@pytest.mark.parametrize("scene", sorted(SCENES))
def test_a_hook_editing_its_gradient_in_place_changes_only_its_own(scene, hook, create_graph):
    got, want = SCENES[scene](HOOKS[hook], create_graph)
    for k in want:
        np.testing.assert_allclose(got[k].numpy(), want[k], err_msg=k)


def test_grad_does_not_alias_the_tensor_a_hook_kept():
    kept = []
    a = leaf([1.0, 2.0])
    a.register_hook(kept.append)
    (a * 3.0).sum().backward()
    assert not shares(a.grad, kept[0])
    a.grad.zero_()
    np.testing.assert_allclose(kept[0].numpy(), [3.0, 3.0])


def test_grad_does_not_alias_the_tensor_a_hook_returned():
    mine = tg.tensor(np.array([7.0, 8.0]))
    a = leaf([1.0, 2.0])
    a.register_hook(lambda g: mine)
    (a * 3.0).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [7.0, 8.0])
    assert not shares(a.grad, mine)


BAD_HOOK_RESULTS = {
    "string": (lambda g: "abc", TypeError, r"returned str"),
    "list": (lambda g: [1.0, 2.0], TypeError, r"returned list"),
    "shape": (lambda g: tg.ones(3, dtype=np.float64), RuntimeError, r"shape \(3,\)"),
    "dtype": (lambda g: tg.ones(2, dtype=np.float32), RuntimeError, r"dtype float32"),
}


@pytest.mark.parametrize("leaf_hook", [True, False])
@pytest.mark.parametrize("case", sorted(BAD_HOOK_RESULTS))
def test_a_hook_returning_a_bad_gradient_is_refused_naming_the_hook(case, leaf_hook):
    fn, err, phrase = BAD_HOOK_RESULTS[case]
    a = leaf([1.0, 2.0])
    t = a if leaf_hook else a * 1.0
    t.register_hook(fn)
    with pytest.raises(err, match=r"register_hook: hook '<lambda>'.*" + phrase):
        (t * 3.0).sum().backward()


@pytest.mark.parametrize("f", [lambda a: a, lambda a: a.reshape(2)], ids=["itself", "reshape"])
def test_jvp_tangent_out_never_aliases_the_tangent_passed_in(f):
    x = tg.tensor(np.array([1.0, 2.0]))
    t = tg.tensor(np.array([1.0, 1.0]))
    _, t_out = tg.jvp(f, (x,), (t,))
    np.testing.assert_allclose(t_out.numpy(), [1.0, 1.0])
    assert not shares(t_out, t)


class _DoubleInPlace(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 1.0

    @staticmethod
    def backward(ctx, g):
        g.mul_(2.0)                     # edits the cotangent it was given
        return g


@tg.custom_gradient
def _double_in_place(x):
    def grad_fn(dy):
        dy.mul_(2.0)
        return dy
    return x * 1.0, grad_fn


@pytest.mark.parametrize("create_graph", [False, True])
@pytest.mark.parametrize("fn", [_DoubleInPlace.apply, _double_in_place],
                         ids=["Function", "custom_gradient"])
def test_a_custom_backward_editing_its_cotangent_does_not_touch_a_siblings(fn, create_graph):
    x, z = leaf([1.0, 2.0]), leaf([1.0, 2.0])
    (fn(x) + z).backward(tg.ones(2, dtype=np.float64), create_graph=create_graph)
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0])
    np.testing.assert_allclose(z.grad.numpy(), [1.0, 1.0])
