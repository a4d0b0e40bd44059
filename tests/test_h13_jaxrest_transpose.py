"""tg.linear_transpose (jax.linear_transpose) against JAX's results.

REF recorded from JAX 0.10.2 with `jax.config.update("jax_enable_x64", True)`, running
the body of `_run` with `import jax, jax.numpy as jnp` (complex results as [real, imag]
lists) and printing json.dumps(out): /tmp/jaxrest/ref_lt.py.
"""
import numpy as np
import pytest

import tapegrad as jax
import tapegrad.numpy as jnp

REF = {'affine': [1.0, 2.0, 3.0],
 'complex': [[2.0, 4.0, 6.0], [1.5, 3.0, 4.5]],
 'complex_conj': [[2.0, 4.0, 6.0], [-1.5, -3.0, -4.5]],
 'complex_to_real': [[1.0, 2.0, 3.0], [2.0, 4.0, 6.0]],
 'cumsum_pad': [6.0, 5.0, 3.0],
 'dict': [5.0, 8.0, 11.0],
 'einsum': [[1.0, 2.0, 3.0], [10.0, 20.0, 30.0]],
 'fft': [[6.0, -1.0669872981077808, -1.9330127018922192],
         [-3.0, 1.6160254037844386, -0.1160254037844386]],
 'float_to_complex': [2.0, 4.0, 6.0],
 'int': [6, 3, 0],
 'matmul': [-7.0, -8.0, -9.0],
 'two_args': [[2.0, 4.0, 6.0], [6.0, 6.0]],
 'unused': [[2.0, 4.0, 6.0], 0.0]}


def c(v):
    v = np.asarray(v.numpy() if isinstance(v, jax.Tensor) else v)
    return [v.real.tolist(), v.imag.tolist()] if v.dtype.kind == "c" else v.tolist()


def _run():
    x = jnp.array([1., 2., 3.])
    xc = x.astype(jnp.complex128) * (1 - 0.5j)
    A = jnp.array([[1., 2., 3.], [4., 5., 6.]])
    out = {}
    out["affine"] = c(jax.linear_transpose(lambda v: v + 1., x)(x)[0])
    out["matmul"] = c(jax.linear_transpose(lambda v: A @ v, x)(jnp.array([1., -2.]))[0])
    out["two_args"] = [c(r) for r in jax.linear_transpose(lambda a, b: a * 2 + b.sum(), x, jnp.ones(2))(x)]
    out["unused"] = [c(r) for r in jax.linear_transpose(lambda a, b: a * 2, x, 1.0)(x)]
    out["dict"] = c(jax.linear_transpose(lambda d: {"a": d["x"] * 3, "b": d["x"].sum()}, {"x": x})({"a": x, "b": 2.0})[0]["x"])
    out["complex"] = c(jax.linear_transpose(lambda v: (1 + 2j) * v, xc)(xc)[0])
    out["complex_conj"] = c(jax.linear_transpose(lambda v: jnp.conj(v) * (1 + 2j), xc)(xc)[0])
    out["float_to_complex"] = c(jax.linear_transpose(lambda v: (1 + 2j) * v, x)(xc)[0])
    out["complex_to_real"] = c(jax.linear_transpose(lambda v: jnp.real(v * (1 + 2j)), xc)(x)[0])
    out["int"] = c(jax.linear_transpose(lambda v: 3 * v[::-1], jnp.arange(3))(jnp.arange(3))[0])
    out["fft"] = c(jax.linear_transpose(jnp.fft.fft, xc)(xc)[0])
    out["cumsum_pad"] = c(jax.linear_transpose(lambda v: jnp.pad(jnp.cumsum(v), 1), x)(jnp.arange(5.))[0])
    out["einsum"] = c(jax.linear_transpose(lambda m: jnp.einsum("ij,j->i", m, x), jnp.zeros((2, 3)))(jnp.array([1., 10.]))[0])
    return out


def test_transposes_match_jax():
    out = _run()
    for name, want in REF.items():
        np.testing.assert_allclose(_flat(out[name]), _flat(want), rtol=1e-14, atol=1e-14,
                                   err_msg=name)


def _flat(v):
    if isinstance(v, list):
        return [x for item in v for x in _flat(item)]
    return [v]


def test_dtypes_follow_the_primals():
    x = jnp.array([1., 2., 3.])
    assert jax.linear_transpose(lambda v: 3 * v, jnp.arange(3))(jnp.arange(3))[0].dtype == np.int64
    assert jax.linear_transpose(lambda v: (1 + 2j) * v, x)(x * (1 + 0j))[0].dtype == np.float64
    assert jax.linear_transpose(lambda v: v * 2, jnp.ones(2, jnp.float32))(
        jnp.ones(2, jnp.float32))[0].dtype == np.float32
    # only shapes and dtypes of the primals are read
    class Spec:
        shape, dtype = (3,), np.float64
    assert jax.linear_transpose(jnp.sum, Spec())(jnp.array(2.0))[0].tolist() == [2.0] * 3


def test_transpose_composes_with_vmap_jit_and_grad():
    A = jnp.array([[1., 2., 3.], [4., 5., 6.]])
    ft = jax.linear_transpose(lambda v: A @ v, jnp.zeros(3))
    cts = jnp.array([[1., 0.], [0., 1.], [1., 1.]])
    assert jax.vmap(ft)(cts)[0].tolist() == A.tolist() + [[5., 7., 9.]]
    assert jax.jit(ft)(jnp.array([1., 1.]))[0].tolist() == [5., 7., 9.]
    assert jax.grad(lambda c: ft(c)[0].sum())(jnp.array([1., 1.])).tolist() == [6., 15.]


@pytest.mark.parametrize("f", [jnp.sin, jnp.abs, lambda v: v * v, lambda v: 2. / v,
                               lambda v: jnp.where(v > 0, v, 0.)])
def test_nonlinear_functions_are_refused(f):
    # JAX: NotImplementedError "Transpose rule ... not implemented" (sin, abs) or an
    # AssertionError (x * x, 2 / x, where) when the transpose is called
    with pytest.raises(NotImplementedError, match="linear_transpose: fun is not linear"):
        jax.linear_transpose(f, jnp.array([1., 2., 3.]))


def test_cotangent_and_dtype_errors_follow_jax():
    x = jnp.array([1., 2., 3.])
    with pytest.raises(TypeError, match=r"only supports \[float or complex\]"):
        jax.linear_transpose(lambda v: v.astype(jnp.int64), x)
    ft = jax.linear_transpose(lambda v: 2 * v, x)
    with pytest.raises(TypeError, match="cotangent type does not match"):
        ft(jnp.ones(2))
    with pytest.raises(TypeError, match="cotangent type does not match"):
        ft(jnp.ones(3, jnp.float32))
    with pytest.raises(TypeError, match=r"cotangent tree does not match function output, "
                                        r"expected \(\*, \*\) but got \*"):
        jax.linear_transpose(lambda v: (v, v), x)(x)
    with pytest.raises(TypeError, match="cotangent type does not match"):
        jax.linear_transpose(lambda v: 2 * v, 1.0)(1)
    with pytest.raises(TypeError, match="linear_transpose: f must be callable|callable"):
        jax.linear_transpose(3, x)


def test_shape_dtype_struct_and_eval_shape():
    s = jax.ShapeDtypeStruct((2, 3), np.float32)
    assert (s.shape, s.dtype, s.ndim, s.size) == ((2, 3), np.dtype(np.float32), 2, 6)
    assert s == jax.ShapeDtypeStruct([2, 3], "float32") and repr(s) == \
        "ShapeDtypeStruct(shape=(2, 3), dtype=float32)"
    # JAX: linear_transpose(lambda x, y: 0.5 * x - 0.5 * y, scalar, scalar)(1.0) with
    # float64 scalars -> (Array(0.5), Array(-0.5))
    sc = jax.ShapeDtypeStruct((), np.float64)
    out = jax.linear_transpose(lambda x, y: 0.5 * x - 0.5 * y, sc, sc)(1.0)
    assert [float(v) for v in out] == [0.5, -0.5]
    shapes = jax.eval_shape(lambda d, n: {"s": d["x"].sum(0), "m": d["x"] @ d["x"].T, "n": n},
                            {"x": jax.ShapeDtypeStruct((4, 5), np.float32)}, 3)
    assert shapes == {"s": jax.ShapeDtypeStruct((5,), np.float32),
                      "m": jax.ShapeDtypeStruct((4, 4), np.float32), "n": 3}
    with pytest.raises(TypeError, match="ShapeDtypeStruct: shape must be a tuple"):
        jax.ShapeDtypeStruct("ab", np.float32)
    with pytest.raises(TypeError, match="eval_shape: fun must be callable"):
        jax.eval_shape(3)
