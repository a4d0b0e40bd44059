"""Inside tg.vmap a batched tensor's own array is a placeholder without values. Every way
out of tapegrad's ops must either stay batched (detach, .data, stop_gradient, tensor(t))
or make vmap run the function once per example (.numpy(), np.asarray, Variable(t),
tensor(t, requires_grad=True)): never the placeholder's garbage (these gave NaNs)."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import lax

X = np.arange(6.0).reshape(2, 3) - 2.5

STAYS_BATCHED = {
    "detach": lambda x: x.detach() * 2,
    "data": lambda x: x.data * 2,
    "stop_gradient": lambda x: tg.stop_gradient(x) * 2,
    "lax.stop_gradient": lambda x: lax.stop_gradient(x) * 2,
    "tensor": lambda x: tg.tensor(x) * 2,
    "tensor dtype": lambda x: tg.tensor(x, dtype=tg.float32) * 2,
}
RUNS_PER_EXAMPLE = {
    "numpy": lambda x: tg.tensor(x.numpy()) * 2,
    "np.asarray": lambda x: tg.tensor(np.asarray(x)) * 2,
    "from_numpy": lambda x: tg.from_numpy(x.numpy()) * 2,
    "as_tensor of numpy": lambda x: tg.as_tensor(x.numpy()) * 2,
    "Variable": lambda x: tg.Variable(x) * 2,
    "tensor requires_grad": lambda x: tg.tensor(x, requires_grad=True) * 2,
}


@pytest.mark.parametrize("name", sorted(STAYS_BATCHED))
def test_ways_that_stay_batched(name):
    f = STAYS_BATCHED[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)     # no per-example fallback
        warnings.simplefilter("ignore", UserWarning)       # tensor(t)'s copy advice
        got = tg.vmap(f)(tg.tensor(X))
    np.testing.assert_allclose(got.numpy(), X * 2, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(RUNS_PER_EXAMPLE))
def test_ways_that_run_per_example(name):
    with pytest.warns(RuntimeWarning, match="runs once per batch element"):
        got = tg.vmap(RUNS_PER_EXAMPLE[name])(tg.tensor(X))
    np.testing.assert_allclose(got.numpy(), X * 2, rtol=1e-6)


def test_gradients_through_a_batched_detach():
    x = tg.tensor(X[0], requires_grad=True)
    g = tg.grad(lambda v: tg.vmap(lambda r: r * tg.stop_gradient(r))(v).sum())(x)
    np.testing.assert_allclose(g.numpy(), X[0])
    g = tg.vmap(tg.grad(lambda r: (r * r.detach()).sum()))(tg.tensor(X))
    np.testing.assert_allclose(g.numpy(), X)
    # nested: the inner vmap's detach keeps both levels
    got = tg.vmap(tg.vmap(lambda r: r.detach() + 1))(tg.tensor(X))
    np.testing.assert_allclose(got.numpy(), X + 1)
