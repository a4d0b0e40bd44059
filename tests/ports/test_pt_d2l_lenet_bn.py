"""Dive into Deep Learning, "Convolutional Neural Networks (LeNet)" and "Batch
Normalization" (from scratch and concise): LeNet as nn.Sequential with Conv2d(padding=2),
Sigmoid and AvgPool2d printed layer by layer (X = layer(X); layer.__class__.__name__),
xavier_uniform_ through net.apply; a batch_norm function with moving_mean / moving_var
under torch.is_grad_enabled(), a BatchNorm module holding them as plain tensors moved
with .to(X.device); nn.BatchNorm2d / BatchNorm1d(num_features) concise, on digits 8x8
padded to 28x28 by F.pad."""
import numpy as np
import pytest

pytest.importorskip("sklearn")

from ._port import lines_with, run

PRELUDE = r'''
from sklearn.datasets import load_digits
import tapegrad as torch
from tapegrad import nn
from tapegrad.nn import functional as F
from tapegrad.utils import data

torch.manual_seed(0)
digits = load_digits()
X_all = torch.tensor(digits.data, dtype=torch.float32).reshape(-1, 1, 8, 8) / 16.0
X_all = F.pad(X_all, (10, 10, 10, 10))
y_all = torch.tensor(digits.target, dtype=torch.long)
train_iter = data.DataLoader(data.TensorDataset(X_all[:320], y_all[:320]), batch_size=64,
                             shuffle=True)
test_X, test_y = X_all[1400:1700], y_all[1400:1700]


def evaluate(net):
    net.eval()
    with torch.no_grad():
        acc = (net(test_X).argmax(dim=1) == test_y).float().mean().item()
    net.train()
    return acc


def train(net, num_epochs, lr):
    def init_weights(m):
        if type(m) == nn.Linear or type(m) == nn.Conv2d:
            nn.init.xavier_uniform_(m.weight)
    net.apply(init_weights)
    optimizer = torch.optim.SGD(net.parameters(), lr=lr)
    loss = nn.CrossEntropyLoss()
    losses = []
    for epoch in range(num_epochs):
        total, n = 0.0, 0
        for X, y in train_iter:
            optimizer.zero_grad()
            y_hat = net(X)
            l = loss(y_hat, y)
            l.backward()
            optimizer.step()
            total += l.item() * X.shape[0]
            n += X.shape[0]
        losses.append(total / n)
        print(f"epoch {epoch + 1} loss {losses[-1]:.3f}")
    return losses
'''

LENET = PRELUDE + r'''
net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Flatten(),
    nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.Sigmoid(),
    nn.Linear(84, 10))

X = torch.rand(size=(1, 1, 28, 28), dtype=torch.float32)
shapes = []
for layer in net:
    X = layer(X)
    print(layer.__class__.__name__, 'output shape: \t', X.shape)
    shapes.append((layer.__class__.__name__, tuple(X.shape)))
print(net[2], net[3])
pool_repr, conv_repr = repr(net[2]), repr(net[3])
losses = train(net, 4, lr=0.9)
acc = evaluate(net)
'''

BN = PRELUDE + r'''
def batch_norm(X, gamma, beta, moving_mean, moving_var, eps, momentum):
    if not torch.is_grad_enabled():
        X_hat = (X - moving_mean) / torch.sqrt(moving_var + eps)
    else:
        assert len(X.shape) in (2, 4)
        if len(X.shape) == 2:
            mean = X.mean(dim=0)
            var = ((X - mean) ** 2).mean(dim=0)
        else:
            mean = X.mean(dim=(0, 2, 3), keepdim=True)
            var = ((X - mean) ** 2).mean(dim=(0, 2, 3), keepdim=True)
        X_hat = (X - mean) / torch.sqrt(var + eps)
        moving_mean = (1.0 - momentum) * moving_mean + momentum * mean
        moving_var = (1.0 - momentum) * moving_var + momentum * var
    Y = gamma * X_hat + beta
    return Y, moving_mean.data, moving_var.data


class BatchNorm(nn.Module):
    def __init__(self, num_features, num_dims):
        super().__init__()
        if num_dims == 2:
            shape = (1, num_features)
        else:
            shape = (1, num_features, 1, 1)
        self.gamma = nn.Parameter(torch.ones(shape))
        self.beta = nn.Parameter(torch.zeros(shape))
        self.moving_mean = torch.zeros(shape)
        self.moving_var = torch.ones(shape)

    def forward(self, X):
        if self.moving_mean.device != X.device:
            self.moving_mean = self.moving_mean.to(X.device)
            self.moving_var = self.moving_var.to(X.device)
        Y, self.moving_mean, self.moving_var = batch_norm(
            X, self.gamma, self.beta, self.moving_mean,
            self.moving_var, eps=1e-5, momentum=0.1)
        return Y


net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5), BatchNorm(6, num_dims=4), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), BatchNorm(16, num_dims=4), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(16 * 4 * 4, 120), BatchNorm(120, num_dims=2), nn.Sigmoid(),
    nn.Linear(120, 84), BatchNorm(84, num_dims=2), nn.Sigmoid(),
    nn.Linear(84, 10))
n_params_scratch = len(list(net.parameters()))
state_keys_scratch = list(net.state_dict().keys())[:4]
losses_scratch = train(net, 3, lr=1.0)
# with grad enabled the scratch layer normalises by the batch's own statistics
acc_scratch = (net(X_all[:320]).argmax(dim=1) == y_all[:320]).float().mean().item()
with torch.no_grad():
    eval_out = net(test_X)
print(net[1].gamma.reshape((-1,)), net[1].beta.reshape((-1,)))
moving_mean = net[1].moving_mean.reshape(-1)
moving_var = net[1].moving_var.reshape(-1)
mm_requires_grad = net[1].moving_mean.requires_grad

net = nn.Sequential(
    nn.Conv2d(1, 6, kernel_size=5), nn.BatchNorm2d(6), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2),
    nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.Sigmoid(),
    nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
    nn.Linear(256, 120), nn.BatchNorm1d(120), nn.Sigmoid(),
    nn.Linear(120, 84), nn.BatchNorm1d(84), nn.Sigmoid(),
    nn.Linear(84, 10))
print(net[1])
bn_repr = repr(net[1])
state_keys = list(net.state_dict().keys())[:7]
losses_concise = train(net, 3, lr=1.0)
acc_concise = (net(X_all[:320]).argmax(dim=1) == y_all[:320]).float().mean().item()
acc_concise_eval = evaluate(net)
nbt = int(net[1].num_batches_tracked)
nbt_dtype = str(net[1].num_batches_tracked.dtype)
'''


LAZY = PRELUDE + r'''
# Dive into Deep Learning 1.0 writes its networks with lazy layers: the sizes come from
# a first (dummy) batch, then the d2l init_cnn runs through net.apply


def init_cnn(module):
    if type(module) == nn.Linear or type(module) == nn.Conv2d:
        nn.init.xavier_uniform_(module.weight)


class LeNet(nn.Module):
    def __init__(self, lr=0.1, num_classes=10):
        super().__init__()
        self.lr = lr
        self.net = nn.Sequential(
            nn.LazyConv2d(6, kernel_size=5, padding=2), nn.ReLU(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.LazyConv2d(16, kernel_size=5), nn.ReLU(),
            nn.AvgPool2d(kernel_size=2, stride=2),
            nn.Flatten(),
            nn.LazyLinear(120), nn.LazyBatchNorm1d(), nn.ReLU(),
            nn.LazyLinear(84), nn.ReLU(),
            nn.LazyLinear(num_classes))

    def forward(self, X):
        return self.net(X)

    def apply_init(self, inputs, init=None):
        self.forward(*inputs)
        if init is not None:
            self.net.apply(init)

    def layer_summary(self, X_shape):
        X = torch.randn(*X_shape)
        shapes = []
        for layer in self.net:
            X = layer(X)
            print(layer.__class__.__name__, 'output shape:\t', X.shape)
            shapes.append(tuple(X.shape))
        return shapes


model = LeNet()
print(model)
lazy_repr = repr(model.net[0])
n_params_before = len(list(model.parameters()))
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)   # before the sizes are known
model.apply_init([next(iter(train_iter))[0]], init_cnn)
print(model)
net_repr = repr(model)
shapes = model.layer_summary((2, 1, 28, 28))
weight_shapes = [tuple(p.shape) for p in model.parameters()]
loss_fn = nn.CrossEntropyLoss()
losses = []
for epoch in range(3):
    for X, y in train_iter:
        optimizer.zero_grad()
        l = loss_fn(model(X), y)
        l.backward()
        optimizer.step()
        losses.append(l.item())
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_lazy_lenet(lib):
    ns, out = run(LAZY, "d2l_lazy_lenet", lib)
    assert ns["lazy_repr"] == "LazyConv2d(0, 6, kernel_size=(5, 5), stride=(1, 1), padding=(2, 2))"
    assert ns["n_params_before"] == 12
    assert ns["shapes"][-1] == (2, 10) and ns["shapes"][0] == (2, 6, 28, 28)
    assert ns["weight_shapes"][:4] == [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,)]
    assert ns["weight_shapes"][4:8] == [(120, 400), (120,), (120,), (120,)]
    assert "(7): Linear(in_features=400, out_features=120, bias=True)" in ns["net_repr"]
    assert "(8): BatchNorm1d(120, eps=1e-05" in ns["net_repr"]
    # the optimizer made before the first batch trains the materialised parameters
    assert np.mean(ns["losses"][-5:]) < 0.6 * np.mean(ns["losses"][:5])


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_lenet(lib):
    ns, out = run(LENET, "d2l_lenet", lib)
    assert ns["shapes"] == [
        ("Conv2d", (1, 6, 28, 28)), ("Sigmoid", (1, 6, 28, 28)),
        ("AvgPool2d", (1, 6, 14, 14)), ("Conv2d", (1, 16, 10, 10)),
        ("Sigmoid", (1, 16, 10, 10)), ("AvgPool2d", (1, 16, 5, 5)),
        ("Flatten", (1, 400)), ("Linear", (1, 120)), ("Sigmoid", (1, 120)),
        ("Linear", (1, 84)), ("Sigmoid", (1, 84)), ("Linear", (1, 10))]
    first = lines_with(out, "Conv2d output shape: \t ")[0]
    # torch.Size's repr where tapegrad has tg.Size (session 11), a tuple before
    assert first.endswith(("torch.Size([1, 6, 28, 28])", "(1, 6, 28, 28)"))
    assert ns["pool_repr"] == "AvgPool2d(kernel_size=2, stride=2, padding=0)"
    assert ns["conv_repr"] == "Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))"
    # sigmoid LeNet learns slowly at first (d2l's curve): the loss must fall
    assert ns["losses"][-1] < ns["losses"][0]


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_batch_norm(lib):
    ns, out = run(BN, "d2l_bn", lib)
    assert ns["n_params_scratch"] == 18
    assert ns["state_keys_scratch"] == ["0.weight", "0.bias", "1.gamma", "1.beta"]
    assert not ns["mm_requires_grad"]
    assert ns["moving_mean"].shape == (6,) and np.all(ns["moving_var"].numpy() > 0)
    assert ns["losses_scratch"][-1] < ns["losses_scratch"][0]
    assert ns["acc_scratch"] > 0.4
    assert np.isfinite(ns["eval_out"].numpy()).all()
    assert ns["bn_repr"] == ("BatchNorm2d(6, eps=1e-05, momentum=0.1, affine=True, "
                             "bias=True, track_running_stats=True)")
    assert ns["state_keys"] == ["0.weight", "0.bias", "1.weight", "1.bias",
                                "1.running_mean", "1.running_var", "1.num_batches_tracked"]
    assert ns["losses_concise"][-1] < ns["losses_concise"][0]
    assert ns["acc_concise"] > 0.7     # train mode (eval's running statistics lag)
    assert 0 <= ns["acc_concise_eval"] <= 1
    assert ns["nbt"] == 16 and ns["nbt_dtype"].endswith("int64")   # API: a NumPy dtype
