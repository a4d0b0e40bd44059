"""JAX on CPU, op by op (eager) and compiled (jit)."""
import numpy as np

from .. import numpy_programs as NP
from .. import workloads as W

NAME = "jax"
jax = jnp = None


def setup(threads):
    global jax, jnp
    import jax as _jax
    import jax.numpy as _jnp
    jax, jnp = _jax, _jnp
    jax.config.update("jax_enable_x64", True)
    return {"version": jax.__version__, "backend": jax.default_backend()}


def _ready(tree):
    return jax.block_until_ready(tree)


def _np(tree):
    return [np.asarray(t) for t in tree]


def _maybe_jit(fn, jit):
    return jax.jit(fn) if jit else fn


def _w1(jit):
    def factory(d):
        x, w = jnp.asarray(d["w1_x"]), jnp.asarray(d["w1_w"])
        g = _maybe_jit(jax.grad(lambda x, w: W.w1_program(x, w, jnp.tanh, jnp.sin,
                                                            jnp.exp).sum(), (0, 1)), jit)
        res = {}

        def step():
            res["gx"], res["gw"] = _np(_ready(g(x, w)))

        return step, lambda: dict(res)
    return factory


def _loss(params, X, onehot):
    logits = W.mlp_logits(params, X, jax.nn.relu)
    return -(jax.nn.log_softmax(logits, axis=1) * onehot).sum() / X.shape[0]


def _w2(jit):
    def factory(d):
        params = [jnp.asarray(p) for p in d["mlp_params"]]
        X, onehot = jnp.asarray(d["mlp_X"]), jnp.asarray(d["mlp_onehot"])

        def update(params, X, onehot):
            loss, grads = jax.value_and_grad(_loss)(params, X, onehot)
            return loss, [p - W.LR * g for p, g in zip(params, grads)]

        upd = _maybe_jit(update, jit)
        res = {}

        def step():
            loss, new = _ready(upd(params, X, onehot))
            params[:] = new
            res["loss"] = float(loss)

        return step, lambda: {"loss": res["loss"], **{f"p{i}": np.asarray(p)
                                                      for i, p in enumerate(params)}}
    return factory


def _w3(n):
    def factory(d):
        g = jax.grad(lambda x, c: W.w3_chain(x, c, n, jnp.sin), (0, 1))
        x, c = jnp.asarray(d["w3_x"]), jnp.asarray(d["w3_c"])
        res = {}

        def step():
            res["gx"], res["gc"] = _np(_ready(g(x, c)))

        return step, lambda: dict(res)
    return factory


def _w4_f(A):
    return lambda x: jnp.tanh(A @ x).sum() ** 2


def _w4_hessian(jit):
    def factory(d):
        h = _maybe_jit(jax.hessian(_w4_f(jnp.asarray(d["w4_A"]))), jit)
        x = jnp.asarray(d["w4_x"])
        res = {}

        def step():
            res["H"] = np.asarray(_ready(h(x)))

        return step, lambda: dict(res)
    return factory


def _w4_hvp(jit):
    def factory(d):
        g = jax.grad(_w4_f(jnp.asarray(d["w4_A"])))
        hvp = _maybe_jit(lambda x, v: jax.jvp(g, (x,), (v,))[1], jit)
        x, v = jnp.asarray(d["w4_x"]), jnp.asarray(d["w4_v"])
        res = {}

        def step():
            res["hv"] = np.asarray(_ready(hvp(x, v)))

        return step, lambda: dict(res)
    return factory


def _w5_chain(jit):
    def factory(d):
        c = jnp.asarray(d["w3_c"])
        f = _maybe_jit(lambda x, t: jax.jvp(
            lambda x: W.w3_chain(x, c, W.W5_CHAIN_N, jnp.sin), (x,), (t,)), jit)
        x, t = jnp.asarray(d["w3_x"]), jnp.asarray(np.float64(1.0))
        res = {}

        def step():
            res["y"], res["dy"] = _np(_ready(f(x, t)))

        return step, lambda: dict(res)
    return factory


def _w5_mlp(jit):
    def factory(d):
        X = jnp.asarray(d["mlp_X"])
        params = tuple(jnp.asarray(p) for p in d["mlp_params"])
        tangents = tuple(jnp.asarray(t) for t in d["mlp_tangents"])
        f = _maybe_jit(lambda ps, ts: jax.jvp(lambda *p: W.mlp_logits(p, X, jax.nn.relu),
                                              ps, ts), jit)
        res = {}

        def step():
            res["out"], res["dout"] = _np(_ready(f(params, tangents)))

        return step, lambda: dict(res)
    return factory


def _w9_heat(jit):
    def factory(d):
        g = _maybe_jit(jax.grad(lambda u: NP.heat_loss(jnp, u)), jit)
        u0 = jnp.asarray(d["w9_u0"])
        res = {}

        def step():
            res["g"] = np.asarray(_ready(g(u0)))

        return step, lambda: dict(res)
    return factory


def _w9_net(jit):
    def factory(d):
        from jax.scipy.special import logsumexp
        params = [(jnp.asarray(W_), jnp.asarray(b)) for W_, b in d["w9_params"]]
        X, T = jnp.asarray(d["w9_X"]), jnp.asarray(d["w9_T"])
        upd = _maybe_jit(lambda p: NP.net_step(p, jax.grad(
            lambda q: NP.net_objective(jnp, logsumexp, q, X, T))(p)), jit)
        res = {}

        def step():
            res["new"] = _ready(upd(params))

        return step, lambda: {k: np.asarray(v) for k, v in NP.net_results(res["new"]).items()}
    return factory


def _w8(jit):
    def factory(d):
        params = [jnp.asarray(p) for p in d["mlp_params"]]
        X, onehot = jnp.asarray(d["mlp_X"]), jnp.asarray(d["mlp_onehot"])

        def loss(params, x, onehot):
            logits = W.mlp_logits(params, x, jax.nn.relu)
            return -(jax.nn.log_softmax(logits, axis=0) * onehot).sum()
        per_sample = _maybe_jit(jax.vmap(jax.grad(loss), in_axes=(None, 0, 0)), jit)
        res = {}

        def step():
            res["g"] = _ready(per_sample(params, X, onehot))

        return step, lambda: W.w8_summary(_np(res["g"]))
    return factory


def _w9_gp(jit):
    def factory(d):
        from jax.scipy.linalg import cho_solve
        D2, y = jnp.asarray(d["gp_D2"]), jnp.asarray(d["gp_y"])
        eye = jnp.eye(len(d["gp_y"]))
        theta = jnp.asarray(d["gp_theta"])

        def lml(theta):
            L = jnp.linalg.cholesky(W.gp_kernel(theta, D2, jnp.exp, eye))
            a = cho_solve((L, True), y)
            return -0.5 * (y @ a) - jnp.log(jnp.diagonal(L)).sum() + W.GP_CONST
        vg = _maybe_jit(jax.value_and_grad(lml), jit)
        res = {}

        def step():
            res["lml"], res["grad"] = _ready(vg(theta))

        return step, lambda: {k: np.asarray(v) for k, v in res.items()}
    return factory


def cases():
    out = []
    for jit, v in ((False, "eager"), (True, "jit")):
        out += [("W1", v, _w1(jit)), ("W2", v, _w2(jit)), ("W4/hessian", v, _w4_hessian(jit)),
                ("W4/hvp", v, _w4_hvp(jit)), ("W5/mlp", v, _w5_mlp(jit)),
                ("W8", v, _w8(jit)), ("W9/net", v, _w9_net(jit)), ("W9/gp", v, _w9_gp(jit))]
    # jit would unroll the heat equation's 200 Python steps, and XLA takes minutes to
    # compile the gradient of that program: W9/heat runs eagerly only
    out += [("W9/heat", "eager", _w9_heat(False))]
    # the eager chain costs ~0.2 ms per op; 1e6 nodes would take minutes (and jit would
    # compile a million-op program), so the chain runs at the small sizes only
    out += [("W3/1e4", "eager", _w3(10_000)), ("W5/chain", "eager", _w5_chain(False))]
    return out
