"""device= on every nn layer that takes dtype= (as PyTorch's do): None, 'cpu',
tg.device('cpu') and torch.device('cpu') build the layer; 'cuda', 'cuda:0' and 'mps'
raise the project's one CPU-only error (_dtypes.cpu_only) naming the layer and the
device it was given."""
import inspect

import numpy as np
import pytest

import tapegrad as tg
from tapegrad import nn

# the positional arguments of each layer; a layer taking dtype= that is missing here
# fails test_every_layer_with_dtype_is_listed, so new layers get the same check
ARGS = {
    "Linear": (3, 2), "Conv1d": (2, 3, 3), "Conv2d": (2, 3, 3), "Conv3d": (2, 3, 3),
    "ConvTranspose1d": (2, 3, 3), "ConvTranspose2d": (2, 3, 3), "BatchNorm1d": (3,),
    "BatchNorm2d": (3,), "InstanceNorm2d": (3,), "GroupNorm": (1, 3), "LayerNorm": (3,),
    "RMSNorm": (3,), "Embedding": (5, 3), "EmbeddingBag": (5, 3), "PReLU": (),
    "RNN": (3, 4), "LSTM": (3, 4), "GRU": (3, 4), "RNNBase": ("LSTM", 3, 4),
    "RNNCell": (3, 4), "LSTMCell": (3, 4), "GRUCell": (3, 4),
    "MultiheadAttention": (4, 2), "TransformerEncoderLayer": (4, 2),
    "TransformerDecoderLayer": (4, 2), "Transformer": (4, 2, 1, 1, 8),
    "Bilinear": (2, 3, 4), "LazyLinear": (2,), "LazyConv1d": (3, 3), "LazyConv2d": (3, 3),
    "LazyBatchNorm1d": (), "LazyBatchNorm2d": (),
}


def _layers_with_dtype():
    out = []
    for name in sorted(dir(nn)):
        cls = getattr(nn, name)
        if isinstance(cls, type) and issubclass(cls, nn.Module) and \
                "dtype" in inspect.signature(cls.__init__).parameters:
            out.append(name)
    return out


def test_every_layer_with_dtype_is_listed_and_takes_device():
    names = _layers_with_dtype()
    assert len(names) >= 20
    for name in names:
        assert name in ARGS, f"{name} takes dtype=: add it to ARGS"
        params = inspect.signature(getattr(nn, name).__init__).parameters
        assert "device" in params and params["device"].default is None, name


def _cpu_devices():
    devs = [None, "cpu", tg.device("cpu")]
    torch = pytest.importorskip("torch")
    return devs + [torch.device("cpu")]


@pytest.mark.parametrize("name", sorted(ARGS))
def test_cpu_devices_build_the_layer(name):
    ref = None
    for dev in _cpu_devices():
        tg.manual_seed(0)
        m = getattr(nn, name)(*ARGS[name], device=dev, dtype=tg.float64)
        values = [p.detach().numpy() for p in m.parameters()]
        assert all(v.dtype == np.float64 for v in values), name
        if ref is not None:         # the device changes nothing: the same draws
            for a, b in zip(ref, values):
                np.testing.assert_array_equal(a, b)
        ref = values
        assert all(p.device == "cpu" for p in m.parameters())


@pytest.mark.parametrize("name", sorted(ARGS))
@pytest.mark.parametrize("dev,what", [("cuda", "no CUDA device"),
                                      ("cuda:0", "no CUDA device"),
                                      ("mps", "no 'mps' device")])
def test_other_devices_raise_naming_the_layer(name, dev, what):
    with pytest.raises(ValueError, match=f"^{name}: {what}: tapegrad runs on the CPU only, "
                                         f"got device '{dev}'"):
        getattr(nn, name)(*ARGS[name], device=dev)


def test_torch_cuda_device_object_raises_too():
    torch = pytest.importorskip("torch")
    with pytest.raises(ValueError, match="^LSTM: no CUDA device"):
        nn.LSTM(3, 4, device=torch.device("cuda", 0))
    with pytest.raises(TypeError, match="^Linear: device must be 'cpu'"):
        nn.Linear(3, 4, device=3)
