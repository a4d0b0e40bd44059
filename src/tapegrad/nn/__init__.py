"""Neural networks: Module, Parameter, layers, losses, functional, init, utils."""
from . import functional, init, utils  # noqa: F401
from .layers import (GELU, BatchNorm1d, Dropout, Embedding, Flatten, Identity,  # noqa: F401
                     LayerNorm, LeakyReLU, Linear, LogSoftmax, ModuleDict, ModuleList, ReLU,
                     Sequential, Sigmoid, Softmax, Softplus, Tanh)
from .losses import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss,  # noqa: F401
                     MSELoss, NLLLoss)
from .module import Module  # noqa: F401
from .parameter import Parameter  # noqa: F401
from .losses import (CosineEmbeddingLoss, GaussianNLLLoss, HuberLoss,  # noqa: F401,E402
                     KLDivLoss, MarginRankingLoss, PoissonNLLLoss, SmoothL1Loss,
                     TripletMarginLoss)
