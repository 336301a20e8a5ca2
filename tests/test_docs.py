"""The documentation tells the truth: its links resolve and the commands it shows exist."""
import contextlib
import io
import re
import subprocess
import sys

import nbformat
import pytest

from .conftest import ROOT

DOCS = [ROOT / "README.md"] + sorted((ROOT / "docs").glob("*.md"))
# Where instructors open notebooks (course/source/<id>/, the lectures) and where students do.
NOTEBOOKS = sorted((ROOT / "course" / "lectures").glob("*.ipynb")) + sorted(
    (ROOT / "course" / "source").glob("*/*.ipynb")) + sorted((ROOT / "assignments").glob("*/*.ipynb"))

MD_LINK = re.compile(r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_LINK = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""")
COMMAND = re.compile(r"(?<![\w/-])rnn-course[ \t]+([a-z][a-z0-9_-]*)")
STUDENT_COMMAND = re.compile(r"(?<![\w/-])rnn-course-student[ \t]+([a-z][a-z0-9_-]*)")
MAKE = re.compile(r"(?<![\w/-])make[ \t]+([a-z][a-z0-9_-]*)")
NBGRADER = re.compile(r"(?<![\w/-])nbgrader[ \t]+([a-z][a-z_]*)\b")
FENCE = re.compile(r"```.*?```", re.S)


def markdown_of(path):
    if path.suffix == ".ipynb":
        nb = nbformat.read(path, as_version=4)
        return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return path.read_text()


def code_spans(text):
    """The parts of a markdown text that show commands: fenced blocks and `inline code`."""
    blocks = [re.sub(r"(^|\s)#.*", "", block, flags=re.M) for block in FENCE.findall(text)]
    rest = FENCE.sub("", text)  # (shell comments in code blocks are prose, not commands)
    return "\n".join(blocks + re.findall(r"`([^`\n]+)`", rest))


def relative_links(path):
    text = FENCE.sub("", markdown_of(path))
    for target in MD_LINK.findall(text) + HTML_LINK.findall(text):
        if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue  # http(s), mailto: checked by a reader; anchors within the page
        yield target


def shown(pattern):
    found = {}
    for path in DOCS + NOTEBOOKS:
        for name in pattern.findall(code_spans(markdown_of(path))):
            found.setdefault(name, path.relative_to(ROOT))
    return found


@pytest.mark.parametrize("path", DOCS + NOTEBOOKS, ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_point_to_files_that_exist(path):
    """Does every relative link (and image) in the docs and notebooks lead to a real file?"""
    broken = []
    for target in relative_links(path):
        file = target.split("#", 1)[0].split("?", 1)[0]
        if file and not (path.parent / file).resolve().exists():
            broken.append(target)
    assert not broken, f"{path.relative_to(ROOT)} links to missing files: {broken}"


@pytest.mark.parametrize("path", DOCS, ids=lambda p: str(p.relative_to(ROOT)))
def test_documents_named_in_code_spans_exist(path):
    """Does every `file.md` a document names in code (not as a link) exist in the repository,
    beside the document, in docs/ or at the root? (``DIR/`` stands for a folder you choose.)"""
    named = set(re.findall(r"`([\w./-]+\.md)`", FENCE.sub("", path.read_text())))
    missing = [n for n in sorted(named) if not n.startswith("DIR/") and not any(
        (base / n).exists() for base in (path.parent, ROOT / "docs", ROOT))]
    assert not missing, f"{path.relative_to(ROOT)} names files that do not exist: {missing}"


def test_the_documents_exist_and_are_linked_from_the_readme():
    """Can a newcomer reach both guides and the authoring guide from the README?"""
    readme = (ROOT / "README.md").read_text()
    for doc in ("docs/instructor-guide.md", "docs/student-guide.md", "docs/adding-an-assignment.md",
                "course/lectures/rnn_lecture.ipynb"):
        assert (ROOT / doc).exists(), doc
        assert f"]({doc})" in readme, f"README does not link {doc}"


def test_quick_start_comes_first_and_shows_make_demo_and_make_test():
    """Is the two-command quick start the first section, and are both make targets real?"""
    readme = (ROOT / "README.md").read_text()
    first_section = readme.split("\n## ", 2)[1]
    assert first_section.startswith("Quick start")
    assert "make demo" in first_section and "make test" in first_section


MAKE_TARGETS = sorted(shown(MAKE).items())


@pytest.mark.parametrize("target,where", MAKE_TARGETS, ids=[t for t, _ in MAKE_TARGETS])
def test_make_targets_shown_exist(target, where):
    """Does every `make <target>` in the docs name a rule of the Makefile?"""
    makefile = (ROOT / "Makefile").read_text()
    assert re.search(rf"^{re.escape(target)}\s*:", makefile, re.M), f"{where}: no make target {target!r}"


COMMANDS = sorted(shown(COMMAND).items())


def test_docs_show_the_course_commands():
    """Do the docs show the commands an instructor needs (so the --help test means something)?"""
    assert {"release", "slides"} <= {name for name, _ in COMMANDS}


def test_rnn_course_entry_point_runs():
    """Does the installed `rnn-course --help` run and list the commands?"""
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "commands:" in proc.stdout


@pytest.mark.parametrize("command,where", COMMANDS, ids=[c for c, _ in COMMANDS])
def test_every_rnn_course_command_shown_runs_with_help(command, where):
    """Does `rnn-course <command> --help` work for every command the docs show?"""
    from autograder_instructor.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()) as err:
        with pytest.raises(SystemExit) as exit_:
            main([command, "--help"])
    assert exit_.value.code == 0, f"{where} shows `rnn-course {command}`, which fails:\n{err.getvalue()}"
    assert f"rnn-course {command}" in out.getvalue()


STUDENT_COMMANDS = sorted(shown(STUDENT_COMMAND).items())


@pytest.mark.parametrize("command,where", STUDENT_COMMANDS, ids=[c for c, _ in STUDENT_COMMANDS])
def test_every_student_command_shown_runs_with_help(command, where):
    """Does `rnn-course-student <command> --help` (the handout's command) work as the docs show?"""
    code = "import sys; from autograder.selfcheck import main; sys.exit(main(sys.argv[1:]))"
    proc = subprocess.run([sys.executable, "-c", code, command, "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, f"{where} shows `rnn-course-student {command}`, which fails:\n{proc.stderr}"
    assert f"rnn-course-student {command}" in proc.stdout


def test_every_nbgrader_subcommand_shown_exists():
    """Is every `nbgrader <subcommand>` the docs show a real nbgrader subcommand?"""
    wanted = shown(NBGRADER)
    assert wanted, "the docs show no plain nbgrader command"
    proc = subprocess.run([sys.executable, "-m", "nbgrader", "--help"], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    missing = {name: str(where) for name, where in wanted.items()
               if not re.search(rf"^\s*{name}\s*$", proc.stdout, re.M)}
    assert not missing, f"not nbgrader subcommands: {missing}"


def test_the_folders_the_docs_write_are_ignored_by_git():
    """Can a folder the docs tell the instructor to write into the checkout (`--out DIR`,
    a handout holding the student wheel) never be committed by accident?"""
    import re
    import subprocess
    written = set()
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        written |= set(re.findall(r"--out ([\w.-]+)/", path.read_text()))
    assert {"handout", "handout-week3"} <= written, written
    for folder in sorted(written):
        probe = f"{folder}/packages/student.whl"
        proc = subprocess.run(["git", "check-ignore", "-q", probe], cwd=ROOT)
        assert proc.returncode == 0, f"{probe} is not ignored by .gitignore"
