"""Benchmark: ``rnn-course grade --jobs 2`` against plain sequential ``nbgrader autograde``.

    python scripts/bench_grading.py [--students 40] [--assignment 03_rnn] [--jobs 2]

Generates a class from the released notebook (correct solutions, realistic bugs
from autograder_instructor.mutants, broken notebooks: untouched stubs, a syntax error, a
truncated file), grades the same class both ways in two copies of one released
course, and prints both wall times, their ratio (goal: at most 0.15 on two
cores), whether every non-hostile submission got identical scores, and the
per-submission overhead beyond executing the notebook (goal: under 0.2 s).
The class is graded a third time with ``--no-sandbox`` (forked from the zygote,
no kernel isolation) so the sandbox's own cost is printed beside it.
Falls back to 01_dense, saying so, if the requested assignment is not released.
"""
import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from autograder_instructor.demo import scores  # noqa: E402
from autograder_instructor.mutants import all_mutants  # noqa: E402
from autograder_instructor.release import ASSIGNMENTS, copy_course, nbgrader, nbgrader_env  # noqa: E402
from autograder_instructor.submissions import fill, write  # noqa: E402
from autograder_instructor.suites import modules  # noqa: E402


def pick_assignment(wanted):
    module = modules().get(wanted)
    if module is not None and (ASSIGNMENTS / wanted / module.NOTEBOOK).exists():
        return wanted
    print(f"note: {wanted} is not released yet (no suite or no assignments/{wanted}); "
          "benchmarking 01_dense instead")
    return "01_dense"


def make_class(course, assignment, n):
    """{student: (kind, notebook or bytes)}: about 40% correct, 40% buggy, 20% broken."""
    module = modules()[assignment]
    released = course / "release" / assignment / module.NOTEBOOK
    source = course / "source" / assignment / module.NOTEBOOK
    funcs = {t.func for t in module.TESTS}
    mutants = [m for m in all_mutants() if m.func in funcs]
    students = {}
    for i in range(n):
        slot = i % 5
        if slot in (0, 1) or not mutants:
            students[f"s{i:02d}"] = ("correct", fill(released, source))
        elif slot in (2, 3):
            m = mutants[i % len(mutants)]
            students[f"s{i:02d}"] = (f"buggy:{m.name}", fill(released, source, {m.func: m.source()}))
        else:
            k = (i // 5) % 3
            if k == 0:
                students[f"s{i:02d}"] = ("broken:stub", nbformat.read(released, as_version=4))
            elif k == 1:
                nb = fill(released, source)
                solution = next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")
                                and c.cell_type == "code")
                solution.source += "\n\ndef oops(:\n    pass\n"
                students[f"s{i:02d}"] = ("broken:syntax error", nb)
            else:
                text = nbformat.writes(fill(released, source))
                students[f"s{i:02d}"] = ("hostile:truncated file", text[: len(text) // 3].encode())
    return students


def lay_out(course, assignment, notebook, students):
    for student, (_, nb) in students.items():
        path = course / "submitted" / student / assignment / notebook
        if isinstance(nb, bytes):
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(nb)
        else:
            write(nb, path)


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--students", type=int, default=40)
    p.add_argument("--assignment", default="03_rnn")
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--keep", help="keep the two course copies in this folder")
    args = p.parse_args(argv)
    assignment = pick_assignment(args.assignment)
    notebook = modules()[assignment].NOTEBOOK
    base = Path(args.keep or tempfile.mkdtemp(prefix="bench-grading-")).resolve()
    if base.exists():
        shutil.rmtree(base)
    print(f"[1/4] releasing {assignment} with nbgrader generate_assignment")
    plain = copy_course(base / "plain")
    nbgrader(plain, "generate_assignment", assignment, "--force")
    students = make_class(plain, assignment, args.students)
    ours = base / "ours"
    shutil.copytree(plain, ours)
    lay_out(plain, assignment, notebook, students)
    kinds = {}
    for kind, _ in students.values():
        kinds[kind.split(":")[0]] = kinds.get(kind.split(":")[0], 0) + 1
    print(f"[2/4] class of {len(students)}: " + ", ".join(f"{v} {k}" for k, v in kinds.items()))

    print("[3/4] plain nbgrader autograde, sequential")
    t0 = time.monotonic()
    proc = nbgrader(plain, "autograde", assignment, "--force", check=False)
    t_plain = time.monotonic() - t0
    print(f"      {t_plain:.1f} s (exit code {proc.returncode})")

    bare = base / "bare"
    shutil.copytree(ours, bare)
    timings = {}
    for label, course, extra in (("sandboxed", ours, []), ("--no-sandbox", bare, ["--no-sandbox"])):
        print(f"[4/4] rnn-course grade --jobs {args.jobs} {' '.join(extra)}")
        t0 = time.monotonic()
        subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "grade", assignment,
                        str(plain / "submitted"), "--course", str(course), "--jobs", str(args.jobs),
                        "--quiet", *extra], check=True, env=nbgrader_env(), stdout=subprocess.DEVNULL)
        timings[label] = time.monotonic() - t0
        print(f"      {timings[label]:.1f} s")
    t_ours = timings["sandboxed"]

    name = notebook.removesuffix(".ipynb")
    a, b = scores(plain, assignment, name), scores(ours, assignment, name)
    compared, differ = 0, []
    for student, (kind, _) in sorted(students.items()):
        if kind.startswith("hostile"):
            continue
        compared += 1
        if a.get(student) != b.get(student):
            differ.append((student, kind, a.get(student), b.get(student)))
    def per_submission(course):
        journal = [json.loads(line) for line in open(course / "grading" / assignment / "state.jsonl")]
        ran = [e for e in journal if e["seconds_total"]]
        return ([e["seconds_cells"] for e in ran], [e.get("seconds_checks", 0.0) for e in ran],
                [e["seconds_total"] - e["seconds_cells"] - e.get("seconds_checks", 0.0) for e in ran])

    cells, checks, overhead = per_submission(ours)
    bare_overhead = per_submission(bare)[2]
    ratio = t_ours / t_plain
    print()
    print(f"assignment            {assignment} ({len(students)} students)")
    print(f"plain nbgrader        {t_plain:7.1f} s  ({t_plain / len(students):.2f} s per student)")
    print(f"rnn-course grade -j{args.jobs}  {t_ours:7.1f} s  ({t_ours / len(students):.2f} s per student)")
    print(f"ratio                 {ratio:7.3f}  (goal <= 0.15) {'OK' if ratio <= 0.15 else 'MISSED'}")
    print(f"same, --no-sandbox    {timings['--no-sandbox']:7.1f} s  (ratio "
          f"{timings['--no-sandbox'] / t_plain:.3f}; the sandbox costs "
          f"{t_ours - timings['--no-sandbox']:+.1f} s on this class)")
    print(f"identical scores      {compared - len(differ)} of {compared} non-hostile submissions")
    print(f"notebook execution    median {statistics.median(cells):.2f} s per submission")
    print(f"checks (student code) median {statistics.median(checks):.2f} s per submission "
          "(the grade cells' cases running the student's functions)")
    print(f"overhead beyond both  median {statistics.median(overhead):.2f} s, max {max(overhead):.2f} s "
          "per submission (process start, sending cases and outputs, judging; goal < 0.2 s)")
    print(f"  --no-sandbox        median {statistics.median(bare_overhead):.2f} s "
          "(forked from the zygote instead of one bwrap sandbox per process)")
    for d in differ:
        print("  differs:", d)
    print(f"courses kept in {base}" if args.keep else "")
    if not args.keep:
        shutil.rmtree(base, ignore_errors=True)
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
