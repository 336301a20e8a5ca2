"""Realistic mistakes in 08_cnn_tagging.

Each function must also run when pasted into the notebook in place of the student's:
it may use only ``np``, the provided caches (Conv1DCache, MaxPoolCache,
TemporalDenseCache) and the graded functions.
"""
import numpy as np

from autograder.caches import Conv1DCache, MaxPoolCache, TemporalDenseCache

from . import Mutant


# ---- conv1d_forward ----------------------------------------------------------------

def conv_flipped_kernel(x, K, b, padding="valid"):
    k = K.shape[0]
    left = (k - 1) // 2 if padding == "same" else 0
    right = k - 1 - left if padding == "same" else 0
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = xp.shape[1] - k + 1
    y = np.zeros((x.shape[0], T_out, K.shape[2])) + b
    for j in range(k):
        y += xp[:, j:j + T_out] @ K[k - 1 - j]  # a true convolution: the kernel reversed
    return y, Conv1DCache(x, K, b, left, right)


def conv_same_split_left_heavy(x, K, b, padding="valid"):
    k = K.shape[0]
    left = k // 2 if padding == "same" else 0  # the odd zero of an even k goes before
    right = k - 1 - left if padding == "same" else 0
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = xp.shape[1] - k + 1
    y = np.zeros((x.shape[0], T_out, K.shape[2])) + b
    for j in range(k):
        y += xp[:, j:j + T_out] @ K[j]
    return y, Conv1DCache(x, K, b, left, right)


def conv_bias_once_per_sequence(x, K, b, padding="valid"):
    k = K.shape[0]
    left = (k - 1) // 2 if padding == "same" else 0
    right = k - 1 - left if padding == "same" else 0
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = xp.shape[1] - k + 1
    y = np.zeros((x.shape[0], T_out, K.shape[2]))
    for j in range(k):
        y += xp[:, j:j + T_out] @ K[j]
    y[:, 0] += b  # the bias only on the first window
    return y, Conv1DCache(x, K, b, left, right)


def conv_same_padding_after_only(x, K, b, padding="valid"):
    k = K.shape[0]
    left, right = 0, (k - 1 if padding == "same" else 0)  # every zero after the sequence
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = xp.shape[1] - k + 1
    y = np.zeros((x.shape[0], T_out, K.shape[2])) + b
    for j in range(k):
        y += xp[:, j:j + T_out] @ K[j]
    return y, Conv1DCache(x, K, b, left, right)


# ---- conv1d_backward ---------------------------------------------------------------

def conv_back_dx_assigned(dy, cache):
    x, K, b, left, right = cache
    N, T, D = x.shape
    k, _, F = K.shape
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = dy.shape[1]
    dxp, dK = np.zeros_like(xp), np.zeros_like(K)
    for j in range(k):
        dxp[:, j:j + T_out] = dy @ K[j].T  # overwrites what the other windows sent
        dK[j] = xp[:, j:j + T_out].reshape(-1, D).T @ dy.reshape(-1, F)
    return dxp[:, left:left + T], dK, dy.sum(axis=(0, 1))


def conv_back_dK_flipped(dy, cache):
    x, K, b, left, right = cache
    N, T, D = x.shape
    k, _, F = K.shape
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = dy.shape[1]
    dxp, dK = np.zeros_like(xp), np.zeros_like(K)
    for j in range(k):
        dxp[:, j:j + T_out] += dy @ K[j].T
        dK[k - 1 - j] = xp[:, j:j + T_out].reshape(-1, D).T @ dy.reshape(-1, F)
    return dxp[:, left:left + T], dK, dy.sum(axis=(0, 1))


def conv_back_db_per_sample_mean(dy, cache):
    x, K, b, left, right = cache
    N, T, D = x.shape
    k, _, F = K.shape
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = dy.shape[1]
    dxp, dK = np.zeros_like(xp), np.zeros_like(K)
    for j in range(k):
        dxp[:, j:j + T_out] += dy @ K[j].T
        dK[j] = xp[:, j:j + T_out].reshape(-1, D).T @ dy.reshape(-1, F)
    return dxp[:, left:left + T], dK, dy.mean(axis=1).sum(axis=0)  # averaged over time


def conv_back_crop_from_the_start(dy, cache):
    x, K, b, left, right = cache
    N, T, D = x.shape
    k, _, F = K.shape
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))
    T_out = dy.shape[1]
    dxp, dK = np.zeros_like(xp), np.zeros_like(K)
    for j in range(k):
        dxp[:, j:j + T_out] += dy @ K[j].T
        dK[j] = xp[:, j:j + T_out].reshape(-1, D).T @ dy.reshape(-1, F)
    return dxp[:, :T], dK, dy.sum(axis=(0, 1))  # keeps the padding's gradient, drops real steps


# ---- global_max_pool_forward ---------------------------------------------------------

def pool_mean(x):
    y = x.mean(axis=1)  # average pooling
    return y, MaxPoolCache(x, y)


def pool_last_step(x):
    y = x[:, -1]  # what an RNN classifier reads, not a max
    return y, MaxPoolCache(x, y)


def pool_abs_max(x):
    y = np.take_along_axis(x, np.abs(x).argmax(axis=1)[:, None], axis=1)[:, 0]  # largest |x|
    return y, MaxPoolCache(x, y)


# ---- global_max_pool_backward --------------------------------------------------------

def pool_back_everywhere(dy, cache):
    x, y = cache
    return np.broadcast_to(dy[:, None, :], x.shape).copy()  # every step, not only the max


def pool_back_first_tie(dy, cache):
    x, y = cache
    dx = np.zeros_like(x)
    first = x.argmax(axis=1)  # (N, F): argmax picks the first of several tied steps
    np.put_along_axis(dx, first[:, None, :], dy[:, None, :], axis=1)
    return dx


def pool_back_last_tie(dy, cache):
    x, y = cache
    dx = np.zeros_like(x)
    T = x.shape[1]
    last = T - 1 - x[:, ::-1].argmax(axis=1)  # the last of several tied steps
    np.put_along_axis(dx, last[:, None, :], dy[:, None, :], axis=1)
    return dx


def pool_back_ties_not_split(dy, cache):
    x, y = cache
    return np.where(x == y[:, None, :], dy[:, None, :], 0.0)  # each tie gets all of dy


def pool_back_isclose_ties(dy, cache):
    x, y = cache
    winners = np.isclose(x, y[:, None, :])  # 1 and 1 + 1e-7 count as a tie: TF splits only exact ties
    return np.where(winners, (dy / winners.sum(axis=1))[:, None, :], 0.0)


# ---- temporal_dense_forward ----------------------------------------------------------

def tdense_mixes_time(h, W, b):
    N, T, H = h.shape
    # Reshaping the time-major copy back as if it were batch-major mixes samples and steps.
    y = (h.transpose(1, 0, 2).reshape(-1, H) @ W.T + b).reshape(N, T, -1)
    return y, TemporalDenseCache(h, W, b)


def tdense_no_bias(h, W, b):
    y = h @ W.T
    return y, TemporalDenseCache(h, W, b)


def tdense_tanh(h, W, b):
    y = np.tanh(h @ W.T + b)  # Dense(M) without activation gives logits, not tanh
    return y, TemporalDenseCache(h, W, b)


def tdense_bias_once_per_sequence(h, W, b):
    y = h @ W.T
    y[:, -1] += b  # the bias only at the last step
    return y, TemporalDenseCache(h, W, b)


# ---- temporal_dense_backward ---------------------------------------------------------

def tdense_back_dW_mean_over_time(dy, cache):
    h, W, b = cache
    T, H, M = h.shape[1], h.shape[-1], W.shape[0]
    return dy @ W, dy.reshape(-1, M).T @ h.reshape(-1, H) / T, dy.sum(axis=(0, 1)) / T


def tdense_back_last_step_only(dy, cache):
    h, W, b = cache
    return dy @ W, dy[:, -1].T @ h[:, -1], dy[:, -1].sum(axis=0)  # as for a classifier


def tdense_back_db_batch_only(dy, cache):
    h, W, b = cache
    H, M = h.shape[-1], W.shape[0]
    return dy @ W, dy.reshape(-1, M).T @ h.reshape(-1, H), dy[:, 0].sum(axis=0)


def tdense_back_dW_in_keras_layout(dy, cache):
    h, W, b = cache
    H, M = h.shape[-1], W.shape[0]
    dW = h.reshape(-1, H).T @ dy.reshape(-1, M)  # (H, M): Keras's kernel layout, not W's
    return dy @ W, dW, dy.sum(axis=(0, 1))


# ---- masked_softmax_cross_entropy ----------------------------------------------------

def mce_mean_over_all_positions(z, y, mask):
    labels = np.where(mask, y, 0)
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, labels[..., None], 1.0, axis=-1)
    count = mask.size  # N * T: the padding counts in the mean
    loss = -np.sum(mask[..., None] * onehot * log_p) / count
    return float(loss), mask[..., None] * (np.exp(log_p) - onehot) / count


def mce_mask_ignored(z, y, mask):
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, y[..., None], 1.0, axis=-1)
    count = y.size  # padded positions are scored like words
    return float(-np.sum(onehot * log_p) / count), (np.exp(log_p) - onehot) / count


def mce_softmax_over_time(z, y, mask):
    labels = np.where(mask, y, 0)
    shifted = z - z.max(axis=1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))  # over T, not C
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, labels[..., None], 1.0, axis=-1)
    count = max(int(mask.sum()), 1)
    loss = -np.sum(mask[..., None] * onehot * log_p) / count
    return float(loss), mask[..., None] * (np.exp(log_p) - onehot) / count


def mce_mean_of_sentence_means(z, y, mask):
    labels = np.where(mask, y, 0)
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, labels[..., None], 1.0, axis=-1)
    per_row = np.maximum(mask.sum(axis=1), 1)  # each sentence's mean, then the mean of those
    weight = mask / per_row[:, None] / z.shape[0]
    loss = -np.sum(weight[..., None] * onehot * log_p)
    return float(loss), weight[..., None] * (np.exp(log_p) - onehot)


def mce_unstable(z, y, mask):
    labels = np.where(mask, y, 0)
    p = np.exp(z) / np.exp(z).sum(axis=-1, keepdims=True)  # exp of a large logit overflows
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, labels[..., None], 1.0, axis=-1)
    count = max(int(mask.sum()), 1)
    loss = -np.sum(mask[..., None] * onehot * np.log(p)) / count
    return float(loss), mask[..., None] * (p - onehot) / count


def mce_gradient_not_masked(z, y, mask):
    labels = np.where(mask, y, 0)
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    onehot = np.zeros_like(z)
    np.put_along_axis(onehot, labels[..., None], 1.0, axis=-1)
    count = max(int(mask.sum()), 1)
    loss = -np.sum(mask[..., None] * onehot * log_p) / count
    return float(loss), (np.exp(log_p) - onehot) / count  # padding still gets a gradient


def mce_raw_labels(z, y, mask):
    shifted = z - z.max(axis=-1, keepdims=True)
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    picked = np.take_along_axis(log_p, y[..., None], axis=-1)[..., 0]  # raw labels, padding too
    count = max(int(mask.sum()), 1)
    loss = -np.sum(np.where(mask, picked, 0.0)) / count
    dz = np.exp(log_p)
    np.put_along_axis(dz, y[..., None], np.take_along_axis(dz, y[..., None], -1) - 1, -1)
    return float(loss), np.where(mask[..., None], dz, 0.0) / count


MUTANTS = [
    Mutant("conv1d_forward", "the kernel is reversed in time: deep learning libraries compute "
           "a cross-correlation, window position j is multiplied by K[j], not K[k - 1 - j]",
           conv_flipped_kernel),
    Mutant("conv1d_forward", 'with "same" padding and an even k, the odd zero goes after the '
           "sequence: (k - 1) // 2 zeros before, the rest after", conv_same_split_left_heavy),
    Mutant("conv1d_forward", "the bias is added to the first window only: add b at every "
           "output step", conv_bias_once_per_sequence),
    Mutant("conv1d_forward", '"same" padding puts zeros on both sides of the sequence, '
           "(k - 1) // 2 of them before it", conv_same_padding_after_only),
    Mutant("conv1d_backward", "an input step is read by several windows: add (+=) each "
           "window's contribution to dx instead of overwriting it", conv_back_dx_assigned),
    Mutant("conv1d_backward", "dK[j] belongs to window position j: it is not reversed",
           conv_back_dK_flipped),
    Mutant("conv1d_backward", "db is the sum of dy over samples and steps, not a mean over "
           "steps", conv_back_db_per_sample_mean),
    Mutant("conv1d_backward", "crop the padded gradient from `left` on: dx is "
           "dx_padded[:, left:left + T]", conv_back_crop_from_the_start),
    Mutant("global_max_pool_forward", "this is an average over time: take the maximum",
           pool_mean),
    Mutant("global_max_pool_forward", "this is the last step: pool over every step",
           pool_last_step),
    Mutant("global_max_pool_forward", "this picks the value with the largest absolute value: "
           "take the largest value", pool_abs_max),
    Mutant("global_max_pool_backward", "only the step that holds the maximum receives a "
           "gradient, not every step", pool_back_everywhere),
    Mutant("global_max_pool_backward", "argmax picks the first of several tied steps: "
           "TensorFlow splits dy equally between all of them", pool_back_first_tie),
    Mutant("global_max_pool_backward", "only the last tied step gets the gradient: TensorFlow "
           "splits dy equally between every tied step", pool_back_last_tie),
    Mutant("global_max_pool_backward", "every tied step gets all of dy: split it, dy / "
           "(number of tied steps)", pool_back_ties_not_split),
    Mutant("global_max_pool_backward", "only values exactly equal to the maximum tie (x == y): "
           "TensorFlow gives 1 + 1e-7 all of dy and 1 nothing; np.isclose is not a tie test "
           "here", pool_back_isclose_ties),
    Mutant("temporal_dense_forward", "the reshape mixes samples and steps: apply W to the last "
           "axis (h @ W.T works on (N, T, H) directly)", tdense_mixes_time),
    Mutant("temporal_dense_forward", "did you forget the bias?", tdense_no_bias),
    Mutant("temporal_dense_forward", "there is no activation: the layer returns logits",
           tdense_tanh),
    Mutant("temporal_dense_forward", "the bias is added at the last step only: add it at every "
           "step", tdense_bias_once_per_sequence),
    Mutant("temporal_dense_backward", "dW and db are sums over samples and steps, not means "
           "over steps", tdense_back_dW_mean_over_time),
    Mutant("temporal_dense_backward", "every step feeds the output, not only the last one: "
           "dW and db collect all of them", tdense_back_last_step_only),
    Mutant("temporal_dense_backward", "db is summed over the first step only: sum dy over "
           "samples and steps", tdense_back_db_batch_only),
    Mutant("temporal_dense_backward", "dW has W's shape (M, H), the transpose of Keras's "
           "kernel: dW = dy^T h summed over steps", tdense_back_dW_in_keras_layout),
    Mutant("masked_softmax_cross_entropy", "the mean is over every position, padding included: "
           "divide by the number of real positions (mask.sum())", mce_mean_over_all_positions),
    Mutant("masked_softmax_cross_entropy", "the mask is ignored: padded positions must add "
           "nothing to the loss or the gradient", mce_mask_ignored),
    Mutant("masked_softmax_cross_entropy", "the softmax runs over time: normalise over the "
           "classes, the last axis", mce_softmax_over_time),
    Mutant("masked_softmax_cross_entropy", "this is the mean of each sentence's mean: Keras "
           "divides the sum over all real positions by their number, so long sentences weigh "
           "more", mce_mean_of_sentence_means),
    Mutant("masked_softmax_cross_entropy", "exp overflows for large logits: subtract the "
           "largest logit of each position first", mce_unstable),
    Mutant("masked_softmax_cross_entropy", "dz must be 0 at padded positions",
           mce_gradient_not_masked),
    Mutant("masked_softmax_cross_entropy", "a label at a padded position can be anything, "
           "even outside [0, C): replace it by a valid class (np.where(mask, y, 0)) before "
           "indexing with it", mce_raw_labels),
]
