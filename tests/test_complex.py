"""Complex tensors: PyTorch's convention (z.grad = dL/dx + i dL/dy for a real loss L)
checked against torch in complex128 for each op (values, gradients, second order), the
real inner-product identity <vjp(u), v> = <u, jvp(v)> on each op, holomorphic
derivatives (JAX's holomorphic=True), the real-part rule, optimizers and the errors."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

torch = pytest.importorskip("torch")

Z = np.array([0.7 + 0.4j, -0.6 + 1.1j, 1.3 - 0.5j, 0.4 - 0.9j])
W = np.array([-0.3 + 0.8j, 1.2 + 0.2j, -0.7 - 0.6j, 0.9 + 0.5j])
A = (np.arange(6).reshape(2, 3) * 0.3 - 0.7) + 1j * np.linspace(-1.0, 1.0, 6).reshape(2, 3)
B = A.T[::-1].copy() * (0.5 - 0.3j)


def _np(t):
    """A torch tensor's values (torch marks conj() results lazily)."""
    return t.detach().resolve_conj().numpy()


def _rdot(a, b):
    """The real inner product Re(sum(conj(a) b))."""
    return float(np.real(np.vdot(np.asarray(a), np.asarray(b))))


# (name, f(m, *zs) with complex outputs, inputs); m is tg or torch
COMPLEX_OPS = [
    ("mul", lambda m, z, w: z * w, (Z, W)),
    ("div", lambda m, z, w: z / w, (Z, W)),
    ("add_sub", lambda m, z, w: z + 2 * w - z * 1j, (Z, W)),
    ("pow", lambda m, z, w: z ** 3 + z ** 2.5, (Z, W)),
    ("pow_complex_exponent", lambda m, z, w: z ** w, (Z, W)),
    ("exp", lambda m, z, w: m.exp(z), (Z, W)),
    ("log", lambda m, z, w: m.log(z), (Z, W)),
    ("sqrt", lambda m, z, w: m.sqrt(z), (Z, W)),
    ("sin_cos", lambda m, z, w: m.sin(z) * m.cos(w), (Z, W)),
    ("tan_tanh", lambda m, z, w: m.tan(z) + m.tanh(w), (Z, W)),
    ("sigmoid", lambda m, z, w: m.sigmoid(z * w), (Z, W)),
    ("sinh_cosh", lambda m, z, w: m.sinh(z) - m.cosh(w), (Z, W)),
    ("reciprocal_square", lambda m, z, w: 1 / z + m.square(w), (Z, W)),
    ("conj", lambda m, z, w: m.conj(z) * w, (Z, W)),
    ("sum_mean", lambda m, z, w: m.sum(z * w) + m.mean(z), (Z, W)),
    ("prod", lambda m, z, w: m.prod(z), (Z, W)),
    ("cumsum_cumprod", lambda m, z, w: m.cumsum(z, 0) * m.cumprod(w, 0), (Z, W)),
    ("matmul", lambda m, a, b: a @ b, (A, B)),
    ("einsum", lambda m, a, b: m.einsum("ij,jk->ik", a, b), (A, B)),
    ("transpose_reshape", lambda m, a, b: (a.T.reshape(2, 3) * b.reshape(2, 3)), (A, B)),
    ("getitem_stack_cat", lambda m, z, w: m.cat([m.stack([z[1:], w[:-1]], 0).reshape(-1),
                                                  z[::2]], 0), (Z, W)),
    ("where", lambda m, z, w: m.where(m.tensor([True, False, True, False]), z, w),
     (Z, W)),
]

# real-valued functions of complex inputs (losses)
REAL_FNS = [
    ("abs", lambda m, z, w: m.abs(z * w)),
    ("angle", lambda m, z, w: m.angle(z / w)),
    ("real_imag", lambda m, z, w: m.real(z * z) * m.imag(w)),
    ("abs_exp_log", lambda m, z, w: m.abs(m.exp(z) + m.log(w))),
]


def _tg(a):
    return tg.tensor(a, requires_grad=True)


def _torch(a):
    return torch.tensor(a, requires_grad=True)


def _loss(m, f, zs, weights):
    """A real loss that reads both parts of a complex result."""
    out = f(m, *zs)
    if out.is_complex():
        wr, wi = weights
        return m.sum(m.real(out) * m.tensor(wr[:out.numel()].reshape(out.shape)) +
                     m.imag(out) * m.tensor(wi[:out.numel()].reshape(out.shape)))
    return m.sum(out * m.tensor(weights[0][:out.numel()].reshape(out.shape)))


_WEIGHTS = (np.linspace(0.5, 1.5, 9), np.linspace(-1.0, 0.7, 9))


@pytest.mark.parametrize("name,f", [(n, f) for n, f, _ in COMPLEX_OPS] + REAL_FNS,
                         ids=[n for n, *_ in COMPLEX_OPS] + [n for n, _ in REAL_FNS])
def test_values_gradients_and_second_order_match_torch(name, f):
    inputs = next((i for n, _, i in COMPLEX_OPS if n == name), (Z, W))
    zs = [_tg(a) for a in inputs]
    ts = [_torch(a) for a in inputs]
    np.testing.assert_allclose(f(tg, *zs).detach().numpy(), _np(f(torch, *ts)),
                               rtol=1e-12, atol=1e-12)
    L = _loss(tg, f, zs, _WEIGHTS)
    Lt = _loss(torch, f, ts, _WEIGHTS)
    gs = tg.autograd.grad(L, zs, create_graph=True, allow_unused=True)
    gts = torch.autograd.grad(Lt, ts, create_graph=True, allow_unused=True)
    assert [g is None for g in gs] == [g is None for g in gts]
    gs = [g for g in gs if g is not None]
    gts = [g for g in gts if g is not None]
    for g, gt in zip(gs, gts):
        assert g.dtype == tg.complex128
        np.testing.assert_allclose(g.detach().numpy(), _np(gt), rtol=1e-10,
                                   atol=1e-12)
    if not any(g.requires_grad for g in gts):
        return                          # a linear op: its gradient is constant
    # second order: the gradient of a real function of the gradient
    hs = tg.autograd.grad(sum(tg.abs(g).sum() for g in gs), zs, allow_unused=True)
    hts = torch.autograd.grad(sum(g.abs().sum() for g in gts), ts, allow_unused=True)
    for h, ht in zip(hs, hts):
        if ht is None:
            assert h is None or np.allclose(h.numpy(), 0)
        else:
            np.testing.assert_allclose(h.numpy(), _np(ht), rtol=1e-9, atol=1e-11)


@pytest.mark.parametrize("name,f,inputs", COMPLEX_OPS, ids=[n for n, *_ in COMPLEX_OPS])
def test_vjp_and_jvp_agree_in_the_real_inner_product(name, f, inputs):
    rng = np.random.default_rng(3)
    zs = [tg.tensor(a) for a in inputs]
    out, pull = tg.vjp(lambda *a: f(tg, *a), *zs)
    shape = out.shape
    u = rng.standard_normal(shape) + 1j * rng.standard_normal(shape)
    vs = [rng.standard_normal(a.shape) + 1j * rng.standard_normal(a.shape) for a in inputs]
    gs = pull(tg.tensor(u))
    _, dout = tg.jvp(lambda *a: f(tg, *a), tuple(zs), tuple(tg.tensor(v) for v in vs))
    lhs = sum(_rdot(g.numpy(), v) for g, v in zip(gs, vs))
    rhs = _rdot(u, dout.numpy())
    assert np.isclose(lhs, rhs, rtol=1e-10, atol=1e-12), (lhs, rhs)


@pytest.mark.parametrize("name,f", REAL_FNS, ids=[n for n, _ in REAL_FNS])
def test_vjp_and_jvp_agree_for_real_valued_ops(name, f):
    rng = np.random.default_rng(4)
    zs = [tg.tensor(a) for a in (Z, W)]
    out, pull = tg.vjp(lambda *a: f(tg, *a), *zs)
    u = rng.standard_normal(out.shape)
    vs = [rng.standard_normal(Z.shape) + 1j * rng.standard_normal(Z.shape) for _ in zs]
    gs = pull(tg.tensor(u))
    _, dout = tg.jvp(lambda *a: f(tg, *a), tuple(zs), tuple(tg.tensor(v) for v in vs))
    assert dout.dtype == tg.float64
    assert np.isclose(sum(_rdot(g.numpy(), v) for g, v in zip(gs, vs)), _rdot(u, dout.numpy()),
                      rtol=1e-10)


def test_gradient_is_dL_dx_plus_i_dL_dy_by_finite_differences():
    def loss(z):
        return float(np.sum(np.abs(np.exp(z) * z - 1j) ** 2 + np.angle(z * z + 2)))
    z = _tg(Z)
    (tg.abs(tg.exp(z) * z - 1j) ** 2 + tg.angle(z * z + 2)).sum().backward()
    eps = 1e-6
    fd = np.array([(loss(Z + eps * e) - loss(Z - eps * e)) / (2 * eps)
                   + 1j * (loss(Z + 1j * eps * e) - loss(Z - 1j * eps * e)) / (2 * eps)
                   for e in np.eye(len(Z))])
    np.testing.assert_allclose(z.grad.numpy(), fd, rtol=1e-7, atol=1e-8)


def test_descending_along_the_gradient_lowers_the_loss():
    z = _tg(Z)
    loss = (tg.abs(z * z - 1.0) ** 2).sum()
    loss.backward()
    with tg.no_grad():
        z2 = z - 0.01 * z.grad
    assert float((tg.abs(z2 * z2 - 1.0) ** 2).sum()) < float(loss)


def test_abs_and_angle_gradients_are_zero_at_zero():
    z = _tg(np.array([0j, 3 + 4j]))
    (tg.abs(z) + tg.angle(z)).sum().backward()
    t = _torch(np.array([0j, 3 + 4j]))
    (t.abs() + t.angle()).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), _np(t.grad))
    assert z.grad.numpy()[0] == 0


# ------------------------------------------------------------------ real meets complex

def test_real_input_takes_the_real_part_of_its_gradient():
    x = tg.tensor([0.5, -1.2, 2.0], dtype=tg.float64, requires_grad=True)
    c = tg.tensor(W[:3])
    y = tg.exp(x)                       # a real node between the leaf and the complex op
    tg.abs(y * c + x * 1j).sum().backward()
    xt = torch.tensor([0.5, -1.2, 2.0], dtype=torch.float64, requires_grad=True)
    torch.abs(torch.exp(xt) * torch.tensor(W[:3]) + xt * 1j).sum().backward()
    assert x.grad.dtype == tg.float64
    np.testing.assert_allclose(x.grad.numpy(), _np(xt.grad), rtol=1e-12)


def test_complex_builds_from_parts_and_polar():
    re = tg.tensor([0.5, -1.0], dtype=tg.float64, requires_grad=True)
    im = tg.tensor([2.0, 0.3], dtype=tg.float64, requires_grad=True)
    z = tg.complex(re, im)
    assert z.dtype == tg.complex128
    (tg.abs(z * z + 1j) + tg.angle(tg.polar(re.abs() + 0.1, im))).sum().backward()
    ret = torch.tensor([0.5, -1.0], dtype=torch.float64, requires_grad=True)
    imt = torch.tensor([2.0, 0.3], dtype=torch.float64, requires_grad=True)
    zt = torch.complex(ret, imt)
    (torch.abs(zt * zt + 1j) + torch.angle(torch.polar(ret.abs() + 0.1, imt))).sum().backward()
    np.testing.assert_allclose(re.grad.numpy(), _np(ret.grad), rtol=1e-12)
    np.testing.assert_allclose(im.grad.numpy(), _np(imt.grad), rtol=1e-12)
    assert tg.complex(tg.tensor([1.0]), tg.tensor([np.inf])).numpy()[0] == complex(1, np.inf)


def test_view_as_real_and_view_as_complex_round_trip_with_gradients():
    z = _tg(Z)
    r = tg.view_as_real(z)
    np.testing.assert_array_equal(r.numpy(), torch.view_as_real(torch.tensor(Z)).numpy())
    back = tg.view_as_complex(r * 2.0)
    (tg.abs(back) ** 2).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), 8 * Z)


def test_complex64_keeps_its_precision_and_grad_dtype():
    z = tg.tensor(Z.astype(np.complex64), requires_grad=True)
    y = tg.abs(tg.exp(z) * z).sum()
    assert y.dtype == tg.float32
    y.backward()
    assert z.grad.dtype == tg.complex64
    x = tg.tensor([1.0, 2.0], requires_grad=True)           # float32 meeting complex64
    tg.abs(x * tg.tensor(W[:2].astype(np.complex64))).sum().backward()
    assert x.grad.dtype == tg.float32


# ------------------------------------------------------------------ holomorphic

@pytest.mark.parametrize("f,df", [
    (lambda z: z ** 3, lambda z: 3 * z ** 2),
    (lambda z: tg.exp(z) * tg.sin(z), lambda z: np.exp(z) * (np.sin(z) + np.cos(z))),
    (lambda z: 1 / z + tg.log(z), lambda z: -1 / z ** 2 + 1 / z),
], ids=["cube", "exp_sin", "inverse_log"])
def test_holomorphic_grad_is_the_complex_derivative(f, df):
    for z0 in Z:
        g = tg.grad(f, holomorphic=True)(tg.tensor(z0))
        np.testing.assert_allclose(g.numpy(), df(z0), rtol=1e-12)
    v, g = tg.value_and_grad(f, holomorphic=True)(tg.tensor(Z[0]))
    np.testing.assert_allclose(g.numpy(), df(Z[0]), rtol=1e-12)
    zs = tg.tensor(Z)
    for jac in (tg.jacrev, tg.jacfwd):
        np.testing.assert_allclose(jac(f, holomorphic=True)(zs).numpy(), np.diag(df(Z)),
                                   rtol=1e-12, atol=1e-14)


def test_holomorphic_second_derivative():
    g2 = tg.grad(tg.grad(lambda z: z ** 4, holomorphic=True), holomorphic=True)
    np.testing.assert_allclose(g2(tg.tensor(Z[1])).numpy(), 12 * Z[1] ** 2, rtol=1e-12)


def test_jax_and_autograd_return_the_conjugate():
    ag = pytest.importorskip("autograd")
    anp = pytest.importorskip("autograd.numpy")

    def f_ag(z):
        return anp.sum(anp.abs(anp.exp(z) * z) ** 2)

    def f_tg(z):
        return (tg.abs(tg.exp(z) * z) ** 2).sum()
    np.testing.assert_allclose(ag.grad(f_ag)(Z), np.conj(tg.grad(f_tg)(tg.tensor(Z)).numpy()),
                               rtol=1e-12)


# ------------------------------------------------------------------ optimizers

@pytest.mark.parametrize("opt,kw", [("SGD", dict(lr=0.05, momentum=0.9)),
                                    ("Adam", dict(lr=0.05)), ("AdamW", dict(lr=0.05))])
def test_optimizers_step_complex_parameters_as_torch(opt, kw):
    z = _tg(Z)
    t = _torch(Z)
    o = getattr(tg.optim, opt)([z], **kw)
    ot = getattr(torch.optim, opt)([t], **kw)
    for _ in range(4):
        o.zero_grad()
        (tg.abs(z * z - 1j) ** 2).sum().backward()
        o.step()
        ot.zero_grad()
        (torch.abs(t * t - 1j) ** 2).sum().backward()
        ot.step()
    np.testing.assert_allclose(z.detach().numpy(), _np(t), rtol=1e-12)


# ------------------------------------------------------------------ front ends

def test_tensor_methods_and_numpy_names():
    z = tg.tensor(Z)
    assert z.is_complex() and tg.is_complex(z) and not tg.tensor([1.0]).is_complex()
    np.testing.assert_array_equal(z.real.numpy(), Z.real)
    np.testing.assert_array_equal(z.imag.numpy(), Z.imag)
    np.testing.assert_array_equal(z.conj().numpy(), Z.conj())
    np.testing.assert_array_equal(z.angle().numpy(), np.angle(Z))
    np.testing.assert_array_equal(z.abs().numpy(), np.abs(Z))
    np.testing.assert_array_equal(abs(z).numpy(), np.abs(Z))
    for fn in (tnp.real, tnp.imag, tnp.conj, tnp.conjugate, tnp.angle, tnp.abs,
               tnp.absolute):
        np.testing.assert_array_equal(fn(z).numpy(), getattr(np, fn.__name__)(Z))
    np.testing.assert_allclose(tnp.angle(z, deg=True).numpy(), np.angle(Z, deg=True))
    assert tnp.iscomplexobj(z) and not tnp.iscomplexobj(tg.tensor([1.0]))
    for fn in (np.conj, np.abs, np.real, np.imag, np.angle):
        got = fn(z)
        assert isinstance(got, tg.Tensor)
        np.testing.assert_array_equal(got.numpy(), fn(Z))
    x = tg.tensor([1.0, -2.0])
    assert tg.real(x) is x and tg.conj(x) is x
    np.testing.assert_array_equal(tg.imag(x).numpy(), [0.0, 0.0])


def test_tensor_parts_carry_gradients():
    z = _tg(Z)
    (z.real * 2 + z.imag * 3 + z.conj().real).sum().backward()
    np.testing.assert_allclose(z.grad.numpy(), np.full(4, 3 + 3j))


def test_graph_mode_and_tapes_follow_the_convention():
    f = tg.function(lambda z, w: (tg.abs(z * w) ** 2).sum())
    for _ in range(2):
        z = _tg(Z)
        f(z, tg.tensor(W)).backward()
        np.testing.assert_allclose(z.grad.numpy(), 2 * Z * np.abs(W) ** 2, rtol=1e-12)
    v = tg.Variable(Z)
    with tg.GradientTape() as tape:
        y = (tg.abs(v * tg.tensor(W)) ** 2).sum()
    np.testing.assert_allclose(tape.gradient(y, v).numpy(), 2 * Z * np.abs(W) ** 2,
                               rtol=1e-12)


# ------------------------------------------------------------------ errors

def test_complex_output_needs_an_explicit_gradient():
    z = _tg(Z)
    with pytest.raises(RuntimeError, match="only for real scalar outputs"):
        (z * z).sum().backward()
    y = z * z
    y.backward(tg.tensor(np.ones(4, complex)))
    np.testing.assert_allclose(z.grad.numpy(), 2 * Z.conj())
    with pytest.raises(TypeError, match="must be a real tensor"):
        tg.abs(_tg(Z)).backward(tg.tensor(np.ones(4, complex)))


def test_grad_of_a_complex_output_asks_for_holomorphic():
    with pytest.raises(TypeError, match="holomorphic=True"):
        tg.grad(lambda z: z * z)(tg.tensor(Z[0]))
    with pytest.raises(TypeError, match="complex dtype"):
        tg.grad(lambda z: z * z, holomorphic=True)(tg.tensor(1.0, dtype=tg.float64))
    with pytest.raises(TypeError, match="real-valued inputs"):
        tg.jacfwd(lambda z: z * z)(tg.tensor(Z))
    with pytest.raises(TypeError, match="real-valued outputs"):
        tg.jacrev(lambda z: z * z)(tg.tensor(Z))


@pytest.mark.parametrize("fn", [
    lambda z: tg.maximum(z, z * 2), lambda z: tg.relu(z), lambda z: tg.clip(z, 0, 1),
    lambda z: tg.amax(z), lambda z: tg.softplus(z), lambda z: tg.sign(z),
], ids=["maximum", "relu", "clip", "amax", "softplus", "sign"])
def test_ops_undefined_on_complex_refuse_to_differentiate(fn):
    with pytest.raises(TypeError, match="complex128"):
        fn(_tg(Z))


def test_floor_refuses_complex():
    with pytest.raises(TypeError, match="floor"):
        tg.floor(_tg(Z))


def test_ordering_comparisons_refuse_complex_but_equality_works():
    z = tg.tensor(Z)
    with pytest.raises(TypeError, match="gt: complex tensors are not supported"):
        z > 0
    with pytest.raises(TypeError, match="le: complex"):
        tg.tensor([1.0]) <= tg.tensor([1j])
    np.testing.assert_array_equal((z == z).numpy(), [True] * 4)


def test_second_order_through_a_real_to_complex_cast_stays_real():
    """|cast(x) * (1+2j)|^2 = 5 x^2: the Hessian is 10 I. The cast's rule records a cast
    of the real part, whose own rule must send a real cotangent back (no ComplexWarning,
    no imaginary part dropped)."""
    import warnings
    rng = np.random.default_rng(3)
    x = tg.tensor(rng.standard_normal(4), requires_grad=True)
    w = tg.tensor(rng.standard_normal(4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = tg.cast(x, "complex128") * (1 + 2j)
        g, = tg.autograd.grad((tg.abs(y) ** 2).sum(), x, create_graph=True)
        h, = tg.autograd.grad((g * w).sum(), x)
    assert h.dtype == np.float64
    np.testing.assert_allclose(g.numpy(), 10 * x.numpy())
    np.testing.assert_allclose(h.numpy(), 10 * w.numpy())
