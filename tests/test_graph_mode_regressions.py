"""Graph-mode regressions found by the docs."""
import numpy as np

import tapegrad as tg


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
