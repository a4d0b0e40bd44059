"""TensorFlow guide "Introduction to Variables", run with `import tapegrad as tf`: creating
Variables from tensors and lists (bool, complex), shape / dtype / numpy, reading them as
tensors (convert_to_tensor, argmax, reshape), assign keeping the dtype and refusing a new
shape, a Variable made from another one being a copy, assign_add / assign_sub returning
the Variable, names shared by two Variables, trainable=False, and tf.device placement
(GPU:0 falls back to the CPU). The `r_` lines record what the guide prints; the expected
values are TensorFlow 2.21's for the same text with `import tensorflow as tf`."""
import numpy as np

from ._port import run

PROGRAM = r'''
import tapegrad as tf

my_tensor = tf.constant([[1.0, 2.0], [3.0, 4.0]])
my_variable = tf.Variable(my_tensor)

# Variables can be all kinds of types, just like tensors
bool_variable = tf.Variable([False, False, False, True])
complex_variable = tf.Variable([5 + 4j, 6 + 1j])

print("Shape: ", my_variable.shape)
print("DType: ", my_variable.dtype)
print("As NumPy: ", my_variable.numpy())
r_basics = (tuple(my_variable.shape), my_variable.dtype == tf.float32,
            my_variable.numpy().tolist(), bool_variable.dtype == tf.bool,
            complex_variable.dtype == tf.complex128, complex_variable.numpy().tolist())

print("A variable:", my_variable)
print("\nViewed as a tensor:", tf.convert_to_tensor(my_variable))
print("\nIndex of highest value:", tf.math.argmax(my_variable))

# This creates a new tensor; it does not reshape the variable.
print("\nCopying and reshaping: ", tf.reshape(my_variable, [1, 4]))
r_views = (tf.convert_to_tensor(my_variable).numpy().tolist(),
           tf.math.argmax(my_variable).numpy().tolist(),
           tf.reshape(my_variable, [1, 4]).numpy().tolist(), tuple(my_variable.shape))

a = tf.Variable([2.0, 3.0])
# This will keep the same dtype, float32
a.assign([1, 2])
r_assign = (a.numpy().tolist(), a.dtype == tf.float32)
# Not allowed as it resizes the variable:
try:
    a.assign([1.0, 2.0, 3.0])
    r_resize = None
except Exception as e:
    print(f"{type(e).__name__}: {e}")
    r_resize = type(e).__name__

a = tf.Variable([2.0, 3.0])
# Create b based on the value of a
b = tf.Variable(a)
a.assign([5, 6])

# a and b are different
print(a.numpy())
print(b.numpy())
r_copy = (a.numpy().tolist(), b.numpy().tolist())

# There are other versions of assign
print(a.assign_add([2, 3]).numpy())  # [7. 9.]
print(a.assign_sub([7, 9]).numpy())  # [0. 0.]
r_add_sub = a.numpy().tolist()

# Create a and b; they will have the same name but will be backed by
# different tensors.
a = tf.Variable(my_tensor, name="Mark")
# A new variable with the same name, but different value
# Note that the scalar add is broadcast
b = tf.Variable(my_tensor + 1, name="Mark")

# These are elementwise-unequal, despite having the same name
print(a == b)
r_names = (a.name, b.name, (a == b).numpy().tolist())

step_counter = tf.Variable(1, trainable=False)
r_step = (step_counter.trainable, step_counter.numpy().tolist())

with tf.device('CPU:0'):
    # Create some tensors
    a = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    c = tf.matmul(a, b)

print(c)
r_cpu = c.numpy().tolist()

with tf.device('CPU:0'):
    a = tf.Variable([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    b = tf.Variable([[1.0, 2.0, 3.0]])

with tf.device('GPU:0'):
    # Element-wise multiply
    k = a * b

print(k)
r_gpu = k.numpy().tolist()

# tf.Variable operations seen through a tape (the guide's next page starts here)
v = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = v * v
    step_counter.assign_add(1)
r_tape = (tape.gradient(y, v).numpy().tolist(), step_counter.numpy().tolist())
'''

# TensorFlow 2.21's values for PROGRAM (the same text with `import tensorflow as tf`)
TF = dict(
    r_basics=((2, 2), True, [[1.0, 2.0], [3.0, 4.0]], True, True,
              [(5 + 4j), (6 + 1j)]),
    r_views=([[1.0, 2.0], [3.0, 4.0]], [1, 1], [[1.0, 2.0, 3.0, 4.0]], (2, 2)),
    r_assign=([1.0, 2.0], True), r_resize="ValueError",
    r_copy=([5.0, 6.0], [2.0, 3.0]), r_add_sub=[0.0, 0.0],
    r_names=("Mark:0", "Mark:0", [[False, False], [False, False]]),
    r_step=(False, 1), r_cpu=[[22.0, 28.0], [49.0, 64.0]],
    r_gpu=[[1.0, 4.0, 9.0], [4.0, 10.0, 18.0]], r_tape=(6.0, 2))


def test_introduction_to_variables():
    ns, out = run(PROGRAM, "tf_variables")
    for name, expected in TF.items():
        assert ns[name] == expected, name
    assert "ValueError: " in out
    np.testing.assert_array_equal(ns["b"].numpy(), [[1.0, 2.0, 3.0]])
