"""PyTorch semantics, round 3, checked against torch itself in float64: tg.Size,
backward-node names, set_default_dtype, saved_tensors_hooks / save_on_cpu, and a sweep
that calls API.md's functions and Tensor methods as torch spells them (input=, other=,
dim=, keepdim=, alpha=, ...) and compares values, dtypes, shapes, result types and
gradients.

Deliberate differences (API.md), checked as such below:
- `t.shape` is a tg.Size, a tuple subclass, but prints as the tuple `(2, 3)` (torch:
  `torch.Size([2, 3])`): API.md's `.shape (tuple)`, and NumPy/tnp users read shapes so.
- backward-node names are the op's name + "Backward" without torch's overload digit
  (`MulBackward`, torch `MulBackward0`), and the node's Python type is one class, Node.
- composite ops are named after the op that made the node (`tg.std` ends in a where, so
  `WhereBackward`; torch `StdBackward0`); only one-op twins are compared by name.
- `tg.split` returns a list (as TF's and NumPy's split), torch's a tuple.
- `tg.Tensor(data)` is the class's constructor with tg.tensor's dtype rules (torch's
  legacy `torch.Tensor([1, 2])` is always the default float; `tg.FloatTensor` is that).
"""
import pickle
import re
import threading

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

torch = pytest.importorskip("torch")


# ---------------------------------------------------------------------------- tg.Size
def test_size_is_a_tuple_with_torch_size_behaviour():
    x, tx = tg.zeros(2, 3, 4), torch.zeros(2, 3, 4)
    s, ts = x.shape, tx.shape
    assert isinstance(s, tg.Size) and isinstance(s, tuple) and type(x.size()) is tg.Size
    assert s == ts == (2, 3, 4) and hash(s) == hash((2, 3, 4))
    assert s.numel() == ts.numel() == 24 and tg.Size([]).numel() == torch.Size([]).numel()
    for got, want in ((s[1:], ts[1:]), (s + (5,), ts + (5,)), ((5,) + s, (5,) + ts),
                      (s * 2, ts * 2), (s[::-1], ts[::-1])):
        assert type(got) is tg.Size and type(want) is torch.Size and got == tuple(want)
    assert type(s[0]) is int and s[-1] == ts[-1] and x.size(1) == tx.size(1) == 3
    assert x.size(-1) == 4 and x.size() == tx.size()
    assert tg.Size(np.array([2, 3])) == (2, 3) and tg.Size((np.int64(1),)) == (1,)
    for bad in ([1.5], [True], ["a"]):
        with pytest.raises(TypeError, match="Size"):
            tg.Size(bad)
    with pytest.raises(TypeError):
        torch.Size([1.5])
    # the deliberate difference: printed as the tuple
    assert repr(s) == str(s) == f"{s}" == "(2, 3, 4)"
    assert pickle.loads(pickle.dumps(s)) == s and type(pickle.loads(pickle.dumps(s))) is tg.Size
    assert np.zeros(s).shape == (2, 3, 4) and tg.ones(s).shape == s
    assert tg.zeros(0).shape == (0,) and tg.tensor(1.0).shape == () == tg.Size()


def test_size_saves_as_a_tuple(tmp_path):
    x = tg.zeros(2, 3)
    tg.save({"shape": x.shape, "w": x}, tmp_path / "s.safetensors")
    back = tg.load(tmp_path / "s.safetensors")
    assert back["shape"] == (2, 3) and type(back["shape"]) is tuple


def test_numpy_front_shapes_stay_tuples():
    a = tnp.ones((2, 3))
    assert a.shape == (2, 3) and isinstance(a.shape, tuple)
    assert tnp.zeros(a.shape).shape == (2, 3) and np.empty(a.shape).shape == (2, 3)
    assert a.reshape(a.shape[::-1]).shape == (3, 2)


# ------------------------------------------------------------------ backward-node names
def _bare(name):
    # torch's leaf node calls itself "torch::autograd::AccumulateGrad"; API.md's is bare
    return re.sub(r"\d+$", "", name.replace("torch::autograd::", ""))


NAMED = {
    "mul": lambda m, a, b: a * b, "add": lambda m, a, b: a + b,
    "sub": lambda m, a, b: a - b, "div": lambda m, a, b: a / b,
    "neg": lambda m, a, b: -a, "pow": lambda m, a, b: a ** 2,
    "exp": lambda m, a, b: a.exp(), "log": lambda m, a, b: a.log(),
    "sqrt": lambda m, a, b: a.sqrt(), "abs": lambda m, a, b: a.abs(),
    "sin": lambda m, a, b: a.sin(), "tanh": lambda m, a, b: a.tanh(),
    "sigmoid": lambda m, a, b: a.sigmoid(), "relu": lambda m, a, b: a.relu(),
    "sum": lambda m, a, b: a.sum(), "sum_dim": lambda m, a, b: a.sum(1),
    "mean": lambda m, a, b: a.mean(), "prod": lambda m, a, b: a.prod(),
    "max": lambda m, a, b: a.max(), "transpose": lambda m, a, b: a.transpose(0, 1),
    "stack": lambda m, a, b: m.stack([a, b]), "cat": lambda m, a, b: m.cat([a, b]),
    "softmax": lambda m, a, b: m.softmax(a, 1),
    "log_softmax": lambda m, a, b: m.nn.functional.log_softmax(a, 1),
    "where": lambda m, a, b: m.where(a > 1, a, b), "clamp": lambda m, a, b: a.clamp(0.6, 0.9),
    "maximum": lambda m, a, b: m.maximum(a, b), "expand": lambda m, a, b: a[:1].expand(3, 4),
    "clone": lambda m, a, b: a.clone(), "cumsum": lambda m, a, b: a.cumsum(1),
    "var": lambda m, a, b: a.var(), "logsumexp": lambda m, a, b: a.logsumexp(1),
    "gelu": lambda m, a, b: m.nn.functional.gelu(a),
    "flip": lambda m, a, b: a.flip(0), "roll": lambda m, a, b: a.roll(1, 0),
    "tril": lambda m, a, b: a.tril(), "diagonal": lambda m, a, b: a.diagonal(),
    "outer": lambda m, a, b: m.outer(a[0], b[0]), "clip": lambda m, a, b: m.clip(a, 0.6, 0.9),
}


@pytest.mark.parametrize("case", sorted(NAMED))
def test_grad_fn_names_match_torch_without_the_overload_digit(case):
    rng = np.random.default_rng(0)
    a0, b0 = rng.random((3, 4)) + 0.5, rng.random((3, 4)) + 0.5
    ours = NAMED[case](tg, tg.tensor(a0, requires_grad=True), tg.tensor(b0, requires_grad=True))
    theirs = NAMED[case](torch, torch.tensor(a0, requires_grad=True),
                         torch.tensor(b0, requires_grad=True))
    assert ours.grad_fn.name() == _bare(theirs.grad_fn.name())
    assert ours.grad_fn.name().endswith("Backward")


def test_next_functions_match_torch():
    a0 = np.array([1.0, 2.0])
    for m in (tg, torch):
        x = m.tensor(a0, requires_grad=True)
        c = m.tensor(a0)
        y = ((x * c).exp() + x).sum()
        if m is tg:
            ours = y
        else:
            theirs = y

    def walk(node):
        if node is None:
            return None
        return (_bare(node.name()), tuple((walk(n), k) for n, k in node.next_functions))

    assert walk(ours.grad_fn) == walk(theirs.grad_fn)
    leaf = ours.grad_fn.next_functions[0][0].next_functions[1][0]
    assert leaf.name() == "AccumulateGrad" and repr(leaf) == "<AccumulateGrad>"
    assert repr(ours.grad_fn) == "<SumBackward>" and type(ours.grad_fn).__name__ == "Node"


# -------------------------------------------------------------------- set_default_dtype
@pytest.fixture
def default_float64():
    tg.set_default_dtype(tg.float64)
    torch.set_default_dtype(torch.float64)
    try:
        yield
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)


def _made(m):
    F = m.nn
    return {
        "tensor_float": m.tensor(1.5), "tensor_list": m.tensor([1.0, 2]),
        "tensor_complex": m.tensor(1 + 2j), "tensor_int": m.tensor([1, 2]),
        "zeros": m.zeros(2), "ones": m.ones(2, 3), "full": m.full((2,), 1.5),
        "full_int": m.full((2,), 3), "eye": m.eye(2), "rand": m.rand(2), "randn": m.randn(2),
        "arange_float": m.arange(0.0, 2.0, 0.5), "arange_int": m.arange(3),
        "linspace": m.linspace(0, 1, 3), "logspace": m.logspace(0, 1, 3),
        "zeros_like_int": m.zeros_like(m.tensor([1, 2])),
        "int_div": m.tensor([1, 2]) / 2, "int_exp": m.tensor([1, 2]).exp(),
        "int_sqrt": m.sqrt(m.tensor([4])), "explicit32": m.tensor([1.5], dtype=m.float32),
        "float_method": m.tensor([1, 2]).float(), "double_method": m.tensor([1, 2]).double(),
        "linear_weight": F.Linear(2, 3).weight, "linear_bias": F.Linear(2, 3).bias,
        "conv_weight": F.Conv2d(1, 2, 3).weight, "lstm_weight": F.LSTM(2, 3).weight_ih_l0,
        "layernorm": F.LayerNorm(3).weight, "embedding": F.Embedding(4, 2).weight,
        "batchnorm_mean": F.BatchNorm1d(3).running_mean,
        "legacy_float": m.FloatTensor([1, 2]),
    }


def _dtypes_of(m):
    return {k: str(v.dtype).replace("torch.", "") for k, v in _made(m).items()}


def test_default_dtype_float32_matches_torch():
    assert tg.get_default_dtype() == np.float32 and torch.get_default_dtype() == torch.float32
    assert _dtypes_of(tg) == _dtypes_of(torch)


def test_set_default_dtype_float64_matches_torch(default_float64):
    assert tg.get_default_dtype() == np.float64
    assert _dtypes_of(tg) == _dtypes_of(torch)
    # repr names a dtype only when it is not the default, as torch's
    for make in (lambda m: m.tensor([1.5, 2.0]), lambda m: m.tensor([1.5], dtype=m.float32),
                 lambda m: m.zeros(0, 2, dtype=m.float32), lambda m: m.zeros(0, 2)):
        assert repr(make(tg)) == repr(make(torch)).replace("torch.", "")
    # gradients come back in the default dtype too
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    assert x.grad.dtype == np.float64 and repr(x.grad) == "tensor([2., 4.])"


def test_set_default_dtype_errors_and_numpy_front():
    for bad in (tg.int64, "complex64", np.bool_):
        with pytest.raises(TypeError, match="floating"):
            tg.set_default_dtype(bad)
    with pytest.raises(TypeError, match="set_default_dtype"):
        tg.set_default_dtype("not a dtype")
    assert tg.get_default_dtype() == np.float32
    # tapegrad.numpy keeps NumPy's float64 whatever the default
    assert tnp.array([1.5]).dtype == np.float64 and tnp.ones(2).dtype == np.float64
    tg.set_default_dtype("float16")
    try:
        assert tg.tensor(1.5).dtype == np.float16 and tg.zeros(1).dtype == np.float16
    finally:
        tg.set_default_dtype(torch.float32)     # a torch dtype is accepted too
    assert tg.tensor(1.5).dtype == np.float32


# --------------------------------------------------------------- saved_tensors_hooks
def _hooked_run(m, pack_hook=None, unpack_hook=None):
    log = []
    x = m.tensor([0.5, 1.0, 2.0], requires_grad=True)
    c = m.tensor([3.0, -1.0, 0.25])

    def pack(t):
        role = "x" if t is x else "c" if t is c else "y" if t.grad_fn is not None else "?"
        log.append(("pack", role, tuple(t.shape)))
        return (pack_hook or (lambda v: v.detach().clone()))(t)

    def unpack(p):
        log.append(("unpack",))
        return (unpack_hook or (lambda v: v))(p)

    with m.autograd.graph.saved_tensors_hooks(pack, unpack):
        y = x.exp()
        z = (y * c).sum() + (x * x).sum() + (x * 2.0).sum()
    log.append("forward done")
    z.backward(retain_graph=True)
    log.append("backward 1")
    z.backward()
    return log, x.grad.numpy() if m is tg else x.grad.numpy()


def test_saved_tensors_hooks_pack_and_unpack_as_torch():
    ours, g_ours = _hooked_run(tg)
    theirs, g_theirs = _hooked_run(torch)
    assert ours == theirs
    np.testing.assert_allclose(g_ours, g_theirs, rtol=1e-6)
    assert ("pack", "y", (3,)) in ours and ours.count(("unpack",)) == 2 * 4


def test_saved_tensors_hooks_can_store_anything_and_unpack_must_give_a_tensor():
    store = {}

    def pack(t):
        store[len(store)] = t.numpy().copy()        # e.g. off to disk
        return len(store) - 1

    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    with tg.autograd.graph.saved_tensors_hooks(pack, lambda k: tg.tensor(store[k])):
        y = (x.sin() * x).sum()
    y.backward()
    want = np.cos([1.0, 2, 3]) * [1.0, 2, 3] + np.sin([1.0, 2, 3])
    np.testing.assert_allclose(x.grad.numpy(), want, rtol=1e-6)
    for m in (tg, torch):
        xm = m.tensor([1.0], requires_grad=True)
        with m.autograd.graph.saved_tensors_hooks(lambda t: t, lambda p: 3):
            q = xm.exp()
        with pytest.raises(TypeError, match="unpack_hook expected to be a Tensor"):
            q.sum().backward()
    with pytest.raises(TypeError, match="pack_hook must be callable"):
        tg.autograd.graph.saved_tensors_hooks(None, tg.tensor)


def test_saved_tensors_hooks_scope_nesting_threads_and_no_grad():
    calls = []
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    outer = tg.autograd.graph.saved_tensors_hooks(lambda t: calls.append("outer") or t,
                                                  lambda p: p)
    inner = tg.autograd.graph.saved_tensors_hooks(lambda t: calls.append("inner") or t,
                                                  lambda p: p)
    with outer:
        x.exp()
        with inner:
            x.exp()
        x.exp()
        with tg.no_grad():
            x.exp()                 # nothing is saved without recording
        seen = []
        th = threading.Thread(target=lambda: seen.append(x.exp() is not None))
        th.start()
        th.join()                   # hooks are per thread, as torch's
    x.exp()
    assert calls == ["outer", "inner", "outer"] and seen == [True]
    # tg.checkpoint inside hooks keeps its own recompute-on-backward saving
    with outer:
        y = tg.checkpoint(lambda v: (v.exp() * v).sum(), x)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), np.exp([1.0, 2]) * [2.0, 3], rtol=1e-6)


def test_saved_tensors_hooks_second_order_and_functions():
    x = tg.tensor([0.3, 0.7], requires_grad=True)
    tx = torch.tensor([0.3, 0.7], requires_grad=True)
    for m, v in ((tg, x), (torch, tx)):
        with m.autograd.graph.saved_tensors_hooks(lambda t: t * 1.0, lambda p: p):
            y = (v.sin() * v.exp()).sum()
        (g,) = m.autograd.grad(y, v, create_graph=True)
        g.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-6)


def test_save_on_cpu_and_disable_saved_tensors_hooks():
    x0 = np.array([0.5, -1.0, 2.0])
    grads = []
    for m in (tg, torch):
        x = m.tensor(x0, requires_grad=True)
        with m.autograd.graph.save_on_cpu(pin_memory=False) as ctx:
            y = (x.tanh() * x).sum()
        assert ctx is None
        y.backward()
        grads.append(x.grad.numpy())
    np.testing.assert_allclose(grads[0], grads[1], rtol=1e-6)
    for m in (tg, torch):
        with m.autograd.graph.disable_saved_tensors_hooks("hooks are off here"):
            with pytest.raises(RuntimeError, match="hooks are off here"):
                with m.autograd.graph.save_on_cpu():
                    pass
        with m.autograd.graph.save_on_cpu():
            pass                    # allowed again after the block


# -------------------------------------------------------------------------- the sweep
_RNG = np.random.default_rng(0)


def _pos(*s):
    return _RNG.random(s) + 0.5


def _rnd(*s):
    return _RNG.standard_normal(s)


def _spd(n):
    a = _RNG.standard_normal((n, n))
    return a @ a.T + n * np.eye(n)


def _ints(*v):
    return ("int", np.array(v, dtype=np.int64))


def _mask(*s):
    return ("bool", _RNG.random(s) > 0.5)


CASES = []


def f(name, *args, label=None, method=False, grad=True, **kw):
    CASES.append(pytest.param(name, args, kw, method, grad, id=label or name))


def m(name, *args, label=None, grad=True, **kw):
    f(name, *args, label=label or "Tensor." + name, method=True, grad=grad, **kw)


# elementwise, with torch's keywords
for _n in ("exp log log1p sqrt abs sign sin cos tan tanh sigmoid relu neg square sinh "
           "rsqrt expm1 log2 log10 reciprocal erf atan").split():
    f(_n, input=_pos(2, 3))
    m(_n, _pos(2, 3))
for _n in "add sub mul div maximum minimum atan2 hypot fmod remainder xlogy".split():
    f(_n, input=_pos(2, 3), other=_pos(3))
    m(_n, _pos(2, 3), _pos(2, 3))
f("add", _pos(2, 3), _pos(2, 3), alpha=2.0, label="add.alpha")
f("sub", input=_pos(2, 3), other=_pos(2, 3), alpha=0.5, label="sub.alpha")
m("add", _pos(2, 3), other=_pos(2, 3), alpha=-1.5, label="Tensor.add.alpha")
f("div", _pos(2, 3), _pos(2, 3) * 0.3, rounding_mode="floor", grad=False, label="div.floor")
f("div", _rnd(2, 3) * 4, _pos(2, 3), rounding_mode="trunc", grad=False, label="div.trunc")
f("pow", input=_pos(2, 3), exponent=2.5, label="pow.exponent")
m("pow", _pos(2, 3), exponent=_pos(2, 3), label="Tensor.pow.exponent")
f("clamp", input=_rnd(2, 3), min=-0.5, max=0.5)
f("clip", _rnd(2, 3), -0.5, 0.5)
f("where", condition=_mask(2, 3), input=_rnd(2, 3), other=_rnd(2, 3))
m("maximum", _rnd(3), other=_rnd(3), label="Tensor.maximum.other")
# reductions: dim=, keepdim=, positional dims, (values, indices) results
for _n in "sum mean prod var std amax amin max min argmax argmin median norm nansum".split():
    f(_n, input=_pos(3, 4), grad=_n not in ("argmax", "argmin"))
    f(_n, input=_pos(3, 4), dim=1, label=_n + ".dim", grad=_n not in ("argmax", "argmin"))
    m(_n, _pos(3, 4), dim=0, keepdim=True, label="Tensor." + _n + ".keepdim",
      grad=_n not in ("argmax", "argmin"))
    m(_n, _pos(3, 4), 1, label="Tensor." + _n + ".pos", grad=_n not in ("argmax", "argmin"))
for _n in "logsumexp softmax log_softmax cumsum cumprod logcumsumexp cummax cummin".split():
    f(_n, input=_pos(3, 4), dim=1)
    m(_n, _pos(3, 4), dim=0, label="Tensor." + _n + ".dim")
f("var", _pos(3, 4), dim=1, unbiased=False, label="var.unbiased")
f("std", _pos(3, 4), dim=0, correction=0, label="std.correction")
f("sum", _pos(2, 3, 4), dim=(0, 2), label="sum.dims")
f("mean", _pos(2, 3, 4), dim=(0, 2), keepdim=True, label="mean.dims")
f("norm", _pos(3, 4), p=1, dim=1, label="norm.p1")
f("max", _pos(3, 4), _pos(3, 4), label="max.other")
f("topk", input=_pos(3, 5), k=2)
f("topk", _pos(3, 5), 2, dim=0, largest=False, label="topk.smallest")
f("sort", input=_pos(3, 4), dim=0, descending=True)
f("kthvalue", input=_pos(3, 5), k=2, dim=1)
f("all", _mask(3, 4), dim=1, grad=False)
f("any", _mask(3, 4), grad=False)
f("count_nonzero", _rnd(3, 4), dim=0, grad=False)
# shapes
f("reshape", input=_rnd(2, 6), shape=(3, 4))
m("reshape", _rnd(2, 6), 3, 4)
m("reshape", _rnd(2, 6), shape=(4, 3), label="Tensor.reshape.shape")
m("view", _rnd(2, 6), -1)
m("view", _rnd(2, 6), size=(3, 4), label="Tensor.view.size")
f("transpose", input=_rnd(2, 3, 4), dim0=0, dim1=2)
m("transpose", _rnd(2, 3, 4), dim0=0, dim1=2, label="Tensor.transpose.dims")
m("transpose", _rnd(2, 3), 0, 1, label="Tensor.transpose.2d")
f("swapaxes", _rnd(2, 3, 4), 0, 2)
m("swapaxes", _rnd(2, 3, 4), axis0=0, axis1=2, label="Tensor.swapaxes.kw")
f("squeeze", input=_rnd(2, 1, 3))
f("squeeze", _rnd(2, 1, 3), dim=1, label="squeeze.dim")
f("unsqueeze", input=_rnd(2, 3), dim=1)
f("flatten", input=_rnd(2, 3, 4), start_dim=1)
f("broadcast_to", input=_rnd(3), size=(2, 3))
f("cat", tensors=[_rnd(2, 3), _rnd(2, 1)], dim=1)
f("concatenate", [_rnd(2, 3), _rnd(1, 3)])
f("concat", [_rnd(2, 3), _rnd(1, 3)], dim=0)
f("stack", tensors=[_rnd(2, 3), _rnd(2, 3)], dim=1)
f("split", _rnd(5, 2), 2)
f("split", _rnd(5, 2), [2, 3], dim=0, label="split.sizes")
f("chunk", input=_rnd(5, 2), chunks=2)
f("permute", input=_rnd(2, 3, 4), dims=(2, 0, 1))
m("permute", _rnd(2, 3, 4), 2, 0, 1)
m("permute", _rnd(2, 3, 4), dims=(1, 2, 0), label="Tensor.permute.dims")
m("expand", _rnd(1, 3), 2, 3)
m("expand", _rnd(1, 3), size=(2, -1), label="Tensor.expand.size")
m("repeat", _rnd(2, 3), 2, 1)
m("t", _rnd(2, 3))
m("contiguous", _rnd(2, 3))
m("flip", _rnd(2, 3), 0)
m("unflatten", _rnd(2, 6), 1, (2, 3))
f("movedim", input=_rnd(2, 3, 4), source=0, destination=2)
f("narrow", input=_rnd(4, 3), dim=0, start=1, length=2)
f("select", input=_rnd(2, 3), dim=1, index=0)
f("unbind", input=_rnd(2, 3), dim=1)
f("tile", input=_rnd(2, 3), dims=(2, 1))
f("repeat_interleave", input=_rnd(3), repeats=2)
f("flip", input=_rnd(2, 3), dims=[0, 1])
f("roll", input=_rnd(2, 3), shifts=1, dims=0)
f("tril", input=_rnd(3, 3), diagonal=-1)
f("triu", _rnd(3, 3), 1)
f("diagonal", input=_rnd(2, 3, 3), offset=1, dim1=1, dim2=2)
f("trace", input=_rnd(3, 3))
f("diag", input=_rnd(3))
f("diag", _rnd(3, 3), 1, label="diag.matrix")
f("diff", input=_rnd(5))
# products and linear algebra
f("matmul", input=_rnd(2, 3), other=_rnd(3, 4))
f("matmul", _rnd(3), _rnd(3, 4), label="matmul.vector")
f("matmul", _rnd(2, 2, 3), _rnd(3, 4), label="matmul.batched")
m("matmul", _rnd(2, 3), other=_rnd(3), label="Tensor.matmul.other")
f("dot", input=_rnd(3), tensor=_rnd(3))
m("dot", _rnd(3), _rnd(3))
f("outer", input=_rnd(3), vec2=_rnd(4))
f("einsum", "ij,jk->ik", _rnd(2, 3), _rnd(3, 4))
f("mm", input=_rnd(2, 3), mat2=_rnd(3, 4))
m("mm", _rnd(2, 3), _rnd(3, 2))
f("bmm", input=_rnd(2, 2, 3), mat2=_rnd(2, 3, 4))
m("bmm", _rnd(2, 2, 3), _rnd(2, 3, 4))
f("mv", _rnd(2, 3), _rnd(3))
f("inner", input=_rnd(3), other=_rnd(3))
f("tensordot", _rnd(2, 3), _rnd(3, 4), dims=1)
f("kron", input=_rnd(2, 2), other=_rnd(2, 2))
f("cross", input=_rnd(2, 3), other=_rnd(2, 3), dim=1)
f("det", input=_spd(3))
f("logdet", input=_spd(3))
f("cdist", _rnd(3, 2), _rnd(4, 2))
for _n in ("inv det slogdet cholesky eigh eigvalsh svdvals qr pinv matrix_exp matrix_norm "
           "vector_norm norm cond").split():
    f("linalg." + _n, _spd(3))
f("linalg.matrix_rank", _spd(3), grad=False)
f("linalg.cholesky", input=_spd(3), upper=True, label="linalg.cholesky.input")
f("linalg.solve", _spd(3), _rnd(3, 2))
f("linalg.matrix_power", _rnd(3, 3), 3)
f("linalg.multi_dot", [_rnd(2, 3), _rnd(3, 4), _rnd(4, 2)])
f("linalg.cross", _rnd(2, 3), _rnd(2, 3))
f("linalg.svd", _rnd(3, 2), full_matrices=False)
f("linalg.lstsq", _rnd(4, 3), _rnd(4, 2))
f("linalg.solve_triangular", np.triu(_spd(3)), _rnd(3, 2), upper=True)
f("linalg.vector_norm", _rnd(3, 4), ord=3, dim=1, keepdim=True, label="linalg.vector_norm.kw")
f("linalg.norm", _rnd(3, 4), ord="fro", label="linalg.norm.fro")
f("linalg.matrix_norm", _rnd(3, 4), ord="nuc", label="linalg.matrix_norm.nuc")
# indexing
f("gather", input=_rnd(2, 3), dim=1, index=_ints([0, 2], [1, 1]))
m("gather", _rnd(2, 3), 1, _ints([0, 2], [1, 1]))
f("scatter_add", input=_rnd(2, 3), dim=1, index=_ints([0, 2], [1, 1]), src=_rnd(2, 2))
f("index_select", input=_rnd(3, 2), dim=0, index=_ints(2, 0))
f("masked_fill", _rnd(2, 3), _mask(2, 3), 0.5)
m("masked_fill", _rnd(2, 3), mask=_mask(2, 3), value=1.0, label="Tensor.masked_fill.kw")
f("take_along_dim", input=_rnd(2, 3), indices=_ints([0, 2], [1, 1]), dim=1)
f("masked_select", _rnd(2, 3), _mask(2, 3))
# nn.functional
for _n in ("relu gelu softplus silu elu selu mish logsigmoid softsign tanhshrink hardtanh "
           "relu6 hardswish sigmoid tanh").split():
    f("nn.functional." + _n, input=_rnd(2, 3))
f("nn.functional.leaky_relu", input=_rnd(2, 3), negative_slope=0.2)
f("nn.functional.softmax", input=_rnd(2, 3), dim=1)
f("nn.functional.log_softmax", input=_rnd(2, 3), dim=0)
f("nn.functional.gelu", _rnd(2, 3), approximate="tanh", label="gelu.tanh")
f("nn.functional.mse_loss", input=_rnd(2, 3), target=_rnd(2, 3))
f("nn.functional.cross_entropy", input=_rnd(3, 4), target=_ints(0, 3, 1))
f("nn.functional.cross_entropy", _rnd(3, 4), _ints(0, 3, 1), label_smoothing=0.1,
  label="cross_entropy.smoothing")
f("nn.functional.nll_loss", input=_rnd(3, 4), target=_ints(0, 3, 1))
f("nn.functional.binary_cross_entropy_with_logits", input=_rnd(3), target=_RNG.random(3))
f("nn.functional.binary_cross_entropy", _RNG.random(3) * 0.8 + 0.1, _RNG.random(3))
f("nn.functional.l1_loss", _rnd(3), _rnd(3))
f("nn.functional.smooth_l1_loss", _rnd(3), _rnd(3), beta=0.5)
f("nn.functional.huber_loss", _rnd(3), _rnd(3), delta=0.5)
f("nn.functional.kl_div", _rnd(3), _RNG.random(3), reduction="batchmean")
f("nn.functional.linear", input=_rnd(2, 3), weight=_rnd(4, 3), bias=_rnd(4))
f("nn.functional.normalize", input=_rnd(2, 3), dim=1)
f("nn.functional.cosine_similarity", _rnd(2, 3), _rnd(2, 3))
f("nn.functional.pairwise_distance", _rnd(2, 3), _rnd(2, 3))
f("nn.functional.one_hot", _ints(0, 2, 1), num_classes=3, grad=False)
f("nn.functional.pad", input=_rnd(2, 3), pad=(1, 2))
f("nn.functional.layer_norm", input=_rnd(2, 3), normalized_shape=(3,))
f("nn.functional.dropout", input=_rnd(2, 3), p=0.0)
f("nn.functional.conv1d", input=_rnd(1, 2, 5), weight=_rnd(3, 2, 2))
f("nn.functional.conv2d", _rnd(1, 2, 4, 4), _rnd(3, 2, 2, 2), padding=1)
f("nn.functional.max_pool2d", _rnd(1, 1, 4, 4), 2)
f("nn.functional.avg_pool2d", _rnd(1, 1, 4, 4), kernel_size=2)
# Tensor queries and conversions
m("type_as", _rnd(2, 3), ("f32", _rnd(2)), grad=False)
m("numel", _rnd(2, 3), grad=False)
m("size", _rnd(2, 3), grad=False)
m("size", _rnd(2, 3), 1, label="Tensor.size.dim", grad=False)
m("dim", _rnd(2, 3), grad=False)
m("float", _rnd(2, 3), grad=False)
m("long", _rnd(2, 3) * 3, grad=False)
m("new_zeros", _rnd(2, 3), (2, 2), grad=False)
m("new_full", _rnd(2, 3), (2,), 3.0, grad=False)
m("item", _rnd(1), grad=False)
m("tolist", _rnd(2, 2), grad=False)
m("eq", _rnd(2, 3), other=_rnd(2, 3), grad=False)


def _convert(mod, a, leaves):
    if isinstance(a, tuple) and len(a) == 2 and isinstance(a[0], str):
        kind, arr = a
        return mod.tensor(arr.astype(np.float32) if kind == "f32" else arr)
    if isinstance(a, np.ndarray):
        t = mod.tensor(a.copy(), requires_grad=True)
        leaves.append(t)
        return t
    if isinstance(a, list) and a and isinstance(a[0], np.ndarray):
        return [_convert(mod, v, leaves) for v in a]
    return a


def _call(mod, name, args, kw, method):
    leaves = []
    a = [_convert(mod, v, leaves) for v in args]
    k = {n: _convert(mod, v, leaves) for n, v in kw.items()}
    if method:
        return getattr(a[0], name)(*a[1:], **k), leaves
    fn = mod
    for part in name.split("."):
        fn = getattr(fn, part)
    return fn(*a, **k), leaves


def _flat(r):
    if isinstance(r, (tuple, list)):
        return [x for v in r for x in _flat(v)]
    return [r]


def _fields(r):
    names = getattr(type(r), "_fields", None)
    if names is not None:
        return tuple(names)
    skip = {"count", "index", "n_fields", "n_sequence_fields", "n_unnamed_fields"}
    return tuple(n for n in dir(type(r)) if not n.startswith("_") and n not in skip)


# results compared up to a sign/rotation, so compared through a reconstruction instead
_DECOMP = {"linalg.eigh", "linalg.svd", "linalg.qr"}


@pytest.mark.parametrize("name, args, kw, method, grad", CASES)
def test_sweep_matches_torch_in_float64(name, args, kw, method, grad):
    tg.set_default_dtype(tg.float64)
    torch.set_default_dtype(torch.float64)
    try:
        theirs, t_leaves = _call(torch, name, args, kw, method)
        ours, o_leaves = _call(tg, name, args, kw, method)
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)
    # the result's kind: a tensor, a (named) tuple with torch's field names, a Python value
    if "return_types" in type(theirs).__module__:
        assert isinstance(ours, tuple) and len(ours) == len(theirs)
        for field in _fields(theirs):
            assert hasattr(ours, field), f"no .{field}"
    elif isinstance(theirs, torch.Size):
        assert type(ours) is tg.Size
    elif isinstance(theirs, (tuple, list)):
        # tg.split gives a list (TF's and NumPy's split do too), torch's a tuple
        assert (list if name == "split" else type(theirs)) is type(ours)
        assert len(ours) == len(theirs)
    ft, fo = _flat(theirs), _flat(ours)
    assert len(ft) == len(fo)
    for t, o in zip(ft, fo):
        if not isinstance(t, torch.Tensor):
            assert not isinstance(o, tg.Tensor) and type(o) is type(t) and o == pytest.approx(t)
            continue
        assert isinstance(o, tg.Tensor)
        assert str(o.dtype) == str(t.dtype).replace("torch.", "")
        assert o.shape == tuple(t.shape)
        if name not in _DECOMP:
            np.testing.assert_allclose(o.numpy(), t.detach().numpy(), rtol=1e-7, atol=1e-10)
        if isinstance(theirs, torch.Tensor) or not t.is_floating_point():
            # (torch records every output of a multi-output op, even a sign or a rank)
            assert (o.grad_fn is None) == (t.grad_fn is None)
    if name in _DECOMP:
        # the factors multiply back to the input, and gradients of invariants agree
        A = args[0]
        if name == "linalg.eigh":
            w, V = (x.numpy() for x in ours)
            np.testing.assert_allclose((V * w) @ V.T, A, rtol=1e-9, atol=1e-9)
            ours, theirs = ours[0], theirs[0]
        elif name == "linalg.svd":
            U, S, Vh = (x.numpy() for x in ours)
            np.testing.assert_allclose((U * S) @ Vh, A, rtol=1e-9, atol=1e-9)
            ours, theirs = ours[1], theirs[1]
        else:
            Q, R = (x.numpy() for x in ours)
            np.testing.assert_allclose(Q @ R, A, rtol=1e-9, atol=1e-9)
            ours, theirs = ours[1].abs(), theirs[1].abs()
    if not grad:
        return
    for mod, res in ((torch, theirs), (tg, ours)):
        rng = np.random.default_rng(1)      # the same cotangents for both
        loss = 0.0
        for v in _flat(res):            # a weight per tensor output, used or not
            w = rng.standard_normal(tuple(getattr(v, "shape", ())))
            if getattr(v, "requires_grad", False):
                loss = loss + (v * mod.tensor(w)).sum()
        loss.backward()
    for t, o in zip(t_leaves, o_leaves):
        assert (t.grad is None) == (o.grad is None)
        if t.grad is not None:
            np.testing.assert_allclose(o.grad.numpy(), t.grad.numpy(), rtol=1e-6, atol=1e-9)


def test_sweep_covers_in_place_methods_on_non_leaves():
    base = _rnd(2, 3)
    results = []
    for mod in (torch, tg):
        x = mod.tensor(base.copy(), requires_grad=True)
        y = x * 1.0
        y.mul_(2.0).add_(mod.tensor(base), alpha=0.5).clamp_(-1.0, 1.0).exp_()
        y.sum().backward()
        results.append((y.detach().numpy().copy(), x.grad.numpy().copy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-6)


def test_torch_keywords_do_not_change_the_numpy_names():
    a, b = tg.tensor([1.0, 2.0]), tg.tensor([3.0, 4.0])
    assert tg.add(a, b).tolist() == tg.add(input=a, other=b).tolist() == [4.0, 6.0]
    assert tg.add(x=a, y=b).tolist() == [4.0, 6.0]      # the functions' own names
    assert tg.concat is tg.concatenate and tg.clip is tg.clamp
    assert tg.add.__name__ == "add" and "broadcasting" in tg.add.__doc__
    with pytest.raises(TypeError, match="both x= and input=|multiple values"):
        tg.add(a, input=a, x=b)
    with pytest.raises(TypeError, match="both x= and input="):
        tg.exp(a, input=a)
    with pytest.raises(ValueError, match="rounding_mode"):
        tg.div(a, b, rounding_mode="up")
    assert tg.sum(input=a, dim=0, keepdim=True).tolist() == [3.0]
