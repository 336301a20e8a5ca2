"""07_gated, part 1: the LSTM cell, forward and backward, in Keras's gate order i, f, c, o.

a = [h_prev, x_t] @ W.T + b, split into four blocks of H: i = sigmoid(a_i),
f = sigmoid(a_f), g = tanh(a_c), o = sigmoid(a_o); c_next = f * c_prev + i * g,
h_next = o * tanh(c_next).
"""
import numpy as np

from autograder.caches import LSTMCache, LSTMStepCache
# The notebook imports sigmoid from autograder.blocks (assignment 01's stable version).
from solutions.dense import sigmoid


def lstm_step_forward(x_t, h_prev, c_prev, W, b):
    """One step of the LSTM.

    Inputs:
    - x_t: input at one time step, of shape (N, D)
    - h_prev: previous hidden state, of shape (N, H)
    - c_prev: previous cell state, of shape (N, H)
    - W: weights acting on [h_prev, x_t], of shape (4H, H + D), hidden part first;
      rows in blocks of H for the gates i, f, c (candidate), o, as Keras orders them
    - b: bias, of shape (4H,), the same blocks
    Returns a tuple of:
    - h_next: next hidden state, of shape (N, H)
    - c_next: next cell state, of shape (N, H)
    - cache: LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)
    """
    H = h_prev.shape[1]
    a = np.concatenate([h_prev, x_t], axis=1) @ W.T + b  # (N, 4H)
    i = sigmoid(a[:, :H])
    f = sigmoid(a[:, H:2 * H])
    g = np.tanh(a[:, 2 * H:3 * H])
    o = sigmoid(a[:, 3 * H:])
    c_next = f * c_prev + i * g  # additive: the gradient to c_prev is only f
    h_next = o * np.tanh(c_next)
    return h_next, c_next, LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)


def lstm_forward(x, W, b, h0=None, c0=None, mask=None):
    """Run the LSTM over whole sequences.

    Inputs:
    - x: inputs, of shape (N, T, D)
    - W: weights, of shape (4H, H + D); b: bias, of shape (4H,)
    - h0, c0: initial hidden and cell states, of shape (N, H); None means zeros
    - mask: None, or bool of shape (N, T); where mask[n, t] is False the step is
      skipped and both h and c carry over unchanged
    Returns a tuple of:
    - h: every step's hidden state, of shape (N, T, H)
    - cache: LSTMCache(x, W, b, h0, c0, h, c, gates, mask); c (N, T, H) holds every
      cell state and gates (N, T, 4H) every step's [i, f, g, o]
    """
    N, T, _ = x.shape
    H = W.shape[0] // 4
    h0 = np.zeros((N, H)) if h0 is None else h0
    c0 = np.zeros((N, H)) if c0 is None else c0
    # sigmoid(a) = (1 + tanh(a / 2)) / 2: halving the rows of the i, f and o blocks
    # (exact in floating point) lets one tanh per step serve all four gates.
    half = np.full(4 * H, 0.5)
    half[2 * H:3 * H] = 1.0  # the candidate block keeps its tanh
    # The input part of every step at once: one large product instead of T small ones.
    ax = x @ (W[:, H:] * half[:, None]).T + b * half  # (N, T, 4H)
    Wh_T = (W[:, :H] * half[:, None]).T  # (H, 4H)
    h, c, gates = np.empty((N, T, H)), np.empty((N, T, H)), np.empty((N, T, 4 * H))
    h_prev, c_prev = h0, c0
    for t in range(T):
        gt = gates[:, t]
        np.tanh(ax[:, t] + h_prev @ Wh_T, out=gt)  # (N, 4H)
        for gate in (gt[:, :2 * H], gt[:, 3 * H:]):  # i and f, then o: tanh -> sigmoid
            gate *= 0.5
            gate += 0.5
        c_t = gt[:, H:2 * H] * c_prev + gt[:, :H] * gt[:, 2 * H:3 * H]  # f c + i g
        h_t = gt[:, 3 * H:] * np.tanh(c_t)
        if mask is not None:
            keep = mask[:, t][:, None]  # (N, 1)
            c_t = np.where(keep, c_t, c_prev)
            h_t = np.where(keep, h_t, h_prev)
        h[:, t], c[:, t] = h_t, c_t
        h_prev, c_prev = h_t, c_t
    return h, LSTMCache(x, W, b, h0, c0, h, c, gates, mask)


def lstm_step_backward(dh_next, dc_next, cache):
    """Backward pass of one LSTM step.

    Inputs:
    - dh_next: gradient of the loss with respect to h_next, of shape (N, H)
    - dc_next: gradient with respect to c_next from the later steps, of shape (N, H)
    - cache: LSTMStepCache from lstm_step_forward
    Returns a tuple of:
    - dx_t: gradient with respect to x_t, of shape (N, D)
    - dh_prev: gradient with respect to h_prev, of shape (N, H)
    - dc_prev: gradient with respect to c_prev, of shape (N, H)
    - dW: gradient with respect to W, of shape (4H, H + D)
    - db: gradient with respect to b, of shape (4H,)
    """
    x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next = cache
    H = h_prev.shape[1]
    tc = np.tanh(c_next)
    # c_next reaches the loss twice: through h_next and directly through the next step.
    dc = dc_next + dh_next * o * (1.0 - tc ** 2)  # (N, H)
    da = np.concatenate([dc * g * i * (1.0 - i),  # through i = sigmoid(a_i)
                         dc * c_prev * f * (1.0 - f),  # through f
                         dc * i * (1.0 - g ** 2),  # through g = tanh(a_c)
                         dh_next * tc * o * (1.0 - o)], axis=1)  # through o; (N, 4H)
    hx = np.concatenate([h_prev, x_t], axis=1)  # (N, H + D)
    dhx = da @ W  # (N, H + D): state part first, as in W
    return dhx[:, H:], dhx[:, :H], dc * f, da.T @ hx, da.sum(axis=0)


def lstm_backward(dh, cache):
    """Backward pass of lstm_forward over whole sequences.

    Inputs:
    - dh: upstream gradient of every hidden state, of shape (N, T, H)
    - cache: LSTMCache from lstm_forward
    Returns a tuple of:
    - dx: gradient with respect to x, of shape (N, T, D)
    - dh0, dc0: gradients with respect to h0 and c0, of shape (N, H)
    - dW: gradient with respect to W, of shape (4H, H + D), summed over all steps
    - db: gradient with respect to b, of shape (4H,), summed over all steps
    """
    x, W, b, h0, c0, h, c, gates, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    i, f, g, o = (gates[..., k * H:(k + 1) * H] for k in range(4))  # each (N, T, H)
    c_prev = np.concatenate([c0[:, None], c[:, :-1]], axis=1)  # (N, T, H)
    tc = np.tanh(c)
    # Every factor that does not depend on the gradient, for all steps at once:
    # d a_{i,f,c} = dc * local[:, t, k] and d a_o = dh_t * out[:, t].
    local = np.stack([g * i * (1.0 - i), c_prev * f * (1.0 - f), i * (1.0 - g ** 2)],
                     axis=2)  # (N, T, 3, H)
    out = tc * o * (1.0 - o)  # (N, T, H)
    to_c = o * (1.0 - tc ** 2)  # (N, T, H): h_t = o tanh(c_t) reaches c_t through this
    Wh = W[:, :H]  # (4H, H)
    da = np.empty((N, T, 4 * H))  # every step's pre-activation gradient
    dh_carry, dc_carry = np.zeros((N, H)), np.zeros((N, H))  # from step t + 1
    for t in reversed(range(T)):
        dh_t = dh[:, t] + dh_carry  # read by the loss and by step t + 1
        dc = dc_carry + dh_t * to_c[:, t]  # c_t is read by h_t and by step t + 1
        dat = da[:, t]
        dat[:, :3 * H] = (dc[:, None] * local[:, t]).reshape(N, 3 * H)
        dat[:, 3 * H:] = dh_t * out[:, t]
        if mask is None:
            dh_carry, dc_carry = dat @ Wh, dc * f[:, t]
        else:
            # A skipped step copied h and c: both gradients pass straight through, and
            # nothing reaches x_t, W or b from that sample.
            keep = mask[:, t][:, None]  # (N, 1)
            dat *= keep
            dh_carry = np.where(keep, dat @ Wh, dh_t)
            dc_carry = np.where(keep, dc * f[:, t], dc_carry)
    # The same W acts at every step: its gradient is one product over all N * T rows.
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (N, T, H)
    da2 = da.reshape(N * T, 4 * H)
    dW = np.concatenate([da2.T @ h_prev.reshape(N * T, H),
                         da2.T @ x.reshape(N * T, -1)], axis=1)  # (4H, H + D)
    dx = da @ W[:, H:]  # (N, T, D)
    return dx, dh_carry, dc_carry, dW, da2.sum(axis=0)
