# Quick start: `make demo` (set up and run the grading demo), `make test` (set up and run the tests).
# Both create .venv with the system's python3 if it is not there yet and install the project into it.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
# nbgrader shells out to alembic when it creates a gradebook: the venv's bin/ must be on PATH.
export PATH := $(abspath $(BIN)):$(PATH)
export TF_CPP_MIN_LOG_LEVEL := 2
export TF_ENABLE_ONEDNN_OPTS := 0

.PHONY: setup demo test test-fast test-exhaustive lectures slides benchmark clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $@

demo: setup
	$(BIN)/rnn-course demo

test: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup

# The edit-test loop: everything not marked slow (no end-to-end nbgrader or TensorFlow runs).
test-fast: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not slow"

# Now and then: every known mistake through plain nbgrader, a kernel each (about 220 kernels).
test-exhaustive: setup
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m exhaustive

lectures: setup
	$(BIN)/rnn-course lectures

slides: setup
	$(BIN)/rnn-course slides

benchmark: setup
	$(BIN)/python scripts/bench_rnn.py

clean:
	rm -rf $(VENV) build dist *.egg-info course/release course/submitted course/autograded course/feedback course/gradebook.db
