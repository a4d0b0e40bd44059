"""The learning-rate schedules of issue 18 against torch.optim.lr_scheduler: the lr (and
cycled momentum) of every param group at every step, with a state-dict round trip (via
JSON) in the middle of the run."""
import doctest
import importlib
import json
import warnings

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.optim import lr_scheduler as L

torch = pytest.importorskip("torch")
TL = torch.optim.lr_scheduler


def _opt(lib, kind):
    if lib == "tg":
        ps = [tg.zeros(2, requires_grad=True), tg.zeros(3, requires_grad=True)]
        mod = tg.optim
    else:
        ps = [torch.zeros(2, requires_grad=True), torch.zeros(3, requires_grad=True)]
        mod = torch.optim
    groups = [{"params": ps[:1]}, {"params": ps[1:], "lr": 0.05}]
    if kind == "adam":
        return mod.Adam(groups, lr=0.1)
    return mod.SGD(groups, lr=0.1, momentum=0.9)


def _seq_tg(opt):
    return L.SequentialLR(opt, [L.LinearLR(opt, 0.1, total_iters=3),
                                L.StepLR(opt, 2, 0.5), L.CosineAnnealingLR(opt, 4)],
                          milestones=[3, 7])


def _seq_torch(opt):
    return TL.SequentialLR(opt, [TL.LinearLR(opt, 0.1, total_iters=3),
                                 TL.StepLR(opt, 2, 0.5), TL.CosineAnnealingLR(opt, 4)],
                           milestones=[3, 7])


def _chain_tg(opt):
    return L.ChainedScheduler([L.ConstantLR(opt, 0.5, total_iters=3), L.ExponentialLR(opt, 0.9),
                               L.CyclicLR(opt, 0.01, 0.2, step_size_up=2)])


def _chain_torch(opt):
    return TL.ChainedScheduler([TL.ConstantLR(opt, 0.5, total_iters=3),
                                TL.ExponentialLR(opt, 0.9),
                                TL.CyclicLR(opt, 0.01, 0.2, step_size_up=2)])


BUILDERS = {"SequentialLR": (_seq_tg, _seq_torch), "ChainedScheduler": (_chain_tg, _chain_torch)}

CASES = [
    ("LinearLR", dict(), 9),
    ("LinearLR", dict(start_factor=0.25, end_factor=0.5, total_iters=4), 9),
    ("ConstantLR", dict(), 8),
    ("ConstantLR", dict(factor=0.5, total_iters=3), 8),
    ("PolynomialLR", dict(total_iters=6, power=2.0), 9),
    ("MultiplicativeLR", dict(lr_lambda=lambda e: 0.9), 6),
    ("CosineAnnealingWarmRestarts", dict(T_0=3), 12),
    ("CosineAnnealingWarmRestarts", dict(T_0=2, T_mult=2, eta_min=0.001), 16),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3), 14),
    ("CyclicLR", dict(base_lr=[0.01, 0.02], max_lr=0.1, step_size_up=2, step_size_down=4,
                      mode="triangular2"), 20),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=2, mode="exp_range",
                      gamma=0.9, cycle_momentum=False), 12),
    ("CyclicLR", dict(base_lr=0.01, max_lr=0.1, step_size_up=3,
                      scale_fn=lambda x: 0.5 ** x, scale_mode="iterations"), 10),
    ("OneCycleLR", dict(max_lr=1.0, total_steps=12), 12),
    ("OneCycleLR", dict(max_lr=[1.0, 0.5], epochs=3, steps_per_epoch=4, pct_start=0.25,
                        anneal_strategy="linear", three_phase=True), 12),
    ("SequentialLR", None, 14),
    ("ChainedScheduler", None, 10),
]


@pytest.mark.parametrize("kind", ["sgd", "adam"])
@pytest.mark.parametrize("name,kwargs,steps", CASES)
def test_schedule_matches_torch(name, kwargs, steps, kind):
    def build(lib, opt):
        if kwargs is None:
            return BUILDERS[name][0 if lib == "tg" else 1](opt)
        return getattr(L if lib == "tg" else TL, name)(opt, **kwargs)

    topt, ropt = _opt("tg", kind), _opt("torch", kind)
    ts, rs = build("tg", topt), build("torch", ropt)

    def compare(step):
        np.testing.assert_allclose(ts.get_last_lr(), rs.get_last_lr(), rtol=1e-13,
                                   atol=1e-16, err_msg=f"step {step}")
        for tg_group, r_group in zip(topt.param_groups, ropt.param_groups):
            for key in ("momentum", "betas"):
                if key in r_group:
                    np.testing.assert_allclose(tg_group[key], r_group[key], rtol=1e-13)

    compare(0)
    for step in range(1, steps):
        if step == steps // 2:
            # resume in a fresh optimizer and schedule from JSON-ed state dicts
            sd = json.loads(json.dumps(ts.state_dict()))
            osd = topt.state_dict()
            # (built first: building a schedule sets the lrs, loading restores them)
            topt = _opt("tg", kind)
            ts = build("tg", topt)
            topt.load_state_dict(osd)
            ts.load_state_dict(sd)
        topt.step()
        ts.step()
        ropt.step()
        rs.step()
        compare(step)


def test_warm_restarts_fractional_epochs_match_torch():
    topt, ropt = _opt("tg", "sgd"), _opt("torch", "sgd")
    ts = L.CosineAnnealingWarmRestarts(topt, T_0=2, T_mult=2)
    rs = TL.CosineAnnealingWarmRestarts(ropt, T_0=2, T_mult=2)
    for e in np.arange(0, 9, 0.25):
        ts.step(float(e))
        rs.step(float(e))
        np.testing.assert_allclose(ts.get_last_lr(), rs.get_last_lr(), rtol=1e-13)


def test_reduce_on_plateau_matches_torch():
    metrics = [5, 4, 4.1, 4.0, 4.2, 3.99999, 4.3, 4.4, 1, 1, 1, 1, 1, 1, 1, 0.5, 0.5, 0.5]
    for kw in [dict(), dict(patience=1, factor=0.5, cooldown=2),
               dict(mode="max", patience=0, threshold=0.1, threshold_mode="abs",
                    min_lr=[0.02, 0.001]),
               dict(patience=1, threshold_mode="abs", threshold=0.5, min_lr=0.03)]:
        topt, ropt = _opt("tg", "sgd"), _opt("torch", "sgd")
        ts = L.ReduceLROnPlateau(topt, **kw)
        rs = TL.ReduceLROnPlateau(ropt, **kw)
        for i, m in enumerate(metrics):
            if i == 7:
                sd = json.loads(json.dumps(ts.state_dict()))
                ts = L.ReduceLROnPlateau(topt, **kw)
                ts.load_state_dict(sd)
            ts.step(tg.tensor(m) if i % 2 else m)
            rs.step(m)
            assert ts.get_last_lr() == pytest.approx(rs.get_last_lr(), rel=1e-13)
            assert ts.num_bad_epochs == rs.num_bad_epochs
            assert ts.cooldown_counter == rs.cooldown_counter


def test_bad_arguments():
    opt = _opt("tg", "sgd")
    with pytest.raises(ValueError, match="start_factor"):
        L.LinearLR(opt, start_factor=0)
    with pytest.raises(ValueError, match="factor"):
        L.ConstantLR(opt, factor=1.5)
    with pytest.raises(ValueError, match="T_0"):
        L.CosineAnnealingWarmRestarts(opt, T_0=0)
    with pytest.raises(TypeError, match="T_mult"):
        L.CosineAnnealingWarmRestarts(opt, T_0=2, T_mult=1.5)
    with pytest.raises(ValueError, match="total_steps"):
        L.OneCycleLR(opt, max_lr=1.0)
    with pytest.raises(ValueError, match="anneal_strategy"):
        L.OneCycleLR(opt, max_lr=1.0, total_steps=5, anneal_strategy="exp")
    s = L.OneCycleLR(_opt("tg", "sgd"), max_lr=1.0, total_steps=2)
    s.step()
    s.step()
    with pytest.raises(ValueError, match="total steps"):
        s.step()
    with pytest.raises(ValueError, match="mode"):
        L.CyclicLR(opt, 0.1, 1.0, mode="sine")
    with pytest.raises(ValueError, match="momentum"):
        L.CyclicLR(tg.optim.Adagrad([tg.zeros(1, requires_grad=True)]), 0.1, 1.0)
    with pytest.raises(ValueError, match="milestones"):
        L.SequentialLR(opt, [L.ConstantLR(opt), L.ConstantLR(opt)], milestones=[])
    with pytest.raises(ValueError, match="ReduceLROnPlateau"):
        L.SequentialLR(opt, [L.ReduceLROnPlateau(opt)], milestones=[])
    with pytest.raises(ValueError, match="factor"):
        L.ReduceLROnPlateau(opt, factor=1.0)
    with pytest.raises(ValueError, match="mode"):
        L.ReduceLROnPlateau(opt, mode="up")
    with pytest.raises(TypeError, match="metrics"):
        L.ReduceLROnPlateau(opt).step("low")


def test_state_dict_keeps_functions_out():
    opt = _opt("tg", "sgd")
    s = L.MultiplicativeLR(opt, lambda e: 0.5)
    assert "lr_lambdas" not in s.state_dict()
    c = L.CyclicLR(_opt("tg", "sgd"), 0.1, 1.0, scale_fn=lambda x: 1.0)
    assert "_scale_fn_custom" not in c.state_dict()
    json.dumps(c.state_dict())


@pytest.mark.parametrize("module", ["tapegrad.optim._lr_more", "tapegrad.optim._lr_cyclic",
                                    "tapegrad.optim.lr_scheduler"])
def test_docstring_examples_run(module):
    mod = importlib.import_module(module)
    result = doctest.testmod(mod, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS,
                             report=False)
    assert result.failed == 0 and result.attempted > 0


@pytest.mark.parametrize("make", [
    lambda lib, o: lib.StepLR(o, 2, 0.5), lambda lib, o: lib.MultiStepLR(o, [1, 3], 0.5),
    lambda lib, o: lib.ExponentialLR(o, 0.9), lambda lib, o: lib.CosineAnnealingLR(o, 5),
    lambda lib, o: lib.LinearLR(o, 0.2, total_iters=3), lambda lib, o: lib.PolynomialLR(o, 4),
    lambda lib, o: lib.ConstantLR(o, 0.5, 2),
])
def test_step_with_epoch_matches_torch(make):
    topt, ropt = _opt("tg", "sgd"), _opt("torch", "sgd")
    ts, rs = make(L, topt), make(TL, ropt)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for e in [3, 1, 4, 4, 0, 6]:
            ts.step(e)
            rs.step(e)
            np.testing.assert_allclose(ts.get_last_lr(), rs.get_last_lr(), rtol=1e-13)
