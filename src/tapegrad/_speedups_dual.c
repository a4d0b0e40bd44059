/* Forward mode: autograd/forward_ad._dual_fast_py's dual-number dispatch.
 * Part of tapegrad._speedups (see _speedups.h). */
#include "_speedups.h"

/* ------------------------------------------------------------ forward mode */

PyObject *init_dual(PyObject *self, PyObject *args)
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
PyObject *dual_fast(PyObject *self, PyObject *const *argv, Py_ssize_t nargs)
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
    if (!has_params && PyTuple_GET_SIZE(raw) == 2 && PyArray_Check(PyTuple_GET_ITEM(raw, 0)) &&
            PyArray_Check(PyTuple_GET_ITEM(raw, 1)) &&
            PyArray_DESCR((PyArrayObject *)PyTuple_GET_ITEM(raw, 0)) !=
            PyArray_DESCR((PyArrayObject *)PyTuple_GET_ITEM(raw, 1))) {
        /* operands of two dtypes: the Python path sets the result's as eager does */
        Py_XDECREF(raw_tuple);
        return PyObject_Vectorcall(dual_py, argv, 4, NULL);
    }
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
