"""Docstrings of the Tensor methods that are the method form of a function.

`x.cumsum(0)` is `tg.cumsum(x, 0)`: the function's docstring has the arguments; the
method's names it and shows the method in use. _tensor_docs.attach sets them.
"""

OP_DOCS = {}

OP_DOCS["abs"] = """Method form of `tapegrad.abs`: `x.abs(...)` is `tg.abs(x, ...)`.

>>> tg.tensor([-1.5, 2.0]).abs()
tensor([1.5000, 2.0000])
"""
OP_DOCS["acos"] = """Method form of `tapegrad.arccos`: `x.acos(...)` is `tg.arccos(x, ...)`.

>>> tg.tensor([0.25, 0.5]).acos()
tensor([1.3181, 1.0472])
"""
OP_DOCS["acosh"] = """Method form of `tapegrad.arccosh`: `x.acosh(...)` is `tg.arccosh(x, ...)`.

>>> tg.tensor([1.0, 2.0]).acosh()
tensor([0.0000, 1.3170])
"""
OP_DOCS["arccos"] = """Method form of `tapegrad.arccos`: `x.arccos(...)` is `tg.arccos(x, ...)`.

>>> tg.tensor([0.25, 0.5]).arccos()
tensor([1.3181, 1.0472])
"""
OP_DOCS["arccosh"] = """Method form of `tapegrad.arccosh`: `x.arccosh(...)` is `tg.arccosh(x, ...)`.

>>> tg.tensor([1.0, 2.0]).arccosh()
tensor([0.0000, 1.3170])
"""
OP_DOCS["arcsin"] = """Method form of `tapegrad.arcsin`: `x.arcsin(...)` is `tg.arcsin(x, ...)`.

>>> tg.tensor([0.25, 0.5]).arcsin()
tensor([0.2527, 0.5236])
"""
OP_DOCS["arcsinh"] = """Method form of `tapegrad.arcsinh`: `x.arcsinh(...)` is `tg.arcsinh(x, ...)`.

>>> tg.tensor([0.25, 0.5]).arcsinh()
tensor([0.2475, 0.4812])
"""
OP_DOCS["arctan"] = """Method form of `tapegrad.arctan`: `x.arctan(...)` is `tg.arctan(x, ...)`.

>>> tg.tensor([0.25, 0.5]).arctan()
tensor([0.2450, 0.4636])
"""
OP_DOCS["arctan2"] = """Method form of `tapegrad.arctan2`: `x.arctan2(...)` is `tg.arctan2(x, ...)`.

>>> tg.tensor([1.0, -1.0]).arctan2(tg.tensor([1.0, 1.0]))
tensor([ 0.7854, -0.7854])
"""
OP_DOCS["arctanh"] = """Method form of `tapegrad.arctanh`: `x.arctanh(...)` is `tg.arctanh(x, ...)`.

>>> tg.tensor([0.25, 0.5]).arctanh()
tensor([0.2554, 0.5493])
"""
OP_DOCS["argsort"] = """Method form of `tapegrad.argsort`: `x.argsort(...)` is `tg.argsort(x, ...)`.

>>> tg.tensor([3.0, 1.0, 2.0]).argsort()
tensor([1, 2, 0])
"""
OP_DOCS["asin"] = """Method form of `tapegrad.arcsin`: `x.asin(...)` is `tg.arcsin(x, ...)`.

>>> tg.tensor([0.25, 0.5]).asin()
tensor([0.2527, 0.5236])
"""
OP_DOCS["asinh"] = """Method form of `tapegrad.arcsinh`: `x.asinh(...)` is `tg.arcsinh(x, ...)`.

>>> tg.tensor([0.25, 0.5]).asinh()
tensor([0.2475, 0.4812])
"""
OP_DOCS["atan"] = """Method form of `tapegrad.arctan`: `x.atan(...)` is `tg.arctan(x, ...)`.

>>> tg.tensor([0.25, 0.5]).atan()
tensor([0.2450, 0.4636])
"""
OP_DOCS["atan2"] = """Method form of `tapegrad.arctan2`: `x.atan2(...)` is `tg.arctan2(x, ...)`.

>>> tg.tensor([1.0, -1.0]).atan2(tg.tensor([1.0, 1.0]))
tensor([ 0.7854, -0.7854])
"""
OP_DOCS["atanh"] = """Method form of `tapegrad.arctanh`: `x.atanh(...)` is `tg.arctanh(x, ...)`.

>>> tg.tensor([0.25, 0.5]).atanh()
tensor([0.2554, 0.5493])
"""
OP_DOCS["bmm"] = """Method form of `tapegrad.bmm`: `x.bmm(...)` is `tg.bmm(x, ...)`.

>>> tg.ones((2, 1, 3)).bmm(tg.ones((2, 3, 1))).shape
(2, 1, 1)
"""
OP_DOCS["broadcast_to"] = """Method form of `tapegrad.broadcast_to`: `x.broadcast_to(...)` is `tg.broadcast_to(x, ...)`.

>>> tg.tensor([1.0, 2.0]).broadcast_to((2, 2))
tensor([[1., 2.],
        [1., 2.]])
"""
OP_DOCS["ceil"] = """Method form of `tapegrad.ceil`: `x.ceil(...)` is `tg.ceil(x, ...)`.

>>> tg.tensor([1.2, -1.2]).ceil()
tensor([ 2., -1.])
"""
OP_DOCS["cholesky"] = """Method form of `tapegrad.linalg.cholesky`: `x.cholesky(...)` is `tg.linalg.cholesky(x, ...)`.

>>> tg.tensor([[4.0, 2.0], [2.0, 3.0]]).cholesky()
tensor([[2.0000, 0.0000],
        [1.0000, 1.4142]])
"""
OP_DOCS["cholesky_solve"] = """Method form of `tapegrad.linalg.cholesky_solve`: `x.cholesky_solve(...)` is `tg.linalg.cholesky_solve(x, ...)`.

>>> tg.tensor([[2.0], [4.0]]).cholesky_solve(tg.tensor([[4.0, 2.0], [2.0, 3.0]]).cholesky())
tensor([[-0.2500],
        [ 1.5000]])
"""
OP_DOCS["chunk"] = """Method form of `tapegrad.chunk`: `x.chunk(...)` is `tg.chunk(x, ...)`.

>>> tg.arange(5.0).chunk(2)
(tensor([0., 1., 2.]), tensor([3., 4.]))
"""
OP_DOCS["clamp"] = """Method form of `tapegrad.clamp`: `x.clamp(...)` is `tg.clamp(x, ...)`.

>>> tg.tensor([-1.0, 0.5, 2.0]).clamp(0.0, 1.0)
tensor([0.0000, 0.5000, 1.0000])
"""
OP_DOCS["clip"] = """Method form of `tapegrad.clip`: `x.clip(...)` is `tg.clip(x, ...)`.

>>> tg.tensor([-1.0, 0.5, 2.0]).clip(0.0, 1.0)
tensor([0.0000, 0.5000, 1.0000])
"""
OP_DOCS["clone"] = """Method form of `tapegrad.clone`: `x.clone(...)` is `tg.clone(x, ...)`.

>>> tg.tensor([1.0, 2.0]).clone()
tensor([1., 2.])
"""
OP_DOCS["copysign"] = """Method form of `tapegrad.copysign`: `x.copysign(...)` is `tg.copysign(x, ...)`.

>>> tg.tensor([1.0, 2.0]).copysign(tg.tensor([-1.0, 1.0]))
tensor([-1.,  2.])
"""
OP_DOCS["cos"] = """Method form of `tapegrad.cos`: `x.cos(...)` is `tg.cos(x, ...)`.

>>> tg.tensor([0.0, 3.1416]).cos()
tensor([ 1., -1.])
"""
OP_DOCS["cross"] = """Method form of `tapegrad.cross`: `x.cross(...)` is `tg.cross(x, ...)`.

>>> tg.tensor([1.0, 0.0, 0.0]).cross(tg.tensor([0.0, 1.0, 0.0]))
tensor([0., 0., 1.])
"""
OP_DOCS["cummax"] = """Method form of `tapegrad.cummax`: `x.cummax(...)` is `tg.cummax(x, ...)`.

>>> tg.tensor([1.0, 3.0, 2.0]).cummax(0).values
tensor([1., 3., 3.])
"""
OP_DOCS["cummin"] = """Method form of `tapegrad.cummin`: `x.cummin(...)` is `tg.cummin(x, ...)`.

>>> tg.tensor([3.0, 1.0, 2.0]).cummin(0).values
tensor([3., 1., 1.])
"""
OP_DOCS["cumprod"] = """Method form of `tapegrad.cumprod`: `x.cumprod(...)` is `tg.cumprod(x, ...)`.

>>> tg.tensor([1.0, 2.0, 3.0]).cumprod(0)
tensor([1., 2., 6.])
"""
OP_DOCS["cumsum"] = """Method form of `tapegrad.cumsum`: `x.cumsum(...)` is `tg.cumsum(x, ...)`.

>>> tg.tensor([1.0, 2.0, 3.0]).cumsum(0)
tensor([1., 3., 6.])
"""
OP_DOCS["deg2rad"] = """Method form of `tapegrad.deg2rad`: `x.deg2rad(...)` is `tg.deg2rad(x, ...)`.

>>> tg.tensor([180.0]).deg2rad()
tensor([3.1416])
"""
OP_DOCS["det"] = """Method form of `tapegrad.linalg.det`: `x.det(...)` is `tg.linalg.det(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).det()
tensor(-2.)
"""
OP_DOCS["diag"] = """Method form of `tapegrad.diag`: `x.diag(...)` is `tg.diag(x, ...)`.

>>> tg.tensor([1.0, 2.0]).diag()
tensor([[1., 0.],
        [0., 2.]])
"""
OP_DOCS["diag_embed"] = """Method form of `tapegrad.diag_embed`: `x.diag_embed(...)` is `tg.diag_embed(x, ...)`.

>>> tg.tensor([1.0, 2.0]).diag_embed()
tensor([[1., 0.],
        [0., 2.]])
"""
OP_DOCS["diagonal"] = """Method form of `tapegrad.diagonal`: `x.diagonal(...)` is `tg.diagonal(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).diagonal()
tensor([1., 4.])
"""
OP_DOCS["diff"] = """Method form of `tapegrad.diff`: `x.diff(...)` is `tg.diff(x, ...)`.

>>> tg.tensor([1.0, 4.0, 9.0]).diff()
tensor([3., 5.])
"""
OP_DOCS["digamma"] = """Method form of `tapegrad.digamma`: `x.digamma(...)` is `tg.digamma(x, ...)`.

>>> tg.tensor([1.0]).digamma()
tensor([-0.5772])
"""
OP_DOCS["dot"] = """Method form of `tapegrad.dot`: `x.dot(...)` is `tg.dot(x, ...)`.

>>> tg.tensor([1.0, 2.0]).dot(tg.tensor([3.0, 4.0]))
tensor(11.)
"""
OP_DOCS["erfc"] = """Method form of `tapegrad.erfc`: `x.erfc(...)` is `tg.erfc(x, ...)`.

>>> tg.tensor([0.0, 1.0]).erfc()
tensor([1.0000, 0.1573])
"""
OP_DOCS["erfinv"] = """Method form of `tapegrad.erfinv`: `x.erfinv(...)` is `tg.erfinv(x, ...)`.

>>> tg.tensor([0.0, 0.5]).erfinv()
tensor([0.0000, 0.4769])
"""
OP_DOCS["exp"] = """Method form of `tapegrad.exp`: `x.exp(...)` is `tg.exp(x, ...)`.

>>> tg.tensor([0.0, 1.0]).exp()
tensor([1.0000, 2.7183])
"""
OP_DOCS["exp2"] = """Method form of `tapegrad.exp2`: `x.exp2(...)` is `tg.exp2(x, ...)`.

>>> tg.tensor([0.0, 3.0]).exp2()
tensor([1., 8.])
"""
OP_DOCS["expand_dims"] = """Method form of `tapegrad.expand_dims`: `x.expand_dims(...)` is `tg.expand_dims(x, ...)`.

>>> tg.tensor([1.0, 2.0]).expand_dims(0).shape
(1, 2)
"""
OP_DOCS["fix"] = """Method form of `tapegrad.fix`: `x.fix(...)` is `tg.fix(x, ...)`.

>>> tg.tensor([1.7, -1.7]).fix()
tensor([ 1., -1.])
"""
OP_DOCS["flatten"] = """Method form of `tapegrad.flatten`: `x.flatten(...)` is `tg.flatten(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).flatten()
tensor([1., 2., 3., 4.])
"""
OP_DOCS["flip"] = """Method form of `tapegrad.flip`: `x.flip(...)` is `tg.flip(x, ...)`.

>>> tg.tensor([1.0, 2.0, 3.0]).flip(0)
tensor([3., 2., 1.])
"""
OP_DOCS["fliplr"] = """Method form of `tapegrad.fliplr`: `x.fliplr(...)` is `tg.fliplr(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).fliplr()
tensor([[2., 1.],
        [4., 3.]])
"""
OP_DOCS["flipud"] = """Method form of `tapegrad.flipud`: `x.flipud(...)` is `tg.flipud(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).flipud()
tensor([[3., 4.],
        [1., 2.]])
"""
OP_DOCS["float_power"] = """Method form of `tapegrad.float_power`: `x.float_power(...)` is `tg.float_power(x, ...)`.

>>> tg.tensor([2.0]).float_power(3)
tensor([8.], dtype=float64)
"""
OP_DOCS["floor"] = """Method form of `tapegrad.floor`: `x.floor(...)` is `tg.floor(x, ...)`.

>>> tg.tensor([1.7, -1.2]).floor()
tensor([ 1., -2.])
"""
OP_DOCS["fmax"] = """Method form of `tapegrad.fmax`: `x.fmax(...)` is `tg.fmax(x, ...)`.

>>> tg.tensor([1.0, float('nan')]).fmax(tg.tensor([2.0, 0.0]))
tensor([2., 0.])
"""
OP_DOCS["fmin"] = """Method form of `tapegrad.fmin`: `x.fmin(...)` is `tg.fmin(x, ...)`.

>>> tg.tensor([1.0, float('nan')]).fmin(tg.tensor([2.0, 0.0]))
tensor([1., 0.])
"""
OP_DOCS["gather"] = """Method form of `tapegrad.gather`: `x.gather(...)` is `tg.gather(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).gather(1, tg.tensor([[1], [0]]))
tensor([[2.],
        [3.]])
"""
OP_DOCS["heaviside"] = """Method form of `tapegrad.heaviside`: `x.heaviside(...)` is `tg.heaviside(x, ...)`.

>>> tg.tensor([-1.0, 0.0, 2.0]).heaviside(tg.tensor(0.5))
tensor([0.0000, 0.5000, 1.0000])
"""
OP_DOCS["hypot"] = """Method form of `tapegrad.hypot`: `x.hypot(...)` is `tg.hypot(x, ...)`.

>>> tg.tensor([3.0]).hypot(tg.tensor([4.0]))
tensor([5.])
"""
OP_DOCS["i0"] = """Method form of `tapegrad.i0`: `x.i0(...)` is `tg.i0(x, ...)`.

>>> tg.tensor([0.0, 1.0]).i0()
tensor([1.0000, 1.2661])
"""
OP_DOCS["index_add"] = """Method form of `tapegrad.index_add`: `x.index_add(...)` is `tg.index_add(x, ...)`.

>>> tg.zeros(3).index_add(0, tg.tensor([0, 2]), tg.tensor([1.0, 2.0]))
tensor([1., 0., 2.])
"""
OP_DOCS["index_select"] = """Method form of `tapegrad.index_select`: `x.index_select(...)` is `tg.index_select(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).index_select(0, tg.tensor([1]))
tensor([[3., 4.]])
"""
OP_DOCS["inner"] = """Method form of `tapegrad.inner`: `x.inner(...)` is `tg.inner(x, ...)`.

>>> tg.tensor([1.0, 2.0]).inner(tg.tensor([3.0, 4.0]))
tensor(11.)
"""
OP_DOCS["inverse"] = """Method form of `tapegrad.linalg.inv`: `x.inverse(...)` is `tg.linalg.inv(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).inverse()
tensor([[-2.0000,  1.0000],
        [ 1.5000, -0.5000]])
"""
OP_DOCS["kron"] = """Method form of `tapegrad.kron`: `x.kron(...)` is `tg.kron(x, ...)`.

>>> tg.tensor([1.0, 2.0]).kron(tg.tensor([1.0, 10.0]))
tensor([ 1., 10.,  2., 20.])
"""
OP_DOCS["kthvalue"] = """Method form of `tapegrad.kthvalue`: `x.kthvalue(...)` is `tg.kthvalue(x, ...)`.

>>> tg.tensor([3.0, 1.0, 2.0]).kthvalue(2).values
tensor(2.)
"""
OP_DOCS["mode"] = """Method form of `tapegrad.mode`: `x.mode(...)` is `tg.mode(x, ...)`.

>>> tg.tensor([3.0, 1.0, 3.0]).mode().values
tensor(3.)
"""
OP_DOCS["lgamma"] = """Method form of `tapegrad.lgamma`: `x.lgamma(...)` is `tg.lgamma(x, ...)`.

>>> tg.tensor([1.0, 5.0]).lgamma()
tensor([0.0000, 3.1781])
"""
OP_DOCS["log"] = """Method form of `tapegrad.log`: `x.log(...)` is `tg.log(x, ...)`.

>>> tg.tensor([1.0, 2.7183]).log()
tensor([0.0000, 1.0000])
"""
OP_DOCS["log1p"] = """Method form of `tapegrad.log1p`: `x.log1p(...)` is `tg.log1p(x, ...)`.

>>> tg.tensor([0.0, 1e-10]).log1p()
tensor([0.0000e+00, 1.0000e-10])
"""
OP_DOCS["log_softmax"] = """Method form of `tapegrad.log_softmax`: `x.log_softmax(...)` is `tg.log_softmax(x, ...)`.

>>> tg.tensor([0.0, 0.0]).log_softmax(0)
tensor([-0.6931, -0.6931])
"""
OP_DOCS["logaddexp"] = """Method form of `tapegrad.logaddexp`: `x.logaddexp(...)` is `tg.logaddexp(x, ...)`.

>>> tg.tensor([0.0]).logaddexp(tg.tensor([0.0]))
tensor([0.6931])
"""
OP_DOCS["logaddexp2"] = """Method form of `tapegrad.logaddexp2`: `x.logaddexp2(...)` is `tg.logaddexp2(x, ...)`.

>>> tg.tensor([1.0]).logaddexp2(tg.tensor([1.0]))
tensor([2.])
"""
OP_DOCS["logcumsumexp"] = """Method form of `tapegrad.logcumsumexp`: `x.logcumsumexp(...)` is `tg.logcumsumexp(x, ...)`.

>>> tg.tensor([0.0, 0.0]).logcumsumexp(0)
tensor([0.0000, 0.6931])
"""
OP_DOCS["logdet"] = """Method form of `tapegrad.linalg.logdet`: `x.logdet(...)` is `tg.linalg.logdet(x, ...)`.

>>> tg.tensor([[4.0, 2.0], [2.0, 3.0]]).logdet()
tensor(2.0794)
"""
OP_DOCS["logit"] = """Method form of `tapegrad.logit`: `x.logit(...)` is `tg.logit(x, ...)`.

>>> tg.tensor([0.5, 0.75]).logit()
tensor([0.0000, 1.0986])
"""
OP_DOCS["masked_fill"] = """Method form of `tapegrad.masked_fill`: `x.masked_fill(...)` is `tg.masked_fill(x, ...)`.

>>> tg.tensor([1.0, 2.0]).masked_fill(tg.tensor([True, False]), 0.0)
tensor([0., 2.])
"""
OP_DOCS["matmul"] = """Method form of `tapegrad.matmul`: `x.matmul(...)` is `tg.matmul(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).matmul(tg.tensor([1.0, 1.0]))
tensor([3., 7.])
"""
OP_DOCS["matrix_exp"] = """Method form of `tapegrad.linalg.matrix_exp`: `x.matrix_exp(...)` is `tg.linalg.matrix_exp(x, ...)`.

>>> tg.zeros((2, 2)).matrix_exp()
tensor([[1., 0.],
        [0., 1.]])
"""
OP_DOCS["matrix_power"] = """Method form of `tapegrad.linalg.matrix_power`: `x.matrix_power(...)` is `tg.linalg.matrix_power(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).matrix_power(2)
tensor([[ 7., 10.],
        [15., 22.]])
"""
OP_DOCS["maximum"] = """Method form of `tapegrad.maximum`: `x.maximum(...)` is `tg.maximum(x, ...)`.

>>> tg.tensor([1.0, 5.0]).maximum(tg.tensor([3.0, 2.0]))
tensor([3., 5.])
"""
OP_DOCS["median"] = """Method form of `tapegrad.median`: `x.median(...)` is `tg.median(x, ...)`.

>>> tg.tensor([3.0, 1.0, 2.0]).median()
tensor(2.)
"""
OP_DOCS["minimum"] = """Method form of `tapegrad.minimum`: `x.minimum(...)` is `tg.minimum(x, ...)`.

>>> tg.tensor([1.0, 5.0]).minimum(tg.tensor([3.0, 2.0]))
tensor([1., 2.])
"""
OP_DOCS["mm"] = """Method form of `tapegrad.mm`: `x.mm(...)` is `tg.mm(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).mm(tg.eye(2))
tensor([[1., 2.],
        [3., 4.]])
"""
OP_DOCS["moveaxis"] = """Method form of `tapegrad.moveaxis`: `x.moveaxis(...)` is `tg.moveaxis(x, ...)`.

>>> tg.zeros((2, 3, 4)).moveaxis(0, -1).shape
(3, 4, 2)
"""
OP_DOCS["movedim"] = """Method form of `tapegrad.movedim`: `x.movedim(...)` is `tg.movedim(x, ...)`.

>>> tg.zeros((2, 3, 4)).movedim(0, -1).shape
(3, 4, 2)
"""
OP_DOCS["mvlgamma"] = """Method form of `tapegrad.mvlgamma`: `x.mvlgamma(...)` is `tg.mvlgamma(x, ...)`.

>>> tg.tensor([2.0]).mvlgamma(2)
tensor([0.4516])
"""

# the second half of the table (n to z): its own file, by length
from ._tensor_op_docs_nz import OP_DOCS_NZ  # noqa: E402

OP_DOCS.update(OP_DOCS_NZ)
