"""nbgrader configuration of the course (run nbgrader commands from this folder)."""
import importlib.util
import os

c = get_config()  # noqa: F821 (provided by nbgrader when it loads this file)

c.CourseDirectory.course_id = "rnn-text"
# course/authoring holds the text specs the source notebooks are built from;
# it is not an assignment.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback"]

# What a student sees in place of a solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Per-cell time limit while validating and autograding (nbgrader's default is 30 s).
c.Execute.timeout = 120

# The exchange (release_assignment, collect, release_feedback, fetch_feedback) lives
# inside the course, so formgrader's Release buttons work out of the box on a single
# machine; it is created on first use and ignored by git. On a shared JupyterHub,
# point it at a folder every user can write instead, e.g. "/srv/nbgrader/exchange",
# and give students the same line.
c.Exchange.root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "exchange")
try:
    os.makedirs(c.Exchange.root, exist_ok=True)
except OSError:  # a read-only copy of the course: nbgrader says what is missing when it matters
    pass

# Formgrader's Generate Feedback (nbgrader generate_feedback) then keeps the page
# `rnn-course grade` wrote for a submission it graded, so students get one page whichever
# ran last, and every feedback folder gets the timestamp.txt and submission_secret.txt
# that Release Feedback needs (a submission placed in submitted/ by hand has neither).
if importlib.util.find_spec("autograder_instructor"):
    c.GenerateFeedback.post_convert_hook = "autograder_instructor.grading.nbgrader_feedback.keep_course_page"
