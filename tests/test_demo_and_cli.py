"""Does the README's main job work, and does every command explain itself?"""
import subprocess
import sys

import pytest

from autograder_instructor.cli import parser


def _commands():
    sub = [a for a in parser()._actions if a.__class__.__name__ == "_SubParsersAction"][0]
    return sorted(sub.choices)


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help(command, capsys):
    with pytest.raises(SystemExit) as exit:
        parser().parse_args([command, "--help"])
    out = capsys.readouterr().out
    assert exit.value.code == 0 and f"usage: rnn-course {command}" in out and len(out) > 200


def test_the_module_runs_as_the_command():
    """``python -m autograder_instructor.cli`` is the ``rnn-course`` command (its help lists
    every command)."""
    out = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "--help"],
                         capture_output=True, text=True, check=True).stdout
    assert out.startswith("usage: rnn-course") and all(c in out for c in _commands())


@pytest.mark.slow
def test_demo_grades_three_students(tmp_path):
    """Does the demo release, grade and export: full, partial and zero scores?"""
    from autograder_instructor.demo import run
    table = run(tmp_path, quiet=True)
    total = {s: sum(v[0] for v in row.values()) for s, row in table.items()}
    full = sum(v[1] for v in table["ada"].values())
    assert total["ada"] == full > 0
    assert 0 < total["ben"] < full
    assert table["ben"]["dense_forward_tests"][0] == 0  # no bias: every case is wrong
    # An overflowing softmax is right on ordinary logits: partial credit keeps that share.
    assert 0 < table["ben"]["softmax_tests"][0] < table["ben"]["softmax_tests"][1]
    assert total["cai"] == 0
    assert (tmp_path / "grades.csv").read_text().count("\n") >= 4
    for s in ("ada", "ben", "cai"):
        assert (tmp_path / "course" / "feedback" / s / "01_dense" / "dense.html").exists()
