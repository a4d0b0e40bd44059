"""The declarative elementwise form (ops/_op.py): what `derive` makes of one statement `d`,
and that the C rules run exactly the Python ones."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import _native
from tapegrad.ops import _op
from tapegrad.ops import activations as A
from tapegrad.ops import elementwise as E
from tapegrad.ops._op import NEG, PASS, ZERO, derive, elementwise, op_for

DERIVED = [op for op in _op.REGISTRY if "d" in op.__dict__]
needs_c = pytest.mark.skipif(_native.SPEEDUPS is None, reason="C speedups not in use")


def _same(got, want):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(np.signbit(got), np.signbit(want))


def test_the_ops_with_one_formula_are_derived():
    names = {op.__name__ for op in DERIVED}
    assert {"Add", "Sub", "Mul", "Div", "Neg", "Exp", "Log", "Log1p", "Sqrt", "Square",
            "Abs", "Sign", "Sin", "Cos", "Tan", "Tanh", "Erf", "Sigmoid", "Sinh", "Cosh",
            "Arcsinh", "Expm1", "Log2", "Log10", "Reciprocal"} <= names
    for op in DERIVED:
        assert op in _op.REGISTRY and issubclass(op, _op.Op)
        assert op.bw_name == op.__name__ + "Backward"
        assert op.batching == "elementwise"


def test_saves_are_what_d_reads():
    assert E.Tanh.saves == ("out",)
    assert E.Sin.saves == ("x",)
    assert E.Mul.saves == ("x", "y")
    assert E.Div.saves == ("x", "y")
    assert E.Add.saves == () and E.Neg.saves == ()
    assert E.Tanh._save_idx == (-1,) and E.Mul._save_idx == (0, 1)


def test_programs_are_d_as_ufunc_steps():
    p = E.Tanh.program
    assert p.steps == ((np.multiply, (0, 0)), (np.subtract, (1, 2)))
    assert p.consts == (1.0,) and p.outs == (3,)
    assert E.Sin.program.steps == ((np.cos, (0,)),)
    assert E.Mul.program.steps == () and E.Mul.program.outs == (1, 0)   # g*y, g*x
    assert E.Add.program.outs == (PASS, PASS)
    assert E.Sub.program.outs == (PASS, NEG)
    assert E.Sign.program.outs == (ZERO,)
    # d/dx of x / y does not need the steps of d/dy
    div = E.Div.program
    assert bin(div.masks[0]).count("1") == 1 and bin(div.masks[1]).count("1") == 3
    assert "t1 = subtract(1.0, t0)" in repr(p)


def test_every_program_step_has_an_op_to_record_it():
    for op in DERIVED:
        for uf, _ in op.program.steps:
            assert op_for(uf).forward is uf


def test_direct_is_derived_from_the_forward():
    assert E.Tanh.direct == (np.tanh, ())
    assert E.Maximum.direct == (np.maximum, ())
    assert E.Erf.direct is None and E.Where.direct is None
    assert A.Relu.direct == (np.maximum, (0,))


def test_elementwise_refuses_a_d_of_the_wrong_arity():
    with pytest.raises(TypeError, match="inputs"):
        elementwise(np.add, d=lambda x, out: x, name="bad")
    with pytest.raises(TypeError, match="NumPy ufuncs"):
        elementwise(np.exp, d=lambda x, out: [x], name="bad")
    with pytest.raises(TypeError, match="one formula"):
        elementwise(np.exp, d=lambda x, out: x if x > 0 else out, name="bad")


# ------------------------------------------------------------------ C == Python

def _inputs(op, dtype, shapes, rng):
    xs = []
    for s in shapes:
        a = rng.uniform(0.3, 1.2, s).astype(dtype)
        xs.append(a if s else a[()])
    return xs


def _ctx(op, xs):
    out = np.asarray(op.forward(*xs))
    saved = tuple(out[()] if n == "out" and not out.shape else out if n == "out"
                  else xs[op.args.index(n)] for n in op.saves)
    ctx = _op.Ctx(saved, None, tuple(np.shape(x) for x in xs), out.shape)
    ctx.needs_grad = (True,) * len(xs)
    return ctx, out


SHAPES = {1: [((),), ((5,),), ((2, 3),)], 2: [((), ()), ((5,), (5,)), ((3, 1), (1, 4)),
                                              ((2, 3), ())]}


@needs_c
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("op", [op for op in DERIVED if ZERO not in op.program.outs],
                         ids=lambda op: op.__name__)
def test_c_rules_equal_the_python_rules_bitwise(op, dtype):
    assert type(op.vjp).__name__ == "Rule" and op.vjp.python is op.vjp_py
    rng = np.random.default_rng(3)
    for shapes in SHAPES[len(op.args)]:
        xs = _inputs(op, dtype, shapes, rng)
        ctx, out = _ctx(op, xs)
        g = rng.standard_normal(out.shape).astype(dtype)
        g = g if g.shape else g[()]
        for mask in ([(True,) * len(xs)] + ([(False, True), (True, False)]
                                            if len(xs) == 2 else [])):
            ctx.needs_grad = mask
            for c, p in zip(op.vjp(ctx, g), op.vjp_py(ctx, g)):
                assert (c is None) == (p is None)
                if c is not None:
                    _same(c, p)
        ts = [(rng.standard_normal(np.shape(x)).astype(dtype)) for x in xs]
        _same(op.jvp(ctx, *ts), op.jvp_py(ctx, *ts))
        if len(xs) == 2:
            _same(op.jvp(ctx, None, ts[1]), op.jvp_py(ctx, None, ts[1]))


@needs_c
def test_c_rules_keep_strong_zeros_as_python_does():
    x = np.array([0.0, 2.0])            # d log = 1/x is inf at 0
    g = np.array([0.0, 1.0])
    with np.errstate(all="ignore"):
        ctx, _ = _ctx(E.Log, [x])
        (c,), (p,) = E.Log.vjp(ctx, g), E.Log.vjp_py(ctx, g)
    _same(c, p)
    _same(c, np.array([0.0, 0.5]))


@needs_c
def test_c_rules_honour_errstate_when_a_reused_step_overflows():
    """d/dy of x / y is (-x / y) / y: the second division writes into the first one's
    result and overflows here; the C rule starts over without reuse, so the ufunc
    raises or stays quiet exactly as np.errstate says, as the Python rule does."""
    x, y = np.full(4, 1e300), np.full(4, 1e-300)
    ctx, _ = _ctx(E.Div, [x, np.full(4, 2.0)])
    ctx.saved = (x, y)
    g = np.ones(4)
    for rule in (E.Div.vjp, E.Div.vjp_py):
        with np.errstate(over="raise"), pytest.raises(FloatingPointError):
            rule(ctx, g)
    with np.errstate(all="ignore"):
        c, p = E.Div.vjp(ctx, g), E.Div.vjp_py(ctx, g)
    for u, v in zip(c, p):
        _same(u, v)
    assert np.all(np.isneginf(c[1]))


@needs_c
def test_c_rules_hand_tensors_to_the_python_rule():
    x = tg.tensor(np.array([0.5, 1.0]), requires_grad=True)
    (gx,) = tg.grad(lambda x: tg.grad(lambda x: tg.tanh(x).sum())(x).sum())(x),
    t = np.tanh(np.array([0.5, 1.0]))
    np.testing.assert_allclose(gx.numpy(), -2 * t * (1 - t * t), rtol=1e-12)


_SCRIPT = r"""
import json, sys
import numpy as np
import tapegrad as tg
from tapegrad import _native
from tapegrad.ops import _op
rng = np.random.default_rng(5)
out = {}
for op in [op for op in _op.REGISTRY if "d" in op.__dict__]:
    for dtype in (np.float32, np.float64):
        shapes = [(3, 1), (1, 4)][:len(op.args)]
        xs = [tg.tensor(rng.uniform(0.3, 1.2, s).astype(dtype), requires_grad=True)
              for s in shapes]
        y = tg.ops.apply(op, *xs)
        (y * tg.tensor(rng.standard_normal(y.shape).astype(dtype))).sum().backward()
        out[f"{op.__name__}/{dtype.__name__}"] = [x.grad.numpy().tobytes().hex() for x in xs]
json.dump([_native.SPEEDUPS is not None, out], sys.stdout)
"""


def _run(pure):
    env = dict(os.environ)
    env.pop("TAPEGRAD_PURE_PYTHON", None)
    if pure:
        env["TAPEGRAD_PURE_PYTHON"] = "1"
    r = subprocess.run([sys.executable, "-c", _SCRIPT], env=env, capture_output=True,
                       text=True, check=True)
    return json.loads(r.stdout)


@needs_c
def test_backward_with_and_without_c_is_bitwise_equal():
    with_c, pure = _run(False), _run(True)
    assert with_c[0] and not pure[0]
    assert with_c[1] == pure[1]


# ------------------------------------------------------------------ derive again

def _tanh_paths(x0):
    """d tanh(x)/dx . 1 through .backward(), tg.grad, a tape, jvp and tg.function."""
    x = tg.tensor(x0, requires_grad=True)
    tg.tanh(x).sum().backward()
    got = [x.grad.numpy()]
    got.append(tg.grad(lambda x: tg.tanh(x).sum())(tg.tensor(x0)).numpy())
    v = tg.Variable(x0)
    with tg.GradientTape() as tape:
        y = tg.reduce_sum(tg.tanh(v))
    got.append(tape.gradient(y, v).numpy())
    got.append(tg.jvp(tg.tanh, (tg.tensor(x0),), (tg.ones_like(tg.tensor(x0)),))[1].numpy())
    f = tg.function(lambda x: tg.tanh(x).sum())
    x = tg.tensor(x0, requires_grad=True)
    f(x).backward()
    got.append(x.grad.numpy())
    return got


def test_derive_again_after_changing_d_changes_every_path():
    x0 = np.array([0.25, -0.5, 1.5])
    t = np.tanh(x0)
    old = E.Tanh.d
    try:
        E.Tanh.d = lambda x, out: 2 * out           # deliberately wrong
        derive(E.Tanh)
        assert E.Tanh.program.steps == ((np.multiply, (1, 0)),)
        for got in _tanh_paths(x0):
            np.testing.assert_allclose(got, 2 * t, rtol=1e-12)
        E.Tanh.d = lambda x, out: 1 - x * x         # now reads x, not out
        derive(E.Tanh)
        assert E.Tanh.saves == ("x",)
        for got in _tanh_paths(x0):
            np.testing.assert_allclose(got, 1 - x0 * x0, rtol=1e-12)
    finally:
        E.Tanh.d = old
        derive(E.Tanh)
    for got in _tanh_paths(x0):
        np.testing.assert_allclose(got, 1 - t * t, rtol=1e-12)
