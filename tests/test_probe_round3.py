"""Hostile probes, round 3: `.grad` accumulation as torch 2.13 does it, `.real`/`.imag` as
views, transforms of custom_jvp functions, and the newer fronts (tapegrad.numpy, tg.jit,
tg.checkpoint, DataLoader samplers, nn layers and losses) given bad arguments. Each
finding's test failed on the code before its fix (a silently wrong value, a write that
went nowhere or happened twice, or an error from an internal frame); expected values are
PyTorch 2.13's or NumPy's, written out so the file needs neither torch nor JAX."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad.function.trace import TraceError

F64 = tg.float64


def _leaf(values):
    return tg.tensor(np.asarray(values, dtype=np.float64), requires_grad=True)


# ------------------------------------------------------------------ .grad accumulation
# torch's AccumulateGrad: a leaf's existing .grad is added to IN PLACE outside
# create_graph (a reference taken earlier sees the sum; a tensor assigned to .grad is
# written), out of place under create_graph and for retain_grad of a non-leaf.


def test_grad_reference_sees_the_next_backward_sum():
    x = _leaf([1.0, 2.0])
    (x * 3).sum().backward()
    g = x.grad
    (x * 5).sum().backward()
    assert x.grad is g                      # torch: same object, summed in place
    np.testing.assert_array_equal(g.numpy(), [8.0, 8.0])


def test_assigned_grad_tensor_is_accumulated_into():
    x = _leaf([1.0, 2.0])
    buf = tg.zeros(2, dtype=F64)
    x.grad = buf
    (x * 2).sum().backward()
    assert x.grad is buf
    np.testing.assert_array_equal(buf.numpy(), [2.0, 2.0])


def test_zeroed_grad_is_reused_as_torch():
    # optimizer.zero_grad(set_to_none=False) then backward: the same tensor holds the sum
    x = _leaf([1.0, 2.0])
    (x * 2).sum().backward()
    g = x.grad
    g.zero_()
    (x * 7).sum().backward()
    assert x.grad is g
    np.testing.assert_array_equal(g.numpy(), [7.0, 7.0])


def test_plain_backward_after_create_graph_adds_in_place():
    x = _leaf([1.0, 2.0])
    (x * x).sum().backward(create_graph=True)
    g = x.grad
    (x * 3).sum().backward()
    assert x.grad is g
    np.testing.assert_array_equal(g.detach().numpy(), [5.0, 7.0])


def test_create_graph_accumulation_stays_out_of_place():
    x = _leaf([1.0, 2.0])
    (x * x).sum().backward(create_graph=True)
    g = x.grad
    (x * x).sum().backward(create_graph=True)
    assert x.grad is not g
    np.testing.assert_array_equal(g.detach().numpy(), [2.0, 4.0])
    np.testing.assert_array_equal(x.grad.detach().numpy(), [4.0, 8.0])
    assert x.grad.requires_grad


def test_retain_grad_of_a_non_leaf_accumulates_out_of_place():
    x = _leaf([1.0, 2.0])
    h = x * 1
    h.retain_grad()
    (h * 2).sum().backward(retain_graph=True)
    gh = h.grad
    (h * 3).sum().backward()
    assert h.grad is not gh
    np.testing.assert_array_equal(gh.numpy(), [2.0, 2.0])
    np.testing.assert_array_equal(h.grad.numpy(), [5.0, 5.0])


def test_first_grad_does_not_alias_the_given_gradient():
    x = _leaf([1.0, 2.0])
    seed = tg.ones(2, dtype=F64)
    x.backward(seed)
    seed.add_(1.0)
    np.testing.assert_array_equal(x.grad.numpy(), [1.0, 1.0])


# ------------------------------------------------------------------ .real / .imag are views

def test_write_through_real_and_imag_changes_the_complex_tensor():
    # torch: z.real and z.imag are views; was a copy here, so the write went nowhere
    z = tg.tensor(np.array([1 + 2j, 3 - 1j]))
    z.real[0] = 10.0
    z.imag[1] = 5.0
    np.testing.assert_array_equal(z.numpy(), [10 + 2j, 3 + 5j])


def test_real_view_sees_a_later_unrecorded_change_of_z():
    z = tg.tensor(np.array([1 + 2j, 3 - 1j]))
    r = z.real
    with tg.no_grad():
        z.mul_(2)
    np.testing.assert_array_equal(r.numpy(), [2.0, 6.0])


def test_recorded_write_through_imag_is_never_lost():
    # was: w.imag.mul_(3) changed a copy, and the gradient ignored it silently. Now the
    # write reaches w, the gradient through the view is torch's, and a later recorded
    # use of w (whose own node predates the write) raises instead of being wrong
    z = tg.tensor(np.array([1 + 2j, 3 - 1j]), requires_grad=True)
    w = z * 2
    v = w.imag
    v.mul_(3)
    np.testing.assert_array_equal(w.detach().numpy(), [2 + 12j, 6 - 6j])
    v.sum().backward()
    np.testing.assert_array_equal(z.grad.numpy(), [6j, 6j])        # torch's
    with pytest.raises(RuntimeError, match="view"):
        w.real.sum().backward()


def test_gradients_through_real_and_imag_unchanged():
    z = tg.tensor(np.array([1 + 2j, 3 - 1j]), requires_grad=True)
    w = z * 2
    (w.real * tg.tensor([1.0, 2.0], dtype=F64) + w.imag ** 2).sum().backward()
    # torch: d/dz of Re(2z) a + Im(2z)^2 is 2a + i 2 Im(2z) 2
    np.testing.assert_allclose(z.grad.numpy(), [2 + 16j, 4 - 8j])


def test_real_of_a_real_tensor_is_itself_and_imag_a_zero_copy():
    x = tg.tensor([1.0, 2.0])
    assert x.real is x
    im = x.imag
    im[0] = 4.0
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])


# ------------------------------------------------------------------ custom_jvp in transforms

@tg.custom_jvp
def _csin(x):
    return tg.sin(x)


@_csin.defjvp
def _csin_jvp(primals, tangents):
    (x,), (t,) = primals, tangents
    return _csin(x), tg.cos(x) * t


@pytest.mark.parametrize("transform", [
    lambda f: tg.hessian(lambda x: f(x).sum()),
    lambda f: tg.jacrev(f),
    lambda f: tg.jacfwd(tg.jacrev(lambda x: f(x).sum())),
])
def test_transforms_of_custom_jvp_are_detached_like_any_function(transform):
    # was: hessian/jacrev of a custom_jvp function kept a grad_fn (the transposed rule
    # recorded into an outer graph that nothing had asked for)
    x = tg.tensor([0.5, 1.0], dtype=F64)
    got = transform(_csin)(x)
    ref = transform(tg.sin)(x)
    assert not got.requires_grad and got.grad_fn is None
    np.testing.assert_allclose(got.numpy(), ref.numpy(), rtol=1e-12, atol=1e-15)


def test_hessian_of_custom_jvp_stays_differentiable_for_a_traced_input():
    x = _leaf([0.5, 1.0])
    h = tg.hessian(lambda v: _csin(v).sum())(x)
    (g,) = tg.autograd.grad(h.trace(), x)
    np.testing.assert_allclose(g.numpy(), -np.cos([0.5, 1.0]), rtol=1e-12)


# ------------------------------------------------------------------ tg.jit / tg.function

def test_jit_applies_an_input_write_once():
    # was: the trace wrote into the caller's tensor, was refused, and jit's eager rerun
    # wrote again ([1, 2] became [3, 4])
    def bump(x):
        x.add_(1.0)
        return x

    x = tg.tensor([1.0, 2.0])
    out = tg.jit(bump)(x)
    np.testing.assert_array_equal(x.numpy(), [2.0, 3.0])
    assert out is x


def test_refused_trace_puts_the_callers_tensor_back():
    def scale(x):
        x.reshape(2)[0] = 7.0          # through a view of the input
        return x.sum()

    x = tg.tensor([1.0, 2.0])
    with pytest.raises(TraceError, match="in place"):
        tg.function(scale)(x)
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])


# ------------------------------------------------------------------ tg.checkpoint

def test_checkpoint_takes_torchs_keywords_instead_of_passing_them_on():
    # was: use_reentrant=False reached f as a keyword (TypeError inside f)
    x = _leaf([1.0, 2.0])
    out = tg.checkpoint(lambda v: tg.sin(v) * 2, x, use_reentrant=False,
                        preserve_rng_state=True, determinism_check="default")
    out.sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * np.cos([1.0, 2.0]))
    with pytest.raises(TypeError, match="use_reentrant"):
        tg.checkpoint(lambda v: v, x, use_reentrant="no")
    with pytest.raises(TypeError, match="context_fn"):
        tg.checkpoint(lambda v: v, x, context_fn=lambda: None)


def test_checkpoint_with_non_tensor_outputs_and_inplace_inside():
    x = _leaf([1.0, 2.0])

    def f(v):
        y = v * 1
        y.mul_(3)
        return tg.sin(y), 3, "s"

    out, n, s = tg.checkpoint(f, x, use_reentrant=False)
    out.sum().backward()
    assert (n, s) == (3, "s")
    np.testing.assert_allclose(x.grad.numpy(), 3 * np.cos([3.0, 6.0]))


# ------------------------------------------------------------------ DataLoader / samplers

def test_shuffled_loader_of_an_empty_dataset_is_a_value_error():
    # was: ZeroDivisionError inside RandomSampler.__iter__; torch: ValueError at creation
    from tapegrad.utils.data import DataLoader, RandomSampler, TensorDataset
    empty = TensorDataset(tg.zeros(0, 2))
    with pytest.raises(ValueError, match="num_samples"):
        DataLoader(empty, batch_size=2, shuffle=True)
    assert list(DataLoader(empty, batch_size=2)) == []
    with pytest.raises(ValueError, match="empty dataset"):
        list(RandomSampler([], num_samples=3))
    with pytest.raises(ValueError, match="empty dataset"):
        list(RandomSampler([], replacement=True, num_samples=3))


# ------------------------------------------------------------------ nn layers and losses

def test_bilinear_refuses_batch_shapes_that_einsum_would_broadcast():
    # torch: "input batch dimensions do not match"; was: a (1, 2) input broadcast silently
    F = tg.nn.functional
    w = tg.ones(4, 2, 3)
    with pytest.raises(ValueError, match="same batch shape"):
        F.bilinear(tg.ones(1, 2), tg.ones(5, 3), w)
    with pytest.raises(ValueError, match="bias"):
        F.bilinear(tg.ones(5, 2), tg.ones(5, 3), w, tg.ones(3))
    with pytest.raises(ValueError, match="3-D"):
        F.bilinear(tg.ones(5, 2), tg.ones(5, 3), tg.ones(2, 3))
    assert F.bilinear(tg.ones(2), tg.ones(3), w).shape == (4,)


def test_layers_name_themselves_and_the_expected_shape():
    with pytest.raises(ValueError, match=r"Bilinear\(in1_features=2.*input2 of shape \(\*, 3\)"):
        tg.nn.Bilinear(2, 3, 4)(tg.ones(5, 2), tg.ones(5, 2))
    with pytest.raises(ValueError, match=r"RMSNorm\(\(4,\)\): expected input of shape \(\*, 4\)"):
        tg.nn.RMSNorm(4)(tg.ones(2, 3))


@pytest.mark.parametrize("loss, args", [
    (tg.nn.functional.kl_div, (tg.zeros(2, 3), tg.zeros(3, 3))),
    (tg.nn.functional.poisson_nll_loss, (tg.zeros(2, 3), tg.zeros(2, 4))),
    (tg.nn.functional.margin_ranking_loss, (tg.zeros(2), tg.zeros(3), tg.zeros(2))),
    (tg.nn.functional.triplet_margin_loss, (tg.zeros(2, 3), tg.zeros(2, 4), tg.zeros(2, 3))),
])
def test_losses_name_themselves_for_shapes_that_do_not_broadcast(loss, args):
    # was: "mul: shapes ... cannot be broadcast" / "sub: ..." from inside the loss
    with pytest.raises(ValueError, match=loss.__name__ + ".*do not broadcast"):
        loss(*args)


# ------------------------------------------------------------------ tapegrad.numpy

def test_tnp_sort_checks_kind_and_order_as_numpy():
    a = tnp.array([3.0, 1.0])
    with pytest.raises(ValueError, match="sort kind"):
        tnp.sort(a, kind="x")               # was silently accepted
    with pytest.raises(ValueError, match="order"):
        tnp.sort(a, order="f")
    assert tnp.sort(a, kind="mergesort").tolist() == [1.0, 3.0]


def test_tnp_linspace_of_tensors_refuses_an_out_of_range_axis():
    # was: axis % ndim put the new axis somewhere else (axis=5 of 2 dims -> 1)
    with pytest.raises(np.exceptions.AxisError):
        tnp.linspace(tnp.zeros(2), tnp.ones(2), 3, axis=5)
    got = tnp.linspace(tnp.zeros(2), tnp.ones(2), 3, axis=-1)
    np.testing.assert_array_equal(got.numpy(), np.linspace(np.zeros(2), np.ones(2), 3, axis=-1))


def test_tnp_average_raises_numpys_errors():
    a = tnp.ones((2, 3))
    with pytest.raises(ZeroDivisionError):          # was: nan, silently
        tnp.average(a, weights=tnp.zeros((2, 3)))
    with pytest.raises(TypeError, match="axis must be specified"):   # was ValueError of mul
        tnp.average(a, weights=tnp.ones(2))
    with pytest.raises(TypeError, match="1D weights"):
        tnp.average(tnp.ones((2, 3, 4)), axis=1, weights=tnp.ones((3, 4)))
    with pytest.raises(ValueError, match="not compatible"):
        tnp.average(a, axis=0, weights=tnp.ones(3))
    w = tnp.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(
        tnp.average(tnp.arange(6.0).reshape(2, 3), axis=-1, weights=w).numpy(),
        np.average(np.arange(6.0).reshape(2, 3), axis=-1, weights=[1.0, 2.0, 3.0]))


def test_tnp_average_gradient_in_weights_still_flows():
    w = _leaf([3.0, 1.0, 0.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        avg = tnp.average(tnp.array([1.0, 2.0, 3.0]), weights=w)
    avg.backward()
    np.testing.assert_allclose(w.grad.numpy(), [-0.0625, 0.1875, 0.4375])


# ------------------------------------------------------------------ tf_data.Dataset

def test_dataset_unbatch_of_a_batched_range_gives_arrays():
    # was: make(a[i]) held a NumPy scalar, and np.asarray of the element failed
    from tapegrad.tf_data import Dataset
    got = [np.asarray(v).tolist() for v in Dataset.range(4).batch(2).unbatch()]
    assert got == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="scalar"):
        list(Dataset.range(3).unbatch())


def test_dataset_shuffle_with_a_seed_repeats_in_a_new_dataset():
    # TF's ShuffleDataset seeds from (global seed, seed): a new pipeline with the same
    # seed gives the same order (the random ops' per-call counter made each differ)
    from tapegrad.tf_data import Dataset

    def order():
        return [int(v) for v in Dataset.range(8).shuffle(8, seed=3)]

    first = order()
    assert order() == first and sorted(first) == list(range(8))
    ds = Dataset.range(8).shuffle(8, seed=3)
    assert [int(v) for v in ds] == first          # its first pass, then new orders
    fixed = Dataset.range(8).shuffle(8, seed=3, reshuffle_each_iteration=False)
    assert [int(v) for v in fixed] == [int(v) for v in fixed] == first


def test_dataset_batch_of_ragged_elements_names_the_component():
    from tapegrad.tf_data import Dataset
    ds = Dataset.range(3).map(lambda v: tg.ones(int(v) + 1)).batch(2)
    with pytest.raises(ValueError, match="Dataset.batch: .*different shapes in component 0"):
        list(ds)


# ------------------------------------------------------------------ gradients at the edges

def test_logit_slope_is_nan_outside_0_1_as_torch():
    # was a finite slope 1/(x(1-x)) where the value is nan; torch 2.13: nan
    x = _leaf([-1.0, 0.25, 1.5, 0.0, 1.0])
    tg.logit(x).sum().backward()
    g = x.grad.numpy()
    assert np.isnan(g[[0, 2]]).all()
    np.testing.assert_allclose(g[1], 16.0 / 3.0)
    assert np.isposinf(g[3]) and np.isposinf(g[4])
    y = _leaf([-1.0, 0.25])
    tg.logit(y, eps=0.1).sum().backward()
    np.testing.assert_allclose(y.grad.numpy(), [0.0, 16.0 / 3.0])
    assert tg.gradgradcheck(tg.logit, (np.array([0.2, 0.7]),))


def test_binary_cross_entropy_at_saturated_probabilities_pulls_as_torch():
    # was: the clamped composite gave 0 for a confidently wrong p (a float32 sigmoid
    # rounds to exactly 1.0 past 17) and +-1/(1-p) for a right one; torch 2.13:
    # (p - y) / max(p (1 - p), float32(1e-12)), and -logit(p) for the target
    F = tg.nn.functional
    p = _leaf([0.0, 1.0, 0.0, 1.0, 0.25])
    y = _leaf([0.0, 1.0, 1.0, 0.0, 1.0])
    loss = F.binary_cross_entropy(p, y, reduction="sum")
    loss.backward()
    np.testing.assert_array_equal(loss.detach().numpy(), 200.0 - np.log(0.25))
    big = 1.0 / float(np.float32(1e-12))
    np.testing.assert_array_equal(p.grad.numpy(), [0.0, 0.0, -big, big, -4.0])
    np.testing.assert_array_equal(y.grad.numpy()[:4], [np.inf, -np.inf, np.inf, -np.inf])
    np.testing.assert_allclose(y.grad.numpy()[4], np.log(3.0))
    w = _leaf([0.3, 0.8])
    F.binary_cross_entropy(w, tg.tensor([0.0, 1.0], dtype=F64), weight=tg.tensor(
        [2.0, 0.5], dtype=F64)).backward()
    np.testing.assert_allclose(w.grad.numpy(), [2.0 * 0.3 / 0.21 / 2, 0.5 * -0.2 / 0.16 / 2])


def test_dataloader_refuses_worker_options_without_workers_as_torch():
    from tapegrad.utils.data import DataLoader
    with pytest.raises(ValueError, match="prefetch_factor"):
        DataLoader(range(3), prefetch_factor=2)
    with pytest.raises(ValueError, match="persistent_workers"):
        DataLoader(range(3), persistent_workers=True)
    with pytest.raises(ValueError, match="timeout"):
        DataLoader(range(3), timeout=-1)
    assert [int(b) for b in DataLoader(range(3), num_workers=1, prefetch_factor=2,
                                       persistent_workers=True)] == [0, 1, 2]


@pytest.mark.parametrize("fn", [
    lambda m, a: m.gradient(a, axis=5),
    lambda m, a: m.trapezoid(a, axis=5),
    lambda m, a: m.gradient(a, axis=-3),
])
def test_tnp_gradient_and_trapezoid_refuse_an_out_of_range_axis(fn):
    # was: axis % ndim differentiated or integrated along another axis, silently
    a = np.arange(6.0).reshape(2, 3)
    with pytest.raises(IndexError):         # NumPy's AxisError (an IndexError) / IndexError
        fn(np, a)
    with pytest.raises(np.exceptions.AxisError):
        fn(tnp, tnp.array(a))


def test_tnp_rollaxis_and_expand_dims_check_axes_as_numpy():
    # were: axis % ndim (a silently wrong layout) and a StopIteration for a repeated axis
    a = tnp.zeros((2, 3, 4))
    with pytest.raises(np.exceptions.AxisError):
        tnp.rollaxis(a, 5)
    with pytest.raises(np.exceptions.AxisError):
        tnp.rollaxis(a, 0, 9)
    assert tnp.rollaxis(a, -1, -2).shape == np.rollaxis(np.zeros((2, 3, 4)), -1, -2).shape
    with pytest.raises(np.exceptions.AxisError):
        tnp.expand_dims(a, (0, 9))
    with pytest.raises(ValueError, match="repeated axis"):
        tnp.expand_dims(a, (0, 0))
    assert tnp.expand_dims(a, (0, -1)).shape == (1, 2, 3, 4, 1)


def test_recorded_write_into_a_function_result_view_is_refused_as_eager_views():
    # was: o[0] = 4 went through into the argument; for a non-leaf argument its history
    # stayed x * 1, so y.sum().backward() gave x.grad [1, 1] (torch: [0, 1]); for a leaf
    # the leaf changed in place
    h = tg.function(lambda v: v.reshape(2))
    x = _leaf([1.0, 2.0])
    y = x * 1
    with pytest.raises(RuntimeError, match="view of its argument"):
        h(y)[0] = 4.0
    with pytest.raises(RuntimeError, match="view of a leaf"):
        h(x).mul_(3.0)
    with pytest.raises(RuntimeError, match="view of a leaf"):
        tg.function(lambda z: z.real)(tg.tensor(np.array([1 + 2j]), requires_grad=True))[0] = 5.0
    np.testing.assert_array_equal(x.detach().numpy(), [1.0, 2.0])
    plain = tg.tensor([1.0, 2.0])
    h(plain)[0] = 3.0                       # nothing recorded: writes through, as a view
    np.testing.assert_array_equal(plain.numpy(), [3.0, 2.0])
