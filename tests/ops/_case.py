"""What a row of the op case table is (OpCase) and the samplers rows draw inputs with.
The rows themselves are in cases.py and the cases_*.py files beside it."""
import zlib

import numpy as np

import tapegrad as tg

SAME = "same"           # the row's fn is plain operator code that torch tensors run as is


class OpCase:
    """One row: `fn(*inputs, **kwargs)` with inputs drawn from a domain.

    Args:
        fn: the function under test; takes one tensor per entry of `shapes`.
        shapes: shapes of the differentiable (floating) inputs.
        kwargs: fixed keyword arguments passed to `fn`.
        low, high: sampling range, a number or one per input.
        away_from: points every sampled element keeps at least `gap` away from.
        sample: optional `sample(rng, shapes) -> list of float64 arrays` for inputs
            that need structure (no ties, a zero in a product, ...).
        torch: `torch(T, *xs)` computing the same thing with the torch module `T`;
            SAME when `fn` itself works on torch tensors; None to skip the comparison.
        name: label for the test id (defaults to the function's name).
        out_dtype: the result's dtype when it is not the inputs' (a cast, a float64
            NumPy operand promoting float32 inputs).
    """

    def __init__(self, fn, shapes, kwargs=None, *, low=-2.0, high=2.0, away_from=(),
                 gap=0.15, sample=None, torch=None, name=None, out_dtype=None):
        self.fn = fn
        self.shapes = [tuple(s) for s in shapes]
        self.kwargs = dict(kwargs or {})
        self.low = low
        self.high = high
        self.away_from = tuple(away_from)
        self.gap = gap
        self._sample = sample
        self.torch = torch
        self.name = name or getattr(fn, "__name__", "fn")
        self.out_dtype = out_dtype

    def __repr__(self):
        shapes = ",".join(str(s).replace(" ", "") for s in self.shapes)
        kw = ",".join(f"{k}={v!r}".replace(" ", "") for k, v in self.kwargs.items())
        return f"{self.name}[{shapes}{';' + kw if kw else ''}]"

    @property
    def rng(self):
        """A generator seeded from the row's id, so each row's inputs repeat."""
        return np.random.default_rng(zlib.crc32(repr(self).encode()))

    def __call__(self, *xs):
        return self.fn(*xs, **self.kwargs)

    def sample(self, dtype=np.float64, rng=None):
        """One array per input, in `dtype`, inside the row's domain."""
        rng = self.rng if rng is None else rng
        if self._sample is not None:
            arrays = self._sample(rng, self.shapes)
        else:
            arrays = [self._uniform(rng, i, s) for i, s in enumerate(self.shapes)]
        return [np.asarray(a, dtype=dtype) for a in arrays]

    def _uniform(self, rng, i, shape):
        low = self.low[i] if isinstance(self.low, (list, tuple)) else self.low
        high = self.high[i] if isinstance(self.high, (list, tuple)) else self.high
        a = rng.uniform(low, high, size=shape)
        for _ in range(100):
            bad = np.zeros(np.shape(a), dtype=bool)
            for p in self.away_from:
                bad |= np.abs(a - p) < self.gap
            if not bad.any():
                return a
            a = np.where(bad, rng.uniform(low, high, size=shape), a)
        raise ValueError(f"{self!r}: could not sample away from {self.away_from}")

    def tensors(self, dtype=np.float64, requires_grad=True, rng=None):
        return [tg.tensor(a, requires_grad=requires_grad) for a in self.sample(dtype, rng)]


def outputs(result):
    """A function's result as a list of tensors (split returns several)."""
    if isinstance(result, (list, tuple)):
        return list(result)
    return [result]


# ------------------------------------------------------------------ samplers

def distinct(rng, shapes, spacing=0.25, positive=False):
    """Inputs whose elements are pairwise at least `spacing` apart (no ties anywhere)."""
    sizes = [int(np.prod(s)) for s in shapes]
    n = sum(sizes)
    values = (rng.permutation(n) - (0 if positive else n // 2)) * spacing
    if positive:
        values = values + spacing
    out, k = [], 0
    for s, m in zip(shapes, sizes):
        out.append(values[k:k + m].reshape(s))
        k += m
    return out


def distinct_abs(rng, shapes):
    """Distinct nonzero magnitudes with random signs (for max/min of abs)."""
    mags = distinct(rng, shapes, positive=True)
    return [m * rng.choice([-1.0, 1.0], size=m.shape) for m in mags]


def apart(rng, shapes):
    """Two inputs that differ by at least 0.2 everywhere after broadcasting.

    One of the two shapes must be the broadcast shape: the other input is drawn first
    and the bigger one is placed around it.
    """
    s0, s1 = shapes
    big = np.broadcast_shapes(s0, s1)
    if big not in (s0, s1):
        raise ValueError(f"apart: one of {s0} and {s1} must be their broadcast shape")
    small = rng.uniform(-2, 2, size=s1 if s0 == big else s0)
    near = small + rng.choice([-1.0, 1.0], size=big) * rng.uniform(0.2, 1.5, size=big)
    return [near, small] if s0 == big else [small, near]


def with_zero(rng, shapes):
    """One input with an exact zero (the product's gradient there is the others')."""
    (shape,) = shapes
    a = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1.0, 1.0], size=shape)
    a.flat[1] = 0.0
    return [a]


def off_jumps(rng, shapes):
    """x and y with x / y kept 0.1 away from whole numbers (remainder, fmod, //): x has
    the broadcast shape, y is nonzero."""
    s0, s1 = shapes
    y = rng.uniform(0.6, 2.0, size=s1) * rng.choice([-1.0, 1.0], size=s1)
    q = rng.integers(-3, 4, size=s0) + rng.uniform(0.1, 0.9, size=s0)
    return [np.broadcast_to(y, s0) * q, y]
