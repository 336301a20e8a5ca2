"""Hidden and visible cases of 07_gated's GRU functions (assembled in suites/gated/__init__.py)."""
import numpy as np

from ... import keras_values
from .._base import call_case, rng_for
from .lstm import ASSIGNMENT, SHAPES, last_case, ref
from .._sequences import chain_case
from ..rnn import _mask

STEP_GRADS = ("dx_t", "dh_prev", "dWx", "dWh", "dbx", "dbh")
SEQ_GRADS = ("dx", "dh0", "dWx", "dWh", "dbx", "dbh")
WEIGHT_GRADS = ("dWx", "dWh", "dbx", "dbh")


def weights(rng, D, H, scale=0.5):
    return [rng.normal(0, scale, size=(3 * H, D)), rng.normal(0, scale, size=(3 * H, H)),
            rng.normal(0, 0.5, size=3 * H), rng.normal(0, 0.5, size=3 * H)]


def golden_weights(g, k):
    return [g[k + n] for n in ("Wx", "Wh", "bx", "bh")]


def step_forward_cases():
    R, rng, out = ref(), rng_for("gru_step_forward"), []

    def case(label, args, expected=None):
        return call_case(R, label, "gru_step_forward", args, outputs=("h_next", "cache"),
                         keep=("h_next",), expected=expected)

    for N, _, D, H in SHAPES:
        x, h = rng.normal(size=(N, D)), rng.normal(0, 0.5, size=(N, H))
        out.append(case(f"batch of {N}, D={D}, H={H}", [x, h, *weights(rng, D, H)]))
    x, h = rng.normal(0, 300, size=(2, 3)), rng.normal(size=(2, 4))
    out.append(case("inputs of size 300 (every gate saturates), warnings count as errors",
                    [x, h, *weights(rng, 3, 4)]))
    g = keras_values.load(ASSIGNMENT)
    for name in ("rect", "square"):
        k = f"gru/{name}/"
        x, h0 = g[k + "x"], g[k + "h0"]
        out.append(case(f"Keras GRU, one step from h0 = 0 ({name} weights)",
                        [x[:, 0], np.zeros_like(h0), *golden_weights(g, k)],
                        {"h_next": g[k + "step_h"]}))
        out.append(case(f"Keras GRU, one step from a given state ({name} weights)",
                        [x[:, 0], h0, *golden_weights(g, k)], {"h_next": g[k + "step_h_init"]}))
    out.append(cache_case(R, rng, "gru_step_forward"))
    return out


def cache_case(R, rng, func):
    """The cache a forward returns, type and every field (see _lstm.cache_case)."""
    x, w, h0 = rng.normal(size=(3, 4, 2)), weights(rng, 2, 3), rng.normal(0, 0.5, size=(3, 3))
    if func == "gru_step_forward":
        return call_case(R, "the cache: GRUStepCache(x_t, h_prev, Wx, Wh, bx, bh, z, r, hh, ah, "
                         "h_next), D=2, H=3", func, [x[:, 0], h0, *w],
                         outputs=("h_next", "cache"))
    return call_case(R, "the cache: GRUCache(x, Wx, Wh, bx, bh, h0, h, gates, ah, mask), with "
                     "h0 and a mask", func, [x, *w], {"h0": h0, "mask": _mask(3, 4)},
                     outputs=("h", "cache"))


def forward_cases():
    R, rng, out = ref(), rng_for("gru_forward"), []

    def case(label, args, kwargs=None, expected=None):
        return call_case(R, label, "gru_forward", args, kwargs, outputs=("h", "cache"),
                         keep=("h",), expected=expected)

    for N, T, D, H in SHAPES:
        out.append(case(f"N={N}, T={T}, D={D}, H={H}, default h0",
                        [rng.normal(size=(N, T, D)), *weights(rng, D, H)]))
    N, T, D, H = 4, 6, 3, 5
    x, w = rng.normal(size=(N, T, D)), weights(rng, D, H)
    h0 = rng.normal(0, 0.5, size=(N, H))
    mask = _mask(N, T)
    out.append(case("a given initial state h0", [x, *w], {"h0": h0}))
    out.append(case("a mask: leading, middle, trailing and all-masked steps (state carries "
                    "over)", [x, *w], {"mask": mask}))
    out.append(case("a mask and a given h0: masked steps keep h0 until the first real step",
                    [x, *w], {"h0": h0, "mask": mask}))
    out.append(case("a mask of all True equals no mask", [x, *w],
                    {"mask": np.ones((N, T), dtype=bool)}))
    out.append(case("inputs of size 300 (gates saturate), warnings count as errors",
                    [rng.normal(0, 300, size=(2, 4, 3)), *weights(rng, 3, 4)]))
    g = keras_values.load(ASSIGNMENT)
    names = ("h[:, -1] (what return_sequences=False returns)",)
    for name in ("rect", "square"):
        k = f"gru/{name}/"
        args = [g[k + "x"], *golden_weights(g, k)]
        out.append(case(f"Keras GRU(return_sequences=True), {name} weights", args,
                        expected={"h": g[k + "h"]}))
        out.append(case(f"Keras GRU(return_sequences=True) with a mask, {name} weights", args,
                        {"mask": g[k + "mask"]}, expected={"h": g[k + "h_masked"]}))
        out.append(case(f"Keras GRU with initial_state, {name} weights", args,
                        {"h0": g[k + "h0"]}, expected={"h": g[k + "h_init"]}))
        for suffix, kwargs, what in (("", {}, ""), ("_masked", {"mask": g[k + "mask"]},
                                                    " with a mask"),
                                     ("_init", {"h0": g[k + "h0"]}, " with initial_state")):
            out.append(last_case(R, f"Keras GRU (return_sequences=False){what}, {name} "
                                 f"weights", "gru_forward", args, kwargs,
                                 {names[0]: g[k + "last" + suffix]}, names))
    out.append(cache_case(R, rng, "gru_forward"))
    return out


def step_backward_cases():
    R, rng, out = ref(), rng_for("gru_step_backward"), []
    for N, _, D, H in SHAPES:
        x, h = rng.normal(size=(N, D)), rng.normal(size=(N, H))
        _, cache = R["gru_step_forward"](x, h, *weights(rng, D, H))
        out.append(call_case(R, f"batch of {N}, D={D}, H={H}, reference cache",
                             "gru_step_backward", [rng.normal(size=(N, H)), cache],
                             outputs=STEP_GRADS))
    x, h = rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    w = weights(rng, 3, 5, scale=2.0)  # saturated gates
    out.append(chain_case(R, "end to end: gru_step_forward then gru_step_backward, large "
                          "weights", [("gru_step_forward", [x, h, *w], None),
                                      ("gru_step_backward", [rng.normal(size=(4, 5)),
                                                             {"result": [0, 1]}], None)],
                          outputs=STEP_GRADS))
    g = keras_values.load(ASSIGNMENT)
    k = "gru_step/"
    _, cache = R["gru_step_forward"](g[k + "x"][:, 0], g[k + "h0"], *golden_weights(g, k))
    out.append(call_case(R, "TensorFlow gradients of a Keras GRU step", "gru_step_backward",
                         [g[k + "dh"][:, 0], cache], outputs=STEP_GRADS,
                         expected={"dx_t": g[k + "dx"][:, 0], "dh_prev": g[k + "dh0"],
                                   **{n: g[k + n] for n in WEIGHT_GRADS}}))
    return out


def backward_cases():
    R, rng, out = ref(), rng_for("gru_backward"), []
    for N, T, D, H, with_h0, with_mask in [(2, 5, 3, 4, False, False), (1, 6, 4, 3, True, False),
                                            (4, 1, 2, 5, True, False), (4, 8, 5, 4, False, True),
                                            (5, 6, 3, 3, True, True)]:
        x, w = rng.normal(size=(N, T, D)), weights(rng, D, H)
        kwargs = {"h0": rng.normal(size=(N, H))} if with_h0 else {}
        if with_mask:
            kwargs["mask"] = _mask(N, T)
        _, cache = R["gru_forward"](x, *w, **kwargs)
        what = ", ".join(filter(None, [f"N={N}, T={T}, D={D}, H={H}",
                                        "non-zero h0" if with_h0 else "",
                                        "mask (leading, middle, trailing, all masked)"
                                        if with_mask else ""]))
        out.append(call_case(R, f"{what}, reference cache", "gru_backward",
                             [rng.normal(size=(N, T, H)), cache], outputs=SEQ_GRADS))
    x, w = rng.normal(size=(3, 6, 2)), weights(rng, 2, 4)
    dh = np.zeros((3, 6, 4))
    dh[:, -1] = rng.normal(size=(3, 4))
    _, cache = R["gru_forward"](x, *w)
    out.append(call_case(R, "gradient only on the last state (a classifier)", "gru_backward",
                         [dh, cache], outputs=SEQ_GRADS))
    x, w = rng.normal(size=(4, 7, 3)), weights(rng, 3, 4)
    kwargs = {"h0": rng.normal(size=(4, 4)), "mask": _mask(4, 7)}
    out.append(chain_case(R, "end to end: gru_forward (h0 and a mask) then gru_backward",
                          [("gru_forward", [x, *w], kwargs),
                           ("gru_backward", [rng.normal(size=(4, 7, 4)), {"result": [0, 1]}],
                            None)], outputs=SEQ_GRADS))
    g = keras_values.load(ASSIGNMENT)
    k = "gru_seq/"
    _, cache = R["gru_forward"](g[k + "x"], *golden_weights(g, k), h0=g[k + "h0"])
    out.append(call_case(R, "TensorFlow gradients of Keras GRU, non-zero initial state",
                         "gru_backward", [g[k + "dh"], cache], outputs=SEQ_GRADS,
                         expected={n: g[k + n] for n in SEQ_GRADS}))
    k = "gru_masked/"
    _, cache = R["gru_forward"](g[k + "x"], *golden_weights(g, k), mask=g[k + "mask"])
    keep = ("dx",) + WEIGHT_GRADS
    out.append(call_case(R, "TensorFlow gradients of Keras GRU with a mask (padding, a hole, an "
                         "empty row)", "gru_backward", [g[k + "dh"], cache], outputs=SEQ_GRADS,
                         keep=keep, expected={n: g[k + n] for n in keep}))
    return out


# ---- visible cases -------------------------------------------------------------------

def small():
    x = np.array([[[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]],
                  [[-0.5, 0.5], [1.0, 1.0], [0.3, -0.2]]])  # (N=2, T=3, D=2)
    Wx = np.linspace(-0.5, 0.5, 12).reshape(6, 2)  # (3H=6, D=2), H=2
    Wh = np.linspace(0.4, -0.4, 12).reshape(6, 2)[:, ::-1].copy()  # (3H, H)
    bx, bh = np.array([0.1, -0.1, 0.2, 0.0, -0.2, 0.1]), np.array([0.0, 0.3, -0.1, 0.2, 0.1, -0.3])
    h0 = np.array([[0.1, -0.2], [0.3, 0.0]])
    dh = np.linspace(-1, 1, 12).reshape(2, 3, 2)
    return x, [Wx, Wh, bx, bh], h0, dh


def visible_step_forward():
    x, w, h0, _ = small()
    return [call_case(ref(), "N=2, D=2, H=2, given h_prev", "gru_step_forward", [x[:, 0], h0, *w],
                      outputs=("h_next", "cache"), keep=("h_next",))]


def visible_forward():
    x, w, _, _ = small()
    mask = np.array([[False, True, True], [True, True, False]])
    return [call_case(ref(), "N=2, T=3, D=2, H=2, default h0", "gru_forward", [x, *w],
                      outputs=("h", "cache"), keep=("h",)),
            call_case(ref(), "the same with a mask (one leading, one trailing masked step)",
                      "gru_forward", [x, *w], {"mask": mask}, outputs=("h", "cache"),
                      keep=("h",))]


def visible_step_backward():
    R = ref()
    x, w, h0, dh = small()
    _, cache = R["gru_step_forward"](x[:, 0], h0, *w)
    return [call_case(R, "N=2, D=2, H=2, reference cache", "gru_step_backward",
                      [dh[:, 0], cache], outputs=STEP_GRADS)]


def visible_backward():
    R = ref()
    x, w, _, dh = small()
    _, plain = R["gru_forward"](x, *w)
    mask = np.array([[False, True, True], [True, True, False]])
    _, masked = R["gru_forward"](x, *w, mask=mask)
    return [call_case(R, "N=2, T=3, no mask", "gru_backward", [dh, plain], outputs=SEQ_GRADS),
            call_case(R, "N=2, T=3, with a mask", "gru_backward", [dh, masked],
                      outputs=SEQ_GRADS)]
