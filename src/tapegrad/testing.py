"""torch.testing.assert_close for ported tests: the same default tolerances per dtype."""
from __future__ import annotations

import numpy as np

from ._tensor import Tensor

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

# PyTorch's defaults: (rtol, atol) by dtype
_TOL = {np.dtype(np.float16): (1e-3, 1e-5), np.dtype(np.float32): (1.3e-6, 1e-5),
        np.dtype(np.float64): (1e-7, 1e-7), np.dtype(np.complex64): (1.3e-6, 1e-5),
        np.dtype(np.complex128): (1e-7, 1e-7)}


def _arr(x):
    return x.detach()._data if isinstance(x, Tensor) else np.asarray(x)


def assert_close(actual: Any, expected: Any, *, rtol: float | None = None,
                 atol: float | None = None, equal_nan: bool = False,
                 check_dtype: bool = True, msg: str | None = None) -> None:
    """Raise AssertionError unless |actual - expected| <= atol + rtol * |expected|
    everywhere, with equal shapes (and dtypes, unless check_dtype=False). Default
    tolerances follow torch.testing.assert_close (float32: rtol 1.3e-6, atol 1e-5;
    float64: 1e-7 both; exact for integers and bools). Nested lists/tuples/dicts are
    compared element by element.

    Args:
        actual: a tensor, array, number, or a (nested) sequence or dict of them.
        expected: the same structure.
        rtol: relative tolerance (give atol too).
        atol: absolute tolerance (give rtol too).
        equal_nan: count NaNs in the same place as equal.
        check_dtype: also require equal dtypes.
        msg: replaces the failure message.

    >>> import tapegrad as tg
    >>> tg.testing.assert_close(tg.tensor([1.0, 2.0]), tg.tensor([1.0, 2.0 + 1e-7]))
    """
    if (rtol is None) != (atol is None):
        raise ValueError("assert_close: give both rtol and atol, or neither")
    if isinstance(actual, dict) and isinstance(expected, dict):
        if actual.keys() != expected.keys():
            raise AssertionError(msg or f"keys differ: {sorted(actual)} != {sorted(expected)}")
        for k in actual:
            assert_close(actual[k], expected[k], rtol=rtol, atol=atol, equal_nan=equal_nan,
                         check_dtype=check_dtype, msg=msg)
        return
    if isinstance(actual, (list, tuple)) and isinstance(expected, (list, tuple)):
        if len(actual) != len(expected):
            raise AssertionError(msg or f"lengths differ: {len(actual)} != {len(expected)}")
        for a, e in zip(actual, expected):
            assert_close(a, e, rtol=rtol, atol=atol, equal_nan=equal_nan,
                         check_dtype=check_dtype, msg=msg)
        return
    a, e = _arr(actual), _arr(expected)
    if a.shape != e.shape:
        raise AssertionError(msg or f"The values for attribute 'shape' do not match: "
                             f"{a.shape} != {e.shape}.")
    if check_dtype and isinstance(actual, Tensor) and isinstance(expected, Tensor) \
            and a.dtype != e.dtype:
        raise AssertionError(msg or f"The values for attribute 'dtype' do not match: "
                             f"{a.dtype} != {e.dtype}.")
    rt, at = _TOL.get(np.result_type(a, e), (0.0, 0.0)) if rtol is None or atol is None \
        else (rtol, atol)
    ok = np.isclose(a, e, rtol=rt, atol=at, equal_nan=equal_nan)
    if not np.all(ok):
        bad = int(np.size(ok) - np.count_nonzero(ok))
        diff = np.abs(a.astype(np.float64) - e.astype(np.float64)) if a.dtype.kind in \
            "biuf" else np.abs(a - e)
        raise AssertionError(msg or (
            f"Tensor-likes are not close!\n\nMismatched elements: {bad} / {np.size(ok)}\n"
            f"Greatest absolute difference: {np.nanmax(diff) if np.size(diff) else 0} "
            f"(up to {at} allowed)\nrtol: {rt}"))


# the names `from tapegrad.testing import *` gives (tests/test_all.py)
__all__ = ["assert_close"]
