"""Custom differentiable functions (PyTorch's autograd.Function)."""


class Function:
    """Placeholder base; implemented in the custom-function module."""
