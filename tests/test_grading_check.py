"""``rnn-course check``: a student's own visible checks, in seconds, without hidden tests."""
import time

from autograder.cli import main

from .fixtures.grading_course import fixture_paths


def test_check_passes_the_reference_quickly(capsys):
    """Does the reference notebook pass every visible check, per function, in a few seconds?"""
    started = time.time()
    assert main(["check", str(fixture_paths()["reference"])]) == 0
    out = capsys.readouterr().out
    assert "6 of 6 functions pass" in out and "dense_backward:" in out
    assert time.time() - started < 15


def test_check_names_what_fails_in_a_stub(capsys):
    """Does the stub fail, with the message that says it is still the stub?"""
    assert main(["check", str(fixture_paths()["stub-unimplemented"])]) == 1
    assert "still the stub" in capsys.readouterr().out


def test_check_runs_no_hidden_tests(monkeypatch, capsys):
    """Does the check work without the hidden suites (as on a student's machine)?"""
    import autograder.suites
    monkeypatch.setattr(autograder.suites, "find_test", lambda *a: (_ for _ in ()).throw(
        AssertionError("hidden tests were used")))
    assert main(["check", str(fixture_paths()["wrong-shape"])]) == 1
    assert "relu" in capsys.readouterr().out
