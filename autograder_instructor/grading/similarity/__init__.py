"""Similarity evidence across a class: which pairs of students handed in code alike beyond
what the assignment explains (instructor-only).

regions.py (each student's own code, per graded function) -> fingerprint.py (winnowed
normalised tokens, AST shapes, surface traces) -> cohort.py (what is common in the
class, and the pairs that share what is not) + behaviour.py (wrong the same way on
hidden cases) -> score.py (per-function scores calibrated on the class, a verdict) ->
report.py (pairs.csv, report.html). command.py is ``rnn-course similarity`` and the
step ``rnn-course grade`` ends with. See docs/instructor-guide.md.
"""
