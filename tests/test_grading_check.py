"""``rnn-course check``: a student's own visible checks, in seconds, without hidden tests."""

from autograder_instructor.cli import main

from .fixtures.grading_course import fixture_paths


def test_check_passes_the_reference_on_every_function(capsys):
    """Does the reference notebook pass every function's visible checks, each reported?
    (No timing here: a time limit in a unit test fails on a busy machine, not on a bug.)"""
    assert main(["check", str(fixture_paths()["reference"])]) == 0
    out = capsys.readouterr().out
    assert "6 of 6 functions pass" in out and "dense_backward:" in out


def test_check_names_what_fails_in_a_stub(capsys):
    """Does the stub fail, with the message that says it is still the stub?"""
    assert main(["check", str(fixture_paths()["stub-unimplemented"])]) == 1
    assert "still the stub" in capsys.readouterr().out


def test_check_runs_no_hidden_tests(monkeypatch, capsys):
    """Does the check work without the hidden suites (as on a student's machine)?"""
    import autograder_instructor.suites
    monkeypatch.setattr(autograder_instructor.suites, "find_test", lambda *a: (_ for _ in ()).throw(
        AssertionError("hidden tests were used")))
    assert main(["check", str(fixture_paths()["wrong-shape"])]) == 1
    assert "relu" in capsys.readouterr().out
