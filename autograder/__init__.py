"""Checks, grading pipeline and command line of the RNN-for-text course.

Public side (shipped to students): ``caches``, ``visible``, ``compare``, ``probes``,
``data`` and the visible-case files (read by ``visible_files``). Instructor side: ``hidden``, ``suites``,
``mutants``, ``golden``, ``build``, ``release``, ``grading``. The split is listed
once, in :data:`autograder.layout.PUBLIC_MODULES`.
"""

__version__ = "0.1.0"
