"""PyTorch 60-minute blitz, "Neural networks" and "Tensors": LeNet with
num_flat_features, net.zero_grad, backward with a random gradient, the loss's
grad_fn.next_functions, a hand-written SGD update through .data, then optim.SGD;
and the tensor basics (from_numpy, *_like factories, indexing, cat, out=, in-place ops,
memory shared with NumPy)."""
import numpy as np
import pytest

from ._port import run

NN = r'''
import tapegrad as torch
import tapegrad.nn as nn
import tapegrad.nn.functional as F
import tapegrad.optim as optim

torch.manual_seed(0)


class Net(nn.Module):

    def __init__(self):
        super(Net, self).__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.conv2 = nn.Conv2d(6, 16, 5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(-1, self.num_flat_features(x))
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x

    def num_flat_features(self, x):
        size = x.size()[1:]
        num_features = 1
        for s in size:
            num_features *= s
        return num_features


net = Net()
print(net)
net_repr = repr(net)
params = list(net.parameters())
print(len(params))
print(params[0].size())
n_params = len(params)
first_size = tuple(params[0].size())

input = torch.randn(1, 1, 32, 32)
out = net(input)
print(out)
out_shape = tuple(out.shape)
net.zero_grad()
out.backward(torch.randn(1, 10))

output = net(input)
target = torch.randn(10)
target = target.view(1, -1)
criterion = nn.MSELoss()
loss = criterion(output, target)
print(loss)
print(loss.grad_fn)
print(loss.grad_fn.next_functions[0][0])
print(loss.grad_fn.next_functions[0][0].next_functions[0][0])
net.zero_grad()
print('conv1.bias.grad before backward')
print(net.conv1.bias.grad)
grad_before = net.conv1.bias.grad
loss.backward()
print('conv1.bias.grad after backward')
print(net.conv1.bias.grad)
grad_after = net.conv1.bias.grad.clone()

learning_rate = 0.01
for f in net.parameters():
    f.data.sub_(f.grad.data * learning_rate)
loss_manual = criterion(net(input), target).item()

optimizer = optim.SGD(net.parameters(), lr=0.01)
losses = []
for i in range(20):
    optimizer.zero_grad()
    output = net(input)
    loss = criterion(output, target)
    loss.backward()
    optimizer.step()
    losses.append(loss.item())
'''

TENSORS = r'''
import tapegrad as torch
import numpy as np

data = [[1, 2], [3, 4]]
x_data = torch.tensor(data)
np_array = np.array(data)
x_np = torch.from_numpy(np_array)
x_ones = torch.ones_like(x_data)
print(f"Ones Tensor: \n {x_ones} \n")
x_rand = torch.rand_like(x_data, dtype=torch.float)
print(f"Random Tensor: \n {x_rand} \n")
shape = (2, 3,)
rand_tensor = torch.rand(shape)
ones_tensor = torch.ones(shape)
zeros_tensor = torch.zeros(shape)
print(f"Random Tensor: \n {rand_tensor} \n")
print(f"Ones Tensor: \n {ones_tensor} \n")
print(f"Zeros Tensor: \n {zeros_tensor}")
tensor = torch.rand(3, 4)
print(f"Shape of tensor: {tensor.shape}")
print(f"Datatype of tensor: {tensor.dtype}")
print(f"Device tensor is stored on: {tensor.device}")
device_name = str(tensor.device)

tensor = torch.ones(4, 4)
print(f"First row: {tensor[0]}")
print(f"First column: {tensor[:, 0]}")
print(f"Last column: {tensor[..., -1]}")
tensor[:, 1] = 0
print(tensor)
t1 = torch.cat([tensor, tensor, tensor], dim=1)
print(t1)
t1_shape = tuple(t1.shape)

y1 = tensor @ tensor.T
y2 = tensor.matmul(tensor.T)
y3 = torch.rand_like(y1)
torch.matmul(tensor, tensor.T, out=y3)
z1 = tensor * tensor
z2 = tensor.mul(tensor)
z3 = torch.rand_like(tensor)
torch.mul(tensor, tensor, out=z3)
agg = tensor.sum()
agg_item = agg.item()
print(agg_item, type(agg_item))
print(f"{tensor} \n")
tensor.add_(5)
print(tensor)

t = torch.ones(5)
print(f"t: {t}")
n = t.numpy()
print(f"n: {n}")
t.add_(1)
print(f"t: {t}")
print(f"n: {n}")
n_after = n.copy()
n = np.ones(5)
t = torch.from_numpy(n)
np.add(n, 1, out=n)
print(f"t: {t}")
print(f"n: {n}")
t_after = t.numpy().copy()
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_lenet(lib):
    ns, out = run(NN, "blitz_nn", lib)
    assert ns["n_params"] == 10 and ns["first_size"] == (6, 1, 5, 5)
    assert ns["out_shape"] == (1, 10)
    assert ns["grad_before"] is None
    assert ns["grad_after"].shape == (6,)
    assert ns["losses"][-1] < ns["losses"][0]
    assert ns["net_repr"] == (
        "Net(\n"
        "  (conv1): Conv2d(1, 6, kernel_size=(5, 5), stride=(1, 1))\n"
        "  (conv2): Conv2d(6, 16, kernel_size=(5, 5), stride=(1, 1))\n"
        "  (fc1): Linear(in_features=400, out_features=120, bias=True)\n"
        "  (fc2): Linear(in_features=120, out_features=84, bias=True)\n"
        "  (fc3): Linear(in_features=84, out_features=10, bias=True)\n"
        ")")


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_tensor_basics(lib):
    ns, out = run(TENSORS, "blitz_tensors", lib)
    assert ns["device_name"] == "cpu"
    assert ns["t1_shape"] == (4, 12)
    np.testing.assert_array_equal(ns["y3"].numpy(), ns["y1"].numpy())
    np.testing.assert_array_equal(ns["z3"].numpy(), ns["z1"].numpy())
    assert ns["agg_item"] == 12.0 and type(ns["agg_item"]) is float
    np.testing.assert_array_equal(ns["n_after"], np.full(5, 2.0))     # shares t's memory
    np.testing.assert_array_equal(ns["t_after"], np.full(5, 2.0))     # shares n's memory
    assert "Datatype of tensor: torch.float32" in out or lib == "tapegrad"
