"""The ``grade`` and ``check`` sub-commands of ``rnn-course``.

``grade``'s options take their defaults from :class:`.inputs.Inputs` and
:class:`.limits.Limits`, their one home.
"""
from .inputs import Inputs
from .limits import Limits


def _grade(args):
    from ..release import chosen_course
    from .pipeline import run
    course = chosen_course(args)
    executor = None
    if args.scheduler:
        from distributed import Client
        client = Client(args.scheduler)
        from .workers import Refused, check_cluster
        try:  # every worker isolates students as this machine would, or nobody is graded
            check_cluster(client, _inputs(args)["limits"])
        except Refused as exc:
            client.close()
            raise SystemExit(str(exc))
        executor = client.get_executor()
    ctx = run(**_inputs(args), course=course, executor=executor)
    out = ctx["out"]
    print(ctx["summary"].removeprefix(ctx["isolation"] + "\n"))  # printed at the start
    _print_changes(ctx)
    print(f"\ngraded {len(ctx['todo'])} (kept {len(ctx['finished'])} from an earlier run) in "
          f"{ctx['seconds']:.1f} s with {ctx['jobs']} workers")
    print(f"gradebook: {ctx['db_url']}\ngrades:    {out / 'grades.csv'}\n"
          f"feedback:  {out / 'feedback'}/<student>.html (and, for exchange submissions, "
          f"{course / 'feedback'}/<student>/{args.assignment}/ for nbgrader release_feedback)\n"
          f"histogram: {out / 'histogram.png'}")
    if ctx["similarity_report"]:
        print(f"similarity: {ctx['similarity_report']} (evidence to review, see the "
              "instructor guide)")
    if ctx["report"]:
        print(f"report:    {ctx['report']}")
    return 0


def _print_changes(ctx):
    """Under the summary: whose score changed since the last run, in which cell, and why."""
    from .changes import text
    if ctx["changes"] is not None:
        print("\n" + text(ctx["changes"]))


def _inputs(args):
    """The run's inputs from ``grade``'s options, but the course and the executor (an option
    not given is None, the run's default)."""
    limits = Limits(cell_timeout=args.timeout, notebook_timeout=args.notebook_timeout,
                    memory_mb=args.memory, output_cap=args.output_cap, disk_mb=args.disk,
                    processes=args.processes, sandbox=not args.no_sandbox,
                    cgroups=not args.no_cgroups)
    return dict(assignment=args.assignment, submissions=args.submissions, db_url=args.db,
                out=args.out, jobs=args.jobs, limits=limits, pattern=args.pattern,
                force=args.force, quiet=args.quiet, roster=args.roster,
                similarity=not args.no_similarity, students=tuple(args.student or ()))


def _check(args):
    from .check import run
    return 1 if run(args.notebook, timeout=args.timeout) else 0


def add_parser(sub):
    from ..release import add_course_option
    p = sub.add_parser(
        "grade", help="grade a whole class in parallel, safely, into the nbgrader gradebook",
        description="Grade every submission of ASSIGNMENT: each notebook runs in its own "
                    "process under time and memory limits, the checks are judged in this "
                    "process, results go to the nbgrader gradebook, grades.csv, per-student "
                    "feedback HTML, summary.txt and histogram.png. See docs/grading.md.")
    p.add_argument("assignment", help="assignment id, e.g. 01_dense")
    p.add_argument("submissions", help="nbgrader submitted/ folder, a flat folder of LMS files, or a zip")
    p.add_argument("--jobs", "-j", type=int, default=Inputs.jobs,
                   help="students graded at once (default: the number of cores)")
    p.add_argument("--timeout", type=float, default=Limits.cell_timeout,
                   help="seconds per cell (default %(default)g)")
    p.add_argument("--notebook-timeout", type=float, default=Limits.notebook_timeout,
                   help="seconds per notebook, restarts included (default %(default)g)")
    p.add_argument("--memory", type=int, default=Limits.memory_mb,
                   help="MB of memory per student: every process it starts, memfd and "
                        "/dev/shm included (its cgroup holds this + --disk)")
    p.add_argument("--output-cap", type=int, default=Limits.output_cap,
                   help="characters of output kept per cell")
    p.add_argument("--disk", type=int, default=Limits.disk_mb,
                   help="MB a student process may write (its sandbox's tmpfs, in RAM; "
                        "default %(default)g)")
    p.add_argument("--processes", type=int, default=Limits.processes,
                   help="processes and threads per student process (default %(default)g)")
    p.add_argument("--no-sandbox", action="store_true",
                   help="grade WITHOUT kernel isolation (only the audit hook guards the grader); "
                        "printed and recorded in every row's notes. See docs/grading.md")
    p.add_argument("--no-cgroups", action="store_true",
                   help="grade WITHOUT a per-student cgroup (memory and processes then limited "
                        "per process only); printed and recorded in every row's notes")
    add_course_option(p)
    p.add_argument("--roster", help="CSV with id,first_name,last_name,email columns: the names "
                                    "formgrader shows (default: the student id as last name)")
    p.add_argument("--db", help="gradebook SQLAlchemy URL (default: sqlite:///<course>/gradebook.db)")
    p.add_argument("--out", help="folder for grades.csv, feedback, summary (default: "
                                 "<course>/grading/<assignment>)")
    p.add_argument("--pattern", help="regex with a student_id group for flat/zip files "
                                     "(default: '<student_id>_<file>')")
    p.add_argument("--force", action="store_true", help="regrade students already graded")
    p.add_argument("--student", nargs="+", metavar="ID",
                   help="regrade only these students (their latest files), keeping everyone "
                        "else's results as the last run left them")
    p.add_argument("--scheduler", help="a dask.distributed scheduler address to grade on")
    p.add_argument("--quiet", action="store_true", help="no progress line")
    p.add_argument("--no-similarity", action="store_true",
                   help="skip the similarity report (pairs.csv, report.html) at the end")
    p.set_defaults(handler=_grade)

    p = sub.add_parser("check", help="run your notebook's visible checks (no hidden tests)",
                       description="Run a notebook in a fresh process and print the visible "
                                   "checks' results per graded function, in a few seconds.")
    p.add_argument("notebook", help="your notebook, e.g. dense.ipynb")
    p.add_argument("--timeout", type=float, default=60, metavar="SECONDS",
                   help="stop a cell, or one function's checks, after SECONDS (default 60); "
                        "the other cells and checks still run")
    p.set_defaults(handler=_check)
