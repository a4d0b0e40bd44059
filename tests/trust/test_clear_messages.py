"""Errors that named an inner op or came in NumPy's words now name the function called."""
import numpy as np
import pytest

import tapegrad as tg

X = tg.zeros((2, 3))

CASES = {
    "x < wrong shape": (lambda: X < tg.zeros((5, 7)), ValueError,
                        r"lt: shapes \(2, 3\) and \(5, 7\) cannot be broadcast"),
    "x == wrong shape": (lambda: X == tg.zeros((5, 7)), ValueError, r"eq: shapes"),
    "x >= str array": (lambda: X >= np.array(["a"]), TypeError, r"ge: .*<U1 array"),
    "add_n with a str": (lambda: tg.add_n([X, "a"]), TypeError,
                         r"add_n: inputs\[1\] must be a tensor, got 'a'"),
    "gradgradcheck f -> None": (lambda: tg.gradgradcheck(lambda x: None, [np.ones(2)]),
                                TypeError, r"gradgradcheck: f must return a tensor"),
    "gradgradcheck str input": (
        lambda: tg.gradgradcheck(lambda x: x * x, [np.array(["a"])]), ValueError,
        r"gradgradcheck: no input is a floating point tensor"),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_error_names_the_function_called(case):
    fn, error, pattern = CASES[case]
    with pytest.raises(error, match=pattern):
        fn()
