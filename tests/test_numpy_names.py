"""Every name tapegrad.numpy builds from its tables, against NumPy itself: values and
dtypes on the same inputs, and (for floating results) a gradient check. Names whose
tapegrad op has not landed yet are absent from tnp and skipped here; each one is checked
as soon as it appears."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

RNG = np.random.default_rng(0)
A = RNG.uniform(0.2, 0.9, (3, 4))
SQ = RNG.uniform(0.2, 0.9, (3, 3))
V = RNG.uniform(0.2, 0.9, 3)
B = RNG.uniform(1.1, 2.0, (3, 4))

# name -> (args, kwargs) for the call on tnp and np alike
SAMPLES = {
    "cumsum": ((A,), {"axis": 1}), "cumprod": ((A,), {"axis": 0}), "diff": ((A,), {}),
    "sort": ((A,), {"axis": 0}), "median": ((A,), {"axis": 0}),
    "quantile": ((A, 0.3), {"axis": 1}), "percentile": ((A, 30.0), {}),
    "nansum": ((A,), {"axis": 1}), "nanmean": ((A,), {}), "nanmax": ((A,), {"axis": 0}),
    "nanmin": ((A,), {}), "nanvar": ((A,), {}), "nanstd": ((A,), {"axis": 1}),
    "partition": ((V, 1), {}), "moveaxis": ((A[None], 0, -1), {}),
    "repeat": ((A, 2), {"axis": 0}), "tile": ((A, (2, 1)), {}), "roll": ((A, 1), {}),
    "flip": ((A,), {"axis": 0}), "fliplr": ((A,), {}), "flipud": ((A,), {}),
    "rot90": ((A,), {}), "pad": ((A, 1), {}), "append": ((A, A), {"axis": 0}),
    "meshgrid": ((V, V), {}), "tril": ((SQ,), {}), "triu": ((SQ, 1), {}),
    "diag": ((V,), {}), "diagonal": ((SQ,), {}), "trace": ((SQ,), {}),
    "take": ((A, [0, 2]), {}), "take_along_axis": ((A, np.array([[0], [1], [3]]), 1), {}),
    "inner": ((V, V), {}), "vdot": ((V, V), {}), "tensordot": ((A, A.T, 1), {}),
    "kron": ((V, V), {}), "cross": ((V, V[::-1]), {}), "round": ((A, 1), {}),
    "around": ((A, 1), {}), "nan_to_num": ((np.array([1.0, np.nan, np.inf]),), {}),
    "nancumsum": ((A,), {"axis": 0}), "nancumprod": ((A,), {}),
    "nanmedian": ((A,), {"axis": 1}), "nanquantile": ((A, 0.25), {}),
    "nanpercentile": ((A, [10.0, 50.0]), {"axis": 0}), "nanprod": ((A,), {}),
}


def _unary_names():
    return [n for n in list(tnp.UNARY_FLOAT) + list(tnp.UNARY) if hasattr(tnp, n)]


def _binary_names():
    return [n for n in list(tnp.BINARY_FLOAT) + list(tnp.BINARY) if hasattr(tnp, n)]


def _input(name):
    # each function's domain: arccosh needs x > 1, the rest take (0.2, 0.9)
    return B if name in ("arccosh", "acosh") else A


def _close(got, want):
    if isinstance(want, (tuple, list)):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            _close(g, w)
        return
    g = np.asarray(got.numpy() if isinstance(got, tg.Tensor) else got)
    w = np.asarray(want)
    assert g.shape == w.shape and g.dtype == w.dtype, (g.shape, w.shape, g.dtype, w.dtype)
    np.testing.assert_allclose(g, w, rtol=1e-12, atol=1e-15)


_KEEP_INTS = {"floor", "ceil", "trunc", "fix"}


@pytest.mark.parametrize("name", _unary_names())
def test_unary_function_matches_numpy_and_differentiates(name):
    x = _input(name)
    _close(getattr(tnp, name)(x), getattr(np, name)(x))
    _close(getattr(tnp, name)(x.tolist()), getattr(np, name)(x.tolist()))
    if name != "reciprocal":            # NumPy's integer reciprocal truncates (1/2 -> 0)
        ints = np.array([1, 2])
        if name in _KEEP_INTS:
            # NumPy 2.0 gave float64 here, 2.1 on keep the integers: tapegrad keeps them
            assert getattr(tnp, name)(ints).dtype == ints.dtype
        else:
            assert getattr(tnp, name)(ints).dtype == getattr(np, name)(ints).dtype
    assert tg.gradcheck(lambda t: getattr(tnp, name)(t), (tg.tensor(x, requires_grad=True),))


@pytest.mark.parametrize("name", _binary_names())
def test_binary_function_matches_numpy_and_keeps_weak_scalars(name):
    _close(getattr(tnp, name)(A, B), getattr(np, name)(A, B))
    _close(getattr(tnp, name)(1.5, 2.0), getattr(np, name)(1.5, 2.0))
    f32 = A.astype(np.float32)
    assert getattr(tnp, name)(f32, 2.0).dtype == getattr(np, name)(f32, 2.0).dtype
    assert tg.gradcheck(lambda x, y: getattr(tnp, name)(x, y),
                        (tg.tensor(A, requires_grad=True), tg.tensor(B, requires_grad=True)))


FORWARDED = [n for n in tnp.SAME_SIGNATURE + list(tnp.ADAPTED) if hasattr(tnp, n)]


@pytest.mark.parametrize("name", FORWARDED)
def test_forwarded_function_has_numpys_signature_and_values(name):
    args, kwargs = SAMPLES[name]
    _close(getattr(tnp, name)(*args, **kwargs), getattr(np, name)(*args, **kwargs))
    # positionally too: the second and third arguments mean what they mean in NumPy
    if name in ("sort", "median", "nansum", "nanmean", "cumsum", "quantile"):
        pos = args + tuple(kwargs.values())
        _close(getattr(tnp, name)(*pos), getattr(np, name)(*pos))


@pytest.mark.parametrize("name", [n for n in FORWARDED if n in ("sort", "cumsum", "diff",
                                                                "median", "nansum",
                                                                "tensordot", "trace")])
def test_forwarded_function_differentiates(name):
    args, kwargs = SAMPLES[name]
    x = tg.tensor(args[0], requires_grad=True)
    assert tg.gradcheck(lambda t: getattr(tnp, name)(t, *args[1:], **kwargs), (x,))


def test_every_forwarded_name_has_a_sample():
    assert set(tnp.SAME_SIGNATURE) | set(tnp.ADAPTED) <= set(SAMPLES)


@pytest.mark.parametrize("name", ["greater", "less_equal", "equal", "not_equal",
                                  "logical_and", "logical_xor"])
def test_comparisons_are_bool_tensors_without_grad(name):
    x = tg.tensor(A, requires_grad=True)
    r = getattr(tnp, name)(x, 0.5)
    assert isinstance(r, tg.Tensor) and not r.requires_grad
    np.testing.assert_array_equal(r.numpy(), getattr(np, name)(A, 0.5))


def test_constant_results_match_numpy():
    x = tg.tensor(np.array([1.0, np.nan, np.inf, -2.0]), requires_grad=True)
    for name in ("isnan", "isinf", "isfinite", "signbit", "logical_not"):
        np.testing.assert_array_equal(getattr(tnp, name)(x).numpy(),
                                      getattr(np, name)(x.detach().numpy()))
    np.testing.assert_array_equal(tnp.argsort(V).numpy(), np.argsort(V))
    np.testing.assert_array_equal(tnp.searchsorted([1.0, 2.0, 3.0], 2.5).numpy(), 2)
    for name in tnp.ROUNDING:
        np.testing.assert_array_equal(np.asarray(getattr(tnp, name)(A * 10)),
                                      getattr(np, name)(A * 10))


def test_a_name_tnp_lacks_raises_attribute_error_naming_it():
    with pytest.raises(AttributeError, match="'busday_count'.*np.busday_count.*detach"):
        tnp.busday_count
    with pytest.raises(AttributeError, match="'no_such_name'"):
        tnp.no_such_name
    with pytest.raises(AttributeError, match="numpy.fft' has no attribute 'no_such'"):
        tnp.fft.no_such
    with pytest.raises(AttributeError, match="'no_such'.*tapegrad.linalg"):
        tnp.linalg.no_such
