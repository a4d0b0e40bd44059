"""A view taken before a recorded in-place write to its base: its history is out of date.

The view's values change with the base, but its recorded history still points at the
base's history from before the write, so a gradient through it would be silently wrong.
tapegrad rebuilds such a view from the written base when it is used, as PyTorch
regenerates views; a view it cannot rebuild (elements that are parts of the base's, as
view_as_real's) is refused while grad mode is on.
"""
import numpy as np
import pytest

import tapegrad as tg


def _leaf():
    return tg.tensor(np.array([1.0, 2.0, 3.0, 4.0]), requires_grad=True)


VIEWS = {
    "slice": lambda h: h[0:2],
    "int index": lambda h: h[1],
    "reshape": lambda h: h.reshape(2, 2),
    "transpose of a reshape": lambda h: h.reshape(2, 2).T,
    "view of a view": lambda h: h[1:][0:2],
    "expand_dims": lambda h: tg.expand_dims(h, 0),
}

WRITES = {
    "mul_": lambda h, x: h.mul_(2),
    "add_": lambda h, x: h.add_(x),
    "setitem": lambda h, x: h.__setitem__(0, x[1] * 3),
}


@pytest.mark.parametrize("write", WRITES, ids=list(WRITES))
@pytest.mark.parametrize("view", VIEWS, ids=list(VIEWS))
def test_a_view_taken_before_a_recorded_write_to_its_base_follows_the_write(view, write):
    """PyTorch regenerates such a view from its base: its values and its gradient are
    those of the written base (checked against central differences)."""
    rng = np.random.default_rng(0)

    def f(x):
        h = x * 1
        v = VIEWS[view](h)
        WRITES[write](h, x)
        return (v * tg.tensor(w)).sum()

    with tg.no_grad():
        w = rng.standard_normal(VIEWS[view](tg.zeros(4, dtype=tg.float64)).shape)
    assert tg.gradcheck(f, (_leaf(),))
    x = _leaf()
    h = x * 1
    v = VIEWS[view](h)
    WRITES[write](h, x)
    np.testing.assert_array_equal(v.detach().numpy(), VIEWS[view](h).detach().numpy())


def test_a_view_that_cannot_be_rebuilt_raises_naming_the_op_and_the_line_of_the_write():
    # view_as_real's elements are halves of the base's: no gather from the base gives it
    x = tg.tensor(np.array([1.0 + 1j, 2.0 - 1j]), requires_grad=True)
    h = x * 1
    v = tg.view_as_real(h)
    h.mul_(2)   # the line the message points at
    with pytest.raises(RuntimeError, match="view's recorded history is out of date") as e:
        tg.exp(v)
    assert "exp: input 0" in str(e.value)
    assert "test_stale_views.py" in str(e.value)


def test_a_view_of_a_constant_that_gets_a_tracked_value_follows_it():
    x = _leaf()
    c = tg.zeros(4, dtype=tg.float64)
    v = c[0:2]
    c[0] = x[1] * 5                 # c now has a history; v is rebuilt from it
    (v * 2).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 10.0, 0.0, 0.0])


def test_a_view_taken_after_the_write_gives_the_right_gradient():
    x = _leaf()
    h = x * 1
    h.mul_(2)
    v = h[0:2]
    (v * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 2.0, 0.0, 0.0])


def test_a_stale_view_still_reads_the_current_values_under_no_grad():
    x = _leaf()
    h = x * 1
    v = h[0:2]
    h.mul_(2)
    with tg.no_grad():
        np.testing.assert_array_equal((v * 1).numpy(), [2.0, 4.0])


def test_writes_under_no_grad_do_not_make_views_stale():
    # an untracked write changes values, not history: PyTorch keeps using the view too
    x = _leaf()
    h = x * 1
    v = h[0:2]
    with tg.no_grad():
        h[3] = 10.0
    (v * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0, 0.0, 0.0])


def test_the_written_tensor_itself_stays_usable():
    x = _leaf()
    h = x * 1
    _ = h[0:2]
    h.mul_(3)
    (h * 1).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [3.0] * 4)


def test_a_long_lived_base_does_not_keep_a_reference_per_view_ever_taken():
    w = tg.tensor(np.ones((3, 3)), requires_grad=True)
    for _ in range(5000):
        (w.T * 1).sum()
    assert len(w._vc.x[0]) < 200
