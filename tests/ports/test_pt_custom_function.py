"""PyTorch "Extending torch.autograd" and "Double Backward with Custom Functions": a
LinearFunction with ctx.save_for_backward and ctx.needs_input_grad, checked by
torch.autograd.gradcheck; MulConstant with a non-tensor argument (None gradient);
an in-place function with ctx.mark_dirty; a sort with ctx.mark_non_differentiable;
ctx.set_materialize_grads(False); @once_differentiable refusing a double backward;
an Exp saving its output and differentiable twice; setup_context-less style."""
import numpy as np
import pytest

from ._port import run

PROGRAM = r'''
import tapegrad as torch
from tapegrad.autograd import Function
from tapegrad.autograd.function import once_differentiable


class LinearFunction(Function):
    @staticmethod
    def forward(ctx, input, weight, bias=None):
        ctx.save_for_backward(input, weight, bias)
        output = input.mm(weight.t())
        if bias is not None:
            output += bias.unsqueeze(0).expand_as(output)
        return output

    @staticmethod
    def backward(ctx, grad_output):
        input, weight, bias = ctx.saved_tensors
        grad_input = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_input = grad_output.mm(weight)
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.t().mm(input)
        if bias is not None and ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_input, grad_weight, grad_bias


linear = LinearFunction.apply
from tapegrad.autograd import gradcheck
input = (torch.randn(20, 20, dtype=torch.double, requires_grad=True),
         torch.randn(30, 20, dtype=torch.double, requires_grad=True))
test = gradcheck(linear, input, eps=1e-6, atol=1e-4)
print(test)
linear_ok = test
needs = []


class Probe(Function):
    @staticmethod
    def forward(ctx, a, b):
        needs.append(tuple(ctx.needs_input_grad))
        return a * b

    @staticmethod
    def backward(ctx, g):
        return None, g


a = torch.ones(2, requires_grad=True)
b = torch.ones(2)
Probe.apply(b, a).sum().backward()


class MulConstant(Function):
    @staticmethod
    def forward(ctx, tensor, constant):
        ctx.constant = constant
        return tensor * constant

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output * ctx.constant, None


x = torch.tensor([1.0, 2.0], requires_grad=True)
y = MulConstant.apply(x, 5.5)
y.sum().backward()
mulconst_grad = x.grad.clone()
print(y.grad_fn)
grad_fn_name = y.grad_fn.name()


class AddOneInplace(Function):
    @staticmethod
    def forward(ctx, x):
        x.add_(1)
        ctx.mark_dirty(x)
        return x

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


leaf = torch.tensor([1.0, 2.0], requires_grad=True)
x = leaf.clone()
y = AddOneInplace.apply(x)
same_object = y is x
(y * y).sum().backward()
dirty_grad = leaf.grad.clone()
dirty_values = y.detach().clone()


class SortFn(Function):
    @staticmethod
    def forward(ctx, x):
        values, idx = x.sort()
        ctx.mark_non_differentiable(idx)
        ctx.save_for_backward(x, idx)
        return values, idx

    @staticmethod
    def backward(ctx, g1, g2):
        x, idx = ctx.saved_tensors
        grad_input = torch.zeros_like(x)
        grad_input.index_add_(0, idx, g1)
        return grad_input


x = torch.tensor([3.0, 1.0, 2.0], requires_grad=True)
values, idx = SortFn.apply(x)
idx_requires_grad = idx.requires_grad
(values * torch.tensor([1.0, 10.0, 100.0])).sum().backward()
sort_grad = x.grad.clone()


class SimpleFunc(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.set_materialize_grads(False)
        return x.clone(), x.clone()

    @staticmethod
    def backward(ctx, g1, g2):
        seen.append((g1 is None, g2 is None))
        x = torch.zeros(3)
        if g1 is not None:
            x = x + g1
        if g2 is not None:
            x = x + g2
        return x


seen = []
x = torch.ones(3, requires_grad=True)
a, _ = SimpleFunc.apply(x)
a.sum().backward()
materialize_seen = seen[0]


class Exp(Function):
    @staticmethod
    def forward(ctx, i):
        result = i.exp()
        ctx.save_for_backward(result)
        return result

    @staticmethod
    def backward(ctx, grad_output):
        result, = ctx.saved_tensors
        return grad_output * result


x = torch.tensor([0.5, 1.0], dtype=torch.double, requires_grad=True)
y = Exp.apply(x)
g, = torch.autograd.grad(y.sum(), x, create_graph=True)
gg, = torch.autograd.grad(g.sum(), x)
exp_second = gg.detach().clone()
gradgrad_ok = torch.autograd.gradgradcheck(Exp.apply, x)


class Cube(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x ** 3

    @staticmethod
    @once_differentiable
    def backward(ctx, grad_output):
        x, = ctx.saved_tensors
        return grad_output * 3 * x ** 2


x = torch.tensor([2.0], dtype=torch.double, requires_grad=True)
y = Cube.apply(x)
g, = torch.autograd.grad(y, x, create_graph=True)
cube_first = g.item()
try:
    g.backward()
    once_error = None
except RuntimeError as e:
    once_error = str(e)
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_custom_functions(lib):
    ns, out = run(PROGRAM, "custom_function", lib)
    assert ns["linear_ok"] is True
    assert ns["needs"] == [(False, True)]
    np.testing.assert_allclose(ns["mulconst_grad"].numpy(), [5.5, 5.5])
    assert ns["grad_fn_name"] == "MulConstantBackward"
    assert ns["same_object"]
    np.testing.assert_allclose(ns["dirty_values"].numpy(), [2.0, 3.0])
    np.testing.assert_allclose(ns["dirty_grad"].numpy(), [4.0, 6.0])
    assert ns["idx_requires_grad"] is False
    np.testing.assert_allclose(ns["sort_grad"].numpy(), [100.0, 1.0, 10.0])
    # tapegrad passes zeros for an output without a gradient (documented), torch None
    assert ns["materialize_seen"][0] is False
    np.testing.assert_allclose(ns["exp_second"].numpy(), np.exp([0.5, 1.0]))
    assert ns["gradgrad_ok"] is True
    assert ns["cube_first"] == 12.0
    # torch: "does not require grad" (g is not connected here); tapegrad names the
    # decorator. Both refuse only the second differentiation, not create_graph itself
    assert ns["once_error"] is not None
