"""The grading run's context: is each step held to the values it declares?"""
import pytest

from autograder_instructor.grading.context import Context, Undeclared


class _Step:
    needs, makes = ("a",), ("b",)

    def __init__(self, body):
        self.body = body

    def __call__(self, ctx):
        self.body(ctx)


def test_a_step_reads_what_it_needs_and_writes_what_it_makes():
    """Does a step that keeps to its declarations see its needs and leave its products?"""
    ctx = Context({"a": 1})

    def body(view):
        view["b"] = view["a"] + 1
        view["b"] *= 10  # a step may read back what it made

    ctx.run(_Step(body))
    assert dict(ctx) == {"a": 1, "b": 20}


def test_an_undeclared_read_fails_naming_the_step_and_the_key():
    """Does reading a value the step does not need fail, even when the value is there?"""
    ctx = Context({"a": 1, "c": 2})
    with pytest.raises(Undeclared, match="_Step reads 'c' but does not need it"):
        ctx.run(_Step(lambda view: view["c"]))


def test_an_undeclared_write_fails_and_changes_nothing():
    """Does writing a value the step does not make fail before the context changes?"""
    ctx = Context({"a": 1})

    def body(view):
        view["c"] = 3

    with pytest.raises(Undeclared, match="_Step writes 'c' but does not make it"):
        ctx.run(_Step(body))
    assert "c" not in ctx


def test_a_missing_product_fails_after_the_step():
    """Does a step that returns without making what it declares fail, naming the product?"""
    with pytest.raises(Undeclared, match=r"_Step did not make \['b'\]"):
        Context({"a": 1}).run(_Step(lambda view: None))
