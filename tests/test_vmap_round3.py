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
