"""01_dense: nonlinearities and dense layers, ``y = f(W x + b)`` on row vectors."""
import numpy as np

from autograder.caches import DenseCache


def sigmoid(z):
    """Logistic sigmoid, elementwise, without overflow for large |z|.

    Inputs:
    - z: array of any shape
    Returns:
    - array of the same shape with values in [0, 1]
    """
    z = np.asarray(z, dtype=np.float64)
    # exp of a negative number never overflows: use the form that needs only that.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def tanh(z):
    """Hyperbolic tangent, elementwise (equal to 2 * sigmoid(2 z) - 1).

    Inputs:
    - z: array of any shape
    Returns:
    - array of the same shape with values in [-1, 1]
    """
    z = np.asarray(z, dtype=np.float64)
    return 2.0 * sigmoid(2.0 * z) - 1.0


def relu(z):
    """Rectified linear unit, ``max(0, z)`` elementwise.

    Inputs:
    - z: array of any shape
    Returns:
    - array of the same shape
    """
    z = np.asarray(z, dtype=np.float64)
    return np.maximum(z, 0.0)


def softmax(z):
    """Softmax along the last axis, stable for logits around +-1e3.

    Inputs:
    - z: logits of shape (..., C)
    Returns:
    - probabilities of shape (..., C), each row summing to 1
    """
    z = np.asarray(z, dtype=np.float64)
    # Subtracting the row maximum changes nothing mathematically and keeps exp <= 1.
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def dense_forward(x, W, b, activation="linear"):
    """Forward pass of a dense layer, ``y = f(x @ W.T + b)``.

    Inputs:
    - x: inputs, of shape (N, in)
    - W: weights, of shape (out, in) (Keras's kernel is W.T)
    - b: bias, of shape (out,)
    - activation: one of "linear", "sigmoid", "tanh", "relu", "softmax"
    Returns a tuple of:
    - y: outputs, of shape (N, out)
    - cache: DenseCache(x, W, b, z, y, activation) for the backward pass
    """
    functions = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh,
                 "relu": relu, "softmax": softmax}
    if activation not in functions:
        raise ValueError(f"unknown activation {activation!r}; expected one of {sorted(functions)}")
    z = x @ W.T + b  # (N, out)
    y = functions[activation](z)  # (N, out)
    return y, DenseCache(x, W, b, z, y, activation)


def dense_backward(dy, cache):
    """Backward pass of a dense layer.

    Inputs:
    - dy: upstream gradient of the loss with respect to y, of shape (N, out)
    - cache: DenseCache from dense_forward
    Returns a tuple of:
    - dx: gradient with respect to x, of shape (N, in)
    - dW: gradient with respect to W, of shape (out, in)
    - db: gradient with respect to b, of shape (out,)
    """
    x, W, b, z, y, activation = cache
    if activation == "linear":
        dz = dy
    elif activation == "sigmoid":
        dz = dy * y * (1.0 - y)
    elif activation == "tanh":
        dz = dy * (1.0 - y ** 2)
    elif activation == "relu":
        dz = dy * (z > 0)
    elif activation == "softmax":
        # Jacobian-vector product of softmax, row by row: y * (dy - <dy, y>).
        dz = y * (dy - np.sum(dy * y, axis=-1, keepdims=True))
    else:
        raise ValueError(f"unknown activation {activation!r}")
    dx = dz @ W  # (N, in)
    dW = dz.T @ x  # (out, in)
    db = dz.sum(axis=0)  # (out,)
    return dx, dW, db
