"""Hostile probes, round 2: gradients at the edges of ops (PyTorch's conventions, float64),
bad inputs the first round did not reach, and aliasing through views. Each finding's test
failed on the code before its fix (a crash in an internal frame, a NaN where PyTorch gives
a number, or a write that silently went nowhere); the others guard what the fix must keep.
Expected values are PyTorch 2.x's, written out so the file needs no torch."""
import warnings

import numpy as np
import pytest

import tapegrad as tg


def _grads(f, *values):
    xs = [tg.tensor(np.asarray(v, dtype=np.float64), requires_grad=True) for v in values]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = f(*xs)
        out.sum().backward()
    return [None if x.grad is None else x.grad.numpy() for x in xs]


# ------------------------------------------------------------------ var / std, no dof left

def test_std_of_one_element_backward_is_nan_not_a_zero_division():
    # was: ZeroDivisionError in Var's rule (2.0 / (n - ddof)); torch: value and grad nan
    (g,) = _grads(tg.std, [1.0])
    assert np.isnan(g).all()
    (g,) = _grads(tg.var, [3.0])
    assert np.isnan(g).all()


def test_var_with_correction_equal_to_count_backward_is_nan():
    (g,) = _grads(lambda x: tg.var(x, correction=2), [1.0, 1.0])
    assert g.shape == (2,) and np.isnan(g).all()
    (g,) = _grads(lambda x: tg.std(x, axis=0), [[1.0, 2.0]])
    assert g.shape == (1, 2) and np.isnan(g).all()


def test_var_with_dof_left_is_unchanged():
    (g,) = _grads(lambda x: tg.var(x, correction=1), [1.0, 2.0, 4.0])
    np.testing.assert_allclose(g, 2 * (np.array([1.0, 2.0, 4.0]) - 7 / 3) / 2)


# ------------------------------------------------------------------ pow at a zero base

def test_pow_zero_to_the_zero_has_zero_slope_in_the_base():
    # was nan: 0 * 0**-1; torch masks the exponent-0 entries to 0
    gx, gy = _grads(lambda x, y: x ** y, [0.0, 0.0, 0.0, 2.0, np.nan], [0.0, 1.0, 2.0, 0.0, 0.0])
    np.testing.assert_array_equal(gx, [0.0, 1.0, 0.0, 0.0, 0.0])     # nan ** 0 == 1 too
    np.testing.assert_allclose(gy, [0.0, 0.0, 0.0, np.log(2.0), np.nan])


def test_pow_second_order_in_the_exponent_at_zero_stays_right():
    # the mask is only where base and exponent are both 0: d/dy (y x^(y-1)) = 1/x at y = 0
    assert tg.gradgradcheck(lambda a, b: a ** b,
                            (np.array([0.5, 2.0]), np.array([0.0, 1.5])))
    x = tg.tensor([0.0, 2.0], dtype=tg.float64)
    _, t = tg.jvp(lambda a, b: a ** b, (x, tg.zeros(2, dtype=tg.float64)),
                  (tg.ones(2, dtype=tg.float64), tg.zeros(2, dtype=tg.float64)))
    np.testing.assert_array_equal(t.numpy(), [0.0, 0.0])


# ------------------------------------------------------------------ clamp with tensor bounds

def test_clamp_tensor_bounds_at_the_bound_gives_x_the_whole_gradient():
    # was: maximum/minimum, which split a tie 0.5 / 0.5 between x and the bound
    w = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    gx, glo, ghi = _grads(lambda x, lo, hi: tg.clamp(x, lo, hi) * w,
                          [0.0, 1.0, 0.5, -1.0, 2.0], [0.0] * 5, [1.0] * 5)
    np.testing.assert_array_equal(gx, [1.0, 2.0, 3.0, 0.0, 0.0])     # torch.clamp
    np.testing.assert_array_equal(glo, [0.0, 0.0, 0.0, 4.0, 0.0])
    np.testing.assert_array_equal(ghi, [0.0, 0.0, 0.0, 0.0, 5.0])


def test_clamp_tensor_bounds_crossed_gives_max_as_torch():
    w = np.array([1.0, 2.0])
    out = tg.clamp(tg.tensor([0.5, 3.0]), tg.tensor([1.0, 1.0]), tg.tensor([0.0, 0.0]))
    np.testing.assert_array_equal(out.numpy(), [0.0, 0.0])
    gx, glo, ghi = _grads(lambda x, lo, hi: tg.clamp(x, lo, hi) * w,
                          [0.5, 3.0], [1.0, 1.0], [0.0, 0.0])
    np.testing.assert_array_equal(gx, [0.0, 0.0])
    np.testing.assert_array_equal(glo, [0.0, 0.0])
    np.testing.assert_array_equal(ghi, [1.0, 2.0])


def test_clamp_tensor_bounds_keeps_values_and_nan():
    x = np.array([np.nan, -2.0, 0.25, 9.0])
    lo, hi = np.array([0.0, 0.0, 0.0, 0.0]), np.array([1.0, 1.0, 1.0, 1.0])
    np.testing.assert_array_equal(tg.clamp(tg.tensor(x), tg.tensor(lo), hi).numpy(),
                                  np.clip(x, lo, hi))


# ------------------------------------------------------------------ softmax of nothing

@pytest.mark.parametrize("shape, axis", [((0,), -1), ((2, 0), -1), ((0, 3), 0), ((0, 3), 1)])
def test_softmax_of_an_empty_tensor_is_empty(shape, axis):
    # was: NumPy's "zero-size array to reduction operation maximum" from inside forward
    x = tg.zeros(shape, dtype=tg.float64, requires_grad=True)
    out = tg.softmax(x, axis=axis)
    assert out.shape == shape
    out.sum().backward()
    assert x.grad.shape == shape
    assert tg.nn.functional.softmax(x, dim=axis).shape == shape


# ------------------------------------------------------------------ diagonal is a view

def test_diagonal_add_in_place_changes_the_matrix_as_torch():
    # was: a copy, so x.diagonal().add_(1) silently changed nothing (torch: a view)
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    x.diagonal().add_(10.0)
    np.testing.assert_array_equal(x.numpy(), [[11.0, 2.0], [3.0, 14.0]])
    y = tg.tensor(np.arange(12.0).reshape(2, 2, 3))
    tg.diagonal(y, 1, 1, 2).mul_(0.0)
    expect = np.arange(12.0).reshape(2, 2, 3)
    expect[:, 0, 1] = expect[:, 1, 2] = 0.0
    np.testing.assert_array_equal(y.numpy(), expect)


def test_diagonal_fill_of_a_parameter_under_no_grad():
    w = tg.nn.Parameter(tg.ones((3, 3)))
    with tg.no_grad():
        w.diagonal().fill_(0.0)
    np.testing.assert_array_equal(w.numpy(), 1.0 - np.eye(3))
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy(), 2 * (1.0 - np.eye(3)))


def test_diag_of_a_matrix_stays_a_copy():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    tg.diag(x).add_(10.0)          # torch.diag and np.diag copy
    np.testing.assert_array_equal(x.numpy(), [[1.0, 2.0], [3.0, 4.0]])


def test_recorded_write_through_diagonal_raises():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with pytest.raises(RuntimeError, match="view of a leaf"):
        x.diagonal().add_(1.0)
    y = x * 1
    d = y.diagonal()
    d.add_(1.0)                    # as PyTorch: the view takes the write and its history
    (d * 3.0).sum().backward(retain_graph=True)
    np.testing.assert_array_equal(x.grad.numpy(), 3.0 * np.eye(2))
    x.grad = None
    (y * tg.tensor([[1.0, 2.0], [3.0, 4.0]])).sum().backward()     # and so does the base
    np.testing.assert_array_equal(y.numpy(), [[2.0, 2.0], [3.0, 5.0]])
    np.testing.assert_array_equal(x.grad.numpy(), [[1.0, 2.0], [3.0, 4.0]])


def test_diagonal_shares_the_version_so_a_later_write_is_caught():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    y = x.exp()
    d = y.diagonal()
    z = (d * d).sum()
    with tg.no_grad():
        y.mul_(2.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        z.backward()


def test_diagonal_of_a_read_only_view_stays_read_only():
    b = tg.broadcast_to(tg.tensor([1.0, 2.0]), (2, 2))
    with pytest.raises(ValueError, match="read-only"):
        b.diagonal().add_(1.0)


def test_diagonal_gradients_unchanged():
    (g,) = _grads(lambda x: x.diagonal() ** 2, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(g, [[2.0, 0.0], [0.0, 8.0]])
    (g,) = _grads(lambda x: tg.diagonal(x, -1) * 3.0, [[1.0, 2.0], [3.0, 4.0]])
    np.testing.assert_array_equal(g, [[0.0, 0.0], [3.0, 0.0]])


# ------------------------------------------------------------------ median of all elements

@pytest.mark.parametrize("values, grad", [
    ([1.0, 1.0, 2.0, 2.0], [0.5, 0.5, 0.0, 0.0]),
    ([3.0, 1.0, 2.0, 2.0, 2.0], [0.0, 0.0, 1 / 3, 1 / 3, 1 / 3]),
    ([1.0, np.nan, 2.0, 2.0], [0.0, 1.0, 0.0, 0.0]),        # a NaN median: the NaN
])
def test_median_of_all_elements_shares_the_gradient_among_ties(values, grad):
    # was: all of it to the one element the index names; torch.median(x) shares evenly
    (g,) = _grads(tg.median, values)
    np.testing.assert_allclose(g, grad)


def test_nanmedian_of_all_elements_shares_among_ties_and_skips_nan():
    (g,) = _grads(tg.nanmedian, [1.0, np.nan, 2.0, 2.0])
    np.testing.assert_allclose(g, [0.0, 0.0, 0.5, 0.5])
    x = tg.tensor([[3.0, 1.0], [2.0, 2.0]])
    assert tg.median(x).item() == 2.0 and tg.median(x).dtype == np.float32
    assert tg.median(tg.tensor([[3, 1], [2, 2]])).item() == 2


def test_median_ties_forward_mode_matches_reverse():
    x = tg.tensor([1.0, 1.0, 2.0, 2.0], dtype=tg.float64)
    np.testing.assert_allclose(tg.jacfwd(tg.median)(x).numpy(), [0.5, 0.5, 0.0, 0.0])


# ------------------------------------------------------------------ misspelt keywords

def test_tnp_einsum_refuses_an_unknown_keyword():
    # was: **kwargs swallowed it (dtpye=, a typo of dtype=, changed nothing silently)
    a = np.array([1.0, 2.0])
    with pytest.raises(TypeError, match="einsum.*dtpye"):
        tg.numpy.einsum("i,i->", a, a, dtpye=np.float32)


def test_tnp_einsum_dtype_is_applied():
    a = np.array([1.0, 2.0])
    out = tg.numpy.einsum("i,i->", a, a, dtype=np.float32, casting="unsafe")
    assert out.dtype == np.einsum("i,i->", a, a, dtype=np.float32, casting="unsafe").dtype
    assert tg.numpy.einsum("i,i->", a, a, optimize=True).item() == 5.0


# ------------------------------------------------------------------ tensor() conversions

@pytest.mark.parametrize("data", [float("nan"), [float("nan")], float("inf")])
def test_tensor_of_nan_or_inf_as_int_names_tensor_and_the_value(data):
    # was: NumPy's bare "cannot convert float NaN to integer", or for a list the wrong
    # diagnosis "nested lists must be rectangular"
    with pytest.raises(ValueError, match=r"tensor: cannot convert") as info:
        tg.tensor(data, dtype=tg.int64)
    assert "rectangular" not in str(info.value)


@pytest.mark.parametrize("data", [1 + 2j, [1 + 2j, 3.0]])
def test_tensor_of_complex_as_float_names_tensor_and_the_dtype(data):
    # was: the builtin float()'s TypeError from inside NumPy
    with pytest.raises(TypeError, match=r"tensor: cannot convert .* dtype float32"):
        tg.tensor(data, dtype=tg.float32)


def test_tensor_ragged_and_plain_floats_unchanged():
    with pytest.raises(ValueError, match="rectangular"):
        tg.tensor([[1.0], [2.0, 3.0]], dtype=tg.float32)
    assert tg.tensor(1.5, dtype=tg.int64).item() == 1        # truncates, as torch
    assert tg.tensor(1.5).dtype == np.float32
    assert tg.tensor(1.5, dtype=tg.float64).dtype == np.float64


# ------------------------------------------------------------------ in-place on int tensors

@pytest.mark.parametrize("update", [
    lambda t: t.add_(1.5),
    lambda t: t.__iadd__(0.5),
    lambda t: t.__itruediv__(2),
    lambda t: t.div_(tg.tensor([2, 2])),
    lambda t: t.add_(tg.tensor([1.0, 1.0])),
    lambda t: t.add_(np.array([0.5, 0.5])),
    lambda t: t.add_(1, alpha=0.5),
    lambda t: t.sub_(tg.tensor([1.0, 1.0], requires_grad=True)),
])
def test_int_tensor_updated_in_place_by_a_float_raises_instead_of_truncating(update):
    # was: cast back with casting="unsafe" ([1, 2] /= 2 gave [0, 1]); torch and NumPy
    # refuse ("result type Float can't be cast to the desired output type Long")
    t = tg.tensor([1, 2])
    with pytest.raises(TypeError, match=r"_: the result \(dtype float64\) cannot be written"):
        update(t)
    np.testing.assert_array_equal(t.numpy(), [1, 2])


def test_exact_in_place_updates_of_int_and_bool_tensors_still_work():
    t = tg.tensor([1, 2])
    t += 1
    t *= 3
    t.sub_(tg.tensor([1, 1]), alpha=2)
    np.testing.assert_array_equal(t.numpy(), [4, 7])
    b = tg.tensor([True, False])
    b.add_(True)
    np.testing.assert_array_equal(b.numpy(), [True, True])
    with pytest.raises(TypeError, match="mul_"):
        b.mul_(2)                               # bool * int is int64 (torch refuses too)
    small = tg.tensor(np.array([1], dtype=np.int8))
    small.add_(tg.tensor([1]))                  # same kind: allowed, as torch
    assert small.dtype == np.int8 and small.item() == 2
    u8 = tg.tensor(np.array([1], dtype=np.uint8))
    u8.add_(300)                                # wraps, as torch (and as u8 + 300)
    assert u8.dtype == np.uint8 and u8.item() == 45
    f = tg.ones(2)
    f += tg.ones(2, dtype=tg.float64)           # float32 += float64 stays float32
    assert f.dtype == np.float32 and f.tolist() == [2.0, 2.0]


def test_in_place_update_with_a_shape_that_cannot_broadcast_names_the_op():
    # was: NumPy's "shape mismatch: objects cannot be broadcast" from _stride_tricks
    with pytest.raises(ValueError, match=r"add: shapes \(2, 3\) and \(3, 3\)"):
        tg.zeros((2, 3)).add_(tg.ones((3, 3)))


# ------------------------------------------------------------------ list indices, `in`

def test_empty_list_index_selects_nothing_as_numpy():
    # was: "index arrays must be integer or boolean, got dtype float64"
    x = tg.tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    assert x[[]].shape == (0, 3) and x[:, []].shape == (2, 0)
    x[[]].sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))
    z = tg.zeros(3)
    z[[]] = 5.0
    np.testing.assert_array_equal(z.numpy(), np.zeros(3))


def test_ragged_list_index_names_getitem():
    # was: NumPy's bare "setting an array element with a sequence"
    with pytest.raises(IndexError, match="getitem: a list index must be rectangular"):
        tg.zeros((2, 3))[[[0, 1], [2]]]


def test_in_operator_looks_at_elements_as_torch():
    # was: Python iterated the rows and asked bool() of each: "truth value ... ambiguous"
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    assert 2.0 in x and 4 in x and tg.tensor(3.0) in x
    assert 5.0 not in x


# ------------------------------------------------------------------ nn.functional inputs

@pytest.mark.parametrize("inp, target, what", [
    ([0.5], [2.0], "target values"),
    ([0.5], [np.nan], "target values"),
    ([np.nan], [1.0], "input values"),
])
def test_binary_cross_entropy_refuses_targets_and_nan_outside_0_1_as_torch(inp, target, what):
    # was: a target of 2 gave a loss silently, a NaN input slipped past min()/max()
    with pytest.raises(ValueError, match=f"binary_cross_entropy: {what}"):
        tg.nn.functional.binary_cross_entropy(tg.tensor(inp), tg.tensor(target))


def test_binary_cross_entropy_soft_targets_still_work():
    out = tg.nn.functional.binary_cross_entropy(tg.tensor([0.5, 0.2]), tg.tensor([1.0, 0.0]))
    np.testing.assert_allclose(out.item(), -(np.log(0.5) + np.log(0.8)) / 2, rtol=1e-6)


def test_cosine_similarity_dim_out_of_range_names_cosine_similarity():
    # was: "norm: axis 3 is out of range" (the helper's name)
    with pytest.raises(IndexError, match="cosine_similarity: dim 3"):
        tg.nn.functional.cosine_similarity(tg.ones((2, 3)), tg.ones((2, 3)), dim=3)


# ------------------------------------------------------------------ precision in the tails

def _expit(x):
    x = np.asarray(x, dtype=np.float64)
    return np.exp(-np.logaddexp(0.0, -x))


@pytest.mark.parametrize("name, slope", [
    ("silu", lambda x: _expit(x) * (1 + x * _expit(-x))),
    ("logsigmoid", lambda x: _expit(-x)),
    ("elu", lambda x: np.where(x > 0, 1.0, np.exp(x))),
    ("mish", None),
])
def test_activation_slopes_keep_their_digits_in_the_tails(name, slope):
    # was: sigmoid as (1 + tanh(x/2)) / 2 in the rules and expm1' = out + 1: at x = -30
    # three digits were wrong, below -38 the slope was exactly 0 (torch: e^x-sized)
    f = getattr(tg.nn.functional, name)
    pts = np.array([-30.0, -40.0, -60.0, 30.0, 40.0, 60.0]) * (-1 if name == "logsigmoid"
                                                              else 1)
    (g,) = _grads(f, pts)
    if slope is None:       # mish' ~ x e^x + e^x for x -> -inf
        np.testing.assert_allclose(g[:3], np.exp(pts[:3]) * (1 + pts[:3]), rtol=1e-9)
    else:
        np.testing.assert_allclose(g, slope(pts), rtol=1e-12)
    assert np.all(g[:3] != 0)


def test_silu_value_keeps_its_digits_for_large_negative_x():
    x = np.array([-40.0, -700.0])
    np.testing.assert_allclose(tg.nn.functional.silu(tg.tensor(x)).numpy(),
                               x * _expit(x), rtol=1e-12)


def test_expm1_slope_is_exp_below_minus_37():
    (g,) = _grads(tg.expm1, [-30.0, -40.0, -700.0, 0.0, 2.0])
    np.testing.assert_allclose(g, np.exp([-30.0, -40.0, -700.0, 0.0, 2.0]), rtol=1e-14)


def test_tail_fixed_activations_second_order():
    for f in (tg.nn.functional.silu, tg.nn.functional.mish, tg.nn.functional.logsigmoid,
              tg.nn.functional.elu, tg.expm1):
        assert tg.gradgradcheck(f, (np.array([-3.0, -0.5, 0.7, 2.0]),))


def test_log_softmax_of_large_logits_keeps_log_of_the_count():
    # was: x - logsumexp(x); logsumexp = m + log 2 rounds to m at m = 1e16, so the result
    # was [0, 0] (and the rule, reading softmax as exp(out), gave [-5, -4, 3], not [-2, -1, 3])
    w = np.array([1.0, 2.0, 3.0])
    for big in (1e16, 1e308):
        x = tg.tensor(np.array([[big, big, 1.0]]), requires_grad=True)
        out = tg.log_softmax(x)
        np.testing.assert_allclose(out.numpy()[0, :2], [-np.log(2.0)] * 2, rtol=1e-15)
        (out * w).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), [[-2.0, -1.0, 3.0]], rtol=1e-15)


def test_log_softmax_masked_rows_and_empty_unchanged():
    out = tg.log_softmax(tg.tensor([[-np.inf, -np.inf], [0.0, -np.inf]]))
    np.testing.assert_array_equal(out.numpy(), [[-np.inf, -np.inf], [0.0, -np.inf]])
    assert tg.log_softmax(tg.zeros((2, 0))).shape == (2, 0)
    np.testing.assert_allclose(tg.log_softmax(tg.tensor([1.0, 2.0, 3.0], dtype=tg.float64)),
                               [1.0, 2.0, 3.0] - np.log(np.exp([1.0, 2.0, 3.0]).sum()))


def test_vector_norm_ord_0_counts_nan_as_nonzero():
    # was: sign(|nan|) = nan made the count nan; NumPy and torch count it
    x = tg.tensor(np.array([[np.nan, 1.0, 0.0], [0.0, 0.0, 2.0]]), requires_grad=True)
    out = tg.linalg.vector_norm(x, ord=0, axis=1)
    np.testing.assert_array_equal(out.numpy(), [2.0, 1.0])
    out.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.zeros((2, 3)))


def test_slogdet_gradient_at_a_singular_matrix_names_slogdet():
    # was: "linalg.inv: the input ... is singular" from inside slogdet's rule
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [1.0, 0.0, 1.0]])
    for f in (lambda a: tg.linalg.slogdet(a)[1], tg.linalg.logdet):
        x = tg.tensor(singular, requires_grad=True)
        out = f(x)
        assert out.item() == -np.inf
        with pytest.raises(tg.linalg.LinAlgError, match="linalg.slogdet: A of shape"):
            out.backward()
    x = tg.tensor(2.0 * np.eye(3), requires_grad=True)
    tg.linalg.slogdet(x)[1].backward()
    np.testing.assert_allclose(x.grad.numpy(), 0.5 * np.eye(3))


# ------------------------------------------------------------------ jacrev with inf slopes

@pytest.mark.parametrize("jac", [tg.jacrev, tg.jacobian])
def test_jacrev_is_not_wiped_by_one_infinite_entry(jac):
    # was: all zeros. The rows rode as tangents on a zero primal cotangent; scale()'s
    # strong zero saw only zeros against an inf slope and masked every row with them
    x = tg.tensor([1.0, 0.0, 2.0], dtype=tg.float64)
    j = jac(tg.sqrt)(x).numpy()
    np.testing.assert_allclose(np.diag(j), [0.5, np.inf, 0.5 / np.sqrt(2.0)])
    np.testing.assert_array_equal(j[0, [1, 2]], [0.0, 0.0])
    j = jac(tg.exp)(tg.tensor([1.0, 1000.0, 2.0], dtype=tg.float64)).numpy()
    np.testing.assert_allclose(np.diag(j), [np.e, np.inf, np.exp(2.0)])


def test_jacrev_through_where_and_clamp_with_an_inf_in_the_branch_not_taken():
    x = tg.tensor([1.0, -1.0, 0.0], dtype=tg.float64)
    j = tg.jacrev(lambda v: tg.where(v > 0, tg.log(v), v))(x)
    np.testing.assert_array_equal(j.numpy(), np.eye(3))
    lo = tg.tensor([-1.0, -1.0, -1.0], dtype=tg.float64)
    j = tg.jacrev(lambda v: tg.clamp(tg.log(v), lo, 1.0))(
        tg.tensor([1.0, 0.0, 2.0], dtype=tg.float64))
    np.testing.assert_allclose(j.numpy(), np.diag([1.0, 0.0, 0.5]))


def test_hessian_with_an_infinite_entry_keeps_the_finite_ones():
    h = tg.hessian(lambda v: tg.log(v).sum())(tg.tensor([1.0, 0.0], dtype=tg.float64))
    np.testing.assert_array_equal(h.numpy(), [[-1.0, 0.0], [0.0, -np.inf]])
