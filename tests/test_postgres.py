"""The gradebook on a real PostgreSQL server: `rnn-course grade` and plain nbgrader.

SQLite is the default gradebook, but the docs promise any SQLAlchemy URL; these tests
hold that promise for PostgreSQL. The server is pgserver's (a wheel in the `test` extra
that bundles PostgreSQL's binaries), started here in a temporary folder, listening on a
unix socket only (no TCP port), and stopped, its data deleted, when the tests are done.
Where it cannot be started the tests skip and say why.
"""
import contextlib
import shutil
import subprocess
import sys
import tempfile
import time

import pytest

from autograder_instructor.build import ROOT

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:XDG_RUNTIME_DIR is not set")]  # pgserver falls back to /tmp


class Postgres:
    def __init__(self, server):
        self.server = server
        self.socket_dir = server.get_postmaster_info().socket_dir

    def connect(self, database="postgres"):
        import psycopg
        return psycopg.connect(self.server.get_uri(database), autocommit=True)

    def database(self, name):
        """A new, empty database; its SQLAlchemy URL (psycopg 3 driver, unix socket)."""
        with self.connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+psycopg://postgres@/{name}?host={self.socket_dir}"


@contextlib.contextmanager
def postgres_server():
    """Start a throw-away PostgreSQL server; stop it and delete its data on exit."""
    try:
        import pgserver
        import psycopg  # noqa: F401
    except ImportError as e:
        pytest.skip(f"no PostgreSQL server for the tests: {e.name} is not installed (it is in "
                    "the `test` extra; pgserver has no wheel for Python 3.13 and later yet)")
    # a short folder: the server's socket path must fit in a unix socket address (107 bytes)
    folder = tempfile.mkdtemp(prefix="rnn-pg-")
    try:
        server = pgserver.get_server(folder, cleanup_mode="delete")
    except Exception as e:  # no binaries for this platform, no way to drop root, ...
        shutil.rmtree(folder, ignore_errors=True)
        pytest.skip(f"PostgreSQL (pgserver) would not start here: {type(e).__name__}: {e}")
    try:
        yield Postgres(server)
    finally:
        server.cleanup()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def postgres():
    with postgres_server() as pg:
        yield pg


def test_server_listens_on_a_unix_socket_only_and_stops(tmp_path):
    """Does the test server open no TCP port, and is it gone after its `with` block?"""
    import psutil
    with postgres_server() as pg:
        with pg.connect() as conn:
            assert conn.execute("SHOW listen_addresses").fetchone()[0] == ""
            assert conn.execute("SHOW unix_socket_directories").fetchone()[0] == str(pg.socket_dir)
        pid = pg.server.get_pid()
        assert psutil.pid_exists(pid)
    assert not _still_running(pid, psutil), "the PostgreSQL server outlived its fixture"


def _still_running(pid, psutil, wait=15.0):
    """Whether ``pid`` runs after up to ``wait`` s (an exited server that nobody has reaped
    yet, a zombie, has stopped: pg_ctl daemonises it, so its parent may be slow to reap)."""
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return False
        except psutil.NoSuchProcess:
            return False
        time.sleep(0.1)
    return True


def _grades_in_postgres(pg, database):
    """{student: total score} read with SQL, not through nbgrader: the rows are really there."""
    with pg.connect(database) as conn:
        rows = conn.execute(
            "SELECT s.student_id, SUM(COALESCE(g.manual_score, g.auto_score, 0)) "
            "FROM grade g JOIN submitted_notebook n ON g.notebook_id = n.id "
            "JOIN submitted_assignment s ON n.assignment_id = s.id "
            "GROUP BY s.student_id").fetchall()
    return {student: float(total) for student, total in rows}


def test_rnn_course_grade_writes_a_postgres_gradebook(postgres, tmp_path):
    """Does `rnn-course grade --db postgresql+psycopg://...` release the assignment into an
    empty PostgreSQL gradebook, grade every student, and nbgrader read the grades back?"""
    from autograder_instructor.grading.gradebook import totals
    from autograder_instructor.release import copy_course

    from .fixtures.grading_course import fixture_paths, submitted
    course = copy_course(tmp_path / "course")
    paths = fixture_paths()
    folder = submitted(tmp_path / "submitted", {"ada": paths["reference"],
                                                 "ben": paths["wrong-shape"]})
    db = postgres.database("grade_cli")
    proc = subprocess.run([sys.executable, "-m", "autograder_instructor.cli", "grade", "01_dense",
                           str(folder), "--course", str(course), "--db", db, "--jobs", "2",
                           "--out", str(tmp_path / "out"), "--quiet"],
                          cwd=ROOT, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    book = totals(db, "01_dense", "dense")
    assert set(book) == {"ada", "ben"}
    assert sum(v[0] for v in book["ada"].values()) == 12
    # partial credit: the flattening relu is right on its one 1-D case only (1 of 7 checks)
    assert book["ben"]["relu_tests"][0] == 0.28 and book["ben"]["sigmoid_tests"][0] == 1
    assert _grades_in_postgres(postgres, "grade_cli") == {
        s: float(sum(v[0] for v in book[s].values())) for s in book}
    assert not (course / "gradebook.db").exists(), "graded into SQLite instead"
    assert "ada" in (tmp_path / "out" / "grades.csv").read_text()


def test_nbgrader_autograde_with_a_postgres_gradebook(postgres, tmp_path):
    """Does plain nbgrader (generate_assignment, autograde, export with --db) work on
    PostgreSQL: full marks for the solution, none for the untouched stub?"""
    import nbformat

    from autograder_instructor.grading.gradebook import totals
    from autograder_instructor.release import copy_course, nbgrader
    from autograder_instructor.submissions import fill, write
    course = copy_course(tmp_path / "course")
    db = postgres.database("nbgrader_cli")
    nbgrader(course, "generate_assignment", "01_dense", "--force", f"--db={db}")
    released = course / "release" / "01_dense" / "dense.ipynb"
    write(fill(released, course / "source" / "01_dense" / "dense.ipynb"),
          course / "submitted" / "ada" / "01_dense" / "dense.ipynb")
    write(nbformat.read(released, as_version=4),
          course / "submitted" / "stub" / "01_dense" / "dense.ipynb")
    nbgrader(course, "autograde", "01_dense", "--force", f"--db={db}")
    book = totals(db, "01_dense", "dense")
    assert all(score == top > 0 for score, top in book["ada"].values()), book["ada"]
    assert all(score == 0 for score, _ in book["stub"].values()), book["stub"]
    assert _grades_in_postgres(postgres, "nbgrader_cli")["stub"] == 0
    nbgrader(course, "export", f"--db={db}", "--to", str(tmp_path / "grades.csv"))
    assert "ada" in (tmp_path / "grades.csv").read_text()
    assert not (course / "gradebook.db").exists(), "nbgrader used SQLite instead"


def test_skips_with_a_reason_without_pgserver(monkeypatch):
    """Where pgserver cannot be imported (Python 3.13), do the tests skip and say why?"""
    monkeypatch.setitem(sys.modules, "pgserver", None)  # makes `import pgserver` fail
    with pytest.raises(pytest.skip.Exception, match="pgserver is not installed"):
        with postgres_server():
            pass
