"""Keras golden values for 07_gated: LSTM and GRU (both return modes, a mask, initial
states, one step) and their TensorFlow gradients."""
import numpy as np

from ._tape import backward, gradients

ASSIGNMENT = "07_gated"

# A batch of five rows: leading masked steps (pre-padding), all real, nothing real, a
# hole in the middle, trailing masked steps (post-padding).
MASK = np.array([[False, False, True, True, True, True],
                 [True, True, True, True, True, True],
                 [False, False, False, False, False, False],
                 [True, True, False, True, True, True],
                 [True, True, True, True, False, False]])
SHAPES = {"rect": (5, 6, 3, 4), "square": (5, 6, 4, 4)}  # (N, T, D, H): D != H and D == H


def lstm_layer(keras, W, b, **kwargs):
    """A float64 Keras LSTM holding the course's W, b (checked by a round trip)."""
    from autograder.keras_bridge import lstm_from_keras, lstm_to_keras
    H, D = W.shape[0] // 4, W.shape[1] - W.shape[0] // 4
    layer = keras.layers.LSTM(H, dtype="float64", **kwargs)
    layer.build((None, None, D))
    layer.set_weights(lstm_to_keras(W, b))
    W_back, b_back = lstm_from_keras(*layer.get_weights())
    assert np.array_equal(W_back, W) and np.array_equal(b_back, b)
    return layer


def gru_layer(keras, Wx, Wh, bx, bh, **kwargs):
    """A float64 Keras GRU (reset_after=True, the default) holding the course's weights."""
    from autograder.keras_bridge import gru_from_keras, gru_to_keras
    H, D = Wh.shape[1], Wx.shape[1]
    layer = keras.layers.GRU(H, dtype="float64", **kwargs)
    layer.build((None, None, D))
    layer.set_weights(gru_to_keras(Wx, Wh, bx, bh))
    for ours, back in zip((Wx, Wh, bx, bh), gru_from_keras(*layer.get_weights())):
        assert np.array_equal(ours, back)
    return layer


def lstm_weights(rng, D, H):
    return rng.normal(0, 0.5, size=(4 * H, H + D)), rng.normal(0, 0.5, size=4 * H)


def gru_weights(rng, D, H):
    return (rng.normal(0, 0.5, size=(3 * H, D)), rng.normal(0, 0.5, size=(3 * H, H)),
            rng.normal(0, 0.5, size=3 * H), rng.normal(0, 0.5, size=3 * H))


def _lstm_forward_values(tf, keras, out, rng):
    for name, (N, T, D, H) in SHAPES.items():
        k = f"lstm/{name}/"
        x, (W, b) = rng.normal(size=(N, T, D)), lstm_weights(rng, D, H)
        h0, c0 = rng.normal(0, 0.5, size=(N, H)), rng.normal(0, 0.5, size=(N, H))
        out.update({k + "x": x, k + "W": W, k + "b": b, k + "h0": h0, k + "c0": c0,
                    k + "mask": MASK})
        xt, init = tf.constant(x), [tf.constant(h0), tf.constant(c0)]
        seq = lstm_layer(keras, W, b, return_sequences=True)
        out[k + "h"] = seq(xt).numpy()
        out[k + "h_masked"] = seq(xt, mask=tf.constant(MASK)).numpy()
        out[k + "h_init"] = seq(xt, initial_state=init).numpy()
        # return_sequences=False, with return_state=True for the last cell state.
        last = lstm_layer(keras, W, b, return_state=True)
        for suffix, kwargs in (("", {}), ("_masked", {"mask": tf.constant(MASK)}),
                               ("_init", {"initial_state": init})):
            y, h_last, c_last = last(xt, **kwargs)
            out[k + "last" + suffix], out[k + "c_last" + suffix] = y.numpy(), c_last.numpy()
            assert np.array_equal(y.numpy(), h_last.numpy())
        # One step: a sequence of length one, from zero states and from given states.
        for suffix, kwargs in (("", {}), ("_init", {"initial_state": init})):
            y, _, c_last = last(xt[:, :1], **kwargs)
            out[k + "step_h" + suffix], out[k + "step_c" + suffix] = y.numpy(), c_last.numpy()


def _gru_forward_values(tf, keras, out, rng):
    for name, (N, T, D, H) in SHAPES.items():
        k = f"gru/{name}/"
        x, (Wx, Wh, bx, bh) = rng.normal(size=(N, T, D)), gru_weights(rng, D, H)
        h0 = rng.normal(0, 0.5, size=(N, H))
        out.update({k + "x": x, k + "Wx": Wx, k + "Wh": Wh, k + "bx": bx, k + "bh": bh,
                    k + "h0": h0, k + "mask": MASK})
        xt, init = tf.constant(x), [tf.constant(h0)]
        seq = gru_layer(keras, Wx, Wh, bx, bh, return_sequences=True)
        out[k + "h"] = seq(xt).numpy()
        out[k + "h_masked"] = seq(xt, mask=tf.constant(MASK)).numpy()
        out[k + "h_init"] = seq(xt, initial_state=init).numpy()
        last = gru_layer(keras, Wx, Wh, bx, bh)
        out[k + "last"] = last(xt).numpy()
        out[k + "last_masked"] = last(xt, mask=tf.constant(MASK)).numpy()
        out[k + "last_init"] = last(xt, initial_state=init).numpy()
        out[k + "step_h"] = last(xt[:, :1]).numpy()
        out[k + "step_h_init"] = last(xt[:, :1], initial_state=init).numpy()


def _lstm_gradient_values(tf, keras, out, rng):
    from autograder.keras_bridge import lstm_grads_from_keras
    # One step with given states; the upstream gradients reach both h_next and c_next.
    N, D, H = 3, 4, 5
    x, (W, b) = rng.normal(size=(N, 1, D)), lstm_weights(rng, D, H)
    h0, c0 = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    dh, dc = rng.normal(size=(N, H)), rng.normal(size=(N, H))
    layer = lstm_layer(keras, W, b, return_state=True)
    xt, h0t, c0t = tf.constant(x), tf.constant(h0), tf.constant(c0)
    cell = layer.cell

    def step_loss():
        _, h, c = layer(xt, initial_state=[h0t, c0t])
        return tf.reduce_sum(h * dh) + tf.reduce_sum(c * dc)

    _, (dx, dh0, dc0, dk, drk, dbias) = gradients(
        tf, step_loss, [xt, h0t, c0t, cell.kernel, cell.recurrent_kernel, cell.bias])
    dW, db = lstm_grads_from_keras(dk, drk, dbias)
    out.update({f"lstm_step/{k}": v for k, v in dict(
        x_t=x[:, 0], h_prev=h0, c_prev=c0, W=W, b=b, dh_next=dh, dc_next=dc, dx_t=dx[:, 0],
        dh_prev=dh0, dc_prev=dc0, dW=dW, db=db).items()})

    # Whole sequences: given initial states and no mask; then a mask from zero states
    # (Keras writes zeros, not h0, at leading masked steps: no dh0, dc0 to compare).
    for name, N, T, D, H, masked in (("lstm_seq", 3, 7, 4, 5, False),
                                     ("lstm_masked", 5, 6, 3, 4, True)):
        x, (W, b) = rng.normal(size=(N, T, D)), lstm_weights(rng, D, H)
        h0 = np.zeros((N, H)) if masked else rng.normal(size=(N, H))
        c0 = np.zeros((N, H)) if masked else rng.normal(size=(N, H))
        dh = rng.normal(size=(N, T, H))
        layer = lstm_layer(keras, W, b, return_sequences=True)
        xt, h0t, c0t, cell = tf.constant(x), tf.constant(h0), tf.constant(c0), layer.cell
        kwargs = {"mask": tf.constant(MASK)} if masked else {"initial_state": [h0t, c0t]}
        h, (dx, dh0, dc0, dk, drk, dbias) = backward(
            tf, lambda: layer(xt, **kwargs), dh,
            [xt, h0t, c0t, cell.kernel, cell.recurrent_kernel, cell.bias])
        dW, db = lstm_grads_from_keras(dk, drk, dbias)
        values = dict(x=x, W=W, b=b, dh=dh, h=h, dx=dx, dW=dW, db=db)
        values.update(dict(mask=MASK) if masked else dict(h0=h0, c0=c0, dh0=dh0, dc0=dc0))
        out.update({f"{name}/{k}": v for k, v in values.items()})


def _gru_gradient_values(tf, keras, out, rng):
    from autograder.keras_bridge import gru_grads_from_keras
    N, D, H = 3, 4, 5
    x, weights = rng.normal(size=(N, 1, D)), gru_weights(rng, D, H)
    h0, dh = rng.normal(size=(N, H)), rng.normal(size=(N, 1, H))
    for name, N, T, D, H, masked in (("gru_step", N, 1, D, H, False),
                                     ("gru_seq", 3, 7, 4, 5, False),
                                     ("gru_masked", 5, 6, 3, 4, True)):
        if name != "gru_step":
            x, weights = rng.normal(size=(N, T, D)), gru_weights(rng, D, H)
            h0 = np.zeros((N, H)) if masked else rng.normal(size=(N, H))
            dh = rng.normal(size=(N, T, H))
        layer = gru_layer(keras, *weights, return_sequences=True)
        xt, h0t, cell = tf.constant(x), tf.constant(h0), layer.cell
        kwargs = {"mask": tf.constant(MASK)} if masked else {"initial_state": [h0t]}
        h, (dx, dh0, dk, drk, dbias) = backward(
            tf, lambda: layer(xt, **kwargs), dh,
            [xt, h0t, cell.kernel, cell.recurrent_kernel, cell.bias])
        grads = dict(zip(("dWx", "dWh", "dbx", "dbh"), gru_grads_from_keras(dk, drk, dbias)))
        values = dict(zip(("Wx", "Wh", "bx", "bh"), weights), x=x, dh=dh, h=h, dx=dx, **grads)
        values.update(dict(mask=MASK) if masked else dict(h0=h0, dh0=dh0))
        out.update({f"{name}/{k}": v for k, v in values.items()})


def generate():
    from ..keras_values import prepare_tensorflow
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(707)
    out = {}
    _lstm_forward_values(tf, keras, out, rng)
    _gru_forward_values(tf, keras, out, rng)
    _lstm_gradient_values(tf, keras, out, rng)
    _gru_gradient_values(tf, keras, out, rng)
    return out
