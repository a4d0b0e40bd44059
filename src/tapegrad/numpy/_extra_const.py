"""The rest of NumPy's and jax.numpy's names that programs reach for: results that are
integers, booleans, windows, histograms or set operations (NumPy on the values: nothing
to differentiate), answers about dtypes, strings and files, conversions, and dtype
names. A value argument that requires grad is never silently cut: the on-values
functions take integer/boolean data or say so in their docstrings, and `nextafter`
keeps x1's gradient (1) as NumPy's step is a constant offset."""
from __future__ import annotations

import numpy as np

from .._tensor import Tensor
from ._convert import as_result, asarg
from ._functions import _raw, asarray
from ._jnp import _f, _numpy_valued
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any

    from .._typing import ArrayLike, DTypeLike

# name -> (its Args lines, an example, the example's output)
CONSTANT = {
    "ix_": (["*args: 1-D integer or boolean sequences."],
            "tnp.ix_([0, 1], [2])", "(tensor([[0],\n        [1]]), tensor([[2]]))"),
    "diag_indices_from": (["arr: a square array."],
                          "tnp.diag_indices_from(tnp.ones((2, 2)))",
                          "(tensor([0, 1]), tensor([0, 1]))"),
    "spacing": (["x: the values (the result is piecewise constant in x)."],
                "tnp.spacing(tnp.array([1.0]))",
                "tensor([2.2204e-16], dtype=float64)"),
    "bitwise_count": (["x: integers."], "tnp.bitwise_count(7)", "tensor(3, dtype=uint8)"),
    "bitwise_invert": (["x: integers or booleans."], "tnp.bitwise_invert(0)", "tensor(-1)"),
    "bitwise_not": (["x: integers or booleans."], "tnp.bitwise_not(True)", "tensor(False)"),
    "bitwise_left_shift": (["x1: integers.", "x2: shifts."],
                           "tnp.bitwise_left_shift(1, 3)", "tensor(8)"),
    "bitwise_right_shift": (["x1: integers.", "x2: shifts."],
                            "tnp.bitwise_right_shift(8, 3)", "tensor(1)"),
    "bartlett": (["M: the number of points."], "tnp.bartlett(3)",
                 "tensor([0., 1., 0.], dtype=float64)"),
    "blackman": (["M: the number of points."], "tnp.blackman(3)",
                 "tensor([-1.3878e-17,  1.0000e+00, -1.3878e-17], dtype=float64)"),
    "kaiser": (["M: the number of points.", "beta: the shape parameter."],
               "tnp.kaiser(3, 0.0)", "tensor([1., 1., 1.], dtype=float64)"),
    "histogram2d": (["x: first coordinates.", "y: second coordinates.",
                     "**kwargs: NumPy's (bins, range, density, weights)."],
                    "tnp.histogram2d([0.1, 0.9], [0.1, 0.9], bins=2)[0]",
                    "tensor([[1., 0.],\n        [0., 1.]], dtype=float64)"),
    "histogram_bin_edges": (["a: the data.", "**kwargs: NumPy's (bins, range, weights)."],
                            "tnp.histogram_bin_edges([0.0, 1.0], bins=2)",
                            "tensor([0.0000, 0.5000, 1.0000], dtype=float64)"),
    "mask_indices": (["n: the size.", "mask_func: e.g. tnp.triu.", "k: its offset."],
                     "tnp.mask_indices(2, np.triu)", "(tensor([0, 0, 1]), tensor([0, 1, 1]))"),
    "packbits": (["a: booleans or integers.", "**kwargs: NumPy's (axis, bitorder)."],
                 "tnp.packbits([1, 0, 1])", "tensor([160], dtype=uint8)"),
    "unpackbits": (["a: uint8 values.", "**kwargs: NumPy's (axis, count, bitorder)."],
                   "tnp.unpackbits(tnp.array([3], dtype=tnp.uint8))[-2:]",
                   "tensor([1, 1], dtype=uint8)"),
    "setxor1d": (["ar1: the first array.", "ar2: the second array.",
                  "assume_unique: NumPy's."],
                 "tnp.setxor1d([1, 2, 3], [2, 3, 4])", "tensor([1, 4])"),
}
CONSTANT_FNS = {n: _numpy_valued(n, *v) for n, v in CONSTANT.items() if hasattr(np, n)}


def _values(x):
    return _raw(asarg(x))


def nextafter(x1: ArrayLike, x2: ArrayLike, /) -> Tensor:
    """The next float after x1 towards x2, as `np.nextafter`; the gradient with respect
    to x1 is 1 (the step is a constant offset).

    Args:
        x1: the values.
        x2: the directions.

    >>> import tapegrad.numpy as tnp
    >>> tnp.nextafter(tnp.array([1.0]), 2.0) - 1.0
    tensor([2.2204e-16], dtype=float64)
    """
    a = _f(x1)
    step = np.nextafter(_raw(a), _values(x2)) - _raw(a)
    return a + step if isinstance(a, Tensor) else as_result(_raw(a) + step)


def histogramdd(sample: ArrayLike, bins: Any = 10, range: Any = None, density: Any = None,
                weights: ArrayLike | None = None) -> Any:
    """NumPy's multidimensional histogram on the values: (counts, list of bin edges),
    as tensors without gradient (counts are piecewise constant in the data).

    Args:
        sample: the points (N, D).
        bins: bin counts or edges.
        range: the outer bin edges per dimension.
        density: normalize to a density.
        weights: a weight per point.

    >>> import tapegrad.numpy as tnp
    >>> tnp.histogramdd([[0.1], [0.9]], bins=2)[0]
    tensor([1., 1.], dtype=float64)
    """
    h, edges = np.histogramdd(_values(sample), bins=bins, range=range, density=density,
                              weights=None if weights is None else _values(weights))
    return as_result(h), [as_result(e) for e in edges]


def einsum_path(subscripts: str, *operands: Any, optimize: Any = "greedy",
                einsum_call: bool = False) -> Any:
    """NumPy's contraction order for an einsum (a list and a printable report), computed
    on the operands' shapes; pass its list as `optimize=` to `tnp.einsum`.

    Args:
        subscripts: the einsum subscripts.
        *operands: the arrays (only their shapes matter).
        optimize: 'greedy', 'optimal' or an explicit path.
        einsum_call: NumPy's internal flag.

    >>> import tapegrad.numpy as tnp
    >>> tnp.einsum_path("ij,jk->ik", tnp.ones((2, 3)), tnp.ones((3, 4)))[0]
    ['einsum_path', (0, 1)]
    """
    path: Any = np.einsum_path     # its stubs take einsum_call=False only
    return path(subscripts, *[_values(o) for o in operands], optimize=optimize,
                einsum_call=einsum_call)


def array_equiv(a1: ArrayLike, a2: ArrayLike) -> bool:
    """Whether the two arrays are equal after broadcasting (a Python bool).

    Args:
        a1: the first array.
        a2: the second array.

    >>> import tapegrad.numpy as tnp
    >>> tnp.array_equiv(tnp.array([1.0, 1.0]), 1.0)
    True
    """
    return bool(np.array_equiv(_values(a1), _values(a2)))


def asarray_chkfinite(a: ArrayLike, dtype: DTypeLike = None, order: Any = None) -> Tensor:
    """`asarray`, raising ValueError if a holds inf or NaN; differentiable.

    Args:
        a: the values.
        dtype: the result's dtype.
        order: NumPy's memory order (accepted).

    >>> import tapegrad.numpy as tnp
    >>> tnp.asarray_chkfinite([1.0, 2.0])
    tensor([1., 2.], dtype=float64)
    """
    t = asarray(a, dtype=dtype)
    if t.dtype.kind in "fc" and not np.isfinite(t._data).all():
        raise ValueError("asarray_chkfinite: array must not contain infs or NaNs")
    return t


def asfortranarray(a: ArrayLike, dtype: DTypeLike = None, *, like: Any = None) -> Tensor:
    """`asarray` (memory order is not a tensor property); differentiable.

    Args:
        a: the values.
        dtype: the result's dtype.
        like: NumPy's (accepted).

    >>> import tapegrad.numpy as tnp
    >>> tnp.asfortranarray([[1.0, 2.0]]).shape
    (1, 2)
    """
    return asarray(a, dtype=dtype)


def require(a: ArrayLike, dtype: DTypeLike = None, requirements: Any = None, *,
            like: Any = None) -> Tensor:
    """`asarray` in dtype (NumPy's memory requirements hold for any tensor);
    differentiable.

    Args:
        a: the values.
        dtype: the result's dtype.
        requirements: NumPy's flags ('C', 'F', 'A', 'W', 'O', 'E'; accepted).
        like: NumPy's (accepted).

    >>> import tapegrad.numpy as tnp
    >>> tnp.require([1, 2], dtype=float)
    tensor([1., 2.], dtype=float64)
    """
    return asarray(a, dtype=dtype)


def _on_values(name, example, shown, args):
    npfn = getattr(np, name)

    def f(*a: Any, **kw: Any) -> Any:
        return npfn(*[_values(v) if isinstance(v, (Tensor, list, tuple)) else v for v in a],
                    **{k: _raw(v) for k, v in kw.items()})
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"NumPy's `np.{name}` on the values (its result is not an array: a "
                 f"string, a flag, a dtype or an iterator).\n\nArgs:\n"
                 + "".join(f"    {line}\n" for line in args)
                 + f"\n>>> import tapegrad.numpy as tnp\n>>> {example}\n{shown}\n")
    return f


QUERIES = {
    "isdtype": ("tnp.isdtype(tnp.float64, 'real floating')", "True",
                ["dtype: a dtype.", "kind: a kind name, dtype or tuple of them."]),
    "issubdtype": ("tnp.issubdtype(tnp.float32, tnp.floating)", "True",
                   ["arg1: a dtype.", "arg2: a dtype or abstract type."]),
    "iterable": ("tnp.iterable([1, 2])", "True", ["y: any object."]),
    "common_type": ("tnp.common_type(tnp.array([1.0]))", "<class 'numpy.float64'>",
                    ["*arrays: the arrays."]),
    "mintypecode": ("tnp.mintypecode('fd')", "'d'", ["typechars: type codes.",
                                                     "typeset: NumPy's.", "default: NumPy's."]),
    "array_repr": ("tnp.array_repr(tnp.array([1.0]))", "'array([1.])'",
                   ["arr: the array.", "**kwargs: NumPy's formatting options."]),
    "array_str": ("tnp.array_str(tnp.array([1.0]))", "'[1.]'",
                  ["a: the array.", "**kwargs: NumPy's formatting options."]),
    "array2string": ("tnp.array2string(tnp.array([1.0, 2.0]))", "'[1. 2.]'",
                     ["a: the array.", "**kwargs: NumPy's formatting options."]),
    "base_repr": ("tnp.base_repr(5, 2)", "'101'", ["number: an int.", "base: the base.",
                                                  "padding: zeros in front."]),
    "binary_repr": ("tnp.binary_repr(5)", "'101'", ["num: an int.", "width: the width."]),
    "ndindex": ("list(tnp.ndindex(2, 1))", "[(0, 0), (1, 0)]", ["*shape: the shape."]),
    "ndenumerate": ("[i for i, _ in tnp.ndenumerate(tnp.zeros(2))]", "[(0,), (1,)]",
                    ["arr: the array."]),
    "typename": ("tnp.typename('d')", "'double precision'", ["char: a type code."]),
    "may_share_memory": ("tnp.may_share_memory(tnp.zeros(2), tnp.zeros(2))", "False",
                         ["a: an array.", "b: an array.", "max_work: NumPy's."]),
    "shares_memory": ("tnp.shares_memory(tnp.zeros(2), tnp.zeros(2))", "False",
                      ["a: an array.", "b: an array.", "max_work: NumPy's."]),
    "get_printoptions": ("tnp.get_printoptions()['precision']", "8", []),
    "printoptions": ("with tnp.printoptions(precision=2): pass", "", ["**kwargs: NumPy's."]),
    "save": ("tnp.save is not None", "True", ["file: a path or file.", "arr: the values.",
                                              "**kwargs: NumPy's."]),
    "savez": ("tnp.savez is not None", "True", ["file: a path or file.",
                                                "*args: arrays.", "**kwds: named arrays."]),
    "savez_compressed": ("tnp.savez_compressed is not None", "True",
                         ["file: a path or file.", "*args: arrays.", "**kwds: named arrays."]),
    "savetxt": ("tnp.savetxt is not None", "True", ["fname: a path or file.",
                                                    "X: the values.", "**kwargs: NumPy's."]),
}
QUERY_FNS = {n: _on_values(n, *v) for n, v in QUERIES.items() if hasattr(np, n)}


def _loader(name, example, shown, args):
    npfn = getattr(np, name)

    def f(*a: Any, **kw: Any) -> Any:
        return as_result(npfn(*a, **kw))
    f.__name__ = f.__qualname__ = name
    f.__doc__ = (f"NumPy's `np.{name}`, its array returned as a tensor (a constant: it "
                 f"comes from data, not from other tensors).\n\nArgs:\n"
                 + "".join(f"    {line}\n" for line in args)
                 + f"\n>>> import tapegrad.numpy as tnp\n>>> {example}\n{shown}\n")
    return f


LOADERS = {
    "fromiter": ("tnp.fromiter(range(3), dtype=float)", "tensor([0., 1., 2.], dtype=float64)",
                 ["iter: an iterable.", "dtype: the dtype.", "count: how many to read."]),
    "frombuffer": ("tnp.frombuffer(bytes(8), dtype=tnp.float64)",
                   "tensor([0.], dtype=float64)", ["buffer: bytes.", "dtype: the dtype.",
                                                   "**kwargs: NumPy's (count, offset)."]),
    "fromstring": ("tnp.fromstring('1 2', sep=' ')", "tensor([1., 2.], dtype=float64)",
                   ["string: the text.", "**kwargs: NumPy's (dtype, count, sep)."]),
    "loadtxt": ("tnp.loadtxt(['1 2'])", "tensor([1., 2.], dtype=float64)",
                ["fname: a path, file or lines.", "**kwargs: NumPy's."]),
    "genfromtxt": ("tnp.genfromtxt(['1 2'])", "tensor([1., 2.], dtype=float64)",
                   ["fname: a path, file or lines.", "**kwargs: NumPy's."]),
    "fromfile": ("tnp.fromfile is not None", "True", ["file: a path or file.",
                                                      "**kwargs: NumPy's (dtype, count, sep)."]),
    "from_dlpack": ("tnp.from_dlpack(np.arange(2.0))", "tensor([0., 1.], dtype=float64)",
                    ["x: an object with __dlpack__ (a NumPy array, a torch tensor, ...).",
                     "**kwargs: NumPy's (device, copy)."]),
    "load": ("tnp.load is not None", "True", ["file: a path or file.",
                                              "**kwargs: NumPy's."]),
}
LOADER_FNS = {n: _loader(n, *v) for n, v in LOADERS.items() if hasattr(np, n)}

# NumPy's dtype names and the scalar-type hierarchy (jax.numpy's float_/complex_ are
# float64/complex128 when x64 is on, as here)
DTYPES = {
    "bool": np.bool_, "int_": np.int_, "intc": np.intc, "uint": np.uint, "uintc": np.uintc,
    "uintp": np.uintp, "byte": np.byte, "ubyte": np.ubyte, "short": np.short,
    "ushort": np.ushort, "long": np.int_, "ulong": np.uint, "longlong": np.longlong,
    "ulonglong": np.ulonglong, "half": np.half, "cdouble": np.cdouble, "csingle": np.csingle,
    "clongdouble": np.clongdouble, "float_": np.float64, "complex_": np.complex128,
    "complexfloating": np.complexfloating, "signedinteger": np.signedinteger,
    "unsignedinteger": np.unsignedinteger, "character": np.character,
    "flexible": np.flexible, "object_": np.object_, "bytes_": np.bytes_, "str_": np.str_,
    "void": np.void, "ufunc": np.ufunc, "ComplexWarning": np.exceptions.ComplexWarning,
}

NAMES: list[str] = ["histogramdd", "nextafter", "einsum_path", "array_equiv", "asarray_chkfinite", "asfortranarray",
         "require"]
