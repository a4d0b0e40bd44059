"""The reverse-mode engine: order, accumulation, memory, higher order, grad mode, errors."""
import gc
import os
import threading
import time
import weakref

import numpy as np
import pytest

import tapegrad as tg


def leaf(values, dtype=np.float64):
    return tg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# ------------------------------------------------------------------ depth and order

def test_million_op_chain_backpropagates_without_recursion_error():
    # neg saves nothing, so the chain costs one node per op and no saved arrays. The
    # pure-Python pass (test.sh) runs a quarter of it: a recursive loop or free would
    # fail after a few thousand nodes, and the pure chain takes 4x the C one's time
    n = 250_000 if os.environ.get("TAPEGRAD_PURE_PYTHON") else 1_000_000
    x = leaf(0.5)
    y = x
    start = time.perf_counter()
    for _ in range(n):
        y = -y
    y.backward()
    elapsed = time.perf_counter() - start
    assert x.grad.item() == 1.0
    del y                       # freeing a million-node graph must not recurse either
    print(f"{n:,}-op chain: forward + backward + free in {elapsed:.1f} s")


def test_diamond_graph_accumulates_both_paths_before_running_a_node():
    x = leaf(2.0)
    a = x * 3.0
    b = a.exp()
    c = a * a
    (b + c).backward()
    expected = 3.0 * np.exp(6.0) + 2 * 6.0 * 3.0
    assert np.isclose(x.grad.item(), expected)


def test_a_tensor_used_many_times_gets_the_sum_of_its_gradients():
    x = leaf([1.0, 2.0])
    y = x + x * x + x.sum()
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 1 + 2 * x.numpy() + 2)


# ------------------------------------------------------------------ leaves and .grad

def test_leaf_grads_accumulate_across_backward_calls():
    x = leaf([1.0, 2.0, 3.0])
    (x * x).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 4 * x.numpy())


def test_zeroing_grad_between_calls_starts_over():
    x = leaf([1.0, 2.0])
    (3 * x).sum().backward()
    x.grad = None
    (5 * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 5.0])


def test_grad_is_not_an_alias_of_the_incoming_gradient():
    # add hands the same cotangent to both inputs; each leaf must own its .grad
    x, y = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    (x + y).sum().backward()
    x.grad.numpy()[0] = 100.0
    assert y.grad.numpy()[0] == 1.0


def test_grads_of_leaves_that_do_not_require_grad_stay_none():
    x = leaf([1.0, 2.0])
    c = tg.tensor(np.array([3.0, 4.0]))
    (x * c).sum().backward()
    assert c.grad is None and x.grad is not None


def test_retain_grad_keeps_the_gradient_of_a_non_leaf():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    h.retain_grad()
    k = x * 2.0                          # not retained
    (h * h + k).sum().backward()
    assert not h.is_leaf and h.retains_grad
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.numpy())
    assert k.grad is None
    np.testing.assert_allclose(x.grad.numpy(), 18 * x.numpy() + 2.0)


def test_backward_with_inputs_fills_only_those_leaves():
    x, y = leaf(2.0), leaf(3.0)
    (x * y).backward(inputs=[x])
    assert x.grad.item() == 3.0 and y.grad is None


def test_backward_with_a_non_leaf_input_fills_its_grad():
    x = leaf([1.0, 2.0])
    h = x * 3.0
    (h * h).sum().backward(inputs=[h])
    np.testing.assert_allclose(h.grad.numpy(), 2 * h.numpy())
    assert x.grad is None
    h.retain_grad()                      # retained and named: still counted once
    (h * h).sum().backward(inputs=[h, x])
    np.testing.assert_allclose(h.grad.numpy(), 4 * h.numpy())
    np.testing.assert_allclose(x.grad.numpy(), 18 * x.numpy())


def test_backward_gradient_argument_weights_a_non_scalar_output():
    x = leaf([1.0, 2.0, 3.0])
    y = x * x
    y.backward(gradient=tg.tensor(np.array([1.0, 0.0, 2.0])))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 0.0, 12.0])


def test_gradient_may_be_a_numpy_array():
    x = leaf([1.0, 2.0])
    (x * 2.0).backward(np.array([1.0, 3.0]))
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 6.0])
    (g,) = tg.autograd.grad(x * x, x, grad_outputs=np.array([1.0, -1.0]))
    np.testing.assert_allclose(g.numpy(), [2.0, -4.0])


def test_grad_fn_names_and_next_functions():
    x = leaf([1.0, 2.0])
    y = (x * 2.0 + 1.0).exp().sum()
    assert x.grad_fn is None and x.is_leaf
    assert y.grad_fn.name() == "SumBackward"
    (exp_fn, _), = y.grad_fn.next_functions
    assert exp_fn.name() == "ExpBackward"
    (add_fn, _), = exp_fn.next_functions
    assert add_fn.name() == "AddBackward"
    mul_fn = add_fn.next_functions[0][0]
    assert mul_fn.name() == "MulBackward"
    assert mul_fn.next_functions[0][0].name() == "AccumulateGrad"


# ------------------------------------------------------------------ memory

def test_saved_arrays_are_freed_by_backward_while_the_graph_is_still_referenced():
    x = leaf(np.linspace(0.0, 1.0, 1000))
    e = (x * 2.0).exp()                  # exp saves its output
    saved = weakref.ref(e.detach().numpy())
    s = e.sum()
    del e
    assert saved() is not None           # only the graph holds it now
    s.backward()
    assert saved() is None, "exp's saved output outlived the backward that used it"
    assert s.grad_fn is not None         # the graph itself is still there


def test_saved_arrays_are_freed_when_the_graph_is_dropped_without_gc():
    gc.disable()
    try:
        x = leaf(np.ones(1000))
        e = x.exp()
        saved = weakref.ref(e.detach().numpy())
        node = weakref.ref(e.grad_fn)
        s = e.sum()
        del e
        s.backward(retain_graph=True)
        assert saved() is not None       # retain_graph keeps the buffers
        del s
        # freed by reference counting the moment it is dropped: no cycles to collect
        assert saved() is None and node() is None
    finally:
        gc.enable()


def test_memory_returns_after_backward(rng):
    import tracemalloc
    x = leaf(rng.standard_normal(200_000))
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        loss = (x.exp() * x.sin()).tanh().sum()
        held = tracemalloc.get_traced_memory()[0] - base
        loss.backward()
        del loss
        after = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    assert held > 2.9 * 1_600_000        # exp, sin and tanh outputs (1.6 MB each) are saved
    assert after < 1.3 * 1_600_000, f"{after} bytes still held (x.grad is 1.6 MB)"


def test_second_backward_raises_naming_retain_graph():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_retain_graph_allows_a_second_backward():
    x = leaf([1.0, 2.0])
    y = (x.exp() * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    ex = np.exp(x.numpy())
    np.testing.assert_allclose(x.grad.numpy(), 2 * (ex + x.numpy() * ex))


# ------------------------------------------------------------------ higher order

def test_create_graph_gives_second_and_third_derivatives():
    x = leaf(0.7)
    y = x ** 3 * x.sin()
    (d1,) = tg.autograd.grad(y, x, create_graph=True)
    (d2,) = tg.autograd.grad(d1, x, create_graph=True)
    (d3,) = tg.autograd.grad(d2, x)
    v = 0.7
    s, c = np.sin(v), np.cos(v)
    assert np.isclose(d1.item(), 3 * v ** 2 * s + v ** 3 * c)
    assert np.isclose(d2.item(), 6 * v * s + 6 * v ** 2 * c - v ** 3 * s)
    assert np.isclose(d3.item(), 6 * s + 18 * v * c - 9 * v ** 2 * s - v ** 3 * c)
    assert d3.grad_fn is None


def test_mixed_second_partials_through_backward_create_graph():
    x, y = leaf(1.5), leaf(-0.5)
    f = x * x * y + (x * y).exp()
    (gx,) = tg.autograd.grad(f, x, create_graph=True)
    gx.backward()
    # d2f/dx2 = 2y + y^2 e^{xy},  d2f/dxdy = 2x + e^{xy} + xy e^{xy}
    e = np.exp(1.5 * -0.5)
    assert np.isclose(x.grad.item(), 2 * -0.5 + 0.25 * e)
    assert np.isclose(y.grad.item(), 3.0 + e + 1.5 * -0.5 * e)


def test_first_order_backward_builds_no_graph():
    x = leaf([0.5, 1.5])
    y = (x.tanh() * x).sum()
    (g,) = tg.autograd.grad(y, x, retain_graph=True)
    assert g.grad_fn is None and not g.requires_grad
    y.backward()
    assert x.grad.grad_fn is None and not x.grad.requires_grad


def test_grad_returns_a_tuple_and_leaves_dot_grad_alone():
    x, y = leaf(2.0), leaf(3.0)
    gs = tg.autograd.grad(x * y, [x, y])
    assert isinstance(gs, tuple) and [g.item() for g in gs] == [3.0, 2.0]
    assert x.grad is None and y.grad is None


def test_grad_of_an_unused_input_raises_unless_allowed():
    x, y = leaf(2.0), leaf(3.0)
    with pytest.raises(RuntimeError, match="allow_unused"):
        tg.autograd.grad(x * 2.0, [x, y], retain_graph=True)
    gx, gy = tg.autograd.grad(x * 2.0, [x, y], allow_unused=True)
    assert gx.item() == 2.0 and gy is None


def test_grad_outputs_weight_the_outputs():
    x = leaf([1.0, 2.0])
    (g,) = tg.autograd.grad(x * x, x, grad_outputs=tg.tensor(np.array([1.0, -1.0])))
    np.testing.assert_allclose(g.numpy(), [2.0, -4.0])


# ------------------------------------------------------------------ grad mode

def test_no_grad_stops_recording_and_enable_grad_resumes():
    x = leaf([1.0])
    with tg.no_grad():
        assert not tg.is_grad_enabled()
        y = x * 2
        with tg.enable_grad():
            assert tg.is_grad_enabled()
            z = x * 2
    assert tg.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None
    assert z.requires_grad and z.grad_fn is not None


def test_no_grad_works_as_a_decorator_and_restores_on_error():
    @tg.no_grad()
    def double(t):
        return t * 2

    assert not double(leaf([1.0])).requires_grad
    with pytest.raises(ValueError):
        with tg.no_grad():
            raise ValueError("inside")
    assert tg.is_grad_enabled()


def test_grad_mode_is_per_thread():
    seen = {}

    def worker():
        x = leaf([1.0])
        seen["enabled"] = tg.is_grad_enabled()
        seen["records"] = (x * 2).grad_fn is not None
        with tg.no_grad():
            seen["inner"] = tg.is_grad_enabled()
            barrier.wait()          # the main thread checks its own mode now
            barrier.wait()

    barrier = threading.Barrier(2, timeout=10)     # a failing worker must not hang the test
    with tg.no_grad():
        t = threading.Thread(target=worker)
        t.start()
        barrier.wait()
        assert not tg.is_grad_enabled()
        barrier.wait()
        t.join()
    assert seen == {"enabled": True, "records": True, "inner": False}
    assert tg.is_grad_enabled()


def test_a_threads_no_grad_does_not_leak_into_the_main_thread():
    inside, done = threading.Event(), threading.Event()

    def worker():
        with tg.no_grad():
            inside.set()
            done.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    try:
        assert tg.is_grad_enabled()
        assert (leaf([1.0]) * 2).requires_grad
    finally:
        done.set()
        t.join()


def test_detach_shares_data_and_cuts_the_graph():
    x = leaf([1.0, 2.0])
    y = x * 3.0
    d = y.detach()
    assert d.grad_fn is None and not d.requires_grad and d.is_leaf
    assert np.shares_memory(d.numpy(), y.numpy())
    (y * d).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3.0 * d.numpy())


# ------------------------------------------------------------------ version counters

def test_setitem_on_a_saved_tensor_makes_backward_raise_naming_the_op():
    x = leaf([1.0, 2.0, 3.0])
    h = x * 1.0
    y = (h * h).sum()                   # mul saves h
    h[0] = 10.0
    with pytest.raises(RuntimeError, match="MulBackward") as err:
        y.backward()
    assert "modified in place" in str(err.value)


def test_writing_through_a_view_of_a_saved_tensor_is_caught():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    base = x * 1.0
    view = base[1:3]
    y = view.exp().sum() + (view * view).sum()
    base[2] = 0.0                        # shares the view's version counter
    with pytest.raises(RuntimeError, match="in place"):
        y.backward()


def test_setitem_on_a_tensor_nobody_saved_is_fine():
    x = leaf([1.0, 2.0])
    h = x + 1.0
    y = (h + 2.0).sum()                  # add saves nothing
    h[0] = 5.0
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 1.0])


def test_in_place_change_of_a_saved_output_is_caught():
    x = leaf([0.5, 1.0])
    e = x.exp()                          # exp saves its output
    y = e.sum()
    with tg.no_grad():
        e[1] = 0.0
    with pytest.raises(RuntimeError, match="ExpBackward"):
        y.backward()


def test_in_place_arithmetic_on_a_non_leaf_is_recorded_correctly():
    x = leaf([1.0, 2.0])
    y = x * 1.0
    y.mul_(3.0)
    y.add_(x)
    y.mul_(y)                            # reads itself: must not trip its own version check
    y.div_(2.0)
    y.clamp_(0.0, 10.0)
    y.sub_(x, alpha=2)
    y.sum().backward()
    # y = clip(8 x^2, 0, 10) - 2x
    np.testing.assert_allclose(y.numpy(), [6.0, 6.0])
    np.testing.assert_allclose(x.grad.numpy(), [14.0, -2.0])


def test_in_place_arithmetic_on_a_saved_output_names_the_op_that_saved_it():
    x = leaf([1.0, 2.0])
    y = x.exp()
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match="ExpBackward"):
        y.sum().backward()


def test_in_place_update_of_a_leaf_under_no_grad_keeps_it_a_leaf():
    p = leaf([1.0, 2.0])
    with tg.no_grad():
        p.sub_(tg.tensor(np.array([1.0, 1.0])), alpha=0.5)
        p.mul_(2.0)
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    np.testing.assert_allclose(p.numpy(), [1.0, 3.0])


# ------------------------------------------------------------------ errors users act on

def test_shape_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ValueError, match=r"mul: shapes \(3, 4\) and \(5,\)"):
        tg.mul(tg.ones((3, 4)), tg.ones(5))
    with pytest.raises(ValueError, match=r"add.*\(2, 3\).*\(4,\)"):
        tg.ones((2, 3)) + np.ones(4)
    with pytest.raises(ValueError, match=r"matmul.*\(2, 3\).*\(4, 5\)"):
        tg.ones((2, 3)) @ tg.ones((4, 5))


def test_backward_on_a_non_scalar_needs_a_gradient():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="gradient"):
        (x * 2).backward()


def test_backward_with_a_wrong_shaped_gradient_names_both_shapes():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match=r"\(3,\).*\(2,\)"):
        (x * 2).backward(tg.ones(3))


def test_requires_grad_on_an_integer_tensor_is_refused():
    with pytest.raises(RuntimeError, match="floating point"):
        tg.tensor([1, 2], requires_grad=True)
    t = tg.tensor([1, 2])
    with pytest.raises(RuntimeError, match="int64"):
        t.requires_grad_()


def test_backward_through_a_tensor_without_history_says_so():
    with pytest.raises(RuntimeError, match="does not require grad"):
        tg.tensor([1.0, 2.0]).sum().backward()


def test_requires_grad_cannot_be_switched_off_on_a_non_leaf():
    y = leaf([1.0]) * 2
    with pytest.raises(RuntimeError, match="leaf"):
        y.requires_grad = False


def test_in_place_change_of_a_leaf_that_requires_grad_is_refused_while_recording():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="no_grad"):
        x[0] = 3.0
    with tg.no_grad():
        x[0] = 3.0
    assert x.numpy()[0] == 3.0


# ------------------------------------------------------------------ hooks

def test_a_hook_sees_and_can_replace_the_gradient():
    x = leaf([1.0, 2.0])
    h = x * 2.0
    seen = []
    h.register_hook(lambda g: seen.append(g.numpy().copy()))
    x.register_hook(lambda g: g * 10.0)
    h.sum().backward()
    np.testing.assert_allclose(seen[0], [1.0, 1.0])
    np.testing.assert_allclose(x.grad.numpy(), [20.0, 20.0])
