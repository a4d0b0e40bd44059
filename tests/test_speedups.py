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
from tapegrad.ops import _core
from tapegrad.ops.elementwise import Mul, Sin, Tanh

BUILT = bool(glob.glob(os.path.join(os.path.dirname(tg.__file__), "_speedups*.so")))
PURE = bool(os.environ.get("TAPEGRAD_PURE_PYTHON"))
needs_c = pytest.mark.skipif(_core.SPEEDUPS is None, reason="C speedups not in use")


def test_switch():
    if PURE or not BUILT:
        assert _core.SPEEDUPS is None
        assert _core._record_fast is _core._record_fast_py
        assert engine._loops is engine._loops_py
    else:
        assert _core._record_fast is _core.SPEEDUPS.record_fast
        assert engine._loops is _core.SPEEDUPS.backward_loops


def _record_both(op, x, y, out):
    idx = op._hot[1]
    a = _core._record_fast_py(op, x, y, out, idx, False)
    b = _core.SPEEDUPS.record_fast(op, x, y, out, idx, False)
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
    for loops in (engine._loops_py, _core.SPEEDUPS.backward_loops):
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
            p = _core._dual_fast_py(op, args, raw, {})
            c = _core.SPEEDUPS.dual_fast(op, args, raw, {})
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
