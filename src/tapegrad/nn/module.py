"""Module: the base class of layers and models (parameters, buffers, submodules, state)."""
from __future__ import annotations

from collections import OrderedDict, namedtuple

import numpy as np

from .. import _state
from .._dtypes import as_dtype, cpu_only, device as _device_type, is_floating
from .._tensor import Tensor, make
from .._check import _got, flag
from .parameter import Parameter
from . import _backward_hooks as _bh
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping
    from typing import Any

    from typing_extensions import Self

from ..tape import Variable

IncompatibleKeys = namedtuple("IncompatibleKeys", ["missing_keys", "unexpected_keys"])


def _is_device(value):
    """A device given to Module.to: tg.device, a device string or a torch.device."""
    return (isinstance(value, _device_type) or type(value).__name__ == "device"
            or isinstance(value, str) and value.split(":")[0] in ("cpu", "cuda", "mps", "meta"))


class _HookHandle:
    """Returned by register_forward_hook and friends; `.remove()` unregisters."""

    __slots__ = ("_hooks", "_key")

    def __init__(self, hooks: dict[int, Any], key: int) -> None:
        self._hooks = hooks
        self._key = key

    def remove(self) -> None:
        self._hooks.pop(self._key, None)


class Module:
    """Base class for layers and models, as PyTorch's nn.Module.

    Assigning a Parameter, a Module or (via register_buffer) a Tensor to an attribute
    registers it; `parameters()`, `state_dict()`, `train()` and friends then find it.
    Attributes live in the instance `__dict__`, so reading them costs nothing extra.

    A `tg.Variable` (TensorFlow's mutable leaf; PyTorch has none) is not ignored either:
    a trainable one is registered as a parameter (listed by `parameters()`, saved in
    `state_dict()`, updated in place by optimizers) and a non-trainable one as a buffer,
    as tf.Module would count them in `trainable_variables` and `non_trainable_variables`.
    A plain Tensor attribute stays unregistered, as in PyTorch.

    >>> import tapegrad as tg
    >>> class Affine(tg.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.scale = tg.nn.Parameter(tg.ones(2))
    ...     def forward(self, x):
    ...         return x * self.scale
    >>> m = Affine()
    >>> [name for name, _ in m.named_parameters()]
    ['scale']
    >>> m(tg.tensor([1.0, 2.0]))
    tensor([1., 2.], grad_fn=<MulBackward>)
    """

    # set in __init__ through __dict__ (__setattr__ would file them as submodules)
    training: bool
    _parameters: dict[str, Parameter | None]
    _buffers: dict[str, Tensor | None]
    _non_persistent: set[str]
    _modules: dict[str, Module | None]
    _forward_pre_hooks: dict[int, Callable[..., Any]]
    _forward_hooks: dict[int, Callable[..., Any]]
    _hook_id: int

    def __init__(self) -> None:
        d = self.__dict__
        d["training"] = True
        _state.modules.add(self)
        d["_parameters"] = {}
        d["_buffers"] = {}
        d["_non_persistent"] = set()
        d["_modules"] = {}
        d["_forward_pre_hooks"] = {}
        d["_forward_hooks"] = {}
        d["_backward_hooks"] = {}
        d["_backward_pre_hooks"] = {}
        d["_hook_id"] = 0

    # ------------------------------------------------------------ registration
    def _registry(self, kind):
        reg = self.__dict__.get(kind)
        if reg is None:
            raise AttributeError(f"{type(self).__name__}: cannot assign {kind[1:]} before "
                                 "Module.__init__() call (call super().__init__() first)")
        return reg

    def __setattr__(self, name: str, value: Any) -> None:
        d = self.__dict__
        if name == "training":
            _state.module_modes[0] += 1
        params = d.get("_parameters")
        modules = d.get("_modules")
        buffers = d.get("_buffers")
        if isinstance(value, Parameter):
            self._registry("_parameters")
            self._forget(name)
            params[name] = value
        elif isinstance(value, Variable):
            # TF's variable tracking the nn.Module way (see the class docstring)
            self._registry("_parameters")
            self._forget(name)
            (params if value.trainable else buffers)[name] = value
        elif params is not None and name in params:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign "
                                f"'{type(value).__name__}' as parameter '{name}' "
                                "(tg.nn.Parameter or None expected)")
            params[name] = None
        elif isinstance(value, Module):
            self._registry("_modules")
            self._forget(name)
            modules[name] = value
        elif modules is not None and name in modules:
            if value is not None:
                raise TypeError(f"{type(self).__name__}: cannot assign "
                                f"'{type(value).__name__}' as child module '{name}' "
                                "(tg.nn.Module or None expected)")
            modules[name] = None
        elif buffers is not None and name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"{type(self).__name__}: cannot assign "
                                f"'{type(value).__name__}' as buffer '{name}' "
                                "(tg.Tensor or None expected)")
            buffers[name] = value
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        self._forget(name)
        object.__delattr__(self, name)

    def _forget(self, name):
        d = self.__dict__
        for kind in ("_parameters", "_modules", "_buffers"):
            reg = d.get(kind)
            if reg is not None:
                reg.pop(name, None)
        nonp = d.get("_non_persistent")
        if nonp is not None:
            nonp.discard(name)

    def _check_name(self, name, what, fn):
        if not isinstance(name, str):
            raise TypeError(f"{fn}: {what} name should be a string, got {_got(name)}")
        if not name or "." in name:
            raise KeyError(f"{fn}: {what} name can't be empty or contain '.', got {name!r}")
        known = (name in self._parameters or name in self._buffers
                 or name in self._modules)
        if hasattr(self, name) and not known:
            raise KeyError(f"{fn}: attribute '{name}' already exists")

    def register_parameter(self, name: str, param: Parameter | None) -> None:
        """Add a parameter (or None, a placeholder) under `name`."""
        self._registry("_parameters")
        self._check_name(name, "parameter", "register_parameter")
        if param is not None and not isinstance(param, Parameter):
            raise TypeError(f"register_parameter: cannot assign '{type(param).__name__}' "
                            "object to parameter "
                            f"'{name}' (tg.nn.Parameter or None required)")
        self._forget(name)
        self._parameters[name] = param
        object.__setattr__(self, name, param)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Add a non-trainable tensor (e.g. running statistics) saved in the state dict
        unless `persistent=False`."""
        self._registry("_buffers")
        self._check_name(name, "buffer", "register_buffer")
        if tensor is not None and not isinstance(tensor, Tensor):
            raise TypeError(f"register_buffer: cannot assign '{type(tensor).__name__}' "
                            "object to buffer "
                            f"'{name}' (tg.Tensor or None required)")
        if persistent is not True and persistent is not False:
            persistent = flag(persistent, "register_buffer", "persistent")
        self._forget(name)
        self._buffers[name] = tensor
        if not persistent:
            self._non_persistent.add(name)
        object.__setattr__(self, name, tensor)

    def add_module(self, name: str, module: Module | None) -> None:
        """Add a child module under `name` (same as assigning the attribute)."""
        self._registry("_modules")
        self._check_name(name, "module", "add_module")
        if module is not None and not isinstance(module, Module):
            raise TypeError(f"add_module: module '{name}' must be a tg.nn.Module (or None), "
                            f"got {_got(module)}")
        self._forget(name)
        self._modules[name] = module
        object.__setattr__(self, name, module)

    register_module = add_module

    # ----------------------------------------------------------------- calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward(); define "
                                  "forward(self, ...) in the subclass")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._forward_pre_hooks:
            for hook in list(self._forward_pre_hooks.values()):
                r = hook(self, args)
                if r is not None:
                    args = r if isinstance(r, tuple) else (r,)
        d = self.__dict__
        record = None
        if d.get("_backward_hooks") or d.get("_backward_pre_hooks"):
            args, record = _bh.wrap_inputs(self, args)
        out = self.forward(*args, **kwargs)
        if record is not None:
            out = _bh.wrap_outputs(record, out)
        if self._forward_hooks:
            for hook in list(self._forward_hooks.values()):
                r = hook(self, args, out)
                if r is not None:
                    out = r
        return out

    def _add_hook(self, hooks, fn, name, prepend=False):
        if not callable(fn):
            raise TypeError(f"{name}: hook must be callable, got {_got(fn)}")
        prepend = flag(prepend, name, "prepend")
        key = self._hook_id
        self.__dict__["_hook_id"] = key + 1
        hooks[key] = fn
        if prepend:                 # PyTorch's prepend=True: this hook runs first
            for k in [k for k in hooks if k != key]:
                hooks[k] = hooks.pop(k)
        return _HookHandle(hooks, key)

    def register_forward_pre_hook(self, hook: Callable[..., Any]) -> _HookHandle:
        """`hook(module, args)` runs before forward; a returned value replaces the args."""
        return self._add_hook(self._forward_pre_hooks, hook, "register_forward_pre_hook")

    def register_forward_hook(self, hook: Callable[..., Any]) -> _HookHandle:
        """`hook(module, args, output)` runs after forward; a returned value replaces it."""
        return self._add_hook(self._forward_hooks, hook, "register_forward_hook")

    def _hooks_dict(self, name):
        # modules restored from a pickle made before these hooks existed lack the dict
        return self.__dict__.setdefault(name, {})

    def register_full_backward_hook(self, hook: Callable[..., Any], *,
                                    prepend: bool = False) -> _HookHandle:
        """`hook(module, grad_input, grad_output)` runs once the gradients with respect to
        the module's positional tensor inputs are computed (None for inputs that need
        none); a returned tuple replaces grad_input. As PyTorch's (`prepend=True` runs
        it before the hooks already registered)."""
        return self._add_hook(self._hooks_dict("_backward_hooks"), hook,
                              "register_full_backward_hook", prepend)

    def register_full_backward_pre_hook(self, hook: Callable[..., Any], *,
                                        prepend: bool = False) -> _HookHandle:
        """`hook(module, grad_output)` runs when the gradients of the module's outputs
        are known, before they flow into it; a returned tuple replaces them."""
        return self._add_hook(self._hooks_dict("_backward_pre_hooks"), hook,
                              "register_full_backward_pre_hook", prepend)

    # --------------------------------------------------------------- traversal
    def named_modules(self, prefix: str = "",
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Module]]:
        """(name, module) for this module and every descendant, depth first."""
        seen = set()
        stack = [(prefix, self)]
        while stack:
            name, mod = stack.pop()
            if remove_duplicate:
                if id(mod) in seen:
                    continue
                seen.add(id(mod))
            yield name, mod
            kids = [(f"{name}.{k}" if name else k, c) for k, c in mod._modules.items()
                    if c is not None]
            stack.extend(reversed(kids))

    def modules(self) -> Iterator[Module]:
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        seen = set()
        for name, m in self._modules.items():
            if m is not None and id(m) not in seen:
                seen.add(id(m))
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def _named_members(self, kind, prefix, recurse, remove_duplicate):
        mods = self.named_modules(prefix) if recurse else [(prefix, self)]
        seen = set()
        for mname, mod in mods:
            for k, v in mod.__dict__[kind].items():
                if v is None:
                    continue
                if remove_duplicate:
                    if id(v) in seen:
                        continue
                    seen.add(id(v))
                yield (f"{mname}.{k}" if mname else k), v

    def named_parameters(self, prefix: str = "", recurse: bool = True,
                         remove_duplicate: bool = True) -> Iterator[tuple[str, Parameter]]:
        """(dotted name, Parameter) pairs; a parameter shared by two layers appears once."""
        return self._named_members("_parameters", prefix, recurse, remove_duplicate)

    def parameters(self, recurse: bool = True) -> Iterator[Parameter]:
        for _, p in self.named_parameters(recurse=recurse):
            yield p

    @property
    def trainable_variables(self) -> list:
        """Keras spelling: the parameters that require grad, as a list (for
        `tape.gradient(loss, model.trainable_variables)` and `apply_gradients`)."""
        return [p for p in self.parameters() if p.requires_grad]

    def named_buffers(self, prefix: str = "", recurse: bool = True,
                      remove_duplicate: bool = True) -> Iterator[tuple[str, Tensor]]:
        return self._named_members("_buffers", prefix, recurse, remove_duplicate)

    def buffers(self, recurse: bool = True) -> Iterator[Tensor]:
        for _, b in self.named_buffers(recurse=recurse):
            yield b

    def get_submodule(self, target: str) -> Module:
        """The module at dotted path `target` ("" is self)."""
        if not isinstance(target, str):
            raise TypeError(f"get_submodule: target must be a dotted name (str), got "
                            f"{_got(target)}")
        mod = self
        if not target:
            return mod
        walked: list[Any] = []
        for part in target.split("."):
            child = mod._modules.get(part)
            if child is None:
                where = ".".join(walked) or type(self).__name__
                raise AttributeError(f"get_submodule: {where} has no submodule '{part}' "
                                     f"(looking up '{target}')")
            walked.append(part)
            mod = child
        return mod

    def apply(self, fn: Callable[[Module], object]) -> Self:
        """Call `fn(module)` on every submodule, children before parents; returns self."""
        if not callable(fn):
            raise TypeError(f"apply: fn must be callable, got {_got(fn)}")
        for m in reversed(list(self.named_modules())):
            fn(m[1])
        return self

    # -------------------------------------------------------------- modes, grads
    def train(self, mode: bool = True) -> Self:
        """Set training mode (Dropout active, BatchNorm batch statistics) recursively."""
        if not isinstance(mode, bool):
            raise ValueError(f"train: mode is expected to be a bool, got {mode!r}")
        for m in self.modules():
            m.__dict__["training"] = mode
        _state.module_modes[0] += 1
        return self

    def eval(self) -> Self:
        """Set evaluation mode; same as `train(False)`."""
        return self.train(False)

    def requires_grad_(self, requires_grad: bool = True) -> Self:
        if requires_grad is not True and requires_grad is not False:
            requires_grad = flag(requires_grad, "requires_grad_", "requires_grad")
        for p in self.parameters():
            p.requires_grad_(requires_grad)
        return self

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop (or zero) the `.grad` of every parameter."""
        if set_to_none is not True and set_to_none is not False:
            set_to_none = flag(set_to_none, "zero_grad", "set_to_none")
        for p in self.parameters():
            if p.grad is None:
                continue
            if set_to_none:
                p.grad = None
            else:
                p.grad = make(np.zeros_like(p._data))

    def to(self, *args: Any, **kwargs: Any) -> Self:
        """Cast floating parameters and buffers to `dtype` in place (identity is kept, so
        optimizers built earlier still see them). Takes PyTorch's forms: `to(dtype)`,
        `to(device)`, `to(device, dtype)`, `to(tensor)`, `to(device=..., dtype=...)`;
        a device other than the CPU raises a ValueError: there is no CUDA device. 'meta'
        (torch.func's skeleton module for functional_call) is taken as the CPU: the
        module keeps its values."""
        dev = kwargs.pop("device", None)
        dtype = kwargs.pop("dtype", None)
        kwargs.pop("non_blocking", None)
        kwargs.pop("memory_format", None)
        if kwargs:
            raise TypeError(f"to: unexpected keyword argument {next(iter(kwargs))!r}")
        for a in args:
            if _is_device(a):
                dev = a
            elif isinstance(a, Tensor):
                dtype = a._data.dtype
            elif a is not None:
                dtype = a
        if dev is not None and str(dev).split(":")[0] not in ("cpu", "meta"):
            raise ValueError(cpu_only("to", dev))
        if dtype is None:
            return self
        dt = as_dtype(dtype)
        if not is_floating(dt):
            raise TypeError(f"to: only floating dtypes are supported, got {dt}")
        for t in [*self.parameters(), *self.buffers()]:
            if is_floating(t._data.dtype) and t._data.dtype != dt:
                t._data = t._data.astype(dt)
                if t.grad is not None:
                    t.grad = make(t.grad._data.astype(dt))
                t._bump_version()
        return self

    def cpu(self) -> Self:
        return self

    def cuda(self, device: Any = None) -> Self:
        """Always an error: there is no CUDA device (tg.cuda.is_available() is False)."""
        raise RuntimeError(cpu_only("cuda", "cuda" if device is None else
                                    f"cuda:{device}" if isinstance(device, int) else device))

    def float(self) -> Self:
        return self.to(np.float32)

    def double(self) -> Self:
        return self.to(np.float64)

    def half(self) -> Self:
        return self.to(np.float16)

    # ------------------------------------------------------------ state dicts
    def _state_items(self, prefix="", keep_vars=False):
        for mname, mod in self.named_modules(prefix, remove_duplicate=False):
            pre = f"{mname}." if mname else ""
            for k, p in mod._parameters.items():
                if p is not None:
                    yield pre + k, p if keep_vars else p.detach()
            for k, b in mod._buffers.items():
                if b is not None and k not in mod._non_persistent:
                    yield pre + k, b if keep_vars else b.detach()

    def state_dict(self, destination: dict[str, Any] | None = None, prefix: str = "",
                   keep_vars: bool = False) -> dict[str, Any]:
        """Parameters and persistent buffers by dotted name, e.g. `0.weight`.

        Values are detached tensors that share memory with the module (as in PyTorch):
        save them (tg.save) or copy them before training further.
        """
        out = OrderedDict() if destination is None else destination
        for k, v in self._state_items(prefix, keep_vars):
            out[k] = v
        return out

    def load_state_dict(self, state_dict: Mapping[str, Any], strict: bool = True,
                        assign: bool = False) -> Any:
        """Copy values from `state_dict` into this module's parameters and buffers.

        With `strict` (the default) a missing or unexpected key is an error; a shape
        mismatch always is. Everything is checked before anything is written, so a
        failed load leaves the module unchanged. Returns (missing_keys, unexpected_keys).
        """
        if not hasattr(state_dict, "items"):
            raise TypeError(f"load_state_dict: expected a dict, got "
                            f"{type(state_dict).__name__}")
        strict = flag(strict, "load_state_dict", "strict")
        assign = flag(assign, "load_state_dict", "assign")
        own = dict(self._state_items(keep_vars=True))
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        errors = []
        if strict:
            if unexpected:
                errors.append("Unexpected key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in unexpected) + ".")
            if missing:
                errors.append("Missing key(s) in state_dict: "
                              + ", ".join(f'"{k}"' for k in missing) + ".")
        writes = []
        first: dict[Any, Any] = {}  # a tensor shared under several keys gets one value
        for k, dst in own.items():
            if k not in state_dict:
                continue
            v = state_dict[k]
            src = v._data if isinstance(v, Tensor) else np.asarray(v)
            if src.dtype.kind not in "biufc":
                errors.append(f'value for "{k}" must be a numeric tensor, got {_got(v)}.')
                continue
            if src.shape != dst._data.shape:
                errors.append(f'size mismatch for "{k}": copying a param with shape '
                              f"{src.shape} from checkpoint, the shape in current model is "
                              f"{dst._data.shape}.")
                continue
            if not np.can_cast(src.dtype, dst._data.dtype, casting="same_kind"):
                errors.append(f'dtype mismatch for "{k}": cannot copy {src.dtype} values '
                              f"into a {dst._data.dtype} tensor.")
                continue
            if id(dst) in first:
                k0, src0 = first[id(dst)]
                if not np.array_equal(src0, src, equal_nan=src.dtype.kind in "fc"):
                    errors.append(f'"{k}" and "{k0}" are one shared tensor in this model '
                                  "but have different values in the state_dict.")
                continue
            first[id(dst)] = (k, src)
            writes.append((dst, src))
        if errors:
            raise RuntimeError(f"Error(s) in loading state_dict for {type(self).__name__}:"
                               "\n\t" + "\n\t".join(errors))
        for dst, src in writes:
            if assign:
                dst._data = np.array(src, dtype=dst._data.dtype, copy=True)
            else:
                np.copyto(dst._data, src, casting="same_kind")
            dst._bump_version()
        return IncompatibleKeys(missing, unexpected)

    # ---------------------------------------------------------------- printing
    def extra_repr(self) -> str:
        """Text shown inside this module's parentheses in repr (override in layers)."""
        return ""

    def __repr__(self) -> str:
        # built bottom-up without recursion: children's text is ready before the parent's
        order = []
        stack = [self]
        while stack:
            m = stack.pop()
            order.append(m)
            stack.extend(c for c in m._modules.values() if c is not None)
        text: dict[Any, Any] = {}
        for m in reversed(order):
            lines = []
            extra = m.extra_repr()
            if extra:
                lines.extend(extra.split("\n"))
            for name, c in m._modules.items():
                body = "None" if c is None else text[id(c)]
                lines.append(f"({name}): " + body.replace("\n", "\n  "))
            name = type(m).__name__
            if not m._modules:
                text[id(m)] = f"{name}({extra})" if "\n" not in extra else \
                    f"{name}(\n  " + "\n  ".join(lines) + "\n)"
            else:
                text[id(m)] = f"{name}(\n  " + "\n  ".join(lines) + "\n)"
        return text[id(self)]

# the names `from tapegrad.nn.module import *` gives (tests/test_all.py)
__all__ = ["IncompatibleKeys", "Module"]
