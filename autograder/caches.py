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


CACHE_TYPES = {c.__name__: c for c in (DenseCache, RNNStepCache, RNNCache, EmbeddingCache)}


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
