"""Rows for session 9's tapegrad.numpy / tapegrad.scipy work: scipy.linalg.solve_banded
(ops/banded.py). PyTorch has no banded solver: the torch side builds the dense matrix
from the band array and solves it."""
import numpy as np

from tapegrad.scipy import linalg as tsl

from ._case import OpCase

_N = 5


def _banded(rng, shapes):
    """A band array whose matrix is diagonally dominant (well conditioned), then b."""
    (m, n), rest = shapes[0], shapes[1:]
    ab = rng.uniform(-1.0, 1.0, (m, n))
    return [ab, *[rng.standard_normal(s) for s in rest]]


def _with_diag(u):
    # the diagonal row (row u) pushed away from zero, inside the row so every sample
    # (and every perturbation gradcheck makes) stays diagonally dominant
    def fn(ab, b):
        shift = np.zeros((ab.shape[0], 1))
        shift[u] = 4.0
        return tsl.solve_banded((ab.shape[0] - 1 - u, u), ab + shift.astype(ab.dtype), b)
    return fn


def _torch_banded(u):
    def fn(T, ab, b):
        m, n = ab.shape
        l = m - 1 - u
        shift = T.zeros((m, 1), dtype=ab.dtype)
        shift[u] = 4.0
        ab = ab + shift
        i, j = np.meshgrid(np.arange(n), np.arange(n), indexing="ij")
        keep = (j - i >= -l) & (j - i <= u)
        ii, jj = T.tensor(i[keep]), T.tensor(j[keep])
        A = T.zeros((n, n), dtype=ab.dtype)
        A = A.index_put((ii, jj), ab[u + ii - jj, jj])
        return T.linalg.solve(A, b)
    return fn


ROWS = [
    OpCase(_with_diag(1), [(4, _N), (_N,)], sample=_banded, name="solve_banded(l2,u1)",
           torch=_torch_banded(1)),
    OpCase(_with_diag(0), [(2, _N), (_N, 2)], sample=_banded, name="solve_banded(l1,u0)",
           torch=_torch_banded(0)),
]
