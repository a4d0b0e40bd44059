"""JAX's introspection and placement calls for ported programs: `make_jaxpr` (the
program tg.function traces, printed in jaxpr style), `devices` and `device_put`.

make_jaxpr shows tapegrad's own trace, so equation names are tapegrad's op names
(`exp`, `mul`, `where`, ...) rather than JAX's primitives; the shapes and the data flow
are the program's.
"""
from __future__ import annotations

import string

import numpy as np

from ._dtypes import device
from ._pytree import flatten, unflatten
from ._tensor import Tensor, as_tensor
from .function import function
from .function.trace import TraceError
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

_KINDS = {"f": "f", "i": "i", "u": "u", "c": "c"}


def _aval(shape, dtype):
    dt = np.dtype(dtype)
    short = "bool" if dt.kind == "b" else f"{_KINDS.get(dt.kind, dt.kind)}{dt.itemsize * 8}"
    return f"{short}[{','.join(str(n) for n in shape)}]"


def _names():
    """a, b, ..., z, ba, bb, ... as JAX names its variables."""
    letters = string.ascii_lowercase
    k = 0
    while True:
        n, s = k, ""
        while True:
            s = letters[n % 26] + s
            n //= 26
            if n == 0:
                break
        yield s
        k += 1


class ClosedJaxpr:
    """A traced program: `in_avals`, `out_avals` (as "f64[5]" strings), `eqns` (one
    (name, inputs, outputs) triple per step) and `consts`; `str()` prints it."""

    def __init__(self, program, n_in):
        names = _names()
        self._var = {}
        self.consts = []
        self.invars = [self._name(s, names) for s in program.inputs[:n_in]]
        self.in_avals: list[str] = []
        self.out_avals: list[str] = []
        self.eqns = []
        self._lines = []
        consts = {s: v for s, v in enumerate(program.template) if v is not None}
        for _, t in program.captures:
            self.consts.append(t)
        for slot, t in zip(program.cap_slots, self.consts):
            self._var[slot] = next(names)
        for st in program.steps:
            ins = [self._operand(a, consts) for a in st.args]
            outs = []
            for o in st.outs:
                self._var[o] = next(names)
                outs.append(o)
            name = _op_name(st)
            meta = getattr(st, "meta", None)
            avals = [_aval(*meta)] if meta is not None and len(outs) == 1 else ["?"] * len(outs)
            self.eqns.append((name, ins, [self._var[o] for o in outs]))
            lhs = " ".join(f"{self._var[o]}:{a}" for o, a in zip(outs, avals))
            self._lines.append(f"    {lhs} = {name} {' '.join(ins)}".rstrip())
        self.outvars = [self._operand(s, consts) for s in program.outputs]
        self._program = program

    def _name(self, slot, names):
        self._var[slot] = next(names)
        return self._var[slot]

    def _operand(self, slot, consts):
        if slot in self._var:
            return self._var[slot]
        v = consts.get(slot)
        if isinstance(v, (int, float, complex, bool, np.generic)) or (
                isinstance(v, np.ndarray) and v.ndim == 0):
            return repr(v.item() if hasattr(v, "item") else v)
        return f"<const {np.shape(v)}>"

    @property
    def jaxpr(self) -> ClosedJaxpr:
        return self

    def __str__(self) -> str:
        ins = " ".join(f"{v}:{a}" for v, a in zip(self.invars, self.in_avals))
        cons = " ".join(self._var[s] for s in self._program.cap_slots)
        head = f"{{ lambda {cons}; {ins}. let"
        body = "\n".join(self._lines)
        outs = ", ".join(self.outvars)
        return f"{head}\n{body}\n  in ({outs},) }}" if body else f"{head}\n  in ({outs},) }}"

    __repr__ = __str__


def _op_name(step):
    op = getattr(step, "op", None)
    if op is None:
        return type(step).__name__.lower()
    fn = (getattr(step, "params", None) or {}).get("fn")
    if fn is not None and hasattr(fn, "__name__"):
        return fn.__name__
    return getattr(op, "__name__", type(op).__name__).lower()


def make_jaxpr(fun: Callable[..., Any], static_argnums: Any = (),
               **options: Any) -> Callable[..., ClosedJaxpr]:
    """JAX's `make_jaxpr`: a function that traces `fun` on example arguments (as
    tg.function does) and returns the program, which prints in jaxpr style.

    Args:
        fun: the function to trace.
        static_argnums: JAX's static arguments (accepted: non-tensor arguments are
            always constants of the trace).
        **options: JAX's other options (accepted, ignored).

    Returns:
        A callable taking fun's arguments and returning a ClosedJaxpr.

    Raises:
        TypeError: fun is not callable.

    >>> import tapegrad as tg
    >>> import tapegrad.numpy as jnp
    >>> print(tg.make_jaxpr(lambda x: jnp.exp(x) * 2.0)(jnp.ones(3)))
    { lambda ; a:f64[3]. let
        b:f64[3] = exp a
        c:f64[3] = mul b 2.0
      in (c,) }
    """
    if not callable(fun):
        raise TypeError(f"make_jaxpr: fun must be callable, got {fun!r:.40}")

    def traced(*args: Any, **kwargs: Any) -> ClosedJaxpr:
        f = function(fun)
        leaves, spec = flatten((args, kwargs))
        try:
            entry = f._trace(leaves, spec)
        except TraceError as e:
            raise TypeError(f"make_jaxpr: {getattr(fun, '__name__', 'fun')} cannot be "
                            f"traced: {e}") from None
        if not hasattr(entry, "program"):
            raise TypeError(f"make_jaxpr: {getattr(fun, '__name__', 'fun')} cannot be "
                            "traced (it reads tensor values outside tapegrad's ops)")
        arrays = [v for v in leaves if isinstance(v, (Tensor, np.ndarray))]
        out = ClosedJaxpr(entry.program, len(arrays))
        out.in_avals = [_aval(np.shape(v), v._data.dtype if isinstance(v, Tensor) else v.dtype)
                        for v in arrays]
        out.out_avals = [_aval(*_meta(entry.program, s)) for s in entry.program.outputs]
        return out

    return traced


def _meta(program, slot):
    for st in program.steps:
        if slot in st.outs and getattr(st, "meta", None) is not None:
            return st.meta
    return ((), np.float64)


def devices(backend: str | None = None) -> list[device]:
    """JAX's `jax.devices()`: tapegrad's one device, the CPU.

    Args:
        backend: None or "cpu" (another backend raises a ValueError).

    Returns:
        [tg.device("cpu")].

    Raises:
        ValueError: another backend.

    >>> tg.devices()
    [device(type='cpu')]
    """
    if backend not in (None, "cpu"):
        raise ValueError(f"devices: tapegrad runs on the CPU only, got backend {backend!r}")
    return [device("cpu")]


def device_put(x: Any, device: Any = None, **options: Any) -> Any:
    """JAX's `jax.device_put`: the NumPy arrays in pytree `x` as tensors (on the CPU,
    the only device); tensors and Python numbers stay as they are.

    Args:
        x: an array, tensor, number or pytree of them.
        device: None or the CPU device.
        **options: JAX's other options (accepted, ignored).

    Returns:
        x with each NumPy array leaf made a tensor.

    Raises:
        TypeError: a leaf is not numeric.
        ValueError: a device other than the CPU.

    >>> import numpy as np
    >>> tg.device_put({"w": np.ones(2), "n": 3})
    {'w': tensor([1., 1.], dtype=float64), 'n': 3}
    """
    if device is not None and str(device).split(":")[0].lower() not in ("cpu", "tfrt_cpu_0"):
        raise ValueError(f"device_put: tapegrad runs on the CPU only, got device {device!r}")
    leaves, spec = flatten(x)
    for v in leaves:
        if not isinstance(v, (Tensor, np.ndarray, np.generic, int, float, complex)) or \
                isinstance(v, np.ndarray) and v.dtype.kind not in "biufc":
            raise TypeError(f"device_put: x must be an array, a number or a pytree of them, "
                            f"got a leaf {v!r:.40} ({type(v).__name__})")
    return unflatten(spec, [as_tensor(v) if isinstance(v, (np.ndarray, np.generic)) else v
                            for v in leaves])
