"""Late submissions, by nbgrader's own rules and code: the penalty ``nbgrader autograde``
would give.

``nbgrader autograde`` ends each notebook with its ``AssignLatePenalties`` preprocessor:
when the submission's timestamp (``timestamp.txt``, recorded by :func:`.gradebook.record`)
is past the assignment's due date in the gradebook (``nbgrader db assignment add ID
--duedate=...``, plus any extension), it asks the configured late-submission plugin
(``c.AssignLatePenalties.plugin_class``, by default ``LateSubmissionPlugin`` with
``c.LateSubmissionPlugin.penalty_method`` "none" or "zero", or the course's own
subclass) for a penalty, clamps it to [0, the notebook's score] and stores it in the
gradebook. This module runs that same preprocessor, configured from the course's
``nbgrader_config.py``, in the grading process after the scores are recorded (for every
submission that is late or has a penalty stored: for the others it would store "no
penalty" again), so
``nbgrader export``, formgrader and ``rnn-course`` all see the penalty nbgrader would
have given; nothing of it is written again here.
"""
from pathlib import Path


def course_config(course):
    """The course's nbgrader configuration (its ``nbgrader_config.py``), as nbgrader loads it."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader
    path = Path(course) / "nbgrader_config.py"
    if not path.is_file():
        return Config()
    return PyFileConfigLoader(path.name, path=str(path.parent)).load_config()


def may_change(gb, assignment, student):
    """Whether nbgrader's preprocessor could change this submission's penalty: it is late, or
    a penalty is stored (an earlier file was late). Otherwise it would only store "none"
    again, at the cost of a gradebook connection per student on every run."""
    from nbgrader.api import MissingEntry
    try:
        submission = gb.find_submission(assignment, student)
    except MissingEntry:
        return False
    return submission.total_seconds_late > 0 or any(
        nb.late_submission_penalty for nb in submission.notebooks)


def assign(db_url, config, assignment, notebook, student):
    """Set one submitted notebook's late penalty as ``nbgrader autograde`` does."""
    import nbformat
    from nbgrader.preprocessors import AssignLatePenalties
    resources = {"nbgrader": {"notebook": notebook, "assignment": assignment,
                              "student": student, "db_url": db_url}}
    AssignLatePenalties(config=config).preprocess(nbformat.v4.new_notebook(), resources)


def describe(seconds):
    """'2 h 5 min' for a number of seconds late."""
    minutes = int(seconds // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    parts = [f"{days} d"] * bool(days) + [f"{hours} h"] * bool(hours) + [f"{minutes} min"]
    return " ".join(parts) if seconds >= 60 else f"{seconds:.0f} s"
