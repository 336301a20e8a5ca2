"""The grading pipeline's shape: is every step's input made before it runs, and does each
step read only what it declares?"""
import inspect
from dataclasses import fields

import pytest

from autograder_instructor.grading import pipeline
from autograder_instructor.grading.context import View, undeclared_order
from autograder_instructor.grading.inputs import Inputs


def test_every_step_needs_only_what_is_made_before_it_and_makes_nothing_twice():
    """Does each step of STEPS run after the steps that make what it needs, and make only
    what no input or earlier step already holds?"""
    available = {f.name for f in fields(Inputs)}
    assert undeclared_order(pipeline.STEPS, available) == []
    for step in pipeline.STEPS:
        again = set(step.makes) & available
        assert not again, f"{type(step).__name__} makes {sorted(again)} again"
        available |= set(step.makes)


def test_each_step_documents_itself_and_makes_something():
    """Has every step a help text (its docstring) and at least one product?"""
    for step in pipeline.STEPS:
        assert type(step).__doc__ and step.makes, type(step).__name__


def test_gradebook_is_written_by_the_parent_only_and_before_the_journal(monkeypatch):
    """Is the gradebook never written by the worker an executor runs, and does the parent's
    Recorder write each result to the gradebook, then the journal, then the autograded copy
    (so a run killed in between loses nothing), and a failing copy stop nothing?"""
    import io
    from autograder_instructor.grading import record, worker
    from autograder_instructor.grading.result import Result
    assert "record(" not in inspect.getsource(worker)
    assert "Gradebook" not in inspect.getsource(worker)
    order = []

    class Journal:
        def add(self, result, key):
            order.append(("journal", key))
            return result

    def copy(*_):
        order.append(("autograded",))
        raise OSError("disk full")

    monkeypatch.setattr(record, "record", lambda gb, tr, result, roster: order.append(("gradebook",)))
    monkeypatch.setattr(record.autograded, "write", copy)
    recorder = record.Recorder("sqlite://", None, None, Journal(), None, io.StringIO())
    result = Result("ada", key="k1")
    result.source = "submitted/ada/x.ipynb"
    assert recorder.record(result) is result and result.path == "submitted/ada/x.ipynb"
    assert order == [("gradebook",), ("journal", "k1"), ("autograded",)]
    assert "could not be written: OSError: disk full" in recorder.stream.getvalue()


# needs that order a step without being read: the gradebook must know the assignment first;
# and needs read only on a path this run does not take (Resume with --student)
ORDER_ONLY = {("LoadTrusted", "released")}
STUDENT_OPTION_ONLY = {("Resume", "submissions"), ("Resume", "stream")}


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_unreleased_course_flat_folder_and_a_gradebook_elsewhere(tmp_path, monkeypatch):
    """Given a course nobody released, LMS-style files and a gradebook URL outside the course,
    does one run release the assignment into that gradebook and grade every student, with
    every real step reading all it needs and nothing else (the context enforces the latter)?"""
    from autograder_instructor.grading.gradebook import totals
    from autograder_instructor.release import copy_course

    from .fixtures.grading_course import fixture_paths
    course = copy_course(tmp_path / "course")
    flat = tmp_path / "lms"
    flat.mkdir()
    paths = fixture_paths()
    (flat / "ada_dense.ipynb").write_bytes(paths["reference"].read_bytes())
    (flat / "ben_Dense-final.ipynb").write_bytes(paths["wrong-shape"].read_bytes())
    (flat / "ben_notes.txt").write_text("my notes")
    db = f"sqlite:///{tmp_path / 'elsewhere' / 'book.db'}"
    (tmp_path / "elsewhere").mkdir()
    read, get = set(), View.__getitem__

    def reading(view, key):
        read.add((type(view._step).__name__, key))
        return get(view, key)

    monkeypatch.setattr(View, "__getitem__", reading)
    ctx = pipeline.run(assignment="01_dense", submissions=flat, course=course, db_url=db,
                       jobs=2, quiet=True)
    declared = {(type(step).__name__, key) for step in pipeline.STEPS for key in step.needs}
    assert declared - read == ORDER_ONLY | STUDENT_OPTION_ONLY
    book = totals(db, "01_dense", "dense")
    assert sum(v[0] for v in book["ada"].values()) == 12
    # partial credit: the flattening relu is right on its one 1-D case only (1 of 7 checks)
    assert book["ben"]["relu_tests"][0] == 0.28 and book["ben"]["sigmoid_tests"][0] == 1
    notes = (ctx["out"] / "grades.csv").read_text()
    assert "renamed" in notes and "stray file" in notes
    assert not (course / "gradebook.db").exists()
