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
