"""One feedback page per student in nbgrader's ``feedback/`` folder, whoever wrote it.

``nbgrader release_feedback`` (and formgrader's *Release Feedback*) reads, for every
``feedback/<student>/<assignment>/<notebook>.html``, the ``timestamp.txt`` and
``submission_secret.txt`` beside it, and stops for the whole class at the first folder
that lacks one. A submission placed in ``submitted/`` by hand has neither, so
:func:`complete` gives every folder both: the submission's own when it came through the
exchange, else a timestamp (the submission's, or now) and a fresh secret (the page is
then released under a name no student's ``fetch_feedback`` looks for: harmless, and
the rest of the class gets theirs).

``nbgrader generate_feedback`` (formgrader's *Generate Feedback*) writes its own page
from the autograded notebook. The course's ``nbgrader_config.py`` runs
:func:`keep_course_page` after it for each student: where ``rnn-course grade`` graded
the very file that is in ``submitted/`` now, the course's page (from its journal and the
gradebook as it is now, manual grades and comments included) replaces nbgrader's, so
students get the same page whichever command ran last. A submission only nbgrader graded
(a newer file, or none in the journal) keeps nbgrader's page.
"""
import secrets
import stat
from datetime import datetime, timezone
from pathlib import Path

EXCHANGE_FILES = ("submission_secret.txt", "timestamp.txt")


def now():
    """A timestamp as nbgrader's ``submit`` writes it."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M:%S.%f UTC")


def complete(target, submission=None, timestamp=None):
    """Give ``target`` the ``timestamp.txt`` and ``submission_secret.txt`` release_feedback
    reads: copied from the ``submission`` folder when it has them, else made."""
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for name in EXCHANGE_FILES:
        own = Path(submission) / name if submission else None
        if own is not None and own.is_file():
            if (target / name).exists():  # nbgrader autograde leaves its files read-only
                (target / name).chmod((target / name).stat().st_mode | stat.S_IWUSR)
            (target / name).write_bytes(own.read_bytes())
        elif not (target / name).is_file() or not (target / name).read_text().strip():
            made = (timestamp or now()) if name == "timestamp.txt" else secrets.token_hex(16)
            (target / name).write_text(made)
    return target


def _course_result(course, assignment, student):
    """The journal's result for ``student`` if it graded the file now in ``submitted/``."""
    from .state import Journal
    from .worker import digest
    journal = Path(course) / "grading" / assignment / "state.jsonl"
    if not journal.is_file():
        return None
    result = Journal(journal).entries.get(student)
    if result is None or result.grader_failure or not result.path or not Path(result.path).is_file():
        return None
    return result if digest(result.path) == result.sha else None


def _book(course, assignment, notebook, student):
    """The gradebook's view of the student now (manual grades and comments), or None."""
    from types import SimpleNamespace

    from nbgrader.api import Gradebook
    from .gradebook import readback
    db = Path(course) / "gradebook.db"
    if not db.is_file():
        return None
    with Gradebook(f"sqlite:///{db}") as gb:
        return readback(gb, SimpleNamespace(name=notebook, assignment=assignment), student)


def keep_course_page(assignment=None, student=None, notebooks=()):
    """``GenerateFeedback.post_convert_hook``: after nbgrader wrote a student's feedback,
    put the course's page in its place where ``rnn-course grade`` graded the same file, and
    complete the folder for release_feedback either way.

    nbgrader passes the autograded notebooks' paths
    (``<course>/autograded/<student>/<assignment>/<notebook>.ipynb``) and runs this from
    the course folder; ``assignment`` and ``student`` may be ``*``, so they are read from
    the paths.
    """
    from .feedback import render
    for path in map(Path, notebooks):
        who, what, course = path.parent.parent.name, path.parent.name, path.parents[3]
        folder = course / "feedback" / who / what
        if not folder.is_dir():
            continue  # nbgrader skipped it (up to date) or failed on it
        result = _course_result(course, what, who)
        if result is not None:
            page = render(result, what, _book(course, what, path.stem, who))
            (folder / f"{path.stem}.html").write_text(page)
        complete(folder, course / "submitted" / who / what,
                 result.timestamp if result is not None else None)
