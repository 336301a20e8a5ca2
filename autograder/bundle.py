"""``rnn-course bundle``: what an instructor hands to students, and nothing that answers.

A bundle is a folder::

    OUT/README.md                       what students do with it
    OUT/BUNDLE.json                     what is in it (assignments, released blocks, hashes)
    OUT/assignments/<id>/...            the released notebooks and their data files
    OUT/packages/<name>-<version>-py3-none-any.whl
                                        the student package: ``autograder`` with only the
                                        public modules (autograder.layout), the visible
                                        cases of the bundled assignments, the building
                                        blocks the instructor released, and the
                                        ``rnn-course-student`` command

The package is built from an allow-list (:mod:`autograder.layout`), never by
removing things from the instructor's package, and the finished bundle is audited
(:func:`audit`) for every reference body, hidden test text and hidden golden value
before the command reports success. ``autograder.blocks`` in the student package is
written here: standalone copies of the reference functions of the released
assignments only; any other block name fails with "not released yet".
"""
import ast
import hashlib
import importlib
import importlib.util
import io
import json
import os
import pkgutil
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tokenize
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from . import layout

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
ASSIGNMENTS = ROOT / "assignments"
SOURCE = ROOT / "course" / "source"
AUTHORING = ROOT / "course" / "authoring"
MANIFEST = "BUNDLE.json"
MIN_BODY_CHARS = 40  # shorter reference bodies (``return sigmoid(z)``) are too generic to scan for
MIN_LINE_CHARS = 30  # same for lines of the suites
MIN_ARRAY_SIZE = 3  # hidden arrays with fewer entries, or fewer distinct values, are not scanned
MIN_INT_ARRAY_SIZE, MIN_INT_DISTINCT = 6, 4  # the same for integer arrays ([5, 1, 3] is anywhere)


class BundleError(Exception):
    """The bundle cannot be built as asked; the message says what to do."""


# ---- what exists --------------------------------------------------------------------

def released_assignments():
    """Assignment ids with released notebooks in assignments/, in order."""
    if not ASSIGNMENTS.is_dir():
        return []
    return sorted(p.name for p in ASSIGNMENTS.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def solution_modules():
    """assignment -> tuple of reference module names (``solutions.dense``).

    Taken from each suite's ``SOLUTIONS``; a reference module no suite names yet
    is placed by the assignment id its docstring starts with (``"03_rnn: ..."``).
    """
    import solutions
    from .suites import modules
    found = {a: tuple(m.SOLUTIONS) for a, m in modules().items()}
    named = {name for names in found.values() for name in names}
    for info in pkgutil.iter_modules(solutions.__path__):
        name = f"solutions.{info.name}"
        if info.name.startswith("_") or name in named:
            continue
        doc = ast.get_docstring(ast.parse(Path(info.module_finder.path, f"{info.name}.py").read_text())) or ""
        m = re.match(r"(\d\d_\w+):", doc)
        if m:
            found[m.group(1)] = found.get(m.group(1), ()) + (name,)
    return dict(sorted(found.items()))


def _module_path(name):
    return Path(importlib.util.find_spec(name).origin)


# ---- autograder.blocks for students ------------------------------------------------------

@dataclass
class _Block:
    assignment: str
    module: str
    code: list = field(default_factory=list)  # source of definitions, in order
    names: list = field(default_factory=list)  # public names defined
    defined: list = field(default_factory=list)  # every name defined (with private helpers)
    imports: list = field(default_factory=list)  # import lines kept as they are
    caches: set = field(default_factory=set)
    needs: dict = field(default_factory=dict)  # name -> module it comes from


def _read_block(assignment, module):
    path = _module_path(module)
    text = path.read_text()
    lines = text.splitlines()
    block = _Block(assignment, module)
    public = set(layout.public_modules(PACKAGE))
    for i, node in enumerate(ast.parse(text).body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant):
            continue  # the module docstring
        where = f"{path.relative_to(ROOT)} line {node.lineno}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("solutions", "autograder"):
                    raise BundleError(f"{where}: write `from {alias.name} import ...` so the block can be copied")
            block.imports.append(ast.get_source_segment(text, node))
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                raise BundleError(f"{where}: relative import in a reference module")
            if mod == "autograder.caches":
                block.caches.update(a.name for a in node.names)
            elif mod.startswith("solutions") or mod == "autograder.blocks":
                block.needs.update({a.asname or a.name: mod for a in node.names})
            elif mod.startswith("autograder."):
                if mod.split(".")[1] not in public:
                    raise BundleError(f"{where}: imports {mod}, which students do not receive")
                block.imports.append(ast.get_source_segment(text, node))
            else:
                block.imports.append(ast.get_source_segment(text, node))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)):
            start = (node.decorator_list[0].lineno if getattr(node, "decorator_list", None)
                     else node.lineno)
            block.code.append("\n".join(lines[start - 1:node.end_lineno]))
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            else:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            block.defined += names
            block.names += [n for n in names if not n.startswith("_")]
        else:
            raise BundleError(f"{where}: a reference module may hold only imports, functions, "
                              f"classes and constants to be released as a block")
    return block


def blocks_source(release=(), modules=None):
    """The student's ``autograder/blocks.py``: released blocks as code, the rest refused."""
    modules = solution_modules() if modules is None else modules
    unknown = [a for a in release if a not in modules]
    if unknown:
        raise BundleError(f"no reference module is known for {unknown}: blocks exist for "
                          f"{sorted(modules)}")
    blocks = [_read_block(a, m) for a in sorted(release) for m in modules[a]]
    released, origin = {}, {}
    for b in blocks:
        for name in b.defined:
            if name in origin:
                raise BundleError(f"{name} is defined in both {origin[name]} and {b.module}")
            origin[name] = b.module
        released.setdefault(b.assignment, []).extend(b.names)
    for b in blocks:
        for name, mod in b.needs.items():
            if name not in origin:
                owner = next((a for a, ms in modules.items() if mod in ms), "an unreleased assignment")
                raise BundleError(f"the block of {b.assignment} uses {name} from {mod} ({owner}): "
                                  f"release {owner} too (--release-blocks ... {owner})")
    not_released = {}
    for a, ms in modules.items():
        if a in release:
            continue
        for m in ms:
            for name in _read_block(a, m).names:
                not_released.setdefault(name, a)
    imports = sorted({line for b in blocks for line in b.imports})
    caches = sorted({c for b in blocks for c in b.caches})
    out = ['"""Building blocks from earlier assignments, released by your instructor.',
           "",
           "Later notebooks import these (``from autograder.blocks import NAME``) instead of",
           "asking you to copy your own earlier answers. Released in this package: "
           + (", ".join(sorted(released)) or "none yet") + ".",
           "Blocks of other assignments are released after their deadline; importing one",
           "before that fails with a message saying so.",
           '"""']
    out += imports
    if caches:
        out.append(f"from autograder.caches import {', '.join(caches)}")
    names = [n for b in blocks for n in b.names]
    out += ["", f"__all__ = {names!r}",
            f"RELEASED = {json.dumps(released, indent=4)}",
            f"NOT_RELEASED = {json.dumps(dict(sorted(not_released.items())), indent=4)}"]
    for b in blocks:
        out += ["", "", f"# ---- {b.assignment} " + "-" * (70 - len(b.assignment))]
        for code in b.code:
            out += ["", "", code] if code.lstrip().startswith(("def ", "class ", "@")) else [code]
    out += ["", "", '''class BlockNotReleased(ImportError):
    """A building block of an assignment your instructor has not released yet."""


def __getattr__(name):
    if name in NOT_RELEASED:
        raise BlockNotReleased(
            f"{name} is a building block of assignment {NOT_RELEASED[name]}, which your "
            f"instructor has not released yet (blocks are released after an assignment's "
            f"deadline). Released here: {', '.join(RELEASED) or 'none'}. Until then, use "
            f"your own {name} from that assignment's notebook.")
    raise AttributeError(f"module 'autograder.blocks' has no attribute {name!r}")''']
    return "\n".join(out) + "\n"


# ---- checks on what is shipped ---------------------------------------------------------------

def _resolve(node, package="autograder"):
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = package if node.level == 1 else package.rsplit(".", node.level - 1)[0]
            mods = [f"{base}.{node.module}"] if node.module else [f"{base}.{a.name}" for a in node.names]
            return mods
        if node.module == package:  # from autograder import hidden
            return [f"{package}.{a.name}" for a in node.names if not a.name.startswith("__")]
        return [node.module or ""]
    return [a.name for a in node.names]


def import_problems(package_dir):
    """Module-level imports in a package folder of anything it does not contain."""
    package_dir = Path(package_dir)
    shipped = {p.stem for p in package_dir.glob("*.py")}
    problems = []
    for path in sorted(package_dir.glob("*.py")):
        tree = ast.parse(path.read_text())
        stack = list(tree.body)
        while stack:
            node = stack.pop(0)
            if isinstance(node, (ast.If, ast.Try)):
                stack += node.body + node.orelse + getattr(node, "finalbody", []) + [
                    s for h in getattr(node, "handlers", []) for s in h.body]
                continue
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for mod in _resolve(node):
                top = mod.split(".")[0]
                if top == "solutions" or (top == "autograder" and len(mod.split(".")) > 1
                                          and mod.split(".")[1] not in shipped):
                    problems.append(f"{path.name} line {node.lineno} imports {mod}, which is not "
                                    f"in the student package (autograder.layout.PUBLIC_MODULES)")
    return problems


def notebook_problems(notebook, shipped, released_names, not_released):
    """Imports of a released notebook that the student package would not satisfy."""
    nb = json.loads(Path(notebook).read_text())
    problems = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        try:
            tree = ast.parse("\n".join("pass" if l.lstrip().startswith(("%", "!")) else l
                                       for l in source.splitlines()))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for mod in _resolve(node):
                parts = mod.split(".")
                if parts[0] == "solutions":
                    problems.append(f"{notebook.name} imports {mod}")
                elif parts[0] == "autograder" and len(parts) > 1 and parts[1] not in shipped:
                    problems.append(f"{notebook.name} imports {mod}, which students do not receive: "
                                    f"add it to autograder.layout.PUBLIC_MODULES if they may")
                elif mod == "autograder.blocks" and isinstance(node, ast.ImportFrom):
                    for a in node.names:
                        if a.name not in released_names:
                            owner = not_released.get(a.name, "no known assignment")
                            problems.append(f"{notebook.name} imports {a.name} from autograder.blocks, "
                                            f"a block of {owner}: release it with --release-blocks {owner}")
    return problems


# ---- building ---------------------------------------------------------------------------------

def _pyproject_requirements():
    import tomllib
    deps = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    by_name = {re.split(r"[<>=!~\[ ]", d, maxsplit=1)[0].lower(): d for d in deps}
    pick = lambda *names: [by_name[n] for n in names if n in by_name]  # noqa: E731
    return (pick("numpy", "matplotlib"),
            {"notebook": pick("jupyter"), "keras": pick("tensorflow", "keras")})


def _pyproject(name, version):
    deps, extras = _pyproject_requirements()
    extra_lines = "\n".join(f"{k} = {json.dumps(v)}" for k, v in extras.items())
    return f'''[build-system]
requires = ["setuptools>=61"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "{version}"
description = "Student package of the RNN-for-text course: visible checks, caches, released building blocks."
readme = "README.md"
requires-python = ">=3.10"
license = {{ text = "MIT" }}
dependencies = {json.dumps(deps)}

[project.optional-dependencies]
{extra_lines}

[project.scripts]
{layout.STUDENT_SCRIPT} = "autograder.selfcheck:main"

[tool.setuptools]
packages = ["autograder"]
include-package-data = false

[tool.setuptools.package-data]
autograder = ["data/visible_*.json"]
'''


def _init_source(name, version, assignments, release):
    return f'''"""Student package of the RNN-for-text course ({name} {version}).

``from autograder.visible import check`` runs a function's visible checks;
``autograder.caches`` holds the caches your forward passes fill; ``autograder.blocks``
holds the building blocks of earlier assignments your instructor has released.
Assignments: {", ".join(assignments)}. Released blocks: {", ".join(release) or "none"}.
Grading adds hidden checks that are not in this package.
"""

__version__ = "{version}"
'''


def student_readme(name, version, assignments, release, wheel_name):
    return f"""# Student package: {name} {version}

This folder holds what you need for assignments {", ".join(assignments)}:
the notebooks (`assignments/<id>/`) and `packages/{wheel_name}`, the course's
checking package (`autograder`), which the notebooks import.

## Set up once

    python -m venv .venv
    .venv/bin/python -m pip install "packages/{wheel_name}[notebook]"

(On Windows: `.venv\\Scripts\\python`.) Add `keras` to the brackets
(`[notebook,keras]`) to run the notebooks' Keras comparisons too; they are not
needed for the checks. Then start Jupyter (`.venv/bin/jupyter lab`) and open a
notebook from `assignments/`.

## While you work

- Fill in each function where the notebook says `# YOUR CODE HERE`.
- Run the cell after it: `check(f)` runs the visible checks of `f` and tells you,
  when it fails, which case, expected against actual, and a likely cause.
- From a terminal, `.venv/bin/{layout.STUDENT_SCRIPT} check assignments/<id>/<notebook>.ipynb`
  runs every visible check of a notebook without opening Jupyter.
- Passing the visible checks is a good sign, not a grade: grading adds hidden
  checks (other shapes, edge cases, Keras's values) that are not in this package.
- Hand in the notebook file itself, as your instructor asks; do not rename it
  or change the read-only cells.

Released building blocks of earlier assignments (`from autograder.blocks import ...`):
{", ".join(release) or "none yet"}.
"""


def _wheel(staging, dist):
    env = dict(os.environ, PIP_NO_INPUT="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.setdefault("SOURCE_DATE_EPOCH", "1700000000")  # reproducible archive timestamps
    proc = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                           "--no-index", "--quiet", "-w", str(dist), str(staging)],
                          capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise BundleError(f"building the student wheel failed:\n{proc.stdout}\n{proc.stderr}")
    wheels = sorted(Path(dist).glob("*.whl"))
    if len(wheels) != 1:
        raise BundleError(f"expected one wheel in {dist}, found {wheels}")
    return wheels[0]


def stage(staging, assignments, release, name, version, modules=None):
    """Write the student package's source tree into ``staging``."""
    staging = Path(staging)
    pkg = staging / "autograder"
    (pkg / "data").mkdir(parents=True)
    for module in layout.public_modules(PACKAGE):
        shutil.copyfile(PACKAGE / f"{module}.py", pkg / f"{module}.py")
    (pkg / "__init__.py").write_text(_init_source(name, version, assignments, release))
    (pkg / "blocks.py").write_text(blocks_source(release, modules))
    for assignment in assignments:
        for pattern in layout.PUBLIC_DATA:
            src = PACKAGE / "data" / pattern.format(assignment=assignment)
            if not src.exists():
                raise BundleError(f"{src.relative_to(ROOT)} is missing: run "
                                  f"`rnn-course golden --visible {assignment}`")
            shutil.copyfile(src, pkg / "data" / src.name)
    (staging / "pyproject.toml").write_text(_pyproject(name, version))
    return pkg


def _sha256(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def bundle(assignments=None, out=None, release=(), name=layout.STUDENT_DISTRIBUTION,
           version=None, force=False, audit_bundle=True):
    """Build the student bundle into ``out``; return its manifest (a dict)."""
    from . import __version__
    version = version or __version__
    assignments = list(assignments or released_assignments())
    release = sorted(set(release))
    if not assignments:
        raise BundleError("no released assignment: run `rnn-course release ID` first")
    missing = [a for a in assignments if a not in released_assignments()]
    if missing:
        raise BundleError(f"not released yet: {missing}; run `rnn-course release {' '.join(missing)}`")
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).exists():
            raise BundleError(f"{out} is not empty and holds no earlier bundle: choose another --out")
        if not force:
            raise BundleError(f"{out} holds an earlier bundle: pass --force to replace it")
        shutil.rmtree(out)
    modules = solution_modules()
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / "src"
        pkg = stage(staging, assignments, release, name, version, modules)
        problems = import_problems(pkg)
        shipped = {p.stem for p in pkg.glob("*.py")}
        block_ns = {}
        exec(compile((pkg / "blocks.py").read_text(), "blocks.py", "exec"), block_ns)
        for assignment in assignments:
            for nb in sorted((ASSIGNMENTS / assignment).glob("*.ipynb")):
                problems += notebook_problems(nb, shipped, set(block_ns["__all__"]),
                                              block_ns["NOT_RELEASED"])
        if problems:
            raise BundleError("the student package would not work:\n  " + "\n  ".join(problems))
        readme = student_readme(name, version, assignments, release,
                                f"{name.replace('-', '_')}-{version}-py3-none-any.whl")
        (staging / "README.md").write_text(readme)
        out.mkdir(parents=True, exist_ok=True)
        wheel = _wheel(staging, out / "packages")
    for assignment in assignments:
        shutil.copytree(ASSIGNMENTS / assignment, out / "assignments" / assignment,
                        ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__", "*.pyc",
                                                      "*.pyo"))
    (out / "README.md").write_text(readme)
    files = sorted(p for p in out.rglob("*") if p.is_file())
    manifest = {"distribution": name, "version": version, "wheel": str(wheel.relative_to(out)),
                "assignments": assignments,
                "released_blocks": {a: block_ns["RELEASED"].get(a, []) for a in release},
                "files": {str(p.relative_to(out)): _sha256(p) for p in files}}
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
    if audit_bundle:
        leaks = audit(out, secrets(release, modules))
        if leaks:
            raise BundleError(f"the bundle in {out} would give answers away; nothing was handed "
                              "out, fix the cause and build again:\n  " + "\n  ".join(leaks[:30]))
    return manifest


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
      ``autograder/mutants``, as whitespace-normalised text and as an AST;
    - the text of every HIDDEN TESTS region, solution region and model answer
      (a manually graded cell's text) of the instructor notebooks, and every code
      line of ``autograder/suites`` that the notebooks' authoring specs do not also
      hold (a data generator shared by a notebook and its checks is public);
    - every array of the Keras golden files and every expected array of every
      hidden case.
    Bodies under MIN_BODY_CHARS characters, lines under MIN_LINE_CHARS, and arrays
    that could turn up by chance (see :func:`_distinctive`: ``[0., 0., 0.]``, a loss
    of exactly 0.5) are too generic to be an answer (``return sigmoid(z)``); they
    are listed in ``skipped``.
    """
    import solutions
    from . import golden, mutants, suites
    modules = solution_modules() if modules is None else modules
    released_modules = {m for a in release for m in modules.get(a, ())}
    found = Secrets()
    sources = [(f"solutions.{i.name}", Path(i.module_finder.path, f"{i.name}.py"))
               for i in pkgutil.iter_modules(solutions.__path__)]
    sources += [(f"autograder.mutants.{i.name}", Path(i.module_finder.path, f"{i.name}.py"))
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
    for info in pkgutil.iter_modules(suites.__path__):
        path = Path(info.module_finder.path, f"{info.name}.py")
        for number, line in _code_lines(path):
            if len(line) < MIN_LINE_CHARS or line in public_text:
                continue
            found.texts.append((f"line {number} of autograder/suites/{path.name}", line))
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
    for path in sorted(golden.DATA.glob("keras_*.npz")):
        with np.load(path, allow_pickle=False) as f:
            for key in f.files:
                _add_array(found, f"{path.name}[{key}]", f[key])
    for test in suites.all_tests().values():
        try:
            cases = test.hidden()
        except Exception as exc:
            raise BundleError(f"the hidden cases of {test.grade_id} cannot be built "
                              f"({type(exc).__name__}: {exc}); the audit needs every hidden value: "
                              f"fix the suite, or run `rnn-course golden` for its assignment") from exc
        for case in cases:
            for key, value in case.expected.items():
                _add_array(found, f"expected {case.names.get(key, key)} of hidden case "
                                  f"{case.label!r} ({test.grade_id})", value)
    return found


def _add_array(found, label, value):
    if _distinctive(value):
        found.arrays.append((label, np.asarray(value)))
    elif isinstance(value, np.ndarray):
        found.skipped.append(f"{label}: {value.size} entries")


# ---- looking for them ------------------------------------------------------------------------

FORBIDDEN_PARTS = {"solutions", "suites", "mutants", "keras_golden", "grading", "__pycache__"}
FORBIDDEN_NAMES = re.compile(r"(^hidden\.py$|^keras_.*\.npz$|\.py[co]$|^(build|release|submissions|"
                             r"demo|commands|cli|bundle|layout)\.py$)")
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
                    tree = ast.parse("\n".join("pass" if l.lstrip().startswith(("%", "!")) else l
                                               for l in source.splitlines()))
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


# ---- command line ------------------------------------------------------------------------------

def _run(args):
    try:
        manifest = bundle(args.assignments or None, args.out, args.release_blocks or (),
                          name=args.name, version=args.version, force=args.force)
    except BundleError as exc:
        print(f"rnn-course bundle: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {manifest['distribution']} {manifest['version']} "
          f"({manifest['wheel']}), assignments {', '.join(manifest['assignments'])}; "
          f"released blocks: {', '.join(manifest['released_blocks']) or 'none'}")
    print(f"checked: no reference body, hidden test or hidden golden value in {len(manifest['files'])} "
          "files and the archives inside them")
    for assignment, names in manifest["released_blocks"].items():
        print(f"note: the answers of {assignment} ({', '.join(names)}) are importable from "
              f"autograder.blocks in this bundle: hand it out only after {assignment}'s deadline")
    return 0


def add_parser(sub):
    p = sub.add_parser(
        "bundle", help="build what students receive: notebooks, data, a student package",
        description="Build the student distribution of the chosen released assignments into "
                    "--out: the released notebooks and their data files, and a wheel of the "
                    "student package (the visible checks, caches and the building blocks you "
                    "release, never a reference solution, hidden test or hidden golden value). "
                    "The bundle is audited for answers before the command succeeds.")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: every released one)")
    p.add_argument("--out", required=True, help="folder to write (empty, or an earlier bundle with --force)")
    p.add_argument("--release-blocks", nargs="+", metavar="ID", default=[],
                   help="assignments whose reference functions students may import from "
                        "autograder.blocks (after their deadline)")
    p.add_argument("--name", default=layout.STUDENT_DISTRIBUTION, help="distribution name of the student package")
    p.add_argument("--version", help="its version (default: the course package's)")
    p.add_argument("--force", action="store_true", help="replace an earlier bundle in --out")
    p.set_defaults(handler=_run)
