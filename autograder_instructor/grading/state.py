"""What is already graded: an append-only journal, so an interrupted run resumes.

Each finished submission's :class:`.result.Result` is appended to ``state.jsonl``
as one JSON line (flushed and synced) after its gradebook rows are committed. A
new run skips students whose journal entry has the same notebook checksum and
limits, unless ``--force``; the last entry of a student wins. A line cut short by a kill is ignored. An entry of a
submission the grader failed on (``grader_failure``) is never taken as done.

Beside it, ``started.jsonl`` gets a line when a submission is handed to a worker
and another when its result is written. A start with no result after it means the
grader stopped while that notebook was being graded; :meth:`Journal.interrupted`
counts them, so a notebook that kills the grader is graded last, alone, and then
set aside instead of stopping every resume.
"""
import json
import os
from pathlib import Path

from .result import Result


class Journal:
    def __init__(self, path):
        self.path = Path(path)
        self.entries = {}
        self.started = self.path.with_name("started.jsonl")
        self.starts = {}  # (student, key) -> starts since its last result
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                try:
                    entry = Result.from_json(json.loads(line))
                    self.entries[entry.student] = entry
                except (ValueError, KeyError, TypeError):
                    continue
        if self.started.exists():
            for line in self.started.read_text().splitlines():
                try:
                    mark = json.loads(line)
                    k = (mark["student"], mark["key"])
                    self.starts[k] = self.starts.get(k, 0) + 1 if mark["started"] else 0
                except (ValueError, KeyError, TypeError):
                    continue

    def done(self, student, key):
        entry = self.entries.get(student)
        if entry is None or (entry.grader_failure and not entry.set_aside):
            return None  # the grader failed: grade it again
        return entry if entry.key == key else None

    def interrupted(self, student, key):
        """How many runs stopped while this notebook was being graded."""
        return self.starts.get((student, key), 0)

    def start(self, student, key):
        self.starts[(student, key)] = self.starts.get((student, key), 0) + 1
        _append(self.started, {"student": student, "key": key, "started": True})

    def add(self, result, key):
        result.key = key
        self.entries[result.student] = result
        _append(self.path, result.to_json())
        self.starts[(result.student, key)] = 0
        _append(self.started, {"student": result.student, "key": key, "started": False})
        return result


def _append(path, entry):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a") as f:
        f.write(json.dumps(entry) + "\n")
        f.flush()
        os.fsync(f.fileno())
