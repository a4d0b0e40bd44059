

# ------------------------------------------------------------------ cotangents batched outside

def test_pullbacks_taken_outside_vmap_batch_their_cotangents():
    """A pullback built outside vmap and mapped over cotangents (torch.func's
    vmap(vjp_fn), autograd.grad's is_grads_batched): the rules used to run on the
    placeholder of the batched cotangent and returned NaN."""
    x0 = tg.tensor(np.array([0.1, 0.2, 0.3]))
    cts = _t(4, 3)
    want = np.cos(_np(x0)) * _np(cts)
    _, pull = tg.vjp(tg.sin, x0)
    _same(_strict(tg.vmap(pull), cts)[0], want, 1e-14)
    x = tg.tensor(_np(x0), requires_grad=True)
    y = tg.sin(x)
    grads = _strict(tg.vmap(lambda v: tg.autograd.grad(y, x, v, retain_graph=True)[0]), cts)
    _same(grads, want, 1e-14)
    xv = tg.Variable(_np(x0))
    with tg.GradientTape(persistent=True) as tape:
        yv = tg.sin(xv)
    _same(_strict(tg.vmap(lambda v: tape.gradient(yv, xv, output_gradients=v)), cts), want,
          1e-14)
    # into .grad, each element would add its own value: refused (torch.func refuses too)
    with pytest.raises(RuntimeError, match="accumulated into .grad"):
        tg.vmap(lambda v: y.backward(v, retain_graph=True))(cts)
    assert x.grad is None
