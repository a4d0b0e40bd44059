"""tapegrad.scipy.signal.convolve against scipy.signal and autograd's tensor form."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.scipy import signal

ss = pytest.importorskip("scipy.signal")

rng = np.random.default_rng(0)
SHAPES = [((7,), (3,)), ((3,), (7,)), ((4, 5), (2, 3)), ((2, 3), (4, 5)), ((3, 4, 2), (2, 2, 2)),
          ((4, 4), (4, 4)), ((1,), (1,))]


@pytest.mark.parametrize("mode", ["full", "valid", "same"])
@pytest.mark.parametrize("s1, s2", SHAPES)
def test_values_and_gradients(s1, s2, mode):
    a, b = rng.standard_normal(s1), rng.standard_normal(s2)
    try:
        want = ss.convolve(a, b, mode=mode)
    except ValueError:
        with pytest.raises(ValueError, match="convolve"):
            signal.convolve(a, b, mode)
        return
    got = signal.convolve(a, b, mode).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    ts = [tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)]
    assert tg.gradcheck(lambda x, y: signal.convolve(x, y, mode), ts)


def test_second_order_and_forward_mode():
    a = tg.tensor(rng.standard_normal((3, 4)), requires_grad=True)
    b = tg.tensor(rng.standard_normal((2, 2)), requires_grad=True)
    assert tg.gradgradcheck(lambda x, y: signal.convolve(x, y, "same") ** 2, [a, b])
    u, v = rng.standard_normal((3, 4)), rng.standard_normal((2, 2))
    _, dout = tg.jvp(lambda x, y: signal.convolve(x, y), (a.detach(), b.detach()),
                     (tg.tensor(u), tg.tensor(v)))
    want = ss.convolve(u, b.numpy()) + ss.convolve(a.numpy(), v)
    np.testing.assert_allclose(dout.numpy(), want, rtol=1e-12)


def test_bad_arguments():
    with pytest.raises(ValueError, match="same dimensionality"):
        signal.convolve(np.ones(3), np.ones((2, 2)))
    with pytest.raises(ValueError, match="mode must be"):
        signal.convolve(np.ones(3), np.ones(2), "circular")


@pytest.mark.parametrize("mode", ["valid", "full"])
def test_autograd_tensor_form(mode):
    autograd = pytest.importorskip("autograd")
    from autograd.scipy.signal import convolve as aconv
    x, w = rng.standard_normal((2, 3, 6, 5)), rng.standard_normal((3, 4, 3, 2))
    kw = dict(axes=([2, 3], [2, 3]), dot_axes=([1], [0]), mode=mode)
    want = aconv(x, w, **kw)
    got = signal.convolve(x, w, **kw).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    gx, gw = autograd.grad(lambda x, w: (aconv(x, w, **kw) ** 2).sum(), (0, 1))(x, w)
    tx, tw = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    (signal.convolve(tx, tw, **kw) ** 2).sum().backward()
    np.testing.assert_allclose(tx.grad.numpy(), gx, rtol=1e-11)
    np.testing.assert_allclose(tw.grad.numpy(), gw, rtol=1e-11)
    # axes positionally, as autograd allows
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3))
    np.testing.assert_allclose(signal.convolve(a, b, ([0], [0])).numpy(),
                               aconv(a, b, ([0], [0])), rtol=1e-12)


def test_without_scipy_the_numpy_path_gives_the_same(monkeypatch):
    from tapegrad.ops import special_signal
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((2, 3))
    want = ss.convolve(a, b)
    monkeypatch.setattr(special_signal, "_signal", False)
    np.testing.assert_allclose(signal.convolve(a, b).numpy(), want, rtol=1e-12)
