"""Round 4 of TensorFlow's semantics, ops: custom_gradient (with variables), tf.print
inside tf.function, tf.nn's losses and activations, moments / batch_normalization /
l2_normalize, top_k, tf.math functions, reduce_* with axis and keepdims (integers, empty
axes, ties, zeros), clipping, and tf.random's seeds. Same harness and record form as
tests/test_tf_semantics4.py (the record: tf_semantics4_ops_expected.txt; `python
tests/test_tf_semantics4_ops.py` rewrites it with TensorFlow installed).
"""
import pathlib
import sys

import numpy as np
import pytest

import tapegrad as tg
from test_tf_semantics4 import LIVE, X, _grad, check_case, check_live, record, recorded

CASES = {}
LAB = np.array([[0.0, 1.0, 0.0], [0.2, 0.3, 0.5]], np.float32)
LAB0 = np.array([[0.25, 1.0, 0.0], [0.75, 0.0, 1.0]], np.float32)     # sums to 1 on axis 0


def case(f):
    CASES[f.__name__] = f
    return f


# custom_gradient

@case
def custom_gradient_clip(tf):
    @tf.custom_gradient
    def clip_grad(x):
        def grad(dy):
            return tf.clip_by_norm(dy, 0.5)
        return tf.identity(x), grad

    x = tf.constant([3.0, 4.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = tf.reduce_sum(clip_grad(x) * tf.constant([3.0, 4.0]))
    return t.gradient(y, x)


@case
def custom_gradient_with_variables_keyword(tf):
    w = tf.Variable([2.0, -1.0])

    @tf.custom_gradient
    def scaled(x):
        y = tf.reduce_sum(x * w)

        def grad(dy, variables=None):
            return dy * w * 10.0, [dy * x * 100.0 for _ in variables]
        return y, grad

    x = tf.constant([1.0, 3.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = scaled(x)
    return t.gradient(y, [x, w])


@case
def custom_gradient_two_inputs_and_none(tf):
    @tf.custom_gradient
    def f(a, b):
        def grad(dy):
            return dy * 2.0, None
        return a * b, grad

    a, b = tf.constant(3.0), tf.constant(4.0)
    with tf.GradientTape() as t:
        t.watch([a, b])
        y = f(a, b)
    return [y, t.gradient(y, [a, b], unconnected_gradients="zero")]


@case
def custom_gradient_log1pexp(tf):
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))
        return tf.math.log(1 + e), grad

    x = tf.constant([0.0, 5.0, 80.0])
    with tf.GradientTape() as t:
        t.watch(x)
        y = log1pexp(x)
    return t.gradient(y, x)


# tf.math, tf.nn and reduce_*

@case
def sigmoid_cross_entropy(tf):
    return _grad(tf, lambda z, l: tf.nn.sigmoid_cross_entropy_with_logits(labels=l, logits=z),
                 X, LAB)


@case
def softmax_cross_entropy_both_arguments(tf):
    return [_grad(tf, lambda z, l: tf.nn.softmax_cross_entropy_with_logits(labels=l, logits=z),
                  X, LAB),
            _grad(tf, lambda z, l: tf.nn.softmax_cross_entropy_with_logits(l, z, axis=0),
                  X, LAB0)]


@case
def sparse_softmax_cross_entropy(tf):
    return _grad(tf, lambda z: tf.nn.sparse_softmax_cross_entropy_with_logits(
        labels=tf.constant([2, 0]), logits=z), X)


@case
def sparse_softmax_cross_entropy_bad_label(tf):
    return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=tf.constant([2, 3]),
                                                          logits=tf.constant(X))


@case
def weighted_cross_entropy(tf):
    return _grad(tf, lambda z: tf.nn.weighted_cross_entropy_with_logits(
        labels=tf.constant(LAB), logits=z, pos_weight=1.5), X)


@case
def l2_loss_and_l2_normalize(tf):
    return [_grad(tf, tf.nn.l2_loss, X),
            _grad(tf, lambda x: tf.nn.l2_normalize(x, axis=1), X),
            _grad(tf, lambda x: tf.math.l2_normalize(x, axis=[0, 1]), X),
            _grad(tf, lambda x: tf.nn.l2_normalize(x, axis=0, epsilon=1.0), X),
            tf.nn.l2_normalize(tf.zeros([2]))]


@case
def moments_and_batch_normalization(tf):
    def f(x):
        m, v = tf.nn.moments(x, axes=[0])
        return tf.nn.batch_normalization(x, m, v, offset=tf.constant([0.0, 1.0, -1.0]),
                                         scale=tf.constant(2.0), variance_epsilon=1e-3)
    m2 = tf.nn.moments(tf.constant(X), axes=[0, 1], keepdims=True)
    m3 = tf.nn.moments(tf.constant(X), axes=1)
    return [_grad(tf, f, X), list(m2), list(m3),
            _grad(tf, lambda x: tf.nn.moments(x, axes=[1])[1], X)]


@case
def log_softmax_and_softmax_axes(tf):
    return [_grad(tf, tf.nn.log_softmax, X), _grad(tf, lambda x: tf.nn.softmax(x, axis=0), X),
            _grad(tf, lambda x: tf.math.log_softmax(x, axis=0), X)]


@case
def top_k_values_indices_gradient(tf):
    x = np.array([[1.0, 3.0, 2.0, 3.0], [0.5, -1.0, 4.0, 0.0]], np.float32)
    r = tf.math.top_k(tf.constant(x), k=2)
    return [r.values, r.indices, tf.nn.top_k(tf.constant(x), 3, sorted=True)[1],
            _grad(tf, lambda t: tf.math.top_k(t, k=2).values, x)]


@case
def activations(tf):
    z = np.array([-3.0, -0.5, 0.0, 0.5, 7.0], np.float32)
    fs = [tf.nn.relu6, tf.nn.elu, tf.nn.selu, tf.nn.gelu, lambda t: tf.nn.gelu(t, True),
          tf.nn.silu, tf.nn.swish, tf.nn.softsign, tf.nn.softplus, tf.nn.leaky_relu,
          lambda t: tf.nn.leaky_relu(t, alpha=0.1), tf.math.log_sigmoid, tf.nn.sigmoid,
          tf.nn.tanh]
    return [_grad(tf, f, z) for f in fs]


@case
def bias_add_and_embedding_lookup(tf):
    def f(x, b):
        return tf.nn.bias_add(x, b)
    params = np.arange(8, dtype=np.float32).reshape(4, 2)
    return [_grad(tf, f, X, np.array([1.0, 2.0, 3.0], np.float32)),
            _grad(tf, lambda p: tf.nn.embedding_lookup(p, tf.constant([[3, 0], [3, 3]])),
                  params)]


@case
def math_functions(tf):
    a = np.array([0.3, 1.2, 2.5, 4.0], np.float32)
    b = np.array([1.5, -0.5, 2.0, 3.0], np.float32)
    fs = [tf.math.squared_difference, tf.math.xlogy, tf.math.xdivy, tf.math.divide_no_nan,
          tf.math.atan2, tf.math.pow, tf.math.truediv, tf.math.floormod, tf.math.maximum,
          tf.math.multiply_no_nan]
    un = [tf.math.rsqrt, tf.math.reciprocal, tf.math.erf, tf.math.erfc, tf.math.lgamma,
          tf.math.digamma, tf.math.expm1, tf.math.log1p, tf.math.softplus, tf.math.sigmoid,
          tf.math.sign, tf.math.cumsum,
          tf.math.cumprod, tf.math.reduce_logsumexp, tf.math.reduce_euclidean_norm,
          tf.math.reduce_std, tf.math.reduce_variance, tf.math.bessel_i0e
          if hasattr(tf.math, "bessel_i0e") else tf.math.i0e]
    return [_grad(tf, f, a, b) for f in fs] + [_grad(tf, f, a) for f in un]


@case
def math_round_half_to_even_and_integer_division(tf):
    return [tf.math.round(tf.constant([0.5, 1.5, 2.5, -0.5, -1.5])),
            tf.constant([7, -7]) // tf.constant([2, 2]), tf.constant([7, -7]) % 3,
            tf.math.floordiv(tf.constant([7.0, -7.0]), 2.0),
            tf.math.floormod(tf.constant([7.0, -7.0]), -3.0),
            tf.math.truediv(tf.constant([1, 2]), tf.constant([4, 4])),
            tf.math.truediv(tf.constant([1, 2], tf.int16), 4), tf.math.floor(tf.constant(-1.5)),
            tf.math.floordiv(tf.constant([7, -7]), 2)]


@case
def reductions_axis_keepdims(tf):
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 7.0 - 1.0
    fs = [lambda t: tf.reduce_sum(t, axis=[0, 2]),
          lambda t: tf.reduce_mean(t, axis=-1, keepdims=True),
          lambda t: tf.reduce_prod(t, axis=(1,)),
          lambda t: tf.reduce_max(t, axis=[-1, 0]),
          lambda t: tf.reduce_min(t, 1, True),
          lambda t: tf.math.reduce_std(t, axis=[0, 1]),
          lambda t: tf.math.reduce_variance(t, axis=2, keepdims=True),
          lambda t: tf.reduce_logsumexp(t, axis=0),
          lambda t: tf.reduce_sum(t, axis=tf.constant([1]))]
    return [_grad(tf, f, x) for f in fs]


@case
def reduce_max_ties_share_the_gradient(tf):
    return [_grad(tf, tf.reduce_max, np.array([1.0, 3.0, 3.0, 2.0], np.float32)),
            _grad(tf, lambda t: tf.reduce_min(t, axis=1),
                  np.array([[1.0, 1.0, 2.0], [0.0, 5.0, 0.0]], np.float32))]


@case
def reduce_prod_with_zeros(tf):
    return [_grad(tf, tf.reduce_prod, np.array([2.0, 0.0, 3.0], np.float32)),
            _grad(tf, tf.reduce_prod, np.array([0.0, 0.0, 3.0], np.float32)),
            _grad(tf, lambda t: tf.reduce_prod(t, axis=0),
                  np.array([[0.0, 2.0], [3.0, 4.0]], np.float32))]


@case
def reduce_integers_and_booleans(tf):
    n = tf.constant([[1, 2], [4, 4]])
    b = tf.constant([[True, False], [True, True]])
    return [tf.reduce_mean(n), tf.reduce_mean(n, axis=0), tf.reduce_sum(n, axis=1),
            tf.reduce_mean(-n, axis=1), tf.reduce_mean(input_tensor=tf.constant([-1, -2, -4])),
            tf.reduce_mean(tf.constant([3, 4], tf.uint8)),
            tf.reduce_all(b, axis=1), tf.reduce_any(b), tf.reduce_max(n),
            tf.math.reduce_prod(n, axis=0), tf.math.count_nonzero(n - 1, axis=0),
            tf.math.argmax(tf.constant(X), axis=1), tf.math.argmin(tf.constant(X))]


@case
def reduce_empty_and_all_axes(tf):
    e = tf.zeros([0, 3])
    return [tf.reduce_sum(e, axis=0), tf.reduce_prod(e, axis=0), tf.reduce_max(e, axis=0),
            tf.reduce_min(e, axis=0), tf.reduce_sum(tf.constant(X), axis=[])]


@case
def reduce_bad_axis(tf):
    return tf.reduce_sum(tf.constant(X), axis=2)


@case
def clip_functions(tf):
    x = np.array([[3.0, -4.0], [0.6, 0.8]], np.float32)
    return [_grad(tf, lambda t: tf.clip_by_norm(t, 2.0), x),
            _grad(tf, lambda t: tf.clip_by_norm(t, 0.5, axes=[1]), x),
            _grad(tf, lambda t: tf.clip_by_value(t, -1.0, 0.7), x),
            list(tf.clip_by_global_norm([tf.constant(x), None, tf.constant([12.0])], 5.0))]


@case
def sort_and_argsort_direction(tf):
    x = tf.constant([[3.0, 1.0, 2.0], [0.5, 4.0, -1.0]])
    return [tf.sort(x, direction="DESCENDING"), tf.sort(x, axis=0, direction="ASCENDING"),
            tf.argsort(x, direction="DESCENDING"), tf.argsort(x, axis=0),
            _grad(tf, lambda t: tf.sort(t, direction="DESCENDING"), np.asarray(x))]


@case
def tensorshape(tf):
    # (not compared: TF's Variable.shape is the declared TensorShape([None, 3]);
    # tapegrad's .shape is the value's tuple, as API.md fixes)
    s = tf.TensorShape([None, 3])
    v = tf.Variable([1.0, 2.0], shape=tf.TensorShape(None))
    v.assign([[1.0], [2.0], [3.0]])
    w = tf.Variable([[1.0, 2.0, 3.0]], shape=tf.TensorShape([None, 3]))
    w.assign(tf.ones([2, 3]))
    spec = tf.TensorSpec(tf.TensorShape([None]), tf.float32)
    return [s.rank, s.as_list(), s.is_compatible_with(tf.TensorShape([5, 3])),
            s.is_compatible_with(tf.TensorShape([5, 2])), s.is_fully_defined(),
            tf.TensorShape([2, 3]).num_elements(), tf.TensorShape(None).rank,
            tf.TensorShape([2, 3]) == tf.TensorShape([2, 3]), v, w.numpy().shape,
            spec.is_compatible_with(tf.constant([1.0, 2.0]))]


@case
def variable_shape_spec_refuses_other_ranks(tf):
    w = tf.Variable([[1.0, 2.0, 3.0]], shape=tf.TensorShape([None, 3]))
    w.assign(tf.ones([2, 2]))
    return w


@case
def tf_linalg_names(tf):
    m = np.array([[[1.0, 2.0, 0.5], [3.0, -1.0, 2.0], [0.0, 1.5, 4.0]],
                  [[2.0, 0.0, 1.0], [1.0, 1.0, -2.0], [0.5, 3.0, 1.0]]], np.float32)
    v = np.array([[1.0, -1.0, 2.0], [0.5, 0.0, 1.0]], np.float32)
    return [_grad(tf, tf.linalg.trace, m), _grad(tf, tf.linalg.diag_part, m),
            _grad(tf, lambda a, b: tf.linalg.matvec(a, b), m, v),
            _grad(tf, lambda a, b: tf.linalg.matvec(a, b, transpose_a=True), m, v),
            _grad(tf, lambda a: tf.linalg.band_part(a, 1, 0), m),
            _grad(tf, lambda a: tf.linalg.band_part(a, -1, 0), m),
            _grad(tf, tf.linalg.matrix_transpose, m),
            _grad(tf, lambda a: tf.linalg.global_norm([a, a * 2.0])[None], m),
            tf.linalg.eye(2, 3, batch_shape=[2]), tf.eye(2, dtype=tf.int32),
            _grad(tf, lambda a, b: tf.linalg.tensordot(a, b, axes=[[2], [1]]), m, v),
            _grad(tf, lambda a: tf.linalg.l2_normalize(a, axis=-1), m)]


# tf.random

@case
def random_seed_determinism(tf):
    tf.random.set_seed(7)
    a1 = tf.random.uniform([3])
    a2 = tf.random.uniform([3])
    b1 = tf.random.normal([2], seed=11)
    b2 = tf.random.normal([2], seed=11)
    tf.random.set_seed(7)
    c1 = tf.random.uniform([3])
    c2 = tf.random.uniform([3])
    d1 = tf.random.normal([2], seed=11)
    d2 = tf.random.normal([2], seed=11)
    same = lambda p, q: bool(np.array_equal(p.numpy(), q.numpy()))
    return [same(a1, c1), same(a2, c2), same(a1, a2), same(b1, d1), same(b2, d2),
            same(b1, b2), a1.dtype == tf.float32, list(tf.random.uniform([2, 3], seed=1).shape)]


@case
def random_ranges_and_dtypes(tf):
    tf.random.set_seed(3)
    u = tf.random.uniform([500], minval=-2.0, maxval=3.0)
    i = tf.random.uniform([500], minval=0, maxval=5, dtype=tf.int32)
    n = tf.random.normal([2000], mean=5.0, stddev=0.1, dtype=tf.float64)
    t = tf.random.truncated_normal([2000], stddev=1.0)
    s = tf.random.shuffle(tf.range(10))
    return [bool(tf.reduce_min(u) >= -2.0), bool(tf.reduce_max(u) < 3.0),
            sorted(set(i.numpy().tolist())), i.dtype == tf.int32, n.dtype == tf.float64,
            abs(float(tf.reduce_mean(n)) - 5.0) < 0.02, bool(tf.reduce_max(tf.abs(t)) <= 2.0),
            sorted(s.numpy().tolist())]


@case
def stateless_random_depends_on_the_seed_only(tf):
    tf.random.set_seed(1)
    a = tf.random.stateless_uniform([3], seed=[1, 2])
    tf.random.uniform([5])
    tf.random.set_seed(9)
    b = tf.random.stateless_uniform([3], seed=[1, 2])
    c = tf.random.stateless_uniform([3], seed=[2, 1])
    n1 = tf.random.stateless_normal([400], seed=[7, 7], mean=2.0, dtype=tf.float64)
    n2 = tf.random.stateless_normal([400], seed=[7, 7], mean=2.0, dtype=tf.float64)
    i = tf.random.stateless_uniform([50], seed=[3, 4], minval=0, maxval=3, dtype=tf.int32)
    same = lambda p, q: bool(np.array_equal(p.numpy(), q.numpy()))
    return [same(a, b), same(a, c), same(n1, n2), n1.dtype == tf.float64,
            abs(float(tf.reduce_mean(n1)) - 2.0) < 0.2, sorted(set(i.numpy().tolist())),
            list(a.shape)]


@case
def equal_is_elementwise(tf):
    y = tf.constant([0, 2, 1, 1], tf.int64)
    logits = tf.constant([[2.0, 0.0, 1.0], [0.0, 1.0, 3.0], [0.5, 2.0, 0.0], [1.0, 0.0, 0.0]])
    pred = tf.argmax(tf.nn.softmax(logits), axis=1)
    return [tf.equal(y, pred), tf.reduce_mean(tf.cast(tf.equal(y, pred), tf.float32)),
            tf.equal(tf.constant([[1, 2], [3, 1]]), 1), tf.math.equal(pred, y),
            tf.reduce_all(tf.equal(y, y))]


# TensorFlow's behaviour that the record cannot hold (printed text), checked against
# TensorFlow 2.21's output for the same program

def test_tf_print_in_a_traced_function_prints_on_every_call(capsys):
    @tg.function
    def f(x):
        print("py")
        tg.print("tf", x, {"twice": x * 2}, [x, "a"], output_stream=sys.stdout)
        tg.print("no tensors", output_stream=sys.stdout)
        return x + 1

    for i in range(3):
        f(tg.constant(float(i)))
    assert capsys.readouterr().out.splitlines() == [
        "py", "tf 0 {'twice': 0} [0, 'a']", "no tensors", "tf 1 {'twice': 2} [1, 'a']",
        "no tensors", "tf 2 {'twice': 4} [2, 'a']", "no tensors"]
    assert f.trace_count == 1


def test_a_first_trace_that_makes_variables_is_traced_again(capsys):
    class M(tg.Module):
        def __init__(self):
            super().__init__()
            self.v = None

        @tg.function
        def __call__(self, x):
            print("trace")
            if self.v is None:
                self.v = tg.Variable(tg.ones_like(x))
            return self.v * x

    m = M()
    assert m(tg.constant(3.0)).item() == 3.0 and m(tg.constant(4.0)).item() == 4.0
    assert capsys.readouterr().out.split() == ["trace", "trace"]      # as TF: two traces
    assert M.__call__.trace_count == 2
    with pytest.raises(ValueError, match="Variable.*after its first"):
        tg.function(lambda x: tg.Variable(1.0) * x)(tg.constant(2.0))


_RECORD = pathlib.Path(__file__).with_name("tf_semantics4_ops_expected.txt")
EXPECTED = recorded(_RECORD)


def test_every_case_is_recorded():
    assert sorted(EXPECTED) == sorted(CASES), \
        "cases changed: rerun `python tests/test_tf_semantics4_ops.py` with TensorFlow"


@pytest.mark.parametrize("name", sorted(CASES))
def test_same_as_tensorflow(name):
    check_case(CASES, EXPECTED, name)


@LIVE
@pytest.mark.parametrize("name", sorted(CASES))
def test_record_matches_live_tensorflow(name):
    check_live(CASES, EXPECTED, name)


if __name__ == "__main__":
    record(CASES, _RECORD)
