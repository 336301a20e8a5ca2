"""The instructor's side of the RNN-for-text course: never shipped to students.

The suites and their hidden cases, the known mistakes (``mutants``), the Keras golden
values and their generators, the grader (``grading``), the authoring, release, bundle and
lecture commands, and the ``rnn-course`` command line. Student code cannot import it: the
grader's sandbox shows a student process only the student package ``autograder`` (and
released building blocks), and the handout is built from that folder alone
(:mod:`autograder_instructor.layout`).
"""
from autograder import __version__  # noqa: F401 (one version for both packages)
