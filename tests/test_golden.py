"""Do the stored golden values match what live Keras computes today?"""
import pytest

from autograder_instructor import golden, keras_values


def test_visible_cases_are_up_to_date():
    """Are the visible checks' stored cases what the suites and reference produce now?"""
    assert golden.check_visible() == []


@pytest.mark.slow
def test_keras_golden_values_match_live_keras():
    """Recompute every Keras golden value with TensorFlow and compare (float64, CPU)."""
    assert golden.check_keras() == []


def test_keras_golden_files_exist_for_every_generator():
    for assignment in golden.generators():
        assert keras_values.keras_path(assignment).exists(), assignment
        assert keras_values.load(assignment), assignment


def test_a_last_digit_rounding_is_not_a_stale_file_but_a_changed_case_is():
    """Does the freshness check forgive NumPy's last-place rounding and nothing more?"""
    stored = {"functions": {"f": {"cases": [{"x": [0.6722776804466986, 1], "label": "a"}]}}}
    rounded = {"functions": {"f": {"cases": [{"x": [0.6722776804466987, 1], "label": "a"}]}}}
    changed = {"functions": {"f": {"cases": [{"x": [0.6722786804466986, 1], "label": "a"}]}}}
    relabelled = {"functions": {"f": {"cases": [{"x": [0.6722776804466986, 1], "label": "b"}]}}}
    assert golden._same_document(stored, rounded)
    assert not golden._same_document(stored, changed)
    assert not golden._same_document(stored, relabelled)
