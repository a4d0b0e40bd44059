"""HIPS autograd (reverse mode by tracing, forward mode by make_jvp)."""
import numpy as np

from .. import numpy_programs as NP
from .. import workloads as W

NAME = "autograd"
ag = anp = None


def setup(threads):
    global ag, anp
    import autograd
    import autograd.numpy
    ag, anp = autograd, autograd.numpy
    from importlib.metadata import version
    return {"version": version("autograd")}


def w1(d):
    x, w = d["w1_x"], d["w1_w"]
    g = ag.grad(lambda x, w: anp.sum(W.w1_program(x, w, anp.tanh, anp.sin, anp.exp)),
                argnum=(0, 1))
    res = {}

    def step():
        res["gx"], res["gw"] = g(x, w)

    return step, lambda: dict(res)


def _loss(params, X, onehot):
    logits = W.mlp_logits(params, X, lambda z: anp.maximum(z, 0))
    m = anp.max(logits, axis=1, keepdims=True)
    logp = logits - m - anp.log(anp.sum(anp.exp(logits - m), axis=1, keepdims=True))
    return -anp.sum(logp * onehot) / X.shape[0]


def w2(d):
    params = [p.copy() for p in d["mlp_params"]]
    X, onehot = d["mlp_X"], d["mlp_onehot"]
    vg = ag.value_and_grad(_loss)
    res = {}

    def step():
        loss, grads = vg(params, X, onehot)
        for p, g in zip(params, grads):
            p -= W.LR * g
        res["loss"] = loss

    return step, lambda: {"loss": res["loss"], **{f"p{i}": p for i, p in enumerate(params)}}


def _w3(n):
    def factory(d):
        g = ag.grad(lambda x, c: W.w3_chain(x, c, n, anp.sin), argnum=(0, 1))
        res = {}

        def step():
            res["gx"], res["gc"] = g(d["w3_x"], d["w3_c"])

        return step, lambda: dict(res)
    return factory


def _w4_f(A):
    return lambda x: anp.sum(anp.tanh(anp.dot(A, x))) ** 2


def w4_hessian(d):
    h = ag.hessian(_w4_f(d["w4_A"]))
    res = {}

    def step():
        res["H"] = h(d["w4_x"])

    return step, lambda: dict(res)


def w4_hvp(d):
    hvp = ag.hessian_vector_product(_w4_f(d["w4_A"]))
    res = {}

    def step():
        res["hv"] = hvp(d["w4_x"], d["w4_v"])

    return step, lambda: dict(res)


def w5_chain(d):
    c = d["w3_c"]
    jvp = ag.make_jvp(lambda x: W.w3_chain(x, c, W.W5_CHAIN_N, anp.sin))
    res = {}

    def step():
        res["y"], res["dy"] = jvp(d["w3_x"])(np.float64(1.0))

    return step, lambda: dict(res)


def w5_mlp(d):
    X = d["mlp_X"]
    jvp = ag.make_jvp(lambda ps: W.mlp_logits(ps, X, lambda z: anp.maximum(z, 0),
                                              anp.dot))
    params, tangents = tuple(d["mlp_params"]), tuple(d["mlp_tangents"])
    res = {}

    def step():
        res["out"], res["dout"] = jvp(params)(tangents)

    return step, lambda: dict(res)


def w9_heat(d):
    u0 = d["w9_u0"]
    g = ag.grad(lambda u: NP.heat_loss(anp, u))
    res = {}

    def step():
        res["g"] = g(u0)

    return step, lambda: dict(res)


def w9_net(d):
    from autograd.scipy.special import logsumexp
    params, X, T = d["w9_params"], d["w9_X"], d["w9_T"]
    g = ag.grad(lambda p: NP.net_objective(anp, logsumexp, p, X, T))
    res = {}

    def step():
        res.update(NP.net_results(NP.net_step(params, g(params))))

    return step, lambda: dict(res)


def w9_gp(d):
    from autograd.scipy.linalg import solve_triangular
    D2, y, theta = d["gp_D2"], d["gp_y"], d["gp_theta"]
    eye = np.eye(len(y))

    def lml(theta):
        L = anp.linalg.cholesky(W.gp_kernel(theta, D2, anp.exp, eye))
        a = solve_triangular(L.T, solve_triangular(L, y, lower=True), lower=False)
        return -0.5 * anp.dot(y, a) - anp.sum(anp.log(anp.diag(L))) + W.GP_CONST
    vg = ag.value_and_grad(lml)
    res = {}

    def step():
        res["lml"], res["grad"] = vg(theta)

    return step, lambda: dict(res)


def cases():
    out = [("W1", "eager", w1), ("W2", "eager", w2)]
    out += [(k, "eager", _w3(n)) for k, n in W.W3_SIZES.items()]
    out += [("W4/hessian", "hessian", w4_hessian), ("W4/hvp", "hessian_vector_product",
                                                      w4_hvp),
            ("W5/chain", "make_jvp", w5_chain), ("W5/mlp", "make_jvp", w5_mlp)]
    out += [("W9/heat", "eager", w9_heat), ("W9/net", "eager", w9_net),
            ("W9/gp", "eager", w9_gp)]
    return out
