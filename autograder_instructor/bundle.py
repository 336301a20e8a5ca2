"""``rnn-course bundle``: what an instructor hands to students, and nothing that answers.

A bundle is a folder::

    OUT/README.md                       what students do with it
    OUT/BUNDLE.json                     what is in it (assignments, released blocks, hashes)
    OUT/assignments/<id>/...            the released notebooks and their data files
    OUT/course/lectures/<name>.ipynb    the lectures, where the notebooks' links point
                                        (answers folded as in the course)
    OUT/packages/<name>-<version>-py3-none-any.whl
                                        the student package: ``autograder`` with only the
                                        public modules (autograder_instructor.layout), the visible
                                        cases of the bundled assignments, the building
                                        blocks the instructor released, and the
                                        ``rnn-course-student`` command

The package is built from an allow-list (:mod:`autograder_instructor.layout`), never by
removing things from the instructor's package, and the finished bundle is audited
(:mod:`autograder_instructor.audit`) for every reference body, hidden test text and hidden
golden value before the command reports success. ``autograder.blocks`` in the
student package is written by :mod:`autograder_instructor.student_blocks`: standalone copies of
the reference functions of the released assignments only; any other block name
fails with "not released yet".
"""
import ast
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from . import layout
from .student_blocks import (PACKAGE, ROOT, BundleError, blocks_source, code_trees,
                             required_blocks, solution_modules)

ASSIGNMENTS = ROOT / "assignments"
LECTURES = ROOT / "course" / "lectures"
MANIFEST = "BUNDLE.json"
# A markdown link whose target is a relative path (not a URL, not an anchor).
LINK = re.compile(r"\[([^\]]*)\]\((?![a-z][a-z0-9+.-]*:|#)([^)\s]+)\)")


def released_assignments(where=ASSIGNMENTS):
    """Assignment ids with released notebooks in ``where`` (assignments/), in order."""
    if not where.is_dir():
        return []
    return sorted(p.name for p in where.iterdir() if p.is_dir() and any(p.glob("*.ipynb")))


def _sources(course):
    """(released notebooks, lectures) of ``course`` (default: the repository's): the
    assignments/ that ``rnn-course release`` wrote for it, and its lectures."""
    from .release import COURSE, default_out
    course = Path(course or COURSE)
    return Path(default_out(course)), course / "lectures"


# ---- checks on what is shipped ---------------------------------------------------------------

def _resolve(node, package="autograder"):
    if isinstance(node, ast.ImportFrom):
        if node.level:
            base = package if node.level == 1 else package.rsplit(".", node.level - 1)[0]
            if node.module:
                return [f"{base}.{node.module}"]
            # from . import hidden; from . import __version__ is the package's own attribute
            return [f"{base}.{a.name}" for a in node.names if not a.name.startswith("__")]
        if node.module == package:  # from autograder import hidden
            return [f"{package}.{a.name}" for a in node.names if not a.name.startswith("__")]
        return [node.module or ""]
    return [a.name for a in node.names]


def import_problems(package_dir):
    """Imports in a package folder, at module level or inside a function, of anything it
    does not contain (a lazy one would fail only once a student's code reaches it)."""
    package_dir = Path(package_dir)
    shipped = {p.stem for p in package_dir.glob("*.py")}
    problems = []
    for path in sorted(package_dir.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for mod in _resolve(node):
                top = mod.split(".")[0]
                if top in layout.instructor_modules() or (top == "autograder" and len(mod.split(".")) > 1
                                          and mod.split(".")[1] not in shipped):
                    problems.append(f"{path.name} line {node.lineno} imports {mod}, which is not "
                                    f"in the student package (the autograder folder)")
    return problems


def notebook_problems(notebook, shipped, released_names, not_released):
    """Imports of a released notebook that the student package would not satisfy."""
    problems = []
    for tree in code_trees(notebook):
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for mod in _resolve(node):
                parts = mod.split(".")
                if parts[0] in layout.instructor_modules():
                    problems.append(f"{notebook.name} imports {mod}")
                elif parts[0] == "autograder" and len(parts) > 1 and parts[1] not in shipped:
                    problems.append(f"{notebook.name} imports {mod}, which students do not receive: "
                                    f"move it into the autograder folder if they may")
                elif mod == "autograder.blocks" and isinstance(node, ast.ImportFrom):
                    for a in node.names:
                        if a.name not in released_names:
                            owner = not_released.get(a.name, "no known assignment")
                            problems.append(f"{notebook.name} imports {a.name} from autograder.blocks, "
                                            f"a block of {owner}, which this bundle does not release")
    return problems


def _command(assignments, out, release):
    """The one ``rnn-course bundle`` command that builds this bundle with ``release``."""
    return (f"rnn-course bundle {' '.join(assignments)} --out {out} --release-blocks "
            f"{' '.join(sorted(release))}")


def ship_lectures(partial, assignments, lectures=LECTURES):
    """Copy the lecture notebooks to ``course/lectures/`` of the bundle.

    The released notebooks link to ``../../course/lectures/<name>.ipynb``, which is
    the same place relative to ``assignments/<id>/`` in the repository and in the
    bundle. A lecture's links to assignments this bundle does not carry become
    plain text ("... (not in this handout)"), so no link in the handout is dead.
    """
    target = Path(partial) / "course" / "lectures"
    target.mkdir(parents=True, exist_ok=True)
    for lecture in sorted(lectures.glob("*.ipynb")):
        nb = json.loads(lecture.read_text(encoding="utf-8"))
        for cell in nb["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            cell["source"] = LINK.sub(lambda m: _keep_link(m, assignments), source)
        (target / lecture.name).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n",
                                           encoding="utf-8")


def _keep_link(match, assignments):
    text, href = match.groups()
    parts = Path(href.split("#")[0]).parts
    if "assignments" in parts and parts.index("assignments") + 1 < len(parts):
        if parts[parts.index("assignments") + 1] not in assignments:
            return f"{text} (not in this handout)"
    return match.group(0)


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


def keras_needs(released, assignments):
    """{assignment: what it needs Keras for}, for the notebooks that stop without Keras (their
    setup calls ``require_keras(needed_for=...)``); in the others Keras is optional."""
    needs = {}
    for a in assignments:
        for nb in sorted((Path(released) / a).glob("*.ipynb")):
            for tree in code_trees(nb):
                for node in ast.walk(tree):
                    if (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "require_keras"
                            and any(k.arg == "needed_for" and isinstance(k.value, ast.Constant)
                                    for k in node.keywords)):
                        needs[a] = next(k.value.value for k in node.keywords if k.arg == "needed_for")
    return needs


def _keras_setup(assignments, needs):
    """The README's words on Keras: which assignments need it, and whether the install has it."""
    optional = [a for a in assignments if a not in needs]
    lines = [f"{a} needs Keras (for {why}): the command above installs it." for a, why in needs.items()]
    if optional:
        lines.append(f"In {', '.join(optional)} Keras is optional: only the cells that compare your "
                     "code with Keras use it, never the checks" + (
                         "." if needs else "; add `keras` to the brackets (`[notebook,keras]`) "
                         "to run them too."))
    lines.append("The lecture uses Keras from its section 4 on, and stops there without it.")
    return "\n".join(lines)


def student_readme(name, version, assignments, release, wheel_name, keras=None):
    """The handout's README; ``keras`` is :func:`keras_needs` of the bundled notebooks."""
    keras = keras or {}
    extras = "notebook,keras" if keras else "notebook"
    return f"""# Student package: {name} {version}

This folder holds what you need for assignments {", ".join(assignments)}:
the notebooks (`assignments/<id>/`) and `packages/{wheel_name}`, the course's
checking package (`autograder`), which the notebooks import.

## Set up once

    python -m venv .venv
    .venv/bin/python -m pip install "packages/{wheel_name}[{extras}]"

(On Windows: `.venv\\Scripts\\python`.) Then start Jupyter (`.venv/bin/jupyter lab`) and
open a notebook from `assignments/`.

{_keras_setup(assignments, keras)}

## While you work

- Fill in each function where the notebook says `# YOUR CODE HERE`.
- Run the cell after it: `check(f)` runs the visible checks of `f` and tells you,
  when it fails, which case, expected against actual, and a likely cause.
- From a terminal, `.venv/bin/{layout.STUDENT_SCRIPT} check assignments/<id>/<notebook>.ipynb`
  runs every visible check of a notebook without opening Jupyter.
- Passing the visible checks is a good sign, not a grade: grading adds hidden
  checks (other shapes, edge cases, Keras's values) that are not in this package.
- The lecture the notebooks link to is `course/lectures/` (open it in Jupyter
  too; its answers are folded until you click them).
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


def bundle(assignments=None, out=None, release=None, name=layout.STUDENT_DISTRIBUTION,
           version=None, force=False, audit_bundle=True, course=None):
    """Build the student bundle of ``course`` (default: the repository's) into ``out``;
    return its manifest (a dict).

    ``release`` (None) is worked out from the notebooks: the earlier assignments whose
    blocks they import (:func:`required_blocks`), never one this bundle hands out too."""
    from . import __version__
    version = version or __version__
    released, lectures = _sources(course)
    assignments = list(assignments or released_assignments(released))
    if not assignments:
        raise BundleError("no released assignment: run `rnn-course release ID` first")
    missing = [a for a in assignments if a not in released_assignments(released)]
    if missing:
        raise BundleError(f"not released yet: {missing}; run `rnn-course release {' '.join(missing)}`")
    notebooks = [nb for a in assignments for nb in sorted((released / a).glob("*.ipynb"))]
    needed = required_blocks(notebooks, solution_modules())
    release = sorted(set(release if release is not None else
                         [a for a in needed if a not in assignments]))
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).exists():
            raise BundleError(f"{out} is not empty and holds no earlier bundle: choose another --out")
        if not force:
            raise BundleError(f"{out} holds an earlier bundle: pass --force to replace it")
    modules = solution_modules()
    out.parent.mkdir(parents=True, exist_ok=True)
    # Built and audited beside ``out``; only a bundle that passed the audit is moved there.
    with tempfile.TemporaryDirectory(dir=out.parent, prefix=f".{out.name}-") as tmp:
        staging, partial = Path(tmp) / "src", Path(tmp) / "bundle"
        pkg = stage(staging, assignments, release, name, version, modules)
        problems = import_problems(pkg)
        shipped = {p.stem for p in pkg.glob("*.py")}
        block_ns = {}
        exec(compile((pkg / "blocks.py").read_text(), "blocks.py", "exec"), block_ns)
        for assignment in assignments:
            for nb in sorted((released / assignment).glob("*.ipynb")):
                problems += notebook_problems(nb, shipped, set(block_ns["__all__"]),
                                              block_ns["NOT_RELEASED"])
        if problems:
            unmet = sorted(set(needed) - set(release))
            fix = ([f"to release the blocks these notebooks import (their answers: hand the "
                    f"bundle out after those deadlines), build it with:\n    "
                    f"{_command(assignments, out, set(release) | set(unmet))}"] if unmet else [])
            raise BundleError("the student package would not work:\n  " + "\n  ".join(problems + fix))
        expected_wheel = f"{name.replace('-', '_')}-{version}-py3-none-any.whl"
        keras = keras_needs(released, assignments)
        (staging / "README.md").write_text(student_readme(name, version, assignments, release,
                                                          expected_wheel, keras))
        wheel = _wheel(staging, partial / "packages")
        for assignment in assignments:
            shutil.copytree(released / assignment, partial / "assignments" / assignment,
                            ignore=shutil.ignore_patterns(".ipynb_checkpoints", "__pycache__",
                                                          "*.pyc", "*.pyo"))
        ship_lectures(partial, assignments, lectures)
        (partial / "README.md").write_text(student_readme(name, version, assignments, release,
                                                          wheel.name, keras))
        files = sorted(p for p in partial.rglob("*") if p.is_file())
        manifest = {"distribution": name, "version": version,
                    "wheel": str(wheel.relative_to(partial)), "assignments": assignments,
                    "released_blocks": {a: block_ns["RELEASED"].get(a, []) for a in release},
                    "files": {str(p.relative_to(partial)): _sha256(p) for p in files}}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n")
        if audit_bundle:
            from .audit import audit, secrets
            found = secrets(release, modules)
            leaks = audit(partial, found)
            if leaks:
                raise BundleError("the bundle would give answers away, so it was not written; fix "
                                  "the cause and build again:\n  " + "\n  ".join(leaks[:30]))
        if out.exists():
            shutil.rmtree(out)
        shutil.move(str(partial), str(out))
    return manifest


# ---- command line ------------------------------------------------------------------------------

def _run(args):
    from .release import chosen_course
    course = chosen_course(args)
    try:
        manifest = bundle(args.assignments or None, args.out, args.release_blocks,
                          name=args.name, version=args.version, force=args.force, course=course)
    except BundleError as exc:
        print(f"rnn-course bundle: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out}: {manifest['distribution']} {manifest['version']} "
          f"({manifest['wheel']}), assignments {', '.join(manifest['assignments'])}; "
          f"released blocks: {', '.join(manifest['released_blocks']) or 'none'}"
          f"{'' if args.release_blocks is not None else ' (the ones its notebooks import)'}")
    print(f"checked: no reference body, hidden test or hidden golden value in {len(manifest['files'])} "
          "files and the archives inside them")
    for assignment, names in manifest["released_blocks"].items():
        print(f"note: the answers of {assignment} ({', '.join(names)}) are importable from "
              f"autograder.blocks in this bundle: hand it out only after {assignment}'s deadline")
    return 0


def add_parser(sub):
    from .release import add_course_option
    p = sub.add_parser(
        "bundle", help="build what students receive: notebooks, data, a student package",
        description="Build the student distribution of the chosen released assignments into "
                    "--out: the released notebooks and their data files, and a wheel of the "
                    "student package (the visible checks, caches and the building blocks you "
                    "release, never a reference solution, hidden test or hidden golden value). "
                    "The bundle is audited for answers before the command succeeds.")
    p.add_argument("assignments", nargs="*", help="assignment ids (default: every released one)")
    p.add_argument("--out", required=True, help="folder to write (empty, or an earlier bundle with --force)")
    p.add_argument("--release-blocks", nargs="*", metavar="ID",
                   help="assignments whose reference functions students may import from "
                        "autograder.blocks (after their deadline); default: the earlier "
                        "assignments whose blocks the bundled notebooks import")
    p.add_argument("--name", default=layout.STUDENT_DISTRIBUTION, help="distribution name of the student package")
    p.add_argument("--version", help="its version (default: the course package's)")
    p.add_argument("--force", action="store_true", help="replace an earlier bundle in --out")
    add_course_option(p, "nbgrader course folder whose released notebooks to bundle")
    p.set_defaults(handler=_run)
