"""Loaders for sentiment data: the built-in corpus, IMDB, and any ``text<TAB>label`` file.

- :func:`load_builtin` and :func:`negation_probe` come from :mod:`autograder.corpus`
  (generated offline, always available).
- :func:`load_imdb` the real IMDB reviews as ``keras.datasets.imdb`` gives them (the file
  ``<KERAS_HOME or ~/.keras>/datasets/imdb.npz``, downloaded when missing and online, or
  any IMDB-format file given by ``path=``), with
  ``maxlen`` *truncating* long reviews (Keras's own ``maxlen`` drops them). Without
  the file and without a network it raises :class:`DataUnavailable` within about a
  second, with a message saying where to put the file; it never hangs.
- :func:`load_tsv` / :func:`save_tsv` one review per line, ``text<TAB>label``: a
  byte-order mark is dropped, other encodings are an option, lines end at line ends
  only (not at U+0085 or U+2028 inside a review), a pandas index column is dropped,
  bad bytes and bad rows are refused with their line and what is wrong.
"""
import codecs
import os
import re
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

# A first line whose label is one of these is a header (any case), never a review.
HEADER_WORDS = {"label", "labels", "sentiment", "polarity", "class", "target", "y"}
# Line ends, and only these: str.splitlines() also breaks at U+0085 (NEL), U+2028,
# U+000B, U+000C, U+001C-U+001E..., which occur inside real reviews.
LINE_END = re.compile(r"\r\n|\r|\n")
LINE_END_BYTES = re.compile(rb"\r\n|\r|\n")
# A first column that is a DataFrame's index, as pandas writes it (df.to_csv(sep="\t")
# heads it with nothing; read back and written again it becomes "Unnamed: 0").
INDEX_HEADS = re.compile(r"(|unnamed: ?\d+|index|id)", re.IGNORECASE)
INTEGER = re.compile(r"\d+")


def _label(key):
    """0 or 1 for a valid label (lower case, stripped), else None. "1.0"/"0.0" are valid:
    spreadsheets and pandas write integer columns that way."""
    if key in LABEL_WORDS:
        return LABEL_WORDS[key]
    try:
        value = float(key)
    except ValueError:
        return None
    return int(value) if value in (0.0, 1.0) else None


def _decode(path, data, encoding):
    """The file's text; undecodable bytes are reported by line, not by chunk offset."""
    try:
        # utf-8-sig drops a byte-order mark (Windows editors write one), else reads plain UTF-8.
        return data.decode("utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8")
                           else encoding)
    except UnicodeDecodeError as error:
        before = LINE_END_BYTES.split(data[:error.start])
        line, column = len(before), len(before[-1]) + 1
        raise ValueError(
            f"{path}, line {line}: byte 0x{data[error.start]:02x} at column {column} is not "
            f"valid {encoding}. The file was probably saved as Latin-1 or Windows-1252: "
            f"read it with load_tsv(path, encoding=\"cp1252\") (or re-save it as UTF-8)."
        ) from None


def _mistaken_latin1(path, data, text, encoding):
    """A clear error when a Latin-1 reading holds C1 control characters (U+0080-U+009F):
    real text never has them, a Windows-1252 file read as Latin-1 always does (its
    curly quotes, dashes and ellipsis live at bytes 0x80-0x9f), and so does UTF-8."""
    if codecs.lookup(encoding).name != "iso8859-1":
        return
    found = re.search("[\x80-\x9f]", text)
    if not found:
        return
    line = len(LINE_END.split(text[:found.start()]))
    byte = ord(found.group())
    try:
        data.decode("utf-8")
        advice = 'the file is UTF-8: read it with load_tsv(path) (encoding="utf-8")'
    except UnicodeDecodeError:
        try:
            shown = bytes([byte]).decode("cp1252")
            advice = (f"the file looks like Windows-1252, where byte 0x{byte:02x} is "
                      f"{shown!r}: read it with load_tsv(path, encoding=\"cp1252\")")
        except UnicodeDecodeError:
            advice = "check the file's encoding"
    raise ValueError(f"{path}, line {line}: byte 0x{byte:02x} is a control character in "
                     f"{encoding}, not text; {advice}")


def _rows(lines):
    """(line number, fields) of every non-blank line, split at tabs."""
    return [(number, line.split("\t")) for number, line in enumerate(lines, start=1)
            if line.strip()]


def _is_header(fields, header):
    key = fields[-1].strip().lower()
    return bool(header or (header is None and len(fields) > 1 and key in HEADER_WORDS))


def _index_columns(head, rows):
    """How many first columns are a DataFrame's index: those headed by nothing,
    "Unnamed: 0", "index" or "id" (pandas writes a second one when a file read back
    is written again) before text and label; without a header, one when a distinct
    integer comes before the text and label on every row."""
    if head is not None:
        count = 0
        while count < len(head) - 2 and INDEX_HEADS.fullmatch(head[count].strip()):
            count += 1
        return count
    firsts = [fields[0].strip() for _, fields in rows]
    return int(len(rows) >= 2 and all(len(f) >= 3 for _, f in rows)
               and all(INTEGER.fullmatch(first) for first in firsts)
               and len(set(firsts)) == len(firsts))


def _no_tab_reason(line, previous_ok):
    """Why a line without a tab is not a review, as far as can be told."""
    stripped = line.rstrip()
    for separator, name in ((",", "commas"), (";", "semicolons")):
        last = stripped.rsplit(separator, 1)
        if len(last) == 2 and _label(last[1].strip().lower()) is not None:
            return (f"no tab: the label seems separated by {name} (a CSV file?); "
                    f"load_tsv needs text<TAB>label, got {line[:60]!r}")
    if previous_ok:
        return (f"no tab after the text; if this line continues the review above it, "
                f"the review holds a line break (each review must be on one line): "
                f"got {line[:60]!r}")
    return f"no tab; expected text<TAB>label, got {line[:60]!r}"


def load_tsv(path, header=None, encoding="utf-8"):
    """Read a ``text<TAB>label`` file: one review per line.

    Inputs:
    - path: the file. The label is what follows the *last* tab: 0/1 (also 0.0/1.0),
      neg/pos or negative/positive (any case). Blank lines are skipped. Lines end at
      \\n, \\r\\n or \\r only: other characters Unicode counts as line breaks
      (U+0085, U+2028...) stay inside the review.
    - header: True to skip the first line, False to read it, None to skip it only
      when its label is a column name such as ``label`` or ``sentiment``
      (HEADER_WORDS); any other first line is data, and checked as such.
    - encoding: the file's encoding; "utf-8" (the default) also strips a
      byte-order mark. Bytes that do not decode are refused with their line, and so
      is a "latin-1" reading that gives control characters (a Windows-1252 file).
    A first column that is a pandas index (``df.to_csv(path, sep="\\t")``: a header
    starting with a tab or "Unnamed: 0", or without a header a distinct integer
    before the text on every line) is dropped, not read as part of the text.
    Returns a tuple of:
    - texts: list of str
    - labels: int64 array of 0/1
    Raises ValueError naming the file and line of the first malformed row, and what
    is wrong with it, or saying that the file holds no reviews.
    """
    path = Path(path)
    data = path.read_bytes()
    text = _decode(path, data, encoding)
    _mistaken_latin1(path, data, text, encoding)
    lines = LINE_END.split(text)
    rows = _rows(lines)
    head = rows[0][1] if rows and _is_header(rows[0][1], header) else None
    if head is not None:
        rows = rows[1:]
    skip = _index_columns(head, rows)
    texts, labels = [], []
    for number, fields in rows:
        where = f"{path}, line {number}"
        if len(fields) < 2:
            raise ValueError(f"{where}: " + _no_tab_reason(lines[number - 1], bool(texts)))
        body, label = "\t".join(fields[skip:-1]), fields[-1]
        key = label.strip().lower()
        value = _label(key)
        if value is None:
            why = ("nothing after the last tab (a trailing tab?)" if not key else
                   f"label {label!r} is not one of 0/1, neg/pos, negative/positive")
            if _label(fields[0].strip().lower()) is not None:
                why += "; the line starts with a label: the columns must be text<TAB>label"
            raise ValueError(f"{where}: {why}")
        if not body.strip():
            raise ValueError(f"{where}: no text before the label {label.strip()!r}")
        texts.append(body)
        labels.append(value)
    if not texts:
        raise ValueError(f"{path}: no reviews (expected lines of text<TAB>label"
                         f"{', after the header' if text.strip() else '; the file is empty'})")
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


def read_imdb_npz(path, num_words=None):
    """The four arrays of an IMDB-format .npz file, as keras.datasets.imdb gives them.

    Two layouts are read, told apart by the start-of-review id 1:
    - Keras's own ``imdb.npz``: raw word ranks from 1. They are shuffled, offset and
      cut to num_words exactly as ``keras.datasets.imdb.load_data`` does (seed 113,
      start 1, out-of-vocabulary 2, words from 3).
    - already-indexed arrays (every review starts with 1, as load_data returns
      them, e.g. a saved subset): kept in order; ids >= num_words become 2.
    Read with NumPy only: no TensorFlow, and no hash check that could replace the file.
    Returns ((x_train, y_train), (x_test, y_test)), x as lists of lists of int.
    """
    with np.load(path, allow_pickle=True) as f:
        missing = {"x_train", "y_train", "x_test", "y_test"} - set(f.files)
        if missing:
            raise ValueError(f"{path}: not an IMDB-format file, it lacks {sorted(missing)} "
                             f"(it has {sorted(f.files)})")
        x_train, y_train, x_test, y_test = (f[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    xs = [list(map(int, x)) for x in (*x_train, *x_test)]
    if not all(x and x[0] == 1 for x in xs):  # Keras's raw layout: do what load_data does
        rng = np.random.RandomState(113)
        order_train, order_test = np.arange(len(x_train)), np.arange(len(x_test))
        rng.shuffle(order_train)
        rng.shuffle(order_test)
        y_train, y_test = y_train[order_train], y_test[order_test]
        order = np.concatenate([order_train, len(x_train) + order_test])
        xs = [[1] + [w + 3 for w in xs[i]] for i in order]
    if num_words:
        xs = [[w if w < num_words else 2 for w in x] for x in xs]
    n = len(x_train)
    return (xs[:n], np.asarray(y_train)), (xs[n:], np.asarray(y_test))


def imdb_download_failed_message(target, error):
    return (f"Downloading the IMDB reviews failed ({error}).\nPut the file imdb.npz "
            f"(17 MB, from {IMDB_URL}) at\n    {target}\nor pass its path: "
            f"load_imdb(path=...). Everything else in the course works offline with the "
            f"built-in corpus (autograder.corpus.load_builtin).")


def load_imdb(num_words=10000, maxlen=200, check_network=True, path=None):
    """The IMDB reviews (25 000 train, 25 000 test) as word ids, as keras.datasets.imdb gives them.

    Inputs:
    - num_words: keep the num_words - 1 most frequent ids, others become 2 (Keras's
      out-of-vocabulary id); None keeps all
    - maxlen: cut every review to its last maxlen ids (reviews are never dropped);
      None keeps them whole
    - check_network: when the file is missing, first check within about a second
      that the download host answers, and raise DataUnavailable if it does not
    - path: an IMDB-format .npz to read instead of Keras's (Keras's imdb.npz, or
      already-indexed arrays; see read_imdb_npz)
    Returns a dict ``{"train": (ids, labels), "test": (ids, labels)}``: ids is a
    list of lists of int (Keras's ids: 0 padding, 1 start, 2 out of vocabulary,
    words from 3), labels an int64 array of 0/1.
    Raises DataUnavailable (with where to put the file) when the file is missing and
    cannot be downloaded, or when path names no file.
    """
    target = Path(path) if path is not None else keras_datasets_dir() / "imdb.npz"
    if target.exists():
        # Read here rather than by load_data, whose hash check would download over a
        # file the user put there (a subset, an older copy) instead of reading it.
        (x_train, y_train), (x_test, y_test) = read_imdb_npz(target, num_words)
    elif path is not None:
        raise DataUnavailable(f"There is no file {target}: give the path of an IMDB-format "
                              f".npz (Keras's imdb.npz or already-indexed arrays).")
    elif check_network and not _online():
        raise DataUnavailable(imdb_unavailable_message(target))
    else:
        try:
            (x_train, y_train), (x_test, y_test) = _keras_load_data(num_words)
        except Exception as error:  # Keras's get_file raises a bare Exception
            raise DataUnavailable(imdb_download_failed_message(target, error)) from error
    return {"train": (truncate(x_train, maxlen), np.asarray(y_train, dtype=np.int64)),
            "test": (truncate(x_test, maxlen), np.asarray(y_test, dtype=np.int64))}
