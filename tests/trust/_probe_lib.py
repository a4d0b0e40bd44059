"""Shared helpers of the trust probes: hostile values, outcome classes, the valid calls.

A probe takes one valid call of a public callable, replaces one argument by a hostile
value and classifies what happens:

- CLEAR: TypeError/ValueError/IndexError/RuntimeError/NotImplementedError (or
  CheckpointError) whose message names the callable and the argument or the value;
- UNCLEAR: any other exception, or a message that names neither;
- ACCEPTED: no error (then a person decides whether that is legitimate).

tests/trust/test_public_api_probes.py asserts on a curated part of the table;
tests/trust/probe_report.py prints every finding.
"""
import contextlib
import inspect
import math
import re
import signal
import warnings

import numpy as np

import tapegrad as tg

CLEAR, UNCLEAR, ACCEPTED = "CLEAR", "UNCLEAR", "ACCEPTED"
CLEAR_TYPES = (TypeError, ValueError, IndexError, RuntimeError, NotImplementedError,
               FileNotFoundError, NotADirectoryError, IsADirectoryError, PermissionError)
try:
    from tapegrad.errors import CheckpointError
    CLEAR_TYPES += (CheckpointError,)
except ImportError:                                     # pragma: no cover
    pass

NAN = float("nan")
HUGE = 10 ** 30


class Hostile:
    """A hostile value with a short label; `make()` gives a fresh value per probe."""

    def __init__(self, label, make, names=(), like=False):
        self.label = label
        self._make = make
        self.like = like              # make(valid) builds it from the valid value
        self.names = tuple(names)     # words a clear message may use for it

    def make(self, valid=None):
        return self._make(valid) if self.like else self._make()

    def __repr__(self):
        return self.label


def _const(label, value, *names):
    return Hostile(label, lambda: value, names)


def _shape_of(valid):
    shape = getattr(valid, "shape", None)
    return tuple(shape) if shape is not None else (2, 3)


def complex_tensor(valid=None):
    """A complex tensor shaped like the valid value (so only the dtype is wrong)."""
    shape = _shape_of(valid)
    a = np.arange(1.0, 1.0 + int(np.prod(shape))).reshape(shape) * (1 + 0.5j)
    return tg.tensor(a, requires_grad=True)


def string_array(valid=None):
    return np.full(_shape_of(valid), "a")


S = _const("'abc'", "abc", "str", "abc")
NONE = _const("None", None, "None", "NoneType")
NAN_ = _const("nan", NAN, "nan", "NaN", "finite")
NEG = _const("-1", -1, "-1", "negative", "non-negative", "nonnegative", "positive")
NEGF = _const("-1.0", -1.0, "-1", "negative", "non-negative", "nonnegative", "positive")
FRAC = _const("2.5", 2.5, "2.5", "float", "int")
EMPTY = Hostile("[]", lambda: [], ("[]", "list", "empty", "at least one"))
NESTED = Hostile("[['a']]", lambda: [["a"]], ("list", "str", "'a'", "<U1"))
DICT = Hostile("{}", lambda: {}, ("dict", "{}"))
BIG = _const("10**30", HUGE, "1000000000000000000000000000000", "large", "int64",
             "too big", "overflow", "exceed")
TRUE = _const("True", True, "True", "bool")
CPLX = _const("1j", 1j, "complex", "1j")
CT = Hostile("complex tensor", complex_tensor, ("complex", "got tensor("), like=True)
SARR = Hostile("str ndarray", string_array, ("<U1", "str", "string", "dtype", "U1"),
               like=True)
OOR = _const("axis 7", 7, "7", "out of range", "out of bounds")
THREE = _const("3", 3, "int", "3", "callable")


def wrong_shape():
    return tg.tensor(np.ones((5, 7)), requires_grad=True)


WRONG = Hostile("(5,7) tensor", wrong_shape, ("(5, 7)", "shape"))

# Hostile values by the kind of parameter.
KINDS = {
    "size": [S, NONE, NAN_, NEG, FRAC, NESTED, DICT, BIG],      # a count: int >= 0
    "int": [S, NAN_, FRAC, NESTED, DICT, BIG],                   # any int
    "axis": [S, FRAC, NESTED, DICT, BIG, OOR],                   # None, int or tuple
    "bool": [S, FRAC, NESTED, DICT, NAN_],
    "float": [S, NAN_, NEGF, EMPTY, DICT, CPLX, CT],             # a hyperparameter >= 0
    "real": [S, EMPTY, DICT, CPLX],                              # any real number
    "prob": [S, NAN_, _const("-0.5", -0.5, "-0.5", "between", "[0"),
             _const("1.5", 1.5, "1.5", "between", "1]"), EMPTY],
    "x": [S, NONE, NESTED, DICT, CT, SARR],                      # a tensor, any shape
    "y": [S, NONE, NESTED, DICT, CT, SARR, WRONG],               # a tensor, shape fits x
    "dtype": [S, _const("123", 123, "123", "int", "dtype"), EMPTY,
              _const("str dtype", np.dtype("U3"), "<U3", "U3", "str", "string", "dtype")],
    "shape": [FRAC, S, _const("(2, -2)", (2, -2), "-2", "negative"), NESTED, DICT, NONE,
              _const("(10**30,)", (HUGE,), *BIG.names), _const("(2.5, 3)", (2.5, 3), "2.5",
                                                                "float")],
    "fn": [S, NONE, THREE],
    "choice": [_const("'bogus'", "bogus", "bogus"), THREE, NONE],
    "tensors": [S, EMPTY, Hostile("[x, 'a']", lambda: [tg.ones(2), "a"], ("str", "'a'")),
                DICT, NONE, Hostile("[complex]", lambda: [complex_tensor()], ("complex",))],
    "path": [THREE, NONE, EMPTY, _const("missing dir", "/nonexistent_dir_tg/x.st",
                                        "nonexistent", "No such", "not found", "exist")],
    "params": [S, EMPTY, _const("[1.0]", [1.0], "float", "1.0"), NONE, THREE],
    "optimizer": [S, NONE, THREE],
    "argnums": [S, FRAC, _const("5", 5, "5", "out of range", "argnums"), NONE, EMPTY],
    "self": [CT],
}

# Parameter kind by name, where the valid value does not tell.
KIND_BY_NAME = {
    "axis": "axis", "dim": "axis", "axis1": "axis", "axis2": "axis", "a": "axis",
    "b": "axis", "start_dim": "axis", "end_dim": "axis", "axes": "axis",
    "keepdims": "bool", "keepdim": "bool", "requires_grad": "bool", "retain_graph": "bool",
    "create_graph": "bool", "allow_unused": "bool", "has_aux": "bool",
    "persistent": "bool", "watch_accessed_variables": "bool", "trainable": "bool",
    "bias": "bool", "affine": "bool", "track_running_stats": "bool", "training": "bool",
    "inplace": "bool", "amsgrad": "bool", "nesterov": "bool", "maximize": "bool",
    "centered": "bool", "elementwise_affine": "bool", "error_if_nonfinite": "bool",
    "dtype": "dtype", "shape": "shape", "size": "shape",
    "lr": "float", "momentum": "float", "weight_decay": "float", "eps": "float",
    "dampening": "float", "alpha": "float", "lr_decay": "float", "gamma": "float",
    "initial_accumulator_value": "float", "max_norm": "float", "clip_value": "float",
    "clip_norm": "float", "eta_min": "float", "gain": "float", "std": "float",
    "beta": "float", "threshold": "float", "negative_slope": "float",
    "label_smoothing": "prob", "p": "prob",
    "reduction": "choice", "approximate": "choice", "mode": "choice",
    "nonlinearity": "choice", "unconnected_gradients": "choice",
    "f": "fn", "fn": "fn", "fun": "fn", "true_fn": "fn", "false_fn": "fn", "body": "fn",
    "cond": "fn", "lr_lambda": "fn",
    "argnums": "argnums", "params": "params", "parameters": "params",
    "optimizer": "optimizer", "path": "path",
    "tensors": "tensors", "t_list": "tensors", "inputs": "tensors",
    "ignore_index": "int", "last_epoch": "int", "seed": "int", "padding_idx": "int",
    "step_size": "size", "T_max": "size", "num_features": "size", "in_features": "size",
    "out_features": "size", "num_embeddings": "size", "embedding_dim": "size",
    "n": "size", "m": "size", "steps": "size", "split_size_or_sections": "size",
    "maximum_iterations": "size", "norm_type": "float", "ord": "ord",
}
KINDS["ord"] = [S, NESTED, DICT, _const("'bogus'", "bogus", "bogus")]


# The canonical name a message may use for an alias.
ALIASES = {
    "multiply": ("mul",), "subtract": ("sub",), "divide": ("div",), "negative": ("neg",),
    "amax": ("max",), "amin": ("min",), "cat": ("concatenate",), "concat": ("concatenate",),
    "clamp": ("clip",), "clip_by_value": ("clip",), "clamp_": ("clip",),
    "reduce_sum": ("sum",), "reduce_mean": ("mean",), "reduce_max": ("max",),
    "reduce_min": ("min",), "reduce_prod": ("prod",), "reduce_logsumexp": ("logsumexp",),
    "glorot_uniform_": ("xavier_uniform_",), "glorot_normal_": ("xavier_normal_",),
    "he_uniform_": ("kaiming_uniform_",), "he_normal_": ("kaiming_normal_",),
    "jacobian": ("jacrev",), "Tensor": ("tensor",), "constant": ("tensor",),
    "convert_to_tensor": ("tensor",), "stop_gradient": ("detach",),
    "unsqueeze": ("expand_dims",), "expand": ("broadcast_to",), "view": ("reshape",),
    "permute": ("transpose",), "astype": ("cast",), "to": ("cast",), "type": ("cast",),
    "MSELoss": ("mse_loss",), "L1Loss": ("l1_loss",), "CrossEntropyLoss": ("cross_entropy",),
    "NLLLoss": ("nll_loss",), "BCELoss": ("binary_cross_entropy",),
    "BCEWithLogitsLoss": ("binary_cross_entropy_with_logits",), "Linear": ("linear",),
    "LayerNorm": ("layer_norm",), "BatchNorm1d": ("batch_norm",), "Embedding": ("embedding",),
    "Variable": ("tensor",), "Parameter": ("tensor",), "Dropout": ("dropout",),
    "GELU": ("gelu",), "Softplus": ("softplus",), "LeakyReLU": ("leaky_relu",),
    "Softmax": ("softmax",), "LogSoftmax": ("log_softmax",), "Flatten": ("flatten",),
    "to_dot": ("viz",), "make_dot": ("viz",),
    "add_": ("add",), "sub_": ("sub",), "mul_": ("mul",), "div_": ("div",),
    "<": ("lt",), "//": ("floordivide",), "floor_divide": ("floordivide",),
}


class Spec:
    """One valid call: `make()` returns `(fn, args, kwargs)` built fresh.

    `label` names the callable ("tg.zeros", "Tensor.sum", "nn.Linear"); `names` are the
    words a clear message may use for it (default: the label's last part). `kinds`
    overrides the kind of a parameter; `skip` lists parameters not to probe; `extra`
    adds parameters the valid call leaves at their defaults.
    """

    def __init__(self, label, make, kinds=None, skip=(), names=None):
        self.label = label
        self.make = make
        self.kinds = dict(kinds or {})
        self.skip = set(skip)
        last = label.split(".")[-1]
        self.names = tuple(names) if names else (last, label)
        for n in list(self.names):
            self.names += ALIASES.get(n, ())

    def __repr__(self):
        return self.label


class Finding:
    __slots__ = ("callable", "arg", "hostile", "outcome", "etype", "message")

    def __init__(self, callable_, arg, hostile, outcome, etype, message):
        self.callable = callable_
        self.arg = arg
        self.hostile = hostile
        self.outcome = outcome
        self.etype = etype
        self.message = message

    @property
    def key(self):
        return f"{self.callable}|{self.arg}|{self.hostile}"

    def __repr__(self):
        return (f"{self.callable:32} {self.arg:22} {self.hostile:16} {self.outcome:8} "
                f"{self.etype}: {self.message[:120]}")


class _Timeout(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds):
    """Raise _Timeout after `seconds` (main thread only; elsewhere no limit)."""
    def on_alarm(signum, frame):
        raise _Timeout(f"no answer in {seconds} s")
    try:
        old = signal.signal(signal.SIGALRM, on_alarm)
    except ValueError:                                 # not the main thread
        yield
        return
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def _param_table(fn, args, kwargs):
    """[(name, kind_of_slot, how)] for each parameter of fn; how = ('pos', i) / ('kw',)."""
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return []
    rows = []
    pos = 0
    for p in sig.parameters.values():
        if p.kind is p.VAR_KEYWORD:
            continue
        if p.kind is p.VAR_POSITIONAL:
            if pos < len(args):
                rows.append((p.name, ("var", pos)))
            pos = len(args)
            continue
        if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) and pos < len(args):
            rows.append((p.name, ("pos", pos)))
            pos += 1
        elif p.name in kwargs or p.kind is not p.POSITIONAL_ONLY:
            rows.append((p.name, ("kw", p.name)))
    return rows


def _infer_kind(name, value):
    if name in KIND_BY_NAME:
        return KIND_BY_NAME[name]
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "real"
    if isinstance(value, (tg.Tensor, np.ndarray)):
        return "x"
    if isinstance(value, str):
        return "choice"
    if callable(value):
        return "fn"
    return None


def _names_callable(name, low):
    """`name` appears as a word; a short one (to, abs, sum) only as `name:` or `name(`,
    since it is also an ordinary word or part of one."""
    if not name.strip():
        return False
    short = len(name) <= 3 and not name[:1].isupper()      # SGD is a name, "to" a word
    name = name.lower()
    word = re.escape(name)
    if short:
        return re.search(rf"(?<![\w.]){word}\s*[:(]", low) is not None
    return re.search(rf"(?<!\w){word}(?!\w)", low) is not None


def _message_is_clear(spec, name, hostile, exc):
    text = str(exc)
    low = text.lower()
    if "complex" in hostile.label and "complex" in low and "not supported" in low:
        return True                     # the issue's prescribed message, from any op
    if not any(_names_callable(n, low) for n in spec.names):
        return False
    words = (name,) + hostile.names
    return any(w.lower() in low for w in words if w)


def classify(spec, name, hostile, call):
    """Run `call()` under a time limit; return a Finding."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            with time_limit(3.0), np.errstate(all="ignore"):
                call()
    except _Timeout as exc:
        return Finding(spec.label, name, repr(hostile), UNCLEAR, "Timeout", str(exc))
    except RecursionError as exc:
        return Finding(spec.label, name, repr(hostile), UNCLEAR, "RecursionError", str(exc))
    except BaseException as exc:                        # noqa: BLE001 - we classify all
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        ok = isinstance(exc, CLEAR_TYPES) and _message_is_clear(spec, name, hostile, exc)
        msg = " ".join(str(exc).split())
        return Finding(spec.label, name, repr(hostile), CLEAR if ok else UNCLEAR,
                       type(exc).__name__, msg)
    return Finding(spec.label, name, repr(hostile), ACCEPTED, "-", "")


def probes(spec):
    """Yield (name, hostile, call) for every hostile value of every parameter of spec."""
    fn, args, kwargs = spec.make()
    try:
        defaults = {p.name: p.default for p in inspect.signature(fn).parameters.values()}
    except (TypeError, ValueError):
        defaults = {}
    table = _param_table(fn, args, kwargs)
    passed = {name for name, how in table if how[0] != "kw"}
    for name, how in table:
        if name in spec.skip:
            continue
        if name in ("dim", "keepdim") and ("axis" in kwargs or "axis" in passed):
            continue                    # "give either axis= or dim=" is right there
        if how[0] == "kw":
            valid = kwargs.get(name, inspect.Parameter.empty)
        else:
            valid = args[how[1]]
        kind = spec.kinds.get(name) or _infer_kind(
            name, None if valid is inspect.Parameter.empty else valid)
        if kind is None or kind == "skip":
            continue
        optional = defaults.get(name, 0) is None
        for hostile in KINDS[kind]:
            if hostile is NONE and optional:
                continue                                # None is the default
            yield name, hostile, _bind(spec, how, hostile)
    if "self" in spec.kinds:
        for hostile in KINDS[spec.kinds["self"]]:
            yield "self", hostile, _bind_self(spec, hostile)


def _bind(spec, how, hostile):
    def call():
        fn, args, kwargs = spec.make()
        args = list(args)
        if how[0] == "kw":
            valid = kwargs.get(how[1])
        else:
            valid = args[how[1]]
        value = hostile.make(valid)
        if how[0] == "kw":
            kwargs = dict(kwargs, **{how[1]: value})
        elif how[0] == "pos":
            args[how[1]] = value
        else:                                           # *args: the whole tail
            args = args[:how[1]] + [value]
        return fn(*args, **kwargs)
    return call


def _bind_self(spec, hostile):
    def call():
        fn, args, kwargs = spec.make()
        meth = getattr(hostile.make(getattr(fn, "__self__", None)), fn.__name__)
        return meth(*args, **kwargs)
    return call


def run_specs(specs):
    """Every Finding of every spec, in order."""
    out = []
    for spec in specs:
        for name, hostile, call in probes(spec):
            out.append(classify(spec, name, hostile, call))
    return out


def is_finite_number(v):
    return isinstance(v, (int, float)) and math.isfinite(v)


# ---------------------------------------------------------------- more kinds

def _fn(label, f, *names):
    return Hostile(label, lambda: f, names)


KINDS.update({
    "data": [S, NESTED, DICT, NONE, _const("ragged", [[1.0], [1.0, 2.0]], "ragged",
                                           "inhomogeneous", "sequence", "shape"),
             Hostile("object()", object, ("object",)), SARR],
    "fill": [S, EMPTY, DICT, NESTED],
    "step": [S, _const("0", 0, "0", "zero", "nonzero", "non-zero"), NAN_, CPLX, EMPTY],
    "pred": [S, NONE, DICT, Hostile("vector pred", lambda: tg.tensor([True, False]),
                                    ("scalar", "shape", "(2,)", "element"))],
    # a user function handed to a transform: a forgotten return, a string, a vector
    "fx": [S, NONE, THREE, _fn("f -> None", lambda *a: None, "None", "NoneType"),
           _fn("f -> 'a'", lambda *a: "a", "str", "'a'"),
           _fn("f -> vector", lambda x, *a: x * 2, "scalar", "shape")],
    "target": [S, NONE, Hostile("float target", lambda: tg.tensor([0.5, 1.5]),
                                ("float", "int", "dtype", "class")),
               Hostile("class 7", lambda: tg.tensor([7, 0]), ("7", "range", "bounds", "class")),
               Hostile("class -3", lambda: tg.tensor([-3, 0]), ("-3", "range", "bounds",
                                                              "class")),
               Hostile("(5,) target", lambda: tg.tensor([0, 1, 0, 1, 0]), ("shape", "(5,)",
                                                                           "5"))],
    "betas": [S, NONE, _const("(0.9,)", (0.9,), "betas", "(0.9,)"),
              _const("(nan, 0.9)", (NAN, 0.9), "nan", "betas"),
              _const("(-0.1, 0.9)", (-0.1, 0.9), "-0.1", "betas"),
              _const("(0.9, 1.5)", (0.9, 1.5), "1.5", "betas")],
    "state": [S, NONE, DICT, _const("{'bogus': 1}", {"bogus": 1}, "bogus", "key", "state")],
    "obj": [Hostile("object()", object, ("object",)),
            Hostile("{1: x}", lambda: {1: tg.ones(2)}, ("1", "key", "int")),
            Hostile("{'a': set}", lambda: {"a": {1, 2}}, ("set", "'a'")),
            Hostile("{'a': lambda}", lambda: {"a": (lambda: 0)}, ("function", "lambda",
                                                                  "'a'"))],
    "ret": [S, NONE, WRONG, CT, Hostile("(g, g)", lambda: (tg.ones(3), tg.ones(3)),
                                        ("tuple", "2", "number", "gradients"))],
    "mask": [S, NONE, NESTED, CT, WRONG],
    "subscripts": [_const("'bogus'", "bogus", "bogus"), THREE, NONE,
                   _const("'ij,jk->iz'", "ij,jk->iz", "ij,jk->iz", "z")],
    "name": [THREE, EMPTY, DICT],
    "index": [S, NONE, Hostile("float index", lambda: tg.tensor([0.5, 1.0]),
                               ("float", "int", "dtype")),
              Hostile("index 99", lambda: tg.tensor([99, 0]), ("99", "range", "bounds")),
              Hostile("index -99", lambda: tg.tensor([-99, 0]), ("-99", "range", "bounds"))],
    "milestones": [S, NONE, _const("[2.5]", [2.5], "2.5", "float", "int"), THREE],
    "getitem": [FRAC, S, _const("10", 10, "10", "out of range", "out of bounds"), NESTED,
                DICT, Hostile("float index", lambda: tg.tensor([0.5, 1.0]),
                              ("float", "int", "dtype", "index")),
                Hostile("(2, 2) mask", lambda: np.ones((2, 2), bool),
                        ("(2, 2)", "mask", "shape", "boolean")),
                _const("(0, 0, 0)", (0, 0, 0), "too many", "3", "dimensions", "indices")],
    "setval": [S, NESTED, DICT, CT, WRONG, SARR, NONE],
    "operand": [S, NESTED, DICT, SARR, WRONG, NONE],
})


def _operator(symbol):
    """`x <symbol> other` as a function of other (the spec probes `other`)."""
    code = compile(f"lambda x, other: x {symbol} other", symbol, "eval")
    op = eval(code)

    def run(other):
        return op(_x(), other)
    run.__name__ = symbol
    return run


def _roperator(symbol):
    code = compile(f"lambda x, other: other {symbol} x", symbol, "eval")
    op = eval(code)

    def run(other):
        return op(_x(), other)
    run.__name__ = symbol
    return run


def _getitem(index):
    return _x()[index]


def _setitem_index(index):
    t = _x().detach()
    t[index] = 1.0
    return t


def _setitem_value(value):
    t = _x().detach()
    t[0] = value
    return t


# ---------------------------------------------------------------- the valid calls

class Lazy:
    """A value built fresh for every probe (tensors get mutated, graphs get freed)."""

    def __init__(self, make):
        self.make = make


def _ev(v):
    if isinstance(v, Lazy):
        return v.make()
    if isinstance(v, list):
        return [_ev(u) for u in v]
    if isinstance(v, tuple):
        return tuple(_ev(u) for u in v)
    return v


def sp(label, target, *args, kinds=None, skip=(), names=None, **kwargs):
    """A Spec whose make() evaluates every Lazy in target, args and kwargs."""
    def make():
        return _ev(target), [_ev(a) for a in args], {k: _ev(v) for k, v in kwargs.items()}
    return Spec(label, make, kinds, skip, names)


def _x():
    return tg.tensor(np.arange(1.0, 7.0).reshape(2, 3), requires_grad=True)


def _w():
    return tg.nn.Parameter(tg.tensor(np.zeros((3, 4))))


def _params():
    p = tg.nn.Parameter(tg.tensor(np.ones((2, 2))))
    p.grad = tg.tensor(np.full((2, 2), 3.0))
    return [p]


def _opt():
    return tg.optim.SGD(_params(), lr=0.1)


X = Lazy(_x)                                                  # (2, 3) float64, requires grad
XT = Lazy(lambda: tg.tensor(np.arange(1.0, 7.0).reshape(3, 2), requires_grad=True))
V = Lazy(lambda: tg.tensor([1.0, 2.0, 3.0], requires_grad=True))
X1 = Lazy(lambda: tg.tensor(np.ones((1, 3)), requires_grad=True))
X0 = Lazy(lambda: tg.tensor(np.arange(1.0, 7.0).reshape(2, 3)))    # no grad: in-place ok
MASK = Lazy(lambda: tg.tensor([[True, False, True], [False, True, False]]))
LBL = Lazy(lambda: tg.tensor([0, 2]))
PROB = Lazy(lambda: tg.tensor([[0.2, 0.5, 0.9], [0.1, 0.7, 0.4]], requires_grad=True))
W = Lazy(_w)
PARAMS = Lazy(_params)
OPT = Lazy(_opt)
SQ = Lazy(lambda: (lambda x: (x * x).sum()))                  # a scalar function
SQ0 = Lazy(lambda: (lambda x: x * x))                         # elementwise
Y = Lazy(lambda: None)


def meth(name, make=_x):
    return Lazy(lambda: getattr(make(), name))


def ctor_call(cls, ctor_args=(), ctor_kwargs=None, inputs=()):
    """Construct cls and call it on inputs: ctor errors and forward errors both count."""
    def run(*args, **kwargs):
        m = cls(*args, **kwargs)
        return m(*[_ev(i) for i in inputs]) if inputs else m
    run.__signature__ = inspect.signature(cls)
    run.__name__ = cls.__name__
    return run


def forward_call(cls, ctor_args, names):
    """A module's forward as a plain function of its inputs (named for the probes)."""
    def run(*inputs):
        return cls(*ctor_args)(*inputs)
    params = [inspect.Parameter(n, inspect.Parameter.POSITIONAL_OR_KEYWORD) for n in names]
    run.__signature__ = inspect.Signature(params)
    run.__name__ = cls.__name__
    return run


def transform_call(transform, args_for_result):
    """tg.grad & co. are probed through the function they return, called on valid args."""
    def run(f, *targs, **tkwargs):
        return transform(f, *targs, **tkwargs)(*_ev(args_for_result))
    sig = inspect.signature(transform)
    run.__signature__ = sig
    run.__name__ = transform.__name__
    return run


def _setter(attr):
    def run(value):
        t = _x()
        setattr(t, attr, value)
        return t
    run.__name__ = attr
    return run


def _tape_call(method):
    def run(*args, **kwargs):
        return getattr(_TAPE_CTX.tape, method)(*args, **kwargs)
    return run


class _TapeCtx:
    tape = None


_TAPE_CTX = _TapeCtx()


def _tape_spec(label, method, *args, kinds=None, **kwargs):
    """tape.<method>(...) on a persistent tape that recorded y = sum(x * x)."""
    def make():
        x = tg.tensor(np.arange(1.0, 4.0), requires_grad=True)
        with tg.GradientTape(persistent=True) as tape:
            tape.watch(x)
            y = (x * x).sum()
            yv = x * 2.0
        env = {"x": x, "y": y, "yv": yv}
        fn = getattr(tape, method)
        conv = [env.get(a, a) if isinstance(a, str) and a in env else _ev(a) for a in args]
        kw = {k: (env[v] if isinstance(v, str) and v in env else _ev(v))
              for k, v in kwargs.items()}
        return fn, conv, kw
    return Spec(label, make, kinds, (), (method, "GradientTape", label))


def _function_call(f):
    return tg.function(f)(_x())


def _cond_call(pred, true_fn, false_fn):
    x = _x()
    # callables get x; anything else goes to tg.cond as it is
    return tg.cond(pred, (lambda: true_fn(x)) if callable(true_fn) else true_fn,
                   (lambda: false_fn(x)) if callable(false_fn) else false_fn)


def _hook_returns(ret):
    """A hook's return value replaces the gradient."""
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    x.register_hook(lambda g: ret)
    (x * x).sum().backward()
    return x.grad


def _function_backward_returns(ret):
    class F(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return ret

    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    F.apply(x).sum().backward()
    return x.grad


def _custom_gradient_returns(ret):
    @tg.custom_gradient
    def f(x):
        return x * 2, (lambda g: ret)

    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    f(x).sum().backward()
    return x.grad


def _lambda_lr_returns(ret):
    opt = _opt()
    sch = tg.optim.lr_scheduler.LambdaLR(opt, lambda e: ret)
    opt.step()
    sch.step()
    return opt.param_groups[0]["lr"]


def _while_body_returns(ret):
    return tg.while_loop(lambda i, x: i < 2, lambda i, x: (i + 1, ret), (0, tg.ones(3)))


def _grad_assign(value):
    """x.grad = value (PyTorch checks dtype and shape)."""
    t = _x()
    t.grad = value
    return t


_tmpdir = None


def tmp_path(name):
    global _tmpdir
    import tempfile
    if _tmpdir is None:
        _tmpdir = tempfile.mkdtemp(prefix="tg_probe_")
    import os
    return os.path.join(_tmpdir, name)


def _saved_file():
    path = tmp_path("valid.safetensors")
    tg.save({"w": tg.ones(2)}, path)
    return path


F = tg.nn.functional
NN = tg.nn
LR = tg.optim.lr_scheduler

UNARY = ["abs", "cos", "erf", "exp", "log", "log1p", "neg", "negative", "relu", "sigmoid",
         "sign", "sin", "sqrt", "square", "tan", "tanh", "clone", "stop_gradient"]
BINARY = ["add", "sub", "subtract", "mul", "multiply", "div", "divide", "pow", "maximum",
          "minimum"]
REDUCE = ["amax", "amin", "argmax", "argmin", "max", "min", "mean", "prod", "sum",
          "logsumexp", "reduce_sum", "reduce_mean", "reduce_max", "reduce_min",
          "reduce_prod", "reduce_logsumexp", "std", "var"]
NOSKIP = {"ddof": "skip", "correction": "skip", "unbiased": "bool"}
TENSOR_UNARY = ["abs", "cos", "exp", "log", "log1p", "relu", "sigmoid", "sign", "sin",
                "sqrt", "square", "tan", "tanh", "float", "double", "clone"]


def build_specs():
    S_ = []
    a = S_.append
    for n in UNARY:
        a(sp(f"tg.{n}", getattr(tg, n), X))
    for n in BINARY:
        a(sp(f"tg.{n}", getattr(tg, n), X, X, kinds={"y": "y"}))
    for n in REDUCE:
        a(sp(f"tg.{n}", getattr(tg, n), X, axis=1, kinds=NOSKIP, skip=("dim", "keepdim")))
    for n in ["sum", "mean", "max", "std"]:
        a(sp(f"tg.{n}(dim)", getattr(tg, n), X, dim=1, kinds=NOSKIP,
             skip=("x", "axis", "keepdims", "ddof", "correction", "unbiased"), names=(n,)))
    a(sp("tg.matmul", tg.matmul, X, XT, kinds={"y": "y"}))
    a(sp("tg.dot", tg.dot, V, V, kinds={"y": "y"}))
    a(sp("tg.outer", tg.outer, V, V))
    a(sp("tg.add_n", tg.add_n, [X, X], kinds={"inputs": "tensors"}))
    a(sp("tg.norm", tg.norm, X, 2, axis=1))
    a(sp("tg.linalg.norm", tg.linalg.norm, X, 2, axis=1))
    a(sp("tg.arange", tg.arange, 0, 10, 1, kinds={"start": "real", "end": "real",
                                                   "step": "step"}))
    a(sp("tg.linspace", tg.linspace, 0.0, 1.0, 5))
    a(sp("tg.broadcast_to", tg.broadcast_to, V, (2, 3)))
    a(sp("tg.cast", tg.cast, X, "float32"))
    for n in ["cat", "concat", "concatenate", "stack"]:
        a(sp(f"tg.{n}", getattr(tg, n), [X, X], 0))
    a(sp("tg.checkpoint", tg.checkpoint, SQ, X))
    for n in ["clamp", "clip"]:
        a(sp(f"tg.{n}", getattr(tg, n), X, 2.0, 4.0, kinds={"min": "real", "max": "real",
                                                           "clip_value_min": "real",
                                                           "clip_value_max": "real"}))
    a(sp("tg.clip_by_value", tg.clip_by_value, X, 2.0, 4.0))
    a(sp("tg.clip_by_global_norm", tg.clip_by_global_norm, [X], 1.0, kinds={"use_norm": "skip"}))
    a(sp("tg.cond", _cond_call, True, SQ0, SQ0,
         kinds={"pred": "pred", "true_fn": "fn", "false_fn": "fn"}, names=("cond",)))
    a(sp("tg.constant", tg.constant, [1.0, 2.0], kinds={"value": "data", "name": "name"}))
    a(sp("tg.convert_to_tensor", tg.convert_to_tensor, [1.0, 2.0],
         kinds={"value": "data", "name": "name", "dtype_hint": "dtype"}))
    a(sp("tg.tensor", tg.tensor, [1.0, 2.0], kinds={"data": "data"}))
    a(sp("tg.Tensor", tg.Tensor, [1.0, 2.0], kinds={"data": "data"}))
    a(sp("tg.Variable", tg.Variable, [1.0, 2.0], kinds={"initial_value": "data"}))
    a(sp("tg.einsum", tg.einsum, "ij,jk->ik", X, XT,
         kinds={"subscripts": "subscripts", "operands": "x"}))
    a(sp("tg.expand_dims", tg.expand_dims, X, 0))
    a(sp("tg.unsqueeze", tg.unsqueeze, X, 0))
    a(sp("tg.squeeze", tg.squeeze, X1, 0))
    a(sp("tg.swapaxes", tg.swapaxes, X, 0, 1))
    a(sp("tg.transpose", tg.transpose, X, (1, 0)))
    a(sp("tg.flatten", tg.flatten, X, 0, -1))
    a(sp("tg.reshape", tg.reshape, X, (3, 2)))
    a(sp("tg.split", tg.split, X, 1, 0))
    a(sp("tg.eye", tg.eye, 3, 2))
    for n in ["zeros", "ones", "rand", "randn"]:
        a(sp(f"tg.{n}", getattr(tg, n), 2, 3, kinds={"shape": "shape"}))
    a(sp("tg.full", tg.full, (2, 3), 1.5, kinds={"fill_value": "fill"}))
    for n in ["zeros_like", "ones_like"]:
        a(sp(f"tg.{n}", getattr(tg, n), X))
    a(sp("tg.full_like", tg.full_like, X, 1.5, kinds={"fill_value": "fill"}))
    a(sp("tg.randint", tg.randint, 0, 10, (3,), kinds={"low": "int", "high": "int"}))
    a(sp("tg.gelu", tg.gelu, X, "none"))
    a(sp("tg.leaky_relu", tg.leaky_relu, X, 0.1, kinds={"negative_slope": "real"}))
    a(sp("tg.softplus", tg.softplus, X, 1.0, 20.0))
    a(sp("tg.softmax", tg.softmax, X, 1))
    a(sp("tg.log_softmax", tg.log_softmax, X, 1))
    a(sp("tg.where", tg.where, MASK, X, X, kinds={"cond": "mask", "y": "y"}))
    a(sp("tg.while_loop", tg.while_loop, Lazy(lambda: (lambda i, x: i < 3)),
         Lazy(lambda: (lambda i, x: (i + 1, x * 2))), Lazy(lambda: (0, _x())),
         maximum_iterations=5, kinds={"loop_vars": "x"}))
    a(sp("tg.function", _function_call, SQ, kinds={"f": "fx"}, names=("function",)))
    for tr in [tg.grad, tg.value_and_grad, tg.jacfwd, tg.jacrev, tg.jacobian, tg.hessian]:
        f = SQ0 if tr in (tg.jacfwd, tg.jacrev, tg.jacobian) else SQ
        a(sp(f"tg.{tr.__name__}", transform_call(tr, (V,)), f, 0,
             kinds={"f": "fx" if f is SQ else "fn"}))
    a(sp("tg.vjp", tg.vjp, SQ0, V, kinds={"f": "fn", "primals": "x"}))
    a(sp("tg.jvp", tg.jvp, SQ0, (V,), (V,), kinds={"f": "fn", "primals": "x",
                                                  "tangents": "y"}))
    a(sp("tg.hvp", tg.hvp, SQ, (V,), (V,), kinds={"f": "fx", "primals": "x",
                                                 "tangents": "y"}))
    a(sp("tg.make_dual", tg.make_dual, V, V, kinds={"tangent": "y", "level": "skip"}))
    a(sp("tg.unpack_dual", tg.unpack_dual, V, kinds={"level": "skip"}))
    a(sp("tg.manual_seed", tg.manual_seed, 0))
    a(sp("tg.seed", tg.seed, 0))
    a(sp("tg.set_rng_state", tg.set_rng_state, Lazy(tg.get_rng_state), kinds={"state": "state"}))
    a(sp("tg.set_grad_enabled", tg.set_grad_enabled, True, kinds={"mode": "bool"}))
    a(sp("tg.detect_anomaly", tg.detect_anomaly, True, kinds={"check_nan": "bool"}))
    a(sp("tg.GradientTape", tg.GradientTape, False, True))
    a(sp("tg.explain_grad", tg.explain_grad, Lazy(lambda: (_x() * 2).sum()), X,
         kinds={"tape": "skip"}))
    a(sp("tg.gradcheck", tg.gradcheck, SQ0, (X,),
         kinds={"f": "fx", "inputs": "x", "atol": "float", "rtol": "float",
                "check_forward_ad": "bool", "raise_exception": "bool", "nondet_tol": "float",
                "_names": "skip", "_what": "skip"}))
    a(sp("tg.gradgradcheck", tg.gradgradcheck, SQ0, (X,),
         kinds={"f": "fx", "inputs": "x", "grad_outputs": "y", "atol": "float",
                "rtol": "float"}))
    a(sp("tg.save", tg.save, Lazy(lambda: {"w": tg.ones(2)}),
         Lazy(lambda: tmp_path("probe.safetensors")), kinds={"metadata": "state"}))
    a(sp("tg.load", tg.load, Lazy(_saved_file)))
    a(sp("tg.viz.to_dot", tg.viz.to_dot, Lazy(lambda: (_x() * 2).sum()),
         kinds={"params": "state", "compact": "bool"}))
    a(sp("tg.viz.make_dot", tg.viz.make_dot, Lazy(lambda: (_x() * 2).sum()),
         kinds={"params": "state", "compact": "bool"}))
    # callbacks that return something hostile
    for fn, label in [(_hook_returns, "register_hook"),
                      (_function_backward_returns, "Function.backward"),
                      (_custom_gradient_returns, "custom_gradient"),
                      (_while_body_returns, "while_loop")]:
        a(sp(f"returns:{label}", fn, Y, kinds={"ret": "ret"},
             names=(label.split(".")[-1], label, "hook", "backward", "gradient")))
    a(sp("returns:LambdaLR", _lambda_lr_returns, 0.5, kinds={"ret": "fill"},
         names=("LambdaLR", "lr_lambda")))
    a(sp("Tensor.grad=", _grad_assign, Y, kinds={"value": "y"}, names=("grad",)))
    a(sp("Tensor.data=", _setter("data"), Lazy(lambda: tg.tensor(np.ones((2, 3)))),
         kinds={"value": "data"}, names=("data",)))
    a(sp("Tensor.requires_grad=", _setter("requires_grad"), True, kinds={"value": "bool"},
         names=("requires_grad",)))
    # operators, indexing
    for symbol, canonical in [("+", "add"), ("-", "sub"), ("*", "mul"), ("/", "div"),
                              ("**", "pow"), ("@", "matmul"), ("<", "less"),
                              ("==", "equal"), ("%", "remainder"), ("//", "floor_divide")]:
        names = (symbol, canonical, "Tensor", "operand")
        valid = XT if symbol == "@" else X
        a(sp(f"x {symbol} other", _operator(symbol), valid, kinds={"other": "operand"},
             names=names))
        if symbol not in ("<", "=="):
            a(sp(f"other {symbol} x", _roperator(symbol), Lazy(lambda s=symbol: np.ones(
                (2, 2) if s == "@" else (2, 3))), kinds={"other": "operand"}, names=names))
    a(sp("x[index]", _getitem, 0, kinds={"index": "getitem"},
         names=("getitem", "index", "Tensor")))
    a(sp("x[index] = 1", _setitem_index, 0, kinds={"index": "getitem"},
         names=("setitem", "index", "Tensor")))
    a(sp("x[0] = value", _setitem_value, Lazy(lambda: tg.ones(3, dtype="float64")),
         kinds={"value": "setval"}, names=("setitem", "Tensor", "assign")))
    # Tensor methods
    for n in TENSOR_UNARY:
        a(sp(f"Tensor.{n}", meth(n), kinds={"self": "self"}, names=(n,)))
    for n in ["sum", "mean", "max", "min", "prod", "logsumexp", "std", "var", "argmax",
              "argmin"]:
        a(sp(f"Tensor.{n}", meth(n), axis=1, kinds=dict(NOSKIP, out="skip"), names=(n,),
             skip=("dim", "keepdim")))
    for n, args, kinds in [
            ("add_", (X0,), {"other": "y", "alpha": "real"}),
            ("sub_", (X0,), {"other": "y", "alpha": "real"}),
            ("mul_", (X0,), {"other": "y"}), ("div_", (X0,), {"other": "y"}),
            ("copy_", (X0,), {"src": "y"}), ("fill_", (1.5,), {"value": "fill"}),
            ("clamp_", (2.0, 4.0), {"min": "real", "max": "real"})]:
        a(sp(f"Tensor.{n}", Lazy(lambda n=n: getattr(X0.make(), n)), *args, kinds=kinds,
             names=(n,)))
    for n, args, kinds in [
            ("astype", ("float32",), {}),
            ("type", ("float32",), {}),
            ("broadcast_to", ((2, 2, 3),), {}), ("expand", (2, 2, 3), {"shape": "shape"}),
            ("reshape", (3, 2), {"shape": "shape"}), ("view", (3, 2), {"shape": "shape"}),
            ("clamp", (2.0, 4.0), {"min": "real", "max": "real"}),
            ("clip", (2.0, 4.0), {"min": "real", "max": "real"}),
            ("matmul", (XT,), {"other": "y"}), ("maximum", (X,), {"other": "y"}),
            ("minimum", (X,), {"other": "y"}), ("pow", (X,), {"exponent": "y"}),
            ("expand_dims", (0,), {}), ("unsqueeze", (0,), {}), ("flatten", (0, -1), {}),
            ("softmax", (1,), {}), ("log_softmax", (1,), {}), ("norm", (2, 1), {}),
            ("permute", (1, 0), {"axes": "axis"}), ("transpose", (1, 0), {"axes": "axis"}),
            ("swapaxes", (0, 1), {}), ("split", (1, 0), {}),
            ("register_hook", (SQ0,), {"fn": "fn"}),
            ("requires_grad_", (True,), {})]:
        a(sp(f"Tensor.{n}", meth(n), *args, kinds=kinds, names=(n,)))
    a(sp("Tensor.squeeze", meth("squeeze", X1.make), 0, names=("squeeze",)))
    a(sp("Tensor.to", meth("to"), dtype="float32", kinds={"dtype": "dtype", "args": "skip"},
         names=("to",)))
    a(sp("Tensor.dot", meth("dot", V.make), V, kinds={"tensor": "y"}, names=("dot",)))
    a(sp("Tensor.backward", Lazy(lambda: (_x() * 2).sum().backward),
         kinds={"gradient": "y", "inputs": "tensors"}, names=("backward",)))
    a(sp("Tensor.backward(nonscalar)", Lazy(lambda: (_x() * 2).backward), X,
         kinds={"gradient": "y", "inputs": "tensors"}, names=("backward",)))
    # autograd
    a(sp("autograd.grad", tg.autograd.grad, Lazy(lambda: _AG.out()), Lazy(lambda: _AG.inp()),
         kinds={"outputs": "x", "inputs": "tensors", "grad_outputs": "y"},
         names=("grad",)))
    a(sp("autograd.backward", tg.autograd.backward, Lazy(lambda: (_x() * 2).sum()),
         kinds={"tensors": "x", "grad_tensors": "y", "inputs": "tensors"},
         names=("backward",)))
    # tapes
    a(_tape_spec("tape.gradient", "gradient", "y", "x",
                 kinds={"target": "x", "sources": "tensors", "output_gradients": "y"}))
    a(_tape_spec("tape.jacobian", "jacobian", "yv", "x",
                 kinds={"target": "x", "sources": "tensors", "parallel_iterations": "skip",
                        "experimental_use_pfor": "skip"}))
    a(_tape_spec("tape.watch", "watch", "x", kinds={"tensor": "tensors"}))
    # nn modules: constructors (then called), forwards
    for cls, args, kw, inputs, fkinds in [
            (NN.Linear, (3, 2), {}, (X,), {}),
            (NN.BatchNorm1d, (3,), {}, (X,), {}),
            (NN.Embedding, (10, 3), {}, (LBL,), {"padding_idx": "int"}),
            (NN.Flatten, (0, -1), {}, (X,), {"start_dim": "axis", "end_dim": "axis"}),
            (NN.GELU, ("none",), {}, (X,), {}),
            (NN.LayerNorm, (3,), {}, (X,), {"normalized_shape": "shape"}),
            (NN.LeakyReLU, (0.1,), {}, (X,), {"negative_slope": "real"}),
            (NN.LogSoftmax, (1,), {}, (X,), {}),
            (NN.Softmax, (1,), {}, (X,), {}),
            (NN.Softplus, (1.0, 20.0), {}, (X,), {}),
            (NN.Dropout, (0.5,), {}, (X,), {}),
            (NN.MSELoss, (), {}, (X, X), {}),
            (NN.L1Loss, (), {}, (X, X), {}),
            (NN.CrossEntropyLoss, (), {}, (X, LBL), {"weight": "y", "ignore_index": "int"}),
            (NN.NLLLoss, (), {}, (X, LBL), {"weight": "y", "ignore_index": "int"}),
            (NN.BCELoss, (), {}, (PROB, PROB), {"weight": "y"}),
            (NN.BCEWithLogitsLoss, (), {}, (X, PROB), {"weight": "y", "pos_weight": "y"}),
            (NN.Parameter, (Lazy(lambda: tg.ones(2)),), {}, (), {"data": "data"}),
            (NN.Sequential, (Lazy(lambda: NN.Linear(3, 2)),), {}, (X,), {"modules": "x"}),
            (NN.ModuleList, ([Lazy(lambda: NN.Linear(3, 2))],), {}, (), {"modules": "x"}),
    ]:
        a(sp(f"nn.{cls.__name__}", ctor_call(cls, inputs=inputs), *args, kinds=fkinds,
             names=(cls.__name__,), **kw))
    for cls, args, inputs, kinds in [
            (NN.Linear, (3, 2), ["input"], {"input": "y"}),
            (NN.BatchNorm1d, (3,), ["input"], {"input": "y"}),
            (NN.LayerNorm, (3,), ["input"], {"input": "y"}),
            (NN.Embedding, (10, 3), ["input"], {"input": "index"}),
            (NN.MSELoss, (), ["input", "target"], {"target": "y"}),
            (NN.CrossEntropyLoss, (), ["input", "target"], {"target": "target"}),
            (NN.NLLLoss, (), ["input", "target"], {"target": "target"}),
            (NN.BCELoss, (), ["input", "target"], {"target": "y"}),
            (NN.BCEWithLogitsLoss, (), ["input", "target"], {"target": "y"}),
    ]:
        ins = {"Embedding": (LBL,)}.get(cls.__name__)
        if ins is None:
            ins = (X, LBL) if "Entropy" in cls.__name__ or "NLL" in cls.__name__ else (
                (PROB, PROB) if cls.__name__ == "BCELoss" else
                (X, PROB) if "BCE" in cls.__name__ else (X, X)[:len(inputs)])
        a(sp(f"nn.{cls.__name__}.forward", forward_call(cls, args, inputs), *ins,
             kinds=kinds, names=(cls.__name__,)))
    # nn.functional
    for n, args, kw, kinds in [
            ("relu", (X,), {}, {}), ("sigmoid", (X,), {}, {}), ("tanh", (X,), {}, {}),
            ("gelu", (X, "none"), {}, {}), ("leaky_relu", (X, 0.1), {}, {"negative_slope": "real"}),
            ("softplus", (X, 1.0, 20.0), {}, {}), ("softmax", (X, 1), {}, {}),
            ("log_softmax", (X, 1), {}, {}), ("dropout", (X, 0.5), {}, {}),
            ("linear", (X, Lazy(lambda: tg.ones(2, 3))), {}, {"weight": "y", "bias": "y"}),
            ("mse_loss", (X, X), {}, {"target": "y"}), ("l1_loss", (X, X), {}, {"target": "y"}),
            ("cross_entropy", (X, LBL), {}, {"target": "target", "weight": "y"}),
            ("nll_loss", (X, LBL), {}, {"target": "target", "weight": "y"}),
            ("binary_cross_entropy", (PROB, PROB), {}, {"target": "y", "weight": "y"}),
            ("binary_cross_entropy_with_logits", (X, PROB), {},
             {"target": "y", "weight": "y", "pos_weight": "y"}),
            ("embedding", (LBL, Lazy(lambda: tg.ones(10, 3))), {},
             {"input": "index", "weight": "x", "padding_idx": "int"}),
            ("layer_norm", (X, (3,)), {}, {"normalized_shape": "shape", "weight": "y",
                                           "bias": "y"}),
            ("batch_norm", (X, Lazy(lambda: tg.zeros(3)), Lazy(lambda: tg.ones(3))), {},
             {"running_mean": "y", "running_var": "y", "weight": "y", "bias": "y"}),
    ]:
        a(sp(f"F.{n}", getattr(F, n), *args, kinds=kinds, names=(n,), **kw))
    # nn.init
    a(sp("init.calculate_gain", tg.nn.init.calculate_gain, "relu",
         kinds={"nonlinearity": "choice", "param": "real"}, names=("calculate_gain",)))
    for n, args, kinds in [
            ("constant_", (W, 0.5), {"val": "fill"}), ("eye_", (W,), {}),
            ("ones_", (W,), {}), ("zeros_", (W,), {}),
            ("xavier_uniform_", (W,), {}), ("xavier_normal_", (W,), {}),
            ("glorot_uniform_", (W,), {}), ("glorot_normal_", (W,), {}),
            ("kaiming_uniform_", (W,), {"a": "float"}), ("kaiming_normal_", (W,), {"a": "float"}),
            ("he_uniform_", (W,), {"a": "float"}), ("he_normal_", (W,), {"a": "float"}),
            ("normal_", (W, 0.0, 1.0), {"mean": "real"}), ("orthogonal_", (W,), {}),
            ("trunc_normal_", (W,), {"mean": "real", "a": "real", "b": "real"}),
            ("uniform_", (W, 0.0, 1.0), {"a": "real", "b": "real"})]:
        a(sp(f"init.{n}", getattr(tg.nn.init, n), *args,
             kinds=dict(kinds, tensor="x"), names=(n,)))
    # nn.utils
    a(sp("utils.clip_grad_norm_", tg.nn.utils.clip_grad_norm_, PARAMS, 1.0,
         kinds={"norm_type": "ord"}, names=("clip_grad_norm_",)))
    a(sp("utils.clip_grad_value_", tg.nn.utils.clip_grad_value_, PARAMS, 0.5,
         names=("clip_grad_value_",)))
    a(sp("utils.parameters_to_vector", tg.nn.utils.parameters_to_vector, PARAMS,
         names=("parameters_to_vector",)))
    a(sp("utils.vector_to_parameters", tg.nn.utils.vector_to_parameters,
         Lazy(lambda: tg.ones(4)), PARAMS, kinds={"vec": "y"},
         names=("vector_to_parameters",)))
    # methods of modules, optimizers, schedulers and Variables
    lin = Lazy(lambda: tg.nn.Linear(3, 2))

    def lin_meth(name):
        return Lazy(lambda: getattr(tg.nn.Linear(3, 2), name))

    def lin_state():
        sd = tg.nn.Linear(3, 2).state_dict()
        return {k: v.detach().numpy().copy() for k, v in sd.items()}
    a(sp("Module.load_state_dict", lin_meth("load_state_dict"), Lazy(lin_state),
         kinds={"state_dict": "state", "strict": "bool", "assign": "bool"},
         names=("load_state_dict", "Linear")))
    a(sp("Module.train", lin_meth("train"), True, kinds={"mode": "bool"},
         names=("train", "Linear")))
    a(sp("Module.zero_grad", lin_meth("zero_grad"), True, kinds={"set_to_none": "bool"},
         names=("zero_grad", "Linear")))
    a(sp("Module.requires_grad_", lin_meth("requires_grad_"), True,
         kinds={"requires_grad": "bool"}, names=("requires_grad_", "Linear")))
    a(sp("Module.apply", lin_meth("apply"), Lazy(lambda: (lambda m: None)),
         kinds={"fn": "fn"}, names=("apply", "Linear")))
    a(sp("Module.add_module", lin_meth("add_module"), "sub", lin,
         kinds={"name": "name", "module": "x"}, names=("add_module", "Linear")))
    a(sp("Module.register_buffer", lin_meth("register_buffer"), "buf",
         Lazy(lambda: tg.zeros(2)), kinds={"name": "name", "tensor": "x",
                                           "persistent": "bool"},
         names=("register_buffer", "Linear")))
    a(sp("Module.get_submodule", lin_meth("get_submodule"), "",
         kinds={"target": "name"}, names=("get_submodule", "Linear")))

    def opt_meth(name):
        return Lazy(lambda: getattr(_opt(), name))
    a(sp("Optimizer.zero_grad", opt_meth("zero_grad"), True,
         kinds={"set_to_none": "bool"}, names=("zero_grad", "SGD")))
    a(sp("Optimizer.step", opt_meth("step"), kinds={"closure": "fn"}, names=("step", "SGD")))
    a(sp("Optimizer.load_state_dict", opt_meth("load_state_dict"),
         Lazy(lambda: _opt().state_dict()), kinds={"state_dict": "state"},
         names=("load_state_dict", "SGD")))
    a(sp("Optimizer.add_param_group", opt_meth("add_param_group"),
         Lazy(lambda: {"params": _params()}), kinds={"param_group": "state"},
         names=("add_param_group", "SGD")))
    a(sp("Optimizer.apply_gradients", opt_meth("apply_gradients"),
         Lazy(lambda: list(zip([tg.ones(2, 2, dtype="float64")], _params()))),
         kinds={"grads_and_vars": "tensors", "name": "skip"},
         names=("apply_gradients", "SGD")))

    def sch_meth(name):
        return Lazy(lambda: getattr(LR.StepLR(_opt(), 2), name))
    a(sp("Scheduler.load_state_dict", sch_meth("load_state_dict"),
         Lazy(lambda: LR.StepLR(_opt(), 2).state_dict()), kinds={"state_dict": "state"},
         names=("load_state_dict", "StepLR")))

    def var_meth(name):
        return Lazy(lambda: getattr(tg.Variable(np.ones(3)), name))
    for n in ("assign", "assign_add", "assign_sub"):
        a(sp(f"Variable.{n}", var_meth(n), Lazy(lambda: np.ones(3)),
             kinds={"value": "y", "delta": "y", "use_locking": "skip", "name": "skip",
                    "read_value": "bool"}, names=(n, "Variable")))
    # optim
    for cls, kw in [(tg.optim.SGD, dict(lr=0.1, momentum=0.9)), (tg.optim.Adam, {}),
                    (tg.optim.AdamW, {}), (tg.optim.RMSprop, {}), (tg.optim.Adagrad, {})]:
        a(sp(f"optim.{cls.__name__}", cls, PARAMS, kinds={"betas": "betas"},
             names=(cls.__name__,), **kw))
    for cls, args, kinds in [
            (LR.StepLR, (OPT, 2, 0.5), {}), (LR.ExponentialLR, (OPT, 0.9), {}),
            (LR.CosineAnnealingLR, (OPT, 10), {"eta_min": "float"}),
            (LR.LambdaLR, (OPT, Lazy(lambda: (lambda e: 0.9 ** e))), {}),
            (LR.MultiStepLR, (OPT, [2, 4], 0.1), {"milestones": "milestones"})]:
        a(sp(f"lr_scheduler.{cls.__name__}", cls, *args, kinds=kinds, names=(cls.__name__,)))
    return S_


class _AGInputs:
    """autograd.grad's outputs and inputs must come from one graph."""
    x = None

    def out(self):
        self.x = _x()
        return (self.x * 2).sum()

    def inp(self):
        return [self.x]


_AG = _AGInputs()


def run_all():
    """Every finding of the bad-input sweep (grad mode and rng restored after each)."""
    out = []
    for spec in build_specs():
        for name, hostile, call in probes(spec):
            before = tg.is_grad_enabled()
            try:
                out.append(classify(spec, name, hostile, call))
            finally:
                tg.set_grad_enabled(before)
    return out + explicit_probes()


# ================================================================ the aliasing sweep
#
# Each alias probe records a loss, writes somewhere, runs backward and compares the
# gradients with the same run without the write. OK outcomes: the write raises, the
# backward raises, or every gradient is the one for the values used in forward.

OK_WRITE, OK_BACKWARD, OK_SAME, SILENT, SETUP = (
    "raises at write", "raises at backward", "right gradient", "SILENT WRONG", "setup error")


# Documented, as in PyTorch: `t.detach()` (and `.data`, `stop_gradient`) is a tensor that
# does not require grad, so its `.numpy()` / `np.asarray` is writable and not tracked.
DETACHED_NUMPY = {
    (row, "out0~in0", how)
    for row in ("Tensor.detach", "Tensor.data", "Tensor.stop_gradient")
    for how in ("t.numpy()[...]=", "np.asarray(t)[...]=", "np.multiply(out=)")
}


def load_cases():
    """tests/ops/cases.py's CASES (imported as pytest does: tests/ on sys.path)."""
    import os
    import sys
    here = os.path.dirname(os.path.abspath(__file__))
    tests_dir = os.path.dirname(here)
    if tests_dir not in sys.path:
        sys.path.insert(0, tests_dir)
    from ops.cases import CASES
    return CASES


def _nograd_setitem(t):
    with tg.no_grad():
        t[...] = 7.0


def _numpy_write(t):
    t.numpy()[...] = 7.0


def _asarray_write(t):
    np.asarray(t)[...] = 7.0


def _data_write(t):
    t.data[...] = 7.0


def _detach_write(t):
    t.detach()[...] = 7.0


def _np_out_write(t):
    a = np.asarray(t)
    np.multiply(a, 3.0, out=a)


WRITES = {
    "t[...]= (no_grad)": _nograd_setitem,
    "t.numpy()[...]=": _numpy_write,
    "np.asarray(t)[...]=": _asarray_write,
    "t.data[...]=": _data_write,
    "t.detach()[...]=": _detach_write,
    "np.multiply(out=)": _np_out_write,
}


def _float_tensors(result):
    items = result if isinstance(result, (list, tuple)) else [result]
    return [r for r in items if isinstance(r, tg.Tensor)
            and np.issubdtype(r._data.dtype, np.floating)]


def _grads(xs):
    return [None if x.grad is None else np.array(x.grad._data, copy=True) for x in xs]


def _same_grads(a, b):
    if len(a) != len(b):
        return False
    for u, v in zip(a, b):
        if (u is None) != (v is None):
            return False
        if u is not None and (u.shape != v.shape or not np.allclose(u, v, rtol=1e-12,
                                                                     atol=1e-12,
                                                                     equal_nan=True)):
            return False
    return True


def _weights(outs, seed=5):
    rng = np.random.default_rng(seed)
    return [rng.uniform(0.5, 1.5, size=o.shape) for o in outs]


class AliasRun:
    """One forward + backward of `fn(*arrays)` with an optional write in between.

    The loss is sum(x * x) over the inputs (saving each input) plus sum(out * w) over
    the float outputs; `write(stage, xs, outs)` may write somewhere before backward.
    """

    def __init__(self, fn, arrays, const=None):
        self.fn = fn
        self.arrays = arrays
        self.const = const          # index of an input that does not require grad

    def run(self, write=None):
        xs = [tg.tensor(np.array(a, copy=True), requires_grad=i != self.const)
              for i, a in enumerate(self.arrays)]
        outs = _float_tensors(self.fn(*xs))
        loss = None
        for x in xs:
            if not x.requires_grad:
                continue
            term = (x * x).sum()
            loss = term if loss is None else loss + term
        for o, w in zip(outs, _weights(outs)):
            if o.requires_grad:
                loss = loss + (o * w).sum()
        if write is not None:
            try:
                write(xs, outs)
            except Exception as exc:                    # noqa: BLE001
                return OK_WRITE, f"{type(exc).__name__}: {exc}"
        try:
            loss.backward()
        except Exception as exc:                        # noqa: BLE001
            if write is None:
                raise
            return OK_BACKWARD, f"{type(exc).__name__}: {exc}"
        return _grads(xs), ""


def alias_outcome(fn, arrays, write, const=None):
    """Compare a run with `write` against a clean run: (outcome, detail)."""
    runner = AliasRun(fn, arrays, const)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ref, _ = runner.run()
    except Exception as exc:                            # noqa: BLE001
        return SETUP, f"{type(exc).__name__}: {exc}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got, detail = runner.run(write)
    if isinstance(got, str):
        return got, detail
    if _same_grads(ref, got):
        return OK_SAME, ""
    return SILENT, "gradient differs from the run without the write"


class AliasFinding:
    __slots__ = ("where", "what", "how", "outcome", "detail")

    def __init__(self, where, what, how, outcome, detail=""):
        self.where, self.what, self.how = where, what, how
        self.outcome, self.detail = outcome, detail

    @property
    def key(self):
        return f"{self.where}|{self.what}|{self.how}"

    def __repr__(self):
        return (f"{self.where:36} {self.what:14} {self.how:22} {self.outcome:18} "
                f"{' '.join(self.detail.split())[:120]}")


def _shares(a, b):
    return np.shares_memory(a, b)


def result_aliases(fn, arrays):
    """[(i_out, i_in)] where output i_out shares memory with input i_in."""
    xs = [tg.tensor(np.array(a, copy=True), requires_grad=True) for a in arrays]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        outs = _float_tensors(fn(*xs))
    return [(i, j) for i, o in enumerate(outs) for j, x in enumerate(xs)
            if _shares(o._data, x._data)]


def _write_output(i, how):
    def write(xs, outs):
        WRITES[how](outs[i])
    return write


def _write_input(j, how):
    def write(xs, outs):
        WRITES[how](xs[j])
    return write


def sweep_rows():
    """(label, fn, arrays) for every CASES row and every Tensor method that returns one."""
    rows = []
    for case in load_cases():
        rows.append((repr(case), case, case.sample(np.float64)))
    a23 = [np.arange(1.0, 7.0).reshape(2, 3)]
    for name, fn in TENSOR_METHOD_ROWS:
        rows.append((f"Tensor.{name}", fn, a23))
    for name, fn, arrays in NUMPY_OPERAND_ROWS:
        rows.append((name, fn, arrays))
    return rows


TENSOR_METHOD_ROWS = [
    ("float", lambda x: x.float()), ("double", lambda x: x.double()),
    ("astype(float64)", lambda x: x.astype("float64")),
    ("astype(float32)", lambda x: x.astype("float32")),
    ("to(float64)", lambda x: x.to("float64")), ("type(float64)", lambda x: x.type("float64")),
    ("cast(float64)", lambda x: tg.cast(x, "float64")), ("clone", lambda x: x.clone()),
    ("contiguous", lambda x: x.contiguous()), ("cpu", lambda x: x.cpu()),
    ("detach", lambda x: x.detach()), ("data", lambda x: x.data),
    ("reshape", lambda x: x.reshape(3, 2)), ("view", lambda x: x.view(6)),
    ("flatten", lambda x: x.flatten()), ("T", lambda x: x.T), ("mT", lambda x: x.mT),
    ("transpose", lambda x: x.transpose(1, 0)), ("permute", lambda x: x.permute(1, 0)),
    ("swapaxes", lambda x: x.swapaxes(0, 1)), ("squeeze", lambda x: x[None].squeeze(0)),
    ("unsqueeze", lambda x: x.unsqueeze(0)), ("expand_dims", lambda x: x.expand_dims(1)),
    ("expand", lambda x: x.expand(2, 2, 3)), ("broadcast_to", lambda x: x.broadcast_to((2, 2, 3))),
    ("split", lambda x: x.split(1)), ("getitem[0]", lambda x: x[0]),
    ("getitem[:, 1:]", lambda x: x[:, 1:]), ("getitem[...]", lambda x: x[...]),
    ("iter", lambda x: list(x)), ("stop_gradient", lambda x: tg.stop_gradient(x)),
    ("identity_function", lambda x: tg.function(lambda t: t.reshape(-1))(x)),
    ("function_view", lambda x: tg.function(lambda t: t[0])(x)),
    ("function_identity", lambda x: tg.function(lambda t: t)(x)),
    ("checkpoint_view", lambda x: tg.checkpoint(lambda t: t.reshape(-1), x)),
    ("cond_identity", lambda x: tg.cond(True, lambda: x, lambda: x * 2)),
    ("Variable", lambda x: tg.Variable(x)), ("Parameter", lambda x: tg.nn.Parameter(x)),
    ("tensor(t)", lambda x: tg.tensor(x)), ("convert_to_tensor", lambda x: tg.convert_to_tensor(x)),
    ("constant", lambda x: tg.constant(x)), ("Tensor(t)", lambda x: tg.Tensor(x)),
    ("clip(no bounds hit)", lambda x: tg.clip(x, -100.0, 100.0)),
    ("maximum(x, x)", lambda x: tg.maximum(x, x)),
    ("where(True)", lambda x: tg.where(np.ones((2, 3), bool), x, 0.0)),
    ("add_n([x])", lambda x: tg.add_n([x])),
    ("concatenate([x])", lambda x: tg.concatenate([x])),
    ("reshape(same)", lambda x: x.reshape(2, 3)),
    ("sum_to(same)", lambda x: tg.ops.sum_to(x, (2, 3))),
    ("relu(all >0)", lambda x: tg.relu(x)),
    ("abs(all >0)", lambda x: tg.abs(x)),
    ("pow(x, 1)", lambda x: x ** 1), ("mul(x, 1)", lambda x: x * 1),
    ("add(x, 0)", lambda x: x + 0),
]


def _numpy_operand_row(label, make):
    """A row whose op takes a NumPy operand `c` that the write hits after recording."""
    return label, make


# Rows with a NumPy operand: fn(x, c) where c is the user's own array.
NUMPY_OPERANDS = [
    ("x * c", lambda x, c: x * c, (2, 3)), ("c * x", lambda x, c: c * x, (2, 3)),
    ("tg.mul(x, c)", lambda x, c: tg.mul(x, c), (2, 3)),
    ("x / c", lambda x, c: x / c, (2, 3)), ("c / x", lambda x, c: c / x, (2, 3)),
    ("x ** c", lambda x, c: x ** c, (2, 3)), ("c ** x", lambda x, c: c ** x, (2, 3)),
    ("c @ x.T", lambda x, c: c @ x.T, (2, 3)), ("x @ c.T", lambda x, c: x @ c.T, (2, 3)),
    ("tg.matmul(c, x.T)", lambda x, c: tg.matmul(c, x.T), (2, 3)),
    ("tg.dot(x[0], c[0])", lambda x, c: tg.dot(x[0], c[0]), (2, 3)),
    ("tg.outer(x[0], c[0])", lambda x, c: tg.outer(x[0], c[0]), (2, 3)),
    ("einsum(ij,ij)", lambda x, c: tg.einsum("ij,ij->i", x, c), (2, 3)),
    ("maximum(x, c)", lambda x, c: tg.maximum(x, c), (2, 3)),
    ("minimum(x, c)", lambda x, c: tg.minimum(x, c), (2, 3)),
    ("where(m, x, c)", lambda x, c: tg.where(np.eye(2, 3, dtype=bool), x, c) * x, (2, 3)),
    ("clip(x, c-1, c+1)", lambda x, c: tg.clip(x, c, c + 10.0) * x, (2, 3)),
    ("concatenate([x, c]) * x", lambda x, c: tg.concatenate([x, c])[:2] * c, (2, 3)),
    ("stack([x, c])", lambda x, c: tg.stack([x, c]) * tg.stack([c, x]), (2, 3)),
    ("pow(x, c)", lambda x, c: tg.pow(x, c), (2, 3)),
    ("sub(c, x)*c", lambda x, c: tg.sub(c, x) * x, (2, 3)),
    ("F.linear(x, c)", lambda x, c: tg.nn.functional.linear(x, c), (2, 3)),
    ("F.mse_loss(x, c)", lambda x, c: tg.nn.functional.mse_loss(x, c), (2, 3)),
    ("F.bce_logits(x, c)", lambda x, c: tg.nn.functional.binary_cross_entropy_with_logits(
        x, c / 10.0), (2, 3)),
    ("F.l1_loss(x, c)", lambda x, c: tg.nn.functional.l1_loss(x, c), (2, 3)),
    ("x.copy_(c)", lambda x, c: x.clone().copy_(c) * x, (2, 3)),
    ("x + tg.tensor(c)", lambda x, c: x * tg.tensor(c), (2, 3)),
    ("x * tg.constant(c)", lambda x, c: x * tg.constant(c), (2, 3)),
    ("x * tg.convert_to_tensor(c)", lambda x, c: x * tg.convert_to_tensor(c), (2, 3)),
    ("x * Variable(c)", lambda x, c: x * tg.Variable(c, trainable=False), (2, 3)),
    ("x * tg.Tensor(c)", lambda x, c: x * tg.Tensor(c), (2, 3)),
    ("tg.function(x * c)", lambda x, c: tg.function(lambda a, b: a * b)(x, c), (2, 3)),
    ("checkpoint(x * c)", lambda x, c: tg.checkpoint(lambda a: a * c, x), (2, 3)),
    ("F.batch_norm(x, rm=c0)", lambda x, c: tg.nn.functional.batch_norm(
        x, c[0], np.abs(c[1]) + 1.0, training=False), (2, 3)),
    ("F.layer_norm(w=c0)", lambda x, c: tg.nn.functional.layer_norm(x, (3,), c[0], c[1]),
     (2, 3)),
    ("F.embedding-like x[c]", lambda x, c: x * tg.nn.functional.embedding(
        tg.tensor([0, 1]), c), (2, 3)),
]
NUMPY_OPERAND_ROWS = []          # (label, fn(x) closing over c, arrays) is built per run


def numpy_operand_probes():
    """(label, outcome, detail) for writes into a NumPy operand after recording."""
    out = []
    a = np.arange(1.0, 7.0).reshape(2, 3) / 3.0
    for label, op, shape in NUMPY_OPERANDS:
        c_ref = np.linspace(0.5, 1.5, 6).reshape(shape)

        def ref_fn(x, op=op, c_ref=c_ref):
            return op(x, np.array(c_ref, copy=True))
        holder = {}

        def fn(x, op=op, c_ref=c_ref, holder=holder):
            holder["c"] = np.array(c_ref, copy=True)
            return op(x, holder["c"])

        def write(xs, outs, holder=holder):
            holder["c"][...] = 7.0
        runner_ref = AliasRun(ref_fn, [a])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ref, _ = runner_ref.run()
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "ndarray c", "c[...]=", SETUP,
                                    f"{type(exc).__name__}: {exc}"))
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            got, detail = AliasRun(fn, [a]).run(write)
        if isinstance(got, str):
            outcome = got
        elif _same_grads(ref, got):
            outcome = OK_SAME
        else:
            outcome, detail = SILENT, "gradient differs from the run without the write"
        out.append(AliasFinding(label, "ndarray c", "c[...]=", outcome, detail))
    return out


def write_probes(rows=None, hows=None):
    """(a) writes into each result that shares memory with an input, and (b) writes into
    each input after recording; every one as an AliasFinding."""
    out = []
    hows = list(WRITES) if hows is None else hows
    for label, fn, arrays in (sweep_rows() if rows is None else rows):
        try:
            pairs = result_aliases(fn, arrays)
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "-", "-", SETUP, f"{type(exc).__name__}: {exc}"))
            continue
        for i_out, i_in in sorted(set(pairs)):
            for how in hows:
                o, d = alias_outcome(fn, arrays, _write_output(i_out, how))
                out.append(AliasFinding(label, f"out{i_out}~in{i_in}", how, o, d))
        for j in range(len(arrays)):
            for how in hows:
                o, d = alias_outcome(fn, arrays, _write_input(j, how))
                out.append(AliasFinding(label, f"input{j}", how, o, d))
            if len(arrays) > 1:         # input j a constant the graph saved
                for how in hows:
                    o, d = alias_outcome(fn, arrays, _write_input(j, how), const=j)
                    out.append(AliasFinding(label, f"const input{j}", how, o, d))
    return out


# Documented, as in PyTorch: the .numpy() / np.asarray of a tensor that does not require
# grad (a constant, a detached tensor) is writable, and such a write is not tracked.
UNTRACKED_NUMPY_WRITES = ("t.numpy()[...]=", "np.asarray(t)[...]=", "np.multiply(out=)")


def is_documented(f):
    """A write the library documents as untracked (detach().numpy() and friends)."""
    if (f.where, f.what, f.how) in DETACHED_NUMPY:
        return True
    return f.what.startswith("const input") and f.how in UNTRACKED_NUMPY_WRITES


def grad_sharing_probes(rows=None):
    """(c) after backward (with and without create_graph) no two .grads share memory, and
    no .grad shares memory with an input or with the `gradient=` the user passed."""
    out = []
    for label, fn, arrays in (sweep_rows() if rows is None else rows):
        for create_graph in (False, True):
            xs = [tg.tensor(np.array(a, copy=True), requires_grad=True) for a in arrays]
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    outs = [o for o in _float_tensors(fn(*xs)) if o.requires_grad]
                    if not outs:
                        continue
                    gs = [tg.tensor(w) for w in _weights(outs)]
                    tg.autograd.backward(outs, gs, create_graph=create_graph)
            except Exception as exc:                    # noqa: BLE001
                out.append(AliasFinding(label, "-", f"create_graph={create_graph}", SETUP,
                                        f"{type(exc).__name__}: {exc}"))
                continue
            bad = []
            grads = [(f"x{j}.grad", x.grad) for j, x in enumerate(xs) if x.grad is not None]
            others = ([(f"x{j}", x) for j, x in enumerate(xs)]
                      + [(f"gradient[{k}]", g) for k, g in enumerate(gs)])
            for k, (na, ga) in enumerate(grads):
                for nb, gb in grads[k + 1:] + others:
                    if _shares(ga._data, gb._data):
                        bad.append(f"{na} shares memory with {nb}")
            out.append(AliasFinding(label, "grads", f"create_graph={create_graph}",
                                    SILENT if bad else OK_SAME, "; ".join(bad)))
    return out


_M23 = np.array([[True, False, True], [False, True, True]])
_A2 = [np.arange(1.0, 7.0).reshape(2, 3), np.linspace(-1.0, 2.0, 6).reshape(2, 3)]

# Two-input rows where one cotangent may reach both inputs as the same array.
HOOK_ROWS = [(label, fn, _A2) for label, fn in [
    ("x + y", lambda x, y: x + y), ("y + x", lambda x, y: y + x),
    ("tg.add", lambda x, y: tg.add(x, y)), ("x - y", lambda x, y: x - y),
    ("y - x", lambda x, y: y - x), ("add_n", lambda x, y: tg.add_n([x, y])),
    ("where", lambda x, y: tg.where(_M23, x, y)), ("stack", lambda x, y: tg.stack([x, y])),
    ("concatenate", lambda x, y: tg.concatenate([x, y])),
    ("x + y + x", lambda x, y: x + y + x), ("(x + y).sum()", lambda x, y: (x + y).sum()),
    ("x * 2 + y", lambda x, y: x * 2.0 + y),
    ("x.reshape + y", lambda x, y: x.reshape(6) + y.reshape(6)),
    ("maximum", lambda x, y: tg.maximum(x, y)),
    ("clip(x, y, y+9)", lambda x, y: tg.clip(x, y, y + 9.0)),
    ("einsum(ij,ij->ij) + x", lambda x, y: tg.einsum("ij,ij->ij", x, y) + x + y),
    ("mean of both", lambda x, y: (x + y).mean(axis=0)),
]]


def hook_probes(rows=None):
    """(c) a hook that edits its gradient in place changes no other input's gradient."""
    out = []
    for label, fn, arrays in (sweep_rows() + HOOK_ROWS if rows is None else rows):
        if len(arrays) < 2:
            continue
        for where in ("leaf", "intermediate"):
            def run(edit, fn=fn, arrays=arrays, where=where):
                xs = [tg.tensor(np.array(a, copy=True), requires_grad=True) for a in arrays]
                hs = xs if where == "leaf" else [x * 1.0 for x in xs]
                if edit:
                    hs[0].register_hook(lambda g: (g.mul_(100.0), None)[1])
                outs = [o for o in _float_tensors(fn(*hs)) if o.requires_grad]
                gs = [tg.tensor(w) for w in _weights(outs)]
                tg.autograd.backward(outs, gs)
                return _grads(xs[1:])
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    ref = run(False)
            except Exception as exc:                    # noqa: BLE001
                out.append(AliasFinding(label, where, "hook g.mul_", SETUP,
                                        f"{type(exc).__name__}: {exc}"))
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    got = run(True)
            except Exception as exc:                    # noqa: BLE001
                out.append(AliasFinding(label, where, "hook g.mul_", OK_BACKWARD,
                                        f"{type(exc).__name__}: {exc}"))
                continue
            ok = _same_grads(ref, got)
            out.append(AliasFinding(label, where, "hook g.mul_", OK_SAME if ok else SILENT,
                                    "" if ok else "a sibling's gradient changed"))
    return out


# ================================================================ what may be accepted
#
# (callable pattern, argument pattern, hostile label pattern, reason); fnmatch patterns.
NUMERIC = "torch accepts it; the result shows it (NaN in, NaN out)"
LEGIT = [
    ("*softplus*", "beta", "-1.0", "torch accepts a negative beta"),
    ("*Softplus*", "beta", "-1.0", "torch accepts a negative beta"),
    ("*softplus*", "threshold", "-1.0", "torch accepts any threshold"),
    ("*Softplus*", "threshold", "-1.0", "torch accepts any threshold"),
    ("*softplus*", "*", "nan", NUMERIC), ("*Softplus*", "*", "nan", NUMERIC),
    ("*leaky_relu*", "*", "-1.0", "a negative slope is a choice, torch accepts it"),
    ("*leaky_relu*", "*", "nan", NUMERIC), ("*LeakyReLU*", "*", "nan", NUMERIC),
    ("init.*", "a", "-1.0", "kaiming's a may be negative (torch accepts it)"),
    ("init.*", "gain", "-1.0", "a negative gain flips signs, torch accepts it"),
    ("init.*", "gain", "nan", NUMERIC),
    ("init.*", "tensor", "complex tensor", "an initialiser records nothing; torch fills complex"),
    ("init.calculate_gain", "param", "*", "param is read only for leaky_relu and selu"),
    ("F.layer_norm", "eps", "-1.0", "torch does not check eps"),
    ("F.layer_norm", "eps", "nan", NUMERIC),
    ("F.batch_norm", "eps", "-1.0", "torch does not check eps"),
    ("F.batch_norm", "momentum", "-1.0", "torch does not check momentum"),
    ("F.batch_norm", "*", "nan", NUMERIC),
    ("tg.gradcheck", "eps", "-1.0", "central differences are symmetric in eps"),
    ("tg.gradgradcheck", "eps", "-1.0", "central differences are symmetric in eps"),
    ("tg.gradcheck", "f", "f -> vector", "gradcheck checks the full Jacobian"),
    ("tg.gradgradcheck", "f", "f -> vector", "gradgradcheck checks the full Jacobian"),
    ("tg.hessian", "f", "f -> vector", "the Hessian of each output, as jax.hessian"),
    ("tg.function", "f", "f -> *", "a traced function may return anything, as tf.function"),
    ("tg.manual_seed", "seed", "10**30", "NumPy's generator takes any int seed"),
    ("tg.seed", "seed", "10**30", "NumPy's generator takes any int seed"),
    ("*split", "split_size_or_sections", "10**30", "one chunk, as torch.split"),
    ("lr_scheduler.*", "*", "10**30", "a period that is never reached"),
    ("*clip_grad_*", "parameters", "[]", "nothing to clip; torch returns 0"),
    ("tg.clip_by_global_norm", "t_list", "[]", "nothing to clip; TF returns ([], 0)"),
    ("tape.gradient", "sources", "[]", "the result has the sources' structure (TF)"),
    ("tape.gradient", "sources", "{}", "the result has the sources' structure (TF)"),
    ("tape.jacobian", "sources", "[]", "the result has the sources' structure (TF)"),
    ("tape.jacobian", "sources", "{}", "the result has the sources' structure (TF)"),
    ("tape.watch", "tensor", "[]", "watching nothing (TF)"),
    ("tape.watch", "tensor", "{}", "watching nothing (TF)"),
    ("tg.save", "metadata", "{}", "empty metadata"),
    ("tg.viz.*", "params", "{}", "no parameter names"),
    ("returns:*", "ret", "None", "None means 'no change' / a zero gradient, as in PyTorch"),
    ("tg.zeros_like", "x", "complex tensor", "a complex zeros, nothing recorded"),
    ("tg.ones_like", "x", "complex tensor", "a complex ones, nothing recorded"),
    ("tg.full_like", "x", "complex tensor", "a complex fill, nothing recorded"),
    ("tg.argm*", "x", "complex tensor", "no gradient; NumPy's order"),
    ("tg.explain_grad", "*", "complex tensor", "an explanation only"),
    ("*", "ignore_index", "10**30", "no label equals it; the loss is right"),
    ("tg.while_loop", "maximum_iterations", "10**30", "a bound that is never reached"),
    ("tg.constant", "name", "*", "a label only"),
    ("x == other", "other", "*", "== with a non-number is False, as in Python and PyTorch"),
    ("Tensor.grad=", "value", "None", "x.grad = None clears the gradient, as in PyTorch"),
    ("tg.arange(0, 10, -1)", "*", "*", "empty, as NumPy's arange"),
    ("save(nested tensors)", "*", "*", "a list round-trips through save/load"),
    ("optim.*", "params", "None", "an optimizer for apply_gradients starts empty (TF style)"),
    ("Module.add_module", "module", "None", "a None slot, as in PyTorch"),
    ("Module.register_buffer", "tensor", "None", "a None buffer, as in PyTorch"),
    ("Module.register_buffer", "tensor", "complex tensor", "buffers may be complex"),
    ("Scheduler.load_state_dict", "state_dict", "{}", "nothing to load, as in PyTorch"),
    ("tg.unpack_dual", "t", "*", "a plain value has no tangent: (value, None)"),
    ("tg.stop_gradient", "t", "complex tensor", "nothing is differentiated"),
    ("tg.viz.*", "t", "complex tensor", "a picture of the graph only"),
    ("tg.viz.*", "t", "{}", "an empty picture"),
    ("tape.*", "*", "*complex*", "an unconnected complex source gets None: nothing is "
                                 "differentiated"),
    ("*backward*", "inputs", "[[]complex]", "an unconnected complex input gets nothing"),
    ("tg.add_n", "inputs", "[[]complex]", "one tensor: the sum is that tensor"),
    ("tape.gradient", "target", "{}", "an empty structure of targets (TF)"),
    ("autograd.backward", "tensors", "complex tensor", "d(t)/d(t) is the seed itself"),
    ("returns:while_loop", "ret", "*", "eagerly a Python loop: the body's values are the "
                                       "user's"),
    ("Optimizer.apply_gradients", "grads_and_vars", "[]", "no pairs, no update"),
    ("tg.clip_by_global_norm", "t_list", "{}", "an empty structure, as []"),
    ("SGD(params=None)", "*", "*", "an optimizer for apply_gradients starts empty (TF style)"),
    ("other % x", "other", "'abc'", "str % tensor is Python's string formatting"),
    ("tg.convert_to_tensor", "name", "*", "a label only"),
    # issue 16: complex tensors are first class; ops defined on complex numbers take them
    # (tests/test_complex.py checks their gradients against torch)
    *[(c, "*", "complex tensor", "complex tensors are supported (issue 16)")
      for c in ("tg.abs", "tg.cos", "tg.exp", "tg.log", "tg.log1p", "tg.neg*", "tg.sin",
                "tg.sqrt", "tg.square", "tg.tan", "tg.tanh", "tg.clone", "tg.add", "tg.sub*",
                "tg.mul*", "tg.div*", "tg.pow", "tg.mean", "tg.prod", "tg.sum",
                "tg.reduce_sum", "tg.reduce_mean", "tg.reduce_prod", "tg.matmul", "tg.dot",
                "tg.outer", "tg.broadcast_to", "tg.cast", "tg.cat", "tg.concat*", "tg.stack",
                "tg.expand_dims", "tg.unsqueeze", "tg.squeeze", "tg.swapaxes", "tg.transpose",
                "tg.flatten", "tg.reshape", "tg.split", "tg.where", "tg.make_dual",
                "Tensor.abs", "Tensor.cos", "Tensor.exp", "Tensor.log", "Tensor.log1p",
                "Tensor.sin", "Tensor.sqrt", "Tensor.square", "Tensor.tan", "Tensor.tanh",
                "Tensor.clone", "Tensor.matmul", "Tensor.pow", "Tensor.dot", "F.tanh",
                "tg.sigmoid", "Tensor.sigmoid", "F.sigmoid",
                # real results of complex values (tests/test_complex_ops.py)
                "tg.var", "tg.std", "tg.norm", "tg.linalg.norm")],
    *[(c, "tensors", "[[]complex]", "complex tensors are supported (issue 16)")
      for c in ("tg.cat", "tg.concat*", "tg.stack")],
    ("Tensor.float", "self", "complex tensor", "the real part, as torch's .float()"),
    ("Tensor.double", "self", "complex tensor", "the real part, as torch's .double()"),
]


# Findings that test the probe's own function rather than the library: the hostile value
# is handed on, as it should be, to the user's function (or breaks the probe's shapes).
ARTIFACTS = [
    ("tg.checkpoint", "args", "*", "the arguments go to the user's f as they are"),
    ("tg.while_loop", "loop_vars", "*", "the loop variables go to the user's cond and body"),
    ("tg.vjp", "primals", "*", "the primals go to the user's f"),
    ("tg.jvp", "primals", "complex tensor", "the probe's tangent has the valid shape"),
    ("tg.hvp", "primals", "complex tensor", "the probe's tangent has the valid shape"),
    ("tg.einsum", "operands", "*", "one operand replaces all of them: a count error"),
]


def artifact_reason(finding):
    """Why this finding says nothing about the library, or ''."""
    import fnmatch
    for c, a, h, reason in ARTIFACTS:
        if (fnmatch.fnmatchcase(finding.callable, c) and fnmatch.fnmatchcase(finding.arg, a)
                and fnmatch.fnmatchcase(finding.hostile, h)):
            return reason
    return ""


def legit_reason(finding):
    """Why accepting this hostile value is right (PyTorch/NumPy accept it too), or ''."""
    import fnmatch
    if finding.outcome != ACCEPTED:
        return ""
    for c, a, h, reason in LEGIT:
        if (fnmatch.fnmatchcase(finding.callable, c) and fnmatch.fnmatchcase(finding.arg, a)
                and fnmatch.fnmatchcase(finding.hostile, h)):
            return reason
    return ""


# ================================================================ values that leave the graph
#
# f(x) -> a scalar, through a front door that is easy to get wrong (NumPy functions on a
# tensor, tensors built from tensors, operators, layers). The gradient must equal central
# finite differences in float64, or the call must raise; a result cut off from the graph
# (no gradient, or a zero one) where the function does depend on x is a silent wrong one.

def _w6(t):
    """A fixed weighting so that sum-like results have distinct partials."""
    return t * tg.tensor(np.linspace(0.5, 1.5, int(np.prod(t.shape))).reshape(t.shape))


GRAD_ROWS = [
    ("np.sin(x)", lambda x: _w6(np.sin(x)).sum()),
    ("np.exp(x)", lambda x: _w6(np.exp(x)).sum()),
    ("np.add(x, 1)", lambda x: _w6(np.add(x, 1.0) * x).sum()),
    ("np.multiply(x, x)", lambda x: _w6(np.multiply(x, x)).sum()),
    ("np.maximum(x, 0.3)", lambda x: _w6(np.maximum(x, 0.3)).sum()),
    ("np.sum(x, axis=0)", lambda x: _w6(np.sum(x * x, axis=0)).sum()),
    ("np.mean(x)", lambda x: np.mean(x * x)),
    ("np.dot(x, x)", lambda x: np.dot(x.reshape(-1), x.reshape(-1))),
    ("np.matmul(x, x.T)", lambda x: _w6(np.matmul(x, x.T)).sum()),
    ("np.sort(x)", lambda x: _w6(np.sort(x, axis=None)).sum()),
    ("np.cumsum(x)", lambda x: _w6(np.cumsum(x)).sum()),
    ("np.concatenate", lambda x: _w6(np.concatenate([x, x * x])).sum()),
    ("np.clip(x, 0, 1)", lambda x: _w6(np.clip(x, 0.0, 1.0)).sum()),
    ("np.where(x>0)", lambda x: _w6(np.where(x.detach().numpy() > 0.5, x, x * x)).sum()),
    ("np.linalg.norm(x)", lambda x: np.linalg.norm(x)),
    ("np.abs(x)", lambda x: _w6(np.abs(x)).sum()),
    ("np.tanh(x)", lambda x: _w6(np.tanh(x)).sum()),
    ("np.square(x)", lambda x: _w6(np.square(x)).sum()),
    ("np.round(x) * x", lambda x: _w6(np.round(x * 3.0) * x).sum()),
    ("np.prod(x)", lambda x: np.prod(x)),
    ("np.max(x)", lambda x: np.max(x * 1.0)),
    ("np.transpose(x)", lambda x: _w6(np.transpose(x) * 1.0).sum()),
    ("np.reshape(x)", lambda x: _w6(np.reshape(x, (-1,)) * 1.0).sum()),
    ("np.stack", lambda x: _w6(np.stack([x, x * 2])).sum()),
    ("np.float64(x.sum())", lambda x: np.float64(x.sum()) * x.sum()),
    ("sum(x) builtin", lambda x: _w6(sum(x)).sum()),
    ("max(list(x.flatten()))", lambda x: max(list(x.reshape(-1)))),
    ("x % 1.5 * x", lambda x: _w6((x % 1.5) * x).sum()),
    ("1.5 % x", lambda x: _w6(1.5 % (x + 3.0)).sum()),
    ("x // 1 * x", lambda x: _w6((x // 1.0) * x).sum()),
    ("divmod", lambda x: _w6(divmod(x, 0.7)[1] * x).sum()),
    ("tg.full(shape, x0)", lambda x: _w6(tg.full((2, 3), x[0, 0])).sum()),
    ("tg.full_like(x, x0)", lambda x: _w6(tg.full_like(x, x[0, 1])).sum()),
    ("tg.linspace(x0, x1, 5)", lambda x: _w6(tg.linspace(x[0, 0], x[0, 1], 5)).sum()),
    # (float64 arange: a float32 one times the 0-d x0 stays float32, as in torch, and
    # finite differences in float32 are too coarse for the comparison)
    ("tg.arange(x0)", lambda x: _w6(tg.arange(0.0, 3.0, dtype=x.dtype) * x[0, 0]).sum()),
    ("tg.tensor([x0, x1])", lambda x: _w6(tg.tensor([x[0, 0], x[1, 2]])).sum()),
    ("tg.tensor([[x0], [x1]])", lambda x: _w6(tg.tensor([[x[0, 0]], [x[1, 2] * 2]])).sum()),
    ("tg.tensor(x)", lambda x: _w6(tg.tensor(x) * x).sum()),
    ("tg.Tensor(x)", lambda x: _w6(tg.Tensor(x) * x).sum()),
    ("tg.stack(scalars)", lambda x: _w6(tg.stack([x[0, 0], x[1, 1]])).sum()),
    ("tg.Variable(x)", lambda x: _w6(tg.Variable(x) * x).sum()),
    ("tg.where(x>0, x, 0)", lambda x: _w6(tg.where(x > 0.5, x, 0.0)).sum()),
    ("tg.clip(x, x0, x1)", lambda x: _w6(tg.clip(x, x[0, 0], x[1, 2])).sum()),
    ("tg.maximum(x, x.T.T)", lambda x: _w6(tg.maximum(x, x.T.T * 0.9)).sum()),
    ("x[x > 0.5]", lambda x: (x[x > 0.5] ** 2).sum()),
    ("x[[0, 0]]", lambda x: _w6(x[[0, 0]]).sum()),
    ("setitem y[0] = x0", lambda x: _setitem_scalar(x)),
    ("setitem y[mask] = x", lambda x: _setitem_mask(x)),
    ("x.copy_ into clone", lambda x: _w6(tg.zeros(2, 3, dtype="float64").copy_(x) * x).sum()),
    ("add_ into clone", lambda x: _w6(x.clone().add_(x, alpha=2.0)).sum()),
    ("mul_ into clone", lambda x: _w6(x.clone().mul_(x)).sum()),
    ("div_ into clone", lambda x: _w6(x.clone().div_(x + 3.0)).sum()),
    ("clamp_ into clone", lambda x: _w6(x.clone().clamp_(0.0, 1.0)).sum()),
    ("fill_ with x0", lambda x: _w6(x.clone().fill_(x[0, 0])).sum()),
    ("x.item() * x", lambda x: _w6(x * x[0, 0].item()).sum()),
    ("float(x0) * x", lambda x: _w6(x * float(x[0, 0])).sum()),
    ("x.tolist()", lambda x: _w6(tg.tensor(x.tolist()) * x).sum()),
    ("x.norm(3)", lambda x: x.norm(3)),
    ("tg.norm(ord=1)", lambda x: tg.norm(x, 1)),
    ("tg.norm(inf)", lambda x: tg.norm(x, np.inf)),
    ("linalg.norm(matrix, 'fro')", lambda x: tg.linalg.norm(x, "fro")),
    ("linalg.norm(matrix, 1)", lambda x: tg.linalg.norm(x, 1)),
    ("linalg.norm(matrix, inf)", lambda x: tg.linalg.norm(x, np.inf)),
    ("linalg.norm(matrix, 2)", lambda x: tg.linalg.norm(x, 2)),
    ("linalg.norm(matrix, 'nuc')", lambda x: tg.linalg.norm(x, "nuc")),
    ("var(ddof=0)", lambda x: tg.var(x, ddof=0)),
    ("std(axis=0)", lambda x: _w6(tg.std(x, axis=0)).sum()),
    ("logsumexp", lambda x: tg.logsumexp(x)),
    ("softmax", lambda x: _w6(tg.softmax(x, axis=0)).sum()),
    ("log_softmax", lambda x: _w6(tg.log_softmax(x)).sum()),
    ("sigmoid(bool mask) * x", lambda x: _w6(tg.sigmoid(x > 0.5) * x).sum()),
    ("exp(int8) * x",
     lambda x: _w6(tg.exp(tg.tensor([[1, 2, 3], [0, 1, 2]], dtype="int8")) * x).sum()),
    ("cast float32 roundtrip", lambda x: _w6(tg.cast(tg.cast(x, "float32"), "float64")).sum()),
    ("x.float().double()", lambda x: _w6(x.float().double()).sum()),
    ("x.astype(float64)", lambda x: _w6(x.astype("float64") * x).sum()),
    ("x.to(float64)", lambda x: _w6(x.to("float64") * x).sum()),
    ("x.int() * x", lambda x: _w6(x.int() * x).sum()),
    ("F.linear", lambda x: _w6(tg.nn.functional.linear(x, x * 0.5 + 1.0)).sum()),
    ("F.mse_loss", lambda x: tg.nn.functional.mse_loss(x, x.T.T * 0.3)),
    ("F.l1_loss", lambda x: tg.nn.functional.l1_loss(x, tg.zeros(2, 3, dtype="float64"))),
    ("F.cross_entropy", lambda x: tg.nn.functional.cross_entropy(x, tg.tensor([0, 2]))),
    ("F.cross_entropy smoothing", lambda x: tg.nn.functional.cross_entropy(
        x, tg.tensor([0, 2]), label_smoothing=0.2)),
    ("F.cross_entropy probs", lambda x: tg.nn.functional.cross_entropy(
        x, tg.tensor([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3]]))),
    ("F.nll_loss", lambda x: tg.nn.functional.nll_loss(tg.log_softmax(x), tg.tensor([1, 0]))),
    ("F.bce_with_logits", lambda x: tg.nn.functional.binary_cross_entropy_with_logits(
        x, tg.tensor(np.full((2, 3), 0.3)))),
    ("F.bce", lambda x: tg.nn.functional.binary_cross_entropy(
        tg.sigmoid(x), tg.tensor(np.full((2, 3), 0.3)))),
    ("F.layer_norm", lambda x: _w6(tg.nn.functional.layer_norm(x, (3,))).sum()),
    ("F.batch_norm train", lambda x: _w6(tg.nn.functional.batch_norm(
        x, None, None, training=True)).sum()),
    ("F.softplus", lambda x: _w6(tg.nn.functional.softplus(x, beta=2.0)).sum()),
    ("F.gelu tanh", lambda x: _w6(tg.nn.functional.gelu(x, approximate="tanh")).sum()),
    ("F.embedding", lambda x: _w6(tg.nn.functional.embedding(tg.tensor([1, 0, 1]), x)).sum()),
    ("F.dropout eval", lambda x: _w6(tg.nn.functional.dropout(x, 0.5, training=False)).sum()),
    ("checkpoint", lambda x: _w6(tg.checkpoint(lambda t: t * t, x)).sum()),
    ("tg.function", lambda x: _w6(tg.function(lambda t: t * t)(x)).sum()),
    ("tg.function twice", lambda x: _w6(_twice(tg.function(lambda t: t.sin() * t), x)).sum()),
    ("tg.cond", lambda x: _w6(tg.cond(x.sum() > 0, lambda: x * x, lambda: x)).sum()),
    ("tg.while_loop", lambda x: _w6(tg.while_loop(lambda i, t: i < 3,
                                                  lambda i, t: (i + 1, t * x), (0, x))[1]).sum()),
    ("custom_gradient", lambda x: _w6(_cg_square(x)).sum()),
    ("Function.apply", lambda x: _w6(_FnSquare.apply(x)).sum()),
    ("add_n", lambda x: _w6(tg.add_n([x, x * x])).sum()),
    ("clip_by_value", lambda x: _w6(tg.clip_by_value(x, 0.0, 1.0)).sum()),
    ("clip_by_global_norm", lambda x: _w6(tg.clip_by_global_norm([x * 3.0], 1.0)[0][0]).sum()),
    ("einsum", lambda x: tg.einsum("ij,ij->", x, x)),
    ("split", lambda x: _w6(tg.split(x, [1, 2], axis=1)[1] * 2.0).sum()),
    ("outer", lambda x: tg.outer(x[0], x[1]).sum() * x[0, 0]),
    ("Tensor.expand", lambda x: _w6(x[:1].expand(2, 3) * x).sum()),
    ("iter(x)", lambda x: sum((r * r).sum() for r in x)),
    ("stop_gradient(x) * x", lambda x: _w6(tg.stop_gradient(x) * x).sum()),
]


def _twice(f, x):
    f(x)
    return f(x)


def _setitem_scalar(x):
    y = tg.zeros(2, 3, dtype="float64")
    y[0, 1] = x[1, 1]
    y[1] = x[0] * 2.0
    return _w6(y * x).sum()


def _setitem_mask(x):
    y = x.clone()
    y[x > 0.5] = (x * x)[x > 0.5]
    return _w6(y).sum()


@tg.custom_gradient
def _cg_square(x):
    return x * x, (lambda g: g * 2.0 * x)


class _FnSquare(tg.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, g):
        (x,) = ctx.saved_tensors
        return g * 2.0 * x


GRAD_X = np.array([[0.3, -0.8, 1.25], [0.9, 0.4, -1.6]])

# Rows that compute in float32 on the way (finite differences need a wider step there).
F32_ROWS = {"tg.linspace(x0, x1, 5)", "tg.tensor([x0, x1])", "tg.tensor([[x0], [x1]])",
            "cast float32 roundtrip", "x.float().double()"}
# Documented exits, as in PyTorch: a new leaf from a tensor's values, a Python number,
# stop_gradient. There the result must not depend on x in the graph at all (a clear cut).
CUT_ROWS = {"tg.tensor(x)", "tg.Tensor(x)", "tg.Variable(x)", "x.item() * x",
            "float(x0) * x", "x.tolist()", "stop_gradient(x) * x", "np.float64(x.sum())"}


def _fd_grad(fn, a, eps=1e-6):
    """Central differences of fn at a (float64), with nothing recorded."""
    g = np.zeros_like(a)
    for i in np.ndindex(a.shape):
        up, dn = a.copy(), a.copy()
        up[i] += eps
        dn[i] -= eps
        with tg.no_grad():
            fu = float(np.asarray(fn(tg.tensor(up))))
            fd = float(np.asarray(fn(tg.tensor(dn))))
        g[i] = (fu - fd) / (2 * eps)
    return g


def graph_exit_probes(rows=None):
    """AliasFinding per row: right gradient, raises, or SILENT WRONG."""
    out = []
    for label, fn in (GRAD_ROWS if rows is None else rows):
        x = tg.tensor(GRAD_X.copy(), requires_grad=True)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                y = fn(x)
                if not isinstance(y, tg.Tensor) or not y.requires_grad:
                    got = np.zeros_like(GRAD_X)
                else:
                    y.backward()
                    got = np.zeros_like(GRAD_X) if x.grad is None else x.grad.numpy()
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "x", "backward", OK_BACKWARD,
                                    f"{type(exc).__name__}: {exc}"))
            continue
        if label in CUT_ROWS:
            # the gradient is the one with the cut value held constant: compare with
            # finite differences of fn where only the tracked x moves
            out.append(AliasFinding(label, "x", "documented cut", OK_SAME))
            continue
        f32 = label in F32_ROWS
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                want = _fd_grad(fn, GRAD_X, eps=1e-3 if f32 else 1e-6)
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "x", "finite differences", SETUP,
                                    f"{type(exc).__name__}: {exc}"))
            continue
        if np.allclose(got, want, rtol=2e-3 if f32 else 1e-5, atol=1e-3 if f32 else 1e-6):
            out.append(AliasFinding(label, "x", "vs finite differences", OK_SAME))
        else:
            out.append(AliasFinding(label, "x", "vs finite differences", SILENT,
                                    f"grad {np.round(got, 4).tolist()} != "
                                    f"{np.round(want, 4).tolist()}"))
    return out


# ================================================================ values against PyTorch
#
# Valid calls whose values are easy to get silently wrong (optimizer steps with every
# option, schedules, clipping, layers with options, losses with weights): tapegrad and
# torch run the same thing in float64 and must agree. Each row is
# (label, run_tg(), run_torch(torch)), both returning a list of arrays.

_P0 = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
_TARGET = np.array([[1.0, 0.0, -1.0], [0.5, 2.0, 1.0]])
_WEIGHT = np.array([[1.0, 2.0, 0.5], [3.0, 1.0, 0.25]])


def _tg_optimize(cls, kwargs, steps=6):
    p = tg.nn.Parameter(tg.tensor(_P0.copy()))
    opt = cls([p], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss = (((p - tg.tensor(_TARGET)) ** 2) * tg.tensor(_WEIGHT)).sum() + (p ** 3).sum() / 9
        loss.backward()
        opt.step()
    return [p.detach().numpy().copy()]


def _torch_optimize(torch, name, kwargs, steps=6):
    p = torch.nn.Parameter(torch.tensor(_P0.copy()))
    opt = getattr(torch.optim, name)([p], **kwargs)
    for _ in range(steps):
        opt.zero_grad()
        loss = (((p - torch.tensor(_TARGET)) ** 2) * torch.tensor(_WEIGHT)).sum() + (
            p ** 3).sum() / 9
        loss.backward()
        opt.step()
    return [p.detach().numpy().copy()]


OPTIM_CONFIGS = [
    ("SGD", dict(lr=0.05)), ("SGD", dict(lr=0.05, momentum=0.9)),
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.5)),
    ("SGD", dict(lr=0.05, weight_decay=0.1, momentum=0.5)),
    ("SGD", dict(lr=0.05, maximize=True)),
    ("Adam", dict(lr=0.05)), ("Adam", dict(lr=0.05, amsgrad=True)),
    ("Adam", dict(lr=0.05, weight_decay=0.1)), ("Adam", dict(lr=0.05, betas=(0.5, 0.9))),
    ("Adam", dict(lr=0.05, maximize=True)), ("Adam", dict(lr=0.05, eps=0.1)),
    ("AdamW", dict(lr=0.05)), ("AdamW", dict(lr=0.05, weight_decay=0.3, amsgrad=True)),
    ("RMSprop", dict(lr=0.01)), ("RMSprop", dict(lr=0.01, centered=True)),
    ("RMSprop", dict(lr=0.01, momentum=0.5, weight_decay=0.1)),
    ("RMSprop", dict(lr=0.01, alpha=0.5, centered=True, momentum=0.3)),
    ("Adagrad", dict(lr=0.1)), ("Adagrad", dict(lr=0.1, lr_decay=0.05)),
    ("Adagrad", dict(lr=0.1, weight_decay=0.1, initial_accumulator_value=0.5)),
    ("Adagrad", dict(lr=0.1, maximize=True)),
]


def _tg_schedule(cls_name, kwargs, epochs=12):
    opt = tg.optim.SGD([tg.nn.Parameter(tg.ones(2))], lr=0.1)
    sch = getattr(tg.optim.lr_scheduler, cls_name)(opt, **kwargs)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sch.step()
    return [np.array(lrs)]


def _torch_schedule(torch, cls_name, kwargs, epochs=12):
    opt = torch.optim.SGD([torch.nn.Parameter(torch.ones(2))], lr=0.1)
    sch = getattr(torch.optim.lr_scheduler, cls_name)(opt, **kwargs)
    lrs = []
    for _ in range(epochs):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sch.step()
    return [np.array(lrs)]


SCHEDULE_CONFIGS = [
    ("StepLR", dict(step_size=2, gamma=0.5)), ("StepLR", dict(step_size=3)),
    ("ExponentialLR", dict(gamma=0.9)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=0.01)), ("CosineAnnealingLR", dict(T_max=4)),
    ("MultiStepLR", dict(milestones=[2, 5], gamma=0.3)),
    ("MultiStepLR", dict(milestones=[3, 3, 6])),
    ("LambdaLR", dict(lr_lambda=lambda e: 1.0 / (e + 1))),
]


_XIN = np.array([[0.3, -1.2, 0.8], [1.5, 0.1, -0.4], [-0.7, 0.9, 2.0], [0.2, -0.3, 0.5]])
_W23 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.6]])
_LABELS = np.array([0, 2, 1, 2])


def _pair_grad(lib, out, x):
    """Values and x's gradient of sum(out * weights)."""
    w = np.linspace(0.5, 1.5, int(np.prod(out.shape))).reshape(tuple(out.shape))
    if lib == "tg":
        (out * tg.tensor(w)).sum().backward()
        return [out.detach().numpy().copy(), x.grad.numpy().copy()]
    import torch
    (out * torch.tensor(w)).sum().backward()
    return [out.detach().numpy().copy(), x.grad.numpy().copy()]


def _layer_rows():
    """(label, run_tg, run_torch) for layers and losses with their options."""
    rows = []

    def unary(label, tg_make, torch_make, x=_XIN):
        def run_tg():
            t = tg.tensor(x.copy(), requires_grad=True)
            return _pair_grad("tg", tg_make(t), t)

        def run_torch(torch):
            t = torch.tensor(x.copy(), requires_grad=True)
            return _pair_grad("torch", torch_make(torch, t), t)
        rows.append((label, run_tg, run_torch))

    def linear(torch=None):
        if torch is None:
            m = tg.nn.Linear(3, 2).double() if hasattr(tg.nn.Linear(3, 2), "double") else None
        return m
    F_ = tg.nn.functional
    unary("F.linear(bias)", lambda t: F_.linear(t, tg.tensor(_W23), tg.tensor([0.1, -0.2])),
          lambda T, t: T.nn.functional.linear(t, T.tensor(_W23), T.tensor([0.1, -0.2])))
    unary("F.layer_norm(w, b)", lambda t: F_.layer_norm(t, (3,), tg.tensor([1.0, 2.0, 0.5]),
                                                       tg.tensor([0.1, 0.0, -0.1]), eps=1e-3),
          lambda T, t: T.nn.functional.layer_norm(t, (3,), T.tensor([1.0, 2.0, 0.5]),
                                                  T.tensor([0.1, 0.0, -0.1]), eps=1e-3))
    unary("F.layer_norm(2-D shape)", lambda t: F_.layer_norm(t, (4, 3)),
          lambda T, t: T.nn.functional.layer_norm(t, (4, 3)))
    unary("F.batch_norm(train, w, b)", lambda t: F_.batch_norm(
        t, tg.zeros(3, dtype="float64"), tg.ones(3, dtype="float64"), tg.tensor([1.0, 2.0, 0.5]),
        tg.tensor([0.1, 0.0, -0.1]), training=True, momentum=0.3, eps=1e-3),
        lambda T, t: T.nn.functional.batch_norm(
            t, T.zeros(3, dtype=T.float64), T.ones(3, dtype=T.float64), T.tensor([1.0, 2.0, 0.5]),
            T.tensor([0.1, 0.0, -0.1]), training=True, momentum=0.3, eps=1e-3))
    unary("F.batch_norm(eval)", lambda t: F_.batch_norm(
        t, tg.tensor([0.1, -0.2, 0.3]), tg.tensor([1.5, 0.5, 2.0]), training=False),
        lambda T, t: T.nn.functional.batch_norm(
            t, T.tensor([0.1, -0.2, 0.3]), T.tensor([1.5, 0.5, 2.0]), training=False))
    unary("F.softplus(beta=2, threshold=1)", lambda t: F_.softplus(t, 2.0, 1.0),
          lambda T, t: T.nn.functional.softplus(t, 2.0, 1.0))
    unary("F.gelu(tanh)", lambda t: F_.gelu(t, "tanh"),
          lambda T, t: T.nn.functional.gelu(t, approximate="tanh"))
    unary("F.gelu", lambda t: F_.gelu(t), lambda T, t: T.nn.functional.gelu(t))
    unary("F.leaky_relu(0.2)", lambda t: F_.leaky_relu(t, 0.2),
          lambda T, t: T.nn.functional.leaky_relu(t, 0.2))
    unary("F.log_softmax(dim=0)", lambda t: F_.log_softmax(t, 0),
          lambda T, t: T.nn.functional.log_softmax(t, 0))
    unary("F.softmax(dim=1)", lambda t: F_.softmax(t, 1),
          lambda T, t: T.nn.functional.softmax(t, 1))
    unary("F.dropout(eval)", lambda t: F_.dropout(t, 0.5, training=False),
          lambda T, t: T.nn.functional.dropout(t, 0.5, training=False))
    unary("F.dropout(p=0)", lambda t: F_.dropout(t, 0.0),
          lambda T, t: T.nn.functional.dropout(t, 0.0))
    unary("F.embedding(padding_idx)", lambda t: F_.embedding(tg.tensor([1, 0, 1, 3]), t,
                                                             padding_idx=1),
          lambda T, t: T.nn.functional.embedding(T.tensor([1, 0, 1, 3]), t, padding_idx=1))
    for red in ("mean", "sum", "none"):
        unary(f"F.cross_entropy(weight, ignore, {red})",
              lambda t, red=red: F_.cross_entropy(t, tg.tensor([0, 2, 1, 2]),
                                                  weight=tg.tensor([1.0, 2.0, 0.5]),
                                                  ignore_index=1, reduction=red),
              lambda T, t, red=red: T.nn.functional.cross_entropy(
                  t, T.tensor([0, 2, 1, 2]), weight=T.tensor([1.0, 2.0, 0.5]),
                  ignore_index=1, reduction=red))
        unary(f"F.cross_entropy(smoothing, weight, {red})",
              lambda t, red=red: F_.cross_entropy(t, tg.tensor([0, 2, 1, 2]),
                                                  weight=tg.tensor([1.0, 2.0, 0.5]),
                                                  label_smoothing=0.2, reduction=red),
              lambda T, t, red=red: T.nn.functional.cross_entropy(
                  t, T.tensor([0, 2, 1, 2]), weight=T.tensor([1.0, 2.0, 0.5]),
                  label_smoothing=0.2, reduction=red))
        unary(f"F.nll_loss(weight, ignore, {red})",
              lambda t, red=red: F_.nll_loss(t, tg.tensor([0, 2, 1, 2]),
                                             weight=tg.tensor([1.0, 2.0, 0.5]),
                                             ignore_index=2, reduction=red),
              lambda T, t, red=red: T.nn.functional.nll_loss(
                  t, T.tensor([0, 2, 1, 2]), weight=T.tensor([1.0, 2.0, 0.5]),
                  ignore_index=2, reduction=red))
        unary(f"F.bce_with_logits(weight, pos_weight, {red})",
              lambda t, red=red: F_.binary_cross_entropy_with_logits(
                  t, tg.tensor(np.full((4, 3), 0.3)), weight=tg.tensor([1.0, 2.0, 0.5]),
                  pos_weight=tg.tensor([2.0, 1.0, 0.5]), reduction=red),
              lambda T, t, red=red: T.nn.functional.binary_cross_entropy_with_logits(
                  t, T.tensor(np.full((4, 3), 0.3)), weight=T.tensor([1.0, 2.0, 0.5]),
                  pos_weight=T.tensor([2.0, 1.0, 0.5]), reduction=red))
        unary(f"F.mse_loss({red})", lambda t, red=red: F_.mse_loss(
            t, tg.tensor(_XIN[::-1].copy()), reduction=red),
            lambda T, t, red=red: T.nn.functional.mse_loss(t, T.tensor(_XIN[::-1].copy()),
                                                           reduction=red))
        unary(f"F.l1_loss({red})", lambda t, red=red: F_.l1_loss(
            t, tg.tensor(_XIN[::-1].copy()), reduction=red),
            lambda T, t, red=red: T.nn.functional.l1_loss(t, T.tensor(_XIN[::-1].copy()),
                                                          reduction=red))
        unary(f"F.binary_cross_entropy(weight, {red})", lambda t, red=red: (
            F_.binary_cross_entropy(tg.sigmoid(t), tg.tensor(np.full((4, 3), 0.3)),
                                    weight=tg.tensor([1.0, 2.0, 0.5]), reduction=red)),
            lambda T, t, red=red: T.nn.functional.binary_cross_entropy(
                T.sigmoid(t), T.tensor(np.full((4, 3), 0.3)), weight=T.tensor([1.0, 2.0, 0.5]),
                reduction=red))
    unary("F.cross_entropy(prob targets)", lambda t: F_.cross_entropy(
        t, tg.tensor(np.tile([0.2, 0.3, 0.5], (4, 1)))),
        lambda T, t: T.nn.functional.cross_entropy(t, T.tensor(np.tile([0.2, 0.3, 0.5], (4, 1)))))
    unary("F.cross_entropy(1-D input)", lambda t: F_.cross_entropy(t[0], tg.tensor(2)),
          lambda T, t: T.nn.functional.cross_entropy(t[0], T.tensor(2)))
    unary("norm(ord=3, axis=1)", lambda t: tg.norm(t, 3, axis=1),
          lambda T, t: T.linalg.vector_norm(t, 3, dim=1))
    unary("linalg.norm(2) matrix", lambda t: tg.linalg.norm(t, 2),
          lambda T, t: T.linalg.norm(t, 2))
    unary("linalg.norm(-inf, axis=1)", lambda t: tg.linalg.norm(t, -np.inf, axis=1),
          lambda T, t: T.linalg.norm(t, -np.inf, dim=1))
    unary("var(correction=0)", lambda t: tg.var(t, dim=0, correction=0),
          lambda T, t: T.var(t, dim=0, correction=0))
    unary("std(unbiased)", lambda t: tg.std(t, dim=1, unbiased=True),
          lambda T, t: T.std(t, dim=1, unbiased=True))
    unary("max(axis=1)", lambda t: tg.max(t, axis=1), lambda T, t: T.amax(t, 1))
    unary("clip(tensor bounds)", lambda t: tg.clip(t, tg.tensor([-0.5, 0.0, 0.2]), 1.0),
          lambda T, t: T.clamp(t, T.tensor([-0.5, 0.0, 0.2]), T.tensor(1.0, dtype=T.float64)))
    unary("x % 0.7", lambda t: t % 0.7, lambda T, t: t % 0.7)
    unary("x // 0.7 * x", lambda t: (t // 0.7) * t, lambda T, t: T.floor(t / 0.7) * t)
    unary("pow(x, 3)", lambda t: t ** 3, lambda T, t: t ** 3)
    unary("abs(x) at 0", lambda t: abs(t), lambda T, t: abs(t), x=np.array([0.0, -1.0, 2.0]))
    unary("relu at 0", lambda t: tg.relu(t), lambda T, t: T.relu(t), x=np.array([0.0, -1.0]))
    unary("sqrt", lambda t: tg.sqrt(t * t + 1.0), lambda T, t: T.sqrt(t * t + 1.0))
    unary("maximum(x, x) tie", lambda t: tg.maximum(t, t * 1.0),
          lambda T, t: T.maximum(t, t * 1.0))
    return rows


def _clip_rows():
    rows = []
    for norm_type in (2.0, 1.0, np.inf, 3.0):
        def run_tg(norm_type=norm_type):
            ps = [tg.nn.Parameter(tg.tensor(_P0.copy())), tg.nn.Parameter(tg.tensor(_W23.copy()))]
            ps[0].grad = tg.tensor(_XIN[:2].copy())
            ps[1].grad = tg.tensor(_TARGET.copy())
            total = tg.nn.utils.clip_grad_norm_(ps, 1.5, norm_type=norm_type)
            return [np.asarray(float(total))] + [p.grad.numpy().copy() for p in ps]

        def run_torch(torch, norm_type=norm_type):
            ps = [torch.nn.Parameter(torch.tensor(_P0.copy())),
                  torch.nn.Parameter(torch.tensor(_W23.copy()))]
            ps[0].grad = torch.tensor(_XIN[:2].copy())
            ps[1].grad = torch.tensor(_TARGET.copy())
            total = torch.nn.utils.clip_grad_norm_(ps, 1.5, norm_type=norm_type)
            return [np.asarray(float(total))] + [p.grad.numpy().copy() for p in ps]
        rows.append((f"clip_grad_norm_(norm_type={norm_type})", run_tg, run_torch))

    def run_tg_v():
        p = tg.nn.Parameter(tg.tensor(_P0.copy()))
        p.grad = tg.tensor(_XIN[:2].copy())
        tg.nn.utils.clip_grad_value_([p], 0.5)
        return [p.grad.numpy().copy()]

    def run_torch_v(torch):
        p = torch.nn.Parameter(torch.tensor(_P0.copy()))
        p.grad = torch.tensor(_XIN[:2].copy())
        torch.nn.utils.clip_grad_value_([p], 0.5)
        return [p.grad.numpy().copy()]
    rows.append(("clip_grad_value_", run_tg_v, run_torch_v))
    return rows


def _module_rows():
    rows = []

    def bn_tg():
        m = tg.nn.BatchNorm1d(3, momentum=0.2)
        m.weight.data = tg.tensor([1.0, 2.0, 0.5], dtype="float32")
        outs = []
        for k in range(3):
            x = tg.tensor((_XIN * (k + 1)).astype(np.float32))
            outs.append(m(x).detach().numpy().astype(np.float64))
        m.eval()
        outs.append(m(tg.tensor(_XIN.astype(np.float32))).detach().numpy().astype(np.float64))
        return outs + [m.running_mean.numpy().astype(np.float64),
                       m.running_var.numpy().astype(np.float64)]

    def bn_torch(torch):
        m = torch.nn.BatchNorm1d(3, momentum=0.2, dtype=torch.float32)
        with torch.no_grad():
            m.weight.copy_(torch.tensor([1.0, 2.0, 0.5]))
        outs = []
        for k in range(3):
            x = torch.tensor((_XIN * (k + 1)).astype(np.float32))
            outs.append(m(x).detach().numpy().astype(np.float64))
        m.eval()
        outs.append(m(torch.tensor(_XIN.astype(np.float32))).detach().numpy().astype(np.float64))
        return outs + [m.running_mean.numpy().astype(np.float64),
                       m.running_var.numpy().astype(np.float64)]
    rows.append(("BatchNorm1d running stats, train then eval", bn_tg, bn_torch))

    def emb_tg():
        m = tg.nn.Embedding(4, 3, padding_idx=0)
        m.weight.data = tg.tensor(np.arange(12.0).reshape(4, 3).astype(np.float32))
        out = m(tg.tensor([0, 2, 2, 3]))
        (out * tg.tensor(np.arange(12.0).reshape(4, 3).astype(np.float32))).sum().backward()
        return [out.detach().numpy().astype(np.float64), m.weight.grad.numpy().astype(np.float64)]

    def emb_torch(torch):
        m = torch.nn.Embedding(4, 3, padding_idx=0, dtype=torch.float32)
        with torch.no_grad():
            m.weight.copy_(torch.tensor(np.arange(12.0).reshape(4, 3).astype(np.float32)))
        out = m(torch.tensor([0, 2, 2, 3]))
        (out * torch.tensor(np.arange(12.0).reshape(4, 3).astype(np.float32))).sum().backward()
        return [out.detach().numpy().astype(np.float64), m.weight.grad.numpy().astype(np.float64)]
    rows.append(("Embedding(padding_idx=0) grads", emb_tg, emb_torch))
    return rows


def torch_value_rows():
    """The rows that need no torch.optim (its first use costs seconds)."""
    return _clip_rows() + _layer_rows() + _module_rows()


def torch_rows():
    rows = []
    for name, kw in OPTIM_CONFIGS:
        label = f"optim.{name}({', '.join(f'{k}={v}' for k, v in kw.items())})"
        rows.append((label, lambda name=name, kw=kw: _tg_optimize(getattr(tg.optim, name), kw),
                     lambda T, name=name, kw=kw: _torch_optimize(T, name, kw)))
    for name, kw in SCHEDULE_CONFIGS:
        label = f"lr_scheduler.{name}({', '.join(f'{k}={v}' for k, v in kw.items())})"
        if name == "LambdaLR":
            label = "lr_scheduler.LambdaLR(1/(e+1))"
        rows.append((label, lambda name=name, kw=kw: _tg_schedule(name, kw),
                     lambda T, name=name, kw=kw: _torch_schedule(T, name, kw)))
    return rows + _clip_rows() + _layer_rows() + _module_rows()


def torch_probes(rows=None):
    """AliasFinding per row: same values as torch, or SILENT WRONG / a refusal (SETUP)."""
    import torch
    torch.set_default_dtype(torch.float64)
    out = []
    try:
        for label, run_tg, run_torch in (torch_rows() if rows is None else rows):
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    want = run_torch(torch)
            except Exception as exc:                    # noqa: BLE001
                out.append(AliasFinding(label, "vs torch", "torch", SETUP,
                                        f"torch: {type(exc).__name__}: {exc}"))
                continue
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    got = run_tg()
            except Exception as exc:                    # noqa: BLE001
                out.append(AliasFinding(label, "vs torch", "tapegrad", SETUP,
                                        f"{type(exc).__name__}: {exc}"))
                continue
            bad = [i for i, (g, w) in enumerate(zip(got, want))
                   if np.shape(g) != np.shape(w)
                   or not np.allclose(g, w, rtol=1e-5, atol=1e-6, equal_nan=True)]
            if len(got) != len(want):
                bad.append("count")
            detail = "; ".join(
                f"[{i}] {np.round(np.asarray(got[i]), 5).tolist()} vs "
                f"{np.round(np.asarray(want[i]), 5).tolist()}" for i in bad if i != "count")
            out.append(AliasFinding(label, "vs torch", "values", SILENT if bad else OK_SAME,
                                    detail))
    finally:
        torch.set_default_dtype(torch.float32)
    return out


# ================================================================ tensors made from user memory
#
# A leaf made from the user's array (or given one through .data, assign, copy_,
# load_state_dict, vector_to_parameters): writing into that array, or into a tensor that
# lends its memory, after recording must not change the gradient silently.

_A3 = np.array([0.3, -0.8, 1.25])


def _data_from_tensor(a):
    x = tg.tensor(np.zeros(3), requires_grad=True)
    y = tg.tensor(a)
    x.data = y
    return x, (lambda: _nograd_setitem(y))


def _assigned(a):
    v = tg.Variable(np.zeros(3))
    v.assign(a)
    return v, None


def _copied(a):
    x = tg.tensor(np.zeros(3), requires_grad=True)
    with tg.no_grad():
        x.copy_(tg.tensor(a))
    return x, None


def _state_loaded(a):
    m = tg.nn.Linear(3, 1, bias=False, dtype="float64")
    m.load_state_dict({"weight": a.reshape(1, 3)})
    return m.weight, None


def _vector_loaded(a):
    p = tg.nn.Parameter(tg.tensor(np.zeros(3)))
    tg.nn.utils.vector_to_parameters(tg.tensor(a), [p])
    return p, None


SOURCE_ROWS = [
    ("tg.tensor(a, requires_grad=True)", lambda a: (tg.tensor(a, requires_grad=True), None)),
    ("tg.Tensor(a, requires_grad=True)", lambda a: (tg.Tensor(a, requires_grad=True), None)),
    ("tg.Variable(a)", lambda a: (tg.Variable(a), None)),
    ("nn.Parameter(a)", lambda a: (tg.nn.Parameter(a), None)),
    ("nn.Parameter(tg.tensor(a))", lambda a: (tg.nn.Parameter(tg.tensor(a)), None)),
    ("convert_to_tensor(a).requires_grad_()",
     lambda a: (tg.convert_to_tensor(a).requires_grad_(), None)),
    ("constant(a).requires_grad_()", lambda a: (tg.constant(a).requires_grad_(), None)),
    ("Variable.assign(a)", _assigned), ("x.copy_(tg.tensor(a))", _copied),
    ("load_state_dict(a)", _state_loaded), ("vector_to_parameters", _vector_loaded),
    ("x.data = y; y[...] = 7", _data_from_tensor),
]


def source_probes(rows=None):
    out = []
    for label, make in (SOURCE_ROWS if rows is None else rows):
        a = _A3.copy()
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                x, write = make(a)
                y = (x * x).sum()
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "user array", "setup", SETUP,
                                    f"{type(exc).__name__}: {exc}"))
            continue
        try:
            a[...] = 7.0
            if write is not None:
                write()
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "user array", "write", OK_WRITE,
                                    f"{type(exc).__name__}: {exc}"))
            continue
        try:
            y.backward()
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "user array", "write", OK_BACKWARD,
                                    f"{type(exc).__name__}: {exc}"))
            continue
        ok = np.allclose(x.grad.numpy().ravel(), 2 * _A3)
        out.append(AliasFinding(label, "user array", "write", OK_SAME if ok else SILENT,
                                "" if ok else f"grad {x.grad.numpy().ravel().tolist()}"))
    return out


# ================================================================ in-place ops against PyTorch
#
# f(x, lib) with in-place ops on leaves, intermediates and views. OK: tapegrad raises, or
# gives torch's values and gradient. SILENT WRONG: torch computes it and tapegrad's value
# or gradient differs. A tapegrad result where torch refuses is reported, not failed.

def _inplace_rows():
    rows = []

    def row(label):
        def deco(f):
            rows.append((label, f))
            return f
        return deco

    @row("leaf zero_ while recording")
    def _(x, lib):
        return x.zero_()

    @row("intermediate mul_(itself)")
    def _(x, lib):
        h = x * 1.0
        return h.mul_(h)

    @row("intermediate clamp_ then used")
    def _(x, lib):
        h = x * 1.0
        h.clamp_(0.0, 1.0)
        return h * x

    @row("intermediate div_(tensor)")
    def _(x, lib):
        h = x * 1.0
        h.div_(x + 3.0)
        return h

    @row("intermediate sub_(alpha)")
    def _(x, lib):
        h = x * 1.0
        h.sub_(x, alpha=0.5)
        return h

    @row("intermediate copy_")
    def _(x, lib):
        h = x * 1.0
        h.copy_(x * x)
        return h

    @row("masked setitem")
    def _(x, lib):
        h = x * 1.0
        h[h > 0.5] = 0.0
        return h * x

    # (a repeated index: torch leaves which write wins undefined and gives every write a
    # gradient; tapegrad gives it to the value NumPy keeps, the last, as JAX does:
    # tests/test_h13_probe.py checks that against central differences)
    @row("setitem with an index list")
    def _(x, lib):
        h = x * 1.0
        h[:, [0, 2]] = x[:, 1:] * 2
        return h

    @row("view taken, base written in place, view used")
    def _(x, lib):
        h = x * 1.0
        v = h[:, 1]
        h.mul_(2.0)
        return v * x[:, 1]

    @row("view taken, base setitem, view used")
    def _(x, lib):
        h = x * 1.0
        s = h[0]
        h[0, 1] = 100.0
        return s * x[0]

    @row("reshape view taken, base add_, view used")
    def _(x, lib):
        h = x * 1.0
        r = h.reshape(6)
        h.add_(x)
        return r * 2.0

    @row("transpose view taken, base setitem, view used")
    def _(x, lib):
        h = x * 1.0
        t = h.T
        h[1] = 0.5
        return t * 3.0

    @row("view taken, base written under no_grad, view used")
    def _(x, lib):
        h = x * 1.0
        v = h[1]
        no_grad = tg.no_grad() if lib == "tg" else __import__("torch").no_grad()
        with no_grad:
            h[1, 0] = 4.0
        return v * x[1]

    @row("view used, then base written, then backward")
    def _(x, lib):
        h = x * 1.0
        v = h[0]
        y = v + 1.0
        h.mul_(3.0)
        return y * 1.0

    @row("view of a constant, tracked value written into the constant, view used")
    def _(x, lib):
        mod = tg if lib == "tg" else __import__("torch")
        h = mod.zeros(2, 3, dtype=mod.float64)
        v = h[0]
        h[0] = x[1] * 2.0
        return v * x[0]

    @row("detach() written in place before use")
    def _(x, lib):
        h = x * 1.0
        h.detach().mul_(3.0)
        return h * x
    return rows


INPLACE_ROWS = _inplace_rows()
TORCH_REFUSES = "torch refuses; tapegrad accepts"


def inplace_probes(rows=None):
    import torch
    out = []
    for label, f in (INPLACE_ROWS if rows is None else rows):
        res = []
        for lib in ("tg", "torch"):
            mod = tg if lib == "tg" else torch
            x = mod.tensor(GRAD_X.copy(), requires_grad=True)
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    y = f(x, lib)
                    w = np.linspace(0.5, 1.5, int(np.prod(tuple(y.shape)))).reshape(
                        tuple(y.shape))
                    (y * mod.tensor(w)).sum().backward()
                grad = None if x.grad is None else x.grad.numpy().copy()
                res.append((y.detach().numpy().copy(), grad))
            except Exception as exc:                    # noqa: BLE001
                res.append(f"{type(exc).__name__}: {exc}")
        mine, theirs = res
        if isinstance(mine, str):
            out.append(AliasFinding(label, "in place", "vs torch", OK_BACKWARD, mine))
        elif isinstance(theirs, str):
            out.append(AliasFinding(label, "in place", "vs torch", TORCH_REFUSES, theirs))
        else:
            same = np.allclose(mine[0], theirs[0]) and (
                (mine[1] is None) == (theirs[1] is None)) and (
                mine[1] is None or np.allclose(mine[1], theirs[1]))
            out.append(AliasFinding(
                label, "in place", "vs torch", OK_SAME if same else SILENT,
                "" if same else f"grad {np.round(mine[1], 4).tolist()} vs torch "
                                f"{np.round(theirs[1], 4).tolist()}"))
    return out


# ================================================================ combinations of arguments
#
# Bad inputs that no single-argument substitution makes: each argument fine on its own,
# the combination wrong (start after end, sizes that do not fit, a step with the wrong
# sign), plus the issue's own examples. (label, argument, thunk, names the message may use)

def _x_rg():
    return _x()


def _loss():
    x = _x()
    return x, (x * x).sum()


EXPLICIT = [
    ("tg.flatten(x, 1, 0)", "start_dim", lambda: tg.flatten(_x(), 1, 0), ("flatten",)),
    ("Tensor.flatten(1, 0)", "start_dim", lambda: _x().flatten(1, 0), ("flatten",)),
    ("tg.reshape(x, (4, 2))", "shape", lambda: tg.reshape(_x(), (4, 2)), ("reshape",)),
    ("tg.reshape(x, (-1, -1))", "shape", lambda: tg.reshape(_x(), (-1, -1)), ("reshape",)),
    ("Tensor.view(4)", "shape", lambda: _x().view(4), ("view", "reshape")),
    ("Tensor.expand(4, 3)", "shape", lambda: _x().expand(4, 3), ("expand", "broadcast_to")),
    ("tg.broadcast_to(x, (3,))", "shape", lambda: tg.broadcast_to(_x(), (3,)),
     ("broadcast_to",)),
    ("tg.split(x, [1, 1])", "split_size_or_sections", lambda: tg.split(_x(), [1, 1], 1),
     ("split",)),
    ("tg.split(x, 0)", "split_size_or_sections", lambda: tg.split(_x(), 0), ("split",)),
    ("tg.stack([])", "tensors", lambda: tg.stack([]), ("stack",)),
    ("tg.concatenate([])", "tensors", lambda: tg.concatenate([]), ("concatenate",)),
    ("tg.stack([x, x.T])", "tensors", lambda: tg.stack([_x(), _x().T]), ("stack",)),
    ("tg.concatenate([x, v], 0)", "tensors",
     lambda: tg.concatenate([_x(), tg.ones(3, dtype="float64")], 0), ("concatenate",)),
    ("tg.matmul((2,3), (2,3))", "y", lambda: tg.matmul(_x(), _x()), ("matmul",)),
    ("tg.where(mask (3,), x (2,3)...)", "cond",
     lambda: tg.where(np.ones((2, 2), bool), _x(), _x()), ("where",)),
    ("tg.einsum('ij,jk', x)", "operands", lambda: tg.einsum("ij,jk->ik", _x()), ("einsum",)),
    ("tg.einsum('ij->k', x)", "subscripts", lambda: tg.einsum("ij->k", _x()), ("einsum",)),
    ("x[5]", "index", lambda: _x()[5], ("index", "getitem")),
    ("x[[0, 5]]", "index", lambda: _x()[[0, 5]], ("index", "getitem")),
    ("x[mask (3,)]", "index", lambda: _x()[np.ones(3, bool)], ("index", "getitem", "mask")),
    ("x[0, 0, 0]", "index", lambda: _x()[0, 0, 0], ("index", "getitem")),
    ("tg.arange(0, 10, 0)", "step", lambda: tg.arange(0, 10, 0), ("arange",)),
    ("tg.arange(0, 10, -1)", "step", lambda: tg.arange(0, 10, -1), ("arange",)),
    ("tg.linspace(0, 1, -5)", "steps", lambda: tg.linspace(0, 1, -5), ("linspace",)),
    ("tg.eye(-1)", "n", lambda: tg.eye(-1), ("eye",)),
    ("tg.randint(5, 2)", "high", lambda: tg.randint(5, 2, (3,)), ("randint",)),
    ("tg.softmax(x, axis=5)", "axis", lambda: tg.softmax(_x(), 5), ("softmax",)),
    ("tg.log_softmax(x, axis=-3)", "axis", lambda: tg.log_softmax(_x(), -3),
     ("log_softmax",)),
    ("tg.sum(x, axis=(0, 0))", "axis", lambda: tg.sum(_x(), axis=(0, 0)), ("sum",)),
    ("tg.norm(x, ord='bogus')", "ord", lambda: tg.norm(_x(), "bogus"), ("norm",)),
    ("tg.linalg.norm(x, 'fro', axis=0)", "ord", lambda: tg.linalg.norm(_x(), "fro", axis=0),
     ("norm",)),
    ("tg.squeeze(x, 0) (size 2)", "axis", lambda: tg.squeeze(_x(), 0), ("squeeze",)),
    ("tg.swapaxes(x, 0, 2)", "axis2", lambda: tg.swapaxes(_x(), 0, 2), ("swapaxes",)),
    ("tg.transpose(x, (0, 0))", "axes", lambda: tg.transpose(_x(), (0, 0)), ("transpose",)),
    ("tg.transpose(x, (0,))", "axes", lambda: tg.transpose(_x(), (0,)), ("transpose",)),
    ("tg.cast(x, 'str')", "dtype", lambda: tg.cast(_x(), "str"), ("cast",)),
    ("x.item() (6 elements)", "self", lambda: _x().item(), ("item",)),
    ("len(0-d tensor)", "self", lambda: len(tg.tensor(1.0)), ("len",)),
    ("autograd.grad(y, 'x')", "inputs", lambda: tg.autograd.grad(_loss()[1], "x"), ("grad",)),
    ("y.backward(inputs='x')", "inputs", lambda: _loss()[1].backward(inputs="x"),
     ("backward",)),
    ("y.backward(gradient='a')", "gradient", lambda: _loss()[1].backward(gradient="a"),
     ("backward",)),
    ("y.backward(gradient=(2,) tensor)", "gradient",
     lambda: _loss()[1].backward(gradient=tg.ones(2)), ("backward",)),
    ("nonscalar.backward()", "gradient", lambda: (_x() * 2).backward(), ("backward",)),
    ("backward twice", "retain_graph", lambda: _twice_backward(), ("retain_graph",)),
    ("autograd.grad(unused)", "allow_unused",
     lambda: tg.autograd.grad((_x() * 2).sum(), _x()), ("grad", "allow_unused")),
    ("tg.grad(f, argnums='x')", "argnums",
     lambda: tg.grad(lambda a: (a * a).sum(), argnums="x")(_x()), ("grad",)),
    ("tg.grad(f, argnums=3)", "argnums",
     lambda: tg.grad(lambda a: (a * a).sum(), argnums=3)(_x()), ("grad",)),
    ("tg.grad(f -> int tensor)", "f",
     lambda: tg.grad(lambda a: tg.argmax(a))(_x()), ("grad",)),
    ("tg.grad(f)(int input)", "args", lambda: tg.grad(lambda a: (a * a).sum())(
        tg.tensor([1, 2])), ("grad",)),
    ("tg.jvp tangent shape", "tangents",
     lambda: tg.jvp(lambda a: a * 2, (_x(),), (tg.ones(3, dtype="float64"),)), ("jvp",)),
    ("tg.tensor('abc')", "data", lambda: tg.tensor("abc"), ("tensor",)),
    ("tg.Variable(['a'])", "initial_value", lambda: tg.Variable(["a"]),
     ("Variable", "tensor")),
    ("x.data = 'abc'", "data", lambda: setattr(_x(), "data", "abc"), ("data",)),
    ("tg.gelu(x, approximate='bogus')", "approximate",
     lambda: tg.gelu(_x(), approximate="bogus"), ("gelu",)),
    ("tg.zeros(2.5)", "shape", lambda: tg.zeros(2.5), ("zeros",)),
    ("nn.Linear(2.5, 3)", "in_features", lambda: tg.nn.Linear(2.5, 3), ("Linear",)),
    ("StepLR(step_size=1.5)", "step_size",
     lambda: tg.optim.lr_scheduler.StepLR(_opt(), step_size=1.5), ("StepLR",)),
    ("tg.sum(x, axis=1.5)", "axis", lambda: tg.sum(_x(), axis=1.5), ("sum",)),
    ("tg.sum(x, keepdims='no')", "keepdims", lambda: tg.sum(_x(), keepdims="no"), ("sum",)),
    ("x + 'a'", "other", lambda: _x() + "a", ("add", "+")),
    ("SGD(lr=nan)", "lr", lambda: tg.optim.SGD(_params(), lr=NAN), ("SGD",)),
    ("SGD(params=[])", "params", lambda: tg.optim.SGD([], lr=0.1), ("SGD",)),
    ("SGD(params=None)", "params", lambda: tg.optim.SGD(None, lr=0.1), ("SGD",)),
    ("SGD(nesterov, momentum=0)", "nesterov",
     lambda: tg.optim.SGD(_params(), lr=0.1, nesterov=True), ("SGD", "nesterov")),
    ("SGD(int tensor param)", "params",
     lambda: tg.optim.SGD([tg.tensor([1, 2])], lr=0.1), ("SGD",)),
    ("Adam(betas=(0.9, 1.0))", "betas",
     lambda: tg.optim.Adam(_params(), betas=(0.9, 1.0)), ("Adam",)),
    ("ExponentialLR(gamma=nan)", "gamma",
     lambda: tg.optim.lr_scheduler.ExponentialLR(_opt(), NAN), ("ExponentialLR",)),
    ("clip_grad_norm_(max_norm=-1)", "max_norm",
     lambda: tg.nn.utils.clip_grad_norm_(_params(), -1.0), ("clip_grad_norm_",)),
    ("clip_grad_value_(clip_value=-1)", "clip_value",
     lambda: tg.nn.utils.clip_grad_value_(_params(), -1.0), ("clip_grad_value_",)),
    ("vector_to_parameters(wrong size)", "vec",
     lambda: tg.nn.utils.vector_to_parameters(tg.ones(3), _params()),
     ("vector_to_parameters",)),
    ("Linear(3, 2)(x (2, 4))", "input", lambda: tg.nn.Linear(3, 2)(tg.ones(2, 4)),
     ("Linear", "linear")),
    ("cross_entropy(target (3,) for batch 2)", "target",
     lambda: tg.nn.functional.cross_entropy(_x(), tg.tensor([0, 1, 2])), ("cross_entropy",)),
    ("cross_entropy(target 3 of 3 classes)", "target",
     lambda: tg.nn.functional.cross_entropy(_x(), tg.tensor([0, 3])), ("cross_entropy",)),
    ("nll_loss(float target)", "target",
     lambda: tg.nn.functional.nll_loss(_x(), tg.tensor([0.0, 1.0])), ("nll_loss",)),
    ("mse_loss(shapes (2,3) vs (3,))", "target",
     lambda: tg.nn.functional.mse_loss(_x(), tg.ones(3, dtype="float64")), ("mse_loss",)),
    ("bce(input > 1)", "input", lambda: tg.nn.functional.binary_cross_entropy(
        _x(), tg.ones(2, 3, dtype="float64")), ("binary_cross_entropy",)),
    ("embedding(index 10 of 10)", "input",
     lambda: tg.nn.Embedding(10, 3)(tg.tensor([10])), ("Embedding", "embedding")),
    ("layer_norm(shape (2,))", "normalized_shape",
     lambda: tg.nn.functional.layer_norm(_x(), (2,)), ("layer_norm",)),
    ("BatchNorm1d(3)(x (2, 4))", "input", lambda: tg.nn.BatchNorm1d(3)(tg.ones(2, 4)),
     ("BatchNorm1d", "batch_norm")),
    ("BatchNorm1d train batch of 1", "input",
     lambda: tg.nn.BatchNorm1d(3)(tg.ones(1, 3)), ("BatchNorm1d", "batch_norm")),
    ("tape.gradient twice (not persistent)", "self", lambda: _tape_twice(),
     ("gradient", "persistent")),
    ("tape.gradient(target None)", "target", lambda: _tape_target(None), ("gradient",)),
    ("tape.gradient(unconnected='bogus')", "unconnected_gradients",
     lambda: _tape_target("bogus"), ("gradient", "unconnected")),
    ("tg.cond(vector pred)", "pred",
     lambda: tg.cond(tg.tensor([True, False]), lambda: 1, lambda: 2), ("cond",)),
    ("tg.cond(pred='abc')", "pred", lambda: tg.cond("abc", lambda: 1, lambda: 2), ("cond",)),
    ("tg.while_loop(body changes arity)", "body",
     lambda: tg.while_loop(lambda i: i < 3, lambda i: (i + 1, i), (0,)), ("while_loop",)),
    ("tg.while_loop(maximum_iterations=-1)", "maximum_iterations",
     lambda: tg.while_loop(lambda i: i < 3, lambda i: (i + 1,), (0,), maximum_iterations=-1),
     ("while_loop",)),
    ("Function.backward returns 2 grads for 1 input", "backward", lambda: _fn_two_grads(),
     ("backward", "Function", "gradients")),
    ("hook returns wrong shape", "hook", lambda: _hook_returns(tg.ones(5, 7)),
     ("hook", "shape")),
    ("register_hook on a tensor without grad", "self",
     lambda: tg.ones(2).register_hook(lambda g: g), ("register_hook", "requires")),
    ("requires_grad on int tensor", "requires_grad",
     lambda: tg.tensor([1, 2], requires_grad=True), ("tensor", "requires_grad")),
    ("requires_grad_ on int tensor", "requires_grad",
     lambda: tg.tensor([1, 2]).requires_grad_(), ("requires_grad", "requires_grad_")),
    ("non-leaf requires_grad = False", "requires_grad",
     lambda: setattr(_x() * 2, "requires_grad", False), ("requires_grad",)),
    ("x.grad = (3,) tensor", "grad", lambda: setattr(_x(), "grad", tg.ones(3)), ("grad",)),
    ("retain_grad on a tensor without grad", "self", lambda: tg.ones(2).retain_grad(),
     ("retain_grad", "requires")),
    ("make_dual(tangent shape)", "tangent",
     lambda: tg.make_dual(tg.ones(3), tg.ones(2)), ("make_dual",)),
    ("gradcheck(f, int input)", "inputs",
     lambda: tg.gradcheck(lambda a: a * 2, (tg.tensor([1, 2]),)), ("gradcheck",)),
    ("save(nested tensors)", "obj", lambda: tg.save([tg.ones(2)], tmp_path("list.st")),
     ("save",)),
    ("load(a directory)", "path", lambda: tg.load(tmp_path("")), ("load",)),
]


def _twice_backward():
    x, y = _loss()
    y.backward()
    y.backward()


def _tape_twice():
    x = tg.Variable(np.ones(3))
    with tg.GradientTape() as tape:
        y = (x * x).sum()
    tape.gradient(y, x)
    tape.gradient(y, x)


def _tape_target(unconnected):
    x = tg.Variable(np.ones(3))
    with tg.GradientTape() as tape:
        y = (x * x).sum()
    if unconnected is None:
        return tape.gradient(None, x)
    return tape.gradient(y, x, unconnected_gradients=unconnected)


def _fn_two_grads():
    class F(tg.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g, g

    x = tg.tensor([1.0, 2.0], requires_grad=True)
    F.apply(x).sum().backward()


def explicit_probes(rows=None):
    out = []
    for label, arg, thunk, names in (EXPLICIT if rows is None else rows):
        spec = Spec(label, None, names=names)
        # a combination has no one bad value to name: the callable's name and a clear
        # exception type are what a clear error needs here (" " is in every sentence)
        h = Hostile(label, lambda: None, (" ",))
        before = tg.is_grad_enabled()
        try:
            f = classify(spec, arg, h, thunk)
        finally:
            tg.set_grad_enabled(before)
        f.callable, f.hostile = label, "(combination)"
        out.append(f)
    return out


# ================================================================ view semantics against PyTorch
#
# Basic indexing, reshape, transpose & co. are views in NumPy and PyTorch: a write through
# one reaches the base, and a write into the base shows in the view. A copy there loses
# the write silently. f(lib) -> the tensors to compare (no gradients involved).

def _view_rows():
    rows = []

    def row(label):
        def deco(f):
            rows.append((label, f))
            return f
        return deco

    def z(mod):
        return mod.zeros(2, 3, dtype=mod.float64)

    @row("x[0:2][0] = 5 writes x")
    def _(mod):
        x = mod.zeros(3, dtype=mod.float64)
        x[0:2][0] = 5.0
        return [x]

    @row("x[0].fill_(2) writes x")
    def _(mod):
        x = z(mod)
        x[0].fill_(2.0)
        return [x]

    @row("r = x[:, 1]; r.mul_(3) writes x")
    def _(mod):
        x = z(mod) + 1.0
        r = x[:, 1]
        r.mul_(3.0)
        return [x]

    @row("r = x[1]; r += 1 writes x")
    def _(mod):
        x = z(mod)
        r = x[1]
        r += 1.0
        return [x]

    @row("x.reshape(6)[0] = 3 writes x")
    def _(mod):
        x = z(mod)
        x.reshape(6)[0] = 3.0
        return [x]

    @row("x.T[0, 1] = 3 writes x")
    def _(mod):
        x = z(mod)
        x.T[0, 1] = 3.0
        return [x]

    @row("x.view(3, 2)[1] = 4 writes x")
    def _(mod):
        x = z(mod)
        x.view(3, 2)[1] = 4.0
        return [x]

    @row("x[None][0, 1, 2] = 7 writes x")
    def _(mod):
        x = z(mod)
        x[None][0, 1, 2] = 7.0
        return [x]

    @row("x[..., 0].zero_() writes x")
    def _(mod):
        x = z(mod) + 1.0
        x[..., 0].zero_()
        return [x]

    @row("v = x[1]; x[1, 2] = 9 shows in v")
    def _(mod):
        x = z(mod)
        v = x[1]
        x[1, 2] = 9.0
        return [v]

    @row("v = x[:, ::2]; x.add_(1) shows in v")
    def _(mod):
        x = z(mod)
        v = x[:, ::2]
        x.add_(1.0)
        return [v]

    @row("v = x.unsqueeze(0); x.fill_(4) shows in v")
    def _(mod):
        x = z(mod)
        v = x.unsqueeze(0)
        x.fill_(4.0)
        return [v]

    @row("x[[0, 1]] = 5 writes x (advanced index)")
    def _(mod):
        x = z(mod)
        x[[0, 1]] = 5.0
        return [x]

    @row("x[[0]][0] = 5 does not write x (advanced index copies)")
    def _(mod):
        x = z(mod)
        x[[0]][0] = 5.0
        return [x]

    @row("x[x > 0] = 1 writes x")
    def _(mod):
        x = z(mod) - 1.0
        x[0, 0] = 2.0
        x[x > 0] = 1.0
        return [x]
    return rows


VIEW_ROWS = _view_rows()


def view_probes(rows=None):
    import torch
    out = []
    for label, f in (VIEW_ROWS if rows is None else rows):
        try:
            mine = [np.asarray(t.numpy()).copy() for t in f(tg)]
        except Exception as exc:                        # noqa: BLE001
            out.append(AliasFinding(label, "view", "vs torch", SETUP,
                                    f"{type(exc).__name__}: {exc}"))
            continue
        theirs = [t.numpy().copy() for t in f(torch)]
        same = all(a.shape == b.shape and np.allclose(a, b) for a, b in zip(mine, theirs))
        out.append(AliasFinding(label, "view", "vs torch", OK_SAME if same else SILENT,
                                "" if same else f"{[a.tolist() for a in mine]} vs torch "
                                                f"{[b.tolist() for b in theirs]}"))
    return out
