"""More activations (issue 18): silu selu mish relu6 hardswish hardsigmoid logsigmoid
softsign tanhshrink, each one elementwise statement with its derivative. The ones with
arguments (elu, celu, hardtanh, prelu, glu) compose these and other ops in nn. The
examples call them from tg.nn.functional, where they are public."""
import numpy as np

from .activations import _as_float, _sigmoid

from ._op import elementwise

_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_SCALE = 1.0507009873554804934193349852946


def _sig(x):
    """sigmoid(x) in ufuncs a derivative may use: exp(-softplus(-x)), smooth, exact at
    +-inf and accurate for x < 0, where (1 + tanh(x / 2)) / 2 cancels (three digits
    lost at -30, exactly 0 below -38 although sigmoid(x) is still e^x there)."""
    return np.exp(-np.logaddexp(0.0, -x))


def _silu(x):
    x = _as_float(x)
    return x * _sigmoid(x)


# d silu = s (1 + x (1 - s)), s = sigmoid(x), 1 - s = sigmoid(-x)
Silu, silu = elementwise(
    _silu, d=lambda x, out: _sig(x) * (1 + x * _sig(-x)), name="silu",
    doc="""x * sigmoid(x) (swish). PyTorch: torch.nn.functional.silu.

    >>> x = tg.tensor([0.0, 1.0], requires_grad=True)
    >>> [round(v, 4) for v in tg.nn.functional.silu(x).tolist()]
    [0.0, 0.7311]
    """)


def _selu(x):
    x = _as_float(x)
    neg = _SELU_ALPHA * np.expm1(np.minimum(x, 0))
    return (_SELU_SCALE * np.where(x > 0, x, neg)).astype(x.dtype, copy=False)


# the step heaviside(x, 0) picks 1 above 0 and alpha exp(x) at and below it (PyTorch's
# side at 0); exp(min(x, 0)) never overflows
Selu, selu = elementwise(
    _selu, d=lambda x, out: _SELU_SCALE * (np.heaviside(x, 0.0) + (1 - np.heaviside(x, 0.0))
                                           * _SELU_ALPHA * np.exp(np.minimum(x, 0.0))),
    name="selu", doc="""scale * (x if x > 0 else alpha * (exp(x) - 1)) with SELU's fixed
    alpha = 1.6733 and scale = 1.0507 (self-normalising networks).

    >>> tg.nn.functional.selu(tg.tensor([1.0, 0.0], dtype="float64")).tolist()
    [1.0507009873554805, 0.0]
    """)


def _mish(x):
    x = _as_float(x)
    return x * np.tanh(np.logaddexp(0, x).astype(x.dtype, copy=False))


# d mish = tanh(sp) + x sigmoid(x) (1 - tanh(sp)^2), sp = softplus(x) = logaddexp(0, x)
Mish, mish = elementwise(
    _mish, d=lambda x, out: np.tanh(np.logaddexp(0.0, x)) + x * _sig(x)
    * (1 - np.tanh(np.logaddexp(0.0, x)) * np.tanh(np.logaddexp(0.0, x))),
    name="mish", doc="""x * tanh(softplus(x)).

    >>> round(tg.nn.functional.mish(tg.tensor(1.0)).item(), 4)
    0.8651
    """)


def _relu6(x):
    x = _as_float(x)
    return np.clip(x, 0, 6).astype(x.dtype, copy=False)


# gradient 1 strictly inside (0, 6), 0 at both ends (PyTorch's hardtanh rule)
Relu6, relu6 = elementwise(
    _relu6, d=lambda x, out: np.heaviside(x, 0.0) * np.heaviside(6.0 - x, 0.0), name="relu6",
    doc="""min(max(x, 0), 6); its gradient is 1 for 0 < x < 6 and 0 elsewhere.

    >>> tg.nn.functional.relu6(tg.tensor([-1.0, 3.0, 9.0])).tolist()
    [0.0, 3.0, 6.0]
    """)


def _hardswish(x):
    x = _as_float(x)
    return (x * np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)


# PyTorch: 0 up to -3, x / 3 + 1/2 strictly between, 1 from 3 on
Hardswish, hardswish = elementwise(
    # x clipped to [-3, 3] in the middle term: 0 * inf made the slope NaN at +-inf
    _hardswish, d=lambda x, out: np.heaviside(x + 3.0, 0.0) * (1 - np.heaviside(x - 3.0, 1.0))
    * (np.minimum(np.maximum(x, -3.0), 3.0) * (1 / 3) + 0.5) + np.heaviside(x - 3.0, 1.0),
    name="hardswish",
    doc="""x * relu6(x + 3) / 6.

    >>> tg.nn.functional.hardswish(tg.tensor([-4.0, 0.0, 4.0])).tolist()
    [-0.0, 0.0, 4.0]
    """)


def _hardsigmoid(x):
    x = _as_float(x)
    return (np.clip(x + 3, 0, 6) / 6).astype(x.dtype, copy=False)


Hardsigmoid, hardsigmoid = elementwise(
    _hardsigmoid, d=lambda x, out: np.heaviside(x + 3.0, 0.0) * np.heaviside(3.0 - x, 0.0)
    * (1 / 6), name="hardsigmoid",
    doc="""relu6(x + 3) / 6; its gradient is 1/6 for -3 < x < 3 and 0 elsewhere.

    >>> tg.nn.functional.hardsigmoid(tg.tensor([-4.0, 0.0, 4.0])).tolist()
    [0.0, 0.5, 1.0]
    """)


def _logsigmoid(x):
    x = _as_float(x)
    return (np.minimum(x, 0) - np.log1p(np.exp(-np.abs(x)))).astype(x.dtype, copy=False)


# d log sigmoid(x) = 1 - sigmoid(x) = sigmoid(-x)
Logsigmoid, logsigmoid = elementwise(
    _logsigmoid, d=lambda x, out: _sig(-x), name="logsigmoid",
    doc="""log(sigmoid(x)) = -softplus(-x), finite for large negative x.

    >>> tg.nn.functional.logsigmoid(tg.tensor([-1000.0, 0.0])).tolist()[0]
    -1000.0
    """)


def _softsign(x):
    x = _as_float(x)
    return x / (1 + np.abs(x))


Softsign, softsign = elementwise(
    _softsign, d=lambda x, out: 1 / ((1 + np.abs(x)) * (1 + np.abs(x))), name="softsign",
    doc="""x / (1 + |x|); d/dx = 1 / (1 + |x|)^2.

    >>> tg.nn.functional.softsign(tg.tensor([-1.0, 3.0])).tolist()
    [-0.5, 0.75]
    """)


def _tanhshrink(x):
    x = _as_float(x)
    return x - np.tanh(x)


Tanhshrink, tanhshrink = elementwise(
    _tanhshrink, d=lambda x, out: np.tanh(x) * np.tanh(x), name="tanhshrink",
    doc="""x - tanh(x); d/dx = tanh(x)^2.

    >>> round(tg.nn.functional.tanhshrink(tg.tensor(1.0)).item(), 4)
    0.2384
    """)

# the names `from tapegrad.ops.activations2 import *` gives (tests/test_all.py)
__all__ = ["Silu", "silu", "Selu", "selu", "Mish", "mish", "Relu6", "relu6", "Hardswish",
           "hardswish", "Hardsigmoid", "hardsigmoid", "Logsigmoid", "logsigmoid", "Softsign",
           "softsign", "Tanhshrink", "tanhshrink"]
