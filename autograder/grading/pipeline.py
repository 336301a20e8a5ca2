"""``rnn-course grade`` as an ordered list of small steps over one shared context.

Each step names what it ``needs`` from the context and what it ``makes``; a test
checks that every step only needs what the run's inputs or an earlier step made,
and that the gradebook is written by the parent process only (the grade step
records each result as its future completes, one at a time).
"""
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

INPUTS = {"assignment", "submissions", "course", "db_url", "out", "jobs", "limits", "pattern",
          "force", "executor", "quiet", "stream", "roster"}


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
        from .collect import collect
        ctx["collection"] = collect(ctx["submissions"], ctx["assignment"], ctx["trusted"].notebook,
                                    ctx["pattern"], unpack_to=ctx["out"])


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
    """Grade the remaining students in parallel; record each result as it arrives; then read
    every student's scores and comments back (manual grading included) for the feedback."""
    needs = ("todo", "finished", "journal", "trusted", "executor", "jobs", "limits", "db_url",
             "course", "out", "roster")
    makes = ("results", "books")

    def __call__(self, ctx):
        from nbgrader.api import Gradebook
        from . import autograded, feedback
        from .gradebook import read_roster, readback, record
        from .progress import Progress
        from .worker import grade_submission
        trusted, out = ctx["trusted"], Path(ctx["out"])
        deny = [str(Path(ctx["course"]).resolve()), str(Path(ctx["submissions"]).resolve()),
                str(out.resolve())]
        tasks = []
        for sub, sha, key in ctx["todo"]:
            tasks.append(({"course": str(ctx["course"]), "assignment": ctx["assignment"],
                           "student": sub.student, "path": str(sub.path) if sub.path else None,
                           "sha": sha, "notes": sub.notes, "timestamp": sub.timestamp,
                           "limits": ctx["limits"].as_dict(), "deny": deny,
                           "copy_from": str(Path(ctx["course"]) / "source" / ctx["assignment"])},
                          key))
        results = list(ctx["finished"])
        progress = Progress(len(results) + len(tasks), ctx.get("stream"), ctx.get("quiet"))
        progress.done = len(results)
        roster = read_roster(ctx["roster"]) if ctx["roster"] else None
        own = ctx["executor"] is None
        executor = ctx["executor"] or ThreadPoolExecutor(max_workers=ctx["jobs"])
        with Gradebook(ctx["db_url"]) as gb:
            for entry in results:  # a run killed between journal and gradebook loses nothing
                record(gb, trusted, entry, roster)
            futures = {executor.submit(grade_submission, task): (task, key) for task, key in tasks}
            try:
                for future in as_completed(futures):
                    task, key = futures[future]
                    try:
                        result = future.result()
                    except Exception as exc:  # the worker itself failed (e.g. a dask worker died)
                        result = _lost(task, trusted, exc)
                    record(gb, trusted, result, roster)  # parent only: writes are serialised
                    result = ctx["journal"].add(result, key)
                    autograded.write(result, trusted, ctx["course"])
                    results.append(result)
                    progress.update(bool(result.get("fatal") or result.get("events")),
                                    f"{result['student']}: {result['score']:g}/{result['max_score']:g}")
            finally:
                if own:
                    executor.shutdown(wait=True, cancel_futures=True)
                progress.close()
            # every page, kept students' too: a grader may have graded or commented since
            books = {r["student"]: readback(gb, trusted, r["student"]) for r in results}
            for result in results:
                feedback.write(result, ctx["assignment"], out / "feedback", books[result["student"]],
                               ctx["course"], trusted.notebook)
        ctx["results"], ctx["books"] = results, books


class Summarise(Step):
    """grades.csv, the per-cell table (summary.txt) and the histogram of totals."""
    needs = ("results", "books", "trusted", "out", "collection")
    makes = ("csv", "summary", "histogram")

    def __call__(self, ctx):
        from .summary import histogram, table, write_csv
        out, trusted = Path(ctx["out"]), ctx["trusted"]
        current = {s.student for s in ctx["collection"].submissions}
        results = [r for r in ctx["results"] if r["student"] in current]
        books = ctx["books"]
        ctx["csv"] = write_csv(results, trusted, out / "grades.csv", books)
        text = table(results, trusted, books)
        if ctx["collection"].unmatched:
            text += "\n\nfiles that name no student (not graded):\n  " + "\n  ".join(
                ctx["collection"].unmatched)
        (out / "summary.txt").write_text(text + "\n")
        ctx["summary"] = text
        ctx["histogram"] = histogram(results, trusted, out / "histogram.png", books)


STEPS = [EnsureGradebook(), LoadTrusted(), Collect(), Resume(), Grade(), Summarise()]


def _lost(task, trusted, exc):
    grades = [{"grade_id": c.grade_id, "points": c.points, "score": 0.0, "func": "",
               "outcomes": [], "reason": "the grading worker failed", "note": ""}
              for c in trusted.grade_cells if c.kind == "code"]
    return {"student": task["student"], "path": task["path"], "sha": task["sha"],
            "notes": task["notes"], "problems": [], "events": [], "grades": grades,
            "fatal": f"the grading worker failed: {type(exc).__name__}: {exc}", "answers": {},
            "cells": {}, "timestamp": task["timestamp"], "score": 0.0,
            "max_score": trusted.max_score, "seconds_cells": 0.0, "seconds_total": 0.0}


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
    started = time.monotonic()
    for step in STEPS:
        step(ctx)
    ctx["seconds"] = time.monotonic() - started
    return ctx


def _default_course():
    from ..release import course_root
    return course_root()
