"""lax.dynamic_slice / dynamic_update_slice with starts that differ per example under
tg.vmap (one gather, no loop) and starts read by a tg.function trace (the replay follows
the value, no eager fallback): equal to the loop of the eager calls, gradients too."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as jnp
from tapegrad import lax

RNG = np.random.default_rng(11)


def _np(t):
    return np.asarray(t.numpy())


@pytest.mark.parametrize("starts", [(1, 0), (-1, 2), (9, -9), (2, 3)])
def test_vmap_of_dynamic_slice_and_update_equals_the_loop(starts):
    m = RNG.standard_normal((4, 3, 5))
    si = jnp.array([starts[0], starts[1], 0, -2])
    sj = jnp.array([starts[1], 1, 4, starts[0]])
    u = RNG.standard_normal((2, 2))

    def sl(a, i, j):
        return lax.dynamic_slice(a, (i, j), (2, 2))

    def up(a, i, j):
        return lax.dynamic_update_slice(a, u, (i, j))

    for f in (sl, up):
        with warnings.catch_warnings():
            warnings.simplefilter("error")          # no per-example fallback
            got = tg.vmap(f)(m, si, sj)
        want = np.stack([_np(f(m[b], int(si[b]), int(sj[b]))) for b in range(4)])
        np.testing.assert_array_equal(_np(got), want)


def test_gradients_under_vmap_equal_the_loop():
    m = RNG.standard_normal((3, 6))
    u = RNG.standard_normal((3, 2))
    idx = jnp.array([0, 5, -3])

    def loss(a, v):
        s = tg.vmap(lambda r, w, i: lax.dynamic_update_slice(r, w, (i,)) ** 2)(a, v, idx)
        t = tg.vmap(lambda r, i: lax.dynamic_slice(r, (i,), (3,)))(a, idx)
        return s.sum() + (t * t * t).sum()

    def loop(a, v):
        out = 0.0
        for b in range(3):
            i = int(idx[b])
            out = out + (lax.dynamic_update_slice(a[b], v[b], (i,)) ** 2).sum()
            out = out + (lax.dynamic_slice(a[b], (i,), (3,)) ** 3).sum()
        return out

    got = tg.grad(loss, argnums=(0, 1))(m, u)
    want = tg.grad(loop, argnums=(0, 1))(m, u)
    for g, w in zip(got, want):
        np.testing.assert_allclose(_np(g), _np(w), rtol=1e-13)


def test_traced_starts_are_followed_by_the_replay():
    x = jnp.arange(6.0)
    f = tg.function(lambda a, i: lax.dynamic_slice(a, (i,), (2,)))
    g = tg.function(lambda a, i: lax.dynamic_update_slice(a, jnp.ones(2), (i,)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")              # no TraceWarning: it is traced
        for i in (1, 3, -1, 7):
            np.testing.assert_array_equal(_np(f(x, jnp.array(i))),
                                          _np(lax.dynamic_slice(x, (i,), (2,))))
            np.testing.assert_array_equal(_np(g(x, jnp.array(i))),
                                          _np(lax.dynamic_update_slice(x, np.ones(2), (i,))))
    with pytest.raises(ValueError, match="slice size 7 exceeds the axis length 6"):
        tg.vmap(lambda a, i: lax.dynamic_slice(a, (i,), (7,)))(jnp.zeros((2, 6)),
                                                               jnp.array([0, 1]))
