"""nbgrader's formgrader, in a real browser: does a graded course's page load and list it?

The server is started by the test on a free loopback port, in a temporary copy of the
course in which plain nbgrader released 01_dense and graded three students.
"""
import nbformat
import pytest

from .browser import browser, formgrader  # noqa: F401  (browser is a fixture)

pytestmark = pytest.mark.slow

STUDENTS = ("ada", "ben", "stub")


@pytest.fixture(scope="module")
def graded_course(tmp_path_factory, released_copy):
    from autograder_instructor.release import nbgrader
    from autograder_instructor.submissions import fill, write
    course = released_copy("01_dense", tmp_path_factory.mktemp("formgrader") / "course")
    released = course / "release" / "01_dense" / "dense.ipynb"
    answered = fill(released, course / "source" / "01_dense" / "dense.ipynb")
    for student, nb in zip(STUDENTS, (answered, answered, nbformat.read(released, as_version=4))):
        write(nb, course / "submitted" / student / "01_dense" / "dense.ipynb")
    nbgrader(course, "autograde", "01_dense", "--force")
    return course


def test_formgrader_lists_the_graded_students(browser, graded_course, tmp_path):  # noqa: F811
    """Does formgrader's Students page load (its own scripts and styles, nothing from the
    network) and list every graded student with a score?"""
    with formgrader(graded_course) as url:
        page = browser.open(f"{url}/formgrader/manage_students", offline=False)
        rows = page.wait_for(
            "(function () { var r = [...document.querySelectorAll('tbody tr')]"
            ".map(tr => [...tr.querySelectorAll('td')].map(td => td.innerText.trim()));"
            " return r.length >= 3 && r[0].length >= 4 ? r : null; })()",
            what="the students table to fill")
        page.screenshot(tmp_path / "formgrader-students.png")
        assert page.foreign_requests() == []
        ids = {row[1] for row in rows}
        assert set(STUDENTS) <= ids, rows
        scores = {row[1]: row[3] for row in rows}
        assert scores["stub"].startswith("0"), scores
        assert not scores["ada"].startswith("0"), scores
        assert page.script("return !!(window.jQuery && window.Backbone)"), "formgrader's scripts did not load"
