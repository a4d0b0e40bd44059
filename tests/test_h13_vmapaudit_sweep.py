"""Every public function under tg.vmap equals the loop over examples, or raises.

Inside tg.vmap a batched tensor's own array is a placeholder without values; a function
that reads it (np.asarray(x._data), int(i) for i in x._data, x._data[()], .copy()) would
compute on garbage. This sweep calls each public function of tg, tg.numpy, tg.linalg,
tg.fft, tg.nn.functional, tg.lax, tg.scipy.special/stats/linalg/signal and each Tensor
method on a batch of 3 examples that differ (floats, matrices, integer indices and
counts, masks), batched all together and one argument at a time, and compares with a
Python loop over the examples. vmap may raise instead (torch.func raises for shapes that
depend on values), but then with one of vmap's own errors, not one about garbage values.

The table (h13_vmapaudit_table.json: argument kinds -> function names) lists the kinds
each function accepted for one example; it was made by trying every kind below on each
public function once. Functions that read raw values on the way and that the sweep
found returning garbage: roll/split/tensor_split/array_split/hsplit/vsplit with tensor
shifts or indices, full/full_like/new_tensor with a batched value, arange with a batched
end, slogdet's sign, masked_select, quantile with a batched q or a tensor axis,
partition's kth, the tnp comparisons and predicates with out=, tnp.asarray of a list
holding a batched tensor, ravel_multi_index, polydiv.
"""
import json
import os
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.nn.functional as F
import tapegrad.numpy as tnp
import tapegrad.scipy.linalg as spl
import tapegrad.scipy.signal as ssig
import tapegrad.scipy.special as sps
import tapegrad.scipy.stats as sts
from tapegrad import lax
from tapegrad.vmap import BatchedWriteError, ControlFlowError, DynamicShapeError

B = 3
_R = np.random.default_rng(0)
_A = _R.standard_normal((B, 3, 3))
V = {
    "F": _R.uniform(0.2, 0.8, (B, 4)),                  # floats in most domains
    "S": np.array([0.3, 0.55, 0.7]),                    # one float per example
    "M": _A @ _A.transpose(0, 2, 1) + 3 * np.eye(3),    # well-conditioned SPD matrices
    "I": np.array([[0, 2, 1, 3], [3, 3, 0, 1], [1, 0, 2, 2]]),     # indices
    "K": np.array([1, 2, 0]),                           # a count, shift, k, n, axis
    "Bm": _R.standard_normal((B, 4)) > 0,               # masks
    "F2": _R.uniform(0.2, 0.8, (B, 2, 4)),
    "X3": _R.standard_normal((B, 1, 2, 5)),             # (N, C, L) signals
    "W3": _R.standard_normal((B, 3, 2, 2)),             # their kernels
    "X4": _R.standard_normal((B, 1, 2, 4, 4)),          # images
    "W4": _R.standard_normal((B, 3, 2, 2, 2)),
    "C": _R.standard_normal((B, 2, 3)),                 # logits
    "L": np.array([[0, 2], [1, 1], [2, 0]]),            # labels
}
CONST = {"i0": 0, "i1": 1, "i2": 2}                     # plain ints, never batched

with open(os.path.join(os.path.dirname(__file__), "h13_vmapaudit_table.json")) as f:
    TABLE = json.load(f)

_SPACES = {"tg": tg, "tnp": tnp, "tg.linalg": tg.linalg, "tg.fft": tg.fft, "F": F,
           "lax": lax, "special": sps, "tnp.linalg": tnp.linalg, "tnp.fft": tnp.fft,
           "scipy.linalg": spl, "scipy.signal": ssig}

# vmap raises here where the loop runs; each is a clear error, not a garbage value
RAISES = {
    # np.fromiter over a batched tensor: NumPy turns vmap's ControlFlowError into its own
    "tnp.fromiter",
    # a float index: the batched gather refuses it by name
    "lax.dynamic_index_in_dim",
}
_NUMBERS = ("I", "K", "Bm", "L", "S")
VMAP_ERRORS = (ControlFlowError, DynamicShapeError, BatchedWriteError)


def resolve(name):
    if name.startswith("Tensor."):
        meth = name[len("Tensor."):]
        return lambda x, *a, **k: getattr(x, meth)(*a, **k)
    if name.startswith("stats."):
        _, dist, fn = name.split(".")
        return getattr(getattr(sts, dist), fn)
    space, _, fn = name.rpartition(".")
    return getattr(_SPACES[space], fn)


def parse(template):
    """'F2+i1 axis=K' -> (['F2', 'i1'], 'axis')."""
    kinds, _, kw = template.partition(" ")
    return kinds.split("+"), (kw.split("=")[0] if kw else None)


def leaves(r):
    if isinstance(r, (tuple, list)):
        return [v for e in r for v in leaves(e)]
    return [r]


def values(r):
    return [np.asarray(v.numpy() if isinstance(v, tg.Tensor) else v) for v in leaves(r)]


def example(kinds, kw, b, batched):
    """Example b's arguments; an argument not batched is example 0's for every b."""
    args = [CONST[k] if k in CONST else tg.tensor(V[k][b if m else 0])
            for k, m in zip(kinds, batched)]
    kwargs = {} if kw is None else {kw: tg.tensor(V["K"][b if batched[-1] else 0])}
    return args, kwargs


def check(name, fn, kinds, kw, batched):
    """None when vmap equals the loop (or both raise, or vmap raises clearly)."""
    try:
        loop = []
        for b in range(B):
            a, k = example(kinds, kw, b, batched)
            loop.append(values(fn(*a, **k)))
        want = [np.stack([o[i] for o in loop]) for i in range(len(loop[0]))]
    except Exception:
        want = None                 # per-example shapes differ, or bad arguments
    args = [CONST[k] if k in CONST else tg.tensor(V[k] if m else V[k][0])
            for k, m in zip(kinds, batched)]
    axes = [None if k in CONST or not m else 0 for k, m in zip(kinds, batched)]
    if kw is not None:
        args.append(tg.tensor(V["K"] if batched[-1] else V["K"][0]))
        axes.append(0 if batched[-1] else None)

    def g(*a):
        if kw is None:
            return fn(*a)
        return fn(*a[:-1], **{kw: a[-1]})
    try:
        got = values(tg.vmap(g, in_axes=tuple(axes))(*args))
    except Exception as e:
        if want is None or isinstance(e, VMAP_ERRORS) or "vmap" in str(e) or \
                name in RAISES:
            return None
        return f"raised {type(e).__name__}: {str(e)[:120]}"
    if want is None:
        return "vmap returned where the loop's examples give different shapes"
    if len(got) != len(want):
        return f"{len(got)} outputs, the loop has {len(want)}"
    for w, v in zip(want, got):
        if w.shape != v.shape:
            return f"shape {v.shape}, the loop's {w.shape}"
        if w.dtype.kind in "biu" or v.dtype.kind in "biu":
            same = np.array_equal(w, v)
        else:
            same = np.allclose(w, v, rtol=1e-5, atol=1e-7, equal_nan=True)
        if not same:
            return f"values {np.ravel(v)[:4]}, the loop's {np.ravel(w)[:4]}"
    return None


PREFIXES = {"tg": "tg", "tnp": "tnp", "linalg/fft": ("tg.linalg.", "tg.fft.", "tnp.linalg.",
                                                     "tnp.fft."),
            "F": "F", "lax": "lax", "scipy": ("special.", "stats.", "scipy."),
            "Tensor": "Tensor"}


def _selected(key):
    want = PREFIXES[key]
    out = []
    for template, names in TABLE.items():
        for name in names:
            if isinstance(want, tuple):
                ok = name.startswith(want)
            else:
                ok = name.split(".")[0] == want and not (
                    want in ("tg", "tnp") and name.count(".") > 1)
            if ok:
                out.append((template, name))
    return out


def count_functions():
    return len({n for names in TABLE.values() for n in names})


@pytest.mark.parametrize("key", sorted(PREFIXES))
def test_every_public_function_under_vmap_equals_the_loop_or_raises(key):
    bad = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # per-example fallbacks and their advice
        for template, name in _selected(key):
            fn = resolve(name)
            kinds, kw = parse(template)
            n = len(kinds) + (kw is not None)
            tensors = [i for i in range(len(kinds)) if kinds[i] not in CONST] + \
                ([n - 1] if kw is not None else [])
            patterns = [(True,) * n]
            # then each argument a function may read as numbers (indices, counts, masks,
            # labels, a value per example) batched alone
            if len(tensors) > 1:
                patterns += [tuple(i == j for j in range(n)) for i in tensors
                             if i == len(kinds) or kinds[i] in _NUMBERS]
            for p in patterns:
                msg = check(name, fn, kinds, kw, p)
                if msg is not None:
                    bad.append(f"{name}({template}, batched={p}): {msg}")
    assert not bad, "\n".join(bad)


def test_the_sweep_covers_the_public_functions():
    assert count_functions() > 1100
    for name in ("tg.roll", "tg.tensor_split", "tg.full_like", "tg.linalg.slogdet",
                 "tg.quantile", "tnp.isnan", "Tensor.new_tensor", "Tensor.masked_select",
                 "F.conv1d", "lax.cumsum", "special.gammaln", "stats.norm.logpdf"):
        assert any(name in names for names in TABLE.values()), name


_FLOATS = ("F", "F2", "M", "S", "X3", "X4", "W3", "W4", "C")


def _differentiable_cases():
    for template, names in sorted(TABLE.items()):
        kinds, kw = parse(template)
        if kw is None and all(k in _FLOATS or k in CONST for k in kinds):
            yield from ((template, name) for name in names)


def test_per_example_gradients_equal_the_loop_on_a_sample():
    # vmap(grad) of every fourth function of float arguments (all of them: 1549 pairs,
    # 5 s, all equal when this was written); a rule that read a batched cotangent's
    # placeholder would differ here
    bad = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for template, name in list(_differentiable_cases())[::4]:
            fn = resolve(name)
            kinds, _ = parse(template)

            def loss(*a):
                vs = [v for v in leaves(fn(*a)) if isinstance(v, tg.Tensor) and
                      v.dtype.kind == "f"]
                return sum((v.sum() for v in vs), tg.tensor(0.0, dtype=tg.float64))
            nums = tuple(i for i, k in enumerate(kinds) if k not in CONST)
            try:
                want = [values(tg.grad(loss, argnums=nums)(
                    *example(kinds, None, b, (True,) * len(kinds))[0])) for b in range(B)]
            except Exception:
                continue            # not differentiable in these arguments
            args = [CONST[k] if k in CONST else tg.tensor(V[k]) for k in kinds]
            axes = tuple(None if k in CONST else 0 for k in kinds)
            try:
                got = values(tg.vmap(tg.grad(loss, argnums=nums), in_axes=axes)(*args))
            except Exception as e:
                if not (isinstance(e, VMAP_ERRORS) or "vmap" in str(e) or name in RAISES):
                    bad.append(f"{name}({template}): raised {type(e).__name__}: {e}")
                continue
            for i, g in enumerate(got):
                w = np.stack([o[i] for o in want])
                if g.shape != w.shape or not np.allclose(g, w, rtol=1e-5, atol=1e-7,
                                                         equal_nan=True):
                    bad.append(f"{name}({template}): gradient {i} differs from the loop's")
                    break
    assert not bad, "\n".join(bad)
