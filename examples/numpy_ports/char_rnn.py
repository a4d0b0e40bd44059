"""A character-level recurrent network on a short text (after HIPS autograd's rnn.py):
one-hot integer inputs, a tanh RNN, log-softmax outputs, trained by gradient descent on
the log likelihood. `import tapegrad.numpy as np` is the only change from autograd's.
"""
from typing import Any

import tapegrad.numpy as np
import tapegrad.numpy.random as npr
from tapegrad import value_and_grad
from tapegrad.scipy.special import logsumexp

TEXT = """the quick brown fox jumps over the lazy dog
pack my box with five dozen liquor jugs
"""


def string_to_one_hot(string: Any, maxchar: Any) -> Any:
    """Integer one-hot rows (NumPy's bool == gives, cast to int)."""
    ascii = np.array([ord(c) for c in string]).T
    return np.array(ascii[:, None] == np.arange(maxchar)[None, :], dtype=int)


def one_hot_to_string(one_hot_matrix: Any) -> Any:
    return "".join([chr(np.argmax(c)) for c in one_hot_matrix])


def build_dataset(text: Any, sequence_length: Any, max_lines: Any, alphabet_size: Any) -> Any:
    lines = [line for line in text.split("\n") if line][:max_lines]
    seqs = np.zeros((sequence_length, len(lines), alphabet_size))
    for ix, line in enumerate(lines):
        padded = (line + " " * sequence_length)[:sequence_length]
        seqs[:, ix, :] = string_to_one_hot(padded, alphabet_size)
    return seqs


def create_rnn_params(input_size: Any, state_size: Any, output_size: Any, param_scale: Any = 0.01,
                      rs: Any = npr.RandomState(0)) -> Any:
    return {"init hiddens": rs.randn(1, state_size) * param_scale,
            "change": rs.randn(input_size + state_size + 1, state_size) * param_scale,
            "predict": rs.randn(state_size + 1, output_size) * param_scale}


def concat_and_multiply(weights: Any, *args: Any) -> Any:
    cat_state = np.hstack(args + (np.ones((args[0].shape[0], 1)),))
    return np.dot(cat_state, weights)


def rnn_predict(params: Any, inputs: Any) -> Any:
    def hiddens_to_output_probs(hiddens: Any) -> Any:
        output = concat_and_multiply(params["predict"], hiddens)
        return output - logsumexp(output, axis=1, keepdims=True)

    num_sequences = inputs.shape[1]
    hiddens = np.repeat(params["init hiddens"], num_sequences, axis=0)
    output = [hiddens_to_output_probs(hiddens)]
    for input in inputs:
        hiddens = np.tanh(concat_and_multiply(params["change"], input, hiddens))
        output.append(hiddens_to_output_probs(hiddens))
    return output


def rnn_log_likelihood(params: Any, inputs: Any, targets: Any) -> Any:
    logprobs = rnn_predict(params, inputs)
    loglik: Any = 0.0
    num_time_steps, num_examples, _ = inputs.shape
    for t in range(num_time_steps):
        loglik += np.sum(logprobs[t] * targets[t])
    return loglik / (num_time_steps * num_examples)


def main(steps: Any = 4, step_size: Any = 0.5) -> Any:
    alphabet = 128
    train = build_dataset(TEXT, 12, 2, alphabet)
    params = create_rnn_params(alphabet, 16, alphabet, rs=npr.RandomState(0))
    onehot = string_to_one_hot("fox", alphabet)

    def loss(params: Any) -> Any:
        return -rnn_log_likelihood(params, train, train)
    history = []
    for _ in range(steps):
        value, g = value_and_grad(loss)(params)
        params = {k: params[k] - step_size * g[k] for k in params}
        history.append(value)
    return {"history": np.array(history), "g_change": g["change"],
            "g_predict": g["predict"], "g_init": g["init hiddens"],
            "onehot_scaled": onehot * 0.39, "onehot_mean": np.mean(onehot / 2),
            "decoded": np.array([ord(c) for c in one_hot_to_string(onehot)])}


if __name__ == "__main__":
    out = main(steps=30)
    print("loss:", out["history"][0], "->", out["history"][-1])
