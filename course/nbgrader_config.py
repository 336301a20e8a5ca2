"""nbgrader configuration of the course (run nbgrader commands from this folder)."""
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
