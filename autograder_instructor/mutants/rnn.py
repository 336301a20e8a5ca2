"""Realistic mistakes in 03_rnn (each must also run pasted into the notebook)."""
import numpy as np

from autograder.caches import RNNCache, RNNStepCache
from solutions.rnn import rnn_forward, rnn_step_forward

from . import Mutant


# rnn_step_forward

def step_input_first(x_t, h_prev, W, b):
    h_next = np.tanh(np.concatenate([x_t, h_prev], axis=1) @ W.T + b)
    return h_next, RNNStepCache(x_t, h_prev, W, b, h_next)


def step_sigmoid(x_t, h_prev, W, b):
    z = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    h_next = 1.0 / (1.0 + np.exp(-np.clip(z, -500, 500)))
    return h_next, RNNStepCache(x_t, h_prev, W, b, h_next)


def step_no_bias(x_t, h_prev, W, b):
    h_next = np.tanh(np.concatenate([h_prev, x_t], axis=1) @ W.T)
    return h_next, RNNStepCache(x_t, h_prev, W, b, h_next)


def step_state_ignored(x_t, h_prev, W, b):
    H = W.shape[0]
    h_next = np.tanh(x_t @ W[:, H:].T + b)
    return h_next, RNNStepCache(x_t, h_prev, W, b, h_next)


def step_no_tanh(x_t, h_prev, W, b):
    h_next = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    return h_next, RNNStepCache(x_t, h_prev, W, b, h_next)


def step_plain_tuple_cache(x_t, h_prev, W, b):
    h_next = np.tanh(np.concatenate([h_prev, x_t], axis=1) @ W.T + b)
    return h_next, (x_t, h_prev, W, b)


def step_cache_holds_z(x_t, h_prev, W, b):
    z = np.concatenate([h_prev, x_t], axis=1) @ W.T + b
    return np.tanh(z), RNNStepCache(x_t, h_prev, W, b, z)


# rnn_forward

def forward_h0_ignored(x, W, b, h0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0]
    h, h_prev = np.empty((N, T, H)), np.zeros((N, H))
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t], h_prev, W, b)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h[:, t] = h_prev = h_t
    return h, RNNCache(x, W, b, np.zeros((N, H)), h, mask)


def forward_cache_h0_as_given(x, W, b, h0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0]
    h, h_prev = np.empty((N, T, H)), np.zeros((N, H)) if h0 is None else h0
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t], h_prev, W, b)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h[:, t] = h_prev = h_t
    return h, RNNCache(x, W, b, h0, h, mask)


def forward_plain_tuple_cache(x, W, b, h0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, h_prev = np.empty((N, T, H)), h0
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t], h_prev, W, b)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h[:, t] = h_prev = h_t
    return h, (x, W, b, h)


def forward_mask_ignored(x, W, b, h0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, h_prev = np.empty((N, T, H)), h0
    for t in range(T):
        h_prev, _ = rnn_step_forward(x[:, t], h_prev, W, b)
        h[:, t] = h_prev
    return h, RNNCache(x, W, b, h0, h, mask)


def forward_masked_writes_zeros(x, W, b, h0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, h_prev = np.empty((N, T, H)), h0
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t], h_prev, W, b)
        if mask is not None:
            keep = mask[:, t][:, None]
            h[:, t] = np.where(keep, h_t, 0.0)
            h_prev = np.where(keep, h_t, h_prev)
        else:
            h[:, t] = h_prev = h_t
    return h, RNNCache(x, W, b, h0, h, mask)


def forward_masked_resets_state(x, W, b, h0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, h_prev = np.empty((N, T, H)), h0
    for t in range(T):
        h_t, _ = rnn_step_forward(x[:, t], h_prev, W, b)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, 0.0)
        h[:, t] = h_prev = h_t
    return h, RNNCache(x, W, b, h0, h, mask)


def forward_state_before_step(x, W, b, h0=None, mask=None):
    N, T, _ = x.shape
    H = W.shape[0]
    h0 = np.zeros((N, H)) if h0 is None else h0
    h, h_prev = np.empty((N, T, H)), h0
    for t in range(T):
        h[:, t] = h_prev
        h_t, _ = rnn_step_forward(x[:, t], h_prev, W, b)
        if mask is not None:
            h_t = np.where(mask[:, t][:, None], h_t, h_prev)
        h_prev = h_t
    return h, RNNCache(x, W, b, h0, h, mask)


# pad_sequences

def pad_post_by_default(sequences, maxlen=None, padding="post", truncating="pre", value=0):
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    out = np.full((len(sequences), maxlen), value, dtype=np.int32)
    for i, seq in enumerate(sequences):
        if len(seq) == 0 or maxlen == 0:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


def pad_truncates_wrong_end(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    out = np.full((len(sequences), maxlen), value, dtype=np.int32)
    for i, seq in enumerate(sequences):
        if len(seq) == 0 or maxlen == 0:
            continue
        kept = seq[:maxlen] if truncating == "pre" else seq[-maxlen:]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


def pad_float_result(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    out = np.full((len(sequences), maxlen), float(value))
    for i, seq in enumerate(sequences):
        if len(seq) == 0 or maxlen == 0:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


def pad_empty_not_skipped(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    if maxlen is None:
        maxlen = max(len(s) for s in sequences)
    out = np.full((len(sequences), maxlen), value, dtype=np.int32)
    for i, seq in enumerate(sequences):
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, -len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


def pad_value_ignored(sequences, maxlen=None, padding="pre", truncating="pre", value=0):
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    out = np.zeros((len(sequences), maxlen), dtype=np.int32)
    for i, seq in enumerate(sequences):
        if len(seq) == 0 or maxlen == 0:
            continue
        kept = seq[-maxlen:] if truncating == "pre" else seq[:maxlen]
        if padding == "pre":
            out[i, maxlen - len(kept):] = kept
        else:
            out[i, :len(kept)] = kept
    return out


# birnn_forward

def birnn_not_reversed(x, W_f, b_f, W_b, b_b, mask=None):
    h_f, _ = rnn_forward(x, W_f, b_f, mask=mask)
    h_b, _ = rnn_forward(x, W_b, b_b, mask=mask)
    return np.concatenate([h_f[:, -1], h_b[:, -1]], axis=1)


def birnn_backward_forgets_mask(x, W_f, b_f, W_b, b_b, mask=None):
    h_f, _ = rnn_forward(x, W_f, b_f, mask=mask)
    h_b, _ = rnn_forward(x[:, ::-1], W_b, b_b)
    return np.concatenate([h_f[:, -1], h_b[:, -1]], axis=1)


def birnn_mask_not_reversed(x, W_f, b_f, W_b, b_b, mask=None):
    h_f, _ = rnn_forward(x, W_f, b_f, mask=mask)
    h_b, _ = rnn_forward(x[:, ::-1], W_b, b_b, mask=mask)
    return np.concatenate([h_f[:, -1], h_b[:, -1]], axis=1)


def birnn_backward_first_state(x, W_f, b_f, W_b, b_b, mask=None):
    h_f, _ = rnn_forward(x, W_f, b_f, mask=mask)
    back_mask = None if mask is None else mask[:, ::-1]
    h_b, _ = rnn_forward(x[:, ::-1], W_b, b_b, mask=back_mask)
    return np.concatenate([h_f[:, -1], h_b[:, 0]], axis=1)


def birnn_swapped(x, W_f, b_f, W_b, b_b, mask=None):
    h_f, _ = rnn_forward(x, W_f, b_f, mask=mask)
    back_mask = None if mask is None else mask[:, ::-1]
    h_b, _ = rnn_forward(x[:, ::-1], W_b, b_b, mask=back_mask)
    return np.concatenate([h_b[:, -1], h_f[:, -1]], axis=1)


MUTANTS = [
    Mutant("rnn_step_forward", "W acts on [h_prev; x_t], hidden part first: concatenate "
           "[h_prev, x_t], not [x_t, h_prev]", step_input_first),
    Mutant("rnn_step_forward", "the simple RNN uses tanh, not the logistic sigmoid (states lie "
           "in [-1, 1])", step_sigmoid),
    Mutant("rnn_step_forward", "did you forget the bias b?", step_no_bias),
    Mutant("rnn_step_forward", "did you forget the tanh? h_next = tanh([h_prev, x_t] @ W.T + "
           "b); without it the state is unbounded", step_no_tanh),
    Mutant("rnn_step_forward", "return the provided RNNStepCache(x_t, h_prev, W, b, h_next), not a "
           "plain tuple: rnn_step_backward reads h_next from it", step_plain_tuple_cache),
    Mutant("rnn_step_forward", "cache.h_next is the new state tanh(z), not the pre-activation z: "
           "rnn_step_backward computes tanh's derivative from it", step_cache_holds_z),
    Mutant("rnn_step_forward", "the previous state is missing: W[:, :H] must act on h_prev",
           step_state_ignored),
    Mutant("rnn_forward", "h0 is ignored: start from the given h0 (zeros only when h0 is None)",
           forward_h0_ignored),
    Mutant("rnn_forward", "cache.h0 is the initial state actually used: zeros of shape (N, H) "
           "when h0 is None (rnn_backward returns dh0 of that shape)", forward_cache_h0_as_given),
    Mutant("rnn_forward", "return the provided RNNCache(x, W, b, h0, h, mask), not a plain "
           "tuple: rnn_backward reads its fields by name", forward_plain_tuple_cache),
    Mutant("rnn_forward", "the mask is ignored: where mask[n, t] is False the state must carry "
           "over unchanged", forward_mask_ignored),
    Mutant("rnn_forward", "a masked step repeats the previous state in h (as Keras repeats its "
           "output); it does not write zeros", forward_masked_writes_zeros),
    Mutant("rnn_forward", "a masked step keeps the state; it does not reset it to zeros",
           forward_masked_resets_state),
    Mutant("rnn_forward", "h[:, t] is the state after step t, not the state before it",
           forward_state_before_step),
    Mutant("pad_sequences", "padding defaults to 'pre' (zeros first, as Keras), not 'post'",
           pad_post_by_default),
    Mutant("pad_sequences", "truncating='pre' drops the beginning and keeps the last maxlen "
           "items (seq[-maxlen:])", pad_truncates_wrong_end),
    Mutant("pad_sequences", "the result is an int32 array (np.full(..., dtype=np.int32)), not "
           "floats", pad_float_result),
    Mutant("pad_sequences", "an empty sequence stays all padding: skip it (out[i, -0:] is the "
           "whole row)", pad_empty_not_skipped),
    Mutant("pad_sequences", "fill with `value`, not always 0", pad_value_ignored),
    Mutant("birnn_forward", "the backward RNN must read the sequence reversed (x[:, ::-1])",
           birnn_not_reversed),
    Mutant("birnn_forward", "the backward RNN needs the mask too, reversed like its input "
           "(mask[:, ::-1])", birnn_backward_forgets_mask),
    Mutant("birnn_forward", "reverse the mask together with the input (mask[:, ::-1])",
           birnn_mask_not_reversed),
    Mutant("birnn_forward", "the backward RNN's final state is its last one, h_b[:, -1], after "
           "reading back to the first step", birnn_backward_first_state),
    Mutant("birnn_forward", "Keras concatenates [forward, backward], in that order",
           birnn_swapped),
]
