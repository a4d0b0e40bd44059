"""Errors that point at the line, and explain_grad."""
import warnings

import numpy as np
import pytest

import tapegrad as tg

HERE = __file__


def line_of(marker):
    with open(HERE) as f:
        for i, text in enumerate(f, 1):
            if marker in text and "line_of" not in text:
                return i
    raise AssertionError(marker)


def test_inplace_error_names_op_and_both_lines():
    v = tg.Variable([1.0, 2.0])
    y = tg.sum(v * v)                       # SAVED-HERE
    v.assign([3.0, 3.0])                    # MODIFIED-HERE
    with pytest.raises(RuntimeError) as info:
        y.backward()
    msg = str(info.value)
    assert "MulBackward" in msg
    assert f"test_explain.py:{line_of('SAVED-HERE')}" in msg
    assert f"test_explain.py:{line_of('MODIFIED-HERE')}" in msg


def test_saved_output_modified_in_place_is_caught():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = tg.exp(x)
    h[1] = 5.0                              # modifies ExpBackward's saved output
    with pytest.raises(RuntimeError) as info:
        tg.sum(h).backward()
    assert "ExpBackward" in str(info.value)
    assert f"test_explain.py:{line_of('modifies ExpBackward')}" in str(info.value)


def test_freed_graph_error_names_the_carried_tensor_and_suggests_detach():
    w = tg.tensor([0.5, 0.5], requires_grad=True)
    h = tg.tensor([1.0, 1.0])
    with pytest.raises(RuntimeError) as info:
        for _ in range(2):
            h = tg.tanh(h * w)              # CARRIED-OVER
            tg.sum(h).backward()
    msg = str(info.value)
    assert "retain_graph" in msg and ".detach()" in msg
    assert f"test_explain.py:{line_of('CARRIED-OVER')}" in msg


def test_detach_fixes_the_loop():
    w = tg.tensor([0.5, 0.5], requires_grad=True)
    h = tg.tensor([1.0, 1.0])
    for _ in range(3):
        h = tg.tanh(h.detach() * w)
        tg.sum(h).backward()
    assert w.grad is not None


def test_explain_reaching_path():
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    y = tg.sum(x * x)
    msg = tg.explain_grad(y, x)
    assert msg.startswith("source reaches target") and "AccumulateGrad" in msg


def test_explain_no_grad():
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    w = tg.tensor([1.0, 1.0], requires_grad=True)
    with tg.no_grad():
        h = x * 3                           # NO-GRAD-LINE
    msg = tg.explain_grad(tg.sum(h * w), x)
    assert "no_grad" in msg and f":{line_of('NO-GRAD-LINE')}" in msg


def test_explain_detach_and_stop_gradient():
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    w = tg.tensor([1.0, 1.0], requires_grad=True)
    d = (x * 2).detach()                    # DETACH-LINE
    msg = tg.explain_grad(tg.sum(d * w), x)
    assert ".detach()" in msg and f":{line_of('DETACH-LINE')}" in msg
    s = tg.stop_gradient(x * 2)             # STOP-LINE
    msg = tg.explain_grad(tg.sum(s * w), x)
    assert "stop_gradient" in msg and f":{line_of('STOP-LINE')}" in msg


def test_explain_numpy_and_item():
    x = tg.tensor([2.0, 3.0], requires_grad=True)
    w = tg.tensor([1.0, 1.0], requires_grad=True)
    a = np.sin(x.numpy())                   # NUMPY-LINE
    msg = tg.explain_grad(tg.sum(tg.tensor(a) * w), x)
    assert ".numpy()" in msg and f":{line_of('NUMPY-LINE')}" in msg
    s = (x * x).sum().item()                # ITEM-LINE
    msg = tg.explain_grad(w * s, x)
    assert ".item()" in msg and f":{line_of('ITEM-LINE')}" in msg


def test_explain_unused_and_constant_source():
    x = tg.tensor([2.0], requires_grad=True)
    unused = tg.tensor([1.0], requires_grad=True)
    assert "never used" in tg.explain_grad(tg.sum(x * 2), unused)
    assert "does not require grad" in tg.explain_grad(tg.sum(x * 2), tg.tensor([1.0]))


def test_explain_op_outside_the_tape():
    v = tg.Variable(2.0)
    before = v * 3.0                        # OUTSIDE-LINE
    with tg.GradientTape() as tape:
        z = before * 2.0
    msg = tg.explain_grad(z, v, tape=tape)
    assert "did not record" in msg and f":{line_of('OUTSIDE-LINE')}" in msg


def test_tape_gradient_explains_none_under_debug_flag():
    x = tg.constant(2.0)
    with tg.GradientTape() as tape:
        y = x * x
    with tg.debug_none_gradients():
        with pytest.warns(tg.NoneGradientWarning, match="watch"):
            assert tape.gradient(y, x) is None
    v = tg.Variable(1.0)
    with tg.GradientTape() as tape:
        y = v * 2.0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tape.gradient(y, v)                 # no warning without the flag or a None


def test_site_recording_keeps_no_frames():
    import gc
    import weakref

    class Big:
        pass

    def make_graph():
        big = Big()
        x = tg.tensor([1.0], requires_grad=True)
        return tg.sum(x * 2.0), weakref.ref(big)

    y, ref = make_graph()
    gc.collect()
    assert ref() is None                    # the caller's locals were not kept alive
    assert y.grad_fn.site is not None


def test_plain_double_backward_says_retain_graph_not_detach():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    loss = tg.sum(x * x)
    loss.backward()
    with pytest.raises(RuntimeError) as info:
        loss.backward()
    msg = str(info.value)
    assert "retain_graph=True" in msg and "already called" in msg
    assert ".detach()" not in msg


def test_carried_state_names_the_op_that_computed_it():
    w = tg.tensor(0.5, requires_grad=True)
    state = tg.tensor(1.0)
    with pytest.raises(RuntimeError) as info:
        for _ in range(2):
            state = state * w + 1.0         # STATE-LINE
            tg.sum(state * state).backward()
    msg = str(info.value)
    assert "(by add)" in msg and f":{line_of('STATE-LINE')}" in msg and ".detach()" in msg


def test_strong_zero_warns_under_anomaly_mode():
    from tapegrad.ops.elementwise import StrongZeroWarning
    x = tg.tensor(np.float32(100.0), requires_grad=True)
    with tg.detect_anomaly(check_nan=False):
        with pytest.warns(StrongZeroWarning, match="overflow"):
            with np.errstate(over="ignore"):
                tg.log(1.0 + tg.exp(x)).backward()
