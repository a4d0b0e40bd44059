"""Transforms of a function that closes over a tensor requiring grad: what they return
stays connected to it, as in torch.func and JAX, so a later backward reaches it. (They
used to return detached results: a loss mixing them with other terms got a silently
wrong gradient for the closed-over tensor.)"""
import numpy as np
import pytest

import tapegrad as tg

W = np.array([1.0, 2.0, 3.0])
X = np.array([0.5, 0.1, 0.2])
ONE = np.ones(3)


def _f(w):
    return lambda x: tg.sin(w * x).sum()


def _v(w):
    return lambda x: tg.sin(w * x)


CASES = {
    "grad": lambda w, x: tg.grad(_f(w))(x).sum(),
    "value_and_grad.value": lambda w, x: tg.value_and_grad(_f(w))(x)[0],
    "value_and_grad.grad": lambda w, x: tg.value_and_grad(_f(w))(x)[1].sum(),
    "vjp.out": lambda w, x: tg.vjp(_v(w), x)[0].sum(),
    "vjp.pullback": lambda w, x: tg.vjp(_v(w), x)[1](tg.tensor(ONE))[0].sum(),
    "jvp.out": lambda w, x: tg.jvp(_v(w), (x,), (tg.tensor(ONE),))[0].sum(),
    "jvp.tangent": lambda w, x: tg.jvp(_v(w), (x,), (tg.tensor(ONE),))[1].sum(),
    "jacrev": lambda w, x: tg.jacrev(_v(w))(x).sum(),
    "jacfwd": lambda w, x: tg.jacfwd(_v(w))(x).sum(),
    "hessian": lambda w, x: tg.hessian(_f(w))(x).sum(),
    "aux": lambda w, x: tg.grad(lambda x: (_f(w)(x), (w * w).sum()), has_aux=True)(x)[1],
    "vmap(grad)": lambda w, x: tg.vmap(tg.grad(_f(w)))(tg.stack([x, 2 * x])).sum(),
    "grad in vmap": lambda w, x: tg.vmap(lambda x: tg.grad(_f(w))(x))(
        tg.stack([x, 2 * x])).sum(),
}


def _reference(name, w, x):
    """The same quantity written with create_graph=True by hand."""
    xs = x.detach().requires_grad_()
    y = tg.sin(w * xs)
    if name == "grad":
        return tg.autograd.grad(y.sum(), xs, create_graph=True)[0].sum()
    if name == "value_and_grad.value" or name == "vjp.out" or name == "jvp.out":
        return y.sum()
    if name in ("value_and_grad.grad", "vjp.pullback", "jvp.tangent", "jacrev", "jacfwd"):
        return (w * tg.cos(w * xs)).sum()
    if name == "hessian":
        return (-w * w * tg.sin(w * xs)).sum()
    if name == "aux":
        return (w * w).sum()
    # two examples x and 2x: d/dx sum sin(w*x) = w cos(w x)
    return (w * tg.cos(w * xs)).sum() + (w * tg.cos(2 * w * xs)).sum()


@pytest.mark.parametrize("name", list(CASES))
def test_results_stay_connected_to_a_closed_over_tensor(name):
    w = tg.tensor(W, requires_grad=True)
    x = tg.tensor(X)
    r = CASES[name](w, x)
    assert r.requires_grad, f"{name}: the result was cut from w"
    (got,) = tg.autograd.grad(r + (w ** 2).sum(), w)
    w2 = tg.tensor(W, requires_grad=True)
    (ref,) = tg.autograd.grad(_reference(name, w2, tg.tensor(X)) + (w2 ** 2).sum(), w2)
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12)


@pytest.mark.parametrize("name", ["grad", "vjp.pullback", "jacrev", "hessian"])
def test_without_a_traced_closure_results_are_plain(name):
    w = tg.tensor(W)                # does not require grad
    r = CASES[name](w, tg.tensor(X))
    assert not r.requires_grad and r.grad_fn is None


def test_matches_torch_func():
    torch = pytest.importorskip("torch")
    w = tg.tensor(W, requires_grad=True)
    x = tg.tensor(X)
    (tg.grad(_f(w))(x).sum() + (w ** 2).sum()).backward()
    tw = torch.tensor(W, requires_grad=True)
    tgx = torch.func.grad(lambda x: torch.sin(tw * x).sum())(torch.tensor(X))
    (tgx.sum() + (tw ** 2).sum()).backward()
    np.testing.assert_allclose(w.grad.numpy(), tw.grad.numpy(), rtol=1e-12)


def test_a_module_parameter_closed_over_by_grad():
    # input gradients of a model (saliency): the parameters get the mixed gradient
    tg.manual_seed(0)
    lin = tg.nn.Linear(3, 1).double()
    x = tg.tensor(X)
    g = tg.grad(lambda x: tg.tanh(lin(x)).sum())(x)
    loss = (g ** 2).sum()
    loss.backward()
    assert lin.weight.grad is not None and np.abs(lin.weight.grad.numpy()).sum() > 0
