"""05_embeddings_optimizers: the embedding layer, a table lookup that is a one-hot product."""
import numpy as np

from autograder.caches import EmbeddingCache


def embedding_forward(ids, E):
    """Look up the vector of every id.

    Inputs:
    - ids: integer ids, of shape (N, T), each in [0, V)
    - E: the embedding table, of shape (V, D); row i is the vector of id i
    Returns a tuple of:
    - x: the vectors, of shape (N, T, D); x[n, t] = E[ids[n, t]]
    - cache: EmbeddingCache(ids, vocab_size) for the backward pass
    """
    x = E[ids]  # (N, T, D): the same as one_hot(ids) @ E, without building the one-hots
    return x, EmbeddingCache(ids, E.shape[0])


def embedding_backward(dx, cache):
    """Gradient of the embedding table.

    Inputs:
    - dx: upstream gradient of the looked-up vectors, of shape (N, T, D)
    - cache: EmbeddingCache(ids, vocab_size) from embedding_forward
    Returns:
    - dE: gradient with respect to E, of shape (vocab_size, D); the rows of ids
      that never occur are zero, and an id that occurs k times gets the sum of
      its k upstream gradients
    """
    ids, vocab_size = cache
    dE = np.zeros((vocab_size, dx.shape[-1]))  # (V, D)
    # np.add.at accumulates repeated ids; dE[ids] += dx would keep only one of them.
    np.add.at(dE, ids, dx)
    return dE
