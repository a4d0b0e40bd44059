"""TensorFlow guides "Introduction to modules, layers, and models" (tf.Module with
trainable and non-trainable Variables, submodules, deferred variable creation, name
scopes, tf.function on __call__) and "Basic training loops" (a linear model fitted with
assign_sub), run with `import tapegrad as tf`. TensorFlow is not installed here: the
checks are the values the guides print."""

from ._port import run

MODULES = r'''
import tapegrad as tf

tf.random.set_seed(0)


class SimpleModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.a_variable = tf.Variable(5.0, name="train_me")
        self.non_trainable_variable = tf.Variable(5.0, trainable=False, name="do_not_train_me")

    def __call__(self, x):
        return self.a_variable * x + self.non_trainable_variable


simple_module = SimpleModule(name="simple")
r_call = simple_module(tf.constant(5.0)).numpy()
print("trainable variables:", simple_module.trainable_variables)
print("all variables:", simple_module.variables)
r_trainable = [v.name for v in simple_module.trainable_variables]
r_all = [v.name for v in simple_module.variables]


class Dense(tf.Module):
    def __init__(self, in_features, out_features, name=None):
        super().__init__(name=name)
        self.w = tf.Variable(
            tf.random.normal([in_features, out_features]), name='w')
        self.b = tf.Variable(tf.zeros([out_features]), name='b')

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


class SequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


my_model = SequentialModule(name="the_model")
print("Model results:", my_model(tf.constant([[2.0, 2.0, 2.0]])))
r_model_shape = tuple(my_model(tf.constant([[2.0, 2.0, 2.0]])).shape)
print("Submodules:", my_model.submodules)
r_submodules = [type(m).__name__ for m in my_model.submodules]
for var in my_model.variables:
    print(var, "\n")
r_n_vars = len(my_model.variables)
r_module_name = my_model.name


class FlexibleDenseModule(tf.Module):
    def __init__(self, out_features, name=None):
        super().__init__(name=name)
        self.is_built = False
        self.out_features = out_features

    def __call__(self, x):
        if not self.is_built:
            self.w = tf.Variable(
                tf.random.normal([x.shape[-1], self.out_features]), name='w')
            self.b = tf.Variable(tf.zeros([self.out_features]), name='b')
            self.is_built = True
        y = tf.matmul(x, self.w) + self.b
        return tf.nn.relu(y)


class MySequentialModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = FlexibleDenseModule(out_features=3)
        self.dense_2 = FlexibleDenseModule(out_features=2)

    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


my_model = MySequentialModule(name="the_model")
r_before = len(my_model.variables)
print("Model results:", my_model(tf.constant([[2.0, 2.0, 2.0]])))
r_after = len(my_model.variables)


class MyTracedModule(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.dense_1 = Dense(in_features=3, out_features=3)
        self.dense_2 = Dense(in_features=3, out_features=2)

    @tf.function
    def __call__(self, x):
        x = self.dense_1(x)
        return self.dense_2(x)


traced = MyTracedModule(name="the_model")
a = traced(tf.constant([[2.0, 2.0, 2.0]]))
b = traced(tf.constant([[[2.0, 2.0, 2.0], [2.0, 2.0, 2.0]]]))
r_traced = (tuple(a.shape), tuple(b.shape))


class ScopedDense(tf.Module):
    @tf.Module.with_name_scope
    def __call__(self, x):
        return x * 2


r_scoped = ScopedDense(name="scoped")(tf.constant(2.0)).numpy()

import os
import tempfile
my_model = SequentialModule(name="the_model")
chkp_path = os.path.join(tempfile.mkdtemp(), "my_checkpoint")
checkpoint = tf.train.Checkpoint(model=my_model)
checkpoint.write(chkp_path)
r_listed = tf.train.list_variables(chkp_path)
new_model = SequentialModule()
new_checkpoint = tf.train.Checkpoint(model=new_model)
new_checkpoint.restore(chkp_path).assert_consumed()
r_restored = bool(tf.reduce_all(new_model(tf.constant([[2.0, 2.0, 2.0]])) ==
                                my_model(tf.constant([[2.0, 2.0, 2.0]]))).numpy())
with tf.name_scope("outer"):
    v = tf.constant(1.0)
'''

TRAINING = r'''
import tapegrad as tf

tf.random.set_seed(0)
x = tf.zeros([10, 10])
x += 2
print(x)
v = tf.Variable(1.0)
v.assign(3.0)
v.assign(tf.square(v))
print(v.numpy())
r_v = v.numpy()

TRUE_W = 3.0
TRUE_B = 2.0
NUM_EXAMPLES = 201
x = tf.linspace(-2, 2, NUM_EXAMPLES)
x = tf.cast(x, tf.float32)


def f(x):
    return x * TRUE_W + TRUE_B


noise = tf.random.normal(shape=[NUM_EXAMPLES])
y = f(x) + noise


class MyModel(tf.Module):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = tf.Variable(5.0)
        self.b = tf.Variable(0.0)

    def __call__(self, x):
        return self.w * x + self.b


model = MyModel()
print("Variables:", model.variables)
assert model(3.0).numpy() == 15.0


def loss(target_y, predicted_y):
    return tf.reduce_mean(tf.square(target_y - predicted_y))


print("Current loss: %1.6f" % loss(y, model(x)).numpy())


def train(model, x, y, learning_rate):
    with tf.GradientTape() as t:
        current_loss = loss(y, model(x))
    dw, db = t.gradient(current_loss, [model.w, model.b])
    model.w.assign_sub(learning_rate * dw)
    model.b.assign_sub(learning_rate * db)


model = MyModel()
weights = []
biases = []
epochs = range(10)


def report(model, loss):
    return f"W = {model.w.numpy():1.2f}, b = {model.b.numpy():1.2f}, loss={loss:2.5f}"


def training_loop(model, x, y):
    for epoch in epochs:
        train(model, x, y, learning_rate=0.1)
        weights.append(model.w.numpy())
        biases.append(model.b.numpy())
        current_loss = loss(y, model(x))
        print(f"Epoch {epoch:2d}:")
        print("    ", report(model, current_loss))


current_loss = loss(y, model(x))
print("Starting:")
print("    ", report(model, current_loss))
training_loop(model, x, y)
r_final = (float(model.w.numpy()), float(model.b.numpy()))
r_x_dtype = x.dtype
r_losses_monotone = all(b <= a for a, b in zip(weights, weights[1:]))
'''


def test_modules():
    ns, out = run(MODULES, "tf_modules")
    assert ns["r_call"] == 30.0
    assert ns["r_trainable"] == ["train_me:0"]
    assert ns["r_all"] == ["train_me:0", "do_not_train_me:0"]
    assert ns["r_model_shape"] == (1, 2)
    assert ns["r_submodules"] == ["Dense", "Dense"]
    assert ns["r_n_vars"] == 4 and ns["r_module_name"] == "the_model"
    assert (ns["r_before"], ns["r_after"]) == (0, 4)
    assert ns["r_traced"] == ((1, 2), (1, 2, 2))
    assert ns["r_scoped"] == 4.0
    assert ns["r_listed"] == [("model/dense_1/b/.ATTRIBUTES/VARIABLE_VALUE", [3]),
                              ("model/dense_1/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 3]),
                              ("model/dense_2/b/.ATTRIBUTES/VARIABLE_VALUE", [2]),
                              ("model/dense_2/w/.ATTRIBUTES/VARIABLE_VALUE", [3, 2])]
    assert ns["r_restored"]


def test_basic_training_loop():
    ns, out = run(TRAINING, "tf_training")
    assert ns["r_v"] == 9.0
    w, b = ns["r_final"]
    assert abs(w - 3.0) < 0.5 and abs(b - 2.0) < 0.6
    assert str(ns["r_x_dtype"]) == "float32"
    assert ns["r_losses_monotone"]
    assert "Epoch  9:\n     W = " in out
