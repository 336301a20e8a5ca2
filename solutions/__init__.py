"""Reference NumPy implementations of every graded function in the course.

This package is the only hand-written copy of the answers: the instructor
notebooks' solution regions are generated from it (``rnn-course build``) and a
test fails on any drift. It is never shipped to students.
"""
