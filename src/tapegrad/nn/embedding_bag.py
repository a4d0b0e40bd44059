"""nn.EmbeddingBag: the sums, means or maxima of bags of embedding rows (issue 18)."""
from __future__ import annotations

import numpy as np

from .. import _check
from .._dtypes import as_dtype, check_device, default_float
from . import _functional_act as FA
from . import init
from .module import Module
from .parameter import Parameter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import DTypeLike


class EmbeddingBag(Module):
    """A `weight` table (num_embeddings, embedding_dim) from N(0, 1), reduced over bags
    by `mode` ('mean' by default, 'sum', 'max'); see F.embedding_bag. The padding_idx row
    starts at zero and is left out of its bag.

    Args:
        num_embeddings: the number of rows of the table.
        embedding_dim: the length of each row.
        max_norm: not supported (NotImplementedError unless None).
        norm_type: kept for PyTorch's signature (used only with max_norm).
        scale_grad_by_freq: not supported (NotImplementedError unless False).
        mode: "mean", "sum" or "max".
        sparse: not supported (NotImplementedError unless False).
        include_last_offset: offsets holds one more entry, the end of the last bag.
        padding_idx: a row that starts at zero and is left out of the bags.
        device: only "cpu" (or None).
        dtype: the table's dtype (float32 by default).

    >>> bag = tg.nn.EmbeddingBag(10, 3, mode="sum")
    >>> bag(tg.tensor([1, 2, 4, 5]), tg.tensor([0, 2])).shape
    (2, 3)
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, max_norm: float | None = None,
                 norm_type: float = 2.0, scale_grad_by_freq: bool = False, mode: str = "mean",
                 sparse: bool = False, _weight: Any = None, include_last_offset: bool = False,
                 padding_idx: int | None = None, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        super().__init__()
        fn = "EmbeddingBag"
        check_device(device, fn)
        self.num_embeddings = _check.integer(num_embeddings, fn, "num_embeddings", low=1)
        self.embedding_dim = _check.integer(embedding_dim, fn, "embedding_dim", low=1)
        self.mode = _check.choice(mode, ("sum", "mean", "max"), fn, "mode")
        for arg, v in (("max_norm", max_norm), ("scale_grad_by_freq", scale_grad_by_freq),
                       ("sparse", sparse)):
            if v not in (None, False):
                raise NotImplementedError(f"{fn}: {arg} is not supported, got {v!r}")
        self.max_norm, self.norm_type = None, norm_type
        self.scale_grad_by_freq = self.sparse = False
        self.include_last_offset = _check.flag(include_last_offset, fn, "include_last_offset")
        n = self.num_embeddings
        if padding_idx is not None:
            padding_idx = _check.integer(padding_idx, fn, "padding_idx")
            if not -n <= padding_idx < n:
                raise ValueError(f"{fn}: padding_idx must be within the {n} embeddings, got "
                                 f"{padding_idx}")
            padding_idx %= n
        self.padding_idx = padding_idx
        dt = as_dtype(dtype, fn) or default_float()
        shape = (n, self.embedding_dim)
        if _weight is not None:
            data = np.array(getattr(_weight, "_data", _weight), dtype=dt)
            if data.shape != shape:
                raise ValueError(f"{fn}: _weight must have shape {shape}, got {data.shape}")
            self.weight = Parameter(data)
        else:
            self.weight = Parameter(np.empty(shape, dtype=dt))
            init.normal_(self.weight)
            if padding_idx is not None:
                self.weight._data[padding_idx] = 0

    def forward(self, input: Tensor, offsets: Any = None, per_sample_weights: Any = None) -> Tensor:
        return FA.embedding_bag(input, self.weight, offsets, mode=self.mode,
                                per_sample_weights=per_sample_weights,
                                include_last_offset=self.include_last_offset,
                                padding_idx=self.padding_idx)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}, mode={self.mode!r}"
        return s + ("" if self.padding_idx is None else f", padding_idx={self.padding_idx}")

# the names `from tapegrad.nn.embedding_bag import *` gives (tests/test_all.py)
__all__ = ["EmbeddingBag"]
