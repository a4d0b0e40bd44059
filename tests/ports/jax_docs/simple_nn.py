import time
import numpy as np
import tapegrad as jax
import tapegrad.numpy as jnp
from tapegrad import grad, jit, vmap, random, tree_util
from tapegrad.scipy.special import logsumexp
from sklearn.datasets import load_digits

def random_layer_params(m, n, key, scale=1e-1):
    w_key, b_key = random.split(key)
    return scale * random.normal(w_key, (n, m)), scale * random.normal(b_key, (n,))

def init_network_params(sizes, key):
    keys = random.split(key, len(sizes))
    return [random_layer_params(m, n, k) for m, n, k in zip(sizes[:-1], sizes[1:], keys)]

layer_sizes = [64, 32, 32, 10]
step_size = 2.0
num_epochs = 4
batch_size = 64
n_targets = 10
params = init_network_params(layer_sizes, random.key(0))

def relu(x):
    return jnp.maximum(0, x)

def predict(params, image):
    activations = image
    for w, b in params[:-1]:
        outputs = jnp.dot(w, activations) + b
        activations = relu(outputs)
    final_w, final_b = params[-1]
    logits = jnp.dot(final_w, activations) + final_b
    return logits - logsumexp(logits)

random_flattened_image = random.normal(random.key(1), (64,))
preds = predict(params, random_flattened_image)
print(preds.shape)
random_flattened_images = random.normal(random.key(1), (10, 64))
try:
    preds = predict(params, random_flattened_images)
except TypeError:
    print('Invalid shapes!')
batched_predict = vmap(predict, in_axes=(None, 0))
batched_preds = batched_predict(params, random_flattened_images)
print(batched_preds.shape)

def one_hot(x, k, dtype=jnp.float32):
    return jnp.array(x[:, None] == jnp.arange(k), dtype)

def accuracy(params, images, targets):
    target_class = jnp.argmax(targets, axis=1)
    predicted_class = jnp.argmax(batched_predict(params, images), axis=1)
    return jnp.mean(predicted_class == target_class)

def loss(params, images, targets):
    preds = batched_predict(params, images)
    return -jnp.mean(preds * targets)

@jit
def update(params, x, y):
    grads = grad(loss)(params, x, y)
    return [(w - step_size * dw, b - step_size * db)
            for (w, b), (dw, db) in zip(params, grads)]

digits = load_digits()
X = (digits.data / 16.0).astype(np.float32)
y = digits.target
train_images, test_images = X[:1400], X[1400:]
train_labels = one_hot(y[:1400], n_targets)
test_labels = one_hot(y[1400:], n_targets)
print(train_labels.dtype)

def get_train_batches(key):
    perm = np.random.default_rng(int(random.key_data(key)[-1])).permutation(len(train_images))
    for i in range(0, len(perm) - batch_size + 1, batch_size):
        idx = perm[i:i + batch_size]
        yield train_images[idx], np.asarray(train_labels)[idx]

key = random.key(2)
for epoch in range(num_epochs):
    start_time = time.time()
    key, sub = random.split(key)
    for x, yb in get_train_batches(sub):
        params = update(params, x, yb)
    epoch_time = time.time() - start_time
    train_acc = accuracy(params, train_images, train_labels)
    test_acc = accuracy(params, test_images, test_labels)
    print("Epoch {} in {:0.2f} sec".format(epoch, epoch_time))
    print("Training set accuracy {}".format(train_acc))
    print("Test set accuracy {}".format(test_acc))
test_loss = float(loss(params, test_images, test_labels))
print(test_loss)
print(tree_util.tree_map(lambda p: p.shape, params))
