"""``rnn-course grade`` as an ordered list of small steps over one shared context.

Each step names what it ``needs`` from the context and what it ``makes``; a test
checks that every step only needs what the run's inputs or an earlier step made,
and that the gradebook is written by the parent process only (the grade step
records each result as its future completes, one at a time).
"""
import os
import shutil
import sys
import tempfile
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

INPUTS = {"assignment", "submissions", "course", "db_url", "out", "jobs", "limits", "pattern",
          "force", "executor", "quiet", "stream", "roster"}


SET_ASIDE = 2  # runs that stopped while grading a notebook before it is set aside


class Step:
    needs: tuple = ()
    makes: tuple = ()
    help = ""

    def __call__(self, ctx):
        raise NotImplementedError


class EnsureGradebook(Step):
    """The gradebook knows the assignment; if not, nbgrader generate_assignment fills it."""
    needs = ("course", "db_url", "assignment")
    makes = ("released",)

    def __call__(self, ctx):
        from ..release import nbgrader
        from ..suites import suite
        from .gradebook import ensure_assignment
        from .trusted import Trusted
        probe = Trusted(ctx["assignment"], suite(ctx["assignment"]).NOTEBOOK, [], {}, [], {})
        ctx["released"] = ensure_assignment(ctx["db_url"], probe)
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
    needs = ("submissions", "trusted", "pattern", "out")
    makes = ("collection",)

    def __call__(self, ctx):
        from .collect import IdClash, collect
        try:
            ctx["collection"] = collect(ctx["submissions"], ctx["assignment"],
                                        ctx["trusted"].notebook, ctx["pattern"], unpack_to=ctx["out"])
        except IdClash as exc:  # never merge two students into one row
            raise SystemExit(f"refusing to grade: {exc}")


class Resume(Step):
    """Skip students already graded with the same file and limits (unless --force)."""
    needs = ("collection", "out", "limits", "force")
    makes = ("journal", "todo", "finished")

    def __call__(self, ctx):
        import json
        from .state import Journal
        from .worker import digest
        journal = Journal(Path(ctx["out"]) / "state.jsonl")
        todo, finished = [], []
        for sub in ctx["collection"].submissions:
            sha = digest(sub.path)
            limits = {k: float(v) for k, v in ctx["limits"].as_dict().items()}
            key = f"{sha}:{json.dumps(limits, sort_keys=True)}"
            entry = None if ctx["force"] else journal.done(sub.student, key)
            if entry:
                finished.append(entry)
            else:
                todo.append((sub, sha, key))
        ctx.update(journal=journal, todo=todo, finished=finished)


class Grade(Step):
    """Grade the remaining students in parallel; record each result as it arrives.

    Each notebook is graded from a copy taken before any student code runs (a notebook
    may delete its own file). A worker that raises (a dask worker died) is given the
    task again, ``RETRIES`` times; then the student gets a row flagged as the grader's
    failure. Writing one student's feedback or autograded copy cannot stop the run.
    """
    needs = ("todo", "finished", "journal", "trusted", "executor", "jobs", "limits", "db_url",
             "course", "out", "roster")
    makes = ("results", "books")

    def __call__(self, ctx):
        from nbgrader.api import Gradebook
        from . import autograded, feedback
        from .gradebook import read_roster, readback, record
        from .progress import Progress
        trusted, out = ctx["trusted"], Path(ctx["out"])
        deny = [str(Path(ctx["course"]).resolve()), str(Path(ctx["submissions"]).resolve()),
                str(out.resolve())]
        for stale in out.glob("copies-*"):  # left by a run that was killed
            shutil.rmtree(stale, ignore_errors=True)
        copies = Path(tempfile.mkdtemp(prefix="copies-", dir=out))
        tasks = []
        for i, (sub, sha, key) in enumerate(ctx["todo"]):
            copy = None
            if sub.path:  # one per student: no notebook can reach a classmate's copy by its sha
                copy = copies / f"{i:05d}.ipynb"
                shutil.copyfile(sub.path, copy)
            tasks.append(({"course": str(ctx["course"]), "assignment": ctx["assignment"],
                           "student": sub.student, "path": str(copy) if copy else None,
                           "source": str(sub.path) if sub.path else None,
                           "sha": sha, "notes": sub.notes + ctx["isolation_notes"],
                           "timestamp": sub.timestamp,
                           "limits": ctx["limits"].as_dict(), "deny": deny,
                           "copy_from": str(Path(ctx["course"]) / "source" / ctx["assignment"])},
                          key))
        results = list(ctx["finished"])
        progress = Progress(len(results) + len(tasks), ctx.get("stream"), ctx.get("quiet"))
        progress.done = len(results)
        roster = read_roster(ctx["roster"]) if ctx["roster"] else None
        own = ctx["executor"] is None
        executor = ctx["executor"] or ThreadPoolExecutor(max_workers=ctx["jobs"])
        books = {}
        try:
            with Gradebook(ctx["db_url"]) as gb:
                for entry in results:  # a run killed between journal and gradebook loses nothing
                    record(gb, trusted, entry, roster)
                for result, key in _ordered(executor, tasks, ctx):
                    result.path = result.source  # the student's file, not the copy graded
                    record(gb, trusted, result, roster)  # parent only: writes are serialised
                    result = ctx["journal"].add(result, key)
                    _safely(result, ctx, "autograded notebook",
                            lambda: autograded.write(result, trusted, ctx["course"]))
                    results.append(result)
                    progress.update(bool(result.fatal or result.events),
                                    f"{result.student}: {result.score:g}/{result.max_score:g}")
                # every page, kept students' too: a grader may have graded or commented since
                books = {r.student: readback(gb, trusted, r.student) for r in results}
        finally:
            if own:
                executor.shutdown(wait=True, cancel_futures=True)
            progress.close()
            shutil.rmtree(copies, ignore_errors=True)
        for result in results:
            _safely(result, ctx, "feedback page", lambda: feedback.write(
                result, ctx["assignment"], out / "feedback", books[result.student],
                ctx["course"], trusted.notebook))
        ctx["results"], ctx["books"] = results, books


def _ordered(executor, tasks, ctx):
    """(result, key) of every task: first the notebooks no run stopped on, in parallel; then,
    one at a time, those a run stopped on once (a notebook that kills the grader takes only
    itself down); those a run stopped on ``SET_ASIDE`` times are not run again but get a
    flagged row, so the class always finishes."""
    from .worker import failed
    journal, trusted = ctx["journal"], ctx["trusted"]
    groups = {n: [] for n in range(SET_ASIDE + 1)}
    for task, key in tasks:
        groups[min(journal.interrupted(task["student"], key), SET_ASIDE)].append((task, key))
    for task, key in groups[SET_ASIDE]:
        result = failed(task, trusted, f"the grader stopped {SET_ASIDE} times while grading "
                                       "this notebook")
        result.set_aside = True
        result.fatal = (f"not graded: the grader stopped {SET_ASIDE} times while grading this "
                        "notebook, so it was set aside for the rest of the class to be graded; "
                        "your instructor will look at it (rnn-course grade --force tries again)")
        result.source = task.get("source")
        yield result, key
    yield from _results(executor, groups[0], trusted, ctx["jobs"], journal)
    for one in [t for n in range(1, SET_ASIDE) for t in groups[n]]:
        yield from _results(executor, [one], trusted, 1, journal)


def _results(executor, tasks, trusted, window, journal):
    """(result, key) for every task, as each completes, at most ``window`` at a time (each
    journaled as started when submitted); a task whose worker raised is sent again, and after
    ``RETRIES`` more failures answered with a grader-failure row."""
    from .worker import RETRIES, failed, grade_submission
    queue, pending = deque(tasks), {}
    while queue or pending:
        while queue and len(pending) < max(1, window):
            task, key = queue.popleft()
            journal.start(task["student"], key)
            pending[executor.submit(grade_submission, task)] = (task, key, 0)
        done, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in done:
            task, key, attempt = pending.pop(future)
            try:
                result = future.result()
            except Exception as exc:  # the worker itself failed (e.g. a dask worker died)
                if attempt < RETRIES:
                    pending[executor.submit(grade_submission, task)] = (task, key, attempt + 1)
                    continue
                result = failed(task, trusted, f"the grading worker failed: {type(exc).__name__}: "
                                               f"{str(exc)[:300]}")
            result.source, result.copy = task.get("source"), task.get("path")
            yield result, key


def _safely(result, ctx, what, write):
    """Write one page of a result (feedback, autograded copy); a failure is noted, never raised:
    the gradebook row and the journal are already written."""
    try:
        write()
    except Exception as exc:
        print(f"{result.student}: the {what} could not be written: "
              f"{type(exc).__name__}: {exc}", file=ctx.get("stream") or sys.stderr)


class Summarise(Step):
    """grades.csv, the per-cell table (summary.txt) and the histogram of totals."""
    needs = ("results", "books", "trusted", "out", "collection")
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
                     ctx.get("isolation", ""))
        if lost:
            text += ("\n\nnot graded because the grader failed (not the students; run "
                     "rnn-course grade again):\n  " + "\n  ".join(lost))
        if ctx["collection"].unmatched:
            text += "\n\nfiles that name no student (not graded):\n  " + "\n  ".join(
                ctx["collection"].unmatched)
        (out / "summary.txt").write_text(text + "\n")
        ctx["summary"] = text
        ctx["histogram"] = histogram(results, trusted, out / "histogram.png", books)


STEPS = [EnsureGradebook(), LoadTrusted(), Collect(), Resume(), Grade(), Summarise()]


def run(**inputs):
    """Run every step; return the context (results, csv path, summary text ...)."""
    missing = {"assignment", "submissions"} - set(inputs)
    if missing:
        raise TypeError(f"missing inputs {sorted(missing)}")
    from .limits import Limits
    course = Path(inputs.get("course") or _default_course()).resolve()
    ctx = {"course": course, "db_url": inputs.get("db_url") or f"sqlite:///{course / 'gradebook.db'}",
           "out": None, "jobs": inputs.get("jobs") or os.cpu_count() or 1,
           "limits": inputs.get("limits") or Limits(), "pattern": None, "force": False,
           "executor": None, "quiet": False, "stream": sys.stderr, "roster": None}
    ctx.update({k: v for k, v in inputs.items() if v is not None})
    ctx["course"] = course
    if ctx["pattern"] is None:
        from .collect import PATTERN
        ctx["pattern"] = PATTERN
    ctx["out"] = Path(ctx["out"] or course / "grading" / ctx["assignment"])
    ctx["out"].mkdir(parents=True, exist_ok=True)
    _isolation(ctx)
    started = time.monotonic()
    for step in STEPS:
        step(ctx)
    ctx["seconds"] = time.monotonic() - started
    return ctx


def _isolation(ctx):
    """Refuse to grade without kernel isolation unless it was turned off; say which is in force."""
    from .sandbox import Unavailable, non_dumpable, require
    try:
        ctx["isolation"] = require(ctx["limits"].sandbox)
    except Unavailable as exc:
        raise SystemExit(str(exc))
    ctx["isolation_notes"] = [] if ctx["limits"].sandbox else [
        "graded WITHOUT kernel isolation (--no-sandbox)"]
    non_dumpable()  # the grader holds every student's notebook: no same-user /proc/<pid>/mem
    print(ctx["isolation"], file=ctx["stream"])


def _default_course():
    from ..release import course_root
    return course_root()
