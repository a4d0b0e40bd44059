"""TensorFlow guide "Introduction to graphs and tf.function", run with `import tapegrad as
tf`: tf.function on a plain function and on one calling another, a Python `if` on a
tensor (autograph's branch; tapegrad runs that signature eagerly), a function traced per
input signature, tf.config.run_functions_eagerly, Python side effects once per trace,
errors of eager ops (tf.errors.InvalidArgumentError), a timed matrix power in both
modes, retracing on Python arguments, and a Variable created once in a tf.Module.
Left out: the lines printing TF's internals (tf.autograph.to_code, a graph_def, the
concrete signatures). The expected values are TensorFlow 2.21's for the same text with
`import tensorflow as tf`.

One difference is kept: the guide's "non-strict execution" (an unused tf.gather out of
range raises eagerly but not in TF's graph, which prunes it). A tg.function trace runs
the Python function on the first call's values, so the unused op raises there too."""
from ._port import lines_with, run

PROGRAM = r'''
import timeit

import tapegrad as tf


# Define a Python function.
def a_regular_function(x, y, b):
    x = tf.matmul(x, y)
    x = x + b
    return x


a_function_that_uses_a_graph = tf.function(a_regular_function)

# Make some tensors.
x1 = tf.constant([[1.0, 2.0]])
y1 = tf.constant([[2.0], [3.0]])
b1 = tf.constant(4.0)

orig_value = a_regular_function(x1, y1, b1).numpy()
# Call a `tf.function` like a Python function.
tf_function_value = a_function_that_uses_a_graph(x1, y1, b1).numpy()
assert (orig_value == tf_function_value)
r_regular = tf_function_value.tolist()


def inner_function(x, y, b):
    x = tf.matmul(x, y)
    x = x + b
    return x


@tf.function
def outer_function(x):
    y = tf.constant([[2.0], [3.0]])
    b = tf.constant(4.0)

    return inner_function(x, y, b)


r_outer = outer_function(tf.constant([[1.0, 2.0]])).numpy().tolist()


def simple_relu(x):
    if tf.greater(x, 0):
        return x
    else:
        return 0


tf_simple_relu = tf.function(simple_relu)

print("First branch, with graph:", tf_simple_relu(tf.constant(1)).numpy())
print("Second branch, with graph:", tf_simple_relu(tf.constant(-1)).numpy())
r_relu = (int(tf_simple_relu(tf.constant(1)).numpy()), int(tf_simple_relu(tf.constant(-1)).numpy()))


@tf.function
def my_relu(x):
    return tf.maximum(0., x)


# `my_relu` creates new graphs as it observes different input signatures.
print(my_relu(tf.constant(5.5)))
print(my_relu([1, -1]))
print(my_relu(tf.constant([3., -3.])))

# These two calls do *not* create new graphs.
print(my_relu(tf.constant(-2.5)))  # Input signature matches `tf.constant(5.5)`.
print(my_relu(tf.constant([-1., 1.])))  # Input signature matches `tf.constant([3., -3.])`.
r_my_relu = [my_relu(tf.constant(5.5)).numpy().tolist(), my_relu([1, -1]).numpy().tolist(),
             my_relu(tf.constant([3., -3.])).numpy().tolist(),
             my_relu(tf.constant(-2.5)).numpy().tolist()]


@tf.function
def get_MSE(y_true, y_pred):
    sq_diff = tf.pow(y_true - y_pred, 2)
    return tf.reduce_mean(sq_diff)


tf.random.set_seed(1)
y_true = tf.random.uniform([5], maxval=10, dtype=tf.int32)
y_pred = tf.random.uniform([5], maxval=10, dtype=tf.int32)
print(y_true)
print(y_pred)

r_mse = get_MSE(y_true, y_pred)

tf.config.run_functions_eagerly(True)
r_mse_eager = get_MSE(y_true, y_pred)
# Don't forget to set it back when you are done.
tf.config.run_functions_eagerly(False)
r_mse_check = (r_mse.dtype == tf.int32, int(r_mse) == int(r_mse_eager),
               int(r_mse) == int(tf.reduce_mean((y_true - y_pred) ** 2)))


@tf.function
def get_MSE(y_true, y_pred):
    print("Calculating MSE!")
    sq_diff = tf.pow(y_true - y_pred, 2)
    return tf.reduce_mean(sq_diff)


error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)

# Now, globally set everything to run eagerly to force eager execution.
tf.config.run_functions_eagerly(True)

# Observe what is printed below.
error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)
error = get_MSE(y_true, y_pred)

tf.config.run_functions_eagerly(False)
r_eagerly_after = tf.config.functions_run_eagerly()


def unused_return_eager(x):
    # Get index 1 will fail when `len(x) == 1`
    tf.gather(x, [1])  # unused
    return x


try:
    print(unused_return_eager(tf.constant([0.0])))
    r_unused_eager = None
except tf.errors.InvalidArgumentError as e:
    # All operations are run during eager execution so an error is raised.
    print(f'{type(e).__name__}: {e}')
    r_unused_eager = type(e).__name__


@tf.function
def unused_return_graph(x):
    tf.gather(x, [1])  # unused
    return x


try:
    # Only needed operations are run during graph execution. The error is not raised.
    r_unused_graph = unused_return_graph(tf.constant([0.0])).numpy().tolist()
except tf.errors.InvalidArgumentError as e:
    r_unused_graph = type(e).__name__

x = tf.random.uniform(shape=[10, 10], minval=-1, maxval=2, dtype=tf.dtypes.int32)


def power(x, y):
    result = tf.eye(10, dtype=tf.dtypes.int32)
    for _ in range(y):
        result = tf.matmul(x, result)
    return result


print("Eager execution:", timeit.timeit(lambda: power(x, 10), number=20), "seconds")

power_as_graph = tf.function(power)
print("Graph execution:", timeit.timeit(lambda: power_as_graph(x, 10), number=20), "seconds")
r_power = bool((power(x, 10) == power_as_graph(x, 10)).numpy().all())


@tf.function
def a_function_with_python_side_effect(x):
    print("Tracing!")  # An eager-only side effect.
    return x * x + tf.constant(2)


# This is traced the first time.
print(a_function_with_python_side_effect(tf.constant(2)))
# The second time through, you won't see the side effect.
print(a_function_with_python_side_effect(tf.constant(3)))

# This retraces each time the Python argument changes,
# as a Python argument could be an epoch count or other
# hyperparameter.
print(a_function_with_python_side_effect(2))
print(a_function_with_python_side_effect(3))
r_side = [int(a_function_with_python_side_effect(tf.constant(3))),
          int(a_function_with_python_side_effect(3))]


class Model(tf.Module):
    def __init__(self):
        self.v = None

    @tf.function
    def __call__(self, x):
        if self.v is None:
            self.v = tf.Variable(tf.ones_like(x))
        return self.v * x


model = Model()
r_model = [model(tf.constant([1.0, 2.0])).numpy().tolist(), len(model.variables)]
'''

# TensorFlow 2.21's values for PROGRAM (the same text with `import tensorflow as tf`)
TF = dict(r_regular=[[12.0]], r_outer=[[12.0]], r_relu=(1, 0),
          r_my_relu=[5.5, [1.0, 0.0], [3.0, 0.0], 0.0], r_mse_check=(True, True, True),
          r_eagerly_after=False, r_unused_eager="InvalidArgumentError", r_power=True,
          r_side=[11, 11], r_model=[[1.0, 2.0], 1])


def test_intro_to_graphs():
    ns, out = run(PROGRAM, "tf_graphs")
    for name, expected in TF.items():
        assert ns[name] == expected, name
    # TF's graph prunes the unused gather and returns [0.0]; the trace runs it (see above)
    assert ns["r_unused_graph"] == "InvalidArgumentError"
    assert out.count("Calculating MSE!") == 1 + 3          # once traced, then 3 eager calls
    assert out.count("Tracing!") == 3                       # the tensor, then 2 and 3
    assert lines_with(out, "First branch") == ["First branch, with graph: 1"]
    assert lines_with(out, "Second branch") == ["Second branch, with graph: 0"]
