"""tf.train's checkpoints for tf.Module-style models: `tg.train.Checkpoint(model=m)`
writes every Variable reachable from its keyword arguments (through tg.Module
attributes, lists and dicts, and nn.Module parameters) to one safetensors file under
TensorFlow's key names (`model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE`), and restores
them by the same names; `tg.train.list_variables(path)` lists (name, shape)."""
from __future__ import annotations

import numpy as np

from ._check import _got
from .io import load, save
from .nn.module import Module as _NNModule
from .nn.parameter import Parameter
from .tape import Variable
from .tf_module import Module as _TFModule

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import os
    from typing import Any

_SUFFIX = "/.ATTRIBUTES/VARIABLE_VALUE"


def _walk(prefix, obj, out, seen):
    """(key, variable) for every variable reachable from obj, in TF's key spelling."""
    if isinstance(obj, (Variable, Parameter)):
        out.setdefault(prefix + _SUFFIX, obj)
        return
    if id(obj) in seen:
        return
    if isinstance(obj, _TFModule):
        seen.add(id(obj))
        for k in sorted(vars(obj)):
            if not k.startswith("_"):
                _walk(f"{prefix}/{k}", vars(obj)[k], out, seen)
    elif isinstance(obj, _NNModule):
        seen.add(id(obj))
        for name, p in obj.named_parameters():
            out.setdefault(f"{prefix}/{name.replace('.', '/')}{_SUFFIX}", p)
    elif isinstance(obj, (list, tuple)):
        seen.add(id(obj))
        for i, v in enumerate(obj):
            _walk(f"{prefix}/{i}", v, out, seen)
    elif isinstance(obj, dict):
        seen.add(id(obj))
        for k in sorted(obj, key=str):
            _walk(f"{prefix}/{k}", obj[k], out, seen)


class _Status:
    """What `Checkpoint.read` / `restore` returns: which saved values found a variable."""

    def __init__(self, unused: list[str], missing: list[str]) -> None:
        self._unused = unused
        self._missing = missing

    def assert_consumed(self) -> _Status:
        """Raise AssertionError unless every saved value and every variable matched."""
        if self._unused or self._missing:
            raise AssertionError(f"Checkpoint: unused saved values {self._unused}, "
                                 f"variables without a value {self._missing}")
        return self

    def assert_existing_objects_matched(self) -> _Status:
        """Raise AssertionError if a variable of this checkpoint got no value."""
        if self._missing:
            raise AssertionError(f"Checkpoint: variables without a value {self._missing}")
        return self

    def expect_partial(self) -> _Status:
        """Accept a partial match (as TensorFlow's, which only silences warnings)."""
        return self


class Checkpoint:
    """As tf.train.Checkpoint: groups trackable objects (tg.Module models, Variables,
    lists and dicts of them, nn.Modules) under names, then `write(path)` /
    `save(prefix)` and `read(path)` / `restore(path)` their variables.

    Args:
        **kwargs: name -> object to track.

    Raises:
        TypeError: an object holds no variables tapegrad can track.

    >>> import os, tempfile
    >>> import tapegrad as tg
    >>> v = tg.Variable([1.0, 2.0])
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt")
    >>> _ = tg.train.Checkpoint(v=v).write(path)
    >>> _ = v.assign([0.0, 0.0])
    >>> _ = tg.train.Checkpoint(v=v).read(path)
    >>> v.numpy()
    array([1., 2.], dtype=float32)
    """

    def __init__(self, **kwargs: Any) -> None:
        self._objects = dict(kwargs)
        self._save_counter = 0

    def _variables(self):
        out: dict[str, Any] = {}
        seen: set[int] = set()
        for name in sorted(self._objects):
            _walk(name, self._objects[name], out, seen)
        return out

    def write(self, file_prefix: str | os.PathLike[str]) -> str:
        """Write the variables to `file_prefix` (one file); returns the path."""
        path = str(file_prefix)
        save({k: v.detach() for k, v in self._variables().items()}, path)
        return path

    def save(self, file_prefix: str | os.PathLike[str]) -> str:
        """Write to `file_prefix-N` (N counts the saves, from 1); returns that path."""
        self._save_counter += 1
        return self.write(f"{file_prefix}-{self._save_counter}")

    def read(self, save_path: str | os.PathLike[str]) -> _Status:
        """Assign the saved values to the variables of the same names."""
        saved = load(str(save_path))
        if not isinstance(saved, dict):
            raise ValueError(f"Checkpoint.read: {save_path!s} is not a checkpoint")
        mine = self._variables()
        for k, var in mine.items():
            if k in saved:
                value = np.asarray(saved[k].numpy() if hasattr(saved[k], "numpy")
                                   else saved[k])
                if value.shape != tuple(var.shape):
                    raise ValueError(f"Checkpoint.read: {k} has shape {value.shape} in the "
                                     f"file, the variable has shape {tuple(var.shape)}")
                var._data[...] = value
                var._bump_version()
        return _Status(sorted(set(saved) - set(mine)), sorted(set(mine) - set(saved)))

    restore = read

    def __repr__(self) -> str:
        return f"<tapegrad.train.Checkpoint tracking {sorted(self._objects)}>"


def list_variables(ckpt_dir_or_file: str | os.PathLike[str]) -> list[tuple[str, list[int]]]:
    """(name, shape) of each value in a checkpoint file, sorted by name.

    Args:
        ckpt_dir_or_file: the path written by Checkpoint.write.

    >>> import os, tempfile
    >>> import tapegrad as tg
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt")
    >>> _ = tg.train.Checkpoint(w=tg.Variable(tg.zeros([2, 3]))).write(path)
    >>> tg.train.list_variables(path)
    [('w/.ATTRIBUTES/VARIABLE_VALUE', [2, 3])]
    """
    saved = load(str(ckpt_dir_or_file))
    if not isinstance(saved, dict):
        raise ValueError(f"list_variables: {_got(ckpt_dir_or_file)} is not a checkpoint")
    return [(k, list(np.shape(saved[k]))) for k in sorted(saved)]


# the names `from tapegrad.train import *` gives (tests/test_all.py)
__all__ = ["Checkpoint", "list_variables"]
