"""LSTM ops: the pointwise part of one step (LSTMGates, what nn.LSTMCell runs) and a
whole layer over a sequence in one direction (LSTMSequence, what nn.LSTM runs).

Composed from sigmoid, tanh, slices and products a step is about 15 recorded ops; as one
op it is one node, and a layer call one node for all its steps. The rules below are
written with tapegrad ops, so they record for a second order like any other.
"""
import weakref

import numpy as np

from .._tensor import Tensor
from ..errors import raw_values
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from ._shapes import check_operand
from .activations import Sigmoid
from ._pool import buffer as _buffer
from .elementwise import Tanh, Where
from .linalg import MatMul
from .reduce import Sum
from .shape import Concatenate, Reshape, Stack, Transpose


def _shape(a):
    return np.shape(a._data if isinstance(a, Tensor) else a)


def _dtype(a):
    return (a._data if isinstance(a, Tensor) else a).dtype


def _fill(a, shape, dtype):
    """`a` broadcast to `shape` as a value of its own (a broadcast input made it smaller)."""
    return a if _shape(a) == shape else a + np.zeros(shape, dtype)


@register
class LSTMGates(Op):
    """The LSTM step's values stacked on a new first axis, from xp and hh (..., 4n) and
    c (..., n): rows h', c', i, f, g, o, tanh(c'), where i, f, g, o are sigmoid, sigmoid,
    tanh, sigmoid of the quarters of xp + hh, c' = f c + i g and h' = o tanh(c'). The
    gates ride along in the result so that the rules read them back (as Tanh reads its
    output) instead of computing the exponentials again."""
    args = ("xp", "hh", "c")
    saves = ("c", "out")

    @staticmethod
    def forward(xp, hh, c):
        n = c.shape[-1]
        pre = xp + hh
        s = Sigmoid.forward(pre)            # one call for i, f and o (g's quarter unused)
        shape = np.broadcast_shapes(pre.shape[:-1] + (n,), c.shape)
        out = np.empty((7,) + shape, np.result_type(s, c))
        out[2] = s[..., :n]
        out[3] = s[..., n:2 * n]
        np.tanh(pre[..., 2 * n:3 * n], out=out[4])
        out[5] = s[..., 3 * n:]
        np.multiply(out[3], c, out=out[1])
        out[1] += out[2] * out[4]
        np.tanh(out[1], out=out[6])
        np.multiply(out[5], out[6], out=out[0])
        return out

    @staticmethod
    def vjp(ctx, gout):
        c, out = ctx.saved
        need = ctx.needs_grad
        gpre, dc = _gates_vjp(c, out, gout, need[0] or need[1], need[2])
        return (gpre if need[0] else None, gpre if need[1] else None, dc)

    @staticmethod
    def jvp(ctx, dxp, dhh, dc):
        c, out = ctx.saved
        return _gates_jvp(c, out, tangent_sum(dxp, dhh), dc)


# The rules of the step's pointwise part, shared with LSTMCellStep (ops/recurrent_cell.py).
# With G_k the cotangent of row k: d tanh(c') gets G6 + G0 o, c' gets G1 + that times
# (1 - tanh(c')^2), and each gate its own row's G plus its share of c' (or of h' for
# o), times its derivative: s (1 - s) for the sigmoids, 1 - g^2 for g
def _gates_vjp(c, out, gout, need_pre, need_c):
    """(the cotangent of the pre-activations (..., 4n) or None, c's or None)."""
    i, f, g, o, tc = out[2], out[3], out[4], out[5], out[6]
    g0 = gout[0]
    dc = gout[1] + (gout[6] + g0 * o) * (1 - tc * tc)
    gpre = None
    if need_pre:
        parts = ((gout[2] + dc * g) * (i * (1 - i)), (gout[3] + dc * c) * (f * (1 - f)),
                 (gout[4] + dc * i) * (1 - g * g), (gout[5] + g0 * tc) * (o * (1 - o)))
        # a broadcast c leaves the quarters of different shapes: join equal ones
        shape = _shape(out)[1:]
        parts = [_fill(q, shape, _dtype(out)) for q in parts]
        gpre = call(Concatenate, *parts, axis=len(shape) - 1, sizes=(shape[-1],) * 4)
    return gpre, dc * f if need_c else None


def _gates_jvp(c, out, dpre, dc):
    """The tangent of the rows (7, ...) from the pre-activations' (or None) and c's."""
    i, f, g, o, tc = out[2], out[3], out[4], out[5], out[6]
    shape = _shape(out)[1:]
    n = shape[-1]
    dtype = _dtype(out)
    dcn = None if dc is None else f * dc
    if dpre is None:
        di = df = dg = do = None
        dh_o = 0
    else:
        di = dpre[..., :n] * (i * (1 - i))
        df = dpre[..., n:2 * n] * (f * (1 - f))
        dg = dpre[..., 2 * n:3 * n] * (1 - g * g)
        do = dpre[..., 3 * n:] * (o * (1 - o))
        dcn = tangent_sum(dcn, df * c + di * g + i * dg)
        dh_o = do * tc
    dtc = (1 - tc * tc) * dcn
    rows = [dh_o + o * dtc, dcn, di, df, dg, do, dtc]
    rows = [_fill(r, shape, dtype) if r is not None else np.zeros(shape, dtype)
            for r in rows]
    return call(Stack, *rows, axis=0)


def lstm_gates(xp, hh, c):
    """The pointwise part of an LSTM step: xp and hh the input's and the hidden state's
    contributions to the gate pre-activations (..., 4 * hidden, gates i, f, g, o as in
    PyTorch), c the cell state (..., hidden). Returns the step's values stacked on a new
    first axis: out[0] is h', out[1] is c', then the gates i, f, g, o and tanh(c').

    >>> import tapegrad as tg
    >>> out = tg.ops.recurrent.lstm_gates(tg.zeros(2, 8), tg.zeros(2, 8), tg.ones(2, 2))
    >>> out[1].tolist()     # f = 0.5, i * g = 0: c' = c / 2
    [[0.5, 0.5], [0.5, 0.5]]
    """
    xp, hh, c = (a if isinstance(a, Tensor) else check_operand("lstm_gates", name, a)
                 for a, name in ((xp, "xp"), (hh, "hh"), (c, "c")))
    shapes = [_shape(a) for a in (xp, hh, c)]
    n = shapes[2][-1] if shapes[2] else None
    if n is None or any(not s or s[-1] != 4 * n for s in shapes[:2]):
        raise ValueError(f"lstm_gates: xp and hh must end in 4 * hidden and c in hidden "
                         f"(gates i, f, g, o), got shapes {shapes[0]}, {shapes[1]} and "
                         f"{shapes[2]}")
    return apply(LSTMGates, xp, hh, c)


# ------------------------------------------------------------------ a whole LSTM layer

def _mm(a, b):
    return call(MatMul, a, b)


def _tr(a):
    return call(Transpose, a, axes=(1, 0))


def _flat(a):
    """(T, N, k) -> (T * N, k)."""
    s = _shape(a)
    return call(Reshape, a, shape=(s[0] * s[1], s[2]))


def _prev(states, first, t, reverse):
    """The state a step at time t starts from: the one of the step before it in the
    direction of travel, or the initial state for the first step."""
    k = t + 1 if reverse else t - 1
    return first if k < 0 or k >= _shape(states)[0] else states[k]


def _sigmoid_into(a, out):
    # 1 / (1 + exp(-a)) in place; exp overflows to inf for a < -88 (float32), giving
    # the exact 0 (the caller silences the warning)
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


# Inside LSTMSequence the gates run in the order o, i, f, g rather than PyTorch's
# i, f, g, o: the three sigmoids are then one contiguous block in the forward, and the
# three gates scaled by c's cotangent one block in the backward. _PERM[k] is the PyTorch
# block of internal gate k, _UNPERM the way back.
_PERM = (3, 0, 1, 2)
_UNPERM = (1, 2, 3, 0)


def _blocks(w, order):
    """The four gate blocks of w (4H, ...) in `order`, as one (4H, ...) array or tensor."""
    n = _shape(w)[0] // 4
    if isinstance(w, Tensor):
        return call(Concatenate, *(w[k * n:(k + 1) * n] for k in order), axis=0,
                    sizes=(n,) * 4)
    return w.reshape((4, n) + w.shape[1:])[list(order)].reshape(w.shape)


def _carried(lengths, T):
    """The (T, N) mask of the steps past each sequence's length, or None."""
    if lengths is None:
        return None
    return np.arange(T)[:, None] >= np.asarray(lengths)[None, :]


def _plain(*vals):
    return not any(isinstance(v, Tensor) for v in vals)


def _matmul(a, b, out):
    return _mm(a, b) if out is None else np.matmul(a, b, out=out)


def _op(a, b, out, ufunc, tensor_op):
    """ufunc(a, b) into `out` for plain arrays; recorded with operators for tensors
    (out is None then): each step of a rule below is written once for both."""
    return tensor_op(a, b) if out is None else ufunc(a, b, out=out)


def _mul(a, b, out):
    return _op(a, b, out, np.multiply, lambda u, v: u * v)


def _add(a, b, out):
    return _op(a, b, out, np.add, lambda u, v: u + v)


def _dsig(s, out):
    """s (1 - s), the sigmoid's slope from its value."""
    return _op(s, _mul(s, s, out), out, np.subtract, lambda u, v: u - v)


def _dtanh(t, out):
    """1 - t^2, tanh's slope from its value."""
    v = _mul(t, t, out)
    return 1 - v if out is None else np.subtract(1, v, out=out)


@register
class LSTMSequence(Op):
    """One LSTM layer in one direction over a sequence x (T, N, I), from h0 and c0
    (N, H), with PyTorch's weights w_ih (4H, I), w_hh (4H, H) and bias b (4H,), the sum
    of b_ih and b_hh (gates i, f, g, o). Returns (2, T, N, H): h_t and c_t of every
    step. With reverse=True the steps run from T-1 down to 0. With lengths (one int per
    sequence), the steps past a sequence's length keep its state.

    The forward projects all steps' inputs in one matmul straight into a workspace
    (6, T, N, H) of h, c and the gates o, i, f, g, runs the recurrence there in place,
    and returns the workspace's first two rows: a view, through which the backward reads
    the gates back (no exponential twice, and no cotangent for them). Where the view has
    lost its workspace (a saved-tensor hook copied it), and for the recorded rules of a
    higher order, the gates are recomputed from h in one matmul. The backward (BPTT)
    gives the weights' gradients as one matmul over all steps."""
    args: tuple[str, ...] = ("x", "w_ih", "w_hh", "b", "h0", "c0")
    saves: tuple[str, ...] = ("x", "w_ih", "w_hh", "b", "h0", "c0", "out")

    @staticmethod
    def forward(x, w_ih, w_hh, b, h0, c0, *, reverse, lengths=None):
        return _lstm_forward(x, w_ih, w_hh, b, h0, c0, None, reverse, lengths)

    @staticmethod
    def vjp(ctx, gout):
        return _lstm_vjp(ctx, gout)

    @staticmethod
    def jvp(ctx, *tangents):
        return _lstm_jvp(ctx, *tangents)


@register
class LSTMProjSequence(LSTMSequence):
    """LSTMSequence with PyTorch's projection (proj_size P): h_t = (o tanh(c_t)) w_hr^T
    with w_hr (P, H), w_hh (4H, P) and h0 (N, P). Row 0 of the result holds h_t in its
    first P columns (zeros after)."""
    args = LSTMSequence.args + ("w_hr",)
    saves = LSTMSequence.saves + ("w_hr",)

    @staticmethod
    def forward(x, w_ih, w_hh, b, h0, c0, w_hr, *, reverse, lengths=None):
        return _lstm_forward(x, w_ih, w_hh, b, h0, c0, w_hr, reverse, lengths)


# The forward computes sigmoid(a) as (1 + tanh(a / 2)) / 2, so that one tanh covers all
# four gates of a step: the sigmoid gates' rows of the weights and bias come halved
# (exact: a power of two). The rules recompute gates with Sigmoid itself.
_HALF = np.array([0.5, 0.5, 0.5, 1.0]).reshape(4, 1, 1)


def _lstm_forward(x, w_ih, w_hh, b, h0, c0, w_hr, reverse, lengths):
    T, N, I = x.shape
    H, P = c0.shape[1], h0.shape[1]
    arrays = (x, w_ih, w_hh, b, h0, c0) + (() if w_hr is None else (w_hr,))
    dtype = np.result_type(*arrays)
    x, w_ih, w_hh, b, h0, c0 = (a.astype(dtype, copy=False) for a in arrays[:6])
    half = _HALF.astype(dtype)
    ws = _buffer((6, T, N, H), dtype)      # reused between calls: no page faults
    owner = ws if ws.base is None else ws.base
    _WORKSPACES[id(owner)] = owner
    gates = ws[2:]                                  # o, i, f, g: (4, T, N, H)
    # the input's part of every step, one product written into the gate rows
    w4 = _blocks(w_ih, _PERM).reshape(4, H, I).transpose(0, 2, 1) * half
    np.matmul(x.reshape(T * N, I), w4, out=gates.reshape(4, T * N, H))
    gates += (_blocks(b, _PERM).reshape(4, H) * half[:, 0]).reshape(4, 1, 1, H)
    carried = _carried(lengths, T)
    carries = [False] * T
    if carried is not None:
        # a carried step's gates: o = i = 0 (tanh(-inf) = -1), f = g = 1, so that
        # c_t = c_{t-1} exactly and every gate's slope is 0
        inf = np.array([-np.inf, -np.inf, np.inf, np.inf], dtype).reshape(4, 1, 1, 1)
        np.copyto(gates, inf, where=carried[None, :, :, None])
        carries = carried.any(axis=1).tolist()
    w4 = np.ascontiguousarray(_blocks(w_hh, _PERM).reshape(4, H, P).transpose(0, 2, 1)
                              * half)
    hh = np.empty((4, N, H), dtype)
    tmp = np.empty((N, H), dtype)
    if w_hr is not None:
        w_hr_t = np.ascontiguousarray(w_hr.T, dtype)
        ws[0, :, :, P:] = 0
        hbuf = np.empty((N, P), dtype)
    h, c = h0, c0
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        a = gates[:, t]
        np.matmul(h, w4, out=hh)
        a += hh
        np.tanh(a, out=a)
        s = a[:3]                                   # o, i, f
        s *= 0.5
        s += 0.5
        ct = ws[1, t]
        np.multiply(a[2], c, out=ct)
        np.multiply(a[1], a[3], out=tmp)
        ct += tmp
        np.tanh(ct, out=tmp)
        ht = ws[0, t]
        if w_hr is None:
            np.multiply(tmp, a[0], out=ht)
        else:
            tmp *= a[0]
            ht = ht[:, :P]
            np.matmul(tmp, w_hr_t, out=hbuf)
            np.copyto(ht, hbuf)
        if carries[t]:
            np.copyto(ht, h, where=carried[t][:, None])
        h, c = ht, ct
    return ws[:2]


# The arrays that own a forward's workspace, by id (weakly: an entry goes with its array),
# so that only a view of one of them is read as a workspace
_WORKSPACES: weakref.WeakValueDictionary = weakref.WeakValueDictionary()


def _workspace_gates(out):
    """The gates o, i, f, g (4, T, N, H) in the workspace behind the forward's result
    `out` (an array), or None when `out` is no longer that view."""
    base = out.base
    nbytes = 3 * out.nbytes
    if (base is None or _WORKSPACES.get(id(base)) is not base or out.ndim != 4
            or base.nbytes < nbytes or not out.flags.c_contiguous
            or base.__array_interface__["data"][0] != out.__array_interface__["data"][0]):
        return None
    # the buffer the forward took its workspace from (conv's pool hands out views of
    # uint8 buffers; np.empty's own array otherwise)
    ws = base.reshape(-1).view(np.uint8)[:nbytes].view(out.dtype)
    return ws.reshape((6,) + out.shape[1:])[2:]


def _recomputed_gates(x, w_ih, w_hh, b, h0, hs, reverse, lengths):
    """The gates o, i, f, g (4, T, N, H) from the inputs and the saved h, all steps in one
    product: recorded when given tensors."""
    T, N, _ = _shape(x)
    H = _shape(w_ih)[0] // 4
    P = _shape(h0)[1]
    h0 = call(Reshape, h0, shape=(1, N, P))
    before = (call(Concatenate, hs[1:], h0, axis=0, sizes=(T - 1, 1)) if reverse
              else call(Concatenate, h0, hs[:-1], axis=0, sizes=(1, T - 1)))
    pre = (_mm(_flat(x), _tr(_blocks(w_ih, _PERM))) +
           _mm(_flat(before), _tr(_blocks(w_hh, _PERM))) + _blocks(b, _PERM))
    pre = call(Transpose, call(Reshape, pre, shape=(T, N, 4, H)), axes=(2, 0, 1, 3))
    carried = _carried(lengths, T)
    if carried is not None:
        inf = np.array([-np.inf, -np.inf, np.inf, np.inf], _dtype(pre)).reshape(4, 1, 1, 1)
        pre = call(Where, carried[None, :, :, None], inf, pre)
    return call(Concatenate, call(Sigmoid, pre[:3]), call(Tanh, pre[3:]), axis=0,
                sizes=(3, 1))


def _gates(saved, reverse, lengths):
    """The gates for the rules: the workspace's, else recomputed; for recorded rules the
    workspace's values with the recomputed gates' derivative (v + (r - r.detach()) is v
    bit for bit, and differentiates as r)."""
    x, w_ih, w_hh, b, h0, _, out = saved[:7]
    hs = out[0] if len(saved) == 7 else out[0, :, :, :_shape(h0)[1]]
    raw = out._data if isinstance(out, Tensor) else out
    kept = _workspace_gates(raw)
    if kept is not None and _plain(*saved):
        return kept
    r = _recomputed_gates(x, w_ih, w_hh, b, h0, hs, reverse, lengths)
    if kept is None or not isinstance(r, Tensor):
        return r
    return kept + (r - r.detach())


# The backward runs in chunks of steps, so that its buffers (the gate cotangents of a
# chunk, four times the chunk's states) stay small next to the workspace; the weights'
# gradients are a few products each, one per chunk, summed. The chunks depend on the
# shapes only: the recorded rules run the same chunks and so give the same bits.
_CHUNK = 1 << 15                    # elements of a chunk's (steps, N, H) block


def _chunks(T, NH, reverse):
    """(t0, t1) step ranges in the order backward visits them."""
    n = -(-T * NH // _CHUNK)
    k = -(-T // max(n, 1))
    spans = [(t0, min(t0 + k, T)) for t0 in range(0, T, k)]
    return spans if reverse else spans[::-1]


def _before(states, first, t0, t1, reverse, T):
    """The states steps t0..t1-1 started from: (the first state's row or None, the rest
    as one slice of `states`), in time order."""
    if reverse:
        if t1 == T:
            return None, states[t0 + 1:t1], first       # first ends the chunk
        return None, states[t0 + 1:t1 + 1], None
    if t0 == 0:
        return first, states[0:t1 - 1], None
    return None, states[t0 - 1:t1 - 1], None


def _times_before(d, c, c0, t0, t1, reverse, T, out):
    """d (steps t0..t1-1) times the cell state each step started from."""
    head, mid, tail = _before(c, c0, t0, t1, reverse, T)
    if out is None:
        N, H = _shape(c0)
        parts = [p for p in (head, mid, tail) if p is not None]
        parts = [call(Reshape, p, shape=(1, N, H)) if len(_shape(p)) == 2 else p
                 for p in parts]
        before = parts[0] if len(parts) == 1 else call(
            Concatenate, *parts, axis=0, sizes=tuple(_shape(p)[0] for p in parts))
        return d * before
    k = 1 if head is not None else 0
    if head is not None:
        np.multiply(d[0], head, out=out[0])
    if tail is not None:
        np.multiply(d[-1], tail, out=out[-1])
    n = t1 - t0 - k - (1 if tail is not None else 0)
    if n:
        np.multiply(d[k:k + n], mid, out=out[k:k + n])
    return out


def _grad_before(dT, states, first, t0, t1, reverse, T):
    """sum over steps t0..t1-1 of d_t^T s_{t-1}: the gate cotangents dT (4, H, steps * N)
    against the states the steps started from, (4, H, S); no shifted copy."""
    N, S = _shape(first)
    head, mid, tail = _before(states, first, t0, t1, reverse, T)
    g = None
    k = 0
    if head is not None:
        g = _mm(dT[:, :, :N], head)
        k = N
    m = _shape(mid)[0]
    if m:
        part = _mm(dT[:, :, k:k + m * N], call(Reshape, mid, shape=(m * N, S)))
        g = part if g is None else g + part
    if tail is not None:
        part = _mm(dT[:, :, -N:], tail)
        g = part if g is None else g + part
    return g


def _lstm_vjp(ctx, gout):
    saved = ctx.saved
    x, w_ih, w_hh, _, h0, c0, out = saved[:7]
    w_hr = saved[7] if len(saved) > 7 else None
    reverse, lengths = ctx.params["reverse"], ctx.params.get("lengths")
    _, T, N, H = _shape(out)
    I = _shape(x)[2]
    P = _shape(h0)[1]
    plain = _plain(gout, *saved)
    dtype = _dtype(out)
    new = (lambda *s: np.empty(s, dtype)) if plain else (lambda *s: None)
    hs, cs = out[0], out[1]
    if w_hr is not None:
        hs = hs[:, :, :P]
    gates = _gates(saved, reverse, lengths)
    need = ctx.needs_grad
    wp = _blocks(w_hh, _PERM)                                   # (4H, P), rows o, i, f, g
    wi = call(Reshape, _blocks(w_ih, _PERM), shape=(4, H, I))
    carried = _carried(lengths, T)
    spans = _chunks(T, N * H, reverse)
    K = max(t1 - t0 for t0, t1 in spans)
    gh_buf, gr_buf, gc_buf, dc_buf, dh_buf = (new(N, P), new(N, H), new(N, H), new(N, H),
                                              new(N, P))
    gt = new(N, 4, H)
    if plain:
        Dbuf, tcbuf = _buffer((4, K, N, H), dtype), _buffer((K, N, H), dtype)
        Rbuf = None if w_hr is None else np.empty((K, N, H), dtype)
        GHbuf = None if w_hr is None else np.empty((K, N, P), dtype)
        dx = np.empty(_shape(x), dtype) if need[0] else None
    dxs = []
    dw_ih = dw_hh = db = dw_hr = None
    dh = dc = None
    for t0, t1 in spans:
        n = t1 - t0
        o, i, f, g = (gates[k, t0:t1] for k in range(4))
        c = cs[t0:t1]
        # Each step's gate cotangents are its cotangents of h (gh) and c (gc) times
        # slopes that the forward's values fix: computed for the chunk's steps at once,
        # into the buffer that then holds the gate cotangents (4, steps, N, H)
        tc = np.tanh(c, out=tcbuf[:n]) if plain else call(Tanh, c)
        D = Dbuf[:, :n] if plain else [None] * 4
        D0 = _mul(_dsig(o, D[0]), tc, D[0])                     # o: times gh
        D1 = _mul(_dsig(i, D[1]), g, D[1])                      # i, f, g: times gc
        D2 = _times_before(_dsig(f, D[2]), cs, c0, t0, t1, reverse, T, D[2])
        D3 = _mul(_dtanh(g, D[3]), i, D[3])
        R = None if w_hr is None else _mul(o, tc, Rbuf[:n] if plain else None)
        into = tc if plain else None                            # tc is done with after
        A = _mul(_dtanh(tc, into), o, into)                     # dc_t / dh_t
        GH = None if w_hr is None else (GHbuf[:n] if plain else [None] * n)
        rows = [None] * n
        for t in (range(t0, t1) if reverse else range(t1 - 1, t0 - 1, -1)):
            s = t - t0
            gh = gout[0, t]
            if w_hr is not None:
                gh = gh[:, :P]
                if plain:
                    gh_buf = GH[s]
                    if dh is None:
                        gh_buf[...] = gh
                        gh = gh_buf
            if dh is not None:
                gh = _add(gh, dh, gh_buf)
            if GH is not None and not plain:
                GH[s] = gh
            gr = gh if w_hr is None else _matmul(gh, w_hr, gr_buf)
            gc = _add(_mul(gr, A[s], gc_buf), gout[1, t], gc_buf)
            if dc is not None:
                gc = _add(gc, dc, gc_buf)
            if plain:
                D[0, s] *= gr
                D[1:, s] *= gc
                np.copyto(gt, D[:, s].transpose(1, 0, 2))
                dg = gt.reshape(N, 4 * H)
            else:
                rows[s] = call(Stack, D0[s] * gr, D1[s] * gc, D2[s] * gc, D3[s] * gc,
                               axis=0)
                dg = call(Reshape, call(Transpose, rows[s], axes=(1, 0, 2)),
                          shape=(N, 4 * H))
            dc = _mul(gc, f[s], dc_buf)
            dh = _matmul(dg, wp, dh_buf)
            if carried is not None:
                # a carried step hands h's cotangent straight to the step before
                if plain:
                    np.add(dh, gh, out=dh, where=carried[t][:, None])
                else:
                    dh = dh + gh * carried[t][:, None].astype(dtype)
        # the chunk's gate cotangents (4, steps * N, H), gate by gate against x and h
        d = call(Reshape, D if plain else call(Stack, *rows, axis=1), shape=(4, n * N, H))
        dT = call(Transpose, d, axes=(0, 2, 1))
        if need[0]:
            part = call(Sum, _mm(d, wi), axis=(0,), keepdims=False)
            if plain:
                dx[t0:t1] = part.reshape(n, N, I)
            else:
                dxs.append(call(Reshape, part, shape=(n, N, I)))
        if need[1]:
            dw_ih = tangent_sum(dw_ih, _mm(dT, _flat(x[t0:t1])))
        if need[2]:
            dw_hh = tangent_sum(dw_hh, _grad_before(dT, hs, h0, t0, t1, reverse, T))
        if need[3]:
            db = tangent_sum(db, call(Sum, d, axis=(1,), keepdims=False))
        if w_hr is not None and need[6]:
            GHs = GH if plain else call(Stack, *GH, axis=0)
            dw_hr = tangent_sum(dw_hr, _mm(_tr(_flat(GHs)), _flat(R)))
    grads = [None] * len(need)
    if need[0]:
        if not plain:
            # the chunks in time order
            dxs = dxs if reverse else dxs[::-1]
            dx = dxs[0] if len(dxs) == 1 else call(
                Concatenate, *dxs, axis=0, sizes=tuple(_shape(p)[0] for p in dxs))
        grads[0] = dx
    grads[1] = None if dw_ih is None else _unblock(dw_ih)
    grads[2] = None if dw_hh is None else _unblock(dw_hh)
    grads[3] = None if db is None else _unblock(db)
    grads[4] = dh if need[4] else None
    grads[5] = dc if need[5] else None
    if w_hr is not None:
        grads[6] = dw_hr
    return tuple(grads)


def _unblock(a):
    """(4, H, ...) gate blocks in the order o, i, f, g -> (4H, ...) in PyTorch's."""
    s = _shape(a)
    return _blocks(call(Reshape, a, shape=(4 * s[1],) + s[2:]), _UNPERM)


def _lstm_jvp(ctx, dx, dw_ih, dw_hh, db, dh0, dc0, dw_hr=None):
    """The tangent runs forward through time the way the values did: each step's
    pre-activation tangent (the input's part for all steps at once) through the gates
    into c_t and h_t; a carried step carries the tangents of h and c."""
    saved = ctx.saved
    x, w_ih, w_hh, _, h0, c0, out = saved[:7]
    w_hr = saved[7] if len(saved) > 7 else None
    reverse, lengths = ctx.params["reverse"], ctx.params.get("lengths")
    _, T, N, H = _shape(out)
    P = _shape(h0)[1]
    dtype = _dtype(out)
    hs, cs = out[0], out[1]
    if w_hr is not None:
        hs = hs[:, :, :P]
    go, gi, gf, gg = _gates(saved, reverse, lengths)
    dxp = None
    if dx is not None:
        dxp = _mm(_flat(dx), _tr(w_ih))
    if dw_ih is not None:
        dxp = tangent_sum(dxp, _mm(_flat(x), _tr(dw_ih)))
    dxp = tangent_sum(dxp, db)
    if dxp is None:
        dxp = np.zeros((T * N, 4 * H), dtype)
    elif _shape(dxp) != (T * N, 4 * H):
        dxp = _fill(dxp, (T * N, 4 * H), dtype)
    dxp = call(Reshape, dxp, shape=(T, N, 4 * H))
    carried = _carried(lengths, T)
    dh = np.zeros((N, P), dtype) if dh0 is None else dh0
    dc = np.zeros((N, H), dtype) if dc0 is None else dc0
    pad = None if w_hr is None else np.zeros((N, H - P), dtype)
    rows = [None] * T
    for t in (range(T - 1, -1, -1) if reverse else range(T)):
        o, i, f, g = go[t], gi[t], gf[t], gg[t]
        dp = dxp[t] + _mm(dh, _tr(w_hh))
        if dw_hh is not None:
            dp = dp + _mm(_prev(hs, h0, t, reverse), _tr(dw_hh))
        # PyTorch's column blocks i, f, g, o
        di = dp[:, :H] * _dsig(i, None)
        df = dp[:, H:2 * H] * _dsig(f, None)
        dg = dp[:, 2 * H:3 * H] * _dtanh(g, None)
        do = dp[:, 3 * H:] * _dsig(o, None)
        dc = f * dc + df * _prev(cs, c0, t, reverse) + di * g + i * dg
        tc = call(Tanh, cs[t])
        dr = do * tc + o * (_dtanh(tc, None) * dc)
        if w_hr is None:
            dh_new = dr
        else:
            dh_new = _mm(dr, _tr(w_hr))
            if dw_hr is not None:
                dh_new = dh_new + _mm(o * tc, _tr(dw_hr))
        if carried is not None:
            # zero gate slopes leave dc carried already; h's tangent is carried here
            dh_new = dh_new + dh * carried[t][:, None].astype(dtype)
        dh = dh_new
        hrow = dh if pad is None else call(Concatenate, dh, pad, axis=1, sizes=(P, H - P))
        rows[t] = call(Stack, hrow, dc, axis=0)
    return call(Stack, *rows, axis=1)


def lstm_sequence(x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None, c0=None, *, reverse=False,
                  w_hr=None, lengths=None):
    """One LSTM layer in one direction over a whole sequence, as one recorded op.

    x is (T, N, input_size); w_ih (4H, input_size) and w_hh (4H, H) are PyTorch's
    weight_ih_l0 and weight_hh_l0 (gates i, f, g, o), b_ih and b_hh their biases (4H,)
    or None; h0 and c0 (N, H) the initial states, None for zeros. With reverse=True the
    steps run from the last to the first (the backward direction of a bidirectional
    layer). w_hr (P, H) is weight_hr_l0 of an LSTM with proj_size P (then w_hh is
    (4H, P) and h0 (N, P)). lengths (one int per sequence, 1 to T) gives the sequences'
    own lengths, as a PackedSequence does: past its length a sequence keeps its state.

    Returns (2, T, N, H): h_t and c_t of every step, so out[0] is the layer's output
    (its first P columns with a projection) and out[0, -1], out[1, -1] are h_n and c_n
    (out[0, 0], out[1, 0] with reverse=True; with lengths, the last step is each
    sequence's own).

    >>> import tapegrad as tg
    >>> out = tg.ops.recurrent.lstm_sequence(tg.zeros(5, 2, 3), tg.zeros(8, 3),
    ...                                      tg.zeros(8, 2), c0=tg.ones(2, 2))
    >>> out.shape, out[1, -1].tolist()    # f = 0.5 each step: c_5 = 1 / 32
    ((2, 5, 2, 2), [[0.03125, 0.03125], [0.03125, 0.03125]])
    """
    fn = "lstm_sequence"
    proj = None
    if w_hr is not None:
        w_hr = w_hr if isinstance(w_hr, Tensor) else check_operand(fn, "w_hr", w_hr)
        proj = _shape(w_hr)
        if len(proj) != 2 or not 0 < proj[0] < proj[1]:
            raise ValueError(f"{fn}: w_hr must be (P, H) with 0 < P < H, got shape {proj}")
    args = _sequence_args(fn, 4, x, w_ih, w_hh, b_ih, b_hh, (h0, c0), reverse, proj)
    # one bias: the op reads b_ih + b_hh only (each gets the sum's gradient)
    args[3:5] = [args[3] + args[4] if b_ih is not None and b_hh is not None else
                 args[3] if b_hh is None else args[4]]
    T, N = _shape(args[0])[:2]
    if lengths is not None:
        lengths = _check_lengths(fn, lengths, T, N)
    if w_hr is None:
        return apply(LSTMSequence, *args, reverse=bool(reverse), lengths=lengths)
    return apply(LSTMProjSequence, *args, w_hr, reverse=bool(reverse), lengths=lengths)


def _check_lengths(fn, lengths, T, N):
    """lengths as a tuple of N ints in 1..T (a parameter, so hashable)."""
    arr = np.asarray(raw_values(lengths._data, fn) if isinstance(lengths, Tensor) else
                     lengths)
    if arr.shape != (N,) or arr.dtype.kind not in "iu" or \
            (N and (arr.min() < 1 or arr.max() > T)):
        raise ValueError(f"{fn}: lengths must be {N} ints from 1 to {T} (one per "
                         f"sequence), got {lengths!r}")
    return tuple(int(v) for v in arr)


def _sequence_args(fn, gates, x, w_ih, w_hh, b_ih, b_hh, states, reverse, proj=None):
    """The checked tensor arguments of a whole-sequence op (lstm_sequence and those of
    ops/recurrent_seq.py): x (T, N, I), w_ih (gates H, I), w_hh (gates H, H), the two
    biases (gates H,) and the initial `states` (N, H), a None bias or state as zeros.
    With proj = (P, H) (an LSTM's projection) w_hh is (gates H, P) and the first state
    (N, P)."""
    x, w_ih, w_hh = (a if isinstance(a, Tensor) else check_operand(fn, name, a)
                     for a, name in ((x, "x"), (w_ih, "w_ih"), (w_hh, "w_hh")))
    sx, si, sh = _shape(x), _shape(w_ih), _shape(w_hh)
    H = proj[1] if proj else (sh[1] if len(sh) == 2 else 0)
    P = proj[0] if proj else H
    g = f"{gates}H" if gates > 1 else "H"
    if len(sx) != 3 or sh != (gates * H, P) or H == 0 or si != (sh[0], sx[2]):
        want = f"({g}, P) for w_hr (P, H)" if proj else f"({g}, H) with H > 0"
        raise ValueError(f"{fn}: expected x (T, N, I), w_ih ({g}, I) and w_hh {want}, "
                         f"got shapes {sx}, {si} and {sh}")
    if sx[0] == 0:
        raise ValueError(f"{fn}: the sequence is empty (x has shape {sx})")
    if not isinstance(reverse, (bool, np.bool_)):
        raise TypeError(f"{fn}: reverse must be a bool, got {type(reverse).__name__}")
    N = sx[1]
    dtype = np.result_type(_dtype(x), _dtype(w_ih), _dtype(w_hh))
    args = [x, w_ih, w_hh]
    names = ("h0", "c0")
    for a, name, shape in ((b_ih, "b_ih", (gates * H,)), (b_hh, "b_hh", (gates * H,)),
                           *((s, names[k], (N, P if k == 0 else H))
                             for k, s in enumerate(states))):
        if a is None:
            a = np.zeros(shape, dtype)
        elif not isinstance(a, Tensor):
            a = check_operand(fn, name, a)
        if _shape(a) != shape:
            raise ValueError(f"{fn}: {name} must have shape {shape}, got {_shape(a)}")
        args.append(a)
    return args


__all__ = ["LSTMGates", "LSTMProjSequence", "LSTMSequence", "lstm_gates", "lstm_sequence"]
