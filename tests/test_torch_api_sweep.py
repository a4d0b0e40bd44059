"""Every API.md name PyTorch also has, called the same way in tapegrad and torch and
compared in float64: values, dtypes, shapes, result types ((values, indices) named
tuples), first and second derivatives. The rows go where the other torch comparisons
(test_torch_semantics3's sweep, tests/reference, tests/ops through test_vs_torch) do not:
integer, bool and 0-d operands, Python scalars, negative and tuple dims, keepdim,
broadcasting, torch's keywords and defaults, and second-order gradients. Modules,
optimizers, schedulers and utils.data are in test_torch_api_sweep_nn.py.

Intended differences (API.md), checked as such here rather than skipped:
- `tg.split` returns a list (API.md lists it with the NumPy/TF shape ops), torch a tuple.
- grad_fn names drop torch's overload digit (API.md "Reverse mode": `MulBackward`).
- Where torch refuses an integer input (mean, var, std, softmax, norms, linalg),
  tapegrad computes in the default float: see
  test_integer_inputs_torch_refuses_give_the_default_float.
- `tg.var(x, 1, True)`: the third positional is keepdims (API.md's reductions), torch's
  is `unbiased`; `tg.squeeze(x, 1)` of a non-1 axis raises (NumPy), `dim=` follows torch.
  Both are tests below. `F.mse_loss` refuses a broadcast target torch only warns about
  (test_torch_api_sweep_nn.py).
"""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

from _torch_sweep import B, C, F32, I, T, Z, run_row  # noqa: E402

_RNG = np.random.default_rng(2026)


def _r(*s):
    return _RNG.standard_normal(s)


def _p(*s):
    return _RNG.random(s) + 0.5


def _spd(n):
    a = _RNG.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


ROWS = []


def row(label, fn, *inputs, grad=True, second=True, rtol=1e-7):
    """fn(m, *tensors) computes the row with the module m (torch or tapegrad)."""
    ROWS.append(pytest.param(fn, inputs, grad, second, rtol, id=label))


@pytest.fixture
def default_float64():
    tg.set_default_dtype(tg.float64)
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)


# ------------------------------------------------------------------ elementwise
_UNARY = ("exp log log1p sqrt square abs sign sin cos tan tanh sigmoid relu neg sinh "
          "cosh arctan2").split()
for _n in _UNARY[:-1]:
    _x = _p(2, 3) if _n in ("log", "sqrt", "log1p") else _r(2, 3)
    row(f"{_n}", lambda m, x, n=_n: getattr(m, n)(x), _x, second=_n not in ("abs", "relu"))
    row(f"{_n}.method", lambda m, x, n=_n: getattr(x, n)(), _x)
    row(f"{_n}.0d", lambda m, x, n=_n: getattr(m, n)(x), Z(0.7))
    row(f"{_n}.input_kw", lambda m, x, n=_n: getattr(m, n)(input=x), _x)
    if _n not in ("log", "sqrt", "log1p"):
        row(f"{_n}.int", lambda m, x, n=_n: getattr(m, n)(x), I([[1, -2, 3], [0, 5, -1]]))
    else:
        row(f"{_n}.int", lambda m, x, n=_n: getattr(m, n)(x), I([[1, 2, 3], [4, 5, 6]]))
for _n in ("exp sqrt sin tanh sigmoid log1p").split():
    row(f"{_n}.bool", lambda m, x, n=_n: getattr(m, n)(x), B([[True, False, True]]),
        grad=False)

# binary: broadcasting, scalars on either side, int/bool/0-d operands, torch's keywords
_BIN = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**"}
for _n, _op in _BIN.items():
    _a = _p(2, 3)
    row(f"{_n}.broadcast", lambda m, x, y, n=_n: getattr(m, n)(x, y), _a, _p(3))
    row(f"{_n}.broadcast_2", lambda m, x, y, n=_n: getattr(m, n)(x, y), _p(2, 1, 3), _p(4, 1))
    row(f"{_n}.kw", lambda m, x, y, n=_n: getattr(m, n)(input=x, other=y) if n != "pow"
        else m.pow(input=x, exponent=y), _a, _p(2, 3))
    row(f"{_n}.scalar", lambda m, x, n=_n: getattr(m, n)(x, 1.5), _a)
    row(f"{_n}.int_scalar", lambda m, x, n=_n: getattr(m, n)(x, 2), _a)
    row(f"{_n}.0d", lambda m, x, y, n=_n: getattr(m, n)(x, y), _a, Z(1.3))
    row(f"{_n}.0d_first", lambda m, x, y, n=_n: getattr(m, n)(y, x), _a, Z(1.3))
    row(f"{_n}.int_tensor", lambda m, x, y, n=_n: getattr(m, n)(x, y), I([1, 2, 3]),
        I([[2], [1]]))
    row(f"{_n}.int_pyfloat", lambda m, x, n=_n: getattr(m, n)(x, 2.5), I([1, 2, 3]))
    row(f"{_n}.int_float", lambda m, x, y, n=_n: getattr(m, n)(x, y), I([1, 2, 3]), _p(2, 3))
    row(f"{_n}.int_0d", lambda m, x, y, n=_n: getattr(m, n)(x, y), I([1, 2, 3]), Z(1.5))
    row(f"{_n}.f32_0d", lambda m, x, y, n=_n: getattr(m, n)(x, y),
        F32([1.0, 2.0, 3.0]), Z(1.5), rtol=1e-6)
    row(f"{_n}.method", lambda m, x, y, n=_n: getattr(x, n)(y), _a, _p(3))
    row(f"op{_op}", lambda m, x, y, o=_op: eval(f"x {o} y"), _a, _p(2, 3))
    row(f"op{_op}.rscalar", lambda m, x, o=_op: eval(f"2.5 {o} x"), _a)
    row(f"op{_op}.rint", lambda m, x, o=_op: eval(f"2 {o} x"), _a)
    row(f"op{_op}.int_scalar", lambda m, x, o=_op: eval(f"x {o} 2"), I([1, 2, 3]))
    row(f"op{_op}.bool_int", lambda m, x, y, o=_op: eval(f"x {o} y"), B([True, False]),
        I([3, 4])) if _n != "sub" else None
    row(f"op{_op}.0d_0d", lambda m, x, y, o=_op: eval(f"x {o} y"), Z(1.5), Z(0.5))
row("multiply", lambda m, x, y: m.multiply(x, y), _r(2, 3), _r(3))
row("multiply.int_float", lambda m, x: m.multiply(x, 1.5), I([1, 2]))
row("unflatten", lambda m, x: m.unflatten(x, -1, (2, -1)), _r(3, 4))
row("unflatten.method", lambda m, x: x.unflatten(0, (1, 3)), _r(3, 4))
row("add.alpha", lambda m, x, y: m.add(x, y, alpha=2.0), _r(2, 3), _r(3))
row("sub.alpha", lambda m, x, y: m.sub(x, y, alpha=-0.5), _r(2, 3), _r(2, 3))
row("add.int_alpha", lambda m, x, y: m.add(x, y, alpha=2), I([1, 2]), I([3, 4]))
row("div.rounding_floor", lambda m, x, y: m.div(x, y, rounding_mode="floor"),
    I([7, -7, 5]), I([2, 2, -3]))
row("div.rounding_trunc", lambda m, x, y: m.div(x, y, rounding_mode="trunc"),
    I([7, -7, 5]), I([2, 2, -3]))
row("pow.scalar_base", lambda m, x: m.pow(2.0, x), _r(2, 3))
row("pow.int_int", lambda m, x: m.pow(x, 2), I([1, -2, 3]))
row("pow.int_half", lambda m, x: m.pow(x, 0.5), I([1, 4, 9]))
row("matmul.op", lambda m, x, y: x @ y, _r(2, 3), _r(3, 4))
row("matmul.int", lambda m, x, y: x @ y, I([[1, 2], [3, 4]]), I([[1, 0], [2, 1]]))
row("neg.op", lambda m, x: -x, _r(2, 3))
row("abs.builtin", lambda m, x: abs(x), _r(2, 3), second=False)
for _n in ("maximum", "minimum"):
    row(f"{_n}", lambda m, x, y, n=_n: getattr(m, n)(x, y), _r(2, 3), _r(3))
    row(f"{_n}.kw", lambda m, x, y, n=_n: getattr(m, n)(input=x, other=y), _r(2, 3), _r(2, 3))
    row(f"{_n}.int", lambda m, x, y, n=_n: getattr(m, n)(x, y), I([1, 5]), I([3, 2]))
    row(f"{_n}.int_float", lambda m, x, y, n=_n: getattr(m, n)(x, y), I([1, 5]), _r(2))
    row(f"{_n}.0d", lambda m, x, y, n=_n: getattr(m, n)(x, y), _r(3), Z(0.1))
    row(f"{_n}.f32_0d", lambda m, x, y, n=_n: getattr(m, n)(x, y), F32(_r(3)), Z(0.1),
        rtol=1e-6)
    row(f"{_n}.int_0d_f32", lambda m, x, y, n=_n: getattr(m, n)(x, y.float()), I([1, 5]),
        Z(2.5), rtol=1e-6)
row("arctan2", lambda m, y, x: m.arctan2(y, x), _r(2, 3), _p(3))
row("arctan2.int", lambda m, y, x: m.arctan2(y, x), I([1, -2]), I([3, 1]))
row("arctan2.kw", lambda m, y, x: m.arctan2(input=y, other=x), _r(3), _p(3))
for _n in ("clip", "clamp"):
    row(f"{_n}", lambda m, x, n=_n: getattr(m, n)(x, -0.5, 0.5), _r(2, 3), second=False)
    row(f"{_n}.kw", lambda m, x, n=_n: getattr(m, n)(x, min=-0.5), _r(2, 3), second=False)
    row(f"{_n}.max_only", lambda m, x, n=_n: getattr(m, n)(input=x, max=0.2), _r(2, 3),
        second=False)
    row(f"{_n}.int", lambda m, x, n=_n: getattr(m, n)(x, 1, 3), I([0, 2, 5]))
    row(f"{_n}.int_float_bounds", lambda m, x, n=_n: getattr(m, n)(x, 0.5, 3.5), I([0, 2, 5]))
    row(f"{_n}.tensor_bounds", lambda m, x, lo, hi, n=_n: getattr(m, n)(x, lo, hi), _r(2, 3),
        C(-np.ones(3) * 0.3), C(np.ones(3) * 0.4), second=False)
    row(f"{_n}.method", lambda m, x, n=_n: getattr(x, n)(-0.1, 0.1), _r(4), second=False)
_mask = B([[True, False, True], [False, True, False]])
row("where", lambda m, c, x, y: m.where(c, x, y), _mask, _r(2, 3), _r(3))
row("where.kw", lambda m, c, x, y: m.where(condition=c, input=x, other=y), _mask, _r(2, 3),
    _r(2, 3))
row("where.scalar", lambda m, c, x: m.where(c, x, 0.0), _mask, _r(2, 3))
row("where.int_float", lambda m, c, x: m.where(c, x, 2.5), _mask, I([[1, 2, 3], [4, 5, 6]]))
row("where.int_int", lambda m, c, x: m.where(c, x, 0), _mask, I([[1, 2, 3], [4, 5, 6]]))
row("where.0d", lambda m, c, x, y: m.where(c, x, y), _mask, _r(2, 3), Z(0.5))
row("where.f32_0d", lambda m, c, x, y: m.where(c, x, y), _mask, F32(_r(2, 3)), Z(0.5),
    rtol=1e-6)
row("where.method", lambda m, c, x, y: x.where(c, y), _mask, _r(2, 3), _r(2, 3))
row("where.cond_only", lambda m, c: m.where(c), _mask, grad=False)
for _cmp in ("<", "<=", ">", ">=", "==", "!="):
    row(f"cmp{_cmp}", lambda m, x, y, o=_cmp: eval(f"x {o} y"), _r(2, 3), _r(3), grad=False)
    row(f"cmp{_cmp}.scalar", lambda m, x, o=_cmp: eval(f"x {o} 0.1"), _r(2, 3), grad=False)
    row(f"cmp{_cmp}.rscalar", lambda m, x, o=_cmp: eval(f"0.1 {o} x"), _r(2, 3), grad=False)
    row(f"cmp{_cmp}.int", lambda m, x, o=_cmp: eval(f"x {o} 2"), I([1, 2, 3]), grad=False)

# activations with torch.nn.functional spellings at tapegrad's top level
for _n, _kw in (("leaky_relu", {}), ("leaky_relu", {"negative_slope": 0.2}),
                ("softplus", {}), ("softplus", {"beta": 2.0, "threshold": 1.0}),
                ("gelu", {}), ("gelu", {"approximate": "tanh"}), ("relu", {}),
                ("sigmoid", {}), ("tanh", {})):
    row(f"tg.{_n}{'.kw' if _kw else ''}", lambda m, x, n=_n, k=_kw: (
        getattr(m.nn.functional, n) if m is torch else getattr(m, n))(x, **k), _r(2, 3),
        second=_n not in ("relu", "leaky_relu"))
    row(f"F.{_n}{'.kw' if _kw else ''}",
        lambda m, x, n=_n, k=_kw: getattr(m.nn.functional, n)(x, **k), _r(2, 3),
        second=_n not in ("relu", "leaky_relu"))
for _n in ("sigmoid", "tanh", "relu", "softsign", "silu", "logsigmoid", "relu6", "hardtanh",
           "elu", "selu", "gelu", "softplus"):
    row(f"F.{_n}.int", lambda m, x, n=_n: getattr(m.nn.functional, n)(x),
        I([[1, -2, 3], [0, 5, -1]])) if _n in ("sigmoid", "tanh", "relu", "softsign",
                                               "relu6", "hardtanh") else None

# ------------------------------------------------------------------ reductions
_RED = "sum mean prod amax amin logsumexp var std".split()
_X = _p(3, 4, 2)
for _n in _RED:
    _s = _n not in ("amax", "amin")
    if _n != "logsumexp":
        row(f"{_n}.all", lambda m, x, n=_n: getattr(m, n)(x), _X, second=_s)
        row(f"{_n}.0d", lambda m, x, n=_n: getattr(m, n)(x), Z(1.2), second=_s) \
            if _n not in ("var", "std") else None
    row(f"{_n}.dim-1", lambda m, x, n=_n: getattr(m, n)(x, dim=-1), _X, second=_s)
    row(f"{_n}.pos_dim", lambda m, x, n=_n: getattr(m, n)(x, 1), _X, second=_s)
    if _n != "prod":            # torch.prod takes one dim
        row(f"{_n}.dims", lambda m, x, n=_n: getattr(m, n)(x, dim=(0, -1)), _X, second=_s)
    row(f"{_n}.keepdim", lambda m, x, n=_n: getattr(m, n)(x, dim=-2, keepdim=True), _X,
        second=_s)
    if _n not in ("var", "std"):    # see test_var_std_third_positional_is_keepdims
        row(f"{_n}.pos_keepdim", lambda m, x, n=_n: getattr(m, n)(x, 2, True), _X,
            second=_s)
    row(f"{_n}.method", lambda m, x, n=_n: getattr(x, n)(dim=0), _X, second=_s)
    row(f"{_n}.input_kw", lambda m, x, n=_n: getattr(m, n)(input=x, dim=1), _X, second=_s)
row("sum.int", lambda m, x: m.sum(x), I([[1, 2], [3, 4]]))
row("sum.int_dim", lambda m, x: m.sum(x, -1, keepdim=True), I([[1, 2], [3, 4]]))
row("sum.bool", lambda m, x: m.sum(x), B([[True, False], [True, True]]))
row("sum.dtype", lambda m, x: m.sum(x, dtype=m.float64), I([[1, 2], [3, 4]]))
row("sum.float32_dtype", lambda m, x: m.sum(x, dim=0, dtype=m.float64), F32([[1, 2], [3, 4]]))
row("mean.dtype", lambda m, x: m.mean(x, dtype=m.float64), I([[1, 2], [3, 4]]))
row("prod.int", lambda m, x: m.prod(x, 1), I([[1, 2], [3, 4]]))
row("prod.bool", lambda m, x: m.prod(x), B([[True, False], [True, True]]))
row("prod.dtype", lambda m, x: m.prod(x, 0, dtype=m.float32), I([[1, 2], [3, 4]]))
row("prod.float_dtype", lambda m, x: m.prod(x, dtype=m.float64), F32([[1, 2], [3, 4]]))
row("prod.with_zero", lambda m, x: m.prod(x, -1), np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0]]))
row("amax.int", lambda m, x: m.amax(x, -1), I([[1, 7], [3, 4]]))
row("var.correction", lambda m, x: m.var(x, dim=1, correction=0), _X)
row("var.unbiased", lambda m, x: m.var(x, 1, unbiased=False), _X)
row("var.unbiased_pos", lambda m, x: m.var(x, False), _X)
row("std.correction2", lambda m, x: m.std(x, dim=(0, 1), correction=2, keepdim=True), _X)
row("logsumexp.int", lambda m, x: m.logsumexp(x, 1), I([[1, 2], [3, 4]]))
row("F.dropout.int_p1", lambda m, x: m.nn.functional.dropout(x, 1.0), I([[1, 2], [3, 4]]))
row("F.dropout.eval", lambda m, x: m.nn.functional.dropout(x, 0.5, training=False), _r(2, 3))
row("logsumexp.-inf", lambda m, x: m.logsumexp(x, -1),
    np.array([[-np.inf, -np.inf], [0.5, -np.inf]]), grad=False)
for _n in ("max", "min"):
    row(f"{_n}.all", lambda m, x, n=_n: getattr(m, n)(x), _X, second=False)
    row(f"{_n}.dim", lambda m, x, n=_n: getattr(m, n)(x, 1), _X, second=False)
    row(f"{_n}.dim_kw", lambda m, x, n=_n: getattr(m, n)(x, dim=-1, keepdim=True), _X,
        second=False)
    row(f"{_n}.method_dim", lambda m, x, n=_n: getattr(x, n)(dim=0), _X, second=False)
    row(f"{_n}.other", lambda m, x, y, n=_n: getattr(m, n)(x, y), _r(2, 3), _r(3),
        second=False)
    row(f"{_n}.int", lambda m, x, n=_n: getattr(m, n)(x, 0), I([[1, 7], [3, 4]]))
    row(f"{_n}.0d", lambda m, x, n=_n: getattr(m, n)(x, 0), Z(2.0), second=False)
    row(f"{_n}.ties", lambda m, x, n=_n: getattr(m, n)(x), np.array([[1.0, 3.0], [3.0, 1.0]]),
        second=False)
for _n in ("argmax", "argmin"):
    row(f"{_n}", lambda m, x, n=_n: getattr(m, n)(x), _X, grad=False)
    row(f"{_n}.dim", lambda m, x, n=_n: getattr(m, n)(x, dim=-1, keepdim=True), _X, grad=False)
    row(f"{_n}.pos", lambda m, x, n=_n: getattr(m, n)(x, 1), _X, grad=False)
    row(f"{_n}.int", lambda m, x, n=_n: getattr(m, n)(x, 0), I([[1, 7], [3, 4]]), grad=False)
    row(f"{_n}.ties", lambda m, x, n=_n: getattr(m, n)(x, 1), C([[1.0, 1.0, 0.0]]), grad=False)
    row(f"{_n}.method", lambda m, x, n=_n: getattr(x, n)(), _X, grad=False)
for _n in ("softmax", "log_softmax"):
    row(f"{_n}", lambda m, x, n=_n: getattr(m, n)(x, -1), _r(3, 4))
    row(f"{_n}.dim0", lambda m, x, n=_n: getattr(m, n)(x, dim=0), _r(3, 4))
    row(f"{_n}.dtype", lambda m, x, n=_n: getattr(m, n)(x, 1, dtype=m.float64),
        F32(_r(3, 4)))
    row(f"{_n}.method", lambda m, x, n=_n: getattr(x, n)(-1), _r(3, 4))
    row(f"{_n}.method_dtype", lambda m, x, n=_n: getattr(x, n)(0, dtype=m.float64),
        I([[1, 2], [3, 4]]))
    row(f"{_n}.F", lambda m, x, n=_n: getattr(m.nn.functional, n)(x, dim=1), _r(2, 3, 2))
    row(f"{_n}.-inf_row", lambda m, x, n=_n: getattr(m, n)(x, -1),
        np.array([[-np.inf, 0.0, 1.0], [0.5, -np.inf, -np.inf]]), grad=False)
row("cumsum", lambda m, x: m.cumsum(x, -1), _r(2, 3))
row("cumsum.kw", lambda m, x: m.cumsum(input=x, dim=0), _r(2, 3))
row("cumsum.int", lambda m, x: m.cumsum(x, 0), I([[1, 2], [3, 4]]))
row("cumsum.bool", lambda m, x: m.cumsum(x, 0), B([True, True, False]))
row("cumsum.dtype", lambda m, x: m.cumsum(x, 0, dtype=m.float64), I([1, 2, 3]))
row("cumsum.method", lambda m, x: x.cumsum(1), _r(2, 3))
row("mode", lambda m, x: m.mode(x), np.array([[1.0, 2.0, 2.0, 1.0, 3.0],
                                               [5.0, 5.0, 4.0, 4.0, 4.0]]), second=False)
row("mode.dim0_keepdim", lambda m, x: m.mode(x, 0, keepdim=True),
    np.array([[1.0, 2.0, 2.0], [1.0, 3.0, 2.0], [3.0, 3.0, 1.0]]), second=False)
row("mode.int", lambda m, x: m.mode(x, dim=-1), I([[2, 2, 1, 1, 2], [0, 3, 3, 0, 1]]))
row("mode.method", lambda m, x: x.mode(0), np.array([[1.0, 2.0], [1.0, 2.0], [0.0, 5.0]]),
    second=False)
row("mode.0d", lambda m, x: m.mode(x), Z(3.0), second=False)

# ------------------------------------------------------------------ shapes
_S = _r(2, 3, 4)
row("reshape", lambda m, x: m.reshape(x, (4, -1)), _S)
row("reshape.kw", lambda m, x: m.reshape(input=x, shape=(-1,)), _S)
row("reshape.method_ints", lambda m, x: x.reshape(6, 4), _S)
row("reshape.int", lambda m, x: m.reshape(x, (2, 2)), I([1, 2, 3, 4]))
row("transpose", lambda m, x: m.transpose(x, 0, -1), _S)
row("transpose.kw", lambda m, x: m.transpose(x, dim0=-2, dim1=-1), _S)
row("transpose.method", lambda m, x: x.transpose(1, 2), _S)
row("swapaxes", lambda m, x: m.swapaxes(x, 0, -1), _S)
row("swapaxes.method", lambda m, x: x.swapaxes(-1, -2), _S)
row("squeeze", lambda m, x: m.squeeze(x), _r(1, 3, 1))
row("squeeze.dim", lambda m, x: m.squeeze(x, -1), _r(1, 3, 1))
row("squeeze.dims", lambda m, x: m.squeeze(x, (0, 2)), _r(1, 3, 1))
row("squeeze.non1_dim", lambda m, x: m.squeeze(x, dim=1), _r(1, 3, 1))
row("squeeze.method_non1_dim", lambda m, x: x.squeeze(dim=(0, 1)), _r(1, 3, 1))
row("unsqueeze", lambda m, x: m.unsqueeze(x, -1), _r(2, 3))
row("unsqueeze.kw", lambda m, x: m.unsqueeze(input=x, dim=0), _r(2, 3))
row("unsqueeze.0d", lambda m, x: m.unsqueeze(x, 0), Z(1.5))
row("flatten", lambda m, x: m.flatten(x), _S)
row("flatten.dims", lambda m, x: m.flatten(x, 1), _S)
row("flatten.neg", lambda m, x: m.flatten(x, start_dim=0, end_dim=-2), _S)
row("flatten.0d", lambda m, x: m.flatten(x), Z(1.5))
row("flatten.method", lambda m, x: x.flatten(-2), _S)
row("broadcast_to", lambda m, x: m.broadcast_to(x, (2, 3)), _r(3))
row("broadcast_to.neg1", lambda m, x: m.broadcast_to(x, (4, -1, 3)), _r(2, 1))
row("broadcast_to.0d", lambda m, x: m.broadcast_to(x, (2,)), Z(1.0))
for _n in ("cat", "concatenate", "concat"):
    row(_n, lambda m, x, y, n=_n: getattr(m, n)([x, y]), _r(2, 3), _r(1, 3))
    row(f"{_n}.neg_dim", lambda m, x, y, n=_n: getattr(m, n)((x, y), dim=-1), _r(2, 3),
        _r(2, 1))
    row(f"{_n}.int", lambda m, x, y, n=_n: getattr(m, n)([x, y]), I([1, 2]), I([3]))
    row(f"{_n}.mixed", lambda m, x, y, n=_n: getattr(m, n)([x, y]), I([1, 2]), _r(3))
row("stack", lambda m, x, y: m.stack([x, y]), _r(2, 3), _r(2, 3))
row("stack.neg", lambda m, x, y: m.stack((x, y), dim=-1), _r(2, 3), _r(2, 3))
row("stack.kw", lambda m, x, y: m.stack(tensors=[x, y], dim=1), _r(2), _r(2))
row("stack.0d", lambda m, x, y: m.stack([x, y]), Z(1.0), Z(2.0))
row("stack.mixed", lambda m, x, y: m.stack([x, y]), I([1, 2]), _r(2))
row("split.size", lambda m, x: tuple(m.split(x, 2)), _r(5, 2))
row("split.sizes_neg", lambda m, x: tuple(m.split(x, [1, 3], dim=-1)), _r(2, 4))
row("split.method", lambda m, x: tuple(x.split(1, 0)), _r(3, 2))

# ------------------------------------------------------------------ products
row("matmul.1d1d", lambda m, x, y: m.matmul(x, y), _r(3), _r(3))
row("matmul.2d1d", lambda m, x, y: m.matmul(x, y), _r(2, 3), _r(3))
row("matmul.1d3d", lambda m, x, y: m.matmul(x, y), _r(3), _r(2, 3, 4))
row("matmul.broadcast", lambda m, x, y: m.matmul(x, y), _r(2, 1, 2, 3), _r(3, 3, 4))
row("matmul.kw", lambda m, x, y: m.matmul(input=x, other=y), _r(2, 3), _r(3, 2))
row("dot", lambda m, x, y: m.dot(x, y), _r(3), _r(3))
row("dot.int", lambda m, x, y: m.dot(x, y), I([1, 2, 3]), I([4, 5, 6]))
row("outer", lambda m, x, y: m.outer(x, y), _r(3), _r(2))
row("outer.int", lambda m, x, y: m.outer(x, y), I([1, 2]), I([3, 4, 5]))
row("einsum", lambda m, x, y: m.einsum("bij,bjk->bik", x, y), _r(2, 2, 3), _r(2, 3, 2))
row("einsum.list", lambda m, x, y: m.einsum("ij,j->i", [x, y]), _r(2, 3), _r(3))
row("einsum.trace", lambda m, x: m.einsum("ii", x), _r(3, 3))
row("einsum.ellipsis", lambda m, x, y: m.einsum("...ij,...jk", x, y), _r(2, 2, 3), _r(3, 2))
row("mm", lambda m, x, y: m.mm(x, y), _r(2, 3), _r(3, 2))
row("mm.method", lambda m, x, y: x.mm(y), _r(2, 3), _r(3, 2))
row("bmm.method", lambda m, x, y: x.bmm(y), _r(2, 2, 3), _r(2, 3, 2))
row("norm", lambda m, x: m.norm(x), _r(2, 3))
row("norm.p1_dim", lambda m, x: m.norm(x, p=1, dim=-1), _r(2, 3), second=False)
row("norm.p3_keepdim", lambda m, x: m.norm(x, 3, dim=0, keepdim=True), _r(2, 3))
row("norm.inf", lambda m, x: m.norm(x, float("inf"), dim=1), _r(2, 3), second=False)
row("norm.fro", lambda m, x: m.norm(x, "fro"), _r(2, 3))
row("norm.dims", lambda m, x: m.norm(x, dim=(0, 1)), _r(2, 3))
row("norm.method", lambda m, x: x.norm(2, -1), _r(2, 3))
row("norm.zero", lambda m, x: m.norm(x), np.zeros(3), second=False)

# ------------------------------------------------------------------ PyTorch spellings
row("sort", lambda m, x: m.sort(x), _r(3, 4), second=False)
row("sort.dim_desc", lambda m, x: m.sort(x, dim=0, descending=True), _r(3, 4), second=False)
row("sort.stable", lambda m, x: m.sort(x, stable=True), C([3.0, 1.0, 3.0, 1.0]))
row("sort.int", lambda m, x: m.sort(x, -1), I([3, 1, 2]))
row("sort.method", lambda m, x: x.sort(0), _r(3, 4), second=False)
row("topk", lambda m, x: m.topk(x, 2), _r(3, 4), second=False)
row("topk.kw", lambda m, x: m.topk(x, k=2, dim=0, largest=False), _r(3, 4), second=False)
row("topk.int", lambda m, x: m.topk(x, 1), I([[3, 1, 2]]))
row("topk.method", lambda m, x: x.topk(3, -1), _r(2, 4), second=False)
_IDX = I([[0, 2], [1, 1]])
row("gather", lambda m, x, i: m.gather(x, 1, i), _r(2, 3), _IDX)
row("gather.neg_kw", lambda m, x, i: m.gather(x, dim=-1, index=i), _r(2, 3), _IDX)
row("gather.int", lambda m, x, i: m.gather(x, 1, i), I([[1, 2, 3], [4, 5, 6]]), _IDX)
row("gather.method", lambda m, x, i: x.gather(1, i), _r(2, 3), _IDX)
row("scatter_add", lambda m, x, i, s: m.scatter_add(x, 1, i, s), _r(2, 3), _IDX, _r(2, 2))
row("scatter_add.kw", lambda m, x, i, s: m.scatter_add(input=x, dim=-1, index=i, src=s),
    _r(2, 3), _IDX, _r(2, 2))
row("scatter_add.int", lambda m, x, i, s: m.scatter_add(x, 1, i, s), I([[1, 2, 3], [4, 5, 6]]),
    _IDX, I([[1, 1], [1, 1]]))
row("index_select", lambda m, x, i: m.index_select(x, 0, i), _r(3, 2), I([2, 0, 2]))
row("index_select.neg", lambda m, x, i: m.index_select(x, -1, i), _r(3, 2), I([1, 1]))
row("index_select.kw", lambda m, x, i: m.index_select(input=x, dim=1, index=i), _r(3, 2),
    I([0]))
row("flip", lambda m, x: m.flip(x, (0, -1)), _r(2, 3))
row("flip.list", lambda m, x: m.flip(x, dims=[1]), _r(2, 3))
row("roll", lambda m, x: m.roll(x, 1), _r(2, 3))
row("roll.dims", lambda m, x: m.roll(x, (1, -2), (0, -1)), _r(2, 3))
row("roll.kw", lambda m, x: m.roll(x, shifts=-1, dims=1), _r(2, 3))
row("tril", lambda m, x: m.tril(x), _r(3, 4))
row("tril.diag", lambda m, x: m.tril(x, -1), _r(3, 4))
row("triu", lambda m, x: m.triu(x, diagonal=1), _r(2, 3, 3))
row("triu.int", lambda m, x: m.triu(x), I([[1, 2], [3, 4]]))
row("diagonal", lambda m, x: m.diagonal(x), _r(3, 4))
row("diagonal.kw", lambda m, x: m.diagonal(x, offset=-1, dim1=-1, dim2=-2), _r(2, 3, 3))
row("trace", lambda m, x: m.trace(x), _r(3, 4))
row("trace.int", lambda m, x: m.trace(x), I([[1, 2], [3, 4]]))
row("sinh", lambda m, x: m.sinh(x), _r(2, 3))
row("sinh.int", lambda m, x: m.sinh(x), I([1, 2]))

# ------------------------------------------------------------------ linalg
_A = _spd(3)
for _n in ("inv", "det", "slogdet", "cholesky", "eigvalsh", "svdvals", "pinv", "matrix_exp",
           "matrix_norm", "vector_norm", "norm", "cond"):
    row(f"linalg.{_n}", lambda m, a, n=_n: T("linalg." + n)(m)(a), _A,
        second=_n not in ("cond",))
    row(f"linalg.{_n}.batch", lambda m, a, n=_n: T("linalg." + n)(m)(a),
        np.stack([_spd(3), _spd(3)]), second=False)
row("logdet", lambda m, a: m.logdet(a), _A)
row("linalg.solve", lambda m, a, b: m.linalg.solve(a, b), _A, _r(3, 2))
row("linalg.solve.vec", lambda m, a, b: m.linalg.solve(a, b), _A, _r(3))
row("linalg.solve.batch_broadcast", lambda m, a, b: m.linalg.solve(a, b),
    np.stack([_spd(3), _spd(3)]), _r(3, 1))
row("linalg.solve.left", lambda m, a, b: m.linalg.solve(a, b, left=False), _A, _r(2, 3))
# API.md's tg.linalg.cholesky_solve is torch.cholesky_solve (torch.linalg has none)
row("linalg.cholesky_solve", lambda m, b, a: (m.cholesky_solve if m is torch else
                                              m.linalg.cholesky_solve)(b, m.linalg.cholesky(a)),
    _r(3, 2), _A)
row("linalg.solve_triangular", lambda m, a, b: m.linalg.solve_triangular(a, b, upper=False),
    np.tril(_A), _r(3, 2))
row("linalg.solve_triangular.kw",
    lambda m, a, b: m.linalg.solve_triangular(a, b, upper=True, left=False,
                                              unitriangular=True), np.triu(_A), _r(2, 3))
row("linalg.matrix_power", lambda m, a: m.linalg.matrix_power(a, 3), _r(3, 3))
row("linalg.matrix_power.neg", lambda m, a: m.linalg.matrix_power(a, -2), _A)
row("linalg.matrix_power.zero", lambda m, a: m.linalg.matrix_power(a, 0), _A)
row("linalg.matrix_rank", lambda m, a: m.linalg.matrix_rank(a), _A, grad=False)
row("linalg.matrix_rank.hermitian", lambda m, a: m.linalg.matrix_rank(a, hermitian=True),
    C(np.diag([1.0, 1e-20, 2.0])), grad=False)
row("linalg.multi_dot", lambda m, a, b, c: m.linalg.multi_dot([a, b, c]), _r(3), _r(3, 4),
    _r(4))
row("linalg.cross", lambda m, a, b: m.linalg.cross(a, b), _r(2, 3), _r(1, 3))
row("linalg.cross.dim", lambda m, a, b: m.linalg.cross(a, b, dim=0), _r(3, 2), _r(3, 2))
row("linalg.vector_norm.kw", lambda m, a: m.linalg.vector_norm(a, ord=1.5, dim=(0, -1),
                                                               keepdim=True), _r(2, 3, 2))
row("linalg.vector_norm.0", lambda m, a: m.linalg.vector_norm(a, ord=0), _r(2, 3),
    grad=False)
row("linalg.vector_norm.-inf", lambda m, a: m.linalg.vector_norm(a, float("-inf"), -1),
    _r(2, 3), second=False)
row("linalg.matrix_norm.nuc", lambda m, a: m.linalg.matrix_norm(a, "nuc"), _r(3, 2))
row("linalg.matrix_norm.2", lambda m, a: m.linalg.matrix_norm(a, ord=2), _r(3, 2))
row("linalg.matrix_norm.-1", lambda m, a: m.linalg.matrix_norm(a, -1, keepdim=True),
    _r(2, 3, 3), second=False)
row("linalg.norm.vec_ord", lambda m, a: m.linalg.norm(a, 3), _r(4))
row("linalg.norm.dim", lambda m, a: m.linalg.norm(a, dim=-1, keepdim=True), _r(2, 3))
row("linalg.norm.mat_ord", lambda m, a: m.linalg.norm(a, ord="fro", dim=(0, 1)), _r(2, 3))
row("linalg.cond.p", lambda m, a: m.linalg.cond(a, "fro"), _A, grad=False)  # torch's fails
row("linalg.eigh.values", lambda m, a: m.linalg.eigh(a).eigenvalues, _A)
row("linalg.eigh.upper", lambda m, a: m.linalg.eigh(a, UPLO="U")[0], _A + np.triu(_r(3, 3)))
row("linalg.eigh.vectors_abs", lambda m, a: m.linalg.eigh(a)[1].abs(), _A, second=False)
row("linalg.svd.S", lambda m, a: m.linalg.svd(a, full_matrices=False).S, _r(3, 2))
row("linalg.svd.usv", lambda m, a: (lambda r: (r.U * r.S) @ r.Vh)(
    m.linalg.svd(a, full_matrices=False)), _r(3, 2), second=False)
row("linalg.qr.R_abs", lambda m, a: m.linalg.qr(a).R.abs(), _r(3, 3), second=False)
row("linalg.qr.product", lambda m, a: (lambda r: r.Q @ r.R)(m.linalg.qr(a, mode="reduced")),
    _r(4, 3), second=False)
row("linalg.qr.r_mode", lambda m, a: m.linalg.qr(a, mode="r")[1].abs(), _r(4, 3),
    grad=False)
row("linalg.eig.values_sorted", lambda m, a: m.sort(m.linalg.eig(a)[0].real)[0], _A,
    grad=False)
row("linalg.eig.dtype", lambda m, a: m.linalg.eig(a)[0].abs().sort()[0], _A, grad=False)
row("linalg.lstsq", lambda m, a, b: m.linalg.lstsq(a, b).solution, _r(4, 3), _r(4, 2))
row("linalg.lstsq.vec_rhs", lambda m, a, b: m.linalg.lstsq(a, b[..., None]).solution,
    _r(4, 3), _r(4), second=False)
row("linalg.slogdet.fields", lambda m, a: m.linalg.slogdet(a), -_A, grad=False)
row("linalg.det.int", lambda m, a: m.linalg.det(a.double()), I([[2, 1], [1, 3]]))

# ------------------------------------------------------------------ fft
for _n in ("fft", "ifft", "rfft", "hfft", "fft2", "fftn", "rfft2", "rfftn", "ifft2", "ifftn"):
    row(f"fft.{_n}", lambda m, a, n=_n: getattr(m.fft, n)(a).abs()
        if n not in ("hfft",) else getattr(m.fft, n)(a), _r(4, 6), second=False)
row("fft.irfft", lambda m, a: m.fft.irfft(m.fft.rfft(a), n=6), _r(2, 6), second=False)
row("fft.fft.norm_n_dim", lambda m, a: m.fft.fft(a, n=5, dim=0, norm="ortho").real, _r(4, 3),
    second=False)
row("fft.rfft.int", lambda m, a: m.fft.rfft(a).abs(), I([1, 2, 3, 4]), grad=False)
row("fft.fftfreq", lambda m: m.fft.fftfreq(5, d=0.5), grad=False)
row("fft.rfftfreq", lambda m: m.fft.rfftfreq(6), grad=False)
row("fft.fftshift", lambda m, a: m.fft.fftshift(a, dim=-1), _r(2, 5))
row("fft.ifftshift", lambda m, a: m.fft.ifftshift(a), _r(2, 5))

# ------------------------------------------------------------------ factories
row("tensor.floats", lambda m: m.tensor([1.5, 2.0]), grad=False)
row("tensor.ints", lambda m: m.tensor([[1, 2]]), grad=False)
row("tensor.bools", lambda m: m.tensor([True]), grad=False)
row("tensor.mixed", lambda m: m.tensor([1, 2.5]), grad=False)
row("tensor.scalar", lambda m: m.tensor(3), grad=False)
row("tensor.dtype", lambda m: m.tensor([1, 2], dtype=m.float32), grad=False)
row("tensor.requires_grad", lambda m: m.tensor([1.0], requires_grad=True), grad=False)
for _n in ("zeros", "ones"):
    row(f"{_n}", lambda m, n=_n: getattr(m, n)(2, 3), grad=False)
    row(f"{_n}.tuple", lambda m, n=_n: getattr(m, n)((2, 3), dtype=m.int64), grad=False)
    row(f"{_n}.empty", lambda m, n=_n: getattr(m, n)(0), grad=False)
    row(f"{_n}.0d", lambda m, n=_n: getattr(m, n)(()), grad=False)
    row(f"{_n}_like", lambda m, x, n=_n: getattr(m, n + "_like")(x), I([1, 2]), grad=False)
    row(f"{_n}_like.dtype", lambda m, x, n=_n: getattr(m, n + "_like")(x, dtype=m.float32),
        _r(2), grad=False)
row("full", lambda m: m.full((2, 2), 1.5), grad=False)
row("full.int", lambda m: m.full((2,), 3), grad=False)
row("full.bool", lambda m: m.full([2], True), grad=False)
row("full.dtype", lambda m: m.full((2,), 3, dtype=m.float64), grad=False)
row("full_like", lambda m, x: m.full_like(x, 2.5), I([1, 2]), grad=False)
row("full_like.float", lambda m, x: m.full_like(x, 7), _r(2), grad=False)
row("arange", lambda m: m.arange(5), grad=False)
row("arange.float", lambda m: m.arange(0, 1, 0.25), grad=False)
row("arange.start_end", lambda m: m.arange(2, 7), grad=False)
row("arange.float_end", lambda m: m.arange(3.0), grad=False)
row("arange.neg_step", lambda m: m.arange(5, 0, -2), grad=False)
row("arange.dtype", lambda m: m.arange(4, dtype=m.float64), grad=False)
row("linspace", lambda m: m.linspace(0, 1, 5), grad=False)
row("linspace.ints", lambda m: m.linspace(0, 10, steps=3), grad=False)
row("linspace.dtype", lambda m: m.linspace(-1, 1, 4, dtype=m.float32), grad=False)
row("linspace.one", lambda m: m.linspace(2, 3, 1), grad=False)
row("eye", lambda m: m.eye(3), grad=False)
row("eye.rect", lambda m: m.eye(2, 3, dtype=m.int64), grad=False)
row("rand.shape", lambda m: m.rand(2, 3).shape, grad=False)
row("rand.dtype", lambda m: m.rand((2,), dtype=m.float32).dtype == m.float32, grad=False)
row("randn.shape", lambda m: m.randn((3,)).shape, grad=False)
row("randn.requires_grad", lambda m: m.randn(2, requires_grad=True).requires_grad,
    grad=False)

# ------------------------------------------------------------------ Tensor methods
_M = _r(2, 3)
row("T", lambda m, x: x.T, _M)
row("t", lambda m, x: x.t(), _M)
row("t.1d", lambda m, x: x.t(), _r(3))
row("view", lambda m, x: x.view(3, 2), _M)
row("view.neg", lambda m, x: x.view(-1), _M)
row("view.tuple", lambda m, x: x.view((1, 6)), _M)
row("permute", lambda m, x: x.permute(2, 0, 1), _S)
row("permute.neg", lambda m, x: x.permute(-1, 0, -2), _S)
row("permute.fn", lambda m, x: m.permute(x, (1, 0, 2)), _S)
row("contiguous", lambda m, x: x.t().contiguous(), _M)
row("size", lambda m, x: x.size(), _M, grad=False)
row("size.neg", lambda m, x: x.size(-1), _M, grad=False)
row("shape", lambda m, x: x.shape, _M, grad=False)
row("numel", lambda m, x: x.numel(), _M, grad=False)
row("dim", lambda m, x: x.dim(), _M, grad=False)
row("ndim", lambda m, x: x.ndim, _M, grad=False)
row("len", lambda m, x: len(x), _M, grad=False)
row("expand", lambda m, x: x.expand(2, 3), _r(3))
row("expand.neg", lambda m, x: x.expand(4, -1, 3), _r(2, 1))
row("expand.tuple", lambda m, x: x.expand((2, 3)), _r(1, 3))
row("repeat", lambda m, x: x.repeat(2, 1, 3), _r(2, 3))
row("repeat.tuple", lambda m, x: x.repeat((2, 2)), _r(2, 3))
row("masked_fill", lambda m, x, k: x.masked_fill(k, 0.5), _M, _mask)
row("masked_fill.broadcast", lambda m, x, k: x.masked_fill(k, -1.0), _M, B([True, False, True]))
row("masked_fill.int", lambda m, x, k: x.masked_fill(k, 7), I([[1, 2, 3], [4, 5, 6]]), _mask)
row("masked_fill.tensor_value", lambda m, x, k, v: x.masked_fill(k, v), _M, _mask, Z(2.0))
row("type_as", lambda m, x, y: x.type_as(y), _M, F32([1.0]), grad=False)
row("type_as.int", lambda m, x, y: x.type_as(y), I([1, 2]), _r(2), grad=False)
row("item", lambda m, x: x.item(), Z(2.5), grad=False)
row("item.int", lambda m, x: x.item(), I([3]), grad=False)
row("tolist", lambda m, x: x.tolist(), _M, grad=False)
row("tolist.int", lambda m, x: x.tolist(), I([[1, 2]]), grad=False)
row("detach", lambda m, x: x.detach() * 2, _M)
row("requires_grad_", lambda m, x: x.detach().requires_grad_() * 2, _M, grad=False)
for _n in ("double", "float", "half", "long", "int", "bool"):
    row(f"method.{_n}", lambda m, x, n=_n: getattr(x, n)(), _r(2, 3) * 3,
        grad=_n in ("double", "float"), rtol=1e-3)
    row(f"dtype.{_n}", lambda m, x, n=_n: x.to(getattr(m, n)), _r(2, 3) * 3,
        grad=_n in ("double", "float"), rtol=1e-3)
row("to.device", lambda m, x: x.to("cpu"), _M)
row("to.device_obj", lambda m, x: x.to(m.device("cpu")), _M)
row("cpu", lambda m, x: x.cpu(), _M)
row("to.dtype_kw", lambda m, x: x.to(dtype=m.float32), _M, rtol=1e-6)
row("index.basic", lambda m, x: x[1:, ::2, None, ...], _S)
row("index.int_array", lambda m, x, i: x[i], _r(4, 2), I([0, 2, 0]))
row("index.mask", lambda m, x, k: x[k], _M, _mask)
row("index.neg", lambda m, x: x[-1, -2], _M)
row("index.tensor_0d", lambda m, x, i: x[i], _r(4, 2), I(2))


@pytest.mark.parametrize("fn, inputs, grad, second, rtol", ROWS)
def test_api_names_match_torch_in_float64(default_float64, fn, inputs, grad, second, rtol):
    run_row(fn, inputs, grad, second, rtol)


# under the float32 default: the rows whose dtype is where promotion decides
_PROMO = [p for p in ROWS if any(s in p.id for s in (".int", ".bool", ".0d", "scalar",
                                                     ".f32_", ".mixed", "tensor.", "full",
                                                     "arange", "linspace", "zeros", "ones"))]


@pytest.mark.parametrize("fn, inputs, grad, second, rtol", _PROMO)
def test_promotion_rows_match_torch_under_the_float32_default(fn, inputs, grad, second, rtol):
    run_row(fn, inputs, False, False, max(rtol, 2e-6))


def test_var_std_third_positional_is_keepdims():
    # Intended difference, API.md "Reductions (axis=None|int|tuple, keepdims=False; ...)":
    # tg.var(x, axis, keepdims) positionally, where torch.var(x, dim, unbiased) reads a
    # third positional as the unbiased flag; by keyword both agree.
    x = _r(3, 4)
    for name in ("var", "std"):
        assert getattr(tg, name)(tg.tensor(x), 1, True).shape == (3, 1)
        assert getattr(torch, name)(torch.tensor(x), 1, True).shape == (3,)
        ours = getattr(tg, name)(tg.tensor(x), dim=1, unbiased=False, keepdim=True)
        theirs = getattr(torch, name)(torch.tensor(x), dim=1, unbiased=False, keepdim=True)
        np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-12)
        # torch's var(x, unbiased) form: a bool where the dim would be
        np.testing.assert_allclose(getattr(tg, name)(tg.tensor(x), False).numpy(),
                                   getattr(torch, name)(torch.tensor(x), False).numpy(),
                                   rtol=1e-12)


_REFUSED = {   # torch raises on an integer input; tapegrad computes in the default float
    "mean": lambda m, x: m.mean(x), "var": lambda m, x: m.var(x, 1),
    "std": lambda m, x: m.std(x), "softmax": lambda m, x: m.softmax(x, 1),
    "log_softmax": lambda m, x: m.log_softmax(x, -1),
    "norm": lambda m, x: m.norm(x), "linalg.vector_norm": lambda m, x: m.linalg.vector_norm(x),
    "linalg.inv": lambda m, x: m.linalg.inv(x), "linalg.det": lambda m, x: m.linalg.det(x),
    "logcumsumexp": lambda m, x: m.logcumsumexp(x, 0),
    "F.gelu": lambda m, x: m.nn.functional.gelu(x),
    "F.silu": lambda m, x: m.nn.functional.silu(x),
    "F.normalize": lambda m, x: m.nn.functional.normalize(x),
    "F.rms_norm": lambda m, x: m.nn.functional.rms_norm(x, (2,)),
}


@pytest.mark.parametrize("name", sorted(_REFUSED))
@pytest.mark.parametrize("default", ["float32", "float64"])
def test_integer_inputs_torch_refuses_give_the_default_float(name, default):
    x = np.array([[2, 1], [1, 3]])
    tg.set_default_dtype(getattr(tg, default))
    try:
        ours = _REFUSED[name](tg, tg.tensor(x))
    finally:
        tg.set_default_dtype(tg.float32)
    with pytest.raises((RuntimeError, TypeError, NotImplementedError)):
        _REFUSED[name](torch, torch.tensor(x))
    assert str(ours.dtype) == default
    want = _REFUSED[name](torch, torch.tensor(x, dtype=getattr(torch, default)))
    np.testing.assert_allclose(ours.numpy(), want.numpy(), rtol=1e-6)


def test_set_default_dtype_reaches_traces():
    # a trace made under one default float is not replayed under another
    def body(x):
        return x * 0.5, tg.sqrt(x), tg.zeros(2), tg.exp(2.0), tg.arange(0.0, 1.0, 0.5)

    f = tg.function(body)
    x = tg.tensor([1, 4])
    for default in (tg.float64, tg.float32, tg.float64):
        tg.set_default_dtype(default)
        try:
            got = [t.dtype for t in f(x)]
            assert got == [t.dtype for t in body(x)] == [default] * 5
        finally:
            tg.set_default_dtype(tg.float32)
    assert f.trace_count == 2


def test_numpy_takes_torchs_force_keyword():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    np.testing.assert_array_equal(x.numpy(force=True), [1.0, 2.0])
    with pytest.raises(TypeError, match="force"):
        x.numpy(force="yes")


_NAMED = {   # one-op twins whose backward node torch names otherwise than the op's class
    "atan2": lambda m, x: m.atan2(x, x + 1), "arctan2": lambda m, x: m.arctan2(x, x),
    "float": lambda m, x: x.float(), "to": lambda m, x: x.to(m.float32),
    "inv": lambda m, x: m.linalg.inv(x), "det": lambda m, x: m.linalg.det(x),
    "cholesky": lambda m, x: m.linalg.cholesky(x),
}


@pytest.mark.parametrize("name", sorted(_NAMED))
def test_backward_node_names_match_torch_without_the_digit(name):
    # API.md: the op's name followed by Backward, torch's without its overload digit
    a = _spd(3)
    names = [_NAMED[name](m, m.tensor(a, requires_grad=True)).grad_fn.name()
             for m in (torch, tg)]
    assert names[1] == names[0].rstrip("0123456789"), names


def test_squeeze_of_a_non_unit_axis_given_positionally_raises():
    # Intended difference, API.md "Shape: ... squeeze" with the NumPy/TF shape ops: a
    # positional axis follows np.squeeze (an error names the shape, which catches a
    # wrong axis); dim= follows torch.squeeze and leaves it (rows squeeze.non1_dim)
    with pytest.raises(ValueError, match=r"squeeze: axis 1 has size 3"):
        tg.squeeze(tg.ones(1, 3), 1)
    assert torch.squeeze(torch.ones(1, 3), 1).shape == (1, 3)
    assert tg.squeeze(tg.ones(1, 3), dim=1).shape == (1, 3)
