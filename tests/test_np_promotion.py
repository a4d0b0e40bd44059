"""tapegrad.numpy's integers and bools promote as NumPy's do (float64 with Python floats,
true division, float32 arrays), also after int->int ops; tg's own keep PyTorch's rule."""
import itertools

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad.numpy._npint import is_marked

# Integer and bool sources, written once for both modules (m is numpy or tapegrad.numpy).
SOURCES = {
    "arange": lambda m: m.arange(6),
    "array_ints": lambda m: m.array([1, 2, 3, 4, 5, 6]),
    "asarray_int32": lambda m: m.asarray(np.arange(6, dtype=np.int32)),
    "array_int8": lambda m: m.array([1, 2, 3, 4, 5, 6], dtype=np.int8),
    "array_uint8": lambda m: m.array([1, 2, 3, 4, 5, 6], dtype=np.uint8),
    "bools": lambda m: m.array([True, False, True, True, False, True]),
    "argmax": lambda m: m.argmax(m.array([[1.0, 3.0], [4.0, 2.0], [0.5, 0.1]]), axis=1),
    "argmin": lambda m: m.argmin(m.array([[1.0, 3.0], [4.0, 2.0]]), axis=0),
    "argsort": lambda m: m.argsort(m.array([3.0, 1.0, 2.0])),
    "where_ints": lambda m: m.where(m.array([True, False, True]), 4, m.arange(3)),
    "indices": lambda m: m.indices((2, 3)),
    "nonzero": lambda m: m.nonzero(m.array([0.0, 1.5, 2.0]))[0],
    "greater": lambda m: m.greater(m.array([1.0, 2.0, 3.0]), 1.5),
    "equal_ints": lambda m: m.equal(m.arange(4), 2),
    "sum_ints": lambda m: m.sum(m.arange(6).reshape(2, 3), axis=0),
    "cumsum_ints": lambda m: m.cumsum(m.arange(5)),
    "zeros_int": lambda m: m.zeros(4, dtype=int),
    "ones_int": lambda m: m.ones(3, dtype=np.int32),
    "full_int": lambda m: m.full((2,), 7),
    "eye_int": lambda m: m.eye(3, dtype=int),
    "concatenate": lambda m: m.concatenate([m.arange(2), m.arange(3)]),
    "stack": lambda m: m.stack([m.arange(2), m.arange(2)]),
    "round_int": lambda m: m.round(m.arange(3)),
    "maximum": lambda m: m.maximum(m.arange(4), 2),
    "abs_ints": lambda m: m.abs(m.array([-1, 2])),
    "clip_ints": lambda m: m.clip(m.arange(5), 1, 3),
    "diag_ints": lambda m: m.diag(m.arange(3)),
    "tril_ints": lambda m: m.tril(m.ones((3, 3), dtype=int)),
    "repeat_ints": lambda m: m.repeat(m.arange(3), 2),
    "searchsorted": lambda m: m.searchsorted(m.array([1.0, 2.0, 3.0]), m.array([1.5, 2.5])),
    "bincount": lambda m: m.bincount(m.array([0, 1, 1, 3])),
    "count_nonzero": lambda m: m.count_nonzero(m.array([[0, 1], [2, 0]]), axis=0),
    "floor_divide": lambda m: m.floor_divide(m.arange(6), 4),
    "isnan": lambda m: m.isnan(m.array([1.0, np.nan])),
    "logical_not": lambda m: m.logical_not(m.array([True, False])),
    "triu_indices": lambda m: m.triu_indices(3)[0],
    "all_axis": lambda m: m.all(m.array([[True, False], [True, True]]), axis=0),
}

# int->int (or bool->bool) steps that keep the mark
DERIVED = {
    "itself": lambda x: x,
    "reshape": lambda x: x.reshape(-1),
    "index": lambda x: x[1:],
    "plus_one": lambda x: x + 1,
    "times_int": lambda x: 3 * x,
    "astype_int32": lambda x: x.astype(np.int32),
    "T": lambda x: x.T,
    "neg": lambda x: -x if x.dtype != np.bool_ else ~x,
    "compare": lambda x: x > 1,
    "and_mask": lambda x: x & (x > 0),
    "invert_cmp": lambda x: ~(x > 0),
}

# meeting floats and division
MEETS = {
    "times_float": lambda m, x: x * 0.39,
    "float_times": lambda m, x: 0.39 * x,
    "minus_float": lambda m, x: x - 1.5,
    "float_minus": lambda m, x: 1.5 - x,
    "truediv_int": lambda m, x: x / 2,
    "rtruediv": lambda m, x: 2 / (x + 1),
    "truediv_self": lambda m, x: x / (x + 1),
    "pow_float": lambda m, x: (x + 1) ** 0.5,
    "plus_f32": lambda m, x: x + m.asarray(np.float32(1.5)),
    "times_np_f32": lambda m, x: x * np.float32(2.0),
    "times_f32_array": lambda m, x: x * np.ones(1, np.float32),
    "multiply_fn": lambda m, x: m.multiply(x, 0.5),
    "divide_fn": lambda m, x: m.divide(x, 3),
    "add_float_fn": lambda m, x: m.add(x, 2.5),
    "mean": lambda m, x: m.mean(x),
    "where_float": lambda m, x: m.where(x > 1, x, 0.5),
    "dot_float": lambda m, x: m.dot(m.ravel(x), m.ones(m.size(x))),
}


def _dtype(v):
    return np.asarray(v.detach().numpy() if isinstance(v, tg.Tensor) else v).dtype


# every source meets every operand; the steps after it meet the three kinds of operand
# (a Python float, true division, a float32 array), which keeps the test fast
CORE = ("times_float", "truediv_int", "plus_f32", "times_np_f32")
GRID = [(s, d, m) for s, d, m in itertools.product(SOURCES, DERIVED, MEETS)
        if d == "itself" or m in CORE]


@pytest.mark.parametrize("src", sorted(SOURCES))
def test_sources_are_numpy_integers(src):
    t, a = SOURCES[src](tnp), SOURCES[src](np)
    assert _dtype(t) == _dtype(a), src
    assert _dtype(t).kind in "biu"
    assert is_marked(t), f"{src}: result not marked as a NumPy integer"


def test_grid_matches_numpy_dtypes():
    bad = []
    for src, der, meet in GRID:
        try:
            want = MEETS[meet](np, DERIVED[der](SOURCES[src](np)))
        except (TypeError, ValueError):
            continue                        # NumPy refuses too (bool - bool, ...)
        got = MEETS[meet](tnp, DERIVED[der](SOURCES[src](tnp)))
        if _dtype(got) != _dtype(want):
            bad.append(f"{src}/{der}/{meet}: {_dtype(got)} != {_dtype(want)}")
        elif not np.allclose(np.asarray(got.numpy()), want, equal_nan=True):
            bad.append(f"{src}/{der}/{meet}: values differ")
    assert not bad, "\n".join(bad[:40]) + f"\n({len(bad)} in all)"


def test_tg_tensors_keep_pytorch_rule():
    assert tg.arange(3).__mul__(0.5).dtype == tg.float32
    assert (tg.arange(3) / 2).dtype == tg.float32
    assert (tg.tensor([1, 2]) * 0.5).dtype == tg.float32
    assert not is_marked(tg.arange(3) + 1)


def test_marked_under_no_grad_and_in_grad():
    with tg.no_grad():
        assert (tnp.arange(4) * 0.5).dtype == tg.float64
        assert (tnp.arange(4) / 3).dtype == tg.float64

    def f(w):
        idx = tnp.arange(3)
        return tnp.sum(w * idx / 2.0 + idx * 0.25)
    g = tg.grad(f)(tnp.ones(3))
    assert g.dtype == tg.float64
    np.testing.assert_allclose(g.numpy(), np.arange(3) / 2.0)


def test_float32_stays_float32():
    x = tnp.asarray(np.ones(3, np.float32))
    assert (x * 0.5).dtype == tg.float32
    assert (x + tnp.array([1, 2, 3], dtype=np.int8)).dtype == tg.float32
    assert (x + tnp.arange(3)).dtype == tg.float64        # int64 + float32 in NumPy


def test_the_mark_survives_int_ops_under_no_grad():
    # the C fast path leaves marked tensors to the Python path in every grad mode
    import tapegrad as tg
    import tapegrad.numpy as tnp
    with tg.no_grad():
        i = tnp.arange(4) + 1
        assert (i * 0.39).dtype == np.float64
        assert (i.reshape(2, 2)[0] / 2).dtype == np.float64
