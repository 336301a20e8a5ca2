"""A synthetic class for 01_dense (sigmoid, tanh, relu, softmax, dense_forward,
dense_backward): independent students in varied styles, near-canonical honest students,
and planted copies. Used by tests/test_similarity*.py and scripts/bench_similarity.py.

An independent student draws, per function, one of several correct ways to write it, per
statement one of several spellings, their own names for every local variable and their own
comments (a few from a short list everyone uses, the rest in their own words); some make a
common, named mistake. A near-canonical student writes the notebook's reference almost as
it is. Copies are derived from a source student's code by the transformations a copier uses.
"""
import random
import re

from autograder_instructor.build import COURSE

WORDS = ("compute", "get", "apply", "take", "form", "build", "find", "work out", "evaluate",
         "calculate", "do", "make", "handle", "use", "grab")
THINGS = ("the gradient", "the output", "this part", "the values", "the shift", "each row",
          "the activation", "the batch", "the result", "the derivative", "the weights",
          "the pre-activation", "the scores", "the logits", "the bias term")
ENDS = ("here", "now", "first", "for stability", "as in lecture", "like the notes say",
        "to avoid overflow", "then return", "before returning", "carefully", "elementwise",
        "row by row", "in one go", "with numpy", "(see notebook)", "step by step")
STOCK = ("# stable version", "# forward pass", "# backward pass", "# TODO check shapes")
NAMES = ("out", "res", "result", "val", "tmp", "t", "e", "ex", "expz", "s", "p", "q", "a", "h",
         "act", "shifted", "m", "mx", "num", "den", "total", "norm", "r", "g", "u", "v", "k",
         "z2", "zz", "y_", "ret", "arr", "w", "c", "o", "d", "grad", "delta", "dz", "dout",
         "da", "dpre", "local", "deriv", "f", "fn", "func", "ops", "table", "acts", "mapping")


def _comment(rng):
    if rng.random() < 0.15:
        return rng.choice(STOCK)
    return f"# {rng.choice(WORDS)} {rng.choice(THINGS)} {rng.choice(ENDS)}"


class Style:
    """One student's habits: their names for things and how often they comment."""

    def __init__(self, rng):
        self.rng = rng
        self.names = {}
        self.pool = list(NAMES) + [f"{w}{rng.randint(0, 99)}" for w in ("tmp", "val", "x", "r")]
        rng.shuffle(self.pool)
        self.commenting = rng.choice((0.0, 0.2, 0.5, 0.8))

    def n(self, role):
        """The student's name for the local playing ``role``."""
        if role not in self.names:
            self.names[role] = self.pool[len(self.names) % len(self.pool)]
        return self.names[role]

    def c(self, indent="    "):
        return f"{indent}{_comment(self.rng)}\n" if self.rng.random() < self.commenting else ""


def _sigmoid(s, r):
    e, o, p = s.n("e"), s.n("out"), s.n("pos")
    body = r.choice([
        f"    {e} = np.exp(-np.abs(z))\n    return np.where(z >= 0, 1 / (1 + {e}), {e} / (1 + {e}))\n",
        f"    return 0.5 * (1.0 + np.tanh(0.5 * z))\n",
        f"    {o} = np.empty_like(z, dtype=float)\n    {p} = z >= 0\n"
        f"    {o}[{p}] = 1.0 / (1.0 + np.exp(-z[{p}]))\n    {e} = np.exp(z[~{p}])\n"
        f"    {o}[~{p}] = {e} / (1.0 + {e})\n    return {o}\n",
        f"    return np.exp(-np.logaddexp(0.0, -z))\n",
        f"    {o} = np.clip(z, -{r.choice((30, 40, 50, 100, 500, 700))}, "
        f"{r.choice((30, 40, 50, 100, 500, 700))})\n    return 1.0 / (1.0 + np.exp(-{o}))\n",
    ])
    pre = r.choice(["", "    z = np.asarray(z, dtype=np.float64)\n", "    z = np.array(z, dtype=float)\n"])
    return "def sigmoid(z):\n" + s.c() + pre + body


def _tanh(s, r):
    e = s.n("e2")
    body = r.choice([
        "    return np.tanh(z)\n",
        "    return 2 * sigmoid(2 * z) - 1\n",
        f"    {e} = np.exp(-2 * np.abs(z))\n    return np.sign(z) * (1 - {e}) / (1 + {e})\n",
        "    return 2.0 * sigmoid(2.0 * z) - 1.0\n",
    ])
    return "def tanh(z):\n" + s.c() + body


def _relu(s, r):
    o = s.n("out")
    body = r.choice([
        "    return np.maximum(z, 0)\n", "    return np.maximum(0.0, z)\n",
        "    return np.where(z > 0, z, 0.0)\n", "    return z * (z > 0)\n",
        f"    {o} = np.array(z, dtype=float, copy=True)\n    {o}[{o} < 0] = 0.0\n    return {o}\n",
        "    return np.clip(z, 0, None)\n",
    ])
    return "def relu(z):\n" + s.c() + body


def _softmax(s, r):
    m, e, t = s.n("m"), s.n("ex"), s.n("total")
    if r.random() < 0.1:  # a common, named mistake: no shift
        return f"def softmax(z):\n    {e} = np.exp(z)\n    return {e} / {e}.sum(axis=-1, keepdims=True)\n"
    shift = r.choice([f"    {m} = np.max(z, axis=-1, keepdims=True)\n    {e} = np.exp(z - {m})\n",
                      f"    {e} = np.exp(z - z.max(axis=-1, keepdims=True))\n",
                      f"    {m} = z.max(-1)[..., None]\n    {e} = np.exp(z - {m})\n"])
    norm = r.choice([f"    return {e} / {e}.sum(axis=-1, keepdims=True)\n",
                     f"    {t} = np.sum({e}, axis=-1, keepdims=True)\n    return {e} / {t}\n",
                     f"    {e} /= np.sum({e}, axis=-1, keepdims=True)\n    return {e}\n"])
    return "def softmax(z):\n" + s.c() + shift + s.c() + norm


def _dense_forward(s, r):
    z, y, fs = s.n("zlin"), s.n("yout"), s.n("acts")
    affine = r.choice([f"x @ W.T + b", f"np.dot(x, W.T) + b", f"x.dot(W.T) + b",
                       f"np.einsum('ni,oi->no', x, W) + b", f"x @ W.T + b[None, :]",
                       f"np.matmul(x, W.T) + b"])
    kind = r.choice(("dict", "if", "if", "getattr"))
    if kind == "dict":
        ident = r.choice(["lambda v: v", "lambda q: q", "(lambda a: a)"])
        apply = (f"    {fs} = {{'linear': {ident}, 'sigmoid': sigmoid, 'tanh': tanh, "
                 f"'relu': relu, 'softmax': softmax}}\n    {y} = {fs}[activation]({z})\n")
    elif kind == "if":
        order = ["sigmoid", "tanh", "relu", "softmax"]
        r.shuffle(order)
        apply = f"    if activation == 'linear':\n        {y} = {z}\n"
        for a in order:
            apply += f"    elif activation == '{a}':\n        {y} = {a}({z})\n"
        apply += "    else:\n        raise ValueError(activation)\n"
    else:
        apply = (f"    {y} = {z} if activation == 'linear' else globals()[activation]({z})\n")
    check = r.choice(["", "    assert x.shape[1] == W.shape[1]\n",
                      "    x = np.asarray(x, dtype=float)\n"])
    return ("def dense_forward(x, W, b, activation=\"linear\"):\n" + s.c() + check +
            f"    {z} = {affine}\n" + s.c() + apply +
            f"    return {y}, DenseCache(x, W, b, {z}, {y}, activation)\n")


def _dense_backward(s, r, bug=None):
    d = s.n("dz")
    unpack = r.choice(["    x, W, b, z, y, activation = cache\n",
                       "    x, W, z, y = cache.x, cache.W, cache.z, cache.y\n"
                       "    activation = cache.activation\n"])
    tanh_d = bug or r.choice([f"dy * (1 - y ** 2)", f"dy * (1.0 - y * y)", f"(1 - y**2) * dy",
                              f"dy * (1.0 - np.square(y))"])
    branches = {
        "linear": r.choice([f"dy", f"dy.copy()", f"dy * 1.0"]),
        "sigmoid": r.choice([f"dy * y * (1 - y)", f"y * (1.0 - y) * dy", f"dy * (y - y ** 2)"]),
        "tanh": tanh_d,
        "relu": r.choice([f"dy * (z > 0)", f"np.where(z > 0, dy, 0.0)", f"dy * (y > 0)"]),
        "softmax": r.choice([f"y * (dy - np.sum(dy * y, axis=-1, keepdims=True))",
                             f"y * (dy - (dy * y).sum(axis=1, keepdims=True))"]),
    }
    order = list(branches)
    r.shuffle(order)
    chain = ""
    for i, a in enumerate(order):
        chain += f"    {'if' if i == 0 else 'elif'} activation == '{a}':\n        {d} = {branches[a]}\n"
    chain += "    else:\n        raise ValueError(activation)\n"
    grads = [r.choice([f"    dx = {d} @ W\n", f"    dx = np.dot({d}, W)\n", f"    dx = {d}.dot(W)\n"]),
             r.choice([f"    dW = {d}.T @ x\n", f"    dW = np.dot({d}.T, x)\n",
                       f"    dW = np.einsum('no,ni->oi', {d}, x)\n"]),
             r.choice([f"    db = {d}.sum(axis=0)\n", f"    db = np.sum({d}, axis=0)\n",
                       f"    db = {d}.sum(0)\n"])]
    r.shuffle(grads)
    return ("def dense_backward(dy, cache):\n" + s.c() + unpack + chain + s.c() + "".join(grads)
            + "    return dx, dW, db\n")


MAKERS = [_sigmoid, _tanh, _relu, _softmax, _dense_forward, _dense_backward]
def _reference():
    """The reference solutions of 01_dense as one module's text (what a near-canonical
    student starts from)."""
    import inspect

    import solutions.dense as ref
    return "\n".join(inspect.getsource(getattr(ref, f)) for f in
                     ("sigmoid", "tanh", "relu", "softmax", "dense_forward", "dense_backward"))


CANONICAL = _reference()


def independent(seed, bug=None):
    """{func: source} of one honest student; ``bug`` replaces their tanh derivative."""
    r = random.Random(seed)
    s = Style(r)
    out = {}
    for make in MAKERS:
        out[make.__name__[1:]] = make(s, r, bug) if make is _dense_backward else make(s, r)
    return out


def near_canonical(seed):
    """{func: source} of an honest student who wrote the reference almost as it is."""
    r = random.Random(seed)
    text = CANONICAL
    if r.random() < 0.5:
        text = text.replace("1.0 - y ** 2", "1 - y**2").replace("(1.0 - y)", "(1 - y)")
    if r.random() < 0.5:
        text = text.replace("dz.sum(axis=0)", "np.sum(dz, axis=0)")
    if r.random() < 0.5:
        text = text.replace("np.maximum(z, 0.0)", "np.maximum(0, z)")
    if r.random() < 0.3:
        text = text.replace("x @ W.T + b", "np.dot(x, W.T) + b")
    return split(text)


def split(text):
    """{func: source} of a module's top-level functions (helpers stay with the next one)."""
    out, current = {}, []
    for block in re.split(r"(?m)^(?=def |class )", text):
        if not block.strip():
            continue
        name = re.match(r"(?:def|class) (\w+)", block).group(1)
        current.append(block.rstrip() + "\n")
        if name in FUNCS:
            out[name] = "\n".join(current)
            current = []
    return out


FUNCS = [m.__name__[1:] for m in MAKERS]


def cells(funcs):
    """The code cells of a notebook holding ``funcs`` = {func: source}, one per function."""
    return [funcs[f] for f in FUNCS if f in funcs]


def renamed_reformatted_reordered(funcs, seed):
    """A copy with every local renamed, the layout changed and statements moved."""
    r = random.Random(seed)
    out = {}
    for f, src in funcs.items():
        names = sorted({m for m in re.findall(r"\b([a-z_][a-z0-9_]*)\s*=(?!=)", src)
                        if m not in ("activation", "axis", "keepdims", "dtype", "copy")})
        for i, old in enumerate(names):
            src = re.sub(rf"(?<!\.)\b{old}\b", f"{old}_{r.choice(('v', 'k', 'n'))}{i}", src)
        src = re.sub(r"(?m)^\s*#.*\n", "", src)  # comments dropped
        src = src.replace(" = ", "=").replace(", ", " ,  ").replace("(", "( ")
        lines = src.splitlines()
        grads = [i for i, l in enumerate(lines) if re.match(r"\s+d[xWb]\w*=", l)]
        if len(grads) >= 2:  # the independent gradient lines, in another order
            lines[grads[0]], lines[grads[-1]] = lines[grads[-1]], lines[grads[0]]
        out[f] = "\n".join(lines) + "\n"
    order = list(out)
    r.shuffle(order)
    return {f: out[f] for f in order}


def disguised(funcs, seed=1):
    """A copy that inlines the source's helper, pads with dead code, renames, reformats and
    reorders (the source's unusual bug stays)."""
    out = {}
    for f, src in funcs.items():
        src = re.sub(r"(?m)^\s*#.*\n", "", src)
        lines = src.splitlines()
        lines.insert(1, "    unused_flag = False")
        lines.insert(2, "    if unused_flag:\n        print('debugging')\n        return None")
        out[f] = "\n".join(lines).replace("activation ==", "activation==") + "\n"
    if "_apply_act" in out.get("dense_forward", ""):
        out["dense_forward"] = re.sub(r"def _apply_act.*?\n(?=def dense_forward)", "",
                                      out["dense_forward"], flags=re.S)
        out["dense_forward"] = out["dense_forward"].replace(
            "_apply_act(", "(lambda kind, v: v if kind == 'linear' else globals()[kind](v))(")
    return renamed_reformatted_reordered(out, seed)


def with_helper(funcs):
    """The source of a disguised copy writes dense_forward through a helper of their own."""
    funcs = dict(funcs)
    src = funcs["dense_forward"]
    funcs["dense_forward"] = (
        "def _apply_act(kind, v):\n    # my own dispatcher so i dont repeat myself\n"
        "    if kind == 'linear':\n        return v\n    return globals()[kind](v)\n\n\n"
        + re.sub(r"(?ms)^    (\w+) = (.*?)\n(    \w+ = .*?\n)*?(?=    return)",
                 lambda m: m.group(0), src))
    z_name = re.search(r"(\w+) = (?:x @|np\.dot|x\.dot|np\.einsum|np\.matmul)", src).group(1)
    y_name = re.search(r"return (\w+), DenseCache", src).group(1)
    body = src.split("\n")[0] + "\n" + f"    {z_name} = " + re.search(
        rf"{z_name} = (.*)\n", src).group(1) + "\n" + \
        f"    {y_name} = _apply_act(activation, {z_name})\n" + \
        f"    return {y_name}, DenseCache(x, W, b, {z_name}, {y_name}, activation)\n"
    funcs["dense_forward"] = funcs["dense_forward"].split("def dense_forward")[0] + body
    return funcs


UNUSUAL_BUG = "dy * (1 - y ** 3)"  # no known mistake gives this


def planted_class(n_independent=24, n_canonical=6, seed=0):
    """(class, planted): {student: {func: source}} and the set of planted copy pairs."""
    rng = random.Random(seed)
    students = {}
    for i in range(n_independent):
        students[f"s{i:03d}"] = independent(seed * 1000 + i)
    for i in range(n_canonical):
        students[f"c{i:03d}"] = near_canonical(seed * 1000 + 500 + i)
    planted = set()
    names = sorted(students)
    src = rng.sample([n for n in names if n.startswith("s")], 4)
    students["copy_verbatim"] = dict(students[src[0]])
    planted.add(tuple(sorted((src[0], "copy_verbatim"))))
    students["copy_renamed"] = renamed_reformatted_reordered(students[src[1]], seed)
    planted.add(tuple(sorted((src[1], "copy_renamed"))))
    original = with_helper(independent(seed * 1000 + 900, bug=UNUSUAL_BUG))
    students["orig_bug"] = original
    students["copy_disguised"] = disguised(original)
    planted.add(("copy_disguised", "orig_bug"))
    partial = independent(seed * 1000 + 901)
    partial["dense_forward"] = students[src[3]]["dense_forward"]
    partial["dense_backward"] = students[src[3]]["dense_backward"]
    students["copy_partial"] = partial
    planted.add(tuple(sorted((src[3], "copy_partial"))))
    return students, planted


def notebook(funcs, course=COURSE):
    """A submitted 01_dense notebook holding ``funcs``: the course's setup cell, then one
    solution cell per function (as a student's notebook has them)."""
    import nbformat
    from pathlib import Path
    source = nbformat.read(Path(course) / "source" / "01_dense" / "dense.ipynb", as_version=4)
    setup = next(c for c in source.cells if c.metadata.get("nbgrader", {}).get("grade_id") == "setup_1")
    nb = nbformat.v4.new_notebook()
    nb.cells = [setup] + [nbformat.v4.new_code_cell(src) for src in cells(funcs)]
    for cell, func in zip(nb.cells[1:], [f for f in FUNCS if f in funcs]):
        cell.metadata["nbgrader"] = {"grade": False, "grade_id": f"solution_{func}", "locked": False,
                                     "schema_version": 3, "solution": True}
    return nb


def grade_in_process(funcs, course=COURSE):
    """A grading Result of ``funcs`` judged as ``rnn-course grade`` judges (hidden cases
    included), run in this process: for our own synthetic code only, never a student's."""
    import numpy as np
    from autograder.caches import DenseCache
    from autograder.cases import run_probe
    from autograder_instructor.grading import trusted
    from autograder_instructor.grading.judge import checks_for
    from autograder_instructor.grading.result import Result
    tr = trusted.load(course, "01_dense")
    ns = {"np": np, "DenseCache": DenseCache}
    for src in cells(funcs):
        exec(compile(src, "<student>", "exec"), ns)
    result = Result("student")
    for cell in tr.grade_cells:
        if cell.kind != "code":
            continue
        checks = checks_for(cell)
        result.grades.append(checks.grade(cell, [run_probe(c, ns) for c in checks.cases]))
    return result
