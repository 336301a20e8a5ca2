"""Grades a learning platform imports: ``rnn-course export ASSIGNMENT... --to canvas|moodle|csv``.

The scores are the gradebook's, as ``nbgrader export`` computes them (manual grades and
overrides included, the late penalty taken off: ``max(0, score - penalty)``). Students are
matched to the platform through nbgrader's student table (``nbgrader db student add
ID --first-name --last-name --email --lms-user-id``, or ``--roster`` of ``rnn-course
grade``); every student who cannot be matched is left out of the file and reported, so
no grade lands on the wrong person:

- **canvas**: Canvas's Gradebook import (Grades > Import): the columns ``Student``, ``ID``,
  ``SIS User ID``, ``SIS Login ID``, ``Section``, then one column per assignment, and a
  ``Points Possible`` row under the header, as Canvas's own export has them. Canvas
  matches a row by ``ID``, its user id, which nbgrader keeps as ``lms_user_id``: a student
  without one is not matched. ``SIS Login ID`` is the nbgrader id (the login nbgrader's
  exchange knows the student by).
- **moodle**: Moodle's CSV grade import (Grades > Import > CSV file): an ``Email address``
  column to map to the users' email, names, then one column per assignment to map to
  its grade item. A student without an email is not matched.
- **csv**: every student, matched or not: id, names, email, LMS user id, each score.

A submission still waiting for a written answer to be graded, or no submission at all,
gets an empty cell (no score, rather than a 0 nobody gave), and is reported.
Every file goes through :func:`.spreadsheet.write_csv`: no cell runs as a formula.
"""
from dataclasses import dataclass, field
from pathlib import Path

from . import spreadsheet

PLATFORMS = ("canvas", "moodle", "csv")
CANVAS_HEADER = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
MOODLE_HEADER = ["Email address", "First name", "Last name"]


@dataclass
class Export:
    path: Path
    written: int = 0
    unmatched: list = field(default_factory=list)  # (student id, why)
    empty: list = field(default_factory=list)  # (student id, assignment, why)


def scores(db_url, assignments):
    """(students, {assignment: max score}, {(student, assignment): score or a reason}):
    the gradebook's students as rows of {id, first_name, last_name, email, lms_user_id}."""
    from nbgrader.api import Gradebook, MissingEntry
    with Gradebook(db_url) as gb:
        known = {a.name for a in gb.assignments}
        missing = [a for a in assignments if a not in known]
        if missing:
            raise SystemExit(f"the gradebook has no assignment {', '.join(missing)} "
                             f"(it has: {', '.join(sorted(known)) or 'none'})")
        students = [{"id": s.id, "first_name": s.first_name or "", "last_name": s.last_name or "",
                     "email": s.email or "", "lms_user_id": s.lms_user_id or ""}
                    for s in sorted(gb.students, key=lambda s: s.id)]
        tops = {a: gb.find_assignment(a).max_score for a in assignments}
        table = {}
        for student in students:
            for a in assignments:
                try:
                    sub = gb.find_submission(a, student["id"])
                except MissingEntry:
                    table[(student["id"], a)] = "no submission"
                    continue
                if _ungraded(sub):
                    table[(student["id"], a)] = "awaiting manual grading"
                    continue
                table[(student["id"], a)] = max(0.0, sub.score - (sub.late_submission_penalty or 0))
    return students, tops, table


def _ungraded(submission):
    """Whether a cell has no score at all yet (a written answer nobody graded). nbgrader's
    needs_manual_grade also flags cells a grader overrode, for review: those are graded."""
    return any(g.auto_score is None and g.manual_score is None
               for nb in submission.notebooks for g in nb.grades)


def _full_name(s):
    return ", ".join(p for p in (s["last_name"], s["first_name"]) if p) or s["id"]


def _cells(student, assignments, table, export):
    cells = []
    for a in assignments:
        value = table[(student["id"], a)]
        if isinstance(value, str):
            export.empty.append((student["id"], a, value))
            cells.append("")
        else:
            cells.append(f"{value:g}")
    return cells


def write(db_url, assignments, platform, path):
    """Write ``platform``'s import file of ``assignments`` to ``path``; return an :class:`Export`."""
    if platform not in PLATFORMS:
        raise SystemExit(f"unknown platform {platform!r}: one of {', '.join(PLATFORMS)}")
    students, tops, table = scores(db_url, assignments)
    export = Export(Path(path))
    rows = []
    if platform == "canvas":
        header = CANVAS_HEADER + list(assignments)
        rows.append(["Points Possible", "", "", "", ""] + [f"{tops[a]:g}" for a in assignments])
        for s in students:
            if not s["lms_user_id"]:
                export.unmatched.append((s["id"], "no LMS user id (Canvas's ID)"))
                continue
            rows.append([_full_name(s), s["lms_user_id"], "", s["id"], ""]
                        + _cells(s, assignments, table, export))
    elif platform == "moodle":
        header = MOODLE_HEADER + list(assignments)
        for s in students:
            if not s["email"]:
                export.unmatched.append((s["id"], "no email address"))
                continue
            rows.append([s["email"], s["first_name"], s["last_name"]]
                        + _cells(s, assignments, table, export))
    else:
        header = ["id", "first_name", "last_name", "email", "lms_user_id"] + list(assignments)
        for s in students:
            rows.append([s["id"], s["first_name"], s["last_name"], s["email"], s["lms_user_id"]]
                        + _cells(s, assignments, table, export))
    spreadsheet.write_csv(path, header, rows)
    export.written = sum(1 for r in rows if r[0] != "Points Possible")
    return export


def text(export):
    """What the command prints: where the file is, who is not in it, whose cells are empty."""
    lines = [f"wrote {export.written} students to {export.path}"]
    if export.unmatched:
        lines.append(f"not matched, so left out ({len(export.unmatched)}):")
        lines += [f"  {student}: {why}" for student, why in export.unmatched]
    if export.empty:
        lines.append(f"empty cells, no score sent ({len(export.empty)}):")
        lines += [f"  {student} {assignment}: {why}" for student, assignment, why in export.empty]
    return "\n".join(lines)
