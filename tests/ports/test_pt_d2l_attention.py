"""Dive into Deep Learning, "Attention Scoring Functions" and "Multi-Head Attention":
sequence_mask by broadcasting arange(maxlen)[None, :] < valid_len[:, None] and X[~mask] =
value, masked_softmax through repeat_interleave, AdditiveAttention (queries.unsqueeze(2) +
keys.unsqueeze(1), tanh, squeeze(-1)), DotProductAttention with torch.bmm and
transpose(1, 2), MultiHeadAttention with transpose_qkv / transpose_output (permute,
reshape), attention weights read back after the call. Weights come from a NumPy
generator, so tapegrad and torch are compared value for value in float64."""
import numpy as np
import pytest

from ._port import run

PROGRAM = r'''
import math
import numpy as np
import tapegrad as torch
from tapegrad import nn

rng = np.random.default_rng(0)


def sequence_mask(X, valid_len, value=0):
    maxlen = X.size(1)
    mask = torch.arange((maxlen), dtype=torch.float32,
                        device=X.device)[None, :] < valid_len[:, None]
    X[~mask] = value
    return X


def masked_softmax(X, valid_lens):
    if valid_lens is None:
        return nn.functional.softmax(X, dim=-1)
    else:
        shape = X.shape
        if valid_lens.dim() == 1:
            valid_lens = torch.repeat_interleave(valid_lens, shape[1])
        else:
            valid_lens = valid_lens.reshape(-1)
        X = sequence_mask(X.reshape(-1, shape[-1]), valid_lens, value=-1e6)
        return nn.functional.softmax(X.reshape(shape), dim=-1)


X = torch.tensor(rng.random((2, 2, 4)))
ms1 = masked_softmax(X, torch.tensor([2, 3]))
ms2 = masked_softmax(X, torch.tensor([[1, 3], [2, 4]]))
print(ms1)
print(ms2)


def set_weights(module):
    module.double()
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.tensor(rng.normal(0, 0.5, tuple(p.shape))))


class AdditiveAttention(nn.Module):
    def __init__(self, key_size, query_size, num_hiddens, dropout, **kwargs):
        super(AdditiveAttention, self).__init__(**kwargs)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=False)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=False)
        self.w_v = nn.Linear(num_hiddens, 1, bias=False)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens):
        queries, keys = self.W_q(queries), self.W_k(keys)
        features = queries.unsqueeze(2) + keys.unsqueeze(1)
        features = torch.tanh(features)
        scores = self.w_v(features).squeeze(-1)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


queries = torch.tensor(rng.normal(0, 1, (2, 1, 20)))
keys = torch.ones((2, 10, 2), dtype=torch.float64)
values = torch.arange(40, dtype=torch.float64).reshape(1, 10, 4).repeat(2, 1, 1)
valid_lens = torch.tensor([2, 6])
attention = AdditiveAttention(key_size=2, query_size=20, num_hiddens=8, dropout=0.1)
set_weights(attention)
attention.eval()
add_out = attention(queries, keys, values, valid_lens)
print(add_out)
add_weights = attention.attention_weights.detach()


class DotProductAttention(nn.Module):
    def __init__(self, dropout, **kwargs):
        super(DotProductAttention, self).__init__(**kwargs)
        self.dropout = nn.Dropout(dropout)

    def forward(self, queries, keys, values, valid_lens=None):
        d = queries.shape[-1]
        scores = torch.bmm(queries, keys.transpose(1, 2)) / math.sqrt(d)
        self.attention_weights = masked_softmax(scores, valid_lens)
        return torch.bmm(self.dropout(self.attention_weights), values)


queries = torch.tensor(rng.normal(0, 1, (2, 1, 2)))
attention = DotProductAttention(dropout=0.5)
attention.eval()
dot_out = attention(queries, keys, values, valid_lens)
dot_weights = attention.attention_weights


def transpose_qkv(X, num_heads):
    X = X.reshape(X.shape[0], X.shape[1], num_heads, -1)
    X = X.permute(0, 2, 1, 3)
    return X.reshape(-1, X.shape[2], X.shape[3])


def transpose_output(X, num_heads):
    X = X.reshape(-1, num_heads, X.shape[1], X.shape[2])
    X = X.permute(0, 2, 1, 3)
    return X.reshape(X.shape[0], X.shape[1], -1)


class MultiHeadAttention(nn.Module):
    def __init__(self, key_size, query_size, value_size, num_hiddens,
                 num_heads, dropout, bias=False, **kwargs):
        super(MultiHeadAttention, self).__init__(**kwargs)
        self.num_heads = num_heads
        self.attention = DotProductAttention(dropout)
        self.W_q = nn.Linear(query_size, num_hiddens, bias=bias)
        self.W_k = nn.Linear(key_size, num_hiddens, bias=bias)
        self.W_v = nn.Linear(value_size, num_hiddens, bias=bias)
        self.W_o = nn.Linear(num_hiddens, num_hiddens, bias=bias)

    def forward(self, queries, keys, values, valid_lens):
        queries = transpose_qkv(self.W_q(queries), self.num_heads)
        keys = transpose_qkv(self.W_k(keys), self.num_heads)
        values = transpose_qkv(self.W_v(values), self.num_heads)
        if valid_lens is not None:
            valid_lens = torch.repeat_interleave(
                valid_lens, repeats=self.num_heads, dim=0)
        output = self.attention(queries, keys, values, valid_lens)
        output_concat = transpose_output(output, self.num_heads)
        return self.W_o(output_concat)


num_hiddens, num_heads = 20, 5
attention = MultiHeadAttention(num_hiddens, num_hiddens, num_hiddens,
                               num_hiddens, num_heads, 0.5)
set_weights(attention)
attention.eval()
print(attention)
mha_repr = repr(attention)
batch_size, num_queries = 2, 4
num_kvpairs, valid_lens = 6, torch.tensor([3, 2])
X = torch.tensor(rng.normal(0, 1, (batch_size, num_queries, num_hiddens)))
Y = torch.tensor(rng.normal(0, 1, (batch_size, num_kvpairs, num_hiddens)))
X.requires_grad_()
mha_out = attention(X, Y, Y, valid_lens)
print(mha_out.shape)
mha_out.square().sum().backward()
mha_x_grad = X.grad
mha_wq_grad = attention.W_q.weight.grad
'''


def _np(t):
    return t.detach().numpy()


def test_attention_matches_torch():
    pytest.importorskip("torch")
    ours, _ = run(PROGRAM, "d2l_attention")
    theirs, _ = run(PROGRAM, "d2l_attention", "torch")
    for name in ("ms1", "ms2", "add_out", "add_weights", "dot_out", "dot_weights",
                 "mha_out", "mha_x_grad", "mha_wq_grad"):
        np.testing.assert_allclose(_np(ours[name]), _np(theirs[name]), rtol=1e-10,
                                   atol=1e-12, err_msg=name)
    assert ours["mha_repr"] == theirs["mha_repr"]


def test_attention_masks():
    ns, out = run(PROGRAM, "d2l_attention")
    ms1 = ns["ms1"].numpy()
    np.testing.assert_array_equal(ms1[0, :, 2:], 0.0)
    np.testing.assert_array_equal(ms1[1, :, 3:], 0.0)
    np.testing.assert_allclose(ms1.sum(-1), 1.0)
    # keys are all ones: the additive weights are uniform over the valid keys
    np.testing.assert_allclose(ns["add_weights"].numpy()[0, 0, :2], 0.5)
    np.testing.assert_allclose(ns["add_out"].numpy()[1, 0], [10, 11, 12, 13])
    assert tuple(ns["mha_out"].shape) == (2, 4, 20)
    assert ns["mha_x_grad"].shape == (2, 4, 20)
