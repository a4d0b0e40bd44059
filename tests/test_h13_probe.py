"""Session 13's probe of tapegrad.numpy: NumPy programs (in-place updates, NaN at the
edges, column-major reshapes) whose values or gradients were wrong or raised."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp


def _fd(f, x, eps=1e-6):
    """Central differences of a NumPy function, in float64."""
    x = np.asarray(x, dtype=np.float64)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = eps
        out[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return out


def _check(program, x):
    """program(np_module, x): tapegrad's value and gradient against NumPy's value and
    central differences."""
    x = np.asarray(x, dtype=np.float64)
    got = tg.grad(lambda t: program(tnp, t))(tnp.array(x))
    np.testing.assert_allclose(float(program(tnp, tnp.array(x))), program(np, x),
                               rtol=1e-12)
    np.testing.assert_allclose(got.numpy(), _fd(lambda v: program(np, v), x), rtol=1e-6,
                               atol=1e-8)


# ------------------------------------------------------- max/min of a NaN slice
# expected: jax.grad(jnp.max) (jax 0.10.2, x64) and autograd 1.9.1 give NaN to the whole
# reduced slice when its result is NaN (torch.amax too); tapegrad gave 0s, hiding the NaN
def test_max_of_a_nan_slice_gives_nan_gradients_to_that_slice():
    g = tg.grad(tnp.max)(tnp.array([0.3, np.nan, 2.0]))
    assert np.isnan(g.numpy()).all()
    x = tnp.array([[0.3, np.nan], [2.0, 1.0]])
    g = tg.grad(lambda t: tnp.max(t, axis=1).sum())(x).numpy()
    assert np.isnan(g[0]).all()
    np.testing.assert_array_equal(g[1], [1.0, 0.0])
    g = tg.grad(lambda t: tnp.amin(t, axis=1).sum())(x).numpy()
    assert np.isnan(g[0]).all()
    np.testing.assert_array_equal(g[1], [0.0, 1.0])


def test_max_of_a_nan_slice_forward_mode_gives_nan():
    x = tnp.array([[0.3, np.nan], [2.0, 1.0]])
    _, t = tg.jvp(lambda v: tnp.max(v, axis=1), (x,), (tnp.ones((2, 2)),))
    assert np.isnan(t.numpy()[0]) and t.numpy()[1] == 1.0


def test_max_ties_without_nan_still_share():
    g = tg.grad(tnp.max)(tnp.array([2.0, 1.0, 2.0]))
    np.testing.assert_array_equal(g.numpy(), [0.5, 0.0, 0.5])


# ------------------------------------------------------- order="F"
def test_reshape_and_ravel_take_column_major_order():
    a = np.arange(24.0).reshape(2, 3, 4)
    t = tnp.array(a)
    np.testing.assert_array_equal(tnp.reshape(t, (4, -1), order="F").numpy(),
                                  np.reshape(a, (4, -1), order="F"))
    np.testing.assert_array_equal(t.reshape(4, 6, order="F").numpy(),
                                  a.reshape(4, 6, order="F"))
    np.testing.assert_array_equal(tnp.ravel(t, "F").numpy(), np.ravel(a, "F"))
    np.testing.assert_array_equal(t.ravel("F").numpy(), a.ravel("F"))
    np.testing.assert_array_equal(t.flatten("F").numpy(), a.flatten("F"))
    np.testing.assert_array_equal(t.flatten(order="F").numpy(), a.flatten(order="F"))
    assert t.flatten(1).shape == (2, 12)        # torch's flatten(start_dim) stays
    w = np.arange(6.0).reshape(2, 3)
    _check(lambda m, x: m.sum(m.reshape(x, (2, 3), order="F") * w), np.arange(6.0))


def test_reshape_refuses_an_unknown_order_naming_it():
    with pytest.raises(ValueError, match="reshape: order must be 'C' or 'F', got 'Q'"):
        tnp.reshape(tnp.arange(4.0), (2, 2), order="Q")


# ------------------------------------------------------- repeated positions in x[i] = v
def test_setitem_with_repeated_positions_gives_the_gradient_to_the_last_write():
    # NumPy keeps the last of the values written to one position; the others were
    # overwritten and get no gradient (JAX's .at[].set gives the same)
    def prog(m, x):
        a = m.zeros(3)
        a[[0, 0, 1]] = x
        return m.sum(a * np.arange(1.0, 4.0))
    _check(prog, [0.3, -1.2, 2.0])

    def prog2(m, x):
        y = m.zeros((2, 2))
        y[np.array([0, 0]), np.array([1, 1])] = x[0]
        return m.sum(y * np.arange(4.0).reshape(2, 2))
    _check(prog2, [[0.3, -1.2], [2.0, -0.5]])


def test_augmented_assignment_with_repeated_positions():
    def prog(m, x):
        a = m.zeros(3)
        a[[0, 0, 1]] += x           # NumPy: a[0] = 0 + x[1], not x[0] + x[1]
        return m.sum(a * np.arange(1.0, 4.0))
    _check(prog, [0.3, -1.2, 2.0])


# ------------------------------------------------------- a[i:] += y
@pytest.mark.parametrize("name", ["slice", "row", "int", "nonleaf", "step", "twice"])
def test_augmented_assignment_into_part_of_an_array(name):
    def prog(m, x):
        if name == "slice":
            a = m.ones(3)
            a[1:] += x[:2] ** 2
        elif name == "row":
            a = m.ones((3, 3))
            a[1] += x
            a[:, 2] *= x
            a[0, :2] -= x[1:]
        elif name == "int":
            a = m.ones(3)
            for i in range(3):
                a[i] += x[i] ** 2
                a[i] *= x[(i + 1) % 3]
        elif name == "nonleaf":
            a = x * 2.0
            a[1:] += x[:2] ** 2
            a[:2] /= 3.0
        elif name == "step":
            a = x * 1.0
            a[::2] += a[1::2]
        else:
            # a[0] is NumPy's scalar in NumPy-style code (see _numpy_style below)
            return _numpy_style("""
def prog(m, x):
    a = m.zeros(3)
    a[:2] += x[:2]
    a[1:] += a[0] * x[2]
    return m.sum(a * m.arange(1.0, a.size + 1.0).reshape(a.shape))
""")
        return m.sum(a * np.arange(1.0, a.size + 1.0).reshape(a.shape))
    if name == "twice":
        prog = prog(None, None)
    _check(prog, [0.3, -1.2, 2.0] if name != "step" else [0.3, -1.2, 2.0, 0.7])


@pytest.mark.parametrize("name", ["slice", "reshape", "T", "row_loop", "iadd_row", "ravel",
                                  "squeeze", "swapaxes", "moveaxis", "newaxis", "split",
                                  "two_views", "nonleaf"])
def test_a_write_through_a_view_reaches_its_base(name):
    # as PyTorch's CopySlices: the base's history gets the write (it raised that the
    # base's history was out of date)
    w = np.arange(4.0).reshape(2, 2)

    def prog(m, x):
        y = m.zeros((2, 2)) if name != "nonleaf" else m.reshape(x * 1.0, (2, 2))
        if name == "slice":
            v = y[1, :]
            v[0] = x[0] * 2
        elif name == "reshape":
            y.reshape(4)[1] = x[1]
        elif name == "T":
            y.T[0, 1] = x[0] ** 2
        elif name == "row_loop":
            for i in range(2):
                row = y[i]
                row[:] = x[:2] * (i + 1)
        elif name == "iadd_row":
            r = y[0]
            r += x[2:]
        elif name == "ravel":
            m.ravel(y)[3] = x[3]
        elif name == "squeeze":
            m.squeeze(y[None])[1, 1] = x[2]
        elif name == "swapaxes":
            m.swapaxes(y, 0, 1)[0, 1] = x[1]
        elif name == "moveaxis":
            m.moveaxis(y, 0, 1)[1, 0] = x[0]
        elif name == "newaxis":
            y[None][0, 1, 1] = x[3]
        elif name == "split":
            a, b = m.split(y, 2)
            b[0, 0] = x[1] * x[2]
        elif name == "two_views":
            v = y[:1]
            v += x[:2]
            u = y[1:]           # taken after the write through v
            u += x[2:] ** 2
            y[:1] = v
        else:
            v = y[1:, 1:]
            v *= 3.0
        return m.sum(y * w) + m.sum(x) * 0.5
    _check(prog, [0.3, -1.2, 2.0, 0.7])


@pytest.mark.parametrize("name", ["siblings", "pos_vel", "base_then_view", "overlap"])
def test_a_view_taken_before_a_write_is_rebuilt_from_its_base(name):
    # as PyTorch regenerates a view after its base changed (it raised that the view's
    # history was out of date): state vectors split into views and updated in turn
    def prog(m, x):
        if name == "siblings":
            y = m.zeros((2, 2))
            v, u = y[:1], y[1:]
            v += x[:2]
            u += x[2:] ** 2
            return m.sum(y * np.arange(4.0).reshape(2, 2)) + m.sum(u * 3)
        if name == "pos_vel":
            s = m.concatenate([x[:2], m.zeros(2)]) * 1.0
            pos, vel = s[:2], s[2:]
            for _ in range(3):
                pos += vel * 0.1
                vel += -pos * 0.1 + x[2:] * 0.01
            return m.sum(s ** 2)
        if name == "base_then_view":
            h = x * 1.0
            first = h[0:2]
            h *= 2.0
            return m.sum(first * 3) + m.sum(h)
        y = x * 1.0
        v, u = y[:3], y[1:]
        v += 1.0
        u *= x[0]
        return m.sum(y * np.arange(4.0)) + m.sum(v)
    _check(prog, [0.3, -1.2, 2.0, 0.7])


# NumPy-style code binds tapegrad.numpy as np: these programs are compiled with such
# globals, as a ported module's are (tapegrad/_flavour.py reads the caller's globals)
_NUMPY_STYLE = {"np": tnp}


def _numpy_style(source, name="prog"):
    exec(source, _NUMPY_STYLE)
    return _NUMPY_STYLE[name]


def test_an_element_picked_by_ints_is_a_copy_so_recurrences_differentiate():
    # y[i] is NumPy's scalar copy: writing y[i + 1] leaves what y[i] saved alone
    prog = _numpy_style("""
def prog(m, x):
    y = m.zeros(6)
    y[0] = x[0]
    for i in range(5):
        y[i + 1] = y[i] ** 2 * 0.5 + x[1] * y[i]
    return y[-1]
""")
    _check(prog, [0.5, 0.1])
    pick = _numpy_style("""
def pick():
    t = np.arange(3.0)
    e = t[1]
    e += 5.0                # the copy changes, the array does not (NumPy's scalar)
    return t, e
""", "pick")
    t, e = pick()
    assert t.tolist() == [0.0, 1.0, 2.0] and float(e) == 6.0


def test_outside_numpy_style_code_an_int_picked_element_is_a_view_as_in_pytorch():
    # PyTorch's y[i] is a 0-d view, so torch raises for this recurrence (pow saved y[i]
    # before y[i + 1] was written), and so does tapegrad
    def prog(x):
        y = tg.zeros(3, dtype=tg.float64)
        y[0] = x[0]
        y[1] = y[0] ** 2
        return y[1]
    with pytest.raises(RuntimeError, match="modified|out of date"):
        tg.grad(prog)(tnp.array([0.5, 0.1]))


def test_setitem_with_repeated_positions_forward_and_reverse_agree():
    def f(x):
        a = tnp.zeros(3)
        a[[0, 0, 1]] = x
        return a
    x = tnp.array([1.0, 2.0, 3.0])
    want = [[0.0, 1.0, 0.0], [0.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    np.testing.assert_array_equal(tg.jacfwd(f)(x).numpy(), want)
    np.testing.assert_array_equal(tg.jacrev(f)(x).numpy(), want)


# ------------------------------------------------------- ufunc methods
@pytest.mark.parametrize("name", ["add_at", "add_at_tensor", "add_at_2d", "add_at_rows",
                                  "subtract_at", "multiply_at", "maximum_at"])
def test_ufunc_at_updates_in_place_and_differentiates(name):
    def prog(m, x):
        if name == "add_at":
            a = m.zeros(3)
            m.add.at(a, [0, 0, 1], x)
        elif name == "add_at_tensor":
            a = x * 1.0
            m.add.at(a, [0, 0, 2], x ** 2)
        elif name == "add_at_2d":
            a = m.zeros((3, 2))
            m.add.at(a, (np.array([0, 0, 2]), np.array([1, 1, 0])), x)
        elif name == "add_at_rows":
            a = m.zeros((3, 3))
            m.add.at(a, [2, 2], x ** 2)
        elif name == "subtract_at":
            a = x * 1.0
            m.subtract.at(a, [1, 1], 0.5)
        elif name == "multiply_at":
            a = x * 1.0
            m.multiply.at(a, [0, 0, 1], x)
        else:
            a = m.zeros(3)
            m.maximum.at(a, [0, 1, 1], x)
        return m.sum(a * np.arange(1.0, a.size + 1.0).reshape(a.shape))
    _check(prog, [0.3, -1.2, 2.0])


def test_ufunc_at_on_numpy_arrays_and_its_errors():
    a = np.zeros(3)
    tnp.add.at(a, [0, 0], 1.0)          # NumPy's own arrays: NumPy's own ufunc.at
    assert a.tolist() == [2.0, 0.0, 0.0]
    with pytest.raises(TypeError, match="add.at: a must be a tensor"):
        tnp.add.at(np.zeros(3), [0], tnp.array([1.0]))
    with pytest.raises(TypeError, match="add.at: needs the values b"):
        tnp.add.at(tnp.zeros(3), [0])


@pytest.mark.parametrize("name", ["add_reduce", "multiply_reduce", "maximum_reduce",
                                  "subtract_reduce", "add_accumulate", "maximum_accumulate",
                                  "multiply_accumulate", "multiply_outer",
                                  "subtract_outer", "add_outer_2d"])
def test_ufunc_reduce_accumulate_outer(name):
    def prog(m, x):
        w = np.arange(1.0, 7.0).reshape(2, 3)
        if name == "add_reduce":
            return m.sum(m.add.reduce(x) ** 2) + m.sum(m.add.reduce(x, axis=1) ** 2)
        if name == "multiply_reduce":
            return m.sum(m.multiply.reduce(x, axis=1))
        if name == "maximum_reduce":
            return m.sum(m.maximum.reduce(x, axis=1, keepdims=True) * w[:, :1])
        if name == "subtract_reduce":
            return m.sum(m.subtract.reduce(x, axis=1) * w[0, :2])
        if name == "add_accumulate":
            return m.sum(m.add.accumulate(x) ** 2)
        if name == "maximum_accumulate":
            return m.sum(m.maximum.accumulate(x, axis=1) * w)
        if name == "multiply_accumulate":
            return m.sum(m.multiply.accumulate(x, axis=1) * w)
        if name == "multiply_outer":
            return m.sum(m.multiply.outer(x[0], x[1, :2]) * w.T[:, :2])
        if name == "subtract_outer":
            return m.sum(m.subtract.outer(x[0], x[1]) ** 2)
        return m.sum(m.add.outer(x, x[0]) ** 2)
    _check(prog, [[1.0, 5.0, 3.0], [4.0, 2.0, 6.0]])


def test_ufunc_reduce_values_and_errors():
    assert tnp.add.reduce([[1, 2], [3, 4]]).tolist() == [4, 6]
    assert float(tnp.add.reduce(tnp.arange(4.0), axis=None)) == 6.0
    assert tnp.logical_or.reduce([[True, False], [False, False]]).tolist() == [True, False]
    with pytest.raises(ValueError, match="subtract.reduce: zero-size"):
        tnp.subtract.reduce(tnp.zeros((0, 2)))
    with pytest.raises(TypeError, match="subtract.reduce: axis must be an int or None"):
        tnp.subtract.reduce(tnp.zeros((2, 2)), axis=(0, 1))


# ------------------------------------------------------- np.linalg.multi_dot
def test_multi_dot_takes_a_list_of_differently_shaped_operands():
    a = np.array([[2.0, 0.5], [0.1, 3.0]])
    _check(lambda m, x: m.sum(m.linalg.multi_dot([x, x, np.ones((2, 1))])), a)
    _check(lambda m, x: m.sum(m.linalg.multi_dot([x, x])), a)     # same shapes: no stack
    got = tnp.linalg.multi_dot([[1, 2], [[1, 2], [3, 4]], [1, 1]])
    assert float(got) == 17.0 and got.dtype == np.float64


# ------------------------------------------------------- clear errors
@pytest.mark.parametrize("call, kind, words", [
    (lambda: tnp.ones(2.5), TypeError, "ones: shape must be an int or a sequence of ints, "
                                       "got 2.5 (float)"),
    (lambda: tnp.zeros(-1), ValueError, "zeros: shape must not hold negative sizes, got (-1,)"),
    (lambda: tnp.full("a", 1.0), TypeError, "full: shape must be an int or a sequence"),
    (lambda: tnp.empty((2, None)), TypeError, "empty: shape must be an int or a sequence"),
    (lambda: tnp.zeros_like(tnp.ones(2), shape=(-2,)), ValueError, "zeros_like: shape must"),
    (lambda: tnp.broadcast_to(tnp.ones(2), (3, -1)), ValueError, "broadcast_to: shape must"),
])
def test_factories_name_a_bad_shape(call, kind, words):
    with pytest.raises(kind) as e:
        call()
    assert words in str(e.value)


def test_factories_take_numpy_shapes():
    assert tnp.zeros(np.array([2, 3])).shape == (2, 3)
    assert tnp.ones(np.int32(3)).shape == (3,) and tnp.zeros(()).shape == ()
    assert tnp.zeros(tnp.array([2, 1])).shape == (2, 1)


def test_setitem_out_of_range_names_setitem():
    with pytest.raises(IndexError, match=r"setitem: index 5 is out of bounds.*shape \(3,\)"):
        tnp.zeros(3)[5] = 1.0


# ------------------------------------------------------- a.sort() in NumPy-style code
def test_method_sort_in_numpy_style_code_sorts_in_place():
    # np bound to tapegrad.numpy: NumPy's ndarray.sort (in place, returns None); the
    # gradient follows the sorted order (it followed the unsorted one, silently)
    src = ("import tapegrad.numpy as np\n"
           "def f(x):\n"
           "    y = x * 1.0\n"
           "    r = y.sort()\n"
           "    assert r is None\n"
           "    return np.sum(y * np.arange(3.0))\n"
           "def g(x):\n"
           "    y = np.stack([x, x[::-1]])\n"
           "    y.sort(axis=0)\n"
           "    return np.sum(y * np.arange(6.0).reshape(2, 3))\n")
    ns = {}
    exec(src, ns)
    x = tnp.array([3.0, 1.0, 2.0])
    assert float(ns["f"](x)) == 8.0
    np.testing.assert_array_equal(tg.grad(ns["f"])(x).numpy(), [2.0, 0.0, 1.0])
    want = _fd(lambda v: np.sum(np.sort(np.stack([v, v[::-1]]), axis=0)
                         * np.arange(6.0).reshape(2, 3)), [3.0, 1.0, 2.5])
    np.testing.assert_allclose(tg.grad(ns["g"])(tnp.array([3.0, 1.0, 2.5])).numpy(), want,
                               atol=1e-8)


def test_method_sort_in_jnp_code_returns_the_sorted_values():
    ns = {}
    exec("import tapegrad.numpy as jnp\nx = jnp.array([3.0, 1.0, 2.0])\ny = x.sort()\n", ns)
    assert ns["y"].tolist() == [1.0, 2.0, 3.0] and ns["x"].tolist() == [3.0, 1.0, 2.0]


# ------------------------------------------------------- median / quantile at the edges
@pytest.mark.parametrize("fn, kw", [
    ("median", {}), ("nanmedian", {}), ("quantile", {"q": 0.3}),
    ("percentile", {"q": 50}), ("nanquantile", {"q": 0.7}), ("quantile", {"q": 1.0}),
    ("quantile", {"q": 0.5, "method": "midpoint"}), ("quantile", {"q": 0.5, "method": "nearest"}),
    ("quantile", {"q": 0.4, "method": "lower"}), ("nanquantile", {"q": 0.4, "method": "higher"}),
])
def test_median_and_quantiles_match_numpy_with_nan_and_inf(fn, kw):
    # NumPy's values (np.median takes the middle element, not a lerp that makes
    # 0 + (inf - 0) * 0 = NaN; a NaN anywhere in a slice makes quantile NaN, not only
    # a NaN stored last)
    rng = np.random.default_rng(0)
    for _ in range(40):
        a = rng.choice([np.nan, np.inf, -np.inf, 0.0, 1.0, 2.0, -1.5], size=(2, rng.integers(1, 6)))
        for axis in (None, 1):
            with np.errstate(all="ignore"), warnings.catch_warnings():
                warnings.simplefilter("ignore")     # NumPy's own NaN warnings
                want = getattr(np, fn)(a, axis=axis, **kw)
                got = getattr(tnp, fn)(tnp.array(a), axis=axis, **kw).numpy()
            np.testing.assert_allclose(got, want, equal_nan=True, err_msg=f"{a}")



def test_median_examples_and_gradients():
    assert float(tnp.median(tnp.array([np.inf, -1.2, 0.0]))) == 0.0
    assert float(tnp.median(tnp.array([np.inf, 1.0]))) == np.inf
    assert np.isnan(float(tnp.quantile(tnp.array([1.0, np.nan, 2.0, 3.0]), 0.0)))
    assert float(tnp.nanmedian(tnp.array([np.inf, -1.2, np.nan, 0.0]))) == 0.0
    _check(lambda m, x: m.median(x), [3.0, 1.0, 2.0, 10.0])
    _check(lambda m, x: m.median(x), [3.0, 1.0, 2.0])
    _check(lambda m, x: m.sum(m.median(x, axis=1) * np.array([1.0, 2.0])),
           [[3.0, 1.0, 2.5], [2.0, 0.5, 7.0]])


# ------------------------------------------------------- scipy.stats: invalid parameters
def test_stats_give_nan_for_invalid_parameters_as_scipy():
    # SciPy's answer for scale <= 0, a shape <= 0, mu < 0 or a NaN k is NaN; cdf, sf,
    # ppf and the gamma/beta/t/chi2/poisson forms gave numbers (chi2.logpdf(x, -3) a
    # finite density)
    from tapegrad.scipy import stats
    x = np.array([0.2, 0.5, 2.0])
    calls = [
        lambda: stats.norm.cdf(x, 0.0, -1.0), lambda: stats.norm.sf(x, 0.0, 0.0),
        lambda: stats.norm.logcdf(x, 1.0, -2.0), lambda: stats.norm.logsf(x, 0.0, -1.0),
        lambda: stats.norm.ppf([0.1, 0.5], 0.0, -1.0), lambda: stats.gamma.logpdf(x, -2.0),
        lambda: stats.gamma.cdf(x, 0.0), lambda: stats.gamma.cdf(x, 2.0, 0.0, -1.0),
        lambda: stats.beta.logpdf(x / 3, 2.0, 0.0), lambda: stats.beta.cdf(x / 3, -1.0, 2.0),
        lambda: stats.t.cdf(x, 0.0), lambda: stats.chi2.logpdf(x, -3.0),
        lambda: stats.chi2.cdf(x, 0.0), lambda: stats.poisson.logpmf([0, 1], -1.0),
        lambda: stats.poisson.pmf([np.nan], 1.5), lambda: stats.poisson.cdf([1, 2], -0.5),
    ]
    for i, call in enumerate(calls):
        assert np.isnan(call().numpy()).all(), i


def test_stats_valid_parameters_keep_values_and_gradients():
    from tapegrad.scipy import stats
    np.testing.assert_allclose(stats.norm.cdf([0.0, 1.0], 0.0, 2.0).numpy(),
                               [0.5, 0.6914624612740131], rtol=1e-12)
    np.testing.assert_allclose(stats.poisson.pmf([0, 2], 0.0).numpy(), [1.0, 0.0])
    # mixed valid and invalid scales: NaN only where invalid, gradient 0 there
    s = tnp.array([1.0, -1.0])
    g = tg.grad(lambda s: tnp.sum(tnp.nan_to_num(stats.norm.cdf(0.5, 0.0, s))))(s)
    assert g.numpy()[1] == 0.0 and np.isfinite(g.numpy()[0])


def test_linalg_qr_mode_r_gives_r_alone_as_numpy():
    a = np.array([[3.0, 1.0], [4.0, 5.0], [0.0, 1.0]])
    r = tnp.linalg.qr(a, mode="r")
    np.testing.assert_allclose(np.abs(r.numpy()), np.abs(np.linalg.qr(a, mode="r")))
    q, r = tnp.linalg.qr(a)
    assert q.shape == (3, 2) and r.shape == (2, 2)


def test_writing_a_tracked_value_into_an_integer_array_passes_no_derivative():
    # NumPy truncates the value: a piecewise-constant step, derivative 0 (the write was
    # differentiated as if it kept the value)
    def prog(m, x):
        a = m.zeros(3, dtype=int)
        a[0] = x[0]
        a[1:] = x[1:] * 2
        return m.sum(a * x)
    _check(prog, [1.5, 2.25, 3.1])


@pytest.mark.parametrize("name", ["row", "slice_nonleaf", "iadd", "row_loop"])
def test_forward_mode_sees_writes_through_views(name):
    # jvp/jacfwd: the base's tangent takes the write through its view (it kept the old
    # tangent, silently: jacfwd disagreed with grad)
    def f(x):
        if name == "row":
            y = tnp.zeros((3, 2))
            row = y[1]
            row[:] = x * 2
        elif name == "slice_nonleaf":
            y = x * 1.0
            v = y[1:]
            v[0] = x[0] * 3
        elif name == "iadd":
            y = tnp.zeros(3)
            y[1:] += x ** 2
        else:
            y = tnp.zeros((3, 2))
            for i in range(3):
                r = y[i]
                r += x * (i + 1)
        return tnp.sum(y * tnp.arange(1.0, y.size + 1.0).reshape(y.shape))
    x = tnp.array([0.3, -1.2])
    np.testing.assert_allclose(tg.jacfwd(f)(x).numpy(), tg.grad(f)(x).numpy(), rtol=1e-12)
    _, t = tg.jvp(f, (x,), (tnp.array([1.0, 0.0]),))
    np.testing.assert_allclose(float(t), tg.grad(f)(x).numpy()[0], rtol=1e-12)


def test_numpy_float_dtype_is_float64():
    # NumPy's `float` is float64; astype(float), cumsum(dtype=float), einsum(dtype=float)
    # gave tg's float32 (a silent loss of precision)
    a = tnp.array([1, 2])
    assert a.astype(float).dtype == np.float64
    assert tnp.cumsum(a, dtype=float).dtype == np.float64
    assert tnp.cumprod(a, dtype=float).dtype == np.float64
    assert tnp.einsum("i->", a, dtype=float).dtype == np.float64
    assert tnp.arange(3.0).astype(np.float32).astype(float).dtype == np.float64
    assert a.astype("f").dtype == np.float32 and a.astype(int).dtype == np.int64


def test_reduction_methods_read_python_float_as_float64():
    # NumPy and torch both read dtype=float as float64 (x.sum(dtype=float) gave float32)
    a = tnp.array([1, 2])
    for got in (a.sum(dtype=float), a.mean(dtype=float), a.prod(dtype=float),
                a.cumsum(dtype=float), a.cumprod(dtype=float), a.std(dtype=float),
                a.var(dtype=float), tg.tensor([1, 2]).sum(dtype=float)):
        assert got.dtype == np.float64
    assert tg.tensor([1, 2]).sum(dtype=tg.float32).dtype == np.float32
