"""The student package of the RNN-for-text course: what students receive.

Everything in this folder ships in the student handout and is what a student process
may read while it is graded: the caches students fill, the visible checks (``check(f)``),
the probes and comparisons they run on, the Keras layout conversions, the corpora and
loaders, the baselines and ``rnn-course-student check``. Nothing here answers a graded
function or imports the instructor's package (``autograder_instructor``); tests hold it
to that.
"""

__version__ = "0.1.0"
