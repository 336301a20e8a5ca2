"""What both notebook checkers read from a notebook's code, and how they word it.

``rnn-course-student check`` (:mod:`autograder.selfcheck`, the notebook run in the
student's own Python) and ``rnn-course check`` (``autograder_instructor/grading/check.py``,
the notebook run in the grader's sandboxed student process) differ only in where the
cells run. Which functions a notebook defines, which of them a syntax error left
undefined, what a function calls, and the words of a failed cell are read here, once.
"""
import ast
import re

TIMEOUT = 60.0  # seconds per cell and per function's checks, as `rnn-course grade --timeout`

# A ``def``/``class`` line, for cells that do not parse (their names are still reported).
DEFINES = re.compile(r"^(?:async\s+)?(?:def|class)\s+([A-Za-z_]\w*)", re.M)


def code_of(source):
    """A cell's source with IPython magics and shell lines turned into ``pass``."""
    lines = []
    for line in source.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")):
            line = line[:len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def parse(source):
    """A cell's syntax tree (magics and shell lines count as ``pass``)."""
    return ast.parse(code_of(source))


def defined_in(tree):
    """Names a cell's syntax tree defines at top level, in order."""
    return [n.name for n in tree.body
            if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))]


def defined_names(sources):
    """Names the code cells define at top level, in order; cells that do not parse
    contribute the names their ``def``/``class`` lines announce."""
    names = []
    for source in sources:
        try:
            names += defined_in(parse(source))
        except SyntaxError:
            names += DEFINES.findall(source)
    return names


def syntax_errors(sources, label="cell"):
    """{function: why it was never defined} for functions whose cell does not parse (and
    that no later cell defines again); ``sources`` are (number, source) pairs."""
    broken = {}
    for number, source in sources:
        try:
            tree = parse(source)
        except SyntaxError as exc:
            for name in DEFINES.findall(source):
                broken[name] = (f"its cell ({label} {number}) has a {syntax_message(exc)}, so "
                                f"it was never defined")
            continue
        for name in defined_in(tree):  # defined again, correctly, in a later cell
            broken.pop(name, None)
    return broken


def calls_in(sources, func):
    """Names the last definition of ``func`` in these cell sources refers to."""
    used = set()
    for source in sources:
        try:
            tree = parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)) and node.name == func:
                used = {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}
    return used - {func}


def first_line(source):
    """A cell's first line of code, to name it in a message."""
    for line in source.splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()[:80]
    return ""


def syntax_message(exc):
    """``SyntaxError at line 3: '(' was never closed: `h = np.tanh((z`"."""
    text = (exc.text or "").strip()
    return (f"{type(exc).__name__} at line {exc.lineno}: {exc.msg}"
            + (f": `{text[:120]}`" if text else ""))


def timed_out(number, seconds, source):
    """The note for a cell stopped at its time limit."""
    return (f"ran past {seconds:g} s and was stopped (an infinite loop?); the other cells "
            f"still ran: `{first_line(source)}`")


def checks_timed_out(func, seconds):
    """The report of a function whose visible checks were stopped at their time limit."""
    return (f"{func}: its visible checks ran past {seconds:g} s and were stopped: an infinite "
            f"loop in {func} or in a function it calls?")
