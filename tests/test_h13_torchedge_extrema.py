"""max/min/amax/amin gradients with NaN and ties, against torch 2.13 (expected values
recorded from it: `torch.amax(x, 1)` etc. with the same inputs and upstream gradient)."""
import numpy as np
import pytest

import tapegrad as tg

_X = np.array([[1.0, 3.0, 3.0, np.nan], [2.0, 2.0, 1.0, 0.5], [np.nan, np.nan, 1.0, 1.0],
               [5.0, 5.0, 5.0, 1.0]])
_N = np.nan


def _grad(f, x=_X):
    t = tg.tensor(x.copy(), requires_grad=True)
    y = f(t)
    y.backward(tg.tensor(np.arange(1, y.numel() + 1, dtype=float).reshape(y.shape)))
    return y.numpy(), t.grad.numpy()


def test_amax_over_a_slice_with_nan_gives_that_slice_nan():
    # torch: the tied share is mask / mask.sum(); nothing equals NaN, so 0/0
    y, g = _grad(lambda t: tg.amax(t, 1))
    np.testing.assert_array_equal(y, [_N, 2.0, _N, 5.0])
    np.testing.assert_allclose(g, [[_N] * 4, [1, 1, 0, 0], [_N] * 4, [4 / 3] * 3 + [0]])
    y, g = _grad(lambda t: tg.amin(t, 0))
    np.testing.assert_allclose(g, [[_N, _N, 0, _N], [_N, _N, 1.5, _N], [_N, _N, 1.5, _N],
                                   [_N, _N, 0, _N]])
    _, g = _grad(lambda t: tg.amax(t))
    assert np.isnan(g).all()
    _, g = _grad(lambda t: t.amax(dim=(0, 1)))
    assert np.isnan(g).all()


def test_max_of_the_whole_tensor_with_nan_shares_among_the_nans():
    # torch.max(x) (no dim): evenly_distribute_backward over the NaN elements
    for f in (tg.max, tg.min, lambda t: t.max(), lambda t: t.min()):
        y, g = _grad(f)
        assert np.isnan(y) and y.dtype == np.float64
        want = np.zeros((4, 4))
        want[0, 3] = want[2, 0] = want[2, 1] = 1 / 3
        np.testing.assert_allclose(g, want, rtol=1e-15)
    t = tg.tensor(_X.astype(np.float32), requires_grad=True)
    y = tg.max(t)
    assert y.dtype == np.float32 and y.requires_grad and y.shape == ()


def test_max_without_nan_still_splits_ties():
    y, g = _grad(tg.max, np.array([[1.0, 3.0], [3.0, 1.0]]))
    assert y == 3.0
    np.testing.assert_array_equal(g, [[0, 0.5], [0.5, 0]])


def test_max_with_a_dim_gives_the_returned_index_even_for_nan():
    _, g = _grad(lambda t: tg.max(t, 1)[0])
    np.testing.assert_array_equal(g, [[0, 0, 0, 1], [2, 0, 0, 0], [3, 0, 0, 0],
                                      [4, 0, 0, 0]])


def test_forward_mode_of_amax_over_a_nan_slice_is_nan():
    x = tg.tensor(_X[:2])
    _, t = tg.jvp(lambda v: tg.amax(v, 1), (x,), (tg.ones_like(x),))
    np.testing.assert_array_equal(np.isnan(t.numpy()), [True, False])
    assert t.numpy()[1] == 1.0


def test_maximum_with_nan_keeps_the_api_md_edge_convention():
    # Intended difference, API.md "Edge conventions": maximum/minimum never pass a NaN or
    # inf from the branch not taken into a gradient, and tests/test_numerics.py fixes
    # d/dx maximum(log(x), -1) = 0 at x = -1 (log(-1) is NaN). So where x is NaN (or
    # y is), x gets nothing and y the whole gradient; torch.maximum gives both sides
    # all of it (x.grad and y.grad [1, 1] here, torch 2.13).
    x = tg.tensor([np.nan, 1.0], requires_grad=True)
    y = tg.tensor([0.0, np.nan], requires_grad=True)
    tg.maximum(x, y).sum().backward()
    assert x.grad.tolist() == [0.0, 0.0] and y.grad.tolist() == [1.0, 1.0]


@pytest.mark.parametrize("name", ["max", "min"])
def test_max_of_nan_free_input_under_vmap_is_unchanged(name):
    x = tg.tensor([[1.0, 2.0], [4.0, 3.0]])
    out = tg.vmap(getattr(tg, name))(x)
    assert out.tolist() == ([2.0, 4.0] if name == "max" else [1.0, 3.0])
