"""TensorFlow tutorials "Customization basics: tensors and operations" (tf.math ops on
Python values, NumPy interop both ways, tf.data.Dataset.from_tensor_slices with map,
shuffle and batch) and "Custom training: walkthrough" on scikit-learn's iris, keras-free:
a dict-of-columns dataset shuffled and batched, pack_features_vector stacking
list(features.values()), a tf.Module of Dense layers, sparse softmax cross-entropy,
GradientTape gradients over model.trainable_variables, an optimizer's
apply_gradients(zip(grads, variables)) by assign_sub, argmax(output_type=tf.int64),
predictions with tf.nn.softmax. TensorFlow's values for the deterministic parts are
recorded as constants (TensorFlow is not installed in this environment)."""
import pytest

pytest.importorskip("sklearn")

from ._port import run

PROGRAM = r'''
import numpy as np
import tapegrad as tf
from sklearn.datasets import load_iris

# "Customization basics: tensors and operations"
print(tf.math.add(1, 2))
print(tf.math.add([1, 2], [3, 4]))
print(tf.math.square(5))
print(tf.math.reduce_sum([1, 2, 3]))
print(tf.math.square(2) + tf.math.square(3))
r_basics = [int(tf.math.add(1, 2)), tf.math.add([1, 2], [3, 4]).numpy().tolist(),
            int(tf.math.square(5)), int(tf.math.reduce_sum([1, 2, 3])),
            int(tf.math.square(2) + tf.math.square(3))]
x = tf.linalg.matmul([[1]], [[2, 3]])
print(x)
print(x.shape)
r_matmul = (x.numpy().tolist(), tuple(x.shape))
ndarray = np.ones([3, 3])
tensor = tf.math.multiply(ndarray, 42)
print(tensor)
r_np_add = np.add(tensor, 1)
print(r_np_add)
r_np_add = np.asarray(r_np_add).tolist()
print(tensor.numpy())
r_tensor_dtype = tensor.numpy().dtype.name
x = tf.random.uniform([3, 3])
print("Is the Tensor on GPU #0:  "),
ds_tensors = tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5, 6])
ds_tensors = ds_tensors.map(tf.math.square).batch(2)
print('Elements of ds_tensors:')
r_ds = []
for x in ds_tensors:
    print(x)
    r_ds.append(x.numpy().tolist())
ds_shuffled = tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5, 6]).shuffle(6).batch(4)
r_shuffled = sorted(sum([b.numpy().tolist() for b in ds_shuffled], []))
r_shuffled_sizes = [int(b.shape[0]) for b in ds_shuffled]

# "Custom training: walkthrough" on scikit-learn's iris, keras-free
tf.random.set_seed(3)
iris = load_iris()
column_names = ['sepal_length', 'sepal_width', 'petal_length', 'petal_width', 'species']
feature_names = column_names[:-1]
label_name = column_names[-1]
class_names = ['Iris setosa', 'Iris versicolor', 'Iris virginica']
order = np.random.RandomState(0).permutation(150)
data, target = iris.data[order].astype(np.float32), iris.target[order]
train_features = {name: data[:120, i] for i, name in enumerate(feature_names)}
batch_size = 32
train_dataset = tf.data.Dataset.from_tensor_slices((train_features, target[:120]))
train_dataset = train_dataset.shuffle(120, seed=0).batch(batch_size)
features, labels = next(iter(train_dataset))
print(features)
r_feature_keys = sorted(features.keys())
r_first_batch = (tuple(features['sepal_length'].shape), tuple(labels.shape))


def pack_features_vector(features, labels):
    features = tf.stack(list(features.values()), axis=1)
    return features, labels


train_dataset = train_dataset.map(pack_features_vector)
features, labels = next(iter(train_dataset))
print(features[:5])
r_packed_shape = tuple(features.shape)


class Dense(tf.Module):
    def __init__(self, in_features, out_features, activation=None, name=None):
        super().__init__(name=name)
        limit = np.sqrt(6.0 / (in_features + out_features))
        self.w = tf.Variable(tf.random.uniform([in_features, out_features], -limit, limit),
                             name='kernel')
        self.b = tf.Variable(tf.zeros([out_features]), name='bias')
        self.activation = activation

    def __call__(self, x):
        y = tf.matmul(x, self.w) + self.b
        return self.activation(y) if self.activation is not None else y


class Model(tf.Module):
    def __init__(self, name=None):
        super().__init__(name=name)
        self.layers = [Dense(4, 10, tf.nn.relu), Dense(10, 10, tf.nn.relu), Dense(10, 3)]

    def __call__(self, x, training=False):
        for layer in self.layers:
            x = layer(x)
        return x


model = Model()
predictions = model(features)
print(predictions[:5])
print(tf.nn.softmax(predictions[:5]))
r_softmax_sums = tf.reduce_sum(tf.nn.softmax(predictions[:5]), axis=1).numpy().tolist()
print("Prediction: {}".format(tf.math.argmax(predictions, axis=1)))
print("    Labels: {}".format(labels))
r_n_vars = len(model.trainable_variables)
r_var_shapes = [tuple(v.shape) for v in model.trainable_variables]


def loss_object(y_true, y_pred):
    return tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=y_true, logits=y_pred))


def loss(model, x, y, training):
    y_ = model(x, training=training)
    return loss_object(y_true=y, y_pred=y_)


l = loss(model, features, labels, training=False)
print("Loss test: {}".format(l))


def grad(model, inputs, targets):
    with tf.GradientTape() as tape:
        loss_value = loss(model, inputs, targets, training=True)
    return loss_value, tape.gradient(loss_value, model.trainable_variables)


class SGD:
    def __init__(self, learning_rate):
        self.learning_rate = learning_rate
        self.iterations = 0

    def apply_gradients(self, grads_and_vars):
        for g, v in grads_and_vars:
            v.assign_sub(self.learning_rate * g)
        self.iterations += 1


optimizer = SGD(learning_rate=0.05)
loss_value, grads = grad(model, features, labels)
print("Step: {}, Initial Loss: {}".format(optimizer.iterations, loss_value.numpy()))
optimizer.apply_gradients(zip(grads, model.trainable_variables))
print("Step: {},         Loss: {}".format(optimizer.iterations,
                                          loss(model, features, labels, training=True).numpy()))

train_loss_results = []
train_accuracy_results = []
num_epochs = 60
for epoch in range(num_epochs):
    total, count, correct = 0.0, 0, 0
    for x, y in train_dataset:
        loss_value, grads = grad(model, x, y)
        optimizer.apply_gradients(zip(grads, model.trainable_variables))
        total += float(loss_value) * int(x.shape[0])
        count += int(x.shape[0])
        correct += int(tf.reduce_sum(tf.cast(
            tf.math.argmax(model(x, training=True), axis=1, output_type=tf.int64)
            == tf.cast(y, tf.int64), tf.int32)))
    train_loss_results.append(total / count)
    train_accuracy_results.append(correct / count)
    if epoch % 20 == 0:
        print("Epoch {:03d}: Loss: {:.3f}, Accuracy: {:.3%}".format(
            epoch, train_loss_results[-1], train_accuracy_results[-1]))

test_dataset = tf.data.Dataset.from_tensor_slices((data[120:], target[120:])).batch(batch_size)
correct, count = 0, 0
for (x, y) in test_dataset:
    logits = model(x, training=False)
    prediction = tf.math.argmax(logits, axis=1, output_type=tf.int64)
    correct += int(tf.reduce_sum(tf.cast(prediction == tf.cast(y, tf.int64), tf.int32)))
    count += int(x.shape[0])
r_test_acc = correct / count
print("Test set accuracy: {:.3%}".format(r_test_acc))
print(tf.stack([y, prediction], axis=1))

predict_dataset = tf.convert_to_tensor([
    [5.1, 3.3, 1.7, 0.5, ],
    [5.9, 3.0, 4.2, 1.5, ],
    [6.9, 3.1, 5.4, 2.1]
])
predictions = model(predict_dataset, training=False)
r_predicted = []
for i, logits in enumerate(predictions):
    class_idx = tf.math.argmax(logits).numpy()
    p = tf.nn.softmax(logits)[class_idx]
    name = class_names[class_idx]
    r_predicted.append(name)
    print("Example {} prediction: {} ({:4.1f}%)".format(i, name, 100 * p))
r_first_loss, r_last_loss = train_loss_results[0], train_loss_results[-1]
'''

# TensorFlow 2's values for the same program (its learning numbers depend on the seed)
TF = dict(r_basics=[3, [4, 6], 25, 6, 13], r_matmul=([[2, 3]], (1, 2)),
          r_np_add=[[43.0] * 3] * 3, r_tensor_dtype="float64",
          r_ds=[[1, 4], [9, 16], [25, 36]], r_shuffled=[1, 2, 3, 4, 5, 6],
          r_shuffled_sizes=[4, 2],
          r_feature_keys=["petal_length", "petal_width", "sepal_length", "sepal_width"],
          r_first_batch=((32,), (32,)), r_packed_shape=(32, 4), r_n_vars=6,
          r_var_shapes=[(10,), (4, 10), (10,), (10, 10), (3,), (10, 3)])


def test_customization_basics_and_iris_walkthrough():
    ns, out = run(PROGRAM, "tf_iris")
    for name, expected in TF.items():
        assert ns[name] == expected, name
    assert ns["r_softmax_sums"] == pytest.approx([1.0] * 5, abs=1e-6)
    assert ns["r_last_loss"] < 0.5 * ns["r_first_loss"]
    assert ns["r_test_acc"] > 0.8           # TensorFlow (seed 0): 0.933
    assert ns["r_predicted"][0] == "Iris setosa"
    assert "Example 2 prediction: Iris virginica" in out


def test_dataset_zip_from_generator_concatenate():
    """tf.data pieces the input-pipeline guide uses besides from_tensor_slices."""
    import tapegrad as tf
    a = tf.data.Dataset.range(3)
    b = tf.data.Dataset.from_tensor_slices([10.0, 20.0, 30.0, 40.0])
    pairs = [(int(x), float(y)) for x, y in tf.data.Dataset.zip((a, b))]
    assert pairs == [(0, 10.0), (1, 20.0), (2, 30.0)]       # stops at the shortest
    assert int(tf.data.Dataset.zip((a, b)).cardinality()) == 3
    first = next(iter(tf.data.Dataset.zip({"x": a, "y": b})))
    assert list(first) == ["x", "y"]

    def gen():
        for i in range(3):
            yield i, [float(i)] * 2
    ds = tf.data.Dataset.from_generator(gen, output_signature=(
        tf.TensorSpec(shape=(), dtype=tf.int32), tf.TensorSpec(shape=(2,), dtype=tf.float32)))
    batches = list(ds.batch(2))
    assert [tuple(x.shape) for x, _ in batches] == [(2,), (1,)]
    assert str(batches[0][0].dtype) == "int32" and batches[1][1].tolist() == [[2.0, 2.0]]
    assert len(list(ds)) == 3                                # each pass calls gen again
    assert int(ds.cardinality()) == -2                       # unknown, as TF
    assert [int(v) for v in a.concatenate(a)] == [0, 1, 2, 0, 1, 2]
