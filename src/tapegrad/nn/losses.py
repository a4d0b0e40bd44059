"""Loss modules: thin wrappers that hold the options of tg.nn.functional's losses."""
from __future__ import annotations

from .. import _check
from . import functional as F
from .module import Module
from .._factories import tensor
from ._losses_more import _reduction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .._tensor import Tensor


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        F._check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def extra_repr(self) -> str:
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class MSELoss(_Loss):
    """Mean squared error (`reduction` 'mean', 'sum' or 'none').

    Args:
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Raises:
        ValueError: an unknown reduction (or, when called, shapes that do not match).

    >>> import tapegrad as tg
    >>> tg.nn.MSELoss()(tg.tensor([0.0, 2.0]), tg.tensor([1.0, 1.0]))
    tensor(1.)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error.

    Args:
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Raises:
        ValueError: an unknown reduction (or, when called, shapes that do not match).

    >>> import tapegrad as tg
    >>> tg.nn.L1Loss()(tg.tensor([0.0, 3.0]), tg.tensor([1.0, 1.0]))
    tensor(1.5000)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.l1_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross entropy on logits with integer (or probability) targets; stable for
    large logits. Takes PyTorch's `weight`, `ignore_index`, `reduction` and
    `label_smoothing`.

    Args:
        weight: a rescaling weight per class (a tensor of length C), or None.
        ignore_index: a target class whose samples are left out of the loss and
            its mean.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.
        label_smoothing: the share in [0, 1] of each target spread uniformly over
            the classes.

    Raises:
        ValueError: an unknown reduction or label_smoothing outside [0, 1].
        IndexError: (when called) a target class out of range.

    >>> import tapegrad as tg
    >>> loss = tg.nn.CrossEntropyLoss()(tg.zeros(2, 4), tg.tensor([1, 3]))
    >>> round(loss.item(), 4)       # log(4)
    1.3863
    """

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean", label_smoothing: float = 0.0) -> None:
        super().__init__(reduction)
        weight = _class_weight(weight, "CrossEntropyLoss")
        self.register_buffer("weight", weight)     # saved in the state dict, as in PyTorch
        self.ignore_index = F._check_ignore_index(ignore_index, "CrossEntropyLoss")
        self.label_smoothing = _check.real(label_smoothing, "CrossEntropyLoss",
                                           "label_smoothing", low=0.0, high=1.0)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.cross_entropy(input, target, self.weight, self.ignore_index,
                               self.reduction, self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log likelihood on log-probabilities (use after LogSoftmax).

    Args:
        weight: a rescaling weight per class (a tensor of length C), or None.
        ignore_index: a target class whose samples are left out of the loss.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Raises:
        ValueError: an unknown reduction (or, when called, shapes that do not match).

    >>> import tapegrad as tg
    >>> logp = tg.log(tg.tensor([[0.25, 0.75], [0.5, 0.5]]))
    >>> tg.nn.NLLLoss()(logp, tg.tensor([1, 0]))
    tensor(0.4904)
    """

    def __init__(self, weight: Tensor | None = None, ignore_index: int = -100,
                 reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _class_weight(weight, "NLLLoss"))  # as in PyTorch
        self.ignore_index = F._check_ignore_index(ignore_index, "NLLLoss")

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross entropy in the stable form
    max(x, 0) - x*y + log(1 + exp(-|x|)); takes `weight` and `pos_weight`.

    Args:
        weight: a rescaling weight broadcast over the elements, or None.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.
        pos_weight: a weight on the positive term per class (broadcast over the
            last dimension), or None.

    Raises:
        ValueError: an unknown reduction (or, when called, shapes that do not match).

    >>> import tapegrad as tg
    >>> tg.nn.BCEWithLogitsLoss()(tg.tensor([0.0, 0.0]), tg.tensor([1.0, 0.0]))
    tensor(0.6931)
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean",
                 pos_weight: Tensor | None = None) -> None:
        super().__init__(reduction)
        # buffers, saved in the state dict, as in PyTorch
        self.register_buffer("weight", _numeric(weight, "BCEWithLogitsLoss", "weight"))
        self.register_buffer("pos_weight", _numeric(pos_weight, "BCEWithLogitsLoss",
                                                    "pos_weight"))

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class BCELoss(_Loss):
    """Binary cross entropy on probabilities (prefer BCEWithLogitsLoss).

    Args:
        weight: a rescaling weight broadcast over the elements, or None.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Raises:
        ValueError: an unknown reduction (or, when called, shapes that do not match).

    >>> import tapegrad as tg
    >>> tg.nn.BCELoss()(tg.tensor([0.5, 0.5]), tg.tensor([1.0, 0.0]))
    tensor(0.6931)
    """

    def __init__(self, weight: Tensor | None = None, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _numeric(weight, "BCELoss", "weight"))  # as PyTorch

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.binary_cross_entropy(input, target, self.weight, self.reduction)


def _as_tensor(x):
    return tensor(x)


def _numeric(weight, fn, arg):
    """None, or `weight` as a numeric tensor (lists are converted; strings refused)."""
    if weight is None:
        return None
    if isinstance(weight, (str, bytes)):
        raise TypeError(f"{fn}: {arg} must be a numeric tensor, got {_check._got(weight)}")
    try:
        t = weight if hasattr(weight, "_data") else _as_tensor(weight)
    except (TypeError, ValueError):
        t = None
    if t is None or t._data.dtype.kind not in "fiu":
        raise TypeError(f"{fn}: {arg} must be a numeric tensor, got {_check._got(weight)}")
    return t


def _class_weight(weight, fn):
    t = _numeric(weight, fn, "weight")
    if t is not None and t._data.ndim != 1:
        raise ValueError(f"{fn}: weight must be a 1-D tensor with one weight per class, got "
                         f"shape {t._data.shape}")
    return t


class _LegacyLoss(_Loss):
    """A loss whose constructor also takes the legacy size_average / reduce flags."""

    _extra = ()

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        Module.__init__(self)
        self.reduction = _reduction(size_average, reduce, reduction, type(self).__name__,
                                    self._extra)


class HuberLoss(_Loss):
    """Huber loss with threshold `delta` (see tg.nn.functional.huber_loss).

    Args:
        reduction: "mean" (the default), "sum", or "none" for one loss per element.
        delta: where the loss turns from quadratic to linear, > 0.

    Raises:
        ValueError: an unknown reduction or delta <= 0.

    >>> import tapegrad as tg
    >>> tg.nn.HuberLoss(delta=0.5)(tg.tensor([2.0]), tg.tensor([0.0]))
    tensor(0.8750)
    """

    def __init__(self, reduction: str = "mean", delta: float = 1.0) -> None:
        super().__init__(reduction)
        self.delta = _check.real(delta, "HuberLoss", "delta", low=0.0, low_open=True)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.huber_loss(input, target, self.reduction, self.delta)


class SmoothL1Loss(_LegacyLoss):
    """Smooth L1 loss with threshold `beta` (see tg.nn.functional.smooth_l1_loss).

    Args:
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.
        beta: where the loss turns from quadratic to linear, >= 0.

    Raises:
        ValueError: an unknown reduction or a negative beta.

    >>> import tapegrad as tg
    >>> tg.nn.SmoothL1Loss(beta=1.0)(tg.tensor([0.5, 3.0]), tg.tensor([0.0, 0.0]))
    tensor(1.3125)
    """

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", beta: float = 1.0) -> None:
        super().__init__(size_average, reduce, reduction)
        self.beta = _check.real(beta, "SmoothL1Loss", "beta", low=0.0)

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


class KLDivLoss(_LegacyLoss):
    """KL divergence of `target` from the log-probabilities `input`; use
    reduction='batchmean' for the mathematical KL divergence of a batch.

    Args:
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean", "batchmean" (the sum divided by the batch size), "sum"
            or "none".
        log_target: target holds log-probabilities too.

    Raises:
        ValueError: an unknown reduction (or, when called, shapes that do not match).

    >>> import tapegrad as tg
    >>> logq = tg.log(tg.tensor([[0.5, 0.5]]))
    >>> tg.nn.KLDivLoss(reduction="batchmean")(logq, tg.tensor([[0.25, 0.75]]))
    tensor(0.1308)
    """

    _extra = ("batchmean",)

    def __init__(self, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean", log_target: bool = False) -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_target = _check.flag(log_target, "KLDivLoss", "log_target")

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class GaussianNLLLoss(_Loss):
    """Gaussian negative log likelihood of `target` under N(input, var).

    Args:
        full: add the constant log(2 pi) / 2 to each term (default False).
        eps: the floor var is clamped to, for stability, >= 0 (default 1e-6).
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Called as `loss(input, target, var)`: each term is
    (log(var) + (input - target)^2 / var) / 2; var has input's shape, or one variance per
    sample (a last dimension of 1, or that dimension left out).

    Raises:
        TypeError: full is not a bool, or eps is not a real number.
        ValueError: eps < 0 or an unknown reduction; when called, a negative var or
            shapes that do not match.

    >>> import tapegrad as tg
    >>> tg.nn.GaussianNLLLoss()(tg.tensor([0.0, 1.0]), tg.tensor([1.0, 1.0]),
    ...                        tg.tensor([1.0, 1.0]))
    tensor(0.2500)
    """

    def __init__(self, *, full: bool = False, eps: float = 1e-6, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.full = _check.flag(full, "GaussianNLLLoss", "full")
        self.eps = _check.real(eps, "GaussianNLLLoss", "eps", low=0.0)

    def forward(self, input: Tensor, target: Tensor, var: Tensor) -> Tensor:
        return F.gaussian_nll_loss(input, target, var, self.full, self.eps, self.reduction)


class PoissonNLLLoss(_LegacyLoss):
    """Poisson negative log likelihood (`log_input`: input is the log of the rate).

    Args:
        log_input: input is log(rate) and the loss exp(input) - target * input (default
            True); else input is the rate and the loss input - target * log(input + eps).
        full: add Stirling's approximation of log(target!) (for target > 1) (default
            False).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        eps: keeps log finite when log_input is False, >= 0 (default 1e-8).
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Called as `loss(log_input, target)`.

    Raises:
        TypeError: a flag is not a bool, or eps is not a real number.
        ValueError: eps < 0 or an unknown reduction.

    >>> import tapegrad as tg
    >>> tg.nn.PoissonNLLLoss()(tg.tensor([0.0, 1.0]), tg.tensor([1.0, 2.0]))
    tensor(0.8591)
    """

    def __init__(self, log_input: bool = True, full: bool = False, size_average: bool | None = None,
                 eps: float = 1e-8, reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.log_input = _check.flag(log_input, "PoissonNLLLoss", "log_input")
        self.full = _check.flag(full, "PoissonNLLLoss", "full")
        self.eps = _check.real(eps, "PoissonNLLLoss", "eps", low=0.0)

    def forward(self, log_input: Tensor, target: Tensor) -> Tensor:
        return F.poisson_nll_loss(log_input, target, self.log_input, self.full,
                                  eps=self.eps, reduction=self.reduction)


class CosineEmbeddingLoss(_LegacyLoss):
    """1 - cos for similar pairs (target 1), max(0, cos - margin) for others (-1).

    Args:
        margin: the cosine below which dissimilar pairs cost nothing, in [-1, 1]
            (default 0).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per pair.

    Called as `loss(input1, input2, target)` with (N, D) or (D,) inputs and targets of 1
    or -1, one per pair.

    Raises:
        TypeError: margin is not a real number.
        ValueError: an unknown reduction.

    >>> import tapegrad as tg
    >>> x1 = tg.tensor([[1.0, 0.0], [1.0, 0.0]])
    >>> x2 = tg.tensor([[0.0, 1.0], [1.0, 1.0]])
    >>> tg.nn.CosineEmbeddingLoss()(x1, x2, tg.tensor([1.0, -1.0]))   # (1 + cos 45deg) / 2
    tensor(0.8536)
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = _check.real(margin, "CosineEmbeddingLoss", "margin")

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.cosine_embedding_loss(input1, input2, target, self.margin,
                                       reduction=self.reduction)


class MarginRankingLoss(_LegacyLoss):
    """max(0, -target (x1 - x2) + margin): x1 should rank above x2 where target is 1.

    Args:
        margin: the gap required between the two scores (default 0).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Called as `loss(input1, input2, target)`, target 1 or -1.

    Raises:
        TypeError: margin is not a real number.
        ValueError: an unknown reduction.

    >>> import tapegrad as tg
    >>> loss = tg.nn.MarginRankingLoss(margin=0.5)
    >>> loss(tg.tensor([1.0, 2.0]), tg.tensor([2.0, 0.0]), tg.tensor([1.0, 1.0]))  # (1.5 + 0) / 2
    tensor(0.7500)
    """

    def __init__(self, margin: float = 0.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = _check.real(margin, "MarginRankingLoss", "margin")

    def forward(self, input1: Tensor, input2: Tensor, target: Tensor) -> Tensor:
        return F.margin_ranking_loss(input1, input2, target, self.margin,
                                     reduction=self.reduction)


class TripletMarginLoss(_LegacyLoss):
    """max(d(a, p) - d(a, n) + margin, 0) with p-norm distances (see
    tg.nn.functional.triplet_margin_loss).

    Args:
        margin: the gap required between d(a, n) and d(a, p), > 0 (default 1).
        p: the order of the norm of the distances, > 0 (default 2).
        eps: added to the differences before the norm, >= 0 (default 1e-6).
        swap: use min(d(a, n), d(p, n)) as the negative distance (default False).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per triplet.

    Called as `loss(anchor, positive, negative)`, each (N, D) or (D,).

    Raises:
        TypeError: an argument has the wrong type.
        ValueError: margin <= 0, p <= 0, eps < 0, or an unknown reduction.

    >>> import tapegrad as tg
    >>> loss = tg.nn.TripletMarginLoss(margin=1.0)
    >>> loss(tg.tensor([[0.0, 0.0]]), tg.tensor([[1.0, 0.0]]), tg.tensor([[0.0, 1.5]]))
    tensor(0.5000)
    """

    def __init__(self, margin: float = 1.0, p: float = 2.0, eps: float = 1e-6,
                 swap: bool = False, size_average: bool | None = None, reduce: bool | None = None,
                 reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        name = "TripletMarginLoss"
        self.margin = _check.real(margin, name, "margin", low=0.0, low_open=True)
        self.p = _check.real(p, name, "p", low=0.0, low_open=True, finite=False)
        self.eps = _check.real(eps, name, "eps", low=0.0)
        self.swap = _check.flag(swap, name, "swap")

    def forward(self, anchor: Tensor, positive: Tensor, negative: Tensor) -> Tensor:
        return F.triplet_margin_loss(anchor, positive, negative, self.margin, self.p,
                                     self.eps, self.swap, reduction=self.reduction)


class SoftMarginLoss(_LegacyLoss):
    """log(1 + exp(-target * input)) for targets 1 / -1.

    Args:
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Called as `loss(input, target)`.

    Raises:
        ValueError: an unknown reduction.

    >>> import tapegrad as tg
    >>> tg.nn.SoftMarginLoss()(tg.tensor([0.0, 2.0]), tg.tensor([1.0, -1.0]))
    tensor(1.4100)
    """

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.soft_margin_loss(input, target, reduction=self.reduction)


class HingeEmbeddingLoss(_LegacyLoss):
    """input where target is 1, max(0, margin - input) where it is -1.

    Args:
        margin: the value below which inputs of dissimilar pairs (target -1) cost
            margin - input (default 1).
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per element.

    Called as `loss(input, target)`, target 1 or -1.

    Raises:
        TypeError: margin is not a real number.
        ValueError: an unknown reduction.

    >>> import tapegrad as tg
    >>> tg.nn.HingeEmbeddingLoss()(tg.tensor([0.3, 0.3]), tg.tensor([1.0, -1.0]))  # (0.3+0.7)/2
    tensor(0.5000)
    """

    def __init__(self, margin: float = 1.0, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.margin = _check.real(margin, "HingeEmbeddingLoss", "margin")

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.hinge_embedding_loss(input, target, self.margin, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_LegacyLoss):
    """Multi-label logistic loss, averaged over classes (optional per-class weight).

    Args:
        weight: optional per-class weights, a tensor of C values.
        size_average: PyTorch's deprecated flag; combined with reduce into reduction.
        reduce: PyTorch's deprecated flag; combined with size_average into reduction.
        reduction: "mean" (the default), "sum", or "none" for one loss per sample.

    Called as `loss(input, target)` with (N, C) logits and 0/1 targets.

    Raises:
        TypeError: weight is not a numeric tensor.
        ValueError: an unknown reduction.

    >>> import tapegrad as tg
    >>> tg.nn.MultiLabelSoftMarginLoss()(tg.tensor([[0.0, 0.0]]), tg.tensor([[1.0, 0.0]]))
    tensor(0.6931)
    """

    def __init__(self, weight: Tensor | None = None, size_average: bool | None = None,
                 reduce: bool | None = None, reduction: str = "mean") -> None:
        super().__init__(size_average, reduce, reduction)
        self.register_buffer("weight", _numeric(weight, "MultiLabelSoftMarginLoss",
                                                "weight"))

    def forward(self, input: Tensor, target: Tensor) -> Tensor:
        return F.multilabel_soft_margin_loss(input, target, self.weight,
                                             reduction=self.reduction)

# the names `from tapegrad.nn.losses import *` gives (tests/test_all.py)
__all__ = ["MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCEWithLogitsLoss", "BCELoss",
           "HuberLoss", "SmoothL1Loss", "KLDivLoss", "GaussianNLLLoss", "PoissonNLLLoss",
           "CosineEmbeddingLoss", "MarginRankingLoss", "TripletMarginLoss", "SoftMarginLoss",
           "HingeEmbeddingLoss", "MultiLabelSoftMarginLoss"]
