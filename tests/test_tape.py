"""GradientTape and Variable: the classic tf.GradientTape tutorial, ported."""
import numpy as np
import pytest

import tapegrad as tg


def test_derivative_of_x_squared_at_3():
    x = tg.Variable(3.0)
    with tg.GradientTape() as tape:
        y = x ** 2
    dy_dx = tape.gradient(y, x)
    assert dy_dx.item() == 6.0
    assert dy_dx.grad_fn is None


def test_constant_needs_watch():
    x = tg.constant(3.0)
    with tg.GradientTape() as tape:
        y = x * x
    assert tape.gradient(y, x) is None
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    assert tape.gradient(y, x).item() == 6.0
    # watching does not leave the constant requiring grad after the tape closes
    assert not x.requires_grad


def test_persistent_tape_gives_several_gradients():
    x = tg.constant(3.0)
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
        z = y * y
    assert tape.gradient(z, x).item() == 108.0      # 4 x^3
    assert tape.gradient(z, y).item() == 18.0       # 2 y (an intermediate as source)
    assert tape.gradient(y, x).item() == 6.0


def test_non_persistent_second_call_raises():
    x = tg.constant(3.0)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    tape.gradient(y, x)
    with pytest.raises(RuntimeError, match="persistent=True"):
        tape.gradient(y, x)


def test_records_only_while_open():
    v = tg.Variable(2.0)
    before = v * 3.0                      # outside the tape
    with tg.GradientTape() as tape:
        z = before * 2.0
        w = v * 5.0
    assert tape.gradient(z, v) is None
    with tg.GradientTape() as tape:
        w = v * 5.0
    after = w * 10.0                      # after the tape closed
    assert tape.gradient(after, v) is None


def test_nested_tapes_give_second_and_third_derivatives():
    x = tg.constant(2.0)
    with tg.GradientTape() as t3:
        t3.watch(x)
        with tg.GradientTape() as t2:
            t2.watch(x)
            with tg.GradientTape() as t1:
                t1.watch(x)
                y = x ** 4 + 3.0 * x ** 2 + x
            dy = t1.gradient(y, x)            # 4x^3 + 6x + 1
        d2y = t2.gradient(dy, x)              # 12x^2 + 6
    d3y = t3.gradient(d2y, x)                 # 24x
    assert dy.item() == pytest.approx(4 * 8 + 12 + 1)
    assert d2y.item() == pytest.approx(12 * 4 + 6)
    assert d3y.item() == pytest.approx(48)


def test_sources_structure_is_mirrored():
    w = tg.Variable(np.ones((3, 2), dtype=np.float32), name="w")
    b = tg.Variable(np.zeros(2, dtype=np.float32), name="b")
    x = tg.constant([[1.0, 2.0, 3.0]])
    with tg.GradientTape(persistent=True) as tape:
        y = x @ w + b
        loss = tg.reduce_mean(y ** 2)
    as_list = tape.gradient(loss, [w, b])
    as_tuple = tape.gradient(loss, (w, b))
    as_dict = tape.gradient(loss, {"w": w, "b": b})
    nested = tape.gradient(loss, {"layer": [w, (b,)]})
    assert isinstance(as_list, list) and isinstance(as_tuple, tuple)
    assert set(as_dict) == {"w", "b"}
    assert isinstance(nested["layer"][1], tuple)
    # dloss/dy = y (mean over 2 -> 2y/2); y = 6 everywhere
    np.testing.assert_allclose(as_dict["b"].numpy(), [6.0, 6.0])
    np.testing.assert_allclose(as_list[0].numpy(), np.outer([1, 2, 3], [6, 6]))
    np.testing.assert_allclose(nested["layer"][0].numpy(), as_tuple[0].numpy())


def test_unconnected_gradients_none_and_zero():
    x = tg.Variable([1.0, 2.0])
    unused = tg.Variable([[5.0, 6.0]])
    with tg.GradientTape(persistent=True) as tape:
        y = tg.reduce_sum(x * x)
    assert tape.gradient(y, unused) is None
    z = tape.gradient(y, unused, unconnected_gradients="zero")
    assert z.shape == (1, 2) and np.all(z.numpy() == 0)
    z = tape.gradient(y, [x, unused], unconnected_gradients=tg.UnconnectedGradients.ZERO)
    np.testing.assert_allclose(z[0].numpy(), [2.0, 4.0])


def test_output_gradients_weight_the_target():
    x = tg.Variable([1.0, 2.0, 3.0])
    with tg.GradientTape() as tape:
        y = x * x
    g = tape.gradient(y, x, output_gradients=tg.constant([1.0, 0.5, 0.0]))
    np.testing.assert_allclose(g.numpy(), [2.0, 2.0, 0.0])


def test_non_scalar_target_is_summed():
    x = tg.Variable([1.0, 2.0])
    with tg.GradientTape() as tape:
        y = x * 3.0
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [3.0, 3.0])


def test_watch_accessed_variables_false():
    a = tg.Variable(2.0)
    b = tg.Variable(3.0)
    with tg.GradientTape(watch_accessed_variables=False) as tape:
        tape.watch(a)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert ga.item() == 3.0 and gb is None
    assert tape.watched_variables() == (a,)


def test_watched_variables_lists_used_trainable_variables():
    a = tg.Variable(1.0, name="a")
    frozen = tg.Variable(1.0, trainable=False, name="frozen")
    with tg.GradientTape() as tape:
        y = a * frozen
    assert tape.watched_variables() == (a,)
    assert tape.gradient(y, frozen) is None


def test_stop_recording_pauses_this_tape():
    x = tg.Variable(3.0)
    with tg.GradientTape(persistent=True) as tape:
        y = x * x
        with tape.stop_recording():
            z = y * 10.0
        w = y * 2.0
    assert tape.gradient(z, x) is None
    assert tape.gradient(w, x).item() == 12.0


def test_reset_forgets_earlier_ops():
    x = tg.Variable(3.0)
    with tg.GradientTape(persistent=True) as tape:
        y = x * x
        tape.reset()
        y2 = x * 4.0
    assert tape.gradient(y, x) is None
    assert tape.gradient(y2, x).item() == 4.0


def test_stop_gradient_blocks_the_path():
    x = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        y = x * tg.stop_gradient(x * x)
    assert tape.gradient(y, x).item() == 4.0


def test_control_flow_is_recorded_as_executed():
    def f(x, y):
        output = tg.constant(1.0)
        for i in range(y):
            if 1 < i < 5:
                output = output * x
        return output

    def grad_f(x, y):
        with tg.GradientTape() as tape:
            tape.watch(x)
            out = f(x, y)
        return tape.gradient(out, x)

    x = tg.constant(2.0)
    assert grad_f(x, 6).item() == 12.0        # x^3
    assert grad_f(x, 5).item() == 12.0
    assert grad_f(x, 4).item() == 4.0         # x^2


def test_while_loop_and_recursion():
    def newton_like(x):
        y = x
        while y.item() < 100.0:
            y = y * x
        return y

    def power(x, n):
        return x if n == 1 else x * power(x, n - 1)

    x = tg.Variable(3.0)
    with tg.GradientTape(persistent=True) as tape:
        y = newton_like(x)                    # x^5 = 243 >= 100
        p = power(x, 4)
    assert tape.gradient(y, x).item() == pytest.approx(5 * 3.0 ** 4)
    assert tape.gradient(p, x).item() == pytest.approx(4 * 27.0)


def test_gradient_of_several_variables_and_a_model():
    w = tg.Variable(np.full((3, 2), 0.5), name="w")
    b = tg.Variable(np.zeros(2), name="b")
    x = tg.constant(np.array([[1.0, 2.0, 3.0]]))
    with tg.GradientTape() as tape:
        y = x @ w + b
        loss = tg.reduce_mean(y ** 2)
    dw, db = tape.gradient(loss, [w, b])
    expected_y = np.array([[3.0, 3.0]])
    np.testing.assert_allclose(db.numpy(), expected_y[0])
    np.testing.assert_allclose(dw.numpy(), np.array([[1.0], [2.0], [3.0]]) * expected_y)


def test_linear_regression_with_assign_sub():
    rng = np.random.default_rng(0)
    xs = rng.uniform(-1, 1, size=(200,)).astype(np.float32)
    ys = 2.0 * xs + 1.0
    w = tg.Variable(0.0)
    b = tg.Variable(0.0)
    for _ in range(300):
        with tg.GradientTape() as tape:
            loss = tg.reduce_mean(tg.square(w * xs + b - ys))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(0.5 * dw)
        b.assign_sub(0.5 * db)
    assert w.numpy() == pytest.approx(2.0, abs=1e-3)
    assert b.numpy() == pytest.approx(1.0, abs=1e-3)


def test_jacobian_and_batch_jacobian():
    x = tg.constant([[1.0, 2.0], [3.0, 4.0]])
    w = tg.Variable([[1.0, -1.0, 0.5], [2.0, 0.0, 1.0]])
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = tg.tanh(x @ w)
    j = tape.jacobian(y, x)
    assert j.shape == (2, 3, 2, 2)
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (2, 3, 2)
    for i in range(2):
        np.testing.assert_allclose(bj.numpy()[i], j.numpy()[i, :, i, :], rtol=1e-6)
    d = 1 - np.tanh(x.numpy() @ w.numpy()) ** 2
    np.testing.assert_allclose(bj.numpy()[0], (d[0][:, None] * w.numpy().T), rtol=1e-6)
    jw = tape.jacobian(y, w)
    assert jw.shape == (2, 3, 2, 3)
    assert tape.jacobian(y, tg.Variable([1.0])) is None


def test_variable_assign_is_in_place_and_checked():
    v = tg.Variable([1.0, 2.0])
    ident = id(v.detach().numpy())
    v.assign([3.0, 4.0])
    v.assign_add(tg.constant([1.0, 1.0]))
    v.assign_sub(np.array([0.5, 0.5], dtype=np.float32))
    np.testing.assert_allclose(v.numpy(), [3.5, 4.5])
    assert id(v.detach().numpy()) == ident and v.dtype == np.float32
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(2,\)"):
        v.assign([1.0, 2.0, 3.0])
    assert v.trainable and v.requires_grad and v.is_leaf
    assert "Variable" in repr(v)


def test_assign_after_use_makes_gradient_raise():
    v = tg.Variable([1.0, 2.0])
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(v * v)
    v.assign([5.0, 5.0])
    with pytest.raises(RuntimeError, match="MulBackward"):
        tape.gradient(y, v)


def test_clip_by_global_norm_matches_tf_semantics():
    a, b = tg.tensor([3.0, 0.0]), tg.tensor([4.0])
    clipped, norm = tg.clip_by_global_norm([a, None, b], 1.0)
    assert norm.item() == pytest.approx(5.0)
    assert clipped[1] is None
    np.testing.assert_allclose(clipped[0].numpy(), [0.6, 0.0], rtol=1e-6)
    np.testing.assert_allclose(clipped[2].numpy(), [0.8], rtol=1e-6)
    small, n2 = tg.clip_by_global_norm([tg.tensor([0.3])], 1.0)
    np.testing.assert_allclose(small[0].numpy(), [0.3], rtol=1e-6)
    zero, n0 = tg.clip_by_global_norm([tg.zeros(2)], 1.0)
    assert np.all(np.isfinite(zero[0].numpy())) and n0.item() == 0.0
    inf, _ = tg.clip_by_global_norm([tg.tensor([np.inf, 1.0])], 1.0)
    assert np.all(np.isnan(inf[0].numpy()))


def test_tf_aliases_exist_and_agree():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert tg.reduce_sum(x, axis=0).tolist() == [4.0, 6.0]
    assert tg.reduce_mean(x).item() == 2.5
    assert tg.reduce_max(x, axis=1).tolist() == [2.0, 4.0]
    assert tg.reduce_min(x).item() == 1.0
    assert tg.reduce_prod(x).item() == 24.0
    assert tg.multiply(x, 2.0).tolist() == [[2.0, 4.0], [6.0, 8.0]]
    assert tg.square(x).tolist() == [[1.0, 4.0], [9.0, 16.0]]
    assert tg.convert_to_tensor(x) is x
    assert tg.convert_to_tensor([1.0]).dtype == np.float32
    assert tg.add_n([x, x]).tolist() == [[2.0, 4.0], [6.0, 8.0]]


def test_tape_and_backward_share_one_engine():
    x = tg.tensor(2.0, requires_grad=True)
    with tg.GradientTape() as tape:
        y = x ** 3
    assert tape.gradient(y, x).item() == 12.0
    assert x.grad is None                     # the tape does not touch .grad
    z = x ** 3
    z.backward()
    assert x.grad.item() == 12.0


def test_gradient_inside_the_tape_context():
    x = tg.Variable(3.0)
    with tg.GradientTape() as tape:
        y = x * x
        g = tape.gradient(y, x)
    assert g.item() == 6.0


def test_sources_may_be_a_generator_such_as_model_parameters():
    model = tg.nn.Linear(3, 2)
    x = tg.constant(np.ones((4, 3), dtype=np.float32))
    with tg.GradientTape() as tape:
        loss = tg.reduce_sum(model(x) ** 2)
    grads = tape.gradient(loss, model.parameters())
    assert isinstance(grads, list) and [g.shape for g in grads] == [(2, 3), (2,)]
