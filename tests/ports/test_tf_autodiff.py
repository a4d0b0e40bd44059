"""TensorFlow guides "Introduction to gradients and automatic differentiation" and
"Advanced automatic differentiation", run with `import tapegrad as tf`: gradient tapes
over Variables and watched constants, dict and list sources, watched_variables,
persistent tapes, None gradients and unconnected_gradients, stop_recording, reset,
stop_gradient, a custom gradient with clip_by_norm, nested and multiple tapes,
jacobians of scalars and layers, a Hessian for a Newton step, and batch_jacobian. The
guides' Keras Dense layers are replaced by a small tf.Module (the suite has no Keras).
TensorFlow is not installed here: the values are checked against their closed forms."""
import numpy as np
import pytest

from ._port import run

GRADIENTS = r'''
import numpy as np
import tapegrad as tf

tf.random.set_seed(0)
x = tf.Variable(3.0)
with tf.GradientTape() as tape:
    y = x**2
dy_dx = tape.gradient(y, x)
print(dy_dx.numpy())
r_basic = dy_dx.numpy()

w = tf.Variable(tf.random.normal((3, 2)), name='w')
b = tf.Variable(tf.zeros(2, dtype=tf.float32), name='b')
x = [[1., 2., 3.]]
with tf.GradientTape(persistent=True) as tape:
    y = x @ w + b
    loss = tf.reduce_mean(y**2)
[dl_dw, dl_db] = tape.gradient(loss, [w, b])
print(w.shape)
print(dl_dw.shape)
my_vars = {'w': w, 'b': b}
grad = tape.gradient(loss, my_vars)
print(grad['b'])
r_wb = (w.numpy(), b.numpy(), dl_dw.numpy(), dl_db.numpy(), grad['b'].numpy())


class Dense(tf.Module):
    def __init__(self, in_features, out_features, activation=None, name=None):
        super().__init__(name=name)
        self.kernel = tf.Variable(tf.random.normal([in_features, out_features]), name='kernel')
        self.bias = tf.Variable(tf.zeros([out_features]), name='bias')
        self.activation = activation

    def __call__(self, x):
        y = tf.matmul(x, self.kernel) + self.bias
        return self.activation(y) if self.activation else y


layer = Dense(3, 2, activation=tf.nn.relu)
x = tf.constant([[1., 2., 3.]])
with tf.GradientTape() as tape:
    y = layer(x)
    loss = tf.reduce_mean(y**2)
grad = tape.gradient(loss, layer.trainable_variables)
for var, g in zip(layer.trainable_variables, grad):
    print(f'{var.name}, shape: {g.shape}')
r_layer_names = [v.name for v in layer.trainable_variables]

x0 = tf.Variable(3.0, name='x0')
x1 = tf.Variable(3.0, name='x1', trainable=False)
x2 = tf.Variable(2.0, name='x2') + 1.0
x3 = tf.constant(3.0, name='x3')
with tf.GradientTape() as tape:
    y = (x0**2) + (x1**2) + (x2**2)
grad = tape.gradient(y, [x0, x1, x2, x3])
for g in grad:
    print(g)
r_mixed = [None if g is None else float(g.numpy()) for g in grad]
r_watched = [var.name for var in tape.watched_variables()]

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x**2
dy_dx = tape.gradient(y, x)
r_watch = dy_dx.numpy()

x0 = tf.Variable(0.0)
x1 = tf.Variable(10.0)
with tf.GradientTape(watch_accessed_variables=False) as tape:
    tape.watch(x1)
    y0 = tf.math.sin(x0)
    y1 = tf.nn.softplus(x1)
    y = y0 + y1
    ys = tf.reduce_sum(y)
grad = tape.gradient(ys, {'x0': x0, 'x1': x1})
print('dy/dx0:', grad['x0'])
print('dy/dx1:', grad['x1'].numpy())
r_selective = (grad['x0'], float(grad['x1'].numpy()))

x = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = x * x
    z = y * y
r_intermediate = tape.gradient(z, y).numpy()

x = tf.constant([1, 3.0])
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    y = x * x
    z = y * y
r_persist = (tape.gradient(z, x).numpy(), tape.gradient(y, x).numpy())
del tape

x = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    y0 = x**2
    y1 = 1 / x
r_two = (tape.gradient(y0, x).numpy(), tape.gradient(y1, x).numpy())
with tf.GradientTape() as tape:
    y0 = x**2
    y1 = 1 / x
r_dict_target = tape.gradient({'y0': y0, 'y1': y1}, x).numpy()
with tf.GradientTape() as tape:
    y = x * [3., 4.]
r_nonscalar = tape.gradient(y, x).numpy()

x = tf.linspace(-10.0, 10.0, 200+1)
with tf.GradientTape() as tape:
    tape.watch(x)
    y = tf.nn.sigmoid(x)
dy_dx = tape.gradient(y, x)
r_sigmoid = (x.numpy(), dy_dx.numpy())

x = tf.constant(1.0)
v0 = tf.Variable(2.0)
v1 = tf.Variable(2.0)
with tf.GradientTape(persistent=True) as tape:
    tape.watch(x)
    if x > 0.0:
        result = v0
    else:
        result = v1**2
dv0, dv1 = tape.gradient(result, [v0, v1])
print(dv0)
print(dv1)
dx = tape.gradient(result, x)
print(dx)
r_control = (float(dv0.numpy()), dv1, dx)

x = tf.Variable(2.)
y = tf.Variable(3.)
with tf.GradientTape() as tape:
    z = y * y
r_unconnected = tape.gradient(z, x)

x = tf.Variable(2.0)
kinds = []
for epoch in range(2):
    with tf.GradientTape() as tape:
        y = x+1
    g = tape.gradient(y, x)
    print(type(x).__name__, ":", g)
    kinds.append(g is None)
    x = x + 1
r_replaced = kinds

x = tf.Variable([[1.0, 2.0],
                 [3.0, 4.0]], dtype=tf.float32)
with tf.GradientTape() as tape:
    x2 = x**2
    y = np.mean(x2, axis=0)
    y = tf.reduce_mean(y, axis=0)
r_numpy_detour = tape.gradient(y, x)

x0 = tf.Variable(3.0)
x1 = tf.Variable(0.0)
with tf.GradientTape() as tape:
    x1.assign_add(x0)
    y = x1**2
r_stateful = tape.gradient(y, x0)

x = tf.Variable([2., 2.])
y = tf.Variable(3.)
with tf.GradientTape() as tape:
    z = y**2
r_zero = tape.gradient(z, x, unconnected_gradients=tf.UnconnectedGradients.ZERO).numpy()
'''

ADVANCED = r'''
import numpy as np
import tapegrad as tf

tf.random.set_seed(1)
x = tf.Variable(2.0)
y = tf.Variable(3.0)
with tf.GradientTape() as t:
    x_sq = x * x
    with t.stop_recording():
        y_sq = y * y
    z = x_sq + y_sq
grad = t.gradient(z, {'x': x, 'y': y})
print('dz/dx:', grad['x'])
print('dz/dy:', grad['y'])
r_stop_recording = (float(grad['x'].numpy()), grad['y'])

x = tf.Variable(2.0)
y = tf.Variable(3.0)
reset = True
with tf.GradientTape() as t:
    y_sq = y * y
    if reset:
        t.reset()
    z = x * x + y_sq
grad = t.gradient(z, {'x': x, 'y': y})
r_reset = (float(grad['x'].numpy()), grad['y'])

with tf.GradientTape() as t:
    y_sq = y**2
    z = x**2 + tf.stop_gradient(y_sq)
grad = t.gradient(z, {'x': x, 'y': y})
r_stop_gradient = (float(grad['x'].numpy()), grad['y'])


@tf.custom_gradient
def clip_gradients(y):
    def backward(dy):
        return tf.clip_by_norm(dy, 0.5)
    return y, backward


v = tf.Variable(2.0)
with tf.GradientTape() as t:
    output = clip_gradients(v * v)
r_custom = float(t.gradient(output, v).numpy())

x0 = tf.constant(0.0)
x1 = tf.constant(0.0)
with tf.GradientTape() as tape0, tf.GradientTape() as tape1:
    tape0.watch(x0)
    tape1.watch(x1)
    y0 = tf.math.sin(x0)
    y1 = tf.nn.sigmoid(x1)
    y = y0 + y1
    ys = tf.reduce_sum(y)
r_multi = (float(tape0.gradient(ys, x0).numpy()), float(tape1.gradient(ys, x1).numpy()))

x = tf.Variable(1.0)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        y = x * x * x
    dy_dx = t1.gradient(y, x)
d2y_dx2 = t2.gradient(dy_dx, x)
print('dy_dx:', dy_dx.numpy())
print('d2y_dx2:', d2y_dx2.numpy())
r_second = (float(dy_dx.numpy()), float(d2y_dx2.numpy()))


class Dense(tf.Module):
    def __init__(self, in_features, units, activation=None):
        super().__init__()
        self.kernel = tf.Variable(tf.random.normal([in_features, units]) * 0.3, name='kernel')
        self.bias = tf.Variable(tf.zeros([units]), name='bias')
        self.activation = activation

    def __call__(self, x):
        y = x @ self.kernel + self.bias
        return self.activation(y) if self.activation else y


x = tf.random.normal([7, 5])
layer = Dense(5, 10, activation=tf.nn.relu)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        t1.watch(x)
        y = layer(x)
        out = tf.reduce_sum(layer(x)**2)
    g1 = t1.gradient(out, x)
    g1_mag = tf.norm(g1)
dg1_mag = t2.gradient(g1_mag, layer.trainable_variables)
r_input_reg = [d.shape for d in dg1_mag]

x = tf.linspace(-10.0, 10.0, 200+1)
delta = tf.Variable(0.0)
with tf.GradientTape() as tape:
    y = tf.nn.sigmoid(x+delta)
dy_dx = tape.jacobian(y, delta)
print(y.shape)
print(dy_dx.shape)
r_scalar_jac = (y.numpy(), dy_dx.numpy())

x = tf.random.normal([7, 5])
layer = Dense(5, 10, activation=tf.nn.relu)
with tf.GradientTape(persistent=True) as tape:
    y = layer(x)
j = tape.jacobian(y, layer.kernel)
print(j.shape)
g = tape.gradient(y, layer.kernel)
print('g.shape:', g.shape)
j_sum = tf.reduce_sum(j, axis=[0, 1])
delta = tf.reduce_max(abs(g - j_sum)).numpy()
assert delta < 1e-3
print('delta:', delta)
r_layer_jac = (j.shape, float(delta))

x = tf.random.normal([7, 5])
layer1 = Dense(5, 8, activation=tf.nn.relu)
layer2 = Dense(8, 6, activation=tf.nn.relu)
with tf.GradientTape() as t2:
    with tf.GradientTape() as t1:
        x = layer1(x)
        x = layer2(x)
        loss = tf.reduce_mean(x**2)
    g = t1.gradient(loss, layer1.kernel)
h = t2.jacobian(g, layer1.kernel)
print(f'layer.kernel.shape: {layer1.kernel.shape}')
print(f'h.shape: {h.shape}')
n_params = tf.reduce_prod(layer1.kernel.shape)
g_vec = tf.reshape(g, [n_params, 1])
h_mat = tf.reshape(h, [n_params, n_params])
eps = 1e-3
eye_eps = tf.eye(h_mat.shape[0])*eps
update = tf.linalg.solve(h_mat + eye_eps, g_vec)
_ = layer1.kernel.assign_sub(tf.reshape(update, layer1.kernel.shape))
r_hessian = (tuple(h.shape), int(n_params), h_mat.numpy())

x = tf.random.normal([7, 5])
layer1 = Dense(5, 8, activation=tf.nn.elu)
layer2 = Dense(8, 6, activation=tf.nn.elu)
with tf.GradientTape(persistent=True, watch_accessed_variables=False) as tape:
    tape.watch(x)
    y = layer1(x)
    y = layer2(y)
print(y.shape)
j = tape.jacobian(y, x)
print(j.shape)
j_sum = tf.reduce_sum(j, axis=2)
print(j_sum.shape)
j_select = tf.einsum('bxby->bxy', j)
print(j_select.shape)
jb = tape.batch_jacobian(y, x)
print(jb.shape)
error = tf.reduce_max(abs(jb - j_sum))
assert error < 1e-3
print(error.numpy())
r_batch = (tuple(j.shape), tuple(jb.shape), float(tf.reduce_max(abs(jb - j_select)).numpy()))
'''


def test_introduction_to_gradients():
    ns, out = run(GRADIENTS, "tf_gradients")
    assert ns["r_basic"] == 6.0
    w, b, dw, db, db2 = ns["r_wb"]
    y = np.array([[1.0, 2.0, 3.0]]) @ w + b
    np.testing.assert_allclose(db, y[0], rtol=1e-5)          # d mean(y^2) / db = y
    np.testing.assert_allclose(dw, np.outer([1.0, 2.0, 3.0], y[0]), rtol=1e-5)
    np.testing.assert_array_equal(db2, db)
    assert ns["r_layer_names"] == ["bias:0", "kernel:0"]     # tf.Module sorts by name
    assert ns["r_mixed"] == [6.0, None, None, None]
    assert ns["r_watched"] == ["x0:0"]
    assert ns["r_watch"] == 6.0
    assert ns["r_selective"][0] is None
    assert ns["r_selective"][1] == pytest.approx(1 / (1 + np.exp(-10.0)), rel=1e-6)
    assert ns["r_intermediate"] == 18.0
    np.testing.assert_allclose(ns["r_persist"][0], [4.0, 108.0])
    np.testing.assert_allclose(ns["r_persist"][1], [2.0, 6.0])
    assert ns["r_two"] == (4.0, -0.25)
    assert ns["r_dict_target"] == 3.75
    assert ns["r_nonscalar"] == 7.0
    x, d = ns["r_sigmoid"]
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(d, s * (1 - s), rtol=1e-5, atol=1e-7)
    assert ns["r_control"] == (1.0, None, None)
    assert ns["r_unconnected"] is None
    assert ns["r_replaced"] == [False, True]
    # TensorFlow loses the gradient through np.mean (None); tapegrad differentiates NumPy
    # functions on tensors (API.md), so the gradient of mean(x**2) comes back: x / 2
    np.testing.assert_allclose(ns["r_numpy_detour"].numpy(), [[0.5, 1.0], [1.5, 2.0]])
    assert ns["r_stateful"] is None
    np.testing.assert_array_equal(ns["r_zero"], [0.0, 0.0])


def test_advanced_autodiff():
    ns, out = run(ADVANCED, "tf_advanced")
    assert ns["r_stop_recording"] == (4.0, None)
    assert ns["r_reset"] == (4.0, None)
    assert ns["r_stop_gradient"] == (4.0, None)
    assert ns["r_custom"] == pytest.approx(2.0)          # 2v = 4, clipped to norm 0.5, x2v
    assert ns["r_multi"] == (1.0, 0.25)
    assert ns["r_second"] == (3.0, 6.0)
    assert ns["r_input_reg"] == [(10,), (5, 10)]
    y, j = ns["r_scalar_jac"]
    np.testing.assert_allclose(j, y * (1 - y), rtol=1e-5, atol=1e-7)
    assert ns["r_layer_jac"][0] == (7, 10, 5, 10)
    shape, n, h = ns["r_hessian"]
    assert shape == (5, 8, 5, 8) and n == 40
    np.testing.assert_allclose(h, h.T, atol=1e-5)
    assert ns["r_batch"][:2] == ((7, 6, 7, 5), (7, 6, 5))
    assert ns["r_batch"][2] < 1e-6
