"""Activation modules of torch.nn (issue 18): SiLU ELU SELU CELU Mish PReLU ReLU6
Hardtanh Hardswish Hardsigmoid GLU LogSigmoid Softsign Tanhshrink, with PyTorch's
arguments and defaults; each calls its functional form."""
from __future__ import annotations

import numpy as np

from .. import _check
from .._dtypes import as_dtype, check_device, default_float
from . import _functional_act as FA
from .module import Module
from .parameter import Parameter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any
    from .._tensor import Tensor
    from .._typing import DTypeLike


class _Inplace(Module):
    """A parameter-free activation with PyTorch's (ignored) inplace flag."""

    _fn = None

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = _check.flag(inplace, type(self).__name__, "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class SiLU(_Inplace):
    """x * sigmoid(x).

    Args:
        inplace: accepted for PyTorch's signature (and shown in the repr); the result is
            always a new tensor.

    Raises:
        TypeError: inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.SiLU()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2384,  0.0000,  1.7616])
    """
    _fn = staticmethod(FA.silu)


class SELU(_Inplace):
    """scale * elu(x, alpha), SELU's constants.

    Args:
        inplace: accepted for PyTorch's signature (and shown in the repr); the result is
            always a new tensor.

    Raises:
        TypeError: inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.SELU()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.5202,  0.0000,  2.1014])
    """
    _fn = staticmethod(FA.selu)


class Mish(_Inplace):
    """x * tanh(softplus(x)).

    Args:
        inplace: accepted for PyTorch's signature (and shown in the repr); the result is
            always a new tensor.

    Raises:
        TypeError: inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.Mish()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.2525,  0.0000,  1.9440])
    """
    _fn = staticmethod(FA.mish)


class ReLU6(_Inplace):
    """min(max(x, 0), 6).

    Args:
        inplace: accepted for PyTorch's signature (and shown in the repr); the result is
            always a new tensor.

    Raises:
        TypeError: inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.ReLU6()(tg.tensor([-1.0, 3.0, 8.0]))
    tensor([0., 3., 6.])
    """
    _fn = staticmethod(FA.relu6)


class Hardswish(_Inplace):
    """x * relu6(x + 3) / 6.

    Args:
        inplace: accepted for PyTorch's signature (and shown in the repr); the result is
            always a new tensor.

    Raises:
        TypeError: inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.Hardswish()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.3333,  0.0000,  1.6667])
    """
    _fn = staticmethod(FA.hardswish)


class Hardsigmoid(_Inplace):
    """relu6(x + 3) / 6.

    Args:
        inplace: accepted for PyTorch's signature (and shown in the repr); the result is
            always a new tensor.

    Raises:
        TypeError: inplace is not a bool.

    >>> import tapegrad as tg
    >>> tg.nn.Hardsigmoid()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([0.1667, 0.5000, 0.8333])
    """
    _fn = staticmethod(FA.hardsigmoid)


class _Plain(Module):
    _fn = None

    def forward(self, input: Tensor) -> Tensor:
        return type(self)._fn(input)


class LogSigmoid(_Plain):
    """log(sigmoid(x)).

    Takes no arguments; called on a tensor of any shape, it returns one of the same
    shape.

    >>> import tapegrad as tg
    >>> tg.nn.LogSigmoid()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-2.1269, -0.6931, -0.1269])
    """
    _fn = staticmethod(FA.logsigmoid)


class Softsign(_Plain):
    """x / (1 + |x|).

    Takes no arguments; called on a tensor of any shape, it returns one of the same
    shape.

    >>> import tapegrad as tg
    >>> tg.nn.Softsign()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.6667,  0.0000,  0.6667])
    """
    _fn = staticmethod(FA.softsign)


class Tanhshrink(_Plain):
    """x - tanh(x).

    Takes no arguments; called on a tensor of any shape, it returns one of the same
    shape.

    >>> import tapegrad as tg
    >>> tg.nn.Tanhshrink()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.0360,  0.0000,  1.0360])
    """
    _fn = staticmethod(FA.tanhshrink)


class ELU(Module):
    """x if x > 0 else alpha * (exp(x) - 1).

    Args:
        alpha: the scale of the negative part (default 1).
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Raises:
        TypeError: alpha is not a real number, or inplace is not a bool.
        ValueError: alpha is NaN or infinite.

    >>> import tapegrad as tg
    >>> tg.nn.ELU()(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-0.8647,  0.0000,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = _check.real(alpha, "ELU", "alpha")
        self.inplace = _check.flag(inplace, "ELU", "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return FA.elu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class CELU(Module):
    """x if x > 0 else alpha * (exp(x / alpha) - 1).

    Args:
        alpha: the scale of the negative part, nonzero (default 1).
        inplace: accepted for PyTorch's signature; the result is always a new tensor.

    Raises:
        TypeError: alpha is not a real number, or inplace is not a bool.
        ValueError: alpha is 0, NaN or infinite.

    >>> import tapegrad as tg
    >>> tg.nn.CELU(alpha=2.0)(tg.tensor([-2.0, 0.0, 2.0]))
    tensor([-1.2642,  0.0000,  2.0000])
    """

    def __init__(self, alpha: float = 1.0, inplace: bool = False) -> None:
        super().__init__()
        self.alpha = _check.real(alpha, "CELU", "alpha")
        if self.alpha == 0:
            raise ValueError("CELU: alpha must be nonzero, got 0")
        self.inplace = _check.flag(inplace, "CELU", "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return FA.celu(input, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}" + (", inplace=True" if self.inplace else "")


class Hardtanh(Module):
    """x clipped to [min_val, max_val] (gradient 0 at both ends, as PyTorch).

    Args:
        min_val: the lower end (default -1).
        max_val: the upper end, >= min_val (default 1).
        inplace: accepted for PyTorch's signature; the result is always a new tensor.
        min_value: PyTorch's deprecated spelling of min_val (wins when given).
        max_value: PyTorch's deprecated spelling of max_val (wins when given).

    Raises:
        TypeError: a bound is not a real number, or inplace is not a bool.
        ValueError: min_val > max_val, or a bound is NaN or infinite.

    >>> import tapegrad as tg
    >>> tg.nn.Hardtanh()(tg.tensor([-2.0, 0.5, 2.0]))
    tensor([-1.0000,  0.5000,  1.0000])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0, inplace: bool = False,
                 min_value: Any = None, max_value: Any = None) -> None:
        super().__init__()
        # min_value / max_value: PyTorch's deprecated spellings
        if min_value is not None:
            min_val = min_value
        if max_value is not None:
            max_val = max_value
        self.min_val = _check.real(min_val, "Hardtanh", "min_val")
        self.max_val = _check.real(max_val, "Hardtanh", "max_val")
        if self.min_val > self.max_val:
            raise ValueError(f"Hardtanh: min_val ({self.min_val}) must not exceed max_val "
                             f"({self.max_val})")
        self.inplace = _check.flag(inplace, "Hardtanh", "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return FA.hardtanh(input, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}" + (
            ", inplace=True" if self.inplace else "")


class PReLU(Module):
    """max(0, x) + weight * min(0, x) with a learnable `weight` of shape
    (num_parameters,), initialised to `init`; num_parameters is 1 or the channel count.

    Args:
        num_parameters: the number of slopes, 1 (shared) or the number of channels (dim 1
            of the input); default 1.
        init: the initial slope (default 0.25).
        device: None or "cpu" (tapegrad runs on the CPU only; another device raises
            ValueError).
        dtype: the weight's dtype (default: the default float dtype).

    Raises:
        TypeError: num_parameters is not an int, or init is not a real number.
        ValueError: num_parameters < 1, or a device other than the CPU.

    >>> import tapegrad as tg
    >>> m = tg.nn.PReLU(3)
    >>> m.weight.shape
    (3,)
    >>> m(tg.tensor([[-4.0, 2.0, -8.0]]))
    tensor([[-1.,  2., -2.]], grad_fn=<AddBackward>)
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device: str | None = None,
                 dtype: DTypeLike = None) -> None:
        check_device(device, "PReLU")
        super().__init__()
        self.num_parameters = _check.integer(num_parameters, "PReLU", "num_parameters",
                                             low=1)
        self.init = _check.real(init, "PReLU", "init")
        dt = as_dtype(dtype, "PReLU") or default_float()
        self.weight = Parameter(np.full(self.num_parameters, self.init, dtype=dt))

    def forward(self, input: Tensor) -> Tensor:
        return FA.prelu(input, self.weight)

    def extra_repr(self) -> str:
        return f"num_parameters={self.num_parameters}"


class GLU(Module):
    """a * sigmoid(b) for the halves a, b of the input along `dim`.

    Args:
        dim: the axis split in two halves; its size must be even (default -1).

    Raises:
        TypeError: dim is not an int.

    >>> import tapegrad as tg
    >>> tg.nn.GLU()(tg.tensor([[1.0, 2.0, 0.0, 0.0]]))          # [1, 2] * sigmoid(0)
    tensor([[0.5000, 1.0000]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = _check.integer(dim, "GLU", "dim")

    def forward(self, input: Tensor) -> Tensor:
        return FA.glu(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"

# the names `from tapegrad.nn.activations import *` gives (tests/test_all.py)
__all__ = ["SiLU", "SELU", "Mish", "ReLU6", "Hardswish", "Hardsigmoid", "LogSigmoid", "Softsign",
           "Tanhshrink", "ELU", "CELU", "Hardtanh", "PReLU", "GLU"]
