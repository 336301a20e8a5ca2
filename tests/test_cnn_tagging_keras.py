"""Does 08_cnn_tagging agree with Keras and TensorFlow where the notebook makes claims?

The first tests compare the reference with the stored golden values at float64 precision
(about 1e-12, much tighter than the grade cells' 1e-7); the others ask live Keras the
questions the notebook answers (how ties share a max-pool gradient, how a masked loss
averages, where "same" puts the odd zero), so that a new release that changes an answer
is noticed.
"""
import numpy as np
import pytest

from autograder_instructor import golden, keras_values
from autograder_instructor.keras_golden.cnn_tagging import CONV_CASES
from solutions.cnn_tagging import (conv1d_backward, conv1d_forward, global_max_pool_backward,
                                   global_max_pool_forward, masked_softmax_cross_entropy,
                                   temporal_dense_backward, temporal_dense_forward)

G = keras_values.load("08_cnn_tagging")
RTOL, ATOL = 1e-12, 1e-13


def close(ours, theirs):
    np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL)


@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: c[0])
def test_conv1d_matches_keras_in_float64(case):
    name, *_, padding = case
    p = f"conv/{name}/"
    y, cache = conv1d_forward(G[p + "x"], G[p + "K"], G[p + "b"], padding=padding)
    close(y, G[p + "y"])
    for ours, key in zip(conv1d_backward(G[p + "dy"], cache), ("dx", "dK", "db")):
        close(ours, G[p + key])


@pytest.mark.parametrize("name", ["plain", "ties"])
def test_max_pool_matches_tensorflow_ties_included(name):
    p = f"pool/{name}/"
    y, cache = global_max_pool_forward(G[p + "x"])
    close(y, G[p + "y"])
    close(global_max_pool_backward(G[p + "dy"], cache), G[p + "dx"])
    if name == "ties":  # the stored case has real ties (else it tests nothing about them)
        assert ((G[p + "x"] == y[:, None]).sum(axis=1) > 1).any()


def test_temporal_dense_matches_keras_dense_on_3d_input():
    y, cache = temporal_dense_forward(G["dense/h"], G["dense/W"], G["dense/b"])
    close(y, G["dense/y"])
    for ours, key in zip(temporal_dense_backward(G["dense/dy"], cache), ("dh", "dW", "db")):
        close(ours, G[f"dense/{key}"])


@pytest.mark.parametrize("name", ["plain", "extreme"])
def test_masked_loss_matches_keras_model_path(name):
    p = f"loss/{name}/"
    loss, dz = masked_softmax_cross_entropy(G[p + "z"], G[p + "y"], G[p + "mask"])
    close(loss, G[p + "loss"])
    close(dz, G[p + "dz"])
    assert not G[p + "mask"].all(axis=1).all() and (~G[p + "mask"]).all(axis=1).any()


@pytest.mark.slow
def test_tensorflow_splits_a_max_gradient_equally_between_ties(tf_keras):
    """The notebook says: m tied steps get dy / m each (not all to the first or the last)."""
    tf, keras = tf_keras
    x = tf.constant([[[1.0, 3.0], [2.0, 3.0], [0.0, 3.0]]], dtype="float64")
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.reduce_sum(keras.layers.GlobalMaxPooling1D()(x)
                             * tf.constant([[1.0, 6.0]], dtype="float64"))
    np.testing.assert_array_equal(tape.gradient(loss, x).numpy(),
                                  [[[0.0, 2.0], [1.0, 2.0], [0.0, 2.0]]])


@pytest.mark.slow
def test_keras_same_padding_puts_the_odd_zero_after_the_sequence(tf_keras):
    """k = 2, "same": y[t] reads x[t] and x[t + 1], and the last output reads a zero."""
    tf, keras = tf_keras
    layer = keras.layers.Conv1D(1, 2, padding="same", use_bias=False, dtype="float64")
    layer.build((None, 3, 1))
    layer.set_weights([np.array([[[1.0]], [[10.0]]])])
    y = layer(tf.constant([[[1.0], [2.0], [3.0]]], dtype="float64")).numpy()[0, :, 0]
    np.testing.assert_array_equal(y, [21.0, 32.0, 3.0])


@pytest.mark.slow
def test_masked_mean_is_over_real_positions_only_through_the_model(tf_keras):
    """Through Embedding(mask_zero=True) the loss is the mean over real words; the same mask
    passed by hand as sample_weight divides by N * T instead (the notebook warns)."""
    tf, keras = tf_keras
    rng = np.random.default_rng(1)
    z, y = rng.normal(size=(2, 4, 3)), rng.integers(0, 3, size=(2, 4))
    mask = np.array([[True, True, False, False], [True, True, True, False]])
    table = np.concatenate([np.zeros((1, 3)), z.reshape(8, 3)])
    ids = np.where(mask, 1 + np.arange(8).reshape(2, 4), 0)
    model = keras.Sequential([keras.Input((4,), dtype="int32"),
                              keras.layers.Embedding(9, 3, mask_zero=True, dtype="float64")])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.set_weights([table])
    through_model = float(model.evaluate(ids, y, verbose=0))
    ours, _ = masked_softmax_cross_entropy(z, y, mask)
    assert through_model == pytest.approx(ours, rel=1e-12)
    by_hand = float(keras.losses.SparseCategoricalCrossentropy(from_logits=True)(
        y, z, sample_weight=mask.astype("float64")))
    assert by_hand == pytest.approx(ours * mask.sum() / mask.size, rel=1e-12)
