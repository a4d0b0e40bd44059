"""tg.linalg: torch.linalg's names, arguments and result tuples over tapegrad ops.
Matrices live in the last two axes; leading axes are batch axes and broadcast. Failures
on the matrices themselves (singular, not positive definite) raise `LinAlgError`, a
RuntimeError, as torch.linalg.LinAlgError; bad arguments raise TypeError/ValueError
naming the function, the argument and its shape. Under `tg.autograd.detect_anomaly()`,
inv and solve warn (`IllConditionedWarning`) with the condition number of a matrix that
costs more than half the digits (never checked outside anomaly mode). cholesky's error
names the first leading minor that is not positive definite, and the batch index.
eigh/svd gradients at (near-)repeated values: ties within n eps max|w| get zero coupling
(finite; exact for losses that do not see the basis of a repeated eigenspace); det at a
singular matrix: the adjugate. docs/numerics.md, "Linear algebra", has the details.

Beyond torch.linalg, for tapegrad.scipy.linalg: `sqrtm` and `solve_sylvester` (SciPy's
names and arguments).

TensorFlow's tf.linalg names torch.linalg lacks: trace, matvec, diag_part, band_part,
matrix_transpose, adjoint, eye, tensordot, einsum, l2_normalize, global_norm.

Norms: `norm` (NumPy's and torch.linalg's semantics: matrix norms for 2-D input or an
axis pair), `vector_norm`, `matrix_norm`, `svdvals`."""
from .ops.linalg import linalg_norm as norm  # noqa: F401
from .ops.linalg import matmul, matrix_norm, svdvals, vector_norm  # noqa: F401
from .ops.linalg_fns import (IllConditionedWarning, LinAlgError, cholesky,  # noqa: F401
                             cholesky_solve, cond, cross, det, eig, eigh, eigvals,
                             eigvalsh, inv, logdet, lstsq, matrix_exp, matrix_power,
                             matrix_rank, multi_dot, pinv, qr, slogdet, solve,
                             solve_sylvester, solve_triangular, sqrtm, svd, vecdot)
from ._tf_linalg import (adjoint, band_part, diag_part, einsum, eye,  # noqa: F401
                         global_norm, l2_normalize, matrix_transpose, matvec, tensordot,
                         trace)

# the names `from tapegrad.linalg import *` gives (tests/test_all.py)
__all__ = ["norm", "matmul", "matrix_norm", "svdvals", "vector_norm", "IllConditionedWarning",
           "LinAlgError", "cholesky", "cholesky_solve", "cond", "cross", "det", "eig", "eigh",
           "eigvals", "eigvalsh", "inv", "logdet", "lstsq", "matrix_exp", "matrix_power",
           "matrix_rank", "multi_dot", "pinv", "qr", "slogdet", "solve", "solve_sylvester",
           "solve_triangular", "sqrtm", "svd", "vecdot",
           # TensorFlow's tf.linalg names (tapegrad/_tf_linalg.py)
           "adjoint", "band_part", "diag_part", "einsum", "eye", "global_norm", "l2_normalize",
           "matrix_transpose", "matvec", "tensordot", "trace"]
