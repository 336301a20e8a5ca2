"""Realistic mistakes in 02_learning (each must also run pasted into the notebook)."""
import numpy as np

from solutions.dense import sigmoid, softmax

from . import Mutant


# binary_cross_entropy

def bce_unclipped(p, y):
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))


def bce_sum(p, y):
    p = np.clip(p, 1e-7, 1.0 - 1e-7)
    return float(np.sum(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))


def bce_positive_term_only(p, y):
    p = np.clip(p, 1e-7, 1.0 - 1e-7)
    return float(np.mean(-y * np.log(p)))


def bce_tiny_epsilon(p, y):
    p = np.clip(p, 1e-15, 1.0 - 1e-15)
    return float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))


# categorical_cross_entropy

def cce_unclipped(p, y):
    return float(np.mean(-np.sum(y * np.log(p), axis=-1)))


def cce_sum_over_batch(p, y):
    p = np.clip(p, 1e-7, 1.0 - 1e-7)
    return float(np.sum(-y * np.log(p)))


def cce_mean_over_entries(p, y):
    p = np.clip(p, 1e-7, 1.0 - 1e-7)
    return float(np.mean(-y * np.log(p)))


def cce_binary_formula(p, y):
    p = np.clip(p, 1e-7, 1.0 - 1e-7)
    return float(np.mean(-np.sum(y * np.log(p) + (1.0 - y) * np.log(1.0 - p), axis=-1)))


# sigmoid_cross_entropy_with_logits

def sigmoid_xent_naive(z, y):
    p = 1.0 / (1.0 + np.exp(-z))
    loss = float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))
    return loss, (p - y) / z.size


def sigmoid_xent_gradient_not_averaged(z, y):
    loss = float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    return loss, sigmoid(z) - y


def sigmoid_xent_gradient_sign(z, y):
    loss = float(np.mean(np.maximum(z, 0.0) - z * y + np.log1p(np.exp(-np.abs(z)))))
    return loss, (y - sigmoid(z)) / z.size


def sigmoid_xent_clipped_probabilities(z, y):
    p = np.clip(sigmoid(z), 1e-7, 1.0 - 1e-7)
    loss = float(np.mean(-(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))))
    return loss, (sigmoid(z) - y) / z.size


# softmax_cross_entropy_with_logits

def softmax_xent_unstable(z, y):
    e = np.exp(z)
    p = e / e.sum(axis=1, keepdims=True)
    return float(-np.sum(y * np.log(p)) / z.shape[0]), (p - y) / z.shape[0]


def softmax_xent_gradient_not_averaged(z, y):
    s = z - np.max(z, axis=1, keepdims=True)
    log_p = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    return float(-np.sum(y * log_p) / z.shape[0]), np.exp(log_p) - y


def softmax_xent_loss_summed(z, y):
    s = z - np.max(z, axis=1, keepdims=True)
    log_p = s - np.log(np.sum(np.exp(s), axis=1, keepdims=True))
    return float(-np.sum(y * log_p)), (np.exp(log_p) - y) / z.shape[0]


def softmax_xent_clipped_probabilities(z, y):
    p = softmax(z)
    loss = float(-np.sum(y * np.log(np.clip(p, 1e-7, 1.0 - 1e-7))) / z.shape[0])
    return loss, (p - y) / z.shape[0]


# numerical_gradient

def numgrad_forward_difference(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    f0 = f(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        grad[i] = (f(x) - f0) / h
        x[i] = old
    return grad


def numgrad_divides_by_h(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / h
    return grad


def numgrad_not_restored(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in np.ndindex(x.shape):
        x[i] += h
        f_plus = f(x)
        x[i] -= 2 * h
        f_minus = f(x)
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


def numgrad_first_axis_only(f, x, h=1e-5):
    grad = np.zeros_like(x, dtype=np.float64)
    for i in range(x.shape[0]):
        old = x[i].copy()
        x[i] = old + h
        f_plus = f(x)
        x[i] = old - h
        f_minus = f(x)
        x[i] = old
        grad[i] = (f_plus - f_minus) / (2 * h)
    return grad


# iterate_minibatches

def minibatches_not_shuffled(n, batch_size, rng):
    order = np.arange(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


def minibatches_drop_last(n, batch_size, rng):
    order = rng.permutation(n)
    for start in range(0, n - batch_size + 1, batch_size):
        yield order[start:start + batch_size]


def minibatches_with_replacement(n, batch_size, rng):
    for start in range(0, n, batch_size):
        yield rng.integers(0, n, size=min(batch_size, n - start))


def minibatches_global_random(n, batch_size, rng):
    order = np.random.permutation(n)
    for start in range(0, n, batch_size):
        yield order[start:start + batch_size]


# sgd_step

def sgd_new_arrays(params, grads, learning_rate):
    for name in params:
        params[name] = params[name] - learning_rate * grads[name]


def sgd_ascent(params, grads, learning_rate):
    for name in params:
        params[name] += learning_rate * grads[name]


def sgd_zip_values(params, grads, learning_rate):
    for p, g in zip(params.values(), grads.values()):
        p -= learning_rate * g


def sgd_learning_rate_ignored(params, grads, learning_rate):
    for name in params:
        params[name] -= grads[name]


ONLY_SGD_CELL = ("sgd_step_tests",)  # these still train the network: only sgd_step_tests sees them

MUTANTS = [
    Mutant("binary_cross_entropy", "clip p to [1e-7, 1 - 1e-7] before the log, as Keras "
           "does: log(0) is -inf", bce_unclipped),
    Mutant("binary_cross_entropy", "the loss is the mean over the batch, not the sum", bce_sum),
    Mutant("binary_cross_entropy", "the (1 - y) log(1 - p) term for negative labels is missing",
           bce_positive_term_only),
    Mutant("binary_cross_entropy", "Keras clips with epsilon 1e-7, not a smaller epsilon",
           bce_tiny_epsilon),
    Mutant("categorical_cross_entropy", "clip p to [1e-7, 1 - 1e-7] before the log, as Keras "
           "does: log(0) is -inf and 0 * log(0) is nan", cce_unclipped),
    Mutant("categorical_cross_entropy", "the loss is the mean over the batch of each sample's "
           "sum over classes, not the sum over the batch", cce_sum_over_batch),
    Mutant("categorical_cross_entropy", "sum over the classes, then average over the samples "
           "only (np.mean over every entry also divides by C)", cce_mean_over_entries),
    Mutant("categorical_cross_entropy", "categorical cross-entropy is -sum_c y_c log p_c: there "
           "is no (1 - y) log(1 - p) term", cce_binary_formula),
    Mutant("sigmoid_cross_entropy_with_logits", "exp(-z) overflows for z near -1000 and log(0) "
           "follows: use max(z, 0) - z y + log(1 + exp(-|z|))", sigmoid_xent_naive),
    Mutant("sigmoid_cross_entropy_with_logits", "the loss is a mean over the batch, so its "
           "gradient is (sigmoid(z) - y) / N", sigmoid_xent_gradient_not_averaged),
    Mutant("sigmoid_cross_entropy_with_logits", "the gradient's sign is flipped: dz = "
           "(sigmoid(z) - y) / N", sigmoid_xent_gradient_sign),
    Mutant("sigmoid_cross_entropy_with_logits", "from logits there is no clipping: clipping the "
           "probability caps the loss near 16 where the exact loss is much larger",
           sigmoid_xent_clipped_probabilities),
    Mutant("softmax_cross_entropy_with_logits", "exp(z) overflows for logits near 1000: "
           "subtract each row's maximum (log-sum-exp)", softmax_xent_unstable),
    Mutant("softmax_cross_entropy_with_logits", "the loss is a mean over the batch, so its "
           "gradient is (softmax(z) - y) / N", softmax_xent_gradient_not_averaged),
    Mutant("softmax_cross_entropy_with_logits", "the loss is the mean over the batch, not the "
           "sum", softmax_xent_loss_summed),
    Mutant("softmax_cross_entropy_with_logits", "from logits there is no clipping: use "
           "log-softmax, z - max - log(sum(exp(z - max)))", softmax_xent_clipped_probabilities),
    Mutant("numerical_gradient", "use central differences, (f(x + h) - f(x - h)) / (2h): a "
           "forward difference is only accurate to about h", numgrad_forward_difference),
    Mutant("numerical_gradient", "the two points are 2h apart: divide by 2h, not h",
           numgrad_divides_by_h),
    Mutant("numerical_gradient", "restore each entry of x after perturbing it (x must be "
           "unchanged when the function returns)", numgrad_not_restored),
    Mutant("numerical_gradient", "perturb one entry at a time (np.ndindex(x.shape) visits "
           "every entry of a matrix), not a whole row", numgrad_first_axis_only),
    Mutant("iterate_minibatches", "shuffle the indices (rng.permutation(n)) before cutting "
           "them into batches", minibatches_not_shuffled),
    Mutant("iterate_minibatches", "the last, smaller batch is missing: every sample must be "
           "used once per epoch", minibatches_drop_last),
    Mutant("iterate_minibatches", "draw a permutation, not indices with replacement: each "
           "sample exactly once per epoch", minibatches_with_replacement),
    Mutant("iterate_minibatches", "use the rng you are given (rng.permutation), not "
           "np.random: otherwise a seed does not reproduce the run", minibatches_global_random),
    Mutant("sgd_step", "update the arrays in place (params[name] -= ...): assigning a new "
           "array leaves anyone holding the old one with stale weights", sgd_new_arrays,
           ONLY_SGD_CELL),
    Mutant("sgd_step", "gradient descent subtracts the gradient: w -= learning_rate * g",
           sgd_ascent),
    Mutant("sgd_step", "pair parameters and gradients by name (grads[name]), not by the order "
           "of the two dicts", sgd_zip_values, ONLY_SGD_CELL),
    Mutant("sgd_step", "the step is learning_rate * gradient: the learning rate is missing",
           sgd_learning_rate_ignored, ONLY_SGD_CELL),
]
