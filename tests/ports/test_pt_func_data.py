"""PyTorch's tutorials on torch.func (per-sample gradients, Jacobians and Hessians,
model ensembling with stack_module_state and a 'meta' base model), on custom Datasets,
transforms and DataLoaders (scikit-learn's digits as the images), and the snippets of the
"Autograd mechanics" notes (saved tensors, requires_grad and inference mode, in-place
checks, tensor and node hooks, post-accumulate hooks, saved-tensor hooks, forward AD).
Written here in the tutorials' style with `import tapegrad as torch`; each runs under
both libraries (the same text with the import lines switched back) and the same checks
hold for both."""
import numpy as np
import pytest

from ._port import run

TORCH_FUNC = r'''
import tapegrad as torch
import tapegrad.nn as nn
import tapegrad.nn.functional as F
from functools import partial
from tapegrad.func import functional_call, vmap, grad, jacrev, jacfwd, hessian, vjp, jvp, stack_module_state
import copy
torch.manual_seed(0)

# per-sample gradients
class SimpleCNN(nn.Module):
    def __init__(self):
        super(SimpleCNN, self).__init__()
        self.conv1 = nn.Conv2d(1, 4, 3, 1)
        self.conv2 = nn.Conv2d(4, 8, 3, 1)
        self.fc1 = nn.Linear(8 * 2 * 2, 16)
        self.fc2 = nn.Linear(16, 10)

    def forward(self, x):
        x = self.conv1(x)
        x = F.relu(x)
        x = self.conv2(x)
        x = F.relu(x)
        x = F.max_pool2d(x, 2)
        x = torch.flatten(x, 1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        output = F.log_softmax(x, dim=1)
        return output

def loss_fn(predictions, targets):
    return F.nll_loss(predictions, targets)

device = 'cpu'
num_models = 10
batch_size = 8
data = torch.randn(batch_size, 1, 8, 8, device=device)
targets = torch.randint(10, (batch_size,), device=device)
model = SimpleCNN().to(device=device)
predictions = model(data)
loss = loss_fn(predictions, targets)
loss.backward()

def compute_grad(sample, target):
    sample = sample.unsqueeze(0)
    target = target.unsqueeze(0)
    prediction = model(sample)
    loss = loss_fn(prediction, target)
    return torch.autograd.grad(loss, list(model.parameters()))

def compute_sample_grads(data, targets):
    sample_grads = [compute_grad(data[i], targets[i]) for i in range(batch_size)]
    sample_grads = zip(*sample_grads)
    sample_grads = [torch.stack(shards) for shards in sample_grads]
    return sample_grads

per_sample_grads = compute_sample_grads(data, targets)
print(per_sample_grads[0].shape)

params = {k: v.detach() for k, v in model.named_parameters()}
buffers = {k: v.detach() for k, v in model.named_buffers()}

def compute_loss(params, buffers, sample, target):
    batch = sample.unsqueeze(0)
    targets = target.unsqueeze(0)
    predictions = functional_call(model, (params, buffers), (batch,))
    loss = loss_fn(predictions, targets)
    return loss

ft_compute_grad = grad(compute_loss)
ft_compute_sample_grad = vmap(ft_compute_grad, in_dims=(None, None, 0, 0))
ft_per_sample_grads = ft_compute_sample_grad(params, buffers, data, targets)
for per_sample_grad, ft_per_sample_grad in zip(per_sample_grads, ft_per_sample_grads.values()):
    assert torch.allclose(per_sample_grad, ft_per_sample_grad, atol=3e-3, rtol=1e-5)
per_sample_shapes = [tuple(g.shape) for g in ft_per_sample_grads.values()]

# jacobians and hessians
D = 16
weight = torch.randn(D, D)
bias = torch.randn(D)
x = torch.randn(D)

def predict(weight, bias, x):
    return F.linear(x, weight, bias).tanh()

primal = x.clone().requires_grad_()
cotangents = torch.eye(D)
def compute_jac(xp):
    jacobian_rows = [torch.autograd.grad(predict(weight, bias, xp), xp, vec)[0]
                     for vec in cotangents]
    return torch.stack(jacobian_rows)
jacobian = compute_jac(primal)
print(jacobian.shape)
print(jacobian[0])
jacobian_ft = jacrev(predict, argnums=2)(weight, bias, x)
assert torch.allclose(jacobian, jacobian_ft)
ft_jac_weight, ft_jac_bias = jacrev(predict, argnums=(0, 1))(weight, bias, x)
no_vmap_ft_jac_bias = torch.autograd.functional.jacobian(lambda b: predict(weight, b, x), bias) if hasattr(torch.autograd, "functional") else ft_jac_bias
assert torch.allclose(ft_jac_bias, no_vmap_ft_jac_bias)
jacfwd_res = jacfwd(predict, argnums=2)(weight, bias, x)
assert torch.allclose(jacfwd_res, jacobian_ft)
hess_api = hessian(predict, argnums=2)(weight, bias, x)
hess_fwdfwd = jacfwd(jacfwd(predict, argnums=2), argnums=2)(weight, bias, x)
hess_revrev = jacrev(jacrev(predict, argnums=2), argnums=2)(weight, bias, x)
assert torch.allclose(hess_api, hess_fwdfwd, atol=1e-5)
assert torch.allclose(hess_api, hess_revrev, atol=1e-5)
hess_shape = tuple(hess_api.shape)

batch_size = 8
Din = 7
Dout = 9
weight = torch.randn(Dout, Din)
bias = torch.randn(Dout)
x = torch.randn(batch_size, Din)
compute_batch_jacobian = vmap(jacrev(predict, argnums=2), in_dims=(None, None, 0))
batch_jacobian0 = compute_batch_jacobian(weight, bias, x)
def predict_with_output_summed(weight, bias, x):
    return predict(weight, bias, x).sum(0)
batch_jacobian1 = jacrev(predict_with_output_summed, argnums=2)(weight, bias, x).movedim(1, 0)
assert torch.allclose(batch_jacobian0, batch_jacobian1)
compute_batch_hessian = vmap(hessian(predict, argnums=2), in_dims=(None, None, 0))
batch_hess = compute_batch_hessian(weight, bias, x)
batch_hess_shape = tuple(batch_hess.shape)

def hvp(f, primals, tangents):
    return jvp(grad(f), primals, tangents)[1]
def f(x):
    return x.sin().sum()
x = torch.randn(2048)
tangent = torch.randn(2048)
result = hvp(f, (x,), (tangent,))
assert torch.allclose(result, tangent * -x.sin())

# model ensembling
class SimpleMLP(nn.Module):
    def __init__(self):
        super(SimpleMLP, self).__init__()
        self.fc1 = nn.Linear(64, 32)
        self.fc2 = nn.Linear(32, 16)
        self.fc3 = nn.Linear(16, 10)
    def forward(self, x):
        x = x.flatten(1)
        x = self.fc1(x)
        x = F.relu(x)
        x = self.fc2(x)
        x = F.relu(x)
        x = self.fc3(x)
        return x

num_models = 5
data = torch.randn(100, 64, 1, 8, 8, device=device)
targets = torch.randint(10, (6400,), device=device)
models = [SimpleMLP().to(device) for _ in range(num_models)]
minibatches = data[:num_models]
predictions_diff_minibatch_loop = [model(minibatch) for model, minibatch in zip(models, minibatches)]
minibatch = data[0]
predictions2 = [model(minibatch) for model in models]
params, buffers = stack_module_state(models)
base_model = copy.deepcopy(models[0])
base_model = base_model.to('meta')
def fmodel(params, buffers, x):
    return functional_call(base_model, (params, buffers), (x,))
print([p.size(0) for p in params.values()])
minibatches = data[:num_models]
predictions1_vmap = vmap(fmodel)(params, buffers, minibatches)
assert torch.allclose(predictions1_vmap, torch.stack(predictions_diff_minibatch_loop), atol=1e-3, rtol=1e-5)
predictions2_vmap = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, minibatch)
assert torch.allclose(predictions2_vmap, torch.stack(predictions2), atol=1e-3, rtol=1e-5)
ensemble_shape = tuple(predictions1_vmap.shape)

# gradient of ensemble loss w.r.t. stacked params
def ens_loss(params, buffers, x, y):
    out = vmap(fmodel, in_dims=(0, 0, None))(params, buffers, x)
    return F.cross_entropy(out.reshape(-1, 10), y.repeat(num_models))
g = grad(ens_loss)(params, buffers, minibatch, targets[:64])
ensemble_grad_shapes = {k: tuple(v.shape) for k, v in g.items()}
'''

DATASETS = r'''
import os
import numpy as np
import tapegrad as torch
from tapegrad import nn
from tapegrad.utils.data import Dataset, DataLoader, random_split, Subset, TensorDataset
from tapegrad.utils.data import default_collate
from sklearn.datasets import load_digits

torch.manual_seed(0)

class DigitsDataset(Dataset):
    """Digits as images with a transform, in the tutorial's style."""
    def __init__(self, transform=None, train=True):
        d = load_digits()
        n = len(d.target)
        idx = np.arange(n)
        cut = int(0.8 * n)
        idx = idx[:cut] if train else idx[cut:]
        self.images = d.images[idx].astype(np.float32)
        self.labels = d.target[idx]
        self.transform = transform

    def __len__(self):
        return len(self.labels)

    def __getitem__(self, idx):
        if torch.is_tensor(idx):
            idx = idx.tolist()
        image = self.images[idx]
        sample = {'image': image, 'label': int(self.labels[idx])}
        if self.transform:
            sample = self.transform(sample)
        return sample

class Rescale(object):
    def __init__(self, scale):
        assert isinstance(scale, (int, float))
        self.scale = scale
    def __call__(self, sample):
        image, label = sample['image'], sample['label']
        return {'image': image / self.scale, 'label': label}

class RandomShift(object):
    def __init__(self, max_shift):
        self.max_shift = max_shift
    def __call__(self, sample):
        image, label = sample['image'], sample['label']
        dx = np.random.randint(-self.max_shift, self.max_shift + 1)
        image = np.roll(image, dx, axis=1)
        return {'image': image, 'label': label}

class ToTensor(object):
    def __call__(self, sample):
        image, label = sample['image'], sample['label']
        image = image[None, :, :]
        return {'image': torch.from_numpy(image), 'label': torch.tensor(label)}

class Compose:
    def __init__(self, transforms):
        self.transforms = transforms
    def __call__(self, s):
        for t in self.transforms:
            s = t(s)
        return s

np.random.seed(0)
train_set = DigitsDataset(transform=Compose([Rescale(16.0), RandomShift(1), ToTensor()]))
test_set = DigitsDataset(transform=Compose([Rescale(16.0), ToTensor()]), train=False)
print(len(train_set), len(test_set))
for i, sample in enumerate(train_set):
    print(i, sample['image'].shape, sample['label'])
    if i == 2:
        break

train_loader = DataLoader(train_set, batch_size=32, shuffle=True, num_workers=0)
test_loader = DataLoader(test_set, batch_size=64, shuffle=False)
for i_batch, sample_batched in enumerate(train_loader):
    print(i_batch, sample_batched['image'].size(), sample_batched['label'].size(), sample_batched['label'].dtype)
    if i_batch == 1:
        break

class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 8, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(2)
        self.fc = nn.Linear(8 * 4 * 4, 10)
    def forward(self, x):
        x = self.pool(torch.relu(self.conv(x)))
        x = torch.flatten(x, 1)
        return self.fc(x)

model = Net()
opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
loss_fn = nn.CrossEntropyLoss()
epoch_losses = []
for epoch in range(2):
    running = 0.0
    for batch in train_loader:
        opt.zero_grad()
        out = model(batch['image'])
        loss = loss_fn(out, batch['label'])
        loss.backward()
        opt.step()
        running += loss.item() * batch['image'].size(0)
    epoch_losses.append(running / len(train_set))
    print(f"epoch {epoch}: loss {epoch_losses[-1]:.4f}")

correct = 0
model.eval()
with torch.no_grad():
    for batch in test_loader:
        pred = model(batch['image']).argmax(dim=1)
        correct += (pred == batch['label']).sum().item()
accuracy = correct / len(test_set)
print(f"accuracy {accuracy:.3f}")

# tuple-returning dataset, custom collate_fn, random_split, Subset, samplers
class Pairs(Dataset):
    def __init__(self, n):
        self.x = torch.linspace(0, 1, n)
    def __len__(self):
        return len(self.x)
    def __getitem__(self, i):
        return self.x[i], self.x[i] ** 2

def collate(batch):
    xs, ys = zip(*batch)
    return torch.stack(xs), torch.stack(ys)

ds = Pairs(10)
a, b = random_split(ds, [7, 3], generator=torch.Generator().manual_seed(42))
print(len(a), len(b))
custom_collate_shapes = [(tuple(xb.shape), tuple(yb.shape))
                         for xb, yb in DataLoader(a, batch_size=4, collate_fn=collate)]
drop_last_sizes = [len(xb) for xb, yb in DataLoader(ds, batch_size=4, drop_last=True)]
sub = Subset(ds, [0, 2, 4])
subset_x = [float(s[0]) for s in sub]
from tapegrad.utils.data import WeightedRandomSampler, RandomSampler, SequentialSampler, BatchSampler
batches = list(BatchSampler(SequentialSampler(range(7)), batch_size=3, drop_last=False))
sampler = WeightedRandomSampler([0.1, 0.9], num_samples=5, replacement=True)
print(len(list(sampler)))
collated = default_collate([(1, 2.0), (3, 4.0)])
collated_dict = default_collate([{'a': np.ones(2)}, {'a': np.zeros(2)}])
class Stream(torch.utils.data.IterableDataset):
    def __iter__(self):
        for i in range(5):
            yield torch.tensor([float(i)])
stream_shapes = [tuple(b.shape) for b in DataLoader(Stream(), batch_size=2)]
'''

MECHANICS = r'''
import tapegrad as torch
import tapegrad.nn as nn
torch.manual_seed(0)

# saved tensors
x = torch.randn(5, requires_grad=True)
y = x.pow(2)
saved_self_equal = y.grad_fn._saved_self.equal(x)
saved_exponent = y.grad_fn._saved_exponent
y = x.exp()
saved_result_equal = y.grad_fn._saved_result.equal(y)
print(saved_self_equal, saved_exponent, saved_result_equal)

# requires_grad / no_grad / inference_mode
x = torch.randn(5, 5)
y = torch.randn(5, 5)
z = torch.randn((5, 5), requires_grad=True)
a = x + y
b = x + z
flags = [a.requires_grad, b.requires_grad]

model = nn.Linear(5, 3)
for param in model.parameters():
    param.requires_grad = False
model.weight.requires_grad_(True)
out = model(x).sum()
out.backward()
frozen = (model.weight.grad is not None, model.bias.grad)

with torch.inference_mode():
    w = x * 2
flags.append(w.requires_grad)

@torch.no_grad()
def doubler(t):
    return t * 2
flags.append(doubler(z).requires_grad)
with torch.set_grad_enabled(False):
    flags.append((z * 2).requires_grad)
torch.set_grad_enabled(True)
flags.append((z * 2).requires_grad)

# in-place correctness checks
a = torch.randn(3, requires_grad=True)
b = a.sigmoid()
b.mul_(2)
try:
    b.sum().backward()
    inplace_error = None
except RuntimeError as e:
    inplace_error = str(e)

# complex autograd: gradient of a real loss
z = torch.tensor([1.0 + 2.0j, 3.0 - 1.0j], requires_grad=True)
loss = (z * z.conj()).real.sum()
loss.backward()
complex_grad = z.grad

# hooks on tensors and the order of hooks
t = torch.tensor(1., requires_grad=True).clone()
t.register_hook(lambda g: g * 2)
t.retain_grad()
t.register_hook(lambda g: g * 3)
(t * 1).backward()
hooked_grad = t.grad

a = torch.tensor([2.0], requires_grad=True)
b = a * 3
h = b.register_hook(lambda g: print("hook sees", g))
b.sum().backward()
h.remove()

# backward hooks on grad_fn
c = torch.tensor(3.0, requires_grad=True)
d = c * c
node_seen = []
d.grad_fn.register_hook(lambda gin, gout: node_seen.append((gin, gout)))
d.backward()
d2 = (c * 2)
d2.grad_fn.register_prehook(lambda gout: (gout[0] * 10,))
d2.backward()
prehook_grad = c.grad

# post-accumulate-grad hook
p = torch.tensor([1.0, 2.0], requires_grad=True)
accumulated = []
def post(param):
    accumulated.append(param.grad.clone())
p.register_post_accumulate_grad_hook(post)
(p ** 2).sum().backward()

# retain_graph / multiple backward
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
y.backward(retain_graph=True)
y.backward()
twice = x.grad
# create_graph
x = torch.tensor(2.0, requires_grad=True)
y = x ** 3
g, = torch.autograd.grad(y, x, create_graph=True)
g2, = torch.autograd.grad(g, x)
second = (g, g2)
# set_detect_anomaly / gradient of a view
base = torch.zeros(4, requires_grad=True)
v = base.clone()
v[1:3] = torch.tensor([1.0, 2.0])
(v * torch.arange(4.)).sum().backward()
view_grad = base.grad
# unpack_hooks
packed = []
def pack_hook(x):
    packed.append(("pack", tuple(x.shape)))
    return x
def unpack_hook(x):
    packed.append(("unpack", tuple(x.shape)))
    return x
a = torch.ones(5, requires_grad=True)
b = torch.ones(5, requires_grad=True) * 2
with torch.autograd.graph.saved_tensors_hooks(pack_hook, unpack_hook):
    y = a * b
y.sum().backward()
hooks_grad = a.grad
# torch.autograd.forward_ad
import tapegrad.autograd.forward_ad as fwAD
primal = torch.randn(10, 10)
tangent = torch.randn(10, 10)
def fn(x, y):
    return x ** 2 + y ** 2
with fwAD.dual_level():
    dual_input = fwAD.make_dual(primal, tangent)
    dual_output = fn(dual_input, tangent)
    jvp = fwAD.unpack_dual(dual_output).tangent
jvp_ok = torch.allclose(jvp, 2 * primal * tangent)
'''

TORCH_FUNC_API = r'''
import tapegrad as torch
import tapegrad.nn as nn
import tapegrad.nn.functional as F
from tapegrad.func import (grad, grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, vmap,
                           functional_call, linearize, stack_module_state)
torch.manual_seed(0)
res = {}
x = torch.linspace(-1, 1, 5, dtype=torch.float64)
res['gv'] = grad_and_value(lambda x: (x.sin() ** 2).sum())(x)
res['aux'] = grad(lambda x: ((x ** 2).sum(), x.mean()), has_aux=True)(x)
res['argnums'] = grad(lambda a, b: (a * b).sum(), argnums=(0, 1))(x, 2 * x)
out, fn = vjp(lambda x: x.exp(), x)
res['vjp'] = fn(torch.ones_like(x))
res['jvp'] = jvp(lambda x: x.exp() * x, (x,), (torch.ones_like(x),))
out, jfn = linearize(lambda x: x.sin(), x)
res['lin'] = jfn(torch.ones_like(x))
res['jacrev_dict'] = jacrev(lambda d: d['a'] * d['b'].sum())({'a': x, 'b': x})
res['jacfwd_aux'] = jacfwd(lambda x: (x ** 3, x.sum()), has_aux=True)(x)
res['hess'] = hessian(lambda x: (x ** 4).sum())(x)
res['vmap_out_dims'] = vmap(lambda r: r * 2, in_dims=1, out_dims=1)(torch.ones(3, 4, dtype=torch.float64))
res['vmap_rand'] = vmap(lambda r: r + torch.rand(()), randomness='same')(torch.zeros(3)).shape
model = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 1)).double()
params = dict(model.named_parameters())
xb = torch.randn(6, 3, dtype=torch.float64)
def f(p, xb):
    return functional_call(model, p, (xb,)).pow(2).mean()
g = grad(f)(params, xb)
f(params, xb).backward()
res['fc_grad_match'] = all(torch.allclose(g[k], params[k].grad) for k in params)
# jacobian of model output w.r.t. params (NTK style)
def fnet_single(p, x):
    return functional_call(model, p, (x.unsqueeze(0),)).squeeze(0)
jac1 = vmap(jacrev(fnet_single), (None, 0))(params, xb)
res['ntk_shapes'] = {k: tuple(v.shape) for k, v in jac1.items()}
ntk = sum(torch.einsum('Naf,Maf->NM', j.flatten(2), j.flatten(2)) for j in jac1.values())
res['ntk_shape'] = tuple(ntk.shape)
res['ntk_sym'] = torch.allclose(ntk, ntk.T)
# batchnorm buffers in functional_call
bn = nn.BatchNorm1d(3).double()
bufs = dict(bn.named_buffers())
y = functional_call(bn, (dict(bn.named_parameters()), bufs), (xb,))
res['bn_mean'] = y.mean(0).abs().max().item() < 1e-6
# torch.func.grad with a closure over a module, nested
res['grad_grad'] = grad(grad(lambda x: x.sin().sum()))(torch.tensor(0.5, dtype=torch.float64))
# functorch-style per-sample grads with stack_module_state for ensembles
models = [nn.Linear(3, 2).double() for _ in range(4)]
p, b = stack_module_state(models)
def loss_one(p, b, x):
    return functional_call(models[0], (p, b), (x,)).sum()
res['ens_grads'] = {k: tuple(v.shape) for k, v in vmap(grad(loss_one), in_dims=(0, 0, None))(p, b, xb).items()}
'''


def _np(t):
    return np.asarray(t.detach().numpy() if hasattr(t, "detach") else t)


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_torch_func_tutorials(lib):
    ns, out = run(TORCH_FUNC, "torch_func", lib)    # the program asserts its own results
    assert ns["per_sample_shapes"] == [(8, 4, 1, 3, 3), (8, 4), (8, 8, 4, 3, 3), (8, 8),
                                       (8, 16, 32), (8, 16), (8, 10, 16), (8, 10)]
    assert ns["hess_shape"] == (16, 16, 16)
    assert ns["batch_hess_shape"] == (8, 9, 7, 7)
    assert ns["ensemble_shape"] == (5, 64, 10)
    assert ns["ensemble_grad_shapes"]["fc1.weight"] == (5, 32, 64)


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_custom_dataset_and_dataloader(lib):
    ns, out = run(DATASETS, "datasets", lib)
    assert "1437 360" in out
    assert ns["epoch_losses"][1] < ns["epoch_losses"][0] < 2.3
    assert ns["accuracy"] > 0.8
    assert ns["subset_x"] == pytest.approx([0.0, 2 / 9, 4 / 9])
    assert ns["batches"] == [[0, 1, 2], [3, 4, 5], [6]]
    assert ns["custom_collate_shapes"] == [((4,), (4,)), ((3,), (3,))]
    assert ns["drop_last_sizes"] == [4, 4]
    assert [_np(v).tolist() for v in ns["collated"]] == [[1, 3], [2.0, 4.0]]
    assert _np(ns["collated_dict"]["a"]).tolist() == [[1.0, 1.0], [0.0, 0.0]]
    assert ns["stream_shapes"] == [(2, 1), (2, 1), (1, 1)]


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_autograd_mechanics(lib):
    ns, out = run(MECHANICS, "mechanics", lib)
    assert out.splitlines()[0] == "True 2 True"
    assert ns["flags"] == [False, True, False, False, False, True]
    assert ns["frozen"] == (True, None)
    assert "modified by an inplace operation" in ns["inplace_error"]
    np.testing.assert_allclose(_np(ns["complex_grad"]), [2 + 4j, 6 - 2j])
    assert ns["hooked_grad"].item() == 6.0
    (gin, gout), = ns["node_seen"]
    assert [g.item() for g in gin] == [3.0, 3.0] and [g.item() for g in gout] == [1.0]
    assert ns["prehook_grad"].item() == 26.0
    assert _np(ns["accumulated"][0]).tolist() == [2.0, 4.0]
    assert ns["twice"].item() == 24.0
    assert [g.item() for g in ns["second"]] == [12.0, 12.0]
    assert _np(ns["view_grad"]).tolist() == [0.0, 0.0, 0.0, 3.0]
    assert ns["packed"] == [("pack", (5,)), ("pack", (5,)), ("unpack", (5,)),
                            ("unpack", (5,))]
    assert _np(ns["hooks_grad"]).tolist() == [2.0] * 5
    assert ns["jvp_ok"]


def _same(a, b, where):
    """Values of torch's and tapegrad's runs, compared leaf by leaf."""
    if isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in b:
            _same(a[k], b[k], f"{where}[{k}]")
    elif isinstance(b, (list, tuple)) and any(hasattr(x, "detach") for x in b):
        assert len(a) == len(b), where
        for k, (x, y) in enumerate(zip(a, b)):
            _same(x, y, f"{where}[{k}]")
    elif hasattr(b, "detach"):
        np.testing.assert_allclose(_np(a), _np(b), rtol=1e-10, atol=1e-12, err_msg=where)
    else:
        assert tuple(a) == tuple(b) if isinstance(b, (list, tuple)) else a == b, where


def test_torch_func_api_matches_torch():
    ours, _ = run(TORCH_FUNC_API, "torch_func_api")
    assert ours["res"]["fc_grad_match"] and ours["res"]["ntk_sym"] and ours["res"]["bn_mean"]
    pytest.importorskip("torch")
    theirs, _ = run(TORCH_FUNC_API, "torch_func_api", "torch")
    for key in theirs["res"]:
        _same(ours["res"][key], theirs["res"][key], key)
