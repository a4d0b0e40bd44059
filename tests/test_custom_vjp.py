"""tg.custom_vjp (JAX's jax.custom_vjp): the hand-written bwd runs in every reverse path,
is differentiable again, and forward mode transposes it."""
import functools

import numpy as np
import pytest

import tapegrad as tg


@tg.custom_vjp
def sin_times(x, y):
    return tg.sin(x) * y


def _fwd(x, y):
    return sin_times(x, y), (tg.cos(x), tg.sin(x), y)


def _bwd(res, g):
    cos_x, sin_x, y = res
    return cos_x * g * y, sin_x * g


sin_times.defvjp(_fwd, _bwd)


def _t(v):
    return tg.tensor(np.asarray(v, dtype=np.float64), requires_grad=True)


def test_grad_matches_the_analytic_derivative():
    gx, gy = tg.grad(sin_times, argnums=(0, 1))(0.3, 2.0)
    assert np.isclose(gx.item(), np.cos(0.3) * 2.0) and np.isclose(gy.item(), np.sin(0.3))


def test_backward_and_tape_run_bwd():
    x, y = _t([0.1, 0.7]), _t([1.5, -2.0])
    sin_times(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.cos([0.1, 0.7]) * [1.5, -2.0])
    x2 = tg.Variable(np.array([0.1, 0.7]))
    with tg.GradientTape() as tape:
        z = tg.sum(sin_times(x2, 3.0))
    np.testing.assert_allclose(tape.gradient(z, x2).numpy(), 3.0 * np.cos([0.1, 0.7]))


def test_bwd_is_what_runs_not_the_automatic_derivative():
    @tg.custom_vjp
    def clip_grad(x):
        return x * 1.0

    clip_grad.defvjp(lambda x: (x * 1.0, None), lambda res, g: (tg.clip(g, -1.0, 1.0),))
    g = tg.grad(lambda x: tg.sum(clip_grad(x) * 10.0))(np.array([1.0, 2.0]))
    np.testing.assert_array_equal(g.numpy(), [1.0, 1.0])


def test_second_order_goes_through_the_residuals():
    d2 = tg.grad(tg.grad(sin_times))(0.3, 2.0)
    assert np.isclose(d2.item(), -np.sin(0.3) * 2.0)
    assert tg.gradgradcheck(lambda x: sin_times(x, 2.0), (_t([0.2, 1.1]),))


def test_forward_mode_transposes_bwd():
    _, t = tg.jvp(lambda x: sin_times(x, 2.0), (0.3,), (1.0,))
    assert np.isclose(t.item(), 2.0 * np.cos(0.3))
    jac = tg.jacfwd(lambda x: sin_times(x, 2.0))(np.array([0.1, 0.5]))
    np.testing.assert_allclose(jac.numpy(), np.diag(2.0 * np.cos([0.1, 0.5])))


def test_nondiff_argnums_go_to_bwd_first():
    @functools.partial(tg.custom_vjp, nondiff_argnums=(0,))
    def apply_fn(fn, x):
        return fn(x)

    def fwd(fn, x):
        return fn(x), x

    def bwd(fn, x, g):
        return (g * 2.0,)               # a deliberately different "derivative"

    apply_fn.defvjp(fwd, bwd)
    assert tg.grad(lambda x: apply_fn(tg.exp, x))(1.0).item() == 2.0


def test_pytree_arguments_and_outputs():
    @tg.custom_vjp
    def f(params):
        return {"out": params["w"] * params["b"]}

    def fwd(params):
        return f(params), params

    def bwd(params, g):
        return ({"w": g["out"] * params["b"], "b": g["out"] * params["w"]},)

    f.defvjp(fwd, bwd)
    g = tg.grad(lambda p: tg.sum(f(p)["out"]))({"w": np.array([1.0, 2.0]), "b": 3.0})
    np.testing.assert_allclose(g["w"].numpy(), [3.0, 3.0])
    assert np.isclose(g["b"].item(), 3.0)


def test_untraced_call_runs_the_function_and_kwargs_bind():
    assert np.isclose(sin_times(0.5, y=2.0), np.sin(0.5) * 2.0)
    x = _t(0.5)
    assert sin_times(x, y=2.0).grad_fn.name() == "SinTimesBackward"


def test_errors_name_the_function():
    @tg.custom_vjp
    def f(x):
        return x

    with pytest.raises(AttributeError, match="f.defvjp"):
        f(_t(1.0))
    f.defvjp(lambda x: x, lambda r, g: (g,))
    with pytest.raises(TypeError, match="fwd must return a pair"):
        f(_t(1.0))
    f.defvjp(lambda x: (x * 1.0, None), lambda r, g: g)
    with pytest.raises(TypeError, match="bwd must return a tuple"):
        f(_t(1.0)).backward()
    with pytest.raises(TypeError, match="defvjp's bwd"):
        f.defvjp(lambda x: x, 3)
