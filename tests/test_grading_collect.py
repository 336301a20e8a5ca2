"""Finding submissions: nbgrader's layout, flat LMS folders and zips, and what is odd in them."""
import json
import os
import time
import unicodedata
import zipfile

import nbformat
import pytest

from autograder_instructor.grading.collect import IdClash, collect
from autograder_instructor.grading.prepare import read

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


def test_nbgraders_own_exchange_files_are_never_stray(tmp_path):
    """Does a submission collected through nbgrader's exchange (timestamp.txt and
    submission_secret.txt beside the notebook) carry no stray-file note, while a file the
    student added still does?"""
    work = tmp_path / "submitted" / "ada" / "01_dense"
    _write(work / "dense.ipynb")
    _write(work / "timestamp.txt", b"2026-11-20 10:00:00.000000 UTC")
    _write(work / "submission_secret.txt", b"5a2b8c0d")
    _write(work / "scratch.py", b"x = 1")
    ada, = collect(tmp_path / "submitted", "01_dense", "dense.ipynb").submissions
    assert ada.path.name == "dense.ipynb"
    assert ada.notes == ["stray file not graded: scratch.py"]


def test_course_folder_is_understood_as_its_submitted_folder(tmp_path):
    """Can the course folder itself be given, as nbgrader users would?"""
    _write(tmp_path / "submitted" / "ada" / "01_dense" / "dense.ipynb")
    found = collect(tmp_path, "01_dense", "dense.ipynb")
    assert [s.student for s in found.submissions] == ["ada"]


def test_flat_lms_folder_uses_the_pattern_and_reports_unmatched_files(tmp_path):
    """Are student ids read from file names, the newest duplicate graded, unmatched files listed?"""
    _write(tmp_path / "ada_dense.ipynb")
    _write(tmp_path / "ada_dense-old.ipynb", age=600)
    _write(tmp_path / "ben_notebook.ipynb")
    _write(tmp_path / "README.txt", b"instructions")
    found = collect(tmp_path, "01_dense", "dense.ipynb")
    subs = {s.student: s for s in found.submissions}
    assert set(subs) == {"ada", "ben"}
    assert subs["ada"].path.name == "ada_dense.ipynb"
    assert any("duplicate" in n and "dense-old" in n for n in subs["ada"].notes)
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


def test_notebook_at_the_top_of_the_folder_wins_over_a_backup_copy(tmp_path):
    """Is rnn.ipynb graded, not the newer backup/rnn.ipynb beside it (nbgrader grades only the
    top of the folder), and is the backup reported?"""
    root = tmp_path / "submitted"
    _write(root / "ada" / "01_dense" / "dense.ipynb", age=3600)
    _write(root / "ada" / "01_dense" / "backup" / "dense.ipynb")
    _write(root / "ben" / "01_dense" / "old" / "dense.ipynb")  # only in a subfolder: still graded
    subs = {s.student: s for s in collect(root, "01_dense", "dense.ipynb").submissions}
    assert subs["ada"].path == root / "ada" / "01_dense" / "dense.ipynb"
    assert any("duplicate" in n and "backup/dense.ipynb" in n for n in subs["ada"].notes)
    assert subs["ben"].path == root / "ben" / "01_dense" / "old" / "dense.ipynb"


def test_lms_reupload_counts_as_the_newer_file_and_is_reported(tmp_path):
    """Does 'bob_dense (1).ipynb' win over 'bob_dense.ipynb' even when its file time is older
    (unzipping sets times), and likewise Canvas's '-1' and a re-upload in nbgrader's layout?"""
    flat = tmp_path / "flat"
    _write(flat / "bob_dense.ipynb")
    _write(flat / "bob_dense (1).ipynb", age=600)
    _write(flat / "cai_dense (1).ipynb")
    _write(flat / "cai_dense (2).ipynb", age=600)
    _write(flat / "dee_dense-1.ipynb", age=600)
    _write(flat / "dee_dense.ipynb")
    subs = {s.student: s for s in collect(flat, "01_dense", "dense.ipynb").submissions}
    assert subs["bob"].path.name == "bob_dense (1).ipynb"
    assert any("re-upload" in n for n in subs["bob"].notes)
    assert any("duplicate" in n and "bob_dense.ipynb" in n for n in subs["bob"].notes)
    assert subs["cai"].path.name == "cai_dense (2).ipynb"
    assert subs["dee"].path.name == "dee_dense-1.ipynb"
    assert not any("renamed" in n for s in subs.values() for n in s.notes)
    root = tmp_path / "submitted"
    _write(root / "eve" / "01_dense" / "dense.ipynb")
    _write(root / "eve" / "01_dense" / "dense (1).ipynb", age=600)
    eve = collect(root, "01_dense", "dense.ipynb").submissions[0]
    assert eve.path.name == "dense (1).ipynb" and any("re-upload" in n for n in eve.notes)


def test_folders_keep_their_own_ids_spaces_and_unicode_included(tmp_path):
    """Are 'ana maria' and 'ana_maria', 'Josè' and 'José' four students with four ids, as
    nbgrader keeps them, and a name that cannot be a folder changed and reported?"""
    root = tmp_path / "submitted"
    names = ["ana maria", "ana_maria", "Josè", "José"]
    for name in names:
        _write(root / name / "01_dense" / "dense.ipynb")
    _write(root / "tab\tname" / "01_dense" / "dense.ipynb")
    subs = {s.student: s for s in collect(root, "01_dense", "dense.ipynb").submissions}
    assert set(names) <= set(subs) and len(subs) == 5
    assert all(not subs[n].notes for n in names)
    assert "tab_name" in subs and any("was used as id" in n for n in subs["tab_name"].notes)


def test_two_names_that_would_share_an_id_refuse_the_run_naming_both(tmp_path):
    """Do 'José' typed two ways (NFC and NFD: one name on screen), or a name that must be
    changed into one already taken, stop collection with a message naming both?"""
    root = tmp_path / "submitted"
    for name in (unicodedata.normalize("NFC", "José"), unicodedata.normalize("NFD", "José")):
        _write(root / name / "01_dense" / "dense.ipynb")
    with pytest.raises(IdClash, match="José.*José"):
        collect(root, "01_dense", "dense.ipynb")
    flat = tmp_path / "flat"
    _write(flat / "ana_dense.ipynb")
    _write(flat / "ana\x01_dense.ipynb")
    with pytest.raises(IdClash) as clash:
        collect(flat, "01_dense", "dense.ipynb", pattern=r"^(?P<student_id>[^_]+)_")
    assert "'ana'" in str(clash.value) and repr("ana\x01") in str(clash.value)


def test_default_pattern_reads_unicode_student_ids(tmp_path):
    """Is an LMS file 'josé_dense.ipynb' the student 'josé', not an unmatched file?"""
    _write(tmp_path / "josé_dense.ipynb")
    found = collect(tmp_path, "01_dense", "dense.ipynb")
    assert [s.student for s in found.submissions] == ["josé"] and not found.unmatched


def test_nbformat_v3_notebook_is_upgraded_and_the_upgrade_reported():
    """Is a notebook saved as nbformat 3 (cells in 'worksheets') read as v4, with its nbgrader
    metadata, and does the student learn it was upgraded?"""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "x = 1", metadata={"nbgrader": {"grade_id": "sigmoid", "solution": True}})])
    old = nbformat.writes(nbformat.convert(nb, 3))
    assert "worksheets" in json.loads(old)
    notes = []
    upgraded, reason = read(old.encode(), notes)
    assert not reason and upgraded.nbformat == 4 and upgraded.cells[0].source == "x = 1"
    assert upgraded.cells[0].metadata["nbgrader"]["grade_id"] == "sigmoid"
    assert notes and "nbformat 3" in notes[0]
