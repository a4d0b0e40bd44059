"""A function that turns its differentiated input into NumPy values (np.asarray, float(),
.numpy()) and returns something built from them gets a zero gradient: the transforms say
so with a NoneGradientWarning naming the conversion and its line, instead of returning
the zeros silently (SciPy's `rosen` does this internally)."""
import warnings

import numpy as np
import pytest

import tapegrad as tg


def _through_numpy(y):
    a = np.asarray(y)
    return (a ** 2).sum()


@pytest.mark.parametrize("transform", [
    lambda f, x: tg.grad(f)(x),
    lambda f, x: tg.value_and_grad(f)(x)[1],
    lambda f, x: tg.vjp(f, x)[1](tg.tensor(1.0, dtype="float64"))[0],
    lambda f, x: tg.jacrev(f)(x),
])
def test_a_cut_input_is_named_with_the_conversion_and_its_line(transform):
    x = tg.tensor([1.0, 2.0], dtype="float64")
    with pytest.warns(tg.NoneGradientWarning, match=r"np\.asarray\(\) at .*test_grad_cut"
                      r"_warning\.py:\d+ in _through_numpy"):
        g = transform(_through_numpy, x)
    np.testing.assert_array_equal(np.asarray(g), [0.0, 0.0])


def test_the_warning_points_at_the_callers_line():
    with pytest.warns(tg.NoneGradientWarning) as rec:
        tg.grad(lambda y: float(y) * 2.0)(3.0)
    assert rec[0].filename == __file__
    assert "float()" in str(rec[0].message) or ".item()" in str(rec[0].message)


def test_scipy_functions_that_convert_their_argument_warn():
    optimize = pytest.importorskip("scipy.optimize")
    with pytest.warns(tg.NoneGradientWarning, match="np.asarray"):
        tg.grad(optimize.rosen)(tg.tensor([1.0, 2.0], dtype="float64"))


@pytest.mark.parametrize("f", [
    lambda y: 3.0,                                      # constant: a true zero
    lambda y: (y * y).sum() + float(y.sum()),           # logged value, still connected
    lambda y: (y * 0.0).sum(),
])
def test_no_warning_without_a_cut(f):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        tg.grad(f)(tg.tensor([1.0, 2.0], dtype="float64"))


def test_an_input_converted_before_the_transform_does_not_warn():
    x = tg.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    np.asarray(x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert np.all(tg.grad(lambda y: y.sum() * 0 + 1.0)(x).numpy() == 0)
