"""Indexing `t[...]`, in-place `t[...] = v`, and the join/split family, against NumPy."""
import numpy as np
import pytest

import tapegrad as tg

X = np.arange(24, dtype=np.float64).reshape(2, 3, 4)


def leaf(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


INDICES = [
    1, -1, (1, 2), (0, -1, 3), slice(1, None), (slice(None), slice(None, None, 2)),
    (Ellipsis, 1), (None, 0), (0, None, slice(1, 3)), (slice(None, None, -1), 0),
    np.array([1, 0, 1]), (0, [2, 2, 0]), (slice(None), np.array([0, 2]), 1),
    (np.array([0, 1]), np.array([2, 0])), X[..., 0] > 5, X > 10, (0, X[0, :, 0] > 3),
    (Ellipsis, np.array([[3, 0], [0, 3]])),
]


@pytest.mark.parametrize("index", INDICES, ids=[str(i).replace("\n", "") for i in INDICES])
def test_getitem_matches_numpy_and_scatters_the_gradient(index):
    x = leaf(X)
    y = x[index]
    expected = X[index]
    assert y.shape == expected.shape
    np.testing.assert_array_equal(y.numpy(), expected)
    w = np.random.default_rng(0).standard_normal(expected.shape)
    y.backward(tg.tensor(w))
    # the reference scatter-add: every read position gets its weights, repeats summed
    ref = np.zeros_like(X)
    np.add.at(ref, index, w)
    np.testing.assert_allclose(x.grad.numpy(), ref)


def test_repeated_integer_indices_accumulate_in_the_gradient():
    x = leaf([10.0, 20.0, 30.0])
    x[[0, 2, 2, 2, 0]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 0.0, 3.0])


def test_repeated_indices_accumulate_in_second_order_too():
    x = leaf([1.0, 2.0])
    y = (x[[1, 1, 0]] ** 3).sum()
    (g,) = tg.autograd.grad(y, x, create_graph=True)
    np.testing.assert_allclose(g.numpy(), [3.0, 2 * 3 * 4.0])
    (h,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(h.numpy(), [6.0, 2 * 6 * 2.0])


def test_index_with_tensors():
    x = leaf(X[0])
    idx = tg.tensor([2, 0])
    np.testing.assert_array_equal(x[idx].numpy(), X[0][[2, 0]])
    mask = tg.tensor(X[0] > 4)
    np.testing.assert_array_equal(x[mask].numpy(), X[0][X[0] > 4])
    np.testing.assert_array_equal(x[tg.tensor(1)].numpy(), X[0][1])


def test_a_float_index_is_refused_with_its_dtype():
    with pytest.raises(IndexError, match="float"):
        tg.tensor(X)[np.array([0.0, 1.0])]


def test_an_out_of_range_index_raises_index_error():
    with pytest.raises(IndexError):
        tg.tensor(X)[5]


def test_index_results_never_require_grad_for_plain_tensors():
    y = tg.tensor(X)[0, 1]
    assert not y.requires_grad and y.grad_fn is None


def test_basic_index_results_are_named_getitem_backward():
    assert leaf(X)[0].grad_fn.name() == "GetItemBackward"


# ------------------------------------------------------------------ t[...] = v

def test_setitem_without_grad_writes_in_place():
    t = tg.tensor(np.zeros((2, 3)))
    t[0, 1:] = 5.0
    t[1] = np.array([1.0, 2.0, 3.0])
    t[t > 4] = -1.0
    np.testing.assert_array_equal(t.numpy(), [[0, -1, -1], [1, 2, 3]])


def test_setitem_is_recorded_and_routes_gradients():
    x, v = leaf([1.0, 2.0, 3.0, 4.0]), leaf([10.0, 20.0])
    y = x * 2.0
    y[1:3] = v * v
    w = np.array([1.0, 2.0, 3.0, 4.0])
    (y * tg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(y.numpy(), [2.0, 100.0, 400.0, 8.0])
    # overwritten positions send nothing back to x; v gets its slots' weights
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 0.0, 0.0, 8.0])
    np.testing.assert_allclose(v.grad.numpy(), [2 * 10.0 * 2.0, 2 * 20.0 * 3.0])
    assert y.grad_fn.name() == "IndexPutBackward"


def test_setitem_with_a_mask_and_a_tensor_value():
    x = leaf([-1.0, 2.0, -3.0])
    y = x.clone()
    y[x.detach() < 0] = 0.0
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1.0, 0.0])


def test_setitem_on_a_leaf_that_requires_grad_is_refused():
    x = leaf([1.0, 2.0])
    with pytest.raises(RuntimeError, match="leaf"):
        x[0] = 0.0


def test_recorded_write_into_a_view_of_a_leaf_is_refused():
    x = leaf([1.0, 2.0, 3.0])
    v = x[0:2]
    with pytest.raises(RuntimeError, match="view of a leaf"):
        v[0] = 10.0
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0, 3.0])
    with tg.no_grad():                    # an explicit update is fine
        x[0:2][0] = 10.0
    assert x.numpy()[0] == 10.0


@pytest.mark.parametrize("make_view", [lambda y: y[1:], lambda y: y.reshape(3, 1),
                                       lambda y: y.T], ids=["slice", "reshape", "T"])
def test_recorded_write_into_a_view_of_a_non_leaf_reaches_the_base(make_view):
    # as PyTorch, the view takes the write and its new history (d2l's masked_softmax
    # writes X.reshape(-1, n)[~mask] = -1e6), and so does the base (CopySlices)
    x, w = leaf([1.0, 2.0, 3.0]), leaf(5.0)
    y = x * 1.0
    v = make_view(y)
    v[0] = w
    np.testing.assert_array_equal(y.numpy().ravel()[[0, 1]], [5.0, 2.0] if v.shape[0] == 3
                                  else [1.0, 5.0])
    (v * 2.0).sum().backward(retain_graph=True)
    assert w.grad.item() == 2.0           # w landed in exactly one element
    expected = [0.0, 2.0, 2.0] if v.shape[0] == 3 else [0.0, 0.0, 2.0]
    np.testing.assert_array_equal(x.grad.numpy(), expected)
    x.grad = w.grad = None
    weights = tg.tensor([1.0, 10.0, 100.0])
    (y * weights).sum().backward()        # the base carries the write in its history
    k = 1 if v.shape[0] == 2 else 0
    assert w.grad.item() == weights.numpy()[k]
    np.testing.assert_array_equal(x.grad.numpy(), np.where(np.arange(3) == k, 0.0,
                                                           weights.numpy()))
    x.grad = w.grad = None
    v = make_view(x * 1.0).clone()
    v[0] = w
    (v * 1.0).sum().backward()
    assert w.grad.item() == 1.0


def test_setitem_bumps_the_version():
    t = tg.tensor([1.0, 2.0])
    before = t._version
    t[0] = 3.0
    assert t._version == before + 1


def test_setitem_on_a_broadcast_view_says_to_clone():
    b = tg.broadcast_to(tg.tensor([1.0, 2.0]), (3, 2))
    with pytest.raises(ValueError, match="clone"):
        b[0, 0] = 5.0


# ------------------------------------------------------------------ join and split

def test_concatenate_with_plain_arrays_sends_gradients_only_to_tensors():
    x = leaf(np.ones((2, 2)))
    y = tg.concatenate([np.zeros((2, 1)), x, np.full((2, 3), 7.0)], axis=1)
    assert y.shape == (2, 6)
    w = np.arange(12.0).reshape(2, 6)
    y.backward(tg.tensor(w))
    np.testing.assert_array_equal(x.grad.numpy(), w[:, 1:3])


def test_concatenate_mismatch_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"concatenate.*\(2, 3\).*\(3, 2\)"):
        tg.concatenate([tg.ones((2, 3)), tg.ones((3, 2))], axis=1)


def test_stack_mismatch_names_the_op_and_shapes():
    with pytest.raises(ValueError, match=r"stack.*\(2,\).*\(3,\)"):
        tg.stack([tg.ones(2), tg.ones(3)])


def test_split_by_size_and_by_sections():
    x = leaf(np.arange(10.0))
    parts = tg.split(x, 4)
    assert [p.shape for p in parts] == [(4,), (4,), (2,)]
    a, b = tg.split(x, [3, 7])
    np.testing.assert_array_equal(b.numpy(), np.arange(3.0, 10.0))
    (a.sum() * 2 + (b * b).sum()).backward()
    np.testing.assert_allclose(x.grad.numpy(), np.r_[np.full(3, 2.0), 2 * np.arange(3.0, 10)])
    with pytest.raises(ValueError, match="split"):
        tg.split(x, [3, 3])


def test_squeeze_of_a_non_unit_axis_names_the_shape():
    with pytest.raises(ValueError, match=r"squeeze.*\(2, 1\)"):
        tg.squeeze(tg.ones((2, 1)), axis=0)


def test_reshape_to_a_wrong_size_names_both_shapes():
    with pytest.raises(ValueError, match=r"reshape.*\(2, 3\).*\(4, 2\)"):
        tg.reshape(tg.ones((2, 3)), (4, 2))


def test_broadcast_to_an_incompatible_shape_names_both_shapes():
    with pytest.raises(ValueError, match=r"broadcast_to.*\(3,\).*\(2, 4\)"):
        tg.broadcast_to(tg.ones(3), (2, 4))


# ------------------------------------------------------------------ triangles, diagonals,
# the gather/scatter family and products (ops/diagonals.py, ops/indexing.py,
# ops/products.py)

import doctest  # noqa: E402
import re  # noqa: E402

import tapegrad.ops.diagonals as _diagonals  # noqa: E402
import tapegrad.ops.indexing as _indexing  # noqa: E402
import tapegrad.ops.products as _products  # noqa: E402

RNG = np.random.default_rng(15)
A = RNG.standard_normal((2, 3, 4))


def _grad(fn, x, w=None):
    x = leaf(x)
    y = fn(x)
    w = np.ones(y.shape) if w is None else w
    y.backward(tg.tensor(w))
    return x.grad.numpy()


@pytest.mark.parametrize("module", [_diagonals, _indexing, _products],
                         ids=["diagonals", "indexing", "products"])
def test_docstring_examples_run(module):
    flags = doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS
    result = doctest.testmod(module, optionflags=flags, report=False)
    assert result.attempted > 0 and result.failed == 0


@pytest.mark.parametrize("k", [-2, -1, 0, 1, 3])
def test_tril_triu_are_batched_over_leading_axes_as_numpy(k):
    np.testing.assert_array_equal(tg.tril(leaf(A), k).numpy(), np.tril(A, k))
    np.testing.assert_array_equal(tg.triu(leaf(A), diagonal=k).numpy(), np.triu(A, k))
    # the gradient is the same mask: ones where the value was kept
    np.testing.assert_array_equal(_grad(lambda x: tg.tril(x, k), A), np.tril(np.ones_like(A), k))


def test_tril_of_a_vector_repeats_it_as_rows_as_numpy():
    v = np.array([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(tg.tril(leaf(v)).numpy(), np.tril(v))
    np.testing.assert_array_equal(_grad(tg.triu, v), np.triu(np.ones((3, 3))).sum(0))


def test_tril_keeps_float32_and_zeroes_nan_above_the_diagonal():
    x = tg.tensor(np.array([[1.0, np.nan], [2.0, 3.0]], dtype=np.float32))
    out = tg.tril(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), [[1.0, 0.0], [2.0, 3.0]])


@pytest.mark.parametrize("offset, a1, a2", [(0, 0, 1), (1, 0, 1), (-1, 0, 2), (2, 2, 1),
                                            (0, -1, -2), (5, 0, 1)])
def test_diagonal_matches_numpy_and_its_gradient_lands_on_the_diagonal(offset, a1, a2):
    ref = np.diagonal(A, offset, a1, a2)
    np.testing.assert_array_equal(tg.diagonal(leaf(A), offset, a1, a2).numpy(), ref)
    np.testing.assert_array_equal(
        tg.diagonal(leaf(A), offset, dim1=a1, dim2=a2).numpy(), ref)
    w = RNG.standard_normal(ref.shape)
    expected = np.zeros_like(A)
    view = np.moveaxis(expected, (a1, a2), (-2, -1))
    n = ref.shape[-1]
    rows = np.arange(n) + max(-offset, 0)
    view[..., rows, rows + offset] = w
    np.testing.assert_array_equal(_grad(lambda x: tg.diagonal(x, offset, a1, a2), A, w),
                                  expected)


def test_diag_builds_and_reads_diagonals_as_numpy():
    v = np.array([1.0, -2.0, 3.0])
    m = RNG.standard_normal((3, 5))
    for k in (-2, 0, 1):
        np.testing.assert_array_equal(tg.diag(leaf(v), k).numpy(), np.diag(v, k))
        np.testing.assert_array_equal(tg.diag(leaf(m), diagonal=k).numpy(), np.diag(m, k))
    np.testing.assert_array_equal(_grad(lambda x: tg.diag(x, 1), v), np.ones(3))


@pytest.mark.parametrize("offset, a1, a2", [(0, 0, 1), (1, 2, 1), (-1, 0, 2)])
def test_trace_matches_numpy(offset, a1, a2):
    np.testing.assert_allclose(tg.trace(leaf(A), offset, a1, a2).numpy(),
                               np.trace(A, offset, a1, a2))
    np.testing.assert_allclose(leaf(A[0]).trace().numpy(), np.trace(A[0]))


def test_diag_embed_matches_torch():
    torch = pytest.importorskip("torch")
    x = RNG.standard_normal((2, 3))
    for offset, d1, d2 in [(0, -2, -1), (1, 0, 2), (-2, 2, 0)]:
        ours = tg.diag_embed(leaf(x), offset, d1, d2).numpy()
        theirs = torch.diag_embed(torch.from_numpy(x), offset, d1, d2).numpy()
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.parametrize("indices, axis", [([5, 0, -1, 5], None), ([[1, 1], [0, 2]], 1),
                                           (-1, 0), ([], 2), (np.array([3, 3, 0]), -1)])
def test_take_matches_numpy_and_repeated_indices_accumulate(indices, axis):
    ref = np.take(A, indices, axis=axis)
    out = tg.take(leaf(A), indices, axis=axis)
    assert out.shape == ref.shape
    np.testing.assert_array_equal(out.numpy(), ref)
    w = RNG.standard_normal(ref.shape)
    expected = np.zeros(A.size if axis is None else A.shape)
    if axis is None:
        np.add.at(expected, np.asarray(indices, int), w)
        expected = expected.reshape(A.shape)
    else:
        np.add.at(expected, (slice(None),) * (axis % 3) + (np.asarray(indices, int),), w)
    np.testing.assert_allclose(_grad(lambda x: tg.take(x, indices, axis=axis), A, w),
                               expected)


@pytest.mark.parametrize("shape, axis", [((2, 5, 4), 1), ((2, 1, 4), 2), ((1, 3, 3), -1),
                                         ((2, 3, 4), 0), ((5,), None)])
def test_take_along_axis_matches_numpy(shape, axis):
    idx = RNG.integers(0, 2, size=shape)
    ref = np.take_along_axis(A, idx, axis)
    out = tg.take_along_axis(leaf(A), tg.tensor(idx), axis)
    np.testing.assert_array_equal(out.numpy(), ref)
    if axis is not None:
        np.testing.assert_array_equal(tg.take_along_dim(leaf(A), idx, dim=axis).numpy(), ref)


def test_gather_and_scatter_add_match_torch_with_negative_dims_and_repeats():
    torch = pytest.importorskip("torch")
    idx = np.array([[[0, 0, 3], [1, 1, 1]], [[2, 2, 2], [3, 0, 0]]])    # (2, 2, 3)
    src = RNG.standard_normal(idx.shape)
    x = leaf(A)
    s = leaf(src)
    w = RNG.standard_normal(idx.shape)
    g = tg.gather(x, -1, idx)
    (g * tg.tensor(w)).sum().backward()
    tx = torch.tensor(A, requires_grad=True)
    tg_ = torch.gather(tx, -1, torch.from_numpy(idx))
    (tg_ * torch.from_numpy(w)).sum().backward()
    np.testing.assert_allclose(g.numpy(), tg_.detach().numpy())
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())    # repeats accumulate
    # scatter_add: input passes g through, src gets g gathered
    x, ts = leaf(A), torch.tensor(src, requires_grad=True)
    tx = torch.tensor(A, requires_grad=True)
    out = tg.scatter_add(x, -1, idx, s)
    ref = torch.scatter_add(tx, -1, torch.from_numpy(idx), ts)
    np.testing.assert_allclose(out.numpy(), ref.detach().numpy())
    wo = RNG.standard_normal(A.shape)
    (out * tg.tensor(wo)).sum().backward()
    (ref * torch.from_numpy(wo)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy())
    np.testing.assert_allclose(s.grad.numpy(), ts.grad.numpy())


def test_index_add_accumulates_repeated_indices_and_scales_by_alpha():
    x = np.zeros((4, 2))
    src = np.arange(6.0).reshape(3, 2)
    out = tg.index_add(leaf(x), 0, tg.tensor([1, 1, 3]), leaf(src), alpha=0.5)
    np.testing.assert_array_equal(out.numpy(), [[0, 0], [1, 2], [0, 0], [2, 2.5]])
    s = leaf(src)
    w = RNG.standard_normal((4, 2))
    (tg.index_add(tg.tensor(x), -2, [1, 1, 3], s, alpha=0.5) * tg.tensor(w)).sum().backward()
    np.testing.assert_array_equal(s.grad.numpy(), 0.5 * w[[1, 1, 3]])


def test_index_select_and_select_match_numpy_indexing():
    np.testing.assert_array_equal(tg.index_select(leaf(A), -1, [3, 0, 3]).numpy(),
                                  A[..., [3, 0, 3]])
    np.testing.assert_array_equal(tg.select(leaf(A), -2, 1).numpy(), A[:, 1])
    np.testing.assert_array_equal(leaf(A).select(0, -1).numpy(), A[-1])
    g = _grad(lambda x: tg.index_select(x, 1, [2, 2]), A)
    np.testing.assert_array_equal(g[:, 2], 2 * np.ones((2, 4)))


def test_masked_fill_value_tensor_gets_the_filled_gradient():
    x = leaf(A)
    mask = A > 0
    v = tg.tensor(np.array(0.25), requires_grad=True)
    out = tg.masked_fill(x, mask, v)
    np.testing.assert_array_equal(out.numpy(), np.where(mask, 0.25, A))
    out.sum().backward()
    assert v.grad.item() == mask.sum()
    np.testing.assert_array_equal(x.grad.numpy(), ~mask)
    # a mask that broadcasts to the input, and an integer input keeps its dtype
    ints = tg.tensor(np.arange(6).reshape(2, 3))
    filled = ints.masked_fill(np.array([True, False, True]), -1)
    assert filled.dtype == np.int64
    np.testing.assert_array_equal(filled.numpy(), [[-1, 1, -1], [-1, 4, -1]])
    f32 = tg.tensor(np.ones(2, dtype=np.float32))
    assert tg.masked_fill(f32, np.array([True, False]), tg.tensor(np.array(2.0))).dtype \
        == np.float32


def test_scatter_writes_values_and_a_number():
    x = np.zeros((2, 3))
    out = tg.scatter(leaf(x), 1, [[2], [0]], value=7.0)
    np.testing.assert_array_equal(out.numpy(), [[0, 0, 7], [7, 0, 0]])
    src = leaf(np.arange(6.0).reshape(2, 3))
    out = tg.scatter(leaf(x), 0, [[1, 0, 1]], src)
    np.testing.assert_array_equal(out.numpy(), [[0, 1, 0], [0, 0, 2]])
    out.sum().backward()
    np.testing.assert_array_equal(src.grad.numpy(), [[1, 1, 1], [0, 0, 0]])


# ------------------------------------------------------------------ products

B = RNG.standard_normal((4, 3))


@pytest.mark.parametrize("a, b", [(A, B.T), (B, B[0]), (B[0], B[1]), (np.array(2.0), B)])
def test_inner_matches_numpy(a, b):
    np.testing.assert_allclose(tg.inner(leaf(a), leaf(b)).numpy(), np.inner(a, b))


def test_vdot_flattens_as_numpy():
    np.testing.assert_allclose(tg.vdot(leaf(A), leaf(A.reshape(4, 6))).numpy(),
                               np.vdot(A, A.reshape(4, 6)))


@pytest.mark.parametrize("sb, axes", [((5,), 0), ((4, 5), 1), ((3, 4, 5), 2),
                                        ((4, 3, 2), ([1, 2], [1, 0])), ((3, 2), ([1], [0])),
                                        ((2, 4), (2, 1))])
def test_tensordot_matches_numpy(sb, axes):
    b = RNG.standard_normal(sb)
    np.testing.assert_allclose(tg.tensordot(leaf(A), leaf(b), axes).numpy(),
                               np.tensordot(A, b, axes))
    np.testing.assert_allclose(tg.tensordot(leaf(A), leaf(b), dims=axes).numpy(),
                               np.tensordot(A, b, axes))


def test_larger_src_is_read_only_where_index_reaches():
    src = leaf(np.arange(6.0).reshape(2, 3))
    out = tg.scatter_add(tg.zeros(3, dtype=np.float64), 0, [2, 2], src[0]) + \
        tg.scatter_add(tg.zeros((1, 3), dtype=np.float64), 1, [[0, 0]], src)
    np.testing.assert_array_equal(out.numpy(), [[1, 0, 1]])
    out.sum().backward()
    np.testing.assert_array_equal(src.grad.numpy(), [[2, 2, 0], [0, 0, 0]])


@pytest.mark.parametrize("sa, sb", [((2, 3), (2, 2)), ((3,), (2, 2)), ((2, 1, 2), (3, 2)),
                                    ((), (2, 3)), ((2,), ())])
def test_kron_matches_numpy(sa, sb):
    a, b = RNG.standard_normal(sa), RNG.standard_normal(sb)
    np.testing.assert_allclose(tg.kron(leaf(a), leaf(b)).numpy(), np.kron(a, b))


def test_cross_follows_numpy_axes_and_torch_dims():
    torch = pytest.importorskip("torch")
    a, b = RNG.standard_normal((3, 2)), RNG.standard_normal((4, 1, 3))
    np.testing.assert_allclose(tg.cross(leaf(a), leaf(b), axisa=0).numpy(),
                               np.cross(a, b, axisa=0))
    np.testing.assert_allclose(tg.cross(leaf(a), leaf(b), axisa=0, axisc=0).numpy(),
                               np.cross(a, b, axisa=0, axisc=0))
    c, d = RNG.standard_normal((3, 3)), RNG.standard_normal((3, 3))
    np.testing.assert_allclose(tg.cross(leaf(c), leaf(d), axis=0).numpy(),
                               np.cross(c, d, axis=0))
    # without dim, torch.cross takes the first axis of size 3
    with pytest.warns(UserWarning):
        ref = torch.cross(torch.from_numpy(c), torch.from_numpy(d)).numpy()
    np.testing.assert_allclose(tg.cross(leaf(c), leaf(d)).numpy(), ref)
    np.testing.assert_allclose(leaf(c).cross(leaf(d), dim=-1).numpy(), np.cross(c, d))


def test_mm_bmm_and_t_match_torch_shapes():
    x, y = leaf(B), leaf(B.T)
    np.testing.assert_allclose(tg.mm(x, y).numpy(), B @ B.T)
    np.testing.assert_allclose(x.mm(y).numpy(), B @ B.T)
    bx = RNG.standard_normal((2, 5, 3))
    np.testing.assert_allclose(leaf(bx).bmm(leaf(A)).numpy(), bx @ A)
    assert leaf(B).t().shape == (3, 4) and leaf(B[0]).t().shape == (3,)


# ------------------------------------------------------------------ errors

@pytest.mark.parametrize("call, kind, phrase", [
    (lambda x: tg.take(x, [24]), IndexError, "take: indices holds 24"),
    (lambda x: tg.take(x, [0.5]), TypeError, "take: indices must hold integers"),
    (lambda x: tg.take_along_axis(x, np.zeros((2, 3), int), 1), ValueError,
     "take_along_axis: indices must have as many dimensions"),
    (lambda x: tg.gather(x, 0, np.array([[[2]]])), IndexError, "gather: index holds 2"),
    (lambda x: tg.gather(x, 0, np.array([[[-1]]])), IndexError, "gather: index holds -1"),
    (lambda x: tg.gather(x, 1, np.zeros((2, 3, 4))), TypeError,
     "gather: index must hold integers, got dtype float64"),
    (lambda x: tg.gather(x, 1, np.zeros((2, 3), int)), ValueError,
     "gather: index must have as many dimensions"),
    (lambda x: tg.gather(x, 1, np.zeros((3, 1, 1), int)), ValueError,
     "gather: index of shape (3, 1, 1) is larger"),
    (lambda x: tg.gather(x, 3, np.zeros((1, 1, 1), int)), IndexError, "gather: dim 3"),
    (lambda x: tg.scatter_add(x, 0, np.zeros((1, 2, 2), int), tg.ones((1, 1, 2))),
     ValueError, "scatter_add: src of shape (1, 1, 2)"),
    (lambda x: tg.index_add(x, 1, [0, 1], tg.ones((2, 3, 4))), ValueError,
     "index_add: source of shape (2, 3, 4)"),
    (lambda x: tg.index_add(x, 1, [3], tg.ones((2, 1, 4))), IndexError,
     "index_add: index holds 3"),
    (lambda x: tg.index_select(x, 0, [[0]]), ValueError, "index_select: index must be 1-D"),
    (lambda x: tg.index_select(x, 0, [True]), TypeError, "index_select: index must hold"),
    (lambda x: tg.select(x, 2, 4), IndexError, "select: index 4 out of range"),
    (lambda x: tg.masked_fill(x, np.ones((2, 3, 4)), 0.0), TypeError,
     "masked_fill: mask must be a bool"),
    (lambda x: tg.masked_fill(x, np.ones((3, 3), bool), 0.0), ValueError,
     "masked_fill: shapes (3, 3) and (2, 3, 4)"),
    (lambda x: tg.masked_fill(x, np.ones(4, bool), tg.ones(2)), ValueError,
     "masked_fill: value must be a number or a 0-d tensor"),
    (lambda x: tg.diagonal(x, 0, 1, -2), ValueError, "diagonal: axis1 and axis2"),
    (lambda x: tg.diag(x), ValueError, "diag: x must be 1-D or 2-D"),
    (lambda x: tg.trace(x[0, 0]), ValueError, "trace: x must have at least 2 dimensions"),
    (lambda x: tg.tril(x, 0.5), TypeError, "tril: diagonal must be an int"),
    (lambda x: tg.mm(x[0], x[0]), ValueError, "mm: shapes (3, 4) and (3, 4) cannot be "
     "multiplied (3x4 and 3x4)"),
    (lambda x: tg.mm(x, x[0]), ValueError, "mm: shapes (2, 3, 4) and (3, 4) must both"),
    (lambda x: tg.bmm(x, tg.ones((3, 4, 2))), ValueError,
     "bmm: shapes (2, 3, 4) and (3, 4, 2) cannot be multiplied"),
    (lambda x: tg.inner(x, tg.ones(3)), ValueError, "inner: shapes (2, 3, 4) and (3,)"),
    (lambda x: tg.vdot(x, tg.ones(3)), ValueError, "vdot: shapes (2, 3, 4) and (3,)"),
    (lambda x: tg.tensordot(x, tg.ones((3, 2)), axes=([2], [0])), ValueError,
     "tensordot: shapes (2, 3, 4) and (3, 2) do not match"),
    (lambda x: tg.tensordot(x, x, axes="ij"), TypeError, "tensordot: axes must be"),
    (lambda x: tg.cross(x, x, dim=-1), ValueError, "cross: input must have size 3"),
    (lambda x: tg.cross(x, x, 1, axis=1), TypeError, "cross: give dim"),
])
def test_errors_name_the_function_and_the_argument(call, kind, phrase):
    with pytest.raises(kind, match=re.escape(phrase)):
        call(leaf(A))


def test_put_along_axis_writes_in_place_as_numpy_and_records_the_write():
    idx = np.array([[1], [0], [3]])
    for axis, ind in [(1, idx), (0, np.array([[2, 0, 1, 1]])), (None, np.array([11, 0, -1]))]:
        ref = A[0].copy()
        np.put_along_axis(ref, ind, -1.0, axis)
        t = tg.tensor(A[0].copy())
        assert tg.put_along_axis(t, ind, -1.0, axis) is None
        np.testing.assert_array_equal(t.numpy(), ref)
    v = tg.tensor(np.array([[7.0], [8.0], [9.0]]), requires_grad=True)
    base = leaf(A[0])
    t = base * 1.0
    tg.put_along_axis(t, idx, v, axis=1)
    (t * tg.tensor(A[1])).sum().backward()
    np.testing.assert_array_equal(v.grad.numpy(), np.take_along_axis(A[1], idx, 1))
    expected = np.ones((3, 4))
    np.put_along_axis(expected, idx, 0.0, 1)
    np.testing.assert_array_equal(base.grad.numpy(), expected * A[1])
    with pytest.raises(TypeError, match="put_along_axis: arr must be a Tensor"):
        tg.put_along_axis(A[0], idx, 1.0, 1)
