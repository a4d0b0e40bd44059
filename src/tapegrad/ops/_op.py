"""What an op is: the `Op` base class and `register()`, the context the rules read
(`Ctx` in forward mode, a Node in backward), the helpers rules share (`tangent_sum`,
`tangent_axis`, ...), and elementwise ops in declarative form, where the op states its
derivative once:

    Tanh, tanh = elementwise(np.tanh, d=lambda x, out: 1 - out * out, doc="tanh(x).")
    Div, div = elementwise(np.true_divide, name="div",
                           d=(lambda x, y, out: 1 / y, lambda x, y, out: -x / y / y))
    Sub, sub = elementwise(np.subtract, name="sub", d=(1, -1))

The statement gives the op class and the public function (`tanh(x)`: argument check,
then `apply1`) at once.

`d` is the derivative of the output with respect to each input (one entry per input for
binary ops), written with arithmetic operators, numbers and NumPy ufuncs over the input
values `x`, `y` and the result `out`; a number states a constant derivative. Everything
else follows from it in `derive(cls)`, the one place that reads `d`:

- `saves`: the values `d` reads, found by running `d` on stand-ins (`_Stand`);
- `program`: `d` as a short list of ufunc steps over registers (saved values, constants,
  results of earlier steps), the same for every entry point;
- `vjp(ctx, g)`: `scale(g, d_k)` for each input that needs a gradient (a constant 1 or
  -1 passes g on or negates it); `jvp(ctx, *tangents)`: the sum of `scale(dx_k, d_k)`.
  Both run the program: on raw arrays each step is the ufunc itself (or its operator, as
  NumPy scalars and Python numbers compute them), on Tensors each step is the tapegrad
  op whose forward is that ufunc (np.cos -> Cos), so the rules record and can be
  differentiated again. With the C speedups, `vjp` and `jvp` are `_speedups.Rule`
  objects that run the same steps through NumPy's inner loops and call the Python rule
  for anything but raw values: C and Python give bitwise equal results;
- `batching = "elementwise"`: batched tangents broadcast through the rule.

Changing `d` and calling `derive(cls)` again changes every path.
"""
from __future__ import annotations

import cmath
import math
import operator
import sys
import warnings

import numpy as np

from .. import _state
from .._check import describe
from .._tensor import Tensor, make
from .._native import SPEEDUPS
from ._apply import apply, apply1, apply2
from ._shapes import check_operand
from typing import TYPE_CHECKING, Any, overload

if TYPE_CHECKING:
    from collections.abc import Callable
    from .._typing import ArrayLike

_local = _state.local

PASS, NEG, ZERO = -1, -2, -3    # program outputs that are not a register: g, -g, zeros


# ------------------------------------------------------------------ Op and its rules' context

REGISTRY = []           # every registered Op class, for the case-table completeness test
LINEAR = "linear"       # jvp marker: the op is linear in its single tensor input
# Op.complex markers (ops/complex.py sets them): HOLOMORPHIC rules are written as for real
# values (vjp J^T g, jvp J dx) and the engine turns the vjp into PyTorch's J^H g;
# OWN rules already follow PyTorch's convention for complex values (real, conj, abs ...)
HOLOMORPHIC = "holomorphic"
OWN = "own"


class Op:
    """Base class of a differentiable operation; never instantiated.

    Subclasses give `forward` (ndarrays in, ndarray out), `vjp(ctx, g)` and
    `jvp(ctx, *tangents)`; `args` names the tensor inputs, `saves` the values the
    rules read back (`"out"` is the result). A forward that is one ufunc call is the
    ufunc itself (`forward = staticmethod(np.add)`): no Python frame per op.
    """

    args: tuple[str, ...] = ("x",)
    saves: tuple[str, ...] = ()
    view = False            # the result may share memory with input 0
    save_all = False        # variadic ops (einsum) save every input
    # How the jvp handles tangents with a leading batch axis (jacfwd/jacrev/hessian push
    # all basis vectors in one pass): "elementwise" (tangents are right-aligned to the
    # output and the rule broadcasts), "aware" (the rule reads ctx.batched itself), or
    # None (one slice at a time). LINEAR ops give `batch_params(params, ctx)` instead.
    batching: str | None = None
    batch_params: Any = None
    differentiable = True
    # how the rules treat complex values: HOLOMORPHIC, OWN, or None (complex refused)
    complex: str | None = None
    # (NumPy function, extra constant arguments) that forward amounts to, or None
    direct: Any = None
    bw_name: str = "OpBackward"
    _save_idx: tuple[int, ...] = ()
    _save_need: Any = None

    @staticmethod
    def forward(*xs, **params):
        raise NotImplementedError

    vjp: Any = None
    jvp: Any = None

    def __init_subclass__(cls, **kw):
        super().__init_subclass__(**kw)
        _set_hot(cls)


def _set_hot(cls):
    """What apply1/apply2 read per call, in one class attribute: forward, saved input
    indices (None: let _record decide), differentiable, view, and per saved value the
    inputs whose derivative reads it (None: all of them)."""
    cls._hot = (cls.forward, None if cls.save_all else cls._save_idx, cls.differentiable,
                cls.view, cls._save_need)


def register(cls):
    """Class decorator: fill in derived names and add the op to the registry."""
    cls.bw_name = cls.__name__ + "Backward"
    if "direct" not in cls.__dict__:
        # graph mode may replay a forward that is a ufunc as that ufunc (checked on a trace)
        cls.direct = (cls.forward, ()) if isinstance(cls.forward, np.ufunc) else None
    idx = []
    for name in cls.saves:
        idx.append(-1 if name == "out" else cls.args.index(name))
    cls._save_idx = tuple(idx)
    _set_hot(cls)
    REGISTRY.append(cls)
    return cls


class Ctx:
    """What a jvp rule reads during a forward-mode evaluation (no Node exists)."""

    __slots__ = ("saved", "params", "in_shapes", "needs_grad", "out_shape", "batched")

    def __init__(self, saved, params, in_shapes, out_shape):
        self.saved = saved
        self.params = params
        self.in_shapes = in_shapes
        self.out_shape = out_shape
        self.needs_grad = ()
        self.batched = None         # batch size of the tangents, when they carry one


def tangent_sum(*ts):
    """Sum of tangents where None stands for zero."""
    acc = None
    for t in ts:
        if t is None:
            continue
        acc = t if acc is None else acc + t
    return acc


def same_params(params, ctx):
    """batch_params of LINEAR ops whose params do not mention axes or shapes."""
    return params


def tangent_axis(ctx, axis=None):
    """The reduction axis of ctx.params (or `axis`) for a tangent, shifted past the batch
    axis when the tangent is batched."""
    axis = ctx.params["axis"] if axis is None else axis
    if ctx.batched is None:
        return axis
    if axis is None:
        return tuple(range(1, len(ctx.in_shapes[0]) + 1))
    if isinstance(axis, tuple):
        return tuple(a + 1 for a in axis)
    return axis + 1


def tangent_zeros(ctx, shape, dtype=np.float64):
    """A zero tangent for an input of `shape` (with the batch axis when batched)."""
    if ctx.batched is not None:
        shape = (ctx.batched,) + tuple(shape)
    return np.zeros(shape, dtype=dtype)


# ------------------------------------------------------------------ strong zeros

def zeros_like(ref):
    """Zeros shaped like `ref`: an ndarray for ndarrays, a constant Tensor for Tensors."""
    if isinstance(ref, Tensor):
        return make(np.zeros_like(ref._data))
    return np.zeros_like(ref)


def scale(g, d):
    """g * d where a zero cotangent is a strong zero: it stays zero even if d is inf or NaN.

    A zero in g usually comes from a branch that was not taken (where, clip, max, ...);
    without this, 0 * inf would put a NaN into the gradient of the taken branch. The
    price: a zero that an overflow produced (1 / inf) also stays zero, where PyTorch would
    give NaN; under detect_anomaly a StrongZeroWarning points at such places.

    A zero is lost only where d is inf or NaN, and the product is not finite there
    either: if d or the product is all finite, the product is the answer. A d smaller
    than the product (as against a batched tangent) is checked first.
    """
    r = g * d
    rr = r._data if isinstance(r, Tensor) else r
    dd = d._data if isinstance(d, Tensor) else d
    first, second = (dd, rr) if getattr(dd, "size", 1) < getattr(rr, "size", 1) else (rr, dd)
    if _all_finite(first) or _all_finite(second):
        return r
    zero = (g._data if isinstance(g, Tensor) else g) == 0
    if np.any(zero):
        if isinstance(r, Tensor):
            r = apply(op_for(np.where), zero, 0.0, r)
        else:
            r = np.where(zero, 0.0, r)
        if _local.anomaly:
            _warn_strong_zero(zero, rr)
    return r


class StrongZeroWarning(RuntimeWarning):
    """A zero cotangent met an infinite or NaN derivative and was kept at zero."""


def _warn_strong_zero(zero, product):
    hit = int(np.count_nonzero(zero & ~np.isfinite(product)))
    warnings.warn(f"{hit} zero cotangent(s) met an inf/NaN derivative and were kept at "
                  "zero. That is right for a branch that where/clip/max did not take, but "
                  "if the zero came from an overflow (e.g. 1 / inf), the true gradient is "
                  "not zero: use a stable formula (softplus, logsumexp, ...).",
                  StrongZeroWarning, stacklevel=2)


def _all_finite_py(a):
    """Whether `a` holds no inf or NaN, with one dot product instead of isfinite + all.
    `_speedups.all_finite` walks float buffers in C and calls this for the rest.

    An inf or NaN anywhere makes sum(a * a) non-finite; a sum that merely overflows only
    sends `scale` down its careful path, which is correct anyway.
    """
    try:
        kind = a.dtype.kind
    except AttributeError:
        if type(a) is complex:
            return cmath.isfinite(a)
        return math.isfinite(a)             # a Python scalar
    if kind == "f":
        if hasattr(a, "_vm"):
            return False        # tg.vmap's placeholder, no values: the careful path
        nd = a.ndim
        if not nd:
            return math.isfinite(a)
        if nd == 1:
            return math.isfinite(a.dot(a))      # BLAS dot: faster than a reduction
        return math.isfinite(np.vdot(a, a))
    if kind == "c":
        return bool(np.isfinite(a).all())
    return True


if SPEEDUPS is None:
    _all_finite = _all_finite_py
else:
    SPEEDUPS.init_finite(_all_finite_py)
    _all_finite = SPEEDUPS.all_finite
    # what the C rules call: scale's careful path, and the ufuncs that run as operators
    SPEEDUPS.init_programs(scale, (np.add, np.subtract, np.multiply, np.true_divide,
                                   np.negative))


# ------------------------------------------------------------------ the ops behind ufuncs

_BY_FORWARD = {}


def op_for(fn):
    """The registered op whose forward is `fn` (np.cos -> Cos): what a step of a
    derivative program records when it runs on Tensors."""
    op = _BY_FORWARD.get(fn)
    if op is None:
        for o in REGISTRY:          # looked up late: an op may use one defined after it
            f = o.__dict__.get("forward")
            f = f.__func__ if isinstance(f, staticmethod) else f
            if f is fn:
                _BY_FORWARD[fn] = op = o
                break
        else:
            raise TypeError(f"no tapegrad op computes {_fn_name(fn)}, so a derivative "
                            "that uses it cannot be differentiated again; define the op "
                            "with elementwise() first")
    return op


def _fn_name(fn):
    return f"np.{fn.__name__}" if isinstance(fn, np.ufunc) else getattr(fn, "__name__", fn)


# NumPy scalars and Python numbers compute these as operators (a Python float stays one)
_OPERATORS = {np.add: operator.add, np.subtract: operator.sub, np.multiply: operator.mul,
              np.true_divide: operator.truediv, np.negative: operator.neg}


# ------------------------------------------------------------------ tracing d

class _Trace:
    """The steps recorded while `d` runs on stand-ins; equal steps are recorded once."""

    def __init__(self, who):
        self.who = who
        self.steps = []         # (ufunc, operand keys); a key: ("in", name), ("c", hex), ("t", i)
        self.index = {}
        self.consts = {}        # ("c", hex) -> float

    def key(self, v):
        if isinstance(v, _Stand):
            if v.trace is not self:
                raise TypeError(f"{self.who}: d mixes values of two derivations")
            return v.key
        if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(
                v, (bool, np.bool_)):
            v = float(v)
            k = ("c", v.hex())
            self.consts[k] = v
            return k
        raise TypeError(f"{self.who}: d may combine x, y, out, numbers and NumPy ufuncs; "
                        f"got {describe(v)}")

    def step(self, uf, *operands):
        if not 1 <= len(operands) <= 2:
            raise TypeError(f"{self.who}: d may use ufuncs of one or two operands; "
                            f"np.{uf.__name__} takes {len(operands)}")
        key = (uf, tuple(self.key(a) for a in operands))
        i = self.index.get(key)
        if i is None:
            i = self.index[key] = len(self.steps)
            self.steps.append(key)
        return _Stand(self, ("t", i))


class _Stand:
    """x, y or out (or an intermediate) while `derive` traces d: operators and NumPy
    ufuncs on it record a program step instead of computing."""

    __slots__ = ("trace", "key")

    def __init__(self, trace, key):
        self.trace = trace
        self.key = key

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        if method != "__call__" or kwargs or ufunc.nout != 1:
            raise TypeError(f"{self.trace.who}: d may call ufuncs plainly (np.cos(x)); "
                            f"got np.{ufunc.__name__}.{method} with {sorted(kwargs)}")
        return self.trace.step(ufunc, *inputs)

    def __bool__(self):
        raise TypeError(f"{self.trace.who}: d cannot branch on the values of x, y or out; "
                        "write the derivative as one formula (np.sign, np.abs, ...)")

    def _compare(self, o):
        raise TypeError(f"{self.trace.who}: d cannot compare x, y or out (a mask is not a "
                        "derivative); write the derivative as one formula (np.sign, ...), "
                        "or the op as a class with its own vjp and jvp")

    __lt__ = __le__ = __gt__ = __ge__ = _compare

    def __add__(self, o):
        return self.trace.step(np.add, self, o)

    def __radd__(self, o):
        return self.trace.step(np.add, o, self)

    def __sub__(self, o):
        return self.trace.step(np.subtract, self, o)

    def __rsub__(self, o):
        return self.trace.step(np.subtract, o, self)

    def __mul__(self, o):
        return self.trace.step(np.multiply, self, o)

    def __rmul__(self, o):
        return self.trace.step(np.multiply, o, self)

    def __truediv__(self, o):
        return self.trace.step(np.true_divide, self, o)

    def __rtruediv__(self, o):
        return self.trace.step(np.true_divide, o, self)

    def __pow__(self, o):
        return self.trace.step(np.power, self, o)

    def __rpow__(self, o):
        return self.trace.step(np.power, o, self)

    def __neg__(self):
        return self.trace.step(np.negative, self)

    def __pos__(self):
        return self

    def __abs__(self):
        return self.trace.step(np.absolute, self)


# ------------------------------------------------------------------ the program

class Program:
    """d compiled to ufunc steps. Registers: the saved values (in `saves` order), then
    `consts`, then one per step. `steps[i]` is (ufunc, operand registers); `outs[k]` is
    the register holding the derivative for input k, or PASS / NEG / ZERO; `masks[k]`
    has bit i set when outs[k] needs step i."""

    __slots__ = ("saves", "consts", "steps", "outs", "masks", "_calls")

    def __init__(self, saves, consts, steps, outs, masks):
        self.saves = saves
        self.consts = consts
        self.steps = steps
        self.outs = outs
        self.masks = masks
        self._calls = tuple((_OPERATORS.get(uf, uf), uf, refs) for uf, refs in steps)

    def __repr__(self):
        names = list(self.saves) + [repr(c) for c in self.consts]
        names += [f"t{i}" for i in range(len(self.steps))]
        lines = [f"t{i} = {uf.__name__}({', '.join(names[r] for r in refs)})"
                 for i, (uf, refs) in enumerate(self.steps)]
        special = {PASS: "g", NEG: "-g", ZERO: "0"}
        outs = [special[o] if o < 0 else f"g * {names[o]}" for o in self.outs]
        return f"Program({'; '.join(lines + ['grads: ' + ', '.join(outs)])})"

    def registers(self, saved, mask):
        """The registers with the steps in `mask` computed (the others None). On raw
        values each step is its ufunc, or its operator for the arithmetic ones (as Python
        runs `1 - out * out`); with a Tensor among the operands, the op behind the ufunc."""
        regs = [*saved, *self.consts]
        for i, (fn, uf, refs) in enumerate(self._calls):
            if not mask >> i & 1:
                regs.append(None)
            elif len(refs) == 1:
                a = regs[refs[0]]
                regs.append(apply1(_BY_FORWARD.get(uf) or op_for(uf), a)
                            if isinstance(a, Tensor) else fn(a))
            else:
                a, b = regs[refs[0]], regs[refs[1]]
                if isinstance(a, Tensor) or isinstance(b, Tensor):
                    regs.append(apply2(_BY_FORWARD.get(uf) or op_for(uf), a, b))
                else:
                    regs.append(fn(a, b))
        return regs


def _compile(cls, d):
    """Trace `d` of `cls` into a Program."""
    who = cls.__name__.lower()
    names = cls.args + ("out",)
    trace = _Trace(who)
    stands = [_Stand(trace, ("in", n)) for n in names]
    parts = d if isinstance(d, tuple) else (d,)
    if len(parts) != len(cls.args):
        raise TypeError(f"{who}: d needs one derivative per input {cls.args}, got "
                        f"{len(parts)}")
    results = []
    for p in parts:
        r = p(*stands) if callable(p) else p
        if not isinstance(r, _Stand):
            trace.key(r)                # a number, or a TypeError naming what it is
            r = float(r)
        results.append(r)

    # keep the steps the results need, in order; find the inputs they read
    need = [0] * len(results)
    used = set()
    for k, r in enumerate(results):
        todo = [r.key] if isinstance(r, _Stand) else []
        while todo:
            key = todo.pop()
            if key[0] == "in":
                used.add(key[1])
            elif key[0] == "t" and not need[k] >> key[1] & 1:
                need[k] |= 1 << key[1]
                todo.extend(trace.steps[key[1]][1])
    live = [i for i in range(len(trace.steps)) if any(m >> i & 1 for m in need)]
    saves = tuple(n for n in names if n in used)
    ckeys = []                      # constants by their exact bits (-0.0 is not 0.0)
    for i in live:
        ckeys += [k for k in trace.steps[i][1] if k[0] == "c" and k not in ckeys]
    for r in results:
        if not isinstance(r, _Stand) and r not in (1.0, -1.0, 0.0):
            k = ("c", r.hex())
            trace.consts[k] = r
            if k not in ckeys:
                ckeys.append(k)
    consts = tuple(trace.consts[k] for k in ckeys)
    reg = {k: len(saves) + j for j, k in enumerate(ckeys)}
    reg.update({("t", i): len(saves) + len(ckeys) + j for j, i in enumerate(live)})
    reg.update({("in", n): j for j, n in enumerate(saves)})

    steps = tuple((trace.steps[i][0], tuple(reg[k] for k in trace.steps[i][1]))
                  for i in live)
    outs = []
    for r in results:
        if isinstance(r, _Stand):
            outs.append(reg[r.key])
        elif r in (1.0, -1.0, 0.0):
            outs.append({1.0: PASS, -1.0: NEG, 0.0: ZERO}[r])
        else:
            outs.append(reg[("c", r.hex())])
    masks = tuple(sum(1 << j for j, i in enumerate(live) if m >> i & 1) for m in need)
    return Program(saves, consts, steps, tuple(outs), masks)


# ------------------------------------------------------------------ the rules

def _times(g, out, regs):
    """g times one derivative: as is, negated, zero, or scale(g, register)."""
    if out == PASS:
        return g
    if out == NEG:
        return -g
    if out == ZERO:
        return zeros_like(g)
    return scale(g, regs[out])


def _python_rules(prog):
    """The vjp and jvp of a program, in Python (the C Rule objects' reference)."""
    outs, masks = prog.outs, prog.masks
    n = len(outs)

    def vjp(ctx, g):
        needs = ctx.needs_grad
        if n == 1:
            if not (needs and needs[0]):
                return (None,)
            if outs[0] >= 0:
                return (scale(g, prog.registers(ctx.saved, masks[0])[outs[0]]),)
            return (_times(g, outs[0], None),)
        want = [k < len(needs) and bool(needs[k]) for k in range(n)]
        mask = 0
        for k in range(n):
            if want[k]:
                mask |= masks[k]
        regs = prog.registers(ctx.saved, mask)
        return tuple(_times(g, outs[k], regs) if want[k] else None for k in range(n))

    def jvp(ctx, *tangents):
        if n == 1 and outs[0] >= 0 and tangents[0] is not None:
            return scale(tangents[0], prog.registers(ctx.saved, masks[0])[outs[0]])
        mask = 0
        for k, dk in enumerate(tangents):
            if dk is not None:
                mask |= masks[k]
        regs = prog.registers(ctx.saved, mask)
        acc = None
        for k, dk in enumerate(tangents):
            if dk is not None:
                term = _times(dk, outs[k], regs)
                acc = term if acc is None else acc + term
        return acc

    return vjp, jvp


def _save_need(prog):
    """Per saved value, a bitmask of the inputs whose derivative reads it: x * 4.0 need
    not keep x (only 4.0's derivative reads it), so recording drops it."""
    ns = len(prog.saves)
    need = [0] * ns
    for k, (o, m) in enumerate(zip(prog.outs, prog.masks)):
        regs = {o} | {r for i, (_, refs) in enumerate(prog.steps) if m >> i & 1 for r in refs}
        for j in regs:
            if 0 <= j < ns:
                need[j] |= 1 << k
    return tuple(need)


def derive(cls):
    """Everything `cls.d` implies, set on `cls`: saves, program, vjp, jvp, batching.
    Call it again after changing `cls.d`."""
    prog = _compile(cls, cls.d)
    cls.saves = prog.saves
    cls._save_idx = tuple(-1 if n == "out" else cls.args.index(n) for n in prog.saves)
    cls.program = prog
    cls._save_need = _save_need(prog)
    vjp, jvp = _python_rules(prog)
    cls.vjp_py, cls.jvp_py = vjp, jvp
    if SPEEDUPS is not None and ZERO not in prog.outs and len(prog.steps) <= 60:
        steps = tuple((uf,) + refs for uf, refs in prog.steps)
        vjp = SPEEDUPS.Rule(False, len(prog.saves), prog.consts, steps, prog.outs,
                            prog.masks, vjp)
        jvp = SPEEDUPS.Rule(True, len(prog.saves), prog.consts, steps, prog.outs,
                            prog.masks, jvp)
    cls.vjp = vjp
    cls.jvp = jvp
    cls.batching = "elementwise"
    _set_hot(cls)
    return cls


@overload
def elementwise(forward: Callable[..., Any], d: tuple[Any, Any], *, name: str | None = None,
                doc: str | None = None
                ) -> tuple[type[Op], Callable[[ArrayLike, ArrayLike], Tensor]]: ...


@overload
def elementwise(forward: Callable[..., Any], d: Callable[..., Any] | float, *,
                name: str | None = None, doc: str | None = None
                ) -> tuple[type[Op], Callable[[ArrayLike], Tensor]]: ...


def elementwise(forward: Callable[..., Any], d: Any, *, name: str | None = None,
                doc: str | None = None) -> tuple[type[Op], Callable[..., Tensor]]:
    """An elementwise op from its forward and its derivative `d`, stated once: returns
    the op class (registered, its rules derived) and the public function that applies
    it, as in `Tanh, tanh = elementwise(np.tanh, d=lambda x, out: 1 - out * out)`.

    forward: the NumPy function (ndarrays in, ndarray out), usually the ufunc itself.
    d: the derivative, `lambda x, out: ...` for one input; for two, a tuple of one
        `lambda x, y, out: ...` per input. A number states a constant derivative.
    name: the public function's name, by default the forward's (np.tanh -> tanh); the
        class is its CamelCase (floor_divide -> FloorDivide).
    doc: the docstring of both.
    """
    name = name or forward.__name__
    n = len(d) if isinstance(d, tuple) else 1
    if isinstance(forward, np.ufunc) and forward.nin != n:
        raise TypeError(f"elementwise: {name} has {forward.nin} inputs, d gives "
                        f"derivatives for {n}")
    module = sys._getframe(1).f_globals.get("__name__", __name__)
    cname = "".join(p[:1].upper() + p[1:] for p in name.split("_"))
    cls = type(cname, (Op,), {"__doc__": doc, "__module__": module, "__qualname__": cname,
                              "forward": staticmethod(forward), "args": ("x", "y")[:n],
                              "d": d, "public_name": name})
    derive(cls)
    register(cls)
    return cls, _public_function(cls, name, n, doc, module)


class _Unset:
    """The default of an operand that may come by PyTorch's keyword instead."""

    def __repr__(self):
        return "<required>"


_UNSET: Any = _Unset()


def _torch_named(name, given):
    """The operands given as (ours, PyTorch's keyword) pairs (`x=` or `input=`, `y=` or
    `other=`), each given exactly once."""
    out = []
    for (ours, a), (theirs, b) in given:
        if a is _UNSET and b is _UNSET:
            raise TypeError(f"{name}() missing required argument: '{ours}'")
        if a is not _UNSET and b is not _UNSET:
            raise TypeError(f"{name}: got both {ours}= and {theirs}= (the same argument)")
        out.append(b if a is _UNSET else a)
    return out


def _public_function(op, name, n, doc, module):
    # PyTorch's keywords (input=, other=) are parameters of their own: a keyword
    # wrapper would cost a frame on every call of the hottest functions
    if n == 1:
        def fn(x: ArrayLike = _UNSET, *, out: Tensor | None = None,
               input: ArrayLike = _UNSET) -> Tensor:
            if x is _UNSET or input is not _UNSET:
                (x,) = _torch_named(name, ((("x", x), ("input", input)),))
            if not isinstance(x, Tensor):
                x = check_operand(name, "x", x)
            r = apply1(op, x)
            return r if out is None else write_out(name, out, r)
    else:
        # apply2 takes Python numbers on its fast path and names a bad operand itself
        def fn(x: ArrayLike = _UNSET, y: ArrayLike = _UNSET, *,  # type: ignore[misc]
               out: Tensor | None = None, input: ArrayLike = _UNSET,
               other: ArrayLike = _UNSET) -> Tensor:
            if x is _UNSET or y is _UNSET or input is not _UNSET or other is not _UNSET:
                x, y = _torch_named(name, ((("x", x), ("input", input)),
                                           (("y", y), ("other", other))))
            try:
                r = apply2(op, x, y)
            except OverflowError as e:      # a Python int beyond the other's dtype
                raise ValueError(f"{name}: an integer operand does not fit in the "
                                 f"result's dtype ({e}); pass a float") from None
            return r if out is None else write_out(name, out, r)
    fn.__name__ = fn.__qualname__ = name
    fn.__module__ = module
    fn.__doc__ = _with_sections(doc, n)
    return fn


def write_out(name, out, result):
    """PyTorch's `out=`: the values written into an existing tensor, which is returned."""
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}: out must be a Tensor, got {type(out).__name__}")
    if tuple(out.shape) != tuple(result.shape):
        raise ValueError(f"{name}: out has shape {tuple(out.shape)}, the result "
                         f"{tuple(result.shape)}")
    rd, od = result._data.dtype, out._data.dtype
    if not np.can_cast(rd, od, casting="same_kind"):
        # torch refuses too: a float result written into integers was truncated silently
        raise TypeError(f"{name}: the result's dtype {rd} cannot be written into out of "
                        f"dtype {od}; pass out of dtype {rd} (or cast the inputs)")
    return out.copy_(result)


_ARGS = {1: "        x: the input, a tensor or a number or array-like.\n",
         2: "        x: the first operand, a tensor or a number or array-like.\n"
            "        y: the second operand, broadcast against x.\n"}


def _with_sections(doc, n):
    """`doc` with Args, Returns and Raises sections read off the op's inputs, put before
    its example, unless it has its own Args section."""
    if not doc or "Args:" in doc:
        return doc
    shape = "x's shape" if n == 1 else "the broadcast shape of x and y"
    sections = ("    Args:\n" + _ARGS[n] + "\n    Returns:\n        A tensor of " + shape
                + ".\n\n    Raises:\n        TypeError: an input is not a tensor, a number or a "
                "numeric array.\n")
    at = doc.find("\n    >>>")
    if at < 0:
        return doc.rstrip() + "\n\n" + sections
    return doc[:at + 1] + sections + "\n" + doc[at + 1:]
