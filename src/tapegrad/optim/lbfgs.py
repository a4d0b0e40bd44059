"""L-BFGS (PyTorch's torch.optim.LBFGS: same iterations, line search and state)."""
from __future__ import annotations

import math

import numpy as np

from .. import _state
from .._check import _got, integer, real
from .._tensor import Tensor, make
from .optimizer import Optimizer
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any
    from .._typing import ParamsLike


def _cubic_min(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimiser of the cubic through (x1, f1, g1) and (x2, f2, g2), clamped to `bounds`
    (the interval between the points by default); the midpoint when it has none."""
    lo, hi = bounds if bounds is not None else ((x1, x2) if x1 <= x2 else (x2, x1))
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_sq = d1 * d1 - g1 * g2
    if d2_sq < 0:
        return (lo + hi) / 2.0
    d2 = math.sqrt(d2_sq)
    if x1 <= x2:
        pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
    else:
        pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
    return min(max(pos, lo), hi)


def _strong_wolfe(evaluate, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9,
                  max_ls=25):
    """Line search for a step t along d meeting the strong Wolfe conditions (bracketing
    then zoom by cubic interpolation, as minFunc and PyTorch). `evaluate(t)` returns
    (loss, flat gradient) at x + t d. Returns (loss, grad, t, evaluations)."""
    d_norm = float(np.abs(d).max())
    f_new, g_new = evaluate(t)
    evals = 1
    gtd_new = float(g_new @ d)
    t_prev, f_prev, g_prev, gtd_prev = 0.0, f, g, gtd
    done = False
    it = 0
    bracket_gtd = None
    while it < max_ls:
        if f_new > f + c1 * t * gtd or (it > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, g_new], [gtd_prev, gtd_new]
            break
        # extrapolate
        lo, hi = t + 0.01 * (t - t_prev), t * 10
        t_prev, t = t, _cubic_min(t_prev, f_prev, gtd_prev, t, f_new, gtd_new, (lo, hi))
        f_prev, g_prev, gtd_prev = f_new, g_new, gtd_new
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = float(g_new @ d)
        it += 1
    if it == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom: shrink the bracket until a point satisfies the conditions
    insufficient = False
    low, high = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and it < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_min(bracket[0], bracket_f[0], bracket_gtd[0],
                       bracket[1], bracket_f[1], bracket_gtd[1])
        top, bottom = max(bracket), min(bracket)
        eps = 0.1 * (top - bottom)
        if min(top - t, t - bottom) < eps:
            # too close to an end: move away from it unless last time was already so
            if insufficient or t >= top or t <= bottom:
                t = top - eps if abs(t - top) < abs(t - bottom) else bottom + eps
                insufficient = False
            else:
                insufficient = True
        else:
            insufficient = False
        f_new, g_new = evaluate(t)
        evals += 1
        gtd_new = float(g_new @ d)
        it += 1
        if f_new > f + c1 * t * gtd or f_new >= bracket_f[low]:
            bracket[high], bracket_f[high] = t, f_new
            bracket_g[high], bracket_gtd[high] = g_new, gtd_new
            low, high = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high] - bracket[low]) >= 0:
                bracket[high], bracket_f[high] = bracket[low], bracket_f[low]
                bracket_g[high], bracket_gtd[high] = bracket_g[low], bracket_gtd[low]
            bracket[low], bracket_f[low] = t, f_new
            bracket_g[low], bracket_gtd[low] = g_new, gtd_new
    return bracket_f[low], bracket_g[low], bracket[low], evals


_ARRAYS = ("d", "prev_flat_grad")
_LISTS = ("old_dirs", "old_stps")
_FLOATS = ("t", "H_diag", "prev_loss")


class LBFGS(Optimizer):
    """L-BFGS, iteration for iteration as torch.optim.LBFGS. One param group only; every
    `step(closure)` runs up to `max_iter` iterations, calling `closure` (which zeroes the
    grads, computes the loss, calls backward and returns the loss) as often as needed.

    Args:
        params: the tensors to optimize (an iterable of tensors, or one param group
            dict); a single group only.
        lr: step length (the first iteration scales it by min(1, 1/|g|_1)); default 1.
        max_iter: iterations per step, a positive int (default 20).
        max_eval: closure calls per step, a positive int (default max_iter * 5 // 4).
        tolerance_grad: stop when max |g| is at most this (default 1e-7).
        tolerance_change: stop when the step or the loss change is below this
            (default 1e-9).
        history_size: number of (s, y) pairs kept, a positive int (default 100).
        line_search_fn: None (fixed step lr) or 'strong_wolfe'.

    `step(closure)` returns the loss of the first closure call of that step.

    Raises:
        ValueError: several param groups, a count < 1, a negative lr or tolerance, or
            an unknown line_search_fn.
        TypeError: an argument has the wrong type, or (from step) a closure that is
            not callable.

    >>> import tapegrad as tg
    >>> x = tg.tensor([1.5, -0.5], dtype=tg.float64, requires_grad=True)
    >>> opt = tg.optim.LBFGS([x], line_search_fn="strong_wolfe")
    >>> def closure():
    ...     opt.zero_grad()
    ...     loss = ((x - tg.tensor([1.0, 2.0], dtype=tg.float64)) ** 2).sum()
    ...     loss.backward()
    ...     return loss
    >>> _ = opt.step(closure)
    >>> x.detach().numpy().round(6)
    array([1., 2.])
    """

    def __init__(self, params: ParamsLike, lr: float = 1, max_iter: int = 20,
                 max_eval: int | None = None, tolerance_grad: float = 1e-7,
                 tolerance_change: float = 1e-9, history_size: int = 100,
                 line_search_fn: str | None = None) -> None:
        if max_eval is None and isinstance(max_iter, int) and not isinstance(max_iter, bool):
            max_eval = max_iter * 5 // 4
        defaults = dict(lr=lr, max_iter=max_iter, max_eval=max_eval,
                        tolerance_grad=tolerance_grad, tolerance_change=tolerance_change,
                        history_size=history_size, line_search_fn=line_search_fn)
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter "
                             f"groups); got {len(self.param_groups)} groups")
        self._params = self.param_groups[0]["params"]

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        if self.param_groups:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter "
                             "groups): it has one group already")
        super().add_param_group(param_group)

    def _check_group(self, group):
        self._check(group, "lr", "learning rate")
        group["max_iter"] = integer(group["max_iter"], "LBFGS", "max_iter", low=1)
        if group["max_eval"] is None:
            group["max_eval"] = group["max_iter"] * 5 // 4
        group["max_eval"] = integer(group["max_eval"], "LBFGS", "max_eval", low=1)
        self._check(group, "tolerance_grad")
        self._check(group, "tolerance_change")
        group["history_size"] = integer(group["history_size"], "LBFGS", "history_size",
                                        low=1)
        if group["line_search_fn"] not in (None, "strong_wolfe"):
            raise ValueError(f"LBFGS: line_search_fn must be None or 'strong_wolfe', got "
                             f"{_got(group['line_search_fn'])}")

    # flat views over the parameters (complex ones as pairs of reals)
    @staticmethod
    def _flat(arr):
        arr = np.ascontiguousarray(arr)
        if arr.dtype.kind == "c":
            arr = arr.view(arr.real.dtype)
        return arr.reshape(-1)

    def _gather_flat_grad(self):
        parts = []
        for p in self._params:
            g = p.grad
            if g is None:
                parts.append(np.zeros(self._flat(p._data).size, self._dtype))
            else:
                parts.append(self._flat(g._data if isinstance(g, Tensor) else np.asarray(g)))
        return np.concatenate(parts).astype(self._dtype, copy=False)

    @property
    def _dtype(self):
        return np.result_type(*[self._flat(p._data).dtype for p in self._params])

    def _add_grad(self, step, update):
        off = 0
        for p in self._params:
            data = p._data
            view = data.view(data.real.dtype) if data.dtype.kind == "c" else data
            n = view.size
            view += (step * update[off:off + n]).reshape(view.shape).astype(view.dtype,
                                                                          copy=False)
            off += n
            p._bump_version()

    def _set_params(self, saved):
        for p, arr in zip(self._params, saved):
            p._data[...] = arr
            p._bump_version()

    def _call(self, closure):
        with _state.enable_grad():
            out = closure()
        try:
            float(out)
        except (TypeError, ValueError):
            raise TypeError(f"LBFGS.step: closure must return the loss (a number or a "
                            f"one-element tensor), got {_got(out)}") from None
        return out

    def step(self, closure: Callable[[], Any]) -> Any:
        """Run up to `max_iter` L-BFGS iterations; returns the loss `closure` gave first."""
        if not callable(closure):
            raise TypeError(f"LBFGS.step: closure must be a callable that re-evaluates the "
                            f"model (zero_grad, loss, backward) and returns the loss, got "
                            f"{_got(closure)}")
        group = self.param_groups[0]
        self._check_lr(group)
        lr = group["lr"]
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tol_grad, tol_change = group["tolerance_grad"], group["tolerance_change"]
        history = group["history_size"]
        state = self.state.setdefault(self._params[0], {})
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)

        orig_loss = self._call(closure)
        loss = float(orig_loss)
        evals = 1
        state["func_evals"] += 1
        flat_grad = self._gather_flat_grad()
        if np.abs(flat_grad).max(initial=0.0) <= tol_grad:
            return orig_loss

        d, t = state.get("d"), state.get("t")
        old_dirs, old_stps, ro = state.get("old_dirs"), state.get("old_stps"), state.get("ro")
        h_diag = state.get("H_diag")
        prev_flat_grad, prev_loss = state.get("prev_flat_grad"), state.get("prev_loss")

        with _state.no_grad():
            n_iter = 0
            while n_iter < max_iter:
                n_iter += 1
                state["n_iter"] += 1
                if state["n_iter"] == 1:
                    d = -flat_grad
                    old_dirs, old_stps, ro = [], [], []
                    h_diag = 1.0
                else:
                    y = flat_grad - prev_flat_grad
                    s = d * t
                    ys = float(y @ s)
                    if ys > 1e-10:
                        if len(old_dirs) == history:
                            old_dirs.pop(0)
                            old_stps.pop(0)
                            ro.pop(0)
                        old_dirs.append(y)
                        old_stps.append(s)
                        ro.append(1.0 / ys)
                        h_diag = ys / float(y @ y)
                    # two-loop recursion: d = -H g
                    al = [0.0] * len(old_dirs)
                    q = -flat_grad
                    for i in range(len(old_dirs) - 1, -1, -1):
                        al[i] = float(old_stps[i] @ q) * ro[i]
                        q -= al[i] * old_dirs[i]
                    d = q * h_diag
                    for i in range(len(old_dirs)):
                        be_i = float(old_dirs[i] @ d) * ro[i]
                        d += (al[i] - be_i) * old_stps[i]
                prev_flat_grad = flat_grad.copy()
                prev_loss = loss
                if state["n_iter"] == 1:
                    t = min(1.0, 1.0 / float(np.abs(flat_grad).sum())) * lr
                else:
                    t = lr
                gtd = float(flat_grad @ d)
                if gtd > -tol_change:
                    break

                if group["line_search_fn"] is not None:
                    x0 = [p._data.copy() for p in self._params]

                    def evaluate(step):
                        self._add_grad(step, d)
                        value = float(self._call(closure))
                        grad = self._gather_flat_grad()
                        self._set_params(x0)
                        return value, grad

                    loss, flat_grad, t, ls_evals = _strong_wolfe(
                        evaluate, t, d, loss, flat_grad, gtd, max_ls=max_eval - evals)
                    self._add_grad(t, d)
                    opt_cond = np.abs(flat_grad).max(initial=0.0) <= tol_grad
                else:
                    self._add_grad(t, d)
                    ls_evals = 0
                    opt_cond = False
                    if n_iter != max_iter:
                        loss = float(self._call(closure))
                        flat_grad = self._gather_flat_grad()
                        opt_cond = np.abs(flat_grad).max(initial=0.0) <= tol_grad
                        ls_evals = 1
                evals += ls_evals
                state["func_evals"] += ls_evals

                if n_iter == max_iter or evals >= max_eval or opt_cond:
                    break
                if np.abs(d * t).max(initial=0.0) <= tol_change:
                    break
                if abs(loss - prev_loss) < tol_change:
                    break

        state.update(d=d, t=t, old_dirs=old_dirs, old_stps=old_stps, ro=ro, H_diag=h_diag,
                     prev_flat_grad=prev_flat_grad, prev_loss=prev_loss)
        return orig_loss

    # --------------------------------------------------------------- state dicts
    def state_dict(self) -> dict[str, Any]:
        """PyTorch's layout: all state under parameter 0 (flat arrays as tensors)."""
        out = super().state_dict()
        for s in out["state"].values():
            for k in _LISTS:
                if s.get(k) is not None:
                    s[k] = [make(a.copy()) for a in s[k]]
            if s.get("ro") is not None:
                s["ro"] = list(s["ro"])
        return out

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        name = "LBFGS.load_state_dict"
        if not isinstance(state_dict, dict) or not isinstance(state_dict.get("state"), dict):
            raise ValueError(f"{name}: expected a dict with 'state' and 'param_groups' (from "
                             f"LBFGS.state_dict()), got {_got(state_dict)}")
        n = sum(self._flat(p._data).size for p in self._params)
        saved = {}
        for key, s in state_dict["state"].items():
            if not isinstance(s, dict):
                raise ValueError(f"{name}: state of parameter {key} must be a dict, got "
                                 f"{_got(s)}")
            entry = {}
            for k, v in s.items():
                if k in ("func_evals", "n_iter"):
                    entry[k] = self._step_count(v, key, name)
                elif k in _FLOATS:
                    entry[k] = None if v is None else real(v, name, k)
                elif k in _ARRAYS:
                    entry[k] = None if v is None else self._vector(v, n, name, k)
                elif k in _LISTS:
                    entry[k] = None if v is None else [self._vector(a, n, name, k)
                                                       for a in self._list(v, name, k)]
                elif k == "ro":
                    entry[k] = None if v is None else [real(a, name, k)
                                                       for a in self._list(v, name, k)]
                elif k == "al":
                    continue            # PyTorch's scratch list, rebuilt every step
                else:
                    raise ValueError(f"{name}: unknown state key {k!r}")
            saved[key] = entry
        # the generic loader checks groups and indices; the state goes in afterwards
        super().load_state_dict({"param_groups": state_dict.get("param_groups"),
                                 "state": {k: {} for k in saved}})
        self._params = self.param_groups[0]["params"]
        self.state = {self._params[self._index(k, name)]: v for k, v in saved.items()}

    @staticmethod
    def _list(v, name, k):
        if not isinstance(v, (list, tuple)):
            raise ValueError(f"{name}: state '{k}' must be a list, got {_got(v)}")
        return v

    def _vector(self, v, n, name, k):
        arr = v._data if isinstance(v, Tensor) else np.asarray(v)
        if arr.shape != (n,) or arr.dtype.kind not in "fiu":
            raise ValueError(f"{name}: state '{k}' must hold flat arrays of {n} numbers, "
                             f"got {_got(v)}")
        return np.array(arr, dtype=self._dtype, copy=True)

# the names `from tapegrad.optim.lbfgs import *` gives (tests/test_all.py)
__all__ = ["LBFGS"]
