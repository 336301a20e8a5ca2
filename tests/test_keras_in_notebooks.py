"""Keras in the notebooks a student runs: TensorFlow's start-up noise stays out of the cells."""
import ast
import json

import nbformat
import pytest

from autograder_instructor.build import ROOT

KERAS_NOTEBOOKS = sorted(p for a in ("06_sentiment", "07_gated", "08_cnn_tagging")
                         for p in (ROOT / "assignments" / a).glob("*.ipynb"))


@pytest.mark.slow
def test_keras_cells_show_no_tensorflow_start_up_noise(monkeypatch):
    """In a Jupyter kernel started as a student's is (no TF_* variables set), does a Keras
    cell that starts with require_keras(), as 06, 07 and 08's do, show no stderr at all (no
    oneDNN notice, no cudart or cuInit lines in red), while its own output still shows?"""
    from nbclient import NotebookClient
    for name in ("TF_CPP_MIN_LOG_LEVEL", "TF_ENABLE_ONEDNN_OPTS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(source) for source in (
        "import os\nimport numpy as np\nfrom autograder.visible import require_keras",
        "if require_keras():\n    import keras\n    import tensorflow as tf\n"
        "    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(1)])\n"
        "    print('output', tuple(model(np.zeros((1, 3))).shape))",
        "print(os.environ['TF_ENABLE_ONEDNN_OPTS'], os.environ['TF_CPP_MIN_LOG_LEVEL'])")])
    NotebookClient(nb, timeout=300, kernel_name="python3").execute()
    outputs = [o for c in nb.cells for o in c.outputs]
    assert not [o for o in outputs if o.get("name") == "stderr"], outputs
    assert not [o for o in outputs if o.output_type == "error"], outputs
    assert nb.cells[1].outputs[0].text == "output (1, 1)\n"
    assert nb.cells[2].outputs[0].text == "0 3\n"


def _sets_tf_env(node):
    return (isinstance(node, ast.Call) and "TF_" in ast.unparse(node)
            and "environ" in ast.unparse(node.func))


def _imports_tensorflow(node):
    if isinstance(node, ast.Import):
        return any(a.name.split(".")[0] in ("keras", "tensorflow") for a in node.names)
    if isinstance(node, ast.ImportFrom):
        return (node.module or "").split(".")[0] in ("keras", "tensorflow")
    return isinstance(node, ast.Call) and getattr(node.func, "id", None) == "require_keras"


@pytest.mark.parametrize("path", KERAS_NOTEBOOKS, ids=lambda p: p.parent.name)
def test_tensorflow_settings_come_before_tensorflow(path):
    """Does every line of 06, 07 and 08 that sets a TF_* variable (read once, when TensorFlow
    loads) come before the first line that imports Keras or TensorFlow (require_keras
    included)?"""
    first_import, settings = None, []
    for index, cell in enumerate(json.loads(path.read_text())["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse("\n".join("pass" if line.lstrip().startswith(("%", "!")) else line
                                   for line in source.splitlines()))
        for node in sorted(ast.walk(tree), key=lambda n: (getattr(n, "lineno", 0),
                                                         getattr(n, "col_offset", 0))):
            where = (index, getattr(node, "lineno", 0))
            if _sets_tf_env(node):
                settings.append(where)
            elif first_import is None and _imports_tensorflow(node):
                first_import = where
    assert first_import is not None
    assert all(where < first_import for where in settings), (settings, first_import)
