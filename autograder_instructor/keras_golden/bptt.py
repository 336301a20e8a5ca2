"""Keras golden values for 04_bptt: TensorFlow gradients of SimpleRNN, clipping, gradient norms."""
import numpy as np

from ._tape import backward

ASSIGNMENT = "04_bptt"


def _simple_rnn_gradients(tf, keras, x, W, b, dh, h0=None, mask=None):
    """h and the gradients of sum(h * dh) for a Keras SimpleRNN holding the course's W, b."""
    from autograder.keras_bridge import rnn_grads_from_keras, rnn_to_keras
    N, T, D = x.shape
    H = W.shape[0]
    layer = keras.layers.SimpleRNN(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(rnn_to_keras(W, b))
    xt = tf.constant(x)
    h0t = tf.constant(np.zeros((N, H)) if h0 is None else h0)
    kwargs = {"mask": tf.constant(mask)} if mask is not None else {}
    if h0 is not None:
        kwargs["initial_state"] = [h0t]
    cell = layer.cell
    h, (dx, dh0, dk, drk, dbias) = backward(
        tf, lambda: layer(xt, **kwargs), dh,
        [xt, h0t, cell.kernel, cell.recurrent_kernel, cell.bias])
    dW, db = rnn_grads_from_keras(dk, drk, dbias)
    return dict(h=h, dx=dx, dh0=dh0, dW=dW, db=db)


def _hidden_gradient_norms(tf, keras, x, W, b):
    """Norms of d(sum h_{T-1}) / d h_t through a Keras SimpleRNNCell unrolled by hand."""
    from autograder.keras_bridge import rnn_to_keras
    N, T, D = x.shape
    H = W.shape[0]
    cell = keras.layers.SimpleRNNCell(H, dtype="float64")
    cell.build((None, D))
    cell.set_weights(rnn_to_keras(W, b))
    states = []
    # With respect to states computed under the tape, not given inputs or weights: a
    # tape of its own rather than _tape.gradients.
    with tf.GradientTape() as tape:
        h = tf.zeros((N, H), dtype="float64")
        for t in range(T):
            h, _ = cell(tf.constant(x[:, t]), [h])
            states.append(h)
        target = tf.reduce_sum(states[-1])
    grads = tape.gradient(target, states)
    return np.array([np.linalg.norm(g.numpy()) for g in grads])


def generate():
    from ..keras_values import prepare_tensorflow
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(404)
    out = {}

    # One step (T = 1) with a non-zero initial state: the step's own gradients.
    x, h0 = rng.normal(size=(3, 1, 4)), rng.normal(size=(3, 5))
    W, b = rng.normal(0, 0.5, size=(5, 9)), rng.normal(size=5)
    dh = rng.normal(size=(3, 1, 5))
    g = _simple_rnn_gradients(tf, keras, x, W, b, dh, h0=h0)
    out.update({f"step/{k}": v for k, v in dict(x=x[:, 0], h_prev=h0, W=W, b=b, dh_next=dh[:, 0],
                                                   h_next=g["h"][:, 0], dx_t=g["dx"][:, 0],
                                                   dh_prev=g["dh0"], dW=g["dW"], db=g["db"]).items()})

    # Whole sequences: a non-zero h0 without mask, and a mask with holes, pre- and
    # post-padding and a row with no real step (h0 = 0: Keras then equals rnn_forward).
    x, h0 = rng.normal(size=(3, 7, 4)), rng.normal(size=(3, 6))
    W, b = rng.normal(0, 0.4, size=(6, 10)), rng.normal(size=6)
    dh = rng.normal(size=(3, 7, 6))
    g = _simple_rnn_gradients(tf, keras, x, W, b, dh, h0=h0)
    out.update({f"seq/{k}": v for k, v in dict(x=x, W=W, b=b, h0=h0, dh=dh, **g).items()})

    mask = np.ones((4, 6), dtype=bool)
    mask[0, :2] = False  # pre-padding
    mask[1, 4:] = False  # post-padding
    mask[2, [1, 3]] = False  # holes
    mask[3, :] = False  # nothing to read
    x, W, b = rng.normal(size=(4, 6, 3)), rng.normal(0, 0.5, size=(5, 8)), rng.normal(size=5)
    dh = rng.normal(size=(4, 6, 5))
    g = _simple_rnn_gradients(tf, keras, x, W, b, dh, mask=mask)
    g.pop("dh0")  # Keras writes zeros, not h0, at leading masked steps: no dh0 to compare
    out.update({f"masked/{k}": v for k, v in dict(x=x, W=W, b=b, mask=mask, dh=dh, **g).items()})

    # Clipping: one list above the maximum, one below it.
    grads = [rng.normal(size=(3, 4)), rng.normal(size=5), rng.normal(size=(2, 2, 2))]
    for name, max_norm in (("above", 2.0), ("below", 50.0)):
        clipped, norm = tf.clip_by_global_norm([tf.constant(a) for a in grads], max_norm)
        out[f"clip/{name}/max_norm"] = np.array(max_norm)
        out[f"clip/{name}/global_norm"] = np.array(norm.numpy())
        for i, (a, c) in enumerate(zip(grads, clipped)):
            out[f"clip/{name}/g{i}"] = a
            out[f"clip/{name}/c{i}"] = c.numpy()

    # Gradient norms through time for a small and a large recurrent weight.
    x = rng.normal(size=(2, 12, 3))
    for scale in (0.5, 3.0):
        W = rng.normal(0, scale / np.sqrt(6), size=(6, 9))
        b = rng.normal(0, 0.1, size=6)
        k = f"norms/{scale}/"
        out.update({k + "x": x, k + "W": W, k + "b": b,
                    k + "norms": _hidden_gradient_norms(tf, keras, x, W, b)})
    return out
