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


ROWS = [
    OpCase(at_set, [(2, 3), (2,)]),
    OpCase(at_add_repeated, [(2, 3), (3,)]),
    OpCase(at_multiply, [(2, 3), (2,)]),
    OpCase(at_max, [(2, 3), (3,)], sample=lambda rng, s: [rng.uniform(-2, 2, s[0]),
                                                          rng.uniform(-2, 2, s[1]) + 0.05]),
    OpCase(insert, [(2, 3), (2, 2)]),
    OpCase(polyfit, [(6,), (6,)], sample=_spread),
    # NumPy computes these in float64 whatever the ends' dtype
    OpCase(geomspace, [(), ()], low=0.5, high=3.0, out_dtype=np.float64),
    OpCase(linspace_tensor_ends, [(), ()], out_dtype=np.float64),
    OpCase(mean_where, [(2, 3)]),
    OpCase(var_where, [(2, 3)]),
    OpCase(polydiv, [(5,), (2,)], sample=_lead),
    OpCase(vectorized, [(3,), (3,)]),
    OpCase(piecewise, [(6,)], low=-1.0, high=1.0, away_from=[0.0, 0.5]),
]
