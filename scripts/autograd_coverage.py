"""Which functions HIPS autograd differentiates, and which of them tapegrad.numpy /
tapegrad.scipy lack.

    PYTHONPATH=src python scripts/autograd_coverage.py [--missing]

autograd registers a vector-Jacobian product per primitive with `defvjp`, into
`autograd.core.primitive_vjps`. A public name of autograd.numpy (or its linalg, fft,
random) or autograd.scipy.* bound to such a primitive, or to a Python function autograd
writes over its primitives (stack, mean), that NumPy or SciPy also has under that name
is a function autograd differentiates; its tapegrad counterpart is the same name in tapegrad.numpy or
tapegrad.scipy. Prints one line per name: `ok` or `MISSING`, then the counts;
`--missing` prints only the missing names (docs/numpy.md keeps them with a reason).
"""
import importlib
import pkgutil
import sys
import types

import autograd.core
import autograd.numpy
import autograd.scipy

# autograd module -> the tapegrad module holding the same names
_PREFIXES = (("autograd.numpy", "tapegrad.numpy"), ("autograd.scipy", "tapegrad.scipy"))


def _modules():
    names = ["autograd.numpy", "autograd.numpy.linalg", "autograd.numpy.fft",
             "autograd.numpy.random"]
    for info in pkgutil.walk_packages(autograd.scipy.__path__, "autograd.scipy."):
        names.append(info.name)
    return ["autograd.scipy"] + names


def _has_vjp(obj):
    """A primitive with a registered VJP, or a Python function autograd writes over its
    primitives (stack, concatenate, and NumPy 2 wrappers such as mean)."""
    try:
        if obj in autograd.core.primitive_vjps:
            return True
    except TypeError:               # unhashable attribute
        return False
    if hasattr(obj, "fun"):         # a primitive without a VJP (argmax, shape, ...)
        return False
    return (isinstance(obj, types.FunctionType)
            and (obj.__module__ or "").startswith("autograd."))


def differentiated():
    """Sorted public names ('autograd.numpy.sin', 'autograd.scipy.stats.norm.logpdf')
    that autograd has a VJP for."""
    found = set()
    for name in _modules():
        try:
            mod = importlib.import_module(name)
        except ImportError:
            continue
        for attr, obj in vars(mod).items():
            if attr.startswith("_"):
                continue
            if _has_vjp(obj):
                found.add(f"{name}.{attr}")
    # only NumPy's and SciPy's own names: autograd's helpers (array_from_args,
    # make_diagonal) and names its stats modules import (stats.beta.psi) are not API
    return sorted(n for n in found if _in_numpy_or_scipy(n))


def _in_numpy_or_scipy(name):
    """Whether numpy.<...> / scipy.<...> has the name (stats distributions are objects
    with logpdf, cdf ... methods)."""
    parts = name.split(".")[1:]
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            if not hasattr(obj, p):
                return False
            obj = getattr(obj, p)
        return True
    return False


def counterpart(name):
    """The tapegrad object for an autograd name, or None."""
    for src, dst in _PREFIXES:
        if name == src or name.startswith(src + "."):
            parts = (dst + name[len(src):]).split(".")
            break
    else:
        return None
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for p in parts[i:]:
            obj = getattr(obj, p, None)
            if obj is None:
                return None
        return obj
    return None


def main(argv):
    only_missing = "--missing" in argv
    names = differentiated()
    missing = [n for n in names if counterpart(n) is None]
    for n in names:
        if n in missing:
            print(f"MISSING {n}")
        elif not only_missing:
            print(f"ok      {n}")
    print(f"{len(names) - len(missing)} of {len(names)} present, {len(missing)} missing",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
