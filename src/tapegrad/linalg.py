"""PyTorch/NumPy-style linear algebra namespace: `tg.linalg.norm` (NumPy's and
torch.linalg's semantics: matrix norms for 2-D input or an axis pair), `vector_norm`,
`matrix_norm`, `svdvals`."""
from .ops.linalg import linalg_norm as norm  # noqa: F401
from .ops.linalg import matrix_norm, svdvals, vector_norm  # noqa: F401
