"""Rows of the op case table for complex tensors (ops/complex.py). Each row takes real
inputs, builds complex values with tg.complex, and returns real values (parts, abs,
angle, view_as_real): so gradcheck, gradgradcheck, JVP, batching and the torch
comparison check the complex rules through the real and imaginary parts, which is the
complex gradcheck (finite differences along x and along y of z = x + iy)."""
import tapegrad as tg

from ._case import OpCase


def parts(x, y):
    z = tg.complex(x, y)
    return tg.real(z * tg.complex(y, x)) + tg.imag(tg.conj(z) * z * z)


def modulus(x, y):
    return tg.abs(tg.complex(x, y) ** 2 + 0.5)


def argument(x, y):
    return tg.angle(tg.complex(x, y))


def holomorphic(x, y):
    """exp, sin, div, log, sqrt, pow, tanh, sigmoid: holomorphic elementwise ops."""
    z = tg.complex(x, y)
    w = tg.exp(z) * tg.sin(z) / (z * z + 3.0) + tg.log(z) * tg.sqrt(z) + z ** 2.5
    return tg.view_as_real(w + tg.tanh(z) - tg.sigmoid(z))


def _torch_holomorphic(T, x, y):
    z = T.complex(x, y)
    w = T.exp(z) * T.sin(z) / (z * z + 3.0) + T.log(z) * T.sqrt(z) + z ** 2.5
    return T.view_as_real(w + T.tanh(z) - T.sigmoid(z))


def products(x, y):
    """matmul, einsum, prod, cumprod, cumsum, mean, transpose, getitem."""
    a = tg.complex(x, y)
    b = tg.complex(y, -x).T
    m = a @ b + tg.einsum("ij,kj->ik", a, a)
    v = tg.prod(a, axis=1) + tg.mean(tg.cumprod(a, axis=1), axis=1) + tg.cumsum(a, 1)[:, -1]
    return tg.view_as_real(m[0] * v)


def _torch_products(T, x, y):
    a = T.complex(x, y)
    b = T.complex(y, -x).T
    m = a @ b + T.einsum("ij,kj->ik", a, a)
    v = T.prod(a, dim=1) + T.mean(T.cumprod(a, dim=1), dim=1) + T.cumsum(a, 1)[:, -1]
    return T.view_as_real(m[0] * v)


def from_real(x, y):
    """Real tensors meeting complex ones: the real input takes the real part."""
    c = tg.view_as_complex(tg.stack([y, x * y], axis=-1))
    return tg.abs(x * c + tg.exp(x.astype(tg.complex128 if x.dtype == tg.float64
                                           else tg.complex64) * 1j))


def _torch_from_real(T, x, y):
    c = T.view_as_complex(T.stack([y, x * y], dim=-1))
    return T.abs(x * c + T.exp(x.to(T.complex128 if x.dtype == T.float64
                                    else T.complex64) * 1j))


ROWS = [
    OpCase(parts, [(2, 3), (2, 3)], name="complex_parts",
           torch=lambda T, x, y: (T.real(T.complex(x, y) * T.complex(y, x))
                                  + T.imag(T.conj(T.complex(x, y)) * T.complex(x, y) ** 2))),
    OpCase(modulus, [(4,), (4,)], name="complex_abs", low=0.3, high=1.5,
           torch=lambda T, x, y: T.abs(T.complex(x, y) ** 2 + 0.5)),
    # the branch cut is y = 0, x < 0: keep y away from 0
    OpCase(argument, [(5,), (5,)], name="complex_angle", away_from=[0.0], gap=0.2,
           torch=lambda T, x, y: T.angle(T.complex(x, y))),
    OpCase(holomorphic, [(3,), (3,)], name="complex_holomorphic", low=0.3, high=1.5,
           torch=_torch_holomorphic),
    OpCase(products, [(2, 3), (2, 3)], name="complex_products", torch=_torch_products),
    OpCase(from_real, [(3,), (3,)], name="complex_from_real", torch=_torch_from_real),
]
