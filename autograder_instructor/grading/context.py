"""Steps and the values they share, each step held to what it declares: the one mechanism
of both the class's run (:mod:`.pipeline`) and one submission's grading (:mod:`.flow`).

A :class:`Step` names what it ``needs`` and what it ``makes``. It is handed a
:class:`View` of the :class:`Context` that lets it read only those and write only what it
makes; after it returns, everything it declared it makes must be there. So the
declarations are the truth about the data flow, and a step that drifts from them fails
on its first run, naming itself and the key. :func:`undeclared_order` checks a list of
steps against its inputs before anything runs (a test calls it on both lists).
"""
from collections.abc import Mapping


class Step:
    """One step: its docstring is its help text, its attributes its settings."""
    needs: tuple = ()
    makes: tuple = ()
    always = False  # one submission's steps: runs even once the result is fatal

    def __call__(self, ctx):
        raise NotImplementedError


def undeclared_order(steps, inputs):
    """The problems of a list of steps: a step that needs what neither the inputs nor an
    earlier step made, or that declares no help text or no product."""
    made, problems = set(inputs), []
    for step in steps:
        name = type(step).__name__
        if not type(step).__doc__ or not step.makes:
            problems.append(f"{name} has no help text or makes nothing")
        early = sorted(set(step.needs) - made)
        if early:
            problems.append(f"{name} needs {early} before they are made")
        made |= set(step.makes)
    return problems


class Undeclared(LookupError):
    """A step read or wrote a value it does not declare, or did not make what it declares."""


class Context(Mapping):
    """Every value of one run: its inputs, then what each step made (read-only from outside)."""

    def __init__(self, inputs):
        self._values = dict(inputs)

    def __getitem__(self, key):
        return self._values[key]

    def __iter__(self):
        return iter(self._values)

    def __len__(self):
        return len(self._values)

    def run(self, step):
        """Run ``step`` on a view of this context; fail if it did not make what it declares."""
        step(View(self._values, step))
        missing = [key for key in step.makes if key not in self._values]
        if missing:
            raise Undeclared(f"{type(step).__name__} did not make {missing}")

    def add(self, key, value):
        """A value made outside any step (the run's duration)."""
        self._values[key] = value


class View:
    """What one step may see of the context: its ``needs`` to read, its ``makes`` to write."""

    def __init__(self, values, step):
        self._values, self._step = values, step

    def __getitem__(self, key):
        if key not in self._step.needs and key not in self._step.makes:
            raise Undeclared(f"{type(self._step).__name__} reads {key!r} but does not need it")
        return self._values[key]

    def __setitem__(self, key, value):
        if key not in self._step.makes:
            raise Undeclared(f"{type(self._step).__name__} writes {key!r} but does not make it")
        self._values[key] = value
