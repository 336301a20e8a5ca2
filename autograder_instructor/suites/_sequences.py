"""Case builders for calls that are not "one function, one return value".

- :func:`chain_case`: a forward pass then a backward pass on the cache the
  student's own forward returned (the end-to-end check of a backward pass);
- :func:`updates_case`: an optimizer object stepped several times on the same
  parameter dict, judged on each step's update (after minus before).
"""
from autograder.cases import Case, expected_from
from ._base import add_hints, encode


def _finish(reference, case, expected):
    if expected is None:
        case.expected = expected_from(reference, case, keys=list(case.names))
    else:
        case.expected = dict(expected)
    add_hints(case, reference)
    return case


def chain_case(reference, label, calls, outputs, keep=None, expected=None, rtol=1e-7,
               atol=1e-10):
    """A case that runs ``calls`` = [(func, args, kwargs), ...] in turn.

    An argument written ``{"result": [i, j]}`` is item j of call i's result (for
    example the cache that the student's forward returned). The last call is the
    graded function; ``outputs`` names the items of its returned tuple and ``keep``
    the ones compared. ``expected``: {flattened key: array}, overriding the reference.
    """
    arrays, specs = {}, []
    for i, (func, args, kwargs) in enumerate(calls):
        specs.append({"func": func,
                      "args": [a if isinstance(a, dict) and "result" in a
                               else encode(a, arrays, f"c{i}.arg{j}") for j, a in enumerate(args)],
                      "kwargs": {k: encode(v, arrays, f"c{i}.kw.{k}")
                                 for k, v in (kwargs or {}).items()}})
    keys = {"out": outputs[0]} if len(outputs) == 1 else {
        f"out/{i}": n for i, n in enumerate(outputs)}
    keep = set(keep or keys.values())
    case = Case(label=label, func=calls[-1][0], spec={"calls": specs, "strict": True,
                                                      "feeds": True},
                arrays=arrays, expected={}, probe="chain", rtol=rtol, atol=atol,
                names={k: n for k, n in keys.items() if n in keep})
    fed = [a["result"][0] for a in calls[-1][1] if isinstance(a, dict) and "result" in a]
    if fed:  # an end-to-end case is scored where its first wrong function is
        case.upstream = calls[fed[0]][0]
        case.feeds = {k: v for k, v in expected_from(reference, case).items()
                      if k.startswith("feed/")}
    return _finish(reference, case, expected)


def updates_case(reference, label, cls, init, params, grads, expected=None, rtol=1e-7,
                 atol=1e-13):
    """``cls(**init)`` updates the dict ``params`` once per dict in ``grads``.

    Compared: the update of every parameter at every step (``out/i/upd0/<name>``).
    ``expected``: {(step, name): array}, overriding the reference.
    """
    arrays = {}
    spec = {"cls": cls, "init": {k: encode(v, arrays, f"init.{k}") for k, v in init.items()},
            "refs": {"params": encode(dict(params), arrays, "params")},
            "calls": [{"method": "update",
                       "args": [{"ref": "params"}, encode(dict(g), arrays, f"grads{i}")],
                       "updates": [0]} for i, g in enumerate(grads)]}
    names = {f"out/{i}/upd0/{k}": f"the update of params[{k!r}] at step {i + 1}"
             for i in range(len(grads)) for k in params}
    case = Case(label=label, func=cls, spec=spec, arrays=arrays, expected={}, names=names,
                probe="methods", rtol=rtol, atol=atol)
    if expected is not None:
        expected = {f"out/{i}/upd0/{k}": v for (i, k), v in expected.items()}
    return _finish(reference, case, expected)
