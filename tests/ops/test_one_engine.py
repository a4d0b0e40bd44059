"""One definition per derivative, every path the same.

Every row of the case table is differentiated through each front-end (`.backward()`,
tg.autograd.grad, tg.grad, GradientTape, checkpoint, tg.function, forward mode) and the
results are held to each other: bit for bit where the same rules run on the same
arrays. A second process without the C speedups must give the same bits. The mutation
tests change one op's rule in its one definition and check that every path follows, so
no path can keep a private copy of a rule (the C backward loop had its own tanh).
"""
import contextlib
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tapegrad as tg

from . import _paths as P
from .cases import CASES, case_ids, outputs


def _mismatch(got, want):
    """Why two lists of gradients are not the same bits, or None."""
    if len(got) != len(want):
        return f"{len(got)} gradients instead of {len(want)}"
    for i, (g, w) in enumerate(zip(got, want)):
        if g.dtype != w.dtype or g.shape != w.shape:
            return f"input {i}: {g.dtype}{g.shape} instead of {w.dtype}{w.shape}"
        if not np.array_equal(g, w, equal_nan=g.dtype.kind in "fc"):
            diff = np.abs(g.astype(np.float64) - w.astype(np.float64))
            return f"input {i}: max |difference| {np.nanmax(diff):.3g}"
    return None


def _assert_all_same(results, want, what):
    """`results` maps a path name to gradients; every one must be `want`'s bits."""
    bad = {name: m for name, got in results.items() if (m := _mismatch(got, want))}
    assert not bad, f"{what}: not the bits of .backward(): {bad}"


def _row(case):
    arrays = case.sample()
    return arrays, P.weighted_sum(case, P.weights(case, arrays))


# ------------------------------------------------------------------ every row, every path

@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_every_reverse_path_gives_the_bits_of_backward(case):
    arrays, h = _row(case)
    want = P.via_backward(h, arrays)
    results = {name: path(h, arrays) for name, path in P.REVERSE_PATHS.items()}
    _assert_all_same(results, want, repr(case))


# rows that read values outside tapegrad ops (max(x, dim) takes np.argmax) run eagerly
# inside tg.function, with a warning that says so
_EAGER_FALLBACK = "ignore:tg.function.*read outside tapegrad ops"


@pytest.mark.filterwarnings(_EAGER_FALLBACK)
@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_tg_function_gives_the_bits_of_eager(case):
    # the replay calls each op's forward and vjp on the same arrays as eager mode does,
    # so values and gradients match bit for bit, on the tracing call and on a replay
    arrays, h = _row(case)
    f = tg.function(lambda *xs: case(*xs))
    if case.name in P.WRITES_IN_PLACE:
        with pytest.raises(TypeError, match="in place"):
            f(*[tg.tensor(a) for a in arrays])
        return
    with tg.no_grad():
        eager = P.as_arrays(outputs(case(*[tg.tensor(a) for a in arrays])))
    for call in ("trace", "replay"):
        got = P.as_arrays(outputs(f(*[tg.tensor(a) for a in arrays])))
        m = _mismatch(got, eager)
        assert m is None, f"{case!r}: tg.function's {call} forward differs from eager: {m}"
    _assert_all_same(P.via_graph_mode(h, arrays), P.via_backward(h, arrays), repr(case))


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_jvp_gives_the_columns_of_the_reverse_jacobian(case):
    # forward and reverse mode share no code but the rules' maths: sums run in another
    # order (matmul, einsum, norms), so the match is to rounding, not bits
    arrays = case.sample()
    f = P.flat_outputs(case)
    jac = tg.jacrev(f, argnums=tuple(range(len(arrays))))(*arrays)
    n_out = jac[0].shape[0]
    blocks = [np.asarray(j.numpy()).reshape(n_out, -1) for j in jac]
    rng = np.random.default_rng(5)
    scale = max(1.0, max(float(np.abs(b).max(initial=0.0)) for b in blocks))
    for i, a in enumerate(arrays):
        e = int(rng.integers(a.size))
        tangents = [np.zeros_like(b) for b in arrays]
        tangents[i].flat[e] = 1.0
        _, dout = tg.jvp(f, tuple(tg.tensor(b) for b in arrays),
                         tuple(tg.tensor(t) for t in tangents))
        np.testing.assert_allclose(dout.numpy(), blocks[i][:, e], rtol=1e-12,
                                   atol=1e-13 * scale,
                                   err_msg=f"{case!r}: jvp along input {i} element {e}")
    us = [rng.standard_normal(a.shape) for a in arrays]
    _, dout = tg.jvp(f, tuple(tg.tensor(b) for b in arrays), tuple(tg.tensor(u) for u in us))
    want = sum(b @ u.ravel() for b, u in zip(blocks, us))
    np.testing.assert_allclose(dout.numpy(), want, rtol=1e-11, atol=1e-12 * scale,
                               err_msg=f"{case!r}: jvp along a random direction")


# ------------------------------------------------------------------ C against pure Python

_ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.filterwarnings(_EAGER_FALLBACK)
def test_pure_python_path_gives_the_bits_of_the_c_path(tmp_path):
    if not P.speedups_active():
        pytest.skip("the C speedups are not active in this process (not built, or "
                    "TAPEGRAD_PURE_PYTHON is set): there is no C path to compare with")
    out = tmp_path / "pure.npz"
    pkg = Path(tg.__file__).resolve().parents[1]      # the tapegrad this process imports
    env = dict(os.environ, TAPEGRAD_PURE_PYTHON="1")
    env["PYTHONPATH"] = os.pathsep.join(
        p for p in (str(pkg), str(_ROOT), os.environ.get("PYTHONPATH")) if p)
    run = subprocess.run([sys.executable, "-m", "tests.ops._paths", str(out)], cwd=_ROOT,
                         env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"the pure-Python run failed:\n{run.stderr[-3000:]}"
    active, pure = P.load_all(out)
    assert not active, "TAPEGRAD_PURE_PYTHON=1 still imported the C speedups"
    assert list(pure) == case_ids(), "the pure run saw another case table"
    bad = {}
    for cid, case in zip(case_ids(), CASES):
        mine = P.row_results(case)
        assert set(mine) == set(pure[cid]), f"{cid}: results {set(mine)} vs {set(pure[cid])}"
        for kind, values in mine.items():
            m = _mismatch(values, pure[cid][kind])
            if m:
                bad[f"{cid} {kind}"] = m
    assert not bad, f"the C path and the pure-Python path differ: {bad}"


# ------------------------------------------------------------------ mutation: one rule

def _derive():
    """tapegrad.ops._op.derive when the op form has it (declarative elementwise ops)."""
    try:
        from tapegrad.ops._op import derive
    except ImportError:
        return None
    return derive


def _doubled(result):
    """A rule's result with every gradient or tangent doubled (None stays None).
    Doubling is exact in floating point, so the mutant's gradients are exactly twice
    the true ones whatever order a path sums in."""
    if isinstance(result, (tuple, list)):
        return type(result)(None if r is None else r * 2 for r in result)
    return None if result is None else result * 2


def _doubled_d(d):
    """A declarative derivative doubled: a formula, a number, or a tuple of them (one
    per input)."""
    if isinstance(d, tuple):
        return tuple(_doubled_d(part) for part in d)
    if callable(d):
        return lambda *values: d(*values) * 2
    return d * 2


def _close(got, want):
    return len(got) == len(want) and all(
        g.shape == w.shape and np.allclose(g, w, rtol=1e-12, atol=0)
        for g, w in zip(got, want))


def _is_linear(op):
    """`jvp = LINEAR`: the tangent is the op applied to the input's tangent; there is no
    forward rule to patch, and forward mode must not follow a patched vjp."""
    return not callable(op.jvp)


@contextlib.contextmanager
def _mutated(op, monkeypatch):
    """Double `op`'s derivative where it is defined: its declarative derivative `d`
    (re-derived into vjp, jvp and any compiled form) or else its vjp and jvp."""
    derive = _derive()
    if derive is not None and getattr(op, "d", None) is not None:
        wrong = _doubled_d(op.d)
        try:
            with monkeypatch.context() as m:
                m.setattr(op, "d", staticmethod(wrong) if callable(wrong) else wrong)
                derive(op)
                yield
        finally:
            derive(op)                  # the true rules back, in every form
        return
    with monkeypatch.context() as m:
        vjp = op.vjp
        m.setattr(op, "vjp", staticmethod(lambda ctx, *g: _doubled(vjp(ctx, *g))))
        if not _is_linear(op):
            jvp = op.jvp
            m.setattr(op, "jvp", staticmethod(lambda ctx, *d: _doubled(jvp(ctx, *d))))
        yield


def _distinct_positive(shapes, rng):
    """Inputs in [0.5, 2.5) with no two elements equal (safe for log, div and max)."""
    sizes = [int(np.prod(s)) for s in shapes]
    values = 0.5 + 0.1 * rng.permutation(sum(sizes))
    out, k = [], 0
    for s, n in zip(shapes, sizes):
        out.append(values[k:k + n].reshape(s) * (1 + 0.01 * rng.random(s)))
        k += n
    return out


# (name, function using the op once, input shapes); the ones with a rule in C today
# (add sub mul div neg sin cos exp tanh) come first
MUTANTS = [
    ("add", tg.add, [(2, 3), (3,)]),
    ("sub", tg.sub, [(2, 3), (3,)]),
    ("mul", tg.mul, [(2, 3), (3,)]),
    ("div", tg.div, [(2, 3), (2, 1)]),
    ("neg", tg.neg, [(2, 3)]),
    ("sin", tg.sin, [(2, 3)]),
    ("cos", tg.cos, [(2, 3)]),
    ("exp", tg.exp, [(2, 3)]),
    ("tanh", tg.tanh, [(2, 3)]),
    ("log", tg.log, [(2, 3)]),
    ("sum", lambda x: tg.sum(x, axis=1), [(2, 3)]),
    ("max", lambda x: tg.max(x, axis=1), [(2, 3)]),
    ("matmul", tg.matmul, [(2, 3), (3, 2)]),
    ("transpose", tg.transpose, [(2, 3)]),
    ("getitem", lambda x: x[[0, 0, 1]], [(2, 3)]),
    ("concatenate", lambda x, y: tg.concatenate([x, y], axis=1), [(2, 1), (2, 2)]),
    ("softmax", tg.softmax, [(2, 3)]),
]


def _scalarized(fn, op, w):
    """h(*xs) = <w, fn(*xs)> written with ops other than `op`, so that the op under
    test runs exactly once and its doubled rule doubles the whole gradient."""
    wf = tg.tensor(w.ravel())
    if op.__name__ in ("MatMul", "Reshape"):
        return lambda *xs: (fn(*xs) * w).sum()
    return lambda *xs: tg.reshape(fn(*xs), (-1,)) @ wf


@pytest.mark.parametrize("name, fn, shapes", MUTANTS, ids=[m[0] for m in MUTANTS])
def test_a_rule_changed_in_its_one_definition_changes_every_path(name, fn, shapes,
                                                                 monkeypatch):
    rng = np.random.default_rng(17)
    arrays = _distinct_positive(shapes, rng)
    op = fn(*P.leaves(arrays)).grad_fn.op
    w = rng.standard_normal(fn(*[tg.tensor(a) for a in arrays]).shape)
    h = _scalarized(fn, op, w)
    true = P.via_backward(h, arrays)
    assert all(np.abs(g).max() > 0 for g in true), f"{name}: a zero gradient proves nothing"
    us = [rng.standard_normal(a.shape) for a in arrays]
    true_jvp = sum(float(np.vdot(g, u)) for g, u in zip(true, us))
    with _mutated(op, monkeypatch):
        reverse = {"backward": P.via_backward(h, arrays)}
        reverse.update({k: path(h, arrays) for k, path in P.REVERSE_PATHS.items()})
        reverse.update(P.via_graph_mode(h, arrays))
        forward = {"jacfwd": P.via_jacfwd(h, arrays)}
        jvps = {"tg.jvp": P.jvp_directional(h, arrays, us),
                "tg.jvp of tg.function": P.jvp_directional(tg.function(h), arrays, us)}
        linear = _is_linear(op)
    wrong = [2 * g for g in true]
    fw_want = true if linear else wrong
    kept = {k: "the true gradient" if _mismatch(v, true) is None else _mismatch(v, wrong)
            for k, v in reverse.items() if _mismatch(v, wrong)}
    # forward mode sums in another order than reverse mode (matmul, softmax): to rounding
    kept.update({k: "the true gradient" if _close(v, true) else "neither gradient"
                 for k, v in forward.items() if not _close(v, fw_want)})
    jvp_want = true_jvp * (1 if linear else 2)
    kept.update({k: f"{v!r} instead of {jvp_want!r}" for k, v in jvps.items()
                 if not np.isclose(v, jvp_want, rtol=1e-12, atol=0)})
    assert not kept, (f"{name}: {op.__name__}'s rule was doubled in its one definition, "
                      f"but these paths did not follow: {kept}")
    # and the true rule is back for the rest of the suite
    assert _mismatch(P.via_backward(h, arrays), true) is None


# ------------------------------------------------------------------ mutation: every op

def _ops_of(case):
    """The op classes of the row's own graph, in the order first met (iterative walk)."""
    found, seen = [], set()
    stack = [o.grad_fn for o in outputs(case(*case.tensors())) if o.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        op = getattr(node, "op", None)
        if op is not None and op not in found:
            found.append(op)
        stack.extend(n for n in node.next if n is not None)
    return found


def _first_rows():
    """Each op class with the first row whose graph has it, preferring rows that
    tg.function can trace and rows with more than one element (the gradient of a
    one-element softmax is zero)."""
    rows = {}
    for case in sorted(CASES, key=lambda c: (c.name in P.WRITES_IN_PLACE,
                                             all(not s for s in c.shapes))):
        try:
            ops = _ops_of(case)
        except Exception:       # noqa: BLE001  the row's own tests report it; keep collecting
            continue
        for op in ops:
            rows.setdefault(op, case)
    return sorted(rows.items(), key=lambda kv: kv[0].__name__)


_OP_ROWS = _first_rows()


@pytest.mark.filterwarnings(_EAGER_FALLBACK)
@pytest.mark.parametrize("op, case", _OP_ROWS, ids=[f"{op.__name__}-{case!r}" for op, case
                                                    in _OP_ROWS])
def test_every_op_rule_reaches_every_path(op, case, monkeypatch):
    # the same claim as above for every op class, inside its first case-table row: with
    # the rule doubled, every path still gives the bits of .backward() and forward mode
    # agrees with them; a path that kept a private copy of the rule would give the old
    # gradient. (The row's weighted sum may use the op again: all paths see the same.)
    arrays, h = _row(case)
    true = P.via_backward(h, arrays)
    if not any(g.any() for g in true):
        pytest.skip(f"{case!r}: its gradient is zero, so a doubled rule cannot show")
    us = [np.random.default_rng(9).standard_normal(a.shape) for a in arrays]
    with _mutated(op, monkeypatch):
        want = P.via_backward(h, arrays)
        reverse = {k: path(h, arrays) for k, path in P.REVERSE_PATHS.items()}
        if case.name not in P.WRITES_IN_PLACE:
            reverse.update(P.via_graph_mode(h, arrays))
        linear = _is_linear(op)
        if not linear:
            forward = {"jacfwd": P.via_jacfwd(h, arrays)}
            jvps = {"tg.jvp": P.jvp_directional(h, arrays, us)}
            if case.name not in P.WRITES_IN_PLACE:
                jvps["tg.jvp of tg.function"] = P.jvp_directional(tg.function(h), arrays, us)
    assert _mismatch(want, true) is not None, \
        f"{op.__name__}: doubling its rule did not change .backward() in {case!r}"
    bad = {k: _mismatch(v, want) for k, v in reverse.items() if _mismatch(v, want)}
    if not linear:
        scale = max(1.0, max(float(np.abs(g).max()) for g in want))
        bad.update({k: "not the doubled gradient" for k, v in forward.items()
                    if not all(np.allclose(a, b, rtol=1e-10, atol=1e-12 * scale)
                               for a, b in zip(v, want))})
        jvp_want = sum(float(np.vdot(g, u)) for g, u in zip(want, us))
        bad.update({k: f"{v!r} instead of {jvp_want!r}" for k, v in jvps.items()
                    if not np.isclose(v, jvp_want, rtol=1e-10, atol=1e-12 * scale)})
    assert not bad, (f"{op.__name__}'s rule was doubled in its one definition, but these "
                     f"paths did not follow in {case!r}: {bad}")
