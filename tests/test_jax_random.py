"""JAX's key-based random numbers (`from tapegrad import random`, tapegrad/_prng.py).

The JAX values below were recorded from jax 0.10.2 with jax_enable_x64 (JAX takes
seconds to start, so it is not imported here by default); TAPEGRAD_JAX_LIVE=1 checks
them against JAX itself. Keys, split, fold_in, bits and uniform are bit for bit JAX's;
normal and the samplers built on uniforms agree to rounding; randint, permutation,
choice, gamma, beta, dirichlet and poisson have their own streams (checked as
distributions).
"""
import os
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad import random

K = random.PRNGKey(42)

JAX = {
    "PRNGKey(2**40+5)": [256, 5],
    "PRNGKey(-1)": [4294967295, 4294967295],
    "split(k, 3)": [[1832780943, 270669613], [64467757, 2916123636],
                    [2465931498, 255383827]],
    "fold_in(k, 7)": [2547012911, 1371500959],
    "bits uint32 (5,)": [2098992034, 2919706841, 2646866425, 2409546199, 1935504149],
    "bits uint64 (2,2)": [[7871734211187709741, 276886910877598708],
                          [10591095138341673235, 13462782411356743825]],
    "bits uint8 (3,)": [162, 217, 249],
    "uniform f32 (5,)": [0.48870957, 0.6797972, 0.6162715, 0.5610161, 0.4506446],
    "uniform f16 (3,)": [0.0762, 0.1904, 0.9756],
    "normal (2,3)": [[-0.18471174528191162, -2.169824560397754, 0.18693555179382582],
                     [0.6122653570510959, 0.4896249504757018, 0.36900430470828355]],
    "normal f32 (5,)": [-0.02830461598932743, 0.4671318531036377, 0.2957029640674591,
                        0.15354591608047485, -0.12403281778097153],
    "gumbel (4,)": [0.16062720630382138, -1.4348544993307841, 0.5890136500161952,
                    1.1553132453508888],
    "truncated_normal(-1, 2) (4,)": [0.01998452592513169, -0.9504476695340623,
                                     0.32827144083703297, 0.693751830608632],
    "vmap normal": [[-0.72030073, -0.26062233], [0.64989201, 0.11847861],
                    [-0.32162797, 0.42463557]],
}


def _np(t):
    return t.numpy() if isinstance(t, tg.Tensor) else np.asarray(t)


def test_keys_split_fold_in_bits_are_jax_bits():
    assert K.dtype == np.uint32 and K.shape == (2,) and K.tolist() == [0, 42]
    assert random.PRNGKey(2**40 + 5).tolist() == JAX["PRNGKey(2**40+5)"]
    assert random.PRNGKey(-1).tolist() == JAX["PRNGKey(-1)"]
    assert random.split(K, 3).tolist() == JAX["split(k, 3)"]
    assert random.split(K).tolist() == JAX["split(k, 3)"][:2]
    assert random.split(K, (2, 2)).shape == (2, 2, 2)
    assert random.fold_in(K, 7).tolist() == JAX["fold_in(k, 7)"]
    assert random.bits(K, (5,)).tolist() == JAX["bits uint32 (5,)"]
    assert random.bits(K, (2, 2), np.uint64).tolist() == JAX["bits uint64 (2,2)"]
    assert random.bits(K, (3,), np.uint8).tolist() == JAX["bits uint8 (3,)"]
    assert random.key(42).tolist() == K.tolist()
    assert random.key_data(K) is K and random.wrap_key_data([0, 42]).tolist() == [0, 42]


def test_uniform_and_normal_are_jax_values():
    u = random.uniform(K, (5,))
    assert u.dtype == np.float64            # JAX with 64-bit types, as tapegrad.numpy
    # float64 uniforms: the top 52 bits of the uint64 draws in [1, 2), minus 1
    b = np.array(JAX["bits uint64 (2,2)"], np.uint64).ravel()
    top = ((b >> np.uint64(12)) | np.uint64(0x3FF0000000000000)).view(np.float64) - 1.0
    np.testing.assert_array_equal(_np(random.uniform(K, (4,))), top)
    np.testing.assert_allclose(_np(random.uniform(K, (5,), np.float32)),
                               JAX["uniform f32 (5,)"], rtol=1e-7)
    np.testing.assert_allclose(_np(random.uniform(K, (3,), tnp.float16)),
                               JAX["uniform f16 (3,)"], rtol=1e-3)
    np.testing.assert_allclose(_np(random.normal(K, (2, 3))), JAX["normal (2,3)"],
                               rtol=1e-13)
    np.testing.assert_allclose(_np(random.normal(K, (5,), np.float32)),
                               JAX["normal f32 (5,)"], rtol=3e-7, atol=1e-7)
    np.testing.assert_allclose(_np(random.gumbel(K, (4,))), JAX["gumbel (4,)"], rtol=1e-13)
    np.testing.assert_allclose(_np(random.truncated_normal(K, -1.0, 2.0, (4,))),
                               JAX["truncated_normal(-1, 2) (4,)"], rtol=1e-12)


@pytest.mark.skipif(not os.environ.get("TAPEGRAD_JAX_LIVE"),
                    reason="JAX is slow to start: TAPEGRAD_JAX_LIVE=1 checks the record")
def test_record_against_live_jax():
    jax = pytest.importorskip("jax")
    jax.config.update("jax_enable_x64", True)
    import jax.numpy as jnp
    from jax import random as jr
    k = jr.PRNGKey(42)
    assert jr.split(k, 3).tolist() == JAX["split(k, 3)"]
    assert jr.fold_in(k, 7).tolist() == JAX["fold_in(k, 7)"]
    assert jr.bits(k, (2, 2), jnp.uint64).tolist() == JAX["bits uint64 (2,2)"]
    np.testing.assert_array_equal(np.asarray(jr.uniform(k, (5,))), _np(random.uniform(K, (5,))))
    np.testing.assert_allclose(np.asarray(jr.normal(k, (2, 3))), JAX["normal (2,3)"],
                               rtol=1e-15)
    for name, ours, theirs in [
            ("exponential", random.exponential(K, (4,)), jr.exponential(k, (4,))),
            ("logistic", random.logistic(K, (4,)), jr.logistic(k, (4,))),
            ("laplace", random.laplace(K, (4,)), jr.laplace(k, (4,))),
            ("cauchy", random.cauchy(K, (4,)), jr.cauchy(k, (4,))),
            ("bernoulli", random.bernoulli(K, 0.3, (6,)), jr.bernoulli(k, 0.3, (6,))),
            ("categorical", random.categorical(K, np.array([0.1, 0.5, 0.2]), shape=(6,)),
             jr.categorical(k, jnp.array([0.1, 0.5, 0.2]), shape=(6,)))]:
        np.testing.assert_allclose(_np(ours), np.asarray(theirs), rtol=1e-12, err_msg=name)


def test_same_key_same_numbers_and_split_keys_independent():
    a, b = random.normal(K, (1000,)), random.normal(K, (1000,))
    assert np.array_equal(_np(a), _np(b))
    k1, k2 = random.split(K)
    x, y = _np(random.normal(k1, (4000,))), _np(random.normal(k2, (4000,)))
    assert abs(np.corrcoef(x, y)[0, 1]) < 0.06
    assert not np.array_equal(_np(random.fold_in(K, 1)), _np(random.fold_in(K, 2)))
    # a key is a value: using it twice is the caller's choice, never an error
    assert random.clone(K) is K


def test_distributions():
    k = random.PRNGKey(0)
    ks = random.split(k, 12)
    z = _np(random.normal(ks[0], (20000,)))
    assert abs(z.mean()) < 0.03 and abs(z.std() - 1) < 0.03
    u = _np(random.uniform(ks[1], (20000,), minval=2.0, maxval=5.0))
    assert u.min() >= 2.0 and u.max() < 5.0 and abs(u.mean() - 3.5) < 0.03
    r = _np(random.randint(ks[2], (5000,), -2, 3))
    assert set(r.tolist()) == {-2, -1, 0, 1, 2} and r.dtype == np.int64
    assert set(_np(random.randint(ks[2], (10,), 4, 4)).tolist()) == {4}   # as JAX: minval
    assert abs(_np(random.bernoulli(ks[3], 0.3, (20000,))).mean() - 0.3) < 0.015
    logits = np.log(np.array([0.2, 0.5, 0.3]))
    c = _np(random.categorical(ks[4], logits, shape=(20000,)))
    np.testing.assert_allclose(np.bincount(c, minlength=3) / 20000, [0.2, 0.5, 0.3],
                               atol=0.015)
    c2 = _np(random.categorical(ks[4], np.zeros((4, 6)), axis=1, shape=(3, 4)))
    assert c2.shape == (3, 4) and c2.max() < 6
    nr = _np(random.categorical(ks[4], np.zeros(5), shape=(5,), replace=False))
    assert sorted(nr.tolist()) == [0, 1, 2, 3, 4]
    assert sorted(_np(random.permutation(ks[5], 7)).tolist()) == list(range(7))
    x = np.arange(12.0).reshape(3, 4)
    p = _np(random.permutation(ks[5], x, axis=1))
    assert sorted(p[0].tolist()) == x[0].tolist() and np.array_equal(p - p[:1], x - x[:1])
    pi = _np(random.permutation(ks[5], x, axis=1, independent=True))
    assert np.array_equal(np.sort(pi, axis=1), x)
    ch = _np(random.choice(ks[6], 10, (10,), replace=False))
    assert sorted(ch.tolist()) == list(range(10))
    w = np.array([0.1, 0.0, 0.9])
    cw = _np(random.choice(ks[6], 3, (5000,), p=w))
    assert 1 not in cw and abs((cw == 2).mean() - 0.9) < 0.02
    cwn = _np(random.choice(ks[6], 3, (2,), replace=False, p=w))
    assert sorted(cwn.tolist()) == [0, 2]
    rows = _np(random.choice(ks[6], x, (2,), axis=1))
    assert rows.shape == (3, 2)
    t = _np(random.truncated_normal(ks[7], -0.5, 0.5, (5000,)))
    assert t.min() > -0.5 and t.max() < 0.5
    assert abs(_np(random.gamma(ks[8], 3.0, (20000,))).mean() - 3.0) < 0.06
    d = _np(random.dirichlet(ks[9], np.array([1.0, 2.0, 3.0]), (100,)))
    np.testing.assert_allclose(d.sum(axis=1), 1.0)
    assert abs(_np(random.poisson(ks[10], 4.0, (20000,))).mean() - 4.0) < 0.06
    b = _np(random.beta(ks[10], 2.0, 6.0, (20000,)))
    assert abs(b.mean() - 0.25) < 0.01
    cov = np.array([[2.0, 0.6], [0.6, 1.0]])
    for method in ("cholesky", "eigh"):
        m = _np(random.multivariate_normal(ks[11], np.array([1.0, -1.0]), cov, (20000,),
                                           method=method))
        np.testing.assert_allclose(np.cov(m.T), cov, atol=0.06)
    assert set(_np(random.rademacher(ks[11], (100,))).tolist()) == {-1, 1}
    assert (_np(random.exponential(ks[11], (1000,))) >= 0).all()


SAMPLERS = {
    "normal": lambda k: random.normal(k, (3,)),
    "uniform": lambda k: random.uniform(k, (3,), minval=tnp.array([0.0, 1.0, 2.0]),
                                        maxval=5.0),
    "randint": lambda k: random.randint(k, (4,), 0, 10),
    "bernoulli": lambda k: random.bernoulli(k, 0.4, (4,)),
    "categorical": lambda k: random.categorical(k, tnp.array([0.1, 0.2, 0.7]), shape=(5,)),
    "permutation": lambda k: random.permutation(k, tnp.arange(6.0).reshape(3, 2)),
    "choice": lambda k: random.choice(k, tnp.arange(5.0), (3,), replace=False),
    "truncated_normal": lambda k: random.truncated_normal(k, -1.0, 1.0, (3,)),
    "gumbel": lambda k: random.gumbel(k, (3,)),
    "split": lambda k: random.split(k, 3),
    "fold_in": lambda k: random.fold_in(k, 3),
    "gamma": lambda k: random.gamma(k, tnp.array([1.0, 2.0])),
    "mvn": lambda k: random.multivariate_normal(k, tnp.zeros(2), tnp.eye(2), (2,)),
}


@pytest.mark.parametrize("name", sorted(SAMPLERS))
def test_vmap_over_keys_and_jit_replay(name):
    f = SAMPLERS[name]
    keys = random.split(random.PRNGKey(7), 4)
    loop = np.stack([_np(f(k)) for k in keys])
    with warnings.catch_warnings():
        warnings.simplefilter("error")          # one batched call, no per-example loop
        batched = _np(tg.vmap(f)(keys))
    np.testing.assert_array_equal(batched, loop)
    j = tg.jit(f)
    for k in keys[:3]:                  # each call's key, not the traced one
        np.testing.assert_array_equal(_np(j(k)), _np(f(k)))


def test_split_inside_vmap_and_loop_of_keys():
    def body(k):
        k, sub = random.split(k)
        return random.normal(sub, (2,)) + random.uniform(k)
    keys = random.split(K, 3)
    np.testing.assert_array_equal(_np(tg.vmap(body)(keys)), np.stack([_np(body(k)) for k in keys]))
    np.testing.assert_allclose(_np(tg.vmap(lambda k: random.normal(k, (2,)))(keys)),
                               JAX["vmap normal"], rtol=1e-7)


def test_draws_are_constants_and_composed_samplers_differentiate():
    def loss(w, key):
        eps = random.normal(key, (3,))
        return tnp.sum((w + 0.5 * eps) ** 2)
    w = tnp.array([1.0, -1.0, 2.0])
    g = tg.grad(loss)(w, K)
    np.testing.assert_allclose(_np(g), 2 * (_np(w) + 0.5 * _np(random.normal(K, (3,)))))
    # reparameterised uniform: d/dminval = 1 - u, d/dmaxval = u
    u = _np(random.uniform(K, (3,)))
    glo, ghi = tg.grad(lambda lo, hi: tnp.sum(random.uniform(K, (3,), minval=lo, maxval=hi)),
                       argnums=(0, 1))(tnp.array(0.0), tnp.array(1.0))
    np.testing.assert_allclose([float(glo), float(ghi)], [np.sum(1 - u), np.sum(u)])
    # permutation and choice route gradients back to the entries they picked
    x = tnp.array([1.0, 2.0, 3.0, 4.0])
    gp = tg.grad(lambda v: tnp.sum(random.permutation(K, v) * tnp.arange(4.0)))(x)
    perm = _np(random.permutation(K, 4))
    expect = np.zeros(4)
    expect[perm] = np.arange(4.0)
    np.testing.assert_array_equal(_np(gp), expect)
    mu = tnp.array([0.0, 1.0])
    gm = tg.grad(lambda m: tnp.sum(random.multivariate_normal(K, m, tnp.eye(2), (5,))))(mu)
    np.testing.assert_allclose(_np(gm), [5.0, 5.0])


def test_tf_signatures_still_work():
    a = tg.random.normal([2, 3])
    assert a.shape == (2, 3) and a.dtype == np.float32
    assert tg.random.uniform([4], seed=1).dtype == np.float32
    assert tg.random.categorical(tg.tensor([[0.0, -1e9]]), 2).tolist() == [[0, 0]]
    assert sorted(tg.random.shuffle(tg.arange(4)).tolist()) == [0, 1, 2, 3]
    assert random.normal(K, (2,)).dtype == np.float64
    assert random.normal(key=K, shape=(2,)).shape == (2,)
    assert "TensorFlow" in random.normal.__doc__


def test_errors():
    with pytest.raises(TypeError, match="random.split: key"):
        random.split(np.array([1, 2]))
    with pytest.raises(TypeError, match="random.gamma: key"):
        random.gamma([0, 1], 2.0)
    with pytest.raises(ValueError, match="one key"):
        random.normal(random.split(K, 3), (2,))
    with pytest.raises(TypeError, match="dtype"):
        random.normal(K, (2,), np.int32)
    with pytest.raises(TypeError, match="shape"):
        random.normal(K, "ab")
    with pytest.raises(ValueError, match="without replacement"):
        random.choice(K, 3, (4,), replace=False)
    with pytest.raises(ValueError, match="p must have shape"):
        random.choice(K, 3, (2,), p=np.ones(4) / 4)
    with pytest.raises(ValueError, match="must end with"):
        random.categorical(K, np.zeros((2, 3)), shape=(4, 3))
    with pytest.raises(TypeError, match="PRNGKey: seed"):
        random.PRNGKey(1.5)
    with pytest.raises(TypeError, match="fold_in"):
        random.fold_in(K, 1.5)
    with pytest.raises(ValueError, match="method"):
        random.multivariate_normal(K, np.zeros(2), np.eye(2), method="qr")
    assert random.normal(K, (0, 3)).shape == (0, 3)
    assert random.split(K, 0).shape == (0, 2)
