"""Edge conventions: NaN-safe masking, fully masked rows, norm at 0 (first and second
order, reverse and forward mode), each checked against finite differences away from the
edge and against the stated value at it."""
import numpy as np
import pytest

import tapegrad as tg

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def fd_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e.flat[i] = eps
        g.flat[i] = (f(x + e).item() - f(x - e).item()) / (2 * eps)
    return g


def all_finite(t):
    return bool(np.all(np.isfinite(t.numpy())))


MASKED = [
    ("where-sqrt", lambda x: tg.sum(tg.where(x > 0, tg.sqrt(x), 0.0)),
     np.array([-1.0, 0.0, 4.0]), np.array([0.0, 0.0, 0.25])),
    ("where-xlogx", lambda x: tg.sum(tg.where(x > 0, x * tg.log(x), 0.0)),
     np.array([-2.0, 0.0, np.e]), np.array([0.0, 0.0, 2.0])),
    ("where-div", lambda x: tg.sum(tg.where(x != 0, 1.0 / x, 1.0)),
     np.array([0.0, 2.0]), np.array([0.0, -0.25])),
    ("where-pow", lambda x: tg.sum(tg.where(x > 0, x ** 0.5, 0.0)),
     np.array([-1.0, 4.0]), np.array([0.0, 0.25])),
    ("clip-log", lambda x: tg.sum(tg.clip(tg.log(x), -1.0, 1.0)),
     np.array([-1.0, 0.0, 2.0]), np.array([0.0, 0.0, 0.5])),
    ("maximum-log", lambda x: tg.sum(tg.maximum(tg.log(x), -1.0)),
     np.array([-1.0, 0.0, 2.0]), np.array([0.0, 0.0, 0.5])),
    ("minimum-recip", lambda x: tg.sum(tg.minimum(1.0 / x, 1.0)),
     np.array([0.0, 0.5, 2.0]), np.array([0.0, 0.0, -0.25])),
]


@pytest.mark.parametrize("name,f,x,expected", MASKED, ids=[m[0] for m in MASKED])
def test_masked_branch_never_leaks_into_gradient(name, f, x, expected):
    g = tg.grad(f)(x)
    np.testing.assert_allclose(g.numpy(), expected, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name,f,x,expected", MASKED, ids=[m[0] for m in MASKED])
def test_masked_branch_never_leaks_at_second_order(name, f, x, expected):
    h = tg.hessian(f)(x)
    assert all_finite(h), h
    gg = tg.grad(lambda t: tg.sum(tg.grad(f)(t)))(x)
    assert all_finite(gg), gg


@pytest.mark.parametrize("name,f,x,expected", MASKED, ids=[m[0] for m in MASKED])
def test_masked_branch_never_leaks_under_jvp(name, f, x, expected):
    for i in range(x.size):
        u = np.zeros_like(x)
        u[i] = 1.0
        _, t = tg.jvp(f, (x,), (u,))
        assert t.item() == pytest.approx(expected[i], abs=1e-12)


def test_masked_gradients_match_finite_differences_away_from_the_edge():
    x = np.array([0.3, 1.7, 2.2])
    for name, f, _, _ in MASKED:
        if name in ("where-div", "minimum-recip"):
            continue
        np.testing.assert_allclose(tg.grad(f)(x).numpy(), fd_grad(f, x), rtol=1e-6,
                                   err_msg=name)


def test_maximum_and_minimum_split_ties():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = tg.tensor([1.0, 1.0], requires_grad=True)
    tg.sum(tg.maximum(x, y)).backward()
    np.testing.assert_allclose(x.grad.numpy(), [0.5, 1.0])
    np.testing.assert_allclose(y.grad.numpy(), [0.5, 0.0])


MASKED_ROW = np.array([[-np.inf, -np.inf, -np.inf], [0.5, -np.inf, 2.0]])


def test_logsumexp_of_fully_masked_row():
    x = tg.tensor(MASKED_ROW, requires_grad=True)
    y = tg.logsumexp(x, axis=-1)
    assert y.numpy()[0] == -np.inf
    assert y.numpy()[1] == pytest.approx(np.log(np.exp(0.5) + np.exp(2.0)))
    tg.sum(tg.where(tg.tensor([False, True]), y, 0.0)).backward()
    assert all_finite(x.grad)
    np.testing.assert_allclose(x.grad.numpy()[0], [0.0, 0.0, 0.0])
    # reverse over the masked row itself (cotangent 1 there) is still zero, not NaN
    g = tg.grad(lambda t: tg.sum(tg.exp(tg.logsumexp(t, axis=-1))))(MASKED_ROW)
    assert all_finite(g) and np.all(g.numpy()[0] == 0)


def test_softmax_of_fully_masked_row_is_zero_with_zero_gradient():
    f = lambda t: tg.sum(tg.softmax(t, axis=-1) * tg.tensor([[1.0, 2.0, 3.0]]))  # noqa
    y = tg.softmax(tg.tensor(MASKED_ROW), axis=-1).numpy()
    np.testing.assert_array_equal(y[0], [0.0, 0.0, 0.0])
    assert y[1].sum() == pytest.approx(1.0)
    g = tg.grad(f)(MASKED_ROW)
    assert all_finite(g)
    np.testing.assert_array_equal(g.numpy()[0], [0.0, 0.0, 0.0])
    h = tg.jacfwd(lambda t: tg.softmax(t, axis=-1))(MASKED_ROW[0])
    assert all_finite(h) and np.all(h.numpy() == 0)


def test_log_softmax_of_fully_masked_row():
    y = tg.log_softmax(tg.tensor(MASKED_ROW), axis=-1).numpy()
    assert np.all(y[0] == -np.inf)
    g = tg.grad(lambda t: tg.sum(tg.where(tg.tensor(np.isfinite(MASKED_ROW)),
                                          tg.log_softmax(t, axis=-1), 0.0)))(MASKED_ROW)
    assert all_finite(g)


def test_softmax_family_is_stable_at_large_inputs():
    x = np.array([1000.0, -1000.0, 0.0])
    for fn in (tg.softmax, tg.log_softmax, tg.logsumexp, tg.sigmoid, tg.softplus):
        y = fn(tg.tensor(x))
        assert np.all(np.isfinite(y.numpy()) | (y.numpy() == -np.inf) & (fn is tg.log_softmax))
        g = tg.grad(lambda t: tg.sum(fn(t) * tg.tensor([0.3, 0.2, 0.5])))(x)
        assert all_finite(g), fn.__name__


def test_norm_at_zero_has_zero_gradient_and_finite_hessian():
    z = np.zeros(3)
    np.testing.assert_array_equal(tg.grad(tg.norm)(z).numpy(), [0.0, 0.0, 0.0])
    h = tg.hessian(tg.norm)(z)
    assert all_finite(h)
    _, t = tg.jvp(tg.norm, (z,), (np.ones(3),))
    assert t.item() == 0.0
    np.testing.assert_array_equal(tg.grad(tg.linalg.norm)(z).numpy(), [0.0, 0.0, 0.0])


def test_norm_matches_finite_differences_and_torch_away_from_zero():
    x = np.array([[0.3, -1.2], [2.0, 0.5]])
    f = lambda t: tg.norm(t)                                  # noqa: E731
    np.testing.assert_allclose(tg.grad(f)(x).numpy(), fd_grad(f, x), rtol=1e-7)
    fa = lambda t: tg.sum(tg.norm(t, axis=1) ** 3)            # noqa: E731
    np.testing.assert_allclose(tg.grad(fa)(x).numpy(), fd_grad(fa, x), rtol=1e-7)
    torch = pytest.importorskip("torch")
    tx = torch.tensor(x, requires_grad=True)
    torch.linalg.vector_norm(tx, dim=1, keepdim=True).sum().backward()
    xg = tg.tensor(x, requires_grad=True)
    tg.sum(tg.norm(xg, axis=1, keepdims=True)).backward()
    np.testing.assert_allclose(xg.grad.numpy(), tx.grad.numpy(), rtol=1e-12)
    for ord_ in (1, np.inf, 3):
        np.testing.assert_allclose(tg.norm(tg.tensor(x), ord=ord_, axis=1).numpy(),
                                   np.linalg.norm(x, ord=ord_, axis=1), rtol=1e-12)


def test_sqrt_of_sum_of_squares_is_the_documented_trap():
    # the hand-written form has a NaN gradient at 0; norm is the way out
    g = tg.grad(lambda t: tg.sqrt(tg.sum(t * t)))(np.zeros(2))
    assert np.all(np.isnan(g.numpy()))
    assert "norm" in tg.sqrt.__doc__


def test_conventions_are_written_in_docstrings():
    assert "zero gradient" in tg.where.__doc__ or "zero" in tg.where.__doc__
    from tapegrad.ops import activations, linalg, reduce
    assert "-inf" in reduce.LogSumExp.__doc__
    assert "-inf" in activations.Softmax.__doc__
    assert "subgradient" in linalg.Norm.__doc__


def test_cross_entropy_with_masked_classes_and_fully_masked_rows():
    logits = np.array([[-np.inf, -np.inf, -np.inf], [1.0, 2.0, 3.0], [0.0, -np.inf, 1.0]])
    x = tg.tensor(logits, requires_grad=True)
    loss = tg.nn.functional.cross_entropy(x, tg.tensor([0, 2, 0]))
    loss.backward()
    assert np.isfinite(loss.item()) and all_finite(x.grad)
    np.testing.assert_array_equal(x.grad.numpy()[0], [0.0, 0.0, 0.0])   # skipped row
    per = tg.nn.functional.cross_entropy(tg.tensor(logits), tg.tensor([0, 2, 0]),
                                         reduction="none").numpy()
    assert per[0] == 0.0 and np.all(np.isfinite(per))
    torch = pytest.importorskip("torch")
    tx = torch.tensor(logits[1:], requires_grad=True)
    expected = torch.nn.functional.cross_entropy(tx, torch.tensor([2, 0]))
    expected.backward()
    assert loss.item() == pytest.approx(expected.item(), rel=1e-12)   # mean over live rows
    np.testing.assert_allclose(x.grad.numpy()[1:], tx.grad.numpy(), rtol=1e-12)


def test_division_gradient_does_not_underflow_for_tiny_divisors():
    # -x / y^2 as (-x / y) / y: y * y is 0 below 1e-154 while x / y is finite
    a = tg.tensor(np.array([3e-200, 1e-300]), requires_grad=True)
    b = tg.tensor(np.array([1e-200, 1e-300]), requires_grad=True)
    (a / b).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), [1e200, 1e300])
    np.testing.assert_allclose(b.grad.numpy(), [-3e200, -1e300])
    x = tg.tensor(np.array([1e-300, 2.0]), requires_grad=True)
    (x / x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), [0.0, 0.0])


def test_std_of_a_constant_has_gradient_zero_as_in_torch():
    torch = pytest.importorskip("torch")
    a = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    x = tg.tensor(a, requires_grad=True)
    tg.std(x, axis=-1).sum().backward()
    t = torch.tensor(a, requires_grad=True)
    torch.std(t, dim=-1).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), t.grad.numpy(), rtol=1e-12)
    assert np.isnan(tg.std(tg.tensor(np.array([1.0, np.nan]))).item())
