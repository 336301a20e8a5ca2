"""What must never be in a student bundle, and a scan that finds it anywhere inside one.

:func:`secrets` collects the answers and hidden tests of the course; :func:`audit`
opens every file of a folder and every archive member inside it and reports each
place one of them appears, as text, as Python code or as binary data.
"""
import ast
import io
import json
import pkgutil
import re
import tarfile
import tokenize
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import layout

from autograder import visible_files
from .build import parse_code
from .keras_values import KERAS_DATA
from .student_blocks import PACKAGE, ROOT, BundleError, solution_modules

SOURCE = ROOT / "course" / "source"
AUTHORING = ROOT / "course" / "authoring"
MIN_BODY_CHARS = 40  # shorter reference bodies (``return sigmoid(z)``) are too generic to scan for
MIN_LINE_CHARS = 30  # same for lines of the suites
MIN_ARRAY_SIZE = 3  # hidden arrays with fewer entries, or fewer distinct values, are not scanned
MIN_INT_ARRAY_SIZE, MIN_INT_DISTINCT = 6, 4  # the same for integer arrays ([5, 1, 3] is anywhere)


# ---- what must never be in a bundle ----------------------------------------------------------

def _norm(text):
    return " ".join(text.split())


def _body(node):
    body = node.body
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    return body


def _body_text(lines, body):
    return _norm("\n".join(lines[body[0].lineno - 1:body[-1].end_lineno])[body[0].col_offset:])


def _body_dump(body):
    return ast.dump(ast.Module(body=list(body), type_ignores=[]))


@dataclass
class Secrets:
    """Everything that answers or grades: what :func:`audit` looks for."""

    bodies: list = field(default_factory=list)  # (label, normalised body text)
    dumps: dict = field(default_factory=dict)  # body AST dump -> label
    texts: list = field(default_factory=list)  # (label, normalised hidden test text)
    arrays: list = field(default_factory=list)  # (label, ndarray)
    skipped: list = field(default_factory=list)  # what is too small or generic to look for
    released: list = field(default_factory=list)  # (label, body text) of released blocks
    published: list = field(default_factory=list)  # hidden values a suite's VISIBLE cases hold


def _definitions(path):
    """(qualified name, body) of every function and class in a file, methods included."""
    tree = ast.parse(Path(path).read_text())
    found = []

    def visit(nodes, prefix):
        for node in nodes:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                body = _body(node)
                if body:
                    found.append((prefix + node.name, body))
                if isinstance(node, ast.ClassDef):
                    visit(node.body, prefix + node.name + ".")
    visit(tree.body, "")
    return found


def _code_lines(path):
    """Normalised lines of a file that hold code (not only strings, comments or brackets)."""
    text = Path(path).read_text()
    code = set()
    for tok in tokenize.generate_tokens(io.StringIO(text).readline):
        if tok.type in (tokenize.NAME, tokenize.NUMBER) or (
                tok.type == tokenize.OP and tok.string not in "()[]{},:"):
            code.add(tok.start[0])
    lines = text.splitlines()
    return [(n, _norm(lines[n - 1])) for n in sorted(code)]


def _significant_digits(v):
    mantissa = repr(abs(float(v))).split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


def _distinctive(value):
    """Whether an array is worth looking for: it cannot turn up in a bundle by chance.

    Floats: three or more entries with three or more distinct values, or (for a hidden
    loss, a norm) floats that each carry at least 8 significant digits. Integers: six
    or more entries with four or more distinct values. Never a sequence with a
    constant step.
    """
    if not isinstance(value, np.ndarray) or value.dtype.kind not in "fiub" or value.size == 0:
        return False
    flat = value.ravel().astype(np.float64)
    steps = np.diff(flat)
    if flat.size >= MIN_ARRAY_SIZE and np.all(steps == steps[0]):
        return False  # a constant step (0, 1, ..., 9; a linspace) can turn up anywhere
    if value.dtype.kind in "iub":  # small integers fill any text: ask for more of them
        return value.size >= MIN_INT_ARRAY_SIZE and len(np.unique(value)) >= MIN_INT_DISTINCT
    if value.size >= MIN_ARRAY_SIZE and len(np.unique(value)) >= MIN_ARRAY_SIZE:
        return True
    return value.dtype.kind == "f" and all(np.isfinite(v) and _significant_digits(v) >= 8
                                           for v in value.ravel())


def secrets(release=(), modules=None):
    """Collect the answers and hidden tests of the course, for :func:`audit`.

    - every body of a function, class and method in ``solutions/`` (except those of
      the released blocks, which the bundle holds on purpose) and in
      ``autograder_instructor/mutants``, as whitespace-normalised text and as an AST;
    - the text of every HIDDEN TESTS region, solution region and model answer
      (a manually graded cell's text) of the instructor notebooks, and every code
      line of ``autograder_instructor/suites`` that the notebooks' authoring specs do not also
      hold (a data generator shared by a notebook and its checks is public);
    - every array of the Keras golden files and every expected array of every
      hidden case.
    A Keras golden array that a suite's visible case also holds (the visible check's
    own golden inputs and outputs) is published on purpose by the suite's author: it is
    listed in ``published`` and not treated as a leak. A hidden case's expected value
    never is: a visible case that repeats a hidden one is a leak (give the visible check
    its own inputs). The bundle's visible files must equal the repository's (the bundle
    tests check that).
    Bodies under MIN_BODY_CHARS characters, lines under MIN_LINE_CHARS, and arrays
    that could turn up by chance (see :func:`_distinctive`: ``[0., 0., 0.]``, a loss
    of exactly 0.5) are too generic to be an answer (``return sigmoid(z)``); they
    are listed in ``skipped``.
    """
    import solutions
    from . import mutants, suites
    modules = solution_modules() if modules is None else modules
    released_modules = {m for a in release for m in modules.get(a, ())}
    found = Secrets()
    sources = [(f"solutions.{i.name}", Path(i.module_finder.path, f"{i.name}.py"))
               for i in pkgutil.iter_modules(solutions.__path__)]
    sources += [(f"autograder_instructor.mutants.{i.name}", Path(i.module_finder.path, f"{i.name}.py"))
                for i in pkgutil.iter_modules(mutants.__path__)]
    definitions = []
    for module, path in sources:
        lines = path.read_text().splitlines()
        for qualname, body in _definitions(path):
            label = f"body of {module}.{qualname}"
            text = _body_text(lines, body)
            if module in released_modules:
                found.released.append((label, text))
            else:
                definitions.append((label, text, body))
    shown = " ".join(text for _, text in found.released)
    for label, text, body in definitions:
        if len(text) < MIN_BODY_CHARS:
            found.skipped.append(f"{label}: {text!r}")
        elif text in shown:  # a mistake that is a line of a released answer
            found.skipped.append(f"{label}: part of a released block")
        else:
            found.bodies.append((label, text))
            found.dumps[_body_dump(body)] = label
    # Suite lines the instructor also wrote into a notebook (a data generator shared by
    # the notebook and its checks) are public by design.
    public_text = _norm("\n".join([(PACKAGE / f"{m}.py").read_text()
                                   for m in layout.public_modules(PACKAGE)]
                                  + [p.read_text() for p in sorted(AUTHORING.glob("*/*.py"))]))
    folder = Path(suites.__file__).parent
    for path in sorted(folder.rglob("*.py")):  # every module, a suite's sub-package's too
        for number, line in _code_lines(path):
            if len(line) < MIN_LINE_CHARS or line in public_text:
                continue
            found.texts.append((f"line {number} of autograder_instructor/suites/"
                                f"{path.relative_to(folder).as_posix()}", line))
    for nb in sorted(SOURCE.glob("*/*.ipynb")):
        for cell in json.loads(nb.read_text())["cells"]:
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            for region in re.findall(r"### BEGIN HIDDEN TESTS(.*?)### END HIDDEN TESTS", source, re.S):
                found.texts.append((f"hidden tests of {nb.parent.name}/{nb.name}", _norm(region)))
            nbg = cell.get("metadata", {}).get("nbgrader", {})
            if not nbg.get("solution"):
                continue
            where = f"{nb.parent.name}/{nb.name} cell {nbg.get('grade_id')}"
            if cell["cell_type"] == "markdown":
                answer = _norm(source)
                if len(answer) >= MIN_BODY_CHARS:
                    found.texts.append((f"model answer of {where}", answer))
            if nb.parent.name in release:
                continue  # released blocks: the bundle holds these bodies on purpose
            for region in re.findall(r"### BEGIN SOLUTION(.*?)### END SOLUTION", source, re.S):
                if len(_norm(region)) >= MIN_BODY_CHARS:
                    found.texts.append((f"solution region of {where}", _norm(region)))
    visible = _visible_arrays()
    for path in sorted(KERAS_DATA.glob("keras_*.npz")):
        with np.load(path, allow_pickle=False) as f:
            for key in f.files:
                _add_array(found, f"{path.name}[{key}]", f[key], visible)
    for test in suites.all_tests().values():
        try:
            cases = test.hidden()
        except Exception as exc:
            raise BundleError(f"the hidden cases of {test.grade_id} cannot be built "
                              f"({type(exc).__name__}: {exc}); the audit needs every hidden value: "
                              f"fix the suite, or run `rnn-course golden` for its assignment") from exc
        for case in cases:
            for key, value in case.expected.items():
                # Strict: a hidden case's expected value is never published, even when a
                # visible case repeats it (give the visible check its own inputs instead).
                _add_array(found, f"expected {case.names.get(key, key)} of hidden case "
                                  f"{case.label!r} ({test.grade_id})", value)
    return found


def _array_key(value):
    return value.shape, tuple(float(v) for v in np.asarray(value, dtype=np.float64).ravel())


def _visible_arrays():
    """Keys of every array the repository's visible files hold (inputs, expected, hints).

    Those files are written from the suites' ``VISIBLE`` cases, which their authors
    publish on purpose: golden values of visible cases belong in the student package.
    """
    keys = set()
    for path in sorted(visible_files.DATA.glob("visible_*.json")):
        for entry in json.loads(path.read_text())["functions"].values():
            for data in entry["cases"]:
                case = visible_files.case_from_json(data)
                values = [*case.arrays.values(), *case.expected.values(),
                          *(v for _, wrong in case.hints for v in wrong.values())]
                keys.update(_array_key(v) for v in values if isinstance(v, np.ndarray))
    return keys


def _add_array(found, label, value, visible=frozenset()):
    if not _distinctive(value):
        if isinstance(value, np.ndarray):
            found.skipped.append(f"{label}: {value.size} entries")
    elif _array_key(value) in visible:
        found.published.append(label)
    else:
        found.arrays.append((label, np.asarray(value)))


# ---- looking for them ------------------------------------------------------------------------

# What may never be in a bundle, derived from the one declaration in autograder_instructor.layout.
FORBIDDEN_PARTS = {"__pycache__", *layout.instructor_files()}
FORBIDDEN_NAMES = re.compile(r"(^keras_.*\.npz$|\.py[co]$)")
MARKERS = ("BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "END HIDDEN TESTS")
NUMBER = re.compile(rb"-?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|-?Infinity|NaN")


def _members(name, data):
    """(name, bytes) of the file itself and, recursively, of every archive member."""
    yield name, data
    lower = name.lower()
    try:
        if lower.endswith((".whl", ".zip", ".npz")) or data[:4] == b"PK\x03\x04":
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                for info in z.infolist():
                    if not info.is_dir():
                        yield from _members(f"{name}!{info.filename}", z.read(info))
        elif lower.endswith((".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tar.xz")):
            with tarfile.open(fileobj=io.BytesIO(data)) as t:
                for info in t.getmembers():
                    if info.isfile():
                        yield from _members(f"{name}!{info.name}", t.extractfile(info).read())
        elif lower.endswith(".gz"):
            import gzip
            yield from _members(f"{name}!{name[:-3]}", gzip.decompress(data))
    except (zipfile.BadZipFile, tarfile.TarError, OSError, EOFError):
        return


def _texts(name, data):
    """The text views of a file: itself, and for JSON/notebooks every string in it."""
    text = data.decode("utf-8", errors="ignore")
    views = [text]
    if name.endswith((".json", ".ipynb")):
        try:
            doc = json.loads(text)
        except ValueError:
            return views
        strings = []

        def walk(v):
            if isinstance(v, str):
                strings.append(v)
            elif isinstance(v, list):
                if v and all(isinstance(s, str) for s in v):
                    strings.append("".join(v))  # a notebook cell's source lines
                else:
                    for s in v:
                        walk(s)
            elif isinstance(v, dict):
                for s in v.values():
                    walk(s)
        walk(doc)
        views.append("\n".join(strings))
    return views


def _python_sources(name, views):
    """Python code in a file: a .py file, or each code cell of a notebook."""
    if name.endswith(".py"):
        return [views[0]]
    if name.endswith(".ipynb"):
        try:
            cells = json.loads(views[0])["cells"]
        except (ValueError, KeyError, TypeError):
            return []
        return ["".join(c["source"]) if isinstance(c["source"], list) else c["source"]
                for c in cells if c.get("cell_type") == "code"]
    return []


def _number_sequences(data):
    values = []
    for m in NUMBER.finditer(data):
        try:
            values.append(float(m.group()))
        except ValueError:
            pass
    return values


def _contains_sequence(haystack, index, needle):
    for start in index.get(needle[0], ()):
        if haystack[start:start + len(needle)] == needle:
            return True
    return False


def audit(root, found):
    """Every leak in the files under ``root`` (archives opened): a list of messages."""
    root = Path(root)
    leaks = []
    needles = []
    for label, arr in found.arrays:
        flat = arr.ravel()
        dtypes = ("<f8", "<f4") if flat.dtype.kind == "f" else ("<i8", "<i4", "<f8")
        # 4-byte copies of fewer than 3 numbers are too short to mean anything.
        raw = {flat.astype(dt).tobytes() for dt in dtypes if flat.size >= MIN_ARRAY_SIZE or dt == "<f8"}
        needles.append((label, [float(v) for v in flat], raw))
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        for name, data in _members(str(path.relative_to(root)), path.read_bytes()):
            parts = re.split(r"[/!\\]", name)
            if re.search(r"\.py[co]$", parts[-1]) or "__pycache__" in parts:
                leaks.append(f"{name}: a byte-compiled file (students get sources only)")
            elif FORBIDDEN_PARTS & set(parts) or FORBIDDEN_NAMES.search(parts[-1]):
                leaks.append(f"{name}: an instructor-only file")
            views = _texts(name, data)
            normalised = [_norm(v) for v in views]
            for marker in MARKERS:
                if any(marker in v for v in views):
                    leaks.append(f"{name}: holds the nbgrader marker {marker!r}")
            for label, text in found.bodies + found.texts:
                if any(text in v for v in normalised):
                    leaks.append(f"{name}: {label}")
            for source in _python_sources(name, views):
                try:
                    tree = parse_code(source)
                except SyntaxError:
                    continue
                for node in ast.walk(tree):
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        label = found.dumps.get(_body_dump(_body(node)))
                        if label:
                            leaks.append(f"{name}: {label} (as code, in {node.name})")
            numbers = _number_sequences(data)
            index = {}
            for i, v in enumerate(numbers):
                index.setdefault(v, []).append(i)
            for label, values, raw in needles:
                if any(r in data for r in raw):
                    leaks.append(f"{name}: {label} (as binary)")
                elif _contains_sequence(numbers, index, values):
                    leaks.append(f"{name}: {label} (as text)")
    return sorted(set(leaks))
