"""Rows of the special functions (ops/special.py). Where torch has no such function or no
gradient for it (Bessel J/Y of real order, betainc, gamma, beta), the reference is a
series or closed form written with torch ops, so torch differentiates it exactly."""
import math

import numpy as np

import tapegrad as tg
from tapegrad.ops import special as S
from tapegrad.ops import special_integrals as SI
from tapegrad.ops.special_signal import convolve
from tapegrad.scipy.integrate import odeint

from ._case import OpCase

_EULER = 0.5772156649015329


def _series_exp_int(T, x, sign, terms=60):
    """The sum over k >= 1 of sign^(k+1) x^k / (k k!): E1(x) = -gamma - log x + this with
    sign -1 (Ein), Ei(x) = gamma + log x + this with sign +1 (x > 0)."""
    total, term = T.zeros_like(x), T.ones_like(x)
    for k in range(1, terms + 1):
        term = term * x / k
        total = total + (sign ** (k + 1)) * term / k
    return total


def _torch_hurwitz_zeta(T, s, q, n=12):
    """zeta(s, q) by Euler-Maclaurin: n terms of (q + k)^-s, then the integral, half a
    term and four Bernoulli corrections at a = q + n (torch's zeta has no forward mode)."""
    total = sum((q + k) ** -s for k in range(n))
    a = q + n
    total = total + a ** (1 - s) / (s - 1) + 0.5 * a ** -s
    rising = s
    for j, b in enumerate((1 / 6, -1 / 30, 1 / 42, -1 / 30)):
        total = total + b / math.factorial(2 * j + 2) * rising * a ** (-s - 2 * j - 1)
        rising = rising * (s + 2 * j + 1) * (s + 2 * j + 2)
    return total


def _series_jv(T, v, x, sign=-1.0, terms=30):
    """sum_k sign^k (x/2)^(2k+v) / (k! Gamma(k+v+1)): J_v (sign -1) or I_v (sign 1)."""
    total = 0.0
    for k in range(terms):
        g = k + v + 1
        if g <= 0 and g == math.floor(g):
            continue                        # 1/Gamma is 0 at its poles
        total = total + sign ** k / (math.factorial(k) * math.gamma(g)) * (x / 2) ** (2 * k + v)
    return total


def _torch_yv(T, v, x):
    """Y_v of a non-integer order from J_v and J_-v."""
    return ((_series_jv(T, v, x) * math.cos(v * math.pi) - _series_jv(T, -v, x))
            / math.sin(v * math.pi))


def _torch_y0(T, x):
    total, harmonic = 0.0, 0.0
    for k in range(1, 30):
        harmonic += 1.0 / k
        total = total + (-1) ** (k + 1) * harmonic / math.factorial(k) ** 2 * (x * x / 4) ** k
    return 2 / math.pi * ((T.log(x / 2) + _EULER) * _series_jv(T, 0, x) + total)


def _torch_y1(T, x):
    total, harmonic = 0.0, 0.0
    for k in range(30):
        psi_sum = 2 * (harmonic - _EULER) + 1.0 / (k + 1)       # psi(k+1) + psi(k+2)
        total = total + ((-1) ** k * psi_sum / (math.factorial(k) * math.factorial(k + 1))
                         * (x / 2) ** (2 * k + 1))
        harmonic += 1.0 / (k + 1)
    return -2 / (math.pi * x) + 2 / math.pi * T.log(x / 2) * _series_jv(T, 1, x) - total / math.pi


def _torch_betainc(T, a, b, x):
    """I_x(a, b) for whole a and b: a binomial tail."""
    n = a + b - 1
    return sum(math.comb(n, j) * x ** j * (1 - x) ** (n - j) for j in range(a, n + 1))


def _torch_lbeta(T, a, b):
    return T.lgamma(a) + T.lgamma(b) - T.lgamma(a + b)


def _torch_convolve2d(T, x, y):
    """Full 2-D convolution: conv2d (a correlation) with the kernel flipped, padded."""
    h, w = y.shape
    out = T.nn.functional.conv2d(x[None, None], T.flip(y, (0, 1))[None, None],
                                 padding=(h - 1, w - 1))
    return out[0, 0]


def _drift(y0, t, k):
    """dy/dt = k: the solver is exact for it (to rounding), so forward and reverse mode
    agree to the bits the suite asks for; tests/test_scipy_integrate.py checks nonlinear
    systems against finite differences."""
    return odeint(lambda y, s, k: k + 0 * y, y0, t, args=(k,))


def _times(rng, shapes):
    y0 = rng.uniform(0.5, 1.5, shapes[0])
    t = np.sort(rng.uniform(0.0, 1.0, shapes[1]))
    return [y0, t, rng.uniform(0.5, 1.5, shapes[2])]


ROWS = [
    OpCase(tg.lgamma, [(2, 3)], low=0.2, high=6.0, torch=lambda T, x: T.lgamma(x)),
    OpCase(S.gammaln, [(4,)], low=-2.9, high=-2.1, name="gammaln_negative",
           torch=lambda T, x: T.lgamma(x)),
    OpCase(tg.digamma, [(2, 3)], low=0.3, high=5.0, torch=lambda T, x: T.digamma(x)),
    OpCase(lambda x: tg.polygamma(2, x), [(5,)], low=0.3, high=4.0, name="polygamma_2",
           torch=lambda T, x: T.polygamma(2, x)),
    OpCase(S.gamma, [(5,)], low=0.3, high=4.0, torch=lambda T, x: T.exp(T.lgamma(x))),
    OpCase(S.rgamma, [(5,)], low=0.3, high=4.0, torch=lambda T, x: T.exp(-T.lgamma(x))),
    OpCase(S.gammasgn, [(4,)], low=-0.9, high=-0.1, torch=lambda T, x: T.sign(x)),
    OpCase(S.gamma, [(4,)], low=-0.9, high=-0.1, name="gamma_negative",
           torch=lambda T, x: -T.exp(T.lgamma(x))),
    OpCase(S.beta, [(3, 1), (4,)], low=0.5, high=3.0,
           torch=lambda T, a, b: T.exp(_torch_lbeta(T, a, b))),
    OpCase(S.betaln, [(2, 3), (3,)], low=0.5, high=4.0, torch=_torch_lbeta),
    # whole a: closed forms (torch has no forward-mode rule for its gammainc)
    OpCase(lambda x: S.gammainc(3.0, x), [(5,)], low=0.3, high=5.0, name="gammainc",
           torch=lambda T, x: 1 - T.exp(-x) * (1 + x + x * x / 2)),
    OpCase(lambda x: S.gammaincc(2.0, x), [(5,)], low=0.3, high=4.0, name="gammaincc",
           torch=lambda T, x: T.exp(-x) * (1 + x)),
    OpCase(lambda x: S.betainc(2.0, 3.0, x), [(5,)], low=0.1, high=0.9, name="betainc",
           torch=lambda T, x: _torch_betainc(T, 2, 3, x)),
    OpCase(tg.erfc, [(2, 3)], torch=lambda T, x: T.erfc(x)),
    OpCase(S.erfcx, [(5,)], low=-1.5, high=3.0, torch=lambda T, x: T.special.erfcx(x)),
    OpCase(tg.erfinv, [(5,)], low=-0.9, high=0.9, torch=lambda T, x: T.erfinv(x)),
    OpCase(S.erfcinv, [(5,)], low=0.2, high=1.8, torch=lambda T, x: T.erfinv(1 - x)),
    OpCase(S.ndtr, [(2, 3)], low=-3.0, high=3.0, torch=lambda T, x: T.special.ndtr(x)),
    OpCase(S.ndtri, [(5,)], low=0.05, high=0.95, torch=lambda T, x: T.special.ndtri(x)),
    OpCase(S.log_ndtr, [(5,)], low=-8.0, high=3.0, torch=lambda T, x: T.special.log_ndtr(x)),
    OpCase(tg.logit, [(5,)], low=0.1, high=0.9, torch=lambda T, x: T.logit(x)),
    OpCase(S.entr, [(5,)], low=0.1, high=3.0, torch=lambda T, x: T.special.entr(x)),
    OpCase(tg.xlogy, [(3, 4), (4,)], low=[-2.0, 0.2], high=[2.0, 3.0],
           torch=lambda T, x, y: T.xlogy(x, y)),
    OpCase(S.xlog1py, [(2, 3), (2, 3)], low=[-2.0, -0.5], high=[2.0, 2.0],
           torch=lambda T, x, y: T.special.xlog1py(x, y)),
    OpCase(tg.i0, [(5,)], low=-3.0, high=3.0, torch=lambda T, x: T.special.i0(x)),
    OpCase(S.i0e, [(5,)], low=-3.0, high=3.0, away_from=[0.0],
           torch=lambda T, x: T.special.i0e(x)),
    OpCase(S.i1, [(5,)], low=-3.0, high=3.0, torch=lambda T, x: T.special.i1(x)),
    OpCase(S.i1e, [(5,)], low=-3.0, high=3.0, away_from=[0.0],
           torch=lambda T, x: T.special.i1e(x)),
    OpCase(lambda x: S.iv(1.5, x), [(5,)], low=0.3, high=3.0, name="iv",
           torch=lambda T, x: _series_jv(T, 1.5, x, sign=1.0)),
    OpCase(lambda x: S.ive(2.5, x), [(5,)], low=0.3, high=3.0, name="ive",
           torch=lambda T, x: _series_jv(T, 2.5, x, sign=1.0) * T.exp(-x)),
    OpCase(S.j0, [(5,)], low=-4.0, high=4.0, torch=lambda T, x: _series_jv(T, 0, x)),
    OpCase(S.j1, [(5,)], low=-4.0, high=4.0, torch=lambda T, x: _series_jv(T, 1, x)),
    OpCase(lambda x: S.jv(2.5, x), [(5,)], low=0.3, high=4.0, name="jv",
           torch=lambda T, x: _series_jv(T, 2.5, x)),
    OpCase(S.y0, [(5,)], low=0.3, high=4.0, torch=_torch_y0),
    OpCase(S.y1, [(5,)], low=0.3, high=4.0, torch=_torch_y1),
    OpCase(lambda x: S.yv(1.5, x), [(5,)], low=0.3, high=4.0, name="yv",
           torch=lambda T, x: _torch_yv(T, 1.5, x)),
    OpCase(SI.exp1, [(5,)], low=0.2, high=3.0,
           torch=lambda T, x: -_EULER - T.log(x) + _series_exp_int(T, x, -1.0)),
    OpCase(SI.expi, [(5,)], low=0.2, high=3.0,
           torch=lambda T, x: _EULER + T.log(x) + _series_exp_int(T, x, 1.0)),
    OpCase(lambda q: SI.zeta(2.5, q), [(5,)], low=0.5, high=3.0, name="zeta",
           torch=lambda T, q: _torch_hurwitz_zeta(T, 2.5, q)),
    OpCase(convolve, [(3, 4), (2, 3)], torch=_torch_convolve2d),
    OpCase(lambda x, y: convolve(x, y, mode="valid"), [(5,), (3,)], name="convolve_valid",
           torch=lambda T, x, y: T.nn.functional.conv1d(x[None, None],
                                                        T.flip(y, (0,))[None, None])[0, 0]),
    OpCase(_drift, [(2,), (3,), (2,)], sample=_times, name="odeint",
           torch=lambda T, y0, t, k: y0 + (t - t[0])[:, None] * k),
]
