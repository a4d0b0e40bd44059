"""Complex tensors, second pass: every op that accepts complex values (op.complex set by
ops/complex.py) keeps tg.vjp and tg.jvp adjoint in the real inner product
<vjp(u), v> = <u, jvp(v)>, with a coverage check so a newly marked op cannot go
untested; the functions NumPy defines on complex checked against torch in complex128
(values, the gradient of a real loss, second order); and the ones that must refuse."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad.ops import _op
from tapegrad.ops.complex import Angle
from tapegrad.ops import arrange, diagonals, elementwise, fft, linalg, mathfns, reduce
from tapegrad.ops import activations, scan, shape, solve
from tapegrad.ops import cholesky, decomp
from tapegrad.ops.complex_parts import (Complex, ComplexAbs, Conj, Imag, Real, ViewAsComplex,
                                        ViewAsReal)
from tapegrad.ops.shape import sum_to
from tapegrad.ops._apply import apply

torch = pytest.importorskip("torch")

RNG = np.random.default_rng(11)


def _c(*shape):
    return RNG.standard_normal(shape) + 1j * RNG.standard_normal(shape)


Z = _c(2, 3) * 0.6
W = _c(2, 3) * 0.6
SQ = _c(3, 3) * 0.3 + 2.0 * np.eye(3)
XR = RNG.standard_normal((2, 3))
HPD = SQ @ SQ.conj().T + np.eye(3)          # Hermitian positive definite
YR = RNG.standard_normal((2, 3))


def _edge_pad_transpose(z):
    """OuterTakeSum appears as pad(mode='edge')'s vjp: the vjp applied to z, linear in z."""
    _, pull = tg.vjp(lambda a: tg.pad(a, ((1, 1), (0, 2)), mode="edge"), tg.tensor(Z))
    return pull(z)[0]


# op class -> (a function using it, its inputs); "r" inputs are real
PROBES = {
    elementwise.Add: (lambda z, w: z + w, (Z, W)),
    elementwise.Sub: (lambda z, w: z - w, (Z, W)),
    elementwise.Mul: (lambda z, w: z * w, (Z, W)),
    elementwise.Div: (lambda z, w: z / w, (Z, W)),
    elementwise.Neg: (lambda z: -z, (Z,)),
    elementwise.Exp: (tg.exp, (Z,)),
    elementwise.Expm1: (tg.expm1, (Z,)),
    elementwise.Log: (tg.log, (Z,)),
    elementwise.Log1p: (tg.log1p, (Z,)),
    elementwise.Log2: (tg.log2, (Z,)),
    elementwise.Log10: (tg.log10, (Z,)),
    elementwise.Sqrt: (tg.sqrt, (Z,)),
    elementwise.Square: (tg.square, (Z,)),
    elementwise.Reciprocal: (tnp.reciprocal, (Z,)),
    elementwise.Sin: (tg.sin, (Z,)),
    elementwise.Cos: (tg.cos, (Z,)),
    elementwise.Tan: (tg.tan, (Z,)),
    elementwise.Tanh: (tg.tanh, (Z,)),
    elementwise.Sinh: (tg.sinh, (Z,)),
    elementwise.Cosh: (tg.cosh, (Z,)),
    elementwise.Arcsinh: (tg.arcsinh, (Z,)),
    elementwise.Pow: (lambda z, w: z ** w + z ** 2.5, (Z + 2.0, W)),
    elementwise.Where: (lambda z, w: tg.where(np.array([True, False, True]), z, w), (Z, W)),
    elementwise.Cast: (lambda x: x.astype(tg.complex128) * (1 + 2j), (XR,)),
    elementwise.Clone: (lambda z: z.clone(), (Z,)),
    mathfns.Arcsin: (tg.arcsin, (Z,)),
    mathfns.Arccos: (tg.arccos, (Z,)),
    mathfns.Arctan: (tg.arctan, (Z,)),
    mathfns.Arccosh: (tg.arccosh, (Z + 2.0,)),
    mathfns.Arctanh: (tg.arctanh, (Z * 0.5,)),
    mathfns.Exp2: (tg.exp2, (Z,)),
    mathfns.Positive: (tg.positive, (Z,)),
    activations.Sigmoid: (tg.sigmoid, (Z,)),
    shape.Reshape: (lambda z: z.reshape(3, 2), (Z,)),
    shape.Transpose: (lambda z: z.T, (Z,)),
    shape.BroadcastTo: (lambda z: tg.broadcast_to(z, (4, 2, 3)), (Z,)),
    shape.SumTo: (lambda z: sum_to(z, (1, 3)), (Z,)),
    shape.GetItem: (lambda z: z[1, ::2], (Z,)),
    shape.Concatenate: (lambda z, w: tg.cat([z, w], 0), (Z, W)),
    shape.Stack: (lambda z, w: tg.stack([z, w], 1), (Z, W)),
    shape.IndexPut: (lambda z, w: tg.scatter(z, 1, tg.tensor([[2, 0, 1], [1, 2, 0]]), w),
                     (Z, W)),
    shape.IndexAdd: (lambda z, w: tg.scatter_add(z, 1, tg.tensor([[0, 0, 1], [2, 2, 2]]), w),
                     (Z, W)),
    reduce.Sum: (lambda z: z.sum(0), (Z,)),
    reduce.Mean: (lambda z: z.mean(1), (Z,)),
    reduce.Prod: (lambda z: z.prod(1), (Z,)),
    reduce.Var: (lambda z: tg.var(z, 1), (Z,)),
    scan.Cumsum: (lambda z: tg.cumsum(z, 1), (Z,)),
    scan.Cumprod: (lambda z: tg.cumprod(z, 1), (Z,)),
    linalg.MatMul: (lambda z, w: z @ w.T, (Z, W)),
    linalg.Einsum: (lambda z, w: tg.einsum("ij,kj->ik", z, w), (Z, W)),
    diagonals.Tril: (tg.tril, (SQ,)),
    diagonals.Triu: (tg.triu, (SQ,)),
    diagonals.Diagonal: (tg.diagonal, (SQ,)),
    diagonals.DiagEmbed: (tg.diag_embed, (Z,)),
    arrange.Flip: (lambda z: tg.flip(z, 1), (Z,)),
    arrange.Roll: (lambda z: tg.roll(z, 1, 1), (Z,)),
    arrange.Tile: (lambda z: tg.tile(z, (2, 1)), (Z,)),
    arrange.Repeat: (lambda z: tg.repeat_interleave(z, 2, 1), (Z,)),
    arrange.Pad: (lambda z: tg.pad(z, ((1, 0), (0, 2))), (Z,)),
    arrange.OuterTake: (lambda z: tg.pad(z, ((1, 1), (0, 2)), mode="edge"), (Z,)),
    arrange.OuterTakeSum: (_edge_pad_transpose, (_c(4, 5),)),
    solve.Inv: (tg.linalg.inv, (SQ,)),
    solve.Solve: (lambda a, b: tg.linalg.solve(a, b), (SQ, Z.T.copy())),
    solve.SolveTriangular: (lambda a, b: tg.linalg.solve_triangular(a, b, upper=True),
                            (SQ, Z.T.copy())),
    solve.Det: (tg.linalg.det, (SQ,)),
    solve.MatrixExp: (tg.linalg.matrix_exp, (SQ * 0.5,)),
    solve.TriMatMul: (lambda a, b: apply(solve.TriMatMul, a, b, upper=True), (SQ, Z.T.copy())),
    solve.Sqrtm: (tg.linalg.sqrtm, (SQ,)),
    solve.SolveSylvester: (tg.linalg.solve_sylvester, (SQ, HPD, Z.T @ Z)),
    cholesky.CholeskySolve: (lambda b, c: tg.linalg.cholesky_solve(b, tg.linalg.cholesky(c)),
                             (Z.T.copy(), HPD)),
    # eig's backward refuses cotangents that see the eigenvectors' phases (as torch)
    decomp.Eig: (lambda a: (lambda r: r.eigenvectors * tg.conj(r.eigenvectors[:1]) +
                            r.eigenvalues)(tg.linalg.eig(a)), (SQ,)),
    # the complex decompositions (tests/test_complex_linalg2.py tests them against torch)
    cholesky.Cholesky: (tg.linalg.cholesky, (HPD,)),
    decomp.Eigh: (lambda a: (lambda r: r.eigenvectors * r.eigenvalues)(tg.linalg.eigh(a)),
                  (HPD,)),
    decomp.Svd: (lambda a: (lambda r: r.U * r.S + r.Vh)(tg.linalg.svd(a, False)), (SQ,)),
    decomp.Qr: (lambda a: (lambda r: r.Q + r.R)(tg.linalg.qr(a)), (SQ,)),
    solve.Slogdet: (lambda a: (lambda r: r.sign * r.logabsdet)(tg.linalg.slogdet(a)),
                    (SQ,)),
    solve.Pinv: (tg.linalg.pinv, (Z,)),
    linalg.SvdVals: (tg.linalg.svdvals, (Z,)),
    fft.Fft: (lambda z: tg.fft.fft(z), (Z,)),
    fft.Rfft: (lambda x: tg.fft.rfft(x), (XR,)),
    fft.Irfft: (lambda z: tg.fft.irfft(z, n=4), (Z,)),
    Real: (tg.real, (Z,)),
    Imag: (tg.imag, (Z,)),
    Conj: (tg.conj, (Z,)),
    ComplexAbs: (tg.abs, (Z,)),
    Angle: (tg.angle, (Z,)),
    Complex: (tg.complex, (XR, YR)),
    ViewAsReal: (tg.view_as_real, (Z,)),
    ViewAsComplex: (tg.view_as_complex, (RNG.standard_normal((3, 2)),)),
}

COMPLEX_OPS = sorted((op for op in _op.REGISTRY if op.complex is not None),
                     key=lambda op: op.__name__)


def test_every_op_that_accepts_complex_has_a_probe():
    missing = [op.__name__ for op in COMPLEX_OPS if op not in PROBES]
    assert not missing, f"ops marked for complex values with no adjoint probe: {missing}"


def _ops_in_graph(t):
    seen, todo, found = set(), [t.grad_fn], set()
    while todo:
        n = todo.pop()
        if n is None or id(n) in seen:
            continue
        seen.add(id(n))
        op = getattr(n, "op", None)
        if op is not None:
            found.add(op)
        todo.extend(getattr(n, "next", ()) or ())
    return found


def _rdot(a, b):
    return float(np.real(np.vdot(np.asarray(a), np.asarray(b))))


def _like(a, rng):
    a = np.asarray(a)
    v = rng.standard_normal(a.shape)
    return v + 1j * rng.standard_normal(a.shape) if a.dtype.kind == "c" else v


@pytest.mark.parametrize("op", COMPLEX_OPS, ids=[op.__name__ for op in COMPLEX_OPS])
def test_vjp_and_jvp_are_adjoint_in_the_real_inner_product(op):
    f, inputs = PROBES[op]
    rng = np.random.default_rng(5)
    # the probe really runs the op (recorded in its graph)
    traced = f(*[tg.tensor(a, requires_grad=True) for a in inputs])
    assert op in _ops_in_graph(traced), f"{op.__name__} not in its probe's graph"
    xs = [tg.tensor(a) for a in inputs]
    out, pull = tg.vjp(f, *xs)
    u = _like(out.numpy(), rng)
    vs = [_like(a, rng) for a in inputs]
    gs = pull(tg.tensor(u))
    gs = gs if isinstance(gs, tuple) else (gs,)
    _, dout = tg.jvp(f, tuple(xs), tuple(tg.tensor(v) for v in vs))
    for g, a in zip(gs, inputs):
        # a real input's gradient is real, a complex one's complex
        assert (g.numpy().dtype.kind == "c") == (np.asarray(a).dtype.kind == "c")
    assert dout.numpy().dtype.kind == out.numpy().dtype.kind
    lhs = sum(_rdot(g.numpy(), v) for g, v in zip(gs, vs))
    rhs = _rdot(u, dout.numpy())
    assert np.isclose(lhs, rhs, rtol=1e-10, atol=1e-10), (lhs, rhs)


# ------------------------------------------------------------------ against torch

V = _c(3) * 0.7
U = _c(3) * 0.7

# (name, f(m, *inputs) for m = tg or torch, inputs)
TORCH_FNS = [
    ("arcsin_arccos", lambda m, z: m.arcsin(z) * m.arccos(z), (Z,)),
    ("arctan_arcsinh", lambda m, z: m.arctan(z) + m.arcsinh(z), (Z,)),
    ("arccosh_arctanh", lambda m, z: m.arccosh(z + 2) - m.arctanh(z * 0.5), (Z,)),
    ("expm1_log1p_log2_log10", lambda m, z: m.expm1(z) * m.log1p(z) + m.log2(z) - m.log10(z),
     (Z,)),
    ("exp2_square", lambda m, z: m.exp2(z) + m.square(z), (Z,)),
    ("reciprocal_power", lambda m, z: (tnp.reciprocal(z) if m is tg else m.reciprocal(z))
     + m.pow(z, 1.5), (Z,)),
    ("var", lambda m, z: m.var(z, 1), (Z,)),
    ("var_all_ddof0", lambda m, z: m.var(z, correction=0), (Z,)),
    ("std", lambda m, z: m.std(z, 0), (Z,)),
    ("dot", lambda m, a, b: m.dot(a, b), (V, U)),
    ("vdot", lambda m, a, b: m.vdot(a, b), (V, U)),
    ("inner", lambda m, a, b: m.inner(a, b), (Z, W)),
    ("outer", lambda m, a, b: m.outer(a, b), (V, U)),
    ("kron", lambda m, a, b: m.kron(a, b), (Z, SQ)),
    ("tensordot", lambda m, a, b: m.tensordot(a, b, ([1], [0])), (Z, SQ)),
    ("trace_diagonal", lambda m, a: m.trace(a) * m.diagonal(a), (SQ,)),
    ("flip_roll", lambda m, a: m.flip(a, [1]) * m.roll(a, 1, 0), (Z,)),
    ("cumsum_cumprod", lambda m, a: m.cumsum(a, 1) + m.cumprod(a, 0), (Z,)),
    ("cat_stack", lambda m, a, b: m.cat([m.stack([a[0], b[1]]), a], 0), (Z, W)),
    ("where", lambda m, a, b: m.where(m.tensor([True, False, True]), a, b), (Z, W)),
    ("vector_norm", lambda m, a: m.linalg.vector_norm(a), (Z,)),
    ("vector_norm_ord3", lambda m, a: m.linalg.vector_norm(a, 3, 1), (Z,)),
    ("vector_norm_ord1", lambda m, a: m.linalg.vector_norm(a, 1), (Z,)),
    ("matrix_norm_fro", lambda m, a: m.linalg.matrix_norm(a), (SQ,)),
    ("matrix_norm_inf", lambda m, a: m.linalg.matrix_norm(a, float("inf")), (SQ,)),
    ("norm", lambda m, a: m.linalg.norm(a), (Z,)),
]


def _np(t):
    return t.detach().resolve_conj().numpy()


def _real_loss(m, out):
    """A real loss reading both parts of a complex result, or a weighted real one."""
    wts = m.tensor(np.linspace(0.5, 1.5, out.numel()).reshape(tuple(out.shape)))
    if out.is_complex():
        return (m.abs(out) ** 2 * wts).sum() + m.real(out * (0.3 - 0.7j)).sum()
    return (out * wts).sum()


@pytest.mark.parametrize("name,f,inputs", TORCH_FNS, ids=[n for n, *_ in TORCH_FNS])
def test_values_gradients_and_second_order_match_torch(name, f, inputs):
    xs = [tg.tensor(a, requires_grad=True) for a in inputs]
    ts = [torch.tensor(a, requires_grad=True) for a in inputs]
    out, tout = f(tg, *xs), f(torch, *ts)
    assert out.is_complex() == tout.is_complex()
    np.testing.assert_allclose(out.detach().numpy(), _np(tout), rtol=1e-11, atol=1e-12)
    gs = tg.autograd.grad(_real_loss(tg, out), xs, create_graph=True)
    gts = torch.autograd.grad(_real_loss(torch, tout), ts, create_graph=True)
    for g, gt in zip(gs, gts):
        np.testing.assert_allclose(g.detach().numpy(), _np(gt), rtol=1e-10, atol=1e-11)
    if not any(gt.requires_grad for gt in gts):
        return
    # second order: a real function of the gradient, differentiated again
    hs = tg.autograd.grad(sum((tg.abs(g) ** 2).sum() for g in gs), xs, allow_unused=True)
    hts = torch.autograd.grad(sum((g.abs() ** 2).sum() for g in gts), ts, allow_unused=True)
    for h, ht in zip(hs, hts):
        if ht is None:
            assert h is None or np.allclose(h.numpy(), 0)
        else:
            np.testing.assert_allclose(h.numpy(), _np(ht), rtol=1e-9, atol=1e-10)


def test_var_of_complex_is_the_mean_squared_modulus():
    z = tg.tensor(Z)
    ref = np.mean(np.abs(Z - Z.mean()) ** 2)
    assert tg.var(z, correction=0).dtype == tg.float64
    np.testing.assert_allclose(tg.var(z, correction=0).numpy(), ref, rtol=1e-13)
    np.testing.assert_allclose(tnp.var(z).numpy(), np.var(Z), rtol=1e-13)
    np.testing.assert_allclose(tnp.std(z, axis=0).numpy(), np.std(Z, axis=0), rtol=1e-13)


def test_vdot_conjugates_its_first_argument_as_numpy():
    a, b = tg.tensor(Z), tg.tensor(W)
    np.testing.assert_allclose(tg.vdot(a, b).numpy(), np.vdot(Z, W), rtol=1e-13)
    np.testing.assert_allclose(tg.vdot(b, a).numpy(), np.conj(np.vdot(Z, W)), rtol=1e-13)


# ------------------------------------------------------------------ refusals

ORDERED = [
    ("sort", lambda z: tg.sort(z)),
    ("argsort", lambda z: tg.argsort(z)),
    ("argpartition", lambda z: tg.argpartition(z, 1)),
    ("topk", lambda z: tg.topk(z, 2)),
    ("kthvalue", lambda z: tg.kthvalue(z, 1)),
    ("median", lambda z: tg.median(z)),
    ("quantile", lambda z: tg.quantile(z, 0.5)),
    ("cummax", lambda z: tg.cummax(z, 0)),
    ("max", lambda z: tg.max(z)),
    ("min", lambda z: tg.min(z)),
    ("amax", lambda z: tg.amax(z)),
    ("maximum", lambda z: tg.maximum(z, z)),
    ("clip", lambda z: tg.clip(z, 0, 1)),
    ("softmax", lambda z: tg.softmax(z, 0)),
    ("logsumexp", lambda z: tg.logsumexp(z, 0)),
]


@pytest.mark.parametrize("name,f", ORDERED, ids=[n for n, _ in ORDERED])
def test_order_based_ops_refuse_complex_with_grad(name, f):
    z = tg.tensor(V, requires_grad=True)
    with pytest.raises(TypeError, match="complex"):
        f(z)


def test_sort_of_complex_without_grad_is_numpys_lexicographic_order():
    v = np.array([1 + 2j, 1 - 1j, -3 + 0j, 1 + 2j])
    np.testing.assert_array_equal(tg.sort(tg.tensor(v), axis=-1).numpy(), np.sort(v))
    np.testing.assert_array_equal(tg.argsort(tg.tensor(v)).numpy(), np.argsort(v, kind="stable"))
    z = tg.tensor(v, requires_grad=True)
    with tg.no_grad():
        np.testing.assert_array_equal(tg.sort(z).values.numpy(), np.sort(v))


def test_linalg_functions_once_real_only_take_complex_matrices():
    # values here; the complex rows of tests/ops/cases_linalg.py compare the gradients
    # with torch
    import scipy.linalg
    z = tg.tensor(SQ)
    np.testing.assert_allclose(tg.linalg.eig(z).eigenvalues.numpy(), np.linalg.eigvals(SQ),
                               rtol=1e-12)
    np.testing.assert_allclose(tg.linalg.sqrtm(z).numpy(), scipy.linalg.sqrtm(SQ),
                               rtol=1e-10)
    np.testing.assert_allclose(tg.linalg.logdet(z).numpy(), np.log(np.linalg.det(SQ)),
                               rtol=1e-12)
    np.testing.assert_allclose(tg.linalg.cond(z).numpy(), np.linalg.cond(SQ), rtol=1e-12)
    assert int(tg.linalg.matrix_rank(z)) == 3
