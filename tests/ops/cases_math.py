"""Rows of the op case table for ops/mathfns.py (inverse trig, exp2, hypot, logaddexp,
sinc, rounding, fmax/fmin, nan_to_num, angles, copysign, heaviside, cbrt, float_power).
Domains keep away from poles, branch cuts and jumps; piecewise constant ops are sampled
between their jumps, where the gradient is 0 and finite differences agree."""
import numpy as np

import tapegrad as tg

from ._case import OpCase, apart


def _between(offsets, scale=1.0):
    """x = (k + u) * scale with integer k and u drawn from `offsets`: keeps x away from
    the jumps of floor/ceil/trunc (offsets inside (0, 1)) or of round (inside (-.5, .5))."""
    lo, hi = offsets

    def sample(rng, shapes):
        return [(rng.integers(-3, 4, size=s) + rng.uniform(lo, hi, size=s)) * scale
                for s in shapes]
    return sample


def _sinc_points(rng, shapes):
    """0 itself, points inside the Taylor region of sinc's derivative and outside it."""
    (shape,) = shapes
    a = rng.uniform(-2.0, 2.0, size=shape)
    a.flat[:4] = [0.0, 0.05, -0.15, 0.17]
    return [a]


def _torch_sinc_exact_at_zero(T, x):
    """sinc in torch ops whose second derivative at 0 is -pi^2/3 (torch.sinc's is NaN):
    at 0 exactly its Taylor polynomial, elsewhere sin(pi x) / (pi x)."""
    at0 = x == 0
    safe = T.where(at0, T.ones_like(x), x) * np.pi
    return T.where(at0, 1 - (np.pi * x) ** 2 / 6, T.sin(safe) / safe)


def _torch_heaviside(T, x, y):
    """torch.heaviside has no derivative; this spelling has the zero one."""
    return T.where(x > 0, T.ones_like(x), T.where(x < 0, T.zeros_like(x), y))


_OFF_INTEGERS = _between((0.15, 0.85))
_OFF_HALVES = _between((-0.35, 0.35))

ROWS = [
    OpCase(tg.asin, [(2, 3)], low=-0.9, high=0.9, torch=lambda T, x: T.asin(x)),
    OpCase(tg.arccos, [(5,)], low=-0.9, high=0.9, torch=lambda T, x: T.acos(x)),
    OpCase(tg.atan, [(2, 3)], low=-3.0, high=3.0, torch=lambda T, x: T.atan(x)),
    OpCase(tg.arctan2, [(3, 4), (4,)], away_from=[0.0], gap=0.3,
           torch=lambda T, x, y: T.atan2(x, y)),
    OpCase(tg.atan2, [(), (3,)], low=[0.3, -2.0], high=[2.0, 2.0],
           torch=lambda T, x, y: T.atan2(x, y)),
    OpCase(tg.asinh, [(4,)], torch=lambda T, x: T.asinh(x)),
    OpCase(tg.acosh, [(2, 3)], low=1.2, high=4.0, torch=lambda T, x: T.acosh(x)),
    OpCase(tg.atanh, [(5,)], low=-0.8, high=0.8, torch=lambda T, x: T.atanh(x)),
    OpCase(tg.exp2, [(2, 3)], torch=lambda T, x: T.exp2(x)),
    OpCase(tg.cbrt, [(5,)], away_from=[0.0], gap=0.3,
           torch=lambda T, x: T.sign(x) * T.abs(x) ** (1 / 3)),
    OpCase(tg.hypot, [(3, 4), (4,)], away_from=[0.0], gap=0.2,
           torch=lambda T, x, y: T.hypot(x, y)),
    OpCase(tg.logaddexp, [(3, 4), (4,)], low=-4.0, high=4.0,
           torch=lambda T, x, y: T.logaddexp(x, y)),
    OpCase(tg.logaddexp2, [(2, 3), (2, 3)], low=-4.0, high=4.0,
           torch=lambda T, x, y: T.logaddexp2(x, y)),
    OpCase(tg.sinc, [(2, 3)], torch=lambda T, x: T.sinc(x)),
    OpCase(tg.sinc, [(7,)], sample=_sinc_points, name="sinc_at_zero",
           torch=lambda T, x: _torch_sinc_exact_at_zero(T, x)),
    OpCase(tg.floor, [(2, 3)], sample=_OFF_INTEGERS, torch=lambda T, x: T.floor(x)),
    OpCase(tg.ceil, [(5,)], sample=_OFF_INTEGERS, torch=lambda T, x: T.ceil(x)),
    OpCase(tg.trunc, [(5,)], sample=_OFF_INTEGERS, torch=lambda T, x: T.trunc(x)),
    OpCase(tg.fix, [(4,)], sample=_OFF_INTEGERS, torch=lambda T, x: T.fix(x)),
    OpCase(tg.rint, [(5,)], sample=_OFF_HALVES, torch=lambda T, x: T.round(x)),
    OpCase(tg.round, [(2, 3)], sample=_OFF_HALVES, torch=lambda T, x: T.round(x)),
    OpCase(tg.round, [(5,)], dict(decimals=1), sample=_between((-0.35, 0.35), 0.1),
           torch=lambda T, x, decimals: T.round(x, decimals=decimals)),
    OpCase(tg.fmax, [(3, 4), (4,)], sample=apart, torch=lambda T, x, y: T.fmax(x, y)),
    OpCase(tg.fmin, [(2, 3), (2, 3)], sample=apart, torch=lambda T, x, y: T.fmin(x, y)),
    OpCase(tg.nan_to_num, [(2, 3)], torch=lambda T, x: T.nan_to_num(x)),
    OpCase(tg.nan_to_num, [(4,)], dict(nan=1.0, posinf=9.0, neginf=-9.0),
           torch=lambda T, x, nan, posinf, neginf: T.nan_to_num(x, nan, posinf, neginf)),
    OpCase(tg.deg2rad, [(2, 3)], low=-180.0, high=180.0, torch=lambda T, x: T.deg2rad(x)),
    OpCase(tg.rad2deg, [(4,)], torch=lambda T, x: T.rad2deg(x)),
    OpCase(tg.copysign, [(3, 4), (4,)], away_from=[0.0], gap=0.2,
           torch=lambda T, x, y: T.copysign(x, y)),
    OpCase(tg.heaviside, [(5,), (5,)], away_from=[0.0], gap=0.2,
           torch=lambda T, x, y: _torch_heaviside(T, x, y)),
    OpCase(tg.positive, [(2, 3)], torch=lambda T, x: T.positive(x)),
    OpCase(tg.float_power, [(2, 3), (3,)], low=[0.5, -2.0], high=[2.0, 2.0],
           out_dtype=np.float64, torch=lambda T, x, y: T.float_power(x, y)),
    OpCase(lambda x: x.asin() + x.atan2(x + 2.0) + x.round() + x.nan_to_num(),
           [(4,)], low=-0.9, high=0.9, name="math_methods",
           torch=lambda T, x: x.asin() + x.atan2(x + 2.0) + x.round() + x.nan_to_num()),
]
