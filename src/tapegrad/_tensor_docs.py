"""Docstrings of Tensor's attributes and basic methods that live in _tensor.py.

Kept apart from the code, as NumPy keeps its C methods' docstrings in _add_newdocs.py,
so _tensor.py stays short and reads as code; _tensor_op_docs.py holds those of the
methods that are the method form of a function. `attach(Tensor)`, called at the end of
_tensor.py, sets both; tests/test_docstring_coverage.py runs every example.
"""
from ._tensor_op_docs import OP_DOCS

DOCS = {}

DOCS["detach_"] = """Cut this tensor from the graph in place: it becomes a leaf that does not
require grad. Returns this tensor.

>>> y = tg.tensor([1.0], requires_grad=True) * 2
>>> y.detach_().is_leaf, y.requires_grad
(True, False)
"""

DOCS["device"] = """Where the values live: always "cpu" (tapegrad computes with NumPy).

>>> tg.zeros(2).device
'cpu'
"""

DOCS["dim"] = """The number of dimensions (PyTorch's `dim`; the same as `ndim`).

Returns:
    An int.

>>> tg.zeros((2, 3)).dim()
2
"""

DOCS["dtype"] = """The NumPy dtype of the values (`tg.float32` by default for Python floats).

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).dtype
dtype('float32')
"""

DOCS["expand"] = """This tensor broadcast to a larger shape, as torch.Tensor.expand: -1 keeps a
dimension's length. Method form of `tapegrad.broadcast_to`.

Args:
    *shape: the new shape, as ints or one tuple.

Returns:
    A tensor of the new shape.

Raises:
    ValueError: the shapes are not broadcast-compatible.

>>> tg.tensor([[1.0], [2.0]]).expand(-1, 3)
tensor([[1., 1., 1.],
        [2., 2., 2.]])
"""

DOCS["is_leaf"] = """Whether this tensor is a leaf of the graph: made by you rather than by a
recorded op. Only leaves that require grad get `.grad` filled by `backward()`.

>>> x = tg.tensor([1.0], requires_grad=True)
>>> x.is_leaf, (x * 2).is_leaf
(True, False)
"""

DOCS["item"] = """The value of a one-element tensor as a Python number.

Returns:
    A Python float, int or bool.

Raises:
    ValueError: the tensor has more than one element.

>>> tg.tensor([2.5]).item()
2.5
"""

DOCS["mT"] = """The tensor with its last two axes swapped: a batch of matrices, each transposed.

>>> tg.zeros((5, 2, 3)).mT.shape
(5, 3, 2)
"""

DOCS["ndim"] = """The number of dimensions.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).ndim
2
"""

DOCS["numel"] = """The number of elements (PyTorch's `numel`).

Returns:
    An int.

>>> tg.zeros((2, 3)).numel()
6
"""

DOCS["requires_grad"] = """Whether operations on this tensor are recorded for differentiation.

Set it on a leaf (a tensor made by you, not by an op) to ask for its
gradient in `.grad` after `backward()`; results of recorded ops have it
set by the engine and cannot be switched off (use `detach()`).

>>> x = tg.tensor([1.0, 2.0])
>>> x.requires_grad = True
>>> (x * x).requires_grad
True
"""

DOCS["requires_grad_"] = """Set `requires_grad` in place and return this tensor, as in PyTorch.

Args:
    requires_grad: True to record operations on this leaf, False to stop.

Returns:
    This tensor.

Raises:
    TypeError: requires_grad is not a bool.
    RuntimeError: switching off a non-leaf (use `detach()`).

>>> tg.zeros(2).requires_grad_().requires_grad
True
"""

DOCS["retains_grad"] = """Whether `retain_grad()` was called on this non-leaf tensor, so that
`backward()` keeps its gradient in `.grad`.

>>> x = tg.tensor([1.0], requires_grad=True)
>>> y = x * 2
>>> y.retains_grad
False
>>> y.retain_grad()
>>> y.retains_grad
True
"""

DOCS["shape"] = """The shape, a tuple of ints (NumPy's `ndarray.shape`).

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).shape
(2, 2)
"""

DOCS["size"] = """The number of elements, as NumPy's `x.size`; called, the shape, as PyTorch's
`x.size()` (a tuple) or `x.size(dim)` (one length).

>>> x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
>>> x.size, x.size(), x.size(1)
(4, (2, 2), 2)
"""

DOCS["T"] = """The tensor with its axes reversed (`tg.transpose(x)`); a matrix's transpose.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).T
tensor([[1., 3.],
        [2., 4.]])
"""

DOCS["to"] = """This tensor converted to a dtype (and, for ported code, a device).

Accepts PyTorch's forms: `x.to(tg.float64)`, `x.to(other)` (other's dtype),
`x.to("cpu")`, `x.to(dtype=..., copy=True)`.

Args:
    *args: a dtype, a tensor whose dtype to take, or the device "cpu".
    dtype: the dtype to convert to.
    device: only "cpu" (or None).
    copy: return a new tensor even when nothing changes.
    non_blocking: accepted for ported code.

Returns:
    This tensor when nothing changes (and copy is False), else a new one; a
    conversion is recorded, so gradients flow back through it.

Raises:
    ValueError: a device other than the CPU.
    TypeError: an argument that is not a dtype.

>>> tg.tensor([1.0, 2.0]).to(tg.float64).dtype
dtype('float64')
"""

DOCS["tolist"] = """The values as (nested) Python lists of numbers, as NumPy's `tolist`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).tolist()
[[1.0, 2.0], [3.0, 4.0]]
"""


# ------------------------------------------------------------------ autodiff and conversion
DOCS["data"] = """The values as a tensor that shares memory and is cut from the graph.
Assigning a tensor replaces the values (its shape and dtype too), as PyTorch's `.data`.

>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> x.data, x.data.requires_grad
(tensor([1., 2.]), False)
"""

DOCS["numpy"] = """The values as an ndarray that shares memory.

For a tensor that requires grad the array is read-only: the graph may hold these
values for backward, so a write through it would give a wrong gradient silently
(it fails at the line that writes instead). So is the array of any tensor whose
values a live node saved (a constant in `x * c`, or `x.detach()` while a graph
holds x), until backward has run or the graph is gone. Otherwise the array is
writable (as `x.detach().numpy()` in PyTorch) and writes are not tracked.

Args:
    force: PyTorch's keyword: accepted, and never needed (there is no device, lazy
        conjugate or tracking to resolve first).

Returns:
    An ndarray sharing this tensor's memory.

>>> tg.tensor([1.0, 2.0]).numpy()
array([1., 2.], dtype=float32)
>>> tg.tensor([1.0], requires_grad=True).numpy().flags.writeable
False
"""

DOCS["grad"] = """The accumulated gradient (a Tensor), or None. `backward` adds into it;
assign None (or `del x.grad`) to clear it.

>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> x.grad is None
True
>>> (x * x).sum().backward()
>>> x.grad
tensor([2., 4.])
"""

DOCS["detach"] = """A tensor with the same data (shared memory) and no history.

>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> d = x.detach()
>>> d, d.requires_grad
(tensor([1., 2.]), False)
"""

DOCS["retain_grad"] = """Keep the gradient of this non-leaf tensor in `.grad` after backward
(a leaf keeps its own anyway). RuntimeError for a tensor that does not require grad.

>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> y = x * 2
>>> y.retain_grad()
>>> y.sum().backward()
>>> y.grad
tensor([1., 1.])
"""

DOCS["register_hook"] = """Call `fn(grad)` when this tensor's gradient is computed; a returned
tensor replaces the gradient.

Args:
    fn: a callable taking the gradient (a Tensor) and returning a Tensor or None.

Returns:
    A handle whose `.remove()` takes the hook away.

Raises:
    TypeError: fn is not callable.
    RuntimeError: this tensor does not require grad.

>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> h = x.register_hook(lambda g: g * 10)
>>> (x * 2).sum().backward()
>>> x.grad
tensor([20., 20.])
>>> h.remove()
"""

DOCS["backward"] = """Accumulate d(self)/d(leaf) into every leaf's `.grad` (PyTorch style).

The graph is kept for another backward with retain_graph=True, and always with
create_graph=True (the new graph refers to it).

Args:
    gradient: the cotangent of this tensor (its shape); may be left out for a tensor
        with one element (1 is used).
    retain_graph: keep the graph's saved values for another backward.
    create_graph: record the backward itself, so the gradients can be differentiated
        again (higher-order derivatives).
    inputs: the leaves to accumulate into (a tensor or a sequence); None: all of them.

Raises:
    TypeError: gradient is not a tensor, array or number, or retain_graph not a bool.

>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> (x * 3).backward(tg.tensor([1.0, 0.5]))
>>> x.grad
tensor([3.0000, 1.5000])
>>> x = tg.tensor(2.0, requires_grad=True)
>>> (x ** 3).backward(create_graph=True)
>>> x.grad                                  # 3 x^2, recorded
tensor(12., grad_fn=<MulBackward>)
"""

DOCS["any"] = """Whether any element is true (over `axis`/`dim`), as a bool tensor.

Args:
    axis: the axis or axes to reduce (None: all).
    keepdims: keep the reduced axes with length 1.
    dim: PyTorch's name for axis.
    keepdim: PyTorch's name for keepdims.

>>> x = tg.tensor([[True, False], [False, False]])
>>> x.any(), x.any(dim=1)
(tensor(True), tensor([ True, False]))
"""

DOCS["all"] = """Whether every element is true (over `axis`/`dim`), as a bool tensor.

Args:
    axis: the axis or axes to reduce (None: all).
    keepdims: keep the reduced axes with length 1.
    dim: PyTorch's name for axis.
    keepdim: PyTorch's name for keepdims.

>>> x = tg.tensor([[True, False], [True, True]])
>>> x.all(), x.all(axis=1)
(tensor(False), tensor([False,  True]))
"""


def attach(cls):
    """Set the docstring of each member of `cls` named in DOCS and OP_DOCS (a
    property's on the property object, a method's on its function)."""
    for name, doc in {**DOCS, **OP_DOCS}.items():
        for klass in cls.__mro__:
            if name in vars(klass):
                vars(klass)[name].__doc__ = doc
                break
        else:
            raise AttributeError(f"_tensor_docs: {cls.__name__} has no member {name!r}")
