"""save / load: checkpoints as one safetensors file, written atomically, never pickled.

Layout (the safetensors format, written here with NumPy alone): 8 bytes little-endian
header length N, N bytes of JSON header (padded with spaces to a multiple of 8), then the
raw little-endian tensor bytes. The header maps each tensor name to {"dtype", "shape",
"data_offsets"}; its "__metadata__" (string values only) holds the structure of the saved
object as JSON under "tapegrad.tree", and a checksum under "tapegrad.checksum".

Integrity: the checksum is a CRC32 of the whole file (length field, header, padding and
data) computed with its own 8 hex digits read as "00000000". tapegrad writes it first in
the header, at a fixed byte offset, so a reader finds it before trusting anything else.
Files written by other safetensors writers have no checksum: their structure is checked
(dtypes, shapes, offsets, no gaps, overlaps or trailing bytes) but changed values cannot
be detected. Files from tapegrad before the header was covered ("tapegrad.crc32") load
with their data-only check.
"""
from __future__ import annotations

import errno
import hashlib
import io
import json
import math
import os
import re
import stat
import sys
import time
import zlib
from collections import OrderedDict

import numpy as np

from ._size import Size
from ._tensor import Tensor, make
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from typing import Any, BinaryIO

try:                                    # flock marks a temporary file as being written
    import fcntl
except ImportError:                     # Windows: stale temporaries are kept
    fcntl = None

_TREE_KEY = "tapegrad.tree"
_SUM_KEY = "tapegrad.checksum"
_OLD_CRC_KEY = "tapegrad.crc32"         # data-only CRC of files from earlier versions
_PREFIX = b'{"__metadata__":{"tapegrad.checksum":"crc32:'
_SUM_END = len(_PREFIX) + 8             # the 8 hex digits sit right after the prefix
_BLANK = b"00000000"
_MAX_HEADER = 100 * 1024 * 1024         # as the safetensors package
_MAX_DEPTH = 128                        # containers nested in a saved object
_MAX_NDIM = 64                          # NumPy's limit
_MAX_ELEMENTS = 2 ** 62
_MAX_INT_BITS = 14000                   # below Python's 4300-digit int/str limit

_DTYPES = {             # safetensors name -> NumPy dtype (little-endian)
    "F64": "<f8", "F32": "<f4", "F16": "<f2",
    "I64": "<i8", "I32": "<i4", "I16": "<i2", "I8": "i1",
    "U64": "<u8", "U32": "<u4", "U16": "<u2", "U8": "u1",
    "BOOL": "?",
}
_NAMES = {np.dtype(v).newbyteorder("="): k for k, v in _DTYPES.items()}


class CheckpointError(ValueError):
    """A file tg.load refuses: not safetensors, truncated, corrupt, or a pickle.

    >>> import io
    >>> import tapegrad as tg
    >>> try:
    ...     tg.load(io.BytesIO(b"not a checkpoint"))
    ... except tg.io.CheckpointError as e:
    ...     print("not a safetensors file" in str(e), isinstance(e, ValueError))
    True True
    """


def _short(value, limit=60):
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _where(path):
    return ".".join(map(str, path)) or "<root>"


def _fspath(fn, path):
    try:
        p = os.fspath(path)
    except TypeError:
        raise TypeError(f"{fn}: path must be a str, bytes or os.PathLike path or a binary "
                        f"file object, got {_short(path)} ({type(path).__name__})") from None
    if isinstance(p, bytes):
        p = os.fsdecode(p)
    if not p or "\0" in p:
        raise ValueError(f"{fn}: path must be a non-empty file name without NUL bytes, "
                         f"got {p!r}")
    return p


# ------------------------------------------------------------------ encoding

_DICTS = (dict, OrderedDict)


def _encode(obj, tensors):
    """JSON-able description of `obj`; tensors and arrays go into `tensors` by name.

    Plain dicts with string keys, lists, str, int, float, bool and None are stored as
    themselves; tuples, other dict keys and tensors get a "$"-tagged object. Only types
    that come back as they went in are accepted (an OrderedDict comes back a dict).
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
        kind = type(value)
        if kind is Size:
            kind = tuple                # t.shape: stored (and loaded) as the plain tuple
        if kind in _DICTS or kind is list or kind is tuple:
            if len(path) >= _MAX_DEPTH:
                raise ValueError(f"save: the object is nested more than {_MAX_DEPTH} levels "
                                 f"deep at '{_where(path[:8])}...' (does it contain itself?)")
        if kind in _DICTS:
            plain = all(type(k) is str and not k.startswith("$") for k in value)
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
        elif kind is list or kind is tuple:
            out = [None] * len(value)
            parent[slot] = out if kind is list else {"$tuple": out}
            for i in reversed(range(len(value))):
                stack.append((value[i], path + (str(i),), out, i))
        else:
            hint = ""
            if isinstance(value, tuple):
                hint = " (a tuple subclass such as a namedtuple would come back a plain " \
                       "tuple: convert it with tuple(...) or ._asdict())"
            elif callable(getattr(value, "state_dict", None)):
                hint = " (save its state_dict() instead)"
            elif isinstance(value, (dict, list, str, int, float)):
                hint = " (a subclass of dict, list, str, int or float would come back as " \
                       "its base type: convert it first)"
            raise TypeError(f"save: cannot store a value of type {type(value).__name__} at "
                            f"'{_where(path)}'{hint}; only tensors, NumPy arrays, dicts, "
                            "lists, tuples, str, int, float, bool and None are saved "
                            "(no pickle)")
    return root[0]


_NOT_LEAF = object()


def _leaf(value, path, tensors, names):
    kind = type(value)
    if value is None or kind is bool or kind is str or kind is float:
        return value
    if kind is int:
        if value.bit_length() > _MAX_INT_BITS:
            raise ValueError(f"save: the int at '{_where(path)}' has {value.bit_length()} "
                             f"bits; at most {_MAX_INT_BITS} are stored (JSON metadata)")
        return value
    if isinstance(value, Tensor):               # values only: requires_grad is not saved
        return {"$tensor": _add(value._data, path, tensors, names)}
    if kind is np.ndarray or kind is np.memmap:
        return {"$array": _add(value, path, tensors, names)}
    if isinstance(value, np.generic) and not isinstance(value, (np.str_, np.bytes_)):
        return {"$scalar": _add(np.asarray(value), path, tensors, names)}
    return _NOT_LEAF


def _key(k, path):
    if k is None or type(k) in (str, int, float, bool):
        if type(k) is int and k.bit_length() > _MAX_INT_BITS:
            raise ValueError(f"save: an int dict key at '{_where(path)}' is too large")
        return k
    raise TypeError(f"save: dict key {_short(k)} of type {type(k).__name__} at "
                    f"'{_where(path)}' cannot be stored (it would not come back the same); "
                    "use str, int, float, bool or None keys")


def _add(arr, path, tensors, names):
    if arr.dtype.newbyteorder("=") not in _NAMES:
        raise TypeError(f"save: dtype {arr.dtype} of the tensor at '{_where(path)}' is not "
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


_TOO_DEEP = f"corrupt structure: nested more than {_MAX_DEPTH} levels deep"


def _decode(tree, arrays, refuse):
    """The saved object from its JSON description; refuses anything save never writes."""
    used = set()
    root = [None]
    tuples = []                     # (parent, slot) of each tuple, in creation order
    stack = [(tree, root, 0, 0)]
    while stack:
        node, parent, slot, depth = stack.pop()
        kind = type(node)
        if kind is list:
            if depth >= _MAX_DEPTH:
                refuse(_TOO_DEEP)
            out = [None] * len(node)
            parent[slot] = out
            stack.extend((v, out, i, depth + 1) for i, v in enumerate(node))
        elif kind is dict:
            tag = next(iter(node)) if len(node) == 1 else None
            if tag is None or not tag.startswith("$"):
                if any(k.startswith("$") for k in node):
                    refuse("corrupt structure: a dict mixes tags and keys: "
                           f"{_short(list(node))}")
                if depth >= _MAX_DEPTH:
                    refuse(_TOO_DEEP)
                out = {}
                parent[slot] = out
                for k, v in node.items():
                    out[k] = None
                    stack.append((v, out, k, depth + 1))
                continue
            val = node[tag]
            if tag in ("$tensor", "$array", "$scalar"):
                if type(val) is not str or val not in arrays:
                    refuse(f"corrupt structure: it refers to a tensor {_short(val)} that the "
                           "file does not contain")
                if val in used:     # two entries would share memory
                    refuse(f"corrupt structure: it uses the tensor {val!r} twice")
                used.add(val)
                arr = arrays[val]
                if tag == "$tensor":
                    parent[slot] = make(arr)
                elif tag == "$array":
                    parent[slot] = arr
                elif arr.ndim == 0:
                    parent[slot] = arr[()]
                else:
                    refuse(f"corrupt structure: the scalar {val!r} has shape {arr.shape}")
            elif tag in ("$tuple", "$dict") and depth >= _MAX_DEPTH:
                refuse(_TOO_DEEP)
            elif tag == "$tuple" and type(val) is list:
                out = [None] * len(val)
                parent[slot] = out
                tuples.append((parent, slot))
                stack.extend((v, out, i, depth + 1) for i, v in enumerate(val))
            elif tag == "$dict" and type(val) is list:
                out = {}
                parent[slot] = out
                for pair in val:
                    if type(pair) is not list or len(pair) != 2 or not (
                            pair[0] is None or type(pair[0]) in (str, int, float, bool)):
                        refuse(f"corrupt structure: a $dict item is {_short(pair)}, not a "
                               "[key, value] pair with a str, int, float, bool or None key")
                    k, v = pair
                    if k in out:
                        refuse(f"corrupt structure: a dict has the key {_short(k)} twice")
                    out[k] = None
                    stack.append((v, out, k, depth + 1))
            else:
                refuse(f"corrupt structure: unknown tag {_short(tag)} with {_short(val)}")
        elif node is None or kind is str or kind is int or kind is float or kind is bool:
            parent[slot] = node
        else:                                               # not reachable from JSON
            refuse(f"corrupt structure: a value {_short(node)}")
    unused = [name for name in arrays if name not in used]
    if unused:
        refuse(f"corrupt structure: the file holds tensor {unused[0]!r}, which the structure "
               "does not use")
    # inner tuples were created after the outer ones: convert them first
    for parent, slot in reversed(tuples):
        parent[slot] = tuple(parent[slot])
    return root[0]


# ------------------------------------------------------------------ save

def save(obj: Any, path: str | os.PathLike[str] | BinaryIO,
         metadata: dict[str, Any] | None = None) -> None:
    """Write `obj` (a nested dict/list/tuple of tensors, arrays and JSON-able values) to
    one safetensors file at `path`, atomically.

    The bytes go to a temporary file in the same directory, which is flushed, synced
    and then renamed over `path`, so a crash never leaves a half-written checkpoint and
    a failed save leaves an existing file untouched. Temporaries left by a killed save
    of the same path are removed by the next one. Nothing is pickled: tensors are
    safetensors entries (their values: requires_grad is not stored, and a tensor that
    appears twice is stored twice), the rest is JSON metadata. A checksum covers the
    whole file. `metadata` adds your own string key/values to the header (keys starting
    with "tapegrad." are reserved).

    Args:
        obj: a tensor, array, or nested dict/list/tuple of them and JSON-able values.
        path: the file to write (a str or path-like).
        metadata: extra string key/values for the header.

    Raises:
        TypeError: obj holds a value that is neither a tensor, an array nor
            JSON-able, or metadata is not a dict of strings.
        OSError: the file cannot be written.

    >>> import os, tempfile, tapegrad as tg
    >>> path = os.path.join(tempfile.mkdtemp(), "ckpt.safetensors")
    >>> tg.save({"w": tg.tensor([1.0, 2.0]), "epoch": 3}, path)
    >>> tg.load(path)
    {'w': tensor([1., 2.]), 'epoch': 3}
    """
    is_file = hasattr(path, "write") and not isinstance(path, (str, bytes, os.PathLike))
    if is_file and isinstance(path, io.TextIOBase):
        raise TypeError("save: the file object must be opened in binary mode ('wb')")
    if not is_file:
        path = _fspath("save", path)
        if path.endswith(os.sep) or (os.altsep and path.endswith(os.altsep)):
            raise IsADirectoryError(f"save: {path!r} names a directory; give a file path "
                                    "such as 'folder/ckpt.safetensors'")
    meta = _user_metadata(metadata)
    if not is_file:
        folder = os.path.dirname(os.path.abspath(path))
        if os.path.exists(folder) and not os.path.isdir(folder):
            raise NotADirectoryError(f"save: {folder!r} in {path!r} is a file, not a folder")
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"save: the folder {folder!r} for {path!r} does not "
                                    "exist; create it first (e.g. os.makedirs(folder, "
                                    "exist_ok=True))")
        if os.path.isdir(path):
            raise IsADirectoryError(f"save: {path!r} is a directory; give a file path such "
                                    f"as {os.path.join(path, 'ckpt.safetensors')!r}")
    head, chunks = _serialize(obj, meta)
    if is_file:
        path.write(head)
        for chunk in chunks:
            path.write(chunk)
        return
    base = _temp_base(os.path.basename(path))
    _remove_stale(folder, base)
    tmp = os.path.join(folder, f".{base}.tg{os.getpid()}.{os.urandom(8).hex()}.tmp")
    # 0o666 under the umask: the normal permissions of a new file
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0) |
                 getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX)      # held until the rename: a live write
            try:        # a file saved over keeps its permissions (a 0600 one stays private)
                os.fchmod(fd, stat.S_IMODE(os.stat(path).st_mode))
            except (OSError, AttributeError):       # no old file, or no fchmod (Windows)
                pass
            f.write(head)
            for chunk in chunks:
                f.write(chunk)
            f.flush()
            os.fsync(f.fileno())
            if fcntl is not None:
                os.replace(tmp, path)
        if fcntl is None:                           # Windows cannot rename an open file
            os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _sync_dir(folder)


def _user_metadata(metadata):
    if metadata is None:
        return {}
    if not isinstance(metadata, dict):
        raise TypeError(f"save: metadata must be a dict of str to str, got "
                        f"{type(metadata).__name__}")
    for k, v in metadata.items():
        if type(k) is not str or type(v) is not str:
            raise TypeError(f"save: metadata must map str to str, got {_short(k)}: "
                            f"{_short(v)}")
        if k.startswith("tapegrad."):
            raise ValueError(f"save: metadata key {k!r} is reserved (keys starting with "
                             "'tapegrad.' hold the structure and the checksum)")
    return dict(metadata)


def _temp_base(name):
    # a long name plus the temporary's suffix could exceed the file system's 255 bytes
    if len(os.fsencode(name)) <= 200:
        return name
    return name[:60] + "~" + hashlib.sha256(os.fsencode(name)).hexdigest()[:16]


def _pid_alive(pid):
    if os.name == "nt":
        return True                 # os.kill(pid, 0) is not a probe there
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True                 # exists but belongs to someone else
    return True


def _remove_stale(folder, base):
    """Delete temporaries of `base` left by saves that were killed mid-write.

    Ours only: the name holds the target and the writer's pid; a writer holds an
    exclusive flock on it until the rename, so a file is stale only if the lock is free
    and its pid is gone (or the file is old, for a reused pid).
    """
    if fcntl is None:
        return
    pattern = re.compile(re.escape(f".{base}.tg") + r"(\d+)\.[0-9a-f]{16}\.tmp")
    start = f".{base}.tg"
    try:
        entries = [e.name for e in os.scandir(folder) if e.name.startswith(start)]
    except OSError:
        return
    for name in entries:
        m = pattern.fullmatch(name)
        if m is None:
            continue
        full = os.path.join(folder, name)
        try:
            fd = os.open(full, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) |
                         getattr(os, "O_CLOEXEC", 0))
        except OSError:
            continue
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                continue
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                continue                            # a live save is writing it
            if _pid_alive(int(m.group(1))) and time.time() - st.st_mtime < 3600:
                continue
            now = os.lstat(full)
            if (now.st_dev, now.st_ino) == (st.st_dev, st.st_ino):
                os.unlink(full)
        except OSError:
            pass
        finally:
            os.close(fd)


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


def _serialize(obj, user_meta):
    """(header bytes, data chunks) of the file; the header carries the file's CRC32."""
    tensors = []
    tree = _encode(obj, tensors)
    header = {}
    chunks = []
    offset = 0
    for name, arr in tensors:
        a = arr if arr.flags.c_contiguous else arr.copy(order="C")   # keeps 0-d as 0-d
        dt = a.dtype
        if dt.byteorder == ">" or (dt.byteorder == "=" and sys.byteorder == "big"):
            a = a.astype(dt.newbyteorder("<"))
        n = a.nbytes
        header[name] = {"dtype": _NAMES[dt.newbyteorder("=")], "shape": list(a.shape),
                        "data_offsets": [offset, offset + n]}
        if n:
            chunks.append(memoryview(a).cast("B"))
        offset += n
    meta = {_SUM_KEY: "crc32:" + _BLANK.decode(),
            _TREE_KEY: json.dumps(tree, separators=(",", ":")), **user_meta}
    head = json.dumps({"__metadata__": meta, **header}, separators=(",", ":")).encode()
    head += b" " * (-len(head) % 8)         # keep the data 8-byte aligned
    head = len(head).to_bytes(8, "little") + head
    assert head[8:8 + len(_PREFIX)] == _PREFIX
    crc = zlib.crc32(head)
    for chunk in chunks:
        crc = zlib.crc32(chunk, crc)
    at = 8 + len(_PREFIX)
    head = head[:at] + b"%08x" % crc + head[at + 8:]
    return head, chunks


# ------------------------------------------------------------------ load

def load(path: str | os.PathLike[str] | BinaryIO, map_location: Any = None,
         weights_only: bool | None = None) -> Any:
    """Read a file written by `save` (or any safetensors file) and return the saved
    structure; a plain safetensors file gives a dict of name -> Tensor.

    Refuses, with CheckpointError (a ValueError), anything that is not a complete and
    intact safetensors file: pickles and torch.save zip archives are named as such and
    never unpickled; truncated, corrupt or malformed files, and non-regular files (FIFOs,
    devices, directories), are reported with what is wrong. tapegrad's checksum covers the
    whole file; files from other writers have none, so only their structure is checked.
    Every loaded array owns its memory, is writeable and shares it with nothing else.

    Args:
        path: the file to read (a str or path-like).
        map_location: torch.load's; None, "cpu" or a tg.device("cpu") (tapegrad
            loads onto the CPU).
        weights_only: torch.load's; accepted either way: tapegrad's files hold only
            tensors and JSON values, never pickled objects.

    Returns:
        The saved structure (tensors as Tensors, other values as saved).

    Raises:
        CheckpointError: the file is not a complete, intact safetensors file.
        OSError: the file cannot be read.

    >>> import os, tempfile
    >>> import tapegrad as tg
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "w.safetensors")
    ...     tg.save({"w": tg.tensor([1.0, 2.0]), "step": 3}, path)
    ...     back = tg.load(path)
    >>> back["w"], back["step"]
    (tensor([1., 2.]), 3)
    """
    if map_location is not None and str(map_location) != "cpu":
        raise ValueError(f"load: tapegrad loads onto the CPU only, got map_location "
                         f"{map_location!r}")
    if hasattr(path, "read") and not isinstance(path, (str, bytes, os.PathLike)):
        where = str(getattr(path, "name", "<file object>"))
        data = path.read()
        if not isinstance(data, (bytes, bytearray, memoryview)):
            raise TypeError(f"load: the file object must be opened in binary mode ('rb'); "
                            f"its read() gave {type(data).__name__}")
        return _read(io.BytesIO(data), len(data), where)
    where = _fspath("load", path)
    try:
        kind = _file_kind(os.stat(where).st_mode)
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, "load: no such file", where) from None
    if kind:
        _refuse(where, f"not a regular file but {kind}")
    # O_NONBLOCK: if a FIFO replaced the file since the stat, opening must not hang
    fd = os.open(where, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) |
                 getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_BINARY", 0))
    with os.fdopen(fd, "rb", buffering=0) as f:
        st = os.fstat(fd)
        kind = _file_kind(st.st_mode)
        if kind:
            _refuse(where, f"not a regular file but {kind}")
        return _read(f, st.st_size, where)


def _file_kind(mode):
    if stat.S_ISREG(mode):
        return None
    for test, kind in ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO (named pipe)"),
                       (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                       (stat.S_ISSOCK, "a socket")):
        if test(mode):
            return kind
    return "a special file"


def _refuse(where, why):
    raise CheckpointError(f"load: {where}: {why}")


def _read_into(f, view):
    got, want = 0, len(view)
    while got < want:
        n = f.readinto(view[got:])
        if not n:
            break
        got += n
    return got


def _no_duplicates(pairs):
    out = dict(pairs)
    if len(out) != len(pairs):
        seen = set()
        for k, _ in pairs:
            if k in seen:
                raise ValueError(f"the key {_short(k)} appears twice")
            seen.add(k)
    return out


def _read(f, size, where):
    try:
        return _read_checked(f, size, where)
    except CheckpointError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, AttributeError, OverflowError,
            RecursionError) as e:       # a malformed file is never another error type
        raise CheckpointError(f"load: {where}: corrupt file ({type(e).__name__}: {e})") from e


def _read_checked(f, size, where):
    def refuse(why):
        _refuse(where, why)

    first = bytearray(min(8, size))
    got = _read_into(f, memoryview(first))
    first = bytes(first[:got])
    # a pickle starts \x80 <protocol>; so does a safetensors file whose header length is
    # 0x280..0x5ff (mod 65536), which then fits in the file
    if first[:1] == b"\x80" and got > 1 and 2 <= first[1] <= 5 and not (
            got == 8 and int.from_bytes(first, "little") <= size - 8):
        refuse("this is a Python pickle (e.g. from pickle.dump or an old torch.save); "
               "tg.load reads only safetensors files and never unpickles, because "
               "unpickling can run arbitrary code")
    if first[:4] == b"PK\x03\x04":
        refuse("this is a zip archive (e.g. a torch.save checkpoint, which holds a "
               "pickle); tg.load reads only safetensors files and never unpickles. "
               "Convert it with safetensors where you trust the file")
    if got < 8:
        refuse(f"file is truncated or not a safetensors file: {got} bytes, fewer than the "
               "8-byte header length")
    n = int.from_bytes(first, "little")
    if n > _MAX_HEADER:
        refuse(f"not a safetensors file: the header length field reads {n} bytes "
               f"(at most {_MAX_HEADER}; corrupt, or a different format)")
    if 8 + n > size:
        refuse(f"file is truncated: the header needs {n} bytes but only {size - 8} follow "
               "the length field")
    head = bytearray(n)
    if _read_into(f, memoryview(head)) != n:
        refuse("file is truncated while reading the header")
    head = bytes(head)
    try:
        header = json.loads(head.decode("utf-8"), object_pairs_hook=_no_duplicates)
    except RecursionError:
        refuse("corrupt header (JSON nested too deeply)")
    except (UnicodeDecodeError, ValueError) as e:
        refuse(f"corrupt header (not valid JSON: {e})")
    if type(header) is not dict:
        refuse(f"corrupt header (the JSON is a {type(header).__name__}, not an object)")
    meta = header.pop("__metadata__", {})
    if type(meta) is not dict or not all(type(v) is str for v in meta.values()):
        refuse("corrupt header (__metadata__ is not an object of strings)")
    avail = size - 8 - n
    spans = _spans(header, avail, refuse)

    if _SUM_KEY in meta:
        stored = head[len(_PREFIX):_SUM_END]
        if not head.startswith(_PREFIX) or meta[_SUM_KEY] != "crc32:" + stored.decode("latin-1"):
            refuse("corrupt header: the checksum entry is not where tapegrad writes it (the "
                   "header was damaged or rewritten by another tool)")
        crc = zlib.crc32(first)
        crc = zlib.crc32(_BLANK, zlib.crc32(head[:len(_PREFIX)], crc))
        crc = zlib.crc32(head[_SUM_END:], crc)
    elif _OLD_CRC_KEY in meta:
        crc = 0                                 # an earlier version: the data only
    elif any(k.startswith("tapegrad.") for k in meta):
        refuse("corrupt header: tapegrad metadata without its checksum")
    else:
        crc = None                              # another writer: structure checks only

    arrays = {}
    for begin, end, name, dtype, shape in spans:
        arr = np.empty(shape, dtype=dtype)
        view = memoryview(arr.reshape(-1).view(np.uint8))
        if _read_into(f, view) != end - begin:
            refuse(f"file is truncated while reading tensor '{name}'")
        if crc is not None:
            crc = zlib.crc32(view, crc)
        if dtype.kind == "b" and arr.size and arr.view(np.uint8).max() > 1:
            refuse(f"corrupt data: the bool tensor '{name}' holds bytes other than 0 and 1")
        if dtype.byteorder == "<":              # "<" only on big-endian hosts
            arr = arr.astype(dtype.newbyteorder("="))
        arrays[name] = arr
    if f.read(1):
        refuse("corrupt file: unexpected bytes after the last tensor (the file grew)")

    if _SUM_KEY in meta:
        if b"%08x" % crc != stored:
            refuse(f"corrupt file: its checksum does not match (CRC32 {crc:08x}, recorded "
                   f"{stored.decode('latin-1')}); the file was damaged after it was written")
    elif crc is not None:
        if str(crc) != meta[_OLD_CRC_KEY]:
            refuse("corrupt file: the tensor data does not match its checksum "
                   f"(CRC32 {crc}, expected {meta[_OLD_CRC_KEY]}); the file was damaged "
                   "after it was written")
    tree = meta.get(_TREE_KEY)
    if tree is None:
        if crc is not None:
            refuse("corrupt header: tapegrad metadata without the structure")
        # a safetensors file from elsewhere: name -> tensor, in file order
        return {name: make(arrays[name]) for _, _, name, _, _ in spans}
    try:
        tree = json.loads(tree, object_pairs_hook=_no_duplicates)
    except RecursionError:
        refuse(f"corrupt metadata ({_TREE_KEY} is nested too deeply)")
    except ValueError as e:
        refuse(f"corrupt metadata ({_TREE_KEY} is not valid JSON: {e})")
    return _decode(tree, arrays, refuse)


def _spans(header, avail, refuse):
    """(begin, end, name, dtype, shape) of each tensor, in file order, fully checked."""
    spans = []
    for name, info in header.items():
        if type(info) is not dict or set(info) != {"dtype", "shape", "data_offsets"}:
            refuse(f"corrupt header entry for '{name}': expected an object with dtype, shape "
                   f"and data_offsets, got {_short(info)}")
        dt, shape, offsets = info["dtype"], info["shape"], info["data_offsets"]
        if type(dt) is not str or dt not in _DTYPES:
            refuse(f"tensor '{name}' has dtype {_short(dt)}, which tapegrad cannot read "
                   f"(known: {', '.join(_DTYPES)})")
        if type(shape) is not list or len(shape) > _MAX_NDIM or \
                not all(type(s) is int and 0 <= s <= _MAX_ELEMENTS for s in shape):
            refuse(f"corrupt header: tensor '{name}' has shape {_short(shape)}; a shape is a "
                   f"list of at most {_MAX_NDIM} non-negative ints")
        if type(offsets) is not list or len(offsets) != 2 or \
                not all(type(o) is int for o in offsets) or not 0 <= offsets[0] <= offsets[1]:
            refuse(f"corrupt header: tensor '{name}' has data_offsets {_short(offsets)}; "
                   "expected [begin, end] ints with 0 <= begin <= end")
        if math.prod(max(s, 1) for s in shape) > _MAX_ELEMENTS:
            refuse(f"corrupt header: tensor '{name}' has shape {tuple(shape)}, too large")
        dtype = np.dtype(_DTYPES[dt])
        shape = tuple(shape)
        begin, end = offsets
        need = math.prod(shape) * dtype.itemsize
        if end - begin != need:
            refuse(f"corrupt header: tensor '{name}' of shape {shape} and dtype {dt} needs "
                   f"{need} bytes but its offsets [{begin}, {end}] span {end - begin}")
        spans.append((begin, end, name, dtype, shape))
    spans.sort(key=lambda s: (s[0], s[1]))
    pos = 0
    for begin, end, name, _, _ in spans:
        if begin != pos:
            refuse(f"corrupt header: tensor '{name}' starts at byte {begin}, expected {pos} "
                   f"(tensors must be contiguous and not overlap)")
        pos = end
    if pos > avail:
        refuse(f"file is truncated: the tensors need {pos} bytes of data but only {avail} "
               "are present")
    if pos < avail:
        refuse(f"corrupt file: {avail - pos} unexpected bytes after the last tensor")
    return spans

# the names `from tapegrad.io import *` gives (tests/test_all.py)
__all__ = ["CheckpointError", "save", "load"]
