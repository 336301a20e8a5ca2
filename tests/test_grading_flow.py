"""One submission's flow (grading/flow.py): is each step's input made before it runs?

The flow's steps are held at run time by the same Context as the class's pipeline (an
undeclared read or write fails naming the step); these tests check the declared order.
"""
from autograder_instructor.grading import flow
from autograder_instructor.grading.context import Step, undeclared_order
from autograder_instructor.grading.task import Task


def test_every_step_uses_only_inputs_or_what_an_earlier_step_made():
    """Does each step run after the steps that make what it needs, with a help text and a
    product of its own?"""
    assert undeclared_order(flow.STEPS, flow.INPUTS) == []
    assert all(isinstance(step, Step) for step in flow.STEPS)


def test_the_steps_run_in_nbgraders_order():
    """read -> prepare the plan -> copy files -> execute -> trim outputs -> fill rows -> total?"""
    assert [type(s).__name__ for s in flow.STEPS] == [
        "Read", "Prepare", "CopyFiles", "Execute", "TrimOutputs", "FillMissing", "Total"]


def test_a_submission_without_a_file_still_gets_every_row(tmp_path):
    """With no notebook at all, are the steps that would run it skipped, and does every
    autograded cell still get a zero row that says why?"""
    from autograder_instructor.grading.trusted import GradeCell, Trusted
    trusted = Trusted("01_dense", "dense.ipynb", [GradeCell("a_tests", 2, "code", ""),
                                                  GradeCell("essay", 1, "manual", "")], {}, [], {})
    result = flow.grade(Task("ada"), trusted, None, tmp_path)
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
