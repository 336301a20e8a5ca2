"""Are the 06_sentiment checks honest: thresholds one-sided and earned, golden cases with teeth?"""
import numpy as np
import pytest

from autograder import golden
from autograder.cases import judge, run_probe
from autograder.mutants import mutants_for
from autograder.suites import sentiment as S
from autograder.suites._base import reference_namespace


def _ns(mutant=None):
    ns = reference_namespace(*S.SOLUTIONS)
    if mutant is not None:
        exec(compile(mutant.source(), mutant.name, "exec"), ns)
    return ns


def test_accuracy_thresholds_are_one_sided_and_above_a_bag_of_words():
    """Expected value with atol=MARGIN is a threshold only if nobody can be 'too good'."""
    for key, reached in S.ACCURACY.items():
        assert reached + S.MARGIN >= 1.0, f"{key}: a better model than the reference would fail"
    assert S.ACCURACY["test"] - S.MARGIN > 0.63 + 0.15  # bag of words: ~0.63
    assert S.ACCURACY["probe"] - S.MARGIN > 0.5 + 0.3  # bag of words: exactly 0.5


def test_reference_reaches_the_recorded_accuracy():
    """Does the graded training run still give what ACCURACY records (a few seconds)?"""
    case = S.accuracy_case(reference_namespace(*S.SOLUTIONS))
    out = run_probe(case, _ns())
    assert float(out["out/1/1"]) == pytest.approx(S.ACCURACY["test"], abs=0.005)
    assert float(out["out/2/1"]) == pytest.approx(S.ACCURACY["probe"], abs=0.005)
    assert judge(case, out).passed


def test_a_model_that_does_not_learn_fails_the_accuracy_case():
    mutant = next(m for m in mutants_for("SentimentRNN") if m.name == "sentiment_rnn_gradient_sign")
    case = S.accuracy_case(reference_namespace(*S.SOLUTIONS))
    outcome = judge(case, run_probe(case, _ns(mutant)))
    assert not outcome.passed and "test accuracy" in outcome.message


@pytest.mark.parametrize("name", ["sentiment_rnn_mask_ignored", "sentiment_rnn_gradient_sign",
                                  "sentiment_rnn_grad_every_step"])
def test_keras_agreement_case_catches_model_bugs(name):
    """Does the golden Adam-steps case alone catch mistakes in the model's gradients?"""
    case = next(c for c in S._training_cases() if c.label.startswith("agrees with Keras"))
    assert judge(case, run_probe(case, _ns())).passed
    mutant = next(m for m in mutants_for("SentimentRNN") if m.name == name)
    assert not judge(case, run_probe(case, _ns(mutant))).passed


def test_keras_agreement_tolerance_is_far_below_a_real_difference():
    """Are Keras's updates distinguishable from 'no training' at the case's tolerance?"""
    g = golden.load(S.ASSIGNMENT)
    for k in ("E", "W", "b", "W_out", "b_out"):
        update = g[f"agree/update/{k}"]
        assert np.abs(update).max() > 100 * S.AGREE_ATOL, k


def test_golden_descriptions_name_the_lecture_layers():
    g = golden.load(S.ASSIGNMENT)
    expect = {"simple_rnn": "layer1/class/SimpleRNN", "lstm": "layer1/class/LSTM",
              "gru": "layer1/class/GRU", "bilstm": "layer1/wraps/LSTM",
              "cnn": "layer2/class/GlobalMaxPooling1D"}
    for kind, key in expect.items():
        prefix = f"keras/{kind}/out/"
        assert f"{prefix}{key}" in g
        assert f"{prefix}loss/binary_crossentropy" in g and f"{prefix}optimizer/adam" in g
        assert f"{prefix}metric/accuracy" in g
        assert f"{prefix}layer0/mask_zero/{kind != 'cnn'}" in g
        last = max(int(k[len(prefix) + 5:].split("/")[0]) for k in g
                   if k.startswith(prefix + "layer") and not k.startswith(prefix + "layers"))
        assert f"{prefix}layer{last}/activation/sigmoid" in g


def test_every_keras_mistake_has_a_hint_or_fails_loudly():
    """A known mistake is named by a hint, unless Keras itself refuses it (softmax over one
    unit warns, and warnings are errors in a check: the student reads Keras's warning)."""
    g = golden.load(S.ASSIGNMENT)
    cases = S._keras_cases()
    causes = {cause for c in cases for cause, _ in c.hints}
    for mutant in mutants_for("build_keras_model"):
        stored = any(k.startswith(f"hint/{mutant.name}/") for k in g)
        assert mutant.cause in causes or not stored, mutant.name
        if not stored:
            assert mutant.name == "build_keras_model_softmax_output"


def test_notebook_states_the_recorded_accuracy_and_recipe():
    """Does the notebook's text quote the numbers the grade cell uses (no drift)?"""
    from autograder.build import AUTHORING
    text = (AUTHORING / S.ASSIGNMENT / "sentiment.py").read_text()
    assert f"({S.ACCURACY['test']} and {S.ACCURACY['probe']})" in text
    assert f"for {S.RECIPE['epochs']} epochs" in text and f"no more than {S.MARGIN:.2f}" in text
