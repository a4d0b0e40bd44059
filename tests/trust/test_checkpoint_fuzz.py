"""Checkpoints refuse any damage: bit flips, truncation, crafted headers, odd files.

Every damaged or crafted file either loads as the very value that was saved or raises
CheckpointError naming the file; loaded tensors never share memory; a killed save leaves
nothing behind for long; a save refuses what would not come back the same.
"""
import collections
import enum
import io
import json
import os
import random
import signal
import subprocess
import sys
import threading
import zlib

import numpy as np
import pytest

import tapegrad as tg
from tapegrad.io import CheckpointError

PREFIX = b'{"__metadata__":{"tapegrad.checksum":"crc32:'


def _saved_bytes(obj):
    buf = io.BytesIO()
    tg.save(obj, buf)
    return buf.getvalue()


def _load_bytes(blob):
    return tg.load(io.BytesIO(blob))


def _same(a, b):
    """Exactly equal trees: types, dtypes, shapes and bits."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    if isinstance(a, tg.Tensor):
        a, b = a.numpy(), b.numpy()
    if isinstance(a, (np.ndarray, np.generic)):
        return a.dtype == b.dtype and a.shape == b.shape and a.tobytes() == b.tobytes()
    return a == b


SMALL = {"w": tg.tensor([1.5, -2.0, 3.25]), "mask": np.array([True, False]),
         "step": 7, "cfg": {"lr": 0.1, "name": "run", 3: (1, None)}, "k": np.int64(5)}
SMALL_BYTES = _saved_bytes(SMALL)
HEADER_END = 8 + int.from_bytes(SMALL_BYTES[:8], "little")
# every byte of the length field, header and padding, and a seeded sample of data bytes
FLIP_AT = list(range(HEADER_END)) + sorted(
    random.Random(13).sample(range(HEADER_END, len(SMALL_BYTES)), 12))


def _flips(where):
    out = []
    for at in where:
        for bit in range(8):
            blob = bytearray(SMALL_BYTES)
            blob[at] ^= 1 << bit
            out.append(bytes(blob))
    return out


def _garbage(seed):
    rng = random.Random(seed)
    out = []
    for _ in range(50):                         # runs of random bytes anywhere
        blob = bytearray(SMALL_BYTES)
        at = rng.randrange(len(blob))
        blob[at:at + rng.randint(1, 16)] = bytes(rng.randrange(256) for _ in range(16))
        out.append(bytes(blob))
    for size in (8, 9, 64, 300):                # random bytes after a plausible length
        head = rng.randrange(1, 400).to_bytes(8, "little")
        out.append(head + bytes(rng.randrange(256) for _ in range(size)))
    return out


DAMAGE = ([(f"flip-bytes-{w[0]}-{w[-1]}", lambda w=w: _flips(w))
           for w in (FLIP_AT[i:i + 8] for i in range(0, len(FLIP_AT), 8))] +
          [("truncate-at-every-length",
            lambda: [SMALL_BYTES[:cut] for cut in range(len(SMALL_BYTES))]),
           ("append-bytes", lambda: [SMALL_BYTES + t for t in (b"\0", b" ", b"\0" * 8)])] +
          [(f"garbage-{seed}", lambda seed=seed: _garbage(seed)) for seed in range(4)])


@pytest.mark.parametrize("damage", [d[1] for d in DAMAGE], ids=[d[0] for d in DAMAGE])
def test_any_damage_is_refused_with_a_checkpoint_error(damage):
    # bit flips anywhere (length field, header, padding, data), truncation, garbage: the
    # checksum covers the whole file, so none of them loads
    assert _same(_load_bytes(SMALL_BYTES), SMALL)
    for blob in damage():
        with pytest.raises(CheckpointError, match="^load: <file object>: "):
            _load_bytes(blob)


# ---------------------------------------------------------------- crafted headers

def _file(head, data, checksum=True):
    """A file with this raw header; with tapegrad's layout it gets a valid checksum, as an
    attacker or a buggy writer would compute it."""
    head += b" " * (-len(head) % 8)
    blob = bytearray(len(head).to_bytes(8, "little") + head + data)
    if checksum and head.startswith(PREFIX):
        at = len(PREFIX) + 8
        blob[at:at + 8] = b"00000000"
        blob[at:at + 8] = b"%08x" % zlib.crc32(blob)
    return bytes(blob)


def _base():
    tree = {"a": {"$tensor": "a"}, "b": {"$array": "b"}}
    return ({"tapegrad.checksum": "crc32:00000000", "tapegrad.tree": tree},
            {"a": {"dtype": "F32", "shape": [2], "data_offsets": [0, 8]},
             "b": {"dtype": "F64", "shape": [3], "data_offsets": [8, 32]}})


DATA = np.array([1, 2], np.float32).tobytes() + np.array([3, 4, 5], np.float64).tobytes()


def _crafted(edit):
    meta, entries = _base()
    edit(meta, entries)
    if isinstance(meta.get("tapegrad.tree"), (dict, list)):
        meta["tapegrad.tree"] = json.dumps(meta["tapegrad.tree"])
    return _file(json.dumps({"__metadata__": meta, **entries},
                            separators=(",", ":")).encode(), DATA)


def _set(where, key, value):
    def edit(meta, entries):
        (meta if where == "meta" else entries[where])[key] = value
    return edit


def _tree(tree):
    return _set("meta", "tapegrad.tree", tree)


CRAFTED = [   # (id, edit of the base header, phrase of the error)
    ("shape-product-mismatch", _set("a", "shape", [3]), "needs 12 bytes"),
    ("negative-dim", _set("a", "shape", [-2]), "non-negative ints"),
    ("float-dim", _set("a", "shape", [2.0]), "non-negative ints"),
    ("bool-dim", _set("b", "shape", [True, 3]), "non-negative ints"),
    ("too-many-dims", _set("a", "shape", [1] * 65 + [2]), "at most 64"),
    ("overflowing-product", _set("a", "shape", [2 ** 32, 2 ** 32, 2 ** 32, 0]), "too large"),
    ("float-offsets", _set("a", "data_offsets", [0.0, 8.0]), "data_offsets"),
    ("bool-offsets", _set("b", "data_offsets", [True, 32]), "data_offsets"),
    ("three-offsets", _set("a", "data_offsets", [0, 8, 8]), "data_offsets"),
    ("offsets-backwards", _set("a", "data_offsets", [8, 0]), "data_offsets"),
    ("offsets-out-of-range", _set("b", "data_offsets", [32, 56]), "starts at byte 32"),
    ("overlapping-tensors", _set("b", "shape", [4]) and (lambda m, e: (
        e["b"].update(shape=[4], data_offsets=[0, 32]))), "expected 8"),
    ("unknown-dtype", _set("a", "dtype", "F8"), "dtype 'F8'"),
    ("dtype-not-a-string", _set("a", "dtype", ["F32"]), "dtype \\['F32'\\]"),
    ("extra-entry-field", _set("a", "extra", 1), "corrupt header entry for 'a'"),
    ("entry-not-an-object", lambda m, e: e.update(a=[0, 8]), "corrupt header entry for 'a'"),
    ("metadata-not-strings", _set("meta", "who", 3), "__metadata__"),
    ("tree-uses-a-tensor-twice", _tree({"a": {"$tensor": "a"}, "b": {"$array": "b"},
                                        "c": {"$tensor": "a"}}), "uses the tensor 'a' twice"),
    ("tree-misses-a-tensor", _tree({"a": {"$tensor": "a"}}), "does not use"),
    ("tree-names-a-missing-tensor", _tree({"a": {"$tensor": "a"}, "b": {"$array": "zz"}}),
     "does not contain"),
    ("unhashable-dict-key", _tree({"$dict": [[[1], {"$tensor": "a"}],
                                             ["b", {"$array": "b"}]]}), "\\[key, value\\]"),
    ("dict-pair-not-a-pair", _tree([{"$tensor": "a"}, {"$array": "b"}, {"$dict": [[1]]}]),
     "\\[key, value\\]"),
    ("dict-key-twice", _tree([{"$tensor": "a"}, {"$array": "b"}, {"$dict": [[1, 2], [1, 3]]}]),
     "key 1 twice"),
    ("tuple-not-a-list", _tree([{"$tensor": "a"}, {"$array": "b"}, {"$tuple": 3}]),
     "unknown tag"),
    ("unknown-tag", _tree([{"$tensor": "a"}, {"$array": "b"}, {"$foo": 1}]), "unknown tag"),
    ("tag-mixed-with-keys", _tree([{"$tensor": "a"}, {"$array": "b", "x": 1}]), "mixes"),
    ("scalar-of-shape-2", _tree([{"$scalar": "a"}, {"$array": "b"}]), "scalar 'a' has shape"),
    ("tree-not-json", _tree("{nope"), "not valid JSON"),
    ("tree-nested-10000-deep", _tree("[" * 10000 + "]" * 10000), "nested too deeply"),
    ("tree-nested-500-deep", _tree("[" * 500 + "]" * 500), "nested more than 128"),
    ("no-structure", lambda m, e: m.pop("tapegrad.tree"), "without the structure"),
]


@pytest.mark.parametrize("edit, phrase", [c[1:] for c in CRAFTED], ids=[c[0] for c in CRAFTED])
def test_crafted_headers_are_refused_with_what_is_wrong(tmp_path, edit, phrase):
    path = tmp_path / "crafted.safetensors"
    path.write_bytes(_crafted(edit))
    with pytest.raises(CheckpointError, match=f"load: {path}: .*{phrase}"):
        tg.load(path)


RAW = [   # (id, header bytes, data, phrase)
    ("header-nested-10000-deep", b"[" * 10000 + b"]" * 10000, b"", "nested too deeply"),
    ("header-is-a-list", b"[]", b"", "not an object"),
    ("duplicate-tensor-name",
     b'{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},'
     b'"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}', b"\1\2", "appears twice"),
    ("header-not-utf8", b'{"\xff":1}', b"", "not valid JSON"),
    ("bool-byte-2", b'{"m":{"dtype":"BOOL","shape":[2],"data_offsets":[0,2]}}', b"\1\2",
     "other than 0 and 1"),
    ("checksum-moved", b'{"__metadata__":{"tapegrad.tree":"{}","tapegrad.checksum":'
     b'"crc32:00000000"}}', b"", "not where tapegrad writes it"),
    ("tapegrad-tree-without-checksum", b'{"__metadata__":{"tapegrad.tree":"{}"}}', b"",
     "without its checksum"),
]


@pytest.mark.parametrize("head, data, phrase", [c[1:] for c in RAW], ids=[c[0] for c in RAW])
def test_crafted_raw_headers_are_refused(head, data, phrase):
    with pytest.raises(CheckpointError, match=phrase):
        _load_bytes(_file(head, data))


# ---------------------------------------------------------------- what load returns

def test_loaded_arrays_own_their_memory_and_share_none(tmp_path):
    obj = {"a": tg.ones(3), "b": np.arange(4.0), "c": [tg.zeros(2, 2), np.int32(3)],
           "same": tg.ones(3)}
    obj["again"] = obj["a"]                     # one tensor twice: stored twice
    path = tmp_path / "own.safetensors"
    tg.save(obj, path)
    for back in (tg.load(path), tg.load(io.BytesIO(path.read_bytes()))):
        arrays = [back["a"].numpy(), back["b"], back["c"][0].numpy(), back["same"].numpy(),
                  back["again"].numpy()]
        for i, x in enumerate(arrays):
            assert x.flags.owndata and x.flags.writeable
            assert not any(np.shares_memory(x, y) for y in arrays[i + 1:])
        back["a"].numpy()[0] = 9.0
        assert back["again"].tolist() == [1.0, 1.0, 1.0]


def test_the_checksum_is_in_the_header_and_the_safetensors_package_reads_it(tmp_path):
    st = pytest.importorskip("safetensors")
    stnp = pytest.importorskip("safetensors.numpy")
    path = tmp_path / "m.safetensors"
    tg.save({"w": tg.arange(6.0).reshape(2, 3), "n": 1}, path, metadata={"who": "me"})
    assert path.read_bytes()[8:8 + len(PREFIX)] == PREFIX
    with st.safe_open(str(path), "np") as f:
        meta = f.metadata()
    assert meta["tapegrad.checksum"].startswith("crc32:") and meta["who"] == "me"
    np.testing.assert_array_equal(stnp.load_file(str(path))["w"],
                                  np.arange(6.0).reshape(2, 3))


# ---------------------------------------------------------------- odd paths and files

def _fifo(tmp_path):
    path = tmp_path / "pipe"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("make, kind", [
    (lambda p: p, "a directory"),
    (_fifo, "a FIFO"),
    (lambda p: "/dev/null", "a character device"),
], ids=["directory", "fifo", "device"])
def test_non_regular_files_are_refused_without_blocking(tmp_path, make, kind):
    if not hasattr(os, "mkfifo"):
        pytest.skip("POSIX only")
    path = make(tmp_path)
    outcome = []

    def run():
        try:
            tg.load(path)
        except Exception as e:          # noqa: BLE001 - reported below
            outcome.append(e)
    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(10)
    assert not worker.is_alive(), "tg.load blocked"
    assert isinstance(outcome[0], CheckpointError) and kind in str(outcome[0])


@pytest.mark.parametrize("call", [lambda: tg.load(3), lambda: tg.load(None),
                                  lambda: tg.save({}, 3), lambda: tg.save({}, 2.5)])
def test_a_non_path_argument_is_a_type_error_naming_the_function(call):
    with pytest.raises(TypeError, match=r"^(load|save): path must be .* got .*\((int|float|"
                                        r"NoneType)\)"):
        call()


def test_str_bytes_and_pathlib_paths_all_work(tmp_path):
    for path in (tmp_path / "p.safetensors", str(tmp_path / "s.safetensors"),
                 os.fsencode(tmp_path / "b.safetensors")):
        tg.save({"w": tg.ones(2)}, path)
        assert tg.load(path)["w"].tolist() == [1.0, 1.0]


class Color(enum.IntEnum):
    RED = 1


Point = collections.namedtuple("Point", "x y")


class Tagged(dict):
    pass


def _deep(depth):
    out = []
    for _ in range(depth):
        out = [out]
    return out


SAVE_REFUSED = [   # (id, obj, metadata, error type, phrase)
    ("namedtuple", {"p": Point(1, 2)}, None, TypeError, "namedtuple"),
    ("int-enum", {"c": Color.RED}, None, TypeError, "type Color at 'c'"),
    ("numpy-str", {"s": np.str_("a")}, None, TypeError, "type str_ at 's'"),
    ("dict-subclass", {"d": Tagged(a=1)}, None, TypeError, "type Tagged at 'd'"),
    ("defaultdict", {"d": collections.defaultdict(int)}, None, TypeError, "defaultdict"),
    ("masked-array", {"m": np.ma.masked_array([1.0, 2.0], [0, 1])}, None, TypeError,
     "MaskedArray at 'm'"),
    ("module", {"m": tg.nn.Linear(2, 2)}, None, TypeError, "state_dict\\(\\) instead"),
    ("numpy-int-key", {np.int64(1): 2}, None, TypeError, "dict key np.int64\\(1\\) of type int64"),
    ("nested-10000-deep", {"x": _deep(10000)}, None, ValueError, "nested more than 128"),
    ("huge-int", {"n": 10 ** 5000}, None, ValueError, "the int at 'n' has"),
    ("reserved-metadata", {"w": tg.ones(1)}, {"tapegrad.tree": "{}"}, ValueError, "reserved"),
    ("metadata-not-a-dict", {}, [("a", "b")], TypeError, "metadata must be a dict"),
]


@pytest.mark.parametrize("obj, metadata, error, phrase", [c[1:] for c in SAVE_REFUSED],
                         ids=[c[0] for c in SAVE_REFUSED])
def test_save_refuses_what_would_not_come_back_the_same(tmp_path, obj, metadata, error,
                                                        phrase):
    path = tmp_path / "keep.safetensors"
    tg.save({"old": tg.ones(2)}, path)
    before = path.read_bytes()
    with pytest.raises(error, match=f"^save: .*{phrase}"):
        tg.save(obj, path, metadata=metadata)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["keep.safetensors"]


def test_saving_to_a_directory_or_a_text_file_is_a_clear_error(tmp_path):
    with pytest.raises(IsADirectoryError, match="^save: .* is a directory"):
        tg.save({"w": tg.ones(1)}, tmp_path)
    with pytest.raises(IsADirectoryError, match="^save: .* names a directory"):
        tg.save({"w": tg.ones(1)}, str(tmp_path / "new") + os.sep)
    with pytest.raises(TypeError, match="^save: .*binary mode"):
        tg.save({"w": tg.ones(1)}, io.StringIO())
    assert os.listdir(tmp_path) == []


# ---------------------------------------------------------------- killed saves

_CHILD = """
import os, sys, time
import numpy as np
import tapegrad as tg
def stall(fd):                      # the disk hangs after the bytes are written
    print("writing", flush=True)
    time.sleep(600)
os.fsync = stall
tg.save({"big": np.ones(4_000_000)}, sys.argv[1])
"""


def test_a_save_killed_mid_write_leaves_a_temporary_that_the_next_save_removes(tmp_path):
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("POSIX only")
    target = tmp_path / "ckpt.safetensors"
    other = tmp_path / ".other.safetensors.tg1.0123456789abcdef.tmp"  # another target's
    other.write_bytes(b"x")
    child = subprocess.Popen([sys.executable, "-c", _CHILD, str(target)],
                             stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline() == "writing\n"
        temps = [p for p in os.listdir(tmp_path) if p.startswith(".ckpt.safetensors.")]
        assert len(temps) == 1 and os.path.getsize(tmp_path / temps[0]) > 30_000_000
        tg.save({"w": tg.ones(1)}, target)          # the live write is left alone
        assert os.path.exists(tmp_path / temps[0])
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(10)
        child.stdout.close()
    assert os.path.exists(tmp_path / temps[0])      # killed: the temporary stays ...
    tg.save({"w": tg.full((2,), 3.0)}, target)      # ... until the next save of the target
    assert sorted(os.listdir(tmp_path)) == [other.name, target.name]
    assert tg.load(target)["w"].tolist() == [3.0, 3.0]


def test_a_long_file_name_still_saves_atomically(tmp_path):
    path = tmp_path / ("x" * 240 + ".st")
    tg.save({"w": tg.ones(1)}, path)
    assert tg.load(path)["w"].tolist() == [1.0]
    assert os.listdir(tmp_path) == [path.name]
