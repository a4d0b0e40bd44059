"""tg.checkpoint: same gradients as eager, far less memory held for backward."""
import tracemalloc

import numpy as np
import pytest

import tapegrad as tg


def _mlp_params(rng, depth, width):
    return [(tg.tensor(rng.standard_normal((width, width)) / np.sqrt(width), requires_grad=True),
             tg.tensor(np.zeros(width), requires_grad=True)) for _ in range(depth)]


def _block(h, layers):
    for w, b in layers:
        h = tg.tanh(h @ w + b)
    return h


def _loss(x, params, segment):
    h = x
    for i in range(0, len(params), segment):
        layers = params[i:i + segment]
        if segment == 0:
            h = _block(h, params)
            break
        h = tg.checkpoint(_block, h, layers)
    return (h * h).mean()


def _run(x, params, segment):
    for w, b in params:
        w.grad = b.grad = None
    tracemalloc.start()
    try:
        loss = _loss(x, params, segment) if segment else (_block(x, params) ** 2).mean()
        loss.backward()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return loss.item(), [g for w, b in params for g in (w.grad.numpy(), b.grad.numpy())], peak


def test_fifty_layer_mlp_identical_grads_and_at_least_3x_less_peak_memory(rng):
    # segments of about sqrt(50) layers: 8 boundary activations plus one segment's worth
    params = _mlp_params(rng, depth=50, width=32)
    x = tg.tensor(rng.standard_normal((1024, 32)))
    loss0, grads0, peak0 = _run(x, params, segment=0)
    loss1, grads1, peak1 = _run(x, params, segment=7)
    assert loss1 == loss0
    for a, b in zip(grads0, grads1):
        np.testing.assert_array_equal(a, b)
    assert peak0 / peak1 >= 3, (peak0, peak1)


def test_parameters_read_from_outside_get_gradients(rng):
    w = tg.tensor(rng.standard_normal(3), requires_grad=True)
    x = tg.tensor(rng.standard_normal(3), requires_grad=True)
    tg.checkpoint(lambda x: tg.sin(x * w).sum(), x).backward()
    np.testing.assert_allclose(w.grad.numpy(), np.cos(x.numpy() * w.numpy()) * x.numpy())
    np.testing.assert_allclose(x.grad.numpy(), np.cos(x.numpy() * w.numpy()) * w.numpy())


def test_saved_values_are_dropped_until_backward(rng):
    x = tg.tensor(rng.standard_normal(4), requires_grad=True)
    y = tg.checkpoint(lambda x: tg.exp(tg.tanh(x)), x)
    node = y.grad_fn
    assert type(node._saved).__name__ == "_Pending"
    y.sum().backward()
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(x.grad.numpy(), np.exp(t) * (1 - t * t))


def test_pytree_and_keyword_arguments(rng):
    a = tg.tensor(rng.standard_normal(2), requires_grad=True)
    b = tg.tensor(rng.standard_normal(2), requires_grad=True)

    def f(pair, scale=1.0):
        return (pair[0] * pair[1] * scale).sum()

    tg.checkpoint(f, (a, b), scale=3.0).backward()
    np.testing.assert_allclose(a.grad.numpy(), 3 * b.numpy())
    np.testing.assert_allclose(b.grad.numpy(), 3 * a.numpy())


def test_dropout_draws_the_same_mask_when_recomputed(rng):
    x = tg.tensor(rng.standard_normal((8, 16)), requires_grad=True)

    def f(x):
        return tg.nn.functional.dropout(tg.tanh(x), p=0.5, training=True)

    tg.manual_seed(7)
    f(x).sum().backward()
    eager_grad = x.grad.numpy().copy()
    after_eager = tg.get_rng_state()
    x.grad = None
    tg.manual_seed(7)
    y = tg.checkpoint(f, x)
    tg.randn(3)                             # the program goes on drawing numbers
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), eager_grad)
    tg.manual_seed(7)
    f(x)
    assert tg.get_rng_state() == after_eager


def test_transforms_tapes_and_second_derivatives(rng):
    x0 = rng.standard_normal(3)

    def f(x):
        return tg.checkpoint(lambda x: (tg.sin(x) * x).sum(), x)

    g = tg.grad(f)(tg.tensor(x0))
    np.testing.assert_allclose(g.numpy(), np.cos(x0) * x0 + np.sin(x0))
    h = tg.hessian(f)(tg.tensor(x0))
    np.testing.assert_allclose(np.diag(h.numpy()), 2 * np.cos(x0) - x0 * np.sin(x0))
    v = tg.Variable(x0)
    with tg.GradientTape() as tape:
        y = f(v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), g.numpy())


def test_nested_checkpoints(rng):
    x = tg.tensor(rng.standard_normal(5), requires_grad=True)

    def inner(x):
        return tg.exp(x) * 0.5

    def outer(x):
        return tg.checkpoint(inner, tg.sin(x)).sum()

    tg.checkpoint(outer, x).backward()
    s = np.sin(x.numpy())
    np.testing.assert_allclose(x.grad.numpy(), 0.5 * np.exp(s) * np.cos(x.numpy()))


def test_retain_graph_backward_twice(rng):
    x = tg.tensor(rng.standard_normal(3), requires_grad=True)
    y = tg.checkpoint(lambda x: (x ** 3).sum(), x)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 6 * x.numpy() ** 2)


def test_a_function_that_changes_path_is_refused(rng):
    calls = []

    def f(x):
        calls.append(1)
        return x * 2 if len(calls) == 1 else tg.exp(x)

    y = tg.checkpoint(f, tg.tensor([1.0], requires_grad=True))
    with pytest.raises(RuntimeError, match="checkpoint: running the function again"):
        y.sum().backward()


def test_no_grad_and_non_callables():
    x = tg.tensor([1.0], requires_grad=True)
    with tg.no_grad():
        assert tg.checkpoint(lambda x: x * 2, x).grad_fn is None
    with pytest.raises(TypeError, match="checkpoint: the first argument"):
        tg.checkpoint(x, x)


def test_inside_a_traced_function(rng):
    f = tg.function(lambda x: tg.checkpoint(lambda x: tg.tanh(x) * x, x).sum())
    x = tg.tensor(rng.standard_normal(3), requires_grad=True)
    f(x).backward()
    t = np.tanh(x.numpy())
    np.testing.assert_allclose(x.grad.numpy(), t + x.numpy() * (1 - t * t))
