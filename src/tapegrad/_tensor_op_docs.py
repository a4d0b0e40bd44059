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
OP_DOCS["nan_to_num"] = """Method form of `tapegrad.nan_to_num`: `x.nan_to_num(...)` is `tg.nan_to_num(x, ...)`.

>>> tg.tensor([float('nan'), 1.0]).nan_to_num()
tensor([0., 1.])
"""
OP_DOCS["nanmean"] = """Method form of `tapegrad.nanmean`: `x.nanmean(...)` is `tg.nanmean(x, ...)`.

>>> tg.tensor([1.0, float('nan'), 3.0]).nanmean()
tensor(2.)
"""
OP_DOCS["nanmedian"] = """Method form of `tapegrad.nanmedian`: `x.nanmedian(...)` is `tg.nanmedian(x, ...)`.

>>> tg.tensor([3.0, float('nan'), 1.0]).nanmedian()
tensor(1.)
"""
OP_DOCS["nanquantile"] = """Method form of `tapegrad.nanquantile`: `x.nanquantile(...)` is `tg.nanquantile(x, ...)`.

>>> tg.tensor([1.0, float('nan'), 3.0]).nanquantile(0.5)
tensor(2.)
"""
OP_DOCS["nansum"] = """Method form of `tapegrad.nansum`: `x.nansum(...)` is `tg.nansum(x, ...)`.

>>> tg.tensor([1.0, float('nan'), 3.0]).nansum()
tensor(4.)
"""
OP_DOCS["narrow"] = """Method form of `tapegrad.narrow`: `x.narrow(...)` is `tg.narrow(x, ...)`.

>>> tg.arange(5.0).narrow(0, 1, 2)
tensor([1., 2.])
"""
OP_DOCS["norm"] = """Method form of `tapegrad.norm`: `x.norm(...)` is `tg.norm(x, ...)`.

>>> tg.tensor([3.0, 4.0]).norm()
tensor(5.)
"""
OP_DOCS["permute"] = """Method form of `tapegrad.permute`: `x.permute(...)` is `tg.permute(x, ...)`.

>>> tg.zeros((2, 3, 4)).permute(2, 0, 1).shape
(4, 2, 3)
"""
OP_DOCS["pinverse"] = """Method form of `tapegrad.linalg.pinv`: `x.pinverse(...)` is `tg.linalg.pinv(x, ...)`.

>>> tg.tensor([[2.0, 0.0], [0.0, 4.0]]).pinverse()
tensor([[0.5000, 0.0000],
        [0.0000, 0.2500]])
"""
OP_DOCS["polygamma"] = """Method form of `tapegrad.polygamma`: `x.polygamma(...)` is `tg.polygamma(x, ...)`.

>>> tg.tensor([1.0]).polygamma(1)
tensor([1.6449])
"""
OP_DOCS["positive"] = """Method form of `tapegrad.positive`: `x.positive(...)` is `tg.positive(x, ...)`.

>>> tg.tensor([-1.0]).positive()
tensor([-1.])
"""
OP_DOCS["pow"] = """Method form of `tapegrad.pow`: `x.pow(...)` is `tg.pow(x, ...)`.

>>> tg.tensor([2.0, 3.0]).pow(2)
tensor([4., 9.])
"""
OP_DOCS["ptp"] = """Method form of `tapegrad.ptp`: `x.ptp(...)` is `tg.ptp(x, ...)`.

>>> tg.tensor([1.0, 5.0, 2.0]).ptp()
tensor(4.)
"""
OP_DOCS["quantile"] = """Method form of `tapegrad.quantile`: `x.quantile(...)` is `tg.quantile(x, ...)`.

>>> tg.tensor([1.0, 2.0, 3.0, 4.0]).quantile(0.5)
tensor(2.5000)
"""
OP_DOCS["rad2deg"] = """Method form of `tapegrad.rad2deg`: `x.rad2deg(...)` is `tg.rad2deg(x, ...)`.

>>> tg.tensor([3.14159265]).rad2deg()
tensor([180.])
"""
OP_DOCS["relu"] = """Method form of `tapegrad.relu`: `x.relu(...)` is `tg.relu(x, ...)`.

>>> tg.tensor([-1.0, 2.0]).relu()
tensor([0., 2.])
"""
OP_DOCS["repeat_interleave"] = """Method form of `tapegrad.repeat_interleave`: `x.repeat_interleave(...)` is `tg.repeat_interleave(x, ...)`.

>>> tg.tensor([1.0, 2.0]).repeat_interleave(2)
tensor([1., 1., 2., 2.])
"""
OP_DOCS["reshape"] = """Method form of `tapegrad.reshape`: `x.reshape(...)` is `tg.reshape(x, ...)`.

>>> tg.arange(6.0).reshape(2, 3)
tensor([[0., 1., 2.],
        [3., 4., 5.]])
"""
OP_DOCS["roll"] = """Method form of `tapegrad.roll`: `x.roll(...)` is `tg.roll(x, ...)`.

>>> tg.tensor([1.0, 2.0, 3.0]).roll(1)
tensor([3., 1., 2.])
"""
OP_DOCS["rot90"] = """Method form of `tapegrad.rot90`: `x.rot90(...)` is `tg.rot90(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).rot90()
tensor([[2., 4.],
        [1., 3.]])
"""
OP_DOCS["round"] = """Method form of `tapegrad.round`: `x.round(...)` is `tg.round(x, ...)`.

>>> tg.tensor([1.25, 2.5]).round()
tensor([1., 2.])
"""
OP_DOCS["scatter"] = """Method form of `tapegrad.scatter`: `x.scatter(...)` is `tg.scatter(x, ...)`.

>>> tg.zeros(3).scatter(0, tg.tensor([2]), tg.tensor([5.0]))
tensor([0., 0., 5.])
"""
OP_DOCS["scatter_add"] = """Method form of `tapegrad.scatter_add`: `x.scatter_add(...)` is `tg.scatter_add(x, ...)`.

>>> tg.zeros(3).scatter_add(0, tg.tensor([0, 0]), tg.tensor([1.0, 2.0]))
tensor([3., 0., 0.])
"""
OP_DOCS["select"] = """Method form of `tapegrad.select`: `x.select(...)` is `tg.select(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).select(1, 0)
tensor([1., 3.])
"""
OP_DOCS["sigmoid"] = """Method form of `tapegrad.sigmoid`: `x.sigmoid(...)` is `tg.sigmoid(x, ...)`.

>>> tg.tensor([0.0]).sigmoid()
tensor([0.5000])
"""
OP_DOCS["sign"] = """Method form of `tapegrad.sign`: `x.sign(...)` is `tg.sign(x, ...)`.

>>> tg.tensor([-2.0, 0.0, 3.0]).sign()
tensor([-1.,  0.,  1.])
"""
OP_DOCS["sin"] = """Method form of `tapegrad.sin`: `x.sin(...)` is `tg.sin(x, ...)`.

>>> tg.tensor([0.0, 1.5708]).sin()
tensor([0., 1.])
"""
OP_DOCS["sinc"] = """Method form of `tapegrad.sinc`: `x.sinc(...)` is `tg.sinc(x, ...)`.

>>> tg.tensor([0.0, 0.5]).sinc()
tensor([1.0000, 0.6366])
"""
OP_DOCS["slogdet"] = """Method form of `tapegrad.linalg.slogdet`: `x.slogdet(...)` is `tg.linalg.slogdet(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).slogdet()
linalg_slogdet(sign=tensor(-1.), logabsdet=tensor(0.6931))
"""
OP_DOCS["softmax"] = """Method form of `tapegrad.softmax`: `x.softmax(...)` is `tg.softmax(x, ...)`.

>>> tg.tensor([0.0, 0.0]).softmax(0)
tensor([0.5000, 0.5000])
"""
OP_DOCS["split"] = """Method form of `tapegrad.split`: `x.split(...)` is `tg.split(x, ...)`.

>>> tg.arange(4.0).split(2)
[tensor([0., 1.]), tensor([2., 3.])]
"""
OP_DOCS["sqrt"] = """Method form of `tapegrad.sqrt`: `x.sqrt(...)` is `tg.sqrt(x, ...)`.

>>> tg.tensor([1.0, 4.0, 9.0]).sqrt()
tensor([1., 2., 3.])
"""
OP_DOCS["square"] = """Method form of `tapegrad.square`: `x.square(...)` is `tg.square(x, ...)`.

>>> tg.tensor([2.0, 3.0]).square()
tensor([4., 9.])
"""
OP_DOCS["squeeze"] = """Method form of `tapegrad.squeeze`: `x.squeeze(...)` is `tg.squeeze(x, ...)`.

>>> tg.zeros((1, 2, 1)).squeeze().shape
(2,)
"""
OP_DOCS["swapaxes"] = """Method form of `tapegrad.swapaxes`: `x.swapaxes(...)` is `tg.swapaxes(x, ...)`.

>>> tg.zeros((2, 3)).swapaxes(0, 1).shape
(3, 2)
"""
OP_DOCS["swapdims"] = """Method form of `tapegrad.swapdims`: `x.swapdims(...)` is `tg.swapdims(x, ...)`.

>>> tg.zeros((2, 3)).swapdims(0, 1).shape
(3, 2)
"""
OP_DOCS["take"] = """Method form of `tapegrad.take`: `x.take(...)` is `tg.take(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).take(tg.tensor([0, 3]))
tensor([1., 4.])
"""
OP_DOCS["take_along_dim"] = """Method form of `tapegrad.take_along_dim`: `x.take_along_dim(...)` is `tg.take_along_dim(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).take_along_dim(tg.tensor([[1], [0]]), 1)
tensor([[2.],
        [3.]])
"""
OP_DOCS["tan"] = """Method form of `tapegrad.tan`: `x.tan(...)` is `tg.tan(x, ...)`.

>>> tg.tensor([0.0, 0.7854]).tan()
tensor([0.0000, 1.0000])
"""
OP_DOCS["tanh"] = """Method form of `tapegrad.tanh`: `x.tanh(...)` is `tg.tanh(x, ...)`.

>>> tg.tensor([0.0, 1.0]).tanh()
tensor([0.0000, 0.7616])
"""
OP_DOCS["tensor_split"] = """Method form of `tapegrad.tensor_split`: `x.tensor_split(...)` is `tg.tensor_split(x, ...)`.

>>> tg.arange(5.0).tensor_split(2)
(tensor([0., 1., 2.]), tensor([3., 4.]))
"""
OP_DOCS["tile"] = """Method form of `tapegrad.tile`: `x.tile(...)` is `tg.tile(x, ...)`.

>>> tg.tensor([1.0, 2.0]).tile(2)
tensor([1., 2., 1., 2.])
"""
OP_DOCS["topk"] = """Method form of `tapegrad.topk`: `x.topk(...)` is `tg.topk(x, ...)`.

>>> tg.tensor([1.0, 5.0, 3.0]).topk(2).values
tensor([5., 3.])
"""
OP_DOCS["trace"] = """Method form of `tapegrad.trace`: `x.trace(...)` is `tg.trace(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).trace()
tensor(5.)
"""
OP_DOCS["transpose"] = """Method form of `tapegrad.transpose`: `x.transpose(...)` is `tg.transpose(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).transpose(0, 1)
tensor([[1., 3.],
        [2., 4.]])
"""
OP_DOCS["tril"] = """Method form of `tapegrad.tril`: `x.tril(...)` is `tg.tril(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).tril()
tensor([[1., 0.],
        [3., 4.]])
"""
OP_DOCS["triu"] = """Method form of `tapegrad.triu`: `x.triu(...)` is `tg.triu(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).triu()
tensor([[1., 2.],
        [0., 4.]])
"""
OP_DOCS["trunc"] = """Method form of `tapegrad.trunc`: `x.trunc(...)` is `tg.trunc(x, ...)`.

>>> tg.tensor([1.7, -1.7]).trunc()
tensor([ 1., -1.])
"""
OP_DOCS["unbind"] = """Method form of `tapegrad.unbind`: `x.unbind(...)` is `tg.unbind(x, ...)`.

>>> tg.tensor([[1.0, 2.0], [3.0, 4.0]]).unbind(1)
(tensor([1., 3.]), tensor([2., 4.]))
"""
OP_DOCS["unflatten"] = """Method form of `tapegrad.unflatten`: `x.unflatten(...)` is `tg.unflatten(x, ...)`.

>>> tg.arange(6.0).unflatten(0, (2, 3)).shape
(2, 3)
"""
OP_DOCS["unsqueeze"] = """Method form of `tapegrad.unsqueeze`: `x.unsqueeze(...)` is `tg.unsqueeze(x, ...)`.

>>> tg.tensor([1.0, 2.0]).unsqueeze(1).shape
(2, 1)
"""
OP_DOCS["vdot"] = """Method form of `tapegrad.vdot`: `x.vdot(...)` is `tg.vdot(x, ...)`.

>>> tg.tensor([1.0, 2.0]).vdot(tg.tensor([3.0, 4.0]))
tensor(11.)
"""
OP_DOCS["view"] = """Method form of `tapegrad.reshape`: `x.view(...)` is `tg.reshape(x, ...)`.

>>> tg.arange(6.0).view(3, 2).shape
(3, 2)
"""
OP_DOCS["xlogy"] = """Method form of `tapegrad.xlogy`: `x.xlogy(...)` is `tg.xlogy(x, ...)`.

>>> tg.tensor([0.0, 2.0]).xlogy(tg.tensor([0.0, 3.0]))
tensor([0.0000, 2.1972])
"""
OP_DOCS["add"] = """Method form of `tapegrad.add`: `x.add(y, alpha=a)` is `tg.add(x, a * y)`
(PyTorch's `alpha`, default 1).

>>> tg.tensor([1.0, 2.0]).add(tg.tensor([1.0, 1.0]), alpha=3)
tensor([4., 5.])
"""
OP_DOCS["sub"] = """Method form of `tapegrad.sub`: `x.sub(y, alpha=a)` is `tg.sub(x, a * y)`
(PyTorch's `alpha`, default 1).

>>> tg.tensor([1.0, 2.0]).sub(1.0)
tensor([0., 1.])
"""
OP_DOCS["mul"] = """Method form of `tapegrad.mul`: `x.mul(y)` is `tg.mul(x, y)`.

>>> tg.tensor([1.0, 2.0]).mul(3)
tensor([3., 6.])
"""
OP_DOCS["div"] = """Method form of `tapegrad.div`: `x.div(y)` is `tg.div(x, y)`; PyTorch's
`rounding_mode` 'trunc' rounds the quotient toward zero, 'floor' down.

>>> tg.tensor([-3.0, 3.0]).div(2, rounding_mode="floor")
tensor([-2.,  1.])
"""
OP_DOCS["true_divide"] = """Method form of `tapegrad.div`: `x.true_divide(y)` is `tg.div(x, y)`.

>>> tg.tensor([1, 3]).true_divide(2)
tensor([0.5000, 1.5000])
"""
OP_DOCS["floor_divide"] = """Method form of `tapegrad.floor_divide`: `x.floor_divide(y)` is
`tg.floor_divide(x, y)`.

>>> tg.tensor([-3.0, 3.0]).floor_divide(2)
tensor([-2.,  1.])
"""
OP_DOCS["fmod"] = """Method form of `tapegrad.fmod`: `x.fmod(y)` is `tg.fmod(x, y)`.

>>> tg.tensor([-3.0, 3.0]).fmod(2)
tensor([-1.,  1.])
"""
OP_DOCS["remainder"] = """Method form of `tapegrad.remainder`: `x.remainder(y)` is
`tg.remainder(x, y)`.

>>> tg.tensor([-3.0, 3.0]).remainder(2)
tensor([1., 1.])
"""
OP_DOCS["neg"] = """Method form of `tapegrad.neg`: `x.neg()` is `tg.neg(x)`.

>>> tg.tensor([1.0, -2.0]).neg()
tensor([-1.,  2.])
"""
OP_DOCS["erf"] = """Method form of `tapegrad.erf`: `x.erf()` is `tg.erf(x)`.

>>> tg.tensor([0.0, 1.0]).erf()
tensor([0.0000, 0.8427])
"""
OP_DOCS["sinh"] = """Method form of `tapegrad.sinh`: `x.sinh()` is `tg.sinh(x)`.

>>> tg.tensor([0.0, 1.0]).sinh()
tensor([0.0000, 1.1752])
"""
OP_DOCS["cosh"] = """Method form of `tapegrad.cosh`: `x.cosh()` is `tg.cosh(x)`.

>>> tg.tensor([0.0, 1.0]).cosh()
tensor([1.0000, 1.5431])
"""
OP_DOCS["expm1"] = """Method form of `tapegrad.expm1`: `x.expm1()` is `tg.expm1(x)`.

>>> tg.tensor([0.0, 1.0]).expm1()
tensor([0.0000, 1.7183])
"""
OP_DOCS["log2"] = """Method form of `tapegrad.log2`: `x.log2()` is `tg.log2(x)`.

>>> tg.tensor([1.0, 8.0]).log2()
tensor([0., 3.])
"""
OP_DOCS["log10"] = """Method form of `tapegrad.log10`: `x.log10()` is `tg.log10(x)`.

>>> tg.tensor([1.0, 100.0]).log10()
tensor([0.0000, 2.0000])
"""
OP_DOCS["eq"] = """`x.eq(other)` is `x == other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).eq(2.0)
tensor([False,  True])
"""
OP_DOCS["ne"] = """`x.ne(other)` is `x != other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).ne(2.0)
tensor([ True, False])
"""
OP_DOCS["lt"] = """`x.lt(other)` is `x < other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).lt(2.0)
tensor([ True, False])
"""
OP_DOCS["le"] = """`x.le(other)` is `x <= other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).le(2.0)
tensor([ True,  True])
"""
OP_DOCS["gt"] = """`x.gt(other)` is `x > other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).gt(1.0)
tensor([False,  True])
"""
OP_DOCS["ge"] = """`x.ge(other)` is `x >= other` (PyTorch's method): a bool tensor, never
tracked.

Args:
    other: a tensor, array or number, broadcast against this tensor.

Returns:
    The elementwise comparison, dtype bool.

>>> tg.tensor([1.0, 2.0]).ge(2.0)
tensor([False,  True])
"""
OP_DOCS["expand_as"] = """`x.expand_as(other)` is `tg.broadcast_to(x, other.shape)` (PyTorch).

Args:
    other: the tensor whose shape to take.

Returns:
    This tensor with `other`'s shape.

>>> tg.tensor([1.0, 2.0]).expand_as(tg.zeros(2, 2))
tensor([[1., 2.],
        [1., 2.]])
"""
OP_DOCS["view_as"] = """`x.view_as(other)` is `tg.reshape(x, other.shape)` (PyTorch).

Args:
    other: the tensor whose shape to take.

Returns:
    This tensor with `other`'s shape.

>>> tg.arange(4.0).view_as(tg.zeros(2, 2))
tensor([[0., 1.],
        [2., 3.]])
"""
OP_DOCS["reshape_as"] = """`x.reshape_as(other)` is `tg.reshape(x, other.shape)` (PyTorch).

Args:
    other: the tensor whose shape to take.

Returns:
    This tensor with `other`'s shape.

>>> tg.arange(4.0).reshape_as(tg.zeros(2, 2))
tensor([[0., 1.],
        [2., 3.]])
"""
