"""The optional C speedups (src/tapegrad/_speedups.c) against their Python reference.

test.sh runs the engine and op tests a second time with TAPEGRAD_PURE_PYTHON=1, so both
paths carry the whole behaviour; these tests check that the switch works and that the
two build the same nodes and gradients."""
import glob
import os

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.autograd import engine
from tapegrad import _native
from tapegrad import _sites
from tapegrad import _tensor
from tapegrad.autograd import forward_ad
from tapegrad.autograd import graph as autograd_graph
from tapegrad.ops import _apply
from tapegrad.ops import _op
from tapegrad.ops.elementwise import Mul, Sin, Tanh

BUILT = bool(glob.glob(os.path.join(os.path.dirname(tg.__file__), "_speedups*.so")))
PURE = bool(os.environ.get("TAPEGRAD_PURE_PYTHON"))
needs_c = pytest.mark.skipif(_native.SPEEDUPS is None, reason="C speedups not in use")


def test_switch():
    if PURE or not BUILT:
        assert _native.SPEEDUPS is None
        assert _apply._record_fast is _apply._record_fast_py
        assert engine._loops is engine._loops_py
        assert engine._fitted is engine._fitted_py
    else:
        assert _apply._record_fast is _native.SPEEDUPS.record_fast
        assert engine._loops is _native.SPEEDUPS.backward_loops
        assert engine._fitted is engine._fitted_py      # fitting is run_node's, in Python


def _record_both(op, x, y, out):
    idx = op._hot[1]
    a = _apply._record_fast_py(op, x, y, out, idx, False)
    b = _native.SPEEDUPS.record_fast(op, x, y, out, idx, False)
    return a, b


@needs_c
@pytest.mark.parametrize("op,two", [(Mul, True), (Sin, False), (Tanh, False)])
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_record_builds_the_same_node(op, two, shape):
    x = tg.tensor(np.arange(1.0, 1.0 + np.prod(shape)).reshape(shape), requires_grad=True)
    w = tg.tensor(np.full(shape, 0.5))
    y = w if two else None
    out = op.forward(x._data, w._data) if two else op.forward(x._data)
    out = np.asarray(out)
    a, b = _record_both(op, x, y, out)
    na, nb = a.grad_fn, b.grad_fn
    assert a.requires_grad and b.requires_grad and a._data is b._data is out
    assert na.op is nb.op is op
    assert na.next == nb.next and na.in_shapes is nb.in_shapes
    assert na.needs_grad is nb.needs_grad and na.meta is nb.meta
    assert na.site is nb.site               # the same interned (code, offset) pair
    assert len(na._saved) == len(nb._saved)
    for u, v in zip(na._saved, nb._saved):
        assert type(u) is type(v)
        np.testing.assert_array_equal(u, v)
    assert [type(v) for v in na.vers] == [type(v) for v in nb.vers]
    assert na.vers[1::2] == nb.vers[1::2]


@needs_c
def test_backward_loops_agree_with_python():
    rng = np.random.default_rng(0)
    x = tg.tensor(rng.standard_normal((4, 3)), requires_grad=True)
    w = tg.tensor(rng.standard_normal((3, 2)), requires_grad=True)

    def loss():
        h = tg.tanh(x @ w)
        return (h * h + tg.sin(h)).sum() + (x * 2.0).mean()

    grads = []
    for loops in (engine._loops_py, _native.SPEEDUPS.backward_loops):
        x.grad = w.grad = None
        saved, engine._loops = engine._loops, loops
        try:
            loss().backward()
        finally:
            engine._loops = saved
        grads.append((x.grad.numpy().copy(), w.grad.numpy().copy()))
    for u, v in zip(*grads):
        np.testing.assert_array_equal(u, v)


@needs_c
def test_c_paths_raise_the_python_messages():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1.0
    z = tg.sin(y)
    y.add_(1.0)
    with pytest.raises(RuntimeError, match="SinBackward: a tensor it saved"):
        z.sum().backward()
    z = tg.exp(x).sum()
    z.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        z.backward()


@needs_c
def test_all_finite_agrees_with_python():
    from tapegrad.ops.elementwise import _all_finite, _all_finite_py
    cases = [np.ones(5, np.float32), np.array([1.0, np.inf], np.float32), np.array([np.nan]),
             np.float64(np.inf), np.float64(2.0), 3.0, float("nan"), np.ones((3, 4))[:, ::2],
             np.array([1 + 1j]), np.array([np.nan * 1j]), np.arange(3), np.array(-np.inf),
             np.ones(0), np.full((2, 2), np.nan, np.float32)[:, :1]]
    for a in cases:
        assert bool(_all_finite(a)) == bool(_all_finite_py(a)), a


@needs_c
@pytest.mark.parametrize("shape", [(), (3,)])
def test_dual_fast_agrees_with_python(shape):
    fa = tg.autograd.forward_ad
    x = np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape)
    with fa.dual_level():
        a = fa.make_dual(tg.tensor(x), tg.tensor(np.ones(shape)))
        b = fa.make_dual(tg.tensor(x * 2), tg.tensor(np.full(shape, 0.5)))
        for op, args in ((Mul, (a, b)), (Sin, (a,)), (Tanh, (b,)), (Mul, (a, 3.0))):
            raw = tuple(v._data if isinstance(v, tg.Tensor) else v for v in args)
            p = forward_ad._dual_fast_py(op, args, raw, {})
            c = _native.SPEEDUPS.dual_fast(op, args, raw, {})
            np.testing.assert_array_equal(p._data, c._data)
            (lp, tp), = p._fw.items()
            (lc, tc), = c._fw.items()
            assert lp == lc
            assert tp._data.dtype == tc._data.dtype
            np.testing.assert_array_equal(tp._data, tc._data)


@needs_c
def test_nodes_leave_the_cyclic_collector_until_hooks_attach():
    import gc
    import weakref
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = tg.sin(x * 2.0)
    node = y.grad_fn
    assert not gc.is_tracked(node)
    node.register_hook(lambda *args: print(y))      # closes y -> node -> hook -> y
    assert gc.is_tracked(node)
    ref = weakref.ref(y)
    del y, node
    gc.collect()
    assert ref() is None


# ------------------------------------------------------------ NumPy's inner loops

def _op_ufuncs():
    ufs = {op.forward for op in _op.REGISTRY
           if isinstance(getattr(op, "forward", None), np.ufunc) and op.forward.nin <= 2}
    ufs |= {np.add, np.subtract, np.multiply, np.true_divide, np.negative, np.sin, np.cos}
    ufs.discard(np.matmul)
    return sorted(ufs, key=lambda u: u.__name__)


SPECIAL = [0.0, -0.0, 1.0, -1.0, 0.5, 1e-310, 1e308, -1e308, np.inf, -np.inf, np.nan,
           100.0, -745.0, 710.0, 89.0, 1e-45, 88.7, 0.7, -3.5]


def _same(got, want):
    want = np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))   # -0.0 stays -0.0


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("uf", _op_ufuncs(), ids=lambda u: u.__name__)
def test_direct_loops_are_bitwise_numpy(uf, dtype):
    """Where the C path calls NumPy's inner loop itself, the result is the ufunc's, bit
    for bit (also where an FP exception np.errstate ignores was raised; one it does not
    ignore makes it decline, see the next tests)."""
    import warnings
    direct = _native.SPEEDUPS.direct_call
    rng = np.random.default_rng(0)
    with np.errstate(all="ignore"):
        a = np.concatenate([rng.standard_normal(40) * 3, SPECIAL]).astype(dtype)
        b = np.concatenate([rng.standard_normal(40) * 3, SPECIAL[::-1]]).astype(dtype)
    cases = [(a, b)]
    cases += [(np.array(u), np.array(v)) for u, v in zip(a, b)]      # 0-d arrays
    cases += list(zip(a, b))                                          # NumPy scalars
    cases += [(np.array(u), 0.5) for u in a] + [(2.0, np.array(u)) for u in a]
    taken = clean = 0
    for u, v in cases:
        args = (u,) if uf.nin == 1 else (u, v)
        if uf.nin == 1 and not isinstance(u, (np.ndarray, np.generic)):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with np.errstate(all="ignore"):
                want = uf(*args)
            got = direct(uf, *args)
        with np.errstate(all="raise"):
            try:
                uf(*args)
                clean += 1
            except FloatingPointError:      # outside the domain (arcsin(3.0)): declined
                pass
        if got is None:
            continue
        taken += 1
        _same(got, want)
    assert taken > clean // 3               # the common finite cases do take the fast path


@needs_c
def test_direct_loops_decline_what_they_do_not_cover():
    direct = _native.SPEEDUPS.direct_call
    f = np.ones((3, 4))
    assert direct(np.add, f, np.ones(4)) is None                    # broadcasting
    assert direct(np.add, f, np.ones((3, 4), np.float32)) is None   # mixed dtypes
    assert direct(np.add, np.ones(3, np.float32), np.float64(1.0)) is None
    assert direct(np.add, f[:, ::2], f[:, ::2]) is None             # not contiguous
    assert direct(np.add, np.arange(3), np.arange(3)) is None       # integers
    assert direct(np.matmul, f, f.T) is None                        # a gufunc
    assert direct(np.add, np.ones(2, np.float32), 0.1) is None      # 0.1 is not a float32
    assert direct(np.add, 1.0, 2.0) is None                         # no array at all
    big = np.ones(3, ">f8")
    assert direct(np.add, big, big) is None                         # byte-swapped
    assert direct(np.add, np.ones(3, np.float32), 0.5).dtype == np.float32


@needs_c
def test_fp_exceptions_still_warn_and_raise_like_numpy():
    with pytest.warns(RuntimeWarning, match="invalid value encountered in log"):
        tg.log(tg.tensor([-1.0, 1.0]))
    with pytest.warns(RuntimeWarning, match="overflow encountered in exp"):
        tg.exp(tg.tensor(1000.0))
    with np.errstate(over="raise"):
        with pytest.raises(FloatingPointError):
            tg.exp(tg.tensor([1000.0]))
    with np.errstate(divide="raise"):
        with pytest.raises(FloatingPointError):
            tg.tensor([1.0]) / tg.tensor([0.0])


@needs_c
def test_fp_exceptions_the_errstate_ignores_keep_the_inner_loops_result():
    """An exception np.errstate ignores (underflow by default) keeps the inner loop's
    result, the ufunc's bits without a word; one it does not ignore declines, and the
    ufunc warns or raises. Each errstate block is a new state: nested and alternating
    blocks (more than the C side caches) each get their own answer."""
    direct = _native.SPEEDUPS.direct_call
    try:
        from numpy._core import _multiarray_umath as um
        knows_errstate = hasattr(um, "_extobj_contextvar")
    except ImportError:                 # NumPy 1.x: every exception declines
        knows_errstate = False
    tiny = np.full(4, 1e-30, np.float32)
    want = np.multiply(tiny, tiny)
    for _ in range(3):
        for mode in ("ignore", "raise", "warn", "ignore", "print", "raise", "ignore"):
            with np.errstate(under=mode):
                got = direct(np.multiply, tiny, tiny)
                if mode == "ignore" and knows_errstate:
                    _same(got, want)
                else:
                    assert got is None
    with np.errstate(under="raise"):
        with pytest.raises(FloatingPointError):
            tg.tensor(tiny) * tg.tensor(tiny)
        with np.errstate(under="ignore"):
            assert (direct(np.multiply, tiny, tiny) is not None) == knows_errstate
        with pytest.raises(FloatingPointError):
            tg.tensor(tiny) * tg.tensor(tiny)
    with np.errstate(all="ignore", divide="warn"):
        assert direct(np.log, np.zeros(2)) is None      # divide is not ignored
        assert (direct(np.multiply, tiny, tiny) is not None) == knows_errstate


def _grads_both_ways(fn, *leaves):
    out = []
    for loops in (engine._loops_py, _native.SPEEDUPS.backward_loops):
        for t in leaves:
            t.grad = None
        saved, engine._loops = engine._loops, loops
        try:
            fn(*leaves).backward()
        finally:
            engine._loops = saved
        out.append([None if t.grad is None else t.grad.numpy().copy() for t in leaves])
    return out


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shapes", [((), ()), ((5,), (5,)), ((3, 1), (1, 4)), ((2, 3), ())])
@pytest.mark.parametrize("name", ["add", "sub", "mul", "div", "neg", "sin", "cos", "exp",
                                  "tanh"])
def test_c_rules_match_the_python_rules(name, shapes, dtype):
    """The rules run in C give the Python rules' gradients bit for bit, broadcasting,
    0-d values (NumPy scalars) and strong zeros included."""
    rng = np.random.default_rng(1)
    x = tg.tensor(rng.uniform(0.5, 2.0, shapes[0]).astype(dtype), requires_grad=True)
    y = tg.tensor(rng.uniform(0.5, 2.0, shapes[1]).astype(dtype), requires_grad=True)
    binary = {"add": lambda a, b: a + b, "sub": lambda a, b: a - b,
              "mul": lambda a, b: a * b, "div": lambda a, b: a / b}
    unary = {"neg": lambda a: -a, "sin": tg.sin, "cos": tg.cos, "exp": tg.exp,
             "tanh": tg.tanh}
    if name in binary:
        def f(a, b):
            return (binary[name](a, b) * 1.5).sum()
        gp, gc_ = _grads_both_ways(f, x, y)
    else:
        def f(a, b):
            return (unary[name](a * b) * 1.5).sum()
        gp, gc_ = _grads_both_ways(f, x, y)
    for u, v in zip(gp, gc_):
        assert u.dtype == v.dtype
        _same(v, u)


@needs_c
def test_c_rules_keep_strong_zeros():
    x = tg.tensor([0.0, 1.0], requires_grad=True)
    y = tg.tensor([1e30, 2.0], requires_grad=True)
    def f(a, b):
        # the first element's cotangent is zero and meets an infinite derivative
        return tg.where(tg.tensor([False, True]), a * (b * b * b), 0.0).sum()
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gp, gc_ = _grads_both_ways(f, x, y)
    for u, v in zip(gp, gc_):
        _same(v, u)
    assert np.all(np.isfinite(gc_[0]))


@needs_c
def test_backward_tables_release_every_node_even_after_an_error():
    import gc
    import weakref

    class Boom(tg.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a * 1.0

        @staticmethod
        def backward(ctx, g):
            raise ValueError("boom")

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = tg.sin(Boom.apply(tg.exp(x)))
    refs, todo = [], [y.grad_fn]
    while todo:                     # every node, the uncounted exp node among them
        n = todo.pop()
        if n is not None and not isinstance(n, autograd_graph.AccumulateGrad):
            refs.append(weakref.ref(n))
            todo.extend(n.next)
    assert len(refs) == 3
    with pytest.raises(ValueError, match="boom"):
        (y * y).sum().backward()
    del y, n, todo
    gc.collect()
    assert [r() for r in refs] == [None] * 3
    z = tg.exp(x)
    for _ in range(5000):           # long enough to grow the table many times
        z = tg.sin(z) * 0.5
    node = weakref.ref(z.grad_fn)
    z.sum().backward()
    assert x.grad is not None and node() is not None
    del z
    assert node() is None


@needs_c
def test_long_graphs_leave_no_tracked_tuples():
    """A recorded chain must not leave objects for the cyclic collector to walk: the
    per-node cost would then grow with the length of the graph."""
    import gc
    x = tg.tensor(0.5, requires_grad=True)
    c = tg.tensor(1.0, requires_grad=True)
    gc.collect()
    before = len(gc.get_objects())
    y = x
    for _ in range(2000):
        y = tg.sin(y * c)
    gc.collect()
    assert len(gc.get_objects()) - before < 100
    y.backward()


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_graph_mode_c_calls_match_the_python_replay(dtype, monkeypatch):
    """tg.function's generated replay calls ufunc_call with the C speedups; the values
    and gradients equal those of the plain generated replay bit for bit."""
    from tapegrad.function import program as graph_program
    rng = np.random.default_rng(2)
    xs = rng.uniform(0.5, 1.5, (3, 4)).astype(dtype)
    ws = rng.uniform(0.5, 1.5, (4,)).astype(dtype)

    def program(x, w):
        y = tg.tanh(x * w + x) - x / w
        return (tg.exp(tg.sin(y)) * tg.cos(-y)).sum()

    def run():
        f = tg.function(program)
        x = tg.tensor(xs, requires_grad=True)
        w = tg.tensor(ws, requires_grad=True)
        out = f(x, w)
        out.backward()
        return out.numpy().copy(), x.grad.numpy().copy(), w.grad.numpy().copy(), f

    def generated(f):
        (entry,) = f._traces.values()
        prog = entry.program
        return "_ufunc_call" in prog.replay.__globals__

    with_c = run()
    assert generated(with_c[3])
    monkeypatch.setattr(graph_program, "_fast_calls", lambda: None)
    plain = run()
    assert not generated(plain[3])
    for u, v in zip(with_c[:3], plain[:3]):
        _same(u, v)


@needs_c
def test_no_grad_cut_notes_match_python(monkeypatch):
    """Under no_grad the C path notes explain_grad's cut (and passes it on) as the
    Python path does, without leaving the fast path."""
    from tapegrad import _tensor
    from tapegrad.ops import elementwise
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    h = tg.exp(x)                       # a tracked intermediate: its leaves are found
    results = []
    for pure in (True, False):
        if pure:
            monkeypatch.setattr(elementwise, "apply1", _apply.apply1_py)
            monkeypatch.setattr(_tensor, "_binary", _apply.apply2_py)
        else:
            monkeypatch.undo()
            assert elementwise.apply1 is _native.SPEEDUPS.apply1
        with tg.no_grad():
            a = tg.exp(x)
            b = h + 1.0
            c = tg.exp(b)               # untracked, but carries b's cut
            d = c + a
        kinds = []
        for t in (a, b, c, d):
            kind, site, refs = t._x["cut"]
            kinds.append((kind, site, [r() for r in refs]))
        assert not any(t.requires_grad for t in (a, b, c, d))
        assert kinds[0][2] == [x] and kinds[1][2] == [h.grad_fn, x]
        assert c._x["cut"] is b._x["cut"] and d._x["cut"] is c._x["cut"]
        code, line = _sites.site_line(kinds[0][1])
        assert code.co_name == "test_no_grad_cut_notes_match_python"
        assert _sites.site_line(kinds[1][1]) == (code, line + 1)
        results.append(kinds)
    assert [k[2] for k in results[0]] == [k[2] for k in results[1]]
    assert [_sites.site_line(k[1]) for k in results[0]] == \
        [_sites.site_line(k[1]) for k in results[1]]


def test_backward_rules_take_no_cut_notes():
    """Ops that backward rules run (here on dual tensors inside tg.hvp, under no_grad)
    compute gradients: they note no explain_grad cuts, and the flag is reset after."""
    from tapegrad import _state
    seen = []
    orig = _tensor._leaf_refs

    def spy(node, *a, **k):
        seen.append(node)
        return orig(node, *a, **k)

    _tensor._leaf_refs = spy
    try:
        A = tg.tensor(np.eye(3) * 2.0)
        x = tg.tensor([0.1, 0.2, 0.3])
        hv = tg.hvp(lambda x: tg.tanh(A @ x).sum() ** 2, (x,), (tg.tensor([1.0, 0, 0]),))
    finally:
        _tensor._leaf_refs = orig
    assert hv.shape == (3,) and seen == []
    assert _state.local.in_backward is False
    y = tg.tensor([1.0], requires_grad=True)
    with tg.no_grad():
        z = tg.exp(y * 2.0)
    assert "cut" in z._x                    # outside backward the note is still taken


@needs_c
@pytest.mark.parametrize("shape", [(), (3,), (2, 3)])
def test_dual_fast_with_params_and_linear_rules_agrees_with_python(shape):
    """dual_fast also takes ops with params (Sum's axis) and LINEAR rules, and the raw
    inputs as the list apply() builds."""
    from tapegrad.ops.elementwise import Pow
    from tapegrad.ops.reduce import Sum
    fa = tg.autograd.forward_ad
    x = np.linspace(0.5, 1.5, int(np.prod(shape))).reshape(shape)
    with fa.dual_level():
        a = fa.make_dual(tg.tensor(x), tg.tensor(np.full(shape, 0.25)))
        axis = None if not shape else len(shape) - 1
        cases = [(Sum, (a,), {"axis": axis, "keepdims": False}),
                 (Sum, (a,), {"axis": None, "keepdims": True}),
                 (Pow, (a, 3.0), {})]
        for op, args, params in cases:
            raw = [v._data if isinstance(v, tg.Tensor) else v for v in args]
            p = forward_ad._dual_fast_py(op, args, tuple(raw), params)
            c = _native.SPEEDUPS.dual_fast(op, args, raw, params)
            assert p is not None and c is not None
            _same(c._data, p._data)
            (lp, tp), = p._fw.items()
            (lc, tc), = c._fw.items()
            assert lp == lc
            _same(tc._data, tp._data)


def test_a_backward_inside_a_hook_and_threads_keep_their_own_state():
    """A hook that runs a backward of its own (a second count table inside the first),
    and a thread recording while another runs under no_grad: each keeps its own
    counts, gradients and grad mode."""
    import threading
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0], requires_grad=True)
    inner = []

    def hook(g):
        with tg.enable_grad():                  # hooks run with recording off
            (tg.sin(b) * 2.0).sum().backward()  # a nested backward, b only
        inner.append(b.grad.numpy().copy())
        return g * 10.0

    y = tg.exp(a * 0.5)
    y.register_hook(hook)
    (y * y).sum().backward()
    np.testing.assert_allclose(inner[0], 2.0 * np.cos([3.0]))
    np.testing.assert_allclose(a.grad.numpy(), 10.0 * np.exp(a.numpy()), rtol=1e-6)

    ok = []

    def worker():
        for _ in range(200):
            with tg.no_grad():
                z = tg.sin(a * 2.0)
            ok.append(not z.requires_grad)

    t = threading.Thread(target=worker)
    t.start()
    flags = []
    for _ in range(200):
        flags.append(tg.sin(a * 2.0).requires_grad)
    t.join()
    assert all(ok) and len(ok) == 200 and all(flags)


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_mask_is_numpys_g_times_mask_bit_for_bit(dtype):
    """relu_mask(g, y) is g * (y > 0) as NumPy computes it (-0.0 for a negative g where
    y <= 0, y = NaN counts as not positive), and None where that is not all finite, so
    the Python path's where() runs; operands that do not match are declined."""
    from tapegrad.ops.activations import _masked
    mask = _native.SPEEDUPS.relu_mask
    rng = np.random.default_rng(2)
    special = np.array([0.0, -0.0, 1e-310, -1e-310, 1e-40, np.nan, 3.0, -2.0], dtype)
    for shape in [(7,), (4, 5), (2, 3, 4), ()]:
        g = rng.standard_normal(shape).astype(dtype)
        y = rng.choice(special, size=shape).astype(dtype)
        y = np.asarray(y)
        r = mask(np.asarray(g), y)
        want = np.asarray(g) * (y > 0)
        _same(r, want)
        _same(_masked(np.asarray(g), y > 0), want)
    g = np.array([np.inf, 1.0, -1.0], dtype)
    y = np.array([-1.0, 1.0, -1.0], dtype)
    assert mask(g, y) is None                   # inf * 0 is NaN: the where path decides
    with np.errstate(invalid="ignore"):
        _same(_masked(g, y > 0), np.array([0.0, 1.0, 0.0], dtype))   # where: +0.0
    g = np.ones((3, 4), dtype)
    for y in [np.ones((4,), dtype), np.ones((3, 4), np.float16), np.ones((4, 3), dtype).T,
              np.ones((3, 4), dtype).astype(np.dtype(dtype).newbyteorder())]:
        assert mask(g, y) is None
    assert mask(g, tg.tensor(np.ones((3, 4), dtype))) is None


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_finite_agrees_with_numpy_on_every_special_value(dtype):
    check = _native.SPEEDUPS.all_finite
    info = np.finfo(dtype)
    specials = [np.inf, -np.inf, np.nan, -np.nan, info.max, -info.max, info.tiny,
                info.smallest_subnormal, -0.0, 0.0]
    base = np.random.default_rng(4).standard_normal(37).astype(dtype)
    assert check(base) is True
    for v in specials:
        for pos in (0, 17, 36):                 # head, vector body, tail of the loop
            a = base.copy()
            a[pos] = v
            assert check(a) is bool(np.isfinite(a).all()), (v, pos)
            # the Python path (not contiguous) may also say False for a sum of squares
            # that overflows, never True for an inf or NaN
            if not np.isfinite(v):
                assert check(a[::-1]) is False
        assert check(dtype(v)) is bool(np.isfinite(v))


def test_fitted_keeps_a_fitting_gradient_and_sums_a_broadcast_one():
    """_fitted (run_node's last step): the gradient itself when it has the input's shape,
    else summed down to it, and an error naming the rule for a shape that cannot be."""
    node = (tg.tensor([1.0], requires_grad=True) * 2.0).grad_fn
    g = np.arange(12.0).reshape(3, 4)
    cases = [(g, (3, 4)), (g, (4,)), (g, (1, 4)), (g, (3, 1)), (g, ()), (np.float64(2.5), ()),
             (2.5, ()), (np.float32(1.5), ()), (g[:, :1], (3, 1))]
    for gx, shape in cases:
        got = engine._fitted_py(gx, shape, node)
        if np.shape(gx) == shape:
            assert got is gx
        else:
            want = np.asarray(g).reshape(np.shape(gx)).sum(
                axis=tuple(range(len(np.shape(gx)) - len(shape))))
            want = want.sum(axis=tuple(i for i, n in enumerate(shape) if n == 1 and
                                       want.shape[i] != 1), keepdims=True).reshape(shape)
            _same(np.asarray(got._data if hasattr(got, "_data") else got), want)
    with pytest.raises(RuntimeError, match="MulBackward: its rule returned a gradient "
                                           r"of shape \(3, 4\) for an input of shape "
                                           r"\(5,\)"):
        engine._fitted_py(g, (5,), node)


@pytest.mark.skipif(_native.SPEEDUPS is None, reason="the C speedups are not built")
def test_general_record_site_in_c_is_the_python_walk(monkeypatch):
    # ops/_apply._record takes the site from the C walk; the Python one must agree
    import tapegrad.numpy as tnp
    from tapegrad.ops import _apply
    x = tg.tensor(np.arange(4.0), requires_grad=True)
    made = [tnp.sum(x) for _ in range(2)] + [x[::2] for _ in range(2)]
    monkeypatch.setattr(_apply, "_record_site", None)
    again = [tnp.sum(x) for _ in range(2)] + [x[::2] for _ in range(2)]
    for a, b in zip(made, again):
        code_a, line_a = _sites.site_line(a.grad_fn.site)
        code_b, line_b = _sites.site_line(b.grad_fn.site)
        assert code_a.co_filename == code_b.co_filename == __file__
        assert line_b == line_a + 2
    assert made[0].grad_fn.site is made[1].grad_fn.site
