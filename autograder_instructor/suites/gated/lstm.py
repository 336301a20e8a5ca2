"""Hidden and visible cases of 07_gated's LSTM functions (assembled in suites/gated/__init__.py)."""
import numpy as np

from autograder.caches import LSTMStepCache

from ... import keras_values
from .._base import add_hints, call_case, reference_namespace, rng_for
from .._sequences import chain_case
from ..rnn import _mask

ASSIGNMENT = "07_gated"
SOLUTIONS = ("solutions.lstm", "solutions.gru")
# (N, T, D, H): D != H and D == H, a batch of one, a single time step.
SHAPES = [(3, 5, 2, 4), (4, 6, 3, 3), (1, 4, 5, 2), (2, 1, 3, 6)]
STEP_GRADS = ("dx_t", "dh_prev", "dc_prev", "dW", "db")
SEQ_GRADS = ("dx", "dh0", "dc0", "dW", "db")


def ref():
    return reference_namespace(*SOLUTIONS)


def weights(rng, D, H, scale=0.5):
    return rng.normal(0, scale, size=(4 * H, H + D)), rng.normal(0, 0.5, size=4 * H)


def last_case(R, label, func, args, kwargs, expected, names):
    """What return_sequences=False (and an LSTM's return_state=True) would give: the last
    step of the forward's h, and of its cache's c when ``names`` has two entries."""
    outputs = names if len(names) == 2 else (names[0], "cache")
    case = call_case(R, label, func, args, kwargs, outputs=outputs, keep=names,
                     expected=expected, hints=False)
    case.probe = "last_states"
    return add_hints(case, R)


def step_forward_cases():
    R, rng, out = ref(), rng_for("lstm_step_forward"), []
    names = ("h_next", "c_next", "cache")

    def case(label, args, expected=None):
        return call_case(R, label, "lstm_step_forward", args, outputs=names,
                         keep=("h_next", "c_next"), expected=expected)

    for N, _, D, H in SHAPES:
        x, h, c = rng.normal(size=(N, D)), rng.normal(0, 0.5, size=(N, H)), rng.normal(size=(N, H))
        out.append(case(f"batch of {N}, D={D}, H={H}", [x, h, c, *weights(rng, D, H)]))
    x, h, c = rng.normal(0, 300, size=(2, 3)), np.zeros((2, 4)), rng.normal(size=(2, 4))
    out.append(case("inputs of size 300 (every gate saturates), warnings count as errors",
                    [x, h, c, *weights(rng, 3, 4)]))
    g = keras_values.load(ASSIGNMENT)
    for name in ("rect", "square"):
        k = f"lstm/{name}/"
        x, W, b, h0, c0 = (g[k + n] for n in ("x", "W", "b", "h0", "c0"))
        zeros = np.zeros_like(h0)
        out.append(case(f"Keras LSTM, one step from zero states ({name} W)",
                        [x[:, 0], zeros, zeros, W, b],
                        {"h_next": g[k + "step_h"], "c_next": g[k + "step_c"]}))
        out.append(case(f"Keras LSTM, one step from given h0 and c0 ({name} W)",
                        [x[:, 0], h0, c0, W, b],
                        {"h_next": g[k + "step_h_init"], "c_next": g[k + "step_c_init"]}))
    out.append(cache_case(R, rng, "lstm_step_forward"))
    return out


def cache_case(R, rng, func):
    """The cache a forward returns, type and every field: the backward reads it by field, and
    is graded on the reference's cache, so a wrong cache must cost the forward (as in 03)."""
    x, (W, b) = rng.normal(size=(3, 4, 2)), weights(rng, 2, 3)
    h0, c0 = rng.normal(0, 0.5, size=(3, 3)), rng.normal(size=(3, 3))
    if func == "lstm_step_forward":
        return call_case(R, "the cache: LSTMStepCache(x_t, h_prev, c_prev, W, b, i, f, g, o, "
                         "c_next, h_next), D=2, H=3", func, [x[:, 0], h0, c0, W, b],
                         outputs=("h_next", "c_next", "cache"))
    return call_case(R, "the cache: LSTMCache(x, W, b, h0, c0, h, c, gates, mask), with h0, c0 "
                     "and a mask", func, [x, W, b], {"h0": h0, "c0": c0, "mask": _mask(3, 4)},
                     outputs=("h", "cache"))


def forward_cases():
    R, rng, out = ref(), rng_for("lstm_forward"), []

    def case(label, args, kwargs=None, expected=None):
        return call_case(R, label, "lstm_forward", args, kwargs, outputs=("h", "cache"),
                         keep=("h",), expected=expected)

    for N, T, D, H in SHAPES:
        x = rng.normal(size=(N, T, D))
        out.append(case(f"N={N}, T={T}, D={D}, H={H}, default h0 and c0",
                        [x, *weights(rng, D, H)]))
    N, T, D, H = 4, 6, 3, 5
    x, (W, b) = rng.normal(size=(N, T, D)), weights(rng, D, H)
    h0, c0 = rng.normal(0, 0.5, size=(N, H)), rng.normal(size=(N, H))
    out.append(case("given h0 and c0", [x, W, b], {"h0": h0, "c0": c0}))
    out.append(case("a given c0 only (h0 defaults to zeros)", [x, W, b], {"c0": c0}))
    mask = _mask(N, T)
    out.append(case("a mask: leading, middle, trailing and all-masked steps (h and c carry "
                    "over)", [x, W, b], {"mask": mask}))
    out.append(case("a mask with given h0 and c0: masked steps keep them until the first real "
                    "step", [x, W, b], {"h0": h0, "c0": c0, "mask": mask}))
    out.append(case("a mask of all True equals no mask", [x, W, b],
                    {"mask": np.ones((N, T), dtype=bool)}))
    out.append(case("inputs of size 300 (gates saturate), warnings count as errors",
                    [rng.normal(0, 300, size=(2, 4, 3)), *weights(rng, 3, 4)]))
    g = keras_values.load(ASSIGNMENT)
    names = ("h[:, -1] (what return_sequences=False returns)",
             "cache.c[:, -1] (the cell state return_state=True returns)")
    for name in ("rect", "square"):
        k = f"lstm/{name}/"
        x, W, b = g[k + "x"], g[k + "W"], g[k + "b"]
        init = {"h0": g[k + "h0"], "c0": g[k + "c0"]}
        out.append(case(f"Keras LSTM(return_sequences=True), {name} W", [x, W, b],
                        expected={"h": g[k + "h"]}))
        out.append(case(f"Keras LSTM(return_sequences=True) with a mask, {name} W", [x, W, b],
                        {"mask": g[k + "mask"]}, expected={"h": g[k + "h_masked"]}))
        out.append(case(f"Keras LSTM with initial_state=[h0, c0], {name} W", [x, W, b], init,
                        expected={"h": g[k + "h_init"]}))
        for suffix, kwargs, what in (("", {}, ""), ("_masked", {"mask": g[k + "mask"]},
                                                    " with a mask"),
                                     ("_init", init, " with initial_state")):
            out.append(last_case(R, f"Keras LSTM(return_state=True){what}: last h and c, "
                                 f"{name} W", "lstm_forward", [x, W, b], kwargs,
                                 {names[0]: g[k + "last" + suffix],
                                  names[1]: g[k + "c_last" + suffix]}, names))
    out.append(cache_case(R, rng, "lstm_forward"))
    return out


def step_backward_cases():
    R, rng, out = ref(), rng_for("lstm_step_backward"), []
    for N, _, D, H in SHAPES:
        x, h, c = rng.normal(size=(N, D)), rng.normal(size=(N, H)), rng.normal(size=(N, H))
        _, _, cache = R["lstm_step_forward"](x, h, c, *weights(rng, D, H))
        out.append(call_case(R, f"batch of {N}, D={D}, H={H}, reference cache",
                             "lstm_step_backward",
                             [rng.normal(size=(N, H)), rng.normal(size=(N, H)), cache],
                             outputs=STEP_GRADS))
    x, h, c = rng.normal(size=(3, 4)), rng.normal(size=(3, 2)), rng.normal(size=(3, 2))
    _, _, cache = R["lstm_step_forward"](x, h, c, *weights(rng, 4, 2))
    out.append(call_case(R, "dc_next = 0 (the cell state read only through h_next)",
                         "lstm_step_backward", [rng.normal(size=(3, 2)), np.zeros((3, 2)), cache],
                         outputs=STEP_GRADS))
    x, h, c = rng.normal(size=(4, 3)), rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    W, b = weights(rng, 3, 5, scale=2.0)  # saturated gates: sigmoid' and tanh' near 0
    out.append(chain_case(R, "end to end: lstm_step_forward then lstm_step_backward, large "
                          "weights", [("lstm_step_forward", [x, h, c, W, b], None),
                                      ("lstm_step_backward", [rng.normal(size=(4, 5)),
                                                              rng.normal(size=(4, 5)),
                                                              {"result": [0, 2]}], None)],
                          outputs=STEP_GRADS))
    g = keras_values.load(ASSIGNMENT)
    k = "lstm_step/"
    _, _, cache = R["lstm_step_forward"](g[k + "x_t"], g[k + "h_prev"], g[k + "c_prev"],
                                         g[k + "W"], g[k + "b"])
    assert isinstance(cache, LSTMStepCache)
    out.append(call_case(R, "TensorFlow gradients of a Keras LSTM step (upstream gradients on "
                         "both h and c)", "lstm_step_backward",
                         [g[k + "dh_next"], g[k + "dc_next"], cache], outputs=STEP_GRADS,
                         expected={n: g[k + n] for n in STEP_GRADS}))
    return out


def backward_cases():
    R, rng, out = ref(), rng_for("lstm_backward"), []
    for N, T, D, H, with_init, with_mask in [(2, 5, 3, 4, False, False),
                                             (1, 6, 4, 3, True, False),
                                             (4, 1, 2, 5, True, False),
                                             (4, 8, 5, 4, False, True),
                                             (5, 6, 3, 3, True, True)]:
        x, (W, b) = rng.normal(size=(N, T, D)), weights(rng, D, H)
        kwargs = {"h0": rng.normal(size=(N, H)), "c0": rng.normal(size=(N, H))} if with_init \
            else {}
        if with_mask:
            kwargs["mask"] = _mask(N, T)
        _, cache = R["lstm_forward"](x, W, b, **kwargs)
        what = ", ".join(filter(None, [f"N={N}, T={T}, D={D}, H={H}",
                                        "given h0 and c0" if with_init else "",
                                        "mask (leading, middle, trailing, all masked)"
                                        if with_mask else ""]))
        out.append(call_case(R, f"{what}, reference cache", "lstm_backward",
                             [rng.normal(size=(N, T, H)), cache], outputs=SEQ_GRADS))
    # A classifier reads only the last state: everything else comes back through time.
    x, (W, b) = rng.normal(size=(3, 6, 2)), weights(rng, 2, 4)
    dh = np.zeros((3, 6, 4))
    dh[:, -1] = rng.normal(size=(3, 4))
    _, cache = R["lstm_forward"](x, W, b)
    out.append(call_case(R, "gradient only on the last state (a classifier)", "lstm_backward",
                         [dh, cache], outputs=SEQ_GRADS))
    x, (W, b) = rng.normal(size=(4, 7, 3)), weights(rng, 3, 4)
    init = {"h0": rng.normal(size=(4, 4)), "c0": rng.normal(size=(4, 4)), "mask": _mask(4, 7)}
    out.append(chain_case(R, "end to end: lstm_forward (h0, c0 and a mask) then lstm_backward",
                          [("lstm_forward", [x, W, b], init),
                           ("lstm_backward", [rng.normal(size=(4, 7, 4)), {"result": [0, 1]}],
                            None)], outputs=SEQ_GRADS))
    g = keras_values.load(ASSIGNMENT)
    k = "lstm_seq/"
    _, cache = R["lstm_forward"](g[k + "x"], g[k + "W"], g[k + "b"], h0=g[k + "h0"],
                                 c0=g[k + "c0"])
    out.append(call_case(R, "TensorFlow gradients of Keras LSTM, given initial states",
                         "lstm_backward", [g[k + "dh"], cache], outputs=SEQ_GRADS,
                         expected={n: g[k + n] for n in SEQ_GRADS}))
    k = "lstm_masked/"
    _, cache = R["lstm_forward"](g[k + "x"], g[k + "W"], g[k + "b"], mask=g[k + "mask"])
    out.append(call_case(R, "TensorFlow gradients of Keras LSTM with a mask (padding, a hole, an "
                         "empty row)", "lstm_backward", [g[k + "dh"], cache], outputs=SEQ_GRADS,
                         keep=("dx", "dW", "db"),
                         expected={n: g[k + n] for n in ("dx", "dW", "db")}))
    return out


# ---- visible cases -------------------------------------------------------------------

def small():
    x = np.array([[[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]],
                  [[-0.5, 0.5], [1.0, 1.0], [0.3, -0.2]]])  # (N=2, T=3, D=2)
    W = np.linspace(-0.6, 0.6, 8 * 4).reshape(8, 4)[::-1].copy()  # (4H=8, H+D=4), H=2
    W[:, 1] *= -0.7
    b = np.array([0.1, -0.1, 1.0, 1.0, 0.0, 0.2, -0.2, 0.3])  # forget bias 1, as Keras starts
    h0, c0 = np.array([[0.1, -0.2], [0.3, 0.0]]), np.array([[0.5, -0.5], [0.0, 1.0]])
    dh = np.linspace(-1, 1, 12).reshape(2, 3, 2)
    return x, W, b, h0, c0, dh


def visible_step_forward():
    x, W, b, h0, c0, _ = small()
    return [call_case(ref(), "N=2, D=2, H=2, given h_prev and c_prev", "lstm_step_forward",
                      [x[:, 0], h0, c0, W, b], outputs=("h_next", "c_next", "cache"),
                      keep=("h_next", "c_next"))]


def visible_forward():
    x, W, b, h0, c0, _ = small()
    mask = np.array([[False, True, True], [True, True, False]])
    return [call_case(ref(), "N=2, T=3, D=2, H=2, default h0 and c0", "lstm_forward", [x, W, b],
                      outputs=("h", "cache"), keep=("h",)),
            call_case(ref(), "the same with a mask (one leading, one trailing masked step)",
                      "lstm_forward", [x, W, b], {"mask": mask}, outputs=("h", "cache"),
                      keep=("h",))]


def visible_step_backward():
    R = ref()
    x, W, b, h0, c0, dh = small()
    _, _, cache = R["lstm_step_forward"](x[:, 0], h0, c0, W, b)
    return [call_case(R, "N=2, D=2, H=2, reference cache", "lstm_step_backward",
                      [dh[:, 0], dh[:, 1], cache], outputs=STEP_GRADS)]


def visible_backward():
    R = ref()
    x, W, b, h0, c0, dh = small()
    _, plain = R["lstm_forward"](x, W, b)
    mask = np.array([[False, True, True], [True, True, False]])
    _, masked = R["lstm_forward"](x, W, b, mask=mask)
    return [call_case(R, "N=2, T=3, no mask", "lstm_backward", [dh, plain], outputs=SEQ_GRADS),
            call_case(R, "N=2, T=3, with a mask", "lstm_backward", [dh, masked],
                      outputs=SEQ_GRADS)]
