"""Custom differentiable functions (PyTorch's autograd.Function) and the machinery that
`tg.custom_gradient` and `tg.custom_jvp` share.

Every custom call is recorded by `apply()` as one node of a small Op class made per
Function (so `grad_fn.name()` reads `MyFnBackward`); the node's params hold a per-call
state object whose `_tg_forward`, `_tg_vjp` and `_tg_jvp` run the user's code. The one
engine and the one forward-mode driver do the rest, so hooks, tapes, anomaly mode,
`create_graph` and the transforms see custom functions like any other op.

A function with several differentiable outputs records one node whose output is the
outputs packed into one flat array; each output is an `Unpack` slice of it. Gradients of
unused outputs therefore arrive as zeros, as in PyTorch.
"""
from __future__ import annotations

import numpy as np

from .. import _state
from .._tensor import Tensor, make
from ..ops._apply import apply, call
from ..ops._op import LINEAR, OWN, Op, same_params
from ..ops.elementwise import Clone
from ..ops import cast, concatenate, reshape
from ..ops.shape import IndexAdd, Reshape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

_local = _state.local


# ------------------------------------------------------------------ shared machinery

class _CustomOp(Op):
    """Base of the per-function Op classes; the per-call state in params does the work."""

    args = ()
    save_all = True             # inputs are kept for backward (and version-checked)
    complex = OWN               # the user's rules, as PyTorch's custom Functions
    user_forward = True         # errors in forward are the user's, raised as they are

    @staticmethod
    def forward(*raw, state):
        return state._tg_forward(raw)

    @staticmethod
    def vjp(ctx, g):
        return ctx.params["state"]._tg_vjp(ctx, g)

    @staticmethod
    def jvp(ctx, *tangents):
        return ctx.params["state"]._tg_jvp(ctx, tangents)


def make_op(name):
    """A fresh Op class whose nodes are named `<name>Backward` (never registered)."""
    return type(name, (_CustomOp,), {"bw_name": name + "Backward",
                                     "__doc__": f"Recorded calls of the custom {name}."})


class Unpack(Op):
    """One output of a packed multi-output result: x[start:stop] reshaped (and cast)."""

    bw_name = "UnpackBackward"
    complex = OWN               # a slice: real-linear, its own adjoint's form

    # leading axes beyond the packed one pass through (batched tangents of jacfwd)
    @staticmethod
    def forward(x, *, start, stop, shape, dtype):
        return x[..., start:stop].reshape(x.shape[:-1] + shape).astype(dtype, copy=False)

    # the adjoint of taking a slice is placing the gradient into zeros
    @staticmethod
    def vjp(ctx, g):
        p = ctx.params
        flat = call(Reshape, g, shape=(-1,))
        return (call(IndexAdd, flat, shape=ctx.in_shapes[0],
                     index=(slice(p["start"], p["stop"]),)),)

    jvp = LINEAR
    batch_params = same_params


def is_traced(args):
    """Whether calling with `args` must record a node or carry tangents."""
    rec = _local.grad_enabled
    fw = bool(_local.fw_levels or _local.fw_default)
    for a in args:
        if isinstance(a, Tensor):
            if rec and a._rg:
                return True
            if fw and a._fw is not None:
                return True
    return False


def as_array(v, who):
    if isinstance(v, Tensor):
        return v._data
    if v is None or isinstance(v, (str, bytes, dict)) or callable(v):
        raise TypeError(f"{who} must return tensors (or arrays), got {type(v).__name__}")
    return np.asarray(v)


class Outputs:
    """The results of one custom call and how they map onto its node's single output."""

    __slots__ = ("items", "arrays", "multi", "diff", "spans", "dtype", "kept")

    def __init__(self, results, who, non_diff=()):
        self.multi = isinstance(results, (tuple, list))
        self.items = tuple(results) if self.multi else (results,)
        self.arrays = [as_array(r, who) for r in self.items]
        self.diff = [k for k, (r, a) in enumerate(zip(self.items, self.arrays))
                     if a.dtype.kind in "fc" and not any(r is n for n in non_diff)]
        self.spans = None
        self.dtype = None
        self.kept = None
        if len(self.diff) > 1:
            self.dtype = np.result_type(*[self.arrays[k] for k in self.diff])
            spans, start = {}, 0
            for k in self.diff:
                n = self.arrays[k].size
                spans[k] = (start, start + n)
                start += n
            self.spans = spans

    def node_array(self, traced=True):
        """What the recorded node outputs: the one differentiable result, or all packed."""
        if not self.diff or not traced:
            return np.zeros(0)
        if self.spans is None:
            return self.arrays[self.diff[0]]
        return np.concatenate([self.arrays[k].ravel().astype(self.dtype, copy=False)
                               for k in self.diff])

    def _item(self, base, k):
        start, stop = self.spans[k]
        arr = self.arrays[k]
        return apply(Unpack, base, start=start, stop=stop, shape=arr.shape, dtype=arr.dtype)

    def build(self, node_t):
        """The user-visible results: outputs of the node where differentiable, else plain."""
        traced = node_t._rg or node_t._fw is not None
        res = []
        for k, arr in enumerate(self.arrays):
            if traced and k in self.diff:
                if self.spans is None:
                    t = node_t
                    src = self.items[k]
                    if isinstance(src, Tensor):
                        # one version counter, so saving the output catches in-place edits
                        t._vc = src._vc if src._vc is not None else src._init_vc()
                else:
                    t = self._item(node_t, k)
            else:
                t = make(arr)
            res.append(t)
        return tuple(res) if self.multi else res[0]

    def index(self, t):
        for k, item in enumerate(self.items):
            if item is t:
                return k
        return -1

    def item_of(self, packed, k):
        """Output `k` of the node's packed output tensor `packed`."""
        if not isinstance(packed, Tensor):
            packed = make(np.asarray(packed))
        return packed if self.spans is None else self._item(packed, k)

    def reconnect(self, node, k):
        """Output `k` as a tensor whose grad_fn is `node` (for saved outputs, create_graph)."""
        if k not in self.diff or self.kept is None:
            return make(self.arrays[k])
        base = make(self.kept, True)
        base.grad_fn = node
        base._fw = node.out_fw          # forward-over-reverse: the output's tangent too
        return base if self.spans is None else self._item(base, k)

    def split(self, g, graph):
        """The node's cotangent as one tensor per output (zeros for non-differentiable).
        First order: a private copy, since the engine may share `g` with a sibling branch
        and the user's backward may edit what it gets in place."""
        if not graph:
            g = make(np.array(g))
        out = []
        for k, arr in enumerate(self.arrays):
            if k not in self.diff:
                out.append(make(np.zeros(arr.shape, arr.dtype)))
            elif self.spans is None:
                out.append(g)
            else:
                out.append(self._item(g, k))
        return out

    def pack(self, parts, graph, who):
        """One tangent for the node from one tangent per output (None means zero)."""
        if not self.multi:
            parts = (parts,)
        elif not isinstance(parts, (tuple, list)) or len(parts) != len(self.arrays):
            got = len(parts) if isinstance(parts, (tuple, list)) else 1
            raise RuntimeError(f"{who} returned {got} tangent(s) for {len(self.arrays)} "
                               "outputs; return one per output")
        if not self.diff:
            return None
        if self.spans is None:
            return _checked(parts[self.diff[0]], self.arrays[self.diff[0]].shape, who)
        pieces = []
        for k in self.diff:
            p = _checked(parts[k], self.arrays[k].shape, who)
            if p is None:
                p = make(np.zeros(self.arrays[k].shape, self.dtype))
            p = reshape(p if isinstance(p, Tensor) else make(np.asarray(p)), (-1,))
            if p._data.dtype != self.dtype:
                p = cast(p, self.dtype)
            pieces.append(p)
        return concatenate(pieces)


def _checked(t, shape, who):
    if t is None:
        return None
    s = t.shape if isinstance(t, Tensor) else np.shape(t)
    if tuple(s) != tuple(shape):
        try:
            np.broadcast_shapes(s, shape)
        except ValueError:
            raise RuntimeError(f"{who} returned a tangent of shape {tuple(s)} for an output "
                               f"of shape {tuple(shape)}") from None
    return t


def grads_for(res, n, is_t, graph, who, strict=True, upstream=(), held=()):
    """Check and convert the per-input gradients a user's backward returned.

    A returned tensor may be one the user holds (an input, a saved tensor, a global); the
    engine could then store it as a `.grad` that shares its memory. So first-order results
    are copied unless they are an `upstream` cotangent passed straight through (the engine
    owns those); recorded ones (create_graph) are copied when they are constants or one
    of the `held` arrays (inputs, saved values, outputs)."""
    if not isinstance(res, (tuple, list)):
        res = (res,)
    if len(res) < n or any(r is not None for r in res[n:]):
        raise RuntimeError(
            f"{who} returned {len(res)} gradient(s) but the function has {n} input(s); "
            "return one per input (None for non-tensor inputs and inputs that need no "
            "gradient)")
    out = []
    for i in range(n):
        r = res[i]
        if r is not None and not is_t[i]:
            if strict:
                raise RuntimeError(
                    f"{who} returned a gradient for input {i}, which is not a tensor "
                    f"(got a {type(r).__name__} there in forward); return None for it")
            r = None
        if r is not None:
            r = _own_grad(r, i, graph, who, upstream, held)
        out.append(r)
    return tuple(out)


def _own_grad(r, i, graph, who, upstream, held):
    if not isinstance(r, (Tensor, np.ndarray, np.generic, float, int)) or isinstance(r, bool):
        raise TypeError(f"{who} returned {type(r).__name__} as the gradient for input {i}; "
                        "return a tensor (or None)")
    arr = r._data if isinstance(r, Tensor) else np.asarray(r)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{who} returned a gradient of dtype {arr.dtype} for input {i}; "
                        "gradients must be real numbers")
    if any(r is u or arr is _data(u) for u in upstream):
        return r if graph else arr              # passed through: the engine's own
    if not graph:
        return np.array(arr)
    if not isinstance(r, Tensor) or (r.grad_fn is None and not r._rg and not r._fw):
        return make(np.array(arr))              # a constant the user may hold (a dual
        # cotangent's tangent, as jacrev batches them, is kept: it is no constant)
    if any(arr is _data(h) or arr.base is _data(h) for h in held):
        return call(Clone, r)
    return r


def _data(v):
    return v._data if isinstance(v, Tensor) else v


def raw_or_wrapped(v, graph):
    """A saved value as rule code expects it: Tensors in graph mode, wrapped ndarrays else."""
    if graph or not isinstance(v, np.ndarray):
        return v
    return make(v)


def camel(name):
    """`my_softplus` -> `MySoftplus` (the node name prefix of a decorated function)."""
    parts = [p for p in "".join(c if c.isalnum() else "_" for c in name).split("_") if p]
    return "".join(p[0].upper() + p[1:] for p in parts) or "Custom"


# ------------------------------------------------------------------ autograd.Function

class FunctionCtx:
    """The `ctx` that a Function's forward, backward and jvp receive.

    Store tensors with `save_for_backward` (they are checked for in-place changes and,
    with `create_graph`, come back connected to the graph) and anything else as
    attributes: `ctx.alpha = alpha`.

    Function.apply builds it; user code only receives it.

    Args:
        fn: the Function subclass being applied.
        is_t: which positional arguments are tensors.
        kwargs: the keyword arguments of the call.
        needs: one bool per input: whether it needs a gradient (ctx.needs_input_grad).
        traced: whether the call records a node or carries tangents (an input
            requires grad, or forward mode is on).

    >>> import tapegrad as tg
    >>> class Scale(tg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x, alpha):
    ...         ctx.alpha = alpha                 # a non-tensor: an attribute
    ...         return x * alpha
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         return g * ctx.alpha, None
    >>> x = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> Scale.apply(x, 3.0).sum().backward()
    >>> x.grad
    tensor([3., 3.])
    """

    def __init__(self, fn, is_t, kwargs, needs, traced):
        self.needs_input_grad = needs
        self._tg_fn = fn
        self._tg_is_t = is_t
        self._tg_kwargs = kwargs
        self._tg_traced = traced
        self._tg_inputs = ()
        self._tg_saved = ()
        self._tg_non_diff = ()
        self._tg_dirty = ()
        self._tg_outs = None
        self._tg_view = None        # (saved values, graph mode, node) during backward/jvp

    # -------------------------------------------------------------- user API
    def save_for_backward(self, *tensors: Any) -> None:
        """Keep tensors (inputs, outputs or intermediates) for backward or jvp."""
        saved = []
        for i, t in enumerate(tensors):
            if t is not None and not isinstance(t, Tensor):
                raise TypeError(
                    f"{self._tg_fn.__name__}: save_for_backward takes tensors (or None), "
                    f"but argument {i} is a {type(t).__name__}; store other values as "
                    "attributes, e.g. ctx.alpha = alpha")
            saved.append((t, None if t is None else t._version))
        self._tg_saved = tuple(saved)

    save_for_forward = save_for_backward

    @property
    def saved_tensors(self) -> tuple[Any, ...]:
        """The saved tensors; in backward with `create_graph` they are connected tensors."""
        view = self._tg_view
        if view is None:
            return tuple(t for t, _ in self._tg_saved)
        vals, graph, node = view
        name = self._tg_fn.__name__
        out = []
        for j, (t, ver) in enumerate(self._tg_saved):
            if t is None:
                out.append(None)
                continue
            i = _position(self._tg_inputs, t)
            if i >= 0:
                # the real input: checked by the engine, connected in graph mode
                out.append(raw_or_wrapped(vals[i], graph))
                continue
            if t._version != ver:
                raise RuntimeError(
                    f"{name}Backward: saved tensor {j} (shape {t.shape}) was modified in "
                    f"place after save_for_backward: saved at version {ver}, now at "
                    f"version {t._version}. Clone it before changing it, or use an "
                    "out-of-place operation.")
            k = self._tg_outs.index(t) if self._tg_outs is not None else -1
            # graph: connected for create_graph; out_fw: forward-over-reverse needs the
            # output's tangent (else d(saved output) is lost: a zero Hessian)
            if k >= 0 and node is not None and (graph or node.out_fw is not None):
                out.append(self._tg_outs.reconnect(node, k))
            elif k >= 0 and node is None and len(vals) > len(self._tg_is_t):
                # a jvp under an outer forward level: the output with its outer tangent
                out.append(self._tg_outs.item_of(vals[-1], k))
            else:
                out.append(t)
        return tuple(out)

    @property
    def saved_values(self):
        return self.saved_tensors

    def mark_non_differentiable(self, *outputs: Any) -> None:
        """Declare outputs (e.g. indices) that gradients never flow through."""
        self._tg_non_diff = self._tg_non_diff + tuple(outputs)

    def mark_dirty(self, *tensors: Any) -> None:
        """Declare inputs that forward changed in place and returns: the caller's tensor
        itself comes back, its history now this call (as PyTorch)."""
        self._tg_dirty = self._tg_dirty + tuple(tensors)

    def set_materialize_grads(self, value: bool) -> None:
        """Accepted for PyTorch code: tapegrad always passes a zero tensor (never None) for
        an output that received no gradient, which code written for either setting
        handles."""
        self.materialize_grads = bool(value)

    # ----------------------------------------------------------- engine hooks
    def _tg_forward(self, raw):
        fn = self._tg_fn
        inputs = tuple(make(r) if t else r for r, t in zip(raw, self._tg_is_t))
        self._tg_inputs = inputs
        with _state.no_grad():
            if fn.setup_context is not Function.setup_context:
                res = fn.forward(*inputs, **self._tg_kwargs)
                fn.setup_context(self, inputs, res)
            else:
                res = fn.forward(self, *inputs, **self._tg_kwargs)
        outs = Outputs(res, f"{fn.__name__}.forward", self._tg_non_diff)
        self._tg_outs = outs
        if any(outs.index(t) >= 0 for t, _ in self._tg_saved):
            outs.kept = outs.node_array()
        return outs.node_array(self._tg_traced)

    def _tg_vjp(self, node, g):
        fn = self._tg_fn
        graph = isinstance(g, Tensor)
        grads = self._tg_outs.split(g, graph)
        self.needs_input_grad = tuple(node.needs_grad)
        self._tg_view = (node.saved, graph, node)
        try:
            res = fn._tg_backward(self, *grads)
        finally:
            self._tg_view = None
        held = (*node.saved, *(t for t, _ in self._tg_saved if t is not None),
                *self._tg_outs.arrays) if graph else ()
        return grads_for(res, len(self._tg_is_t), self._tg_is_t, graph,
                         f"{fn.__name__}.backward", upstream=grads, held=held)

    def _tg_jvp(self, cctx, tans):
        fn = self._tg_fn
        if fn.jvp is Function.jvp:
            raise RuntimeError(
                f"{fn.__name__}: forward-mode differentiation (tg.jvp, jacfwd, hessian, "
                f"make_dual) needs a jvp rule; define `def jvp(ctx, *tangents)` as a "
                f"@staticmethod on {fn.__name__}")
        graph = any(isinstance(v, Tensor) for v in (*tans, *cctx.saved))
        tangents = []
        for i, (d, is_t) in enumerate(zip(tans, self._tg_is_t)):
            if not is_t:
                tangents.append(None)
            elif d is None:
                tangents.append(make(np.zeros(cctx.in_shapes[i],
                                              self._tg_inputs[i]._data.dtype)))
            else:
                tangents.append(d if isinstance(d, Tensor) else make(np.asarray(d)))
        self._tg_view = (cctx.saved, graph, None)
        try:
            res = fn.jvp(self, *tangents)
        finally:
            self._tg_view = None
        return self._tg_outs.pack(res, graph, f"{fn.__name__}.jvp")


def _position(items, t):
    for i, item in enumerate(items):
        if item is t:
            return i
    return -1


class Function:
    """Base class of a custom differentiable operation (PyTorch's autograd.Function).

    Subclasses define static `forward(ctx, *args)` and `backward(ctx, *grads)` (one
    gradient per forward input, None for non-tensor inputs), and optionally
    `jvp(ctx, *tangents)` for forward mode; call them as `MyFn.apply(*args)`. A backward
    written with tapegrad ops is differentiable again (`create_graph`, `tg.hessian`).
    `forward(*args)` with a separate `setup_context(ctx, inputs, output)` works too.

    >>> import tapegrad as tg
    >>> class Cube(tg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return g * 3 * x ** 2
    >>> x = tg.tensor(2.0, requires_grad=True)
    >>> y = Cube.apply(x)
    >>> y.grad_fn.name()
    'CubeBackward'
    >>> y.backward()
    >>> x.grad
    tensor(12.)
    """

    _tg_op = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._tg_op = make_op(cls.__name__)

    def __call__(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise TypeError(f"{type(self).__name__}: custom Functions are called through the "
                        f"class, as {type(self).__name__}.apply(...)")

    @staticmethod
    def forward(ctx: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the outputs from the inputs (runs without recording)."""
        raise NotImplementedError("a custom Function must define forward(ctx, *args)")

    @staticmethod
    def setup_context(ctx: Any, inputs: tuple[Any, ...], output: Any) -> None:
        """Optional: fill `ctx` from the inputs and output when forward takes no ctx."""
        raise NotImplementedError

    @staticmethod
    def backward(ctx: Any, *grads: Any) -> Any:
        """Gradients of the inputs from the gradients of the outputs."""
        raise NotImplementedError

    vjp = backward

    @staticmethod
    def jvp(ctx: Any, *tangents: Any) -> Any:
        """Optional: tangents of the outputs from the tangents of the inputs."""
        raise NotImplementedError

    @classmethod
    def _tg_backward(cls, ctx, *grads):
        if cls.backward is not Function.backward:
            return cls.backward(ctx, *grads)
        if cls.vjp is not Function.backward:
            return cls.vjp(ctx, *grads)
        raise NotImplementedError(f"{cls.__name__}: define backward(ctx, *grads) as a "
                                  "@staticmethod to differentiate it in reverse mode")

    @classmethod
    def apply(cls, *args: Any, **kwargs: Any) -> Any:
        """Run forward and record one node for the engine (`grad_fn` is `<Name>Backward`)."""
        if cls is Function:
            raise TypeError("Function.apply: subclass tg.autograd.Function and call "
                            "apply on the subclass")
        for k, v in kwargs.items():
            if isinstance(v, Tensor):
                raise TypeError(f"{cls.__name__}.apply: tensor keyword argument {k!r} "
                                "would not be differentiated; pass tensors positionally")
        is_t = tuple(isinstance(a, Tensor) for a in args)
        if _vmap_apply is not None and any(t and a._x is not None for a, t in zip(args, is_t)):
            res = _vmap_apply(cls, args, kwargs)      # tg.vmap batched arguments
            if res is not NotImplemented:
                return res
        on = _local.grad_enabled
        needs = tuple(t and on and a._rg for a, t in zip(args, is_t))
        ctx = FunctionCtx(cls, is_t, kwargs, needs, is_traced(args))
        node_t = apply(cls._tg_op, *args, state=ctx)
        res = ctx._tg_outs.build(node_t)
        return _dirty(cls, args, ctx, node_t, res) if ctx._tg_dirty else res


# tg.vmap of a Function with a vmap staticmethod or generate_vmap_rule (set by
# tapegrad._function_vmap, a layer above)
_vmap_apply: Any = None


def _dirty(cls, args, ctx, node_t, res):
    """mark_dirty: the inputs forward changed in place count a new version (nodes that
    saved them before now refuse to use them) and, where returned, come back as the
    caller's own tensor carrying this call's history."""
    outs = ctx._tg_outs
    items = list(res) if outs.multi else [res]
    node = node_t.grad_fn
    for i, w in enumerate(ctx._tg_inputs):
        orig = args[i]
        if not isinstance(orig, Tensor) or not any(w is d for d in ctx._tg_dirty):
            continue
        if orig.grad_fn is None and orig._rg and _local.grad_enabled:
            raise RuntimeError(
                f"{cls.__name__}: forward changed input {i} in place (mark_dirty), but it "
                "is a leaf that requires grad; pass a .clone() of it")
        orig._bump_version()
        if node is not None and node.vers:
            # this call saved the input as it was before forward changed it
            vers = list(node.vers)
            for j in range(0, len(vers), 2):
                if vers[j] is orig._vc:
                    vers[j + 1] = orig._vc.v
            node.vers = tuple(vers)
        k = outs.index(w)
        if k >= 0:
            orig.grad_fn = items[k].grad_fn
            orig._rg = items[k]._rg
            items[k] = orig
    return tuple(items) if outs.multi else items[0]


class once_differentiable:
    """Decorator for a backward that cannot be differentiated again: under `create_graph`
    its results are computed, and differentiating them (or forward-over-reverse) raises
    instead of giving a silently wrong result, as PyTorch.

    Use it below `@staticmethod`, as in PyTorch.

    Args:
        fn: the backward staticmethod's function, (ctx, *grads) -> grads.

    >>> import tapegrad as tg
    >>> class Cube(tg.autograd.Function):
    ...     @staticmethod
    ...     def forward(ctx, x):
    ...         ctx.save_for_backward(x)
    ...         return x ** 3
    ...     @staticmethod
    ...     @tg.autograd.once_differentiable
    ...     def backward(ctx, g):
    ...         (x,) = ctx.saved_tensors
    ...         return g * 3 * x ** 2       # saved values arrive as arrays here
    >>> x = tg.tensor(2.0, requires_grad=True)
    >>> tg.autograd.grad(Cube.apply(x), x)
    (tensor(12.),)
    >>> (g,) = tg.autograd.grad(Cube.apply(x), x, create_graph=True)
    >>> g.backward()                        # a second differentiation
    Traceback (most recent call last):
        ...
    RuntimeError: ...once_differentiable...
    """

    def __init__(self, fn: Callable[..., Any]) -> None:
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "backward")
        self.__doc__ = getattr(fn, "__doc__", None)

    def __call__(self, ctx: Any, *grads: Any) -> Any:
        if any(isinstance(g, Tensor) and g._fw is not None for g in grads):
            raise RuntimeError(self._message())
        if not _local.grad_enabled:
            return self.fn(ctx, *grads)
        # create_graph: as PyTorch, the gradients are computed, and differentiating
        # them again raises (the results depend on the recorded inputs through _Once)
        with _state.no_grad():
            res = self.fn(ctx, *grads)
        view = getattr(ctx, "_tg_view", None)
        sources = [v for v in (*(view[0] if view else ()), *grads)
                   if isinstance(v, Tensor) and (v._rg or v.grad_fn is not None)]
        if not sources:
            return res
        msg = self._message()
        wrap = (lambda r: _Once.apply(r, msg, *sources)
                if isinstance(r, Tensor) and r._data.dtype.kind in "fc" else r)
        return tuple(wrap(r) for r in res) if isinstance(res, (tuple, list)) else wrap(res)

    def _message(self):
        return (f"{getattr(self.fn, '__qualname__', self.__name__)}: this backward is "
                "marked once_differentiable, so it cannot be differentiated again "
                "(create_graph, hessian, jvp of grad)")


class _Once(Function):
    """The result of a once_differentiable backward under create_graph: its value, with
    a backward that raises (PyTorch's DelayedError)."""

    @staticmethod
    def forward(ctx, r, msg, *sources):
        ctx.msg = msg
        return r.clone()

    @staticmethod
    def backward(ctx, g):
        raise RuntimeError(ctx.msg)

# the names `from tapegrad.autograd.function import *` gives (tests/test_all.py)
__all__ = ["make_op", "Unpack", "is_traced", "as_array", "Outputs", "grads_for", "raw_or_wrapped",
           "camel", "FunctionCtx", "Function", "once_differentiable"]
