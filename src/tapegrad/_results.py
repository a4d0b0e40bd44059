"""The named tuples ops return (as torch.return_types): in the bottom layer, so Tensor's
methods can name them in annotations without importing `ops`. Each keeps the module of
the op that returns it, where it is re-exported."""
from collections import namedtuple

_SORT = "tapegrad.ops.sort"
_SCAN = "tapegrad.ops.scan"
_LINALG = "tapegrad.ops.linalg_base"

SortResult = namedtuple("sort", ["values", "indices"], module=_SORT)
TopkResult = namedtuple("topk", ["values", "indices"], module=_SORT)
KthvalueResult = namedtuple("kthvalue", ["values", "indices"], module=_SORT)
MedianResult = namedtuple("median", ["values", "indices"], module=_SORT)
ModeResult = namedtuple("mode", ["values", "indices"], module=_SORT)
NanmedianResult = namedtuple("nanmedian", ["values", "indices"], module=_SORT)

CummaxResult = namedtuple("cummax", ["values", "indices"], module=_SCAN)
CumminResult = namedtuple("cummin", ["values", "indices"], module=_SCAN)

SlogdetResult = namedtuple("linalg_slogdet", ["sign", "logabsdet"], module=_LINALG)
EighResult = namedtuple("linalg_eigh", ["eigenvalues", "eigenvectors"], module=_LINALG)
EigResult = namedtuple("linalg_eig", ["eigenvalues", "eigenvectors"], module=_LINALG)
SvdResult = namedtuple("linalg_svd", ["U", "S", "Vh"], module=_LINALG)
QrResult = namedtuple("linalg_qr", ["Q", "R"], module=_LINALG)
LstsqResult = namedtuple("linalg_lstsq", ["solution", "residuals", "rank", "singular_values"],
                         module=_LINALG)
