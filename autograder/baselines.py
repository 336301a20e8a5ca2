"""What 06_sentiment compares its models with, and the pretrained vectors of its recipe.

Shared by the capstone notebook and ``scripts/bench_sentiment.py`` so that the figures
in one are the figures of the other. NumPy only, and public (students receive it): it
imports no reference solution, the caller passes the optimizer (the notebook its
``autograder.blocks.Adam``). Nothing here is graded.

- :func:`bag_of_words` and :class:`BagOfWords`: logistic regression on which words a
  review contains (their order ignored), trained with the course's Adam.
- :func:`polarity_vectors`: embeddings whose first column is each word's weight in
  such a model, learned from the training split only: a simple pretrained signal
  ("this word leans positive") for the recurrent model to start from.
- :func:`kfold_indices`: the folds of k-fold cross-validation, to choose a learning rate
  on small data (scikit-learn's KFold does the same; the course does not need it).
"""
import numpy as np


def _sigmoid(z):
    return 0.5 * (1.0 + np.tanh(0.5 * z))  # = 1 / (1 + e^-z), without overflow


def bag_of_words(ids, vocab_size, binary=True):
    """Padded ids (N, T) -> (N, V) counts of each id (padding 0 not counted).

    binary=True marks presence (1 if the word occurs) instead of counting: on reviews
    of hundreds of words, counts let "the" and "movie" swamp the rare telling words.
    """
    ids = np.asarray(ids)
    out = np.zeros((len(ids), vocab_size))
    np.add.at(out, (np.repeat(np.arange(len(ids)), ids.shape[1]), ids.ravel()), 1.0)
    out[:, 0] = 0.0  # padding is not a word
    return np.minimum(out, 1.0) if binary else out


class BagOfWords:
    """Logistic regression on bag_of_words features: p = sigmoid(B w + b).

    Full-batch steps of the given optimizer (the course's Adam(learning_rate=0.05) in
    the notebook and the benchmark) on the mean cross-entropy plus l2 * |w|^2 / 2 (a
    little weight decay keeps rare words from getting huge weights on a small set).
    """

    def __init__(self, vocab_size, binary=True, l2=1e-3):
        self.V, self.binary, self.l2 = vocab_size, binary, l2
        self.params = {"w": np.zeros(vocab_size), "b": np.zeros(1)}

    def fit(self, ids, y, optimizer, steps=300):
        """optimizer: an object with update(params, grads), e.g. Adam(learning_rate=0.05)."""
        B, y = bag_of_words(ids, self.V, self.binary), np.asarray(y, dtype=np.float64)
        for _ in range(steps):
            dz = (_sigmoid(B @ self.params["w"] + self.params["b"]) - y) / len(y)  # (N,)
            optimizer.update(self.params, {"w": B.T @ dz + self.l2 * self.params["w"],
                                           "b": np.array([dz.sum()])})
        return self

    def predict(self, ids):
        """Probabilities (N,) of the positive class."""
        B = bag_of_words(ids, self.V, self.binary)
        return _sigmoid(B @ self.params["w"] + self.params["b"])

    def accuracy(self, ids, y):
        return float(np.mean((self.predict(ids) > 0.5) == (np.asarray(y) > 0.5)))


def polarity_vectors(ids, y, vocab_size, embed_dim, optimizer, seed=0, scale=1.0):
    """Pretrained embeddings (V, D) from the training split: column 0 is each word's
    weight in a BagOfWords model, rescaled to [-scale, scale]; the other columns are
    Keras's default start (uniform in [-0.05, 0.05], from default_rng(seed)).

    Inputs:
    - ids: padded training ids (N, T); y: their labels (N,)
    - vocab_size, embed_dim: V, D
    - optimizer: for the BagOfWords model, e.g. Adam(learning_rate=0.05)
    Returns:
    - vectors: of shape (V, D); row 0 (padding) is never read by the model
    """
    weights = BagOfWords(vocab_size).fit(ids, y, optimizer).params["w"]  # (V,)
    vectors = np.random.default_rng(seed).uniform(-0.05, 0.05, (vocab_size, embed_dim))
    vectors[:, 0] = scale * weights / max(np.abs(weights).max(), 1e-12)
    return vectors


def kfold_indices(n, folds, seed=0):
    """The folds of k-fold cross-validation over n samples.

    The samples are shuffled once (np.random.default_rng(seed)) and cut into ``folds``
    parts of nearly equal size; each part is held out once.
    Returns a list of ``folds`` pairs (held_out, kept) of index arrays.
    """
    if not 2 <= folds <= n:
        raise ValueError(f"folds must be between 2 and the number of samples ({n}), got {folds}")
    parts = np.array_split(np.random.default_rng(seed).permutation(n), folds)
    return [(part, np.concatenate(parts[:i] + parts[i + 1:])) for i, part in enumerate(parts)]
