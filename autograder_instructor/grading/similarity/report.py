"""pairs.csv and report.html: the similarity evidence, for a person to review.

``pairs.csv`` lists every pair of the class, most alike first (pairs with nothing in
common beyond the class's usual code score 0), through :mod:`..spreadsheet`.
``report.html`` is one offline file: the histogram of pair scores as an embedded PNG, then
each flagged pair with its evidence and, per function, the two students' code side by
side with the lines that share rare fragments marked. Every piece of student text (ids,
code, comments) is HTML-escaped.
"""
import base64
import html
import io
from pathlib import Path

from ..spreadsheet import write_csv

HEADER = ["student_a", "student_b", "score", "verdict", "evidence", "most_alike_functions"]
MAX_PAIRS_SHOWN = 60  # flagged pairs shown in full in report.html (all are in pairs.csv)
SHOWN_SHARE = 0.3  # functions at least this alike are shown side by side


def rows(similarity):
    """Every pair of the class as CSV rows, most alike first."""
    listed = set()
    for p in similarity.pairs:
        listed.add((p.student_a, p.student_b))
        yield [p.student_a, p.student_b, p.score, p.verdict, p.evidence,
               " ".join(f"{m.func}:{m.share:.2f}" for m in p.functions[:3] if m.weight > 0)]
    students = similarity.students
    for i, a in enumerate(students):
        for b in students[i + 1:]:
            if (a, b) not in listed:
                yield [a, b, 0.0, "independent", "nothing beyond what the class shares", ""]


def write(similarity, out):
    """Write pairs.csv and report.html into ``out``; return their paths."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    csv_path = write_csv(out / "pairs.csv", HEADER, rows(similarity))
    html_path = out / "report.html"
    html_path.write_text(page(similarity), encoding="utf-8")
    return csv_path, html_path


def histogram_png(similarity):
    """The PNG (bytes) of how the class's pair scores are spread."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from .score import LIKELY, REVIEW
    scores = [p.score for p in similarity.pairs]
    scores += [0.0] * (similarity.n_pairs - len(scores))
    fig, ax = plt.subplots(figsize=(6.5, 3.2))
    ax.hist(scores, bins=[i / 40 for i in range(41)], color="#4c72b0", edgecolor="white")
    ax.set_yscale("symlog", linthresh=1)  # thousands of ordinary pairs, a few alike ones
    for x, label in ((REVIEW, "review"), (LIKELY, "likely copied")):
        ax.axvline(x, color="#c44e52", lw=1, ls="--")
        ax.text(x + 0.005, ax.get_ylim()[1] * 0.5, label, color="#c44e52", fontsize=8)
    ax.set_xlabel("pair score (0: as alike as the class's usual pair)")
    ax.set_ylabel("pairs")
    ax.set_title(f"{similarity.assignment}: {similarity.n_pairs} pairs of "
                 f"{len(similarity.students)} students")
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90)
    plt.close(fig)
    return buf.getvalue()


def _lines(fragment, hashes):
    """Line numbers (from 1) of ``fragment`` covered by any of the shared ``hashes``."""
    marked = set()
    for table in (fragment.tokens, fragment.shapes):
        for h in hashes & table.keys():
            first, last = table[h]
            marked.update(range(first, last + 1))
    return marked


def _code(fragment, hashes):
    marked, out = _lines(fragment, hashes), []
    for number, line in enumerate(fragment.source.splitlines(), 1):
        text = html.escape(line) or " "
        out.append(f"<mark>{text}</mark>" if number in marked else text)
    return "<pre>" + "\n".join(out) + "</pre>"


def _pair_section(similarity, pair, index):
    e = html.escape
    a, b = pair.student_a, pair.student_b
    parts = [f'<section id="pair{index}"><h2>{index}. {e(a)} and {e(b)}: score '
             f'{pair.score:.2f} ({e(pair.verdict)})</h2><ul>']
    parts += [f"<li>{e(item)}</li>" for item in pair.evidence.split("; ")]
    parts.append("</ul>")
    if pair.behaviour:
        parts.append("<table><tr><th>grade cell</th><th>hidden cases wrong the same way</th>"
                     "<th>explained by a known mistake</th><th>students with that output</th></tr>")
        for s in pair.behaviour:
            parts.append(f"<tr><td>{e(s.grade_id)}</td><td>{s.cases} of {s.wrong}</td>"
                         f"<td>{s.named}</td><td>{s.classmates}</td></tr>")
        parts.append("</table>")
    for m in pair.functions:
        if m.share < SHOWN_SHARE or m.weight <= 0:
            continue
        fa = similarity.fragments[a].get(m.func)
        fb = similarity.fragments[b].get(m.func)
        if fa is None or fb is None:
            continue
        hashes = m.shared
        parts.append(f"<h3>{e(m.func)}: {m.share:.0%} of the rarer code shared "
                     f"(tokens {m.tokens:.0%}, structure {m.shapes:.0%})</h3>"
                     f'<div class="side"><div><h4>{e(a)}</h4>{_code(fa, hashes)}</div>'
                     f"<div><h4>{e(b)}</h4>{_code(fb, hashes)}</div></div>")
    parts.append("</section>")
    return "\n".join(parts)


STYLE = """body{font-family:sans-serif;max-width:75em;margin:auto;padding:1em;color:#222}
.side{display:flex;gap:1em}.side>div{flex:1;min-width:0}
pre{background:#f6f6f6;padding:.5em;overflow-x:auto;font-size:85%}
mark{background:#ffe08a}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}
.note{background:#eef4fb;padding:.6em 1em;border-left:4px solid #4c72b0}"""


def page(similarity):
    """report.html's text."""
    e = html.escape
    flagged = similarity.flagged()
    png = base64.b64encode(histogram_png(similarity)).decode()
    c = similarity.calibration
    body = [f"<h1>Similarity evidence: {e(similarity.assignment)}</h1>",
            '<p class="note">This page lists pairs of submissions whose code (or whose wrong '
            "answers) are more alike than this class's usual pair. A high score is a reason "
            "for a person to look closely, not a finding: students may have worked from the "
            "same lecture example, been helped by the same tutor, or simply written the "
            "natural solution. Read the code side by side, then talk with the students "
            "before drawing any conclusion. See the instructor guide.</p>",
            f"<p>{len(similarity.students)} notebooks, {similarity.n_pairs} pairs; "
            f"{sum(p.verdict == 'likely copied' for p in flagged)} marked <b>likely copied</b>, "
            f"{sum(p.verdict == 'review' for p in flagged)} marked <b>review</b>. "
            f"Code evidence of the class's usual pair: {c.usual:.1f}, of its 95th percentile: "
            f"{c.high:.1f}. Behaviour on hidden cases: "
            f"{'from the grading run' if similarity.behaviour else 'not available (no grading results): code signals only'}.</p>",
            f'<img alt="histogram of pair scores" src="data:image/png;base64,{png}">']
    if similarity.skipped:
        body.append("<h2>Notebooks not compared</h2><ul>" + "".join(
            f"<li>{e(s)}: {e(why)}</li>" for s, why in sorted(similarity.skipped.items())) + "</ul>")
    if not flagged:
        body.append("<p>No pair stands out from the class.</p>")
    else:
        body.append("<h2>Pairs to review</h2><ol>" + "".join(
            f'<li><a href="#pair{i}">{e(p.student_a)} and {e(p.student_b)}</a>: '
            f"{p.score:.2f} ({e(p.verdict)})</li>" for i, p in enumerate(flagged, 1)) + "</ol>")
        body += [_pair_section(similarity, p, i)
                 for i, p in enumerate(flagged[:MAX_PAIRS_SHOWN], 1)]
        if len(flagged) > MAX_PAIRS_SHOWN:
            body.append(f"<p>{len(flagged) - MAX_PAIRS_SHOWN} more flagged pairs are in "
                        "pairs.csv.</p>")
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>Similarity: {e(similarity.assignment)}</title><style>{STYLE}</style>"
            "</head><body>" + "\n".join(body) + "</body></html>\n")
