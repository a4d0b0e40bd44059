"""Tensor hooks: called with the gradient when it is computed; a returned tensor replaces it."""
import numpy as np
import pytest

import tapegrad as tg


def test_leaf_hook_sees_the_gradient_and_can_replace_it():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    x.register_hook(lambda g: seen.append(g.numpy().copy()))
    x.register_hook(lambda g: g * 10)
    (x * x).sum().backward()
    np.testing.assert_allclose(seen[0], [2.0, 4.0])
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 40.0])


def test_hook_receives_a_tensor():
    x = tg.tensor([1.0], requires_grad=True)
    kinds = []
    x.register_hook(lambda g: kinds.append(type(g)))
    (x * 3).sum().backward()
    assert kinds == [tg.Tensor]


def test_intermediate_hook_changes_what_flows_upstream():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.register_hook(lambda g: g * 0.5)
    (y * y).sum().backward()
    # d/dx (3x)^2 = 18x, halved at y
    np.testing.assert_allclose(x.grad.numpy(), [9.0, 18.0])


def test_hook_on_a_tensor_used_twice_runs_once_with_the_total():
    x = tg.tensor([1.0], requires_grad=True)
    y = x * 2
    calls = []
    y.register_hook(lambda g: calls.append(g.item()))
    (y * 3 + y * 4).sum().backward()
    assert calls == [7.0]


def test_hooks_run_in_registration_order_and_chain():
    x = tg.tensor([1.0], requires_grad=True)
    order = []

    def first(g):
        order.append(("first", g.item()))
        return g + 1

    def second(g):
        order.append(("second", g.item()))
        return g * 2

    x.register_hook(first)
    x.register_hook(second)
    (x * 5).sum().backward()
    assert order == [("first", 5.0), ("second", 6.0)]
    assert x.grad.item() == 12.0


def test_removed_hook_is_not_called():
    x = tg.tensor([1.0], requires_grad=True)
    calls = []
    handle = x.register_hook(lambda g: calls.append(1))
    handle.remove()
    handle.remove()                           # removing twice is harmless
    (x * 2).sum().backward()
    assert calls == []
    y = x * 2
    h2 = y.register_hook(lambda g: g * 100)
    h2.remove()
    x.grad = None
    y.sum().backward()
    assert x.grad.item() == 2.0


def test_hooks_apply_to_autograd_grad_and_tapes():
    x = tg.tensor([2.0], requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * 3)
    (gx,) = tg.autograd.grad(y.sum(), x)
    assert gx.item() == 12.0
    assert x.grad is None

    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        w = v * v
        w.register_hook(lambda g: g * 3)
    assert tape.gradient(w, v).item() == 12.0


def test_retained_gradient_includes_the_hook():
    x = tg.tensor([1.0], requires_grad=True)
    y = x * 2
    y.retain_grad()
    y.register_hook(lambda g: g * 5)
    (y * 3).sum().backward()
    assert y.grad.item() == 15.0
    assert x.grad.item() == 30.0


def test_hook_under_create_graph_is_differentiated():
    x = tg.tensor(3.0, dtype="float64", requires_grad=True)
    y = x * x
    y.register_hook(lambda g: g * x)           # the replacement depends on x
    (gx,) = tg.autograd.grad(y * 1.0, x, create_graph=True)
    # gx = (1 * x) * 2x = 2x^2 -> d/dx = 4x
    assert gx.item() == 18.0
    (ggx,) = tg.autograd.grad(gx, x)
    assert ggx.item() == 12.0


def test_hook_on_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.tensor([1.0]).register_hook(lambda g: g)


def test_hook_returning_a_numpy_array_is_accepted():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    x.register_hook(lambda g: np.array([7.0, 8.0], dtype=np.float32))
    (x * 1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [7.0, 8.0])


def test_hook_on_custom_function_output_and_on_grad_fn():
    class Double(tg.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            return t * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    x = tg.tensor([1.0], requires_grad=True)
    y = Double.apply(x)
    y.register_hook(lambda g: g + 1)
    (y * 4).sum().backward()
    assert x.grad.item() == 10.0
    # a hook on the node itself (PyTorch's grad_fn.register_hook runs on the same value)
    x.grad = None
    z = x * 3
    z.grad_fn.register_hook(lambda g: g * 0)
    z.sum().backward()
    assert x.grad.item() == 0.0


def test_module_parameter_hooks_and_gradient_clipping_by_hook():
    lin = tg.nn.Linear(3, 2)
    for p in lin.parameters():
        p.register_hook(lambda g: tg.clip(g, -0.01, 0.01))
    out = lin(tg.ones((4, 3)) * 100).sum()
    out.backward()
    for p in lin.parameters():
        assert np.abs(p.grad.numpy()).max() <= 0.01 + 1e-9


def test_hook_changing_the_shape_is_an_error_naming_the_hook():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2

    def widen(g):
        return tg.ones(3)

    y.register_hook(widen)
    with pytest.raises(RuntimeError, match=r"hook 'widen' returned a gradient of shape "
                                           r"\(3,\) for a tensor of shape \(2,\)"):
        (y * y).sum().backward()
    x.register_hook(widen)
    with pytest.raises(RuntimeError, match="hook 'widen'"):
        (x * x).sum().backward()


def test_forward_hook_captures_activations_and_their_gradients():
    # the Grad-CAM pattern: a module forward hook grabs the activation and puts a
    # tensor hook on it to catch the gradient arriving there
    tg.manual_seed(0)
    model = tg.nn.Sequential(tg.nn.Linear(4, 8), tg.nn.ReLU(), tg.nn.Linear(8, 3))
    store = {}

    def keep(module, args, out):
        store["act"] = out
        out.register_hook(lambda g: store.__setitem__("grad", g))

    handle = model[1].register_forward_hook(keep)
    x = tg.randn(5, 4)
    score = model(x)[:, 2].sum()
    score.backward()
    act, grad = store["act"], store["grad"]
    assert act.shape == grad.shape == (5, 8)
    # the gradient of the score w.r.t. the ReLU output is row 2 of the last weight
    w2 = model[2].weight.numpy()
    np.testing.assert_allclose(grad.numpy(), np.broadcast_to(w2[2], (5, 8)), rtol=1e-6)
    handle.remove()
    store.clear()
    model(x)
    assert store == {}
