"""Optimizer base: param groups, state, step / apply_gradients, state dicts.

Updates run on the raw ndarrays under no_grad and write parameters in place, so object
identity stays (models and tapes keep seeing the same tensors) and no graph is built.
Per-parameter state (momentum, Adam moments) lives in ndarrays updated with `out=`, and
temporaries come from scratch buffers kept per shape, so a step allocates nothing large.
"""
from __future__ import annotations

from collections import defaultdict

import numpy as np

from .. import _state
from .._tensor import Tensor, make
from .._check import _got, flag, real
from ..tape import GradientTape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any
    from .._typing import ParamsLike

# keys a param group may hold besides the optimizer's hyperparameters (learning-rate
# schedulers set "initial_lr"; OneCycleLR and CyclicLR the others)
_GROUP_KEYS = ("params", "initial_lr", "max_lr", "min_lr", "max_momentum", "base_momentum")
_INF = float("inf")
# keys of a torch.optim state dict that choose kernels, not arithmetic: a PyTorch state
# dict loads with them dropped
_TORCH_ONLY = ("foreach", "fused", "capturable", "differentiable")


def _root(arr):
    while isinstance(arr.base, np.ndarray):
        arr = arr.base
    return arr


class _Required:
    def __repr__(self):
        return "<required parameter>"


required = _Required()


def _as_given(value, checked):
    """A Python int or float stays as the user wrote it (PyTorch keeps `momentum: 0`
    in param_groups and their printout); tensors and NumPy scalars become floats."""
    return value if type(value) in (int, float) else checked


class Optimizer:
    """Base class: subclasses define `_update(p, g, group, state)` on ndarrays.

    Args:
        params: an iterable of tensors, or of dicts (param groups) each holding
            "params" and any hyperparameters that override the defaults. `None` starts
            with no parameters; `apply_gradients` then adds variables as it meets them
            (TensorFlow style).
        defaults: the hyperparameters of every group.

    Raises:
        TypeError: params is not an iterable of tensors or param-group dicts.
        ValueError: params is empty, or a group has unknown keys.

    Every optimizer has `step()`, `zero_grad()`, `param_groups` (a list of dicts whose
    hyperparameters may be changed between steps) and `state_dict()`:

    >>> import tapegrad as tg
    >>> w = tg.tensor([1.0, 2.0], requires_grad=True)
    >>> opt = tg.optim.SGD([{"params": [w], "lr": 0.5}])
    >>> (w * w).sum().backward()
    >>> opt.step(); opt.zero_grad()
    >>> w, w.grad, opt.param_groups[0]["lr"]
    (tensor([0., 0.], requires_grad=True), None, 0.5)
    """

    # per-parameter state entries that are Python floats, not arrays (NAdam's mu_product)
    _scalar_state = ()

    def __init__(self, params: ParamsLike, defaults: dict) -> None:
        self.defaults = dict(defaults)
        # parameter -> dict of its state; a defaultdict as in PyTorch, so a hand-written
        # optimizer's `state = self.state[p]` starts from an empty dict
        self.state: dict[Any, Any] = defaultdict(dict)
        self.param_groups: list[Any] = []
        self.iterations = 0             # TF's optimizer.iterations: apply_gradients calls
        self._scratch: dict[Any, Any] = {}
        if params is None:
            return
        name = type(self).__name__
        if isinstance(params, (Tensor, str, dict)) or not hasattr(params, "__iter__"):
            hint = " (wrap it in a list: [param])" if isinstance(params, Tensor) else ""
            raise TypeError(f"{name}: params argument given to the optimizer should be an "
                            f"iterable of Tensors or dicts, but got {_got(params)}{hint}")
        groups = list(params)
        if not groups:
            raise ValueError(f"{name}: optimizer got an empty parameter list")
        is_dict = [isinstance(g, dict) for g in groups]
        if any(is_dict) and not all(is_dict):
            raise TypeError(f"{name}: params mixes param-group dicts and tensors; pass "
                            "either tensors or dicts (each with a 'params' list)")
        if not is_dict[0]:
            groups = [{"params": groups}]
        for g in groups:
            self.add_param_group(g)

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, g in enumerate(self.param_groups):
            if i:
                lines.append("")        # PyTorch leaves a blank line between groups
            lines.append(f"Parameter Group {i}")
            for k in sorted(k for k in g if k != "params"):
                lines.append(f"    {k}: {g[k]}")
        lines.append(")")
        return "\n".join(lines)

    # ------------------------------------------------------------------ groups
    def add_param_group(self, param_group: dict) -> None:
        """Add a group of parameters with its own hyperparameters (others from defaults)."""
        if not isinstance(param_group, dict):
            raise TypeError(f"add_param_group: a param group must be a dict, got "
                            f"{type(param_group).__name__}")
        name = type(self).__name__
        group = dict(param_group)
        if "params" not in group:
            raise ValueError(f"{name}: a param group needs a 'params' entry (a list of "
                             f"tensors), got keys {sorted(map(str, group))}")
        unknown = [k for k in group if k not in self.defaults and k not in _GROUP_KEYS]
        if unknown:
            raise ValueError(f"{name}: unknown key(s) {unknown} in a param group (known: "
                             f"'params', {', '.join(map(repr, self.defaults))})")
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError("add_param_group: parameters need a deterministic order; "
                            "pass a list, not a set")
        elif isinstance(params, (str, dict)) or not hasattr(params, "__iter__"):
            raise TypeError(f"{name}: a param group's 'params' must be a list of tensors, "
                            f"got {_got(params)}")
        group["params"] = params = list(params)
        for p in params:
            self._check_new_param(p)
        for k, v in self.defaults.items():
            if v is required and k not in group:
                raise ValueError(f"{name}: parameter group didn't specify a "
                                 f"value of required optimization parameter {k}")
            group.setdefault(k, v)
        ids = {id(p) for p in params}
        if len(ids) != len(params):
            raise ValueError(f"{name}: a parameter appears twice in one "
                             "param group")
        for other in self.param_groups:
            if any(id(p) in ids for p in other["params"]):
                raise ValueError(f"{name}: some parameters appear in more "
                                 "than one parameter group")
        self._check_group(group)
        if "initial_lr" in group:
            group["initial_lr"] = real(group["initial_lr"], name, "initial_lr", low=0.0)
        self._check_no_shared_memory(params)
        self.param_groups.append(group)
        for p in params:
            self._init_state(p, group)

    def _check_group(self, group):
        """Validate (and normalise) a group's hyperparameters in place; subclasses raise
        TypeError/ValueError naming the optimizer and the argument."""

    def _check(self, group, key, label=None, **limits):
        """group[key] as a checked float (non-negative unless `limits` say otherwise)."""
        limits.setdefault("low", 0.0)
        group[key] = _as_given(group[key], real(group[key], type(self).__name__, key,
                                                label=label, **limits))

    def _check_lr(self, group):
        # a group's lr may be set by hand between steps (a custom schedule): a NaN or
        # negative one would silently ruin every parameter
        group["lr"] = _as_given(group["lr"], real(group["lr"], f"{type(self).__name__}.step",
                                                  "lr", label="learning rate", low=0.0))

    def _check_flags(self, group, *keys):
        for key in keys:
            group[key] = flag(group[key], type(self).__name__, key)

    def _init_state(self, p, group):
        """Create state eagerly (Adagrad does); most optimizers create it lazily."""

    # ------------------------------------------------------------------ grads
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Drop (or zero) the `.grad` of every parameter."""
        if set_to_none is not True and set_to_none is not False:
            set_to_none = flag(set_to_none, "zero_grad", "set_to_none")
        for group in self.param_groups:
            for p in group["params"]:
                if p.grad is None:
                    continue
                if set_to_none:
                    p.grad = None
                else:
                    p.grad = make(np.zeros_like(p._data))

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a `.grad` (others are skipped).

        `closure`, if given, re-evaluates the model and returns the loss; it runs with
        grad enabled and its result is returned.
        """
        loss = None
        if closure is not None:
            if not callable(closure):
                raise TypeError(f"{type(self).__name__}.step: closure must be a callable "
                                f"that returns the loss, got {_got(closure)}")
            with _state.enable_grad():
                loss = closure()
        with _state.no_grad():
            for group in self.param_groups:
                lr = group.get("lr", 0.0)       # a user's subclass may have no lr
                if lr.__class__ is not float or not 0.0 <= lr < _INF:
                    self._check_lr(group)
                for p in group["params"]:
                    g = p.grad
                    if g is None:
                        continue
                    self._apply_one(p, g._data if isinstance(g, Tensor) else np.asarray(g),
                                    group)
        return loss

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Tensor | None, Tensor]],
                        name: str | None = None) -> None:
        """TF style: update each variable with the gradient paired with it.

        Takes `(gradient, variable)` pairs, e.g. `zip(grads, model.trainable_variables)`;
        pairs with a None gradient are skipped. Variables this optimizer was not built with
        join the last param group (TF optimizers are built without a variable list).

        >>> import tapegrad as tg
        >>> v = tg.Variable([1.0, 2.0])
        >>> opt = tg.optim.SGD(None, lr=0.1)
        >>> with tg.GradientTape() as tape:
        ...     loss = (v * v).sum()
        >>> opt.apply_gradients(zip([tape.gradient(loss, v)], [v]))
        >>> v.numpy()
        array([0.8, 1.6], dtype=float32)
        """
        if isinstance(grads_and_vars, (str, dict, Tensor)) or not hasattr(
                grads_and_vars, "__iter__"):
            raise TypeError(f"apply_gradients: expected (gradient, variable) pairs, e.g. "
                            f"zip(grads, variables), got {_got(grads_and_vars)}")
        pairs = list(grads_and_vars)
        for i, pair in enumerate(pairs):
            if not (isinstance(pair, (tuple, list)) and len(pair) == 2):
                raise TypeError("apply_gradients: expected (gradient, variable) pairs, e.g. "
                                f"zip(grads, variables), got {_got(pair)} at position {i}")
        todo = [(g, v) for g, v in pairs if g is not None]
        if pairs and not todo:
            raise ValueError("apply_gradients: no gradients provided for any variable "
                             f"({len(pairs)} variables, every gradient is None)")
        # every pair is checked before any variable changes
        owner = self._owner_map()
        checked, seen = [], set()
        for i, (g, v) in enumerate(todo):
            if not isinstance(v, Tensor):
                raise TypeError(f"apply_gradients: variable must be a tensor, got "
                                f"{_got(v)} at position {i}")
            if id(v) in seen:
                raise ValueError(f"apply_gradients: variable of shape {v.shape} appears "
                                 f"twice (position {i}); sum its gradients first")
            seen.add(id(v))
            if id(v) not in owner:
                self._check_new_param(v)
            arr = g._data if isinstance(g, Tensor) else np.asarray(g)
            if arr.dtype.kind not in "fciub":
                raise TypeError(f"apply_gradients: gradient for the variable at position "
                                f"{i} must be a real numeric tensor, got {_got(g)}")
            if arr.shape != v._data.shape:
                raise ValueError(f"apply_gradients: gradient of shape {arr.shape} does not "
                                 f"match its variable of shape {v._data.shape} (position "
                                 f"{i})")
            checked.append((arr, v))
        for group in self.param_groups:
            if "lr" in group:
                self._check_lr(group)
        with _state.no_grad():
            for arr, v in checked:
                group = owner.get(id(v))
                if group is None:
                    group = self._adopt(v)
                    owner[id(v)] = group
                self._apply_one(v, arr, group)
        self.iterations += 1

    def minimize(self, loss: Tensor | Callable[[], Tensor], var_list: Any,
                 tape: GradientTape | None = None) -> Any:
        """TF style: one update of `var_list` down the gradient of `loss`.

        `loss` is a zero-argument callable (run under a new GradientTape), or a tensor
        recorded by `tape`. Returns the loss value (detached).

        >>> import tapegrad as tg
        >>> v = tg.Variable(3.0)
        >>> opt = tg.optim.SGD(None, lr=0.25)
        >>> opt.minimize(lambda: v * v, [v])
        tensor(9.)
        >>> v
        <tg.Variable 'Variable:0' shape=() dtype=float32, numpy=1.5>
        """

        if callable(var_list):
            var_list = var_list()
        if isinstance(var_list, (Tensor, str, dict)) or not hasattr(var_list, "__iter__"):
            raise TypeError(f"minimize: var_list must be a list of variables, got "
                            f"{_got(var_list)}")
        var_list = list(var_list)
        if callable(loss):
            with GradientTape() as tape:
                tape.watch(var_list)
                value = loss()
        elif tape is None:
            raise ValueError("minimize: pass the GradientTape that recorded the loss tensor "
                             "(tape=...), or pass the loss as a callable")
        else:
            value = loss
        grads = tape.gradient(value, var_list)
        self.apply_gradients(zip(grads, var_list))
        return value.detach() if isinstance(value, Tensor) else value

    def _owner_map(self):
        return {id(p): g for g in self.param_groups for p in g["params"]}

    def _adopt(self, v):
        if not self.param_groups:
            self.add_param_group({"params": [v]})
        else:
            group = self.param_groups[-1]
            self._check_new_param(v)
            self._check_no_shared_memory([v])
            group["params"].append(v)
            self._init_state(v, group)
        return self.param_groups[-1]

    def _check_no_shared_memory(self, new):
        """Two distinct parameters over one buffer (two nn.Parameter built from one
        tensor) would be stepped twice per step: refuse them. Grouped by the root
        buffer, so the cost is linear in the number of parameters."""
        by_root = {}
        for g in self.param_groups:
            for p in g["params"]:
                by_root.setdefault(id(_root(p._data)), []).append(p)
        for p in new:
            peers = by_root.setdefault(id(_root(p._data)), [])
            for q in peers:
                if q is not p and np.shares_memory(q._data, p._data):
                    raise ValueError(f"{type(self).__name__}: two parameters (shapes "
                                     f"{q.shape} and {p.shape}) share memory, so each step "
                                     "would update it twice; pass the one parameter once")
            peers.append(p)

    def _check_new_param(self, p):
        name = type(self).__name__
        if not isinstance(p, Tensor):
            raise TypeError(f"{name} can only optimize Tensors, but one of the params is "
                            f"{_got(p)}")
        if p.grad_fn is not None and not getattr(p.grad_fn, "variable", None):
            raise ValueError(f"{name}: can't optimize a non-leaf Tensor "
                             f"(shape {p.shape}, computed by {p.grad_fn.name()}); "
                             "use a leaf created with requires_grad=True")
        if p._data.dtype.kind not in "fc":
            raise TypeError(f"{name}: can only optimize floating point "
                            f"tensors, got dtype {p._data.dtype}")

    def _apply_one(self, p, g, group):
        if g.shape != p._data.shape:
            raise ValueError(f"{type(self).__name__}: gradient of shape {g.shape} does not "
                             f"match its parameter of shape {p._data.shape}")
        if g.dtype != p._data.dtype:
            g = g.astype(p._data.dtype)
        state = self.state.get(p)
        if state is None:
            state = self.state[p] = {}
        data = p._data
        if data.dtype.kind == "c" and data.flags.c_contiguous:
            # as torch's _view_as_real: a complex parameter steps as (real, imag) pairs of
            # reals, so Adam's second moment is kept per part
            rd = data.real.dtype
            data = data.reshape(-1).view(rd)
            g = np.ascontiguousarray(g).reshape(-1).view(rd)
        self._update(data, g, group, state)
        p._bump_version()

    def _update(self, p, g, group, state):
        raise NotImplementedError

    def _buf(self, like, slot):
        """A scratch array shaped like `like`, reused across steps (never returned)."""
        key = (like.shape, like.dtype.str, slot)
        buf = self._scratch.get(key)
        if buf is None:
            buf = self._scratch[key] = np.empty_like(like)
        return buf

    def _adam_grad(self, p, g, group, decoupled):
        """The gradient the Adam family steps with: AdamW-style (`decoupled`) shrinks p
        by lr * weight_decay and only negates g when maximizing; else _grad_with_decay."""
        if not decoupled:
            return self._grad_with_decay(p, g, group)
        wd = group["weight_decay"]
        if wd:
            p *= 1 - group["lr"] * wd
        return np.negative(g, out=self._buf(p, 0)) if group["maximize"] else g

    def _adam_moments(self, p, g, m, v, b1, b2):
        """m += (1 - b1) (g - m) (the lerp form PyTorch uses) and v = b2 v + (1 - b2) g^2,
        in place, through scratch slot 1."""
        tmp = self._buf(p, 1)
        np.subtract(g, m, out=tmp)
        tmp *= 1 - b1
        m += tmp
        if v is not None:
            v *= b2
            np.multiply(g, g, out=tmp)
            tmp *= 1 - b2
            v += tmp
        return tmp

    def _grad_with_decay(self, p, g, group):
        """g (negated when maximizing) plus weight_decay * p, in a scratch buffer."""
        wd = group.get("weight_decay", 0)
        maximize = group.get("maximize", False)
        if not wd and not maximize:
            return g
        out = self._buf(p, 0)
        if maximize:
            np.negative(g, out=out)
        else:
            out[...] = g
        if wd:
            np.multiply(p, wd, out=self._buf(p, 1))
            out += self._buf(p, 1)
        return out

    # ------------------------------------------------------------ state dicts
    def state_dict(self) -> dict:
        """{"state": {index: {...}}, "param_groups": [{..., "params": [indices]}]} as in
        PyTorch; arrays are copied, so the result stays valid while training goes on."""
        index: dict[Any, Any] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: v for k, v in group.items() if k != "params"}
            packed["params"] = [index.setdefault(id(p), len(index)) for p in group["params"]]
            groups.append(packed)
        state = {}
        for group in self.param_groups:
            for p in group["params"]:
                s = self.state.get(p)
                if s:
                    state[index[id(p)]] = {
                        k: make(v.copy()) if isinstance(v, np.ndarray) else v
                        for k, v in s.items()}
        return {"state": state, "param_groups": groups}

    def _state_keys(self, group):
        """(required, optional) keys of one parameter's state, or None for any."""
        return None

    def load_state_dict(self, state_dict: dict) -> None:
        """Restore hyperparameters and state saved by `state_dict()` (for the same
        parameters in the same order). Checks everything before changing anything: a
        state dict with the wrong number of groups or parameters, unknown keys, bad
        hyperparameters or state arrays of the wrong shape raises and leaves the
        optimizer as it was. State arrays are copied in."""
        name = f"{type(self).__name__}.load_state_dict"
        try:
            saved_groups = state_dict["param_groups"]
            saved_state = state_dict["state"]
        except (KeyError, TypeError, IndexError):
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups' (from "
                             f"Optimizer.state_dict()), got {_got(state_dict)}") from None
        if not isinstance(saved_groups, (list, tuple)) or not all(
                isinstance(g, dict) for g in saved_groups):
            raise ValueError(f"{name}: 'param_groups' must be a list of dicts, got "
                             f"{_got(saved_groups)}")
        if not isinstance(saved_state, dict):
            raise ValueError(f"{name}: 'state' must be a dict, got {_got(saved_state)}")
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(f"{name}: loaded state dict has "
                             f"{len(saved_groups)} parameter groups, the optimizer has "
                             f"{len(self.param_groups)}")
        by_index = {}
        groups = []
        for i, (mine, saved) in enumerate(zip(self.param_groups, saved_groups)):
            indices = saved.get("params")
            if not isinstance(indices, (list, tuple)):
                raise ValueError(f"{name}: parameter group {i} has no 'params' list of "
                                 f"indices, got {_got(indices)}")
            if len(mine["params"]) != len(indices):
                raise ValueError(f"{name}: parameter group {i} has "
                                 f"{len(indices)} parameters in the state dict but "
                                 f"{len(mine['params'])} in the optimizer")
            for idx, p in zip(indices, mine["params"]):
                idx = self._index(idx, name)
                if idx in by_index:
                    raise ValueError(f"{name}: parameter index {idx} is listed twice in "
                                     "'param_groups'")
                by_index[idx] = p
            unknown = [k for k in saved if k not in self.defaults and k not in _GROUP_KEYS
                       and k not in _TORCH_ONLY]
            if unknown:
                raise ValueError(f"{name}: unknown key(s) {unknown} in parameter group {i}")
            g = {k: v for k, v in saved.items() if k != "params" and k not in _TORCH_ONLY
                 or k in self.defaults}
            for k, v in mine.items():
                g.setdefault(k, v)
            if "betas" in g and isinstance(g["betas"], list):
                g["betas"] = tuple(g["betas"])
            if "initial_lr" in g:
                g["initial_lr"] = real(g["initial_lr"], name, "initial_lr", low=0.0)
            g["params"] = mine["params"]
            try:
                self._check_group(g)
            except (TypeError, ValueError) as e:
                raise ValueError(f"{name}: parameter group {i}: {e}") from None
            groups.append(g)
        group_of = {id(p): g for g in groups for p in g["params"]}
        new_state = {}
        for key, s in saved_state.items():
            idx = self._index(key, name)
            if idx not in by_index:
                raise ValueError(f"{name}: state for parameter {idx}, which "
                                 "no parameter group lists")
            if not isinstance(s, dict):
                raise ValueError(f"{name}: state of parameter {idx} must be a dict, got "
                                 f"{_got(s)}")
            p = by_index[idx]
            if s:
                spec = self._state_keys(group_of[id(p)])
                if spec is not None:
                    needed, optional = spec
                    missing = [k for k in needed if k not in s]
                    extra = [k for k in s if k not in needed and k not in optional]
                    if missing or extra:
                        raise ValueError(f"{name}: state of parameter {idx} has keys "
                                         f"{sorted(map(str, s))}; expected {list(needed)}"
                                         + (f" (optionally {list(optional)})"
                                            if optional else ""))
            entry = {}
            for k, v in s.items():
                if k == "step":
                    entry[k] = self._step_count(v, idx, name)
                    continue
                if k in self._scalar_state:
                    entry[k] = real(v if isinstance(v, Tensor) else np.asarray(v), name,
                                    f"state '{k}' of parameter {idx}")
                    continue
                if v is None:
                    continue            # PyTorch's "no momentum buffer yet"
                arr = v._data if isinstance(v, Tensor) else np.asarray(v)
                if arr.dtype.kind not in "fciub":
                    raise ValueError(f"{name}: state '{k}' of parameter {idx} must be a "
                                     f"numeric array, got {_got(v)}")
                if arr.shape != p._data.shape:
                    raise ValueError(f"{name}: state '{k}' of parameter "
                                     f"{idx} has shape {arr.shape}, the parameter has "
                                     f"shape {p._data.shape}")
                entry[k] = np.array(arr, dtype=p._data.dtype, copy=True, order="C")
            new_state[p] = entry
        self.param_groups = groups
        self.state = defaultdict(dict, new_state)

    @staticmethod
    def _index(key, name):
        if isinstance(key, str) and key.isdigit():
            return int(key)
        if isinstance(key, bool) or not isinstance(key, (int, np.integer)):
            raise ValueError(f"{name}: parameter indices must be ints, got {_got(key)}")
        return int(key)

    @staticmethod
    def _step_count(v, idx, name):
        arr = v._data if isinstance(v, Tensor) else np.asarray(v)
        if arr.shape != () or arr.dtype.kind not in "iuf" or not np.isfinite(arr) \
                or arr < 0 or arr != np.floor(arr):
            raise ValueError(f"{name}: state 'step' of parameter {idx} must be a "
                             f"non-negative whole number, got {_got(v)}")
        return int(arr)

# the names `from tapegrad.optim.optimizer import *` gives (tests/test_all.py)
__all__ = ["required", "Optimizer"]


_IMPL_DEFAULTS = {"foreach": None, "capturable": False, "differentiable": False, "fused": None}


def _impl_flags(who: str, keys: tuple[str, ...], foreach: Any, capturable: Any,
               differentiable: Any, fused: Any) -> dict[str, Any]:
    """PyTorch's implementation switches (foreach, capturable, differentiable, fused):
    they choose kernels, not results, so ported code may pass them; they are kept in the
    param groups under the keys `who` has in PyTorch. `differentiable=True` (gradients
    through the step itself) is refused, as is a switch PyTorch's `who` does not take."""
    given = {"foreach": foreach, "capturable": capturable,
             "differentiable": differentiable, "fused": fused}
    for k, v in given.items():
        if v is not None and not isinstance(v, (bool, np.bool_)):
            raise TypeError(f"{who}: {k} must be True, False or None, got {_got(v)}")
        if k not in keys and v != _IMPL_DEFAULTS[k]:
            raise TypeError(f"{who}: got an unexpected keyword argument {k!r}")
    if differentiable:
        raise NotImplementedError(f"{who}: differentiable=True (differentiating through "
                                  "the optimizer step) is not supported")
    return {k: given[k] for k in keys}
