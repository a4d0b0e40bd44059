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
 *
 * The code is split by topic over the _speedups*.c files (_speedups.h lists them); this
 * file holds the module init, the state handed over from Python and the method table.
 */
#define TAPEGRAD_SPEEDUPS_INIT     /* this file imports NumPy's API tables */
#include "_speedups.h"

/* ------------------------------------------------------------ state from Python */

PyTypeObject *Tensor_T, *Node_T, *Version_T, *Acc_T, *Spent_T;
PyObject *grad_edge_fn, *site_table_fn, *intern_shapes_fn, *intern_meta_fn;
PyObject *share_version_fn;
PyObject *INSIDE, *SHAPES, *META;
PyObject *MASK1, *MASK2;
PyObject *str_shape, *str_dtype, *empty_tuple, *zero;
PyObject *str_vjp, *str_next;
PyObject *LOCAL, *F64, *NDARRAY, *asarray_fn, *apply1_py, *apply2_py, *record_py, *finish_fn;
PyObject *default_float_fn, *check_broadcast_fn, *leaf_refs_fn, *str_cut, *str_no_grad;
PyObject *F16;
PyObject *str_in_backward, *str_tape_log, *str_tape_mark;
PyObject *str_special, *str_grad_enabled, *str_hot, *str_np, *str_vmap;
PyObject *str_anomaly, *str_anomaly_only, *str_check_nan, *anomaly_report_fn;
PyObject *all_finite_py;
PyTypeObject *Ctx_T;
PyObject *dual_py, *dual_norm_fn, *np_shape_fn, *LINEAR;
PyObject *str_fw_batch, *str_fw_levels, *str_fw_default, *str_jvp;
Py_ssize_t C_saved, C_params, C_in_shapes, C_needs_grad, C_out_shape, C_batched;
Py_ssize_t T_data, T_rg, T_grad, T_grad_fn, T_vc, T_fw, T_acc, T_x;
Py_ssize_t N_op, N__saved, N_saved, N_params, N_in_shapes, N_next, N_needs_grad,
    N_vers, N_meta, N_site, N_x, N_seq;
Py_ssize_t V_v, V_site, V_x;

int offset_of(PyTypeObject *tp, const char *name, Py_ssize_t *out)
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
    {"shapes_match", (PyCFunction)(void (*)(void))shapes_match, METH_FASTCALL,
     "autograd/engine._shapes_match_py in C."},
    {"site", site_call, METH_NOARGS, "_sites._site in C: where an op was called."},
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
    str_np = PyUnicode_InternFromString("np");
    str_vmap = PyUnicode_InternFromString("vmap");
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
