"""HIPS autograd's rnn.py: a character RNN over dict parameters trained by misc.optimizers.adam, then sampled; a few lines of text stand in for its own source.
Only the import lines name tapegrad; RESULT holds the values compared with autograd."""
import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import grad
from tapegrad.scipy.special import logsumexp
from tapegrad.misc.optimizers import adam


def sigmoid(x):
    return 0.5 * (np.tanh(x) + 1.0)


def concat_and_multiply(weights, *args):
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


def create_rnn_params(input_size, state_size, output_size, param_scale=0.01, rs=npr.RandomState(0)):
    return {"init hiddens": rs.randn(1, state_size) * param_scale,
            "change": rs.randn(input_size + state_size + 1, state_size) * param_scale,
            "predict": rs.randn(state_size + 1, output_size) * param_scale}


def rnn_predict(params, inputs):
    def update_rnn(input, hiddens):
        return np.tanh(concat_and_multiply(params["change"], input, hiddens))

    def hiddens_to_output_probs(hiddens):
        output = concat_and_multiply(params["predict"], hiddens)
        return output - logsumexp(output, axis=1, keepdims=True)

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params["init hiddens"], num_sequences, axis=0)
    output = [hiddens_to_output_probs(hiddens)]
    for input in inputs:
        hiddens = update_rnn(input, hiddens)
        output.append(hiddens_to_output_probs(hiddens))
    return output


def rnn_log_likelihood(params, inputs, targets):
    logprobs = rnn_predict(params, inputs)
    loglik = 0.0
    num_time_steps, num_examples, _ = inputs.shape
    for t in range(num_time_steps):
        loglik += np.sum(logprobs[t] * targets[t])
    return loglik / (num_time_steps * num_examples)


def string_to_one_hot(string, maxchar):
    ascii = np.array([ord(c) for c in string]).T
    return np.array(ascii[:, None] == np.arange(maxchar)[None, :], dtype=int)


def one_hot_to_string(one_hot_matrix):
    return "".join([chr(np.argmax(c)) for c in one_hot_matrix])


def build_dataset(lines, sequence_length, alphabet_size, max_lines=-1):
    content = lines[:max_lines]
    content = [line for line in content if len(line) > 2]
    seqs = np.zeros((sequence_length, len(content), alphabet_size))
    for ix, line in enumerate(content):
        padded_line = (line + " " * sequence_length)[:sequence_length]
        seqs[:, ix, :] = string_to_one_hot(padded_line, alphabet_size)
    return seqs


num_chars = 128
text = ["def sigmoid(x):", "    return 0.5 * (np.tanh(x) + 1.0)", "", "import autograd",
        "for input in inputs:", "    hiddens = update(input)"]
train_inputs = build_dataset(text, sequence_length=12, alphabet_size=num_chars, max_lines=6)
init_params = create_rnn_params(input_size=128, output_size=128, state_size=8, param_scale=0.01)


def training_loss(params, iter):
    return -rnn_log_likelihood(params, train_inputs, train_inputs)


losses, predicted = [], []
def callback(weights, iter, gradient):
    if iter % 5 == 0:
        losses.append(training_loss(weights, 0))
        logprobs = np.asarray(rnn_predict(weights, train_inputs))
        predicted.append([one_hot_to_string(logprobs[:, t, :]) for t in range(logprobs.shape[1])])


training_loss_grad = grad(training_loss)
trained_params = adam(training_loss_grad, init_params, step_size=0.1, num_iters=20, callback=callback)
texts = []
rs = npr.RandomState(1)
for t in range(2):
    text = ""
    for i in range(5):
        seqs = string_to_one_hot(text, num_chars)[:, np.newaxis, :]
        logprobs = rnn_predict(trained_params, seqs)[-1].ravel()
        text += chr(rs.choice(len(logprobs), p=np.exp(logprobs)))
    texts.append(text)
RESULT = {"losses": losses, "params": trained_params,
          "codes": [[ord(c) for c in s] for p in predicted for s in p] + [[ord(c) for c in s] for s in texts]}
