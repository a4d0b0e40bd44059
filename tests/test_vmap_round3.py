"""tg.vmap, round 3: the functions that sort, pick or mask raw values along an axis
(sort, topk, median, quantile, the nan-reductions, cummax, max(dim), argmax) run once for
the batch (their axis shifted past the batch axis) and equal the loop over the batch;
composition with tg.function, custom_vjp/custom_jvp, checkpoint, batched conv weights,
jacrev(vmap) with out_axes, and chunked randomness, against torch.func and JAX."""
import numpy as np
import pytest

import tapegrad as tg
from tests.test_vmap_round2 import _check, _loop, _same, _strict, _t

RNG = np.random.default_rng(3)


def _ties(*shape):
    """Values with ties and exact repeats (sorting and medians must pick as the loop)."""
    return tg.tensor(RNG.integers(0, 3, size=shape).astype(np.float64))


def _with_nan(*shape):
    a = RNG.standard_normal(shape)
    a[RNG.random(shape) < 0.25] = np.nan
    return tg.tensor(a)


AXIS_CASES = [
    (lambda x: tg.sort(x, 0).values, (3, 4)),
    (lambda x: tg.sort(x, descending=True).values, (4,)),
    (lambda x: tg.sort(x, axis=None), (2, 3)),
    (lambda x: tg.ops.sort_values(x, -2), (3, 2)),
    (lambda x: tg.topk(x, 2, dim=0).values, (4, 3)),
    (lambda x: tg.topk(x, 1, largest=False).values, ()),
    (lambda x: tg.kthvalue(x, 2, 1, keepdim=True).values, (2, 3)),
    (lambda x: tg.median(x), (2, 3)),
    (lambda x: tg.median(x, 1).values, (2, 3)),
    (lambda x: tg.median(x, axis=0), (4, 2)),
    (lambda x: tg.median(x, -1, keepdim=True).values, ()),
    (lambda x: tg.quantile(x, 0.3), (3, 2)),
    (lambda x: tg.quantile(x, tg.tensor([0.1, 0.8]), axis=1, keepdims=True), (2, 3)),
    (lambda x: tg.percentile(x, [10.0, 60.0], axis=(0, 1)), (2, 3, 2)),
    (lambda x: tg.partition(x, 1, axis=None), (2, 2)),
    (lambda x: tg.cummax(x, 0).values, (4, 2)),
    (lambda x: tg.cummin(x, dim=-1).values, (2, 4)),
    (lambda x: tg.max(x, 1).values, (2, 3)),
    (lambda x: tg.min(x, 0, keepdim=True).values, (3, 2)),
]


@pytest.mark.parametrize("k", range(len(AXIS_CASES)))
def test_axis_functions_batch_without_a_loop(k):
    f, shape = AXIS_CASES[k]
    _check(f, (0,), _ties(*((3,) + shape)))
    _check(f, (0,), _t(*((3,) + shape)))


@pytest.mark.parametrize("f", [
    lambda x: tg.nansum(x, 1), lambda x: tg.nanmean(x), lambda x: tg.nanprod(x, axis=0),
    lambda x: tg.nanmax(x, dim=1, keepdim=True), lambda x: tg.nanmin(x),
    lambda x: tg.nanvar(x, 1, ddof=1), lambda x: tg.nanstd(x, axis=0, keepdims=True),
    lambda x: tg.nancumsum(x, 1), lambda x: tg.nancumprod(x),
    lambda x: tg.nanmedian(x, 1).values, lambda x: tg.nanquantile(x, 0.5, axis=0),
])
def test_nan_reductions_batch_without_a_loop(f):
    x = _with_nan(4, 3, 4)
    x.data[0, 1] = np.nan          # a slice of nothing but NaN
    _check(f, (0,), x)
    _check(f, (1,), tg.tensor(np.moveaxis(x.numpy(), 0, 1).copy()))


@pytest.mark.parametrize("f, shape", [
    (lambda x: tg.argsort(x, 0), (3, 4)), (lambda x: tg.argsort(x, None), (2, 3)),
    (lambda x: tg.sort(x, -1).indices, (2, 5)),
    (lambda x: tg.argpartition(x, 2, axis=-1), (2, 5)),
    (lambda x: tg.argmax(x), (3, 4)), (lambda x: tg.argmin(x, 1, keepdims=True), (3, 4)),
    (lambda x: tg.argmax(x, keepdims=True), (3, 4)),
    (lambda x: tg.nanargmax(x, axis=0), (3, 4)), (lambda x: tg.nanargmin(x), (3, 4)),
    (lambda x: tg.max(x, -1).indices, (3, 4)), (lambda x: tg.cummax(x, 0).indices, (4, 2)),
    (lambda x: tg.median(x, 0).indices, (3, 4)), (lambda x: tg.topk(x, 2).indices, (3, 4)),
])
def test_index_results_batch_without_a_loop(f, shape):
    x = _ties(*((4,) + shape))
    _check(f, (0,), x, grad=False)


def test_nested_vmap_and_bad_axes():
    xx = _ties(2, 3, 4)
    for f in (lambda x: tg.median(x), lambda x: tg.sort(x, 0).values,
              lambda x: tg.nanmean(x, 0), lambda x: tg.quantile(x, [0.2, 0.9])):
        got = _strict(tg.vmap(tg.vmap(f)), xx)
        want = np.stack([np.stack([f(xx[i, j]).numpy() for j in range(3)])
                         for i in range(2)])
        _same(got, want)
    # the axis refers to one example: an example's own error, naming the function
    with pytest.raises(Exception, match="sort"):
        tg.vmap(lambda x: tg.sort(x, 1))(_t(3, 4))
    with pytest.raises(Exception, match="nansum|axis"):
        tg.vmap(lambda x: tg.nansum(x, 2))(_t(3, 4, 2))
    with pytest.raises(ValueError, match="topk"):
        tg.vmap(lambda x: tg.topk(x, 5))(_t(3, 4))


def test_per_sample_median_gradient_shares_ties_as_torch():
    torch = pytest.importorskip("torch")
    from torch.func import grad as tgrad, vmap as tvmap
    x = np.array([[1.0, 2.0, 2.0, 3.0, 0.0], [5.0, 5.0, 5.0, 1.0, 2.0]])
    got = _strict(tg.vmap(tg.grad(lambda v: tg.median(v) * 3.0)), tg.tensor(x))
    want = tvmap(tgrad(lambda v: torch.median(v) * 3.0))(torch.tensor(x))
    _same(got, want.numpy())
    # ... and what the loop gives
    _same(got, _loop(tg.grad(lambda v: tg.median(v) * 3.0), (0,), [tg.tensor(x)]))


# ------------------------------------------------------------------ composition

def test_vmap_of_a_tg_function_batches_its_ops():
    @tg.function
    def f(v):
        return tg.sin(v) * v.sum()
    x = _t(4, 3)
    want = np.stack([f(x[i]).numpy() for i in range(4)])
    _same(_strict(tg.vmap(f), x), want)
    g = tg.grad(lambda v: f(v).sum())
    _same(_strict(tg.vmap(g), x), _loop(g, (0,), [x]))
    h = tg.function(tg.vmap(lambda v: tg.sin(v) * v.sum()))
    _same(h(x), want)
    _same(h(x), want)           # the replay of the trace


def _log1pexp():
    calls = {"fwd": 0, "bwd": 0}

    @tg.custom_vjp
    def f(x, scale):
        return tg.log1p(tg.exp(x)) * scale

    def fwd(x, scale):
        calls["fwd"] += 1
        return f(x, scale), (x, scale)

    def bwd(res, g):
        calls["bwd"] += 1
        x, scale = res
        # deliberately not the true derivative: the rule must be the one applied
        return g * scale * 2.0 * tg.sigmoid(x), (g * tg.log1p(tg.exp(x))).sum() * 0.0
    f.defvjp(fwd, bwd)
    return f, calls


def test_custom_vjp_under_vmap_of_grad_batches_fwd_and_bwd_as_jax():
    f, calls = _log1pexp()
    x, s = _t(5, 3), tg.tensor(np.array(1.5))
    got = tg.vmap(tg.grad(lambda v, c: f(v, c).sum(), argnums=(0, 1)), in_axes=(0, None))(x, s)
    _same(got[0], 3.0 * 1 / (1 + np.exp(-x.numpy())))
    _same(got[1], np.zeros(5))
    assert calls == {"fwd": 1, "bwd": 1}     # once for the batch (JAX batches fwd and bwd)
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy

    @jax.custom_vjp
    def jf(v, c):
        return jnp.log1p(jnp.exp(v)) * c
    jf.defvjp(lambda v, c: (jf(v, c), (v, c)),
              lambda r, g: (g * r[1] * 2.0 * jax.nn.sigmoid(r[0]), 0.0 * r[1]))
    want = jax.vmap(jax.grad(lambda v, c: jf(v, c).sum(), argnums=(0, 1)),
                    in_axes=(0, None))(x.numpy(), 1.5)
    _same(got[0], np.asarray(want[0]))
    # vmap without a gradient runs the function itself; jacrev of it the rule
    _same(_strict(tg.vmap(f, in_axes=(0, None)), x, s), np.log1p(np.exp(x.numpy())) * 1.5)
    j = tg.vmap(tg.jacrev(f), in_axes=(0, None))(x, s)
    _same(j, np.stack([np.diag(3.0 / (1 + np.exp(-r))) for r in x.numpy()]))


def test_custom_jvp_under_vmap_of_grad_and_jvp_batches_the_rule():
    @tg.custom_jvp
    def f(x):
        return tg.exp(x)

    @f.defjvp
    def f_jvp(primals, tangents):
        (x,), (dx,) = primals, tangents
        return f(x), 3.0 * tg.exp(x) * dx
    x = _t(4, 3)
    _same(_strict(tg.vmap(tg.grad(lambda v: f(v).sum())), x), 3 * np.exp(x.numpy()))
    jv = _strict(tg.vmap(lambda v: tg.jvp(f, (v,), (tg.ones_like(v),))[1]), x)
    _same(jv, 3 * np.exp(x.numpy()))
    w = tg.tensor(np.array(0.5))
    g = tg.vmap(tg.grad(lambda v, a: (f(v * a) ** 2).sum(), argnums=1), in_axes=(0, None))
    want = [(2 * np.exp(2 * r * 0.5) * 3 * r).sum() for r in x.numpy()]
    _same(_strict(g, x, w), np.array(want))


def test_checkpoint_inside_vmap_of_grad():
    def f(v):
        return tg.checkpoint(lambda u: tg.tanh(u) * u, v).sum()
    x = _t(4, 3)
    _same(_strict(tg.vmap(tg.grad(f)), x), _loop(tg.grad(f), (0,), [x]))
    _same(_strict(tg.vmap(f), x), _loop(f, (0,), [x]))


def test_ensemble_of_convolutions_with_batched_weights():
    F = tg.nn.functional
    xs, ws, bs = _t(2, 3, 8), _t(5, 4, 3, 3), _t(5, 4)
    f = lambda w, b: F.conv1d(xs, w, b, padding=1)          # noqa: E731
    _same(_strict(tg.vmap(f), ws, bs), _loop(f, (0, 0), [ws, bs]))
    X, W = _t(5, 2, 3, 6, 6), _t(5, 4, 3, 3, 3)
    g = lambda x, w: F.conv2d(x, w, stride=2, padding=1)    # noqa: E731
    _check(g, (0, 0), X, W)


def test_jacrev_of_vmap_with_out_axes_matches_torch_func():
    torch = pytest.importorskip("torch")
    from torch.func import jacrev, vmap
    x = _t(4, 3)
    f = tg.vmap(lambda v: (v.sum(), tg.outer(v, v) * 2), out_axes=(0, 2))
    want = jacrev(vmap(lambda v: (v.sum(), torch.outer(v, v) * 2), out_dims=(0, 2)))(
        torch.tensor(x.numpy()))
    for got in (tg.jacrev(f)(x), tg.jacfwd(f)(x)):
        for a, b in zip(got, want):
            _same(a, b.numpy())


def test_chunks_with_different_randomness_draw_per_element():
    x = _t(5, 3)
    tg.manual_seed(0)
    d = (tg.vmap(lambda v: v + tg.randn(3), randomness="different", chunk_size=2)(x) - x)
    d = d.numpy()
    assert len({tuple(np.round(r, 12)) for r in d}) == 5
    m = tg.vmap(lambda v: tg.nn.functional.dropout(v, 0.5), randomness="different",
                chunk_size=3)(tg.ones(6, 64)).numpy() != 0
    assert len({r.tobytes() for r in m}) == 6
    same = tg.vmap(lambda v: v + tg.randn(3), randomness="same", chunk_size=2)(x) - x
    assert np.allclose(same.numpy(), same.numpy()[0])
