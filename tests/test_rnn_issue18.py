"""Issue 18's leftovers around the recurrent layers: slice gradients summed once
(SliceGrads), nn.Module and tg.Variable, CUDA requests, tg.function with views of
tensors changed before the call, and dropout's random stream under tg.function."""
import tracemalloc

import numpy as np
import pytest

import tapegrad as tg
from tapegrad._graph import SliceGrads
from tapegrad.function import TraceError


# ------------------------------------------------------------------ slice gradients

def test_unbind_backward_writes_one_array_not_one_per_slice():
    T, n = 200, 2000
    x = tg.tensor(np.random.default_rng(0).standard_normal((T, n)), requires_grad=True)
    y = x * 2.0
    loss = sum((s * (k + 1)).sum() for k, s in enumerate(tg.unbind(y, 0)))
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        loss.backward()
        peak = tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
    full = T * n * 8
    # a full-size zero array per slice would be T * full at once or in turn; one summed
    # array, the gradient through `* 2` and x.grad are a few
    assert peak < 6 * full
    want = 2.0 * np.arange(1, T + 1)[:, None] * np.ones((T, n))
    np.testing.assert_array_equal(x.grad.numpy(), want)


def test_slice_gradients_sum_like_dense_ones_with_overlaps_and_other_terms():
    x = tg.tensor(np.arange(12.0).reshape(4, 3), requires_grad=True)
    y = x * 1.0
    loss = (y[1:3] * 2).sum() + (y[2] * 3).sum() + (y[:, 0] * 5).sum() + (y * y).sum()
    loss.backward()
    want = 2 * np.arange(12.0).reshape(4, 3)
    want[1:3] += 2
    want[2] += 3
    want[:, 0] += 5
    np.testing.assert_array_equal(x.grad.numpy(), want)
    # the same through tg.grad, a tape, tg.function and second order
    f = lambda v: ((v * 1.0)[1:3] * 2).sum() + ((v * 1.0)[2] * 3).sum()   # noqa: E731
    g1 = tg.grad(f)(x).numpy()
    g2 = tg.grad(tg.function(f))(x).numpy()
    np.testing.assert_array_equal(g1, g2)
    h = tg.grad(lambda v: (tg.grad(lambda u: ((u * u)[1:3]).sum())(v) ** 2).sum())(x)
    want_h = np.zeros((4, 3))
    want_h[1:3] = 8 * np.arange(12.0).reshape(4, 3)[1:3]
    np.testing.assert_allclose(h.numpy(), want_h)


def test_slice_grads_arithmetic_and_hooks_see_plain_arrays():
    a = SliceGrads((3, 2), (1,), np.array([1.0, 2.0]))
    b = SliceGrads((3, 2), (slice(0, 2),), np.ones((2, 2)))
    s = a + b
    assert s.shape == (3, 2) and s.ndim == 2
    np.testing.assert_array_equal(np.asarray(s), [[1, 1], [2, 3], [0, 0]])
    dense = np.full((3, 2), 10.0)
    np.testing.assert_array_equal(dense + SliceGrads((3, 2), (2,), np.array([1.0, 1.0])),
                                  [[10, 10], [10, 10], [11, 11]])
    assert dense[0, 0] == 10.0                  # the operand is never written
    seen = []
    x = tg.tensor(np.zeros((3, 2)), requires_grad=True)
    y = x * 1.0
    y.register_hook(lambda g: seen.append(type(g)))
    (y[0].sum() + y[2].sum()).backward()
    assert seen == [tg.Tensor]
    np.testing.assert_array_equal(x.grad.numpy(), [[1, 1], [0, 0], [1, 1]])


def test_anomaly_mode_checks_slice_gradients():
    x = tg.tensor([1.0, 0.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="nan|inf"):
        with tg.autograd.detect_anomaly():
            (tg.log(x * 1.0)[1] * 0 + tg.sqrt(x * 1.0)[1]).backward()


def test_lstm_gradients_match_torch_through_the_fused_step():
    torch = pytest.importorskip("torch")
    tg.manual_seed(0)
    m = tg.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True,
                   dtype=tg.float64)
    t = torch.nn.LSTM(3, 4, num_layers=2, bidirectional=True, batch_first=True,
                      dtype=torch.float64)
    with torch.no_grad():
        for name, p in t.named_parameters():
            p.copy_(torch.tensor(getattr(m, name).numpy()))
    x = np.random.default_rng(1).standard_normal((2, 5, 3))
    xt, xg = torch.tensor(x, requires_grad=True), tg.tensor(x, requires_grad=True)
    out_t, (h_t, c_t) = t(xt)
    out_g, (h_g, c_g) = m(xg)
    ((out_t ** 2).sum() + h_t.sum() + (c_t * 3).sum()).backward()
    ((out_g ** 2).sum() + h_g.sum() + (c_g * 3).sum()).backward()
    np.testing.assert_allclose(out_g.numpy(), out_t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(xg.grad.numpy(), xt.grad.numpy(), rtol=1e-10, atol=1e-13)
    for name, p in t.named_parameters():
        np.testing.assert_allclose(getattr(m, name).grad.numpy(), p.grad.numpy(),
                                   rtol=1e-10, atol=1e-13, err_msg=name)


def test_lstm_cell_second_order_through_the_fused_step():
    tg.manual_seed(0)
    cell = tg.nn.LSTMCell(2, 3, dtype=tg.float64)
    x = tg.tensor(np.random.default_rng(2).standard_normal((2, 2)), requires_grad=True)
    assert tg.gradgradcheck(lambda v: cell(v)[0] * cell(v)[1], (x,))


# ------------------------------------------------------------------ nn.Module and Variable

class _WithVariables(tg.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = tg.Variable(tg.ones(3), name="w")
        self.step = tg.Variable(0, trainable=False, name="step")
        self.plain = tg.ones(3)                 # a plain tensor stays unregistered

    def forward(self, x):
        return (x * self.w).sum()


def test_nn_module_registers_variables_as_parameters_and_buffers():
    m = _WithVariables()
    assert [n for n, _ in m.named_parameters()] == ["w"]
    assert [n for n, _ in m.named_buffers()] == ["step"]
    assert list(m.state_dict()) == ["w", "step"]
    assert m.parameters().__next__() is m.w
    opt = tg.optim.SGD(m.parameters(), lr=0.5)
    m(tg.tensor([1.0, 2.0, 3.0])).backward()
    opt.step()
    assert isinstance(m.w, tg.Variable)
    np.testing.assert_allclose(m.w.numpy(), [0.5, 0.0, -0.5])
    # None keeps the slot as a placeholder (as PyTorch), listed by nothing
    m.w = None
    assert list(m.named_parameters()) == [] and m.w is None
    with pytest.raises(TypeError, match="cannot assign 'Tensor' as parameter 'w'"):
        m.w = tg.ones(3)
    del m.step
    assert list(m.state_dict()) == []


def test_tf_module_finds_variables_of_an_nn_module_inside():
    class Outer(tg.Module):
        def __init__(self):
            super().__init__()
            self.inner = _WithVariables()
    assert len(Outer().trainable_variables) == 1


# ------------------------------------------------------------------ no CUDA device

@pytest.mark.parametrize("call", [
    lambda: tg.nn.Linear(2, 2).to("cuda"),
    lambda: tg.nn.Linear(2, 2).to(device="cuda:0"),
    lambda: tg.nn.Linear(2, 2).to("cuda", tg.float64),
    lambda: tg.ones(2).to("cuda"),
    lambda: tg.ones(2, device="cuda"),
    lambda: tg.nn.LSTM(2, 2, device="cuda"),
    lambda: tg.nn.GRUCell(2, 2, device="cuda"),
], ids=["module.to", "module.to(device=)", "module.to(dev, dtype)", "tensor.to",
        "factory", "LSTM", "GRUCell"])
def test_cuda_requests_say_there_is_no_cuda_device(call):
    assert tg.cuda.is_available() is False
    with pytest.raises(ValueError, match="no CUDA device.*CPU only.*is_available"):
        call()


def test_cuda_methods_raise_and_cpu_ones_are_identity():
    m = tg.nn.Linear(2, 2)
    t = tg.ones(2)
    for obj in (m, t):
        with pytest.raises(RuntimeError, match="no CUDA device"):
            obj.cuda()
        assert obj.cpu() is obj
    assert m.to("cpu") is m and m.to(tg.device("cpu"), dtype=tg.float64) is m
    assert m.weight.dtype == tg.float64


# ------------------------------------------------------------------ tg.function

def test_function_slices_a_captured_tensor_changed_before_the_call():
    w = tg.ones(4)
    w.add_(1)                                   # an in-place change before any call

    @tg.function
    def f(x):
        return x * w[1:3]

    np.testing.assert_array_equal(f(tg.ones(2)).numpy(), [2.0, 2.0])
    w.mul_(3)
    np.testing.assert_array_equal(f(tg.ones(2)).numpy(), [6.0, 6.0])
    v = tg.tensor([1.0, 2.0, 3.0], requires_grad=True) * 1.0
    v.add_(1)

    @tg.function
    def g(x):
        return (x * v[:2]).sum()

    x = tg.ones(2, requires_grad=True)
    g(x).backward()
    np.testing.assert_array_equal(x.grad.numpy(), [2.0, 3.0])


def test_function_still_refuses_writes_through_views_while_tracing():
    outside = tg.ones(4)

    @tg.function
    def writes_outside(x):
        s = outside[1:3]
        s.add_(1)
        return x * s

    with pytest.raises(TraceError, match="from outside the function"):
        writes_outside(tg.ones(2))

    @tg.function
    def writes_inside(x):
        a = x * 2
        a[1:].add_(1)
        return a

    with pytest.raises(TraceError, match="inside the traced function"):
        writes_inside(tg.ones(3))


def test_dropout_in_function_draws_eager_stream_from_the_first_call():
    m = tg.nn.Sequential(tg.nn.Linear(4, 8), tg.nn.Dropout(0.5))
    f = tg.function(m)
    x = tg.ones(3, 4)
    tg.manual_seed(5)
    first, second = f(x).numpy(), f(x).numpy()
    assert f.trace_count == 1
    tg.manual_seed(5)
    eager1, eager2 = m(x).numpy(), m(x).numpy()
    np.testing.assert_array_equal(first, eager1)        # the traced call included
    np.testing.assert_array_equal(second, eager2)
    assert not np.array_equal(first, second)            # a fresh mask every call
    tg.manual_seed(5)
    np.testing.assert_array_equal(f(x).numpy(), first)
