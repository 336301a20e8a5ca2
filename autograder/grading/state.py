"""What is already graded: an append-only journal, so an interrupted run resumes.

Each finished submission is appended to ``state.jsonl`` (flushed and synced)
after its gradebook rows are committed. A new run skips students whose journal
entry has the same notebook checksum and limits, unless ``--force``; the last
entry of a student wins. A line cut short by a kill is ignored. An entry of a
submission the grader failed on (``grader_failure``) is never taken as done.
"""
import json
import os
from pathlib import Path


class Journal:
    def __init__(self, path):
        self.path = Path(path)
        self.entries = {}
        if self.path.exists():
            for line in self.path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                    self.entries[entry["student"]] = entry
                except (ValueError, KeyError, TypeError):
                    continue

    def done(self, student, key):
        entry = self.entries.get(student)
        if entry is None or entry.get("grader_failure"):  # the grader failed: grade it again
            return None
        return entry if entry.get("key") == key else None

    def add(self, result, key):
        entry = dict(result, key=key)
        self.entries[result["student"]] = entry
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a") as f:
            f.write(json.dumps(entry) + "\n")
            f.flush()
            os.fsync(f.fileno())
        return entry
