"""PyTorch tutorial "Transfer Learning for Computer Vision", with a small CNN trained
in the program on digits 0-4 standing in for the pretrained ResNet and digits 5-9 as
the new task: train_model with phases, torch.set_grad_enabled(phase == 'train'),
torch.max(outputs, 1), running_corrects.double() / size, copy.deepcopy of the best
state_dict and load_state_dict; fine-tuning with a replaced head and param groups of
different learning rates; the fixed feature extractor by requires_grad = False /
requires_grad_(False); lr_scheduler.StepLR(step_size=7, gamma=0.1)."""
import numpy as np
import pytest

pytest.importorskip("sklearn")

from ._port import run

PROGRAM = r'''
import copy
import time
from sklearn.datasets import load_digits
import tapegrad as torch
import tapegrad.nn as nn
import tapegrad.optim as optim
from tapegrad.optim import lr_scheduler
from tapegrad.utils.data import DataLoader, TensorDataset

torch.manual_seed(0)
device = torch.device("cuda:0" if torch.cuda.is_available() else "cpu")
digits = load_digits()
X = torch.tensor(digits.data / 16.0, dtype=torch.float32).reshape(-1, 1, 8, 8)
y = torch.tensor(digits.target)
old = y < 5
new = ~old
Xo, yo = X[old][:500], y[old][:500]
Xn, yn = X[new][:300], y[new][:300] - 5


def loaders(Xs, ys, n_train):
    sets = {'train': TensorDataset(Xs[:n_train], ys[:n_train]),
            'val': TensorDataset(Xs[n_train:], ys[n_train:])}
    dataloaders = {x: DataLoader(sets[x], batch_size=32, shuffle=(x == 'train'))
                   for x in ['train', 'val']}
    sizes = {x: len(sets[x]) for x in ['train', 'val']}
    return dataloaders, sizes


class SmallNet(nn.Module):
    def __init__(self, num_classes=5):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 8, kernel_size=3, padding=1), nn.BatchNorm2d(8), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, kernel_size=3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
            nn.AdaptiveAvgPool2d((1, 1)))
        self.fc = nn.Linear(16, num_classes)

    def forward(self, x):
        x = self.features(x)
        x = torch.flatten(x, 1)
        return self.fc(x)


def train_model(model, criterion, optimizer, scheduler, dataloaders, dataset_sizes,
                num_epochs=25):
    since = time.time()
    best_model_wts = copy.deepcopy(model.state_dict())
    best_acc = 0.0
    lrs = []
    for epoch in range(num_epochs):
        print(f'Epoch {epoch}/{num_epochs - 1}')
        print('-' * 10)
        for phase in ['train', 'val']:
            if phase == 'train':
                model.train()
            else:
                model.eval()
            running_loss = 0.0
            running_corrects = 0
            for inputs, labels in dataloaders[phase]:
                inputs = inputs.to(device)
                labels = labels.to(device)
                optimizer.zero_grad()
                with torch.set_grad_enabled(phase == 'train'):
                    outputs = model(inputs)
                    _, preds = torch.max(outputs, 1)
                    loss = criterion(outputs, labels)
                    if phase == 'train':
                        loss.backward()
                        optimizer.step()
                running_loss += loss.item() * inputs.size(0)
                running_corrects += torch.sum(preds == labels.data)
            if phase == 'train':
                scheduler.step()
                lrs.append(scheduler.get_last_lr())
            epoch_loss = running_loss / dataset_sizes[phase]
            epoch_acc = running_corrects.double() / dataset_sizes[phase]
            print(f'{phase} Loss: {epoch_loss:.4f} Acc: {epoch_acc:.4f}')
            if phase == 'val' and epoch_acc > best_acc:
                best_acc = epoch_acc
                best_model_wts = copy.deepcopy(model.state_dict())
        print()
    time_elapsed = time.time() - since
    print(f'Training complete in {time_elapsed // 60:.0f}m {time_elapsed % 60:.0f}s')
    print(f'Best val Acc: {best_acc:4f}')
    model.load_state_dict(best_model_wts)
    return model, float(best_acc), lrs


# "pretraining" on digits 0-4
dl_old, sizes_old = loaders(Xo, yo, 400)
pretrained = SmallNet(5).to(device)
opt = optim.SGD(pretrained.parameters(), lr=0.1, momentum=0.9)
pretrained, acc_pre, _ = train_model(pretrained, nn.CrossEntropyLoss(), opt,
                                     lr_scheduler.StepLR(opt, step_size=7, gamma=0.1),
                                     dl_old, sizes_old, num_epochs=3)
pretrained_state = copy.deepcopy(pretrained.state_dict())

# fine-tuning the whole network: a new head, smaller lr for the features
dl_new, sizes_new = loaders(Xn, yn, 200)
model_ft = SmallNet(5)
model_ft.load_state_dict(pretrained_state)
num_ftrs = model_ft.fc.in_features
model_ft.fc = nn.Linear(num_ftrs, 5)
model_ft = model_ft.to(device)
criterion = nn.CrossEntropyLoss()
optimizer_ft = optim.SGD([{'params': model_ft.features.parameters(), 'lr': 0.01},
                          {'params': model_ft.fc.parameters()}], lr=0.1, momentum=0.9)
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_ft, step_size=7, gamma=0.1)
print(exp_lr_scheduler.get_last_lr())
lr0 = exp_lr_scheduler.get_last_lr()
model_ft, acc_ft, lrs_ft = train_model(model_ft, criterion, optimizer_ft,
                                       exp_lr_scheduler, dl_new, sizes_new, num_epochs=8)

# ConvNet as fixed feature extractor
model_conv = SmallNet(5)
model_conv.load_state_dict(pretrained_state)
for param in model_conv.parameters():
    param.requires_grad = False
model_conv.features[0].requires_grad_(False)
model_conv.fc = nn.Linear(num_ftrs, 5)
trainable = [n for n, p in model_conv.named_parameters() if p.requires_grad]
frozen_before = model_conv.features[0].weight.detach().clone()
optimizer_conv = optim.SGD(model_conv.fc.parameters(), lr=0.1, momentum=0.9)
exp_lr_scheduler = lr_scheduler.StepLR(optimizer_conv, step_size=7, gamma=0.1)
model_conv, acc_conv, lrs_conv = train_model(model_conv, criterion, optimizer_conv,
                                             exp_lr_scheduler, dl_new, sizes_new,
                                             num_epochs=8)
frozen_unchanged = bool(torch.equal(frozen_before, model_conv.features[0].weight))
frozen_grad = model_conv.features[0].weight.grad
sched_state = exp_lr_scheduler.state_dict()
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_transfer_learning(lib):
    ns, out = run(PROGRAM, "transfer_learning", lib)
    assert ns["acc_pre"] > 0.7
    assert ns["lr0"] == [0.01, 0.1]
    # StepLR(step_size=7): the seventh scheduler.step() divides both groups' lr by 10
    np.testing.assert_allclose(ns["lrs_ft"][5], [0.01, 0.1])
    np.testing.assert_allclose(ns["lrs_ft"][6], [0.001, 0.01])
    assert ns["acc_ft"] > 0.6
    assert ns["trainable"] == ["fc.weight", "fc.bias"]
    assert ns["frozen_unchanged"] and ns["frozen_grad"] is None
    assert ns["acc_conv"] > 0.5
    assert ns["sched_state"]["last_epoch"] == 8 and ns["sched_state"]["step_size"] == 7
    assert "Epoch 7/7\n----------\ntrain Loss: " in out
    assert "Best val Acc: 0." in out


def test_optimizers_and_embedding_print_as_torch():
    """Ported programs print their optimizer and layers; the text is PyTorch's."""
    torch = pytest.importorskip("torch")
    import tapegrad as tg

    def build(m):
        net = m.nn.Sequential(m.nn.Linear(3, 4), m.nn.ReLU())
        return [m.optim.Adam(net.parameters()), m.optim.AdamW(net.parameters(), lr=0.01),
                m.optim.SGD([{"params": net[0].weight, "lr": 0.5},
                             {"params": net[0].bias}], lr=0.1, momentum=0.9),
                m.nn.Embedding.from_pretrained(m.ones(3, 2)),
                m.nn.Embedding.from_pretrained(m.ones(3, 2), freeze=False, padding_idx=1)]
    for ours, theirs in zip(build(tg), build(torch)):
        assert repr(ours) == repr(theirs)
    w = torch.ones(3, 2)
    assert not tg.nn.Embedding.from_pretrained(tg.ones(3, 2)).weight.requires_grad
    assert torch.nn.Embedding.from_pretrained(w, freeze=False).weight.requires_grad
    # Adam(decoupled_weight_decay=True) takes AdamW's step
    for m in (tg, torch):
        a, b = m.tensor([1.0, -2.0], requires_grad=True), m.tensor([1.0, -2.0],
                                                                   requires_grad=True)
        oa = m.optim.Adam([a], lr=0.1, weight_decay=0.1, decoupled_weight_decay=True)
        ob = m.optim.AdamW([b], lr=0.1, weight_decay=0.1)
        for _ in range(3):
            for p, o in ((a, oa), (b, ob)):
                o.zero_grad()
                (p * p).sum().backward()
                o.step()
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6)
