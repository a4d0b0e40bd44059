"""`Odeint`: the solution of dy/dt = fn(y, t, theta) at given times, as one op.

This op lives here rather than in ops/ because its rules differentiate the user's
function: they call the transforms (tg.vjp, tg.jvp), a layer above ops. Both rules are
themselves ODE solves through `Odeint` (the adjoint system backward, the tangent system
forward), written with tapegrad ops, so they record and can be differentiated again.

Internally everything is flat: y is a vector of n values, theta a vector of the
arguments' values; `fn(y, t, theta)` returns dy/dt as a vector. tapegrad.scipy.integrate
wraps the user's function into that form.
"""
import numpy as np

from .. import ops
from .._tensor import Tensor, make
from ..func import jvp as _jvp, vjp as _vjp
from ..ops import Op, apply, register, tangent_sum
from ..vmap import vmap as _vmap
from ..vmap._batched import RULES, _full

_integrate = None       # scipy.integrate once looked up; False when SciPy is missing


def _scipy_integrate():
    global _integrate
    if _integrate is None:
        try:
            import scipy.integrate as module
        except ImportError:
            module = False
        _integrate = module
    return _integrate


def _rk4_adaptive(f, y0, ts, rtol, atol):
    """Classical RK4 with step doubling (a full step against two half steps) for the
    error estimate; the NumPy fallback of scipy.integrate.odeint."""
    def step(y, t, h):
        k1 = f(y, t)
        k2 = f(y + 0.5 * h * k1, t + 0.5 * h)
        k3 = f(y + 0.5 * h * k2, t + 0.5 * h)
        k4 = f(y + h * k3, t + h)
        return y + h / 6.0 * (k1 + 2 * k2 + 2 * k3 + k4)

    out = [np.array(y0, dtype=np.float64)]
    y = out[0]
    for t0, t1 in zip(ts[:-1], ts[1:]):
        t, span = float(t0), float(t1) - float(t0)
        h = span / 8.0 if span else 0.0
        while span and (t1 - t) * np.sign(span) > 1e-14 * max(1.0, abs(t1)):
            h = np.sign(span) * min(abs(h), abs(t1 - t))
            full = step(y, t, h)
            half = step(step(y, t, h / 2), t + h / 2, h / 2)
            err = np.max(np.abs(half - full) / 15.0 / (atol + rtol * np.abs(half)), initial=0.0)
            if err <= 1.0:
                y = half + (half - full) / 15.0      # Richardson: one order more
                t += h
            h = h * min(4.0, max(0.2, 0.9 * (max(err, 1e-10)) ** -0.2))
        out.append(y)
    return np.stack(out)


def _values(v):
    return v._data if isinstance(v, Tensor) else np.asarray(v)


def _solve(fn, y0, t, theta, rtol, atol):
    """The (len(t), n) trajectory, from the values alone (nothing records)."""
    theta_t = _const(theta)

    def f(y, tt):
        return np.asarray(_values(fn(_const(y), float(tt), theta_t)), dtype=np.float64).ravel()

    y0 = np.asarray(y0, dtype=np.float64).ravel()
    t = np.asarray(t, dtype=np.float64)
    sci = _scipy_integrate()
    if sci:
        return sci.odeint(f, y0, t, rtol=rtol, atol=atol, mxstep=50000)
    return _rk4_adaptive(f, y0, t, rtol, atol)


def _const(v):
    """A value as a float64 Tensor that records nothing (a Tensor stays as it is)."""
    if isinstance(v, Tensor):
        return v
    a = np.array(v)
    return make(a if a.dtype.kind == "f" else a.astype(np.float64))


def _time(t, i):
    """t[i] for the user's function: a Tensor only when a gradient must flow through it,
    else a Python float (as SciPy passes it)."""
    if isinstance(t, Tensor) and (t.requires_grad or t._fw is not None):
        return t[i]
    return float(_values(t)[i])


def _adjoint_system(fn, n):
    """[y, a, a_theta]' = [f, -a df/dy, -a df/dtheta]: integrated backward in time, a is
    the cotangent of y(t) and a_theta collects the cotangent of theta."""
    def system(s, t, theta):
        f, pull = _vjp(lambda y, th: fn(y, t, th), s[:n], theta)
        gy, gth = pull(s[n:2 * n])
        return ops.concatenate([f, -gy, -gth])
    return system


def _tangent_system(fn, n, m):
    """[y, dy]' = [f, df/dy dy + df/dtheta dtheta], with theta' = [theta, dtheta]."""
    def system(s, t, th2):
        f, df = _jvp(lambda y, th: fn(y, t, th), (s[:n], th2[:m]), (s[n:], th2[m:]))
        return ops.concatenate([f, df])
    return system


@register
class Odeint(Op):
    """The trajectory y(t[i]), shape (len(t), n), of dy/dt = fn(y, t, theta) from
    y(t[0]) = y0 (n values)."""
    args = ("y0", "t", "theta")
    saves = ("y0", "t", "theta", "out")

    @staticmethod
    def forward(y0, t, theta, *, fn, rtol, atol):
        # the solver computes in float64; the result takes y0's floating dtype
        dtype = np.result_type(y0, t, theta)
        out = _solve(fn, y0, t, theta, rtol, atol)
        return out.astype(dtype if dtype.kind == "f" else np.float64, copy=False)

    # The adjoint method: a(t) = dL/dy(t) runs backward, a' = -a df/dy, jumping by g[i]
    # at each t[i]; dL/dtheta = integral of a df/dtheta; dL/dt[i] = g[i] . f(y[i], t[i])
    # for i > 0, and dL/dt[0] = -a(t[0]+) . f(y0, t[0]) (a later start shifts y back).
    @staticmethod
    def vjp(ctx, g):
        y0, t, theta, out = ctx.saved
        plain = not any(isinstance(v, Tensor) for v in (y0, t, theta, out, g))
        y0, t, theta, out, g = (_const(v) for v in (y0, t, theta, out, g))
        fn, rtol, atol = ctx.params["fn"], ctx.params["rtol"], ctx.params["atol"]
        n, steps = y0.shape[0], t.shape[0]
        system = _adjoint_system(fn, n)
        a = g[steps - 1]
        a_theta = _const(np.zeros(theta.shape))
        gts = [None] * steps
        want_t = ctx.needs_grad[1]
        for i in range(steps - 1, 0, -1):
            if want_t:
                gts[i] = ops.sum(g[i] * fn(out[i], _time(t, i), theta))
            state = ops.concatenate([out[i], a, a_theta])
            back = apply(Odeint, state, ops.stack([t[i], t[i - 1]]), theta, fn=system,
                         rtol=rtol, atol=atol)[1]
            a = back[n:2 * n] + g[i - 1]
            a_theta = back[2 * n:]
        gt = None
        if want_t:
            gts[0] = -ops.sum((a - g[0]) * fn(out[0], _time(t, 0), theta))
            gt = ops.stack(gts)
        grads = (a, gt, a_theta)
        grads = tuple(v if need else None for v, need in zip(grads, ctx.needs_grad))
        return tuple(v._data if plain and v is not None else v for v in grads)

    # The tangent system from dy(t[0]) = dy0 - f(y0, t[0]) dt[0], plus f(y[i], t[i]) dt[i]
    @staticmethod
    def jvp(ctx, dy0, dt, dtheta):
        y0, t, theta, out = ctx.saved
        plain = not any(isinstance(v, Tensor) for v in (y0, t, theta, out, dy0, dt, dtheta))
        y0, t, theta, out = (_const(v) for v in (y0, t, theta, out))
        fn, rtol, atol = ctx.params["fn"], ctx.params["rtol"], ctx.params["atol"]
        n, m, steps = y0.shape[0], theta.shape[0], t.shape[0]
        dy0 = _const(np.zeros(y0.shape)) if dy0 is None else _const(dy0)
        dtheta = _const(np.zeros(theta.shape)) if dtheta is None else _const(dtheta)
        slopes = None
        if dt is not None:
            dt = _const(dt)
            slopes = ops.stack([fn(out[i], _time(t, i), theta) for i in range(steps)])
            dy0 = dy0 - slopes[0] * dt[0]
        traj = apply(Odeint, ops.concatenate([y0, dy0]), t, ops.concatenate([theta, dtheta]),
                     fn=_tangent_system(fn, n, m), rtol=rtol, atol=atol)
        dout = tangent_sum(traj[:, n:], None if dt is None else slopes * ops.reshape(dt, (-1, 1)))
        return dout._data if plain else dout



# ------------------------------------------------------------------ tg.vmap

def _batched_rhs(fn, size, n, theta_mapped, t_mapped):
    """The batch's dy/dt as one flat system of size * n values: fn vmapped over the
    examples' states (and their theta, and their times when t_mapped). theta holds the
    examples' theta side by side (or one shared theta); with t_mapped its last 2 * size
    values are each example's segment start and length, and time runs over [0, 1]."""
    def rhs(y, s, theta):
        ys = ops.reshape(y, (size, n))
        if t_mapped:
            th, start, span = theta[:-2 * size], theta[-2 * size:-size], theta[-size:]
            tt = start + s * span
        else:
            th, tt = theta, s
        if theta_mapped:
            th = ops.reshape(th, (size, -1))
        f = _vmap(fn, in_axes=(0, 0 if t_mapped else None, 0 if theta_mapped else None))
        dy = f(ys, tt, th)
        if t_mapped:
            dy = dy * ops.reshape(span, (size, 1))      # d/ds = span * d/dt
        return ops.reshape(dy, (-1,))
    return rhs


def _odeint_rule(op, vals, flags, params, size):
    """The batch's systems as one system of size * n values (JAX's odeint under vmap
    does the same): the step size is then shared, so each trajectory equals the loop's
    to the solver's tolerance. Per-example times: each interval between two of them
    runs as time s in [0, 1] (t = start + s * span, dy/ds = span * f), one solve per
    interval for the batch, the starts and spans joining theta so that gradients reach t
    through the adjoint's theta part."""
    (y0, t, theta), (fy, ft, fth) = vals, flags
    fn, rtol, atol = params["fn"], params["rtol"], params["atol"]
    y0 = _full(y0, fy, size)
    n = y0.shape[1]
    y = ops.reshape(y0, (-1,))
    th = ops.reshape(theta, (-1,)) if fth else theta
    if not ft:
        traj = apply(Odeint, y, t, th, fn=_batched_rhs(fn, size, n, fth, False),
                     rtol=rtol, atol=atol)
        return ops.transpose(ops.reshape(traj, (-1, size, n)), (1, 0, 2))
    rhs = _batched_rhs(fn, size, n, fth, True)
    unit = np.array([0.0, 1.0])
    rows = [y0]
    for i in range(t.shape[1] - 1):
        start, stop = t[:, i], t[:, i + 1]
        seg = ops.concatenate([_const(th), _const(start), _const(stop - start)])
        y = apply(Odeint, y, unit, seg, fn=rhs, rtol=rtol, atol=atol)[1]
        rows.append(ops.reshape(y, (size, n)))
    return ops.stack(rows, axis=1)


RULES[Odeint] = _odeint_rule
