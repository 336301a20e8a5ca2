"""Realistic mistakes in 01_dense.

Like every mutant module, each function here must also run when pasted into the
notebook in place of the student's: it may use only ``np``, the provided caches and
the assignment's graded functions (a test executes each one that way).
"""
import numpy as np

from autograder.caches import DenseCache
from solutions.dense import relu, sigmoid, softmax, tanh

from . import Mutant


def sigmoid_naive(z):
    return 1.0 / (1.0 + np.exp(-z))


def sigmoid_sign_flipped(z):
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, e / (1.0 + e), 1.0 / (1.0 + e))


def sigmoid_is_tanh(z):
    return np.tanh(z)


def tanh_naive(z):
    return (np.exp(z) - np.exp(-z)) / (np.exp(z) + np.exp(-z))


def tanh_missing_scale(z):
    return 2.0 * sigmoid(z) - 1.0


def tanh_is_sigmoid(z):
    return sigmoid(z)


def relu_derivative(z):
    return np.where(z > 0, 1.0, 0.0)


def relu_leaky(z):
    return np.maximum(0.01 * z, z)


def relu_in_place(z):
    z[z < 0] = 0.0
    return z


def relu_clipped(z):
    return np.clip(z, 0.0, 1.0)


def softmax_unstable(z):
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def softmax_wrong_axis(z):
    e = np.exp(z - z.max(axis=0, keepdims=True))
    return e / e.sum(axis=0, keepdims=True)


def softmax_global_max(z):
    e = np.exp(z - z.max())
    return e / e.sum(axis=-1, keepdims=True)


def dense_forward_no_bias(x, W, b, activation="linear"):
    f = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
         "softmax": softmax}[activation]
    z = x @ W.T
    y = f(z)
    return y, DenseCache(x, W, b, z, y, activation)


def dense_forward_transposed_output(x, W, b, activation="linear"):
    f = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
         "softmax": softmax}[activation]
    z = W @ x.T + b[:, None]
    y = f(z)
    return y, DenseCache(x, W, b, z, y, activation)


def dense_forward_activation_ignored(x, W, b, activation="linear"):
    z = x @ W.T + b
    return z, DenseCache(x, W, b, z, z, activation)


def dense_forward_W_not_transposed(x, W, b, activation="linear"):
    f = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
         "softmax": softmax}[activation]
    z = x @ W + b  # runs only when W is square, and is wrong then
    y = f(z)
    return y, DenseCache(x, W, b, z, y, activation)


def dense_forward_plain_tuple_cache(x, W, b, activation="linear"):
    f = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
         "softmax": softmax}[activation]
    z = x @ W.T + b
    y = f(z)
    return y, (x, W, b, z, y)


def dense_forward_cache_z_is_y(x, W, b, activation="linear"):
    f = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
         "softmax": softmax}[activation]
    y = f(x @ W.T + b)
    return y, DenseCache(x, W, b, y, y, activation)


def dense_forward_softmax_columns(x, W, b, activation="linear"):
    f = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
         "softmax": lambda v: softmax(v.T).T}[activation]
    z = x @ W.T + b
    y = f(z)
    return y, DenseCache(x, W, b, z, y, activation)


def dense_backward_dW_transposed(dy, cache):
    x, W, b, z, y, activation = cache
    dz = {"linear": dy, "sigmoid": dy * y * (1 - y), "tanh": dy * (1 - y ** 2),
          "relu": dy * (z > 0),
          "softmax": y * (dy - np.sum(dy * y, axis=-1, keepdims=True))}[activation]
    return dz @ W, x.T @ dz, dz.sum(axis=0)


def dense_backward_db_mean(dy, cache):
    x, W, b, z, y, activation = cache
    dz = {"linear": dy, "sigmoid": dy * y * (1 - y), "tanh": dy * (1 - y ** 2),
          "relu": dy * (z > 0),
          "softmax": y * (dy - np.sum(dy * y, axis=-1, keepdims=True))}[activation]
    return dz @ W, dz.T @ x, dz.mean(axis=0)


def dense_backward_tanh_one_minus_y(dy, cache):
    x, W, b, z, y, activation = cache
    dz = {"linear": dy, "sigmoid": dy * y * (1 - y), "tanh": dy * (1 - y),
          "relu": dy * (z > 0),
          "softmax": y * (dy - np.sum(dy * y, axis=-1, keepdims=True))}[activation]
    return dz @ W, dz.T @ x, dz.sum(axis=0)


def dense_backward_softmax_elementwise(dy, cache):
    x, W, b, z, y, activation = cache
    dz = {"linear": dy, "sigmoid": dy * y * (1 - y), "tanh": dy * (1 - y ** 2),
          "relu": dy * (z > 0), "softmax": dy * y * (1 - y)}[activation]
    return dz @ W, dz.T @ x, dz.sum(axis=0)


def dense_backward_activation_ignored(dy, cache):
    x, W, b, z, y, activation = cache
    dz = dy
    return dz @ W, dz.T @ x, dz.sum(axis=0)


MUTANTS = [
    Mutant("sigmoid", "1 / (1 + exp(-z)) overflows for z near -1000: use exp(-|z|) and pick "
           "the form by the sign of z", sigmoid_naive),
    Mutant("sigmoid", "the two branches are swapped: for z >= 0 the result is 1 / (1 + exp(-z))",
           sigmoid_sign_flipped),
    Mutant("sigmoid", "this is tanh, not the logistic sigmoid (its values must lie in [0, 1])",
           sigmoid_is_tanh),
    Mutant("tanh", "exp(z) overflows for |z| near 1000: use tanh(z) = 2 sigmoid(2z) - 1", tanh_naive),
    Mutant("tanh", "tanh(z) = 2 sigmoid(2z) - 1: the argument of sigmoid is 2z, not z",
           tanh_missing_scale),
    Mutant("tanh", "this is the sigmoid, not tanh (tanh ranges over [-1, 1])", tanh_is_sigmoid),
    Mutant("relu", "this is ReLU's derivative (0 or 1), not ReLU itself", relu_derivative),
    Mutant("relu", "negative inputs must become exactly 0 (this is a leaky ReLU)", relu_leaky),
    Mutant("relu", "relu changed its input array in place: work on a copy (np.maximum does)",
           relu_in_place),
    Mutant("relu", "ReLU has no upper bound: do not clip at 1", relu_clipped),
    Mutant("softmax", "exp of logits near 1000 overflows: subtract each row's maximum first",
           softmax_unstable),
    Mutant("softmax", "softmax normalises along the last axis (each row), not down the columns",
           softmax_wrong_axis),
    Mutant("softmax", "subtract each row's own maximum (keepdims=True), not the maximum of the "
           "whole array: rows far below it underflow to 0/0", softmax_global_max),
    Mutant("dense_forward", "did you forget the bias b?", dense_forward_no_bias),
    Mutant("dense_forward", "the output is transposed: with W of shape (out, in), a batch is "
           "x @ W.T + b, of shape (N, out)", dense_forward_transposed_output),
    Mutant("dense_forward", "the activation is never applied", dense_forward_activation_ignored),
    Mutant("dense_forward", "softmax must act on each sample's row of z", dense_forward_softmax_columns),
    Mutant("dense_forward", "did you use W where W.T is needed? W has shape (out, in): a batch "
           "is x @ W.T + b", dense_forward_W_not_transposed),
    Mutant("dense_forward", "return the provided DenseCache(x, W, b, z, y, activation), not a "
           "plain tuple: dense_backward reads its fields by name", dense_forward_plain_tuple_cache),
    Mutant("dense_forward", "cache.z is the pre-activation x @ W.T + b, not the output y: "
           "dense_backward needs both", dense_forward_cache_z_is_y),
    Mutant("dense_backward", "dW must have W's shape (out, in): dW = dz.T @ x",
           dense_backward_dW_transposed),
    Mutant("dense_backward", "db sums dz over the batch; it is not the mean", dense_backward_db_mean),
    Mutant("dense_backward", "tanh's derivative is 1 - y**2, not 1 - y",
           dense_backward_tanh_one_minus_y),
    Mutant("dense_backward", "softmax mixes a row's entries: dz = y * (dy - sum(dy * y, axis=-1, "
           "keepdims=True)), not dy * y * (1 - y)", dense_backward_softmax_elementwise),
    Mutant("dense_backward", "the activation's derivative is missing: dz = dy * f'(z)",
           dense_backward_activation_ignored),
]
