"""copy.deepcopy of tensors, parameters, variables and models (a common PyTorch idiom)."""
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
    w2.numpy()[...] = 0.0
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
