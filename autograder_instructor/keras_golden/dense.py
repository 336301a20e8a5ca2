"""Keras golden values for 01_dense: activations and Dense layers, outputs and gradients."""
import numpy as np

from ._tape import backward

ASSIGNMENT = "01_dense"
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "softmax")


def generate():
    from ..keras_values import prepare_tensorflow
    from autograder.keras_bridge import dense_from_keras, dense_to_keras
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(101)
    out = {}

    # Activations on ordinary and extreme logits (rows differ by far more than 700).
    z = np.concatenate([rng.normal(0, 3, (2, 7)), np.linspace(-1000, 1000, 7)[None],
                        np.full((1, 7), -990.0) + rng.normal(0, 1, (1, 7))])
    out["act/z"] = z
    for name in ("sigmoid", "tanh", "relu", "softmax"):
        out[f"act/{name}"] = keras.ops.convert_to_numpy(getattr(keras.activations, name)(z))

    # Dense layers with a non-square weight, every activation, forward and gradients.
    for activation in ACTIVATIONS:
        x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=5)
        dy = rng.normal(size=(4, 5))
        layer = keras.layers.Dense(5, activation=activation, dtype="float64")
        layer.build((None, 3))
        layer.set_weights(dense_to_keras(W, b))
        xt = tf.constant(x)
        y, (dx, dkernel, dbias) = backward(tf, lambda: layer(xt), dy,
                                           [xt, layer.kernel, layer.bias])
        dW, db = dense_from_keras(dkernel, dbias)
        for key, value in dict(x=x, W=W, b=b, dy=dy, y=y, dx=dx, dW=dW, db=db).items():
            out[f"dense/{activation}/{key}"] = value
    return out
