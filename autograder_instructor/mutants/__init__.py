"""Realistic wrong implementations of every graded function (instructor side only).

Each one is a mistake students really make. They serve twice: tests prove that
every one of them loses points in the grade cell of its function (in process and
through nbgrader), and the checks use their outputs to recognise a mistake and
name its likely cause in the message a student reads.
"""
import importlib
import inspect
import pkgutil
from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Mutant:
    func: str  # the graded name it replaces
    cause: str  # the likely cause a student is told, phrased as a question or a fact
    impl: Callable  # the wrong implementation, with the graded function's signature
    grade_ids: tuple = ()  # grade cells it must fail; default: every test of `func`

    @property
    def name(self):
        return self.impl.__name__

    def fails(self, tests):
        """The grade cells among ``tests`` (an assignment's) this mistake must fail."""
        return list(self.grade_ids) or [t.grade_id for t in tests if t.func == self.func]

    def source(self):
        """The implementation's source, renamed to the graded name (for notebooks)."""
        src = inspect.getsource(self.impl)
        return src.replace(f"def {self.impl.__name__}(", f"def {self.func}(", 1).replace(
            f"class {self.impl.__name__}", f"class {self.func}", 1)


def all_mutants():
    """Every mutant of every assignment, from the modules of this package."""
    found = []
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        found.extend(getattr(module, "MUTANTS", []))
    return found


def mutants_for(func):
    return [m for m in all_mutants() if m.func == func]
