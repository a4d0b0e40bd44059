"""tg.vmap's placeholders: every way of reading one as numbers runs the function once per
example (or raises), never on the placeholder's garbage; and the leftovers of the audit
(nonzero / masked_select, autograd.Function without a vmap rule, tg.function around
vmap(grad), out= writes, per-example output structures)."""
import warnings

import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp
from tapegrad._graph import Node
from tapegrad.function.trace import TraceError
from tapegrad.vmap import BatchedWriteError, DynamicShapeError

X = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -3.0], [2.0, 4.0, 1.0]])


def _loop(f, *args):
    return np.stack([np.asarray(f(*(a[b] for a in args)).numpy()) for b in range(3)])


def test_node_and_tensor_define_no_getattr():
    # a __getattr__ on either slows every attribute miss in the backward loop (a merged
    # Node.__getattr__ cost 10% of every backward)
    for cls in (Node, tg.Tensor):
        for k in cls.__mro__[:-1]:
            assert "__getattr__" not in vars(k), f"{k.__name__} defines __getattr__"


# each read the placeholder's garbage (NaN, a huge int) before; now one example at a time
READS = {
    "iterate": lambda x: tg.tensor([2 * float(v) for v in list(x._data)]),
    "element": lambda x: x * x._data[(0,)].item(),
    "copy": lambda x: tg.tensor(np.asarray(x._data.copy())) * 2,
    "astype": lambda x: tg.tensor(np.asarray(x._data.astype(np.float32))) * 2,
    "ravel": lambda x: tg.tensor(np.asarray(x._data.ravel())) * 2,
    "list of tensors": lambda x: tnp.asarray([x, 2 * x]).sum(0),
    "tensor of a list": lambda x: tg.tensor([x[0], x[2]]),
    "new_tensor": lambda x: x.new_tensor(x) * 2,
    # ndarray methods NumPy runs in C without asking the placeholder
    "argmax": lambda x: x * float(np.asarray(x._data.argmax())),
    "dot": lambda x: x * tg.tensor(x._data.dot(np.ones(3))),
    "searchsorted": lambda x: x * float(np.asarray(x._data.searchsorted(0.75))),
    "deepcopy": lambda x: __import__("copy").deepcopy(x) * 2,
    "fill": lambda x: (lambda y: (y._data.fill(2.0), y * x)[1])(x * 1),
}


@pytest.mark.parametrize("name", sorted(READS))
def test_raw_reads_run_once_per_example(name):
    f = READS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        got = tg.vmap(f)(tg.tensor(X))
    np.testing.assert_allclose(got.numpy(), _loop(f, tg.tensor(X)), rtol=1e-6)


def test_integer_arguments_read_as_numbers_equal_the_loop():
    x, k = tg.tensor(X), tg.tensor([1, 2, 0])
    cases = [lambda a, s: tg.roll(a, s), lambda a, s: tg.full_like(a, s),
             lambda a, s: tnp.partition(a, s), lambda a, s: tg.tensor_split(a, s[None])[0].sum(),
             lambda a, s: tg.quantile(a, s / 2), lambda a, s: tg.linspace(s, 5, 3) + a[0],
             lambda a, s: tnp.ravel_multi_index(
                 (s[None], s[None]), (3, 3))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for f in cases:
            np.testing.assert_allclose(tg.vmap(f)(x, k).numpy(), _loop(f, x, k))
            np.testing.assert_allclose(tg.vmap(f, in_axes=(None, 0))(x[0], k).numpy(),
                                       _loop(lambda s: f(x[0], s), k))


def test_slogdet_sign_stays_batched():
    A = tg.tensor(np.array([np.eye(2), -np.eye(2)[::-1], 2 * np.eye(2)]))
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)      # no per-example fallback
        s, ld = tg.vmap(tg.linalg.slogdet)(A)
    np.testing.assert_allclose(s.numpy(), [1.0, -1.0, 1.0])
    A = tg.tensor(np.array([np.eye(2), np.diag([-1.0, 1.0]), np.diag([2.0, -3.0])]))
    np.testing.assert_allclose(tg.vmap(tg.linalg.slogdet)(A).sign.numpy(), [1, -1, -1])


def test_polydiv_refuses_a_zero_leading_coefficient_of_any_example():
    u = tg.tensor([[1.0, 2.0, 3.0], [2.0, 3.0, 4.0]])
    v = tg.tensor([[1.0, 1.0], [0.0, 1.0]])
    with pytest.raises(ZeroDivisionError, match="leading coefficient"):
        tg.vmap(lambda a, b: tnp.polydiv(a, b)[0])(u, v)


@pytest.mark.parametrize("fn", [lambda m: tg.nonzero(m), lambda m: tg.argwhere(m),
                                lambda m: tnp.nonzero(m)[0],
                                lambda m: tg.masked_select(tg.arange(3.0), m),
                                lambda m: tg.arange(3.0).masked_select(m),
                                lambda m: tg.arange(3.0)[m]])
def test_value_dependent_shapes_raise_or_equal_the_loop(fn):
    differ = tg.tensor([[True, False, True], [False, False, True], [True, True, True]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(DynamicShapeError, match="batch element"):
            tg.vmap(fn)(differ)
        same = tg.tensor([[True, False, True], [False, True, True], [True, True, False]])
        try:
            got = tg.vmap(fn)(same)
        except DynamicShapeError:
            return              # x[mask] refuses any batched mask, as torch.func does
    np.testing.assert_array_equal(got.numpy(), _loop(fn, same))


class Cube(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 3 * x ** 2 * g


def test_autograd_function_without_a_vmap_rule_runs_per_example_and_warns():
    x = tg.tensor(X)
    with pytest.warns(RuntimeWarning, match="Cube has no vmap staticmethod"):
        got = tg.vmap(Cube.apply)(x)
    np.testing.assert_allclose(got.numpy(), X ** 3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        g = tg.vmap(tg.grad(lambda r: Cube.apply(r).sum()))(x)
    np.testing.assert_allclose(g.numpy(), 3 * X ** 2)


def test_function_of_vmap_grad_names_what_to_write():
    f = lambda r: (tg.sin(r) * r ** 3).sum()      # noqa: E731
    x = tg.tensor(X)
    with pytest.raises(TraceError, match=r"tg.vmap\(tg.grad\(tg.function\(f\)\)\)"):
        tg.function(tg.vmap(tg.grad(f)))(x)
    want = tg.vmap(tg.grad(f))(x).numpy()
    np.testing.assert_allclose(tg.vmap(tg.grad(tg.function(f)))(x).numpy(), want)
    g = tg.grad(lambda v: tg.function(tg.vmap(f))(v).sum())
    np.testing.assert_allclose(g(x).numpy(), want)


def test_out_into_an_array_not_batched_raises():
    out = tg.tensor(0)
    with pytest.raises(BatchedWriteError, match="nanargmax"):
        tg.vmap(lambda a: tnp.nanargmax(a, 0, out))(tg.tensor(X))
    # a batched out= is written per example, as the loop writes each example's own
    outs = tg.tensor(np.zeros((3, 3), bool))
    got = tg.vmap(lambda a, o: tnp.isnan(a, o))(tg.tensor(X) / 0 * 0, outs)
    assert got.numpy().all()


def test_a_structure_that_differs_per_example_raises():
    def f(x):
        n = int(x.numpy()[0])       # leaves tapegrad: one example at a time
        return tuple(x[i] for i in range(n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(DynamicShapeError, match="different structure"):
            tg.vmap(f)(tg.tensor([[1.0, 0.0], [2.0, 0.0]]))


def test_arguments_read_as_python_values_equal_the_loop():
    # each read its batched argument's placeholder: equal/allclose answered False for
    # every example, tensordot's axes and recurrent lengths were a huge negative integer
    x0, y = tg.tensor(X[0]), tg.tensor(np.array([X[0], X[1], X[0]]))
    ax = tg.tensor([[0], [0], [0]])
    cases = [(lambda v: tg.tensor(x0.equal(v)), (y,)),
             (lambda v: tg.tensor(x0.allclose(v)), (y,)),
             (lambda v, a: tg.tensordot(v, v, dims=(a, a)), (y, ax))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        for f, args in cases:
            np.testing.assert_array_equal(tg.vmap(f)(*args).numpy(), _loop(f, *args))
