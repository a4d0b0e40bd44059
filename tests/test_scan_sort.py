"""Scans, sorting, order statistics and NaN-ignoring reductions against NumPy (values,
edge cases) and PyTorch (indices, gradients at zeros and ties), the max/min rule, and the
errors. The case rows in tests/ops/cases_scan.py check every rule; this file checks what
rows cannot: axis conventions, empty and 0-d inputs, NaN, and the result types."""
import doctest
import importlib
import warnings

import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(0)
X34 = RNG.standard_normal((3, 4))
X234 = RNG.standard_normal((2, 3, 4))


def _np(t):
    return t.numpy() if isinstance(t, tg.Tensor) else np.asarray(t)


def _grad(f, a, w=None):
    x = tg.tensor(a, requires_grad=True)
    out = f(x)
    w = np.ones(out.shape) if w is None else w
    (out * tg.tensor(w)).sum().backward()
    return x.grad.numpy()


def _torch_grad(f, a, w=None):
    x = torch.tensor(a, requires_grad=True)
    out = f(x)
    w = torch.ones(out.shape, dtype=out.dtype) if w is None else torch.tensor(w)
    (out * w).sum().backward()
    return x.grad.numpy()


# ------------------------------------------------------------------ scans

@pytest.mark.parametrize("axis", [None, 0, 1, -1, -3])
@pytest.mark.parametrize("name", ["cumsum", "cumprod"])
def test_cumsum_and_cumprod_values_equal_numpy(name, axis):
    got = getattr(tg, name)(tg.tensor(X234), axis)
    np.testing.assert_allclose(_np(got), getattr(np, name)(X234, axis), rtol=1e-13)


def test_cumsum_takes_numpy_and_pytorch_spellings():
    x = tg.tensor(X34)
    want = np.cumsum(X34, axis=1)
    for got in (tg.cumsum(x, 1), tg.cumsum(x, axis=1), tg.cumsum(x, dim=1), x.cumsum(1),
                x.cumsum(dim=1), x.cumsum(axis=1)):
        np.testing.assert_allclose(_np(got), want)
    np.testing.assert_array_equal(_np(tg.cumsum(x)), np.cumsum(X34))      # flattened
    assert tg.cumsum(tg.tensor([1, 2, 3])).dtype == np.int64
    assert tg.cumsum(tg.tensor([1, 2]), dtype=np.float64).dtype == np.float64


def test_scans_of_0d_and_empty_tensors_follow_numpy_and_torch():
    s = tg.tensor(3.0)
    assert tg.cumsum(s).shape == (1,)                 # np.cumsum flattens
    assert tg.cumsum(s, 0).shape == ()                # torch keeps 0-d
    assert tg.cummax(s, 0).values.shape == ()
    e = tg.tensor(np.zeros((0, 3)))
    for f in (lambda a: tg.cumsum(a, 0), lambda a: tg.cumprod(a, 1),
              lambda a: tg.logcumsumexp(a, 0), lambda a: tg.cummax(a, 1).values):
        assert f(e).shape == (0, 3)


def test_cumsum_propagates_nan_as_numpy():
    a = np.array([1.0, np.nan, 2.0])
    np.testing.assert_array_equal(_np(tg.cumsum(tg.tensor(a))), np.cumsum(a))
    np.testing.assert_array_equal(_np(tg.cumprod(tg.tensor(a))), np.cumprod(a))


@pytest.mark.parametrize("dim", [0, 1])
def test_cumprod_gradient_with_zeros_equals_torch(dim):
    a = RNG.uniform(0.5, 1.5, size=(4, 5))
    a[1, 0] = a[3, 0] = a[0, 2] = a[2, 4] = 0.0
    w = RNG.standard_normal((4, 5))
    got = _grad(lambda x: tg.cumprod(x, dim), a, w)
    assert np.all(np.isfinite(got))
    np.testing.assert_allclose(got, _torch_grad(lambda x: torch.cumprod(x, dim), a, w),
                               rtol=1e-12, atol=1e-14)


def test_cumprod_second_derivative_with_zeros_equals_torch():
    a = np.array([[0.7, 0.0, 1.3, 0.0, -0.9], [1.1, -0.6, 0.8, 1.2, 0.0]])
    w, u = RNG.standard_normal((2, 5)), RNG.standard_normal((2, 5))
    x = tg.tensor(a, requires_grad=True)
    (g,) = tg.autograd.grad((tg.cumprod(x, 1) * tg.tensor(w)).sum(), [x], create_graph=True)
    (h,) = tg.autograd.grad((g * tg.tensor(u)).sum(), [x])
    xt = torch.tensor(a, requires_grad=True)
    (gt,) = torch.autograd.grad((torch.cumprod(xt, 1) * torch.tensor(w)).sum(), [xt],
                                create_graph=True)
    (ht,) = torch.autograd.grad((gt * torch.tensor(u)).sum(), [xt])
    np.testing.assert_allclose(g.numpy(), gt.detach().numpy(), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(h.numpy(), ht.numpy(), rtol=1e-12, atol=1e-14)


def test_cumprod_long_slices_with_zeros_use_the_linear_form_and_agree():
    # past the exact form's memory budget the first-order rule is O(n)
    a = RNG.uniform(0.9, 1.1, size=(2, 1200))
    a[0, 7] = a[0, 500] = a[1, 1199] = 0.0
    w = RNG.standard_normal(a.shape)
    np.testing.assert_allclose(_grad(lambda x: tg.cumprod(x, 1), a, w),
                               _torch_grad(lambda x: torch.cumprod(x, 1), a, w),
                               rtol=1e-9, atol=1e-12)


def test_logcumsumexp_is_stable_and_takes_minus_inf():
    a = np.array([[-np.inf, -np.inf, 1.0, 900.0, -900.0],
                  [-1000.0, 1000.0, 3.0, -np.inf, 2.0]])
    w = RNG.standard_normal(a.shape)
    got = tg.logcumsumexp(tg.tensor(a), 1)
    want = torch.logcumsumexp(torch.tensor(a), 1)
    np.testing.assert_allclose(_np(got), want.numpy(), rtol=1e-14)
    g = _grad(lambda x: tg.logcumsumexp(x, 1), a, w)
    assert np.all(np.isfinite(g))
    want = _torch_grad(lambda x: torch.logcumsumexp(x, 1), a, w)
    # an all -inf prefix: zero gradient (as logsumexp's all -inf row), where torch has NaN
    prefix = np.isneginf(np.logaddexp.accumulate(a, axis=1))
    np.testing.assert_array_equal(g[prefix], 0.0)
    np.testing.assert_allclose(g[~prefix], want[~prefix], rtol=1e-12, atol=1e-300)


def test_logcumsumexp_of_a_moderate_range_uses_the_shifted_rule():
    a = RNG.uniform(-30, 30, size=(3, 6))
    w = RNG.standard_normal(a.shape)
    np.testing.assert_allclose(_grad(lambda x: tg.logcumsumexp(x, 0), a, w),
                               _torch_grad(lambda x: torch.logcumsumexp(x, 0), a, w),
                               rtol=1e-11)


def test_cummax_and_cummin_indices_follow_torch_at_ties_and_nan():
    a = np.array([1.0, 3.0, 3.0, 2.0, 3.0, np.nan, 5.0, np.nan])
    for name in ("cummax", "cummin"):
        ours = getattr(tg, name)(tg.tensor(a), 0)
        theirs = getattr(torch, name)(torch.tensor(a), 0)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
        assert ours.indices.dtype == np.int64


def test_cummax_values_equal_numpy_accumulate_and_gradient_goes_to_the_index():
    b = np.array([[2.0, 1.0, 2.0, 4.0], [0.0, 5.0, 1.0, 5.0]])
    v, i = tg.cummax(tg.tensor(b), dim=1)
    np.testing.assert_array_equal(v.numpy(), np.maximum.accumulate(b, axis=1))
    g = _grad(lambda x: tg.cummax(x, 1).values, b)
    np.testing.assert_array_equal(g, _torch_grad(lambda x: torch.cummax(x, 1).values, b))


@pytest.mark.parametrize("kw", [dict(), dict(n=2), dict(n=0), dict(n=5), dict(axis=0),
                                dict(axis=-2, n=2), dict(prepend=0.0),
                                dict(append=[[1.0], [2.0], [3.0]]),
                                dict(prepend=1.5, append=2.5, n=2)])
def test_diff_equals_numpy(kw):
    want = np.diff(X34, **kw)
    got = tg.diff(tg.tensor(X34), **kw)
    assert got.shape == want.shape
    np.testing.assert_allclose(_np(got), want, rtol=1e-14)


def test_diff_gradient_and_scalar_prepend_dtype():
    a = np.array([1.0, 4.0, 9.0, 16.0], dtype=np.float32)
    assert tg.diff(tg.tensor(a), prepend=0.0).dtype == np.float32
    np.testing.assert_array_equal(_grad(lambda x: tg.diff(x, n=2), a.astype(np.float64)),
                                  _torch_grad(lambda x: torch.diff(x, n=2),
                                              a.astype(np.float64)))


# ------------------------------------------------------------------ sorting

def test_sort_rule_pytorch_pair_or_numpy_values():
    x = tg.tensor(X34)
    pair = tg.sort(x)                                   # no dimension: torch.sort
    assert type(pair).__name__ == "sort" and pair._fields == ("values", "indices")
    t = torch.sort(torch.tensor(X34))
    np.testing.assert_array_equal(pair.values.numpy(), t.values.numpy())
    np.testing.assert_array_equal(pair.indices.numpy(), t.indices.numpy())
    for got in (tg.sort(x, 0), tg.sort(x, dim=0), x.sort(0)):
        np.testing.assert_array_equal(got.values.numpy(), np.sort(X34, axis=0))
    for got, want in ((tg.sort(x, axis=0), np.sort(X34, axis=0)),
                      (tg.sort(x, None), np.sort(X34, None)),
                      (tg.sort(x, axis=None), np.sort(X34, axis=None)),
                      (tg.sort(x, axis=-1), np.sort(X34, axis=-1)),
                      (tg.ops.sort_values(x), np.sort(X34)),
                      (tg.ops.np_sort(x, None), np.sort(X34, None))):
        assert isinstance(got, tg.Tensor)
        np.testing.assert_array_equal(got.numpy(), want)


def test_sort_descending_stable_and_nan_placement_follow_torch():
    a = np.array([2.0, np.nan, 1.0, 2.0, -1.0, 1.0])
    for desc in (False, True):
        ours = tg.sort(tg.tensor(a), descending=desc)
        theirs = torch.sort(torch.tensor(a), descending=desc, stable=True)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    np.testing.assert_array_equal(tg.sort(tg.tensor(a), axis=0).numpy(), np.sort(a))


def test_sort_and_argsort_of_0d_and_empty():
    s = tg.sort(tg.tensor(2.0))
    assert s.values.shape == () and s.indices.item() == 0
    assert tg.sort(tg.tensor(np.zeros((0, 2))), axis=0).shape == (0, 2)
    assert tg.argsort(tg.tensor(np.zeros(0))).shape == (0,)
    with pytest.raises(np.exceptions.AxisError, match="sort"):
        tg.sort(tg.tensor(2.0), axis=0)


def test_argsort_takes_torch_positional_descending():
    a = np.array([3.0, 1.0, 2.0, 0.0])
    np.testing.assert_array_equal(tg.argsort(tg.tensor(a), 0, True).numpy(),
                                  torch.argsort(torch.tensor(a), 0, True).numpy())


@pytest.mark.parametrize("axis", [-1, 0, None])
def test_argsort_equals_numpy_stable(axis):
    a = np.array([[3, 1, 2, 1], [0, 0, 5, -1]], dtype=np.float64)
    got = tg.argsort(tg.tensor(a), axis)
    np.testing.assert_array_equal(got.numpy(), np.argsort(a, axis=axis, kind="stable"))
    assert got.dtype == np.int64 and not got.requires_grad


def test_sort_gradient_goes_to_the_picked_element_at_ties():
    a = np.array([1.0, 2.0, 1.0, 2.0])
    w = np.array([1.0, 10.0, 100.0, 1000.0])
    got = _grad(lambda x: tg.sort(x).values, a, w)
    want = _torch_grad(lambda x: torch.sort(x, stable=True).values, a, w)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("kth", [0, 2, [1, 3], -1])
def test_partition_puts_kth_where_numpy_does(kth):
    a = RNG.permutation(12).reshape(2, 6).astype(np.float64)
    got = tg.partition(tg.tensor(a), kth)
    want = np.partition(a, kth)
    for k in np.atleast_1d(kth):
        np.testing.assert_array_equal(got.numpy()[:, k], want[:, k])
    np.testing.assert_array_equal(np.sort(got.numpy(), 1), np.sort(a, 1))
    idx = tg.argpartition(tg.tensor(a), kth).numpy()
    np.testing.assert_array_equal(np.take_along_axis(a, idx, 1), got.numpy())


def test_topk_equals_torch_and_validates_k():
    a = RNG.permutation(15).reshape(3, 5).astype(np.float64)
    for kw in (dict(k=2), dict(k=3, dim=0), dict(k=2, largest=False), dict(k=5)):
        ours = tg.topk(tg.tensor(a), **kw)
        theirs = torch.topk(torch.tensor(a), **kw)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    assert tg.tensor(a).topk(1).values.shape == (3, 1)
    with pytest.raises(ValueError, match="topk: k"):
        tg.topk(tg.tensor(a), 6)
    with pytest.raises(TypeError, match="topk: k"):
        tg.topk(tg.tensor(a), 1.5)


def test_kthvalue_equals_torch():
    a = RNG.permutation(12).reshape(3, 4).astype(np.float64)
    for kw in (dict(k=1), dict(k=3, dim=0), dict(k=2, keepdim=True)):
        ours, theirs = tg.kthvalue(tg.tensor(a), **kw), torch.kthvalue(torch.tensor(a), **kw)
        np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
        np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())


# ------------------------------------------------------------------ median, quantile

def test_median_rule():
    a = np.array([[4.0, 1.0, 3.0, 2.0], [0.5, 7.0, 6.0, -1.0]])
    x = tg.tensor(a)
    # nothing: torch's lower median of all elements
    assert tg.median(x).item() == torch.median(torch.tensor(a)).item() == 2.0
    # a dimension: torch's (values, indices)
    ours, theirs = tg.median(x, 1), torch.median(torch.tensor(a), 1)
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    assert tg.median(x, dim=0, keepdim=True).values.shape == (1, 4)
    assert x.median(1).indices.dtype == np.int64
    np.testing.assert_allclose(tg.median(x, None).numpy(), np.median(a, None))
    # axis=: NumPy's median (mean of the middle two)
    for kw in (dict(axis=None), dict(axis=1), dict(axis=0, keepdims=True),
               dict(axis=(0, 1))):
        np.testing.assert_allclose(tg.median(x, **kw).numpy(), np.median(a, **kw))
        np.testing.assert_allclose(tg.ops.np_median(x, **kw).numpy(), np.median(a, **kw))


def test_median_of_nan_is_nan_and_numpy_median_gradient_splits():
    a = np.array([[1.0, np.nan, 2.0], [3.0, 1.0, 2.0]])
    np.testing.assert_array_equal(tg.median(tg.tensor(a), axis=1).numpy(),
                                  np.median(a, axis=1))
    assert np.isnan(tg.median(tg.tensor(a), 1).values.numpy()[0])
    g = _grad(lambda x: tg.median(x, axis=None), np.array([4.0, 1.0, 3.0, 2.0]))
    np.testing.assert_array_equal(g, [0.0, 0.0, 0.5, 0.5])


@pytest.mark.parametrize("method", ["linear", "lower", "higher", "nearest", "midpoint"])
@pytest.mark.parametrize("q", [0.0, 0.3, 0.5, 1.0, [0.25, 0.75]])
@pytest.mark.parametrize("axis", [None, 1, -1, (0, 2)])
def test_quantile_equals_numpy(method, q, axis):
    got = tg.quantile(tg.tensor(X234), q, axis=axis, method=method)
    np.testing.assert_allclose(got.numpy(), np.quantile(X234, q, axis=axis, method=method),
                               rtol=1e-13)


def test_quantile_keepdims_torch_spelling_and_gradient():
    q = [0.1, 0.9]
    got = tg.quantile(tg.tensor(X34), q, dim=1, keepdim=True)
    want = torch.quantile(torch.tensor(X34), torch.tensor(q, dtype=torch.float64), dim=1,
                          keepdim=True)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-13)
    w = RNG.standard_normal(got.shape)
    np.testing.assert_allclose(
        _grad(lambda x: tg.quantile(x, q, dim=1, keepdim=True), X34, w),
        _torch_grad(lambda x: torch.quantile(x, torch.tensor(q, dtype=torch.float64), dim=1,
                                             keepdim=True), X34, w), rtol=1e-12)
    np.testing.assert_allclose(tg.percentile(tg.tensor(X34), [5, 95], axis=0).numpy(),
                               np.percentile(X34, [5, 95], axis=0), rtol=1e-13)


def test_quantile_with_nan_is_nan_as_numpy():
    a = np.array([[1.0, np.nan, 3.0], [1.0, 2.0, 3.0]])
    np.testing.assert_array_equal(tg.quantile(tg.tensor(a), 0.5, axis=1).numpy(),
                                  np.quantile(a, 0.5, axis=1))


# ------------------------------------------------------------------ NaN reductions

A_NAN = np.array([[1.0, np.nan, 2.0], [np.nan, np.nan, np.nan], [0.5, -3.0, np.nan]])


@pytest.mark.parametrize("axis", [None, 0, 1])
@pytest.mark.parametrize("name", ["nansum", "nanmean", "nanmax", "nanmin", "nanprod",
                                  "nanvar", "nanstd", "nanmedian", "nancumsum",
                                  "nancumprod"])
def test_nan_reductions_equal_numpy(name, axis):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)     # NumPy warns on all-NaN rows
        want = getattr(np, name)(A_NAN, axis=axis)
    got = getattr(tg, name)(tg.tensor(A_NAN), axis=axis)
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-14)


def test_nan_order_statistics_follow_numpy_and_torch():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for q in (0.3, [0.0, 0.5, 1.0]):
            np.testing.assert_allclose(tg.nanquantile(tg.tensor(A_NAN), q, axis=1).numpy(),
                                       np.nanquantile(A_NAN, q, axis=1), rtol=1e-14)
        np.testing.assert_allclose(tg.nanvar(tg.tensor(A_NAN), axis=1, ddof=1).numpy(),
                                   np.nanvar(A_NAN, axis=1, ddof=1), rtol=1e-14)
    a = np.array([[4.0, np.nan, 1.0, 3.0, 2.0], [np.nan, 5.0, 1.0, 0.0, 2.0]])
    ours, theirs = tg.nanmedian(tg.tensor(a), 1), torch.nanmedian(torch.tensor(a), 1)
    assert type(ours).__name__ == "nanmedian"
    np.testing.assert_array_equal(ours.values.numpy(), theirs.values.numpy())
    np.testing.assert_array_equal(ours.indices.numpy(), theirs.indices.numpy())
    assert tg.nanmedian(tg.tensor(a)).item() == torch.nanmedian(torch.tensor(a)).item()
    np.testing.assert_array_equal(tg.nanargmax(tg.tensor(a), axis=1).numpy(),
                                  np.nanargmax(a, axis=1))
    np.testing.assert_array_equal(tg.nanargmin(tg.tensor(a)).numpy(), np.nanargmin(a))


def test_nan_positions_get_zero_gradient():
    a = np.array([[1.0, np.nan, 2.0], [0.5, -3.0, np.nan]])
    for f, tf in ((lambda x: tg.nansum(x, 1), lambda x: torch.nansum(x, 1)),
                  (lambda x: tg.nanmean(x, dim=0), lambda x: torch.nanmean(x, 0))):
        g = _grad(f, a)
        np.testing.assert_allclose(g, _torch_grad(tf, a))
        assert np.all(g[np.isnan(a)] == 0)
    g = _grad(lambda x: tg.nanmax(x, 1), a)
    np.testing.assert_array_equal(g, [[0.0, 0.0, 1.0], [1.0, 0.0, 0.0]])


def test_ptp_equals_numpy():
    for axis in (None, 0, 1):
        np.testing.assert_allclose(tg.ptp(tg.tensor(X34), axis).numpy(),
                                   np.ptp(X34, axis=axis))


# ------------------------------------------------------------------ the max/min rule

def test_max_given_a_dimension_returns_values_and_indices():
    x = tg.tensor(X34, requires_grad=True)
    for got in (tg.max(x, 1), tg.max(x, dim=1), x.max(1), x.max(dim=1)):
        assert got._fields == ("values", "indices")
        np.testing.assert_array_equal(got.values.numpy(), X34.max(1))
        np.testing.assert_array_equal(got.indices.numpy(), X34.argmax(1))
    v, i = tg.min(x, 0, True)
    assert v.shape == i.shape == (1, 4)
    np.testing.assert_array_equal(i.numpy()[0], X34.argmin(0))


def test_max_with_axis_or_nothing_returns_values_as_numpy():
    x = tg.tensor(X34)
    for got, want in ((tg.max(x), X34.max()), (tg.max(x, axis=1), X34.max(1)),
                      (tg.min(x, axis=0, keepdims=True), X34.min(0, keepdims=True)),
                      (x.max(axis=0), X34.max(0)), (tg.amax(x, 1), X34.max(1)),
                      (tg.amax(x, dim=1), X34.max(1)), (tg.reduce_max(x, 0), X34.max(0)),
                      (tg.amin(x, 1), X34.min(1))):
        assert isinstance(got, tg.Tensor)
        np.testing.assert_array_equal(got.numpy(), want)


def test_max_with_a_tensor_second_argument_is_maximum():
    y = RNG.standard_normal((3, 4))
    np.testing.assert_array_equal(tg.max(tg.tensor(X34), tg.tensor(y)).numpy(),
                                  np.maximum(X34, y))
    np.testing.assert_array_equal(tg.min(tg.tensor(X34), tg.tensor(y)).numpy(),
                                  np.minimum(X34, y))


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("call, exc, words", [
    (lambda x: tg.cumsum(x, 3), np.exceptions.AxisError, ["cumsum", "3"]),
    (lambda x: tg.cumsum(x, axis=0, dim=0), TypeError, ["cumsum", "dim"]),
    (lambda x: tg.cumsum("abc"), TypeError, ["cumsum", "x"]),
    (lambda x: tg.cumsum(x, 0, reverse=1), TypeError, ["cumsum", "reverse"]),
    (lambda x: tg.cummax(x), TypeError, ["cummax", "dim"]),
    (lambda x: tg.diff(x, n=-1), ValueError, ["diff", "n"]),
    (lambda x: tg.diff(tg.tensor(1.0)), ValueError, ["diff", "0-d"]),
    (lambda x: tg.diff(x, n=1.5), TypeError, ["diff", "n"]),
    (lambda x: tg.diff(x, axis=0, prepend=np.zeros((2, 5))), ValueError, ["diff", "prepend"]),
    (lambda x: tg.sort(x, 0, axis=0), TypeError, ["sort", "axis"]),
    (lambda x: tg.sort(x, descending="yes"), TypeError, ["sort", "descending"]),
    (lambda x: tg.sort(x, kind="bogo"), ValueError, ["sort", "kind"]),
    (lambda x: tg.argsort(x, 2), np.exceptions.AxisError, ["argsort", "2"]),
    (lambda x: tg.partition(x, 1.0), TypeError, ["partition", "kth"]),
    (lambda x: tg.kthvalue(x, 0), ValueError, ["kthvalue", "k"]),
    (lambda x: tg.median(x, 0, axis=0), TypeError, ["median", "axis"]),
    (lambda x: tg.median(tg.tensor(np.zeros((2, 0))), 1), ValueError, ["median", "empty"]),
    (lambda x: tg.quantile(x, 1.5), ValueError, ["quantile", "q"]),
    (lambda x: tg.quantile(x, 0.5, method="cubic"), ValueError, ["quantile", "method"]),
    (lambda x: tg.quantile(x, "a"), TypeError, ["quantile", "q"]),
    (lambda x: tg.percentile(x, 120), ValueError, ["percentile", "q"]),
    (lambda x: tg.nanmax(tg.tensor(np.zeros(0))), ValueError, ["nanmax", "empty"]),
    (lambda x: tg.nansum(None), TypeError, ["nansum", "x"]),
    (lambda x: tg.nanvar(x, ddof=0.5), TypeError, ["nanvar", "ddof"]),
    (lambda x: tg.nanargmax(tg.tensor([np.nan, np.nan])), ValueError, ["nanargmax", "NaN"]),
    (lambda x: tg.nanquantile(x, -0.1), ValueError, ["nanquantile", "q"]),
])
def test_errors_name_the_function_and_the_argument(call, exc, words):
    with pytest.raises(exc) as info:
        call(tg.tensor(X34))
    for w in words:
        assert w in str(info.value)


def test_top_level_names_exist():
    for name in ("cumsum cumprod logcumsumexp cummax cummin diff sort argsort partition "
                 "argpartition topk kthvalue median quantile percentile nansum nanmean "
                 "nanmax nanmin nanprod ptp nanvar nanstd nanmedian nanquantile nancumsum "
                 "nancumprod nanargmax nanargmin").split():
        assert callable(getattr(tg, name)), name
    x = tg.tensor(X34)
    for m in ("cumsum cumprod sort argsort topk median quantile nansum nanmean diff "
              "logcumsumexp cummax cummin").split():
        assert callable(getattr(x, m)), m


def test_docstring_examples_run():
    for name in ("scan", "sort", "reduce_sums", "reduce_extrema", "reduce_nan"):
        mod = importlib.import_module(f"tapegrad.ops.{name}")
        failed, _ = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert failed == 0, mod.__name__


def test_numpy_cumsum_and_cumprod_on_a_tensor_stay_in_the_graph():
    # NumPy calls the Tensor methods (with axis, dtype and out), which are tracked
    a = np.array([[1.0, 2.0], [3.0, 0.0]])
    for f, tf in ((np.cumsum, torch.cumsum), (np.cumprod, torch.cumprod)):
        x = tg.tensor(a, requires_grad=True)
        y = f(x, axis=1)
        assert isinstance(y, tg.Tensor) and y.requires_grad
        y.sum().backward()
        np.testing.assert_array_equal(x.grad.numpy(),
                                      _torch_grad(lambda t: tf(t, 1), a))
    assert np.cumsum(tg.tensor(a)).shape == (4,)
