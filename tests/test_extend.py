"""tapegrad.extend (autograd's primitive/defvjp/defjvp) against HIPS autograd, and the
custom-Function saved-output tangent that forward-over-reverse needs."""
import numpy as onp
import pytest

import tapegrad as tg
import tapegrad.numpy as np
from tapegrad.extend import (def_linear, defjvp, defjvp_argnum, defvjp, defvjp_argnum,
                             defvjp_argnums, notrace_primitive, primitive)


@primitive
def logsumexp(x):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m)))


def _lse_vjp(ans, x):
    shape = x.shape
    return lambda g: np.full(shape, g) * np.exp(x - np.full(shape, ans))


defvjp(logsumexp, _lse_vjp)

X = onp.array([0.1, 2.0, -1.0])


def _lse_ref(x):
    e = onp.exp(x - x.max())
    return e / e.sum()


def test_the_body_sees_numpy_values_and_without_tensors_is_the_function():
    seen = []

    @primitive
    def f(x, k=2.0):
        seen.append(type(x))
        return x * k

    defvjp(f, lambda ans, x, k=2.0: lambda g: g * k)
    assert isinstance(f(onp.ones(2)), onp.ndarray)          # plain call: plain result
    g = tg.grad(lambda x: f(x, k=3.0).sum())(onp.ones(2))
    assert all(t is onp.ndarray for t in seen)
    onp.testing.assert_allclose(g.numpy(), [3.0, 3.0])


def test_gradient_and_every_second_order_path_match_the_hessian():
    f = lambda x: logsumexp(x) ** 2
    p = _lse_ref(X)
    lse = onp.log(onp.exp(X).sum())
    ref_g = 2 * lse * p
    ref_h = 2 * onp.outer(p, p) + 2 * lse * (onp.diag(p) - onp.outer(p, p))
    onp.testing.assert_allclose(tg.grad(f)(X).numpy(), ref_g, rtol=1e-12)
    for H in (tg.hessian(f)(X), tg.jacrev(tg.grad(f))(X), tg.jacfwd(tg.grad(f))(X)):
        onp.testing.assert_allclose(H.numpy(), ref_h, rtol=1e-10, atol=1e-14)
    v = onp.array([1.0, -1.0, 0.5])
    onp.testing.assert_allclose(tg.hvp(f, X, v).numpy(), ref_h @ v, rtol=1e-10)
    onp.testing.assert_allclose(tg.jvp(f, (X,), (v,))[1].numpy(), ref_g @ v, rtol=1e-12)


def test_against_hips_autograd():
    autograd = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")
    from autograd.extend import defvjp as adefvjp, primitive as aprimitive

    @aprimitive
    def alse(x):
        m = anp.max(x)
        return m + anp.log(anp.sum(anp.exp(x - m)))

    adefvjp(alse, lambda ans, x: lambda g: anp.full(x.shape, g)
            * anp.exp(x - anp.full(x.shape, ans)))
    af = lambda x: anp.sin(alse(x)) * alse(x * 2.0)
    tf_ = lambda x: np.sin(logsumexp(x)) * logsumexp(x * 2.0)
    onp.testing.assert_allclose(tg.grad(tf_)(X).numpy(), autograd.grad(af)(X), rtol=1e-12)
    onp.testing.assert_allclose(tg.hessian(tf_)(X).numpy(), autograd.hessian(af)(X),
                                rtol=1e-10, atol=1e-13)


def test_several_arguments_none_maker_argnums_and_kwargs():
    @primitive
    def f(x, y, scale=1.0):
        return scale * x * onp.sin(y)

    defvjp(f, lambda ans, x, y, scale=1.0: lambda g: g * scale * np.sin(y),
           lambda ans, x, y, scale=1.0: lambda g: g * scale * x * np.cos(y))
    gx, gy = tg.grad(lambda x, y: f(x, y, scale=2.0).sum(), argnums=(0, 1))(
        onp.array([1.0, 2.0]), onp.array([0.0, 1.0]))
    onp.testing.assert_allclose(gx.numpy(), 2 * onp.sin([0.0, 1.0]))
    onp.testing.assert_allclose(gy.numpy(), 2 * onp.array([1.0, 2.0]) * onp.cos([0.0, 1.0]))

    @primitive
    def h(x, y):
        return x + onp.floor(y)

    defvjp(h, lambda ans, x, y: lambda g: g, None)       # None: a zero gradient
    assert tg.grad(lambda y: h(1.0, y))(2.5).item() == 0.0

    @primitive
    def only_y(x, y):
        return x * y

    defvjp(only_y, lambda ans, x, y: lambda g: g * x, argnums=[1])
    assert tg.grad(lambda y: only_y(3.0, y))(2.0).item() == 3.0
    with pytest.raises(NotImplementedError, match="VJP of only_y wrt argnum 0"):
        tg.grad(lambda x: only_y(x, 2.0))(1.0)


def test_argnum_forms():
    mul = primitive(lambda x, y: x * y)
    defvjp_argnum(mul, lambda i, ans, args, kw: lambda g: g * args[1 - i])
    assert [t.item() for t in tg.grad(mul, argnums=(0, 1))(2.0, 5.0)] == [5.0, 2.0]
    mul2 = primitive(lambda x, y: x * y)
    defvjp_argnums(mul2, lambda nums, ans, args, kw:
                   lambda g: tuple(g * args[1 - i] for i in nums))
    assert tg.grad(mul2, argnums=1)(2.0, 5.0).item() == 2.0
    mul3 = primitive(lambda x, y: x * y)
    defjvp_argnum(mul3, lambda i, g, ans, args, kw: g * args[1 - i])
    assert tg.jvp(mul3, (2.0, 5.0), (1.0, 1.0))[1].item() == 7.0


def test_jvp_rules_and_their_transpose():
    @primitive
    def s(x):
        return onp.sin(x)

    defjvp(s, lambda g, ans, x: g * np.cos(x))
    onp.testing.assert_allclose(tg.jvp(s, (X,), (onp.ones(3),))[1].numpy(), onp.cos(X))
    # reverse mode transposes the JVP (linear in g)
    onp.testing.assert_allclose(tg.grad(lambda x: s(x).sum())(X).numpy(), onp.cos(X))
    H = tg.hessian(lambda x: s(x).sum())(X).numpy()
    onp.testing.assert_allclose(H, onp.diag(-onp.sin(X)), atol=1e-14)

    double = primitive(lambda x: 2.0 * x)
    def_linear(double)
    assert tg.jvp(double, (3.0,), (1.0,))[1].item() == 2.0
    with pytest.raises(NotImplementedError, match="VJP"):
        tg.grad(double)(3.0)

    neg = primitive(lambda x: -x)
    defjvp(neg, "same")
    assert tg.jvp(neg, (3.0,), (2.0,))[1].item() == -2.0


def test_notrace_primitive_and_bad_arguments():
    sign = notrace_primitive(lambda x: 1.0 if x > 0 else -1.0)
    assert tg.grad(lambda x: sign(x) * x)(-3.0).item() == -1.0
    with pytest.raises(TypeError, match="primitive: expected a function"):
        primitive(3)
    with pytest.raises(TypeError, match="defvjp: the function must be made with"):
        defvjp(lambda x: x, lambda ans, x: lambda g: g)
    with pytest.raises(TypeError, match="defvjp: the VJP for argnum 0"):
        defvjp(primitive(lambda x: x), 3)
    with pytest.raises(TypeError, match="defjvp: the JVP for argnum 0"):
        defjvp(primitive(lambda x: x), "other")


class _Exp(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        (y,) = ctx.saved_tensors
        return g * y

    @staticmethod
    def jvp(ctx, t):
        (y,) = ctx.saved_tensors
        return t * y


def test_a_function_saving_its_output_has_the_right_hessian():
    # forward-over-reverse needs the saved output's tangent: without it the Hessian was 0
    x = tg.tensor([0.1, 0.5], dtype=tg.float64)
    f = lambda x: _Exp.apply(x).sum()
    ref = onp.diag(onp.exp(x.numpy()))
    onp.testing.assert_allclose(tg.hessian(f)(x).numpy(), ref, rtol=1e-14)
    onp.testing.assert_allclose(tg.jacrev(tg.grad(f))(x).numpy(), ref, rtol=1e-14)
    t = tg.tensor([1.0, 0.0], dtype=tg.float64)
    onp.testing.assert_allclose(tg.jvp(tg.grad(f), (x,), (t,))[1].numpy(), ref[0],
                                rtol=1e-14)
    # forward over forward: the jvp rule's saved output carries the outer tangent
    onp.testing.assert_allclose(tg.jacfwd(tg.jacfwd(f))(x).numpy(), ref, rtol=1e-14)


def test_a_type_error_in_a_custom_forward_is_the_users_own():
    class Bad(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x, fn):
            return fn(x) * None

        @staticmethod
        def backward(ctx, g):
            return g, None

    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="NoneType"):
        Bad.apply(x, lambda t: t)


def test_the_examples_run():
    import doctest

    import tapegrad.extend as ext
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    assert doctest.testmod(ext, optionflags=flags).failed == 0


def test_check_grads_passes_right_rules_and_catches_wrong_ones():
    from tapegrad.test_util import check_grads, check_jvp, check_vjp
    check_grads(lambda x: np.sin(x) * x)(onp.array([0.3, 1.2]))
    check_grads(lambda x, y: np.sum(x * np.exp(y)), argnum=(0, 1), order=3)(
        onp.array([1.0, 2.0]), onp.array([0.5, -0.5]))
    check_grads(logsumexp, modes=["rev"])(X)
    check_jvp(np.tanh, onp.array([0.1, 2.0]))
    check_vjp(np.tanh, onp.array([0.1, 2.0]))

    wrong = primitive(lambda x: x ** 2)
    defvjp(wrong, lambda ans, x: lambda g: g * 3 * x)       # should be 2 x
    with pytest.raises(AssertionError, match="the VJP of"):
        check_grads(wrong, modes=["rev"], order=1)(onp.array([1.0, 2.0]))
    wrong2 = primitive(lambda x: x ** 3)
    defvjp(wrong2, lambda ans, x: lambda g: g * 3 * x ** 2)  # right first order...
    defjvp(wrong2, lambda g, ans, x: g * 3 * x)               # ...wrong JVP
    with pytest.raises(AssertionError, match="the JVP of"):
        check_grads(wrong2, modes=["fwd"], order=1)(onp.array([1.0, 2.0]))
    with pytest.raises(ValueError, match="modes must be"):
        check_grads(np.sin, modes=["both"])
    with pytest.raises(ValueError, match="order must be"):
        check_grads(np.sin, order=0)
