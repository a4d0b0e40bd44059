"""tg.function, tg.cond, tg.while_loop: replays equal eager results and gradients."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.function import TraceError, TraceWarning


def _leaf(rng, *shape):
    return tg.tensor(rng.standard_normal(shape), requires_grad=True)


def _grads(fn, *xs):
    for x in xs:
        x.grad = None
    out = fn(*xs)
    out.backward()
    return out.numpy().copy(), [np.zeros(x.shape) if x.grad is None else x.grad.numpy().copy()
                                for x in xs]


def _mlp(x, w1, b1, w2):
    h = tg.tanh(x @ w1 + b1)
    z = tg.relu(h) * h - tg.sigmoid(h)
    return (tg.log_softmax(z @ w2, axis=-1)[:, :2] ** 2).mean() + z.max()


def test_replay_matches_eager_values_and_grads(rng):
    xs = [_leaf(rng, 5, 4), _leaf(rng, 4, 3), _leaf(rng, 3), _leaf(rng, 3, 6)]
    f = tg.function(_mlp)
    for _ in range(3):                      # trace, then replays
        got, ggot = _grads(f, *xs)
        want, gwant = _grads(_mlp, *xs)
        np.testing.assert_allclose(got, want, rtol=1e-12)
        for a, b in zip(ggot, gwant):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert f.trace_count == 1


def test_one_node_stands_for_the_call(rng):
    x = _leaf(rng, 3)
    y = tg.function(lambda x: tg.exp(tg.sin(x) * 2.0).sum())(x)
    assert y.grad_fn.name() == "LambdaBackward"
    assert [type(n).__name__ for n, _ in y.grad_fn.next_functions] == ["AccumulateGrad"]


def test_retraces_on_shape_dtype_and_static_values_only(rng):
    f = tg.function(lambda x, k: (x * k).sum())
    f(tg.tensor(np.ones(3)), 2.0)
    f(tg.tensor(np.arange(3.0)), 2.0)       # new values: replay
    assert f.trace_count == 1
    f(tg.tensor(np.ones(4)), 2.0)           # new shape
    f(tg.tensor(np.ones(4, np.float32)), 2.0)   # new dtype
    assert f.trace_count == 3
    assert f(tg.tensor(np.ones(4)), 3.0).item() == 12.0      # new Python value
    assert f.trace_count == 4
    assert f(tg.tensor(np.arange(4.0)), 2.0).item() == 12.0
    assert f.trace_count == 4


def test_python_side_effects_run_once_per_trace():
    calls = []

    @tg.function
    def f(x):
        calls.append(1)
        return x * 2

    for v in range(3):
        assert f(tg.tensor([float(v)])).tolist() == [2.0 * v]
    assert len(calls) == 1


def test_gradients_through_tape_grad_and_grad_of_grad(rng):
    f = tg.function(lambda x: (x ** 3).sum())
    x = tg.tensor(rng.standard_normal(4))
    v = tg.Variable(x.numpy())
    with tg.GradientTape() as tape:
        y = f(v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), 3 * x.numpy() ** 2)
    np.testing.assert_allclose(tg.grad(f)(x).numpy(), 3 * x.numpy() ** 2)
    second = tg.grad(lambda x: tg.grad(f)(x).sum())(x)
    np.testing.assert_allclose(second.numpy(), 6 * x.numpy())
    hess = tg.hessian(f)(x)
    np.testing.assert_allclose(hess.numpy(), np.diag(6 * x.numpy()))


def test_jvp_runs_eagerly_through_a_traced_function(rng):
    f = tg.function(lambda x: tg.sin(x) * x)
    x, t = rng.standard_normal(3), rng.standard_normal(3)
    _, dout = tg.jvp(f, (tg.tensor(x),), (tg.tensor(t),))
    np.testing.assert_allclose(dout.numpy(), (np.cos(x) * x + np.sin(x)) * t)


def test_captured_tensors_are_read_each_call_and_get_gradients(rng):
    w = _leaf(rng, 3)
    f = tg.function(lambda x: (x * w).sum())
    x = tg.tensor(rng.standard_normal(3))
    f(x).backward()
    np.testing.assert_allclose(w.grad.numpy(), x.numpy())
    with tg.no_grad():
        w.copy_(w * 2)                      # an optimizer-style in-place update
    np.testing.assert_allclose(f(x).item(), (x.numpy() * w.numpy()).sum())
    assert f.trace_count == 1


def test_methods_of_modules_trace_per_instance(rng):
    class Affine(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = tg.nn.Linear(3, 2)

        @tg.function
        def forward(self, x):
            return tg.tanh(self.lin(x))

    m = Affine()
    x = tg.tensor(rng.standard_normal((4, 3)).astype(np.float32))
    m(x).sum().backward()
    want = tg.tanh(m.lin(x))
    np.testing.assert_allclose(m(x).numpy(), want.numpy(), rtol=1e-6)
    assert m.lin.weight.grad is not None and m.lin.weight.grad.shape == (2, 3)


def test_several_and_nested_results(rng):
    @tg.function
    def f(x):
        return {"sum": x.sum(), "parts": (x * 2, (x * 1.0).argmax())}, "tag"

    x = _leaf(rng, 5)
    out, tag = f(x)
    assert tag == "tag"
    assert out["parts"][1].item() == int(np.argmax(x.numpy()))
    (out["sum"] + out["parts"][0][1]).backward()
    want = np.ones(5)
    want[1] += 2
    np.testing.assert_allclose(x.grad.numpy(), want)


def test_retain_graph_backward_twice(rng):
    x = _leaf(rng, 3)
    y = tg.function(lambda x: tg.exp(x).sum())(x)
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.exp(x.numpy()))


def test_integer_index_tensors_are_read_at_each_call(rng):
    f = tg.function(lambda x, idx: x[idx].sum())
    x = _leaf(rng, 6)
    f(x, tg.tensor([0, 1])).backward()
    x.grad = None
    y = f(x, tg.tensor([4, 4]))             # same signature, new index values
    assert f.trace_count == 1
    np.testing.assert_allclose(y.item(), 2 * x.numpy()[4])
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0, 0, 0, 0, 2, 0])


def test_detach_inside_stops_the_gradient(rng):
    f = tg.function(lambda x: (x * x.detach()).sum())
    x = _leaf(rng, 3)
    f(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), x.numpy())


def test_comparisons_are_recomputed_not_frozen():
    f = tg.function(lambda x: tg.where(x > 0, x, tg.zeros_like(x)).sum())
    assert f(tg.tensor([1.0, -1.0])).item() == 1.0
    assert f(tg.tensor([-1.0, 3.0])).item() == 3.0


def test_nested_functions_inline_into_the_outer_trace(rng):
    inner = tg.function(lambda x: x * 3)
    outer = tg.function(lambda x: inner(x).sum())
    x = _leaf(rng, 2)
    outer(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [3, 3])
    assert inner.trace_count == 0 and outer.trace_count == 1


def test_python_branching_on_a_traced_value_runs_eagerly():
    # TF's autograph accepts `if t:`; a trace cannot hold the branch, so the call runs
    # eagerly, each call taking its own branch
    @tg.function
    def f(x):
        if x.sum() > 0:
            return x
        return -x

    with pytest.warns(TraceWarning, match="bool.*tg.cond"):
        assert f(tg.tensor([1.0])).tolist() == [1.0]
    assert f(tg.tensor([-2.0])).tolist() == [2.0]
    with pytest.raises(TraceError, match=r"\.item\(\)"):
        tg.function(lambda x: x.item())(tg.tensor(1.0))


def test_in_place_writes_and_gradients_inside_a_trace_are_refused():
    def writes(x):
        y = x * 1.0
        y[0] = 5.0
        return y

    with pytest.raises(TraceError, match="in place"):
        tg.function(writes)(tg.tensor([1.0, 2.0]))
    with pytest.raises(TraceError, match="gradients"):
        tg.function(lambda x: tg.grad(lambda z: (z * z).sum())(x))(tg.tensor([1.0]))


def test_unused_inputs_get_no_gradient(rng):
    f = tg.function(lambda x, y: (x * 2).sum())
    x, y = _leaf(rng, 2), _leaf(rng, 2)
    f(x, y).backward()
    assert y.grad is None
    np.testing.assert_allclose(x.grad.numpy(), [2, 2])


def test_float32_replay_keeps_dtype(rng):
    f = tg.function(lambda x: (tg.tanh(x) * 2.0).sum())
    x = tg.tensor(rng.standard_normal(3).astype(np.float32), requires_grad=True)
    y = f(x)
    y.backward()
    assert y.dtype == np.float32 and x.grad.dtype == np.float32


# ------------------------------------------------------------------ cond


def _piecewise(x):
    s = x.sum()
    return tg.cond(s > 0, lambda: (x * x).sum(), lambda: tg.sin(x).sum() * 3.0)


def test_cond_eager_picks_a_branch():
    assert tg.cond(True, lambda: 1, lambda: 2) == 1
    assert tg.cond(tg.tensor(False), lambda: 1, lambda: 2) == 2


def test_cond_in_a_trace_chooses_at_each_replay(rng):
    f = tg.function(_piecewise)
    for sign in (1.0, -1.0, 1.0):
        x = tg.tensor(sign * np.abs(rng.standard_normal(3)), requires_grad=True)
        got, (g,) = _grads(f, x)
        want, (gw,) = _grads(_piecewise, x)
        np.testing.assert_allclose(got, want)
        np.testing.assert_allclose(g, gw)
    assert f.trace_count == 1


def test_cond_branches_must_agree():
    def bad(x):
        return tg.cond(x.sum() > 0, lambda: x, lambda: x.sum())

    with pytest.raises(ValueError, match="cond: result 0 has shape"):
        tg.function(bad)(tg.tensor([1.0, 2.0]))


def test_cond_gradient_reaches_captured_tensors(rng):
    w = _leaf(rng, 2)

    @tg.function
    def f(x):
        return tg.cond(x.sum() > 0, lambda: (x * w).sum(), lambda: (w * w).sum())

    f(tg.tensor([1.0, 2.0])).backward()
    np.testing.assert_allclose(w.grad.numpy(), [1.0, 2.0])
    w.grad = None
    f(tg.tensor([-1.0, -2.0])).backward()
    np.testing.assert_allclose(w.grad.numpy(), 2 * w.numpy())


# ------------------------------------------------------------------ while_loop


def _halve_until_small(x, w):
    n, y = tg.while_loop(lambda n, y: (y * y).sum() > 0.1,
                         lambda n, y: (n + 1, y * w),
                         (tg.tensor(0), x))
    return y.sum() + n * 1.0


def test_while_loop_eager():
    i, x = tg.while_loop(lambda i, x: i < 4, lambda i, x: (i + 1, x * 2.0),
                         (0, tg.tensor(1.0)))
    assert i == 4 and x.item() == 16.0
    i, = tg.while_loop(lambda i: i < 100, lambda i: (i + 1,), (0,), maximum_iterations=3)
    assert i == 3


def test_while_loop_in_a_trace_matches_eager_with_data_dependent_trip_count(rng):
    f = tg.function(_halve_until_small)
    for scale in (1.0, 5.0, 0.01):
        x = tg.tensor(rng.standard_normal(3) * scale, requires_grad=True)
        w = tg.tensor(np.full(3, 0.5), requires_grad=True)
        got, gg = _grads(f, x, w)
        want, gw = _grads(_halve_until_small, x, w)
        np.testing.assert_allclose(got, want)
        for a, b in zip(gg, gw):
            np.testing.assert_allclose(a, b)
    assert f.trace_count == 1


def test_while_loop_traced_respects_maximum_iterations():
    f = tg.function(lambda x: tg.while_loop(lambda x: x.sum() < 1e9, lambda x: (x * 2.0,),
                                            (x,), maximum_iterations=5)[0])
    np.testing.assert_allclose(f(tg.tensor([1.0])).numpy(), [32.0])


def test_while_loop_body_must_keep_shapes():
    def bad(x):
        return tg.while_loop(lambda x: x.sum() < 10, lambda x: (tg.concat([x, x]),), (x,))

    with pytest.raises(ValueError, match="keep their shape"):
        tg.function(bad)(tg.tensor([1.0]))


def test_training_loop_in_graph_mode_matches_eager(rng):
    X = tg.tensor(rng.standard_normal((16, 4)))
    Y = tg.tensor(rng.standard_normal((16, 1)))

    def run(loss_fn):
        w = tg.tensor(np.full((4, 1), 0.1), requires_grad=True)
        losses = []
        for _ in range(5):
            loss = loss_fn(w)
            loss.backward()
            with tg.no_grad():
                w.sub_(w.grad * 0.1)
            w.grad = None
            losses.append(loss.item())
        return losses, w.numpy()

    def loss(w):
        return ((X @ w - Y) ** 2).mean()

    l1, w1 = run(loss)
    l2, w2 = run(tg.function(loss))
    np.testing.assert_allclose(l1, l2, rtol=1e-12)
    np.testing.assert_allclose(w1, w2, rtol=1e-12)


def test_a_trace_keeps_no_argument_values_alive(rng):
    import gc
    import weakref
    f = tg.function(lambda x: (x * 2).sum())
    x = tg.tensor(rng.standard_normal(1000))
    ref = weakref.ref(x._data)
    f(x).item()
    del x
    gc.collect()
    assert ref() is None
    assert f(tg.tensor(np.ones(1000))).item() == 2000.0


def test_values_read_outside_ops_make_the_signature_run_eagerly(rng):
    # NumPy code on a traced tensor's data: a replay could not repeat it, so the function
    # runs eagerly (and says so) instead of freezing the first call's value
    f = tg.function(lambda x: x * np.max(x._data))
    with pytest.warns(TraceWarning, match="runs eagerly"):
        f(tg.tensor(rng.standard_normal(5)))
    for _ in range(2):
        x = tg.tensor(rng.standard_normal(5))
        np.testing.assert_array_equal(f(x).numpy(), (x * np.max(x.numpy())).numpy())
    assert f.trace_count == 1
    g = tg.function(lambda x: tg.argmax(x))     # the function form reads values too
    with pytest.warns(TraceWarning):
        g(tg.tensor([1.0, 3.0, 2.0]))
    assert g(tg.tensor([5.0, 3.0, 2.0])).item() == 0


@pytest.mark.parametrize("kw", [{}, {"weight": "w"}, {"ignore_index": 1},
                                {"label_smoothing": 0.2}, {"reduction": "sum"},
                                {"reduction": "none", "weight": "w", "ignore_index": 0}])
@pytest.mark.parametrize("spatial", [False, True])
def test_cross_entropy_traces_and_replays_each_calls_labels(rng, kw, spatial):
    """The label work is an op, so a trace replays it with every call's labels (before,
    cross_entropy read the labels with NumPy and the function ran eagerly)."""
    import warnings
    model = tg.nn.Linear(4, 3)
    w = tg.tensor(np.array([0.5, 2.0, 1.0], np.float32))
    kw = {k: (w if v == "w" else v) for k, v in kw.items()}
    F = tg.nn.functional

    def loss(x, y):
        z = model(x)
        if spatial:                              # (N, C, d) logits, (N, d) labels
            z = tg.transpose(tg.reshape(z, (2, 3, 3)), (0, 2, 1))
        return F.cross_entropy(z, y, **kw)

    f = tg.function(loss)
    with warnings.catch_warnings():
        warnings.simplefilter("error", TraceWarning)
        for _ in range(3):
            x = tg.tensor(rng.standard_normal((6, 4)).astype(np.float32))
            y = tg.tensor(rng.integers(0, 3, (2, 3) if spatial else 6))
            got = f(x, y)
            want = loss(x, y)
            np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-6)
            got.sum().backward()
            g1 = model.weight.grad.numpy().copy()
            model.weight.grad = None
            want.sum().backward()
            np.testing.assert_allclose(g1, model.weight.grad.numpy(), rtol=1e-5, atol=1e-7)
            model.weight.grad = model.bias.grad = None
    assert f.trace_count == 1


def test_cross_entropy_in_a_trace_still_checks_labels(rng):
    f = tg.function(lambda z, y: tg.nn.functional.cross_entropy(z, y))
    z = tg.tensor(rng.standard_normal((2, 3)))
    f(z, tg.tensor([0, 2]))
    with pytest.raises(IndexError, match="out of bounds for 3 classes"):
        f(z, tg.tensor([0, 3]))


def test_cross_entropy_with_every_target_ignored_is_nan_without_warnings_in_a_replay():
    import warnings
    f = tg.function(lambda z, y: tg.nn.functional.cross_entropy(z, y, ignore_index=1))
    z = tg.tensor(np.ones((2, 3)), requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.isfinite(f(z, tg.tensor([0, 1])).item())
        loss = f(z, tg.tensor([1, 1]))              # 0 / 0, as in PyTorch
        loss.backward()
    assert np.isnan(loss.item())
    np.testing.assert_array_equal(z.grad.numpy(), np.zeros((2, 3)))


# ---- buffer reuse in the forward replay

def _big(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape)


def test_replay_writes_dead_intermediates_in_place_and_matches_eager():
    W = tg.tensor(_big(64, 128, seed=1), requires_grad=True)
    b = tg.tensor(_big(128, seed=2), requires_grad=True)

    def net(x):
        h = tg.relu(x @ W + b)          # add and relu can both reuse x @ W's buffer
        return (tg.tanh(h * 2.0 - 1.0) * h).sum()

    f = tg.function(net)
    x = tg.tensor(_big(256, 64, seed=3))
    out = f(x)
    out.backward()
    gW, gb = W.grad.numpy().copy(), b.grad.numpy().copy()
    W.grad = b.grad = None
    ref = net(x)
    ref.backward()
    assert out.item() == ref.item()
    np.testing.assert_array_equal(gW, W.grad.numpy())
    np.testing.assert_array_equal(gb, b.grad.numpy())
    (entry,) = f._traces.values()
    reused = [buf for buf, _ in entry.program.buffers]
    assert sum(buf is not None for buf in reused) >= 3     # + b, relu, * 2.0, ...


def test_replay_never_overwrites_a_value_a_view_still_reads():
    def f(x):
        a = x * 2.0                     # big, owned; a.T is a view of it
        t = a.T
        c = a + 1.0                     # a dies here, but t still reads its memory
        return t.sum(axis=0) + c.sum(axis=1), t * 1.0

    g = tg.function(f)
    x = tg.tensor(_big(128, 128))
    for got, want in zip(g(x), f(x)):
        np.testing.assert_array_equal(got.numpy(), want.numpy())


def test_replay_leaves_inputs_and_earlier_results_alone():
    f = tg.function(lambda x: tg.exp(x + 1.0) * 3.0)
    x = tg.tensor(_big(200, 100))
    x0 = x.numpy().copy()
    r1 = f(x)
    keep = r1.numpy().copy()
    r2 = f(tg.tensor(_big(200, 100, seed=5)))
    np.testing.assert_array_equal(x.numpy(), x0)
    np.testing.assert_array_equal(r1.numpy(), keep)        # a new call, new buffers
    np.testing.assert_array_equal(r2.numpy(), np.exp(_big(200, 100, seed=5) + 1.0) * 3.0)


def test_replay_keeps_saved_values_for_backward():
    # sin saves its input; that input must not be reused by the multiply that follows
    def f(x):
        y = x * 1.5
        z = tg.sin(y) * 2.0
        return (z * z).sum()

    g = tg.function(f)
    x = tg.tensor(_big(128, 256), requires_grad=True)
    g(x).backward()
    got = x.grad.numpy().copy()
    x.grad = None
    f(x).backward()
    np.testing.assert_array_equal(got, x.grad.numpy())


def test_batch_norm_inference_traces_and_reads_current_running_statistics(rng):
    import warnings
    model = tg.nn.Sequential(tg.nn.Linear(4, 3), tg.nn.BatchNorm1d(3))
    x = tg.tensor(rng.standard_normal((8, 4)).astype(np.float32))
    model(x)                                     # one training step moves the statistics
    model.eval()
    f = tg.function(lambda x: model(x))
    with warnings.catch_warnings():
        warnings.simplefilter("error", TraceWarning)
        np.testing.assert_array_equal(f(x).numpy(), model(x).numpy())
        model.train()
        model(tg.tensor(rng.standard_normal((8, 4)).astype(np.float32)))
        model.eval()
        np.testing.assert_array_equal(f(x).numpy(), model(x).numpy())
    assert f.trace_count == 1


def test_random_draws_and_dropout_are_new_on_every_replay():
    """rand/randn/randint and dropout masks are ops in a trace: each call draws anew
    (as tf.random does in a tf.function), instead of repeating the trace's samples."""
    import warnings
    x = tg.tensor(np.ones((4, 50), np.float32), requires_grad=True)
    f = tg.function(lambda x: (x * tg.randn(4, 50), tg.rand(3) + 0.0,
                               tg.randint(0, 1000, size=(5,)) + 0,
                               tg.nn.functional.dropout(x, 0.5)))
    with warnings.catch_warnings():
        warnings.simplefilter("error", TraceWarning)
        first = [t.numpy().copy() for t in f(x)]
        second = f(x)
    assert f.trace_count == 1
    for a, b in zip(first, second):
        assert a.dtype == b.numpy().dtype and a.shape == b.shape
        assert not np.array_equal(a, b.numpy())
    assert first[0].dtype == np.float32 and first[2].dtype == np.int64
    mask = second[3].numpy()
    assert set(np.unique(mask)) <= {0.0, 2.0}
    second[3].sum().backward()                  # the gradient is the mask drawn this call
    np.testing.assert_array_equal(x.grad.numpy(), mask)
    tg.manual_seed(7)
    a = f(x)[0].numpy()
    tg.manual_seed(7)
    np.testing.assert_array_equal(f(x)[0].numpy(), a)     # seeded replays repeat


def test_batch_norm_training_in_a_trace_runs_eagerly_and_updates_once(rng):
    """The statistics update cannot be replayed, so the call runs eagerly; the trace
    itself must not update them too (the first call would count its batch twice)."""
    def run(traced):
        bn = tg.nn.BatchNorm1d(3)
        f = tg.function(lambda x: bn(x)) if traced else (lambda x: bn(x))
        outs = []
        for k in range(3):
            x = tg.tensor(np.random.default_rng(k).standard_normal((8, 3)).astype(np.float32))
            outs.append(f(x).numpy())
        return outs, bn.running_mean.numpy(), bn.running_var.numpy(), \
            int(bn.num_batches_tracked.numpy())
    with pytest.warns(TraceWarning, match="running statistics"):
        traced = run(True)
    eager = run(False)
    for a, b in zip(traced[0], eager[0]):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(traced[1:], eager[1:]):
        np.testing.assert_array_equal(a, b)
    assert traced[3] == 3


def test_reading_a_trained_tensors_value_in_a_trace_runs_eagerly():
    """A parameter's value taken into Python inside tg.function would be frozen into the
    trace (an optimizer changes it between calls): the signature runs eagerly instead."""
    w = tg.tensor(np.array([2.0, 3.0]), requires_grad=True)
    f = tg.function(lambda x: x * float(w.numpy().sum()))
    x = tg.tensor(np.array([1.0, 1.0]))
    with pytest.warns(TraceWarning, match="requires grad"):
        np.testing.assert_array_equal(f(x).numpy(), [5.0, 5.0])
    with tg.no_grad():
        w.add_(1.0)
    np.testing.assert_array_equal(f(x).numpy(), [7.0, 7.0])


def test_replay_reuses_buffers_only_where_the_layout_matches_eager():
    """A Fortran-ordered input gives Fortran-ordered results eagerly; a replay must not
    write those into a C-ordered buffer that died earlier (a later sum could round
    differently)."""
    rng = np.random.default_rng(6)
    W = tg.tensor(rng.standard_normal((256, 256)).astype(np.float32))

    def f(x, y, z):
        m = (y @ W) + 1.0               # C-ordered; dies in the broadcasting add below,
        t = m + z                       # which cannot overwrite it: its buffer is pooled
        e = x * 3.0                     # fresh eagerly: ordered like x
        return e.sum(axis=1), t.sum()

    g = tg.function(f)
    x = rng.standard_normal((256, 256)).astype(np.float32) * 1000
    y = tg.tensor(rng.standard_normal((256, 256)).astype(np.float32))
    z = tg.tensor(rng.standard_normal((2, 256, 256)).astype(np.float32))
    for arr in (x, np.asfortranarray(x), x, np.asfortranarray(x)):
        for got, want in zip(g(tg.tensor(arr), y, z), f(tg.tensor(arr), y, z)):
            np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert g.trace_count == 1
    (entry,) = g._traces.values()
    assert sum(buf is not None for buf, _ in entry.program.buffers) == 2   # + 1.0, * 3.0
