"""Case rows for scans, sorting, order statistics and NaN-ignoring reductions.

Functions that return `(values, indices)` appear through their values (the indices
carry no gradient). Sorting and order statistics draw distinct values, so the element
an index names is the same at x and at x +- eps.
"""
import numpy as np

import tapegrad as tg

from ._case import OpCase, distinct


def two_zeros(rng, shapes):
    """Values away from 0 with two exact zeros in the first row (a cumprod slice that
    stays zero after its first zero, and one whose zero is last)."""
    (shape,) = shapes
    a = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    a[0, 1] = a[0, 3] = 0.0
    a[1, -1] = 0.0
    return [a]


def two_zeros_t(rng, shapes):
    """two_zeros transposed: the zeros run along axis 0."""
    return [np.ascontiguousarray(two_zeros(rng, [shapes[0][::-1]])[0].T)]


def with_nans(rng, shapes):
    """Values in [-2, 2] with NaN at a few fixed places (never a whole row)."""
    (shape,) = shapes
    a = rng.uniform(-2, 2, size=shape)
    a.flat[[1, -1]] = np.nan
    return [a]


def spread(rng, shapes):
    """Values with a wide range, for logcumsumexp's stability (exp would overflow)."""
    (shape,) = shapes
    return [rng.uniform(-3, 3, size=shape) + rng.choice([0.0, 800.0, -800.0], size=shape)]


def _t_quantile(T, x, q, axis=None, keepdims=False):
    return T.quantile(x, T.tensor(q, dtype=x.dtype), dim=axis, keepdim=keepdims)


def distinct_with_nans(rng, shapes):
    """distinct values with with_nans' NaN positions."""
    return [np.where(np.isnan(with_nans(rng, shapes)[0]), np.nan, distinct(rng, shapes)[0])]


def _t_nanvar(T, x, axis, ddof=0):
    keep = ~T.isnan(x)
    clean = T.where(keep, x, T.zeros_like(x))
    n = keep.sum(axis, keepdim=True)
    dev = T.where(keep, clean - clean.sum(axis, keepdim=True) / n, T.zeros_like(x))
    return (dev * dev).sum(axis) / (n.squeeze(axis) - ddof)


def _t_nan_fill(T, x, fill):
    return T.where(T.isnan(x), T.tensor(fill, dtype=x.dtype), x)


ROWS = [
    # scans
    OpCase(tg.cumsum, [(3, 4)], dict(axis=1), torch=lambda T, x, axis: T.cumsum(x, axis)),
    OpCase(tg.cumsum, [(2, 3)], torch=lambda T, x: T.cumsum(x.reshape(-1), 0)),
    OpCase(lambda x, dim: tg.cumsum(x, dim=dim, reverse=True), [(4, 2)], dict(dim=0),
           name="cumsum_reverse",
           torch=lambda T, x, dim: T.flip(T.cumsum(T.flip(x, (dim,)), dim), (dim,))),
    OpCase(tg.cumprod, [(3, 4)], dict(axis=1), low=0.5, high=1.5,
           torch=lambda T, x, axis: T.cumprod(x, axis)),
    OpCase(tg.cumprod, [(3, 5)], dict(axis=1), sample=two_zeros, name="cumprod_zeros",
           torch=lambda T, x, axis: T.cumprod(x, axis)),
    OpCase(tg.cumprod, [(4, 3)], dict(dim=0), sample=two_zeros_t, name="cumprod_zeros_dim0",
           torch=lambda T, x, dim: T.cumprod(x, dim)),
    OpCase(tg.logcumsumexp, [(3, 4)], dict(dim=1),
           torch=lambda T, x, dim: T.logcumsumexp(x, dim)),
    OpCase(tg.logcumsumexp, [(6,)], dict(axis=0), sample=spread, name="logcumsumexp_wide",
           torch=lambda T, x, axis: T.logcumsumexp(x, axis)),
    OpCase(lambda x, dim: tg.cummax(x, dim).values, [(3, 5)], dict(dim=1), sample=distinct,
           name="cummax_values", torch=lambda T, x, dim: T.cummax(x, dim).values),
    OpCase(lambda x, dim: tg.cummin(x, dim).values, [(4, 2)], dict(dim=0), sample=distinct,
           name="cummin_values", torch=lambda T, x, dim: T.cummin(x, dim).values),
    OpCase(tg.diff, [(3, 5)], dict(axis=1), torch=lambda T, x, axis: T.diff(x, dim=axis)),
    OpCase(tg.diff, [(4, 3)], dict(n=2, axis=0),
           torch=lambda T, x, n, axis: T.diff(x, n=n, dim=axis)),
    OpCase(lambda x, p: tg.diff(x, axis=0, prepend=p), [(3, 2), (1, 2)], name="diff_prepend",
           torch=lambda T, x, p: T.diff(x, dim=0, prepend=p)),
    # sorting and order statistics
    OpCase(lambda x, dim: tg.sort(x, dim).values, [(3, 4)], dict(dim=1), sample=distinct,
           name="sort_values", torch=lambda T, x, dim: T.sort(x, dim).values),
    OpCase(lambda x: tg.sort(x, 0, descending=True).values, [(3, 2)], sample=distinct,
           name="sort_descending", torch=lambda T, x: T.sort(x, 0, descending=True).values),
    OpCase(tg.sort, [(2, 3)], dict(axis=None), sample=distinct, name="sort_numpy",
           torch=lambda T, x, axis: T.sort(x.reshape(-1)).values),
    OpCase(lambda x: tg.sort(tg.partition(x, 2), axis=-1), [(2, 5)], sample=distinct,
           name="partition_then_sort", torch=lambda T, x: T.sort(x, -1).values),
    OpCase(lambda x, k: tg.topk(x, k).values, [(3, 5)], dict(k=2), sample=distinct,
           name="topk_values", torch=lambda T, x, k: T.topk(x, k).values),
    OpCase(lambda x: tg.topk(x, 3, dim=0, largest=False).values, [(4, 2)], sample=distinct,
           name="topk_smallest", torch=lambda T, x: T.topk(x, 3, dim=0, largest=False).values),
    OpCase(tg.median, [(2, 4)], sample=distinct, name="median_all_lower",
           torch=lambda T, x: T.median(x)),
    OpCase(lambda x, dim: tg.median(x, dim, keepdim=True).values, [(3, 4)], dict(dim=1),
           sample=distinct, name="median_dim_values",
           torch=lambda T, x, dim: T.median(x, dim, keepdim=True).values),
    OpCase(tg.median, [(4, 3)], dict(axis=0), sample=distinct, name="median_numpy",
           torch=lambda T, x, axis: T.quantile(x, 0.5, dim=axis)),
    OpCase(tg.quantile, [(3, 5)], dict(q=0.3, axis=1), sample=distinct,
           torch=_t_quantile),
    OpCase(tg.quantile, [(2, 4)], dict(q=[0.1, 0.5, 1.0], axis=0, keepdims=True),
           sample=distinct, torch=_t_quantile),
    OpCase(tg.quantile, [(2, 3)], dict(q=0.4), sample=distinct, torch=_t_quantile),
    OpCase(lambda x: tg.kthvalue(x, 2, dim=0).values, [(3, 4)], sample=distinct,
           name="kthvalue_values", torch=lambda T, x: T.kthvalue(x, 2, dim=0).values),
    OpCase(tg.percentile, [(3, 4)], dict(q=[25.0, 90.0], axis=1), sample=distinct,
           torch=lambda T, x, q, axis: T.quantile(x, T.tensor(q, dtype=x.dtype) / 100,
                                                  dim=axis)),
    # NaN-ignoring reductions: NaN positions get zero gradient
    OpCase(tg.nansum, [(2, 3)], dict(axis=1), sample=with_nans,
           torch=lambda T, x, axis: T.nansum(x, axis)),
    OpCase(tg.nansum, [(3, 2)], torch=lambda T, x: T.nansum(x)),
    OpCase(tg.nanmean, [(2, 3)], dict(axis=0), sample=with_nans,
           torch=lambda T, x, axis: T.nanmean(x, axis)),
    OpCase(tg.nanmax, [(2, 3)], dict(axis=1), sample=distinct_with_nans,
           torch=lambda T, x, axis: T.amax(_t_nan_fill(T, x, -np.inf), axis)),
    OpCase(tg.nanmin, [(3, 2)], sample=distinct_with_nans,
           torch=lambda T, x: T.amin(_t_nan_fill(T, x, np.inf))),
    OpCase(tg.nanvar, [(2, 4)], dict(axis=1, ddof=1), sample=with_nans, torch=_t_nanvar),
    OpCase(tg.nanstd, [(3, 3)], dict(axis=0), sample=with_nans,
           torch=lambda T, x, axis: T.sqrt(_t_nanvar(T, x, axis))),
    OpCase(lambda x: tg.nanmedian(x, 1).values, [(2, 4)], sample=distinct_with_nans,
           name="nanmedian_dim_values", torch=lambda T, x: T.nanmedian(x, 1).values),
    OpCase(tg.nanmedian, [(2, 4)], dict(axis=1), sample=distinct_with_nans,
           name="nanmedian_numpy", torch=lambda T, x, axis: T.nanquantile(x, 0.5, dim=axis)),
    OpCase(tg.nanquantile, [(3, 3)], dict(q=[0.2, 0.7], axis=0), sample=distinct_with_nans,
           torch=lambda T, x, q, axis: T.nanquantile(x, T.tensor(q, dtype=x.dtype), dim=axis)),
    OpCase(tg.nancumsum, [(2, 3)], dict(axis=1), sample=with_nans,
           torch=lambda T, x, axis: T.cumsum(_t_nan_fill(T, x, 0.0), axis)),
    OpCase(tg.nancumprod, [(3, 2)], dict(axis=0), sample=with_nans,
           torch=lambda T, x, axis: T.cumprod(_t_nan_fill(T, x, 1.0), axis)),
    OpCase(tg.nanprod, [(2, 3)], dict(axis=1), sample=with_nans,
           torch=lambda T, x, axis: T.prod(_t_nan_fill(T, x, 1.0), axis)),
    OpCase(tg.ptp, [(3, 4)], dict(axis=0), sample=distinct,
           torch=lambda T, x, axis: T.amax(x, axis) - T.amin(x, axis)),
]
