"""The harness of the torch API sweeps (test_torch_api_sweep*.py): input kinds, calling
a row with torch and with tapegrad, and comparing results, dtypes, shapes and first and
second derivatives."""
import numpy as np
import pytest
import torch

import tapegrad as tg


class _K:
    """An input of a given kind: int, bool, a constant float64, float32, a 0-d float64
    leaf (kind "0d") or an int64 index array."""

    def __init__(self, kind, value):
        self.kind, self.value = kind, np.asarray(value)


def I(v):                            # noqa: E743 - an integer tensor
    return _K("int", np.array(v, dtype=np.int64))


def B(a):
    return _K("bool", np.asarray(a, dtype=bool))


def Z(v):
    return _K("0d", np.float64(v))


def C(a):
    return _K("const", np.asarray(a, dtype=np.float64))


def F32(a):
    return _K("f32", np.asarray(a, dtype=np.float32))


def _make(m, a, leaves):
    if isinstance(a, _K):
        if a.kind == "0d":
            t = m.tensor(a.value.copy(), dtype=m.float64, requires_grad=True)
            leaves.append(t)
            return t
        dt = {"int": m.int64, "bool": m.bool, "const": m.float64, "f32": m.float32}[a.kind]
        return m.tensor(a.value.copy(), dtype=dt)
    if isinstance(a, np.ndarray):
        t = m.tensor(a.copy(), requires_grad=True)
        leaves.append(t)
        return t
    if isinstance(a, (list, tuple)) and a and isinstance(a[0], (np.ndarray, _K)):
        return type(a)(_make(m, v, leaves) for v in a)
    return a


def _flat(r):
    if isinstance(r, (tuple, list)):
        return [x for v in r for x in _flat(v)]
    return [r]


def _same_kind(ours, theirs, where):
    if isinstance(theirs, torch.Tensor):
        assert isinstance(ours, tg.Tensor), f"{where}: {type(ours)} for a tensor"
        assert str(ours.dtype) == str(theirs.dtype).replace("torch.", ""), \
            f"{where}: dtype {ours.dtype} vs {theirs.dtype}"
        assert ours.shape == tuple(theirs.shape), f"{where}: shape {ours.shape} vs " \
                                                  f"{tuple(theirs.shape)}"
        return
    if "return_types" in type(theirs).__module__:
        names = [n for n in dir(type(theirs)) if not n.startswith("_") and n not in
                 ("count", "index", "n_fields", "n_sequence_fields", "n_unnamed_fields")]
        assert isinstance(ours, tuple) and len(ours) == len(theirs), where
        for n in names:
            assert hasattr(ours, n), f"{where}: no .{n}"
    elif isinstance(theirs, torch.Size):
        assert type(ours) is tg.Size, where
    elif isinstance(theirs, (tuple, list)):
        assert isinstance(ours, (tuple, list)) and len(ours) == len(theirs), where
    else:
        assert type(ours) is type(theirs) and ours == pytest.approx(theirs), where
        return
    for k, (o, t) in enumerate(zip(ours, theirs)):
        _same_kind(o, t, f"{where}[{k}]")


def _grads(m, outs, leaves, create):
    rng = np.random.default_rng(5)
    total = None
    for o in outs:
        w = rng.standard_normal(tuple(o.shape))
        if o.requires_grad and o.dtype in (m.float64, m.float32):
            term = (o * m.tensor(w)).sum()
            total = term if total is None else total + term
    if total is None:
        return None
    gs = m.autograd.grad(total, leaves, create_graph=create, allow_unused=True)
    return [m.zeros_like(x) if g is None else g for g, x in zip(gs, leaves)]


def _second(m, gs, leaves):
    rng = np.random.default_rng(6)
    inner = None
    for g in gs:
        u = rng.standard_normal(tuple(g.shape))
        if g.requires_grad:
            term = (g * m.tensor(u)).sum()
            inner = term if inner is None else inner + term
    if inner is None:
        return [np.zeros(tuple(x.shape)) for x in leaves]
    hs = m.autograd.grad(inner, leaves, allow_unused=True)
    return [np.zeros(tuple(x.shape)) if h is None else h.detach().numpy(force=True) for h, x in
            zip(hs, leaves)]


def run_row(fn, inputs, grad, second, rtol):
    results = {}
    for m in (torch, tg):
        leaves = []
        args = [_make(m, a, leaves) for a in inputs]
        results[m] = (fn(m, *args), leaves)
    (theirs, t_leaves), (ours, o_leaves) = results[torch], results[tg]
    _same_kind(ours, theirs, "result")
    for o, t in zip(_flat(ours), _flat(theirs)):
        if isinstance(t, torch.Tensor):
            np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(force=True), rtol=rtol,
                                       atol=1e-10, err_msg="values")
            # (torch records every output of a multi-output op, even slogdet's sign)
            if isinstance(theirs, torch.Tensor):
                assert o.requires_grad == t.requires_grad, "requires_grad of the result"
    if not grad or not t_leaves:
        return
    outs_t = [t for t in _flat(theirs) if isinstance(t, torch.Tensor)]
    outs_o = [o for o in _flat(ours) if isinstance(o, tg.Tensor)]
    gt = _grads(torch, outs_t, t_leaves, second)
    go = _grads(tg, outs_o, o_leaves, second)
    assert (gt is None) == (go is None)
    if gt is None:
        return
    for k, (g, t) in enumerate(zip(go, gt)):
        assert str(g.dtype) == str(t.dtype).replace("torch.", ""), f"gradient {k} dtype"
        np.testing.assert_allclose(g.detach().numpy(), t.detach().numpy(force=True), rtol=1e-6,
                                   atol=1e-9, err_msg=f"gradient of input {k}")
    if second:
        for k, (h, t) in enumerate(zip(_second(tg, go, o_leaves),
                                       _second(torch, gt, t_leaves))):
            np.testing.assert_allclose(h, t, rtol=1e-6, atol=1e-8,
                                       err_msg=f"second derivative for input {k}")


def T(name):
    """m.name, through dotted parts ("linalg.inv", "nn.functional.relu")."""
    def get(m):
        for part in name.split("."):
            m = getattr(m, part)
        return m
    return get
