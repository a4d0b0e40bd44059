"""Layers: Linear, Sequential, containers, activations, Dropout, norms, Embedding."""
from __future__ import annotations

import math
from collections import OrderedDict

import numpy as np

from .. import ops
from .._dtypes import as_dtype, check_device, default_float
from .. import _check
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import ItemsView, Iterable, Iterator, KeysView, ValuesView
    from typing import Any

    from .._tensor import Tensor
    from .._typing import DTypeLike, ShapeLike


def _empty(shape, dtype, fn="dtype"):
    return Parameter(np.zeros(shape, dtype=as_dtype(dtype, fn) or default_float()))


class Identity(Module):
    """Returns its input unchanged (a placeholder layer).

    Args:
        *args: accepted and ignored (as torch.nn.Identity).
        **kwargs: accepted and ignored.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.0, 2.0])
    >>> tg.nn.Identity(54, unused=0)(x) is x
    True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, input: Tensor) -> Any:
        return input


class Linear(Module):
    """y = x @ weight.T + bias, with weight of shape (out_features, in_features).

    Initialised as PyTorch does: weight from kaiming_uniform(a=sqrt(5)), that is
    U(-1/sqrt(in_features), 1/sqrt(in_features)), and bias from the same range.

    Args:
        in_features: the length of each input's last dimension.
        out_features: the length of each output's last dimension.
        bias: learn the additive bias.
        device: None or "cpu" (tapegrad runs on the CPU only).
        dtype: the parameters' dtype (float32 by default).

    Raises:
        TypeError: a size is not an int, or bias is not a bool.
        ValueError: a negative size, or a device other than the CPU.

    >>> import tapegrad as tg
    >>> layer = tg.nn.Linear(3, 2)
    >>> layer.weight.shape, layer(tg.ones(4, 3)).shape
    ((2, 3), (4, 2))
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        check_device(device, "Linear")
        super().__init__()
        self.in_features = _check.integer(in_features, "Linear", "in_features", low=0)
        self.out_features = _check.integer(out_features, "Linear", "out_features", low=0)
        bias = _check.flag(bias, "Linear", "bias")
        self.weight = _empty((self.out_features, self.in_features), dtype, "Linear")
        if bias:
            self.bias = _empty((self.out_features,), dtype, "Linear")
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.in_features
            bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        try:
            return F.linear(input, self.weight, self.bias)
        except (ValueError, TypeError):
            self._check_input(input)        # the clearer message, naming this layer
            raise

    def _check_input(self, input):
        shape = getattr(input, "shape", None)
        if not shape or shape[-1] != self.in_features:
            i, o = self.in_features, self.out_features
            head = f"Linear(in_features={i}, out_features={o}) expects input[..., {i}]"
            if shape is None:
                raise TypeError(f"{head}: input must be a tensor, got "
                                f"{_check._got(input)}") from None
            raise ValueError(f"{head} (in_features); linear: input of shape {shape} does not "
                             f"match weight of shape {(o, i)}") from None

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}")


class Sequential(Module):
    """Runs its modules in order; state-dict keys read `0.weight`, `1.bias`, ...

    Also accepts an OrderedDict of named modules. Supports len, indexing, slicing,
    iteration and append.

    Args:
        *modules: the modules, in call order, or one OrderedDict of named modules.

    Raises:
        TypeError: an argument is not a Module.

    >>> import tapegrad as tg
    >>> model = tg.nn.Sequential(tg.nn.Linear(3, 4), tg.nn.ReLU(), tg.nn.Linear(4, 1))
    >>> model(tg.ones(2, 3)).shape, len(model), list(model.state_dict())[:2]
    ((2, 1), 3, ['0.weight', '0.bias'])
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], OrderedDict):
            items = list(modules[0].items())
        else:
            items = [(str(i), m) for i, m in enumerate(modules)]
        for name, m in items:
            if not isinstance(m, Module):
                raise TypeError(f"Sequential: argument {name} must be a tg.nn.Module, got "
                                f"{_check._got(m)}")
        for name, m in items:
            self.add_module(name, m)

    def forward(self, input: Tensor) -> Any:
        for m in self._modules.values():
            input = m(input)
        return input

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: int | slice) -> Any:
        mods = list(self._modules.items())
        if isinstance(idx, slice):
            return Sequential(OrderedDict(mods[idx]))
        idx = _check.integer(idx, "Sequential", "index")
        n = len(mods)
        if not -n <= idx < n:
            raise IndexError(f"Sequential: index {idx} is out of range for {n} modules")
        return mods[idx][1]

    def append(self, module: Module) -> Sequential:
        self.add_module(str(len(self)), module)
        return self

    def _key(self, idx):
        idx = _check.integer(idx, "Sequential", "index")
        keys = list(self._modules)
        if not -len(keys) <= idx < len(keys):
            raise IndexError(f"Sequential: index {idx} is out of range for {len(keys)} "
                             "modules")
        return keys[idx]

    def _rebuild(self, items):
        """Register `items` ((name, module) pairs) as the modules, in order."""
        for k in list(self._modules):
            delattr(self, k)
        for k, m in items:
            self.add_module(k, m)

    def __setitem__(self, idx: int, module: Module) -> None:
        # model[2] = nn.Linear(...): the new module takes the old one's name and place
        if not isinstance(module, Module):
            raise TypeError(f"Sequential: a new element must be a tg.nn.Module, got "
                            f"{_check._got(module)}")
        key = self._key(idx)
        self._rebuild([(k, module if k == key else m) for k, m in self._modules.items()])

    def __delitem__(self, idx: int | slice) -> None:
        keys = list(self._modules)
        gone = set(keys[idx] if isinstance(idx, slice) else [self._key(idx)])
        kept = [(k, m) for k, m in self._modules.items() if k not in gone]
        # PyTorch renumbers so the keys stay 0..n-1 (named ones are kept)
        self._rebuild([(str(i) if k.isdigit() else k, m) for i, (k, m) in enumerate(kept)])

    def insert(self, index: int, module: Module) -> Sequential:
        if not isinstance(module, Module):
            raise TypeError(f"Sequential.insert: module must be a tg.nn.Module, got "
                            f"{_check._got(module)}")
        mods = list(self._modules.values())
        n = len(mods)
        index = _check.integer(index, "Sequential", "index")
        if not -n <= index <= n:
            raise IndexError(f"Sequential.insert: index {index} is out of range for {n} "
                             "modules")
        mods.insert(index if index >= 0 else n + index, module)
        self._rebuild([(str(i), m) for i, m in enumerate(mods)])
        return self

    def extend(self, sequential: Iterable[Module]) -> Sequential:
        for m in sequential:
            self.append(m)
        return self


class ModuleList(Module):
    """A list of modules whose parameters are registered (keys `0.weight`, ...).

    Args:
        modules: an iterable of modules to start with (empty by default).

    Raises:
        TypeError: an element is not a Module.

    >>> import tapegrad as tg
    >>> layers = tg.nn.ModuleList([tg.nn.Linear(2, 2) for _ in range(3)])
    >>> len(layers), len(list(layers.parameters()))
    (3, 6)
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is None:
            return
        if isinstance(modules, (Module, str, dict)) or not hasattr(modules, "__iter__"):
            raise TypeError(f"ModuleList: modules must be an iterable of tg.nn.Modules, got "
                            f"{_check._got(modules)}")
        modules = list(modules)
        for i, m in enumerate(modules):
            if not isinstance(m, Module):
                raise TypeError(f"ModuleList: modules[{i}] must be a tg.nn.Module, got "
                                f"{_check._got(m)}")
        for m in modules:
            self.append(m)

    def append(self, module: Module) -> ModuleList:
        self.add_module(str(len(self._modules)), module)
        return self

    def extend(self, modules: Iterable[Module]) -> ModuleList:
        for m in modules:
            self.append(m)
        return self

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[Module]:
        return iter(self._modules.values())

    def __getitem__(self, idx: int | slice) -> Any:
        mods = list(self._modules.values())
        if isinstance(idx, slice):
            return ModuleList(mods[idx])
        idx = _check.integer(idx, "ModuleList", "index")
        if not -len(mods) <= idx < len(mods):
            raise IndexError(f"ModuleList: index {idx} is out of range for {len(mods)} "
                             "modules")
        return mods[idx]

    def __setitem__(self, idx: int, module: Module) -> None:
        idx = _check.integer(idx, "ModuleList", "index")
        n = len(self._modules)
        if not -n <= idx < n:
            raise IndexError(f"ModuleList: index {idx} is out of range for {n} modules")
        if not isinstance(module, Module):
            raise TypeError(f"ModuleList: a new element must be a tg.nn.Module, got "
                            f"{_check._got(module)}")
        mods = list(self._modules.values())
        mods[idx] = module
        self._reset(mods)

    def _reset(self, mods):
        for k in list(self._modules):
            delattr(self, k)
        for m in mods:
            self.append(m)

    def insert(self, index: int, module: Module) -> None:
        mods = list(self._modules.values())
        mods.insert(_check.integer(index, "ModuleList", "index"), module)
        self._reset(mods)


class ModuleDict(Module):
    """A dict of modules whose parameters are registered under their keys.

    Args:
        modules: a dict (or iterable of (key, module) pairs) to start with.

    Raises:
        TypeError: a value is not a Module.

    >>> import tapegrad as tg
    >>> heads = tg.nn.ModuleDict({"a": tg.nn.Linear(2, 1), "b": tg.nn.Linear(2, 3)})
    >>> heads["b"](tg.ones(2)).shape, sorted(heads.keys())
    ((3,), ['a', 'b'])
    """

    def __init__(self, modules: Any = None) -> None:
        super().__init__()
        if modules is None:
            return
        if hasattr(modules, "items"):
            items = list(modules.items())
        elif isinstance(modules, (Module, str)) or not hasattr(modules, "__iter__"):
            raise TypeError(f"ModuleDict: modules must be a dict (or pairs) of name -> "
                            f"tg.nn.Module, got {_check._got(modules)}")
        else:
            items = list(modules)
            for i, item in enumerate(items):
                if not (isinstance(item, (tuple, list)) and len(item) == 2):
                    raise TypeError(f"ModuleDict: modules[{i}] must be a (name, module) "
                                    f"pair, got {_check._got(item)}")
        for k, m in items:
            if not isinstance(k, str):
                raise TypeError(f"ModuleDict: keys must be strings, got {_check._got(k)}")
            if not isinstance(m, Module):
                raise TypeError(f"ModuleDict: modules[{k!r}] must be a tg.nn.Module, got "
                                f"{_check._got(m)}")
        for k, m in items:
            self.add_module(k, m)

    def __getitem__(self, key: str) -> Module:
        return self._modules[key]

    def __setitem__(self, key: str, module: Module) -> None:
        self.add_module(key, module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __contains__(self, key: object) -> bool:
        return key in self._modules

    def keys(self) -> KeysView[str]:
        return self._modules.keys()

    def values(self) -> ValuesView[Module]:
        return self._modules.values()

    def items(self) -> ItemsView[str, Module]:
        return self._modules.items()


# ------------------------------------------------------------------ activations

class ReLU(Module):
    """max(x, 0) elementwise.

    Args:
        inplace: accepted for ported code; the result is a new tensor.

    >>> import tapegrad as tg
    >>> tg.nn.ReLU()(tg.tensor([-1.0, 2.0]))
    tensor([0., 2.])
    """

    def __init__(self, inplace: bool = False) -> None:
        super().__init__()
        self.inplace = _check.flag(inplace, "ReLU", "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return ops.relu(input)

    def extra_repr(self) -> str:
        return "inplace=True" if self.inplace else ""


class LeakyReLU(Module):
    """max(x, 0) + negative_slope * min(x, 0) elementwise, as torch.nn.LeakyReLU.

    Args:
        negative_slope: the slope for negative inputs.
        inplace: accepted for ported code; the result is a new tensor.

    >>> import tapegrad as tg
    >>> tg.nn.LeakyReLU(0.1)(tg.tensor([-1.0, 2.0]))
    tensor([-0.1000,  2.0000])
    """

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope = _check.real(negative_slope, "LeakyReLU", "negative_slope")
        self.inplace = _check.flag(inplace, "LeakyReLU", "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return ops.leaky_relu(input, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}" + (
            ", inplace=True" if self.inplace else "")


class GELU(Module):
    """x * Phi(x) elementwise (Phi the standard normal CDF), as torch.nn.GELU.

    Args:
        approximate: "none" for the exact form, "tanh" for the tanh approximation.

    Raises:
        ValueError: approximate is neither "none" nor "tanh".

    >>> import tapegrad as tg
    >>> tg.nn.GELU()(tg.tensor([-1.0, 0.0, 1.0]))
    tensor([-0.1587,  0.0000,  0.8413])
    """

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = F._check_approximate(approximate, "GELU")

    def forward(self, input: Tensor) -> Tensor:
        return ops.gelu(input, approximate=self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Tanh(Module):
    """tanh(x) elementwise, as torch.nn.Tanh.

    >>> import tapegrad as tg
    >>> tg.nn.Tanh()(tg.tensor([0.0, 1.0]))
    tensor([0.0000, 0.7616])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.tanh(input)


class Sigmoid(Module):
    """1 / (1 + exp(-x)) elementwise, as torch.nn.Sigmoid.

    >>> import tapegrad as tg
    >>> tg.nn.Sigmoid()(tg.tensor([0.0, 2.0]))
    tensor([0.5000, 0.8808])
    """

    def forward(self, input: Tensor) -> Tensor:
        return ops.sigmoid(input)


class Softplus(Module):
    """log(1 + exp(beta * x)) / beta elementwise, as torch.nn.Softplus.

    Args:
        beta: the sharpness; larger values approach relu.
        threshold: above beta * x > threshold the result is x (no overflow).

    >>> import tapegrad as tg
    >>> tg.nn.Softplus()(tg.tensor([0.0, 30.0]))
    tensor([ 0.6931, 30.0000])
    """

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = F._check_softplus(beta, threshold, "Softplus")

    def forward(self, input: Tensor) -> Tensor:
        return ops.softplus(input, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """exp(x) / sum(exp(x)) along `dim`, as torch.nn.Softmax.

    Args:
        dim: the dimension that sums to one.

    >>> import tapegrad as tg
    >>> tg.nn.Softmax(dim=1)(tg.tensor([[0.0, 0.0], [0.0, 1.0]]))
    tensor([[0.5000, 0.5000],
            [0.2689, 0.7311]])
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = _check.dim(dim, type(self).__name__, "dim")

    def forward(self, input: Tensor) -> Tensor:
        return ops.softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Module):
    """log(softmax(x)) along `dim`, computed stably, as torch.nn.LogSoftmax.

    Args:
        dim: the dimension to normalize over.

    >>> import tapegrad as tg
    >>> tg.nn.LogSoftmax(dim=0)(tg.tensor([0.0, 0.0]))
    tensor([-0.6931, -0.6931])
    """

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = _check.dim(dim, type(self).__name__, "dim")

    def forward(self, input: Tensor) -> Tensor:
        return ops.log_softmax(input, self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class Flatten(Module):
    """Flattens dims start_dim..end_dim (default: all but the batch dim).

    Args:
        start_dim: the first dimension to flatten.
        end_dim: the last dimension to flatten (inclusive).

    >>> import tapegrad as tg
    >>> tg.nn.Flatten()(tg.zeros((2, 3, 4))).shape
    (2, 12)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = _check.dim(start_dim, "Flatten", "start_dim")
        self.end_dim = _check.dim(end_dim, "Flatten", "end_dim")

    def forward(self, input: Tensor) -> Tensor:
        return ops.flatten(input, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


# ------------------------------------------------------------------ regularisation, norms

class Dropout(Module):
    """Zeroes elements with probability `p` in training mode (scaling the rest by
    1/(1-p)); the identity in eval mode. Reproducible with `tg.manual_seed`.

    Args:
        p: the probability of zeroing an element, in [0, 1].
        inplace: accepted for ported code; the result is a new tensor.

    Raises:
        ValueError: p is outside [0, 1].

    >>> import tapegrad as tg
    >>> drop = tg.nn.Dropout(0.5)
    >>> _ = drop.eval()
    >>> drop(tg.ones(3))
    tensor([1., 1., 1.])
    """

    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        self.p = F._check_p(p, "Dropout")
        self.inplace = _check.flag(inplace, "Dropout", "inplace")

    def forward(self, input: Tensor) -> Tensor:
        return F.dropout(input, self.p, self.training)

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"


class LayerNorm(Module):
    """Normalizes over the trailing `normalized_shape` dims with learnable scale/shift.

    Args:
        normalized_shape: the trailing shape to normalize over (an int or a tuple).
        eps: added to the variance for stability.
        elementwise_affine: learn a per-element scale `weight` (ones) and shift `bias`.
        bias: learn the shift (with elementwise_affine).
        device: None or "cpu" (another device raises ValueError).
        dtype: the parameters' dtype (float32 by default).

    >>> import tapegrad as tg
    >>> ln = tg.nn.LayerNorm(2)
    >>> ln(tg.tensor([[1.0, 3.0]]))
    tensor([[-1.0000,  1.0000]], grad_fn=<AddBackward>)
    """

    def __init__(self, normalized_shape: ShapeLike, eps: float = 1e-5,
                 elementwise_affine: bool = True, bias: bool = True,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        check_device(device, "LayerNorm")
        super().__init__()
        self.normalized_shape = F._check_normalized_shape(normalized_shape, "LayerNorm")
        self.eps = _check.real(eps, "LayerNorm", "eps", low=0.0)
        self.elementwise_affine = _check.flag(elementwise_affine, "LayerNorm",
                                              "elementwise_affine")
        bias = _check.flag(bias, "LayerNorm", "bias")
        if elementwise_affine:
            dt = as_dtype(dtype, "LayerNorm") or default_float()
            self.weight = Parameter(np.ones(self.normalized_shape, dtype=dt))
            if bias:
                self.bias = Parameter(np.zeros(self.normalized_shape, dtype=dt))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)

    def forward(self, input: Tensor) -> Tensor:
        try:
            return F.layer_norm(input, self.normalized_shape, self.weight, self.bias,
                                self.eps)
        except ValueError as e:
            shape = getattr(input, "shape", None)
            n = self.normalized_shape
            if shape is None or tuple(shape[len(shape) - len(n):]) != n:
                raise ValueError(f"LayerNorm({n}): expected input of shape (*, "
                                 f"{', '.join(map(str, n))}), got "
                                 + (f"shape {shape}" if shape is not None else
                                    _check._got(input)) + f" ({e})") from None
            raise

    def extra_repr(self) -> str:
        return (f"{self.normalized_shape}, eps={self.eps}, "
                f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}")


class Embedding(Module):
    """A lookup table: integer indices -> rows of `weight` (num_embeddings, embedding_dim),
    initialised from N(0, 1); the `padding_idx` row starts at zero and gets no gradient.

    Args:
        num_embeddings: the number of rows (the largest index + 1).
        embedding_dim: the length of each row.
        padding_idx: a row index kept at zero with no gradient (None: none).
        device: None or "cpu" (tapegrad runs on the CPU only).
        dtype: the weight's dtype (float32 by default).

    Raises:
        ValueError: a device other than the CPU.
        IndexError: (when called) an index is out of range.

    >>> import tapegrad as tg
    >>> emb = tg.nn.Embedding(10, 3, padding_idx=0)
    >>> emb(tg.tensor([[0, 2], [4, 9]])).shape, emb.weight[0].tolist()
    ((2, 2, 3), [0.0, 0.0, 0.0])
    """

    def __init__(self, num_embeddings: int, embedding_dim: int, padding_idx: int | None = None,
                 max_norm: float | None = None, norm_type: float = 2.0,
                 scale_grad_by_freq: bool = False, sparse: bool = False,
                 _weight: Any = None, _freeze: bool = False,
                 device: Any = None, dtype: DTypeLike = None) -> None:
        check_device(device, "Embedding")
        super().__init__()
        self.max_norm = None if max_norm is None else _check.real(max_norm, "Embedding",
                                                                  "max_norm", low=0.0)
        self.norm_type = _check.real(norm_type, "Embedding", "norm_type")
        self.scale_grad_by_freq = _check.flag(scale_grad_by_freq, "Embedding",
                                              "scale_grad_by_freq")
        self.sparse = _check.flag(sparse, "Embedding", "sparse")
        self.num_embeddings = _check.integer(num_embeddings, "Embedding", "num_embeddings",
                                             low=0)
        self.embedding_dim = _check.integer(embedding_dim, "Embedding", "embedding_dim",
                                            low=0)
        if padding_idx is not None:
            padding_idx = _check.integer(padding_idx, "Embedding", "padding_idx")
            if not -self.num_embeddings <= padding_idx < self.num_embeddings:
                raise ValueError(f"Embedding: padding_idx {padding_idx} must be within "
                                 f"num_embeddings ({self.num_embeddings})")
            padding_idx = padding_idx % self.num_embeddings
        self.padding_idx = padding_idx
        if _weight is None:
            self.weight = _empty((self.num_embeddings, self.embedding_dim), dtype, "Embedding")
            self.reset_parameters()
        else:                   # torch's private argument, used by from_pretrained
            w = np.array(getattr(_weight, "_data", _weight))
            if w.shape != (self.num_embeddings, self.embedding_dim):
                raise ValueError(f"Embedding: _weight has shape {w.shape}, expected "
                                 f"{(self.num_embeddings, self.embedding_dim)}")
            self.weight = Parameter(w, requires_grad=not _freeze)

    def reset_parameters(self) -> None:
        init.normal_(self.weight)
        if self.padding_idx is not None:
            self.weight._data[self.padding_idx] = 0

    @classmethod
    def from_pretrained(cls, embeddings: Any, freeze: bool = True,
                        padding_idx: int | None = None, max_norm: float | None = None,
                        norm_type: float = 2.0, scale_grad_by_freq: bool = False,
                        sparse: bool = False) -> Embedding:
        """An Embedding whose weight is a copy of `embeddings` (PyTorch's from_pretrained).

        Args:
            embeddings: a 2-D tensor or array, (num_embeddings, embedding_dim).
            freeze: keep the weight fixed (requires_grad False), as PyTorch's default.
            padding_idx: as in Embedding (the row is kept as given, not zeroed).
            max_norm: as in Embedding.
            norm_type: as in Embedding.
            scale_grad_by_freq: as in Embedding.
            sparse: as in Embedding.

        >>> import tapegrad as tg
        >>> emb = tg.nn.Embedding.from_pretrained(tg.tensor([[1.0, 2.0], [3.0, 4.0]]))
        >>> emb(tg.tensor([1])), emb.weight.requires_grad
        (tensor([[3., 4.]]), False)
        """
        shape = tuple(getattr(embeddings, "shape", np.shape(embeddings)))
        if len(shape) != 2:
            raise ValueError(f"Embedding.from_pretrained: embeddings must be 2-D, got shape "
                             f"{shape}")
        emb = cls(shape[0], shape[1], padding_idx=padding_idx, max_norm=max_norm,
                  norm_type=norm_type, scale_grad_by_freq=scale_grad_by_freq,
                  sparse=sparse, _weight=embeddings,
                  _freeze=_check.flag(freeze, "Embedding.from_pretrained", "freeze"))
        return emb

    def forward(self, input: Tensor) -> Tensor:
        return F.embedding(input, self.weight, self.padding_idx, self.max_norm,
                           self.norm_type, self.scale_grad_by_freq, self.sparse)

    def extra_repr(self) -> str:
        s = f"{self.num_embeddings}, {self.embedding_dim}"
        if self.padding_idx is not None:
            s += f", padding_idx={self.padding_idx}"
        return s

# the names `from tapegrad.nn.layers import *` gives (tests/test_all.py)
__all__ = ["Identity", "Linear", "Sequential", "ModuleList", "ModuleDict", "ReLU", "LeakyReLU",
           "GELU", "Tanh", "Sigmoid", "Softplus", "Softmax", "LogSoftmax", "Flatten", "Dropout",
           "LayerNorm", "Embedding"]
