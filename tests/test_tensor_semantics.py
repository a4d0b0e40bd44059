"""Tensor semantics users rely on: deepcopy, in-place operators, Python-scalar dtypes, duals
of leaves, and PyTorch-like printing."""
import copy

import numpy as np
import pytest

import tapegrad as tg


def test_deepcopy_of_a_model_copies_parameters():
    m = tg.nn.Sequential(tg.nn.Linear(2, 3), tg.nn.ReLU())
    m2 = copy.deepcopy(m)
    w, w2 = m[0].weight, m2[0].weight
    assert type(w2) is type(w) and w2.requires_grad and w2 is not w
    np.testing.assert_array_equal(w2.numpy(), w.numpy())
    w2.detach().numpy()[...] = 0.0
    assert np.any(w.numpy() != 0.0)                 # no shared memory
    sd = copy.deepcopy(m.state_dict())
    assert set(sd) == {"0.weight", "0.bias"}


def test_deepcopy_keeps_variable_attributes_and_grad():
    v = tg.Variable([1.0, 2.0], trainable=False, name="v")
    v2 = copy.deepcopy(v)
    assert v2.name == "v:0" and not v2.trainable
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (x * x).sum().backward()
    x2 = copy.copy(x)
    np.testing.assert_array_equal(x2.grad.numpy(), [2.0, 4.0])
    assert x2.grad is not x.grad


def test_deepcopy_of_a_non_leaf_is_refused():
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="leaf"):
        copy.deepcopy(x * 2)


def test_ops_on_python_scalars_follow_the_float32_default():
    assert tg.exp(2.0).dtype == np.float32
    assert tg.sum([1.0, 2.0]).dtype == np.float32
    assert tg.where(np.array([True, False]), 1.0, 0.0).dtype == np.float32
    assert tg.add(1, 2).dtype == np.int64
    assert tg.exp(np.float64(2.0)).dtype == np.float64       # NumPy values keep theirs
    assert tg.exp(np.array([1.0])).dtype == np.float64


def test_augmented_assignment_is_in_place_like_pytorch():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    tg.sum(w * w).backward()
    ident = id(w)
    with tg.no_grad():
        w -= 0.5 * w.grad
    assert id(w) == ident and w.requires_grad and w.is_leaf
    np.testing.assert_allclose(w.numpy(), [0.0, 0.0])
    with pytest.raises(RuntimeError, match="leaf"):
        w += 1.0                                    # recording: refused, as in PyTorch
    h = w * 3.0
    h += tg.tensor([1.0, 1.0])                      # a recorded in-place update
    tg.sum(h * h).backward()
    assert w.grad is not None


def test_dual_of_a_leaf_is_a_leaf_and_takes_hooks():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    seen = []
    with tg.autograd.forward_ad.dual_level():
        d = tg.make_dual(x, tg.ones(2))
        assert d.is_leaf
        d.register_hook(lambda g: seen.append(g.numpy().copy()))
        tg.sum(d * d).backward()
    assert len(seen) == 1
    np.testing.assert_allclose(x.grad.numpy(), [2.0, 4.0])


def test_repr_prints_four_decimals_like_pytorch():
    assert repr(tg.tensor([0.077])) == "tensor([0.0770])"
    assert repr(tg.tensor([1.0, 2.0])) == "tensor([1., 2.])"
    assert repr(tg.tensor(0.5, requires_grad=True)) == "tensor(0.5000, requires_grad=True)"


def test_numpy_float_scalars_act_like_python_floats_next_to_tensors():
    x = tg.ones(2)
    assert (x * np.sqrt(2.0)).dtype == np.float32
    assert (np.float64(2.0) * x).dtype == np.float32
    assert (tg.ones(2, dtype="float64") * np.float32(2.0)).dtype == np.float64


def test_backward_signature_matches_the_contract():
    import inspect
    sig = inspect.signature(tg.Tensor.backward)
    assert sig.parameters["retain_graph"].default is False
    x = tg.tensor(2.0, requires_grad=True)
    (g,) = tg.autograd.grad(x ** 3, x, create_graph=True)
    g.backward(create_graph=True)              # create_graph keeps the graph it builds on
    assert x.grad.item() == 12.0
