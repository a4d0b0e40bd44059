"""Edge conventions of API.md: branches not taken, fully masked rows, norm at zero."""
import numpy as np
import pytest

import tapegrad as tg


def leaf(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


@pytest.fixture(autouse=True)
def _quiet():
    with np.errstate(divide="ignore", invalid="ignore"):
        yield


# ------------------------------------------------------------------ branches not taken

def test_where_keeps_a_nan_branch_out_of_the_gradient():
    x = leaf([-1.0, 4.0])
    tg.where(x > 0, tg.sqrt(x), 0.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.25])


def test_where_keeps_an_inf_branch_out_of_the_gradient():
    x = leaf([0.0, 2.0])
    tg.where(x > 0, tg.log(x), x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 0.5])


def test_where_keeps_the_untaken_branch_out_of_second_derivatives():
    x = leaf([0.0, 2.0])
    y = tg.where(x > 0, tg.log(x), x * x).sum()
    (g,) = tg.autograd.grad(y, x, create_graph=True)
    (h,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_array_equal(h.numpy(), [2.0, -0.25])


def test_where_keeps_the_untaken_branch_out_of_forward_mode():
    x = tg.tensor(np.array([-1.0, 4.0]))
    _, dout = tg.jvp(lambda t: tg.where(t > 0, tg.sqrt(t), 0.0), (x,),
                     (tg.tensor(np.ones(2)),))
    np.testing.assert_array_equal(dout.numpy(), [0.0, 0.25])


def test_clip_keeps_an_inf_out_of_the_gradient():
    x = leaf([0.0, 1.5])
    tg.clip(tg.log(x), -1.0, 1.0).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 1 / 1.5])


@pytest.mark.parametrize("fn", [tg.maximum, tg.minimum], ids=["maximum", "minimum"])
def test_maximum_minimum_keep_an_inf_out_of_the_gradient(fn):
    x = leaf([0.0, 2.0])
    other = -1.0 if fn is tg.maximum else 10.0
    sign = 1.0 if fn is tg.maximum else -1.0
    # the losing side at x = 0 is log(0) = -inf (maximum) or 1/log(1) = inf (minimum)
    branch = tg.log(x) if fn is tg.maximum else 1.0 / tg.log(x + 1.0)
    fn(branch, other).sum().backward()
    assert np.all(np.isfinite(x.grad.numpy())), x.grad
    assert x.grad.numpy()[0] == 0.0
    assert np.sign(x.grad.numpy()[1]) == sign


# ------------------------------------------------------------------ fully masked rows

MASKED = np.array([[-np.inf, -np.inf, -np.inf], [0.5, -np.inf, 1.5]])


def test_logsumexp_of_an_all_minus_inf_row_has_zero_gradient():
    x = leaf(MASKED)
    y = tg.logsumexp(x, axis=1)
    assert y.numpy()[0] == -np.inf and np.isfinite(y.numpy()[1])
    y.backward(tg.tensor(np.array([1.0, 1.0])))
    g = x.grad.numpy()
    assert np.all(np.isfinite(g))
    np.testing.assert_array_equal(g[0], 0.0)
    np.testing.assert_allclose(g[1], np.exp([0.5, -np.inf, 1.5]) /
                               np.exp([0.5, 1.5]).sum())


@pytest.mark.parametrize("fn", [tg.softmax, tg.log_softmax], ids=["softmax", "log_softmax"])
def test_softmax_family_of_an_all_minus_inf_row_has_zero_gradient(fn):
    x = leaf(MASKED)
    y = fn(x)
    if fn is tg.softmax:
        np.testing.assert_array_equal(y.numpy()[0], 0.0)
        np.testing.assert_allclose(y.numpy()[1].sum(), 1.0)
    else:
        assert np.all(y.numpy()[0] == -np.inf)
    w = np.array([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]])
    tg.sum(tg.where(np.isfinite(y.numpy()), y, 0.0) * w).backward()
    g = x.grad.numpy()
    assert np.all(np.isfinite(g)), g
    np.testing.assert_array_equal(g[0], 0.0)


def test_softmax_second_derivative_on_a_masked_row_is_finite():
    x = leaf(MASKED)
    y = (tg.softmax(x) * tg.tensor(np.array([[1.0, 2.0, 3.0], [1.0, 0.0, -1.0]]))).sum()
    (g,) = tg.autograd.grad(y, x, create_graph=True)
    (h,) = tg.autograd.grad((g * g).sum(), x)
    assert np.all(np.isfinite(h.numpy()))


# ------------------------------------------------------------------ norm at zero

def test_norm_at_zero_has_gradient_zero():
    x = leaf(np.zeros(3))
    tg.norm(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), 0.0)


def test_norm_over_an_axis_with_one_zero_row():
    x = leaf([[0.0, 0.0], [3.0, 4.0]])
    tg.norm(x, axis=1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), [[0.0, 0.0], [0.6, 0.8]])


def test_norm_at_zero_has_finite_second_derivatives_and_jvp():
    x = leaf(np.zeros(3))
    (g,) = tg.autograd.grad(tg.norm(x), x, create_graph=True)
    (h,) = tg.autograd.grad(g.sum(), x)
    assert np.all(np.isfinite(h.numpy()))
    _, dout = tg.jvp(tg.norm, (tg.tensor(np.zeros(3)),), (tg.tensor(np.ones(3)),))
    assert np.isfinite(dout.item())

