"""Rows for triangles and diagonals, the gather/scatter family and products
(ops/indexing.py, ops/products.py), each against its PyTorch spelling."""
import numpy as np

import tapegrad as tg

from ._case import OpCase

TAKE = np.array([5, 0, 5, 11])                      # flat positions, one repeated
COLS = np.array([3, 0, 3])
ALONG = np.array([[1, 1], [3, 0], [2, 2]])          # (3, 2) into (3, 4) along axis 1
GATHER = np.array([[2, 0, 0, 1], [2, 2, 1, 0]])     # (2, 4) into (3, 4) along dim 0
SCATTER = np.array([[0, 2, 2, 1], [2, 2, 0, 1]])    # repeats accumulate in scatter_add
SCATTER_ONCE = np.array([[2, 0, 1, 1]])
ADD_ROWS = np.array([1, 1, 3])
MASK = np.array([[True, False, False, True], [False, True, False, False],
                 [True, True, False, False]])


def _t(T, a):
    return T.from_numpy(np.asarray(a))


ROWS_TRI = [
    OpCase(tg.tril, [(2, 3, 4)], dict(diagonal=1),
           torch=lambda T, x, diagonal: T.tril(x, diagonal)),
    OpCase(tg.triu, [(3, 4)], dict(diagonal=-1),
           torch=lambda T, x, diagonal: T.triu(x, diagonal)),
    OpCase(lambda x: x.tril(), [(4, 3)], name="method_tril", torch=lambda T, x: x.tril()),
    OpCase(tg.diagonal, [(2, 3, 4)], dict(offset=1, dim1=2, dim2=0),
           torch=lambda T, x, offset, dim1, dim2: T.diagonal(x, offset, dim1, dim2)),
    OpCase(tg.diagonal, [(3, 4)], dict(offset=-1, axis1=1, axis2=0), name="diagonal_axes",
           torch=lambda T, x, offset, axis1, axis2: T.diagonal(x, offset, axis1, axis2)),
    OpCase(tg.diag, [(3,)], dict(diagonal=-1),
           torch=lambda T, x, diagonal: T.diag(x, diagonal)),
    OpCase(tg.diag, [(3, 4)], dict(k=1), name="diag_of_matrix",
           torch=lambda T, x, k: T.diag(x, k)),
    OpCase(tg.diag_embed, [(2, 3)], dict(offset=1, dim1=0, dim2=2),
           torch=lambda T, x, offset, dim1, dim2: T.diag_embed(x, offset, dim1, dim2)),
    OpCase(tg.trace, [(3, 3)], torch=lambda T, x: T.trace(x)),
    OpCase(tg.trace, [(2, 3, 4)], dict(offset=1, axis1=2, axis2=1), name="trace_batched",
           torch=lambda T, x, offset, axis1, axis2: T.diagonal(x, offset, axis1,
                                                               axis2).sum(-1)),
]

ROWS_GATHER = [
    OpCase(lambda x: tg.take(x, TAKE), [(3, 4)], name="take",
           torch=lambda T, x: T.take(x, _t(T, TAKE))),
    OpCase(lambda x: tg.take(x, COLS, axis=1), [(3, 4)], name="take_axis",
           torch=lambda T, x: T.index_select(x, 1, _t(T, COLS))),
    OpCase(lambda x: tg.take_along_axis(x, ALONG, axis=1), [(3, 4)], name="take_along_axis",
           torch=lambda T, x: T.take_along_dim(x, _t(T, ALONG), dim=1)),
    OpCase(lambda x: tg.take_along_dim(x, ALONG[:1], 1), [(3, 4)],
           name="take_along_dim_broadcast",
           torch=lambda T, x: T.take_along_dim(x, _t(T, ALONG[:1]), dim=1)),
    OpCase(lambda x: tg.gather(x, 0, GATHER), [(3, 4)], name="gather",
           torch=lambda T, x: T.gather(x, 0, _t(T, GATHER))),
    OpCase(lambda x, src: tg.scatter_add(x, 0, SCATTER, src), [(3, 4), (2, 4)],
           name="scatter_add",
           torch=lambda T, x, src: T.scatter_add(x, 0, _t(T, SCATTER), src)),
    OpCase(lambda x, src: x.scatter(0, SCATTER_ONCE, src), [(3, 4), (1, 4)],
           name="scatter", torch=lambda T, x, src: x.scatter(0, _t(T, SCATTER_ONCE), src)),
    OpCase(lambda x, s: tg.index_add(x, 0, ADD_ROWS, s, alpha=2.0), [(4, 3), (3, 3)],
           name="index_add", torch=lambda T, x, s: T.index_add(x, 0, _t(T, ADD_ROWS), s,
                                                               alpha=2.0)),
    OpCase(lambda x: tg.index_select(x, 1, COLS), [(3, 4)], name="index_select",
           torch=lambda T, x: T.index_select(x, 1, _t(T, COLS))),
    OpCase(tg.select, [(2, 3, 4)], dict(dim=1, index=-1),
           torch=lambda T, x, dim, index: T.select(x, dim, index)),
    OpCase(lambda x, v: tg.masked_fill(x, MASK, v), [(3, 4), ()], name="masked_fill",
           torch=lambda T, x, v: T.masked_fill(x, _t(T, MASK), v)),
    OpCase(lambda x: x.masked_fill(MASK[0], 0.5), [(3, 4)], name="method_masked_fill",
           torch=lambda T, x: x.masked_fill(_t(T, MASK[0]), 0.5)),
]

ROWS_PRODUCTS = [
    OpCase(tg.inner, [(2, 3), (4, 3)], torch=lambda T, x, y: T.inner(x, y)),
    OpCase(tg.vdot, [(2, 3), (6,)],
           torch=lambda T, x, y: T.vdot(x.reshape(-1), y.reshape(-1))),
    OpCase(tg.tensordot, [(2, 3, 4), (4, 3, 2)], dict(dims=([1, 2], [1, 0])),
           torch=lambda T, x, y, dims: T.tensordot(x, y, dims=dims)),
    OpCase(tg.tensordot, [(2, 3), (3, 4)], dict(axes=1), name="tensordot_int",
           torch=lambda T, x, y, axes: T.tensordot(x, y, dims=axes)),
    OpCase(tg.kron, [(2, 3), (2, 2)], torch=lambda T, x, y: T.kron(x, y)),
    OpCase(tg.kron, [(3,), (2, 2)], name="kron_mixed_ndim",
           torch=lambda T, x, y: T.kron(x, y)),
    OpCase(tg.cross, [(4, 3), (3,)], dict(dim=-1),
           torch=lambda T, x, y, dim: T.linalg.cross(x, y[None], dim=dim)),
    OpCase(tg.cross, [(3, 2), (2, 3)], dict(axisa=0, axisc=0), name="cross_numpy_axes",
           torch=lambda T, x, y, axisa, axisc: T.linalg.cross(x.T, y).T),
    OpCase(tg.mm, [(2, 3), (3, 4)], torch=lambda T, x, y: T.mm(x, y)),
    OpCase(lambda x, y: x.bmm(y), [(2, 2, 3), (2, 3, 4)], name="bmm",
           torch=lambda T, x, y: T.bmm(x, y)),
    OpCase(lambda x: x.t(), [(2, 3)], name="method_t", torch=lambda T, x: x.t()),
]

ROWS = ROWS_TRI + ROWS_GATHER + ROWS_PRODUCTS
