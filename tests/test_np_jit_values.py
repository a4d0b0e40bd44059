"""Functions that read a tensor's values (orders, indices, masks) give each call's answer
under tg.jit: the trace must see the read (and run such a signature eagerly) instead of
replaying the first call's result."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

CASES = {
    "tg.argsort": lambda x: tg.argsort(x),
    "argsort": lambda x: tnp.argsort(x),
    "argsort descending": lambda x: tnp.argsort(x, descending=True),
    "nonzero": lambda x: tnp.nonzero(x > 1.5)[0],
    "argwhere": lambda x: tnp.argwhere(x > 1.5),
    "flatnonzero": lambda x: tnp.flatnonzero(x > 1.5),
    "where one argument": lambda x: tnp.where(x > 1.5)[0],
    "sum where=": lambda x: tnp.sum(x, where=x > 1.5),
    "argmax": lambda x: tnp.argmax(x),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_call_gets_its_own_answer(name):
    f = CASES[name]
    j = tg.jit(f)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # the TraceWarning that the trace was refused
        for x in ([3.0, 1.0, 2.0], [1.0, 2.0, 3.0], [2.0, 3.0, 0.5]):
            got, want = j(tnp.array(x)), f(tnp.array(x))
            np.testing.assert_array_equal(got.numpy(), want.numpy(), err_msg=f"{name} {x}")
