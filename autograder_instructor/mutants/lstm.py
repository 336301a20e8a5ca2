"""Realistic mistakes in 07_gated's LSTM functions.

Each function must also run when pasted into the notebook in place of the student's:
it may use only ``np``, the provided caches, ``sigmoid`` (imported from
``autograder.blocks`` in the notebook) and the graded functions.
"""
import numpy as np

from autograder.caches import LSTMCache, LSTMStepCache
from solutions.dense import sigmoid
from solutions.lstm import lstm_step_backward, lstm_step_forward

from . import Mutant


# ---- lstm_step_forward ---------------------------------------------------------------

def lstm_step_cs231n_order(x_t, h_prev, c_prev, W, b):
    H = h_prev.shape[1]
    a = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    i, f, o = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H]), sigmoid(a[:, 2 * H:3 * H])
    g = np.tanh(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * np.tanh(c_next)
    return h_next, c_next, LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)


def lstm_step_forget_on_candidate(x_t, h_prev, c_prev, W, b):
    H = h_prev.shape[1]
    a = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    c_next = i * c_prev + f * g
    h_next = o * np.tanh(c_next)
    return h_next, c_next, LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)


def lstm_step_tanh_c_prev(x_t, h_prev, c_prev, W, b):
    H = h_prev.shape[1]
    a = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * np.tanh(c_prev)
    return h_next, c_next, LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)


def lstm_step_sigmoid_candidate(x_t, h_prev, c_prev, W, b):
    H = h_prev.shape[1]
    a = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = sigmoid(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * np.tanh(c_next)
    return h_next, c_next, LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)


def lstm_step_input_first(x_t, h_prev, c_prev, W, b):
    H = h_prev.shape[1]
    a = np.concatenate([x_t, h_prev], axis=1) @ W.T + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * np.tanh(c_next)
    return h_next, c_next, LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)


def lstm_step_plain_tuple_cache(x_t, h_prev, c_prev, W, b):
    H = h_prev.shape[1]
    a = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    i, f = sigmoid(a[:, :H]), sigmoid(a[:, H:2 * H])
    g, o = np.tanh(a[:, 2 * H:3 * H]), sigmoid(a[:, 3 * H:])
    c_next = f * c_prev + i * g
    h_next = o * np.tanh(c_next)
    return h_next, c_next, (x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next)


# ---- lstm_forward --------------------------------------------------------------------

def lstm_forward_c_not_carried_when_masked(x, W, b, h0=None, c0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0] // 4
    h_prev = np.zeros((N, H)) if h0 is None else h0
    c_prev = np.zeros((N, H)) if c0 is None else c0
    h0, c0 = h_prev, c_prev
    h, c, gates = np.empty((N, T, H)), np.empty((N, T, H)), np.empty((N, T, 4 * H))
    for t in range(T):
        h_t, c_t, sc = lstm_step_forward(x[:, t], h_prev, c_prev, W, b)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)  # c_t is kept even when masked
        h[:, t], c[:, t], gates[:, t] = h_t, c_t, np.concatenate([sc.i, sc.f, sc.g, sc.o], 1)
        h_prev, c_prev = h_t, c_t
    return h, LSTMCache(x, W, b, h0, c0, h, c, gates, mask)


def lstm_forward_h_not_carried_when_masked(x, W, b, h0=None, c0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0] // 4
    h_prev = np.zeros((N, H)) if h0 is None else h0
    c_prev = np.zeros((N, H)) if c0 is None else c0
    h0, c0 = h_prev, c_prev
    h, c, gates = np.empty((N, T, H)), np.empty((N, T, H)), np.empty((N, T, 4 * H))
    for t in range(T):
        h_t, c_t, sc = lstm_step_forward(x[:, t], h_prev, c_prev, W, b)
        if mask is not None:
            c_t = np.where(mask[:, t][:, None], c_t, c_prev)  # h_t is kept even when masked
        h[:, t], c[:, t], gates[:, t] = h_t, c_t, np.concatenate([sc.i, sc.f, sc.g, sc.o], 1)
        h_prev, c_prev = h_t, c_t
    return h, LSTMCache(x, W, b, h0, c0, h, c, gates, mask)


def lstm_forward_c0_ignored(x, W, b, h0=None, c0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0] // 4
    h_prev = np.zeros((N, H)) if h0 is None else h0
    c_prev = np.zeros((N, H))
    h0, c0 = h_prev, c_prev
    h, c, gates = np.empty((N, T, H)), np.empty((N, T, H)), np.empty((N, T, 4 * H))
    for t in range(T):
        h_t, c_t, sc = lstm_step_forward(x[:, t], h_prev, c_prev, W, b)
        if mask is not None:
            keep = mask[:, t][:, None]
            h_t, c_t = np.where(keep, h_t, h_prev), np.where(keep, c_t, c_prev)
        h[:, t], c[:, t], gates[:, t] = h_t, c_t, np.concatenate([sc.i, sc.f, sc.g, sc.o], 1)
        h_prev, c_prev = h_t, c_t
    return h, LSTMCache(x, W, b, h0, c0, h, c, gates, mask)


def lstm_forward_cell_reset_each_step(x, W, b, h0=None, c0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0] // 4
    h_prev = np.zeros((N, H)) if h0 is None else h0
    c0 = np.zeros((N, H)) if c0 is None else c0
    h0 = h_prev
    h, c, gates = np.empty((N, T, H)), np.empty((N, T, H)), np.empty((N, T, 4 * H))
    for t in range(T):
        h_t, c_t, sc = lstm_step_forward(x[:, t], h_prev, c0, W, b)  # always from c0
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h[:, t], c[:, t], gates[:, t] = h_t, c_t, np.concatenate([sc.i, sc.f, sc.g, sc.o], 1)
        h_prev = h_t
    return h, LSTMCache(x, W, b, h0, c0, h, c, gates, mask)


def lstm_forward_gates_misordered_in_cache(x, W, b, h0=None, c0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0] // 4
    h_prev = np.zeros((N, H)) if h0 is None else h0
    c_prev = np.zeros((N, H)) if c0 is None else c0
    h0, c0 = h_prev, c_prev
    h, c, gates = np.empty((N, T, H)), np.empty((N, T, H)), np.empty((N, T, 4 * H))
    for t in range(T):
        h_t, c_t, sc = lstm_step_forward(x[:, t], h_prev, c_prev, W, b)
        if mask is not None:
            keep = mask[:, t][:, None]
            h_t, c_t = np.where(keep, h_t, h_prev), np.where(keep, c_t, c_prev)
        h[:, t], c[:, t], gates[:, t] = h_t, c_t, np.concatenate([sc.i, sc.f, sc.o, sc.g], 1)
        h_prev, c_prev = h_t, c_t
    return h, LSTMCache(x, W, b, h0, c0, h, c, gates, mask)


# ---- lstm_step_backward --------------------------------------------------------------

def lstm_step_back_no_dh_to_dc(dh_next, dc_next, cache):
    x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next = cache
    H = h_prev.shape[1]
    tc = np.tanh(c_next)
    dc = dc_next
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                         dh_next * tc * o * (1 - o)], axis=1)
    dhx = da @ W
    return (dhx[:, H:], dhx[:, :H], dc * f, da.T @ np.concatenate([h_prev, x_t], axis=1),
            da.sum(axis=0))


def lstm_step_back_ignores_dc_next(dh_next, dc_next, cache):
    x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next = cache
    H = h_prev.shape[1]
    tc = np.tanh(c_next)
    dc = dh_next * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                         dh_next * tc * o * (1 - o)], axis=1)
    dhx = da @ W
    return (dhx[:, H:], dhx[:, :H], dc * f, da.T @ np.concatenate([h_prev, x_t], axis=1),
            da.sum(axis=0))


def lstm_step_back_dc_prev_without_f(dh_next, dc_next, cache):
    x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next = cache
    H = h_prev.shape[1]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o * (1 - tc ** 2)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                         dh_next * tc * o * (1 - o)], axis=1)
    dhx = da @ W
    return (dhx[:, H:], dhx[:, :H], dc, da.T @ np.concatenate([h_prev, x_t], axis=1),
            da.sum(axis=0))


def lstm_step_back_gate_derivative_from_h(dh_next, dc_next, cache):
    x_t, h_prev, c_prev, W, b, i, f, g, o, c_next, h_next = cache
    H = h_prev.shape[1]
    tc = np.tanh(c_next)
    dc = dc_next + dh_next * o * (1 - h_next ** 2)  # tanh'(c) written with h instead of tanh(c)
    da = np.concatenate([dc * g * i * (1 - i), dc * c_prev * f * (1 - f), dc * i * (1 - g ** 2),
                         dh_next * tc * o * (1 - o)], axis=1)
    dhx = da @ W
    return (dhx[:, H:], dhx[:, :H], dc * f, da.T @ np.concatenate([h_prev, x_t], axis=1),
            da.sum(axis=0))


# ---- lstm_backward -------------------------------------------------------------------

def lstm_backward_dW_assigned(dh, cache):
    x, W, b, h0, c0, h, c, gates, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_c, dc_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp, cp = (h0, c0) if t == 0 else (h[:, t - 1], c[:, t - 1])
        gt = gates[:, t]
        sc = LSTMStepCache(x[:, t], hp, cp, W, b, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:3 * H],
                           gt[:, 3 * H:], c[:, t], h[:, t])
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dh_t = dh[:, t] + dh_c
        dx[:, t], dhp, dcp, dW, db = lstm_step_backward(np.where(keep, dh_t, 0.0),
                                                        np.where(keep, dc_c, 0.0), sc)
        dh_c, dc_c = np.where(keep, dhp, dh_t), np.where(keep, dcp, dc_c)
    return dx, dh_c, dc_c, dW, db


def lstm_backward_no_dc_carry(dh, cache):
    x, W, b, h0, c0, h, c, gates, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_c, dc_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp, cp = (h0, c0) if t == 0 else (h[:, t - 1], c[:, t - 1])
        gt = gates[:, t]
        sc = LSTMStepCache(x[:, t], hp, cp, W, b, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:3 * H],
                           gt[:, 3 * H:], c[:, t], h[:, t])
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dh_t = dh[:, t] + dh_c
        dx[:, t], dhp, dcp, dW_t, db_t = lstm_step_backward(np.where(keep, dh_t, 0.0),
                                                            np.zeros((N, H)), sc)
        dh_c, dc_c = np.where(keep, dhp, dh_t), np.where(keep, dcp, dc_c)
        dW += dW_t
        db += db_t
    return dx, dh_c, dc_c, dW, db


def lstm_backward_no_dh_carry(dh, cache):
    x, W, b, h0, c0, h, c, gates, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_c, dc_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp, cp = (h0, c0) if t == 0 else (h[:, t - 1], c[:, t - 1])
        gt = gates[:, t]
        sc = LSTMStepCache(x[:, t], hp, cp, W, b, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:3 * H],
                           gt[:, 3 * H:], c[:, t], h[:, t])
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dh_t = dh[:, t]
        dx[:, t], dhp, dcp, dW_t, db_t = lstm_step_backward(np.where(keep, dh_t, 0.0),
                                                            np.where(keep, dc_c, 0.0), sc)
        dh_c, dc_c = np.where(keep, dhp, dh_t), np.where(keep, dcp, dc_c)
        dW += dW_t
        db += db_t
    return dx, dh_c, dc_c, dW, db


def lstm_backward_mask_ignored(dh, cache):
    x, W, b, h0, c0, h, c, gates, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_c, dc_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp, cp = (h0, c0) if t == 0 else (h[:, t - 1], c[:, t - 1])
        gt = gates[:, t]
        sc = LSTMStepCache(x[:, t], hp, cp, W, b, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:3 * H],
                           gt[:, 3 * H:], c[:, t], h[:, t])
        dx[:, t], dh_c, dc_c, dW_t, db_t = lstm_step_backward(dh[:, t] + dh_c, dc_c, sc)
        dW += dW_t
        db += db_t
    return dx, dh_c, dc_c, dW, db


def lstm_backward_masked_steps_drop_dc(dh, cache):
    x, W, b, h0, c0, h, c, gates, mask = cache
    N, T, _ = x.shape
    H = h0.shape[1]
    dx, dW, db = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b)
    dh_c, dc_c = np.zeros((N, H)), np.zeros((N, H))
    for t in reversed(range(T)):
        hp, cp = (h0, c0) if t == 0 else (h[:, t - 1], c[:, t - 1])
        gt = gates[:, t]
        sc = LSTMStepCache(x[:, t], hp, cp, W, b, gt[:, :H], gt[:, H:2 * H], gt[:, 2 * H:3 * H],
                           gt[:, 3 * H:], c[:, t], h[:, t])
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dh_t = dh[:, t] + dh_c
        dx[:, t], dhp, dcp, dW_t, db_t = lstm_step_backward(np.where(keep, dh_t, 0.0),
                                                            np.where(keep, dc_c, 0.0), sc)
        dh_c, dc_c = np.where(keep, dhp, dh_t), np.where(keep, dcp, 0.0)
        dW += dW_t
        db += db_t
    return dx, dh_c, dc_c, dW, db


MUTANTS = [
    Mutant("lstm_step_forward", "Keras orders the gate blocks i, f, c, o (candidate third, output "
           "gate last), not CS231n's i, f, o, g", lstm_step_cs231n_order),
    Mutant("lstm_step_forward", "the forget gate multiplies the old cell state and the input "
           "gate the candidate: c_next = f * c_prev + i * g", lstm_step_forget_on_candidate),
    Mutant("lstm_step_forward", "h_next = o * tanh(c_next): the new cell state, not c_prev",
           lstm_step_tanh_c_prev),
    Mutant("lstm_step_forward", "the candidate g uses tanh (values in (-1, 1)); only i, f and o "
           "use the sigmoid", lstm_step_sigmoid_candidate),
    Mutant("lstm_step_forward", "W acts on [h_prev, x_t], hidden part first, not [x_t, h_prev]",
           lstm_step_input_first),
    Mutant("lstm_step_forward", "return the cache as the provided LSTMStepCache(x_t, h_prev, "
           "c_prev, W, b, i, f, g, o, c_next, h_next), not a plain tuple: lstm_step_backward "
           "reads it by field", lstm_step_plain_tuple_cache),
    Mutant("lstm_forward", "a masked step must carry the cell state c over unchanged too, not "
           "only h", lstm_forward_c_not_carried_when_masked),
    Mutant("lstm_forward", "a masked step must carry h over unchanged too, not only c",
           lstm_forward_h_not_carried_when_masked),
    Mutant("lstm_forward", "the given c0 is ignored: start the cell state from c0 (zeros only "
           "when c0 is None)", lstm_forward_c0_ignored),
    Mutant("lstm_forward", "each step must start from the previous step's cell state c, not "
           "from c0 again", lstm_forward_cell_reset_each_step),
    Mutant("lstm_forward", "cache.gates holds every step's gates in the order i, f, g, o (as "
           "the weights' blocks), which lstm_backward reads", lstm_forward_gates_misordered_in_cache),
    Mutant("lstm_step_backward", "c_next also reaches the loss through h_next = o * tanh(c_next): "
           "add dh_next * o * (1 - tanh(c_next)**2) to dc_next", lstm_step_back_no_dh_to_dc),
    Mutant("lstm_step_backward", "dc_next, the gradient arriving from the later steps through "
           "the cell state, must be added to the cell's gradient", lstm_step_back_ignores_dc_next),
    Mutant("lstm_step_backward", "c_next = f * c_prev + ..., so dc_prev = dc * f, not dc",
           lstm_step_back_dc_prev_without_f),
    Mutant("lstm_step_backward", "the derivative of tanh(c_next) is 1 - tanh(c_next)**2, not "
           "1 - h_next**2 (h_next is o * tanh(c_next))", lstm_step_back_gate_derivative_from_h),
    Mutant("lstm_backward", "dW and db must add up the contributions of every step (+=), not keep "
           "the last one computed", lstm_backward_dW_assigned),
    Mutant("lstm_backward", "the cell state's gradient dc_prev of step t + 1 must be passed to "
           "step t as its dc_next (the path that keeps gradients alive)",
           lstm_backward_no_dc_carry),
    Mutant("lstm_backward", "h_t also feeds step t + 1: add the dh_prev coming back from step "
           "t + 1 to dh[:, t]", lstm_backward_no_dh_carry),
    Mutant("lstm_backward", "the mask is ignored: a skipped step passes both gradients (h and c) "
           "straight to the previous step and adds nothing to dx, dW or db",
           lstm_backward_mask_ignored),
    Mutant("lstm_backward", "a skipped step copied c_prev too: pass the cell state's gradient on "
           "unchanged, do not drop it", lstm_backward_masked_steps_drop_dc),
]
