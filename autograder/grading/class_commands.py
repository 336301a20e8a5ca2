"""The ``report`` sub-command of ``rnn-course``: the class report from the gradebook alone."""


def _report(args):
    from ..release import chosen_course
    from .changes import text
    from .report import from_gradebook
    course = chosen_course(args)
    for assignment in args.assignments:
        path, model = from_gradebook(course, assignment, db_url=args.db, out=args.out)
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
