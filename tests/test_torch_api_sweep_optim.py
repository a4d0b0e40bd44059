"""API.md's optimizers, lr schedulers and utils.data against torch, one row per name
(tests/reference/test_optim_vs_torch.py, test_optim_more.py and test_schedulers_more.py
go deeper into the options): parameters step for step in float64, the state_dict's
layout and values after the steps, and torch's state_dict loaded into tapegrad's
optimizer carrying on as torch's does."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

SHAPES = [(3, 2), (4,), ()]


@pytest.fixture(autouse=True)
def _torch_float64():
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(torch.float32)


def _loss(m, params, target):
    total = 0
    for p, t in zip(params, target):
        total = total + ((p - m.tensor(t)) ** 2 * 0.5 + m.sin(p * 2.0)).sum()
    return total


def _params(m, init):
    return [m.tensor(a.copy(), dtype=m.float64, requires_grad=True) for a in init]


def _step(m, opt, ps, target):
    def closure():
        opt.zero_grad()
        loss = _loss(m, ps, target)
        loss.backward()
        return loss
    return opt.step(closure)


def _plain(v):
    if isinstance(v, (torch.Tensor, tg.Tensor)):
        return np.asarray(v.detach().numpy() if isinstance(v, torch.Tensor) else v.numpy(),
                          dtype=np.float64)
    return v


OPTS = [
    ("SGD", dict(lr=0.1)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01)),
    ("Adam", dict(lr=0.05)),
    ("Adam", dict(lr=0.05, amsgrad=True, weight_decay=0.1, maximize=True)),
    ("AdamW", dict(lr=0.05)),
    ("RMSprop", dict(lr=0.01, centered=True, momentum=0.3)),
    ("Adagrad", dict(lr=0.1, lr_decay=0.01)),
    ("LBFGS", dict(lr=0.5, max_iter=4)),
    ("LBFGS", dict(lr=1.0, max_iter=5, history_size=3, line_search_fn="strong_wolfe")),
    ("Adamax", dict(lr=0.05)),
    ("NAdam", dict(lr=0.05)),
    ("RAdam", dict(lr=0.05)),
    ("Adadelta", dict(lr=0.5)),
    ("Rprop", dict(lr=0.05)),
]


@pytest.mark.parametrize("name, kwargs", OPTS, ids=[f"{n}-{k}" for n, k in OPTS])
def test_optimizers_and_their_state_dicts_match_torch(name, kwargs):
    rng = np.random.default_rng(4)
    init = [rng.standard_normal(s) for s in SHAPES]
    target = [rng.standard_normal(s) for s in SHAPES]
    ps_t, ps_o = _params(torch, init), _params(tg, init)
    opt_t = getattr(torch.optim, name)(ps_t, **kwargs)
    opt_o = getattr(tg.optim, name)(ps_o, **kwargs)
    for step in range(4):
        lt, lo = _step(torch, opt_t, ps_t, target), _step(tg, opt_o, ps_o, target)
        np.testing.assert_allclose(float(lo), float(lt), rtol=1e-10, err_msg=f"loss {step}")
        for p, q in zip(ps_o, ps_t):
            np.testing.assert_allclose(p.numpy(), q.detach().numpy(), rtol=1e-9, atol=1e-12,
                                       err_msg=f"{name} step {step}")
    # the state_dict: torch's layout, keys and values
    sd_t, sd_o = opt_t.state_dict(), opt_o.state_dict()
    assert list(sd_o) == list(sd_t)
    assert len(sd_o["param_groups"]) == len(sd_t["param_groups"])
    for g_o, g_t in zip(sd_o["param_groups"], sd_t["param_groups"]):
        assert set(g_o) == set(g_t), set(g_o) ^ set(g_t)
        assert g_o["params"] == g_t["params"]
        for k in g_t:
            if k != "params" and not callable(g_t[k]):
                assert _plain(g_o[k]) == pytest.approx(_plain(g_t[k])), k
    assert sorted(sd_o["state"]) == sorted(sd_t["state"])
    for i, st in sd_t["state"].items():
        assert set(sd_o["state"][i]) == set(st), (i, set(sd_o["state"][i]) ^ set(st))
        for k, v in st.items():
            if isinstance(v, (torch.Tensor, float, int)):
                np.testing.assert_allclose(_plain(sd_o["state"][i][k]), _plain(v), rtol=1e-9,
                                           atol=1e-12, err_msg=f"state {i}.{k}")
    # torch's state_dict (as arrays) loaded into a fresh tapegrad optimizer carries on
    ps_o2 = _params(tg, [q.detach().numpy() for q in ps_t])
    opt_o2 = getattr(tg.optim, name)(ps_o2, **kwargs)
    opt_o2.load_state_dict(_to_tg(opt_t.state_dict()))
    for step in range(2):
        _step(torch, opt_t, ps_t, target)
        _step(tg, opt_o2, ps_o2, target)
        for p, q in zip(ps_o2, ps_t):
            np.testing.assert_allclose(p.numpy(), q.detach().numpy(), rtol=1e-9, atol=1e-12,
                                       err_msg=f"{name} after loading torch's state, {step}")


def _to_tg(obj):
    if isinstance(obj, torch.Tensor):
        return tg.tensor(obj.detach().numpy().copy())
    if isinstance(obj, dict):
        return {k: _to_tg(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return type(obj)(_to_tg(v) for v in obj)
    return obj


def test_optimizer_defaults_match_torch():
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "LBFGS", "Adamax", "NAdam",
                 "RAdam", "Adadelta", "Rprop"):
        kw = {"lr": 0.1} if name == "SGD" else {}
        ours = getattr(tg.optim, name)([tg.zeros(1, requires_grad=True)], **kw).defaults
        theirs = getattr(torch.optim, name)([torch.zeros(1, requires_grad=True)], **kw).defaults
        for k, v in theirs.items():
            if k in ours:
                assert _plain(ours[k]) == _plain(v), (name, k)


# ------------------------------------------------------------------ lr_scheduler
def _sched(m, name, opt):
    L = m.optim.lr_scheduler
    return {
        "StepLR": lambda: L.StepLR(opt, step_size=2, gamma=0.5),
        "ExponentialLR": lambda: L.ExponentialLR(opt, gamma=0.9),
        "CosineAnnealingLR": lambda: L.CosineAnnealingLR(opt, T_max=5, eta_min=0.01),
        "OneCycleLR": lambda: L.OneCycleLR(opt, max_lr=0.5, total_steps=12),
        "LinearLR": lambda: L.LinearLR(opt, start_factor=0.2, total_iters=4),
        "ConstantLR": lambda: L.ConstantLR(opt, factor=0.25, total_iters=3),
        "SequentialLR": lambda: L.SequentialLR(opt, [L.ConstantLR(opt, 0.5, total_iters=2),
                                                     L.ExponentialLR(opt, 0.8)],
                                               milestones=[3]),
        "CosineAnnealingWarmRestarts": lambda: L.CosineAnnealingWarmRestarts(opt, T_0=3,
                                                                             T_mult=2),
        "CyclicLR": lambda: L.CyclicLR(opt, base_lr=0.01, max_lr=0.1, step_size_up=3),
        "PolynomialLR": lambda: L.PolynomialLR(opt, total_iters=6, power=1.5),
        "MultiplicativeLR": lambda: L.MultiplicativeLR(opt, lr_lambda=lambda e: 0.95),
    }[name]()


@pytest.mark.parametrize("name", ["StepLR", "ExponentialLR", "CosineAnnealingLR", "OneCycleLR",
                                  "LinearLR", "ConstantLR", "SequentialLR",
                                  "CosineAnnealingWarmRestarts", "CyclicLR", "PolynomialLR",
                                  "MultiplicativeLR"])
def test_schedulers_match_torch_with_a_state_dict_round_trip(name):
    runs = {}
    for m in (torch, tg):
        p = m.zeros(2, requires_grad=True)
        opt = m.optim.SGD([p], lr=0.1, momentum=0.9)
        sch = _sched(m, name, opt)
        lrs = [sch.get_last_lr()]
        for _ in range(5):
            opt.step()
            sch.step()
            lrs.append(sch.get_last_lr())
        state = sch.state_dict()
        # a fresh scheduler (and optimizer) loading the state carries on the same
        opt2 = m.optim.SGD([p], lr=0.1, momentum=0.9)
        opt2.load_state_dict(opt.state_dict())
        sch2 = _sched(m, name, opt2)
        sch2.load_state_dict(state)
        for _ in range(6):
            opt2.step()
            sch2.step()
            lrs.append(sch2.get_last_lr())
        runs[m] = (lrs, state)
    np.testing.assert_allclose(np.array(runs[tg][0]), np.array(runs[torch][0]), rtol=1e-12)
    # torch's state_dict loads into tapegrad's scheduler, which carries on the same
    # (the optimizer as torch's loaded state leaves it: the lr reached and initial_lr)
    p = tg.zeros(2, requires_grad=True)
    opt = tg.optim.SGD([p], lr=runs[torch][0][5][0], momentum=0.9)
    opt.param_groups[0]["initial_lr"] = 0.1
    sch = _sched(tg, name, opt)
    sch.load_state_dict(_to_tg(runs[torch][1]))
    got = []
    for _ in range(6):
        opt.step()
        sch.step()
        got.append(sch.get_last_lr())
    np.testing.assert_allclose(np.array(got), np.array(runs[torch][0][6:]), rtol=1e-12)
    # the public entries (the private ones are each library's own bookkeeping); torch's
    # lr_lambdas (None per plain function) is left out of tapegrad's JSON-able state
    # (test_schedulers_more.test_state_dict_keeps_functions_out), and accepted on load
    ours, theirs = ({k for k in r[1] if not k.startswith("_") and k != "lr_lambdas"}
                    for r in (runs[tg], runs[torch]))
    assert ours == theirs, ours ^ theirs


def test_reduce_lr_on_plateau_matches_torch():
    losses = [1.0, 0.9, 0.95, 0.96, 0.97, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    got = {}
    for m in (torch, tg):
        opt = m.optim.Adam([m.zeros(1, requires_grad=True)], lr=0.1)
        sch = m.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=1,
                                                     threshold=0.01, cooldown=1)
        seq = []
        for v in losses:
            sch.step(v)
            seq.append(opt.param_groups[0]["lr"])
        got[m] = (seq, {k for k in sch.state_dict() if not k.startswith("_")})
    assert got[tg][0] == pytest.approx(got[torch][0], rel=1e-12)
    assert got[tg][1] == got[torch][1], got[tg][1] ^ got[torch][1]


# ------------------------------------------------------------------ utils.data
def _batches(loader):
    out = []
    for b in loader:
        out.append([np.asarray(v.numpy() if hasattr(v, "numpy") else v) for v in b])
    return out


def test_data_pipeline_matches_torch():
    x = np.arange(20.0).reshape(10, 2)
    y = np.arange(10)
    runs = {}
    for m in (torch, tg):
        D = m.utils.data
        ds = D.TensorDataset(m.tensor(x), m.tensor(y))
        sub = D.Subset(ds, [9, 0, 4, 4])
        item = [v.numpy() for v in ds[3]]
        runs[m] = dict(
            len=(len(ds), len(sub)), item=item, sub=[[v.numpy() for v in sub[i]] for i in range(4)],
            plain=_batches(D.DataLoader(ds, batch_size=4)),
            drop=_batches(D.DataLoader(ds, batch_size=3, drop_last=True)),
            sub_loader=_batches(D.DataLoader(sub, batch_size=3)),
            dist=[list(D.DistributedSampler(ds, num_replicas=3, rank=r, shuffle=False))
                  for r in range(3)],
            dist_drop=[list(D.DistributedSampler(ds, num_replicas=3, rank=r, shuffle=False,
                                                 drop_last=True)) for r in range(3)],
            split=[len(s) for s in D.random_split(ds, [7, 3])],
            split_frac=[len(s) for s in D.random_split(ds, [0.5, 0.25, 0.25])],
            n_batches=(len(D.DataLoader(ds, batch_size=4)),
                       len(D.DataLoader(ds, batch_size=4, drop_last=True))),
        )
    a, b = runs[tg], runs[torch]
    for k in b:
        assert _nested_equal(a[k], b[k]), (k, a[k], b[k])
    # dtypes of collated batches: float64 stays float64, ints int64
    xb, yb = next(iter(tg.utils.data.DataLoader(tg.utils.data.TensorDataset(
        tg.tensor(x), tg.tensor(y)), batch_size=2)))
    assert xb.dtype == np.float64 and yb.dtype == np.int64


def test_random_split_is_a_partition_and_dataset_subclass_works():
    class Squares(tg.utils.data.Dataset):
        def __len__(self):
            return 7

        def __getitem__(self, i):
            return tg.tensor(float(i * i)), i

    parts = tg.utils.data.random_split(Squares(), [4, 3],
                                       generator=tg.Generator().manual_seed(1))
    idx = sorted(i for p in parts for i in p.indices)
    assert idx == list(range(7))
    xb, ib = next(iter(tg.utils.data.DataLoader(Squares(), batch_size=3)))
    tx, ti = next(iter(torch.utils.data.DataLoader(_TorchSquares(), batch_size=3)))
    np.testing.assert_array_equal(xb.numpy(), tx.numpy())
    np.testing.assert_array_equal(ib.numpy(), ti.numpy())
    assert ib.dtype == np.int64 and str(ti.dtype) == "torch.int64"


class _TorchSquares(torch.utils.data.Dataset):
    def __len__(self):
        return 7

    def __getitem__(self, i):
        return torch.tensor(float(i * i)), i


def _nested_equal(a, b):
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_nested_equal(u, v) for u, v in zip(a, b))
    return np.array_equal(np.asarray(a), np.asarray(b)) and \
        np.asarray(a).dtype.kind == np.asarray(b).dtype.kind
