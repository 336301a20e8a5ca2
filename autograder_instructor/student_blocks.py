"""The student's ``autograder/blocks.py``: released building blocks as code, the rest refused.

Later notebooks import reference functions of earlier assignments from
``autograder.blocks``. In the instructor package that module re-exports
``solutions/``; in a student bundle it is written by :func:`blocks_source`: a
standalone copy of every function, class and constant of the reference modules of
the assignments the instructor released (they use only NumPy, the provided caches,
public modules and each other), and for every other reference name a
:class:`BlockNotReleased` error saying the instructor has not released it yet.
"""
import ast
import importlib.util
import json
import pkgutil
import re
from dataclasses import dataclass, field
from pathlib import Path

from . import layout
from .build import parse_code
from .layout import CHECKOUT as ROOT
from .layout import PACKAGE


class BundleError(Exception):
    """The bundle cannot be built as asked; the message says what to do."""


def solution_modules():
    """assignment -> tuple of reference module names (``solutions.dense``).

    Taken from each suite's ``SOLUTIONS``; a reference module no suite names yet
    is placed by the assignment id its docstring starts with (``"03_rnn: ..."``).
    """
    import solutions
    from .suites import modules
    found, named = {}, set()
    for a, suite in modules().items():  # a module two suites name belongs to the earlier one
        found[a] = tuple(m for m in suite.SOLUTIONS if m not in named)
        named.update(suite.SOLUTIONS)
    for info in pkgutil.iter_modules(solutions.__path__):
        name = f"solutions.{info.name}"
        if info.name.startswith("_") or name in named:
            continue
        doc = ast.get_docstring(ast.parse(Path(info.module_finder.path, f"{info.name}.py").read_text())) or ""
        m = re.match(r"(\d\d_\w+):", doc)
        if m:
            found[m.group(1)] = found.get(m.group(1), ()) + (name,)
    return dict(sorted(found.items()))


def earlier_blocks(assignment):
    """Solution modules of the assignments before ``assignment`` (its own excluded).

    The grader's student process limits its ``autograder.blocks`` to these, as a
    student's bundle holds only the blocks released after the earlier deadlines.
    """
    from .suites import modules
    own = set(modules()[assignment].SOLUTIONS)
    return sorted({name for a, m in modules().items() if a < assignment
                   for name in m.SOLUTIONS} - own)


def _module_path(name):
    return Path(importlib.util.find_spec(name).origin)


@dataclass
class _Block:
    assignment: str
    module: str
    code: list = field(default_factory=list)  # source of definitions, in order
    names: list = field(default_factory=list)  # public names defined
    defined: list = field(default_factory=list)  # every name defined (with private helpers)
    imports: list = field(default_factory=list)  # import lines kept as they are
    caches: set = field(default_factory=set)
    needs: dict = field(default_factory=dict)  # name -> module it comes from


def _read_block(assignment, module):
    path = _module_path(module)
    text = path.read_text()
    lines = text.splitlines()
    block = _Block(assignment, module)
    public = set(layout.public_modules(PACKAGE))
    for i, node in enumerate(ast.parse(text).body):
        if i == 0 and isinstance(node, ast.Expr) and isinstance(getattr(node, "value", None), ast.Constant):
            continue  # the module docstring
        where = f"{path.relative_to(ROOT)} line {node.lineno}"
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] in ("solutions", "autograder"):
                    raise BundleError(f"{where}: write `from {alias.name} import ...` so the block can be copied")
            block.imports.append(ast.get_source_segment(text, node))
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                raise BundleError(f"{where}: relative import in a reference module")
            if mod == "autograder.caches":
                block.caches.update(a.name for a in node.names)
            elif mod.startswith("solutions") or mod == "autograder.blocks":
                block.needs.update({a.asname or a.name: mod for a in node.names})
            elif mod.startswith("autograder."):
                if mod.split(".")[1] not in public:
                    raise BundleError(f"{where}: imports {mod}, which students do not receive")
                block.imports.append(ast.get_source_segment(text, node))
            else:
                block.imports.append(ast.get_source_segment(text, node))
        elif isinstance(node, (ast.FunctionDef, ast.ClassDef, ast.Assign, ast.AnnAssign)):
            start = (node.decorator_list[0].lineno if getattr(node, "decorator_list", None)
                     else node.lineno)
            block.code.append("\n".join(lines[start - 1:node.end_lineno]))
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                names = [node.name]
            else:
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names = [t.id for t in targets if isinstance(t, ast.Name)]
            block.defined += names
            block.names += [n for n in names if not n.startswith("_")]
        else:
            raise BundleError(f"{where}: a reference module may hold only imports, functions, "
                              f"classes and constants to be released as a block")
    return block


def blocks_source(release=(), modules=None):
    """The student's ``autograder/blocks.py``: released blocks as code, the rest refused."""
    modules = solution_modules() if modules is None else modules
    unknown = [a for a in release if a not in modules]
    if unknown:
        raise BundleError(f"no reference module is known for {unknown}: blocks exist for "
                          f"{sorted(modules)}")
    blocks = [_read_block(a, m) for a in sorted(release) for m in modules[a]]
    released, origin = {}, {}
    for b in blocks:
        for name in b.defined:
            if name in origin:
                raise BundleError(f"{name} is defined in both {origin[name]} and {b.module}")
            origin[name] = b.module
        released.setdefault(b.assignment, []).extend(b.names)
    for b in blocks:
        for name, mod in b.needs.items():
            if name not in origin:
                owner = next((a for a, ms in modules.items() if mod in ms), "an unreleased assignment")
                raise BundleError(f"the block of {b.assignment} uses {name} from {mod} ({owner}): "
                                  f"release {owner} too (--release-blocks ... {owner})")
    not_released = {}
    for a, ms in modules.items():
        if a in release:
            continue
        for m in ms:
            for name in _read_block(a, m).names:
                not_released.setdefault(name, a)
    imports = sorted({line for b in blocks for line in b.imports})
    caches = sorted({c for b in blocks for c in b.caches})
    out = ['"""Building blocks from earlier assignments, released by your instructor.',
           "",
           "Later notebooks import these (``from autograder.blocks import NAME``) instead of",
           "asking you to copy your own earlier answers. Released in this package: "
           + (", ".join(sorted(released)) or "none yet") + ".",
           "Blocks of other assignments are released after their deadline; importing one",
           "before that fails with a message saying so.",
           '"""']
    out += imports
    if caches:
        out.append(f"from autograder.caches import {', '.join(caches)}")
    names = [n for b in blocks for n in b.names]
    out += ["", f"__all__ = {names!r}",
            f"RELEASED = {json.dumps(released, indent=4)}",
            f"NOT_RELEASED = {json.dumps(dict(sorted(not_released.items())), indent=4)}"]
    for b in blocks:
        out += ["", "", f"# ---- {b.assignment} " + "-" * (70 - len(b.assignment))]
        for code in b.code:
            out += ["", "", code] if code.lstrip().startswith(("def ", "class ", "@")) else [code]
    out += ["", "", '''class BlockNotReleased(ImportError):
    """A building block of an assignment your instructor has not released yet."""


def __getattr__(name):
    if name in NOT_RELEASED:
        raise BlockNotReleased(
            f"{name} is a building block of assignment {NOT_RELEASED[name]}, which your "
            f"instructor has not released yet (blocks are released after an assignment's "
            f"deadline). Released here: {', '.join(RELEASED) or 'none'}. Until then, use "
            f"your own {name} from that assignment's notebook.")
    raise AttributeError(f"module 'autograder.blocks' has no attribute {name!r}")''']
    return "\n".join(out) + "\n"


# ---- which blocks a notebook needs ---------------------------------------------------------

def code_trees(notebook):
    """The parsed code cells of a notebook (a cell with a syntax error is left out)."""
    for cell in json.loads(Path(notebook).read_text())["cells"]:
        if cell["cell_type"] == "code":
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            try:
                yield parse_code(source)
            except SyntaxError:
                continue


def blocks_imported(notebook):
    """The names a notebook imports from ``autograder.blocks``."""
    return {a.name for tree in code_trees(notebook) for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module == "autograder.blocks"
            for a in node.names}


def required_blocks(notebooks, modules):
    """The assignments whose blocks ``notebooks`` import, and those their blocks call."""
    read = {a: [_read_block(a, m) for m in ms] for a, ms in modules.items()}
    owner = {name: a for a, blocks in read.items() for b in blocks for name in b.names}
    needed = {owner[n] for nb in notebooks for n in blocks_imported(nb) if n in owner}
    while True:
        more = {owner[n] for a in needed for b in read[a] for n in b.needs if n in owner} - needed
        if not more:
            return sorted(needed)
        needed |= more
