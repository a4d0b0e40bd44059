"""nn.ParameterList and nn.ParameterDict: parameters held in a list or a dict, registered
under their positions ("0", "1", ...) or keys, as in PyTorch."""
from __future__ import annotations

from collections import OrderedDict

from .. import _check
from .._tensor import Tensor
from .module import Module
from .parameter import Parameter

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any


def _as_parameter(value, who):
    """A Parameter as given; a plain Tensor becomes one (sharing memory), as PyTorch."""
    if isinstance(value, Parameter):
        return value
    if isinstance(value, Tensor):
        return Parameter(value)
    raise TypeError(f"{who}: values must be tg.nn.Parameters or Tensors, got "
                    f"{_check._got(value)}")


def _line(key, p):
    size = "x".join(str(n) for n in p.shape) or "()"
    return f"    ({key}): Parameter containing: [{p.dtype} of size {size}]"


class ParameterList(Module):
    """A list of parameters registered under "0", "1", ... (state-dict keys
    `name.0`, ...); plain Tensors are made Parameters.

    Args:
        values: an iterable of Parameters or Tensors to start with.

    Raises:
        TypeError: a value is not a Tensor.

    >>> import tapegrad as tg
    >>> ps = tg.nn.ParameterList([tg.nn.Parameter(tg.ones(2)) for _ in range(3)])
    >>> len(ps), ps[1].shape, len(list(ps.parameters()))
    (3, (2,), 3)
    """

    def __init__(self, values: Iterable[Any] | None = None) -> None:
        super().__init__()
        if values is not None:
            self.extend(values)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[Parameter]:
        values: Any = self._parameters.values()
        return iter(values)

    def _key(self, idx):
        idx = _check.integer(idx, "ParameterList", "index")
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f"ParameterList: index {idx} is out of range for {n} "
                             "parameters")
        return str(idx % n)

    def __getitem__(self, idx: int | slice) -> Any:
        if isinstance(idx, slice):
            return ParameterList(list(self._parameters.values())[idx])
        return self._parameters[self._key(idx)]

    def __setitem__(self, idx: int, value: Any) -> None:
        self.register_parameter(self._key(idx), _as_parameter(value, "ParameterList"))

    def append(self, value: Any) -> ParameterList:
        self.register_parameter(str(len(self)), _as_parameter(value, "ParameterList"))
        return self

    def extend(self, values: Iterable[Any]) -> ParameterList:
        if isinstance(values, Tensor) or not hasattr(values, "__iter__"):
            raise TypeError(f"ParameterList.extend: expected an iterable of Parameters, "
                            f"got {_check._got(values)}")
        for v in values:
            self.append(v)
        return self

    def __repr__(self) -> str:
        lines = [_line(k, p) for k, p in self._parameters.items()]
        return "ParameterList(\n" + "\n".join(lines) + "\n)" if lines else "ParameterList()"


class ParameterDict(Module):
    """A dict of parameters registered under their keys (state-dict keys `name.key`);
    plain Tensors are made Parameters. A plain dict is taken in sorted key order, an
    OrderedDict (or a list of pairs) in its own, as in PyTorch.

    Args:
        parameters: a dict, OrderedDict or iterable of (key, value) pairs.

    Raises:
        TypeError: a key is not a string or a value is not a Tensor.

    >>> import tapegrad as tg
    >>> pd = tg.nn.ParameterDict({"b": tg.ones(1), "a": tg.zeros(2)})
    >>> list(pd.keys()), pd["a"].shape
    (['a', 'b'], (2,))
    """

    def __init__(self, parameters: Any = None) -> None:
        super().__init__()
        if parameters is not None:
            self.update(parameters)

    def __len__(self) -> int:
        return len(self._parameters)

    def __iter__(self) -> Iterator[str]:
        return iter(self._parameters)

    def __contains__(self, key: object) -> bool:
        return key in self._parameters

    def __getitem__(self, key: str) -> Parameter:
        p: Any = self._parameters[key]
        return p

    def __setitem__(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise TypeError(f"ParameterDict: keys must be strings, got {_check._got(key)}")
        self.register_parameter(key, _as_parameter(value, "ParameterDict"))

    def __delitem__(self, key: str) -> None:
        del self._parameters[key]
        self.__dict__.pop(key, None)

    def keys(self) -> Any:
        return self._parameters.keys()

    def values(self) -> Any:
        return self._parameters.values()

    def items(self) -> Any:
        return self._parameters.items()

    def get(self, key: str, default: Any = None) -> Any:
        return self._parameters.get(key, default)

    def pop(self, key: str) -> Parameter:
        p: Any = self._parameters[key]
        del self[key]
        return p

    def update(self, parameters: Any) -> None:
        if isinstance(parameters, (OrderedDict, ParameterDict)):
            items = list(parameters.items())
        elif isinstance(parameters, dict):
            items = sorted(parameters.items())
        elif isinstance(parameters, Tensor) or not hasattr(parameters, "__iter__"):
            raise TypeError(f"ParameterDict.update: expected a dict or pairs, got "
                            f"{_check._got(parameters)}")
        else:
            items = [tuple(kv) for kv in parameters]
        for k, v in items:
            self[k] = v

    def __repr__(self) -> str:
        lines = [_line(k, p) for k, p in self._parameters.items()]
        return "ParameterDict(\n" + "\n".join(lines) + "\n)" if lines else "ParameterDict()"


# the names `from tapegrad.nn.containers import *` gives (tests/test_all.py)
__all__ = ["ParameterList", "ParameterDict"]
