"""The sweep of issue 15: every public function of autograd.numpy and jax.numpy exists
in tapegrad.numpy (or is listed in LEFT_OUT with the reason), and a typical call of each
function below gives NumPy's values and, where it is differentiable, jax.grad's gradient
(x64) or, for functions JAX spells differently, central differences."""
import numpy as np
import pytest

import tapegrad as tg
import tapegrad.numpy as tnp

# names the sweep leaves out, and why
LEFT_OUT = {
    # autograd's own machinery (not NumPy API)
    **dict.fromkeys(["Box", "array_from_args", "concatenate_args", "custom_where",
                     "notrace_functions", "notrace_primitive", "numpy_boxes", "numpy_jvps",
                     "numpy_vjps", "numpy_vspaces", "numpy_wrapper", "numpy_version",
                     "parse_einsum_input", "primitive", "wrap_if_boxes_inside",
                     "wrap_intdtype", "wrap_namespace", "c_class", "r_class", "builtins",
                     "warnings", "test", "show_config", "show_runtime", "info",
                     "get_include", "metadata"], "autograd internals or NumPy's tooling"),
    # no tensor counterpart: object/record/date types, the matrix class, memory maps,
    # raw iterators over NumPy's memory, NumPy's buffer and error-callback settings
    **dict.fromkeys(["asmatrix", "bmat", "matrix", "recarray", "record", "memmap",
                     "datetime64", "timedelta64", "datetime_as_string", "datetime_data",
                     "busday_count", "busday_offset", "busdaycalendar", "is_busday", "isnat",
                     "flatiter", "nditer", "nested_iters", "broadcast", "isfortran",
                     "getbufsize", "setbufsize", "geterrcall", "seterrcall",
                     "format_float_positional", "format_float_scientific", "fromregex",
                     "poly1d"], "NumPy object types and memory/formatting machinery"),
    # extended-precision and sub-byte/float8 dtypes NumPy or tapegrad cannot compute in
    **dict.fromkeys(["complex256", "float128", "bfloat16", "float4_e2m1fn", "float6_e2m3fn",
                     "float6_e3m2fn", "float8_e3m4", "float8_e4m3", "float8_e4m3b11fnuz",
                     "float8_e4m3fn", "float8_e4m3fnuz", "float8_e5m2", "float8_e5m2fnuz",
                     "float8_e8m0fnu", "int1", "int2", "int4", "uint1", "uint2", "uint4"],
                    "dtypes tapegrad does not compute in"),
}


def _public(module):
    import types
    return [n for n in dir(module) if not n.startswith("_")
            and not isinstance(getattr(module, n), types.ModuleType)]


@pytest.mark.parametrize("lib", ["autograd.numpy", "jax.numpy"])
def test_every_public_name_exists_or_is_left_out(lib):
    mod = pytest.importorskip(lib)
    missing = []
    for name in _public(mod):
        if name in LEFT_OUT:
            continue
        try:
            getattr(tnp, name)
        except AttributeError:
            missing.append(name)
    assert not missing, f"tapegrad.numpy lacks these {lib} names: {missing}"


def test_left_out_names_are_really_absent_or_internal():
    # a left-out name that tnp gained should leave the list
    assert not [n for n in LEFT_OUT if n in tnp.__dict__ and n != "info"]


R = np.random.default_rng(3)
X = R.uniform(0.2, 0.9, (3, 4))
V = R.uniform(0.2, 0.9, 5)
S = R.standard_normal((3, 3))
P = np.array([1.0, -2.0, 0.5, 3.0])
I3 = np.array([2, 0, 1])


def C(name, *args, diff=(0,), jax=True, np_name=None, np_args=None, **kw):
    """A typical call: tnp.name(*args, **kw) against np.<np_name>; gradient in the
    positions `diff` against central differences (and jax.grad for JAX_GRAD's ids;
    jax=False marks calls jax.numpy spells differently or does not differentiate)."""
    return pytest.param(name, args, kw, diff, jax, np_name or name, np_args,
                        id=f"{name}-{len([1 for _ in args])}")


CASES = [
    C("insert", V, 2, 9.0, diff=(0, 2)),
    C("insert", X, [1, 3], np.array([7.0, 8.0]), axis=1, diff=(0,)),
    C("insert", X, 1, V[:4], axis=0, diff=(0, 2)),
    C("resize", V, (2, 4)),
    C("choose", np.array([0, 1, 1]), [V[:3], V[1:4]], diff=(), jax=False),
    C("compress", np.array([True, False, True]), X, axis=0, diff=(1,)),
    C("extract", X > 0.5, X, diff=(1,)),
    C("unstack", X, axis=1),
    C("geomspace", 0.5, 8.0, 5, diff=(0, 1)),
    C("geomspace", -2.0, -0.25, 4, endpoint=False, diff=(0, 1)),
    C("modf", V * 3),
    C("frexp", V * 9),
    C("ldexp", V, np.array([1, 2, 3, 0, -1])),
    C("divmod", V * 7, 0.3, diff=(0,)),
    C("sort_complex", V, jax=False),
    C("trim_zeros", np.array([0.0, 0.0, 1.5, 0.0, 2.0, 0.0]), diff=()),    # a slice:
    C("trim_zeros", np.array([0.0, 1.5, 2.0, 0.0]), "f", diff=()),   # see test_trim_zeros
    C("polyder", P),
    C("polyder", P, 2),
    C("polyint", P),
    C("polyint", P, 2, [1.0, 2.0], diff=(0,)),
    C("polyadd", P, V[:2], diff=(0, 1)),
    C("polysub", V[:2], P, diff=(0, 1)),
    C("polymul", P, V[:3], diff=(0, 1)),
    C("polydiv", P, np.array([1.0, 0.5]), diff=(0, 1)),
    C("poly", V[:3]),
    C("poly", np.array([[2.0, 1.0], [0.5, 3.0]]), jax=False),
    C("roots", np.array([1.0, -6.0, 11.0, -6.0]), jax=False),
    # jax.grad of polyfit is NaN at a sample x = 0 (its vander); central differences here
    C("polyfit", np.linspace(0.0, 1.0, 6), np.sin(np.linspace(0.0, 1.0, 6)), 2, diff=(0, 1),
      jax=False),
    C("polyfit", np.linspace(0.1, 1.0, 6), np.sin(np.linspace(0.0, 1.0, 6)), 2, diff=(0, 1)),
    C("polyfit", np.linspace(0.0, 1.0, 6), np.cos(np.linspace(0.0, 1.0, 6)), 1,
      w=np.linspace(1.0, 2.0, 6), diff=(1,), jax=False),
    C("polyval", P, V, diff=(0, 1)),
    C("apply_along_axis", lambda r: r * r.sum(), 1, X, diff=(2,), jax=False),
    C("apply_along_axis", lambda r: r.max() - r.min(), 0, X, diff=(2,), jax=False),
    C("apply_over_axes", np.sum, X, [0, 1], diff=(1,), jax=False),
    C("fill_diagonal", S, 2.0, inplace=False, diff=(0,), np_args="inplace"),
    C("put", S, [0, 4], np.array([5.0, 6.0]), inplace=False, diff=(0, 2), np_args="inplace"),
    C("place", V, V > 0.5, np.array([1.0, 2.0]), inplace=False, diff=(0,), jax=False,
      np_args="inplace"),
    C("put_along_axis", S, np.array([[1], [0], [2]]), 7.0, 1, inplace=False, diff=(0,),
      np_args="inplace"),
    C("real_if_close", V + 1e-17j, diff=(), jax=False),
    C("nextafter", V, 2.0, diff=(0,), jax=False),
    # jax.numpy's unique passes no gradient; ours gathers the values: see test_unique_grad
    C("unique_values", np.array([2.0, 1.0, 2.0, 3.0]), diff=()),
    C("unique_counts", np.array([2.0, 1.0, 2.0, 3.0]), diff=()),
    C("unique_inverse", np.array([2.0, 1.0, 2.0, 3.0]), diff=()),
    C("unique_all", np.array([2.0, 1.0, 2.0, 3.0]), diff=()),
    C("take", X, I3, axis=1),
    C("cumsum", X, axis=1),
    C("cumprod", V),
    C("diff", X, 2, axis=1),
    C("ediff1d", V),
    C("interp", V, np.array([0.0, 0.5, 1.0]), np.array([1.0, 3.0, 2.0]), diff=(0, 2)),
    C("convolve", V, P, diff=(0, 1)),
    C("correlate", V, P, "full", diff=(0, 1)),
    C("cov", X, diff=(0,)),
    C("corrcoef", X),
    C("trapezoid", V, diff=(0,)),
    C("vander", V[:3], 4),
    C("outer", V, P, diff=(0, 1)),
    C("kron", S[:2, :2], X[:2, :2], diff=(0, 1)),
    C("tensordot", X, X, axes=([1], [1]), diff=(0, 1)),
    C("einsum", "ij,kj->ik", X, X, diff=(1, 2)),
    C("cross", S, S[::-1], diff=(0, 1)),
    C("median", X, axis=0),
    C("quantile", V, 0.3),
    C("percentile", X, 40.0, axis=1),
    C("nanmean", np.array([1.0, np.nan, 3.0])),
    C("nansum", np.array([[1.0, np.nan], [3.0, 2.0]]), axis=0),
    C("sort", X, axis=0),
    C("partition", V, 2, jax=False),
    C("roll", X, 2, axis=1),
    C("rot90", X),
    C("pad", X, ((1, 0), (0, 2)), diff=(0,)),
    C("pad", V, 2, mode="reflect", diff=(0,)),
    C("tile", V, 2),
    C("repeat", V, 2),
    C("tril", S),
    C("triu", S, 1),
    C("diagflat", V[:3]),
    C("trace", S),
    C("diagonal", X, 1),
    C("moveaxis", X, 0, 1),
    C("where", X > 0.5, X, 0.0, diff=(1,)),
    C("select", [V < 0.4, V > 0.7], [V, V ** 2], diff=(), jax=False),
    C("clip", V, 0.3, 0.6),
    C("maximum", V, V[::-1], diff=(0, 1)),
    C("hypot", V, V[::-1], diff=(0, 1)),
    C("logaddexp", V, V[::-1], diff=(0, 1)),
    C("arctan2", V, V[::-1], diff=(0, 1)),
    C("sinc", V),
    C("log1p", V),
    C("expm1", V),
    C("cbrt", V),
    C("float_power", V, 2.5, diff=(0,)),
    C("fmod", V * 5, 0.7, diff=(0,)),
    C("heaviside", V - 0.5, 0.5, diff=(), jax=False),
    C("nan_to_num", np.array([1.0, np.nan, np.inf]), diff=()),    # differences overflow
    C("std", X, axis=0, ddof=1),
    C("var", X),
    C("average", X, axis=1, weights=np.arange(1.0, 5.0)),
    C("ptp", X, axis=1),
    C("linspace", 0.5, 2.0, 4, diff=(0, 1)),
    C("logspace", 0.5, 2.0, 4, diff=(0, 1)),
    C("meshgrid", V[:2], P[:3]),
    C("block", [[S[:2, :2], S[:2, 2:]]], diff=(), jax=False),
    C("gradient", V),
    C("unwrap", np.array([0.0, 3.0, 6.5, 9.0]), diff=(0,)),
    C("matvec", X, P, diff=(0, 1)),
    C("vecdot", X, X, diff=(0, 1)),
    C("cumulative_sum", V),
    C("delete", V, [1, 3]),
    C("i0", V),
    C("angle", V - 0.5),
    C("hstack", [V, P], diff=(), jax=False),
    C("column_stack", [V[:3], S[0]], diff=(), jax=False),
    C("array_split", V, 3, diff=(), jax=False),
    C("atleast_2d", V),
]


def _to_jax(v, jnp):
    if isinstance(v, np.ndarray):
        return jnp.asarray(v)
    if isinstance(v, list):
        if all(isinstance(u, (int, float)) for u in v):
            return jnp.asarray(v)                   # jax.numpy takes arrays, not lists
        return [_to_jax(u, jnp) for u in v]
    return v


def _flat(r):
    if isinstance(r, (tuple, list)):
        return [x for v in r for x in _flat(v)]
    return [np.asarray(r.numpy() if isinstance(r, tg.Tensor) else r)]


def _np_call(name, args, kw, np_args):
    if np_args == "inplace":                    # NumPy's writes in place and returns None
        a = [np.array(v, copy=True) if isinstance(v, np.ndarray) else v for v in args]
        getattr(np, name)(*a, **{k: v for k, v in kw.items() if k != "inplace"})
        return a[0]
    return getattr(np, name)(*args, **kw)


@pytest.mark.parametrize("name,args,kw,diff,jax,np_name,np_args", CASES)
def test_values_match_numpy(name, args, kw, diff, jax, np_name, np_args):
    if isinstance(np_name or name, str) and not hasattr(np, np_name or name):
        pytest.skip(f"this NumPy ({np.__version__}) has no {np_name or name}")
    ours = getattr(tnp, name)(*args, **kw)
    theirs = _np_call(np_name, args, kw, np_args)
    a, b = _flat(ours), _flat(theirs)
    assert len(a) == len(b), name
    for u, w in zip(a, b):
        assert u.shape == w.shape, f"{name}: shape {u.shape} != {w.shape}"
        if w.dtype.kind in "fc":
            assert u.dtype == w.dtype, f"{name}: dtype {u.dtype} != {w.dtype}"
        np.testing.assert_allclose(u, w, rtol=1e-10, atol=1e-12, err_msg=name)


def _loss(fn, args, kw, diff, to_tensor, weights):
    def loss(*xs):
        full = list(args)
        for i, x in zip(diff, xs):
            full[i] = x
        out = fn(*[to_tensor(v) if i in diff else v for i, v in enumerate(full)], **kw)
        outs = out if isinstance(out, (tuple, list)) else [out]
        total = 0.0
        for o, w in zip(outs, weights):
            if o.dtype.kind == "c":
                o = o.real
            if o.dtype.kind == "f":
                total = total + (o * w).sum()
        return total
    return loss


@pytest.mark.parametrize("name,args,kw,diff,jax,np_name,np_args",
                         [c for c in CASES if c.values[3] != ()])
def test_gradients(name, args, kw, diff, jax, np_name, np_args):
    ours = getattr(tnp, name)(*args, **kw)
    weights = [R.standard_normal(np.shape(o)) for o in _flat(ours)]
    argn = tuple(range(len(diff)))
    xs = [np.asarray(args[i], dtype=float) for i in diff]
    f = _loss(getattr(tnp, name), args, kw, diff, tnp.asarray, weights)
    g = [v.numpy() for v in tg.grad(f, argnums=argn)(*[tnp.asarray(x) for x in xs])]
    eps = 1e-6
    for k, x in enumerate(xs):
        fd = np.zeros_like(x)
        for idx in np.ndindex(x.shape):
            e = np.zeros_like(x)
            e[idx] = eps
            hi = [v + e if j == k else v for j, v in enumerate(xs)]
            lo = [v - e if j == k else v for j, v in enumerate(xs)]
            fd[idx] = (float(f(*hi)) - float(f(*lo))) / (2 * eps)
        np.testing.assert_allclose(g[k], fd, rtol=1e-6, atol=1e-7,
                                   err_msg=f"{name}: gradient of argument {diff[k]}")


# jax.grad on the same calls, for a few (JAX's eager grad costs ~50 ms a call; central
# differences above cover every case)
JAX_GRAD = ["insert-3_0", "polyfit-3_1", "cov-1"]


@pytest.mark.parametrize("name,args,kw,diff,jax,np_name,np_args",
                         [c for c in CASES if c.id in JAX_GRAD])
def test_gradients_match_jax(name, args, kw, diff, jax, np_name, np_args):
    jx = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    ours = getattr(tnp, name)(*args, **kw)
    weights = [R.standard_normal(np.shape(o)) for o in _flat(ours)]
    argn = tuple(range(len(diff)))
    xs = [np.asarray(args[i], dtype=float) for i in diff]
    f = _loss(getattr(tnp, name), args, kw, diff, tnp.asarray, weights)
    g = tg.grad(f, argnums=argn)(*[tnp.asarray(x) for x in xs])
    with jx.enable_x64(True):
        fj = _loss(getattr(jnp, name), [_to_jax(a, jnp) for a in args], kw, diff,
                   jnp.asarray, [jnp.asarray(w) for w in weights])
        ref = jx.grad(fj, argnums=argn)(*map(jnp.asarray, xs))
    for k, (u, w) in enumerate(zip(g, ref)):
        np.testing.assert_allclose(u.numpy(), np.asarray(w), rtol=1e-9, atol=1e-11,
                                   err_msg=f"{name}: gradient of argument {diff[k]}")


def test_trim_zeros_gradient_is_the_slice():
    x = np.array([0.0, 0.0, 1.5, 0.0, 2.0, 0.0])
    g = tg.grad(lambda t: (tnp.trim_zeros(t) * np.arange(1.0, 4.0)).sum())(tnp.asarray(x))
    assert g.tolist() == [0.0, 0.0, 1.0, 2.0, 3.0, 0.0]
    assert tnp.trim_zeros(tnp.zeros(3)).shape == (0,)
    with pytest.raises(ValueError, match="trim must be"):
        tnp.trim_zeros(x, "x")


def test_unique_grad_reaches_first_occurrences():
    x = tnp.asarray(np.array([2.0, 1.0, 2.0, 3.0]))
    for fn in (tnp.unique_values, lambda t: tnp.unique_counts(t).values,
               lambda t: tnp.unique_all(t)[0]):
        g = tg.grad(lambda t: (fn(t) * np.array([1.0, 10.0, 100.0])).sum())(x)
        assert g.tolist() == [10.0, 1.0, 0.0, 100.0]


# ---------------------------------------------------------------- JAX's x.at[...]
# JAX's eager calls cost ~0.3 s each: a few, the rest against a loop and differences
AT = [((slice(None), 2), "add"), (([0, 0, 2], [1, 1, 3]), "add"),
      (([0, 0, 2], [1, 1, 3]), "set"), ((X > 0.5,), "multiply"), (([2, 2], [0, 0]), "max")]


@pytest.mark.parametrize("index,how", AT)
def test_at_matches_jax(index, how):
    jx = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    shape = np.zeros_like(X)[index].shape
    v = R.uniform(0.5, 1.5, shape)
    w = R.standard_normal(X.shape)

    def f(x, v):
        return (getattr(x.at[index], how)(v) * w).sum()
    ours = f(tnp.asarray(X), tnp.asarray(v))
    g = tg.grad(f, argnums=(0, 1))(tnp.asarray(X), tnp.asarray(v))
    with jx.enable_x64(True):
        theirs = f(jnp.asarray(X), jnp.asarray(v))
        try:
            ref = jx.grad(f, argnums=(0, 1))(jnp.asarray(X), jnp.asarray(v))
        except NotImplementedError:         # JAX has no gradient for repeated multiply
            ref = None
    np.testing.assert_allclose(float(ours), float(theirs), rtol=1e-12)
    if ref is not None:
        for u, r in zip(g, ref):
            np.testing.assert_allclose(u.numpy(), np.asarray(r), rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("index,how,op", [
    ((1, slice(1, 3)), "divide", np.divide), ((slice(None), 0), "min", np.minimum),
    ((0,), "power", np.power), ((Ellipsis, 1), "subtract", np.subtract),
    ((slice(None), 3), "set", lambda a, b: b)])
def test_at_matches_numpys_indexed_update(index, how, op):
    v = R.uniform(0.5, 1.5, np.zeros_like(X)[index].shape)
    ref = X.copy()
    ref[index] = op(ref[index], v)
    np.testing.assert_allclose(getattr(tnp.asarray(X).at[index], how)(v).numpy(), ref)
    assert tg.gradcheck(lambda x, u: getattr(x.at[index], how)(u), (X.copy(), v))


def test_at_leaves_x_unchanged_and_checks_its_arguments():
    x = tnp.zeros(3)
    y = x.at[0].set(1.0)
    assert x.tolist() == [0.0, 0.0, 0.0] and y.tolist() == [1.0, 0.0, 0.0]
    assert x.at[1:].get().shape == (2,)
    assert x.at[1].apply(tnp.exp).tolist() == [0.0, 1.0, 0.0]
    assert tnp.zeros(3, dtype=tnp.int64).at[0].set(2.7).dtype == np.int64   # cast, as JAX
    with pytest.raises(IndexError, match="out of bounds"):
        x.at[5].set(1.0)
    with pytest.raises(ValueError, match="cannot be broadcast"):
        x.at[:2].set(tnp.ones(3))
    with pytest.raises(ValueError, match="mode must be"):
        x.at[0].set(1.0, mode="wrong")


def test_at_under_vmap_and_second_order():
    xs = tnp.asarray(X)
    out = tg.vmap(lambda r: r.at[0].add(r[1] ** 2))(xs)
    np.testing.assert_allclose(out.numpy()[:, 0], X[:, 0] + X[:, 1] ** 2)
    h = tg.hessian(lambda r: (r.at[1].multiply(r[0]) ** 2).sum())(tnp.asarray(V[:3]))
    a, b = V[0], V[1]               # f = a^2 + (a b)^2 + c^2
    np.testing.assert_allclose(h.numpy()[:2, :2],
                               [[2 + 2 * b * b, 4 * a * b], [4 * a * b, 2 * a * a]])


# ---------------------------------------------------------------- jit, vectorize, piecewise
def test_jit_of_grad_runs_and_matches():
    def loss(w, x):
        return tnp.sum(tnp.tanh(x @ w) ** 2)
    w, x = tnp.asarray(V[:4]), tnp.asarray(X)
    g1 = tg.jit(tg.grad(loss))(w, x)
    g2 = tg.grad(loss)(w, x)
    np.testing.assert_allclose(g1.numpy(), g2.numpy(), rtol=1e-13)
    f = tg.jit(loss, static_argnums=())
    assert float(f(w, x)) == pytest.approx(float(loss(w, x)))
    assert float(tg.grad(f)(w, x).sum()) == pytest.approx(float(g2.sum()))
    with pytest.raises(TypeError, match="must be callable"):
        tg.jit(3)


def test_vectorize_with_and_without_signature():
    f = tnp.vectorize(lambda a, b: a * b if a > 0.5 else a + b)
    np.testing.assert_allclose(f(V, 2.0).numpy(),
                               np.vectorize(lambda a, b: a * b if a > 0.5 else a + b)(V, 2.0))
    g = tnp.vectorize(lambda m, v: m @ v, signature="(n,m),(m)->(n)")
    xs = R.standard_normal((2, 3, 4))
    np.testing.assert_allclose(g(xs, P).numpy(), xs @ P)
    grad = tg.grad(lambda p: g(tnp.asarray(xs), p).sum())(tnp.asarray(P))
    np.testing.assert_allclose(grad.numpy(), xs.sum(axis=(0, 1)))
    two = tnp.vectorize(lambda a: (a, a * 2))(V[:2])
    assert isinstance(two, tuple) and two[1].tolist() == (V[:2] * 2).tolist()
    dec = tnp.vectorize(otypes=[np.float64])(lambda a: a + 1)
    assert dec(np.array([1, 2])).dtype == np.float64
    with pytest.raises(ValueError, match="core dimension"):
        g(xs, V)


def test_piecewise_matches_numpy_and_differentiates():
    x = np.linspace(-1.0, 1.0, 7)
    conds = [x < 0, x >= 0.5]
    funcs = [lambda v: v ** 2, lambda v: 3 * v, 0.25]
    np.testing.assert_allclose(tnp.piecewise(x, conds, funcs).numpy(),
                               np.piecewise(x, conds, funcs))
    g = tg.grad(lambda t: tnp.piecewise(t, [t < 0, t >= 0.5], funcs).sum())(tnp.asarray(x))
    np.testing.assert_allclose(g.numpy(), np.where(x < 0, 2 * x, np.where(x >= 0.5, 3.0, 0.0)))
    with pytest.raises(ValueError, match="functions are expected"):
        tnp.piecewise(x, conds, funcs + [1.0, 2.0])


def test_in_place_writers_follow_numpy_on_tensors():
    a = tnp.zeros((3, 3))
    assert tnp.fill_diagonal(a, 4.0) is None and a.numpy().trace() == 12.0
    b = np.zeros((2, 2))
    tnp.fill_diagonal(b, 1.0)
    assert b.trace() == 2.0
    w = tg.tensor(2.0, dtype=tg.float64, requires_grad=True)
    c = tnp.zeros(3) * 1.0
    tnp.put(c, [0, 2], w)
    c.sum().backward()
    assert float(w.grad) == 2.0
    with pytest.raises(TypeError, match="cut its gradient"):
        tnp.put(np.zeros(3), [0], w)


def test_einsum_path_ix_and_queries():
    path, text = tnp.einsum_path("ij,jk,kl->il", X, X.T, X, optimize="greedy")
    assert path[0] == "einsum_path" and isinstance(text, str)
    rows, cols = tnp.ix_([0, 2], [1])
    assert rows.shape == (2, 1) and cols.shape == (1, 1)
    assert tnp.issubdtype(tnp.float64, tnp.floating) and tnp.iterable([1])
    assert tnp.array_equiv(tnp.ones(2), 1.0) is True
    with pytest.raises(ValueError, match="infs or NaNs"):
        tnp.asarray_chkfinite([1.0, np.inf])


# ---------------------------------------------------------------- under tg.vmap
@pytest.mark.parametrize("name,args,kw,diff,jax,np_name,np_args",
                         [c for c in CASES if c.values[3] != ()])
def test_vmap_matches_a_loop(name, args, kw, diff, jax, np_name, np_args):
    # a batched argument must never be read as values (a silent wrong result): each
    # function either batches or refuses
    i = diff[0]
    x = np.asarray(args[i], dtype=float)
    xb = np.stack([x, x * 1.1 + 0.01, x * 0.9])

    def f(xi):
        a = list(args)
        a[i] = xi
        out = getattr(tnp, name)(*a, **kw)
        return out[0] if isinstance(out, (tuple, list)) else out
    try:
        ref = np.stack([f(tnp.asarray(v)).numpy() for v in xb])
    except (ValueError, IndexError):
        pytest.skip("the perturbed inputs change the result's shape")
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")        # a fallback per element is allowed
        try:
            got = tg.vmap(f)(tnp.asarray(xb)).numpy()
        except Exception as e:                  # refusing is allowed, by a clear error
            assert "vmap" in str(e) or "batched" in str(e), (name, e)
            return
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14, err_msg=name)


def test_where_and_masked_reductions_batch():
    labels = tnp.array([0, 3, 1])
    onehot = tg.vmap(lambda k: tnp.where(tnp.arange(4) == k, 1.0, 0.0))(labels)
    np.testing.assert_array_equal(onehot.numpy(), np.eye(4)[[0, 3, 1]])
    out = tg.vmap(lambda r: tnp.mean(r, where=r > 0.5))(tnp.asarray(X))
    np.testing.assert_allclose(out.numpy(), [r[r > 0.5].mean() for r in X])
    out = tg.vmap(lambda r: tnp.std(r, where=r > 0.3, ddof=1))(tnp.asarray(X))
    np.testing.assert_allclose(out.numpy(), [r[r > 0.3].std(ddof=1) for r in X])


@pytest.mark.parametrize("how", ["set", "add", "subtract", "multiply", "divide", "min",
                                 "max"])
def test_at_with_an_index_batched_by_vmap(how):
    B = R.uniform(0.5, 1.5, (4, 3, 2))
    idx = np.array([0, 2, -1, 1])
    v = R.uniform(0.5, 1.5, (4, 2))
    got = tg.vmap(lambda x, i, u: getattr(x.at[i], how)(u))(
        tnp.asarray(B), tnp.asarray(idx), tnp.asarray(v))
    ref = np.stack([getattr(tnp.asarray(B[b]).at[int(idx[b])], how)(v[b]).numpy()
                    for b in range(4)])
    np.testing.assert_allclose(got.numpy(), ref, rtol=1e-13)
    g = tg.grad(lambda x: (tg.vmap(lambda r, i: getattr(r.at[i], how)(2.0))(
        x, tnp.asarray(idx)) ** 2).sum())(tnp.asarray(B))
    ref_g = sum(tg.grad(lambda r: (getattr(r.at[int(idx[b])], how)(2.0) ** 2).sum())(
        tnp.asarray(B[b])).numpy() * (np.arange(4) == b)[:, None, None] for b in range(4))
    np.testing.assert_allclose(g.numpy(), ref_g, rtol=1e-12)


def test_at_get_and_one_hot_under_vmap():
    labels = tnp.array([2, 0, 2])
    onehot = tg.vmap(lambda k: tnp.zeros(4).at[k].set(1.0))(labels)
    np.testing.assert_array_equal(onehot.numpy(), np.eye(4)[[2, 0, 2]])
    rows = tg.vmap(lambda x, k: x.at[k].get())(tnp.asarray(np.stack([S, S])), tnp.array([1, 2]))
    np.testing.assert_array_equal(rows.numpy(), S[[1, 2]])
    with pytest.raises(NotImplementedError, match="batched by tg.vmap"):
        tg.vmap(lambda k: tnp.ones(3).at[k].power(2.0))(labels)
