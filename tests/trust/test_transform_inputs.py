"""Bad inputs to the transforms, the engine and the tape are clear errors (naming the
function, the argument and what it got), and the tape follows TensorFlow's semantics."""
import numpy as np
import pytest

import tapegrad as tg


def leaf(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


def _no_return(x):
    x * 2.0


X = np.array([1.0, 2.0])
S = np.array(2.0)

# (call, error type, phrase the message must contain)
TRANSFORM_PROBES = {
    "grad_f_returns_none": (lambda: tg.grad(_no_return)(S), TypeError,
                            r"grad: f must return a scalar tensor, got None"),
    "grad_f_returns_str": (lambda: tg.grad(lambda x: "abc")(S), TypeError,
                           r"grad: f must return .*'abc' \(str\)"),
    "grad_f_returns_list": (lambda: tg.grad(lambda x: [x, x])(S), TypeError,
                            r"grad: f must return .*\(list\)"),
    "grad_f_returns_int_tensor": (lambda: tg.grad(lambda x: tg.tensor(3))(S), TypeError,
                                  r"grad: .*floating-point scalar, got dtype int64"),
    "grad_f_returns_python_int": (lambda: tg.grad(lambda x: 3)(S), TypeError,
                                  r"grad: f must return .*3 \(int\)"),
    "grad_argnums_str": (lambda: tg.grad(lambda x: x, argnums="x"), TypeError,
                         r"grad: argnums must be an int.*'x' \(str\)"),
    "grad_argnums_float": (lambda: tg.grad(lambda x: x, argnums=1.5), TypeError,
                           r"grad: argnums must be an int.*1.5 \(float\)"),
    "grad_argnums_duplicate": (lambda: tg.grad(lambda x, y: x * y, argnums=(0, -2))(S, S),
                               ValueError, r"grad: argnums \(0, -2\) names an argument twice"),
    "grad_input_str": (lambda: tg.grad(lambda x: x)("a"), TypeError,
                       r"grad: an argument to differentiate must be .*'a' \(str\)"),
    "grad_not_callable": (lambda: tg.grad(3), TypeError, r"grad: f must be callable"),
    "value_and_grad_none": (lambda: tg.value_and_grad(_no_return)(S), TypeError,
                            r"value_and_grad: f must return a scalar tensor, got None"),
    "vjp_f_returns_none": (lambda: tg.vjp(_no_return, S), TypeError,
                           r"vjp: f's output must be .*got None"),
    "vjp_cotangent_str": (lambda: tg.vjp(lambda x: x * 2.0, X)[1]("a"), TypeError,
                          r"vjp: a cotangent must be .*'a' \(str\)"),
    "vjp_has_aux_not_pair": (lambda: tg.vjp(lambda x: x, S, has_aux=True), TypeError,
                             r"vjp: with has_aux=True"),
    "jvp_f_returns_none": (lambda: tg.jvp(_no_return, (S,), (S,)), TypeError,
                           r"jvp: f's output must be .*got None"),
    "jvp_tangent_str": (lambda: tg.jvp(lambda x: x, (X,), ("a",)), TypeError,
                        r"jvp: a tangent must be .*'a' \(str\)"),
    "jvp_has_aux_not_pair": (lambda: tg.jvp(lambda x: x, (X,), (X,), has_aux=True),
                             TypeError, r"jvp: with has_aux=True"),
    "jacfwd_f_returns_none": (lambda: tg.jacfwd(_no_return)(X), TypeError,
                              r"jacfwd: f's output must be .*got None"),
    "jacfwd_argnums_str": (lambda: tg.jacfwd(lambda x: x, argnums="x"), TypeError,
                           r"jacfwd: argnums must be an int"),
    "jacrev_f_returns_str": (lambda: tg.jacrev(lambda x: "s")(X), TypeError,
                             r"jacrev: f's output must be .*'s' \(str\)"),
    "jacrev_argnums_duplicate": (lambda: tg.jacrev(lambda x: x, argnums=(0, 0))(X),
                                 ValueError, r"jacrev: argnums \(0, 0\) names an argument"),
    "hessian_f_returns_none": (lambda: tg.hessian(_no_return)(X), TypeError,
                               r"hessian: f's output must be .*got None"),
    "hessian_argnums_str": (lambda: tg.hessian(lambda x: x, argnums="x"), TypeError,
                            r"hessian: argnums must be an int"),
    "jvp_integer_primal_truncates_its_tangent": (
        lambda: tg.jvp(lambda a: a * 2, (tg.tensor([1, 2]),), (tg.tensor([0.5, 0.5]),)),
        TypeError, r"jvp: a primal has dtype int64"),
    "jacfwd_integer_input": (lambda: tg.jacfwd(lambda a: a * 2)(tg.tensor([1, 2])),
                             TypeError, r"jacfwd: an input has dtype int64"),
    "jacfwd_bool_output": (lambda: tg.jacfwd(lambda a: a > 0)(X), TypeError,
                           r"jacfwd: f's output has dtype bool"),
    "jacrev_bool_output": (lambda: tg.jacrev(lambda a: a > 0)(X), TypeError,
                           r"jacrev: f's output has dtype bool"),
    "jacrev_integer_output": (lambda: tg.jacrev(lambda a: tg.tensor([1, 2]))(X), TypeError,
                              r"jacrev: f's output has dtype int64"),
    "hessian_integer_input": (lambda: tg.hessian(lambda a: (a * a).sum())(tg.tensor([1, 2])),
                              TypeError, r"hessian: .*dtype int64"),
    "hvp_f_returns_none": (lambda: tg.hvp(_no_return, (X,), (X,)), TypeError,
                           r"hvp: f must return a scalar tensor, got None"),
    "hvp_primal_str": (lambda: tg.hvp(lambda x: x, ("a",), (X,)), TypeError,
                       r"hvp: a primal must be .*'a' \(str\)"),
    "grad_has_aux_list": (lambda: tg.grad(lambda x: x, has_aux=[]), TypeError,
                          r"grad: has_aux must be True or False, got \[\] \(list\)"),
    "jacrev_has_aux_none": (lambda: tg.jacrev(lambda x: x, has_aux=None), TypeError,
                            r"jacrev: has_aux must be True or False, got None"),
    "hvp_tangents_count": (lambda: tg.hvp(lambda x: (x * x).sum(), (X,), (X, X)),
                           ValueError, r"hvp: got 1 primal\(s\) but tangents of length 2"),
}


@pytest.mark.parametrize("case", sorted(TRANSFORM_PROBES))
def test_transforms_refuse_bad_functions_and_arguments_by_name(case):
    call, err, phrase = TRANSFORM_PROBES[case]
    with pytest.raises(err, match=phrase):
        call()


def _y():
    x = leaf([1.0, 2.0])
    return x, x * 2.0


def _bw(**kw):
    x, y = _y()
    y.sum().backward(**kw)


def _bw_vec(gradient):
    x, y = _y()
    y.backward(gradient=gradient)


def _grad(outputs=None, inputs=None, **kw):
    x, y = _y()
    return tg.autograd.grad(y.sum() if outputs is None else outputs,
                            [x] if inputs is None else inputs, **kw)


def _tape(**kw):
    x = tg.constant(X)
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = x * x
    return tape, x, y


ENGINE_PROBES = {
    "backward_inputs_str": (lambda: _bw(inputs="x"), TypeError,
                            r"backward: inputs must be tensors, got 'x' \(str\)"),
    "backward_inputs_empty": (lambda: _bw(inputs=[]), ValueError,
                              r"backward: inputs must be .*non-empty"),
    "backward_gradient_str": (lambda: _bw_vec("a"), TypeError,
                              r"backward: the gradient for output 0 must be .*'a' \(str\)"),
    "backward_gradient_complex": (lambda: _bw_vec(np.array([1j, 1.0])), TypeError,
                                  r"backward: .*dtype complex128"),
    "autograd_backward_retain_str": (
        lambda: tg.autograd.backward(_y()[1].sum(), retain_graph="yes"), TypeError,
        r"backward: retain_graph must be True or False, got 'yes' \(str\)"),
    "autograd_backward_tensors_str": (lambda: tg.autograd.backward("y"), TypeError,
                                      r"backward: tensors must be tensors, got 'y'"),
    "grad_inputs_str": (lambda: _grad(inputs="x"), TypeError,
                        r"grad: inputs must be tensors, got 'x' \(str\)"),
    "grad_outputs_str": (lambda: _grad(outputs="y"), TypeError,
                         r"grad: outputs must be tensors, got 'y' \(str\)"),
    "grad_grad_outputs_length": (
        lambda: _grad(grad_outputs=[tg.tensor(1.0), tg.tensor(1.0)]), ValueError,
        r"grad: got 2 grad_outputs for 1 output"),
    "grad_grad_outputs_str": (lambda: _grad(grad_outputs="ab"), TypeError,
                              r"grad: the gradient for output 0 must be .*'ab' \(str\)"),
    "grad_retain_graph_str": (lambda: _grad(retain_graph="yes"), TypeError,
                              r"grad: retain_graph must be True or False"),
    "grad_create_graph_str": (lambda: _grad(create_graph="yes"), TypeError,
                              r"grad: create_graph must be True or False"),
    "grad_allow_unused_str": (lambda: _grad(allow_unused="yes"), TypeError,
                              r"grad: allow_unused must be True or False"),
    "tape_source_str": (lambda: (lambda t, x, y: t.gradient(y, "x"))(*_tape()), TypeError,
                        r"GradientTape.gradient: sources must be .*'x' \(str\)"),
    "tape_target_str": (lambda: (lambda t, x, y: t.gradient("y", x))(*_tape()), TypeError,
                        r"GradientTape.gradient: target must be .*'y' \(str\)"),
    "tape_target_none": (lambda: (lambda t, x, y: t.gradient(None, x))(*_tape()), TypeError,
                         r"GradientTape.gradient: target must be .*None"),
    "tape_output_gradients_str": (
        lambda: (lambda t, x, y: t.gradient(y, x, output_gradients="ab"))(*_tape()),
        TypeError, r"GradientTape.gradient: output_gradients must be .*'ab' \(str\)"),
    "tape_output_gradients_shape": (
        lambda: (lambda t, x, y: t.gradient(y, x, output_gradients=np.ones(3)))(*_tape()),
        ValueError, r"GradientTape.gradient: output_gradients has shape \(3,\)"),
    "tape_jacobian_target_str": (lambda: (lambda t, x, y: t.jacobian("y", x))(*_tape()),
                                 TypeError, r"GradientTape.jacobian: target must be"),
    "tape_watch_str": (lambda: tg.GradientTape().watch("a"), TypeError,
                       r"GradientTape.watch: expected tensors, got 'a' \(str\)"),
    "tape_persistent_str": (lambda: tg.GradientTape(persistent="x"), TypeError,
                            r"GradientTape: persistent must be True or False, got 'x'"),
    "stop_gradient_str": (lambda: tg.stop_gradient("a"), TypeError,
                          r"stop_gradient: t must be .*'a' \(str\)"),
    "clip_by_global_norm_nan": (lambda: tg.clip_by_global_norm([tg.ones(2)], float("nan")),
                                ValueError, r"clip_by_global_norm: clip_norm must be finite"),
    "clip_by_global_norm_str": (lambda: tg.clip_by_global_norm([tg.ones(2)], "a"),
                                TypeError, r"clip_by_global_norm: clip_norm must be a real"),
    "clip_by_global_norm_tensor_not_list": (
        lambda: tg.clip_by_global_norm(tg.ones(2), 1.0), TypeError,
        r"clip_by_global_norm: t_list must be a list of tensors, got a tensor"),
    "clip_grad_norm_nan": (lambda: tg.nn.utils.clip_grad_norm_([leaf(X)], float("nan")),
                           ValueError, r"clip_grad_norm_: max_norm must not be NaN"),
    "clip_grad_norm_negative": (lambda: tg.nn.utils.clip_grad_norm_([leaf(X)], -1.0),
                                ValueError, r"clip_grad_norm_: max_norm must be >= 0"),
    "clip_grad_norm_norm_type_str": (
        lambda: tg.nn.utils.clip_grad_norm_([leaf(X)], 1.0, norm_type="bogus"), TypeError,
        r"clip_grad_norm_: norm_type must be a real number, got 'bogus' \(str\)"),
    "clip_grad_norm_params_str": (lambda: tg.nn.utils.clip_grad_norm_("ab", 1.0), TypeError,
                                  r"clip_grad_norm_: parameters must be"),
    "clip_grad_value_nan": (lambda: tg.nn.utils.clip_grad_value_([leaf(X)], float("nan")),
                            ValueError, r"clip_grad_value_: clip_value must not be NaN"),
    "custom_gradient_not_callable": (lambda: tg.custom_gradient(3), TypeError,
                                     r"custom_gradient: expected a function.*got int"),
    "custom_jvp_not_callable": (lambda: tg.custom_jvp(3), TypeError,
                                r"custom_jvp: expected a function to decorate, got int"),
    "custom_jvp_nondiff_argnums_str": (
        lambda: tg.custom_jvp(lambda x: x, nondiff_argnums="a"), TypeError,
        r"custom_jvp: nondiff_argnums must be a tuple of non-negative ints, got 'a'"),
    "custom_jvp_defjvp_not_callable": (lambda: tg.custom_jvp(lambda x: x).defjvp(3),
                                       TypeError, r"defjvp takes a function, got int"),
    "tape_unconnected_gradients_tensor": (
        lambda: (lambda t, x, y: t.gradient(y, x, unconnected_gradients=tg.ones(2)))(*_tape()),
        ValueError, r"GradientTape.gradient: unconnected_gradients must be 'none' or 'zero'"),
    "clip_by_global_norm_use_norm_str": (
        lambda: tg.clip_by_global_norm([tg.ones(2)], 1.0, use_norm="a"), TypeError,
        r"clip_by_global_norm: use_norm must be .*'a' \(str\)"),
    "clip_grad_norm_error_if_nonfinite_tensor": (
        lambda: tg.nn.utils.clip_grad_norm_([leaf(X)], 1.0, error_if_nonfinite=tg.ones(2)),
        TypeError, r"clip_grad_norm_: error_if_nonfinite must be True or False"),
    "parameters_to_vector_empty": (lambda: tg.nn.utils.parameters_to_vector([]), ValueError,
                                   r"parameters_to_vector: parameters is empty"),
    "variable_trainable_str": (lambda: tg.Variable(X, trainable="yes"), TypeError,
                               r"Variable: trainable must be True or False, got 'yes'"),
    "variable_name_int": (lambda: tg.Variable(X, name=3), TypeError,
                          r"Variable: name must be a string, got 3 \(int\)"),
    "variable_initial_value_str": (lambda: tg.Variable("abc"), TypeError, r"^Variable: "),
    "variable_assign_str": (lambda: tg.Variable(X).assign("abc"), TypeError,
                            r"Variable.assign: value must be .*'abc' \(str\)"),
    "variable_assign_add_none": (lambda: tg.Variable(X).assign_add(None), TypeError,
                                 r"Variable.assign_add: value must be .*None"),
    "variable_assign_float_into_int": (lambda: tg.Variable([1, 2]).assign([1.5, 2.5]),
                                       TypeError, r"Variable.assign: a value of dtype float64"),
    "register_hook_not_callable": (lambda: _y()[1].register_hook(3), TypeError,
                                   r"register_hook: the hook must be callable, got int"),
    "detect_anomaly_check_nan_str": (lambda: tg.detect_anomaly(check_nan="x"), TypeError,
                                     r"detect_anomaly: check_nan must be True or False"),
    "set_detect_anomaly_mode_str": (lambda: tg.autograd.set_detect_anomaly("yes"), TypeError,
                                    r"set_detect_anomaly: mode must be True or False"),
    "debug_none_gradients_str": (lambda: tg.debug_none_gradients("x"), TypeError,
                                 r"debug_none_gradients: enabled must be True or False"),
    "explain_grad_target_str": (lambda: tg.explain_grad("a", leaf(X)), TypeError,
                                r"explain_grad: target must be a tensor, got str"),
}


@pytest.mark.parametrize("case", sorted(ENGINE_PROBES))
def test_engine_and_tape_refuse_bad_arguments_by_name(case):
    call, err, phrase = ENGINE_PROBES[case]
    with pytest.raises(err, match=phrase):
        call()


def _function_with_backward(bw):
    class Scale(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, w):
            ctx.save_for_backward(x, w)
            return x * w

        @staticmethod
        def backward(ctx, g):
            return bw(ctx, g)

    return Scale


BAD_BACKWARDS = {
    "str": (lambda ctx, g: ("a", g), TypeError, r"Scale.backward returned str"),
    "list": (lambda ctx, g: ([1.0, 2.0], g), TypeError, r"Scale.backward returned list"),
    "complex": (lambda ctx, g: (np.ones(2) * 1j, g), TypeError, r"dtype complex128"),
}


@pytest.mark.parametrize("case", sorted(BAD_BACKWARDS))
def test_a_function_backward_returning_a_bad_gradient_is_refused(case):
    bw, err, phrase = BAD_BACKWARDS[case]
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    with pytest.raises(err, match=phrase):
        _function_with_backward(bw).apply(x, w).sum().backward()


@pytest.mark.parametrize("create_graph", [False, True])
def test_a_function_backward_returning_a_saved_input_does_not_alias_it(create_graph):
    # d(x*w)/dw with an all-ones cotangent is x: a lazy backward returns x itself
    Scale = _function_with_backward(lambda ctx, g: (ctx.saved_tensors[1] * g,
                                                    ctx.saved_tensors[0]))
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    Scale.apply(x, w).backward(tg.ones(2, dtype=np.float64), create_graph=create_graph)
    assert not np.shares_memory(w.grad._data, x._data)
    w.grad.zero_() if not create_graph else None
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 2.0])


def test_a_custom_gradient_returning_a_held_tensor_does_not_alias_it():
    kept = tg.tensor(np.array([5.0, 6.0]))

    @tg.custom_gradient
    def f(x):
        return x * 2.0, lambda dy: kept

    x = leaf([1.0, 2.0])
    f(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 6.0])
    assert not np.shares_memory(x.grad._data, kept._data)


def test_custom_gradient_names_a_grad_fn_that_is_not_callable():
    @tg.custom_gradient
    def f(x):
        return x * 2.0, "not a function"

    with pytest.raises(TypeError, match=r"second item is str, not a function"):
        f(leaf([1.0, 2.0]))


# ---------------------------------------------------------------- tape semantics (TF)

def test_tape_reset_forgets_watched_constants_but_not_an_outer_tapes():
    x = tg.constant(X)
    with tg.GradientTape() as tape:
        tape.watch(x)
        tape.reset()
        y = x * x
    assert tape.gradient(y, x) is None
    with tg.GradientTape() as outer:
        outer.watch(x)
        with tg.GradientTape() as inner:
            inner.watch(x)
            inner.reset()
            y = x * x
    np.testing.assert_allclose(outer.gradient(y, x).numpy(), [2.0, 4.0])


def _watched_constant():
    x = tg.constant(X)
    with tg.GradientTape() as tape:
        tape.watch(x)
    return tape, x


def _unused_variable():
    v = tg.Variable(X)
    with tg.GradientTape() as tape:
        pass
    return tape, v


def _used_variable():
    v = tg.Variable(X)
    with tg.GradientTape() as tape:
        v * 2.0
    return tape, v


SELF_SOURCES = {"watched_constant": _watched_constant, "unused_variable": _unused_variable,
                "used_variable": _used_variable}


@pytest.mark.parametrize("kind", sorted(SELF_SOURCES))
def test_tape_gradient_of_a_source_with_respect_to_itself_is_ones(kind):
    tape, x = SELF_SOURCES[kind]()
    np.testing.assert_allclose(tape.gradient(x, x).numpy(), [1.0, 1.0])


def test_tape_gradient_of_a_source_in_a_list_is_ones_there_and_none_elsewhere():
    x = tg.constant(X)
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = x * x
    gx, gy = tape.gradient(x, [x, y])
    np.testing.assert_allclose(gx.numpy(), [1.0, 1.0])
    assert gy is None


def test_tape_gradient_of_a_source_takes_a_copy_of_its_output_gradients():
    x = tg.constant(X)
    og = tg.constant(np.array([3.0, 4.0]))
    with tg.GradientTape() as tape:
        tape.watch(x)
    g = tape.gradient(x, x, output_gradients=og)
    np.testing.assert_allclose(g.numpy(), [3.0, 4.0])
    assert not np.shares_memory(g._data, og._data)
