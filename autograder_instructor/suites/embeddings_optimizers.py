"""Checks of 05_embeddings_optimizers: embedding_forward/backward and SGD, RMSprop, Adagrad, Adam."""
import numpy as np

from .. import keras_values
from autograder.cases import Test
from ..keras_golden.embeddings_optimizers import OPTIMIZERS, STEPS
from ._base import call_case, reference_namespace, rng_for
from ._sequences import chain_case, updates_case

ASSIGNMENT = "05_embeddings_optimizers"
NOTEBOOK = "embeddings_optimizers.ipynb"
SOLUTIONS = ("solutions.embeddings", "solutions.optimizers")
# Keras rounds some constants through float32 (Adam's betas in the bias correction,
# SGD's momentum, Adagrad's initial value): a correct float64 optimizer differs from
# Keras's updates by up to ~7e-6 relative, while real bugs differ by 1e-3 or more.
KERAS_RTOL = 1e-4
# Against the float64 reference, only rounding differs.
REFERENCE_RTOL = 1e-6


def ref():
    return reference_namespace(*SOLUTIONS)


def _ids(rng, N, T, V, repeats=True):
    ids = rng.integers(0, V, size=(N, T))
    if repeats:
        ids[0, -1] = ids[0, 0]  # the same id twice in one sequence
    return ids


def _forward_cases():
    R, rng, out = ref(), rng_for("embedding_forward"), []
    for N, T, V, D in [(2, 5, 10, 3), (1, 1, 4, 6), (4, 3, 50, 2), (3, 7, 8, 8)]:
        out.append(call_case(R, f"N={N}, T={T}, vocabulary {V}, D={D}", "embedding_forward",
                             [_ids(rng, N, T, V), rng.normal(size=(V, D))],
                             outputs=("x", "cache"), keep=("x",)))
    ids = np.array([[0, 0, 2, 1], [3, 0, 0, 1]], dtype=np.int32)
    out.append(call_case(R, "int32 ids with padding id 0 (its vector is looked up too)",
                         "embedding_forward", [ids, rng.normal(size=(5, 3))],
                         outputs=("x", "cache"), keep=("x",)))
    # The backward pass needs the whole table's size, not the largest id seen.
    out.append(call_case(R, "the cache: ids and vocab_size = E.shape[0] (ids use only part of E)",
                         "embedding_forward", [np.array([[0, 1], [1, 2]]), rng.normal(size=(6, 2))],
                         outputs=("x", "cache")))
    g = keras_values.load(ASSIGNMENT)
    out.append(call_case(R, "Keras Embedding golden values", "embedding_forward",
                         [g["emb/ids"], g["emb/E"]], outputs=("x", "cache"), keep=("x",),
                         expected={"x": g["emb/x"]}))
    return out


def _backward_cases():
    R, rng, out = ref(), rng_for("embedding_backward"), []
    for N, T, V, D in [(2, 6, 5, 3), (1, 4, 3, 2), (5, 8, 12, 4)]:
        ids = _ids(rng, N, T, V)
        _, cache = R["embedding_forward"](ids, rng.normal(size=(V, D)))
        out.append(call_case(R, f"N={N}, T={T}, vocabulary {V}, D={D}, repeated ids, reference "
                             "cache", "embedding_backward", [rng.normal(size=(N, T, D)), cache],
                             outputs=("dE",)))
    ids = np.array([[1, 1, 1, 2], [2, 1, 0, 0]])
    _, cache = R["embedding_forward"](ids, rng.normal(size=(9, 2)))
    out.append(call_case(R, "vocabulary of 9, ids only up to 2 (dE still has 9 rows)",
                         "embedding_backward", [rng.normal(size=(2, 4, 2)), cache],
                         outputs=("dE",)))
    ids, E = _ids(rng, 3, 5, 7), rng.normal(size=(7, 3))
    out.append(chain_case(R, "end to end: embedding_forward then embedding_backward",
                          [("embedding_forward", [ids, E], None),
                           ("embedding_backward", [rng.normal(size=(3, 5, 3)), {"result": [0, 1]}],
                            None)], outputs=("dE",)))
    g = keras_values.load(ASSIGNMENT)
    _, cache = R["embedding_forward"](g["emb/ids"], g["emb/E"])
    out.append(call_case(R, "TensorFlow gradient of a Keras Embedding", "embedding_backward",
                         [g["emb/dx"], cache], outputs=("dE",), expected={"dE": g["emb/dE"]}))
    return out


def _problem(rng, shapes=(("W", (3, 4)), ("b", (4,))), steps=5):
    """Weights ~1; gradients ~1 for the first parameter, ~1e-3 for the others."""
    params = {k: rng.normal(size=s) for k, s in shapes}
    scales = {k: 1.0 if i == 0 else 1e-3 for i, (k, _) in enumerate(shapes)}
    grads = [{k: rng.normal(size=s) * scales[k] for k, s in shapes} for _ in range(steps)]
    return params, grads


def _optimizer_cases(cls, configs):
    def cases():
        R, rng, out = ref(), rng_for(cls), []
        for init in configs:
            params, grads = _problem(rng)
            what = ", ".join(f"{k}={v}" for k, v in init.items()) or "default arguments"
            out.append(updates_case(R, f"{what}: 5 steps, gradients ~1 (W) and ~1e-3 (b)", cls,
                                    init, params, grads, rtol=REFERENCE_RTOL))
        params, grads = _problem(rng, (("E", (6, 2)), ("W", (2, 5)), ("b", (5,))), steps=3)
        out.append(updates_case(R, "three parameters of different shapes, default arguments",
                                cls, {}, params, grads, rtol=REFERENCE_RTOL))
        g = keras_values.load(ASSIGNMENT)
        for name, (keras_cls, init) in OPTIMIZERS.items():
            if keras_cls != cls:
                continue
            params = {k: g[f"opt/{name}/{k}"] for k in ("W", "b")}
            grads = [{k: g[f"opt/{name}/grad_{k}"][i] for k in params} for i in range(STEPS)]
            expected = {(i, k): g[f"opt/{name}/update_{k}"][i] for i in range(STEPS) for k in params}
            what = ", ".join(f"{k}={v}" for k, v in init.items()) or "default arguments"
            out.append(updates_case(R, f"Keras {cls} trajectory from identical weights, {what}",
                                    cls, init, params, grads, expected=expected,
                                    rtol=KERAS_RTOL))
        return out
    return cases


# ---- visible cases ---------------------------------------------------------------

def _visible_forward():
    ids = np.array([[0, 2, 2], [1, 3, 0]])
    E = np.arange(8.0).reshape(4, 2)
    return [call_case(ref(), "2 sequences of 3 ids, vocabulary 4, D=2", "embedding_forward",
                      [ids, E], outputs=("x", "cache"), keep=("x",))]


def _visible_backward():
    R = ref()
    ids = np.array([[0, 2, 2], [1, 2, 0]])
    _, cache = R["embedding_forward"](ids, np.zeros((5, 2)))
    dx = np.arange(12.0).reshape(2, 3, 2)
    return [call_case(R, "id 2 three times, id 4 never, vocabulary 5", "embedding_backward",
                      [dx, cache], outputs=("dE",))]


def _visible_optimizer(cls, init):
    def cases():
        params = {"w": np.array([1.0, -2.0, 0.5]), "b": np.array([0.1])}
        grads = [{"w": np.array([0.5, -1.0, 2.0]), "b": np.array([1e-3])},
                 {"w": np.array([0.4, 0.0, -1.0]), "b": np.array([-2e-3])},
                 {"w": np.array([0.1, 1.0, 0.5]), "b": np.array([1e-3])}]
        what = ", ".join(f"{k}={v}" for k, v in init.items()) or "default arguments"
        return [updates_case(ref(), f"{what}: 3 steps on two small parameters", cls, init,
                             params, grads, rtol=REFERENCE_RTOL)]
    return cases


OPTIMIZER_NOTE = ("other arguments, more steps, parameters of other shapes, Keras's trajectories "
                  "from identical weights.")

TESTS = [
    Test("embedding_forward_tests", "embedding_forward", 2, "embedding_forward: several shapes, "
         "a batch of one, int32 ids with padding, Keras Embedding golden values.", _forward_cases),
    Test("embedding_backward_tests", "embedding_backward", 3, "embedding_backward: repeated ids "
         "on the reference forward's cache, ids that never occur, end to end after "
         "embedding_forward, TensorFlow's gradient of a Keras Embedding.", _backward_cases),
    Test("sgd_tests", "SGD", 2, "SGD: the updates of several steps, plain, with momentum and with "
         "Nesterov momentum, parameters of several shapes and gradient sizes, Keras trajectories.",
         _optimizer_cases("SGD", [{}, {"learning_rate": 0.1, "momentum": 0.9},
                                  {"learning_rate": 0.1, "momentum": 0.5, "nesterov": True}])),
    Test("rmsprop_tests", "RMSprop", 2, "RMSprop: the updates of several steps with default and "
         "other arguments, parameters of several shapes and gradient sizes, Keras trajectories.",
         _optimizer_cases("RMSprop", [{}, {"learning_rate": 0.01, "rho": 0.5}])),
    Test("adagrad_tests", "Adagrad", 2, "Adagrad: the updates of several steps with default and "
         "other arguments, parameters of several shapes and gradient sizes, Keras trajectories.",
         _optimizer_cases("Adagrad", [{}, {"learning_rate": 0.1, "initial_accumulator_value": 1.0},
                                      {"initial_accumulator_value": 0.0, "epsilon": 1e-4}])),
    Test("adam_tests", "Adam", 3, "Adam: the updates of several steps with default and other "
         "arguments, parameters of several shapes and gradient sizes, Keras trajectories.",
         _optimizer_cases("Adam", [{}, {"learning_rate": 0.01, "beta_1": 0.5, "beta_2": 0.9}])),
]

VISIBLE = {
    "embedding_forward": (_visible_forward, "other shapes, int32 ids, Keras's values."),
    "embedding_backward": (_visible_backward, "other shapes, your own forward's cache, "
                           "TensorFlow's gradient."),
    "SGD": (_visible_optimizer("SGD", {"momentum": 0.9}), "plain SGD, Nesterov momentum, "
            + OPTIMIZER_NOTE),
    "RMSprop": (_visible_optimizer("RMSprop", {}), OPTIMIZER_NOTE),
    "Adagrad": (_visible_optimizer("Adagrad", {}), OPTIMIZER_NOTE),
    "Adam": (_visible_optimizer("Adam", {}), OPTIMIZER_NOTE),
}
