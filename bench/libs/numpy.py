"""Hand-written NumPy gradients: the floor every library is compared against, and the
reference every result is checked against."""
import numpy as np

from .. import numpy_programs as NP
from .. import workloads as W

NAME = "numpy"


def setup(threads):
    return {"version": np.__version__}


def w1(d):
    x, w = d["w1_x"], d["w1_w"]
    res = {}

    def step():
        tape = []
        y = x
        for _ in range(W.W1_CYCLES):
            yp = y
            b = y * w + x
            c = np.tanh(b)
            s = np.sin(c)
            y = np.exp(s - x)
            tape.append((yp, c, y))
        gy = np.ones_like(x)
        gx = np.zeros_like(x)
        gw = np.zeros_like(w)
        for yp, c, y in reversed(tape):
            ge = gy * y
            gx -= ge
            gb = ge * np.cos(c) * (1 - c * c)
            gx += gb
            gw += gb * yp
            gy = gb * w
        gx += gy
        res["gx"], res["gw"] = gx, gw

    return step, lambda: dict(res)


def _mlp_forward_backward(params, X, onehot):
    W1, b1, W2, b2, W3, b3 = params
    z1 = X @ W1 + b1
    h1 = np.maximum(z1, 0)
    z2 = h1 @ W2 + b2
    h2 = np.maximum(z2, 0)
    z3 = h2 @ W3 + b3
    m = z3.max(axis=1, keepdims=True)
    e = np.exp(z3 - m)
    s = e.sum(axis=1, keepdims=True)
    n = X.shape[0]
    loss = -((z3 - m - np.log(s)) * onehot).sum() / n
    gz3 = (e / s - onehot) / n
    gW3 = h2.T @ gz3
    gb3 = gz3.sum(0)
    gz2 = (gz3 @ W3.T) * (z2 > 0)
    gW2 = h1.T @ gz2
    gb2 = gz2.sum(0)
    gz1 = (gz2 @ W2.T) * (z1 > 0)
    gW1 = X.T @ gz1
    gb1 = gz1.sum(0)
    return loss, (gW1, gb1, gW2, gb2, gW3, gb3)


def w2_fresh(d):
    params = [p.copy() for p in d["mlp_params"]]
    X, onehot = d["mlp_X"], d["mlp_onehot"]
    res = {}

    def step():
        loss, grads = _mlp_forward_backward(params, X, onehot)
        for p, g in zip(params, grads):
            p -= W.LR * g
        res["loss"] = loss

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p for i, p in enumerate(params)}}


def w2_out(d):
    """The same step with every buffer allocated once (out= everywhere)."""
    params = [p.copy() for p in d["mlp_params"]]
    W1, b1, W2, b2, W3, b3 = params
    X, onehot = d["mlp_X"], d["mlp_onehot"]
    n, f32 = X.shape[0], np.float32
    z1, z2 = np.empty((n, W1.shape[1]), f32), np.empty((n, W2.shape[1]), f32)
    h1, h2 = np.empty_like(z1), np.empty_like(z2)
    m1, m2 = np.empty(z1.shape, bool), np.empty(z2.shape, bool)
    z3 = np.empty((n, W3.shape[1]), f32)
    e = np.empty_like(z3)
    mx, s = np.empty((n, 1), f32), np.empty((n, 1), f32)
    grads = [np.empty_like(p) for p in params]
    gh1, gh2 = np.empty_like(z1), np.empty_like(z2)
    tmp = [np.empty_like(p) for p in params]
    res = {}

    def step():
        np.matmul(X, W1, out=z1)
        np.add(z1, b1, out=z1)
        np.maximum(z1, 0, out=h1)
        np.matmul(h1, W2, out=z2)
        np.add(z2, b2, out=z2)
        np.maximum(z2, 0, out=h2)
        np.matmul(h2, W3, out=z3)
        np.add(z3, b3, out=z3)
        np.max(z3, axis=1, keepdims=True, out=mx)
        np.subtract(z3, mx, out=e)
        np.exp(e, out=e)
        np.sum(e, axis=1, keepdims=True, out=s)
        # loss = -sum(onehot * (z3 - mx - log s)) / n
        res["loss"] = -(np.vdot(onehot, z3) - mx.sum() - np.log(s).sum()) / n
        np.divide(e, s, out=e)
        np.subtract(e, onehot, out=e)
        np.divide(e, n, out=e)                   # e is now d loss / d z3
        np.matmul(h2.T, e, out=grads[4])
        np.sum(e, axis=0, out=grads[5])
        np.matmul(e, W3.T, out=gh2)
        np.greater(z2, 0, out=m2)
        np.multiply(gh2, m2, out=gh2)
        np.matmul(h1.T, gh2, out=grads[2])
        np.sum(gh2, axis=0, out=grads[3])
        np.matmul(gh2, W2.T, out=gh1)
        np.greater(z1, 0, out=m1)
        np.multiply(gh1, m1, out=gh1)
        np.matmul(X.T, gh1, out=grads[0])
        np.sum(gh1, axis=0, out=grads[1])
        for p, g, t in zip(params, grads, tmp):
            np.multiply(g, W.LR, out=t)
            np.subtract(p, t, out=p)

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p for i, p in enumerate(params)}}


def _w3(n):
    def factory(d):
        x, c = d["w3_x"], d["w3_c"]
        res = {}

        def step():
            ys, As = [], []
            y = x
            for _ in range(n // 2):
                ys.append(y)
                a = y * c
                As.append(a)
                y = np.sin(a)
            g, gc = np.float64(1.0), np.float64(0.0)
            for yp, a in zip(reversed(ys), reversed(As)):
                g = g * np.cos(a)
                gc = gc + g * yp
                g = g * c
            res["gx"], res["gc"] = g, gc

        return step, lambda: dict(res)
    return factory


def _w4_parts(d):
    A, x = d["w4_A"], d["w4_x"]
    t = np.tanh(A @ x)
    s = t.sum()
    u = 1 - t * t
    return A, t, s, u


def w4_hessian(d):
    res = {}

    def step():
        A, t, s, u = _w4_parts(d)
        # H = 2 A^T (u u^T + s diag(-2 t u)) A
        Au = u @ A
        res["H"] = 2 * np.outer(Au, Au) + (2 * s) * (A.T * (-2 * t * u)) @ A

    return step, lambda: dict(res)


def w4_hvp(d):
    res = {}
    v = d["w4_v"]

    def step():
        A, t, s, u = _w4_parts(d)
        Av = A @ v
        res["hv"] = A.T @ (2 * u * (u @ Av) + (2 * s) * (-2 * t * u) * Av)

    return step, lambda: dict(res)


def w5_chain(d):
    x, c = d["w3_x"], d["w3_c"]
    res = {}

    def step():
        y, dy = x, np.float64(1.0)
        for _ in range(W.W5_CHAIN_N // 2):
            a = y * c
            da = dy * c
            y = np.sin(a)
            dy = np.cos(a) * da
        res["y"], res["dy"] = y, dy

    return step, lambda: dict(res)


def w5_mlp(d):
    W1, b1, W2, b2, W3, b3 = d["mlp_params"]
    dW1, db1, dW2, db2, dW3, db3 = d["mlp_tangents"]
    X = d["mlp_X"]
    res = {}

    def step():
        z1 = X @ W1 + b1
        dz1 = X @ dW1 + db1
        m1 = z1 > 0
        h1, dh1 = z1 * m1, dz1 * m1
        z2 = h1 @ W2 + b2
        dz2 = dh1 @ W2 + h1 @ dW2 + db2
        m2 = z2 > 0
        h2, dh2 = z2 * m2, dz2 * m2
        res["out"] = h2 @ W3 + b3
        res["dout"] = dh2 @ W3 + h2 @ dW3 + db3

    return step, lambda: dict(res)


def _heat_step(u):
    a = NP.HEAT_ALPHA
    return u + a * (np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0) + np.roll(u, 1, axis=1)
                    + np.roll(u, -1, axis=1) - 4.0 * u)


def w9_heat(d):
    u0 = d["w9_u0"]
    res = {}

    def step():
        u = u0
        for _ in range(NP.HEAT_STEPS):
            u = _heat_step(u)
        g = 2.0 * u
        # the step is linear and symmetric (the rolls pair up): its adjoint is itself
        for _ in range(NP.HEAT_STEPS):
            g = _heat_step(g)
        res["g"] = g

    return step, lambda: dict(res)


def w9_net(d):
    params, X, T = d["w9_params"], d["w9_X"], d["w9_T"]
    res = {}

    def step():
        hs, h = [X], X
        for W, b in params:
            z = h @ W + b
            h = np.tanh(z)
            hs.append(h)
        m = z.max(axis=1, keepdims=True)
        p = np.exp(z - m)
        p /= p.sum(axis=1, keepdims=True)
        gz = p * T.sum(axis=1, keepdims=True) - T       # d(-log_lik)/d logits
        grads = []
        for i in range(len(params) - 1, -1, -1):
            W, b = params[i]
            grads.append((hs[i].T @ gz + 2 * NP.NET_L2 * W, gz.sum(0) + 2 * NP.NET_L2 * b))
            if i:
                gz = (gz @ W.T) * (1.0 - hs[i] * hs[i])
        res.update(NP.net_results(NP.net_step(params, grads[::-1])))

    return step, lambda: dict(res)


def w8(d):
    """Per-sample gradients of the MLP written out: one batched forward, the backward
    of each layer as batched outer products (the floor for W8)."""
    W1, b1, W2, b2, W3, b3 = [np.array(p) for p in d["mlp_params"]]
    X, onehot = d["mlp_X"], d["mlp_onehot"]
    res = {}

    def step():
        z1 = X @ W1 + b1
        h1 = np.maximum(z1, 0)
        z2 = h1 @ W2 + b2
        h2 = np.maximum(z2, 0)
        z3 = h2 @ W3 + b3
        e = np.exp(z3 - z3.max(1, keepdims=True))
        sm = e / e.sum(1, keepdims=True)
        d3 = sm * onehot.sum(1, keepdims=True) - onehot      # d loss_i / d z3_i
        d2 = (d3 @ W3.T) * (z2 > 0)
        d1 = (d2 @ W2.T) * (z1 > 0)
        res["g"] = [X[:, :, None] * d1[:, None, :], d1, h1[:, :, None] * d2[:, None, :], d2,
                    h2[:, :, None] * d3[:, None, :], d3]

    return step, lambda: W.w8_summary(res["g"])


def _im2col(x, k):
    """(B, C, H, W) -> (C * k * k, B * Ho * Wo) for a stride-1 valid k x k convolution."""
    b, c, h, w = x.shape
    ho, wo = h - k + 1, w - k + 1
    cols = np.empty((c, k, k, b, ho, wo), x.dtype)
    xt = x.transpose(1, 0, 2, 3)
    for i in range(k):
        for j in range(k):
            cols[:, i, j] = xt[:, :, i:i + ho, j:j + wo]
    return cols.reshape(c * k * k, b * ho * wo)


def _col2im(cols, shape, k):
    b, c, h, w = shape
    ho, wo = h - k + 1, w - k + 1
    cols = cols.reshape(c, k, k, b, ho, wo)
    gx = np.zeros((c, b, h, w), cols.dtype)
    for i in range(k):
        for j in range(k):
            gx[:, :, i:i + ho, j:j + wo] += cols[:, i, j]
    return gx.transpose(1, 0, 2, 3)


def _conv(x, w, bias):
    o, k = w.shape[0], w.shape[2]
    b, ho = x.shape[0], x.shape[2] - k + 1
    cols = _im2col(x, k)
    y = (w.reshape(o, -1) @ cols).reshape(o, b, ho, ho).transpose(1, 0, 2, 3)
    return y + bias[:, None, None], cols


def _conv_grads(x_shape, w, cols, gy):
    """(input gradient or None, weight gradient, bias gradient) of _conv."""
    o = w.shape[0]
    rows = gy.transpose(1, 0, 2, 3).reshape(o, -1)
    gw = (rows @ cols.T).reshape(w.shape)
    gx = None if x_shape is None else _col2im(w.reshape(o, -1).T @ rows, x_shape, w.shape[2])
    return gx, gw, gy.sum(axis=(0, 2, 3))


def _pool(h):
    """2 x 2 max pooling of even-sized h (ties only occur between zeros after relu, whose
    gradient relu then drops)."""
    return np.maximum(np.maximum(h[:, :, 0::2, 0::2], h[:, :, 0::2, 1::2]),
                      np.maximum(h[:, :, 1::2, 0::2], h[:, :, 1::2, 1::2]))


def _unpool(g, h, m):
    """The gradient of _pool: g to every position holding its window's maximum."""
    gh = np.empty_like(h)
    for i in (0, 1):
        for j in (0, 1):
            np.multiply(g, h[:, :, i::2, j::2] == m, out=gh[:, :, i::2, j::2])
    return gh


def w6(d):
    """The W6 CNN step by hand: im2col convolutions, gradients by the chain rule."""
    params = [p.copy() for p in d["w6_params"]]
    X, onehot = d["w6_X"], d["w6_onehot"]
    res = {}

    def step():
        c1, b1, c2, b2, W3, b3, W4, b4, W5, b5 = params
        n = X.shape[0]
        z1, cols1 = _conv(X, c1, b1)
        a1 = np.maximum(z1, 0)
        p1 = _pool(a1)
        z2, cols2 = _conv(p1, c2, b2)
        a2 = np.maximum(z2, 0)
        p2 = _pool(a2)
        f = p2.reshape(n, -1)
        z3 = f @ W3 + b3
        a3 = np.maximum(z3, 0)
        z4 = a3 @ W4 + b4
        a4 = np.maximum(z4, 0)
        z5 = a4 @ W5 + b5
        m = z5.max(axis=1, keepdims=True)
        e = np.exp(z5 - m)
        s = e.sum(axis=1, keepdims=True)
        loss = -((z5 - m - np.log(s)) * onehot).sum() / n
        gz5 = (e / s - onehot) / n
        gz4 = (gz5 @ W5.T) * (z4 > 0)
        gz3 = (gz4 @ W4.T) * (z3 > 0)
        gp2 = (gz3 @ W3.T).reshape(p2.shape)
        gz2 = _unpool(gp2, a2, p2) * (z2 > 0)
        gp1, gc2, gb2 = _conv_grads(p1.shape, c2, cols2, gz2)
        gz1 = _unpool(gp1, a1, p1) * (z1 > 0)
        _, gc1, gb1 = _conv_grads(None, c1, cols1, gz1)
        grads = [gc1, gb1, gc2, gb2, f.T @ gz3, gz3.sum(0), a3.T @ gz4, gz4.sum(0),
                 a4.T @ gz5, gz5.sum(0)]
        for p, g in zip(params, grads):
            p -= W.LR * g
        res["loss"] = float(loss)

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p for i, p in enumerate(params)}}


def w9_gp(d):
    """The gradient written by hand, as scikit-learn's GaussianProcessRegressor does:
    d lml / d theta_k = tr((a a^T - K^-1) dK/d theta_k) / 2 with a = K^-1 y, K^-1 from the
    Cholesky factor (cho_solve with the identity)."""
    import scipy.linalg as sl
    D2, y, theta = d["gp_D2"], d["gp_y"], d["gp_theta"]
    eye = np.eye(len(y))
    res = {}

    def step():
        ell, sf2, sn2 = np.exp(theta)
        ell2 = ell * ell
        Kf = sf2 * np.exp(D2 * (-0.5 / ell2))
        L = sl.cholesky(Kf + sn2 * eye, lower=True, check_finite=False)
        a = sl.cho_solve((L, True), y, check_finite=False)
        lml = -0.5 * (y @ a) - np.log(np.diagonal(L)).sum() + W.GP_CONST
        Wm = np.outer(a, a) - sl.cho_solve((L, True), eye, check_finite=False)
        WK = Wm * Kf
        # dK/d log l = Kf D2 / l^2, dK/d log s^2 = Kf, dK/d log sn^2 = sn^2 I
        res["lml"] = lml
        res["grad"] = 0.5 * np.array([np.vdot(WK, D2) / ell2, WK.sum(), sn2 * np.trace(Wm)])

    return step, lambda: dict(res)


def _sigmoid(a, out):
    np.negative(a, out=out)
    np.exp(out, out=out)
    out += 1
    np.reciprocal(out, out=out)


def w7(d):
    """The W7 LSTM step by hand: one matmul for the whole input projection, one per step
    each way for the recurrence, and the weight gradients as one matmul over all steps."""
    params = [p.copy() for p in d["w7_params"]]
    X, Y = d["w7_X"], d["w7_Y"]
    T, N, I, H = W.W7_STEPS, W.W7_BATCH, W.W7_INPUT, W.W7_HIDDEN
    acts = np.empty((T, N, 4 * H), np.float32)      # i, f, g, o after their nonlinearity
    hs = np.zeros((T + 1, N, H), np.float32)
    cs = np.zeros((T + 1, N, H), np.float32)
    tcs = np.empty((T, N, H), np.float32)           # tanh(c_t)
    dgates = np.empty((T, N, 4 * H), np.float32)
    res = {}

    def step():
        w_ih, w_hh, b_ih, b_hh = params
        w_hh_t = np.ascontiguousarray(w_hh.T)
        xp = (X.reshape(T * N, I) @ w_ih.T).reshape(T, N, 4 * H)
        xp += b_ih + b_hh
        for t in range(T):
            a = xp[t]
            a += hs[t] @ w_hh_t
            s = acts[t]
            _sigmoid(a[:, :2 * H], s[:, :2 * H])
            np.tanh(a[:, 2 * H:3 * H], out=s[:, 2 * H:3 * H])
            _sigmoid(a[:, 3 * H:], s[:, 3 * H:])
            np.multiply(s[:, H:2 * H], cs[t], out=cs[t + 1])
            cs[t + 1] += s[:, :H] * s[:, 2 * H:3 * H]
            np.tanh(cs[t + 1], out=tcs[t])
            np.multiply(s[:, 3 * H:], tcs[t], out=hs[t + 1])
        diff = hs[1:] - Y
        loss = float(np.vdot(diff, diff)) / diff.size
        dout = diff * np.float32(2 / diff.size)
        dh = np.zeros((N, H), np.float32)
        dc = np.zeros((N, H), np.float32)
        for t in range(T - 1, -1, -1):
            s = acts[t]
            i, f, g, o = s[:, :H], s[:, H:2 * H], s[:, 2 * H:3 * H], s[:, 3 * H:]
            dh += dout[t]
            tc = tcs[t]
            dc += dh * o * (1 - tc * tc)
            dg = dgates[t]
            np.multiply(dc * g, i * (1 - i), out=dg[:, :H])
            np.multiply(dc * cs[t], f * (1 - f), out=dg[:, H:2 * H])
            np.multiply(dc * i, 1 - g * g, out=dg[:, 2 * H:3 * H])
            np.multiply(dh * tc, o * (1 - o), out=dg[:, 3 * H:])
            dc *= f
            dh = dg @ w_hh
        flat = dgates.reshape(T * N, 4 * H)
        gb = flat.sum(0)
        grads = [flat.T @ X.reshape(T * N, I), flat.T @ hs[:-1].reshape(T * N, H), gb, gb]
        for p, gp in zip(params, grads):
            p -= W.LR * gp
        res["loss"] = loss

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p for i, p in enumerate(params)}}


def w7_gate_major(d):
    """W7 by hand as tapegrad's LSTMSequence lays it out: gates gate-major (4, T, N, H),
    so each per-step ufunc runs over one contiguous (N, H) block instead of a column
    slice of (N, 4H), and backward works in preallocated buffers. The stronger floor."""
    params = [p.copy() for p in d["w7_params"]]
    X, Y = d["w7_X"], d["w7_Y"]
    T, N, I, H = W.W7_STEPS, W.W7_BATCH, W.W7_INPUT, W.W7_HIDDEN
    f32 = np.float32
    pre = np.empty((4, T * N, H), f32)
    gates = np.empty((4, T, N, H), f32)             # i, f, g, o
    hs = np.zeros((T + 1, N, H), f32)
    cs = np.zeros((T + 1, N, H), f32)
    tcs = np.empty((T, N, H), f32)
    dgates = np.empty((4, T, N, H), f32)
    hh = np.empty((4, N, H), f32)
    bufs = [np.empty((N, H), f32) for _ in range(3)]
    Xf = X.reshape(T * N, I)
    res = {}

    def step():
        w_ih, w_hh, b_ih, b_hh = params
        dh, dc, tmp = bufs
        np.matmul(Xf, w_ih.reshape(4, H, I).transpose(0, 2, 1), out=pre)
        pg = pre.reshape(4, T, N, H)
        pg += (b_ih + b_hh).reshape(4, 1, 1, H)
        w4 = np.ascontiguousarray(w_hh.reshape(4, H, H).transpose(0, 2, 1))
        for t in range(T):
            a = pg[:, t]
            np.matmul(hs[t], w4, out=hh)
            a += hh
            _sigmoid(a[:2], gates[:2, t])
            np.tanh(a[2], out=gates[2, t])
            _sigmoid(a[3], gates[3, t])
            np.multiply(gates[1, t], cs[t], out=cs[t + 1])
            np.multiply(gates[0, t], gates[2, t], out=tmp)
            cs[t + 1] += tmp
            np.tanh(cs[t + 1], out=tcs[t])
            np.multiply(gates[3, t], tcs[t], out=hs[t + 1])
        diff = hs[1:] - Y
        loss = float(np.vdot(diff, diff)) / diff.size
        dout = diff * f32(2 / diff.size)
        w4 = w_hh.reshape(4, H, H)
        dh[...] = 0
        dc[...] = 0
        for t in range(T - 1, -1, -1):
            i, f, g, o = gates[:, t]
            tc = tcs[t]
            dh += dout[t]
            np.multiply(tc, tc, out=tmp)            # dc += dh o (1 - tc^2)
            np.subtract(1, tmp, out=tmp)
            tmp *= o
            tmp *= dh
            dc += tmp
            np.multiply(i, i, out=tmp)              # di = dc g i (1 - i)
            np.subtract(i, tmp, out=tmp)
            tmp *= g
            np.multiply(tmp, dc, out=dgates[0, t])
            np.multiply(f, f, out=tmp)              # df = dc c_prev f (1 - f)
            np.subtract(f, tmp, out=tmp)
            tmp *= cs[t]
            np.multiply(tmp, dc, out=dgates[1, t])
            np.multiply(g, g, out=tmp)              # dg = dc i (1 - g^2)
            np.subtract(1, tmp, out=tmp)
            tmp *= i
            np.multiply(tmp, dc, out=dgates[2, t])
            np.multiply(o, o, out=tmp)              # do = dh tc o (1 - o)
            np.subtract(o, tmp, out=tmp)
            tmp *= tc
            np.multiply(tmp, dh, out=dgates[3, t])
            dc *= f
            np.matmul(dgates[:, t], w4, out=hh)
            np.sum(hh, axis=0, out=dh)
        dg = dgates.reshape(4, T * N, H).transpose(0, 2, 1)
        gb = dgates.sum(axis=(1, 2)).reshape(4 * H)
        grads = [np.matmul(dg, Xf).reshape(4 * H, I),
                 np.matmul(dg, hs[:-1].reshape(T * N, H)).reshape(4 * H, H), gb, gb]
        for p, gp in zip(params, grads):
            p -= W.LR * gp
        res["loss"] = loss

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p for i, p in enumerate(params)}}


def cases():
    out = [("W1", "floor", w1), ("W2", "fresh", w2_fresh), ("W2", "out", w2_out)]
    out += [(k, "floor", _w3(n)) for k, n in W.W3_SIZES.items()]
    out += [("W4/hessian", "closed form", w4_hessian), ("W4/hvp", "closed form", w4_hvp),
            ("W5/chain", "manual duals", w5_chain), ("W5/mlp", "manual duals", w5_mlp)]
    out += [("W8", "floor", w8)]
    out += [("W9/heat", "floor", w9_heat), ("W9/net", "floor", w9_net),
            ("W9/gp", "floor", w9_gp)]
    out += [("W6", "floor", w6), ("W7", "floor", w7), ("W7", "gate-major floor", w7_gate_major)]
    return out


# the reference for each workload (a variant above whose results others must match)
REFERENCE = {"W2": "fresh"}
