"""Batched tangents: one pass with a leading batch axis equals one pass per vector.

jacfwd pushes every input basis vector through the jvp rules at once, and jacrev pushes
every output basis vector through the backward pass at once (forward mode over the vjp).
Every row of the case table is checked both ways against per-vector jvp/vjp.
"""
import numpy as np
import pytest

import tapegrad as tg

from .cases import CASES, case_ids, outputs


def _single_output(case):
    def f(*xs):
        outs = outputs(case(*xs))
        total = None
        for o in outs:
            flat = tg.reshape(o, (-1,))
            total = flat if total is None else tg.concatenate([total, flat])
        return total
    return f


def _per_vector_jacobian(f, xs):
    """Columns from one jvp per input element (no batching)."""
    cols = []
    for i, x in enumerate(xs):
        for e in range(x.size):
            tangents = [np.zeros_like(v) for v in xs]
            tangents[i].flat[e] = 1.0
            _, t = tg.jvp(f, tuple(xs), tuple(tangents))
            cols.append(t.numpy().ravel())
    return np.stack(cols, axis=1)


def _as_matrix(blocks, out_size):
    return np.concatenate([np.asarray(b.numpy(), dtype=np.float64).reshape(out_size, -1)
                           for b in blocks], axis=1)


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_batched_jacfwd_and_jacrev_equal_per_vector_passes(case):
    xs = case.sample(np.float64)
    f = _single_output(case)
    expected = _per_vector_jacobian(f, xs)
    argnums = tuple(range(len(xs)))
    fwd = tg.jacfwd(f, argnums=argnums)(*xs)
    rev = tg.jacrev(f, argnums=argnums)(*xs)
    n_out = expected.shape[0]
    np.testing.assert_allclose(_as_matrix(fwd, n_out), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(_as_matrix(rev, n_out), expected, rtol=1e-9, atol=1e-12)


def test_jacobians_run_each_rule_once_not_once_per_basis_vector(monkeypatch):
    from tapegrad.ops import elementwise, linalg

    calls = {"tanh": 0, "matmul": 0}
    tanh_jvp, matmul_jvp = elementwise.Tanh.jvp, linalg.MatMul.jvp

    def count(name, rule):
        def wrapped(ctx, *ts):
            calls[name] += 1
            return rule(ctx, *ts)
        return staticmethod(wrapped)

    monkeypatch.setattr(elementwise.Tanh, "jvp", count("tanh", tanh_jvp))
    monkeypatch.setattr(linalg.MatMul, "jvp", count("matmul", matmul_jvp))
    a = tg.tensor(np.arange(20.0).reshape(4, 5) / 10)
    x = np.linspace(-1, 1, 5)
    tg.jacfwd(lambda v: tg.tanh(a @ v))(x)
    assert calls == {"tanh": 1, "matmul": 1}
    tg.hessian(lambda v: tg.sum(tg.tanh(a @ v)) ** 2)(x)
    assert calls["tanh"] <= 4 and calls["matmul"] <= 4
