"""One submission's flow (grading/flow.py): is each step's input made before it runs?"""
import ast
import inspect
import textwrap
from dataclasses import fields

from autograder.grading import flow


def _uses(step):
    """(fields of the Submission a step's __call__ reads, fields it assigns)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(type(step).__call__)))
    read, written = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id == "sub":
            (written if isinstance(node.ctx, ast.Store) else read).add(node.attr)
    return read, written


def test_every_step_needs_only_inputs_or_what_an_earlier_step_made():
    """Does each step of STEPS run after the steps that make what it needs?"""
    available = set(flow.INPUTS)
    for step in flow.STEPS:
        missing = set(step.needs) - available
        assert not missing, f"{type(step).__name__} needs {sorted(missing)} before they are made"
        available |= set(step.makes)


def test_each_step_touches_only_what_it_declares():
    """Does a step read only what it needs or makes, and assign only what it makes, so that
    the declared order is the real one?"""
    for step in flow.STEPS:
        read, written = _uses(step)
        name = type(step).__name__
        assert read <= set(step.needs) | set(step.makes), (name, read)
        assert written <= set(step.makes), (name, written)


def test_the_steps_run_in_nbgraders_order_and_document_themselves():
    """read -> plan -> copy files -> execute -> trim outputs -> fill rows -> total, each with a
    help text, a product, and settings that are the step's own?"""
    assert [type(s).__name__ for s in flow.STEPS] == [
        "Read", "Plan", "CopyFiles", "Execute", "TrimOutputs", "FillMissing", "Total"]
    names = {f.name for f in fields(flow.Submission)}
    for step in flow.STEPS:
        assert type(step).__doc__ and step.makes, type(step).__name__
        assert set(step.needs) | set(step.makes) <= names, type(step).__name__


def test_a_submission_without_a_file_still_gets_every_row(tmp_path):
    """With no notebook at all, are the steps that would run it skipped, and does every
    autograded cell still get a zero row that says why?"""
    from autograder.grading.trusted import GradeCell, Trusted
    trusted = Trusted("01_dense", "dense.ipynb", [GradeCell("a_tests", 2, "code", ""),
                                                  GradeCell("essay", 1, "manual", "")], {}, [], {})
    result = flow.grade({"student": "ada", "path": None}, trusted, None, tmp_path)
    assert result.fatal == "no notebook was submitted"
    assert [(g.grade_id, g.score, g.reason) for g in result.grades] == [
        ("a_tests", 0.0, "no notebook was submitted")]
    assert (result.score, result.max_score) == (0.0, 3.0)


def test_trimmed_outputs_keep_the_notebooks_budget():
    """Are a cell's outputs cut to the cell limit, silent cells left out, and the cells past the
    notebook's budget dropped and counted?"""
    trim = flow.TrimOutputs()
    trim.cell_limit, trim.notebook_limit = 5, 12
    log, dropped = trim.log({0: {"stdout": "abcdefgh"}, 1: {"stdout": ""},
                             2: {"error": {"ename": "E", "evalue": "v", "traceback": "t"}},
                             3: {"stdout": "x" * 9}})
    assert log == {"0": {"stdout": "abcde", "stderr": "", "value": None, "error": None},
                   "2": {"stdout": "", "stderr": "", "value": None,
                         "error": {"ename": "E", "evalue": "v", "traceback": "t"}}}
    assert dropped == 1
