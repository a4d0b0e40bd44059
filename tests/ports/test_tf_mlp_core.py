"""TensorFlow guide "Multilayer perceptrons for digit recognition with Core APIs", run
with `import tapegrad as tf`: Dense tf.Modules that build their Variables on the first
call (Xavier-uniform with an op seed), an MLP whose `__call__` is a tf.function (its
first trace makes the Variables and is traced again, as TF), sparse softmax cross
entropy, tf.argmax / tf.equal accuracy, an Adam optimizer written with Variable slots
and assign / assign_sub, a train step under a GradientTape, and an export module with a
uint8 input_signature of unknown dimensions.

The guide's MNIST (tensorflow_datasets) is replaced by scikit-learn's 8x8 digits, so
the input has 64 features scaled by 1/16 instead of 784 by 1/255; smaller hidden layers
(64 and 32 instead of 700 and 500) and 15 epochs keep it fast; the plots are left out.
The random start differs from TensorFlow's stream: the checks are the guide's outcomes
(the loss falls by half, validation accuracy above 85%: TF 2.21 gives 0.915) and the
values that do not depend on it, which are TensorFlow 2.21's for the same text with
`import tensorflow as tf`."""
import pytest

from ._port import lines_with, run

pytest.importorskip("sklearn")

PROGRAM = r'''
import numpy as np
from sklearn.datasets import load_digits

import tapegrad as tf

digits = load_digits()
images, labels = digits.images.astype(np.uint8), digits.target.astype(np.int64)
order = np.random.RandomState(0).permutation(len(labels))
train, val = order[:1400], order[1400:]


def preprocess(x, y):
    # Reshaping the data
    x = tf.reshape(x, shape=[-1, 64])
    # Rescaling the data
    x = x / 16
    return x, y


train_data = tf.data.Dataset.from_tensor_slices((images[train], labels[train]))
val_data = tf.data.Dataset.from_tensor_slices((images[val], labels[val]))
train_data, val_data = train_data.batch(128), val_data.batch(128)
train_data, val_data = train_data.map(preprocess), val_data.map(preprocess)
x_first, y_first = next(iter(train_data))
r_data = (tuple(x_first.shape), x_first.dtype == tf.float32, y_first.dtype == tf.int64,
          round(float(tf.reduce_max(x_first)), 4))


def xavier_init(shape):
    # Computes the xavier initialization values for a weight matrix
    in_dim, out_dim = shape
    xavier_lim = tf.sqrt(6.) / tf.sqrt(tf.cast(in_dim + out_dim, tf.float32))
    weight_vals = tf.random.uniform(shape=(in_dim, out_dim),
                                    minval=-xavier_lim, maxval=xavier_lim, seed=22)
    return weight_vals


class DenseLayer(tf.Module):

    def __init__(self, out_dim, weight_init=xavier_init, activation=tf.identity):
        # Initialize the dimensions and activation functions
        self.out_dim = out_dim
        self.weight_init = weight_init
        self.activation = activation
        self.built = False

    def __call__(self, x):
        if not self.built:
            # Infer the input dimension based on first call
            self.in_dim = x.shape[1]
            # Initialize the weights and biases
            self.w = tf.Variable(self.weight_init(shape=(self.in_dim, self.out_dim)))
            self.b = tf.Variable(tf.zeros(shape=(self.out_dim,)))
            self.built = True
        # Compute the forward pass
        z = tf.add(tf.matmul(x, self.w), self.b)
        return self.activation(z)


class MLP(tf.Module):

    def __init__(self, layers):
        self.layers = layers

    @tf.function
    def __call__(self, x, preds=False):
        # Execute the model's layers sequentially
        for layer in self.layers:
            x = layer(x)
        return x


hidden_layer_1_size = 64
hidden_layer_2_size = 32
output_size = 10

mlp_model = MLP([
    DenseLayer(out_dim=hidden_layer_1_size, activation=tf.nn.relu),
    DenseLayer(out_dim=hidden_layer_2_size, activation=tf.nn.relu),
    DenseLayer(out_dim=output_size)])

out = mlp_model(x_first)
r_model = (tuple(out.shape), len(mlp_model.variables),
           sorted(tuple(v.shape) for v in mlp_model.trainable_variables),
           bool(tf.reduce_all(tf.abs(mlp_model.layers[0].w) <= tf.sqrt(6.) / tf.sqrt(128.))))


def cross_entropy_loss(y_pred, y):
    # Compute cross entropy loss with a sparse operation
    sparse_ce = tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=y_pred)
    return tf.reduce_mean(sparse_ce)


def accuracy(y_pred, y):
    # Compute accuracy after extracting class predictions
    class_preds = tf.argmax(tf.nn.softmax(y_pred), axis=1)
    is_equal = tf.equal(y, class_preds)
    return tf.reduce_mean(tf.cast(is_equal, tf.float32))


r_metrics = (round(float(cross_entropy_loss(tf.constant([[2.0, 0.0], [0.0, 1.0]]),
                                             tf.constant([0, 0]))), 4),
             float(accuracy(tf.constant([[2.0, 0.0], [0.0, 1.0]]), tf.constant([0, 0], tf.int64))))


class Adam:

    def __init__(self, learning_rate=1e-3, beta_1=0.9, beta_2=0.999, ep=1e-7):
        # Initialize optimizer parameters and variable slots
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.learning_rate = learning_rate
        self.ep = ep
        self.t = 1.
        self.v_dvar, self.s_dvar = [], []
        self.built = False

    def apply_gradients(self, grads, vars):
        # Initialize variables on the first call
        if not self.built:
            for var in vars:
                v = tf.Variable(tf.zeros(shape=var.shape))
                s = tf.Variable(tf.zeros(shape=var.shape))
                self.v_dvar.append(v)
                self.s_dvar.append(s)
            self.built = True
        # Update the model variables given their gradients
        for i, (d_var, var) in enumerate(zip(grads, vars)):
            self.v_dvar[i].assign(self.beta_1 * self.v_dvar[i] + (1 - self.beta_1) * d_var)
            self.s_dvar[i].assign(self.beta_2 * self.s_dvar[i] + (1 - self.beta_2) * tf.square(d_var))
            v_dvar_bc = self.v_dvar[i] / (1 - (self.beta_1 ** self.t))
            s_dvar_bc = self.s_dvar[i] / (1 - (self.beta_2 ** self.t))
            var.assign_sub(self.learning_rate * (v_dvar_bc / (tf.sqrt(s_dvar_bc) + self.ep)))
        self.t += 1.
        return


def train_step(x_batch, y_batch, loss, acc, model, optimizer):
    # Update the model state given a batch of data
    with tf.GradientTape() as tape:
        y_pred = model(x_batch)
        batch_loss = loss(y_pred, y_batch)
    batch_acc = acc(y_pred, y_batch)
    grads = tape.gradient(batch_loss, model.variables)
    optimizer.apply_gradients(grads, model.variables)
    return batch_loss, batch_acc


def val_step(x_batch, y_batch, loss, acc, model):
    # Evaluate the model on given a batch of validation data
    y_pred = model(x_batch)
    batch_loss = loss(y_pred, y_batch)
    batch_acc = acc(y_pred, y_batch)
    return batch_loss, batch_acc


def train_model(mlp, train_data, val_data, loss, acc, optimizer, epochs):
    # Initialize data structures
    train_losses, train_accs = [], []
    val_losses, val_accs = [], []

    # Format training loop and begin training
    for epoch in range(epochs):
        batch_losses_train, batch_accs_train = [], []
        batch_losses_val, batch_accs_val = [], []

        # Iterate over the training data
        for x_batch, y_batch in train_data:
            # Compute gradients and update the model's parameters
            batch_loss, batch_acc = train_step(x_batch, y_batch, loss, acc, mlp, optimizer)
            # Keep track of batch-level training performance
            batch_losses_train.append(batch_loss)
            batch_accs_train.append(batch_acc)

        # Iterate over the validation data
        for x_batch, y_batch in val_data:
            batch_loss, batch_acc = val_step(x_batch, y_batch, loss, acc, mlp)
            batch_losses_val.append(batch_loss)
            batch_accs_val.append(batch_acc)

        # Keep track of epoch-level model performance
        train_loss, train_acc = tf.reduce_mean(batch_losses_train), tf.reduce_mean(batch_accs_train)
        val_loss, val_acc = tf.reduce_mean(batch_losses_val), tf.reduce_mean(batch_accs_val)
        train_losses.append(train_loss)
        train_accs.append(train_acc)
        val_losses.append(val_loss)
        val_accs.append(val_acc)
        print(f"Epoch: {epoch}")
        print(f"Training loss: {train_loss:.3f}, Training accuracy: {train_acc:.3f}")
        print(f"Validation loss: {val_loss:.3f}, Validation accuracy: {val_acc:.3f}")
    return train_losses, train_accs, val_losses, val_accs


train_losses, train_accs, val_losses, val_accs = train_model(mlp_model, train_data, val_data,
                                                             loss=cross_entropy_loss, acc=accuracy,
                                                             optimizer=Adam(), epochs=15)
r_trained = (float(train_losses[-1]) < 0.5 * float(train_losses[0]), float(val_accs[-1]) > 0.85)


class ExportModule(tf.Module):
    def __init__(self, model, preprocess, class_pred):
        # Initialize pre and postprocessing functions
        self.model = model
        self.preprocess = preprocess
        self.class_pred = class_pred

    @tf.function(input_signature=[tf.TensorSpec(shape=[None, None, None], dtype=tf.uint8)])
    def __call__(self, x):
        # Run the ExportModule for new data points
        x = self.preprocess(x)
        y = self.model(x)
        y = self.class_pred(y)
        return y


def preprocess_test(x):
    # The export module takes in unprocessed and unlabeled data
    x = tf.reshape(x, shape=[-1, 64])
    x = x / 16
    return x


def class_pred_test(y):
    # Generate class predictions from MLP output
    return tf.argmax(tf.nn.softmax(y), axis=1)


mlp_model_export = ExportModule(model=mlp_model, preprocess=preprocess_test,
                                class_pred=class_pred_test)
test_classes = mlp_model_export(images[val])
test_acc = tf.reduce_mean(tf.cast(tf.equal(test_classes, labels[val]), tf.float32))
print(f"Accuracy: {test_acc:.3f}")
r_export = (tuple(test_classes.shape), test_classes.dtype == tf.int64, float(test_acc) > 0.85)
'''

# TensorFlow 2.21's values for PROGRAM (the same text with `import tensorflow as tf`)
TF = dict(r_data=((128, 64), True, True, 1.0), r_model=((128, 10), 6, [
    (10,), (32,), (32, 10), (64,), (64, 32), (64, 64)], True),
    r_metrics=(0.7201, 0.5), r_trained=(True, True), r_export=((397,), True, True))


def test_mlp_core_apis():
    ns, out = run(PROGRAM, "tf_mlp_core")
    for name, expected in TF.items():
        assert ns[name] == expected, name
    assert len(lines_with(out, "Epoch: ")) == 15
    assert len(lines_with(out, "Accuracy: ")) == 1
