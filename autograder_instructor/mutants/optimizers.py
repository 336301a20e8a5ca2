"""Realistic mistakes in 05_embeddings_optimizers: SGD with momentum, RMSprop, Adagrad, Adam.

Each class must also run when pasted into the notebook in place of the student's: it may
use only ``np`` and the graded names.
"""
import numpy as np

from . import Mutant


class SGDNesterovIgnored:
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        self.learning_rate, self.momentum, self.nesterov = learning_rate, momentum, nesterov
        self.velocity = {}

    def update(self, params, grads):
        for k, g in grads.items():
            v = self.velocity.setdefault(k, np.zeros_like(params[k]))
            v *= self.momentum
            v -= self.learning_rate * g
            params[k] += v


class SGDVelocityNotKept:
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        self.learning_rate, self.momentum, self.nesterov = learning_rate, momentum, nesterov

    def update(self, params, grads):
        for k, g in grads.items():
            v = np.zeros_like(params[k])
            v = self.momentum * v - self.learning_rate * g
            if self.nesterov:
                params[k] += self.momentum * v - self.learning_rate * g
            else:
                params[k] += v


class SGDMomentumOnGradient:
    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False):
        self.learning_rate, self.momentum, self.nesterov = learning_rate, momentum, nesterov
        self.velocity = {}

    def update(self, params, grads):
        for k, g in grads.items():
            v = self.velocity.setdefault(k, np.zeros_like(params[k]))
            v[...] = self.momentum * v + (1.0 - self.momentum) * g  # an average, not a velocity
            if self.nesterov:
                params[k] -= self.learning_rate * (self.momentum * v + g)
            else:
                params[k] -= self.learning_rate * v


# ---- RMSprop ---------------------------------------------------------------------

class RMSpropEpsilonOutsideRoot:
    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        self.learning_rate, self.rho, self.epsilon = learning_rate, rho, epsilon
        self.mean_square = {}

    def update(self, params, grads):
        for k, g in grads.items():
            ms = self.mean_square.setdefault(k, np.zeros_like(params[k]))
            ms[...] = self.rho * ms + (1.0 - self.rho) * g ** 2
            params[k] -= self.learning_rate * g / (np.sqrt(ms) + self.epsilon)


class RMSpropRhoSwapped:
    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        self.learning_rate, self.rho, self.epsilon = learning_rate, rho, epsilon
        self.mean_square = {}

    def update(self, params, grads):
        for k, g in grads.items():
            ms = self.mean_square.setdefault(k, np.zeros_like(params[k]))
            ms[...] = (1.0 - self.rho) * ms + self.rho * g ** 2
            params[k] -= self.learning_rate * g / np.sqrt(ms + self.epsilon)


class RMSpropNoAverage:
    def __init__(self, learning_rate=0.001, rho=0.9, epsilon=1e-7):
        self.learning_rate, self.rho, self.epsilon = learning_rate, rho, epsilon

    def update(self, params, grads):
        for k, g in grads.items():
            params[k] -= self.learning_rate * g / np.sqrt(g ** 2 + self.epsilon)


# ---- Adagrad ---------------------------------------------------------------------

class AdagradStartsAtZero:
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        self.learning_rate, self.epsilon = learning_rate, epsilon
        self.accumulator = {}

    def update(self, params, grads):
        for k, g in grads.items():
            acc = self.accumulator.setdefault(k, np.zeros_like(params[k]))
            acc += g ** 2
            params[k] -= self.learning_rate * g / np.sqrt(acc + self.epsilon)


class AdagradEpsilonOutsideRoot:
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        self.learning_rate, self.epsilon = learning_rate, epsilon
        self.initial_accumulator_value = initial_accumulator_value
        self.accumulator = {}

    def update(self, params, grads):
        for k, g in grads.items():
            acc = self.accumulator.setdefault(
                k, np.full_like(params[k], self.initial_accumulator_value))
            acc += g ** 2
            params[k] -= self.learning_rate * g / (np.sqrt(acc) + self.epsilon)


class AdagradRunningAverage:
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        self.learning_rate, self.epsilon = learning_rate, epsilon
        self.initial_accumulator_value = initial_accumulator_value
        self.accumulator = {}

    def update(self, params, grads):
        for k, g in grads.items():
            acc = self.accumulator.setdefault(
                k, np.full_like(params[k], self.initial_accumulator_value))
            acc[...] = 0.9 * acc + 0.1 * g ** 2
            params[k] -= self.learning_rate * g / np.sqrt(acc + self.epsilon)


class AdagradAccumulatesAfterStep:
    def __init__(self, learning_rate=0.001, initial_accumulator_value=0.1, epsilon=1e-7):
        self.learning_rate, self.epsilon = learning_rate, epsilon
        self.initial_accumulator_value = initial_accumulator_value
        self.accumulator = {}

    def update(self, params, grads):
        for k, g in grads.items():
            acc = self.accumulator.setdefault(
                k, np.full_like(params[k], self.initial_accumulator_value))
            params[k] -= self.learning_rate * g / np.sqrt(acc + self.epsilon)
            acc += g ** 2


# ---- Adam ------------------------------------------------------------------------

class AdamNoBiasCorrection:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = (
            learning_rate, beta_1, beta_2, epsilon)
        self.m, self.v = {}, {}

    def update(self, params, grads):
        for k, g in grads.items():
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m[...] = self.beta_1 * m + (1.0 - self.beta_1) * g
            v[...] = self.beta_2 * v + (1.0 - self.beta_2) * g ** 2
            params[k] -= self.learning_rate * m / (np.sqrt(v) + self.epsilon)


class AdamEpsilonInsideRoot:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = (
            learning_rate, beta_1, beta_2, epsilon)
        self.t, self.m, self.v = 0, {}, {}

    def update(self, params, grads):
        self.t += 1
        alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** self.t) / (1 - self.beta_1 ** self.t)
        for k, g in grads.items():
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m[...] = self.beta_1 * m + (1.0 - self.beta_1) * g
            v[...] = self.beta_2 * v + (1.0 - self.beta_2) * g ** 2
            params[k] -= alpha * m / np.sqrt(v + self.epsilon)


class AdamStepOffByOne:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = (
            learning_rate, beta_1, beta_2, epsilon)
        self.t, self.m, self.v = 1, {}, {}

    def update(self, params, grads):
        self.t += 1
        alpha = self.learning_rate * np.sqrt(1 - self.beta_2 ** self.t) / (1 - self.beta_1 ** self.t)
        for k, g in grads.items():
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m[...] = self.beta_1 * m + (1.0 - self.beta_1) * g
            v[...] = self.beta_2 * v + (1.0 - self.beta_2) * g ** 2
            params[k] -= alpha * m / (np.sqrt(v) + self.epsilon)


class AdamStepCountedPerParameter:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = (
            learning_rate, beta_1, beta_2, epsilon)
        self.t, self.m, self.v = 0, {}, {}

    def update(self, params, grads):
        for k, g in grads.items():
            self.t += 1  # counts parameters, not update steps
            alpha = (self.learning_rate * np.sqrt(1 - self.beta_2 ** self.t)
                     / (1 - self.beta_1 ** self.t))
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m[...] = self.beta_1 * m + (1.0 - self.beta_1) * g
            v[...] = self.beta_2 * v + (1.0 - self.beta_2) * g ** 2
            params[k] -= alpha * m / (np.sqrt(v) + self.epsilon)


class AdamEpsilonOnCorrectedRoot:
    def __init__(self, learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7):
        self.learning_rate, self.beta_1, self.beta_2, self.epsilon = (
            learning_rate, beta_1, beta_2, epsilon)
        self.t, self.m, self.v = 0, {}, {}

    def update(self, params, grads):
        self.t += 1
        for k, g in grads.items():
            m = self.m.setdefault(k, np.zeros_like(params[k]))
            v = self.v.setdefault(k, np.zeros_like(params[k]))
            m[...] = self.beta_1 * m + (1.0 - self.beta_1) * g
            v[...] = self.beta_2 * v + (1.0 - self.beta_2) * g ** 2
            m_hat = m / (1 - self.beta_1 ** self.t)
            v_hat = v / (1 - self.beta_2 ** self.t)
            params[k] -= self.learning_rate * m_hat / (np.sqrt(v_hat) + self.epsilon)


MUTANTS = [
    Mutant("SGD", "with nesterov=True the step is w += momentum * velocity - learning_rate * grad",
           SGDNesterovIgnored),
    Mutant("SGD", "the velocity must be kept from one update to the next (one per parameter), "
           "not restarted at zero", SGDVelocityNotKept),
    Mutant("SGD", "Keras's momentum is velocity = momentum * velocity - learning_rate * grad; "
           "w += velocity (not an average of gradients)", SGDMomentumOnGradient),
    Mutant("RMSprop", "Keras puts epsilon inside the root: grad / sqrt(mean_square + epsilon)",
           RMSpropEpsilonOutsideRoot),
    Mutant("RMSprop", "the running average is rho * old + (1 - rho) * grad**2, not the other way "
           "round", RMSpropRhoSwapped),
    Mutant("RMSprop", "keep a running average of grad**2 across updates, not only the current "
           "grad**2", RMSpropNoAverage),
    Mutant("Adagrad", "the accumulator starts at initial_accumulator_value (0.1), not 0",
           AdagradStartsAtZero),
    Mutant("Adagrad", "Keras puts epsilon inside the root: grad / sqrt(accumulator + epsilon)",
           AdagradEpsilonOutsideRoot),
    Mutant("Adagrad", "Adagrad adds every grad**2 to its accumulator (a sum, never decayed); a "
           "running average is RMSprop", AdagradRunningAverage),
    Mutant("Adagrad", "add grad**2 to the accumulator before using it in the step",
           AdagradAccumulatesAfterStep),
    Mutant("Adam", "did you forget the bias correction? Early steps are scaled by "
           "sqrt(1 - beta_2**t) / (1 - beta_1**t)", AdamNoBiasCorrection),
    Mutant("Adam", "epsilon is added to sqrt(v), outside the root", AdamEpsilonInsideRoot),
    Mutant("Adam", "the step count t is 1 at the first update (off by one?)", AdamStepOffByOne),
    Mutant("Adam", "t counts update() calls, once per step, not once per parameter",
           AdamStepCountedPerParameter),
    Mutant("Adam", "Keras adds epsilon to sqrt(v) and folds the bias correction into the "
           "learning rate; epsilon added to sqrt(v_hat) changes the steps of small gradients",
           AdamEpsilonOnCorrectedRoot),
]
