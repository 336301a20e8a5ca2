"""Realistic mistakes in 06_sentiment.

The SentimentRNN mistakes are the reference class with one realistic edit each
(:class:`EditedMutant`): a whole class per mistake would be 150 lines of copies
that drift. Their source, like every mutant's, runs when pasted into the notebook.
The build_keras_model mistakes import keras themselves (the notebook has it).
"""
import inspect
import textwrap
from dataclasses import dataclass

import numpy as np  # noqa: F401 (the mutants' bodies use it)

import solutions.sentiment as reference
from autograder.corpus import tokenize  # noqa: F401

from . import Mutant


@dataclass(frozen=True)
class EditedMutant(Mutant):
    """A mutant whose source is the reference's with textual edits."""

    label: str = ""
    edited: str = ""

    @property
    def name(self):
        return self.label

    def source(self):
        return self.edited


def edited(func, label, cause, obj, edits, grade_ids=()):
    source = textwrap.dedent(inspect.getsource(obj))
    for old, new in edits:
        if source.count(old) != 1:
            raise ValueError(f"{label}: {old!r} occurs {source.count(old)} times")
        source = source.replace(old, new)
    namespace = dict(vars(reference))
    exec(compile(source, f"<mutant {label}>", "exec"), namespace)
    return EditedMutant(func, cause, namespace[obj.__name__], tuple(grade_ids), label, source)


# ---- build_vocabulary and texts_to_ids ---------------------------------------------

def build_vocabulary_ties_by_first_seen(texts, max_words):
    counts = {}
    for text in texts:
        for word in tokenize(text):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: -counts[w])  # stable: ties keep first-seen order
    if max_words is not None:
        words = words[:max(max_words - 2, 0)]
    vocab = {"<pad>": 0, "<unk>": 1}
    for i, word in enumerate(words):
        vocab[word] = i + 2
    return vocab


def build_vocabulary_ids_from_one(texts, max_words):
    counts = {}
    for text in texts:
        for word in tokenize(text):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    if max_words is not None:
        words = words[:max(max_words - 2, 0)]
    vocab = {"<pad>": 0, "<unk>": 1}
    for i, word in enumerate(words):
        vocab[word] = i + 1  # the most frequent word collides with "<unk>"
    return vocab


def build_vocabulary_max_words_not_counting_specials(texts, max_words):
    counts = {}
    for text in texts:
        for word in tokenize(text):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    if max_words is not None:
        words = words[:max_words]
    vocab = {"<pad>": 0, "<unk>": 1}
    for i, word in enumerate(words):
        vocab[word] = i + 2
    return vocab


def build_vocabulary_document_frequency(texts, max_words):
    counts = {}
    for text in texts:
        for word in set(tokenize(text)):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    if max_words is not None:
        words = words[:max(max_words - 2, 0)]
    vocab = {"<pad>": 0, "<unk>": 1}
    for i, word in enumerate(words):
        vocab[word] = i + 2
    return vocab


def build_vocabulary_split_on_spaces(texts, max_words):
    counts = {}
    for text in texts:
        for word in text.split():
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    if max_words is not None:
        words = words[:max(max_words - 2, 0)]
    vocab = {"<pad>": 0, "<unk>": 1}
    for i, word in enumerate(words):
        vocab[word] = i + 2
    return vocab


def texts_to_ids_unknown_is_padding(texts, vocab):
    return [[vocab.get(word, 0) for word in tokenize(text)] for text in texts]


def texts_to_ids_unknown_dropped(texts, vocab):
    return [[vocab[word] for word in tokenize(text) if word in vocab] for text in texts]


def texts_to_ids_no_lowercase(texts, vocab):
    return [[vocab.get(word, 1) for word in text.replace(",", " ").replace(".", " ").split()]
            for text in texts]


def texts_to_ids_flat(texts, vocab):
    return [vocab.get(word, 1) for text in texts for word in tokenize(text)]


# ---- build_keras_model ----------------------------------------------------------------

def build_keras_model_softmax_output(kind, vocab_size, embed_dim, hidden_dim):
    import keras
    layers = keras.layers
    core = {"simple_rnn": [layers.SimpleRNN(hidden_dim)], "lstm": [layers.LSTM(hidden_dim)],
            "gru": [layers.GRU(hidden_dim)],
            "bilstm": [layers.Bidirectional(layers.LSTM(hidden_dim))],
            "cnn": [layers.Conv1D(hidden_dim, 3, activation="relu", padding="same"),
                    layers.GlobalMaxPooling1D()]}[kind]
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(vocab_size, embed_dim, mask_zero=kind != "cnn"),
                              *core, layers.Dense(1, activation="softmax")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def build_keras_model_wrong_loss(kind, vocab_size, embed_dim, hidden_dim):
    import keras
    layers = keras.layers
    core = {"simple_rnn": [layers.SimpleRNN(hidden_dim)], "lstm": [layers.LSTM(hidden_dim)],
            "gru": [layers.GRU(hidden_dim)],
            "bilstm": [layers.Bidirectional(layers.LSTM(hidden_dim))],
            "cnn": [layers.Conv1D(hidden_dim, 3, activation="relu", padding="same"),
                    layers.GlobalMaxPooling1D()]}[kind]
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(vocab_size, embed_dim, mask_zero=kind != "cnn"),
                              *core, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="mean_squared_error", metrics=["accuracy"])
    return model


def build_keras_model_no_mask(kind, vocab_size, embed_dim, hidden_dim):
    import keras
    layers = keras.layers
    core = {"simple_rnn": [layers.SimpleRNN(hidden_dim)], "lstm": [layers.LSTM(hidden_dim)],
            "gru": [layers.GRU(hidden_dim)],
            "bilstm": [layers.Bidirectional(layers.LSTM(hidden_dim))],
            "cnn": [layers.Conv1D(hidden_dim, 3, activation="relu", padding="same"),
                    layers.GlobalMaxPooling1D()]}[kind]
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(vocab_size, embed_dim),
                              *core, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def build_keras_model_bilstm_one_direction(kind, vocab_size, embed_dim, hidden_dim):
    import keras
    layers = keras.layers
    core = {"simple_rnn": [layers.SimpleRNN(hidden_dim)], "lstm": [layers.LSTM(hidden_dim)],
            "gru": [layers.GRU(hidden_dim)], "bilstm": [layers.LSTM(hidden_dim)],
            "cnn": [layers.Conv1D(hidden_dim, 3, activation="relu", padding="same"),
                    layers.GlobalMaxPooling1D()]}[kind]
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(vocab_size, embed_dim, mask_zero=kind != "cnn"),
                              *core, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


def build_keras_model_average_pooling(kind, vocab_size, embed_dim, hidden_dim):
    import keras
    layers = keras.layers
    core = {"simple_rnn": [layers.SimpleRNN(hidden_dim)], "lstm": [layers.LSTM(hidden_dim)],
            "gru": [layers.GRU(hidden_dim)],
            "bilstm": [layers.Bidirectional(layers.LSTM(hidden_dim))],
            "cnn": [layers.Conv1D(hidden_dim, 3, activation="relu", padding="same"),
                    layers.GlobalAveragePooling1D()]}[kind]
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              layers.Embedding(vocab_size, embed_dim, mask_zero=kind != "cnn"),
                              *core, layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])
    return model


# ---- SentimentRNN -----------------------------------------------------------------

# The grade cells of SentimentRNN; "training" also holds the accuracy run on the corpus.
FORWARD, GRADIENTS, TRAINING = ("sentiment_rnn_forward", "sentiment_rnn_gradients",
                                "sentiment_rnn_training")

MUTANTS = [
    Mutant("build_vocabulary", "words with the same count must be in alphabetical order: sort "
           "by (-count, word)", build_vocabulary_ties_by_first_seen),
    Mutant("build_vocabulary", "ids 0 and 1 are reserved for padding and unknown words: the "
           "most frequent word gets id 2", build_vocabulary_ids_from_one),
    Mutant("build_vocabulary", "max_words counts \"<pad>\" and \"<unk>\" too: keep only "
           "max_words - 2 words, so that every id is below max_words",
           build_vocabulary_max_words_not_counting_specials),
    Mutant("build_vocabulary", "count every occurrence of a word, not the number of texts it "
           "occurs in", build_vocabulary_document_frequency),
    Mutant("build_vocabulary", "split texts with tokenize(text) (lower case, no punctuation), "
           "not text.split()", build_vocabulary_split_on_spaces),
    Mutant("texts_to_ids", "an unknown word must become 1 (\"<unk>\"): 0 is padding, and the "
           "model skips it as if the word were not there", texts_to_ids_unknown_is_padding),
    Mutant("texts_to_ids", "unknown words must not be dropped: each becomes 1 (\"<unk>\")",
           texts_to_ids_unknown_dropped),
    Mutant("texts_to_ids", "split with tokenize(text), which lower-cases the words, so that "
           "\"Good\" finds \"good\"", texts_to_ids_no_lowercase),
    Mutant("texts_to_ids", "return one list of ids per text, not one list for all texts",
           texts_to_ids_flat),
    Mutant("build_keras_model", "a single sigmoid unit gives the probability of the positive "
           "class; softmax over one unit is always 1", build_keras_model_softmax_output),
    Mutant("build_keras_model", "a probability output is trained with "
           "loss=\"binary_crossentropy\", not mean squared error", build_keras_model_wrong_loss),
    Mutant("build_keras_model", "Embedding(..., mask_zero=True) for the recurrent kinds: "
           "without the mask, padding changes the prediction", build_keras_model_no_mask),
    Mutant("build_keras_model", "\"bilstm\" is Bidirectional(LSTM(hidden_dim)): two LSTMs, one "
           "reading backwards, their states concatenated", build_keras_model_bilstm_one_direction),
    Mutant("build_keras_model", "the \"cnn\" kind keeps each filter's maximum over time: "
           "GlobalMaxPooling1D, not average pooling", build_keras_model_average_pooling),
    edited("SentimentRNN", "sentiment_rnn_mask_ignored", "id 0 is padding: mask it "
           "(mask = ids != 0) so that padding does not change the prediction",
           reference.SentimentRNN,
           [("mask = ids != 0  # (N, T): id 0 is padding",
             "mask = np.ones(ids.shape, dtype=bool)")],
           grade_ids=(FORWARD, GRADIENTS, TRAINING)),
    edited("SentimentRNN", "sentiment_rnn_grads_not_averaged", "the loss is the mean over the "
           "batch, so its gradient is divided by N: dz = (p - y) / N", reference.SentimentRNN,
           [("dz = (probs - y) / N  # (N,): the loss is a mean over the batch",
             "dz = probs - y")],
           grade_ids=(GRADIENTS, TRAINING)),
    edited("SentimentRNN", "sentiment_rnn_gradient_sign", "dL/dz = p - y: with y - p every "
           "update climbs the loss", reference.SentimentRNN,
           [("dz = (probs - y) / N  # (N,): the loss is a mean over the batch",
             "dz = (y - probs) / N")],
           grade_ids=(GRADIENTS, TRAINING)),
    edited("SentimentRNN", "sentiment_rnn_grad_every_step", "only the last state feeds the "
           "output layer: dh is zero except at the last step", reference.SentimentRNN,
           [("dh[:, -1] = dh_last", "dh[:] = dh_last[:, None, :]")],
           grade_ids=(GRADIENTS, TRAINING)),
    edited("SentimentRNN", "sentiment_rnn_epoch_loss_last_batch", "history[\"loss\"] is the "
           "mean of the epoch's batch losses weighted by batch size, as Keras reports it, not "
           "the last batch's loss", reference.SentimentRNN,
           [("history[\"loss\"].append(total_loss / N)", "history[\"loss\"].append(loss)")],
           grade_ids=(TRAINING,)),
    edited("SentimentRNN", "sentiment_rnn_clip_per_variable", "clip_norm clips the gradients "
           "together, by their global norm (clip_by_global_norm, Keras's global_clipnorm), not "
           "each array by its own norm (Keras's clipnorm)", reference.SentimentRNN,
           [("clipped, _ = clip_by_global_norm([grads[k] for k in names], clip_norm)",
             "clipped = [clip_by_global_norm([grads[k]], clip_norm)[0][0] for k in names]")],
           grade_ids=(TRAINING,)),
    edited("SentimentRNN", "sentiment_rnn_clip_always_rescales", "clipping only shrinks: "
           "gradients whose global norm is already below clip_norm are left as they are",
           reference.SentimentRNN,
           [("clipped, _ = clip_by_global_norm([grads[k] for k in names], clip_norm)",
             "norm = np.sqrt(sum(np.sum(grads[k] ** 2) for k in names))\n"
             "                    clipped = [grads[k] * clip_norm / norm for k in names]")],
           grade_ids=(TRAINING,)),
    edited("SentimentRNN", "sentiment_rnn_frozen_embeddings_trained", "with "
           "trainable_embeddings=False, fit must leave E as it is: give the optimizer no "
           "gradient for it", reference.SentimentRNN,
           [("del grads[\"E\"]  # a frozen table gets no update, and no part of the norm",
             "pass")],
           grade_ids=(TRAINING,)),
    edited("SentimentRNN", "sentiment_rnn_clip_counts_frozen_embeddings", "a frozen E is not "
           "trained, so its gradient is no part of the global norm (Keras clips the trainable "
           "weights' gradients): drop it before clipping", reference.SentimentRNN,
           [("                if not self.trainable_embeddings:\n"
             "                    del grads[\"E\"]  # a frozen table gets no update, and no part of the norm\n"
             "                if clip_norm is not None:\n"
             "                    names = list(grads)\n"
             "                    clipped, _ = clip_by_global_norm([grads[k] for k in names], clip_norm)\n"
             "                    grads = dict(zip(names, clipped))\n",
             "                if clip_norm is not None:\n"
             "                    names = list(grads)\n"
             "                    clipped, _ = clip_by_global_norm([grads[k] for k in names], clip_norm)\n"
             "                    grads = dict(zip(names, clipped))\n"
             "                if not self.trainable_embeddings:\n"
             "                    del grads[\"E\"]\n")],
           grade_ids=(TRAINING,)),
    edited("SentimentRNN", "sentiment_rnn_embeddings_ignored", "SentimentRNN(..., "
           "embeddings=vectors) starts E from those vectors: put a copy of them in "
           "self.params[\"E\"]", reference.SentimentRNN,
           [("self.params[\"E\"] = embeddings.copy()  # training must not change the caller's array",
             "self.embeddings = embeddings")],
           grade_ids=(FORWARD, TRAINING)),
    edited("SentimentRNN", "sentiment_rnn_forward_logits", "forward returns probabilities: "
           "apply the sigmoid to the output layer's z", reference.SentimentRNN,
           [("return sigmoid(self._logits(ids)[0])", "return self._logits(ids)[0]")],
           grade_ids=(FORWARD,)),
]
