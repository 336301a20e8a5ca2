"""Keras golden values for 06_sentiment.

- ``rnn/*``: the Keras "simple_rnn" model with the course's weights copied in (through
  :mod:`autograder.keras_bridge`): its probabilities on pre- and post-padded ids, the
  loss and TensorFlow's gradients of every weight, in the course's layout.
- ``agree/*``: the same model trained with Keras's Adam, batch after batch in a fixed
  order (two epochs), from given weights: the weights' total updates. The embedding's
  gradient is made dense first (see the comment in :func:`generate`).
- ``agree_clip/*`` and ``agree_frozen/*``: the same run with ``Adam(global_clipnorm=CLIP)``,
  the embedding trained, then frozen (``trainable=False``: Keras neither updates it nor
  counts its gradient in the global norm); ``*/norms`` are the global norms per step.
- ``keras/<kind>/*``: what the ``keras_model`` probe reports on the reference
  ``build_keras_model(kind, ...)`` with given weights (description and outputs), and
  ``hint/<mutant>/<kind>/*`` the same for every known mistake (to name it when a
  student makes it). Only numbers are stored; names are facts ``<key>/<name>`` = 1.
- ``visible/simple_rnn/*`` and ``visible_hint/*``: the same for the visible check's own
  case, whose inputs and weights no hidden case uses.
"""
import numpy as np

from ._tape import gradients

ASSIGNMENT = "06_sentiment"
V, D, H = 13, 4, 5
KERAS_SIZES = (11, 3, 4)  # V, D, H of the described models
AGREE = {"epochs": 2, "batch_size": 4, "learning_rate": 0.01}
# The capstone's recipe for real text: the same run with Keras's global_clipnorm (one
# norm over every trained gradient, as clip_by_global_norm), E trained or frozen.
# CLIP is below most batches' global norm here, so clipping happens in most steps.
CLIP = 0.05


def padded_ids(rng, n, t, vocab):
    """Rows of ids with pre-padding of several lengths, one post-padded row, one full row."""
    ids = np.zeros((n, t), dtype=np.int32)
    for i in range(n):
        length = [t, 1, 3, t - 2, 2][i % 5]
        ids[i, t - length:] = rng.integers(1, vocab, size=length)
    ids[1] = np.concatenate([rng.integers(1, vocab, size=3), np.zeros(t - 3, dtype=np.int32)])
    return ids


def course_params(rng, vocab, embed, hidden, scale=0.5):
    return {"E": rng.normal(0, scale, (vocab, embed)),
            "W": rng.normal(0, scale, (hidden, hidden + embed)),
            "b": rng.normal(0, 0.1, hidden), "W_out": rng.normal(0, 1.0, (1, hidden)),
            "b_out": rng.normal(0, 0.1, 1)}


def bce_gradients(tf, keras, model, ids, y):
    """The model's mean binary cross-entropy on a batch and TensorFlow's gradients of it.

    Inputs:
    - model: a Keras sentiment model; ids: its input, of shape (N, T); y: labels, (N, 1)
    Returns a tuple of:
    - (loss, probs): the loss, and the model's probabilities, of shape (N, 1)
    - grads: the gradient of every trained weight, in Keras's order and layout, dense
    """
    def loss_fn():
        probs = model(ids)  # (N, 1)
        return tf.reduce_mean(keras.losses.binary_crossentropy(y, probs)), probs

    return gradients(tf, loss_fn, model.trainable_weights)


def describe(func, kind, weights, ids, prefix):
    """The keras_model probe's report on func(kind, ...), numbers only, keys prefixed."""
    from autograder.probes import run
    arrays = {f"w{j}": w for j, w in enumerate(weights)}
    arrays["ids"] = ids
    spec = {"func": "build_keras_model",
            "args": [{"value": kind}] + [{"value": s} for s in KERAS_SIZES],
            "weights": [f"w{j}" for j in range(len(weights))], "ids": "ids"}
    out = run({"build_keras_model": func}, "keras_model", spec, arrays)
    if "error" in out:
        return {}
    return {f"{prefix}{k}": np.asarray(v) for k, v in out.items() if not isinstance(v, str)}


def generate():
    from solutions.sentiment import KINDS, build_keras_model

    from ..keras_values import prepare_tensorflow
    from autograder.keras_bridge import sentiment_from_keras, sentiment_to_keras
    from ..mutants import mutants_for
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(606)
    out = {}

    # Forward, loss and gradients of the simple_rnn model on one padded batch.
    ids = padded_ids(rng, 7, 6, V)
    y = rng.integers(0, 2, size=7)
    params = course_params(rng, V, D, H)
    model = build_keras_model("simple_rnn", V, D, H)
    model.set_weights(sentiment_to_keras(params))
    (loss, probs), grads = bce_gradients(tf, keras, model, ids, y[:, None].astype(float))
    out.update({"rnn/ids": ids, "rnn/y": y, "rnn/probs": probs[:, 0], "rnn/loss": loss})
    out.update({f"rnn/{k}": v for k, v in params.items()})
    out.update({f"rnn/d{k}": v for k, v in sentiment_from_keras(grads).items()})

    # Agreement: identical weights, identical batches, Adam, several steps.
    ids = padded_ids(rng, 10, 6, V)
    y = rng.integers(0, 2, size=10)
    params = course_params(rng, V, D, H, scale=0.3)
    model = build_keras_model("simple_rnn", V, D, H)
    model.set_weights(sentiment_to_keras(params))
    optimizer = keras.optimizers.Adam(learning_rate=AGREE["learning_rate"])
    size = AGREE["batch_size"]
    for _ in range(AGREE["epochs"]):
        for start in range(0, len(ids), size):
            xb, yb = ids[start:start + size], y[start:start + size, None].astype(float)
            _, grads = bce_gradients(tf, keras, model, xb, yb)
            # The embedding's gradient arrives as IndexedSlices, for which Keras's Adam
            # updates only the rows in the batch and squares repeated ids separately.
            # Made dense (bce_gradients does), it is the plain Adam step the course's
            # optimizer takes.
            optimizer.apply_gradients(zip([tf.constant(g) for g in grads], model.trainable_weights))
    after = sentiment_from_keras(model.get_weights())
    out.update({"agree/ids": ids, "agree/y": y})
    out.update({f"agree/{k}": v for k, v in params.items()})
    out.update({f"agree/update/{k}": after[k] - params[k] for k in params})

    # The same run, gradients clipped by their global norm, E trained then frozen.
    for name, frozen in (("agree_clip", False), ("agree_frozen", True)):
        model = build_keras_model("simple_rnn", V, D, H)
        model.set_weights(sentiment_to_keras(params))
        model.layers[0].trainable = not frozen
        optimizer = keras.optimizers.Adam(learning_rate=AGREE["learning_rate"],
                                          global_clipnorm=CLIP)
        norms = []
        for _ in range(AGREE["epochs"]):
            for start in range(0, len(ids), size):
                xb, yb = ids[start:start + size], y[start:start + size, None].astype(float)
                _, grads = bce_gradients(tf, keras, model, xb, yb)
                grads = [tf.constant(g) for g in grads]
                norms.append(float(tf.linalg.global_norm(grads).numpy()))
                optimizer.apply_gradients(zip(grads, model.trainable_weights))
        after = sentiment_from_keras(model.get_weights())
        out[f"{name}/norms"] = np.array(norms)
        out.update({f"{name}/update/{k}": after[k] - params[k] for k in params})

    # build_keras_model for every kind, and for every known mistake, with given weights.
    V2, D2, H2 = KERAS_SIZES
    ids = padded_ids(rng, 5, 6, V2)
    out["keras/ids"] = ids
    for kind in KINDS:
        shapes = [w.shape for w in build_keras_model(kind, V2, D2, H2).get_weights()]
        weights = [rng.normal(0, 0.5, s) for s in shapes]
        for j, w in enumerate(weights):
            out[f"keras/{kind}/w{j}"] = w
        out.update(describe(build_keras_model, kind, weights, ids, f"keras/{kind}/"))
        for mutant in mutants_for("build_keras_model"):
            out.update(describe(mutant.impl, kind, weights, ids, f"hint/{mutant.name}/{kind}/"))
    # The visible check's own case: a simple_rnn model with ids and weights that no
    # hidden case uses, so students can see its expected values without seeing a hidden one.
    ids = padded_ids(rng, 3, 5, V2)
    out["visible/ids"] = ids
    shapes = [w.shape for w in build_keras_model("simple_rnn", V2, D2, H2).get_weights()]
    weights = [rng.normal(0, 0.5, s) for s in shapes]
    for j, w in enumerate(weights):
        out[f"visible/simple_rnn/w{j}"] = w
    out.update(describe(build_keras_model, "simple_rnn", weights, ids, "visible/simple_rnn/"))
    for mutant in mutants_for("build_keras_model"):
        out.update(describe(mutant.impl, "simple_rnn", weights, ids,
                            f"visible_hint/{mutant.name}/simple_rnn/"))
    keras.utils.clear_session()
    return out
