"""One module per library. Each exposes `NAME`, `setup(threads) -> info dict` and
`cases() -> [(workload, variant, factory)]`; `factory(data)` returns `(step, result)`:
`step()` runs the workload once, `result()` returns a dict of arrays checked against
the NumPy reference."""

LIBS = ("numpy", "tapegrad", "torch", "autograd", "mygrad", "jax")
