"""Module full backward hooks against PyTorch's semantics (values recorded from torch
2.13: an output the loss does not use has grad_output None; a hook's replacement is
checked for its count, type and shapes; `prepend=` as torch's)."""
import pytest

import tapegrad as tg


class _TwoOut(tg.nn.Module):
    def forward(self, a, b):
        return a * b, a + b


class _Scale(tg.nn.Module):
    def __init__(self):
        super().__init__()
        self.w = tg.nn.Parameter(tg.tensor([2.0, 3.0]))

    def forward(self, x):
        return x * self.w


def _grads(t):
    return None if t is None else t.tolist()


def test_unused_output_has_grad_output_none_in_both_hooks():
    # torch 2.13: ([3., 4.], [1., 2.]) for grad_input, ([1., 1.], None) for grad_output
    seen = []
    m = _TwoOut()
    m.register_full_backward_pre_hook(lambda mod, go: seen.append(("pre", *map(_grads, go))))
    m.register_full_backward_hook(
        lambda mod, gi, go: seen.append(("full", *map(_grads, gi), *map(_grads, go))))
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    b = tg.tensor([3.0, 4.0], requires_grad=True)
    o1, o2 = m(a, b)
    o1.sum().backward(retain_graph=True)
    assert seen == [("pre", [1.0, 1.0], None),
                    ("full", [3.0, 4.0], [1.0, 2.0], [1.0, 1.0], None)]
    assert a.grad.tolist() == [3.0, 4.0] and b.grad.tolist() == [1.0, 2.0]
    seen.clear()
    (2 * o2.sum()).backward()          # the other output alone, on the same graph
    assert seen == [("pre", None, [2.0, 2.0]),
                    ("full", [2.0, 2.0], [2.0, 2.0], None, [2.0, 2.0])]


def test_grad_output_lays_out_every_output_with_none_for_non_tensors():
    class Nested(tg.nn.Module):
        def forward(self, x):
            return x * 2, [x * 3]

    seen = []
    m = Nested()
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(tuple(map(_grads, go))))
    x = tg.tensor([1.0, 1.0], requires_grad=True)
    o = m(x)
    (o[0].sum() + o[1][0].sum()).backward()
    assert seen == [([1.0, 1.0], None)]            # torch 2.13: the same
    assert x.grad.tolist() == [5.0, 5.0]


@pytest.mark.parametrize("ret, match", [
    (lambda gi: (gi[0], gi[0]), r"invalid number of grad_input, got 2, but expected 1"),
    (lambda gi: gi[0], r"must return None or a tuple of 1 grad_input gradient\(s\), got Tensor"),
    (lambda gi: (tg.ones(3),), r"changed the size of grad_input\[0\]: got shape \(3,\), "
                               r"expected \(2,\)"),
    (lambda gi: ("a",), r"grad_input\[0\] must be a Tensor or None, got str"),
])
def test_a_bad_replacement_from_a_full_hook_raises_naming_it(ret, match):
    m = _Scale()

    def my_hook(mod, gi, go):
        return ret(gi)

    m.register_full_backward_hook(my_hook)
    x = tg.tensor([1.0, 1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="backward hook 'my_hook'.*" + match):
        m(x).sum().backward()


def test_a_bad_replacement_from_a_pre_hook_raises_naming_it():
    m = _Scale()
    m.register_full_backward_pre_hook(lambda mod, go: (go[0], go[0]))
    x = tg.tensor([1.0, 1.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"backward pre hook '<lambda>' returned an invalid "
                                           r"number of grad_output, got 2, but expected 1"):
        m(x).sum().backward()


def test_replacements_flow_on():
    m = _Scale()
    m.register_full_backward_pre_hook(lambda mod, go: (go[0] * 3,))
    m.register_full_backward_hook(lambda mod, gi, go: (gi[0] * 10,))
    x = tg.tensor([1.0, 1.0], requires_grad=True)
    m(x).sum().backward()
    assert x.grad.tolist() == [60.0, 90.0] and m.w.grad.tolist() == [3.0, 3.0]


def test_prepend_runs_a_hook_first():
    order = []
    m = _Scale()
    m.register_full_backward_hook(lambda *a: order.append("first"))
    h = m.register_full_backward_hook(lambda *a: order.append("prepended"), prepend=True)
    m.register_full_backward_pre_hook(lambda *a: order.append("pre1"))
    m.register_full_backward_pre_hook(lambda *a: order.append("pre0"), prepend=True)
    m(tg.tensor([1.0, 1.0], requires_grad=True)).sum().backward()
    assert order == ["pre0", "pre1", "prepended", "first"]
    h.remove()
    order.clear()
    m(tg.tensor([1.0, 1.0], requires_grad=True)).sum().backward()
    assert order == ["pre0", "pre1", "first"]
    with pytest.raises(TypeError, match="register_full_backward_hook: prepend must be a bool"):
        m.register_full_backward_hook(lambda *a: None, prepend="yes")


def test_grad_input_is_none_for_a_tensor_input_that_needs_no_gradient():
    # tapegrad's documented rule (Module.register_full_backward_hook: "None for inputs
    # that need none"), also when another input needs one: torch 2.13 hands zeros there
    # ((tensor([3., 4.]), tensor([0., 0.])) for this call) and None only when no input
    # needs a gradient. None says "no gradient flows here"; zeros would look like one.
    seen = []
    m = _TwoOut()
    m.register_full_backward_hook(lambda mod, gi, go: seen.append(tuple(map(_grads, gi))))
    a = tg.tensor([1.0, 2.0], requires_grad=True)
    o1, o2 = m(a, tg.tensor([3.0, 4.0]))
    (o1.sum() + o2.sum()).backward()
    assert seen == [([4.0, 5.0], None)]
