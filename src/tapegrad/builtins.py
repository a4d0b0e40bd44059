"""autograd.builtins' names, so `from autograd.builtins import tuple, list, dict` ports
by its import line. autograd needs its own containers to differentiate through
arguments packed in them (odeint's `args`); tapegrad treats Python's containers as
pytrees already, so these are Python's own.

>>> import tapegrad.numpy as np
>>> from tapegrad import grad
>>> from tapegrad.builtins import tuple
>>> grad(lambda p: p[0] * p[1])(tuple((np.array(2.0), np.array(3.0))))
(tensor(3., dtype=float64), tensor(2., dtype=float64))
"""
import builtins as _builtins

tuple = _builtins.tuple
list = _builtins.list
dict = _builtins.dict
isinstance = _builtins.isinstance
type = _builtins.type

__all__ = ["tuple", "list", "dict", "isinstance", "type"]
