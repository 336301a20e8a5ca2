"""Do the models of the 08_cnn_tagging notebook do what its text says?

The notebook's own code cells are run next to the reference solutions (as
scripts/bench_tagging.py does), so these tests judge exactly what students run.
"""
import importlib.util
from pathlib import Path

import numpy as np
import pytest

from solutions.learning import numerical_gradient

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def ns():
    spec = importlib.util.spec_from_file_location("bench_tagging",
                                                  ROOT / "scripts" / "bench_tagging.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.notebook_namespace()


@pytest.fixture(scope="module")
def numpy_tagger(ns):
    params = ns["init_tagger"](ns["V_tag"], 32, 32, ns["C"], seed=0)
    ns["train"](ns["tagger_loss_and_grads"], params, ns["X_tag_train"], ns["Y_tag_train"],
                epochs=ns["TAG_EPOCHS"])
    return params


def test_tagger_gradients_match_central_differences(ns):
    """Is the notebook's wiring (dense at every step, rnn_backward, embedding) right?"""
    ids, labels = ns["X_tag_train"][:3, :6], ns["Y_tag_train"][:3, :6]
    params = ns["init_tagger"](ns["V_tag"], 3, 4, ns["C"], seed=1)
    _, grads = ns["tagger_loss_and_grads"](params, ids, labels)
    for name in params:
        def loss(value, name=name):
            return ns["tagger_loss_and_grads"](dict(params, **{name: value}), ids, labels)[0]
        numeric = numerical_gradient(loss, params[name].copy())
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_cnn_classifier_gradients_match_central_differences(ns):
    loss_and_grads, _ = ns["CLASSIFIERS"]["cnn"]
    ids, y = ns["X_train"][:4, -7:], ns["y_train"][:4]
    params = ns["init_classifier"]("cnn", ns["V"], 3, 4, seed=2)
    _, grads = loss_and_grads(params, ids, y)
    for name in params:
        def loss(value, name=name):
            return loss_and_grads(dict(params, **{name: value}), ids, y)[0]
        numeric = numerical_gradient(loss, params[name].copy())
        np.testing.assert_allclose(grads[name], numeric, rtol=1e-5, atol=1e-8, err_msg=name)


def test_numpy_tagger_reaches_95_percent_and_errs_only_where_the_next_word_decides(ns,
                                                                                   numpy_tagger):
    X, Y = ns["X_tag_test"], ns["Y_tag_test"]
    z = ns["tagger_logits"](numpy_tagger, X)[0]
    assert ns["token_accuracy"](z, X, Y) >= 0.95
    wrong = (z.argmax(-1) != Y) & (X != 0)
    words = np.array(ns["vocabulary"]())[X[wrong]]
    assert (words == "to").mean() >= 0.8, f"unexpected mistakes: {sorted(set(words))}"


def test_token_accuracy_ignores_padding(ns):
    ids = np.array([[3, 4, 0, 0]])
    labels = np.array([[1, 2, 0, 0]])
    z = np.zeros((1, 4, 3))
    z[0, 0, 1] = z[0, 1, 0] = 1.0  # first word right, second wrong; padding "right"
    assert ns["token_accuracy"](z, ids, labels) == 0.5


@pytest.mark.slow
def test_keras_tagger_agrees_within_two_points(ns, numpy_tagger):
    """The notebook's Keras tagger (same recipe) against the NumPy one, on the test split."""
    X, Y = ns["X_tag_test"], ns["Y_tag_test"]
    ours = ns["token_accuracy"](ns["tagger_logits"](numpy_tagger, X)[0], X, Y)
    assert abs(_keras_tagger_accuracy(ns) - ours) <= 0.02


def _keras_tagger_accuracy(ns):
    from autograder_instructor.keras_values import prepare_tensorflow
    _, keras = prepare_tensorflow()
    keras.config.set_floatx("float32")  # as in the notebook
    spec = importlib.util.spec_from_file_location("bench_tagging",
                                                  ROOT / "scripts" / "bench_tagging.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    model = bench.keras_tagger(ns["V_tag"], 32, 32, ns["C"], seed=0)
    model.fit(ns["X_tag_train"], ns["Y_tag_train"], batch_size=32, epochs=ns["TAG_EPOCHS"],
              verbose=0)
    X, Y = ns["X_tag_test"], ns["Y_tag_test"]
    return ns["token_accuracy"](model.predict(X, verbose=0), X, Y)
