"""The result record (grading/result.py): does it cross executors and the journal intact?"""
import json
import pickle

from autograder_instructor.grading.judge import not_graded, report
from autograder_instructor.grading.result import CellGrade, Result
from autograder_instructor.grading.state import Journal
from autograder_instructor.grading.trusted import GradeCell

# A journal line as the grader wrote it before results were typed (an untyped dict with
# "order", and a grader-failure row without "seconds_checks").
GRADED = {"student": "ada", "path": "/sub/ada/01_dense/dense.ipynb", "sha": "ab12",
          "notes": ["renamed"], "problems": [], "events": [], "fatal": "",
          "grades": [{"grade_id": "sigmoid_tests", "points": 1.0, "score": 1.0,
                      "func": "sigmoid", "outcomes": [{"label": "case 1", "passed": True,
                                                       "message": ""}],
                      "reason": "", "note": ""}],
          "answers": {"sigmoid": "c0ffee"}, "cells": {"3": {"stdout": "hi", "stderr": "",
                                                              "value": None, "error": None}},
          "order": [["exec", 3], ["grade", "sigmoid_tests"]], "timestamp": "2026-01-01 10:00:00",
          "seconds_cells": 0.5, "seconds_total": 1.5, "seconds_checks": 0.25, "score": 1.0,
          "max_score": 12.0, "source": "/sub/ada/01_dense/dense.ipynb",
          "copy": "/tmp/c/00000.ipynb", "key": "ab12:{}"}
FAILED = {"student": "ben", "path": None, "sha": "", "notes": [], "problems": [], "events": [],
          "grades": [], "answers": {}, "cells": {}, "order": [], "fatal": "the grader failed",
          "grader_failure": "GraderFault: x", "traceback": "Traceback", "timestamp": None,
          "score": 0.0, "max_score": 12.0, "seconds_cells": 0.0, "seconds_total": 0.0,
          "set_aside": True, "source": None, "key": "k"}


def test_a_journal_line_in_the_untyped_format_loads(tmp_path):
    """Does a state.jsonl written before the record existed still resume: its entries load as
    Results with every value kept, and a set-aside grader failure counts as done?"""
    path = tmp_path / "state.jsonl"
    path.write_text(json.dumps(GRADED) + "\n" + json.dumps(FAILED) + "\n" + '{"student": "cu')
    journal = Journal(path)
    ada = journal.done("ada", "ab12:{}")
    assert isinstance(ada, Result) and isinstance(ada.grades[0], CellGrade)
    assert ada.to_json() == {**{k: v for k, v in GRADED.items() if k != "order"},
                             "grader_failure": "", "traceback": "", "set_aside": False,
                             "grades": [{**GRADED["grades"][0], "wrong": {}, "callees": []}]}  # newer fields
    assert journal.done("ada", "other") is None
    assert journal.done("ben", "k").set_aside and journal.done("ben", "k").seconds_checks == 0.0


def test_a_result_survives_the_journal_and_an_executor():
    """Is a Result the same after a JSON line and back, and after pickling (process and dask
    executors)?"""
    result = Result.from_json(GRADED)
    assert Result.from_json(json.loads(json.dumps(result.to_json()))) == result
    assert pickle.loads(pickle.dumps(result)) == result


def test_journal_add_writes_the_result_with_its_key(tmp_path):
    """Does a result added to the journal come back, key included, in a new run?"""
    journal = Journal(tmp_path / "state.jsonl")
    result = Result.from_json(GRADED)
    journal.add(result, "new-key")
    assert Journal(tmp_path / "state.jsonl").done("ada", "new-key") == result


def test_a_zero_row_says_why_and_names_the_function_only_when_judged():
    """Does a row for a cell that was never graded earn nothing and give its reason, naming the
    function when the judge knew it and the grade_id otherwise (today's wording)?"""
    cell = GradeCell("sigmoid_tests", 1.0, "code", "")
    row = CellGrade.zero(cell, "not graded")
    assert (row.score, row.points, row.outcomes) == (0.0, 1.0, [])
    assert report(row) == "sigmoid_tests: not graded: not graded"
    assert report(not_graded(cell, "it hung")) == "sigmoid: not graded: it hung"
