"""tg.save / tg.load: safetensors round trips, interop, atomic writes, refusing bad files."""
import json
import os
import pickle
import zipfile

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn, optim
from tapegrad.io import CheckpointError


def _equal_trees(a, b):
    if isinstance(a, dict):                 # an OrderedDict state dict comes back a dict
        assert type(b) is dict
        assert list(a) == list(b)
        for k in a:
            _equal_trees(a[k], b[k])
        return
    assert type(a) is type(b), (type(a), type(b))
    if isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            _equal_trees(x, y)
    elif isinstance(a, tg.Tensor):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    elif isinstance(a, (np.ndarray, np.generic)):
        assert a.dtype == b.dtype
        np.testing.assert_array_equal(a, b)
    elif isinstance(a, float) and np.isnan(a):
        assert np.isnan(b)
    else:
        assert a == b


def test_nested_structure_round_trips_exactly(tmp_path):
    obj = {
        "model": {"0.weight": tg.randn(3, 2), "0.bias": tg.zeros(3, dtype="float64")},
        "ints": tg.tensor([1, 2, 3]), "mask": tg.tensor([True, False]),
        "half": np.arange(4, dtype=np.float16), "u8": np.arange(3, dtype=np.uint8),
        "scalar": tg.tensor(2.5), "npscalar": np.int32(7), "empty": np.zeros((0, 3)),
        "meta": {"epoch": 3, "lr": 1e-3, "name": "run", "done": False, "none": None,
                 "big": 2 ** 100, "nan": float("nan"), "inf": float("-inf")},
        "tuple": (1, [2, (3.5, "x")]), 7: "int key", "$odd": {"$tensor": "not a ref"},
        "list_of_tensors": [tg.ones(2), {"deep": [tg.ones(1)]}],
    }
    path = tmp_path / "ckpt.safetensors"
    tg.save(obj, path)
    _equal_trees(obj, tg.load(path))


def test_module_optimizer_scheduler_and_rng_round_trip(tmp_path):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Linear(4, 2))
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    model(tg.randn(5, 3)).sum().backward()
    opt.step()
    sched.step()
    rng = tg.get_rng_state()
    assert rng["state"]["state"] > 2 ** 64          # PCG64's 128-bit integers
    ckpt = {"model": model.state_dict(), "optimizer": opt.state_dict(),
            "scheduler": sched.state_dict(), "rng": rng}
    tg.save(ckpt, tmp_path / "all.safetensors")
    back = tg.load(tmp_path / "all.safetensors")
    _equal_trees(ckpt, back)
    assert back["rng"] == rng
    tg.set_rng_state(back["rng"])
    a = tg.rand(3).numpy()
    tg.set_rng_state(rng)
    np.testing.assert_array_equal(a, tg.rand(3).numpy())


def test_files_we_write_load_with_the_safetensors_package(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    model = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
    tg.save(model.state_dict(), tmp_path / "m.safetensors")
    arrays = st.load_file(str(tmp_path / "m.safetensors"))
    assert sorted(arrays) == ["0.bias", "0.weight", "2.bias", "2.weight"]
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(arrays[k], v.numpy())
    tg.save({"run": {"w": tg.ones(2)}, "x": np.int64(3)}, tmp_path / "n.safetensors")
    assert sorted(st.load_file(str(tmp_path / "n.safetensors"))) == ["run.w", "x"]


def test_files_from_the_safetensors_package_load_as_a_dict_of_tensors(tmp_path):
    st = pytest.importorskip("safetensors.numpy")
    arrays = {"a": np.arange(6, dtype=np.float32).reshape(2, 3),
              "b": np.array([1, 2], dtype=np.int64), "c": np.array(True),
              "d": np.arange(3, dtype=np.float64)}
    st.save_file(arrays, str(tmp_path / "ext.safetensors"), metadata={"who": "them"})
    back = tg.load(tmp_path / "ext.safetensors")
    assert set(back) == set(arrays)
    for k, v in arrays.items():
        assert isinstance(back[k], tg.Tensor) and back[k].dtype == v.dtype
        np.testing.assert_array_equal(back[k].numpy(), v)
    model = nn.Linear(3, 2)
    st.save_file({k: v.numpy() for k, v in model.state_dict().items()},
                 str(tmp_path / "lin.safetensors"))
    other = nn.Linear(3, 2)
    other.load_state_dict(tg.load(tmp_path / "lin.safetensors"))
    np.testing.assert_array_equal(other.weight.numpy(), model.weight.numpy())


def test_loaded_arrays_are_writable_and_independent_of_the_file(tmp_path):
    path = tmp_path / "w.safetensors"
    tg.save({"w": tg.ones(3)}, path)
    w = tg.load(path)["w"]
    w.numpy()[0] = 5.0
    os.remove(path)                     # nothing is memory-mapped
    assert w.numpy().tolist() == [5.0, 1.0, 1.0]


def test_unsupported_values_are_refused_with_their_path(tmp_path):
    with pytest.raises(TypeError, match=r"type set at 'cfg.tags'"):
        tg.save({"cfg": {"tags": {1, 2}}}, tmp_path / "x.safetensors")
    with pytest.raises(TypeError, match="complex"):
        tg.save({"z": np.zeros(2, dtype=np.complex64)}, tmp_path / "x.safetensors")
    assert not os.listdir(tmp_path)     # no file, no temporary left behind


def test_save_is_atomic_when_writing_fails(tmp_path, monkeypatch):
    path = tmp_path / "ckpt.safetensors"
    tg.save({"v": tg.tensor([1.0])}, path)
    before = path.read_bytes()

    def crash(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError, match="disk full"):
        tg.save({"v": tg.tensor([2.0])}, path)
    assert path.read_bytes() == before              # the old checkpoint is intact
    assert os.listdir(tmp_path) == ["ckpt.safetensors"]   # temp file removed


def test_saved_files_get_normal_permissions(tmp_path):
    path = tmp_path / "p.safetensors"
    tg.save({"v": tg.ones(1)}, path)
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(path).st_mode & 0o777 == 0o666 & ~mask


def test_pickle_and_torch_files_are_refused(tmp_path):
    path = tmp_path / "evil.pt"
    with open(path, "wb") as f:
        pickle.dump({"w": np.ones(2)}, f)
    with pytest.raises(CheckpointError, match="pickle.*never unpickles"):
        tg.load(path)
    zpath = tmp_path / "model.pt"
    with zipfile.ZipFile(zpath, "w") as z:
        z.writestr("archive/data.pkl", pickle.dumps([1]))
    with pytest.raises(CheckpointError, match="zip archive.*torch.save"):
        tg.load(zpath)
    torch = pytest.importorskip("torch")
    tpath = tmp_path / "real_torch.pt"
    torch.save({"w": torch.ones(2)}, tpath)
    with pytest.raises(ValueError, match="never unpickles"):
        tg.load(tpath)


def _written(tmp_path):
    path = tmp_path / "good.safetensors"
    tg.save({"a": tg.arange(10.0), "b": tg.ones(3, 3), "step": 4}, path)
    return path, path.read_bytes()


@pytest.mark.parametrize("cut", [0, 5, 8, 20, -1, -13])
def test_truncated_files_are_refused(tmp_path, cut):
    path, data = _written(tmp_path)
    path.write_bytes(data[:cut])
    with pytest.raises(CheckpointError, match="truncated|not a safetensors"):
        tg.load(path)


def test_corrupt_files_are_refused(tmp_path):
    path, data = _written(tmp_path)
    n = int.from_bytes(data[:8], "little")
    flipped = bytearray(data)
    flipped[-3] ^= 0xFF                                   # a bit flip in tensor data
    path.write_bytes(bytes(flipped))
    with pytest.raises(CheckpointError, match="checksum"):
        tg.load(path)
    broken = bytearray(data)
    broken[8] = ord("#")                                  # header is no longer JSON
    path.write_bytes(bytes(broken))
    with pytest.raises(CheckpointError, match="corrupt header"):
        tg.load(path)
    broken[8:8 + 14] = b'{"__metadata_x'                  # still JSON, but an entry is not
    path.write_bytes(bytes(broken))
    with pytest.raises(CheckpointError, match="corrupt header entry for '__metadata_x"):
        tg.load(path)
    path.write_bytes(data + b"junk")
    with pytest.raises(CheckpointError, match="unexpected bytes"):
        tg.load(path)
    header = json.loads(data[8:8 + n])
    header["a"]["shape"] = [11]
    head = json.dumps(header).encode()
    head += b" " * (-len(head) % 8)
    path.write_bytes(len(head).to_bytes(8, "little") + head + data[8 + n:])
    with pytest.raises(CheckpointError, match="tensor 'a' of shape \\(11,\\)"):
        tg.load(path)
    path.write_bytes((10 ** 12).to_bytes(8, "little") + b"{}")
    with pytest.raises(CheckpointError, match="header length"):
        tg.load(path)
    path.write_bytes(b"")
    with pytest.raises(CheckpointError, match="0 bytes"):
        tg.load(path)


def _resumable_run(steps, start=0, state=None, restore_rng=True):
    """Train a small model with dropout, Adam and StepLR; optionally from a checkpoint."""
    tg.manual_seed(0)
    model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.3), nn.Linear(16, 3))
    opt = optim.Adam(model.parameters(), lr=0.01)
    sched = optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    if state is not None:
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["optimizer"])
        sched.load_state_dict(state["scheduler"])
        if restore_rng:
            tg.set_rng_state(state["rng"])
    data = np.random.default_rng(123)
    xs = data.standard_normal((20, 8, 4)).astype(np.float32)
    ys = data.integers(0, 3, (20, 8))
    for k in range(start, start + steps):
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(tg.tensor(xs[k])), tg.tensor(ys[k]))
        loss.backward()
        opt.step()
        sched.step()
    return model, opt, sched


def test_interrupted_run_resumes_bit_identically(tmp_path):
    k = 5
    full, _, _ = _resumable_run(2 * k)
    model, opt, sched = _resumable_run(k)
    path = tmp_path / "resume.safetensors"
    tg.save({"model": model.state_dict(), "optimizer": opt.state_dict(),
             "scheduler": sched.state_dict(), "rng": tg.get_rng_state()}, path)
    del model, opt, sched
    tg.manual_seed(999)                                   # a new process starts elsewhere
    resumed, opt2, sched2 = _resumable_run(k, start=k, state=tg.load(path))
    assert sched2.last_epoch == 2 * k
    assert opt2.param_groups[0]["lr"] == pytest.approx(0.01 * 0.5 ** 3)
    for (name, a), b in zip(full.named_parameters(), resumed.parameters()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=name)
    # the restored random state matters: without it the dropout masks differ
    tg.manual_seed(999)
    other, _, _ = _resumable_run(k, start=k, state=tg.load(path), restore_rng=False)
    assert not np.array_equal(other[0].weight.numpy(), full[0].weight.numpy())


def test_file_objects_and_missing_folders(tmp_path):
    import io
    buf = io.BytesIO()
    tg.save({"w": tg.ones(2), "n": 1}, buf)
    buf.seek(0)
    back = tg.load(buf)
    assert back["n"] == 1 and back["w"].tolist() == [1.0, 1.0]
    with pytest.raises(FileNotFoundError, match="folder .*nope.* does not exist"):
        tg.save({"w": tg.ones(1)}, tmp_path / "nope" / "x.safetensors")


def _legacy_file(path, data_flip=False):
    """A file as tapegrad wrote it before the checksum covered the header."""
    import zlib
    a = np.arange(3, dtype=np.float32)
    tree = {"w": {"$tensor": "w"}, "epoch": 2}
    meta = {"tapegrad.tree": json.dumps(tree), "tapegrad.crc32": str(zlib.crc32(a.tobytes()))}
    head = json.dumps({"__metadata__": meta, "w": {"dtype": "F32", "shape": [3],
                                                   "data_offsets": [0, 12]}}).encode()
    head += b" " * (-len(head) % 8)
    data = bytearray(a.tobytes())
    if data_flip:
        data[5] ^= 4
    path.write_bytes(len(head).to_bytes(8, "little") + head + bytes(data))


def test_files_from_earlier_versions_load_with_their_data_checksum(tmp_path):
    path = tmp_path / "old.safetensors"
    _legacy_file(path)
    back = tg.load(path)
    assert back["epoch"] == 2 and back["w"].tolist() == [0.0, 1.0, 2.0]
    _legacy_file(path, data_flip=True)
    with pytest.raises(CheckpointError, match="does not match its checksum"):
        tg.load(path)


def test_tensors_that_require_grad_are_saved_as_values(tmp_path):
    w = tg.ones(2, requires_grad=True)
    y = w * 3
    tg.save({"w": w, "y": y, "p": nn.Linear(2, 1).weight}, tmp_path / "g.safetensors")
    back = tg.load(tmp_path / "g.safetensors")
    assert back["y"].tolist() == [3.0, 3.0]
    assert not any(back[k].requires_grad for k in back)
    assert all(type(back[k]) is tg.Tensor for k in back)


def test_loading_a_text_mode_file_object_says_binary(tmp_path):
    path = tmp_path / "t.safetensors"
    tg.save({"w": tg.ones(1)}, path)
    with open(path, encoding="latin-1") as f:
        with pytest.raises(TypeError, match="load: .*binary mode"):
            tg.load(f)


def test_missing_files_and_file_folders_name_the_function(tmp_path):
    with pytest.raises(FileNotFoundError, match="load: no such file.*nope"):
        tg.load(tmp_path / "nope.safetensors")
    (tmp_path / "f").write_bytes(b"")
    with pytest.raises(NotADirectoryError, match="save: .* is a file, not a folder"):
        tg.save({}, tmp_path / "f" / "x.safetensors")


@pytest.mark.parametrize("leaf", [tg.ones(1), (1,), {3: 4}, {"a": 1}, [1]], ids=repr)
def test_the_deepest_object_save_accepts_loads_back(leaf):
    import io
    x = leaf
    for i in range(127):                    # with a container leaf: 128, the most stored
        x = [x] if i % 3 == 0 else ((x,) if i % 3 == 1 else {1: x})
    buf = io.BytesIO()
    tg.save(x, buf)
    buf.seek(0)
    back = tg.load(buf)
    for i in reversed(range(127)):
        back = back[0] if i % 3 != 2 else back[1]
    _equal_trees(leaf, back)
    with pytest.raises(ValueError, match="save: the object is nested more than 128"):
        tg.save([[x]], io.BytesIO())
