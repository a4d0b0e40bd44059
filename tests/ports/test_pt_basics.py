"""PyTorch "Learn the Basics" chapters on scikit-learn's digits: Datasets & DataLoaders
(a custom Dataset with a transform), Build the Neural Network (nn.Flatten,
linear_relu_stack, nn.Softmax, named_parameters), Optimizing Model Parameters
(train_loop / test_loop with model.train() / model.eval()), and Save and Load the
Model (state_dict to a file, load_state_dict(torch.load(..., weights_only=True)), and
a general checkpoint with the optimizer's state)."""
import numpy as np
import pytest

from ._port import run

SOURCE = r'''
import os
import tempfile
import numpy as np
from sklearn.datasets import load_digits
import tapegrad as torch
from tapegrad import nn
from tapegrad.utils.data import Dataset, DataLoader

torch.manual_seed(0)
digits = load_digits()


class DigitsDataset(Dataset):
    def __init__(self, train=True, transform=None, target_transform=None):
        images = digits.images.astype(np.float32) / 16.0
        labels = digits.target
        cut = 1400
        self.images = images[:cut] if train else images[cut:]
        self.labels = labels[:cut] if train else labels[cut:]
        self.transform = transform
        self.target_transform = target_transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        image = self.images[idx]
        label = int(self.labels[idx])
        if self.transform:
            image = self.transform(image)
        if self.target_transform:
            label = self.target_transform(label)
        return image, label


def ToTensor(image):
    return torch.from_numpy(image).unsqueeze(0)


training_data = DigitsDataset(train=True, transform=ToTensor)
test_data = DigitsDataset(train=False, transform=ToTensor)
batch_size = 64
train_dataloader = DataLoader(training_data, batch_size=batch_size, shuffle=True)
test_dataloader = DataLoader(test_data, batch_size=batch_size)
train_features, train_labels = next(iter(train_dataloader))
print(f"Feature batch shape: {train_features.size()}")
print(f"Labels batch shape: {train_labels.size()}")
batch_shapes = (tuple(train_features.size()), tuple(train_labels.size()), train_labels.dtype)
img = train_features[0].squeeze()
label = train_labels[0]
print(f"Label: {label}")

target_onehot = DigitsDataset(train=True, transform=ToTensor, target_transform=lambda y: torch.zeros(10, dtype=torch.float).scatter_(0, torch.tensor(y), value=1))
onehot = target_onehot[0][1]

device = torch.accelerator.current_accelerator().type if torch.accelerator.is_available() else "cpu"
print(f"Using {device} device")


class NeuralNetwork(nn.Module):
    def __init__(self):
        super().__init__()
        self.flatten = nn.Flatten()
        self.linear_relu_stack = nn.Sequential(
            nn.Linear(8*8, 128),
            nn.ReLU(),
            nn.Linear(128, 128),
            nn.ReLU(),
            nn.Linear(128, 10),
        )

    def forward(self, x):
        x = self.flatten(x)
        logits = self.linear_relu_stack(x)
        return logits


model = NeuralNetwork().to(device)
print(model)
X = torch.rand(1, 8, 8, device=device)
logits = model(X)
pred_probab = nn.Softmax(dim=1)(logits)
y_pred = pred_probab.argmax(1)
print(f"Predicted class: {y_pred}")
input_image = torch.rand(3, 8, 8)
flat_image = nn.Flatten()(input_image)
print(flat_image.size())
layer1 = nn.Linear(in_features=8*8, out_features=20)
hidden1 = layer1(flat_image)
print(f"Before ReLU: {hidden1}\n\n")
hidden1 = nn.ReLU()(hidden1)
print(f"After ReLU: {hidden1}")
print(f"Model structure: {model}\n\n")
param_names = []
for name, param in model.named_parameters():
    print(f"Layer: {name} | Size: {param.size()} | Values : {param[:2]} \n")
    param_names.append(name)

learning_rate = 0.5
epochs = 2
loss_fn = nn.CrossEntropyLoss()
optimizer = torch.optim.SGD(model.parameters(), lr=learning_rate)


def train_loop(dataloader, model, loss_fn, optimizer):
    size = len(dataloader.dataset)
    model.train()
    for batch, (X, y) in enumerate(dataloader):
        pred = model(X)
        loss = loss_fn(pred, y)
        loss.backward()
        optimizer.step()
        optimizer.zero_grad()
        if batch % 10 == 0:
            loss, current = loss.item(), batch * batch_size + len(X)
            print(f"loss: {loss:>7f}  [{current:>5d}/{size:>5d}]")


def test_loop(dataloader, model, loss_fn):
    model.eval()
    size = len(dataloader.dataset)
    num_batches = len(dataloader)
    test_loss, correct = 0, 0
    with torch.no_grad():
        for X, y in dataloader:
            pred = model(X)
            test_loss += loss_fn(pred, y).item()
            correct += (pred.argmax(1) == y).type(torch.float).sum().item()
    test_loss /= num_batches
    correct /= size
    print(f"Test Error: \n Accuracy: {(100*correct):>0.1f}%, Avg loss: {test_loss:>8f} \n")
    return correct


for t in range(epochs):
    print(f"Epoch {t+1}\n-------------------------------")
    train_loop(train_dataloader, model, loss_fn, optimizer)
    accuracy = test_loop(test_dataloader, model, loss_fn)
print("Done!")

# --- save and load
tmp = tempfile.mkdtemp()
path = os.path.join(tmp, "model_weights.pth")
torch.save(model.state_dict(), path)
model2 = NeuralNetwork()
model2.load_state_dict(torch.load(path, weights_only=True))
model2.eval()
with torch.no_grad():
    same = torch.equal(model2(X), model(X))

print("Model's state_dict:")
for param_tensor in model.state_dict():
    print(param_tensor, "\t", model.state_dict()[param_tensor].size())
print("Optimizer's state_dict:")
for var_name in optimizer.state_dict():
    print(var_name, "\t", optimizer.state_dict()[var_name])

optimizer = torch.optim.SGD(model.parameters(), lr=0.001, momentum=0.9)
train_loop(train_dataloader, model, loss_fn, optimizer)
EPOCH = 5
PATH = os.path.join(tmp, "model.pt")
LOSS = 0.4
torch.save({
            'epoch': EPOCH,
            'model_state_dict': model.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(),
            'loss': LOSS,
            }, PATH)
model3 = NeuralNetwork()
optimizer3 = torch.optim.SGD(model3.parameters(), lr=0.5, momentum=0.5)
checkpoint = torch.load(PATH, weights_only=True)
model3.load_state_dict(checkpoint['model_state_dict'])
optimizer3.load_state_dict(checkpoint['optimizer_state_dict'])
epoch = checkpoint['epoch']
loss = checkpoint['loss']
model3.train()
restored = (epoch, loss, optimizer3.param_groups[0]['lr'], optimizer3.param_groups[0]['momentum'])
# the momentum buffers come back too: one more step matches the original's
for m, o in ((model, optimizer), (model3, optimizer3)):
    o.zero_grad()
    loss_fn(m(X), torch.tensor([3])).backward()
    o.step()
with torch.no_grad():
    after_step = torch.allclose(model3(X), model(X))
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_basics(lib):
    ns, out = run(SOURCE, "basics", lib)
    shapes = ns["batch_shapes"]
    assert shapes[:2] == ((64, 1, 8, 8), (64,)) and str(shapes[2]).endswith("int64")
    np.testing.assert_array_equal(ns["onehot"].numpy(), np.eye(10)[0])
    assert ns["device"] == "cpu"
    assert ns["param_names"] == [
        "linear_relu_stack.0.weight", "linear_relu_stack.0.bias",
        "linear_relu_stack.2.weight", "linear_relu_stack.2.bias",
        "linear_relu_stack.4.weight", "linear_relu_stack.4.bias"]
    assert ns["accuracy"] > 0.4
    assert bool(ns["same"]) is True         # tg.equal: torch.equal's truth value
    assert ns["restored"] == (5, 0.4, 0.001, 0.9)
    assert ns["after_step"]
    assert "Optimizer's state_dict:\nstate \t {" in out
