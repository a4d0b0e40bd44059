"""tg.Module: TensorFlow's tf.Module (variable tracking for hand-written models)."""
from __future__ import annotations

import contextlib
import re

import numpy as np

from ._check import _got
from ._dtypes import as_dtype
from .nn.module import Module as _NNModule
from .nn.parameter import Parameter
from .tape import Variable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any


def _snake(name):
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s).lower()


def _is_variable(x):
    return isinstance(x, (Variable, Parameter))


def _leaves(value):
    """The leaves of nested lists, tuples and dicts (dict keys sorted, as tf.nest)."""
    if isinstance(value, dict):
        try:
            keys = sorted(value)
        except TypeError:
            keys = list(value)
        for k in keys:
            yield from _leaves(value[k])
    elif isinstance(value, (list, tuple)):
        for v in value:
            yield from _leaves(v)
    else:
        yield value


class Module:
    """A container that finds the variables in its attributes, as tf.Module:
    `Variable`s (and nn.Parameters) held directly, in lists, tuples and dicts, and in
    nested Modules (tg.Module or tg.nn.Module) are listed by `.variables`,
    `.trainable_variables` and `.non_trainable_variables`; `.submodules` lists the
    nested modules. Order follows TF: a module's own attributes sorted by name, then
    the submodules' contents.

    Args:
        name: the module's name (None: the class name in snake_case).

    >>> import tapegrad as tg
    >>> class Dense(tg.Module):
    ...     def __init__(self, n_in, n_out, name=None):
    ...         super().__init__(name=name)
    ...         self.w = tg.Variable(tg.ones((n_in, n_out)), name="w")
    ...         self.b = tg.Variable(tg.zeros(n_out), name="b")
    ...     def __call__(self, x):
    ...         return x @ self.w + self.b
    >>> class MLP(tg.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.layers = [Dense(3, 4), Dense(4, 1)]
    ...         self.step = tg.Variable(0, trainable=False)
    >>> m = MLP()
    >>> len(m.variables), len(m.trainable_variables), len(m.submodules), m.name
    (5, 4, 2, 'mlp')
    """

    def __init__(self, name: str | None = None) -> None:
        if name is None:
            name = _snake(type(self).__name__)
        elif not isinstance(name, str) or not re.fullmatch(r"[A-Za-z_][\w.\-/]*", name):
            raise ValueError(f"Module: {_got(name)} is not a valid module name (letters, "
                             "digits and underscores, not starting with a digit)")
        self._name = name

    @property
    def name(self):
        return getattr(self, "_name", _snake(type(self).__name__))

    @property
    def name_scope(self):
        """A context manager (TF groups op names under it; here it only marks code)."""
        return contextlib.nullcontext(self.name)

    @classmethod
    def with_name_scope(cls, method):
        return method

    def _flatten(self, predicate, seen=None, stack=None):
        seen = {id(self)} if seen is None else seen     # TF: never lists itself
        stack = set() if stack is None else stack
        stack.add(id(self))
        subs = []
        for key in sorted(vars(self)):
            if key == "_name":
                continue
            for leaf in _leaves(vars(self)[key]):
                if id(leaf) in seen:
                    continue
                seen.add(id(leaf))
                if predicate(leaf):
                    yield leaf
                if isinstance(leaf, (Module, _NNModule)) and id(leaf) not in stack:
                    subs.append(leaf)
        for sub in subs:
            if isinstance(sub, Module):
                yield from sub._flatten(predicate, seen, stack)
            else:
                yield from _nn_module_items(sub, predicate, seen)

    @property
    def variables(self):
        """Every variable of this module and its submodules (each once)."""
        return tuple(self._flatten(_is_variable))

    @property
    def trainable_variables(self):
        return tuple(v for v in self.variables if _trainable(v))

    @property
    def non_trainable_variables(self):
        return tuple(v for v in self.variables if not _trainable(v))

    @property
    def submodules(self):
        """Every module nested in this one (not this one), outermost first."""
        return tuple(self._flatten(lambda x: isinstance(x, (Module, _NNModule))))

    def __repr__(self):
        return f"<{type(self).__module__}.{type(self).__name__} object named {self.name!r}>"


def _trainable(v):
    if isinstance(v, Variable):
        return v.trainable
    return bool(getattr(v, "requires_grad", False))


def _nn_module_items(module, predicate, seen):
    # a torch-style module inside a tf.Module: its parameters count as variables and
    # its child modules as submodules
    for m in module.modules():
        if m is not module and id(m) not in seen:
            seen.add(id(m))
            if predicate(m):
                yield m
    for p in module.parameters():
        if id(p) not in seen:
            seen.add(id(p))
            if predicate(p):
                yield p


class name_scope(contextlib.AbstractContextManager):
    """As tf.name_scope: a context manager that TensorFlow uses to prefix the names of
    the ops created inside it. tapegrad's ops have no graph names, so it only marks the
    code (and checks the name); `with tf.name_scope("block"):` runs unchanged.

    Args:
        name: the scope's name (a str).

    Raises:
        TypeError: name is not a string.

    >>> import tapegrad as tg
    >>> with tg.name_scope("layer1") as scope:
    ...     y = tg.constant(1.0) * 2
    >>> scope
    'layer1/'
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"name_scope: name must be a string, got {_got(name)}")
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    def __enter__(self) -> str:
        return self._name + "/" if self._name else ""

    def __exit__(self, *exc: object) -> None:
        return None


class TensorSpec:
    """The shape and dtype a tensor argument must have (TensorFlow's tf.TensorSpec), as
    `tg.function(input_signature=...)` takes them: `None` for a dimension of any size,
    `shape=None` for any rank.

    Args:
        shape: a sequence of ints and Nones, or None.
        dtype: the dtype (float32 by default).
        name: a name, kept for printing.

    >>> import tapegrad as tg
    >>> spec = tg.TensorSpec(shape=[None, 2], dtype=tg.int32)
    >>> spec
    TensorSpec(shape=(None, 2), dtype=tf.int32, name=None)
    >>> spec.is_compatible_with(tg.constant([[1, 2]], dtype=tg.int32))
    True
    """

    def __init__(self, shape: Any, dtype: Any = "float32", name: str | None = None) -> None:
        if isinstance(shape, TensorShape):
            shape = shape.dims
        if shape is not None:
            try:
                shape = tuple(None if d is None else int(d) for d in shape)
            except TypeError:
                raise TypeError(f"TensorSpec: shape must be a sequence of ints and Nones, "
                                f"or None; got {_got(shape)}") from None
        self.shape = shape
        self.dtype = as_dtype(dtype, "TensorSpec")
        self.name = name

    def is_compatible_with(self, value: Any) -> bool:
        """Whether `value` (a tensor, array or TensorSpec) fits this spec."""
        dtype = getattr(value, "dtype", None)
        shape = getattr(value, "shape", None)
        if dtype is None or np.dtype(dtype) != self.dtype:
            return False
        if self.shape is None or shape is None:
            return True
        return len(shape) == len(self.shape) and all(
            a is None or b is None or a == b for a, b in zip(self.shape, shape))

    def __repr__(self) -> str:
        return f"TensorSpec(shape={self.shape}, dtype=tf.{self.dtype.name}, name={self.name!r})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, TensorSpec) and self.shape == other.shape
                and self.dtype == other.dtype and self.name == other.name)

    def __hash__(self) -> int:
        return hash((self.shape, self.dtype, self.name))


class TensorShape:
    """TensorFlow's tf.TensorShape: a shape whose dimensions may be unknown (None), or
    whose rank is unknown (`TensorShape(None)`). tapegrad's tensors have tuple shapes;
    this is for ported code (Variable(shape=...), TensorSpec, shape checks).

    Args:
        dims: a sequence of ints and Nones, an int (a 1-D shape), or None (unknown rank).

    >>> import tapegrad as tg
    >>> s = tg.TensorShape([None, 3])
    >>> s, s.rank, s.as_list(), s.is_compatible_with((5, 3)), s.is_fully_defined()
    (TensorShape([None, 3]), 2, [None, 3], True, False)
    """

    dims: tuple[int | None, ...] | None

    def __init__(self, dims: Any) -> None:
        if isinstance(dims, TensorShape):
            dims = dims.dims
        elif isinstance(dims, (int, np.integer)):
            dims = (dims,)
        if dims is not None:
            try:
                dims = tuple(None if d is None else int(d) for d in dims)
            except TypeError:
                raise TypeError(f"TensorShape: dims must be a sequence of ints and Nones, "
                                f"or None; got {_got(dims)}") from None
        self.dims = dims

    @property
    def rank(self) -> int | None:
        return None if self.dims is None else len(self.dims)

    @property
    def ndims(self) -> int | None:
        return self.rank

    def as_list(self) -> list[int | None]:
        """The dimensions as a list (ValueError for an unknown rank, as TF)."""
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape.")
        return list(self.dims)

    def is_fully_defined(self) -> bool:
        return self.dims is not None and None not in self.dims

    def num_elements(self) -> int | None:
        if self.dims is None or None in self.dims:
            return None
        return int(np.prod([d or 0 for d in self.dims]))

    def is_compatible_with(self, other: Any) -> bool:
        """Whether the two shapes can be the same (None matches anything)."""
        other = TensorShape(getattr(other, "shape", other))
        if self.dims is None or other.dims is None:
            return True
        return len(self.dims) == len(other.dims) and all(
            a is None or b is None or a == b for a, b in zip(self.dims, other.dims))

    def __len__(self) -> int:
        if self.dims is None:
            raise ValueError("Cannot take the length of shape with unknown rank.")
        return len(self.dims)

    def __iter__(self) -> Any:
        if self.dims is None:
            raise ValueError("Cannot iterate over a shape with unknown rank.")
        return iter(self.dims)

    def __getitem__(self, key: Any) -> Any:
        if self.dims is None:
            return TensorShape(None) if isinstance(key, slice) else None
        return TensorShape(self.dims[key]) if isinstance(key, slice) else self.dims[key]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (list, tuple)):
            other = TensorShape(other)
        return isinstance(other, TensorShape) and self.dims == other.dims

    def __hash__(self) -> int:
        return hash(self.dims)

    def __repr__(self) -> str:
        return "TensorShape(None)" if self.dims is None else f"TensorShape({list(self.dims)})"


__all__ = ["Module", "name_scope", "TensorSpec", "TensorShape"]
