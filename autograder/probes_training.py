"""Probes for composed and trained code: chained calls (03), numerical gradients,
mini-batches, in-place updates and a whole training run (02_learning).

Registered in :data:`autograder.probes.PROBES`; see :mod:`autograder.probes_core`
for the spec and output formats.
"""
import numpy as np

from .probes_core import build, flatten, lookup, strict


def chain(namespace, spec, arrays):
    """Call functions in turn, feeding earlier results into later calls.

    ``spec = {"calls": [{"func", "args", "kwargs"}, ...], "strict"}``. An argument
    ``{"result": [i, j]}`` is item j of call i's return value (``[i]``: the whole
    value), so ``rnn_forward`` then ``rnn_backward(dh, <its cache>)`` runs end to
    end on the student's own forward. Only the last call's result is returned.
    """
    results = []

    def arg(v):
        if "result" in v:
            path = v["result"]
            value = results[path[0]]
            for j in path[1:]:
                value = value[j]
            return value
        return build(v, arrays)

    result, calls, feeds = None, spec["calls"], {}
    for n, c in enumerate(calls):
        fn = lookup(namespace, c["func"])
        last = n == len(calls) - 1
        if last and spec.get("feeds"):
            # What the earlier calls hand the last one (the student's own cache), copied before
            # the call: the judge blames a failure on the function that made a wrong one.
            for j, v in enumerate(c.get("args", [])):
                if isinstance(v, dict) and "result" in v:
                    flatten(arg(v), f"feed/{j}", feeds)
        args = [arg(v) for v in c.get("args", [])]
        kwargs = {k: arg(v) for k, v in c.get("kwargs", {}).items()}
        try:
            if spec.get("strict", True):
                result = strict(lambda: fn(*args, **kwargs))
            else:
                result = fn(*args, **kwargs)
        except Exception as exc:
            if spec.get("feeds") and not last:  # the graded function never ran
                return {"error": f"error:{c['func']} raised {type(exc).__name__}",
                        "feed/raised": "str:" + c["func"]}
            if feeds:  # the graded function raised on what it was handed: keep that too
                exc.__dict__[FEEDS] = feeds
            raise
        results.append(result)
    return dict(flatten(result), **feeds)


FEEDS = "_autograder_feeds"  # where a raising chain leaves its feeds for probes.run



def _test_function(name, params):
    """Scalar test functions for ``numerical_gradient`` (plain NumPy, defined here because a
    spec can only carry data)."""
    if name == "sum_sin_Ax":  # f(x) = sum(sin(A @ x)); x of shape (D,) or (D, K)
        return lambda x: float(np.sum(np.sin(params["A"] @ x)))
    if name == "softmax_xent":  # cross-entropy of logits x (N, C) against one-hot Y
        def f(x):
            s = x - x.max(axis=1, keepdims=True)
            return float(-np.sum(params["Y"] * (s - np.log(np.exp(s).sum(axis=1, keepdims=True)))))
        return f
    if name == "cubic":  # f(x) = sum(c * x**3), any shape
        return lambda x: float(np.sum(params["c"] * x ** 3))
    raise ValueError(f"unknown test function {name!r}")


def numgrad(namespace, spec, arrays):
    """Call ``numerical_gradient(f, x, **kwargs)`` on a named test function.

    ``spec = {"func", "f", "params": {name: value}, "x": value, "kwargs"}``. The
    gradient is ``out``; ``x_after`` is x after the call (it must be unchanged).
    """
    fn = lookup(namespace, spec["func"])
    f = _test_function(spec["f"], {k: build(v, arrays) for k, v in spec["params"].items()})
    x = build(spec["x"], arrays)
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    out = flatten(strict(lambda: fn(f, x, **kwargs)))
    flatten(x, "x_after", out)
    return out


def minibatches(namespace, spec, arrays):
    """Collect what ``iterate_minibatches(n, batch_size, rng)`` yields.

    ``spec = {"func", "n", "batch_size", "seed"}``. Reported: ``sizes`` of the first
    epoch's batches, ``sorted`` (all its indices, sorted), ``in_order`` (whether it
    visits 0..n-1 unshuffled), ``new_order`` (whether a second epoch from the same
    generator comes in another order) and ``reproducible`` (whether a fresh generator
    with the same seed gives the first epoch again).
    """
    fn = lookup(namespace, spec["func"])
    n, size, seed = spec["n"], spec["batch_size"], spec["seed"]

    def epoch(rng):
        batches = strict(lambda: [np.asarray(b) for b in fn(n, size, rng)])
        return batches, (np.concatenate(batches) if batches else np.array([], dtype=int))

    rng = np.random.default_rng(seed)
    batches, first = epoch(rng)
    _, second = epoch(rng)
    _, again = epoch(np.random.default_rng(seed))
    return {"sizes": np.array([len(b) for b in batches]), "sorted": np.sort(first),
            "in_order": np.asarray(np.array_equal(first, np.arange(n))),
            "new_order": np.asarray(not np.array_equal(first, second)),
            "reproducible": np.asarray(np.array_equal(first, again))}


def call_in_place(namespace, spec, arrays):
    """Like :func:`call`, for functions that update dicts of arrays in place (``sgd_step``).

    ``args/<i>`` is argument i after the call as its caller sees it: a dict argument
    is reported through the very array objects it held before the call, so code that
    rebinds entries to new arrays (instead of updating them) shows no change.
    """
    fn = lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    held = [dict(a) if isinstance(a, dict) else a for a in args]
    out = flatten(strict(lambda: fn(*args, **kwargs)))
    flatten(held, "args", out)
    return out


def train_two_layer(namespace, spec, arrays):
    """Train a two-layer network with the notebook's own functions and report its accuracy.

    dense (ReLU) -> dense (one logit) -> sigmoid cross-entropy, mini-batch SGD through
    ``iterate_minibatches`` and ``sgd_step``. ``spec = {"X", "y", "params" (initial
    W1, b1, W2, b2), "epochs", "batch_size", "learning_rate", "seed"}``. Reported:
    ``accuracy`` on the training set after the last epoch and ``losses`` (mean per epoch).
    """
    names = ("dense_forward", "dense_backward", "sigmoid_cross_entropy_with_logits",
             "iterate_minibatches", "sgd_step")
    forward, backward, xent, batches, step = (lookup(namespace, n) for n in names)
    X, y, P = build(spec["X"], arrays), build(spec["y"], arrays), build(spec["params"], arrays)
    rng = np.random.default_rng(spec["seed"])

    def run():
        losses = []
        for _ in range(spec["epochs"]):
            total = 0.0
            for idx in batches(len(X), spec["batch_size"], rng):
                a, c1 = forward(X[idx], P["W1"], P["b1"], "relu")
                z, c2 = forward(a, P["W2"], P["b2"], "linear")
                loss, dz = xent(z, y[idx])
                da, dW2, db2 = backward(dz, c2)
                _, dW1, db1 = backward(da, c1)
                step(P, {"W1": dW1, "b1": db1, "W2": dW2, "b2": db2}, spec["learning_rate"])
                total += loss * len(idx)
            losses.append(total / len(X))
        z, _ = forward(forward(X, P["W1"], P["b1"], "relu")[0], P["W2"], P["b2"], "linear")
        return np.array(losses), float(np.mean((z > 0) == (y > 0.5)))

    losses, accuracy = strict(run)
    return {"accuracy": np.asarray(accuracy), "losses": losses}
