"""05's optimizer checks: is the Keras tolerance right, and why are updates compared, not weights?"""
import numpy as np

from autograder_instructor import golden, keras_values
from autograder_instructor.keras_golden.embeddings_optimizers import OPTIMIZERS, STEPS
from autograder_instructor.mutants.optimizers import AdamEpsilonOnCorrectedRoot
from autograder_instructor.suites.embeddings_optimizers import ASSIGNMENT, KERAS_RTOL
from solutions import optimizers

G = keras_values.load(ASSIGNMENT)


def _trajectory(cls, name):
    """Updates and weights of ``cls`` on a stored Keras problem, step by step."""
    _, init = OPTIMIZERS[name]
    params = {k: G[f"opt/{name}/{k}"].copy() for k in ("W", "b")}
    optimizer, updates, weights = cls(**init), [], []
    for i in range(STEPS):
        before = {k: v.copy() for k, v in params.items()}
        optimizer.update(params, {k: G[f"opt/{name}/grad_{k}"][i] for k in params})
        updates.append({k: params[k] - before[k] for k in params})
        weights.append({k: v.copy() for k, v in params.items()})
    return updates, weights


def _worst(updates, name):
    return max(np.max(np.abs(u[k] - G[f"opt/{name}/update_{k}"][i]) / np.abs(G[f"opt/{name}/update_{k}"][i]))
               for i, u in enumerate(updates) for k in u)


def test_correct_float64_optimizers_are_well_inside_the_keras_tolerance():
    """Does every reference optimizer match Keras's updates with room to spare?"""
    for name, (cls, _) in OPTIMIZERS.items():
        updates, _ = _trajectory(getattr(optimizers, cls), name)
        assert _worst(updates, name) < KERAS_RTOL / 10, name


def test_the_keras_tolerance_is_needed_for_a_correct_adam():
    """Would the default 1e-7 tolerance fail a correct Adam (Keras's float32-rounded betas)?"""
    updates, _ = _trajectory(optimizers.Adam, "adam")
    assert 1e-6 < _worst(updates, "adam") < 1e-5


def test_comparing_weights_would_hide_a_real_adam_bug():
    """Does epsilon on sqrt(v_hat) pass a weight comparison at 1e-4 but fail on the updates?"""
    updates, weights = _trajectory(AdamEpsilonOnCorrectedRoot, "adam")
    for i, w in enumerate(weights):
        for k in w:  # Keras's weights after step i: the start plus its first i + 1 updates
            keras_w = G[f"opt/adam/{k}"] + G[f"opt/adam/update_{k}"][:i + 1].sum(axis=0)
            assert np.allclose(w[k], keras_w, rtol=KERAS_RTOL, atol=0)
    assert _worst(updates, "adam") > 10 * KERAS_RTOL
