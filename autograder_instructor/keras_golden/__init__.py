"""Generators of Keras golden values, one module per assignment.

Each module defines ``ASSIGNMENT`` and ``generate() -> {name: ndarray}``, which
imports TensorFlow (through :func:`autograder_instructor.keras_values.prepare_tensorflow`), builds
fixed inputs from a fixed seed, and returns inputs and Keras's outputs together.
Only ``rnn-course golden`` and the project's tests call them; grading never does.
TensorFlow's gradients all come from one helper, :mod:`._tape` (a module whose name
starts with ``_`` is a helper, not a generator).
"""
