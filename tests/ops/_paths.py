"""The ways tapegrad can differentiate one function, for tests that hold them to each other.

Each gradient path takes a scalar function `h` and float64 arrays and returns the
gradients with respect to every argument as ndarrays. test_one_engine.py compares the
paths with each other; run as a script (`python -m tests.ops._paths OUT.npz`), this
module stores every row's results so a test can compare two processes (C speedups on
and off) bit for bit.
"""
import sys

import numpy as np

import tapegrad as tg
from tapegrad.autograd import engine

from .cases import CASES, case_ids, outputs

# the traced function refuses in-place writes on purpose (tests/test_graph_mode.py), so
# these rows have no tg.function result to compare
WRITES_IN_PLACE = {"setitem"}


def speedups_active():
    """Whether this process runs the C speedups (pure mode never imports them)."""
    return "tapegrad._speedups" in sys.modules


def weights(case, arrays, seed=11):
    """A fixed cotangent for each of the row's outputs."""
    with tg.no_grad():
        outs = outputs(case(*[tg.tensor(a) for a in arrays]))
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(o.shape) for o in outs]


def weighted_sum(case, w):
    """h(*xs) = sum_k sum(out_k * w_k): one scalar that reaches every output of the row."""
    def h(*xs):
        total = None
        for o, wk in zip(outputs(case(*xs)), w):
            s = (o * wk).sum()
            total = s if total is None else total + s
        return total
    return h


def flat_outputs(case):
    """The row as one function with one flat output (split has several)."""
    def f(*xs):
        flat = [tg.reshape(o, (-1,)) for o in outputs(case(*xs))]
        return flat[0] if len(flat) == 1 else tg.concatenate(flat)
    return f


def leaves(arrays):
    return [tg.tensor(a, requires_grad=True) for a in arrays]


def as_arrays(ts):
    return [np.array(t.numpy()) for t in ts]


def via_backward(h, arrays):
    """`.backward()` into `.grad` (the C loop when the speedups are built)."""
    xs = leaves(arrays)
    h(*xs).backward()
    return as_arrays([x.grad for x in xs])


def via_autograd_grad(h, arrays):
    xs = leaves(arrays)
    return as_arrays(tg.autograd.grad(h(*xs), xs))


def via_tg_grad(h, arrays):
    g = tg.grad(h, argnums=tuple(range(len(arrays))))(*[tg.tensor(a) for a in arrays])
    return as_arrays(g)


def via_tg_vjp(h, arrays):
    out, pullback = tg.vjp(h, *[tg.tensor(a) for a in arrays])
    return as_arrays(pullback(tg.ones_like(out)))


def via_value_and_grad(h, arrays):
    _, g = tg.value_and_grad(h, argnums=tuple(range(len(arrays))))(
        *[tg.tensor(a) for a in arrays])
    return as_arrays(g)


def via_tape(h, arrays):
    """A GradientTape watching plain tensors."""
    xs = [tg.tensor(a) for a in arrays]
    with tg.GradientTape() as tape:
        tape.watch(xs)
        y = h(*xs)
    return as_arrays(tape.gradient(y, xs))


def via_tape_variables(h, arrays):
    """A GradientTape that watches trainable Variables by itself."""
    vs = [tg.Variable(a) for a in arrays]
    with tg.GradientTape() as tape:
        y = h(*vs)
    return as_arrays(tape.gradient(y, vs))


def via_create_graph(h, arrays):
    """First-order gradients computed with recording on (the rules run on Tensors)."""
    xs = leaves(arrays)
    return as_arrays(tg.autograd.grad(h(*xs), xs, create_graph=True))


def second_order(h, arrays, seed=5):
    """The gradient of <v, grad h> for a fixed random v: second-order rules (create_graph)
    along one direction, zeros where the first derivative does not depend on an input."""
    xs = leaves(arrays)
    gs = tg.autograd.grad(h(*xs), xs, create_graph=True)
    rng = np.random.default_rng(seed)
    vs = [rng.standard_normal(g.shape) for g in gs]
    terms = [(g * v).sum() for g, v in zip(gs, vs) if g.requires_grad]
    if not terms:
        return [np.zeros_like(a) for a in arrays]
    total = terms[0]
    for t in terms[1:]:
        total = total + t
    hv = tg.autograd.grad(total, xs, allow_unused=True)
    return [np.zeros_like(a) if g is None else np.array(g.numpy()) for g, a in zip(hv, arrays)]


def via_checkpoint(h, arrays):
    xs = leaves(arrays)
    tg.checkpoint(h, *xs).backward()
    return as_arrays([x.grad for x in xs])


def via_anomaly(h, arrays):
    xs = leaves(arrays)
    with tg.detect_anomaly():
        h(*xs).backward()
    return as_arrays([x.grad for x in xs])


def via_function(h, arrays, calls=2):
    """`.backward()` through tg.function(h): the trace, then `calls - 1` replays; the
    gradients of every call (a list per call)."""
    f = tg.function(h)
    per_call = []
    for _ in range(calls):
        xs = leaves(arrays)
        f(*xs).backward()
        per_call.append(as_arrays([x.grad for x in xs]))
    return per_call


def via_function_cond(h, arrays):
    """Through the taken branch of a tg.cond inside tg.function (a replay)."""
    f = tg.function(lambda pred, *xs: tg.cond(pred, lambda: h(*xs), lambda: -h(*xs)))
    for _ in range(2):
        xs = leaves(arrays)
        f(tg.tensor(True), *xs).backward()
    return as_arrays([x.grad for x in xs])


def via_function_while(h, arrays):
    """Through the one pass of a tg.while_loop inside tg.function (a replay)."""
    with tg.no_grad():
        dtype = h(*[tg.tensor(a) for a in arrays]).dtype    # the loop keeps its dtype

    def looped(*xs):
        start = (tg.tensor(0), tg.zeros((), dtype=dtype))
        return tg.while_loop(lambda i, y: i < 1, lambda i, y: (i + 1, h(*xs)), start)[1]
    f = tg.function(looped)
    for _ in range(2):
        xs = leaves(arrays)
        f(*xs).backward()
    return as_arrays([x.grad for x in xs])


def via_jacfwd(h, arrays):
    """The gradient of a scalar h as its jacobian by forward mode (batched tangents)."""
    jac = tg.jacfwd(h, argnums=tuple(range(len(arrays))))(*arrays)
    return as_arrays(jac)


def via_jacrev(h, arrays):
    jac = tg.jacrev(h, argnums=tuple(range(len(arrays))))(*arrays)
    return as_arrays(jac)


def jvp_directional(h, arrays, directions):
    """d/dt h(arrays + t * directions) by tg.jvp (dual numbers), a float."""
    _, dout = tg.jvp(h, tuple(tg.tensor(a) for a in arrays),
                     tuple(tg.tensor(u) for u in directions))
    return float(dout.numpy())


# the reverse-mode paths that must agree bit for bit with `.backward()`
def via_general_runner(h, arrays):
    """.backward() with no node taken as usual: every node takes run_node's general steps
    (its fast branch is those steps cut to the usual node; both must give the same bits)."""
    real = engine.BackwardState.__init__

    def init(state, *args, **kwargs):
        real(state, *args, **kwargs)
        state.usual = False

    engine.BackwardState.__init__ = init
    try:
        return via_backward(h, arrays)
    finally:
        engine.BackwardState.__init__ = real


REVERSE_PATHS = {
    "run_node general steps": via_general_runner,
    "autograd.grad": via_autograd_grad,
    "tg.grad": via_tg_grad,
    "tg.vjp": via_tg_vjp,
    "tg.value_and_grad": via_value_and_grad,
    "GradientTape(watch)": via_tape,
    "GradientTape(Variable)": via_tape_variables,
    "checkpoint": via_checkpoint,
    "create_graph": via_create_graph,
    "detect_anomaly": via_anomaly,
    "jacrev": via_jacrev,
}


def via_graph_mode(h, arrays):
    """Gradients through tg.function on the tracing call and on a replay, and through a
    branch of tg.cond and a pass of tg.while_loop in a trace, each by name."""
    trace, replay = via_function(h, arrays, calls=2)
    return {"tg.function (trace)": trace, "tg.function (replay)": replay,
            "tg.cond": via_function_cond(h, arrays),
            "tg.while_loop": via_function_while(h, arrays)}


def row_results(case):
    """What two builds must agree on for one row: the forward values, the gradients by
    `.backward()`, tg.autograd.grad, tg.grad, a tape and tg.function, a jvp, and a
    second-order gradient (create_graph) along a fixed direction."""
    arrays = case.sample()
    h = weighted_sum(case, weights(case, arrays))
    with tg.no_grad():
        res = {"out": as_arrays(outputs(case(*[tg.tensor(a) for a in arrays])))}
    res["backward"] = via_backward(h, arrays)
    res["autograd.grad"] = via_autograd_grad(h, arrays)
    res["tg.grad"] = via_tg_grad(h, arrays)
    res["GradientTape"] = via_tape(h, arrays)
    if case.name not in WRITES_IN_PLACE:
        res["function"] = via_function(h, arrays)[-1]
    us = [np.random.default_rng(3).standard_normal(a.shape) for a in arrays]
    res["jvp"] = [np.array(jvp_directional(h, arrays, us))]
    # the second-order rules: test_rules.py's gradgradcheck runs on the C path, and this
    # holds the pure-Python path to the same bits (test.sh's pure pass skips gradgradcheck)
    res["second order"] = second_order(h, arrays)
    return res


def save_all(path):
    """Every row's `row_results` in one .npz, keyed `row number|kind|index` (the row ids
    themselves are stored under "ids": they hold characters a file name should not)."""
    flat = {"speedups": np.array(speedups_active()), "ids": np.array(case_ids())}
    for r, case in enumerate(CASES):
        for kind, values in row_results(case).items():
            for i, v in enumerate(values):
                flat[f"{r}|{kind}|{i}"] = v
    np.savez(path, **flat)


def load_all(path):
    """save_all's file as {row id: {kind: [arrays]}}, plus whether C was active."""
    with np.load(path) as z:
        ids = list(z["ids"])
        rows = {cid: {} for cid in ids}
        for key in z.files:
            if key in ("ids", "speedups"):
                continue
            r, kind, i = key.split("|")
            rows[ids[int(r)]].setdefault(kind, {})[int(i)] = z[key]
        active = bool(z["speedups"])
    return active, {cid: {k: [v[i] for i in sorted(v)] for k, v in kinds.items()}
                    for cid, kinds in rows.items()}


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(f"usage: python -m tests.ops._paths OUT.npz (got {sys.argv[1:]})")
    save_all(sys.argv[1])
