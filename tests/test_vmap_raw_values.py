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


# non-differentiable tensor arguments (masks, indices, labels, bounds) that differ per
# example: each call under vmap equals the loop (masked_fill read its mask's placeholder
# and filled everything; take reported the placeholder's garbage as an index)
import tapegrad.numpy as tnp  # noqa: E402
import tapegrad.nn.functional as F  # noqa: E402

_R = np.random.default_rng(5)
_Z = _R.standard_normal((3, 4))
_ZS = np.sort(_R.standard_normal((3, 4)), axis=1)
_LAB = np.array([1, 3, 0])
_IDX = np.array([[0, 2], [3, 3], [1, 0]])
_MASK = _R.standard_normal((3, 4)) > 0
_LO = np.array([-0.5, 0.0, 0.2])
_Q = _R.standard_normal(3)

PER_EXAMPLE_ARGS = {
    "masked_fill": (lambda a, m: a.masked_fill(m, 0.0), (_Z, _MASK)),
    "masked_fill by label": (lambda a, l: a.masked_fill(tnp.arange(4) == l, -1.0), (_Z, _LAB)),
    "take": (lambda a, i: tnp.take(a, i), (_Z, _IDX)),
    "take axis": (lambda a, i: tnp.take(a, i, axis=0), (_Z, _IDX)),
    "where": (lambda m, a: tg.where(m, a, 0.0), (_MASK, _Z)),
    "gather": (lambda a, i: tg.gather(a, 0, i), (_Z, _IDX)),
    "index_select": (lambda a, i: tg.index_select(a, 0, i), (_Z, _IDX)),
    "scatter_add": (lambda a, i: tg.scatter_add(tg.zeros(4, dtype=tg.float64), 0, i, a[:2]),
                    (_Z, _IDX)),
    "clamp": (lambda a, lo: tg.clamp(a, min=lo), (_Z, _LO)),
    "searchsorted": (lambda s, v: tnp.searchsorted(s, v), (_ZS, _Q)),
    "interp": (lambda s, v: tnp.interp(v, s, tnp.arange(4.0)), (_ZS, _Q)),
    "put_along_axis": (lambda a, i: tnp.put_along_axis(a, i, 0.0, axis=0, inplace=False),
                       (_Z, _IDX)),
    "select": (lambda m, a: tnp.select([m, ~m], [a, a * 2]), (_MASK, _Z)),
    "cross_entropy": (lambda a, l: F.cross_entropy(a[None], l[None]), (_Z, _LAB)),
    "x[label]": (lambda a, l: a[l], (_Z, _LAB)),
    "at set": (lambda a, l: a.at[l].set(0.0), (_Z, _LAB)),
    "isin": (lambda a, l: tnp.isin(tnp.arange(4), l), (_Z, _LAB)),
    "sum where": (lambda a, m: tnp.sum(a, where=m), (_Z, _MASK)),
    "nonzero size": (lambda m: tnp.nonzero(m, size=4, fill_value=-1)[0], (_MASK,)),
}


@pytest.mark.parametrize("name", sorted(PER_EXAMPLE_ARGS))
def test_per_example_arguments_equal_the_loop(name):
    f, args = PER_EXAMPLE_ARGS[name]
    args = [tg.tensor(a) for a in args]
    want = np.stack([np.asarray(f(*[a[b] for a in args]).numpy(), dtype=float)
                     for b in range(3)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)    # a per-example run is fine
        got = np.asarray(tg.vmap(f)(*args).numpy(), dtype=float)
    np.testing.assert_array_equal(got, want)
