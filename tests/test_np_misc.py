"""tapegrad.misc (autograd.misc's flatten and optimizers): the same flat vectors,
structures and optimizer trajectories as autograd in float64, and gradients through
them."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad.misc import flatten
from tapegrad.misc.optimizers import adam, rmsprop, sgd

STRUCT = {"z": [np.ones((2, 3)), (np.arange(2.0), 3.0)], "a": (np.eye(2), np.zeros(1))}
R = np.random.default_rng(0)
X, Y = R.standard_normal((20, 3)), R.standard_normal(20)


def _loss(np_):
    def loss(p, i):
        return np_.sum((np_.dot(X, p["w"]) + p["b"] - Y) ** 2) / 20
    return loss


def test_flatten_round_trips_and_differentiates():
    flat, unflatten = flatten(STRUCT)
    assert flat.shape == (4 + 1 + 6 + 2 + 1,)
    back = unflatten(flat)
    assert back.keys() == STRUCT.keys() and isinstance(back["z"][1], tuple)
    np.testing.assert_array_equal(back["z"][0].numpy(), STRUCT["z"][0])
    assert back["z"][1][1].shape == ()
    g = tg.grad(lambda v: tnp.sum(unflatten(v)["a"][0] ** 2))(flat)
    assert g.numpy()[:4].tolist() == [2.0, 0.0, 0.0, 2.0] and not g.numpy()[4:].any()
    with pytest.raises(ValueError, match="length 14"):
        unflatten(tnp.zeros(3))


def test_flatten_matches_autograd():
    af = pytest.importorskip("autograd.misc")
    np.testing.assert_array_equal(flatten(STRUCT)[0].numpy(), af.flatten(STRUCT)[0])


@pytest.mark.parametrize("name,kw", [("adam", {"num_iters": 30, "step_size": 0.1}),
                                     ("sgd", {"num_iters": 30}),
                                     ("rmsprop", {"num_iters": 30, "step_size": 0.05})])
def test_optimizers_follow_autograds(name, kw):
    ours = {"adam": adam, "sgd": sgd, "rmsprop": rmsprop}[name]
    seen = []
    r = ours(tg.grad(_loss(tnp)), {"w": np.zeros(3), "b": 0.0},
             callback=lambda p, i, g: seen.append((i, sorted(p), sorted(g))), **kw)
    assert [s[0] for s in seen] == list(range(kw["num_iters"]))
    assert seen[0][1] == seen[0][2] == ["b", "w"]
    opt = pytest.importorskip("autograd.misc.optimizers")
    agrad = pytest.importorskip("autograd").grad
    anp = pytest.importorskip("autograd.numpy")
    ref = getattr(opt, name)(agrad(_loss(anp)), {"w": np.zeros(3), "b": 0.0}, **kw)
    np.testing.assert_allclose(r["w"].numpy(), ref["w"], rtol=1e-12)
    np.testing.assert_allclose(float(r["b"]), ref["b"], rtol=1e-12)


def test_an_optimizer_run_is_differentiable():
    # d(final w)/d(step size) through 5 sgd steps, against central differences
    def final(step):
        return sgd(tg.grad(_loss(tnp)), {"w": np.zeros(3), "b": 0.0}, num_iters=5,
                   step_size=step)["w"].sum()
    g = float(tg.grad(final)(tnp.asarray(0.1)))
    fd = (float(final(tnp.asarray(0.1 + 1e-6))) - float(final(tnp.asarray(0.1 - 1e-6)))) / 2e-6
    assert g == pytest.approx(fd, rel=1e-6)
