"""jax.random's randint, permutation, shuffle and choice give JAX's numbers.

Expected values recorded from JAX 0.10.2 with 64-bit types by /tmp/jaxrest/ref_random.py:
    python3.11 -m venv /tmp/v && /tmp/v/bin/pip install "jax[cpu]"
    then, with `jax.config.update("jax_enable_x64", True)`, `k = random.PRNGKey(0)`,
    `k1 = random.PRNGKey(42)`, each entry below computed with jax for jax/jnp and
    printed with json.dumps(... .tolist()).
"""
import numpy as np
import pytest

import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import random

REF = {'choice5_3': [0, 1, 4],
 'choice_arr': [[1.0, 2.0], [5.0, 6.0], [9.0, 10.0]],
 'choice_arr_norep': [[[6.0, 7.0, 8.0], [9.0, 10.0, 11.0]],
                      [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]],
 'choice_arr_p': [[3.5, 3.5], [1.5, 1.5]],
 'choice_norep': [7, 4, 2, 5, 3],
 'choice_p': [2, 3, 2, 1, 2, 2, 2, 2],
 'choice_p_norep': [3, 2, 0],
 'choice_rep': [5, 8, 3, 1, 5],
 'choice_zero': [0],
 'jit_choice': [4, 2, 5, 3],
 'perm10_k42': [7, 4, 2, 5, 3, 6, 8, 9, 0, 1],
 'perm2000': [1474, 815, 539, 874, 1693, 84, 995, 1191],
 'perm5': [0, 1, 4, 3, 2],
 'perm_1d': [30.0, 40.0, 10.0, 20.0],
 'perm_arr': [[6.0, 7.0, 8.0], [9.0, 10.0, 11.0], [0.0, 1.0, 2.0], [3.0, 4.0, 5.0]],
 'perm_arr_ax1': [[2.0, 3.0, 0.0, 1.0], [6.0, 7.0, 4.0, 5.0], [10.0, 11.0, 8.0, 9.0]],
 'perm_indep': [[2.0, 3.0, 0.0, 1.0], [7.0, 4.0, 5.0, 6.0], [10.0, 11.0, 8.0, 9.0]],
 'randint_0_10': [5, 1, 5, 7, 3, 5],
 'randint_arr_bounds': [[0, 18, 103], [1, 15, 946]],
 'randint_big': [16428379125301, 961713065416382, 267319332261015, 691515794436143],
 'randint_empty_span': [5, 5, 5],
 'randint_i32': [11, 15, 14, 14, 8],
 'randint_i64_full': [4466307427195926069, 869870568124700350, -8118644187909895017],
 'randint_i8_full': [68, -110, 55, 65, 13],
 'randint_neg': [[580, 563, 433], [596, 200, 61]],
 'randint_u8': [196, 18, 183, 193, 141],
 'vmap_perm': [[0, 2, 1, 3], [0, 3, 1, 2], [3, 1, 0, 2]],
 'vmap_randint': [[16, 32, 60], [48, 32, 93], [90, 27, 76]]}


def _run():
    k = random.PRNGKey(0)
    k1 = random.PRNGKey(42)
    out = {}
    out["randint_0_10"] = random.randint(k, (6,), 0, 10).tolist()
    out["randint_neg"] = random.randint(k1, (2, 3), -5, 1000).tolist()
    out["randint_big"] = random.randint(k1, (4,), -2**40, 2**50).tolist()
    out["randint_u8"] = random.randint(k1, (5,), 0, 256, jnp.uint8).tolist()
    out["randint_i8_full"] = random.randint(k1, (5,), -128, 128, jnp.int8).tolist()
    out["randint_i32"] = random.randint(k1, (5,), 3, 17, jnp.int32).tolist()
    out["randint_empty_span"] = random.randint(k1, (3,), 5, 2).tolist()
    out["randint_arr_bounds"] = random.randint(k1, (2, 3), jnp.array([0, 10, 100]), jnp.array([5, 20, 1000])).tolist()
    out["randint_i64_full"] = random.randint(k1, (3,), np.iinfo(np.int64).min, np.iinfo(np.int64).max).tolist()
    out["perm5"] = random.permutation(k, 5).tolist()
    out["perm10_k42"] = random.permutation(k1, 10).tolist()
    out["perm2000"] = random.permutation(k1, 2000)[:8].tolist()
    out["perm_arr"] = random.permutation(k1, jnp.arange(12.).reshape(4, 3)).tolist()
    out["perm_arr_ax1"] = random.permutation(k1, jnp.arange(12.).reshape(3, 4), axis=1).tolist()
    out["perm_indep"] = random.permutation(k1, jnp.arange(12.).reshape(3, 4), axis=1, independent=True).tolist()
    out["perm_1d"] = random.permutation(k1, jnp.array([10., 20., 30., 40.])).tolist()
    out["choice_rep"] = random.choice(k1, 10, (5,)).tolist()
    out["choice_norep"] = random.choice(k1, 10, (5,), replace=False).tolist()
    out["choice5_3"] = random.choice(k, 5, (3,), replace=False).tolist()
    p = jnp.array([0.1, 0.2, 0.3, 0.4])
    out["choice_p"] = random.choice(k1, 4, (8,), p=p).tolist()
    out["choice_p_norep"] = random.choice(k1, 4, (3,), replace=False, p=p).tolist()
    out["choice_arr"] = random.choice(k1, jnp.arange(12.).reshape(3, 4), (2,), axis=1).tolist()
    out["choice_arr_norep"] = random.choice(k1, jnp.arange(12.).reshape(4, 3), (2, 2), replace=False).tolist()
    out["choice_arr_p"] = random.choice(k1, jnp.array([1.5, 2.5, 3.5]), (2, 2), p=jnp.array([0.5, 0.0, 0.5])).tolist()
    out["choice_zero"] = list(random.choice(k1, 3, (0,)).shape)
    out["vmap_randint"] = jax.vmap(lambda kk: random.randint(kk, (3,), 0, 100))(random.split(k, 3)).tolist()
    out["vmap_perm"] = jax.vmap(lambda kk: random.permutation(kk, 4))(random.split(k, 3)).tolist()
    out["jit_choice"] = jax.jit(lambda kk: random.choice(kk, 7, (4,), replace=False))(k1).tolist()
    return out


def test_streams_match_jax():
    out = _run()
    for name, want in REF.items():
        got = out[name]
        assert got == want, name


def test_permutation_carries_gradients_and_traces():
    x = jax.tensor([1.0, 2.0, 3.0, 4.0], requires_grad=True)
    w = jnp.array([1.0, 10.0, 100.0, 1000.0])
    g = jax.grad(lambda x: jnp.sum(random.permutation(random.PRNGKey(42), x) * w))(x)
    # JAX's permutation of 4 under key 42 is [3, 4, 1, 2] (values above): x[2] meets w[0]
    assert g.tolist() == [100.0, 1000.0, 1.0, 10.0]
    f = jax.jit(lambda k: random.randint(k, (3,), 0, 100))
    assert f(random.PRNGKey(0)).tolist() == random.randint(random.PRNGKey(0), (3,), 0, 100).tolist()
    assert f(random.PRNGKey(1)).tolist() == random.randint(random.PRNGKey(1), (3,), 0, 100).tolist()


def test_shuffle_is_independent_permutation():
    k = random.PRNGKey(42)
    x = jnp.arange(12.0).reshape(3, 4)
    assert random.shuffle(k, x, 1).tolist() == REF["perm_indep"]
    # tg.random.shuffle without a key is still TensorFlow's
    assert sorted(random.shuffle(jax.tensor([3, 1, 2])).tolist()) == [1, 2, 3]


def test_errors_name_the_function():
    k = random.PRNGKey(0)
    with pytest.raises(ValueError, match="random.randint: minval of shape"):
        random.randint(k, (3,), np.zeros(4, int), 5)
    with pytest.raises(TypeError, match="random.randint: dtype"):
        random.randint(k, (3,), 0, 5, jnp.float32)
    with pytest.raises(TypeError, match="random.permutation: x must be an integer"):
        random.permutation(k, 2.5)
    with pytest.raises(ValueError, match="random.choice: a must be greater than 0"):
        random.choice(k, 0, (2,))
    with pytest.raises(ValueError, match="random.choice: p must have shape"):
        random.choice(k, 3, (2,), p=jnp.array([0.5, 0.5]))
    with pytest.raises(TypeError, match="random.choice: shape must be a tuple"):
        random.choice(k, 3, 2)


def test_choice_with_zero_weights_draws_quietly():
    # JAX: random.choice(PRNGKey(0), 10, (3,), replace=False, p=jnp.linspace(0, 1, 10))
    # -> [2 6 7] (0.10.2, x64)
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = random.choice(random.PRNGKey(0), 10, (3,), replace=False,
                            p=jnp.linspace(0.0, 1.0, 10))
    assert got.tolist() == [2, 6, 7]


def test_per_example_bounds_and_weights_under_vmap():
    # JAX 0.10.2 (x64): keys = random.split(PRNGKey(3), 3), then
    # vmap(lambda k, h: randint(k, (4,), 0, h))(keys, [5, 50, 500]) and
    # vmap(lambda k, p: choice(k, 3, (5,), p=p)) / choice(k, 3, (2,), replace=False, p=p)
    keys = random.split(random.PRNGKey(3), 3)
    got = jax.vmap(lambda k, h: random.randint(k, (4,), 0, h))(keys, jnp.array([5, 50, 500]))
    assert got.tolist() == [[4, 3, 4, 0], [18, 43, 35, 44], [487, 337, 389, 185]]
    ps = jnp.array([[0.5, 0.5, 0.0], [0.0, 0.2, 0.8], [1.0, 0.0, 0.0]])
    got = jax.vmap(lambda k, p: random.choice(k, 3, (5,), p=p))(keys, ps)
    assert got.tolist() == [[1, 1, 1, 1, 0], [2, 2, 2, 2, 2], [0, 0, 0, 0, 0]]
    got = jax.vmap(lambda k, p: random.choice(k, 3, (2,), replace=False, p=p))(keys, ps)
    assert got.tolist() == [[1, 0], [2, 1], [0, 1]]
