"""One submission's graded result: the typed record every part of grading passes along.

A worker builds a :class:`Result` (see :mod:`.flow`), an executor carries it back to
the parent (it pickles: threads, processes and dask workers alike), the parent
records it in the gradebook and appends it to the resume journal as one JSON line
(:meth:`Result.to_json`), and the reports (``grades.csv``, the feedback pages, the
autograded notebook) read it. :meth:`Result.from_json` reads journal lines written
by any earlier version of the grader: unknown keys are dropped, missing ones take
their defaults.

A :class:`CellGrade` is one grade cell's row; :meth:`CellGrade.zero` is the one way
to make a row that earns nothing because the cell could not be graded.
"""
from dataclasses import asdict, dataclass, field, fields


@dataclass
class CellGrade:
    grade_id: str
    points: float
    score: float
    func: str = ""  # the graded function, when known (reports name it instead of the grade_id)
    outcomes: list = field(default_factory=list)  # [{"label", "passed", "message"}]
    reason: str = ""  # why it could not be graded (timeout, crash), if so
    note: str = ""  # anything else the student should know about this cell
    # hidden case number -> digest of the student's wrong output, ":k" if known mistake k
    # gives it too (similarity/behaviour.py); instructor-only, never shown to students
    wrong: dict = field(default_factory=dict)
    callees: list = field(default_factory=list)  # failing graded functions it calls (a cascade)

    @classmethod
    def zero(cls, cell, reason, func=""):
        """The row of grade cell ``cell`` that was not graded, and why; it earns nothing."""
        return cls(cell.grade_id, cell.points, 0.0, func, [], reason)

    def as_dict(self):
        return asdict(self)

    @classmethod
    def from_dict(cls, row):
        return cls(**_known(cls, row))


@dataclass
class Result:
    student: str
    path: str | None = None  # the file graded (the parent's copy), then the student's own file
    sha: str = ""  # sha256 of the submitted file
    timestamp: str | None = None  # nbgrader's timestamp.txt, if any
    notes: list = field(default_factory=list)  # about how the file was found (collect)
    problems: list = field(default_factory=list)  # about the file's contents (plan, outputs)
    events: list = field(default_factory=list)  # crashes, timeouts, restarts while grading
    fatal: str = ""  # why nothing could be graded, if so
    grades: list = field(default_factory=list)  # CellGrade, in notebook order
    answers: dict = field(default_factory=dict)  # grade_id -> checksum of the student's cell
    cells: dict = field(default_factory=dict)  # str(cell index) -> what it printed, trimmed
    seconds_cells: float = 0.0
    seconds_checks: float = 0.0
    seconds_total: float = 0.0
    score: float = 0.0
    max_score: float = 0.0
    grader_failure: str = ""  # the grader failed, not the student: nothing was graded
    traceback: str = ""  # of the grader's failure, for the instructor
    set_aside: bool = False  # runs kept stopping on this notebook: it was not graded again
    source: str | None = None  # the student's own file (path is the copy graded until recorded)
    copy: str | None = None  # the copy graded (for the autograded notebook)
    key: str = ""  # the journal's key: the file's sha and the limits it was graded with

    @classmethod
    def for_task(cls, task):
        """An empty result for a worker's task (see :func:`.worker.grade_submission`)."""
        return cls(task.student, task.path, task.sha, task.timestamp, list(task.notes))

    def to_json(self):
        """A dict of JSON values: one line of the resume journal."""
        return asdict(self)

    @classmethod
    def from_json(cls, entry):
        """A result from a journal line, of this version or an earlier one."""
        if not isinstance(entry, dict):
            raise TypeError(f"a journal entry is an object, not {type(entry).__name__}")
        kept = _known(cls, entry)
        kept["grades"] = [g if isinstance(g, CellGrade) else CellGrade.from_dict(g)
                          for g in kept.get("grades") or []]
        return cls(**kept)


def _known(cls, row):
    names = {f.name for f in fields(cls)}
    return {k: v for k, v in row.items() if k in names}
