"""Rows for convolution, pooling, resampling and padding (ops/conv.py, ops/pool.py), each
against torch.nn.functional. Shapes are tiny: every row is gradchecked to second order."""
import numpy as np

import tapegrad as tg
from tapegrad.ops import apply
from tapegrad.ops.conv import ColConvW, Im2col
from tapegrad.ops.pool import PoolPut

from ._case import OpCase, distinct

F = tg.nn.functional
PUT_AT = np.array([[0, 3, 3], [6, 1, 3]])       # repeats accumulate


def _conv_w(x, y):
    c = apply(Im2col, x, ksize=(2, 2), out=(4, 2), stride=(1, 2), padding=((1, 1), (0, 0)),
              dilation=(1, 1), groups=1)
    return apply(ColConvW, y, c, ksize=(2, 2))


def _torch_conv_w(T, x, y):
    return T.nn.grad.conv2d_weight(x, (y.shape[1], x.shape[1], 2, 2), y, stride=(1, 2),
                                   padding=(1, 0))


def _put(g):
    return apply(PoolPut, g, index=PUT_AT, unique=False, shape=(7,))


def _torch_put(T, g):
    return T.zeros(7, dtype=g.dtype).index_add(0, T.from_numpy(PUT_AT.reshape(-1)),
                                               g.reshape(-1))


def _tf(name):
    """torch's function of the same name, called with the row's arguments."""
    return lambda T, *xs, **kw: getattr(T.nn.functional, name)(*xs, **kw)


ROWS = [
    OpCase(F.conv2d, [(2, 4, 4, 5), (4, 2, 2, 3), (4,)],
           dict(stride=(2, 1), padding=1, dilation=(1, 2), groups=2), torch=_tf("conv2d")),
    OpCase(F.conv1d, [(2, 2, 5), (3, 2, 3)], dict(padding="same", dilation=2),
           torch=_tf("conv1d")),
    OpCase(F.conv3d, [(1, 2, 3, 3, 2), (2, 2, 2, 2, 1)], dict(padding=(1, 0, 0)),
           torch=_tf("conv3d")),
    OpCase(F.conv_transpose2d, [(1, 4, 2, 3), (4, 1, 3, 2), (2,)],
           dict(stride=2, padding=1, output_padding=1, groups=2),
           torch=_tf("conv_transpose2d")),
    # output_padding past the stride (allowed below the dilation): the cropping path
    OpCase(F.conv_transpose1d, [(2, 2, 3), (2, 2, 2)],
           dict(stride=1, dilation=3, output_padding=2), torch=_tf("conv_transpose1d")),
    OpCase(_conv_w, [(2, 2, 3, 4), (2, 3, 4, 2)], name="conv_weight_adjoint",
           torch=_torch_conv_w),
    OpCase(F.unfold, [(1, 2, 4, 3)], dict(kernel_size=(2, 2), padding=1, stride=(2, 1)),
           torch=_tf("unfold")),
    OpCase(F.fold, [(1, 4, 4)], dict(output_size=(3, 4), kernel_size=2, dilation=(1, 2)),
           torch=_tf("fold")),
    OpCase(F.max_pool2d, [(2, 2, 5, 4)],
           dict(kernel_size=3, stride=2, padding=1, ceil_mode=True), sample=distinct,
           torch=_tf("max_pool2d")),
    OpCase(F.max_pool1d, [(1, 2, 7)], dict(kernel_size=2, dilation=2), sample=distinct,
           torch=_tf("max_pool1d")),
    OpCase(F.avg_pool2d, [(1, 2, 5, 4)],
           dict(kernel_size=(3, 2), stride=2, padding=1, ceil_mode=True,
                count_include_pad=False), torch=_tf("avg_pool2d")),
    OpCase(F.avg_pool1d, [(2, 1, 6)], dict(kernel_size=3, stride=2, padding=1),
           torch=_tf("avg_pool1d")),
    OpCase(F.adaptive_avg_pool2d, [(1, 2, 5, 4)], dict(output_size=(3, 3)),
           torch=_tf("adaptive_avg_pool2d")),
    OpCase(F.adaptive_avg_pool1d, [(2, 1, 5)], dict(output_size=2),
           torch=_tf("adaptive_avg_pool1d")),
    OpCase(F.adaptive_max_pool2d, [(1, 2, 5, 4)], dict(output_size=(2, 3)), sample=distinct,
           torch=_tf("adaptive_max_pool2d")),
    OpCase(F.interpolate, [(1, 2, 2, 3)], dict(scale_factor=(2, 1.5)),
           torch=_tf("interpolate")),
    OpCase(F.interpolate, [(1, 1, 3, 2)], dict(size=(4, 5), mode="bilinear",
                                               align_corners=True),
           name="interpolate_bilinear", torch=_tf("interpolate")),
    OpCase(F.interpolate, [(2, 1, 4)], dict(size=3, mode="linear"), name="interpolate_linear",
           torch=_tf("interpolate")),
    OpCase(F.pad, [(2, 3, 4)], dict(pad=(1, -1, 2, 0), value=0.5), torch=_tf("pad")),
    OpCase(F.pad, [(1, 2, 3, 3)], dict(pad=(2, 1, 1, 2), mode="reflect"), name="pad_reflect",
           torch=_tf("pad")),
    OpCase(F.pad, [(1, 2, 3)], dict(pad=(2, 3), mode="circular"), name="pad_circular",
           torch=_tf("pad")),
    OpCase(F.pad, [(1, 2, 3)], dict(pad=(1, 2), mode="replicate"), name="pad_replicate",
           torch=_tf("pad")),
    OpCase(_put, [(2, 3)], name="pool_put", torch=_torch_put),
]
