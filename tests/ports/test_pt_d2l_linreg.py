"""Dive into Deep Learning, "Linear Regression Implementation from Scratch" and the
concise version: synthetic_data, a shuffling data_iter generator, sgd(params, lr,
batch_size) under no_grad with in-place updates and grad.zero_(); then
data.TensorDataset / DataLoader with nn.Sequential(nn.Linear), weight.data.normal_,
bias.data.fill_, nn.MSELoss and optim.SGD."""
import numpy as np
import pytest

from ._port import run

SCRATCH = r'''
import random
import tapegrad as torch

torch.manual_seed(0)
random.seed(0)


def synthetic_data(w, b, num_examples):
    """Generate y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)
print('features:', features[0], '\nlabel:', labels[0])


def data_iter(batch_size, features, labels):
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(
            indices[i: min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


batch_size = 10
for X, y in data_iter(batch_size, features, labels):
    print(X, '\n', y)
    break
first_batch_shapes = (tuple(X.shape), tuple(y.shape))

w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
b = torch.zeros(1, requires_grad=True)


def linreg(X, w, b):
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


lr = 0.03
num_epochs = 3
net = linreg
loss = squared_loss
epoch_losses = []
for epoch in range(num_epochs):
    for X, y in data_iter(batch_size, features, labels):
        l = loss(net(X, w, b), y)
        l.sum().backward()
        sgd([w, b], lr, batch_size)
    with torch.no_grad():
        train_l = loss(net(features, w, b), labels)
        print(f'epoch {epoch + 1}, loss {float(train_l.mean()):f}')
        epoch_losses.append(float(train_l.mean()))

print(f'error in estimating w: {true_w - w.reshape(true_w.shape)}')
print(f'error in estimating b: {true_b - b}')
w_err = (true_w - w.reshape(true_w.shape)).detach().numpy()
b_err = float(true_b - b)
w_is_leaf = w.is_leaf
w_grad_after = w.grad.clone()
'''

CONCISE = r'''
import numpy as np
import tapegrad as torch
from tapegrad.utils import data
from tapegrad import nn

torch.manual_seed(0)


def synthetic_data(w, b, num_examples):
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


true_w = torch.tensor([2, -3.4])
true_b = 4.2
features, labels = synthetic_data(true_w, true_b, 1000)


def load_array(data_arrays, batch_size, is_train=True):
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


batch_size = 10
data_iter = load_array((features, labels), batch_size)
first = next(iter(data_iter))
print(first)
first_types = [type(t).__name__ for t in first]
n_batches = len(data_iter)

net = nn.Sequential(nn.Linear(2, 1))
net[0].weight.data.normal_(0, 0.01)
net[0].bias.data.fill_(0)
loss = nn.MSELoss()
trainer = torch.optim.SGD(net.parameters(), lr=0.03)

num_epochs = 3
epoch_losses = []
for epoch in range(num_epochs):
    for X, y in data_iter:
        l = loss(net(X), y)
        trainer.zero_grad()
        l.backward()
        trainer.step()
    l = loss(net(features), labels)
    print(f'epoch {epoch + 1}, loss {l:f}')
    epoch_losses.append(l.item())

w = net[0].weight.data
print('error in estimating w:', true_w - w.reshape(true_w.shape))
b = net[0].bias.data
print('error in estimating b:', true_b - b)
w_err = (true_w - w.reshape(true_w.shape)).numpy()
b_err = (true_b - b).numpy()
grad_after_zero = [p.grad for p in net.parameters()]
trainer.zero_grad()
grad_after_zero = [p.grad for p in net.parameters()]
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_linreg_scratch(lib):
    ns, out = run(SCRATCH, "d2l_linreg", lib)
    assert ns["first_batch_shapes"] == ((10, 2), (10, 1))
    assert ns["epoch_losses"][-1] < 1e-3 < ns["epoch_losses"][0] * 100
    assert np.abs(ns["w_err"]).max() < 5e-3 and abs(ns["b_err"]) < 5e-3
    assert ns["w_is_leaf"]
    np.testing.assert_array_equal(ns["w_grad_after"].numpy(), 0.0)
    assert out.count("epoch ") == 3


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_linreg_concise(lib):
    ns, out = run(CONCISE, "d2l_linreg_concise", lib)
    assert ns["first_types"] == ["Tensor", "Tensor"]
    assert ns["n_batches"] == 100
    assert ns["epoch_losses"][-1] < 1e-3
    assert np.abs(ns["w_err"]).max() < 5e-3 and np.abs(ns["b_err"]).max() < 5e-3
    assert ns["grad_after_zero"] == [None, None]      # set_to_none=True default
    assert "epoch 3, loss 0.0" in out
