"""Find every student's notebook in a submissions folder or zip, and say what was odd.

Three layouts are understood:

- nbgrader's ``submitted/<student>/<assignment>/<notebook>.ipynb`` (also given as
  the folder that holds the student folders, or a course folder);
- a flat folder of files as an LMS exports them, student id taken from each file
  name by ``--pattern``, a regular expression with a ``student_id`` group, as
  ``nbgrader zip_collect`` does. The default, :data:`PATTERN`, reads
  ``<student_id>_<anything>.ipynb`` (``ada_dense.ipynb``, ``ada_dense (1).ipynb``);
  Canvas-style names ``doe_12345_67890_dense.ipynb`` need
  ``--pattern '^[^_]+_(?P<student_id>\\d+)_'``;
- a zip of either, unpacked into a temporary folder first.

A renamed notebook (the only ``.ipynb`` a student sent, under another name) is
graded and reported; of several notebooks, the one with the right name wins
(``dense (1).ipynb``, an LMS re-upload, counts as the right name and as newer than
``dense.ipynb``), the one at the top of the student's folder before copies in
subfolders (``backup/dense.ipynb``), else the newest; the others are reported as
duplicates; other files are reported as stray; files that match no student are
reported and not graded.

A student's id is the folder's (or the file name's) own, spaces and Unicode
included, as nbgrader keeps it; only a name that cannot be a folder or is too long
for the gradebook is changed, and reported. Two different names never share one
id: the run is refused naming both (:class:`IdClash`).
"""
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

PATTERN = r"^(?P<student_id>[^\W_](?:[^\W_]|[.@-])*)_(?P<file_id>.*)$"  # \w is Unicode
# nbgrader's exchange writes timestamp.txt and submission_secret.txt beside every notebook
IGNORED = {".DS_Store", "Thumbs.db", "timestamp.txt", "submission_secret.txt"}
MAX_NOTEBOOK_MB = 50
MAX_ID = 128  # nbgrader's Student.id column
# "dense (1).ipynb", "dense(2).ipynb" (browsers, Moodle), "dense-1.ipynb" (Canvas): re-uploads
REUPLOAD = re.compile(r"^(?P<stem>.+?)(?: ?\((?P<n>\d{1,3})\)|-(?P<m>\d{1,3}))(?P<ext>\.ipynb)$")


class IdClash(ValueError):
    """Two different folder or file names would be graded as one student."""


@dataclass
class Submission:
    student: str
    path: Path = None  # the notebook to grade, or None if there is none
    notes: list = field(default_factory=list)  # what the student and instructor read
    timestamp: str = None  # nbgrader timestamp.txt, if any


@dataclass
class Collection:
    submissions: list = field(default_factory=list)
    unmatched: list = field(default_factory=list)  # files that name no student


def safe_id(name):
    """A student id fit for a folder name and the gradebook: ``name`` itself when it is one."""
    if (name.strip() == name and name not in ("", ".", "..") and not name.startswith(".")
            and len(name) <= MAX_ID and "/" not in name and "\\" not in name
            and not any(unicodedata.category(c)[0] == "C" for c in name)):
        return name
    cleaned = "".join(c if c.isalnum() or c in "._@- " else "_" for c in name)
    return cleaned.strip(" ._")[:MAX_ID] or "unknown"


def check_ids(raw):
    """Refuse ids that two different names would share: ``raw`` is [(id, original name)]."""
    seen = {}
    for sid, name in raw:
        key = unicodedata.normalize("NFC", sid)  # "José" typed two ways is one name on screen
        first = seen.setdefault(key, name)
        if first != name:
            raise IdClash(f"{first!r} and {name!r} would be graded as one student ({sid!r}); "
                          "rename one of them and run again")


def _upload(f, names, notebook):
    """0 if ``f`` is named ``notebook``, n if it is its n-th re-upload, else None."""
    name = names.get(f, f.name)
    if name == notebook:
        return 0
    match = REUPLOAD.match(name)
    if match and match["stem"] + match["ext"] == notebook:
        return int(match["n"] or match["m"])
    return None


def choose(student, files, notebook, base, names=None):
    """Pick the notebook to grade among a student's files; note everything else.

    ``names`` maps a file to the name it stands for (an LMS file's ``file_id``).
    """
    names = names or {}
    sub = Submission(student)
    notebooks = [f for f in files if f.suffix == ".ipynb" and ".ipynb_checkpoints" not in f.parts]
    exact = [f for f in notebooks if _upload(f, names, notebook) is not None]
    for f in files:
        if f.name in IGNORED or ".ipynb_checkpoints" in f.parts:
            continue
        if f.suffix != ".ipynb":
            sub.notes.append(f"stray file not graded: {f.relative_to(base)}")
    if not notebooks:
        sub.notes.append(f"no notebook was submitted (expected {notebook})")
        return sub

    def rank(f):  # the top of the folder first (nbgrader grades only that), then the newest
        return len(f.relative_to(base).parts), -(_upload(f, names, notebook) or 0), -f.stat().st_mtime

    ranked = sorted(exact, key=rank) + sorted(set(notebooks) - set(exact), key=rank)
    sub.path = ranked[0]
    if not exact:
        sub.notes.append(f"the notebook was renamed: graded {sub.path.name} as {notebook}")
    elif _upload(sub.path, names, notebook) and len(exact) > 1:
        sub.notes.append(f"graded the re-upload {sub.path.name}, the newest of "
                         f"{len(exact)} uploads of {notebook}")
    for f in ranked[1:]:
        sub.notes.append(f"duplicate notebook not graded: {f.relative_to(base)} "
                         f"(graded {sub.path.name})")
    if sub.path.stat().st_size > MAX_NOTEBOOK_MB * 2 ** 20:
        sub.notes.append(f"the notebook is larger than {MAX_NOTEBOOK_MB} MB and was not graded")
        sub.path = None
    return sub


def _nbgrader_root(root, assignment):
    """The folder of student folders, if ``root`` is in nbgrader's layout."""
    for candidate in (root / "submitted", root):
        if candidate.is_dir() and any((d / assignment).is_dir() for d in candidate.iterdir()
                                      if d.is_dir()):
            return candidate
    return None


def collect(source, assignment, notebook, pattern=PATTERN, unpack_to=None):
    """Every submission in ``source`` (folder or zip) for ``assignment``'s ``notebook``."""
    source = Path(source)
    if source.is_file() and zipfile.is_zipfile(source):
        target = Path(unpack_to) / "unzipped"
        with zipfile.ZipFile(source) as z:
            for info in z.infolist():  # never write outside the target (zip slip)
                name = Path(info.filename)
                if name.is_absolute() or ".." in name.parts or info.is_dir():
                    continue
                z.extract(info, target)
        source = target
        top = [p for p in source.iterdir() if not p.name.startswith("__MACOSX")]
        if len(top) == 1 and top[0].is_dir() and not _nbgrader_root(source, assignment):
            source = top[0]
    if not source.is_dir():
        raise FileNotFoundError(f"{source} is neither a folder nor a zip file")
    root = _nbgrader_root(source, assignment)
    if root is not None:
        return _collect_nbgrader(root, assignment, notebook)
    return _collect_flat(source, notebook, pattern)


def _collect_nbgrader(root, assignment, notebook):
    found = Collection()
    raw = []
    for folder in sorted(d for d in root.iterdir() if d.is_dir()):
        work = folder / assignment
        if not work.is_dir():
            continue
        files = sorted(p for p in work.rglob("*") if p.is_file())
        sub = choose(safe_id(folder.name), files, notebook, work)
        if sub.student != folder.name:
            sub.notes.append(f"the folder name {folder.name!r} was used as id {sub.student!r}")
        raw.append((sub.student, folder.name))
        stamp = work / "timestamp.txt"
        if stamp.is_file():
            sub.timestamp = stamp.read_text().strip()[:64]
        found.submissions.append(sub)
    check_ids(raw)
    return found


def _collect_flat(folder, notebook, pattern):
    found = Collection()
    regex = re.compile(pattern)
    by_student, names, raw = {}, {}, []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        if path.name in IGNORED or "__MACOSX" in path.parts:
            continue
        match = regex.search(path.name)
        if not match or not match.group("student_id"):
            found.unmatched.append(str(path.relative_to(folder)))
            continue
        sid = safe_id(match.group("student_id"))
        by_student.setdefault(sid, []).append(path)
        raw.append((sid, match.group("student_id")))
        if "file_id" in match.groupdict() and match.group("file_id"):
            names[path] = match.group("file_id")
    check_ids(raw)
    for student, files in sorted(by_student.items()):
        found.submissions.append(choose(student, files, notebook, folder, names))
    return found
