"""Does 07_gated still agree with live Keras where the notebook and the bridge rely on it?

The layouts (LSTM gate order i, f, c, o with unit_forget_bias; GRU order z, r, h with
reset_after=True and a (2, 3H) bias) are checked directly, then the reference is run
against live LSTM and GRU layers on random weights: forward with a mask and with initial
states, and TensorFlow's gradients. A new Keras that reorders a block, merges the GRU's
biases or changes a default fails here, not in a student's grade.
"""
import numpy as np
import pytest

from autograder import caches, probes
from autograder.keras_bridge import (gru_from_keras, gru_grads_from_keras, gru_to_keras,
                                     lstm_from_keras, lstm_grads_from_keras, lstm_to_keras)
from solutions.gru import gru_backward, gru_forward, gru_step_forward
from solutions.lstm import lstm_backward, lstm_forward, lstm_step_forward

N, T, D, H = 3, 5, 4, 6
MASK = np.array([[False, True, True, True, True],
                 [True, True, False, True, True],
                 [True, True, True, False, False]])


def relative(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


def test_every_cache_type_is_known_to_the_probes():
    """Can a probe rebuild every provided cache, with the NamedTuple's own field order?"""
    for name, cls in caches.CACHE_TYPES.items():
        assert probes.CACHE_FIELDS[name] == cls._fields, name


def test_bridge_round_trips_without_keras():
    """Do the conversions to Keras's layout and back give the same arrays?"""
    rng = np.random.default_rng(0)
    W, b = rng.normal(size=(4 * H, H + D)), rng.normal(size=4 * H)
    kernel, recurrent, bias = lstm_to_keras(W, b)
    assert kernel.shape == (D, 4 * H) and recurrent.shape == (H, 4 * H) and bias.shape == (4 * H,)
    for ours, back in zip((W, b), lstm_from_keras(kernel, recurrent, bias)):
        assert np.array_equal(ours, back)
    gru = [rng.normal(size=s) for s in ((3 * H, D), (3 * H, H), (3 * H,), (3 * H,))]
    kernel, recurrent, bias = gru_to_keras(*gru)
    assert kernel.shape == (D, 3 * H) and recurrent.shape == (H, 3 * H) and bias.shape == (2, 3 * H)
    for ours, back in zip(gru, gru_from_keras(kernel, recurrent, bias)):
        assert np.array_equal(ours, back)


@pytest.mark.slow
def test_keras_lstm_layout_and_forget_bias(tf_keras):
    """Is Keras's LSTM still (D, 4H) / (H, 4H) / (4H,), forget bias (second block) at 1?"""
    _, keras = tf_keras
    layer = keras.layers.LSTM(H, dtype="float64")
    layer.build((None, T, D))
    kernel, recurrent, bias = layer.get_weights()
    assert kernel.shape == (D, 4 * H) and recurrent.shape == (H, 4 * H)
    expected = np.zeros(4 * H)
    expected[H:2 * H] = 1.0  # unit_forget_bias=True: blocks i, f, c, o
    assert np.array_equal(bias, expected)


@pytest.mark.slow
def test_keras_gru_defaults_to_reset_after_with_two_biases(tf_keras):
    """Is Keras's GRU still reset_after=True by default, with a (2, 3H) bias?"""
    _, keras = tf_keras
    layer = keras.layers.GRU(H, dtype="float64")
    layer.build((None, T, D))
    assert layer.cell.reset_after is True
    assert [w.shape for w in layer.get_weights()] == [(D, 3 * H), (H, 3 * H), (2, 3 * H)]


@pytest.mark.slow
def test_lstm_matches_keras_forward_and_gradients(tf_keras):
    """Do lstm_forward (mask; initial states) and lstm_backward equal Keras to ~1e-12?"""
    tf, keras = tf_keras
    rng = np.random.default_rng(1)
    x, dh = rng.normal(size=(N, T, D)), rng.normal(size=(N, T, H))
    W, b = rng.normal(0, 0.5, size=(4 * H, H + D)), rng.normal(0, 0.5, size=4 * H)
    h0, c0 = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    layer = keras.layers.LSTM(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(lstm_to_keras(W, b))
    for ours, back in zip((W, b), lstm_from_keras(*layer.get_weights())):
        assert np.array_equal(ours, back)
    xt, h0t, c0t = tf.constant(x), tf.constant(h0), tf.constant(c0)
    assert relative(lstm_forward(x, W, b, mask=MASK)[0],
                    layer(xt, mask=tf.constant(MASK)).numpy()) < 1e-12
    cell = layer.cell
    with tf.GradientTape() as tape:
        tape.watch([xt, h0t, c0t])
        h = layer(xt, initial_state=[h0t, c0t])
        loss = tf.reduce_sum(h * dh)
    grads = [g.numpy() for g in tape.gradient(
        loss, [xt, h0t, c0t, cell.kernel, cell.recurrent_kernel, cell.bias])]
    ours_h, cache = lstm_forward(x, W, b, h0=h0, c0=c0)
    assert relative(ours_h, h.numpy()) < 1e-12
    theirs = grads[:3] + list(lstm_grads_from_keras(*grads[3:]))
    for name, a, k in zip(("dx", "dh0", "dc0", "dW", "db"), lstm_backward(dh, cache), theirs):
        assert relative(a, k) < 1e-12, name
    # One step is a sequence of one: the step function agrees with the layer too.
    step = keras.layers.LSTM(H, return_state=True, dtype="float64")
    step.build((None, 1, D))
    step.set_weights(lstm_to_keras(W, b))
    _, h1, c1 = step(xt[:, :1], initial_state=[h0t, c0t])
    h_next, c_next, _ = lstm_step_forward(x[:, 0], h0, c0, W, b)
    assert relative(h_next, h1.numpy()) < 1e-12 and relative(c_next, c1.numpy()) < 1e-12


@pytest.mark.slow
def test_gru_matches_keras_forward_and_gradients(tf_keras):
    """Do gru_forward (mask; initial state) and gru_backward equal Keras to ~1e-12?"""
    tf, keras = tf_keras
    rng = np.random.default_rng(2)
    x, dh, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, T, H)), rng.normal(size=(N, H))
    w = [rng.normal(0, 0.5, size=s) for s in ((3 * H, D), (3 * H, H), (3 * H,), (3 * H,))]
    layer = keras.layers.GRU(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(gru_to_keras(*w))
    xt, h0t = tf.constant(x), tf.constant(h0)
    assert relative(gru_forward(x, *w, mask=MASK)[0],
                    layer(xt, mask=tf.constant(MASK)).numpy()) < 1e-12
    assert relative(gru_step_forward(x[:, 0], h0, *w)[0],
                    layer(xt[:, :1], initial_state=[h0t]).numpy()[:, 0]) < 1e-12
    cell = layer.cell
    with tf.GradientTape() as tape:
        tape.watch([xt, h0t])
        h = layer(xt, initial_state=[h0t])
        loss = tf.reduce_sum(h * dh)
    grads = [g.numpy() for g in tape.gradient(
        loss, [xt, h0t, cell.kernel, cell.recurrent_kernel, cell.bias])]
    _, cache = gru_forward(x, *w, h0=h0)
    theirs = grads[:2] + list(gru_grads_from_keras(*grads[2:]))
    for name, a, k in zip(("dx", "dh0", "dWx", "dWh", "dbx", "dbh"), gru_backward(dh, cache),
                          theirs):
        assert relative(a, k) < 1e-12, name


@pytest.mark.slow
def test_a_mask_with_initial_states_follows_the_notebooks_one_rule(tf_keras):
    """07 states one rule for masked steps: h and c carry over (h0 and c0 before the first real
    step), and says it is Keras's state: every step from the first real one on and the last h
    and c equal Keras's, and only Keras's output at leading masked steps differs (zeros). Does
    live Keras still do exactly that, for the LSTM and the GRU?"""
    tf, keras = tf_keras
    rng = np.random.default_rng(4)
    x = rng.normal(size=(N, T, D))
    W, b = rng.normal(0, 0.5, size=(4 * H, H + D)), rng.normal(0, 0.5, size=4 * H)
    h0, c0 = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    layer = keras.layers.LSTM(H, return_sequences=True, return_state=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(lstm_to_keras(W, b))
    out, h_last, c_last = (v.numpy() for v in layer(
        tf.constant(x), initial_state=[tf.constant(h0), tf.constant(c0)], mask=tf.constant(MASK)))
    ours, cache = lstm_forward(x, W, b, h0=h0, c0=c0, mask=MASK)
    gru = [rng.normal(0, 0.5, size=s) for s in ((3 * H, D), (3 * H, H), (3 * H,), (3 * H,))]
    glayer = keras.layers.GRU(H, return_sequences=True, return_state=True, dtype="float64")
    glayer.build((None, T, D))
    glayer.set_weights(gru_to_keras(*gru))
    gout, g_last = (v.numpy() for v in glayer(tf.constant(x), initial_state=[tf.constant(h0)],
                                              mask=tf.constant(MASK)))
    gours, _ = gru_forward(x, *gru, h0=h0, mask=MASK)
    # Sample 0 has one leading masked step: the state there is h0, Keras's output zeros.
    np.testing.assert_array_equal(ours[0, 0], h0[0])
    np.testing.assert_array_equal(cache.c[0, 0], c0[0])
    np.testing.assert_array_equal(out[0, 0], np.zeros(H))
    np.testing.assert_array_equal(gours[0, 0], h0[0])
    np.testing.assert_array_equal(gout[0, 0], np.zeros(H))
    assert relative(ours[0, 1:], out[0, 1:]) < 1e-12 and relative(ours[1:], out[1:]) < 1e-12
    assert relative(gours[0, 1:], gout[0, 1:]) < 1e-12 and relative(gours[1:], gout[1:]) < 1e-12
    assert relative(ours[:, -1], h_last) < 1e-12 and relative(cache.c[:, -1], c_last) < 1e-12
    assert relative(gours[:, -1], g_last) < 1e-12
