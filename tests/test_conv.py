"""Convolution, pooling, resampling and padding layers against torch.nn in float64 with
weights copied across: outputs, every parameter gradient and the input gradient; second
order for conv2d; PyTorch's tie and NaN rules in max pooling; errors that name the
function and the argument."""
import math

import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")
F = tg.nn.functional
TF = torch.nn.functional

LAYERS = [
    ("Conv1d", (3, 4, 3), dict(padding="same", padding_mode="replicate"), (2, 3, 6), {}),
    ("Conv1d", (2, 4, 2), dict(stride=2, groups=2, bias=False), (2, 2, 7), {}),
    ("Conv2d", (3, 4, 3), dict(padding=1, padding_mode="reflect"), (2, 3, 6, 5), {}),
    ("Conv2d", (4, 6, (3, 2)), dict(padding="same", padding_mode="circular", groups=2,
                                    dilation=(2, 1)), (2, 4, 6, 5), {}),
    ("Conv2d", (4, 6, 3), dict(stride=(2, 1), padding=(0, 2), bias=False), (2, 4, 7, 5), {}),
    ("Conv2d", (2, 3, 2), dict(), (2, 5, 4), {}),                          # unbatched
    ("Conv3d", (2, 3, 2), dict(padding=1, stride=(1, 2, 1)), (2, 2, 3, 4, 3), {}),
    ("ConvTranspose2d", (4, 6, 3), dict(stride=2, padding=1, groups=2), (2, 4, 3, 4),
     dict(output_size=(6, 8))),
    ("ConvTranspose2d", (3, 2, (2, 3)), dict(stride=(2, 1), output_padding=(1, 0),
                                             dilation=(1, 2)), (2, 3, 3, 3), {}),
    ("ConvTranspose1d", (3, 2, 4), dict(stride=3, output_padding=1, dilation=2), (2, 3, 5),
     {}),
    ("MaxPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True), (2, 3, 7, 6), {}),
    ("MaxPool2d", ((2, 3),), dict(stride=1, dilation=(2, 1)), (2, 3, 7, 6), {}),
    ("MaxPool1d", (2,), dict(), (2, 3, 7), {}),
    ("AvgPool2d", (3,), dict(stride=2, padding=1, ceil_mode=True, count_include_pad=False),
     (2, 3, 7, 6), {}),
    ("AvgPool2d", (2,), dict(divisor_override=3), (2, 3, 6, 6), {}),
    ("AvgPool1d", (3,), dict(padding=1), (2, 3, 7), {}),
    ("AdaptiveAvgPool2d", ((2, None),), dict(), (2, 3, 7, 6), {}),
    ("AdaptiveAvgPool1d", (4,), dict(), (2, 3, 7), {}),
    ("AdaptiveMaxPool2d", ((3, 2),), dict(), (2, 3, 7, 6), {}),
    ("Upsample", (), dict(scale_factor=2, mode="bilinear"), (2, 3, 4, 3), {}),
    ("Upsample", (), dict(size=(5, 7), mode="bilinear", align_corners=True), (1, 2, 4, 3),
     {}),
    ("Upsample", (), dict(scale_factor=1.5), (2, 3, 4, 3), {}),
    ("Unflatten", (1, (2, 3)), dict(), (2, 6, 4), {}),
    ("Unfold", ((2, 3),), dict(padding=1, stride=(1, 2)), (2, 3, 4, 5), {}),
    ("Fold", ((4, 5), (2, 3)), dict(padding=1), (2, 18, 25), {}),
    ("ZeroPad2d", ((1, 2, 3, 0),), dict(), (2, 3, 4, 5), {}),
    ("ConstantPad1d", (2, 3.5), dict(), (2, 3, 4), {}),
    ("ReflectionPad2d", (2,), dict(), (2, 3, 4, 5), {}),
    ("ReplicationPad1d", ((1, 3),), dict(), (2, 3, 4), {}),
]


def _pair(name, args, kwargs):
    ours = getattr(tg.nn, name)(*args, **kwargs)
    theirs = getattr(torch.nn, name)(*args, **kwargs).double()
    ours.to(tg.float64)
    state = {k: torch.from_numpy(np.asarray(v.numpy(), dtype=np.float64))
             for k, v in ours.state_dict().items()}
    theirs.load_state_dict(state)         # same keys and shapes, or this raises
    return ours, theirs


@pytest.mark.parametrize("name,args,kwargs,shape,call", LAYERS,
                         ids=[f"{r[0]}-{i}" for i, r in enumerate(LAYERS)])
def test_layer_matches_torch(name, args, kwargs, shape, call):
    ours, theirs = _pair(name, args, kwargs)
    assert repr(ours) == repr(theirs)
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    xa, xb = tg.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    ya, yb = ours(xa, **call), theirs(xb, **call)
    assert tuple(ya.shape) == tuple(yb.shape)
    np.testing.assert_allclose(ya.numpy(), yb.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(tuple(yb.shape))
    (ya * tg.tensor(g)).sum().backward()
    (yb * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(xa.grad.numpy(), xb.grad.numpy(), rtol=1e-12, atol=1e-12)
    theirs_params = dict(theirs.named_parameters())
    for k, p in ours.named_parameters():
        np.testing.assert_allclose(p.grad.numpy(), theirs_params[k].grad.numpy(),
                                   rtol=1e-12, atol=1e-12, err_msg=k)


def test_parameter_shapes_init_and_state_dict_keys():
    conv = tg.nn.Conv2d(3, 8, (5, 3), groups=1)
    assert conv.weight.shape == (8, 3, 5, 3) and conv.bias.shape == (8,)
    assert list(conv.state_dict()) == ["weight", "bias"]
    bound = 1 / math.sqrt(3 * 5 * 3)
    assert np.abs(conv.weight.numpy()).max() <= bound
    assert np.abs(conv.bias.numpy()).max() <= bound
    assert np.abs(conv.weight.numpy()).max() > 0.5 * bound
    up = tg.nn.ConvTranspose2d(4, 6, 3, groups=2, bias=False)
    assert up.weight.shape == (4, 3, 3, 3) and up.bias is None
    assert list(up.state_dict()) == ["weight"]
    assert tg.nn.Conv1d(2, 4, 3, dtype=tg.float64).weight.dtype == np.float64
    assert tg.nn.Conv2d(2, 4, 3).weight.dtype == np.float32


def test_float32_stays_float32():
    x = tg.tensor(np.ones((2, 3, 8, 8), np.float32), requires_grad=True)
    w = tg.tensor(np.ones((4, 3, 3, 3), np.float32), requires_grad=True)
    y = F.max_pool2d(F.conv2d(x, w, padding=1), 2)
    y = F.avg_pool2d(F.interpolate(y, scale_factor=2, mode="bilinear"), 2)
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32


def _double_backward(lib, fn, x, w):
    """d/d(x, w) of sum(d sum(conv^2)/dx * v): a second derivative."""
    if lib is tg:
        xt, wt = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
        (gx,) = tg.autograd.grad((fn(xt, wt) ** 2).sum(), [xt], create_graph=True)
        (gx * tg.tensor(np.cos(x))).sum().backward()
        return xt.grad.numpy(), wt.grad.numpy()
    xt, wt = torch.tensor(x, requires_grad=True), torch.tensor(w, requires_grad=True)
    (gx,) = torch.autograd.grad((fn(xt, wt) ** 2).sum(), [xt], create_graph=True)
    (gx * torch.cos(torch.tensor(x))).sum().backward()
    return xt.grad.numpy(), wt.grad.numpy()


def test_conv2d_second_order_gradcheck_and_torch():
    rng = np.random.default_rng(1)
    x, w = rng.standard_normal((1, 2, 4, 3)), rng.standard_normal((2, 1, 2, 2))
    kw = dict(stride=(2, 1), padding=1, groups=2)
    xs = [tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)]
    assert tg.gradgradcheck(lambda a, b: F.conv2d(a, b, **kw), xs)
    ours = _double_backward(tg, lambda a, b: F.conv2d(a, b, **kw), x, w)
    theirs = _double_backward(torch, lambda a, b: TF.conv2d(a, b, **kw), x, w)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


def test_conv_transpose2d_second_order_against_torch():
    rng = np.random.default_rng(2)
    x, w = rng.standard_normal((1, 2, 3, 2)), rng.standard_normal((2, 3, 2, 2))
    kw = dict(stride=2, padding=1, output_padding=1)
    ours = _double_backward(tg, lambda a, b: F.conv_transpose2d(a, b, **kw), x, w)
    theirs = _double_backward(torch, lambda a, b: TF.conv_transpose2d(a, b, **kw), x, w)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("fn,w_shape,kw", [
    ("conv2d", (4, 1, 3, 2), dict(stride=(1, 2), padding=(2, 1), dilation=(1, 2), groups=2)),
    ("conv_transpose2d", (2, 3, 2, 3), dict(stride=(2, 1), padding=1, output_padding=(1, 0))),
    ("conv1d", (3, 2, 4), dict(padding="same")),
])
def test_wide_inputs_take_the_batch_first_layout(fn, w_shape, kw):
    """Rows of 16 or more output positions run with the batch axis before the spatial
    axes inside the ops (short rows put it last): both layouts against torch."""
    rng = np.random.default_rng(6)
    nd = len(w_shape) - 2
    x = rng.standard_normal((3, 2, 5, 40) if nd == 2 else (3, 2, 21))
    w = rng.standard_normal(w_shape)
    a, b = [tg.tensor(v, requires_grad=True) for v in (x, w)]
    c, d = [torch.tensor(v, requires_grad=True) for v in (x, w)]
    ya, yb = getattr(F, fn)(a, b, **kw), getattr(TF, fn)(c, d, **kw)
    assert ya.shape[-1] >= 16
    np.testing.assert_allclose(ya.numpy(), yb.detach().numpy(), rtol=1e-12, atol=1e-12)
    g = rng.standard_normal(tuple(yb.shape))
    (ya * tg.tensor(g)).sum().backward()
    (yb * torch.tensor(g)).sum().backward()
    np.testing.assert_allclose(a.grad.numpy(), c.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(b.grad.numpy(), d.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_max_pool_indices_ties_and_nan_follow_torch():
    x = np.array([[[[1.0, 1.0, 0.0, 2.0],
                    [1.0, 0.0, 2.0, 2.0],
                    [np.nan, 3.0, 5.0, np.nan],
                    [4.0, np.nan, 5.0, 1.0]]]])
    kw = dict(kernel_size=2, stride=2, return_indices=True)
    a = tg.tensor(x, requires_grad=True)
    b = torch.tensor(x, requires_grad=True)
    (ya, ia), (yb, ib) = F.max_pool2d(a, **kw), TF.max_pool2d(b, **kw)
    np.testing.assert_array_equal(ia.numpy(), ib.numpy())
    np.testing.assert_array_equal(ya.numpy(), yb.detach().numpy())
    ya.sum().backward()
    yb.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), b.grad.numpy())
    assert ia.dtype == np.int64


def test_max_pool_all_minus_inf_window_points_into_the_input():
    x = np.full((1, 1, 3, 3), -np.inf)
    y, idx = F.max_pool2d(tg.tensor(x), 2, stride=2, padding=1, return_indices=True)
    assert np.all(idx.numpy() >= 0) and np.all(idx.numpy() < 9)
    assert np.all(y.numpy() == -np.inf)


def test_nearest_repeats_accumulate_gradients():
    """scale_factor 1.2 on 3 pixels keeps the size but reads pixel 0 twice (PyTorch's
    forward agrees; its backward spreads as if the scale were 1)."""
    x = np.arange(3.0).reshape(1, 1, 3)
    a = tg.tensor(x, requires_grad=True)
    y = F.interpolate(a, scale_factor=1.2)
    np.testing.assert_array_equal(y.numpy(), TF.interpolate(torch.tensor(x),
                                                            scale_factor=1.2).numpy())
    y.sum().backward()
    np.testing.assert_array_equal(a.grad.numpy(), [[[2.0, 1.0, 0.0]]])


def test_fold_is_the_adjoint_of_unfold():
    rng = np.random.default_rng(3)
    x, c = rng.standard_normal((2, 3, 5, 6)), rng.standard_normal((2, 3 * 6, 9))
    kw = dict(kernel_size=(2, 3), padding=1, stride=2)
    u = F.unfold(tg.tensor(x), **kw).numpy()
    f = F.fold(tg.tensor(c), (5, 6), **kw).numpy()
    assert np.isclose(np.vdot(u, c), np.vdot(x, f))


def test_functional_against_torch_extra_modes():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((2, 3, 5, 4))
    cases = [
        (F.interpolate, TF.interpolate, dict(size=(7, 3))),
        (F.interpolate, TF.interpolate, dict(scale_factor=0.6, mode="bilinear")),
        (F.interpolate, TF.interpolate, dict(scale_factor=(1.7, 2.2), mode="bilinear",
                                             recompute_scale_factor=True)),
        (F.interpolate, TF.interpolate, dict(size=(3, 7), mode="nearest-exact")),
        (F.interpolate, TF.interpolate, dict(scale_factor=1.6, mode="nearest-exact")),
        (F.interpolate, TF.interpolate, dict(size=(3, 3), mode="area")),
        (F.pad, TF.pad, dict(pad=(1, 1, 2, 0), mode="circular")),
        (F.pad, TF.pad, dict(pad=(0, 3, 4, 1), mode="replicate")),
        (F.pad, TF.pad, dict(pad=(-1, 2), value=-2.0)),
        (F.avg_pool2d, TF.avg_pool2d, dict(kernel_size=(3, 2), stride=1, padding=(1, 0))),
        (F.adaptive_max_pool2d, TF.adaptive_max_pool2d, dict(output_size=(3, 4))),
    ]
    for ours, theirs, kw in cases:
        a = ours(tg.tensor(x), **kw).numpy()
        b = theirs(torch.tensor(x), **kw).numpy()
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12, err_msg=str(kw))


@pytest.mark.parametrize("call,match", [
    (lambda: F.conv2d(tg.ones((1, 3, 5, 5)), tg.ones((2, 4, 3, 3))),
     r"conv2d: expected input with 4 channels"),
    (lambda: F.conv2d(tg.ones((1, 4, 5, 5)), tg.ones((3, 2, 3, 3)), groups=2),
     r"conv2d: out_channels .* divisible by groups=2"),
    (lambda: F.conv2d(tg.ones((1, 1, 5, 5)), tg.ones((1, 1, 3, 3)), padding="full"),
     r"conv2d: padding must be 'valid', 'same'"),
    (lambda: F.conv2d(tg.ones((1, 1, 5, 5)), tg.ones((1, 1, 3, 3)), padding="same",
                      stride=2), r"conv2d: padding='same' is not supported for strided"),
    (lambda: F.conv2d(tg.ones((1, 1, 2, 2)), tg.ones((1, 1, 3, 3))),
     r"conv2d: kernel size \(3, 3\).* bigger than the padded input"),
    (lambda: F.conv1d(tg.ones((1, 1, 5)), tg.ones((1, 1, 3, 3))),
     r"conv1d: weight must be 3-D"),
    (lambda: F.conv2d(tg.ones((5, 5)), tg.ones((1, 1, 3, 3))),
     r"conv2d: input must be 3-D \(unbatched\) or 4-D"),
    (lambda: F.conv2d(tg.ones((1, 1, 5, 5)), tg.ones((1, 1, 3, 3)), bias=tg.ones(2)),
     r"conv2d: bias must have shape \(1,\)"),
    (lambda: F.conv_transpose2d(tg.ones((1, 2, 3, 3)), tg.ones((2, 1, 3, 3)), stride=2,
                                output_padding=2),
     r"conv_transpose2d: output_padding .* smaller than either stride"),
    (lambda: F.max_pool2d(tg.ones((1, 1, 2, 2)), 3), r"max_pool2d: kernel size"),
    (lambda: F.max_pool2d(tg.ones((1, 1, 6, 6)), 2, padding=2),
     r"max_pool2d: padding .* at most half"),
    (lambda: F.pad(tg.ones((1, 1, 3)), (3, 0), mode="reflect"),
     r"pad: reflect padding \(3, 0\) must be smaller"),
    (lambda: F.pad(tg.ones((1, 3)), (1, 1), mode="wrap"), r"pad: mode must be one of"),
    (lambda: F.interpolate(tg.ones((1, 1, 3, 3)), mode="lanczos", size=4),
     r"interpolate: mode must be one of"),
    (lambda: F.interpolate(tg.ones((1, 1, 3, 3))), r"interpolate: give exactly one"),
    (lambda: tg.nn.Conv2d(3, 4, 3, padding="full"), r"Conv2d: padding must be"),
    (lambda: tg.nn.Conv2d(3, 4, 3, groups=2), r"Conv2d: in_channels=3 must be divisible"),
    (lambda: tg.nn.Conv2d(3, 4, 3, padding_mode="mirror"), r"Conv2d: padding_mode must be"),
    (lambda: tg.nn.Conv2d(3, 4, 3, device="cuda"), r"Conv2d: no CUDA device: tapegrad runs on the CPU"),
])
def test_errors_name_function_and_argument(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize("call,match", [
    (lambda: F.conv2d("x", tg.ones((1, 1, 3, 3))), r"conv2d: input must be"),
    (lambda: F.conv2d(tg.ones((1, 1, 5, 5)), tg.ones((1, 1, 3, 3)), stride=1.5),
     r"conv2d: stride must be an int or a tuple of 2 ints"),
    (lambda: F.max_pool2d(tg.ones((1, 1, 4, 4)), (2, 2, 2)),
     r"max_pool2d: kernel_size must be an int or a tuple of 2 ints"),
    (lambda: F.pad(tg.ones((1, 3)), (1,)), r"pad: pad must be a tuple of an even number"),
    (lambda: tg.nn.Conv2d(3, 4, 2.5), r"Conv2d: kernel_size must be an int"),
])
def test_type_errors_name_function_and_argument(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_mnist_style_network_trains():
    """A small CNN lowers its loss on a fixed batch (the pieces compose)."""
    tg.manual_seed(0)
    net = tg.nn.Sequential(tg.nn.Conv2d(1, 4, 3, padding=1), tg.nn.ReLU(),
                           tg.nn.MaxPool2d(2), tg.nn.Flatten(), tg.nn.Linear(4 * 4 * 4, 3))
    rng = np.random.default_rng(5)
    x = tg.tensor(rng.standard_normal((12, 1, 8, 8)).astype(np.float32))
    t = tg.tensor(rng.integers(0, 3, 12))
    opt = tg.optim.SGD(net.parameters(), lr=0.1)
    losses = []
    for _ in range(15):
        opt.zero_grad()
        loss = F.cross_entropy(net(x), t)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < 0.7 * losses[0]


@pytest.mark.parametrize("fn,shape,args,kw", [
    ("conv2d", (0, 3, 5, 5), [np.ones((4, 3, 3, 3))], {}),
    ("conv_transpose2d", (0, 4, 3, 3), [np.ones((4, 2, 3, 3))], {}),
    ("max_pool2d", (0, 3, 4, 4), [2], {}),
    ("avg_pool2d", (0, 3, 4, 4), [2], {}),
    ("adaptive_avg_pool2d", (0, 3, 4, 4), [2], {}),
    ("interpolate", (0, 3, 4, 4), [], dict(scale_factor=2)),
    ("unfold", (0, 3, 4, 4), [2], {}),
])
def test_empty_batch(fn, shape, args, kw):
    x = tg.tensor(np.ones(shape), requires_grad=True)
    y = getattr(F, fn)(x, *[tg.tensor(a) if isinstance(a, np.ndarray) else a for a in args],
                       **kw)
    ref = getattr(TF, fn)(torch.ones(shape, dtype=torch.float64),
                          *[torch.tensor(a) if isinstance(a, np.ndarray) else a
                            for a in args], **kw)
    assert y.shape == tuple(ref.shape)
    y.sum().backward()
    assert x.grad.shape == shape


@pytest.mark.parametrize("size,kw", [
    ((5, 7), dict(ksize=(2, 3), stride=(2, 1), padding=((1, 0), (2, 2)), dilation=(1, 2))),
    ((6, 40), dict(ksize=(3, 2), stride=(1, 2), padding=((0, 1), (0, 0)), dilation=(2, 1))),
])
def test_col2im_is_the_adjoint_of_im2col_in_both_layouts(size, kw):
    """<Im2col(x), c> = <x, Col2im(c)>, with short output rows (batch last inside the
    ops) and rows of 16 or more (batch first)."""
    from tapegrad.ops.conv import Col2im, Im2col, _batch_last, _out_size
    rng = np.random.default_rng(7)
    out = _out_size(size, kw["ksize"], kw["stride"], kw["padding"], kw["dilation"])
    assert _batch_last(out) == (size[1] < 16)
    x = rng.standard_normal((3, 4) + size)
    c = Im2col.forward(x, out=out, groups=2, **kw)
    assert c.shape == (2, 2 * math.prod(kw["ksize"]), 3 * math.prod(out))
    v = rng.standard_normal(c.shape)
    back = Col2im.forward(v, size=size, out=out, groups=2, **kw)
    np.testing.assert_allclose(np.vdot(c, v), np.vdot(x, back), rtol=1e-12)


def test_column_buffers_in_use_are_not_reused():
    """Columns are pooled per thread: two convolutions whose saved columns are alive
    together (and a third allocated meanwhile) still give torch's gradients."""
    rng = np.random.default_rng(8)
    xs = [rng.standard_normal((8, 3, 30, 30)).astype(np.float32) for _ in range(3)]
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    ours, theirs = tg.tensor(w, requires_grad=True), torch.tensor(w, requires_grad=True)
    ys = [F.conv2d(tg.tensor(x), ours) for x in xs[:2]]
    F.conv2d(tg.tensor(xs[2]), tg.tensor(w))             # columns of its own, then freed
    sum(((y * k) ** 2).sum() for k, y in enumerate(ys, 1)).backward()
    sum(((TF.conv2d(torch.tensor(x), theirs) * k) ** 2).sum()
        for k, x in enumerate(xs[:2], 1)).backward()
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=2e-4)


def test_every_conv_intermediate_stays_float32():
    """No float64 anywhere in a float32 network's path: each op's own result, the
    first and second derivatives and the forward-mode tangent."""
    from tapegrad.ops.conv import Col2im, ColConv, ColConvT, ColConvW, Im2col
    rng = np.random.default_rng(9)
    x = rng.standard_normal((2, 3, 20, 6)).astype(np.float32)
    w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
    geo = dict(ksize=(3, 3), stride=(1, 1), padding=((1, 1), (1, 1)), dilation=(1, 1),
               groups=1)
    for out in ((20, 6), (20, 18)):          # batch last, batch first
        c = Im2col.forward(x if out[1] == 6 else np.repeat(x, 3, axis=3), out=out, **geo)
        y = ColConv.forward(w, c, out=out)
        for r in (c, y, ColConvT.forward(w, y, groups=1),
                  ColConvW.forward(y, c, ksize=(3, 3)),
                  Col2im.forward(c, size=(20, out[1]), out=out, **geo)):
            assert r.dtype == np.float32
    xt, wt = tg.tensor(x, requires_grad=True), tg.tensor(w, requires_grad=True)
    y = F.max_pool2d(tg.relu(F.conv2d(xt, wt, padding=1)), 2)
    (gx,) = tg.autograd.grad((y * y).sum(), [xt], create_graph=True)
    assert y.dtype == gx.dtype == np.float32
    gx.sum().backward()
    assert xt.grad.dtype == wt.grad.dtype == np.float32
    _, dy = tg.jvp(lambda a: F.conv2d(a, tg.tensor(w), padding=1), (tg.tensor(x),),
                   (tg.tensor(np.ones_like(x)),))
    assert dy.dtype == np.float32
