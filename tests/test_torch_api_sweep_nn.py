"""API.md's torch.nn, nn.functional, optim, lr_scheduler and utils.data names against
torch in float64, as test_torch_api_sweep.py does for the tensor functions: each module
is built with the same arguments in both libraries, torch's weights are copied across
through load_state_dict (so the state-dict keys and shapes must agree), and outputs,
input and parameter gradients, second derivatives and updated buffers are compared.
Optimizers step for step with their state_dict round trip; schedulers as sequences."""
import numpy as np
import pytest

import tapegrad as tg

torch = pytest.importorskip("torch")

from _torch_sweep import (B, C, F32, I, _flat, _grads, _make, _same_kind, _second,  # noqa: E402
                          run_row)

_RNG = np.random.default_rng(77)


def _r(*s):
    return _RNG.standard_normal(s)


def _u(*s):
    return _RNG.random(s) * 0.8 + 0.1


MODS = []


def mod(label, build, *inputs, train=False, second=True, rtol=1e-7):
    MODS.append(pytest.param(build, inputs, train, second, rtol, id=label))


def _copy_weights(ours, theirs):
    tsd, osd = theirs.state_dict(), ours.state_dict()
    assert list(osd) == list(tsd), "state_dict keys"
    for k, v in tsd.items():
        assert tuple(osd[k].shape) == tuple(v.shape), f"{k}: shape"
    ours.load_state_dict({k: tg.tensor(v.detach().numpy().copy()) for k, v in tsd.items()})


def run_module(build, inputs, train, second, rtol):
    theirs, ours = build(torch).double(), build(tg).double()
    _copy_weights(ours, theirs)
    theirs.train(train)
    ours.train(train)
    res = {}
    for m, net in ((torch, theirs), (tg, ours)):
        leaves = []
        args = [_make(m, a, leaves) for a in inputs]
        res[m] = (net(*args), leaves, net)
    (t_out, t_leaves, _), (o_out, o_leaves, _) = res[torch], res[tg]
    _same_kind(o_out, t_out, "result")
    for o, t in zip(_flat(o_out), _flat(t_out)):
        if isinstance(t, torch.Tensor):
            np.testing.assert_allclose(o.detach().numpy(), t.detach().numpy(), rtol=rtol,
                                       atol=1e-9, err_msg="values")
    # buffers (running statistics) after the forward
    for (k, v), (k2, w) in zip(theirs.state_dict().items(), ours.state_dict().items()):
        np.testing.assert_allclose(w.numpy(), v.numpy(), rtol=1e-9, atol=1e-12, err_msg=k)
    t_params = [p for _, p in theirs.named_parameters()]
    o_params = [p for _, p in ours.named_parameters()]
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    t_all, o_all = t_leaves + t_params, o_leaves + o_params
    if not t_all:
        return
    gt = _grads(torch, [t for t in _flat(t_out) if isinstance(t, torch.Tensor)], t_all, second)
    go = _grads(tg, [o for o in _flat(o_out) if isinstance(o, tg.Tensor)], o_all, second)
    if gt is None:
        assert go is None
        return
    for k, (g, t) in enumerate(zip(go, gt)):
        np.testing.assert_allclose(g.detach().numpy(), t.detach().numpy(), rtol=1e-6,
                                   atol=1e-9, err_msg=f"gradient {k}")
    if second:
        for k, (h, t) in enumerate(zip(_second(tg, go, o_leaves), _second(torch, gt, t_leaves))):
            np.testing.assert_allclose(h, t, rtol=1e-6, atol=1e-8,
                                       err_msg=f"second derivative for input {k}")


# ------------------------------------------------------------------ layers
_x3 = _r(4, 3)
mod("Linear", lambda m: m.nn.Linear(3, 4), _x3)
mod("Linear.no_bias", lambda m: m.nn.Linear(3, 2, bias=False), _r(2, 5, 3))
mod("Linear.1d_input", lambda m: m.nn.Linear(3, 2), _r(3))
mod("Sequential", lambda m: m.nn.Sequential(m.nn.Linear(3, 4), m.nn.Tanh(), m.nn.Linear(4, 2),
                                            m.nn.Sigmoid()), _x3)
for _n in ("ReLU", "Tanh", "Sigmoid", "SiLU", "SELU", "Mish", "ReLU6", "Hardswish",
           "LogSigmoid", "Softsign"):
    mod(_n, lambda m, n=_n: getattr(m.nn, n)(), _r(2, 3) * 4,
        second=_n not in ("ReLU", "ReLU6", "Hardswish"))
mod("ELU.alpha", lambda m: m.nn.ELU(alpha=0.5), _r(2, 3))
mod("Hardtanh.bounds", lambda m: m.nn.Hardtanh(-0.5, 0.8), _r(2, 3), second=False)
mod("PReLU", lambda m: m.nn.PReLU(), _r(2, 3))
mod("PReLU.channels", lambda m: m.nn.PReLU(3, init=0.1), _r(2, 3, 4))
mod("GLU", lambda m: m.nn.GLU(), _r(2, 4))
mod("GLU.dim", lambda m: m.nn.GLU(dim=0), _r(4, 3))
mod("Dropout.eval", lambda m: m.nn.Dropout(0.3), _r(2, 3))
mod("Dropout2d.eval", lambda m: m.nn.Dropout2d(0.3), _r(2, 3, 2, 2))
mod("Dropout.p0_train", lambda m: m.nn.Dropout(0.0), _r(2, 3), train=True)
mod("LayerNorm", lambda m: m.nn.LayerNorm(3), _x3)
mod("LayerNorm.shape", lambda m: m.nn.LayerNorm((2, 3), eps=1e-3, elementwise_affine=False),
    _r(4, 2, 3))
mod("LayerNorm.no_bias", lambda m: m.nn.LayerNorm(3, bias=False), _x3)
mod("RMSNorm", lambda m: m.nn.RMSNorm(3), _x3)
mod("RMSNorm.shape_eps", lambda m: m.nn.RMSNorm([2, 3], eps=1e-5), _r(2, 2, 3))
mod("BatchNorm1d.train", lambda m: m.nn.BatchNorm1d(3), _x3, train=True)
mod("BatchNorm1d.3d_train", lambda m: m.nn.BatchNorm1d(3, momentum=0.3), _r(4, 3, 5),
    train=True)
mod("BatchNorm1d.eval", lambda m: m.nn.BatchNorm1d(3), _x3)
mod("BatchNorm1d.cumulative", lambda m: m.nn.BatchNorm1d(3, momentum=None, affine=False),
    _x3, train=True)
mod("BatchNorm2d.train", lambda m: m.nn.BatchNorm2d(2), _r(3, 2, 2, 2), train=True)
mod("BatchNorm2d.no_stats", lambda m: m.nn.BatchNorm2d(2, track_running_stats=False),
    _r(3, 2, 2, 2), train=True)
mod("GroupNorm", lambda m: m.nn.GroupNorm(2, 4), _r(2, 4, 3))
mod("GroupNorm.no_affine", lambda m: m.nn.GroupNorm(1, 4, affine=False), _r(2, 4, 2, 2))
mod("InstanceNorm2d", lambda m: m.nn.InstanceNorm2d(2), _r(2, 2, 3, 3))
mod("InstanceNorm2d.affine", lambda m: m.nn.InstanceNorm2d(2, affine=True), _r(2, 2, 3, 3))
mod("Embedding", lambda m: m.nn.Embedding(5, 3), I([[0, 4, 4], [1, 2, 0]]))
mod("Embedding.padding_idx", lambda m: m.nn.Embedding(5, 3, padding_idx=1), I([1, 2, 1]))
mod("Conv1d", lambda m: m.nn.Conv1d(2, 3, 3, stride=2, padding=1), _r(2, 2, 7))
mod("Conv1d.dilation_groups", lambda m: m.nn.Conv1d(4, 2, 2, dilation=2, groups=2),
    _r(1, 4, 6))
mod("Conv1d.unbatched", lambda m: m.nn.Conv1d(2, 3, 3, bias=False), _r(2, 5))
mod("Conv2d", lambda m: m.nn.Conv2d(2, 3, 3, padding=1), _r(1, 2, 4, 5))
mod("Conv2d.same", lambda m: m.nn.Conv2d(2, 2, (2, 3), padding="same"), _r(1, 2, 4, 4))
mod("Conv2d.stride_groups", lambda m: m.nn.Conv2d(4, 2, 2, stride=(2, 1), groups=2),
    _r(2, 4, 4, 3))
mod("Conv2d.reflect", lambda m: m.nn.Conv2d(1, 1, 3, padding=1, padding_mode="reflect"),
    _r(1, 1, 4, 4))
mod("Conv3d", lambda m: m.nn.Conv3d(2, 2, 2, padding=1), _r(1, 2, 3, 3, 2))
mod("ConvTranspose1d", lambda m: m.nn.ConvTranspose1d(2, 3, 3, stride=2, output_padding=1),
    _r(1, 2, 4))
mod("ConvTranspose1d.padding", lambda m: m.nn.ConvTranspose1d(2, 2, 3, padding=1), _r(2, 2, 3))
mod("ConvTranspose2d", lambda m: m.nn.ConvTranspose2d(2, 3, 2, stride=2), _r(1, 2, 3, 2))
mod("ConvTranspose2d.groups", lambda m: m.nn.ConvTranspose2d(2, 4, 3, padding=1, groups=2,
                                                             dilation=1), _r(1, 2, 3, 3))
mod("MaxPool1d", lambda m: m.nn.MaxPool1d(2), _r(2, 3, 6), second=False)
mod("MaxPool1d.stride_pad", lambda m: m.nn.MaxPool1d(3, stride=2, padding=1), _r(1, 2, 7),
    second=False)
mod("MaxPool2d", lambda m: m.nn.MaxPool2d(2), _r(1, 2, 4, 4), second=False)
mod("MaxPool2d.ceil", lambda m: m.nn.MaxPool2d(2, stride=2, ceil_mode=True), _r(1, 1, 5, 5),
    second=False)
mod("MaxPool2d.dilation", lambda m: m.nn.MaxPool2d(2, stride=1, dilation=2), _r(1, 1, 5, 5),
    second=False)
mod("AvgPool1d", lambda m: m.nn.AvgPool1d(3, stride=2, padding=1), _r(1, 2, 7))
mod("AvgPool1d.exclude_pad", lambda m: m.nn.AvgPool1d(3, 1, 1, count_include_pad=False),
    _r(1, 2, 5))
mod("AvgPool2d", lambda m: m.nn.AvgPool2d(2), _r(1, 2, 4, 4))
mod("AvgPool2d.ceil", lambda m: m.nn.AvgPool2d(2, ceil_mode=True), _r(1, 1, 5, 5))
mod("AvgPool2d.divisor", lambda m: m.nn.AvgPool2d(3, 1, 1, divisor_override=2), _r(1, 1, 4, 4))
mod("AdaptiveAvgPool2d", lambda m: m.nn.AdaptiveAvgPool2d((2, 3)), _r(1, 2, 5, 7))
mod("AdaptiveAvgPool2d.one", lambda m: m.nn.AdaptiveAvgPool2d(1), _r(2, 2, 3, 3))
mod("AdaptiveAvgPool2d.none", lambda m: m.nn.AdaptiveAvgPool2d((None, 2)), _r(1, 1, 3, 4))
mod("Upsample.nearest", lambda m: m.nn.Upsample(scale_factor=2), _r(1, 2, 3, 2))
mod("Upsample.bilinear", lambda m: m.nn.Upsample(size=(5, 4), mode="bilinear"), _r(1, 1, 3, 2))
mod("Upsample.align", lambda m: m.nn.Upsample(scale_factor=2, mode="bilinear",
                                              align_corners=True), _r(1, 1, 2, 3))
mod("Upsample.bicubic", lambda m: m.nn.Upsample(scale_factor=2, mode="bicubic"), _r(1, 1, 3, 2))
mod("Upsample.linear", lambda m: m.nn.Upsample(scale_factor=1.5, mode="linear"), _r(1, 2, 4))
mod("Unflatten", lambda m: m.nn.Unflatten(1, (2, 3)), _r(2, 6))
mod("Unflatten.neg", lambda m: m.nn.Unflatten(-1, (2, -1)), _r(2, 6))
# recurrent
mod("RNN", lambda m: m.nn.RNN(3, 4), _r(5, 2, 3))
mod("RNN.relu_layers_bf", lambda m: m.nn.RNN(3, 4, num_layers=2, nonlinearity="relu",
                                             batch_first=True), _r(2, 5, 3), second=False)
mod("RNN.h0", lambda m: m.nn.RNN(3, 2, bias=False), _r(4, 1, 3), _r(1, 1, 2))
mod("LSTM", lambda m: m.nn.LSTM(3, 4), _r(5, 2, 3))
mod("LSTM.bidirectional", lambda m: m.nn.LSTM(3, 2, bidirectional=True, batch_first=True),
    _r(2, 4, 3))
mod("LSTM.proj_layers", lambda m: m.nn.LSTM(3, 4, num_layers=2, proj_size=2), _r(3, 1, 3))
mod("LSTM.unbatched", lambda m: m.nn.LSTM(3, 2), _r(4, 3))
mod("GRU", lambda m: m.nn.GRU(3, 4, batch_first=True), _r(2, 5, 3))
mod("GRU.bidirectional_layers", lambda m: m.nn.GRU(3, 2, num_layers=2, bidirectional=True),
    _r(4, 2, 3))
mod("RNNCell", lambda m: m.nn.RNNCell(3, 4), _r(2, 3))
mod("RNNCell.hidden", lambda m: m.nn.RNNCell(3, 4, nonlinearity="relu"), _r(2, 3), _r(2, 4),
    second=False)
mod("LSTMCell", lambda m: m.nn.LSTMCell(3, 4), _r(2, 3))
mod("LSTMCell.state", lambda m: m.nn.LSTMCell(3, 2), _r(3), (_r(2), _r(2)))
mod("GRUCell", lambda m: m.nn.GRUCell(3, 4), _r(2, 3))
mod("GRUCell.unbatched_h", lambda m: m.nn.GRUCell(3, 2), _r(3), _r(2))
# attention and transformers (dropout off: the only difference is the random mask)
_q = _r(3, 2, 4)
mod("MultiheadAttention", lambda m: m.nn.MultiheadAttention(4, 2), _q, _r(5, 2, 4),
    _r(5, 2, 4))
mod("MultiheadAttention.batch_first",
    lambda m: m.nn.MultiheadAttention(4, 2, batch_first=True, bias=False), _r(2, 3, 4),
    _r(2, 3, 4), _r(2, 3, 4))
mod("MultiheadAttention.kdim", lambda m: m.nn.MultiheadAttention(4, 1, kdim=3, vdim=2), _q,
    _r(5, 2, 3), _r(5, 2, 2))
# (second=False: torch has no second derivative of its CPU attention kernel)
mod("TransformerEncoderLayer", lambda m: m.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0),
    _r(3, 2, 4), second=False)
mod("TransformerEncoderLayer.norm_first_gelu",
    lambda m: m.nn.TransformerEncoderLayer(4, 2, 6, dropout=0.0, activation="gelu",
                                           norm_first=True, batch_first=True), _r(2, 3, 4),
    second=False)
mod("TransformerDecoderLayer", lambda m: m.nn.TransformerDecoderLayer(4, 2, 8, dropout=0.0),
    _r(3, 2, 4), _r(5, 2, 4), second=False)
mod("TransformerEncoder", lambda m: m.nn.TransformerEncoder(
    m.nn.TransformerEncoderLayer(4, 2, 8, dropout=0.0), 2,
    **({"enable_nested_tensor": False} if m is torch else {})), _r(3, 2, 4), second=False)
# losses, modules and functional forms
_t3 = _r(3, 4)
_cls = I([0, 3, 1])
for _red in ("mean", "sum", "none"):
    mod(f"MSELoss.{_red}", lambda m, r=_red: m.nn.MSELoss(reduction=r), _t3, _r(3, 4))
    mod(f"CrossEntropyLoss.{_red}", lambda m, r=_red: m.nn.CrossEntropyLoss(reduction=r),
        _t3, _cls)
    mod(f"NLLLoss.{_red}", lambda m, r=_red: m.nn.NLLLoss(reduction=r), _t3, _cls)
    mod(f"BCEWithLogitsLoss.{_red}", lambda m, r=_red: m.nn.BCEWithLogitsLoss(reduction=r),
        _t3, C(_u(3, 4)))
    mod(f"BCELoss.{_red}", lambda m, r=_red: m.nn.BCELoss(reduction=r), _u(3, 4), C(_u(3, 4)))
    mod(f"HuberLoss.{_red}", lambda m, r=_red: m.nn.HuberLoss(reduction=r, delta=0.5), _t3,
        _r(3, 4), second=False)
    mod(f"SmoothL1Loss.{_red}", lambda m, r=_red: m.nn.SmoothL1Loss(reduction=r, beta=0.5),
        _t3, _r(3, 4), second=False)
mod("CrossEntropyLoss.weight_ignore", lambda m: m.nn.CrossEntropyLoss(
    weight=m.tensor([1.0, 2.0, 0.5, 1.5], dtype=m.float64), ignore_index=1), _t3, I([0, 1, 3]))
mod("CrossEntropyLoss.smoothing", lambda m: m.nn.CrossEntropyLoss(label_smoothing=0.2), _t3,
    _cls)
mod("CrossEntropyLoss.probs", lambda m: m.nn.CrossEntropyLoss(), _t3, C(_u(3, 4)))
mod("CrossEntropyLoss.spatial", lambda m: m.nn.CrossEntropyLoss(), _r(2, 3, 2),
    I([[0, 2], [1, 1]]))
mod("NLLLoss.weight", lambda m: m.nn.NLLLoss(weight=m.tensor([1.0, 2.0, 0.5, 1.5],
                                                              dtype=m.float64)), _t3, _cls)
mod("BCEWithLogitsLoss.pos_weight", lambda m: m.nn.BCEWithLogitsLoss(
    pos_weight=m.tensor([1.0, 2.0, 0.5, 1.5], dtype=m.float64)), _t3, C(_u(3, 4)))
mod("KLDivLoss.batchmean", lambda m: m.nn.KLDivLoss(reduction="batchmean"), _t3, C(_u(3, 4)))
mod("KLDivLoss.log_target", lambda m: m.nn.KLDivLoss(reduction="sum", log_target=True), _t3,
    _r(3, 4))
mod("GaussianNLLLoss", lambda m: m.nn.GaussianNLLLoss(), _t3, _r(3, 4), _u(3, 4))
mod("GaussianNLLLoss.full", lambda m: m.nn.GaussianNLLLoss(full=True, eps=1e-3,
                                                           reduction="sum"), _t3, _r(3, 4),
    _u(3, 1))
mod("PoissonNLLLoss", lambda m: m.nn.PoissonNLLLoss(), _t3, C(_u(3, 4) * 3))
mod("PoissonNLLLoss.full", lambda m: m.nn.PoissonNLLLoss(log_input=False, full=True),
    _u(3, 4) + 0.5, C(_u(3, 4) * 3))
mod("CosineEmbeddingLoss", lambda m: m.nn.CosineEmbeddingLoss(margin=0.2), _t3, _r(3, 4),
    I([1, -1, -1]), second=False)
mod("MarginRankingLoss", lambda m: m.nn.MarginRankingLoss(margin=0.1), _r(4), _r(4),
    C([1.0, -1.0, 1.0, -1.0]), second=False)
mod("TripletMarginLoss", lambda m: m.nn.TripletMarginLoss(), _t3, _r(3, 4), _r(3, 4),
    second=False)
mod("TripletMarginLoss.p1_swap", lambda m: m.nn.TripletMarginLoss(margin=0.5, p=1, swap=True),
    _t3, _r(3, 4), _r(3, 4), second=False)

mod("BCELoss.weight", lambda m: m.nn.BCELoss(weight=m.tensor([1.0, 2.0, 0.5, 1.5],
                                                              dtype=m.float64)),
    _u(3, 4), C(_u(3, 4)))

@pytest.mark.parametrize("build, inputs, train, second, rtol", MODS)
def test_modules_match_torch_in_float64(build, inputs, train, second, rtol):
    run_module(build, inputs, train, second, rtol)


# ------------------------------------------------------------------ nn.functional
FROWS = []


def frow(label, fn, *inputs, grad=True, second=True, rtol=1e-7):
    FROWS.append(pytest.param(fn, inputs, grad, second, rtol, id=label))


def _F(name):
    return lambda m: getattr(m.nn.functional, name)


_img = _r(1, 2, 5, 5)
frow("conv1d.kw", lambda m, x, w, b: _F("conv1d")(m)(x, w, b, stride=2, padding=1, dilation=1,
                                                     groups=1), _r(2, 2, 7), _r(3, 2, 3), _r(3))
frow("conv1d.same", lambda m, x, w: _F("conv1d")(m)(x, w, padding="same"), _r(1, 2, 6),
     _r(2, 2, 4))
frow("conv2d.groups_dilation", lambda m, x, w: _F("conv2d")(m)(x, w, groups=2, dilation=2),
     _r(1, 4, 6, 6), _r(2, 2, 2, 2))
frow("conv2d.tuple_stride", lambda m, x, w, b: _F("conv2d")(m)(x, w, b, (2, 1), (1, 0)), _img,
     _r(3, 2, 3, 2), _r(3))
frow("conv3d", lambda m, x, w: _F("conv3d")(m)(x, w, padding=1, stride=2), _r(1, 2, 3, 4, 3),
     _r(2, 2, 2, 2, 2))
frow("conv_transpose1d", lambda m, x, w, b: _F("conv_transpose1d")(m)(
    x, w, b, stride=2, padding=1, output_padding=1), _r(1, 2, 4), _r(2, 3, 3), _r(3))
frow("conv_transpose2d", lambda m, x, w: _F("conv_transpose2d")(m)(x, w, stride=(2, 1),
                                                                   groups=2, dilation=1),
     _r(1, 2, 3, 3), _r(2, 1, 2, 2))
frow("max_pool1d", lambda m, x: _F("max_pool1d")(m)(x, 3, stride=2, padding=1), _r(1, 2, 7),
     second=False)
frow("max_pool1d.indices", lambda m, x: _F("max_pool1d")(m)(x, 2, return_indices=True),
     _r(1, 2, 6), second=False)
frow("max_pool2d", lambda m, x: _F("max_pool2d")(m)(x, (2, 3), stride=1), _img, second=False)
frow("max_pool2d.indices", lambda m, x: _F("max_pool2d")(m)(x, 2, return_indices=True,
                                                            ceil_mode=True), _img,
     second=False)
frow("avg_pool1d", lambda m, x: _F("avg_pool1d")(m)(x, 2), _r(1, 2, 6))
frow("avg_pool2d", lambda m, x: _F("avg_pool2d")(m)(x, 3, stride=2, padding=1,
                                                    count_include_pad=False), _img)
frow("adaptive_avg_pool2d", lambda m, x: _F("adaptive_avg_pool2d")(m)(x, (3, 2)), _img)
frow("unfold", lambda m, x: _F("unfold")(m)(x, 2, dilation=1, padding=1, stride=2), _img)
frow("fold", lambda m, x: _F("fold")(m)(x, (4, 5), (2, 2), stride=1), _r(1, 8, 12))
for _mode, _kw in (("nearest", {}), ("bilinear", {"align_corners": False}),
                   ("bilinear", {"align_corners": True}), ("bicubic", {}),
                   ("bicubic", {"align_corners": True}),
                   ("nearest-exact", {}), ("area", {})):
    frow(f"interpolate.{_mode}{'.ac' if _kw.get('align_corners') else ''}",
         lambda m, x, mo=_mode, k=_kw: _F("interpolate")(m)(x, size=(7, 4), mode=mo, **k),
         _r(1, 2, 3, 5))
frow("interpolate.scale", lambda m, x: _F("interpolate")(m)(x, scale_factor=2.0,
                                                            mode="linear"), _r(1, 2, 4))
for _mode in ("constant", "reflect", "replicate", "circular"):
    frow(f"pad.{_mode}", lambda m, x, mo=_mode: _F("pad")(m)(x, (1, 2, 2, 1), mode=mo), _img)
frow("pad.value", lambda m, x: _F("pad")(m)(x, (1, 1), value=0.5), _r(2, 3))
frow("pad.negative", lambda m, x: _F("pad")(m)(x, (-1, 1)), _r(2, 4))
frow("one_hot", lambda m, x: _F("one_hot")(m)(x), I([0, 3, 1]), grad=False)
frow("one_hot.classes", lambda m, x: _F("one_hot")(m)(x, num_classes=5), I([[0, 3], [1, 1]]),
     grad=False)
frow("normalize", lambda m, x: _F("normalize")(m)(x), _r(3, 4))
frow("normalize.p1_dim0", lambda m, x: _F("normalize")(m)(x, p=1.0, dim=0, eps=1e-6), _r(3, 4),
     second=False)
frow("cosine_similarity", lambda m, x, y: _F("cosine_similarity")(m)(x, y), _r(3, 4), _r(3, 4))
frow("cosine_similarity.dim0", lambda m, x, y: _F("cosine_similarity")(m)(x, y, dim=0,
                                                                          eps=1e-6),
     _r(3, 4), _r(1, 4))
frow("cosine_similarity.int", lambda m, x, y: _F("cosine_similarity")(m)(x, y), F32(_r(2, 3)),
     I([[1, 2, 3], [0, 1, 0]]), grad=False)
frow("pairwise_distance", lambda m, x, y: _F("pairwise_distance")(m)(x, y), _r(3, 4), _r(3, 4))
frow("pairwise_distance.kw", lambda m, x, y: _F("pairwise_distance")(m)(x, y, p=1.0,
                                                                        keepdim=True),
     _r(3, 4), _r(4), second=False)
_qkv = (_r(2, 3, 4), _r(2, 5, 4), _r(2, 5, 4))
frow("sdpa", lambda m, q, k, v: _F("scaled_dot_product_attention")(m)(q, k, v), *_qkv)
frow("sdpa.causal_scale", lambda m, q, k, v: _F("scaled_dot_product_attention")(m)(
    q, k, v, is_causal=True, scale=0.3), _r(2, 4, 4), _r(2, 4, 4), _r(2, 4, 4))
frow("sdpa.bool_mask", lambda m, q, k, v, a: _F("scaled_dot_product_attention")(m)(
    q, k, v, attn_mask=a), *_qkv, B(_RNG.random((3, 5)) > 0.3))
frow("sdpa.float_mask", lambda m, q, k, v, a: _F("scaled_dot_product_attention")(m)(
    q, k, v, attn_mask=a), *_qkv, C(_r(3, 5)))
frow("linear", lambda m, x, w: _F("linear")(m)(x, w), _r(2, 3), _r(4, 3))
frow("embedding", lambda m, i, w: _F("embedding")(m)(i, w, padding_idx=0), I([[0, 2], [1, 0]]),
     _r(3, 2))
frow("batch_norm.train", lambda m, x, w, b: _F("batch_norm")(m)(
    x, m.zeros(3, dtype=m.float64), m.ones(3, dtype=m.float64), w, b, training=True,
    momentum=0.2, eps=1e-3), _r(4, 3), _r(3), _r(3))
frow("batch_norm.eval", lambda m, x, rm, rv: _F("batch_norm")(m)(x, rm, rv), _r(4, 3, 2),
     C(_r(3)), C(_u(3)))
frow("layer_norm", lambda m, x, w, b: _F("layer_norm")(m)(x, (2, 3), w, b, eps=1e-4),
     _r(2, 2, 3), _r(2, 3), _r(2, 3))
frow("group_norm", lambda m, x, w, b: _F("group_norm")(m)(x, 2, w, b), _r(2, 4, 3), _r(4), _r(4))
frow("instance_norm", lambda m, x: _F("instance_norm")(m)(x), _r(2, 3, 4))
frow("rms_norm", lambda m, x, w: _F("rms_norm")(m)(x, (3,), w, eps=1e-6), _r(2, 3), _r(3))
frow("prelu", lambda m, x, w: _F("prelu")(m)(x, w), _r(2, 3, 2), _u(3))
frow("glu", lambda m, x: _F("glu")(m)(x, 0), _r(4, 3))
frow("elu", lambda m, x: _F("elu")(m)(x, alpha=0.7), _r(2, 3))
frow("hardtanh", lambda m, x: _F("hardtanh")(m)(x, min_val=-0.3, max_val=0.6), _r(2, 3),
     second=False)
frow("hardtanh.int", lambda m, x: _F("hardtanh")(m)(x, -1.0, 2.0), I([-3, 0, 1, 5]))
frow("relu6.int", lambda m, x: _F("relu6")(m)(x), I([-3, 0, 1, 9]))
frow("leaky_relu", lambda m, x: _F("leaky_relu")(m)(x, 0.3), _r(2, 3), second=False)
frow("dropout.eval", lambda m, x: _F("dropout")(m)(x, p=0.4, training=False), _r(2, 3))
frow("relu.F", lambda m, x: _F("relu")(m)(x), _r(2, 3), second=False)
for _n, _args in (("mse_loss", (_r(3, 4), _r(3, 4))), ("l1_loss", (_r(3, 4), _r(3, 4))),
                  ("huber_loss", (_r(3, 4), _r(3, 4))), ("smooth_l1_loss", (_r(3, 4), _r(3, 4))),
                  ("cross_entropy", (_r(3, 4), I([1, 0, 3]))),
                  ("nll_loss", (_r(3, 4), I([1, 0, 3]))),
                  ("binary_cross_entropy", (_u(3, 4), C(_u(3, 4)))),
                  ("binary_cross_entropy_with_logits", (_r(3, 4), C(_u(3, 4)))),
                  ("kl_div", (_r(3, 4), C(_u(3, 4)))),
                  ("poisson_nll_loss", (_r(3, 4), C(_u(3, 4) * 2))),
                  ("gaussian_nll_loss", (_r(3, 4), _r(3, 4), _u(3, 4))),
                  ("margin_ranking_loss", (_r(4), _r(4), C([1.0, -1.0, -1.0, 1.0]))),
                  ("cosine_embedding_loss", (_r(3, 4), _r(3, 4), I([1, -1, 1]))),
                  ("triplet_margin_loss", (_r(3, 4), _r(3, 4), _r(3, 4)))):
    _s2 = _n not in ("l1_loss", "huber_loss", "smooth_l1_loss", "margin_ranking_loss",
                     "cosine_embedding_loss", "triplet_margin_loss")
    for _red in ("mean", "sum", "none"):
        frow(f"{_n}.{_red}", lambda m, *a, n=_n, r=_red: _F(n)(m)(*a, reduction=r), *_args,
             second=_s2)


@pytest.mark.parametrize("fn, inputs, grad, second, rtol", FROWS)
def test_functional_matches_torch_in_float64(fn, inputs, grad, second, rtol):
    tg.set_default_dtype(tg.float64)
    torch.set_default_dtype(torch.float64)
    try:
        run_row(fn, inputs, grad, second, rtol)
    finally:
        tg.set_default_dtype(tg.float32)
        torch.set_default_dtype(torch.float32)


def test_losses_refuse_a_broadcast_target_torch_only_warns_about():
    # Intended difference, API.md "Errors users can act on: shape mismatches name the op
    # and both shapes": torch warns and compares every pair of elements
    with pytest.warns(UserWarning):
        torch.nn.functional.mse_loss(torch.ones(2, 3), torch.ones(3))
    with pytest.raises(ValueError, match=r"mse_loss.*\(2, 3\).*\(3,\)"):
        tg.nn.functional.mse_loss(tg.ones(2, 3), tg.ones(3))
