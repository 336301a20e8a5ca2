"""Write results into nbgrader's gradebook, as ``nbgrader autograde`` would; parent only.

Only the grading process writes, one submission at a time, through
:class:`nbgrader.api.Gradebook` (SQLite by default, any SQLAlchemy URL), so
parallel runs never lock or corrupt the database and ``nbgrader export``,
the formgrader and manual grading see the usual rows:

- an autograded cell gets ``auto_score``; a score a grader typed by hand is kept
  and the cell is flagged for review, as nbgrader's ``SaveAutoGrades`` does;
- a written answer (a ``grade`` + ``solution`` markdown cell) gets 0 when left
  as released, and otherwise waits for manual grading;
- solution cells left as released get the comment "No response.";
- a submission the grader failed on (not the student) gets no auto score and every
  autograded cell is flagged for review; the next run grades it again.
"""
import warnings

from nbgrader.api import Gradebook, MissingEntry


def ensure_assignment(db_url, trusted):
    """True when the gradebook knows the assignment's notebook (nbgrader generate_assignment ran)."""
    with Gradebook(db_url) as gb:
        try:
            gb.find_notebook(trusted.name, trusted.assignment)
            return True
        except MissingEntry:
            return False


def record(gb, trusted, result):
    """Store one result (see :mod:`.worker`) in an open Gradebook."""
    with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy autoflush warnings
        warnings.simplefilter("ignore")
        _record(gb, trusted, result)


def _record(gb, trusted, result):
    student, assignment, name = result["student"], trusted.assignment, trusted.name
    gb.update_or_create_student(student)
    kwargs = {"timestamp": result["timestamp"]} if result.get("timestamp") else {}
    try:
        gb.update_or_create_submission(assignment, student, **kwargs)
    except Exception:  # an unreadable timestamp must not lose the grades
        gb.db.rollback()
        gb.update_or_create_submission(assignment, student)
    scores = {g["grade_id"]: g["score"] for g in result["grades"]}
    answers = result.get("answers", {})
    missing = bool(result.get("fatal"))
    for cell in trusted.grade_cells:
        grade = gb.find_grade(cell.grade_id, name, assignment, student)
        if cell.kind == "code" and result.get("grader_failure"):
            grade.auto_score = None  # not a zero: nothing was graded; flagged in the formgrader
            grade.needs_manual_grade = True
        elif cell.kind == "code":
            grade.auto_score = float(scores.get(cell.grade_id, 0.0))
            grade.needs_manual_grade = grade.manual_score is not None
        else:
            answered = (not missing and cell.grade_id in answers
                        and answers[cell.grade_id] != trusted.checksums.get(cell.grade_id))
            grade.auto_score = None if answered else 0.0
            grade.needs_manual_grade = bool(answered or grade.manual_score is not None)
    for grade_id in trusted.solution_ids:
        comment = gb.find_comment(grade_id, name, assignment, student)
        unchanged = missing or answers.get(grade_id, trusted.checksums.get(grade_id)) == \
            trusted.checksums.get(grade_id)
        comment.auto_comment = "No response." if unchanged else None
    gb.db.commit()


def totals(db_url, assignment, notebook):
    """{student: {grade_id: (score, max_score)}}, read back as nbgrader reports them."""
    table = {}
    with Gradebook(db_url) as gb:
        for student in sorted(s.id for s in gb.students):
            try:
                nb = gb.find_submission_notebook(notebook, assignment, student)
            except MissingEntry:
                continue
            table[student] = {g.name: (g.score, g.max_score) for g in nb.grades}
    return table
