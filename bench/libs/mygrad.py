"""MyGrad (reverse mode only; no Hessians or forward mode)."""
import numpy as np

from .. import workloads as W

NAME = "mygrad"
mg = None


def setup(threads):
    global mg
    import mygrad
    mg = mygrad
    return {"version": mg.__version__}


def w1(d):
    x, w = mg.tensor(d["w1_x"]), mg.tensor(d["w1_w"])

    def step():
        W.w1_program(x, w, mg.tanh, mg.sin, mg.exp).sum().backward()

    return step, lambda: {"gx": np.asarray(x.grad), "gw": np.asarray(w.grad)}


def w2(d):
    params = [mg.tensor(p.copy()) for p in d["mlp_params"]]
    X, onehot = d["mlp_X"], d["mlp_onehot"]
    res = {}

    def step():
        logits = W.mlp_logits(params, X, mg.nnet.relu, mg.matmul)
        m = logits.data.max(axis=1, keepdims=True)
        logp = logits - m - mg.log(mg.sum(mg.exp(logits - m), axis=1, keepdims=True))
        loss = -mg.sum(logp * onehot) / X.shape[0]
        loss.backward()
        for p in params:
            p.data -= W.LR * p.grad
        res["loss"] = loss.item()

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p.data
                                                  for i, p in enumerate(params)}}


def _w3(n):
    def factory(d):
        res = {}

        def step():
            x, c = mg.tensor(d["w3_x"]), mg.tensor(d["w3_c"])
            W.w3_chain(x, c, n, mg.sin).backward()
            res["gx"], res["gc"] = np.asarray(x.grad), np.asarray(c.grad)

        return step, lambda: dict(res)
    return factory


def cases():
    out = [("W1", "eager", w1), ("W2", "eager", w2)]
    out += [(k, "eager", _w3(n)) for k, n in W.W3_SIZES.items()]
    return out
