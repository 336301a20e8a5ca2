"""One student's grading job: what the parent hands to an executor (a thread, a process or
a dask worker), built in one place (:class:`.pipeline.BuildTasks`). It pickles."""
from dataclasses import dataclass, field


@dataclass
class Task:
    student: str
    course: str = ""
    assignment: str = ""
    path: str | None = None  # the grader's copy of the notebook, taken before any code ran
    source: str | None = None  # the student's own file, named in the gradebook and feedback
    sha: str = ""  # of the submitted file
    key: str = ""  # the resume journal's key: the file's sha and the limits
    timestamp: str | None = None  # nbgrader's timestamp.txt, if the submission had one
    notes: list = field(default_factory=list)  # what collection noticed, the isolation in force
    limits: dict = field(default_factory=dict)  # Limits.as_dict()
    deny: list = field(default_factory=list)  # folders the student's code may not read
    copy_from: str | None = None  # the assignment's own files (data, images)
    trusted: object = None  # the parent's Trusted (gradebook checksums included); None: load it
