"""TensorFlow's tf.dtypes for ported code (`tf.dtypes.int32`, `tf.dtypes.as_dtype`):
tapegrad's dtypes are NumPy's."""
import numpy as np

from ._dtypes import as_dtype as _as_dtype
from ._dtypes import (bool_, complex64, complex128, float16, float32, float64, int8, int16,
                      int32, int64, uint8)

bool = bool_  # noqa: A001 - TF's name
double = float64
half = float16
uint16, uint32, uint64 = np.dtype(np.uint16), np.dtype(np.uint32), np.dtype(np.uint64)
DType = np.dtype


def as_dtype(type_value):
    """TF's tf.dtypes.as_dtype: a dtype from a name ("float32"), a NumPy type or a dtype.

    Args:
        type_value: what to convert.

    Returns:
        The NumPy dtype.

    >>> import tapegrad as tg
    >>> tg.dtypes.as_dtype("int32") == tg.dtypes.int32
    True
    """
    return _as_dtype(type_value, "as_dtype")


# the names `from tapegrad.tf_dtypes import *` gives (tests/test_all.py)
__all__ = ["bool", "bool_", "complex64", "complex128", "float16", "float32", "float64", "int8",
           "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "double", "half",
           "DType", "as_dtype"]
