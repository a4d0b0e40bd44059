"""PyTorch eager on CPU (and torch.func for the transforms)."""
import numpy as np

from .. import workloads as W

NAME = "torch"
torch = None


def setup(threads):
    global torch
    import torch as _torch
    torch = _torch
    torch.set_num_threads(threads)
    torch.set_num_interop_threads(threads)
    return {"version": torch.__version__, "threads": torch.get_num_threads()}


def _leaf(a):
    return torch.tensor(np.array(a), requires_grad=True)


def w1(d):
    x, w = _leaf(d["w1_x"]), _leaf(d["w1_w"])

    def step():
        x.grad = w.grad = None
        W.w1_program(x, w, torch.tanh, torch.sin, torch.exp).sum().backward()

    return step, lambda: {"gx": x.grad.numpy(), "gw": w.grad.numpy()}


def w2(d):
    params = [_leaf(p) for p in d["mlp_params"]]
    X, onehot = torch.tensor(d["mlp_X"]), torch.tensor(d["mlp_onehot"])
    res = {}

    def step():
        logits = W.mlp_logits(params, X, torch.relu)
        loss = -(torch.log_softmax(logits, dim=1) * onehot).sum() / X.shape[0]
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad * W.LR)
                p.grad = None
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.detach().numpy()
                                                  for i, p in enumerate(params)}}


def _w3(n):
    def factory(d):
        res = {}

        def step():
            x, c = _leaf(d["w3_x"]), _leaf(d["w3_c"])
            W.w3_chain(x, c, n, torch.sin).backward()
            res["gx"], res["gc"] = x.grad.numpy(), c.grad.numpy()

        return step, lambda: dict(res)
    return factory


def _w4_f(A):
    return lambda x: torch.tanh(A @ x).sum() ** 2


def w4_hessian(d):
    A, x = torch.tensor(d["w4_A"]), torch.tensor(d["w4_x"])
    h = torch.func.hessian(_w4_f(A))
    res = {}

    def step():
        res["H"] = h(x).numpy()

    return step, lambda: dict(res)


def w4_hvp(d):
    A, x, v = torch.tensor(d["w4_A"]), torch.tensor(d["w4_x"]), torch.tensor(d["w4_v"])
    g = torch.func.grad(_w4_f(A))
    res = {}

    def step():
        res["hv"] = torch.func.jvp(g, (x,), (v,))[1].numpy()

    return step, lambda: dict(res)


def w5_chain(d):
    x, c = torch.tensor(d["w3_x"]), torch.tensor(d["w3_c"])
    res = {}

    def step():
        y, dy = torch.func.jvp(lambda x: W.w3_chain(x, c, W.W5_CHAIN_N, torch.sin), (x,),
                               (torch.tensor(1.0, dtype=torch.float64),))
        res["y"], res["dy"] = y.numpy(), dy.numpy()

    return step, lambda: dict(res)


def w5_mlp(d):
    params = tuple(torch.tensor(p) for p in d["mlp_params"])
    tangents = tuple(torch.tensor(t) for t in d["mlp_tangents"])
    X = torch.tensor(d["mlp_X"])
    res = {}

    def step():
        out, dout = torch.func.jvp(lambda *ps: W.mlp_logits(ps, X, torch.relu), params,
                                   tangents)
        res["out"], res["dout"] = out.numpy(), dout.numpy()

    return step, lambda: dict(res)


def w8(d):
    """Per-sample gradients with torch.func.vmap(torch.func.grad(loss))."""
    from torch.func import grad, vmap
    params = [torch.tensor(p) for p in d["mlp_params"]]
    X, onehot = torch.tensor(d["mlp_X"]), torch.tensor(d["mlp_onehot"])

    def loss(params, x, onehot):
        logits = W.mlp_logits(params, x, torch.relu)
        return -(torch.log_softmax(logits, dim=0) * onehot).sum()
    per_sample = vmap(grad(loss), in_dims=(None, 0, 0))
    res = {}

    def step():
        res["g"] = per_sample(params, X, onehot)

    return step, lambda: W.w8_summary([g.numpy() for g in res["g"]])


def w6(d):
    params = [_leaf(p) for p in d["w6_params"]]
    X, onehot = torch.tensor(d["w6_X"]), torch.tensor(d["w6_onehot"])
    F = torch.nn.functional
    res = {}

    def step():
        logits = W.w6_logits(params, X, F.conv2d, F.max_pool2d, torch.relu)
        loss = -(torch.log_softmax(logits, dim=1) * onehot).sum() / X.shape[0]
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad * W.LR)
                p.grad = None
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.detach().numpy()
                                                  for i, p in enumerate(params)}}


def w9_gp(d):
    D2, y = torch.tensor(d["gp_D2"]), torch.tensor(d["gp_y"][:, None])
    eye = torch.eye(len(d["gp_y"]), dtype=torch.float64)
    theta = _leaf(d["gp_theta"])
    res = {}

    def step():
        theta.grad = None
        L = torch.linalg.cholesky(W.gp_kernel(theta, D2, torch.exp, eye))
        a = torch.cholesky_solve(y, L)
        lml = -0.5 * (y * a).sum() - torch.log(torch.diagonal(L)).sum() + W.GP_CONST
        lml.backward()
        res["lml"], res["grad"] = lml.item(), theta.grad.numpy().copy()

    return step, lambda: dict(res)


def w7(d):
    lstm = torch.nn.LSTM(W.W7_INPUT, W.W7_HIDDEN)
    params = [lstm.weight_ih_l0, lstm.weight_hh_l0, lstm.bias_ih_l0, lstm.bias_hh_l0]
    with torch.no_grad():
        for p, a in zip(params, d["w7_params"]):
            p.copy_(torch.tensor(a))
    X, Y = torch.tensor(d["w7_X"]), torch.tensor(d["w7_Y"])
    res = {}

    def step():
        out, _ = lstm(X)
        loss = ((out - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad * W.LR)
                p.grad = None
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.detach().numpy()
                                                  for i, p in enumerate(params)}}



def w7_gru(d):
    """W7's step with a GRU in place of the LSTM (bench/check.py's W7-GRU row)."""
    gru = torch.nn.GRU(W.W7_INPUT, W.W7_HIDDEN)
    params = [gru.weight_ih_l0, gru.weight_hh_l0, gru.bias_ih_l0, gru.bias_hh_l0]
    with torch.no_grad():
        for p, a in zip(params, W.w7_gru_params()):
            p.copy_(torch.tensor(a))
    X, Y = torch.tensor(d["w7_X"]), torch.tensor(d["w7_Y"])
    res = {}

    def step():
        out, _ = gru(X)
        loss = ((out - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            for p in params:
                p.sub_(p.grad * W.LR)
                p.grad = None
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.detach().numpy()
                                                  for i, p in enumerate(params)}}

def cases():
    out = [("W1", "eager", w1), ("W2", "eager", w2)]
    out += [(k, "eager", _w3(n)) for k, n in W.W3_SIZES.items()]
    out += [("W4/hessian", "torch.func.hessian", w4_hessian), ("W4/hvp", "torch.func", w4_hvp),
            ("W5/chain", "torch.func.jvp", w5_chain), ("W5/mlp", "torch.func.jvp", w5_mlp)]
    out += [("W8", "torch.func.vmap(grad)", w8)]
    out += [("W6", "eager", w6), ("W7", "eager", w7), ("W9/gp", "eager", w9_gp)]
    return out
