"""Fixes for what ported tutorial programs tripped on (session 12): each test fails
without its fix. The programs themselves are in tests/ports/."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp


# vmap over a pullback made outside it (JAX's `vmap(vjp_fun)(M)`, the cookbook's
# matrix-Jacobian product and its jacrev): the cotangents were read as NaN placeholders

def _sigmoid_layer(w):
    x = tnp.array([[0.5, 1.1, 0.7], [0.8, -1.0, 0.1], [0.5, 0.0, -1.3], [0.7, -2.4, 1.3]])
    return 0.5 * (tnp.tanh(tnp.dot(x, w) / 2) + 1)


def test_vmap_of_a_pullback_made_outside_matches_a_loop():
    w = np.array([0.3, -0.2, 0.5])
    y, pullback = tg.vjp(_sigmoid_layer, w)
    cts = np.random.default_rng(0).normal(size=(6, 4))
    got, = tg.vmap(pullback)(cts)
    want = np.stack([pullback(c)[0].numpy() for c in cts])
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)
    assert not got.requires_grad and got.grad_fn is None


def test_jacobian_from_vmap_of_vjp_equals_jacrev():
    w = np.array([0.3, -0.2, 0.5])
    y, pullback = tg.vjp(_sigmoid_layer, w)
    jac, = tg.vmap(pullback)(np.eye(4))
    np.testing.assert_allclose(jac.numpy(), tg.jacrev(_sigmoid_layer)(w).numpy(), rtol=1e-12)


def test_vmap_of_pullback_stays_differentiable_for_an_outer_grad():
    def f(w):
        _, pullback = tg.vjp(lambda v: tnp.sin(v) * v, w)
        rows, = tg.vmap(pullback)(tnp.eye(3))
        return tnp.sum(rows ** 2)
    w = np.array([0.1, 0.7, -0.4])
    g = tg.grad(f)(w)
    # rows = diag(cos(w) w + sin(w)); d/dw of sum(rows^2) = 2 r r'
    r = np.cos(w) * w + np.sin(w)
    dr = -np.sin(w) * w + 2 * np.cos(w)
    np.testing.assert_allclose(g.numpy(), 2 * r * dr, rtol=1e-12)


# torch.autograd's view of a node's saved values and node hooks

def test_saved_values_of_a_node_under_torch_names():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.pow(2)
    assert y.grad_fn._saved_self.equal(x)
    assert y.grad_fn._saved_exponent == 2
    e = x.exp()
    assert e.grad_fn._saved_result.equal(e)
    s = x.sum(0)
    assert s.grad_fn._saved_dim == (0,)
    with pytest.raises(AttributeError, match="has _saved_result"):
        e.grad_fn._saved_other
    e.sum().backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        e.grad_fn._saved_result


def test_node_hook_sees_grad_inputs_and_outputs_and_may_replace_them():
    c = tg.tensor(3.0, requires_grad=True)
    d = c * c
    seen = []
    d.grad_fn.register_hook(lambda gin, gout: seen.append((gin, gout)))
    d.backward()
    (gin, gout), = seen
    assert [g.item() for g in gin] == [3.0, 3.0] and gout[0].item() == 1.0
    c.grad = None
    d = c * c
    d.grad_fn.register_hook(lambda gin, gout: (gin[0] * 0, gin[1]))
    d.backward()
    assert c.grad.item() == 3.0


def test_node_prehook_replaces_the_output_gradient():
    c = tg.tensor(3.0, requires_grad=True)
    d = c * 2
    h = d.grad_fn.register_prehook(lambda gout: (gout[0] * 10,))
    d.backward(retain_graph=True)
    assert c.grad.item() == 20.0
    h.remove()
    d.backward()
    assert c.grad.item() == 22.0


def test_one_argument_node_hook_and_two_parameter_tensor_hook_keep_their_meaning():
    x = tg.tensor([1.0], requires_grad=True)
    z = x * 3
    z.grad_fn.register_hook(lambda g: g * 0)    # on the arriving gradient, as before
    z.sum().backward()
    assert x.grad.item() == 0.0
    x.grad = None
    w = x * 3

    def scale(g, factor=2.0):
        return g * factor
    w.register_hook(scale)                      # a tensor hook: one gradient in
    w.sum().backward()
    assert x.grad.item() == 6.0


def test_post_accumulate_grad_hook_runs_after_grad_is_set():
    p = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    h = p.register_post_accumulate_grad_hook(lambda t: seen.append(t.grad.numpy().copy()))
    (p ** 2).sum().backward()
    np.testing.assert_array_equal(seen[0], [2.0, 4.0])
    h.remove()
    (p ** 2).sum().backward()
    assert len(seen) == 1
    with pytest.raises(RuntimeError, match="leaf"):
        (p * 2).register_post_accumulate_grad_hook(print)


def test_unpack_dual_has_primal_and_tangent_names():
    import tapegrad.autograd.forward_ad as fwAD
    with fwAD.dual_level():
        d = fwAD.make_dual(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.5]))
        out = fwAD.unpack_dual(d ** 2)
    np.testing.assert_allclose(out.tangent.numpy(), [2.0, 2.0])
    primal, tangent = out
    assert primal is out.primal


def test_module_to_meta_keeps_a_skeleton_for_functional_call():
    model = tg.nn.Linear(3, 2)
    params = {k: v.detach() * 2 for k, v in model.named_parameters()}
    x = tg.ones(1, 3)
    want = x @ params["weight"].T + params["bias"]
    assert model.to("meta") is model
    got = tg.func.functional_call(model, params, (x,))
    np.testing.assert_allclose(got.numpy(), want.numpy())
    with pytest.raises(ValueError, match="CPU only"):
        model.to("cuda")
