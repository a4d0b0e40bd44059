"""Hostile-probe leftovers against torch 2.13: tg.roll's and tg.outer's argument rules,
and the optimizer state_dict's copies (an intended difference, written as such)."""
import re

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

X = tg.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])


@pytest.mark.parametrize("call, match", [
    # torch: "shifts and dimensions must align. shifts: 2, dims:1" (and dims:0)
    (lambda: tg.roll(X, (1, 2), 0), r"roll: shift \(1, 2\) and axis 0 do not pair up.*"
                                    r"got 2 shift\(s\) for 1 dim\(s\)"),
    (lambda: tg.roll(X, (1, 2)), r"got 2 shift\(s\) for 0 dim\(s\)"),
    (lambda: tg.roll(X, 1, (0, 1)), r"got 1 shift\(s\) for 2 dim\(s\)"),
    (lambda: tg.roll(X, shifts=[1], dims=[0, 1]), r"roll: shifts \[1\] and dims \[0, 1\]"),
    (lambda: X.roll((1, 1), 0), r"got 2 shift\(s\) for 1 dim\(s\)"),
    (lambda: tg.roll(X, ()), r"roll: shift is empty"),        # torch: "`shifts` required"
    (lambda: tg.roll(input=X, shifts=[]), r"roll: shifts is empty"),
])
def test_roll_wants_one_shift_per_dim_as_torch(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_roll_forms_torch_accepts_still_work_and_tnp_keeps_numpys_broadcasting():
    a = np.arange(6.0).reshape(2, 3)
    assert tg.roll(X, 1).tolist() == np.roll(a + 1, 1).tolist()
    assert tg.roll(X, (1, 1), (0, 1)).tolist() == np.roll(a + 1, (1, 1), (0, 1)).tolist()
    assert tg.roll(X, tg.tensor(1), 0).tolist() == np.roll(a + 1, 1, 0).tolist()
    assert X.roll([1, -1], [0, 1]).tolist() == np.roll(a + 1, (1, -1), (0, 1)).tolist()
    assert tg.roll(X, (1, 1), (0, 0)).tolist() == (a + 1).tolist()
    assert tnp.roll(X, (1, 2), 0).tolist() == np.roll(a + 1, (1, 2), 0).tolist()
    assert tnp.roll(X, (1, 2)).tolist() == np.roll(a + 1, (1, 2)).tolist()


@pytest.mark.parametrize("x, y, bad", [
    (X, tg.ones(2), "x of shape (2, 3) (2-D)"),
    (tg.tensor(2.0), tg.ones(2), "x of shape () (0-D)"),
    (tg.ones(2), 2.0, "y of shape () (0-D)"),
    (tg.ones(2), tg.ones(1, 2), "y of shape (1, 2) (2-D)"),
])
def test_outer_wants_vectors_as_torch(x, y, bad):
    # torch: "outer: Expected 1-D argument self, but got 2-D"
    with pytest.raises(ValueError, match="outer: expected 1-D arguments, got " + re.escape(bad)):
        tg.outer(x, y)


def test_outer_method_and_ger_want_vectors():
    with pytest.raises(ValueError, match=r"outer: expected 1-D arguments, got x of shape \(2, 3\)"):
        X.outer(tg.ones(2))
    with pytest.raises(ValueError, match=r"got y of shape \(2, 3\)"):
        tg.ones(2).ger(X)


def test_outer_of_vectors_and_tnp_outer_flattening():
    o = tg.outer(tg.tensor([1, 2]), tg.tensor([1.5, 2.0, 3.0]))
    assert o.dtype == np.float32 and o.shape == (2, 3)
    assert tg.outer(tg.zeros(0), tg.zeros(2)).shape == (0, 2)
    assert tnp.outer(tnp.ones((2, 2)), tnp.ones(3)).shape == (4, 3)     # np.outer's ravel
    assert tg.vmap(lambda v: tg.outer(v, v))(tg.ones((4, 3))).shape == (4, 3, 3)


@pytest.mark.parametrize("name", ["SGD", "Adam", "RMSprop", "Adagrad", "Rprop"])
def test_optimizer_state_dict_is_a_copy_both_ways(name):
    # Intended difference: torch 2.13's Optimizer.state_dict() returns the optimizer's own
    # state tensors and per-parameter dicts (editing them edits the optimizer), and its
    # load_state_dict keeps the given tensors (same dtype and device). tapegrad copies in
    # both directions: a saved checkpoint (API.md "tg.save ... opt.state_dict()") stays
    # what it was when taken, however training goes on.
    p = tg.nn.Parameter(tg.tensor([1.0, 2.0]))
    kw = {"momentum": 0.9} if name == "SGD" else {}
    opt = getattr(tg.optim, name)([p], lr=0.1, **kw)
    (p ** 2).sum().backward()
    opt.step()
    sd = opt.state_dict()
    state = sd["state"][0]
    keys = [k for k, v in state.items() if isinstance(v, tg.Tensor) and v.ndim]
    assert keys
    before = {k: opt.state_dict()["state"][0][k].numpy().copy() for k in keys}
    with tg.no_grad():
        for k in keys:
            state[k].add_(100.0)
    state["step"] = 12345
    sd["param_groups"][0]["lr"] = 99.0
    after = opt.state_dict()
    for k in keys:
        np.testing.assert_array_equal(after["state"][0][k].numpy(), before[k])
    assert opt.param_groups[0]["lr"] == 0.1
    assert after["state"][0].get("step") != 12345
    # load_state_dict copies what it is given
    opt2 = getattr(tg.optim, name)([p], lr=0.1, **kw)
    given = opt.state_dict()
    opt2.load_state_dict(given)
    with tg.no_grad():
        given["state"][0][keys[0]].add_(1000.0)
    given["param_groups"][0]["lr"] = 77.0
    np.testing.assert_array_equal(opt2.state_dict()["state"][0][keys[0]].numpy(),
                                  before[keys[0]])
    assert opt2.param_groups[0]["lr"] == 0.1
