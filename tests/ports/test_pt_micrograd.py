"""karpathy/micrograd's checks against PyTorch ("sanity check" and "more ops": the same
scalar expression through a tiny Value engine and through torch.Tensor([..]).double()
with requires_grad set by attribute, relu, **, /, +=), and its demo: a 2-16-16-1 MLP
on make_moons with the SVM max-margin loss, L2 regularisation and a decaying learning
rate. The Value engine below is written here in micrograd's style."""
import pytest

from ._port import run

VALUE = r'''
class Value:
    """A scalar and its gradient; backward runs the graph in reverse topological order."""

    def __init__(self, data, _children=(), _op=''):
        self.data = data
        self.grad = 0
        self._backward = lambda: None
        self._prev = set(_children)
        self._op = _op

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += out.grad
            other.grad += out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        out = Value(self.data ** other, (self,), f'**{other}')

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), 'ReLU')

        def _backward():
            self.grad += (out.data > 0) * out.grad
        out._backward = _backward
        return out

    def backward(self):
        topo, visited = [], set()

        def build(v):
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build(child)
                topo.append(v)
        build(self)
        self.grad = 1
        for v in reversed(topo):
            v._backward()

    def __neg__(self):
        return self * -1

    def __radd__(self, other):
        return self + other

    def __sub__(self, other):
        return self + (-other)

    def __rsub__(self, other):
        return other + (-self)

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other ** -1

    def __rtruediv__(self, other):
        return other * self ** -1
'''

CHECKS = VALUE + r'''
import tapegrad as torch


def sanity_check():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xmg, ymg = x, y

    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    xpt, ypt = x, y

    assert ymg.data == ypt.data.item()
    assert xmg.grad == xpt.grad.item()
    return ypt.data.item(), xpt.grad.item()


def more_ops():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    amg, bmg, gmg = a, b, g

    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    apt, bpt, gpt = a, b, g

    tol = 1e-6
    assert abs(gmg.data - gpt.data.item()) < tol
    assert abs(amg.grad - apt.grad.item()) < tol
    assert abs(bmg.grad - bpt.grad.item()) < tol
    print(f'{gpt.data.item():.4f}')
    print(f'{apt.grad.item():.4f}')
    print(f'{bpt.grad.item():.4f}')
    return gpt.item(), apt.grad.item(), bpt.grad.item(), str(gpt.dtype)


sanity = sanity_check()
more = more_ops()
'''

MOONS = r'''
import numpy as np
import random
from sklearn.datasets import make_moons
import tapegrad as torch
import tapegrad.nn as nn

np.random.seed(1337)
random.seed(1337)
torch.manual_seed(1337)
X, y = make_moons(n_samples=100, noise=0.1)
y = y * 2 - 1                           # -1 or 1
X = torch.tensor(X, dtype=torch.float64)
y = torch.tensor(y, dtype=torch.float64)


class MLP(nn.Module):
    def __init__(self, nin, nouts):
        super().__init__()
        sizes = [nin] + nouts
        self.layers = nn.ModuleList([nn.Linear(sizes[i], sizes[i + 1]).double()
                                     for i in range(len(nouts))])

    def forward(self, x):
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i != len(self.layers) - 1:
                x = x.relu()
        return x

    def __repr__(self):
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"


model = MLP(2, [16, 16, 1])
print(model)
print("number of parameters", sum(p.numel() for p in model.parameters()))
n_params = sum(p.numel() for p in model.parameters())


def loss(batch_size=None):
    if batch_size is None:
        Xb, yb = X, y
    else:
        ri = np.random.permutation(X.shape[0])[:batch_size]
        Xb, yb = X[ri], y[ri]
    scores = model(Xb).squeeze(1)
    losses = (1 + -yb * scores).relu()
    data_loss = losses.sum() * (1.0 / losses.numel())
    alpha = 1e-4
    reg_loss = alpha * sum((p * p).sum() for p in model.parameters())
    total_loss = data_loss + reg_loss
    accuracy = ((yb > 0) == (scores > 0)).float().mean()
    return total_loss, accuracy.item()


total_loss, acc = loss()
print(total_loss, acc)
history = []
for k in range(60):
    total_loss, acc = loss()
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9 * k / 100
    with torch.no_grad():
        for p in model.parameters():
            p -= learning_rate * p.grad
    history.append((total_loss.item(), acc))
    if k % 10 == 0:
        print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")

h = 0.25
x_min, x_max = X[:, 0].min() - 1, X[:, 0].max() + 1
y_min, y_max = X[:, 1].min() - 1, X[:, 1].max() + 1
xx, yy = np.meshgrid(np.arange(x_min, x_max, h), np.arange(y_min, y_max, h))
Xmesh = np.c_[xx.ravel(), yy.ravel()]
with torch.no_grad():
    scores = model(torch.from_numpy(Xmesh))
Z = np.array([s.item() > 0 for s in scores]).reshape(xx.shape)
mesh_shape = Z.shape
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_micrograd_checks(lib):
    ns, out = run(CHECKS, "micrograd", lib)
    assert ns["sanity"] == (-20.0, 46.0)
    g, ag, bg, dtype = ns["more"]
    assert out.splitlines() == ["24.7041", "138.8338", "645.5773"]
    assert dtype.endswith("float64")


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_micrograd_moons_demo(lib):
    pytest.importorskip("sklearn")
    ns, out = run(MOONS, "micrograd_moons", lib)
    assert ns["n_params"] == 337
    assert "number of parameters 337" in out
    assert "MLP of [Linear(in_features=2, out_features=16, bias=True), " in out
    first, last = ns["history"][0], ns["history"][-1]
    assert last[0] < 0.5 * first[0]
    assert last[1] >= 0.9
    assert ns["mesh_shape"][0] > 10
