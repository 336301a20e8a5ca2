"""The grading pipeline's shape: is every step's input made before it runs?"""
import inspect

from autograder.grading import pipeline


def test_every_step_needs_only_inputs_or_what_an_earlier_step_made():
    """Does each step of STEPS run after the steps that make what it needs?"""
    available = set(pipeline.INPUTS)
    for step in pipeline.STEPS:
        missing = set(step.needs) - available
        assert not missing, f"{type(step).__name__} needs {sorted(missing)} before they are made"
        available |= set(step.makes)


def test_each_step_documents_itself_and_makes_something():
    """Has every step a help text (its docstring) and at least one product?"""
    for step in pipeline.STEPS:
        assert type(step).__doc__ and step.makes, type(step).__name__


def test_gradebook_is_written_by_the_parent_only():
    """Is the gradebook written in the grade step's loop over finished futures, and never by
    the worker that an executor runs?"""
    from autograder.grading import worker
    assert "record(" not in inspect.getsource(worker)
    assert "Gradebook" not in inspect.getsource(worker)
    source = inspect.getsource(pipeline.Grade)
    assert source.index("as_completed") < source.index("record(gb, trusted, result)")
