"""Class-level outputs: grades.csv, a table per grade cell, a histogram of total scores."""
import csv
from pathlib import Path


def write_csv(results, trusted, path):
    ids = [c.grade_id for c in trusted.grade_cells if c.kind == "code"]
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["student", "score", "max_score", *ids, "status", "notes"])
        for r in sorted(results, key=lambda r: r["student"]):
            scores = {g["grade_id"]: g["score"] for g in r["grades"]}
            status = "not graded: " + r["fatal"] if r.get("fatal") else (
                "incomplete" if r.get("events") else "graded")
            notes = "; ".join(r.get("notes", []) + r.get("problems", []) + r.get("events", []))
            if r.get("grader_failure"):  # nothing was graded: blank, not a zero
                w.writerow([r["student"], "", f"{r['max_score']:g}", *["" for _ in ids],
                            "not graded: set aside, the grader stopped while grading it"
                            if r.get("set_aside") else
                            "not graded: grader failure, run rnn-course grade again",
                            "; ".join([r["grader_failure"]] + ([notes] if notes else []))])
                continue
            w.writerow([r["student"], f"{r['score']:g}", f"{r['max_score']:g}",
                        *[f"{scores.get(i, 0):g}" for i in ids], status, notes])
    return Path(path)


def table(results, trusted, isolation=""):
    """Per grade cell: points, mean score, how many students lost points (after the
    line saying which isolation student code ran under, if given)."""
    lines = [isolation] if isolation else []
    lines.append(f"{'grade cell':<28} {'points':>6} {'mean':>6} {'lost points':>12}")
    n = len(results)
    for cell in trusted.grade_cells:
        if cell.kind != "code":
            lines.append(f"{cell.grade_id:<28} {cell.points:>6g} {'manual':>6} {'':>12}")
            continue
        scores = [next((g["score"] for g in r["grades"] if g["grade_id"] == cell.grade_id), 0.0)
                  for r in results]
        mean = sum(scores) / n if n else 0.0
        lost = sum(s < cell.points for s in scores)
        lines.append(f"{cell.grade_id:<28} {cell.points:>6g} {mean:>6.2f} {lost:>7} of {n:<3}")
    totals = [r["score"] for r in results]
    if totals:
        lines.append(f"{'total':<28} {trusted.max_score:>6g} {sum(totals) / n:>6.2f}")
    return "\n".join(lines)


def histogram(results, trusted, path):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    totals = [r["score"] for r in results]
    fig, ax = plt.subplots(figsize=(6, 3.5))
    top = trusted.max_score
    ax.hist(totals, bins=[x - 0.5 for x in range(int(top) + 2)], color="#4c72b0", edgecolor="white")
    ax.set_xlabel(f"total score (out of {top:g})")
    ax.set_ylabel("students")
    ax.set_title(f"{trusted.assignment}: {len(totals)} submissions")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return Path(path)
