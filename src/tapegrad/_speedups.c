/* Optional C versions of tapegrad's hottest paths.
 *
 * ops/_apply.py `_record_fast` (record one op), `apply1`/`apply2` (run one op),
 * autograd/engine.py `_loops_py` (first-order backward) and ops/_op.py's derivative
 * programs (`Rule`) are the reference: these functions do
 * exactly what those do, step for step, and are used only when this module builds and
 * imports. Set TAPEGRAD_PURE_PYTHON=1 to run the Python versions. Tensor, Node and
 * Version stay Python classes with __slots__; their slots are read and written here
 * through the offsets their member descriptors give.
 *
 * The module is built against NumPy's C API: small same-dtype float ops call the inner
 * loop the ufunc would pick (see `direct`), bitwise the ufunc's result.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <structmember.h>
#include <math.h>

#define NPY_NO_DEPRECATED_API NPY_1_22_API_VERSION
#include <numpy/arrayobject.h>
#include <numpy/ufuncobject.h>
#include <numpy/arrayscalars.h>
#include <fenv.h>

/* ------------------------------------------------------------ Python version shims */
/* Supported: CPython 3.10 to 3.13. Each shim gives an older Python the newer call under
 * its own name, so call sites read the same on every version. */
#if PY_VERSION_HEX < 0x030A0000
#error "tapegrad's C speedups need Python 3.10 or newer"
#endif
#if PY_VERSION_HEX < 0x030B0000
/* 3.11 added PyFrame_GetLasti. 3.10's f_lasti counts code units; the call (and
 * co_lines, which _sites.site_line reads) counts bytes, as 3.10's frame.f_lasti does */
static inline int PyFrame_GetLasti(PyFrameObject *f)
{
    return f->f_lasti < 0 ? -1 : f->f_lasti * (int)sizeof(_Py_CODEUNIT);
}
#endif

/* ------------------------------------------------------------ state from Python */

static PyTypeObject *Tensor_T, *Node_T, *Version_T, *Acc_T, *Spent_T;
static PyObject *grad_edge_fn, *site_table_fn, *intern_shapes_fn, *intern_meta_fn;
static PyObject *share_version_fn;
static PyObject *INSIDE, *SHAPES, *META;
static PyObject *MASK1, *MASK2;
static PyObject *str_shape, *str_dtype, *empty_tuple, *zero;

/* backward */
static PyObject *str_vjp, *str_next;

/* apply */
static PyObject *LOCAL, *F64, *NDARRAY, *asarray_fn, *apply1_py, *apply2_py, *record_py, *finish_fn;
static PyObject *default_float_fn, *check_broadcast_fn, *leaf_refs_fn, *str_cut, *str_no_grad;
static PyObject *F16;           /* NumPy's float16 result of bool/int8/uint8 inputs */
static PyObject *str_in_backward, *str_tape_log, *str_tape_mark;
static PyObject *str_special, *str_grad_enabled, *str_hot;
static PyObject *str_anomaly, *str_anomaly_only, *str_check_nan, *anomaly_report_fn;
static PyObject *all_finite_py;

/* forward mode */
static PyTypeObject *Ctx_T;
static PyObject *dual_py, *dual_norm_fn, *np_shape_fn, *LINEAR;
static PyObject *str_fw_batch, *str_fw_levels, *str_fw_default, *str_jvp;
static Py_ssize_t C_saved, C_params, C_in_shapes, C_needs_grad, C_out_shape, C_batched;

/* slot offsets */
static Py_ssize_t T_data, T_rg, T_grad, T_grad_fn, T_vc, T_fw, T_acc, T_x;
static Py_ssize_t N_op, N__saved, N_saved, N_params, N_in_shapes, N_next, N_needs_grad,
    N_vers, N_meta, N_site, N_x, N_seq;
static Py_ssize_t V_v, V_site, V_x;

#define SLOT(o, off) (*(PyObject **)((char *)(o) + (off)))

static int offset_of(PyTypeObject *tp, const char *name, Py_ssize_t *out)
{
    PyObject *d = PyObject_GetAttrString((PyObject *)tp, name);
    if (d == NULL)
        return -1;
    if (!PyObject_TypeCheck(d, &PyMemberDescr_Type)) {
        PyErr_Format(PyExc_TypeError, "%s.%s is not a slot", tp->tp_name, name);
        Py_DECREF(d);
        return -1;
    }
    *out = ((PyMemberDescrObject *)d)->d_member->offset;
    Py_DECREF(d);
    return 0;
}

/* a slot's value, borrowed; None when unset (never the case for objects made here) */
static inline PyObject *get(PyObject *o, Py_ssize_t off)
{
    PyObject *v = SLOT(o, off);
    return v ? v : Py_None;
}

/* store a new reference to v (v borrowed), dropping the old one */
static inline void set(PyObject *o, Py_ssize_t off, PyObject *v)
{
    PyObject *old = SLOT(o, off);
    Py_INCREF(v);
    SLOT(o, off) = v;
    Py_XDECREF(old);
}


/* a Tensor (or subclass)? Tensor is a Python class, so anything whose type is not a heap
 * type (arrays, NumPy scalars, floats) is answered without walking its MRO */
static inline int is_tensor(PyObject *o)
{
    PyTypeObject *tp = Py_TYPE(o);
    if (tp == Tensor_T)
        return 1;
    return (tp->tp_flags & Py_TPFLAGS_HEAPTYPE) && PyType_IsSubtype(tp, Tensor_T);
}

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
static PyObject *direct_out(PyObject *uf, PyObject *a, PyObject *b, int as_scalar,
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

static PyObject *direct_(PyObject *uf, PyObject *a, PyObject *b, int as_scalar)
{
    return direct_out(uf, a, b, as_scalar, NULL, NULL);
}


/* for rules: 0-d results as NumPy scalars, like the ufunc */
static inline PyObject *direct(PyObject *uf, PyObject *a, PyObject *b)
{
    return direct_(uf, a, b, 1);
}

/* ufunc(a) or ufunc(a, b): the inner loop when direct() takes it, else the call */
static PyObject *ufunc_call(PyObject *uf, PyObject *a, PyObject *b)
{
    PyObject *r = direct(uf, a, b);
    if (r != NULL || PyErr_Occurred())
        return r;
    return b ? PyObject_CallFunctionObjArgs(uf, a, b, NULL) : PyObject_CallOneArg(uf, a);
}

/* direct_call(ufunc, a[, b]): direct() for tests; None when it does not take the call */
static PyObject *direct_call(PyObject *self, PyObject *args)
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
static PyObject *np_add, *np_subtract, *np_multiply, *np_true_divide, *np_negative;
#define ARITH(name, uf, fallback)                                   \
    static PyObject *name(PyObject *a, PyObject *b)                 \
    {                                                               \
        PyObject *r = uf ? direct(uf, a, b) : NULL;                 \
        if (r != NULL || PyErr_Occurred())                          \
            return r;                                               \
        return fallback(a, b);                                      \
    }
ARITH(add, np_add, PyNumber_Add)
#undef ARITH

static PyObject *neg(PyObject *a)
{
    PyObject *r = np_negative ? direct(np_negative, a, NULL) : NULL;
    if (r != NULL || PyErr_Occurred())
        return r;
    return PyNumber_Negative(a);
}

static PyObject *init(PyObject *self, PyObject *args)
{
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOOOOOO", &Tensor_T, &Node_T, &Version_T, &Acc_T,
                          &Spent_T, &grad_edge_fn, &site_table_fn, &intern_shapes_fn,
                          &intern_meta_fn, &share_version_fn, &INSIDE, &SHAPES, &META,
                          &MASK1, &MASK2))
        return NULL;
    PyObject *all[] = {(PyObject *)Tensor_T, (PyObject *)Node_T, (PyObject *)Version_T,
                       (PyObject *)Acc_T, (PyObject *)Spent_T, grad_edge_fn, site_table_fn,
                       intern_shapes_fn, intern_meta_fn, share_version_fn, INSIDE, SHAPES,
                       META, MASK1, MASK2};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        Py_INCREF(all[i]);      /* kept for the life of the process */
    if (offset_of(Tensor_T, "_data", &T_data) || offset_of(Tensor_T, "_rg", &T_rg) ||
        offset_of(Tensor_T, "_grad", &T_grad) || offset_of(Tensor_T, "grad_fn", &T_grad_fn) ||
        offset_of(Tensor_T, "_vc", &T_vc) || offset_of(Tensor_T, "_fw", &T_fw) ||
        offset_of(Tensor_T, "_acc", &T_acc) || offset_of(Tensor_T, "_x", &T_x) ||
        offset_of(Node_T, "op", &N_op) || offset_of(Node_T, "_saved", &N__saved) ||
        offset_of(Node_T, "saved", &N_saved) || offset_of(Node_T, "params", &N_params) ||
        offset_of(Node_T, "in_shapes", &N_in_shapes) || offset_of(Node_T, "next", &N_next) ||
        offset_of(Node_T, "needs_grad", &N_needs_grad) ||
        offset_of(Node_T, "vers", &N_vers) || offset_of(Node_T, "meta", &N_meta) ||
        offset_of(Node_T, "site", &N_site) || offset_of(Node_T, "_x", &N_x) ||
        offset_of(Node_T, "seq", &N_seq) ||
        offset_of(Version_T, "v", &V_v) || offset_of(Version_T, "site", &V_site) ||
        offset_of(Version_T, "x", &V_x))
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *init_apply(PyObject *self, PyObject *args)
{
    if (!PyArg_ParseTuple(args, "OOOOOOOOOOO", &LOCAL, &F64, &NDARRAY, &asarray_fn,
                          &apply1_py, &apply2_py, &record_py, &finish_fn, &default_float_fn,
                          &check_broadcast_fn, &leaf_refs_fn))
        return NULL;
    PyObject *all[] = {LOCAL, F64, NDARRAY, asarray_fn, apply1_py, apply2_py, record_py, finish_fn,
                       default_float_fn, check_broadcast_fn, leaf_refs_fn};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        Py_INCREF(all[i]);
    F16 = (PyObject *)PyArray_DescrFromType(NPY_HALF);
    if (F16 == NULL)
        return NULL;
    Py_RETURN_NONE;
}

/* a fresh instance with every slot set to None (no __init__ runs) */
static PyObject *fresh(PyTypeObject *tp, const Py_ssize_t *offs, int n)
{
    PyObject *o = tp->tp_alloc(tp, 0);
    if (o == NULL)
        return NULL;
    for (int i = 0; i < n; i++) {
        Py_INCREF(Py_None);
        SLOT(o, offs[i]) = Py_None;
    }
    return o;
}

static PyObject *new_version(void)
{
    Py_ssize_t offs[3] = {V_v, V_site, V_x};
    PyObject *vc = fresh(Version_T, offs, 3);
    if (vc) {
        set(vc, V_v, zero);
        PyObject_GC_UnTrack(vc);    /* holds an int and a site tuple: never in a cycle */
    }
    return vc;
}

/* track(obj): hand an object back to the cyclic collector (see record_fast) */
static PyObject *track(PyObject *self, PyObject *o)
{
    if (PyType_IS_GC(Py_TYPE(o)) && !PyObject_GC_IsTracked(o))
        PyObject_GC_Track(o);
    Py_RETURN_NONE;
}

/* o.shape (new ref); 0-d arrays and NumPy scalars give () without building a tuple */
static PyObject *shape_attr(PyObject *o)
{
    if ((PyArray_CheckExact(o) && PyArray_NDIM((PyArrayObject *)o) == 0) ||
        PyArray_IsScalar(o, Generic))
        return Py_NewRef(empty_tuple);
    return PyObject_GetAttr(o, str_shape);
}

/* o.dtype (new ref); for an ndarray, its descriptor, which is what .dtype returns */
static PyObject *dtype_attr(PyObject *o)
{
    if (PyArray_Check(o))
        return Py_NewRef((PyObject *)PyArray_DESCR((PyArrayObject *)o));
    return PyObject_GetAttr(o, str_dtype);
}

/* v, or a NumPy scalar when v is a 0-d ndarray: what first-order rules compute with.
 * NumPy scalars are immutable, so a float64 value equal bit for bit to one of the last
 * two made (a constant used at every step of a loop, a value two nodes save) shares its
 * scalar. */
static PyObject *scalarize(PyObject *v)
{
    if (!PyArray_CheckExact(v) || PyArray_NDIM((PyArrayObject *)v))
        return Py_NewRef(v);
    PyArrayObject *a = (PyArrayObject *)v;
    static PyObject *last[2];
    if (PyArray_TYPE(a) == NPY_DOUBLE && PyArray_ISNBO(PyArray_DESCR(a)->byteorder)) {
        for (int k = 0; k < 2; k++)
            if (last[k] != NULL && memcmp(PyArray_DATA(a), &PyArrayScalar_VAL(last[k], Double),
                                          sizeof(double)) == 0)
                return Py_NewRef(last[k]);
    }
    PyObject *sc = PyArray_Scalar(PyArray_DATA(a), PyArray_DESCR(a), v);
    if (sc != NULL && PyArray_IsScalar(sc, Double)) {
        Py_XSETREF(last[1], last[0]);
        last[0] = Py_NewRef(sc);
    }
    return sc;
}

/* the value kept for backward: the array itself, or a NumPy scalar for a 0-d array */
static PyObject *keep(PyObject *arr)
{
    if (PyArray_CheckExact(arr))
        return scalarize(arr);
    PyObject *shape = shape_attr(arr);      /* an ndarray subclass (tracing) */
    if (shape == NULL)
        return NULL;
    int nd = PyTuple_Check(shape) ? (int)PyTuple_GET_SIZE(shape) : 1;
    Py_DECREF(shape);
    if (nd)
        return Py_NewRef(arr);
    return PyObject_GetItem(arr, empty_tuple);
}

/* 1 when `o` is an ndarray whose shape equals the tuple `shape`, without building o.shape;
 * 0 otherwise (other objects included) */
static int dims_equal(PyObject *o, PyObject *shape)
{
    if (!PyArray_Check(o) || !PyTuple_Check(shape))
        return 0;
    int nd = PyArray_NDIM((PyArrayObject *)o);
    if (PyTuple_GET_SIZE(shape) != nd)
        return 0;
    npy_intp *dims = PyArray_DIMS((PyArrayObject *)o);
    for (int i = 0; i < nd; i++) {
        PyObject *d = PyTuple_GET_ITEM(shape, i);
        if (!PyLong_CheckExact(d) || PyLong_AsSsize_t(d) != dims[i]) {
            PyErr_Clear();
            return 0;
        }
    }
    return 1;
}

/* whether input `a` of an op has the shape `want` (an interned in_shapes entry: a tuple
 * for tensors, None for Python numbers) */
static inline int input_matches(PyObject *a, PyObject *want)
{
    if (!is_tensor(a))
        return want == Py_None;
    return dims_equal(get(a, T_data), want);
}

static PyObject *local_dict(void);

/* autograd/graph.record_edge for leaf `a` (new ref): its AccumulateGrad, found here
 * while it lives (the usual case), logged for GradientTape when the thread has a log */
static PyObject *leaf_edge(PyObject *a)
{
    PyObject *ref = get(a, T_acc), *acc = NULL;
    if (ref != Py_None && PyWeakref_CheckRef(ref)) {
#if PY_VERSION_HEX >= 0x030D0000
        if (PyWeakref_GetRef(ref, &acc) < 0)
            return NULL;
#else
        acc = PyWeakref_GetObject(ref);
        acc = acc == Py_None ? NULL : Py_XNewRef(acc);
#endif
    }
    if (acc == NULL)            /* none yet: graph.record_edge makes one (and logs) */
        return PyObject_CallOneArg(grad_edge_fn, a);
    PyObject *d = local_dict();
    PyObject *log = d ? PyDict_GetItemWithError(d, str_tape_log) : NULL;
    if (log == NULL && (d == NULL || PyErr_Occurred())) {
        Py_DECREF(acc);
        return NULL;
    }
    if (log != NULL && PyList_CheckExact(log) && PyList_Append(log, a) < 0) {
        Py_DECREF(acc);
        return NULL;
    }
    return acc;
}

/* the gradient edge of input `a` (new ref) and its shape (new ref); None for non-tensors */
static int edge_of(PyObject *a, PyObject **edge, PyObject **shape)
{
    if (!is_tensor(a)) {
        *edge = Py_NewRef(Py_None);
        if (shape)
            *shape = Py_NewRef(Py_None);
        return 0;
    }
    PyObject *e = get(a, T_grad_fn);
    int rg = e == Py_None ? PyObject_IsTrue(get(a, T_rg)) : 0;
    if (rg < 0)
        return -1;
    if (rg) {
        e = leaf_edge(a);
        if (e == NULL)
            return -1;
    } else {
        Py_INCREF(e);
    }
    *edge = e;
    if (shape == NULL)
        return 0;
    *shape = shape_attr(get(a, T_data));
    if (*shape == NULL) {
        Py_CLEAR(*edge);
        return -1;
    }
    return 0;
}

/* (saved value, version counter, version) for input a; counter None for constants */
static int save_input(PyObject *a, PyObject **val, PyObject **vc, PyObject **ver)
{
    if (!is_tensor(a)) {
        *val = Py_NewRef(a);
        *vc = Py_NewRef(Py_None);
        *ver = Py_NewRef(zero);
        return 0;
    }
    *val = keep(get(a, T_data));
    if (*val == NULL)
        return -1;
    PyObject *c = get(a, T_vc);
    if (c == Py_None) {
        c = new_version();
        if (c == NULL) {
            Py_CLEAR(*val);
            return -1;
        }
        set(a, T_vc, c);
    } else {
        Py_INCREF(c);
    }
    *vc = c;
    *ver = Py_NewRef(get(c, V_v));
    return 0;
}

/* Recently used sites, direct-mapped by (code, offset): a loop's few call sites are
 * found without building an int key and two dict lookups. Each entry holds its site
 * tuple, which keeps the code object (and so its address) alive. */
#define SITE_CACHE 64
static PyObject *site_cache[SITE_CACHE];

static inline Py_ssize_t site_slot(PyCodeObject *code, int lasti)
{
    return (Py_ssize_t)((((uintptr_t)code >> 4) ^ (uintptr_t)lasti) % SITE_CACHE);
}

/* the interned sites of `code` (borrowed: _INSIDE holds it), Py_False for tapegrad's own
 * code, NULL on error: _sites._site_table */
static PyObject *site_table(PyCodeObject *code)
{
    PyObject *key = PyLong_FromVoidPtr(code);
    if (key == NULL)
        return NULL;
    PyObject *lines = PyDict_GetItemWithError(INSIDE, key);
    Py_DECREF(key);
    if (lines != NULL || PyErr_Occurred())
        return lines;
    lines = PyObject_CallOneArg(site_table_fn, (PyObject *)code);
    Py_XDECREF(lines);      /* _INSIDE holds it */
    return lines;
}

/* the one (code, offset) tuple of a call site (new reference), from its code's table */
static PyObject *intern_site(PyObject *lines, PyCodeObject *code, int off)
{
    PyObject *lasti = PyLong_FromLong(off);
    if (lasti == NULL)
        return NULL;
    PyObject *site = PyDict_GetItemWithError(lines, lasti);
    if (site != NULL) {
        Py_INCREF(site);
    } else if (!PyErr_Occurred()) {
        site = PyTuple_Pack(2, (PyObject *)code, lasti);
        if (site && PyDict_SetItem(lines, lasti, site) < 0)
            Py_CLEAR(site);
    }
    Py_DECREF(lasti);
    return site;
}

static int is_own_code(PyCodeObject *code);

/* the creation site of the caller's caller, as _sites._site: (code, offset), interned */
static PyObject *creation_site(void)
{
    PyFrameObject *f = PyEval_GetFrame();   /* borrowed: the Python caller (apply1/2) */
    if (f == NULL)
        Py_RETURN_NONE;
    f = PyFrame_GetBack(f);
    while (f != NULL) {
        PyCodeObject *code = PyFrame_GetCode(f);
        int off = PyFrame_GetLasti(f);
        PyObject *hit = site_cache[site_slot(code, off)];
        if (hit != NULL && PyTuple_GET_ITEM(hit, 0) == (PyObject *)code &&
            PyLong_AsLong(PyTuple_GET_ITEM(hit, 1)) == off) {
            Py_DECREF(code);
            Py_DECREF(f);
            return Py_NewRef(hit);
        }
        int own = is_own_code(code);    /* tapegrad's frames, skipped: found by address */
        if (own < 0)
            goto fail_code;
        PyObject *lines = own ? Py_False : site_table(code);
        if (lines == NULL)
            goto fail_code;
        if (lines != Py_False) {
            PyObject *site = intern_site(lines, code, off);
            if (site != NULL)
                Py_XSETREF(site_cache[site_slot(code, off)], Py_NewRef(site));
            Py_DECREF(code);
            Py_DECREF(f);
            return site;
        }
        Py_DECREF(code);
        PyFrameObject *back = PyFrame_GetBack(f);
        Py_DECREF(f);
        f = back;
        continue;
    fail_code:
        Py_DECREF(code);
        Py_DECREF(f);
        return NULL;
    }
    Py_RETURN_NONE;
}

/* Whether a code object is tapegrad's own, direct-mapped by address. An entry holds a
 * reference to its code object, so that address is not reused while it is cached. */
#define OWN_CACHE 256
static PyObject *own_code[OWN_CACHE];
static char own_flag[OWN_CACHE];

static int is_own_code(PyCodeObject *code)
{
    size_t k = ((uintptr_t)code >> 4) % OWN_CACHE;
    if (own_code[k] == (PyObject *)code)
        return own_flag[k];
    PyObject *lines = site_table(code);
    if (lines == NULL)
        return -1;
    Py_XSETREF(own_code[k], Py_NewRef((PyObject *)code));
    own_flag[k] = lines == Py_False;
    return own_flag[k];
}

/* detect_anomaly's creation stack: a list of the interned (code, offset) sites of the
 * innermost STACK_MAX frames outside tapegrad, innermost last (_sites._stack_py).
 * No frame object or line number is kept. The lists are interned too, direct-mapped by
 * the frames' (code, offset) pairs: the nodes made in one loop share one list. */
#define STACK_MAX 16
#define STACK_CACHE 64
typedef struct {
    PyObject *stack;        /* holds the sites, which hold the codes: addresses stay valid */
    int n;
    PyCodeObject *code[STACK_MAX];
    int off[STACK_MAX];
} stack_entry;
static stack_entry stack_cache[STACK_CACHE];
static PyObject *stacks_table;     /* _sites._STACKS */

static PyObject *anomaly_stack(void)
{
    PyCodeObject *code[STACK_MAX];
    int off[STACK_MAX], n = 0;
    size_t h = 0;
    PyFrameObject *f = PyEval_GetFrame();
    Py_XINCREF(f);
    while (f != NULL && n < STACK_MAX) {
        PyCodeObject *c = PyFrame_GetCode(f);
        int own = is_own_code(c);
        Py_DECREF(c);           /* the frame, live below this call, keeps it */
        if (own < 0) {
            Py_DECREF(f);
            return NULL;
        }
        if (!own) {
            code[n] = c;
            off[n] = PyFrame_GetLasti(f);
            h = (h ^ ((uintptr_t)c >> 4) ^ (size_t)off[n]) * 0x9E3779B97F4A7C15ull;
            n++;
        }
        PyFrameObject *back = PyFrame_GetBack(f);
        Py_DECREF(f);
        f = back;
    }
    Py_XDECREF(f);
    stack_entry *e = &stack_cache[(h >> 40) % STACK_CACHE];     /* the well-mixed bits */
    if (e->stack != NULL && e->n == n && memcmp(e->code, code, n * sizeof(code[0])) == 0 &&
        memcmp(e->off, off, n * sizeof(off[0])) == 0)
        return Py_NewRef(e->stack);
    if (stacks_table == NULL) {
        PyObject *mod = PyImport_ImportModule("tapegrad._sites");
        stacks_table = mod == NULL ? NULL : PyObject_GetAttrString(mod, "_STACKS");
        Py_XDECREF(mod);
        if (stacks_table == NULL)
            return NULL;
    }
    PyObject *stack = PyList_New(n);
    if (stack == NULL)
        return NULL;
    PyObject *key = PyTuple_New(n);
    if (key == NULL) {
        Py_DECREF(stack);
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        PyObject *lines = site_table(code[i]);
        PyObject *site = lines == NULL ? NULL : intern_site(lines, code[i], off[i]);
        PyObject *id = site == NULL ? NULL : PyLong_FromVoidPtr(site);
        if (id == NULL) {
            Py_XDECREF(site);
            Py_DECREF(stack);
            Py_DECREF(key);
            return NULL;
        }
        PyList_SET_ITEM(stack, n - 1 - i, site);
        PyTuple_SET_ITEM(key, n - 1 - i, id);
    }
    /* a miss of the direct-mapped cache (a collision evicts) still finds the one list
     * of these sites: _sites._STACKS, keyed by the interned sites' ids as _stack_py */
    PyObject *known = PyDict_GetItemWithError(stacks_table, key);
    if (known != NULL) {
        Py_SETREF(stack, Py_NewRef(known));
    }
    else {
        if (!PyErr_Occurred() && PyDict_GET_SIZE(stacks_table) > 4096)
            PyDict_Clear(stacks_table);
        if (PyErr_Occurred() || PyDict_SetItem(stacks_table, key, stack) < 0) {
            Py_DECREF(key);
            Py_DECREF(stack);
            return NULL;
        }
    }
    Py_DECREF(key);
    Py_XSETREF(e->stack, Py_NewRef(stack));
    e->n = n;
    memcpy(e->code, code, n * sizeof(code[0]));
    memcpy(e->off, off, n * sizeof(off[0]));
    return stack;
}

/* anomaly_stack() -> list: the C capture, for ops/_apply._record */
static PyObject *anomaly_stack_call(PyObject *self, PyObject *unused)
{
    return anomaly_stack();
}

/* a complex ndarray: complex autodiff is refused, by the Python path (ops/_apply) */
static inline int complex_array(PyObject *a)
{
    return PyArray_Check(a) && PyArray_ISCOMPLEX((PyArrayObject *)a);
}

/* record_fast(op, x, y, out, save_idx, view) -> Tensor: ops/_apply._record_fast */
/* whether the node behind weak reference h is alive and still holds its saved values */
static int still_holds(PyObject *h)
{
#if PY_VERSION_HEX >= 0x030D0000
    PyObject *n;
    if (PyWeakref_GetRef(h, &n) <= 0) {
        PyErr_Clear();
        return 0;
    }
    int held = PyTuple_CheckExact(get(n, N__saved));
    Py_DECREF(n);
    return held;
#else
    PyObject *n = PyWeakref_GetObject(h);
    return n != NULL && n != Py_None && PyTuple_CheckExact(get(n, N__saved));
#endif
}

static inline int flag(PyObject *name);

static PyObject *record_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 6 && nargs != 7 && nargs != 8) {
        PyErr_SetString(PyExc_TypeError, "record_fast takes 6 to 8 arguments");
        return NULL;
    }
    PyObject *op = args[0], *x = args[1], *y = args[2], *out = args[3];
    PyObject *save_idx = args[4], *view = args[5];
    /* per saved value, the inputs whose derivative reads it (None: all); apply1/apply2
     * pass it, a call from Python reads it from the op */
    PyObject *need = nargs == 8 ? args[7] : Py_None, *hot_owned = NULL;
    /* apply1/apply2 pass whether detect_anomaly is on; a call from Python reads it */
    int anomaly = nargs == 7 ? args[6] == Py_True : flag(str_anomaly);
    if (anomaly < 0)
        return NULL;
    PyObject *ex = NULL, *sx = NULL, *ey = NULL, *sy = NULL, *t = NULL, *edges = NULL;
    PyObject *shapes = NULL, *saved = NULL, *vers = NULL, *oshape = NULL, *meta = NULL;
    PyObject *s = NULL, *site = NULL, *node = NULL, *mask;

    if (complex_array(out) || (is_tensor(x) && complex_array(get(x, T_data))) ||
        (is_tensor(y) && complex_array(get(y, T_data)))) {
        PyObject *xs = y == Py_None ? PyTuple_Pack(1, x) : PyTuple_Pack(2, x, y);
        if (xs == NULL)
            return NULL;
        PyObject *r = PyObject_CallFunctionObjArgs(record_py, op, xs, Py_None, out, NULL);
        Py_DECREF(xs);
        return r;
    }
    if (nargs != 8) {
        hot_owned = PyObject_GetAttr(op, str_hot);
        if (hot_owned == NULL)
            return NULL;
        if (PyTuple_Check(hot_owned) && PyTuple_GET_SIZE(hot_owned) > 4)
            need = PyTuple_GET_ITEM(hot_owned, 4);
    }

    /* the interned shapes and meta of the last node of each arity: consecutive ops
     * mostly repeat them, and comparing dimensions is cheaper than building and hashing
     * shape tuples */
    static PyObject *last_shapes[3], *last_meta;
    Py_ssize_t arity = y == Py_None ? 1 : 2;
    PyObject *ls = last_shapes[arity];
    if (ls != NULL && input_matches(x, PyTuple_GET_ITEM(ls, 0)) &&
        (arity == 1 || input_matches(y, PyTuple_GET_ITEM(ls, 1))))
        s = Py_NewRef(ls);
    PyObject **want_sx = s ? NULL : &sx, **want_sy = s ? NULL : &sy;
    if (edge_of(x, &ex, want_sx) < 0)
        goto fail;
    Py_ssize_t toffs[8] = {T_data, T_rg, T_grad, T_grad_fn, T_vc, T_fw, T_acc, T_x};
    t = fresh(Tensor_T, toffs, 8);
    if (t == NULL)
        goto fail;
    set(t, T_data, out);
    set(t, T_rg, Py_True);
    if (y == Py_None) {
        edges = PyTuple_Pack(1, ex);
        shapes = s ? NULL : PyTuple_Pack(1, sx);
        mask = MASK1;
    } else {
        if (edge_of(y, &ey, want_sy) < 0)
            goto fail;
        edges = PyTuple_Pack(2, ex, ey);
        shapes = s ? NULL : PyTuple_Pack(2, sx, sy);
        mask = PyTuple_GET_ITEM(MASK2, (ex != Py_None) + 2 * (ey != Py_None));
    }
    if (edges == NULL || (s == NULL && shapes == NULL))
        goto fail;
    if (s == NULL) {
        if ((s = PyDict_GetItemWithError(SHAPES, shapes)) != NULL) {
            Py_INCREF(s);
        } else {
            if (PyErr_Occurred())
                goto fail;
            s = PyObject_CallOneArg(intern_shapes_fn, shapes);
            if (s == NULL)
                goto fail;
        }
        Py_XSETREF(last_shapes[arity], Py_NewRef(s));
    }
    int out_nd = PyArray_Check(out) ? PyArray_NDIM((PyArrayObject *)out) : -1;
    if (out_nd < 0) {
        oshape = shape_attr(out);
        if (oshape == NULL)
            goto fail;
        out_nd = (int)PyTuple_GET_SIZE(oshape);
    }

    Py_ssize_t n = PyTuple_GET_SIZE(save_idx);
    long emask = (ex != Py_None) | (ey != NULL && ey != Py_None ? 2 : 0);
    if (n == 0) {
        saved = Py_NewRef(Py_None);
        vers = Py_NewRef(Py_None);
    } else {
        saved = PyTuple_New(n);
        vers = PyTuple_New(2 * n);
        if (saved == NULL || vers == NULL)
            goto fail;
        for (Py_ssize_t k = 0; k < n; k++) {
            long i = PyLong_AsLong(PyTuple_GET_ITEM(save_idx, k));
            PyObject *val, *vc, *ver;
            if (i == -1 && PyErr_Occurred())
                goto fail;
            if (need != Py_None && !(PyLong_AsLong(PyTuple_GET_ITEM(need, k)) & emask)) {
                /* only inputs without a gradient read it (x of x * 4.0): not kept */
                val = Py_NewRef(Py_None);
                vc = Py_NewRef(Py_None);
                ver = Py_NewRef(zero);
            } else if (i < 0) {
                val = out_nd ? Py_NewRef(out) : PyObject_GetItem(out, empty_tuple);
                if (val == NULL)
                    goto fail;
                vc = new_version();
                if (vc == NULL) {
                    Py_DECREF(val);
                    goto fail;
                }
                set(t, T_vc, vc);
                ver = Py_NewRef(zero);
            } else if (save_input(i ? y : x, &val, &vc, &ver) < 0) {
                goto fail;
            }
            PyTuple_SET_ITEM(saved, k, val);
            PyTuple_SET_ITEM(vers, 2 * k, vc);
            PyTuple_SET_ITEM(vers, 2 * k + 1, ver);
        }
    }

    {
        PyObject *dtype = dtype_attr(out);
        if (dtype == NULL)
            goto fail;
        if (last_meta != NULL && PyTuple_GET_ITEM(last_meta, 1) == dtype) {
            int eq = oshape ? PyObject_RichCompareBool(PyTuple_GET_ITEM(last_meta, 0), oshape,
                                                       Py_EQ)
                            : dims_equal(out, PyTuple_GET_ITEM(last_meta, 0));
            if (eq < 0) {
                Py_DECREF(dtype);
                goto fail;
            }
            if (eq)
                meta = Py_NewRef(last_meta);
        }
        if (meta != NULL) {
            Py_DECREF(dtype);
            goto have_meta;
        }
        if (oshape == NULL && (oshape = shape_attr(out)) == NULL) {
            Py_DECREF(dtype);
            goto fail;
        }
        PyObject *key = PyTuple_Pack(2, oshape, dtype);
        Py_DECREF(dtype);
        if (key == NULL)
            goto fail;
        meta = PyDict_GetItemWithError(META, key);
        Py_DECREF(key);
        if (meta != NULL) {
            Py_INCREF(meta);
        } else {
            if (PyErr_Occurred())
                goto fail;
            meta = PyObject_CallOneArg(intern_meta_fn, out);
            if (meta == NULL)
                goto fail;
        }
        Py_XSETREF(last_meta, Py_NewRef(meta));
    }
have_meta:
    if (PyObject_IsTrue(view)) {
        PyObject *r = PyObject_CallFunctionObjArgs(share_version_fn, x, t, NULL);
        if (r == NULL)
            goto fail;
        Py_DECREF(r);
    }
    site = anomaly ? anomaly_stack() : creation_site();
    if (site == NULL)
        goto fail;

    Py_ssize_t noffs[12] = {N_op, N__saved, N_saved, N_params, N_in_shapes, N_next,
                            N_needs_grad, N_vers, N_meta, N_site, N_x, N_seq};
    node = fresh(Node_T, noffs, 12);
    if (node == NULL)
        goto fail;
    set(node, N_op, op);
    set(node, N__saved, saved);
    set(node, N_in_shapes, s);
    set(node, N_next, edges);
    set(node, N_needs_grad, mask);
    set(node, N_vers, vers);
    set(node, N_meta, meta);
    set(node, N_site, site);
    {   /* the recording mark (tape._rotate), for GradientTape's filter: only while a
         * tape records (the thread's tape log exists then); one object shared by all */
        PyObject *d = local_dict();
        PyObject *log = d ? PyDict_GetItemWithError(d, str_tape_log) : NULL;
        if (log == NULL && (d == NULL || PyErr_Occurred()))
            goto fail;
        if (log != NULL && log != Py_None) {
            PyObject *mark = PyDict_GetItemWithError(d, str_tape_mark);
            if (mark == NULL && PyErr_Occurred())
                goto fail;
            if (mark != NULL)
                set(node, N_seq, mark);
        }
    }
    set(t, T_grad_fn, node);
    /* leaves whose arrays the node saved (parameters, constants) remember a node that
     * holds them, so .numpy() hands those arrays out read-only meanwhile (as
     * ops/_apply._hold: kept while the remembered node still holds its values) */
    {
        PyObject *r = NULL;
        for (Py_ssize_t k = 0; k < n; k++) {
            long i = PyLong_AsLong(PyTuple_GET_ITEM(save_idx, k));
            PyObject *a = i > 0 ? y : x;
            if (i < 0 || !is_tensor(a) || PyTuple_GET_ITEM(saved, k) == Py_None)
                continue;
            PyObject *vc = get(a, T_vc);
            PyObject *xl = SLOT(vc, V_x);      /* None or [views, holder] */
            if (get(a, T_grad_fn) != Py_None && xl == Py_None)
                continue;       /* an intermediate no view shares */
            PyObject *h = xl != Py_None ? PyList_GET_ITEM(xl, 1) : Py_None;
            if (h != Py_None && still_holds(h))
                continue;
            if (r == NULL && (r = PyWeakref_NewRef(node, NULL)) == NULL)
                goto fail;
            if (xl == Py_None) {
                xl = PyList_New(2);
                if (xl == NULL) {
                    Py_DECREF(r);
                    goto fail;
                }
                PyList_SET_ITEM(xl, 0, Py_NewRef(Py_None));
                PyList_SET_ITEM(xl, 1, Py_NewRef(r));
                SLOT(vc, V_x) = xl;
                Py_DECREF(Py_None);             /* the None the slot held */
            } else {
                PyList_SET_ITEM(xl, 1, Py_NewRef(r));
                Py_DECREF(h);
            }
        }
        Py_XDECREF(r);
    }
    /* A node made here refers only to other nodes, arrays, interned tuples and version
     * counters: it cannot be part of a reference cycle, so the cyclic collector need not
     * walk it (that walk is what makes per-node cost grow with the graph). Node._set
     * tracks it again when hooks are attached. */
    PyObject_GC_UnTrack(node);
    /* Its tuples likewise: CPython keeps a tuple of GC objects (nodes, counters) tracked
     * for good, and a long graph of them makes every full collection walk it all. */
    PyObject_GC_UnTrack(edges);
    if (PyTuple_CheckExact(vers))
        PyObject_GC_UnTrack(vers);
    if (PyTuple_CheckExact(saved))
        PyObject_GC_UnTrack(saved);
    Py_DECREF(node);
    goto done;
fail:
    Py_CLEAR(t);
done:
    Py_XDECREF(ex);
    Py_XDECREF(sx);
    Py_XDECREF(ey);
    Py_XDECREF(sy);
    Py_XDECREF(edges);
    Py_XDECREF(shapes);
    Py_XDECREF(saved);
    Py_XDECREF(vers);
    Py_XDECREF(oshape);
    Py_XDECREF(meta);
    Py_XDECREF(s);
    Py_XDECREF(site);
    Py_XDECREF(hot_owned);
    return t;
}


/* ------------------------------------------------------------------ apply */

static PyObject *record_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

/* a plain input of apply2: a Tensor without tangents or notes, or a Python number */
static inline int plain_tensor(PyObject *a)
{
    return is_tensor(a) && get(a, T_x) == Py_None &&
           get(a, T_fw) == Py_None;
}

/* a Tensor without tangents whose notes (hooks, explain_grad cuts) matter only when
 * the op records: the C path takes it when nothing will be recorded */
static inline int noted_tensor(PyObject *a)
{
    return is_tensor(a) && get(a, T_x) != Py_None &&
           get(a, T_fw) == Py_None;
}

static inline int flag(PyObject *name);

/* t's notes dict (borrowed), made when t has none; NULL on error */
static PyObject *notes_of(PyObject *t)
{
    PyObject *x = get(t, T_x);
    if (x != Py_None)
        return x;
    x = PyDict_New();
    if (x == NULL)
        return NULL;
    set(t, T_x, x);
    Py_DECREF(x);       /* t holds it */
    return x;
}

/* _tensor.note_cut(t, "no_grad", xs): remember on t that the gradient path from the
 * tracked inputs was cut here, with weak references only */
static int note_cut(PyObject *t, PyObject **xs, int n)
{
    int inside = flag(str_in_backward);     /* rules compute gradients: no notes */
    if (inside)
        return inside < 0 ? -1 : 0;
    PyObject *refs = PyList_New(0);
    if (refs == NULL)
        return -1;
    for (int i = 0; i < n; i++) {
        PyObject *a = xs[i];
        if (!is_tensor(a) || get(a, T_rg) != Py_True)
            continue;
        PyObject *fn = get(a, T_grad_fn);
        PyObject *ref = PyWeakref_NewRef(fn == Py_None ? a : fn, NULL);
        if (ref == NULL || PyList_Append(refs, ref) < 0) {
            Py_XDECREF(ref);
            goto fail;
        }
        Py_DECREF(ref);
        if (fn != Py_None) {
            PyObject *more = PyObject_CallOneArg(leaf_refs_fn, fn);
            if (more == NULL)
                goto fail;
            Py_ssize_t end = PyList_GET_SIZE(refs);
            int r = PyList_SetSlice(refs, end, end, more);
            Py_DECREF(more);
            if (r < 0)
                goto fail;
        }
    }
    if (PyList_GET_SIZE(refs)) {
        PyObject *site = creation_site();
        PyObject *tup = site ? PyList_AsTuple(refs) : NULL;
        PyObject *cut = tup ? PyTuple_Pack(3, str_no_grad, site, tup) : NULL;
        Py_XDECREF(site);
        Py_XDECREF(tup);
        if (cut == NULL)
            goto fail;
        PyObject *x = notes_of(t);
        int r = x ? PyDict_SetItem(x, str_cut, cut) : -1;
        Py_DECREF(cut);
        if (r < 0)
            goto fail;
    }
    Py_DECREF(refs);
    return 0;
fail:
    Py_DECREF(refs);
    return -1;
}

/* _tensor._carry_cut(t, xs): the first input's explain_grad cut, passed on */
static int carry_cut(PyObject *t, PyObject **xs, int n)
{
    for (int i = 0; i < n; i++) {
        if (!is_tensor(xs[i]))
            continue;
        PyObject *xx = get(xs[i], T_x);
        if (!PyDict_Check(xx))
            continue;
        PyObject *cut = PyDict_GetItemWithError(xx, str_cut);
        if (cut == NULL) {
            if (PyErr_Occurred())
                return -1;
            continue;
        }
        Py_INCREF(cut);
        PyObject *x = notes_of(t);
        int r = x ? PyDict_SetItem(x, str_cut, cut) : -1;
        Py_DECREF(cut);
        return r;
    }
    return 0;
}

static inline int py_number(PyObject *a)
{
    return PyFloat_CheckExact(a) || PyLong_CheckExact(a);
}

/* this thread's dict of the per-thread state (borrowed), found once per thread switch:
 * reading a threading.local attribute otherwise looks the dict up on every access */
static PyObject *local_dict(void)
{
    static uint64_t tid;
    static PyObject *dict;
    uint64_t id = PyThreadState_GetID(PyThreadState_Get());
    if (dict == NULL || id != tid) {
        PyObject *d = PyObject_GetAttrString(LOCAL, "__dict__");
        if (d == NULL)
            return NULL;
        PyObject *old = dict;
        dict = d;
        tid = id;
        Py_XDECREF(old);        /* last: it may run code that switches threads */
    }
    return dict;
}

/* local flag (0/1), or -1 */
static inline int flag(PyObject *name)
{
    PyObject *d = local_dict();
    if (d == NULL)
        return -1;
    PyObject *v = PyDict_GetItemWithError(d, name);
    if (v == Py_False)
        return 0;
    if (v == Py_True)
        return 1;
    if (v == NULL && PyErr_Occurred())
        return -1;
    v = PyObject_GetAttr(LOCAL, name);      /* not a plain per-thread value */
    if (v == NULL)
        return -1;
    int r = PyObject_IsTrue(v);
    Py_DECREF(v);
    return r;
}

/* the shared tail of apply1/apply2: `out` computed from inputs xs[0..n) by op */
static PyObject *finish(PyObject *op, PyObject *hot, PyObject **xs, int n, PyObject *out,
                        int rg, int noted, int anomaly)
{
    PyObject *save_idx = PyTuple_GET_ITEM(hot, 1);
    int diff = PyObject_IsTrue(PyTuple_GET_ITEM(hot, 2));
    int view = PyObject_IsTrue(PyTuple_GET_ITEM(hot, 3));
    if (diff < 0 || view < 0)
        return NULL;
    /* float64 out of non-float64 inputs: the float32 default (ops/_apply._has_float64) */
    PyObject *dtype = dtype_attr(out);
    if (dtype == NULL)
        return NULL;
    int f16 = dtype == F16;
    int fix = dtype == F64 || f16;
    Py_DECREF(dtype);
    /* a float64 tensor among the inputs (either side: 4.0 * u) keeps float64 */
    for (int i = 0; fix && !f16 && i < n; i++) {
        if (!is_tensor(xs[i]))
            continue;
        PyObject *xd = dtype_attr(get(xs[i], T_data));
        if (xd == NULL)
            return NULL;
        fix = xd != F64;
        Py_DECREF(xd);
    }
    PyObject *owned = NULL;
    if (fix) {
        /* float16: computed again in float32 (needs the forward) */
        owned = PyObject_CallFunctionObjArgs(default_float_fn, out, xs[0], n > 1 ? xs[1] : Py_None,
                                             f16 ? PyTuple_GET_ITEM(hot, 0) : Py_None, NULL);
        if (owned == NULL)
            return NULL;
        out = owned;
    }
    PyObject *res = NULL;
    int ge = rg && diff ? flag(str_grad_enabled) : 0;
    if (ge < 0)
        goto done;
    if (rg && diff && ge) {
        if (save_idx == Py_None) {
            PyObject *args = PyTuple_New(n);
            if (args == NULL)
                goto done;
            for (int i = 0; i < n; i++)
                PyTuple_SET_ITEM(args, i, Py_NewRef(xs[i]));
            res = PyObject_CallFunctionObjArgs(record_py, op, args, Py_None, out, NULL);
            Py_DECREF(args);
        } else {
            PyObject *a[8] = {op, xs[0], n > 1 ? xs[1] : Py_None, out, save_idx,
                              view ? Py_True : Py_False, anomaly ? Py_True : Py_False,
                              PyTuple_GET_SIZE(hot) > 4 ? PyTuple_GET_ITEM(hot, 4) : Py_None};
            res = record_fast(NULL, a, 8);
        }
    } else if (view) {                      /* views: the Python helper */
        PyObject *args = PyTuple_New(n);
        if (args == NULL)
            goto done;
        for (int i = 0; i < n; i++)
            PyTuple_SET_ITEM(args, i, Py_NewRef(xs[i]));
        res = PyObject_CallFunctionObjArgs(finish_fn, args, out, Py_True,
                                           rg && diff ? Py_True : Py_False, NULL);
        Py_DECREF(args);
        if (res != NULL && !(rg && diff) && noted && carry_cut(res, xs, n) < 0)
            Py_CLEAR(res);
    } else {
        Py_ssize_t toffs[8] = {T_data, T_rg, T_grad, T_grad_fn, T_vc, T_fw, T_acc, T_x};
        res = fresh(Tensor_T, toffs, 8);
        if (res) {
            set(res, T_data, out);
            set(res, T_rg, Py_False);
            /* explain_grad's notes (ops/_apply.apply): a cut here, or one passed on */
            int r = rg && diff ? note_cut(res, xs, n) : noted ? carry_cut(res, xs, n) : 0;
            if (r < 0)
                Py_CLEAR(res);
        }
    }
done:
    Py_XDECREF(owned);
    return res;
}

/* out = forward(*raw) as an ndarray (ufuncs give NumPy scalars for 0-d inputs) */
static PyObject *run_forward(PyObject *fwd, PyObject **raw, int n)
{
    PyObject *out = n <= 2 ? direct_(fwd, raw[0], n == 2 ? raw[1] : NULL, 0) : NULL;
    if (out != NULL || PyErr_Occurred())
        return out;
    out = PyObject_Vectorcall(fwd, raw, n, NULL);
    if (out == NULL || Py_IS_TYPE(out, (PyTypeObject *)NDARRAY))
        return out;
    PyObject *arr = PyObject_CallOneArg(asarray_fn, out);
    Py_DECREF(out);
    return arr;
}

/* whether the Python path must run (a tape, trace or checkpoint is recording), 0 or 1,
 * or -1; *anomaly is set when detect_anomaly is the only special mode: that stays on
 * this path and records the creation stack instead of the site */
static inline int special_mode(int *anomaly)
{
    int special = flag(str_special);
    if (special <= 0)
        return special;
    int only = flag(str_anomaly_only);
    if (only < 0)
        return -1;
    *anomaly = only;
    return !only;
}

/* apply1(op, x): ops/_apply.apply1_py for the common case, else that function */
static PyObject *apply1(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "apply1 takes 2 arguments");
        return NULL;
    }
    PyObject *op = args[0], *x = args[1];
    int anomaly = 0, special = special_mode(&anomaly);
    if (special < 0)
        return NULL;
    int noted = !special && noted_tensor(x);
    if (noted) {        /* notes matter with grad mode on (a record, a stale view) */
        int ge = flag(str_grad_enabled);
        if (ge < 0)
            return NULL;
        if (ge)
            return PyObject_Vectorcall(apply1_py, args, 2, NULL);
    }
    if (special || !(noted || plain_tensor(x)))
        return PyObject_Vectorcall(apply1_py, args, 2, NULL);
    PyObject *hot = PyObject_GetAttr(op, str_hot);
    if (hot == NULL)
        return NULL;
    PyObject *raw[1] = {get(x, T_data)};
    PyObject *out = run_forward(PyTuple_GET_ITEM(hot, 0), raw, 1);
    PyObject *res = NULL;
    if (out == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
        /* np.negative(bool) and the like: the Python path retries in float32 */
        PyErr_Clear();
        Py_DECREF(hot);
        return PyObject_Vectorcall(apply1_py, args, 2, NULL);
    }
    if (out != NULL) {
        int rg = PyObject_IsTrue(get(x, T_rg));
        PyObject *xs[1] = {x};
        res = rg < 0 ? NULL : finish(op, hot, xs, 1, out, rg, noted, anomaly);
        Py_DECREF(out);
    }
    Py_DECREF(hot);
    return res;
}

/* apply2(op, x, y): ops/_apply.apply2_py for the common case, else that function */
static PyObject *apply2(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 3) {
        PyErr_SetString(PyExc_TypeError, "apply2 takes 3 arguments");
        return NULL;
    }
    PyObject *op = args[0], *x = args[1], *y = args[2];
    int anomaly = 0, special = special_mode(&anomaly);
    if (special < 0)
        return NULL;
    int nx = !special && noted_tensor(x), ny = !special && noted_tensor(y);
    if (nx || ny) {     /* notes matter with grad mode on (a record, a stale view) */
        int ge = flag(str_grad_enabled);
        if (ge < 0)
            return NULL;
        if (ge)
            return PyObject_Vectorcall(apply2_py, args, 3, NULL);
    }
    int tx = nx || plain_tensor(x), ty = ny || plain_tensor(y);
    if (special || !((tx && (ty || py_number(y))) || (ty && py_number(x))))
        return PyObject_Vectorcall(apply2_py, args, 3, NULL);
    int rg = 0;
    if (tx && (rg = PyObject_IsTrue(get(x, T_rg))) < 0)
        return NULL;
    if (!rg && ty && (rg = PyObject_IsTrue(get(y, T_rg))) < 0)
        return NULL;
    PyObject *hot = PyObject_GetAttr(op, str_hot);
    if (hot == NULL)
        return NULL;
    PyObject *raw[2] = {tx ? get(x, T_data) : x, ty ? get(y, T_data) : y};
    PyObject *out = run_forward(PyTuple_GET_ITEM(hot, 0), raw, 2);
    PyObject *res = NULL;
    if (out == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
        /* bool inputs retried in float32, or the error that names the op: Python path */
        PyErr_Clear();
        Py_DECREF(hot);
        return PyObject_Vectorcall(apply2_py, args, 3, NULL);
    }
    if (out == NULL) {
        if (PyErr_ExceptionMatches(PyExc_ValueError)) {   /* name the op and the shapes */
            PyObject *et, *ev, *tb;
            PyErr_Fetch(&et, &ev, &tb);
            PyObject *r = PyObject_CallFunctionObjArgs(check_broadcast_fn, op, x, y, NULL);
            if (r == NULL) {
                Py_XDECREF(et);
                Py_XDECREF(ev);
                Py_XDECREF(tb);
            } else {
                Py_DECREF(r);
                PyErr_Restore(et, ev, tb);
            }
        }
    } else {
        PyObject *xs[2] = {x, y};
        res = finish(op, hot, xs, 2, out, rg, nx || ny, anomaly);
        Py_DECREF(out);
    }
    Py_DECREF(hot);
    return res;
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
static int finite_fast(PyObject *a)
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
static PyObject *all_finite(PyObject *self, PyObject *a)
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

static PyObject *relu_mask(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
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

static PyObject *init_finite(PyObject *self, PyObject *fn)
{
    Py_INCREF(fn);
    all_finite_py = fn;
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------ anomaly check */

/* finite_fast for a gradient, which may be a Tensor under create_graph */
static int finite_grad(PyObject *g)
{
    return finite_fast(is_tensor(g) ? get(g, T_data) : g);
}

/* check_grads(node, gxs): autograd/anomaly._check_grads_py. The common case, every
 * gradient finite, is decided here; anything else goes to the Python check, which
 * raises the AnomalyError that names the op. */
static PyObject *check_grads(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2) {
        PyErr_SetString(PyExc_TypeError, "check_grads takes 2 arguments (node, gxs)");
        return NULL;
    }
    int on = flag(str_check_nan);
    if (on <= 0)
        return on < 0 ? NULL : Py_NewRef(Py_None);
    PyObject *gxs = args[1];
    if (PyTuple_CheckExact(gxs) || PyList_CheckExact(gxs)) {
        Py_ssize_t n = PySequence_Fast_GET_SIZE(gxs);
        PyObject **items = PySequence_Fast_ITEMS(gxs);
        Py_ssize_t i = 0;
        for (; i < n; i++) {
            if (items[i] != Py_None && finite_grad(items[i]) != 1)
                break;
        }
        if (i == n)
            return Py_NewRef(Py_None);
    }
    return PyObject_Vectorcall(anomaly_report_fn, args, 2, NULL);
}

static PyObject *init_anomaly(PyObject *self, PyObject *fn)
{
    Py_INCREF(fn);
    Py_XSETREF(anomaly_report_fn, fn);
    Py_RETURN_NONE;
}

/* ------------------------------------------------------------ forward mode */

static PyObject *init_dual(PyObject *self, PyObject *args)
{
    if (!PyArg_ParseTuple(args, "OOOOO", &Ctx_T, &dual_py, &dual_norm_fn, &np_shape_fn,
                          &LINEAR))
        return NULL;
    PyObject *all[] = {(PyObject *)Ctx_T, dual_py, dual_norm_fn, np_shape_fn, LINEAR};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        Py_INCREF(all[i]);
    if (offset_of(Ctx_T, "saved", &C_saved) || offset_of(Ctx_T, "params", &C_params) ||
        offset_of(Ctx_T, "in_shapes", &C_in_shapes) ||
        offset_of(Ctx_T, "needs_grad", &C_needs_grad) ||
        offset_of(Ctx_T, "out_shape", &C_out_shape) || offset_of(Ctx_T, "batched", &C_batched))
        return NULL;
    Py_RETURN_NONE;
}

static PyObject *new_tensor(PyObject *data)
{
    Py_ssize_t toffs[8] = {T_data, T_rg, T_grad, T_grad_fn, T_vc, T_fw, T_acc, T_x};
    PyObject *t = fresh(Tensor_T, toffs, 8);
    if (t) {
        set(t, T_data, data);
        set(t, T_rg, Py_False);
    }
    return t;
}

/* dual_fast(op, args, raw, params): autograd/forward_ad._dual_fast_py for rules without params
 * that are not views or LINEAR; other ops go to that function */
static PyObject *dual_fast(PyObject *self, PyObject *const *argv, Py_ssize_t nargs)
{
    if (nargs != 4) {
        PyErr_SetString(PyExc_TypeError, "dual_fast takes 4 arguments");
        return NULL;
    }
    PyObject *op = argv[0], *args = argv[1], *raw = argv[2], *params = argv[3];
    PyObject *hot = NULL, *jvp = NULL, *tans = NULL, *level = NULL, *out = NULL;
    PyObject *t = NULL, *saved = NULL, *shapes = NULL, *ctx = NULL, *dout = NULL;
    PyObject *oshape = NULL, *res = NULL, *raw_tuple = NULL;
    if (PyList_CheckExact(raw)) {       /* apply() collects the raw inputs in a list */
        raw = raw_tuple = PyList_AsTuple(raw);
        if (raw == NULL)
            return NULL;
    }
    if (!PyTuple_CheckExact(args) || !PyTuple_CheckExact(raw) ||
        !(params == Py_None || PyDict_Check(params))) {
        Py_XDECREF(raw_tuple);
        return PyObject_Vectorcall(dual_py, argv, 4, NULL);
    }
    int has_params = params != Py_None && PyDict_GET_SIZE(params) > 0;
    hot = PyObject_GetAttr(op, str_hot);
    jvp = hot ? PyObject_GetAttr(op, str_jvp) : NULL;
    if (jvp == NULL)
        goto done;
    int diff = PyObject_IsTrue(PyTuple_GET_ITEM(hot, 2));
    int view = PyObject_IsTrue(PyTuple_GET_ITEM(hot, 3));
    if (diff < 0 || view < 0)
        goto done;
    int linear = jvp == LINEAR;
    if (jvp == Py_None || !diff || view || (!linear && PyTuple_GET_ITEM(hot, 1) == Py_None) ||
        (linear && PyTuple_GET_SIZE(raw) != 1)) {
        res = PyObject_Vectorcall(dual_py, argv, 4, NULL);
        goto done;
    }
    {   /* one dual level, no batching: else the Python function says no */
        PyObject *batch = PyObject_GetAttr(LOCAL, str_fw_batch);
        PyObject *levels = PyObject_GetAttr(LOCAL, str_fw_levels);
        int dflt = flag(str_fw_default);
        int ok = batch && levels && dflt >= 0 && PyList_Check(levels);
        int busy = ok ? PyObject_IsTrue(batch) : -1;
        if (ok && busy == 0) {
            Py_ssize_t nl = PyList_GET_SIZE(levels);
            if (dflt && nl == 0)
                level = PyLong_FromLong(0);
            else if (!dflt && nl == 1)
                level = Py_NewRef(PyList_GET_ITEM(levels, 0));
        }
        Py_XDECREF(batch);
        Py_XDECREF(levels);
        if (!ok || busy < 0)
            goto done;
        if (level == NULL) {
            if (PyErr_Occurred())
                goto done;
            res = Py_NewRef(Py_None);
            goto done;
        }
    }
    Py_ssize_t n = PyTuple_GET_SIZE(args);
    tans = PyTuple_New(n);
    if (tans == NULL)
        goto done;
    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *a = PyTuple_GET_ITEM(args, i), *tan = Py_None;
        if (is_tensor(a) && get(a, T_fw) != Py_None) {
            PyObject *fw = get(a, T_fw);
            PyObject *d = PyDict_Check(fw) ? PyDict_GetItemWithError(fw, level) : NULL;
            if (d == NULL && PyErr_Occurred())
                goto done;
            if (d == NULL || PyDict_GET_SIZE(fw) != 1 || !is_tensor(d) ||
                get(d, T_fw) != Py_None) {
                res = Py_NewRef(Py_None);
                goto done;
            }
            int drg = PyObject_IsTrue(get(d, T_rg));
            if (drg < 0)
                goto done;
            if (drg) {
                res = Py_NewRef(Py_None);
                goto done;
            }
            if (complex_array(get(a, T_data))) {   /* the Python path names the op */
                res = PyObject_Vectorcall(dual_py, argv, 4, NULL);
                goto done;
            }
            tan = scalarize(get(d, T_data));
            if (tan == NULL)
                goto done;
        } else {
            Py_INCREF(tan);
        }
        PyTuple_SET_ITEM(tans, i, tan);
    }
    if (has_params) {       /* forward(*raw, **params), as an ndarray */
        out = PyObject_Call(PyTuple_GET_ITEM(hot, 0), raw, params);
        if (out != NULL && !Py_IS_TYPE(out, (PyTypeObject *)NDARRAY))
            Py_SETREF(out, PyObject_CallOneArg(asarray_fn, out));
    } else {
        out = run_forward(PyTuple_GET_ITEM(hot, 0), &PyTuple_GET_ITEM(raw, 0),
                          (int)PyTuple_GET_SIZE(raw));
    }
    if (out == NULL)
        goto done;
    if (complex_array(out)) {       /* complex autodiff is refused by the Python path */
        res = PyObject_Vectorcall(dual_py, argv, 4, NULL);
        goto done;
    }
    t = new_tensor(out);
    if (t == NULL)
        goto done;
    if (linear) {           /* a linear op's tangent is the op applied to the tangent */
        PyObject *dx = PyTuple_GET_ITEM(tans, 0);
        if (dx == Py_None) {
            res = Py_NewRef(t);
            goto done;
        }
        PyObject *one = PyTuple_Pack(1, dx);
        dout = one ? PyObject_Call(PyTuple_GET_ITEM(hot, 0), one, has_params ? params : NULL)
                   : NULL;
        Py_XDECREF(one);
        if (dout == NULL)
            goto done;
        oshape = shape_attr(out);
        if (oshape == NULL)
            goto done;
        goto have_dout;
    }
    /* the rule's context: saved values (0-d as scalars), input shapes, output shape */
    PyObject *save_idx = PyTuple_GET_ITEM(hot, 1);
    Py_ssize_t ns = PyTuple_GET_SIZE(save_idx);
    saved = PyTuple_New(ns);
    shapes = PyTuple_New(PyTuple_GET_SIZE(raw));
    oshape = shape_attr(out);
    if (saved == NULL || shapes == NULL || oshape == NULL)
        goto done;
    for (Py_ssize_t k = 0; k < ns; k++) {
        long i = PyLong_AsLong(PyTuple_GET_ITEM(save_idx, k));
        if (i == -1 && PyErr_Occurred())
            goto done;
        PyObject *v = scalarize(i < 0 ? out : PyTuple_GET_ITEM(raw, i));
        if (v == NULL)
            goto done;
        PyTuple_SET_ITEM(saved, k, v);
    }
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(raw); i++) {
        PyObject *v = PyTuple_GET_ITEM(raw, i);
        PyObject *sh = Py_IS_TYPE(v, (PyTypeObject *)NDARRAY)
                           ? shape_attr(v)
                           : PyObject_CallOneArg(np_shape_fn, v);
        if (sh == NULL)
            goto done;
        PyTuple_SET_ITEM(shapes, i, sh);
    }
    Py_ssize_t coffs[6] = {C_saved, C_params, C_in_shapes, C_needs_grad, C_out_shape,
                           C_batched};
    ctx = fresh(Ctx_T, coffs, 6);
    if (ctx == NULL)
        goto done;
    set(ctx, C_saved, saved);
    if (has_params)
        set(ctx, C_params, params);
    set(ctx, C_in_shapes, shapes);
    set(ctx, C_needs_grad, empty_tuple);
    set(ctx, C_out_shape, oshape);
    {
        PyObject *call[8];
        if (n > 7) {
            PyErr_SetString(PyExc_TypeError, "dual_fast: too many inputs");
            goto done;
        }
        call[0] = ctx;
        for (Py_ssize_t i = 0; i < n; i++)
            call[i + 1] = PyTuple_GET_ITEM(tans, i);
        dout = PyObject_Vectorcall(jvp, call, n + 1, NULL);
    }
    if (dout == NULL)
        goto done;
have_dout:
    /* the tangent as an ndarray of the output's shape and dtype */
    int plain = 0;
    if (Py_IS_TYPE(dout, (PyTypeObject *)NDARRAY)) {
        PyObject *dsh = shape_attr(dout);
        PyObject *dd = dtype_attr(dout);
        PyObject *od = dtype_attr(out);
        if (dsh && dd && od) {
            plain = PyObject_RichCompareBool(dsh, oshape, Py_EQ);
            if (plain == 1)
                plain = dd == od;
        }
        Py_XDECREF(dsh);
        Py_XDECREF(dd);
        Py_XDECREF(od);
        if (plain < 0 || PyErr_Occurred())
            goto done;
    }
    if (!plain) {
        PyObject *norm = PyObject_CallFunctionObjArgs(dual_norm_fn, out, dout, NULL);
        if (norm == NULL)
            goto done;
        Py_SETREF(dout, norm);
    }
    PyObject *d = new_tensor(dout);
    if (d == NULL)
        goto done;
    PyObject *fw = PyDict_New();
    if (fw == NULL || PyDict_SetItem(fw, level, d) < 0) {
        Py_XDECREF(fw);
        Py_DECREF(d);
        goto done;
    }
    Py_DECREF(d);
    set(t, T_fw, fw);
    Py_DECREF(fw);
    res = Py_NewRef(t);
done:
    Py_XDECREF(hot);
    Py_XDECREF(jvp);
    Py_XDECREF(tans);
    Py_XDECREF(level);
    Py_XDECREF(out);
    Py_XDECREF(t);
    Py_XDECREF(saved);
    Py_XDECREF(shapes);
    Py_XDECREF(ctx);
    Py_XDECREF(dout);
    Py_XDECREF(oshape);
    Py_XDECREF(raw_tuple);
    return res;
}


/* ------------------------------------------------------------ derivative programs */

/* The vjp and jvp of an elementwise op, run from the program that ops/_op.derive
 * compiles from the op's one statement `d` (no rule is written here): registers hold
 * the saved values, then constants, then one result per step; a step is a ufunc on one
 * or two registers. Arithmetic ufuncs run as Python's operators (a Python float stays
 * one), the others through `ufunc_call`, in the order the Python rule
 * (`Program.registers`) runs them, so both give bitwise equal gradients. Anything but
 * raw values (a Tensor: create_graph, forward-over-reverse) goes to that Python rule. */

static PyObject *scale_py;      /* ops/_op.scale: keeps zero cotangents zero */

/* init_programs(scale, (np.add, np.subtract, np.multiply, np.true_divide, np.negative)) */
static PyObject *init_programs(PyObject *self, PyObject *args)
{
    if (!PyArg_ParseTuple(args, "O(OOOOO)", &scale_py, &np_add, &np_subtract, &np_multiply,
                          &np_true_divide, &np_negative))
        return NULL;
    PyObject *all[] = {scale_py, np_add, np_subtract, np_multiply, np_true_divide,
                       np_negative};
    for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
        Py_INCREF(all[i]);
    Py_RETURN_NONE;
}

static PyObject *all_finite(PyObject *self, PyObject *a);

/* all_finite() as 1 or 0, -1 on error */
static int finite_value(PyObject *v)
{
    PyObject *fin = all_finite(NULL, v);
    if (fin == NULL)
        return -1;
    int ok = fin == Py_True;
    Py_DECREF(fin);
    return ok;
}

/* ops/_op.scale: g * d when d or the product is all finite (a smaller d checked first),
 * else the Python function (it keeps zero cotangents zero) */
static PyObject *scale(PyObject *g, PyObject *d)
{
    PyObject *r = np_multiply ? direct(np_multiply, g, d) : NULL;
    if (r == NULL && !PyErr_Occurred())
        r = PyNumber_Multiply(g, d);
    if (r == NULL)
        return NULL;
    if (!is_tensor(r) && !is_tensor(d)) {
        PyObject *first = r, *second = d;
        if (PyArray_Check(d) && PyArray_Check(r) &&
            PyArray_IS_C_CONTIGUOUS((PyArrayObject *)d) &&
            PyArray_SIZE((PyArrayObject *)d) < PyArray_SIZE((PyArrayObject *)r)) {
            first = d;
            second = r;
        }
        int ok = finite_value(first);
        if (ok == 0)
            ok = finite_value(second);
        if (ok != 0) {
            if (ok < 0)
                Py_CLEAR(r);
            return r;
        }
    }
    Py_DECREF(r);
    return PyObject_CallFunctionObjArgs(scale_py, g, d, NULL);
}

static inline int wants(PyObject *m, int k)
{
    if (!PyTuple_Check(m) || k >= PyTuple_GET_SIZE(m))
        return 0;
    PyObject *v = PyTuple_GET_ITEM(m, k);
    return v == Py_True || (v != Py_False && PyObject_IsTrue(v) > 0);
}

#define RULE_MAX_IN 4
#define RULE_MAX_STEPS 60
#define RULE_MAX_REGS 128
enum { OUT_PASS = -1, OUT_NEG = -2 };       /* ops/_op.PASS, NEG: g as is, -g */
enum { S_UFUNC, S_ADD, S_SUB, S_MUL, S_DIV, S_NEG };

typedef struct {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    int is_jvp, n_in, n_saved, n_consts, n_steps;
    PyObject *consts;       /* tuple */
    PyObject *steps;        /* ((ufunc, a[, b]), ...) */
    PyObject *python;       /* the Python rule with the same meaning */
    PyObject *ufs[RULE_MAX_STEPS];      /* borrowed from steps */
    signed char kind[RULE_MAX_STEPS];
    int refs[RULE_MAX_STEPS][2];
    signed char dead[RULE_MAX_STEPS][2];    /* operand j is a temporary read last here */
    int outs[RULE_MAX_IN];
    unsigned long long masks[RULE_MAX_IN];
} RuleObject;

static PyTypeObject Rule_T;

static void rule_clear(PyObject **regs, int from, int to)
{
    for (int i = from; i < to; i++)
        Py_CLEAR(regs[i]);
}

/* a temporary register the caller may overwrite: an array only `regs` holds */
static inline PyObject *spare(PyObject *v)
{
    return v != NULL && PyArray_CheckExact(v) && Py_REFCNT(v) == 1 ? v : NULL;
}

/* one step: the inner loop (into a dead temporary when `reuse`), else the operator or
 * the ufunc call, as Program.registers runs it */
static PyObject *rule_step(RuleObject *r, int i, PyObject **regs, int reuse, int *clobbered)
{
    PyObject *a = regs[r->refs[i][0]];
    PyObject *b = r->refs[i][1] >= 0 ? regs[r->refs[i][1]] : NULL;
    PyObject *into = NULL;
    if (reuse)
        for (int j = 0; j < 2 && into == NULL; j++)
            if (r->dead[i][j])
                into = spare(regs[r->refs[i][j]]);
    PyObject *v = direct_out(r->ufs[i], a, b, 1, into, clobbered);
    if (v != NULL || PyErr_Occurred() || *clobbered)
        return v;
    switch (r->kind[i]) {
    case S_ADD: return PyNumber_Add(a, b);
    case S_SUB: return PyNumber_Subtract(a, b);
    case S_MUL: return PyNumber_Multiply(a, b);
    case S_DIV: return PyNumber_TrueDivide(a, b);
    case S_NEG: return PyNumber_Negative(a);
    default: return b ? PyObject_CallFunctionObjArgs(r->ufs[i], a, b, NULL)
                      : PyObject_CallOneArg(r->ufs[i], a);
    }
}

/* fill regs: saved values and constants (borrowed), then the steps in `mask` (new
 * references, NULL for the others); -1 on error or clobbering, the steps released */
static int rule_registers(RuleObject *r, PyObject *saved, unsigned long long mask,
                          PyObject **regs, int reuse, int *clobbered)
{
    int ns = r->n_saved, base = ns + r->n_consts;
    for (int i = 0; i < ns; i++)
        regs[i] = PyTuple_GET_ITEM(saved, i);
    for (int i = 0; i < r->n_consts; i++)
        regs[ns + i] = PyTuple_GET_ITEM(r->consts, i);
    for (int i = 0; i < r->n_steps; i++)
        regs[base + i] = NULL;
    for (int i = 0; i < r->n_steps; i++) {
        if (!(mask >> i & 1))
            continue;
        PyObject *v = rule_step(r, i, regs, reuse, clobbered);
        if (v == NULL) {
            rule_clear(regs, base, base + r->n_steps);
            return -1;
        }
        /* a step that wrote into its operand's register: that register now holds v */
        for (int j = 0; j < 2; j++)
            if (r->dead[i][j] && regs[r->refs[i][j]] == v)
                Py_CLEAR(regs[r->refs[i][j]]);
        regs[base + i] = v;
    }
    return 0;
}

/* g times input k's derivative: g, -g or scale(g, d_k). (Writing the product into d_k
 * was tried: gradients underflow often enough that the start-overs cost more.) */
static PyObject *rule_term(RuleObject *r, int k, PyObject *g, PyObject **regs)
{
    int o = r->outs[k];
    if (o == OUT_PASS)
        return Py_NewRef(g);
    if (o == OUT_NEG)
        return neg(g);
    return scale(g, regs[o]);
}

static PyObject *rule_vjp_(RuleObject *r, PyObject *saved, PyObject *needs, PyObject *g,
                           int reuse, int *clobbered)
{
    PyObject *regs[RULE_MAX_REGS];
    int want[RULE_MAX_IN];
    unsigned long long mask = 0;
    for (int k = 0; k < r->n_in; k++) {
        want[k] = wants(needs, k);
        if (want[k])
            mask |= r->masks[k];
    }
    if (rule_registers(r, saved, mask, regs, reuse, clobbered) < 0)
        return NULL;
    int base = r->n_saved + r->n_consts;
    PyObject *res = PyTuple_New(r->n_in);
    for (int k = 0; res != NULL && k < r->n_in; k++) {
        PyObject *gx = want[k] ? rule_term(r, k, g, regs)
                               : Py_NewRef(Py_None);
        if (gx == NULL)
            Py_CLEAR(res);
        else
            PyTuple_SET_ITEM(res, k, gx);
    }
    rule_clear(regs, base, base + r->n_steps);
    return res;
}

/* the gradients (a tuple) for the inputs `needs` asks for; reusing temporaries, and
 * once more without if a floating-point exception spoilt one */
static PyObject *rule_vjp(RuleObject *r, PyObject *saved, PyObject *needs, PyObject *g)
{
    int clobbered = 0;
    PyObject *res = rule_vjp_(r, saved, needs, g, 1, &clobbered);
    if (res == NULL && clobbered && !PyErr_Occurred()) {
        clobbered = 0;
        res = rule_vjp_(r, saved, needs, g, 0, &clobbered);
    }
    return res;
}

static PyObject *rule_jvp_(RuleObject *r, PyObject *saved, PyObject *const *tans,
                           int reuse, int *clobbered)
{
    PyObject *regs[RULE_MAX_REGS];
    unsigned long long mask = 0;
    for (int k = 0; k < r->n_in; k++)
        if (tans[k] != Py_None)
            mask |= r->masks[k];
    if (rule_registers(r, saved, mask, regs, reuse, clobbered) < 0)
        return NULL;
    PyObject *acc = NULL;
    int failed = 0;
    for (int k = 0; k < r->n_in && !failed; k++) {
        if (tans[k] == Py_None)
            continue;
        PyObject *term = rule_term(r, k, tans[k], regs);
        if (term == NULL) {
            failed = 1;
        } else if (acc == NULL) {
            acc = term;
        } else {
            PyObject *s = add(acc, term);
            Py_DECREF(term);
            Py_SETREF(acc, s);
            failed = s == NULL;
        }
    }
    rule_clear(regs, r->n_saved + r->n_consts, r->n_saved + r->n_consts + r->n_steps);
    if (failed) {
        Py_XDECREF(acc);
        return NULL;
    }
    return acc ? acc : Py_NewRef(Py_None);
}

/* the output tangent: the sum of the inputs' terms (None when no tangent is given) */
static PyObject *rule_jvp(RuleObject *r, PyObject *saved, PyObject *const *tans)
{
    int clobbered = 0;
    PyObject *res = rule_jvp_(r, saved, tans, 1, &clobbered);
    if (res == NULL && clobbered && !PyErr_Occurred()) {
        clobbered = 0;
        res = rule_jvp_(r, saved, tans, 0, &clobbered);
    }
    return res;
}

/* whether saved (a tuple of the program's size) and the values in vs hold no Tensor */
static int rule_raw(RuleObject *r, PyObject *saved, PyObject *const *vs, Py_ssize_t n)
{
    if (!PyTuple_CheckExact(saved) || PyTuple_GET_SIZE(saved) != r->n_saved)
        return 0;
    for (Py_ssize_t i = 0; i < r->n_saved; i++)
        if (is_tensor(PyTuple_GET_ITEM(saved, i)))
            return 0;
    for (Py_ssize_t i = 0; i < n; i++)
        if (is_tensor(vs[i]))
            return 0;
    return 1;
}

/* rule(ctx, g) or rule(ctx, *tangents); ctx a Node (the backward loops) or a Ctx
 * (forward mode, tg.function) */
static PyObject *rule_call(PyObject *self, PyObject *const *args, size_t nargsf,
                           PyObject *kwnames)
{
    RuleObject *r = (RuleObject *)self;
    Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
    if (kwnames == NULL && nargs == (r->is_jvp ? 1 + r->n_in : 2)) {
        PyObject *ctx = args[0], *saved = NULL, *needs = NULL;
        if (Node_T != NULL && Py_IS_TYPE(ctx, Node_T)) {
            saved = get(ctx, N_saved);
            needs = get(ctx, N_needs_grad);
        } else if (Ctx_T != NULL && Py_IS_TYPE(ctx, Ctx_T)) {
            saved = get(ctx, C_saved);
            needs = get(ctx, C_needs_grad);
        }
        if (saved != NULL && rule_raw(r, saved, args + 1, nargs - 1))
            return r->is_jvp ? rule_jvp(r, saved, args + 1) : rule_vjp(r, saved, needs, args[1]);
    }
    return PyObject_Vectorcall(r->python, args, nargsf, kwnames);
}

/* Rule(is_jvp, n_saved, consts, steps, outs, masks, python): see ops/_op.Program */
static PyObject *rule_new(PyTypeObject *tp, PyObject *args, PyObject *kw)
{
    int is_jvp, n_saved;
    PyObject *consts, *steps, *outs, *masks, *python;
    if (!PyArg_ParseTuple(args, "piO!O!O!O!O:Rule", &is_jvp, &n_saved, &PyTuple_Type,
                          &consts, &PyTuple_Type, &steps, &PyTuple_Type, &outs,
                          &PyTuple_Type, &masks, &python))
        return NULL;
    Py_ssize_t n_in = PyTuple_GET_SIZE(outs), n_steps = PyTuple_GET_SIZE(steps);
    Py_ssize_t n_regs = n_saved + PyTuple_GET_SIZE(consts) + n_steps;
    if (np_add == NULL || n_in < 1 || n_in > RULE_MAX_IN || n_steps > RULE_MAX_STEPS ||
        n_saved < 0 || n_regs > RULE_MAX_REGS || PyTuple_GET_SIZE(masks) != n_in) {
        PyErr_SetString(PyExc_ValueError, "Rule: program too large or malformed (or "
                                          "init_programs has not run)");
        return NULL;
    }
    RuleObject *r = PyObject_GC_New(RuleObject, tp);
    if (r == NULL)
        return NULL;
    r->vectorcall = rule_call;
    r->is_jvp = is_jvp;
    r->n_in = (int)n_in;
    r->n_saved = n_saved;
    r->n_consts = (int)PyTuple_GET_SIZE(consts);
    r->n_steps = (int)n_steps;
    r->consts = Py_NewRef(consts);
    r->steps = Py_NewRef(steps);
    r->python = Py_NewRef(python);
    PyObject_GC_Track(r);
    int base = n_saved + r->n_consts;
    for (int i = 0; i < r->n_steps; i++) {
        PyObject *st = PyTuple_GET_ITEM(steps, i);
        Py_ssize_t n = PyTuple_Check(st) ? PyTuple_GET_SIZE(st) : 0;
        if (n < 2 || n > 3)
            goto bad;
        PyObject *uf = PyTuple_GET_ITEM(st, 0);
        r->ufs[i] = uf;
        for (int j = 0; j < 2; j++) {
            long v = j + 1 < n ? PyLong_AsLong(PyTuple_GET_ITEM(st, j + 1)) : -1;
            if ((v == -1 && PyErr_Occurred()) || v >= base + i || (j == 0 && v < 0))
                goto bad;
            r->refs[i][j] = (int)v;
        }
        int two = n == 3;
        r->kind[i] = uf == np_add && two ? S_ADD : uf == np_subtract && two ? S_SUB
                   : uf == np_multiply && two ? S_MUL : uf == np_true_divide && two ? S_DIV
                   : uf == np_negative && !two ? S_NEG : S_UFUNC;
    }
    for (int k = 0; k < r->n_in; k++) {
        long o = PyLong_AsLong(PyTuple_GET_ITEM(outs, k));
        unsigned long long m = PyLong_AsUnsignedLongLong(PyTuple_GET_ITEM(masks, k));
        if (PyErr_Occurred() || o < OUT_NEG || o >= base + r->n_steps)
            goto bad;
        r->outs[k] = (int)o;
        r->masks[k] = m;
    }
    /* which temporaries a step may overwrite: read for the last time there, no output */
    for (int i = 0; i < r->n_steps; i++)
        for (int j = 0; j < 2; j++) {
            int reg = r->refs[i][j], dead = reg >= base;
            for (int l = i + 1; dead && l < r->n_steps; l++)
                dead = r->refs[l][0] != reg && r->refs[l][1] != reg;
            for (int k = 0; dead && k < r->n_in; k++)
                dead = r->outs[k] != reg;
            r->dead[i][j] = (signed char)dead;
        }
    return (PyObject *)r;
bad:
    if (!PyErr_Occurred())
        PyErr_SetString(PyExc_ValueError, "Rule: malformed program");
    Py_DECREF(r);
    return NULL;
}

static int rule_traverse(PyObject *self, visitproc visit, void *arg)
{
    RuleObject *r = (RuleObject *)self;
    Py_VISIT(r->consts);
    Py_VISIT(r->steps);
    Py_VISIT(r->python);
    return 0;
}

static int rule_clear_refs(PyObject *self)
{
    RuleObject *r = (RuleObject *)self;
    Py_CLEAR(r->consts);
    Py_CLEAR(r->steps);
    Py_CLEAR(r->python);
    return 0;
}

static void rule_dealloc(PyObject *self)
{
    PyObject_GC_UnTrack(self);
    rule_clear_refs(self);
    PyObject_GC_Del(self);
}

static PyMemberDef rule_members[] = {
    {"python", T_OBJECT, offsetof(RuleObject, python), READONLY,
     "The Python rule this one equals (and calls for Tensors)."},
    {"steps", T_OBJECT, offsetof(RuleObject, steps), READONLY,
     "The program's steps: (ufunc, register[, register])."},
    {NULL},
};

static PyTypeObject Rule_T = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "tapegrad._speedups.Rule",
    .tp_doc = "An elementwise op's vjp or jvp, run from its derivative program.",
    .tp_basicsize = sizeof(RuleObject),
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_new = rule_new,
    .tp_dealloc = rule_dealloc,
    .tp_traverse = rule_traverse,
    .tp_clear = rule_clear_refs,
    .tp_call = PyVectorcall_Call,
    .tp_vectorcall_offset = offsetof(RuleObject, vectorcall),
    .tp_members = rule_members,
};

/* ufunc_call(ufunc, a[, b]): graph mode's forward call of a ufunc op (see direct) */
static PyObject *ufunc_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "ufunc_call(ufunc, a[, b])");
        return NULL;
    }
    return ufunc_call(args[0], args[1], nargs == 3 ? args[2] : NULL);
}

/* ------------------------------------------------------------------ backward */

/* a node's input edges as a tuple (new ref): Node slots, AccumulateGrad has none */
static PyObject *nexts_of(PyObject *node)
{
    if (Py_IS_TYPE(node, Node_T))
        return Py_NewRef(get(node, N_next));
    if (Py_IS_TYPE(node, Acc_T))
        return Py_NewRef(empty_tuple);
    PyObject *n = PyObject_GetAttr(node, str_next);
    if (n == NULL)
        return NULL;
    PyObject *t = PySequence_Tuple(n);
    Py_DECREF(n);
    return t;
}

/* The consumer counts of one backward: an open-addressing table keyed by node address.
 * The hash keeps nearby addresses in nearby slots, so walking a long graph (whose nodes
 * were allocated in order) walks the table in order too; a dict of a million nodes
 * costs two cache misses per lookup. The table owns a reference to each node until
 * its count reaches zero and it moves to the ready list; after that its address stays
 * as a key but is never looked up again (only a node's consumers look it up). */
typedef struct {
    PyObject *key;
    int count;
    int need;           /* leads to a target (only computed when there are targets) */
    PyObject *grad;     /* the gradient summed so far (owned), or NULL */
} wslot;

typedef struct {
    wslot *slots;
    size_t mask, used;
} wtable;

static inline size_t whash(PyObject *p)
{
    uintptr_t a = (uintptr_t)p;
    return (size_t)((a >> 4) ^ (a >> 26));
}

static int wtable_init(wtable *t)
{
    t->mask = 63;
    t->used = 0;
    t->slots = PyMem_Calloc(t->mask + 1, sizeof(wslot));
    if (t->slots == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    return 0;
}

/* the slot of key, or the empty slot where it would go */
static wslot *wtable_find(wtable *t, PyObject *key)
{
    size_t i = whash(key) & t->mask;
    while (t->slots[i].key != NULL && t->slots[i].key != key)
        i = (i + 1) & t->mask;
    return &t->slots[i];
}

/* the slot of key, added with count 0 if missing (*added = 1); NULL on memory error */
static wslot *wtable_get(wtable *t, PyObject *key, int *added)
{
    wslot *w = wtable_find(t, key);
    *added = w->key == NULL;
    if (!*added)
        return w;
    if (2 * (t->used + 1) > t->mask + 1) {     /* keep it at most half full */
        size_t n = 2 * (t->mask + 1);
        wslot *old = t->slots, *neu = PyMem_Calloc(n, sizeof(wslot));
        if (neu == NULL) {
            PyErr_NoMemory();
            return NULL;
        }
        size_t oldn = t->mask + 1;
        t->slots = neu;
        t->mask = n - 1;
        for (size_t k = 0; k < oldn; k++)
            if (old[k].key != NULL)
                *wtable_find(t, old[k].key) = old[k];
        PyMem_Free(old);
        w = wtable_find(t, key);
    }
    w->key = Py_NewRef(key);
    w->count = 0;
    w->need = 0;
    w->grad = NULL;
    t->used++;
    return w;
}

/* drop the references of nodes whose count never reached zero, and gradients never
 * used (an error cut the loop) */
static void wtable_free(wtable *t)
{
    if (t->slots == NULL)
        return;
    for (size_t k = 0; k <= t->mask; k++) {
        if (t->slots[k].key != NULL && t->slots[k].count > 0)
            Py_DECREF(t->slots[k].key);
        Py_XDECREF(t->slots[k].grad);
    }
    PyMem_Free(t->slots);
}

/* add g (borrowed) to the gradient kept in slot w */
static int slot_add(wslot *w, PyObject *g)
{
    if (w->grad == NULL) {
        w->grad = Py_NewRef(g);
        return 0;
    }
    PyObject *sum = add(w->grad, g);
    if (sum == NULL)
        return -1;
    Py_SETREF(w->grad, sum);
    return 0;
}

/* release an input of a node: count down, and queue it when it is complete */
static int release(wslot *w, PyObject *ready)
{
    if (--w->count == 0) {      /* the ready list takes over the table's reference */
        PyObject *nxt = w->key;
        int r = PyList_Append(ready, nxt);
        Py_DECREF(nxt);
        return r;
    }
    return 0;
}

/* engine._allows: a tape's filter `allowed` = ((mark, ...), extra nodes) keeps a node
 * whose recording mark (Node.seq, an object shared by a stretch of recording) is one of
 * the tape's, or one of the extra nodes (watched tensors' nodes). */
typedef struct {
    PyObject *marks;        /* borrowed tuple */
    PyObject *extra;        /* borrowed set */
} tape_filter;

static int filter_init(tape_filter *f, PyObject *allowed)
{
    f->marks = NULL;
    f->extra = NULL;
    if (allowed == Py_None)
        return 0;
    if (!PyTuple_Check(allowed) || PyTuple_GET_SIZE(allowed) != 2 ||
        !PyTuple_Check(PyTuple_GET_ITEM(allowed, 0))) {
        PyErr_SetString(PyExc_TypeError, "backward_loops: allowed must be None or "
                                         "((mark, ...), nodes)");
        return -1;
    }
    f->marks = PyTuple_GET_ITEM(allowed, 0);
    f->extra = PyTuple_GET_ITEM(allowed, 1);
    return 0;
}

/* 1, 0 or -1 */
static int allows(tape_filter *f, PyObject *node)
{
    PyObject *seq = Py_IS_TYPE(node, Node_T) ? get(node, N_seq) : Py_None;
    if (seq != Py_None) {       /* the marks first: most nodes are found there */
        for (Py_ssize_t k = 0; k < PyTuple_GET_SIZE(f->marks); k++)
            if (PyTuple_GET_ITEM(f->marks, k) == seq)
                return 1;
    }
    return PySet_Contains(f->extra, node);
}

/* a node done in the planning pass (all below it are): whether it leads to a target,
 * and its needs_grad mask in `masks` if some edge is cut or leads to no target */
static int plan_done(wtable *waiting, PyObject *node, PyObject *nexts, PyObject *targets,
                     PyObject *masks, int *outer)
{
    Py_ssize_t m = PyTuple_GET_SIZE(nexts);
    int any_live = 0, any_dead = 0;
    for (Py_ssize_t j = 0; j < m; j++) {
        PyObject *nxt = PyTuple_GET_ITEM(nexts, j);
        if (nxt == Py_None)
            continue;
        wslot *w = wtable_find(waiting, nxt);
        if (w->key != NULL && (targets == Py_None || w->need))
            any_live = 1;
        else
            any_dead = 1;
    }
    if (targets != Py_None) {
        int t = PyDict_Contains(targets, node);
        if (t < 0)
            return -1;
        wtable_find(waiting, node)->need = t || any_live;
        if (!t && Py_IS_TYPE(node, Acc_T))
            *outer = 1;         /* a leaf that is not a target: BackwardState.reached_outer */
    }
    if (!any_dead)
        return 0;
    PyObject *mask = PyTuple_New(m);
    if (mask == NULL)
        return -1;
    for (Py_ssize_t j = 0; j < m; j++) {
        PyObject *nxt = PyTuple_GET_ITEM(nexts, j);
        int live = 0;
        if (nxt != Py_None) {
            wslot *w = wtable_find(waiting, nxt);
            live = w->key != NULL && (targets == Py_None || w->need);
        }
        PyTuple_SET_ITEM(mask, j, Py_NewRef(live ? Py_True : Py_False));
    }
    int r = PyDict_SetItem(masks, node, mask);
    Py_DECREF(mask);
    return r;
}

typedef struct {
    PyObject *node;     /* borrowed: the table holds it */
    PyObject *nexts;    /* owned once looked at */
    Py_ssize_t j;
} frame;

typedef struct {
    frame *f;
    size_t n, cap;
} fstack;

static int fpush(fstack *st, PyObject *node)
{
    if (st->n == st->cap) {
        size_t cap = st->cap ? 2 * st->cap : 64;
        frame *neu = PyMem_Realloc(st->f, cap * sizeof(frame));
        if (neu == NULL) {
            PyErr_NoMemory();
            return -1;
        }
        st->f = neu;
        st->cap = cap;
    }
    st->f[st->n++] = (frame){node, NULL, 0};
    return 0;
}

/* engine._plan_py: pass 1, depth first; fills `waiting` (and `masks` when not NULL) */
static int plan(wtable *waiting, PyObject *roots, PyObject *allowed, PyObject *targets,
                PyObject *masks, int *outer)
{
    fstack st = {NULL, 0, 0};
    int rc = -1, added;
    tape_filter filter;
    if (filter_init(&filter, allowed) < 0)
        goto done;
    /* one root at a time, each to the end: a root another root reaches is then a
     * child in that search, finished (and its `need` known) before its parent */
    for (Py_ssize_t i = 0; i < PySequence_Fast_GET_SIZE(roots); i++) {
        PyObject *r = PySequence_Fast_GET_ITEM(roots, i);
        if (wtable_get(waiting, r, &added) == NULL || (added && fpush(&st, r) < 0))
            goto done;
        while (st.n) {
            frame *f = &st.f[st.n - 1];
            if (f->nexts == NULL && (f->nexts = nexts_of(f->node)) == NULL)
                goto done;
            if (f->j < PyTuple_GET_SIZE(f->nexts)) {
                PyObject *nxt = PyTuple_GET_ITEM(f->nexts, f->j++);
                if (nxt == Py_None)
                    continue;
                if (allowed != Py_None) {
                    int a = allows(&filter, nxt);
                    if (a <= 0) {
                        if (a < 0)
                            goto done;
                        continue;
                    }
                }
                wslot *w = wtable_get(waiting, nxt, &added);
                if (w == NULL)
                    goto done;
                w->count++;
                if (added && fpush(&st, nxt) < 0)
                    goto done;
                continue;
            }
            st.n--;         /* done: every node below it is done (the graph has no cycles) */
            int r = masks ? plan_done(waiting, f->node, f->nexts, targets, masks, outer) : 0;
            Py_CLEAR(st.f[st.n].nexts);
            if (r < 0)
                goto done;
        }
    }
    rc = 0;
done:
    while (st.n)
        Py_XDECREF(st.f[--st.n].nexts);
    PyMem_Free(st.f);
    return rc;
}

/* backward_loops(roots, grads, state, run_node, run_leaf, allowed, targets):
 * autograd/engine._loop_py. The loop only: order, summing, pruning; every step of
 * running a node or a leaf is the Python runners'. */
static PyObject *backward_loops(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 7) {
        PyErr_SetString(PyExc_TypeError, "backward_loops takes 7 arguments");
        return NULL;
    }
    PyObject *roots = args[0], *grads = args[1], *state = args[2];
    PyObject *run_node = args[3], *run_leaf = args[4], *allowed = args[5];
    PyObject *targets = args[6];
    wtable tab = {NULL, 0, 0}, *waiting = &tab;
    PyObject *ready = PyList_New(0);
    PyObject *roots_seq = PySequence_Fast(roots, "roots must be a sequence");
    PyObject *masks = NULL;
    PyObject *node = NULL, *nexts = NULL, *g = NULL, *gxs = NULL, *gseq = NULL;
    PyObject *result = NULL;
    if (!ready || !roots_seq || wtable_init(waiting) < 0)
        goto done;
    if ((allowed != Py_None || targets != Py_None) && (masks = PyDict_New()) == NULL)
        goto done;
    int outer = 0;
    if (plan(waiting, roots_seq, allowed, targets, masks, &outer) < 0)
        goto done;
    if (outer) {
        PyObject *r = PyObject_CallMethod(state, "reached_outer", "O", grads);
        if (r == NULL)
            goto done;
        Py_DECREF(r);
    }

    Py_ssize_t nr = PySequence_Fast_GET_SIZE(roots_seq);
    for (Py_ssize_t i = 0; i < nr; i++) {   /* the roots' gradients go into their slots */
        PyObject *r = PySequence_Fast_GET_ITEM(roots_seq, i);
        wslot *w = wtable_find(waiting, r);
        if (w->grad != NULL)
            continue;
        PyObject *g0 = PyDict_GetItemWithError(grads, r);
        if (g0 == NULL && PyErr_Occurred())
            goto done;
        w->grad = Py_XNewRef(g0);
    }
    for (Py_ssize_t i = 0; i < nr; i++) {   /* ready = roots with no consumer, once each */
        PyObject *r = PySequence_Fast_GET_ITEM(roots_seq, i);
        wslot *w = wtable_find(waiting, r);
        if (w->count != 0)
            continue;
        w->count = -1;              /* queued: the ready list takes the table's reference */
        int bad = PyList_Append(ready, r) < 0;
        Py_DECREF(r);
        if (bad)
            goto done;
    }

    while (PyList_GET_SIZE(ready)) {
        /* pop: the list is ours alone, so its last reference moves to `node` */
        Py_ssize_t last = PyList_GET_SIZE(ready) - 1;
        node = PyList_GET_ITEM(ready, last);
        Py_SET_SIZE(ready, last);
        int needed;
        {
            wslot *w = wtable_find(waiting, node);
            g = w->grad;        /* taken over: the slot is done with */
            w->grad = NULL;
            needed = targets == Py_None || w->need;
        }
        if (Py_IS_TYPE(node, Acc_T)) {
            if (g != NULL) {
                PyObject *a[3] = {node, g, state};
                PyObject *r = PyObject_Vectorcall(run_leaf, a, 3, NULL);
                if (r == NULL)
                    goto done;
                Py_DECREF(r);
            }
            Py_CLEAR(g);
            Py_CLEAR(node);
            continue;
        }
        nexts = nexts_of(node);
        if (nexts == NULL)
            goto done;
        Py_ssize_t nn = PyTuple_GET_SIZE(nexts);
        if (g != NULL && needed) {
            PyObject *mask = masks && PyDict_GET_SIZE(masks) ?
                             PyDict_GetItemWithError(masks, node) : NULL;
            if (mask == NULL && PyErr_Occurred())
                goto done;
            PyObject *a[4] = {node, g, state, mask ? mask : Py_None};
            gxs = PyObject_Vectorcall(run_node, a, 4, NULL);
            if (gxs == NULL)
                goto done;
            gseq = PySequence_Fast(gxs, "run_node must return a sequence of gradients");
            if (gseq == NULL)
                goto done;
            if (PySequence_Fast_GET_SIZE(gseq) != nn) {
                PyErr_Format(PyExc_RuntimeError, "backward: run_node returned %zd "
                             "gradients for %zd inputs", PySequence_Fast_GET_SIZE(gseq), nn);
                goto done;
            }
        }
        for (Py_ssize_t j = 0; j < nn; j++) {
            PyObject *nxt = PyTuple_GET_ITEM(nexts, j);
            if (nxt == Py_None)
                continue;
            wslot *w = wtable_find(waiting, nxt);
            if (w->key == NULL)
                continue;           /* cut by the tape's filter: never counted */
            if (gseq != NULL) {
                PyObject *gx = PySequence_Fast_GET_ITEM(gseq, j);
                if (gx != Py_None && slot_add(w, gx) < 0)
                    goto done;
            }
            if (release(w, ready) < 0)
                goto done;
        }
        Py_CLEAR(gseq);
        Py_CLEAR(gxs);
        Py_CLEAR(g);
        Py_CLEAR(nexts);
        Py_CLEAR(node);
    }
    result = Py_NewRef(Py_None);
done:
    Py_XDECREF(node);
    Py_XDECREF(nexts);
    Py_XDECREF(g);
    Py_XDECREF(gxs);
    Py_XDECREF(gseq);
    wtable_free(&tab);
    Py_XDECREF(ready);
    Py_XDECREF(roots_seq);
    Py_XDECREF(masks);
    return result;
}

static PyMethodDef methods[] = {
    {"init", init, METH_VARARGS, "Hand the module tapegrad's classes, helpers and caches."},
    {"init_apply", init_apply, METH_VARARGS, "Hand the module apply's helpers."},
    {"init_finite", init_finite, METH_O, "Hand the module the Python _all_finite."},
    {"track", track, METH_O, "Let the cyclic collector see an object again."},
    {"init_dual", init_dual, METH_VARARGS, "Hand the module forward mode's helpers."},
    {"dual_fast", (PyCFunction)(void (*)(void))dual_fast, METH_FASTCALL,
     "autograd/forward_ad._dual_fast_py."},
    {"ufunc_call", (PyCFunction)(void (*)(void))ufunc_fast, METH_FASTCALL,
     "ufunc(a[, b]) by NumPy's inner loop where it applies."},
    {"direct_call", direct_call, METH_VARARGS, "A ufunc by NumPy's inner loop, or None."},
    {"init_programs", init_programs, METH_VARARGS,
     "Hand the module ops/_op.scale and the ufuncs that run as operators."},
    {"all_finite", all_finite, METH_O, "ops/elementwise._all_finite_py in C."},
    {"relu_mask", (PyCFunction)(void (*)(void))relu_mask, METH_FASTCALL,
     "g * (y > 0) for matching float arrays in one pass, None if not all finite."},
    {"apply1", (PyCFunction)(void (*)(void))apply1, METH_FASTCALL, "ops/_apply.apply1_py."},
    {"apply2", (PyCFunction)(void (*)(void))apply2, METH_FASTCALL, "ops/_apply.apply2_py."},
    {"record_fast", (PyCFunction)(void (*)(void))record_fast, METH_FASTCALL,
     "ops/_apply._record_fast in C."},
    {"backward_loops", (PyCFunction)(void (*)(void))backward_loops, METH_FASTCALL,
     "autograd/engine._loops_py in C."},
    {"anomaly_stack", anomaly_stack_call, METH_NOARGS,
     "_sites._stack_py in C: detect_anomaly's creation stack."},
    {"check_grads", (PyCFunction)(void (*)(void))check_grads, METH_FASTCALL,
     "autograd/anomaly._check_grads_py in C."},
    {"init_anomaly", init_anomaly, METH_O, "Hand the module the anomaly report."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "_speedups",
                                    "C versions of tapegrad's hottest loops.", -1, methods};

PyMODINIT_FUNC PyInit__speedups(void)
{
    str_shape = PyUnicode_InternFromString("shape");
    str_dtype = PyUnicode_InternFromString("dtype");
    str_vjp = PyUnicode_InternFromString("vjp");
    str_next = PyUnicode_InternFromString("next");
    str_special = PyUnicode_InternFromString("special");
    str_anomaly = PyUnicode_InternFromString("_anomaly");
    str_anomaly_only = PyUnicode_InternFromString("anomaly_only");
    str_check_nan = PyUnicode_InternFromString("anomaly_check_nan");
    str_grad_enabled = PyUnicode_InternFromString("grad_enabled");
    str_hot = PyUnicode_InternFromString("_hot");
    str_cut = PyUnicode_InternFromString("cut");
    str_in_backward = PyUnicode_InternFromString("in_backward");
    str_tape_log = PyUnicode_InternFromString("tape_log");
    str_tape_mark = PyUnicode_InternFromString("tape_mark");
    str_no_grad = PyUnicode_InternFromString("no_grad");
    str_fw_batch = PyUnicode_InternFromString("fw_batch");
    str_fw_levels = PyUnicode_InternFromString("fw_levels");
    str_fw_default = PyUnicode_InternFromString("fw_default");
    str_jvp = PyUnicode_InternFromString("jvp");
    empty_tuple = PyTuple_New(0);
    zero = PyLong_FromLong(0);
    /* built against NumPy's C API: a NumPy it cannot use makes the import fail, and
     * tapegrad then runs its Python paths */
    if (_import_array() < 0 || _import_umath() < 0) {
        PyObject *et, *ev, *tb;
        PyErr_Fetch(&et, &ev, &tb);
        PyErr_Format(PyExc_ImportError, "tapegrad._speedups cannot use this NumPy: %S",
                     ev ? ev : Py_None);
        Py_XDECREF(et);
        Py_XDECREF(ev);
        Py_XDECREF(tb);
        return NULL;
    }
    if (PyType_Ready(&Rule_T) < 0)
        return NULL;
    PyObject *m = PyModule_Create(&module);
    if (m != NULL && PyModule_AddObjectRef(m, "Rule", (PyObject *)&Rule_T) < 0)
        Py_CLEAR(m);
    return m;
}
