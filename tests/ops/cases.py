"""The op case table: one row per (op, shapes, kwargs, input domain). Areas added later
keep their rows in `cases_<area>.py` files beside this one (a `ROWS` list each, built
from `_case.py`'s OpCase and samplers), which CASES takes in.

Every registered Op class and every public op function of API.md appears here at least
once; tests/ops/test_rules.py, tests/ops/test_broadcast.py and
tests/reference/test_vs_torch.py run over these rows. A new op is done when it has a row.

A row names the function under test, the shapes of its differentiable inputs, the
keyword arguments, the input domain (kept away from poles and kinks) and, for the
PyTorch comparison, the equivalent torch expression `torch(T, *xs)` where `T` is the
torch module (cases.py itself never imports torch).
"""
import importlib
import pathlib

import numpy as np

import tapegrad as tg
from tapegrad.ops import apply
from tapegrad.ops.shape import IndexAdd

from ._case import (SAME, OpCase, apart, distinct, distinct_abs, off_jumps,  # noqa: F401
                    outputs, with_zero)

# ------------------------------------------------------------------ fixed operands

_const = np.random.default_rng(7)
MASK_34 = np.array([[True, False, True, True], [False, False, True, False],
                    [True, True, False, False]])
COND_34 = _const.random((3, 4)) > 0.5
ARR_4 = _const.uniform(0.5, 1.5, size=(4,))
MAT_34 = _const.standard_normal((3, 4))
REPEATED = np.array([0, 2, 2, 4, 0, 0])
ROWS = np.array([[0, 2], [2, 1]])
COLS = np.array([[1, 1], [3, 0]])


def _t(T, a):
    return T.from_numpy(np.asarray(a))


def _dims(nd, axis):
    """tapegrad axis (None/int/tuple) as a torch dim tuple."""
    if axis is None:
        return tuple(range(nd))
    return (axis,) if isinstance(axis, int) else tuple(axis)


def _torch_reduce(name):
    def ref(T, x, axis=None, keepdims=False):
        return getattr(T, name)(x, dim=_dims(x.ndim, axis), keepdim=keepdims)
    return ref


def _torch_prod(T, x, axis=None, keepdims=False):
    for d in sorted(_dims(x.ndim, axis), reverse=True):
        x = T.prod(x, dim=d, keepdim=keepdims)
    return x


def _torch_var(name):
    def ref(T, x, axis=None, keepdims=False, ddof=1):
        return getattr(T, name)(x, dim=_dims(x.ndim, axis), keepdim=keepdims,
                                correction=ddof)
    return ref


def _setitem(x, v):
    """A recorded write (IndexPut) into a copy; the same code runs on torch tensors."""
    y = x.clone()
    y[1:, ::2] = v
    return y


def _index_add(g):
    return apply(IndexAdd, g, shape=(5, 3), index=(REPEATED,))


def _torch_index_add(T, g):
    return T.zeros((5, 3), dtype=g.dtype).index_put((_t(T, REPEATED),), g, accumulate=True)


def _torch_sum_to_1_4(T, x):
    """sum_to((2, 3, 4) -> (1, 4)) spelled with torch sums."""
    return x.sum(dim=0).sum(dim=0, keepdim=True)


def einsum_case(subscripts, shapes, name):
    """A row for `einsum(subscripts, *xs)` (operands are positional after the string)."""
    return OpCase(lambda *xs: tg.einsum(subscripts, *xs), shapes, name=name,
                  torch=lambda T, *xs: T.einsum(subscripts, *xs))


# ------------------------------------------------------------------ the table

_ELEMENTWISE = [
    OpCase(tg.add, [(3, 4), (4,)], torch=lambda T, x, y: T.add(x, y)),
    OpCase(tg.add, [(), (2, 3)], torch=lambda T, x, y: x + y),
    OpCase(tg.sub, [(2, 1, 3), (4, 1)], torch=lambda T, x, y: T.sub(x, y)),
    OpCase(tg.subtract, [(3,), (3,)], torch=lambda T, x, y: x - y),
    OpCase(tg.mul, [(3, 4), (4,)], torch=lambda T, x, y: T.mul(x, y)),
    OpCase(tg.mul, [(), (2, 3)], torch=lambda T, x, y: x * y),
    OpCase(tg.multiply, [(2, 3), (2, 3)], torch=lambda T, x, y: x * y),
    OpCase(tg.div, [(3, 4), (3, 1)], away_from=[0.0], gap=0.4,
           torch=lambda T, x, y: T.div(x, y)),
    OpCase(tg.divide, [(), (3,)], away_from=[0.0], gap=0.4, torch=lambda T, x, y: x / y),
    OpCase(tg.neg, [(2, 3)], torch=lambda T, x: T.neg(x)),
    OpCase(tg.pow, [(2, 3), (3,)], low=[0.5, -2.0], high=[2.0, 2.0],
           torch=lambda T, x, y: T.pow(x, y)),
    OpCase(tg.pow, [(4,)], dict(y=3), torch=lambda T, x, y: x ** y),
    OpCase(tg.pow, [(4,)], dict(y=0.5), low=0.2, torch=lambda T, x, y: x ** y),
    OpCase(tg.exp, [(2, 3)], torch=lambda T, x: T.exp(x)),
    OpCase(tg.log, [(5,)], low=0.1, high=4.0, torch=lambda T, x: T.log(x)),
    OpCase(tg.log1p, [(5,)], low=-0.5, high=3.0, torch=lambda T, x: T.log1p(x)),
    OpCase(tg.sqrt, [(2, 3)], low=0.1, high=4.0, torch=lambda T, x: T.sqrt(x)),
    OpCase(tg.square, [(2, 3)], torch=lambda T, x: T.square(x)),
    OpCase(tg.abs, [(6,)], away_from=[0.0], torch=lambda T, x: T.abs(x)),
    OpCase(tg.sign, [(6,)], away_from=[0.0], torch=lambda T, x: T.sign(x)),
    OpCase(tg.remainder, [(3, 4), (4,)], sample=off_jumps,
           torch=lambda T, x, y: T.remainder(x, y)),
    OpCase(lambda x, y: x % y, [(5,), (5,)], sample=off_jumps, name="mod_operator",
           torch=SAME),
    OpCase(lambda y: 2.5 % y, [(5,)], name="rmod_operator",
           torch=lambda T, y: 2.5 - y * T.floor(2.5 / y),    # torch has no rule for 2.5 % y
           sample=lambda rng, shapes: [2.5 / ((rng.integers(1, 4, size=shapes[0])
                                               + rng.uniform(0.1, 0.9, size=shapes[0]))
                                              * rng.choice([-1.0, 1.0], size=shapes[0]))]),
    OpCase(tg.fmod, [(3, 4), (3, 1)], sample=off_jumps, torch=lambda T, x, y: T.fmod(x, y)),
    OpCase(tg.floor_divide, [(2, 3), (3,)], sample=off_jumps, name="floor_divide",
           torch=lambda T, x, y: T.floor(x / y)),            # torch's // has no rule
    OpCase(tg.sin, [(2, 3)], torch=lambda T, x: T.sin(x)),
    OpCase(tg.cos, [(2, 3)], torch=lambda T, x: T.cos(x)),
    OpCase(tg.tan, [(5,)], low=-1.2, high=1.2, torch=lambda T, x: T.tan(x)),
    OpCase(tg.tanh, [(2, 3)], torch=lambda T, x: T.tanh(x)),
    OpCase(tg.erf, [(5,)], torch=lambda T, x: T.erf(x)),
    OpCase(tg.sinh, [(2, 3)], torch=lambda T, x: T.sinh(x)),
    OpCase(tg.ops.cosh, [(2, 3)], torch=lambda T, x: T.cosh(x)),
    OpCase(tg.ops.arcsinh, [(5,)], low=-3.0, high=3.0, torch=lambda T, x: T.asinh(x)),
    OpCase(tg.ops.expm1, [(5,)], torch=lambda T, x: T.expm1(x)),
    OpCase(tg.ops.log2, [(5,)], low=0.1, high=4.0, torch=lambda T, x: T.log2(x)),
    OpCase(tg.ops.log10, [(5,)], low=0.1, high=4.0, torch=lambda T, x: T.log10(x)),
    OpCase(tg.ops.reciprocal, [(6,)], away_from=[0.0], gap=0.4,
           torch=lambda T, x: T.reciprocal(x)),
    OpCase(tg.sigmoid, [(2, 3)], low=-4.0, high=4.0, torch=lambda T, x: T.sigmoid(x)),
    OpCase(tg.relu, [(6,)], away_from=[0.0], torch=lambda T, x: T.relu(x)),
    OpCase(tg.leaky_relu, [(6,)], away_from=[0.0],
           torch=lambda T, x: T.nn.functional.leaky_relu(x)),
    OpCase(tg.leaky_relu, [(6,)], dict(negative_slope=0.2), away_from=[0.0],
           torch=lambda T, x, negative_slope: T.nn.functional.leaky_relu(x, negative_slope)),
    OpCase(tg.softplus, [(2, 3)], low=-4.0, high=4.0,
           torch=lambda T, x: T.nn.functional.softplus(x)),
    OpCase(tg.softplus, [(8,)], dict(beta=2.0, threshold=1.0), away_from=[0.5],
           torch=lambda T, x, beta, threshold: T.nn.functional.softplus(x, beta, threshold)),
    OpCase(tg.gelu, [(2, 3)], low=-3.0, high=3.0,
           torch=lambda T, x: T.nn.functional.gelu(x)),
    OpCase(tg.gelu, [(5,)], dict(approximate="tanh"), low=-3.0, high=3.0,
           torch=lambda T, x, approximate: T.nn.functional.gelu(x, approximate=approximate)),
    OpCase(tg.maximum, [(3, 4), (4,)], sample=apart, torch=lambda T, x, y: T.maximum(x, y)),
    OpCase(tg.minimum, [(2, 3), (2, 3)], sample=apart, torch=lambda T, x, y: T.minimum(x, y)),
    OpCase(tg.maximum, [(), ()], sample=apart, torch=lambda T, x, y: T.maximum(x, y)),
    OpCase(tg.clip, [(8,)], dict(min=-0.5, max=0.5), away_from=[-0.5, 0.5],
           torch=lambda T, x, min, max: T.clamp(x, min, max)),
    OpCase(tg.clip, [(8,)], dict(max=0.3), away_from=[0.3],
           torch=lambda T, x, max: T.clamp(x, max=max)),
    OpCase(tg.clip, [(3, 4), (4,), (4,)], sample=lambda rng, s: [
        rng.uniform(-2, 2, s[0]), np.full(s[1], -1.0) + rng.uniform(-0.1, 0.1, s[1]),
        np.full(s[2], 1.0) + rng.uniform(-0.1, 0.1, s[2])],
        name="clip_tensor_bounds",
        torch=lambda T, x, lo, hi: T.minimum(T.maximum(x, lo), hi)),
    OpCase(lambda x, y: tg.where(COND_34, x, y), [(3, 4), (4,)], name="where",
           torch=lambda T, x, y: T.where(_t(T, COND_34), x, y)),
    OpCase(tg.cast, [(2, 3)], dict(dtype="float64"), out_dtype=np.float64,
           torch=lambda T, x, dtype: x.double()),
    OpCase(tg.clone, [(2, 3)], torch=lambda T, x: x.clone()),
]

_OPERATORS = [
    OpCase(lambda x, y: x + y, [(3, 1), (1, 4)], name="op_add", torch=SAME),
    OpCase(lambda x: 2.0 - x, [(3,)], name="op_rsub_scalar", torch=SAME),
    OpCase(lambda x: x * ARR_4, [(3, 4)], name="op_mul_ndarray", out_dtype=np.float64,
           torch=lambda T, x: x * _t(T, ARR_4)),
    OpCase(lambda x: ARR_4 / x, [(2, 4)], away_from=[0.0], gap=0.4, name="op_rdiv_ndarray",
           out_dtype=np.float64,
           torch=lambda T, x: _t(T, ARR_4) / x),
    OpCase(lambda x: x / 3.0, [(3,)], name="op_div_scalar", torch=SAME),
    OpCase(lambda x: x ** 2, [(3,)], name="op_pow_2", torch=SAME),
    OpCase(lambda x: 2.0 ** x, [(3,)], name="op_rpow", torch=SAME),
    OpCase(lambda x, y: x ** y, [(3,), ()], low=[0.5, -1.5], high=[2.0, 1.5],
           name="op_pow_tensors", torch=SAME),
    OpCase(lambda x, y: x @ y, [(2, 3), (3, 2)], name="op_matmul", torch=SAME),
    OpCase(lambda x: MAT_34 @ x, [(4, 2)], name="op_rmatmul_ndarray", out_dtype=np.float64,
           torch=lambda T, x: _t(T, MAT_34) @ x),
    OpCase(lambda x: -x, [(3,)], name="op_neg", torch=SAME),
    OpCase(lambda x: abs(x), [(4,)], away_from=[0.0], name="op_abs", torch=SAME),
    OpCase(lambda x: x.T, [(2, 3)], name="op_T", torch=lambda T, x: x.T),
]

_REDUCTIONS = [
    OpCase(tg.sum, [(2, 3, 4)], torch=_torch_reduce("sum")),
    OpCase(tg.sum, [(2, 3, 4)], dict(axis=1), torch=_torch_reduce("sum")),
    OpCase(tg.sum, [(2, 3, 4)], dict(axis=(0, 2), keepdims=True), torch=_torch_reduce("sum")),
    OpCase(tg.sum, [(3, 4)], dict(dim=-1, keepdim=True), name="sum_dim_alias",
           torch=lambda T, x, dim, keepdim: T.sum(x, dim=dim, keepdim=keepdim)),
    OpCase(tg.reduce_sum, [(3, 4)], dict(axis=0), torch=_torch_reduce("sum")),
    OpCase(tg.mean, [(2, 3, 4)], torch=_torch_reduce("mean")),
    OpCase(tg.mean, [(2, 3, 4)], dict(axis=(0, -1)), torch=_torch_reduce("mean")),
    OpCase(tg.mean, [(3, 4)], dict(dim=0, keepdim=True), name="mean_dim_alias",
           torch=lambda T, x, dim, keepdim: T.mean(x, dim=dim, keepdim=keepdim)),
    OpCase(tg.reduce_mean, [(3, 4)], dict(axis=1, keepdims=True),
           torch=_torch_reduce("mean")),
    OpCase(tg.prod, [(2, 3)], low=0.5, high=1.5, torch=_torch_prod),
    OpCase(tg.prod, [(2, 3, 2)], dict(axis=(0, 2), keepdims=True), torch=_torch_prod),
    OpCase(tg.prod, [(2, 3)], dict(axis=1), sample=with_zero, name="prod_with_zero",
           torch=_torch_prod),
    OpCase(tg.prod, [(4,)], sample=with_zero, name="prod_all_with_zero", torch=_torch_prod),
    OpCase(tg.reduce_prod, [(3, 2)], dict(axis=0), torch=_torch_prod),
    OpCase(tg.prod, [(2, 3)], dict(dim=-1, keepdim=True), name="prod_dim_alias",
           torch=lambda T, x, dim, keepdim: T.prod(x, dim=dim, keepdim=keepdim)),
    OpCase(tg.max, [(3, 4)], sample=distinct, torch=_torch_reduce("amax")),
    OpCase(tg.max, [(3, 4)], dict(axis=1), sample=distinct, torch=_torch_reduce("amax")),
    OpCase(tg.max, [(2, 3, 2)], dict(axis=(0, 2), keepdims=True), sample=distinct,
           torch=_torch_reduce("amax")),
    OpCase(tg.amax, [(3, 4)], dict(dim=0, keepdim=True), sample=distinct,
           name="amax_dim_alias",
           torch=lambda T, x, dim, keepdim: T.amax(x, dim=dim, keepdim=keepdim)),
    # max/min given a dimension: (values, indices) as torch.max; the gradient goes to the
    # element each index names
    OpCase(lambda x, dim, keepdim: tg.max(x, dim, keepdim).values, [(3, 4)],
           dict(dim=1, keepdim=True), sample=distinct, name="max_dim_values",
           torch=lambda T, x, dim, keepdim: T.max(x, dim, keepdim).values),
    OpCase(lambda x, dim: tg.min(x, dim=dim).values, [(2, 3, 2)], dict(dim=0),
           sample=distinct, name="min_dim_values",
           torch=lambda T, x, dim: T.min(x, dim=dim).values),
    OpCase(tg.reduce_max, [(3, 4)], dict(axis=0), sample=distinct,
           torch=_torch_reduce("amax")),
    OpCase(tg.min, [(3, 4)], sample=distinct, torch=_torch_reduce("amin")),
    OpCase(tg.min, [(3, 4)], dict(axis=-1, keepdims=True), sample=distinct,
           torch=_torch_reduce("amin")),
    OpCase(tg.amin, [(3, 4)], dict(dim=1), sample=distinct, name="amin_dim_alias",
           torch=lambda T, x, dim: T.amin(x, dim=dim)),
    OpCase(tg.reduce_min, [(2, 3, 2)], dict(axis=(1, 2)), sample=distinct,
           torch=_torch_reduce("amin")),
    OpCase(tg.var, [(3, 4)], torch=_torch_var("var")),
    OpCase(tg.var, [(3, 4)], dict(axis=1, keepdims=True), torch=_torch_var("var")),
    OpCase(tg.var, [(2, 3, 4)], dict(axis=(0, 2), ddof=0), torch=_torch_var("var")),
    OpCase(tg.var, [(3, 4)], dict(dim=0, correction=0), name="var_dim_correction",
           torch=lambda T, x, dim, correction: T.var(x, dim=dim, correction=correction)),
    OpCase(tg.std, [(3, 4)], torch=_torch_var("std")),
    OpCase(tg.std, [(3, 4)], dict(axis=0, keepdims=True), torch=_torch_var("std")),
    OpCase(tg.std, [(2, 3, 4)], dict(axis=(1, 2), ddof=0), torch=_torch_var("std")),
    OpCase(tg.std, [(3, 4)], dict(dim=1, unbiased=False), name="std_unbiased_false",
           torch=lambda T, x, dim, unbiased: T.std(x, dim=dim, unbiased=unbiased)),
    OpCase(tg.logsumexp, [(3, 4)], torch=_torch_reduce("logsumexp")),
    OpCase(tg.logsumexp, [(3, 4)], dict(axis=1), torch=_torch_reduce("logsumexp")),
    OpCase(tg.logsumexp, [(2, 3, 4)], dict(axis=(0, 2), keepdims=True),
           torch=_torch_reduce("logsumexp")),
    OpCase(tg.logsumexp, [(3, 4)], dict(dim=0, keepdim=True), name="logsumexp_dim_alias",
           torch=lambda T, x, dim, keepdim: T.logsumexp(x, dim=dim, keepdim=keepdim)),
    OpCase(lambda x: x.sum(dim=1, keepdim=True), [(3, 4)], name="method_sum_dim",
           torch=lambda T, x: x.sum(dim=1, keepdim=True)),
    OpCase(lambda x: x.mean(0), [(3, 4)], name="method_mean", torch=lambda T, x: x.mean(0)),
]

_SHAPE = [
    OpCase(tg.reshape, [(2, 6)], dict(shape=(3, -1)), torch=lambda T, x, shape: x.reshape(shape)),
    OpCase(lambda x: x.reshape(4, 3), [(2, 6)], name="method_reshape",
           torch=lambda T, x: x.reshape(4, 3)),
    OpCase(tg.transpose, [(2, 3, 4)], dict(axes=(2, 0, 1)),
           torch=lambda T, x, axes: x.permute(axes)),
    OpCase(tg.transpose, [(2, 3)], torch=lambda T, x: x.T),
    OpCase(tg.swapaxes, [(2, 3, 4)], dict(axis1=0, axis2=2),
           torch=lambda T, x, axis1, axis2: T.swapaxes(x, axis1, axis2)),
    OpCase(tg.squeeze, [(1, 3, 1)], torch=lambda T, x: T.squeeze(x)),
    OpCase(tg.squeeze, [(1, 3, 1)], dict(axis=2), torch=lambda T, x, axis: T.squeeze(x, axis)),
    OpCase(tg.expand_dims, [(2, 3)], dict(axis=1),
           torch=lambda T, x, axis: T.unsqueeze(x, axis)),
    OpCase(tg.unsqueeze, [(2, 3)], dict(dim=-1), torch=lambda T, x, dim: T.unsqueeze(x, dim)),
    OpCase(tg.flatten, [(2, 3, 2)], torch=lambda T, x: T.flatten(x)),
    OpCase(tg.flatten, [(2, 3, 2)], dict(start_dim=1),
           torch=lambda T, x, start_dim: T.flatten(x, start_dim)),
    OpCase(tg.broadcast_to, [(3, 1)], dict(shape=(2, 3, 4)),
           torch=lambda T, x, shape: T.broadcast_to(x, shape)),
    OpCase(tg.ops.sum_to, [(2, 3, 4)], dict(shape=(1, 4)),
           torch=lambda T, x, shape: _torch_sum_to_1_4(T, x)),
    OpCase(lambda *xs: tg.concatenate(list(xs), axis=1), [(2, 3), (2, 1), (2, 2)],
           name="concatenate", torch=lambda T, *xs: T.cat(xs, dim=1)),
    OpCase(lambda *xs: tg.concat(xs, axis=0), [(1, 3), (2, 3)], name="concat",
           torch=lambda T, *xs: T.cat(xs, dim=0)),
    OpCase(lambda x: tg.concatenate([MAT_34[:, :1], x, MAT_34], axis=1), [(3, 2)],
           name="concatenate_with_ndarrays", out_dtype=np.float64,
           torch=lambda T, x: T.cat([_t(T, MAT_34[:, :1]), x, _t(T, MAT_34)], dim=1)),
    OpCase(lambda *xs: tg.stack(xs, dim=1), [(2, 3), (2, 3)], name="stack",
           torch=lambda T, *xs: T.stack(xs, dim=1)),
    OpCase(tg.split, [(5, 2)], dict(split_size_or_sections=2),
           torch=lambda T, x, split_size_or_sections: T.split(x, split_size_or_sections)),
    OpCase(tg.split, [(2, 6)], dict(split_size_or_sections=[1, 3, 2], axis=1),
           torch=lambda T, x, split_size_or_sections, axis: T.split(
               x, split_size_or_sections, dim=axis)),
    OpCase(_setitem, [(3, 4), (2, 2)], name="setitem", torch=SAME),
]

_INDEXING = [
    OpCase(lambda x: x[1], [(3, 4)], name="index_int", torch=SAME),
    OpCase(lambda x: x[-1, 1:3], [(3, 4)], name="index_int_slice", torch=SAME),
    OpCase(lambda x: x[::2, ::-1], [(3, 4)], name="index_step_slices",
           torch=lambda T, x: x[::2].flip(1)),
    OpCase(lambda x: x[None, ..., 0], [(2, 3, 4)], name="index_none_ellipsis", torch=SAME),
    OpCase(lambda x: x[MASK_34], [(3, 4)], name="index_bool_mask",
           torch=lambda T, x: x[_t(T, MASK_34)]),
    OpCase(lambda x: x[x > 0], [(3, 4)], away_from=[0.0], name="index_self_mask",
           torch=SAME),
    OpCase(lambda x: x[REPEATED], [(5, 3)], name="index_repeated_ints",
           torch=lambda T, x: x[_t(T, REPEATED)]),
    OpCase(lambda x: x[:, [3, 0, 3]], [(2, 4)], name="index_list_repeated",
           torch=lambda T, x: x[:, [3, 0, 3]]),
    OpCase(lambda x: x[ROWS, COLS], [(3, 4)], name="index_two_arrays",
           torch=lambda T, x: x[_t(T, ROWS), _t(T, COLS)]),
    OpCase(lambda x: x[tg.tensor([1, 1, 0])], [(3, 2)], name="index_int_tensor",
           torch=lambda T, x: x[T.tensor([1, 1, 0])]),
    OpCase(_index_add, [(6, 3)], name="index_add", torch=_torch_index_add),
]

_LINALG = [
    OpCase(tg.matmul, [(3,), (3,)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.matmul, [(2, 3), (3,)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.matmul, [(3,), (3, 4)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.matmul, [(2, 3), (3, 4)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.matmul, [(2, 2, 3), (3, 4)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.matmul, [(2, 1, 2, 3), (3, 3, 2)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.matmul, [(3,), (2, 3, 2)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.matmul, [(2, 2, 3), (3,)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.dot, [(4,), (4,)], torch=lambda T, x, y: T.dot(x, y)),
    OpCase(tg.dot, [(2, 3), (3, 2)], torch=lambda T, x, y: T.matmul(x, y)),
    OpCase(tg.dot, [(), (3,)], torch=lambda T, x, y: x * y),
    OpCase(tg.outer, [(3,), (4,)], torch=lambda T, x, y: T.outer(x, y)),
    einsum_case("ij,jk->ik", [(2, 3), (3, 4)], "einsum_mm"),
    einsum_case("bij,bjk->bik", [(2, 2, 3), (2, 3, 2)], "einsum_bmm"),
    einsum_case("ij,jk,k->i", [(2, 3), (3, 4), (4,)], "einsum_three"),
    einsum_case("ij->j", [(3, 4)], "einsum_sum"),
    einsum_case("ij,ij", [(2, 3), (2, 3)], "einsum_implicit"),
    einsum_case("...j,jk->...k", [(2, 2, 3), (3, 4)], "einsum_ellipsis"),
    einsum_case("ii->i", [(3, 3)], "einsum_diagonal"),
    einsum_case("ii", [(3, 3)], "einsum_trace"),
    einsum_case("iij,j->i", [(2, 2, 3), (3,)], "einsum_repeated_batched"),
    einsum_case("ij,ij->i", [(3, 1), (3, 4)], "einsum_size1_broadcast"),
    OpCase(tg.norm, [(3, 4)], torch=lambda T, x: T.linalg.vector_norm(x)),
    OpCase(tg.norm, [(3, 4)], dict(axis=1, keepdims=True),
           torch=lambda T, x, axis, keepdims: T.linalg.vector_norm(x, dim=axis,
                                                                    keepdim=keepdims)),
    OpCase(tg.norm, [(2, 3, 4)], dict(dim=(0, 2)), name="norm_dim_alias",
           torch=lambda T, x, dim: T.linalg.vector_norm(x, dim=dim)),
    OpCase(tg.norm, [(3, 4)], dict(ord=1, axis=0), away_from=[0.0],
           torch=lambda T, x, ord, axis: T.linalg.vector_norm(x, ord=ord, dim=axis)),
    OpCase(tg.norm, [(3, 4)], dict(ord=np.inf, axis=1), sample=distinct_abs,
           torch=lambda T, x, ord, axis: T.linalg.vector_norm(x, ord=ord, dim=axis)),
    OpCase(tg.norm, [(3, 4)], dict(ord=-np.inf), sample=distinct_abs,
           torch=lambda T, x, ord: T.linalg.vector_norm(x, ord=ord)),
    OpCase(tg.norm, [(3, 4)], dict(ord=3, axis=1), away_from=[0.0],
           torch=lambda T, x, ord, axis: T.linalg.vector_norm(x, ord=ord, dim=axis)),
    OpCase(tg.linalg.norm, [(4,)], name="linalg_norm",
           torch=lambda T, x: T.linalg.vector_norm(x)),
    OpCase(tg.linalg.vector_norm, [(3, 4)], dict(ord=0.5, dim=1), away_from=[0.0],
           torch=lambda T, x, ord, dim: T.linalg.vector_norm(x, ord=ord, dim=dim)),
    OpCase(tg.linalg.vector_norm, [(2, 3)], dict(ord=-1.5, keepdim=True), away_from=[0.0],
           name="vector_norm_negative_ord",
           torch=lambda T, x, ord, keepdim: T.linalg.vector_norm(x, ord=ord, keepdim=keepdim)),
    *[OpCase(tg.linalg.matrix_norm, [(3, 4)], dict(ord=o), away_from=[0.0],
             name=f"matrix_norm_{o}",
             torch=lambda T, x, ord: T.linalg.matrix_norm(x, ord=ord))
      for o in ("fro", "nuc", 2, -2, 1, -1, np.inf, -np.inf)],
    OpCase(tg.linalg.matrix_norm, [(2, 4, 3)], dict(ord="nuc", dim=(2, 0), keepdim=True),
           name="matrix_norm_nuc_batched",
           torch=lambda T, x, ord, dim, keepdim: T.linalg.matrix_norm(x, ord=ord, dim=dim,
                                                                      keepdim=keepdim)),
    OpCase(tg.linalg.matrix_norm, [(2, 3, 4)], dict(ord=np.inf, dim=(0, 2)), away_from=[0.0],
           name="matrix_norm_inf_axes",
           torch=lambda T, x, ord, dim: T.linalg.matrix_norm(x, ord=ord, dim=dim)),
    OpCase(tg.linalg.norm, [(3, 2)], dict(ord=2), name="linalg_norm_spectral",
           torch=lambda T, x, ord: T.linalg.norm(x, ord=ord)),
    OpCase(tg.linalg.norm, [(2, 3, 4)], dict(ord=-2, axis=(1, 2)), name="linalg_norm_batched",
           torch=lambda T, x, ord, axis: T.linalg.norm(x, ord=ord, dim=axis)),
    OpCase(tg.linalg.norm, [(3, 4)], dict(ord=1), away_from=[0.0], name="linalg_norm_matrix1",
           torch=lambda T, x, ord: T.linalg.norm(x, ord=ord)),
    OpCase(tg.norm, [(3, 4)], dict(ord="nuc"), name="norm_nuc",
           torch=lambda T, x, ord: T.linalg.matrix_norm(x, ord=ord)),
    OpCase(tg.linalg.svdvals, [(4, 3)], torch=lambda T, x: T.linalg.svdvals(x)),
    OpCase(tg.linalg.svdvals, [(2, 3, 5)], name="svdvals_wide_batched",
           torch=lambda T, x: T.linalg.svdvals(x)),
]

_NEURAL = [
    OpCase(tg.softmax, [(3, 4)], torch=lambda T, x: T.softmax(x, dim=-1)),
    OpCase(tg.softmax, [(3, 4)], dict(axis=0), torch=lambda T, x, axis: T.softmax(x, axis)),
    OpCase(tg.softmax, [(2, 3, 2)], dict(dim=1), name="softmax_dim_alias",
           torch=lambda T, x, dim: T.softmax(x, dim)),
    OpCase(tg.softmax, [()], torch=lambda T, x: T.softmax(x, dim=-1)),
    OpCase(tg.log_softmax, [()], torch=lambda T, x: T.log_softmax(x, dim=-1)),
    OpCase(tg.log_softmax, [(3, 4)], torch=lambda T, x: T.log_softmax(x, dim=-1)),
    OpCase(tg.log_softmax, [(3, 4)], dict(axis=0),
           torch=lambda T, x, axis: T.log_softmax(x, axis)),
    OpCase(tg.log_softmax, [(2, 3, 2)], dict(dim=1), name="log_softmax_dim_alias",
           torch=lambda T, x, dim: T.log_softmax(x, dim)),
]



def _more_rows():
    """Rows of the cases_*.py files beside this one (one file per area of the library,
    each with a ROWS list), in file name order."""
    rows = []
    for path in sorted(pathlib.Path(__file__).parent.glob("cases_*.py")):
        rows += importlib.import_module(f"{__package__}.{path.stem}").ROWS
    return rows


CASES = (_ELEMENTWISE + _OPERATORS + _REDUCTIONS + _SHAPE + _INDEXING + _LINALG + _NEURAL
         + _more_rows())


def case_ids():
    ids = [repr(c) for c in CASES]
    dup = {i for i in ids if ids.count(i) > 1}
    assert not dup, f"duplicate case ids: {sorted(dup)}"
    return ids
