"""Reductions: sum ... logsumexp, and argmax/argmin (no gradient).

The ops live by family in reduce_sums.py (sum, mean, prod, var/std, logsumexp),
reduce_extrema.py (max/min, ptp, argmax/argmin) and reduce_nan.py (the NaN-ignoring
ones); this module gathers them under one name, with TensorFlow's reduce_* spellings.
"""
from .reduce_sums import (LogSumExp, Mean, Prod, Sum, Var, expand_reduced, logsumexp, mean,
                          prod, std, sum, var)
from .reduce_extrema import (Max, MaxResult, Min, MinResult, amax, amin, argmax, argmin, max,
                             min, ptp)
from .reduce_nan import (nanargmax, nanargmin, nanmax, nanmean, nanmin, nanprod, nanstd,
                         nansum, nanvar)

reduce_sum = sum
reduce_mean = mean
reduce_max = amax
reduce_min = amin
reduce_prod = prod
reduce_logsumexp = logsumexp

# the names `from tapegrad.ops.reduce import *` gives (tests/test_all.py)
__all__ = ["expand_reduced", "Sum", "Mean", "Prod", "Max", "Min", "Var", "LogSumExp", "sum",
           "mean", "prod", "amax", "amin", "MaxResult", "MinResult", "max", "min", "var", "std",
           "logsumexp", "nansum", "nanmean", "nanprod", "nanmax", "nanmin", "nanvar", "nanstd",
           "nanargmax", "nanargmin", "ptp", "argmax", "argmin", "reduce_sum", "reduce_mean",
           "reduce_max", "reduce_min", "reduce_prod", "reduce_logsumexp"]
