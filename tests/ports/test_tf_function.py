"""TensorFlow guide "Better performance with tf.function", run with `import tapegrad as
tf`: a traced add used under a GradientTape, nested tf.functions, tf.function(fn) on a
plain function, retracing on a new dtype or shape but not on the same one, an
input_signature of tf.TensorSpec(shape=[None]) checked on every call, Python values
retracing per value, Python side effects running at trace time only, a tf.Variable
created once inside a traced __call__ of a tf.Module, Variable.assign_add and a
GradientTape inside. The expected values are TensorFlow 2's output for the same program
(TensorFlow is not installed in this environment), recorded as constants."""
from ._port import lines_with, run

PROGRAM = r'''
import tapegrad as tf

@tf.function
def add(a, b):
    return a + b

r_add = add(tf.ones([2, 2]), tf.ones([2, 2])).numpy()
v = tf.Variable(1.0)
with tf.GradientTape() as tape:
    result = add(v, 1.0)
r_grad = tape.gradient(result, v).numpy()


@tf.function
def dense_layer(x, w, b):
    return add(tf.matmul(x, w), b)


r_dense = dense_layer(tf.ones([3, 2]), tf.ones([2, 2]), tf.ones([2])).numpy()


def function_to_get_faster(x, y, b):
    x = tf.matmul(x, y)
    x = x + b
    return x


a_function_that_uses_a_graph = tf.function(function_to_get_faster)
x1 = tf.constant([[1.0, 2.0]])
y1 = tf.constant([[2.0], [3.0]])
b1 = tf.constant(4.0)
r_graph = a_function_that_uses_a_graph(x1, y1, b1).numpy()
print(r_graph)

traces = []


@tf.function
def double(a):
    print("Tracing with", a.dtype, tuple(a.shape))
    traces.append(a.dtype)
    return a + a


print(double(tf.constant(1)))
print(double(tf.constant(1.1)))
print(double(tf.constant(1)))
print(double(tf.constant([1, 2])))
n_double_traces = len(traces)


@tf.function(input_signature=(tf.TensorSpec(shape=[None], dtype=tf.int32),))
def next_collatz(x):
    print("Tracing with", x.shape)
    return tf.where(x % 2 == 0, x // 2, 3 * x + 1)


r_collatz1 = next_collatz(tf.constant([1, 2])).numpy()
r_collatz2 = next_collatz(tf.constant([3, 4, 5])).numpy()
try:
    next_collatz(tf.constant([[1, 2], [3, 4]]))
    sig_error = None
except (ValueError, TypeError) as e:
    sig_error = type(e).__name__
try:
    next_collatz(tf.constant([1.0, 2.0]))
    sig_dtype_error = None
except (ValueError, TypeError) as e:
    sig_dtype_error = type(e).__name__

py_traces = []


@tf.function
def f(x):
    py_traces.append(x)
    return x * 2


f(1)
f(1)
f(2)
f(tf.constant(1))
f(tf.constant(2))
n_py_traces = len(py_traces)

external_list = []


@tf.function
def side_effect(x):
    print('Python side effect')
    external_list.append(x)
    return x + 1


side_effect(1)
side_effect(1)
side_effect(1)
n_side = len(external_list)


class Model(tf.Module):
    def __init__(self):
        self.v = None

    @tf.function
    def __call__(self, x):
        if self.v is None:
            self.v = tf.Variable(tf.ones_like(x))
        return self.v * x


m = Model()
r_model1 = m(tf.constant([1.0, 2.0])).numpy()
m.v.assign([3.0, 4.0])
r_model2 = m(tf.constant([1.0, 2.0])).numpy()
n_model_vars = len(m.variables)

v = tf.Variable(1.0)


@tf.function
def add_v(x):
    v.assign_add(x)
    return v.read_value()


r_assign = [float(add_v(tf.constant(1.0))), float(add_v(tf.constant(2.0)))]


x = tf.Variable(2.0)


@tf.function
def grad_fn(x):
    with tf.GradientTape() as tape:
        y = x * x * x
    return tape.gradient(y, x)


r_tape_inside = float(grad_fn(x))

'''

# TensorFlow's values for PROGRAM (the same text with `import tensorflow as tf`)
TF = dict(r_add=[[2.0, 2.0], [2.0, 2.0]], r_grad=1.0, r_dense=[[3.0, 3.0]] * 3,
          r_graph=[[12.0]], n_double_traces=3, r_collatz1=[4, 1], r_collatz2=[10, 2, 16],
          sig_error="TypeError", sig_dtype_error="TypeError", n_py_traces=3, n_side=1,
          r_model1=[1.0, 2.0], r_model2=[3.0, 8.0], n_model_vars=1, r_assign=[2.0, 4.0],
          r_tape_inside=12.0)


def test_tf_function_guide():
    ns, out = run(PROGRAM, "tf_function")
    for name, expected in TF.items():
        got = ns[name]
        got = got.tolist() if hasattr(got, "tolist") else got
        assert got == expected, name
    assert len(lines_with(out, "Tracing with")) >= 4
    assert out.count("Python side effect") == 1
