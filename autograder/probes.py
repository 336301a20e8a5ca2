"""Probes: the only code that runs next to a student's functions while grading.

A probe calls a student's function (or drives a student's class) on plain inputs
and returns plain outputs. It imports only NumPy and the standard library, so the
isolated grader can send this module's source text into the student's process
and nothing there needs the instructor's package. Comparing the outputs with the
expected values never happens here: it happens in :mod:`autograder.cases`, which
in isolated grading runs in another process.

Inputs come as ``spec`` (JSON-able) plus ``arrays`` (name -> ndarray). A value in
``spec`` is one of:

- ``{"array": key}``: ``arrays[key]``, copied so the student may modify it;
- ``{"value": v}``: a JSON literal;
- ``{"cache": "DenseCache", "fields": {name: value, ...}}``: a cache NamedTuple;
- ``{"dict": {k: value}}``, ``{"list": [value, ...]}``, ``{"tuple": [value, ...]}``.

Outputs are flattened by :func:`flatten` into ``{"out": ..., "out/1/dW": ...}``:
arrays stay arrays (0-d for numbers) and anything else becomes a short string
such as ``"none"`` or ``"type:list"``.
"""
import collections
import re
import traceback
import warnings

import numpy as np

CACHE_FIELDS = {
    "DenseCache": ("x", "W", "b", "z", "y", "activation"),
    "RNNStepCache": ("x_t", "h_prev", "W", "b", "h_next"),
    "RNNCache": ("x", "W", "b", "h0", "h", "mask"),
    "EmbeddingCache": ("ids", "vocab_size"),
}
MAX_ELEMENTS = 5_000_000  # outputs bigger than this are not sent back


class ProbeError(Exception):
    """The student's code could not be called as the assignment asks."""


def build(value, arrays):
    """Turn a spec value into the Python object the student's function receives."""
    if "array" in value:
        return np.array(arrays[value["array"]], copy=True)
    if "value" in value:
        return value["value"]
    if "cache" in value:
        cls = collections.namedtuple(value["cache"], CACHE_FIELDS[value["cache"]])
        return cls(**{k: build(v, arrays) for k, v in value["fields"].items()})
    if "dict" in value:
        return {k: build(v, arrays) for k, v in value["dict"].items()}
    if "list" in value:
        return [build(v, arrays) for v in value["list"]]
    if "tuple" in value:
        return tuple(build(v, arrays) for v in value["tuple"])
    raise ValueError(f"unknown spec value {value!r}")


def flatten(obj, key="out", out=None):
    """Flatten a returned object into {key: ndarray or short description}."""
    out = {} if out is None else out
    if obj is None:
        out[key] = "none"
    elif isinstance(obj, (bool, int, float, complex, np.number, np.bool_)):
        out[key] = np.asarray(obj)
    elif isinstance(obj, np.ndarray):
        if obj.dtype == object:
            out[key] = "type:object array"
        elif obj.size > MAX_ELEMENTS:
            out[key] = f"too large:{obj.shape}"
        else:
            # A plain copy: a subclass with a lying __eq__ does not survive this.
            out[key] = np.array(obj, copy=True).view(np.ndarray)
    elif isinstance(obj, str):
        out[key] = "str:" + obj[:200]
    elif isinstance(obj, tuple) and hasattr(obj, "_fields"):
        out[key] = "namedtuple:" + type(obj).__name__
        for name in obj._fields:
            flatten(getattr(obj, name), f"{key}/{name}", out)
    elif isinstance(obj, dict):
        out[key] = "dict:" + ",".join(sorted(map(str, obj)))[:500]
        for name, item in obj.items():
            flatten(item, f"{key}/{name}", out)
    elif isinstance(obj, (tuple, list)):
        out[key] = f"{type(obj).__name__}:{len(obj)}"
        for i, item in enumerate(obj[:1000]):
            flatten(item, f"{key}/{i}", out)
    else:
        out[key] = "type:" + type(obj).__name__
    return out


def _lookup(namespace, name):
    if name not in namespace:
        raise ProbeError(f"`{name}` is not defined: did you run its cell, or rename it?")
    return namespace[name]


def _strict(fn):
    """Run fn with NumPy floating-point problems and all warnings raised as errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(over="warn", divide="warn", invalid="warn", under="ignore"):
            return fn()


def call(namespace, spec, arrays):
    """Call one function: ``spec = {"func", "args", "kwargs", "strict"}``."""
    fn = _lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    if spec.get("strict", True):
        result = _strict(lambda: fn(*args, **kwargs))
    else:
        result = fn(*args, **kwargs)
    out = flatten(result)
    if spec.get("return_args"):
        # Functions that work in place are judged on what they did to their arguments.
        flatten(args, "args", out)
    return out


def methods(namespace, spec, arrays):
    """Make an object and call its methods in turn.

    ``spec = {"cls", "init": {kwargs}, "calls": [{"method", "args", "kwargs",
    "record": [arg index, ...]}]}``. The same argument objects are passed to
    every call that names them through ``{"ref": name}`` (made once, from
    ``spec["refs"]``), so in-place updates accumulate as they would in training.
    The return value of call i is ``out/i``; recorded arguments are
    ``out/i/arg<j>`` (copied after the call). A call may also list ``"updates":
    [arg index, ...]``: what the call changed in those arguments (after minus
    before, for arrays or dicts of arrays) is ``out/i/upd<j>``. Optimizers are
    judged on these: next to a weight of size 1, an update of 1e-3 hides its bugs.
    """
    cls = _lookup(namespace, spec["cls"])
    refs = {k: build(v, arrays) for k, v in spec.get("refs", {}).items()}

    def arg(v):
        return refs[v["ref"]] if "ref" in v else build(v, arrays)

    init = {k: arg(v) for k, v in spec.get("init", {}).items()}
    obj = _strict(lambda: cls(**init))
    out = {}
    for i, c in enumerate(spec["calls"]):
        args = [arg(v) for v in c.get("args", [])]
        kwargs = {k: arg(v) for k, v in c.get("kwargs", {}).items()}
        before = {j: _copy(args[j]) for j in c.get("updates", [])}
        result = _strict(lambda: getattr(obj, c["method"])(*args, **kwargs))
        flatten(result, f"out/{i}", out)
        for j in c.get("record", []):
            flatten(_copy(args[j]), f"out/{i}/arg{j}", out)
        for j, old in before.items():
            flatten(_difference(args[j], old), f"out/{i}/upd{j}", out)
    return out


def _copy(obj):
    if isinstance(obj, np.ndarray):
        return obj.copy()
    if isinstance(obj, dict):
        return {k: _copy(v) for k, v in obj.items()}
    return obj


PROBES = {"call": call, "methods": methods}


def run(namespace, probe, spec, arrays):
    """Run one probe; any exception becomes an ``"error:..."`` entry, never escapes."""
    try:
        return PROBES[probe](namespace, spec, arrays)
    except ProbeError as exc:
        return {"error": f"error:{exc}"}
    except NotImplementedError:
        return {"error": "error:NotImplementedError: the function is still the stub; "
                         "replace `raise NotImplementedError()` with your code"}
    except BaseException as exc:  # the student's error is reported, not raised
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        return {"error": f"error:{type(exc).__name__}: {str(exc)[:500]}{where(exc)}"}


# Files notebook cells are compiled under: ``<cell 7>`` (rnn-course-student check and
# rnn-course check), ``<cell>``, IPython's ``/tmp/ipykernel_<pid>/<hash>.py`` and the
# older ``<ipython-input-...>``.
_CELL_FILE = re.compile(r"^<cell(?: (\d+))?>$|ipykernel_\d+|^<ipython-input-")


def where(exc):
    """Where in the student's own cells ``exc`` was raised, for a message (or "").

    The innermost frame of a notebook cell, not NumPy's or this module's: a student
    reads "in rnn_step_forward, line 3 of code cell 12: `z = x_t @ W + b`".
    """
    cell = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if _CELL_FILE.search(frame.filename or ""):
            cell = frame
    if cell is None:
        return ""
    number = _CELL_FILE.match(cell.filename)
    place = f"code cell {number.group(1)}" if number and number.group(1) else "its cell"
    line = (cell.line or "").strip()
    return (f" (in {cell.name}, line {cell.lineno} of {place}"
            + (f": `{line[:160]}`" if line else "") + ")")


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

    result = None
    for c in spec["calls"]:
        fn = _lookup(namespace, c["func"])
        args = [arg(v) for v in c.get("args", [])]
        kwargs = {k: arg(v) for k, v in c.get("kwargs", {}).items()}
        if spec.get("strict", True):
            result = _strict(lambda: fn(*args, **kwargs))
        else:
            result = fn(*args, **kwargs)
        results.append(result)
    return flatten(result)


def _difference(new, old):
    if isinstance(new, dict) and isinstance(old, dict):
        return {k: _difference(new[k], old[k]) if k in old else new[k] for k in new}
    try:
        return np.asarray(new, dtype=np.float64) - np.asarray(old, dtype=np.float64)
    except (TypeError, ValueError):
        return new


PROBES.update(chain=chain)


# ---- 02_learning: numerical gradients, mini-batches, in-place updates, a training run ----

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
    fn = _lookup(namespace, spec["func"])
    f = _test_function(spec["f"], {k: build(v, arrays) for k, v in spec["params"].items()})
    x = build(spec["x"], arrays)
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    out = flatten(_strict(lambda: fn(f, x, **kwargs)))
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
    fn = _lookup(namespace, spec["func"])
    n, size, seed = spec["n"], spec["batch_size"], spec["seed"]

    def epoch(rng):
        batches = _strict(lambda: [np.asarray(b) for b in fn(n, size, rng)])
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
    fn = _lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    held = [dict(a) if isinstance(a, dict) else a for a in args]
    out = flatten(_strict(lambda: fn(*args, **kwargs)))
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
    forward, backward, xent, batches, step = (_lookup(namespace, n) for n in names)
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

    losses, accuracy = _strict(run)
    return {"accuracy": np.asarray(accuracy), "losses": losses}


PROBES.update(numgrad=numgrad, minibatches=minibatches, call_in_place=call_in_place,
              train_two_layer=train_two_layer)


# ---- 06_sentiment: a model object driven through training; a Keras model described ----

def _model_arg(namespace, value, arrays):
    """A spec value, or ``{"new": class name, "kwargs": {...}}``: an object of a class the
    notebook defines (the optimizer ``Adam`` a model's ``fit`` receives, for instance)."""
    if isinstance(value, dict) and "new" in value:
        cls = _lookup(namespace, value["new"])
        return cls(**{k: build(v, arrays) for k, v in value.get("kwargs", {}).items()})
    return build(value, arrays)


def _params_of(obj, cls_name):
    params = getattr(obj, "params", None)
    if not isinstance(params, dict):
        raise ProbeError(f"a {cls_name} object has no dict `self.params`: keep the parameters "
                         f"in self.params, a dict with the keys E, W, b, W_out, b_out")
    return params


def model(namespace, spec, arrays):
    """Make a model object, optionally set its parameters, then call its methods in turn.

    ``spec = {"cls", "init": {kwargs}, "set": {name: value} (optional), "calls":
    [{"method", "args", "kwargs"}], "report": ["init", "params", "updates"]}``.
    Reported: the return value of call i as ``out/i``; with "params" the parameters
    after the calls (``params/<name>``); with "updates" what the calls changed
    (``updates/<name>``: after - before); with "init" the freshly made parameters'
    shapes (``init/shape/<name>``), their biases (``init/b``, ``init/b_out``) and
    whether two objects made with the same seed are equal (``init/same_seed_equal``)
    and with another seed differ (``init/other_seed_differs``), as 0/1.
    """
    cls = _lookup(namespace, spec["cls"])
    init = {k: build(v, arrays) for k, v in spec.get("init", {}).items()}
    report = spec.get("report", [])
    obj = _strict(lambda: cls(**init))
    params = _params_of(obj, spec["cls"])
    out = {}
    if "init" in report:
        for name, value in params.items():
            out[f"init/shape/{name}"] = np.array(np.shape(value))
        for name in ("b", "b_out"):
            if name in params:
                flatten(np.array(params[name], dtype=np.float64), f"init/{name}", out)
        twin = _params_of(_strict(lambda: cls(**init)), spec["cls"])
        other = _params_of(_strict(lambda: cls(**dict(init, seed=init.get("seed", 0) + 1))),
                           spec["cls"])
        same = all(np.array_equal(params[k], twin.get(k)) for k in params)
        differs = any(not np.array_equal(params[k], other.get(k)) for k in params)
        out["init/same_seed_equal"] = np.array(float(same))
        out["init/other_seed_differs"] = np.array(float(differs))
    for name, value in spec.get("set", {}).items():
        params[name] = build(value, arrays)
    before = _copy(dict(params))
    for i, c in enumerate(spec.get("calls", [])):
        args = [_model_arg(namespace, v, arrays) for v in c.get("args", [])]
        kwargs = {k: _model_arg(namespace, v, arrays) for k, v in c.get("kwargs", {}).items()}
        result = _strict(lambda: getattr(obj, c["method"])(*args, **kwargs))
        flatten(result, f"out/{i}", out)
    params = _params_of(obj, spec["cls"])
    if "params" in report:
        flatten(_copy(dict(params)), "params", out)
    if "updates" in report:
        flatten(_difference(dict(params), before), "updates", out)
    return out


def _fact(out, key, value):
    """A named fact: ``key`` describes the value (for messages), ``key/value`` is 1."""
    value = str(value)
    out[key] = "str:" + value
    out[f"{key}/{value}"] = np.array(1)


def _name_of(value):
    """The name of a loss, optimizer, metric or activation, given as a string or an object."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):  # a serialised Keras object
        config = value.get("config")
        if isinstance(config, dict) and isinstance(config.get("name"), str):
            return config["name"]
        return str(value.get("class_name", "unknown"))
    name = getattr(value, "name", None) or getattr(value, "__name__", None)
    return name if isinstance(name, str) else type(value).__name__


_ALIASES = {"acc": "accuracy", "binary_accuracy": "accuracy", "adam": "adam",
            "bce": "binary_crossentropy", "mse": "mean_squared_error"}


def _describe_layer(out, key, layer):
    _fact(out, f"{key}/class", type(layer).__name__)
    config = layer.get_config() if hasattr(layer, "get_config") else {}
    inner = getattr(layer, "forward_layer", None)
    if inner is not None:  # Bidirectional: describe the wrapped layer
        _fact(out, f"{key}/wraps", type(inner).__name__)
        _fact(out, f"{key}/merge_mode", config.get("merge_mode"))
        config = inner.get_config()
    for name in ("units", "filters", "input_dim", "output_dim", "kernel_size"):
        if name in config:
            out[f"{key}/{name}"] = np.array(config[name])
    for name in ("mask_zero", "padding", "return_sequences"):
        if name in config:
            _fact(out, f"{key}/{name}", config[name])
    if "activation" in config:
        _fact(out, f"{key}/activation", _name_of(config["activation"]))


def keras_model(namespace, spec, arrays):
    """Describe the model a function returns, by duck typing (this module imports no Keras).

    ``spec = {"func", "args": [...], "weights": [array key, ...] (optional), "ids": key}``.
    Reported under ``out/``: the number of layers; for layer i its class, units /
    filters / dimensions, activation, mask_zero, padding (``layer<i>/...``); the loss,
    optimizer and metrics it was compiled with; the shape of every weight. With
    ``weights`` (in ``model.get_weights()`` order, when their shapes are the model's)
    the weights are set and ``out/probs`` is the model's output on ``arrays[ids]``, as
    float64 (N,).
    Facts that are names are reported as ``<key>/<name>`` = 1 next to ``<key>`` =
    "str:<name>", so a wrong name is a missing key whose message shows the name used.
    """
    fn = _lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    built = _strict(lambda: fn(*args))
    out = {}
    layers = getattr(built, "layers", None)
    if layers is None or not hasattr(built, "get_weights"):
        raise ProbeError(f"{spec['func']} must return a Keras model, got {type(built).__name__}")
    out["out/layers"] = np.array(len(layers))
    for i, layer in enumerate(layers):
        _describe_layer(out, f"out/layer{i}", layer)
    config = built.get_compile_config() if hasattr(built, "get_compile_config") else None
    if not config:
        raise ProbeError(f"the model {spec['func']} returns is not compiled: call model.compile")
    loss = _name_of(config.get("loss"))
    _fact(out, "out/loss", _ALIASES.get(loss, loss))
    optimizer = _name_of(config.get("optimizer")).lower()
    _fact(out, "out/optimizer", _ALIASES.get(optimizer, optimizer).rstrip("_0123456789"))
    metrics = config.get("metrics") or []
    metrics = metrics if isinstance(metrics, (list, tuple)) else [metrics]
    for metric in metrics:
        name = _name_of(metric)
        _fact(out, "out/metric", _ALIASES.get(name, name))
    shapes = [tuple(np.shape(w)) for w in built.get_weights()]
    out["out/weights"] = np.array(len(shapes))
    for j, shape in enumerate(shapes):
        out[f"out/weight{j}"] = np.array(shape)
    out["out"] = "type:" + type(built).__name__
    given = [arrays[k] for k in spec.get("weights") or []]
    # With other weight shapes the model is a different one: the shapes above say so.
    if given and [tuple(np.shape(w)) for w in given] == shapes:
        built.set_weights(given)
        ids = np.array(arrays[spec["ids"]], copy=True)
        probs = _strict(lambda: built(ids, training=False))
        out["out/probs"] = np.asarray(probs, dtype=np.float64).reshape(-1)
    return out


def sized(namespace, spec, arrays):
    """Like :func:`call`, and also report the sizes a flattened value does not show.

    ``len`` is len(result); for a list of lists, ``lens`` holds each item's length.
    (Comparisons only visit expected keys, so without these an extra entry would pass.)
    """
    fn = _lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    result = _strict(lambda: fn(*args, **kwargs))
    out = flatten(result)
    if hasattr(result, "__len__") and not isinstance(result, str):
        out["len"] = np.array(len(result))
        if isinstance(result, (list, tuple)) and all(
                isinstance(item, (list, tuple, np.ndarray)) for item in result):
            out["lens"] = np.array([len(item) for item in result], dtype=np.int64)
    return out


PROBES.update(model=model, keras_model=keras_model, sized=sized)


# ---- 07_gated: the LSTM and GRU caches (the fields of autograder.caches' NamedTuples) ----
CACHE_FIELDS.update({
    "LSTMStepCache": ("x_t", "h_prev", "c_prev", "W", "b", "i", "f", "g", "o", "c_next",
                      "h_next"),
    "LSTMCache": ("x", "W", "b", "h0", "c0", "h", "c", "gates", "mask"),
    "GRUStepCache": ("x_t", "h_prev", "Wx", "Wh", "bx", "bh", "z", "r", "hh", "ah", "h_next"),
    "GRUCache": ("x", "Wx", "Wh", "bx", "bh", "h0", "h", "gates", "ah", "mask"),
})


def last_states(namespace, spec, arrays):
    """Like :func:`call` for a sequence forward ``(h, cache)``, keeping only what Keras's
    ``return_sequences=False`` returns: ``out/0`` is h[:, -1], and, when the cache has a
    cell state ``c`` (the LSTM), ``out/1`` is c[:, -1], what ``return_state=True`` adds."""
    fn = _lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    h, cache = _strict(lambda: fn(*args, **kwargs))
    out = {"out/0": np.array(np.asarray(h)[:, -1], copy=True)}
    c = getattr(cache, "c", None)
    if c is not None:
        out["out/1"] = np.array(np.asarray(c)[:, -1], copy=True)
    return out


PROBES.update(last_states=last_states)
# ---- 08_cnn_tagging: its caches, built like the others --------------------------------
CACHE_FIELDS.update({
    "Conv1DCache": ("x", "K", "b", "left", "right"),
    "MaxPoolCache": ("x", "y"),
    "TemporalDenseCache": ("h", "W", "b"),
})
