"""Custom differentiable functions: autograd.Function, custom_gradient, custom_jvp."""
import re

import numpy as np
import pytest

import tapegrad as tg


def f64(a, rg=True):
    return tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=rg)


# ------------------------------------------------------------------ autograd.Function

class Cube(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2

    @staticmethod
    def jvp(ctx, dx):
        (x,) = ctx.saved_tensors
        return 3 * x ** 2 * dx


class ScaledExp(tg.autograd.Function):
    """exp(x) * alpha; saves its output, takes a non-tensor argument."""

    @staticmethod
    def forward(ctx, x, alpha):
        out = tg.exp(x) * alpha
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        (out,) = ctx.saved_tensors
        return g * out, None


def test_function_forward_backward_and_node_name():
    x = f64([1.0, 2.0])
    y = Cube.apply(x)
    assert y.grad_fn.name() == "CubeBackward"
    np.testing.assert_allclose(y.numpy(), [1.0, 8.0])
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 12.0])


def test_function_without_grad_needed_records_nothing():
    y = Cube.apply(f64([2.0], rg=False))
    assert y.grad_fn is None and not y.requires_grad
    with tg.no_grad():
        z = Cube.apply(f64([2.0]))
    assert z.grad_fn is None
    np.testing.assert_allclose(z.numpy(), [8.0])


def test_function_non_tensor_argument_and_saved_output():
    x = f64([0.5, -1.0])
    y = ScaledExp.apply(x, 3.0)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 3.0 * np.exp([0.5, -1.0]))
    assert tg.gradcheck(lambda t: ScaledExp.apply(t, 3.0), (f64([0.5, -1.0]),))


def test_function_second_order_through_backward_written_in_tapegrad_ops():
    x = f64([1.0, 2.0])
    (g,) = tg.autograd.grad(Cube.apply(x).sum(), x, create_graph=True)
    (gg,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), 6 * np.array([1.0, 2.0]))
    assert tg.gradgradcheck(Cube.apply, (f64([0.3, -1.2]),))
    # a saved output comes back connected too, so its second derivative is right
    assert tg.gradgradcheck(lambda t: ScaledExp.apply(t, 2.0), (f64([0.3, -1.2]),))


def test_function_forward_mode_uses_its_jvp():
    x = f64([1.0, 2.0])
    out, tangent = tg.jvp(Cube.apply, (x,), (tg.ones_like(x),))
    np.testing.assert_allclose(tangent.numpy(), [3.0, 12.0])
    np.testing.assert_allclose(tg.jacfwd(Cube.apply)(x).numpy(), np.diag([3.0, 12.0]))
    # hessian is forward-over-reverse: the jvp of the custom backward
    h = tg.hessian(lambda t: Cube.apply(t).sum())(x)
    np.testing.assert_allclose(h.numpy(), np.diag([6.0, 12.0]))
    assert tg.gradcheck(Cube.apply, (f64([0.4, 1.5]),), check_forward_ad=True)


def test_function_without_jvp_says_how_to_add_one():
    with pytest.raises(RuntimeError, match=r"ScaledExp: forward-mode .*jvp"):
        tg.jvp(lambda t: ScaledExp.apply(t, 1.0), (f64([1.0]),), (f64([1.0]),))


def test_needs_input_grad_in_forward_and_backward():
    seen = {}

    class Mul(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            seen["forward"] = ctx.needs_input_grad
            ctx.save_for_backward(a, b)
            return a * b

        @staticmethod
        def backward(ctx, g):
            a, b = ctx.saved_tensors
            seen["backward"] = ctx.needs_input_grad
            return (g * b if ctx.needs_input_grad[0] else None,
                    g * a if ctx.needs_input_grad[1] else None)

    a, b = f64([2.0]), f64([3.0], rg=False)
    Mul.apply(a, b).sum().backward()
    assert seen == {"forward": (True, False), "backward": (True, False)}
    np.testing.assert_allclose(a.grad.numpy(), [3.0])
    # autograd.grad with `inputs` narrows the mask to what is asked for
    b.requires_grad_()
    out = Mul.apply(a, b).sum()
    tg.autograd.grad(out, b)
    assert seen["backward"] == (False, True)


def test_multiple_outputs_and_non_differentiable_output():
    class MaxWithIndex(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            i = tg.argmax(x)
            ctx.mark_non_differentiable(i)
            ctx.save_for_backward(x, i)
            return x[i] * 1.0, x * 2.0, i

        @staticmethod
        def backward(ctx, gmax, gdouble, gi):
            x, i = ctx.saved_tensors
            assert np.all(gi.numpy() == 0)          # non-differentiable outputs get zeros
            g = gdouble * 2.0
            onehot = np.zeros(x.shape)
            onehot[int(i.item())] = 1.0
            return g + gmax * tg.tensor(onehot)

    x = f64([1.0, 5.0, 2.0])
    m, d, i = MaxWithIndex.apply(x)
    assert i.item() == 1 and not i.requires_grad and i.grad_fn is None
    assert m.requires_grad and d.requires_grad
    (m * 10 + d.sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 12.0, 2.0])
    # an unused output contributes a zero gradient
    x.grad = None
    MaxWithIndex.apply(x)[1].sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 2.0, 2.0])
    assert tg.gradcheck(lambda t: MaxWithIndex.apply(t)[:2], (f64([1.0, 5.0, 2.0]),))


def test_multiple_outputs_forward_mode():
    class SinCos(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return tg.sin(x), tg.cos(x)

        @staticmethod
        def backward(ctx, gs, gc):
            (x,) = ctx.saved_tensors
            return gs * tg.cos(x) - gc * tg.sin(x)

        @staticmethod
        def jvp(ctx, dx):
            (x,) = ctx.saved_tensors
            return tg.cos(x) * dx, -tg.sin(x) * dx

    x = f64([0.3, 1.1])
    f = lambda t: SinCos.apply(t)[0] * SinCos.apply(t)[1]     # noqa: E731
    expected = np.diag(np.cos(2 * x.numpy()))
    np.testing.assert_allclose(tg.jacfwd(f)(x).numpy(), expected, atol=1e-12)
    np.testing.assert_allclose(tg.jacrev(f)(x).numpy(), expected, atol=1e-12)
    assert tg.gradgradcheck(f, (f64([0.3, 1.1]),))


def test_setup_context_style():
    class Square(tg.autograd.Function):
        @staticmethod
        def forward(x):
            return x * x

        @staticmethod
        def setup_context(ctx, inputs, output):
            (x,) = inputs
            ctx.save_for_backward(x)

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = f64([3.0])
    Square.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0])


def test_gradcheck_catches_a_wrong_custom_backward():
    class BadSquare(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * x                # should be 2 * x * g

    with pytest.raises(tg.GradcheckError, match=r"input 0.*analytic.*numeric"):
        tg.gradcheck(BadSquare.apply, (f64([1.0, 2.0]),))


def test_backward_returning_the_wrong_number_of_gradients():
    class TwoIn(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a, b):
            return a + b

        @staticmethod
        def backward(ctx, g):
            return g

    with pytest.raises(RuntimeError, match=r"TwoIn.backward returned 1 gradient\(s\).*2 "
                                           r"input"):
        TwoIn.apply(f64([1.0]), f64([2.0])).sum().backward()


def test_backward_returning_a_gradient_for_a_non_tensor_input():
    class Bad(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, k):
            return x * k

        @staticmethod
        def backward(ctx, g):
            return g, g

    with pytest.raises(RuntimeError, match="input 1, which is not a tensor"):
        Bad.apply(f64([1.0]), 2.0).sum().backward()


def test_backward_returning_a_wrong_shape_names_the_function():
    class Bad(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return tg.ones(5)

    with pytest.raises(RuntimeError, match=r"BadBackward.*\(5,\).*\(3,\)"):
        Bad.apply(f64([1.0, 2.0, 3.0])).sum().backward()


def test_save_for_backward_rejects_non_tensors():
    class Bad(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x, 3.0)
            return x

    with pytest.raises(TypeError, match=r"save_for_backward.*argument 1 is a float"):
        Bad.apply(f64([1.0]))


def test_modifying_a_saved_tensor_in_place_raises():
    x = f64([1.0, 2.0])
    y = ScaledExp.apply(x, 1.0)
    with tg.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.sum().backward()
    # an input changed after the call is caught as well
    w = f64([1.0, 2.0])
    z = Cube.apply(w)
    with tg.no_grad():
        w.add_(1.0)
    with pytest.raises(RuntimeError, match="CubeBackward.*modified in place"):
        z.sum().backward()


def test_second_backward_needs_retain_graph():
    x = f64([1.0])
    y = Cube.apply(x).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    y2 = Cube.apply(x).sum()
    y2.backward(retain_graph=True)
    y2.backward()
    np.testing.assert_allclose(x.grad.numpy(), [9.0])


def test_function_under_gradient_tape_and_with_hooks():
    v = tg.Variable(np.array([2.0]))
    with tg.GradientTape() as tape:
        y = Cube.apply(v)
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), [12.0])
    x = f64([2.0])
    y = Cube.apply(x)
    y.register_hook(lambda g: g * 10)
    y.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [120.0])


def test_once_differentiable_refuses_create_graph():
    class Once(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        @tg.autograd.once_differentiable
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return 2 * x * g

    x = f64([3.0])
    Once.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [6.0])
    # as PyTorch: create_graph computes the gradient; differentiating it again raises
    (g,) = tg.autograd.grad(Once.apply(x).sum(), x, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), [6.0])
    with pytest.raises(RuntimeError, match="once_differentiable"):
        g.sum().backward()


def test_function_misuse_errors():
    with pytest.raises(TypeError, match="Cube.apply"):
        Cube()(f64([1.0]))
    with pytest.raises(TypeError, match="tensor keyword argument 'w'"):
        Cube.apply(f64([1.0]), w=f64([1.0]))

    class NoBackward(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

    with pytest.raises(NotImplementedError, match="NoBackward: define backward"):
        NoBackward.apply(f64([1.0])).sum().backward()


def test_vjp_is_accepted_in_place_of_backward():
    class Double(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def vjp(ctx, g):
            return g * 2

    x = f64([1.0])
    Double.apply(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0])


def test_function_matches_torch_autograd_function():
    torch = pytest.importorskip("torch")

    class TorchCube(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x ** 3

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2

    a = np.array([0.5, -1.5, 2.0])
    xt = torch.tensor(a, requires_grad=True)
    (gt,) = torch.autograd.grad(TorchCube.apply(xt).sin().sum(), xt, create_graph=True)
    (ggt,) = torch.autograd.grad(gt.sum(), xt)
    x = f64(a)
    (g,) = tg.autograd.grad(tg.sin(Cube.apply(x)).sum(), x, create_graph=True)
    (gg,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), ggt.numpy(), rtol=1e-12)


# ------------------------------------------------------------------ custom_gradient

@tg.custom_gradient
def log1pexp(x):
    e = tg.exp(x)

    def grad_fn(upstream):
        return upstream * (1 - 1 / (1 + e))

    return tg.log(1 + e), grad_fn


def test_custom_gradient_is_used_and_stable():
    x = tg.tensor(100.0, requires_grad=True)        # float32: exp(100) overflows
    with np.errstate(over="ignore"):
        y = log1pexp(x)
        y.backward()
    assert y.grad_fn.name() == "Log1pexpBackward"
    assert x.grad.item() == 1.0
    # without the custom gradient the same formula loses it: exp(100) is inf in float32
    z = tg.tensor(100.0, requires_grad=True)
    with np.errstate(over="ignore", invalid="ignore"):
        tg.log(1 + tg.exp(z)).backward()
    assert not z.grad.item() == 1.0


def test_custom_gradient_untracked_call_returns_f_result():
    y = log1pexp(tg.tensor(0.0))
    assert y.grad_fn is None
    np.testing.assert_allclose(y.numpy(), np.log(2.0), rtol=1e-6)


def test_custom_gradient_second_order_through_closed_over_tensors():
    s = lambda v: 1 / (1 + np.exp(-v))              # noqa: E731
    x = f64(0.7)
    d1 = tg.grad(log1pexp)(x)
    d2 = tg.grad(tg.grad(log1pexp))(x)
    np.testing.assert_allclose(d1.item(), s(0.7), rtol=1e-12)
    np.testing.assert_allclose(d2.item(), s(0.7) * (1 - s(0.7)), rtol=1e-12)
    assert tg.gradcheck(log1pexp, (f64([-1.0, 0.5, 3.0]),))
    assert tg.gradgradcheck(log1pexp, (f64([-1.0, 0.5, 3.0]),))


def test_custom_gradient_forward_mode_transposes_grad_fn():
    s = lambda v: 1 / (1 + np.exp(-v))              # noqa: E731
    x = f64([0.2, -1.0])
    _, t = tg.jvp(log1pexp, (x,), (f64([1.0, 2.0], rg=False),))
    np.testing.assert_allclose(t.numpy(), s(x.numpy()) * [1.0, 2.0], rtol=1e-12)
    h = tg.hessian(lambda v: log1pexp(v).sum())(x)
    np.testing.assert_allclose(h.numpy(), np.diag(s(x.numpy()) * (1 - s(x.numpy()))),
                               rtol=1e-10, atol=1e-12)


def test_custom_gradient_with_several_inputs_and_outputs():
    @tg.custom_gradient
    def mul_and_sum(a, b):
        def grad_fn(g_prod, g_sum):
            return g_prod * b + g_sum, g_prod * a + g_sum
        return (a * b, a + b), grad_fn

    a, b = f64([1.0, 2.0]), f64([3.0, 4.0])
    p, s = mul_and_sum(a, b)
    (p * 2 + s).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [7.0, 9.0])
    np.testing.assert_allclose(b.grad.numpy(), [3.0, 5.0])
    assert tg.gradcheck(mul_and_sum, (f64([1.0, 2.0]), f64([3.0, 4.0])))


def test_custom_gradient_with_variables():
    w = tg.Variable(np.array([2.0, 3.0]), name="w")

    @tg.custom_gradient
    def scale(x):
        def grad_fn(upstream, variables=None):
            assert len(variables) == 1 and variables[0] is w
            return upstream * w, [(upstream * x).sum(axis=0) * 100]   # marked: x100
        return x * w, grad_fn

    x = tg.constant(np.array([[1.0, 1.0], [2.0, 0.5]]))
    with tg.GradientTape() as tape:
        tape.watch(x)
        y = scale(x)
    gx, gw = tape.gradient(y, [x, w])
    np.testing.assert_allclose(gx.numpy(), [[2.0, 3.0], [2.0, 3.0]])
    np.testing.assert_allclose(gw.numpy(), [300.0, 150.0])


def test_custom_gradient_needs_variables_argument_when_f_reads_variables():
    w = tg.Variable(2.0, name="scale")

    @tg.custom_gradient
    def f(x):
        return x * w, lambda g: g * w

    with pytest.raises(TypeError, match=r"scale:0.*variables"):
        with tg.GradientTape():
            f(tg.tensor(1.0, requires_grad=True))


def test_custom_gradient_errors():
    @tg.custom_gradient
    def no_pair(x):
        return x * 2

    with pytest.raises(TypeError, match=r"no_pair must return a pair \(output, grad_fn\)"):
        no_pair(f64(1.0))

    @tg.custom_gradient
    def too_many(x):
        return x * 2, lambda g: (g, g)

    with pytest.raises(RuntimeError, match="grad_fn of too_many returned 2 gradient"):
        too_many(f64(1.0)).backward()


def test_gradcheck_catches_a_wrong_custom_gradient():
    @tg.custom_gradient
    def bad_sin(x):
        return tg.sin(x), lambda g: g * tg.sin(x)

    with pytest.raises(tg.GradcheckError, match="input 0"):
        tg.gradcheck(bad_sin, (f64([0.3, 1.0]),))


# ------------------------------------------------------------------ custom_jvp

@tg.custom_jvp
def f_sin(x, y):
    return tg.sin(x) * y


@f_sin.defjvp
def f_sin_jvp(primals, tangents):
    x, y = primals
    dx, dy = tangents
    return f_sin(x, y), tg.cos(x) * dx * y + tg.sin(x) * dy


def test_custom_jvp_forward_and_reverse():
    x, y = f64(0.5), f64(2.0)
    _, t = tg.jvp(f_sin, (x, y), (f64(1.0), f64(0.0)))
    np.testing.assert_allclose(t.item(), np.cos(0.5) * 2, rtol=1e-12)
    gx, gy = tg.grad(f_sin, argnums=(0, 1))(x, y)
    np.testing.assert_allclose([gx.item(), gy.item()], [np.cos(0.5) * 2, np.sin(0.5)],
                               rtol=1e-12)
    assert tg.gradcheck(f_sin, (f64([0.1, 0.9]), f64([2.0, -1.0])))
    assert tg.gradgradcheck(f_sin, (f64([0.1, 0.9]), f64([2.0, -1.0])))
    h = tg.hessian(f_sin)(x, y)
    np.testing.assert_allclose(h.item(), -np.sin(0.5) * 2, rtol=1e-12)


def test_custom_jvp_rule_is_what_gets_used():
    # a deliberately "wrong" rule shows both modes follow the rule, not the primal code
    @tg.custom_jvp
    def ident(x):
        return x * 1.0

    ident.defjvp(lambda primals, tangents: (ident(*primals), 5.0 * tangents[0]))
    x = f64([1.0, 2.0])
    np.testing.assert_allclose(tg.jvp(ident, (x,), (tg.ones_like(x),))[1].numpy(), [5, 5])
    ident(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [5.0, 5.0])
    assert ident(x).grad_fn.name() == "IdentBackward"


def test_custom_jvp_gives_a_finite_gradient_where_autodiff_does_not():
    # d/dx sqrt(x^2 + 0) at 0 via autodiff is 0 * inf; the rule says 0
    @tg.custom_jvp
    def safe_norm(x):
        return tg.sqrt((x * x).sum())

    @safe_norm.defjvp
    def _(primals, tangents):
        (x,), (dx,) = primals, tangents
        n = safe_norm(x)
        scale = tg.where(n > 0, 1 / tg.where(n > 0, n, 1.0), 0.0)
        return n, (x * dx).sum() * scale

    x = f64([0.0, 0.0])
    safe_norm(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])
    np.testing.assert_allclose(tg.grad(safe_norm)(f64([3.0, 4.0])).numpy(), [0.6, 0.8])


def test_custom_jvp_nondiff_argnums_and_defjvps():
    def power(n, x):
        return x ** n

    power = tg.custom_jvp(power, nondiff_argnums=(0,))

    @power.defjvp
    def _(n, primals, tangents):
        (x,), (dx,) = primals, tangents
        return power(n, x), n * x ** (n - 1) * dx

    x = f64(2.0)
    np.testing.assert_allclose(tg.grad(lambda v: power(3, v))(x).item(), 12.0)
    np.testing.assert_allclose(tg.jvp(lambda v: power(3, v), (x,), (f64(1.0),))[1].item(),
                               12.0)

    @tg.custom_jvp
    def mul(a, b):
        return a * b

    mul.defjvps(lambda da, out, a, b: da * b, lambda db, out, a, b: a * db)
    ga, gb = tg.grad(mul, argnums=(0, 1))(f64(2.0), f64(3.0))
    assert (ga.item(), gb.item()) == (3.0, 2.0)


def test_custom_jvp_without_rule_raises():
    @tg.custom_jvp
    def g(x):
        return x

    with pytest.raises(AttributeError, match="no JVP rule defined.*g.defjvp"):
        g(f64(1.0))


def test_custom_jvp_multiple_outputs():
    @tg.custom_jvp
    def sincos(x):
        return tg.sin(x), tg.cos(x)

    @sincos.defjvp
    def _(primals, tangents):
        (x,), (dx,) = primals, tangents
        return sincos(x), (tg.cos(x) * dx, -tg.sin(x) * dx)

    x = f64([0.3, 1.2])
    f = lambda t: sincos(t)[0] * 2 + sincos(t)[1]       # noqa: E731
    expected = np.diag(2 * np.cos(x.numpy()) - np.sin(x.numpy()))
    np.testing.assert_allclose(tg.jacrev(f)(x).numpy(), expected, rtol=1e-12)
    np.testing.assert_allclose(tg.jacfwd(f)(x).numpy(), expected, rtol=1e-12)


# ------------------------------------------------------------------ gradcheck messages

class BadMatmul(tg.autograd.Function):
    """x @ w with the weight gradient doubled by mistake."""

    @staticmethod
    def forward(ctx, x, w):
        ctx.save_for_backward(x, w)
        return x @ w

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        return g @ w.T, 2 * (x.T @ g)


def test_gradcheck_message_names_input_index_and_both_values():
    rng = np.random.default_rng(0)
    x, w = f64(rng.random((2, 3))), f64(rng.random((3, 2)))

    def layer(inputs, weight):
        return BadMatmul.apply(inputs, weight)

    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(layer, (x, w))
    msg = str(info.value)
    m = re.search(r"input 1 at element \((\d), (\d)\) \(`weight`, shape \(3, 2\); output "
                  r"element \((\d), (\d)\)\): analytic (\S+) vs numeric (\S+),", msg)
    assert m, msg
    i, j, r, c = map(int, m.groups()[:4])
    analytic, numeric = float(m.group(5)), float(m.group(6))
    # d out[r, c] / d w[i, j] = x[r, i] if j == c
    assert j == c
    np.testing.assert_allclose(numeric, x.numpy()[r, i], rtol=1e-6)
    np.testing.assert_allclose(analytic, 2 * x.numpy()[r, i], rtol=1e-12)
    assert "12 of 24 Jacobian entries" in msg and "2 times the numeric" in msg


def test_gradcheck_message_for_several_outputs_and_a_cut_graph():
    def f(a):
        return a * 2, tg.tensor(a.numpy() ** 2)       # second output leaves the graph

    with pytest.raises(tg.GradcheckError) as info:
        tg.gradcheck(lambda a: f(a)[1] * 1.0 + a * 0, (f64([1.0, 3.0]),))
    assert "analytic derivative is zero everywhere" in str(info.value)

    def g(a, b):
        return a * b, BadMatmul.apply(a[None, :], b[:, None])

    with pytest.raises(tg.GradcheckError, match=r"input 1 at element .*`b`.*output 1 at "
                                                r"element \(0, 0\)"):
        tg.gradcheck(g, (f64([1.0, 2.0]), f64([3.0, 4.0])))


def test_gradcheck_can_return_false_instead_of_raising():
    x, w = f64(np.ones((2, 2))), f64(np.ones((2, 2)))
    assert tg.gradcheck(BadMatmul.apply, (x, w), raise_exception=False) is False
    assert tg.gradcheck(Cube.apply, (f64([1.0]),), raise_exception=False) is True


def test_gradgradcheck_message_names_the_second_derivative():
    class OnceRight(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 2 * x.detach()           # right once, constant the second time

    with pytest.raises(tg.GradcheckError, match=r"second-derivative \(gradgradcheck\) "
                                                r"mismatch for input 0 .*`x`"):
        tg.gradgradcheck(lambda x: OnceRight.apply(x), (f64([1.0, 2.0]),))


def test_custom_rules_under_a_gradient_tape_and_no_reference_cycles():
    import gc
    x = tg.constant(np.array([0.5, 1.0]))
    with tg.GradientTape(persistent=True) as tape:
        tape.watch(x)
        a = f_sin(x, 2.0)
        b = log1pexp(x)
        c = Cube.apply(x)
    np.testing.assert_allclose(tape.gradient(a, x).numpy(), 2 * np.cos([0.5, 1.0]))
    np.testing.assert_allclose(tape.gradient(b, x).numpy(), 1 / (1 + np.exp([-0.5, -1.0])),
                               rtol=1e-6)
    np.testing.assert_allclose(tape.gradient(c, x).numpy(), [0.75, 3.0])
    del tape, a, b, c
    # a custom node holds its state; nothing points back, so graphs die by refcount
    gc.collect()
    gc.disable()
    try:
        y = f64([1.0, 2.0])
        (Cube.apply(y).sum() + log1pexp(y).sum() + f_sin(y, 3.0).sum()).backward()
        assert gc.collect() == 0
    finally:
        gc.enable()
