/* The private header of tapegrad's C speedups: one extension module, tapegrad._speedups,
 * built from the _speedups*.c files that setup.py lists. It holds what more than one of
 * them needs: the state handed over from Python (defined in _speedups.c), the slot
 * accessors, the small helpers the hot paths inline, and each file's shared functions.
 *
 *   _speedups.c           module init, the state from Python, the method table
 *   _speedups_ufunc.c     NumPy's inner loops called directly, all_finite, relu_mask
 *   _speedups_record.c    recording one op (ops/_apply._record_fast)
 *   _speedups_apply.c     running one op (ops/_apply.apply1_py/apply2_py)
 *   _speedups_sites.c     creation sites, detect_anomaly's stack and gradient check
 *   _speedups_dual.c      forward mode's dual-number dispatch
 *   _speedups_rule.c      elementwise derivative programs (ops/_op's Program, no rules)
 *   _speedups_backward.c  the first-order backward loop (autograd/engine._loops_py)
 *
 * Shared functions are not static; the build hides every symbol but PyInit__speedups
 * (-fvisibility=hidden in setup.py), so the short names stay private to the module.
 */
#ifndef TAPEGRAD_SPEEDUPS_H
#define TAPEGRAD_SPEEDUPS_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <frameobject.h>
#include <structmember.h>
#include <math.h>

/* one copy of NumPy's API tables for all files; _speedups.c imports them */
#define NPY_NO_DEPRECATED_API NPY_1_22_API_VERSION
#define PY_ARRAY_UNIQUE_SYMBOL tapegrad_speedups_ARRAY_API
#define PY_UFUNC_UNIQUE_SYMBOL tapegrad_speedups_UFUNC_API
#ifndef TAPEGRAD_SPEEDUPS_INIT
#define NO_IMPORT_ARRAY
#define NO_IMPORT_UFUNC
#endif
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
/* set by the init* functions, kept for the life of the process */

extern PyTypeObject *Tensor_T, *Node_T, *Version_T, *Acc_T, *Spent_T;
extern PyObject *grad_edge_fn, *site_table_fn, *intern_shapes_fn, *intern_meta_fn;
extern PyObject *share_version_fn;
extern PyObject *INSIDE, *SHAPES, *META;
extern PyObject *MASK1, *MASK2;
extern PyObject *str_shape, *str_dtype, *empty_tuple, *zero;

/* backward */
extern PyObject *str_vjp, *str_next;

/* apply */
extern PyObject *LOCAL, *F64, *NDARRAY, *asarray_fn, *apply1_py, *apply2_py, *record_py,
    *finish_fn;
extern PyObject *default_float_fn, *check_broadcast_fn, *leaf_refs_fn, *str_cut, *str_no_grad;
extern PyObject *F16;           /* NumPy's float16 result of bool/int8/uint8 inputs */
extern PyObject *str_in_backward, *str_tape_log, *str_tape_mark;
extern PyObject *str_special, *str_grad_enabled, *str_hot, *str_np, *str_vmap;
extern PyObject *str_anomaly, *str_anomaly_only, *str_check_nan, *anomaly_report_fn;
extern PyObject *all_finite_py;

/* forward mode */
extern PyTypeObject *Ctx_T;
extern PyObject *dual_py, *dual_norm_fn, *np_shape_fn, *LINEAR;
extern PyObject *str_fw_batch, *str_fw_levels, *str_fw_default, *str_jvp;
extern Py_ssize_t C_saved, C_params, C_in_shapes, C_needs_grad, C_out_shape, C_batched;

/* slot offsets */
extern Py_ssize_t T_data, T_rg, T_grad, T_grad_fn, T_vc, T_fw, T_acc, T_x;
extern Py_ssize_t N_op, N__saved, N_saved, N_params, N_in_shapes, N_next, N_needs_grad,
    N_vers, N_meta, N_site, N_x, N_seq;
extern Py_ssize_t V_v, V_site, V_x;

/* the ufuncs that run as operators (set by init_programs) */
extern PyObject *np_add, *np_subtract, *np_multiply, *np_true_divide, *np_negative;

/* ------------------------------------------------------------ slots and small helpers */

#define SLOT(o, off) (*(PyObject **)((char *)(o) + (off)))

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
    static PyTypeObject *last_sub;      /* the last subclass seen (e.g. Variable) */
    PyTypeObject *tp = Py_TYPE(o);
    if (tp == Tensor_T || tp == last_sub)
        return 1;
    if ((tp->tp_flags & Py_TPFLAGS_HEAPTYPE) && PyType_IsSubtype(tp, Tensor_T)) {
        PyTypeObject *old = last_sub;   /* held, so its address is never reused */
        Py_INCREF(tp);
        last_sub = tp;
        Py_XDECREF(old);
        return 1;
    }
    return 0;
}

/* a fresh instance with every slot set to None (no __init__ runs) */
static inline PyObject *fresh(PyTypeObject *tp, const Py_ssize_t *offs, int n)
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

/* o.shape (new ref); 0-d arrays and NumPy scalars give () without building a tuple */
static inline PyObject *shape_attr(PyObject *o)
{
    if ((PyArray_CheckExact(o) && PyArray_NDIM((PyArrayObject *)o) == 0) ||
        PyArray_IsScalar(o, Generic))
        return Py_NewRef(empty_tuple);
    return PyObject_GetAttr(o, str_shape);
}

/* o.dtype (new ref); for an ndarray, its descriptor, which is what .dtype returns */
static inline PyObject *dtype_attr(PyObject *o)
{
    if (PyArray_Check(o))
        return Py_NewRef((PyObject *)PyArray_DESCR((PyArrayObject *)o));
    return PyObject_GetAttr(o, str_dtype);
}

/* a complex ndarray: complex autodiff is refused, by the Python path (ops/_apply) */
static inline int complex_array(PyObject *a)
{
    return PyArray_Check(a) && PyArray_ISCOMPLEX((PyArrayObject *)a);
}

/* this thread's dict of the per-thread state (borrowed), found once per thread switch:
 * reading a threading.local attribute otherwise looks the dict up on every access */
extern uint64_t local_tid;
extern PyObject *local_cached;
PyObject *local_dict_switch(uint64_t id);

static inline PyObject *local_dict(void)
{
    uint64_t id = PyThreadState_GetID(PyThreadState_Get());
    if (local_cached == NULL || id != local_tid)
        return local_dict_switch(id);
    return local_cached;
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

/* ------------------------------------------------------------ _speedups.c */

/* the offset of slot `name` of class tp, from its member descriptor */
int offset_of(PyTypeObject *tp, const char *name, Py_ssize_t *out);

/* ------------------------------------------------------------ _speedups_ufunc.c */

PyObject *direct_out(PyObject *uf, PyObject *a, PyObject *b, int as_scalar,
                     PyObject *reuse, int *clobbered);

static inline PyObject *direct_(PyObject *uf, PyObject *a, PyObject *b, int as_scalar)
{
    return direct_out(uf, a, b, as_scalar, NULL, NULL);
}

/* for rules: 0-d results as NumPy scalars, like the ufunc */
static inline PyObject *direct(PyObject *uf, PyObject *a, PyObject *b)
{
    return direct_(uf, a, b, 1);
}

PyObject *ufunc_call(PyObject *uf, PyObject *a, PyObject *b);
PyObject *add(PyObject *a, PyObject *b);
PyObject *neg(PyObject *a);
int finite_fast(PyObject *a);
PyObject *direct_call(PyObject *self, PyObject *args);
PyObject *all_finite(PyObject *self, PyObject *a);
PyObject *relu_mask(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *init_finite(PyObject *self, PyObject *fn);

/* ------------------------------------------------------------ _speedups_record.c */

PyObject *new_version(void);
PyObject *track(PyObject *self, PyObject *o);
PyObject *scalarize(PyObject *v);
PyObject *keep(PyObject *arr);
PyObject *record_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

/* ------------------------------------------------------------ _speedups_apply.c */

PyObject *run_forward(PyObject *fwd, PyObject **raw, int n);
PyObject *apply1(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *apply2(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

/* ------------------------------------------------------------ _speedups_sites.c */

PyObject *creation_site(void);
PyObject *anomaly_stack(void);
PyObject *anomaly_stack_call(PyObject *self, PyObject *unused);
PyObject *site_call(PyObject *self, PyObject *unused);
PyObject *check_grads(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *init_anomaly(PyObject *self, PyObject *fn);

/* ------------------------------------------------------------ _speedups_dual.c */

PyObject *init_dual(PyObject *self, PyObject *args);
PyObject *dual_fast(PyObject *self, PyObject *const *argv, Py_ssize_t nargs);

/* ------------------------------------------------------------ _speedups_rule.c */

extern PyTypeObject Rule_T;
PyObject *init_programs(PyObject *self, PyObject *args);
PyObject *ufunc_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

/* ------------------------------------------------------------ _speedups_backward.c */

PyObject *backward_loops(PyObject *self, PyObject *const *args, Py_ssize_t nargs);
PyObject *shapes_match(PyObject *self, PyObject *const *args, Py_ssize_t nargs);

#endif
