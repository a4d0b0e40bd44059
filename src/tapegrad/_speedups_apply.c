/* Running one op: ops/_apply.apply1_py and apply2_py for the common case.
 * Part of tapegrad._speedups (see _speedups.h). */
#include "_speedups.h"

/* ------------------------------------------------------------------ apply */

/* a plain input of apply2: a Tensor without tangents or notes, or a Python number */
static inline int plain_tensor(PyObject *a)
{
    return is_tensor(a) && get(a, T_x) == Py_None &&
           get(a, T_fw) == Py_None;
}

/* a Tensor without tangents whose notes (hooks, explain_grad cuts) matter only when
 * the op records: the C path takes it when nothing will be recorded. Not a tensor
 * tapegrad.numpy marked ("np": NumPy's promotion, ops/_apply.mark_numpy), which the
 * Python path handles in every mode */
static inline int noted_tensor(PyObject *a)
{
    if (!is_tensor(a) || get(a, T_fw) != Py_None)
        return 0;
    PyObject *x = get(a, T_x);
    /* a batched value of tg.vmap is not its placeholder data in any mode */
    return x != Py_None && !(PyDict_CheckExact(x) && (PyDict_GetItem(x, str_np) != NULL ||
                                                      PyDict_GetItem(x, str_vmap) != NULL));
}

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

/* local_dict()'s cache (see _speedups.h): the dict of the thread that last asked */
uint64_t local_tid;
PyObject *local_cached;

/* local_dict() after a thread switch (or on first use): the new thread's dict */
PyObject *local_dict_switch(uint64_t id)
{
    PyObject *d = PyObject_GetAttrString(LOCAL, "__dict__");
    if (d == NULL)
        return NULL;
    PyObject *old = local_cached;
    local_cached = d;
    local_tid = id;
    Py_XDECREF(old);        /* last: it may run code that switches threads */
    return d;
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
    /* a float64 tensor among the inputs (either side: 4.0 * u) keeps float64, unless it
     * is 0-d beside a dimensioned tensor of another dtype: PyTorch's dimensioned operand
     * sets the dtype then (float32 * a 0-d float64 is float32; ops/_apply._f64_result) */
    for (int i = 0; fix && !f16 && i < n; i++) {
        if (!is_tensor(xs[i]))
            continue;
        PyObject *data = get(xs[i], T_data);
        PyObject *xd = dtype_attr(data);
        if (xd == NULL)
            return NULL;
        int is64 = xd == F64;
        Py_DECREF(xd);
        if (!is64)
            continue;
        fix = 0;
        PyObject *other = n == 2 ? xs[1 - i] : NULL;
        if (other != NULL && is_tensor(other) && PyArray_Check(data) &&
                PyArray_NDIM((PyArrayObject *)data) == 0) {
            PyObject *od = get(other, T_data);
            fix = PyArray_Check(od) && PyArray_NDIM((PyArrayObject *)od) > 0 &&
                  PyArray_DESCR((PyArrayObject *)od) != (PyArray_Descr *)F64;
        }
        break;
    }
    /* two tensors of different dtypes, one 0-d or float16: PyTorch's common dtype may
     * differ from NumPy's (uint8 + a 0-d int64 stays uint8, float16 + int16 is float16;
     * ops/_torch_dtype.torch_operands). Two dimensioned ones otherwise agree (or were fixed) */
    if (!fix && n == 2 && is_tensor(xs[0]) && is_tensor(xs[1])) {
        PyObject *d0 = get(xs[0], T_data), *d1 = get(xs[1], T_data);
        if (PyArray_Check(d0) && PyArray_Check(d1) &&
                PyArray_DESCR((PyArrayObject *)d0) != PyArray_DESCR((PyArrayObject *)d1)) {
            PyArrayObject *a0 = (PyArrayObject *)d0, *a1 = (PyArrayObject *)d1;
            fix = PyArray_NDIM(a0) == 0 || PyArray_NDIM(a1) == 0 ||
                  PyArray_TYPE(a0) == NPY_HALF || PyArray_TYPE(a1) == NPY_HALF;
        }
    }
    PyObject *owned = NULL;
    if (fix) {
        /* float16: computed again in float32; mixed operands again as PyTorch casts them
         * (both need the forward) */
        owned = PyObject_CallFunctionObjArgs(default_float_fn, out, xs[0], n > 1 ? xs[1] : Py_None,
                                             PyTuple_GET_ITEM(hot, 0), NULL);
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
PyObject *run_forward(PyObject *fwd, PyObject **raw, int n)
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
PyObject *apply1(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
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
    if (PyArray_Check(raw[0]) && PyArray_TYPE((PyArrayObject *)raw[0]) == NPY_BOOL) {
        /* bool inputs: PyTorch's dtype rules (ops/_torch_dtype.py) */
        Py_DECREF(hot);
        return PyObject_Vectorcall(apply1_py, args, 2, NULL);
    }
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
PyObject *apply2(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
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
    if (out == NULL && (PyErr_ExceptionMatches(PyExc_TypeError) ||
                        PyErr_ExceptionMatches(PyExc_OverflowError))) {
        /* bool inputs retried in float32, a Python int wrapped into the tensor's dtype,
         * or the error that names the op: Python path */
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
