"""gradcheck, gradgradcheck: analytic derivatives against float64 central differences."""
from __future__ import annotations

import inspect

import numpy as np

from .._state import enable_grad
from .._tensor import Tensor, make
from ..errors import GradcheckError
from ..autograd import grad
from ..func import jvp
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def _prepare(inputs):
    if isinstance(inputs, (Tensor, np.ndarray, float, int)):
        inputs = (inputs,)
    xs = []
    for x in inputs:
        if isinstance(x, Tensor):
            rg = x.requires_grad or x.grad_fn is not None
            arr = x._data
        elif isinstance(x, (np.ndarray, float, list)):
            rg = True
            arr = np.asarray(x)
        else:
            xs.append((x, False))
            continue
        if arr.dtype.kind == "f":
            t = make(np.array(arr, dtype=np.float64))
            t.requires_grad = rg
        else:
            t = make(np.array(arr))
            rg = False
        xs.append((t, rg))
    return xs


def _outputs(f, args, who="gradcheck"):
    out = f(*args)
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        outs = [o for o in out if isinstance(o, Tensor)]
        if outs:
            return outs
    # no tensor to compare would make the check pass vacuously
    raise TypeError(f"{who}: f must return a tensor or a tuple of tensors, got "
                    f"{out!r:.60} ({type(out).__name__})")


def _check_args(who, f, inputs, tols, flags):
    """Refuse what would make a check meaningless or fail with NumPy's wording."""
    if not callable(f):
        raise TypeError(f"{who}: f must be a function, got {f!r:.40} ({type(f).__name__})")
    if inputs is None or isinstance(inputs, (str, bytes, dict, set)):
        raise TypeError(f"{who}: inputs must be a tensor or a tuple of tensors, got "
                        f"{inputs!r:.40} ({type(inputs).__name__})")
    for name, v in tols:
        if isinstance(v, (bool, np.bool_)) or not isinstance(
                v, (int, float, np.integer, np.floating)):
            raise TypeError(f"{who}: {name} must be a real number, got {v!r:.40} "
                            f"({type(v).__name__})")
        if not np.isfinite(v) or (v == 0 if name == "eps" else v < 0):
            raise ValueError(f"{who}: {name} must be finite and "
                             f"{'nonzero' if name == 'eps' else '>= 0'}, got {v}")
    for name, v in flags:
        if not isinstance(v, (bool, np.bool_)):
            raise TypeError(f"{who}: {name} must be True or False, got {v!r:.40} "
                            f"({type(v).__name__})")


def _flat_outputs(f, args):
    return np.concatenate([np.asarray(o._data, dtype=np.float64).ravel()
                           for o in _outputs(f, args)] or [np.zeros(0)])


def gradcheck(f: Callable[..., Any], inputs: Any, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, *, check_forward_ad: bool = False, raise_exception: bool = True,
              nondet_tol: float = 0.0, _names: Any = None, _what: str = "gradient") -> bool:
    """Compare f's reverse-mode Jacobian with central differences, in float64.

    Returns True, or raises GradcheckError naming the input (number, parameter name and
    shape), the worst element and output, both values and how many entries differ.
    With `raise_exception=False` a mismatch returns False instead.

    Args:
        f: a function of the inputs returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors (other arguments are passed as they
            are); floating tensors that require grad, and float NumPy arrays, are checked.
        eps: the finite-difference step.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        check_forward_ad: also compare the forward-mode (JVP) Jacobian.
        raise_exception: raise GradcheckError on a mismatch (False: return False).
        nondet_tol: accepted for PyTorch's signature (tapegrad's gradients are
            deterministic).

    >>> import tapegrad as tg
    >>> x = tg.tensor([0.5, 1.5], dtype="float64", requires_grad=True)
    >>> tg.gradcheck(lambda x: (x * x.sin()).sum(), (x,))
    True
    """
    _check_args("gradcheck", f, inputs,
                (("eps", eps), ("atol", atol), ("rtol", rtol), ("nondet_tol", nondet_tol)),
                (("check_forward_ad", check_forward_ad),
                 ("raise_exception", raise_exception)))
    prepared = _prepare(inputs)
    args = [t for t, _ in prepared]
    diff = [i for i, (t, rg) in enumerate(prepared) if rg]
    if not diff:
        # nothing to compare would make the check pass vacuously
        raise ValueError("gradcheck: no input requires grad; pass floating point tensors "
                         "with requires_grad=True (or NumPy arrays) to check")
    with enable_grad():
        outs = _outputs(f, args)
    sizes = [o._data.size for o in outs]
    n_out = int(np.sum(sizes))
    # analytic Jacobian rows from one vjp per output element
    analytic = {i: np.zeros((n_out, args[i]._data.size)) for i in diff}
    row = 0
    for k, o in enumerate(outs):
        for j in range(sizes[k]):
            if not o.requires_grad:
                row += 1
                continue
            with enable_grad():
                outs_now = _outputs(f, args)
            seed = np.zeros(o._data.size)
            seed[j] = 1.0
            gs = grad([outs_now[k]], [args[i] for i in diff],
                      grad_outputs=[make(seed.reshape(o.shape).astype(o.dtype))],
                      allow_unused=True)
            for i, gi in zip(diff, gs):
                if gi is not None:
                    analytic[i][row] = np.asarray(gi._data, dtype=np.float64).ravel()
            row += 1
    for i in diff:
        x = args[i]._data
        numeric = np.zeros((n_out, x.size))
        flat = x.reshape(-1)
        for e in range(x.size):
            orig = flat[e]
            flat[e] = orig + eps
            plus = _flat_outputs(f, args)
            flat[e] = orig - eps
            minus = _flat_outputs(f, args)
            flat[e] = orig
            numeric[:, e] = (plus - minus) / (2 * eps)
        names = _names if _names is not None else _input_names(f, len(args))
        out_shapes = [o.shape for o in outs]
        if not _compare(analytic[i], numeric, i, x.shape, atol, rtol, _what,
                        raise_exception, names[i], out_shapes):
            return False
        if check_forward_ad and not _check_forward(f, args, i, numeric, atol, rtol,
                                                   raise_exception, names[i], out_shapes):
            return False
    return True


def _input_names(f, n):
    """Parameter names of f's first n positional arguments (None where unknown)."""
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        return [None] * n
    names = []
    for k in range(n):
        if k < len(params) and params[k].kind in (params[k].POSITIONAL_ONLY,
                                                  params[k].POSITIONAL_OR_KEYWORD):
            names.append(params[k].name)
        else:
            star = [p for p in params[:k + 1] if p.kind is p.VAR_POSITIONAL]
            names.append(f"{star[0].name}[{k - params.index(star[0])}]" if star else None)
    return names


def _where(r, out_shapes):
    """(output number, index inside it) of row r of the stacked Jacobian."""
    for k, shape in enumerate(out_shapes):
        size = int(np.prod(shape, dtype=np.int64))
        if r < size:
            return k, tuple(int(v) for v in np.unravel_index(r, shape)) if shape else ()
        r -= size
    return len(out_shapes), ()


def _compare(a, n, i, shape, atol, rtol, what, raise_exception=True, name=None,
             out_shapes=None):
    """False (or GradcheckError) when the analytic Jacobian `a` and numeric `n` differ.

    The message names the input (number, parameter name, shape), the worst element
    and its output, both values, and how many entries differ."""
    err = np.abs(a - n) - (atol + rtol * np.abs(n))
    bad = ~(err <= 0)          # NaN counts as a failure
    if not bad.any():
        return True
    if not raise_exception:
        return False
    r, c = np.unravel_index(np.nanargmax(np.where(bad, np.nan_to_num(err, nan=np.inf),
                                                  -np.inf)), err.shape)
    elem = tuple(int(v) for v in np.unravel_index(c, shape)) if shape else ()
    av, nv = float(a[r, c]), float(n[r, c])
    who = f"`{name}`, " if name else ""
    if out_shapes is not None:
        k, idx = _where(r, out_shapes)
        out = (f"output {k} at element {idx}" if len(out_shapes) > 1 else
               f"output element {idx}")
    else:
        out = f"output element {r}"
    msg = (f"gradcheck: {what} mismatch for input {i} at element {elem} ({who}shape "
           f"{tuple(shape)}; {out}): analytic {av!r} vs numeric {nv!r}, difference "
           f"{abs(av - nv):.3g} > allowed {atol + rtol * abs(nv):.3g} (atol={atol}, "
           f"rtol={rtol}). {int(bad.sum())} of {bad.size} Jacobian entries for this input "
           "differ.")
    if not np.any(a) and np.any(n):
        msg += (" The analytic derivative is zero everywhere: is the input cut from the "
                "graph inside f (.numpy(), .detach(), no_grad, a NumPy function)?")
    elif np.all(np.isfinite(a)) and np.any(n[bad]):
        ratio = a[bad] / np.where(n[bad] == 0, np.nan, n[bad])
        if np.all(np.isfinite(ratio)) and np.allclose(ratio, ratio[0], rtol=1e-3) \
                and abs(ratio[0] - 1) > 1e-3:
            msg += f" The analytic values are {float(ratio[0]):.4g} times the numeric ones."
    raise GradcheckError(msg)


def _check_forward(f, args, i, numeric, atol, rtol, raise_exception=True, name=None,
                   out_shapes=None):
    x = args[i]._data
    cols = np.zeros_like(numeric)
    for e in range(x.size):
        u = np.zeros(x.size)
        u[e] = 1.0
        tangents = [make(np.zeros_like(a._data)) if isinstance(a, Tensor) else None
                    for a in args]
        tangents[i] = make(u.reshape(x.shape))
        prim = [a for a in args]
        _, t_out = jvp(lambda *a: tuple(_outputs(f, a)), tuple(prim), tuple(tangents))
        cols[:, e] = np.concatenate([np.asarray(t._data, dtype=np.float64).ravel()
                                     for t in t_out])
    return _compare(cols, numeric, i, x.shape, atol, rtol, "forward-mode (jvp)",
                    raise_exception, name, out_shapes)


def gradgradcheck(f: Callable[..., Any], inputs: Any, grad_outputs: Any = None, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, **kwargs: Any) -> bool:
    """gradcheck of the first derivatives: checks second-order rules (create_graph)
    against finite differences of the gradient. Use float64 inputs.

    Args:
        f: a function of the inputs returning a tensor or a tuple of tensors.
        inputs: a tensor or a tuple of tensors; floating tensors that require grad, and
            float NumPy arrays, are checked.
        grad_outputs: the cotangents of the outputs (None: fixed random ones).
        eps: the finite-difference step.
        atol: the absolute tolerance.
        rtol: the relative tolerance.
        **kwargs: gradcheck's keywords (raise_exception=, check_forward_ad=, ...).

    >>> x = tg.tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    >>> tg.gradgradcheck(lambda x: (x ** 3).sum(), [x])
    True
    """
    _check_args("gradgradcheck", f, inputs, (("eps", eps), ("atol", atol), ("rtol", rtol)),
                ())
    prepared = _prepare(inputs)
    args = [t for t, _ in prepared]
    diff = [i for i, (t, rg) in enumerate(prepared) if rg]
    if not diff:
        raise ValueError("gradgradcheck: no input is a floating point tensor that requires "
                         "grad (or a float NumPy array); nothing to check")
    with enable_grad():
        outs = _outputs(f, args, "gradgradcheck")
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [make(rng.standard_normal(o.shape)) for o in outs]
    if isinstance(grad_outputs, (Tensor, np.ndarray)):
        grad_outputs = [grad_outputs]
    if not isinstance(grad_outputs, (list, tuple)) or len(grad_outputs) != len(outs):
        raise TypeError(f"gradgradcheck: grad_outputs must be one tensor per output of f "
                        f"({len(outs)}), got {grad_outputs!r:.40}")
    for k, (g, o) in enumerate(zip(grad_outputs, outs)):
        raw = g._data if isinstance(g, Tensor) else np.asarray(g)
        if raw.dtype.kind not in "biuf" or raw.shape != o.shape:
            raise ValueError(f"gradgradcheck: grad_outputs[{k}] must be a real tensor of "
                             f"shape {o.shape}, got dtype {raw.dtype} and shape {raw.shape}")
    gos = [make(np.array(g._data if isinstance(g, Tensor) else g, dtype=np.float64))
           for g in grad_outputs]
    for g in gos:
        g.requires_grad = True
    n = len(args)

    def first(*a):
        xs, gs = a[:n], a[n:]
        with enable_grad():
            os_ = [o for o in _outputs(f, xs)]
            pairs = [(o, g) for o, g in zip(os_, gs) if o.requires_grad]
            res = grad([o for o, _ in pairs], [xs[i] for i in diff],
                       grad_outputs=[g for _, g in pairs], create_graph=True,
                       allow_unused=True)
        return tuple(r if r is not None else make(np.zeros(xs[i].shape))
                     for r, i in zip(res, diff))

    names = _input_names(f, n) + [f"grad_outputs[{k}]" for k in range(len(gos))]
    return gradcheck(first, tuple(args) + tuple(gos), eps=eps, atol=atol, rtol=rtol,
                     _names=names, _what="second-derivative (gradgradcheck)", **kwargs)

# the names `from tapegrad.tools.gradcheck import *` gives (tests/test_all.py)
__all__ = ["gradcheck", "gradgradcheck"]
