"""Fingerprints of one region of code that survive renaming, reformatting and reordering.

Three kinds, all sets of small integers so a class can be indexed (see :mod:`.cohort`):

- **tokens**: Python's own tokenizer, then every name the student chose becomes ``V``
  (attributes such as ``np.exp``, keywords, builtins and the notebook's given names are
  kept: they are the assignment's vocabulary), numbers ``N``, strings ``S``; comments,
  blank lines and line breaks inside brackets vanish. The k-grams of that stream are
  hashed and *winnowed* (Schleimer, Wilkerson, Aiken 2003: the smallest hash of every
  window of ``WINDOW`` k-grams), so any match of ``K + WINDOW - 1`` tokens is seen. Each
  fingerprint keeps the lines it came from, for highlighting.
- **shapes**: a hash of every subtree of the AST of at least ``MIN_SHAPE`` nodes, names
  and constants erased, attributes kept: statements moved around keep their shapes.
- **traces**: what a copy carries along by accident: comments, unusual identifiers,
  debug prints (their exact text, lightly normalised).
"""
import ast
import builtins
import io
import keyword
import re
import tokenize
import zlib
from dataclasses import dataclass, field

K = 6  # tokens per k-gram: about half a statement
WINDOW = 4  # k-grams per winnowing window: every match of 9 tokens is kept
MIN_SHAPE = 6  # AST nodes in a subtree worth a shape: smaller ones are everyone's
KEPT_NAMES = set(dir(builtins)) | {"np", "numpy", "math", "self", "cls"}
SKIP = {tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER}
STRINGISH = {tokenize.STRING} | {getattr(tokenize, n) for n in
                                 ("FSTRING_START", "FSTRING_MIDDLE", "FSTRING_END") if
                                 hasattr(tokenize, n)}


@dataclass
class Fragment:
    """The fingerprints of one student's region for one function."""
    source: str
    tokens: dict = field(default_factory=dict)  # hash -> (first line, last line), from 1
    shapes: dict = field(default_factory=dict)  # hash -> (first line, last line)
    comments: set = field(default_factory=set)
    identifiers: set = field(default_factory=set)
    prints: set = field(default_factory=set)


def _stable(text):
    return zlib.crc32(text.encode("utf-8", "replace"))


def normalised(source, kept=frozenset()):
    """[(token, line)] of ``source`` with chosen names, literals, comments and layout erased;
    and the comments, as a second list of (text, line)."""
    out, comments, previous = [], [], ""
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT:
                comments.append((tok.string, tok.start[0]))
                continue
            if tok.type in SKIP:
                continue
            if tok.type == tokenize.NAME:
                name = tok.string
                text = name if (keyword.iskeyword(name) or previous == "." or name in KEPT_NAMES
                                or name in kept) else "V"
            elif tok.type == tokenize.NUMBER:
                text = "N"
            elif tok.type in STRINGISH:
                if out and out[-1][0] == "S":
                    continue  # "a" "b" and the pieces of an f-string are one literal
                text = "S"
            elif tok.type == tokenize.NEWLINE:
                text = ";"
            elif tok.type == tokenize.INDENT:
                text = "{"
            elif tok.type == tokenize.DEDENT:
                text = "}"
            else:
                text = tok.string
            out.append((text, tok.start[0]))
            previous = tok.string
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass  # what was read before the bad spot still counts
    return out, comments


def winnow(stream, k=K, window=WINDOW):
    """{hash: (first line, last line)} chosen by winnowing the k-grams of ``stream``."""
    grams = [(_stable(" ".join(t for t, _ in stream[i:i + k])), stream[i][1], stream[i + k - 1][1])
             for i in range(len(stream) - k + 1)]
    if not grams:
        return {_stable(" ".join(t for t, _ in stream)): (stream[0][1], stream[-1][1])} \
            if stream else {}
    chosen = {}
    for i in range(max(1, len(grams) - window + 1)):
        h, first, last = min(grams[i:i + window], key=lambda g: g[0])
        if h not in chosen:
            chosen[h] = (first, last)
    return chosen


def _shape(node, kept, out):
    """(hash, size) of ``node``'s subtree with names and constants erased; adds every
    subtree of at least MIN_SHAPE nodes to ``out``."""
    if isinstance(node, ast.Name):
        return _stable("N:" + (node.id if node.id in kept or node.id in KEPT_NAMES else "V")), 1
    if isinstance(node, ast.Constant):
        return _stable("C:" + type(node.value).__name__), 1
    parts, size = [type(node).__name__], 1
    for name, value in ast.iter_fields(node):
        if name in ("ctx", "type_comment", "kind"):
            continue
        if name in ("attr", "op") or (name == "arg" and isinstance(value, str) and
                                      isinstance(node, ast.keyword)):
            parts.append(f"{name}={value}")  # np.exp, axis=...: the vocabulary
            continue
        if isinstance(value, ast.AST):
            h, s = _shape(value, kept, out)
            parts.append(f"{name}:{h}")
            size += s
        elif isinstance(value, list):
            hs = []
            for item in value:
                if isinstance(item, ast.AST):
                    h, s = _shape(item, kept, out)
                    hs.append(str(h))
                    size += s
            parts.append(f"{name}:[{','.join(hs)}]")
    h = _stable("|".join(parts))
    if size >= MIN_SHAPE and hasattr(node, "lineno") and not isinstance(
            node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        out.setdefault(h, (node.lineno, getattr(node, "end_lineno", node.lineno)))
    return h, size


def _parsed(source):
    """The region's AST, or None when it does not parse (what the tokens saw still counts)."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        return None


def shapes(tree, kept=frozenset()):
    """{hash: (first line, last line)} of the AST's subtrees (empty without a tree)."""
    out = {}
    if tree is not None:
        _shape(tree, kept, out)
    return out


def _parameters(tree):
    return {a.arg for n in ast.walk(tree) if isinstance(n, ast.arguments)
            for a in n.args + n.kwonlyargs + n.posonlyargs}


def _chosen_names(tree):
    if tree is None:
        return set()
    return {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and
            isinstance(n.ctx, ast.Store)} | _parameters(tree)


def _prints(tree):
    if tree is None:
        return set()
    return {ast.unparse(n) for n in ast.walk(tree)  # its layout normalised, its text kept
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"}


def fragment(source, kept=frozenset(), common=frozenset()):
    """The :class:`Fragment` of a region; ``kept`` are names every student was given,
    ``common`` every name the starter and reference use (not unusual in anyone's code)."""
    stream, comments = normalised(source, kept)
    tree = _parsed(source)
    frag = Fragment(source, winnow(stream), shapes(tree, kept))
    frag.comments = {re.sub(r"\s+", " ", c.lstrip("#").strip().lower()) for c, _ in comments}
    frag.comments = {c for c in frag.comments if len(c) >= 12}  # "# (N, out)" is everyone's
    frag.identifiers = {n for n in _chosen_names(tree) if len(n) >= 4 and n not in kept
                        and n not in common}
    frag.prints = _prints(tree)
    return frag


def given_names(baseline_sources):
    """(kept, common): the notebook's functions and classes (``DenseCache``), kept as they
    are in fingerprints since every student was given them; and every name the starter,
    reference and known mistakes use, which is nobody's unusual identifier."""
    kept, common = set(), set()
    for tree in filter(None, map(_parsed, baseline_sources)):
        kept |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        kept |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and
                 isinstance(n.ctx, ast.Load) and n.id[:1].isupper()}
        common |= {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} | _parameters(tree)
    return kept, common | kept
