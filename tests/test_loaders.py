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


def test_imdb_maxlen_truncates_and_num_words_is_passed_on(tmp_path, monkeypatch):
    """With the file present, long reviews are cut (not dropped) and num_words reaches Keras."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.delitem(sys.modules, "keras", raising=False)
    (tmp_path / "datasets").mkdir()
    (tmp_path / "datasets" / "imdb.npz").write_bytes(b"")
    calls = []

    def fake(num_words):
        calls.append(num_words)
        return ([[1, 5, 6, 7, 8], [1, 9]], np.array([1, 0])), ([[1, 4, 4, 4]], np.array([0]))

    monkeypatch.setattr(loaders, "_keras_load_data", fake)
    data = load_imdb(num_words=500, maxlen=3)
    assert calls == [500]
    assert data["train"][0] == [[6, 7, 8], [1, 9]] and data["train"][1].tolist() == [1, 0]
    assert data["test"][0] == [[4, 4, 4]]
