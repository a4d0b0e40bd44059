"""tg.Size: the type of `t.shape` and `t.size()`, a tuple subclass as torch.Size.

A Size IS a tuple (equal to and hashing as the plain tuple, accepted by NumPy), so
code written for NumPy shapes keeps working; it adds torch's `.numel()`.
"""
from __future__ import annotations

import operator

import numpy as np

_new = tuple.__new__


class Size(tuple):
    """The shape of a tensor, as `torch.Size`: a tuple of ints with `.numel()`.

    `t.shape` and `t.size()` return one. It compares and hashes as the plain tuple
    (`t.shape == (2, 3)`), slicing and `+`/`*` give a Size again, and it prints as
    the plain tuple, `(2, 3)` (torch prints `torch.Size([2, 3])`; tapegrad keeps the
    NumPy form that API.md's `.shape (tuple)`, error messages and tnp users read).

    Args:
        sizes: an iterable of ints (default empty: the shape of a 0-d tensor).

    Raises:
        TypeError: an item is not an int.

    >>> import tapegrad as tg
    >>> s = tg.zeros(2, 3).shape
    >>> s, s.numel(), type(s[1:]).__name__, s == (2, 3), isinstance(s, tuple)
    ((2, 3), 6, 'Size', True, True)
    """

    __slots__ = ()

    def __new__(cls, sizes=()):
        items = []
        for i, v in enumerate(sizes):
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)):
                # a 0-d integer tensor is an int here, as in torch
                try:
                    if isinstance(v, bool):
                        raise TypeError
                    v = operator.index(v)
                except TypeError:
                    raise TypeError(f"Size: takes an iterable of ints (item {i} is "
                                    f"{type(v).__name__}: {v!r:.40})") from None
            items.append(int(v))
        return _new(cls, items)

    def numel(self) -> int:
        """The number of elements a tensor of this shape has (1 for `Size([])`).

        >>> import tapegrad as tg
        >>> tg.Size([2, 3, 4]).numel()
        24
        """
        n = 1
        for v in self:
            n *= v
        return n

    # tf.TensorShape's readers, for TF code that reads `t.shape` (always fully known here)
    @property
    def rank(self) -> int:
        """The number of dimensions (tf.TensorShape.rank)."""
        return len(self)

    ndims = rank

    def as_list(self) -> list:
        """The dimensions as a list (tf.TensorShape.as_list).

        >>> import tapegrad as tg
        >>> tg.zeros(2, 3).shape.as_list(), tg.zeros(2, 3).shape.rank
        ([2, 3], 2)
        """
        return list(self)

    def num_elements(self) -> int:
        """The number of elements (tf.TensorShape.num_elements)."""
        return self.numel()

    def is_fully_defined(self) -> bool:
        """Always True: a tensor's shape is known (tf.TensorShape.is_fully_defined)."""
        return True

    def is_compatible_with(self, other) -> bool:
        """Whether `other` (a shape whose None entries match anything) can be this one
        (tf.TensorShape.is_compatible_with)."""
        dims = getattr(other, "dims", other)
        if dims is None:
            return True
        dims = tuple(dims)
        return len(dims) == len(self) and all(d is None or d == n for d, n in zip(dims, self))

    def __getitem__(self, index):
        r = tuple.__getitem__(self, index)
        return _new(Size, r) if type(index) is slice else r

    def __add__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _new(Size, tuple.__add__(self, other))

    def __radd__(self, other):
        if not isinstance(other, tuple):
            return NotImplemented
        return _new(Size, tuple.__add__(other, self))

    def __mul__(self, n):
        r = tuple.__mul__(self, n)
        return r if r is NotImplemented else _new(Size, r)

    __rmul__ = __mul__

    # repr/str: tuple's own (see the class docstring)

    def __reduce__(self):
        return (Size, (tuple(self),))


class _Sizes(dict):
    """shape tuple -> its Size, one object per distinct shape: `t.shape` is a dict
    lookup (no new tuple per read; code reads shapes in loops). Bounded, so a program
    of ever-new shapes does not grow it."""

    def __missing__(self, shape):
        if len(self) > 8192:
            self.clear()
        s = self[shape] = _new(Size, shape)
        return s


SIZES = _Sizes()


def size_of(shape: tuple) -> Size:
    """The Size of a NumPy shape tuple."""
    return SIZES[shape]
