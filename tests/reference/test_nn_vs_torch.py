"""Layers, losses and clipping agree with torch.nn in values and gradients (float64)."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")
F = tg.nn.functional
TF = torch.nn.functional


def _pair(a, requires_grad=True):
    return (tg.tensor(a, requires_grad=requires_grad),
            torch.tensor(a, requires_grad=requires_grad))


def _close(ours, theirs, tol=1e-10):
    np.testing.assert_allclose(ours.numpy(), theirs.detach().numpy(), rtol=tol, atol=tol)


def _check_loss(fn_ours, fn_theirs, x, target_ours, target_theirs, **kw):
    xa, xb = _pair(x)
    la = fn_ours(xa, target_ours, **kw)
    lb = fn_theirs(xb, target_theirs, **kw)
    _close(la, lb)
    la.sum().backward()
    lb.sum().backward()
    _close(xa.grad, xb.grad)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("opts", [
    {},
    {"label_smoothing": 0.2},
    {"ignore_index": 1},
    {"weight": True},
    {"weight": True, "ignore_index": 2, "label_smoothing": 0.1},
], ids=str)
def test_cross_entropy_matches_torch(rng, reduction, opts):
    x = rng.standard_normal((7, 4)) * 3
    y = np.array([0, 1, 2, 3, 1, 2, 1])
    kw = dict(opts, reduction=reduction)
    kw_t = dict(kw)
    if opts.get("weight"):
        w = rng.uniform(0.5, 2.0, 4)
        kw["weight"], kw_t["weight"] = tg.tensor(w), torch.tensor(w)
    xa, xb = _pair(x)
    la = F.cross_entropy(xa, tg.tensor(y), **kw)
    lb = TF.cross_entropy(xb, torch.tensor(y), **kw_t)
    _close(la, lb)
    la.sum().backward()
    lb.sum().backward()
    _close(xa.grad, xb.grad)


def test_cross_entropy_with_spatial_dims_and_probability_targets_matches_torch(rng):
    x = rng.standard_normal((2, 3, 5))
    y = rng.integers(0, 3, (2, 5))
    _check_loss(F.cross_entropy, TF.cross_entropy, x, tg.tensor(y), torch.tensor(y))
    _check_loss(F.cross_entropy, TF.cross_entropy, x, tg.tensor(y), torch.tensor(y),
                reduction="none")
    p = rng.dirichlet(np.ones(4), size=6)
    x2 = rng.standard_normal((6, 4))
    _check_loss(F.cross_entropy, TF.cross_entropy, x2, tg.tensor(p), torch.tensor(p),
                label_smoothing=0.3)


def test_cross_entropy_is_stable_for_huge_logits():
    x = np.array([[1e4, 0.0, -1e4], [0.0, 3e4, 0.0]])
    y = np.array([1, 1])
    _check_loss(F.cross_entropy, TF.cross_entropy, x, tg.tensor(y), torch.tensor(y))
    xa = tg.tensor(x, requires_grad=True)
    loss = F.cross_entropy(xa, tg.tensor(y))
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(xa.grad.numpy()).all()


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_nll_loss_matches_torch(rng, reduction):
    x = np.log(rng.dirichlet(np.ones(5), size=6))
    y = np.array([0, 4, 2, -100, 3, 1])
    w = rng.uniform(0.5, 2, 5)
    xa, xb = _pair(x)
    la = F.nll_loss(xa, tg.tensor(y), weight=tg.tensor(w), reduction=reduction)
    lb = TF.nll_loss(xb, torch.tensor(y), weight=torch.tensor(w), reduction=reduction)
    _close(la, lb)
    la.sum().backward()
    lb.sum().backward()
    _close(xa.grad, xb.grad)


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_with_logits_matches_torch(rng, reduction, weighted):
    x = rng.standard_normal((5, 3)) * 4
    x[0, 0] = 0.0                      # exact zero: gradient must be sigmoid(0) - y
    x[1, 1] = 80.0                     # large logits stay finite
    x[2, 2] = -80.0
    y = rng.integers(0, 2, (5, 3)).astype(np.float64)
    kw, kw_t = dict(reduction=reduction), dict(reduction=reduction)
    if weighted:
        w, pw = rng.uniform(0.5, 2, 3), rng.uniform(0.5, 3, 3)
        kw.update(weight=tg.tensor(w), pos_weight=tg.tensor(pw))
        kw_t.update(weight=torch.tensor(w), pos_weight=torch.tensor(pw))
    xa, xb = _pair(x)
    la = F.binary_cross_entropy_with_logits(xa, tg.tensor(y), **kw)
    lb = TF.binary_cross_entropy_with_logits(xb, torch.tensor(y), **kw_t)
    _close(la, lb)
    la.sum().backward()
    lb.sum().backward()
    _close(xa.grad, xb.grad)


@pytest.mark.parametrize("name", ["mse_loss", "l1_loss", "binary_cross_entropy"])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_regression_losses_match_torch(rng, name, reduction):
    x = rng.uniform(0.05, 0.95, (4, 3))
    t = rng.uniform(0, 1, (4, 3))
    _check_loss(getattr(F, name), getattr(TF, name), x, tg.tensor(t), torch.tensor(t),
                reduction=reduction)


def _copy_params(ours, theirs):
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})


def test_linear_layernorm_mlp_matches_torch_values_and_grads(rng):
    ours = tg.nn.Sequential(tg.nn.Linear(6, 5), tg.nn.LayerNorm(5), tg.nn.GELU(),
                            tg.nn.Linear(5, 2)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.LayerNorm(5),
                                 torch.nn.GELU(), torch.nn.Linear(5, 2)).double()
    for p in ours.parameters():            # non-trivial LayerNorm affine
        p.detach().numpy()[...] = rng.standard_normal(p.shape)
    _copy_params(ours, theirs)
    x = rng.standard_normal((4, 3, 6))
    xa, xb = _pair(x)
    ya, yb = ours(xa), theirs(xb)
    _close(ya, yb)
    (ya * ya).sum().backward()
    (yb * yb).sum().backward()
    _close(xa.grad, xb.grad)
    for (name, p), q in zip(ours.named_parameters(), theirs.parameters()):
        _close(p.grad, q.grad)


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm1d_matches_torch_in_train_and_eval(rng, shape, momentum):
    ours = tg.nn.BatchNorm1d(3, momentum=momentum).double()
    theirs = torch.nn.BatchNorm1d(3, momentum=momentum).double()
    ours.weight.detach().numpy()[...] = [0.5, 2.0, -1.0]
    ours.bias.detach().numpy()[...] = [0.1, 0.0, 0.3]
    _copy_params(ours, theirs)
    for step in range(3):
        x = rng.standard_normal(shape) * (step + 1) + step
        xa, xb = _pair(x)
        ya, yb = ours(xa), theirs(xb)
        _close(ya, yb)
        (ya ** 3).sum().backward()
        (yb ** 3).sum().backward()
        _close(xa.grad, xb.grad, tol=1e-9)
        _close(ours.weight.grad, theirs.weight.grad, tol=1e-9)
    for k, v in theirs.state_dict().items():
        _close(ours.state_dict()[k], v)
    ours.eval()
    theirs.eval()
    x = rng.standard_normal(shape)
    xa, xb = _pair(x)
    ya, yb = ours(xa), theirs(xb)
    _close(ya, yb)
    ya.sum().backward()
    yb.sum().backward()
    _close(xa.grad, xb.grad)


def test_embedding_with_padding_idx_matches_torch(rng):
    ours = tg.nn.Embedding(6, 3, padding_idx=2).double()
    theirs = torch.nn.Embedding(6, 3, padding_idx=2).double()
    _copy_params(ours, theirs)
    idx = np.array([[0, 2, 5], [2, 5, 5]])
    ya, yb = ours(tg.tensor(idx)), theirs(torch.tensor(idx))
    _close(ya, yb)
    w = rng.standard_normal(ya.shape)
    (ya * tg.tensor(w)).sum().backward()
    (yb * torch.tensor(w)).sum().backward()
    _close(ours.weight.grad, theirs.weight.grad)
    assert not ours.weight.grad.numpy()[2].any()


def test_linear_init_bounds_match_torch_default():
    tg.manual_seed(0)
    layer = tg.nn.Linear(400, 300)
    bound = 1 / np.sqrt(400)
    w, b = layer.weight.numpy(), layer.bias.numpy()
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert np.abs(b).max() <= bound and np.abs(b).max() > 0.95 * bound
    # uniform on [-bound, bound] has std bound / sqrt(3), as torch's init
    ref = torch.nn.Linear(400, 300).weight.detach().numpy()
    assert w.std() == pytest.approx(ref.std(), rel=0.02)


@pytest.mark.parametrize("norm_type", [2.0, 1.0, float("inf")])
def test_clip_grad_norm_matches_torch(rng, norm_type):
    grads = [rng.standard_normal((3, 4)), rng.standard_normal(5)]
    ours = [tg.nn.Parameter(tg.zeros(g.shape, dtype="float64")) for g in grads]
    theirs = [torch.nn.Parameter(torch.zeros(g.shape, dtype=torch.float64)) for g in grads]
    for p, q, g in zip(ours, theirs, grads):
        p.grad, q.grad = tg.tensor(g), torch.tensor(g)
    na = tg.nn.utils.clip_grad_norm_(ours, 0.5, norm_type=norm_type)
    nb = torch.nn.utils.clip_grad_norm_(theirs, 0.5, norm_type=norm_type)
    assert na.item() == pytest.approx(nb.item(), rel=1e-12)
    for p, q in zip(ours, theirs):
        _close(p.grad, q.grad)
