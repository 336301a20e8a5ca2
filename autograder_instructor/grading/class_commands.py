"""The ``report`` and ``export`` sub-commands of ``rnn-course``: the class report and the
learning platform's import file, from the gradebook alone."""
from pathlib import Path


def _report(args):
    from ..release import chosen_course
    from .changes import text
    from .report import from_gradebook
    course = chosen_course(args)
    if args.out and len(args.assignments) > 1:
        raise SystemExit("--out is one assignment's grading folder: give one assignment with it")
    for assignment in args.assignments:
        path, model = from_gradebook(course, assignment, db_url=args.db, out=args.out)
        if path is None:
            print(f"{assignment}: the gradebook has no submission of it; no report written")
            continue
        if model["changes"] is not None:
            print(text(model["changes"]))
        print(f"report: {path}")
    return 0


def add_parser(sub):
    from ..release import add_course_option
    p = sub.add_parser(
        "report", help="write the class report (report.html) from the gradebook, grading nothing",
        description="Write grading/<assignment>/report.html from the gradebook as it is now "
                    "(manual grades count) and the last rnn-course grade run's journal: what "
                    "the class got wrong (known mistakes per function, the top five with their "
                    "lecture section), cascades, each cell's difficulty and discrimination, "
                    "time and limits, and whose score changed since the last grading run.")
    p.add_argument("assignments", nargs="+", metavar="ASSIGNMENT", help="assignment ids")
    add_course_option(p)
    p.add_argument("--db", help="gradebook SQLAlchemy URL (default: sqlite:///<course>/gradebook.db)")
    p.add_argument("--out", help="folder of the grading run (default: <course>/grading/<assignment>;"
                                 " with several assignments, leave it out)")
    p.set_defaults(handler=_report)

    from .lms_export import PLATFORMS
    p = sub.add_parser(
        "export", help="write the grades a learning platform imports (Canvas, Moodle) or a CSV",
        description="Write the import file of Canvas's gradebook or Moodle's CSV grade import "
                    "(or a plain CSV) for ASSIGNMENTs, from the gradebook (manual grades and "
                    "late penalties as nbgrader export counts them), matching students through "
                    "nbgrader's student table (lms_user_id for Canvas, email for Moodle) and "
                    "listing every student it could not match (then the exit code is 1). See "
                    "docs/instructor-guide.md.")
    p.add_argument("assignments", nargs="+", metavar="ASSIGNMENT", help="assignment ids")
    p.add_argument("--to", required=True, choices=PLATFORMS, help="the platform")
    p.add_argument("--out", help="the file to write (default: <course>/grading/<to>-grades.csv)")
    add_course_option(p)
    p.add_argument("--db", help="gradebook SQLAlchemy URL (default: sqlite:///<course>/gradebook.db)")
    p.set_defaults(handler=_export)


def _export(args):
    from ..release import chosen_course
    from .inputs import Inputs
    from .lms_export import text, write
    course = chosen_course(args)
    db = Inputs.given(assignment=args.assignments[0], submissions=".", course=course,
                      db_url=args.db).resolved().db_url  # the gradebook grade writes
    out = Path(args.out or course / "grading" / f"{args.to}-grades.csv")
    out.parent.mkdir(parents=True, exist_ok=True)
    export = write(db, args.assignments, args.to, out)
    print(text(export))
    return 1 if export.unmatched else 0
