"""Whole-sequence ops of the Elman RNN and the GRU (what nn.RNN and nn.GRU run per layer
and direction), in the form of ops/recurrent.py's LSTMSequence: the inputs of all steps
projected in one matmul, the recurrence in NumPy in place, back through time with
tapegrad ops so the rules record for a second order, and the weights' gradients as one
matmul over all steps.
"""
import numpy as np

from .._tensor import Tensor
from ._apply import apply, call
from ._op import Op, register, tangent_sum
from ._pool import buffer as _buffer
from .recurrent import (_add, _carried, _check_lengths, _dsig, _dtanh, _fill, _flat, _matmul,
                        _mm, _mul, _plain, _prev, _sequence_args, _shape, _sigmoid_into, _tr)
from .reduce import Sum
from .shape import Concatenate, Reshape, Stack


def _raw(a):
    return a._data if isinstance(a, Tensor) else a


def _input_tangent(x, w_ih, dx, dw_ih, db_ih, db_hh, shape, dtype):
    """The tangent of the input projection x w_ih^T + b_ih (+ b_hh), (T, N, k)."""
    t = None
    if dx is not None:
        t = _mm(_flat(dx), _tr(w_ih))
    if dw_ih is not None:
        t = tangent_sum(t, _mm(_flat(x), _tr(dw_ih)))
    t = tangent_sum(t, db_ih, db_hh)
    flat = (shape[0] * shape[1], shape[2])
    if t is None:
        t = np.zeros(flat, dtype)
    elif _shape(t) != flat:
        t = _fill(t, flat, dtype)
    return call(Reshape, t, shape=shape)


def _before(states, first, reverse):
    """The states each step starts from, (T, N, H): the initial one and all but the
    last step's, in time order."""
    T, N, H = _shape(states)
    first = call(Reshape, first, shape=(1, N, H))
    if reverse:
        return call(Concatenate, states[1:], first, axis=0, sizes=(T - 1, 1))
    return call(Concatenate, first, states[:-1], axis=0, sizes=(1, T - 1))


@register
class RNNSequence(Op):
    """One Elman RNN layer in one direction over x (T, N, I) from h0 (N, H):
    h_t = tanh(x_t w_ih^T + b_ih + h_{t-1} w_hh^T + b_hh) (relu with relu=True).
    Returns all h_t, (T, N, H); reverse=True runs from T-1 down to 0. With lengths (one
    int per sequence) a step past a sequence's length keeps its state."""
    args = ("x", "w_ih", "w_hh", "b_ih", "b_hh", "h0")
    saves = ("x", "w_ih", "w_hh", "h0", "out")

    @staticmethod
    def forward(x, w_ih, w_hh, b_ih, b_hh, h0, *, reverse, relu, lengths=None):
        T, N, I = x.shape
        H = w_hh.shape[1]
        dtype = np.result_type(x, w_ih, w_hh, b_ih, b_hh, h0)
        out = _buffer((T, N, H), dtype)     # reused between calls: no page faults
        np.matmul(x.reshape(T * N, I).astype(dtype, copy=False), w_ih.T.astype(dtype, copy=False),
                  out=out.reshape(T * N, H))
        out += (b_ih + b_hh).astype(dtype, copy=False)
        w_t = np.ascontiguousarray(w_hh.T, dtype)
        hh = np.empty((N, H), dtype)
        carried = _carried(lengths, T)
        h = h0
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            np.matmul(h, w_t, out=hh)
            prev, h = h, out[t]
            h += hh
            if relu:
                np.maximum(h, 0, out=h)
            else:
                np.tanh(h, out=h)
            if carried is not None:
                np.copyto(h, prev, where=carried[t][:, None])
        return out

    @staticmethod
    def _slope(out, relu, carried, buf=None):
        # relu's slope is a constant (0 or 1) even for a second order: a plain array;
        # a carried step's is 0 (its h is the step before's, handed on as it is). `buf`
        # (plain arrays only) takes the result
        if relu:
            slope = (_raw(out) > 0).astype(_raw(out).dtype)
        else:
            slope = _dtanh(out, buf)
        if carried is not None:
            slope = _mul(slope, _keep(carried, _raw(out).dtype, 0), buf)
        return slope

    # h_t's cotangent (its own plus what the next step sends back through w_hh) times
    # the activation's slope is the step's pre-activation cotangent. Written once for
    # plain arrays (into buffers, out=) and tensors (recorded): the same bits either way
    @staticmethod
    def vjp(ctx, gout):
        x, w_ih, w_hh, h0, out = ctx.saved
        reverse, relu = ctx.params["reverse"], ctx.params["relu"]
        T, N, H = _shape(out)
        dtype = _raw(out).dtype
        plain = _plain(gout, *ctx.saved)
        carried = _carried(ctx.params.get("lengths"), T)
        slope = RNNSequence._slope(out, relu, carried, _buffer(_shape(out), dtype) if plain
                                   else None)
        keep = None if carried is None else _keep(carried, dtype, 1)
        D = _buffer((T, N, H), dtype) if plain else [None] * T
        gh_buf, dh_buf, tmp = ((np.empty((N, H), dtype) for _ in range(3)) if plain
                               else (None, None, None))
        dh = None
        for t in (range(T) if reverse else range(T - 1, -1, -1)):
            gh = gout[t] if dh is None else _add(gout[t], dh, gh_buf)
            d = _mul(gh, slope[t], D[t] if plain else None)
            if not plain:
                D[t] = d
            dh = _matmul(d, w_hh, dh_buf)
            if carried is not None:
                dh = _add(dh, _mul(gh, keep[t], tmp), dh_buf)
        if not plain:
            D = call(Stack, *D, axis=0)
        return _weight_grads(ctx.needs_grad, D, x, w_ih, dh, out, h0, reverse)

    @staticmethod
    def jvp(ctx, dx, dw_ih, dw_hh, db_ih, db_hh, dh0):
        x, w_ih, w_hh, h0, out = ctx.saved
        reverse, relu = ctx.params["reverse"], ctx.params["relu"]
        T, N, H = _shape(out)
        dtype = _raw(out).dtype
        carried = _carried(ctx.params.get("lengths"), T)
        slope = RNNSequence._slope(out, relu, carried)
        dpre = _input_tangent(x, w_ih, dx, dw_ih, db_ih, db_hh, (T, N, H), dtype)
        dh = np.zeros((N, H), dtype) if dh0 is None else dh0
        rows = [None] * T
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            da = dpre[t] + _mm(dh, _tr(w_hh))
            if dw_hh is not None:
                da = da + _mm(_prev(out, h0, t, reverse), _tr(dw_hh))
            new = da * slope[t]
            if carried is not None:
                new = new + dh * _keep(carried, dtype, 1)[t]
            dh = rows[t] = new
        return call(Stack, *rows, axis=0)


def _one_minus(a, out):
    return 1 - a if out is None else np.subtract(1, a, out=out)


def _minus_before(states, first, a, reverse, out):
    """The states each step started from minus a (T, N, H); into `out` for plain arrays."""
    if out is None:
        return _before(states, first, reverse) - a
    k = -1 if reverse else 0
    np.subtract(first, a[k], out=out[k])
    if reverse:
        np.subtract(states[1:], a[:-1], out=out[:-1])
    else:
        np.subtract(states[:-1], a[1:], out=out[1:])
    return out


def _keep(carried, dtype, value):
    """(T, N, 1): `value` where a step is carried, 1 - value elsewhere."""
    k = carried[:, :, None].astype(dtype)
    return k if value else 1 - k


def _grad_before(d2, states, first, reverse):
    """sum over steps of d_t^T s_{t-1}: d2 (T * N, k) against the states each step
    started from (the first state and all but the last of `states` (T, N, H)), as two
    products on slices, no shifted copy of the states."""
    N = _shape(first)[0]
    T = _shape(states)[0]
    if reverse:
        g = _mm(_tr(d2[-N:]), first)
        rest, d_rest = states[1:], d2[:-N]
    else:
        g = _mm(_tr(d2[:N]), first)
        rest, d_rest = states[:-1], d2[N:]
    return g if T == 1 else g + _mm(_tr(d_rest), _flat(rest))


def _weight_grads(need, d, x, w_ih, dh0, states, first, reverse, d_hh=None):
    """(dx, dw_ih, dw_hh, db_ih, db_hh, dh0) from the pre-activation cotangents of all
    steps `d` (T, N, k): of the input projection, and `d_hh` of the hidden one when they
    differ (GRU); the steps started from `first` and all but the last of `states`."""
    d2 = _flat(d)
    h2 = d2 if d_hh is None else _flat(d_hh)
    dx = dw_ih = dw_hh = db_ih = db_hh = None
    if need[2]:
        dw_hh = _grad_before(h2, states, first, reverse)
    if need[4]:
        db_hh = call(Sum, h2, axis=(0,), keepdims=False)
    if need[0]:
        dx = call(Reshape, _mm(d2, w_ih), shape=_shape(x))
    if need[1]:
        dw_ih = _mm(_tr(d2), _flat(x))
    if need[3]:
        db_ih = db_hh if d_hh is None and need[4] else call(Sum, d2, axis=(0,),
                                                            keepdims=False)
    return dx, dw_ih, dw_hh, db_ih, db_hh, dh0 if need[5] else None


@register
class GRUSequence(Op):
    """One GRU layer in one direction over x (T, N, I) from h0 (N, H), PyTorch's gates
    r, z, n: r, z = sigmoid(x W_i{r,z}^T + b_i{r,z} + h W_h{r,z}^T + b_h{r,z}),
    n = tanh(x W_in^T + b_in + r (h W_hn^T + b_hn)), h' = n + z (h - n). Returns
    (5, T, N, H): the rows h_t, r, z, n and h W_hn^T + b_hn of every step (the rules read
    them back); reverse=True runs from T-1 down to 0. With lengths (one int per sequence)
    a step past a sequence's length keeps its state: h_t = h_{t-1}, with z = 1."""
    args = ("x", "w_ih", "w_hh", "b_ih", "b_hh", "h0")
    saves = ("x", "w_ih", "w_hh", "h0", "out")

    @staticmethod
    def forward(x, w_ih, w_hh, b_ih, b_hh, h0, *, reverse, lengths=None):
        T, N, I = x.shape
        H = w_hh.shape[1]
        dtype = np.result_type(x, w_ih, w_hh, b_ih, b_hh, h0)
        # gate-major, as LSTMSequence: each gate of a step one contiguous block
        pre = _buffer((3, T, N, H), dtype)     # pooled: no page faults each call
        np.matmul(x.reshape(T * N, I).astype(dtype, copy=False),
                  w_ih.reshape(3, H, I).transpose(0, 2, 1).astype(dtype, copy=False),
                  out=pre.reshape(3, T * N, H))
        pre += b_ih.reshape(3, 1, 1, H)
        carried = _carried(lengths, T)
        if carried is not None:
            # z = sigmoid(inf) = 1 on a carried step: every rule then hands h on as it is
            pre[1][carried] = np.inf
        w3 = np.ascontiguousarray(w_hh.reshape(3, H, H).transpose(0, 2, 1), dtype)
        b3 = b_hh.reshape(3, 1, H)
        out = _buffer((5, T, N, H), dtype)
        hh = np.empty((3, N, H), dtype)
        h = h0
        with np.errstate(over="ignore"):
            for t in (range(T - 1, -1, -1) if reverse else range(T)):
                np.matmul(h, w3, out=hh)
                hh += b3
                a = pre[:2, t]
                a += hh[:2]
                _sigmoid_into(a, out[1:3, t])                   # r, z
                out[4, t] = hh[2]
                n = out[3, t]
                np.multiply(out[1, t], hh[2], out=n)
                n += pre[2, t]
                np.tanh(n, out=n)
                np.subtract(h, n, out=out[0, t])
                out[0, t] *= out[2, t]
                out[0, t] += n
                if carried is not None:
                    np.copyto(out[0, t], h, where=carried[t][:, None])   # exactly h
                h = out[0, t]
        return out

    # With v the cotangent of h_t: n gets v (1 - z), z gets v (h_{t-1} - n), h_{t-1}
    # gets v z directly; through tanh n's pre-activation, r (times hn) and hn (times r).
    # The factors that the forward's values fix are computed for all steps at once; a
    # step is then a few products and one matmul. Written once for plain arrays (into
    # buffers, out=) and tensors (recorded): the same bits either way
    @staticmethod
    def vjp(ctx, gout):
        x, w_ih, w_hh, h0, out = ctx.saved
        reverse = ctx.params["reverse"]
        _, T, N, H = _shape(out)
        dtype = _raw(out).dtype
        plain = _plain(gout, *ctx.saved)
        hs, r, z, n, hn = (out[k] for k in range(5))
        new = (lambda *s: _buffer(s, dtype)) if plain else (lambda *s: None)
        # the cotangents of the rows r, z, n, hn: all zero when only h was used (as
        # nn.GRU uses it); a recorded rule adds them always (adding zeros keeps the bits)
        extra = not plain or bool(gout[1:].any())
        A, B, C, S = new(T, N, H), new(T, N, H), new(T, N, H), new(T, N, H)
        sn = _dtanh(n, S)                                       # tanh's slope at n
        K3 = _mul(gout[3], sn, new(T, N, H)) if extra else None
        A = _mul(_one_minus(z, A), sn, A)                       # an = gh A (+ K3)
        dr = _dsig(r, B)
        K1 = _mul(gout[1], dr, new(T, N, H)) if extra else None
        B = _mul(hn, dr, B)                                     # ar = an B (+ K1)
        dz = _dsig(z, C)
        K2 = _mul(gout[2], dz, new(T, N, H)) if extra else None
        C = _mul(_minus_before(hs, h0, n, reverse, S), dz, C)  # az = gh C (+ K2)
        DH = new(T, N, 3 * H)                                   # ar, az, ghn per step
        AN = S                                                  # S is done with
        if plain:
            gh_buf, dh_buf, tmp, mm = (np.empty((N, H), dtype) for _ in range(4))
        else:
            DH, AN = [None] * T, [None] * T
            gh_buf = dh_buf = tmp = mm = None
        dh = None
        for t in (range(T) if reverse else range(T - 1, -1, -1)):
            gh = gout[0, t] if dh is None else _add(gout[0, t], dh, gh_buf)
            row = DH[t] if plain else None
            rr, rz, rn = ((row[:, :H], row[:, H:2 * H], row[:, 2 * H:]) if plain
                          else (None, None, None))
            an = _mul(gh, A[t], AN[t] if plain else None)
            if extra:
                an = _add(an, K3[t], AN[t] if plain else None)
            ar = _mul(an, B[t], rr)
            az = _mul(gh, C[t], rz)
            ghn = _mul(an, r[t], rn)
            if extra:
                ar = _add(ar, K1[t], rr)
                az = _add(az, K2[t], rz)
                ghn = _add(ghn, gout[4, t], rn)
            if not plain:
                AN[t] = an
                DH[t] = row = call(Concatenate, ar, az, ghn, axis=1, sizes=(H, H, H))
            dh = _add(_mul(gh, z[t], tmp), _matmul(row, w_hh, mm), dh_buf)
        need = ctx.needs_grad
        if not plain:
            DH, AN = call(Stack, *DH, axis=0), call(Stack, *AN, axis=0)
        # the hidden side's products read ghn in n's columns, the input side's an
        dw_hh = _grad_before(_flat(DH), hs, h0, reverse) if need[2] else None
        db_hh = call(Sum, _flat(DH), axis=(0,), keepdims=False) if need[4] else None
        if plain:
            DH[..., 2 * H:] = AN
            D = DH
        else:
            D = call(Concatenate, DH[..., :2 * H], AN, axis=2, sizes=(2 * H, H))
        dx, dw_ih, _, db_ih, _, dh0 = _weight_grads(
            (need[0], need[1], False, need[3], False, need[5]), D, x, w_ih, dh, hs, h0,
            reverse)
        return dx, dw_ih, dw_hh, db_ih, db_hh, dh0

    @staticmethod
    def jvp(ctx, dx, dw_ih, dw_hh, db_ih, db_hh, dh0):
        x, w_ih, w_hh, h0, out = ctx.saved
        reverse = ctx.params["reverse"]
        _, T, N, H = _shape(out)
        dtype = _raw(out).dtype
        dxp = _input_tangent(x, w_ih, dx, dw_ih, db_ih, None, (T, N, 3 * H), dtype)
        dh = np.zeros((N, H), dtype) if dh0 is None else dh0
        rows = [None] * T
        for t in (range(T - 1, -1, -1) if reverse else range(T)):
            r, z, n, hn = out[1, t], out[2, t], out[3, t], out[4, t]
            hp = _prev(out[0], h0, t, reverse)
            dhh = _mm(dh, _tr(w_hh))
            if dw_hh is not None:
                dhh = dhh + _mm(hp, _tr(dw_hh))
            if db_hh is not None:
                dhh = dhh + db_hh
            dr = (dxp[t][:, :H] + dhh[:, :H]) * (r * (1 - r))
            dz = (dxp[t][:, H:2 * H] + dhh[:, H:2 * H]) * (z * (1 - z))
            dhn = dhh[:, 2 * H:]
            dn = (dxp[t][:, 2 * H:] + dr * hn + r * dhn) * (1 - n * n)
            dh = dn + dz * (hp - n) + z * (dh - dn)
            rows[t] = call(Stack, dh, dr, dz, dn, dhn, axis=0)
        return call(Stack, *rows, axis=1)


def rnn_sequence(x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None, *, reverse=False,
                 nonlinearity="tanh", lengths=None):
    """One Elman RNN layer in one direction over a whole sequence, as one recorded op.

    x is (T, N, input_size); w_ih (H, input_size), w_hh (H, H), b_ih, b_hh (H,) or None
    are PyTorch's weight_ih_l0, weight_hh_l0 and biases; h0 (N, H) or None for zeros;
    nonlinearity 'tanh' or 'relu'. Returns every h_t, (T, N, H); with reverse=True the
    steps run from the last to the first. lengths (one int per sequence, 1 to T) gives
    the sequences' own lengths, as a PackedSequence does: past its length a sequence
    keeps its state.

    >>> import tapegrad as tg
    >>> out = tg.ops.recurrent_seq.rnn_sequence(tg.ones(3, 1, 1), tg.ones(1, 1),
    ...                                         tg.ones(1, 1), nonlinearity="relu")
    >>> out.reshape(-1).tolist()      # h_t = relu(1 + h_{t-1})
    [1.0, 2.0, 3.0]
    """
    if nonlinearity not in ("tanh", "relu"):
        raise ValueError(f"rnn_sequence: nonlinearity must be 'tanh' or 'relu', got "
                         f"{nonlinearity!r}")
    args = _sequence_args("rnn_sequence", 1, x, w_ih, w_hh, b_ih, b_hh, (h0,), reverse)
    if lengths is not None:
        lengths = _check_lengths("rnn_sequence", lengths, *_shape(args[0])[:2])
    return apply(RNNSequence, *args, reverse=bool(reverse), relu=nonlinearity == "relu",
                 lengths=lengths)


def gru_sequence(x, w_ih, w_hh, b_ih=None, b_hh=None, h0=None, *, reverse=False,
                 lengths=None):
    """One GRU layer in one direction over a whole sequence, as one recorded op.

    x is (T, N, input_size); w_ih (3H, input_size), w_hh (3H, H), b_ih, b_hh (3H,) or
    None are PyTorch's weight_ih_l0, weight_hh_l0 and biases (gates r, z, n); h0 (N, H)
    or None for zeros. Returns (5, T, N, H): the rows h_t, r, z, n and h W_hn^T + b_hn
    of every step, so out[0] is the layer's output; with reverse=True the steps run from
    the last to the first. lengths (one int per sequence, 1 to T) gives the sequences'
    own lengths, as a PackedSequence does: past its length a sequence keeps its state
    (z = 1 there).

    >>> import tapegrad as tg
    >>> out = tg.ops.recurrent_seq.gru_sequence(tg.zeros(2, 1, 1), tg.zeros(3, 1),
    ...                                         tg.zeros(3, 1), h0=tg.ones(1, 1))
    >>> out[0].reshape(-1).tolist()    # z = 0.5, n = 0: h halves each step
    [0.5, 0.25]
    """
    args = _sequence_args("gru_sequence", 3, x, w_ih, w_hh, b_ih, b_hh, (h0,), reverse)
    if lengths is not None:
        lengths = _check_lengths("gru_sequence", lengths, *_shape(args[0])[:2])
    return apply(GRUSequence, *args, reverse=bool(reverse), lengths=lengths)


__all__ = ["GRUSequence", "RNNSequence", "gru_sequence", "rnn_sequence"]
