"""One submission's flow (grading/flow.py): is each step's input made before it runs?"""
import ast
import inspect
import textwrap
from dataclasses import fields

from autograder_instructor.grading import flow


def _uses(step):
    """(fields of the Submission a step's __call__ reads, fields it assigns)."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(type(step).__call__)))
    read, written = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id == "sub":
            (written if isinstance(node.ctx, ast.Store) else read).add(node.attr)
    return read, written


def test_every_step_uses_only_inputs_or_what_an_earlier_step_made():
    """Does each step declare every field it reads (needs) or assigns (makes), and run after
    the steps that make what it needs, so the declared order is the real one?"""
    made = set(flow.INPUTS)
    for step in flow.STEPS:
        name, (read, written) = type(step).__name__, _uses(step)
        assert read <= set(step.needs) | set(step.makes), (name, read)
        assert written <= set(step.makes), (name, written)
        early = set(step.needs) - made
        assert not early, f"{name} needs {sorted(early)} before they are made"
        made |= set(step.makes)


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
    from autograder_instructor.grading.trusted import GradeCell, Trusted
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
