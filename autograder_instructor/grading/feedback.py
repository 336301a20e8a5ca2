"""Per-student feedback: every check's outcome and message, never the hidden test code.

The page is built from the :class:`.result.Result` (grade ids, points, case labels, messages,
what went wrong with the file or the process) and from the gradebook as read
back after recording (:func:`.gradebook.readback`: manual scores and the
grader's comments). The trusted grade cells' source, which holds the hidden
tests, is never read here, and hidden cases' messages carry no expected values
(:mod:`.redact`).

Each page is written twice: ``<out>/feedback/<student>.html`` and, for a
submission in nbgrader's layout (through the exchange or placed in ``submitted/`` by
hand), ``<course>/feedback/<student>/<assignment>/<notebook>.html`` with the
``timestamp.txt`` and secret ``nbgrader release_feedback`` reads
(:func:`.nbgrader_feedback.complete`).
"""
import html
from pathlib import Path

from .judge import report
from .nbgrader_feedback import complete

STYLE = """body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;line-height:1.4}
.pass{color:#1a7f37}.fail{color:#b42318}table{border-collapse:collapse}
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
pre{white-space:pre-wrap;overflow-wrap:anywhere;margin:0}
.note{background:#fff8e1;padding:.5em 1em;border-left:4px solid #f0b400}
.comment{background:#eef4ff;padding:.4em .8em;border-left:4px solid #4c72b0}"""


def _score_line(result, book):
    if not book:
        return (f"<p><b>Score: {result.score:g} / {result.max_score:g}</b> "
                "(automatically graded cells; written answers are graded by hand)</p>")
    line = f"<p><b>Score: {book['score']:g} / {book['max_score']:g}</b>"
    if book["pending"]:
        line += " (so far: some written answers are not graded yet)"
    return line + "</p>" + _late_line(book)


def _late_line(book):
    """The lateness and the penalty nbgrader's late-submission rules gave, if late."""
    if not book.get("seconds_late"):
        return ""
    from .late import describe
    penalty = book.get("penalty") or 0.0
    return (f"<p class=note>Submitted {describe(book['seconds_late'])} after the due date: "
            + (f"a late penalty of {penalty:g} points was taken off {book['raw_score']:g}.</p>"
               if penalty else "no late penalty was given.</p>"))


def _comment(book, *grade_ids):
    for grade_id in grade_ids:
        text = (book or {}).get("comments", {}).get(grade_id)
        if text:
            return f"<p class=comment>Comment from your grader: {html.escape(text)}</p>"
    return ""


def render(result, assignment, book=None):
    esc = html.escape
    parts = [f"<!doctype html><meta charset=utf-8><title>{esc(assignment)}: "
             f"{esc(result.student)}</title><style>{STYLE}</style>",
             f"<h1>{esc(assignment)}: feedback for {esc(result.student)}</h1>",
             _score_line(result, book)]
    notes = ([result.fatal] if result.fatal else []) + result.notes + result.problems + \
        result.events
    if notes:
        parts.append("<div class=note><p>About your submission:</p><ul>" +
                     "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>")
    parts.append("<table><tr><th>grade cell</th><th>points</th><th>result</th></tr>")
    shown = set()
    for grade in result.grades:
        shown |= {grade.grade_id, grade.func}
        kept = ((book or {}).get("grades") or {}).get(grade.grade_id)
        score = kept["score"] if kept else grade.score  # a grader's override wins, as in nbgrader
        ok = score == grade.points
        parts.append(f"<tr><td>{esc(grade.grade_id)}</td><td>{score:g} / {grade.points:g}"
                     f"</td><td class={'pass' if ok else 'fail'}><pre>{esc(report(grade))}</pre>")
        if kept and kept["manual"] and score != grade.score:
            parts.append(f"<p>Your grader changed this cell's score from {grade.score:g}.</p>")
        parts.append(_comment(book, grade.grade_id, grade.func))
        if grade.outcomes:
            parts.append("<details><summary>every check</summary><ul>" + "".join(
                f"<li class={'pass' if o['passed'] else 'fail'}>{'passed' if o['passed'] else 'failed'}"
                f": {esc(o['label'])}{(': ' + esc(o['message'])) if o['message'] else ''}</li>"
                for o in grade.outcomes) + "</ul></details>")
        if grade.note:
            parts.append(f"<p>{esc(grade.note)}</p>")
        parts.append("</td></tr>")
    for grade_id, kept in ((book or {}).get("grades") or {}).items():
        if grade_id in shown:
            continue  # the rest are written answers, graded by hand
        shown.add(grade_id)
        score = "not graded yet" if kept["pending"] else f"{kept['score']:g}"
        parts.append(f"<tr><td>{esc(grade_id)}</td><td>{score} / {kept['max_score']:g}</td>"
                     f"<td>written answer{_comment(book, grade_id)}</td></tr>")
    parts.append("</table>")
    others = {k: v for k, v in ((book or {}).get("comments") or {}).items() if k not in shown}
    if others:  # comments on solution cells that are not graded on their own
        parts.append("<h2>Comments from your grader</h2><ul>" + "".join(
            f"<li>{esc(k)}: {esc(v)}</li>" for k, v in others.items()) + "</ul>")
    return "\n".join(parts) + "\n"


def write(result, assignment, folder, book=None, course=None, notebook=None):
    """Write the page to ``folder/<student>.html`` and, for exchange submissions, to the
    course's ``feedback/`` in nbgrader's layout; return the first path."""
    page = render(result, assignment, book)
    path = Path(folder) / f"{result.student}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page)
    submission = Path(result.path).parent if result.path else None
    if course and notebook and submission and submission.name == assignment:
        # nbgrader's layout (exchange or placed by hand): where release_feedback looks
        target = complete(Path(course) / "feedback" / result.student / assignment,
                          submission, result.timestamp)
        (target / f"{Path(notebook).stem}.html").write_text(page)
    return path
