"""Rows for session 10's tapegrad.numpy work (issue 15): JAX's x.at[...] updates
(ops/at.py) and the NumPy functions written from existing ops (numpy/_extra.py,
_poly.py, the where= reductions, linspace with tensor ends). None is a new Op class;
the rows give them the suite's second-order, JVP, batched, graph-mode and C-vs-pure
checks. PyTorch comparisons where torch has the same computation."""
import numpy as np

import tapegrad.numpy as tnp

from ._case import OpCase

_MASK = np.array([[True, False, True], [False, True, True]])


def at_set(x, v):
    return x.at[0, 1:].set(v)


def at_add_repeated(x, v):
    return x.at[[0, 0, 1], [2, 2, 0]].add(v)


def at_multiply(x, v):
    return x.at[:, 1].multiply(v)


def at_max(x, v):
    return x.at[1].max(v)


def insert(x, v):
    return tnp.insert(x, [1, 2], v, axis=1)


def polyfit(x, y):
    return tnp.polyfit(x, y, 2)


def geomspace(a, b):
    return tnp.geomspace(a, b, 5)


def linspace_tensor_ends(a, b):
    return tnp.linspace(a, b, 4)


def mean_where(x):
    return tnp.mean(x, axis=1, where=_MASK)


def var_where(x):
    return tnp.var(x, axis=0, where=_MASK | np.array([True, False, False]))


def polydiv(u, v):
    return tnp.polydiv(u, v)[0]


def vectorized(x, y):
    return tnp.vectorize(lambda a, b: a * b + a ** 2)(x, y)


def piecewise(x):
    return tnp.piecewise(x, [x < 0.0, x >= 0.5], [lambda v: v ** 2, lambda v: 3.0 * v, 0.25])


def _spread(rng, shapes):
    # polyfit's x: distinct sample points, sorted; y anything
    x = np.sort(rng.uniform(-2.0, 2.0, shapes[0])) + np.arange(shapes[0][0]) * 0.3
    return [x, rng.standard_normal(shapes[1])]


def _lead(rng, shapes):
    # polydiv's divisor: leading coefficient away from zero
    u = rng.standard_normal(shapes[0])
    v = rng.standard_normal(shapes[1])
    v[0] = 1.5 + abs(v[0])
    return [u, v]


# ------------------------------------------------------------------ the same in torch

def _t_at_set(T, x, v):
    y = x.clone()
    y[0, 1:] = v
    return y


def _t_at_add_repeated(T, x, v):
    return x.index_put((T.tensor([0, 0, 1]), T.tensor([2, 2, 0])), v, accumulate=True)


def _t_at_multiply(T, x, v):
    y = x.clone()
    y[:, 1] = x[:, 1] * v
    return y


def _t_at_max(T, x, v):
    y = x.clone()
    y[1] = T.maximum(x[1], v)
    return y


def _t_insert(T, x, v):
    # np.insert(x, [1, 2], v, axis=1): v's columns go before x's columns 1 and 2
    return T.stack([x[:, 0], v[:, 0], x[:, 1], v[:, 1], x[:, 2]], 1)


def _t_polyfit(T, x, y):
    A = T.stack([x * x, x, T.ones_like(x)], 1)      # the least-squares fit, exactly
    return T.linalg.solve(A.T @ A, A.T @ y)


def _t_geomspace(T, a, b):
    return a * (b / a) ** (T.arange(5, dtype=a.dtype) / 4)


def _t_linspace(T, a, b):
    return a + (b - a) * T.arange(4, dtype=a.dtype) / 3


def _t_mean_where(T, x):
    m = T.tensor(_MASK, dtype=x.dtype)
    return (x * m).sum(1) / m.sum(1)


def _t_var_where(T, x):
    m = T.tensor(_MASK | np.array([True, False, False]), dtype=x.dtype)
    mean = (x * m).sum(0) / m.sum(0)
    return ((x - mean) ** 2 * m).sum(0) / m.sum(0)


def _t_polydiv(T, u, v):
    q = []
    for k in range(u.shape[0] - v.shape[0] + 1):      # long division, leading terms first
        c = u[k] / v[0]
        q.append(c)
        pad = (T.zeros(k, dtype=u.dtype), c * v,
               T.zeros(u.shape[0] - k - v.shape[0], dtype=u.dtype))
        u = u - T.cat(pad)
    return T.stack(q)


def _t_vectorized(T, x, y):
    return x * y + x ** 2


def _t_piecewise(T, x):
    return T.where(x < 0.0, x ** 2, T.where(x >= 0.5, 3.0 * x, T.full_like(x, 0.25)))


ROWS = [
    OpCase(at_set, [(2, 3), (2,)], torch=_t_at_set),
    OpCase(at_add_repeated, [(2, 3), (3,)], torch=_t_at_add_repeated),
    OpCase(at_multiply, [(2, 3), (2,)], torch=_t_at_multiply),
    OpCase(at_max, [(2, 3), (3,)], sample=lambda rng, s: [rng.uniform(-2, 2, s[0]),
                                                          rng.uniform(-2, 2, s[1]) + 0.05],
           torch=_t_at_max),
    OpCase(insert, [(2, 3), (2, 2)], torch=_t_insert),
    OpCase(polyfit, [(6,), (6,)], sample=_spread, torch=_t_polyfit),
    # NumPy computes these in float64 whatever the ends' dtype
    OpCase(geomspace, [(), ()], low=0.5, high=3.0, out_dtype=np.float64,
           torch=_t_geomspace),
    OpCase(linspace_tensor_ends, [(), ()], out_dtype=np.float64, torch=_t_linspace),
    OpCase(mean_where, [(2, 3)], torch=_t_mean_where),
    OpCase(var_where, [(2, 3)], torch=_t_var_where),
    OpCase(polydiv, [(5,), (2,)], sample=_lead, torch=_t_polydiv),
    OpCase(vectorized, [(3,), (3,)], torch=_t_vectorized),
    OpCase(piecewise, [(6,)], low=-1.0, high=1.0, away_from=[0.0, 0.5],
           torch=_t_piecewise),
]
