"""Grading machines other than this one (dask workers) isolate students as this one does.

The run refuses to start without a sandbox or cgroups here (``pipeline.Isolation``),
but with ``--scheduler`` the students run on the workers, which may lack either. So:

- :func:`check_cluster`, before anyone is graded: every worker connected to the
  scheduler answers :func:`problem` for the run's limits, and the run stops naming
  each worker that cannot isolate students (``rnn-course grade --scheduler``);
- :class:`CheckOnStart`, a dask ``WorkerPlugin`` the run registers: a worker that joins
  later checks itself when it starts and logs why it cannot grade;
- :func:`refuse_unisolated`, first thing in every task (``worker.grade_submission``):
  a worker that cannot isolate students raises :class:`Refused` instead of grading, so
  the task goes to another worker (the pipeline resubmits it) or, failing that, the
  student gets a row flagged as the grader's failure, never a zero.

A worker started with ``dask worker --preload autograder_instructor.grading.workers`` runs the
same check when it starts and does not start at all without isolation (``dask_setup``).
"""
import socket

try:
    from distributed import WorkerPlugin
except ImportError:  # no dask here: nothing registers the plugin
    WorkerPlugin = object


class Refused(RuntimeError):
    """This machine cannot isolate students under the run's limits."""


def problem(limits):
    """'' if this machine can grade under ``limits`` (a ``Limits.as_dict()``), else why not."""
    from . import budget, sandbox
    why = []
    if limits.get("sandbox", True) and sandbox.probe():
        why.append(sandbox.probe())
    if limits.get("cgroups", True) and budget.probe():
        why.append(budget.probe())
    return "; ".join(why)


def refuse_unisolated(limits):
    """Raise :class:`Refused`, naming this machine, if it cannot grade under ``limits``."""
    why = problem(limits)
    if why:
        raise Refused(f"grading machine {socket.gethostname()} cannot isolate students: {why}")


def check_cluster(client, limits):
    """Ask every worker of ``client``'s cluster; raise :class:`Refused` naming each worker
    that cannot isolate students under ``limits`` (a ``Limits``). Then register
    :class:`CheckOnStart` so that a worker joining later checks itself too."""
    answers = client.run(problem, limits.as_dict())
    bad = {address: why for address, why in sorted(answers.items()) if why}
    if bad:
        raise Refused("refusing to grade: " + "; ".join(
            f"dask worker {address} cannot isolate students ({why})" for address, why in bad.items())
            + ". Install bubblewrap and run the workers where cgroups can be written "
              "(docs/grading.md), or pass --no-sandbox / --no-cgroups.")
    if not answers:
        raise Refused("refusing to grade: the dask scheduler has no workers")
    client.register_plugin(CheckOnStart(limits.as_dict()), name="rnn-course-isolation")
    return sorted(answers)


class CheckOnStart(WorkerPlugin):
    """A worker checks its own isolation when it starts (or when the run registers this),
    and says why it cannot grade; its tasks then refuse (:func:`refuse_unisolated`)."""

    def __init__(self, limits):
        self.limits = limits

    def setup(self, worker):
        why = problem(self.limits)
        if why:
            raise Refused(f"dask worker {worker.address} cannot isolate students: {why}")


def dask_setup(worker):
    """``dask worker --preload autograder_instructor.grading.workers``: do not start without isolation."""
    refuse_unisolated({})
