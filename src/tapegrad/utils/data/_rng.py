"""Which random generator a sampler draws from (the `generator=` argument)."""
import numpy as np

from ... import _random
from ..._check import _got


def rng(generator, fn):
    """`generator` as a np.random.Generator: None means tapegrad's global generator
    (seeded by tg.manual_seed); a tg.Generator or a NumPy Generator is used as is."""
    if generator is None:
        return _random.generator()
    if isinstance(generator, np.random.Generator):
        return generator
    inner = getattr(generator, "_numpy_generator", None)
    if isinstance(inner, np.random.Generator):
        return inner
    raise TypeError(f"{fn}: generator must be a tg.Generator, a numpy.random.Generator or "
                    f"None, got {_got(generator)}")


def check(generator, fn):
    """Refuse a wrong `generator` when it is given, not at the first iteration."""
    if generator is not None:
        rng(generator, fn)
    return generator
