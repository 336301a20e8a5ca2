"""Loaders for sentiment data: the built-in corpus, IMDB, and any ``text<TAB>label`` file.

- :func:`load_builtin` and :func:`negation_probe` come from :mod:`autograder.corpus`
  (generated offline, always available).
- :func:`load_imdb` the real IMDB reviews through ``keras.datasets.imdb`` (the file
  ``<KERAS_HOME or ~/.keras>/datasets/imdb.npz``, downloaded when missing and online), with
  ``maxlen`` *truncating* long reviews (Keras's own ``maxlen`` drops them). Without
  the file and without a network it raises :class:`DataUnavailable` within about a
  second, with a message saying where to put the file; it never hangs.
- :func:`load_tsv` / :func:`save_tsv` one review per line, ``text<TAB>label``.
"""
import os
import socket
import threading
from pathlib import Path

import numpy as np

from .corpus import load_builtin, negation_probe  # noqa: F401 (re-exported)

IMDB_URL = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/imdb.npz"
IMDB_HOST = ("storage.googleapis.com", 443)
LABEL_WORDS = {"0": 0, "1": 1, "neg": 0, "pos": 1, "negative": 0, "positive": 1}


class DataUnavailable(RuntimeError):
    """A data set cannot be loaded here (no file, no network); the message says what to do."""


# ---- text<TAB>label files -------------------------------------------------------------

def load_tsv(path, header=None):
    """Read a ``text<TAB>label`` file: one review per line.

    Inputs:
    - path: the file (UTF-8). The label is what follows the *last* tab: 0/1,
      neg/pos or negative/positive (any case). Blank lines are skipped.
    - header: True to skip the first line, False to read it, None to skip it
      only when its label is not a valid label (e.g. ``text<TAB>label``).
    Returns a tuple of:
    - texts: list of str
    - labels: int64 array of 0/1
    Raises ValueError naming the line of the first malformed row.
    """
    path = Path(path)
    texts, labels = [], []
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            line = line.rstrip("\r\n")
            if not line.strip():
                continue
            text, tab, label = line.rpartition("\t")
            key = label.strip().lower()
            if number == 1 and (header or (header is None and tab and key not in LABEL_WORDS)):
                continue
            if not tab:
                raise ValueError(f"{path}, line {number}: no tab; expected text<TAB>label, "
                                 f"got {line[:60]!r}")
            if key not in LABEL_WORDS:
                raise ValueError(f"{path}, line {number}: label {label!r} is not one of "
                                 f"0/1, neg/pos, negative/positive")
            texts.append(text)
            labels.append(LABEL_WORDS[key])
    return texts, np.array(labels, dtype=np.int64)


def save_tsv(path, texts, labels):
    """Write ``text<TAB>label`` lines (tabs and newlines inside a text become spaces)."""
    with Path(path).open("w", encoding="utf-8") as f:
        for text, label in zip(texts, labels):
            clean = " ".join(str(text).replace("\t", " ").split())
            f.write(f"{clean}\t{int(label)}\n")
    return Path(path)


# ---- IMDB ---------------------------------------------------------------------------

def keras_datasets_dir():
    """Where ``keras.datasets`` keeps its files, found without importing Keras.

    Keras reads ``KERAS_HOME`` once, when it is imported; if it already is, ask it.
    """
    import sys
    if "keras" in sys.modules:
        from keras.src.backend.config import keras_home
        return Path(keras_home()) / "datasets"
    if "KERAS_HOME" in os.environ:
        base = os.environ["KERAS_HOME"]
    else:
        home = os.path.expanduser("~")
        base = os.path.join(home if os.access(home, os.W_OK) else "/tmp", ".keras")
    return Path(base) / "datasets"


def _online(timeout=1.0):
    """Whether the IMDB host answers within ``timeout`` seconds (DNS included)."""
    result = []

    def attempt():
        try:
            with socket.create_connection(IMDB_HOST, timeout=timeout):
                result.append(True)
        except OSError:
            result.append(False)

    thread = threading.Thread(target=attempt, daemon=True)
    thread.start()
    thread.join(timeout + 0.5)  # a stuck DNS lookup is abandoned, not waited for
    return bool(result and result[0])


def imdb_unavailable_message(target):
    return (f"The IMDB reviews are not on this machine and there is no network to download "
            f"them.\nPut the file imdb.npz (17 MB, from {IMDB_URL}) at\n    {target}\n"
            f"or set KERAS_HOME to a folder whose datasets/ subfolder holds it, then run "
            f"again.\nEverything else in the course works offline with the built-in corpus "
            f"(autograder.corpus.load_builtin).")


def truncate(sequences, maxlen):
    """Cut each sequence to its last ``maxlen`` ids (as pad_sequences(truncating='pre')).

    Unlike ``keras.datasets.imdb.load_data(maxlen=...)``, which drops long reviews,
    every review is kept. ``maxlen=None`` keeps everything.
    """
    if maxlen is None:
        return [list(s) for s in sequences]
    if maxlen < 1:
        raise ValueError(f"maxlen must be a positive integer or None, got {maxlen!r}")
    return [list(s)[-maxlen:] for s in sequences]


def _keras_load_data(num_words):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    return keras.datasets.imdb.load_data(num_words=num_words)


def load_imdb(num_words=10000, maxlen=200, check_network=True):
    """The IMDB reviews (25 000 train, 25 000 test) as word ids, through keras.datasets.imdb.

    Inputs:
    - num_words: keep the num_words - 1 most frequent ids, others become 2 (Keras's
      out-of-vocabulary id); None keeps all
    - maxlen: cut every review to its last maxlen ids (reviews are never dropped);
      None keeps them whole
    - check_network: when the file is missing, first check within about a second
      that the download host answers, and raise DataUnavailable if it does not
    Returns a dict ``{"train": (ids, labels), "test": (ids, labels)}``: ids is a
    list of lists of int (Keras's ids: 0 padding, 1 start, 2 out of vocabulary,
    words from 3), labels an int64 array of 0/1.
    Raises DataUnavailable (with where to put the file) when offline without the file.
    """
    target = keras_datasets_dir() / "imdb.npz"  # where keras.datasets.imdb looks for it
    if not target.exists() and check_network and not _online():
        raise DataUnavailable(imdb_unavailable_message(target))
    (x_train, y_train), (x_test, y_test) = _keras_load_data(num_words)
    return {"train": (truncate(x_train, maxlen), np.asarray(y_train, dtype=np.int64)),
            "test": (truncate(x_test, maxlen), np.asarray(y_test, dtype=np.int64))}
