"""``grading/<id>/report.html`` (and ``report.json``, its numbers): what the class got wrong,
what changed, how hard each cell was, how long each notebook took.

Written at the end of every ``rnn-course grade`` run (:class:`.pipeline.Report`) and by
``rnn-course report ASSIGNMENT``, which grades nothing: it reads the gradebook as it is
now (so manual grades and overrides count) and, for what the checks found, the last
run's journal (``state.jsonl``). A student graded only by plain ``nbgrader autograde``
counts in the scores, difficulty and discrimination, but has no checks to show.
"""
import json
from pathlib import Path

from . import changes, class_report, report_html

HTML, JSON = "report.html", "report.json"


def write(out, trusted, results, books, keep=True):
    """Write the report into ``out``; with ``keep`` (a grading run) this run's scores are kept
    for the next run to compare with, else (a report alone) the gradebook now is compared
    with the last run's. Return (path, model)."""
    out = Path(out)
    table = class_report.rows(trusted, results, books)
    current = changes.snapshot(table)
    previous = changes.keep(out, current) if keep else changes.load(out)
    found = changes.diff(previous, current) if previous else None
    model, _ = class_report.build(trusted, results, books, found)
    (out / JSON).write_text(json.dumps(model, indent=1))
    path = out / HTML
    path.write_text(report_html.render(model))
    return path, model


def from_gradebook(course, assignment, db_url=None, out=None):
    """Write the report of ``assignment`` from the gradebook and the last run's journal;
    (None, None) when the gradebook has no submission of it."""
    from nbgrader.api import Gradebook

    from .gradebook import readback
    from .inputs import Inputs
    from .state import Journal
    from .trusted import load
    inputs = Inputs.given(assignment=assignment, submissions=".", course=Path(course),
                          db_url=db_url, out=out).resolved()
    trusted = load(inputs.course, assignment)
    results = list(Journal(inputs.out / "state.jsonl").entries.values())
    with Gradebook(inputs.db_url) as gb:
        students = [s.id for s in gb.students]
        books = {s: readback(gb, trusted, s) for s in students}
    books = {s: b for s, b in books.items() if b is not None}
    if not books:
        return None, None  # nothing graded yet: no page of empty plots
    graded = [r for r in results if r.student in books or r.grader_failure]
    inputs.out.mkdir(parents=True, exist_ok=True)
    return write(inputs.out, trusted, graded, books, keep=False)
