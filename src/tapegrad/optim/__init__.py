"""Optimizers (PyTorch's update rules and defaults) and learning-rate schedules."""
from . import lr_scheduler  # noqa: F401
from .adagrad import Adagrad  # noqa: F401
from .adadelta import Adadelta  # noqa: F401
from .adam import Adam, AdamW  # noqa: F401
from .adamax import Adamax  # noqa: F401
from .lbfgs import LBFGS  # noqa: F401
from .nadam import NAdam  # noqa: F401
from .radam import RAdam  # noqa: F401
from .optimizer import Optimizer  # noqa: F401
from .rmsprop import RMSprop  # noqa: F401
from .rprop import Rprop  # noqa: F401
from .sgd import SGD  # noqa: F401

# the names `from tapegrad.optim import *` gives (tests/test_all.py)
__all__ = ["Adagrad", "Adadelta", "Adam", "AdamW", "Adamax", "LBFGS", "NAdam", "RAdam",
           "Optimizer", "RMSprop", "Rprop", "SGD"]
