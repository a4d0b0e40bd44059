"""One node runner: every backward path runs its nodes through autograd.engine.run_node
(and its leaves through run_leaf), whichever loop (C or Python) drives it; and the
GradientTape's recording by recording marks (Node.seq) keeps TF's semantics."""
import threading

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import _state
from tapegrad.autograd import engine
from tapegrad.autograd.engine import BackwardState, run_node
from tapegrad import _native
from tapegrad.ops.elementwise import Exp, Mul, Sin
from tapegrad.ops.reduce import Sum

LOOPS = [pytest.param(engine._loops_py, id="python-loop")]
if _native.SPEEDUPS is not None:
    LOOPS.append(pytest.param(_native.SPEEDUPS.backward_loops, id="c-loop"))

RULED = (Mul, Sin, Exp, Sum)


@pytest.fixture(params=LOOPS)
def counted(request, monkeypatch):
    """Count run_node calls, and make each rule of RULED fail unless run_node called it."""
    monkeypatch.setattr(engine, "_loops", request.param)
    seen = {"nodes": 0, "leaves": 0, "rules": 0, "inside": 0}
    real_node, real_leaf = engine.run_node, engine.run_leaf

    def node(n, g, state, mask=None):
        seen["nodes"] += 1
        seen["inside"] += 1
        try:
            return real_node(n, g, state, mask)
        finally:
            seen["inside"] -= 1

    def leaf(n, g, state):
        seen["leaves"] += 1
        return real_leaf(n, g, state)

    monkeypatch.setattr(engine, "run_node", node)
    monkeypatch.setattr(engine, "run_leaf", leaf)
    for op in RULED:
        rule = op.vjp

        def checked(ctx, g, rule=rule):
            assert seen["inside"] > 0, "a rule ran outside run_node"
            seen["rules"] += 1
            return rule(ctx, g)

        monkeypatch.setattr(op, "vjp", staticmethod(checked))
    return seen


def _f(x, w):
    return tg.sum(tg.exp(tg.sin(x * w)) * x)


def _leaves():
    return (tg.tensor([0.3, -0.2, 0.5], requires_grad=True),
            tg.tensor([1.5, 0.5, -1.0], requires_grad=True))


def _want(x, w):
    x, w = x.numpy(), w.numpy()
    s = np.sin(x * w)
    e = np.exp(s)
    return e + x * e * np.cos(x * w) * w, x * e * np.cos(x * w) * x


def _close(got, want):
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-5)


def test_backward_runs_every_node_through_run_node(counted):
    x, w = _leaves()
    _f(x, w).backward()
    assert counted["nodes"] == 5 and counted["rules"] == 5
    assert counted["leaves"] == 2          # once per leaf: x's two gradients meet first
    for got, want in zip((x.grad, w.grad), _want(x, w)):
        _close(got, want)


def test_autograd_grad_and_tg_grad_run_through_run_node(counted):
    x, w = _leaves()
    gx, gw = tg.autograd.grad(_f(x, w), (x, w))
    assert counted["rules"] == 5 and x.grad is None
    for got, want in zip((gx, gw), _want(x, w)):
        _close(got, want)
    counted["rules"] = 0
    gx2, gw2 = tg.grad(_f, argnums=(0, 1))(x.detach(), w.detach())
    assert counted["rules"] == 5
    _close(gx2, gx.numpy())
    _close(gw2, gw.numpy())


def test_inputs_prune_the_nodes_that_lead_to_no_input(counted):
    x, w = _leaves()
    y = tg.sin(x * w)
    z = tg.sum(tg.exp(y) * x)
    (gy,) = tg.autograd.grad(z, y)
    # sum, the product and exp run; the mul under y leads to no input and must not
    assert counted["rules"] == 3
    _close(gy, (np.exp(y.numpy()) * x.numpy()))


def test_tape_gradient_runs_through_run_node(counted):
    x = tg.Variable([0.3, -0.2, 0.5])
    w = tg.Variable([1.5, 0.5, -1.0])
    with tg.GradientTape() as tape:
        loss = _f(x, w)
    gx, gw = tape.gradient(loss, [x, w])
    assert counted["rules"] == 5 and counted["nodes"] == 5
    for got, want in zip((gx, gw), _want(x, w)):
        _close(got, want)


def test_transforms_and_checkpoint_run_through_run_node(counted):
    x, w = _leaves()
    xd, wd = x.detach(), w.detach()
    jac = tg.jacrev(lambda a: tg.exp(tg.sin(a * wd)))(xd)
    assert counted["rules"] > 0
    e = np.exp(np.sin(xd.numpy() * wd.numpy())) * np.cos(xd.numpy() * wd.numpy()) * wd.numpy()
    _close(jac, np.diag(e))

    counted["rules"] = 0
    v = tg.tensor([1.0, 0.0, 0.0])
    hv = tg.hvp(lambda a: tg.sum(tg.sin(a * wd)), (xd,), (v,))
    assert counted["rules"] > 0
    # d2/da2 sum(sin(a w)) = diag(-sin(a w) w^2), along e0
    _close(hv, -np.sin(xd.numpy() * wd.numpy()) * wd.numpy() ** 2 * v.numpy())

    counted["rules"] = 0
    x.grad = None
    out = tg.checkpoint(lambda a: tg.exp(tg.sin(a * w)), x)
    tg.sum(out * x).backward()
    assert counted["rules"] == 5
    _close(x.grad, _want(x, w)[0])

    counted["rules"] = 0
    _, pull = tg.vjp(lambda a: tg.sin(a * wd), xd)
    (gx,) = pull(tg.ones_like(xd))
    assert counted["rules"] == 2
    _close(gx, np.cos(xd.numpy() * wd.numpy()) * wd.numpy())


def test_run_node_returns_each_input_its_fitted_gradient():
    """A caller with its own loop (graph mode) gets per-input gradients, summed down to
    the inputs' shapes, and the node's saved values kept with retain."""
    a = tg.tensor(np.arange(3.0).reshape(3, 1), requires_grad=True)
    b = tg.tensor(np.arange(4.0).reshape(1, 4), requires_grad=True)
    node = (a * b).grad_fn
    state = BackwardState.plain(retain_graph=True)
    ga, gb = run_node(node, np.ones((3, 4)), state)
    assert np.shape(ga) == (3, 1) and np.shape(gb) == (1, 4)
    _close(ga, np.full((3, 1), 6.0))
    _close(gb, np.full((1, 4), 3.0))
    ga2, _ = run_node(node, np.ones((3, 4)), state)       # retained: runs again
    _close(ga2, ga)
    only_b = run_node(node, np.ones((3, 4)), state, (False, True))
    assert only_b[0] is None
    _close(only_b[1], gb)


# ------------------------------------------------------------- tape recording semantics

@pytest.fixture(params=LOOPS)
def loop(request, monkeypatch):
    """Run the test on the Python loop and (when built) the C loop: both filter by the
    tape's ranges."""
    monkeypatch.setattr(engine, "_loops", request.param)


def test_recording_under_a_tape_stays_on_the_fast_path(loop):
    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        assert not _state.local.special     # tapes do not force the slow path
        y = v * v
        z = tg.sin(y)
    assert tape._recorded(y.grad_fn) and tape._recorded(z.grad_fn)
    assert tape.gradient(z, v).item() == pytest.approx(np.cos(4.0) * 4.0)


def test_nodes_get_a_recording_mark_only_while_a_tape_records(loop):
    # one mark shared by a stretch of recording, none outside: no int object per node
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    outside = (x * 2).grad_fn
    with tg.GradientTape() as tape:
        inside = (x * 3).grad_fn
        with tape.stop_recording():
            paused = (x * 4).grad_fn
    after = (x * 5).grad_fn
    assert outside.seq is None and after.seq is None and paused.seq is None
    assert inside.seq is not None
    with tg.GradientTape() as tape2:
        a = (x * 6).grad_fn
        b = (x * 7).grad_fn
    assert a.seq is b.seq and a.seq is not inside.seq
    assert not tape2._recorded(inside) and tape2._recorded(a)


def test_ops_under_stop_recording_are_constants_to_the_tape(loop):
    x = tg.Variable(3.0)
    with tg.GradientTape() as tape:
        y = x * x
        with tape.stop_recording():
            z = y * 2.0
        w = z + y
    assert tape.gradient(w, x).item() == pytest.approx(6.0)   # only the recorded y path


def test_ops_before_the_tape_opened_are_constants_to_it(loop):
    v = tg.Variable(3.0)
    y0 = v * v
    with tg.GradientTape() as tape:
        y = y0 * v
    assert tape.gradient(y, v).item() == pytest.approx(9.0)


def test_nested_tapes_see_their_own_ranges(loop):
    v = tg.Variable(3.0)
    with tg.GradientTape(persistent=True) as outer:   # the graph is shared: keep it
        a = v * v                       # outer only
        with tg.GradientTape() as inner:
            b = a * v                   # both
        c = b * v                       # outer only
    assert outer.gradient(c, v).item() == pytest.approx(4 * 27.0)
    assert inner.gradient(b, v).item() == pytest.approx(9.0)    # a is a constant to inner


def test_nested_tapes_give_second_derivatives(loop):
    v = tg.Variable(3.0)
    with tg.GradientTape() as outer:
        with tg.GradientTape() as inner:
            y = v * v * v
        g = inner.gradient(y, v)
    assert g.item() == pytest.approx(27.0)
    assert outer.gradient(g, v).item() == pytest.approx(18.0)


def test_reading_a_recording_tape_adds_no_mark(loop):
    # the filter is a tuple of marks the C loop scans per edge: it must not grow per call
    v = tg.Variable(2.0)
    with tg.GradientTape(persistent=True) as tape:
        for k in range(3):
            y = v * v * (k + 1)
            assert tape.gradient(y, v).item() == pytest.approx(4.0 * (k + 1))
    assert len(tape._marks) == 1


def test_persistent_tape_reused_after_more_ops(loop):
    v = tg.Variable(2.0)
    with tg.GradientTape(persistent=True) as tape:
        y = v * v
        assert tape.gradient(y, v).item() == pytest.approx(4.0)
        z = y * v
        assert tape.gradient(z, v).item() == pytest.approx(12.0)
    assert tape.gradient(y, v).item() == pytest.approx(4.0)
    w = z * v                           # after the tape closed: not recorded
    assert tape.gradient(w, v) is None
    with tape:                          # recording again extends what the tape saw
        u = z * v
    assert tape.gradient(u, v).item() == pytest.approx(32.0)


def test_reset_forgets_what_was_recorded(loop):
    v = tg.Variable(2.0)
    with tg.GradientTape() as tape:
        y = v * v
        tape.reset()
        z = y * v
    assert tape.gradient(z, v).item() == pytest.approx(4.0)   # y is a constant now


def test_watched_variables_in_creation_order(loop):
    # TF lists them in creation order, whatever the order of use or watch
    a, b, c = tg.Variable(1.0), tg.Variable(2.0), tg.Variable(3.0)
    frozen = tg.Variable(4.0, trainable=False)
    with tg.GradientTape() as tape:
        _ = b * frozen
        tape.watch(c)
        _ = a * b
    assert tape.watched_variables() == (a, b, c)
    with tg.GradientTape(watch_accessed_variables=False) as quiet:
        y = a * b
    assert quiet.watched_variables() == ()
    assert quiet.gradient(y, a) is None


def test_variables_used_under_stop_recording_are_not_watched(loop):
    a, b = tg.Variable(1.0), tg.Variable(2.0)
    with tg.GradientTape() as tape:
        with tape.stop_recording():
            _ = b * 2.0
        _ = a * 2.0
    assert tape.watched_variables() == (a,)


def test_a_tape_does_not_take_in_nodes_another_thread_recorded(loop):
    """Tapes record per thread: a node that another thread made while this tape was
    open is a constant to it, as before (recording marks are per thread)."""
    v = tg.Variable(3.0)
    made = {}
    with tg.GradientTape() as tape:
        worker = threading.Thread(target=lambda: made.setdefault("y", v * v))
        worker.start()
        worker.join()
        z = made["y"] * v
    assert tape.gradient(z, v).item() == pytest.approx(9.0)
