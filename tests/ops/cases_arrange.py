"""Rows of the shape-rearranging ops (ops/arrange.py): flips, rolls, tiles, repeats, pads,
the stacks and splits and the functions composed from shape ops. Each row also names the
PyTorch expression computing the same thing (torch's own function where it has one)."""
import numpy as np

import tapegrad as tg
from tapegrad.ops import apply
from tapegrad.ops.arrange import OuterTakeSum

from ._case import OpCase

REPS = np.array([2, 0, 1])
SOURCES = np.array([2, 0, 2, 2, 1])     # repeats, and position 0 of 4 gets nothing


def _gather(T, x, pad_width, mode):
    """np.pad's gather modes in torch, as one advanced index (torch's own reflect pad
    works on batched trailing axes only)."""
    idx = [np.pad(np.arange(n), p, mode=mode) for n, p in zip(x.shape, pad_width)]
    return x[tuple(T.from_numpy(i) for i in np.ix_(*idx))]


def _torch_const_pad(T, x, pad_width, constant_values):
    flat = [n for pair in reversed(pad_width) for n in pair]
    return T.nn.functional.pad(x, flat, value=constant_values)


ROWS = [
    OpCase(tg.flip, [(2, 3, 2)], dict(dims=(0, 2)),
           torch=lambda T, x, dims: T.flip(x, dims)),
    OpCase(tg.fliplr, [(2, 3)], torch=lambda T, x: T.fliplr(x)),
    OpCase(tg.rot90, [(2, 3, 2)], dict(k=3, axes=(2, 0)),
           torch=lambda T, x, k, axes: T.rot90(x, k, axes)),
    OpCase(tg.roll, [(3, 4)], dict(shift=(1, -2), axis=(0, 1)),
           torch=lambda T, x, shift, axis: T.roll(x, shift, axis)),
    OpCase(tg.roll, [(2, 3)], dict(shift=4), name="roll_flat",
           torch=lambda T, x, shift: T.roll(x, shift)),
    OpCase(tg.tile, [(2, 3)], dict(reps=(2, 1, 3)),
           torch=lambda T, x, reps: T.tile(x, reps)),
    OpCase(lambda x: x.repeat(2, 1), [(2, 2)], name="Tensor.repeat",
           torch=lambda T, x: x.repeat(2, 1)),
    OpCase(tg.repeat, [(2, 3)], dict(repeats=2, axis=0),
           torch=lambda T, x, repeats, axis: T.repeat_interleave(x, repeats, axis)),
    OpCase(tg.repeat_interleave, [(2, 3)], dict(repeats=REPS, dim=1),
           torch=lambda T, x, repeats, dim: T.repeat_interleave(x, T.from_numpy(repeats),
                                                                dim)),
    OpCase(tg.pad, [(2, 3)], dict(pad_width=((1, 0), (2, 1)), constant_values=1.5),
           torch=_torch_const_pad),
    OpCase(tg.pad, [(3, 2)], dict(pad_width=((2, 3), (1, 1)), mode="reflect"),
           name="pad_reflect", torch=_gather),
    OpCase(tg.pad, [(2, 3)], dict(pad_width=2, mode="wrap"), name="pad_wrap",
           torch=lambda T, x, pad_width, mode: _gather(T, x, ((2, 2),) * 2, mode)),
    # the adjoint of pad's gather, reached directly (pad's gradient runs it too)
    OpCase(lambda x: apply(OuterTakeSum, x, index=(None, SOURCES), shape=(2, 4)), [(2, 5)],
           name="OuterTakeSum",
           torch=lambda T, x: T.zeros(2, 4, dtype=x.dtype).index_add(1, T.from_numpy(SOURCES),
                                                                     x)),
    OpCase(tg.moveaxis, [(2, 3, 4)], dict(source=(0, 1), destination=(2, 0)),
           torch=lambda T, x, source, destination: T.movedim(x, source, destination)),
    OpCase(lambda x, y: tg.hstack([x, y]), [(2, 1), (2, 3)], name="hstack",
           torch=lambda T, x, y: T.hstack([x, y])),
    OpCase(lambda x, y: tg.column_stack((x, y)), [(3,), (3, 2)], name="column_stack",
           torch=lambda T, x, y: T.column_stack((x, y))),
    OpCase(lambda x, y: tg.dstack([x, y]), [(2,), (1, 2)], name="dstack",
           torch=lambda T, x, y: T.dstack([x, y])),
    OpCase(tg.array_split, [(5, 2)], dict(indices_or_sections=3),
           torch=lambda T, x, indices_or_sections: T.tensor_split(x, indices_or_sections)),
    OpCase(tg.hsplit, [(2, 4)], dict(indices_or_sections=[1, 3]),
           torch=lambda T, x, indices_or_sections: T.hsplit(x, indices_or_sections)),
    OpCase(tg.unbind, [(2, 3)], dict(dim=1), torch=lambda T, x, dim: T.unbind(x, dim)),
    OpCase(tg.narrow, [(3, 5)], dict(dim=1, start=-4, length=2),
           torch=lambda T, x, dim, start, length: T.narrow(x, dim, start, length)),
    OpCase(lambda x, y: tg.meshgrid(x, y, indexing="xy"), [(2,), (3,)], name="meshgrid",
           torch=lambda T, x, y: T.meshgrid(x, y, indexing="xy")),
    OpCase(tg.broadcast_arrays, [(2, 1), (3,)],
           torch=lambda T, x, y: T.broadcast_tensors(x, y)),
    OpCase(tg.append, [(2, 2), (3,)],
           torch=lambda T, x, y: T.cat([x.reshape(-1), y.reshape(-1)])),
]
