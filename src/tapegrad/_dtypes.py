"""Default dtypes and conversion of user data (PyTorch/TF rules, not NumPy's)."""
import numpy as np

from ._check import _got
from .errors import BatchEscape

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int8 = np.dtype(np.int8)
int16 = np.dtype(np.int16)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
uint8 = np.dtype(np.uint8)
bool_ = np.dtype(np.bool_)
complex64 = np.dtype(np.complex64)
complex128 = np.dtype(np.complex128)

# The dtype Python floats, float factories and new layers get: float32 unless
# tg.set_default_dtype changed it. Process-wide, as torch's; read it at call time
# (default_float(), or _dtypes.DEFAULT_FLOAT), never import it by value.
DEFAULT_FLOAT = float32


def default_float():
    """The current default float dtype (tg.get_default_dtype())."""
    return DEFAULT_FLOAT


def default_complex():
    """The complex dtype of Python complex numbers: the default float's pair."""
    return complex128 if DEFAULT_FLOAT is float64 else complex64


def set_default_float(dt):
    """Make `dt` (float16, float32 or float64, already checked) the default float."""
    global DEFAULT_FLOAT
    DEFAULT_FLOAT = {2: float16, 4: float32, 8: float64}[dt.itemsize]

NUMERIC_KINDS = "biufc"
# what a non-numeric array holds, for error messages
_KIND_NAMES = {"U": "str", "S": "bytes", "O": "object", "V": "void (structured)",
               "M": "datetime64", "m": "timedelta64"}
_INT64_MIN, _INT64_END = -2 ** 63, 2 ** 63
MAX_NDIM = 64                       # NumPy's limit; also bounds the nesting we walk


def as_dtype(dtype, fn="dtype"):
    """Accept NumPy dtypes, type objects and names like "float32"; numeric dtypes only."""
    if dtype is None:
        return None
    if dtype is float:
        return DEFAULT_FLOAT
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    spec = dtype
    if isinstance(spec, str) and spec.startswith(("torch.", "tf.")):
        spec = spec.split(".", 1)[1]
    try:
        dt = np.dtype(spec)
    except (TypeError, ValueError):
        name = str(dtype)       # a torch.dtype prints as "torch.float32"
        dt = None
        if name.startswith("torch.") and not isinstance(dtype, str):
            try:
                dt = np.dtype(name[6:])
            except (TypeError, ValueError):
                pass
        if dt is None:
            raise TypeError(f"{fn}: dtype must be a NumPy dtype or a name such as "
                            f"'float32', got {_got(dtype)}") from None
    if dt.kind not in NUMERIC_KINDS:
        raise TypeError(f"{fn}: dtype must be numeric (bool, int, float or complex), got "
                        f"{_got(dtype)}, which is {_KIND_NAMES.get(dt.kind, dt.kind)}")
    return dt


def is_floating(dtype) -> bool:
    return np.issubdtype(dtype, np.floating) or np.issubdtype(dtype, np.complexfloating)


def _non_numeric(fn, data, kind):
    return TypeError(f"{fn}: data must be numbers (bool, int, float or complex), got "
                     f"{_got(data)} holding {_KIND_NAMES.get(kind, kind)} values")


def to_array(data, dtype=None, copy=True, fn="tensor", scanned=None) -> np.ndarray:
    """Convert user data to an ndarray with tapegrad's dtype rules.

    Python floats (and lists of them) become float32, Python ints int64 (an int outside
    int64 raises rather than wrap), bools bool, complex complex64; NumPy arrays and NumPy
    scalars keep their dtype. Strings, bytes, None, dicts, sets and other objects are
    refused, naming `fn` (the public function converting). `scanned` is scan()'s
    result for list data when the caller already has it.
    """
    if dtype is not None:
        dtype = as_dtype(dtype, fn)
    if isinstance(data, (np.ndarray, np.generic)):
        if type(data) is not np.ndarray and hasattr(data, "_vm"):
            # the placeholder of a tg.vmap batched tensor (from .numpy() or ._data), or
            # a view of one
            raise BatchEscape(f"vmap: {fn}() of the raw values of a batched tensor")
        if data.dtype.kind not in NUMERIC_KINDS:
            raise _non_numeric(fn, data, data.dtype.kind)
        if data.__class__ is not np.ndarray and isinstance(data, np.ma.MaskedArray):
            # np.array would silently keep the values under the mask
            raise TypeError(f"{fn}: masked arrays are not supported (the mask would be "
                            f"lost); pass arr.filled(value) or arr.compressed()")
        if dtype is None and not data.dtype.isnative:
            # '>f8' is float64, as in PyTorch (a copy, even under copy=False)
            return np.array(data, dtype=data.dtype.newbyteorder("="))
        return np.array(data, dtype=dtype, copy=copy)
    if hasattr(data, "_data") and isinstance(getattr(data, "_data"), np.ndarray):
        if hasattr(data._data, "_vm"):
            raise BatchEscape(f"vmap: {fn}() of a batched tensor")
        return np.array(data._data, dtype=dtype, copy=copy)
    cls = data.__class__
    if cls is float:
        if dtype is None:
            return np.array(data, dtype=DEFAULT_FLOAT)
        return _from_nested(data, fn, dtype)       # nan/inf into an int dtype: named
    # a float dtype given: big Python ints are fine (they round), as in NumPy
    big_ok = dtype is not None and dtype.kind in "fc"
    if cls is list or cls is tuple or isinstance(data, (list, tuple)):
        has_tensor, has_f64 = scanned or scan(data, fn, big_ok)
        arr = _from_nested(_unwrap_nested(data) if has_tensor else data, fn, dtype)
        if dtype is not None:
            return arr
        kind = arr.dtype.kind
        if kind == "f" and arr.dtype == float64:
            # float64 only when the data holds float64 NumPy values or tensors
            return arr if has_f64 else arr.astype(DEFAULT_FLOAT, copy=False)
    elif cls is int or cls is bool or cls is complex or isinstance(data, (int, float, complex)):
        if (not big_ok and cls is not bool and isinstance(data, int) and
                not _INT64_MIN <= data < _INT64_END):
            raise ValueError(f"{fn}: integer {data} does not fit in int64; pass a float "
                             f"or dtype=float64")
        arr = _from_nested(data, fn, dtype)
        if dtype is not None:
            return arr
        kind = arr.dtype.kind
    elif cls is range:
        return np.array(data, dtype=dtype or int64)
    elif hasattr(data, "__array__") or hasattr(data, "__array_interface__"):
        arr = np.array(data, copy=True)     # array-likes (other libraries) keep their dtype
        if arr.dtype.kind not in NUMERIC_KINDS:
            raise _non_numeric(fn, data, arr.dtype.kind)
        return arr if dtype is None else arr.astype(dtype)
    else:
        raise TypeError(f"{fn}: data must be a number, a (nested) list or tuple of "
                        f"numbers, an ndarray or a tensor, got {_got(data)}")
    if kind not in NUMERIC_KINDS:
        raise _non_numeric(fn, data, kind)
    if kind == "i" and arr.dtype != int64:
        return arr.astype(int64)
    if arr.dtype == complex128 and DEFAULT_FLOAT is not float64:
        return arr.astype(complex64)    # complex64 pairs with float32, as in torch
    return arr


def _from_nested(data, fn, dtype=None):
    try:
        return np.array(data, dtype=dtype)
    except OverflowError as e:   # an int too big for the dtype asked for
        raise ValueError(f"{fn}: {e} (data {_got(data)})") from None
    except ValueError as e:
        if "sequence" in str(e):        # ragged nesting
            raise ValueError(f"{fn}: nested lists must be rectangular (every row the "
                             f"same length), got {_got(data)}: {e}") from None
        # nan into an int dtype
        raise ValueError(f"{fn}: cannot convert {_got(data)} to {_target(dtype)}: "
                         f"{e}") from None
    except TypeError as e:       # complex into a real dtype
        raise TypeError(f"{fn}: cannot convert {_got(data)} to {_target(dtype)}: {e}; "
                        "take .real (or abs) first") from None


def _target(dtype):
    return "a tensor" if dtype is None else f"dtype {np.dtype(dtype)}"


def scan(data, fn="tensor", big_ok=False):
    """Walk nested lists/tuples once (no recursion): (holds a tensor, holds float64 NumPy
    values). Refuses anything but numbers, arrays and tensors inside (NumPy would make
    str or object arrays), Python ints outside int64 unless `big_ok` (NumPy would turn
    them into floats or uint64 silently), and nesting deeper than NumPy's 64 dimensions
    (a list holding itself)."""
    has_tensor = has_f64 = False
    stack = [(data, 1)]
    while stack:
        seq, depth = stack.pop()
        if depth > MAX_NDIM:
            raise ValueError(f"{fn}: data is nested more than {MAX_NDIM} deep")
        for d in seq:
            c = d.__class__
            if c is float:
                continue
            if c is int:
                if big_ok or _INT64_MIN <= d < _INT64_END:
                    continue
                raise ValueError(f"{fn}: integer {d} does not fit in int64; pass floats "
                                 f"or dtype=float64")
            if c is list or c is tuple or isinstance(d, (list, tuple)):
                stack.append((d, depth + 1))
            elif isinstance(d, (np.ndarray, np.generic)):
                if d.dtype.kind not in NUMERIC_KINDS:
                    raise _non_numeric(fn, data, d.dtype.kind)
                if d.dtype == float64:
                    has_f64 = True
            elif hasattr(d, "_data") and isinstance(getattr(d, "_data"), np.ndarray):
                has_tensor = True
                if d._data.dtype == float64:
                    has_f64 = True
            elif not isinstance(d, (int, float, complex)):
                raise TypeError(f"{fn}: data must hold only numbers, arrays or tensors, "
                                f"got {_got(d)} inside")
    return has_tensor, has_f64


def _unwrap_nested(data):
    # depth is bounded by MAX_NDIM: scan() ran first
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(d) for d in data]
    if hasattr(data, "_data") and isinstance(getattr(data, "_data"), np.ndarray):
        if hasattr(data._data, "_vm"):
            # a tg.vmap batched tensor inside a list: its array holds no values
            raise BatchEscape("vmap: a list holding a batched tensor made into an array")
        return data._data
    return data


# ------------------------------------------------------------------ devices (issue 18)
class device(str):
    """torch.device for ported code: tapegrad runs on the CPU, so only 'cpu' (or
    'cpu:0') is accepted; 'cuda', 'mps' and others raise a ValueError saying so.
    TensorFlow's 'GPU:0' / '/device:GPU:0' (and TPU) are placed on the CPU, as TF's soft
    device placement does without that device. It is
    a str ("cpu"), so it compares equal to "cpu" and passes wherever a device string
    does.

    Args:
        type: "cpu", "cpu:0", TF's "GPU:0" (the CPU), or another device tapegrad does not
            have (ValueError).
        index: the device index: None or 0.

    >>> import tapegrad as tg
    >>> d = tg.device("cpu")
    >>> d.type, d == "cpu", tg.zeros(2, device=d).device
    ('cpu', True, 'cpu')
    """

    def __new__(cls, type="cpu", index=None):
        if isinstance(type, device):
            return type
        if not isinstance(type, str):
            raise TypeError(f"device: expected a device string such as 'cpu', got "
                            f"{_got(type)}")
        # TensorFlow spells it "CPU:0", "/CPU:0" or "/device:CPU:0" (tf.device)
        spec = type.rsplit("/device:", 1)[-1].lstrip("/")
        kind, _, num = (spec.lower() if spec[:3].upper() == "CPU" else spec).partition(":")
        if kind.upper() in ("GPU", "TPU") and (num or type.startswith("/")):
            # TF's spelling: its soft device placement runs the ops on the CPU when
            # there is no such device (PyTorch's 'cuda' still raises)
            kind, num = "cpu", ""
        if kind != "cpu":
            raise ValueError(cpu_only("device", type))
        if num and not num.isdigit() or index not in (None, 0) and num == "":
            raise ValueError(f"device: invalid device {type!r} (index {index!r})")
        self = super().__new__(cls, "cpu")
        return self

    def __init__(self, type: str = "cpu", index: int | None = None) -> None:
        # __new__ did the work: this gives the class the signature its docs describe
        super().__init__()

    @property
    def type(self):
        return "cpu"

    @property
    def index(self):
        return None

    def __repr__(self):
        return "device(type='cpu')"

    # `with tf.device("CPU:0"):` / `with torch.device("cpu"):` -- everything runs there
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None


def cpu_only(fn, dev):
    """The error message for a device other than the CPU ('cuda', 'mps', ...)."""
    kind = str(dev).split(":")[0]
    what = "no CUDA device" if kind == "cuda" else f"no {kind!r} device"
    return (f"{fn}: {what}: tapegrad runs on the CPU only, got device {str(dev)!r} "
            "(tg.cuda.is_available() is False; use 'cpu')")


def check_device(value, fn):
    """The `device=` argument of factories: None or the CPU."""
    if value is None or value.__class__ is device:
        return
    if isinstance(value, (str, device)):
        try:
            device(str(value))
        except ValueError:
            raise ValueError(cpu_only(fn, str(value))) from None
        return
    # a torch.device prints as its name: torch.device('cuda', 0) gets the CUDA error
    if type(value).__name__ == "device":
        if str(value).split(":")[0] == "cpu":
            return
        raise ValueError(cpu_only(fn, str(value)))
    raise TypeError(
        f"{fn}: device must be 'cpu' (tapegrad runs on the CPU only), got {_got(value)}")
