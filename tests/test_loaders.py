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


# ---- real files: line ends, mistaken encodings, pandas index columns ---------------------

@pytest.mark.parametrize("inside", ["\u0085", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c", "\x1e"])
def test_tsv_a_unicode_line_break_inside_a_sentence_stays_in_the_review(tmp_path, inside):
    """str.splitlines() breaks at NEL, LINE SEPARATOR, form feed...: a real file with one of
    them inside a sentence was refused ("line 2: no tab"). Only \\n, \\r\\n, \\r end lines."""
    path = tmp_path / "nel.tsv"
    path.write_bytes(f"good film\t1\nwait for it{inside} then boredom\t0\nfine\t1\n"
                     .encode("utf-8"))
    texts, labels = load_tsv(path)
    assert texts == ["good film", f"wait for it{inside} then boredom", "fine"]
    assert labels.tolist() == [1, 0, 1]


def test_tsv_old_mac_and_windows_line_ends(tmp_path):
    path = tmp_path / "ends.tsv"
    path.write_bytes(b"text\tlabel\rgood\t1\rbad\t0\r\nok\t1")
    assert load_tsv(path)[0] == ["good", "bad", "ok"]


def test_tsv_cp1252_read_as_latin1_says_what_is_wrong_not_no_tab(tmp_path):
    """cp1252's ellipsis is byte 0x85, which Latin-1 reads as NEL: the old loader split the
    line there and said "no tab". Now: the line, the byte, and the encoding to use."""
    path = tmp_path / "win.tsv"
    path.write_bytes("great cast\t1\nwell\u2026 no\t0\nit\u2019s fine\t1\n".encode("cp1252"))
    with pytest.raises(ValueError) as info:
        load_tsv(path, encoding="latin-1")
    message = str(info.value)
    assert f"{path}, line 2: byte 0x85 is a control character in latin-1" in message
    assert 'encoding="cp1252"' in message and "'\u2026'" in message
    assert "no tab" not in message
    texts, _ = load_tsv(path, encoding="cp1252")
    assert texts[1:] == ["well\u2026 no", "it\u2019s fine"]


def test_tsv_utf8_read_as_latin1_suggests_utf8(tmp_path):
    path = tmp_path / "u.tsv"
    path.write_bytes("fine\t1\nit\u2019s dull\t0\n".encode("utf-8"))  # U+2019 is e2 80 99
    with pytest.raises(ValueError, match="line 2: byte 0x80 .*the file is UTF-8"):
        load_tsv(path, encoding="ISO-8859-1")


def test_tsv_latin1_without_control_bytes_is_read(tmp_path):
    path = tmp_path / "l.tsv"
    path.write_bytes("na\u00efve and caf\u00e9\t1\n".encode("latin-1"))
    assert load_tsv(path, encoding="latin-1")[0] == ["na\u00efve and caf\u00e9"]


# What pandas writes (pandas is not a dependency, so the bytes are spelled out) for
#   df = pd.DataFrame({"text": [...], "label": [1, 0, 1]}, index=[10, 3, 7])  # shuffled
PANDAS_WRITES = {
    # df.to_csv(path, sep="\t"): the index first, its header cell empty
    "to_csv": "\ttext\tlabel\n10\tloved it\t1\n3\thated it\t0\n7\tso-so, 7/10\t1\n",
    # the same, header=False: only the integers tell the index
    "header=False": "10\tloved it\t1\n3\thated it\t0\n7\tso-so, 7/10\t1\n",
    # read back with pd.read_csv(path, sep="\t") and written again: "Unnamed: 0"
    "written twice": ("\tUnnamed: 0\ttext\tlabel\n0\t10\tloved it\t1\n1\t3\thated it\t0\n"
                      "2\t7\tso-so, 7/10\t1\n"),
    # read back with index_col=0 and written again with index=True: the index named
    "index named": "Unnamed: 0\ttext\tlabel\n10\tloved it\t1\n3\thated it\t0\n7\tso-so, 7/10\t1\n",
}


@pytest.mark.parametrize("how", list(PANDAS_WRITES))
def test_tsv_pandas_index_column_is_dropped_not_merged_into_the_text(tmp_path, how):
    """df.to_csv(path, sep="\\t") writes the index first: it used to become part of every
    review ("10\\tloved it")."""
    path = tmp_path / "pd.tsv"
    path.write_text(PANDAS_WRITES[how])
    texts, labels = load_tsv(path)
    assert texts == ["loved it", "hated it", "so-so, 7/10"] and labels.tolist() == [1, 0, 1]


def test_tsv_text_that_merely_starts_with_a_number_keeps_it(tmp_path):
    """Only a distinct integer before the text on *every* line is an index column."""
    path = tmp_path / "n.tsv"
    path.write_text("10\tout of 10\t1\n2\thours wasted\t0\nawful\t0\n")
    assert load_tsv(path)[0] == ["10\tout of 10", "2\thours wasted", "awful"]
    path.write_text("10\tout of 10\t1\n10\tout of 10 again\t1\n")
    assert load_tsv(path)[0] == ["10\tout of 10", "10\tout of 10 again"]


@pytest.mark.parametrize("content,where", [
    ("good film,1\nbad film,0\n", "line 1: no tab: the label seems separated by commas"),
    ("good film;pos\n", "line 1: no tab: the label seems separated by semicolons"),
    ("good film\t1\nbad, and then\nsome more\t0\n", "line 2: no tab after the text; .*line break"),
    ("good\t1\n\t0\n", "line 2: no text before the label '0'"),
])
def test_tsv_malformed_lines_say_what_is_wrong(tmp_path, content, where):
    path = tmp_path / "m.tsv"
    path.write_text(content)
    with pytest.raises(ValueError, match=where):
        load_tsv(path)
