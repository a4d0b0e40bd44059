"""save / load: checkpoints as one safetensors file, written atomically, never pickled.

Layout (the safetensors format, written here with NumPy alone): 8 bytes little-endian
header length N, N bytes of JSON header, then the raw little-endian tensor bytes. The
header maps each tensor name to {"dtype", "shape", "data_offsets"}; its "__metadata__"
(string values only) holds the structure of the saved object as JSON, under the key
"tapegrad.tree", plus a CRC32 of the data under "tapegrad.crc32" so a corrupted file is
refused instead of silently loaded. Tensor names are the dotted paths of the tensors in
the object ("model.0.weight"), so other safetensors readers see sensible names.
"""
import json
import os
import sys
import tempfile
import zlib

import numpy as np

from ._tensor import Tensor, make

_TREE_KEY = "tapegrad.tree"
_CRC_KEY = "tapegrad.crc32"
_MAX_HEADER = 100 * 1024 * 1024

_DTYPES = {             # safetensors name -> NumPy dtype (little-endian)
    "F64": "<f8", "F32": "<f4", "F16": "<f2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1",
    "BOOL": "?",
}
_NAMES = {np.dtype(v).newbyteorder("="): k for k, v in _DTYPES.items()}


class CheckpointError(ValueError):
    """A file tg.load refuses: not safetensors, truncated, corrupt, or a pickle."""


# ------------------------------------------------------------------ encoding

def _encode(obj, tensors):
    """JSON-able description of `obj`; tensors and arrays go into `tensors` by name.

    Plain dicts with string keys, lists, str, int, float, bool and None are stored as
    themselves; tuples, other dict keys and tensors get a "$"-tagged object.
    """
    names = set()
    root = [None]
    # explicit stack of (value, path, container, slot): no recursion on deep structures
    stack = [(obj, (), root, 0)]
    while stack:
        value, path, parent, slot = stack.pop()
        enc = _leaf(value, path, tensors, names)
        if enc is not _NOT_LEAF:
            parent[slot] = enc
            continue
        if isinstance(value, dict):
            plain = all(isinstance(k, str) and not k.startswith("$") for k in value)
            if plain:
                out = {k: None for k in value}
                parent[slot] = out
                # pushed in reverse so tensors are named and stored in the dict's order
                for k, v in reversed(list(value.items())):
                    stack.append((v, path + (k,), out, k))
            else:
                items = [[_key(k, path), None] for k in value]
                parent[slot] = {"$dict": items}
                for pair, (k, v) in reversed(list(zip(items, value.items()))):
                    stack.append((v, path + (str(k),), pair, 1))
        elif isinstance(value, (list, tuple)):
            out = [None] * len(value)
            parent[slot] = out if isinstance(value, list) else {"$tuple": out}
            for i in reversed(range(len(value))):
                stack.append((value[i], path + (str(i),), out, i))
        else:
            where = ".".join(map(str, path)) or "<root>"
            raise TypeError(f"save: cannot store a value of type {type(value).__name__} at "
                            f"'{where}'; only tensors, NumPy arrays, dicts, lists, tuples, "
                            "str, int, float, bool and None are saved (no pickle)")
    return root[0]


_NOT_LEAF = object()


def _leaf(value, path, tensors, names):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, np.generic):
        return value
    if isinstance(value, Tensor):
        return {"$tensor": _add(value._data, path, tensors, names)}
    if isinstance(value, np.ndarray):
        return {"$array": _add(value, path, tensors, names)}
    if isinstance(value, np.generic):
        return {"$scalar": _add(np.asarray(value), path, tensors, names)}
    return _NOT_LEAF


def _key(k, path):
    if isinstance(k, str) or k is None or isinstance(k, (bool, int, float)):
        return k
    if isinstance(k, np.integer):
        return int(k)
    where = ".".join(map(str, path)) or "<root>"
    raise TypeError(f"save: dict key {k!r} of type {type(k).__name__} at '{where}' cannot "
                    "be stored; use str, int, float, bool or None keys")


def _add(arr, path, tensors, names):
    if arr.dtype.newbyteorder("=") not in _NAMES:
        where = ".".join(map(str, path)) or "<root>"
        raise TypeError(f"save: dtype {arr.dtype} of the tensor at '{where}' is not "
                        "supported by safetensors")
    name = ".".join(map(str, path)) or "tensor"
    if name == "__metadata__" or name in names:
        base, i = name, 1
        while f"{base}#{i}" in names:
            i += 1
        name = f"{base}#{i}"
    names.add(name)
    tensors.append((name, arr))
    return name


def _decode(tree, arrays):
    root = [None]
    tuples = []                     # (parent, slot) of each tuple, in creation order
    stack = [(tree, root, 0)]
    while stack:
        node, parent, slot = stack.pop()
        if isinstance(node, list):
            out = [None] * len(node)
            parent[slot] = out
            stack.extend((v, out, i) for i, v in enumerate(node))
        elif isinstance(node, dict):
            tag, val = next(iter(node.items())) if len(node) == 1 else (None, None)
            if tag in ("$tensor", "$array", "$scalar"):
                if not isinstance(val, str) or val not in arrays:
                    raise CheckpointError(f"load: corrupt checkpoint: the structure refers "
                                          f"to a tensor {val!r} that the file does not "
                                          "contain")
                arr = arrays[val]
                parent[slot] = (make(arr) if tag == "$tensor" else
                                arr if tag == "$array" else arr[()])
            elif tag == "$tuple":
                out = [None] * len(val)
                parent[slot] = out
                tuples.append((parent, slot))
                stack.extend((v, out, i) for i, v in enumerate(val))
            elif tag == "$dict":
                out = {}
                parent[slot] = out
                for k, v in val:
                    out[k] = None
                    stack.append((v, out, k))
            else:
                out = {}
                parent[slot] = out
                for k, v in node.items():
                    out[k] = None
                    stack.append((v, out, k))
        else:
            parent[slot] = node
    # inner tuples were created after the outer ones: convert them first
    for parent, slot in reversed(tuples):
        parent[slot] = tuple(parent[slot])
    return root[0]


# ------------------------------------------------------------------ save

def save(obj, path, metadata: dict = None):
    """Write `obj` (a nested dict/list/tuple of tensors, arrays and JSON-able values) to
    one safetensors file at `path`, atomically.

    The bytes go to a temporary file in the same directory, which is flushed, synced
    and then renamed over `path`, so a crash never leaves a half-written checkpoint.
    Nothing is pickled: tensors are safetensors entries, the rest is JSON metadata.
    `metadata` adds your own string key/values to the header.

    >>> import os, tempfile, tapegrad as tg
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
    >>> tg.save({"w": tg.tensor([1.0, 2.0]), "epoch": 3}, path)
    >>> tg.load(path)
    {'w': tensor([1., 2.]), 'epoch': 3}
    """
    data = _serialize(obj, metadata)
    if hasattr(path, "write"):
        path.write(data)
        return
    path = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise FileNotFoundError(f"save: the folder {folder!r} for {path!r} does not exist; "
                                "create it first (e.g. os.makedirs(folder, exist_ok=True))")
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp",
                               dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_dir(folder)


def _umask():
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_dir(folder):
    # makes the rename itself durable; not possible everywhere (e.g. Windows)
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _serialize(obj, metadata=None) -> bytes:
    tensors = []
    tree = _encode(obj, tensors)
    header = {}
    chunks = []
    offset = 0
    crc = 0
    for name, arr in tensors:
        a = arr if arr.flags.c_contiguous else arr.copy(order="C")   # keeps 0-d as 0-d
        dt = a.dtype
        if dt.byteorder == ">" or (dt.byteorder == "=" and sys.byteorder == "big"):
            a = a.astype(dt.newbyteorder("<"))
        raw = memoryview(a).cast("B") if a.size else b""
        n = a.nbytes
        header[name] = {"dtype": _NAMES[dt.newbyteorder("=")], "shape": list(a.shape),
                        "data_offsets": [offset, offset + n]}
        crc = zlib.crc32(raw, crc)
        chunks.append(raw)
        offset += n
    meta = {_TREE_KEY: json.dumps(tree, separators=(",", ":")),
            _CRC_KEY: str(crc)}
    if metadata:
        for k, v in metadata.items():
            if not isinstance(k, str) or not isinstance(v, str):
                raise TypeError("save: metadata must map str to str")
            meta[k] = v
    head = json.dumps({"__metadata__": meta, **header}, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)         # keep the data 8-byte aligned
    return b"".join([len(head).to_bytes(8, "little"), head, *chunks])


# ------------------------------------------------------------------ load

def load(path):
    """Read a file written by `save` (or any safetensors file) and return the saved
    structure; a plain safetensors file gives a dict of name -> Tensor.

    Refuses, with CheckpointError (a ValueError), anything that is not a complete and
    intact safetensors file: pickles and torch.save zip archives are named as such and
    never unpickled; truncated or corrupt files are reported with what is wrong.
    """
    if hasattr(path, "read"):
        buf = bytearray(path.read())
        where = getattr(path, "name", "<file>")
    else:
        where = os.fspath(path)
        with open(where, "rb") as f:
            buf = bytearray(f.read())
    return _deserialize(buf, where)


def _refuse(where, why):
    raise CheckpointError(f"load: {where}: {why}")


def _deserialize(buf, where):
    size = len(buf)
    head8 = bytes(buf[:8])
    if head8[:1] == b"\x80" and size > 1 and 2 <= buf[1] <= 5:
        _refuse(where, "this is a Python pickle (e.g. from pickle.dump or an old torch.save); "
                "tg.load reads only safetensors files and never unpickles, because "
                "unpickling can run arbitrary code")
    if head8[:4] == b"PK\x03\x04":
        _refuse(where, "this is a zip archive (e.g. a torch.save checkpoint, which holds a "
                "pickle); tg.load reads only safetensors files and never unpickles. "
                "Convert it with safetensors where you trust the file")
    if size < 8:
        _refuse(where, f"file is truncated or not a safetensors file: {size} bytes, fewer "
                "than the 8-byte header length")
    n = int.from_bytes(head8, "little")
    if n > _MAX_HEADER:
        _refuse(where, f"not a safetensors file: the header length field reads {n} bytes "
                "(corrupt, or a different format)")
    if 8 + n > size:
        _refuse(where, f"file is truncated: the header needs {n} bytes but only "
                f"{size - 8} follow the length field")
    try:
        header = json.loads(bytes(buf[8:8 + n]).decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        _refuse(where, f"corrupt header (not valid JSON: {e})")
    if not isinstance(header, dict):
        _refuse(where, "corrupt header (the JSON is not an object)")
    meta = header.pop("__metadata__", None) or {}
    if not isinstance(meta, dict):
        _refuse(where, "corrupt header (__metadata__ is not an object)")
    data = memoryview(buf)[8 + n:]
    avail = len(data)
    spans = []
    for name, info in header.items():
        try:
            dtype = np.dtype(_DTYPES[info["dtype"]])
            shape = tuple(int(s) for s in info["shape"])
            begin, end = (int(x) for x in info["data_offsets"])
        except KeyError as e:
            if isinstance(info, dict) and isinstance(info.get("dtype"), str) and \
                    info["dtype"] not in _DTYPES:
                _refuse(where, f"tensor '{name}' has dtype {info['dtype']!r}, which "
                        "tapegrad cannot read")
            _refuse(where, f"corrupt header entry for '{name}' (missing {e})")
        except (TypeError, ValueError, AttributeError):
            _refuse(where, f"corrupt header entry for '{name}': {info!r}")
        if any(s < 0 for s in shape):
            _refuse(where, f"corrupt header: tensor '{name}' has shape {shape}")
        need = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if end - begin != need or begin < 0:
            _refuse(where, f"corrupt header: tensor '{name}' of shape {shape} and dtype "
                    f"{info['dtype']} needs {need} bytes but its offsets [{begin}, {end}] "
                    f"span {end - begin}")
        spans.append((begin, end, name, dtype, shape))
    spans.sort()
    expected_end = spans[-1][1] if spans else 0
    if expected_end > avail:
        _refuse(where, f"file is truncated: the tensors need {expected_end} bytes of data "
                f"but only {avail} are present")
    pos = 0
    for begin, end, name, _, _ in spans:
        if begin != pos:
            _refuse(where, f"corrupt header: tensor '{name}' starts at byte {begin}, "
                    f"expected {pos} (tensors must be contiguous and not overlap)")
        pos = end
    if pos != avail:
        _refuse(where, f"corrupt file: {avail - pos} unexpected bytes after the last tensor")
    crc = meta.get(_CRC_KEY)
    if crc is not None:
        actual = zlib.crc32(data)
        if str(actual) != crc:
            _refuse(where, "corrupt file: the tensor data does not match its checksum "
                    f"(CRC32 {actual}, expected {crc}); the file was damaged after it was "
                    "written")
    arrays = {}
    for begin, end, name, dtype, shape in spans:
        count = (end - begin) // dtype.itemsize
        arr = np.frombuffer(data, dtype=dtype, count=count, offset=begin).reshape(shape)
        if not arr.flags.aligned or dtype.byteorder == "<":     # "<" only on big-endian hosts
            arr = arr.astype(dtype.newbyteorder("="))
        arrays[name] = arr
    tree = meta.get(_TREE_KEY)
    if tree is None:
        # a safetensors file from elsewhere: name -> tensor, in file order
        return {name: make(arrays[name]) for _, _, name, _, _ in spans}
    try:
        tree = json.loads(tree)
    except ValueError as e:
        _refuse(where, f"corrupt metadata ({_TREE_KEY} is not valid JSON: {e})")
    return _decode(tree, arrays)
