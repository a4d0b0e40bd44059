"""A transform inside a tg.function/tg.jit trace, of values that are not the trace's own
inputs (Python numbers), is refused (tg.jit then runs eagerly): its derivative would not
pass through traced control flow and read 0 silently."""
import numpy as np
import pytest

import tapegrad as tg


def _cond(x):
    return tg.cond(x > 0, lambda: x * x, lambda: x)


def _loop(x):
    return tg.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * x),
                         (0, tg.ones_like(x)))[1]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("make", [
    lambda f: tg.grad(f),
    lambda f: tg.jacrev(f),
    lambda f: tg.jacfwd(f),
    lambda f: (lambda x: tg.vjp(f, x)[1](tg.tensor(1.0, dtype=tg.float64))[0]),
], ids=["grad", "jacrev", "jacfwd", "vjp"])
def test_jit_of_a_transform_through_control_flow_at_a_python_float(make):
    for f, x, want in ((_cond, 2.0, 4.0), (_cond, -2.0, 1.0), (_loop, 2.0, 12.0)):
        got = tg.jit(make(f))(x)
        assert float(np.asarray(got.numpy())) == want


def test_tg_function_says_it_cannot_trace_it():
    with pytest.raises(tg.function.TraceError if hasattr(tg.function, "TraceError")
                       else TypeError, match="not the traced function's inputs"):
        tg.function(tg.grad(_cond))(2.0)


@pytest.mark.filterwarnings("ignore")
def test_tensor_inputs_still_trace():
    f = tg.function(tg.jacfwd(_cond))
    assert f(tg.tensor(2.0)).item() == 4.0 and f(tg.tensor(-3.0)).item() == 1.0
