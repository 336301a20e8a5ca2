"""What a student reads from ``rnn-course-student check`` and ``rnn-course check``.

Each scenario is the 01_dense reference submission broken in one way a student
breaks it: an infinite loop, a syntax error, a function that raises, a wrong
function that another one calls. Both commands must name the cell and the line,
and still report every other function.
"""
import json
import re
import sys

import pytest

from autograder import selfcheck
from autograder_instructor.grading import check as grading_check

from .fixtures.grading_course import dense_course, fixture_paths  # noqa: F401 (a fixture)

REFERENCE = fixture_paths()["reference"]


def _variant(tmp_path, name, **cells):
    """The reference notebook with the cells defining the given names replaced."""
    nb = json.loads(REFERENCE.read_text())
    for func, source in cells.items():
        for cell in nb["cells"]:
            text = "".join(cell["source"])
            if cell["cell_type"] == "code" and re.search(rf"^def {func}\(", text, re.M):
                start = text.index(f"def {func}(")
                end = text.find("\ndef ", start + 1)
                end = len(text) if end < 0 else end + 1
                cell["source"] = text[:start] + source + text[end:]
                break
        else:
            raise AssertionError(f"no cell defines {func}")
    path = tmp_path / f"{name}.ipynb"
    path.write_text(json.dumps(nb))
    return path


def _student(path, *args):
    out = __import__("io").StringIO()
    timeout = float(args[1]) if args else selfcheck.TIMEOUT
    results = selfcheck.check_notebook(path, stream=out, timeout=timeout)
    return results, out.getvalue()


def _cli(path, timeout=60):
    out = __import__("io").StringIO()
    failed = grading_check.run(path, out=out, timeout=timeout)
    return failed, out.getvalue()


SYNTAX = '''def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True)
    return e / e.sum(axis=-1, keepdims=True)
'''
NOT_TRANSPOSED = '''def dense_forward(x, W, b, activation="linear"):
    functions = {"linear": lambda v: v, "sigmoid": sigmoid, "tanh": tanh,
                 "relu": relu, "softmax": softmax}
    z = x @ W + b
    y = functions[activation](z)
    return y, DenseCache(x, W, b, z, y, activation)
'''
WRONG_TANH = '''def tanh(z):
    return 0.5 * np.tanh(z)


'''


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_selfcheck_stops_an_infinite_loop_and_reports_everything_else(capsys):
    """rnn-course-student check used to hang forever on a loop: now the cell is named
    (number and first line) and the other functions are still checked, with the limit the
    command's --timeout gives."""
    assert selfcheck.main(["check", "--timeout", "5",
                           str(fixture_paths()["infinite-loop-top-level"])]) == 0
    out = capsys.readouterr().out
    assert re.search(r"code cell \d+ ran past 5 s and was stopped .*`while True:`", out), out
    assert "6 of 6 functions pass" in out, out
    results, out = _student(fixture_paths()["infinite-loop"], "--timeout", "5")
    assert "FAIL dense_backward: its visible checks ran past 5 s" in out
    assert sum(results.values()) == 5 and "5 of 6 functions pass" in out


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_check_command_stops_a_loop_and_still_reports_per_function():
    """rnn-course check used to print only "ran past 60 s": now the cell (number, first line)
    and every function's result, with the limit from --timeout."""
    failed, out = _cli(fixture_paths()["infinite-loop-top-level"], timeout=5)
    assert failed == 0 and re.search(r"cell \d+ ran past 5 s .*`while True:`", out), out
    assert "6 of 6 functions pass" in out
    failed, out = _cli(fixture_paths()["infinite-loop"], timeout=5)
    assert failed == 1 and "dense_backward: its visible checks ran past 5 s" in out
    assert "dense_forward: all 3 checks passed" in out and "5 of 6 functions pass" in out


def test_check_command_has_a_timeout_option():
    from autograder_instructor.cli import parser
    args = parser().parse_args(["check", "x.ipynb", "--timeout", "7"])
    assert args.timeout == 7


@pytest.mark.parametrize("runner", ["student", "cli"])
def test_a_syntax_error_is_a_failed_function_not_a_missing_one(tmp_path, runner):
    """softmax's cell does not parse: it is reported as failed, with the error and its line,
    and counted among the six functions ("4 of 6": dense_forward, which calls softmax,
    fails too), not dropped ("4 of 5")."""
    path = _variant(tmp_path, "syntax", softmax=SYNTAX)
    if runner == "student":
        results, out = _student(path)
        assert results["softmax"] is False and "FAIL softmax: not checked" in out
    else:
        failed, out = _cli(path)
        assert failed == 2 and "softmax: not checked" in out
    assert re.search(r"SyntaxError at line 2: .*`e = np.exp\(z - z.max", out), out
    # dense_forward calls softmax, which was never defined: fix softmax first
    assert "dense_forward calls softmax, which fails its own checks: fix softmax first" in out
    assert "4 of 6 functions pass" in out


@pytest.mark.parametrize("runner", ["student", "cli"])
def test_a_raising_function_shows_the_students_own_line_and_a_hint(tmp_path, runner):
    """x @ W instead of x @ W.T: the message quotes the student's line (not NumPy's) and
    recognises the matmul shape error."""
    path = _variant(tmp_path, "not-transposed", dense_forward=NOT_TRANSPOSED)
    out = _student(path)[1] if runner == "student" else _cli(path)[1]
    report = out[out.index("dense_forward"):]
    assert re.search(r"in dense_forward, line 4 of (code )?cell \d+: `z = x @ W \+ b`", report), out
    assert "did you use W where W.T is needed? W has shape (out, in)" in report


@pytest.mark.parametrize("runner", ["student", "cli"])
def test_a_failing_callee_is_named_first(tmp_path, runner):
    """dense_forward is right but calls a wrong tanh: say to fix tanh first."""
    path = _variant(tmp_path, "wrong-tanh", tanh=WRONG_TANH)
    out = _student(path)[1] if runner == "student" else _cli(path)[1]
    assert "dense_forward calls tanh, which fails its own checks: fix tanh first" in out, out
    assert "dense_backward calls" not in out  # it fails for no other function's sake


def test_check_in_a_notebook_names_the_failing_callee_and_gives_the_matmul_hint(tmp_path):
    """check(f) itself (the same machinery as the commands)."""
    from autograder.visible import CheckFailed, check
    ns = {}
    exec(compile("import numpy as np\nfrom autograder.caches import DenseCache\n"
                 "from autograder.visible import check\n"
                 "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
                 "relu = softmax = sigmoid\n"
                 + WRONG_TANH + NOT_TRANSPOSED.replace("x @ W + b", "x @ W.T + b"),
                 "<cell 3>", "exec"), ns)
    with pytest.raises(CheckFailed, match="fix tanh first"):
        exec("check(dense_forward)", ns)
    with pytest.raises(CheckFailed, match=r"did you use W where W.T is needed"):
        exec(compile(NOT_TRANSPOSED, "/tmp/ipykernel_123/456.py", "exec"), ns)
        exec("check(dense_forward)", ns)
    assert check  # imported as the notebooks do


# ---- without Keras: one kind message, then one line per skipped cell ----------------------

KERAS_NOTEBOOKS = ["01_dense", "02_learning", "03_rnn", "04_bptt", "05_embeddings_optimizers",
                   "07_gated", "08_cnn_tagging"]


def _without_keras(monkeypatch):
    """Imports of keras and tensorflow fail as they do where the [keras] extra is missing."""
    import autograder.visible as V
    for name in ("keras", "tensorflow"):
        monkeypatch.setitem(sys.modules, name, None)  # `import keras` raises ModuleNotFoundError
    monkeypatch.setattr(V, "_KERAS_MISSING", [])


def test_require_keras_says_once_what_to_install(monkeypatch, capsys):
    from autograder.visible import require_keras
    _without_keras(monkeypatch)
    assert require_keras() is False and require_keras() is False
    out = capsys.readouterr().out.strip().splitlines()
    assert re.search(r"(keras|tensorflow) is not installed", out[0]) and "check() and grading do not need Keras" in out[1]
    assert "pip install" in out[2]
    assert out[3] == "(skipped: this cell compares with Keras, which is not installed; see above)"


def test_require_keras_is_true_with_keras():
    from autograder.visible import require_keras
    pytest.importorskip("keras")
    assert require_keras() is True


@pytest.mark.parametrize("assignment", KERAS_NOTEBOOKS)
def test_keras_cells_of_the_notebooks_skip_kindly_without_keras(assignment, monkeypatch, capsys,
                                                                tmp_path):
    """Every cell that uses Keras asks require_keras() first: run each such cell of the
    source notebook (answers filled, demos on) without Keras: no ModuleNotFoundError, no
    NameError, the install message once and one line for each later cell."""
    from autograder_instructor.build import ROOT
    _without_keras(monkeypatch)
    path = next((ROOT / "course" / "source" / assignment).glob("*.ipynb"))
    cells = [("".join(c["source"]), c) for c in json.loads(path.read_text())["cells"]
             if c["cell_type"] == "code"]
    nbgrader = lambda c: c["metadata"].get("nbgrader", {})  # noqa: E731
    uses = [src for src, c in cells if re.search(r"\b(keras|tf)\.", src)
            and not nbgrader(c).get("solution") and not nbgrader(c).get("grade")]
    assert uses, "the notebook has no Keras comparison"
    for src in uses:
        assert "require_keras()" in src.split("\n", 1)[0], f"{src[:80]!r} does not ask first"
    ns = {"__name__": "__main__"}
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    setup = next(src for src, c in cells if "GRADING = " in src)
    exec(setup, ns)
    assert ns["GRADING"] is False
    for src in uses:
        exec(src, ns)  # the body is skipped, so the functions it would call are not needed
    out = capsys.readouterr().out
    assert out.count("pip install") == 1
    assert out.count("(skipped: this cell compares with Keras") == len(uses) - 1


def test_the_sentiment_setup_stops_once_and_kindly_without_keras(monkeypatch):
    """06 grades a Keras model, so it cannot skip Keras: without it, does its setup cell stop
    with one message that says what Keras is needed for and how to install it (and not
    with a ModuleNotFoundError, then NameErrors further down)?"""
    from autograder_instructor.build import ROOT
    from autograder.visible import KerasRequired
    _without_keras(monkeypatch)
    path = ROOT / "course" / "source" / "06_sentiment" / "sentiment.ipynb"
    setup = next("".join(c["source"]) for c in json.loads(path.read_text())["cells"]
                 if c["cell_type"] == "code" and "GRADING = " in "".join(c["source"]))
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    ns = {"__name__": "__main__"}
    with pytest.raises(KerasRequired) as info:
        exec(setup, ns)
    message = str(info.value)
    assert "needs Keras for padding the reviews and build_keras_model" in message
    assert re.search(r"(keras|tensorflow) is not installed", message) and "pip install" in message
    assert "np" in ns and "check" in ns  # the NumPy parts were set up before it stopped


# ---- caches: their type and fields are checked where the next assignment reads them ------

PLAIN_TUPLE_STEP = '''def rnn_step_forward(x_t, h_prev, W, b):
    h_next = np.tanh(np.concatenate([h_prev, x_t], axis=1) @ W.T + b)
    return h_next, (x_t, h_prev, W, b)
'''


def test_a_plain_tuple_cache_fails_check_and_the_grade_cell():
    """The issue's case: a plain tuple missing h_next used to pass check() and was never
    graded. The reference still passes both."""
    import solutions.rnn as R
    from autograder_instructor.hidden import run_test
    from autograder.visible import CheckFailed, check
    ns = dict(vars(R))
    exec("import numpy as np\n" + PLAIN_TUPLE_STEP, ns)
    with pytest.raises(CheckFailed, match=r"cache should be the provided NamedTuple RNNStepCache, "
                                          r"got a plain tuple of 4 items"):
        check(ns["rnn_step_forward"])
    outcomes, report = run_test("rnn_step_forward_tests", ns)
    assert not all(o.passed for o in outcomes) and "RNNStepCache" in report
    ref = dict(vars(R))
    assert all(o.passed for o in run_test("rnn_step_forward_tests", ref)[0])
    assert all(o.passed for o in run_test("rnn_forward_tests", ref)[0])


def test_grade_feedback_names_the_line_and_the_callee(dense_course, tmp_path):
    """rnn-course grade: the feedback of a raising function quotes the student's line (cell
    and line), and a function failing because of a failing callee says which to fix first."""
    from autograder_instructor.grading import pipeline

    from .fixtures.grading_course import submitted
    subs = submitted(tmp_path / "submitted", {
        "ada": _variant(tmp_path, "ada", dense_forward=NOT_TRANSPOSED),
        "ben": _variant(tmp_path, "ben", tanh=WRONG_TANH)})
    ctx = pipeline.run(assignment="01_dense", submissions=subs, course=dense_course, jobs=1,
                       quiet=True)
    ada = (ctx["out"] / "feedback" / "ada.html").read_text()
    ben = (ctx["out"] / "feedback" / "ben.html").read_text()
    assert re.search(r"in dense_forward, line 4 of code cell \d+: `z = x @ W \+ b`", ada), ada
    assert "did you use W where W.T is needed" in ada
    assert "dense_forward calls tanh, which fails its own checks: fix tanh first" in ben


def test_grade_cell_message_names_the_failing_callee():
    """Under plain nbgrader the grade cell's CheckFailed says which function to fix first."""
    import solutions.dense as D
    from autograder_instructor.hidden import run_test
    ns = dict(vars(D))
    exec("import numpy as np\n" + WRONG_TANH, ns)
    # the reference dense_forward looks tanh up in the namespace it was defined in, so
    # use a copy of it that reads this one
    exec(NOT_TRANSPOSED.replace("x @ W + b", "x @ W.T + b"), ns)
    outcomes, report = run_test("dense_forward_tests", ns)
    assert not all(o.passed for o in outcomes)
    assert "dense_forward calls tanh, which fails its own checks: fix tanh first" in report
    outcomes, report = run_test("dense_forward_tests", dict(vars(D)))
    assert all(o.passed for o in outcomes) and "fix" not in report


def test_check_in_a_real_jupyter_kernel_quotes_the_students_line():
    """IPython names cells /tmp/ipykernel_<pid>/<hash>.py: check(f) in a live kernel finds the
    student's frame by that name and quotes its line (a change in IPython would show here)."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(
                    "import numpy as np\nfrom autograder.caches import DenseCache\n"
                    "from autograder.visible import check\n"
                    "def sigmoid(z):\n    return 1 / (1 + np.exp(-z))\n"
                    "def tanh(z):\n    return np.tanh(z)\nrelu = softmax = sigmoid"),
                nbformat.v4.new_code_cell(NOT_TRANSPOSED),
                nbformat.v4.new_code_cell("check(dense_forward)")]
    nbclient.NotebookClient(nb, kernel_name="python3", allow_errors=True, timeout=120).execute()
    error = next(o for o in nb.cells[2].outputs if o.get("output_type") == "error")
    assert error["ename"] == "CheckFailed"
    assert "(in dense_forward, line 4 of its cell: `z = x @ W + b`)" in error["evalue"]
    assert "did you use W where W.T is needed" in error["evalue"]


def test_a_solved_06_without_keras_says_once_what_needs_it(tmp_path, monkeypatch):
    """Checked where Keras cannot be imported, does a solved 06 say once that it needs Keras
    (and what to install), count the cells that then stopped in that one note instead of a
    NameError each, report build_keras_model as not checked for want of Keras, and still
    check every NumPy function?"""
    from autograder_instructor.build import ROOT
    from autograder_instructor.submissions import fill
    import nbformat
    for name in ("keras", "tensorflow"):  # as if neither were installed
        monkeypatch.setitem(sys.modules, name, None)
    released = ROOT / "assignments" / "06_sentiment" / "sentiment.ipynb"
    path = tmp_path / "sentiment.ipynb"
    nbformat.write(fill(released, ROOT / "course" / "source" / "06_sentiment" / "sentiment.ipynb"),
                   path)
    results, text = _student(path)
    assert text.count("needs Keras") == 1 and "pip install" in text, text
    assert "NameError" not in text, text
    assert "stopped at names it would have defined" in text
    assert "FAIL build_keras_model: not checked: Keras is not installed here" in text, text
    assert text.startswith("note: code cell 3: this notebook needs Keras for"), text
    assert results.pop("build_keras_model") is False
    assert results and all(results.values()), text


def test_the_summary_gives_the_time_the_guide_shows(tmp_path):
    """Does the student check end as the student guide shows: "N of M functions pass their
    visible checks (S s)", with a measured time?"""
    _, text = _student(REFERENCE)
    last = text.strip().splitlines()[-1]
    assert re.fullmatch(r".*: 6 of 6 functions pass their visible checks \(\d+\.\d s\)", last), last


def test_student_help_has_no_markup():
    """Does `rnn-course-student --help` read as plain text, with no RST double backticks?"""
    import contextlib
    import io
    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit):
        selfcheck.main(["--help"])
    assert "rnn-course-student check NOTEBOOK" in out.getvalue()
    assert "``" not in out.getvalue()
