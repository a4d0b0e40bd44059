/* Elementwise derivative programs: ops/_op's Program run as ufunc loops.
 * Part of tapegrad._speedups (see _speedups.h). */
#include "_speedups.h"

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
PyObject *init_programs(PyObject *self, PyObject *args)
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

PyTypeObject Rule_T = {
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
PyObject *ufunc_fast(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    if (nargs < 2 || nargs > 3) {
        PyErr_SetString(PyExc_TypeError, "ufunc_call(ufunc, a[, b])");
        return NULL;
    }
    return ufunc_call(args[0], args[1], nargs == 3 ? args[2] : NULL);
}
