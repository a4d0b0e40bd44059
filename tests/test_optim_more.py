"""Adamax, NAdam, RAdam, Adadelta, Rprop and LBFGS against torch.optim in float64, step
for step, with param groups and state-dict round trips mid-run."""
import doctest
import importlib

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import optim

torch = pytest.importorskip("torch")

SHAPES = [(3, 4), (5,), ()]


@pytest.fixture(autouse=True)
def _torch_float64():
    # torch keeps scalar state (step, NAdam's mu_product) in the default dtype: float64
    # makes its arithmetic the exact float64 reference
    old = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(old)


def _problem(seed=0):
    rng = np.random.default_rng(seed)
    init = [rng.standard_normal(s) for s in SHAPES]
    target = [rng.standard_normal(s) for s in SHAPES]
    return init, target


def _loss_tg(params, target):
    # non-quadratic so every optimizer sees changing gradients of both signs
    total = 0
    for p, t in zip(params, target):
        total = total + (((p - tg.tensor(t)) ** 2) * 0.5 + tg.sin(p * 3.0)).sum()
    return total


def _loss_torch(params, target):
    total = 0
    for p, t in zip(params, target):
        total = total + (((p - torch.tensor(t)) ** 2) * 0.5 + torch.sin(p * 3.0)).sum()
    return total


def _make(lib, init, cls, kwargs, groups):
    if lib == "tg":
        ps = [tg.tensor(a, dtype=tg.float64, requires_grad=True) for a in init]
    else:
        ps = [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in init]
    if groups:
        params = [{"params": ps[:1], **groups}, {"params": ps[1:]}]
    else:
        params = ps
    return ps, cls(params, **kwargs)


CASES = [
    ("Adamax", dict(lr=0.05)),
    ("Adamax", dict(lr=0.05, weight_decay=0.1, maximize=True, betas=(0.8, 0.99))),
    ("NAdam", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, momentum_decay=0.01)),
    ("NAdam", dict(lr=0.05, weight_decay=0.1, decoupled_weight_decay=True, maximize=True)),
    ("RAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05, betas=(0.9, 0.9), weight_decay=0.1)),
    ("RAdam", dict(lr=0.05, betas=(0.9, 0.8), weight_decay=0.1, decoupled_weight_decay=True)),
    ("Adadelta", dict()),
    ("Adadelta", dict(lr=0.5, rho=0.8, eps=1e-4, weight_decay=0.1, maximize=True)),
    ("Rprop", dict()),
    ("Rprop", dict(lr=0.1, etas=(0.3, 1.5), step_sizes=(1e-3, 0.2), maximize=True)),
]


@pytest.mark.parametrize("name,kwargs", CASES)
@pytest.mark.parametrize("groups", [None, {"lr": 0.01}])
def test_matches_torch_with_state_dict_round_trip(name, kwargs, groups):
    init, target = _problem()
    tps, topt = _make("tg", init, getattr(optim, name), kwargs, groups)
    rps, ropt = _make("torch", init, getattr(torch.optim, name), kwargs, groups)
    for step in range(12):
        if step == 6:
            # continue in a fresh tg optimizer loaded from the state dict
            sd = topt.state_dict()
            tps2 = [tg.tensor(p.detach().numpy(), requires_grad=True) for p in tps]
            _, topt = _make("tg", [p.detach().numpy() for p in tps], getattr(optim, name),
                            kwargs, groups)
            tps = topt.param_groups[0]["params"] + (topt.param_groups[1]["params"]
                                                    if groups else [])
            if not groups:
                tps = topt.param_groups[0]["params"]
            topt.load_state_dict(sd)
            del tps2
        topt.zero_grad()
        _loss_tg(tps, target).backward()
        topt.step()
        ropt.zero_grad()
        _loss_torch(rps, target).backward()
        ropt.step()
        for a, b in zip(tps, rps):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(),
                                       rtol=1e-12, atol=1e-13, err_msg=f"step {step}")
    # the states agree key by key
    tsd, rsd = topt.state_dict(), ropt.state_dict()
    for i, rs in rsd["state"].items():
        for k, v in rs.items():
            np.testing.assert_allclose(np.asarray(tsd["state"][i][k]), v.numpy(), rtol=1e-12,
                                       atol=1e-13, err_msg=k)


def test_torch_state_dict_loads():
    init, target = _problem(1)
    rps, ropt = _make("torch", init, torch.optim.NAdam, dict(lr=0.05), None)
    for _ in range(3):
        ropt.zero_grad()
        _loss_torch(rps, target).backward()
        ropt.step()
    tps, topt = _make("tg", [p.detach().numpy() for p in rps], optim.NAdam, dict(lr=0.05),
                      None)
    topt.load_state_dict(ropt.state_dict())
    for _ in range(3):
        ropt.zero_grad()
        _loss_torch(rps, target).backward()
        ropt.step()
        topt.zero_grad()
        _loss_tg(tps, target).backward()
        topt.step()
    for a, b in zip(tps, rps):
        np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-12)


def _rosenbrock(x, lib):
    return (100 * (x[1:] - x[:-1] ** 2) ** 2 + (1 - x[:-1]) ** 2).sum()


@pytest.mark.parametrize("kwargs", [
    dict(),
    dict(line_search_fn="strong_wolfe"),
    dict(lr=0.5, max_iter=7, history_size=3),
    dict(line_search_fn="strong_wolfe", max_iter=5, history_size=2, tolerance_change=1e-5),
])
def test_lbfgs_matches_torch(kwargs):
    x0 = np.array([-1.2, 1.0, 0.5, -0.3])
    kwargs = {"lr": 1e-3, **kwargs} if not kwargs.get("line_search_fn") and "lr" not in kwargs \
        else kwargs
    tx = tg.tensor(x0, requires_grad=True)
    rx = torch.tensor(x0, requires_grad=True)
    topt = optim.LBFGS([tx], **kwargs)
    ropt = torch.optim.LBFGS([rx], **kwargs)
    t_calls, r_calls = [], []

    def tclosure():
        topt.zero_grad()
        loss = _rosenbrock(tx, tg)
        loss.backward()
        t_calls.append(loss.item())
        return loss

    def rclosure():
        ropt.zero_grad()
        loss = _rosenbrock(rx, torch)
        loss.backward()
        r_calls.append(loss.item())
        return loss

    for outer in range(4):
        if outer == 2:
            sd = topt.state_dict()
            tx = tg.tensor(tx.detach().numpy(), requires_grad=True)
            topt = optim.LBFGS([tx], **kwargs)
            topt.load_state_dict(sd)
        lt = topt.step(tclosure)
        lr_ = ropt.step(rclosure)
        assert lt.item() == pytest.approx(lr_.item(), rel=1e-10)
        np.testing.assert_allclose(tx.detach().numpy(), rx.detach().numpy(), rtol=1e-9,
                                   atol=1e-12)
    np.testing.assert_allclose(t_calls, r_calls, rtol=1e-9, atol=1e-12)
    ts, rs = topt.state_dict()["state"][0], ropt.state_dict()["state"][0]
    assert ts["func_evals"] == rs["func_evals"] and ts["n_iter"] == rs["n_iter"]
    assert len(ts["old_dirs"]) == len(rs["old_dirs"])


@pytest.mark.parametrize("line_search", [None, "strong_wolfe"])
def test_lbfgs_several_parameters_match_torch(line_search):
    init, target = _problem(3)
    tps = [tg.tensor(a, requires_grad=True) for a in init]
    rps = [torch.tensor(a, requires_grad=True) for a in init]
    kw = dict(lr=0.5 if line_search is None else 1, max_iter=6, history_size=4,
              line_search_fn=line_search)
    topt, ropt = optim.LBFGS(tps, **kw), torch.optim.LBFGS(rps, **kw)

    def tclosure():
        topt.zero_grad()
        loss = _loss_tg(tps, target)
        loss.backward()
        return loss

    def rclosure():
        ropt.zero_grad()
        loss = _loss_torch(rps, target)
        loss.backward()
        return loss

    for _ in range(3):
        assert topt.step(tclosure).item() == pytest.approx(ropt.step(rclosure).item(),
                                                           rel=1e-10)
        for a, b in zip(tps, rps):
            np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-9,
                                       atol=1e-12)


def test_lbfgs_converges_and_checks():
    x = tg.tensor([-1.2, 1.0], dtype=tg.float64, requires_grad=True)
    opt = optim.LBFGS([x], line_search_fn="strong_wolfe", max_iter=100)

    def closure():
        opt.zero_grad()
        loss = _rosenbrock(x, tg)
        loss.backward()
        return loss

    opt.step(closure)
    np.testing.assert_allclose(x.detach().numpy(), [1.0, 1.0], atol=1e-4)
    with pytest.raises(ValueError, match="line_search_fn"):
        optim.LBFGS([x], line_search_fn="armijo")
    with pytest.raises(ValueError, match="parameter groups"):
        optim.LBFGS([{"params": [x]}, {"params": [tg.zeros(2, requires_grad=True)]}])
    with pytest.raises(TypeError, match="closure"):
        opt.step()  # noqa
    with pytest.raises(TypeError, match="history_size"):
        optim.LBFGS([x], history_size=2.5)


def test_bad_arguments():
    w = tg.zeros(2, requires_grad=True)
    with pytest.raises(ValueError, match="learning rate"):
        optim.Adamax([w], lr=-1)
    with pytest.raises(TypeError, match="betas"):
        optim.NAdam([w], betas=0.9)
    with pytest.raises(ValueError, match="betas"):
        optim.RAdam([w], betas=(0.9, 1.0))
    with pytest.raises(ValueError, match="rho"):
        optim.Adadelta([w], rho=1.5)
    with pytest.raises(ValueError, match="etas"):
        optim.Rprop([w], etas=(1.5, 1.2))
    with pytest.raises(ValueError, match="step_sizes"):
        optim.Rprop([w], step_sizes=(2.0, 1.0))
    opt = optim.NAdam([w])
    w.grad = tg.ones(2)
    opt.step()
    sd = opt.state_dict()
    sd["state"][0]["mu_product"] = "x"
    with pytest.raises((TypeError, ValueError), match="mu_product"):
        opt.load_state_dict(sd)


@pytest.mark.parametrize("module", ["tapegrad.optim.adamax", "tapegrad.optim.nadam",
                                    "tapegrad.optim.radam", "tapegrad.optim.adadelta",
                                    "tapegrad.optim.rprop", "tapegrad.optim.lbfgs"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                             report=False)
    assert result.failed == 0 and result.attempted > 0
