"""Default dtypes and conversion of user data (PyTorch/TF rules, not NumPy's)."""
import numpy as np

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

DEFAULT_FLOAT = float32


def as_dtype(dtype):
    """Accept NumPy dtypes, type objects and names like "float32"."""
    if dtype is None:
        return None
    if dtype is float:
        return DEFAULT_FLOAT
    if dtype is int:
        return int64
    if dtype is bool:
        return bool_
    if isinstance(dtype, str) and dtype.startswith(("torch.", "tf.")):
        dtype = dtype.split(".", 1)[1]
    return np.dtype(dtype)


def is_floating(dtype) -> bool:
    return np.issubdtype(dtype, np.floating) or np.issubdtype(dtype, np.complexfloating)


def to_array(data, dtype=None, copy=True) -> np.ndarray:
    """Convert user data to an ndarray with tapegrad's dtype rules.

    Python floats (and lists of them) become float32, Python ints int64, bools bool;
    NumPy arrays and NumPy scalars keep their dtype.
    """
    dtype = as_dtype(dtype)
    if isinstance(data, np.ndarray) or isinstance(data, np.generic):
        arr = np.array(data, dtype=dtype, copy=copy)
        return arr
    if hasattr(data, "_data") and isinstance(getattr(data, "_data"), np.ndarray):
        return np.array(data._data, dtype=dtype, copy=copy)
    if dtype is not None:
        return np.array(data, dtype=dtype)
    arr = np.array(_unwrap_nested(data))
    if arr.dtype == np.float64 and not _has_numpy_float64(data):
        arr = arr.astype(DEFAULT_FLOAT)
    elif arr.dtype.kind == "i" and arr.dtype != int64:
        arr = arr.astype(int64)
    elif arr.dtype == np.complex128:
        arr = arr.astype(complex64)
    elif arr.dtype == object:
        raise TypeError(f"tensor: cannot convert data of type {type(data).__name__} "
                        f"to a numeric array")
    return arr


def _unwrap_nested(data):
    if isinstance(data, (list, tuple)):
        return [_unwrap_nested(d) for d in data]
    if hasattr(data, "_data") and isinstance(getattr(data, "_data"), np.ndarray):
        return data._data
    return data


def _has_numpy_float64(data) -> bool:
    """True when nested data holds float64 NumPy values (those keep float64)."""
    stack = [data]
    while stack:
        d = stack.pop()
        if isinstance(d, (list, tuple)):
            stack.extend(d)
        elif isinstance(d, (np.ndarray, np.generic)) and d.dtype == np.float64:
            return True
        elif hasattr(d, "_data") and isinstance(getattr(d, "_data"), np.ndarray):
            if d._data.dtype == np.float64:
                return True
    return False
