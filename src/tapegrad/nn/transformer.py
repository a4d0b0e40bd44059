"""Transformer layers as torch.nn: TransformerEncoderLayer, TransformerDecoderLayer,
TransformerEncoder, TransformerDecoder and Transformer, with PyTorch's arguments, submodule
names and state-dict keys (self_attn, linear1, dropout, linear2, norm1, norm2, dropout1,
dropout2)."""
from __future__ import annotations

import copy

import numpy as np

from .. import _check
from .._dtypes import as_dtype, default_float
from .._tensor import make
from . import functional as F
from . import init
from .attention import MultiheadAttention, _check_device
from .layers import Dropout, LayerNorm, Linear, ModuleList
from .module import Module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._typing import ArrayLike, DTypeLike


def _activation(activation, fn):
    """'relu' / 'gelu' as PyTorch's functional forms; a callable (function or module) kept."""
    if isinstance(activation, str):
        if activation == "relu":
            return F.relu
        if activation == "gelu":
            return F.gelu
        raise ValueError(f"{fn}: activation should be relu/gelu, not {activation!r}")
    if not callable(activation):
        raise TypeError(f"{fn}: activation must be 'relu', 'gelu' or a callable, got "
                        f"{_check._got(activation)}")
    return activation


def _common(self, fn, d_model, nhead, dim_feedforward, dropout, activation, layer_norm_eps,
            batch_first, norm_first, bias, device, dtype):
    """The feed-forward block, norms 1-2 and their dropouts, shared by both layers."""
    _check.integer(d_model, fn, "d_model", low=1)
    _check.integer(nhead, fn, "nhead", low=1)
    _check.integer(dim_feedforward, fn, "dim_feedforward", low=1)
    F._check_p(dropout, fn)
    _check_device(device, fn)
    self.norm_first = _check.flag(norm_first, fn, "norm_first")
    self.batch_first = _check.flag(batch_first, fn, "batch_first")
    self.self_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                        batch_first=batch_first, dtype=dtype)
    self.linear1 = Linear(d_model, dim_feedforward, bias=bias, dtype=dtype)
    self.dropout = Dropout(dropout)
    self.linear2 = Linear(dim_feedforward, d_model, bias=bias, dtype=dtype)
    return _activation(activation, fn)


class TransformerEncoderLayer(Module):
    """Self-attention and a feed-forward block, each with a residual connection and a
    LayerNorm (after the residual, or before the block with norm_first=True).

    Input (S, N, E), or (N, S, E) with batch_first, or unbatched (S, E).

    Args:
        d_model: E, the number of features, a positive int divisible by nhead.
        nhead: the number of attention heads, a positive int.
        dim_feedforward: the hidden width of the feed-forward block (default 2048).
        dropout: the dropout probability, in [0, 1] (default 0.1).
        activation: 'relu' (default), 'gelu', or a callable (a function or a Module).
        layer_norm_eps: the eps of the LayerNorms (default 1e-5).
        batch_first: inputs are (N, S, E) instead of (S, N, E) (default False).
        norm_first: LayerNorm before each block instead of after the residual (default
            False).
        bias: the Linear, attention and LayerNorm layers have biases (default True).
        device: None or "cpu".
        dtype: the dtype of the parameters (default: the default float).

    Called as `layer(src, src_mask=None, src_key_padding_mask=None, is_causal=False)`;
    returns a tensor of src's shape.

    Raises:
        TypeError: an argument has the wrong type, or activation is neither a known name
            nor callable.
        ValueError: a size < 1, d_model not divisible by nhead, dropout outside [0, 1], an
            activation name other than 'relu' or 'gelu', or a device other than the CPU.

    >>> import tapegrad as tg
    >>> layer = tg.nn.TransformerEncoderLayer(d_model=4, nhead=2, dim_feedforward=8)
    >>> layer(tg.ones(5, 3, 4)).shape
    (5, 3, 4)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        fn = "TransformerEncoderLayer"
        activation = _common(self, fn, d_model, nhead, dim_feedforward, dropout, activation,
                layer_norm_eps, batch_first, norm_first, bias, device, dtype)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.activation = activation        # last, as PyTorch registers it

    def forward(self, src: ArrayLike, src_mask: Any = None, src_key_padding_mask: Any = None,
                is_causal: bool = False) -> Any:
        x = src
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), src_mask, src_key_padding_mask, is_causal)
            x = x + self._ff_block(self.norm2(x))
        else:
            x = self.norm1(x + self._sa_block(x, src_mask, src_key_padding_mask, is_causal))
            x = self.norm2(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           need_weights=False, is_causal=is_causal)[0]
        return self.dropout1(x)

    def _ff_block(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))


class TransformerDecoderLayer(Module):
    """Self-attention, attention over the encoder's output (`memory`) and a feed-forward
    block, each with a residual connection and a LayerNorm (norm1, norm2, norm3).

    Args:
        d_model: E, the number of features, a positive int divisible by nhead.
        nhead: the number of attention heads, a positive int.
        dim_feedforward: the hidden width of the feed-forward block (default 2048).
        dropout: the dropout probability, in [0, 1] (default 0.1).
        activation: 'relu' (default), 'gelu', or a callable (a function or a Module).
        layer_norm_eps: the eps of the LayerNorms (default 1e-5).
        batch_first: inputs are (N, S, E) instead of (S, N, E) (default False).
        norm_first: LayerNorm before each block instead of after the residual (default
            False).
        bias: the Linear, attention and LayerNorm layers have biases (default True).
        device: None or "cpu".
        dtype: the dtype of the parameters (default: the default float).

    Called as `layer(tgt, memory, tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=False,
    memory_is_causal=False)`; returns a tensor of tgt's shape.

    Raises:
        TypeError: an argument has the wrong type, or activation is neither a known name
            nor callable.
        ValueError: a size < 1, d_model not divisible by nhead, dropout outside [0, 1], an
            activation name other than 'relu' or 'gelu', or a device other than the CPU.

    >>> import tapegrad as tg
    >>> layer = tg.nn.TransformerDecoderLayer(d_model=4, nhead=2, dim_feedforward=8)
    >>> layer(tg.ones(5, 3, 4), tg.ones(6, 3, 4)).shape
    (5, 3, 4)
    """

    def __init__(self, d_model: int, nhead: int, dim_feedforward: int = 2048,
                 dropout: float = 0.1, activation: str = "relu", layer_norm_eps: float = 1e-5,
                 batch_first: bool = False, norm_first: bool = False, bias: bool = True,
                 device: str | None = None, dtype: DTypeLike = None) -> None:
        super().__init__()
        fn = "TransformerDecoderLayer"
        activation = _common(self, fn, d_model, nhead, dim_feedforward, dropout, activation,
                layer_norm_eps, batch_first, norm_first, bias, device, dtype)
        # registered after self_attn and before linear1, as in PyTorch's state dict
        self.multihead_attn = MultiheadAttention(d_model, nhead, dropout=dropout, bias=bias,
                                                 batch_first=batch_first, dtype=dtype)
        for name in ("linear1", "dropout", "linear2"):
            self._modules[name] = self._modules.pop(name)
        self.norm1 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm2 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.norm3 = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
        self.dropout1 = Dropout(dropout)
        self.dropout2 = Dropout(dropout)
        self.dropout3 = Dropout(dropout)
        self.activation = activation

    def forward(self, tgt: Any, memory: Any, tgt_mask: Any = None, memory_mask: Any = None,
                tgt_key_padding_mask: Any = None, memory_key_padding_mask: Any = None,
                tgt_is_causal: bool = False, memory_is_causal: bool = False) -> Any:
        x = tgt
        if self.norm_first:
            x = x + self._sa_block(self.norm1(x), tgt_mask, tgt_key_padding_mask,
                                   tgt_is_causal)
            x = x + self._mha_block(self.norm2(x), memory, memory_mask,
                                    memory_key_padding_mask, memory_is_causal)
            x = x + self._ff_block(self.norm3(x))
        else:
            x = self.norm1(x + self._sa_block(x, tgt_mask, tgt_key_padding_mask,
                                              tgt_is_causal))
            x = self.norm2(x + self._mha_block(x, memory, memory_mask,
                                               memory_key_padding_mask, memory_is_causal))
            x = self.norm3(x + self._ff_block(x))
        return x

    def _sa_block(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(x, x, x, attn_mask=attn_mask, key_padding_mask=key_padding_mask,
                           is_causal=is_causal, need_weights=False)[0]
        return self.dropout1(x)

    def _mha_block(self, x, mem, attn_mask, key_padding_mask, is_causal):
        x = self.multihead_attn(x, mem, mem, attn_mask=attn_mask,
                                key_padding_mask=key_padding_mask, is_causal=is_causal,
                                need_weights=False)[0]
        return self.dropout2(x)

    def _ff_block(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))


def _clones(layer, num_layers, fn, kind):
    if not isinstance(layer, Module):
        raise TypeError(f"{fn}: {kind} must be a Module, got {_check._got(layer)}")
    n = _check.integer(num_layers, fn, "num_layers", low=0)
    return ModuleList([copy.deepcopy(layer) for _ in range(n)])


def _causal_hint(is_causal, mask, fn, arg):
    """PyTorch's None: the mask is causal when it equals the square causal mask."""
    if is_causal is not None:
        return _check.flag(is_causal, fn, arg)
    if mask is None:
        return False
    m = np.asarray(mask.detach().numpy() if hasattr(mask, "detach") else mask)
    if m.ndim != 2 or m.shape[0] != m.shape[1]:
        return False
    upper = np.triu(np.ones(m.shape, dtype=bool), 1)
    if m.dtype == bool:
        return bool(np.array_equal(m, upper))
    return bool(np.array_equal(np.where(upper, -np.inf, 0.0), m))


class TransformerEncoder(Module):
    """`num_layers` deep copies of `encoder_layer` applied in turn, then `norm` if given.
    `enable_nested_tensor` and `mask_check` are accepted and ignored (PyTorch's fast path).

    Args:
        encoder_layer: the layer to copy (a Module, usually a TransformerEncoderLayer).
        num_layers: the number of copies, an int >= 0.
        norm: an optional Module applied to the output (e.g. a LayerNorm).
        enable_nested_tensor: accepted for PyTorch's signature; ignored.
        mask_check: accepted for PyTorch's signature; ignored.

    Called as `encoder(src, mask=None, src_key_padding_mask=None, is_causal=None)`
    (is_causal None: detected from the mask).

    Raises:
        TypeError: encoder_layer is not a Module, or num_layers is not an int.
        ValueError: num_layers < 0.

    >>> import tapegrad as tg
    >>> layer = tg.nn.TransformerEncoderLayer(4, 2, dim_feedforward=8, batch_first=True)
    >>> tg.nn.TransformerEncoder(layer, num_layers=2)(tg.ones(3, 5, 4)).shape
    (3, 5, 4)
    """

    def __init__(self, encoder_layer: Any, num_layers: int, norm: Any = None,
                 enable_nested_tensor: bool = True, mask_check: bool = True) -> None:
        super().__init__()
        fn = "TransformerEncoder"
        self.layers = _clones(encoder_layer, num_layers, fn, "encoder_layer")
        self.num_layers = len(self.layers)
        self.norm = norm

    def forward(self, src: ArrayLike, mask: ArrayLike | None = None,
                src_key_padding_mask: Any = None, is_causal: bool | None = None) -> Any:
        is_causal = _causal_hint(is_causal, mask, "TransformerEncoder", "is_causal")
        out = src
        for layer in self.layers:
            out = layer(out, src_mask=mask, src_key_padding_mask=src_key_padding_mask,
                        is_causal=is_causal)
        return self.norm(out) if self.norm is not None else out


class TransformerDecoder(Module):
    """`num_layers` deep copies of `decoder_layer` applied in turn, then `norm` if given.

    Args:
        decoder_layer: the layer to copy (a Module, usually a TransformerDecoderLayer).
        num_layers: the number of copies, an int >= 0.
        norm: an optional Module applied to the output (e.g. a LayerNorm).

    Called as `decoder(tgt, memory, tgt_mask=None, memory_mask=None,
    tgt_key_padding_mask=None, memory_key_padding_mask=None, tgt_is_causal=None,
    memory_is_causal=False)`.

    Raises:
        TypeError: decoder_layer is not a Module, or num_layers is not an int.
        ValueError: num_layers < 0.

    >>> import tapegrad as tg
    >>> layer = tg.nn.TransformerDecoderLayer(4, 2, dim_feedforward=8)
    >>> tg.nn.TransformerDecoder(layer, 2)(tg.ones(5, 3, 4), tg.ones(6, 3, 4)).shape
    (5, 3, 4)
    """

    def __init__(self, decoder_layer: Any, num_layers: int, norm: Any = None) -> None:
        super().__init__()
        self.layers = _clones(decoder_layer, num_layers, "TransformerDecoder", "decoder_layer")
        self.num_layers = len(self.layers)
        self.norm = norm

    def forward(self, tgt: Any, memory: Any, tgt_mask: Any = None, memory_mask: Any = None,
                tgt_key_padding_mask: Any = None, memory_key_padding_mask: Any = None,
                tgt_is_causal: Any = None, memory_is_causal: bool = False) -> Any:
        tgt_is_causal = _causal_hint(tgt_is_causal, tgt_mask, "TransformerDecoder",
                                     "tgt_is_causal")
        out = tgt
        for layer in self.layers:
            out = layer(out, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                        tgt_key_padding_mask=tgt_key_padding_mask,
                        memory_key_padding_mask=memory_key_padding_mask,
                        tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)
        return self.norm(out) if self.norm is not None else out


class Transformer(Module):
    """The encoder-decoder model of "Attention Is All You Need", as torch.nn.Transformer:
    `encoder` (TransformerEncoder with a final LayerNorm) and `decoder` (likewise), every
    matrix parameter re-initialised with xavier_uniform_.

    Args:
        d_model: E, the number of features (default 512), divisible by nhead.
        nhead: the number of attention heads (default 8).
        num_encoder_layers: the encoder's depth (default 6).
        num_decoder_layers: the decoder's depth (default 6).
        dim_feedforward: the hidden width of the feed-forward blocks (default 2048).
        dropout: the dropout probability, in [0, 1] (default 0.1).
        activation: 'relu' (default), 'gelu', or a callable.
        custom_encoder: a Module used instead of the built encoder.
        custom_decoder: a Module used instead of the built decoder.
        layer_norm_eps: the eps of the LayerNorms (default 1e-5).
        batch_first: inputs are (N, S, E) instead of (S, N, E) (default False).
        norm_first: LayerNorm before each block (default False).
        bias: the layers have biases (default True).
        device: None or "cpu".
        dtype: the dtype of the parameters (default: the default float).

    Called as `model(src, tgt, src_mask=None, tgt_mask=None, memory_mask=None,
    src_key_padding_mask=None, tgt_key_padding_mask=None, memory_key_padding_mask=None,
    src_is_causal=None, tgt_is_causal=None, memory_is_causal=False)`; returns a tensor of
    tgt's shape.

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: as the layers' arguments; when called, src and tgt with different
            batch sizes or a feature size other than d_model.

    >>> import tapegrad as tg
    >>> model = tg.nn.Transformer(d_model=4, nhead=2, num_encoder_layers=1,
    ...                           num_decoder_layers=1, dim_feedforward=8)
    >>> mask = tg.nn.Transformer.generate_square_subsequent_mask(5)
    >>> model(tg.ones(6, 3, 4), tg.ones(5, 3, 4), tgt_mask=mask).shape
    (5, 3, 4)
    """

    def __init__(self, d_model: int = 512, nhead: int = 8, num_encoder_layers: int = 6,
                 num_decoder_layers: int = 6, dim_feedforward: int = 2048, dropout: float = 0.1,
                 activation: str = "relu", custom_encoder: Any = None, custom_decoder: Any = None,
                 layer_norm_eps: float = 1e-5, batch_first: bool = False, norm_first: bool = False,
                 bias: bool = True, device: str | None = None, dtype: DTypeLike = None) -> None:
        _check_device(device, "Transformer")     # named as the caller wrote it
        super().__init__()
        kw = dict(dropout=dropout, activation=activation, layer_norm_eps=layer_norm_eps,
                  batch_first=batch_first, norm_first=norm_first, bias=bias, device=device,
                  dtype=dtype)
        if custom_encoder is not None:
            self.encoder = custom_encoder
        else:
            layer = TransformerEncoderLayer(d_model, nhead, dim_feedforward, **kw)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.encoder = TransformerEncoder(layer, num_encoder_layers, norm)
        if custom_decoder is not None:
            self.decoder = custom_decoder
        else:
            layer = TransformerDecoderLayer(d_model, nhead, dim_feedforward, **kw)
            norm = LayerNorm(d_model, eps=layer_norm_eps, bias=bias, dtype=dtype)
            self.decoder = TransformerDecoder(layer, num_decoder_layers, norm)
        self.d_model = d_model
        self.nhead = nhead
        self.batch_first = batch_first
        for p in self.parameters():
            if p.ndim > 1:
                init.xavier_uniform_(p)

    def forward(self, src: ArrayLike, tgt: Any, src_mask: Any = None, tgt_mask: Any = None,
                memory_mask: Any = None, src_key_padding_mask: Any = None,
                tgt_key_padding_mask: Any = None, memory_key_padding_mask: Any = None,
                src_is_causal: Any = None, tgt_is_causal: Any = None,
                memory_is_causal: bool = False) -> Any:
        fn = "Transformer"
        s, t = F._numeric(src, fn, "src"), F._numeric(tgt, fn, "tgt")
        batch_dim = 0 if self.batch_first else 1
        if s.ndim == 3 and t.ndim == 3 and s.shape[batch_dim] != t.shape[batch_dim]:
            raise ValueError(f"{fn}: the batch number of src and tgt must be equal, got "
                             f"shapes {s.shape} and {t.shape}")
        if s.shape[-1] != self.d_model or t.shape[-1] != self.d_model:
            raise ValueError(f"{fn}: the feature number of src and tgt must be equal to "
                             f"d_model ({self.d_model}), got shapes {s.shape} and {t.shape}")
        memory = self.encoder(src, mask=src_mask, src_key_padding_mask=src_key_padding_mask,
                              is_causal=src_is_causal)
        return self.decoder(tgt, memory, tgt_mask=tgt_mask, memory_mask=memory_mask,
                            tgt_key_padding_mask=tgt_key_padding_mask,
                            memory_key_padding_mask=memory_key_padding_mask,
                            tgt_is_causal=tgt_is_causal, memory_is_causal=memory_is_causal)

    @staticmethod
    def generate_square_subsequent_mask(sz: int, device=None, dtype=None):
        """A (sz, sz) float mask: -inf above the diagonal (future positions), 0 elsewhere."""
        fn = "generate_square_subsequent_mask"
        sz = _check.integer(sz, fn, "sz", low=0)
        _check_device(device, fn)
        dt = as_dtype(dtype, fn) or default_float()
        upper = np.triu(np.ones((sz, sz), dtype=bool), 1)
        return make(np.where(upper, -np.inf, 0.0).astype(dt))

# the names `from tapegrad.nn.transformer import *` gives (tests/test_all.py)
__all__ = ["TransformerEncoderLayer", "TransformerDecoderLayer", "TransformerEncoder",
           "TransformerDecoder", "Transformer"]
