/* Creation sites (_sites), detect_anomaly's creation stack and gradient check.
 * Part of tapegrad._speedups (see _speedups.h). */
#include "_speedups.h"

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
PyObject *creation_site(void)
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

PyObject *anomaly_stack(void)
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

/* site() -> (code, offset): creation_site for ops/_apply._record (the frames from its
 * caller outward, tapegrad's own skipped), as _sites._site */
PyObject *site_call(PyObject *self, PyObject *unused)
{
    return creation_site();
}

/* anomaly_stack() -> list: the C capture, for ops/_apply._record */
PyObject *anomaly_stack_call(PyObject *self, PyObject *unused)
{
    return anomaly_stack();
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
PyObject *check_grads(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
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

PyObject *init_anomaly(PyObject *self, PyObject *fn)
{
    Py_INCREF(fn);
    Py_XSETREF(anomaly_report_fn, fn);
    Py_RETURN_NONE;
}
