"""Dive into Deep Learning, "Softmax Regression Implementation from Scratch",
"Multilayer Perceptrons from Scratch", "Weight Decay" and "Dropout" (from scratch and
concise), on scikit-learn's digits instead of Fashion-MNIST: softmax by exp / sum with
keepdim, cross_entropy by fancy indexing y_hat[range(len(y_hat)), y], an Accumulator,
argmax(axis=1) and .type(y.dtype) accuracy, an l2_penalty, a dropout_layer with a
Bernoulli mask, nn.init.normal_ through net.apply, weight decay in SGD param groups."""
import numpy as np
import pytest

pytest.importorskip("sklearn")

from ._port import run

PRELUDE = r'''
import numpy as np
from sklearn.datasets import load_digits
import tapegrad as torch
from tapegrad import nn
from tapegrad.utils import data

torch.manual_seed(0)
digits = load_digits()
X_all = torch.tensor(digits.data / 16.0, dtype=torch.float32)
y_all = torch.tensor(digits.target)
train_set = data.TensorDataset(X_all[:1400], y_all[:1400])
test_set = data.TensorDataset(X_all[1400:], y_all[1400:])
g = torch.Generator().manual_seed(0)
train_iter = data.DataLoader(train_set, batch_size=64, shuffle=True, generator=g)
test_iter = data.DataLoader(test_set, batch_size=256, shuffle=False)


class Accumulator:
    """For accumulating sums over n variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


def evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def train_epoch(net, train_iter, loss, updater):
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def train(net, train_iter, test_iter, loss, num_epochs, updater):
    history = []
    for epoch in range(num_epochs):
        train_metrics = train_epoch(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        history.append(train_metrics + (test_acc,))
        print(f"epoch {epoch + 1}: loss {train_metrics[0]:.3f}, "
              f"train acc {train_metrics[1]:.3f}, test acc {test_acc:.3f}")
    return history


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()
'''

SOFTMAX = PRELUDE + r'''
X = torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
print(X.sum(0, keepdim=True), X.sum(1, keepdim=True))
sum_keep = (tuple(X.sum(0, keepdim=True).shape), tuple(X.sum(1, keepdim=True).shape))


def softmax(X):
    X_exp = torch.exp(X)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


X = torch.normal(0, 1, (2, 5))
X_prob = softmax(X)
print(X_prob, X_prob.sum(1))
row_sums = X_prob.sum(1)

num_inputs, num_outputs = 64, 10
W = torch.normal(0, 0.01, size=(num_inputs, num_outputs), requires_grad=True)
b = torch.zeros(num_outputs, requires_grad=True)


def net(X):
    return softmax(torch.matmul(X.reshape((-1, W.shape[0])), W) + b)


y = torch.tensor([0, 2])
y_hat = torch.tensor([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
picked = y_hat[[0, 1], y]
print(picked)


def cross_entropy(y_hat, y):
    return - torch.log(y_hat[range(len(y_hat)), y])


ce_demo = cross_entropy(y_hat, y)
acc_demo = accuracy(y_hat, y) / len(y)
print(ce_demo, acc_demo)
init_acc = evaluate_accuracy(net, test_iter)

lr = 0.5


def updater(batch_size):
    return sgd([W, b], lr, batch_size)


history = train(net, train_iter, test_iter, cross_entropy, 5, updater)
'''

MLP = PRELUDE + r'''
num_inputs, num_outputs, num_hiddens = 64, 10, 128
W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.1)
b1 = nn.Parameter(torch.zeros(num_hiddens, requires_grad=True))
W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.1)
b2 = nn.Parameter(torch.zeros(num_outputs, requires_grad=True))
params = [W1, b1, W2, b2]
print(type(W1).__name__, W1.is_leaf, W1.requires_grad)
w1_leaf = W1.is_leaf


def relu(X):
    a = torch.zeros_like(X)
    return torch.max(X, a)


def l2_penalty(w):
    return torch.sum(w.pow(2)) / 2


def net(X):
    X = X.reshape((-1, num_inputs))
    H = relu(X @ W1 + b1)
    return (H @ W2 + b2)


loss = nn.CrossEntropyLoss(reduction='none')
lambd = 1e-3


def penalised(y_hat, y):
    return loss(y_hat, y) + lambd * l2_penalty(W1)


updater = torch.optim.SGD(params, lr=0.1)
history = train(net, train_iter, test_iter, penalised, 6, updater)
w1_norm = float(W1.norm())
'''

DROPOUT = PRELUDE + r'''
def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


X = torch.arange(16, dtype=torch.float32).reshape((2, 8))
print(dropout_layer(X, 0.))
print(dropout_layer(X, 0.5))
print(dropout_layer(X, 1.))
d0 = dropout_layer(X, 0.)
d5 = dropout_layer(X, 0.5)
d1 = dropout_layer(X, 1.)

num_inputs, num_outputs, num_hiddens1, num_hiddens2 = 64, 10, 128, 64
dropout1, dropout2 = 0.2, 0.5


class Net(nn.Module):
    def __init__(self, num_inputs, num_outputs, num_hiddens1, num_hiddens2,
                 is_training=True):
        super(Net, self).__init__()
        self.num_inputs = num_inputs
        self.training = is_training
        self.lin1 = nn.Linear(num_inputs, num_hiddens1)
        self.lin2 = nn.Linear(num_hiddens1, num_hiddens2)
        self.lin3 = nn.Linear(num_hiddens2, num_outputs)
        self.relu = nn.ReLU()

    def forward(self, X):
        H1 = self.relu(self.lin1(X.reshape((-1, self.num_inputs))))
        if self.training == True:
            H1 = dropout_layer(H1, dropout1)
        H2 = self.relu(self.lin2(H1))
        if self.training == True:
            H2 = dropout_layer(H2, dropout2)
        out = self.lin3(H2)
        return out


net = Net(num_inputs, num_outputs, num_hiddens1, num_hiddens2)
loss = nn.CrossEntropyLoss(reduction='none')
trainer = torch.optim.SGD(net.parameters(), lr=0.5)
history_scratch = train(net, train_iter, test_iter, loss, 5, trainer)

net = nn.Sequential(nn.Flatten(),
                    nn.Linear(64, 128),
                    nn.ReLU(),
                    nn.Dropout(dropout1),
                    nn.Linear(128, 64),
                    nn.ReLU(),
                    nn.Dropout(dropout2),
                    nn.Linear(64, 10))


def init_weights(m):
    if type(m) == nn.Linear:
        nn.init.normal_(m.weight, std=0.01)


net.apply(init_weights)
print(net)
net_repr = repr(net)
# weight decay only on weights, as in the concise weight-decay section
trainer = torch.optim.SGD([
    {"params": [p for n, p in net.named_parameters() if n.endswith("weight")],
     "weight_decay": 1e-4},
    {"params": [p for n, p in net.named_parameters() if n.endswith("bias")]}], lr=0.5)
print(trainer)
n_groups = len(trainer.param_groups)
group_wd = [g["weight_decay"] for g in trainer.param_groups]
history_concise = train(net, train_iter, test_iter, loss, 10, trainer)
net.eval()
with torch.no_grad():
    a = net(X_all[:5])
    b = net(X_all[:5])
eval_deterministic = bool(torch.equal(a, b))
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_softmax_scratch(lib):
    ns, out = run(SOFTMAX, "d2l_softmax", lib)
    assert ns["sum_keep"] == ((1, 3), (2, 1))
    np.testing.assert_allclose(ns["row_sums"].numpy(), 1.0, rtol=1e-6)
    np.testing.assert_allclose(ns["picked"].numpy(), [0.1, 0.5], rtol=1e-6)
    np.testing.assert_allclose(ns["ce_demo"].numpy(), -np.log([0.1, 0.5]), rtol=1e-6)
    assert ns["acc_demo"] == 0.5
    assert ns["init_acc"] < 0.4
    assert ns["history"][-1][2] > 0.85
    assert ns["history"][-1][0] < ns["history"][0][0]


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_mlp_weight_decay(lib):
    ns, out = run(MLP, "d2l_mlp", lib)
    assert ns["w1_leaf"]
    assert "Parameter True True" in out
    assert ns["history"][-1][2] > 0.85
    assert ns["history"][-1][0] < ns["history"][0][0]


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_dropout(lib):
    ns, out = run(DROPOUT, "d2l_dropout", lib)
    np.testing.assert_array_equal(ns["d0"].numpy(), ns["X"].numpy())
    np.testing.assert_array_equal(ns["d1"].numpy(), 0.0)
    kept = ns["d5"].numpy() != 0
    np.testing.assert_allclose(ns["d5"].numpy()[kept], 2 * ns["X"].numpy()[kept])
    assert ns["history_scratch"][-1][2] > 0.8
    # std=0.01 weights behind two dropout layers start slowly (torch alike)
    h = ns["history_concise"]
    assert h[-1][0] < 0.8 * h[0][0] and h[-1][2] > 0.3
    assert ns["n_groups"] == 2 and ns["group_wd"] == [1e-4, 0]
    assert ns["eval_deterministic"]
    # the optimizer prints as torch's: values as given, a blank line between groups
    assert "    dampening: 0\n" in out and "    momentum: 0\n" in out
    assert "    weight_decay: 0.0001\n\nParameter Group 1\n" in out
    assert ns["net_repr"] == (
        "Sequential(\n"
        "  (0): Flatten(start_dim=1, end_dim=-1)\n"
        "  (1): Linear(in_features=64, out_features=128, bias=True)\n"
        "  (2): ReLU()\n"
        "  (3): Dropout(p=0.2, inplace=False)\n"
        "  (4): Linear(in_features=128, out_features=64, bias=True)\n"
        "  (5): ReLU()\n"
        "  (6): Dropout(p=0.5, inplace=False)\n"
        "  (7): Linear(in_features=64, out_features=10, bias=True)\n"
        ")")
