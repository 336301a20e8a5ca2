"""Regenerate the guides' screenshots from real runs (not part of the tests).

    python docs/images/make_screenshots.py [--work DIR]

1. ``rnn-course demo`` releases 01_dense and submits three students (ada: the
   reference, ben: no bias in dense_forward and an overflowing softmax, cai: the stub).
2. ben's notebook is executed as a student would run it; a few of its cells (a passing
   visible check, the buggy dense_forward and its failing check) are rendered to HTML
   by nbconvert and captured with headless Chromium -> ``check-output.png``.
3. ``rnn-course grade 01_dense`` grades the three submissions; its terminal output is
   drawn by matplotlib -> ``grading-summary.png``.

Needs the project's environment and the ``chromium`` browser (Debian package
``chromium``) for step 2 only.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import nbformat  # noqa: E402
from nbclient import NotebookClient  # noqa: E402
from nbconvert import HTMLExporter  # noqa: E402

HERE = Path(__file__).resolve().parent
ENV = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", TF_ENABLE_ONEDNN_OPTS="0", MPLBACKEND="Agg")
ENV["PATH"] = os.path.dirname(sys.executable) + os.pathsep + ENV.get("PATH", "")


def run(*cmd, cwd=None):
    proc = subprocess.run(cmd, cwd=cwd, env=ENV, capture_output=True, text=True)
    if proc.returncode:
        raise SystemExit(f"{' '.join(cmd)} failed:\n{proc.stdout}\n{proc.stderr}")
    return proc.stdout


def crop(png, margin=12, background="white"):
    """Trim the empty space below and right of the content."""
    from PIL import Image, ImageChops
    image = Image.open(png).convert("RGB")
    box = ImageChops.difference(image, Image.new("RGB", image.size, background)).getbbox()
    if box:
        image.crop((0, 0, min(image.width, box[2] + margin), min(image.height, box[3] + margin))).save(png)


def check_output(course, work):
    """A student's notebook after running its visible checks, as a browser shows it."""
    nb = nbformat.read(course / "submitted" / "ben" / "01_dense" / "dense.ipynb", as_version=4)
    NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                   resources={"metadata": {"path": str(work)}}).execute()
    wanted = []
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.source.startswith("check(sigmoid)") or cell.source.startswith("check(dense_forward)"):
            wanted.append(i)
        if cell.source.startswith("def dense_forward"):
            wanted.append(i)
    shown = nbformat.v4.new_notebook(cells=[nb.cells[i] for i in sorted(wanted)],
                                     metadata=nb.metadata)
    html = HTMLExporter(template_name="lab").from_notebook_node(shown)[0]
    page = work / "check-output.html"
    page.write_text(html)
    target = HERE / "check-output.png"
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        raise SystemExit("install the chromium browser (apt-get install chromium) for this step")
    run(browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
        "--force-device-scale-factor=1", "--window-size=1100,1400",
        f"--screenshot={target}", page.as_uri())
    crop(target)
    return target


def terminal(text, target, title):
    lines = text.rstrip("\n").splitlines()
    fig = plt.figure(figsize=(9.5, 0.22 * len(lines) + 0.6))
    fig.patch.set_facecolor("#1e1e1e")
    fig.text(0.015, 1 - 0.1 / fig.get_figheight(), title, color="#8ec07c", family="monospace",
             fontsize=10, va="top")
    fig.text(0.015, 1 - 0.4 / fig.get_figheight(), "\n".join(lines), color="#e6e6e6",
             family="monospace", fontsize=10, va="top", linespacing=1.25)
    fig.savefig(target, dpi=110, facecolor=fig.get_facecolor())
    plt.close(fig)
    crop(target, margin=16, background="#1e1e1e")
    return target


def grading_summary(course, work):
    out = run(sys.executable, "-m", "autograder_instructor.cli", "grade", "01_dense", "submitted",
              "--course", str(course), "--out", str(work / "grading"), "--force", "--quiet",
              cwd=course)
    return terminal(out, HERE / "grading-summary.png",
                    "$ rnn-course grade 01_dense submitted   # in the course folder")


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--work", help="scratch folder (default: a new temporary one)")
    args = p.parse_args()
    work = Path(args.work or tempfile.mkdtemp(prefix="rnn-course-shots-")).resolve()
    work.mkdir(parents=True, exist_ok=True)
    run(sys.executable, "-m", "autograder_instructor.cli", "demo", "--out", str(work))
    course = work / "course"
    print("wrote", check_output(course, work))
    print("wrote", grading_summary(course, work))


if __name__ == "__main__":
    main()
