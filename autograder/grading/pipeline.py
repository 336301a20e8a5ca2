"""``rnn-course grade`` as an ordered list of small steps over one shared context.

Each step is one class whose docstring is its help text; it names what it ``needs``
from the context and what it ``makes``, and :class:`.context.Context` holds it to
that (an undeclared read or write, or a missing product, fails naming the step). A
test checks that every step only needs the run's inputs (:class:`.inputs.Inputs`) or
what an earlier step made, and that the gradebook is written by the parent process
only: :class:`Grade` records each result as its future completes, one at a time,
before journaling it, and records again what the journal kept, so a run killed
between journal and gradebook loses nothing.
"""
import shutil
import tempfile
import time
from collections import deque
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

from .context import Context
from .inputs import Inputs

SET_ASIDE = 2  # runs that stopped while grading a notebook before it is set aside


class Step:
    needs: tuple = ()
    makes: tuple = ()

    def __call__(self, ctx):
        raise NotImplementedError


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
        non_dumpable()  # the grader holds every student's notebook: no same-user /proc/<pid>/mem
        print(ctx["isolation"], file=ctx["stream"])


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
        for sub in ctx["collection"].submissions:
            sha = digest(sub.path)
            limits = {k: float(v) for k, v in ctx["limits"].as_dict().items()}
            key = f"{sha}:{json.dumps(limits, sort_keys=True)}"
            if named and sub.student not in named:
                kept = journal.entries.get(sub.student)  # as the last run left it
                (finished if kept else left).append(kept or sub.student)
                continue
            entry = None if ctx["force"] or named else journal.done(sub.student, key)
            if entry:
                finished.append(entry)
            else:
                todo.append((sub, sha, key))
        if left:
            print(f"not graded (not named by --student, never graded before): "
                  f"{', '.join(left)}", file=ctx["stream"])
        ctx["journal"], ctx["todo"], ctx["finished"] = journal, todo, finished


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
        copies = []
        for i, (sub, _, _) in enumerate(ctx["todo"]):
            copy = None
            if sub.path:
                copy = ctx["copy_dir"] / f"{i:05d}.ipynb"
                shutil.copyfile(sub.path, copy)
            copies.append(copy)
        ctx["copies"] = copies


class BuildTasks(Step):
    """One task per student to grade, as plain JSON values any executor can carry (see
    :mod:`.worker`): the copy to grade, the notes so far, the limits, and the folders the
    student's code may not read (the course, the submissions, the output)."""
    needs = ("todo", "copies", "course", "assignment", "submissions", "out", "limits",
             "isolation_notes")
    makes = ("tasks",)

    def __call__(self, ctx):
        deny = [str(Path(ctx["course"]).resolve()), str(Path(ctx["submissions"]).resolve()),
                str(Path(ctx["out"]).resolve())]
        tasks = []
        for (sub, sha, key), copy in zip(ctx["todo"], ctx["copies"]):
            tasks.append(({"course": str(ctx["course"]), "assignment": ctx["assignment"],
                           "student": sub.student, "path": str(copy) if copy else None,
                           "source": str(sub.path) if sub.path else None,
                           "sha": sha, "notes": sub.notes + ctx["isolation_notes"],
                           "timestamp": sub.timestamp,
                           "limits": ctx["limits"].as_dict(), "deny": deny,
                           "copy_from": str(Path(ctx["course"]) / "source" / ctx["assignment"])},
                          key))
        ctx["tasks"] = tasks


class Grade(Step):
    """Grade the remaining students in parallel; record each result as it arrives.

    The gradebook is written here, in the parent, one result at a time as its future
    completes: first the results an earlier run journaled (a run killed between journal
    and gradebook loses nothing), then each new one, recorded before it is journaled; its
    autograded copy follows. A worker that raises (a dask worker died) is given the task
    again, ``RETRIES`` times; then the student gets a row flagged as the grader's failure.
    Writing one student's autograded copy cannot stop the run.
    """
    needs = ("tasks", "finished", "journal", "trusted", "executor", "jobs", "db_url", "names",
             "course", "copy_dir", "stream", "quiet")
    makes = ("results",)

    def __call__(self, ctx):
        from nbgrader.api import Gradebook
        from . import autograded
        from .gradebook import record
        from .progress import Progress
        trusted, tasks, roster = ctx["trusted"], ctx["tasks"], ctx["names"]
        results = list(ctx["finished"])
        progress = Progress(len(results) + len(tasks), ctx["stream"], ctx["quiet"])
        progress.done = len(results)
        own = ctx["executor"] is None
        executor = ctx["executor"] or ThreadPoolExecutor(max_workers=ctx["jobs"])
        try:
            with Gradebook(ctx["db_url"]) as gb:
                for entry in results:  # a run killed between journal and gradebook loses nothing
                    record(gb, trusted, entry, roster)
                for result, key in _ordered(executor, tasks, ctx):
                    result.path = result.source  # the student's file, not the copy graded
                    record(gb, trusted, result, roster)  # parent only: writes are serialised
                    result = ctx["journal"].add(result, key)
                    _safely(result, ctx["stream"], "autograded notebook",
                            lambda: autograded.write(result, trusted, ctx["course"]))
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


def _safely(result, stream, what, write):
    """Write one page of a result (feedback, autograded copy); a failure is noted, never raised:
    the gradebook row and the journal are already written."""
    try:
        write()
    except Exception as exc:
        print(f"{result.student}: the {what} could not be written: "
              f"{type(exc).__name__}: {exc}", file=stream)


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
        ctx["feedback"] = folder = Path(ctx["out"]) / "feedback"
        books, trusted = ctx["books"], ctx["trusted"]
        for result in ctx["results"]:
            _safely(result, ctx["stream"], "feedback page", lambda: feedback.write(
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


STEPS = [Isolation(), EnsureGradebook(), LoadTrusted(), Collect(), Resume(), ReadRoster(),
         CopyNotebooks(), BuildTasks(), Grade(), ReadBack(), WriteFeedback(), Summarise()]


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
