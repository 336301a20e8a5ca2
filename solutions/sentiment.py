"""06_sentiment: a sentiment classifier, Embedding -> masked SimpleRNN -> Dense(1, sigmoid).

The capstone puts the earlier building blocks together (they come from
``autograder.blocks`` in the notebook) and builds the same model in Keras.
"""
import numpy as np

from autograder.corpus import tokenize
# The notebook imports these from autograder.blocks; they are imported here so the
# checks run the graded code next to the same names.
from solutions.bptt import clip_by_global_norm, rnn_backward  # noqa: F401
from solutions.dense import sigmoid  # noqa: F401
from solutions.embeddings import embedding_backward, embedding_forward  # noqa: F401
from solutions.optimizers import SGD, Adam  # noqa: F401
from solutions.rnn import pad_sequences, rnn_forward  # noqa: F401

KINDS = ("simple_rnn", "lstm", "gru", "bilstm", "cnn")


def build_vocabulary(texts, max_words):
    """Map every word to an id: 0 padding, 1 out-of-vocabulary, then by frequency.

    Inputs:
    - texts: a list of str, split into words with tokenize(text)
    - max_words: the size of the vocabulary, "<pad>" and "<unk>" included (so every
      id is below max_words, as with Keras's num_words); None keeps every word
    Returns:
    - vocab: a dict word -> id with vocab["<pad>"] == 0, vocab["<unk>"] == 1, and the
      other words numbered from 2 by descending count over all texts, ties in
      alphabetical order
    """
    counts = {}
    for text in texts:
        for word in tokenize(text):
            counts[word] = counts.get(word, 0) + 1
    # Sorting by (-count, word) puts frequent words first and breaks ties alphabetically.
    words = sorted(counts, key=lambda w: (-counts[w], w))
    if max_words is not None:
        words = words[:max(max_words - 2, 0)]
    vocab = {"<pad>": 0, "<unk>": 1}
    for i, word in enumerate(words):
        vocab[word] = i + 2
    return vocab


def texts_to_ids(texts, vocab):
    """Turn texts into lists of ids; words missing from vocab become 1 ("<unk>").

    Inputs:
    - texts: a list of N str
    - vocab: a dict from build_vocabulary
    Returns:
    - a list of N lists of int, one id per token of tokenize(text)
    """
    return [[vocab.get(word, 1) for word in tokenize(text)] for text in texts]


class SentimentRNN:
    """Embedding -> SimpleRNN (id 0 masked) -> Dense(1, sigmoid), in NumPy.

    Parameters live in ``self.params``:
    - E: (V, D) embedding table; W: (H, H + D) acting on [h; x]; b: (H,)
    - W_out: (1, H) and b_out: (1,), the output layer on the last state
    The loss is the mean binary cross-entropy, computed from the logit z (stable,
    no clipping: what Keras computes for Dense(1, activation="sigmoid")).
    """

    def __init__(self, vocab_size, embed_dim, hidden_dim, seed=0, embeddings=None,
                 trainable_embeddings=True):
        """Initialise as Keras does by default, from np.random.default_rng(seed).

        E uniform in [-0.05, 0.05]; the input block of W Glorot-uniform; the
        hidden block of W orthogonal; W_out Glorot-uniform; biases zero. The same
        generator is kept as self.rng, to shuffle the training data in fit.
        - embeddings: None, or a (V, D) array of pretrained vectors that E starts
          from (copied; the random draws are made anyway, so W, W_out and the
          shuffling are those of the same seed without it)
        - trainable_embeddings: False keeps E fixed in fit, as Keras's
          Embedding(trainable=False); loss_and_grads still returns its gradient
        """
        rng = np.random.default_rng(seed)
        V, D, H = vocab_size, embed_dim, hidden_dim
        limit = np.sqrt(6.0 / (D + H))
        q, r = np.linalg.qr(rng.normal(size=(H, H)))
        q *= np.sign(np.diag(r))  # signs fixed so q is uniformly distributed
        self.params = {
            "E": rng.uniform(-0.05, 0.05, size=(V, D)),
            "W": np.concatenate([q, rng.uniform(-limit, limit, size=(H, D))], axis=1),
            "b": np.zeros(H),
            "W_out": rng.uniform(-np.sqrt(6.0 / (H + 1)), np.sqrt(6.0 / (H + 1)), size=(1, H)),
            "b_out": np.zeros(1),
        }
        if embeddings is not None:
            embeddings = np.asarray(embeddings, dtype=np.float64)
            if embeddings.shape != (V, D):
                raise ValueError(f"embeddings must have shape {(V, D)}, got {embeddings.shape}")
            self.params["E"] = embeddings.copy()  # training must not change the caller's array
        self.trainable_embeddings = trainable_embeddings
        self.rng = rng  # shuffles the training data in fit

    def _logits(self, ids):
        """A helper (organise yours as you like): the logit z (N,) of every sequence,
        and what the backward pass needs."""
        p = self.params
        ids = np.asarray(ids)
        mask = ids != 0  # (N, T): id 0 is padding
        # A column that is padding in every row changes no state: skip it.
        keep = mask.any(axis=0)
        ids, mask = ids[:, keep], mask[:, keep]
        x, emb_cache = embedding_forward(ids, p["E"])  # (N, T', D)
        if ids.shape[1] == 0:
            h_last, rnn_cache = np.zeros((ids.shape[0], p["W"].shape[0])), None
        else:
            h, rnn_cache = rnn_forward(x, p["W"], p["b"], mask=mask)  # (N, T', H)
            h_last = h[:, -1]  # (N, H): masked steps carried the last real state here
        z = h_last @ p["W_out"][0] + p["b_out"][0]  # (N,)
        return z, (emb_cache, rnn_cache, h_last)

    def forward(self, ids):
        """Probabilities of the positive class.

        Inputs:
        - ids: padded ids, an int array of shape (N, T); 0 is padding
        Returns:
        - probs: of shape (N,)
        """
        return sigmoid(self._logits(ids)[0])

    def _loss_grads_probs(self, ids, y):
        """A helper: loss, gradients and probabilities of a batch, so that fit gets the
        batch's accuracy without a second forward pass."""
        z, (emb_cache, rnn_cache, h_last) = self._logits(ids)
        y = np.asarray(y, dtype=np.float64).reshape(-1)  # (N,)
        N = z.shape[0]
        # log(1 + e^z) - y z, written so that exp never sees a positive number.
        loss = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        probs = sigmoid(z)
        dz = (probs - y) / N  # (N,): the loss is a mean over the batch
        W_out = self.params["W_out"]
        grads = {"W_out": (dz @ h_last)[None, :],  # (1, H)
                 "b_out": np.array([dz.sum()])}
        dh_last = dz[:, None] * W_out  # (N, H)
        if rnn_cache is None:
            grads["W"] = np.zeros_like(self.params["W"])
            grads["b"] = np.zeros_like(self.params["b"])
            grads["E"] = np.zeros_like(self.params["E"])
        else:
            dh = np.zeros_like(rnn_cache.h)  # (N, T', H): only the last state is read
            dh[:, -1] = dh_last
            dx, _, grads["W"], grads["b"] = rnn_backward(dh, rnn_cache)
            grads["E"] = embedding_backward(dx, emb_cache)  # (V, D)
        return loss, grads, probs

    def loss_and_grads(self, ids, y):
        """Mean binary cross-entropy on a batch and its gradients.

        Inputs:
        - ids: padded ids, of shape (N, T); y: labels 0/1, of shape (N,)
        Returns a tuple of:
        - loss: a float
        - grads: a dict with the keys and shapes of self.params
        """
        loss, grads, _ = self._loss_grads_probs(ids, y)
        return loss, grads

    def fit(self, ids, y, epochs, batch_size, optimizer, validation_data=None, shuffle=True,
            clip_norm=None):
        """Train with mini-batches, as keras.Model.fit does.

        Inputs:
        - ids: padded ids (N, T); y: labels (N,)
        - epochs, batch_size: ints; the last batch of an epoch may be smaller
        - optimizer: an object with update(params, grads) (SGD, Adam, ...)
        - validation_data: None or a tuple (ids_val, y_val)
        - shuffle: visit the samples in a new order each epoch (from self.rng);
          False visits them in order
        - clip_norm: None, or a positive float: before each update, rescale the
          gradients of the trained parameters together so that their global norm
          is at most clip_norm (clip_by_global_norm, Keras's global_clipnorm)
        Returns:
        - history: a dict of lists, one entry per epoch: "loss" and "accuracy" (the
          mean over the epoch's batches, each computed before its update, weighted
          by batch size), and "val_loss", "val_accuracy" (after the epoch) when
          validation_data is given
        """
        ids, y = np.asarray(ids), np.asarray(y).reshape(-1)
        N = ids.shape[0]
        history = {"loss": [], "accuracy": []}
        if validation_data is not None:
            history.update(val_loss=[], val_accuracy=[])
        for _ in range(epochs):
            order = self.rng.permutation(N) if shuffle else np.arange(N)
            total_loss, correct = 0.0, 0
            for start in range(0, N, batch_size):
                batch = order[start:start + batch_size]
                loss, grads, probs = self._loss_grads_probs(ids[batch], y[batch])
                if not self.trainable_embeddings:
                    del grads["E"]  # a frozen table gets no update, and no part of the norm
                if clip_norm is not None:
                    names = list(grads)
                    clipped, _ = clip_by_global_norm([grads[k] for k in names], clip_norm)
                    grads = dict(zip(names, clipped))
                optimizer.update(self.params, grads)
                total_loss += loss * len(batch)
                correct += int(np.sum((probs > 0.5) == (y[batch] > 0.5)))
            history["loss"].append(total_loss / N)
            history["accuracy"].append(correct / N)
            if validation_data is not None:
                val_loss, val_accuracy = self.evaluate(*validation_data)
                history["val_loss"].append(val_loss)
                history["val_accuracy"].append(val_accuracy)
        return history

    def predict(self, ids, batch_size=256):
        """Probabilities (N,) for padded ids (N, T), computed batch by batch."""
        ids = np.asarray(ids)
        parts = [self.forward(ids[i:i + batch_size]) for i in range(0, ids.shape[0], batch_size)]
        return np.concatenate(parts) if parts else np.zeros(0)

    def evaluate(self, ids, y, batch_size=256):
        """(loss, accuracy) on a whole set: mean cross-entropy, and the fraction of
        samples whose probability is on the right side of 0.5."""
        ids, y = np.asarray(ids), np.asarray(y, dtype=np.float64).reshape(-1)
        z = np.concatenate([self._logits(ids[i:i + batch_size])[0]
                            for i in range(0, ids.shape[0], batch_size)])
        loss = float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))
        accuracy = float(np.mean((z > 0) == (y > 0.5)))
        return loss, accuracy


def build_keras_model(kind, vocab_size, embed_dim, hidden_dim):
    """The Keras counterpart of SentimentRNN, and its relatives, compiled.

    Inputs:
    - kind: "simple_rnn", "lstm", "gru", "bilstm" (Bidirectional LSTM) or "cnn"
      (Conv1D with hidden_dim filters of width 3, relu, padding "same", then
      GlobalMaxPooling1D)
    - vocab_size, embed_dim, hidden_dim: V, D, H
    Returns:
    - a keras.Sequential: Input of int ids (None,), Embedding(V, D) masking id 0
      (except for "cnn": Conv1D cannot take a mask), the layer(s) of `kind` with H
      units, Dense(1, activation="sigmoid"); compiled with optimizer "adam", loss
      "binary_crossentropy" and metrics ["accuracy"]
    """
    import keras
    layers = keras.layers
    cores = {
        "simple_rnn": lambda: [layers.SimpleRNN(hidden_dim)],
        "lstm": lambda: [layers.LSTM(hidden_dim)],
        "gru": lambda: [layers.GRU(hidden_dim)],
        "bilstm": lambda: [layers.Bidirectional(layers.LSTM(hidden_dim))],
        "cnn": lambda: [layers.Conv1D(hidden_dim, 3, activation="relu", padding="same"),
                        layers.GlobalMaxPooling1D()],
    }
    if kind not in cores:
        raise ValueError(f"unknown kind {kind!r}; expected one of {sorted(cores)}")
    model = keras.Sequential([
        keras.Input(shape=(None,), dtype="int32"),
        layers.Embedding(vocab_size, embed_dim, mask_zero=(kind != "cnn")),
        *cores[kind](),
        layers.Dense(1, activation="sigmoid"),
    ])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model
