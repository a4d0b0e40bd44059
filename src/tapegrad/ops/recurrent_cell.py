"""One step of RNNCell, LSTMCell and GRUCell as one op each: both products, the biases
and the gate math of a step in one node (composed, a step was eight to twelve recorded
ops, and a tutorial's loop over time pays each one's overhead at every step). The rules
are written with tapegrad ops, so they record for a second order like any other.
"""
import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from ._shapes import check_operand
from .linalg import MatMul
from .recurrent import _fill, _gates_jvp, _gates_vjp, _shape
from .reduce import Sum
from .shape import Concatenate, Stack, Transpose


def _raw(a):
    return a._data if isinstance(a, Tensor) else a


def _mm(a, b):
    return call(MatMul, a, b)


def _tr(a):
    return call(Transpose, a, axes=(1, 0))


def _colsum(a):
    return call(Sum, a, axis=(0,), keepdims=False)


def _proj_tangent(a, w, da, dw, db):
    """The tangent of a w^T + b: da w^T + a dw^T + db (None when all three are)."""
    return tangent_sum(None if da is None else _mm(da, _tr(w)),
                       None if dw is None else _mm(a, _tr(dw)), db)


def _pre(x, h, w_ih, w_hh, b_ih, b_hh, *more):
    """x w_ih^T + b_ih + h w_hh^T + b_hh in the operands' common dtype, a fresh array."""
    dtype = np.result_type(x, h, w_ih, w_hh, b_ih, b_hh, *more)
    pre = np.matmul(x, w_ih.T).astype(dtype, copy=False)
    pre += b_ih
    pre += np.matmul(h, w_hh.T)
    pre += b_hh
    return pre


_HALVES: dict[tuple, np.ndarray] = {}


def _half(gates, sigmoids, dtype, n):
    """Per column of the gates' pre-activations (gates * n,): 1/2 for the sigmoid gates
    (their tanh takes a / 2), 1 for the others; cached by its arguments."""
    key = (gates, sigmoids, np.dtype(dtype), n)
    v = _HALVES.get(key)
    if v is None:
        v = np.ones((gates, n), dtype)
        v[list(sigmoids)] = 0.5
        v = _HALVES[key] = v.reshape(-1)
        v.flags.writeable = False
    return v


def _linear_grads(need, d, x, h, w_ih, w_hh, d_hh=None):
    """The gradients of x, h, w_ih, w_hh, b_ih, b_hh from the pre-activations' cotangent
    d (N, k) (and d_hh of the hidden side's when it differs, GRU's)."""
    d_hh = d if d_hh is None else d_hh
    dx = _mm(d, w_ih) if need[0] else None
    dh = _mm(d_hh, w_hh) if need[1] else None
    dw_ih = _mm(_tr(d), x) if need[2] else None
    dw_hh = _mm(_tr(d_hh), h) if need[3] else None
    db_ih = _colsum(d) if need[4] else None
    db_hh = None
    if need[5]:
        db_hh = db_ih if db_ih is not None and d_hh is d else _colsum(d_hh)
    return [dx, dh, dw_ih, dw_hh, db_ih, db_hh]


@register
class RNNCellStep(Op):
    """h' = tanh(x w_ih^T + b_ih + h w_hh^T + b_hh) (relu with relu=True), x (N, I),
    h (N, H): one step of an Elman RNN."""
    args = ("x", "h", "w_ih", "w_hh", "b_ih", "b_hh")
    saves = ("x", "h", "w_ih", "w_hh", "out")

    @staticmethod
    def forward(x, h, w_ih, w_hh, b_ih, b_hh, *, relu):
        a = _pre(x, h, w_ih, w_hh, b_ih, b_hh)
        if relu:
            return np.maximum(a, 0, out=a)
        return np.tanh(a, out=a)

    @staticmethod
    def _slope(out, relu):
        # relu's slope is a constant (0 or 1) even for a second order: a plain array
        if relu:
            return (_raw(out) > 0).astype(_raw(out).dtype)
        return 1 - out * out

    @staticmethod
    def vjp(ctx, g):
        x, h, w_ih, w_hh, out = ctx.saved
        d = g * RNNCellStep._slope(out, ctx.params["relu"])
        return tuple(_linear_grads(ctx.needs_grad, d, x, h, w_ih, w_hh))

    @staticmethod
    def jvp(ctx, dx, dh, dw_ih, dw_hh, db_ih, db_hh):
        x, h, w_ih, w_hh, out = ctx.saved
        da = tangent_sum(_proj_tangent(x, w_ih, dx, dw_ih, db_ih),
                         _proj_tangent(h, w_hh, dh, dw_hh, db_hh))
        return _fill(da * RNNCellStep._slope(out, ctx.params["relu"]), _shape(out),
                     _raw(out).dtype)


@register
class LSTMCellStep(Op):
    """One LSTM step from x (N, I), h and c (N, H) with PyTorch's weights (gates i, f,
    g, o): LSTMGates' rows (7, N, H) (h', c', i, f, g, o, tanh(c')) of the
    pre-activations x w_ih^T + b_ih + h w_hh^T + b_hh."""
    args = ("x", "h", "c", "w_ih", "w_hh", "b_ih", "b_hh")
    saves = ("x", "h", "c", "w_ih", "w_hh", "out")

    @staticmethod
    def forward(x, h, c, w_ih, w_hh, b_ih, b_hh):
        pre = _pre(x, h, w_ih, w_hh, b_ih, b_hh, c)
        n = pre.shape[1] // 4
        out = np.empty((7,) + c.shape, pre.dtype)
        # sigmoid(a) = (1 + tanh(a / 2)) / 2: one tanh for the four gates
        pre *= _half(4, (0, 1, 3), pre.dtype, n)
        np.tanh(pre, out=pre)
        for row, k in ((2, 0), (3, 1), (5, 3)):
            np.multiply(pre[:, k * n:(k + 1) * n], 0.5, out=out[row])
            out[row] += 0.5
        out[4] = pre[:, 2 * n:3 * n]
        np.multiply(out[3], c, out=out[1])
        out[1] += out[2] * out[4]
        np.tanh(out[1], out=out[6])
        np.multiply(out[5], out[6], out=out[0])
        return out

    @staticmethod
    def vjp(ctx, gout):
        x, h, c, w_ih, w_hh, out = ctx.saved
        need = ctx.needs_grad
        lin = (need[0], need[1], need[3], need[4], need[5], need[6])
        gpre, dc = _gates_vjp(c, out, gout, any(lin), need[2])
        grads = _linear_grads(lin, gpre, x, h, w_ih, w_hh) if any(lin) else [None] * 6
        return tuple(grads[:2]) + (dc,) + tuple(grads[2:])

    @staticmethod
    def jvp(ctx, dx, dh, dc, dw_ih, dw_hh, db_ih, db_hh):
        x, h, c, w_ih, w_hh, out = ctx.saved
        dpre = tangent_sum(_proj_tangent(x, w_ih, dx, dw_ih, db_ih),
                           _proj_tangent(h, w_hh, dh, dw_hh, db_hh))
        return _gates_jvp(c, out, dpre, dc)


@register
class GRUCellStep(Op):
    """One GRU step from x (N, I) and h (N, H) with PyTorch's weights (gates r, z, n):
    r, z = sigmoid(x W_i{r,z}^T + b_i{r,z} + h W_h{r,z}^T + b_h{r,z}),
    n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h' = n + z (h - n). Returns the rows
    (5, N, H): h', r, z, n and h W_hn^T + b_hn (the rules read them back)."""
    args = ("x", "h", "w_ih", "w_hh", "b_ih", "b_hh")
    saves = ("x", "h", "w_ih", "w_hh", "out")

    @staticmethod
    def forward(x, h, w_ih, w_hh, b_ih, b_hh):
        H = h.shape[-1]
        dtype = np.result_type(x, h, w_ih, w_hh, b_ih, b_hh)
        gi = np.matmul(x, w_ih.T).astype(dtype, copy=False)
        gi += b_ih
        gh = np.matmul(h, w_hh.T).astype(dtype, copy=False)
        gh += b_hh
        out = np.empty((5,) + gh.shape[:1] + (H,), dtype)
        # r, z = (1 + tanh(a / 2)) / 2: one tanh for both, into their rows
        a = out[1:3]
        np.add(gi[:, :H], gh[:, :H], out=a[0])
        np.add(gi[:, H:2 * H], gh[:, H:2 * H], out=a[1])
        a *= 0.5
        np.tanh(a, out=a)
        a *= 0.5
        a += 0.5
        out[4] = gh[:, 2 * H:]
        n = out[3]
        np.multiply(out[1], out[4], out=n)
        n += gi[:, 2 * H:]
        np.tanh(n, out=n)
        np.subtract(h, n, out=out[0])
        out[0] *= out[2]
        out[0] += n
        return out

    # With v the cotangent of h': n gets v (1 - z), z gets v (h - n), h gets v z
    # directly; through tanh n's pre-activation, r (times hn) and hn (times r)
    @staticmethod
    def vjp(ctx, gout):
        x, h, w_ih, w_hh, out = ctx.saved
        H = _shape(out)[-1]
        r, z, n, hn = out[1], out[2], out[3], out[4]
        gh = gout[0]
        an = (gout[3] + gh * (1 - z)) * (1 - n * n)
        ar = (gout[1] + an * hn) * (r * (1 - r))
        az = (gout[2] + gh * (h - n)) * (z * (1 - z))
        ghn = gout[4] + an * r
        sizes = (H, H, H)
        d_ih = call(Concatenate, ar, az, an, axis=1, sizes=sizes)
        d_hh = call(Concatenate, ar, az, ghn, axis=1, sizes=sizes)
        grads = _linear_grads(ctx.needs_grad, d_ih, x, h, w_ih, w_hh, d_hh=d_hh)
        if grads[1] is not None:
            grads[1] = gh * z + grads[1]
        return tuple(grads)

    @staticmethod
    def jvp(ctx, dx, dh, dw_ih, dw_hh, db_ih, db_hh):
        x, h, w_ih, w_hh, out = ctx.saved
        shape = _shape(out)[1:]
        H = shape[-1]
        dtype = _raw(out).dtype
        r, z, n, hn = out[1], out[2], out[3], out[4]
        zero = np.zeros(shape[:-1] + (3 * H,), dtype)
        dgi = tangent_sum(_proj_tangent(x, w_ih, dx, dw_ih, db_ih), zero)
        dgh = tangent_sum(_proj_tangent(h, w_hh, dh, dw_hh, db_hh), zero)
        dr = (dgi[:, :H] + dgh[:, :H]) * (r * (1 - r))
        dz = (dgi[:, H:2 * H] + dgh[:, H:2 * H]) * (z * (1 - z))
        dhn = dgh[:, 2 * H:]
        dn = (dgi[:, 2 * H:] + dr * hn + r * dhn) * (1 - n * n)
        dnew = dn + dz * (h - n) - z * dn
        if dh is not None:
            dnew = dnew + z * dh
        rows = [_fill(v, shape, dtype) for v in (dnew, dr, dz, dn, dhn)]
        return call(Stack, *rows, axis=0)


def _cell_args(fn, gates, x, h, w_ih, w_hh, b_ih, b_hh, c=None):
    """The checked tensor arguments of a step op: x (N, I), h (N, H) (and c (N, H)),
    w_ih (gates H, I), w_hh (gates H, H), the biases (gates H,), None biases as zeros."""
    named = [(x, "x"), (h, "h"), (w_ih, "w_ih"), (w_hh, "w_hh")]
    if c is not None:
        named.append((c, "c"))
    x, h, w_ih, w_hh, *rest = (a if isinstance(a, Tensor) else check_operand(fn, name, a)
                               for a, name in named)
    sx, sh, si, sw = _shape(x), _shape(h), _shape(w_ih), _shape(w_hh)
    H = sh[1] if len(sh) == 2 else 0
    g = f"{gates}H" if gates > 1 else "H"
    if (len(sx) != 2 or len(sh) != 2 or sh[0] != sx[0] or H == 0
            or si != (gates * H, sx[1]) or sw != (gates * H, H)):
        raise ValueError(f"{fn}: expected x (N, I), h (N, H) with H > 0, w_ih ({g}, I) and "
                         f"w_hh ({g}, H), got shapes {sx}, {sh}, {si} and {sw}")
    if rest and _shape(rest[0]) != sh:
        raise ValueError(f"{fn}: c must have h's shape {sh}, got {_shape(rest[0])}")
    dtype = np.result_type(*(_raw(a).dtype for a in (x, h, w_ih, w_hh)))
    biases = []
    for b, name in ((b_ih, "b_ih"), (b_hh, "b_hh")):
        if b is None:
            b = np.zeros(gates * H, dtype)
        elif not isinstance(b, Tensor):
            b = check_operand(fn, name, b)
        if _shape(b) != (gates * H,):
            raise ValueError(f"{fn}: {name} must have shape {(gates * H,)}, got {_shape(b)}")
        biases.append(b)
    return [x, h] + rest + [w_ih, w_hh] + biases


def rnn_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None, *, nonlinearity="tanh"):
    """One Elman RNN step as one recorded op: tanh (or relu) of
    x w_ih^T + b_ih + h w_hh^T + b_hh, what nn.RNNCell computes.

    x is (N, input_size), h (N, H); w_ih (H, input_size), w_hh (H, H), b_ih and b_hh
    (H,) or None are PyTorch's weight_ih, weight_hh and biases. Returns h' (N, H).

    >>> import tapegrad as tg
    >>> rnn_cell = tg.ops.recurrent_cell.rnn_cell
    >>> rnn_cell(tg.ones(1, 2), tg.ones(1, 1), tg.ones(1, 2), -tg.ones(1, 1),
    ...          nonlinearity="relu").tolist()       # relu(1 + 1 - 1)
    [[1.0]]
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"rnn_cell: nonlinearity must be 'tanh' or 'relu', got "
                         f"{nonlinearity!r}")
    args = _cell_args("rnn_cell", 1, x, h, w_ih, w_hh, b_ih, b_hh)
    return apply(RNNCellStep, *args, relu=nonlinearity == "relu")


def lstm_cell(x, h, c, w_ih, w_hh, b_ih=None, b_hh=None):
    """One LSTM step as one recorded op, what nn.LSTMCell computes.

    x is (N, input_size), h and c (N, H); w_ih (4H, input_size), w_hh (4H, H), b_ih and
    b_hh (4H,) or None are PyTorch's weight_ih, weight_hh and biases (gates i, f, g, o).
    Returns the step's values stacked on a new first axis, as lstm_gates does: out[0]
    is h', out[1] is c', then the gates i, f, g, o and tanh(c').

    >>> import tapegrad as tg
    >>> lstm_cell = tg.ops.recurrent_cell.lstm_cell
    >>> out = lstm_cell(tg.ones(1, 2), tg.zeros(1, 1), tg.ones(1, 1), tg.zeros(4, 2),
    ...                 tg.zeros(4, 1))
    >>> out[1].tolist()           # f = 0.5, i * g = 0: c' = c / 2
    [[0.5]]
    """
    args = _cell_args("lstm_cell", 4, x, h, w_ih, w_hh, b_ih, b_hh, c=c)
    return apply(LSTMCellStep, *args)


def gru_cell(x, h, w_ih, w_hh, b_ih=None, b_hh=None):
    """One GRU step as one recorded op, what nn.GRUCell computes.

    x is (N, input_size), h (N, H); w_ih (3H, input_size), w_hh (3H, H), b_ih and b_hh
    (3H,) or None are PyTorch's weight_ih, weight_hh and biases (gates r, z, n).
    Returns (5, N, H): the rows h', r, z, n and h W_hn^T + b_hn, so out[0] is h'.

    >>> import tapegrad as tg
    >>> gru_cell = tg.ops.recurrent_cell.gru_cell
    >>> gru_cell(tg.zeros(1, 2), tg.ones(1, 1), tg.zeros(3, 2), tg.zeros(3, 1))[0].tolist()
    [[0.5]]
    """
    args = _cell_args("gru_cell", 3, x, h, w_ih, w_hh, b_ih, b_hh)
    return apply(GRUCellStep, *args)


__all__ = ["GRUCellStep", "LSTMCellStep", "RNNCellStep", "gru_cell", "lstm_cell", "rnn_cell"]
