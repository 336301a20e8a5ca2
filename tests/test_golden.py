"""Do the stored golden values match what live Keras computes today?"""
import pytest

from autograder import golden


def test_visible_cases_are_up_to_date():
    """Are the visible checks' stored cases what the suites and reference produce now?"""
    assert golden.check_visible() == []


@pytest.mark.slow
def test_keras_golden_values_match_live_keras():
    """Recompute every Keras golden value with TensorFlow and compare (float64, CPU)."""
    assert golden.check_keras() == []


def test_keras_golden_files_exist_for_every_generator():
    for assignment in golden.generators():
        assert golden.keras_path(assignment).exists(), assignment
        assert golden.load(assignment), assignment
