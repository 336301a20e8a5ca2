"""04_bptt: backpropagation through time for h_t = tanh(W [h_{t-1}; x_t] + b)."""
import numpy as np

from autograder.caches import RNNStepCache
# The notebook imports these from autograder.blocks; they are in this module so that
# checks run the graded functions next to the same names.
from solutions.rnn import rnn_forward, rnn_step_forward  # noqa: F401


def rnn_step_backward(dh_next, cache):
    """Backward pass of one RNN step.

    Inputs:
    - dh_next: gradient of the loss with respect to h_next, of shape (N, H)
    - cache: RNNStepCache(x_t, h_prev, W, b, h_next) from rnn_step_forward
    Returns a tuple of:
    - dx_t: gradient with respect to x_t, of shape (N, D)
    - dh_prev: gradient with respect to h_prev, of shape (N, H)
    - dW: gradient with respect to W, of shape (H, H + D)
    - db: gradient with respect to b, of shape (H,)
    """
    x_t, h_prev, W, b, h_next = cache
    H = h_prev.shape[1]
    dz = dh_next * (1.0 - h_next ** 2)  # (N, H): tanh'(z) = 1 - tanh(z)^2
    hx = np.concatenate([h_prev, x_t], axis=1)  # (N, H + D)
    dW = dz.T @ hx  # (H, H + D)
    db = dz.sum(axis=0)  # (H,)
    dhx = dz @ W  # (N, H + D): split back into the state part and the input part
    return dhx[:, H:], dhx[:, :H], dW, db


def rnn_backward(dh, cache):
    """Backward pass of rnn_forward over whole sequences (backpropagation through time).

    Inputs:
    - dh: upstream gradient of every hidden state, of shape (N, T, H)
    - cache: RNNCache(x, W, b, h0, h, mask) from rnn_forward
    Returns a tuple of:
    - dx: gradient with respect to x, of shape (N, T, D)
    - dh0: gradient with respect to h0, of shape (N, H)
    - dW: gradient with respect to W, of shape (H, H + D), summed over all steps
    - db: gradient with respect to b, of shape (H,), summed over all steps
    """
    x, W, b, h0, h, mask = cache
    N, T, _ = x.shape
    dx = np.zeros_like(x)  # (N, T, D)
    dW = np.zeros_like(W)
    db = np.zeros_like(b)
    carry = np.zeros_like(h0)  # dL/dh_t that arrives from step t + 1
    for t in reversed(range(T)):
        dh_t = dh[:, t] + carry  # (N, H): h_t is read by the loss and by step t + 1
        h_prev = h0 if t == 0 else h[:, t - 1]
        if mask is None:
            dx[:, t], carry, dW_t, db_t = rnn_step_backward(
                dh_t, RNNStepCache(x[:, t], h_prev, W, b, h[:, t]))
        else:
            # A skipped step copied h_prev: its gradient goes straight through to
            # h_prev and nothing reaches x_t, W or b from that sample.
            keep = mask[:, t][:, None]  # (N, 1)
            dx[:, t], dh_prev, dW_t, db_t = rnn_step_backward(
                np.where(keep, dh_t, 0.0), RNNStepCache(x[:, t], h_prev, W, b, h[:, t]))
            carry = np.where(keep, dh_prev, dh_t)
        dW += dW_t  # the same W acts at every step, so its gradients add up
        db += db_t
    return dx, carry, dW, db


def clip_by_global_norm(grads, max_norm):
    """Rescale a list of gradients so that their global norm is at most max_norm.

    As tf.clip_by_global_norm: the global norm is the square root of the sum of
    the squares of every entry of every array; when it exceeds max_norm, every
    array is multiplied by max_norm / global_norm, otherwise nothing changes.
    Inputs:
    - grads: a list of arrays of any shapes (left unchanged)
    - max_norm: a positive float
    Returns a tuple of:
    - clipped: a list of new arrays, the shapes of grads
    - global_norm: the global norm of grads before clipping, a float
    """
    global_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    # Dividing by max(global_norm, max_norm) never scales up and never divides by 0.
    scale = max_norm / max(global_norm, max_norm)
    return [g * scale for g in grads], global_norm


def hidden_gradient_norms(x, W, b):
    """How much each hidden state influences the last one.

    Runs the RNN from h0 = 0 (no mask) and returns, for every step t, the
    Frobenius norm of d(sum of h[:, T-1]) / d(h[:, t]), an (N, H) array.
    Inputs:
    - x: inputs, of shape (N, T, D)
    - W: weights, of shape (H, H + D); b: bias, of shape (H,)
    Returns:
    - norms: of shape (T,); norms[T-1] = sqrt(N * H)
    """
    h, _ = rnn_forward(x, W, b)  # (N, T, H)
    N, T, H = h.shape
    norms = np.empty(T)
    g = np.ones((N, H))  # d(sum of h_{T-1}) / d h_{T-1}
    norms[T - 1] = np.linalg.norm(g)
    for t in range(T - 1, 0, -1):
        # Through step t: h_t = tanh(W_h h_{t-1} + ...), so g_{t-1} = (g_t * (1 - h_t^2)) W_h.
        g = (g * (1.0 - h[:, t] ** 2)) @ W[:, :H]  # (N, H)
        norms[t - 1] = np.linalg.norm(g)
    return norms
