"""nn.MultiheadAttention with PyTorch's arguments, parameters and state-dict keys, composed
of recorded ops (matmul, softmax, where, dropout), so gradients of every order come from
the ops' own rules."""
from __future__ import annotations

import math

import numpy as np

from .. import _check, ops
from .._dtypes import as_dtype, check_device, default_float
from .._tensor import Tensor
from . import functional as F
from . import init
from .layers import Linear
from .module import Module
from .parameter import Parameter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import DTypeLike

_NAME = "MultiheadAttention"


def _check_device(device, fn):
    # the one check (and error) of every layer's device= argument
    check_device(device, fn)


def _additive(mask, fn, arg, dtype):
    """A mask in MultiheadAttention's convention (bool True = not allowed, float added) as
    an additive float mask: -inf where a bool mask is True."""
    m = F._attention_mask(mask, fn, arg, dtype)
    if isinstance(m, np.ndarray) and m.dtype == bool:
        return np.where(m, -np.inf, 0.0).astype(dtype)
    return m


class NonDynamicallyQuantizableLinear(Linear):
    """MultiheadAttention's output projection: a Linear under the class name PyTorch
    gives it, so `print(model)` reads the same (the name only matters to PyTorch's
    quantisation tools).

    Args:
        in_features: the input size.
        out_features: the output size.
        bias: whether to add a bias.
        device: "cpu" or None.
        dtype: the parameters' dtype.

    >>> import tapegrad as tg
    >>> tg.nn.MultiheadAttention(4, 2).out_proj
    NonDynamicallyQuantizableLinear(in_features=4, out_features=4, bias=True)
    """


class MultiheadAttention(Module):
    """Multi-head attention (Vaswani et al.) as torch.nn.MultiheadAttention.

    Parameters: `in_proj_weight` (3 * embed_dim, embed_dim) when kdim and vdim equal
    embed_dim, else `q_proj_weight`, `k_proj_weight`, `v_proj_weight`; `in_proj_bias`
    (3 * embed_dim,); `out_proj` (a Linear); `bias_k`, `bias_v` (1, 1, embed_dim) with
    add_bias_kv. Inputs are (L, N, E), or (N, L, E) with batch_first, or unbatched (L, E).
    A query whose keys are all masked gives zeros, not NaN (PyTorch gives NaN when
    need_weights=True and zeros otherwise).

    Args:
        embed_dim: E, the model's feature size, a positive int divisible by num_heads.
        num_heads: the number of heads, a positive int (each of size E / num_heads).
        dropout: the dropout probability on the attention weights in training, in [0, 1]
            (default 0).
        bias: the input and output projections have biases (default True).
        add_bias_kv: append the learned bias_k, bias_v to the keys and values (default
            False).
        add_zero_attn: append a zero key and value (default False).
        kdim: the keys' feature size (default None: embed_dim).
        vdim: the values' feature size (default None: embed_dim).
        batch_first: inputs are (N, L, E) instead of (L, N, E) (default False).
        device: None or "cpu".
        dtype: the dtype of the parameters (default: the default float).

    Called as `mha(query, key, value, key_padding_mask=None, need_weights=True,
    attn_mask=None, average_attn_weights=True, is_causal=False)`; returns
    (output, weights), weights None when need_weights is False.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: embed_dim not divisible by num_heads, a size < 1, dropout outside
            [0, 1], or a device other than the CPU; when called, inputs of mixed or wrong
            ranks, feature sizes or batch sizes.

    >>> import tapegrad as tg
    >>> mha = tg.nn.MultiheadAttention(4, 2, batch_first=True)
    >>> x = tg.ones(3, 5, 4)
    >>> out, w = mha(x, x, x)
    >>> out.shape, w.shape
    ((3, 5, 4), (3, 5, 5))
    """

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0, bias: bool = True,
                 add_bias_kv: bool = False, add_zero_attn: bool = False, kdim: Any = None,
                 vdim: Any = None, batch_first: bool = False, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        fn = _NAME
        self.embed_dim = _check.integer(embed_dim, fn, "embed_dim", low=1)
        self.num_heads = _check.integer(num_heads, fn, "num_heads", low=1)
        if self.embed_dim % self.num_heads:
            raise ValueError(f"{fn}: embed_dim ({embed_dim}) must be divisible by num_heads "
                             f"({num_heads})")
        self.head_dim = self.embed_dim // self.num_heads
        self.kdim = self.embed_dim if kdim is None else _check.integer(kdim, fn, "kdim", low=1)
        self.vdim = self.embed_dim if vdim is None else _check.integer(vdim, fn, "vdim", low=1)
        self._qkv_same_embed_dim = self.kdim == self.embed_dim and self.vdim == self.embed_dim
        self.dropout = F._check_p(dropout, fn)
        bias = _check.flag(bias, fn, "bias")
        add_bias_kv = _check.flag(add_bias_kv, fn, "add_bias_kv")
        self.add_zero_attn = _check.flag(add_zero_attn, fn, "add_zero_attn")
        self.batch_first = _check.flag(batch_first, fn, "batch_first")
        _check_device(device, fn)
        dt = as_dtype(dtype, fn) or default_float()
        e = self.embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = Parameter(np.zeros((3 * e, e), dtype=dt))
            self.register_parameter("q_proj_weight", None)
            self.register_parameter("k_proj_weight", None)
            self.register_parameter("v_proj_weight", None)
        else:
            self.q_proj_weight = Parameter(np.zeros((e, e), dtype=dt))
            self.k_proj_weight = Parameter(np.zeros((e, self.kdim), dtype=dt))
            self.v_proj_weight = Parameter(np.zeros((e, self.vdim), dtype=dt))
            self.register_parameter("in_proj_weight", None)
        if bias:
            self.in_proj_bias = Parameter(np.zeros(3 * e, dtype=dt))
        else:
            self.register_parameter("in_proj_bias", None)
        self.out_proj = NonDynamicallyQuantizableLinear(e, e, bias=bias, dtype=dt)
        if add_bias_kv:
            self.bias_k = Parameter(np.zeros((1, 1, e), dtype=dt))
            self.bias_v = Parameter(np.zeros((1, 1, e), dtype=dt))
        else:
            self.bias_k = self.bias_v = None
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            init.xavier_uniform_(self.in_proj_weight)
        else:
            init.xavier_uniform_(self.q_proj_weight)
            init.xavier_uniform_(self.k_proj_weight)
            init.xavier_uniform_(self.v_proj_weight)
        if self.in_proj_bias is not None:
            init.constant_(self.in_proj_bias, 0.0)
            init.constant_(self.out_proj.bias, 0.0)
        if self.bias_k is not None:
            init.xavier_normal_(self.bias_k)
            init.xavier_normal_(self.bias_v)

    def _projections(self, query, key, value):
        e = self.embed_dim
        w, b = self.in_proj_weight, self.in_proj_bias
        if self._qkv_same_embed_dim and query is key and key is value:
            # self-attention: one product with the packed weight, then three column blocks
            return ops.chunk(F.linear(query, w, b), 3, -1)
        # rows gathered with take rather than sliced: tg.function rejects a slice of a
        # parameter that was written in place before (its init) as an in-place change
        rows = [np.arange(i * e, (i + 1) * e) for i in range(3)]
        if self._qkv_same_embed_dim:
            wq, wk, wv = (ops.take(w, r, axis=0) for r in rows)
        else:
            wq, wk, wv = self.q_proj_weight, self.k_proj_weight, self.v_proj_weight
        bq, bk, bv = (None,) * 3 if b is None else (ops.take(b, r, axis=0) for r in rows)
        return F.linear(query, wq, bq), F.linear(key, wk, bk), F.linear(value, wv, bv)

    def _inputs(self, query, key, value):
        """(N, L, E)-shaped query, key, value, and whether the input was unbatched."""
        fn = _NAME
        arrays = [F._numeric(t, fn, a) for t, a in ((query, "query"), (key, "key"),
                                                    (value, "value"))]
        dims = [a.ndim for a in arrays]
        if dims not in ([2, 2, 2], [3, 3, 3]):
            raise ValueError(f"{fn}: query, key and value must all be 3-D (batched) or all 2-D "
                             f"(unbatched), got shapes {[a.shape for a in arrays]}")
        for a, x, d in (("query", arrays[0], self.embed_dim), ("key", arrays[1], self.kdim),
                        ("value", arrays[2], self.vdim)):
            if x.shape[-1] != d:
                raise ValueError(f"{fn}: {a}'s last dim must be {d}, got shape {x.shape}")
        unbatched = dims[0] == 2
        if unbatched:
            ts = [ops.expand_dims(t, 0) for t in (query, key, value)]
        elif not self.batch_first:
            ts = [ops.swapaxes(t, 0, 1) for t in (query, key, value)]
        else:
            ts = [query, key, value]
        if query is key and key is value:
            ts = [ts[0]] * 3            # keeps self-attention's one packed projection
        n = ts[0].shape[0]
        if ts[1].shape[0] != n or ts[2].shape[0] != n:
            raise ValueError(f"{fn}: query, key and value must have the same batch size, got "
                             f"shapes {[a.shape for a in arrays]}")
        if ts[1].shape[1] != ts[2].shape[1]:
            raise ValueError(f"{fn}: key and value must have the same length, got shapes "
                             f"{arrays[1].shape} and {arrays[2].shape}")
        return ts, unbatched

    def forward(self, query: Tensor, key: Tensor, value: Tensor, key_padding_mask: Any = None,
                need_weights: bool = True, attn_mask: Tensor | None = None,
                average_attn_weights: bool = True, is_causal: bool = False) -> Any:
        fn = _NAME
        need_weights = _check.flag(need_weights, fn, "need_weights")
        average_attn_weights = _check.flag(average_attn_weights, fn, "average_attn_weights")
        is_causal = _check.flag(is_causal, fn, "is_causal")
        (q, k, v), unbatched = self._inputs(query, key, value)
        n, tgt_len, _ = q.shape
        h, d = self.num_heads, self.head_dim
        dtype = np.result_type(q.dtype, default_float())
        if is_causal and attn_mask is None:
            raise ValueError(f"{fn}: is_causal is a hint that attn_mask is the causal mask; "
                             "attn_mask must be given with it")
        if is_causal and key_padding_mask is None and not need_weights:
            # PyTorch then builds the causal mask itself, ignoring attn_mask's values
            attn_mask = np.triu(np.ones((tgt_len, k.shape[1]), dtype=bool), 1)
        q, k, v = self._projections(q, k, v)
        mask = self._attn_mask(attn_mask, n, tgt_len, k.shape[1], unbatched, dtype)
        kpm = self._padding_mask(key_padding_mask, n, k.shape[1], unbatched, dtype)
        if self.bias_k is not None:
            k = ops.cat([k, ops.broadcast_to(self.bias_k, (n, 1, self.embed_dim))], axis=1)
            v = ops.cat([v, ops.broadcast_to(self.bias_v, (n, 1, self.embed_dim))], axis=1)
            mask, kpm = self._pad_masks(mask, kpm)
        if self.add_zero_attn:
            zeros = np.zeros((n, 1, self.embed_dim), dtype=q.dtype)
            k, v = ops.cat([k, zeros], axis=1), ops.cat([v, zeros], axis=1)
            mask, kpm = self._pad_masks(mask, kpm)
        # (N, L, E) -> (N, H, L, head_dim)
        q, k, v = (ops.swapaxes(ops.reshape(t, (n, t.shape[1], h, d)), 1, 2) for t in (q, k, v))
        scores = ops.matmul(q, ops.swapaxes(k, -2, -1)) * (1.0 / math.sqrt(d))
        for m in (mask, kpm):
            if m is not None:
                scores = scores + m
        attn = ops.softmax(scores, -1)
        if self.training and self.dropout > 0.0:
            attn = F.dropout(attn, self.dropout, True)
        out = ops.reshape(ops.swapaxes(ops.matmul(attn, v), 1, 2), (n, tgt_len, self.embed_dim))
        out = self.out_proj(out)
        if unbatched:
            out = ops.squeeze(out, 0)
        elif not self.batch_first:
            out = ops.swapaxes(out, 0, 1)
        if not need_weights:
            return out, None
        weights = ops.mean(attn, axis=1) if average_attn_weights else attn
        if unbatched:
            weights = ops.squeeze(weights, 0)
        return out, weights

    def _attn_mask(self, attn_mask, n, tgt_len, src_len, unbatched, dtype):
        """attn_mask (L, S) or (N * H, L, S) as an additive (1 or N, 1 or H, L, S) mask."""
        if attn_mask is None:
            return None
        fn = _NAME
        m = _additive(attn_mask, fn, "attn_mask", dtype)
        shape = tuple(m.shape)
        h = self.num_heads
        if shape == (tgt_len, src_len):
            return ops.reshape(m, (1, 1, tgt_len, src_len)) if isinstance(m, Tensor) \
                else m.reshape(1, 1, tgt_len, src_len)
        if shape == (n * h, tgt_len, src_len):
            return ops.reshape(m, (n, h, tgt_len, src_len)) if isinstance(m, Tensor) \
                else m.reshape(n, h, tgt_len, src_len)
        want = f"({tgt_len}, {src_len}) or ({n * h}, {tgt_len}, {src_len})"
        if unbatched:
            want = f"({tgt_len}, {src_len}) or ({h}, {tgt_len}, {src_len})"
        raise ValueError(f"{fn}: attn_mask must have shape {want}, got {shape}")

    def _padding_mask(self, key_padding_mask, n, src_len, unbatched, dtype):
        """key_padding_mask (N, S), or (S,) unbatched, as an additive (N, 1, 1, S) mask."""
        if key_padding_mask is None:
            return None
        fn = _NAME
        m = _additive(key_padding_mask, fn, "key_padding_mask", dtype)
        want = (src_len,) if unbatched else (n, src_len)
        if tuple(m.shape) != want:
            raise ValueError(f"{fn}: key_padding_mask must have shape {want}, got "
                             f"{tuple(m.shape)}")
        return ops.reshape(m, (n, 1, 1, src_len)) if isinstance(m, Tensor) \
            else m.reshape(n, 1, 1, src_len)

    @staticmethod
    def _pad_masks(mask, kpm):
        """One more key (bias_k or the zero key) that every query may attend to."""
        def pad(m):
            if m is None:
                return None
            if isinstance(m, Tensor):
                return ops.cat([m, np.zeros(m.shape[:-1] + (1,), dtype=m.dtype)], axis=-1)
            return np.pad(m, [(0, 0)] * (m.ndim - 1) + [(0, 1)])
        return pad(mask), pad(kpm)


# the names `from tapegrad.nn.attention import *` gives (tests/test_all.py)
__all__ = ["MultiheadAttention", "NonDynamicallyQuantizableLinear"]
