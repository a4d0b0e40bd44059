"""`tapegrad.lax` (jax.lax's control flow and slicing) and the jax.nn names of tg.nn,
against Python loops and NumPy formulas (JAX's semantics: clamped dynamic slices,
batched predicates selecting per example). TAPEGRAD_JAX_LIVE=1 also runs the same
programs through JAX itself."""
import os
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad import lax


def _np(t):
    return t.numpy() if isinstance(t, tg.Tensor) else np.asarray(t)


def test_scan_matches_a_loop_with_pytrees_and_reverse():
    xs = {"a": np.arange(4.0), "b": np.ones((4, 2))}

    def f(c, x):
        c = (c[0] + x["a"], c[1] * 2)
        return c, (c[0] * x["b"], x["a"] ** 2)

    carry, (y1, y2) = lax.scan(f, (0.0, 1.0), xs)
    assert float(carry[0]) == 6.0 and carry[1] == 16.0
    np.testing.assert_array_equal(_np(y1), np.cumsum(np.arange(4.0))[:, None] * np.ones((4, 2)))
    np.testing.assert_array_equal(_np(y2), np.arange(4.0) ** 2)
    # reverse: runs from the end, ys stay in xs' order
    c, ys = lax.scan(lambda c, x: (c + x, c), 0.0, tnp.arange(1.0, 4.0), reverse=True)
    assert float(c) == 6.0 and _np(ys).tolist() == [5.0, 3.0, 0.0]
    c, ys = lax.scan(lambda c, x: (c + 1, None), 0, None, length=3)
    assert c == 3 and ys is None
    c, ys = lax.scan(lambda c, x: (c, x * 2), 0.0, tnp.zeros((0, 2)))
    assert _np(ys).shape == (0, 2)
    assert _np(lax.map(lambda x: x.sum(), tnp.ones((3, 2)))).tolist() == [2.0, 2.0, 2.0]


def _rnn(w, xs):
    def step(h, x):
        h = tnp.tanh(w * h + x)
        return h, h ** 2
    h, ys = lax.scan(step, 0.5, xs)
    return h + tnp.sum(ys)


def test_scan_differentiates_vmaps_and_jits():
    xs = tnp.array([0.1, -0.3, 0.7])
    w = tnp.array(0.8)
    assert tg.gradcheck(lambda w: _rnn(w, xs), (w.detach().requires_grad_(),))
    assert tg.gradgradcheck(lambda w: _rnn(w, xs), (w.detach().requires_grad_(),))
    g = tg.grad(_rnn, argnums=(0, 1))(w, xs)
    gj = tg.jit(tg.grad(_rnn, argnums=(0, 1)))(w, xs)
    for a, b in zip(g, gj):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-12)
    _, t = tg.jvp(lambda w: _rnn(w, xs), (w,), (tnp.array(1.0),))
    np.testing.assert_allclose(float(t), float(g[0]), rtol=1e-12)
    batch = tnp.array(np.random.default_rng(0).standard_normal((4, 3)))
    np.testing.assert_allclose(_np(tg.vmap(lambda x: _rnn(w, x))(batch)),
                               [float(_rnn(w, x)) for x in batch], rtol=1e-12)
    f = tg.jit(_rnn)
    for x in batch[:2]:
        np.testing.assert_allclose(float(f(w, x)), float(_rnn(w, x)), rtol=1e-12)


def test_fori_loop_and_while_loop():
    assert lax.fori_loop(0, 5, lambda i, v: v + i, 0) == 10
    g = tg.grad(lambda x: lax.fori_loop(0, 3, lambda i, v: v * x, 1.0))(2.0)
    assert float(g) == 12.0
    # tensor bounds: a tg.while_loop, the same value and gradient
    g2 = tg.grad(lambda x: lax.fori_loop(tnp.array(0), 3, lambda i, v: v * x, 1.0))(2.0)
    assert float(g2) == 12.0
    v = lax.while_loop(lambda x: x < 10, lambda x: x * 2, tnp.array(1.0))
    assert float(v) == 16.0
    i, s = lax.while_loop(lambda c: c[0] < 4, lambda c: (c[0] + 1, c[1] + c[0]),
                          (tnp.array(0), tnp.array(0)))
    assert (int(i), int(s)) == (4, 6)
    f = tg.jit(lambda x: lax.while_loop(lambda a: a < 10, lambda a: a * 2, x))
    assert [float(f(tnp.array(1.0))), float(f(tnp.array(3.0)))] == [16.0, 12.0]
    # per example under vmap: done examples keep their value
    out = tg.vmap(lambda v: lax.while_loop(lambda a: a < 3, lambda a: a + 1, v))(
        tnp.array([0.0, 2.5, 5.0]))
    assert _np(out).tolist() == [3.0, 3.5, 5.0]


def test_cond_and_switch():
    f = lambda x: lax.cond(x > 0, lambda a: a * a, lambda a: -a, x)   # noqa: E731
    assert float(f(tnp.array(3.0))) == 9.0 and float(f(tnp.array(-2.0))) == 2.0
    # a gradient taken inside jit sees the branch each call takes
    gj = tg.jit(tg.grad(f))
    assert [float(gj(2.0)), float(gj(-2.0))] == [4.0, -1.0]
    fj = tg.jit(f)
    assert [float(fj(tnp.array(2.0))), float(fj(tnp.array(-2.0)))] == [4.0, 2.0]
    np.testing.assert_array_equal(_np(tg.vmap(f)(tnp.array([-1.0, 2.0]))), [1.0, 4.0])
    # no NaN from the branch not taken reaches the gradient under vmap
    h = lambda x: lax.cond(x > 0, lambda a: tnp.sqrt(a), lambda a: a * 0.0, x)  # noqa: E731
    gv = tg.vmap(tg.grad(h))(tnp.array([-1.0, 4.0]))
    np.testing.assert_allclose(_np(gv), [0.0, 0.25])
    fs = [lambda a: a + 1, lambda a: a * 10, lambda a: a * 100]
    assert lax.switch(1, fs, 2.0) == 20.0 and lax.switch(-3, fs, 2.0) == 3.0
    assert lax.switch(9, fs, 2.0) == 200.0
    sj = tg.jit(lambda i, x: lax.switch(i, fs, x))
    assert [float(sj(tnp.array(k), tnp.array(2.0))) for k in (0, 2, 7)] == [3.0, 200.0, 200.0]
    sv = tg.vmap(lambda i, x: lax.switch(i, fs, x))(tnp.array([0, 1, 2, 5]), tnp.ones(4))
    assert _np(sv).tolist() == [2.0, 10.0, 100.0, 100.0]
    with pytest.raises(TypeError, match="true_fun"):
        lax.cond(True, 1, lambda: 0)


def test_dynamic_slicing_clamps_as_jax():
    x = np.arange(12.0).reshape(3, 4)
    np.testing.assert_array_equal(_np(lax.dynamic_slice(x, (1, 2), (2, 2))), x[1:3, 2:4])
    # starts that would run past the end are moved back so the slice fits
    np.testing.assert_array_equal(_np(lax.dynamic_slice(x, (2, 3), (2, 2))), x[1:3, 2:4])
    np.testing.assert_array_equal(_np(lax.dynamic_slice(x, (tnp.array(5), 0), (1, 4))), x[2:3])
    np.testing.assert_array_equal(_np(lax.dynamic_slice_in_dim(x, 1, 2, axis=1)), x[:, 1:3])
    np.testing.assert_array_equal(_np(lax.dynamic_index_in_dim(x, 2, 0, keepdims=False)), x[2])
    u = lax.dynamic_update_slice(tnp.zeros(5), tnp.ones(2), (4,))
    assert _np(u).tolist() == [0.0, 0.0, 0.0, 1.0, 1.0]
    u2 = lax.dynamic_update_index_in_dim(tnp.zeros((2, 3)), tnp.ones(3), 1, 0)
    assert _np(u2).tolist() == [[0.0] * 3, [1.0] * 3]
    u3 = lax.dynamic_update_slice_in_dim(tnp.zeros((2, 3)), tnp.ones((2, 1)), 2, 1)
    assert _np(u3)[:, 2].tolist() == [1.0, 1.0]
    g = tg.grad(lambda v: tnp.sum(lax.dynamic_update_slice(v, v[:2] ** 2, (2,))))(
        tnp.arange(4.0))
    np.testing.assert_array_equal(_np(g), [1.0, 3.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="exceeds"):
        lax.dynamic_slice(x, (0, 0), (4, 1))
    with pytest.raises(ValueError, match="one start index"):
        lax.dynamic_slice(x, (0,), (1, 1))


def test_select_associative_scan_and_elementwise_names():
    p = np.array([True, False, True])
    np.testing.assert_array_equal(_np(lax.select(p, np.ones(3), np.zeros(3))), [1, 0, 1])
    with pytest.raises(TypeError, match="boolean"):
        lax.select(np.array([1, 0]), np.ones(2), np.zeros(2))
    a = np.arange(1.0, 7.0).reshape(2, 3)
    np.testing.assert_array_equal(_np(lax.associative_scan(tnp.add, a, axis=1)),
                                  np.cumsum(a, axis=1))
    np.testing.assert_array_equal(_np(lax.associative_scan(tnp.multiply, a[0], reverse=True)),
                                  np.cumprod(a[0][::-1])[::-1])
    pair = lax.associative_scan(lambda u, v: (u[0] + v[0], tnp.maximum(u[1], v[1])),
                                (a[0], a[1][::-1].copy()))
    assert _np(pair[1]).tolist() == [6.0, 6.0, 6.0]
    np.testing.assert_array_equal(_np(lax.cumsum(a, axis=1, reverse=True)),
                                  np.cumsum(a[:, ::-1], axis=1)[:, ::-1])
    np.testing.assert_array_equal(_np(lax.cummax(np.array([1.0, 3.0, 2.0]))), [1, 3, 3])
    assert _np(lax.div(np.array([-7, 7]), np.array([2, 2]))).tolist() == [-3, 3]
    assert float(lax.rsqrt(tnp.array(4.0))) == 0.5
    assert _np(lax.clamp(0.0, tnp.array([-1.0, 2.0]), 1.0)).tolist() == [0.0, 1.0]
    assert _np(lax.iota(int, 3)).tolist() == [0, 1, 2]
    assert float(lax.integer_pow(tnp.array(3.0), 3)) == 27.0
    assert lax.stop_gradient is tg.stop_gradient
    assert float(tg.grad(lambda x: x * lax.stop_gradient(x))(3.0)) == 3.0


def test_jax_nn_names():
    x = np.array([[-2.0, 0.3, 1.5], [0.0, -0.7, 4.0]])
    nn = tg.nn
    np.testing.assert_allclose(_np(nn.one_hot(np.array([2, 0, 7]), 3)),
                               [[0, 0, 1], [1, 0, 0], [0, 0, 0]])
    assert nn.one_hot([1], 3, axis=0).shape == (3, 1)
    assert nn.one_hot([1], 3, dtype=np.float32).dtype == np.float32
    np.testing.assert_allclose(_np(nn.logsumexp(x, axis=1)),
                               np.log(np.exp(x).sum(axis=1)))
    b = np.array([[1.0, -2.0, 1.0], [1.0, 1.0, 1.0]])
    val, sign = nn.logsumexp(x, axis=1, b=b, return_sign=True)
    s = (b * np.exp(x)).sum(axis=1)
    np.testing.assert_allclose(_np(val), np.log(np.abs(s)))
    np.testing.assert_array_equal(_np(sign), np.sign(s))
    np.testing.assert_allclose(_np(nn.softmax(x, axis=0)),
                               np.exp(x) / np.exp(x).sum(axis=0))
    st = x - x.mean(-1, keepdims=True)
    np.testing.assert_allclose(_np(nn.standardize(x)), st / np.sqrt((st ** 2).mean(-1,
                               keepdims=True) + 1e-5))
    np.testing.assert_allclose(_np(nn.log_sigmoid(x)), -np.logaddexp(0, -x))
    np.testing.assert_allclose(_np(nn.celu(x, 0.5)),
                               np.maximum(x, 0) + 0.5 * (np.exp(np.minimum(x, 0) / 0.5) - 1))
    np.testing.assert_allclose(_np(nn.glu(x[:, :2])), x[:, :1] / (1 + np.exp(-x[:, 1:2])))
    np.testing.assert_allclose(_np(nn.hard_tanh(x)), np.clip(x, -1, 1))
    np.testing.assert_allclose(_np(nn.hard_sigmoid(x)), np.clip(x + 3, 0, 6) / 6)
    np.testing.assert_allclose(_np(nn.hard_silu(x)), x * np.clip(x + 3, 0, 6) / 6)
    np.testing.assert_allclose(_np(nn.soft_sign(x)), x / (1 + np.abs(x)))
    np.testing.assert_allclose(_np(nn.squareplus(x)), (x + np.sqrt(x * x + 4)) / 2)
    np.testing.assert_allclose(_np(nn.sparse_plus(x)),
                               np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4)))
    np.testing.assert_allclose(_np(nn.mish(x)), x * np.tanh(np.log1p(np.exp(x))))
    xt = tg.tensor(x, requires_grad=True)
    for fn in (nn.standardize, nn.squareplus, nn.sparse_plus, nn.log_sigmoid):
        assert tg.gradcheck(fn, (xt,))


@pytest.mark.skipif(not os.environ.get("TAPEGRAD_JAX_LIVE"),
                    reason="JAX is slow to start: TAPEGRAD_JAX_LIVE=1 compares with it")
def test_against_live_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax import lax as jl
    xs = np.array([0.1, -0.3, 0.7])

    def prog(L, np_, w):
        def step(h, x):
            h = np_.tanh(w * h + x)
            return h, h ** 2
        h, ys = L.scan(step, 0.5, xs)
        v = L.fori_loop(0, 3, lambda i, a: a * w, h)
        v = L.cond(v > 0, lambda a: a * 2, lambda a: -a, v)
        z = L.dynamic_slice(np_.arange(6.0) * w, (4,), (3,))
        return v + np_.sum(ys) + np_.sum(z)

    ours = tg.grad(lambda w: prog(lax, tnp, w))(0.8)
    theirs = jax.grad(lambda w: prog(jl, jnp, w))(0.8)
    np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-12)
    rng = np.random.default_rng(1)
    xc, wc = rng.standard_normal((2, 7, 6, 4)), rng.standard_normal((3, 2, 4, 6))
    kw = dict(window_strides=(2, 1), padding="SAME", rhs_dilation=(1, 2),
              dimension_numbers=("NHWC", "HWIO", "NHWC"))
    np.testing.assert_allclose(_np(lax.conv_general_dilated(xc, wc, **kw)),
                               np.asarray(jl.conv_general_dilated(xc, wc, **kw)), rtol=1e-10)
    x = np.array([[-2.0, 0.3, 1.5]])
    for name in ("log_sigmoid", "standardize", "squareplus", "sparse_plus", "hard_tanh",
                 "celu", "mish", "logsumexp"):
        np.testing.assert_allclose(_np(getattr(tg.nn, name)(x)),
                                   np.asarray(getattr(jax.nn, name)(x)), rtol=1e-6,
                                   err_msg=name)


def test_no_per_example_fallback_for_key_programs():
    from tapegrad import random

    def sample(k):
        k1, k2 = random.split(k)
        return lax.scan(lambda c, kk: (c + random.normal(kk), c), 0.0, random.split(k1, 3))
    keys = random.split(random.PRNGKey(0), 4)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        c, ys = tg.vmap(sample)(keys)
    assert c.shape == (4,) and ys.shape == (4, 3)
    np.testing.assert_allclose(_np(c), [float(sample(k)[0]) for k in keys])


def test_import_tapegrad_as_jax_namespace():
    import tapegrad as jax
    import tapegrad.tree_util as tu
    key = jax.random.PRNGKey(0)
    x = jax.numpy.arange(3.0)
    assert float(jax.scipy.special.logsumexp(x)) == pytest.approx(np.log(np.exp([0, 1, 2]).sum()))
    assert jax.nn.one_hot(jax.numpy.array([1]), 2).tolist() == [[0.0, 1.0]]
    assert jax.lax.scan(lambda c, v: (c + v, None), 0.0, x)[0] == 3.0
    assert jax.tree_util.tree_leaves({"b": 1, "a": key})[1] == 1
    assert tu.tree_map is tg.tree.map or tu.tree_map is tg.tree.tree_map
    assert jax.random.normal(key, (2,)).shape == (2,)


def _np_conv(x, w, stride, pads, dil, groups):
    """Cross-correlation (N, C, H, W) * (O, I, kh, kw) by loops, as XLA's conv."""
    x = np.pad(x, ((0, 0), (0, 0)) + tuple(pads))
    n, c, h, wd = x.shape
    o, i, kh, kw = w.shape
    eh, ew = (kh - 1) * dil[0] + 1, (kw - 1) * dil[1] + 1
    oh, ow = (h - eh) // stride[0] + 1, (wd - ew) // stride[1] + 1
    out = np.zeros((n, o, oh, ow))
    per = o // groups
    for oc in range(o):
        g = oc // per
        for p in range(oh):
            for q in range(ow):
                patch = x[:, g * i:(g + 1) * i, p * stride[0]:p * stride[0] + eh:dil[0],
                          q * stride[1]:q * stride[1] + ew:dil[1]]
                out[:, oc, p, q] = np.sum(patch * w[oc], axis=(1, 2, 3))
    return out


def test_conv_general_dilated_layouts_padding_and_gradient():
    rng = np.random.default_rng(0)
    x, w = rng.standard_normal((2, 4, 7, 6)), rng.standard_normal((6, 2, 3, 3))
    got = lax.conv_general_dilated(x, w, (1, 2), ((1, 2), (0, 1)), rhs_dilation=(2, 1),
                                   feature_group_count=2)
    want = _np_conv(x, w, (1, 2), ((1, 2), (0, 1)), (2, 1), 2)
    np.testing.assert_allclose(_np(got), want, rtol=1e-12, atol=1e-12)
    # SAME: output size ceil(n / stride), the extra pad at the end (at the start for
    # SAME_LOWER); the same numbers in NHWC / HWIO layouts
    xs, ws = x[:, :2], w[:3]
    same = lax.conv_general_dilated(xs, ws, (2, 1), "SAME")
    np.testing.assert_allclose(_np(same), _np_conv(xs, ws, (2, 1), ((1, 1), (1, 1)),
                                                   (1, 1), 1), rtol=1e-12, atol=1e-12)
    lower = lax.conv_general_dilated(xs[:, :, :6], ws, (2, 1), "SAME_LOWER")
    np.testing.assert_allclose(_np(lower), _np_conv(xs[:, :, :6], ws, (2, 1),
                                                    ((1, 0), (1, 1)), (1, 1), 1),
                               rtol=1e-12, atol=1e-12)
    nhwc = lax.conv_general_dilated(xs.transpose(0, 2, 3, 1), ws.transpose(2, 3, 1, 0),
                                    (2, 1), "SAME", dimension_numbers=("NHWC", "HWIO", "NHWC"))
    np.testing.assert_allclose(_np(nhwc), _np(same).transpose(0, 2, 3, 1), rtol=1e-12)
    assert tuple(lax.conv(x[:1, :2, :, 0], w[:1, :, :, 0], (1,), "VALID").shape) == (1, 1, 5)
    xt = tg.tensor(rng.standard_normal((1, 2, 4, 4)), requires_grad=True)
    wt = tg.tensor(rng.standard_normal((2, 2, 2, 2)), requires_grad=True)
    assert tg.gradcheck(lambda a, b: lax.conv_general_dilated(a, b, (1, 1), "SAME"), (xt, wt))
    assert tuple(lax.conv_general_dilated(x, w, (1, 1), "VALID", lhs_dilation=(2, 2),
                                          feature_group_count=2).shape[2:]) == (11, 9)
    with pytest.raises(ValueError, match="padding"):
        lax.conv_general_dilated(x, w, (1, 1), "FULL")
    v, i = lax.top_k(np.array([[1.0, 3.0, 2.0]]), 2)
    assert _np(v).tolist() == [[3.0, 2.0]] and _np(i).tolist() == [[1, 2]]


def test_reduce_window_pools_as_jax():
    rng = np.random.default_rng(2)
    x = rng.standard_normal((2, 6, 4, 3))
    mx = lax.reduce_window(x, -np.inf, lax.max, (1, 2, 2, 1), (1, 2, 2, 1), "VALID")
    np.testing.assert_array_equal(_np(mx), x.reshape(2, 3, 2, 2, 2, 3).max(axis=(2, 4)))
    avg = lax.reduce_window(x, 0.0, tnp.add, (1, 3, 3, 1), (1, 1, 1, 1), "SAME") / 9.0
    padded = np.pad(x, ((0, 0), (1, 1), (1, 1), (0, 0)))
    want = sum(padded[:, i:i + 6, j:j + 4] for i in range(3) for j in range(3)) / 9.0
    np.testing.assert_allclose(_np(avg), want, rtol=1e-12)
    # the gradient of a max pool goes to each window's maximum
    g = tg.grad(lambda z: tnp.sum(lax.reduce_window(z, -np.inf, lax.max, (1, 2, 2, 1),
                                                    (1, 2, 2, 1), "VALID")))(tg.tensor(x))
    assert _np(g).sum() == 2 * 3 * 2 * 3 and set(np.unique(_np(g))) <= {0.0, 1.0}
    with pytest.raises(ValueError, match="computation"):
        lax.reduce_window(x, 0.0, lambda a, b: a - b, (1, 2, 2, 1), (1, 1, 1, 1), "VALID")
