"""The cost NumPy's protocols add to a tapegrad.numpy call (issue 15: at most 1 us):
`np.sin(t)` (through Tensor.__array_ufunc__) and `np.sort(t)`, `np.sum(t)` (through
__array_function__) against `tnp.sin(t)`, `tnp.sort(t)`, `tnp.sum(t)` called directly.

    env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE .venv/bin/python bench/dispatch.py

Each sample times a batch of calls of both spellings back to back (CPU time), so load
from other processes falls on both; the figure is the median of the per-batch
differences per call. NumPy's own share (its override lookup, the same for any array
library) is shown as well: a class whose protocol methods return at once.
"""
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import tapegrad as tg  # noqa: E402
import tapegrad.numpy as tnp  # noqa: E402

BATCH = 2000


def _batch(f, n=BATCH):
    t0 = time.process_time()
    for _ in range(n):
        f()
    return time.process_time() - t0


def added_us(via_numpy, direct, samples=15):
    """Median over samples of (time(via_numpy) - time(direct)) per call, in us."""
    _batch(via_numpy, 100)
    _batch(direct, 100)
    diffs = []
    for _ in range(samples):
        a = _batch(via_numpy)
        b = _batch(direct)
        diffs.append((a - b) / BATCH * 1e6)
    return float(np.median(diffs))


class _Bare:
    """An array-like whose protocol methods do nothing: NumPy's own dispatch cost."""

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        return None

    def __array_function__(self, func, types, args, kwargs):
        return None


def rows():
    """(name, added us per call) for each dispatch path."""
    t = tg.tensor(np.linspace(0.0, 1.0, 8), requires_grad=True)
    bare = _Bare()
    return [
        ("np.sin(t) - tnp.sin(t) (__array_ufunc__)",
         added_us(lambda: np.sin(t), lambda: tnp.sin(t))),
        ("np.sort(t) - tnp.sort(t) (__array_function__)",
         added_us(lambda: np.sort(t), lambda: tnp.sort(t))),
        ("np.sum(t) - tnp.sum(t) (__array_function__)",
         added_us(lambda: np.sum(t), lambda: tnp.sum(t))),
        ("NumPy's share: np.sin(bare) - no-op",
         added_us(lambda: np.sin(bare), lambda: None)),
        ("NumPy's share: np.sort(bare) - no-op",
         added_us(lambda: np.sort(bare), lambda: None)),
    ]


def main():
    for name, us in rows():
        print(f"{name:50s} {us:6.2f} us")


if __name__ == "__main__":
    main()
