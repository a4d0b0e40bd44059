"""lax.conv_general_dilated with lhs_dilation (the transposed convolution JAX programs
write) and negative padding (a crop), against torch's conv_transpose and a NumPy
construction, values and gradients in float64."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad import lax

torch = pytest.importorskip("torch")
RNG = np.random.default_rng(3)


def _transpose_as_lax(x, w, stride, padding, nd):
    # torch's conv_transpose == a stride-1 conv of the dilated input with the kernel
    # flipped and its in/out axes swapped, padded by k - 1 - p
    k = w.shape[2:]
    wf = tg.flip(tg.transpose(w, (1, 0) + tuple(range(2, 2 + nd))), tuple(range(2, 2 + nd)))
    pads = [(kk - 1 - padding, kk - 1 - padding) for kk in k]
    return lax.conv_general_dilated(x, wf, (1,) * nd, pads, lhs_dilation=(stride,) * nd)


@pytest.mark.parametrize("nd,stride,padding", [(1, 2, 0), (1, 3, 1), (2, 2, 1), (2, 1, 0)])
def test_matches_torch_conv_transpose(nd, stride, padding):
    xs = (2, 3) + (5,) * nd
    ws = (3, 4) + (3,) * nd
    xa, wa = RNG.standard_normal(xs), RNG.standard_normal(ws)
    x, w = tg.tensor(xa, requires_grad=True), tg.tensor(wa, requires_grad=True)
    y = _transpose_as_lax(x, w, stride, padding, nd)
    tx, tw = torch.tensor(xa, requires_grad=True), torch.tensor(wa, requires_grad=True)
    ct = torch.nn.functional.conv_transpose1d if nd == 1 else \
        torch.nn.functional.conv_transpose2d
    ty = ct(tx, tw, stride=stride, padding=padding)
    np.testing.assert_allclose(y.numpy(), ty.detach().numpy(), rtol=1e-12, atol=1e-12)
    ga = RNG.standard_normal(ty.shape)
    (y * tg.tensor(ga)).sum().backward()
    (ty * torch.tensor(ga)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_dilation_and_crop_against_numpy():
    xa = RNG.standard_normal((1, 1, 4))
    wa = RNG.standard_normal((1, 1, 2))
    y = lax.conv_general_dilated(tg.tensor(xa), tg.tensor(wa), (1,), [(-1, 2)],
                                 lhs_dilation=(3,))
    d = np.zeros(10)
    d[::3] = xa[0, 0]
    d = np.concatenate([d[1:], np.zeros(2)])          # crop 1 at the front, pad 2 behind
    want = np.array([d[i] * wa[0, 0, 0] + d[i + 1] * wa[0, 0, 1] for i in range(len(d) - 1)])
    np.testing.assert_allclose(y.numpy()[0, 0], want, rtol=1e-13)


def test_gradcheck_second_order_and_layouts():
    xa = RNG.standard_normal((1, 5, 5, 2))
    wa = RNG.standard_normal((2, 2, 2, 3))

    def f(x, w):
        return lax.conv_general_dilated(x, w, (1, 1), "SAME", lhs_dilation=(2, 2),
                                        dimension_numbers=("NHWC", "HWIO", "NHWC"))
    x, w = tg.tensor(xa, requires_grad=True), tg.tensor(wa, requires_grad=True)
    assert f(x, w).shape == (1, 9, 9, 3)
    assert tg.autograd.gradcheck(f, (x, w))
    assert tg.autograd.gradgradcheck(f, (x, w))


def test_bad_dilation_is_named():
    x, w = tg.ones((1, 1, 4)), tg.ones((1, 1, 2))
    with pytest.raises(ValueError, match="lhs_dilation"):
        lax.conv_general_dilated(x, w, (1,), "VALID", lhs_dilation=(1, 2))
    with pytest.raises(ValueError, match="must be positive"):
        lax.conv_general_dilated(x, w, (1,), "VALID", lhs_dilation=(0,))
