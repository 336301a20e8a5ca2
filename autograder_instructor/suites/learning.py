"""Checks of 02_learning: losses, numerical gradients, mini-batches, SGD, a training run."""
import numpy as np

from .. import keras_values
from autograder.cases import Case, Test, expected_from
from ._base import add_hints, call_case, encode, reference_namespace, rng_for

ASSIGNMENT = "02_learning"
NOTEBOOK = "learning.ipynb"
SOLUTIONS = ("solutions.learning",)
TRAINING_ACCURACY = 0.95  # what the two-layer network must reach on its training set


def ref():
    return reference_namespace(*SOLUTIONS)


def _probe_case(R, label, func, probe, spec, arrays, names, rtol=1e-7, atol=1e-10,
                expected=None, hints=True):
    """A case run through a probe other than ``call``; expected values from the reference
    unless given (``expected``: flattened key -> array)."""
    case = Case(label=label, func=func, spec=spec, arrays=arrays, expected={}, names=names,
                probe=probe, rtol=rtol, atol=atol)
    case.expected = expected if expected is not None else expected_from(R, case, keys=list(names))
    return add_hints(case, R) if hints else case


# ---- losses on probabilities ---------------------------------------------------------

def _probabilities(rng, shape):
    return rng.uniform(0.02, 0.98, size=shape)


def _bce_cases():
    R, rng, out = ref(), rng_for("binary_cross_entropy"), []
    for shape in [(6, 1), (9,), (1, 1)]:
        p, y = _probabilities(rng, shape), rng.integers(0, 2, size=shape).astype(float)
        out.append(call_case(R, f"random probabilities of shape {shape}", "binary_cross_entropy",
                             [p, y], outputs=("loss",)))
    p, y = _probabilities(rng, (5, 1)), rng.uniform(0, 1, size=(5, 1))
    out.append(call_case(R, "soft labels in [0, 1]", "binary_cross_entropy", [p, y],
                         outputs=("loss",)))
    p = np.array([[0.0], [1.0], [1.0], [0.0], [0.3]])
    y = np.array([[0.0], [1.0], [0.0], [1.0], [1.0]])
    out.append(call_case(R, "probabilities of exactly 0 and 1 (clip them; warnings count as "
                         "errors)", "binary_cross_entropy", [p, y], outputs=("loss",)))
    g = keras_values.load(ASSIGNMENT)
    out.append(call_case(R, "Keras golden value, shape (N, 1)", "binary_cross_entropy",
                         [g["bce/p"], g["bce/y"]], outputs=("loss",),
                         expected={"loss": g["bce/loss"]}))
    out.append(call_case(R, "Keras golden value, shape (N,)", "binary_cross_entropy",
                         [g["bce/p_flat"], g["bce/y_flat"]], outputs=("loss",),
                         expected={"loss": g["bce/loss_flat"]}))
    return out


def _softmax_rows(rng, n, c, scale=2.0):
    z = rng.normal(0, scale, size=(n, c))
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def _cce_cases():
    R, rng, out = ref(), rng_for("categorical_cross_entropy"), []
    for n, c in [(5, 3), (1, 4), (8, 2), (4, 10)]:
        p, y = _softmax_rows(rng, n, c), np.eye(c)[rng.integers(0, c, size=n)]
        out.append(call_case(R, f"random distributions, {n} samples, {c} classes",
                             "categorical_cross_entropy", [p, y], outputs=("loss",)))
    p = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.2, 0.3, 0.5]])
    y = np.eye(3)[[0, 2, 1]]
    out.append(call_case(R, "probabilities of exactly 0 and 1 (clip them; warnings count as "
                         "errors)", "categorical_cross_entropy", [p, y], outputs=("loss",)))
    g = keras_values.load(ASSIGNMENT)
    out.append(call_case(R, "Keras golden value", "categorical_cross_entropy",
                         [g["cce/p"], g["cce/y"]], outputs=("loss",),
                         expected={"loss": g["cce/loss"]}))
    return out


# ---- losses from logits --------------------------------------------------------------

def _sigmoid_xent_cases():
    R, rng, out = ref(), rng_for("sigmoid_cross_entropy_with_logits"), []
    func, names = "sigmoid_cross_entropy_with_logits", ("loss", "dz")
    for shape in [(6, 1), (1, 1), (10,)]:
        z, y = rng.normal(0, 3, size=shape), rng.integers(0, 2, size=shape).astype(float)
        out.append(call_case(R, f"random logits of shape {shape}", func, [z, y], outputs=names))
    z = np.array([[1000.0], [-1000.0], [800.0], [-800.0], [0.0]])
    y = np.array([[1.0], [1.0], [0.0], [0.0], [1.0]])
    out.append(call_case(R, "logits of +-1000 and +-800, warnings count as errors", func,
                         [z, y], outputs=names))
    g = keras_values.load(ASSIGNMENT)
    out.append(call_case(R, "Keras BinaryCrossentropy(from_logits=True) and TensorFlow's "
                         "gradient", func, [g["sig/z"], g["sig/y"]], outputs=names,
                         expected={"loss": g["sig/loss"], "dz": g["sig/dz"]}))
    return out


def _softmax_xent_cases():
    R, rng, out = ref(), rng_for("softmax_cross_entropy_with_logits"), []
    func, names = "softmax_cross_entropy_with_logits", ("loss", "dz")
    for n, c in [(5, 3), (1, 4), (7, 2), (3, 9)]:
        z, y = rng.normal(0, 3, size=(n, c)), np.eye(c)[rng.integers(0, c, size=n)]
        out.append(call_case(R, f"random logits, {n} samples, {c} classes", func, [z, y],
                             outputs=names))
    z = np.array([[1000.0, 999.0, -1000.0], [-1000.0, -1001.0, -999.0], [0.0, 0.0, 0.0]])
    y = np.eye(3)[[2, 0, 1]]
    out.append(call_case(R, "logits near +-1000, warnings count as errors", func, [z, y],
                         outputs=names))
    g = keras_values.load(ASSIGNMENT)
    out.append(call_case(R, "Keras CategoricalCrossentropy(from_logits=True) and TensorFlow's "
                         "gradient", func, [g["smx/z"], g["smx/y"]], outputs=names,
                         expected={"loss": g["smx/loss"], "dz": g["smx/dz"]}))
    return out


# ---- numerical gradients -------------------------------------------------------------

NUMGRAD_NAMES = {"out": "gradient", "x_after": "x after the call"}


def _numgrad_case(R, label, f, params, x, kwargs=None, expected=None, rtol=1e-6, atol=1e-8):
    arrays = {}
    spec = {"func": "numerical_gradient", "f": f,
            "params": {k: encode(v, arrays, f"p.{k}") for k, v in params.items()},
            "x": encode(x, arrays, "x"),
            "kwargs": {k: encode(v, arrays, f"kw.{k}") for k, v in (kwargs or {}).items()}}
    if expected is not None:
        expected = {"out": np.asarray(expected), "x_after": x.copy()}
    # Central differences agree with each other to ~1e-10 whatever the order of operations;
    # a forward difference is off by ~h f''/2, far outside rtol=1e-6.
    return _probe_case(R, label, "numerical_gradient", "numgrad", spec, arrays, NUMGRAD_NAMES,
                       rtol=rtol, atol=atol, expected=expected)


def _numgrad_cases():
    R, rng, out = ref(), rng_for("numerical_gradient"), []
    A = rng.normal(size=(4, 3))
    out.append(_numgrad_case(R, "f(x) = sum(sin(A x)), x of shape (3,)", "sum_sin_Ax",
                             {"A": A}, rng.normal(size=3)))
    out.append(_numgrad_case(R, "f(X) = sum(sin(A X)), X of shape (3, 2) (a matrix)",
                             "sum_sin_Ax", {"A": A}, rng.normal(size=(3, 2))))
    c = rng.normal(size=(2, 3))
    out.append(_numgrad_case(R, "f(x) = sum(c x**3), x of shape (2, 3), h=1e-2 given",
                             "cubic", {"c": c}, rng.normal(size=(2, 3)), {"h": 1e-2}))
    out.append(_numgrad_case(R, "f(x) = sum(c x**3), a single entry", "cubic",
                             {"c": np.array([2.0])}, np.array([1.5])))
    z, Y = rng.normal(size=(3, 4)), np.eye(4)[[0, 3, 1]]
    p = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    out.append(_numgrad_case(R, "cross-entropy of logits against the exact gradient p - y",
                             "softmax_xent", {"Y": Y}, z, expected=p - Y, rtol=1e-6, atol=1e-8))
    return out


# ---- mini-batches and SGD --------------------------------------------------------------

MINIBATCH_NAMES = {"sizes": "batch sizes", "sorted": "all indices of one epoch, sorted",
                   "in_order": "whether the epoch is unshuffled",
                   "new_order": "whether the next epoch comes in a new order",
                   "reproducible": "whether the same seed gives the same epoch"}


def _minibatch_case(R, n, batch_size, seed):
    spec = {"func": "iterate_minibatches", "n": n, "batch_size": batch_size, "seed": seed}
    names = dict(MINIBATCH_NAMES)
    if n < 4:  # tiny epochs may come in the same order twice by chance
        names = {k: v for k, v in names.items() if k in ("sizes", "sorted", "reproducible")}
    return _probe_case(R, f"n={n}, batch_size={batch_size}", "iterate_minibatches",
                       "minibatches", spec, {}, names)


def _minibatch_cases():
    R = ref()
    return [_minibatch_case(R, n, b, seed) for n, b, seed in
            [(10, 3, 1), (12, 4, 2), (50, 7, 3), (7, 10, 4), (1, 5, 5), (30, 1, 6)]]


def _sgd_case(R, label, params, grads, lr, expected=None):
    arrays = {}
    spec = {"func": "sgd_step", "args": [encode(params, arrays, "params"),
                                         encode(grads, arrays, "grads"),
                                         encode(lr, arrays, "lr")], "kwargs": {}}
    names = {f"args/0/{k}": f"params[{k!r}] after the call" for k in params}
    names.update({f"args/1/{k}": f"grads[{k!r}] after the call" for k in grads})
    if expected is not None:
        expected = dict({f"args/0/{k}": v for k, v in expected.items()},
                        **{f"args/1/{k}": v.copy() for k, v in grads.items()})
    return _probe_case(R, label, "sgd_step", "call_in_place", spec, arrays, names,
                       expected=expected)


def _sgd_cases():
    R, rng, out = ref(), rng_for("sgd_step"), []
    shapes = {"W1": (5, 3), "b1": (5,), "W2": (2, 5), "b2": (2,)}
    for lr in (0.1, 0.5):
        params = {k: rng.normal(size=s) for k, s in shapes.items()}
        grads = {k: rng.normal(size=s) for k, s in shapes.items()}
        out.append(_sgd_case(R, f"two dense layers, learning rate {lr}", params, grads, lr))
    params = {k: rng.normal(size=s) for k, s in shapes.items()}
    grads = {k: rng.normal(size=shapes[k]) for k in ("b2", "W1", "W2", "b1")}
    out.append(_sgd_case(R, "grads given in another key order than params", params, grads, 0.05))
    g = keras_values.load(ASSIGNMENT)
    out.append(_sgd_case(R, "one step of keras.optimizers.SGD(learning_rate=0.1)",
                         {"W": g["sgd/W"], "b": g["sgd/b"]}, {"W": g["sgd/dW"], "b": g["sgd/db"]},
                         float(g["sgd/learning_rate"]),
                         expected={"W": g["sgd/W_after"], "b": g["sgd/b_after"]}))
    return out


# ---- the two-layer network -----------------------------------------------------------

def rings(n, rng):
    """n points in the plane: label 1 inside radius 0.5, label 0 on a ring from 0.7 to 1.

    No straight line separates them; a small ReLU network does.
    """
    y = (rng.uniform(size=n) < 0.5).astype(np.float64)
    radius = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)  # (n, 2)
    return X, y[:, None]  # (n, 2), (n, 1)


def _training_cases():
    R, out = ref(), []
    for seed, hidden in [(0, 16), (1, 8), (2, 32)]:
        rng = rng_for(f"two_layer/{seed}")
        X, y = rings(200, rng)
        params = {"W1": rng.normal(0, 1.0, size=(hidden, 2)), "b1": np.zeros(hidden),
                  "W2": rng.normal(0, 1.0 / np.sqrt(hidden), size=(1, hidden)), "b2": np.zeros(1)}
        arrays = {}
        spec = {"X": encode(X, arrays, "X"), "y": encode(y, arrays, "y"),
                "params": encode(params, arrays, "params"), "epochs": 150, "batch_size": 20,
                "learning_rate": 0.5, "seed": seed}
        # Accuracy at least TRAINING_ACCURACY: expected 1 with an absolute tolerance.
        out.append(_probe_case(
            R, f"200 points on two rings, {hidden} hidden ReLU units, 150 epochs of "
            f"mini-batch SGD (batch 20, learning rate 0.5): training accuracy at least "
            f"{TRAINING_ACCURACY}", "sgd_step", "train_two_layer", spec, arrays,
            {"accuracy": "training accuracy"}, rtol=0.0, atol=1.0 - TRAINING_ACCURACY,
            expected={"accuracy": np.asarray(1.0)}, hints=False))
    return out


# ---- visible cases -------------------------------------------------------------------

def _visible_bce():
    p, y = np.array([[0.9], [0.2], [0.6]]), np.array([[1.0], [0.0], [0.0]])
    return [call_case(ref(), "three probabilities between 0.2 and 0.9", "binary_cross_entropy",
                      [p, y], outputs=("loss",))]


def _visible_cce():
    p = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    return [call_case(ref(), "two rows of three classes", "categorical_cross_entropy",
                      [p, np.eye(3)[[0, 1]]], outputs=("loss",))]


def _visible_sigmoid_xent():
    z, y = np.array([[2.0], [-1.0], [0.5]]), np.array([[1.0], [0.0], [0.0]])
    return [call_case(ref(), "three small logits", "sigmoid_cross_entropy_with_logits", [z, y],
                      outputs=("loss", "dz"))]


def _visible_softmax_xent():
    z = np.array([[2.0, 1.0, 0.1], [0.0, 0.5, -0.5]])
    return [call_case(ref(), "two rows of small logits", "softmax_cross_entropy_with_logits",
                      [z, np.eye(3)[[0, 2]]], outputs=("loss", "dz"))]


def _visible_numgrad():
    A = np.array([[1.0, 2.0], [0.5, -1.0], [0.0, 1.0]])
    return [_numgrad_case(ref(), "f(x) = sum(sin(A x)), x of shape (2,)", "sum_sin_Ax",
                          {"A": A}, np.array([0.3, -0.2]))]


def _visible_minibatches():
    return [_minibatch_case(ref(), 10, 4, 0)]


def _visible_sgd():
    params = {"W": np.array([[1.0, 2.0], [3.0, 4.0]]), "b": np.array([0.5, -0.5])}
    grads = {"W": np.array([[0.1, -0.2], [0.3, 0.0]]), "b": np.array([1.0, 2.0])}
    return [_sgd_case(ref(), "a 2x2 weight and a bias, learning rate 0.1", params, grads, 0.1)]


TESTS = [
    Test("binary_cross_entropy_tests", "binary_cross_entropy", 2, "binary_cross_entropy: "
         "random shapes, soft labels, probabilities of exactly 0 and 1, Keras golden values.",
         _bce_cases),
    Test("categorical_cross_entropy_tests", "categorical_cross_entropy", 2,
         "categorical_cross_entropy: random distributions, a batch of one, two classes, exact "
         "0 and 1, Keras golden values.", _cce_cases),
    Test("sigmoid_cross_entropy_with_logits_tests", "sigmoid_cross_entropy_with_logits", 2,
         "sigmoid_cross_entropy_with_logits: loss and gradient on random shapes, logits of "
         "+-1000 without warnings, Keras and TensorFlow golden values.", _sigmoid_xent_cases),
    Test("softmax_cross_entropy_with_logits_tests", "softmax_cross_entropy_with_logits", 2,
         "softmax_cross_entropy_with_logits: loss and gradient on random shapes, logits near "
         "+-1000 without warnings, Keras and TensorFlow golden values.", _softmax_xent_cases),
    Test("numerical_gradient_tests", "numerical_gradient", 2, "numerical_gradient: vector and "
         "matrix inputs, a given step h, x left unchanged, an exact gradient.", _numgrad_cases),
    Test("iterate_minibatches_tests", "iterate_minibatches", 2, "iterate_minibatches: every "
         "sample once per epoch, batch sizes, shuffling through the given generator only, "
         "batch larger than the data.", _minibatch_cases),
    Test("sgd_step_tests", "sgd_step", 2, "sgd_step: updates in place, several learning rates, "
         "grads in another key order, grads left unchanged, one Keras SGD step.", _sgd_cases),
    Test("two_layer_training_tests", "sgd_step", 2, "Training: a two-layer ReLU network trained "
         "with your iterate_minibatches, sigmoid_cross_entropy_with_logits and sgd_step "
         "(dense layers from assignment 01) reaches high training accuracy on a problem no "
         "linear model solves.", _training_cases,
         calls=("sigmoid_cross_entropy_with_logits", "iterate_minibatches")),
]

VISIBLE = {
    "binary_cross_entropy": (_visible_bce, "probabilities of exactly 0 or 1 (clipping), other "
                             "shapes, Keras's values."),
    "categorical_cross_entropy": (_visible_cce, "probabilities of exactly 0 (clipping), other "
                                  "shapes, Keras's values."),
    "sigmoid_cross_entropy_with_logits": (_visible_sigmoid_xent, "logits near +-1000, other "
                                          "shapes, TensorFlow's gradient."),
    "softmax_cross_entropy_with_logits": (_visible_softmax_xent, "logits near +-1000, other "
                                          "shapes, TensorFlow's gradient."),
    "numerical_gradient": (_visible_numgrad, "matrix inputs, a given h, an exact gradient."),
    "iterate_minibatches": (_visible_minibatches, "other sizes, a batch larger than the data, "
                            "one sample per batch."),
    "sgd_step": (_visible_sgd, "grads in another key order, other learning rates, Keras's SGD "
                 "step, and the training run."),
}
