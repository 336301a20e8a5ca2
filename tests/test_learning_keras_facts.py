"""Do the Keras behaviours the 02_learning notebook describes still hold?"""
import numpy as np
import pytest

from solutions.learning import binary_cross_entropy, sigmoid_cross_entropy_with_logits

pytestmark = pytest.mark.slow


def test_keras_evaluate_uses_hidden_logits_but_predict_is_clipped():
    """Does model.evaluate on a sigmoid output compute the loss from logits (no clipping),
    while the loss of model.predict's plain array is clipped, as the notebook shows?"""
    from autograder_instructor.keras_values import prepare_tensorflow
    _, keras = prepare_tensorflow()
    x = np.array([[-30.0], [2.0]])
    y = np.array([[1.0], [0.0]])
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.ones((1, 1)), np.zeros(1)])
    model.compile(loss="binary_crossentropy")
    from_logits = model.evaluate(x, y, verbose=0)
    clipped = float(keras.losses.BinaryCrossentropy()(y, model.predict(x, verbose=0)))
    assert from_logits == pytest.approx(sigmoid_cross_entropy_with_logits(x, y)[0], rel=1e-12)
    assert clipped == pytest.approx(binary_cross_entropy(1 / (1 + np.exp(-x)), y), rel=1e-12)
    assert from_logits > clipped + 5
