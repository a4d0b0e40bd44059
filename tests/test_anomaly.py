"""detect_anomaly: NaN/inf from backward rules raise naming the op and its forward line."""
import inspect

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.autograd import anomaly
from tapegrad.autograd.anomaly import AnomalyError

# these tests make inf and nan on purpose
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _line_of(fn, text):
    """Absolute line number of the first source line of `fn` that contains `text`."""
    lines, start = inspect.getsourcelines(fn)
    for k, line in enumerate(lines):
        if text in line:
            return start + k
    raise AssertionError(text)


def sqrt_loss(x):
    y = tg.sqrt(x)                          # forward line under test
    return y.sum()


def test_sqrt_at_zero_names_the_op_and_shows_the_forward_line():
    x = tg.tensor([0.0, 4.0], requires_grad=True)
    with pytest.raises(RuntimeError) as info:
        with tg.detect_anomaly():
            sqrt_loss(x).backward()
    msg = str(info.value)
    assert isinstance(info.value, AnomalyError)
    assert "SqrtBackward returned inf" in msg and "input 0" in msg and "(2,)" in msg
    line = _line_of(sqrt_loss, "forward line under test")
    assert f'{__file__}", line {line}, in sqrt_loss' in msg
    assert "y = tg.sqrt(x)" in msg
    # the caller is on the stack too, innermost last
    assert msg.index("in test_sqrt_at_zero") < msg.index("in sqrt_loss")


def test_stack_leaves_out_tapegrad_internals():
    x = tg.tensor([0.0], requires_grad=True)
    with pytest.raises(AnomalyError) as info:
        with tg.detect_anomaly():
            (x ** 0.5).sum().backward()
    stack = str(info.value).split("most recent call last):\n")[1]
    assert "/tapegrad/ops/" not in stack and "_apply.py" not in stack
    assert "PowBackward" in str(info.value)


class NanBackward(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * float("nan")


def test_custom_function_returning_nan_is_named():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with tg.detect_anomaly():
        y = NanBackward.apply(x)            # custom forward line
        loss = (y * y).sum()
        with pytest.raises(AnomalyError) as info:
            loss.backward()
    msg = str(info.value)
    assert "NanBackwardBackward returned nan" in msg and "3 nan of 3 elements" in msg
    assert "y = NanBackward.apply(x)" in msg


def test_inf_from_a_built_in_rule_deep_in_the_graph():
    x = tg.tensor([1.0, -1.0], requires_grad=True)
    with tg.detect_anomaly():
        h = tg.tanh(x) * 3
        r = tg.sqrt(h - h)                  # sqrt(0): its gradient is inf
        loss = (r * 2 + h).sum()
        with pytest.raises(AnomalyError, match="SqrtBackward returned inf") as info:
            loss.backward()
    assert "r = tg.sqrt(h - h)" in str(info.value)


def test_without_anomaly_mode_nothing_is_checked():
    x = tg.tensor([0.0], requires_grad=True)
    with np.errstate(divide="ignore"):
        tg.sqrt(x).sum().backward()
    assert np.isinf(x.grad.numpy()).all()


def test_node_recorded_before_anomaly_mode_says_so():
    x = tg.tensor([0.0], requires_grad=True)
    y = tg.sqrt(x).sum()                     # recorded outside anomaly mode
    with pytest.raises(AnomalyError, match="recorded before anomaly detection was on") as e:
        with tg.detect_anomaly():
            y.backward()
    assert "y = tg.sqrt(x).sum()" in str(e.value)


def test_check_nan_false_only_records_stacks():
    x = tg.tensor([0.0], requires_grad=True)
    with tg.detect_anomaly(check_nan=False):
        y = tg.sqrt(x)
        y.sum().backward()
    assert np.isinf(x.grad.numpy()).all()
    site = y.grad_fn.site
    text = site if isinstance(site, str) else anomaly.format_stack(site)
    assert "y = tg.sqrt(x)" in text


def test_decorator_and_switches():
    @tg.detect_anomaly()
    def run(x):
        tg.log(x).sum().backward()

    assert not tg.autograd.is_anomaly_enabled()
    with pytest.raises(AnomalyError, match="LogBackward"):
        run(tg.tensor([0.0], requires_grad=True))
    assert not tg.autograd.is_anomaly_enabled()          # restored after the error
    with tg.autograd.set_detect_anomaly(True):
        assert tg.autograd.is_anomaly_enabled()
    assert not tg.autograd.is_anomaly_enabled()


def test_anomaly_mode_with_create_graph_and_second_order():
    x = tg.tensor([1.0, 0.0], dtype="float64", requires_grad=True)
    with tg.detect_anomaly():
        y = (x ** 3).sum()
        (g,) = tg.autograd.grad(y, x, create_graph=True)
        (gg,) = tg.autograd.grad(g.sum(), x)
    np.testing.assert_allclose(gg.numpy(), [6.0, 0.0])
    with tg.detect_anomaly():
        with pytest.raises(AnomalyError, match="SqrtBackward"):
            tg.autograd.grad(tg.sqrt(x).sum(), x, create_graph=True)


def test_in_place_error_shows_the_forward_line_in_anomaly_mode():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.detect_anomaly():
        w = x * 1.0
        y = w * w                            # saves w
        with tg.no_grad():
            w.add_(1.0)
        with pytest.raises(RuntimeError, match="modified in place") as info:
            y.sum().backward()
    line = _line_of(test_in_place_error_shows_the_forward_line_in_anomaly_mode, "saves w")
    msg = str(info.value)
    assert "y = w * w" in msg or f"{__file__}:{line}" in msg


def test_finite_gradients_pass_untouched():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with tg.detect_anomaly():
        (tg.exp(x) * x).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2.0]) * (1 + np.array([1, 2])),
                               rtol=1e-6)
