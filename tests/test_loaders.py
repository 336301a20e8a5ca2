"""Do the loaders read what users give them, and fail fast and clearly when they cannot?"""
import subprocess
import sys
import time

import numpy as np
import pytest

from autograder import loaders
from autograder.loaders import DataUnavailable, load_imdb, load_tsv, save_tsv, truncate


def test_tsv_round_trip(tmp_path):
    texts = ["a fine film", "not good\tat all", "dull"]
    path = save_tsv(tmp_path / "r.tsv", texts, [1, 0, 0])
    got, labels = load_tsv(path)
    assert got == ["a fine film", "not good at all", "dull"]
    assert labels.tolist() == [1, 0, 0] and labels.dtype == np.int64


def test_tsv_accepts_word_labels_a_header_and_blank_lines(tmp_path):
    path = tmp_path / "r.tsv"
    path.write_text("text\tlabel\nloved it\tPOS\n\nhated it\tnegative\r\nmeh, ok\t1\n")
    texts, labels = load_tsv(path)
    assert texts == ["loved it", "hated it", "meh, ok"] and labels.tolist() == [1, 0, 1]


def test_tsv_text_may_contain_tabs_the_label_is_after_the_last(tmp_path):
    path = tmp_path / "r.tsv"
    path.write_text("a\tb\t1\n")
    assert load_tsv(path)[0] == ["a\tb"]


@pytest.mark.parametrize("content,where", [("fine film 1\n", "line 1: no tab"),
                                           ("good\t1\nbad\tmaybe\n", "line 2: label 'maybe'")])
def test_tsv_errors_name_the_line(tmp_path, content, where):
    path = tmp_path / "bad.tsv"
    path.write_text(content)
    with pytest.raises(ValueError, match=where):
        load_tsv(path)


def test_truncate_keeps_the_last_ids_and_drops_no_review():
    seqs = [[1, 2, 3, 4, 5], [7], []]
    assert truncate(seqs, 3) == [[3, 4, 5], [7], []]
    assert truncate(seqs, None) == seqs
    with pytest.raises(ValueError):
        truncate(seqs, 0)


def test_imdb_offline_without_the_file_fails_fast_with_where_to_put_it(tmp_path, monkeypatch):
    """Without the file and without a network: a clear message within a second or two."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setattr(loaders, "_online", lambda timeout=1.0: False)
    started = time.time()
    with pytest.raises(DataUnavailable) as info:
        load_imdb()
    assert time.time() - started < 2
    message = str(info.value)
    assert str(tmp_path / "datasets" / "imdb.npz") in message and "KERAS_HOME" in message
    assert "built-in corpus" in message


def test_imdb_network_check_gives_up_quickly(monkeypatch):
    """Does the connectivity check return within its timeout even if connecting hangs?"""
    def hang(*args, **kwargs):
        time.sleep(10)
        raise TimeoutError("a connection that never answered")  # as a real socket would
    monkeypatch.setattr(loaders.socket, "create_connection", hang)
    started = time.time()
    assert loaders._online(timeout=0.3) is False
    assert time.time() - started < 1.5


def test_imdb_offline_in_a_fresh_process_imports_no_tensorflow(tmp_path):
    """The message comes before Keras is imported (importing it alone takes seconds)."""
    code = ("import sys, autograder.loaders as L\n"
            "L._online = lambda timeout=1.0: False\n"
            "try:\n    L.load_imdb()\nexcept L.DataUnavailable as e:\n    print('OK')\n"
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"KERAS_HOME": str(tmp_path), "PATH": ""}, timeout=30)
    assert out.stdout.strip() == "OK", out.stderr


def test_imdb_download_failure_becomes_the_courses_error(tmp_path, monkeypatch):
    """Keras's get_file raises a bare Exception when the download fails: the notebook's
    `except DataUnavailable` must catch it, with where to put the file."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    monkeypatch.setattr(loaders, "_online", lambda timeout=1.0: True)

    def fail(num_words):
        raise Exception("URL fetch failure on https://...: None -- [Errno 111] refused")

    monkeypatch.setattr(loaders, "_keras_load_data", fail)
    with pytest.raises(DataUnavailable, match="Downloading the IMDB reviews failed") as info:
        load_imdb()
    assert "Errno 111" in str(info.value) and "path=" in str(info.value)
    assert str(tmp_path / "datasets" / "imdb.npz") in str(info.value)


def save_npz(path, x_train, y_train, x_test, y_test):
    def column(seqs):
        out = np.empty(len(seqs), dtype=object)
        out[:] = [list(s) for s in seqs]
        return out
    np.savez(path, x_train=column(x_train), y_train=np.array(y_train),
             x_test=column(x_test), y_test=np.array(y_test))
    return path


def test_imdb_path_with_already_indexed_arrays(tmp_path):
    """A subset saved as load_data returns it (every review starts with 1): kept in order,
    ids at or above num_words become 2, long reviews cut to their last maxlen ids."""
    path = save_npz(tmp_path / "subset.npz", [[1, 5, 6, 7, 8], [1, 9, 3]], [1, 0],
                    [[1, 4, 12, 4]], [0])
    data = load_imdb(num_words=10, maxlen=3, path=path)
    assert data["train"][0] == [[6, 7, 8], [1, 9, 3]] and data["train"][1].tolist() == [1, 0]
    assert data["test"][0] == [[4, 2, 4]] and data["test"][1].dtype == np.int64
    assert load_imdb(num_words=None, maxlen=None, path=path)["test"][0] == [[1, 4, 12, 4]]


def test_imdb_path_with_keras_raw_layout_matches_keras_load_data(tmp_path, monkeypatch):
    """Keras's imdb.npz holds raw word ranks: read exactly as keras.datasets.imdb.load_data
    reads it (shuffled with seed 113, start id 1, words from 3, num_words), without Keras."""
    keras = pytest.importorskip("keras")
    rng = np.random.default_rng(0)
    x_train = [rng.integers(1, 30, size=rng.integers(2, 9)).tolist() for _ in range(12)]
    x_test = [rng.integers(1, 30, size=rng.integers(2, 9)).tolist() for _ in range(7)]
    x_train[0][0] = 1  # some reviews start with rank 1 ("the"), not all
    y_train, y_test = rng.integers(0, 2, 12), rng.integers(0, 2, 7)
    path = save_npz(tmp_path / "imdb.npz", x_train, y_train, x_test, y_test)
    # load_data only reads Keras's own file (it checks its hash): hand it ours.
    from keras.src.datasets import imdb as keras_imdb
    monkeypatch.setattr(keras_imdb, "get_file", lambda **kwargs: str(path))
    (kx, ky), (kxt, kyt) = keras.datasets.imdb.load_data(num_words=20)
    data = load_imdb(num_words=20, maxlen=None, path=path)
    assert data["train"][0] == [list(map(int, x)) for x in kx]
    assert data["train"][1].tolist() == ky.tolist()
    assert data["test"][0] == [list(map(int, x)) for x in kxt]
    assert data["test"][1].tolist() == kyt.tolist()


def test_imdb_file_in_keras_folder_is_read_never_redownloaded(tmp_path, monkeypatch):
    """A file the user put at Keras's place (here a subset, whose hash is not Keras's) is
    read as it is: load_data's hash check would download over it."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    (tmp_path / "datasets").mkdir()
    target = save_npz(tmp_path / "datasets" / "imdb.npz", [[1, 5, 6]], [1], [[1, 7]], [0])
    before = target.read_bytes()

    def never(num_words):
        raise AssertionError("keras.datasets.imdb.load_data must not be called")

    monkeypatch.setattr(loaders, "_keras_load_data", never)
    monkeypatch.setattr(loaders, "_online", never)
    data = load_imdb(num_words=500, maxlen=200)
    assert data["train"][0] == [[1, 5, 6]] and data["test"][0] == [[1, 7]]
    assert target.read_bytes() == before


def test_imdb_path_missing_or_not_imdb_is_refused_clearly(tmp_path):
    with pytest.raises(DataUnavailable, match="There is no file .*nothere.npz"):
        load_imdb(path=tmp_path / "nothere.npz")
    np.savez(tmp_path / "other.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="not an IMDB-format file, it lacks"):
        load_imdb(path=tmp_path / "other.npz")


# ---- text<TAB>label files the way real ones come ------------------------------------

def test_tsv_utf8_byte_order_mark_is_stripped(tmp_path):
    path = tmp_path / "bom.tsv"
    path.write_bytes("\ufeffcaf\u00e9 au lait, lovely\t1\nawful\t0\n".encode("utf-8"))
    texts, labels = load_tsv(path)
    assert texts == ["caf\u00e9 au lait, lovely", "awful"] and labels.tolist() == [1, 0]


def test_tsv_bom_before_a_header(tmp_path):
    path = tmp_path / "bom.tsv"
    path.write_bytes("\ufefftext\tlabel\ngood\t1\n".encode("utf-8"))
    assert load_tsv(path)[0] == ["good"]


def test_tsv_latin1_is_refused_with_file_line_and_option(tmp_path):
    path = tmp_path / "latin.tsv"
    path.write_bytes("good film\t1\nbad film\t0\nna\u00efve plot\t0\n".encode("cp1252"))
    with pytest.raises(ValueError) as info:
        load_tsv(path)
    message = str(info.value)
    assert f"{path}, line 3" in message and "column 3" in message
    assert 'encoding="cp1252"' in message and "0xef" in message


def test_tsv_encoding_option_reads_cp1252(tmp_path):
    path = tmp_path / "win.tsv"
    path.write_bytes("it\u2019s na\u00efve\t0\n".encode("cp1252"))  # a curly quote: 0x92
    assert load_tsv(path, encoding="cp1252")[0] == ["it\u2019s na\u00efve"]


@pytest.mark.parametrize("first", ["text\tlabel", "review\tSentiment", "TEXT\tLABEL "])
def test_tsv_header_skipped_when_its_label_is_a_column_name(tmp_path, first):
    path = tmp_path / "h.tsv"
    path.write_text(f"{first}\ngreat\t1\n")
    assert load_tsv(path)[0] == ["great"]


@pytest.mark.parametrize("content,where", [
    ("great movie\tmaybe\nbad\t0\n", "line 1: label 'maybe' is not one of"),
    ("great movie\t1\t\nbad\t0\n", "line 1: nothing after the last tab"),
    ("1\tgreat movie\n0\tbad\n", "line 1: .*the columns must be text<TAB>label"),
])
def test_tsv_first_data_line_is_never_silently_dropped(tmp_path, content, where):
    """An unrecognised label, a trailing tab or label-first columns on line 1 used to be
    taken for a header and dropped: now they are errors on line 1."""
    path = tmp_path / "d.tsv"
    path.write_text(content)
    with pytest.raises(ValueError, match=where):
        load_tsv(path)


def test_tsv_header_false_reads_the_first_line_and_true_skips_it(tmp_path):
    path = tmp_path / "d.tsv"
    path.write_text("fine\t1\nbad\t0\n")
    assert load_tsv(path, header=False)[0] == ["fine", "bad"]
    assert load_tsv(path, header=True)[0] == ["bad"]


def test_tsv_float_labels(tmp_path):
    path = tmp_path / "f.tsv"
    path.write_text("good\t1.0\nbad\t0.0\nok\t1\n")
    assert load_tsv(path)[1].tolist() == [1, 0, 1]
    path.write_text("good\t0.5\n")
    with pytest.raises(ValueError, match="line 1: label '0.5'"):
        load_tsv(path)


@pytest.mark.parametrize("content,why", [("", "the file is empty"), ("\n\n", "the file is empty"),
                                         ("text\tlabel\n", "after the header")])
def test_tsv_without_data_rows_is_refused(tmp_path, content, why):
    """0 rows would only fail later, with a ZeroDivisionError inside fit."""
    path = tmp_path / "empty.tsv"
    path.write_text(content)
    with pytest.raises(ValueError, match=f"no reviews .*{why}"):
        load_tsv(path)
