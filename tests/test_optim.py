"""tg.optim: update mechanics, TF-style apply_gradients, param groups, state, schedulers."""
import math

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn, optim
from tapegrad.optim import lr_scheduler

ALL = [
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    (optim.Adam, dict(lr=0.1, amsgrad=True, weight_decay=0.01)),
    (optim.AdamW, dict(lr=0.1)),
    (optim.RMSprop, dict(lr=0.01, momentum=0.5, centered=True, weight_decay=0.01)),
    (optim.Adagrad, dict(lr=0.1, lr_decay=0.01)),
]
IDS = [cls.__name__ for cls, _ in ALL]


def _quadratic(p):
    return ((p - 3.0) ** 2).sum()


@pytest.mark.parametrize("cls,kw", ALL, ids=IDS)
def test_step_updates_in_place_without_building_a_graph(cls, kw):
    p = nn.Parameter(tg.tensor([1.0, -2.0]))
    arr, version = p.detach().numpy(), p._version
    opt = cls([p], **kw)
    _quadratic(p).backward()
    opt.step()
    assert p.detach().numpy() is arr                     # same buffer, written in place
    assert p._version > version                  # saved copies of p become stale
    assert p.is_leaf and p.requires_grad and p.grad_fn is None
    assert not np.allclose(arr, [1.0, -2.0])


@pytest.mark.parametrize("cls,kw", ALL, ids=IDS)
def test_parameters_without_grad_are_skipped(cls, kw):
    used, unused = nn.Parameter(tg.ones(2)), nn.Parameter(tg.ones(2))
    opt = cls([used, unused], **kw)
    _quadratic(used).backward()
    opt.step()
    np.testing.assert_array_equal(unused.numpy(), [1.0, 1.0])
    assert not np.allclose(used.numpy(), 1.0)
    assert cls is optim.Adagrad or unused not in opt.state


@pytest.mark.parametrize("cls,kw", [
    (optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    (optim.Adam, dict(lr=0.1)),
    (optim.AdamW, dict(lr=0.1, weight_decay=0.0)),
    (optim.RMSprop, dict(lr=0.05, centered=True)),
    (optim.Adagrad, dict(lr=1.0)),
], ids=IDS)
def test_optimizers_minimise_a_quadratic(cls, kw):
    p = nn.Parameter(tg.tensor([0.0, 5.0, -4.0]))
    opt = cls([p], **kw)
    for _ in range(300):
        opt.zero_grad()
        _quadratic(p).backward()
        opt.step()
    np.testing.assert_allclose(p.numpy(), 3.0, atol=0.05)


@pytest.mark.parametrize("cls,kw", ALL, ids=IDS)
def test_state_buffers_are_reused_between_steps(cls, kw):
    p = nn.Parameter(tg.randn(4, 3))
    opt = cls([p], **kw)
    _quadratic(p).backward()
    opt.step()
    arrays = {k: v for k, v in opt.state[p].items() if isinstance(v, np.ndarray)}
    scratch = {k: id(v) for k, v in opt._scratch.items()}
    for _ in range(3):
        opt.step()
    assert arrays and all(opt.state[p][k] is v for k, v in arrays.items())
    assert {k: id(v) for k, v in opt._scratch.items()} == scratch


def test_gradients_are_never_modified_by_a_step():
    p = nn.Parameter(tg.tensor([1.0, 2.0]))
    g = tg.tensor([0.5, -0.5])
    p.grad = g
    opt = optim.SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1, nesterov=True)
    opt.step()
    opt.step()
    np.testing.assert_array_equal(g.numpy(), [0.5, -0.5])


def test_sgd_with_momentum_hand_computed():
    p = nn.Parameter(tg.tensor([1.0]))
    opt = optim.SGD([p], lr=0.1, momentum=0.9)
    for _ in range(2):
        p.grad = tg.tensor([1.0])
        opt.step()
    # buf: 1 then 0.9 + 1 = 1.9;  p: 1 - 0.1 - 0.19
    assert p.item() == pytest.approx(0.71)


def test_closure_is_evaluated_with_grad_enabled():
    p = nn.Parameter(tg.tensor([2.0]))
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with tg.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 4.0 and p.item() == pytest.approx(1.0)


# ------------------------------------------------------------------ TF style

def test_apply_gradients_with_variables_and_a_tape():
    w = tg.Variable([[1.0], [2.0]])
    b = tg.Variable([0.0])
    x, y = tg.tensor([[1.0, 2.0], [3.0, 4.0]]), tg.tensor([[1.0], [2.0]])
    opt = optim.Adam(None, lr=0.05)
    w_arr = w.detach().numpy()
    losses = []
    for _ in range(300):
        with tg.GradientTape() as tape:
            loss = tg.reduce_mean(tg.square(x @ w + b - y))
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
        losses.append(loss.item())
    assert w.detach().numpy() is w_arr and isinstance(w, tg.Variable)
    assert losses[-1] < 1e-3 * losses[0]
    assert opt.iterations == 300
    assert len(opt.param_groups) == 1 and len(opt.param_groups[0]["params"]) == 2


def test_apply_gradients_skips_none_and_rejects_all_none():
    a, b = tg.Variable([1.0]), tg.Variable([1.0])
    opt = optim.SGD([a, b], lr=0.5)
    opt.apply_gradients([(tg.tensor([1.0]), a), (None, b)])
    assert a.item() == 0.5 and b.item() == 1.0
    with pytest.raises(ValueError, match="no gradients provided for any variable"):
        opt.apply_gradients([(None, a), (None, b)])
    with pytest.raises(TypeError, match=r"\(gradient, variable\) pairs"):
        opt.apply_gradients([a, b])
    with pytest.raises(ValueError, match=r"gradient of shape \(2,\).*shape \(1,\)"):
        opt.apply_gradients([(np.ones(2), a)])


def test_apply_gradients_agrees_with_step():
    a = nn.Parameter(tg.tensor([1.0, -1.0]))
    b = nn.Parameter(tg.tensor([1.0, -1.0]))
    oa, ob = optim.Adam([a], lr=0.1), optim.Adam([b], lr=0.1)
    for _ in range(3):
        oa.zero_grad()
        _quadratic(a).backward()
        oa.step()
        (g,) = tg.autograd.grad(_quadratic(b), [b])
        ob.apply_gradients([(g, b)])
    np.testing.assert_array_equal(a.numpy(), b.numpy())


# ------------------------------------------------------------------ groups and errors

def test_param_groups_override_defaults():
    a, b = nn.Parameter(tg.ones(1)), nn.Parameter(tg.ones(1))
    opt = optim.SGD([{"params": [a]}, {"params": b, "lr": 1.0}], lr=0.1)
    assert [g["lr"] for g in opt.param_groups] == [0.1, 1.0]
    a.grad, b.grad = tg.ones(1), tg.ones(1)
    opt.step()
    assert a.item() == pytest.approx(0.9) and b.item() == pytest.approx(0.0)
    c = nn.Parameter(tg.ones(1))
    opt.add_param_group({"params": [c], "momentum": 0.5})
    assert opt.param_groups[2]["lr"] == 0.1 and opt.param_groups[2]["momentum"] == 0.5


def test_bad_constructions_are_clear_errors():
    p = nn.Parameter(tg.ones(1))
    with pytest.raises(ValueError, match="empty parameter list"):
        optim.SGD([], lr=0.1)
    with pytest.raises(TypeError, match="iterable of Tensors or dicts"):
        optim.SGD(p, lr=0.1)
    with pytest.raises(ValueError, match="more than one parameter group"):
        optim.SGD([{"params": [p]}, {"params": [p]}], lr=0.1)
    with pytest.raises(ValueError, match="non-leaf"):
        optim.SGD([p * 2], lr=0.1)
    with pytest.raises(TypeError, match="floating point"):
        optim.SGD([tg.tensor([1, 2])], lr=0.1)
    with pytest.raises(ValueError, match="Nesterov momentum requires"):
        optim.SGD([p], lr=0.1, nesterov=True)
    with pytest.raises(ValueError, match="invalid learning rate: -1"):
        optim.Adam([p], lr=-1)
    with pytest.raises(ValueError, match="invalid beta parameter at index 1"):
        optim.Adam([p], betas=(0.9, 1.0))


def test_zero_grad_sets_none_or_zeros():
    p = nn.Parameter(tg.ones(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = tg.ones(2)
    opt.zero_grad(set_to_none=False)
    np.testing.assert_array_equal(p.grad.numpy(), [0.0, 0.0])
    opt.zero_grad()
    assert p.grad is None


# ------------------------------------------------------------------ state dicts

def _train(opt, params, steps, start=0):
    for k in range(start, start + steps):
        opt.zero_grad()
        loss = sum(((p - math.sin(k)) ** 2).sum() for p in params)
        loss.backward()
        opt.step()


@pytest.mark.parametrize("cls,kw", ALL, ids=IDS)
def test_optimizer_state_dict_resumes_exactly(cls, kw):
    init = [np.arange(6, dtype=np.float32).reshape(2, 3), np.ones(3, dtype=np.float32)]
    ref = [nn.Parameter(tg.tensor(a)) for a in init]
    opt_ref = cls(ref, **kw)
    _train(opt_ref, ref, 6)

    params = [nn.Parameter(tg.tensor(a)) for a in init]
    opt1 = cls(params, **kw)
    _train(opt1, params, 3)
    saved = opt1.state_dict()
    at_three = [p.numpy().copy() for p in params]
    _train(opt1, params, 2, start=3)             # the saved copy must not follow this
    for p, a in zip(params, at_three):
        p.detach().numpy()[...] = a
    opt2 = cls(params, **kw)
    opt2.load_state_dict(saved)
    _train(opt2, params, 3, start=3)
    for p, q in zip(params, ref):
        np.testing.assert_array_equal(p.numpy(), q.numpy())


def test_load_state_dict_checks_group_layout():
    a, b = nn.Parameter(tg.ones(2)), nn.Parameter(tg.ones(3))
    opt = optim.Adam([a, b])
    a.grad, b.grad = tg.ones(2), tg.ones(3)
    opt.step()
    sd = opt.state_dict()
    with pytest.raises(ValueError, match="group 0 has 2 parameters in the state dict but 1"):
        optim.Adam([a]).load_state_dict(sd)
    with pytest.raises(ValueError, match="has 1 parameter groups, the optimizer has 2"):
        optim.Adam([{"params": [a]}, {"params": [b]}]).load_state_dict(sd)
    with pytest.raises(ValueError, match=r"'exp_avg' of parameter 0 has shape \(2,\)"):
        optim.Adam([b, a]).load_state_dict(sd)


# ------------------------------------------------------------------ schedulers

def _lrs(sched, n):
    out = []
    for _ in range(n):
        out.append(sched.get_last_lr()[0])
        sched.optimizer.step()
        sched.step()
    return out


def _opt(lr=1.0):
    return optim.SGD([nn.Parameter(tg.ones(1))], lr=lr)


def test_step_and_exponential_schedules():
    assert _lrs(lr_scheduler.StepLR(_opt(), step_size=2, gamma=0.1), 5) == pytest.approx(
        [1.0, 1.0, 0.1, 0.1, 0.01])
    assert _lrs(lr_scheduler.ExponentialLR(_opt(), gamma=0.5), 4) == pytest.approx(
        [1.0, 0.5, 0.25, 0.125])
    assert _lrs(lr_scheduler.MultiStepLR(_opt(), [1, 3], 0.5), 4) == pytest.approx(
        [1.0, 0.5, 0.5, 0.25])
    assert _lrs(lr_scheduler.LambdaLR(_opt(2.0), lambda e: 1 / (e + 1)), 3) == pytest.approx(
        [2.0, 1.0, 2 / 3])


def test_cosine_schedule_follows_the_closed_form():
    T, lo = 5, 0.1
    got = _lrs(lr_scheduler.CosineAnnealingLR(_opt(), T_max=T, eta_min=lo), 2 * T + 1)
    want = [lo + (1 - lo) * (1 + math.cos(math.pi * t / T)) / 2 for t in range(2 * T + 1)]
    assert got == pytest.approx(want, abs=1e-12)


def test_scheduler_state_dict_round_trip_and_errors():
    opt = _opt()
    sched = lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    _lrs(sched, 3)
    state = sched.state_dict()
    assert "optimizer" not in state and state["last_epoch"] == 3
    opt2 = _opt()
    opt2.load_state_dict(opt.state_dict())
    sched2 = lr_scheduler.StepLR(opt2, step_size=2, gamma=0.5)
    sched2.load_state_dict(state)
    assert _lrs(sched2, 4) == _lrs(sched, 4)
    with pytest.raises(TypeError, match="not an Optimizer"):
        lr_scheduler.StepLR(object(), step_size=1)
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(_opt(), step_size=1, last_epoch=3)
    with pytest.raises(ValueError, match="step_size must be a positive"):
        lr_scheduler.StepLR(_opt(), step_size=0)


def test_keras_style_loop_with_a_module_tape_and_apply_gradients():
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 8), nn.Tanh(), nn.Linear(8, 1))
    x = tg.randn(32, 2)
    y = x[:, :1] * 2 - x[:, 1:]
    model[2].bias.requires_grad_(False)             # frozen: not a trainable variable
    frozen = model[2].bias.numpy().copy()
    assert len(model.trainable_variables) == 3
    opt = optim.Adam(None, lr=0.05)
    first = None
    for _ in range(100):
        with tg.GradientTape() as tape:
            loss = nn.functional.mse_loss(model(x), y)
        grads = tape.gradient(loss, model.trainable_variables)
        opt.apply_gradients(zip(grads, model.trainable_variables))
        first = first if first is not None else loss.item()
    assert loss.item() < 0.05 * first
    np.testing.assert_array_equal(model[2].bias.numpy(), frozen)
    assert model[2].bias not in opt.state


def test_minimize_takes_a_callable_or_a_recorded_loss():
    v = tg.Variable([1.0, -1.0])
    opt = optim.SGD(None, lr=0.1)
    value = opt.minimize(lambda: (v * v).sum(), [v])
    assert value.item() == 2.0
    np.testing.assert_allclose(v.numpy(), [0.8, -0.8])
    with tg.GradientTape() as tape:
        loss = (v * v).sum()
    opt.minimize(loss, [v], tape=tape)
    np.testing.assert_allclose(v.numpy(), [0.64, -0.64])
    with pytest.raises(ValueError, match="GradientTape that recorded"):
        opt.minimize(loss, [v])


@pytest.mark.parametrize("cls,kw", ALL, ids=IDS)
def test_a_step_allocates_no_parameter_sized_memory(cls, kw):
    import tracemalloc
    params = [nn.Parameter(tg.randn(256, 256)) for _ in range(3)]
    for p in params:
        p.grad = tg.randn(256, 256)
    opt = cls(params, **kw)
    opt.step()                                  # state and scratch buffers appear here
    tracemalloc.start()
    try:
        opt.step()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 256 * 256 * 4 / 10
