"""Attention and transformer layers against torch.nn in float64 with weights copied across:
outputs, attention weights, every parameter gradient and the input gradients; bool and float
masks, key_padding_mask, is_causal, batch_first both ways, eval mode; fully masked rows give
zeros (not NaN) with zero gradients; errors that name the function and the argument."""
import doctest

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.nn import attention, transformer

torch = pytest.importorskip("torch")
F = tg.nn.functional
TF = torch.nn.functional
TOL = dict(rtol=1e-9, atol=1e-11)


def _rng(seed=0):
    return np.random.default_rng(seed)


def _pair(a):
    """The same float64 values as a tapegrad and a torch leaf."""
    return tg.tensor(a, requires_grad=True), torch.tensor(a, requires_grad=True)


def _copy(tmod, gmod):
    """torch module -> tapegrad module with the same float64 state, checking the keys."""
    sd = {k: v.detach().numpy().copy() for k, v in tmod.state_dict().items()}
    assert list(sd) == list(gmod.state_dict()), (list(sd), list(gmod.state_dict()))
    gmod.load_state_dict(sd)


def _close(g, t):
    np.testing.assert_allclose(np.asarray(g.detach().numpy() if hasattr(g, "detach") else g),
                               t.detach().numpy(), **TOL)


def _check_grads(gmod, tmod, gins, tins):
    for (name, gp), (tname, tp) in zip(gmod.named_parameters(), tmod.named_parameters()):
        assert name == tname
        assert gp.grad is not None, name
        _close(gp.grad, tp.grad)
    for g, t in zip(gins, tins):
        _close(g.grad, t.grad)


# ------------------------------------------------------------------ scaled_dot_product_attention

def _sdpa_case(kw_g, kw_t, shapes=((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)), seed=0):
    rng = _rng(seed)
    arrays = [rng.standard_normal(s) for s in shapes]
    pairs = [_pair(a) for a in arrays]
    out_g = F.scaled_dot_product_attention(*(p[0] for p in pairs), **kw_g)
    out_t = TF.scaled_dot_product_attention(*(p[1] for p in pairs), **kw_t)
    _close(out_g, out_t)
    w = rng.standard_normal(out_t.shape)
    (out_g * w).sum().backward()
    (out_t * torch.tensor(w)).sum().backward()
    for g, t in pairs:
        _close(g.grad, t.grad)
    return out_g, pairs


def test_sdpa_plain_and_scale():
    _sdpa_case({}, {})
    _sdpa_case(dict(scale=0.3), dict(scale=0.3))


def test_sdpa_bool_mask_with_fully_masked_row_gives_zeros():
    m = _rng(1).random((3, 5)) > 0.4
    m[1] = False                                  # query 1 sees no key
    out, pairs = _sdpa_case(dict(attn_mask=m), dict(attn_mask=torch.tensor(m)))
    assert np.all(out.numpy()[:, :, 1] == 0.0)
    assert np.all(np.isfinite(pairs[0][0].grad.numpy()))
    assert np.all(pairs[0][0].grad.numpy()[:, :, 1] == 0.0)


def test_sdpa_float_mask_broadcast_with_inf():
    m = _rng(2).standard_normal((2, 1, 3, 5))
    m[0, 0, 2] = -np.inf
    m[1, 0, 0, :2] = -np.inf
    _sdpa_case(dict(attn_mask=m), dict(attn_mask=torch.tensor(m)))
    # a float mask given as a tensor is differentiable
    mg, mt = _pair(np.where(np.isinf(m), 0.0, m))
    rng = _rng(3)
    q, k, v = (rng.standard_normal(s) for s in ((2, 2, 3, 4), (2, 2, 5, 4), (2, 2, 5, 3)))
    F.scaled_dot_product_attention(q, k, v, attn_mask=mg).sum().backward()
    TF.scaled_dot_product_attention(*map(torch.tensor, (q, k, v)), attn_mask=mt).sum().backward()
    _close(mg.grad, mt.grad)


def test_sdpa_causal_and_3d():
    _sdpa_case(dict(is_causal=True), dict(is_causal=True))
    _sdpa_case(dict(is_causal=True), dict(is_causal=True), shapes=((2, 4, 3), (2, 4, 3),
                                                                   (2, 4, 2)))


def test_sdpa_gqa():
    _sdpa_case(dict(enable_gqa=True), dict(enable_gqa=True),
               shapes=((1, 4, 3, 2), (1, 2, 5, 2), (1, 2, 5, 3)))


def test_sdpa_dropout_is_seeded_and_scales():
    q = tg.tensor(_rng(4).standard_normal((2, 3, 4)))
    tg.manual_seed(0)
    a = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    tg.manual_seed(0)
    b = F.scaled_dot_product_attention(q, q, q, dropout_p=0.5)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    assert not np.allclose(a.numpy(), F.scaled_dot_product_attention(q, q, q).numpy())


def test_sdpa_errors():
    q = tg.ones(2, 3, 4)
    with pytest.raises(ValueError, match="scaled_dot_product_attention: attn_mask"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 3), bool),
                                       is_causal=True)
    with pytest.raises(ValueError, match="scaled_dot_product_attention: query's last dim"):
        F.scaled_dot_product_attention(q, tg.ones(2, 3, 5), q)
    with pytest.raises(TypeError, match="scaled_dot_product_attention: attn_mask"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((3, 3), int))
    with pytest.raises(ValueError, match="scaled_dot_product_attention: attn_mask of shape"):
        F.scaled_dot_product_attention(q, q, q, attn_mask=np.ones((4, 3), bool))
    with pytest.raises(ValueError, match="scaled_dot_product_attention: dropout probability"):
        F.scaled_dot_product_attention(q, q, q, dropout_p=1.5)
    with pytest.raises(TypeError, match="scaled_dot_product_attention: query"):
        F.scaled_dot_product_attention("q", q, q)


# ------------------------------------------------------------------ MultiheadAttention

def _mha_pair(seed=0, **kw):
    torch.manual_seed(seed)
    tmod = torch.nn.MultiheadAttention(dtype=torch.float64, **kw)
    gmod = tg.nn.MultiheadAttention(dtype="float64", **kw)
    # nonzero biases so that every slice of in_proj_bias is exercised
    with torch.no_grad():
        for p in tmod.parameters():
            p.add_(torch.randn(p.shape, dtype=torch.float64) * 0.1)
    _copy(tmod, gmod)
    return gmod, tmod


def _run_mha(gmod, tmod, shapes, fwd=None, seed=0, weights=True):
    fwd = fwd or {}
    rng = _rng(seed)
    pairs = [_pair(rng.standard_normal(s)) for s in shapes]
    conv = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    og, wg = gmod(*(p[0] for p in pairs), **fwd)
    ot, wt = tmod(*(p[1] for p in pairs), **conv)
    _close(og, ot)
    if weights and wt is not None:
        _close(wg, wt)
    else:
        assert wg is None and wt is None
    w = rng.standard_normal(ot.shape)
    loss_g = (og * w).sum()
    loss_t = (ot * torch.tensor(w)).sum()
    if weights and wt is not None:
        w2 = rng.standard_normal(wt.shape)
        loss_g = loss_g + (wg * w2).sum()
        loss_t = loss_t + (wt * torch.tensor(w2)).sum()
    loss_g.backward()
    loss_t.backward()
    _check_grads(gmod, tmod, [p[0] for p in pairs], [p[1] for p in pairs])
    return og, wg


@pytest.mark.parametrize("batch_first", [False, True])
def test_mha_self_attention(batch_first):
    g, t = _mha_pair(embed_dim=4, num_heads=2, batch_first=batch_first)
    shape = (2, 3, 4) if batch_first else (3, 2, 4)
    _run_mha(g, t, [shape] * 3)


def test_mha_kdim_vdim_bias_kv_zero_attn_masks():
    g, t = _mha_pair(embed_dim=4, num_heads=2, kdim=3, vdim=5, add_bias_kv=True,
                     add_zero_attn=True, batch_first=True)
    assert g.in_proj_weight is None and g.q_proj_weight.shape == (4, 4)
    m = _rng(5).random((3, 4)) > 0.5
    kpm = np.array([[False, True, False, False], [True, False, False, True]])
    _run_mha(g, t, [(2, 3, 4), (2, 4, 3), (2, 4, 5)],
             dict(attn_mask=m, key_padding_mask=kpm))


def test_mha_float_masks_per_head_and_no_average():
    g, t = _mha_pair(embed_dim=6, num_heads=3, bias=False)
    rng = _rng(6)
    am = rng.standard_normal((2 * 3, 3, 4))
    kpm = rng.standard_normal((2, 4))
    _run_mha(g, t, [(3, 2, 6), (4, 2, 6), (4, 2, 6)],
             dict(attn_mask=am, key_padding_mask=kpm, average_attn_weights=False))


def test_mha_unbatched_and_need_weights_false_and_causal():
    g, t = _mha_pair(embed_dim=4, num_heads=1)
    causal = np.triu(np.ones((3, 3), bool), 1)
    _run_mha(g, t, [(3, 4)] * 3, dict(attn_mask=causal, key_padding_mask=np.array(
        [False, False, True])))
    _run_mha(g, t, [(3, 2, 4)] * 3, dict(attn_mask=causal, is_causal=True,
                                         need_weights=False), weights=False)


def test_mha_fully_masked_query_gives_zero_not_nan():
    g, _ = _mha_pair(embed_dim=4, num_heads=2, batch_first=True)
    x = tg.tensor(_rng(7).standard_normal((2, 3, 4)), requires_grad=True)
    kpm = np.array([[True, True, True], [False, True, False]])
    out, w = g(x, x, x, key_padding_mask=kpm)
    assert np.all(np.isfinite(out.numpy())) and np.all(w.numpy()[0] == 0.0)
    out.sum().backward()
    assert np.all(np.isfinite(x.grad.numpy()))
    assert np.all(np.isfinite(g.in_proj_weight.grad.numpy()))


def test_mha_dropout_train_and_eval():
    g, t = _mha_pair(embed_dim=4, num_heads=2, dropout=0.5)
    x = tg.tensor(_rng(8).standard_normal((3, 2, 4)))
    tg.manual_seed(1)
    a, _ = g(x, x, x)
    tg.manual_seed(2)
    b, _ = g(x, x, x)
    assert not np.allclose(a.numpy(), b.numpy())
    g.eval()
    t.eval()
    _run_mha(g, t, [(3, 2, 4)] * 3)


def test_mha_errors():
    with pytest.raises(ValueError, match="MultiheadAttention: embed_dim"):
        tg.nn.MultiheadAttention(5, 2)
    with pytest.raises(ValueError, match="MultiheadAttention: num_heads"):
        tg.nn.MultiheadAttention(4, 0)
    m = tg.nn.MultiheadAttention(4, 2)
    x = tg.ones(3, 2, 4)
    with pytest.raises(ValueError, match="MultiheadAttention: key's last dim"):
        m(x, tg.ones(3, 2, 5), x)
    with pytest.raises(ValueError, match="MultiheadAttention: attn_mask must have shape"):
        m(x, x, x, attn_mask=np.zeros((2, 3), bool))
    with pytest.raises(ValueError, match="MultiheadAttention: key_padding_mask"):
        m(x, x, x, key_padding_mask=np.zeros((3, 2), bool))
    with pytest.raises(ValueError, match="MultiheadAttention: is_causal"):
        m(x, x, x, is_causal=True)
    with pytest.raises(TypeError, match="MultiheadAttention: attn_mask"):
        m(x, x, x, attn_mask="causal")
    with pytest.raises(ValueError, match="MultiheadAttention: query, key and value"):
        m(tg.ones(3, 4), x, x)


# ------------------------------------------------------------------ transformer layers

def _layer_pair(name, *args, seed=0, **kw):
    torch.manual_seed(seed)
    tmod = getattr(torch.nn, name)(*args, dtype=torch.float64, **kw)
    gmod = getattr(tg.nn, name)(*args, dtype="float64", **kw)
    with torch.no_grad():                   # move the norms and biases off 1 and 0
        for p in tmod.parameters():
            p.add_(torch.randn(p.shape, dtype=torch.float64) * 0.1)
    _copy(tmod, gmod)
    return gmod, tmod


def _run(gmod, tmod, arrays, fwd=None, seed=0):
    fwd = fwd or {}
    pairs = [_pair(a) for a in arrays]
    conv = {k: torch.tensor(v) if isinstance(v, np.ndarray) else v for k, v in fwd.items()}
    og = gmod(*(p[0] for p in pairs), **fwd)
    ot = tmod(*(p[1] for p in pairs), **conv)
    _close(og, ot)
    w = _rng(seed + 100).standard_normal(ot.shape)
    (og * w).sum().backward()
    (ot * torch.tensor(w)).sum().backward()
    _check_grads(gmod, tmod, [p[0] for p in pairs], [p[1] for p in pairs])
    return og


@pytest.mark.parametrize("norm_first,batch_first,activation", [
    (False, False, "relu"), (True, True, "gelu")])
def test_encoder_layer(norm_first, batch_first, activation):
    g, t = _layer_pair("TransformerEncoderLayer", 4, 2, dim_feedforward=6, dropout=0.2,
                       activation=activation, norm_first=norm_first, batch_first=batch_first)
    g.eval()
    t.eval()
    x = _rng(1).standard_normal((2, 3, 4))         # N=2, S=3
    if not batch_first:
        x = x.transpose(1, 0, 2)
    kpm = np.array([[False, False, True], [False, False, False]])
    mask = _rng(2).standard_normal((3, 3))
    _run(g, t, [x], dict(src_mask=mask, src_key_padding_mask=kpm))
    _run(g, t, [x])


def test_encoder_layer_callable_activation_and_causal_unbatched():
    g, t = _layer_pair("TransformerEncoderLayer", 4, 1, dim_feedforward=5, dropout=0.0,
                       activation=torch.tanh)
    g.activation = tg.tanh
    causal = np.triu(np.ones((3, 3), bool), 1)
    _run(g, t, [_rng(3).standard_normal((3, 4))], dict(src_mask=causal, is_causal=True))


def test_encoder_layer_training_dropout_is_seeded():
    g = tg.nn.TransformerEncoderLayer(4, 2, dim_feedforward=6, dropout=0.5)
    x = tg.tensor(_rng(4).standard_normal((3, 2, 4)))
    tg.manual_seed(3)
    a = g(x)
    tg.manual_seed(3)
    b = g(x)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    g.eval()
    assert not np.allclose(a.numpy(), g(x).numpy())


@pytest.mark.parametrize("norm_first", [False, True])
def test_decoder_layer(norm_first):
    g, t = _layer_pair("TransformerDecoderLayer", 4, 2, dim_feedforward=6,
                       norm_first=norm_first, batch_first=True)
    g.eval()
    t.eval()
    rng = _rng(5)
    tgt, mem = rng.standard_normal((2, 3, 4)), rng.standard_normal((2, 5, 4))
    causal = np.triu(np.ones((3, 3), bool), 1)
    mpm = np.array([[False, False, False, True, True], [False] * 5])
    _run(g, t, [tgt, mem], dict(tgt_mask=causal, memory_key_padding_mask=mpm,
                                tgt_is_causal=True))


def test_encoder_and_decoder_stacks():
    torch.manual_seed(0)
    tl = torch.nn.TransformerEncoderLayer(4, 2, 6, dtype=torch.float64)
    te = torch.nn.TransformerEncoder(tl, 2, norm=torch.nn.LayerNorm(4, dtype=torch.float64),
                                     enable_nested_tensor=False)
    ge = tg.nn.TransformerEncoder(tg.nn.TransformerEncoderLayer(4, 2, 6, dtype="float64"), 2,
                                  norm=tg.nn.LayerNorm(4, dtype="float64"))
    assert ge.layers[0] is not ge.layers[1]
    with torch.no_grad():
        for p in te.parameters():
            p.add_(torch.randn(p.shape, dtype=torch.float64) * 0.1)
    _copy(te, ge)
    ge.eval()
    te.eval()
    x = _rng(6).standard_normal((3, 2, 4))
    causal = np.triu(np.ones((3, 3), bool), 1)
    _run(ge, te, [x], dict(mask=causal))
    _run(ge, te, [x], dict(src_key_padding_mask=np.array([[False, False, True]] * 2)))

    td = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(4, 2, 6,
                                                                      dtype=torch.float64), 2)
    gd = tg.nn.TransformerDecoder(tg.nn.TransformerDecoderLayer(4, 2, 6, dtype="float64"), 2)
    _copy(td, gd)
    gd.eval()
    td.eval()
    rng = _rng(7)
    _run(gd, td, [rng.standard_normal((3, 2, 4)), rng.standard_normal((4, 2, 4))],
         dict(tgt_mask=causal))


def test_second_order_through_encoder_layer():
    g = tg.nn.TransformerEncoderLayer(4, 2, dim_feedforward=5, dropout=0.0, dtype="float64",
                                      activation="gelu")
    x = _rng(8).standard_normal((3, 1, 4))
    mask = np.triu(np.ones((3, 3), bool), 1)

    def f(x):
        return (g(x, src_mask=mask) ** 2).sum()

    assert tg.gradcheck(f, (tg.tensor(x, requires_grad=True),))
    assert tg.gradgradcheck(f, (tg.tensor(x, requires_grad=True),))


def test_transformer_errors():
    with pytest.raises(ValueError, match="TransformerEncoderLayer: activation"):
        tg.nn.TransformerEncoderLayer(4, 2, activation="swish")
    with pytest.raises(TypeError, match="TransformerDecoderLayer: activation"):
        tg.nn.TransformerDecoderLayer(4, 2, activation=3)
    with pytest.raises(ValueError, match="MultiheadAttention: embed_dim"):
        tg.nn.TransformerEncoderLayer(5, 2)
    with pytest.raises(TypeError, match="TransformerEncoder: encoder_layer"):
        tg.nn.TransformerEncoder("layer", 2)
    with pytest.raises(ValueError, match="TransformerEncoder: num_layers"):
        tg.nn.TransformerEncoder(tg.nn.TransformerEncoderLayer(4, 2, 6), -1)
    with pytest.raises(ValueError, match="TransformerEncoderLayer: .*device"):
        tg.nn.TransformerEncoderLayer(4, 2, device="cuda")


def test_docstring_examples_run():
    for mod in (attention, transformer):
        result = doctest.testmod(mod)
        assert result.failed == 0 and result.attempted >= 3, (mod.__name__, result)
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner()
    for t in finder.find(F.scaled_dot_product_attention, "scaled_dot_product_attention"):
        runner.run(t)
    assert runner.failures == 0 and runner.tries > 0


def test_transformer_model_and_subsequent_mask():
    kw = dict(d_model=4, nhead=2, num_encoder_layers=2, num_decoder_layers=1,
              dim_feedforward=6, batch_first=True, norm_first=True)
    g, t = _layer_pair("Transformer", **kw)
    g.eval()
    t.eval()
    mask = tg.nn.Transformer.generate_square_subsequent_mask(3, dtype="float64")
    np.testing.assert_array_equal(
        mask.numpy(), torch.nn.Transformer.generate_square_subsequent_mask(
            3, dtype=torch.float64).numpy())
    rng = _rng(9)
    src, tgt = rng.standard_normal((2, 5, 4)), rng.standard_normal((2, 3, 4))
    spm = np.array([[False] * 4 + [True], [False] * 5])
    _run(g, t, [src, tgt], dict(tgt_mask=mask.numpy(), src_key_padding_mask=spm,
                                memory_key_padding_mask=spm, tgt_is_causal=True))
    # xavier_uniform_ on every matrix: bound sqrt(6 / (fan_in + fan_out)) = 0.77 for
    # linear2 (4, 6), where Linear's own init stays within 1 / sqrt(6) = 0.41
    tg.manual_seed(0)
    w = np.abs(tg.nn.Transformer(**kw).encoder.layers[0].linear2.weight.numpy())
    assert 0.45 < w.max() <= np.sqrt(6 / 10)
    with pytest.raises(ValueError, match="Transformer: the batch number"):
        g(tg.ones(2, 5, 4), tg.ones(3, 3, 4))
    with pytest.raises(ValueError, match="Transformer: the feature number"):
        g(tg.ones(2, 5, 3), tg.ones(2, 3, 4))


def test_second_order_with_fully_masked_rows():
    m = np.array([[True, False, True], [False, False, False], [True, True, True]])
    rng = _rng(10)
    xs = [tg.tensor(rng.standard_normal((2, 3, 2)), requires_grad=True) for _ in range(3)]

    def sdpa(q, k, v):
        return (F.scaled_dot_product_attention(q, k, v, attn_mask=m) ** 2).sum()

    assert tg.gradcheck(sdpa, xs) and tg.gradgradcheck(sdpa, xs)
    g, _ = _mha_pair(embed_dim=4, num_heads=2, batch_first=True)
    kpm = np.array([[True, True, True], [False, True, False]])

    def mha(x):
        out, w = g(x, x, x, key_padding_mask=kpm)
        return (out ** 2).sum() + (w ** 2).sum()

    x = tg.tensor(rng.standard_normal((2, 3, 4)), requires_grad=True)
    assert tg.gradcheck(mha, (x,)) and tg.gradgradcheck(mha, (x,))


def test_tg_function_matches_eager():
    g, _ = _mha_pair(embed_dim=4, num_heads=2, batch_first=True)
    rng = _rng(11)
    x, y = (tg.tensor(rng.standard_normal((2, 3, 4))) for _ in range(2))
    kpm = np.array([[False, False, True], [False, False, False]])
    for f in (lambda x: g(x, x, x, key_padding_mask=kpm)[0], lambda x: g(x, y, y)[1]):
        np.testing.assert_allclose(tg.function(f)(x).numpy(), f(x).numpy(), **TOL)
    enc = tg.nn.TransformerEncoder(tg.nn.TransformerEncoderLayer(
        4, 2, 8, batch_first=True, dtype="float64"), 2)
    enc.eval()
    f = tg.function(lambda x: enc(x, src_key_padding_mask=kpm))
    np.testing.assert_allclose(f(x).numpy(), enc(x, src_key_padding_mask=kpm).numpy(), **TOL)


def test_mha_tensor_float_mask_gets_its_gradient():
    g, t = _mha_pair(embed_dim=4, num_heads=2, add_bias_kv=True, batch_first=True)
    rng = _rng(12)
    x = rng.standard_normal((2, 3, 4))
    mg, mt = _pair(rng.standard_normal((3, 3)))
    out_g = g(x, x, x, attn_mask=mg)[0]
    xt = torch.tensor(x)
    out_t = t(xt, xt, xt, attn_mask=mt)[0]
    _close(out_g, out_t)
    out_g.sum().backward()
    out_t.sum().backward()
    _close(mg.grad, mt.grad)
