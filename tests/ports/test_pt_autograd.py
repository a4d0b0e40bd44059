"""PyTorch tutorials "A gentle introduction to torch.autograd", "Automatic
differentiation with torch.autograd" and the "Autograd mechanics" note: requires_grad,
Q.backward(gradient=...), grad_fn and next_functions, freezing parameters, no_grad /
detach, accumulating grads, hooks, retain_grad, and torch.autograd.functional."""
import numpy as np
import pytest

from ._port import run

SOURCE = r'''
import numpy as np
import tapegrad as torch
from tapegrad import nn, optim

torch.manual_seed(0)
a = torch.tensor([2., 3.], requires_grad=True)
b = torch.tensor([6., 4.], requires_grad=True)
Q = 3*a**3 - b**2
external_grad = torch.tensor([1., 1.])
Q.backward(gradient=external_grad)
print(9*a**2 == a.grad)
print(-2*b == b.grad)
check_a = bool((9*a**2 == a.grad).all())
check_b = bool(torch.all(-2*b == b.grad))

x = torch.rand(5, 5)
y = torch.rand(5, 5)
z = torch.rand((5, 5), requires_grad=True)
a = x + y
print(f"Does `a` require gradients?: {a.requires_grad}")
b = x + z
print(f"Does `b` require gradients?: {b.requires_grad}")
flags = (a.requires_grad, b.requires_grad)

model = nn.Sequential(nn.Linear(8, 16), nn.ReLU(), nn.Linear(16, 4))
for param in model.parameters():
    param.requires_grad = False
model[2] = nn.Linear(16, 10)
optimizer = optim.SGD(model.parameters(), lr=1e-2, momentum=0.9)
out = model(torch.rand(3, 8)).sum()
out.backward()
frozen = [p.grad is None for p in model[0].parameters()]
trained = [p.grad is not None for p in model[2].parameters()]

x = torch.ones(5)
y = torch.zeros(3)
w = torch.randn(5, 3, requires_grad=True)
b = torch.randn(3, requires_grad=True)
z = torch.matmul(x, w)+b
loss = torch.nn.functional.binary_cross_entropy_with_logits(z, y)
print(f"Gradient function for z = {z.grad_fn}")
print(f"Gradient function for loss = {loss.grad_fn}")
loss.backward()
print(w.grad)
print(b.grad)
w_grad = w.grad.numpy().copy()
expected_w = np.outer(np.ones(5), torch.sigmoid(z).detach().numpy() / 3)
z = torch.matmul(x, w)+b
print(z.requires_grad)
with torch.no_grad():
    z = torch.matmul(x, w)+b
print(z.requires_grad)
z = torch.matmul(x, w)+b
z_det = z.detach()
print(z_det.requires_grad)

inp = torch.eye(4, 5, requires_grad=True)
out = (inp+1).pow(2).t()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"First call\n{inp.grad}")
first = inp.grad.clone()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nSecond call\n{inp.grad}")
second = inp.grad.clone()
inp.grad.zero_()
out.backward(torch.ones_like(out), retain_graph=True)
print(f"\nCall after zeroing gradients\n{inp.grad}")
third = inp.grad.clone()

# graph walk: the functions behind a result
x = torch.randn(3, requires_grad=True)
y = (x * 2).exp().sum()
names = []
fn = y.grad_fn
while fn is not None:
    names.append(type(fn).__name__ if not hasattr(fn, "name") else fn.name())
    nxt = [f for f, _ in fn.next_functions if f is not None]
    fn = nxt[0] if nxt else None
print(names)

# hooks and retain_grad
x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
seen = []
h = x.register_hook(lambda grad: seen.append(grad.clone()))
y = x * x
y.retain_grad()
y.register_hook(lambda grad: grad * 2)
y.sum().backward()
h.remove()
print(x.grad, y.grad, seen)
hook_grad = x.grad.clone()
y_grad = y.grad.clone()

# no_grad as decorator, set_grad_enabled, is_grad_enabled, inference_mode
@torch.no_grad()
def doubler(t):
    return t * 2
z = doubler(x)
with torch.set_grad_enabled(False):
    w2 = x * 2
torch.set_grad_enabled(True)
with torch.inference_mode():
    v = x * 3
modes = (z.requires_grad, w2.requires_grad, v.requires_grad, torch.is_grad_enabled())

# requires_grad_ on a tensor, in place ops on leaves
t = torch.zeros(3)
t.requires_grad_()
(t * 3).sum().backward()
leaf = (t.is_leaf, t.grad.tolist())

# torch.autograd.grad with create_graph
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
g, = torch.autograd.grad(y, x, create_graph=True)
g2, = torch.autograd.grad(g, x)
second_order = (g.item(), g2.item())

# torch.autograd.functional
from tapegrad.autograd.functional import jacobian, hessian, vjp, jvp, hvp, vhp

def exp_reducer(x):
    return x.exp().sum(dim=1)

inputs = torch.rand(2, 2)
jac = jacobian(exp_reducer, inputs)
def exp_adder(x, y):
    return 2 * x.exp() + 3 * y
jac2 = jacobian(exp_adder, (torch.rand(2), torch.rand(2)))
def pow_reducer(x):
    return x.pow(3).sum()
hes = hessian(pow_reducer, inputs)
v = torch.ones(2)
vjp_out = vjp(exp_reducer, inputs, v)
jvp_out = jvp(exp_reducer, inputs, torch.ones(2, 2))
hvp_out = hvp(pow_reducer, inputs, torch.ones(2, 2))
vhp_out = vhp(pow_reducer, inputs, torch.ones(2, 2))
jac_v = torch.autograd.functional.jacobian(exp_reducer, inputs, vectorize=True)
fn_inputs = inputs
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_autograd_tutorials(lib):
    ns, out = run(SOURCE, "autograd", lib)
    assert ns["check_a"] and ns["check_b"]
    assert ns["flags"] == (False, True)
    assert ns["frozen"] == [True, True] and ns["trained"] == [True, True]
    np.testing.assert_allclose(ns["w_grad"], ns["expected_w"], rtol=1e-5)
    assert "False\nFalse\n" in out
    np.testing.assert_allclose(ns["second"].numpy(), 2 * ns["first"].numpy())
    np.testing.assert_allclose(ns["third"].numpy(), ns["first"].numpy())
    assert ns["names"][0].startswith("SumBackward")
    assert ns["names"][1].startswith("ExpBackward")
    assert ns["names"][-1].endswith("AccumulateGrad")
    np.testing.assert_allclose(ns["hook_grad"].numpy(), [4.0, 8.0, 12.0])
    np.testing.assert_allclose(ns["y_grad"].numpy(), [2.0, 2.0, 2.0])
    assert len(ns["seen"]) == 1
    assert ns["modes"] == (False, False, False, True)
    assert ns["leaf"] == (True, [3.0, 3.0, 3.0])
    assert ns["second_order"] == (12.0, 12.0)
    x = ns["fn_inputs"].numpy()
    jac = np.zeros((2, 2, 2))
    jac[0, 0] = np.exp(x[0])
    jac[1, 1] = np.exp(x[1])
    np.testing.assert_allclose(ns["jac"].numpy(), jac, rtol=1e-6)
    np.testing.assert_allclose(ns["jac_v"].numpy(), jac, rtol=1e-6)
    assert isinstance(ns["jac2"], tuple) and len(ns["jac2"]) == 2
    np.testing.assert_allclose(ns["jac2"][1].numpy(), 3 * np.eye(2))
    hes = np.zeros((2, 2, 2, 2))
    for i in range(2):
        for j in range(2):
            hes[i, j, i, j] = 6 * x[i, j]
    np.testing.assert_allclose(ns["hes"].numpy(), hes, rtol=1e-6)
    out, v = ns["vjp_out"]
    np.testing.assert_allclose(v.numpy(), np.exp(x), rtol=1e-6)
    out, t = ns["jvp_out"]
    np.testing.assert_allclose(t.numpy(), np.exp(x).sum(1), rtol=1e-6)
    for key in ("hvp_out", "vhp_out"):
        out, h = ns[key]
        np.testing.assert_allclose(out.item(), (x ** 3).sum(), rtol=1e-6)
        np.testing.assert_allclose(h.numpy(), 6 * x, rtol=1e-6)
