"""What one ``rnn-course grade`` run is given, with every default in one place.

:class:`Inputs` is the home of the run's defaults: :func:`.pipeline.run` fills from it
what it is not given, and the command line's options take their defaults from it and
from :class:`.limits.Limits` (a test checks that both give the same run). ``None``
means "work it out from the others" (:meth:`Inputs.resolved`).
"""
import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from .collect import PATTERN
from .limits import Limits


@dataclass(frozen=True)
class Inputs:
    assignment: str
    submissions: Path  # nbgrader submitted/ folder, a flat folder of LMS files, or a zip
    course: Path = None  # None: ./ if it is a course root, else the repository's course/
    db_url: str = None  # None: sqlite:///<course>/gradebook.db
    out: Path = None  # None: <course>/grading/<assignment>
    jobs: int = None  # students graded at once; None (or 0): the number of cores
    limits: Limits = field(default_factory=Limits)
    pattern: str = PATTERN  # student id from a flat file's name (collect.py)
    roster: str = None  # CSV of the names formgrader shows; None: the id as last name
    force: bool = False  # regrade students already graded
    students: tuple = ()  # regrade only these ids (the rest as an earlier run left them)
    executor: object = None  # a concurrent.futures executor; None: a pool of ``jobs`` threads
    quiet: bool = False  # no progress line
    stream: object = None  # where progress and the isolation line go; None: sys.stderr
    similarity: bool = True  # end with the similarity report (pairs.csv, report.html)

    @classmethod
    def given(cls, **inputs):
        """Inputs from keyword arguments, a ``None`` standing for the default."""
        missing = {"assignment", "submissions"} - set(inputs)
        if missing:
            raise TypeError(f"missing inputs {sorted(missing)}")
        return cls(**{k: v for k, v in inputs.items() if v is not None})

    def resolved(self):
        """The same inputs with every ``None`` worked out and the course folder resolved."""
        from ..release import course_root
        course = Path(self.course or course_root()).resolve()
        return replace(self, course=course,
                       db_url=self.db_url or f"sqlite:///{course / 'gradebook.db'}",
                       out=Path(self.out or course / "grading" / self.assignment),
                       jobs=self.jobs or os.cpu_count() or 1, stream=self.stream or sys.stderr)

    def as_dict(self):
        """{name: value}, without copying the values (an executor is not copied)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}
