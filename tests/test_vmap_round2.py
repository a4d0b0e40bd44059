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


def _seq_model(m, kind):
    class Net(m.Module):
        def __init__(self):
            super().__init__()
            self.rnn = getattr(m, kind)(3, 4, num_layers=2, batch_first=True,
                                        bidirectional=kind != "RNN")
            self.head = m.Linear(8 if kind != "RNN" else 4, 2)

        def forward(self, x):               # x (1, T, 3)
            return self.head(self.rnn(x)[0][:, -1])
    return Net()


@pytest.mark.parametrize("kind", ["LSTM", "GRU", "RNN"])
def test_per_sample_grads_of_recurrent_layers_match_torch(kind):
    """The sequence ops with per-example weights: unrolled over time, not a loop."""
    torch = pytest.importorskip("torch")
    model, tmodel = _seq_model(tg.nn, kind).double(), _seq_model(torch.nn, kind).double()
    X = RNG.standard_normal((3, 4, 3))
    Y = RNG.standard_normal((3, 2))

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


# ------------------------------------------------------------------ semantics

def test_out_axes_and_in_axes_pytrees_match_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    jnp = jax.numpy
    x = RNG.standard_normal((3, 2))
    y = RNG.standard_normal((2, 3))

    def f(d, t):
        a, b = d["a"], t[1]
        return a * b, {"s": (a[:, None] * b).sum(), "m": a[:, None] * t[0]}
    in_axes = ({"a": 0}, (None, 1))
    out_axes = (0, {"s": 0, "m": -1})
    got = tg.vmap(f, in_axes=in_axes, out_axes=out_axes)(
        {"a": tg.tensor(x)}, (tg.tensor(2.0), tg.tensor(y)))
    want = jax.vmap(f, in_axes=in_axes, out_axes=out_axes)(
        {"a": jnp.asarray(x)}, (jnp.asarray(2.0), jnp.asarray(y)))
    np.testing.assert_allclose(_np(got[0]), np.asarray(want[0]))
    for k in ("s", "m"):
        np.testing.assert_allclose(_np(got[1][k]), np.asarray(want[1][k]), err_msg=k)
    # a prefix: one axis for a whole subtree; a list is a tuple (JAX canonicalizes it)
    got = tg.vmap(lambda v: (v, (v, v)), out_axes=(0, 1))(tg.tensor(x))
    assert got[1][0].shape == got[1][1].shape == (2, 3)
    assert tg.vmap(lambda a, b: a + b, in_axes=[0, None])(tg.tensor(x), tg.ones(2)).shape \
        == (3, 2)


def test_negative_axes_size_zero_and_kwargs_match_torch():
    torch = pytest.importorskip("torch")
    from torch.func import vmap as tvmap
    x = RNG.standard_normal((3, 2))
    got = tg.vmap(lambda a: a[:, None] * 2, in_axes=-1, out_axes=-1)(tg.tensor(x))
    want = tvmap(lambda a: a[:, None] * 2, in_dims=-1, out_dims=-1)(torch.tensor(x))
    np.testing.assert_allclose(_np(got), want.numpy())
    # an empty batch: f still runs (on placeholders) and the result has a 0-length axis
    assert tg.vmap(lambda a: a * 2)(tg.zeros((0, 2))).shape == (0, 2)
    assert tg.vmap(lambda a: (a @ a).sum())(tg.zeros((0, 2))).shape == (0,)
    # keyword arguments are not mapped (torch.func's rule)
    s = RNG.standard_normal((3, 2))
    got = tg.vmap(lambda a, s=None: a * s)(tg.tensor(x), s=tg.tensor(s))
    want = tvmap(lambda a, s=None: a * s)(torch.tensor(x), s=torch.tensor(s))
    assert got.shape == tuple(want.shape) == (3, 3, 2)
    np.testing.assert_allclose(_np(got), want.numpy())
    # in_dims=None / out_dims=None are values, not "not given"
    with pytest.raises(ValueError, match="no argument is mapped"):
        tg.vmap(lambda a: a, in_dims=None)(tg.tensor(x))
    assert tg.vmap(lambda a: tg.ones(2), out_dims=None)(tg.tensor(x)).shape == (2,)
    with pytest.raises(ValueError, match="out_axes is None for an output that is batched"):
        tg.vmap(lambda a: a, out_dims=None)(tg.tensor(x))


def test_chunks_equal_one_pass_with_out_axes():
    x, w = _t(7, 3), _t(3)

    def f(a, w):
        return tg.tanh(a) * w, a.sum()
    whole = tg.vmap(f, in_axes=(0, None), out_axes=(1, 0))(x, w)
    for c in (1, 2, 3, 7, 10):
        part = tg.vmap(f, in_axes=(0, None), out_axes=(1, 0), chunk_size=c)(x, w)
        np.testing.assert_allclose(_np(part[0]), _np(whole[0]))
        np.testing.assert_allclose(_np(part[1]), _np(whole[1]))
    assert whole[0].shape == (3, 7)


def test_outputs_that_are_numbers_none_or_other_objects():
    x = _t(3, 2)
    # as JAX: a number is broadcast along the batch, None stays None
    np.testing.assert_array_equal(_np(tg.vmap(lambda a: 1.5)(x)), [1.5] * 3)
    assert tg.vmap(lambda a: None)(x) is None
    out = tg.vmap(lambda a: (a, None))(x)
    assert out[1] is None and out[0].shape == (3, 2)
    with pytest.raises(TypeError, match="vmap: f returned 'a' of type str"):
        tg.vmap(lambda a: "a")(x)
    assert tg.vmap(lambda a: "a", out_axes=None)(x) == "a"


def test_mismatched_batch_sizes_and_bad_axes_name_the_argument():
    with pytest.raises(ValueError, match=r"different sizes: 3 and 4 \(argument leaf 1, "
                                         r"shape \(4, 2\), axis 0\)"):
        tg.vmap(lambda a, b: a + b)(_t(3, 2), _t(4, 2))
    with pytest.raises(ValueError, match=r"in_axes 2 is out of range.*\(3, 2\)"):
        tg.vmap(lambda a: a, in_axes=2)(_t(3, 2))
    with pytest.raises(TypeError, match="in_axes must hold ints or None, got 0.5"):
        tg.vmap(lambda a: a, in_axes=0.5)


def test_randomness_modes_match_torch_func():
    torch = pytest.importorskip("torch")
    from torch.func import vmap as tvmap
    x = tg.ones(4, 50)
    draws = {"rand": lambda a: tg.rand(50) + a * 0, "randn": lambda a: tg.randn(50) + a,
             "dropout": lambda a: F.dropout(a, 0.5)}
    tdraws = {"rand": lambda a: torch.rand(50) + a * 0, "randn": lambda a: torch.randn(50) + a,
              "dropout": lambda a: torch.nn.functional.dropout(a, 0.5)}
    for name, f in draws.items():
        with pytest.raises(RuntimeError, match="randomness='error'"):
            tg.vmap(f)(x)
        with pytest.raises(RuntimeError, match="randomness error mode"):
            tvmap(tdraws[name])(torch.ones(4, 50))
        for mode, same in (("same", True), ("different", False)):
            r = _np(tg.vmap(f, randomness=mode)(x))
            t = tvmap(tdraws[name], randomness=mode)(torch.ones(4, 50)).numpy()
            assert bool((r[0] == r[1]).all()) == bool((t[0] == t[1]).all()) == same, \
                (name, mode)
    # chunks under "same" draw from one state, as torch.func's chunks do
    r = _np(tg.vmap(lambda a: tg.rand(3) + a * 0, randomness="same", chunk_size=2)(
        tg.zeros(5, 3)))
    t = tvmap(lambda a: torch.rand(3) + a * 0, randomness="same", chunk_size=2)(
        torch.zeros(5, 3)).numpy()
    assert (r == r[0]).all() and (t == t[0]).all()
    r = _np(tg.vmap(lambda a: tg.rand(3) + a * 0, randomness="different", chunk_size=2)(
        tg.zeros(5, 3)))
    assert len(np.unique(r[:, 0])) == 5
    # dropout that does not draw (eval) is fine in the default mode
    np.testing.assert_array_equal(_np(tg.vmap(lambda a: F.dropout(a, 0.5, False))(x)),
                                  _np(x))


def test_in_place_writes_match_torch_func():
    torch = pytest.importorskip("torch")
    from torch.func import vmap as tvmap
    x = RNG.standard_normal((3, 2))

    def bump(a, b):
        b.add_(a)
        b.mul_(2.0)
        return b
    mine, theirs = tg.tensor(x.copy()), torch.tensor(x.copy())
    got = _strict(tg.vmap(bump, in_axes=(None, 0)), tg.ones(2), mine)
    want = tvmap(bump, in_dims=(None, 0))(torch.ones(2, dtype=torch.float64), theirs)
    np.testing.assert_allclose(_np(got), want.numpy())
    # the write reaches the mapped tensor, as torch's does (a batch axis 1 too)
    np.testing.assert_allclose(_np(mine), theirs.numpy())
    mine_t = tg.tensor(x.T.copy())
    _strict(tg.vmap(bump, in_axes=(0, 1)), tg.ones(3, 2), mine_t)
    np.testing.assert_allclose(_np(mine_t).T, theirs.numpy())
    # a batched value written into an unbatched tensor: both refuse
    with pytest.raises(BatchedWriteError, match="in-place write of a batched value"):
        tg.vmap(bump, in_axes=(0, None))(tg.tensor(x), tg.ones(2))
    with pytest.raises(RuntimeError):
        tvmap(bump, in_dims=(0, None))(torch.tensor(x), torch.ones(2, dtype=torch.float64))


def test_control_flow_error_names_the_line():
    def f(a):
        if a.sum() > 0:                 # the line the error names
            return a
        return -a
    line = f.__code__.co_firstlineno + 1
    with pytest.raises(ControlFlowError, match=rf"test_vmap_round2.py:{line}.*tg.where"):
        tg.vmap(f)(_t(3, 2))
    with pytest.raises(ControlFlowError, match=r"\.item\(\)"):
        tg.vmap(lambda a: a.sum().item())(_t(3, 2))


class _Tied(tg.nn.Module):
    """One weight under two names (a.weight, b.weight) and a buffer."""

    def __init__(self):
        super().__init__()
        self.a = tg.nn.Linear(2, 2, bias=False)
        self.b = tg.nn.Linear(2, 2, bias=False)
        self.b.weight = self.a.weight
        self.register_buffer("buf", tg.ones(2))

    def forward(self, x):
        return self.b(self.a(x)) + self.buf


def _tied(torch_nn):
    class T(torch_nn.Module):
        def __init__(self):
            super().__init__()
            self.a = torch_nn.Linear(2, 2, bias=False)
            self.b = torch_nn.Linear(2, 2, bias=False)
            self.b.weight = self.a.weight

        def forward(self, x):
            return self.b(self.a(x)) + self.buf
    return T()


def test_functional_call_tied_weights_strict_and_buffers_match_torch():
    torch = pytest.importorskip("torch")
    from torch.func import functional_call as tcall
    mine = _Tied()
    theirs = _tied(torch.nn)
    theirs.register_buffer("buf", torch.ones(2, dtype=torch.float64))
    theirs.double()
    e = RNG.standard_normal((2, 2))
    x = RNG.standard_normal(2)
    for name in ("a.weight", "b.weight"):
        got = tg.func.functional_call(mine, {name: tg.tensor(e)}, (tg.tensor(x),))
        want = tcall(theirs, {name: torch.tensor(e)}, (torch.tensor(x),))
        np.testing.assert_allclose(_np(got), want.numpy(), err_msg=name)
    # untied on request: b keeps the module's own weight
    w0 = _np(mine.a.weight)
    got = tg.func.functional_call(mine, {"a.weight": tg.tensor(e)}, (tg.tensor(x),),
                                  tie_weights=False)
    np.testing.assert_allclose(_np(got), w0 @ (e @ x) + 1.0, rtol=1e-6)
    with pytest.raises(ValueError, match="tied"):
        tg.func.functional_call(mine, {"a.weight": tg.tensor(e), "b.weight": tg.ones(2, 2)},
                                (tg.tensor(x),))
    with pytest.raises(ValueError, match="tied"):
        tcall(theirs, {"a.weight": torch.tensor(e), "b.weight": torch.ones(2, 2)},
              (torch.tensor(x),))
    # strict: every name (tied ones count once given) and no other
    with pytest.raises(RuntimeError, match=r"missing \['buf'\]"):
        tg.func.functional_call(mine, {"a.weight": tg.tensor(e)}, (tg.tensor(x),),
                                strict=True)
    got = tg.func.functional_call(mine, {"a.weight": tg.tensor(e), "buf": tg.zeros(2)},
                                  (tg.tensor(x),), strict=True)
    np.testing.assert_allclose(_np(got), e @ (e @ x))
    # buffers come back afterwards, and the module is unchanged
    np.testing.assert_array_equal(_np(mine.buf), [1.0, 1.0])
    assert mine.b.weight is mine.a.weight


def test_stack_module_state_requires_grad_and_modes_match_torch():
    torch = pytest.importorskip("torch")
    from torch.func import stack_module_state as tstack
    for m in (tg, torch):
        models = [m.nn.BatchNorm1d(2) for _ in range(3)]
        params, buffers = (tg.func.stack_module_state if m is tg else tstack)(models)
        assert params["weight"].requires_grad and params["weight"].is_leaf
        assert not buffers["running_mean"].requires_grad
        assert tuple(buffers["num_batches_tracked"].shape) == (3,)
        models[1].weight.requires_grad_(False)
        with pytest.raises(RuntimeError, match="requires.grad"):
            (tg.func.stack_module_state if m is tg else tstack)(models)
        for mm in models:
            mm.weight.requires_grad_(False)
        p, _ = (tg.func.stack_module_state if m is tg else tstack)(models)
        assert not p["weight"].requires_grad
        models[0].eval()
        with pytest.raises(RuntimeError, match="training"):
            (tg.func.stack_module_state if m is tg else tstack)(models)


def test_norm_layer_training_under_vmap_refuses_to_update_shared_statistics():
    bn = tg.nn.BatchNorm1d(2)
    params = dict(bn.named_parameters())
    buffers = dict(bn.named_buffers())

    def f(p, b, x):
        return tg.func.functional_call(bn, (p, b), (x,))
    with pytest.raises(BatchedWriteError, match="running statistics.*model.eval"):
        tg.vmap(f, in_axes=(None, None, 0))(params, buffers, _t(3, 4, 2))
    np.testing.assert_array_equal(_np(bn.running_mean), [0.0, 0.0])
    bn.eval()
    got = _strict(tg.vmap(f, in_axes=(None, None, 0)), params, buffers, _t(3, 4, 2))
    assert got.shape == (3, 4, 2)


def test_lstsq_batches_every_field_and_its_gradient():
    A, B, Bm = _t(3, 4, 2), _t(3, 4), _t(4, 2)
    for driver in (None, "gelsd", "gels"):
        got = _strict(tg.vmap(lambda a, b: tg.linalg.lstsq(a, b, driver=driver)), A, B)
        assert type(got).__name__ == "linalg_lstsq"
        for k in range(4):
            want = np.stack([_np(tg.linalg.lstsq(A[i], B[i], driver=driver)[k])
                             for i in range(3)])
            np.testing.assert_allclose(_np(got[k]), want, atol=1e-12, err_msg=(driver, k))
    _check(lambda a, b: tg.linalg.lstsq(a, b).solution, (0, None), A, Bm)
    _check(lambda a, b: tg.linalg.lstsq(a, b).solution, (0, 0), A, B)
    _check(lambda a, b: tg.linalg.lstsq(a, b).solution, (None, 1), A[0], _t(4, 3))


def test_boolean_operators_and_raw_ufuncs_batch():
    x, w = _t(3, 7), _t(7)
    got = _strict(tg.vmap(lambda v, u: ~((v > 0) & (v < 1)) | (u > 0), in_axes=(0, None)),
                  x, w)
    a, b = _np(x), _np(w)
    np.testing.assert_array_equal(_np(got), ~((a > 0) & (a < 1)) | (b > 0))
    _check(lambda v: F.hardtanh(v, -0.5, 1.2), (0,), x)
    # nested: operands batched at different vmaps
    A = _t(2, 3, 4)
    inner = tg.vmap(lambda v, u: (v > 0) & (u > 0), in_axes=(0, None))
    got = _strict(tg.vmap(inner, in_axes=(None, 0)), w.reshape(7, 1), A)
    np.testing.assert_array_equal(
        _np(got), (b.reshape(1, 7, 1, 1) > 0) & (_np(A)[:, None] > 0))
    # branching on such a mask is the user's control flow: the error, not a loop
    with pytest.raises(ControlFlowError, match="bool"):
        tg.vmap(lambda v: v if ((v > 0) & (v < 1)) else -v)(_t(3))


def test_recurrent_sequence_ops_batch_with_per_example_weights():
    h = 2
    seq, h0, c0 = _t(3, 4, 2, 3), _t(3, 2, h), _t(2, h)
    for g, fn, kw in ((4, lstm_sequence, {}), (3, gru_sequence, {"reverse": True}),
                      (1, rnn_sequence, {"nonlinearity": "relu", "reverse": True})):
        w = (_t(3, g * h, 3), _t(3, g * h, h), _t(3, g * h), _t(g * h))
        states = (h0, c0) if fn is lstm_sequence else (h0,)
        axes = (0, 0, 0, 0, None, 0) + ((None,) if fn is lstm_sequence else ())
        _check(lambda *a: fn(*a, **kw), axes, seq, *w, *states)


def test_empty_batch_gives_empty_outputs_on_every_path():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    z = tg.zeros((0, 3))
    # batched ops, a function that runs per example, randomness="different"
    assert tg.vmap(lambda a: tg.tanh(a) @ a)(z).shape == (0,)
    got = tg.vmap(lambda a: (tg.sort(a, dim=0).values, a.sum()), out_axes=(1, 0))(z)
    want = jax.vmap(lambda a: (jnp.sort(a), a.sum()), out_axes=(1, 0))(jnp.zeros((0, 3)))
    assert [tuple(g.shape) for g in got] == [w.shape for w in want] == [(3, 0), (0,)]
    assert tg.vmap(lambda a: a + tg.rand(3), randomness="different")(z).shape == (0, 3)
    # an op that runs once per example (convolve, both operands mapped)
    sig = pytest.importorskip("tapegrad.scipy.signal")
    assert tg.vmap(sig.convolve)(tg.zeros((0, 4)), tg.zeros((0, 2))).shape == (0, 5)


def test_conv_and_pool_rules_compose_with_jacobians_and_hessians():
    x, w = _t(2, 1, 2, 4, 4), _t(3, 2, 2, 2)

    def f(w, x):
        return F.max_pool2d(tg.tanh(F.conv2d(x, w)), 2).sum()
    loop = np.stack([_np(tg.grad(f)(w, x[i])) for i in range(2)])
    for jac in (tg.jacfwd, tg.jacrev):
        got = _strict(jac(lambda w: tg.vmap(f, in_axes=(None, 0))(w, x)), w)
        np.testing.assert_allclose(_np(got), loop, atol=1e-12)

    def g(w, x):
        return (tg.tanh(F.conv2d(x, w)) ** 2).sum()
    got = _strict(tg.vmap(tg.hessian(g), in_axes=(None, 0)), w, x)
    np.testing.assert_allclose(_np(got), np.stack([_np(tg.hessian(g)(w, x[i]))
                                                   for i in range(2)]), atol=1e-12)


def test_randomness_different_batches_dropout_and_nests(monkeypatch):
    calls = []
    per_element = _api._per_element
    monkeypatch.setattr(_api, "_per_element", lambda *a: (calls.append(1), per_element(*a))[1])
    x = tg.ones(4, 50)
    r = _np(tg.vmap(lambda a: F.dropout(a, 0.5), randomness="different")(x))
    assert not calls                    # one mask per element, drawn for the batch at once
    assert len({tuple(v) for v in r}) == 4
    tg.vmap(lambda a: a + tg.rand(50), randomness="different")(x)
    assert calls                        # a draw of no batched input: once per element
    for f in (lambda a: F.dropout(a, 0.5), lambda a: a + tg.rand(50)):
        r = _np(tg.vmap(tg.vmap(f, randomness="same"), randomness="different")(
            tg.ones(3, 4, 50)))
        assert all((r[i, 0] == r[i, 1]).all() for i in range(3))
        assert not (r[0, 0] == r[1, 0]).all()
        r = _np(tg.vmap(tg.vmap(f, randomness="different"), randomness="same")(
            tg.ones(3, 4, 50)))
        assert not (r[0, 0] == r[0, 1]).all()
        assert all((r[0, i] == r[1, i]).all() for i in range(4))
