"""tapegrad: eager (PyTorch style, plain tensors) and graph mode (`tg.function`)."""
import numpy as np

from .. import numpy_programs as NP
from .. import workloads as W

NAME = "tapegrad"
tg = tnp = None


def setup(threads):
    global tg, tnp
    import tapegrad
    from tapegrad._native import SPEEDUPS
    tg = tapegrad
    try:
        import tapegrad.numpy as tnp
    except ImportError:          # a tree from before tapegrad.numpy: W9 is skipped
        tnp = None
    return {"version": tg.__version__, "path": tg.__file__,
            "speedups": "pure Python" if SPEEDUPS is None else "C speedups"}


def _leaf(a):
    return tg.tensor(np.array(a), requires_grad=True)


def w1(d):
    x, w = _leaf(d["w1_x"]), _leaf(d["w1_w"])

    def step():
        x.grad = w.grad = None
        W.w1_program(x, w, tg.tanh, tg.sin, tg.exp).sum().backward()

    return step, lambda: {"gx": x.grad.numpy(), "gw": w.grad.numpy()}


def w1_tape(d):
    """W1 through the TF-style front-end: Variables watched by a GradientTape."""
    x, w = tg.Variable(np.array(d["w1_x"])), tg.Variable(np.array(d["w1_w"]))
    res = {}

    def step():
        with tg.GradientTape() as tape:
            loss = W.w1_program(x, w, tg.tanh, tg.sin, tg.exp).sum()
        res["gx"], res["gw"] = tape.gradient(loss, [x, w])

    return step, lambda: {"gx": res["gx"].numpy(), "gw": res["gw"].numpy()}


def w1_grad(d):
    """W1 through the functional front-end: tg.grad of the loss (JAX style)."""
    x, w = np.array(d["w1_x"]), np.array(d["w1_w"])
    g = tg.grad(lambda x, w: W.w1_program(x, w, tg.tanh, tg.sin, tg.exp).sum(),
                argnums=(0, 1))
    res = {}

    def step():
        res["gx"], res["gw"] = g(x, w)

    return step, lambda: {"gx": res["gx"].numpy(), "gw": res["gw"].numpy()}


def w1_graph(d):
    x, w = _leaf(d["w1_x"]), _leaf(d["w1_w"])
    f = tg.function(lambda x, w: W.w1_program(x, w, tg.tanh, tg.sin, tg.exp).sum())

    def step():
        x.grad = w.grad = None
        f(x, w).backward()

    return step, lambda: {"gx": x.grad.numpy(), "gw": w.grad.numpy()}


def _mlp_loss(params, X, onehot):
    logits = W.mlp_logits(params, X, tg.relu)
    return -(tg.log_softmax(logits, axis=1) * onehot).sum() / X.shape[0]


def _sgd(params):
    with tg.no_grad():
        for p in params:
            p.sub_(p.grad * W.LR)
            p.grad = None


def w2(d):
    params = [_leaf(p) for p in d["mlp_params"]]
    X, onehot = tg.tensor(d["mlp_X"]), tg.tensor(d["mlp_onehot"])
    res = {}

    def step():
        loss = _mlp_loss(params, X, onehot)
        loss.backward()
        _sgd(params)
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.numpy()
                                                  for i, p in enumerate(params)}}


def w2_graph(d):
    params = [_leaf(p) for p in d["mlp_params"]]
    X, onehot = tg.tensor(d["mlp_X"]), tg.tensor(d["mlp_onehot"])
    loss_fn = tg.function(_mlp_loss)
    res = {}

    def step():
        loss = loss_fn(params, X, onehot)
        loss.backward()
        _sgd(params)
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.numpy()
                                                  for i, p in enumerate(params)}}


def _w3(n):
    def factory(d):
        res = {}

        def step():
            x, c = _leaf(d["w3_x"]), _leaf(d["w3_c"])
            W.w3_chain(x, c, n, tg.sin).backward()
            res["gx"], res["gc"] = x.grad.numpy(), c.grad.numpy()

        return step, lambda: dict(res)
    return factory


def _w4_f(x, A):
    return tg.tanh(A @ x).sum() ** 2


def w4_hessian(d):
    A, x = tg.tensor(d["w4_A"]), tg.tensor(d["w4_x"])
    h = tg.hessian(lambda x: _w4_f(x, A))
    res = {}

    def step():
        res["H"] = h(x).numpy()

    return step, lambda: dict(res)


def w4_hvp(d):
    A, x, v = tg.tensor(d["w4_A"]), tg.tensor(d["w4_x"]), tg.tensor(d["w4_v"])
    res = {}

    def step():
        res["hv"] = tg.hvp(lambda x: _w4_f(x, A), (x,), (v,)).numpy()

    return step, lambda: dict(res)


def w5_chain(d):
    x, c = tg.tensor(d["w3_x"]), tg.tensor(d["w3_c"])
    res = {}

    def step():
        y, dy = tg.jvp(lambda x: W.w3_chain(x, c, W.W5_CHAIN_N, tg.sin), (x,),
                       (tg.tensor(np.float64(1.0)),))
        res["y"], res["dy"] = y.numpy(), dy.numpy()

    return step, lambda: dict(res)


def w5_mlp(d):
    params = tuple(tg.tensor(p) for p in d["mlp_params"])
    tangents = tuple(tg.tensor(t) for t in d["mlp_tangents"])
    X = tg.tensor(d["mlp_X"])
    res = {}

    def step():
        out, dout = tg.jvp(lambda *ps: W.mlp_logits(ps, X, tg.relu), params, tangents)
        res["out"], res["dout"] = out.numpy(), dout.numpy()

    return step, lambda: dict(res)


def w9_heat(d):
    g = tg.grad(lambda u: NP.heat_loss(tnp, u))
    u0 = d["w9_u0"]
    res = {}

    def step():
        res["g"] = g(u0)

    return step, lambda: {"g": res["g"].numpy()}


def w9_net(d):
    from tapegrad.scipy.special import logsumexp
    params, X, T = d["w9_params"], d["w9_X"], d["w9_T"]
    g = tg.grad(lambda p: NP.net_objective(tnp, logsumexp, p, X, T))
    res = {}

    def step():
        res["new"] = NP.net_step(params, g(params))

    return step, lambda: {k: np.asarray(v) for k, v in NP.net_results(res["new"]).items()}


def _w8_loss(params, x, onehot):
    """The loss of one example (x of shape (784,)): what W8 differentiates per example."""
    logits = W.mlp_logits(params, x, tg.relu)
    return -(tg.log_softmax(logits, axis=0) * onehot).sum()


def w8(d):
    """Per-sample gradients: tg.vmap(tg.grad(loss)) over the batch, parameters shared."""
    params = [tg.tensor(np.array(p)) for p in d["mlp_params"]]
    X, onehot = tg.tensor(d["mlp_X"]), tg.tensor(d["mlp_onehot"])
    per_sample = tg.vmap(tg.grad(_w8_loss), in_axes=(None, 0, 0))
    res = {}

    def step():
        res["g"] = per_sample(params, X, onehot)

    return step, lambda: W.w8_summary([g.numpy() for g in res["g"]])


def w8_loop(d):
    """The same with a Python loop of tg.grad, one example at a time."""
    params = [tg.tensor(np.array(p)) for p in d["mlp_params"]]
    X, onehot = tg.tensor(d["mlp_X"]), tg.tensor(d["mlp_onehot"])
    g = tg.grad(_w8_loss)
    res = {}

    def step():
        per = [g(params, X[i], onehot[i]) for i in range(X.shape[0])]
        res["g"] = [np.stack([p[k].numpy() for p in per]) for k in range(len(params))]

    return step, lambda: W.w8_summary(res["g"])


def w6(d):
    params = [_leaf(p) for p in d["w6_params"]]
    X, onehot = tg.tensor(d["w6_X"]), tg.tensor(d["w6_onehot"])
    F = tg.nn.functional
    res = {}

    def step():
        logits = W.w6_logits(params, X, F.conv2d, F.max_pool2d, tg.relu)
        loss = -(tg.log_softmax(logits, axis=1) * onehot).sum() / X.shape[0]
        loss.backward()
        _sgd(params)
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.numpy()
                                                  for i, p in enumerate(params)}}


def w9_gp(d):
    D2, y = tg.tensor(d["gp_D2"]), tg.tensor(d["gp_y"][:, None])
    eye = tg.tensor(np.eye(len(d["gp_y"])))
    theta = _leaf(d["gp_theta"])
    res = {}

    def step():
        theta.grad = None
        L = tg.linalg.cholesky(W.gp_kernel(theta, D2, tg.exp, eye))
        a = tg.linalg.cholesky_solve(y, L)
        lml = -0.5 * (y * a).sum() - tg.log(tg.diagonal(L)).sum() + W.GP_CONST
        lml.backward()
        res["lml"], res["grad"] = lml.item(), theta.grad.numpy()

    return step, lambda: dict(res)


def w7(d):
    lstm = tg.nn.LSTM(W.W7_INPUT, W.W7_HIDDEN)
    params = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0]
    with tg.no_grad():
        for p, a in zip(params, d["w7_params"]):
            p.copy_(tg.tensor(a))
    X, Y = tg.tensor(d["w7_X"]), tg.tensor(d["w7_Y"])
    res = {}

    def step():
        out, _ = lstm(X)
        loss = ((out - Y) ** 2).mean()
        loss.backward()
        _sgd(params)
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.numpy()
                                                  for i, p in enumerate(params)}}



def w7_gru(d):
    """W7's step with a GRU in place of the LSTM (bench/check.py's W7-GRU row)."""
    gru = tg.nn.GRU(W.W7_INPUT, W.W7_HIDDEN)
    params = [gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0]
    with tg.no_grad():
        for p, a in zip(params, W.w7_gru_params()):
            p.copy_(tg.tensor(a))
    X, Y = tg.tensor(d["w7_X"]), tg.tensor(d["w7_Y"])
    res = {}

    def step():
        out, _ = gru(X)
        loss = ((out - Y) ** 2).mean()
        loss.backward()
        _sgd(params)
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.numpy()
                                                  for i, p in enumerate(params)}}

def cases():
    out = [("W1", "eager", w1), ("W1", "tape", w1_tape), ("W1", "tg.grad", w1_grad),
           ("W2", "eager", w2)]
    if hasattr(tg, "function"):
        out += [("W1", "graph", w1_graph), ("W2", "graph", w2_graph)]
    out += [(k, "eager", _w3(n)) for k, n in W.W3_SIZES.items()]
    out += [("W4/hessian", "hessian", w4_hessian), ("W4/hvp", "hvp", w4_hvp),
            ("W5/chain", "jvp", w5_chain), ("W5/mlp", "jvp", w5_mlp)]
    if hasattr(tg, "vmap"):
        out += [("W8", "vmap(grad)", w8), ("W8", "loop of tg.grad", w8_loop)]
    if hasattr(tg.nn.functional, "conv2d"):
        out += [("W6", "eager", w6)]
    if hasattr(tg, "linalg") and hasattr(tg.linalg, "cholesky_solve"):
        out += [("W9/gp", "eager", w9_gp)]
    if hasattr(tg.nn, "LSTM"):
        out += [("W7", "eager", w7)]
    if tnp is not None:
        out += [("W9/heat", "tapegrad.numpy", w9_heat), ("W9/net", "tapegrad.numpy", w9_net)]
    return out
