"""``rnn-course similarity`` and the step ``rnn-course grade`` ends with.

The behaviour signal comes from a grading run: this command reads the assignment's
resume journal (``state.jsonl`` in the output folder, which ``rnn-course grade`` writes)
and uses each student's result when it was graded from the very file compared now (same
sha256). It never runs student code itself; without grading results it compares code
only, and says so.
"""
import tempfile
from pathlib import Path

from . import analysis, regions, report


# Beside the class report (grading/<id>/report.html), in a folder of its own.
FOLDER = "similarity"


def run(course, assignment, notebooks, out, results=None, info=None):
    """Compare ``notebooks`` = {student: path}; write pairs.csv and report.html into ``out``;
    return the :class:`.analysis.Similarity`."""
    info = info or regions.load_assignment(course, assignment)
    similarity = analysis.analyse(info, notebooks, results)
    Path(out).mkdir(parents=True, exist_ok=True)
    report.write(similarity, out)
    return similarity


def graded_results(out, collection):
    """{student: Result} from the journal in ``out`` for the files in ``collection`` as they
    are now (a result of an older file would describe other code)."""
    from ..state import Journal
    from ..worker import digest
    path = Path(out) / "state.jsonl"
    if not path.exists():
        return {}
    journal = Journal(path)
    found = {}
    for sub in collection.submissions:
        entry = journal.entries.get(sub.student)
        if sub.path and entry is not None and not entry.grader_failure and \
                entry.sha == digest(sub.path):
            found[sub.student] = entry
    return found


def summary(similarity, out):
    flagged = similarity.flagged()
    likely = sum(p.verdict == "likely copied" for p in flagged)
    lines = [f"similarity: {len(similarity.students)} notebooks, {similarity.n_pairs} pairs; "
             f"{likely} likely copied, {len(flagged) - likely} to review "
             f"({'code and behaviour on hidden cases' if similarity.behaviour else 'code only: no grading results for these files'})"]
    lines += [f"  {p.score:.2f} {p.verdict:<13} {p.student_a} / {p.student_b}"
              for p in flagged[:10]]
    lines.append(f"pairs:     {Path(out) / 'pairs.csv'}\nreport:    {Path(out) / 'report.html'}")
    return "\n".join(lines)


def _similarity(args):
    from ...release import chosen_course
    from ...suites import suite
    from ..collect import PATTERN, IdClash, collect
    course = chosen_course(args)
    try:
        notebook = suite(args.assignment).NOTEBOOK
    except KeyError as exc:
        raise SystemExit(str(exc.args[0]))
    grading = Path(course) / "grading" / args.assignment  # where grade keeps its journal
    out = Path(args.out or grading / FOLDER)
    if args.out and (out / "state.jsonl").exists():  # --out names a grading run's folder
        grading = out
    with tempfile.TemporaryDirectory(prefix="similarity-") as unpack:
        try:
            collection = collect(args.submissions, args.assignment, notebook,
                                 args.pattern or PATTERN, unpack_to=unpack)
        except (IdClash, FileNotFoundError) as exc:
            raise SystemExit(f"refusing to compare: {exc}")
        notebooks = {s.student: s.path for s in collection.submissions if s.path}
        similarity = run(course, args.assignment, notebooks, out,
                         graded_results(grading, collection))
    print(summary(similarity, out))
    return 0


def after_grading(ctx):
    """The similarity report of a grading run, into its output folder; a failure here is
    printed and never stops the run (the grades are already written). Returns the report's
    path, or None."""
    stream = ctx["stream"]
    try:
        current = {s.student: s.path for s in ctx["collection"].submissions if s.path}
        results = {r.student: r for r in ctx["results"] if r.student in current}
        out = Path(ctx["out"]) / FOLDER
        similarity = run(ctx["course"], ctx["assignment"], current, out, results)
    except Exception as exc:  # the grades are written: the extra report cannot undo them
        print(f"the similarity report could not be written: {type(exc).__name__}: {exc}",
              file=stream)
        return None
    print(summary(similarity, out), file=stream)
    return out / "report.html"


def add_parser(sub):
    from ...release import add_course_option
    p = sub.add_parser(
        "similarity", help="which pairs of students handed in code alike (evidence to review)",
        description="Compare every pair of submissions of ASSIGNMENT, function by function, "
                    "against the class itself (starter and reference code count for nothing) "
                    "and write pairs.csv and report.html. Uses the hidden cases' wrong "
                    "outputs when `rnn-course grade` has graded these files (its state.jsonl "
                    "in the output folder); otherwise compares code only. Runs offline. See "
                    "docs/instructor-guide.md.")
    p.add_argument("assignment", help="assignment id, e.g. 01_dense")
    p.add_argument("submissions", help="nbgrader submitted/ folder, a flat folder of LMS files, or a zip")
    p.add_argument("--out", help="folder for pairs.csv and report.html (default: "
                                 "<course>/grading/<assignment>/similarity, where grade writes)")
    p.add_argument("--pattern", help="regex with a student_id group for flat/zip files "
                                     "(default: '<student_id>_<file>')")
    add_course_option(p)
    p.set_defaults(handler=_similarity)
