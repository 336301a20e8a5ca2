"""Checks of 03_rnn: one step, a whole sequence (initial state, mask), padding, bidirectional."""
import numpy as np

from .. import keras_values
from autograder.cases import Test
from ..keras_golden.rnn import PAD_CASES, pad_inputs
from ._base import call_case, reference_namespace, rng_for

ASSIGNMENT = "03_rnn"
NOTEBOOK = "rnn.ipynb"
SOLUTIONS = ("solutions.rnn",)
# (N, T, D, H): D != H and D == H, a batch of one, a single time step.
SHAPES = [(3, 5, 2, 4), (4, 6, 3, 3), (1, 4, 5, 2), (2, 1, 3, 6)]


def ref():
    return reference_namespace(*SOLUTIONS)


def _weights(rng, D, H):
    return rng.normal(0, 0.6, size=(H, H + D)), rng.normal(0, 0.3, size=H)


def _mask(N, T):
    """Rows in turn: pre-padding (leading masked steps), a masked step in the middle, a
    trailing masked step, nothing real at all; then the same again."""
    mask = np.ones((N, T), dtype=bool)
    for n in range(N):
        kind = n % 4
        if kind == 0:
            mask[n, :T // 2] = False
        elif kind == 1:
            mask[n, T // 2] = False
        elif kind == 2:
            mask[n, T - 1] = False
        else:
            mask[n] = False
    return mask


def _step_cases():
    R, rng, out = ref(), rng_for("rnn_step_forward"), []
    for N, _, D, H in SHAPES:
        x, h, (W, b) = rng.normal(size=(N, D)), rng.normal(0, 0.5, size=(N, H)), _weights(rng, D, H)
        out.append(call_case(R, f"batch of {N}, D={D}, H={H}", "rnn_step_forward", [x, h, W, b],
                             outputs=("h_next", "cache"), keep=("h_next",)))
    # rnn_step_backward reads the cache by field: its type and every field are graded too.
    x, h, (W, b) = rng.normal(size=(3, 2)), rng.normal(0, 0.5, size=(3, 4)), _weights(rng, 2, 4)
    out.append(call_case(R, "the cache: RNNStepCache(x_t, h_prev, W, b, h_next), D=2, H=4",
                         "rnn_step_forward", [x, h, W, b], outputs=("h_next", "cache")))
    x, h, (W, b) = rng.normal(0, 300, size=(2, 3)), np.zeros((2, 4)), _weights(rng, 3, 4)
    out.append(call_case(R, "inputs of size 300 (tanh saturates), warnings count as errors",
                         "rnn_step_forward", [x, h, W, b], outputs=("h_next", "cache"),
                         keep=("h_next",)))
    g = keras_values.load(ASSIGNMENT)
    for name in ("rect", "square"):
        k = f"rnn/{name}/"
        x, W, b, h0 = g[k + "x"][:, 0], g[k + "W"], g[k + "b"], g[k + "h0"]
        out.append(call_case(R, f"Keras SimpleRNN, one step from h0 = 0 ({name} W)",
                             "rnn_step_forward", [x, np.zeros_like(h0), W, b],
                             outputs=("h_next", "cache"), keep=("h_next",),
                             expected={"h_next": g[k + "step"]}))
        out.append(call_case(R, f"Keras SimpleRNN, one step from a given state ({name} W)",
                             "rnn_step_forward", [x, h0, W, b], outputs=("h_next", "cache"),
                             keep=("h_next",), expected={"h_next": g[k + "step_init"]}))
    return out


def _forward_cases():
    R, rng, out = ref(), rng_for("rnn_forward"), []
    names = ("h", "cache")

    def case(label, args, kwargs=None, expected=None):
        return call_case(R, label, "rnn_forward", args, kwargs, outputs=names, keep=("h",),
                         expected=expected)

    for N, T, D, H in SHAPES:
        x, (W, b) = rng.normal(size=(N, T, D)), _weights(rng, D, H)
        out.append(case(f"N={N}, T={T}, D={D}, H={H}, default h0", [x, W, b]))
    N, T, D, H = 4, 6, 3, 5
    x, (W, b) = rng.normal(size=(N, T, D)), _weights(rng, D, H)
    h0 = rng.normal(0, 0.5, size=(N, H))
    out.append(case("a given initial state h0", [x, W, b], {"h0": h0}))
    mask = _mask(N, T)
    out.append(case("a mask: leading, middle, trailing and all masked steps (state carries "
                    "over)", [x, W, b], {"mask": mask}))
    out.append(case("a mask and a given h0: masked steps keep h0 until the first real step",
                    [x, W, b], {"h0": h0, "mask": mask}))
    out.append(case("a mask of all True equals no mask", [x, W, b],
                    {"mask": np.ones((N, T), dtype=bool)}))
    # rnn_backward reads the cache by field (h0 as used, every state, the mask).
    for label, kwargs in [("the cache: RNNCache(x, W, b, h0, h, mask), h0 = zeros when none is "
                           "given", {}), ("the cache with a mask and a given h0",
                                         {"h0": h0, "mask": mask})]:
        out.append(call_case(R, label, "rnn_forward", [x, W, b], kwargs, outputs=names))
    g = keras_values.load(ASSIGNMENT)
    for name in ("rect", "square"):
        k = f"rnn/{name}/"
        x, W, b = g[k + "x"], g[k + "W"], g[k + "b"]
        out.append(case(f"Keras SimpleRNN(return_sequences=True), {name} W", [x, W, b],
                        expected={"h": g[k + "h"]}))
        out.append(case(f"Keras SimpleRNN(return_sequences=True) with a mask, {name} W",
                        [x, W, b], {"mask": g[k + "mask"]}, expected={"h": g[k + "h_masked"]}))
        out.append(case(f"Keras SimpleRNN with initial_state, {name} W", [x, W, b],
                        {"h0": g[k + "h0"]}, expected={"h": g[k + "h_init"]}))
    return out


def _pad_cases():
    R, rng, out = ref(), rng_for("pad_sequences"), []
    seqs = [list(rng.integers(1, 20, size=n).tolist()) for n in (4, 0, 7, 2, 1)]
    for kwargs in [{}, {"padding": "post"}, {"maxlen": 3}, {"maxlen": 3, "truncating": "post"},
                   {"maxlen": 5, "padding": "post", "truncating": "pre", "value": -1},
                   {"maxlen": 9, "padding": "pre", "truncating": "post", "value": 7}]:
        label = ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) or "default arguments"
        out.append(call_case(R, f"five sequences (one empty), {label}", "pad_sequences",
                             [seqs], kwargs, outputs=("padded",)))
    out.append(call_case(R, "only empty sequences, maxlen=3", "pad_sequences",
                         [[[], []]], {"maxlen": 3}, outputs=("padded",)))
    arrays = [np.array(s, dtype=np.int64) for s in seqs[:3]]
    out.append(call_case(R, "NumPy arrays as sequences, maxlen=4", "pad_sequences", [arrays],
                         {"maxlen": 4}, outputs=("padded",)))
    g = keras_values.load(ASSIGNMENT)
    for name, _, _ in PAD_CASES:
        seqs, kwargs = pad_inputs(g, name)
        label = ", ".join(f"{k}={v!r}" for k, v in kwargs.items()) or "default arguments"
        out.append(call_case(R, f"keras.utils.pad_sequences, {label}", "pad_sequences", [seqs],
                             kwargs, outputs=("padded",),
                             expected={"padded": g[f"pad/{name}/out"]}))
    return out


def _birnn_cases():
    R, rng, out = ref(), rng_for("birnn_forward"), []
    for N, T, D, H in SHAPES:
        x, (W_f, b_f), (W_b, b_b) = rng.normal(size=(N, T, D)), _weights(rng, D, H), \
            _weights(rng, D, H)
        out.append(call_case(R, f"N={N}, T={T}, D={D}, H={H}, no mask", "birnn_forward",
                             [x, W_f, b_f, W_b, b_b], outputs=("out",)))
        if T > 1:
            out.append(call_case(R, f"N={N}, T={T}, D={D}, H={H}, with a mask", "birnn_forward",
                                 [x, W_f, b_f, W_b, b_b], {"mask": _mask(N, T)},
                                 outputs=("out",)))
    g = keras_values.load(ASSIGNMENT)
    for name in ("rect", "square"):
        k = f"rnn/{name}/"
        args = [g[k + "x"], g[k + "W"], g[k + "b"], g[k + "W_b"], g[k + "b_b"]]
        out.append(call_case(R, f"Keras Bidirectional(SimpleRNN), {name} W", "birnn_forward",
                             args, outputs=("out",), expected={"out": g[k + "bi"]}))
        out.append(call_case(R, f"Keras Bidirectional(SimpleRNN) with a mask (pre-padded "
                             f"input), {name} W", "birnn_forward", args,
                             {"mask": g[k + "mask"]}, outputs=("out",),
                             expected={"out": g[k + "bi_masked"]}))
    return out


# ---- visible cases -------------------------------------------------------------------

def _small():
    x = np.array([[[1.0, 0.0], [0.5, -1.0], [0.0, 2.0]],
                  [[-1.0, 1.0], [0.0, 0.0], [1.0, 1.0]]])  # (N=2, T=3, D=2)
    W = np.array([[0.5, -0.2, 0.3, 0.1, 0.0],
                  [0.1, 0.4, -0.5, 0.2, 0.3],
                  [0.0, 0.3, 0.2, -0.1, 0.4]])  # (H=3, H + D = 5)
    b = np.array([0.1, 0.0, -0.1])
    return x, W, b


def _visible_step():
    x, W, b = _small()
    h = np.array([[0.0, 0.5, -0.5], [0.2, 0.0, 0.1]])
    return [call_case(ref(), "N=2, D=2, H=3", "rnn_step_forward", [x[:, 0], h, W, b],
                      outputs=("h_next", "cache"), keep=("h_next",)),
            call_case(ref(), "the cache: RNNStepCache(x_t, h_prev, W, b, h_next), which "
                      "rnn_step_backward reads", "rnn_step_forward", [x[:, 1], h, W, b],
                      outputs=("h_next", "cache"))]


def _visible_forward():
    x, W, b = _small()
    mask = np.array([[False, True, True], [True, True, False]])
    return [call_case(ref(), "N=2, T=3, D=2, H=3, default h0", "rnn_forward", [x, W, b],
                      outputs=("h", "cache"), keep=("h",)),
            call_case(ref(), "the same with a mask (one leading, one trailing masked step)",
                      "rnn_forward", [x, W, b], {"mask": mask}, outputs=("h", "cache"),
                      keep=("h",)),
            call_case(ref(), "the cache: RNNCache(x, W, b, h0, h, mask) with h0 = zeros, which "
                      "rnn_backward reads", "rnn_forward", [x, W, b], outputs=("h", "cache"))]


def _visible_pad():
    seqs = [[1, 2, 3], [4], [5, 6, 7, 8, 9]]
    return [call_case(ref(), "three sequences, default arguments", "pad_sequences", [seqs],
                      outputs=("padded",)),
            call_case(ref(), "three sequences, maxlen=4, padding='post'", "pad_sequences",
                      [seqs], {"maxlen": 4, "padding": "post"}, outputs=("padded",))]


def _visible_birnn():
    x, W, b = _small()
    return [call_case(ref(), "N=2, T=3, D=2, H=3, no mask", "birnn_forward",
                      [x, W, b, W[::-1].copy(), -b], outputs=("out",))]


TESTS = [
    Test("rnn_step_forward_tests", "rnn_step_forward", 2, "rnn_step_forward: D != H and D == H, "
         "a batch of one, saturating inputs, Keras SimpleRNN golden values.", _step_cases),
    Test("rnn_forward_tests", "rnn_forward", 4, "rnn_forward: random shapes (batch of one, one "
         "time step), a given h0, masks with leading, middle, trailing and all-masked steps, "
         "Keras SimpleRNN golden values with and without a mask.", _forward_cases),
    Test("pad_sequences_tests", "pad_sequences", 2, "pad_sequences: every padding and "
         "truncating side, maxlen shorter and longer, other fill values, empty sequences, "
         "keras.utils.pad_sequences golden values.", _pad_cases),
    # birnn_forward runs rnn_forward, which runs rnn_step_forward: a wrong step is named too
    Test("birnn_forward_tests", "birnn_forward", 3, "birnn_forward: random shapes with and "
         "without a mask, Keras Bidirectional(SimpleRNN) golden values.", _birnn_cases,
         calls=("rnn_step_forward",)),
]

VISIBLE = {
    "rnn_step_forward": (_visible_step, "D == H, a batch of one, Keras's values."),
    "rnn_forward": (_visible_forward, "a given h0, all-masked rows, masked steps in the middle, "
                    "other shapes, Keras's values."),
    "pad_sequences": (_visible_pad, "truncating, other fill values, empty sequences, Keras's "
                      "values."),
    "birnn_forward": (_visible_birnn, "masks, other shapes, Keras's values."),
}
