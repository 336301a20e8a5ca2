"""Keras golden values for 05_embeddings_optimizers: Embedding, and four optimizers step by step."""
import numpy as np

from ._tape import backward

ASSIGNMENT = "05_embeddings_optimizers"

# name -> (Keras class, constructor arguments); the course's classes take the same ones.
OPTIMIZERS = {
    "sgd": ("SGD", {}),
    "sgd_momentum": ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    "sgd_nesterov": ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    "rmsprop": ("RMSprop", {}),
    "adagrad": ("Adagrad", {}),
    "adam": ("Adam", {}),
    "adam_custom": ("Adam", {"learning_rate": 0.01, "beta_1": 0.8, "beta_2": 0.99}),
}
STEPS = 6


def optimizer_problem(rng):
    """Starting weights and a sequence of gradients: W's of size ~1, b's of size ~1e-3."""
    params = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    grads = [{"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4) * 1e-3}
             for _ in range(STEPS)]
    return params, grads


def generate():
    from ..keras_values import prepare_tensorflow
    from autograder.keras_bridge import embedding_to_keras
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(505)
    out = {}

    # Embedding: repeated ids, and the last rows of the table never looked up.
    V, D = 9, 4
    ids = np.array([[1, 3, 3, 0, 5], [5, 5, 2, 1, 3], [0, 0, 3, 6, 1]])
    E, dx = rng.normal(size=(V, D)), rng.normal(size=ids.shape + (D,))
    layer = keras.layers.Embedding(V, D, dtype="float64")
    layer.build((None, ids.shape[1]))
    layer.set_weights(embedding_to_keras(E))
    # Keras's gradient of the table is IndexedSlices; backward makes it dense.
    x, (dE,) = backward(tf, lambda: layer(tf.constant(ids)), dx, [layer.embeddings])
    out.update({"emb/ids": ids, "emb/E": E, "emb/dx": dx, "emb/x": x, "emb/dE": dE})

    # Optimizers: identical weights and gradients; Keras's update of each step.
    for name, (cls, kwargs) in OPTIMIZERS.items():
        params, grads = optimizer_problem(rng)
        variables = {k: keras.Variable(v.copy(), dtype="float64") for k, v in params.items()}
        optimizer = getattr(keras.optimizers, cls)(**kwargs)
        for k, v in params.items():
            out[f"opt/{name}/{k}"] = v
            out[f"opt/{name}/grad_{k}"] = np.stack([g[k] for g in grads])
        steps = {k: [] for k in params}
        for g in grads:
            before = {k: v.numpy().copy() for k, v in variables.items()}
            optimizer.apply_gradients([(tf.constant(g[k]), variables[k]) for k in params])
            for k, v in variables.items():
                steps[k].append(v.numpy() - before[k])
        for k in params:
            out[f"opt/{name}/update_{k}"] = np.stack(steps[k])  # (STEPS, ...)
    return out
