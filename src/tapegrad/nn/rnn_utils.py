"""Variable-length sequences (PyTorch's torch.nn.utils.rnn): pad_sequence, pack_sequence,
pack_padded_sequence, pad_packed_sequence, unpack_sequence and PackedSequence.

Every function gathers rows with one recorded indexing op, so gradients flow back to the
sequences' elements.
"""
from collections import namedtuple

import numpy as np

from .. import ops
from .._check import _got, flag, choice
from .._tensor import Tensor, make
from ..errors import raw_values


def _tensor_arg(x, fn, arg):
    if not isinstance(x, Tensor):
        raise TypeError(f"{fn}: {arg} must be a tensor, got {_got(x)}")
    return x


def _with_pad_row(data, padding_value):
    """data with one extra row of padding_value at the end (the gather target for gaps)."""
    pad = np.full((1,) + data.shape[1:], padding_value, dtype=data._data.dtype)
    return ops.cat([data, make(pad)], 0)


class PackedSequence(namedtuple("PackedSequence",
                                ["data", "batch_sizes", "sorted_indices", "unsorted_indices"])):
    """Sequences of different lengths stored time step by time step: `data` holds, for
    each step t, the rows of the `batch_sizes[t]` sequences still running (longest first).
    `sorted_indices` maps that order back to the original batch (None when the input was
    already sorted). Made by `pack_padded_sequence` / `pack_sequence`; the recurrent layers
    take it as input and return one.

    >>> import tapegrad as tg
    >>> x = tg.ones(3, 2, 1)
    >>> p = tg.nn.utils.rnn.pack_padded_sequence(x, [3, 1])
    >>> p.data.shape, p.batch_sizes.tolist()
    ((4, 1), [2, 1, 1])
    """

    def __new__(cls, data, batch_sizes=None, sorted_indices=None, unsorted_indices=None):
        if unsorted_indices is None and sorted_indices is not None:
            order = np.asarray(getattr(sorted_indices, "_data", sorted_indices))
            unsorted_indices = make(np.argsort(order).astype(np.int64))
        return super().__new__(cls, data, batch_sizes, sorted_indices, unsorted_indices)

    @property
    def is_cuda(self):
        return False


def _as_tensor_ids(v):
    return None if v is None else make(np.asarray(v, dtype=np.int64))


def pad_sequence(sequences, batch_first: bool = False, padding_value: float = 0.0,
                 padding_side: str = "right"):
    """Stack tensors of shape (L_i, *) into (L_max, B, *) (or (B, L_max, *) when
    `batch_first`), filling the gaps with `padding_value` on `padding_side`.

    >>> import tapegrad as tg
    >>> tg.nn.utils.rnn.pad_sequence([tg.ones(2), tg.ones(1)], batch_first=True).tolist()
    [[1.0, 1.0], [1.0, 0.0]]
    """
    fn = "pad_sequence"
    if isinstance(sequences, Tensor):
        sequences = list(ops.unbind(sequences, 0))
    if isinstance(sequences, (str, bytes)) or not hasattr(sequences, "__iter__"):
        raise TypeError(f"{fn}: sequences must be a list of tensors, got {_got(sequences)}")
    sequences = list(sequences)
    batch_first = flag(batch_first, fn, "batch_first")
    choice(padding_side, ("right", "left"), fn, "padding_side")
    if not sequences:
        raise ValueError(f"{fn}: received an empty list of sequences")
    for i, s in enumerate(sequences):
        _tensor_arg(s, fn, f"sequences[{i}]")
        if s.ndim == 0:
            raise ValueError(f"{fn}: sequences[{i}] is 0-d; each sequence needs a time axis")
        if s.shape[1:] != sequences[0].shape[1:]:
            raise ValueError(f"{fn}: sequences[{i}] has trailing shape {s.shape[1:]}, but "
                             f"sequences[0] has {sequences[0].shape[1:]}")
    lengths = np.array([s.shape[0] for s in sequences])
    n, longest = len(sequences), int(lengths.max())
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    total = int(lengths.sum())
    t = np.arange(longest)[:, None]
    offset = t - (longest - lengths[None, :]) if padding_side == "left" else t
    valid = (offset >= 0) & (offset < lengths[None, :])
    idx = np.where(valid, starts[None, :] + offset, total)        # (L_max, B)
    data = _with_pad_row(ops.cat(sequences, 0), padding_value)
    out = data[idx.T if batch_first else idx]
    return out


def _gather_packed(x, order, batch_sizes, batch_first):
    """The packed rows of padded x: step by step, the first batch_sizes[t] of `order`."""
    t_idx = np.repeat(np.arange(batch_sizes.size), batch_sizes)
    b_idx = np.asarray(order)[np.concatenate([np.arange(k) for k in batch_sizes])]
    return x[b_idx, t_idx] if batch_first else x[t_idx, b_idx]


def _pack_data(x, packed):
    """Rows of x (T, B, *) in the batch order and step layout of `packed`."""
    order = (np.arange(x.shape[1]) if packed.sorted_indices is None
             else np.asarray(getattr(packed.sorted_indices, "_data", packed.sorted_indices)))
    bs = np.asarray(getattr(packed.batch_sizes, "_data", packed.batch_sizes))
    return _gather_packed(x, order, bs, False)


def pack_padded_sequence(input, lengths, batch_first: bool = False,
                         enforce_sorted: bool = True) -> PackedSequence:
    """Pack a padded batch (T, B, *) (or (B, T, *) when `batch_first`) whose sequences
    have the given `lengths`. With `enforce_sorted` the lengths must be decreasing;
    otherwise the batch is sorted here and `sorted_indices` records the order.

    >>> import tapegrad as tg
    >>> p = tg.nn.utils.rnn.pack_padded_sequence(tg.ones(2, 2), [1, 2], enforce_sorted=False)
    >>> p.batch_sizes.tolist(), p.sorted_indices.tolist()
    ([2, 1], [1, 0])
    """
    fn = "pack_padded_sequence"
    _tensor_arg(input, fn, "input")
    batch_first = flag(batch_first, fn, "batch_first")
    enforce_sorted = flag(enforce_sorted, fn, "enforce_sorted")
    lens = np.asarray(raw_values(lengths._data, fn) if isinstance(lengths, Tensor) else
                      lengths)
    if lens.ndim != 1 or (lens.size and lens.dtype.kind not in "iu"):
        raise TypeError(f"{fn}: lengths must be a 1-D sequence of ints, got {_got(lengths)}")
    lens = lens.astype(np.int64)
    if input.ndim < 2:
        raise ValueError(f"{fn}: input must have a time and a batch axis, got shape "
                         f"{input.shape}")
    steps, batch = (input.shape[1], input.shape[0]) if batch_first else input.shape[:2]
    if lens.size != batch:
        raise ValueError(f"{fn}: expected {batch} lengths (the batch size), got {lens.size}")
    if lens.size and lens.min() <= 0:
        raise ValueError(f"{fn}: every length must be positive, got {lens.tolist()}")
    if lens.size and lens.max() > steps:
        raise ValueError(f"{fn}: a length of {lens.max()} exceeds the {steps} time steps of "
                         "input")
    if enforce_sorted:
        if np.any(np.diff(lens) > 0):
            raise ValueError(f"{fn}: lengths must be sorted in decreasing order when "
                             f"enforce_sorted=True, got {lens.tolist()}; pass "
                             "enforce_sorted=False to sort them here")
        order, sorted_ids = np.arange(batch), None
    else:
        order = np.argsort(-lens, kind="stable")
        sorted_ids = order
    slens = lens[order]
    batch_sizes = (np.arange(int(slens[0]))[:, None] < slens[None, :]).sum(1)
    data = _gather_packed(input, order, batch_sizes, batch_first)
    return PackedSequence(data, make(batch_sizes.astype(np.int64)),
                          _as_tensor_ids(sorted_ids),
                          _as_tensor_ids(None if sorted_ids is None
                                         else np.argsort(sorted_ids)))


def pad_packed_sequence(sequence, batch_first: bool = False, padding_value: float = 0.0,
                        total_length=None):
    """Undo `pack_padded_sequence`: returns (padded, lengths), the batch in its original
    order, padded with `padding_value` to the longest length (or `total_length`).

    >>> import tapegrad as tg
    >>> p = tg.nn.utils.rnn.pack_padded_sequence(tg.ones(3, 2), [3, 1])
    >>> out, lengths = tg.nn.utils.rnn.pad_packed_sequence(p)
    >>> out.shape, lengths.tolist()
    ((3, 2), [3, 1])
    """
    fn = "pad_packed_sequence"
    if not isinstance(sequence, PackedSequence):
        raise TypeError(f"{fn}: sequence must be a PackedSequence, got {_got(sequence)}")
    batch_first = flag(batch_first, fn, "batch_first")
    bs = np.asarray(sequence.batch_sizes._data if isinstance(sequence.batch_sizes, Tensor)
                    else sequence.batch_sizes)
    steps = bs.size
    if total_length is not None:
        if isinstance(total_length, bool) or not isinstance(total_length, (int, np.integer)):
            raise TypeError(f"{fn}: total_length must be an int or None, got "
                            f"{_got(total_length)}")
        if total_length < steps:
            raise ValueError(f"{fn}: Expected total_length to be at least the length of the "
                             f"longest sequence ({steps}), got {total_length}")
        steps = int(total_length)
    batch = int(bs[0])
    starts = np.concatenate([[0], np.cumsum(bs)[:-1]])
    slens = (np.arange(batch)[:, None] < bs[None, :]).sum(1)
    t = np.arange(steps)[:, None]
    b = np.arange(batch)[None, :]
    valid = t < slens[None, :]
    tt = np.minimum(t, bs.size - 1)
    idx = np.where(valid, starts[tt] + b, int(bs.sum()))            # (T, B) sorted order
    lengths = slens
    if sequence.unsorted_indices is not None:
        unsorted = np.asarray(sequence.unsorted_indices._data
                              if isinstance(sequence.unsorted_indices, Tensor)
                              else sequence.unsorted_indices)
        idx, lengths = idx[:, unsorted], slens[unsorted]
    data = _with_pad_row(sequence.data, padding_value)
    out = data[idx.T if batch_first else idx]
    return out, make(lengths.astype(np.int64))


def pack_sequence(sequences, enforce_sorted: bool = True) -> PackedSequence:
    """Pack a list of tensors (L_i, *) directly (pad_sequence then pack_padded_sequence).

    >>> import tapegrad as tg
    >>> tg.nn.utils.rnn.pack_sequence([tg.ones(3), tg.ones(2)]).batch_sizes.tolist()
    [2, 2, 1]
    """
    lengths = [getattr(s, "shape", (0,))[0] if getattr(s, "ndim", 0) else 0
               for s in sequences]
    padded = pad_sequence(sequences)
    return pack_padded_sequence(padded, lengths, enforce_sorted=enforce_sorted)


def unpack_sequence(packed_sequences):
    """The list of tensors (L_i, *) a PackedSequence holds, in the original order.

    >>> import tapegrad as tg
    >>> p = tg.nn.utils.rnn.pack_sequence([tg.ones(3), tg.ones(2)])
    >>> [s.shape for s in tg.nn.utils.rnn.unpack_sequence(p)]
    [(3,), (2,)]
    """
    padded, lengths = pad_packed_sequence(packed_sequences, batch_first=True)
    return [padded[i, :int(n)] for i, n in enumerate(lengths._data)]

# the names `from tapegrad.nn.rnn_utils import *` gives (tests/test_all.py)
__all__ = ["PackedSequence", "pad_sequence", "pack_padded_sequence", "pad_packed_sequence",
           "pack_sequence", "unpack_sequence"]
