"""TensorFlow's tf.config, for ported code: running tf.functions eagerly, and the devices
there are (the CPU only; TF's soft placement puts GPU work there)."""
from __future__ import annotations

from collections import namedtuple

from .function.call import functions_run_eagerly, run_functions_eagerly

PhysicalDevice = namedtuple("PhysicalDevice", ["name", "device_type"])
PhysicalDevice.__doc__ = "TF's tf.config.PhysicalDevice: a name and a device type."
_CPU = PhysicalDevice("/physical_device:CPU:0", "CPU")


def list_physical_devices(device_type: str | None = None) -> list[PhysicalDevice]:
    """TF's tf.config.list_physical_devices: the CPU; none of another type.

    Args:
        device_type: "CPU", "GPU", ... or None for all.

    Returns:
        A list of PhysicalDevice.

    >>> import tapegrad as tg
    >>> tg.config.list_physical_devices("GPU"), len(tg.config.list_physical_devices())
    ([], 1)
    """
    if device_type is not None and not isinstance(device_type, str):
        raise TypeError(f"list_physical_devices: device_type must be a string such as "
                        f"'GPU', got {device_type!r:.40}")
    return [_CPU] if device_type is None or device_type.upper() == "CPU" else []


list_logical_devices = list_physical_devices

# the names `from tapegrad.tf_config import *` gives (tests/test_all.py)
__all__ = ["run_functions_eagerly", "functions_run_eagerly", "list_physical_devices",
           "list_logical_devices", "PhysicalDevice"]
