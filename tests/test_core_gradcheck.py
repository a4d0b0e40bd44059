"""gradcheck and gradgradcheck themselves: they pass right rules and catch wrong ones."""
import numpy as np
import pytest

import tapegrad as tg
from tapegrad.ops import elementwise as E


def leaf(values, dtype=np.float64):
    return tg.tensor(np.asarray(values, dtype=dtype), requires_grad=True)


def test_gradcheck_passes_a_right_gradient_and_returns_true():
    assert tg.gradcheck(lambda x, y: (x * y.sin()).sum(), (leaf([0.5, 1.5]), leaf([1.0, 2.0])))


def test_gradcheck_names_the_input_and_the_worst_element():
    x, y = leaf([1.0, 2.0]), leaf([[0.5, 1.0], [3.0, -1.0]])
    # y's gradient is off at element (1, 0) only: the detached factor drops y[1, 0]'s
    # own contribution to y[1, 0] ** 2
    def f(x, y):
        mask = np.array([[1.0, 1.0], [0.0, 1.0]])
        return (x * y * y * mask).sum() + (x * y * y.detach() * (1 - mask)).sum()
    with pytest.raises(tg.GradcheckError, match=r"input 1 at element \(1, 0\)") as err:
        tg.gradcheck(f, (x, y))
    assert "analytic" in str(err.value) and "numeric" in str(err.value)
    assert "np.float64" not in str(err.value)


def test_gradcheck_runs_in_float64_even_for_float32_inputs():
    x = leaf([0.3, 0.7], dtype=np.float32)
    seen = []

    def f(t):
        seen.append(t.dtype)
        return t.exp()
    assert tg.gradcheck(f, (x,))
    assert set(seen) == {np.dtype(np.float64)}


def test_gradcheck_skips_inputs_that_do_not_require_grad():
    x, c = leaf([1.0, 2.0]), tg.tensor(np.array([3.0, 4.0]))
    # c's "gradient" would be wrong (detached), but c is not checked
    assert tg.gradcheck(lambda x, c: x * c.detach(), (x, c))


def test_gradcheck_refuses_to_pass_vacuously():
    with pytest.raises(ValueError, match="requires grad"):
        tg.gradcheck(lambda x: x * x, (tg.tensor(np.array([1.0])),))


def test_gradcheck_with_forward_ad_catches_a_wrong_jvp(monkeypatch):
    x = leaf([0.2, 0.9])
    assert tg.gradcheck(tg.sin, (x,), check_forward_ad=True)
    monkeypatch.setattr(E.Sin, "jvp", staticmethod(lambda ctx, dx: dx))
    assert tg.gradcheck(tg.sin, (x,))            # the reverse rule is still right
    with pytest.raises(tg.GradcheckError, match="forward-mode"):
        tg.gradcheck(tg.sin, (x,), check_forward_ad=True)


def test_gradgradcheck_catches_a_rule_that_is_not_differentiable_again(monkeypatch):
    x = leaf([0.2, 0.9])
    assert tg.gradgradcheck(tg.sin, (x,))
    # computing cos on the raw array is right to first order, but a constant to the
    # second: exactly the mistake writing rules in tapegrad ops prevents
    monkeypatch.setattr(E.Sin, "vjp", staticmethod(
        lambda ctx, g: (g * np.cos(getattr(ctx.saved[0], "_data", ctx.saved[0])),)))
    assert tg.gradcheck(tg.sin, (x,))
    with pytest.raises(tg.GradcheckError):
        tg.gradgradcheck(tg.sin, (x,))


def test_gradcheck_accepts_multiple_outputs():
    x = leaf([[1.0, 2.0], [3.0, 4.0]])
    assert tg.gradcheck(lambda t: tg.split(t * t, 1, axis=0), (x,))
