"""Workload definitions shared by every library: inputs, sizes, units and tolerances."""
import numpy as np

from . import numpy_programs as NP

W1_CYCLES = 50                  # 6 elementwise ops per cycle -> 300 ops
W1_OPS = 6 * W1_CYCLES
W1_SIZE = 16
MLP_SIZES = (784, 512, 512, 10)
MLP_BATCH = 256
LR = 0.01
W4_N = 200
W5_CHAIN_N = 10_000
W6_BATCH = 64
W6_INPUT = (1, 28, 28)
# conv1 weight, bias, conv2 weight, bias, then (in, out) matrices and biases: 256-120-84-10
# W7: one single-layer LSTM, PyTorch's (4 * hidden, in) weights with gates i, f, g, o
W7_STEPS, W7_BATCH, W7_INPUT, W7_HIDDEN = 50, 32, 64, 128
W6_SHAPES = [(6, 1, 5, 5), (6,), (16, 6, 5, 5), (16,), (256, 120), (120,), (120, 84), (84,),
             (84, 10), (10,)]

# key -> (title, unit, scale from seconds per call to the unit, rtol)
WORKLOADS = {
    "W1": ("300 mixed elementwise ops, float32 (16,), fwd+bwd", "us/op", 1e6 / W1_OPS, 2e-3),
    "W2": ("MLP 784-512-512-10, batch 256, float32, SGD step", "ms", 1e3, 2e-3),
    "W3/1e4": ("chain of N=1e4 scalar ops, fwd+bwd", "us/node", 1e6 / 1e4, 1e-9),
    "W3/1e5": ("chain of N=1e5 scalar ops, fwd+bwd", "us/node", 1e6 / 1e5, 1e-9),
    "W3/1e6": ("chain of N=1e6 scalar ops, fwd+bwd", "us/node", 1e6 / 1e6, 1e-9),
    "W4/hessian": ("Hessian of sum(tanh(A @ x))**2, n=200, float64", "ms", 1e3, 1e-8),
    "W4/hvp": ("Hessian-vector product of the same f", "ms", 1e3, 1e-8),
    "W5/chain": ("jvp through the W3 chain, N=1e4", "ms", 1e3, 1e-9),
    "W5/mlp": ("jvp of the MLP logits along a parameter direction", "ms", 1e3, 2e-3),
    "W8": ("per-sample gradients of the W2 MLP (vmap of grad), batch 256, float32", "ms",
           1e3, 2e-3),
    "W6": ("LeNet-style CNN on 1x28x28, batch 64 (conv 5x5x6, pool, conv 5x5x16, pool, "
           "120, 84, 10), float32, SGD step", "ms", 1e3, 2e-3),
    "W7": ("single-layer LSTM, input 64, hidden 128, sequence 50, batch 32, float32, MSE "
           "on every output, SGD step", "ms", 1e3, 2e-3),
    "W9/heat": ("autograd-style NumPy program: grad of a 64x64 heat equation, 200 steps, "
                "float64", "ms", 1e3, 1e-9),
    "W9/net": ("autograd's neural_net.py: one SGD step, 784-200-100-10, batch 256, "
               "float64", "ms", 1e3, 1e-8),
    "W9/gp": ("gradient of a Gaussian-process log marginal likelihood, n=500, RBF kernel, "
              "3 hyperparameters (cholesky, cholesky_solve, log-det), float64", "ms", 1e3,
              1e-8),
}

GP_N = 500

W3_SIZES = {"W3/1e4": 10_000, "W3/1e5": 100_000, "W3/1e6": 1_000_000}


def data(seed=0):
    """Every input of every workload, as NumPy arrays (each library converts them)."""
    rng = np.random.default_rng(seed)
    d = {}
    d["w1_x"] = rng.standard_normal(W1_SIZE).astype(np.float32)
    d["w1_w"] = rng.standard_normal(W1_SIZE).astype(np.float32)
    sizes = MLP_SIZES
    d["mlp_X"] = rng.standard_normal((MLP_BATCH, sizes[0])).astype(np.float32)
    labels = rng.integers(0, sizes[-1], MLP_BATCH)
    d["mlp_onehot"] = np.eye(sizes[-1], dtype=np.float32)[labels]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append((rng.standard_normal((fan_in, fan_out)) / np.sqrt(fan_in))
                      .astype(np.float32))
        params.append(np.full(fan_out, 0.01, np.float32))
    d["mlp_params"] = params
    d["mlp_tangents"] = [rng.standard_normal(p.shape).astype(np.float32) * 0.1
                         for p in params]
    d["w3_x"] = np.float64(0.5)
    d["w3_c"] = np.float64(1.0)
    d["w4_A"] = rng.standard_normal((W4_N, W4_N)) / np.sqrt(W4_N)
    d["w4_x"] = rng.standard_normal(W4_N) * 0.5
    d["w4_v"] = rng.standard_normal(W4_N)
    # W9 draws from its own generator so the inputs above stay what they were
    r9 = np.random.default_rng(seed + 9)
    d["w9_u0"] = r9.standard_normal((NP.HEAT_N, NP.HEAT_N))
    d["w9_params"] = [(r9.standard_normal((m, n)) * 0.1, r9.standard_normal(n) * 0.1)
                      for m, n in zip(NP.NET_SIZES[:-1], NP.NET_SIZES[1:])]
    d["w9_X"] = r9.standard_normal((NP.NET_BATCH, NP.NET_SIZES[0]))
    d["w9_T"] = np.eye(NP.NET_SIZES[-1])[r9.integers(0, NP.NET_SIZES[-1], NP.NET_BATCH)]
    # W9/gp: 500 points on [-3, 3], noisy sin(2x); theta = log(lengthscale, signal
    # variance, noise variance)
    rg = np.random.default_rng(seed + 16)
    x = np.sort(rg.uniform(-3.0, 3.0, GP_N))
    d["gp_D2"] = (x[:, None] - x[None, :]) ** 2
    d["gp_y"] = np.sin(2.0 * x) + 0.1 * rg.standard_normal(GP_N)
    d["gp_theta"] = np.log(np.array([0.7, 1.3, 0.05]))
    # W6 draws from its own generator so the inputs above stay what they were
    r6 = np.random.default_rng(seed + 6)
    d["w6_X"] = r6.standard_normal((W6_BATCH,) + W6_INPUT).astype(np.float32)
    d["w6_onehot"] = np.eye(10, dtype=np.float32)[r6.integers(0, 10, W6_BATCH)]
    # U(-1, 1) / sqrt(fan in): a conv weight's fan in is C * kh * kw, a matrix's its rows
    d["w6_params"] = [(r6.uniform(-1, 1, s) / np.sqrt(np.prod(s[1:]) if len(s) == 4 else s[0]))
                      .astype(np.float32) for s in W6_SHAPES]
    # W7 draws from its own generator so the inputs above stay what they were
    r7 = np.random.default_rng(seed + 7)
    T, N, I, H = W7_STEPS, W7_BATCH, W7_INPUT, W7_HIDDEN
    d["w7_X"] = r7.standard_normal((T, N, I)).astype(np.float32)
    d["w7_Y"] = r7.standard_normal((T, N, H)).astype(np.float32)
    # weight_ih, weight_hh, bias_ih, bias_hh, U(-1, 1) / sqrt(hidden) as PyTorch draws them
    d["w7_params"] = [(r7.uniform(-1, 1, s) / np.sqrt(H)).astype(np.float32)
                      for s in ((4 * H, I), (4 * H, H), (4 * H,), (4 * H,))]
    return d


def w1_program(x, w, tanh, sin, exp):
    """The W1 op sequence, written once for every library that overloads operators."""
    y = x
    for _ in range(W1_CYCLES):
        y = y * w
        y = y + x
        y = tanh(y)
        y = sin(y)
        y = y - x
        y = exp(y)
    return y


def w3_chain(x, c, n, sin):
    """The W3 chain: n scalar ops alternating a multiply and a sine."""
    y = x
    for _ in range(n // 2):
        y = y * c
        y = sin(y)
    return y


def mlp_logits(params, X, relu, matmul=None):
    W1, b1, W2, b2, W3, b3 = params
    mm = matmul or (lambda a, b: a @ b)
    h = relu(mm(X, W1) + b1)
    h = relu(mm(h, W2) + b2)
    return mm(h, W3) + b3


def w8_summary(grads):
    """What W8 results are checked by: per-example squared norms of every parameter's
    gradient (what DP-SGD clips) and the last layer's per-example gradients in full."""
    out = {f"n{i}": np.asarray((np.asarray(g, np.float64) ** 2).reshape(len(g), -1).sum(1))
           for i, g in enumerate(grads)}
    out["g5"] = np.asarray(grads[5])
    return out


def w6_logits(params, X, conv2d, max_pool2d, relu):
    """The W6 network, written once for every library with PyTorch's functional names."""
    c1, b1, c2, b2, W3, b3, W4, b4, W5, b5 = params
    h = max_pool2d(relu(conv2d(X, c1, b1)), 2)
    h = max_pool2d(relu(conv2d(h, c2, b2)), 2)
    h = h.reshape(X.shape[0], 256)
    h = relu(h @ W3 + b3)
    h = relu(h @ W4 + b4)
    return h @ W5 + b5


def gp_kernel(theta, D2, exp, eye):
    """K = s^2 exp(-D2 / (2 l^2)) + sn^2 I with theta = log(l, s^2, sn^2): the W9/gp
    kernel, written once for every library whose arrays overload operators."""
    p = exp(theta)
    return p[1] * exp(D2 * (-0.5 / (p[0] * p[0]))) + p[2] * eye


GP_CONST = -0.5 * GP_N * np.log(2.0 * np.pi)


def w7_gru_params(seed=0):
    """W7-GRU (report only, not a WORKLOADS row): W7's inputs and sizes through a GRU.
    weight_ih, weight_hh, bias_ih, bias_hh (gates r, z, n), U(-1, 1) / sqrt(hidden) as
    PyTorch draws them, from a generator of their own (W7's inputs stay what they are)."""
    r = np.random.default_rng(seed + 71)
    H, I = W7_HIDDEN, W7_INPUT
    return [(r.uniform(-1, 1, s) / np.sqrt(H)).astype(np.float32)
            for s in ((3 * H, I), (3 * H, H), (3 * H,), (3 * H,))]
