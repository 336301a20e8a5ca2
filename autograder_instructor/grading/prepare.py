"""Read a submitted notebook and turn it into a plan: which cells run, where each grade cell is.

The plan is the student's cells in their order, with three substitutions that
plain nbgrader also makes or that keep grading honest:

- a grade cell (found by its ``grade_id``) is never run from the student's copy;
  it becomes a ``ScoreCell`` action judged from the trusted cell, and an edited one is
  reported;
- a read-only cell (setup, imports) runs with the course's source, as nbgrader's
  ``OverwriteCells`` does;
- a cell tagged ``demo`` (live Keras, long training) is skipped.

Grade cells the student deleted are graded at the end and reported. A file that is
not JSON, or not a notebook, becomes a plan with no actions and a clear reason.
"""
import json
from dataclasses import dataclass, field
from typing import NamedTuple

import nbformat

from .trusted import released_source

DEMO_TAG = "demo"


class RunCell(NamedTuple):
    """Run a cell of the notebook (the student's source, or the course's if read-only)."""
    index: int  # the cell's position in the notebook, from 0
    source: str


class ScoreCell(NamedTuple):
    """Judge a grade cell from the trusted copy, where it stands in the notebook."""
    grade_id: str


@dataclass
class Plan:
    actions: list = field(default_factory=list)  # RunCell | ScoreCell, in the order they run
    problems: list = field(default_factory=list)  # what a student reads about their file
    fatal: str = ""  # the notebook could not be read at all
    answers: dict = field(default_factory=dict)  # grade_id -> checksum of the student's cell


def read(data, notes=None):
    """Bytes of a submitted file -> (notebook or None, reason).

    An older format that nbformat can upgrade (v3 keeps its cells in ``worksheets``)
    is upgraded to v4, as nbgrader does, and said in ``notes`` if given.
    """
    try:
        raw = json.loads(data.decode("utf-8", errors="strict"))
    except UnicodeDecodeError:
        return None, "the file is not a notebook (it is not UTF-8 text)"
    except json.JSONDecodeError as exc:
        return None, f"the file is not valid JSON (line {exc.lineno}, column {exc.colno}): " \
                     "was it edited by hand or truncated while uploading?"
    if not isinstance(raw, dict) or not ("cells" in raw or "worksheets" in raw) or \
            "nbformat" not in raw:
        return None, "the file is JSON but not a Jupyter notebook (no cells)"
    try:
        nb = nbformat.reads(json.dumps(raw), as_version=4)
    except Exception as exc:  # nbformat raises several kinds on odd files
        return None, f"the file is not a readable notebook ({type(exc).__name__}: {exc})"[:300]
    if not isinstance(nb.get("cells"), list):
        return None, "the file is not a readable notebook"
    if notes is not None and raw.get("nbformat") != 4:
        notes.append(f"the notebook was saved in nbformat {raw.get('nbformat')}; "
                     "it was upgraded to nbformat 4 and graded")
    return nb, ""


def plan(data, trusted):
    """The plan for one submitted file (bytes) against the trusted cells."""
    upgraded = []
    nb, reason = read(data, upgraded)
    if nb is None:
        return Plan(fatal=reason)
    p = Plan()
    p.problems += upgraded
    if not nb.cells:
        p.problems.append("the notebook is empty: nothing could be graded")
    graded = {c.grade_id: c for c in trusted.grade_cells}
    seen = set()
    from nbgrader.utils import compute_checksum
    for index, cell in enumerate(nb.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {}) or {}
        grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
        source = cell.get("source", "") if isinstance(cell.get("source"), str) else ""
        if grade_id in graded:
            if grade_id in seen:
                p.problems.append(f"grade cell {grade_id} appears twice; the copy at cell "
                                  f"{index + 1} was ignored")
                continue
            seen.add(grade_id)
            trusted_cell = graded[grade_id]
            if trusted_cell.kind == "manual":
                p.answers[grade_id] = compute_checksum(cell)
                continue
            if source.strip() not in (trusted_cell.source.strip(), released_source(trusted_cell.source)):
                p.problems.append(f"grade cell {grade_id} was edited; the course's copy was "
                                  "used and your edits were ignored")
            p.actions.append(ScoreCell(grade_id))
        elif grade_id in trusted.locked:
            if source.strip() != trusted.locked[grade_id].strip():
                p.problems.append(f"read-only cell {grade_id} was edited; the course's copy ran")
            p.actions.append(RunCell(index, trusted.locked[grade_id]))
        elif cell.get("cell_type") != "code":
            if grade_id in trusted.solution_ids:
                p.answers[grade_id] = compute_checksum(cell)
            continue
        elif DEMO_TAG in (cell.get("metadata", {}).get("tags") or []):
            continue  # live Keras, long training: the grade cells do not depend on it
        else:
            if grade_id in trusted.solution_ids:
                p.answers[grade_id] = compute_checksum(cell)
            p.actions.append(RunCell(index, source))
    for grade_cell in trusted.grade_cells:
        if grade_cell.grade_id not in seen:
            p.problems.append(f"grade cell {grade_cell.grade_id} was deleted from the notebook; "
                              "it was graded from the course's copy after the last cell")
            if grade_cell.kind == "code":
                p.actions.append(ScoreCell(grade_cell.grade_id))
    return p
