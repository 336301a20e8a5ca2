"""Keras golden values for 03_rnn: SimpleRNN (both return modes, masks, an initial state),
Bidirectional(SimpleRNN), keras.utils.pad_sequences."""
import numpy as np

ASSIGNMENT = "03_rnn"

SIDES = ("pre", "post")
# pad_sequences: (name, lengths, kwargs); kwargs are stored as separate entries.
PAD_CASES = [
    ("default", (3, 0, 5, 1), {}),
    ("post_post_4", (6, 2, 0, 4), {"maxlen": 4, "padding": "post", "truncating": "post"}),
    ("pre_post_3_value", (5, 1, 3), {"maxlen": 3, "padding": "pre", "truncating": "post",
                                     "value": -1}),
    ("post_pre_5", (7, 5, 2), {"maxlen": 5, "padding": "post", "truncating": "pre"}),
    ("longer_maxlen", (2, 3), {"maxlen": 6, "value": 9}),
]


def generate():
    from ..keras_values import prepare_tensorflow
    from autograder.keras_bridge import rnn_from_keras, rnn_to_keras
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(303)
    out = {}

    def simple_rnn(W, b, **kwargs):
        H, D = W.shape[0], W.shape[1] - W.shape[0]
        layer = keras.layers.SimpleRNN(H, dtype="float64", **kwargs)
        layer.build((None, None, D))
        layer.set_weights(rnn_to_keras(W, b))
        # The bridge's inverse must give W back: the layout conversion is checked here too.
        W_back, _ = rnn_from_keras(*layer.get_weights())
        assert np.array_equal(W_back, W)
        return layer

    # A pre-padded batch: leading masked steps, one row fully real, one fully masked,
    # one with a hole in the middle and one with trailing masked steps.
    mask = np.array([[False, False, True, True, True, True],
                     [True, True, True, True, True, True],
                     [False, False, False, False, False, False],
                     [True, True, False, True, True, True],
                     [True, True, True, True, False, False]])

    for name, (N, T, D, H) in {"rect": (5, 6, 3, 4), "square": (5, 6, 4, 4)}.items():
        x = rng.normal(size=(N, T, D))
        W, b = rng.normal(0, 0.6, size=(H, H + D)), rng.normal(0, 0.3, size=H)
        h0 = rng.normal(0, 0.5, size=(N, H))
        k = f"rnn/{name}/"
        out.update({k + "x": x, k + "W": W, k + "b": b, k + "h0": h0, k + "mask": mask})
        seq = simple_rnn(W, b, return_sequences=True)
        out[k + "h"] = seq(tf.constant(x)).numpy()
        out[k + "h_masked"] = seq(tf.constant(x), mask=tf.constant(mask)).numpy()
        out[k + "h_init"] = seq(tf.constant(x), initial_state=[tf.constant(h0)]).numpy()
        last = simple_rnn(W, b)
        out[k + "last"] = last(tf.constant(x)).numpy()
        out[k + "last_masked"] = last(tf.constant(x), mask=tf.constant(mask)).numpy()
        # One step: a sequence of length one.
        out[k + "step"] = last(tf.constant(x[:, :1])).numpy()
        out[k + "step_init"] = last(tf.constant(x[:, :1]), initial_state=[tf.constant(h0)]).numpy()

        # Bidirectional(SimpleRNN(H)): [forward final state, backward final state].
        W_b, b_b = rng.normal(0, 0.6, size=(H, H + D)), rng.normal(0, 0.3, size=H)
        bi = keras.layers.Bidirectional(keras.layers.SimpleRNN(H, dtype="float64"),
                                        dtype="float64")
        bi.build((None, T, D))
        bi.forward_layer.set_weights(rnn_to_keras(W, b))
        bi.backward_layer.set_weights(rnn_to_keras(W_b, b_b))
        out[k + "W_b"], out[k + "b_b"] = W_b, b_b
        out[k + "bi"] = bi(tf.constant(x)).numpy()
        out[k + "bi_masked"] = bi(tf.constant(x), mask=tf.constant(mask)).numpy()

    for name, lengths, kwargs in PAD_CASES:
        seqs = [list(rng.integers(1, 50, size=n)) for n in lengths]
        k = f"pad/{name}/"
        out[k + "values"] = np.array([v for s in seqs for v in s], dtype=np.int64)
        out[k + "lengths"] = np.array(lengths, dtype=np.int64)
        for key, value in kwargs.items():
            # Strings are stored as 0 ("pre") or 1 ("post"): golden files hold numbers only.
            out[k + key] = np.asarray(SIDES.index(value) if key in ("padding", "truncating")
                                      else value)
        out[k + "out"] = keras.utils.pad_sequences(seqs, **kwargs)
    return out


def pad_inputs(g, name):
    """The sequences and keyword arguments of a stored pad_sequences case."""
    k = f"pad/{name}/"
    values, lengths = g[k + "values"], g[k + "lengths"]
    ends = np.cumsum(lengths)
    seqs = [[int(v) for v in values[e - n:e]] for n, e in zip(lengths, ends)]
    kwargs = {}
    for key in ("maxlen", "padding", "truncating", "value"):
        if k + key in g:
            v = g[k + key]
            kwargs[key] = SIDES[int(v)] if key in ("padding", "truncating") else v.item()
    return seqs, kwargs
