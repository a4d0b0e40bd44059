"""Factories and conversion of user data (issue 13): tensor values passed to factories
stay in the graph, bad input is refused up front naming the function and the argument,
and the default dtype rules hold for edge cases."""
import json
import warnings

import numpy as np
import pytest

import tapegrad as tg
from tapegrad._pytree import flatten, unflatten

F64 = tg.float64


def leaf(v):
    return tg.tensor(v, dtype=F64, requires_grad=True)


# ------------------------------------------------------------------ values stay in the graph
def test_tensor_of_a_list_holding_tensors_is_differentiable():
    a, b = leaf(3.0), leaf([1.0, 2.0])
    y = tg.tensor([[a, 1.0], b * a])          # mixed Python numbers are constants
    assert y.dtype == F64 and y.shape == (2, 2)
    (y * tg.tensor([[1.0, 10.0], [100.0, 1000.0]], dtype=F64)).sum().backward()
    assert a.grad.item() == pytest.approx(1 + 100 * 1 + 1000 * 2)
    np.testing.assert_allclose(b.grad.numpy(), [300.0, 3000.0])
    c = tg.tensor([a, 2.0], requires_grad=True)   # asked for: a new leaf, detached values
    assert c.is_leaf and c.requires_grad and c.grad_fn is None


def test_tensor_of_a_list_holding_tensors_carries_forward_tangents():
    x, dx = tg.tensor(2.0, dtype=F64), tg.tensor(1.0, dtype=F64)
    out, dout = tg.jvp(lambda a: tg.tensor([a * a, a, 5.0]), (x,), (dx,))
    np.testing.assert_allclose(out.numpy(), [4.0, 2.0, 5.0])
    np.testing.assert_allclose(dout.numpy(), [4.0, 1.0, 0.0])


def test_tensor_of_a_tensor_is_a_detached_copy_with_a_warning():
    a = leaf([1.0, 2.0])
    with pytest.warns(UserWarning, match=r"clone\(\)\.detach\(\)"):
        y = tg.tensor(a)
    assert not y.requires_grad and y.is_leaf and y.dtype == F64
    assert not np.shares_memory(y.numpy(), a.detach().numpy())


def test_tensor_of_a_list_of_traced_tensors_replays_new_values():
    f = tg.function(lambda a, b: tg.tensor([a, b]) * 2)
    with warnings.catch_warnings():
        warnings.simplefilter("error")        # stays in graph mode: no eager fallback
        f(tg.tensor(1.0), tg.tensor(2.0))
        np.testing.assert_allclose(f(tg.tensor(3.0), tg.tensor(4.0)).numpy(), [6.0, 8.0])


def test_full_with_a_0d_tensor_is_a_differentiable_broadcast_that_owns_its_memory():
    t = leaf(2.0)
    y = tg.full((2, 3), t)
    assert y.dtype == F64 and y.shape == (2, 3)
    (y * tg.arange(6, dtype=F64).reshape(2, 3)).sum().backward()
    assert t.grad.item() == 15.0
    with tg.no_grad():
        y2 = tg.full((2,), t)
    assert not y2.requires_grad
    z = tg.full((2,), t)
    assert not np.shares_memory(z.detach().numpy(), t.detach().numpy())


def test_full_like_with_a_tensor_fill_value_is_differentiable():
    t = leaf(2.0)
    tg.full_like(tg.zeros(4, dtype=F64), t).sum().backward()
    assert t.grad.item() == 4.0


def test_linspace_is_differentiable_in_both_ends_with_torchs_values():
    # torch.linspace accepts 0-d tensor ends but cuts the graph; values are compared
    # with torch, gradients with d out_i / d start = 1 - i/(n-1), d out_i / d end = i/(n-1)
    torch = pytest.importorskip("torch")
    a, b = leaf(-1.0), leaf(2.5)
    w = np.arange(1.0, 8.0)
    y = tg.linspace(a, b, 7, dtype=F64)
    (y * tg.tensor(w)).sum().backward()
    ty = torch.linspace(-1.0, 2.5, 7, dtype=torch.float64)
    np.testing.assert_allclose(y.detach().numpy(), ty.numpy(), rtol=1e-15, atol=1e-15)
    frac = np.arange(7) / 6
    assert a.grad.item() == pytest.approx(np.sum(w * (1 - frac)))
    assert b.grad.item() == pytest.approx(np.sum(w * frac))


def test_linspace_tangent_and_single_step():
    x = tg.tensor(2.0, dtype=F64)
    _, dout = tg.jvp(lambda s: tg.linspace(s, 3 * s, 3, dtype=F64), (x,), (tg.ones((), dtype=F64),))
    np.testing.assert_allclose(dout.numpy(), [1.0, 2.0, 3.0])
    a = leaf(4.0)
    tg.linspace(a, 9.0, 1, dtype=F64).sum().backward()
    assert a.grad.item() == 1.0


def test_arange_with_tensor_start_and_step_differentiates_start_plus_i_step():
    s, d = leaf(1.0), leaf(0.5)
    y = tg.arange(s, 3.0, d, dtype=F64)
    np.testing.assert_allclose(y.detach().numpy(), [1.0, 1.5, 2.0, 2.5])
    y.sum().backward()
    assert s.grad.item() == 4.0 and d.grad.item() == 0 + 1 + 2 + 3


@pytest.mark.parametrize("make", [tg.constant, tg.convert_to_tensor])
def test_constant_and_convert_to_tensor_keep_a_tensor_in_the_graph_as_tf(make):
    v = tg.Variable(3.0)
    with tg.GradientTape(persistent=True) as tape:
        y = make(v * v) * 2
        z = tg.reduce_sum(make([v, v * v]))   # a list holding tensors is stacked
    assert tape.gradient(y, v).item() == 12.0
    assert tape.gradient(z, v).item() == 7.0


def test_constant_of_a_list_holding_watched_tensors_is_stacked():
    c = tg.constant(4.0)
    with tg.GradientTape() as tape:
        tape.watch(c)
        y = tg.reduce_sum(tg.constant([c, c * c]))
    assert tape.gradient(y, c).item() == 9.0


def test_constant_of_a_tensor_with_shape_broadcasts_differentiably():
    v = leaf(2.0)
    y = tg.constant(v, shape=(2, 2))
    y.sum().backward()
    assert y.shape == (2, 2) and v.grad.item() == 4.0


def test_integer_result_from_tensors_that_require_grad_raises_not_a_constant():
    with pytest.raises(TypeError, match="tensor: .*int64.*gradients"):
        tg.tensor([leaf(1.0), 2.0], dtype=tg.int64)
    with pytest.raises(TypeError, match="arange: .*int64.*gradients"):
        tg.arange(leaf(1.0), 5, dtype=tg.int64)
    with pytest.raises(TypeError, match="full: .*int64.*gradients"):
        tg.full((2,), leaf(1.0), dtype=tg.int64)


# ------------------------------------------------------------------ bad input
BAD = [
    ("zeros(2.5)", lambda: tg.zeros(2.5), TypeError, r"zeros: size must be ints, got 2\.5"),
    ("zeros(-1)", lambda: tg.zeros(-1), ValueError, "zeros: size must be non-negative"),
    ("zeros((2,'a'))", lambda: tg.zeros((2, "a")), TypeError, "zeros: size.*'a'"),
    ("zeros(True)", lambda: tg.zeros(True), TypeError, "zeros: size.*bool"),
    ("ones(2, 3.0)", lambda: tg.ones(2, 3.0), TypeError, "ones: size.*3.0"),
    ("full((2,),'a')", lambda: tg.full((2,), "a"), TypeError, "full: fill_value.*'a'"),
    ("full((2,),[1,2])", lambda: tg.full((2,), [1, 2]), TypeError, "full: fill_value"),
    ("full 1-d tensor", lambda: tg.full((2,), tg.ones(2)), ValueError, "full: fill_value.*0-d"),
    ("full(2.5, 1)", lambda: tg.full(2.5, 1.0), TypeError, "full: size"),
    ("full int8 300", lambda: tg.full((2,), 300, dtype=tg.int8), ValueError, "full: fill_value"),
    ("arange step 0", lambda: tg.arange(0, 10, 0), ValueError, "arange: step must be nonzero"),
    ("arange nan", lambda: tg.arange(0, float("nan")), ValueError, "arange: end must be finite"),
    ("arange inf", lambda: tg.arange(float("-inf"), 3), ValueError, "arange: start must be fin"),
    ("arange 'a'", lambda: tg.arange("a"), TypeError, "arange: end must be a real number"),
    ("arange 1-d tensor", lambda: tg.arange(tg.ones(2)), TypeError, "arange: end .*0-d"),
    ("linspace -1", lambda: tg.linspace(0, 1, -1), ValueError, "linspace: steps must be non"),
    ("linspace 2.5", lambda: tg.linspace(0, 1, 2.5), TypeError, "linspace: steps must be an int"),
    ("linspace 'a'", lambda: tg.linspace("a", 1, 3), TypeError, "linspace: start must be a real"),
    ("eye(2.5)", lambda: tg.eye(2.5), TypeError, r"eye: n must be an int, got 2\.5"),
    ("eye(-1)", lambda: tg.eye(-1), ValueError, "eye: n must be non-negative"),
    ("eye(2, 1.5)", lambda: tg.eye(2, 1.5), TypeError, "eye: m must be an int"),
    ("eye(float tensor)", lambda: tg.eye(tg.tensor(2.0)), TypeError, "eye: n must be an int"),
    ("rand(2.5)", lambda: tg.rand(2.5), TypeError, "rand: size must be ints"),
    ("randn('a')", lambda: tg.randn("a"), TypeError, "randn: size must be ints"),
    ("rand int dtype", lambda: tg.rand(3, dtype=tg.int64), TypeError, "rand: dtype must be a float"),
    ("randint(5, 2)", lambda: tg.randint(5, 2), ValueError, "randint: low must be less than high"),
    ("randint(0.5, 5)", lambda: tg.randint(0.5, 5), TypeError, "randint: low must be an int"),
    ("randint size 2.5", lambda: tg.randint(0, 5, size=2.5), TypeError, "randint: size"),
    ("randint int8 range", lambda: tg.randint(0, 1000, (2,), dtype=tg.int8), ValueError,
     "randint: .*int8"),
    ("tensor('abc')", lambda: tg.tensor("abc"), TypeError, "tensor: data .*'abc' \\(str\\)"),
    ("tensor(['a'])", lambda: tg.tensor(["a"]), TypeError, "tensor: data .*'a' \\(str\\)"),
    ("tensor(b'ab')", lambda: tg.tensor(b"ab"), TypeError, "tensor: data .*bytes"),
    ("tensor([1, None])", lambda: tg.tensor([1, None]), TypeError, "tensor: data .*None"),
    ("tensor(str array)", lambda: tg.tensor(np.array(["a"])), TypeError, "tensor: data .*str"),
    ("tensor(object array)", lambda: tg.tensor(np.array([1.0], dtype=object)), TypeError,
     "tensor: data .*object"),
    ("tensor(datetime)", lambda: tg.tensor(np.array(["2020-01-01"], dtype="M8[D]")), TypeError,
     "tensor: data .*datetime64"),
    ("tensor str dtype", lambda: tg.tensor(["1.5"], dtype=tg.float32), TypeError,
     "tensor: data .*'1.5'"),
    ("tensor masked array", lambda: tg.tensor(np.ma.array([1.0, 2.0], mask=[0, 1])), TypeError,
     "tensor: masked arrays"),
    ("tensor ragged", lambda: tg.tensor([[1, 2], [3]]), ValueError, "tensor: nested lists"),
    ("tensor self-nested", lambda: (lambda l: (l.append(l), tg.tensor(l)))([]), ValueError,
     "tensor: data is nested more than 64"),
    ("tensor 2**70", lambda: tg.tensor(2 ** 70), ValueError, "tensor: integer .* int64"),
    ("tensor [-1, 2**63]", lambda: tg.tensor([-1, 2 ** 63]), ValueError, "tensor: integer"),
    ("tensor [2**63]", lambda: tg.tensor([2 ** 63]), ValueError, "tensor: integer"),
    ("tensor int8 300", lambda: tg.tensor([300], dtype=tg.int8), ValueError, "tensor: .*int8"),
    ("dtype bogus", lambda: tg.tensor([1.0], dtype="bogus"), TypeError, "tensor: dtype .*'bogus'"),
    ("dtype=str", lambda: tg.tensor([1.0], dtype=str), TypeError, "tensor: dtype must be numeric"),
    ("zeros dtype=object", lambda: tg.zeros(2, dtype=object), TypeError, "zeros: dtype must be"),
    ("ones dtype 'U'", lambda: tg.ones(2, dtype="U"), TypeError, "ones: dtype must be numeric"),
    ("requires_grad='yes'", lambda: tg.tensor([1.0], requires_grad="yes"), TypeError,
     "tensor: requires_grad must be a bool"),
    ("zeros requires_grad=1", lambda: tg.zeros(2, requires_grad=1), TypeError,
     "zeros: requires_grad must be a bool"),
    ("manual_seed('a')", lambda: tg.manual_seed("a"), TypeError, "manual_seed: seed .*'a'"),
    ("manual_seed(-1)", lambda: tg.manual_seed(-1), ValueError, "manual_seed: seed .*-1"),
    ("manual_seed(1.5)", lambda: tg.manual_seed(1.5), TypeError, "manual_seed: seed .*1.5"),
    ("set_rng_state('x')", lambda: tg.set_rng_state("garbage"), TypeError, "set_rng_state: state"),
    ("set_rng_state({})", lambda: tg.set_rng_state({}), ValueError, "set_rng_state: state"),
    ("set_rng_state bad inc", lambda: tg.set_rng_state(
        {"bit_generator": "PCG64", "state": {"state": "x", "inc": 1}}), ValueError,
     "set_rng_state: state"),
    ("set_grad_enabled('no')", lambda: tg.set_grad_enabled("no"), TypeError,
     "set_grad_enabled: mode must be a bool"),
    ("Variable(['a'])", lambda: tg.Variable(["a"]), TypeError, "data .*'a' \\(str\\)"),
    ("zeros_like('abc')", lambda: tg.zeros_like("abc"), TypeError, "zeros_like: data"),
    ("zeros huge", lambda: tg.zeros(10 ** 30), ValueError, "zeros: size .* too large"),
    ("zeros too big", lambda: tg.zeros(2 ** 40, 2 ** 40), ValueError, "zeros: cannot make"),
    ("eye huge", lambda: tg.eye(10 ** 30), ValueError, "eye: n .* too large"),
    ("linspace huge", lambda: tg.linspace(0, 1, 10 ** 30), ValueError, "linspace: steps"),
    ("randn huge", lambda: tg.randn(10 ** 30), ValueError, "randn: size"),
    ("constant shape 2.5", lambda: tg.constant(1.0, shape=2.5), TypeError, "constant: size"),
    ("zeros_like str array", lambda: tg.zeros_like(np.array(["a"])), TypeError,
     "zeros_like: x must be numeric"),
    ("full_like str array", lambda: tg.full_like(np.array(["a"]), 1.0), TypeError,
     "full_like: x must be numeric"),
    ("constant dtype clash", lambda: tg.constant(tg.ones(2), dtype=F64), TypeError,
     "constant: value is a tensor of dtype float32"),
    ("flatten cycle", lambda: (lambda l: (l.append(l), flatten(l)))([]), ValueError,
     "flatten: a list holds itself"),
]


@pytest.mark.parametrize("call, exc, match", [b[1:] for b in BAD], ids=[b[0] for b in BAD])
def test_bad_input_raises_naming_the_function_and_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()


def test_refused_rng_state_leaves_the_generator_as_it_was():
    tg.manual_seed(3)
    state = tg.get_rng_state()
    with pytest.raises(ValueError, match="set_rng_state: state must be a dict returned by"):
        tg.set_rng_state(dict(state, bit_generator="MT19937"))
    a = tg.rand(3)
    tg.set_rng_state(json.loads(json.dumps(state)))      # a JSON round trip restores
    np.testing.assert_array_equal(tg.rand(3).numpy(), a.numpy())


def test_unflatten_refuses_a_wrong_number_of_leaves():
    leaves, spec = flatten({"a": [1, 2], "b": (3,)})
    with pytest.raises(ValueError, match="fewer leaves"):
        unflatten(spec, leaves[:-1])
    with pytest.raises(ValueError, match="more leaves"):
        unflatten(spec, leaves + [4])


def test_set_grad_enabled_called_as_a_function_sets_the_mode_as_in_torch():
    try:
        tg.set_grad_enabled(False)
        assert not (leaf(1.0) * 2).requires_grad
    finally:
        tg.set_grad_enabled(True)
    assert tg.is_grad_enabled()
    with tg.set_grad_enabled(False):
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()


def test_no_grad_works_as_a_bare_decorator_as_in_torch():
    @tg.no_grad
    def f(x):
        return x * 2

    assert not f(leaf(1.0)).requires_grad


# ------------------------------------------------------------------ dtype rules
DTYPES = [
    ("complex fill", lambda: tg.full((2,), 1 + 2j), np.complex64),
    ("full bool", lambda: tg.full((2,), np.bool_(True)), np.bool_),
    ("zeros_like of a float list", lambda: tg.zeros_like([1.0, 2.0]), np.float32),
]


@pytest.mark.parametrize("call, dtype", [d[1:] for d in DTYPES], ids=[d[0] for d in DTYPES])
def test_default_dtype_rules_hold_at_the_edges(call, dtype):
    assert call().dtype == np.dtype(dtype)


def test_complex_fill_keeps_its_imaginary_part():
    np.testing.assert_array_equal(tg.full((2,), 1 + 2j).numpy(), [1 + 2j, 1 + 2j])
