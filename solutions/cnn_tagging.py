"""08_cnn_tagging: Conv1D and global max pooling over words, and a label for every word."""
import numpy as np

from autograder.caches import Conv1DCache, MaxPoolCache, TemporalDenseCache


def conv1d_forward(x, K, b, padding="valid"):
    """A 1-D convolution over time, as Keras's Conv1D (stride 1, no activation).

    Like every deep learning library it computes a cross-correlation: the kernel is
    not flipped, y[n, t, f] = b[f] + sum_{j, d} x_pad[n, t + j, d] K[j, d, f].
    Inputs:
    - x: inputs, of shape (N, T, D)
    - K: kernel in Keras's layout, of shape (k, D, F): window position, input feature, filter
    - b: bias, of shape (F,)
    - padding: "valid" (no padding, T - k + 1 outputs) or "same" (T outputs: k - 1
      zeros, (k - 1) // 2 of them before the sequence and the rest after, as Keras)
    Returns a tuple of:
    - y: of shape (N, T_out, F)
    - cache: Conv1DCache(x, K, b, left, right) for the backward pass
    """
    if padding not in ("valid", "same"):
        raise ValueError(f'padding must be "valid" or "same", not {padding!r}')
    k = K.shape[0]
    # Keras (like TensorFlow) puts the odd zero of an even k after the sequence.
    left = (k - 1) // 2 if padding == "same" else 0
    right = k - 1 - left if padding == "same" else 0
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))  # (N, T + left + right, D)
    T_out = xp.shape[1] - k + 1
    y = np.zeros((x.shape[0], T_out, K.shape[2])) + b  # (N, T_out, F)
    for j in range(k):
        # Window position j reads the steps j, j + 1, ..., j + T_out - 1 of every window.
        y += xp[:, j:j + T_out] @ K[j]  # (N, T_out, D) @ (D, F)
    return y, Conv1DCache(x, K, b, left, right)


def conv1d_backward(dy, cache):
    """Backward pass of conv1d_forward.

    Inputs:
    - dy: upstream gradient, of shape (N, T_out, F)
    - cache: Conv1DCache(x, K, b, left, right) from conv1d_forward
    Returns a tuple of:
    - dx: gradient with respect to x, of shape (N, T, D)
    - dK: gradient with respect to K, of shape (k, D, F)
    - db: gradient with respect to b, of shape (F,)
    """
    x, K, b, left, right = cache
    N, T, D = x.shape
    k, _, F = K.shape
    xp = np.pad(x, ((0, 0), (left, right), (0, 0)))  # (N, T + left + right, D)
    T_out = dy.shape[1]
    dxp = np.zeros_like(xp)
    dK = np.zeros_like(K)
    for j in range(k):
        # Each input step is read by up to k windows: its gradients add up.
        dxp[:, j:j + T_out] += dy @ K[j].T  # (N, T_out, D)
        dK[j] = xp[:, j:j + T_out].reshape(-1, D).T @ dy.reshape(-1, F)  # (D, F)
    db = dy.sum(axis=(0, 1))  # the bias is added at every output step of every sample
    return dxp[:, left:left + T], dK, db  # the padding's gradient is dropped


def global_max_pool_forward(x):
    """The largest value of each feature over time, as Keras's GlobalMaxPooling1D.

    Inputs:
    - x: of shape (N, T, F)
    Returns a tuple of:
    - y: of shape (N, F); y[n, f] = max over t of x[n, t, f]
    - cache: MaxPoolCache(x, y) for the backward pass
    """
    y = x.max(axis=1)  # (N, F)
    return y, MaxPoolCache(x, y)


def global_max_pool_backward(dy, cache):
    """Backward pass of global_max_pool_forward.

    The gradient of a maximum goes to the step that holds it. When several steps tie
    for the maximum, TensorFlow's gradient of reduce_max splits it equally between them
    (each of m tied steps gets dy / m), and so does this function.
    Inputs:
    - dy: upstream gradient, of shape (N, F)
    - cache: MaxPoolCache(x, y) from global_max_pool_forward
    Returns:
    - dx: gradient with respect to x, of shape (N, T, F)
    """
    x, y = cache
    winners = x == y[:, None, :]  # (N, T, F): every step that holds the maximum
    share = dy / winners.sum(axis=1)  # (N, F): at least one winner, never a division by 0
    return np.where(winners, share[:, None, :], 0.0)


def temporal_dense_forward(h, W, b):
    """The same dense layer (no activation) at every time step, as Keras's Dense on 3-D input.

    Inputs:
    - h: of shape (N, T, H)
    - W: weights, of shape (M, H); b: bias, of shape (M,)
    Returns a tuple of:
    - y: of shape (N, T, M); y[:, t] = h[:, t] @ W.T + b for every t
    - cache: TemporalDenseCache(h, W, b) for the backward pass
    """
    y = h @ W.T + b  # (N, T, H) @ (H, M): matmul acts on the last axis, step by step
    return y, TemporalDenseCache(h, W, b)


def temporal_dense_backward(dy, cache):
    """Backward pass of temporal_dense_forward.

    Inputs:
    - dy: upstream gradient, of shape (N, T, M)
    - cache: TemporalDenseCache(h, W, b) from temporal_dense_forward
    Returns a tuple of:
    - dh: gradient with respect to h, of shape (N, T, H)
    - dW: gradient with respect to W, of shape (M, H), summed over samples and steps
    - db: gradient with respect to b, of shape (M,)
    """
    h, W, b = cache
    H, M = h.shape[-1], W.shape[0]
    dh = dy @ W  # (N, T, H): each step on its own
    # The same W acts at every step of every sample: the gradients of all N * T uses add up.
    dW = dy.reshape(-1, M).T @ h.reshape(-1, H)  # (M, H)
    db = dy.sum(axis=(0, 1))  # (M,)
    return dh, dW, db


def masked_softmax_cross_entropy(z, y, mask):
    """Mean softmax cross-entropy over the real positions of a batch of sequences.

    What Keras's SparseCategoricalCrossentropy(from_logits=True) computes for a model
    whose Embedding(mask_zero=True) made the mask: padded positions add nothing, and the
    sum is divided by the number of real positions (not by N * T). With no real
    position at all the loss is 0 and so is the gradient.
    Inputs:
    - z: logits, of shape (N, T, C)
    - y: labels, ints of shape (N, T), in [0, C) at real positions (ignored elsewhere)
    - mask: bool of shape (N, T), True at real positions
    Returns a tuple of:
    - loss: a float
    - dz: gradient of the loss with respect to z, of shape (N, T, C); 0 where masked
    """
    count = max(int(mask.sum()), 1)  # an empty batch: 0 / 1 instead of 0 / 0
    labels = np.where(mask, y, 0)  # any label at a padded position is a valid index
    shifted = z - z.max(axis=-1, keepdims=True)  # exp never sees a positive number
    log_p = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))  # (N, T, C)
    picked = np.take_along_axis(log_p, labels[..., None], axis=-1)[..., 0]  # (N, T)
    loss = -np.sum(np.where(mask, picked, 0.0)) / count
    dz = np.exp(log_p)  # softmax
    np.put_along_axis(dz, labels[..., None], np.take_along_axis(dz, labels[..., None], -1) - 1, -1)
    dz = np.where(mask[..., None], dz, 0.0) / count  # (N, T, C)
    return float(loss), dz
