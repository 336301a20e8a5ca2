"""Per-student feedback: every check's outcome and message, never the hidden test code.

The page is built from the result alone (grade ids, points, case labels,
messages, what went wrong with the file or the process); the trusted grade
cells' source, which holds the hidden tests, is never read here.
"""
import html
from pathlib import Path

from .judge import CellGrade, report

STYLE = """body{font-family:system-ui,sans-serif;max-width:52em;margin:2em auto;line-height:1.4}
.pass{color:#1a7f37}.fail{color:#b42318}table{border-collapse:collapse}
td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left;vertical-align:top}
.note{background:#fff8e1;padding:.5em 1em;border-left:4px solid #f0b400}"""


def render(result, assignment):
    esc = html.escape
    parts = [f"<!doctype html><meta charset=utf-8><title>{esc(assignment)}: "
             f"{esc(result['student'])}</title><style>{STYLE}</style>",
             f"<h1>{esc(assignment)}: feedback for {esc(result['student'])}</h1>",
             f"<p><b>Score: {result['score']:g} / {result['max_score']:g}</b> "
             "(automatically graded cells; written answers are graded by hand)</p>"]
    notes = ([result["fatal"]] if result.get("fatal") else []) + result.get("notes", []) + \
        result.get("problems", []) + result.get("events", [])
    if notes:
        parts.append("<div class=note><p>About your submission:</p><ul>" +
                     "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul></div>")
    parts.append("<table><tr><th>grade cell</th><th>points</th><th>result</th></tr>")
    for g in result["grades"]:
        grade = CellGrade(**g)
        ok = grade.score == grade.points
        parts.append(f"<tr><td>{esc(grade.grade_id)}</td><td>{grade.score:g} / {grade.points:g}"
                     f"</td><td class={'pass' if ok else 'fail'}><pre>{esc(report(grade))}</pre>")
        if grade.outcomes:
            parts.append("<details><summary>every check</summary><ul>" + "".join(
                f"<li class={'pass' if o['passed'] else 'fail'}>{'passed' if o['passed'] else 'failed'}"
                f": {esc(o['label'])}{(': ' + esc(o['message'])) if o['message'] else ''}</li>"
                for o in grade.outcomes) + "</ul></details>")
        if grade.note:
            parts.append(f"<p>{esc(grade.note)}</p>")
        parts.append("</td></tr>")
    parts.append("</table>")
    return "\n".join(parts) + "\n"


def write(result, assignment, folder):
    path = Path(folder) / f"{result['student']}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(result, assignment))
    return path
