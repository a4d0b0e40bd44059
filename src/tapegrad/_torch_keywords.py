"""PyTorch's keyword names (`input=`, `other=`, `exponent=`, ...) on tapegrad's functions.

tapegrad's functions name their operands as NumPy does (`x`, `y`, `a`), so ported
PyTorch code such as `tg.add(input=a, other=b)` or `tg.where(condition=m, input=a,
other=b)` would fail. `install` gives the listed functions of a namespace a thin wrapper
that renames torch's keyword to the function's own parameter at the same position; the
positional form and the function's own names keep working. The ops module keeps the
unwrapped functions, which tapegrad itself calls.
"""
from __future__ import annotations

import functools

from . import ops

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

# torch's parameter names by position (None: the name is already the same), per function
_UNARY = ("input",)
_BINARY = ("input", "other")
TOP = {
    _UNARY: """abs acos acosh amax amin angle arccos arccosh arcsin arcsinh arctan arctanh
        argmax argmin argsort asin asinh atan atanh ceil chunk clamp clip clone
        conj cos cosh cross cummax cummin cumprod cumsum deg2rad diag diag_embed diagonal diff
        digamma dsplit erf erfc erfinv exp exp2 expm1 fix flatten flip fliplr flipud floor
        gather hsplit i0 imag index_add index_select is_complex kthvalue lgamma log log10 log1p
        log2 logcumsumexp logit logsumexp max mean median min moveaxis movedim mvlgamma
        nan_to_num nanmean nanmedian nanquantile nansum narrow neg negative ones_like permute
        positive prod quantile rad2deg ravel real repeat_interleave reshape roll rot90 round
        scatter scatter_add select sigmoid sign sin sinc sinh softmax sort sqrt square squeeze
        std sum swapdims take_along_dim tan tanh tensor_split tile topk trace tril triu trunc
        unbind unflatten unsqueeze var view_as_complex view_as_real vsplit zeros_like
        transpose
        reciprocal log_softmax relu norm det logdet""",
    _BINARY: """add arctan2 atan2 copysign div divide floor_divide fmax fmin fmod greater
        greater_equal hypot inner kron less less_equal logaddexp logaddexp2 matmul maximum
        minimum mul multiply not_equal remainder sub subtract vdot xlogy""",
    ("input", "mat2"): "bmm mm",
    ("input", "tensor"): "dot",
    ("input", "exponent"): "float_power pow",
    ("input", "values"): "heaviside",
    ("input", "vec2"): "outer",
    ("input", "index"): "take",
    ("size",): "full",
    ("input", "size"): "broadcast_to",
    (None, "input"): "polygamma",
    ("condition", "input", "other"): "where",
}
LINALG = {
    _UNARY: "cholesky eigh eigvalsh pinv matrix_exp matrix_norm vector_norm norm cond "
            "matrix_rank",
    _BINARY: "matmul",
}
SPECIAL = {
    _UNARY: """bessel_j0 bessel_j1 bessel_y0 bessel_y1 digamma entr erf erfc erfcx erfinv
        expit expm1 gammaln i0 i0e i1 i1e log1p log_ndtr log_softmax logit logsumexp ndtr
        ndtri psi softmax""",
    _BINARY: "gammainc gammaincc xlog1py xlogy",
    ("input", "p"): "multigammaln",
    (None, "input"): "polygamma",
}


def _renames(f, names):
    """{torch's name: f's parameter} for the positions where they differ."""
    code = getattr(f, "__code__", None)
    if code is None:
        return None
    params = code.co_varnames[:code.co_argcount + code.co_kwonlyargcount]
    ours = params[:code.co_argcount]
    out = {}
    for i, t in enumerate(names):
        if t is not None and i < len(ours) and t not in params:
            out[t] = ours[i]
    return out or None


def _wrap(f: Callable[..., Any], ren: dict[str, str], fix: Any = None) -> Callable[..., Any]:
    """f under torch's keyword names: one extra frame, and work only when keywords are
    passed. `fix(args, kw) -> (function, args, kw)` handles keywords beyond names."""

    @functools.wraps(f)
    def call(*args, **kw):
        if kw:
            for t, o in ren.items():
                if t in kw:
                    if o in kw:
                        raise TypeError(f"{f.__name__}: got both {t}= and {o}= (the same "
                                        f"argument)")
                    kw[o] = kw.pop(t)
            if fix is not None:
                g, args, kw = fix(args, kw)
                return g(*args, **kw)
        return f(*args, **kw)

    call._torch_keywords = True     # type: ignore[attr-defined]
    return call


def _alpha(f):
    """torch's add/sub(input, other, *, alpha=1): input + alpha * other."""
    second = f.__code__.co_varnames[1]

    def fix(args, kw):
        alpha = kw.pop("alpha", 1)
        if alpha is not True and alpha != 1:
            if len(args) > 1:
                args = (args[0], ops.mul(args[1], alpha)) + args[2:]
            else:
                for name in (second, "other"):      # f may take other= itself
                    if name in kw:
                        kw[name] = ops.mul(kw[name], alpha)
        return f, args, kw

    return fix


def _rounding(f):
    """torch's div(input, other, *, rounding_mode=None): None, "trunc" or "floor"."""

    def truncated(*args, **kw):
        if len(args) == 2 and not kw:           # integers stay integers, as torch
            return ops.mathfns._trunc_divide(*args)
        return ops.trunc(f(*args, **kw))

    def fix(args, kw):
        mode = kw.pop("rounding_mode", None)
        if mode is None:
            return f, args, kw
        if mode == "floor":
            return ops.floor_divide, args, kw
        if mode == "trunc":
            return truncated, args, kw
        raise ValueError(f"{f.__name__}: rounding_mode must be None, 'trunc' or 'floor', "
                         f"got {mode!r}")

    return fix


def _dims_after(*names, spread=True):
    """torch's transpose(input, dim0, dim1) / permute(input, dims) / tile(input, dims):
    the dims by keyword become the positional dims these functions take after the
    tensor (permute's one by one, tile's as one sequence)."""

    def make(f):
        first = f.__code__.co_varnames[0]

        def fix(args, kw):
            if any(n in kw for n in names):
                dims = [kw.pop(n) for n in names if n in kw]
                if names == ("dims",) and spread:
                    dims = list(dims[0])
                if first in kw:
                    args = (kw.pop(first),) + args
                args = args + tuple(dims)
            return f, args, kw

        return fix

    return make


# torch keywords beyond names (the wrapper renames first, then calls these)
_EXTRA = {"add": _alpha, "sub": _alpha, "subtract": _alpha, "div": _rounding,
          "divide": _rounding, "transpose": _dims_after("dim0", "dim1"),
          "permute": _dims_after("dims"), "tile": _dims_after("dims", spread=False)}


# id of a wrapped function -> its wrapper, across namespaces: a function reachable under
# several names (tg.radians and tg.deg2rad, tg.math.exp and tg.exp) gets one wrapper
_WRAPPED: dict[int, Any] = {}


def install(namespace: Any, table: dict) -> None:
    """Give the functions `table` names in `namespace` (a module or its globals())
    torch's keywords, then `share` the wrappers with the namespace's other names."""
    ns = namespace if isinstance(namespace, dict) else vars(namespace)
    for names, text in table.items():
        for name in text.split():
            f = ns.get(name)
            if f is None or getattr(f, "_torch_keywords", False) or id(f) in _WRAPPED:
                continue
            ren = _renames(f, names)
            extra = _EXTRA.get(name) if table is TOP else None
            if ren or extra:
                _WRAPPED[id(f)] = _wrap(f, ren or {}, extra(f) if extra else None)
    share(ns)


def share(namespace: Any) -> None:
    """Rebind every name in `namespace` that holds a function wrapped by `install` to
    its wrapper (aliases and re-exports stay the same object as the wrapped name)."""
    ns = namespace if isinstance(namespace, dict) else vars(namespace)
    for name, f in list(ns.items()):
        w = _WRAPPED.get(id(f))
        if w is not None and callable(f):
            ns[name] = w


def wrapped(f: Any) -> Any:
    """f's keyword wrapper if `install` made one (for namespaces that look ops up
    lazily, as tg.math does), else f."""
    return _WRAPPED.get(id(f), f)
