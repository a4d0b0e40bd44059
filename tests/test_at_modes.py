"""x.at[...] with JAX's out-of-range modes: 'clip' clamps, 'drop' skips updates, 'fill'
returns fill_value from get (NaN, or an integer type's extreme). The default raises,
where JAX would clip or drop silently. Values as jax.numpy documents them."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as jnp

IDX = np.array([1, 7, -1, -7])          # in range, too big, from the end, too small


def _np(t):
    return np.asarray(t.numpy())


def test_get_modes():
    x = jnp.arange(5.0)
    assert _np(x.at[7].get(mode="clip")) == 4.0
    assert _np(x.at[-9].get(mode="clip")) == 0.0
    np.testing.assert_array_equal(_np(x.at[IDX].get(mode="clip")), [1, 4, 4, 0])
    np.testing.assert_array_equal(_np(x.at[IDX].get(mode="fill")), [1, np.nan, 4, np.nan])
    np.testing.assert_array_equal(_np(x.at[IDX].get(mode="drop", fill_value=-1.0)),
                                  [1, -1, 4, -1])
    # integer and boolean fills are the type's extremes, and True
    assert _np(jnp.arange(4).at[9].get(mode="fill")) == np.iinfo(np.int64).min
    assert _np(jnp.arange(4, dtype=np.uint8).at[9].get(mode="fill")) == 255
    assert _np(jnp.zeros(3, dtype=bool).at[5].get(mode="fill")) == np.True_


def test_get_fill_with_slices_and_broadcast_indices():
    y = jnp.arange(12.0).reshape(3, 4)
    got = _np(y.at[np.array([0, 5]), 1:].get(mode="fill"))
    np.testing.assert_array_equal(got, [[1, 2, 3], [np.nan] * 3])
    got = _np(y.at[np.array([[0], [5]]), np.array([1, 9])].get(mode="fill"))
    np.testing.assert_array_equal(got, [[1, np.nan], [np.nan, np.nan]])
    got = _np(y.at[..., np.array([3, 4])].get(mode="fill"))
    np.testing.assert_array_equal(got, [[3, np.nan], [7, np.nan], [11, np.nan]])


def test_updates_drop_and_clip():
    x = jnp.arange(5.0)
    np.testing.assert_array_equal(_np(x.at[IDX].set(10.0, mode="drop")), [0, 10, 2, 3, 10])
    np.testing.assert_array_equal(_np(x.at[IDX].add(10.0, mode="fill")), [0, 11, 2, 3, 14])
    np.testing.assert_array_equal(_np(x.at[IDX].add(10.0, mode="clip")),
                                  [10, 11, 2, 3, 24])
    np.testing.assert_array_equal(_np(x.at[IDX].multiply(2.0, mode="drop")),
                                  [0, 2, 2, 3, 8])
    np.testing.assert_array_equal(_np(x.at[IDX].max(3.5, mode="drop")), [0, 3.5, 2, 3, 4])
    np.testing.assert_array_equal(_np(x.at[IDX].apply(jnp.negative, mode="drop")),
                                  [0, -1, 2, 3, -4])
    np.testing.assert_array_equal(_np(x.at[np.array([9, 8])].add(1.0, mode="drop")),
                                  [0, 1, 2, 3, 4])
    y = jnp.arange(12.0).reshape(3, 4)
    got = _np(y.at[..., np.array([3, 4])].set(np.array([[1.0, 2.0]]), mode="drop"))
    want = np.arange(12.0).reshape(3, 4)
    want[:, 3] = 1.0
    np.testing.assert_array_equal(got, want)


def test_gradients_skip_what_falls_out():
    x = jnp.arange(5.0)
    w = np.array([1.0, 2.0, 3.0])
    g = tg.grad(lambda v: jnp.nansum(v.at[np.array([1, 7, -1])].get(mode="fill") * w))(x)
    np.testing.assert_array_equal(_np(g), [0, 1, 0, 0, 3])
    u = jnp.array([1.0, 2.0, 3.0])
    gx, gu = tg.grad(lambda v, u: jnp.sum(v.at[np.array([1, 7, -1])].add(u, mode="drop")
                                         ** 2), argnums=(0, 1))(x, u)
    np.testing.assert_array_equal(_np(gx), [0, 4, 4, 6, 14])
    np.testing.assert_array_equal(_np(gu), [4, 0, 14])
    gx, gu = tg.grad(lambda v, u: jnp.sum(v.at[np.array([1, 7])].set(u[:2], mode="clip")
                                         ** 2), argnums=(0, 1))(x, u)
    np.testing.assert_array_equal(_np(gx), [0, 0, 4, 6, 0])
    np.testing.assert_array_equal(_np(gu), [2, 4, 0])


def test_batched_index_under_vmap():
    xs = jnp.arange(10.0).reshape(2, 5)
    idx = jnp.array([1, 7])
    np.testing.assert_array_equal(
        _np(tg.vmap(lambda v, i: v.at[i].get(mode="fill"))(xs, idx)), [1, np.nan])
    np.testing.assert_array_equal(
        _np(tg.vmap(lambda v, i: v.at[i].get(mode="clip"))(xs, idx)), [1, 9])
    got = _np(tg.vmap(lambda v, i: v.at[i].add(100.0, mode="clip"))(xs, idx))
    np.testing.assert_array_equal(got, [[0, 101, 2, 3, 4], [5, 6, 7, 8, 109]])
    got = _np(tg.vmap(lambda v, i: v.at[i].set(100.0, mode="drop"))(xs, idx))
    np.testing.assert_array_equal(got, [[0, 100, 2, 3, 4], [5, 6, 7, 8, 9]])
    np.testing.assert_array_equal(
        _np(tg.vmap(lambda v, i: v.at[i].get())(xs, jnp.array([1, -2]))), [1, 8])


def test_default_mode_raises_naming_the_way_out():
    x = jnp.arange(5.0)
    for call in (lambda: x.at[9].get(), lambda: x.at[IDX].set(1.0),
                 lambda: x.at[-6].add(1.0)):
        with pytest.raises(IndexError, match="mode='clip', 'drop' or 'fill'"):
            call()
    with pytest.raises(IndexError, match="in a tg.vmap batch"):
        tg.vmap(lambda v, i: v.at[i].get())(jnp.zeros((2, 5)), jnp.array([1, 7]))
    with pytest.raises(ValueError, match="mode must be one of"):
        x.at[1].get(mode="wrap")
    with pytest.raises(ValueError, match="fill_value is used with mode='fill'"):
        x.at[1].get(fill_value=0.0)
