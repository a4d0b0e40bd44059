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


def test_max_pools_fold_into_the_samples_axis():
    x = _t(3, 2, 5, 4)
    _check(lambda v: F.max_pool2d(v, 3, stride=2, padding=1, ceil_mode=True), (0,), x)
    _check(lambda v: F.max_pool2d(v[None], 2)[0], (0,), x)
    _check(lambda v: F.max_pool1d(v, 2, dilation=2), (0,), _t(3, 1, 2, 7))
    _check(lambda v: F.adaptive_max_pool2d(v, (2, 3)), (0,), _t(3, 1, 2, 5, 4))
    got = _strict(tg.vmap(lambda v: F.max_pool2d(v, 2, return_indices=True)), x)
    want = _loop(lambda v: F.max_pool2d(v, 2, return_indices=True), (0,), [x])
    _same(got, want)
    assert got[1].dtype == np.int64
    # an example of the wrong rank: max_pool2d's own error, with one example's shape
    with pytest.raises(ValueError, match=r"max_pool2d: input must be 3-D.*\(5, 4\)"):
        tg.vmap(lambda v: F.max_pool2d(v, 2))(_t(3, 5, 4))
    # nested: the inner vmap folds into the outer one's samples
    xx = _t(2, 3, 2, 4, 4)
    got = _strict(tg.vmap(tg.vmap(lambda v: F.max_pool2d(v, 2))), xx)
    want = np.stack([_loop(lambda v: F.max_pool2d(v, 2), (0,), [tg.tensor(a)])
                     for a in _np(xx)])
    _same(got, want)


# ------------------------------------------------------------------ per-sample gradients

def _torch_copy(torch, model, tmodel):
    with torch.no_grad():
        for name, p in model.named_parameters():
            tmodel.get_parameter(name).copy_(torch.tensor(_np(p)))
        for name, b in model.named_buffers():
            tmodel.get_buffer(name).copy_(torch.tensor(_np(b)))


def _per_sample(model, tmodel, X, Y, loss, tloss, torch_vmap=True):
    """vmap(grad) of loss over (X, Y) with functional_call, in tapegrad (no loop) and in
    torch.func, compared in float64."""
    torch = pytest.importorskip("torch")
    from torch.func import functional_call as tcall, grad as tgrad, vmap as tvmap
    _torch_copy(torch, model, tmodel)
    model.eval()
    tmodel.eval()
    params = {k: v.detach() for k, v in model.named_parameters()}
    buffers = {k: v.detach() for k, v in model.named_buffers()}

    def f(p, b, x, y):
        return loss(tg.func.functional_call(model, (p, b), (x[None],)), y[None])
    got = _strict(tg.vmap(tg.grad(f), in_axes=(None, None, 0, 0)), params, buffers,
                  tg.tensor(X), tg.tensor(Y))

    def tf(p, b, x, y):
        return tloss(tcall(tmodel, (p, b), (x[None],)), y[None])
    tp = {k: v.detach() for k, v in tmodel.named_parameters()}
    tb = {k: v.detach() for k, v in tmodel.named_buffers()}
    if torch_vmap:
        want = tvmap(tgrad(tf), in_dims=(None, None, 0, 0))(tp, tb, torch.tensor(X),
                                                           torch.tensor(Y))
    else:       # torch's fused cell kernels do not vmap: torch.func.grad per example
        each = [tgrad(tf)(tp, tb, torch.tensor(x), torch.tensor(y)) for x, y in zip(X, Y)]
        want = {k: torch.stack([e[k] for e in each]) for k in each[0]}
    assert set(got) == set(want)
    for k in want:
        np.testing.assert_allclose(_np(got[k]), want[k].numpy(), rtol=1e-9, atol=1e-11,
                                   err_msg=k)


def test_per_sample_grads_of_a_cnn_with_batchnorm_and_max_pool_match_torch():
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    tg.manual_seed(0)
    nn, tnn = tg.nn, torch.nn

    def net(m):
        return m.Sequential(m.Conv2d(2, 4, 3, padding=1), m.BatchNorm2d(4), m.ReLU(),
                            m.MaxPool2d(2), m.Conv2d(4, 3, 2, stride=2), m.Flatten(),
                            m.Linear(12, 3))
    model, tmodel = net(nn).double(), net(tnn).double()
    for bn in (model[1],):
        bn.running_mean = tg.tensor(RNG.standard_normal(4))
        bn.running_var = tg.tensor(RNG.uniform(0.5, 2.0, 4))
    X = RNG.standard_normal((5, 2, 8, 8))
    Y = RNG.integers(0, 3, 5)
    _per_sample(model, tmodel, X, Y, F.cross_entropy, torch.nn.functional.cross_entropy)


def _cell_model(m, cell):
    class Net(m.Module):
        def __init__(self):
            super().__init__()
            self.cell = getattr(m, cell)(3, 4)
            self.head = m.Linear(4, 2)

        def forward(self, x):               # x (1, T, 3)
            state = None
            for t in range(x.shape[1]):
                state = self.cell(x[:, t], state)
            h = state[0] if isinstance(state, tuple) else state
            return self.head(h)
    return Net()


@pytest.mark.parametrize("cell", ["LSTMCell", "GRUCell", "RNNCell"])
def test_per_sample_grads_of_recurrent_cells_match_torch(cell):
    torch = pytest.importorskip("torch")
    model, tmodel = _cell_model(tg.nn, cell).double(), _cell_model(torch.nn, cell).double()
    X = RNG.standard_normal((4, 3, 3))
    Y = RNG.standard_normal((4, 2))

    def mse(out, y):
        return ((out - y) ** 2).sum()
    _per_sample(model, tmodel, X, Y, mse, mse, torch_vmap=False)


def _attention_model(m):
    class Net(m.Module):
        def __init__(self):
            super().__init__()
            self.attn = m.MultiheadAttention(4, 2, batch_first=True)
            self.norm = m.LayerNorm(4)
            self.head = m.Linear(4, 1)

        def forward(self, x):               # x (1, L, 4)
            a = self.attn(x, x, x, need_weights=False)[0]
            return self.head(self.norm(x + a)).mean()
    return Net()


def test_per_sample_grads_of_an_attention_layer_match_torch():
    torch = pytest.importorskip("torch")
    model, tmodel = _attention_model(tg.nn).double(), _attention_model(torch.nn).double()
    X = RNG.standard_normal((3, 5, 4))
    Y = RNG.standard_normal(3)

    def mse(out, y):
        return ((out - y) ** 2).sum()
    _per_sample(model, tmodel, X, Y, mse, mse)
