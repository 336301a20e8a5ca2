"""The class report as one self-contained HTML page: no script, no external URL, every plot
an embedded PNG (matplotlib, as the histogram), every piece of student text escaped.

Its sections, in the order an instructor reads them on Monday: what changed since the
last run, the class's misconceptions (the top five with the lecture section to go over,
then per graded function), cascades, each grade cell's difficulty and discrimination (and
each check's), late submissions and their penalties, and the time each notebook took
with the limits it hit.
"""
import base64
import html
import io

from . import item_stats

esc = html.escape
STYLE = """body{font-family:system-ui,sans-serif;max-width:64em;margin:2em auto;line-height:1.4}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;
text-align:left;vertical-align:top}td.n{text-align:right}.flag{color:#b42318;font-weight:600}
img{max-width:100%}.muted{color:#666}details{margin:.3em 0}"""


def _png(fig):
    """``<img>`` with the figure inline as a data: URI (works offline, from disk or mail)."""
    import matplotlib.pyplot as plt
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=90)
    plt.close(fig)
    data = base64.b64encode(buffer.getvalue()).decode()
    return f'<img alt="{esc(fig.axes[0].get_title())}" src="data:image/png;base64,{data}">'


def _figure(size=(6, 3.2)):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    return plt.subplots(figsize=size)


def _totals_plot(model):
    from matplotlib.ticker import MaxNLocator
    fig, ax = _figure()
    top = model["max_score"]
    ax.hist(list(model["totals"].values()), bins=[x - 0.5 for x in range(int(top) + 2)],
            color="#4c72b0", edgecolor="white")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel(f"total score (out of {top:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{model['assignment']}: totals of {model['students']} students")
    fig.tight_layout()
    return _png(fig)


def _cells_plot(model):
    fig, ax = _figure((6, 3.6))
    points = {}  # cells at the same place share one label
    for c in model["cells"]:
        if not c["points"]:
            continue
        r = c["discrimination"] if c["discrimination"] is not None else 0.0
        where = (round(c["mean"] / c["points"], 3), round(r, 3))
        flagged = points.get(where, (False, []))[0] or bool(c["flags"])
        points[where] = (flagged, points.get(where, (False, []))[1] + [c["name"]])
    for (x, r), (flagged, names) in points.items():
        ax.scatter(x, r, color="#b42318" if flagged else "#4c72b0")
        ax.annotate(", ".join(names), (x, r), fontsize=7, xytext=(3, 3),
                    textcoords="offset points")
    ax.axhline(item_stats.ANTI, color="#999", linewidth=0.8)
    ax.set_xlim(-0.05, 1.15)
    ax.set_xlabel("difficulty: mean score as a share of the points")
    ax.set_ylabel("discrimination (point-biserial)")
    ax.set_title("grade cells: difficulty and discrimination")
    fig.tight_layout()
    return _png(fig)


def _top_plot(model):
    from matplotlib.ticker import MaxNLocator
    fig, ax = _figure((8, 1.2 + 0.45 * max(1, len(model["top"]))))
    labels = [m["mutant"] or f"{m['func']}: {m['cause'][:40]}" for m in model["top"]][::-1]
    ax.barh(labels, [m["count"] for m in model["top"]][::-1], color="#dd8452")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))  # a count of students is whole
    ax.set_xlabel("students")
    ax.set_title("known mistakes, by students")
    fig.tight_layout()
    return _png(fig)


def _time_plot(model):
    fig, ax = _figure()
    ax.hist([t["seconds"] for t in model["timing"]], bins=20, color="#55a868", edgecolor="white")
    ax.set_xlabel("seconds to grade the notebook")
    ax.set_ylabel("notebooks")
    ax.set_title("time each notebook took")
    fig.tight_layout()
    return _png(fig)


def _num(x, fmt=".2f"):
    return "—" if x is None else format(x, fmt)


def _names(students):
    return esc(", ".join(students))


def _changes(model):
    rows = model.get("changes")
    parts = ["<h2 id=changes>What changed since the last grading run</h2>"]
    if rows is None:
        return parts + ["<p class=muted>No earlier run to compare with.</p>"]
    if not rows:
        return parts + ["<p>No score changed.</p>"]
    parts.append("<table><tr><th>student</th><th>grade cell</th><th>before</th><th>after</th>"
                 "<th>change</th><th>why</th></tr>")
    for r in rows:
        parts.append(f"<tr><td>{esc(r['student'])}</td><td>{esc(r['cell'])}</td>"
                     f"<td class=n>{_num(r['before'], 'g')}</td><td class=n>"
                     f"{_num(r['after'], 'g')}</td><td class=n>{r['delta']:+g}</td>"
                     f"<td>{esc(r['why'])}</td></tr>")
    return parts + ["</table>"]


def _misconceptions(model):
    parts = ["<h2 id=misconceptions>What the class got wrong</h2>",
             "<p>Each wrong answer whose outputs equal a known mistake's (the likely cause "
             "students read in their feedback) is counted under that mistake. Cascades, "
             "stubs and cells that could not be graded are counted apart.</p>",
             "<h3 id=top>The top five, with the lecture section that teaches each</h3>"]
    if model["top"]:
        parts.append(_top_plot(model))
        parts.append("<table><tr><th>function</th><th>known mistake</th><th>students</th>"
                     "<th>lecture</th></tr>")
        for m in model["top"]:
            parts.append(f"<tr><td>{esc(m['func'])}</td><td>{esc(m['cause'])}</td>"
                         f"<td class=n>{m['count']}: {_names(m['students'])}</td>"
                         f"<td>{esc(m['section'])}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p>No wrong answer matched a known mistake.</p>")
    parts.append("<h3>Per graded function</h3><table><tr><th>function</th><th>known mistakes"
                 "</th><th>no known mistake</th><th>cascades</th><th>stubs</th>"
                 "<th>not graded</th></tr>")
    for f in model["misconceptions"]:
        mistakes = "".join(f"<li>{m['count']} ({_names(m['students'])}): {esc(m['cause'])}"
                           f" <span class=muted>{esc(m['mutant'])}</span></li>"
                           for m in f["mistakes"])
        share = ("" if f["unexplained_share"] is None else
                 f"{len(f['unexplained'])} of {f['wrong']} wrong answers "
                 f"({f['unexplained_share']:.0%})")
        parts.append(f"<tr><td>{esc(f['func'])}<br><span class=muted>{esc(f['section'])}"
                     f"</span></td><td><ul>{mistakes}</ul></td><td>{share}"
                     f"{'<br>' + _names(f['unexplained']) if f['unexplained'] else ''}</td>"
                     f"<td>{_names(f['cascades'])}</td><td>{_names(f['stubs'])}</td>"
                     f"<td>{_names(f['not_graded'])}</td></tr>")
    return parts + ["</table>"]


def _cascades(model):
    parts = ["<h2 id=cascades>Cascades: points lost to another function</h2>"]
    rows = model["cascades"]
    if not rows:
        return parts + ["<p>None.</p>"]
    lost = sum(r["lost"] for r in rows)
    parts.append(f"<p>{len(rows)} answers lost {lost:g} points in a function whose feedback "
                 "names a failing function it calls (fix that one first). These are not "
                 "counted as the function's own mistakes.</p><table><tr><th>student</th>"
                 "<th>function</th><th>points lost</th><th>calls, failing</th></tr>")
    for r in rows:
        parts.append(f"<tr><td>{esc(r['student'])}</td><td>{esc(r['func'])}</td>"
                     f"<td class=n>{r['lost']:g}</td><td>{_names(r['callees'])}</td></tr>")
    return parts + ["</table>"]


def _item_rows(items):
    return "".join(
        f"<tr><td>{esc(i['name'])}</td><td class=n>{i['points']:g}</td><td class=n>{i['n']}</td>"
        f"<td class=n>{i['mean']:.2f}</td><td class=n>{i['full']:.0%}</td>"
        f"<td class=n>{_num(i['discrimination'])}</td>"
        f"<td class=flag>{esc(', '.join(i['flags']))}</td></tr>" for i in items)


HEAD = ("<tr><th>{}</th><th>points</th><th>students</th><th>mean</th><th>at full marks</th>"
        "<th>discrimination</th><th>look at it</th></tr>")


def _difficulty(model):
    parts = ["<h2 id=difficulty>Difficulty and discrimination</h2>",
             f"<p>Mean score and share at full marks; discrimination is the point-biserial "
             f"correlation of the cell with the rest of the total (below {item_stats.ANTI:g}: "
             f"anti-discriminating, likely a broken test). Flagged too easy at a mean of "
             f"{item_stats.TOO_EASY:.0%} of the points or more, too hard at "
             f"{item_stats.TOO_HARD:.0%} or less.</p>", _totals_plot(model), _cells_plot(model),
             "<table>" + HEAD.format("grade cell") + _item_rows(model["cells"]) + "</table>",
             "<h3>Each check of each grade cell</h3>"]
    for grade_id, items in model["cases"].items():
        parts.append(f"<details><summary>{esc(grade_id)}</summary><table>"
                     + HEAD.format("check") + _item_rows(items) + "</table></details>")
    return parts


def _timing(model):
    parts = ["<h2 id=time>Time and limits</h2>"]
    rows = model["timing"]
    if not rows:
        return parts + ["<p class=muted>No grading run recorded.</p>"]
    parts.append(_time_plot(model))
    hit = [r for r in rows if r["limits"]]
    slow = sorted(rows, key=lambda r: -r["seconds"])[:5]
    parts.append("<table><tr><th>slowest notebooks</th><th>seconds</th><th>running cells</th>"
                 "<th>checks</th></tr>" + "".join(
                     f"<tr><td>{esc(r['student'])}</td><td class=n>{r['seconds']:.1f}</td>"
                     f"<td class=n>{r['cells']:.1f}</td><td class=n>{r['checks']:.1f}</td></tr>"
                     for r in slow) + "</table>")
    parts.append(f"<h3>Limits hit ({len(hit)} notebooks)</h3>")
    parts.append("<ul>" + "".join(f"<li>{esc(r['student'])}: {esc('; '.join(r['limits']))}</li>"
                                  for r in hit) + "</ul>" if hit else "<p>None.</p>")
    return parts


def _late(model):
    parts = ["<h2 id=late>Late submissions</h2>"]
    rows = model.get("late") or []
    if not rows:
        return parts + ["<p>None after the due date (or the gradebook has no due date).</p>"]
    from .late import describe
    parts.append("<p>Penalties as nbgrader autograde gives them (the course's late-submission "
                 "plugin); the statistics above use the scores before them.</p><table><tr>"
                 "<th>student</th><th>late by</th><th>penalty</th><th>score before</th>"
                 "<th>after</th></tr>")
    for r in rows:
        parts.append(f"<tr><td>{esc(r['student'])}</td><td>{esc(describe(r['seconds']))}</td>"
                     f"<td class=n>{r['penalty']:g}</td><td class=n>{r['raw']:g}</td>"
                     f"<td class=n>{r['score']:g}</td></tr>")
    return parts + ["</table>"]


def render(model):
    """The page, as one string."""
    title = f"{model['assignment']}: class report"
    parts = [f"<!doctype html><html lang=en><meta charset=utf-8><title>{esc(title)}</title>"
             f"<style>{STYLE}</style>", f"<h1>{esc(title)}</h1>",
             f"<p>{model['students']} students, out of {model['max_score']:g} points.</p>"]
    if model["not_graded"]:
        parts.append(f"<p class=flag>Not graded because the grader failed (run rnn-course "
                     f"grade again): {_names(model['not_graded'])}</p>")
    for section in (_changes, _misconceptions, _cascades, _difficulty, _late, _timing):
        parts += section(model)
    return "\n".join(parts) + "\n"
