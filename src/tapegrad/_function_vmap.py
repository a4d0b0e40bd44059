"""tg.vmap of a tg.autograd.Function, as torch.func maps one: through its `vmap`
staticmethod, `vmap(info, in_dims, *args) -> (outputs, out_dims)`, or, with
`generate_vmap_rule = True` (forward without ctx, plus setup_context), by mapping
forward and backward over the batch as a tg.custom_vjp's function and rule are mapped.
A Function with neither runs once per batch element (with vmap's one warning), where
torch.func raises."""
from __future__ import annotations

from typing import NamedTuple

from . import _random
from ._tensor import Tensor
from .autograd import function as _function
from .autograd.function import Function
from .custom import custom_vjp
from .ops._apply import apply
from .ops.shape import Transpose
from .vmap._api import _Gen
from .vmap._batched import BatchEscape, PerElementDraws, info, wrap


class VmapInfo(NamedTuple):
    """What a Function's vmap staticmethod is told of the vmap it runs under."""
    batch_size: int
    randomness: str


def _randomness():
    gen = _random._gen
    if isinstance(gen, _Gen):
        return "error"
    return "different" if isinstance(gen, PerElementDraws) else "same"


def _front(v, d):
    """v with axis d moved to the front."""
    nd = v.ndim
    d %= nd
    if d == 0:
        return v
    return apply(Transpose, v, axes=(d,) + tuple(i for i in range(nd) if i != d))


def _with_rule(cls, args, kwargs, level):
    """cls.vmap on the batches of the innermost level, its outputs batched again."""
    in_dims, inner, size = [], [], None
    for a in args:
        i = info(a) if isinstance(a, Tensor) else None
        if i is not None and i[0] == level:
            in_dims.append(0)
            inner.append(i[1])
            size = i[1].shape[0]
        else:
            in_dims.append(None)
            inner.append(a)
    res = cls.vmap(VmapInfo(size, _randomness()), tuple(in_dims), *inner, **kwargs)
    if not isinstance(res, tuple) or len(res) != 2:
        raise TypeError(f"{cls.__name__}.vmap: must return (outputs, out_dims), got "
                        f"{type(res).__name__}")
    outs, dims = res
    multi = isinstance(outs, tuple)
    items = outs if multi else (outs,)
    if not isinstance(dims, tuple):
        dims = (dims,) * len(items)
    if len(dims) != len(items):
        raise ValueError(f"{cls.__name__}.vmap: returned {len(items)} output(s) but "
                         f"{len(dims)} out_dims")
    back = []
    for v, d in zip(items, dims):
        if d is None or not isinstance(v, Tensor):
            back.append(v)          # not batched: the same for every element
        else:
            back.append(wrap(_front(v, d), level))
    return tuple(back) if multi else back[0]


class _Ctx:
    """The ctx that setup_context fills and backward reads, for the mapped rule."""

    def __init__(self, needs=()):
        self.saved_tensors = ()
        self.needs_input_grad = needs

    def save_for_backward(self, *tensors):
        self.saved_tensors = tensors

    def mark_non_differentiable(self, *outputs):
        pass

    def set_materialize_grads(self, value):
        pass


def _generated(cls, args, kwargs):
    """forward and backward mapped over the batch: a custom_vjp whose fwd runs forward
    and setup_context and keeps the saved tensors as residuals (the ctx's other
    attributes, numbers and flags, are the same for every element)."""
    if cls.setup_context is Function.setup_context:
        raise RuntimeError(
            f"{cls.__name__}: generate_vmap_rule=True needs forward(*args) without ctx and "
            "a setup_context(ctx, inputs, output) staticmethod (torch.func's rule)")
    fixed = tuple(k for k, a in enumerate(args) if not isinstance(a, Tensor))
    attrs = {}

    def fun(*a):
        return cls.forward(*a, **kwargs)

    def fwd(*a):
        out = cls.forward(*a, **kwargs)
        ctx = _Ctx(tuple(isinstance(v, Tensor) for v in a))
        cls.setup_context(ctx, a, out)
        attrs.update((k, v) for k, v in vars(ctx).items() if k != "saved_tensors")
        return out, tuple(ctx.saved_tensors)

    def bwd(*a):
        res, g = a[-2], a[-1]
        ctx = _Ctx()
        vars(ctx).update(attrs)
        ctx.saved_tensors = res
        grads = cls.backward(ctx, *(g if isinstance(g, tuple) else (g,)))
        grads = grads if isinstance(grads, tuple) else (grads,)
        return tuple(v for k, v in enumerate(grads) if k not in fixed)

    f = custom_vjp(fun, nondiff_argnums=fixed)
    f._name = cls.__name__
    f.defvjp(fwd, bwd)
    return f(*args)


def _batched_apply(cls, args, kwargs):
    levels = [info(a)[0] for a in args if isinstance(a, Tensor) and info(a) is not None]
    if not levels:
        return NotImplemented
    if getattr(cls, "vmap", None) is not None:
        return _with_rule(cls, args, kwargs, max(levels))
    if getattr(cls, "generate_vmap_rule", False):
        return _generated(cls, args, kwargs)
    # f once per batch element, with vmap's warning naming what would batch it
    raise BatchEscape(f"vmap: tg.autograd.Function {cls.__name__} has no vmap staticmethod "
                      "and no generate_vmap_rule = True")


_function._vmap_apply = _batched_apply
