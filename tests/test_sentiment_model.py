"""Is the reference SentimentRNN the model the notebook describes (NumPy only, fast)?"""
import numpy as np
import pytest

from autograder.keras_bridge import sentiment_from_keras, sentiment_to_keras
from autograder_instructor.suites.sentiment import numerical_grads, random_ids, random_params
from solutions.optimizers import SGD
from solutions.sentiment import SentimentRNN, build_vocabulary, texts_to_ids


def model_with(params):
    V, D = params["E"].shape
    model = SentimentRNN(V, D, params["W"].shape[0])
    model.params = {k: v.copy() for k, v in params.items()}
    return model


def test_vocabulary_rules():
    """0 pad, 1 unknown, descending counts, alphabetical ties, max_words counts both."""
    vocab = build_vocabulary(["b a b", "c a, B!", "d"], None)
    assert vocab == {"<pad>": 0, "<unk>": 1, "b": 2, "a": 3, "c": 4, "d": 5}
    assert build_vocabulary(["b a b", "c a"], 4) == {"<pad>": 0, "<unk>": 1, "a": 2, "b": 3}
    assert texts_to_ids(["A zebra b", ""], vocab) == [[3, 1, 2], []]


@pytest.mark.parametrize("shape", [(5, 6, 9, 3, 4), (1, 3, 5, 2, 2), (7, 4, 12, 2, 5)])
def test_gradients_match_central_differences(shape):
    N, T, V, D, H = shape
    rng = np.random.default_rng(sum(shape))
    params, ids, y = random_params(rng, V, D, H), random_ids(rng, N, T, V), rng.integers(0, 2, N)
    model = model_with(params)
    _, grads = model.loss_and_grads(ids, y)
    numeric = numerical_grads({"SentimentRNN": SentimentRNN}, V, D, H, params, ids, y)
    for k in grads:
        np.testing.assert_allclose(grads[k], numeric[k], rtol=1e-5, atol=1e-8, err_msg=k)


def test_padding_and_its_position_change_nothing():
    """Does the mask make pre-, post- and extra padding irrelevant?"""
    rng = np.random.default_rng(1)
    model = model_with(random_params(rng, 10, 3, 4))
    seqs = [[3, 4, 5], [7], [2, 9, 9, 1]]
    pre = np.array([[0] * (6 - len(s)) + s for s in seqs])
    post = np.array([s + [0] * (6 - len(s)) for s in seqs])
    alone = [model.forward(np.array([s]))[0] for s in seqs]
    np.testing.assert_allclose(model.forward(pre), alone, rtol=1e-12)
    np.testing.assert_allclose(model.forward(post), alone, rtol=1e-12)
    _, g_pre = model.loss_and_grads(pre, np.array([1, 0, 1]))
    _, g_post = model.loss_and_grads(post, np.array([1, 0, 1]))
    for k in g_pre:
        np.testing.assert_allclose(g_pre[k], g_post[k], rtol=1e-10, atol=1e-14)
    assert not g_pre["E"][0].any(), "the padding row of E must get no gradient"


def test_an_all_padding_row_gets_the_output_bias_alone():
    model = model_with(random_params(np.random.default_rng(2), 6, 2, 3))
    probs = model.forward(np.zeros((2, 4), dtype=int))
    b = model.params["b_out"][0]
    np.testing.assert_allclose(probs, 1 / (1 + np.exp(-b)))


def test_fit_history_is_the_size_weighted_mean_of_batch_losses():
    """Does history['loss'] follow Keras: batch losses before each update, weighted by size?"""
    rng = np.random.default_rng(3)
    params, ids, y = random_params(rng, 8, 2, 3), random_ids(rng, 7, 5, 8), rng.integers(0, 2, 7)
    model, manual = model_with(params), model_with(params)
    history = model.fit(ids, y, epochs=2, batch_size=3, optimizer=SGD(0.3), shuffle=False,
                        validation_data=(ids, y))
    opt, expected = SGD(0.3), []
    for _ in range(2):
        total = 0.0
        for start in range(0, 7, 3):
            loss, grads = manual.loss_and_grads(ids[start:start + 3], y[start:start + 3])
            opt.update(manual.params, grads)
            total += loss * len(ids[start:start + 3])
        expected.append(total / 7)
    np.testing.assert_allclose(history["loss"], expected, rtol=1e-12)
    assert set(history) == {"loss", "accuracy", "val_loss", "val_accuracy"}
    assert history["val_loss"][-1] == pytest.approx(model.evaluate(ids, y)[0])
    for k in params:
        np.testing.assert_allclose(model.params[k], manual.params[k], rtol=1e-12)


def test_init_is_seeded_like_keras_defaults():
    a, b, c = SentimentRNN(20, 4, 3, seed=5), SentimentRNN(20, 4, 3, seed=5), SentimentRNN(20, 4, 3, seed=6)
    assert all(np.array_equal(a.params[k], b.params[k]) for k in a.params)
    assert not np.array_equal(a.params["E"], c.params["E"])
    assert np.abs(a.params["E"]).max() <= 0.05 and not a.params["b"].any()
    Wh = a.params["W"][:, :3]
    np.testing.assert_allclose(Wh @ Wh.T, np.eye(3), atol=1e-12)  # orthogonal recurrent block


def test_keras_bridge_round_trip():
    params = random_params(np.random.default_rng(4), 9, 3, 5)
    weights = sentiment_to_keras(params)
    assert [w.shape for w in weights] == [(9, 3), (3, 5), (5, 5), (5,), (5, 1), (1,)]
    back = sentiment_from_keras(weights)
    for k in params:
        np.testing.assert_array_equal(back[k], params[k])


def test_defaults_keep_the_released_training_run():
    """clip_norm=None and trainable embeddings are the released fit, step for step."""
    rng = np.random.default_rng(7)
    params, ids, y = random_params(rng, 8, 2, 3), random_ids(rng, 7, 5, 8), rng.integers(0, 2, 7)
    a, b = model_with(params), model_with(params)
    a.fit(ids, y, epochs=2, batch_size=3, optimizer=SGD(0.3), shuffle=False)
    b.fit(ids, y, epochs=2, batch_size=3, optimizer=SGD(0.3), shuffle=False, clip_norm=None)
    for k in params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
        assert not np.array_equal(a.params[k], params[k])  # every parameter was trained


def test_clip_norm_is_one_global_norm_over_the_trained_gradients():
    """Each update is the unclipped one scaled by min(1, clip / global norm), with E's
    gradient counted only while E is trained (Keras's global_clipnorm on trainable weights)."""
    from solutions.bptt import clip_by_global_norm
    rng = np.random.default_rng(8)
    params, ids, y = random_params(rng, 8, 2, 3), random_ids(rng, 6, 5, 8), rng.integers(0, 2, 6)
    for frozen in (False, True):
        model, manual = model_with(params), model_with(params)
        model.trainable_embeddings = manual.trainable_embeddings = not frozen
        model.fit(ids, y, epochs=1, batch_size=6, optimizer=SGD(1.0), shuffle=False, clip_norm=0.1)
        _, grads = manual.loss_and_grads(ids, y)
        if frozen:
            del grads["E"]
        names = list(grads)
        norm = np.sqrt(sum(np.sum(g ** 2) for g in grads.values()))
        assert norm > 0.1  # the clip binds in this case
        clipped, _ = clip_by_global_norm([grads[k] for k in names], 0.1)
        for k, g in zip(names, clipped):
            np.testing.assert_allclose(model.params[k] - params[k], -g, rtol=1e-10, atol=1e-15)
        if frozen:
            np.testing.assert_array_equal(model.params["E"], params["E"])


def test_pretrained_embeddings_are_copied_and_keep_the_seeds_other_weights():
    vectors = np.random.default_rng(9).normal(size=(10, 4))
    kept = vectors.copy()
    plain, started = SentimentRNN(10, 4, 3, seed=4), SentimentRNN(10, 4, 3, seed=4, embeddings=vectors)
    np.testing.assert_array_equal(started.params["E"], vectors)
    for k in ("W", "b", "W_out", "b_out"):
        np.testing.assert_array_equal(started.params[k], plain.params[k])
    ids, y = random_ids(np.random.default_rng(1), 5, 4, 10), np.array([1, 0, 1, 0, 1])
    started.fit(ids, y, epochs=1, batch_size=5, optimizer=SGD(1.0))
    np.testing.assert_array_equal(vectors, kept)  # the caller's array is not trained
    assert not np.array_equal(started.params["E"], vectors)
    frozen = SentimentRNN(10, 4, 3, seed=4, embeddings=vectors, trainable_embeddings=False)
    frozen.fit(ids, y, epochs=1, batch_size=5, optimizer=SGD(1.0))
    np.testing.assert_array_equal(frozen.params["E"], vectors)
    assert "E" in frozen.loss_and_grads(ids, y)[1]  # the gradient is still reported
    with pytest.raises(ValueError, match="shape"):
        SentimentRNN(10, 5, 3, embeddings=vectors)
