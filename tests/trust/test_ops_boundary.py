"""The ops at the boundary: remainder stays in the graph, bool/int inputs to float ops
give float32, and bad arguments to every public op function raise TypeError/ValueError
naming the function, before any work."""
import numpy as np
import pytest

import tapegrad as tg


# ------------------------------------------------------------------ remainder and friends

def test_remainder_operator_keeps_the_gradient_of_x():
    x = tg.tensor([2.0, 2.5], dtype=tg.float64, requires_grad=True)
    ((x % 1.5) * x).sum().backward()
    # d/dx [(x mod c) x] = (x mod c) + x
    np.testing.assert_allclose(x.grad.numpy(), [0.5 + 2.0, 1.0 + 2.5])


@pytest.mark.parametrize("fn, quotient", [
    (tg.remainder, np.floor_divide),
    (lambda x, y: x % y, np.floor_divide),
    (tg.fmod, lambda x, y: np.trunc(x / y)),
], ids=["remainder", "mod_operator", "fmod"])
def test_remainder_gradients_are_one_and_minus_the_quotient(fn, quotient):
    a = np.array([5.2, -5.2, 3.1, -0.7])
    b = np.array([1.5, 1.5, -2.0, -2.0])
    x = tg.tensor(a, requires_grad=True)
    y = tg.tensor(b, requires_grad=True)
    fn(x, y).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.ones(4))
    np.testing.assert_array_equal(y.grad.numpy(), -quotient(a, b))


def test_rmod_differentiates_the_divisor():
    y = tg.tensor([1.5, -1.5], dtype=tg.float64, requires_grad=True)
    out = 5.0 % y
    out.sum().backward()
    np.testing.assert_allclose(out.numpy(), [0.5, -1.0])      # Python's sign of divisor
    np.testing.assert_allclose(y.grad.numpy(), [-3.0, 4.0])   # -floor(5 / y)


def test_remainder_values_match_torch_for_every_sign():
    torch = pytest.importorskip("torch")
    a = np.array([-7.5, -3.0, 3.0, 7.5, 0.0])
    for b in (2.0, -2.0):
        np.testing.assert_array_equal(tg.remainder(tg.tensor(a), b).numpy(),
                                      torch.remainder(torch.tensor(a), b).numpy())
        np.testing.assert_array_equal(tg.fmod(tg.tensor(a), b).numpy(),
                                      torch.fmod(torch.tensor(a), b).numpy())


def test_integer_remainder_and_floor_divide_stay_integer():
    assert (tg.tensor([7, -7]) % 3).dtype == np.int64
    np.testing.assert_array_equal((tg.tensor([7, -7]) // 2).numpy(), [3, -4])


def test_floor_divide_is_in_the_graph_with_zero_gradient():
    x = tg.tensor([2.0, 2.5], requires_grad=True)
    q = x // 1.5
    assert q.requires_grad
    (q * x).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), q.numpy())


def test_remainder_and_floor_divide_keep_their_gradients_in_graph_mode():
    f = tg.function(lambda t: ((t % 1.5) * t + t // 1.0 + 5.0 % t).sum())
    for _ in range(2):                  # the trace, then the replay
        x = tg.tensor([2.0, 2.5], dtype=tg.float64, requires_grad=True)
        f(x).backward()
        # (x mod 1.5) + x, plus 0 from //, minus floor(5 / x) from 5 % x
        np.testing.assert_allclose(x.grad.numpy(), [0.5 + 2.0 - 2.0, 1.0 + 2.5 - 2.0])


def test_remainder_forward_mode_matches_reverse():
    x = np.array([2.0, 2.5, -4.1])
    y = np.array([1.5, -0.7, 1.3])
    _, t = tg.jvp(lambda a, b: a % b, (x, y), (np.ones(3), np.ones(3)))
    np.testing.assert_allclose(t.numpy(), 1.0 - np.floor_divide(x, y))


# ------------------------------------------------------------------ bool / int inputs

SMALL = {"bool": np.array([True, False, True]), "int8": np.array([2, -3, 0], np.int8),
         "uint8": np.array([200, 3, 0], np.uint8), "int64": np.array([2, -3, 0])}
FLOAT_OPS = {
    "sigmoid": (tg.sigmoid, lambda T, t: T.sigmoid(t)),
    "softplus": (tg.softplus, lambda T, t: T.nn.functional.softplus(t.float())),
    "gelu": (tg.gelu, lambda T, t: T.nn.functional.gelu(t.float())),
    "leaky_relu": (tg.leaky_relu, lambda T, t: T.nn.functional.leaky_relu(t.float())),
    "softmax": (tg.softmax, lambda T, t: T.softmax(t.float(), -1)),
    "log_softmax": (tg.log_softmax, lambda T, t: T.log_softmax(t.float(), -1)),
    "logsumexp": (tg.logsumexp, lambda T, t: T.logsumexp(t.float(), 0)),
    "norm": (tg.norm, lambda T, t: T.linalg.vector_norm(t.float())),
    "mean": (tg.mean, lambda T, t: T.mean(t.float())),
    "var": (tg.var, lambda T, t: T.var(t.float())),
    "std": (tg.std, lambda T, t: T.std(t.float())),
}


@pytest.mark.parametrize("dt", SMALL, ids=list(SMALL))
@pytest.mark.parametrize("name", FLOAT_OPS)
def test_float_op_of_bool_or_int_input_is_float32_and_matches_torch(name, dt):
    torch = pytest.importorskip("torch")
    ours_fn, theirs_fn = FLOAT_OPS[name]
    a = SMALL[dt]
    ours = ours_fn(tg.tensor(a))
    theirs = theirs_fn(torch, torch.from_numpy(a))
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.numpy(), theirs.numpy(), rtol=1e-5, atol=1e-6)


# ------------------------------------------------------------------ bad input probes

def _x():
    return tg.tensor(np.arange(24.0).reshape(2, 3, 4), requires_grad=True)


# (call, error type, function the message must start with, phrase it must contain)
BAD = {
    "sum_axis_float": (lambda x: tg.sum(x, axis=1.5), TypeError, "sum", "1.5"),
    "sum_axis_str": (lambda x: tg.sum(x, axis="0"), TypeError, "sum", "'0'"),
    "sum_axis_bool": (lambda x: tg.sum(x, axis=True), TypeError, "sum", "True"),
    "sum_keepdims_str": (lambda x: tg.sum(x, 1, keepdims="no"), TypeError, "sum", "'no'"),
    "sum_axis_out_of_range": (lambda x: tg.sum(x, axis=3), ValueError, "sum", "3"),
    "sum_axis_repeated": (lambda x: tg.sum(x, axis=(1, -2)), ValueError, "sum", "repeated"),
    "sum_axis_and_dim": (lambda x: tg.sum(x, axis=0, dim=1), TypeError, "sum", "dim"),
    "mean_axis_float": (lambda x: tg.mean(x, axis=0.0), TypeError, "mean", "0.0"),
    "prod_keepdim_int": (lambda x: tg.prod(x, 0, keepdim=2), TypeError, "prod", "2"),
    "max_axis_list_float": (lambda x: tg.max(x, axis=[0, 1.5]), TypeError, "max", "1.5"),
    "min_axis_out_of_range": (lambda x: tg.min(x, axis=-4), ValueError, "min", "-4"),
    "var_ddof_float": (lambda x: tg.var(x, ddof=0.5), TypeError, "var", "0.5"),
    "std_correction_str": (lambda x: tg.std(x, correction="1"), TypeError, "std", "'1'"),
    "logsumexp_axis_float": (lambda x: tg.logsumexp(x, 1.0), TypeError, "logsumexp", "1.0"),
    "argmax_axis_float": (lambda x: tg.argmax(x, axis=1.5), TypeError, "argmax", "1.5"),
    "argmin_axis_out_of_range": (lambda x: tg.argmin(x, axis=5), ValueError, "argmin", "5"),
    "flatten_start_after_end": (lambda x: tg.flatten(x, 2, 0), ValueError, "flatten",
                                "start_dim"),
    "flatten_float": (lambda x: tg.flatten(x, 0.5), TypeError, "flatten", "0.5"),
    "flatten_out_of_range": (lambda x: tg.flatten(x, 0, 3), ValueError, "flatten", "3"),
    "reshape_two_minus_ones": (lambda x: tg.reshape(x, (-1, -1)), ValueError, "reshape",
                               "-1"),
    "reshape_float": (lambda x: tg.reshape(x, (2, 12.0)), TypeError, "reshape", "12.0"),
    "reshape_str": (lambda x: tg.reshape(x, "24"), TypeError, "reshape", "'24'"),
    "reshape_negative": (lambda x: tg.reshape(x, (-2, -12)), ValueError, "reshape", "-2"),
    "reshape_wrong_size": (lambda x: tg.reshape(x, (5, 5)), ValueError, "reshape", "24"),
    "transpose_not_permutation": (lambda x: tg.transpose(x, (0, 0, 1)), ValueError,
                                  "transpose", "permutation"),
    "transpose_too_short": (lambda x: tg.transpose(x, (1, 0)), ValueError, "transpose",
                            "permutation"),
    "transpose_float_axis": (lambda x: tg.transpose(x, (0, 1.0, 2)), TypeError,
                             "transpose", "1.0"),
    "transpose_out_of_range": (lambda x: tg.transpose(x, (0, 1, 3)), ValueError,
                               "transpose", "3"),
    "swapaxes_float": (lambda x: tg.swapaxes(x, 0, 1.5), TypeError, "swapaxes", "1.5"),
    "squeeze_non_one_axis": (lambda x: tg.squeeze(x, 1), ValueError, "squeeze", "size 3"),
    "squeeze_out_of_range": (lambda x: tg.squeeze(x, 7), ValueError, "squeeze", "7"),
    "unsqueeze_float": (lambda x: tg.unsqueeze(x, 1.0), TypeError, "expand_dims", "1.0"),
    "expand_dims_out_of_range": (lambda x: tg.expand_dims(x, 5), ValueError, "expand_dims",
                                 "5"),
    "broadcast_to_float": (lambda x: tg.broadcast_to(x, (2, 3, 4.0)), TypeError,
                           "broadcast_to", "4.0"),
    "broadcast_to_bad_shape": (lambda x: tg.broadcast_to(x, (2, 2, 4)), ValueError,
                               "broadcast_to", "(2, 3, 4)"),
    "split_sizes_do_not_add_up": (lambda x: tg.split(x, [1, 1], axis=1), ValueError, "split",
                                  "add up"),
    "split_float_size": (lambda x: tg.split(x, [1, 1.5]), TypeError, "split", "1.5"),
    "split_zero_chunk": (lambda x: tg.split(x, 0), ValueError, "split", "positive"),
    "split_negative_size": (lambda x: tg.split(x, [3, -1], axis=1), ValueError, "split",
                            "-1"),
    "split_str": (lambda x: tg.split(x, "2"), TypeError, "split", "'2'"),
    "concatenate_empty": (lambda x: tg.concatenate([]), ValueError, "concatenate", "empty"),
    "concatenate_mismatched": (lambda x: tg.concatenate([x, tg.ones((2, 2, 4))], axis=0),
                               ValueError, "concatenate", "(2, 2, 4)"),
    "concatenate_tensor_not_list": (lambda x: tg.concatenate(x), TypeError, "concatenate",
                                    "list"),
    "concatenate_axis_float": (lambda x: tg.concatenate([x, x], axis=0.5), TypeError,
                               "concatenate", "0.5"),
    "concatenate_axis_tuple": (lambda x: tg.concatenate([x, x], axis=(0, 1)), TypeError,
                               "concatenate", "(0, 1)"),
    "stack_axis_none": (lambda x: tg.stack([x, x], axis=None), TypeError, "stack", "None"),
    "split_axis_none": (lambda x: tg.split(x, 1, axis=None), TypeError, "split", "None"),
    "stack_empty": (lambda x: tg.stack([]), ValueError, "stack", "empty"),
    "stack_mismatched": (lambda x: tg.stack([x, tg.ones((2, 3))]), ValueError, "stack",
                         "(2, 3)"),
    "stack_tensor_not_list": (lambda x: tg.stack(x), TypeError, "stack", "list"),
    "stack_none_entry": (lambda x: tg.stack([x, None]), TypeError, "stack", "None"),
    "getitem_float": (lambda x: tg.ops.getitem(x, 1.5), IndexError, "getitem", "1.5"),
    "where_float_condition": (lambda x: tg.where(x, x, 0.0), TypeError, "where", "bool"),
    "where_bad_shapes": (lambda x: tg.where(tg.ones((5,)) > 0, x, 0.0), ValueError, "where",
                         "(5,)"),
    "clip_min_above_max": (lambda x: tg.clip(x, 2.0, 1.0), ValueError, "clip", "greater"),
    "clip_str_bound": (lambda x: tg.clip(x, "0"), TypeError, "clip", "'0'"),
    "clip_no_bounds": (lambda x: tg.clip(x), ValueError, "clip", "min"),
    "leaky_relu_str_slope": (lambda x: tg.leaky_relu(x, negative_slope="a"), TypeError,
                             "leaky_relu", "'a'"),
    "softplus_zero_beta": (lambda x: tg.softplus(x, beta=0), ValueError, "softplus", "beta"),
    "softplus_str_threshold": (lambda x: tg.softplus(x, threshold="20"), TypeError,
                               "softplus", "'20'"),
    "gelu_bogus": (lambda x: tg.gelu(x, approximate="bogus"), ValueError, "gelu",
                   "'bogus'"),
    "softmax_axis_out_of_range": (lambda x: tg.softmax(x, axis=5), ValueError, "softmax",
                                  "5"),
    "log_softmax_axis_float": (lambda x: tg.log_softmax(x, axis=1.0), TypeError,
                               "log_softmax", "1.0"),
    "einsum_unknown_output": (lambda x: tg.einsum("ijk->ix", x), ValueError, "einsum", "ix"),
    "einsum_bad_character": (lambda x: tg.einsum("ij1", x), ValueError, "einsum", "ij1"),
    "einsum_operand_count": (lambda x: tg.einsum("ijk,k->ij", x), ValueError, "einsum",
                             "operand"),
    "einsum_not_string": (lambda x: tg.einsum(3, x), TypeError, "einsum", "3"),
    "einsum_size_mismatch": (lambda x: tg.einsum("ijk,k->ij", x, tg.ones(3)), ValueError,
                             "einsum", "'k'"),
    "matmul_mismatch": (lambda x: tg.matmul(x, tg.ones((3, 2))), ValueError, "matmul",
                        "(2, 3, 4) and (3, 2)"),
    "dot_mismatch": (lambda x: tg.dot(tg.ones(3), tg.ones(4)), ValueError, "dot",
                     "(3,) and (4,)"),
    "pow_str": (lambda x: tg.pow(x, "a"), TypeError, "pow", "str"),
    "remainder_str": (lambda x: tg.remainder(x, "a"), TypeError, "remainder", "str"),
    "cast_bogus": (lambda x: tg.cast(x, "bogus"), TypeError, "cast", "'bogus'"),
    "norm_bad_ord": (lambda x: tg.norm(x, ord="bogus"), ValueError, "norm", "'bogus'"),
    "norm_axis_float": (lambda x: tg.norm(x, axis=0.5), TypeError, "norm", "0.5"),
    "vector_norm_str_ord": (lambda x: tg.linalg.vector_norm(x, ord="fro"), ValueError,
                            "vector_norm", "'fro'"),
    "vector_norm_none_ord": (lambda x: tg.linalg.vector_norm(x, ord=None), TypeError,
                             "vector_norm", "None"),
    "matrix_norm_bad_ord": (lambda x: tg.linalg.matrix_norm(x, ord=3), ValueError,
                            "matrix_norm", "3"),
    "matrix_norm_one_axis": (lambda x: tg.linalg.matrix_norm(x, dim=1), ValueError,
                             "matrix_norm", "pair"),
    "matrix_norm_same_axes": (lambda x: tg.linalg.matrix_norm(x, dim=(1, -2)), ValueError,
                              "matrix_norm", "different"),
    "matrix_norm_1d": (lambda x: tg.linalg.matrix_norm(tg.ones(3)), ValueError,
                       "matrix_norm", "2 dimensions"),
    "linalg_norm_3d_with_ord": (lambda x: tg.linalg.norm(x, ord=2), ValueError,
                                "linalg.norm", "3-D"),
    "linalg_norm_matrix_ord_3": (lambda x: tg.linalg.norm(x, 3, axis=(0, 1)), ValueError,
                                 "linalg.norm", "3"),
    "svdvals_1d": (lambda x: tg.linalg.svdvals(tg.ones(3)), ValueError, "svdvals", "(3,)"),
}


@pytest.mark.parametrize("case", BAD.values(), ids=BAD.keys())
def test_bad_argument_raises_naming_the_function_and_what_it_got(case):
    call, exc, fn, phrase = case
    x = _x()
    with pytest.raises(exc) as info:
        call(x)
    msg = str(info.value)
    assert msg.startswith((fn + ":", fn + " ")), msg
    assert phrase in msg, msg
    assert x.grad is None and x.grad_fn is None     # nothing was recorded on the way


# public op functions given something that is not a numeric operand
OPERANDS = {"None": None, "str": "abc", "dict": {}, "str_array": np.array(["a", "b"]),
            "str_list": [["a"]]}
UNARY_FNS = {
    "sigmoid": tg.sigmoid, "gelu": tg.gelu, "leaky_relu": tg.leaky_relu,
    "softplus": tg.softplus, "softmax": tg.softmax, "log_softmax": tg.log_softmax,
    "erf": tg.erf, "clone": tg.clone, "cast": lambda v: tg.cast(v, "float32"),
    "sum": tg.sum, "mean": tg.mean, "var": tg.var, "std": tg.std, "logsumexp": tg.logsumexp,
    "argmax": tg.argmax, "argmin": tg.argmin, "reshape": lambda v: tg.reshape(v, -1),
    "transpose": tg.transpose, "swapaxes": lambda v: tg.swapaxes(v, 0, 0),
    "squeeze": tg.squeeze, "expand_dims": lambda v: tg.expand_dims(v, 0),
    "flatten": tg.flatten, "broadcast_to": lambda v: tg.broadcast_to(v, (2,)),
    "split": lambda v: tg.split(v, 1), "norm": tg.norm,
    "vector_norm": tg.linalg.vector_norm, "linalg.norm": tg.linalg.norm,
    "matmul": lambda v: tg.matmul(v, tg.ones((2, 2))),
    "dot": lambda v: tg.dot(tg.ones(2), v), "outer": lambda v: tg.outer(v, tg.ones(2)),
    "einsum": lambda v: tg.einsum("ij->j", v),
    "where": lambda v: tg.where(tg.tensor([True, False]), v, 0.0),
    "stack": lambda v: tg.stack([tg.ones(2), v]),
    "exp": tg.exp, "log": tg.log, "sqrt": tg.sqrt, "abs": tg.abs, "tanh": tg.tanh,
    "neg": tg.neg, "sign": tg.sign, "relu": tg.relu, "clip": lambda v: tg.clip(v, 0.0, 1.0),
}


@pytest.mark.parametrize("operand", OPERANDS.values(), ids=OPERANDS.keys())
@pytest.mark.parametrize("name", UNARY_FNS)
def test_non_numeric_operand_raises_type_error_naming_the_function(name, operand):
    with pytest.raises(TypeError, match=rf"^{name}: "):
        UNARY_FNS[name](operand)


def test_out_of_range_axis_is_both_value_and_index_error_as_numpy():
    with pytest.raises(IndexError) as info:
        tg.sum(tg.ones((2, 3)), axis=2)
    assert isinstance(info.value, ValueError)


def test_numpy_integer_axes_and_sizes_are_accepted():
    x = tg.ones((2, 3, 4))
    assert tg.sum(x, axis=np.int64(1)).shape == (2, 4)
    assert tg.reshape(x, (np.int32(6), -1)).shape == (6, 4)
    assert tg.transpose(x, [np.int64(2), 0, 1]).shape == (4, 2, 3)
    assert tg.sum(x, 0, keepdims=np.bool_(True)).shape == (1, 3, 4)


def test_rpow_float32_gradient_is_the_same_with_and_without_create_graph():
    # 2.0 ** x: the base's log once came out as a float64 NumPy scalar on raw arrays, so
    # .backward() rounded differently from the recorded (create_graph) rule
    x0 = np.array([-0.10177866, 0.17810473, 0.55822015], dtype=np.float32)
    w = np.array([0.34558418, 0.82161814, 0.33043706], dtype=np.float32)
    x = tg.tensor(x0, requires_grad=True)
    ((2.0 ** x) * tg.tensor(w)).sum().backward()
    plain = x.grad.numpy()
    x2 = tg.tensor(x0, requires_grad=True)
    (g,) = tg.autograd.grad(((2.0 ** x2) * tg.tensor(w)).sum(), [x2], create_graph=True)
    assert plain.dtype == np.float32 and g.dtype == tg.float32
    assert np.array_equal(plain, g.detach().numpy())
    # 0 ** x has gradient 0 in x (the decision for a zero base), a negative base NaN
    z = tg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    (0.0 ** z).sum().backward()
    assert np.array_equal(z.grad.numpy(), [0.0, 0.0])
    n = tg.tensor(np.array([1.0]), requires_grad=True)
    ((-2.0) ** n).sum().backward()
    assert np.isnan(n.grad.numpy()).all()
