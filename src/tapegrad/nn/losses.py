"""Loss modules: thin wrappers that hold the options of tg.nn.functional's losses."""
from .. import _check
from . import functional as F
from .module import Module
from .._factories import tensor


class _Loss(Module):
    def __init__(self, reduction: str = "mean"):
        super().__init__()
        F._check_reduction(reduction, type(self).__name__)
        self.reduction = reduction

    def extra_repr(self):
        return f"reduction={self.reduction!r}" if self.reduction != "mean" else ""


class MSELoss(_Loss):
    """Mean squared error (`reduction` 'mean', 'sum' or 'none').

    >>> import tapegrad as tg
    >>> tg.nn.MSELoss()(tg.tensor([0.0, 2.0]), tg.tensor([1.0, 1.0]))
    tensor(1.)
    """

    def forward(self, input, target):
        return F.mse_loss(input, target, self.reduction)


class L1Loss(_Loss):
    """Mean absolute error."""

    def forward(self, input, target):
        return F.l1_loss(input, target, self.reduction)


class CrossEntropyLoss(_Loss):
    """Softmax cross entropy on logits with integer (or probability) targets; stable for
    large logits. Takes PyTorch's `weight`, `ignore_index`, `reduction` and
    `label_smoothing`.

    >>> import tapegrad as tg
    >>> loss = tg.nn.CrossEntropyLoss()(tg.zeros(2, 4), tg.tensor([1, 3]))
    >>> round(loss.item(), 4)       # log(4)
    1.3863
    """

    def __init__(self, weight=None, ignore_index: int = -100, reduction: str = "mean",
                 label_smoothing: float = 0.0):
        super().__init__(reduction)
        weight = _class_weight(weight, "CrossEntropyLoss")
        self.register_buffer("weight", weight)     # saved in the state dict, as in PyTorch
        self.ignore_index = F._check_ignore_index(ignore_index, "CrossEntropyLoss")
        self.label_smoothing = _check.real(label_smoothing, "CrossEntropyLoss",
                                           "label_smoothing", low=0.0, high=1.0)

    def forward(self, input, target):
        return F.cross_entropy(input, target, self.weight, self.ignore_index,
                               self.reduction, self.label_smoothing)


class NLLLoss(_Loss):
    """Negative log likelihood on log-probabilities (use after LogSoftmax)."""

    def __init__(self, weight=None, ignore_index: int = -100, reduction: str = "mean"):
        super().__init__(reduction)
        self.weight = _class_weight(weight, "NLLLoss")
        self.ignore_index = F._check_ignore_index(ignore_index, "NLLLoss")

    def forward(self, input, target):
        return F.nll_loss(input, target, self.weight, self.ignore_index, self.reduction)


class BCEWithLogitsLoss(_Loss):
    """Sigmoid + binary cross entropy in the stable form
    max(x, 0) - x*y + log(1 + exp(-|x|)); takes `weight` and `pos_weight`."""

    def __init__(self, weight=None, reduction: str = "mean", pos_weight=None):
        super().__init__(reduction)
        self.weight = _numeric(weight, "BCEWithLogitsLoss", "weight")
        self.pos_weight = _numeric(pos_weight, "BCEWithLogitsLoss", "pos_weight")

    def forward(self, input, target):
        return F.binary_cross_entropy_with_logits(input, target, self.weight, self.reduction,
                                                  self.pos_weight)


class BCELoss(_Loss):
    """Binary cross entropy on probabilities (prefer BCEWithLogitsLoss)."""

    def __init__(self, weight=None, reduction: str = "mean"):
        super().__init__(reduction)
        self.weight = _numeric(weight, "BCELoss", "weight")

    def forward(self, input, target):
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
