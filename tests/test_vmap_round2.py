"""tg.vmap, round 2: batching rules of the ops that used to fall back to the loop (each
checked with the loop warning turned into an error), semantics against torch.func and
JAX, and per-sample gradients of a CNN, recurrent cells and attention against
torch.func.vmap(grad)."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.nn.functional as F
from tapegrad.ops.recurrent import lstm_gates, lstm_sequence
from tapegrad.ops.recurrent_seq import gru_sequence, rnn_sequence
from tapegrad.vmap import BatchedWriteError, ControlFlowError, _api, _batched

RNG = np.random.default_rng(0)


def _t(*shape):
    return tg.tensor(RNG.standard_normal(shape))


def _np(v):
    return np.asarray(v.numpy() if hasattr(v, "numpy") else v)


def _strict(fn, *args, **kw):
    """fn(*args) with vmap's fallback warnings raised as errors (none may fire)."""
    _batched._warned.clear()
    _api._warned.clear()
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message="vmap:", category=RuntimeWarning)
        return fn(*args, **kw)


def _loop(f, in_axes, args):
    n = next(a.shape[ax] for a, ax in zip(args, in_axes) if ax is not None)
    outs = []
    for b in range(n):
        xs = [a if ax is None else tg.tensor(np.take(_np(a), b, axis=ax))
              for a, ax in zip(args, in_axes)]
        outs.append(f(*xs))
    if isinstance(outs[0], (tuple, list)):
        return [np.stack([_np(o[k]) for o in outs]) for k in range(len(outs[0]))]
    return np.stack([_np(o) for o in outs])


def _same(got, want, tol=1e-10):
    if isinstance(want, list):
        for g, w in zip(got, want):
            np.testing.assert_allclose(_np(g), w, rtol=tol, atol=tol)
    else:
        np.testing.assert_allclose(_np(got), want, rtol=tol, atol=tol)


def _check(f, in_axes, *args, grad=True):
    """vmap(f), vmap(grad(sum of squares of f)) and vmap(vmap(f)) run batched (no loop
    warning) and equal the loop over the batch."""
    _same(_strict(tg.vmap(f, in_axes=in_axes), *args), _loop(f, in_axes, args))
    if grad:
        nums = tuple(k for k, a in enumerate(in_axes) if a is not None)

        def loss(*xs):
            out = f(*xs)
            outs = out if isinstance(out, (tuple, list)) else (out,)
            return sum((o * o).sum() for o in outs)
        g = tg.grad(loss, argnums=nums)
        _same(_strict(tg.vmap(g, in_axes=in_axes), *args), _loop(g, in_axes, args))


CONV_CASES = [
    (lambda x, w, b: F.conv2d(x, w, b, stride=(2, 1), padding=1, groups=2),
     [(1, 4, 5, 5), (4, 2, 2, 3), (4,)], (0, None, None)),
    (lambda x, w, b: F.conv2d(x, w, b, padding=1), [(2, 2, 20, 20), (3, 2, 3, 3), (3,)],
     (0, None, None)),                                      # rows >= 16: batch-first layout
    (lambda x, w, b: F.conv2d(x, w, b), [(2, 2, 4, 4), (3, 2, 3, 3), (3,)], (0, 0, 0)),
    (lambda x, w: F.conv1d(x, w, padding=2, dilation=2), [(2, 2, 6), (3, 2, 3)], (None, 0)),
    (lambda x, w, b: F.conv_transpose2d(x, w, b, stride=2, padding=1, groups=2),
     [(1, 4, 2, 3), (4, 1, 3, 2), (2,)], (0, None, None)),
    (lambda x, w: F.conv_transpose1d(x, w, stride=2), [(2, 2, 3), (2, 3, 2)], (0, 0)),
    (lambda x: F.avg_pool2d(x, 2), [(1, 2, 4, 4)], (0,)),
    (lambda x: F.unfold(x, kernel_size=2), [(1, 2, 3, 3)], (0,)),
    (lambda x: F.fold(x, output_size=(3, 3), kernel_size=2), [(1, 8, 4)], (0,)),
]


@pytest.mark.parametrize("k", range(len(CONV_CASES)))
def test_convolutions_batch_without_a_loop(k):
    f, shapes, axes = CONV_CASES[k]
    args = []
    for s, a in zip(shapes, axes):
        args.append(_t(*s) if a is None else _t(*((3,) + s)))
    _check(f, axes, *args)


def test_conv_weight_adjoint_and_transposed_columns_batch():
    from tapegrad.ops.conv import ColConvT, ColConvW, Im2col
    from tapegrad.ops._apply import apply
    p = dict(ksize=(2, 2), out=(2, 3), stride=(1, 1), padding=((0, 0), (0, 0)),
             dilation=(1, 1), groups=1)

    def adj(y, x):
        cols = apply(Im2col, x, **p)
        return apply(ColConvW, y, cols, ksize=(2, 2))

    def colt(w, y):
        return apply(ColConvT, w, y, groups=1)
    _check(adj, (0, 0), _t(3, 2, 2, 2, 3), _t(3, 2, 3, 3, 4))
    _check(adj, (0, None), _t(3, 2, 2, 2, 3), _t(2, 3, 3, 4))
    _check(colt, (0, 0), _t(3, 2, 3, 2, 2), _t(3, 1, 2, 2, 3))


@pytest.mark.parametrize("f, shapes", [
    (lambda x: tg.softmax(x), [()]),
    (lambda x: tg.log_softmax(x), [()]),
    (lambda x: tg.cumprod(x, axis=1), [(2, 3)]),
    (lambda x: tg.logcumsumexp(x, dim=0), [(3, 2)]),
    (lambda x: F.pad(x, (1, 2, 0, 1), value=0.5), [(2, 3)]),
    (lambda x: tg.numpy.pad(x, ((1, 0), (2, 1)), constant_values=1.5), [(2, 3)]),
    (lambda x: F.interpolate(x, scale_factor=2), [(1, 2, 2, 3)]),
    (lambda x: F.pad(x, (1, 1), mode="reflect"), [(1, 2, 4)]),
])
def test_single_input_ops_batch_without_a_loop(f, shapes):
    args = [_t(*((3,) + s)) for s in shapes]
    _check(f, (0,) * len(args), *args)


def test_index_put_batches_x_v_or_both():
    idx = np.array([[0, 2, 1, 1], [2, 0, 0, 1]])

    def scatter(x, v):
        return tg.scatter(x, 0, idx, v)
    _check(scatter, (0, 0), _t(3, 3, 4), _t(3, 2, 4))
    _check(scatter, (0, None), _t(3, 3, 4), _t(2, 4))
    _check(scatter, (None, 0), _t(3, 4), _t(3, 2, 4))

    def put(x, v):
        y = x * 1.0
        y[1, ::2] = v
        return y
    _check(put, (0, 0), _t(3, 3, 4), _t(3, 2))
    _check(put, (0, None), _t(3, 3, 4), _t(2))
    # a batched value written into an unbatched tensor: torch.func raises too
    with pytest.raises(BatchedWriteError, match="in-place write of a batched value"):
        tg.vmap(put, in_axes=(None, 0))(_t(3, 4), _t(3, 2))


def test_recurrent_ops_batch_with_shared_weights():
    h = 2
    x, hh, c = _t(3, 4, 4 * h), _t(4, 4 * h), _t(3, 4, h)
    _check(lstm_gates, (0, None, 0), x, hh, c)
    _check(lstm_gates, (0, 0, 0), x, _t(3, 4, 4 * h), c)
    seq = _t(3, 5, 2, 3)                # V, T, N, I
    w = {g: (_t(g * h, 3), _t(g * h, h), _t(g * h), _t(g * h)) for g in (1, 3, 4)}
    h0, c0 = _t(3, 2, h), _t(2, h)
    _check(lambda s, a, b: lstm_sequence(s, *w[4], a, b), (0, 0, None), seq, h0, c0)
    _check(lambda s, a, b: lstm_sequence(s, *w[4], a, b, reverse=True), (0, None, None),
           seq, c0, c0)
    _check(lambda s, a: gru_sequence(s, *w[3], a), (0, 0), seq, h0)
    _check(lambda s, a: rnn_sequence(s, *w[1], a, nonlinearity="relu"), (0, None), seq, c0)


def test_convolve_with_one_operand_batched():
    sig = pytest.importorskip("tapegrad.scipy.signal")
    _check(lambda a, b: sig.convolve(a, b), (0, None), _t(3, 4, 5), _t(2, 3))
    _check(lambda a, b: sig.convolve(a, b, mode="valid"), (None, 0), _t(6), _t(3, 3))
