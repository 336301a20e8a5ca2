"""Live Keras: does a build_keras_model grade cell stay silent, and do models train? (slow)"""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.slow


def test_keras_grade_cell_writes_nothing_to_stderr():
    """nbgrader scores a grade cell 0 if it writes to stderr: run its cases as a cell would."""
    code = (
        "import os\n"
        "os.environ.setdefault('TF_CPP_MIN_LOG_LEVEL', '3')\n"
        "os.environ.setdefault('TF_ENABLE_ONEDNN_OPTS', '0')\n"
        "import sys, numpy as np, keras\n"
        "keras.Sequential([keras.Input((None,), dtype='int32'), keras.layers.Embedding(3, 2),"
        " keras.layers.SimpleRNN(2)])(np.array([[1, 2]]))\n"
        "from solutions.sentiment import build_keras_model\n"
        "from autograder_instructor.hidden import run_test\n"
        "sys.stderr.flush()\n"
        "print('---', file=sys.stderr, flush=True)\n"
        "outcomes, report = run_test('build_keras_model_tests', {'build_keras_model': build_keras_model})\n"
        "assert all(o.passed for o in outcomes), report\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    after = proc.stderr.split("---\n", 1)[1]
    assert after.strip() == "", f"the grade cell wrote to stderr: {after[:500]}"


def test_every_kind_beats_chance_on_the_training_set_after_two_epochs():
    code = (
        "from autograder.corpus import load_builtin\n"
        "from solutions.sentiment import KINDS, build_keras_model, build_vocabulary, texts_to_ids\n"
        "from solutions.rnn import pad_sequences\n"
        "import numpy as np, keras\n"
        "s = load_builtin(); v = build_vocabulary(s.train[0], None)\n"
        "X = pad_sequences(texts_to_ids(list(s.train[0]), v)); y = np.asarray(s.train[1])\n"
        "for kind in KINDS:\n"
        "    m = build_keras_model(kind, len(v), 16, 16)\n"
        "    m.compile(optimizer=keras.optimizers.Adam(0.01), loss='binary_crossentropy', metrics=['accuracy'])\n"
        "    h = m.fit(X, y, batch_size=64, epochs=2, verbose=0)\n"
        "    assert h.history['accuracy'][-1] > 0.55, (kind, h.history)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=600,
                   capture_output=True, text=True)
