"""Issue 15 leftovers (session 8): what the W9 speed work changed (nodes of products with
a constant keep nothing the gradient does not read), logsumexp over an empty axis,
topk(sorted=False), tnp.pad's statistic modes, tnp.select, and the autograd coverage
list in docs/numpy.md."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import scipy.special
torch = pytest.importorskip("torch")

import tapegrad as tg
import tapegrad.numpy as tnp

ROOT = Path(__file__).resolve().parent.parent


def _saved(t):
    return t.grad_fn._saved


@pytest.mark.parametrize("make", [lambda u: 4.0 * u, lambda u: u * 4.0, lambda u: u / 3.0,
                                  lambda u: u * np.full(3, 2.0), lambda u: tg.tensor(
                                      np.full(3, 2.0)) * u])
def test_a_product_with_a_constant_keeps_no_copy_of_the_variable(make):
    x = tg.tensor([1.0, -2.0, 3.0], requires_grad=True)
    u = tg.tanh(x)                          # an intermediate, so keeping it would cost
    y = make(u)
    kept = [v for v in _saved(y) if v is not None]
    assert not any(v is u._data for v in kept if isinstance(v, np.ndarray))
    (gx,) = tg.autograd.grad(y.sum(), [x], create_graph=True)
    # the gradient against finite differences of the same function, and second order
    assert tg.gradcheck(lambda a: make(tg.tanh(a)), (x,))
    assert tg.gradgradcheck(lambda a: make(tg.tanh(a)), (x,))
    assert gx.shape == (3,)


def test_both_operands_variable_keep_both():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = tg.tensor([3.0, 4.0], requires_grad=True)
    z = x * y
    assert all(v is not None for v in _saved(z))
    z.sum().backward()
    assert x.grad.tolist() == [3.0, 4.0] and y.grad.tolist() == [1.0, 2.0]


def test_heat_program_gradient_equals_the_hand_written_adjoint():
    sys.path.insert(0, str(ROOT))
    try:
        from bench import numpy_programs as NP
    finally:
        sys.path.pop(0)
    u0 = np.random.default_rng(3).standard_normal((8, 8))
    steps, a = 5, NP.HEAT_ALPHA

    def loss(np_, u):
        for _ in range(steps):
            lap = (np_.roll(u, 1, axis=0) + np_.roll(u, -1, axis=0)
                   + np_.roll(u, 1, axis=1) + np_.roll(u, -1, axis=1) - 4.0 * u)
            u = u + a * lap
        return np_.sum(u * u)

    g = tg.grad(lambda u: loss(tnp, u))(u0).numpy()

    def step(u):
        return u + a * (np.roll(u, 1, 0) + np.roll(u, -1, 0) + np.roll(u, 1, 1)
                        + np.roll(u, -1, 1) - 4.0 * u)
    u = u0
    for _ in range(steps):
        u = step(u)
    h = 2.0 * u
    for _ in range(steps):
        h = step(h)             # the step is symmetric: its own adjoint
    np.testing.assert_allclose(g, h, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("shape,axis", [((2, 0), 1), ((0, 3), 0), ((0, 3), 1), ((0,), 0)])
def test_logsumexp_of_an_empty_axis_is_minus_inf(shape, axis):
    x = tg.zeros(shape, dtype=tg.float64, requires_grad=True)
    y = tg.logsumexp(x, axis)
    want = torch.logsumexp(torch.zeros(shape, dtype=torch.float64), axis).numpy()
    np.testing.assert_array_equal(y.numpy(), want)
    np.testing.assert_array_equal(y.numpy(), scipy.special.logsumexp(np.zeros(shape),
                                                                      axis=axis))
    y.sum().backward()
    assert x.grad.shape == shape
    from tapegrad.scipy.special import logsumexp
    np.testing.assert_array_equal(logsumexp(np.zeros(shape), axis=axis).numpy(), want)


def test_topk_unsorted_gives_torchs_values_and_indices():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((4, 9))
    for largest in (True, False):
        v, i = tg.topk(tg.tensor(a), 3, dim=1, largest=largest, sorted=False)
        tv, ti = torch.topk(torch.tensor(a), 3, dim=1, largest=largest, sorted=False)
        # torch leaves the order unspecified: compare as sets, and values at indices
        np.testing.assert_array_equal(np.sort(v.numpy(), 1), np.sort(tv.numpy(), 1))
        np.testing.assert_array_equal(np.sort(i.numpy(), 1), np.sort(ti.numpy(), 1))
        np.testing.assert_array_equal(np.take_along_axis(a, i.numpy(), 1), v.numpy())


@pytest.mark.parametrize("mode", ["mean", "maximum", "minimum", "median"])
@pytest.mark.parametrize("pad_width,stat_length", [(((1, 2), (2, 1)), None), (2, 2),
                                                   ((1, 3), ((1, 2), (3, 1)))])
def test_pad_statistic_modes_match_numpy(mode, pad_width, stat_length):
    x = np.array([[1.0, 5.0, 2.0, 7.0], [4.0, 0.0, 9.0, 3.0], [6.0, 2.0, 8.0, 1.0]])
    kw = {} if stat_length is None else {"stat_length": stat_length}
    np.testing.assert_allclose(tnp.pad(x, pad_width, mode=mode, **kw).numpy(),
                               np.pad(x, pad_width, mode=mode, **kw))
    xi = np.array([1, 2, 4, 7])
    np.testing.assert_array_equal(tnp.pad(xi, 2, mode=mode).numpy(),
                                  np.pad(xi, 2, mode=mode))
    t = tg.tensor(x, requires_grad=True)
    if mode in ("mean", "median"):  # maximum/minimum: no ties at these values either
        assert tg.gradcheck(lambda a: tnp.pad(a, pad_width, mode=mode, **kw), (t,))


def test_pad_bad_arguments():
    with pytest.raises(ValueError, match="pad"):
        tnp.pad(np.ones(3), -1, mode="mean")
    with pytest.raises(ValueError, match="stat_length"):
        tnp.pad(np.ones(3), 1, mode="mean", stat_length=0)
    with pytest.raises(ValueError, match="empty"):
        tnp.pad(np.ones((0, 2)), 1, mode="maximum")
    with pytest.raises(TypeError, match="pad"):
        tnp.pad(np.ones(3), 1, mode="mean", constant_values=2)
    # the other modes are tg.pad's
    np.testing.assert_array_equal(tnp.pad(np.arange(3.0), 1, mode="edge").numpy(),
                                  np.pad(np.arange(3.0), 1, mode="edge"))


def test_select_matches_numpy_and_differentiates():
    x = np.array([-2.0, -0.3, 0.4, 3.0])
    conds, choices = [x < 0, x > 1, x < -1], [x * 2, x * x, -x]
    np.testing.assert_array_equal(tnp.select(conds, choices, 7.0).numpy(),
                                  np.select(conds, choices, 7.0))
    np.testing.assert_array_equal(tnp.select(conds, choices).numpy(), np.select(conds, choices))
    g = tg.grad(lambda t: tnp.select([t < 0, t > 1], [t * 2, t * t], t * 5).sum())(x)
    np.testing.assert_array_equal(g.numpy(), [2.0, 2.0, 5.0, 6.0])
    assert np.select is not None and tnp.select([x > 0], [tg.tensor(x)]).shape == (4,)
    with pytest.raises(ValueError, match="same length"):
        tnp.select([x > 0], [])
    with pytest.raises(TypeError, match="boolean"):
        tnp.select([x], [x])
    # np.select on a tensor reaches tnp.select through __array_function__
    t = tg.tensor(x, requires_grad=True)
    y = np.select([x > 0], [t * 3.0], 0.0)
    y.sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), [0.0, 0.0, 3.0, 3.0])


def test_coverage_script_matches_the_documented_list():
    run = subprocess.run([sys.executable, str(ROOT / "scripts" / "autograd_coverage.py"),
                          "--missing"], capture_output=True, text=True, timeout=120,
                         env={"PYTHONPATH": str(ROOT / "src"), "PATH": ""})
    assert run.returncode == 0, run.stderr
    missing = [ln.split()[1] for ln in run.stdout.splitlines() if ln.startswith("MISSING")]
    doc = (ROOT / "docs" / "numpy.md").read_text()
    for name in missing:
        assert f"`{name.replace('autograd.', '')}`" in doc, f"{name} not in docs/numpy.md"
    assert "present" in run.stderr


@pytest.mark.parametrize("reduce,how", [("sum", "sum"), ("add", "sum"), ("prod", "prod"),
                                        ("multiply", "prod"), ("mean", "mean"),
                                        ("amax", "amax"), ("amin", "amin")])
def test_scatter_reduce_matches_torch_values_and_gradients(reduce, how):
    rng = np.random.default_rng(1)
    x, src = rng.standard_normal((3, 4)), rng.standard_normal((2, 4))
    idx = rng.integers(0, 3, (2, 4))
    src[1, 1] = x[idx[1, 1], 1]             # a tie between x and src
    src[0, 2] = 0.0                         # a zero in a product
    w = rng.standard_normal((3, 4))
    tx, ts = tg.tensor(x, requires_grad=True), tg.tensor(src, requires_grad=True)
    y = tg.scatter(tx, 0, tg.tensor(idx), ts, reduce=reduce)
    (y * tg.tensor(w)).sum().backward()
    px, ps = (torch.tensor(a, requires_grad=True) for a in (x, src))
    py = px.scatter_reduce(0, torch.tensor(idx), ps, how, include_self=True)
    (py * torch.tensor(w)).sum().backward()
    np.testing.assert_allclose(y.numpy(), py.detach().numpy(), rtol=1e-13)
    np.testing.assert_allclose(tx.grad.numpy(), px.grad.numpy(), rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(ts.grad.numpy(), ps.grad.numpy(), rtol=1e-13, atol=1e-15)


def test_scatter_reduce_integers_value_and_in_place():
    xi = np.array([5, 1, 7])
    got = tg.scatter(tg.tensor(xi), 0, tg.tensor([0, 0, 2]), tg.tensor([2, 3, 4]),
                     reduce="mean")
    want = torch.tensor(xi).scatter_reduce(0, torch.tensor([0, 0, 2]),
                                           torch.tensor([2, 3, 4]), "mean")
    np.testing.assert_array_equal(got.numpy(), want.numpy())
    assert got.dtype == np.int64
    np.testing.assert_array_equal(
        tg.ones(3).scatter(0, tg.tensor([1, 1]), value=4.0, reduce="multiply").numpy(),
        torch.ones(3).scatter(0, torch.tensor([1, 1]), 4.0, reduce="multiply").numpy())
    assert tg.scatter(tg.tensor(2.0), 0, tg.tensor(0), tg.tensor(3.0),
                      reduce="prod").item() == 6.0
    t = tg.zeros(3)
    assert t.scatter_(0, tg.tensor([2, 0, 2]), tg.tensor([1.0, 2.0, 3.0]),
                      reduce="add") is t
    assert t.tolist() == [2.0, 0.0, 4.0]
    a = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    s = tg.tensor([5.0, 6.0], requires_grad=True)
    y = a * 1.0
    y.scatter_(0, tg.tensor([0, 0]), s, reduce="prod")
    y.sum().backward()
    assert a.grad.tolist() == [30.0, 1.0, 1.0] and s.grad.tolist() == [6.0, 5.0]
    with pytest.raises(ValueError, match="reduce"):
        tg.scatter(tg.zeros(3), 0, tg.tensor([0]), tg.tensor([1.0]), reduce="max")
    with pytest.raises(RuntimeError):
        tg.zeros(2, requires_grad=True).scatter_(0, tg.tensor([0]), tg.tensor([1.0]))
