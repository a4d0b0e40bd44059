"""tg.fft and tnp.fft: values against numpy.fft and torch.fft (float64/complex128, every
norm, n/s cropping and padding, axes), gradients and second order against torch, JVPs
against Jacobians, batching, the frequency helpers and the argument errors."""
import doctest
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

torch = pytest.importorskip("torch")

NORMS = [None, "backward", "ortho", "forward"]
RNG = np.random.default_rng(16)
X = RNG.standard_normal((3, 4, 5))
Z = X + 1j * RNG.standard_normal((3, 4, 5))
REAL_IN = ("rfft", "ihfft", "rfft2", "rfftn")


def _input(name):
    return X if name in REAL_IN else Z


def _torch_np(t):
    return t.resolve_conj().detach().numpy()


# ------------------------------------------------------------------ values

@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_one_dimensional_transforms_match_numpy(name, norm):
    a = _input(name)
    for n in (None, 2, 4, 9):          # default, crop, crop/pad per function, pad
        for axis in (-1, 0, 1):
            want = getattr(np.fft, name)(a, n=n, axis=axis, norm=norm)
            got = getattr(tnp.fft, name)(a, n=n, axis=axis, norm=norm)
            assert got.shape == want.shape and got.dtype == want.dtype
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("norm", NORMS)
@pytest.mark.parametrize("name", ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"])
def test_one_dimensional_transforms_match_torch(name, norm):
    a = _input(name)
    for n in (None, 3, 8):
        for dim in (-1, 0):
            want = _torch_np(getattr(torch.fft, name)(torch.tensor(a), n=n, dim=dim,
                                                      norm=norm))
            got = getattr(tg.fft, name)(tg.tensor(a), n=n, dim=dim, norm=norm)
            assert got.dtype == want.dtype
            np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)


ND_ARGS = [dict(), dict(s=(3, 8)), dict(axes=(0, 2)), dict(s=(2, -1), axes=(2, 0)),
           dict(s=(4, 6, 2), axes=(0, 1, 2))]


@pytest.mark.parametrize("norm", [None, "ortho", "forward"])
@pytest.mark.parametrize("name", ["fft2", "ifft2", "fftn", "ifftn", "rfft2", "irfft2",
                                  "rfftn", "irfftn"])
def test_multi_dimensional_transforms_match_numpy_and_torch(name, norm):
    a = _input(name)
    for kw in ND_ARGS:
        axes = kw.get("axes")
        if name.endswith("2") and len(axes or kw.get("s") or (0, 0)) != 2:
            continue
        if name.startswith("irfft") and -1 in kw.get("s", ()):
            continue
        with warnings.catch_warnings():     # NumPy 2 deprecates s without axes
            warnings.simplefilter("ignore", DeprecationWarning)
            want = getattr(np.fft, name)(a, norm=norm, **kw)
        got = getattr(tnp.fft, name)(a, norm=norm, **kw)
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-12, atol=1e-12)
        tkw = {("dim" if k == "axes" else k): v for k, v in kw.items()}
        want_t = _torch_np(getattr(torch.fft, name)(torch.tensor(a), norm=norm, **tkw))
        got_t = getattr(tg.fft, name)(tg.tensor(a), norm=norm, **tkw)
        np.testing.assert_allclose(got_t.numpy(), want_t, rtol=1e-12, atol=1e-12)


def test_numpy_repeated_axes_transform_twice():
    got = tnp.fft.fftn(Z, axes=(1, 1), s=(3, 6))
    np.testing.assert_allclose(got.numpy(), np.fft.fftn(Z, axes=(1, 1), s=(3, 6)),
                               atol=1e-12)


def test_dtypes_follow_torch_and_numpy():
    x32 = np.arange(4, dtype=np.float32)
    assert tg.fft.fft(x32).dtype == np.complex64
    assert tg.fft.rfft(x32).dtype == np.complex64
    assert tg.fft.irfft(tg.fft.rfft(x32)).dtype == np.float32
    assert tg.fft.fft(tg.tensor([1, 2, 3])).dtype == np.complex64     # torch's default
    assert tnp.fft.fft([1, 2, 3]).dtype == np.complex128              # NumPy's
    np.testing.assert_allclose(tnp.fft.fft([1, 2, 3]).numpy(), np.fft.fft([1, 2, 3]))
    assert tnp.fft.fft(np.zeros((0, 3))).shape == (0, 3)


def test_round_trips_and_norms():
    x = tg.tensor(X)
    for norm in NORMS:
        back = tg.fft.ifftn(tg.fft.fftn(x, norm=norm), norm=norm)
        np.testing.assert_allclose(back.numpy(), X, atol=1e-12)
        back = tg.fft.irfftn(tg.fft.rfftn(x, norm=norm), s=X.shape, norm=norm)
        np.testing.assert_allclose(back.numpy(), X, atol=1e-12)
    # ortho is unitary: Parseval
    y = tg.fft.fft(x, norm="ortho")
    np.testing.assert_allclose((np.abs(y.numpy()) ** 2).sum(), (X ** 2).sum())


def test_shifts_and_frequencies():
    for axes in (None, 0, (0, 2), [-1]):
        np.testing.assert_array_equal(tnp.fft.fftshift(X, axes=axes).numpy(),
                                      np.fft.fftshift(X, axes=axes))
        np.testing.assert_array_equal(tnp.fft.ifftshift(X, axes=axes).numpy(),
                                      np.fft.ifftshift(X, axes=axes))
    np.testing.assert_array_equal(tg.fft.fftshift(tg.tensor(X), dim=(1,)).numpy(),
                                  torch.fft.fftshift(torch.tensor(X), dim=(1,)).numpy())
    np.testing.assert_array_equal(tg.fft.ifftshift(tg.tensor(X)).numpy(),
                                  torch.fft.ifftshift(torch.tensor(X)).numpy())
    for n, d in ((1, 1.0), (5, 0.3), (8, 2)):
        np.testing.assert_allclose(tnp.fft.fftfreq(n, d).numpy(), np.fft.fftfreq(n, d))
        np.testing.assert_allclose(tnp.fft.rfftfreq(n, d).numpy(), np.fft.rfftfreq(n, d))
        assert tnp.fft.fftfreq(n, d).dtype == np.float64
        t = tg.fft.fftfreq(n, d)
        assert t.dtype == np.float32 and not t.requires_grad
        np.testing.assert_allclose(t.numpy(), torch.fft.fftfreq(n, d).numpy())
        np.testing.assert_allclose(tg.fft.rfftfreq(n, d, dtype="float64").numpy(),
                                   torch.fft.rfftfreq(n, d, dtype=torch.float64).numpy())
    assert tg.fft.fftfreq(3, requires_grad=True).requires_grad


def test_fftshift_is_differentiable():
    x = tg.tensor(X, requires_grad=True)
    w = RNG.standard_normal(X.shape)
    (tg.fft.fftshift(x, dim=(0, 2)) * w).sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), np.fft.ifftshift(w, axes=(0, 2)))


# ------------------------------------------------------------------ gradients vs torch

def _loss_pair(name, kw, a, weights):
    """The same real loss of `name(a)` in tapegrad and torch: a weighted |y|^2 plus
    weighted real and imaginary parts (real y: weighted y^2 and y)."""
    w1, w2, w3 = weights

    def tg_loss(x):
        y = getattr(tg.fft, name)(x, **kw)
        if y.dtype.kind == "c":
            return (tg.abs(y) ** 2 * w1 + y.real * w2 + y.imag * w3).sum()
        return (y ** 2 * w1 + y * w2).sum()

    def torch_loss(x):
        y = getattr(torch.fft, name)(x, **kw)
        if y.is_complex():
            return (y.abs() ** 2 * torch.tensor(w1) + y.real * torch.tensor(w2)
                    + y.imag * torch.tensor(w3)).sum()
        return (y ** 2 * torch.tensor(w1) + y * torch.tensor(w2)).sum()
    return tg_loss, torch_loss


GRAD_CASES = [
    ("fft", dict()), ("fft", dict(n=7, dim=0, norm="ortho")),
    ("ifft", dict(n=3, norm="forward")), ("rfft", dict()), ("rfft", dict(n=8, dim=1)),
    ("rfft", dict(n=4, norm="forward")), ("irfft", dict()), ("irfft", dict(n=5, dim=0)),
    ("irfft", dict(n=9, norm="ortho")), ("fft2", dict(s=(2, 6))),
    ("ifftn", dict(dim=(0, 2), norm="ortho")), ("rfftn", dict()),
    ("rfft2", dict(s=(5, 3), norm="forward")), ("irfftn", dict(dim=(0, 1))),
    ("irfft2", dict(s=(3, 7))), ("hfft", dict(n=6)), ("ihfft", dict(norm="ortho")),
]


@pytest.mark.parametrize("complex_input", [False, True])
@pytest.mark.parametrize("name,kw", GRAD_CASES,
                         ids=[f"{n}-{i}" for i, (n, _) in enumerate(GRAD_CASES)])
def test_gradients_and_second_order_match_torch(name, kw, complex_input):
    if complex_input and name in REAL_IN:
        pytest.skip("real-input transform")
    a = Z if complex_input else X
    out_shape = getattr(torch.fft, name)(torch.tensor(a), **kw).shape
    weights = [RNG.standard_normal(tuple(out_shape)) for _ in range(3)]
    tg_loss, torch_loss = _loss_pair(name, kw, a, weights)

    xt = torch.tensor(a, requires_grad=True)
    (gt,) = torch.autograd.grad(torch_loss(xt), xt, create_graph=True)
    v = RNG.standard_normal(a.shape) + (1j * RNG.standard_normal(a.shape)
                                        if complex_input else 0)
    # second order: the gradient of the real part of <v, grad>
    (hvt,) = torch.autograd.grad((gt * torch.tensor(v).conj()).real.sum(), xt)

    x = tg.tensor(a, requires_grad=True)
    (g,) = tg.autograd.grad(tg_loss(x), x, create_graph=True)
    assert g.dtype == a.dtype
    np.testing.assert_allclose(g.numpy(), _torch_np(gt), rtol=1e-9, atol=1e-9)
    inner = g * np.conj(v)
    (hv,) = tg.autograd.grad((inner.real if complex_input else inner).sum(), x)
    np.testing.assert_allclose(hv.numpy(), _torch_np(hvt), rtol=1e-9, atol=1e-9)


def test_numpy_front_gradient_matches_analytic():
    # L = |y|^2 over the kept bins y = P F x (F unitary): dL/dx = 2 Re(F^H P^T y)
    x = tnp.array(X[0, 0, :4])
    g = tg.grad(lambda x: tnp.sum(tnp.abs(tnp.fft.rfft(x, norm="ortho")) ** 2))(x)
    y = np.fft.fft(X[0, 0, :4], norm="ortho")[:3]
    want = 2 * np.real(np.fft.ifft(np.concatenate([y, [0]]), norm="ortho"))
    np.testing.assert_allclose(g.numpy(), want, atol=1e-12)


# ------------------------------------------------------------------ forward mode, batching

def _real_view(name, kw):
    """A real-to-real function through `name`: real and imaginary parts side by side."""
    def f(x):
        y = getattr(tg.fft, name)(x, **kw)
        return tg.stack([y.real, y.imag]) if y.dtype.kind == "c" else y
    return f


@pytest.mark.parametrize("name,kw", [("fft", dict(n=6)), ("rfft", dict(dim=0)),
                                     ("irfft", dict(n=7)), ("rfftn", dict(s=(2, 3))),
                                     ("hfft", dict()), ("ifft2", dict(norm="ortho"))])
def test_jvp_matches_the_jacobian_and_batches(name, kw):
    a = X[0, :3, :4]
    f = _real_view(name, kw)
    x = tg.tensor(a)
    jf = tg.jacfwd(f)(x).numpy()
    jr = tg.jacrev(f)(x).numpy()
    np.testing.assert_allclose(jf, jr, atol=1e-12)
    u = RNG.standard_normal(a.shape)
    _, dout = tg.jvp(f, (x,), (tg.tensor(u),))
    np.testing.assert_allclose(dout.numpy(), np.tensordot(jf, u, axes=2), atol=1e-12)
    # vmap over a leading axis equals the loop
    xs = tg.tensor(X[:, :3, :4])
    batched = tg.vmap(f)(xs).numpy()
    for i in range(3):
        np.testing.assert_allclose(batched[i], f(tg.tensor(X[i, :3, :4])).numpy(),
                                   atol=1e-12)


# ------------------------------------------------------------------ errors

def test_errors_name_the_function_and_argument():
    x = tg.tensor(X)
    with pytest.raises(ValueError, match=r"fft\.fft: norm must be .*'bad'"):
        tg.fft.fft(x, norm="bad")
    with pytest.raises(ValueError, match=r"numpy\.fft\.rfft: norm"):
        tnp.fft.rfft(X, norm="Ortho")
    with pytest.raises(ValueError, match=r"fft\.fft: n must be at least 1, got 0"):
        tg.fft.fft(x, n=0)
    with pytest.raises(ValueError, match=r"numpy\.fft\.fftn: s must be at least 1"):
        tnp.fft.fftn(X, s=(2, -3))
    with pytest.raises(ValueError, match=r"fft\.irfft: n must be at least 1"):
        tg.fft.irfft(tg.tensor([1.0 + 0j]))               # 2 * (1 - 1) points
    with pytest.raises(np.exceptions.AxisError, match=r"fft\.fft: dim 3 is out of range"):
        tg.fft.fft(x, dim=3)
    with pytest.raises(np.exceptions.AxisError, match=r"numpy\.fft\.fft2: axes -4"):
        tnp.fft.fft2(X, axes=(-4, 0))
    with pytest.raises(IndexError):                           # a 0-d input has no axis
        tg.fft.fft(tg.tensor(3.0))
    with pytest.raises(TypeError, match=r"fft\.fft: dim must be an int"):
        tg.fft.fft(x, dim=1.0)
    with pytest.raises(TypeError, match=r"fft\.fft: n must be an int"):
        tg.fft.fft(x, n=2.5)
    with pytest.raises(ValueError, match=r"fft\.fftn: dim \(0, 0\) repeats an axis"):
        tg.fft.fftn(x, dim=(0, 0))
    with pytest.raises(ValueError, match=r"fft\.fft2: s \(2, 3, 4\) and dim"):
        tg.fft.fft2(x, s=(2, 3, 4))
    with pytest.raises(TypeError, match=r"fft\.rfft: the input must be real"):
        tg.fft.rfft(tg.tensor(Z))
    with pytest.raises(TypeError, match=r"numpy\.fft\.fft: out= is not supported"):
        tnp.fft.fft(X, out=np.empty(X.shape, complex))
    with pytest.raises(TypeError, match=r"fft\.fft: input must"):
        tg.fft.fft("abc")
    with pytest.raises(ValueError, match=r"numpy\.fft\.fftfreq: n must be at least 1"):
        tnp.fft.fftfreq(0)
    with pytest.raises(TypeError, match=r"fft\.fftfreq: d must be a number"):
        tg.fft.fftfreq(4, d="x")
    with pytest.raises(AttributeError, match=r"numpy.fft' has no attribute 'fht'"):
        tnp.fft.fht                                           # noqa: B018


def test_numpy_fft_functions_dispatch_on_tensors():
    t = tg.tensor(X[0])
    got = np.fft.rfft2(t, norm="ortho")
    assert isinstance(got, tg.Tensor)
    np.testing.assert_allclose(got.numpy(), np.fft.rfft2(X[0], norm="ortho"), atol=1e-12)
    np.testing.assert_array_equal(np.fft.ifftshift(t, axes=0).numpy(),
                                  np.fft.ifftshift(X[0], axes=0))


@pytest.mark.parametrize("module", [tg.fft, tnp.fft], ids=["tg.fft", "tnp.fft"])
def test_docstring_examples_run(module):
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(module, globs={"tg": tg, "tnp": tnp, "np": np})
    assert sum(len(t.examples) for t in tests) >= 20
    for t in tests:
        runner.run(t)
    assert runner.summarize(verbose=False).failed == 0
