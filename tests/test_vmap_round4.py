"""tg.vmap, round 4: the last op-table rows that looped batch through their own rules
(convolve of two batched operands, solve_banded, odeint, piecewise, geomspace, the
recurrent sequence ops with lengths= or a projection and per-example weights); boolean
masks batched per element (torch.func's rule); autograd.Function with a vmap
staticmethod or generate_vmap_rule; linearize; randomness kept when f runs per element;
compositions against torch.func in float64."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad.ops.recurrent import LSTMProjSequence, LSTMSequence
from tapegrad.ops.recurrent_seq import GRUSequence, RNNSequence
from tapegrad.scipy.integrate import odeint
from tapegrad.scipy.linalg import solve_banded
from tapegrad.scipy.signal import convolve
from tapegrad.vmap import BatchedWriteError, DynamicShapeError, _api
from tests.test_vmap_round2 import _check, _loop, _np, _same, _strict, _t

RNG = np.random.default_rng(4)


# ------------------------------------------------------------------ rows that looped

@pytest.mark.parametrize("a, b, mode", [
    ((5,), (3,), "full"), ((3,), (6,), "valid"), ((3, 4), (2, 3), "full"),
    ((2, 5), (3, 2), "same"), ((), (), "full"), ((2, 2, 3), (1, 2, 2), "valid")])
def test_convolve_of_two_batched_operands_batches(a, b, mode):
    _check(lambda x, y: convolve(x, y, mode=mode), (0, 1 if b else 0),
           _t(3, *a), _t(*(b[:1] + (3,) + b[1:])) if b else _t(3))


def _bands(*lead):
    ab = RNG.standard_normal(lead + (3, 5))
    ab[..., 1, :] += 6.0                                    # dominant diagonal
    return tg.tensor(ab)


@pytest.mark.parametrize("axes", [(0, 0), (None, 0), (0, None), (1, 0)])
@pytest.mark.parametrize("k", [None, 2])
def test_solve_banded_batches(axes, k):
    ab = _bands() if axes[0] is None else tg.tensor(np.moveaxis(_bands(3).numpy(), 0,
                                                                axes[0]))
    shape = (5,) if k is None else (5, k)
    b = _t(*shape) if axes[1] is None else _t(3, *shape)
    _check(lambda a, r: solve_banded((1, 1), a, r), axes, ab, b)


def test_solve_banded_check_finite_reads_every_element():
    ab = _bands(3).numpy()
    ab[2, 1, 0] = np.nan
    with pytest.raises(ValueError, match="infs or NaNs"):
        tg.vmap(lambda a, r: solve_banded((1, 1), a, r))(tg.tensor(ab), _t(3, 5))


def _drift(y0, t, k):
    return odeint(lambda y, s, k: k + 0 * y, y0, t, args=(k,))


def _times(n, size=None):
    shape = (n,) if size is None else (size, n)
    return tg.tensor(np.sort(RNG.uniform(0.0, 1.0, shape), axis=-1))


@pytest.mark.parametrize("axes", [(0, None, 0), (0, 0, None), (None, 0, 0)])
def test_odeint_exact_system_batches(axes):
    """dy/dt = k: the solver is exact, so the joint solve equals the loop to rounding."""
    args = [tg.tensor(RNG.uniform(0.5, 1.5, (3, 2) if axes[0] == 0 else (2,))),
            _times(4, 3 if axes[1] == 0 else None), _t(3, 2) if axes[2] == 0 else _t(2)]
    _check(_drift, axes, *args)


def test_odeint_nonlinear_batches_to_the_solver_tolerance():
    """The batch is one system (the step size shared) and per-example times run per
    interval: values and gradients equal the loop's to the solver's tolerance."""
    def sol(y0, t, k):
        return odeint(lambda y, s, k: -k * y + 0.3 * tg.sin(s), y0, t, args=(k,),
                      rtol=1e-10, atol=1e-10)
    y0, t, k = tg.tensor(RNG.uniform(0.5, 1.5, (3, 2))), _times(4, 3), _t(3, 2)
    for axes in [(0, 0, 0), (0, None, 0)]:
        args = (y0, t if axes[1] == 0 else t[0], k)
        _same(_strict(tg.vmap(sol, in_axes=axes), *args), _loop(sol, axes, args), 1e-7)
        g = tg.grad(lambda *a: (sol(*a) ** 2).sum(), argnums=(0, 1, 2))
        _same(_strict(tg.vmap(g, in_axes=axes), *args), _loop(g, axes, args), 1e-6)


def _piecewise(x):
    return tnp.piecewise(x, [x < 0.0, x >= 0.5], [lambda v: v ** 2, lambda v: 3.0 * v, 0.25])


def _overlapping(x):
    # the later condition wins where both hold, as np.piecewise's later assignment
    return tnp.piecewise(x, [x < 0.3, x > -0.3], [lambda v: -v, lambda v: 2.0 * v])


@pytest.mark.parametrize("f, shape", [(_piecewise, (3, 6)), (_overlapping, (3, 2, 3))])
def test_piecewise_with_batched_conditions_batches(f, shape):
    _check(f, (0,), tg.tensor(RNG.uniform(-1.0, 1.0, shape) + 1e-3))


def test_geomspace_batches_and_checks_every_element():
    a, b = tg.tensor(RNG.uniform(0.5, 3.0, 4)), tg.tensor(RNG.uniform(0.5, 3.0, 4))
    _check(lambda s, e: tnp.geomspace(s, e, 5), (0, 0), a, b)
    _check(lambda s, e: tnp.geomspace(s, e, 4, endpoint=False), (0, None), -a, -b[0])
    gs = tg.vmap(lambda s, e: tnp.geomspace(s, e, 3))
    with pytest.raises(ValueError, match="same sign"):
        gs(tg.tensor([1.0, 2.0]), tg.tensor([1.0, -1.0]))
    with pytest.raises(ValueError, match="zero"):
        gs(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 0.0]))


def _seq_args(op, size, t=3, n=2, i=2, h=3, p=2):
    """x (V, T, N, I) and per-example weights for op (the examples' own models)."""
    hp = p if op is LSTMProjSequence else h
    gates = {RNNSequence: 1, GRUSequence: 3}.get(op, 4)
    args = [_t(size, t, n, i), _t(size, gates * h, i), _t(size, gates * h, hp),
            _t(size, gates * h)]
    if op in (RNNSequence, GRUSequence):
        args += [_t(size, gates * h), _t(size, n, h)]
    else:
        args += [_t(size, n, hp), _t(size, n, h)]
    if op is LSTMProjSequence:
        args.append(_t(size, p, h))
    return args


@pytest.mark.parametrize("op", [LSTMSequence, LSTMProjSequence, GRUSequence, RNNSequence])
@pytest.mark.parametrize("lengths", [None, (3, 1)])
@pytest.mark.parametrize("reverse", [False, True])
def test_sequence_ops_with_per_example_weights_unroll(op, lengths, reverse):
    params = {"reverse": reverse, "lengths": lengths}
    if op is RNNSequence:
        params["relu"] = False
    args = _seq_args(op, 2)
    _check(lambda *a: tg.ops.apply(op, *a, **params), (0,) * len(args), *args)


# ------------------------------------------------------------------ boolean masks

def test_batched_boolean_mask_index_raises_as_torch_func():
    x = _t(3, 4)
    with pytest.raises(DynamicShapeError, match="boolean-mask indexing"):
        tg.vmap(lambda v: v[v > 0])(x)
    # an unbatched x with a batched mask used to return every value (read a placeholder)
    m = tg.tensor(np.array([[True, False, True, True]] * 3))
    with pytest.raises(DynamicShapeError):
        tg.vmap(lambda v, k: v[k], in_axes=(None, 0))(_t(4), m)
    # an unbatched mask selects the same places of every example: batched
    keep = np.array([True, False, True, True])
    _check(lambda v: v[keep], (0,), x)
    _check(lambda v: v[:, tg.tensor(keep[:3])], (1,), _t(2, 3, 3))


def test_writes_through_a_batched_mask_give_the_loop_or_an_error():
    x = _t(3, 4)

    def put(v):
        y = v * 2.0
        y[v > 0] = 0.5
        return y
    _check(put, (0,), x)                                # a where for the batch

    def put_own(v):
        y = v * 2.0
        y[v > 0] = v.sum()                              # one value per element
        return y
    _check(put_own, (0,), x)
    _check(lambda v: v.masked_fill(v > 0, 0.5), (0,), x)

    def put_at(v, i):
        y = v * 1.0
        y[i] = v[0] * 2.0                               # per-element integer positions
        return y
    xs, idx = _t(2, 2, 3), tg.tensor(np.array([0, 1]))
    _same(_strict(tg.vmap(put_at), xs, idx), _loop(put_at, (0, 0), [xs, idx]), 1e-14)
    g = tg.grad(lambda v, i: (put_at(v, i) ** 2).sum())
    _same(_strict(tg.vmap(g), xs, idx), _loop(g, (0, 0), [xs, idx]), 1e-13)

    def into_shared(v):
        y = tg.zeros(4, dtype=tg.float64)
        y[v > 0] = 1.0
        return y
    with pytest.raises(BatchedWriteError, match="batched index"):
        tg.vmap(into_shared)(x)
    with pytest.raises(IndexError, match="batched by tg.vmap"):
        tg.vmap(lambda v: v.at[v > 0].set(1.0))(x)


# ------------------------------------------------------------------ autograd.Function

class _CubeGen(tg.autograd.Function):
    generate_vmap_rule = True

    @staticmethod
    def forward(x, k):
        return x ** 3 * k

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])
        ctx.k = inputs[1]

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 3 * x ** 2 * ctx.k, None


class _SortWithRule(tg.autograd.Function):
    """Sorts rows in NumPy (no batching of its own); its vmap rule sorts the batch."""
    calls = []

    @staticmethod
    def forward(ctx, x):
        idx = np.argsort(x.numpy(), axis=-1)
        ctx.save_for_backward(tg.tensor(idx))
        return tg.tensor(np.take_along_axis(x.numpy(), idx, -1))

    @staticmethod
    def backward(ctx, g):
        (idx,) = ctx.saved_tensors
        out = np.zeros(g.shape)
        np.put_along_axis(out, idx.numpy(), g.numpy(), -1)
        return tg.tensor(out)

    @staticmethod
    def vmap(info, in_dims, x):
        _SortWithRule.calls.append((info.batch_size, in_dims))
        return _SortWithRule.apply(x), 0


def _torch_cube(torch):
    class Cube(torch.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(x, k):
            return x ** 3 * k

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])
            ctx.k = inputs[1]

        @staticmethod
        def backward(ctx, g):
            (x,) = ctx.saved_tensors
            return g * 3 * x ** 2 * ctx.k, None
    return Cube


def test_function_with_generate_vmap_rule_matches_torch_func():
    torch = pytest.importorskip("torch")
    from torch import func as tf
    cube = _torch_cube(torch)
    x = RNG.standard_normal((4, 3))
    tx = torch.tensor(x)
    got = _strict(tg.vmap(lambda v: _CubeGen.apply(v, 2.0)), tg.tensor(x))
    np.testing.assert_allclose(_np(got), 2 * x ** 3, rtol=1e-13)
    loss = lambda v: _CubeGen.apply(v, 2.0).sum()               # noqa: E731
    tloss = lambda v: cube.apply(v, 2.0).sum()                  # noqa: E731
    want = tf.vmap(tf.grad(tloss))(tx).numpy()
    _same(_strict(tg.vmap(tg.grad(loss)), tg.tensor(x)), want, 1e-12)
    _same(tg.grad(lambda v: tg.vmap(lambda u: _CubeGen.apply(u, 2.0))(v).sum())(
        tg.tensor(x)), want, 1e-12)
    jac = tf.vmap(tf.jacrev(lambda v: cube.apply(v, 2.0)))(tx).numpy()
    _same(_strict(tg.vmap(tg.jacrev(lambda v: _CubeGen.apply(v, 2.0))), tg.tensor(x)),
          jac, 1e-12)


def test_function_vmap_staticmethod_is_called_once_for_the_batch():
    _SortWithRule.calls.clear()
    x = _t(4, 5)
    got = _strict(tg.vmap(_SortWithRule.apply), x)
    np.testing.assert_array_equal(_np(got), np.sort(_np(x), -1))
    assert _SortWithRule.calls == [(4, (0,))]
    g = _strict(tg.vmap(tg.grad(lambda v: (_SortWithRule.apply(v) * tg.arange(5.0)).sum())),
                x)
    _same(g, _loop(tg.grad(lambda v: (_SortWithRule.apply(v) * tg.arange(5.0)).sum()),
                   (0,), [x]))


def test_generate_vmap_rule_needs_setup_context():
    class Bad(tg.autograd.Function):
        generate_vmap_rule = True

        @staticmethod
        def forward(ctx, x):
            return x * 2

    with pytest.raises(RuntimeError, match="setup_context"):
        tg.vmap(Bad.apply)(_t(2, 3))


# ------------------------------------------------------------------ transforms

def test_vmap_of_linearize_is_batched():
    f = lambda x: tg.sin(x) * x.sum()                               # noqa: E731
    x, v = _t(4, 3), _t(4, 3)
    fn = lambda a, b: tg.linearize(f, a)[1](b)                      # noqa: E731
    _same(_strict(tg.vmap(fn), x, v), _loop(fn, (0, 0), [x, v]), 1e-12)


def test_compositions_match_torch_func():
    torch = pytest.importorskip("torch")
    from torch import func as tf
    X, W = RNG.standard_normal((4, 3)), RNG.standard_normal((3, 2))
    tx, tw = torch.tensor(X), torch.tensor(W)
    f = lambda w, x: (tg.tanh(x @ w) ** 2).sum()                    # noqa: E731
    ft = lambda w, x: (torch.tanh(x @ w) ** 2).sum()                # noqa: E731
    h = lambda x: tg.sin(x) * x.sum()                               # noqa: E731
    ht = lambda x: torch.sin(x) * x.sum()                           # noqa: E731
    pairs = [
        (tg.vmap(tg.jacrev(f, argnums=(0, 1)), in_axes=(None, 0)),
         tf.vmap(tf.jacrev(ft, argnums=(0, 1)), in_dims=(None, 0)), (W, X)),
        (tg.vmap(tg.hessian(f, argnums=1), in_axes=(None, 0)),
         tf.vmap(tf.hessian(ft, argnums=1), in_dims=(None, 0)), (W, X)),
        (tg.vmap(tg.grad(tg.function(f)), in_axes=(None, 0)),
         tf.vmap(tf.grad(ft), in_dims=(None, 0)), (W, X)),
        (tg.function(lambda w, x: tg.vmap(lambda u: tg.tanh(u @ w))(x)),
         lambda w, x: tf.vmap(lambda u: torch.tanh(u @ w))(x), (W, X)),
        (tg.vmap(lambda x: tg.checkpoint(h, x)), tf.vmap(ht), (X,)),
        (tg.vmap(tg.grad(lambda x: tg.checkpoint(h, x).sum())),
         tf.vmap(tf.grad(lambda x: ht(x).sum())), (X,)),
        (tg.jacfwd(tg.vmap(h)), tf.jacfwd(tf.vmap(ht)), (X,)),
        (tg.vmap(lambda x: tg.outer(x, x), out_axes=-1, chunk_size=3),
         tf.vmap(lambda x: torch.outer(x, x), out_dims=-1, chunk_size=3), (X,)),
        (tg.vmap(lambda d, w: d["a"] @ w + d["b"].sum(), in_axes=({"a": -1, "b": None}, None)),
         tf.vmap(lambda d, w: d["a"] @ w + d["b"].sum(), in_dims=({"a": -1, "b": None}, None)),
         ({"a": X.T.copy(), "b": X}, W)),
        (tg.vmap(lambda p, x: (p[0] * x + p[1], x.sum()), in_axes=((None, 0), 0), out_axes=(1, 0)),
         tf.vmap(lambda p, x: (p[0] * x + p[1], x.sum()), in_dims=((None, 0), 0), out_dims=(1, 0)),
         ((X[0], X), X)),
    ]
    conv = lambda a, T: tg.tree.map(T, a)                           # noqa: E731
    for ours, theirs, args in pairs:
        got = _strict(ours, *conv(args, tg.tensor))
        want = theirs(*conv(args, torch.tensor))
        got_l, want_l = tg.tree.leaves(got), [w.detach().numpy() for w in
                                              torch.utils._pytree.tree_leaves(want)]
        assert len(got_l) == len(want_l)
        for g, w in zip(got_l, want_l):
            np.testing.assert_allclose(_np(g), w, rtol=1e-10, atol=1e-12)


def test_empty_batch_through_reshape():
    got = tg.vmap(lambda x: tg.outer(x, x))(tg.tensor(np.zeros((0, 3))))
    assert got.shape == (0, 3, 3)


# ------------------------------------------------------------------ randomness

def _draw(name):
    return {"bernoulli": lambda v: tg.bernoulli(v * 0.5),
            "multinomial": lambda v: tg.multinomial(v / v.sum(), 2, replacement=True),
            "normal": lambda v: tg.normal(v, 1.0),
            "randn": lambda v: v + tg.randn(3, dtype=tg.float64),
            "normal_": lambda v: v.clone().normal_()}[name]


@pytest.mark.parametrize("name", ["bernoulli", "multinomial", "normal", "randn", "normal_"])
def test_randomness_modes_hold_for_every_draw(name):
    """'error' refuses, 'same' gives every element one draw, 'different' one each, also
    where f runs per element (bernoulli and multinomial compare raw values)."""
    f = _draw(name)
    x = tg.ones((4, 3), dtype=tg.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(RuntimeError, match="randomness='error'"):
            tg.vmap(f)(x)
        tg.manual_seed(0)
        same = _np(tg.vmap(f, randomness="same")(x))
        tg.manual_seed(0)
        diff = _np(tg.vmap(f, randomness="different")(tg.ones((16, 3), dtype=tg.float64)))
    assert all(np.array_equal(same[0], r) for r in same[1:])
    assert not all(np.array_equal(diff[0], r) for r in diff[1:])


def test_key_based_draws_map_over_keys():
    keys = tg.random.split(tg.random.PRNGKey(0), 4)
    for f in (lambda k: tg.random.normal(k, (3,)), lambda k: tg.random.bernoulli(k, 0.5, (3,)),
              lambda k: tg.random.categorical(k, tg.zeros(5), shape=(3,)),
              lambda k: tg.random.permutation(k, 5), lambda k: tg.random.gamma(k, 2.0, (3,))):
        got = _strict(tg.vmap(f), keys)
        np.testing.assert_array_equal(_np(got), np.stack([_np(f(keys[i])) for i in range(4)]))


# ------------------------------------------------------------------ modules

def test_lstm_and_gru_ensembles_with_packed_sequences_equal_the_loop():
    nn = tg.nn
    x = _t(5, 2, 3)
    for make in (lambda: nn.LSTM(3, 4, num_layers=2, proj_size=2, dtype=tg.float64),
                 lambda: nn.GRU(3, 4, bidirectional=True, dtype=tg.float64)):
        models = [make() for _ in range(2)]
        params, buffers = tg.func.stack_module_state(models)

        def f(p, b, v):
            packed = nn.utils.rnn.pack_padded_sequence(v, [5, 3])
            out = tg.func.functional_call(models[0], (p, b), (packed,))[0]
            return nn.utils.rnn.pad_packed_sequence(out)[0]

        def loss(p, b, v):
            return (f(p, b, v) ** 2).sum()
        got = _strict(tg.vmap(tg.grad(loss), in_axes=(0, 0, None)), params, buffers, x)
        for i in range(2):
            one = tg.grad(loss)({k: v[i] for k, v in params.items()}, {}, x)
            for k in one:
                np.testing.assert_allclose(_np(got[k])[i], _np(one[k]), rtol=1e-10,
                                           atol=1e-12)


# ------------------------------------------------------------------ cotangents batched outside

def test_pullbacks_taken_outside_vmap_batch_their_cotangents():
    """A pullback built outside vmap and mapped over cotangents (torch.func's
    vmap(vjp_fn), autograd.grad's is_grads_batched): the rules used to run on the
    placeholder of the batched cotangent and returned NaN."""
    x0 = tg.tensor(np.array([0.1, 0.2, 0.3]))
    cts = _t(4, 3)
    want = np.cos(_np(x0)) * _np(cts)
    _, pull = tg.vjp(tg.sin, x0)
    _same(_strict(tg.vmap(pull), cts)[0], want, 1e-14)
    x = tg.tensor(_np(x0), requires_grad=True)
    y = tg.sin(x)
    grads = _strict(tg.vmap(lambda v: tg.autograd.grad(y, x, v, retain_graph=True)[0]), cts)
    _same(grads, want, 1e-14)
    xv = tg.Variable(_np(x0))
    with tg.GradientTape(persistent=True) as tape:
        yv = tg.sin(xv)
    _same(_strict(tg.vmap(lambda v: tape.gradient(yv, xv, output_gradients=v)), cts), want,
          1e-14)
    # into .grad, each element would add its own value: refused (torch.func refuses too)
    with pytest.raises(RuntimeError, match="accumulated into .grad"):
        tg.vmap(lambda v: y.backward(v, retain_graph=True))(cts)
    assert x.grad is None


# ------------------------------------------------------------------ control flow

_CONTROL = {
    "lax.cond": lambda x: tg.lax.cond(x.sum() > 0, lambda v: v * 2, tg.sin, x),
    "lax.switch": lambda x: tg.lax.switch(tg.ops.cast(x[0] > 0, np.int64),
                                          [lambda v: v + 1, lambda v: v * 3], x),
    "lax.while_loop": lambda x: tg.lax.while_loop(
        lambda c: c[1] < 2 + tg.ops.cast(c[0].sum() > 0, np.int64),
        lambda c: (c[0] * 1.5, c[1] + 1), (x, 0))[0],
    "tg.cond": lambda x: tg.cond(x.sum() > 0, lambda: x * 2, lambda: tg.sin(x)),
    "tg.while_loop": lambda x: tg.while_loop(lambda v: v.sum() < 4.0,
                                             lambda v: v * 1.5 + 0.5, [x])[0],
}


@pytest.mark.parametrize("name", list(_CONTROL))
def test_control_flow_on_a_batched_predicate_picks_per_element(name):
    """lax.cond/switch/while_loop (lax.max shadowed the builtin and broke them under
    vmap) and tg.cond/tg.while_loop (which vmap's own error message recommends)."""
    f = _CONTROL[name]
    x = tg.tensor(np.array([[0.5, -1.0], [2.0, 0.3], [-0.7, 0.1]]))
    _same(_strict(tg.vmap(f), x), _loop(f, (0,), [x]), 1e-13)
    if "while" not in name:
        g = tg.grad(lambda v: (f(v) ** 2).sum())
        _same(_strict(tg.vmap(g), x), _loop(g, (0,), [x]), 1e-13)


def test_detach_of_a_batched_value_stays_batched():
    """x.detach(), x.data and tg.stop_gradient inside vmap used to give a tensor over the
    placeholder: NaN with the C speedups, the loop without them."""
    x = _t(3, 4)
    _same(_strict(tg.vmap(lambda v: v.detach() * 2 + v.data), x), 3 * _np(x), 1e-14)
    _same(_strict(tg.vmap(lambda v: tg.stop_gradient(v) * 2), x), 2 * _np(x), 1e-14)
    g = tg.grad(lambda v: (v * v.detach()).sum())
    _same(_strict(tg.vmap(g), x), _np(x), 1e-14)
    _same(_strict(tg.vmap(tg.vmap(lambda v: v.detach() * 2)), x[None]), 2 * _np(x)[None],
          1e-14)


def test_torch_style_functional_jacobian_inside_vmap_equals_the_loop():
    """autograd.functional makes leaves of its inputs (detach().requires_grad_()): a
    leaf per batch element, so f runs once per element (with the warning), correctly."""
    af = tg.autograd.functional
    x = _t(3, 4)
    f = lambda v: af.jacobian(lambda u: tg.sin(u) * u.sum(), v)     # noqa: E731
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = tg.vmap(f)(x)
    _same(got, _loop(f, (0,), [x]), 1e-14)


def test_cnn_ensemble_with_batchnorm_in_eval_matches_torch_func():
    """A model ensemble (stack_module_state, vmap over parameters and buffers) of CNNs
    with BatchNorm in eval mode: outputs and each model's gradients, in float64."""
    torch = pytest.importorskip("torch")
    from torch import func as tf
    nn = tg.nn

    def ours():
        return nn.Sequential(nn.Conv2d(2, 3, 3, padding=1, dtype=tg.float64),
                             nn.BatchNorm2d(3, dtype=tg.float64), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Flatten(), nn.Linear(12, 2, dtype=tg.float64))

    def theirs():
        return torch.nn.Sequential(torch.nn.Conv2d(2, 3, 3, padding=1).double(),
                                   torch.nn.BatchNorm2d(3).double(), torch.nn.ReLU(),
                                   torch.nn.MaxPool2d(2), torch.nn.Flatten(),
                                   torch.nn.Linear(12, 2).double())
    tms, gms = [theirs() for _ in range(3)], [ours() for _ in range(3)]
    for t, g in zip(tms, gms):
        with torch.no_grad():
            t[1].running_mean.uniform_(-0.5, 0.5)
            t[1].running_var.uniform_(0.5, 1.5)
        g.load_state_dict({k: tg.tensor(v.detach().numpy().copy())
                           for k, v in t.state_dict().items()})
        t.eval()
        g.eval()
    x = RNG.standard_normal((5, 2, 4, 4))
    tp, tb = tf.stack_module_state(tms)
    gp, gb = tg.func.stack_module_state(gms)

    def loss(p, b, v):
        return (tg.func.functional_call(gms[0], (p, b), (v,)) ** 2).sum()

    def tloss(p, b, v):
        return (tf.functional_call(tms[0], (p, b), (v,)) ** 2).sum()
    got = _strict(tg.vmap(tg.grad(loss), in_axes=(0, 0, None)), gp, gb, tg.tensor(x))
    want = tf.vmap(tf.grad(tloss), in_dims=(0, 0, None))(tp, tb, torch.tensor(x))
    for k in want:
        np.testing.assert_allclose(_np(got[k]), want[k].detach().numpy(), rtol=1e-10,
                                   atol=1e-12)


def test_raw_values_of_a_batched_value_run_per_element():
    """tg.tensor(x), np.asarray(x) and x.numpy() of a batched value used to read its
    placeholder (NaN): tg.tensor copies the batch, the others run f per element."""
    x = _t(2, 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)        # tg.tensor(t)'s advice
        _same(_strict(tg.vmap(lambda v: tg.tensor(v) * 2.0), x), 2 * _np(x), 1e-14)
    for f in (lambda v: tg.tensor(v.numpy()) * 2.0, lambda v: tg.tensor(np.asarray(v)) * 2.0,
              lambda v: tnp.asarray(v.numpy()) * 2.0):
        _api._warned.clear()
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            got = tg.vmap(f)(x)
        _same(got, 2 * _np(x), 1e-14)
        assert any("runs once per batch element" in str(w.message) for w in seen)


@pytest.mark.parametrize("with_rule", [True, False])
def test_dropout2d_follows_randomness_with_its_rule_and_in_the_loop(with_rule, monkeypatch):
    """dropout2d's mask had no rule: the per-element loop drew a different mask for each
    element under randomness='same'. Its rule draws once (same) or for the batch
    (different); the loop, for any op that draws, starts every element from one state."""
    from tapegrad.nn._functional_norm import ChannelDropoutMask
    from tapegrad.vmap._batched import RULES
    if not with_rule:
        monkeypatch.delitem(RULES, ChannelDropoutMask)
    f = lambda v: tg.nn.functional.dropout2d(v, 0.5, training=True)    # noqa: E731
    x = tg.ones((6, 8, 1, 1), dtype=tg.float64)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore" if not with_rule else "error", RuntimeWarning)
        with pytest.raises(RuntimeError, match="randomness='error'"):
            tg.vmap(f)(x)
        same = _np(tg.vmap(f, randomness="same")(x))
        diff = _np(tg.vmap(f, randomness="different")(x))
    assert all(np.array_equal(same[0], r) for r in same[1:])
    assert not all(np.array_equal(diff[0], r) for r in diff[1:])
