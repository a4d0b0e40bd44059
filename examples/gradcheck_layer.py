"""Gradient-check a layer whose backward pass is written by hand.

    python examples/gradcheck_layer.py

Layer normalization with a hand-derived backward, as a `tg.autograd.Function`:

    xhat = (x - mean) / sqrt(var + eps)          y = gamma * xhat + beta
    dx = (g_xhat - mean(g_xhat) - xhat * mean(g_xhat * xhat)) / sqrt(var + eps)

`tg.gradcheck` compares that backward (and the forward-mode rule) with central finite
differences in float64;
`tg.gradgradcheck` checks that the backward (written in tapegrad ops) is differentiable
again. Then a classic slip, dropping the `xhat * mean(g_xhat * xhat)` term, is caught,
and the report says which input, which element, and both values. Finally the layer is
compared with the autodiff of `tg.nn.LayerNorm`. Writes out/gradcheck_layer.txt.
"""
import os
from typing import Any

import numpy as np

import tapegrad as tg


class LayerNormFn(tg.autograd.Function):
    """Layer norm over the last axis with a hand-written backward (and forward-mode rule)."""

    @staticmethod
    def forward(ctx: Any, x: tg.Tensor, gamma: tg.Tensor, beta: tg.Tensor,
                eps: float = 1e-5) -> tg.Tensor:
        mean = x.mean(axis=-1, keepdims=True)
        centered = x - mean
        var = (centered * centered).mean(axis=-1, keepdims=True)
        inv_std = 1.0 / tg.sqrt(var + eps)
        xhat = centered * inv_std
        ctx.save_for_backward(x, gamma)
        ctx.eps = eps
        return xhat * gamma + beta

    @staticmethod
    def backward(ctx: Any, g: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor, tg.Tensor, None]:
        x, gamma = ctx.saved_tensors
        # recomputed from the saved input, so with create_graph every step is recorded
        mean = x.mean(axis=-1, keepdims=True)
        centered = x - mean
        inv_std = 1.0 / tg.sqrt((centered * centered).mean(axis=-1, keepdims=True) + ctx.eps)
        xhat = centered * inv_std
        g_xhat = g * gamma
        gx = inv_std * (g_xhat - g_xhat.mean(axis=-1, keepdims=True)
                        - xhat * (g_xhat * xhat).mean(axis=-1, keepdims=True))
        batch_axes = tuple(range(g.ndim - 1))
        ggamma = (g * xhat).sum(axis=batch_axes)
        gbeta = g.sum(axis=batch_axes)
        return gx, ggamma, gbeta, None

    @staticmethod
    def jvp(ctx: Any, dx: tg.Tensor, dgamma: tg.Tensor, dbeta: tg.Tensor) -> tg.Tensor:
        x: tg.Tensor
        gamma: tg.Tensor
        x, gamma = ctx.saved_tensors
        mean = x.mean(axis=-1, keepdims=True)
        centered = x - mean
        inv_std = 1.0 / tg.sqrt((centered * centered).mean(axis=-1, keepdims=True) + ctx.eps)
        xhat = centered * inv_std
        # the same projection as in backward: d xhat is self-adjoint in this form
        dxhat = inv_std * (dx - dx.mean(axis=-1, keepdims=True)
                           - xhat * (xhat * dx).mean(axis=-1, keepdims=True))
        return gamma * dxhat + dgamma * xhat + dbeta


class BuggyLayerNormFn(LayerNormFn):
    """The same layer with a common mistake: the xhat * mean(g_xhat * xhat) term is lost."""

    @staticmethod
    def backward(ctx: Any, g: tg.Tensor) -> tuple[tg.Tensor, tg.Tensor, tg.Tensor, None]:
        x, gamma = ctx.saved_tensors
        mean = x.mean(axis=-1, keepdims=True)
        centered = x - mean
        inv_std = 1.0 / tg.sqrt((centered * centered).mean(axis=-1, keepdims=True) + ctx.eps)
        xhat = centered * inv_std
        g_xhat = g * gamma
        gx = inv_std * (g_xhat - g_xhat.mean(axis=-1, keepdims=True))
        batch_axes = tuple(range(g.ndim - 1))
        return gx, (g * xhat).sum(axis=batch_axes), g.sum(axis=batch_axes), None


def layer_norm(x: tg.Tensor, gamma: tg.Tensor, beta: tg.Tensor) -> tg.Tensor:
    out: tg.Tensor = LayerNormFn.apply(x, gamma, beta)
    return out


def buggy_layer_norm(x: tg.Tensor, gamma: tg.Tensor, beta: tg.Tensor) -> tg.Tensor:
    out: tg.Tensor = BuggyLayerNormFn.apply(x, gamma, beta)
    return out


def inputs(seed: int = 0, batch: int = 3,
           features: int = 5) -> tuple[tg.Tensor, tg.Tensor, tg.Tensor]:
    rng = np.random.default_rng(seed)
    x = tg.tensor(rng.normal(size=(batch, features)), requires_grad=True)
    gamma = tg.tensor(rng.normal(size=features), requires_grad=True)
    beta = tg.tensor(rng.normal(size=features), requires_grad=True)
    return x, gamma, beta


def compare_with_autodiff(x: tg.Tensor, gamma: tg.Tensor,
                          beta: tg.Tensor) -> tuple[float, float]:
    """Largest difference from tg.nn.LayerNorm (plain autodiff) in outputs and gradients."""
    ref = tg.nn.LayerNorm(x.shape[-1], dtype="float64")
    with tg.no_grad():
        ref.weight.copy_(gamma)
        ref.bias.copy_(beta)
    upstream = tg.tensor(np.random.default_rng(1).normal(size=x.shape))
    ours = tg.autograd.grad((layer_norm(x, gamma, beta) * upstream).sum(), [x, gamma, beta])
    xr = x.detach().requires_grad_()
    theirs = tg.autograd.grad((ref(xr) * upstream).sum(), [xr, ref.weight, ref.bias])
    out_diff = np.abs(layer_norm(x, gamma, beta).numpy() - ref(x).numpy()).max()
    grad_diff = max(np.abs(a.numpy() - b.numpy()).max() for a, b in zip(ours, theirs))
    return float(out_diff), float(grad_diff)


def main(out_dir: str = "out") -> dict[str, Any]:
    x, gamma, beta = inputs()
    lines: list[str] = []
    passed = tg.gradcheck(layer_norm, (x, gamma, beta), check_forward_ad=True)
    lines.append(f"gradcheck of the hand-written backward and jvp: {passed}")
    second = tg.gradgradcheck(layer_norm, (x, gamma, beta))
    lines.append(f"gradgradcheck (the backward is differentiable again): {second}")
    caught: str | None
    try:
        tg.gradcheck(buggy_layer_norm, (x, gamma, beta))
        caught = None
    except tg.GradcheckError as e:
        caught = str(e)
    lines.append(f"gradcheck of the buggy backward:\n  {caught}")
    out_diff, grad_diff = compare_with_autodiff(x, gamma, beta)
    lines.append(f"vs tg.nn.LayerNorm autodiff: max |output diff| {out_diff:.2e}, "
                 f"max |grad diff| {grad_diff:.2e}")
    report = "\n".join(lines)
    print(report)
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "gradcheck_layer.txt")
    with open(path, "w") as f:
        f.write(report + "\n")
    return {"passed": passed, "second_order": second, "caught": caught,
            "out_diff": out_diff, "grad_diff": grad_diff, "report": path}


if __name__ == "__main__":
    main()
