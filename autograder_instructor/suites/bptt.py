"""Checks of 04_bptt: rnn_step_backward, rnn_backward, clip_by_global_norm, hidden_gradient_norms."""
import numpy as np

from .. import keras_values
from autograder.caches import RNNStepCache
from autograder.cases import Test
from ._base import add_hints, call_case, reference_namespace, rng_for
from ._sequences import chain_case

ASSIGNMENT = "04_bptt"
NOTEBOOK = "bptt.ipynb"
SOLUTIONS = ("solutions.bptt",)
STEP_GRADS = ("dx_t", "dh_prev", "dW", "db")
SEQ_GRADS = ("dx", "dh0", "dW", "db")


def ref():
    return reference_namespace(*SOLUTIONS)


def _weights(rng, H, D, scale=0.5):
    return rng.normal(0, scale, size=(H, H + D)), rng.normal(0, 0.5, size=H)


def _step_cases():
    R, rng, out = ref(), rng_for("rnn_step_backward"), []
    for N, D, H in [(1, 3, 4), (5, 2, 6), (4, 7, 3), (3, 5, 5)]:
        x_t, h_prev = rng.normal(size=(N, D)), rng.normal(size=(N, H))
        W, b = _weights(rng, H, D)
        _, cache = R["rnn_step_forward"](x_t, h_prev, W, b)
        out.append(call_case(R, f"batch of {N}, D={D}, H={H}, reference cache",
                             "rnn_step_backward", [rng.normal(size=(N, H)), cache],
                             outputs=STEP_GRADS))
    x_t, h_prev = rng.normal(size=(4, 3)), rng.normal(size=(4, 5))
    W, b = _weights(rng, 5, 3, scale=2.0)  # saturated units: 1 - h^2 near 0
    out.append(chain_case(R, "end to end: rnn_step_forward then rnn_step_backward, large weights",
                          [("rnn_step_forward", [x_t, h_prev, W, b], None),
                           ("rnn_step_backward", [rng.normal(size=(4, 5)), {"result": [0, 1]}],
                            None)], outputs=STEP_GRADS))
    g = keras_values.load(ASSIGNMENT)
    cache = RNNStepCache(g["step/x"], g["step/h_prev"], g["step/W"], g["step/b"], g["step/h_next"])
    out.append(call_case(R, "TensorFlow gradients of a Keras SimpleRNN step", "rnn_step_backward",
                         [g["step/dh_next"], cache], outputs=STEP_GRADS,
                         expected={n: g[f"step/{n}"] for n in STEP_GRADS}))
    return out


def _random_mask(rng, N, T):
    mask = rng.random((N, T)) > 0.3
    mask[0, : T // 2] = False  # pre-padding in the first row
    return mask


def _rnn_backward_cases():
    R, rng, out = ref(), rng_for("rnn_backward"), []
    for N, T, D, H, with_h0, with_mask in [(2, 5, 3, 4, False, False), (1, 6, 4, 3, True, False),
                                            (4, 1, 2, 5, True, False), (3, 8, 5, 4, False, True),
                                            (5, 6, 3, 3, True, True)]:
        x, (W, b) = rng.normal(size=(N, T, D)), _weights(rng, H, D)
        h0 = rng.normal(size=(N, H)) if with_h0 else None
        mask = _random_mask(rng, N, T) if with_mask else None
        _, cache = R["rnn_forward"](x, W, b, h0=h0, mask=mask)
        what = ", ".join(filter(None, [f"N={N}, T={T}, D={D}, H={H}",
                                        "non-zero h0" if with_h0 else "", "mask" if with_mask else ""]))
        out.append(call_case(R, f"{what}, reference cache", "rnn_backward",
                             [rng.normal(size=(N, T, H)), cache], outputs=SEQ_GRADS))
    # A classifier reads only the last state: the gradient must flow back on its own.
    x, (W, b) = rng.normal(size=(3, 6, 2)), _weights(rng, 4, 2)
    dh = np.zeros((3, 6, 4))
    dh[:, -1] = rng.normal(size=(3, 4))
    _, cache = R["rnn_forward"](x, W, b)
    out.append(call_case(R, "gradient only on the last state (a classifier)", "rnn_backward",
                         [dh, cache], outputs=SEQ_GRADS))
    x, (W, b), h0 = rng.normal(size=(3, 7, 3)), _weights(rng, 4, 3), rng.normal(size=(3, 4))
    mask = _random_mask(rng, 3, 7)
    out.append(chain_case(R, "end to end: rnn_forward (h0 and mask) then rnn_backward",
                          [("rnn_forward", [x, W, b], {"h0": h0, "mask": mask}),
                           ("rnn_backward", [rng.normal(size=(3, 7, 4)), {"result": [0, 1]}],
                            None)], outputs=SEQ_GRADS))
    g = keras_values.load(ASSIGNMENT)
    _, cache = R["rnn_forward"](g["seq/x"], g["seq/W"], g["seq/b"], h0=g["seq/h0"])
    out.append(call_case(R, "TensorFlow gradients of Keras SimpleRNN, non-zero initial state",
                         "rnn_backward", [g["seq/dh"], cache], outputs=SEQ_GRADS,
                         expected={n: g[f"seq/{n}"] for n in SEQ_GRADS}))
    _, cache = R["rnn_forward"](g["masked/x"], g["masked/W"], g["masked/b"], mask=g["masked/mask"])
    out.append(call_case(R, "TensorFlow gradients of Keras SimpleRNN with a mask (padding, holes, "
                         "an empty row)", "rnn_backward", [g["masked/dh"], cache],
                         outputs=SEQ_GRADS, keep=("dx", "dW", "db"),
                         expected={n: g[f"masked/{n}"] for n in ("dx", "dW", "db")}))
    return out


def _clip_case(R, label, grads, max_norm, expected=None):
    case = call_case(R, label, "clip_by_global_norm", [list(grads), max_norm],
                     outputs=("clipped", "global_norm"), return_args=True, hints=False)
    # Judge the arrays inside the returned list (a tuple is as good as a list).
    case.expected.pop("out/0")
    if expected is not None:
        clipped, norm = expected
        case.expected.update({f"out/0/{i}": c for i, c in enumerate(clipped)})
        case.expected["out/1"] = np.asarray(norm)
    case.names.update({k: f"clipped[{k.rsplit('/', 1)[1]}]" for k in case.expected
                       if k.startswith("out/0/")})
    case.names.update({f"args/0/{i}": f"grads[{i}] after the call" for i in range(len(grads))})
    # The inputs must come back unchanged (tf.clip_by_global_norm returns new tensors);
    # the containers' descriptions ("list:3") and max_norm are not judged.
    for k in ("args", "args/0", "args/1"):
        case.expected.pop(k, None)
    return add_hints(case, R)


def _clip_cases():
    R, rng, out = ref(), rng_for("clip_by_global_norm"), []
    grads = [rng.normal(size=(4, 3)), rng.normal(size=3), rng.normal(size=(2, 3, 2))]
    total = np.sqrt(sum(np.sum(g ** 2) for g in grads))
    out.append(_clip_case(R, "three arrays, global norm above the maximum", grads, total / 3))
    out.append(_clip_case(R, "three arrays, global norm below the maximum (nothing changes)",
                          grads, total * 2))
    # One array much larger than the others: clipping each separately gives another answer.
    uneven = [rng.normal(size=(3, 3)) * 100, rng.normal(size=5) * 0.01]
    out.append(_clip_case(R, "one huge and one tiny array, maximum 1.0", uneven, 1.0))
    out.append(_clip_case(R, "a single array", [rng.normal(size=(5, 2))], 0.5))
    out.append(_clip_case(R, "all-zero gradients (no division by zero)",
                          [np.zeros((2, 2)), np.zeros(3)], 1.0))
    g = keras_values.load(ASSIGNMENT)
    for name in ("above", "below"):
        k = f"clip/{name}/"
        arrays = [g[k + f"g{i}"] for i in range(3)]
        out.append(_clip_case(R, f"tf.clip_by_global_norm golden values, norm {name} the maximum",
                              arrays, float(g[k + "max_norm"]),
                              expected=([g[k + f"c{i}"] for i in range(3)], g[k + "global_norm"])))
    return out


def _norms_cases():
    R, rng, out = ref(), rng_for("hidden_gradient_norms"), []
    for N, T, D, H, scale in [(2, 6, 3, 4, 0.5), (1, 10, 2, 5, 1.5), (3, 4, 4, 3, 3.0),
                              (2, 1, 3, 4, 1.0)]:
        x = rng.normal(size=(N, T, D))
        W, b = _weights(rng, H, D, scale=scale / np.sqrt(H))
        out.append(call_case(R, f"N={N}, T={T}, D={D}, H={H}, weight scale {scale}",
                             "hidden_gradient_norms", [x, W, b], outputs=("norms",)))
    g = keras_values.load(ASSIGNMENT)
    for scale in ("0.5", "3.0"):
        k = f"norms/{scale}/"
        out.append(call_case(R, f"TensorFlow gradients through an unrolled Keras SimpleRNNCell, "
                             f"weight scale {scale}", "hidden_gradient_norms",
                             [g[k + "x"], g[k + "W"], g[k + "b"]], outputs=("norms",),
                             expected={"norms": g[k + "norms"]}))
    return out


# ---- visible cases ---------------------------------------------------------------

def _small_problem():
    x = np.array([[[1.0, -1.0], [0.5, 0.0], [0.0, 2.0]],
                  [[-0.5, 0.5], [1.0, 1.0], [0.3, -0.2]]])  # (N=2, T=3, D=2)
    W = np.array([[0.2, -0.1, 0.3, 0.1, 0.0],
                  [0.1, 0.4, -0.2, 0.0, 0.2],
                  [-0.3, 0.2, 0.1, 0.3, -0.1]])  # (H=3, H+D=5)
    b = np.array([0.1, 0.0, -0.1])
    dh = np.linspace(-1, 1, 18).reshape(2, 3, 3)
    return x, W, b, dh


def _visible_step():
    R = ref()
    x, W, b, dh = _small_problem()
    h_prev = np.array([[0.1, -0.2, 0.3], [0.0, 0.5, -0.5]])
    _, cache = R["rnn_step_forward"](x[:, 0], h_prev, W, b)
    return [call_case(R, "2 samples, D=2, H=3", "rnn_step_backward", [dh[:, 0], cache],
                      outputs=STEP_GRADS)]


def _visible_backward():
    R = ref()
    x, W, b, dh = _small_problem()
    _, plain = R["rnn_forward"](x, W, b)
    mask = np.array([[False, True, True], [True, True, False]])
    _, masked = R["rnn_forward"](x, W, b, mask=mask)
    return [call_case(R, "2 samples, T=3, no mask", "rnn_backward", [dh, plain], outputs=SEQ_GRADS),
            call_case(R, "2 samples, T=3, with a mask", "rnn_backward", [dh, masked],
                      outputs=SEQ_GRADS)]


def _visible_clip():
    R = ref()
    grads = [np.array([[3.0, 0.0], [0.0, 4.0]]), np.array([0.0, 12.0])]  # global norm 13
    return [_clip_case(R, "global norm 13, maximum 6.5 (halved)", grads, 6.5),
            _clip_case(R, "global norm 13, maximum 20 (unchanged)", grads, 20.0)]


def _visible_norms():
    x, W, b, _ = _small_problem()
    return [call_case(ref(), "2 samples, T=3, H=3", "hidden_gradient_norms", [x, W, b],
                      outputs=("norms",))]


TESTS = [
    Test("rnn_step_backward_tests", "rnn_step_backward", 3, "rnn_step_backward: non-square "
         "shapes and a batch of one on the reference forward's cache, end to end after "
         "rnn_step_forward with saturated units, TensorFlow gradients of a Keras SimpleRNN step.",
         _step_cases),
    Test("rnn_backward_tests", "rnn_backward", 5, "rnn_backward: on the reference forward's "
         "cache with and without h0 and masks, T=1, a gradient on the last state only, end to "
         "end after rnn_forward, TensorFlow gradients of Keras SimpleRNN with and without a mask.",
         _rnn_backward_cases),
    Test("hidden_gradient_norms_tests", "hidden_gradient_norms", 2, "hidden_gradient_norms: "
         "several shapes and weight scales, T=1, TensorFlow gradients through an unrolled Keras "
         "SimpleRNNCell.", _norms_cases),
    Test("clip_by_global_norm_tests", "clip_by_global_norm", 2, "clip_by_global_norm: above and "
         "below the maximum, uneven arrays, one array, all zeros, inputs left unchanged, "
         "tf.clip_by_global_norm golden values.", _clip_cases),
]

VISIBLE = {
    "rnn_step_backward": (_visible_step, "other shapes, saturated units, a batch of one, "
                          "TensorFlow's gradients."),
    "rnn_backward": (_visible_backward, "a non-zero h0, other masks and shapes, T=1, your own "
                     "forward's cache, TensorFlow's gradients."),
    "clip_by_global_norm": (_visible_clip, "arrays of very different sizes, a single array, all "
                            "zeros, TensorFlow's values."),
    "hidden_gradient_norms": (_visible_norms, "other shapes and weight scales, T=1, TensorFlow's "
                              "gradients."),
}
