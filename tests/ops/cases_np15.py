"""Rows for issue 15's leftovers (session 8): tnp.pad's statistic modes, tnp.select, and
products with a constant operand, whose nodes keep only what the gradient reads."""
import numpy as np

import tapegrad as tg
import tapegrad.numpy as tnp

from ._case import OpCase


def _pad_mean(x):
    return tnp.pad(x, ((1, 2), (2, 0)), mode="mean", stat_length=((2, 3), (1, 2)))


def _pad_median(x):
    return tnp.pad(x, 1, mode="median")


def _select(x):
    return tnp.select([x < -0.5, x > 0.5], [x * x, tnp.sin(x)], 0.25 * x)


# x * c and c * x with a constant c (a number or an array): the node drops x, which only
# c's derivative would read; the rules must still give x's gradient (c) at every order
_C = np.linspace(0.5, 1.5, 12).reshape(3, 4)


def _scaled(x):
    return 4.0 * tg.tanh(x) * tg.tensor(_C.astype(x.dtype)) / 3.0


ROWS = [
    OpCase(_pad_mean, [(3, 4)], name="tnp.pad(mean)", torch=lambda T, x: _torch_mean_pad(T, x)),
    OpCase(_pad_median, [(3, 5)], name="tnp.pad(median)",
           torch=lambda T, x: _torch_median_pad(T, x)),
    OpCase(_select, [(3, 4)], away_from=(-0.5, 0.5), name="tnp.select",
           torch=lambda T, x: T.where(x < -0.5, x * x, T.where(x > 0.5, T.sin(x), 0.25 * x))),
    OpCase(_scaled, [(3, 4)], name="const*x/const",
           torch=lambda T, x: 4.0 * T.tanh(x) * T.tensor(_C, dtype=x.dtype) / 3.0),
]


def _torch_mean_pad(T, x):
    """_pad_mean in torch: axis 0 (1 before from the first 2 rows, 2 after from the last
    3), then axis 1 of that (2 before from the first column, none after)."""
    top, bottom = x[:2].mean(0, keepdim=True), x[-3:].mean(0, keepdim=True)
    y = T.cat([top, x, bottom, bottom], 0)
    left = y[:, :1].mean(1, keepdim=True)
    return T.cat([left, left, y], 1)


def _torch_median_pad(T, x):
    """np.pad(x, 1, mode='median') in torch: axis 0, then axis 1 of the padded result
    (NumPy's median averages the two middle values, torch's median takes the lower)."""
    def med(v, dim):
        s, _ = T.sort(v, dim=dim)
        n = v.shape[dim]
        lo, hi = s.narrow(dim, (n - 1) // 2, 1), s.narrow(dim, n // 2, 1)
        return (lo + hi) / 2
    m0 = med(x, 0)
    y = T.cat([m0, x, m0], 0)
    m1 = med(y, 1)
    return T.cat([m1, y, m1], 1)


# scatter with reduce=: torch's scatter_reduce (include_self=True)
_IDX = np.array([[0, 2, 1, 0], [2, 2, 0, 0]])


def _scatter_reduce(x, s, reduce):
    return tg.scatter(x, 0, tg.tensor(_IDX), s, reduce=reduce)


def _torch_scatter_reduce(T, x, s, reduce):
    how = {"multiply": "prod", "add": "sum"}.get(reduce, reduce)
    if how != "prod":
        return x.scatter_reduce(0, T.tensor(_IDX), s, how, include_self=True)
    # torch's forward mode of scatter_reduce(prod) disagrees with its own jacobian:
    # the product written out, one factor at a time
    out = x
    for i, j in np.ndindex(*_IDX.shape):
        hit = T.zeros(x.shape, dtype=T.bool)
        hit[_IDX[i, j], j] = True
        out = T.where(hit, out * s[i, j], out)
    return out


ROWS += [
    OpCase(_scatter_reduce, [(3, 4), (2, 4)], {"reduce": r}, name="scatter(reduce)",
           low=0.5, high=2.0, torch=_torch_scatter_reduce)
    for r in ("multiply", "mean", "amax")
]
