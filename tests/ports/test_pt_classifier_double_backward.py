"""PyTorch tutorials "Training a Classifier" (60-minute blitz; scikit-learn's digits,
upsampled to 16x16, stand in for CIFAR-10) with per-class accuracy through
`classes[label]`, and "Double Backward with Custom Functions" (a custom Function whose
backward is itself differentiable, checked with torch.autograd.gradcheck and
gradgradcheck, and one that saves an intermediate)."""
import pytest

from ._port import run

CLASSIFIER = r'''
import os
import tempfile
import numpy as np
from sklearn.datasets import load_digits
import tapegrad as torch
import tapegrad.nn as nn
import tapegrad.nn.functional as F
import tapegrad.optim as optim

torch.manual_seed(0)
digits = load_digits()
images = np.kron(digits.images, np.ones((2, 2))).astype(np.float32) / 16.0 - 0.5
images = images[:, None]
labels = digits.target.astype(np.int64)
trainset = torch.utils.data.TensorDataset(torch.from_numpy(images[:1000]), torch.from_numpy(labels[:1000]))
testset = torch.utils.data.TensorDataset(torch.from_numpy(images[1500:]), torch.from_numpy(labels[1500:]))
batch_size = 32
trainloader = torch.utils.data.DataLoader(trainset, batch_size=batch_size, shuffle=True, num_workers=0)
testloader = torch.utils.data.DataLoader(testset, batch_size=batch_size, shuffle=False, num_workers=0)
classes = ('zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine')
dataiter = iter(trainloader)
images_b, labels_b = next(dataiter)
print(' '.join(f'{classes[labels_b[j]]:5s}' for j in range(batch_size)))


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, 5)
        self.pool = nn.MaxPool2d(2, 2)
        self.conv2 = nn.Conv2d(6, 16, 3)
        self.fc1 = nn.Linear(16 * 2 * 2, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)

    def forward(self, x):
        x = self.pool(F.relu(self.conv1(x)))
        x = self.pool(F.relu(self.conv2(x)))
        x = torch.flatten(x, 1)
        x = F.relu(self.fc1(x))
        x = F.relu(self.fc2(x))
        x = self.fc3(x)
        return x


net = Net()
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=0.05, momentum=0.9)
for epoch in range(3):
    running_loss = 0.0
    for i, data in enumerate(trainloader, 0):
        inputs, labels = data
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        running_loss += loss.item()
        if i % 20 == 19:
            print(f'[{epoch + 1}, {i + 1:5d}] loss: {running_loss / 20:.3f}')
            running_loss = 0.0
print('Finished Training')
PATH = os.path.join(tempfile.mkdtemp(), 'digits_net.pth')
torch.save(net.state_dict(), PATH)
dataiter = iter(testloader)
images_t, labels_t = next(dataiter)
net = Net()
net.load_state_dict(torch.load(PATH, weights_only=True))
outputs = net(images_t)
_, predicted = torch.max(outputs, 1)
print('Predicted: ', ' '.join(f'{classes[predicted[j]]:5s}' for j in range(4)))
correct = 0
total = 0
with torch.no_grad():
    for data in testloader:
        images_t, labels_t = data
        outputs = net(images_t)
        _, predicted = torch.max(outputs.data, 1)
        total += labels_t.size(0)
        correct += (predicted == labels_t).sum().item()
print(f'Accuracy of the network on the test images: {100 * correct // total} %')
accuracy = correct / total
correct_pred = {classname: 0 for classname in classes}
total_pred = {classname: 0 for classname in classes}
with torch.no_grad():
    for data in testloader:
        images_t, labels_t = data
        outputs = net(images_t)
        _, predictions = torch.max(outputs, 1)
        for label, prediction in zip(labels_t, predictions):
            if label == prediction:
                correct_pred[classes[label]] += 1
            total_pred[classes[label]] += 1
for classname, correct_count in correct_pred.items():
    accuracy_c = 100 * float(correct_count) / total_pred[classname]
    print(f'Accuracy for class: {classname:5s} is {accuracy_c:.1f} %')
device = torch.device('cuda:0' if torch.cuda.is_available() else 'cpu')
net.to(device)
'''

DOUBLE_BACKWARD = r'''
import tapegrad as torch


class Square(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x**2

    @staticmethod
    def backward(ctx, grad_out):
        x, = ctx.saved_tensors
        return grad_out * 2 * x


x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
check1 = torch.autograd.gradcheck(Square.apply, x)
check2 = torch.autograd.gradgradcheck(Square.apply, x)


class Exp(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        result = torch.exp(x)
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_out):
        result, = ctx.saved_tensors
        return result * grad_out


x = torch.tensor(1., requires_grad=True, dtype=torch.double).clone()
check3 = torch.autograd.gradcheck(Exp.apply, x)
check4 = torch.autograd.gradgradcheck(Exp.apply, x)


class Sinh(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        expx = torch.exp(x)
        expnegx = torch.exp(-x)
        ctx.save_for_backward(expx, expnegx)
        return (expx - expnegx) / 2, expx, expnegx

    @staticmethod
    def backward(ctx, grad_out, _grad_out_exp, _grad_out_negexp):
        expx, expnegx = ctx.saved_tensors
        grad_input = grad_out * (expx + expnegx) / 2
        grad_input += _grad_out_exp * expx
        grad_input -= _grad_out_negexp * expnegx
        return grad_input


def sinh(x):
    return Sinh.apply(x)[0]


x = torch.rand(3, 3, requires_grad=True, dtype=torch.double)
check5 = torch.autograd.gradcheck(sinh, x)
check6 = torch.autograd.gradgradcheck(sinh, x)
y = sinh(x).sum()
g, = torch.autograd.grad(y, x, create_graph=True)
g2, = torch.autograd.grad(g.sum(), x)
sinh_second = (g2 - torch.sinh(x)).abs().max().item()
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_training_a_classifier(lib):
    ns, out = run(CLASSIFIER, "classifier", lib)
    assert ns["accuracy"] > 0.5
    assert out.count("Accuracy for class:") == 10


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_double_backward_custom_functions(lib):
    ns, out = run(DOUBLE_BACKWARD, "double_backward", lib)
    assert all(ns[f"check{i}"] is True for i in range(1, 7))
    assert ns["sinh_second"] < 1e-10
