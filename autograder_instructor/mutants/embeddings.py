"""Realistic mistakes in 05_embeddings_optimizers: the embedding lookup and its gradient.

Each function must also run when pasted into the notebook in place of the student's: it
may use only ``np``, the provided caches and the graded names.
"""
import numpy as np

from autograder.caches import EmbeddingCache

from . import Mutant


def forward_one_based(ids, E):
    return E[ids - 1], EmbeddingCache(ids, E.shape[0])


def forward_time_major(ids, E):
    return E[ids.T], EmbeddingCache(ids, E.shape[0])


def forward_padding_zeroed(ids, E):
    x = E[ids] * (ids != 0)[..., None]
    return x, EmbeddingCache(ids, E.shape[0])


def forward_one_hot_of_seen_ids(ids, E):
    one_hot = np.eye(ids.max() + 1)[ids]  # (N, T, max id + 1)
    return one_hot @ E[: ids.max() + 1], EmbeddingCache(ids, ids.max() + 1)


# ---- embedding_backward ------------------------------------------------------------

def backward_fancy_index_add(dx, cache):
    ids, vocab_size = cache
    dE = np.zeros((vocab_size, dx.shape[-1]))
    dE[ids] += dx
    return dE


def backward_rows_up_to_max_id(dx, cache):
    ids, vocab_size = cache
    dE = np.zeros((ids.max() + 1, dx.shape[-1]))
    np.add.at(dE, ids, dx)
    return dE


def backward_loop_over_batch(dx, cache):
    ids, vocab_size = cache
    dE = np.zeros((vocab_size, dx.shape[-1]))
    for n in range(ids.shape[0]):
        dE[ids[n]] += dx[n]
    return dE


def backward_mean_of_repeats(dx, cache):
    ids, vocab_size = cache
    dE = np.zeros((vocab_size, dx.shape[-1]))
    np.add.at(dE, ids, dx)
    counts = np.bincount(ids.ravel(), minlength=vocab_size)
    return dE / np.maximum(counts, 1)[:, None]


# ---- SGD -------------------------------------------------------------------------


MUTANTS = [
    Mutant("embedding_forward", "ids start at 0: row i of E is the vector of id i (no - 1)",
           forward_one_based),
    Mutant("embedding_forward", "x has shape (N, T, D), batch first: index E with ids, not ids.T",
           forward_time_major),
    Mutant("embedding_forward", "the embedding layer looks up id 0 like any other id; masking "
           "padding is the RNN's job, not a zero vector", forward_padding_zeroed),
    Mutant("embedding_forward", "the table has V = E.shape[0] rows whatever ids occur: a one-hot "
           "of size ids.max() + 1 loses the rest of the vocabulary", forward_one_hot_of_seen_ids),
    Mutant("embedding_backward", "dE[ids] += dx keeps only one of several repeated ids: use "
           "np.add.at(dE, ids, dx) so that repeats accumulate", backward_fancy_index_add),
    Mutant("embedding_backward", "dE has the table's shape (vocab_size, D), from the cache, even "
           "when the largest ids never occur", backward_rows_up_to_max_id),
    Mutant("embedding_backward", "repeats inside one sequence must accumulate too: dE[ids[n]] += "
           "dx[n] drops them", backward_loop_over_batch),
    Mutant("embedding_backward", "the gradient of a row is the sum over its occurrences, not the "
           "mean", backward_mean_of_repeats),
]
