"""What changed since the last grading run: each student whose score moved, by how much,
in which cell, and the likely reason.

Every ``rnn-course grade`` run keeps the scores it ended with in ``scores.json`` (the
gradebook's view: manual grades and overrides included), after moving the previous
run's file to ``previous-scores.json``. Comparing the two answers a regrade request in
one look: a fixed test, a grader's manual score, a resubmission. ``rnn-course report``
compares the gradebook as it is now with the last run's ``scores.json`` and writes nothing.
"""
import json
from pathlib import Path

CURRENT, PREVIOUS = "scores.json", "previous-scores.json"
LATE = "late penalty"


def snapshot(rows):
    """{student: {"total", "cells": {grade_id: score, or None while it awaits a grader},
    "manual": [grade ids a grader scored], "sha"}} of the report's rows."""
    return {row["student"]: {"total": row["total"],
                             "cells": {**row["cells"], **_penalty(row)},
                             "manual": sorted(row["manual"]), "sha": row["sha"]}
            for row in rows}


def _penalty(row):
    """A late penalty, as a pseudo-cell of negative points, so that a change in it is listed."""
    penalty = (row.get("late") or {}).get("penalty")
    return {LATE: -penalty} if penalty else {}


def load(folder, name=CURRENT):
    """The scores a run kept (``{}`` when there are none, or the file is unreadable)."""
    try:
        data = json.loads((Path(folder) / name).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def keep(folder, current):
    """Keep ``current`` as this run's scores; return the previous run's (``{}`` if none)."""
    folder = Path(folder)
    previous = load(folder)
    if (folder / CURRENT).exists():
        (folder / CURRENT).replace(folder / PREVIOUS)
    (folder / CURRENT).write_text(json.dumps(current, indent=1, sort_keys=True))
    return previous


def diff(previous, current):
    """One row per (student, cell) whose score changed between two snapshots, in student
    order: ``{"student", "cell", "before", "after", "delta", "why"}``. Students in only one
    of them are not changes (a first submission, a student the run did not see)."""
    rows = []
    for student in sorted(set(previous) & set(current)):
        before, after = previous[student], current[student]
        for cell in sorted(set(before.get("cells", {})) | set(after.get("cells", {}))):
            old, new = before.get("cells", {}).get(cell), after.get("cells", {}).get(cell)
            if old == new:
                continue
            rows.append({"student": student, "cell": cell, "before": old, "after": new,
                         "delta": (new or 0.0) - (old or 0.0),
                         "why": _why(cell, before, after)})
    return rows


def _why(cell, before, after):
    if cell == LATE:
        return "late penalty (nbgrader's late-submission plugin)"
    if cell in after.get("manual", ()) or cell in before.get("manual", ()):
        return "manual grade"
    if before.get("sha") and after.get("sha") and before["sha"] != after["sha"]:
        return "resubmitted"
    return "regraded (the checks or the limits changed)"


def text(rows):
    """The lines the command prints under its summary."""
    if not rows:
        return "no score changed since the last grading run"
    lines = ["scores changed since the last grading run:"]
    for r in rows:
        lines.append(f"  {r['student']}: {r['cell']} {_points(r['before'])} -> "
                     f"{_points(r['after'])} ({r['delta']:+g}, {r['why']})")
    return "\n".join(lines)


def _points(value):
    return "awaiting a grader" if value is None else f"{value:g}"
