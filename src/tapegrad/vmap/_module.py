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
            raise AttributeError(f"{who}: {type(module).__name__} has no submodule "
                                 f"{'.'.join(path)!r} (for {name!r})")
        mod = sub
    return mod, leaf


def _state_names(module):
    """Every name of every parameter and buffer, tied ones under each of their names,
    and the groups of names that hold the same tensor (tied weights)."""
    names, groups = [], {}
    for kind in ("named_parameters", "named_buffers"):
        for n, t in getattr(module, kind)(remove_duplicate=False):
            names.append(n)
            groups.setdefault(id(t), []).append(n)
    return names, [g for g in groups.values() if len(g) > 1]


def functional_call(module, params_and_buffers, args=(), kwargs=None, *, tie_weights=True,
                    strict=False):
    """Call `module(*args, **kwargs)` with its parameters and buffers replaced by the
    tensors in `params_and_buffers` (a dict name -> tensor, or a tuple of such dicts),
    as `torch.func.functional_call` does. Names not given keep the module's own values;
    the module is left as it was afterwards. With tie_weights (the default), a value
    given for one of the names of tied weights (one tensor under several names) is
    used for all of them; with strict=True every parameter and buffer must be given and
    no other name. A name that is neither is set as a plain attribute for the call.

    Args:
        module: the tg.nn.Module to call.
        params_and_buffers: a dict name -> tensor, or a tuple of such dicts.
        args: the positional arguments (a single non-tuple value is one argument).
        kwargs: the keyword arguments, or None.
        tie_weights: give tied names one value (True) or treat them as separate.
        strict: require exactly the module's parameter and buffer names.

    Returns:
        What module(*args, **kwargs) returns.

    Raises:
        TypeError: module is not a Module or params_and_buffers not dicts.
        ValueError: a name given twice, or different values for tied names.
        RuntimeError: strict=True and names missing or unexpected.

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
    names, tied = _state_names(module)
    if tie_weights:
        for group in tied:
            got = [n for n in group if n in given]
            if len({id(given[n]) for n in got}) > 1:
                raise ValueError(f"functional_call: different values for {got}, which are "
                                 "tied (one tensor in the module); give one of them, or "
                                 "pass tie_weights=False")
            if got:
                for n in group:
                    given.setdefault(n, given[got[0]])
    if strict:
        known = set(names)
        missing = [n for n in names if n not in given]
        unexpected = [n for n in given if n not in known]
        if missing or unexpected:
            msg = (f" unexpected {unexpected}" if unexpected else "") + \
                  (f" missing {missing}" if missing else "")
            raise RuntimeError(f"functional_call: strict=True and names{msg}")
    if not isinstance(args, tuple):
        args = (args,)
    saved = []
    try:
        for name, value in given.items():
            mod, leaf = _owner(module, name, "functional_call")
            if not isinstance(value, Tensor):
                value = as_tensor(value)
            kind = mod._parameters if leaf in mod._parameters else \
                mod._buffers if leaf in mod._buffers else None
            missing = object()
            saved.append((mod, leaf, kind, kind[leaf] if kind is not None else None,
                          mod.__dict__.get(leaf, missing), missing))
            if kind is not None:
                kind[leaf] = value
            object.__setattr__(mod, leaf, value)
        return module(*args, **(kwargs or {}))
    finally:
        for mod, leaf, kind, old, attr, missing in reversed(saved):
            if kind is not None:
                kind[leaf] = old
            if attr is missing:
                object.__delattr__(mod, leaf)
            else:
                object.__setattr__(mod, leaf, attr)


def stack_module_state(models):
    """(params, buffers): each a dict name -> the models' tensors stacked along a new
    axis 0, as `torch.func.stack_module_state`. The stacked parameters are new leaves
    (requiring grad when the originals do), ready for `vmap(functional_call...)` over a
    model ensemble. As torch's, it refuses models in different modes (training/eval) or
    a tensor that requires grad in some models only (RuntimeError).

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
    if len({m.training for m in models}) > 1:
        raise RuntimeError("stack_module_state: the models must all be in training mode "
                           "or all in eval mode")
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
            rg = {t.requires_grad for t in ts}
            if len(rg) > 1:
                raise RuntimeError(f"stack_module_state: {n!r} requires grad in some models "
                                   "and not in others")
            s = stack([t.detach() for t in ts])
            if rg == {True}:        # a new leaf, as torch's: what an optimizer can take
                s.requires_grad_(True)
            res[n] = s
        out.append(res)
    return tuple(out)
