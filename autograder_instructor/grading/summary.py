"""Class-level outputs: grades.csv, a table per grade cell, a histogram of total scores.

Each student's row is a :class:`.result.Result`. Scores come from the gradebook as
read back after recording (``books``, see :func:`.gradebook.readback`), so a written
answer or an override a grader entered in formgrader counts here exactly as in
``nbgrader export``.
"""
from pathlib import Path

from . import spreadsheet


def total(result, books):
    """(score, max_score) of a result: the gradebook's, manual grades included."""
    book = (books or {}).get(result.student)
    if book:
        return book["score"], book["max_score"]
    return result.score, result.max_score


def write_csv(results, trusted, path, books=None):
    """One row per student: total, automatic total, every grade cell, status, notes.

    A written answer nobody has graded yet is left empty (status says so).
    """
    ids = [c.grade_id for c in trusted.grade_cells]
    rows = []
    for r in sorted(results, key=lambda r: r.student):
        book = (books or {}).get(r.student) or {"grades": {}, "pending": False}
        auto = {g.grade_id: g.score for g in r.grades}
        cells = []
        for i in ids:
            g = book["grades"].get(i)
            cells.append("" if g and g["pending"] else
                         f"{g['score'] if g else auto.get(i, 0):g}")
        status = "not graded: " + r.fatal if r.fatal else (
            "incomplete" if r.events else
            "awaiting manual grading" if book["pending"] else "graded")
        notes = "; ".join(r.notes + r.problems + r.events)
        if r.grader_failure:  # nothing was graded: blank, not a zero
            rows.append([r.student, "", f"{r.max_score:g}", "", *["" for _ in ids],
                         "not graded: set aside, the grader stopped while grading it"
                         if r.set_aside else
                         "not graded: grader failure, run rnn-course grade again",
                         "; ".join([r.grader_failure] + ([notes] if notes else []))])
            continue
        score, top = total(r, books)
        rows.append([r.student, f"{score:g}", f"{top:g}", f"{r.score:g}", *cells,
                     status, notes])
    return spreadsheet.write_csv(
        path, ["student", "score", "max_score", "auto_score", *ids, "status", "notes"], rows)


def table(results, trusted, books=None, isolation=""):
    """Per grade cell: points, mean score, how many students lost points (after the
    line saying which isolation student code ran under, if given)."""
    lines = [isolation] if isolation else []
    lines.append(f"{'grade cell':<28} {'points':>6} {'mean':>6} {'lost points':>12}")
    n = len(results)
    for cell in trusted.grade_cells:
        if cell.kind != "code":
            kept = [(books or {}).get(r.student) or {"grades": {}} for r in results]
            done = [b["grades"][cell.grade_id]["score"] for b in kept
                    if cell.grade_id in b["grades"] and not b["grades"][cell.grade_id]["pending"]]
            mean = f"{sum(done) / len(done):.2f}" if done else "manual"
            lines.append(f"{cell.grade_id:<28} {cell.points:>6g} {mean:>6} "
                         f"{f'{n - len(done)} to grade' if n - len(done) else '':>12}")
            continue
        scores = [_cell_score(r, cell.grade_id, books) for r in results]
        mean = sum(scores) / n if n else 0.0
        lost = sum(s < cell.points for s in scores)
        # Lost because a function it calls is wrong (the feedback named the callee): counted
        # apart, so a teacher sees which losses are one bug costing twice.
        callee = sum(s < cell.points and _callee_named(r, cell.grade_id)
                     for r, s in zip(results, scores))
        lines.append(f"{cell.grade_id:<28} {cell.points:>6g} {mean:>6.2f} {lost:>7} of {n:<3}"
                     + (f" ({callee} with a failing callee named)" if callee else ""))
    totals = [total(r, books)[0] for r in results]
    if totals:
        lines.append(f"{'total':<28} {trusted.max_score:>6g} {sum(totals) / n:>6.2f}")
    return "\n".join(lines)


def _callee_named(result, grade_id):
    """Whether this cell's feedback named a failing function it calls as the cause."""
    from autograder.visible import CALLEE_MARK
    return any(g.grade_id == grade_id and CALLEE_MARK in (g.note or "") for g in result.grades)


def _cell_score(result, grade_id, books):
    book = (books or {}).get(result.student)
    if book and grade_id in book["grades"]:  # a grader's override counts
        return book["grades"][grade_id]["score"]
    return next((g.score for g in result.grades if g.grade_id == grade_id), 0.0)


def histogram(results, trusted, path, books=None):
    """histogram.png: how many students got each total."""
    import matplotlib.pyplot as plt
    fig = figure(results, trusted, books)
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)


def figure(results, trusted, books=None):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator
    totals = [total(r, books)[0] for r in results]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    top = trusted.max_score
    ax.hist(totals, bins=[x - 0.5 for x in range(int(top) + 2)], color="#4c72b0", edgecolor="white")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # a count of students is whole
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"total score (out of {top:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{trusted.assignment}: {len(totals)} submissions")
    fig.tight_layout()
    return fig
