/* Recording one op: ops/_apply._record_fast, step for step.
 * Part of tapegrad._speedups (see _speedups.h). */
#include "_speedups.h"

PyObject *new_version(void)
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
PyObject *track(PyObject *self, PyObject *o)
{
    if (PyType_IS_GC(Py_TYPE(o)) && !PyObject_GC_IsTracked(o))
        PyObject_GC_Track(o);
    Py_RETURN_NONE;
}

/* v, or a NumPy scalar when v is a 0-d ndarray: what first-order rules compute with.
 * NumPy scalars are immutable, so a float64 value equal bit for bit to one of the last
 * two made (a constant used at every step of a loop, a value two nodes save) shares its
 * scalar. */
PyObject *scalarize(PyObject *v)
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
PyObject *keep(PyObject *arr)
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

/* record_fast(op, x, y, out, save_idx, view) -> Tensor: ops/_apply._record_fast */
PyObject *record_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
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
    {   /* the recording mark (tape._rotate), for GradientTape's filter: None unless a
         * tape records (and in a checkpoint's recomputation); one object shared by all */
        PyObject *d = local_dict();
        PyObject *mark = d ? PyDict_GetItemWithError(d, str_tape_mark) : NULL;
        if (mark == NULL && (d == NULL || PyErr_Occurred()))
            goto fail;
        if (mark != NULL)
            set(node, N_seq, mark);
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
