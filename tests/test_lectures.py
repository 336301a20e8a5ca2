"""The lecture notebooks: built from their text sources, answers folded, slides, and they run."""
import re
import subprocess
import sys

import nbformat
import pytest

from autograder_instructor import lectures

from .conftest import ROOT

NOTEBOOKS = [lectures.notebook_path(s) for s in lectures.sources()]


def test_there_is_a_main_lecture():
    """Does the lecture that assignment intros link to exist, with its text source?"""
    assert (ROOT / "course" / "lectures" / "rnn_lecture.ipynb") in NOTEBOOKS


def test_committed_notebooks_match_their_sources():
    """Is every committed lecture notebook exactly what `rnn-course lectures` builds?"""
    stale = lectures.build_all(write=False)
    assert not stale, f"out of date (run `rnn-course lectures`): {stale}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    """Are lecture notebooks committed without outputs or execution counts?"""
    nb = nbformat.read(path, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a lecture without code"
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_exercise_has_a_folded_answer_right_after_it(path):
    """Does each exercise the lecture asks come with its answer, folded away under it?"""
    cells = nbformat.read(path, as_version=4).cells
    exercises = [i for i, c in enumerate(cells)
                 if c.cell_type == "markdown" and re.search(r"\*\*Exercise \d+\.\*\*", c.source)]
    assert len(exercises) >= 3
    for i in exercises:
        answer = cells[i + 1]
        assert "answer" in answer.metadata.get("tags", []), f"no answer after: {cells[i].source[:80]}"
        assert answer.source.startswith("<details>") and answer.source.endswith("</details>")
    answers = [c for c in cells if "answer" in c.metadata.get("tags", [])]
    assert len(answers) == len(exercises), "an answer without an exercise before it"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_sections_are_slides(path):
    """Does every numbered section start a slide, so the deck follows the lecture's order?"""
    cells = nbformat.read(path, as_version=4).cells
    sections = [c for c in cells if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert len(sections) >= 10
    assert all(c.metadata["slideshow"]["slide_type"] == "slide" for c in sections)
    notes = [c for c in cells if c.metadata.get("slideshow", {}).get("slide_type") == "notes"]
    assert notes, "no speaker notes"


def test_builder_rejects_what_it_does_not_know(tmp_path):
    """Does a typo in a cell header fail loudly instead of dropping the cell?"""
    source = tmp_path / "bad.py"
    source.write_text("# %% [markdwn]\n# # Title\n")
    with pytest.raises(ValueError, match="unknown cell kind"):
        lectures.build(source)
    source.write_text("# %% [markdown slid]\n# # Title\n")
    with pytest.raises(ValueError, match="unknown slide type"):
        lectures.build(source)
    source.write_text("# %% [answer]\n# The answer.\n# %% [code fragment]\nx = 1\n")
    nb = lectures.build(source)
    assert nb.cells[0].source.startswith("<details>")
    assert [c.metadata["slideshow"]["slide_type"] for c in nb.cells] == ["fragment", "fragment"]


def test_slides_folder_is_ignored_by_git():
    """Can built slides never be committed by accident?"""
    probe = lectures.SLIDES_OUT.relative_to(ROOT) / "rnn_lecture.slides.html"
    proc = subprocess.run(["git", "check-ignore", "-q", str(probe)], cwd=ROOT)
    assert proc.returncode == 0, f"{probe} is not ignored by .gitignore"


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_slides_command_writes_reveal_slides(tmp_path):
    """Does `rnn-course slides --no-execute` produce a reveal.js deck with the folded answers?"""
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "slides", "--no-execute",
                           "--out", str(tmp_path), "--reveal-prefix", "reveal.js", "rnn_lecture"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    html = (tmp_path / "rnn_lecture.slides.html").read_text()
    assert "reveal" in html.lower()
    assert html.count("<section") >= 13
    assert "<details>" in html
    assert '"reveal.js/dist/reveal.js"' in html, "--reveal-prefix was not applied"


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lecture_executes_offline(path, monkeypatch):
    """Does every code cell of the lecture run without error (live Keras training included)?"""
    from nbclient import NotebookClient

    # conftest chooses Agg for the tests' own plots; the kernel should draw inline, as in Jupyter
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 6, "the lecture's plots did not render"
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "negation probe: accuracy" in text


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_lecture_without_keras_stops_once_saying_what_to_install(path, tmp_path, monkeypatch):
    """Run as a student without Keras would ("Run All" in a kernel where `import keras`
    fails), does the lecture stop at its first Keras cell with KerasRequired saying what to
    install, not a raw ModuleNotFoundError, after every NumPy cell before it ran?"""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    for name in ("keras", "tensorflow"):  # a kernel in which neither can be imported
        (tmp_path / f"{name}.py").write_text(
            f"raise ModuleNotFoundError(\"No module named '{name}'\", name={name!r})\n")
    monkeypatch.setenv("PYTHONPATH", f"{tmp_path}:{ROOT}")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(path, as_version=4)
    with pytest.raises(CellExecutionError) as info:
        NotebookClient(nb, timeout=120, kernel_name="python3",
                       resources={"metadata": {"path": str(path.parent)}}).execute()
    assert info.value.ename == "KerasRequired", info.value
    assert "needs Keras for the rest of the lecture" in info.value.evalue
    assert "pip install" in info.value.evalue
    ran = [c for c in nb.cells if c.cell_type == "code" and c.execution_count]
    first_keras = next(c for c in nb.cells if c.cell_type == "code" and "keras" in c.source)
    assert ran[-1] is first_keras and len(ran) > 5


def test_assignments_link_to_the_lecture_sections_they_name():
    """Does every link from a released assignment to the lecture that names a section carry
    that section's anchor, as nbconvert and Jupyter give the heading (so it opens there, not
    at the top), and does no such link go to the bare lecture?"""
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter().from_filename(str(NOTEBOOKS[0]))
    ids = set(re.findall(r'<h[1-3] id="([^"]+)"', body))
    links = []
    for path in sorted((ROOT / "assignments").glob("*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                links += re.findall(r"\[([^\]]*)\]\(\.\./\.\./course/lectures/rnn_lecture\.ipynb"
                                    r"(#[^)]*)?\)", cell.source)
    assert len(links) >= 15, links
    for text, anchor in links:
        assert anchor, f"the link {text!r} opens the lecture at the top"
        assert anchor[1:] in ids, f"{anchor} is no heading of the lecture"
        assert re.search(r"\d+", text).group() == anchor[1:].split(".")[0], (text, anchor)


def test_section_links_leave_unknown_sections_alone():
    """Is a link naming a section the lecture lacks left as written, and one naming several
    split into one link per section with the rest of its words kept?"""
    href = "../../lectures/rnn_lecture.ipynb"
    assert lectures.link_sections(f"[section 99]({href})") == f"[section 99]({href})"
    text = lectures.link_sections(f"read [sections 5 and 9 (Keras)]({href}).")
    assert text == (f"read sections [5]({href}#5.-Keras:-the-idea) and "
                    f"[9]({href}#9.-Training) (Keras).")
