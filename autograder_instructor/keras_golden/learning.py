"""Keras golden values for 02_learning: the four losses (and TF's gradients), one SGD step."""
import numpy as np

from ._tape import gradients

ASSIGNMENT = "02_learning"


def generate():
    from ..keras_values import prepare_tensorflow
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(202)
    out = {}

    # Binary cross-entropy on plain probabilities (NumPy arrays, so Keras clips them),
    # including probabilities of exactly 0 and 1 that only the clipping keeps finite.
    p = rng.uniform(0.01, 0.99, size=(8, 1))
    p[[1, 5]] = 0.0
    p[[2, 6]] = 1.0
    y = rng.integers(0, 2, size=(8, 1)).astype(np.float64)
    y[[1, 2]] = 1.0 - np.array([[0.0], [1.0]])  # one confident mistake of each kind
    out.update({"bce/p": p, "bce/y": y})
    out["bce/loss"] = np.asarray(keras.losses.BinaryCrossentropy()(y, p).numpy())
    out["bce/p_flat"], out["bce/y_flat"] = p[:, 0].copy(), y[:, 0].copy()
    out["bce/loss_flat"] = np.asarray(keras.losses.BinaryCrossentropy()(y[:, 0], p[:, 0]).numpy())

    # Categorical cross-entropy: rows that sum to 1, one with an exact zero on its label.
    z = rng.normal(0, 2, size=(6, 4))
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    y = np.eye(4)[rng.integers(0, 4, size=6)]
    p[0] = 0.0
    p[0, (np.argmax(y[0]) + 1) % 4] = 1.0
    out.update({"cce/p": p, "cce/y": y})
    out["cce/loss"] = np.asarray(keras.losses.CategoricalCrossentropy()(y, p).numpy())

    def with_grad(loss_fn, y, z):
        zt = tf.constant(z)
        loss, (dz,) = gradients(tf, lambda: loss_fn(y, zt), [zt])
        return loss, dz

    # From logits, ordinary and extreme (|z| = 1000 would overflow a naive formula).
    z = np.concatenate([rng.normal(0, 3, size=(7, 1)), [[1000.0], [-1000.0], [0.0]]])
    y = np.concatenate([rng.integers(0, 2, size=(7, 1)), [[0], [1], [1]]]).astype(np.float64)
    out.update({"sig/z": z, "sig/y": y})
    out["sig/loss"], out["sig/dz"] = with_grad(
        keras.losses.BinaryCrossentropy(from_logits=True), y, z)

    z = np.concatenate([rng.normal(0, 3, size=(5, 3)), [[1000.0, -1000.0, 0.0]]])
    y = np.eye(3)[rng.integers(0, 3, size=6)]
    y[-1] = [0.0, 1.0, 0.0]  # the label has logit -1000: a loss of about 2000, no inf
    out.update({"smx/z": z, "smx/y": y})
    out["smx/loss"], out["smx/dz"] = with_grad(
        keras.losses.CategoricalCrossentropy(from_logits=True), y, z)

    # One step of keras.optimizers.SGD (no momentum) on two weights.
    params = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3)}
    grads = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=3)}
    variables = [keras.Variable(params[k], dtype="float64") for k in ("W", "b")]
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    optimizer.apply_gradients(zip([tf.constant(grads[k]) for k in ("W", "b")], variables))
    for k, v in zip(("W", "b"), variables):
        out[f"sgd/{k}"], out[f"sgd/d{k}"] = params[k], grads[k]
        out[f"sgd/{k}_after"] = np.asarray(v.numpy())
    out["sgd/learning_rate"] = np.asarray(0.1)
    return out
