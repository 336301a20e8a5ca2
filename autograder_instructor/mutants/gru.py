"""Realistic mistakes in 07_gated's GRU functions.

Each function must also run when pasted into the notebook in place of the student's:
it may use only ``np``, the provided caches, ``sigmoid`` (imported from
``autograder.blocks`` in the notebook) and the graded functions.
"""
import numpy as np

from autograder.caches import GRUCache, GRUStepCache
from solutions.dense import sigmoid
from solutions.gru import gru_step_backward, gru_step_forward

from . import Mutant


# ---- gru_step_forward ----------------------------------------------------------------

def gru_step_reset_before_product(x_t, h_prev, Wx, Wh, bx, bh):
    H = h_prev.shape[1]
    ax, ahh = x_t @ Wx.T + bx, h_prev @ Wh.T + bh
    z = sigmoid(ax[:, :H] + ahh[:, :H])
    r = sigmoid(ax[:, H:2 * H] + ahh[:, H:2 * H])
    ah = (r * h_prev) @ Wh[2 * H:].T + bh[2 * H:]  # Keras's reset_after=False
    hh = np.tanh(ax[:, 2 * H:] + ah)
    h_next = z * h_prev + (1 - z) * hh
    return h_next, GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next)


def gru_step_z_swapped(x_t, h_prev, Wx, Wh, bx, bh):
    H = h_prev.shape[1]
    ax, ahh = x_t @ Wx.T + bx, h_prev @ Wh.T + bh
    z = sigmoid(ax[:, :H] + ahh[:, :H])
    r = sigmoid(ax[:, H:2 * H] + ahh[:, H:2 * H])
    ah = ahh[:, 2 * H:]
    hh = np.tanh(ax[:, 2 * H:] + r * ah)
    h_next = (1 - z) * h_prev + z * hh
    return h_next, GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next)


def gru_step_pytorch_order(x_t, h_prev, Wx, Wh, bx, bh):
    H = h_prev.shape[1]
    ax, ahh = x_t @ Wx.T + bx, h_prev @ Wh.T + bh
    r = sigmoid(ax[:, :H] + ahh[:, :H])  # PyTorch's blocks are r, z, n
    z = sigmoid(ax[:, H:2 * H] + ahh[:, H:2 * H])
    ah = ahh[:, 2 * H:]
    hh = np.tanh(ax[:, 2 * H:] + r * ah)
    h_next = z * h_prev + (1 - z) * hh
    return h_next, GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next)


def gru_step_single_bias(x_t, h_prev, Wx, Wh, bx, bh):
    H = h_prev.shape[1]
    ax, ahh = x_t @ Wx.T + bx, h_prev @ Wh.T  # the recurrent bias bh is left out
    z = sigmoid(ax[:, :H] + ahh[:, :H])
    r = sigmoid(ax[:, H:2 * H] + ahh[:, H:2 * H])
    ah = ahh[:, 2 * H:]
    hh = np.tanh(ax[:, 2 * H:] + r * ah)
    h_next = z * h_prev + (1 - z) * hh
    return h_next, GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next)


def gru_step_recurrent_bias_outside_reset(x_t, h_prev, Wx, Wh, bx, bh):
    H = h_prev.shape[1]
    ax, ahh = x_t @ Wx.T + bx, h_prev @ Wh.T + bh
    z = sigmoid(ax[:, :H] + ahh[:, :H])
    r = sigmoid(ax[:, H:2 * H] + ahh[:, H:2 * H])
    ah = h_prev @ Wh[2 * H:].T
    hh = np.tanh(ax[:, 2 * H:] + bh[2 * H:] + r * ah)
    h_next = z * h_prev + (1 - z) * hh
    return h_next, GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next)


# ---- gru_forward ---------------------------------------------------------------------

def gru_forward_mask_ignored(x, Wx, Wh, bx, bh, h0=None, mask=None):
    N, T, _ = x.shape
    H = Wh.shape[1]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, gates, ah = np.empty((N, T, H)), np.empty((N, T, 3 * H)), np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        h_prev, sc = gru_step_forward(x[:, t], h_prev, Wx, Wh, bx, bh)
        h[:, t], gates[:, t], ah[:, t] = h_prev, np.concatenate([sc.z, sc.r, sc.hh], 1), sc.ah
    return h, GRUCache(x, Wx, Wh, bx, bh, h0, h, gates, ah, mask)


def gru_forward_masked_steps_zero(x, Wx, Wh, bx, bh, h0=None, mask=None):
    N, T, _ = x.shape
    H = Wh.shape[1]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, gates, ah = np.empty((N, T, H)), np.empty((N, T, 3 * H)), np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        h_t, sc = gru_step_forward(x[:, t], h_prev, Wx, Wh, bx, bh)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, 0.0)
        h[:, t], gates[:, t], ah[:, t] = h_t, np.concatenate([sc.z, sc.r, sc.hh], 1), sc.ah
        h_prev = h_t
    return h, GRUCache(x, Wx, Wh, bx, bh, h0, h, gates, ah, mask)


def gru_forward_h0_ignored(x, Wx, Wh, bx, bh, h0=None, mask=None):
    N, T, _ = x.shape
    H = Wh.shape[1]
    h0 = np.zeros((N, H))
    h, gates, ah = np.empty((N, T, H)), np.empty((N, T, 3 * H)), np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        h_t, sc = gru_step_forward(x[:, t], h_prev, Wx, Wh, bx, bh)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h[:, t], gates[:, t], ah[:, t] = h_t, np.concatenate([sc.z, sc.r, sc.hh], 1), sc.ah
        h_prev = h_t
    return h, GRUCache(x, Wx, Wh, bx, bh, h0, h, gates, ah, mask)


def gru_forward_state_not_fed_back(x, Wx, Wh, bx, bh, h0=None, mask=None):
    N, T, _ = x.shape
    H = Wh.shape[1]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, gates, ah = np.empty((N, T, H)), np.empty((N, T, 3 * H)), np.empty((N, T, H))
    h_prev = h0
    for t in range(T):
        h_t, sc = gru_step_forward(x[:, t], h0, Wx, Wh, bx, bh)  # always from h0
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h[:, t], gates[:, t], ah[:, t] = h_t, np.concatenate([sc.z, sc.r, sc.hh], 1), sc.ah
        h_prev = h_t
    return h, GRUCache(x, Wx, Wh, bx, bh, h0, h, gates, ah, mask)


# ---- gru_step_backward ---------------------------------------------------------------

def gru_step_back_no_direct_path(dh_next, cache):
    x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next = cache
    daz = dh_next * (h_prev - hh) * z * (1 - z)
    dac = dh_next * (1 - z) * (1 - hh ** 2)
    dar = dac * ah * r * (1 - r)
    dax, dah = np.concatenate([daz, dar, dac], 1), np.concatenate([daz, dar, dac * r], 1)
    return dax @ Wx, dah @ Wh, dax.T @ x_t, dah.T @ h_prev, dax.sum(0), dah.sum(0)


def gru_step_back_dz_sign(dh_next, cache):
    x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next = cache
    daz = dh_next * (hh - h_prev) * z * (1 - z)
    dac = dh_next * (1 - z) * (1 - hh ** 2)
    dar = dac * ah * r * (1 - r)
    dax, dah = np.concatenate([daz, dar, dac], 1), np.concatenate([daz, dar, dac * r], 1)
    return dax @ Wx, dh_next * z + dah @ Wh, dax.T @ x_t, dah.T @ h_prev, dax.sum(0), dah.sum(0)


def gru_step_back_reset_not_on_recurrent(dh_next, cache):
    x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next = cache
    daz = dh_next * (h_prev - hh) * z * (1 - z)
    dac = dh_next * (1 - z) * (1 - hh ** 2)
    dar = dac * ah * r * (1 - r)
    dax = np.concatenate([daz, dar, dac], 1)
    dah = dax  # forgets that r multiplies the recurrent part of the candidate
    return dax @ Wx, dh_next * z + dah @ Wh, dax.T @ x_t, dah.T @ h_prev, dax.sum(0), dah.sum(0)


def gru_step_back_dr_without_bias(dh_next, cache):
    x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, h_next = cache
    H = h_prev.shape[1]
    daz = dh_next * (h_prev - hh) * z * (1 - z)
    dac = dh_next * (1 - z) * (1 - hh ** 2)
    dar = dac * (h_prev @ Wh[2 * H:].T) * r * (1 - r)  # bh_h left out of what r multiplies
    dax, dah = np.concatenate([daz, dar, dac], 1), np.concatenate([daz, dar, dac * r], 1)
    return dax @ Wx, dh_next * z + dah @ Wh, dax.T @ x_t, dah.T @ h_prev, dax.sum(0), dah.sum(0)


# ---- gru_backward --------------------------------------------------------------------

def gru_backward_dW_assigned(dh, cache):
    x, Wx, Wh, bx, bh, h0, h, gates, ah, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, carry = np.zeros_like(x), np.zeros((N, H))
    for t in reversed(range(T)):
        hp = h0 if t == 0 else h[:, t - 1]
        gt = gates[:, t]
        sc = GRUStepCache(x[:, t], hp, Wx, Wh, bx, bh, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:],
                          ah[:, t], h[:, t])
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dh_t = dh[:, t] + carry
        dx[:, t], dhp, dWx, dWh, dbx, dbh = gru_step_backward(np.where(keep, dh_t, 0.0), sc)
        carry = np.where(keep, dhp, dh_t)
    return dx, carry, dWx, dWh, dbx, dbh


def gru_backward_no_carry(dh, cache):
    x, Wx, Wh, bx, bh, h0, h, gates, ah, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, carry = np.zeros_like(x), np.zeros((N, H))
    grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bx), np.zeros_like(bh)]
    for t in reversed(range(T)):
        hp = h0 if t == 0 else h[:, t - 1]
        gt = gates[:, t]
        sc = GRUStepCache(x[:, t], hp, Wx, Wh, bx, bh, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:],
                          ah[:, t], h[:, t])
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dh_t = dh[:, t]
        dx[:, t], dhp, *step = gru_step_backward(np.where(keep, dh_t, 0.0), sc)
        carry = np.where(keep, dhp, dh_t)
        grads = [g + s for g, s in zip(grads, step)]
    return (dx, carry, *grads)


def gru_backward_mask_ignored(dh, cache):
    x, Wx, Wh, bx, bh, h0, h, gates, ah, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, carry = np.zeros_like(x), np.zeros((N, H))
    grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bx), np.zeros_like(bh)]
    for t in reversed(range(T)):
        hp = h0 if t == 0 else h[:, t - 1]
        gt = gates[:, t]
        sc = GRUStepCache(x[:, t], hp, Wx, Wh, bx, bh, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:],
                          ah[:, t], h[:, t])
        dx[:, t], carry, *step = gru_step_backward(dh[:, t] + carry, sc)
        grads = [g + s for g, s in zip(grads, step)]
    return (dx, carry, *grads)


def gru_backward_masked_steps_block_gradient(dh, cache):
    x, Wx, Wh, bx, bh, h0, h, gates, ah, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, carry = np.zeros_like(x), np.zeros((N, H))
    grads = [np.zeros_like(Wx), np.zeros_like(Wh), np.zeros_like(bx), np.zeros_like(bh)]
    for t in reversed(range(T)):
        hp = h0 if t == 0 else h[:, t - 1]
        gt = gates[:, t]
        sc = GRUStepCache(x[:, t], hp, Wx, Wh, bx, bh, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:],
                          ah[:, t], h[:, t])
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dh_t = dh[:, t] + carry
        dx[:, t], dhp, *step = gru_step_backward(np.where(keep, dh_t, 0.0), sc)
        carry = np.where(keep, dhp, 0.0)
        grads = [g + s for g, s in zip(grads, step)]
    return (dx, carry, *grads)


MUTANTS = [
    Mutant("gru_step_forward", "Keras's GRU (reset_after=True) applies r after the recurrent "
           "product: r * (h_prev @ Wh_h.T + bh_h), not (r * h_prev) @ Wh_h.T",
           gru_step_reset_before_product),
    Mutant("gru_step_forward", "z keeps the old state: h_next = z * h_prev + (1 - z) * hh, not "
           "the other way round", gru_step_z_swapped),
    Mutant("gru_step_forward", "Keras orders the blocks z, r, h (update gate first); PyTorch's "
           "order is r, z, n", gru_step_pytorch_order),
    Mutant("gru_step_forward", "Keras's GRU has two biases: add bh to h_prev @ Wh.T as well as bx "
           "to x_t @ Wx.T", gru_step_single_bias),
    Mutant("gru_step_forward", "the recurrent bias bh_h is inside the reset: "
           "r * (h_prev @ Wh_h.T + bh_h)", gru_step_recurrent_bias_outside_reset),
    Mutant("gru_forward", "the mask is ignored: where mask[n, t] is False the state must carry "
           "over unchanged", gru_forward_mask_ignored),
    Mutant("gru_forward", "a masked step keeps the previous state; it does not write zeros",
           gru_forward_masked_steps_zero),
    Mutant("gru_forward", "the given h0 is ignored: start from h0 (zeros only when h0 is None)",
           gru_forward_h0_ignored),
    Mutant("gru_forward", "each step must read the previous step's state, not h0 again",
           gru_forward_state_not_fed_back),
    Mutant("gru_step_backward", "h_next = z * h_prev + ...: dh_prev gets dh_next * z directly, "
           "besides what comes back through the gates", gru_step_back_no_direct_path),
    Mutant("gru_step_backward", "dh_next / dz = h_prev - hh (z multiplies h_prev), not hh - h_prev",
           gru_step_back_dz_sign),
    Mutant("gru_step_backward", "the candidate's recurrent part is multiplied by r, so its "
           "gradient (for dWh, dbh and dh_prev) is dac * r, not dac",
           gru_step_back_reset_not_on_recurrent),
    Mutant("gru_step_backward", "the reset gate multiplies h_prev @ Wh_h.T + bh_h (the cache's "
           "ah), bias included", gru_step_back_dr_without_bias),
    Mutant("gru_backward", "dWx, dWh, dbx and dbh must add up every step's contribution (+=), "
           "not keep the last one computed", gru_backward_dW_assigned),
    Mutant("gru_backward", "h_t also feeds step t + 1: add the dh_prev coming back from step "
           "t + 1 to dh[:, t]", gru_backward_no_carry),
    Mutant("gru_backward", "the mask is ignored: a skipped step passes its gradient straight to "
           "h_prev and adds nothing to dx or the weights' gradients", gru_backward_mask_ignored),
    Mutant("gru_backward", "a skipped (masked) step copied h_prev, so its whole gradient must be "
           "passed on to h_prev, not dropped", gru_backward_masked_steps_block_gradient),
]
