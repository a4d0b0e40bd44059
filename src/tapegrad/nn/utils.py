"""Training utilities: gradient clipping, flat parameter vectors, a progress bar."""
from __future__ import annotations

import sys
import time

import numpy as np

from .._check import _got
from .._dtypes import default_float
from .._tensor import Tensor, make
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


def _param_list(parameters, fn):
    if isinstance(parameters, Tensor):
        return [parameters]
    if isinstance(parameters, (str, bytes)) or not hasattr(parameters, "__iter__"):
        raise TypeError(f"{fn}: parameters must be a tensor or an iterable of tensors, got "
                        f"{_got(parameters)}")
    params = list(parameters)
    for p in params:
        if not isinstance(p, Tensor):
            raise TypeError(f"{fn}: expected tensors, got {_got(p)}")
    return params


def _real(v, fn, arg):
    """`v` as a float that is a real number and not NaN, else TypeError/ValueError."""
    if isinstance(v, Tensor) and v._data.size == 1:
        v = v._data.item()
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, float, np.integer,
                                                            np.floating)):
        raise TypeError(f"{fn}: {arg} must be a real number, got {_got(v)}")
    v = float(v)
    if v != v:
        raise ValueError(f"{fn}: {arg} must not be NaN")
    return v


def _unique_grads(params):
    """Each parameter's .grad once, even when two parameters hold the same gradient
    tensor or array (scaling it once per holder would scale it twice)."""
    seen, out = set(), []
    for p in params:
        g = p.grad
        if id(g._data) not in seen:
            seen.add(id(g._data))
            out.append(g)
    return out


def clip_grad_norm_(parameters: Iterable[Tensor] | Tensor, max_norm: float, norm_type: float = 2.0,
                    error_if_nonfinite: bool = False) -> Tensor:
    """Scale the gradients of `parameters` in place so that their joint norm is at most
    `max_norm`; returns the norm before clipping (as PyTorch, with its 1e-6 guard).

    Args:
        parameters: a tensor or an iterable of tensors; those without a .grad are skipped.
        max_norm: the largest joint norm allowed.
        norm_type: the p of the p-norm (inf for the largest absolute value).
        error_if_nonfinite: raise when the total norm is nan or inf instead of scaling.

    >>> import tapegrad as tg
    >>> w = tg.zeros(2, requires_grad=True)
    >>> w.grad = tg.tensor([3.0, 4.0])
    >>> tg.nn.utils.clip_grad_norm_([w], 1.0)
    tensor(5.)
    >>> w.grad
    tensor([0.6000, 0.8000])
    """
    params = [p for p in _param_list(parameters, "clip_grad_norm_") if p.grad is not None]
    max_norm = _real(max_norm, "clip_grad_norm_", "max_norm")
    if max_norm < 0:
        raise ValueError(f"clip_grad_norm_: max_norm must be >= 0, got {max_norm}")
    if isinstance(norm_type, str) and norm_type.strip().lower() in ("inf", "+inf"):
        norm_type = float("inf")
    norm_type = _real(norm_type, "clip_grad_norm_", "norm_type")
    if not isinstance(error_if_nonfinite, (bool, np.bool_)):
        raise TypeError(f"clip_grad_norm_: error_if_nonfinite must be True or False, got "
                        f"{_got(error_if_nonfinite)}")
    if not norm_type > 0:
        raise ValueError(f"clip_grad_norm_: norm_type must be > 0 (or inf), got {norm_type}")
    if not params:
        return make(np.zeros((), dtype=default_float()))
    # each gradient counts once in the norm, as it is scaled once ([p, p] or a shared one)
    unique = _unique_grads(params)
    grads = [g._data for g in unique]
    dtype = np.result_type(*grads)
    if norm_type == float("inf"):
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        per = [np.sum(np.abs(g.astype(np.float64, copy=False)) ** norm_type) for g in grads]
        total = float(np.sum(per)) ** (1.0 / norm_type)
    if error_if_nonfinite and not np.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total norm of order {norm_type} of the "
                           f"gradients is non-finite ({total}), so it cannot be clipped; "
                           "pass error_if_nonfinite=False to clip anyway")
    coef = max_norm / (total + 1e-6)
    if coef < 1.0:
        for g in unique:
            if g._data.flags.writeable:
                np.multiply(g._data, coef, out=g._data, casting="same_kind")
            else:
                g._data = g._data * coef
            g._bump_version()
    return make(np.asarray(total, dtype=dtype))


def clip_grad_value_(parameters: Iterable[Tensor] | Tensor, clip_value: float) -> None:
    """Clamp every gradient element into [-clip_value, clip_value] in place.

    Args:
        parameters: a tensor or an iterable of tensors; those without a .grad are skipped.
        clip_value: the largest absolute value allowed (>= 0).

    >>> import tapegrad as tg
    >>> w = tg.zeros(3, requires_grad=True)
    >>> w.grad = tg.tensor([-5.0, 0.5, 2.0])
    >>> tg.nn.utils.clip_grad_value_([w], 1.0)
    >>> w.grad
    tensor([-1.0000,  0.5000,  1.0000])
    """
    clip_value = _real(clip_value, "clip_grad_value_", "clip_value")
    if clip_value < 0:
        raise ValueError(f"clip_grad_value_: clip_value must be >= 0, got {clip_value}")
    params = [p for p in _param_list(parameters, "clip_grad_value_") if p.grad is not None]
    for g in _unique_grads(params):
        if g._data.flags.writeable:
            np.clip(g._data, -clip_value, clip_value, out=g._data)
        else:
            g._data = np.clip(g._data, -clip_value, clip_value)
        g._bump_version()


def parameters_to_vector(parameters: Iterable[Tensor] | Tensor) -> Tensor:
    """All parameters concatenated into one flat tensor (a copy, not tracked).

    Args:
        parameters: a tensor or an iterable of tensors.

    >>> import tapegrad as tg
    >>> lin = tg.nn.Linear(3, 2)
    >>> tg.nn.utils.parameters_to_vector(lin.parameters()).shape     # 2*3 weights, 2 biases
    (8,)
    """
    params = _param_list(parameters, "parameters_to_vector")
    if not params:
        raise ValueError("parameters_to_vector: parameters is empty; there is nothing to "
                         "concatenate")
    return make(np.concatenate([p._data.reshape(-1) for p in params]))


def vector_to_parameters(vec: Tensor, parameters: Iterable[Tensor] | Tensor) -> None:
    """Write the flat `vec` back into `parameters` in place (inverse of the above).

    Args:
        vec: a 1-D tensor with as many elements as the parameters together.
        parameters: a tensor or an iterable of tensors, written in order.

    >>> import tapegrad as tg
    >>> lin = tg.nn.Linear(2, 1)
    >>> tg.nn.utils.vector_to_parameters(tg.tensor([1.0, 2.0, 3.0]), lin.parameters())
    >>> lin.weight.tolist(), lin.bias.tolist()
    ([[1.0, 2.0]], [3.0])
    """
    params = _param_list(parameters, "vector_to_parameters")
    v = vec._data if isinstance(vec, Tensor) else np.asarray(vec)
    if v.dtype.kind not in "biuf":
        # a complex vector would lose its imaginary part in the write, silently
        raise TypeError(f"vector_to_parameters: vec must be a real vector, got dtype "
                        f"{v.dtype}")
    need = sum(p._data.size for p in params)
    if v.ndim != 1 or v.size != need:
        raise ValueError(f"vector_to_parameters: expected a 1-D vector of {need} values, got "
                         f"shape {v.shape}")
    i = 0
    for p in params:
        n = p._data.size
        p._data[...] = v[i:i + n].reshape(p._data.shape)
        p._bump_version()
        i += n


class _PlainBar:
    """Fallback progress display when tqdm is not installed: a line every ~10%."""

    def __init__(self, iterable, total, desc, file):
        self.iterable = iterable
        self.total = total
        self.desc = desc
        self.file = file if file is not None else sys.stderr
        self.n = 0
        self.postfix = ""
        self._next = 0
        self._printed_at = -1
        self._closed = False
        self._t0 = time.perf_counter()

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.update(1)
        self.close()

    def update(self, n=1):
        self.n += n
        if self.total and self.n >= self._next:
            self._print()
            self._next = self.n + max(1, self.total // 10)

    def set_postfix(self, ordered_dict=None, refresh=True, **kwargs):
        items = dict(ordered_dict or {}, **kwargs)
        self.postfix = ", ".join(f"{k}={_fmt(v)}" for k, v in items.items())

    def set_description(self, desc=None, refresh=True):
        self.desc = desc or ""

    def _print(self):
        total = f"/{self.total}" if self.total else ""
        secs = time.perf_counter() - self._t0
        post = f" [{self.postfix}]" if self.postfix else ""
        print(f"{self.desc}: {self.n}{total} ({secs:.1f}s){post}", file=self.file, flush=True)
        self._printed_at = self.n

    def close(self):
        if not self._closed and self._printed_at != self.n:
            self._print()
        self._closed = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
        return False


def _fmt(v):
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def progress(iterable: Any = None, total: int | None = None, desc: str = "", disable: bool = False,
             file: Any = None, **tqdm_kwargs: Any) -> Any:
    """A progress bar over `iterable`: tqdm when installed, else plain periodic lines.

    Both support `set_postfix(loss=..., acc=...)`, `update()` and `close()`, so a
    training loop can show its running loss and accuracy either way.

    Args:
        iterable: what to iterate over (None: range(total)).
        total: the number of steps (None: len(iterable) when it has one).
        desc: a label printed before the bar.
        disable: show nothing (the returned object still iterates and takes set_postfix).
        file: where to write (None: tqdm's default, stderr).
        **tqdm_kwargs: passed on to tqdm when it is installed.

    >>> import tapegrad as tg
    >>> bar = tg.nn.utils.progress(range(3), disable=True)
    >>> [i for i in bar]
    [0, 1, 2]
    """
    if iterable is not None and total is None:
        try:
            total = len(iterable)
        except TypeError:
            total = None
    if iterable is None:
        iterable = range(total) if total is not None else ()
    try:
        from tqdm.auto import tqdm
    except ImportError:
        tqdm = None
    if disable:
        return _SilentBar(iterable)
    if tqdm is not None:
        return tqdm(iterable, total=total, desc=desc, file=file, **tqdm_kwargs)
    return _PlainBar(iterable, total, desc, file)


class _SilentBar(_PlainBar):
    def __init__(self, iterable):
        super().__init__(iterable, None, "", None)

    def _print(self):
        pass


# torch.nn.utils.rnn: reachable as tg.nn.utils.rnn and by `import tapegrad.nn.utils.rnn`
from . import rnn_utils as rnn  # noqa: E402
sys.modules[__name__ + ".rnn"] = rnn

# the names `from tapegrad.nn.utils import *` gives (tests/test_all.py)
__all__ = ["clip_grad_norm_", "clip_grad_value_", "parameters_to_vector", "vector_to_parameters",
           "progress"]
