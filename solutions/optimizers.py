"""05_embeddings_optimizers: SGD, RMSprop, Adagrad and Adam with Keras's defaults and rules.

Each optimizer keeps its state (velocities, running averages) per parameter
name, made on the first update, and changes the arrays of ``params`` in place.
"""
import numpy as np


class SGD:
    """Stochastic gradient descent, optionally with (Nesterov) momentum.

    velocity = momentum * velocity - learning_rate * grad
    plain momentum: w += velocity
    Nesterov:       w += momentum * velocity - learning_rate * grad
    (momentum = 0 is plain SGD: w -= learning_rate * grad)
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        self.learning_rate = learning_rate
        self.momentum = momentum
        self.nesterov = nesterov
        self.velocity = {}

    def update(self, params, grads):
        """Update every params[k] in place, using grads[k] (same shape)."""
        for k, g in grads.items():
            v = self.velocity.setdefault(k, np.zeros_like(params[k]))
            v *= self.momentum
            v -= self.learning_rate * g
            if self.nesterov:
                params[k] += self.momentum * v - self.learning_rate * g
            else:
                params[k] += v


class RMSprop:
    """Divide each step by a running root mean square of recent gradients.

    ms = rho * ms + (1 - rho) * grad^2
    w -= learning_rate * grad / sqrt(ms + epsilon)     (Keras: epsilon inside the root)
    """

    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        self.learning_rate = learning_rate
        self.rho = rho
        self.epsilon = epsilon
        self.mean_square = {}

    def update(self, params, grads):
        """Update every params[k] in place, using grads[k] (same shape)."""
        for k, g in grads.items():
            ms = self.mean_square.setdefault(k, np.zeros_like(params[k]))
            ms *= self.rho
            ms += (1.0 - self.rho) * g ** 2
            params[k] -= self.learning_rate * g / np.sqrt(ms + self.epsilon)


class Adagrad:
    """Divide each step by the root of the sum of all past squared gradients.

    acc starts at initial_accumulator_value; acc += grad^2
    w -= learning_rate * grad / sqrt(acc + epsilon)
    """

    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        self.learning_rate = learning_rate
        self.initial_accumulator_value = initial_accumulator_value
        self.epsilon = epsilon
        self.accumulator = {}

    def update(self, params, grads):
        """Update every params[k] in place, using grads[k] (same shape)."""
        for k, g in grads.items():
            acc = self.accumulator.setdefault(
                k, np.full_like(params[k], self.initial_accumulator_value))
            acc += g ** 2
            params[k] -= self.learning_rate * g / np.sqrt(acc + self.epsilon)


class Adam:
    """Momentum (m) plus RMSprop-style scaling (v), both bias-corrected.

    t counts updates from 1; m = b1 m + (1 - b1) grad; v = b2 v + (1 - b2) grad^2
    w -= learning_rate * sqrt(1 - b2^t) / (1 - b1^t) * m / (sqrt(v) + epsilon)
    (Keras's form: epsilon is added to sqrt(v), not to the bias-corrected sqrt(v_hat).)
    """

    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate = learning_rate
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.iterations = 0
        self.m = {}
        self.v = {}

    def update(self, params, grads):
        """Update every params[k] in place, using grads[k] (same shape)."""
        self.iterations += 1
        t = self.iterations
        alpha = self.learning_rate * np.sqrt(1.0 - self.beta_2 ** t) / (1.0 - self.beta_1 ** t)
        for k, g in grads.items():
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m += (1.0 - self.beta_1) * (g - m)
            v += (1.0 - self.beta_2) * (g ** 2 - v)
            params[k] -= alpha * m / (np.sqrt(v) + self.epsilon)
