"""Realistic mistakes in 04_bptt.

Each function must also run when pasted into the notebook in place of the student's:
it may use only ``np``, the provided caches, the names the notebook imports from
``autograder.blocks`` (rnn_forward, rnn_step_forward) and the graded functions.
"""
import numpy as np

from autograder.caches import RNNStepCache
from solutions.bptt import rnn_step_backward
from solutions.rnn import rnn_forward

from . import Mutant


# ---- rnn_step_backward -------------------------------------------------------------

def step_tanh_one_minus_h(dh_next, cache):
    x_t, h_prev, W, b, h_next = cache
    H = h_prev.shape[1]
    dz = dh_next * (1.0 - h_next)
    dhx = dz @ W
    return dhx[:, H:], dhx[:, :H], dz.T @ np.concatenate([h_prev, x_t], axis=1), dz.sum(axis=0)


def step_no_tanh_derivative(dh_next, cache):
    x_t, h_prev, W, b, h_next = cache
    H = h_prev.shape[1]
    dz = dh_next
    dhx = dz @ W
    return dhx[:, H:], dhx[:, :H], dz.T @ np.concatenate([h_prev, x_t], axis=1), dz.sum(axis=0)


def step_split_swapped(dh_next, cache):
    x_t, h_prev, W, b, h_next = cache
    D = x_t.shape[1]
    dz = dh_next * (1.0 - h_next ** 2)
    dhx = dz @ W
    return dhx[:, -D:], dhx[:, :-D], dz.T @ np.concatenate([x_t, h_prev], axis=1), dz.sum(axis=0)


def step_db_mean(dh_next, cache):
    x_t, h_prev, W, b, h_next = cache
    H = h_prev.shape[1]
    dz = dh_next * (1.0 - h_next ** 2)
    dhx = dz @ W
    return dhx[:, H:], dhx[:, :H], dz.T @ np.concatenate([h_prev, x_t], axis=1), dz.mean(axis=0)


# ---- rnn_backward ------------------------------------------------------------------

def backward_dW_assigned(dh, cache):
    x, W, b, h0, h, mask = cache
    N, T, _ = x.shape
    dx, dW, db, carry = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b), np.zeros_like(h0)
    for t in reversed(range(T)):
        dh_t = dh[:, t] + carry
        h_prev = h0 if t == 0 else h[:, t - 1]
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dx[:, t], dh_prev, dW, db = rnn_step_backward(
            np.where(keep, dh_t, 0.0), RNNStepCache(x[:, t], h_prev, W, b, h[:, t]))
        carry = np.where(keep, dh_prev, dh_t)
    return dx, carry, dW, db


def backward_no_carry(dh, cache):
    x, W, b, h0, h, mask = cache
    N, T, _ = x.shape
    dx, dW, db, carry = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b), np.zeros_like(h0)
    for t in reversed(range(T)):
        dh_t = dh[:, t]
        h_prev = h0 if t == 0 else h[:, t - 1]
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dx[:, t], dh_prev, dW_t, db_t = rnn_step_backward(
            np.where(keep, dh_t, 0.0), RNNStepCache(x[:, t], h_prev, W, b, h[:, t]))
        carry = np.where(keep, dh_prev, dh_t)
        dW += dW_t
        db += db_t
    return dx, carry, dW, db


def backward_mask_ignored(dh, cache):
    x, W, b, h0, h, mask = cache
    N, T, _ = x.shape
    dx, dW, db, carry = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b), np.zeros_like(h0)
    for t in reversed(range(T)):
        h_prev = h0 if t == 0 else h[:, t - 1]
        dx[:, t], carry, dW_t, db_t = rnn_step_backward(
            dh[:, t] + carry, RNNStepCache(x[:, t], h_prev, W, b, h[:, t]))
        dW += dW_t
        db += db_t
    return dx, carry, dW, db


def backward_masked_steps_block_gradient(dh, cache):
    x, W, b, h0, h, mask = cache
    N, T, _ = x.shape
    dx, dW, db, carry = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b), np.zeros_like(h0)
    for t in reversed(range(T)):
        dh_t = dh[:, t] + carry
        h_prev = h0 if t == 0 else h[:, t - 1]
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dx[:, t], dh_prev, dW_t, db_t = rnn_step_backward(
            np.where(keep, dh_t, 0.0), RNNStepCache(x[:, t], h_prev, W, b, h[:, t]))
        carry = np.where(keep, dh_prev, 0.0)
        dW += dW_t
        db += db_t
    return dx, carry, dW, db


def backward_h_prev_off_by_one(dh, cache):
    x, W, b, h0, h, mask = cache
    N, T, _ = x.shape
    dx, dW, db, carry = np.zeros_like(x), np.zeros_like(W), np.zeros_like(b), np.zeros_like(h0)
    for t in reversed(range(T)):
        dh_t = dh[:, t] + carry
        h_prev = h[:, t]
        keep = np.ones((N, 1), bool) if mask is None else mask[:, t][:, None]
        dx[:, t], dh_prev, dW_t, db_t = rnn_step_backward(
            np.where(keep, dh_t, 0.0), RNNStepCache(x[:, t], h_prev, W, b, h[:, t]))
        carry = np.where(keep, dh_prev, dh_t)
        dW += dW_t
        db += db_t
    return dx, carry, dW, db


# ---- clip_by_global_norm -----------------------------------------------------------

def clip_each_separately(grads, max_norm):
    norms = [float(np.sqrt(np.sum(g ** 2))) for g in grads]
    global_norm = float(np.sqrt(sum(n ** 2 for n in norms)))
    return [g * max_norm / max(n, max_norm) for g, n in zip(grads, norms)], global_norm


def clip_always_rescales(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return [g * max_norm / (global_norm + 1e-12) for g in grads], global_norm


def clip_sum_of_norms(grads, max_norm):
    global_norm = float(sum(np.sqrt(np.sum(g ** 2)) for g in grads))
    return [g * max_norm / max(global_norm, max_norm) for g in grads], global_norm


def clip_in_place_returns_new_norm(grads, max_norm):
    global_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    if global_norm > max_norm:
        for g in grads:
            g *= max_norm / global_norm
        global_norm = float(np.sqrt(sum(np.sum(g ** 2) for g in grads)))
    return grads, global_norm


# ---- hidden_gradient_norms ---------------------------------------------------------

def norms_no_tanh_derivative(x, W, b):
    h, _ = rnn_forward(x, W, b)
    N, T, H = h.shape
    norms, g = np.empty(T), np.ones((N, H))
    norms[T - 1] = np.linalg.norm(g)
    for t in range(T - 1, 0, -1):
        g = g @ W[:, :H]
        norms[t - 1] = np.linalg.norm(g)
    return norms


def norms_transposed_weight(x, W, b):
    h, _ = rnn_forward(x, W, b)
    N, T, H = h.shape
    norms, g = np.empty(T), np.ones((N, H))
    norms[T - 1] = np.linalg.norm(g)
    for t in range(T - 1, 0, -1):
        g = (g * (1.0 - h[:, t] ** 2)) @ W[:, :H].T
        norms[t - 1] = np.linalg.norm(g)
    return norms


def norms_derivative_at_wrong_step(x, W, b):
    h, _ = rnn_forward(x, W, b)
    N, T, H = h.shape
    norms, g = np.empty(T), np.ones((N, H))
    norms[T - 1] = np.linalg.norm(g)
    for t in range(T - 1, 0, -1):
        g = (g * (1.0 - h[:, t - 1] ** 2)) @ W[:, :H]
        norms[t - 1] = np.linalg.norm(g)
    return norms


def norms_reversed(x, W, b):
    h, _ = rnn_forward(x, W, b)
    N, T, H = h.shape
    norms, g = [], np.ones((N, H))
    norms.append(np.linalg.norm(g))
    for t in range(T - 1, 0, -1):
        g = (g * (1.0 - h[:, t] ** 2)) @ W[:, :H]
        norms.append(np.linalg.norm(g))
    return np.array(norms)


MUTANTS = [
    Mutant("rnn_step_backward", "tanh's derivative is 1 - h_next**2, not 1 - h_next",
           step_tanh_one_minus_h),
    Mutant("rnn_step_backward", "the gradient must go through tanh first: dz = dh_next * "
           "(1 - h_next**2)", step_no_tanh_derivative),
    Mutant("rnn_step_backward", "W acts on [h_prev, x_t], hidden part first: dh_prev is the first "
           "H columns of dz @ W and dx_t the rest", step_split_swapped),
    Mutant("rnn_step_backward", "db sums dz over the batch; it is not the mean", step_db_mean),
    Mutant("rnn_backward", "dW and db must add up the contributions of every step (+=), not keep "
           "the last one computed", backward_dW_assigned),
    Mutant("rnn_backward", "h_t also feeds step t + 1: add the gradient coming back from step t + 1 "
           "to dh[:, t] before the step's backward pass", backward_no_carry),
    Mutant("rnn_backward", "the mask is ignored: a skipped step must pass its gradient straight to "
           "h_prev and add nothing to dx, dW or db", backward_mask_ignored),
    Mutant("rnn_backward", "a skipped (masked) step copied h_prev, so its whole gradient must be "
           "passed on to h_prev, not dropped", backward_masked_steps_block_gradient),
    Mutant("rnn_backward", "step t reads h_prev = h[:, t - 1] (h0 at t = 0), not h[:, t]",
           backward_h_prev_off_by_one),
    Mutant("clip_by_global_norm", "the norm is global: scale every array by the same factor "
           "max_norm / global_norm, not each array by its own norm", clip_each_separately),
    Mutant("clip_by_global_norm", "gradients whose global norm is below max_norm must stay "
           "unchanged, never be scaled up", clip_always_rescales),
    Mutant("clip_by_global_norm", "the global norm is sqrt(sum of all squared entries), not the "
           "sum of each array's norm", clip_sum_of_norms),
    Mutant("clip_by_global_norm", "return new arrays and leave grads unchanged; global_norm is the "
           "norm before clipping", clip_in_place_returns_new_norm),
    Mutant("hidden_gradient_norms", "each step back multiplies by tanh's derivative 1 - h_t**2 "
           "before the recurrent weights", norms_no_tanh_derivative),
    Mutant("hidden_gradient_norms", "with row vectors, going back one step is g @ W_h "
           "(W_h = W[:, :H]), not g @ W_h.T", norms_transposed_weight),
    Mutant("hidden_gradient_norms", "going back through step t uses tanh's derivative at h_t "
           "(the state that step produced), not at h_{t-1}", norms_derivative_at_wrong_step),
    Mutant("hidden_gradient_norms", "norms[t] belongs to step t: the last step's norm goes last, "
           "not first", norms_reversed),
]
