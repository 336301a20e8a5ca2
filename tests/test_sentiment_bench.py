"""Does scripts/bench_sentiment.py take any IMDB-format file, as its --imdb PATH promises?"""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from tests.test_loaders import save_npz

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "bench_sentiment.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_sentiment", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def small_imdb(path, n_train=50, n_test=10, vocab=40, seed=0):
    """Already-indexed reviews whose label is told by two words (ids 5 and 6)."""
    rng = np.random.default_rng(seed)

    def reviews(n):
        y = rng.integers(0, 2, n)
        x = [[1] + rng.integers(7, vocab, rng.integers(3, 30)).tolist() + [5 + int(label)] * 3
             for label in y]
        return x, y
    return save_npz(path, *reviews(n_train), *reviews(n_test))


def test_imdb_path_is_split_into_train_validation_and_test(bench, tmp_path):
    V, data = bench.imdb_data(small_imdb(tmp_path / "s.npz"), num_words=30, maxlen=12)
    assert V == 30
    assert [len(data[k][0]) for k in ("train", "validation", "test")] == [40, 10, 10]
    assert data["train"][0].shape[1] == 12 and data["train"][0].max() < 30


def test_missing_imdb_path_is_reported_not_a_traceback(bench, tmp_path, capsys):
    assert bench.imdb_data(tmp_path / "none.npz", 500, 200) is None
    assert "IMDB skipped" in capsys.readouterr().out


def test_compare_reports_bag_of_words_on_the_file(bench, tmp_path, capsys):
    V, data = bench.imdb_data(small_imdb(tmp_path / "s.npz"), num_words=None, maxlen=40)
    rows = bench.compare(V, data, kinds=[], seeds=[], title="tiny", probe=False)
    assert rows[0][0].startswith("bag of words") and rows[0][1] > 0.9  # the two telling words
    assert "tiny" in capsys.readouterr().out
