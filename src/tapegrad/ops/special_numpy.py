"""NumPy and standard-library values of the main special functions, used by
ops/special.py when SciPy (an optional extra) is not installed. Plain float64 arrays in
and out; no ops and no rules here. Accurate to a few ulps in the ranges the tests
cover; SciPy stays the reference and the faster choice."""
import math

import numpy as np

_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
_SQRT_PI = math.sqrt(math.pi)
_SQRT2 = math.sqrt(2.0)
# B_2k / (2k) for the digamma asymptotic series, and B_2k / (2k)! for Euler-Maclaurin
_BERNOULLI = (1 / 6, -1 / 30, 1 / 42, -1 / 30, 5 / 66, -691 / 2730, 7 / 6, -3617 / 510)
_B_OVER_2K = tuple(b / (2 * (k + 1)) for k, b in enumerate(_BERNOULLI))
_B_OVER_FACT = tuple(b / math.factorial(2 * (k + 1)) for k, b in enumerate(_BERNOULLI))


def _lgamma1(v):
    try:
        return math.lgamma(v)
    except ValueError:          # a pole: SciPy's gammaln gives inf there
        return math.inf


def _gamma1(v):
    try:
        return math.gamma(v)
    except ValueError:          # 0 gives inf with 0's sign (as SciPy); -1, -2, ... nan
        return math.copysign(math.inf, v) if v == 0 else math.nan
    except OverflowError:
        return math.inf


def _erfc1(v):
    return math.erfc(v)


def _erf1(v):
    return math.erf(v)


_lgamma_v = np.vectorize(_lgamma1, otypes=[np.float64])
_gamma_v = np.vectorize(_gamma1, otypes=[np.float64])
_erfc_v = np.vectorize(_erfc1, otypes=[np.float64])
_erf_v = np.vectorize(_erf1, otypes=[np.float64])


def gammaln(x):
    return _lgamma_v(x)


def gamma(x):
    return _gamma_v(x)


def gammasgn(x):
    """The sign of Gamma(x): 1 for x > 0, (-1)^ceil(-x) between the poles below 0."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        below = np.where(np.fmod(np.ceil(-x), 2.0) == 0, 1.0, -1.0)
        out = np.where(x > 0, 1.0, below)
        return np.where((x <= 0) & (x == np.floor(x)), np.where(x == 0, np.copysign(1.0, x),
                                                                 np.nan), out)


def rgamma(x):
    with np.errstate(all="ignore"):
        out = 1.0 / _gamma_v(x)
    # 1 / Gamma is 0 at the poles, where _gamma_v gives nan (or inf at 0)
    x = np.asarray(x, dtype=np.float64)
    return np.where((x <= 0) & (x == np.floor(x)), 0.0, out)


def betaln(a, b):
    return _lgamma_v(a) + _lgamma_v(b) - _lgamma_v(np.add(a, b))


def digamma(x):
    """psi(x): reflection below 1/2, the recurrence up to 10, then the asymptotic series."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        low = x < 0.5
        y = np.where(low, 1.0 - x, x)
        acc = np.zeros_like(y)
        short = y < 10.0
        while np.any(short):
            acc = acc - np.where(short, 1.0 / y, 0.0)
            y = np.where(short, y + 1.0, y)
            short = y < 10.0
        inv2 = 1.0 / (y * y)
        series = np.zeros_like(y)
        for c in reversed(_B_OVER_2K):
            series = (series + c) * inv2
        out = acc + np.log(y) - 0.5 / y - series
        out = np.where(low, out - math.pi / np.tan(math.pi * x), out)
        pole = (x <= 0) & (x == np.floor(x))
        return np.where(pole, np.where(x == 0, -np.inf, np.nan), out)


def _hurwitz_zeta(s, q):
    """zeta(s, q) = sum_k (q + k)^-s for s > 1: the terms up to q + k >= 12 summed, the
    rest by Euler-Maclaurin."""
    s, q = np.broadcast_arrays(np.asarray(s, dtype=np.float64), np.asarray(q, dtype=np.float64))
    with np.errstate(all="ignore"):
        acc = np.zeros(q.shape)
        y = q.copy()
        short = y < 12.0
        while np.any(short):
            acc = acc + np.where(short, y ** -s, 0.0)
            y = np.where(short, y + 1.0, y)
            short = y < 12.0
        tail = y ** (1.0 - s) / (s - 1.0) + 0.5 * y ** -s
        rising = s.copy()                 # s (s + 1) ... (s + 2j - 2)
        power = y ** (-s - 1.0)
        for j, c in enumerate(_B_OVER_FACT):
            tail = tail + c * rising * power
            rising = rising * (s + 2 * j + 1) * (s + 2 * j + 2)
            power = power / (y * y)
        out = acc + tail
        pole = (q <= 0) & (q == np.floor(q))
        return np.where(pole, np.inf, out)


def polygamma(n, x):
    """The n-th derivative of digamma: (-1)^(n+1) n! zeta(n + 1, x) for n >= 1."""
    n, x = np.broadcast_arrays(np.asarray(n, dtype=np.float64), np.asarray(x, dtype=np.float64))
    with np.errstate(all="ignore"):
        fact = _gamma_v(n + 1.0)
        sign = np.where(np.fmod(n, 2.0) == 0, -1.0, 1.0)
        higher = sign * fact * _hurwitz_zeta(n + 1.0, x)
        out = np.where(n == 0, digamma(x), higher)
        return np.where((n < 0) | (n != np.floor(n)), np.nan, out)


def erfc(x):
    return _erfc_v(x)


def ndtr(x):
    return 0.5 * _erfc_v(-np.asarray(x, dtype=np.float64) / _SQRT2)


def log_ndtr(x):
    """log Phi(x): log1p(-Phi(-x)) above 0, log Phi(x) down to -20, and below that the
    asymptotic series of the Mills ratio, which never forms the underflowing Phi(x)."""
    x = np.asarray(x, dtype=np.float64)
    with np.errstate(all="ignore"):
        upper = np.log1p(-0.5 * _erfc_v(x / _SQRT2))
        middle = np.log(0.5 * _erfc_v(-x / _SQRT2))
        t = np.where(x < -20.0, x, -20.0)
        inv2 = 1.0 / (t * t)
        series = np.ones_like(t)
        term = np.ones_like(t)
        for k in range(1, 12):
            term = -term * (2 * k - 1) * inv2
            series = series + term
        tail = -0.5 * t * t - np.log(-t) - _HALF_LOG_2PI + np.log(series)
        return np.where(x > 0, upper, np.where(x < -20.0, tail, middle))


def _giles(y):
    """Giles' single-precision erfinv (a start for Newton's method)."""
    with np.errstate(all="ignore"):
        w = -np.log((1.0 - y) * (1.0 + y))
        c = w - 2.5
        p1 = 2.81022636e-08
        for k in (3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941):
            p1 = k + p1 * c
        c = np.sqrt(w) - 3.0
        p2 = -0.000200214257
        for k in (0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
                  -0.0076224613, 0.00943887047, 1.00167406, 2.83297682):
            p2 = k + p2 * c
        return np.where(w < 5.0, p1, p2) * y


def _erfc_solve(r):
    """x with erfc(x) = r for 0 < r <= 1 (x >= 0), by Newton's method on log erfc, which
    stays well scaled in the far tail where erfc(x) - r would be subnormal."""
    x = np.maximum(_giles(1.0 - r), 0.0)
    x = np.where(r < 1e-8, np.sqrt(-np.log(r)), x)      # past the start's range
    logr = np.log(r)
    with np.errstate(all="ignore"):
        for _ in range(8):
            e = _erfc_v(x)
            step = (np.log(e) - logr) * e * np.exp(x * x) * (_SQRT_PI / 2)
            x = np.where(np.isfinite(step), x + step, x)
    return x


def erfinv(y):
    """Newton on erf(x) = y where |y| <= 1/2; on erfc(|x|) = 1 - |y| beyond (1 - |y| is
    then exact), so the tails keep their digits."""
    y = np.asarray(y, dtype=np.float64)
    with np.errstate(all="ignore"):
        small = np.abs(y) <= 0.5
        x = _giles(np.where(small, y, 0.0))
        for _ in range(3):
            x = x - (_erf_v(x) - np.where(small, y, 0.0)) * np.exp(x * x) * (_SQRT_PI / 2)
        r = 1.0 - np.abs(y)
        big = np.copysign(_erfc_solve(np.where(small | (r <= 0), 0.5, r)), y)
        out = np.where(small, x, big)
        out = np.where(np.abs(y) == 1.0, np.copysign(np.inf, y), out)
        return np.where((np.abs(y) > 1.0) | np.isnan(y), np.nan, out)


def erfcinv(r):
    """x with erfc(x) = r, 0 <= r <= 2: the tail directly, the middle through erfinv."""
    r = np.asarray(r, dtype=np.float64)
    with np.errstate(all="ignore"):
        tail = (r > 0) & (r < 0.5)
        far = (r > 1.5) & (r < 2.0)
        middle = erfinv(np.where(tail | far, 0.0, 1.0 - r))
        lo = _erfc_solve(np.where(tail, r, 0.5))
        hi = -_erfc_solve(np.where(far, 2.0 - r, 0.5))
        return np.where(tail, lo, np.where(far, hi, middle))


def ndtri(p):
    return -_SQRT2 * erfcinv(2.0 * np.asarray(p, dtype=np.float64))


def logit(p):
    p = np.asarray(p, dtype=np.float64)
    with np.errstate(all="ignore"):
        return np.log(p) - np.log1p(-p)

# the names `from tapegrad.ops.special_numpy import *` gives (tests/test_all.py)
__all__ = ["gammaln", "gamma", "gammasgn", "rgamma", "betaln", "digamma", "polygamma", "erfc",
           "ndtr", "log_ndtr", "erfinv", "erfcinv", "ndtri", "logit"]
