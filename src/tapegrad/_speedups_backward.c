/* The first-order backward loop: autograd/engine._loops_py.
 * Part of tapegrad._speedups (see _speedups.h). */
#include "_speedups.h"

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

/* autograd/_plan._plan_py: pass 1, depth first; fills `waiting` (and `masks` when not NULL) */
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
PyObject *backward_loops(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
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

/* shapes_match(gxs, shapes): engine._shapes_match_py, run_node's test whether its
 * gradients need fitting: as many as shapes, each None or an array of its shape.
 * Anything else (a scalar, a Tensor) answers False and takes the general step. */
PyObject *shapes_match(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs != 2 || !PyTuple_Check(args[1])) {
        PyErr_SetString(PyExc_TypeError, "shapes_match(gxs, shapes: tuple)");
        return NULL;
    }
    PyObject *gxs = args[0], *shapes = args[1];
    Py_ssize_t n;
    PyObject **items;
    if (PyTuple_Check(gxs)) {
        n = PyTuple_GET_SIZE(gxs);
        items = &PyTuple_GET_ITEM(gxs, 0);
    } else if (PyList_Check(gxs)) {
        n = PyList_GET_SIZE(gxs);
        items = PySequence_Fast_ITEMS(gxs);
    } else
        Py_RETURN_FALSE;
    if (n != PyTuple_GET_SIZE(shapes))
        Py_RETURN_FALSE;
    for (Py_ssize_t j = 0; j < n; j++) {
        PyObject *g = items[j];
        if (g == Py_None)
            continue;
        PyObject *s = PyTuple_GET_ITEM(shapes, j);
        if (!PyArray_CheckExact(g) || !PyTuple_Check(s))
            Py_RETURN_FALSE;
        int nd = PyArray_NDIM((PyArrayObject *)g);
        if (nd != PyTuple_GET_SIZE(s))
            Py_RETURN_FALSE;
        npy_intp *dims = PyArray_DIMS((PyArrayObject *)g);
        for (int k = 0; k < nd; k++) {
            PyObject *d = PyTuple_GET_ITEM(s, k);
            if (!PyLong_CheckExact(d))
                Py_RETURN_FALSE;
            Py_ssize_t v = PyLong_AsSsize_t(d);
            if (v == -1 && PyErr_Occurred()) {
                PyErr_Clear();
                Py_RETURN_FALSE;
            }
            if (v != dims[k])
                Py_RETURN_FALSE;
        }
    }
    Py_RETURN_TRUE;
}
