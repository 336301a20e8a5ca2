"""Finding submissions: nbgrader's layout, flat LMS folders and zips, and what is odd in them."""
import os
import time
import zipfile

from autograder.grading.collect import collect

NB = b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'


def _write(path, data=NB, age=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    if age:
        os.utime(path, (time.time() - age, time.time() - age))
    return path


def test_nbgrader_layout_with_renamed_duplicate_and_stray_files(tmp_path):
    """Is a renamed notebook graded and reported, a duplicate reported, a stray file listed?"""
    root = tmp_path / "submitted"
    _write(root / "ada" / "01_dense" / "dense.ipynb")
    _write(root / "ada" / "01_dense" / "timestamp.txt", b"2026-11-20 10:00:00 UTC")
    _write(root / "ben" / "01_dense" / "my dense (final).ipynb")
    _write(root / "cai" / "01_dense" / "dense.ipynb")
    _write(root / "cai" / "01_dense" / "dense-old.ipynb", age=3600)
    _write(root / "cai" / "01_dense" / "notes.txt", b"hello")
    (root / "dee" / "01_dense").mkdir(parents=True)
    found = collect(root, "01_dense", "dense.ipynb")
    subs = {s.student: s for s in found.submissions}
    assert set(subs) == {"ada", "ben", "cai", "dee"}
    assert subs["ada"].path.name == "dense.ipynb" and subs["ada"].timestamp.startswith("2026")
    assert subs["ben"].path.name == "my dense (final).ipynb"
    assert any("renamed" in n for n in subs["ben"].notes)
    assert subs["cai"].path.name == "dense.ipynb"
    assert any("duplicate" in n and "dense-old" in n for n in subs["cai"].notes)
    assert any("stray" in n and "notes.txt" in n for n in subs["cai"].notes)
    assert subs["dee"].path is None and any("no notebook" in n for n in subs["dee"].notes)


def test_course_folder_is_understood_as_its_submitted_folder(tmp_path):
    """Can the course folder itself be given, as nbgrader users would?"""
    _write(tmp_path / "submitted" / "ada" / "01_dense" / "dense.ipynb")
    found = collect(tmp_path, "01_dense", "dense.ipynb")
    assert [s.student for s in found.submissions] == ["ada"]


def test_flat_lms_folder_uses_the_pattern_and_reports_unmatched_files(tmp_path):
    """Are student ids read from file names, the newest duplicate graded, unmatched files listed?"""
    _write(tmp_path / "ada_dense.ipynb")
    _write(tmp_path / "ada_dense (1).ipynb", age=600)
    _write(tmp_path / "ben_notebook.ipynb")
    _write(tmp_path / "README.txt", b"instructions")
    found = collect(tmp_path, "01_dense", "dense.ipynb")
    subs = {s.student: s for s in found.submissions}
    assert set(subs) == {"ada", "ben"}
    assert subs["ada"].path.name == "ada_dense.ipynb"
    assert any("duplicate" in n for n in subs["ada"].notes)
    assert any("renamed" in n for n in subs["ben"].notes)
    assert found.unmatched == ["README.txt"]


def test_custom_pattern_for_canvas_style_names(tmp_path):
    """Does a Canvas-style pattern take the numeric id from the middle of the name?"""
    _write(tmp_path / "doejane_12345_67890_dense.ipynb")
    found = collect(tmp_path, "01_dense", "dense.ipynb",
                    pattern=r"^[^_]+_(?P<student_id>\d+)_\d+_(?P<file_id>.*)$")
    assert [s.student for s in found.submissions] == ["12345"]
    assert not found.submissions[0].notes


def test_zip_is_unpacked_safely(tmp_path):
    """Is a zip of LMS files graded, and is an entry that climbs out of the folder ignored?"""
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("ada_dense.ipynb", NB)
        z.writestr("../evil_dense.ipynb", NB)
    found = collect(archive, "01_dense", "dense.ipynb", unpack_to=tmp_path / "work")
    assert [s.student for s in found.submissions] == ["ada"]
    assert not (tmp_path / "evil_dense.ipynb").exists()
