"""``rnn-course demo``: release 01_dense and grade three students with plain nbgrader.

In a temporary copy of the course: release the assignment, submit the reference
solution (ada), a realistic buggy one (ben: a dense layer without its bias and an
overflowing softmax) and the untouched stub (cai), autograde them into the
embedded SQLite gradebook, generate feedback, export grades.csv, and print every
student's score per grade cell.
"""
import shutil
import tempfile
import time
from pathlib import Path

from .build import COURSE
from .release import copy_course, nbgrader
from .submissions import fill, write

ASSIGNMENT = "01_dense"
NOTEBOOK = "dense.ipynb"


def _students(course):
    from .mutants.dense import dense_forward_no_bias, softmax_unstable
    from .mutants import Mutant
    released = course / "release" / ASSIGNMENT / NOTEBOOK
    instructor = course / "source" / ASSIGNMENT / NOTEBOOK
    bugs = {"dense_forward": Mutant("dense_forward", "", dense_forward_no_bias).source(),
            "softmax": Mutant("softmax", "", softmax_unstable).source()}
    return {
        "ada": ("reference solution", fill(released, instructor)),
        "ben": ("buggy: no bias in dense_forward, unstable softmax", fill(released, instructor, bugs)),
        "cai": ("untouched stub", __import__("nbformat").read(released, as_version=4)),
    }


def scores(course, assignment=ASSIGNMENT, notebook=NOTEBOOK.removesuffix(".ipynb")):
    """{student: {grade_id: (score, max_score)}} from the course's own gradebook (the one
    plain nbgrader writes), read as ``nbgrader export`` reports it."""
    from .grading.gradebook import totals
    return totals(f"sqlite:///{course / 'gradebook.db'}", assignment, notebook)


def format_table(table, labels=None, order=None):
    """Scores as text: a row per grade cell (in ``order`` if given), a column per student."""
    cells = sorted({c for row in table.values() for c in row},
                   key=lambda c: (order.index(c) if order and c in order else len(order or ()), c))
    width = max(len(c) for c in cells)
    students = sorted(table)
    head = " " * width + "  " + "  ".join(f"{s:>8}" for s in students)
    lines = [head]
    for cell in cells:
        row = [table[s].get(cell, (0, 0)) for s in students]
        lines.append(f"{cell:<{width}}  " + "  ".join(f"{sc:>4g}/{mx:<3g}" for sc, mx in row))
    totals = [sum(v[0] for v in table[s].values()) for s in students]
    maxes = [sum(v[1] for v in table[s].values()) for s in students]
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{t:>4g}/{m:<3g}" for t, m in zip(totals, maxes)))
    if labels:
        lines.append("")
        lines += [f"{s}: {labels[s]}" for s in students]
    return "\n".join(lines)


def run(out=None, quiet=False):
    """Run the demo into ``out`` (default: a new temporary folder); return the scores."""
    say = (lambda *a: None) if quiet else print
    started = time.time()
    out = Path(out or tempfile.mkdtemp(prefix="rnn-course-demo-")).resolve()
    if (out / "course").exists():
        shutil.rmtree(out / "course")
    course = copy_course(out / "course")
    say(f"course: {course} (a copy of {COURSE})")
    say(f"[1/5] releasing {ASSIGNMENT} with nbgrader generate_assignment")
    nbgrader(course, "generate_assignment", ASSIGNMENT, "--force")
    say("[2/5] submitting three students: ada, ben, cai")
    labels = {}
    for student, (label, nb) in _students(course).items():
        labels[student] = label
        write(nb, course / "submitted" / student / ASSIGNMENT / NOTEBOOK)
    say("[3/5] nbgrader autograde (executes each notebook, fills the SQLite gradebook)")
    nbgrader(course, "autograde", ASSIGNMENT, "--force")
    say("[4/5] nbgrader generate_feedback")
    nbgrader(course, "generate_feedback", ASSIGNMENT, "--force")
    say("[5/5] nbgrader export to grades.csv")
    nbgrader(course, "export", "--to", str(out / "grades.csv"))
    from .grading.spreadsheet import make_safe
    make_safe(out / "grades.csv")  # nbgrader's exporter writes ids as they are
    table = scores(course)
    say("")
    from .suites import suite
    say(format_table(table, labels, [t.grade_id for t in suite(ASSIGNMENT).TESTS]))
    say("")
    say(f"gradebook: {course / 'gradebook.db'}")
    say(f"grades:    {out / 'grades.csv'}")
    say(f"feedback:  {course / 'feedback'}/<student>/{ASSIGNMENT}/dense.html")
    say(f"done in {time.time() - started:.0f} s")
    return table


def add_parser(subparsers):
    p = subparsers.add_parser("demo", help="release 01_dense and grade three students with nbgrader",
                              description=__doc__)
    p.add_argument("--out", help="folder for the course copy, grades.csv and feedback "
                                 "(default: a new temporary folder)")
    p.set_defaults(handler=lambda args: run(args.out) and 0)
