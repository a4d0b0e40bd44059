"""nn.Embedding / F.embedding's max_norm, norm_type, scale_grad_by_freq and F.mse_loss's
weight, against torch in float64 (values, gradients and the renormalised table)."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

IDX = np.array([[0, 2, 2], [4, 2, 1]])


def _pair(seed=0, n=5, d=3):
    w = np.random.default_rng(seed).normal(size=(n, d)) * 2
    return tg.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)


@pytest.mark.parametrize("kw", [dict(max_norm=1.0), dict(max_norm=1.5, norm_type=1.0),
                                dict(scale_grad_by_freq=True),
                                dict(max_norm=1.0, scale_grad_by_freq=True, padding_idx=2)])
def test_functional_embedding_matches_torch(kw):
    gw, tw = _pair()
    g = tg.nn.functional.embedding(tg.tensor(IDX), gw, **kw)
    t = torch.nn.functional.embedding(torch.tensor(IDX), tw, **kw)
    np.testing.assert_allclose(g.detach().numpy(), t.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gw.detach().numpy(), tw.detach().numpy(), rtol=1e-12)
    cot = np.random.default_rng(1).normal(size=t.shape)
    (g * tg.tensor(cot)).sum().backward()
    (t * torch.tensor(cot)).sum().backward()
    np.testing.assert_allclose(gw.grad.numpy(), tw.grad.numpy(), rtol=1e-12, atol=1e-15)


def test_embedding_layer_takes_torch_arguments_in_torch_order():
    g = tg.nn.Embedding(5, 3, None, 1.0, 2.0, True, False)
    t = torch.nn.Embedding(5, 3, None, 1.0, 2.0, True, False)
    assert (g.max_norm, g.norm_type, g.scale_grad_by_freq) == \
        (t.max_norm, t.norm_type, t.scale_grad_by_freq)
    w = np.arange(15.0).reshape(5, 3)
    g2 = tg.nn.Embedding(5, 3, _weight=w, _freeze=True)
    assert not g2.weight.requires_grad and np.array_equal(g2.weight.numpy(), w)


def test_mse_loss_weight_matches_torch():
    a = np.array([1.0, 2.0, 3.0])
    w = np.array([1.0, 0.0, 2.0])
    for red in ("mean", "sum", "none"):
        ga = tg.tensor(a, requires_grad=True)
        ta = torch.tensor(a, requires_grad=True)
        g = tg.nn.functional.mse_loss(ga, tg.zeros(3, dtype=np.float64), reduction=red,
                                      weight=tg.tensor(w))
        t = torch.nn.functional.mse_loss(ta, torch.zeros(3, dtype=torch.float64),
                                         reduction=red, weight=torch.tensor(w))
        np.testing.assert_allclose(g.detach().numpy(), t.detach().numpy(), rtol=1e-12)
        g.sum().backward()
        t.sum().backward()
        np.testing.assert_allclose(ga.grad.numpy(), ta.grad.numpy(), rtol=1e-12)
