"""Live Keras: do SentimentRNN and Keras's simple_rnn start alike and take the same steps
in model.fit, so that the same recipe reaches the same accuracy in both? (slow)"""
import numpy as np
import pytest

from autograder.keras_bridge import keras_adam, sentiment_from_keras, sentiment_to_keras
from solutions.optimizers import Adam
from solutions.sentiment import SentimentRNN, build_keras_model
from tests.test_sentiment_bench import bench, small_imdb  # noqa: F401 (a fixture)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def keras():
    """Keras, imported when a test of this module runs (not when tests are collected: that
    cost every worker 4 s, even where these tests are deselected)."""
    return pytest.importorskip("keras")


@pytest.fixture
def float64(keras):
    """Keras in float64 for the test (float32 rounding would hide nothing but blur all)."""
    keras.config.set_floatx("float64")
    keras.config.set_dtype_policy("float64")
    yield
    keras.config.set_dtype_policy("float32")
    keras.config.set_floatx("float32")
    keras.utils.clear_session()


def ks_distance(a, b):
    """The two-sample Kolmogorov-Smirnov statistic: the largest gap between the samples'
    empirical distribution functions."""
    a, b = np.sort(np.ravel(a)), np.sort(np.ravel(b))
    grid = np.concatenate([a, b])
    return float(np.max(np.abs(np.searchsorted(a, grid, side="right") / a.size
                               - np.searchsorted(b, grid, side="right") / b.size)))


def test_initial_weights_are_drawn_from_kerass_distributions(keras):
    """Embedding uniform(-0.05, 0.05), kernel Glorot-uniform, recurrent kernel orthogonal,
    dense kernel Glorot-uniform, biases zero: the same distributions, weight by weight,
    as Keras's defaults for build_keras_model("simple_rnn") (five seeds pooled)."""
    V, D, H, seeds = 300, 16, 24, range(5)
    ours, theirs = {}, {}
    for seed in seeds:
        for name, value in SentimentRNN(V, D, H, seed=seed).params.items():
            ours.setdefault(name, []).append(value)
        keras.utils.set_random_seed(seed)
        weights = sentiment_from_keras(build_keras_model("simple_rnn", V, D, H).get_weights())
        for name, value in weights.items():
            theirs.setdefault(name, []).append(value)
    limits = {"E": 0.05, "input block": np.sqrt(6 / (D + H)), "W_out": np.sqrt(6 / (H + 1))}
    for name in ("E", "input block", "hidden block", "W_out"):
        if name in ("input block", "hidden block"):
            cut = slice(H, None) if name == "input block" else slice(None, H)
            a = [w[:, cut] for w in ours["W"]]
            b = [w[:, cut] for w in theirs["W"]]
        else:
            a, b = ours[name], theirs[name]
        n = sum(x.size for x in a)
        critical = 2.3 * np.sqrt(2 / n)  # KS at a 1e-4 level: a false alarm is that rare
        assert ks_distance(a, b) < critical, (name, ks_distance(a, b), critical)
        assert np.std(np.concatenate([x.ravel() for x in a])) == pytest.approx(
            np.std(np.concatenate([x.ravel() for x in b])), rel=0.1), name
        if name in limits:
            assert max(np.abs(x).max() for x in a + b) <= limits[name], name
    for W_ours, W_theirs in zip(ours["W"], theirs["W"]):
        for Q in (W_ours[:, :H], W_theirs[:, :H]):  # orthogonal: Q^T Q = I
            np.testing.assert_allclose(Q.T @ Q, np.eye(H), atol=1e-6)
    for name in ("b", "b_out"):
        assert all(not x.any() for x in ours[name] + theirs[name]), name


def repeated_words(seed=0):
    """Batches in which a few words occur many times: where Keras's own Adam and the
    course's differ (Keras squares each occurrence of a word's gradient separately)."""
    rng = np.random.default_rng(seed)
    X = rng.integers(1, 8, size=(24, 12))
    X[:, :4] *= rng.integers(0, 2, size=(24, 4))  # some padding, pre
    return X, rng.integers(0, 2, 24)


def fit_both(optimizer, clip_norm):
    X, y = repeated_words()
    ours = SentimentRNN(30, 4, 5, seed=3)
    net = build_keras_model("simple_rnn", 30, 4, 5)
    net.set_weights(sentiment_to_keras(ours.params))
    net.compile(optimizer=optimizer(learning_rate=0.01, global_clipnorm=clip_norm),
                loss="binary_crossentropy")
    net.fit(X, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    ours.fit(X, y, epochs=3, batch_size=8, optimizer=Adam(0.01), shuffle=False,
             clip_norm=clip_norm)
    now = sentiment_from_keras(net.get_weights())
    return {k: float(np.abs(ours.params[k] - now[k]).max()) for k in now}


@pytest.mark.parametrize("clip_norm", [None, 0.1])
def test_model_fit_with_keras_adam_takes_sentiment_rnns_steps(float64, clip_norm):
    """Nine Adam steps of model.fit (with and without global_clipnorm) land where nine
    steps of SentimentRNN.fit land; the gap is Keras's float32 rounding of Adam's
    constants (about 1e-7), not a different step."""
    gaps = fit_both(keras_adam, clip_norm)
    assert max(gaps.values()) < 1e-5, gaps


@pytest.mark.parametrize("clip_norm", [None, 0.1])
def test_kerass_own_adam_takes_another_embedding_step(keras, float64, clip_norm):
    """Why keras_adam exists: with Keras's own Adam, model.fit's embedding update differs
    from Adam on the dense gradient by far more than rounding (it is the step, not the
    arithmetic), which is what kept the two models' accuracies apart."""
    gaps = fit_both(keras.optimizers.Adam, clip_norm)
    assert gaps["E"] > 1e-3, gaps


def test_the_benchmarks_keras_twin_takes_the_numpy_models_steps(bench, tmp_path):
    """scripts/bench_sentiment.py trains Keras's simple_rnn with the taught recipe
    (pretrained vectors, clipping, a lowered rate, the same batches in the same order)
    from SentimentRNN's start: the two histories agree, in float32."""
    V, data = bench.imdb_data(small_imdb(tmp_path / "s.npz", n_train=40), num_words=None,
                              maxlen=12)
    recipe = dict(bench.RECIPE, learning_rate=0.01, epochs=3, lower_at=2, batch_size=8)
    ours, ours_history = bench.train_numpy(V, data, recipe, seed=1)
    net, twin_history = bench.train_keras_twin(V, data, recipe, seed=1)
    now = sentiment_from_keras(net.get_weights())
    gaps = {k: float(np.abs(ours.params[k] - now[k]).max()) for k in now}
    assert max(gaps.values()) < 1e-4, gaps
    np.testing.assert_allclose(twin_history["val_accuracy"], ours_history["val_accuracy"])


def test_the_benchmark_reports_the_recipe_in_numpy_and_keras_side_by_side(bench, tmp_path,
                                                                         capsys):
    """compare(): the rate chosen by 3-fold cross-validation (every fold's score printed),
    then SentimentRNN and its Keras twin over the same seeds, with the same test accuracy
    on a file given by path."""
    V, data = bench.imdb_data(small_imdb(tmp_path / "s.npz", n_train=60), num_words=None,
                              maxlen=12)
    rows = bench.compare(V, data, kinds=["simple_rnn"], seeds=[0], title="tiny", probe=False,
                         recipes=["taught"])
    names = [row[0] for row in rows]
    assert names[1].startswith("SentimentRNN, taught recipe, Adam ")
    assert names[2].startswith("Keras simple_rnn, taught recipe, Adam ") and "keras_adam" in names[2]
    assert rows[1][1] == rows[2][1]  # test accuracy: the same steps, the same answers
    out = capsys.readouterr().out
    assert out.count("validation accuracy per fold") == len(bench.RATES)
    assert "chosen by 3-fold cross-validation" in out


def test_the_benchmarks_twin_gap_reports_every_weights_difference(bench, tmp_path, capsys):
    """--twin-gap: one short epoch of the recipe in both; the gaps it prints are rounding."""
    V, data = bench.imdb_data(small_imdb(tmp_path / "s.npz", n_train=100), num_words=None,
                              maxlen=12)
    gaps = bench.twin_gap(V, data, rate=0.01, reviews=64)
    assert set(gaps) == {"E", "W", "b", "W_out", "b_out"} and max(gaps.values()) < 1e-4, gaps
    assert "after 2 steps (Adam 0.01) on 64 training reviews" in capsys.readouterr().out
