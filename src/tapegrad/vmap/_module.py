"""torch.func's functional_call and stack_module_state: a module run with parameters
given as arguments, so that vmap and grad can map or differentiate over them."""
from .._tensor import Tensor, as_tensor
from ..nn.module import Module
from ..ops.shape import stack


def _owner(module, name, who):
    """(submodule, attribute) that the dotted `name` refers to."""
    *path, leaf = name.split(".")
    mod = module
    for p in path:
        sub = mod._modules.get(p) if isinstance(mod, Module) else None
        if sub is None:
            raise KeyError(f"{who}: {type(module).__name__} has no submodule "
                           f"{'.'.join(path)!r} (for {name!r})")
        mod = sub
    if leaf not in mod._parameters and leaf not in mod._buffers:
        raise KeyError(f"{who}: {type(module).__name__} has no parameter or buffer "
                       f"{name!r}")
    return mod, leaf


def functional_call(module, params_and_buffers, args=(), kwargs=None, *, strict=False):
    """Call `module(*args, **kwargs)` with its parameters and buffers replaced by the
    tensors in `params_and_buffers` (a dict name -> tensor, or a tuple of such dicts),
    as `torch.func.functional_call` does. Names not given keep the module's own values;
    the module is left as it was afterwards. With strict=True every parameter and buffer
    must be given.

    >>> import tapegrad as tg
    >>> lin = tg.nn.Linear(2, 1)
    >>> p = {"weight": tg.ones(1, 2), "bias": tg.zeros(1)}
    >>> tg.func.functional_call(lin, p, (tg.tensor([1.0, 2.0]),))
    tensor([3.])
    """
    if not isinstance(module, Module):
        raise TypeError(f"functional_call: module must be a tg.nn.Module, got "
                        f"{type(module).__name__}")
    dicts = params_and_buffers if isinstance(params_and_buffers, (tuple, list)) else \
        (params_and_buffers,)
    given = {}
    for d in dicts:
        if not isinstance(d, dict):
            raise TypeError(f"functional_call: params_and_buffers must be a dict of name -> "
                            f"tensor (or a tuple of dicts), got {type(d).__name__}")
        for k in d:
            if k in given:
                raise ValueError(f"functional_call: {k!r} is given twice")
        given.update(d)
    if strict:
        names = {n for n, _ in module.named_parameters()} | \
            {n for n, _ in module.named_buffers()}
        missing = sorted(names - given.keys())
        if missing:
            raise KeyError(f"functional_call: strict=True and no value for {missing}")
    if not isinstance(args, tuple):
        args = (args,)
    saved = []
    try:
        for name, value in given.items():
            mod, leaf = _owner(module, name, "functional_call")
            if not isinstance(value, Tensor):
                value = as_tensor(value)
            kind = mod._parameters if leaf in mod._parameters else mod._buffers
            saved.append((mod, leaf, kind, kind[leaf], mod.__dict__.get(leaf)))
            kind[leaf] = value
            object.__setattr__(mod, leaf, value)
        return module(*args, **(kwargs or {}))
    finally:
        for mod, leaf, kind, old, attr in reversed(saved):
            kind[leaf] = old
            object.__setattr__(mod, leaf, attr)


def stack_module_state(models):
    """(params, buffers): each a dict name -> the models' tensors stacked along a new
    axis 0, as `torch.func.stack_module_state`. The stacked parameters are new leaves
    (requiring grad when the originals do), ready for `vmap(functional_call...)` over a
    model ensemble.

    >>> import tapegrad as tg
    >>> models = [tg.nn.Linear(3, 2) for _ in range(4)]
    >>> params, buffers = tg.func.stack_module_state(models)
    >>> params["weight"].shape
    (4, 2, 3)
    """
    models = list(models)
    if not models or not all(isinstance(m, Module) for m in models):
        raise TypeError("stack_module_state: models must be a non-empty list of "
                        "tg.nn.Module")
    first = models[0]
    if any(type(m) is not type(first) for m in models):
        raise TypeError("stack_module_state: every model must be of the same class, got "
                        f"{sorted({type(m).__name__ for m in models})}")
    out = []
    for kind in ("named_parameters", "named_buffers"):
        items = [dict(getattr(m, kind)()) for m in models]
        names = list(items[0])
        if any(list(d) != names for d in items):
            raise ValueError(f"stack_module_state: the models' {kind[6:]} differ in name")
        res = {}
        for n in names:
            ts = [d[n] for d in items]
            shapes = {tuple(t.shape) for t in ts}
            if len(shapes) > 1:
                raise ValueError(f"stack_module_state: {n!r} has different shapes "
                                 f"{sorted(shapes)}")
            s = stack([t.detach() for t in ts])
            if kind == "named_parameters" and ts[0].requires_grad:
                s.requires_grad_(True)
            res[n] = s
        out.append(res)
    return tuple(out)
