"""Where each graded result goes, in the parent process only, in an order that loses nothing.

For every result, as its future completes: the gradebook row first (writes are serialised
here, never in a worker), then the resume journal, then formgrader's autograded copy. A run
killed between gradebook and journal grades that student again; one killed between journal
and gradebook is repaired by :meth:`Recorder.again`, which records what the journal kept
before anything new. A page that cannot be written (an autograded copy, a feedback page)
is noted and never stops the run: the row and the journal are already written.
"""
from nbgrader.api import Gradebook

from . import autograded
from .gradebook import record


class Recorder:
    """Records results into the gradebook and the journal; use it as a context manager."""

    def __init__(self, db_url, trusted, roster, journal, course, stream):
        self.db_url, self.trusted, self.roster = db_url, trusted, roster
        self.journal, self.course, self.stream = journal, course, stream
        self.gradebook = None

    def __enter__(self):
        self.gradebook = Gradebook(self.db_url).__enter__()
        return self

    def __exit__(self, *exc):
        return self.gradebook.__exit__(*exc)

    def again(self, journaled):
        """Record the results an earlier run journaled (its gradebook writes may be lost)."""
        for result in journaled:
            record(self.gradebook, self.trusted, result, self.roster)

    def record(self, result):
        """Gradebook, journal, autograded copy; returns the journaled result."""
        result.path = result.source  # the student's file, not the copy graded
        record(self.gradebook, self.trusted, result, self.roster)
        result = self.journal.add(result, result.key)
        safely(result, self.stream, "autograded notebook",
               lambda: autograded.write(result, self.trusted, self.course))
        return result


def safely(result, stream, what, write):
    """Write one page of a result (feedback, autograded copy); a failure is noted, never raised."""
    try:
        write()
    except Exception as exc:
        print(f"{result.student}: the {what} could not be written: "
              f"{type(exc).__name__}: {exc}", file=stream)
