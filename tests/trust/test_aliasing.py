"""Aliasing: casts, NumPy operands, read-only hand-outs, tg.function views, NumPy functions
on tensors. Each write into memory a recorded op saved either fails where it happens or
makes backward raise; it never gives a wrong gradient silently."""
import numpy as np
import pytest

import tapegrad as tg


def _x():
    return tg.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)


# ---------------------------------------------------------------- casts

SAME_DTYPE_CASTS = {
    "double": lambda t: t.double(),
    "to": lambda t: t.to(np.float64),
    "to_str": lambda t: t.to("float64"),
    "to_kw": lambda t: t.to(dtype=np.float64),
    "type": lambda t: t.type(np.float64),
    "astype": lambda t: t.astype(np.float64),
    "tg.cast": lambda t: tg.cast(t, np.float64),
}


@pytest.mark.parametrize("cast", SAME_DTYPE_CASTS.values(), ids=SAME_DTYPE_CASTS.keys())
def test_write_into_same_dtype_cast_never_gives_a_silent_wrong_gradient(cast):
    x = _x()
    h = x * 1.0                         # a non-leaf: writes allowed under no_grad
    z = (h * h).sum()
    with tg.no_grad():
        y = cast(h)
        y[0] = 100.0
    try:
        z.backward()
    except RuntimeError as e:
        assert "modified in place" in str(e)
        return
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])
    assert h.numpy()[0] == 1.0          # it was a copy


@pytest.mark.parametrize("method", ["float", "double", "half", "int", "long", "bool"])
def test_pytorch_named_cast_to_same_dtype_returns_the_tensor_itself(method):
    dtypes = {"float": np.float32, "double": np.float64, "half": np.float16,
              "int": np.int32, "long": np.int64, "bool": np.bool_}
    t = tg.tensor(np.zeros(2, dtype=dtypes[method]))
    assert getattr(t, method)() is t


@pytest.mark.parametrize("cast", [lambda t: t.astype("float32"),
                                  lambda t: tg.cast(t, "float32")])
def test_astype_and_cast_to_same_dtype_copy(cast):
    t = tg.tensor([1.0, 2.0])
    y = cast(t)
    assert y is not t and not np.shares_memory(y.numpy(), t.numpy())


def test_float_cast_write_into_leaf_is_refused_while_recording():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x.float()
    with pytest.raises(RuntimeError, match="leaf"):
        y[0] = 100.0


# ---------------------------------------------------------------- NumPy operands

NUMPY_OPERAND_CASES = {
    "mul": lambda x, c: (x * c).sum(),
    "rmul": lambda x, c: (c * x).sum(),
    "div": lambda x, c: (c / x).sum(),
    "matmul": lambda x, c: (c.reshape(1, 3) @ x).sum(),
    "maximum": lambda x, c: tg.maximum(x, c).sum(),
    "pow": lambda x, c: (x ** c).sum(),
}


@pytest.mark.parametrize("f", NUMPY_OPERAND_CASES.values(), ids=NUMPY_OPERAND_CASES.keys())
def test_numpy_operand_changed_after_recording_does_not_change_the_gradient(f):
    c = np.array([3.0, 4.0, 5.0])
    x = _x()
    f(x, c).backward()
    want = x.grad.numpy().copy()
    x2 = _x()
    c2 = c.copy()
    y = f(x2, c2)
    c2[:] = -7.0
    y.backward()
    np.testing.assert_allclose(x2.grad.numpy(), want)


def test_list_operand_changed_after_recording_does_not_change_the_gradient():
    c = [3.0, 4.0, 5.0]
    x = _x()
    y = (x * c).sum()
    c[0] = -1.0
    c[2] = 0.0
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0, 5.0])


def test_index_array_changed_after_recording_does_not_change_the_gradient():
    idx = np.array([0, 0, 2])
    x = _x()
    y = x[idx].sum()
    idx[:] = 1
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 0.0, 1.0])


def test_clip_bound_array_changed_after_recording_does_not_change_the_gradient():
    lo = np.array([0.0, 2.5, 0.0])
    x = _x()
    y = tg.clip(x, lo, None).sum()
    lo[:] = 10.0
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [1.0, 0.0, 1.0])


def test_read_only_numpy_operand_is_not_copied():
    from tapegrad.ops._apply import _frozen
    c = np.arange(3.0)
    c.flags.writeable = False
    assert _frozen(c) is c
    v = np.arange(3.0)[:]                       # a read-only view of a writable base
    v.flags.writeable = False
    assert _frozen(v) is not v


# ---------------------------------------------------------------- read-only hand-outs

HANDOUTS = {
    "numpy": lambda t: t.numpy(),
    "asarray": lambda t: np.asarray(t),
    "__array__": lambda t: t.__array__(),
    "array_copy_false": lambda t: np.array(t, copy=False),
}


@pytest.mark.parametrize("get", HANDOUTS.values(), ids=HANDOUTS.keys())
def test_array_of_tensor_that_requires_grad_is_read_only(get):
    x = _x()
    y = (x * x).sum()
    a = get(x)
    with pytest.raises(ValueError, match="read-only"):
        a[0] = 100.0
    with pytest.raises(ValueError, match="read-only"):
        np.multiply(a, 3, out=a)
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0, 6.0])


def test_only_arrays_of_tensors_that_require_grad_are_read_only():
    x = _x()
    assert not x.numpy().flags.writeable
    t = tg.tensor([1.0, 2.0])
    t.numpy()[0] = 5.0                          # a plain tensor: shared and writable
    assert t.numpy()[0] == 5.0
    x.detach().numpy()[0] = 7.0                 # PyTorch: detach() shares memory
    assert x.detach().numpy()[0] == 7.0
    a = np.array(x)                             # copy=True: a fresh, writable array
    a[0] = 9.0
    assert x.detach().numpy()[0] == 7.0
    h = x * 1.0                                 # in-place tensor ops: still tracked
    y = (h * h).sum()
    h.add_(1.0)
    with pytest.raises(RuntimeError, match="modified in place"):
        y.backward()


# ---------------------------------------------------------------- tg.function views

FUNCTION_CASES = {
    "reshape": lambda t: t.reshape(-1),
    "identity": lambda t: t,
    "slice": lambda t: t[0],
    "tuple_of_views": lambda t: (t.reshape(-1), t[0]),
    "transpose": lambda t: t.T,
}


@pytest.mark.parametrize("fn", FUNCTION_CASES.values(), ids=FUNCTION_CASES.keys())
def test_write_into_tg_function_result_never_corrupts_backward(fn):
    f = tg.function(fn)
    for _ in range(2):                          # the trace and a replay
        x = tg.tensor(np.array([[1.0, 2.0]]), requires_grad=True)
        h = x * 1.0
        z = (h * h).sum()
        with tg.no_grad():
            r = f(h)
            r = r[0] if isinstance(r, tuple) else r
            r[0] = 100.0
        try:
            z.backward()
        except RuntimeError as e:
            assert "modified in place" in str(e)
            continue
        np.testing.assert_allclose(x.grad.numpy(), [[2.0, 4.0]])


def test_write_into_while_loop_result_that_is_its_input_never_corrupts_backward():
    f = tg.function(lambda t: tg.while_loop(lambda v: v.sum() > 100.0,
                                            lambda v: (v * 0.5,), (t,))[0])
    for _ in range(2):
        x = tg.tensor(np.array([1.0, 2.0]), requires_grad=True)
        h = x * 1.0
        z = (h * h).sum()
        with tg.no_grad():
            r = f(h)
            r[0] = 100.0
        try:
            z.backward()
        except RuntimeError as e:
            assert "modified in place" in str(e)
            continue
        np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


# ---------------------------------------------------------------- NumPy functions

# NumPy functions and ufunc methods tapegrad has no counterpart of
@pytest.mark.parametrize("call", [lambda t: np.add.reduceat(t, [0]),
                                  lambda t: np.maximum.accumulate(t),
                                  lambda t: np.subtract.accumulate(t),
                                  lambda t: np.hypot.reduce(t)])
def test_numpy_function_that_would_leave_the_graph_raises(call):
    x = tg.tensor(np.array([2.0, 1.0]), requires_grad=True)
    with pytest.raises(TypeError, match="leave tapegrad's graph"):
        call(x)
    with tg.no_grad():                          # nothing to cut: NumPy's result
        assert isinstance(call(x), (np.ndarray, np.generic, tg.Tensor))
    assert isinstance(call(x.detach()), (np.ndarray, np.generic, tg.Tensor))


def test_numpy_function_raises_naming_itself_only_when_a_gradient_is_cut():
    x = tg.tensor(np.array([2.0, 1.0]), requires_grad=True)
    with pytest.raises(TypeError, match=r"np\.hypot\.reduce: tapegrad has no hypot\.reduce.*detach"):
        np.hypot.reduce(x)
    assert np.concatenate([x, x]).requires_grad        # tapegrad.numpy's concatenate
    # bool and integer results carry no gradient: NumPy's answer
    assert np.allclose(x, [2.0, 1.0]) and np.array_equal(x, [2.0, 1.0])
    assert np.isclose(x, [2.0, 0.0]).tolist() == [True, False]
    assert np.argsort(x).tolist() == [1, 0] and np.shape(x) == (2,)


@pytest.mark.parametrize("name", ["sin", "exp", "tanh", "sqrt", "negative", "absolute"])
def test_numpy_ufunc_on_tensor_dispatches_to_the_tapegrad_op(name):
    torch = pytest.importorskip("torch")
    a = np.array([0.5, 1.5])
    x = tg.tensor(a, requires_grad=True)
    getattr(np, name)(x).sum().backward()
    tx = torch.tensor(a, requires_grad=True)
    tname = {"negative": "neg", "absolute": "abs"}.get(name, name)
    getattr(torch, tname)(tx).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12)


def test_ndarray_with_tensor_through_operators_and_ufuncs_gives_tracked_tensors():
    x = tg.tensor(np.array([2.0, 1.0]), requires_grad=True)
    a = np.array([1.0, 3.0])
    for r in (a + x, a - x, a * x, a / x, a ** x, a < x, a == x, np.add(a, x),
              np.multiply(x, a), np.less(a, x)):
        assert isinstance(r, tg.Tensor)
    (np.multiply(a, x) + np.sum(x * x)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), a + 2 * 2 * x.detach().numpy())


def test_numpy_argument_of_tg_function_changed_after_the_call_does_not_change_the_gradient():
    f = tg.function(lambda t, c: (t * c).sum())
    for _ in range(2):
        x = _x()
        c = np.array([3.0, 4.0, 5.0])
        y = f(x, c)
        c[:] = 0.0
        y.backward()
        np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0, 5.0])


def test_numpy_argument_of_checkpoint_changed_before_backward_does_not_change_the_gradient():
    x = _x()
    c = np.array([3.0, 4.0, 5.0])
    y = tg.checkpoint(lambda t, k: (t * k).sum(), x, c)
    c[:] = 0.0
    y.backward()
    np.testing.assert_allclose(x.grad.numpy(), [3.0, 4.0, 5.0])
