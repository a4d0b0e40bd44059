"""Optimizers and schedulers agree with torch.optim step for step on identical inputs."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (4,), (2, 3, 2)]
STEPS = 6


def _grads(rng, step):
    """Deterministic gradients per step, shared by both libraries."""
    return [np.sin(rng[i] * (step + 1)) * (1.0 + 0.5 * step) for i in range(len(SHAPES))]


def _run_pair(tg_cls, torch_cls, kwargs, dtype=np.float64, steps=STEPS, sched=None):
    rng = np.random.default_rng(7)
    init = [rng.standard_normal(s).astype(dtype) for s in SHAPES]
    seeds = [rng.standard_normal(s) for s in SHAPES]
    ours = [tg.nn.Parameter(tg.tensor(a.copy())) for a in init]
    theirs = [torch.nn.Parameter(torch.tensor(a.copy())) for a in init]
    opt_a = tg_cls(ours, **kwargs)
    opt_b = torch_cls(theirs, **kwargs)
    sch_a = sch_b = None
    if sched is not None:
        name, skw = sched
        sch_a = getattr(tg.optim.lr_scheduler, name)(opt_a, **skw)
        sch_b = getattr(torch.optim.lr_scheduler, name)(opt_b, **skw)
    for step in range(steps):
        for p, q, g in zip(ours, theirs, _grads(seeds, step)):
            p.grad = tg.tensor(g.astype(dtype))
            q.grad = torch.tensor(g.astype(dtype))
        opt_a.step()
        opt_b.step()
        if sched is not None:
            sch_a.step()
            sch_b.step()
            assert sch_a.get_last_lr() == pytest.approx(sch_b.get_last_lr(), rel=1e-12)
        for p, q in zip(ours, theirs):
            np.testing.assert_allclose(p.numpy(), q.detach().numpy(), rtol=1e-6, atol=1e-6,
                                       err_msg=f"step {step}")
    return ours, theirs, opt_a, opt_b


CONFIGS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.3, weight_decay=0.01)),
    ("SGD", dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.5, maximize=True)),
    ("Adam", dict(lr=0.01)),
    ("Adam", dict(lr=0.02, betas=(0.8, 0.9), eps=1e-6, weight_decay=0.05)),
    ("Adam", dict(lr=0.02, amsgrad=True)),
    ("Adam", dict(lr=0.02, maximize=True, weight_decay=0.1)),
    ("AdamW", dict(lr=0.01)),
    ("AdamW", dict(lr=0.03, weight_decay=0.1, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)),
    ("RMSprop", dict(lr=0.01, alpha=0.9, momentum=0.7, weight_decay=0.01)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.5)),
    ("Adagrad", dict(lr=0.1)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.05, weight_decay=0.02,
                     initial_accumulator_value=0.3, eps=1e-8)),
]


@pytest.mark.parametrize("name,kwargs", CONFIGS, ids=lambda v: str(v))
def test_optimizer_matches_torch_step_for_step(name, kwargs):
    _run_pair(getattr(tg.optim, name), getattr(torch.optim, name), kwargs)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_float32_parameters_match_torch(name):
    kwargs = dict(lr=0.01, momentum=0.9) if name in ("SGD", "RMSprop") else dict(lr=0.01)
    _run_pair(getattr(tg.optim, name), getattr(torch.optim, name), kwargs, dtype=np.float32)


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_defaults_match_torch(name):
    ours = getattr(tg.optim, name)([tg.nn.Parameter(tg.zeros(1))]).defaults
    theirs = getattr(torch.optim, name)([torch.nn.Parameter(torch.zeros(1))]).defaults
    for k, v in ours.items():
        assert theirs[k] == v, (name, k)


SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("StepLR", dict(step_size=1)),
    ("ExponentialLR", dict(gamma=0.8)),
    ("CosineAnnealingLR", dict(T_max=4)),
    ("CosineAnnealingLR", dict(T_max=3, eta_min=0.01)),
    ("MultiStepLR", dict(milestones=[2, 5, 5], gamma=0.5)),
]


@pytest.mark.parametrize("name,kwargs", SCHEDULES, ids=lambda v: str(v))
def test_scheduler_matches_torch(name, kwargs):
    _run_pair(tg.optim.SGD, torch.optim.SGD, dict(lr=0.1, momentum=0.9), steps=12,
              sched=(name, kwargs))


def test_param_groups_with_own_hyperparameters_match_torch():
    rng = np.random.default_rng(3)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal(3)
    pa, pb = tg.nn.Parameter(tg.tensor(a)), tg.nn.Parameter(tg.tensor(b))
    qa, qb = (torch.nn.Parameter(torch.tensor(x)) for x in (a, b))
    opt = tg.optim.Adam([{"params": [pa]}, {"params": [pb], "lr": 0.1}], lr=0.01)
    ref = torch.optim.Adam([{"params": [qa]}, {"params": [qb], "lr": 0.1}], lr=0.01)
    for step in range(4):
        for p, q in ((pa, qa), (pb, qb)):
            g = np.cos(p.numpy() * (step + 1))
            p.grad, q.grad = tg.tensor(g), torch.tensor(g)
        opt.step()
        ref.step()
    np.testing.assert_allclose(pa.numpy(), qa.detach().numpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(pb.numpy(), qb.detach().numpy(), rtol=1e-6, atol=1e-6)


def test_state_dict_layout_matches_torch():
    ours, theirs, opt_a, opt_b = _run_pair(tg.optim.Adam, torch.optim.Adam, dict(lr=0.01),
                                           steps=2)
    sa, sb = opt_a.state_dict(), opt_b.state_dict()
    assert set(sa["state"]) == set(sb["state"])
    assert set(sa["state"][0]) == set(sb["state"][0])
    ga = {k: v for k, v in sa["param_groups"][0].items()}
    gb = sb["param_groups"][0]
    for k in ("lr", "betas", "eps", "weight_decay", "amsgrad", "params"):
        assert ga[k] == gb[k], k
    for k in ("exp_avg", "exp_avg_sq"):
        np.testing.assert_allclose(sa["state"][1][k].numpy(), sb["state"][1][k].numpy(),
                                   rtol=1e-6, atol=1e-6)
    assert sa["state"][1]["step"] == float(sb["state"][1]["step"])


def test_training_a_model_matches_torch():
    """A whole loop (Linear layers, CrossEntropyLoss, backward, Adam) tracks PyTorch."""
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 5))
    y = rng.integers(0, 3, 16)
    ours = tg.nn.Sequential(tg.nn.Linear(5, 8), tg.nn.Tanh(), tg.nn.Linear(8, 3)).double()
    theirs = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.Tanh(),
                                 torch.nn.Linear(8, 3)).double()
    theirs.load_state_dict({k: torch.tensor(v.numpy()) for k, v in ours.state_dict().items()})
    opt_a = tg.optim.Adam(ours.parameters(), lr=0.05)
    opt_b = torch.optim.Adam(theirs.parameters(), lr=0.05)
    for _ in range(10):
        opt_a.zero_grad()
        la = tg.nn.functional.cross_entropy(ours(tg.tensor(x)), tg.tensor(y))
        la.backward()
        opt_a.step()
        opt_b.zero_grad()
        lb = torch.nn.functional.cross_entropy(theirs(torch.tensor(x)), torch.tensor(y))
        lb.backward()
        opt_b.step()
        assert la.item() == pytest.approx(lb.item(), rel=1e-9)
    for k, v in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[k].numpy(), v.numpy(), rtol=1e-9,
                                   atol=1e-12)
