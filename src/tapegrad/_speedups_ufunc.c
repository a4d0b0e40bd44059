/* NumPy's inner loops, called directly; all_finite and relu_mask.
 * Part of tapegrad._speedups (see _speedups.h). */
#include "_speedups.h"

/* ------------------------------------------------------------ NumPy's inner loops */

/* direct(ufunc, a, b): a ufunc on float32/float64 operands of one dtype, one shape
 * (C-contiguous ndarrays, NumPy scalars, Python floats), by calling the inner loop
 * NumPy itself would pick, without the ufunc machinery around it (type resolution,
 * iterator, wrapping; that machinery is most of the cost of a small op). The result
 * is bitwise NumPy's; any floating-point exception sends the call back to the ufunc,
 * so warnings and np.errstate behave exactly as before. NULL (no error) = not handled. */

typedef struct {
    PyObject *ufunc;
    int type_num;
    PyUFuncGenericFunction fn;
    void *data;
} loop_entry;
#define LOOP_CACHE 64
static loop_entry loop_cache[LOOP_CACHE];
static int n_loops;

/* NumPy's default legacy loop selection: the first loop whose types all match */
static PyUFuncGenericFunction loop_for(PyObject *uf, int type_num, void **data)
{
    for (int i = 0; i < n_loops; i++)
        if (loop_cache[i].ufunc == uf && loop_cache[i].type_num == type_num) {
            *data = loop_cache[i].data;
            return loop_cache[i].fn;
        }
    PyUFuncObject *u = (PyUFuncObject *)uf;
    PyUFuncGenericFunction fn = NULL;
    void *d = NULL;
    /* only ufuncs without a custom type resolver or selector (NumPy's own math) */
    if (u->nout == 1 && u->nin <= 2 && u->types != NULL && u->functions != NULL &&
        u->core_enabled == 0) {
        for (int i = 0; i < u->ntypes; i++) {
            const char *t = u->types + (Py_ssize_t)i * u->nargs;
            int ok = 1;
            for (int k = 0; k < u->nargs; k++)
                ok &= t[k] == type_num;
            if (ok) {
                fn = u->functions[i];
                d = u->data ? u->data[i] : NULL;
                break;
            }
        }
    }
    if (n_loops < LOOP_CACHE) {     /* remember misses too */
        loop_cache[n_loops].ufunc = Py_NewRef(uf);
        loop_cache[n_loops].type_num = type_num;
        loop_cache[n_loops].fn = fn;
        loop_cache[n_loops].data = d;
        n_loops++;
    }
    *data = d;
    return fn;
}

/* one operand: its dtype number, data pointer and whether it is an array (stride > 0) */
typedef struct {
    int type_num;       /* -1: a Python float, which takes the other operand's dtype */
    char *ptr;
    PyArrayObject *arr;
    double pyval;
    float pyval32;
} operand;

static int operand_of(PyObject *o, operand *op)
{
    op->arr = NULL;
    if (PyArray_CheckExact(o)) {
        PyArrayObject *a = (PyArrayObject *)o;
        int t = PyArray_TYPE(a);
        if ((t != NPY_DOUBLE && t != NPY_FLOAT) || !PyArray_IS_C_CONTIGUOUS(a) ||
            !PyArray_ISALIGNED(a) || !PyArray_ISNBO(PyArray_DESCR(a)->byteorder))
            return 0;
        op->type_num = t;
        op->ptr = PyArray_BYTES(a);
        op->arr = a;
        return 1;
    }
    if (PyFloat_CheckExact(o)) {
        op->type_num = -1;
        op->pyval = PyFloat_AS_DOUBLE(o);
        return 1;
    }
    if (PyArray_IsScalar(o, Double)) {
        op->type_num = NPY_DOUBLE;
        op->ptr = (char *)&PyArrayScalar_VAL(o, Double);
        return 1;
    }
    if (PyArray_IsScalar(o, Float)) {
        op->type_num = NPY_FLOAT;
        op->ptr = (char *)&PyArrayScalar_VAL(o, Float);
        return 1;
    }
    return 0;
}

/* The floating-point flags (FE_*) NumPy's current errstate ignores, so that a result
 * whose only exceptions are ignored stands (the ufunc would give the same bits and say
 * nothing; gradients underflow often). NumPy 2 keeps the state in a context variable
 * and `with np.errstate` sets a new object, so the answer of np.geterr() is cached per
 * object (the cache holds a reference: an address is never reused while cached).
 * 0 when unknown (NumPy 1.x): every exception then goes back to the ufunc. */
static PyObject *errstate_var, *geterr_fn;
static int errstate_tried;
#define ERRSTATE_CACHE 4
static PyObject *errstate_seen[ERRSTATE_CACHE];
static int errstate_ignored[ERRSTATE_CACHE], errstate_next;

static int ignored_flags(void)
{
    if (!errstate_tried) {
        errstate_tried = 1;
        PyObject *um = PyImport_ImportModule("numpy._core._multiarray_umath");
        PyObject *np = PyImport_ImportModule("numpy");
        errstate_var = um ? PyObject_GetAttrString(um, "_extobj_contextvar") : NULL;
        geterr_fn = np ? PyObject_GetAttrString(np, "geterr") : NULL;
        Py_XDECREF(um);
        Py_XDECREF(np);
        if (!errstate_var || !geterr_fn || !PyContextVar_CheckExact(errstate_var)) {
            Py_CLEAR(errstate_var);
            Py_CLEAR(geterr_fn);
        }
        PyErr_Clear();
    }
    PyObject *cur = NULL;
    if (errstate_var == NULL || PyContextVar_Get(errstate_var, NULL, &cur) < 0 ||
        cur == NULL) {
        PyErr_Clear();
        return 0;
    }
    for (int i = 0; i < ERRSTATE_CACHE; i++)
        if (errstate_seen[i] == cur) {
            Py_DECREF(cur);
            return errstate_ignored[i];
        }
    static const char *keys[] = {"divide", "over", "under", "invalid"};
    static const int flags[] = {FE_DIVBYZERO, FE_OVERFLOW, FE_UNDERFLOW, FE_INVALID};
    int ignored = 0;
    PyObject *modes = PyObject_CallNoArgs(geterr_fn);
    for (int k = 0; modes != NULL && PyDict_Check(modes) && k < 4; k++) {
        PyObject *m = PyDict_GetItemString(modes, keys[k]);
        if (m != NULL && PyUnicode_Check(m) &&
            PyUnicode_CompareWithASCIIString(m, "ignore") == 0)
            ignored |= flags[k];
    }
    if (modes == NULL) {
        PyErr_Clear();
        Py_DECREF(cur);
        return 0;
    }
    Py_DECREF(modes);
    Py_XSETREF(errstate_seen[errstate_next], cur);      /* the cache keeps `cur` */
    errstate_ignored[errstate_next] = ignored;
    errstate_next = (errstate_next + 1) % ERRSTATE_CACHE;
    return ignored;
}

/* direct_out: direct_, writing into `reuse` (an array the caller owns alone, or NULL)
 * when it has the result's shape and dtype. A floating-point exception after writing
 * into it sets *clobbered: `reuse` no longer holds its input, so the caller must start
 * over without reuse (the ufunc then warns as usual). */
PyObject *direct_out(PyObject *uf, PyObject *a, PyObject *b, int as_scalar,
                     PyObject *reuse, int *clobbered)
{
    if (!PyObject_TypeCheck(uf, &PyUFunc_Type))
        return NULL;
    int nin = b ? 2 : 1;
    if (((PyUFuncObject *)uf)->nin != nin)
        return NULL;
    operand ops[2];
    if (!operand_of(a, &ops[0]) || (b && !operand_of(b, &ops[1])))
        return NULL;
    int type_num = -1;
    PyArrayObject *shape_of = NULL;
    for (int i = 0; i < nin; i++) {
        if (ops[i].type_num < 0)
            continue;
        if (type_num >= 0 && ops[i].type_num != type_num)
            return NULL;        /* mixed dtypes: NumPy's promotion decides */
        type_num = ops[i].type_num;
        if (ops[i].arr) {
            if (shape_of && !PyArray_SAMESHAPE(shape_of, ops[i].arr))
                return NULL;    /* broadcasting: the ufunc's iterator */
            shape_of = ops[i].arr;
        }
    }
    if (type_num < 0)
        return NULL;
    for (int i = 0; i < nin; i++) {     /* Python floats take the array's dtype (NEP 50) */
        if (ops[i].type_num >= 0)
            continue;
        double v = ops[i].pyval;
        if (type_num == NPY_FLOAT) {
            ops[i].pyval32 = (float)v;
            if (!isfinite(v) || (double)ops[i].pyval32 != v)
                return NULL;
            ops[i].ptr = (char *)&ops[i].pyval32;
        } else {
            ops[i].ptr = (char *)&ops[i].pyval;
        }
    }
    void *data;
    PyUFuncGenericFunction fn = loop_for(uf, type_num, &data);
    if (fn == NULL)
        return NULL;
    int nd = shape_of ? PyArray_NDIM(shape_of) : 0;
    npy_intp *dims = shape_of ? PyArray_DIMS(shape_of) : NULL;
    PyObject *out;
    npy_intp n, item;
    char *res;
    if (nd == 0 && as_scalar) {     /* what the ufunc gives for 0-d operands */
        if (type_num == NPY_DOUBLE) {
            out = PyArrayScalar_New(Double);
            res = out ? (char *)&PyArrayScalar_VAL(out, Double) : NULL;
        } else {
            out = PyArrayScalar_New(Float);
            res = out ? (char *)&PyArrayScalar_VAL(out, Float) : NULL;
        }
        if (out == NULL)
            return NULL;
        n = 1;
        item = type_num == NPY_DOUBLE ? 8 : 4;
    } else {
        PyArrayObject *ra = (PyArrayObject *)reuse;
        if (reuse != NULL && nd > 0 && PyArray_CheckExact(reuse) &&
            PyArray_TYPE(ra) == type_num && PyArray_NDIM(ra) == nd &&
            PyArray_CompareLists(PyArray_DIMS(ra), dims, nd) &&
            PyArray_IS_C_CONTIGUOUS(ra) && PyArray_ISWRITEABLE(ra) &&
            PyArray_ISALIGNED(ra) && PyArray_ISNBO(PyArray_DESCR(ra)->byteorder))
            out = Py_NewRef(reuse);
        else
            out = PyArray_SimpleNew(nd, dims, type_num);
        if (out == NULL)
            return NULL;
        n = PyArray_SIZE((PyArrayObject *)out);
        item = PyArray_ITEMSIZE((PyArrayObject *)out);
        res = PyArray_BYTES((PyArrayObject *)out);
    }
    char *args[3];
    npy_intp steps[3];
    for (int i = 0; i < nin; i++) {
        args[i] = ops[i].ptr;
        steps[i] = ops[i].arr && PyArray_NDIM(ops[i].arr) ? item : 0;
    }
    args[nin] = res;
    steps[nin] = item;
    if (n) {
        /* clearing rewrites the x87 environment (~100 cycles), testing only reads the
         * status words: clear only the flags a previous operation left set */
        const int fe = FE_DIVBYZERO | FE_OVERFLOW | FE_UNDERFLOW | FE_INVALID;
        if (fetestexcept(fe))
            feclearexcept(fe);
        fn(args, &n, steps, data);
        int raised = fetestexcept(fe);
        if (raised && (raised & ~ignored_flags())) {
            if (out == reuse)
                *clobbered = 1;
            Py_DECREF(out);     /* the ufunc warns or raises as np.errstate says */
            return NULL;
        }
    }
    return out;
}


/* ufunc(a) or ufunc(a, b): the inner loop when direct() takes it, else the call */
PyObject *ufunc_call(PyObject *uf, PyObject *a, PyObject *b)
{
    PyObject *r = direct(uf, a, b);
    if (r != NULL || PyErr_Occurred())
        return r;
    return b ? PyObject_CallFunctionObjArgs(uf, a, b, NULL) : PyObject_CallOneArg(uf, a);
}

/* direct_call(ufunc, a[, b]): direct() for tests; None when it does not take the call */
PyObject *direct_call(PyObject *self, PyObject *args)
{
    PyObject *uf, *a, *b = NULL;
    if (!PyArg_ParseTuple(args, "OO|O", &uf, &a, &b))
        return NULL;
    PyObject *r = direct(uf, a, b);
    if (r == NULL && !PyErr_Occurred())
        Py_RETURN_NONE;
    return r;
}

/* a + b and -a with Python's operator semantics; the inner loop when direct() takes the
 * operands (the other ufuncs are set for the derivative programs, see init_programs) */
PyObject *np_add, *np_subtract, *np_multiply, *np_true_divide, *np_negative;
#define ARITH(name, uf, fallback)                                   \
    PyObject *name(PyObject *a, PyObject *b)                        \
    {                                                               \
        PyObject *r = uf ? direct(uf, a, b) : NULL;                 \
        if (r != NULL || PyErr_Occurred())                          \
            return r;                                               \
        return fallback(a, b);                                      \
    }
ARITH(add, np_add, PyNumber_Add)
#undef ARITH

PyObject *neg(PyObject *a)
{
    PyObject *r = np_negative ? direct(np_negative, a, NULL) : NULL;
    if (r != NULL || PyErr_Occurred())
        return r;
    return PyNumber_Negative(a);
}


/* ------------------------------------------------------------ all_finite */

/* whether n floats hold no inf or NaN: a test of the exponent bits, which raises no
 * floating-point flags. An exponent of all ones carries into the sign bit when one unit
 * is added to it; written that way (no 64-bit compare), gcc vectorizes both loops with
 * SSE2 (a float sum would be one long dependency chain). */
static int finite_f32(const void *buf, Py_ssize_t n)
{
    const uint32_t *u = (const uint32_t *)buf;
    uint32_t bad = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        bad |= (u[i] & 0x7f800000u) + 0x00800000u;
    return !(bad & 0x80000000u);
}

static int finite_f64(const void *buf, Py_ssize_t n)
{
    const uint64_t *u = (const uint64_t *)buf;
    uint64_t bad = 0;
    for (Py_ssize_t i = 0; i < n; i++)
        bad |= (u[i] & 0x7ff0000000000000ull) + 0x0010000000000000ull;
    return !(bad & 0x8000000000000000ull);
}

/* 1 when `a` (a number or an ndarray) holds no NaN or inf, 0 when it does, -1 when only
 * the Python check can tell (complex, strided or object arrays, lists) */
int finite_fast(PyObject *a)
{
    if (PyFloat_Check(a))       /* also NumPy's float64 scalars, a float subclass */
        return isfinite(PyFloat_AS_DOUBLE(a));
    if (PyLong_Check(a))        /* a Python int operand a rule reads back (x * 2) */
        return 1;
    if (PyArray_IsScalar(a, Float))
        return isfinite(PyArrayScalar_VAL(a, Float));
    if (!PyArray_Check(a))
        return -1;
    PyArrayObject *arr = (PyArrayObject *)a;
    int t = PyArray_TYPE(arr);
    if (PyTypeNum_ISINTEGER(t) || PyTypeNum_ISBOOL(t))
        return 1;               /* as the Python check: only float kinds can be non-finite */
    if ((t != NPY_FLOAT && t != NPY_DOUBLE) || !PyArray_IS_C_CONTIGUOUS(arr) ||
        !PyArray_ISALIGNED(arr) || !PyArray_ISNBO(PyArray_DESCR(arr)->byteorder))
        return -1;
    npy_intp n = PyArray_SIZE(arr);
    return t == NPY_FLOAT ? finite_f32(PyArray_DATA(arr), n) : finite_f64(PyArray_DATA(arr), n);
}

/* all_finite(a) -> bool: ops/_op._all_finite_py, by walking a contiguous float32 or
 * float64 array; other inputs go to that function. */
PyObject *all_finite(PyObject *self, PyObject *a)
{
    int r = finite_fast(a);
    if (r >= 0)
        return PyBool_FromLong(r);
    return PyObject_CallOneArg(all_finite_py, a);
}

/* relu_mask(g, y) -> g * (y > 0) in one pass, or None: ops/activations._masked(g, y > 0)
 * for two C-contiguous float32 or float64 arrays of one dtype and shape. Where y > 0 the
 * result is g, elsewhere g * 0, i.e. a zero with g's sign, which is what NumPy's g * bool
 * gives for a finite g; None when some g is not finite (g * 0 would be NaN there: the
 * Python path masks with where). Done on the bits, so that gcc vectorizes it with SSE2:
 * the mask keeps all of g or only its sign bit, and an exponent of all ones carries into
 * the sign bit when one unit is added to it. A NaN in y raises an FP flag nobody reads:
 * NumPy and `direct` clear the flags before each loop they check. */
#define RELU_MASK(NAME, T, U, EXP, ONE_EXP, SIGN)                                 \
    static __attribute__((noinline)) int NAME(const T *restrict g,                \
                                              const T *restrict y, T *restrict r, \
                                              npy_intp n)                         \
    {                                                                             \
        U bad = 0;                                                                \
        for (npy_intp i = 0; i < n; i++) {                                        \
            U u, m = y[i] > (T)0 ? ~(U)0 : (U)SIGN;                               \
            memcpy(&u, &g[i], sizeof u);                                          \
            U v = u & m;                                                          \
            memcpy(&r[i], &v, sizeof v);                                          \
            bad |= (u & EXP) + ONE_EXP;                                           \
        }                                                                         \
        return (bad & SIGN) != 0;                                                 \
    }
RELU_MASK(relu_mask_f32, float, uint32_t, 0x7f800000u, 0x00800000u, 0x80000000u)
RELU_MASK(relu_mask_f64, double, uint64_t, 0x7ff0000000000000ull, 0x0010000000000000ull,
          0x8000000000000000ull)
#undef RELU_MASK

static int plain_contiguous(PyObject *a)
{
    return PyArray_CheckExact(a) && PyArray_IS_C_CONTIGUOUS((PyArrayObject *)a) &&
           PyArray_ISALIGNED((PyArrayObject *)a) &&
           PyArray_ISNBO(PyArray_DESCR((PyArrayObject *)a)->byteorder);
}

PyObject *relu_mask(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "relu_mask(g, y)");
        return NULL;
    }
    PyObject *g = args[0], *y = args[1];
    if (!plain_contiguous(g) || !plain_contiguous(y))
        Py_RETURN_NONE;
    PyArrayObject *ga = (PyArrayObject *)g, *ya = (PyArrayObject *)y;
    int t = PyArray_TYPE(ga);
    if ((t != NPY_FLOAT && t != NPY_DOUBLE) || PyArray_TYPE(ya) != t ||
        PyArray_NDIM(ga) != PyArray_NDIM(ya) ||
        !PyArray_CompareLists(PyArray_DIMS(ga), PyArray_DIMS(ya), PyArray_NDIM(ga)))
        Py_RETURN_NONE;
    PyObject *r = PyArray_SimpleNew(PyArray_NDIM(ga), PyArray_DIMS(ga), t);
    if (r == NULL)
        return NULL;
    npy_intp n = PyArray_SIZE(ga);
    int bad = t == NPY_FLOAT
        ? relu_mask_f32(PyArray_DATA(ga), PyArray_DATA(ya), PyArray_DATA((PyArrayObject *)r), n)
        : relu_mask_f64(PyArray_DATA(ga), PyArray_DATA(ya), PyArray_DATA((PyArrayObject *)r), n);
    if (bad) {
        Py_DECREF(r);
        Py_RETURN_NONE;
    }
    return r;
}

PyObject *init_finite(PyObject *self, PyObject *fn)
{
    Py_INCREF(fn);
    all_finite_py = fn;
    Py_RETURN_NONE;
}
