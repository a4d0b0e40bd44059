"""Property tests over random broadcastable shapes, axes and permutations (hypothesis)."""
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import tapegrad as tg

EPS = 1e-6
SETTINGS = settings(max_examples=30, deadline=None)


def _directional_fd(f, arrays, us, w):
    """d/dt <w, f(arrays + t us)> at t = 0, by central differences."""
    with tg.no_grad():
        plus = f(*[tg.tensor(a + EPS * u) for a, u in zip(arrays, us)]).numpy()
        minus = f(*[tg.tensor(a - EPS * u) for a, u in zip(arrays, us)]).numpy()
    return np.vdot(w, (plus - minus) / (2 * EPS))


def _check_grads(f, arrays, seed):
    """Gradients have the inputs' shapes and match a directional finite difference."""
    rng = np.random.default_rng(seed)
    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    out = f(*xs)
    w = rng.standard_normal(out.shape)
    out.backward(tg.tensor(w))
    for x in xs:
        assert x.grad.shape == x.shape and x.grad.dtype == x.dtype
    us = [rng.standard_normal(a.shape) for a in arrays]
    analytic = sum(np.vdot(x.grad.numpy(), u) for x, u in zip(xs, us))
    numeric = _directional_fd(f, arrays, us, w)
    assert np.isclose(analytic, numeric, rtol=1e-5, atol=1e-6), (analytic, numeric)
    # the forward rule broadcasts the same way: <w, J u> from a jvp
    _, dout = tg.jvp(f, tuple(tg.tensor(a) for a in arrays), tuple(tg.tensor(u) for u in us))
    assert dout.shape == out.shape
    assert np.isclose(np.vdot(w, dout.numpy()), numeric, rtol=1e-5, atol=1e-6)


def _two_shapes(max_dims=3):
    return hnp.mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=max_dims,
                                             max_side=3)


def _floats(lo, hi):
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


BINARY = {
    "add": (tg.add, (-3, 3), (-3, 3)),
    "sub": (tg.sub, (-3, 3), (-3, 3)),
    "mul": (tg.mul, (-3, 3), (-3, 3)),
    "div": (tg.div, (-3, 3), (0.5, 3)),
    "pow": (tg.pow, (0.5, 2), (-2, 2)),
    "operator_add": (lambda x, y: x + y, (-3, 3), (-3, 3)),
    "operator_rtruediv": (lambda x, y: x / y, (-3, 3), (0.5, 3)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@SETTINGS
@given(data=st.data(), shapes=_two_shapes(), seed=st.integers(0, 2 ** 16))
def test_binary_grads_have_input_shapes_and_match_differences(name, data, shapes, seed):
    fn, dom_x, dom_y = BINARY[name]
    sx, sy = shapes.input_shapes
    x = data.draw(hnp.arrays(np.float64, sx, elements=_floats(*dom_x)))
    y = data.draw(hnp.arrays(np.float64, sy, elements=_floats(*dom_y)))
    _check_grads(fn, [x, y], seed)


@pytest.mark.parametrize("fn", [tg.maximum, tg.minimum], ids=["maximum", "minimum"])
@SETTINGS
@given(shapes=_two_shapes(), seed=st.integers(0, 2 ** 16))
def test_maximum_minimum_grads_under_broadcasting(fn, shapes, seed):
    # x on the half-integers + 0.25, y on the half-integers: never closer than 0.25,
    # so no tie sits inside the difference step whatever the broadcasting pairs up
    rng = np.random.default_rng(seed)
    sx, sy = shapes.input_shapes
    x = rng.integers(-4, 4, size=sx) * 0.5 + 0.25
    y = rng.integers(-4, 4, size=sy) * 0.5
    _check_grads(fn, [x, y], seed)


@SETTINGS
@given(data=st.data(), shapes=hnp.mutually_broadcastable_shapes(num_shapes=3, max_dims=3,
                                                                 max_side=3),
       seed=st.integers(0, 2 ** 16))
def test_where_grads_under_broadcasting(data, shapes, seed):
    sc, sx, sy = shapes.input_shapes
    cond = data.draw(hnp.arrays(np.bool_, sc))
    x = data.draw(hnp.arrays(np.float64, sx, elements=_floats(-3, 3)))
    y = data.draw(hnp.arrays(np.float64, sy, elements=_floats(-3, 3)))
    _check_grads(lambda a, b: tg.where(cond, a, b), [x, y], seed)


@SETTINGS
@given(data=st.data(), seed=st.integers(0, 2 ** 16))
def test_batched_matmul_grads_under_batch_broadcasting(data, seed):
    batch = data.draw(_two_shapes(max_dims=2))
    n, k, m = (data.draw(st.integers(1, 3)) for _ in range(3))
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(batch.input_shapes[0] + (n, k))
    y = rng.standard_normal(batch.input_shapes[1] + (k, m))
    _check_grads(tg.matmul, [x, y], seed)


def _axes(ndim):
    """None, an int or a tuple of distinct axes (negative ones too) for a given rank."""
    if ndim == 0:
        return st.just(None)
    single = st.integers(-ndim, ndim - 1)
    several = st.lists(st.integers(0, ndim - 1), min_size=1, max_size=ndim,
                       unique=True).map(tuple)
    return st.one_of(st.just(None), single, several)


REDUCTIONS = {
    "sum": tg.sum, "mean": tg.mean, "prod": tg.prod, "max": tg.max, "min": tg.min,
    "var": lambda x, axis, keepdims: tg.var(x, axis, keepdims, ddof=0),
    "std": lambda x, axis, keepdims: tg.std(x, axis, keepdims, ddof=0),
    "logsumexp": tg.logsumexp, "norm": lambda x, axis, keepdims: tg.norm(x, 2, axis, keepdims),
}
NUMPY = {
    "sum": np.sum, "mean": np.mean, "prod": np.prod, "max": np.max, "min": np.min,
    "var": np.var, "std": np.std,
    "logsumexp": lambda a, axis, keepdims: np.log(np.sum(np.exp(a), axis=axis,
                                                         keepdims=keepdims)),
    "norm": lambda a, axis, keepdims: np.sqrt(np.sum(a * a, axis=axis, keepdims=keepdims)),
}


@pytest.mark.parametrize("name", sorted(REDUCTIONS))
@SETTINGS
@given(data=st.data(), shape=hnp.array_shapes(min_dims=1, max_dims=3, min_side=2,
                                              max_side=3),
       keepdims=st.booleans(), seed=st.integers(0, 2 ** 16))
def test_reductions_over_random_axes(name, data, shape, keepdims, seed):
    axis = data.draw(_axes(len(shape)))
    rng = np.random.default_rng(seed)
    # distinct magnitudes in [0.5, 1.5) with random signs: no ties for max/min, no zero
    # for norm, and products that stay near 1 in size
    n = int(np.prod(shape))
    x = (0.5 + rng.permutation(n) / n) * rng.choice([-1.0, 1.0], size=n)
    x = x.reshape(shape)
    fn = REDUCTIONS[name]
    out = fn(tg.tensor(x), axis=axis, keepdims=keepdims)
    expected = NUMPY[name](x, axis=axis, keepdims=keepdims)
    assert out.shape == np.shape(expected)
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-12, atol=1e-12)
    _check_grads(lambda t: fn(t, axis=axis, keepdims=keepdims), [x], seed)


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3), data=st.data())
def test_reshape_round_trip_is_the_identity_and_so_is_its_gradient(shape, data):
    n = int(np.prod(shape))
    # a random factorisation of n into up to three parts, one of them spelled -1
    a = data.draw(st.sampled_from([d for d in range(1, n + 1) if n % d == 0]))
    rest = n // a
    b = data.draw(st.sampled_from([d for d in range(1, rest + 1) if rest % d == 0]))
    new = data.draw(st.permutations([a, b, rest // b]))
    spelled = list(new)
    spelled[data.draw(st.integers(0, 2))] = -1
    x = tg.tensor(np.arange(n, dtype=np.float64).reshape(shape), requires_grad=True)
    y = tg.reshape(x, spelled)
    assert y.shape == tuple(new)
    back = y.reshape(shape)
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    w = np.random.default_rng(n).standard_normal(shape)
    (back * tg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), w)


@SETTINGS
@given(shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=3), data=st.data())
def test_transpose_round_trip_is_the_identity_and_so_is_its_gradient(shape, data):
    perm = data.draw(st.permutations(range(len(shape))))
    inverse = tuple(int(i) for i in np.argsort(perm))
    x = tg.tensor(np.random.default_rng(1).standard_normal(shape), requires_grad=True)
    y = tg.transpose(x, perm)
    np.testing.assert_array_equal(y.numpy(), np.transpose(x.numpy(), perm))
    back = tg.transpose(y, inverse)
    np.testing.assert_array_equal(back.numpy(), x.numpy())
    w = np.random.default_rng(2).standard_normal(y.shape)
    (y * tg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.transpose(w, inverse))


@SETTINGS
@given(shapes=_two_shapes(), seed=st.integers(0, 2 ** 16))
def test_broadcast_to_and_sum_to_are_adjoint(shapes, seed):
    # <broadcast_to(x), y> = <x, sum_to(y)>: the rule pair behind every broadcast grad
    src = shapes.input_shapes[0]
    big = shapes.result_shape
    rng = np.random.default_rng(seed)
    x, y = rng.standard_normal(src), rng.standard_normal(big)
    lhs = np.vdot(tg.broadcast_to(tg.tensor(x), big).numpy(), y)
    rhs = np.vdot(x, tg.ops.sum_to(tg.tensor(y), src).numpy())
    assert np.isclose(lhs, rhs, rtol=1e-12, atol=1e-12)
