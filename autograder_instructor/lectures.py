"""Lecture notebooks: built from text sources, and turned into reveal.js slides.

A lecture is written as text, ``course/lectures/<name>.py``, one cell per
``# %% [kind args]`` header (the same format as the assignments' authoring specs):

==============================  ==================================================
``# %% [markdown]``             a markdown cell; each line loses its leading ``# ``
``# %% [code]``                 a code cell (it must run offline in seconds)
``# %% [answer]``               the answer to the exercise above it, folded away
                                in a ``<details>`` block the reader opens
``# %% [notes]``                speaker notes: in the notebook, and in the
                                slides' speaker view (press ``s``), never on screen
==============================  ==================================================

``[markdown]`` and ``[code]`` take an optional slide type (``slide``, ``subslide``,
``fragment``, ``skip``, ``-``). Without one, a markdown cell that opens with a
``#`` or ``##`` heading starts a slide, one that opens with ``###`` a sub-slide,
and every other cell stays on the current slide.

``rnn-course lectures`` writes ``course/lectures/<name>.ipynb`` (committed, without
outputs; a test fails if it differs from its source). ``rnn-course slides`` runs
``jupyter nbconvert --to slides`` on them into ``lectures-build/`` (never committed), a
folder that works from file:// with no network: reveal.js (from the ``sphinx-revealjs``
wheel) and MathJax 2 (from the ``jupyter-server-mathjax`` wheel) are copied into its
``assets/``, and the template ``autograder_instructor/data/slides/offline.html.j2`` loads nothing else.
Streams written to stderr (TensorFlow's start-up log) are left out of the slides.
"""
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
from nbconvert.preprocessors import Preprocessor
from traitlets import Unicode

from .build import COURSE, ROOT, finish, markdown, parse, render

LECTURES = COURSE / "lectures"
SLIDES_OUT = ROOT / "lectures-build"
SLIDE_TYPES = {"slide", "subslide", "fragment", "skip", "notes", "-"}
TEMPLATE = Path(__file__).parent / "data" / "slides" / "offline.html.j2"
ASSETS = "assets"  # inside the slides folder, next to the HTML: relative links work from file://
MATHJAX_CONFIG = "TeX-AMS-MML_HTMLorMML-full"  # the one combined config the wheel ships
# RISE (JupyterLab's live slides): the white theme's fonts ship with it, the default
# theme's come from Google; tall slides scroll instead of being cut
RISE = {"theme": "white", "scroll": True}
# The slides' size in reveal.js pixels (scaled to the screen): 16:10, as a projector's
# 1280x800; the stock 960x700 left a 100-character line of code no room.
SLIDE = (1280, 800)
ANSWER = "<details>\n<summary><b>Answer</b> (click to open)</summary>\n\n{}\n\n</details>"


def sources(course=None):
    """Every lecture source of ``course`` (default: the repository's), in order:
    course/lectures/<name>.py."""
    return sorted((Path(course) / "lectures" if course else LECTURES).glob("*.py"))


# A link to a lecture whose text names sections: "[section 7 (recurrent layers)](...)".
SECTION_LINK = re.compile(r"\[([^\]]*\bsections?\b[^\]]*)\]\(((?:\.\./)+(?:course/)?lectures/"
                          r"(\w+)\.ipynb)\)")
SECTION_NUMBERS = re.compile(r"\b(sections?) (\d+(?:(?:, | and )\d+)*)")


def section_anchors(source):
    """{section number: its heading's anchor} of a lecture text source: the id Jupyter and
    nbconvert give a heading ("## 7. Recurrent layers" -> "7.-Recurrent-layers")."""
    anchors = {}
    for line in Path(source).read_text().splitlines():
        match = re.match(r"# #{1,3} (\d+)\. (.+)$", line)
        if match:
            anchors[match[1]] = f"{match[1]}. {match[2]}".replace("`", "").strip().replace(" ", "-")
    return anchors


def link_sections(text, lectures=LECTURES):
    """Make each section a link names open the lecture at that section: "[section 7 (RNNs)](L)"
    becomes "[section 7](L#7.-Recurrent-layers) (RNNs)", "sections 5 and 9" one link per
    number. A link naming a section the lecture does not have is left as it is."""
    def relink(match):
        words, href, name = match.groups()
        source = Path(lectures) / f"{name}.py"
        anchors = section_anchors(source) if source.is_file() else {}
        numbers = [n for m in SECTION_NUMBERS.finditer(words) for n in re.findall(r"\d+", m[2])]
        if not numbers or any(n not in anchors for n in numbers):
            return match.group(0)

        def one(m):
            if m[1] == "section":
                return f"[section {m[2]}]({href}#{anchors[m[2]]})"
            return m[1] + " " + re.sub(r"\d+", lambda d: f"[{d[0]}]({href}#{anchors[d[0]]})", m[2])
        return SECTION_NUMBERS.sub(one, words)
    return SECTION_LINK.sub(relink, text)


def notebook_path(source):
    return Path(source).with_suffix(".ipynb")


def _slide_type(kind, args, text):
    if args:
        if args[0] not in SLIDE_TYPES:
            raise ValueError(f"unknown slide type {args[0]!r}; use one of {sorted(SLIDE_TYPES)}")
        return args[0]
    if kind == "markdown":
        first = text.lstrip().split("\n", 1)[0]
        if first.startswith(("# ", "## ")):
            return "slide"
        if first.startswith("### "):
            return "subslide"
    return "-"


# How tall a slide's cells may be before the next one starts a sub-slide of its own (its
# layout in the static slides: lines of markdown and of code, in pixels), so a section
# fits on the screen instead of scrolling in front of the room.
SLIDE_BUDGET = 640
MARKDOWN_LINE, CODE_LINE, CELL_GAP, WRAP = 24, 19, 24, 110
SMALL = 120  # a cell this short stays with its slide (the budget leaves room for it)


def _height(kind, text):
    """A cell's estimated height on a slide, in pixels (folded answers and notes: none)."""
    if kind in ("answer", "notes"):
        return 0
    lines = sum(1 + len(line) // WRAP for line in text.splitlines()) or 1
    return CELL_GAP + lines * (CODE_LINE if kind == "code" else MARKDOWN_LINE)


def _split_tall_slides(cells, kinds):
    """Give a cell that would push its slide past :data:`SLIDE_BUDGET` a sub-slide of its own
    (a cell whose slide type was written in the source stays as written)."""
    used = 0
    for cell, (kind, written) in zip(cells, kinds):
        height = _height(kind, cell.source)
        shown = cell.metadata["slideshow"]["slide_type"]
        if shown in ("slide", "subslide"):
            used = height
        elif shown == "-" and not written and kind in ("markdown", "code") and used and \
                used + height > SLIDE_BUDGET + (SMALL if height <= SMALL else 0):
            cell.metadata["slideshow"]["slide_type"] = "subslide"
            used = height
        else:
            used += height


def build(source):
    """The lecture notebook for one text source, as an nbformat notebook (no outputs)."""
    cells, kinds = [], []
    for kind, args, body in parse(Path(source).read_text()):
        if kind == "markdown":
            text = markdown(body)
            cell = nbformat.v4.new_markdown_cell(text)
        elif kind == "code":
            text = body
            cell = nbformat.v4.new_code_cell(body)
        elif kind == "answer":
            text = ANSWER.format(markdown(body))
            cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": ["answer"]})
            args = args or ["fragment"]
        elif kind == "notes":
            text = "**Speaker notes.** " + markdown(body)
            cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": ["notes"]})
            args = ["notes"]
        else:
            raise ValueError(f"{source}: unknown cell kind {kind!r} (markdown, code, answer, notes)")
        if not text.strip():
            raise ValueError(f"{source}: empty {kind} cell")
        cell.metadata["slideshow"] = {"slide_type": _slide_type(kind, args, text)}
        cells.append(cell)
        kinds.append((kind, bool(args) and kind in ("markdown", "code")))
    _split_tall_slides(cells, kinds)
    nb = finish(cells)
    nb.metadata["rise"] = RISE
    return nb


def build_all(write=True, course=None):
    """Build every lecture notebook; return the paths that changed (or would change)."""
    changed = []
    for source in sources(course):
        target, text = notebook_path(source), render(build(source))
        if not target.exists() or target.read_text() != text:
            changed.append(target)
            if write:
                target.write_text(text)
    return changed


class DropStderr(Preprocessor):
    """Leave stderr streams (TensorFlow's CUDA and absl lines, warnings) off the slides.

    They are the kernel's log, not the lecture: on a slide they are a red box of noise.
    The notebook itself keeps them.
    """

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs
                            if not (o.output_type == "stream" and o.get("name") == "stderr")]
        return cell, resources


class Relink(Preprocessor):
    """Keep the lecture's relative links (to the assignments) working from the slides folder.

    They are written relative to the notebook's folder; the slides live elsewhere
    (``lectures-build/``), so each is rewritten relative to ``target``.
    """
    source = Unicode("", help="folder the links are relative to (the notebook's)").tag(config=True)
    target = Unicode("", help="folder of the slides").tag(config=True)
    LINK = re.compile(r"\]\((?![a-z][a-z0-9+.-]*:|#|/)([^)\s#]+)(#[^)\s]*)?\)", re.I)

    def _move(self, match):
        path = os.path.relpath(os.path.join(self.source, match.group(1)), self.target)
        return f"]({Path(path).as_posix()}{match.group(2) or ''})"

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown" and self.source and self.target:
            cell.source = self.LINK.sub(self._move, cell.source)
        return cell, resources


def _package_dir(name):
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"{name} is not installed; it is a dependency of the course: "
                         "run `make setup` (or `pip install -e .`)")
    return Path(spec.submodule_search_locations[0])


def copy_assets(out):
    """Copy reveal.js and MathJax from their installed wheels into ``out/assets``.

    Returns (reveal_prefix, mathjax_url), both relative to ``out``.
    """
    reveal = _package_dir("sphinx_revealjs") / "_static" / "revealjs"
    mathjax = _package_dir("jupyter_server_mathjax") / "static"
    needed = [reveal / "dist" / "reveal.js", reveal / "plugin" / "notes" / "notes.js",
              mathjax / "MathJax.js", mathjax / "config" / f"{MATHJAX_CONFIG}.js"]
    missing = [str(p) for p in needed if not p.is_file()]
    if missing:  # a new release of either wheel moved its files
        raise SystemExit(f"slide assets not where expected: {missing}")
    dest = Path(out) / ASSETS
    for part in ("dist", "plugin/notes"):
        shutil.copytree(reveal / part, dest / "reveal.js" / part, dirs_exist_ok=True)
    # MathJax's own English strings are built in: the other 2 MB of translations stay behind
    skip = shutil.ignore_patterns("localization")
    shutil.copytree(mathjax, dest / "mathjax", dirs_exist_ok=True, ignore=skip)
    return f"{ASSETS}/reveal.js", f"{ASSETS}/mathjax/MathJax.js?config={MATHJAX_CONFIG}"


def convert(notebook, out, execute=True, reveal_prefix=None):
    """One notebook to ``out/<name>.slides.html``, with its assets; return the HTML path.

    notebook: path of an .ipynb; out: folder (created); execute: run the code first so
    plots appear; reveal_prefix: where reveal.js is loaded from (default: the copy in
    ``out/assets``, which works offline).
    """
    notebook, out = Path(notebook), Path(out)
    out.mkdir(parents=True, exist_ok=True)
    local_reveal, mathjax_url = copy_assets(out)
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    cmd = [sys.executable, "-m", "jupyter", "nbconvert", "--to", "slides",
           "--output-dir", str(out.resolve()), f"--template-file={TEMPLATE}",
           f"--SlidesExporter.reveal_url_prefix={reveal_prefix or local_reveal}",
           f"--SlidesExporter.mathjax_url={mathjax_url}",
           "--SlidesExporter.reveal_theme=white",  # its fonts ship with reveal.js; simple's are Google's
           f"--SlidesExporter.reveal_width={SLIDE[0]}", f"--SlidesExporter.reveal_height={SLIDE[1]}",
           "--SlidesExporter.preprocessors=['autograder_instructor.lectures.DropStderr',"
           "'autograder_instructor.lectures.Relink']",
           f"--Relink.source={notebook.parent.resolve()}", f"--Relink.target={out.resolve()}"]
    if execute:  # run the code live so plots and the learning curve appear on the slides
        cmd += ["--execute", "--ExecutePreprocessor.timeout=300"]
    proc = subprocess.run(cmd + [str(notebook.resolve())], cwd=notebook.parent, env=env,
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"nbconvert failed on {notebook.name}:\n{proc.stderr[-3000:]}")
    return out / (notebook.stem + ".slides.html")


def slides(names=None, out=SLIDES_OUT, execute=True, reveal_prefix=None, course=None):
    """Convert the lecture notebooks to reveal.js slides in ``out``; return the HTML paths."""
    notebooks = [notebook_path(s) for s in sources(course)
                 if not names or s.stem in names or notebook_path(s).name in names]
    if names and not notebooks:
        raise SystemExit(f"no lecture named {names}; lectures: {[s.stem for s in sources(course)]}")
    return [convert(nb, out, execute=execute, reveal_prefix=reveal_prefix) for nb in notebooks]


def _lectures(args):
    from .release import chosen_course
    course = chosen_course(args)
    changed = build_all(write=not args.check, course=course)
    for path in changed:
        print(("out of date: " if args.check else "wrote ") + str(path.relative_to(course.parent)))
    if not changed:
        print("lecture notebooks are up to date")
    return 1 if (args.check and changed) else 0


def _slides(args):
    from .release import chosen_course
    course = chosen_course(args)
    out = Path(args.out) if args.out else course.parent / SLIDES_OUT.name  # beside the course
    for path in slides(args.lectures or None, out, execute=not args.no_execute,
                       reveal_prefix=args.reveal_prefix, course=course):
        print(f"wrote {path}")
    where = args.reveal_prefix or f"{ASSETS}/ beside it; the folder works offline, from file://"
    print(f"open it in a browser; press s for the speaker notes, Esc for the overview "
          f"(reveal.js is loaded from {where})")
    return 0


def add_parser(sub):
    from .release import add_course_option
    p = sub.add_parser("lectures", help="build course/lectures/*.ipynb from their text sources",
                       description="Rebuild the lecture notebooks (without outputs) from their "
                                   "text sources course/lectures/<name>.py.")
    p.add_argument("--check", action="store_true", help="write nothing; exit 1 if a notebook is out of date")
    add_course_option(p)
    p.set_defaults(handler=_lectures)

    p = sub.add_parser("slides", help="turn the lecture notebooks into reveal.js slides (lectures-build/)",
                       description="Run `jupyter nbconvert --to slides` on the lecture notebooks, "
                                   "executing them first so that plots appear, into lectures-build/ "
                                   "(never committed). The folder is self-contained: reveal.js "
                                   "and MathJax are copied into it, so it works offline.")
    p.add_argument("lectures", nargs="*", help="lecture names, e.g. rnn_lecture (default: all)")
    p.add_argument("--out", help="output folder (default: lectures-build/ beside the course)")
    p.add_argument("--no-execute", action="store_true",
                   help="convert without running the code (fast; slides show no outputs)")
    p.add_argument("--reveal-prefix", metavar="URL",
                   help="where the slides load reveal.js from (default: the copy written to "
                        "assets/ in the output folder, which works without network)")
    add_course_option(p)
    p.set_defaults(handler=_slides)
