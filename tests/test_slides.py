"""The lecture slides work in a classroom without network: maths, layout, no log noise.

`rnn-course slides` writes a folder (HTML plus assets/ copied from installed wheels) that
must work from file:// with the network off. The static tests read the folder; the browser
tests open it in Debian's Chromium with the network off (tests/browser.py; they skip where
there is no browser) and keep a screenshot in the test's temporary folder.
"""
import re
import sys
from pathlib import Path
from urllib.parse import urlparse

import nbformat
import pytest

from autograder_instructor import lectures

from .browser import browser, jupyter_server  # noqa: F401  (browser is a fixture)

LECTURE = lectures.notebook_path(lectures.LECTURES / "rnn_lecture.py")


@pytest.fixture(scope="module")
def deck(tmp_path_factory):
    """The real lecture's slides, converted without running the code (fast)."""
    out = tmp_path_factory.mktemp("slides")
    return lectures.convert(LECTURE, out, execute=False)


@pytest.fixture(scope="module")
def noisy_deck(tmp_path_factory):
    """A small executed deck: maths, a tall and a wide code cell, output on stdout and stderr."""
    folder = tmp_path_factory.mktemp("noisy")
    tall = "\n".join(f"x{i} = {i}  # line {i}" for i in range(70))
    wide = "print('wide output ' + 'x' * 160)  # " + "a comment that runs far to the right " * 3
    cells = [
        nbformat.v4.new_markdown_cell("# Maths\n\n$$h_t = \\tanh(W [h_{t-1}; x_t] + b)$$\n\n"
                                      "[next to it](sub/a.ipynb#top), [the web](https://keras.io)"),
        nbformat.v4.new_code_cell("import sys\nprint('on stdout')\n"
                                  "print('E0000 cuda_platform.cc:52] failed call to cu' + 'Init', "
                                  "file=sys.stderr)"),
        nbformat.v4.new_code_cell(tall),
        nbformat.v4.new_code_cell(wide),
    ]
    for cell, kind in zip(cells, ["slide", "slide", "slide", "slide"]):
        cell.metadata["slideshow"] = {"slide_type": kind}
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    path = folder / "noisy.ipynb"
    nbformat.write(nb, path)
    return lectures.convert(path, folder / "out", execute=True)


def _links(html):
    """Every URL the page loads by itself: script and stylesheet sources."""
    return re.findall(r'<script[^>]+src="([^"]+)"', html) + \
        re.findall(r'<link[^>]+href="([^"]+)"', html)


def test_every_asset_is_in_the_folder(deck):
    """Does the deck load nothing from the network: every script and style sheet it names,
    and everything those style sheets import, is a file inside the slides folder?"""
    html = deck.read_text()
    links = _links(html)
    assert len(links) >= 5, links  # reveal.js, its notes plugin and CSS, theme, MathJax
    assert not [u for u in links if urlparse(u).scheme], f"loaded from the network: {links}"
    for url in links:
        assert (deck.parent / urlparse(url).path).is_file(), f"missing asset {url}"
    css = [deck.parent / urlparse(u).path for u in links if u.endswith(".css")]
    imports = [(c, i) for c in css for i in re.findall(r"@import url\(([^)]+)\)", c.read_text())]
    assert not [i for _, i in imports if urlparse(i.strip("'\"")).scheme], imports
    assert "type=\"module\"" not in html, "an ES module import (mermaid) from a CDN"
    assert "require(" not in html and "jquery" not in html.lower()


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_links_to_the_assignments_work_from_the_slides_folder(deck, noisy_deck):
    """Are the lecture's relative links rewritten so they reach the same files from the
    slides folder (the assignment notebooks), web links left alone?"""
    links = re.findall(r'<a href="([^"#]+\.ipynb)[^"]*"', deck.read_text())
    assert len(links) >= 6, links
    missing = [u for u in links if not (deck.parent / u).resolve().is_file()]
    assert not missing, f"dead links on the slides: {missing}"
    html = noisy_deck.read_text()
    assert 'href="../sub/a.ipynb#top"' in html and 'href="https://keras.io"' in html


def test_stderr_is_left_off_the_slides(noisy_deck):
    """Are the kernel's stderr lines (TensorFlow's CUDA log) kept off the slides, and stdout on?"""
    html = noisy_deck.read_text()
    assert "on stdout" in html
    assert "cuInit" not in html
    assert 'data-mime-type="application/vnd.jupyter.stderr"' not in html


def test_lecture_asks_tensorflow_for_quiet_logging():
    """Does the lecture's setup cell, before any TensorFlow import, silence its C++ errors?"""
    cells = [c.source for c in nbformat.read(LECTURE, as_version=4).cells if c.cell_type == "code"]
    setup = next(i for i, c in enumerate(cells) if "TF_CPP_MIN_LOG_LEVEL" in c)
    assert re.search(r'TF_CPP_MIN_LOG_LEVEL.{0,5}"3"', cells[setup])
    first_tf = next(i for i, c in enumerate(cells) if re.search(r"^import (tensorflow|keras)", c, re.M))
    assert setup < first_tf


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_command_says_the_folder_works_offline(tmp_path):
    """Does `rnn-course slides` write assets/ beside the HTML and say where reveal.js comes from?"""
    import subprocess
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "slides", "--no-execute",
                           "--out", str(tmp_path), "rnn_lecture"],
                          cwd=lectures.ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "offline" in proc.stdout
    assert (tmp_path / "assets" / "reveal.js" / "dist" / "reveal.js").is_file()
    assert (tmp_path / "assets" / "mathjax" / "MathJax.js").is_file()


# ---- in a browser, network off ---------------------------------------------------------

def _open(browser, deck):  # noqa: F811
    page = browser.open(deck.as_uri())
    page.wait_for("window.Reveal && Reveal.isReady()", what="reveal.js to start")
    page.script("Reveal.configure({transition: 'none'})")  # measure slides where they stop
    page.wait_for("window.MathJax && MathJax.isReady && MathJax.Hub.queue.pending === 0 "
                  "&& !MathJax.Hub.queue.running", what="MathJax to finish typesetting")
    return page


def _go_to(page, text):
    """Show the slide whose text contains `text`; return its indices."""
    where = page.script("var s = Reveal.getSlides().find(s => s.textContent.includes(arguments[0]));"
                        "if (!s) return null; var i = Reveal.getIndices(s);"
                        "Reveal.slide(i.h, i.v || 0); return i;", text)
    assert where is not None, f"no slide shows {text!r}"
    page.wait_for("MathJax.Hub.queue.pending === 0 && !MathJax.Hub.queue.running",
                  what="MathJax to lay out the slide")
    return where


def _ink(png):
    """How much of a screenshot is not background: a blank or unstyled page has little."""
    from PIL import Image
    image = Image.open(png).convert("L")
    return sum(1 for p in image.tobytes() if p < 128) / (image.width * image.height)


def test_maths_renders_offline(browser, deck, tmp_path):  # noqa: F811
    """With the network off, does the recurrence slide show typeset maths (MathJax's output,
    no processing errors), styled by reveal.js, with not one request off the machine?"""
    page = _open(browser, deck)
    _go_to(page, "The recurrence")
    shown = page.script("var s = Reveal.getCurrentSlide(); return {"
                        "jax: s.querySelectorAll('.MathJax, .MathJax_Display').length,"
                        "errors: s.querySelectorAll('.MathJax_Error, merror').length,"
                        "text: s.innerText, font: MathJax.OutputJax['HTML-CSS'].fontInUse,"
                        "width: s.getBoundingClientRect().width}")
    assert shown["jax"] >= 3, "no typeset maths on the slide"
    assert shown["errors"] == 0 and "Math Processing Error" not in shown["text"]
    assert "$" not in shown["text"], "raw TeX left on the slide"
    assert shown["font"] == "STIX-Web"
    assert shown["width"] > 600, "reveal.js did not lay the slide out"
    assert page.foreign_requests() == []
    missing = [e["message"] for e in page.console_errors()
               if "Failed to load resource" in e["message"] and "file:" in e["message"]]
    assert not missing, missing
    shot = page.screenshot(tmp_path / "recurrence.png")
    assert _ink(shot) > 0.005, f"the screenshot {shot} is nearly blank"


def _layout_problems(page):
    """For the shown slide: code cut at the right, or content cut at the bottom."""
    return page.script("""
        var s = Reveal.getCurrentSlide(), box = s.getBoundingClientRect(), out = [];
        var view = document.querySelector('.reveal').getBoundingClientRect();
        var scrollsY = ['auto', 'scroll'].includes(getComputedStyle(s).overflowY);
        if (s.scrollHeight > s.clientHeight + 2 && !scrollsY) out.push('taller than the slide');
        if (box.bottom > view.bottom + 2) out.push('slide runs below the window');
        s.querySelectorAll('pre').forEach(function (pre) {
            var r = pre.getBoundingClientRect();
            var scrollsX = ['auto', 'scroll'].includes(getComputedStyle(pre).overflowX);
            if (pre.scrollWidth > pre.clientWidth + 2 && !scrollsX) out.push('code cut: ' + pre.textContent.slice(0, 40));
            if (r.right > box.right + 2) out.push('code past the slide edge: ' + pre.textContent.slice(0, 40));
        });
        return out;""")


def test_code_fits_or_scrolls_on_every_slide(browser, deck):  # noqa: F811
    """On every slide of the lecture, is each code cell inside the slide, and is code or a
    slide that is too big for it scrollable rather than cut at the right or bottom?"""
    page = _open(browser, deck)
    slides = page.script("return Reveal.getSlides().map(s => Reveal.getIndices(s))")
    assert len(slides) >= 13
    problems = {}
    for i in slides:
        page.script("Reveal.slide(arguments[0], arguments[1])", i["h"], i["v"] or 0)
        found = _layout_problems(page)
        if found:
            problems[f"{i['h']}/{i['v'] or 0}"] = found
    assert not problems, problems


def test_every_slide_shows_all_its_code_without_scrolling(browser, deck):  # noqa: F811
    """Measured in the browser at a projector's 1280x800: on every slide of the lecture, is
    every line of code fully visible (no code cell cut at the right, nothing to scroll
    sideways), and does the slide fit the screen without scrolling down?"""
    page = _open(browser, deck)
    slides = page.script("return Reveal.getSlides().map(s => Reveal.getIndices(s))")
    overflow = {}
    for i in slides:
        page.script("Reveal.slide(arguments[0], arguments[1])", i["h"], i["v"] or 0)
        found = page.script("""
            var s = Reveal.getCurrentSlide(), out = [];
            if (s.scrollHeight > s.clientHeight + 2)
                out.push('scrolls down: ' + s.scrollHeight + ' > ' + s.clientHeight + ' px');
            s.querySelectorAll('pre').forEach(function (pre) {
                if (pre.scrollWidth > pre.clientWidth + 2)
                    out.push('code wider than its cell: ' + pre.textContent.slice(0, 40));
            });
            return out;""")
        if found:
            overflow[f"{i['h']}/{i['v'] or 0}"] = found
    assert len(slides) >= 16
    assert not overflow, overflow


def test_tall_and_wide_cells_scroll(browser, noisy_deck, tmp_path):  # noqa: F811
    """Does a 70-line cell scroll inside its slide, and a 200-character line wrap inside its
    cell, every character of it in sight?"""
    page = _open(browser, noisy_deck)
    _go_to(page, "line 69")
    assert not _layout_problems(page)
    assert page.script("var s = Reveal.getCurrentSlide(); return s.scrollHeight > s.clientHeight")
    _go_to(page, "wide output")
    assert not _layout_problems(page)
    assert page.script("return Array.from(Reveal.getCurrentSlide().querySelectorAll('pre'))"
                       ".every(p => p.scrollWidth <= p.clientWidth + 2)")
    page.screenshot(tmp_path / "wide.png")
    assert page.foreign_requests() == []


@pytest.mark.slow
def test_rise_presents_the_lecture_offline(browser, tmp_path):  # noqa: F811
    """Does RISE (jupyterlab-rise, the live slides inside Jupyter) show the lecture notebook
    as a reveal.js deck with typeset maths, loading nothing but the local server's files?"""
    import shutil
    shutil.copy(LECTURE, tmp_path / LECTURE.name)
    with jupyter_server(tmp_path) as url:
        page = browser.open(f"{url}/rise/{LECTURE.name}", offline=False)
        page.wait_for("document.querySelectorAll('.reveal .slides section').length >= 13",
                      timeout=90, what="RISE to build the slides")
        page.wait_for("document.querySelectorAll('.reveal mjx-container').length >= 10",
                      timeout=60, what="JupyterLab's MathJax to typeset the lecture")
        page.screenshot(tmp_path / "rise.png")
        assert page.foreign_requests() == []


def test_browser_tests_skip_with_a_reason_without_chromium(monkeypatch):
    """On a machine without Chromium, do browser tests skip and say what to install?"""
    from .browser import find_browser
    monkeypatch.setenv("CHROMIUM", "/nonexistent/chromium")
    found, reason = find_browser()
    assert found is None and "apt-get install chromium chromium-driver" in reason


def test_a_section_link_opens_the_lecture_at_that_section(browser, tmp_path):  # noqa: F811
    """Opened at the anchor an assignment links to, is the lecture (as nbconvert renders it)
    scrolled to that section's heading rather than shown from the top?"""
    from nbconvert import HTMLExporter
    body, _ = HTMLExporter().from_filename(str(LECTURE))
    page_path = tmp_path / "rnn_lecture.html"
    page_path.write_text(body)
    anchor = lectures.section_anchors(lectures.LECTURES / "rnn_lecture.py")["7"]
    page = browser.open(f"{page_path.as_uri()}#{anchor}")
    page.wait_for("document.readyState === 'complete'", what="the page to load")
    where = page.script("var h = document.getElementById(arguments[0]);"
                        "return {top: h.getBoundingClientRect().top, scrolled: window.scrollY,"
                        "text: h.textContent};", anchor)
    assert where["text"].startswith("7. Recurrent layers")
    assert where["scrolled"] > 1000 and abs(where["top"]) < 60, where
