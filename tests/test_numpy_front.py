"""tapegrad.numpy's conventions, NumPy's protocols on Tensor, and float64 scalars in the
transforms (issue 15)."""
import doctest
import importlib

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp


def _t(v, rg=True):
    return tg.tensor(np.asarray(v, dtype=np.float64), requires_grad=rg)


# ------------------------------------------------------------------ dtypes as NumPy

def test_python_floats_and_lists_are_float64_and_arrays_keep_their_dtype():
    assert tnp.sin(1.5).dtype == np.float64 and tnp.add(1.5, 2).dtype == np.float64
    assert tnp.sum([1.0, 2.0]).dtype == np.float64 and tnp.mean([1, 2, 4]).dtype == np.float64
    assert tnp.array([1.0, 2.0]).dtype == np.float64 and tnp.array([1, 2]).dtype == np.int64
    f32 = tg.tensor([1.0, 2.0])
    assert tnp.sin(f32).dtype == np.float32 and tnp.multiply(f32, 2.0).dtype == np.float32
    assert (f32 * 2.0).dtype == np.float32
    assert tnp.exp(np.arange(3)).dtype == np.float64        # integers compute in float64


def test_factories_default_to_float64_and_likes_keep_the_dtype():
    for t in (tnp.zeros(3), tnp.ones((2, 2)), tnp.empty(2), tnp.eye(2), tnp.identity(3),
              tnp.linspace(0, 1, 5), tnp.full((2,), 1.5), tnp.arange(3.0)):
        assert isinstance(t, tg.Tensor) and t.dtype == np.float64
    assert tnp.arange(3).dtype == np.int64 and tnp.full((2,), 1).dtype == np.int64
    f32 = tg.tensor([1.0, 2.0])
    assert tnp.zeros_like(f32).dtype == np.float32 and tnp.ones_like([1.0]).dtype == np.float64
    np.testing.assert_array_equal(tnp.empty_like(f32).numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(tnp.full_like(f32, 3).numpy(), [3.0, 3.0])
    np.testing.assert_array_equal(tnp.eye(3, k=1).numpy(), np.eye(3, k=1))
    np.testing.assert_allclose(tnp.linspace(0, 1, 4, endpoint=False).numpy(),
                               np.linspace(0, 1, 4, endpoint=False))


# ------------------------------------------------------------------ NumPy's conventions

def test_var_and_std_use_ddof_0_and_take_numpys_keywords():
    a = np.array([[1.0, 2.0, 4.0], [3.0, 5.0, 9.0]])
    np.testing.assert_allclose(tnp.var(a).numpy(), np.var(a))
    np.testing.assert_allclose(tnp.std(a, axis=1, ddof=1).numpy(), np.std(a, axis=1, ddof=1))
    np.testing.assert_allclose(tnp.sum(a, axis=(0, 1), keepdims=True).numpy(),
                               np.sum(a, axis=(0, 1), keepdims=True))
    assert tnp.sum(np.array([1, 2]), dtype=np.float32).dtype == np.float32
    with pytest.raises(TypeError, match="out="):
        tnp.sum(a, out=np.zeros(()))


def test_max_min_return_values_with_axis_keepdims_and_initial():
    a = np.array([[1.0, 5.0], [7.0, 2.0]])
    np.testing.assert_array_equal(tnp.max(a, axis=1).numpy(), [5.0, 7.0])
    np.testing.assert_array_equal(tnp.min(a, axis=0, keepdims=True).numpy(), [[1.0, 2.0]])
    assert tnp.max(a, initial=10.0).item() == 10.0 and tnp.amin(a).item() == 1.0
    x = _t(a)
    tnp.max(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [[0, 0], [1, 0]])


def test_split_by_sections_or_indices_as_numpy():
    a = np.arange(12.0).reshape(6, 2)
    for arg in (3, [1, 4], [2, 10], [-2]):
        got = tnp.split(a, arg)
        want = np.split(a, arg)
        assert [g.shape for g in got] == [w.shape for w in want]
        for g, w in zip(got, want):
            np.testing.assert_array_equal(g.numpy(), w)
    with pytest.raises(ValueError, match="equal division"):
        tnp.split(a, 4)
    assert [p.shape for p in tnp.array_split(np.arange(5.0), 3)] == [(2,), (2,), (1,)]
    assert [p.shape for p in tnp.hsplit(a, 2)] == [(6, 1), (6, 1)]


def test_where_one_argument_gives_indices_and_three_pick_with_gradient():
    idx = tnp.where(np.array([[0, 1], [2, 0]]))
    assert [i.tolist() for i in idx] == [[0, 1], [1, 0]]
    x = _t([-1.0, 4.0])
    tnp.sum(tnp.where(x > 0, tnp.sqrt(x), 0.0)).backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.0, 0.25])
    np.testing.assert_array_equal(tnp.where([1, 0], 1.0, 2.0).numpy(), [1.0, 2.0])


def test_shape_functions_follow_numpy():
    a = np.arange(6.0).reshape(2, 3)
    cases = [
        (tnp.reshape(a, (3, 2)), np.reshape(a, (3, 2))),
        (tnp.reshape(a, newshape=-1), a.reshape(-1)), (tnp.ravel(a), np.ravel(a)),
        (tnp.transpose(a), a.T), (tnp.expand_dims(a, (0, 3)), np.expand_dims(a, (0, 3))),
        (tnp.concatenate([a, a], axis=None), np.concatenate([a, a], axis=None)),
        (tnp.stack([a, a], axis=1), np.stack([a, a], axis=1)),
        (tnp.vstack([a[0], a[1]]), np.vstack([a[0], a[1]])),
        (tnp.hstack([a, a]), np.hstack([a, a])), (tnp.hstack([a[0], a[1]]),
                                                  np.hstack([a[0], a[1]])),
        (tnp.dstack([a, a]), np.dstack([a, a])),
        (tnp.column_stack([a[0], a[1]]), np.column_stack([a[0], a[1]])),
        (tnp.atleast_2d(1.0), np.atleast_2d(1.0)), (tnp.atleast_3d(a), np.atleast_3d(a)),
        (tnp.squeeze(a[None]), a), (tnp.swapaxes(a, 0, 1), a.T),
        (tnp.broadcast_to(a[0], (2, 3)), np.broadcast_to(a[0], (2, 3))),
        (tnp.clip(a, 1, 4), np.clip(a, 1, 4)),
        (tnp.dot(a, a.T), a @ a.T), (tnp.dot(2.0, a), 2.0 * a),
        (tnp.dot(np.ones((2, 3, 4)), np.ones((5, 4, 6))),
         np.dot(np.ones((2, 3, 4)), np.ones((5, 4, 6)))),
        (tnp.outer(a, a[0]), np.outer(a, a[0])), (tnp.matmul(a, a.T), a @ a.T),
        (tnp.einsum("ij,kj->ik", a, a), np.einsum("ij,kj->ik", a, a)),
        (tnp.average(a, axis=1, weights=[1.0, 2.0, 3.0]),
         np.average(a, axis=1, weights=[1.0, 2.0, 3.0])),
    ]
    for got, want in cases:
        assert isinstance(got, tg.Tensor)
        np.testing.assert_allclose(got.numpy(), want)
    assert tnp.shape(a) == (2, 3) and tnp.ndim(a) == 2 and tnp.size(a) == 6
    assert tnp.size(a, 1) == 3 and tnp.allclose(a, a) is True
    assert tnp.isclose(a, a + 1e-12).numpy().all()


def test_array_of_tensors_full_and_linspace_differentiate():
    x = _t(3.0)
    tnp.array([[x, 1.0], [2.0, x * x]]).sum().backward()
    assert x.grad.item() == 7.0
    g = tg.grad(lambda c: tnp.sum(tnp.full((2, 3), c)))(2.0)
    assert g.item() == 6.0
    g = tg.grad(lambda s: tnp.sum(tnp.linspace(s, 2.0, 5)))(0.0)
    np.testing.assert_allclose(g.item(), np.sum(1 - np.linspace(0, 1, 5)))
    assert tg.gradcheck(lambda a, b: tnp.linspace(a, b, 4, endpoint=False), (_t(0.5), _t(2.0)))
    assert tnp.asarray(x) is x and tnp.array(x) is not x


def test_random_is_numpys_seeded_generator_returning_constants():
    tnp.random.seed(3)
    a = tnp.random.randn(4)
    np.random.seed(3)
    np.testing.assert_array_equal(a, np.random.randn(4))
    assert isinstance(tnp.random.normal(size=2), np.ndarray)
    assert isinstance(tnp.random.default_rng(0).uniform(size=2), np.ndarray)
    t = tg.tensor(np.arange(5.0))
    tnp.random.shuffle(t)
    assert sorted(t.tolist()) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_constants_and_dtypes_are_numpys():
    assert tnp.pi == np.pi and tnp.e == np.e and np.isinf(tnp.inf) and np.isnan(tnp.nan)
    assert tnp.newaxis is None and tnp.float64 is np.float64 and tnp.int64 is np.int64
    assert tnp.zeros(2, dtype=tnp.float32).dtype == np.float32


def test_linalg_forwards_to_tapegrad_linalg():
    x = _t([3.0, 4.0])
    n = tnp.linalg.norm(x)
    n.backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.6, 0.8])
    # forwarded with NumPy's argument conversion (integer lists are float64)
    assert tnp.linalg.vector_norm.__wrapped__ is tg.linalg.vector_norm
    np.testing.assert_allclose(tnp.linalg.norm(np.eye(2)).item(), np.linalg.norm(np.eye(2)))


# ------------------------------------------------------------------ NumPy's protocols

def test_numpy_functions_and_ufuncs_on_tensors_are_differentiated():
    a = np.array([[0.5, 1.5], [2.0, 3.0]])
    x = _t(a)
    y = (np.sum(np.sin(x) * np.array([1.0, 2.0]), axis=0) + np.mean(x, axis=0)).sum()
    y = y + np.concatenate([x, a]).sum() + np.linalg.norm(x)
    y.backward()
    want = np.cos(a) * [1.0, 2.0] + 0.5 + 1.0 + a / np.linalg.norm(a)
    np.testing.assert_allclose(x.grad.numpy(), want)


def test_ndarray_operators_with_tensors_stay_tracked():
    x = _t([2.0, 1.0])
    a = np.array([1.0, 3.0])
    for r in (a + x, a - x, a * x, a / x, a ** x, a % x, a // x, np.add(a, x), a @ x):
        assert isinstance(r, tg.Tensor) and r.requires_grad
    for r in (a < x, a == x, np.greater(a, x)):
        assert isinstance(r, tg.Tensor) and not r.requires_grad


def test_ufunc_methods_reduce_and_outer_dispatch():
    x = _t([1.0, 2.0, 3.0])
    np.add.reduce(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 1.0])
    o = np.multiply.outer(x, x)
    assert o.requires_grad and o.shape == (3, 3)
    np.testing.assert_allclose(np.maximum.reduce(x).item(), 3.0)


def test_a_numpy_function_tapegrad_lacks_raises_naming_it():
    x = _t([1.0, 2.0])
    with pytest.raises(TypeError, match=r"np\.datetime_as_string: tapegrad has no "
                                         r"datetime_as_string.*detach\(\)"):
        np.datetime_as_string(x)
    with pytest.raises(TypeError, match=r"np\.subtract\.accumulate"):
        np.subtract.accumulate(x)
    with pytest.raises(TypeError, match="out="):
        np.sin(x, out=np.zeros(2))
    # np.linalg.tensorinv dispatches to tnp.linalg.tensorinv (session 9), which refuses a
    # non-square reshape as NumPy does
    with pytest.raises(np.linalg.LinAlgError, match="tensorinv"):
        np.linalg.tensorinv(x.reshape(1, 2), ind=1)
    # values that carry no gradient are NumPy's (nothing is cut)
    assert np.unique(x.detach()).tolist() == [1.0, 2.0]
    with tg.no_grad():
        assert np.unique(x).tolist() == [1.0, 2.0]


def test_asarray_of_a_tensor_is_still_an_ndarray():
    x = _t([1.0, 2.0])
    assert type(np.asarray(x)) is np.ndarray and type(np.array(x)) is np.ndarray


# ------------------------------------------------------------------ scalars in transforms

def test_python_floats_in_the_transforms_compute_in_float64():
    f = lambda x: x ** 3                            # noqa: E731
    assert tg.grad(f)(1.5).dtype == np.float64
    v, g = tg.value_and_grad(f)(1.5)
    assert v.dtype == g.dtype == np.float64 and g.item() == 3 * 1.5 ** 2
    out, t = tg.jvp(f, (1.5,), (1.0,))
    assert out.dtype == t.dtype == np.float64
    assert tg.jacfwd(f)(1.5).dtype == np.float64 and tg.hessian(f)(1.5).item() == 9.0
    out, pull = tg.vjp(f, 0.1)
    assert pull(1.0)[0].dtype == np.float64
    assert tg.grad(f)(tg.tensor(1.5)).dtype == np.float32     # tensors keep theirs
    assert tg.grad(f)(np.float32(1.5)).dtype == np.float32
    # float64 resolves what float32 cannot: d/dx (1 + x) at x = 1e-8
    assert tg.grad(lambda x: tg.log(1 + x))(1e-8).item() == pytest.approx(1 / (1 + 1e-8))


def test_reflected_operators_with_python_numbers():
    x = _t([1.5, 2.5])
    for f, want, dwant in [
            (lambda t: 7.0 % t, 7.0 % np.array([1.5, 2.5]), -np.floor(7.0 / np.array([1.5, 2.5]))),
            (lambda t: 2.0 ** t, 2.0 ** np.array([1.5, 2.5]),
             np.log(2.0) * 2.0 ** np.array([1.5, 2.5])),
            (lambda t: 1.0 / t, 1 / np.array([1.5, 2.5]), -1 / np.array([1.5, 2.5]) ** 2),
            (lambda t: 1.0 - t, 1 - np.array([1.5, 2.5]), [-1.0, -1.0])]:
        out = f(x)
        np.testing.assert_allclose(out.detach().numpy(), want)
        g = tg.grad(lambda t: tg.sum(f(t)))(x.detach())
        np.testing.assert_allclose(g.numpy(), dwant)
    q, r = divmod(7.0, x)
    np.testing.assert_allclose(q.detach().numpy(), [4.0, 2.0])
    np.testing.assert_allclose(r.detach().numpy(), [1.0, 2.0])
    assert (True ^ (x > 2)).tolist() == [True, False]


# ------------------------------------------------------------------ Tensor methods

def test_numpy_style_tensor_methods():
    x = _t([[1.0, 2.0], [3.0, 4.0]])
    assert x.ravel().shape == (4,) and x.flatten().shape == (4,)
    assert x.astype(np.float32).dtype == np.float32 and x.copy().requires_grad
    assert x.conj() is x and x.real is x and not x.imag.requires_grad
    assert x.imag.numpy().sum() == 0 and x.nbytes == 32 and x.itemsize == 8
    assert x.dot(x).shape == (2, 2) and x.T.shape == (2, 2) and x.size() == (2, 2)
    assert x.any(axis=1).tolist() == [True, True]
    (x.ravel() * x.copy().ravel()).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy())
    c = tg.tensor(np.zeros(2))
    assert c.fill(3.0) is None and c.tolist() == [3.0, 3.0]


# ------------------------------------------------------------------ as autograd

def test_an_autograd_program_gives_autograd_s_gradient():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def program(np_):
        def loss(w, x):
            h = np_.tanh(np_.dot(x, w[:4].reshape(2, 2)))
            p = 1.0 / (1.0 + np_.exp(-np_.sum(h, axis=1)))
            return -np_.mean(np_.log(p)) + 0.1 * np_.sum(w ** 2) + np_.max(w) ** 2
        return loss

    x = np.array([[0.5, -1.0], [1.5, 0.3], [-0.2, 0.8]])
    w = np.array([0.1, -0.3, 0.7, 0.2, 0.05])
    want = ag.grad(program(anp))(w, x)
    got = tg.grad(program(tnp))(w, x)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-12)


# ------------------------------------------------------------------ docstring examples

@pytest.mark.parametrize("module", ["tapegrad.numpy", "tapegrad.numpy._functions",
                                    "tapegrad.numpy._shapes",
                                    "tapegrad.numpy.linalg", "tapegrad.numpy.random",
                                    "tapegrad.tree", "tapegrad.custom", "tapegrad.func"])
def test_docstring_examples_run(module):
    res = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert res.failed == 0 and res.attempted > 0


def test_autograd_spellings_elementwise_grad_and_argnum():
    x = np.array([1.0, 3.0])
    np.testing.assert_array_equal(tg.elementwise_grad(lambda v: v ** 2)(x).numpy(), [2, 6])
    assert tg.grad(lambda a, b: a * b, argnum=1)(2.0, 3.0).item() == 2.0
    assert tg.hessian(lambda a, b: a * b * b, argnum=1)(2.0, 3.0).item() == 4.0
    with pytest.raises(TypeError, match="not both"):
        tg.grad(lambda a, b: a * b, argnums=1, argnum=1)


def test_more_numpy_functions_match_numpy_and_differentiate():
    a = np.random.default_rng(0).normal(size=(4, 5))
    x = np.linspace(0.0, 1.0, 5)
    pairs = [
        (tnp.gradient(a), np.gradient(a)), (tnp.gradient(a, 0.5, axis=1),
                                            np.gradient(a, 0.5, axis=1)),
        (tnp.gradient(a[0]), np.gradient(a[0])),
        (tnp.trapezoid(a, x), np.trapezoid(a, x)),
        (tnp.trapezoid(a, dx=0.3, axis=0), np.trapezoid(a, dx=0.3, axis=0)),
        (tnp.trapezoid(a.T, x, axis=0), np.trapezoid(a.T, x, axis=0)),
        (tnp.ptp(a, axis=0), np.ptp(a, axis=0)), (tnp.logspace(0, 2, 3), np.logspace(0, 2, 3)),
        (tnp.broadcast_arrays(a[0], a)[0], np.broadcast_arrays(a[0], a)[0]),
        (tnp.matrix_transpose(a), a.T), (tnp.permute_dims(a, (1, 0)), a.T),
        (tnp.rollaxis(np.ones((2, 3, 4)), 0, 3), np.rollaxis(np.ones((2, 3, 4)), 0, 3)),
        (tnp.astype(a, np.float32), a.astype(np.float32)), (tnp.pow(2.0, 3), np.pow(2.0, 3)),
    ]
    for got, want in pairs:
        got = got if isinstance(got, tuple) else (got,)
        want = want if isinstance(want, tuple) else (want,)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_allclose(g.numpy(), w, rtol=1e-6)
    assert tg.gradcheck(lambda t: tnp.gradient(t, 0.5)[1], (_t(a),))
    assert tg.gradcheck(lambda y, xx: tnp.trapezoid(y, xx), (_t(a), _t(x)))


def test_ufunc_keywords_tapegrad_lacks_are_refused_only_when_a_gradient_is_cut():
    x = _t([1.0, 2.0])
    mask = np.array([True, False])
    with pytest.raises(TypeError, match=r"np\.add: tapegrad does not take .*where"):
        np.add(x, 1.0, where=mask)
    with pytest.raises(TypeError, match="out="):
        np.add(np.ones(2), 1.0, out=x.detach())
    out = np.zeros(2)
    assert np.add(x.detach(), 1.0, where=mask, out=out) is out and out.tolist() == [2.0, 0.0]


def test_meshgrid_indexes_as_numpy_and_differentiates():
    x, y = np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0])
    for kw in ({}, {"indexing": "ij"}, {"sparse": True}):
        for g, w in zip(tnp.meshgrid(x, y, **kw), np.meshgrid(x, y, **kw)):
            np.testing.assert_array_equal(g.numpy(), w)
    xt = _t(x)
    gx, gy = tnp.meshgrid(xt, y)
    tnp.sum(gx * gy).backward()
    np.testing.assert_allclose(xt.grad.numpy(), [9.0, 9.0, 9.0])
