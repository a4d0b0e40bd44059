"""ops/mathfns.py against NumPy (values, dtypes, 0-d and empty inputs) and at the edges
where a gradient is a decision: sinc at 0, logaddexp at -inf, fmax/fmin with NaN and
ties, nan_to_num, hypot and atan2 at the origin, copysign at 0; bad arguments."""
import math

import numpy as np
import pytest

import tapegrad as tg

INF, NAN = np.inf, np.nan

# (tapegrad function, NumPy function, sample values inside the domain)
UNARY = [
    (tg.arcsin, np.arcsin, [-0.9, 0.0, 0.3, 1.0]),
    (tg.arccos, np.arccos, [-1.0, 0.0, 0.3, 0.9]),
    (tg.arctan, np.arctan, [-30.0, 0.0, 0.5, 1e300]),
    (tg.arcsinh, np.arcsinh, [-3.0, 0.0, 2.0]),
    (tg.arccosh, np.arccosh, [1.0, 1.5, 1e200]),
    (tg.arctanh, np.arctanh, [-0.9, 0.0, 0.5]),
    (tg.exp2, np.exp2, [-3.0, 0.0, 0.5, 10.0]),
    (tg.cbrt, np.cbrt, [-8.0, 0.0, 2.0, 27.0]),
    (tg.sinc, np.sinc, [-2.5, 0.0, 1e-9, 0.1, 1.0]),
    (tg.floor, np.floor, [-1.5, -0.5, 0.0, 2.7]),
    (tg.ceil, np.ceil, [-1.5, -0.5, 0.0, 2.2]),
    (tg.rint, np.rint, [-1.5, -0.5, 0.5, 2.5]),
    (tg.trunc, np.trunc, [-1.7, -0.5, 0.5, 2.5]),
    (tg.fix, np.fix, [-1.7, -0.5, 0.5, 2.5]),
    (tg.deg2rad, np.deg2rad, [-180.0, 0.0, 90.0]),
    (tg.rad2deg, np.rad2deg, [-math.pi, 0.0, 1.0]),
    (tg.positive, np.positive, [-1.0, 0.0, 2.0]),
    (tg.round, np.round, [-2.5, -0.5, 0.5, 1.5, 2.4]),
    (tg.nan_to_num, np.nan_to_num, [NAN, INF, -INF, 1.5]),
]
BINARY = [
    (tg.arctan2, np.arctan2),
    (tg.hypot, np.hypot),
    (tg.logaddexp, np.logaddexp),
    (tg.logaddexp2, np.logaddexp2),
    (tg.fmax, np.fmax),
    (tg.fmin, np.fmin),
    (tg.copysign, np.copysign),
    (tg.heaviside, np.heaviside),
    (tg.float_power, np.float_power),
]


def _grads(fn, *values, dtype=np.float64):
    xs = [tg.tensor(np.array(v, dtype=dtype), requires_grad=True) for v in values]
    out = fn(*xs)
    out.backward(tg.ones_like(out))
    return [x.grad.numpy() for x in xs]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("fn, ref, values", UNARY, ids=[u[0].__name__ for u in UNARY])
def test_unary_values_and_dtypes_equal_numpy(fn, ref, values, dtype):
    a = np.array(values, dtype=dtype)
    with np.errstate(all="ignore"):
        out = fn(tg.tensor(a))
        expected = ref(a)
    assert out.dtype == expected.dtype == dtype
    np.testing.assert_array_equal(out.numpy(), expected)


@pytest.mark.parametrize("fn, ref, values", UNARY, ids=[u[0].__name__ for u in UNARY])
def test_unary_on_0d_and_empty_inputs(fn, ref, values):
    zero_d = fn(tg.tensor(np.float64(values[1])))
    assert zero_d.shape == ()
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(zero_d.numpy(), ref(np.float64(values[1])))
    empty = fn(tg.tensor(np.zeros((0, 3))))
    assert empty.shape == (0, 3) and empty.dtype == np.float64


@pytest.mark.parametrize("fn, ref", BINARY, ids=[b[0].__name__ for b in BINARY])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_binary_values_broadcast_as_numpy(fn, ref, dtype):
    rng = np.random.default_rng(3)
    x = rng.uniform(0.1, 3.0, size=(2, 3)).astype(dtype)
    y = rng.uniform(-3.0, 3.0, size=(3,)).astype(dtype)
    y[0] = 0.0
    out = fn(tg.tensor(x), tg.tensor(y))
    expected = ref(x, y)
    assert out.dtype == expected.dtype and out.shape == expected.shape
    np.testing.assert_array_equal(out.numpy(), expected)
    # a Python number on either side, as NumPy (float32 stays float32)
    np.testing.assert_array_equal(fn(tg.tensor(x), 1.5).numpy(), ref(x, 1.5))
    assert fn(2.0, tg.tensor(y)).dtype == ref(2.0, y).dtype


def test_integer_inputs_follow_the_other_ops():
    # tapegrad's convention for ints through a float function (tg.exp, tg.sinh): the
    # default float; ops that keep integers in NumPy (floor, trunc) keep them
    ints = tg.tensor([1, 2, -3])
    assert tg.arctan(ints).dtype == tg.exp(ints).dtype == np.float32
    np.testing.assert_allclose(tg.arctan(ints).numpy(), np.arctan([1, 2, -3]), rtol=1e-6)
    # integers stay integers (NumPy 2.1 on, and PyTorch; NumPy 2.0 made float64)
    for fn in (tg.floor, tg.ceil, tg.trunc, tg.fix):
        assert fn(ints).dtype == np.int64 and fn(ints).tolist() == [1, 2, -3]
    np.testing.assert_array_equal(tg.round(tg.tensor([15, 25, -35]), -1).numpy(),
                                  np.round(np.array([15, 25, -35]), -1))


def test_aliases_are_the_same_functions():
    assert tg.asin is tg.arcsin and tg.acos is tg.arccos and tg.atan is tg.arctan
    assert tg.atan2 is tg.arctan2 and tg.asinh is tg.arcsinh and tg.acosh is tg.arccosh
    assert tg.atanh is tg.arctanh and tg.radians is tg.deg2rad and tg.degrees is tg.rad2deg
    assert tg.around is tg.round


def test_round_decimals_values_and_zero_gradient():
    a = np.array([1.2345, -2.5551, 0.125, 1250.0])
    for d in (-2, 0, 1, 2):
        np.testing.assert_array_equal(tg.round(tg.tensor(a), decimals=d).numpy(),
                                      np.round(a, d))
    x = tg.tensor(a, requires_grad=True)
    y = x.round(2)
    assert y.requires_grad
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros(4))


@pytest.mark.parametrize("fn", [tg.floor, tg.ceil, tg.rint, tg.trunc, tg.fix])
def test_rounding_gradient_is_zero_even_at_jumps(fn):
    (gx,) = _grads(fn, [-1.0, -0.5, 0.0, 0.5, 2.0, 2.3])
    np.testing.assert_array_equal(gx, np.zeros(6))


# ------------------------------------------------------------------ sinc at 0

def test_sinc_first_and_second_derivative_at_zero_are_exact():
    x = tg.tensor(np.array([0.0, -0.0]), requires_grad=True)
    (g,) = tg.autograd.grad(tg.sinc(x).sum(), x, create_graph=True)
    np.testing.assert_array_equal(g.numpy(), [0.0, 0.0])
    (h,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [-math.pi ** 2 / 3] * 2, rtol=1e-15)
    h0 = tg.hessian(tg.sinc)(tg.tensor(np.float64(0.0)))
    assert h0.item() == pytest.approx(-math.pi ** 2 / 3, rel=1e-15)


def test_sinc_derivative_is_continuous_across_the_series_boundary():
    # the Taylor branch and the closed formula meet at |pi x| = 0.5
    edge = 0.5 / math.pi
    pts = np.array([edge * (1 - 1e-12), edge * (1 + 1e-12), -edge * (1 - 1e-12)])
    (g,) = _grads(tg.sinc, pts)
    u = math.pi * pts
    exact = math.pi * (np.cos(u) / u - np.sin(u) / u ** 2)
    np.testing.assert_allclose(g, exact, rtol=1e-13)
    (g32,) = _grads(tg.sinc, [0.0, 0.1, 1.3], dtype=np.float32)
    assert g32.dtype == np.float32 and np.all(np.isfinite(g32))


def test_sinc_jvp_at_zero_is_zero():
    _, t = tg.jvp(tg.sinc, (tg.tensor(np.zeros(3)),), (tg.tensor(np.ones(3)),))
    np.testing.assert_array_equal(t.numpy(), np.zeros(3))


# ------------------------------------------------------------------ logaddexp edges

@pytest.mark.parametrize("fn, ref", [(tg.logaddexp, np.logaddexp),
                                     (tg.logaddexp2, np.logaddexp2)])
def test_logaddexp_infinite_inputs_give_finite_gradients(fn, ref):
    x = [-INF, 1.0, -INF, INF, INF, 3.0, 1e308]
    y = [1.0, -INF, -INF, 1.0, INF, 3.0, 1e308]
    gx, gy = _grads(fn, x, y)
    np.testing.assert_array_equal(gx, [0.0, 1.0, 0.0, 1.0, 0.5, 0.5, 0.5])
    np.testing.assert_array_equal(gy, [1.0, 0.0, 0.0, 0.0, 0.5, 0.5, 0.5])
    with np.errstate(all="ignore"):
        np.testing.assert_array_equal(fn(tg.tensor(np.array(x)), tg.tensor(np.array(y))).numpy(),
                                      ref(x, y))


def test_logaddexp_gradient_of_far_apart_inputs_does_not_overflow():
    gx, gy = _grads(tg.logaddexp, [1000.0, -1000.0], [-1000.0, 1000.0])
    np.testing.assert_array_equal(gx, [1.0, 0.0])
    np.testing.assert_array_equal(gy, [0.0, 1.0])


def test_logaddexp_second_order_with_a_neg_inf_input_is_finite():
    x = tg.tensor(np.array([-INF, 0.5]), requires_grad=True)
    y = tg.tensor(np.array([1.0, 0.5]), requires_grad=True)
    gx, gy = tg.autograd.grad(tg.logaddexp(x, y).sum(), (x, y), create_graph=True)
    hx, hy = tg.autograd.grad(gx.sum(), (x, y))
    np.testing.assert_array_equal(hx.numpy(), [0.0, 0.25])
    np.testing.assert_array_equal(hy.numpy(), [0.0, -0.25])


def test_logaddexp_matches_logsumexp_of_the_pair():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=4), rng.normal(size=4)
    ga, gb = _grads(tg.logaddexp, a, b)
    both = tg.tensor(np.stack([a, b]), requires_grad=True)
    tg.logsumexp(both, axis=0).sum().backward()
    np.testing.assert_allclose(np.stack([ga, gb]), both.grad.numpy(), rtol=1e-14)


# ------------------------------------------------------------------ fmax / fmin

def test_fmax_fmin_with_nan_and_ties():
    x = [1.0, NAN, NAN, 2.0, 0.0, 5.0]
    y = [1.0, 2.0, NAN, NAN, 3.0, 4.0]
    gx, gy = _grads(tg.fmax, x, y)
    np.testing.assert_array_equal(gx, [0.5, 0.0, 0.0, 1.0, 0.0, 1.0])
    np.testing.assert_array_equal(gy, [0.5, 1.0, 0.0, 0.0, 1.0, 0.0])
    gx, gy = _grads(tg.fmin, x, y)
    np.testing.assert_array_equal(gx, [0.5, 0.0, 0.0, 1.0, 1.0, 0.0])
    np.testing.assert_array_equal(gy, [0.5, 1.0, 0.0, 0.0, 0.0, 1.0])


def test_fmax_keeps_an_inf_tangent_of_the_losing_side_out():
    x, dx = tg.tensor([1.0, 3.0]), tg.tensor([INF, 1.0])
    y, dy = tg.tensor([2.0, NAN]), tg.tensor([1.0, INF])
    _, t = tg.jvp(tg.fmax, (x, y), (dx, dy))
    np.testing.assert_array_equal(t.numpy(), [1.0, 1.0])


# ------------------------------------------------------------------ nan_to_num

def test_nan_to_num_gradient_passes_only_where_finite():
    (gx,) = _grads(tg.nan_to_num, [NAN, INF, -INF, 1.5, -2.0])
    np.testing.assert_array_equal(gx, [0.0, 0.0, 0.0, 1.0, 1.0])
    (gx,) = _grads(lambda x: tg.nan_to_num(x, nan=1.0, posinf=2.0, neginf=-2.0) * 3.0,
                   [NAN, 1.0])
    np.testing.assert_array_equal(gx, [0.0, 3.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_nan_to_num_replacements_as_numpy(dtype):
    a = np.array([NAN, INF, -INF, 0.5], dtype=dtype)
    out = tg.tensor(a).nan_to_num(nan=-1.0, posinf=7.0)
    np.testing.assert_array_equal(out.numpy(), np.nan_to_num(a, nan=-1.0, posinf=7.0))
    assert out.dtype == dtype
    np.testing.assert_array_equal(tg.nan_to_num(tg.tensor([1, 2])).numpy(), [1, 2])


# ------------------------------------------------------------------ other edges

def test_hypot_and_atan2_gradients_at_the_origin_are_zero():
    gx, gy = _grads(tg.hypot, [0.0, 3.0], [0.0, 4.0])
    np.testing.assert_array_equal(gx, [0.0, 0.6])
    np.testing.assert_array_equal(gy, [0.0, 0.8])
    gx, gy = _grads(tg.atan2, [0.0, 1.0], [0.0, 1.0])
    np.testing.assert_allclose(gx, [0.0, 0.5], rtol=1e-15, atol=0)
    np.testing.assert_allclose(gy, [0.0, -0.5], rtol=1e-15, atol=0)


def test_hypot_and_atan2_gradients_of_huge_and_tiny_inputs_are_finite():
    for s in (1e200, 1e-200):
        gx, gy = _grads(tg.hypot, [3.0 * s], [4.0 * s])
        np.testing.assert_allclose([gx[0], gy[0]], [0.6, 0.8], rtol=1e-15)
        gx, gy = _grads(tg.atan2, [1.0 * s], [1.0 * s])
        np.testing.assert_allclose([gx[0] * s, gy[0] * s], [0.5, -0.5], rtol=1e-14)


def test_arcsin_arccos_gradients_at_the_ends_are_infinite():
    (g,) = _grads(tg.arcsin, [-1.0, 1.0])
    np.testing.assert_array_equal(g, [INF, INF])
    (g,) = _grads(tg.arccos, [-1.0, 1.0])
    np.testing.assert_array_equal(g, [-INF, -INF])


def test_copysign_gradients():
    gx, gy = _grads(tg.copysign, [0.0, 2.0, -2.0, 3.0], [1.0, -1.0, 1.0, 5.0])
    np.testing.assert_array_equal(gx, [0.0, -1.0, -1.0, 1.0])
    np.testing.assert_array_equal(gy, [0.0, 0.0, 0.0, 0.0])


def test_float_power_computes_in_float64_and_returns_gradients_in_input_dtype():
    x = tg.tensor(np.array([1.5, 2.0], dtype=np.float32), requires_grad=True)
    y = tg.float_power(x, 3)
    assert y.dtype == np.float64
    np.testing.assert_array_equal(y.numpy(), np.float_power(np.float32([1.5, 2.0]), 3))
    y.sum().backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.float32([1.5, 2.0]) ** 2)
    assert tg.float_power(tg.tensor([2, 3]), 2).dtype == np.float64
    assert tg.float_power(2, 3).numpy() == 8.0


def test_tensor_methods():
    x = tg.tensor([0.25, -0.5])
    y = tg.tensor([2.0, 1.0])
    for name in ("asin", "acos", "atan", "asinh", "atanh", "exp2", "sinc", "floor", "ceil",
                 "trunc", "fix", "deg2rad", "rad2deg", "positive"):
        np.testing.assert_array_equal(getattr(x, name)().numpy(),
                                      getattr(tg, name)(x).numpy(), err_msg=name)
    for name in ("atan2", "hypot", "logaddexp", "logaddexp2", "fmax", "fmin", "copysign",
                 "heaviside", "float_power"):
        np.testing.assert_array_equal(getattr(x, name)(y).numpy(),
                                      getattr(tg, name)(x, y).numpy(), err_msg=name)
    np.testing.assert_array_equal(tg.tensor([1.5, 2.0]).acosh().numpy(),
                                  np.arccosh(np.float32([1.5, 2.0])))


# ------------------------------------------------------------------ bad arguments

@pytest.mark.parametrize("fn", [tg.asin, tg.sinc, tg.floor, tg.round, tg.nan_to_num,
                                tg.exp2, tg.cbrt])
def test_unary_bad_operand_names_function_and_argument(fn):
    with pytest.raises(TypeError, match=rf"{fn.__name__}: x must be .* got 'a' \(str\)"):
        fn("a")


@pytest.mark.parametrize("fn", [tg.atan2, tg.hypot, tg.logaddexp, tg.fmax, tg.copysign,
                                tg.heaviside])
def test_binary_bad_operand_names_function_and_argument(fn):
    with pytest.raises(TypeError, match=rf"{fn.__name__}: .*(argument y|x2 must be|y must be)"):
        fn(tg.tensor([1.0]), None)


def test_float_power_bad_operand():
    with pytest.raises(TypeError, match=r"float_power: y must be .* got None"):
        tg.float_power(tg.tensor([1.0]), None)


def test_round_decimals_must_be_an_int():
    with pytest.raises(TypeError, match=r"round: decimals must be an int, got 1.5"):
        tg.round(tg.tensor([1.0]), 1.5)
    with pytest.raises(TypeError, match=r"round: decimals must be an int, got True"):
        tg.round(tg.tensor([1.0]), True)


@pytest.mark.parametrize("arg", ["nan", "posinf", "neginf"])
def test_nan_to_num_replacements_must_be_numbers(arg):
    with pytest.raises(TypeError, match=rf"nan_to_num: {arg} must be a number, got 'x'"):
        tg.nan_to_num(tg.tensor([1.0]), **{arg: "x"})


def test_binary_shape_mismatch_names_the_op():
    with pytest.raises(ValueError, match="hypot"):
        tg.hypot(tg.ones(3), tg.ones(4))
