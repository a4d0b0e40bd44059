"""Docstrings of Tensor's op methods, n to z (see _tensor_op_docs.py)."""

OP_DOCS_NZ = {}

OP_DOCS_NZ["nan_to_num"] = """Method form of `tapegrad.nan_to_num`: `x.nan_to_num(...)` is `tg.nan_to_num(x, ...)`.

>>> tg.tensor([float('nan'), 1.0]).nan_to_num()
tensor([0., 1.])
"""
OP_DOCS_NZ["nanmean"] = """Method form of `tapegrad.nanmean`: `x.nanmean(...)` is `tg.nanmean(x, ...)`.

>>> tg.tensor([1.0, float('nan'), 3.0]).nanmean()
tensor(2.)
"""
OP_DOCS_NZ["nanmedian"] = """Method form of `tapegrad.nanmedian`: `x.nanmedian(...)` is `tg.nanmedian(x, ...)`.

>>> tg.tensor([3.0, float('nan'), 1.0]).nanmedian()
tensor(1.)
"""
OP_DOCS_NZ["nanquantile"] = """Method form of `tapegrad.nanquantile`: `x.nanquantile(...)` is `tg.nanquantile(x, ...)`.

>>> tg.tensor([1.0, float('nan'), 3.0]).nanquantile(0.5)
tensor(2.)
"""
OP_DOCS_NZ["nansum"] = """Method form of `tapegrad.nansum`: `x.nansum(...)` is `tg.nansum(x, ...)`.

>>> tg.tensor([1.0, float('nan'), 3.0]).nansum()
tensor(4.)
"""
OP_DOCS_NZ["narrow"] = """Method form of `tapegrad.narrow`: `x.narrow(...)` is `tg.narrow(x, ...)`.

>>> tg.arange(5.0).narrow(0, 1, 2)
tensor([1., 2.])
"""
OP_DOCS_NZ["norm"] = """Method form of `tapegrad.norm`: `x.norm(...)` is `tg.norm(x, ...)`.

>>> tg.tensor([3.0, 4.0]).norm()
tensor(5.)
"""
OP_DOCS_NZ["permute"] = """Method form of `tapegrad.permute`: `x.permute(...)` is `tg.permute(x, ...)`.

>>> tg.zeros((2, 3, 4)).permute(2, 0, 1).shape
(4, 2, 3)
"""
OP_DOCS_NZ["pinverse"] = """Method form of `tapegrad.linalg.pinv`: `x.pinverse(...)` is `tg.linalg.pinv(x, ...)`.

>>> tg.tensor([[2.0, 0.0], [0.0, 4.0]]).pinverse()
tensor([[0.5000, 0.0000],
        [0.0000, 0.2500]])
"""
OP_DOCS_NZ["polygamma"] = """Method form of `tapegrad.polygamma`: `x.polygamma(...)` is `tg.polygamma(x, ...)`.

>>> tg.tensor([1.0]).polygamma(1)
tensor([1.6449])
"""
OP_DOCS_NZ["positive"] = """Method form of `tapegrad.positive`: `x.positive(...)` is `tg.positive(x, ...)`.

>>> tg.tensor([-1.0]).positive()
tensor([-1.])
"""
OP_DOCS_NZ["pow"] = """Method form of `tapegrad.pow`: `x.pow(...)` is `tg.pow(x, ...)`.

>>> tg.tensor([2.0, 3.0]).pow(2)
tensor([4., 9.])
"""
OP_DOCS_NZ["ptp"] = """Method form of `tapegrad.ptp`: `x.ptp(...)` is `tg.ptp(x, ...)`.

>>> tg.tensor([1.0, 5.0, 2.0]).ptp()
tensor(4.)
"""
OP_DOCS_NZ["quantile"] = """Method form of `tapegrad.quantile`: `x.quantile(...)` is `tg.quantile(x, ...)`.

>>> tg.tensor([1.0, 2.0, 3.0, 4.0]).quantile(0.5)
tensor(2.5000)
"""
OP_DOCS_NZ["rad2deg"] = """Method form of `tapegrad.rad2deg`: `x.rad2deg(...)` is `tg.rad2deg(x, ...)`.

>>> tg.tensor([3.14159265]).rad2deg()
tensor([180.])
"""
OP_DOCS_NZ["relu"] = """Method form of `tapegrad.relu`: `x.relu(...)` is `tg.relu(x, ...)`.

>>> tg.tensor([-1.0, 2.0]).relu()
tensor([0., 2.])
"""
OP_DOCS_NZ["repeat_interleave"] = """Method form of `tapegrad.repeat_interleave`: `x.repeat_interleave(...)` is `tg.repeat_interleave(x, ...)`.

>>> tg.tensor([1.0, 2.0]).repeat_interleave(2)
tensor([1., 1., 2., 2.])
"""
OP_DOCS_NZ["reshape"] = """Method form of `tapegrad.reshape`: `x.reshape(...)` is `tg.reshape(x, ...)`.

>>> tg.arange(6.0).reshape(2, 3)
tensor([[0., 1., 2.],
        [3., 4., 5.]])
"""
OP_DOCS_NZ["roll"] = """Method form of `tapegrad.roll`: `x.roll(...)` is `tg.roll(x, ...)`.

>>> tg.tensor([1.0, 2.0, 3.0]).roll(1)
tensor([3., 1., 2.])
"""
OP_DOCS_NZ["rot90"] = """Method form of `tapegrad.rot90`: `x.rot90(...)` is `tg.rot90(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).rot90()
tensor([[2., 4.],
        [1., 3.]])
"""
OP_DOCS_NZ["round"] = """Method form of `tapegrad.round`: `x.round(...)` is `tg.round(x, ...)`.

>>> tg.tensor([1.25, 2.5]).round()
tensor([1., 2.])
"""
OP_DOCS_NZ["scatter"] = """Method form of `tapegrad.scatter`: `x.scatter(...)` is `tg.scatter(x, ...)`.

>>> tg.zeros(3).scatter(0, tg.tensor([2]), tg.tensor([5.0]))
tensor([0., 0., 5.])
"""
OP_DOCS_NZ["scatter_add"] = """Method form of `tapegrad.scatter_add`: `x.scatter_add(...)` is `tg.scatter_add(x, ...)`.

>>> tg.zeros(3).scatter_add(0, tg.tensor([0, 0]), tg.tensor([1.0, 2.0]))
tensor([3., 0., 0.])
"""
OP_DOCS_NZ["select"] = """Method form of `tapegrad.select`: `x.select(...)` is `tg.select(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).select(1, 0)
tensor([1., 3.])
"""
OP_DOCS_NZ["sigmoid"] = """Method form of `tapegrad.sigmoid`: `x.sigmoid(...)` is `tg.sigmoid(x, ...)`.

>>> tg.tensor([0.0]).sigmoid()
tensor([0.5000])
"""
OP_DOCS_NZ["sign"] = """Method form of `tapegrad.sign`: `x.sign(...)` is `tg.sign(x, ...)`.

>>> tg.tensor([-2.0, 0.0, 3.0]).sign()
tensor([-1.,  0.,  1.])
"""
OP_DOCS_NZ["sin"] = """Method form of `tapegrad.sin`: `x.sin(...)` is `tg.sin(x, ...)`.

>>> tg.tensor([0.0, 1.5708]).sin()
tensor([0., 1.])
"""
OP_DOCS_NZ["sinc"] = """Method form of `tapegrad.sinc`: `x.sinc(...)` is `tg.sinc(x, ...)`.

>>> tg.tensor([0.0, 0.5]).sinc()
tensor([1.0000, 0.6366])
"""
OP_DOCS_NZ["slogdet"] = """Method form of `tapegrad.linalg.slogdet`: `x.slogdet(...)` is `tg.linalg.slogdet(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).slogdet()
linalg_slogdet(sign=tensor(-1.), logabsdet=tensor(0.6931))
"""
OP_DOCS_NZ["softmax"] = """Method form of `tapegrad.softmax`: `x.softmax(...)` is `tg.softmax(x, ...)`.

>>> tg.tensor([0.0, 0.0]).softmax(0)
tensor([0.5000, 0.5000])
"""
OP_DOCS_NZ["split"] = """Method form of `tapegrad.split`: `x.split(...)` is `tg.split(x, ...)`.

>>> tg.arange(4.0).split(2)
[tensor([0., 1.]), tensor([2., 3.])]
"""
OP_DOCS_NZ["sqrt"] = """Method form of `tapegrad.sqrt`: `x.sqrt(...)` is `tg.sqrt(x, ...)`.

>>> tg.tensor([1.0, 4.0, 9.0]).sqrt()
tensor([1., 2., 3.])
"""
OP_DOCS_NZ["square"] = """Method form of `tapegrad.square`: `x.square(...)` is `tg.square(x, ...)`.

>>> tg.tensor([2.0, 3.0]).square()
tensor([4., 9.])
"""
OP_DOCS_NZ["squeeze"] = """Method form of `tapegrad.squeeze`: `x.squeeze(...)` is `tg.squeeze(x, ...)`.

>>> tg.zeros((1, 2, 1)).squeeze().shape
(2,)
"""
OP_DOCS_NZ["swapaxes"] = """Method form of `tapegrad.swapaxes`: `x.swapaxes(...)` is `tg.swapaxes(x, ...)`.

>>> tg.zeros((2, 3)).swapaxes(0, 1).shape
(3, 2)
"""
OP_DOCS_NZ["swapdims"] = """Method form of `tapegrad.swapdims`: `x.swapdims(...)` is `tg.swapdims(x, ...)`.

>>> tg.zeros((2, 3)).swapdims(0, 1).shape
(3, 2)
"""
OP_DOCS_NZ["take"] = """Method form of `tapegrad.take`: `x.take(...)` is `tg.take(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).take(tg.tensor([0, 3]))
tensor([1., 4.])
"""
OP_DOCS_NZ["take_along_dim"] = """Method form of `tapegrad.take_along_dim`: `x.take_along_dim(...)` is `tg.take_along_dim(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).take_along_dim(tg.tensor([[1], [0]]), 1)
tensor([[2.],
        [3.]])
"""
OP_DOCS_NZ["tan"] = """Method form of `tapegrad.tan`: `x.tan(...)` is `tg.tan(x, ...)`.

>>> tg.tensor([0.0, 0.7854]).tan()
tensor([0.0000, 1.0000])
"""
OP_DOCS_NZ["tanh"] = """Method form of `tapegrad.tanh`: `x.tanh(...)` is `tg.tanh(x, ...)`.

>>> tg.tensor([0.0, 1.0]).tanh()
tensor([0.0000, 0.7616])
"""
OP_DOCS_NZ["tensor_split"] = """Method form of `tapegrad.tensor_split`: `x.tensor_split(...)` is `tg.tensor_split(x, ...)`.

>>> tg.arange(5.0).tensor_split(2)
(tensor([0., 1., 2.]), tensor([3., 4.]))
"""
OP_DOCS_NZ["tile"] = """Method form of `tapegrad.tile`: `x.tile(...)` is `tg.tile(x, ...)`.

>>> tg.tensor([1.0, 2.0]).tile(2)
tensor([1., 2., 1., 2.])
"""
OP_DOCS_NZ["topk"] = """Method form of `tapegrad.topk`: `x.topk(...)` is `tg.topk(x, ...)`.

>>> tg.tensor([1.0, 5.0, 3.0]).topk(2).values
tensor([5., 3.])
"""
OP_DOCS_NZ["trace"] = """Method form of `tapegrad.trace`: `x.trace(...)` is `tg.trace(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).trace()
tensor(5.)
"""
OP_DOCS_NZ["transpose"] = """Method form of `tapegrad.transpose`: `x.transpose(...)` is `tg.transpose(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).transpose(0, 1)
tensor([[1., 3.],
        [2., 4.]])
"""
OP_DOCS_NZ["tril"] = """Method form of `tapegrad.tril`: `x.tril(...)` is `tg.tril(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).tril()
tensor([[1., 0.],
        [3., 4.]])
"""
OP_DOCS_NZ["triu"] = """Method form of `tapegrad.triu`: `x.triu(...)` is `tg.triu(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).triu()
tensor([[1., 2.],
        [0., 4.]])
"""
OP_DOCS_NZ["trunc"] = """Method form of `tapegrad.trunc`: `x.trunc(...)` is `tg.trunc(x, ...)`.

>>> tg.tensor([1.7, -1.7]).trunc()
tensor([ 1., -1.])
"""
OP_DOCS_NZ["unbind"] = """Method form of `tapegrad.unbind`: `x.unbind(...)` is `tg.unbind(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).unbind(1)
(tensor([1., 3.]), tensor([2., 4.]))
"""
OP_DOCS_NZ["unflatten"] = """Method form of `tapegrad.unflatten`: `x.unflatten(...)` is `tg.unflatten(x, ...)`.

>>> tg.arange(6.0).unflatten(0, (2, 3)).shape
(2, 3)
"""
OP_DOCS_NZ["unsqueeze"] = """Method form of `tapegrad.unsqueeze`: `x.unsqueeze(...)` is `tg.unsqueeze(x, ...)`.

>>> tg.tensor([1.0, 2.0]).unsqueeze(1).shape
(2, 1)
"""
OP_DOCS_NZ["vdot"] = """Method form of `tapegrad.vdot`: `x.vdot(...)` is `tg.vdot(x, ...)`.

>>> tg.tensor([1.0, 2.0]).vdot(tg.tensor([3.0, 4.0]))
tensor(11.)
"""
OP_DOCS_NZ["view"] = """Method form of `tapegrad.reshape`: `x.view(...)` is `tg.reshape(x, ...)`.

>>> tg.arange(6.0).view(3, 2).shape
(3, 2)
"""
OP_DOCS_NZ["xlogy"] = """Method form of `tapegrad.xlogy`: `x.xlogy(...)` is `tg.xlogy(x, ...)`.

>>> tg.tensor([0.0, 2.0]).xlogy(tg.tensor([0.0, 3.0]))
tensor([0.0000, 2.1972])
"""
OP_DOCS_NZ["add"] = """Method form of `tapegrad.add`: `x.add(y, alpha=a)` is `tg.add(x, a * y)`
(PyTorch's `alpha`, default 1).

>>> tg.tensor([1.0, 2.0]).add(tg.tensor([1.0, 1.0]), alpha=3)
tensor([4., 5.])
"""
OP_DOCS_NZ["sub"] = """Method form of `tapegrad.sub`: `x.sub(y, alpha=a)` is `tg.sub(x, a * y)`
(PyTorch's `alpha`, default 1).

>>> tg.tensor([1.0, 2.0]).sub(1.0)
tensor([0., 1.])
"""
OP_DOCS_NZ["mul"] = """Method form of `tapegrad.mul`: `x.mul(y)` is `tg.mul(x, y)`.

>>> tg.tensor([1.0, 2.0]).mul(3)
tensor([3., 6.])
"""
OP_DOCS_NZ["div"] = """Method form of `tapegrad.div`: `x.div(y)` is `tg.div(x, y)`; PyTorch's
`rounding_mode` 'trunc' rounds the quotient toward zero, 'floor' down.

>>> tg.tensor([-3.0, 3.0]).div(2, rounding_mode="floor")
tensor([-2.,  1.])
"""
OP_DOCS_NZ["true_divide"] = """Method form of `tapegrad.div`: `x.true_divide(y)` is `tg.div(x, y)`.

>>> tg.tensor([1, 3]).true_divide(2)
tensor([0.5000, 1.5000])
"""
OP_DOCS_NZ["floor_divide"] = """Method form of `tapegrad.floor_divide`: `x.floor_divide(y)` is
`tg.floor_divide(x, y)`.

>>> tg.tensor([-3.0, 3.0]).floor_divide(2)
tensor([-2.,  1.])
"""
OP_DOCS_NZ["fmod"] = """Method form of `tapegrad.fmod`: `x.fmod(y)` is `tg.fmod(x, y)`.

>>> tg.tensor([-3.0, 3.0]).fmod(2)
tensor([-1.,  1.])
"""
OP_DOCS_NZ["remainder"] = """Method form of `tapegrad.remainder`: `x.remainder(y)` is
`tg.remainder(x, y)`.

>>> tg.tensor([-3.0, 3.0]).remainder(2)
tensor([1., 1.])
"""
OP_DOCS_NZ["neg"] = """Method form of `tapegrad.neg`: `x.neg()` is `tg.neg(x)`.

>>> tg.tensor([1.0, -2.0]).neg()
tensor([-1.,  2.])
"""
OP_DOCS_NZ["erf"] = """Method form of `tapegrad.erf`: `x.erf()` is `tg.erf(x)`.

>>> tg.tensor([0.0, 1.0]).erf()
tensor([0.0000, 0.8427])
"""
OP_DOCS_NZ["sinh"] = """Method form of `tapegrad.sinh`: `x.sinh()` is `tg.sinh(x)`.

>>> tg.tensor([0.0, 1.0]).sinh()
tensor([0.0000, 1.1752])
"""
OP_DOCS_NZ["cosh"] = """Method form of `tapegrad.cosh`: `x.cosh()` is `tg.cosh(x)`.

>>> tg.tensor([0.0, 1.0]).cosh()
tensor([1.0000, 1.5431])
"""
OP_DOCS_NZ["expm1"] = """Method form of `tapegrad.expm1`: `x.expm1()` is `tg.expm1(x)`.

>>> tg.tensor([0.0, 1.0]).expm1()
tensor([0.0000, 1.7183])
"""
OP_DOCS_NZ["log2"] = """Method form of `tapegrad.log2`: `x.log2()` is `tg.log2(x)`.

>>> tg.tensor([1.0, 8.0]).log2()
tensor([0., 3.])
"""
OP_DOCS_NZ["log10"] = """Method form of `tapegrad.log10`: `x.log10()` is `tg.log10(x)`.

>>> tg.tensor([1.0, 100.0]).log10()
tensor([0.0000, 2.0000])
"""
OP_DOCS_NZ["eq"] = """`x.eq(other)` is `x == other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).eq(2.0)
tensor([False,  True])
"""
OP_DOCS_NZ["ne"] = """`x.ne(other)` is `x != other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).ne(2.0)
tensor([ True, False])
"""
OP_DOCS_NZ["lt"] = """`x.lt(other)` is `x < other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).lt(2.0)
tensor([ True, False])
"""
OP_DOCS_NZ["le"] = """`x.le(other)` is `x <= other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).le(2.0)
tensor([ True,  True])
"""
OP_DOCS_NZ["gt"] = """`x.gt(other)` is `x > other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).gt(1.0)
tensor([False,  True])
"""
OP_DOCS_NZ["ge"] = """`x.ge(other)` is `x >= other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).ge(2.0)
tensor([False,  True])
"""
OP_DOCS_NZ["expand_as"] = """`x.expand_as(other)` is `tg.broadcast_to(x, other.shape)` (PyTorch).

Args:
    other: the tensor whose shape to take.

Returns:
    This tensor with `other`'s shape.

>>> tg.tensor([1.0, 2.0]).expand_as(tg.zeros(2, 2))
tensor([[1., 2.],
        [1., 2.]])
"""
OP_DOCS_NZ["view_as"] = """`x.view_as(other)` is `tg.reshape(x, other.shape)` (PyTorch).

Args:
    other: the tensor whose shape to take.

Returns:
    This tensor with `other`'s shape.

>>> tg.arange(4.0).view_as(tg.zeros(2, 2))
tensor([[0., 1.],
        [2., 3.]])
"""
OP_DOCS_NZ["reshape_as"] = """`x.reshape_as(other)` is `tg.reshape(x, other.shape)` (PyTorch).

Args:
    other: the tensor whose shape to take.

Returns:
    This tensor with `other`'s shape.

>>> tg.arange(4.0).reshape_as(tg.zeros(2, 2))
tensor([[0., 1.],
        [2., 3.]])
"""
