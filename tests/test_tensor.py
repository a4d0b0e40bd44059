"""The Tensor API of API.md: factories and dtype rules, attributes, repr, operators,
comparisons, tie-splitting in max/min, and stability at large |x|."""
import numpy as np
import pytest

import tapegrad as tg


def leaf(values, dtype=np.float64):
    return tg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


# ------------------------------------------------------------------ dtype rules

@pytest.mark.parametrize("data, dtype", [
    (1.0, np.float32),
    ([1.0, 2.0], np.float32),
    ([[1, 2.5]], np.float32),
    (np.array([1.0, 2.0]), np.float64),
    (np.float64(1.0), np.float64),
    (np.array([1.0], dtype=np.float32), np.float32),
    (3, np.int64),
    ([1, 2], np.int64),
    (np.array([1, 2], dtype=np.int32), np.int32),
    (True, np.bool_),
    ([True, False], np.bool_),
])
def test_tensor_dtype_rules(data, dtype):
    assert tg.tensor(data).dtype == dtype


def test_explicit_dtype_wins_and_accepts_names():
    assert tg.tensor([1, 2], dtype="float64").dtype == np.float64
    assert tg.tensor(1.0, dtype=tg.float64).dtype == np.float64
    assert tg.tensor(np.array([1.0]), dtype=np.float32).dtype == np.float32


def test_tensor_copies_its_input():
    a = np.array([1.0, 2.0])
    t = tg.tensor(a)
    a[0] = 5.0
    assert t.numpy()[0] == 1.0


def test_constant_and_convert_to_tensor_are_never_tracked():
    c = tg.constant([1.0, 2.0])
    assert isinstance(c, tg.Tensor) and c.dtype == np.float32 and not c.requires_grad
    t = tg.convert_to_tensor(np.array([1.0]))
    assert t.dtype == np.float64 and not t.requires_grad
    same = tg.tensor([1.0])
    assert tg.convert_to_tensor(same) is same


@pytest.mark.parametrize("make", [
    lambda: tg.zeros(2, 3), lambda: tg.zeros((2, 3)), lambda: tg.ones(2, 3),
    lambda: tg.ones((2, 3)), lambda: tg.full((2, 3), 1.5), lambda: tg.rand(2, 3),
    lambda: tg.randn((2, 3)),
], ids=["zeros", "zeros_tuple", "ones", "ones_tuple", "full", "rand", "randn"])
def test_float_factories_default_to_float32_and_take_shapes_both_ways(make):
    t = make()
    assert t.shape == (2, 3) and t.dtype == np.float32 and not t.requires_grad


def test_factory_dtype_and_requires_grad_arguments():
    t = tg.zeros(3, dtype=tg.float64, requires_grad=True)
    assert t.dtype == np.float64 and t.requires_grad and t.is_leaf
    assert tg.ones(2, dtype="int64").dtype == np.int64
    assert tg.randn(2, dtype=np.float64, requires_grad=True).requires_grad


def test_full_infers_the_dtype_from_the_fill_value():
    assert tg.full((2,), 7).dtype == np.int64
    assert tg.full((2,), 7.0).dtype == np.float32
    assert tg.full((2,), True).dtype == np.bool_
    np.testing.assert_array_equal(tg.full((2, 2), 3.0).numpy(), np.full((2, 2), 3.0))


def test_like_factories_keep_shape_and_dtype():
    ref = tg.tensor(np.zeros((2, 3), dtype=np.float64))
    for t in (tg.zeros_like(ref), tg.ones_like(ref), tg.full_like(ref, 2.0)):
        assert t.shape == (2, 3) and t.dtype == np.float64
    assert tg.ones_like(ref).numpy().sum() == 6
    assert tg.full_like(ref, 2.0).numpy()[1, 2] == 2.0
    assert tg.zeros_like(ref, dtype="float32").dtype == np.float32


def test_arange_linspace_eye():
    a = tg.arange(5)
    assert a.dtype == np.int64 and a.tolist() == [0, 1, 2, 3, 4]
    b = tg.arange(0.0, 1.0, 0.25)
    assert b.dtype == np.float32 and b.tolist() == [0.0, 0.25, 0.5, 0.75]
    assert tg.arange(2, 8, 3).tolist() == [2, 5]
    ls = tg.linspace(0, 1, 5)
    assert ls.dtype == np.float32 and np.allclose(ls.numpy(), [0, 0.25, 0.5, 0.75, 1])
    e = tg.eye(3)
    assert e.dtype == np.float32 and np.array_equal(e.numpy(), np.eye(3))
    assert tg.eye(2, 3).shape == (2, 3)


def test_rand_and_randn_ranges():
    r = tg.rand(1000).numpy()
    assert r.min() >= 0.0 and r.max() < 1.0
    n = tg.randn(4000).numpy()
    assert abs(n.mean()) < 0.1 and abs(n.std() - 1.0) < 0.1


def test_manual_seed_makes_rand_and_randn_reproducible():
    tg.manual_seed(42)
    a, b = tg.rand(5).numpy(), tg.randn(2, 2).numpy()
    tg.manual_seed(42)
    np.testing.assert_array_equal(tg.rand(5).numpy(), a)
    np.testing.assert_array_equal(tg.randn(2, 2).numpy(), b)
    tg.manual_seed(43)
    assert not np.array_equal(tg.rand(5).numpy(), a)


# ------------------------------------------------------------------ attributes

def test_attributes():
    t = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    assert t.shape == (2, 3) and isinstance(t.shape, tuple)
    assert t.ndim == 2 and len(t) == 2
    assert isinstance(t.dtype, np.dtype) and t.dtype == np.float32
    assert t.T.shape == (3, 2)
    np.testing.assert_array_equal(t.T.numpy(), t.numpy().T)
    assert isinstance(t.numpy(), np.ndarray)
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert tg.tensor([2.5]).item() == 2.5 and isinstance(tg.tensor(3).item(), int)
    a = np.asarray(t)
    assert isinstance(a, np.ndarray) and a.dtype == np.float32 and a.shape == (2, 3)
    assert np.asarray(t, dtype=np.float64).dtype == np.float64


def test_numpy_reductions_on_a_tensor_return_tracked_tensors():
    x = leaf([[1.0, 5.0], [3.0, 2.0]])
    assert np.sum(x).item() == 11.0 and np.max(x).item() == 5.0
    np.testing.assert_allclose(np.mean(x, axis=0).numpy(), [2.0, 3.5])
    np.testing.assert_allclose(np.min(x, axis=1, keepdims=True).numpy(), [[1.0], [2.0]])
    np.sum(x * x).backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.numpy())
    with pytest.raises(TypeError, match="out="):
        np.sum(x, out=np.zeros(()))


def test_reduction_dtype_argument_is_applied():
    t = tg.ones(3).sum(dtype="float64")
    assert t.dtype == np.float64 and t.item() == 3.0
    assert tg.tensor([1, 2]).mean(dtype=np.float32).dtype == np.float32


def test_python_number_conversions_accept_any_one_element_tensor():
    assert float(tg.tensor([[1.5]])) == 1.5 and int(tg.tensor([7])) == 7
    with pytest.raises(ValueError, match=r"\(2,\)"):
        float(tg.tensor([1.0, 2.0]))


def test_item_on_a_multi_element_tensor_names_the_shape():
    with pytest.raises(ValueError, match=r"\(2,\)"):
        tg.tensor([1.0, 2.0]).item()


def test_len_of_a_scalar_raises():
    with pytest.raises(TypeError):
        len(tg.tensor(1.0))


def test_iterating_yields_rows_that_stay_in_the_graph():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    total = sum(row.sum() * (i + 1) for i, row in enumerate(x))
    total.backward()
    np.testing.assert_allclose(x.grad.numpy(), [[1.0, 1.0], [2.0, 2.0]])


def test_requires_grad_flags():
    t = tg.tensor([1.0])
    assert not t.requires_grad and t.is_leaf and t.grad is None and t.grad_fn is None
    assert t.requires_grad_() is t and t.requires_grad
    t.requires_grad = False
    assert not t.requires_grad
    y = leaf([1.0]) * 2
    assert y.requires_grad and not y.is_leaf


# ------------------------------------------------------------------ repr

def test_repr():
    assert repr(tg.tensor([1.0, 2.0], requires_grad=True)) == \
        "tensor([1., 2.], requires_grad=True)"
    assert repr(tg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tg.tensor([1, 2])) == "tensor([1, 2])"
    assert repr(tg.tensor(3.0)) == "tensor(3.)"
    r = repr(tg.tensor(np.array([1.5, -2.0])))
    assert r.startswith("tensor([ 1.5") and r.endswith("], dtype=float64)")
    y = tg.tensor([1.0, 2.0], requires_grad=True) * 2
    assert repr(y) == "tensor([2., 4.], grad_fn=<MulBackward>)"
    assert str(tg.tensor([True])) == "tensor([ True])"


# ------------------------------------------------------------------ operators

A = np.array([1.0, 2.0, 4.0])


@pytest.mark.parametrize("op, expected", [
    (lambda t: t + A, 3.0 + A), (lambda t: A + t, A + 3.0),
    (lambda t: t - A, 3.0 - A), (lambda t: A - t, A - 3.0),
    (lambda t: t * A, 3.0 * A), (lambda t: A * t, A * 3.0),
    (lambda t: t / A, 3.0 / A), (lambda t: A / t, A / 3.0),
    (lambda t: t ** A, 3.0 ** A), (lambda t: A ** t, A ** 3.0),
    (lambda t: t + 2, 5.0 + 0 * A), (lambda t: 2 - t, -1.0 + 0 * A),
    (lambda t: 2.0 * t, 6.0 + 0 * A), (lambda t: 6 / t, 2.0 + 0 * A),
    (lambda t: t ** 2, 9.0 + 0 * A), (lambda t: 2 ** t, 8.0 + 0 * A),
    (lambda t: -t, -3.0 + 0 * A), (lambda t: abs(-t), 3.0 + 0 * A),
], ids=["t+a", "a+t", "t-a", "a-t", "t*a", "a*t", "t/a", "a/t", "t**a", "a**t", "t+2",
        "2-t", "2*t", "6/t", "t**2", "2**t", "-t", "abs"])
def test_operators_with_arrays_and_scalars_on_either_side(op, expected):
    t = tg.tensor(np.full(3, 3.0), requires_grad=True)
    r = op(t)
    assert isinstance(r, tg.Tensor) and r.requires_grad and r.grad_fn is not None
    np.testing.assert_allclose(r.numpy(), expected)
    r.sum().backward()
    assert t.grad.shape == (3,)


def test_matmul_operator_with_arrays_on_either_side():
    t = tg.tensor(np.eye(2) * 2.0, requires_grad=True)
    m = np.array([[1.0, 2.0], [3.0, 4.0]])
    r1, r2 = t @ m, m @ t
    assert isinstance(r1, tg.Tensor) and isinstance(r2, tg.Tensor)
    np.testing.assert_allclose(r1.numpy(), 2 * m)
    np.testing.assert_allclose(r2.numpy(), 2 * m)
    (r1 + r2).sum().backward()
    ones = np.ones((2, 2))
    np.testing.assert_allclose(t.grad.numpy(), ones @ m.T + m.T @ ones)


def test_operators_broadcast_like_numpy():
    r = tg.ones((3, 1)) + np.arange(4.0)
    assert r.shape == (3, 4)
    r = np.ones((2, 1, 1)) * tg.ones(3)
    assert isinstance(r, tg.Tensor) and r.shape == (2, 1, 3)


def test_float32_stays_float32_with_python_scalars():
    t = tg.ones(2)
    for r in (t * 2.0, 2.0 * t, t + 1, t / 3, t ** 2, 1 - t):
        assert r.dtype == np.float32


@pytest.mark.parametrize("cmp", [
    lambda t, o: t < o, lambda t, o: t <= o, lambda t, o: t > o, lambda t, o: t >= o,
    lambda t, o: t == o, lambda t, o: t != o,
    lambda t, o: o < t, lambda t, o: o >= t, lambda t, o: o == t,
], ids=["lt", "le", "gt", "ge", "eq", "ne", "rlt", "rge", "req"])
@pytest.mark.parametrize("other", [2.0, np.array([1.0, 2.0, 3.0]), "tensor"])
def test_comparisons_never_require_grad(cmp, other):
    t = leaf([1.0, 2.0, 3.0])
    o = leaf([3.0, 2.0, 1.0]) if isinstance(other, str) else other
    r = cmp(t, o)
    assert isinstance(r, tg.Tensor), type(r)
    assert r.dtype == np.bool_ and not r.requires_grad and r.grad_fn is None
    expected = cmp(t.numpy(), o.numpy() if isinstance(o, tg.Tensor) else o)
    np.testing.assert_array_equal(r.numpy(), expected)


def test_argmax_argmin_are_int64_and_never_require_grad():
    x = leaf([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    for r, want in ((tg.argmax(x), 3), (tg.argmin(x), 4)):
        assert r.dtype == np.int64 and not r.requires_grad and r.item() == want
    assert tg.argmax(x, axis=1).tolist() == [1, 0]
    assert tg.argmin(x, dim=0, keepdim=True).tolist() == [[0, 1, 0]]
    assert x.argmax(axis=0).tolist() == [1, 0, 1]


# ------------------------------------------------------------------ ties

def test_max_over_all_elements_splits_ties_evenly():
    x = leaf([1.0, 3.0, 3.0, 2.0])
    tg.max(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.5, 0.5, 0.0])


def test_max_and_min_over_an_axis_split_ties_evenly():
    x = leaf([[1.0, 4.0, 4.0, 4.0], [2.0, 0.0, 2.0, 1.0]])
    tg.max(x, axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0, 1 / 3, 1 / 3, 1 / 3], [0.5, 0, 0.5, 0]])
    y = leaf([[1.0, 1.0], [1.0, 5.0]])
    tg.amin(y, dim=0, keepdim=True).backward(tg.tensor(np.array([[2.0, 4.0]])))
    np.testing.assert_allclose(y.grad.numpy(), [[1.0, 4.0], [1.0, 0.0]])
    z = leaf([[3.0, 3.0], [3.0, 1.0]])
    tg.min(z, axis=(0, 1)).backward()
    np.testing.assert_allclose(z.grad.numpy(), [[0, 0], [0, 1.0]])


def test_max_ties_split_in_forward_mode_too():
    out, dout = tg.jvp(tg.max, (tg.tensor(np.array([2.0, 2.0, 1.0])),),
                       (tg.tensor(np.array([1.0, 3.0, 5.0])),))
    assert out.item() == 2.0 and dout.item() == 2.0


def test_maximum_and_minimum_split_ties_half_and_half():
    x, y = leaf([1.0, 2.0, 3.0]), leaf([1.0, 5.0, 0.0])
    tg.maximum(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 0.0, 1.0])
    np.testing.assert_allclose(y.grad.numpy(), [0.5, 1.0, 0.0])
    x.grad = y.grad = None
    tg.minimum(x, y).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 1.0, 0.0])
    np.testing.assert_allclose(y.grad.numpy(), [0.5, 0.0, 1.0])


def test_norm_inf_splits_ties_between_magnitudes():
    x = leaf([-2.0, 2.0, 1.0])
    tg.norm(x, ord=np.inf).backward()
    np.testing.assert_allclose(x.grad.numpy(), [-0.5, 0.5, 0.0])


# ------------------------------------------------------------------ stability at |x| = 1000

BIG = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name, fn", [
    ("logsumexp", lambda x: tg.logsumexp(x)),
    ("softmax", lambda x: tg.softmax(x)),
    ("log_softmax", lambda x: tg.log_softmax(x)),
    ("softplus", lambda x: tg.softplus(x)),
    ("sigmoid", lambda x: tg.sigmoid(x)),
])
def test_stable_functions_stay_finite_at_1000(name, fn, dtype):
    with np.errstate(over="raise", invalid="raise", divide="raise"):   # no inf/NaN on the way
        x = tg.tensor(BIG.astype(dtype), requires_grad=True)
        y = fn(x)
        assert np.all(np.isfinite(y.numpy())), y
        w = np.array([0.3, -1.0, 0.5, 2.0, 1.0][:y.numpy().size]).reshape(y.shape)
        y.backward(tg.tensor(w.astype(dtype)))
    assert x.grad.dtype == dtype and np.all(np.isfinite(x.grad.numpy())), x.grad


def test_values_at_1000_are_right():
    x = tg.tensor(BIG)
    assert np.isclose(tg.logsumexp(tg.tensor(np.array([1000.0, 1000.0]))).item(),
                      1000.0 + np.log(2.0))
    assert np.isclose(tg.logsumexp(x).item(), 1000.0)
    np.testing.assert_allclose(tg.softmax(x).numpy(), [0, 0, 0, 0, 1], atol=1e-300)
    ls = tg.log_softmax(x).numpy()
    assert np.isclose(ls[-1], 0.0) and np.isclose(ls[0], -2000.0)
    sp = tg.softplus(x).numpy()
    assert sp[-1] == 1000.0 and 0.0 <= sp[0] < 1e-300 and np.isclose(sp[2], np.log(2.0))
    sg = tg.sigmoid(x).numpy()
    assert sg[-1] == 1.0 and 0.0 <= sg[0] < 1e-300 and sg[2] == 0.5


def _sigmoid(a):
    with np.errstate(all="ignore"):     # both branches are evaluated; one overflows
        return np.where(a >= 0, 1 / (1 + np.exp(-a)), np.exp(a) / (1 + np.exp(a)))


def test_grads_at_1000_are_right():
    x = leaf(BIG)
    tg.logsumexp(x).backward()
    np.testing.assert_allclose(x.grad.numpy(), [0, 0, 0, 0, 1], atol=1e-300)
    x = leaf(BIG)
    tg.softplus(x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), _sigmoid(BIG), atol=1e-300)
    x = leaf(BIG)
    tg.sigmoid(x).sum().backward()
    s = _sigmoid(BIG)
    np.testing.assert_allclose(x.grad.numpy(), s * (1 - s), atol=1e-300)
    x = leaf(BIG)
    tg.log_softmax(x)[0].backward()
    np.testing.assert_allclose(x.grad.numpy(), [1, 0, 0, 0, -1], atol=1e-300)


def test_max_and_min_given_a_dim_return_values_and_indices_as_torch():
    torch = pytest.importorskip("torch")
    a = np.array([[1.0, 5.0, 5.0], [7.0, 2.0, 7.0]])
    for name in ("max", "min"):
        for args, kw in [((1,), {}), ((), {"dim": 0}), ((1, True), {}),
                         ((), {"dim": -1, "keepdim": True})]:
            x = leaf(a)
            xt = torch.tensor(a, requires_grad=True)
            v, i = getattr(tg, name)(x, *args, **kw)
            vt, it = getattr(torch, name)(xt, *args, **kw)
            np.testing.assert_array_equal(v.detach().numpy(), vt.detach().numpy())
            np.testing.assert_array_equal(i.numpy(), it.numpy())
            v.sum().backward()
            vt.sum().backward()
            np.testing.assert_array_equal(x.grad.numpy(), xt.grad.numpy())
            m = getattr(x, name)(*args, **kw)          # the method too
            np.testing.assert_array_equal(m.indices.numpy(), it.numpy())
    x = leaf(a)
    assert tg.max(x).shape == () and tg.max(x, axis=1).shape == (2,)   # NumPy's spelling
    np.testing.assert_array_equal(tg.max(x, tg.tensor(np.full((2, 3), 4.0))).numpy(),
                                  np.maximum(a, 4.0))
