"""pairs.csv and report.html of the similarity evidence, and `rnn-course similarity`: safe to
open, escaped, and fed by a grading run's journal when there is one?"""
import csv
import hashlib
import json

import nbformat

from autograder_instructor.cli import main
from autograder_instructor.grading.similarity import analysis, regions, report

from . import similarity_class as sc

HOSTILE_ID = '=HYPERLINK("http://x","y")<script>alert(1)</script>'


def test_the_csv_is_spreadsheet_safe_and_the_html_escapes_student_text(tmp_path):
    """With a student id that is a spreadsheet formula and an HTML script, and code whose
    comment is a script tag, does pairs.csv neutralise the formula and report.html show both
    as text, never as markup?"""
    source = sc.independent(1)
    source["dense_backward"] = source["dense_backward"].replace(
        "def dense_backward(dy, cache):\n",
        "def dense_backward(dy, cache):\n    # </pre><script>alert('code')</script>\n", 1)
    students = {HOSTILE_ID: source, "ada": dict(source)}
    students.update({f"s{i}": sc.independent(500 + i) for i in range(6)})
    similarity = analysis.analyse(regions.load_assignment(sc.COURSE, "01_dense"),
                                  {s: sc.cells(f) for s, f in students.items()})
    assert any(HOSTILE_ID in (p.student_a, p.student_b) and p.verdict != "independent"
               for p in similarity.pairs)
    csv_path, html_path = report.write(similarity, tmp_path)
    with open(csv_path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == report.HEADER
    assert len(rows) == 1 + 8 * 7 // 2  # every pair, once
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "@")]
    assert "'" + HOSTILE_ID in cells
    scores = [float(r[2]) for r in rows[1:]]
    assert scores == sorted(scores, reverse=True) and all(0 <= s <= 1 for s in scores)
    assert {r[3] for r in rows[1:]} <= {"likely copied", "review", "independent"}
    page = html_path.read_text()
    assert "<script>" not in page and "</pre><script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;/pre&gt;&lt;script&gt;alert(&#x27;code&#x27;)" in page
    assert "data:image/png;base64," in page and "http://" not in page.replace(
        "http://x", "")  # offline: nothing fetched
    assert "<mark>" in page and "not a finding" in page


def _write_class(folder, students):
    folder.mkdir()
    paths = {}
    for s, funcs in students.items():
        paths[s] = folder / f"{s}_dense.ipynb"
        nbformat.write(sc.notebook(funcs), paths[s])
    return paths


def test_the_command_uses_the_grading_journal_for_the_files_it_graded(tmp_path, capsys):
    """Does `rnn-course similarity 01_dense FOLDER --out OUT` read grading results from
    OUT/state.jsonl for files with the same checksum (so two students wrong the same
    unexplained way are flagged), ignore a result of an older file, and write both files?"""
    students = {f"s{i}": sc.independent(600 + i) for i in range(8)}
    students["odd1"] = sc.independent(700, bug=sc.UNUSUAL_BUG)
    students["odd2"] = sc.independent(701, bug=sc.UNUSUAL_BUG)
    students["odd3"] = sc.independent(702, bug=sc.UNUSUAL_BUG)
    paths = _write_class(tmp_path / "lms", students)
    out = tmp_path / "out"
    out.mkdir()
    lines = []
    for s, funcs in students.items():
        result = sc.grade_in_process(funcs)
        result.student = s
        result.sha = hashlib.sha256(paths[s].read_bytes()).hexdigest()
        if s == "odd3":
            result.sha = "0" * 64  # graded from another file: must not be used
        lines.append(json.dumps(result.to_json()))
    (out / "state.jsonl").write_text("\n".join(lines) + "\n")
    assert main(["similarity", "01_dense", str(tmp_path / "lms"), "--out", str(out),
                 "--course", str(sc.COURSE)]) == 0
    printed = capsys.readouterr().out
    assert "code and behaviour on hidden cases" in printed
    with open(out / "pairs.csv", newline="", encoding="utf-8") as f:
        rows = {(r["student_a"], r["student_b"]): r for r in csv.DictReader(f)}
    assert len(rows) == 11 * 10 // 2
    assert rows[("odd1", "odd2")]["verdict"] != "independent"
    assert "no known mistake explains it" in rows[("odd1", "odd2")]["evidence"]
    assert "hidden cases" not in rows[("odd1", "odd3")]["evidence"]
    assert (out / "report.html").exists()


def test_the_command_without_grading_results_compares_code_only(tmp_path, capsys):
    """Without a journal, does the command still compare code (a verbatim copy is flagged)
    and say that behaviour was not available?"""
    students = {f"s{i}": sc.independent(800 + i) for i in range(8)}
    students["copy"] = dict(students["s3"])
    _write_class(tmp_path / "lms", students)
    assert main(["similarity", "01_dense", str(tmp_path / "lms"), "--out",
                 str(tmp_path / "out"), "--course", str(sc.COURSE)]) == 0
    printed = capsys.readouterr().out
    assert "code only" in printed and "copy / s3" in printed


def test_the_grade_step_writes_the_report_and_a_bad_notebook_stops_nothing(tmp_path):
    """Does the Similarity step of `rnn-course grade` write pairs.csv and report.html from the
    run's own results, skip a notebook whose code is absurdly nested or not Python (saying
    so), stay silent with --no-similarity, and print (not raise) when it cannot work?"""
    import io

    from autograder_instructor.grading.collect import Collection, Submission
    from autograder_instructor.grading.context import Context
    from autograder_instructor.grading.pipeline import Similarity

    students = {f"s{i}": sc.independent(900 + i) for i in range(6)}
    students["copy"] = dict(students["s2"])
    paths = _write_class(tmp_path / "lms", students)
    deep = sc.notebook({"relu": "def relu(z):\n    return " + "-" * 5000 + "z\n"})
    nbformat.write(deep, tmp_path / "lms" / "deep_dense.ipynb")
    (tmp_path / "lms" / "junk_dense.ipynb").write_text("not json")
    paths.update({"deep": tmp_path / "lms" / "deep_dense.ipynb",
                  "junk": tmp_path / "lms" / "junk_dense.ipynb"})
    collection = Collection([Submission(s, p) for s, p in paths.items()])
    results = [sc.grade_in_process(f) for f in students.values()]
    for r, s in zip(results, students):
        r.student = s

    def run(flag, course=sc.COURSE, out=tmp_path / "out"):
        stream = io.StringIO()
        ctx = Context({"similarity": flag, "results": results, "collection": collection,
                       "course": course, "assignment": "01_dense", "out": out,
                       "stream": stream})
        ctx.run(Similarity())
        return ctx["similarity_report"], stream.getvalue()

    assert run(False, out=tmp_path / "off") == (None, "")
    assert not (tmp_path / "off").exists()
    path, printed = run(True)
    assert path == tmp_path / "out" / "similarity" / "report.html" and path.exists()
    assert "copy / s2" in printed  # flagged (in a class of 7 the yardstick is short)
    page = path.read_text()
    assert "deep: its code could not be compared (RecursionError)" in page
    assert "junk: the file is not valid JSON" in page
    path, printed = run(True, course=tmp_path / "no-course", out=tmp_path / "out2")
    assert path is None and "could not be written" in printed


def test_grade_runs_the_similarity_step_unless_told_not_to():
    """Does `rnn-course grade` end with the similarity step by default, and does
    --no-similarity reach the run's inputs as off?"""
    import argparse

    from autograder_instructor.grading import command, pipeline
    from autograder_instructor.grading.inputs import Inputs

    parser = argparse.ArgumentParser()
    command.add_parser(parser.add_subparsers())
    on = Inputs.given(**command._inputs(parser.parse_args(["grade", "01_dense", "sub"])))
    off = Inputs.given(**command._inputs(parser.parse_args(
        ["grade", "01_dense", "sub", "--no-similarity"])))
    assert on.similarity is True and off.similarity is False
    assert type(pipeline.STEPS[-1]).__name__ == "Similarity"
