"""The stored Keras golden values: where they are, how to read them, and TensorFlow set up
the way every generator computes them (float64, CPU, quiet).

The suites' hidden checks read these values (:func:`load`), so grading never imports
TensorFlow; :mod:`.golden` writes and checks the files with the generators of
:mod:`.keras_golden`. This module imports neither, so both can import it.
"""
from pathlib import Path

import numpy as np

# The Keras golden values: hidden checks read them, so they stay on the instructor's side.
KERAS_DATA = Path(__file__).resolve().parent / "data"


def keras_path(assignment):
    return KERAS_DATA / f"keras_{assignment}.npz"


def load(assignment):
    """The stored Keras golden values of an assignment, as {name: ndarray}."""
    with np.load(keras_path(assignment), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def prepare_tensorflow():
    """Import TensorFlow quietly, on the CPU, in float64."""
    import os
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import keras
    import tensorflow as tf
    # Start from a clean Keras state: models built earlier in this process (a check that
    # ran a student's Keras model in float32, say) must not change what is computed here.
    keras.utils.clear_session()
    keras.config.set_floatx("float64")
    return tf, keras
