"""The shape-rearranging functions (ops/arrange.py) against NumPy's (values, over shapes
and axes, 0-d and empty inputs), their gradients against finite differences and PyTorch,
and their errors (each names the function and the argument)."""
import doctest

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad.ops import arrange, joinsplit
from tapegrad.ops.arrange import OuterTake, OuterTakeSum

RNG = np.random.default_rng(15)
SHAPES = [(), (0,), (4,), (2, 3), (3, 0, 2), (2, 3, 4)]


def _a(shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def _same(got, want):
    got = got.numpy() if isinstance(got, tg.Tensor) else np.asarray(got)
    want = np.asarray(want)
    assert got.shape == want.shape, (got.shape, want.shape)
    assert got.dtype == want.dtype, (got.dtype, want.dtype)
    np.testing.assert_array_equal(got, want)


def _same_list(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        _same(g, w)


def _axes_of(nd):
    """Single axes (both signs), pairs and None for an nd-dimensional input."""
    out = [None] + [a for a in range(-nd, nd)]
    if nd >= 2:
        out += [(0, -1), (-1, 0)]
    return out


def _gradcheck(f, *arrays):
    xs = [tg.tensor(a, requires_grad=True) for a in arrays]
    assert tg.gradcheck(f, xs)
    assert tg.gradgradcheck(f, xs)


# ------------------------------------------------------------------ values vs NumPy

@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_flip_equals_numpy_over_axes(shape):
    a = _a(shape)
    for axis in _axes_of(len(shape)):
        _same(tg.flip(tg.tensor(a), axis), np.flip(a, axis))
    if len(shape) >= 1:
        _same(tg.flipud(a), np.flipud(a))
        _same(tg.tensor(a).flip(0), np.flip(a, 0))
    if len(shape) >= 2:
        _same(tg.fliplr(tg.tensor(a)), np.fliplr(a))
        _same(tg.tensor(a).flip(0, 1), np.flip(a, (0, 1)))
        _same(tg.tensor(a).flip([1, 0]), np.flip(a, (0, 1)))
        _same(tg.tensor(a).flip(dims=(-1,)), np.flip(a, -1))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_roll_equals_numpy(shape):
    a = _a(shape)
    t = tg.tensor(a)
    for shift in (0, 1, -3, 7):
        _same(tg.roll(t, shift), np.roll(a, shift))
        for axis in _axes_of(len(shape))[1:]:
            _same(tnp.roll(t, shift, axis), np.roll(a, shift, axis))
    if len(shape) >= 2:
        _same(tg.roll(t, (1, 2), (0, 1)), np.roll(a, (1, 2), (0, 1)))
        # NumPy broadcasts shifts against axes and adds the shifts of one axis (tg.roll
        # is torch.roll, which needs one shift per dim: test_h13_torchedge_probes.py)
        _same(tnp.roll(t, (1, 2), 0), np.roll(a, (1, 2), 0))
        _same(tnp.roll(t, 1, (0, 1, 0)), np.roll(a, 1, (0, 1, 0)))
        _same(tg.roll(t, shifts=(1, -1), dims=(1, 0)), np.roll(a, (1, -1), (1, 0)))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_tile_equals_numpy(shape):
    a = _a(shape)
    for reps in (2, (2,), (1, 3), (2, 1, 2), (0, 2), (), (1, 1, 1, 2)):
        _same(tg.tile(tg.tensor(a), reps), np.tile(a, reps))


def test_tensor_repeat_tiles_as_pytorch():
    torch = pytest.importorskip("torch")
    a = _a((2, 3))
    for sizes in ((2, 1), (1, 2), (3, 2, 1), (2, 0)):
        _same(tg.tensor(a).repeat(*sizes), torch.from_numpy(a).repeat(*sizes).numpy())
    _same(tg.tensor(a).repeat((2, 2)), np.tile(a, (2, 2)))
    _same(tg.tensor(a).tile(2), torch.from_numpy(a).tile(2).numpy())
    _same(tg.tensor(a).repeat(2, axis=1), np.repeat(a, 2, axis=1))   # ndarray.repeat
    _same(tg.tensor(a).repeat([1, 2], axis=0), np.repeat(a, [1, 2], axis=0))
    with pytest.raises(ValueError, match="repeat: give at least one size per dimension"):
        tg.tensor(a).repeat(2)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_repeat_equals_numpy(shape):
    a = _a(shape)
    t = tg.tensor(a)
    for r in (0, 1, 3):
        _same(tg.repeat(t, r), np.repeat(a, r))
        for axis in range(-len(shape), len(shape)):
            _same(tg.repeat(t, r, axis), np.repeat(a, r, axis))
            _same(tg.repeat_interleave(t, r, axis), np.repeat(a, r, axis))
    for axis in range(len(shape)):
        reps = RNG.integers(0, 4, size=shape[axis])
        _same(tg.repeat(t, reps, axis), np.repeat(a, reps, axis))
        _same(tg.repeat(t, list(reps), axis), np.repeat(a, reps, axis))
        _same(tg.repeat_interleave(t, tg.tensor(reps), dim=axis), np.repeat(a, reps, axis))
    _same(tg.repeat(t, [2]), np.repeat(a, [2]))     # one entry broadcasts, as NumPy


def test_repeat_interleave_equals_torch():
    torch = pytest.importorskip("torch")
    a = _a((2, 3))
    reps = np.array([1, 0, 2])
    _same(tg.repeat_interleave(a, reps, dim=1),
          torch.repeat_interleave(torch.from_numpy(a), torch.from_numpy(reps), 1).numpy())
    _same(tg.tensor(a).repeat_interleave(2),
          torch.from_numpy(a).repeat_interleave(2).numpy())
    _same(tg.repeat_interleave(a, 2, 0, output_size=4), np.repeat(a, 2, 0))
    with pytest.raises(ValueError, match="repeat_interleave: output_size is 5"):
        tg.repeat_interleave(a, 2, 0, output_size=5)


@pytest.mark.parametrize("shape", [(2, 3), (3, 0, 2), (2, 3, 4), (1, 2, 1, 3)], ids=str)
def test_rot90_equals_numpy(shape):
    a = _a(shape)
    nd = len(shape)
    pairs = [(0, 1), (1, 0), (-1, 0), (0, nd - 1)]
    for k in range(-5, 6):
        for axes in pairs:
            _same(tg.rot90(tg.tensor(a), k, axes), np.rot90(a, k, axes))
    _same(tg.tensor(a).rot90(1, (1, 0)), np.rot90(a, 1, (1, 0)))


def test_rot90_turns_the_way_torch_does():
    torch = pytest.importorskip("torch")
    a = _a((2, 3, 4))
    for k in (-1, 1, 2, 3):
        _same(tg.rot90(a, k, dims=(2, 0)),
              torch.rot90(torch.from_numpy(a), k, (2, 0)).numpy())


@pytest.mark.parametrize("shape", [(0,), (4,), (2, 3), (2, 3, 4), (3, 0, 2)], ids=str)
def test_moveaxis_equals_numpy(shape):
    a = _a(shape)
    nd = len(shape)
    cases = [(0, -1), (-1, 0), (0, 0)]
    if nd >= 2:
        cases += [((0, 1), (1, 0)), ((0, -1), (-1, 0)), ([1], [0])]
    if nd >= 3:
        cases += [((0, 2), (2, 1)), ((2, 0, 1), (0, 1, 2))]
    for src, dst in cases:
        _same(tg.moveaxis(tg.tensor(a), src, dst), np.moveaxis(a, src, dst))
        _same(tg.movedim(a, src, dst), np.moveaxis(a, src, dst))
        _same(tg.tensor(a).movedim(src, dst), np.moveaxis(a, src, dst))


def test_broadcast_arrays_equal_numpy():
    a, b, c = _a((2, 1, 3)), _a((4, 1)), _a(())
    _same_list(tg.broadcast_arrays(tg.tensor(a), b, c), np.broadcast_arrays(a, b, c))
    _same_list(tg.broadcast_tensors(tg.tensor(a)), np.broadcast_arrays(a))
    _gradcheck(lambda x, y: tg.concatenate([tg.ravel(t) for t in tg.broadcast_arrays(x, y)]),
               _a((2, 1)), _a((3,)))


@pytest.mark.parametrize("shape", [(2,), (2, 3), (2, 3, 4), (1, 0, 2, 3)], ids=str)
def test_rollaxis_equals_numpy(shape):
    a = _a(shape)
    nd = len(shape)
    for axis in range(-nd, nd):
        for start in range(-nd, nd + 1):
            _same(tg.rollaxis(tg.tensor(a), axis, start), np.rollaxis(a, axis, start))
    with pytest.raises(np.exceptions.AxisError, match="rollaxis: start"):
        tg.rollaxis(a, 0, nd + 1)


def test_swapdims_and_unflatten_equal_torch():
    torch = pytest.importorskip("torch")
    a = _a((2, 6, 3))
    ta = torch.from_numpy(a)
    for d0, d1 in ((0, 2), (-1, 1), (1, 1)):
        _same(tg.swapdims(a, d0, d1), torch.swapdims(ta, d0, d1).numpy())
        _same(tg.tensor(a).swapdims(d0, d1), ta.swapdims(d0, d1).numpy())
    for dim, sizes in ((1, (2, 3)), (-2, (3, -1)), (0, (1, 2, 1)), (2, [3]), (1, (-1, 6))):
        _same(tg.unflatten(a, dim, sizes), torch.unflatten(ta, dim, tuple(sizes)).numpy())
        _same(tg.tensor(a).unflatten(dim, sizes), ta.unflatten(dim, tuple(sizes)).numpy())
    for sizes in ((4, 2), (-1, -1), (5, -1), ()):
        with pytest.raises(ValueError, match="unflatten: sizes"):
            tg.unflatten(a, 1, sizes)
    _gradcheck(lambda x: tg.unflatten(tg.swapdims(x, 0, 1), 0, (2, 3)) ** 2, _a((2, 6)))


def test_permute_and_ravel():
    a = _a((2, 3, 4))
    _same(tg.permute(a, (2, 0, 1)), np.transpose(a, (2, 0, 1)))
    _same(tg.permute(tg.tensor(a), 1, 2, 0), np.transpose(a, (1, 2, 0)))
    _same(tg.permute(a, (-1, 0, 1)), np.transpose(a, (2, 0, 1)))
    for shape in SHAPES:
        b = _a(shape)
        _same(tg.ravel(tg.tensor(b)), np.ravel(b))


# ------------------------------------------------------------------ pad

MODES = ["constant", "edge", "reflect", "symmetric", "wrap"]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("shape", [(), (1,), (4,), (2, 3), (3, 1, 2)], ids=str)
def test_pad_equals_numpy(mode, shape):
    a = _a(shape)
    nd = len(shape)
    widths = [0, 1, 3, (2,), (1, 2)]
    if nd:
        widths += [((1, 0),) * nd, tuple((i, 2 * i + 1) for i in range(nd))]
    for pw in widths:
        _same(tg.pad(tg.tensor(a), pw, mode=mode), np.pad(a, pw, mode=mode))


def test_pad_reflects_again_past_the_edge_as_numpy():
    a = _a((3, 2))
    for mode in ("reflect", "symmetric", "wrap"):
        _same(tg.pad(a, ((7, 5), (4, 9)), mode=mode), np.pad(a, ((7, 5), (4, 9)), mode=mode))


def test_pad_constant_values_per_side():
    a = _a((2, 3))
    for cv in (0, 2.5, (1, 2), ((1, 2), (3, 4)), ((-1,), (5,))):
        _same(tg.pad(a, ((1, 2), (2, 1)), constant_values=cv),
              np.pad(a, ((1, 2), (2, 1)), constant_values=cv))
    f = _a((2, 3), np.float32)
    _same(tg.pad(tg.tensor(f), 1, constant_values=0.1), np.pad(f, 1, constant_values=0.1))


def test_pad_of_empty_axes():
    a = _a((0, 2))
    _same(tg.pad(a, 1), np.pad(a, 1))
    _same(tg.pad(a, ((0, 0), (1, 1)), mode="edge"), np.pad(a, ((0, 0), (1, 1)), mode="edge"))
    with pytest.raises(ValueError, match="pad: cannot extend the empty axis 0"):
        tg.pad(a, 1, mode="edge")


@pytest.mark.parametrize("mode", MODES)
def test_pad_gradient_sums_back_every_copy(mode):
    a = _a((3, 4))
    pw = ((2, 4), (3, 1))
    _gradcheck(lambda x: tg.pad(x, pw, mode=mode) ** 2, a)
    # the gradient of a sum counts how often each element appears
    x = tg.tensor(a, requires_grad=True)
    tg.pad(x, pw, mode=mode).sum().backward()
    want = np.pad(np.arange(a.size).reshape(a.shape), pw, mode=mode)
    counts = np.bincount(want.ravel(), minlength=a.size).reshape(a.shape)
    if mode == "constant":
        counts = np.ones(a.shape)
    _same(x.grad, counts.astype(np.float64))


def test_pad_gradients_match_torch_reflect_and_replicate():
    torch = pytest.importorskip("torch")
    a = _a((2, 3, 4, 5))
    w = _a((2, 3, 7, 8))
    for mode, tmode in (("reflect", "reflect"), ("edge", "replicate"), ("wrap", "circular")):
        x = tg.tensor(a, requires_grad=True)
        out = tg.pad(x, ((0, 0), (0, 0), (1, 2), (2, 1)), mode=mode)
        (out * w).sum().backward()
        tx = torch.tensor(a, requires_grad=True)
        tout = torch.nn.functional.pad(tx, (2, 1, 1, 2), mode=tmode)
        (tout * torch.from_numpy(w)).sum().backward()
        np.testing.assert_allclose(out.numpy(), tout.detach().numpy(), rtol=0, atol=0)
        np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_pad_tangents_ignore_the_constant():
    a, u = _a((2, 2)), _a((2, 2))
    out, dout = tg.jvp(lambda x: tg.pad(x, 1, constant_values=3.0), (tg.tensor(a),),
                       (tg.tensor(u),))
    _same(out, np.pad(a, 1, constant_values=3.0))
    _same(dout, np.pad(u, 1))
    jac = tg.jacfwd(lambda x: tg.pad(x, ((1, 0), (0, 1)), constant_values=2.0))(tg.tensor(a))
    assert jac.shape == (3, 3, 2, 2)
    _same(jac, tg.jacrev(lambda x: tg.pad(x, ((1, 0), (0, 1)), constant_values=2.0))(
        tg.tensor(a)))


# ------------------------------------------------------------------ at least n-d, stacks

@pytest.mark.parametrize("shape", SHAPES + [(2, 3, 4, 1)], ids=str)
def test_atleast_equals_numpy(shape):
    a = _a(shape)
    for ours, theirs in ((tg.atleast_1d, np.atleast_1d), (tg.atleast_2d, np.atleast_2d),
                         (tg.atleast_3d, np.atleast_3d)):
        _same(ours(tg.tensor(a)), theirs(a))
        _same(ours(a), theirs(a))
        _same_list(ours(tg.tensor(a), 1.0), theirs(a, np.float32(1.0)))
        _same_list(ours((tg.tensor(a), tg.tensor(a))), theirs(a, a))   # PyTorch's form
    t = tg.tensor(_a((2, 3, 4)))
    assert tg.atleast_3d(t) is t and tg.atleast_1d(t) is t


STACK_INPUTS = [
    [(), ()], [(3,), (2,)], [(2, 3), (2, 1)], [(1, 2, 3), (1, 4, 3)], [(2,), (2,), (2,)],
    [(2, 3)], [(2, 0), (2, 2)], [(3,), (3, 2)], [(2, 2, 1), (2, 2, 3)], [(0,), (0,)],
    [(0, 2), (0, 1)],
]


@pytest.mark.parametrize("shapes", STACK_INPUTS, ids=str)
def test_stacks_equal_numpy(shapes):
    arrays = [_a(s) for s in shapes]
    for ours, theirs in ((tg.hstack, np.hstack), (tg.vstack, np.vstack),
                         (tg.row_stack, np.vstack), (tg.dstack, np.dstack),
                         (tg.column_stack, np.column_stack)):
        try:
            want = theirs(arrays)
        except ValueError:
            with pytest.raises(ValueError, match=ours.__name__ + ":"):
                ours([tg.tensor(a) for a in arrays])
            continue
        _same(ours([tg.tensor(a) for a in arrays]), want)
        _same(ours(tuple(arrays)), want)


def test_stacks_have_gradients():
    _gradcheck(lambda x, y: tg.vstack([x, y]), _a((3,)), _a((2, 3)))
    _gradcheck(lambda x, y: tg.column_stack([x, y]), _a((3,)), _a((3, 2)))
    _gradcheck(lambda x, y: tg.dstack([x, y]), _a((2, 2)), _a((2, 2, 2)))


@pytest.mark.parametrize("shapes,axis", [([(2, 3), (4,)], None), ([(2, 3), (1, 3)], 0),
                                         ([(2, 3), (2, 2)], -1), ([(), ()], None),
                                         ([(0,), (3,)], 0)], ids=str)
def test_append_equals_numpy(shapes, axis):
    a, b = (_a(s) for s in shapes)
    _same(tg.append(tg.tensor(a), tg.tensor(b), axis), np.append(a, b, axis))
    _same(tg.append(tg.tensor(a), b, axis=axis), np.append(a, b, axis))


def test_append_errors_name_append():
    with pytest.raises(ValueError, match="append: .*same number of dimensions"):
        tg.append(tg.zeros((2, 3)), tg.zeros(3), axis=0)
    with pytest.raises(ValueError, match="append: .*do not match outside axis 1"):
        tg.append(tg.zeros((2, 3)), tg.zeros((3, 3)), axis=1)


# ------------------------------------------------------------------ splits

@pytest.mark.parametrize("shape", [(0,), (5,), (6, 2), (2, 7, 3)], ids=str)
def test_array_split_equals_numpy(shape):
    a = _a(shape)
    for axis in range(-len(shape), len(shape)):
        for ios in (1, 2, 3, 7, [1, 3], [0, 2, 2, 9], [-2], [4, 1], []):
            _same_list(tg.array_split(tg.tensor(a), ios, axis), np.array_split(a, ios, axis))
        _same_list(tg.tensor_split(tg.tensor(a), 2, dim=axis), np.array_split(a, 2, axis))


def test_tensor_split_equals_torch():
    torch = pytest.importorskip("torch")
    a = _a((7, 2))
    for ios in (3, [1, 4], (2,)):
        ours = tg.tensor(a).tensor_split(ios)
        theirs = torch.from_numpy(a).tensor_split(ios)
        assert isinstance(ours, tuple)
        _same_list(ours, [t.numpy() for t in theirs])


@pytest.mark.parametrize("shape", [(4,), (6, 4), (2, 4, 6)], ids=str)
def test_hsplit_vsplit_dsplit_equal_numpy(shape):
    a = _a(shape)
    for ours, theirs, nd in ((tg.hsplit, np.hsplit, 1), (tg.vsplit, np.vsplit, 2),
                             (tg.dsplit, np.dsplit, 3)):
        if len(shape) < nd:
            with pytest.raises(ValueError, match=f"{ours.__name__}: x must have at least"):
                ours(tg.tensor(a), 2)
            continue
        for ios in (1, 2, 3, [1, 3]):
            try:
                want = theirs(a, ios)
            except ValueError:      # NumPy needs equal sections here
                with pytest.raises(ValueError, match=f"{ours.__name__}: 3 sections do not"):
                    ours(tg.tensor(a), ios)
                continue
            _same_list(ours(tg.tensor(a), ios), want)


def test_numpy_split_needs_equal_sections():
    a = _a((6, 2))
    _same_list(tg.ops.numpy_split(a, 3), np.split(a, 3))
    _same_list(tg.ops.numpy_split(a, [2, 5]), np.split(a, [2, 5]))
    with pytest.raises(ValueError, match="split: 4 sections do not divide axis 0"):
        tg.ops.numpy_split(a, 4)


def test_chunk_equals_torch():
    torch = pytest.importorskip("torch")
    for shape, chunks, dim in (((5,), 3, 0), ((6, 4), 4, 0), ((2, 7), 3, -1), ((0, 2), 3, 0),
                               ((6,), 6, 0), ((6,), 4, 0)):
        a = _a(shape)
        ours = tg.tensor(a).chunk(chunks, dim)
        theirs = torch.from_numpy(a).chunk(chunks, dim)
        _same_list(ours, [t.numpy() for t in theirs])


@pytest.mark.parametrize("shape", [(3,), (2, 3), (2, 0, 4), (1, 3, 2)], ids=str)
def test_unbind_and_narrow_equal_indexing(shape):
    a = _a(shape)
    for dim in range(-len(shape), len(shape)):
        ours = tg.unbind(tg.tensor(a), dim)
        assert isinstance(ours, tuple)
        _same_list(ours, [np.take(a, i, axis=dim) for i in range(a.shape[dim])])
        n = a.shape[dim]
        for start in range(-n, n + 1):
            for length in range(0, n - start % max(n, 1) + 1 if start < n else 1):
                want = np.take(a, range(start % max(n, 1), start % max(n, 1) + length),
                               axis=dim)
                _same(tg.tensor(a).narrow(dim, start, length), want)


def test_narrow_equals_torch():
    torch = pytest.importorskip("torch")
    a = _a((3, 5))
    for dim, start, length in ((0, 0, 2), (1, -3, 3), (1, 5, 0), (-1, 1, 4)):
        _same(tg.narrow(a, dim, start, length),
              torch.narrow(torch.from_numpy(a), dim, start, length).numpy())
    _same(tg.narrow(a, 1, tg.tensor(2), 2), a[:, 2:4])


def test_split_pieces_have_gradients():
    a = _a((5, 3))
    _gradcheck(lambda x: tg.concatenate([p * (i + 1) for i, p in
                                         enumerate(tg.array_split(x, 3))]), a)
    _gradcheck(lambda x: tg.stack([p * (i + 1) for i, p in enumerate(tg.unbind(x, 1))]), a)
    _gradcheck(lambda x: tg.narrow(x, 0, 1, 3) ** 2, a)


# ------------------------------------------------------------------ meshgrid

@pytest.mark.parametrize("shapes", [[(3,)], [(2,), (3,)], [(2,), (3,), (4,)], [(0,), (2,)],
                                    [(2, 2), (3,)], [(), (2,)], []], ids=str)
def test_meshgrid_equals_numpy(shapes):
    arrays = [_a(s) for s in shapes]
    for indexing in ("xy", "ij"):
        for sparse in (False, True):
            want = np.meshgrid(*arrays, indexing=indexing, sparse=sparse)
            got = tg.meshgrid(*[tg.tensor(a) for a in arrays], indexing=indexing,
                              sparse=sparse)
            assert isinstance(got, tuple)
            _same_list(got, want)


def test_meshgrid_default_is_pytorchs_ij_and_takes_a_list():
    torch = pytest.importorskip("torch")
    a, b = _a((2,)), _a((3,))
    theirs = torch.meshgrid(torch.from_numpy(a), torch.from_numpy(b), indexing="ij")
    _same_list(tg.meshgrid(tg.tensor(a), tg.tensor(b)), [t.numpy() for t in theirs])
    _same_list(tg.meshgrid([tg.tensor(a), tg.tensor(b)]), [t.numpy() for t in theirs])


def test_meshgrid_copies_are_writable_and_differentiable():
    x = tg.tensor(_a((3,)), requires_grad=True)
    y = tg.tensor(_a((2,)), requires_grad=True)
    with tg.no_grad():
        grid = tg.meshgrid(x, y)[0]
        grid[0, 0] = 7.0
    assert grid[0, 0].item() == 7.0 and x[0].item() != 7.0
    gx, gy = tg.meshgrid(x, y, indexing="xy")
    (gx * gy * gy).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), np.full(3, (y.numpy() ** 2).sum()))
    np.testing.assert_allclose(y.grad.numpy(), 2 * y.numpy() * x.numpy().sum())
    views = tg.meshgrid(x, y, copy=False)
    with pytest.raises(ValueError, match="read-only view"):
        views[0][0, 0] = 1.0


# ------------------------------------------------------------------ rules beyond the rows

def test_flip_and_roll_rules_on_batched_jacobians():
    a = _a((2, 3))
    for f in (lambda x: tg.flip(x, 1) * x, lambda x: tg.roll(x, (1, 2), (0, 1)) * x,
              lambda x: tg.tile(x, (2, 1, 2)).sum(0) * 1.5,
              lambda x: tg.repeat(x, np.array([1, 0, 3]), 1) ** 2,
              lambda x: tg.rot90(x, 1) @ x):
        j1 = tg.jacfwd(f)(tg.tensor(a))
        j2 = tg.jacrev(f)(tg.tensor(a))
        np.testing.assert_allclose(j1.numpy(), j2.numpy(), rtol=1e-12, atol=1e-12)
        assert tg.gradgradcheck(f, [tg.tensor(a, requires_grad=True)])


def test_grad_names():
    x = tg.tensor(_a((2, 3)), requires_grad=True)
    assert tg.flip(x, 0).grad_fn.name() == "FlipBackward"
    assert tg.roll(x, 1, 0).grad_fn.name() == "RollBackward"
    assert tg.tile(x, 2).grad_fn.name() == "TileBackward"
    assert tg.repeat(x, 2).grad_fn.name() == "RepeatBackward"
    assert tg.pad(x, 1).grad_fn.name() == "PadBackward"


def test_float32_stays_float32():
    a = _a((2, 3), np.float32)
    t = tg.tensor(a)
    for out in (tg.flip(t), tg.roll(t, 1), tg.tile(t, 2), tg.repeat(t, 2), tg.rot90(t),
                tg.pad(t, 1, mode="reflect"), tg.pad(t, 1, constant_values=2),
                tg.moveaxis(t, 0, 1), tg.hstack([t, t]), tg.meshgrid(t[0], t[1])[0]):
        assert out.dtype == np.float32


def test_flip_is_a_view_sharing_the_version():
    x = tg.tensor(_a((3,)), requires_grad=True)
    y = x * 1.0
    f = tg.flip(y)
    w = f * f
    with tg.no_grad():
        y[0] = 5.0
    with pytest.raises(RuntimeError):
        w.sum().backward()


# ------------------------------------------------------------------ errors

def test_errors_name_the_function_and_argument():
    x = tg.zeros((2, 3))
    cases = [
        (lambda: tg.flip(x, 2), np.exceptions.AxisError, r"flip: axis 2 is out of range"),
        (lambda: tg.flip(x, dims=(0, 0)), ValueError, r"flip: repeated axis in dims"),
        (lambda: tg.flip(x, 0.5), TypeError, r"flip: axis must be an int"),
        (lambda: tg.flip(x, 0, dims=0), TypeError, r"flip: give either axis= or dims="),
        (lambda: tg.fliplr(tg.zeros(3)), ValueError, r"fliplr: x must have at least 2"),
        (lambda: tg.flipud(tg.tensor(1.0)), ValueError, r"flipud: x must have at least 1"),
        (lambda: tg.flip("ab"), TypeError, r"flip: x must be a tensor"),
        (lambda: tg.roll(x, 1, 3), np.exceptions.AxisError, r"roll: axis 3 is out of range"),
        (lambda: tg.roll(x, (1, 2, 3), (0, 1)), ValueError, r"roll: shift .* do not pair"),
        (lambda: tg.roll(x, 1.5), TypeError, r"roll: shift must be an int"),
        (lambda: tg.roll(x), TypeError, r"roll: missing the shift"),
        (lambda: tg.tile(x, -1), ValueError, r"tile: reps must be >= 0"),
        (lambda: tg.tile(x, 1.5), TypeError, r"tile: reps must be an int"),
        (lambda: tg.repeat(x, -1), ValueError, r"repeat: repeats must be >= 0"),
        (lambda: tg.repeat(x, [1, 2], axis=1), ValueError,
         r"repeat: repeats has 2 entries, but axis 1 has length 3"),
        (lambda: tg.repeat(x, [1, -1, 1], axis=1), ValueError, r"repeat: repeats must be >= 0"),
        (lambda: tg.repeat(x, 1.5), TypeError, r"repeat: repeats must be an int"),
        (lambda: tg.repeat(x, np.array([1.0, 2.0, 3.0]), 1), TypeError,
         r"repeat: repeats must be an int or a 1-D sequence of ints"),
        (lambda: tg.repeat(x, 2, axis=2), np.exceptions.AxisError, r"repeat: axis 2"),
        (lambda: tg.repeat_interleave(x, 2, dim=-3), np.exceptions.AxisError,
         r"repeat_interleave: dim -3"),
        (lambda: tg.rot90(x, 1, (0, 0)), ValueError, r"rot90: the two axes must differ"),
        (lambda: tg.rot90(x, 1, (0, 1, 2)), ValueError, r"rot90: axes must be two axes"),
        (lambda: tg.rot90(tg.zeros(3)), ValueError, r"rot90: x must have at least 2"),
        (lambda: tg.rot90(x, 1.0), TypeError, r"rot90: k must be an int"),
        (lambda: tg.rot90(x, dims=(0, 5)), np.exceptions.AxisError, r"rot90: dims 5"),
        (lambda: tg.pad(x, -1), ValueError, r"pad: pad_width must be >= 0"),
        (lambda: tg.pad(x, ((1, 2), (1, 2), (1, 2))), ValueError, r"pad: pad_width must be"),
        (lambda: tg.pad(x, 1.5), TypeError, r"pad: pad_width must be ints"),
        (lambda: tg.pad(x, 1, mode="mean"), ValueError, r"pad: mode 'mean' is not supported"),
        (lambda: tg.pad(x, 1, constant_values="a"), TypeError,
         r"pad: constant_values must be numbers"),
        (lambda: tg.pad(x, 1, constant_values=(1, 2, 3)), ValueError,
         r"pad: constant_values must be n, \(n,\), \(before, after\)"),
        (lambda: tg.pad(x, 1, mode="reflect", reflect_type="odd"), ValueError,
         r"pad: reflect_type 'odd'"),
        (lambda: tg.moveaxis(x, 0, 2), np.exceptions.AxisError,
         r"moveaxis: destination 2 is out of range"),
        (lambda: tg.moveaxis(x, (0, 1), 0), ValueError, r"moveaxis: source and destination"),
        (lambda: tg.moveaxis(x, (0, 0), (0, 1)), ValueError, r"moveaxis: repeated axis in source"),
        (lambda: tg.permute(x, (0,)), ValueError, r"permute: dims \(0,\) are not a perm"),
        (lambda: tg.hstack(x), TypeError, r"hstack: tensors must be a list"),
        (lambda: tg.vstack([]), ValueError, r"vstack: need at least one tensor"),
        (lambda: tg.vstack([x, tg.zeros(2)]), ValueError, r"vstack: shapes"),
        (lambda: tg.array_split(x, 0), ValueError, r"array_split: the number of sections"),
        (lambda: tg.array_split(x, 1.5), TypeError, r"array_split: indices_or_sections"),
        (lambda: tg.array_split(x, 2, axis=2), np.exceptions.AxisError, r"array_split: axis"),
        (lambda: tg.hsplit(tg.tensor(1.0), 1), ValueError, r"hsplit: x must have at least 1"),
        (lambda: tg.chunk(x, 0), ValueError, r"chunk: chunks must be > 0"),
        (lambda: tg.unbind(tg.tensor(1.0)), np.exceptions.AxisError, r"unbind: dim 0"),
        (lambda: tg.narrow(x, 1, 2, 2), ValueError, r"narrow: start \(2\) \+ length \(2\)"),
        (lambda: tg.narrow(x, 1, 4, 0), IndexError, r"narrow: start 4 is out of range"),
        (lambda: tg.narrow(x, 1, 3, 1), ValueError, r"narrow: start \(3\) \+ length \(1\)"),
        (lambda: tg.broadcast_arrays(x, tg.zeros(2)), ValueError,
         r"broadcast_arrays: shapes \(2, 3\), \(2,\) cannot"),
        (lambda: tg.tensor(_a((2, 2))).flip(0, dims=1), TypeError, r"flip: give dims"),
        (lambda: tg.narrow(x, 1, 0, -1), ValueError, r"narrow: length must be >= 0"),
        (lambda: tg.narrow(x, 2, 0, 1), np.exceptions.AxisError, r"narrow: dim 2"),
        (lambda: tg.meshgrid(x, indexing="yx"), ValueError, r"meshgrid: indexing must be"),
        (lambda: tg.atleast_2d(None), TypeError, r"atleast_2d: x must be a tensor"),
        (lambda: tg.tensor(_a((2, 2))).flip(), TypeError, r"flip: missing dims"),
    ]
    for fn, err, pattern in cases:
        with pytest.raises(err, match=pattern):
            fn()


def test_axis_errors_are_numpy_axis_errors():
    # AxisError is a ValueError and an IndexError, so NumPy-style handlers catch it
    with pytest.raises(ValueError):
        tg.flip(tg.zeros(2), 1)
    with pytest.raises(IndexError):
        tg.moveaxis(tg.zeros(2), 1, 0)


def test_outer_take_sum_equals_add_at():
    for idx0, idx1 in ((np.array([1, 1, 0, 3]), None), (np.array([], dtype=np.int64),
                                                          np.array([2, 2, 2])),
                       (np.array([0, 2, 1]), np.array([0, 0, 1, 2, 0]))):
        g = _a((len(idx0), 3 if idx1 is None else len(idx1)), np.float32)
        want = np.zeros((4, 3), np.float32)
        np.add.at(want, np.ix_(idx0, np.arange(3) if idx1 is None else idx1), g)
        got = tg.ops.apply(OuterTakeSum, g, index=(idx0, idx1), shape=(4, 3))
        np.testing.assert_allclose(got.numpy(), want, rtol=1e-6)
        assert got.dtype == np.float32
        x = _a((4, 3))
        taken = tg.ops.apply(OuterTake, x, index=(idx0, idx1))
        _same(taken, x[np.ix_(idx0, np.arange(3) if idx1 is None else idx1)])


@pytest.mark.parametrize("module", [arrange, joinsplit], ids=lambda m: m.__name__)
def test_docstring_examples_run(module):
    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    result = doctest.testmod(module, extraglobs={"tg": tg}, optionflags=flags)
    assert result.failed == 0 and result.attempted >= 10


def test_tensor_methods_equal_torchs():
    torch = pytest.importorskip("torch")
    a = _a((2, 3, 4))
    t, ta = tg.tensor(a), torch.from_numpy(a)
    calls = [("flip", (0, 2)), ("flip", ((1,),)), ("fliplr", ()), ("flipud", ()),
             ("roll", (1,)), ("roll", ((1, -1), (0, 2))), ("rot90", (1, (1, 2))),
             ("repeat", (1, 2, 1, 1)), ("tile", ((2,),)), ("repeat_interleave", (2, 1)),
             ("movedim", (0, 2)), ("moveaxis", ((0, 1), (1, 0))), ("narrow", (2, 1, 2)),
             ("unbind", (1,)), ("chunk", (2, 2)), ("tensor_split", (3, 1))]
    for name, args in calls:
        ours = getattr(t, name)(*args)
        theirs = getattr(ta, name)(*args)
        if isinstance(theirs, tuple):
            _same_list(ours, [x.numpy() for x in theirs])
        else:
            _same(ours, theirs.numpy())
