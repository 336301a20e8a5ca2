"""04_bptt beyond the generic tests: masks, end-to-end grading, and the hand-graded question."""
import nbformat
import numpy as np

from autograder import caches
from autograder_instructor.build import COURSE, ROOT
from autograder.cases import judge, run_probe
from autograder_instructor.suites import bptt as suite
from autograder_instructor.suites._base import reference_namespace
from solutions.bptt import rnn_backward
from solutions.rnn import rnn_forward


def test_fully_masked_sequence_passes_the_gradient_straight_to_h0():
    """With every step masked, is h0 copied through, so dh0 is the sum of dh and nothing else moves?"""
    rng = np.random.default_rng(0)
    x, W, b, h0 = (rng.normal(size=(2, 4, 3)), rng.normal(size=(5, 8)), rng.normal(size=5),
                   rng.normal(size=(2, 5)))
    dh = rng.normal(size=(2, 4, 5))
    _, cache = rnn_forward(x, W, b, h0=h0, mask=np.zeros((2, 4), dtype=bool))
    dx, dh0, dW, db = rnn_backward(dh, cache)
    assert np.array_equal(dx, np.zeros_like(x))
    assert np.array_equal(dW, np.zeros_like(W)) and np.array_equal(db, np.zeros_like(b))
    assert np.allclose(dh0, dh.sum(axis=1), rtol=1e-14, atol=0)


def _forward_ignoring_mask(x, W, b, h0=None, mask=None):
    return rnn_forward(x, W, b, h0=h0)


def test_backward_is_also_run_on_the_students_own_forward_but_not_blamed_for_it():
    """A correct rnn_backward after a wrong rnn_forward: is the end-to-end case the only one
    that notices, and is it not counted against rnn_backward (one bug costs once: the wrong
    cache costs rnn_forward), with a note naming rnn_forward and the cache field?"""
    ns = {"np": np, **{k: getattr(caches, k) for k in caches.CACHE_TYPES}}
    ns.update(reference_namespace(*suite.SOLUTIONS))
    ns["rnn_forward"] = _forward_ignoring_mask
    test = next(t for t in suite.TESTS if t.grade_id == "rnn_backward_tests")
    outcomes = {c.label: judge(c, run_probe(c, ns)) for c in test.hidden()}
    assert all(o.passed for o in outcomes.values())
    noted = {label: o.message for label, o in outcomes.items() if o.message}
    assert list(noted) == ["end to end: rnn_forward (h0 and mask) then rnn_backward"], noted
    message = next(iter(noted.values()))
    assert message.startswith("not counted against rnn_backward: the cache your rnn_forward "
                              "returned differs from the reference's (cache.h"), message


def test_written_question_is_graded_by_hand_and_blanked_on_release():
    """Is the question a manually graded markdown cell whose model answer the release removes?"""
    def answer_cell(path):
        cells = [c for c in nbformat.read(path, as_version=4).cells
                 if c.metadata.get("nbgrader", {}).get("grade_id") == "bptt_plot_answer"]
        assert len(cells) == 1, path
        return cells[0]

    source = answer_cell(COURSE / "source" / "04_bptt" / "bptt.ipynb")
    released = answer_cell(ROOT / "assignments" / "04_bptt" / "bptt.ipynb")
    for cell in (source, released):
        meta = cell.metadata["nbgrader"]
        assert cell.cell_type == "markdown" and meta["grade"] and meta["solution"]
        assert meta["points"] == 2
    assert "vanishing" in source.source
    assert released.source.strip() == "YOUR ANSWER HERE"
