"""dtypes on the apply paths (bool/int8/uint8 give float32, as PyTorch), complex autodiff
recorded, and bad operands and attributes refused with errors that name the op."""
import numpy as np
import pytest

import tapegrad as tg

# NumPy computes these in float16 (int16 and wider already gave float32)
SMALL_INTS = {"bool": np.array([True, False]), "int8": np.array([2, -3], np.int8),
              "uint8": np.array([200, 3], np.uint8)}
UNARY = ["exp", "sqrt", "sin", "log1p", "tanh", "sigmoid"]


@pytest.mark.parametrize("dt", SMALL_INTS, ids=list(SMALL_INTS))
@pytest.mark.parametrize("name", UNARY)
def test_float_op_on_integer_or_bool_tensor_matches_torch_in_float32(name, dt):
    torch = pytest.importorskip("torch")
    a = SMALL_INTS[dt]
    with np.errstate(all="ignore"):
        ours = getattr(tg, name)(tg.tensor(a))
    ref = getattr(torch, name)(torch.from_numpy(a)).numpy()
    assert ours.dtype == np.float32
    np.testing.assert_allclose(ours.numpy(), ref, rtol=1e-6)


@pytest.mark.parametrize("dt", SMALL_INTS, ids=list(SMALL_INTS))
@pytest.mark.parametrize("expr", [lambda t: tg.sqrt(t) * 2, lambda t: 1.0 / tg.exp(t),
                                  lambda t: tg.exp(t) + t])
def test_chain_from_integer_or_bool_tensor_stays_float32(expr, dt):
    with np.errstate(all="ignore"):
        assert expr(tg.tensor(SMALL_INTS[dt])).dtype == np.float32


def test_numpy_int_array_operands_give_float32_but_float16_stays_float16():
    assert tg.exp(np.array([1], np.uint8)).dtype == np.float32
    assert tg.exp(tg.tensor(np.array([1.0], np.float16))).dtype == np.float16


# ---------------------------------------------------------------- complex
# (issue 16: complex autodiff follows PyTorch's convention; tests/test_complex.py has the
# rules against torch. Here: every apply path records complex values, and an op that is
# not defined on complex numbers refuses them by name.)

COMPLEX_CASES = {
    "exp": (lambda z: tg.exp(z), lambda z: np.conj(np.exp(z))),
    "mul": (lambda z: z * z, lambda z: 2 * np.conj(z)),
    "add_scalar": (lambda z: z + 1.0, lambda z: np.ones_like(z)),
    "sum": (lambda z: z.sum(), lambda z: np.ones_like(z)),
}


@pytest.mark.parametrize("f,want", COMPLEX_CASES.values(), ids=COMPLEX_CASES.keys())
def test_recording_with_complex_tensor_gives_the_conjugate_gradient(f, want):
    z0 = np.array([1 + 2j, 3 - 1j])
    z = tg.tensor(z0, requires_grad=True)
    y = f(z)
    y.backward(tg.tensor(np.ones(y.shape, complex)))
    np.testing.assert_allclose(z.grad.numpy(), want(z0))


def test_real_tensor_that_requires_grad_made_complex_gets_a_real_gradient():
    x = tg.tensor(np.array([1.0, 2.0]), requires_grad=True)
    tg.abs(x * np.array([1j, 2j])).sum().backward()
    assert x.grad.dtype == np.float64
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 2.0])


def test_forward_mode_with_complex_tangent_pushes_forward():
    z = np.array([1 + 2j, 3 - 1j])
    _, dout = tg.jvp(lambda v: tg.exp(v), (tg.tensor(z),), (tg.tensor(z),))
    np.testing.assert_allclose(dout.numpy(), np.exp(z) * z)


def test_op_undefined_on_complex_refuses_by_name():
    z = tg.tensor(np.array([1 + 2j, 3 - 1j]), requires_grad=True)
    with pytest.raises(TypeError, match=r"maximum: complex tensors are not supported .*"
                                        r"complex128"):
        tg.maximum(z, z)


# ---------------------------------------------------------------- bad operands

BAD_OPERANDS = {
    "add_str": (lambda x: x + "a", "add"),
    "radd_str": (lambda x: "a" + x, "add"),
    "mul_none": (lambda x: x * None, "mul"),
    "sub_object": (lambda x: x - object(), "sub"),
    "matmul_str": (lambda x: x @ "a", "matmul"),
    "rmatmul_none": (lambda x: None @ x, "matmul"),
    "lt_str": (lambda x: x < "a", "lt"),
    "ge_none": (lambda x: x >= None, "ge"),
    "pow_list_str": (lambda x: x ** [1, "a"], "pow"),
    "div_dict": (lambda x: x / {}, "div"),
}


@pytest.mark.parametrize("case", BAD_OPERANDS.values(), ids=BAD_OPERANDS.keys())
def test_bad_operand_raises_type_error_naming_the_op(case):
    f, name = case
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=rf"^{name}: unsupported operand type"):
        f(x)


BAD_ATTRIBUTES = {
    "data_list": (lambda x: setattr(x, "data", [1.0, 2.0]), TypeError, "data"),
    "data_int_on_rg": (lambda x: setattr(x, "data", tg.tensor([1, 2])), RuntimeError, "data"),
    "requires_grad_str": (lambda x: setattr(x, "requires_grad", "yes"), TypeError,
                          "requires_grad"),
    "requires_grad_float": (lambda x: x.requires_grad_(1.5), TypeError, "requires_grad"),
    "to_bogus": (lambda x: x.to("bogus"), TypeError, "to"),
    "to_cuda": (lambda x: x.to("cuda"), ValueError, "to"),
    "astype_bogus": (lambda x: x.astype("bogus"), TypeError, "astype"),
    "type_bogus": (lambda x: x.type("bogus"), TypeError, "type"),
    "np_out": (lambda x: np.multiply(x, 2.0, out=x), TypeError, "np.multiply"),
    "getitem_float": (lambda x: x[1.5], IndexError, "getitem"),
    "getitem_str": (lambda x: x["a"], IndexError, "getitem"),
    "reshape_float": (lambda x: x.reshape(2.5), TypeError, "reshape"),
    "view_str": (lambda x: x.view("2"), TypeError, "reshape"),
    "permute_str": (lambda x: x.permute("a"), TypeError, "permute"),
    "expand_float": (lambda x: x.expand(2, 2.0), TypeError, "expand"),
}


@pytest.mark.parametrize("case", BAD_ATTRIBUTES.values(), ids=BAD_ATTRIBUTES.keys())
def test_bad_attribute_or_argument_raises_naming_it(case):
    f, exc, name = case
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(exc, match=rf"^{name}"):
        f(x)


def test_data_setter_takes_a_tensor_of_any_shape_but_not_a_string():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"^data: expected a Tensor, got str"):
        x.data = "abc"
    x.data = tg.tensor([[1.0, 2.0, 3.0]])          # as PyTorch
    assert x.shape == (1, 3) and x.requires_grad
