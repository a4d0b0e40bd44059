"""Dive into Deep Learning, "Recurrent Neural Network Implementation from Scratch" and
"Concise Implementation", "Gated Recurrent Units" and "LSTM" (concise): one-hot inputs
F.one_hot(X.T, vocab), get_params with normal(...) * 0.01 and requires_grad_(True), an
RNNModelScratch class, predict with a prefix and warm-up, grad_clipping over
[p for p in net.parameters() if p.requires_grad] by hand, detach_ of the state between
minibatches, perplexity exp(l); then nn.RNN / nn.GRU / nn.LSTM in an RNNModel with
begin_state, on a small text built in the program."""

import numpy as np
import pytest

from ._port import run

PRELUDE = r'''
import collections
import math
import random
import tapegrad as torch
from tapegrad import nn
from tapegrad.nn import functional as F

torch.manual_seed(0)
random.seed(0)
text = ("the time machine by h g wells the time traveller for so it will be "
        "convenient to speak of him was expounding a recondite matter to us "
        "his grey eyes shone and twinkled and his usually pale face was flushed ") * 4
tokens = list(text)
counter = collections.Counter(tokens)
idx_to_token = ['<unk>'] + sorted(counter, key=lambda t: (-counter[t], t))
token_to_idx = {t: i for i, t in enumerate(idx_to_token)}


class Vocab:
    def __len__(self):
        return len(idx_to_token)

    def __getitem__(self, tokens):
        if not isinstance(tokens, (list, tuple)):
            return token_to_idx.get(tokens, 0)
        return [self.__getitem__(t) for t in tokens]

    def to_tokens(self, indices):
        return [idx_to_token[int(i)] for i in indices]


vocab = Vocab()
corpus = vocab[tokens]


def seq_data_iter_sequential(corpus, batch_size, num_steps):
    offset = random.randint(0, num_steps)
    num_tokens = ((len(corpus) - offset - 1) // batch_size) * batch_size
    Xs = torch.tensor(corpus[offset: offset + num_tokens])
    Ys = torch.tensor(corpus[offset + 1: offset + 1 + num_tokens])
    Xs, Ys = Xs.reshape(batch_size, -1), Ys.reshape(batch_size, -1)
    num_batches = Xs.shape[1] // num_steps
    for i in range(0, num_steps * num_batches, num_steps):
        X = Xs[:, i: i + num_steps]
        Y = Ys[:, i: i + num_steps]
        yield X, Y


def grad_clipping(net, theta):
    if isinstance(net, nn.Module):
        params = [p for p in net.parameters() if p.requires_grad]
    else:
        params = net.params
    norm = torch.sqrt(sum(torch.sum((p.grad ** 2)) for p in params))
    if norm > theta:
        for param in params:
            param.grad[:] *= theta / norm
    return float(norm)


def predict(prefix, num_preds, net):
    state = net.begin_state(batch_size=1)
    outputs = [vocab[prefix[0]]]
    get_input = lambda: torch.tensor([outputs[-1]]).reshape((1, 1))
    for y in prefix[1:]:
        _, state = net(get_input(), state)
        outputs.append(vocab[y])
    for _ in range(num_preds):
        y, state = net(get_input(), state)
        outputs.append(int(y.argmax(dim=1).reshape(1)))
    return ''.join([vocab.idx_to_token[i] for i in outputs]) if hasattr(vocab, "idx_to_token") \
        else ''.join(vocab.to_tokens(outputs))


def train_epoch(net, loss, updater, batch_size, num_steps, use_random_iter=False,
                theta=1):
    state = None
    total, n = 0.0, 0
    norms = []
    for X, Y in seq_data_iter_sequential(corpus, batch_size, num_steps):
        if state is None or use_random_iter:
            state = net.begin_state(batch_size=X.shape[0])
        else:
            if isinstance(net, nn.Module) and not isinstance(state, tuple):
                state.detach_()
            else:
                for s in state:
                    s.detach_()
        y = Y.T.reshape(-1)
        y_hat, state = net(X, state)
        l = loss(y_hat, y.long()).mean()
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.backward()
            norms.append(grad_clipping(net, theta))
            updater.step()
        else:
            l.backward()
            norms.append(grad_clipping(net, theta))
            updater(batch_size=1)
        total += l.item() * y.numel()
        n += y.numel()
    return math.exp(total / n), norms
'''

SCRATCH = PRELUDE + r'''
print(F.one_hot(torch.tensor([0, 2]), len(vocab)))
X = torch.arange(10).reshape((2, 5))
one_hot_shape = tuple(F.one_hot(X.T, 28).shape)
one_hot_dtype = str(F.one_hot(X.T, 28).dtype)


def get_params(vocab_size, num_hiddens):
    num_inputs = num_outputs = vocab_size

    def normal(shape):
        return torch.randn(size=shape) * 0.01

    W_xh = normal((num_inputs, num_hiddens))
    W_hh = normal((num_hiddens, num_hiddens))
    b_h = torch.zeros(num_hiddens)
    W_hq = normal((num_hiddens, num_outputs))
    b_q = torch.zeros(num_outputs)
    params = [W_xh, W_hh, b_h, W_hq, b_q]
    for param in params:
        param.requires_grad_(True)
    return params


def init_rnn_state(batch_size, num_hiddens):
    return (torch.zeros((batch_size, num_hiddens)), )


def rnn(inputs, state, params):
    W_xh, W_hh, b_h, W_hq, b_q = params
    H, = state
    outputs = []
    for X in inputs:
        H = torch.tanh(torch.mm(X, W_xh) + torch.mm(H, W_hh) + b_h)
        Y = torch.mm(H, W_hq) + b_q
        outputs.append(Y)
    return torch.cat(outputs, dim=0), (H,)


class RNNModelScratch:
    def __init__(self, vocab_size, num_hiddens, get_params, init_state, forward_fn):
        self.vocab_size, self.num_hiddens = vocab_size, num_hiddens
        self.params = get_params(vocab_size, num_hiddens)
        self.init_state, self.forward_fn = init_state, forward_fn

    def __call__(self, X, state):
        X = F.one_hot(X.T, self.vocab_size).type(torch.float32)
        return self.forward_fn(X, state, self.params)

    def begin_state(self, batch_size):
        return self.init_state(batch_size, self.num_hiddens)


num_hiddens = 64
net = RNNModelScratch(len(vocab), num_hiddens, get_params, init_rnn_state, rnn)
state = net.begin_state(X.shape[0])
Y, new_state = net(X, state)
print(Y.shape, len(new_state), new_state[0].shape)
out_shapes = (tuple(Y.shape), len(new_state), tuple(new_state[0].shape))


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


loss = nn.CrossEntropyLoss()
ppls, all_norms = [], []
for epoch in range(12):
    ppl, norms = train_epoch(net, loss, lambda batch_size: sgd(net.params, 1, batch_size),
                             8, 16, theta=0.2)
    ppls.append(ppl)
    all_norms += norms
print(f'perplexity {ppls[-1]:.1f}')
print(predict('time traveller ', 10, net))
pred = predict('time traveller ', 10, net)
'''

CONCISE = PRELUDE + r'''
class RNNModel(nn.Module):
    def __init__(self, rnn_layer, vocab_size, **kwargs):
        super(RNNModel, self).__init__(**kwargs)
        self.rnn = rnn_layer
        self.vocab_size = vocab_size
        self.num_hiddens = self.rnn.hidden_size
        if not self.rnn.bidirectional:
            self.num_directions = 1
            self.linear = nn.Linear(self.num_hiddens, self.vocab_size)
        else:
            self.num_directions = 2
            self.linear = nn.Linear(self.num_hiddens * 2, self.vocab_size)

    def forward(self, inputs, state):
        X = F.one_hot(inputs.T.long(), self.vocab_size)
        X = X.to(torch.float32)
        Y, state = self.rnn(X, state)
        output = self.linear(Y.reshape((-1, Y.shape[-1])))
        return output, state

    def begin_state(self, device=torch.device('cpu'), batch_size=1):
        if not isinstance(self.rnn, nn.LSTM):
            return torch.zeros((self.num_directions * self.rnn.num_layers,
                                batch_size, self.num_hiddens), device=device)
        else:
            return (torch.zeros((
                self.num_directions * self.rnn.num_layers,
                batch_size, self.num_hiddens), device=device),
                    torch.zeros((
                        self.num_directions * self.rnn.num_layers,
                        batch_size, self.num_hiddens), device=device))


results = {}
for name, layer in [("rnn", nn.RNN(len(vocab), 64)), ("gru", nn.GRU(len(vocab), 64)),
                    ("lstm", nn.LSTM(len(vocab), 64))]:
    net = RNNModel(layer, vocab_size=len(vocab))
    state = net.begin_state(batch_size=2)
    if name == "rnn":
        print(layer)
        print(state.shape)
        X = torch.rand(size=(5, 2, len(vocab)))
        Y, state_new = layer(X, state)
        rnn_shapes = (tuple(Y.shape), tuple(state_new.shape))
        rnn_repr = repr(layer)
        param_names = [n for n, _ in layer.named_parameters()]
    trainer = torch.optim.SGD(net.parameters(), lr=1)
    ppls = []
    for epoch in range(6):
        ppl, norms = train_epoch(net, nn.CrossEntropyLoss(), trainer, 8, 16)
        ppls.append(ppl)
    results[name] = (ppls, predict('time ', 5, net))
    print(name, f'perplexity {ppls[-1]:.1f}', results[name][1])
gru_repr = repr(RNNModel(nn.GRU(len(vocab), 32, num_layers=2), len(vocab)))
'''


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_rnn_scratch(lib):
    ns, out = run(SCRATCH, "d2l_rnn_scratch", lib)
    V = len(ns["idx_to_token"])
    assert ns["one_hot_shape"] == (5, 2, 28)
    assert ns["one_hot_dtype"].endswith("int64")
    assert ns["out_shapes"] == ((10, V), 1, (2, 64))
    assert ns["ppls"][-1] < 0.6 * ns["ppls"][0]
    assert max(ns["all_norms"]) > 0.2        # clipping had work to do
    assert ns["pred"].startswith("time traveller ") and len(ns["pred"]) == 25


@pytest.mark.parametrize("lib", ["tapegrad", "torch"])
def test_rnn_concise(lib):
    ns, out = run(CONCISE, "d2l_rnn_concise", lib)
    V = len(ns["idx_to_token"])
    assert ns["rnn_shapes"] == ((5, 2, 64), (1, 2, 64))
    assert ns["rnn_repr"] == f"RNN({V}, 64)"
    assert ns["param_names"] == ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
    for name in ("rnn", "gru", "lstm"):
        ppls, pred = ns["results"][name]
        assert ppls[-1] < 0.85 * ppls[0], name
        assert pred.startswith("time ") and len(pred) == 10
    assert ns["gru_repr"] == (
        "RNNModel(\n"
        f"  (rnn): GRU({V}, 32, num_layers=2)\n"
        f"  (linear): Linear(in_features=32, out_features={V}, bias=True)\n"
        ")")


@pytest.mark.parametrize("linewidth", [80, 30])
def test_wide_rows_wrap_as_torch(linewidth):
    """The scratch RNN prints F.one_hot rows of 28 ints: PyTorch puts 24 on a line."""
    torch = pytest.importorskip("torch")
    import tapegrad as tg
    rng = np.random.default_rng(0)
    arrays = [rng.integers(0, 2, (2, 28)), rng.integers(-999, 999, (40,)),
              rng.normal(size=(2, 2, 19)).astype(np.float32), rng.random((3, 30)).astype(np.float32)]
    try:
        tg.set_printoptions(linewidth=linewidth)
        torch.set_printoptions(linewidth=linewidth)
        for a in arrays:
            assert repr(tg.tensor(a)) == repr(torch.tensor(a))
    finally:
        tg.set_printoptions(profile="default")
        torch.set_printoptions(profile="default")
