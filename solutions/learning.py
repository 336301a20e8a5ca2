"""02_learning: losses, gradient checking and mini-batch stochastic gradient descent."""
import numpy as np

# The notebook imports these from autograder.blocks; importing them from solutions.dense
# here avoids a circular import (autograder.blocks imports this module).
from solutions.dense import dense_backward, dense_forward, relu, sigmoid, softmax  # noqa: F401

EPSILON = 1e-7  # Keras's backend epsilon: probabilities are clipped to [EPSILON, 1 - EPSILON]


def binary_cross_entropy(p, y):
    """Mean binary cross-entropy of predicted probabilities, as keras.losses does.

    Inputs:
    - p: predicted probabilities of the positive class, of shape (N,) or (N, 1)
    - y: labels in {0, 1} (or soft labels in [0, 1]), of the same shape
    Returns:
    - the mean over the batch of -(y log p + (1 - y) log(1 - p)), a float
    """
    # Clipping keeps log() finite when a probability is exactly 0 or 1.
    p = np.clip(p, 1e-7, 1.0 - 1e-7)
    losses = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    return float(np.mean(losses))


def categorical_cross_entropy(p, y):
    """Mean categorical cross-entropy of predicted distributions, as keras.losses does.

    Inputs:
    - p: predicted probabilities, of shape (N, C), each row a distribution
    - y: one-hot labels, of shape (N, C)
    Returns:
    - the mean over the batch of -sum_c y_c log p_c, a float
    """
    # Keras first rescales each row to sum to 1, then clips: rows that already sum to 1
    # are unchanged.
    p = p / np.sum(p, axis=-1, keepdims=True)
    p = np.clip(p, 1e-7, 1.0 - 1e-7)
    return float(np.mean(-np.sum(y * np.log(p), axis=-1)))


def sigmoid_cross_entropy_with_logits(z, y):
    """Binary cross-entropy computed from logits, stable for any z, and its gradient.

    Inputs:
    - z: logits (the output before the sigmoid), of shape (N,) or (N, 1)
    - y: labels in {0, 1}, of the same shape
    Returns a tuple of:
    - loss: the mean over the batch of -(y log sigmoid(z) + (1 - y) log(1 - sigmoid(z)))
    - dz: gradient of the loss with respect to z, of z's shape: (sigmoid(z) - y) / N
    """
    # -log sigmoid(z) = log(1 + e^{-z}); rewritten so exp only sees -|z| <= 0:
    # loss = max(z, 0) - z y + log(1 + e^{-|z|}).
    losses = np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))
    loss = float(np.mean(losses))
    dz = (sigmoid(z) - y) / z.size
    return loss, dz


def softmax_cross_entropy_with_logits(z, y):
    """Categorical cross-entropy computed from logits, stable for any z, and its gradient.

    Inputs:
    - z: logits, of shape (N, C)
    - y: one-hot labels, of shape (N, C)
    Returns a tuple of:
    - loss: the mean over the batch of -sum_c y_c log softmax(z)_c
    - dz: gradient of the loss with respect to z, of shape (N, C): (softmax(z) - y) / N
    """
    N = z.shape[0]
    shifted = z - np.max(z, axis=1, keepdims=True)  # largest logit of each row becomes 0
    log_p = shifted - np.log(np.sum(np.exp(shifted), axis=1, keepdims=True))  # (N, C)
    loss = float(-np.sum(y * log_p) / N)
    dz = (np.exp(log_p) - y) / N  # (N, C)
    return loss, dz


def numerical_gradient(f, x, h=1e-5):
    """Gradient of a scalar function by central differences.

    Inputs:
    - f: a function of one array, returning a number
    - x: the point, an array of any shape (changed during the call, restored after)
    - h: the step
    Returns:
    - grad: array of x's shape; grad[i] = (f(x + h e_i) - f(x - h e_i)) / (2 h)
    """
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old  # restore, so the next entry (and the caller) see the original x
        grad[i] = (f_plus - f_minus) / (2.0 * h)
    return grad


def iterate_minibatches(n, batch_size, rng):
    """Yield the indices of shuffled mini-batches covering n samples once.

    Inputs:
    - n: number of samples
    - batch_size: samples per batch; the last batch may be smaller
    - rng: a np.random.Generator, the only source of randomness
    Yields:
    - index arrays of shape (batch_size,) (the last one possibly shorter)
    """
    order = rng.permutation(n)  # a new order every epoch
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def sgd_step(params, grads, learning_rate):
    """One step of plain stochastic gradient descent, in place.

    Inputs:
    - params: dict name -> parameter array; every array is updated in place
    - grads: dict name -> gradient array, with the same names and shapes
    - learning_rate: the step size
    Returns:
    - None
    """
    for name, value in params.items():
        # -= writes into the existing array, so anyone holding a reference sees the update.
        value -= learning_rate * grads[name]
