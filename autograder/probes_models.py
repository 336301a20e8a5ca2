"""Probes for models: a model object driven through training, a Keras model described
(06_sentiment), the sizes a flattened value hides, a sequence's last states (07_gated).

Registered in :data:`autograder.probes.PROBES`; see :mod:`autograder.probes_core`
for the spec and output formats. No Keras is imported here: a Keras model is
described by duck typing.
"""
import numpy as np

from .probes_core import ProbeError, build, difference, flatten, lookup, snapshot, strict


def _model_arg(namespace, value, arrays):
    """A spec value, or ``{"new": class name, "kwargs": {...}}``: an object of a class the
    notebook defines (the optimizer ``Adam`` a model's ``fit`` receives, for instance)."""
    if isinstance(value, dict) and "new" in value:
        cls = lookup(namespace, value["new"])
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
    cls = lookup(namespace, spec["cls"])
    init = {k: build(v, arrays) for k, v in spec.get("init", {}).items()}
    report = spec.get("report", [])
    obj = strict(lambda: cls(**init))
    params = _params_of(obj, spec["cls"])
    out = {}
    if "init" in report:
        for name, value in params.items():
            out[f"init/shape/{name}"] = np.array(np.shape(value))
        for name in ("b", "b_out"):
            if name in params:
                flatten(np.array(params[name], dtype=np.float64), f"init/{name}", out)
        twin = _params_of(strict(lambda: cls(**init)), spec["cls"])
        other = _params_of(strict(lambda: cls(**dict(init, seed=init.get("seed", 0) + 1))),
                           spec["cls"])
        same = all(np.array_equal(params[k], twin.get(k)) for k in params)
        differs = any(not np.array_equal(params[k], other.get(k)) for k in params)
        out["init/same_seed_equal"] = np.array(float(same))
        out["init/other_seed_differs"] = np.array(float(differs))
    for name, value in spec.get("set", {}).items():
        params[name] = build(value, arrays)
    before = snapshot(dict(params))
    for i, c in enumerate(spec.get("calls", [])):
        args = [_model_arg(namespace, v, arrays) for v in c.get("args", [])]
        kwargs = {k: _model_arg(namespace, v, arrays) for k, v in c.get("kwargs", {}).items()}
        result = strict(lambda: getattr(obj, c["method"])(*args, **kwargs))
        flatten(result, f"out/{i}", out)
    params = _params_of(obj, spec["cls"])
    if "params" in report:
        flatten(snapshot(dict(params)), "params", out)
    if "updates" in report:
        flatten(difference(dict(params), before), "updates", out)
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
    fn = lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    built = strict(lambda: fn(*args))
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
        probs = strict(lambda: built(ids, training=False))
        out["out/probs"] = np.asarray(probs, dtype=np.float64).reshape(-1)
    return out


def sized(namespace, spec, arrays):
    """Like :func:`call`, and also report the sizes a flattened value does not show.

    ``len`` is len(result); for a list of lists, ``lens`` holds each item's length.
    (Comparisons only visit expected keys, so without these an extra entry would pass.)
    """
    fn = lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    result = strict(lambda: fn(*args, **kwargs))
    out = flatten(result)
    if hasattr(result, "__len__") and not isinstance(result, str):
        out["len"] = np.array(len(result))
        if isinstance(result, (list, tuple)) and all(
                isinstance(item, (list, tuple, np.ndarray)) for item in result):
            out["lens"] = np.array([len(item) for item in result], dtype=np.int64)
    return out


def last_states(namespace, spec, arrays):
    """Like :func:`call` for a sequence forward ``(h, cache)``, keeping only what Keras's
    ``return_sequences=False`` returns: ``out/0`` is h[:, -1], and, when the cache has a
    cell state ``c`` (the LSTM), ``out/1`` is c[:, -1], what ``return_state=True`` adds."""
    fn = lookup(namespace, spec["func"])
    args = [build(v, arrays) for v in spec.get("args", [])]
    kwargs = {k: build(v, arrays) for k, v in spec.get("kwargs", {}).items()}
    h, cache = strict(lambda: fn(*args, **kwargs))
    out = {"out/0": np.array(np.asarray(h)[:, -1], copy=True)}
    c = getattr(cache, "c", None)
    if c is not None:
        out["out/1"] = np.array(np.asarray(c)[:, -1], copy=True)
    return out
