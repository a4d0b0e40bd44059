"""TensorFlow's top-level array functions (tf_ops.py), tf.math's TF-only functions
(_tf_math.py), Variable's TF keywords and tf.random's op seeds, against values observed
in TensorFlow 2.21 (written down here, so these run without TensorFlow;
tests/test_tf_differential2.py compares the same programs live when it is installed)."""
import sys
import warnings

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.function import TraceError, TraceWarning


def _grad(f, x, w=None):
    """(f(x), d sum(f(x) * w) / dx) under a tape, w = 1, 2, 3, ... by default."""
    x = tg.constant(np.asarray(x, dtype=np.float32))
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
        if w is None:
            w = np.arange(1.0, 1.0 + y.numpy().size, dtype=np.float32).reshape(y.shape)
        loss = tg.reduce_sum(y * tg.constant(np.asarray(w, dtype=np.float32)))
    return y.numpy(), tape.gradient(loss, x).numpy()


# ------------------------------------------------------------------ tf.* top level
def test_shape_rank_size_are_int32_tensors():
    x = tg.zeros([2, 0, 3])
    assert tg.shape(x).tolist() == [2, 0, 3] and tg.shape(x).dtype == tg.int32
    assert tg.size(x).item() == 0 and tg.size(x).dtype == tg.int32
    assert tg.rank(x).item() == 3 and tg.rank(3.0).item() == 0
    assert tg.shape(x, out_type=tg.int64).dtype == tg.int64
    with pytest.raises(TypeError, match="out_type"):
        tg.size(x, out_type=tg.float32)


def test_range_values_dtypes_and_errors():
    assert tg.range(5).tolist() == [0, 1, 2, 3, 4] and tg.range(5).dtype == tg.int32
    np.testing.assert_allclose(tg.range(1.0, 2.0, 0.3).numpy(), [1.0, 1.3, 1.6, 1.9],
                               rtol=1e-6)
    assert tg.range(0.5, 3).dtype == tg.float32          # TF: not NumPy's float64
    assert tg.range(5, dtype=tg.float64).dtype == tg.float64
    assert tg.range(10, 1, -3).tolist() == [10, 7, 4]
    assert tg.range(0).tolist() == [] and tg.range(2, 2).tolist() == []
    with pytest.raises(ValueError, match="zero"):
        tg.range(1, 5, 0)
    with pytest.raises(ValueError, match="past limit"):
        tg.range(3, 1)                                   # TF: start <= limit when delta > 0
    with pytest.raises(TypeError, match="limit"):
        tg.range(0, "a")


def test_fill_dtype_and_gradient():
    assert tg.fill([2, 3], 9).dtype == tg.int32 and tg.fill([2], 1.5).dtype == tg.float32
    assert tg.fill(tg.shape(tg.zeros([2, 2])), True).tolist() == [[True, True]] * 2
    y, g = _grad(lambda v: tg.fill([2, 3], v), 2.0, w=np.ones((2, 3)))
    assert y.tolist() == [[2.0] * 3] * 2 and g == 6.0                # TF: the sum
    with pytest.raises(ValueError, match="scalar"):
        tg.fill([2], [1.0, 2.0])


def test_one_hot_as_tf():
    np.testing.assert_array_equal(tg.one_hot([0, 2, -1], 3, on_value=5.0, off_value=-1.0),
                                  [[5, -1, -1], [-1, -1, 5], [-1, -1, -1]])
    assert tg.one_hot([1], 2).dtype == tg.float32
    assert tg.one_hot([1], 2, on_value=5, off_value=-1).dtype == tg.int32
    assert tg.one_hot([1, 0], 3, dtype=tg.int32).tolist() == [[0, 1, 0], [1, 0, 0]]
    np.testing.assert_array_equal(tg.one_hot([[1, 0]], 2, axis=0), [[[0, 1]], [[1, 0]]])
    with pytest.raises(TypeError, match="integers"):
        tg.one_hot([0.5], 2)


def test_gather_tf_form_and_torch_form():
    p = np.arange(12.0).reshape(3, 4)
    y, g = _grad(lambda t: tg.gather(t, [2, 0, 2]), p, w=np.ones((3, 4)))
    np.testing.assert_array_equal(y, p[[2, 0, 2]])
    np.testing.assert_array_equal(g, [[1] * 4, [0] * 4, [2] * 4])     # repeats add up
    y, g = _grad(lambda t: tg.gather(t, [[1, 3], [0, 0]], axis=1), p, w=np.ones((3, 2, 2)))
    assert y.shape == (3, 2, 2)
    np.testing.assert_array_equal(g, [[2, 1, 0, 1]] * 3)
    assert tg.gather(tg.constant(p), 1).tolist() == p[1].tolist()     # a scalar index
    # torch's form (x, dim, index) keeps working
    assert tg.gather(tg.tensor([[1.0, 2.0], [3.0, 4.0]]), 1,
                     tg.tensor([[1], [0]])).tolist() == [[2.0], [3.0]]
    with pytest.raises(IndexError, match="out of range"):
        tg.gather(tg.constant([1.0, 2.0]), [3])
    with pytest.raises(ValueError, match="batch_dims"):
        tg.gather(tg.constant(p), [0], batch_dims=1)


def test_gather_nd_and_boolean_mask():
    p = np.array([[1.0, 2.0], [3.0, 4.0]])
    y, g = _grad(lambda t: tg.gather_nd(t, [[1, 0], [0, 1], [1, 0]]), p)
    assert y.tolist() == [3.0, 2.0, 3.0] and g.tolist() == [[0.0, 2.0], [4.0, 0.0]]
    assert tg.gather_nd(tg.constant(p), [1]).tolist() == [3.0, 4.0]
    with pytest.raises(IndexError):
        tg.gather_nd(tg.constant(p), [[2, 0]])
    r = tg.reshape(tg.range(6.0), (2, 3))
    m = [[True, False, True], [False, True, False]]
    assert tg.boolean_mask(r, m).tolist() == [0.0, 2.0, 4.0]
    y, g = _grad(lambda t: tg.boolean_mask(t, [False, True], axis=1), p)
    assert y.tolist() == [[2.0], [4.0]] and g.tolist() == [[0.0, 1.0], [0.0, 2.0]]
    with pytest.raises(ValueError, match="does not match"):
        tg.boolean_mask(r, [True, False, True])
    with pytest.raises(TypeError, match="booleans"):
        tg.boolean_mask(r, [1, 0])


def test_identity_unstack_and_comparisons():
    v = tg.Variable([1.0, 2.0])
    with tg.GradientTape() as tape:
        snap = tg.identity(v)
        y = tg.reduce_sum(snap * 4.0)
    assert tape.gradient(y, v).tolist() == [4.0, 4.0] and snap is not v
    parts = tg.unstack(tg.constant([[1.0, 2.0], [3.0, 4.0]]), axis=1)
    assert [p.tolist() for p in parts] == [[1.0, 3.0], [2.0, 4.0]]
    with pytest.raises(ValueError, match="num"):
        tg.unstack(tg.zeros([3, 2]), num=4)
    x = tg.constant([1.0, 2.0, 3.0])
    assert tg.math.equal(x, 2.0).tolist() == [False, True, False]
    assert tg.greater_equal(x, 2.0).tolist() == [False, True, True]
    assert tg.reduce_any(x > 2.5).item() and not tg.reduce_all(x > 1.5).item()


def test_zeros_ones_take_tf_positional_dtype_and_shape_tensors():
    assert tg.zeros((2,), tg.int64).dtype == tg.int64
    assert tg.ones([2, 1], tg.int32).tolist() == [[1], [1]]
    assert tg.zeros(tg.shape(tg.ones([2, 3]))).shape == (2, 3)
    assert tg.zeros(2, 3).shape == (2, 3)                       # torch's form unchanged
    assert tg.transpose(tg.zeros([1, 2, 3]), perm=[2, 0, 1]).shape == (3, 1, 2)


# ------------------------------------------------------------------ tf.math
def test_cumsum_exclusive_and_reverse():
    x = [[1.0, 2.0, 3.0]]
    y, g = _grad(lambda t: tg.math.cumsum(t, axis=1, exclusive=True, reverse=True), x,
                 w=[[1.0, 10.0, 100.0]])
    assert y.tolist() == [[5.0, 3.0, 0.0]] and g.tolist() == [[0.0, 1.0, 11.0]]
    assert tg.math.cumsum(tg.constant([[1.0, 2.0], [3.0, 4.0]])).tolist() == \
        [[1.0, 2.0], [4.0, 6.0]]                                  # TF's default axis 0
    assert tg.math.cumprod(tg.constant([[2.0, 3.0], [4.0, 5.0]]), exclusive=True).tolist() == \
        [[1.0, 1.0], [2.0, 3.0]]
    np.testing.assert_allclose(
        tg.math.cumulative_logsumexp(tg.constant([0.0, 0.0, 0.0]), exclusive=True).numpy(),
        [-np.inf, 0.0, np.log(2.0)], rtol=1e-6)
    with pytest.raises(ValueError, match="out of range"):
        tg.math.cumsum(tg.zeros([2]), axis=1)


def test_top_k_and_in_top_k():
    r = tg.math.top_k(tg.constant([2.0, 7.0, 7.0, 1.0]), 3)
    assert r.values.tolist() == [7.0, 7.0, 2.0] and r.indices.tolist() == [1, 2, 0]
    assert r.indices.dtype == tg.int32 and tg.nn.top_k is tg.math.top_k
    y, g = _grad(lambda t: tg.math.top_k(t, 2).values, [[1.0, 3.0, 2.0]])
    assert y.tolist() == [[3.0, 2.0]] and g.tolist() == [[0.0, 1.0, 2.0]]
    with pytest.raises(ValueError, match="k=5"):
        tg.math.top_k(tg.zeros([4]), 5)
    preds = tg.constant([[1.0, 2.0, 1.0], [3.0, 3.0, 3.0]])
    assert tg.math.in_top_k([0, 1], preds, 1).tolist() == [False, True]   # ties count in


def test_segment_reductions_as_tf():
    d = [[1.0, 5.0], [3.0, 5.0], [2.0, 0.0]]
    y, g = _grad(lambda t: tg.math.segment_max(t, [0, 0, 1]), d, w=[[1.0, 2.0], [3.0, 4.0]])
    assert y.tolist() == [[3.0, 5.0], [2.0, 0.0]]
    assert g.tolist() == [[0.0, 1.0], [1.0, 1.0], [3.0, 4.0]]      # the tie shares 2
    assert tg.math.segment_sum(tg.constant(d), [0, 0, 2]).tolist() == \
        [[4.0, 10.0], [0.0, 0.0], [2.0, 0.0]]
    assert tg.math.unsorted_segment_sum(tg.constant(d), [1, -1, 1], 2).tolist() == \
        [[0.0, 0.0], [3.0, 5.0]]                                 # negative ids drop rows
    big = float(np.finfo(np.float32).max)
    y, g = _grad(lambda t: tg.math.unsorted_segment_min(t, [1, -1, 1], 3), d,
                 w=[[0, 0], [1, 1], [0, 0]])
    assert y.tolist() == [[big, big], [1.0, 0.0], [big, big]]
    assert g.tolist() == [[1.0, 0.0], [0.0, 0.0], [0.0, 1.0]]
    assert tg.math.unsorted_segment_max(tg.constant([1.0, 2.0]), [0, 0], 2).tolist() == \
        [2.0, -big]
    assert tg.math.segment_mean(tg.constant([1.0, 2.0, 3.0]), [0, 0, 1]).tolist() == [1.5, 3.0]
    assert tg.math.segment_prod(tg.constant([2.0, 3.0, 4.0]), [0, 0, 1]).tolist() == [6.0, 4.0]
    with pytest.raises(ValueError, match="sorted"):
        tg.math.segment_sum(tg.constant([1.0, 2.0]), [1, 0])
    with pytest.raises(ValueError, match="num_segments"):
        tg.math.unsorted_segment_sum(tg.constant([1.0, 2.0]), [0, 2], 2)


def test_segment_and_scan_gradients_check_numerically():
    rng = np.random.default_rng(0)
    d = tg.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    for f in (lambda t: tg.math.segment_max(t, [0, 0, 1, 1]),
              lambda t: tg.math.unsorted_segment_mean(t, [2, 0, 2, 1], 3),
              lambda t: tg.math.segment_prod(t, [0, 1, 1, 1]),
              lambda t: tg.math.cumsum(t, 1, exclusive=True, reverse=True),
              lambda t: tg.math.cumprod(t, 0, exclusive=True),
              lambda t: tg.gather_nd(t, [[1, 2], [3, 0]]),
              lambda t: tg.gather(t, [[0, 2]], axis=1)):
        assert tg.gradcheck(f, (d,)) and tg.gradgradcheck(f, (d,))


def test_multiply_no_nan_and_reciprocal_no_nan_gradients():
    x, y = tg.constant([4.0, 5.0]), tg.constant([0.0, 3.0])
    with tg.GradientTape() as tape:
        tape.watch([x, y])
        m = tg.math.multiply_no_nan(x, y)
    gx, gy = tape.gradient(m, [x, y])
    assert m.tolist() == [0.0, 15.0] and gx.tolist() == [0.0, 3.0] and gy.tolist() == [4.0, 5.0]
    assert tg.math.multiply_no_nan(tg.constant([np.nan]), tg.constant([0.0])).tolist() == [0.0]
    y, g = _grad(tg.math.reciprocal_no_nan, [0.0, 2.0], w=[1.0, 1.0])
    assert y.tolist() == [0.0, 0.5] and g.tolist() == [0.0, -0.25]


def test_counting_helpers():
    assert tg.math.confusion_matrix([0, 2, 1], [0, 1, 1], num_classes=4).tolist() == \
        [[1, 0, 0, 0], [0, 1, 0, 0], [0, 1, 0, 0], [0, 0, 0, 0]]
    assert tg.math.bincount([1, 1, 4], minlength=3, maxlength=3).tolist() == [0, 2, 0]
    assert tg.math.bincount([0, 1, 1], weights=[0.5, 1.0, 2.0]).tolist() == [0.5, 3.0]
    assert tg.math.zero_fraction(tg.constant([0.0, 1.0, 0.0, 2.0])).item() == 0.5
    assert tg.math.polyval([1.0, 2.0, 3.0], tg.constant([2.0])).tolist() == [11.0]
    with pytest.raises(ValueError, match="non-negative"):
        tg.math.bincount([-1, 2])


# ------------------------------------------------------------------ Variable, random, tape
def test_variable_tf_keywords():
    v = tg.Variable([1.0, -2.0], constraint=lambda t: tg.clip_by_value(t, 0.0, 1.0))
    v.assign([3.0, -1.0])
    assert v.tolist() == [3.0, -1.0] and callable(v.constraint)   # TF: assign ignores it
    u = tg.Variable([1.0, 2.0], shape=[None])
    u.assign([1.0, 2.0, 3.0])
    assert u.shape == (3,)
    with pytest.raises(ValueError, match="shape"):
        tg.Variable([1.0, 2.0], shape=[3])
    w = tg.Variable(1.0, synchronization=tg.VariableSynchronization.AUTO,
                    aggregation=tg.VariableAggregation.MEAN)
    assert w.aggregation is tg.VariableAggregation.MEAN
    with pytest.raises(TypeError, match="constraint"):
        tg.Variable(1.0, constraint=3)
    refs = {v.ref(): "v", w.ref(): "w"}                 # TF's dict keys for variables
    assert refs[v.ref()] == "v" and v.ref().deref() is v and v.ref() != w.ref()
    # TF converts numbers and arrays, but refuses a tensor of another float dtype
    x = tg.Variable(2.0)
    x.assign(np.float64(3.0))
    with pytest.raises(ValueError, match="float64"):
        x.assign(tg.constant(3.0, dtype=tg.float64))


def test_op_seeds_draw_along_a_sequence_set_seed_restarts():
    tg.random.set_seed(1)
    a, b = tg.random.normal([2], seed=7), tg.random.normal([2], seed=7)
    tg.random.set_seed(1)
    c = tg.random.normal([2], seed=7)
    assert np.array_equal(a.numpy(), c.numpy()) and not np.array_equal(a.numpy(), b.numpy())


def test_batch_jacobian_needs_a_batch_of_tensors():
    x = tg.constant([1.0, 2.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(ValueError, match="at least 2 dimensions"):
        tape.batch_jacobian(y, x)


def test_jacobian_nested_sources_and_without_pfor():
    x = tg.constant([1.0, 2.0])
    w = tg.Variable([[1.0, 2.0], [3.0, 4.0]])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tg.tanh(tg.matmul(w, x) * 0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        j = tape.jacobian(y, {"x": x, "p": [w]}, experimental_use_pfor=False,
                          parallel_iterations=2)
    assert j["x"].shape == (2, 2) and j["p"][0].shape == (2, 2, 2)
    d = 0.1 * (1 - np.tanh(0.1 * (w.numpy() @ x.numpy())) ** 2)
    np.testing.assert_allclose(j["x"].numpy(), d[:, None] * w.numpy(), rtol=1e-6)
    np.testing.assert_allclose(j["p"][0].numpy()[1, 1], d[1] * x.numpy(), rtol=1e-6)
    assert j["p"][0].numpy()[0, 1].tolist() == [0.0, 0.0]


def test_a_tape_inside_a_traced_function_runs_it_eagerly():
    w, b = tg.Variable([[1.0], [2.0]]), tg.Variable(0.5)
    x = tg.constant([[1.0, 2.0], [3.0, 4.0], [0.5, -1.0]])
    y = tg.constant([[1.0], [0.0], [2.0]])

    @tg.function
    def step(x, y):                     # TF's train step, as the guides write it
        with tg.GradientTape() as tape:
            loss = tg.reduce_mean(tg.square(tg.matmul(x, w) + b - y))
        gw, gb = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * gw)
        b.assign_sub(0.1 * gb)
        return loss

    with pytest.warns(TraceWarning, match="GradientTape"):
        first = step(x, y)
    losses = [first.item()] + [step(x, y).item() for _ in range(2)]
    # TF 2.21's values (the step size is too large: the loss grows)
    np.testing.assert_allclose(losses, [53.833332, 65.744545, 80.783997], rtol=1e-6)
    np.testing.assert_allclose(w.numpy().ravel(), [-1.69869518, -2.51735258], rtol=1e-6)
    np.testing.assert_allclose(b.item(), -0.19101888, rtol=1e-6)
    with pytest.raises(TraceError, match="gradients"):      # other gradients still refuse
        tg.function(lambda z: tg.grad(lambda u: (u * u).sum())(z))(tg.tensor([1.0]))


def test_scatter_reverse_unique_searchsorted():
    p = np.arange(12.0).reshape(3, 4)
    new = tg.constant([5.0, 6.0])
    y, g = _grad(lambda t: tg.tensor_scatter_nd_update(t, [[1, 2], [0, 0]], new), p)
    assert y[1, 2] == 5.0 and y[0, 0] == 6.0 and y[2, 3] == 11.0
    assert g[1, 2] == 0.0 and g[0, 0] == 0.0 and g[2, 3] == 12.0   # replaced: no gradient
    u = tg.constant([5.0, 6.0])
    with tg.GradientTape() as tape:
        tape.watch(u)
        y = tg.tensor_scatter_nd_add(tg.constant(p), [[1, 2], [1, 2]], u)
    assert y.numpy()[1, 2] == 17.0 and tape.gradient(y, u).tolist() == [1.0, 1.0]
    np.testing.assert_array_equal(
        tg.scatter_nd([[0, 1], [2, 0], [0, 1]], tg.constant([1.0, 2.0, 3.0]), [3, 2]),
        [[0, 4], [0, 0], [2, 0]])
    assert tg.reverse(tg.constant([[1, 2], [3, 4]]), [0, 1]).tolist() == [[4, 3], [2, 1]]
    assert tg.searchsorted([[1.0, 3.0, 5.0]], [[3.0, 6.0]]).tolist() == [[1, 3]]
    assert tg.searchsorted([1.0, 3.0, 5.0], [3.0], side="right").tolist() == [2]
    assert tg.executing_eagerly() and not tg.function(
        lambda x: x * tg.executing_eagerly())(tg.ones(1)).item()
    with pytest.raises(IndexError):
        tg.tensor_scatter_nd_update(tg.zeros([2]), [[2]], tg.constant([1.0]))


def test_print_formats_as_tf(capsys):
    tg.print(tg.constant([1.5, 2.0, 3.25]), "abc", 3, tg.constant([[1, 2], [3, 4]]),
             output_stream=sys.stdout)
    tg.print(tg.range(10.0), tg.constant(True), tg.constant(1 / 3.0), tg.constant(123456789.0),
             tg.constant(1e-7), output_stream=sys.stdout, sep="|")
    tg.print({"a": tg.constant(1.0)}, [tg.constant(1), 2], tg.constant([0.1, np.inf, np.nan]))
    out, err = capsys.readouterr()
    # TF 2.21's text
    assert out == ("[1.5 2 3.25] abc 3 [[1 2]\n [3 4]]\n"
                   "[0 1 2 ... 7 8 9]|1|0.333333343|123456792|1e-07\n")
    assert err == "{'a': 1} [1, 2] [0.1 inf nan]\n"          # stderr by default, as TF


def test_xlogy_and_python_numbers_take_the_tensors_dtype():
    x, y = tg.constant([0.0, 1.0, 2.0]), tg.constant([0.0, 0.0, 3.0])
    with tg.GradientTape() as tape:
        tape.watch([x, y])
        with np.errstate(divide="ignore"):
            z = tg.math.xlogy(x, y)
    gx, gy = tape.gradient(z, [x, y])
    # TF 2.21: both partial derivatives are 0 where x == 0, even at y == 0
    assert z.tolist()[0] == 0.0 and z.tolist()[1] == -np.inf
    assert gx.tolist()[0] == 0.0 and gy.tolist()[0] == 0.0 and gy.tolist()[1] == np.inf
    np.testing.assert_allclose(tg.math.xlog1py(tg.constant([0.0, 2.0]),
                                               tg.constant([-1.0, 1.0])).numpy(),
                               [0.0, 2 * np.log(2.0)], rtol=1e-6)
    r = tg.math.divide_no_nan(1.0, tg.constant([0.0, 2.0]))
    assert r.dtype == tg.float32 and r.tolist() == [0.0, 0.5]


def test_assign_inside_a_traced_function_happens_once_per_call():
    v = tg.Variable(1.0)

    @tg.function
    def f(x):
        v.assign_add(x)
        return v * 2.0

    with pytest.warns(TraceWarning, match="Variable.assign"):
        first = f(tg.constant(1.0))
    # TF 2.21: 4 then 8, v == 4 (the trace must not add x a second time)
    assert first.item() == 4.0 and f(tg.constant(2.0)).item() == 8.0 and v.item() == 4.0


def test_tf_data_pipelines():
    x = np.arange(10, dtype=np.float32).reshape(5, 2)
    y = np.array([0, 1, 0, 1, 1])
    ds = tg.data.Dataset.from_tensor_slices((x, y))
    batches = [(a.tolist(), b.tolist()) for a, b in ds.batch(2)]
    assert batches == [([[0, 1], [2, 3]], [0, 1]), ([[4, 5], [6, 7]], [0, 1]), ([[8, 9]], [1])]
    assert len(ds.batch(2)) == 3 and ds.batch(2, drop_remainder=True).cardinality().item() == 2
    assert ds.repeat().cardinality().item() == -1
    d = tg.data.Dataset.from_tensor_slices({"a": x, "b": y}).batch(3, drop_remainder=True)
    (only,) = list(d)
    assert sorted(only) == ["a", "b"] and only["a"].shape == (3, 2)
    twice = tg.data.Dataset.from_tensor_slices(x).map(lambda r: r * 2.0).repeat(2).take(7)
    assert [r.tolist()[0] for r in twice] == [0, 4, 8, 12, 16, 0, 4]
    evens = tg.data.Dataset.range(7).skip(2).filter(lambda v: v % 2 == 0)
    assert [int(v) for v in evens] == [2, 4, 6]
    pairs = tg.data.Dataset.from_tensor_slices(([1.0, 2.0], [4, 5])).map(lambda a, b: (a + 1, b))
    assert [(float(a), int(b)) for a, b in pairs] == [(2.0, 4), (3.0, 5)]
    shuffled = tg.data.Dataset.from_tensor_slices(np.arange(20)).shuffle(20, seed=1)
    first, second = [int(v) for v in shuffled], [int(v) for v in shuffled]
    assert sorted(first) == list(range(20)) and first != second   # reshuffled each pass
    fixed = tg.data.Dataset.from_tensor_slices(np.arange(20)).shuffle(
        20, seed=1, reshuffle_each_iteration=False)
    assert [int(v) for v in fixed] == [int(v) for v in fixed]
    with pytest.raises(ValueError, match="differ in length"):
        tg.data.Dataset.from_tensor_slices((x, y[:3]))
    with pytest.raises(ValueError, match="batch_size"):
        ds.batch(0)
