"""Indexing by a batched integer tensor under tg.vmap (x[y] of per-example labels): one
gather for the batch, no per-example loop, gradients as the loop's and torch.func's."""
import warnings

import numpy as np
import pytest

import tapegrad as tg


def _data():
    rng = np.random.default_rng(0)
    return (tg.tensor(rng.standard_normal((3, 4))), tg.tensor(rng.standard_normal((5, 3))),
            tg.tensor(np.array([0, 1, 3, 2, 1])))


def _loss(W, x, y):
    return -tg.log_softmax(x @ W, axis=-1)[y]


def test_per_sample_gradients_with_label_indexing_need_no_loop():
    W, X, Y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # the per-example fallback would warn
        g = tg.vmap(tg.grad(_loss), in_axes=(None, 0, 0))(W, X, Y)
    loop = np.stack([tg.grad(_loss)(W, X[i], Y[i]).numpy() for i in range(5)])
    np.testing.assert_allclose(g.numpy(), loop, rtol=1e-13, atol=1e-15)


def test_label_indexing_matches_torch_func():
    torch = pytest.importorskip("torch")
    W, X, Y = _data()

    def tloss(w, x, y):
        # torch.func cannot vmap lp[y] for a 0-d y (it calls .item()): a gather instead
        lp = torch.log_softmax(x @ w, dim=-1)
        return -torch.gather(lp, 0, y.reshape(1)).squeeze(0)

    want = torch.func.vmap(torch.func.grad(tloss), in_dims=(None, 0, 0))(
        torch.tensor(W.numpy()), torch.tensor(X.numpy()), torch.tensor(Y.numpy()))
    got = tg.vmap(tg.grad(_loss), in_axes=(None, 0, 0))(W, X, Y)
    np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("fn,index", [
    (lambda m, i: m[i], np.array([2, 0, 1, 1, 0])),
    (lambda m, i: m[i, 1:], np.array([2, 0, 1, 1, 0])),
    (lambda m, i: m[i, ...], np.array([[0, 1], [2, 0], [1, 1], [0, 0], [2, 2]])),
    (lambda m, i: m[i, 3], np.array([2, 0, 1, 1, 0])),
    (lambda m, i: m[:, i], np.array([0, 3, 1, 1, 2])),        # runs per example
])
def test_batched_index_values_and_gradients_equal_the_loop(fn, index):
    M = tg.tensor(np.random.default_rng(1).standard_normal((5, 3, 4)))
    idx = tg.tensor(index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = tg.vmap(fn)(M, idx)
        g = tg.vmap(tg.grad(lambda m, i: (fn(m, i) ** 2).sum()))(M, idx)
    want = np.stack([fn(M.numpy()[k], index[k]) for k in range(5)])
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-14)
    gl = np.stack([tg.grad(lambda m: (fn(m, tg.tensor(index[k])) ** 2).sum())(M[k]).numpy()
                   for k in range(5)])
    np.testing.assert_allclose(g.numpy(), gl, rtol=1e-13)


def test_an_unbatched_tensor_indexed_by_a_batched_index():
    W, _, Y = _data()
    rows = tg.vmap(lambda i: W[i])(Y % 3)
    np.testing.assert_array_equal(rows.numpy(), W.numpy()[Y.numpy() % 3])
