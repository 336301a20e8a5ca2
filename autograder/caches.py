"""The caches that forward passes return and backward passes read.

Students fill these, they never redesign them: a backward pass can then be graded
on the reference forward's cache, and a forward pass on its own.
"""
from typing import NamedTuple, Optional

import numpy as np


class DenseCache(NamedTuple):
    """What ``dense_backward`` needs: ``z = x @ W.T + b`` and ``y = f(z)``."""

    x: np.ndarray  # (N, in)
    W: np.ndarray  # (out, in)
    b: np.ndarray  # (out,)
    z: np.ndarray  # (N, out) pre-activation
    y: np.ndarray  # (N, out) activation output
    activation: str


class RNNStepCache(NamedTuple):
    """What ``rnn_step_backward`` needs from one step of the recurrence."""

    x_t: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    W: np.ndarray  # (H, H + D), hidden part first
    b: np.ndarray  # (H,)
    h_next: np.ndarray  # (N, H)


class RNNCache(NamedTuple):
    """What ``rnn_backward`` needs from a whole sequence."""

    x: np.ndarray  # (N, T, D)
    W: np.ndarray  # (H, H + D)
    b: np.ndarray  # (H,)
    h0: np.ndarray  # (N, H) the initial state actually used
    h: np.ndarray  # (N, T, H) every step's state
    mask: Optional[np.ndarray]  # None or (N, T) bool


class EmbeddingCache(NamedTuple):
    """What ``embedding_backward`` needs: the ids looked up and the table's size."""

    ids: np.ndarray  # (N, T) int
    vocab_size: int


# ---- 07_gated: LSTM and GRU -----------------------------------------------------------

class LSTMStepCache(NamedTuple):
    """What ``lstm_step_backward`` needs from one LSTM step (gates after their activation)."""

    x_t: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    c_prev: np.ndarray  # (N, H)
    W: np.ndarray  # (4H, H + D), hidden part first, gate blocks i, f, c, o
    b: np.ndarray  # (4H,)
    i: np.ndarray  # (N, H) input gate, sigmoid(a_i)
    f: np.ndarray  # (N, H) forget gate, sigmoid(a_f)
    g: np.ndarray  # (N, H) candidate, tanh(a_c)
    o: np.ndarray  # (N, H) output gate, sigmoid(a_o)
    c_next: np.ndarray  # (N, H)
    h_next: np.ndarray  # (N, H)


class LSTMCache(NamedTuple):
    """What ``lstm_backward`` needs from a whole sequence."""

    x: np.ndarray  # (N, T, D)
    W: np.ndarray  # (4H, H + D)
    b: np.ndarray  # (4H,)
    h0: np.ndarray  # (N, H) the initial states actually used
    c0: np.ndarray  # (N, H)
    h: np.ndarray  # (N, T, H) every step's hidden state
    c: np.ndarray  # (N, T, H) every step's cell state
    gates: np.ndarray  # (N, T, 4H) every step's [i, f, g, o] after their activations
    mask: Optional[np.ndarray]  # None or (N, T) bool


class GRUStepCache(NamedTuple):
    """What ``gru_step_backward`` needs from one GRU step (Keras's reset_after=True)."""

    x_t: np.ndarray  # (N, D)
    h_prev: np.ndarray  # (N, H)
    Wx: np.ndarray  # (3H, D), blocks z, r, h
    Wh: np.ndarray  # (3H, H)
    bx: np.ndarray  # (3H,)
    bh: np.ndarray  # (3H,)
    z: np.ndarray  # (N, H) update gate
    r: np.ndarray  # (N, H) reset gate
    hh: np.ndarray  # (N, H) candidate state
    ah: np.ndarray  # (N, H) h_prev @ Wh_h.T + bh_h, the part the reset gate multiplies
    h_next: np.ndarray  # (N, H)


class GRUCache(NamedTuple):
    """What ``gru_backward`` needs from a whole sequence."""

    x: np.ndarray  # (N, T, D)
    Wx: np.ndarray  # (3H, D)
    Wh: np.ndarray  # (3H, H)
    bx: np.ndarray  # (3H,)
    bh: np.ndarray  # (3H,)
    h0: np.ndarray  # (N, H) the initial state actually used
    h: np.ndarray  # (N, T, H) every step's state
    gates: np.ndarray  # (N, T, 3H) every step's [z, r, hh]
    ah: np.ndarray  # (N, T, H) every step's h_prev @ Wh_h.T + bh_h
    mask: Optional[np.ndarray]  # None or (N, T) bool


CACHE_TYPES = {c.__name__: c for c in (DenseCache, RNNStepCache, RNNCache, EmbeddingCache,
                                       LSTMStepCache, LSTMCache, GRUStepCache, GRUCache)}
# ---- 08_cnn_tagging ---------------------------------------------------------------

class Conv1DCache(NamedTuple):
    """What ``conv1d_backward`` needs: the unpadded input and the zeros added on each side."""

    x: np.ndarray  # (N, T, D) the input before padding
    K: np.ndarray  # (k, D, F) Keras's Conv1D kernel layout
    b: np.ndarray  # (F,)
    left: int  # zeros added before the first step
    right: int  # zeros added after the last step


class MaxPoolCache(NamedTuple):
    """What ``global_max_pool_backward`` needs: the input and its maximum over time."""

    x: np.ndarray  # (N, T, F)
    y: np.ndarray  # (N, F)


class TemporalDenseCache(NamedTuple):
    """What ``temporal_dense_backward`` needs: the same dense layer at every step."""

    h: np.ndarray  # (N, T, H)
    W: np.ndarray  # (M, H)
    b: np.ndarray  # (M,)


CACHE_TYPES.update({c.__name__: c for c in (Conv1DCache, MaxPoolCache, TemporalDenseCache)})
