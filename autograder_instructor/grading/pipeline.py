"""``rnn-course grade`` as an ordered list of small steps over one shared context.

Each step is one :class:`.context.Step` whose docstring is its help text; it names what
it ``needs`` from the context and what it ``makes``, and :class:`.context.Context` holds
it to that (an undeclared read or write, or a missing product, fails naming the step).
One submission's steps (:mod:`.flow`) use the same mechanism. A test checks that every
step only needs the run's inputs (:class:`.inputs.Inputs`) or what an earlier step made,
and that the gradebook is written by the parent process only: :class:`GradeAll` hands
each result, as its future completes, to a :class:`.record.Recorder`, which records it
in the gradebook before journaling it; what the journal kept is recorded again first,
so a run killed between journal and gradebook loses nothing.
"""
import shutil
import tempfile
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path
from typing import NamedTuple

from .context import Context, Step
from .inputs import Inputs
from .task import Task

SET_ASIDE = 2  # runs that stopped while grading a notebook before it is set aside


class Isolation(Step):
    """Refuse to grade without kernel isolation unless it was turned off (--no-sandbox);
    print which is in force, and note its absence in every row."""
    needs = ("limits", "stream")
    makes = ("isolation", "isolation_notes")

    def __call__(self, ctx):
        from .sandbox import Unavailable, non_dumpable, require
        try:
            ctx["isolation"] = require(ctx["limits"].sandbox)
        except Unavailable as exc:
            raise SystemExit(str(exc))
        ctx["isolation_notes"] = [] if ctx["limits"].sandbox else [
            "graded WITHOUT kernel isolation (--no-sandbox)"]
        ctx["isolation"] += "\n" + _budget(ctx)
        non_dumpable()  # the grader holds every student's notebook: no same-user /proc/<pid>/mem
        print(ctx["isolation"], file=ctx["stream"])


def _budget(ctx):
    """The per-student cgroups' line, or refuse without them unless --no-cgroups (noted in
    every row, as --no-sandbox is)."""
    from . import budget
    try:
        line = budget.require(ctx["limits"].cgroups)
    except budget.Unavailable as exc:
        raise SystemExit(str(exc))
    if not ctx["limits"].cgroups:
        ctx["isolation_notes"].append("graded WITHOUT a per-student cgroup (--no-cgroups)")
    return line


class EnsureGradebook(Step):
    """The gradebook knows the assignment; if not, nbgrader generate_assignment fills it."""
    needs = ("course", "db_url", "assignment")
    makes = ("released",)

    def __call__(self, ctx):
        from ..release import nbgrader
        from ..suites import suite
        from .gradebook import ensure_assignment
        notebook = suite(ctx["assignment"]).NOTEBOOK.removesuffix(".ipynb")
        ctx["released"] = ensure_assignment(ctx["db_url"], ctx["assignment"], notebook)
        if not ctx["released"]:
            nbgrader(ctx["course"], "generate_assignment", ctx["assignment"], "--force",
                     f"--db={ctx['db_url']}")
            ctx["released"] = True


class LoadTrusted(Step):
    """The source notebook's grade cells and read-only cells, checked against the gradebook."""
    needs = ("course", "db_url", "assignment", "released")
    makes = ("trusted",)

    def __call__(self, ctx):
        from .trusted import load, sync_gradebook
        ctx["trusted"] = load(ctx["course"], ctx["assignment"])
        problems = sync_gradebook(ctx["trusted"], ctx["db_url"])
        if problems:
            raise SystemExit("the source notebook and the gradebook disagree:\n  " +
                             "\n  ".join(problems) + "\nrun nbgrader generate_assignment --force")


class Collect(Step):
    """Every student's notebook, from nbgrader's layout, a flat LMS folder or a zip."""
    needs = ("submissions", "assignment", "trusted", "pattern", "out")
    makes = ("collection",)

    def __call__(self, ctx):
        from .collect import IdClash, collect
        try:
            ctx["collection"] = collect(ctx["submissions"], ctx["assignment"],
                                        ctx["trusted"].notebook, ctx["pattern"], unpack_to=ctx["out"])
        except IdClash as exc:  # never merge two students into one row
            raise SystemExit(f"refusing to grade: {exc}")


class Resume(Step):
    """Skip students already graded with the same file and limits (unless --force); with
    --student, grade only the students named, again, and keep the others' last results."""
    needs = ("collection", "out", "limits", "force", "students", "stream", "submissions")
    makes = ("journal", "todo", "finished")

    def __call__(self, ctx):
        import json
        from .state import Journal
        from .worker import digest
        journal = Journal(Path(ctx["out"]) / "state.jsonl")
        named = set(ctx["students"] or ())
        unknown = named - {sub.student for sub in ctx["collection"].submissions}
        if unknown:  # a typo must not grade nobody silently
            raise SystemExit(f"--student: no submission from {', '.join(sorted(unknown))} "
                             f"in {ctx['submissions']}")
        todo, finished, left = [], [], []
        limits = {k: float(v) for k, v in ctx["limits"].as_dict().items()}
        for sub in ctx["collection"].submissions:
            sha = digest(sub.path)
            key = f"{sha}:{json.dumps(limits, sort_keys=True)}"
            if named and sub.student not in named:
                kept = journal.entries.get(sub.student)  # as the last run left it
                (finished if kept else left).append(kept or sub.student)
                continue
            entry = None if ctx["force"] or named else journal.done(sub.student, key)
            if entry:
                finished.append(entry)
            else:
                todo.append(Pending(sub, sha, key))
        if left:
            print(f"not graded (not named by --student, never graded before): "
                  f"{', '.join(left)}", file=ctx["stream"])
        ctx["journal"], ctx["todo"], ctx["finished"] = journal, todo, finished


class Pending(NamedTuple):
    """A submission to grade: the collected submission, its file's sha, its journal key."""
    submission: object
    sha: str
    key: str


class ReadRoster(Step):
    """The names formgrader shows, from the --roster CSV (without one, None: the gradebook
    gives each student their id as last name)."""
    needs = ("roster",)
    makes = ("names",)

    def __call__(self, ctx):
        from .gradebook import read_roster
        ctx["names"] = read_roster(ctx["roster"]) if ctx["roster"] else None


class CopyNotebooks(Step):
    """A copy of every notebook to grade, taken before any student code runs (a notebook may
    delete its own file); one per student, so no notebook can reach a classmate's copy by its
    sha. Copies left by a run that was killed are removed first; :class:`Grade` removes these."""
    needs = ("todo", "out")
    makes = ("copy_dir", "copies")

    def __call__(self, ctx):
        out = Path(ctx["out"])
        for stale in out.glob("copies-*"):  # left by a run that was killed
            shutil.rmtree(stale, ignore_errors=True)
        ctx["copy_dir"] = Path(tempfile.mkdtemp(prefix="copies-", dir=out))
        copies = {}  # student -> the copy graded
        for i, pending in enumerate(ctx["todo"]):
            if pending.submission.path:
                copies[pending.submission.student] = ctx["copy_dir"] / f"{i:05d}.ipynb"
                shutil.copyfile(pending.submission.path, copies[pending.submission.student])
        ctx["copies"] = copies


class BuildTasks(Step):
    """One :class:`.task.Task` per student to grade, the only place one is made: the copy to
    grade, the notes so far, the limits, the course's trusted cells, and the folders the
    student's code may not read (the course, the submissions, the output)."""
    needs = ("todo", "copies", "course", "assignment", "submissions", "out", "limits",
             "isolation_notes", "trusted")
    makes = ("tasks",)

    def __call__(self, ctx):
        deny = [str(Path(ctx["course"]).resolve()), str(Path(ctx["submissions"]).resolve()),
                str(Path(ctx["out"]).resolve())]
        tasks = []
        for pending in ctx["todo"]:
            sub, copy = pending.submission, ctx["copies"].get(pending.submission.student)
            tasks.append(Task(
                sub.student, course=str(ctx["course"]), assignment=ctx["assignment"],
                path=str(copy) if copy else None, source=str(sub.path) if sub.path else None,
                sha=pending.sha, key=pending.key, timestamp=sub.timestamp,
                notes=sub.notes + ctx["isolation_notes"], limits=ctx["limits"].as_dict(),
                deny=deny, copy_from=str(Path(ctx["course"]) / "source" / ctx["assignment"]),
                trusted=ctx["trusted"]))
        ctx["tasks"] = tasks


class GradeAll(Step):
    """Grade the remaining students in parallel and hand each result, as it arrives, to the
    :class:`.record.Recorder` (gradebook, journal, autograded copy, in that order).

    A worker that raises (a dask worker died) is given the task again, ``RETRIES`` times;
    then the student gets a row flagged as the grader's failure. The copies taken by
    :class:`CopyNotebooks` are removed at the end, whatever happened.
    """
    needs = ("tasks", "finished", "journal", "trusted", "executor", "jobs", "db_url", "names",
             "course", "copy_dir", "stream", "quiet")
    makes = ("results",)

    def __call__(self, ctx):
        from .progress import Progress
        from .record import Recorder
        results = list(ctx["finished"])
        progress = Progress(len(results) + len(ctx["tasks"]), ctx["stream"], ctx["quiet"])
        progress.done = len(results)
        own = ctx["executor"] is None
        executor = ctx["executor"] or ThreadPoolExecutor(max_workers=ctx["jobs"])
        try:
            with Recorder(ctx["db_url"], ctx["trusted"], ctx["names"], ctx["journal"],
                          ctx["course"], ctx["stream"]) as recorder:
                recorder.again(results)  # a run killed between journal and gradebook loses nothing
                for result in _ordered(executor, ctx["tasks"], ctx):
                    result = recorder.record(result)
                    results.append(result)
                    progress.update(bool(result.fatal or result.events),
                                    f"{result.student}: {result.score:g}/{result.max_score:g}")
        finally:
            if own:
                executor.shutdown(wait=True, cancel_futures=True)
            progress.close()
            shutil.rmtree(ctx["copy_dir"], ignore_errors=True)
        ctx["results"] = results


def _ordered(executor, tasks, ctx):
    """The result of every task (its ``key`` set): first the notebooks no run stopped on, in parallel; then,
    one at a time, those a run stopped on once (a notebook that kills the grader takes only
    itself down); those a run stopped on ``SET_ASIDE`` times are not run again but get a
    flagged row, so the class always finishes."""
    from .worker import failed
    journal, trusted = ctx["journal"], ctx["trusted"]
    groups = {n: [] for n in range(SET_ASIDE + 1)}
    for task in tasks:
        groups[min(journal.interrupted(task.student, task.key), SET_ASIDE)].append(task)
    for task in groups[SET_ASIDE]:
        result = failed(task, trusted, f"the grader stopped {SET_ASIDE} times while grading "
                                       "this notebook")
        result.set_aside = True
        result.fatal = (f"not graded: the grader stopped {SET_ASIDE} times while grading this "
                        "notebook, so it was set aside for the rest of the class to be graded; "
                        "your instructor will look at it (rnn-course grade --force tries again)")
        result.source, result.key = task.source, task.key
        yield result
    yield from _results(executor, groups[0], trusted, ctx["jobs"], journal)
    for one in [t for n in range(1, SET_ASIDE) for t in groups[n]]:
        yield from _results(executor, [one], trusted, 1, journal)


def _results(executor, tasks, trusted, window, journal):
    """The result of every task (its ``key`` set), as each completes, at most ``window`` at a time (each
    journaled as started when submitted); a task whose worker raised is sent again, and after
    ``RETRIES`` more failures answered with a grader-failure row."""
    from .worker import RETRIES, failed, grade_submission
    queue, pending = deque(tasks), {}
    while queue or pending:
        while queue and len(pending) < max(1, window):
            task = queue.popleft()
            journal.start(task.student, task.key)
            pending[executor.submit(grade_submission, task)] = (task, 0)
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            task, attempt = pending.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the worker itself failed (e.g. a dask worker died)
                if attempt < RETRIES:
                    pending[executor.submit(grade_submission, task)] = (task, attempt + 1)
                    continue
                result = failed(task, trusted, f"the grading worker failed: {type(exc).__name__}: "
                                               f"{str(exc)[:300]}")
            result.source, result.copy, result.key = task.source, task.path, task.key
            yield result


class LatePenalties(Step):
    """The late penalty of every submission, by nbgrader's own AssignLatePenalties and the
    late-submission plugin the course's nbgrader_config.py configures (see :mod:`.late`),
    after its scores are recorded, as nbgrader autograde does; a plugin that fails is
    reported by student and cannot stop the run."""
    needs = ("results", "trusted", "db_url", "course", "stream")
    makes = ("late",)

    def __call__(self, ctx):
        from nbgrader.api import Gradebook

        from . import late
        trusted, stream = ctx["trusted"], ctx["stream"]
        failed = {}
        try:
            config = late.course_config(ctx["course"])
        except Exception as exc:  # the grades are recorded: say why no penalty was set
            ctx["late"] = {"": f"nbgrader_config.py could not be read: {exc}"}
            print(f"no late penalty was set: {ctx['late']['']}", file=stream)
            return
        with Gradebook(ctx["db_url"]) as gb:
            students = [r.student for r in ctx["results"] if not r.grader_failure
                        and late.may_change(gb, trusted.assignment, r.student)]
        for student in students:
            try:
                late.assign(ctx["db_url"], config, trusted.assignment, trusted.name, student)
            except Exception as exc:
                failed[student] = f"{type(exc).__name__}: {exc}"
                print(f"{student}: the late penalty could not be set: {failed[student]}",
                      file=stream)
        ctx["late"] = failed


class ReadBack(Step):
    """Every student's page of the gradebook as it is now, manual scores and comments
    included, kept students' too: a grader may have graded or commented since."""
    needs = ("results", "trusted", "db_url")
    makes = ("books",)

    def __call__(self, ctx):
        from nbgrader.api import Gradebook
        from .gradebook import readback
        trusted = ctx["trusted"]
        with Gradebook(ctx["db_url"]) as gb:
            ctx["books"] = {r.student: readback(gb, trusted, r.student) for r in ctx["results"]}


class WriteFeedback(Step):
    """Every student's feedback page, from the gradebook's view; one that cannot be written
    is noted and cannot stop the run."""
    needs = ("results", "books", "assignment", "out", "course", "trusted", "stream")
    makes = ("feedback",)

    def __call__(self, ctx):
        from . import feedback
        from .record import safely
        ctx["feedback"] = folder = Path(ctx["out"]) / "feedback"
        books, trusted = ctx["books"], ctx["trusted"]
        for result in ctx["results"]:
            safely(result, ctx["stream"], "feedback page", lambda: feedback.write(
                result, ctx["assignment"], folder, books[result.student],
                ctx["course"], trusted.notebook))


class Summarise(Step):
    """grades.csv, the per-cell table (summary.txt) and the histogram of totals."""
    needs = ("results", "books", "trusted", "out", "collection", "isolation")
    makes = ("csv", "summary", "histogram")

    def __call__(self, ctx):
        from .summary import histogram, table, write_csv
        out, trusted = Path(ctx["out"]), ctx["trusted"]
        current = {s.student for s in ctx["collection"].submissions}
        results = [r for r in ctx["results"] if r.student in current]
        books = ctx["books"]
        ctx["csv"] = write_csv(results, trusted, out / "grades.csv", books)
        lost = sorted(r.student for r in results if r.grader_failure)
        text = table([r for r in results if not r.grader_failure], trusted, books,
                     ctx["isolation"])
        if lost:
            text += ("\n\nnot graded because the grader failed (not the students; run "
                     "rnn-course grade again):\n  " + "\n  ".join(lost))
        if ctx["collection"].unmatched:
            text += "\n\nfiles that name no student (not graded):\n  " + "\n  ".join(
                ctx["collection"].unmatched)
        (out / "summary.txt").write_text(text + "\n")
        ctx["summary"] = text
        ctx["histogram"] = histogram(results, trusted, out / "histogram.png", books)


class Similarity(Step):
    """pairs.csv and report.html: which pairs of students handed in code alike, with the
    wrong outputs this run measured (see similarity/); off with --no-similarity. A failure
    here is printed and never stops the run."""
    needs = ("similarity", "results", "collection", "course", "assignment", "out", "stream")
    makes = ("similarity_report",)

    def __call__(self, ctx):
        from .similarity.command import after_grading
        ctx["similarity_report"] = after_grading(ctx) if ctx["similarity"] else None


class Report(Step):
    """report.html: what the class got wrong, what changed since the last run (this run's
    scores are kept in scores.json for the next), difficulty, discrimination, time. A report
    that cannot be written is noted and cannot stop the run: the grades are written."""
    needs = ("results", "books", "trusted", "out", "collection", "stream")
    makes = ("report", "changes")

    def __call__(self, ctx):
        from . import report
        stream = ctx["stream"]
        current = {s.student for s in ctx["collection"].submissions}
        results = [r for r in ctx["results"] if r.student in current]
        books = {s: b for s, b in ctx["books"].items() if s in current and b}
        ctx["report"], ctx["changes"] = None, None
        try:
            path, model = report.write(ctx["out"], ctx["trusted"], results, books)
            ctx["report"], ctx["changes"] = path, model["changes"]
        except Exception as exc:
            print(f"the class report could not be written: {type(exc).__name__}: {exc}",
                  file=stream)


STEPS = [Isolation(), EnsureGradebook(), LoadTrusted(), Collect(), Resume(), ReadRoster(),
         CopyNotebooks(), BuildTasks(), GradeAll(), LatePenalties(), ReadBack(), WriteFeedback(),
         Summarise(), Report(), Similarity()]


def run(**inputs):
    """Run every step on ``inputs`` (:class:`.inputs.Inputs`; a ``None`` is the default);
    return the context (results, csv path, summary text ...)."""
    inputs = Inputs.given(**inputs).resolved()
    inputs.out.mkdir(parents=True, exist_ok=True)
    ctx = Context(inputs.as_dict())
    started = time.monotonic()
    for step in STEPS:
        ctx.run(step)
    ctx.add("seconds", time.monotonic() - started)
    return ctx
