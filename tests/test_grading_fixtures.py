"""Are the committed scenario notebooks what tests/fixtures/make_submissions.py makes today?"""
from .fixtures.make_submissions import HERE, write_all


def test_fixture_notebooks_are_up_to_date(tmp_path):
    """Does regenerating the fixtures from the released 01_dense change any of them?"""
    fresh = write_all(tmp_path)
    stale = [name for name, path in fresh.items()
             if not (HERE / path.name).exists() or (HERE / path.name).read_bytes() != path.read_bytes()]
    assert not stale, (f"stale grading fixtures {stale}: run "
                       "python tests/fixtures/make_submissions.py and commit the result")
