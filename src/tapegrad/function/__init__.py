"""Graph mode (as tf.function): `function`, `cond`, `while_loop`.

`tg.function` runs a Python function once per input signature with every tapegrad op
recorded into a flat program of steps (trace.py). Later calls replay the program on
plain arrays (program.py): each step is one `Op.forward` call, and backward runs each
op's own rule through the node runner in a precomputed order. No Tensor, Node or graph
walk is built per op; one node stands for the whole call in the eager graph (call.py).

What a trace can see: tensor operations. Python control flow runs once, at trace time;
`cond` and `while_loop` (control.py) keep data-dependent branches and loops in the
graph. Asking a traced tensor for a Python value (`bool`, `float`, `.item()`,
`.numpy()`) raises, since that value would be frozen into the graph.
"""
from .call import function
from .control import cond, while_loop
from .trace import TraceError, TraceWarning

__all__ = ["function", "cond", "while_loop", "TraceError", "TraceWarning"]
