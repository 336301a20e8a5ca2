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
- a student gets a name (from ``--roster``, else their id as last name and an empty
  first name) unless a name is already there, so formgrader never lists "None, None".

:func:`readback` then reads each student's scores and comments back, manual
grading included, for ``grades.csv`` and the feedback pages.
"""
import csv
import warnings

from nbgrader.api import Gradebook, MissingEntry


def ensure_assignment(db_url, assignment, notebook):
    """True when the gradebook knows the assignment's notebook (nbgrader generate_assignment
    ran); ``notebook`` is its name without ``.ipynb``."""
    with Gradebook(db_url) as gb:
        try:
            gb.find_notebook(notebook, assignment)
            return True
        except MissingEntry:
            return False


def read_roster(path):
    """{id: {"first_name", "last_name", "email"}} from a CSV with an ``id`` column."""
    with open(path, newline="", encoding="utf-8-sig") as f:
        rows = list(csv.DictReader(f))
    if rows and "id" not in rows[0]:
        raise SystemExit(f"{path}: the roster needs an 'id' column (and first_name, last_name, email)")
    return {r["id"].strip(): {k: (r.get(k) or "").strip() or None
                              for k in ("first_name", "last_name", "email")} for r in rows}


def _name(gb, student, roster):
    """The roster's names, else the id as last name; names already in the gradebook stay.

    formgrader prints a missing name as "None": an empty first name shows as nothing.
    """
    try:
        known = gb.find_student(student)
    except MissingEntry:
        known = None
    given = {k: v for k, v in (roster or {}).get(student, {}).items() if v}
    if not given and known is not None and (known.first_name or known.last_name):
        return {}
    if not given:
        return {"first_name": "", "last_name": student}
    return {"first_name": "", "last_name": student, **given}


def record(gb, trusted, result, roster=None):
    """Store one :class:`.result.Result` in an open Gradebook."""
    with warnings.catch_warnings():  # nbgrader's add_submission trips SQLAlchemy autoflush warnings
        warnings.simplefilter("ignore")
        _record(gb, trusted, result, roster)


def _record(gb, trusted, result, roster):
    student, assignment, name = result.student, trusted.assignment, trusted.name
    gb.update_or_create_student(student, **_name(gb, student, roster))
    kwargs = {"timestamp": result.timestamp} if result.timestamp else {}
    try:
        gb.update_or_create_submission(assignment, student, **kwargs)
    except Exception:  # an unreadable timestamp must not lose the grades
        gb.db.rollback()
        gb.update_or_create_submission(assignment, student)
    scores = {g.grade_id: g.score for g in result.grades}
    answers = result.answers
    missing = bool(result.fatal)
    for cell in trusted.grade_cells:
        grade = gb.find_grade(cell.grade_id, name, assignment, student)
        if cell.kind == "code" and result.grader_failure:
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


def readback(gb, trusted, student):
    """The gradebook's view of a student's notebook now: manual scores and comments included.

    ``{"score", "max_score", "pending", "grades": {grade_id: {"score", "max_score",
    "manual", "pending"}}, "comments": {grade_id: comment}, "raw_score", "penalty",
    "seconds_late"}``, or None before recording. ``score`` is what ``nbgrader export``
    reports (a manual score wins over the auto one; the late penalty is taken off, never
    below 0); ``raw_score`` is the sum of the cells, before the penalty.
    """
    try:
        nb = gb.find_submission_notebook(trusted.name, trusted.assignment, student)
    except MissingEntry:
        return None
    late = {"penalty": float(nb.late_submission_penalty or 0.0),
            "seconds_late": float(nb.assignment.total_seconds_late or 0.0)}
    grades = {g.name: {"score": float(g.score or 0.0), "max_score": float(g.max_score),
                       "manual": g.manual_score is not None,
                       "pending": g.manual_score is None and g.auto_score is None}
              for g in nb.grades}
    comments = {c.name: c.manual_comment for c in nb.comments if c.manual_comment}
    raw = sum(g["score"] for g in grades.values())
    return {"score": max(0.0, raw - late["penalty"]) if late["penalty"] else raw,
            "max_score": sum(g["max_score"] for g in grades.values()),
            "pending": any(g["pending"] for g in grades.values()),
            "grades": grades, "comments": comments, "raw_score": raw, **late}


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
