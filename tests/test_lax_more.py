"""The rest of jax.lax's commonly used names: values against NumPy (as JAX documents
them), gradients by gradcheck, and tg.vmap against the loop."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as jnp
from tapegrad import lax

RNG = np.random.default_rng(7)


def _np(t):
    return np.asarray(t.numpy() if isinstance(t, tg.Tensor) else t)


def _leaf(a):
    return tg.tensor(np.asarray(a, dtype=np.float64), requires_grad=True)


def test_dot_general_against_einsum():
    a, b = RNG.standard_normal((5, 2, 3)), RNG.standard_normal((5, 3, 4))
    got = lax.dot_general(a, b, (((2,), (1,)), ((0,), (0,))))
    np.testing.assert_allclose(_np(got), np.einsum("bij,bjk->bik", a, b), rtol=1e-12)
    c, d = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((4, 3, 5))
    got = lax.dot_general(c, d, (((1, 2), (1, 0)), ((), ())))
    np.testing.assert_allclose(_np(got), np.einsum("ijk,kjl->il", c, d), rtol=1e-12)
    # batch axes first, then lhs's free axes, then rhs's
    e, f = RNG.standard_normal((3, 4, 2)), RNG.standard_normal((2, 5, 3))
    got = lax.dot_general(e, f, (((2,), (0,)), ((0,), (2,))))
    np.testing.assert_allclose(_np(got), np.einsum("bik,kjb->bij", e, f), rtol=1e-12)
    x, y = _leaf(a), _leaf(b)
    assert tg.gradcheck(lambda p, q: lax.dot_general(p, q, (((2,), (1,)), ((0,), (0,)))),
                        (x, y))
    np.testing.assert_allclose(_np(lax.dot(a[0], b[0])), a[0] @ b[0], rtol=1e-12)
    np.testing.assert_allclose(_np(lax.batch_matmul(a, b)), a @ b, rtol=1e-12)
    with pytest.raises(ValueError, match="contracting axes 2 and 1 have sizes"):
        lax.dot_general(a, b[:, :2], (((2,), (1,)), ((0,), (0,))))


def test_pad_interior_and_crop():
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(_np(lax.pad(x, 0.0, [(1, 2, 1)])), [0, 1, 0, 2, 0, 3, 0, 0])
    np.testing.assert_array_equal(_np(lax.pad(x, -1.0, [(-1, 1, 2)])),
                                  [-1, -1, 2, -1, -1, 3, -1])
    m = np.arange(6.0).reshape(2, 3)
    got = _np(lax.pad(m, 9.0, [(0, 1, 0), (1, -1, 1)]))
    want = np.full((3, 5), 9.0)
    want[:2, 1::2] = m[:, :2]
    want[:2, 1] = m[:, 0]
    np.testing.assert_array_equal(got, np.array([[9, 0, 9, 1, 9], [9, 3, 9, 4, 9],
                                                 [9, 9, 9, 9, 9]], dtype=float))
    p = _leaf(m)
    assert tg.gradcheck(lambda t: lax.pad(t, 0.5, [(1, 0, 2), (0, 2, 1)]), (p,))
    assert tg.gradgradcheck(lambda t: lax.pad(t, 0.5, [(1, 0, 2), (0, 2, 1)]) ** 2, (p,))
    xs = RNG.standard_normal((3, 4))
    got = tg.vmap(lambda r: lax.pad(r, 0.0, [(1, 1, 1)]))(xs)
    np.testing.assert_array_equal(_np(got), np.stack([_np(lax.pad(r, 0.0, [(1, 1, 1)]))
                                                      for r in xs]))
    with pytest.raises(ValueError, match="one \\(low, high, interior\\) triple per axis"):
        lax.pad(m, 0.0, [(1, 1, 0)])


def test_broadcast_slice_and_friends():
    x = np.array([1.0, 2.0])
    assert lax.broadcast(x, (3,)).shape == (3, 2)
    np.testing.assert_array_equal(_np(lax.broadcast_in_dim(x, (2, 3), (0,))),
                                  [[1, 1, 1], [2, 2, 2]])
    np.testing.assert_array_equal(_np(lax.broadcast_in_dim(x, (4, 2), (1,))),
                                  np.broadcast_to(x, (4, 2)))
    with pytest.raises(ValueError, match="cannot broadcast to size 3"):
        lax.broadcast_in_dim(x, (3, 3), (1,))
    a = np.arange(24.0).reshape(4, 6)
    np.testing.assert_array_equal(_np(lax.slice(a, (1, 0), (4, 6), (2, 3))), a[1:4:2, 0:6:3])
    with pytest.raises(ValueError, match="0 <= start <= limit <= size"):
        lax.slice(a, (0, 0), (5, 6))
    np.testing.assert_array_equal(_np(lax.slice_in_dim(a, 1, -1, 2, axis=1)), a[:, 1:-1:2])
    np.testing.assert_array_equal(_np(lax.index_in_dim(a, -1, axis=0, keepdims=False)), a[-1])
    assert lax.index_in_dim(a, 2, axis=1).shape == (4, 1)
    np.testing.assert_array_equal(_np(lax.rev(a, (0, 1))), a[::-1, ::-1])
    assert lax.collapse(np.zeros((2, 3, 4, 5)), 1, 3).shape == (2, 12, 5)
    assert lax.convert_element_type(np.array([2.7, -2.7]), np.int32).tolist() == [2, -2]
    g = tg.grad(lambda t: lax.convert_element_type(t, np.float32).sum())(_leaf([1.0, 2.0]))
    np.testing.assert_array_equal(_np(g), [1, 1])


def test_sort_multi_operand_and_under_vmap():
    k = np.array([3.0, 1.0, 2.0, 1.0])
    s = np.array([0.0, 5.0, 6.0, 4.0])
    v = np.array([30.0, 10.0, 20.0, 11.0])
    a, b, c = lax.sort((k, s, v), num_keys=2)
    np.testing.assert_array_equal(_np(a), [1, 1, 2, 3])
    np.testing.assert_array_equal(_np(b), [4, 5, 6, 0])
    np.testing.assert_array_equal(_np(c), [11, 10, 20, 30])
    _, _, c1 = lax.sort((k, s, v), num_keys=1)       # stable: ties keep their order
    np.testing.assert_array_equal(_np(c1), [10, 11, 20, 30])
    kk, vv = lax.sort_key_val(np.array([[2.0, np.nan, 1.0]]), np.array([[1.0, 2.0, 3.0]]))
    np.testing.assert_array_equal(_np(kk), [[1, 2, np.nan]])
    np.testing.assert_array_equal(_np(vv), [[3, 1, 2]])
    keys = RNG.standard_normal((3, 5))
    vals = RNG.standard_normal((3, 5))
    with pytest.warns(RuntimeWarning):
        got = tg.vmap(lambda p, q: lax.sort((p, q))[1])(keys, vals)
    want = np.take_along_axis(vals, np.argsort(keys, axis=1), axis=1)
    np.testing.assert_array_equal(_np(got), want)
    q = _leaf(vals[0])
    g = tg.grad(lambda t: (lax.sort((keys[0], t))[1] * np.arange(5.0)).sum())(q)
    np.testing.assert_array_equal(_np(g), np.argsort(np.argsort(keys[0])).astype(float))


def test_reductions_and_select():
    a = RNG.standard_normal((3, 4))
    np.testing.assert_allclose(_np(lax.reduce_sum(a, (0, 1))), a.sum(), rtol=1e-12)
    np.testing.assert_array_equal(_np(lax.reduce_max(a, (1,))), a.max(1))
    np.testing.assert_array_equal(_np(lax.reduce_min(a, (0,))), a.min(0))
    np.testing.assert_allclose(_np(lax.reduce_prod(a, (1,))), a.prod(1), rtol=1e-12)
    np.testing.assert_array_equal(_np(lax.reduce_or(a > 1, (1,))), (a > 1).any(1))
    np.testing.assert_array_equal(_np(lax.reduce(a, -np.inf, lax.max, (0,))), a.max(0))
    np.testing.assert_allclose(_np(lax.reduce(a, 1.0, lax.add, (1,))), a.sum(1) + 1,
                               rtol=1e-12)
    with pytest.raises(ValueError, match="computation must be"):
        lax.reduce(a, 0.0, lambda x, y: x - y, (0,))
    assert lax.argmax(a, 1, np.int32).dtype == np.int32
    np.testing.assert_array_equal(_np(lax.argmin(a, 0, np.int64)), a.argmin(0))
    w = np.array([0, 2, 1])
    got = lax.select_n(w, np.zeros(3), np.ones(3), np.full(3, 2.0))
    np.testing.assert_array_equal(_np(got), [0, 2, 1])
    np.testing.assert_array_equal(_np(lax.select_n(np.array([True, False]), np.zeros(2),
                                                   np.ones(2))), [1, 0])
    with pytest.raises(TypeError, match="which must be bool or integer"):
        lax.select_n(np.array([0.5]), np.zeros(1))
    np.testing.assert_array_equal(_np(lax.full((2,), 3.0)), [3, 3])
    assert lax.full_like(np.zeros(2, np.float32), 1).dtype == np.float32
    assert _np(lax.zeros_like_array(np.ones(3))).tolist() == [0, 0, 0]


def test_elementwise_spellings():
    x = np.array([0.5, 1.5, -2.5, 2.4])
    np.testing.assert_array_equal(_np(lax.round(x)), [1, 2, -3, 2])
    np.testing.assert_array_equal(_np(lax.round(x, 1)), [0, 2, -2, 2])
    g = tg.grad(lambda t: lax.round(t).sum())(_leaf(x))
    np.testing.assert_array_equal(_np(g), [0, 0, 0, 0])
    u = np.array([0.2, 0.7])
    np.testing.assert_allclose(_np(lax.asin(u)), np.arcsin(u), rtol=1e-14)
    np.testing.assert_allclose(_np(lax.atan2(u, u[::-1])), np.arctan2(u, u[::-1]))
    np.testing.assert_allclose(_np(lax.rem(np.array([-7.0, 7.0]), 3.0)), [-1, 1])
    np.testing.assert_array_equal(_np(lax.is_finite(np.array([1.0, np.inf]))), [True, False])
    np.testing.assert_array_equal(_np(lax.ge(np.array([1, 2]), 2)), [False, True])
    np.testing.assert_allclose(_np(lax.cumlogsumexp(np.zeros(3))), np.log([1, 2, 3]))
    np.testing.assert_allclose(_np(lax.cumlogsumexp(np.zeros(3), reverse=True)),
                               np.log([3, 2, 1]))
    assert complex(_np(lax.complex(1.0, 2.0))) == 1 + 2j
    v, i = lax.approx_max_k(np.array([1.0, 4.0, 2.0]), 2)
    assert _np(v).tolist() == [4, 2] and _np(i).tolist() == [1, 2]
    v, i = lax.approx_min_k(np.array([1.0, 4.0, 2.0]), 2)
    assert _np(v).tolist() == [1, 2] and _np(i).tolist() == [0, 2]
    assert tg.gradcheck(lambda t: lax.betainc(2.0, 3.0, t), (_leaf([0.3, 0.6]),))
