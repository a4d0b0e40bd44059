"""PyTorch float64 audit of the API.md names: values, gradients (backward and
tg.grad), result dtype and shape, keyword names and defaults, integer and bool
inputs, 0-d and empty inputs, negative dims, keepdim and broadcasting."""
import inspect

import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")
F = torch.nn.functional
TF = tg.nn.functional


def _np(v):
    if isinstance(v, torch.Tensor):
        return v.detach().resolve_conj().numpy()
    return np.asarray(v)


def _same(a, b, what, atol=1e-10, dtype=True):
    a = a.numpy() if isinstance(a, tg.Tensor) else np.asarray(a)
    b = _np(b)
    assert a.shape == b.shape, f"{what}: shape {a.shape} != torch {b.shape}"
    if dtype:
        assert a.dtype == b.dtype, f"{what}: dtype {a.dtype} != torch {b.dtype}"
    np.testing.assert_allclose(a, b, rtol=1e-9, atol=atol, equal_nan=True, err_msg=what)


def _first(r):
    # (values, indices) pairs and torch's return types are tuples
    return r[0] if isinstance(r, (tuple, list)) else r


def check(f_tg, f_t, arrays, grad=True, what="", dtype=True, nograd=(), gtol=1e-8):
    """Forward value, dtype and shape; then backward and tg.grad against torch.
    `nograd`: indices of inputs torch refuses to differentiate (targets)."""
    arrays = [np.asarray(a) for a in arrays]
    diff = [grad and a.dtype.kind == "f" and i not in nograd for i, a in enumerate(arrays)]
    xs = [tg.tensor(a, requires_grad=d) for a, d in zip(arrays, diff)]
    ps = [torch.tensor(a, requires_grad=d) for a, d in zip(arrays, diff)]
    out = _first(f_tg(*xs))
    ref = _first(f_t(*ps))
    _same(out, ref, f"{what} value", dtype=dtype)
    if not any(diff) or not ref.requires_grad:
        return
    g = np.random.default_rng(1).standard_normal(ref.shape)
    out.backward(tg.tensor(g))
    ref.backward(torch.tensor(g))
    for i, (x, p) in enumerate(zip(xs, ps)):
        if p.grad is None:
            continue
        assert x.grad is not None, f"{what}: no gradient for input {i}"
        _same(x.grad, p.grad, f"{what} grad {i}", atol=gtol)
    # the functional transform agrees with backward
    k = [i for i, d in enumerate(diff) if d][0]

    def scalar(v):
        args = list(arrays)
        args[k] = v
        return (_first(f_tg(*[tg.tensor(a) if j != k else a for j, a in enumerate(args)]))
                * tg.tensor(g)).sum()

    gk = tg.grad(scalar)(tg.tensor(arrays[k]))
    _same(gk, ps[k].grad, f"{what} tg.grad", atol=gtol)


R = np.random.default_rng(0)
X = R.standard_normal((3, 4))
XP = np.abs(X) + 0.5
U = R.uniform(0.1, 0.9, (3, 4))
V = R.standard_normal(4)

# ---- elementwise: values, grads, 0-d, empty, int inputs -------------------------
UNARY = {
    "exp": X, "log": XP, "log1p": XP, "sqrt": XP, "square": X, "abs": X, "sign": X,
    "sin": X, "cos": X, "tan": U, "tanh": X, "sigmoid": X, "relu": X, "neg": X,
    "sinh": X, "cosh": X, "arcsin": U, "arccos": U, "arctan": X, "asinh": X,
    "atanh": U, "acosh": XP + 1, "erf": X, "erfc": X, "erfinv": U, "expm1": X,
    "log2": XP, "log10": XP, "exp2": X, "lgamma": XP, "digamma": XP, "sinc": X,
    "logit": U, "floor": X, "ceil": X, "trunc": X, "round": X, "rad2deg": X,
    "deg2rad": X, "i0": X, "softplus": X, "gelu": X, "leaky_relu": X,
}


def _torch_fn(n):
    return getattr(torch, n, None) or getattr(F, n)


@pytest.mark.parametrize("n", sorted(UNARY))
def test_unary(n):
    check(getattr(tg, n), _torch_fn(n), [UNARY[n]], what=n)


@pytest.mark.parametrize("n", sorted(UNARY))
def test_unary_0d_and_empty(n):
    a = UNARY[n]
    check(getattr(tg, n), _torch_fn(n), [np.float64(a.flat[1])], what=n + " 0-d")
    check(getattr(tg, n), _torch_fn(n), [a[:0]], what=n + " empty")


INT_OK = ["abs", "neg", "sign", "square", "relu", "exp", "sin", "sqrt", "sigmoid",
          "floor", "ceil", "trunc", "round", "log1p", "tanh"]


@pytest.mark.parametrize("n", INT_OK)
def test_unary_int_input(n):
    a = np.array([[1, 2, 3], [4, 0, 2]])
    try:
        ref = _torch_fn(n)(torch.tensor(a))
    except RuntimeError:
        pytest.skip("torch refuses")
    out = getattr(tg, n)(tg.tensor(a))
    _same(out, ref, n + " int", dtype=False)
    # torch computes float results of int inputs in float32, we may keep float32 too
    assert out.dtype.kind == ref.numpy().dtype.kind, (n, out.dtype, ref.dtype)


BINARY = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "atan2", "arctan2",
          "fmod", "remainder", "hypot", "copysign", "fmax", "fmin", "logaddexp",
          "logaddexp2", "xlogy", "float_power", "multiply", "subtract", "divide"]


@pytest.mark.parametrize("n", BINARY)
@pytest.mark.parametrize("shapes", [((3, 4), (4,)), ((3, 1), (1, 4)), ((), (2, 3))])
def test_binary_broadcast(n, shapes):
    a = R.standard_normal(shapes[0])
    b = R.standard_normal(shapes[1])
    if n in ("pow", "float_power", "xlogy"):
        a = np.abs(a) + 0.5
    if n in ("fmod", "remainder"):
        b = np.where(np.abs(b) < 0.2, 0.7, b)
    check(getattr(tg, n), _torch_fn(n.replace("arctan2", "atan2")), [a, b], what=n)


@pytest.mark.parametrize("n", ["add", "sub", "mul", "maximum", "minimum", "remainder"])
def test_binary_int_dtype(n):
    a = np.array([5, -3, 7])
    b = np.array([2, 4, -3])
    check(getattr(tg, n), getattr(torch, n), [a, b], grad=False, what=n + " int")


@pytest.mark.parametrize("n,scalar", [("add", 2), ("mul", 2.5), ("sub", 3),
                                      ("div", 2), ("pow", 2)])
def test_binary_python_scalar_keeps_tensor_dtype(n, scalar):
    a = np.array([1.0, 2.0], dtype=np.float32)
    out = getattr(tg, n)(tg.tensor(a), scalar)
    ref = getattr(torch, n)(torch.tensor(a), scalar)
    _same(out, ref, n)


def test_div_of_ints_is_float():
    _same(tg.div(tg.tensor([1, 2]), tg.tensor([2, 4])),
          torch.div(torch.tensor([1, 2]), torch.tensor([2, 4])), "div int", dtype=False)
    assert tg.div(tg.tensor([1, 2]), 2).dtype.kind == "f"


def test_where_clip():
    c = X > 0
    check(lambda a, b: tg.where(tg.tensor(c), a, b),
          lambda a, b: torch.where(torch.tensor(c), a, b), [X, V], what="where")
    check(lambda a: tg.clip(a, -0.5, 0.5), lambda a: torch.clip(a, -0.5, 0.5), [X],
          what="clip")
    check(lambda a: tg.clip(a, None, 0.5), lambda a: torch.clip(a, None, 0.5), [X],
          what="clip max only")


# ---- reductions: dims, negative dims, keepdim, aliases --------------------------
RED = ["sum", "mean", "prod", "amax", "amin", "logsumexp", "var", "std"]
AXES = [None, 0, -1, (0, -1), (-2,)]


def _torch_red(n, p, axis, keepdim):
    if n in ("var", "std"):
        # torch's default is correction=1; tapegrad's torch spelling follows it
        return getattr(torch, n)(p, dim=axis, keepdim=keepdim)
    if axis is None and n in ("amax", "amin", "logsumexp"):
        axis = tuple(range(p.ndim))
    if axis is None:
        r = getattr(torch, n)(p)
        return r.reshape((1,) * p.ndim) if keepdim else r
    if n == "prod" and isinstance(axis, tuple):
        for a in sorted((d % p.ndim for d in axis), reverse=True):
            p = torch.prod(p, dim=a, keepdim=keepdim)
        return p
    return getattr(torch, n)(p, dim=axis, keepdim=keepdim)


@pytest.mark.parametrize("n", RED)
@pytest.mark.parametrize("axis", AXES)
@pytest.mark.parametrize("keepdim", [False, True])
def test_reduction(n, axis, keepdim):
    check(lambda a: getattr(tg, n)(a, dim=axis, keepdim=keepdim),
          lambda p: _torch_red(n, p, axis, keepdim), [X], what=f"{n}({axis},{keepdim})")


@pytest.mark.parametrize("n", ["sum", "mean", "amax", "amin", "logsumexp", "prod"])
def test_reduction_axis_alias(n):
    a = tg.tensor(X)
    _same(getattr(tg, n)(a, axis=1, keepdims=True), getattr(tg, n)(a, dim=1, keepdim=True),
          n + " alias")
    _same(getattr(tg, n)(a, 1, True), getattr(tg, n)(a, dim=1, keepdim=True), n + " pos")


@pytest.mark.parametrize("n", ["sum", "mean", "prod", "logsumexp", "var", "std"])
def test_reduction_0d(n):
    a = np.float64(1.25)
    if n in ("var", "std"):   # one element, correction 1: nan as torch
        ref = getattr(torch, n)(torch.tensor(a), correction=0)
        _same(getattr(tg, n)(tg.tensor(a), correction=0), ref, n + " 0-d")
        return
    if n == "logsumexp":     # torch insists on a dim
        check(tg.logsumexp, lambda p: torch.logsumexp(p, 0), [a], what=n + " 0-d")
        return
    check(getattr(tg, n), getattr(torch, n), [a], what=n + " 0-d")


@pytest.mark.parametrize("n,expect", [("sum", 0.0), ("prod", 1.0), ("mean", np.nan)])
def test_reduction_empty(n, expect):
    e = np.zeros((0, 3))
    _same(getattr(tg, n)(tg.tensor(e)), getattr(torch, n)(torch.tensor(e)), n + " empty")
    _same(getattr(tg, n)(tg.tensor(e), dim=0), getattr(torch, n)(torch.tensor(e), dim=0),
          n + " empty dim 0")


@pytest.mark.parametrize("n", ["amax", "amin"])
def test_max_of_empty_raises(n):
    with pytest.raises((ValueError, RuntimeError)):
        getattr(tg, n)(tg.tensor(np.zeros((0, 3))))


@pytest.mark.parametrize("n", ["sum", "prod"])
@pytest.mark.parametrize("dt", [np.int8, np.int32, np.int64, np.bool_])
def test_int_reduction_dtype(n, dt):
    a = np.array([[1, 0, 1], [1, 1, 0]], dtype=dt)
    _same(getattr(tg, n)(tg.tensor(a)), getattr(torch, n)(torch.tensor(a)), n)
    _same(getattr(tg, n)(tg.tensor(a), dim=-1), getattr(torch, n)(torch.tensor(a), dim=-1),
          n)


@pytest.mark.parametrize("n", ["max", "min"])
@pytest.mark.parametrize("dim", [0, -1])
@pytest.mark.parametrize("keepdim", [False, True])
def test_max_with_dim_returns_values_indices(n, dim, keepdim):
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    v, i = getattr(tg, n)(tg.tensor(x), dim, keepdim)
    rv, ri = getattr(torch, n)(torch.tensor(x), dim, keepdim)
    _same(v, rv, n + " values")
    _same(i, ri, n + " indices")
    check(lambda a: getattr(tg, n)(a, dim=dim, keepdim=keepdim)[0],
          lambda p: getattr(torch, n)(p, dim=dim, keepdim=keepdim)[0], [x], what=n)


@pytest.mark.parametrize("n", ["argmax", "argmin"])
@pytest.mark.parametrize("dim", [None, 0, -1])
def test_argmax(n, dim):
    x = np.array([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
    _same(getattr(tg, n)(tg.tensor(x), dim=dim), getattr(torch, n)(torch.tensor(x), dim=dim),
          n)


# ---- shape ops -------------------------------------------------------------------
SHAPE = [
    ("reshape", lambda a: tg.reshape(a, (4, 3)), lambda p: torch.reshape(p, (4, 3))),
    ("reshape -1", lambda a: tg.reshape(a, (-1,)), lambda p: torch.reshape(p, (-1,))),
    ("transpose", lambda a: tg.transpose(a), lambda p: p.permute(1, 0)),
    ("transpose dims", lambda a: tg.transpose(a, 0, 1), lambda p: torch.transpose(p, 0, 1)),
    ("transpose 3-D", lambda a: tg.transpose(a[None], 0, 2),
     lambda p: torch.transpose(p[None], 0, 2)),
    ("swapaxes", lambda a: tg.swapaxes(a, 0, -1), lambda p: torch.swapaxes(p, 0, -1)),
    ("unsqueeze -1", lambda a: tg.unsqueeze(a, -1), lambda p: torch.unsqueeze(p, -1)),
    ("expand_dims", lambda a: tg.expand_dims(a, 0), lambda p: torch.unsqueeze(p, 0)),
    ("squeeze", lambda a: tg.squeeze(tg.unsqueeze(a, 1)),
     lambda p: torch.squeeze(torch.unsqueeze(p, 1))),
    ("flatten", lambda a: tg.flatten(a), lambda p: torch.flatten(p)),
    ("broadcast_to", lambda a: tg.broadcast_to(a, (2, 3, 4)),
     lambda p: torch.broadcast_to(p, (2, 3, 4))),
    ("cat", lambda a: tg.concatenate([a, a], axis=-1), lambda p: torch.cat([p, p], -1)),
    ("concat", lambda a: tg.concat([a, 2 * a], 0), lambda p: torch.cat([p, 2 * p], 0)),
    ("stack", lambda a: tg.stack([a, a], axis=-1), lambda p: torch.stack([p, p], -1)),
    ("split", lambda a: tg.split(a, 2, dim=1)[1], lambda p: torch.split(p, 2, 1)[1]),
    ("flip", lambda a: tg.flip(a, (0,)), lambda p: torch.flip(p, (0,))),
    ("roll", lambda a: tg.roll(a, 1, 1), lambda p: torch.roll(p, 1, 1)),
    ("tril", lambda a: tg.tril(a, -1), lambda p: torch.tril(p, -1)),
    ("triu", lambda a: tg.triu(a, 1), lambda p: torch.triu(p, 1)),
    ("diagonal", lambda a: tg.diagonal(a, 1), lambda p: torch.diagonal(p, 1)),
    ("trace", lambda a: tg.trace(a), lambda p: torch.trace(p)),
    ("cumsum", lambda a: tg.cumsum(a, -1), lambda p: torch.cumsum(p, -1)),
    ("cumprod", lambda a: tg.cumprod(a, 0), lambda p: torch.cumprod(p, 0)),
    ("index_select", lambda a: tg.index_select(a, 1, tg.tensor([0, 2, 2])),
     lambda p: torch.index_select(p, 1, torch.tensor([0, 2, 2]))),
    ("gather", lambda a: tg.gather(a, 1, tg.tensor([[0, 0], [1, 3], [2, 2]])),
     lambda p: torch.gather(p, 1, torch.tensor([[0, 0], [1, 3], [2, 2]]))),
    ("scatter_add", lambda a: tg.scatter_add(a, 1, tg.tensor([[0, 0], [1, 3], [2, 2]]),
                                             a[:, :2]),
     lambda p: torch.scatter_add(p, 1, torch.tensor([[0, 0], [1, 3], [2, 2]]), p[:, :2])),
    ("sort", lambda a: tg.sort(a, -1)[0], lambda p: torch.sort(p, -1)[0]),
    ("topk", lambda a: tg.topk(a, 2)[0], lambda p: torch.topk(p, 2)[0]),
    ("index int array", lambda a: a[[0, 0, 2]], lambda p: p[[0, 0, 2]]),
    ("index mask", lambda a: a[a.numpy() > 0], lambda p: p[p.detach() > 0]),
    ("index mixed", lambda a: a[None, 1:, ..., -1], lambda p: p[None, 1:, ..., -1]),
    ("index step", lambda a: a[::2, 1::2], lambda p: p[::2, 1::2]),
    ("matmul vec", lambda a: tg.matmul(a, tg.tensor(V)), lambda p: p @ torch.tensor(V)),
    ("T", lambda a: a.T, lambda p: p.T),
    ("norm", lambda a: tg.norm(a), lambda p: torch.linalg.norm(p)),
    ("norm axis", lambda a: tg.norm(a, 2, -1, True),
     lambda p: torch.linalg.vector_norm(p, 2, -1, True)),
    ("softmax", lambda a: tg.softmax(a), lambda p: torch.softmax(p, -1)),
    ("log_softmax 0", lambda a: tg.log_softmax(a, 0), lambda p: torch.log_softmax(p, 0)),
    ("outer", lambda a: tg.outer(a[0], a[1]), lambda p: torch.outer(p[0], p[1])),
    ("dot", lambda a: tg.dot(a[0], a[1]), lambda p: torch.dot(p[0], p[1])),
    ("einsum", lambda a: tg.einsum("ij,kj->ik", a, a), lambda p: torch.einsum("ij,kj->ik", p, p)),
]


@pytest.mark.parametrize("name,f,t", SHAPE, ids=[s[0] for s in SHAPE])
def test_shape_and_misc(name, f, t):
    check(f, t, [X], what=name)


@pytest.mark.parametrize("sa,sb", [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 2)),
                                   ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
                                   ((1, 2, 3), (4, 3, 2))])
def test_matmul_shapes(sa, sb):
    check(tg.matmul, torch.matmul, [R.standard_normal(sa), R.standard_normal(sb)],
          what=f"matmul {sa}@{sb}")
    check(lambda a, b: a @ b, lambda a, b: a @ b,
          [R.standard_normal(sa), R.standard_normal(sb)], what="@")


def test_comparisons_never_require_grad():
    a = tg.tensor(X, requires_grad=True)
    for r in (a < 0, a <= 0, a > 0, a >= 0, a == 0, a != 0, 0 < a, np.float64(0) < a):
        assert not r.requires_grad and r.dtype == np.bool_


# ---- factories -------------------------------------------------------------------
def test_factory_dtypes():
    assert tg.tensor([1.0, 2.0]).dtype == np.float32
    assert tg.tensor([1, 2]).dtype == np.int64
    assert tg.tensor([True]).dtype == np.bool_
    assert tg.tensor(np.arange(3.0)).dtype == np.float64
    assert tg.zeros(2, 3).shape == (2, 3) and tg.zeros((2, 3)).shape == (2, 3)
    assert tg.zeros(2).dtype == np.float32
    assert tg.ones(2, dtype=tg.float64).dtype == np.float64
    _same(tg.arange(5), torch.arange(5), "arange")
    _same(tg.arange(0, 1, 0.25, dtype=tg.float64), torch.arange(0, 1, 0.25,
                                                                 dtype=torch.float64),
          "arange float")
    _same(tg.linspace(0, 1, 5, dtype=tg.float64), torch.linspace(0, 1, 5,
                                                                  dtype=torch.float64),
          "linspace")
    _same(tg.eye(3, 2, dtype=tg.float64), torch.eye(3, 2, dtype=torch.float64), "eye")
    _same(tg.full((2,), 3.0, dtype=tg.float64), torch.full((2,), 3.0, dtype=torch.float64),
          "full")
    assert tg.zeros(2, requires_grad=True).requires_grad


# ---- tg.linalg and tg.fft --------------------------------------------------------
A = R.standard_normal((3, 3)) + 3 * np.eye(3)
SPD = A @ A.T
LIN = [
    ("inv", [A], lambda a: tg.linalg.inv(a), lambda a: torch.linalg.inv(a)),
    ("det", [A], tg.linalg.det, torch.linalg.det),
    ("slogdet", [A], lambda a: tg.linalg.slogdet(a)[1], lambda a: torch.linalg.slogdet(a)[1]),
    ("solve", [A, V[:3]], tg.linalg.solve, torch.linalg.solve),
    ("cholesky", [SPD], tg.linalg.cholesky, torch.linalg.cholesky),
    ("eigvalsh", [SPD], tg.linalg.eigvalsh, torch.linalg.eigvalsh),
    ("svdvals", [A], tg.linalg.svdvals, torch.linalg.svdvals),
    ("pinv", [X], tg.linalg.pinv, torch.linalg.pinv),
    ("matrix_power", [A], lambda a: tg.linalg.matrix_power(a, 3),
     lambda a: torch.linalg.matrix_power(a, 3)),
    ("matrix_power -2", [A], lambda a: tg.linalg.matrix_power(a, -2),
     lambda a: torch.linalg.matrix_power(a, -2)),
    ("matrix_exp", [A / 3], tg.linalg.matrix_exp, torch.linalg.matrix_exp),
    ("matrix_norm fro", [X], tg.linalg.matrix_norm, torch.linalg.matrix_norm),
    ("matrix_norm nuc", [X], lambda a: tg.linalg.matrix_norm(a, "nuc"),
     lambda a: torch.linalg.matrix_norm(a, "nuc")),
    ("vector_norm", [X], lambda a: tg.linalg.vector_norm(a, 3, dim=-1),
     lambda a: torch.linalg.vector_norm(a, 3, dim=-1)),
    ("vector_norm inf", [X], lambda a: tg.linalg.vector_norm(a, float("inf")),
     lambda a: torch.linalg.vector_norm(a, float("inf"))),
    ("norm", [X], lambda a: tg.linalg.norm(a, dim=0), lambda a: torch.linalg.norm(a, dim=0)),
    ("norm 2", [X], lambda a: tg.linalg.norm(a, 2), lambda a: torch.linalg.norm(a, 2)),
    ("cond", [A], tg.linalg.cond, torch.linalg.cond),
    ("multi_dot", [X, X.T, X], lambda a, b, c: tg.linalg.multi_dot([a, b, c]),
     lambda a, b, c: torch.linalg.multi_dot([a, b, c])),
    ("cross", [X[:, :3], X[:, 1:]], tg.linalg.cross, torch.linalg.cross),
    ("solve_triangular", [np.triu(A), X[:, :2]],
     lambda a, b: tg.linalg.solve_triangular(a, b, upper=True),
     lambda a, b: torch.linalg.solve_triangular(a, b, upper=True)),
    ("lstsq", [X.T, V], lambda a, b: tg.linalg.lstsq(a, b[:, None])[0],
     lambda a, b: torch.linalg.lstsq(a, b[:, None])[0]),
    ("batched inv", [np.stack([A, A.T])], tg.linalg.inv, torch.linalg.inv),
    ("batched det", [np.stack([A, 2 * A])], tg.linalg.det, torch.linalg.det),
    ("logdet", [SPD], tg.linalg.logdet, torch.logdet),
]


@pytest.mark.parametrize("name,arrs,f,t", LIN, ids=[s[0] for s in LIN])
def test_linalg(name, arrs, f, t):
    check(f, t, arrs, what=name)


def test_linalg_decomp_shapes():
    for mode in ("reduced", "complete"):
        q, r = tg.linalg.qr(tg.tensor(X), mode=mode)
        tq, tr = torch.linalg.qr(torch.tensor(X), mode=mode)
        assert q.shape == tuple(tq.shape) and r.shape == tuple(tr.shape), mode
    u, s, vh = tg.linalg.svd(tg.tensor(X), full_matrices=False)
    tu, ts, tvh = torch.linalg.svd(torch.tensor(X), full_matrices=False)
    assert (u.shape, s.shape, vh.shape) == (tuple(tu.shape), tuple(ts.shape), tuple(tvh.shape))
    w, v = tg.linalg.eigh(tg.tensor(SPD))
    _same(w, torch.linalg.eigh(torch.tensor(SPD))[0], "eigh")
    assert tg.linalg.matrix_rank(tg.tensor(X)).item() == torch.linalg.matrix_rank(
        torch.tensor(X)).item()


FFT = ["fft", "ifft", "rfft", "irfft", "fft2", "ifft2", "rfft2", "fftn", "ifftn",
       "hfft", "ihfft"]


@pytest.mark.parametrize("n", FFT)
@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
def test_fft(n, norm):
    a = R.standard_normal((3, 4))
    out = getattr(tg.fft, n)(tg.tensor(a), norm=norm)
    ref = getattr(torch.fft, n)(torch.tensor(a), norm=norm)
    _same(out, ref, n)
    if out.dtype.kind == "f":
        check(lambda x: getattr(tg.fft, n)(x, norm=norm),
              lambda x: getattr(torch.fft, n)(x, norm=norm), [a], what=n)
    else:
        check(lambda x: tg.real(getattr(tg.fft, n)(x, norm=norm)) ** 2,
              lambda x: getattr(torch.fft, n)(x, norm=norm).real ** 2, [a], what=n)


def test_fft_n_dim():
    a = R.standard_normal((3, 5))
    _same(tg.fft.rfft(tg.tensor(a), n=8, dim=0), torch.fft.rfft(torch.tensor(a), n=8, dim=0),
          "rfft n dim")
    _same(tg.fft.fftshift(tg.tensor(a)), torch.fft.fftshift(torch.tensor(a)), "fftshift")
    _same(tg.fft.fftfreq(5, 0.1, dtype=tg.float64),
          torch.fft.fftfreq(5, 0.1, dtype=torch.float64), "fftfreq")


# ---- nn.functional ---------------------------------------------------------------
LOG = R.standard_normal((4, 3))
TGT = np.array([0, 2, 1, 2])
Y01 = R.uniform(0, 1, (4, 3))
FUNC = [
    ("mse_loss", [LOG, Y01], {}), ("mse_loss", [LOG, Y01], {"reduction": "sum"}),
    ("mse_loss", [LOG, Y01], {"reduction": "none"}),
    ("l1_loss", [LOG, Y01], {}),
    ("huber_loss", [LOG, Y01], {"delta": 0.5}),
    ("smooth_l1_loss", [LOG, Y01], {"beta": 0.5}),
    ("binary_cross_entropy_with_logits", [LOG, Y01], {}),
    ("binary_cross_entropy_with_logits", [LOG, Y01], {"reduction": "none"}),
    ("binary_cross_entropy", [U, U[::-1]], {}),
    ("kl_div", [np.log(U), U], {"reduction": "batchmean"}),
    ("kl_div", [np.log(U), np.log(U[::-1])], {"reduction": "sum", "log_target": True}),
    ("poisson_nll_loss", [LOG, Y01], {}),
    ("soft_margin_loss", [LOG, np.sign(LOG[::-1])], {"nograd": (1,)}),
    ("relu", [LOG], {}), ("softmax", [LOG], {"dim": 0}), ("log_softmax", [LOG], {"dim": -1}),
    ("gelu", [LOG], {"approximate": "tanh"}), ("silu", [LOG], {}), ("mish", [LOG], {}),
    ("elu", [LOG], {"alpha": 0.7}), ("selu", [LOG], {}),
    # torch's celu gradient uses a float32 1/alpha (3e-8 off exp(x/alpha)); ours is exact
    ("celu", [LOG], {"alpha": 1.3, "gtol": 1e-7}),
    ("softplus", [LOG], {"beta": 2.0, "threshold": 1.0}), ("hardtanh", [LOG], {}),
    ("relu6", [3 * LOG], {}), ("hardswish", [3 * LOG], {}), ("hardsigmoid", [3 * LOG], {}),
    ("logsigmoid", [LOG], {}), ("softsign", [LOG], {}), ("tanhshrink", [LOG], {}),
    ("leaky_relu", [LOG], {"negative_slope": 0.2}), ("glu", [R.standard_normal((3, 4))], {}),
    ("normalize", [LOG], {"dim": 0}), ("normalize", [LOG], {"p": 1.0}),
    ("cosine_similarity", [LOG, Y01], {}), ("pairwise_distance", [LOG, Y01], {}),
    ("layer_norm", [LOG], {"normalized_shape": (3,)}),
    ("rms_norm", [LOG], {"normalized_shape": (3,)}),
    ("margin_ranking_loss", [LOG[:, 0], LOG[:, 1], np.sign(LOG[:, 2])], {"margin": 0.1}),
    ("cosine_embedding_loss", [LOG, Y01, np.array([1.0, -1.0, 1.0, -1.0])], {}),
    ("triplet_margin_loss", [LOG, Y01, U[:, ::-1].copy()[:, :3] if False else LOG[::-1]],
     {}),
    ("gaussian_nll_loss", [LOG, Y01, Y01 + 0.1], {"nograd": (1,)}),
    ("hinge_embedding_loss", [LOG, np.sign(LOG[::-1])], {"nograd": (1,)}),
    ("multilabel_soft_margin_loss", [LOG, (Y01 > 0.5).astype(float)], {"nograd": (1,)}),
]


@pytest.mark.parametrize("n,arrs,kw", FUNC, ids=[f"{f[0]}-{i}" for i, f in enumerate(FUNC)])
def test_functional(n, arrs, kw):
    kw = dict(kw)
    opts = {k: kw.pop(k) for k in ("nograd", "gtol") if k in kw}
    check(lambda *a: getattr(TF, n)(*a, **kw), lambda *a: getattr(F, n)(*a, **kw),
          [np.ascontiguousarray(a) for a in arrs], what=n, **opts)


@pytest.mark.parametrize("kw", [{}, {"reduction": "sum"}, {"reduction": "none"},
                                {"label_smoothing": 0.1}, {"ignore_index": 2},
                                {"weight": np.array([1.0, 2.0, 0.5])}])
def test_cross_entropy_and_nll(kw):
    kt = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    kg = {k: tg.tensor(v) if isinstance(v, np.ndarray) else v for k, v in kw.items()}
    check(lambda a: TF.cross_entropy(a, tg.tensor(TGT), **kg),
          lambda a: F.cross_entropy(a, torch.tensor(TGT), **kt), [LOG], what="ce")
    kg.pop("label_smoothing", None)
    kt.pop("label_smoothing", None)
    check(lambda a: TF.nll_loss(a, tg.tensor(TGT), **kg),
          lambda a: F.nll_loss(a, torch.tensor(TGT), **kt), [LOG], what="nll")


def test_cross_entropy_probabilities_and_nd():
    check(lambda a: TF.cross_entropy(a, tg.tensor(Y01 / Y01.sum(1, keepdims=True))),
          lambda a: F.cross_entropy(a, torch.tensor(Y01 / Y01.sum(1, keepdims=True))), [LOG],
          what="ce prob")
    z = R.standard_normal((2, 3, 4))
    t = np.array([[0, 1, 2, 1], [2, 2, 0, 1]])
    check(lambda a: TF.cross_entropy(a, tg.tensor(t)),
          lambda a: F.cross_entropy(a, torch.tensor(t)), [z], what="ce nd")


CONV = [
    ("conv1d", (2, 3, 7), (4, 3, 3), {"stride": 2, "padding": 1}),
    ("conv1d", (2, 4, 7), (4, 2, 3), {"groups": 2, "dilation": 2}),
    ("conv2d", (1, 2, 5, 5), (3, 2, 3, 3), {"padding": "same"}),
    ("conv2d", (1, 2, 6, 5), (3, 2, 2, 3), {"stride": (2, 1), "padding": (1, 0)}),
    ("conv_transpose1d", (1, 3, 5), (3, 2, 3), {"stride": 2, "output_padding": 1}),
    ("conv_transpose2d", (1, 2, 4, 4), (2, 3, 3, 3), {"stride": 2, "padding": 1}),
    ("conv3d", (1, 1, 4, 4, 4), (2, 1, 2, 2, 2), {}),
]


@pytest.mark.parametrize("n,sx,sw,kw", CONV, ids=[f"{c[0]}-{i}" for i, c in enumerate(CONV)])
def test_conv(n, sx, sw, kw):
    check(lambda x, w: getattr(TF, n)(x, w, **kw), lambda x, w: getattr(F, n)(x, w, **kw),
          [R.standard_normal(sx), R.standard_normal(sw)], what=n)


POOL = [
    ("max_pool1d", (1, 2, 7), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("max_pool2d", (1, 2, 5, 5), {"kernel_size": 2}),
    ("max_pool2d", (1, 1, 5, 5), {"kernel_size": 3, "stride": 2, "ceil_mode": True}),
    ("avg_pool1d", (1, 2, 7), {"kernel_size": 3, "stride": 2, "padding": 1}),
    ("avg_pool2d", (1, 2, 5, 5), {"kernel_size": 2}),
    ("avg_pool2d", (1, 1, 5, 5), {"kernel_size": 3, "padding": 1,
                                  "count_include_pad": False}),
    ("adaptive_avg_pool2d", (1, 2, 5, 7), {"output_size": (2, 3)}),
    ("interpolate", (1, 2, 3, 3), {"scale_factor": 2, "mode": "nearest"}),
    ("interpolate", (1, 2, 3, 3), {"size": (5, 4), "mode": "bilinear",
                                   "align_corners": False}),
    ("interpolate", (1, 2, 4), {"size": 7, "mode": "linear", "align_corners": True}),
    ("pad", (1, 2, 3), {"pad": (1, 2), "mode": "reflect"}),
    ("pad", (1, 2, 3, 3), {"pad": (1, 0, 2, 1), "value": 0.5}),
    ("pad", (1, 2, 3, 3), {"pad": (1, 1, 1, 1), "mode": "replicate"}),
    ("unfold", (1, 2, 4, 4), {"kernel_size": 2, "stride": 2}),
    ("fold", (1, 8, 4), {"output_size": (4, 4), "kernel_size": 2, "stride": 2}),
    ("dropout", (3, 4), {"p": 0.5, "training": False}),
]


@pytest.mark.parametrize("n,sx,kw", POOL, ids=[f"{c[0]}-{i}" for i, c in enumerate(POOL)])
def test_pool_resample(n, sx, kw):
    check(lambda x: getattr(TF, n)(x, **kw), lambda x: getattr(F, n)(x, **kw),
          [R.standard_normal(sx)], what=n)


def test_one_hot_and_embedding():
    _same(TF.one_hot(tg.tensor([0, 2, 1])), F.one_hot(torch.tensor([0, 2, 1])), "one_hot")
    _same(TF.one_hot(tg.tensor([0, 2]), 4), F.one_hot(torch.tensor([0, 2]), 4), "one_hot n")
    w = R.standard_normal((5, 3))
    check(lambda a: TF.embedding(tg.tensor([[0, 4], [4, 1]]), a),
          lambda a: F.embedding(torch.tensor([[0, 4], [4, 1]]), a), [w], what="embedding")


def test_sdpa():
    q, k, v = (R.standard_normal((2, 3, 4)) for _ in range(3))
    check(TF.scaled_dot_product_attention, F.scaled_dot_product_attention, [q, k, v],
          what="sdpa")
    check(lambda *a: TF.scaled_dot_product_attention(*a, is_causal=True),
          lambda *a: F.scaled_dot_product_attention(*a, is_causal=True), [q, k, v],
          what="sdpa causal")


# ---- layers: same weights give the same outputs and gradients --------------------
def _mk(cls, *args, **kw):
    """A float64 tapegrad layer, as torch's `.double()`."""
    if "dtype" in inspect.signature(cls).parameters:
        return cls(*args, dtype=tg.float64, **kw)
    return cls(*args, **kw).double()


def _copy(mt, mg):
    sd = {k: tg.tensor(v.detach().numpy().copy()) for k, v in mt.state_dict().items()}
    mg.load_state_dict(sd)


LAYERS = [
    ("Linear", (3, 2), (4, 3)), ("Linear", (3, 2, False), (4, 3)),
    ("LayerNorm", (3,), (4, 3)), ("BatchNorm1d", (3,), (4, 3)),
    ("BatchNorm2d", (2,), (3, 2, 2, 2)), ("GroupNorm", (2, 4), (2, 4, 3)),
    ("InstanceNorm2d", (2,), (2, 2, 3, 3)), ("RMSNorm", (3,), (4, 3)),
    ("Conv1d", (2, 3, 3), (1, 2, 6)), ("Conv2d", (2, 2, 2), (1, 2, 4, 4)),
    ("ConvTranspose1d", (2, 3, 3), (1, 2, 4)), ("ConvTranspose2d", (2, 1, 2), (1, 2, 3, 3)),
    ("PReLU", (), (4, 3)), ("ReLU", (), (4, 3)), ("Tanh", (), (4, 3)),
    ("Sigmoid", (), (4, 3)), ("SiLU", (), (4, 3)), ("ELU", (), (4, 3)), ("SELU", (), (4, 3)),
    ("Mish", (), (4, 3)), ("ReLU6", (), (4, 3)), ("Hardtanh", (), (4, 3)),
    ("Hardswish", (), (4, 3)), ("GLU", (), (4, 4)), ("LogSigmoid", (), (4, 3)),
    ("Softsign", (), (4, 3)), ("Upsample", (None, 2), (1, 1, 2, 2)),
    ("Unflatten", (1, (3, 1)), (4, 3)), ("MaxPool1d", (2,), (1, 2, 6)),
    ("MaxPool2d", (2,), (1, 2, 4, 4)), ("AvgPool1d", (2,), (1, 2, 6)),
    ("AvgPool2d", (2,), (1, 2, 4, 4)), ("AdaptiveAvgPool2d", (1,), (1, 2, 3, 3)),
    ("Dropout", (0.3,), (4, 3)), ("Dropout2d", (0.3,), (1, 2, 3, 3)),
]


@pytest.mark.parametrize("n,args,sx", [("BatchNorm1d", (3,), (4, 3)),
                                       ("BatchNorm2d", (2,), (3, 2, 2, 2)),
                                       ("GroupNorm", (2, 4), (2, 4, 3)),
                                       ("InstanceNorm2d", (2, 1e-5, 0.1, True), (2, 2, 3, 3))])
def test_norm_without_bias(n, args, sx):
    mt = getattr(torch.nn, n)(*args, bias=False).double()
    mg = _mk(getattr(tg.nn, n), *args, bias=False)
    assert mg.bias is None and sorted(mg.state_dict()) == sorted(mt.state_dict())
    with torch.no_grad():
        mt.weight.uniform_(0.5, 1.5)
    _copy(mt, mg)
    check(mg, mt, [R.standard_normal(sx)], what=n + " bias=False")
    if hasattr(mg, "reset_parameters"):
        mg.reset_parameters()       # no bias to zero
        assert mg.bias is None
    with pytest.raises(TypeError, match="bias"):
        getattr(tg.nn, n)(*args, bias="no")


@pytest.mark.parametrize("n,args,sx", LAYERS, ids=[f"{c[0]}-{i}" for i, c in enumerate(LAYERS)])
def test_layer(n, args, sx):
    torch.manual_seed(0)
    mt = getattr(torch.nn, n)(*args).double()
    mg = _mk(getattr(tg.nn, n), *args)
    _copy(mt, mg)
    if n.startswith("Dropout"):
        mt.eval()
        mg.eval()
    x = R.standard_normal(sx)
    check(mg, mt, [x], what=n)
    for (kt, pt), (kg, pg) in zip(sorted(mt.named_parameters()),
                                  sorted(mg.named_parameters())):
        assert kt == kg
        _same(pg.grad, pt.grad, f"{n}.{kt} grad", atol=1e-8, dtype=False)
    assert sorted(mt.state_dict()) == sorted(mg.state_dict()), n


def test_batchnorm_running_stats_and_eval():
    mt = torch.nn.BatchNorm1d(3, momentum=0.3).double()
    mg = _mk(tg.nn.BatchNorm1d, 3, momentum=0.3)
    for _ in range(3):
        x = R.standard_normal((5, 3))
        mt(torch.tensor(x))
        mg(tg.tensor(x))
    for k in ("running_mean", "running_var", "num_batches_tracked"):
        _same(mg.state_dict()[k], mt.state_dict()[k], k, dtype=False)
    mt.eval()
    mg.eval()
    x = R.standard_normal((2, 3))
    _same(mg(tg.tensor(x)), mt(torch.tensor(x)), "bn eval")


@pytest.mark.parametrize("n", ["RNN", "LSTM", "GRU"])
@pytest.mark.parametrize("batch_first", [False, True])
def test_recurrent_layer(n, batch_first):
    torch.manual_seed(0)
    mt = getattr(torch.nn, n)(3, 4, num_layers=2, batch_first=batch_first,
                              bidirectional=True).double()
    mg = _mk(getattr(tg.nn, n), 3, 4, num_layers=2, batch_first=batch_first,
             bidirectional=True)
    _copy(mt, mg)
    check(lambda x: mg(x)[0], lambda x: mt(x)[0], [R.standard_normal((5, 2, 3))], what=n)


@pytest.mark.parametrize("n", ["RNNCell", "LSTMCell", "GRUCell"])
def test_cell(n):
    torch.manual_seed(0)
    mt = getattr(torch.nn, n)(3, 4).double()
    mg = _mk(getattr(tg.nn, n), 3, 4)
    _copy(mt, mg)
    check(lambda x: _first(mg(x)), lambda x: _first(mt(x)), [R.standard_normal((2, 3))],
          what=n)


def test_embedding_layer_padding_idx():
    torch.manual_seed(0)
    mt = torch.nn.Embedding(5, 3, padding_idx=1).double()
    mg = _mk(tg.nn.Embedding, 5, 3, padding_idx=1)
    _copy(mt, mg)
    idx = np.array([[1, 2], [1, 4]])
    _same(mg(tg.tensor(idx)), mt(torch.tensor(idx)), "embedding")
    mg(tg.tensor(idx)).sum().backward()
    mt(torch.tensor(idx)).sum().backward()
    _same(mg.weight.grad, mt.weight.grad, "embedding grad", dtype=False)


def test_multihead_attention():
    torch.manual_seed(0)
    mt = torch.nn.MultiheadAttention(4, 2, batch_first=True).double()
    mg = _mk(tg.nn.MultiheadAttention, 4, 2, batch_first=True)
    _copy(mt, mg)
    x = R.standard_normal((2, 3, 4))
    check(lambda a: mg(a, a, a)[0], lambda a: mt(a, a, a)[0], [x], what="mha")
    _same(mg(tg.tensor(x), tg.tensor(x), tg.tensor(x))[1],
          mt(torch.tensor(x), torch.tensor(x), torch.tensor(x))[1], "mha weights")


LOSSES = [("MSELoss", [LOG, Y01]), ("BCEWithLogitsLoss", [LOG, Y01]),
          ("HuberLoss", [LOG, Y01]), ("SmoothL1Loss", [LOG, Y01]),
          ("BCELoss", [U, U[::-1]]), ("KLDivLoss", [np.log(U), U]),
          ("PoissonNLLLoss", [LOG, Y01]), ("L1Loss", [LOG, Y01])]


@pytest.mark.parametrize("n,arrs", LOSSES, ids=[c[0] for c in LOSSES])
def test_loss_modules(n, arrs):
    check(getattr(tg.nn, n)(), getattr(torch.nn, n)(), [np.ascontiguousarray(a) for a in arrs],
          what=n)


# ---- keyword names and defaults of layers, losses, optimizers, schedulers --------
SIG = (["Linear", "LayerNorm", "BatchNorm1d", "BatchNorm2d", "Embedding", "Dropout",
        "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "MaxPool1d",
        "MaxPool2d", "AvgPool1d", "AvgPool2d", "GroupNorm", "InstanceNorm2d", "RMSNorm",
        "RNN", "LSTM", "GRU", "RNNCell", "LSTMCell", "GRUCell", "MultiheadAttention",
        "TransformerEncoderLayer", "TransformerDecoderLayer", "ELU", "PReLU", "Hardtanh",
        "GLU", "Upsample", "LeakyReLU", "Softplus",
        "MSELoss", "CrossEntropyLoss", "BCEWithLogitsLoss", "HuberLoss", "SmoothL1Loss",
        "KLDivLoss", "GaussianNLLLoss", "PoissonNLLLoss", "CosineEmbeddingLoss",
        "MarginRankingLoss", "TripletMarginLoss", "BCELoss", "NLLLoss"])
OPT = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Adamax", "NAdam", "RAdam",
       "Adadelta", "Rprop", "LBFGS"]
SCHED = ["StepLR", "ExponentialLR", "CosineAnnealingLR", "OneCycleLR", "ReduceLROnPlateau",
         "LinearLR", "ConstantLR", "SequentialLR", "CosineAnnealingWarmRestarts", "CyclicLR",
         "PolynomialLR", "MultiplicativeLR"]
# torch keywords that make no sense on a CPU-only NumPy library
IGNORED = {"device", "dtype", "foreach", "maximize", "capturable", "differentiable",
           "fused", "verbose", "size_average", "reduce", "_weight", "_freeze",
           "decoupled_weight_decay", "bias_k", "bias_v", "_stacklevel", "sparse"}
# differences kept on purpose: torch's softmax dim=None is its deprecated implicit dim,
# API.md fixes -1
ACCEPTED = {"softmax": ["dim: default -1 != torch None"],
            "log_softmax": ["dim: default -1 != torch None"]}
# torch keywords tapegrad lacks so far (reported to the lead)
GAPS: dict = {}


def _params(obj):
    sig = inspect.signature(obj)
    return {k: p.default for k, p in sig.parameters.items()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}


def _signature_diff(tobj, gobj):
    tp, gp = _params(tobj), _params(gobj)
    out = []
    for k, d in tp.items():
        if k in IGNORED or k == "self":
            continue
        if k not in gp:
            out.append(f"missing {k}")
            continue
        g = gp[k]
        if d is inspect.Parameter.empty:
            continue
        if isinstance(d, (bool, int, float, str, type(None), tuple)) and g != d \
                and not (isinstance(d, float) and isinstance(g, float) and np.isclose(g, d)):
            out.append(f"{k}: default {g!r} != torch {d!r}")
    return out


def _expect(n, diff):
    diff = [d for d in diff if d not in ACCEPTED.get(n, [])]
    if n in GAPS:
        assert diff == GAPS[n], "the gap list is stale"
        pytest.xfail(f"torch keywords not in tapegrad yet: {GAPS[n]}")
    assert diff == []


@pytest.mark.parametrize("n", SIG)
def test_layer_signature(n):
    _expect(n, _signature_diff(getattr(torch.nn, n), getattr(tg.nn, n)))


@pytest.mark.parametrize("n", OPT)
def test_optimizer_signature(n):
    assert _signature_diff(getattr(torch.optim, n), getattr(tg.optim, n)) == []


@pytest.mark.parametrize("n", SCHED)
def test_scheduler_signature(n):
    assert _signature_diff(getattr(torch.optim.lr_scheduler, n),
                           getattr(tg.optim.lr_scheduler, n)) == []


FSIG = ["mse_loss", "cross_entropy", "binary_cross_entropy_with_logits", "nll_loss",
        "relu", "softmax", "log_softmax", "dropout", "conv1d", "conv2d", "conv3d",
        "conv_transpose1d", "conv_transpose2d", "max_pool1d", "max_pool2d", "avg_pool1d",
        "avg_pool2d", "adaptive_avg_pool2d", "unfold", "fold", "interpolate", "pad",
        "one_hot", "normalize", "cosine_similarity", "pairwise_distance",
        "scaled_dot_product_attention", "huber_loss", "smooth_l1_loss", "kl_div",
        "gaussian_nll_loss", "poisson_nll_loss", "cosine_embedding_loss",
        "margin_ranking_loss", "triplet_margin_loss", "binary_cross_entropy", "layer_norm",
        "group_norm", "batch_norm", "embedding", "leaky_relu", "gelu", "elu", "softplus",
        "hardtanh", "glu"]


@pytest.mark.parametrize("n", FSIG)
def test_functional_signature(n):
    try:
        inspect.signature(getattr(F, n))
    except (ValueError, TypeError):
        pytest.skip("torch builtin without a signature")
    _expect(n, _signature_diff(getattr(F, n), getattr(TF, n)))


# ---- optimizers: same steps as torch ---------------------------------------------
OPT_KW = [
    ("SGD", {"lr": 0.1}), ("SGD", {"lr": 0.1, "momentum": 0.9, "nesterov": True,
                                   "weight_decay": 0.01}),
    ("SGD", {"lr": 0.1, "momentum": 0.9, "dampening": 0.1}),
    ("Adam", {"lr": 0.01}), ("Adam", {"lr": 0.01, "amsgrad": True, "weight_decay": 0.1}),
    ("AdamW", {"lr": 0.01}), ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.5, "centered": True}),
    ("Adagrad", {"lr": 0.1}), ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("Adamax", {"lr": 0.01}), ("NAdam", {"lr": 0.01}), ("RAdam", {"lr": 0.01}),
    ("Adadelta", {}), ("Rprop", {"lr": 0.01}),
]


def _quad(w, b, T):
    return ((w * T.tensor([1.0, -2.0, 0.5], dtype=T.float64)).sum() ** 2
            + (w ** 2).sum() + (b - 1) ** 2).sum() if T is torch else \
        ((w * tg.tensor(np.array([1.0, -2.0, 0.5]))).sum() ** 2 + (w ** 2).sum()
         + ((b - 1) ** 2).sum())


@pytest.mark.parametrize("n,kw", OPT_KW, ids=[f"{o[0]}-{i}" for i, o in enumerate(OPT_KW)])
def test_optimizer_steps(n, kw):
    w0 = np.array([0.3, -0.2, 0.8])
    b0 = np.array([0.5])
    wt = torch.tensor(w0, requires_grad=True)
    bt = torch.tensor(b0, requires_grad=True)
    wg = tg.nn.Parameter(tg.tensor(w0))
    bg = tg.nn.Parameter(tg.tensor(b0))
    ot = getattr(torch.optim, n)([wt, bt], **kw)
    og = getattr(tg.optim, n)([wg, bg], **kw)
    for _ in range(4):
        ot.zero_grad()
        og.zero_grad()
        _quad(wt, bt, torch).backward()
        _quad(wg, bg, tg).backward()
        ot.step()
        og.step()
        _same(wg, wt, f"{n} w", atol=1e-9)
        _same(bg, bt, f"{n} b", atol=1e-9)


def test_lbfgs_closure():
    w0 = np.array([0.3, -0.2, 0.8])
    wt = torch.tensor(w0, requires_grad=True)
    wg = tg.nn.Parameter(tg.tensor(w0))
    ot = torch.optim.LBFGS([wt], lr=0.5, max_iter=5)
    og = tg.optim.LBFGS([wg], lr=0.5, max_iter=5)

    def ct():
        ot.zero_grad()
        loss = ((wt - 1) ** 4).sum()
        loss.backward()
        return loss

    def cg():
        og.zero_grad()
        loss = ((wg - 1) ** 4).sum()
        loss.backward()
        return loss

    for _ in range(2):
        _same(og.step(cg), ot.step(ct), "lbfgs loss", dtype=False)
    _same(wg, wt, "lbfgs w", atol=1e-8)


SCHED_KW = [
    ("StepLR", {"step_size": 2, "gamma": 0.5}), ("ExponentialLR", {"gamma": 0.9}),
    ("CosineAnnealingLR", {"T_max": 4, "eta_min": 0.01}),
    ("LinearLR", {"start_factor": 0.2, "total_iters": 3}),
    ("ConstantLR", {"factor": 0.5, "total_iters": 2}),
    ("CosineAnnealingWarmRestarts", {"T_0": 3, "T_mult": 2}),
    ("PolynomialLR", {"total_iters": 4, "power": 2.0}),
    ("OneCycleLR", {"max_lr": 1.0, "total_steps": 8}),
    ("CyclicLR", {"base_lr": 0.1, "max_lr": 1.0, "step_size_up": 2}),
    ("MultiplicativeLR", {"lr_lambda": lambda e: 0.9}),
]


@pytest.mark.parametrize("n,kw", SCHED_KW, ids=[s[0] for s in SCHED_KW])
def test_scheduler_lrs(n, kw):
    ot = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5, momentum=0.9)
    og = tg.optim.SGD([tg.nn.Parameter(tg.zeros(1))], lr=0.5, momentum=0.9)
    st = getattr(torch.optim.lr_scheduler, n)(ot, **kw)
    sg = getattr(tg.optim.lr_scheduler, n)(og, **kw)
    for i in range(7):
        assert np.isclose(og.param_groups[0]["lr"], ot.param_groups[0]["lr"]), (n, i)
        assert np.isclose(sg.get_last_lr()[0], st.get_last_lr()[0]), (n, i)
        ot.step()
        og.step()
        st.step()
        sg.step()


def test_reduce_on_plateau():
    ot = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1.0)
    og = tg.optim.SGD([tg.nn.Parameter(tg.zeros(1))], lr=1.0)
    st = torch.optim.lr_scheduler.ReduceLROnPlateau(ot, patience=1, factor=0.5)
    sg = tg.optim.lr_scheduler.ReduceLROnPlateau(og, patience=1, factor=0.5)
    for v in [5, 4, 4, 4, 4, 3, 3, 3, 3]:
        st.step(v)
        sg.step(v)
        assert np.isclose(og.param_groups[0]["lr"], ot.param_groups[0]["lr"])


def test_clip_grad_norm():
    pt = [torch.tensor(X, requires_grad=True), torch.tensor(V, requires_grad=True)]
    pg = [tg.nn.Parameter(tg.tensor(X)), tg.nn.Parameter(tg.tensor(V))]
    for a, b in zip(pt, pg):
        a.grad = torch.tensor(a.detach().numpy() * 3)
        b.grad = tg.tensor(b.numpy() * 3)
    for norm_type in (2.0, float("inf")):
        nt = torch.nn.utils.clip_grad_norm_(pt, 1.0, norm_type)
        ng = tg.nn.utils.clip_grad_norm_(pg, 1.0, norm_type)
        _same(ng, nt, "clip norm", dtype=False)
        for a, b in zip(pt, pg):
            _same(b.grad, a.grad, "clipped grad")


# ---- autograd.grad and backward keywords -----------------------------------------
def test_autograd_grad_keywords():
    a = tg.tensor(X, requires_grad=True)
    b = tg.tensor(V, requires_grad=True)
    y = (a * b).sum()
    ga, gb = tg.autograd.grad(y, [a, b], retain_graph=True)
    _same(ga, np.broadcast_to(V, X.shape), "grad a")
    unused = tg.tensor(V, requires_grad=True)
    with pytest.raises(RuntimeError):
        tg.autograd.grad(y, [a, unused], retain_graph=True)
    r = tg.autograd.grad(y, [a, unused], allow_unused=True)
    assert r[1] is None and isinstance(r, tuple)
    z = a * 2
    (gz,) = tg.autograd.grad(z, a, grad_outputs=tg.ones_like(z))
    _same(gz, np.full(X.shape, 2.0), "grad_outputs")


def test_backward_inputs_and_errors():
    a = tg.tensor(X, requires_grad=True)
    b = tg.tensor(V, requires_grad=True)
    y = (a * b).sum()
    y.backward(inputs=[b], retain_graph=True)
    assert a.grad is None and b.grad is not None
    y.backward()
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()
    with pytest.raises(RuntimeError, match="grad"):
        (a * 2).backward()


# ---- Tensor methods: PyTorch spellings give PyTorch's results ----------------------
METHODS = [
    ("add", (V,), {}), ("add", (2.0,), {"alpha": 3}), ("sub", (V,), {"alpha": 0.5}),
    ("mul", (V,), {}), ("div", (V,), {}), ("div", (0.7,), {"rounding_mode": "floor"}),
    ("div", (0.7,), {"rounding_mode": "trunc"}), ("true_divide", (V,), {}),
    ("floor_divide", (0.7,), {}), ("fmod", (0.7,), {}), ("remainder", (0.7,), {}),
    ("neg", (), {}), ("erf", (), {}), ("sinh", (), {}), ("cosh", (), {}), ("expm1", (), {}),
    ("eq", (0.5,), {}), ("ne", (V,), {}), ("lt", (0.0,), {}), ("le", (V,), {}),
    ("gt", (0.1,), {}), ("ge", (V,), {}), ("exp", (), {}), ("abs", (), {}), ("tanh", (), {}),
    ("sigmoid", (), {}), ("relu", (), {}), ("square", (), {}), ("pow", (3,), {}),
    ("clamp", (-0.5, 0.5), {}), ("clamp", (), {"min": 0.0}), ("maximum", (V,), {}),
    ("sum", (), {"dim": 1, "keepdim": True}), ("mean", (0,), {}), ("std", (1,), {}),
    ("var", (), {"dim": 0, "correction": 0}), ("prod", (1,), {}), ("amax", (-1,), {}),
    ("logsumexp", (1,), {}), ("norm", (), {}), ("softmax", (0,), {}),
    ("log_softmax", (-1,), {}), ("cumsum", (1,), {}), ("cumprod", (0,), {}),
    ("flip", ((0, 1),), {}), ("roll", (1, 0), {}), ("t", (), {}), ("reshape", (4, 3), {}),
    ("view", (-1,), {}), ("permute", (1, 0), {}), ("transpose", (0, 1), {}),
    ("flatten", (), {}), ("unsqueeze", (1,), {}), ("expand", (2, 3, 4), {}),
    ("repeat", (2, 1), {}), ("tril", (), {}), ("triu", (1,), {}), ("diagonal", (), {}),
    ("trace", (), {}), ("mm", (X.T,), {}), ("matmul", (V,), {}), ("contiguous", (), {}),
    ("masked_fill", (X > 0, 0.5), {}), ("max", (1,), {}), ("min", (0, True), {}),
    ("argmax", (1,), {}), ("sort", (1,), {}), ("topk", (2,), {}),
    ("expand_as", (np.zeros((2, 3, 4)),), {}), ("view_as", (np.zeros(12),), {}),
    ("reshape_as", (np.zeros((2, 6)),), {}), ("log2", (), {}), ("log10", (), {}),
]


def _conv(a, lib):
    if isinstance(a, np.ndarray):
        return tg.tensor(a) if lib is tg else torch.tensor(a)
    return a


@pytest.mark.parametrize("n,args,kw", METHODS, ids=[f"{m[0]}-{i}" for i, m in enumerate(METHODS)])
def test_tensor_method(n, args, kw):
    data = XP if n in ("log2", "log10") else X
    check(lambda a: getattr(a, n)(*[_conv(v, tg) for v in args], **kw),
          lambda p: getattr(p, n)(*[_conv(v, torch) for v in args], **kw), [data],
          what=f"Tensor.{n}", grad=n != "floor_divide")     # torch: no derivative


def test_tensor_method_attributes():
    a, p = tg.tensor(X), torch.tensor(X)
    assert a.size() == tuple(p.size()) and a.size(-1) == p.size(-1)
    assert a.numel() == p.numel() and a.dim() == p.dim() and a.ndim == p.ndim
    assert a.T.shape == tuple(p.T.shape) and a.mT.shape == tuple(p.mT.shape)
    _same(tg.tensor([1, 2]).type_as(a), torch.tensor([1, 2]).type_as(p), "type_as")
    _same(a.double(), p.double(), "double")
    _same(a.float(), p.float(), "float")
    _same(a.long(), p.long(), "long")
    _same(a.int(), p.int(), "int")
    _same(a.bool(), p.bool(), "bool")
    with pytest.raises(ValueError, match="rounding_mode"):
        a.div(2, rounding_mode="round")


# ---- torch's keyword spellings of the same calls -----------------------------------
KX = R.standard_normal((3, 4))
KA = R.standard_normal((3, 3)) + 3 * np.eye(3)
KS = KA @ KA.T
A, S, x = KA, KS, KX     # the names the rows below use
KW_CALLS = [
    ("sort", lambda L, a: L.sort(a, dim=0, descending=True)[0]),
    ("sort stable", lambda L, a: L.sort(a, dim=-1, descending=False, stable=True)[0]),
    ("argsort", lambda L, a: L.argsort(a, dim=1, descending=True)),
    ("topk", lambda L, a: L.topk(a, k=2, dim=0, largest=False, sorted=True)[0]),
    ("diagonal", lambda L, a: L.diagonal(a, offset=1, dim1=0, dim2=1)),
    ("roll", lambda L, a: L.roll(a, shifts=1, dims=0)),
    ("roll multi", lambda L, a: L.roll(a, shifts=(1,2), dims=(0,1))),
    ("roll flat", lambda L, a: L.roll(a, 2)),
    ("flip", lambda L, a: L.flip(a, dims=(0,))),
    ("tril", lambda L, a: L.tril(a, diagonal=-1)),
    ("gather", lambda L, a: L.gather(a, dim=1, index=L.tensor([[0,1],[2,3],[1,1]]))),
    ("index_select", lambda L, a: L.index_select(a, dim=1, index=L.tensor([0,2]))),
    ("cumsum", lambda L, a: L.cumsum(a, dim=1)),
    ("cumsum dtype", lambda L, a: L.cumsum(a, dim=1, dtype=L.float32)),
    ("clamp", lambda L, a: L.clamp(a, min=-0.2, max=0.3)),
    ("clamp tensor", lambda L, a: L.clamp(a, min=L.tensor(np.zeros(4)))),
    ("split", lambda L, a: L.split(a, split_size_or_sections=[1,3], dim=1)[1]),
    ("stack", lambda L, a: L.stack([a,a], dim=1)),
    ("cat", lambda L, a: L.cat([a,a], dim=-1)),
    ("squeeze", lambda L, a: L.squeeze(a[None], dim=0)),
    ("squeeze tuple", lambda L, a: L.squeeze(a[None,:,None], dim=(0,2))),
    ("unsqueeze", lambda L, a: L.unsqueeze(a, dim=-1)),
    ("transpose", lambda L, a: L.transpose(a, 0, 1)),
    ("flatten", lambda L, a: L.flatten(a[None], start_dim=1, end_dim=-1)),
    ("max dim", lambda L, a: L.max(a, dim=1, keepdim=True)[0]),
    ("max binary", lambda L, a: L.max(a, a*0)),
    ("logsumexp", lambda L, a: L.logsumexp(a, dim=1, keepdim=True)),
    ("std unbiased", lambda L, a: L.std(a, dim=1, unbiased=False)),
    ("var correction", lambda L, a: L.var(a, dim=1, correction=0, keepdim=True)),
    ("sum dtype", lambda L, a: L.sum(a, dim=1, dtype=L.float32)),
    ("mean dtype", lambda L, a: L.mean(a, dim=0, dtype=L.float32)),
    ("prod dim", lambda L, a: L.prod(a, dim=1, keepdim=True)),
    ("norm p", lambda L, a: L.norm(a, p=1, dim=1)),
    ("norm fro", lambda L, a: L.norm(a, p="fro")),
    ("where", lambda L, a: L.where(a > 0, a, 0.0)),
    ("where 1arg", lambda L, a: L.where(a > 0)[0]),
    ("linalg.norm", lambda L, a: L.linalg.norm(a, ord=1, dim=1, keepdim=True)),
    ("linalg.norm mat", lambda L, a: L.linalg.norm(a, ord="nuc")),
    ("vector_norm", lambda L, a: L.linalg.vector_norm(a, ord=3, dim=(0,1), keepdim=True)),
    ("matrix_norm", lambda L, a: L.linalg.matrix_norm(a, ord=-2, dim=(-2,-1), keepdim=True)),
    ("solve left", lambda L, a: L.linalg.solve(L.tensor(A), a[:, :3], left=False)),
    ("svd full", lambda L, a: L.linalg.svd(a, full_matrices=True)[1]),
    ("eigh UPLO", lambda L, a: L.linalg.eigh(L.tensor(S), UPLO="U")[0]),
    ("eigvalsh UPLO", lambda L, a: L.linalg.eigvalsh(L.tensor(S), UPLO="U")),
    ("qr complete", lambda L, a: L.linalg.qr(a, mode="r")[1]),
    ("pinv herm", lambda L, a: L.linalg.pinv(L.tensor(S), hermitian=True)),
    ("pinv rtol", lambda L, a: L.linalg.pinv(a, rtol=1e-3)),
    ("matrix_rank", lambda L, a: L.linalg.matrix_rank(a, hermitian=False, atol=0.1)),
    ("cholesky upper", lambda L, a: L.linalg.cholesky(L.tensor(S), upper=True)),
    ("solve_triangular", lambda L, a: L.linalg.solve_triangular(L.tensor(np.triu(A)), a[:, :3], upper=True, left=False, unitriangular=True)),
    ("cross dim", lambda L, a: L.linalg.cross(a[:, :3], a[:, 1:], dim=-1)),
    ("det", lambda L, a: L.linalg.det(L.tensor(A))),
    ("matrix_power", lambda L, a: L.linalg.matrix_power(L.tensor(A), n=2)),
    ("multi_dot", lambda L, a: L.linalg.multi_dot([a, a.T])),
    ("vecdot", lambda L, a: L.linalg.vecdot(a, a, dim=0)),
    ("matmul linalg", lambda L, a: L.linalg.matmul(a, a.T)),
    ("eigvals", lambda L, a: L.linalg.eigvals(L.tensor(S)).real),
    ("fft n dim", lambda L, a: L.fft.fft(a, n=6, dim=0, norm="ortho").real),
    ("fft2 s", lambda L, a: L.fft.fft2(a, s=(4,4), dim=(-2,-1)).imag),
    ("rfftn", lambda L, a: L.fft.rfftn(a, s=(3,6), dim=(0,1)).real),
    ("irfftn", lambda L, a: L.fft.irfftn(a, s=(3,6))),
    ("rfftfreq", lambda L, a: L.fft.rfftfreq(6, d=0.5)),
    ("ifftshift", lambda L, a: L.fft.ifftshift(a, dim=0)),
    ("einsum list", lambda L, a: L.einsum("ij,ij->i", a, a)),
    ("einsum ellipsis", lambda L, a: L.einsum("...j,...j->...", a, a)),
    ("tensordot", lambda L, a: L.tensordot(a, a, dims=([1],[1]))),
    ("tensordot int", lambda L, a: L.tensordot(a, a.T, dims=1)),
    ("kron", lambda L, a: L.kron(a[:2,:2], a[:2,:2])),
    ("diff", lambda L, a: L.diff(a, n=1, dim=0)),
    ("cummax", lambda L, a: L.cummax(a, dim=1)[0]),
    ("logcumsumexp", lambda L, a: L.logcumsumexp(a, dim=1)),
    ("median dim", lambda L, a: L.median(a, dim=1)[0]),
    ("median", lambda L, a: L.median(a)),
    ("kthvalue", lambda L, a: L.kthvalue(a, k=2, dim=1)[0]),
    ("quantile", lambda L, a: L.quantile(a, q=0.3, dim=1, keepdim=True, interpolation="linear")),
    ("nanquantile", lambda L, a: L.nanquantile(a, q=0.3)),
    ("nansum", lambda L, a: L.nansum(a, dim=1)),
    ("nanmean", lambda L, a: L.nanmean(a, dim=1)),
    ("take_along_dim", lambda L, a: L.take_along_dim(a, L.argsort(a, dim=1), dim=1)),
    ("repeat_interleave", lambda L, a: L.repeat_interleave(a, repeats=2, dim=0)),
    ("tile", lambda L, a: L.tile(a, (2,1))),
    ("chunk", lambda L, a: L.chunk(a, chunks=2, dim=1)[1]),
    ("tensor_split", lambda L, a: L.tensor_split(a, sections=3, dim=1)[2]),
    ("tensor_split idx", lambda L, a: L.tensor_split(a, indices=[1,3], dim=1)[1]),
    ("narrow", lambda L, a: L.narrow(a, dim=1, start=1, length=2)),
    ("movedim", lambda L, a: L.movedim(a[None], source=0, destination=2)),
    ("diag", lambda L, a: L.diag(a, diagonal=1)),
    ("diag_embed", lambda L, a: L.diag_embed(a, offset=0, dim1=-2, dim2=-1)),
    ("rot90", lambda L, a: L.rot90(a, k=1, dims=(0,1))),
    ("scatter", lambda L, a: L.scatter(a, dim=1, index=L.tensor([[0],[1],[2]]), src=a[:, :1])),
    ("scatter reduce", lambda L, a: L.scatter(a, 1, L.tensor([[0],[1],[2]]), a[:, :1], reduce="add")),
    ("index_add", lambda L, a: L.index_add(a, dim=0, index=L.tensor([0,0]), source=a[:2], alpha=2)),
    ("masked_fill", lambda L, a: L.masked_fill(a, a > 0, value=1.0)),
    ("polar", lambda L, a: L.polar(L.abs(a), a).real),
    ("xlogy", lambda L, a: L.xlogy(L.abs(a), L.abs(a))),
    ("clip_", lambda L, a: L.clip(a, min=-0.1)),
    ("full_like", lambda L, a: L.full_like(a, fill_value=2.0)),
    ("zeros_like dtype", lambda L, a: L.zeros_like(a, dtype=L.float32)),
    ("arange", lambda L, a: L.arange(start=1, end=7, step=2)),
    ("linspace", lambda L, a: L.linspace(start=0, end=1, steps=5, dtype=L.float64)),
    ("eye m", lambda L, a: L.eye(n=2, m=3, dtype=L.float64)),
    ("meshgrid", lambda L, a: L.meshgrid(a[0], a[1], indexing="xy")[0]),
    ("broadcast_tensors", lambda L, a: L.broadcast_tensors(a, a[0])[1]),
    ("atleast_2d", lambda L, a: L.atleast_2d(a[0])),
    ("vstack", lambda L, a: L.vstack([a, a])),
    ("column_stack", lambda L, a: L.column_stack([a[0], a[1]])),
    ("cosine_similarity", lambda L, a: L.nn.functional.cosine_similarity(a, a+1, dim=0, eps=1e-8)),
]
# torch keywords tapegrad does not take yet (reported to the lead)
KW_GAPS: dict = {}


@pytest.mark.parametrize("name,f", KW_CALLS, ids=[c[0] for c in KW_CALLS])
def test_torch_keyword_spelling(name, f):
    if name in KW_GAPS:
        with pytest.raises(TypeError):
            f(tg, tg.tensor(KX))
        pytest.xfail(KW_GAPS[name])
    ref = f(torch, torch.tensor(KX))
    out = f(tg, tg.tensor(KX))
    _same(out, ref, name, atol=1e-8)


# ---- dtype promotion of mixed operands ---------------------------------------------
PDT = [np.bool_, np.uint8, np.int8, np.int32, np.int64, np.float16, np.float32, np.float64]


@pytest.mark.parametrize("op", ["add", "mul", "div", "maximum"])
@pytest.mark.parametrize("a", PDT, ids=[d.__name__ for d in PDT])
def test_promotion_table(op, a):
    for b in PDT:
        x, y = np.array([1, 0], dtype=a), np.array([1, 1], dtype=b)
        ref = getattr(torch, op)(torch.tensor(x), torch.tensor(y)).numpy().dtype
        out = getattr(tg, op)(tg.tensor(x), tg.tensor(y)).dtype
        # (int32/int64 with float16 is float16, as torch: NumPy's float64 is not kept)
        assert out == ref, (op, a.__name__, b.__name__, out, ref)


@pytest.mark.parametrize("scalar", [2, 2.5, True], ids=["int", "float", "bool"])
@pytest.mark.parametrize("op", ["add", "mul", "div"])
def test_promotion_with_python_scalars(op, scalar):
    for a in PDT:
        x = np.array([1, 0], dtype=a)
        try:
            ref = getattr(torch, op)(torch.tensor(x), scalar).numpy().dtype
        except RuntimeError:
            continue
        assert getattr(tg, op)(tg.tensor(x), scalar).dtype == ref, (op, a.__name__, scalar)


# ---- second order: create_graph, tg.hessian and jacobians against torch ------------
SECOND = [
    ("tanh*sin", lambda T, a: (T.tanh(a) * T.sin(a)).sum()),
    ("logsumexp", lambda T, a: T.logsumexp(a, 1).sum()),
    ("softmax", lambda T, a: (T.softmax(a, -1) ** 2).sum()),
    ("norm", lambda T, a: (a * a).sum().sqrt()),
    ("matmul", lambda T, a: (a @ a.T).exp().sum()),
    ("prod", lambda T, a: a.prod(1).sum()),
    ("std", lambda T, a: a.std(1).sum()),
]


@pytest.mark.parametrize("name,f", SECOND, ids=[s[0] for s in SECOND])
def test_second_order(name, f):
    a = R.uniform(0.3, 1.2, (2, 3))
    p = torch.tensor(a, requires_grad=True)
    (gp,) = torch.autograd.grad(f(torch, p), p, create_graph=True)
    (hp,) = torch.autograd.grad((gp * torch.tensor(U[:2, :3])).sum(), p)
    x = tg.tensor(a, requires_grad=True)
    (gx,) = tg.autograd.grad(f(tg, x), x, create_graph=True)
    (hx,) = tg.autograd.grad((gx * tg.tensor(U[:2, :3])).sum(), x)
    _same(gx, gp, name + " grad", atol=1e-9)
    _same(hx, hp, name + " hvp", atol=1e-8)
    h = tg.hessian(lambda v: f(tg, v))(tg.tensor(a))
    ht = torch.autograd.functional.hessian(lambda v: f(torch, v), torch.tensor(a))
    _same(h, ht, name + " hessian", atol=1e-8)
    jf = tg.jacfwd(lambda v: tg.tanh(v) * v.sum())(tg.tensor(a))
    jt = torch.autograd.functional.jacobian(lambda v: torch.tanh(v) * v.sum(), torch.tensor(a))
    _same(jf, jt, "jacfwd", atol=1e-10)
