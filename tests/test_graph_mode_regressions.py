"""Graph-mode regressions found by the docs."""
import numpy as np

import tapegrad as tg
import pytest
from tapegrad.function.trace import TraceError, TraceWarning


def test_while_loop_starting_from_a_tensor_the_body_also_reads():
    @tg.function
    def sqrt_newton(a):
        (r,) = tg.while_loop(lambda r: tg.abs(r * r - a) > 1e-12,
                             lambda r: (0.5 * (r + a / r),), (a,))
        return r

    x = tg.tensor(np.float64(2.0), requires_grad=True)
    y = sqrt_newton(x)
    assert abs(y.item() - np.sqrt(2.0)) < 1e-12
    y.backward()
    assert abs(x.grad.item() - 0.5 / np.sqrt(2.0)) < 1e-9


def test_a_replay_follows_train_and_eval_of_the_modules_it_called():
    # Dropout reads `training` in Python: a trace made in train mode must not be
    # replayed after eval() (that would silently keep dropping units)
    from tapegrad import nn
    tg.manual_seed(0)
    m = nn.Sequential(nn.Linear(4, 4), nn.Dropout(0.5))
    f = tg.function(lambda x: m(x))
    x = tg.tensor(np.ones((3, 4), np.float32))
    f(x)
    m.eval()
    np.testing.assert_array_equal(f(x).numpy(), m(x).numpy())
    assert f.trace_count == 2
    g = tg.function(lambda x: tg.cond(x.sum() > 0, lambda: m(x), lambda: m(-x)))
    m.train()
    g(x)
    m.eval()
    np.testing.assert_array_equal(g(x).numpy(), m(x).numpy())


def test_writes_to_outside_tensors_happen_once_per_call():
    # the trace used to make the write and the eager run made it again: 2 after call 1
    state = tg.zeros(3)
    counter = tg.Variable(0.0)
    v = tg.Variable(np.zeros(3, np.float32))

    @tg.function
    def f(x):
        state.add_(x)
        v.assign_add(x)
        counter.assign_add(1.0)
        return (x * 2).sum()

    x = tg.ones(3)
    with pytest.warns(TraceWarning, match="runs eagerly"):
        f(x)
    np.testing.assert_array_equal(state.numpy(), [1, 1, 1])
    np.testing.assert_array_equal(v.numpy(), [1, 1, 1])
    for _ in range(2):
        f(x)
    np.testing.assert_array_equal(state.numpy(), [3, 3, 3])
    assert counter.numpy() == 3.0


def test_a_refused_trace_leaves_outside_tensors_as_they_were():
    state = tg.tensor([1.0, 2.0])

    def writes(x):
        state.zero_()
        y = x * 1.0
        y[0] = 5.0                      # refused: a write to a traced tensor
        return y

    with pytest.raises(TraceError, match="in place"):
        tg.function(writes)(tg.tensor([1.0, 2.0]))
    np.testing.assert_array_equal(state.numpy(), [1.0, 2.0])
