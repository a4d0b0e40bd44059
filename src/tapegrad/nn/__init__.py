"""Neural networks: Module, Parameter, layers, losses, functional, init, utils."""
from . import functional, init, initializers, utils  # noqa: F401
from .layers import (GELU, Dropout, Embedding, Flatten, Identity,  # noqa: F401
                     LayerNorm, LeakyReLU, Linear, LogSoftmax, ModuleDict, ModuleList, ReLU,
                     Sequential, Sigmoid, Softmax, Softplus, Tanh)
from .losses import (BCELoss, BCEWithLogitsLoss, CrossEntropyLoss, L1Loss,  # noqa: F401
                     MSELoss, NLLLoss)
from .conv import (AdaptiveAvgPool1d, AdaptiveAvgPool2d, AdaptiveMaxPool2d,  # noqa: F401
                   AvgPool1d, AvgPool2d, Conv1d, Conv2d, Conv3d, ConvTranspose1d,
                   ConvTranspose2d, MaxPool1d, MaxPool2d)
from .resample import (ConstantPad1d, ConstantPad2d, Fold, ReflectionPad1d,  # noqa: F401
                       ReflectionPad2d, ReplicationPad1d, ReplicationPad2d, Unflatten,
                       Unfold, Upsample, ZeroPad2d)
from .module import Module  # noqa: F401
from .parameter import Parameter  # noqa: F401
from .losses import (CosineEmbeddingLoss, GaussianNLLLoss,  # noqa: F401,E402
                     HingeEmbeddingLoss, HuberLoss, KLDivLoss, MarginRankingLoss,
                     MultiLabelSoftMarginLoss, PoissonNLLLoss, SmoothL1Loss,
                     SoftMarginLoss, TripletMarginLoss)
from .tf_functions import (batch_normalization, bias_add, dropout, elu,  # noqa: F401,E402
                           embedding_lookup, gelu, l2_loss, l2_normalize, leaky_relu,
                           log_softmax, moments, relu, relu6, selu, sigmoid,
                           sigmoid_cross_entropy_with_logits, silu, softmax,
                           softmax_cross_entropy_with_logits, softplus, softsign,
                           sparse_softmax_cross_entropy_with_logits, swish, tanh,
                           weighted_cross_entropy_with_logits, top_k, in_top_k)
from .rnn import GRU, LSTM, RNN, GRUCell, LSTMCell, RNNBase, RNNCell  # noqa: F401,E402
# issue 18: activations and normalisation modules
from .activations import (CELU, ELU, GLU, SELU, Hardsigmoid, Hardswish,  # noqa: F401,E402
                          Hardtanh, LogSigmoid, Mish, PReLU, ReLU6, SiLU, Softsign,
                          Tanhshrink)
from .norm import (BatchNorm1d, BatchNorm2d, Dropout2d, GroupNorm,  # noqa: F401,E402
                   InstanceNorm2d, RMSNorm)
from .embedding_bag import EmbeddingBag  # noqa: F401,E402
from .attention import MultiheadAttention  # noqa: F401,E402
from .transformer import (Transformer, TransformerDecoder,  # noqa: F401,E402
                          TransformerDecoderLayer, TransformerEncoder,
                          TransformerEncoderLayer)
from . import parallel  # noqa: F401,E402

# the names `from tapegrad.nn import *` gives (tests/test_all.py)
__all__ = ["GELU", "Dropout", "Embedding", "Flatten", "Identity", "LayerNorm", "LeakyReLU",
           "Linear", "LogSoftmax", "ModuleDict", "ModuleList", "ReLU", "Sequential", "Sigmoid",
           "Softmax", "Softplus", "Tanh", "BCELoss", "BCEWithLogitsLoss", "CrossEntropyLoss",
           "L1Loss", "MSELoss", "NLLLoss", "AdaptiveAvgPool1d", "AdaptiveAvgPool2d",
           "AdaptiveMaxPool2d", "AvgPool1d", "AvgPool2d", "ConstantPad1d", "ConstantPad2d",
           "Conv1d", "Conv2d", "Conv3d", "ConvTranspose1d", "ConvTranspose2d", "Fold", "MaxPool1d",
           "MaxPool2d", "ReflectionPad1d", "ReflectionPad2d", "ReplicationPad1d",
           "ReplicationPad2d", "Unflatten", "Unfold", "Upsample", "ZeroPad2d", "Module",
           "Parameter", "CosineEmbeddingLoss", "GaussianNLLLoss", "HingeEmbeddingLoss",
           "HuberLoss", "KLDivLoss", "MarginRankingLoss", "MultiLabelSoftMarginLoss",
           "PoissonNLLLoss", "SmoothL1Loss", "SoftMarginLoss", "TripletMarginLoss",
           "batch_normalization", "bias_add", "dropout", "elu", "embedding_lookup", "gelu",
           "l2_loss", "l2_normalize", "leaky_relu", "log_softmax", "moments", "relu", "relu6",
           "selu", "sigmoid", "sigmoid_cross_entropy_with_logits", "silu", "softmax",
           "softmax_cross_entropy_with_logits", "softplus", "softsign",
           "sparse_softmax_cross_entropy_with_logits", "swish", "tanh",
           "weighted_cross_entropy_with_logits", "top_k", "in_top_k", "GRU", "LSTM", "RNN",
           "GRUCell", "LSTMCell",
           "RNNBase", "RNNCell", "CELU", "ELU", "GLU", "SELU", "Hardsigmoid", "Hardswish",
           "Hardtanh", "LogSigmoid", "Mish", "PReLU", "ReLU6", "SiLU", "Softsign", "Tanhshrink",
           "BatchNorm1d", "BatchNorm2d", "Dropout2d", "GroupNorm", "InstanceNorm2d", "RMSNorm",
           "EmbeddingBag", "MultiheadAttention", "Transformer", "TransformerDecoder",
           "TransformerDecoderLayer", "TransformerEncoder", "TransformerEncoderLayer"]
# issue 18 (tutorial ports)
from .containers import ParameterDict, ParameterList  # noqa: F401,E402
__all__ += ["ParameterDict", "ParameterList"]
from .more_layers import (Bilinear, PixelShuffle, PixelUnshuffle,  # noqa: F401,E402
                          Softmax2d, Softmin)
__all__ += ["Bilinear", "PixelShuffle", "PixelUnshuffle", "Softmax2d", "Softmin"]
# jax.nn's functions tg.nn lacked (issue 15, round 3)
from ._jax_functions import (celu, glu, hard_sigmoid, hard_silu,  # noqa: F401,E402
                             hard_swish, hard_tanh, log_sigmoid, logsumexp, mish, one_hot,
                             soft_sign, sparse_plus, squareplus, standardize)
__all__ += ["celu", "glu", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
            "log_sigmoid", "logsumexp", "mish", "one_hot", "soft_sign", "sparse_plus",
            "squareplus", "standardize"]
# lazy layers, as Dive into Deep Learning 1.0 writes its networks
from .lazy import (LazyBatchNorm1d, LazyBatchNorm2d, LazyConv1d,  # noqa: F401,E402
                   LazyConv2d, LazyLinear)
__all__ += ["LazyLinear", "LazyConv1d", "LazyConv2d", "LazyBatchNorm1d", "LazyBatchNorm2d"]
