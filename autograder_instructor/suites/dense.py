"""Checks of 01_dense: nonlinearities, dense_forward, dense_backward."""
import numpy as np

from .. import keras_values
from autograder.cases import Test
from ._base import call_case, reference_namespace, rng_for

ASSIGNMENT = "01_dense"
NOTEBOOK = "dense.ipynb"
SOLUTIONS = ("solutions.dense",)
ACTIVATIONS = ("linear", "sigmoid", "tanh", "relu", "softmax")
SHAPES = [(7,), (1, 1), (4, 9), (2, 3, 5)]


def ref():
    return reference_namespace(*SOLUTIONS)


def _elementwise(func, extreme=True):
    def cases():
        R, rng, out = ref(), rng_for(func), []
        for shape in SHAPES:
            z = rng.normal(0, 4, size=shape)
            out.append(call_case(R, f"random input of shape {shape}", func, [z],
                                 outputs=("y",), return_args=True))
        if extreme:
            z = np.linspace(-1000, 1000, 11)
            out.append(call_case(R, "|z| up to 1000, warnings count as errors", func, [z],
                                 return_args=True))
        g = keras_values.load(ASSIGNMENT)
        out.append(call_case(R, "Keras golden values", func, [g["act/z"]],
                             expected={"y": g[f"act/{func}"]}, return_args=False))
        return out
    return cases


def _softmax_cases():
    R, rng, out = ref(), rng_for("softmax"), []
    for shape in [(1, 1), (3, 4), (5, 2), (2, 3, 6)]:
        out.append(call_case(R, f"random logits of shape {shape}", "softmax",
                             [rng.normal(0, 3, size=shape)]))
    rows = np.array([[1000.0, 999.0, 998.0], [-1000.0, -1001.0, -999.0], [0.0, 0.0, 0.0]])
    out.append(call_case(R, "logits around +-1000, warnings count as errors", "softmax", [rows]))
    g = keras_values.load(ASSIGNMENT)
    out.append(call_case(R, "Keras golden values", "softmax", [g["act/z"]],
                         expected={"y": g["act/softmax"]}))
    return out


def _dense_forward_cases():
    R, rng, out = ref(), rng_for("dense_forward"), []
    for (n, d_in, d_out), act in zip([(1, 3, 5), (6, 4, 4), (3, 7, 2), (2, 5, 1), (8, 2, 6)],
                                      ACTIVATIONS):
        x, W, b = rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)), rng.normal(size=d_out)
        out.append(call_case(R, f"{act}, batch of {n}, {d_in} -> {d_out} units", "dense_forward",
                             [x, W, b], {"activation": act}, outputs=("y", "cache"), keep=("y",)))
    x, W, b = rng.normal(size=(3, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)
    out.append(call_case(R, "default activation is linear", "dense_forward", [x, W, b],
                         outputs=("y", "cache"), keep=("y",)))
    # dense_backward reads the cache by field: its type and every field are graded too.
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=5)
    out.append(call_case(R, "the cache: DenseCache(x, W, b, z, y, activation), relu, 3 -> 5 "
                         "units", "dense_forward", [x, W, b], {"activation": "relu"},
                         outputs=("y", "cache")))
    x, W, b = rng.normal(size=(2, 4)), rng.normal(size=(2, 4)), rng.normal(size=2)
    out.append(call_case(R, "the cache with the default activation, 4 -> 2 units",
                         "dense_forward", [x, W, b], outputs=("y", "cache")))
    g = keras_values.load(ASSIGNMENT)
    for act in ACTIVATIONS:
        k = f"dense/{act}/"
        out.append(call_case(R, f"Keras Dense golden values, {act}", "dense_forward",
                             [g[k + "x"], g[k + "W"], g[k + "b"]], {"activation": act},
                             outputs=("y", "cache"), keep=("y",), expected={"y": g[k + "y"]}))
    return out


def _dense_backward_cases():
    R, rng, out = ref(), rng_for("dense_backward"), []
    names = ("dx", "dW", "db")
    for (n, d_in, d_out), act in zip([(1, 3, 5), (6, 4, 4), (3, 7, 2), (5, 2, 6), (4, 3, 3)],
                                      ACTIVATIONS):
        x, W, b = rng.normal(size=(n, d_in)), rng.normal(size=(d_out, d_in)), rng.normal(size=d_out)
        _, cache = R["dense_forward"](x, W, b, act)
        dy = rng.normal(size=(n, d_out))
        out.append(call_case(R, f"{act}, batch of {n}, {d_in} -> {d_out}, reference cache",
                             "dense_backward", [dy, cache], outputs=names))
    g = keras_values.load(ASSIGNMENT)
    for act in ACTIVATIONS:
        k = f"dense/{act}/"
        _, cache = R["dense_forward"](g[k + "x"], g[k + "W"], g[k + "b"], act)
        out.append(call_case(R, f"TensorFlow gradients of Keras Dense, {act}", "dense_backward",
                             [g[k + "dy"], cache], outputs=names,
                             expected={n: g[k + n] for n in names}))
    return out


def _visible_elementwise(func):
    def cases():
        z = np.array([[-2.0, -0.5, 0.0], [0.5, 1.0, 3.0]])
        return [call_case(ref(), "a 2x3 array of small values", func, [z], return_args=True)]
    return cases


def _visible_softmax():
    z = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    return [call_case(ref(), "two rows of small logits", "softmax", [z])]


def _visible_dense_forward():
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]])
    W = np.array([[0.1, 0.2, 0.3], [-0.3, 0.1, 0.0]])
    b = np.array([0.5, -0.5])
    return [call_case(ref(), f"{act}, 2 samples, 3 -> 2 units", "dense_forward", [x, W, b],
                      {"activation": act}, outputs=("y", "cache"), keep=("y",))
            for act in ("linear", "tanh")] + [
        call_case(ref(), "the cache: DenseCache(x, W, b, z, y, activation), which "
                  "dense_backward reads", "dense_forward", [x, W, b], {"activation": "tanh"},
                  outputs=("y", "cache"))]


def _visible_dense_backward():
    R = ref()
    x = np.array([[1.0, 2.0, 3.0], [0.0, -1.0, 0.5]])
    W = np.array([[0.1, 0.2, 0.3], [-0.3, 0.1, 0.0]])
    b = np.array([0.5, -0.5])
    dy = np.array([[1.0, -1.0], [0.5, 2.0]])
    return [call_case(R, f"{act}, 2 samples, 3 -> 2 units", "dense_backward",
                      [dy, R["dense_forward"](x, W, b, act)[1]], outputs=("dx", "dW", "db"))
            for act in ("linear", "tanh")]


TESTS = [
    Test("sigmoid_tests", "sigmoid", 1, "sigmoid: random shapes, |z| up to 1000 without "
         "warnings, Keras golden values.", _elementwise("sigmoid")),
    Test("tanh_tests", "tanh", 1, "tanh: random shapes, |z| up to 1000 without warnings, "
         "Keras golden values.", _elementwise("tanh")),
    Test("relu_tests", "relu", 1, "relu: random shapes, extreme values, input left unchanged, "
         "Keras golden values.", _elementwise("relu")),
    Test("softmax_tests", "softmax", 2, "softmax: random shapes, rows of logits near +-1000, "
         "Keras golden values.", _softmax_cases),
    Test("dense_forward_tests", "dense_forward", 3, "dense_forward: every activation, "
         "non-square weights, batch of one, the default activation, Keras Dense golden values.",
         _dense_forward_cases),
    Test("dense_backward_tests", "dense_backward", 4, "dense_backward: every activation on the "
         "reference forward's cache, TensorFlow gradients of Keras Dense.", _dense_backward_cases),
]

VISIBLE = {
    "sigmoid": (_visible_elementwise("sigmoid"), "extreme inputs (|z| near 1000) and other shapes."),
    "tanh": (_visible_elementwise("tanh"), "extreme inputs (|z| near 1000) and other shapes."),
    "relu": (_visible_elementwise("relu"), "other shapes and extreme values."),
    "softmax": (_visible_softmax, "logits near +-1000 and arrays with more than two axes."),
    "dense_forward": (_visible_dense_forward, "sigmoid, relu and softmax, non-square layers, "
                      "a batch of one, Keras's values."),
    "dense_backward": (_visible_dense_backward, "sigmoid, relu and softmax, other shapes, "
                       "TensorFlow's gradients."),
}
