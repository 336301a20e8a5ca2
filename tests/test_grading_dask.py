"""The executor is pluggable: does grading through a local dask.distributed cluster work?"""
import pytest

from autograder_instructor.grading.gradebook import totals
from autograder_instructor.grading.pipeline import run

from .fixtures.grading_course import dense_course, fixture_paths, submitted  # noqa: F401


@pytest.mark.slow  # a whole grading run, or a process that must time out
def test_grading_on_a_local_dask_cluster_gives_the_same_scores(dense_course, tmp_path):
    """Do two students graded by dask workers (separate processes) get their usual scores,
    written to the gradebook by the parent?"""
    distributed = pytest.importorskip("distributed")
    paths = fixture_paths()
    folder = submitted(tmp_path / "sub", {"ada": paths["reference"],
                                          "ben": paths["wrong-signature"]})
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, \
            distributed.Client(cluster) as client:
        ctx = run(assignment="01_dense", submissions=folder, course=dense_course,
                  executor=client.get_executor(), quiet=True)
    book = totals(ctx["db_url"], "01_dense", "dense")
    assert sum(v[0] for v in book["ada"].values()) == 12
    # partial credit: a dense_forward without the activation argument passes only the
    # checks that leave it at its default (the share measured in tests/test_grading_hostile.py)
    assert book["ben"]["dense_forward_tests"][0] == 0.37
    assert sum(v[0] for v in book["ben"].values()) == pytest.approx(9.37)
