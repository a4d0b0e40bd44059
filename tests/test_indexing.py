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
def test_recorded_write_into_a_view_of_a_non_leaf_is_refused(make_view):
    # the base's values would change while its recorded history stayed the same
    x, w = leaf([1.0, 2.0, 3.0]), leaf(5.0)
    y = x * 1.0
    v = make_view(y)
    with pytest.raises(RuntimeError, match="clone"):
        v[0] = w
    v = make_view(y).clone()
    v[0] = w
    (v * 1.0).sum().backward()
    assert w.grad.item() == 1.0          # w landed in exactly one element


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
