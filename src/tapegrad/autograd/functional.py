"""torch.autograd.functional: vjp, jvp, jacobian, hessian, vhp and hvp of a function of
tensors, with PyTorch's argument names and result structure (a tensor for a single
input/output, tuples otherwise). Every derivative comes from the reverse engine
(run_backward); jvp uses the double-vjp identity, as PyTorch's does."""
from __future__ import annotations

import numpy as np

from .. import ops
from .._tensor import Tensor, make
from .engine import run_backward, what

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

__all__ = ["vjp", "jvp", "jacobian", "hessian", "vhp", "hvp"]


def _tuple(x, who, arg):
    """(x as a tuple of tensors, whether x was a tuple/list)."""
    is_tuple = isinstance(x, (tuple, list))
    xs = tuple(x) if is_tuple else (x,)
    for t in xs:
        if not isinstance(t, Tensor):
            raise TypeError(f"{who}: {arg} must be a Tensor or a tuple of Tensors, got "
                            f"{what(t)}")
    return xs, is_tuple


def _prep(inputs, create_graph):
    # fresh leaves, so the function's graph starts here; with create_graph an input that
    # requires grad stays connected (for derivatives of the result)
    return tuple(x * 1 if create_graph and x.requires_grad else
                 x.detach().requires_grad_(True) for x in inputs)


def _grad(outputs, inputs, grad_outputs, create_graph, strict, who):
    pairs = [(o, g) for o, g in zip(outputs, grad_outputs) if o.requires_grad]
    if not pairs:
        grads = [None] * len(inputs)
    else:
        grads = run_backward([o for o, _ in pairs], [g for _, g in pairs],
                             retain_graph=True, create_graph=create_graph, inputs=list(inputs),
                             accumulate=False, allow_unused=True, who=who)
    out = []
    for i, (x, g) in enumerate(zip(inputs, grads)):
        if g is None:
            if strict:
                raise RuntimeError(f"{who}: the output is independent of input {i} "
                                   "(strict=True)")
            g = make(np.zeros(x.shape, x.dtype))
        out.append(g)
    return tuple(out)


def _done(ts, create_graph):
    return tuple(t if create_graph else t.detach() for t in ts)


def _like_outputs(v, outputs, who, arg):
    if v is None:
        if any(o.size != 1 for o in outputs):
            raise RuntimeError(f"{who}: {arg} can be omitted only for outputs with a "
                               "single element")
        return tuple(make(np.ones(o.shape, o.dtype)) for o in outputs)
    vs, _ = _tuple(v, who, arg)
    if len(vs) != len(outputs) or any(a.shape != b.shape for a, b in zip(vs, outputs)):
        raise ValueError(f"{who}: {arg} must match the shapes "
                         f"{[tuple(o.shape) for o in outputs]}, got "
                         f"{[tuple(a.shape) for a in vs]}")
    return vs


def _call(func, inputs, who):
    outs = func(*inputs)
    out_t, is_tuple = _tuple(outs, who, "the function's output")
    return out_t, is_tuple


def vjp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(*inputs), v^T J): the vector-Jacobian product at `inputs`.

    Args:
        func: takes tensors, returns a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: the cotangent, shaped like the output(s) (None for a one-element output).
        create_graph: keep the results differentiable.
        strict: raise when an input does not reach the output.

    >>> import tapegrad as tg
    >>> from tapegrad.autograd.functional import vjp
    >>> vjp(lambda x: x ** 2, tg.tensor([1.0, 2.0]), tg.ones(2))[1]
    tensor([2., 4.])
    """
    ins, in_tuple = _tuple(inputs, "vjp", "inputs")
    ins = _prep(ins, create_graph)
    outs, out_tuple = _call(func, ins, "vjp")
    vs = _like_outputs(v, outs, "vjp", "v")
    grads = _done(_grad(outs, ins, vs, create_graph, strict, "vjp"), create_graph)
    outs = _done(outs, create_graph)
    return (outs if out_tuple else outs[0]), (grads if in_tuple else grads[0])


def jvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(*inputs), J v): the Jacobian-vector product at `inputs`.

    Args:
        func: takes tensors, returns a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        v: the tangent, shaped like the input(s) (None for a one-element input).
        create_graph: keep the results differentiable.
        strict: raise when an input does not reach the output.

    >>> import tapegrad as tg
    >>> from tapegrad.autograd.functional import jvp
    >>> jvp(lambda x: x ** 2, tg.tensor([1.0, 2.0]), tg.ones(2))[1]
    tensor([2., 4.])
    """
    ins, in_tuple = _tuple(inputs, "jvp", "inputs")
    vs = _like_outputs(v, ins, "jvp", "v")
    ins = _prep(ins, create_graph)
    outs, out_tuple = _call(func, ins, "jvp")
    # J v = d/du <J^T u, v>: a vjp with a dummy cotangent u, differentiated again in u
    us = tuple(make(np.zeros(o.shape, o.dtype)).requires_grad_(True) for o in outs)
    gs = _grad(outs, ins, us, True, strict, "jvp")
    live = [(g, w) for g, w in zip(gs, vs) if g.requires_grad]
    if live:
        jv = run_backward([g for g, _ in live], [w for _, w in live], retain_graph=True,
                          create_graph=create_graph, inputs=list(us), accumulate=False,
                          allow_unused=True, who="jvp")
    else:
        jv = [None] * len(us)
    jv = tuple(make(np.zeros(o.shape, o.dtype)) if j is None else j
               for o, j in zip(outs, jv))
    jv = _done(jv, create_graph)
    outs = _done(outs, create_graph)
    return (outs if out_tuple else outs[0]), (jv if out_tuple else jv[0])


def jacobian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
             strict: bool = False, vectorize: bool = False,
             strategy: str = "reverse-mode") -> Any:
    """The Jacobian of func at inputs: for one input and one output a tensor of shape
    output.shape + input.shape; a tuple over inputs and/or outputs otherwise
    (result[i][j] is d output i / d input j).

    Args:
        func: takes tensors, returns a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors.
        create_graph: keep the result differentiable.
        strict: raise when an input does not reach an output.
        vectorize: accepted for PyTorch's signature (same values either way).
        strategy: "reverse-mode" or "forward-mode" (same values either way).

    >>> import tapegrad as tg
    >>> from tapegrad.autograd.functional import jacobian
    >>> jacobian(lambda x: x ** 2, tg.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if strategy not in ("reverse-mode", "forward-mode"):
        raise ValueError(f"jacobian: strategy must be 'reverse-mode' or 'forward-mode', got "
                         f"{strategy!r}")
    ins, in_tuple = _tuple(inputs, "jacobian", "inputs")
    ins = _prep(ins, create_graph)
    outs, out_tuple = _call(func, ins, "jacobian")
    result = []
    for o in outs:
        rows: list[list[Any]] = [[] for _ in ins]
        flat = int(np.prod(o.shape, dtype=np.int64))
        for k in range(flat):
            e = np.zeros(flat, o.dtype)
            e[k] = 1
            gs = _grad([o], ins, [make(e.reshape(o.shape))], create_graph, strict,
                       "jacobian")
            for j, g in enumerate(gs):
                rows[j].append(g)
        per_input = []
        for x, r in zip(ins, rows):
            if r:
                jac = ops.reshape(ops.stack(r), tuple(o.shape) + tuple(x.shape))
            else:
                jac = make(np.zeros(tuple(o.shape) + tuple(x.shape), x.dtype))
            per_input.append(jac if create_graph else jac.detach())
        result.append(tuple(per_input) if in_tuple else per_input[0])
    return tuple(result) if out_tuple else result[0]


def hessian(func: Callable[..., Any], inputs: Any, create_graph: bool = False,
            strict: bool = False, vectorize: bool = False,
            outer_jacobian_strategy: str = "reverse-mode") -> Any:
    """The Hessian of a scalar function: shape input.shape + input.shape for one input,
    a tuple of tuples over pairs of inputs otherwise.

    Args:
        func: takes tensors, returns a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        create_graph: keep the result differentiable.
        strict: raise when an input does not reach the output.
        vectorize: accepted for PyTorch's signature.
        outer_jacobian_strategy: accepted for PyTorch's signature.

    >>> import tapegrad as tg
    >>> from tapegrad.autograd.functional import hessian
    >>> hessian(lambda x: (x ** 3).sum(), tg.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    ins, in_tuple = _tuple(inputs, "hessian", "inputs")

    def grads(*xs):
        out = func(*xs)
        if not isinstance(out, Tensor) or out.size != 1:
            raise RuntimeError(f"hessian: the function must return a single-element "
                               f"Tensor, got {what(out)}")
        return _grad([out], xs, [make(np.ones(out.shape, out.dtype))], True, strict,
                     "hessian")

    res = jacobian(grads, ins if in_tuple else ins[0], create_graph=create_graph,
                   strict=strict)
    return res if in_tuple else res[0]


def vhp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(*inputs), v^T H) for a scalar function.

    Args:
        func: takes tensors, returns a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        v: shaped like the input(s).
        create_graph: keep the results differentiable.
        strict: raise when an input does not reach the output.

    >>> import tapegrad as tg
    >>> from tapegrad.autograd.functional import vhp
    >>> vhp(lambda x: (x ** 3).sum(), tg.tensor([1.0, 2.0]), tg.ones(2))[1]
    tensor([ 6., 12.])
    """
    ins, in_tuple = _tuple(inputs, "vhp", "inputs")
    vs = _like_outputs(v, ins, "vhp", "v")
    ins = _prep(ins, create_graph)
    out = func(*ins)
    if not isinstance(out, Tensor) or out.size != 1:
        raise RuntimeError(f"vhp: the function must return a single-element Tensor, got "
                           f"{what(out)}")
    gs = _grad([out], ins, [make(np.ones(out.shape, out.dtype))], True, strict, "vhp")
    live = [(g, w) for g, w in zip(gs, vs) if g.requires_grad]
    if live:
        h = _grad([g for g, _ in live], ins, [w for _, w in live], create_graph, strict,
                  "vhp")
    else:
        h = tuple(make(np.zeros(x.shape, x.dtype)) for x in ins)
    h = _done(h, create_graph)
    out = out if create_graph else out.detach()
    return out, (h if in_tuple else h[0])


def hvp(func: Callable[..., Any], inputs: Any, v: Any = None, create_graph: bool = False,
        strict: bool = False) -> tuple[Any, Any]:
    """(func(*inputs), H v) for a scalar function (H is symmetric: equal to vhp).

    Args:
        func: takes tensors, returns a one-element tensor.
        inputs: a tensor or a tuple of tensors.
        v: shaped like the input(s).
        create_graph: keep the results differentiable.
        strict: raise when an input does not reach the output.

    >>> import tapegrad as tg
    >>> from tapegrad.autograd.functional import hvp
    >>> hvp(lambda x: (x ** 3).sum(), tg.tensor([1.0, 2.0]), tg.ones(2))[1]
    tensor([ 6., 12.])
    """
    return vhp(func, inputs, v, create_graph=create_graph, strict=strict)
