"""Every case of tests/ops/cases.py against PyTorch in float64: values, gradients,
second derivatives (autograd.grad with create_graph) and JVPs (torch.func.jvp)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tapegrad as tg  # noqa: E402
from ops.cases import CASES, SAME, outputs  # noqa: E402

# torch.func imports torch.jit.script, which warns about its own deprecation
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")

TORCH_CASES = [c for c in CASES if c.torch is not None]
IDS = [repr(c) for c in TORCH_CASES]


def _torch_fn(case):
    if case.torch == SAME:
        return lambda *xs: case.fn(*xs, **case.kwargs)
    return lambda *xs: case.torch(torch, *xs, **case.kwargs)


def _torch_inputs(arrays, requires_grad=True):
    return [torch.tensor(a, dtype=torch.float64, requires_grad=requires_grad)
            for a in arrays]


def _close(ours, theirs, what, rtol=1e-9, atol=1e-12):
    if isinstance(theirs, torch.Tensor):
        theirs = theirs.detach().numpy(force=True)      # force: ZeroTensors from abs
    ours = ours.numpy() if isinstance(ours, tg.Tensor) else ours
    assert np.shape(ours) == np.shape(theirs), f"{what}: shapes {np.shape(ours)} vs " \
                                               f"{np.shape(theirs)}"
    np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=atol, err_msg=what)


def test_torch_cases_cover_every_case_except_internal_ones():
    # only rows without a public torch spelling may skip the comparison
    assert len(TORCH_CASES) == len(CASES), [repr(c) for c in CASES if c.torch is None]


@pytest.mark.parametrize("case", TORCH_CASES, ids=IDS)
def test_values_and_gradients_match_torch(case):
    arrays = case.sample()
    rng = np.random.default_rng(11)
    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    ours = outputs(case(*xs))
    txs = _torch_inputs(arrays)
    theirs = outputs(_torch_fn(case)(*txs))
    assert len(ours) == len(theirs)
    for k, (o, t) in enumerate(zip(ours, theirs)):
        _close(o, t, f"{case!r} value {k}")
        assert o.dtype == np.float64
    ws = [rng.standard_normal(o.shape) for o in ours]
    gs = tg.autograd.grad(ours, xs, grad_outputs=[tg.tensor(w) for w in ws])
    tgs = torch.autograd.grad(theirs, txs, grad_outputs=[torch.tensor(w) for w in ws],
                              allow_unused=True, materialize_grads=True)
    for i, (g, t) in enumerate(zip(gs, tgs)):
        _close(g, t, f"{case!r} gradient of input {i}")


@pytest.mark.parametrize("case", TORCH_CASES, ids=IDS)
def test_second_derivatives_match_torch(case):
    # d/dx <grad_x <f(x), w>, u>: a Hessian-vector product of the weighted output
    arrays = case.sample()
    rng = np.random.default_rng(12)
    ws = [rng.standard_normal(o.shape) for o in outputs(case(*[tg.tensor(a) for a in arrays]))]
    us = [rng.standard_normal(a.shape) for a in arrays]

    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    gs = tg.autograd.grad(outputs(case(*xs)), xs, grad_outputs=[tg.tensor(w) for w in ws],
                          create_graph=True)
    inner = sum((g * tg.tensor(u)).sum() for g, u in zip(gs, us))
    if inner.requires_grad:
        hs = tg.autograd.grad(inner, xs, allow_unused=True)
        hs = [np.zeros(a.shape) if h is None else h.numpy() for h, a in zip(hs, arrays)]
    else:                                   # linear op: the gradient is a constant
        hs = [np.zeros(a.shape) for a in arrays]

    txs = _torch_inputs(arrays)
    tgs = torch.autograd.grad(outputs(_torch_fn(case)(*txs)), txs,
                              grad_outputs=[torch.tensor(w) for w in ws], create_graph=True,
                              allow_unused=True, materialize_grads=True)
    tinner = sum((g * torch.tensor(u)).sum() for g, u in zip(tgs, us))
    if tinner.requires_grad:
        ths = torch.autograd.grad(tinner, txs, allow_unused=True, materialize_grads=True)
    else:
        ths = [torch.zeros(a.shape, dtype=torch.float64) for a in arrays]
    for i, (h, t) in enumerate(zip(hs, ths)):
        _close(h, t, f"{case!r} second derivative for input {i}", rtol=1e-8, atol=1e-10)


@pytest.mark.parametrize("case", TORCH_CASES, ids=IDS)
def test_jvps_match_torch_func_jvp(case):
    arrays = case.sample()
    rng = np.random.default_rng(13)
    us = [rng.standard_normal(a.shape) for a in arrays]
    out, dout = tg.jvp(case, tuple(tg.tensor(a) for a in arrays),
                       tuple(tg.tensor(u) for u in us))
    tout, tdout = torch.func.jvp(_torch_fn(case), tuple(_torch_inputs(arrays, False)),
                                 tuple(_torch_inputs(us, False)))
    for k, (o, t) in enumerate(zip(outputs(out), outputs(tout))):
        _close(o, t, f"{case!r} jvp primal {k}")
    for k, (d, t) in enumerate(zip(outputs(dout), outputs(tdout))):
        _close(d, t, f"{case!r} jvp tangent {k}")


# ------------------------------------------------------------------ conventions

def test_conventions_match_torch_at_ties_and_kinks():
    # ties split (max, maximum), relu'(0) = 0, abs'(0) = 0, clamp passes at the bounds
    a = np.array([1.0, 3.0, 3.0, 0.0, -2.0])
    b = np.array([1.0, 2.0, 4.0, 0.0, -2.0])
    fns = [
        (lambda m, x, y: m.amax(x) if m is torch else tg.max(x)),
        (lambda m, x, y: m.maximum(x, y)),
        (lambda m, x, y: m.minimum(x, y)),
        (lambda m, x, y: m.relu(x)),
        (lambda m, x, y: m.abs(x)),
        (lambda m, x, y: m.clamp(x, 0.0, 1.0) if m is torch else tg.clip(x, 0.0, 1.0)),
    ]
    for k, fn in enumerate(fns):
        x, y = tg.tensor(a, requires_grad=True), tg.tensor(b, requires_grad=True)
        tx, ty = _torch_inputs([a, b])
        fn(tg, x, y).sum().backward()
        fn(torch, tx, ty).sum().backward()
        _close(x.grad, tx.grad, f"convention {k}: first input")
        _close(y.grad if y.grad is not None else np.zeros(5),
               ty.grad if ty.grad is not None else np.zeros(5), f"convention {k}: second")
        # forward mode makes the same choices (ties average the tangents)
        u, v = np.array([1.0, 3.0, 5.0, -1.0, 2.0]), np.array([2.0, -1.0, 0.5, 4.0, 1.0])
        _, dout = tg.jvp(lambda p, q: fn(tg, p, q), (tg.tensor(a), tg.tensor(b)),
                         (tg.tensor(u), tg.tensor(v)))
        _, tdout = torch.func.jvp(lambda p, q: fn(torch, p, q),
                                  tuple(_torch_inputs([a, b], False)),
                                  tuple(_torch_inputs([u, v], False)))
        _close(dout, tdout, f"convention {k}: jvp")
