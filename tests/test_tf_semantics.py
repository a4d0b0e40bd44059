"""GradientTape, Variable and custom_gradient against real TensorFlow.

Every expected value here was observed by running the same program under TensorFlow
2.21 (tensorflow-cpu, eager); TF is not needed to run these tests. Where tapegrad
deliberately differs (PyTorch/NumPy conventions the API fixes), the test says so.
"""
import warnings

import numpy as np
import pytest

import tapegrad as tg


def _v(t):
    return None if t is None else np.asarray(t.numpy()).tolist()


# ------------------------------------------------------------------ watched variables
def test_watched_variables_come_in_creation_order():
    a, b, c = tg.Variable(1.0, name="a"), tg.Variable(2.0, name="b"), tg.Variable(3.0, name="c")
    with tg.GradientTape() as tape:
        _ = c * b * a                      # used c, b, a
    assert tape.watched_variables() == (a, b, c)
    with tg.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch([c, a, b])
    assert tape.watched_variables() == (a, b, c)
    d = tg.Variable(1.0, name="d")
    with tg.GradientTape() as tape:
        _ = d * c
    assert tape.watched_variables() == (c, d)


def test_custom_gradient_gets_its_variables_in_creation_order():
    a, c = tg.Variable(1.0), tg.Variable(3.0)
    seen = []

    @tg.custom_gradient
    def f(x):
        y = x * c * a                      # c is read first

        def grad_fn(up, variables=None):
            seen.append(list(variables))
            return up, [up * 0 + 1.0, up * 0 + 2.0]
        return y, grad_fn

    x = tg.constant(1.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    ga, gc = tape.gradient(y, [a, c])
    assert seen[0][0] is a and seen[0][1] is c
    assert (ga.item(), gc.item()) == (1.0, 2.0)


def test_assigning_a_variable_in_a_tape_watches_it():
    v, u, w = tg.Variable(1.0), tg.Variable(1.0), tg.Variable(1.0)
    with tg.GradientTape() as tape:
        pass
    assert tape.watched_variables() == ()
    with tg.GradientTape() as tape:
        v.assign(3.0)
        u.assign_add(1.0)
        w.assign_sub(1.0)
    assert tape.watched_variables() == (v, u, w)
    with tg.GradientTape(watch_accessed_variables=False) as tape:
        v.assign(3.0)
    assert tape.watched_variables() == ()


def test_untrainable_and_unused_variables():
    v, w = tg.Variable(2.0), tg.Variable(3.0)
    frozen = tg.Variable(2.0, trainable=False)
    with tg.GradientTape() as tape:
        y = v * 2.0 + frozen * frozen
    assert tape.watched_variables() == (v,)
    assert [_v(g) for g in tape.gradient(y, [v, w, frozen])] == [2.0, None, None]
    with tg.GradientTape() as tape:
        tape.watch(frozen)                 # watched explicitly: it counts
        y = frozen * frozen
    assert tape.watched_variables() == (frozen,)
    assert tape.gradient(y, frozen).item() == 4.0


# ------------------------------------------------------------------ nested tapes
def test_a_constant_an_outer_tape_watches_is_not_an_inner_source():
    x = tg.constant(2.0)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            y = x * x
    assert outer.gradient(y, x).item() == 4.0
    assert inner.gradient(y, x) is None
    assert inner.watched_variables() == ()


def test_stop_recording_of_the_inner_tape_leaves_the_outer_recording():
    x = tg.constant(2.0)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            with inner.stop_recording():
                y = x * x
    assert outer.gradient(y, x).item() == 4.0
    assert inner.gradient(y, x) is None


def test_outer_without_auto_watch_does_not_see_the_variable():
    v = tg.Variable(2.0)
    with tg.GradientTape(watch_accessed_variables=False) as outer:
        with tg.GradientTape() as inner:
            y = v * v
        g = inner.gradient(y, v)
    assert g.item() == 4.0
    assert outer.gradient(g, v) is None
    assert outer.watched_variables() == ()


def test_jacobians_recorded_by_an_outer_tape():
    x = tg.constant([[1.0, 2.0], [3.0, 4.0]])
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = x ** 3
        j = tape.batch_jacobian(y, x)
        s = tg.reduce_sum(j)
    assert _v(j) == [[[3.0, 0.0], [0.0, 12.0]], [[27.0, 0.0], [0.0, 48.0]]]
    assert _v(outer.gradient(s, x)) == [[6.0, 12.0], [18.0, 24.0]]
    x = tg.constant([1.0, 2.0])
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = x ** 3
        s = tg.reduce_sum(tape.jacobian(y, x))
    assert _v(outer.gradient(s, x)) == [6.0, 12.0]


# ------------------------------------------------------------------ gradient in the block
def test_gradient_inside_a_one_shot_tape_stops_its_recording():
    x = tg.constant(2.0)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            g = tape.gradient(y, x)
            z = x * x * x                  # the outer tape still records this
    assert g.item() == 4.0
    assert outer.gradient(z, x).item() == 12.0
    with pytest.raises(RuntimeError, match="persistent"):
        tape.gradient(y, x)


def test_gradient_inside_a_one_shot_tape_is_still_differentiable_by_an_outer_one():
    x = tg.constant(3.0)
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = x ** 3
            g = tape.gradient(y, x)
    assert g.item() == 27.0
    assert outer.gradient(g, x).item() == 18.0


def test_gradient_inside_a_persistent_tape_warns_and_records():
    x = tg.constant(3.0)
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x ** 3
        with pytest.warns(UserWarning, match="inside its `with` block"):
            g = tape.gradient(y, x)
    assert g.item() == 27.0
    assert tape.gradient(g, x).item() == 18.0     # TF: the gradient ops were recorded
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert tape.gradient(y, x).item() == 27.0    # outside the block: no warning


# ------------------------------------------------------------------ reset / re-entry
def test_reset_forgets_ops_and_watches_but_keeps_recording():
    x = tg.constant(2.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        _ = x * x
        tape.reset()
        tape.watch(x)
        z = x * x * x
    assert tape.gradient(z, x).item() == 12.0
    with tg.GradientTape() as tape:
        tape.watch(x)
        tape.reset()
        z = x * x * x
    assert tape.gradient(z, x) is None


def test_reset_outside_recording_raises_value_error():
    tape = tg.GradientTape()
    with pytest.raises(ValueError, match="not recording"):
        tape.reset()
    with tg.GradientTape() as tape:
        with tape.stop_recording():
            with pytest.raises(ValueError, match="not recording"):
                tape.reset()
    with pytest.raises(RuntimeError):           # tapegrad's own type for it too
        tape.reset()


def test_reentering_a_tape_and_stop_recording_outside():
    tape = tg.GradientTape()
    with tape:
        with pytest.raises(ValueError, match="already recording"):
            tape.__enter__()
    with pytest.raises(RuntimeError, match="not recording"):
        with tape.stop_recording():
            pass


def test_an_exception_in_the_block_closes_the_tape():
    x = tg.constant(2.0)
    with pytest.raises(KeyError):
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = x * x
            raise KeyError("boom")
    with tg.GradientTape() as other:
        z = x * x
    assert tape.gradient(y, x).item() == 4.0
    assert other.gradient(z, x) is None


def test_a_persistent_tape_can_be_entered_again():
    x = tg.constant(2.0)
    tape = tg.GradientTape(persistent=True)
    with tape:
        tape.watch(x)
        y = x * x
    with tape:
        z = x * x * x
    assert tape.gradient(y, x).item() == 4.0
    assert tape.gradient(z, x).item() == 12.0


# ------------------------------------------------------------------ output_gradients
def test_output_gradients_shapes():
    x = tg.constant([[1.0, 2.0], [3.0, 4.0]])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    # TF multiplies them in: a row or a scalar that broadcasts to the target works
    assert _v(tape.gradient(y, x, output_gradients=tg.constant([1.0, 10.0]))) == \
        [[2.0, 40.0], [6.0, 80.0]]
    assert _v(tape.gradient(y, x, output_gradients=tg.constant(2.0))) == \
        [[4.0, 8.0], [12.0, 16.0]]
    with pytest.raises(ValueError, match="shape"):
        tape.gradient(y, x, output_gradients=tg.constant([1.0, 2.0, 3.0]))
    with pytest.raises(ValueError, match="None"):
        tape.gradient([y, y], x, output_gradients=[None, tg.ones((2, 2))])


def test_output_gradients_per_target_and_differentiable():
    x = tg.constant([1.0, 2.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y, z = x * x, x * 3.0
    g = tape.gradient([y, z], x, output_gradients=[tg.constant([1.0, 2.0]),
                                                  tg.constant([3.0, 4.0])])
    assert _v(g) == [11.0, 20.0]
    o = tg.constant([3.0, 4.0])
    with tg.GradientTape() as outer:
        outer.watch(o)
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        g = tape.gradient(y, x, output_gradients=o)
    assert _v(outer.gradient(g, o)) == [2.0, 4.0]


# ------------------------------------------------------------------ jacobians
def test_batch_jacobian_of_an_unconnected_source_is_zeros_even_for_none():
    x = tg.constant([[1.0, 2.0]])
    z = tg.constant(np.array([[3.0]]))         # float64; the zeros take the target's dtype
    with tg.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = x * 2.0
    for how in ("none", "zero", tg.UnconnectedGradients.NONE):
        j = tape.batch_jacobian(y, z, unconnected_gradients=how)
        assert j.shape == (1, 2, 1) and j.dtype == np.float32
        assert not j.numpy().any()


def test_jacobian_of_an_empty_target():
    x = tg.constant(np.zeros((0, 3)))
    z = tg.constant([1.0])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch([x, z])
        y = tg.reduce_sum(x, axis=1)
    j = tape.jacobian(y, x)
    assert j.shape == (0, 0, 3) and j.dtype == np.float64
    assert tape.jacobian(y, z) is None
    assert tape.jacobian(y, z, unconnected_gradients="zero").shape == (0, 1)


def test_jacobian_without_pfor_needs_a_persistent_tape():
    x = tg.constant([[1.0, 2.0], [3.0, 4.0]])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.jacobian(y, x, experimental_use_pfor=False)
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.batch_jacobian(y, x, experimental_use_pfor=False)
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    assert _v(tape.batch_jacobian(y, x, experimental_use_pfor=False)) == \
        [[[2.0, 0.0], [0.0, 4.0]], [[6.0, 0.0], [0.0, 8.0]]]
    assert tape.jacobian(y, x, experimental_use_pfor=False).shape == (2, 2, 2, 2)


def test_jacobian_inside_the_block_and_then_a_gradient():
    x = tg.constant([1.0, 2.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x * x
        j = tape.jacobian(y, x)
    assert _v(j) == [[2.0, 0.0], [0.0, 4.0]]
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    assert _v(tape.jacobian(y, x)) == [[2.0, 0.0], [0.0, 4.0]]
    assert _v(tape.gradient(y, x)) == [2.0, 4.0]


# ------------------------------------------------------------------ unconnected, dtypes
def test_unconnected_gradients_is_a_str_enum():
    U = tg.UnconnectedGradients
    assert U("zero") is U.ZERO and U("none") is U.NONE
    assert U.ZERO.value == "zero" and U.ZERO == "zero"
    x, y = tg.constant(1.0), tg.constant([2.0, 3.0])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch([x, y])
        z = x * 3
    assert tape.gradient(z, [x, y])[1] is None
    assert _v(tape.gradient(z, [x, y], unconnected_gradients=U.ZERO)[1]) == [0.0, 0.0]
    with pytest.raises(ValueError, match="zeros"):
        tape.gradient(z, x, unconnected_gradients="zeros")


def test_integer_sources_and_targets_give_none():
    x, i = tg.constant([1.0, 2.0]), tg.constant([1, 2])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        with pytest.warns(UserWarning, match="floating"):
            tape.watch(i)                  # TF logs the same warning
        y = x * tg.cast(i, tg.float32)
        k = tg.cast(x, tg.int32)
        b = x > 1.0
    gx, gi = tape.gradient(y, [x, i])
    assert _v(gx) == [1.0, 2.0] and gi is None
    assert tape.gradient(k, x) is None and tape.gradient(b, x) is None
    zi = tape.gradient(y, i, unconnected_gradients="zero")
    assert zi.dtype.kind == "i" and _v(zi) == [0, 0]     # zeros of the source's dtype
    v = tg.Variable(3)
    with tg.GradientTape() as tape:
        y = v * v
    assert tape.gradient(y, v) is None


def test_float64_and_float16_sources_keep_their_dtype():
    for dt in (np.float64, np.float16):
        x = tg.constant(np.array([1.0, 2.0], dtype=dt))
        with tg.GradientTape() as tape:
            tape.watch(x)
            y = x * x
        g = tape.gradient(y, x)
        assert g.dtype == dt and _v(g) == [2.0, 4.0]
    x = tg.constant(2.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.cast(x, tg.float64) ** 2
    g = tape.gradient(y, x)
    assert g.dtype == np.float32 and g.item() == 4.0


# ------------------------------------------------------------------ sources and targets
def test_structures_of_sources_and_targets():
    a, b, c = tg.Variable(1.0), tg.Variable(2.0), tg.Variable(3.0)
    with tg.GradientTape(persistent=True) as tape:
        y = a * b * c
        d = {"p": a * a, "q": [a * 3.0]}
    g = tape.gradient(y, {"x": [a, (b, c)], "y": {"z": a}})
    assert _v(g["x"][0]) == 6.0 and isinstance(g["x"][1], tuple)
    assert [_v(t) for t in g["x"][1]] == [3.0, 2.0] and _v(g["y"]["z"]) == 6.0
    assert tape.gradient(d, a).item() == 5.0          # targets summed
    assert [_v(t) for t in tape.gradient(y, [a, a])] == [6.0, 6.0]


def test_targets_that_are_sources_and_constant_targets():
    x, c = tg.constant(2.0), tg.constant(5.0)
    v = tg.Variable([1.0, 2.0])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
    assert tape.gradient(x, x).item() == 1.0
    assert _v(tape.gradient(v, v)) == [1.0, 1.0]
    assert tape.gradient(c, x) is None
    assert tape.gradient(c, x, unconnected_gradients="zero").item() == 0.0


def test_intermediates_as_sources():
    x = tg.constant(2.0)
    with tg.GradientTape(persistent=True) as tape:
        y = x * x                          # x not watched yet
        tape.watch(y)
        z = y * y
    assert tape.gradient(z, y).item() == 8.0
    assert tape.gradient(z, x) is None
    v = tg.Variable([1.0, 2.0])
    s = v[0]                               # computed before the tape
    with tg.GradientTape() as tape:
        y = v * 2.0
    assert tape.gradient(y, s) is None


def test_bad_sources_and_watch_arguments():
    x = tg.constant(2.0)
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        for bad in (2.0, np.array(2.0)):
            with pytest.raises(ValueError, match="expected tensors"):   # TF: ValueError
                tape.watch(bad)
            with pytest.raises(TypeError):                               # and ours
                tape.watch(bad)
    with pytest.raises(TypeError, match="sources"):
        tape.gradient(y, np.array(2.0))
    with pytest.raises(TypeError, match="sources"):
        tape.gradient(y, None)
    with pytest.raises(TypeError, match="target"):
        tape.gradient(None, x)


# ------------------------------------------------------------------ Variables
def test_assign_inside_a_tape():
    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        _ = v * v
        v.assign(5.0)
        z = v * v
    assert tape.gradient(z, v).item() == 10.0
    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        v.assign_add(1.0)
        z = v * v
    assert tape.gradient(z, v).item() == 6.0 and v.item() == 3.0
    v, w = tg.Variable(2.0), tg.Variable(3.0)
    with tg.GradientTape() as tape:
        v.assign(w * 2.0)                  # not recorded: no path to w
        y = v * 1.0
    gv, gw = tape.gradient(y, [v, w])
    assert gv.item() == 1.0 and gw is None


def test_variable_basics_as_tf():
    assert tg.Variable(1.0).dtype == np.float32
    assert tg.Variable(np.array([1.5])).dtype == np.float64
    assert tg.Variable(1.0, name="w").name == "w:0"
    assert tg.Variable(1.0, trainable=False).trainable is False
    v = tg.Variable([1.0, 2.0])
    v.assign(np.array([3.0, 4.0]))         # float64 into float32 is allowed
    assert v.dtype == np.float32 and _v(v) == [3.0, 4.0]
    with pytest.raises(ValueError, match="shape"):
        v.assign([1.0, 2.0, 3.0])
    with pytest.raises(TypeError):
        tg.Variable([1, 2]).assign([1.5, 2.5])
    r = v * 2.0
    assert not isinstance(r, tg.Variable)
    a = tg.Variable(2.0)
    b = tg.Variable(a)                     # a copy
    a.assign(5.0)
    assert b.item() == 2.0
    with pytest.raises(RuntimeError):      # TF: `v += 1` is not supported either
        with tg.GradientTape():
            v += 1.0


def test_read_value_value_and_convert_to_tensor_reach_the_variable():
    v = tg.Variable(1.0)
    for read in (lambda: v.read_value(), lambda: v.value(),
                 lambda: tg.convert_to_tensor(v)):
        with tg.GradientTape() as tape:
            y = read() * 3.0
        assert tape.gradient(y, v).item() == 3.0


# ------------------------------------------------------------------ custom_gradient
def test_custom_gradient_as_tf():
    @tg.custom_gradient
    def f(x):
        def grad_fn(up):
            return up * 100.0
        return x * x, grad_fn

    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        y = f(v)                           # a Variable argument is a source
    assert tape.gradient(y, v).item() == 100.0

    shapes = []

    @tg.custom_gradient
    def g(x):
        def grad_fn(up):
            shapes.append(tuple(up.shape))
            return up * 2.0
        return x * 2.0, grad_fn

    x = tg.constant([1.0, 2.0, 3.0])
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = tg.reduce_sum(g(x))
    assert _v(tape.gradient(y, x)) == [2.0, 2.0, 2.0] and shapes == [(3,)]

    @tg.custom_gradient
    def two(x):
        def grad_fn(u1, u2):
            return u1 * 2.0 + u2 * 3.0
        return (x * 2.0, x * 3.0), grad_fn

    x = tg.constant(1.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        a, b = two(x)
        z = a * 10.0 + b
    assert tape.gradient(z, x).item() == 23.0


def test_custom_gradient_none_gradient_and_second_order():
    @tg.custom_gradient
    def f(x, y):
        def grad_fn(up):
            return up, None
        return x + y, grad_fn

    x, y = tg.constant(3.0), tg.constant(4.0)
    with tg.GradientTape() as tape:
        tape.watch([x, y])
        z = f(x, y)
    gx, gy = tape.gradient(z, [x, y])
    assert gx.item() == 1.0 and gy is None

    @tg.custom_gradient
    def cube(x):
        def grad_fn(up):
            return up * 3.0 * x * x
        return x ** 3, grad_fn

    x = tg.constant(2.0)
    with tg.GradientTape() as t2:
        t2.watch(x)
        with tg.GradientTape() as t1:
            t1.watch(x)
            y = cube(x)
        d = t1.gradient(y, x)
    assert d.item() == 12.0 and t2.gradient(d, x).item() == 12.0


def test_function_and_tape():
    v = tg.Variable(2.0)

    @tg.function
    def f(x):
        return x * v * v

    x = tg.constant(3.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = f(x)
    gx, gv = tape.gradient(y, [x, v])
    assert gx.item() == 4.0 and gv.item() == 12.0


# ------------------------------------------------------------------ tf.nn and tf.Module
def test_nn_embedding_lookup_max_norm_clips_the_looked_up_rows():
    p = tg.constant(np.array([[0.0, 0.0], [3.0, 4.0]]))
    with tg.GradientTape() as tape:
        tape.watch(p)
        y = tg.nn.embedding_lookup(p, [[0, 1], [1, 1]], max_norm=1.0)
        loss = tg.reduce_sum(y * np.arange(8.0).reshape(2, 2, 2))
    np.testing.assert_allclose(y.numpy(), [[[0, 0], [0.6, 0.8]], [[0.6, 0.8], [0.6, 0.8]]])
    # TF 2.21's values; the table itself is not changed
    np.testing.assert_allclose(tape.gradient(loss, p).numpy(), [[0.0, 1.0], [0.096, -0.072]])
    assert p.numpy().tolist() == [[0.0, 0.0], [3.0, 4.0]]
    np.testing.assert_allclose(tg.nn.embedding_lookup(p, 1, max_norm=2.0).numpy(), [1.2, 1.6])


def test_module_variables_and_submodules_as_tf():
    class Dense(tg.Module):
        def __init__(self, i, o, name=None):
            super().__init__(name=name)
            self.w = tg.Variable(tg.ones((i, o)), name="w")
            self.b = tg.Variable(tg.zeros((o,)), name="b")

        def __call__(self, x):
            return tg.matmul(x, self.w) + self.b

    class MLP(tg.Module):
        def __init__(self):
            super().__init__()
            self.z_layers = [Dense(2, 3, name="d1"), Dense(3, 1, name="d2")]
            self.a_step = tg.Variable(0, trainable=False, name="step")
            self.cfg = {"k2": tg.Variable(1.0, name="k2"), "k1": tg.Variable(2.0, name="k1")}
            self.m_sub = Dense(1, 1, name="inner")
            self.m_sub_again = self.m_sub
            self.me = self

        def __call__(self, x):
            for layer in self.z_layers:
                x = layer(x)
            return self.m_sub(x)

    m = MLP()
    assert [v.name for v in m.variables] == \
        ["step:0", "k1:0", "k2:0", "b:0", "w:0", "b:0", "w:0", "b:0", "w:0"]
    assert [v.name for v in m.non_trainable_variables] == ["step:0"]
    assert [s.name for s in m.submodules] == ["inner", "d1", "d2"]      # never itself
    assert m.name == "mlp"
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(m(tg.constant([[1.0, 2.0]])))
    grads = tape.gradient(y, m.trainable_variables)
    assert [None if g is None else _v(g) for g in grads] == \
        [None, None, [1.0], [[9.0]], [1.0, 1.0, 1.0], [[1.0, 1.0, 1.0], [2.0, 2.0, 2.0]],
         [1.0], [[3.0], [3.0], [3.0]]]
    assert len(tape.watched_variables()) == 6
    with pytest.raises(ValueError, match="not a valid module name"):
        Dense(1, 1, name="a b")


# ------------------------------------------------------------------ conversions
def test_python_numbers_tf_will_not_convert():
    for fn in (tg.constant, tg.Variable, tg.convert_to_tensor):
        for value, dt in ((1.5, tg.int32), (1.0, tg.int32), ([1, 2.5], tg.int32),
                          (1.0, tg.bool), (1, tg.bool), (1 + 2j, tg.float32)):
            with pytest.raises(TypeError):
                fn(value, dtype=dt)
        # NumPy values are cast, Python ints and bools convert, as in TF
        assert _v(fn(np.array([1.5]), dtype=tg.int32)) == [1]
        assert _v(fn(np.float64(2.0), dtype=tg.int32)) == 2
        assert _v(fn([1, 2], dtype=tg.float32)) == [1.0, 2.0]
        assert _v(fn(True, dtype=tg.int32)) == 1
        assert fn(1.5, dtype=tg.complex64).dtype == np.complex64


def test_convert_to_tensor_dtype_hint_is_soft():
    c = tg.convert_to_tensor
    assert c(1.5, dtype_hint=tg.int32).dtype == np.float32        # cannot: ignored
    assert _v(c([1, 2.5], dtype_hint=tg.int32)) == [1.0, 2.5]
    assert c(1.0, dtype_hint=tg.bool).dtype == np.float32
    assert c(1, dtype_hint=tg.bool).dtype.kind == "i"
    assert c(1, dtype_hint=tg.float64).dtype == np.float64
    assert c(np.array([1, 2]), dtype_hint=tg.float32).dtype == np.float32   # arrays too
    t = tg.constant([1.0])
    assert c(t, dtype_hint=tg.float64) is t


def test_assign_with_read_value_false_returns_none():
    v = tg.Variable(1.0)
    assert v.assign(2.0, read_value=False) is None
    assert v.assign_add(1.0, read_value=False) is None
    assert v.assign_sub(0.5, read_value=False) is None
    assert v.item() == 2.5
    assert v.assign(3.0) is v
