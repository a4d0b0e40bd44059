"""How tensors print: tg.set_printoptions and the values part of a tensor's repr.
Bottom layer: imports nothing of tapegrad."""
from __future__ import annotations

import sys

import numpy as np

from . import _dtypes

# tg.set_printoptions; None leaves NumPy's own setting (the repr as it always was)
_PRINT = {"precision": 4, "threshold": None, "edgeitems": None, "linewidth": None,
          "sci_mode": None}
_PROFILES = {"default": (4, 1000, 3, 80), "short": (2, 1000, 2, 80),
             "full": (4, float("inf"), 3, 80)}


def set_printoptions(precision: int | None = None, threshold: float | None = None,
                     edgeitems: int | None = None, linewidth: int | None = None,
                     profile: str | None = None, sci_mode: bool | None = None) -> None:
    """How tensors print, as torch.set_printoptions: `profile` ('default', 'short',
    'full') sets precision, threshold, edgeitems and linewidth, then the other arguments
    given override it; sci_mode True/False forces/forbids scientific notation (None:
    automatic). Arguments left None keep their current value.

    Args:
        precision: digits after the decimal point.
        threshold: the number of elements above which a tensor is summarised.
        edgeitems: the items shown at each end of a summarised axis.
        linewidth: characters per line before wrapping.
        profile: "default", "short" or "full", applied before the other arguments.
        sci_mode: True to force scientific notation, False to forbid it, None: automatic.

    >>> tg.set_printoptions(precision=2)
    >>> tg.tensor([1.23456])
    tensor([1.23])
    >>> tg.set_printoptions(profile="default")
    """
    if profile is not None:
        if profile not in _PROFILES:
            raise ValueError(f"set_printoptions: profile must be one of {sorted(_PROFILES)}, "
                             f"got {profile!r}")
        for k, v in zip(("precision", "threshold", "edgeitems", "linewidth"),
                        _PROFILES[profile]):
            _PRINT[k] = v
    for k, v in (("precision", precision), ("edgeitems", edgeitems),
                 ("linewidth", linewidth)):
        if v is not None:
            if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
                raise TypeError(f"set_printoptions: {k} must be a non-negative int, got "
                                f"{v!r}")
            _PRINT[k] = int(v)
    if threshold is not None:
        if isinstance(threshold, bool) or not isinstance(threshold, (int, float,
                                                                     np.integer)):
            raise TypeError(f"set_printoptions: threshold must be a number, got "
                            f"{threshold!r}")
        _PRINT["threshold"] = threshold
    if sci_mode is not None and not isinstance(sci_mode, bool):
        raise TypeError(f"set_printoptions: sci_mode must be True, False or None, got "
                        f"{sci_mode!r}")
    _PRINT["sci_mode"] = sci_mode


def _print_kwargs():
    kw = {} if _PRINT["edgeitems"] is None else {"edgeitems": _PRINT["edgeitems"]}
    if _PRINT["linewidth"] is not None:
        kw["max_line_width"] = _PRINT["linewidth"]
    th = _PRINT["threshold"]
    if th is not None:
        kw["threshold"] = sys.maxsize if th == float("inf") else int(th)
    return kw


def array_text(arr, prefix):
    """The values of a tensor's repr, under the print options."""
    kw = _print_kwargs()
    # PyTorch puts floor((linewidth - indent) / (width + 2)) values on a row (linewidth
    # 80); NumPy narrows each nested level by one more column, so it needs ndim - 1 more
    kw["max_line_width"] = kw.get("max_line_width", 80) + max(arr.ndim, 1) - 1
    if arr.dtype.kind != "f":
        return np.array2string(arr, separator=", ", prefix=prefix, **kw)
    finite = arr[np.isfinite(arr)]
    integral = finite.size == 0 or bool(np.all(finite == np.round(finite)))
    p, sci = _PRINT["precision"], _PRINT["sci_mode"]
    if sci is not None:
        kw["formatter"] = {"float_kind": _forced_format(finite, p, sci, integral)}
    # as PyTorch: "1., 2." for whole numbers, else four decimals ("0.0770")
    text = np.array2string(arr, separator=", ", prefix=prefix, precision=p,
                           floatmode="maxprec_equal" if integral else "fixed", **kw)
    if integral and sci is None and "e" in text:
        # whole numbers too far apart print in scientific notation with `precision`
        # digits, as PyTorch ("1.9990e+03"), not trimmed to the fewest that tell them apart
        text = np.array2string(arr, separator=", ", prefix=prefix, precision=p,
                               floatmode="fixed", **kw)
    return text


def _forced_format(finite, p, sci, integral):
    """One element's text under sci_mode True/False, padded to one width, as PyTorch:
    whole numbers without scientific notation print as "12.", others with p digits."""
    if sci:
        fmt = f"{{:.{p}e}}".format
    elif integral:
        fmt = "{:.0f}.".format
    else:
        fmt = f"{{:.{p}f}}".format
    # the widest text is that of the largest or of the most negative value
    width = max([len(fmt(v)) for v in (finite.max(), finite.min())] if finite.size else [3])
    return lambda v: (fmt(v) if np.isfinite(v) else str(v)).rjust(width)


def empty_suffixes(arr):
    """What an empty tensor's repr adds after its "[]", as PyTorch: the shape unless it is
    (0,), and the dtype unless it is the default float (nothing in "[]" tells either)."""
    out = [] if arr.ndim == 1 else [f"size={arr.shape}"]
    if arr.dtype != _dtypes.DEFAULT_FLOAT:
        out.append(f"dtype={arr.dtype}")
    return out
