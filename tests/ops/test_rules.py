"""Every row of the case table against finite differences, in both modes and to second order.

For each case: the reverse rule (gradcheck), the reverse rule differentiated again
(gradgradcheck), the forward rule (jvp against central differences), the two rules
against each other (<v, J u> both ways), forward-over-reverse, reverse-over-forward and
forward-over-forward second derivatives, and the shapes and dtypes of the gradients.
"""
import importlib.util

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.autograd.graph import Node

from .cases import CASES, case_ids, outputs

EPS = 1e-6


def _flat(tensors):
    return np.concatenate([np.asarray(t, dtype=np.float64).ravel() for t in tensors])


def _eval(case, arrays):
    """Forward values of the case at plain arrays, flattened (no recording)."""
    with tg.no_grad():
        return _flat(outputs(case(*[tg.tensor(a) for a in arrays])))


def _directions(case, rng):
    return [rng.standard_normal(s) for s in case.shapes]


def _central_difference(case, xs, us, eps=EPS):
    plus = _eval(case, [x + eps * u for x, u in zip(xs, us)])
    minus = _eval(case, [x - eps * u for x, u in zip(xs, us)])
    return (plus - minus) / (2 * eps)


def _weighted_sum(case, w):
    """Scalar function sum_k <out_k(xs), w_k> of the case's outputs."""
    def h(*xs):
        total = 0.0
        for o, wk in zip(outputs(case(*xs)), w):
            total = total + (o * wk).sum()
        return total
    return h


def _out_weights(case, xs, rng):
    with tg.no_grad():
        outs = outputs(case(*[tg.tensor(x) for x in xs]))
    return [rng.standard_normal(o.shape) for o in outs]


def _ops_in_graph(tensors):
    """Op classes of every node reachable from `tensors` (iterative walk)."""
    seen, found = set(), set()
    stack = [t.grad_fn for t in tensors if t.grad_fn is not None]
    while stack:
        node = stack.pop()
        if node in seen:
            continue
        seen.add(node)
        if type(node) is Node:
            found.add(node.op)
            stack.extend(n for n in node.next if n is not None)
    return found


def _import_all_submodules():
    """Ops can be registered anywhere in the package (nn, custom functions, ...)."""
    import importlib
    import pkgutil
    for info in pkgutil.walk_packages(tg.__path__, "tapegrad."):
        importlib.import_module(info.name)


def test_every_registered_op_has_a_case():
    _import_all_submodules()
    covered = set()
    for case in CASES:
        xs = case.tensors()
        covered |= _ops_in_graph(outputs(case(*xs)))
    # the collectives' rows run in a world of one MPI process: without mpi4py (the
    # optional `distributed` extra) they have none
    no_mpi = importlib.util.find_spec("mpi4py") is None
    missing = sorted(op.__name__ for op in tg.ops.REGISTRY if op not in covered and not (
        no_mpi and op.__module__.startswith("tapegrad.distributed")))
    assert not missing, f"registered ops with no row in tests/ops/cases.py: {missing}"


API_OPS = """add sub mul div neg pow exp log log1p sqrt square abs sign sin cos tan tanh
sigmoid relu leaky_relu softplus gelu maximum minimum clip where sum mean prod max min var
std logsumexp reduce_sum reduce_mean reduce_max reduce_min reduce_prod multiply reshape
transpose swapaxes squeeze expand_dims unsqueeze flatten broadcast_to concatenate concat
stack split matmul dot outer einsum norm softmax log_softmax""".split()


def test_every_public_op_function_has_a_case():
    fns = {c.fn for c in CASES}
    names = {c.name for c in CASES}
    missing = [n for n in API_OPS if getattr(tg, n) not in fns and n not in names
               and not any(m.startswith(n + "_") for m in names)]
    assert not missing, f"public op functions with no row in tests/ops/cases.py: {missing}"


def test_case_ids_are_unique():
    assert len(set(case_ids())) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_gradcheck(case):
    assert tg.gradcheck(case, case.tensors())


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_gradgradcheck(case):
    assert tg.gradgradcheck(case, case.tensors())


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_jvp_matches_central_differences(case):
    rng = np.random.default_rng(1)
    xs = case.sample()
    us = _directions(case, rng)
    out, dout = tg.jvp(case, tuple(tg.tensor(x) for x in xs), tuple(tg.tensor(u) for u in us))
    np.testing.assert_allclose(_flat(outputs(out)), _eval(case, xs), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(_flat(outputs(dout)), _central_difference(case, xs, us),
                               rtol=1e-5, atol=1e-6)
    for o, d in zip(outputs(out), outputs(dout)):
        assert d.shape == o.shape and d.dtype == o.dtype


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_jvp_and_vjp_agree(case):
    # <v, J u> computed twice: from a tangent u and from a cotangent v
    rng = np.random.default_rng(2)
    xs = [tg.tensor(x) for x in case.sample()]
    us = [tg.tensor(u) for u in _directions(case, rng)]
    _, dout = tg.jvp(case, tuple(xs), tuple(us))
    out, pullback = tg.vjp(case, *xs)
    vs = [tg.tensor(rng.standard_normal(o.shape)) for o in outputs(out)]
    gxs = pullback(vs if isinstance(out, (list, tuple)) else vs[0])
    lhs = sum(np.vdot(gx.numpy(), u.numpy()) for gx, u in zip(gxs, us))
    rhs = sum(np.vdot(v.numpy(), d.numpy()) for v, d in zip(vs, outputs(dout)))
    assert np.isclose(lhs, rhs, rtol=1e-9, atol=1e-12), (lhs, rhs)


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_forward_over_reverse_matches_differences_of_grad(case):
    # hvp = jvp of the gradient: the reverse rules run on dual numbers
    rng = np.random.default_rng(3)
    xs = case.sample()
    us = _directions(case, rng)
    h = _weighted_sum(case, _out_weights(case, xs, rng))
    argnums = tuple(range(len(xs)))
    hv = tg.hvp(h, tuple(tg.tensor(x) for x in xs), tuple(tg.tensor(u) for u in us))
    hv = [hv] if len(xs) == 1 else list(hv)

    def grads_at(arrays):
        return _flat(tg.grad(h, argnums=argnums)(*[tg.tensor(a) for a in arrays]))

    plus = grads_at([x + EPS * u for x, u in zip(xs, us)])
    minus = grads_at([x - EPS * u for x, u in zip(xs, us)])
    np.testing.assert_allclose(_flat(hv), (plus - minus) / (2 * EPS), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_reverse_over_forward_matches_differences_of_jvp(case):
    # the gradient of <w, J(x) u> with respect to x: the forward rules are recorded
    rng = np.random.default_rng(4)
    xs = case.sample()
    us = [tg.tensor(u) for u in _directions(case, rng)]
    w = _out_weights(case, xs, rng)
    argnums = tuple(range(len(xs)))

    def directional(*ps):
        _, dout = tg.jvp(case, ps, tuple(us))
        return sum((d * wk).sum() for d, wk in zip(outputs(dout), w))

    gs = tg.grad(directional, argnums=argnums)(*[tg.tensor(x) for x in xs])
    ds = _directions(case, rng)
    lhs = sum(np.vdot(g.numpy(), d) for g, d in zip(gs, ds))

    def at(arrays):
        with tg.no_grad():
            return directional(*[tg.tensor(a) for a in arrays]).item()

    plus = at([x + EPS * d for x, d in zip(xs, ds)])
    minus = at([x - EPS * d for x, d in zip(xs, ds)])
    assert np.isclose(lhs, (plus - minus) / (2 * EPS), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_forward_over_forward_matches_differences_of_jvp(case):
    # nested dual levels: the jvp rules run on duals of an outer level
    rng = np.random.default_rng(6)
    xs = case.sample()
    us = tuple(tg.tensor(u) for u in _directions(case, rng))
    ds = _directions(case, rng)

    def tangent(*ps):
        dout = tg.jvp(case, ps, us)[1]
        return tg.concatenate([tg.reshape(d, (-1,)) for d in outputs(dout)])

    _, second = tg.jvp(tangent, tuple(tg.tensor(x) for x in xs),
                       tuple(tg.tensor(d) for d in ds))

    def at(arrays):
        return tangent(*[tg.tensor(a) for a in arrays]).numpy()

    numeric = (at([x + EPS * d for x, d in zip(xs, ds)]) -
               at([x - EPS * d for x, d in zip(xs, ds)])) / (2 * EPS)
    np.testing.assert_allclose(second.numpy(), numeric, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_grad_shapes_and_dtypes_equal_the_inputs(case, dtype):
    xs = case.tensors(dtype)
    outs = outputs(case(*xs))
    for o in outs:
        assert o.dtype == (case.out_dtype or dtype), f"{case!r}: output dtype {o.dtype}"
    w = _out_weights(case, case.sample(), np.random.default_rng(5))
    tg.autograd.backward([o for o in outs if o.requires_grad],
                         [tg.tensor(wk.astype(dtype)) for wk, o in zip(w, outs)
                          if o.requires_grad])
    for x in xs:
        assert x.grad is not None
        assert x.grad.shape == x.shape and x.grad.dtype == x.dtype
        assert x.grad.grad_fn is None and not x.grad.requires_grad


@pytest.mark.parametrize("case", CASES, ids=case_ids())
def test_float32_tangents_have_the_outputs_shapes_and_dtypes(case):
    xs = case.tensors(np.float32, requires_grad=False)
    us = [tg.tensor(u.astype(np.float32)) for u in _directions(case, np.random.default_rng(7))]
    out, dout = tg.jvp(case, tuple(xs), tuple(us))
    for o, d in zip(outputs(out), outputs(dout)):
        assert d.shape == o.shape and d.dtype == o.dtype == (case.out_dtype or np.float32)
