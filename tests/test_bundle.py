"""Does the student bundle work on its own, and does it carry no answer?

The slow tests build a real bundle (``rnn-course bundle``) in a temporary folder,
install its wheel into a fresh virtual environment and run every visible check of
every released notebook there, from a folder outside the repository.

How the fresh environment gets NumPy and matplotlib without the network: it is made
with ``python -m venv --without-pip`` (no ensurepip, under a second), the student
wheel alone is installed into it with this interpreter's pip (``pip --python VENV
install --no-deps --no-index WHEEL``), and a ``.pth`` file in it names this
interpreter's site-packages folder. A path line in a ``.pth`` file only adds that
folder to ``sys.path``: the ``.pth`` files inside it are not run, so the editable
install of the instructor package (a ``.pth`` import hook in that folder) stays
off, and ``autograder`` comes from the student wheel, which sits earlier on the path.
So ``import solutions`` fails there exactly as it would on a student's machine,
while NumPy, matplotlib and nbformat are found. Nothing is downloaded; a wheel cache
(fragile) and ``--system-site-packages`` (the base interpreter here has no NumPy)
are not needed. If the instructor package was installed non-editable (then the
reference solutions sit in site-packages itself) the venv tests are skipped: that
environment cannot model a student's machine this way.
"""
import ast
import io
import json
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import numpy as np
import pytest

from autograder_instructor import audit as A
from autograder_instructor import bundle as B
from autograder_instructor import student_blocks as SB
from autograder_instructor import layout
from autograder_instructor.build import ROOT


def _required_blocks(assignments):
    """Blocks the bundled notebooks import and the blocks they call, plus the first assignment's."""
    modules = SB.solution_modules()
    owner = {}
    for a in modules:
        for m in modules[a]:
            for name in SB._read_block(a, m).names:
                owner[name] = a
    needed = {assignments[0]} if assignments and assignments[0] in modules else set()
    for a in assignments:
        for nb in (ROOT / "assignments" / a).glob("*.ipynb"):
            for cell in json.loads(nb.read_text())["cells"]:
                src = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
                try:
                    tree = ast.parse(src)
                except SyntaxError:
                    continue
                needed |= {owner[alias.name] for node in ast.walk(tree)
                           if isinstance(node, ast.ImportFrom) and node.module == "autograder.blocks"
                           for alias in node.names if alias.name in owner}
    while True:  # and the blocks those blocks call
        more = {owner[n] for a in needed for m in modules[a] for n in SB._read_block(a, m).needs
                if n in owner} - needed
        if not more:
            return sorted(needed)
        needed |= more


# ---- fast: the pieces ----------------------------------------------------------------------

def test_the_student_package_is_its_folder():
    """Are the public modules exactly the student folder's files, and does no instructor
    module share a name with one (an import could then pick the wrong one)?"""
    pkg = ROOT / "autograder"
    assert sorted(layout.public_modules(pkg)) == sorted(
        p.stem for p in pkg.glob("*.py") if p.stem not in layout.GENERATED_MODULES)
    instructor = {p.stem for p in layout.INSTRUCTOR.iterdir() if p.suffix == ".py" or p.is_dir()}
    assert not instructor & set(layout.public_modules(pkg)) - {"__init__"}


def test_public_modules_import_only_public_modules(tmp_path):
    """Does the staged student package import, anywhere, only what it contains?"""
    assignments = B.released_assignments()
    pkg = B.stage(tmp_path / "src", assignments, _required_blocks(assignments),
                  "rnn-course-student", "0.0.1")
    assert B.import_problems(pkg) == []
    shipped = sorted(p.name for p in pkg.glob("*.py"))
    expected = sorted(f"{m}.py" for m in layout.public_modules(ROOT / "autograder")
                      + list(layout.GENERATED_MODULES))
    assert shipped == expected
    # A module that reaches for the instructor side is reported, even inside a function.
    (pkg / "leaky.py").write_text("from autograder_instructor.suites import all_tests\n"
                                  "import solutions.dense\n"
                                  "def later():\n    from . import golden\n")
    problems = B.import_problems(pkg)
    assert len(problems) == 3 and "autograder_instructor.suites" in problems[0], problems
    student_package = "autograder"  # (a name the package split's rename script leaves alone)
    assert f"line 4 imports {student_package}.golden" in problems[2], problems


def test_released_blocks_are_standalone_copies():
    """Does a released block run without solutions/, and an unreleased one say it is not out yet?"""
    from solutions.dense import dense_backward, dense_forward, softmax

    source = SB.blocks_source(["01_dense"])
    tree = ast.parse(source)
    imported = {n.module if isinstance(n, ast.ImportFrom) else a.name
                for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))
                for a in n.names}
    assert imported <= {"numpy", "autograder.caches"}, imported
    ns = {}
    exec(compile(source, "blocks.py", "exec"), ns)
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(2, 3)), rng.normal(size=2)
    np.testing.assert_array_equal(ns["softmax"](x), softmax(x))
    y, cache = ns["dense_forward"](x, W, b, "tanh")
    np.testing.assert_array_equal(y, dense_forward(x, W, b, "tanh")[0])
    for got, want in zip(ns["dense_backward"](y, cache), dense_backward(y, cache)):
        np.testing.assert_array_equal(got, want)
    assert set(ns["__all__"]) == {"sigmoid", "tanh", "relu", "softmax", "dense_forward",
                                  "dense_backward"}
    later = [n for n, a in ns["NOT_RELEASED"].items() if a != "01_dense"]
    assert later, "no unreleased block to test the refusal with"
    with pytest.raises(ImportError, match="has not released yet") as info:
        ns["__getattr__"](later[0])
    assert ns["NOT_RELEASED"][later[0]] in str(info.value)
    with pytest.raises(AttributeError):
        ns["__getattr__"]("no_such_block")
    none = {}
    exec(compile(SB.blocks_source([]), "blocks.py", "exec"), none)
    assert none["__all__"] == [] and "sigmoid" in none["NOT_RELEASED"]


def test_a_block_that_needs_another_asks_for_it():
    """Does releasing a block that calls another assignment's block alone name the one to add?"""
    modules = SB.solution_modules()
    for a, ms in modules.items():
        for m in ms:
            for name, mod in SB._read_block(a, m).needs.items():
                owner = next((o for o, oms in modules.items() if mod in oms), None)
                if owner and owner != a:
                    with pytest.raises(B.BundleError, match=f"release {owner} too"):
                        SB.blocks_source([a])
                    ns = {}
                    with_owner = [o for o in modules if o <= a]  # every earlier assignment
                    exec(compile(SB.blocks_source(with_owner), "blocks.py", "exec"), ns)
                    assert name in ns
                    return
    pytest.skip("no reference module uses another assignment's blocks yet")


@pytest.mark.parametrize("assignment", ["07_gated", "08_cnn_tagging"])
def test_the_blocks_a_late_notebook_imports_are_worked_out(assignment):
    """Does the bundle find, from 07's or 08's own imports, every earlier assignment whose
    blocks they import or whose blocks those blocks call, as the instructor would list them?"""
    notebooks = sorted((ROOT / "assignments" / assignment).glob("*.ipynb"))
    found = SB.required_blocks(notebooks, SB.solution_modules())
    assert found == sorted(set(_required_blocks([assignment])) - {assignment})
    assert "01_dense" in found and "05_embeddings_optimizers" in found


def test_missing_blocks_give_one_complete_command(tmp_path):
    """When the instructor names too few blocks, does the refusal end in one complete
    `rnn-course bundle ... --release-blocks ...` command naming every block needed, instead of
    one "--release-blocks X" hint per import?"""
    with pytest.raises(B.BundleError) as info:
        B.bundle(["07_gated"], tmp_path / "handout", ["01_dense"])
    text = str(info.value)
    needed = SB.required_blocks(sorted((ROOT / "assignments" / "07_gated").glob("*.ipynb")),
                               SB.solution_modules())
    assert text.count("--release-blocks") == 1, text
    assert (f"rnn-course bundle 07_gated --out {tmp_path / 'handout'} --release-blocks "
            f"{' '.join(needed)}") in text
    assert not (tmp_path / "handout").exists()


def test_the_handout_says_per_assignment_what_needs_keras():
    """Does the handout README find, from the notebooks themselves, that 06 needs Keras (and
    install it with the wheel when 06 is in the bundle), and call it optional elsewhere?"""
    released = B.released_assignments()
    needs = B.keras_needs(B.ASSIGNMENTS, released)
    assert set(needs) == {"06_sentiment"} and "build_keras_model" in needs["06_sentiment"]
    with_06 = B.student_readme("x", "1", ["05_embeddings_optimizers", "06_sentiment"], [], "w.whl",
                               B.keras_needs(B.ASSIGNMENTS, ["05_embeddings_optimizers", "06_sentiment"]))
    assert 'pip install "packages/w.whl[notebook,keras]"' in with_06
    assert "06_sentiment needs Keras (for padding the reviews and build_keras_model)" in with_06
    assert "In 05_embeddings_optimizers Keras is optional" in with_06
    assert "not\nneeded for the checks" not in with_06
    without = B.student_readme("x", "1", ["01_dense"], [], "w.whl", B.keras_needs(B.ASSIGNMENTS, ["01_dense"]))
    assert 'pip install "packages/w.whl[notebook]"' in without and "needs Keras" not in without
    assert "`[notebook,keras]`) to run them too" in without


def test_bundle_refuses_what_it_cannot_do(tmp_path):
    """Does the command refuse an unknown block, a foreign folder and an unreleased assignment?"""
    first = B.released_assignments()[0]
    with pytest.raises(B.BundleError, match="no reference module"):
        B.bundle([first], tmp_path / "a", ["99_nothing"])
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "notes.txt").write_text("mine")
    with pytest.raises(B.BundleError, match="not empty"):
        B.bundle([first], tmp_path / "b")
    assert (tmp_path / "b" / "notes.txt").exists()
    with pytest.raises(B.BundleError, match="not released yet"):
        B.bundle(["99_nothing"], tmp_path / "c")


def test_notebook_needing_an_unreleased_block_is_refused(tmp_path):
    """Is a notebook that imports a block the bundle does not release reported, with the fix?"""
    nb = tmp_path / "late.ipynb"
    nb.write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {}, "source": [
        "from autograder.blocks import dense_forward\n", "from autograder_instructor.hidden import grade\n",
        "from autograder import suites, __version__\n"]}]}))
    problems = B.notebook_problems(nb, {"visible", "blocks"}, set(), {"dense_forward": "01_dense"})
    assert any("a block of 01_dense, which this bundle does not release" in p for p in problems), problems
    assert any("autograder_instructor.hidden" in p for p in problems), problems
    student_package = "autograder"
    assert any(f"{student_package}.suites" in p for p in problems), problems
    left = B.notebook_problems(nb, {"visible", "blocks", "suites"}, {"dense_forward"}, {})
    assert len(left) == 1 and "autograder_instructor.hidden" in left[0], left


@pytest.fixture(scope="module")
def found():
    return A.secrets(release=())


def test_secrets_cover_every_kind(found):
    """Does the scan look for reference bodies, mutant bodies, hidden test text and hidden arrays?"""
    labels = " ".join(label for label, _ in found.bodies)
    for func in ("sigmoid", "softmax", "dense_forward", "dense_backward"):
        assert f"solutions.dense.{func}" in labels, func
    assert "autograder_instructor.mutants" in labels
    texts = [label for label, _ in found.texts]
    assert any("hidden tests of" in t for t in texts) and any("autograder_instructor/suites" in t for t in texts)
    arrays = [label for label, _ in found.arrays]
    assert any(label.startswith("keras_01_dense.npz") for label in arrays)
    assert any("hidden case" in label for label in arrays)
    skipped_bodies = [s for s in found.skipped if s.startswith("body of")]
    assert len(found.bodies) > len(skipped_bodies), skipped_bodies  # skipping is the exception


def test_hidden_values_a_visible_case_holds_are_published_not_secret():
    """Is a hidden array that a visible case also holds reported as published, and others kept?"""
    found = A.Secrets()
    shown, hidden = np.array([0.25, -1.5, 3.125]), np.array([0.5, 2.75, -4.0])
    A._add_array(found, "shown", shown, {A._array_key(shown)})
    A._add_array(found, "hidden", hidden, {A._array_key(shown)})
    A._add_array(found, "tiny", np.array([0.0, 1.0]), {A._array_key(shown)})
    assert found.published == ["shown"]
    assert [label for label, _ in found.arrays] == ["hidden"]
    assert found.skipped == ["tiny: 2 entries"]


def test_audit_finds_planted_answers(tmp_path, found):
    """Does the scan find answers hidden in every form: reformatted, as code, compressed, binary?"""
    import solutions.dense
    from autograder_instructor import keras_values

    body_label, body_text = next((l, t) for l, t in found.bodies if l.endswith("dense.dense_backward"))
    source = Path(solutions.dense.__file__).read_text()
    start = source.index("def dense_backward")
    func = source[start:]
    # 1. the body with its whitespace changed, in a markdown file
    (tmp_path / "notes.md").write_text("\n\n".join(line.strip() for line in func.splitlines()))
    # 2. as code without its comments or docstring, renamed, inside a zip
    node = next(n for n in ast.parse(source).body if getattr(n, "name", "") == "dense_backward")
    node.body = node.body[1:]
    node.name = "my_backward"
    with zipfile.ZipFile(tmp_path / "pkg.whl", "w") as z:
        z.writestr("autograder/extra.py", ast.unparse(node))
    # 3. a Keras golden array as binary .npy inside a tar.gz
    keras = keras_values.load("01_dense")
    key = sorted(keras)[0]
    buf = io.BytesIO()
    np.save(buf, keras[key])
    with tarfile.open(tmp_path / "data.tar.gz", "w:gz") as t:
        info = tarfile.TarInfo("data/values.npy")
        info.size = len(buf.getvalue())
        t.addfile(info, io.BytesIO(buf.getvalue()))
    # 4. a hidden case's expected array as JSON text
    hidden_label, hidden = next((l, a) for l, a in found.arrays if "hidden case" in l and a.size > 3)
    (tmp_path / "cases.json").write_text(json.dumps({"values": hidden.tolist()}, indent=2))
    # 5. a hidden test region in a notebook
    region_label, region = next((l, t) for l, t in found.texts if l.startswith("hidden tests"))
    (tmp_path / "nb.ipynb").write_text(json.dumps({"cells": [{"cell_type": "code", "metadata": {},
                                                               "source": [region]}]}))
    # 6. an instructor-only file and a byte-compiled file
    (tmp_path / "solutions").mkdir()
    (tmp_path / "solutions" / "x.py").write_text("")
    (tmp_path / "cache.pyc").write_bytes(b"")
    leaks = A.audit(tmp_path, found)
    text = "\n".join(leaks)
    assert f"notes.md: {body_label}" in text
    assert f"pkg.whl!autograder/extra.py: {body_label} (as code" in text
    assert f"data.tar.gz!data/values.npy: keras_01_dense.npz[{key}] (as binary)" in text
    assert f"cases.json: {hidden_label} (as text)" in text
    assert f"nb.ipynb: {region_label}" in text
    assert "solutions/x.py: an instructor-only file" in text
    assert "cache.pyc: a byte-compiled file" in text


def test_released_notebooks_pass_the_audit(tmp_path, found):
    """Do the released notebooks alone (what students get besides the package) hold no answer?"""
    for assignment in B.released_assignments():
        (tmp_path / assignment).mkdir()
        for nb in (ROOT / "assignments" / assignment).glob("*.ipynb"):
            (tmp_path / assignment / nb.name).write_bytes(nb.read_bytes())
    assert A.audit(tmp_path, found) == []


def test_bundle_command_is_registered():
    from autograder_instructor.cli import parser
    args = parser().parse_args(["bundle", "--out", "x", "--release-blocks", "01_dense"])
    assert args.release_blocks == ["01_dense"] and args.handler is B._run


# ---- slow: a real bundle in a fresh environment -------------------------------------------------

def SLOW(test):
    """Slow, and on one xdist worker (``--dist loadgroup``) so the bundle is built once."""
    return pytest.mark.slow(pytest.mark.xdist_group("student_bundle")(test))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A bundle of every released assignment, with the blocks those notebooks import."""
    assignments = B.released_assignments()
    release = _required_blocks(assignments)
    out = tmp_path_factory.mktemp("bundle") / "students"
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "bundle", *assignments,
                           "--out", str(out), "--release-blocks", *release],
                          capture_output=True, text=True, cwd=tmp_path_factory.getbasetemp())
    assert proc.returncode == 0, proc.stderr
    return out, assignments, release


@pytest.fixture(scope="module")
def venv(built, tmp_path_factory):
    """A fresh venv holding only the student wheel (see the module docstring)."""
    purelib = Path(sysconfig.get_paths()["purelib"])
    if (purelib / "solutions").is_dir() or (purelib / "autograder").is_dir():
        pytest.skip("the instructor package is installed non-editable in this environment")
    out, _, _ = built
    home = tmp_path_factory.mktemp("student")
    env_dir = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], check=True)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                               capture_output=True, text=True, check=True).stdout.strip())
    (site / "zz_third_party.pth").write_text(f"{purelib}\n")
    wheel = next((out / "packages").glob("*.whl"))
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                    "--no-index", "--quiet", str(wheel)], check=True)
    return env_dir, home


def _student_env():
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "VIRTUAL_ENV"))}
    env["MPLBACKEND"] = "Agg"
    return env


def _run(venv, *args):
    env_dir, home = venv
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, cwd=home,
                          env=_student_env())


@SLOW
def test_wheel_holds_only_the_public_side(built):
    """Are the wheel's files exactly the public modules, the visible files and its metadata?"""
    out, assignments, release = built
    manifest = json.loads((out / "BUNDLE.json").read_text())
    assert manifest["assignments"] == assignments
    assert sorted(manifest["released_blocks"]) == release
    wheel = next((out / "packages").glob("*.whl"))
    assert wheel.name.startswith("rnn_course_student-")
    with zipfile.ZipFile(wheel) as z:
        names = sorted(n for n in z.namelist() if not n.split("/")[0].endswith(".dist-info"))
    modules = layout.public_modules(ROOT / "autograder") + list(layout.GENERATED_MODULES)
    expected = sorted([f"autograder/{m}.py" for m in modules]
                      + [f"autograder/data/visible_{a}.json" for a in assignments])
    assert names == expected
    with zipfile.ZipFile(wheel) as z:  # the audit trusts these to be the suites' VISIBLE cases
        for a in assignments:
            assert z.read(f"autograder/data/visible_{a}.json") == \
                (ROOT / "autograder" / "data" / f"visible_{a}.json").read_bytes()
    for a in assignments:
        for nb in (ROOT / "assignments" / a).glob("*.ipynb"):
            assert (out / "assignments" / a / nb.name).read_bytes() == nb.read_bytes()


@SLOW
def test_bundle_carries_no_answers(built):
    """Is no unreleased reference body, hidden test text or hidden golden value anywhere in it?

    The scan opens every archive (the wheel, and anything in it). As a control, the
    released blocks' bodies must be found: the scan does see inside the wheel.
    """
    out, _, release = built
    found = A.secrets(release)
    assert found.bodies and found.texts and found.arrays
    assert A.audit(out, found) == []
    with zipfile.ZipFile(next((out / "packages").glob("*.whl"))) as z:
        blocks = A._norm(z.read("autograder/blocks.py").decode())
    assert found.released, "the bundle releases no block: nothing to control the scan with"
    for label, text in found.released:
        assert text in blocks, f"{label} should be in the released blocks"


@SLOW
def test_student_environment_has_no_instructor_side(venv, built):
    """In the student venv: do solutions and the hidden checks fail to import, blocks behave?"""
    _, _, release = built
    env_dir, home = venv
    code = f"""
import importlib, sys
import autograder
assert autograder.__file__.startswith({str(env_dir)!r}), autograder.__file__
for name in {list(layout.INSTRUCTOR_ONLY)!r}:
    try:
        importlib.import_module(name)
    except ModuleNotFoundError:
        pass
    else:
        raise SystemExit(name + " is importable in the student environment")
for name in {layout.public_modules(ROOT / "autograder") + ["blocks"]!r}:
    importlib.import_module("autograder." + name)
secret = [m for m in sys.modules if m.split(".")[0] == "solutions"
          or m in {list(layout.INSTRUCTOR_ONLY)!r}]
assert not secret, secret
from autograder import visible_files
assert not list(visible_files.DATA.glob("keras_*.npz"))
import autograder.blocks as blocks
assert sorted(blocks.RELEASED) == {release!r}
for name in blocks.__all__:
    getattr(blocks, name)
later = sorted(blocks.NOT_RELEASED)
if later:
    try:
        exec("from autograder.blocks import " + later[0])
    except ImportError as exc:
        assert "has not released yet" in str(exc), exc
        print("refused:", exc)
    else:
        raise SystemExit("an unreleased block was importable")
print("ok")
"""
    proc = _run(venv, env_dir / "bin" / "python", "-c", code)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok" in proc.stdout
    proc = _run(venv, env_dir / "bin" / "python", "-c", "import solutions")
    assert proc.returncode != 0 and "No module named 'solutions'" in proc.stderr


def _visible_functions(assignment):
    from autograder_instructor.suites import modules
    return list(modules()[assignment].VISIBLE)


@SLOW
def test_visible_checks_pass_on_the_reference_in_the_student_environment(venv, built, tmp_path):
    """Filled with the reference answers, does every released notebook pass every visible check?"""
    from autograder_instructor.submissions import fill, write
    out, assignments, _ = built
    env_dir, home = venv
    paths = []
    for a in assignments:
        for nb in sorted((out / "assignments" / a).glob("*.ipynb")):
            instructor = ROOT / "course" / "source" / a / nb.name
            paths.append(write(fill(nb, instructor), home / "filled" / a / nb.name))
            for data in (out / "assignments" / a).iterdir():
                if data.is_file() and data.suffix != ".ipynb":
                    (home / "filled" / a / data.name).write_bytes(data.read_bytes())
    proc = _run(venv, env_dir / "bin" / "rnn-course-student", "check", *paths)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for a in assignments:
        for func in _visible_functions(a):
            assert f"PASS {func}:" in proc.stdout, f"{func} ({a}) was not checked:\n{proc.stdout}"
    assert "FAIL" not in proc.stdout and "raised" not in proc.stdout, proc.stdout


@SLOW
def test_visible_checks_fail_on_the_stubs_in_the_student_environment(venv, built):
    """As released (stubs), does every visible check fail and say the function is still the stub?"""
    import nbformat
    out, assignments, _ = built
    env_dir, home = venv
    paths = sorted((out / "assignments").glob("*/*.ipynb"))
    for path in paths:
        nbformat.validate(nbformat.read(path, as_version=4))
    proc = _run(venv, env_dir / "bin" / "rnn-course-student", "check", *paths)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    for a in assignments:
        for func in _visible_functions(a):
            assert f"FAIL {func}:" in proc.stdout, f"{func} ({a}):\n{proc.stdout}"
    failures = [line for line in proc.stdout.splitlines() if line.startswith("  - case")]
    assert failures and all("still the stub" in line for line in failures), proc.stdout
    version = _run(venv, env_dir / "bin" / "rnn-course-student", "--version")
    assert version.stdout.strip().startswith("rnn-course-student ")


def _reports(section):
    """{function: its PASS/FAIL report} from one notebook's part of rnn-course-student's output."""
    chunks = re.split(r"^(?=PASS |FAIL )", section, flags=re.M)
    return {c[5:].split(":", 1)[0]: c.strip() for c in chunks if c.startswith(("PASS ", "FAIL "))}


@SLOW
def test_student_messages_match_the_instructor_checks(venv, built, tmp_path):
    """With known mistakes in its functions, does the student command say what check(f) says here?

    One notebook per assignment holds the first known mistake of every function; the
    instructor side checks the same mistakes in the same namespace.
    """
    from autograder_instructor.mutants import mutants_for
    from autograder_instructor.submissions import fill, write
    from autograder_instructor.suites import modules
    from autograder_instructor.suites._base import reference_namespace
    from autograder.visible import run_check
    out, assignments, _ = built
    env_dir, home = venv
    paths, expected = [], {}
    for a in assignments:
        suite = modules()[a]
        ns = reference_namespace(*suite.SOLUTIONS)
        sources = {f: m.source() for f in suite.VISIBLE for m in mutants_for(f)[:1]}
        for source in sources.values():
            exec(source, ns)  # as the notebook holds it: under the graded name
        expected[a] = {}
        for func in sources:
            passed, report = run_check(ns[func], ns)
            expected[a][func] = (("PASS " if passed else "FAIL ") + report).strip()
        nb = out / "assignments" / a / suite.NOTEBOOK
        filled = fill(nb, ROOT / "course" / "source" / a / suite.NOTEBOOK, sources)
        paths.append(write(filled, home / "mutants" / a / suite.NOTEBOOK))
    assert any(expected.values()), "no known mistakes to check with"
    proc = _run(venv, env_dir / "bin" / "rnn-course-student", "check", *paths)
    # One section per notebook, each closed by its summary line.
    sections = re.split(r"^\S+\.ipynb: .*functions pass their visible checks \(\d+\.\d s\)$",
                        proc.stdout, flags=re.M)
    assert len(sections) == len(paths) + 1, proc.stdout + proc.stderr
    for a, section in zip(assignments, sections):
        reports = _reports(section)
        for func, report in expected[a].items():
            assert reports.get(func) == report, f"{a} {func}:\n{section}"
    assert any(r.startswith("FAIL") and "Likely cause" in r for e in expected.values() for r in e.values())


@SLOW
def test_a_bundle_of_08_needs_no_block_named(tmp_path):
    """Does `rnn-course bundle 08_cnn_tagging --out X`, with no --release-blocks, release
    exactly the earlier blocks 08 imports and say so in one line?"""
    out = tmp_path / "handout"
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "bundle", "08_cnn_tagging",
                           "--out", str(out)], capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / B.MANIFEST).read_text())
    assert sorted(manifest["released_blocks"]) == sorted(
        set(_required_blocks(["08_cnn_tagging"])) - {"08_cnn_tagging"})
    assert "(the ones its notebooks import)" in proc.stdout


@SLOW
def test_a_bundle_that_fails_the_audit_is_not_written(tmp_path, monkeypatch):
    """If the audit finds anything, is there no bundle (and no half-built folder) to hand out?"""
    monkeypatch.setattr(A, "secrets", lambda *args, **kwargs: A.Secrets())
    monkeypatch.setattr(A, "audit", lambda root, found: [f"{Path(root).name}: planted leak"])
    with pytest.raises(B.BundleError, match="not written") as info:
        B.bundle([B.released_assignments()[0]], tmp_path / "handout")
    assert "planted leak" in str(info.value)
    assert list(tmp_path.iterdir()) == []


KERNEL_RUN = """
import sys
import nbclient
import nbformat

path, allow_errors = sys.argv[1], sys.argv[2] == "allow-errors"
nb = nbformat.read(path, as_version=4)
nb.cells.append(nbformat.v4.new_code_cell(
    "import sys, autograder\\n"
    "print('KERNEL', sys.executable, autograder.__file__)\\n"
    "try:\\n    import solutions\\nexcept ModuleNotFoundError:\\n    print('NO SOLUTIONS')"))
nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", allow_errors=allow_errors,
                        resources={"metadata": {"path": str(sys.argv[3])}}).execute()
for cell in nb.cells:
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            print(out.text, end="")  # one print may arrive in several pieces
        elif out.output_type == "error":
            print("\\nERROR", out.ename, out.evalue)
"""


@SLOW
def test_released_notebook_runs_in_a_jupyter_kernel_of_the_student_environment(venv, built):
    """In a real kernel of the student venv, does the first notebook run: checks pass once filled,
    fail with their messages as released, and the kernel cannot import solutions?"""
    from autograder_instructor.submissions import fill, write
    out, assignments, _ = built
    env_dir, home = venv
    a = assignments[0]
    released = sorted((out / "assignments" / a).glob("*.ipynb"))[0]
    filled = write(fill(released, ROOT / "course" / "source" / a / released.name),
                   home / "kernel" / a / released.name)
    script = home / "kernel_run.py"
    script.write_text(KERNEL_RUN)
    python = env_dir / "bin" / "python"
    env = dict(_student_env(), NBGRADER_EXECUTION="validate")  # demos skipped, as when validating
    for path, mode in ((filled, "strict"), (released, "allow-errors")):
        proc = subprocess.run([str(python), str(script), str(path), mode, str(path.parent)],
                              capture_output=True, text=True, cwd=home, env=env, timeout=600)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert f"KERNEL {env_dir}" in proc.stdout and "NO SOLUTIONS" in proc.stdout, proc.stdout
        if mode == "strict":
            for func in _visible_functions(a):
                assert re.search(rf"^{func}: (the check|all \d+ checks) passed", proc.stdout, re.M), func
        else:
            for func in _visible_functions(a):
                assert re.search(rf"^ERROR CheckFailed {func}: \d+ of \d+ checks failed", proc.stdout,
                                 re.M), func
            assert "still the stub" in proc.stdout


def _relative_links(notebook):
    """(cell number, target) of every relative link in a notebook's markdown cells."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    found = []
    for i, cell in enumerate(nb["cells"], 1):
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            found += [(i, m.group(2).split("#")[0]) for m in B.LINK.finditer(source)]
    return found


def _dead_links(root):
    root = Path(root).resolve()
    dead = []
    for nb in sorted(root.rglob("*.ipynb")):
        for cell, href in _relative_links(nb):
            target = (nb.parent / href).resolve()
            if not target.is_relative_to(root) or not target.exists():
                dead.append(f"{nb.relative_to(root)} cell {cell}: {href}")
    return dead


def test_lectures_ship_with_links_only_to_what_the_handout_holds(tmp_path):
    """A handout of two assignments: is the lecture at the notebooks' link, and does every
    relative link of its notebooks resolve inside it (links to the others become text)?"""
    for a in ("01_dense", "03_rnn"):
        (tmp_path / "assignments").mkdir(exist_ok=True)
        import shutil
        shutil.copytree(ROOT / "assignments" / a, tmp_path / "assignments" / a)
    assert _dead_links(tmp_path), "the notebooks' lecture link should be dead before shipping"
    B.ship_lectures(tmp_path, ["01_dense", "03_rnn"])
    lecture = tmp_path / "course" / "lectures" / "rnn_lecture.ipynb"
    assert lecture.exists()
    assert _dead_links(tmp_path) == []
    text = lecture.read_text()
    assert "../../assignments/03_rnn/rnn.ipynb" in text
    assert "06_sentiment/sentiment.ipynb" not in text and "(not in this handout)" in text
    # answers stay folded as in the course's lecture
    assert text.count("<details>") == (ROOT / "course/lectures/rnn_lecture.ipynb").read_text().count(
        "<details>") > 0


@SLOW
def test_every_relative_link_in_the_bundle_resolves_inside_it(built):
    """Does every relative link of every bundled notebook (the lecture link of each
    assignment, the lecture's links to the assignments) point to a file in the handout?"""
    out, _, _ = built
    assert (out / "course" / "lectures" / "rnn_lecture.ipynb").exists()
    assert sum(len(_relative_links(nb)) for nb in out.rglob("*.ipynb")) > 6
    assert _dead_links(out) == []
