"""07_gated, part 2: the GRU cell as Keras's GRU(reset_after=True), blocks z, r, h.

z = sigmoid(x Wx_z^T + bx_z + h Wh_z^T + bh_z), r likewise,
hh = tanh(x Wx_h^T + bx_h + r * (h Wh_h^T + bh_h)), h_next = z * h + (1 - z) * hh.
The input and the state have separate weights and biases because the reset gate
multiplies the state's part of the candidate after its matrix product.
"""
import numpy as np

from autograder.caches import GRUCache, GRUStepCache
# The notebook imports sigmoid from autograder.blocks (assignment 01's stable version).
from solutions.dense import sigmoid


def gru_step_forward(x_t, h_prev, Wx, Wh, bx, bh):
    """One step of the GRU (Keras's reset_after=True).

    Inputs:
    - x_t: input at one time step, of shape (N, D)
    - h_prev: previous hidden state, of shape (N, H)
    - Wx: input weights, of shape (3H, D), rows in blocks z, r, h (candidate)
    - Wh: recurrent weights, of shape (3H, H), the same blocks
    - bx, bh: input and recurrent biases, of shape (3H,)
    Returns a tuple of:
    - h_next: next hidden state, of shape (N, H)
    - cache: GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next)
    """
    H = h_prev.shape[1]
    ax = x_t @ Wx.T + bx  # (N, 3H)
    ahh = h_prev @ Wh.T + bh  # (N, 3H)
    z = sigmoid(ax[:, :H] + ahh[:, :H])
    r = sigmoid(ax[:, H:2 * H] + ahh[:, H:2 * H])
    ah = ahh[:, 2 * H:]  # the reset gate acts after the product (reset_after=True)
    hh = np.tanh(ax[:, 2 * H:] + r * ah)
    h_next = z * h_prev + (1.0 - z) * hh  # z near 1 keeps the old state
    return h_next, GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next)


def gru_forward(x, Wx, Wh, bx, bh, h0=None, mask=None):
    """Run the GRU over whole sequences.

    Inputs:
    - x: inputs, of shape (N, T, D)
    - Wx (3H, D), Wh (3H, H), bx (3H,), bh (3H,): as in gru_step_forward
    - h0: initial state, of shape (N, H); None means zeros
    - mask: None, or bool of shape (N, T); where mask[n, t] is False the step is
      skipped and the state carries over unchanged
    Returns a tuple of:
    - h: every step's state, of shape (N, T, H)
    - cache: GRUCache(x, Wx, Wh, bx, bh, h0, h, gates, ah, mask); gates (N, T, 3H)
      holds every step's [z, r, hh] and ah (N, T, H) every step's h_prev @ Wh_h.T + bh_h
    """
    N, T, _ = x.shape
    H = Wh.shape[1]
    h0 = np.zeros((N, H)) if h0 is None else h0
    # sigmoid(a) = (1 + tanh(a / 2)) / 2: the z and r rows are halved (exact in floating
    # point) so that both gates come out of one tanh.
    half = np.ones(3 * H)
    half[:2 * H] = 0.5
    # The input part of every step at once: one large product instead of T small ones.
    ax = x @ (Wx * half[:, None]).T + bx * half  # (N, T, 3H)
    ax[..., :2 * H] += bh[:2 * H] * 0.5  # z's and r's recurrent biases add up with the input's
    Wh_T, bh_h = (Wh * half[:, None]).T, bh[2 * H:]  # (H, 3H); bh_h stays inside the reset
    h, gates, ah = np.empty((N, T, H)), np.empty((N, T, 3 * H)), np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        ahh = h_prev @ Wh_T  # (N, 3H)
        gt = gates[:, t]
        zr = gt[:, :2 * H]
        np.tanh(ax[:, t, :2 * H] + ahh[:, :2 * H], out=zr)
        zr *= 0.5
        zr += 0.5  # z and r, each sigmoid(x Wx^T + bx + h Wh^T + bh)
        z, r = gt[:, :H], gt[:, H:2 * H]
        ah_t = ah[:, t]
        np.add(ahh[:, 2 * H:], bh_h, out=ah_t)  # h_prev @ Wh_h.T + bh_h
        hh = gt[:, 2 * H:]
        np.tanh(ax[:, t, 2 * H:] + r * ah_t, out=hh)
        h_t = hh + z * (h_prev - hh)  # = z h_prev + (1 - z) hh
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h[:, t] = h_t
        h_prev = h_t
    return h, GRUCache(x, Wx, Wh, bx, bh, h0, h, gates, ah, mask)


def gru_step_backward(dh_next, cache):
    """Backward pass of one GRU step.

    Inputs:
    - dh_next: gradient of the loss with respect to h_next, of shape (N, H)
    - cache: GRUStepCache from gru_step_forward
    Returns a tuple of:
    - dx_t: gradient with respect to x_t, of shape (N, D)
    - dh_prev: gradient with respect to h_prev, of shape (N, H)
    - dWx (3H, D), dWh (3H, H), dbx (3H,), dbh (3H,): gradients of the weights and biases
    """
    x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next = cache
    daz = dh_next * (h_prev - hh) * z * (1.0 - z)  # (N, H) update gate's pre-activation
    dac = dh_next * (1.0 - z) * (1.0 - hh ** 2)  # candidate's pre-activation
    dar = dac * ah * r * (1.0 - r)  # reset gate's pre-activation
    dax = np.concatenate([daz, dar, dac], axis=1)  # (N, 3H) w.r.t. x_t @ Wx.T + bx
    dah = np.concatenate([daz, dar, dac * r], axis=1)  # w.r.t. h_prev @ Wh.T + bh
    dh_prev = dh_next * z + dah @ Wh  # directly through z * h_prev, and through the gates
    return dax @ Wx, dh_prev, dax.T @ x_t, dah.T @ h_prev, dax.sum(axis=0), dah.sum(axis=0)


def gru_backward(dh, cache):
    """Backward pass of gru_forward over whole sequences.

    Inputs:
    - dh: upstream gradient of every hidden state, of shape (N, T, H)
    - cache: GRUCache from gru_forward
    Returns a tuple of:
    - dx: gradient with respect to x, of shape (N, T, D)
    - dh0: gradient with respect to h0, of shape (N, H)
    - dWx (3H, D), dWh (3H, H), dbx (3H,), dbh (3H,): summed over all steps
    """
    x, Wx, Wh, bx, bh, h0, h, gates, ah, mask = cache
    N, T, D = x.shape
    H = h0.shape[1]
    h_prev = np.concatenate([h0[:, None], h[:, :-1]], axis=1)  # (N, T, H)
    z, r, hh = gates[..., :H], gates[..., H:2 * H], gates[..., 2 * H:]
    # Every factor that does not depend on the gradient, for all steps at once: the
    # update gate's, the candidate's and the reset gate's pre-activation gradients are
    # dh_t * local[:, t, 0], dh_t * local[:, t, 1] and dh_t * local[:, t, 2].
    cand = (1.0 - z) * (1.0 - hh ** 2)  # (N, T, H)
    local = np.stack([(h_prev - hh) * z * (1.0 - z), cand * ah * r * (1.0 - r), cand],
                     axis=2)  # (N, T, 3, H), blocks z, r, h
    dax, dah = np.empty((N, T, 3 * H)), np.empty((N, T, 3 * H))
    carry = np.zeros((N, H))  # dL/dh_t that arrives from step t + 1
    for t in reversed(range(T)):
        dh_t = dh[:, t] + carry
        dxt, dht = dax[:, t], dah[:, t]
        dxt[:] = (dh_t[:, None] * local[:, t]).reshape(N, 3 * H)
        dht[:, :2 * H] = dxt[:, :2 * H]
        dht[:, 2 * H:] = dxt[:, 2 * H:] * r[:, t]  # the reset gate scales Wh_h's output
        if mask is None:
            carry = dh_t * z[:, t] + dht @ Wh  # directly, and through the gates
        else:
            # A skipped step copied h_prev: its gradient passes straight through.
            keep = mask[:, t][:, None]  # (N, 1)
            dxt *= keep
            dht *= keep
            carry = np.where(keep, dh_t * z[:, t] + dht @ Wh, dh_t)
    # Shared weights: one product over all N * T rows instead of T small ones.
    dax2, dah2 = dax.reshape(N * T, 3 * H), dah.reshape(N * T, 3 * H)
    return (dax @ Wx, carry, dax2.T @ x.reshape(N * T, D), dah2.T @ h_prev.reshape(N * T, H),
            dax2.sum(axis=0), dah2.sum(axis=0))
