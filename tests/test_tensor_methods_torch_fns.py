"""Tensor methods that are torch's top-level functions on the tensor (x.addcmul,
x.outer, x.where, ...), against torch in float64 where torch is installed."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

A = np.array([[0.5, -1.25, 2.0], [0.0, 3.5, -0.75]])
B = np.array([[1.5, 0.25, -2.0], [4.0, -0.5, 1.0]])

CASES = {
    "addcmul": lambda m, a, b: a.addcmul(a, b, value=0.5),
    "addcdiv": lambda m, a, b: a.addcdiv(a, b, value=2.0),
    "addmm": lambda m, a, b: a[:, :2].addmm(a, b.T, beta=0.5, alpha=2.0),
    "outer": lambda m, a, b: a[0].outer(b[1]),
    "ger": lambda m, a, b: a[0].ger(b[1]),
    "where": lambda m, a, b: a.where(a > 0, b),
    "frac": lambda m, a, b: (a * 1.7).frac(),
    "absolute": lambda m, a, b: a.absolute(),
    "negative": lambda m, a, b: a.negative(),
    "sgn": lambda m, a, b: a.sgn(),
    "divide": lambda m, a, b: a.divide(b, rounding_mode="floor"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_values_and_gradients_match_torch(name):
    f = CASES[name]
    ta, tb = (tg.tensor(v, requires_grad=True) for v in (A, B))
    pa, pb = (torch.tensor(v, requires_grad=True) for v in (A, B))
    out, ref = f(tg, ta, tb), f(torch, pa, pb)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), rtol=1e-12)
    if ref.requires_grad:
        w = np.linspace(0.5, 1.5, ref.numel()).reshape(ref.shape)
        (out * tg.tensor(w)).sum().backward()
        (ref * torch.tensor(w)).sum().backward()
        for t, p in ((ta, pa), (tb, pb)):
            if p.grad is not None:
                np.testing.assert_allclose(t.grad.numpy(), p.grad.numpy(force=True),
                                            rtol=1e-12)


def test_predicates_and_the_rest_match_torch():
    a, p = tg.tensor(A), torch.tensor(A)
    assert a.ndimension() == p.ndimension() == 2
    for name in ("logical_not", "signbit", "argwhere", "count_nonzero"):
        np.testing.assert_array_equal(getattr(a, name)().numpy(), getattr(p, name)().numpy())
    np.testing.assert_array_equal(a.greater(0.5).numpy(), p.greater(0.5).numpy())
    np.testing.assert_array_equal(a.isclose(a + 1e-12).numpy(), p.isclose(p + 1e-12).numpy())
    np.testing.assert_array_equal(a.logical_and(a > 0).numpy(), p.logical_and(p > 0).numpy())
    np.testing.assert_array_equal(a.logical_or(a > 0).numpy(), p.logical_or(p > 0).numpy())
    np.testing.assert_array_equal(tg.tensor([2, 1, 2]).unique().numpy(),
                                  torch.tensor([2, 1, 2]).unique().numpy())
    assert [t.shape for t in tg.zeros(4, 2).vsplit(2)] == [tuple(t.shape) for t in
                                                           torch.zeros(4, 2).vsplit(2)]
    assert a.get_device() == p.get_device() == -1
    np.testing.assert_array_equal(a.take_along_axis(tg.tensor([[1], [0]]), 1).numpy(),
                                  np.take_along_axis(A, np.array([[1], [0]]), 1))
    assert set(tg.tensor([0.2, 0.8]).multinomial(2).tolist()) == {0, 1}
    assert tg.tensor([0.0, 1.0]).bernoulli().tolist() == [0.0, 1.0]
