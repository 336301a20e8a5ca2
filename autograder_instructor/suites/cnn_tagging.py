"""Checks of 08_cnn_tagging: Conv1D, global max pooling, temporal dense layer, masked loss."""
import numpy as np

from .. import keras_values
from autograder.cases import Test
from ..keras_golden.cnn_tagging import CONV_CASES
from ._base import call_case, reference_namespace, rng_for
from ._sequences import chain_case

ASSIGNMENT = "08_cnn_tagging"
NOTEBOOK = "cnn_tagging.ipynb"
SOLUTIONS = ("solutions.cnn_tagging",)
CONV_GRADS = ("dx", "dK", "db")
DENSE_GRADS = ("dh", "dW", "db")
LOSS = ("loss", "dz")
# (N, T, D, F, k, padding): odd and even k, both paddings, k == T, k == 1, a batch of one.
CONV_SHAPES = [(3, 7, 4, 5, 3, "valid"), (2, 8, 3, 2, 4, "same"), (1, 6, 5, 3, 2, "same"),
               (2, 5, 2, 4, 5, "valid"), (4, 6, 3, 3, 5, "same"), (2, 4, 3, 2, 1, "valid"),
               (3, 9, 2, 3, 6, "same")]


def ref():
    return reference_namespace(*SOLUTIONS)


def _conv_args(rng, N, T, D, F, k):
    return rng.normal(size=(N, T, D)), rng.normal(0, 0.5, size=(k, D, F)), rng.normal(size=F)


def _label(N, T, D, F, k, padding):
    return f'N={N}, T={T}, D={D}, F={F}, k={k}{" == T" if k == T else ""}, padding="{padding}"'


def _conv_forward_cases():
    R, rng, out = ref(), rng_for("conv1d_forward"), []
    for N, T, D, F, k, padding in CONV_SHAPES:
        out.append(call_case(R, _label(N, T, D, F, k, padding), "conv1d_forward",
                             list(_conv_args(rng, N, T, D, F, k)), {"padding": padding},
                             outputs=("y", "cache"), keep=("y",)))
    x, K, b = _conv_args(rng, 2, 5, 3, 2, 3)
    out.append(call_case(R, "padding left at its default (\"valid\")", "conv1d_forward",
                         [x, K, b], outputs=("y", "cache"), keep=("y",)))
    # The backward pass reads the cache: it must hold the unpadded x and the zeros per side.
    x, K, b = _conv_args(rng, 2, 6, 2, 3, 4)
    out.append(call_case(R, 'the cache: Conv1DCache(x, K, b, left, right), even k, "same"',
                         "conv1d_forward", [x, K, b], {"padding": "same"},
                         outputs=("y", "cache")))
    g = keras_values.load(ASSIGNMENT)
    for name, N, T, D, F, k, padding in CONV_CASES:
        p = f"conv/{name}/"
        out.append(call_case(R, f"Keras Conv1D golden values, {_label(N, T, D, F, k, padding)}",
                             "conv1d_forward", [g[p + "x"], g[p + "K"], g[p + "b"]],
                             {"padding": padding}, outputs=("y", "cache"), keep=("y",),
                             expected={"y": g[p + "y"]}))
    return out


def _conv_backward_cases():
    R, rng, out = ref(), rng_for("conv1d_backward"), []
    for N, T, D, F, k, padding in CONV_SHAPES:
        y, cache = R["conv1d_forward"](*_conv_args(rng, N, T, D, F, k), padding=padding)
        out.append(call_case(R, _label(N, T, D, F, k, padding) + ", reference cache",
                             "conv1d_backward", [rng.normal(size=y.shape), cache],
                             outputs=CONV_GRADS))
    x, K, b = _conv_args(rng, 3, 6, 2, 3, 4)
    out.append(chain_case(R, 'end to end: conv1d_forward (k=4, "same") then conv1d_backward',
                          [("conv1d_forward", [x, K, b], {"padding": "same"}),
                           ("conv1d_backward", [rng.normal(size=(3, 6, 3)), {"result": [0, 1]}],
                            None)], outputs=CONV_GRADS))
    g = keras_values.load(ASSIGNMENT)
    for name, N, T, D, F, k, padding in CONV_CASES:
        p = f"conv/{name}/"
        _, cache = R["conv1d_forward"](g[p + "x"], g[p + "K"], g[p + "b"], padding=padding)
        out.append(call_case(R, f"TensorFlow gradients of Keras Conv1D, "
                             f"{_label(N, T, D, F, k, padding)}", "conv1d_backward",
                             [g[p + "dy"], cache], outputs=CONV_GRADS,
                             expected={n: g[p + n] for n in CONV_GRADS}))
    return out


def _tied(rng, N, T, F):
    """Small integers, so that several steps often share the maximum."""
    return rng.integers(-3, 3, size=(N, T, F)).astype(np.float64)


def _pool_forward_cases():
    R, rng, out = ref(), rng_for("global_max_pool_forward"), []
    for N, T, F in [(3, 6, 4), (1, 5, 2), (4, 1, 3), (2, 9, 5)]:
        out.append(call_case(R, f"N={N}, T={T}, F={F}", "global_max_pool_forward",
                             [rng.normal(size=(N, T, F))], outputs=("y", "cache"), keep=("y",)))
    out.append(call_case(R, "every value negative (the maximum is not the largest |x|)",
                         "global_max_pool_forward", [-np.abs(rng.normal(size=(2, 5, 3))) - 1],
                         outputs=("y", "cache"), keep=("y",)))
    out.append(call_case(R, "ties, and the cache MaxPoolCache(x, y)", "global_max_pool_forward",
                         [_tied(rng, 3, 5, 4)], outputs=("y", "cache")))
    g = keras_values.load(ASSIGNMENT)
    for name in ("plain", "ties"):
        p = f"pool/{name}/"
        out.append(call_case(R, f"Keras GlobalMaxPooling1D golden values ({name})",
                             "global_max_pool_forward", [g[p + "x"]], outputs=("y", "cache"),
                             keep=("y",), expected={"y": g[p + "y"]}))
    return out


def _pool_backward_cases():
    R, rng, out = ref(), rng_for("global_max_pool_backward"), []
    for N, T, F in [(3, 6, 4), (1, 5, 2), (4, 1, 3)]:
        _, cache = R["global_max_pool_forward"](rng.normal(size=(N, T, F)))
        out.append(call_case(R, f"N={N}, T={T}, F={F}, no ties, reference cache",
                             "global_max_pool_backward", [rng.normal(size=(N, F)), cache],
                             outputs=("dx",)))
    x = _tied(rng, 3, 6, 4)
    x[0, :, 1] = 2.0  # every step ties
    x[2, [0, 5], 3] = 9.0  # the first and the last step tie
    _, cache = R["global_max_pool_forward"](x)
    out.append(call_case(R, "ties: two, three and every step share a maximum, reference cache",
                         "global_max_pool_backward", [rng.normal(size=(3, 4)), cache],
                         outputs=("dx",)))
    x = rng.normal(size=(2, 5, 3))
    x[0, 1, 0], x[0, 3, 0] = 4.0, 4.0 + 1e-7  # near-ties: only the exact maximum is a winner
    x[1, 0, 2], x[1, 4, 2] = 5.0 + 1e-7, 5.0
    x[1, 2, 1], x[1, 3, 1] = 3.0, 3.0  # and an exact tie beside them
    _, cache = R["global_max_pool_forward"](x)
    out.append(call_case(R, "near-ties (4 and 4 + 1e-7): only the exact maximum gets dy, "
                         "reference cache", "global_max_pool_backward",
                         [rng.normal(size=(2, 3)), cache], outputs=("dx",)))
    out.append(chain_case(R, "end to end with ties: global_max_pool_forward then backward",
                          [("global_max_pool_forward", [_tied(rng, 2, 7, 3)], None),
                           ("global_max_pool_backward", [rng.normal(size=(2, 3)),
                                                         {"result": [0, 1]}], None)],
                          outputs=("dx",)))
    g = keras_values.load(ASSIGNMENT)
    for name in ("plain", "ties"):
        p = f"pool/{name}/"
        _, cache = R["global_max_pool_forward"](g[p + "x"])
        out.append(call_case(R, f"TensorFlow gradients of GlobalMaxPooling1D ({name})",
                             "global_max_pool_backward", [g[p + "dy"], cache], outputs=("dx",),
                             expected={"dx": g[p + "dx"]}))
    return out


def _dense_args(rng, N, T, H, M):
    return rng.normal(size=(N, T, H)), rng.normal(size=(M, H)), rng.normal(size=M)


DENSE_SHAPES = [(3, 5, 4, 6), (1, 4, 3, 2), (2, 1, 5, 5), (4, 7, 2, 3)]


def _dense_forward_cases():
    R, rng, out = ref(), rng_for("temporal_dense_forward"), []
    for N, T, H, M in DENSE_SHAPES:
        out.append(call_case(R, f"N={N}, T={T}, H={H}, M={M}", "temporal_dense_forward",
                             list(_dense_args(rng, N, T, H, M)), outputs=("y", "cache"),
                             keep=("y",)))
    out.append(call_case(R, "the cache: TemporalDenseCache(h, W, b)", "temporal_dense_forward",
                         list(_dense_args(rng, 2, 3, 4, 2)), outputs=("y", "cache")))
    g = keras_values.load(ASSIGNMENT)
    out.append(call_case(R, "Keras Dense on a 3-D input, golden values", "temporal_dense_forward",
                         [g["dense/h"], g["dense/W"], g["dense/b"]], outputs=("y", "cache"),
                         keep=("y",), expected={"y": g["dense/y"]}))
    return out


def _dense_backward_cases():
    R, rng, out = ref(), rng_for("temporal_dense_backward"), []
    for N, T, H, M in DENSE_SHAPES:
        _, cache = R["temporal_dense_forward"](*_dense_args(rng, N, T, H, M))
        out.append(call_case(R, f"N={N}, T={T}, H={H}, M={M}, reference cache",
                             "temporal_dense_backward", [rng.normal(size=(N, T, M)), cache],
                             outputs=DENSE_GRADS))
    out.append(chain_case(R, "end to end: temporal_dense_forward then backward",
                          [("temporal_dense_forward", list(_dense_args(rng, 3, 4, 2, 5)), None),
                           ("temporal_dense_backward", [rng.normal(size=(3, 4, 5)),
                                                        {"result": [0, 1]}], None)],
                          outputs=DENSE_GRADS))
    g = keras_values.load(ASSIGNMENT)
    _, cache = R["temporal_dense_forward"](g["dense/h"], g["dense/W"], g["dense/b"])
    out.append(call_case(R, "TensorFlow gradients of Keras Dense on a 3-D input",
                         "temporal_dense_backward", [g["dense/dy"], cache], outputs=DENSE_GRADS,
                         expected={n: g[f"dense/{n}"] for n in DENSE_GRADS}))
    return out


def _loss_inputs(rng, N, T, C, scale=1.5):
    z, y = rng.normal(0, scale, size=(N, T, C)), rng.integers(0, C, size=(N, T))
    mask = rng.random((N, T)) > 0.3
    mask[0, :] = True  # a full row
    if N > 2:
        mask[1, : T // 2] = False  # padding before the words
        mask[2, T // 2:] = False  # padding after them
    return z, y, mask


def _loss_cases():
    R, rng, out = ref(), rng_for("masked_softmax_cross_entropy"), []
    for N, T, C in [(4, 6, 5), (3, 8, 3), (1, 5, 7), (5, 1, 4)]:
        out.append(call_case(R, f"N={N}, T={T}, C={C}, a mask with padding and holes",
                             "masked_softmax_cross_entropy", list(_loss_inputs(rng, N, T, C)),
                             outputs=LOSS))
    z, y, _ = _loss_inputs(rng, 3, 5, 4)
    out.append(call_case(R, "no padding at all (mask all True)", "masked_softmax_cross_entropy",
                         [z, y, np.ones((3, 5), dtype=bool)], outputs=LOSS))
    z, y, mask = _loss_inputs(rng, 4, 6, 3)
    y = np.where(mask, y, -1)  # labels at padded positions are not valid classes
    out.append(call_case(R, "label -1 at padded positions (they must be ignored)",
                         "masked_softmax_cross_entropy", [z, y, mask], outputs=LOSS))
    z, y, mask = _loss_inputs(rng, 4, 6, 3)
    junk = np.resize(np.array([3, 7, -5, 10 ** 6]), y.shape)  # C, beyond C, below -C, huge
    out.append(call_case(R, "labels outside [0, C) at padded positions (anything may be there)",
                         "masked_softmax_cross_entropy", [z, np.where(mask, y, junk), mask],
                         outputs=LOSS))
    z, y, _ = _loss_inputs(rng, 3, 4, 5)
    mask = np.zeros((3, 4), dtype=bool)
    out.append(call_case(R, "no real position at all: loss 0 and dz 0, no warning",
                         "masked_softmax_cross_entropy", [z, y, mask], outputs=LOSS))
    z, y, mask = _loss_inputs(rng, 3, 5, 4, scale=1000.0)
    out.append(call_case(R, "logits of size 1000 (warnings count as errors)",
                         "masked_softmax_cross_entropy", [z, y, mask], outputs=LOSS))
    g = keras_values.load(ASSIGNMENT)
    for name in ("plain", "extreme"):
        p = f"loss/{name}/"
        out.append(call_case(R, f"Keras SparseCategoricalCrossentropy(from_logits=True) through a "
                             f"model with Embedding(mask_zero=True) ({name} logits, an all-padded "
                             f"row)", "masked_softmax_cross_entropy",
                             [g[p + "z"], g[p + "y"], g[p + "mask"]], outputs=LOSS,
                             expected={"loss": g[p + "loss"], "dz": g[p + "dz"]}))
    return out


# ---- visible cases -------------------------------------------------------------------

def _small_seq():
    x = np.array([[[1.0, 0.0], [0.5, -1.0], [0.0, 2.0], [-1.0, 1.0]],
                  [[2.0, 1.0], [0.0, 0.0], [1.0, -1.0], [0.5, 0.5]]])  # (N=2, T=4, D=2)
    K = np.array([[[0.5, -0.2, 0.1], [0.3, 0.0, -0.4]],
                  [[0.1, 0.4, 0.2], [-0.5, 0.2, 0.0]]])  # (k=2, D=2, F=3)
    return x, K, np.array([0.1, 0.0, -0.1])


def _visible_conv_forward():
    x, K, b = _small_seq()
    K3 = np.concatenate([K, K[:1] * -1.0])  # (k=3, D=2, F=3)
    return [call_case(ref(), 'N=2, T=4, k=2, padding="valid"', "conv1d_forward", [x, K, b],
                      outputs=("y", "cache"), keep=("y",)),
            call_case(ref(), 'the same, padding="same" (even k)', "conv1d_forward", [x, K, b],
                      {"padding": "same"}, outputs=("y", "cache"), keep=("y",)),
            call_case(ref(), 'k=3, padding="same"', "conv1d_forward", [x, K3, b],
                      {"padding": "same"}, outputs=("y", "cache"), keep=("y",))]


def _visible_conv_backward():
    R = ref()
    x, K, b = _small_seq()
    dy = np.linspace(-1, 1, 24).reshape(2, 4, 3)
    _, valid = R["conv1d_forward"](x, K, b)
    _, same = R["conv1d_forward"](x, K, b, padding="same")
    return [call_case(R, 'N=2, T=4, k=2, padding="valid"', "conv1d_backward",
                      [dy[:, :3], valid], outputs=CONV_GRADS),
            call_case(R, 'the same, padding="same"', "conv1d_backward", [dy, same],
                      outputs=CONV_GRADS)]


def _visible_pool_forward():
    x, _, _ = _small_seq()
    return [call_case(ref(), "N=2, T=4, F=2", "global_max_pool_forward", [x],
                      outputs=("y", "cache"), keep=("y",))]


def _visible_pool_backward():
    R = ref()
    x = np.array([[[1.0, 3.0], [2.0, 3.0], [0.0, -1.0]]])  # feature 1 ties at steps 0 and 1
    _, cache = R["global_max_pool_forward"](x)
    return [call_case(R, "N=1, T=3, F=2, one tie", "global_max_pool_backward",
                      [np.array([[1.0, 2.0]]), cache], outputs=("dx",))]


def _small_dense():
    h, _, _ = _small_seq()
    W = np.array([[0.2, -0.3], [0.5, 0.1], [-0.4, 0.0]])  # (M=3, H=2)
    return h, W, np.array([0.1, -0.2, 0.0])


def _visible_dense_forward():
    return [call_case(ref(), "N=2, T=4, H=2, M=3", "temporal_dense_forward",
                      list(_small_dense()), outputs=("y", "cache"), keep=("y",))]


def _visible_dense_backward():
    R = ref()
    _, cache = R["temporal_dense_forward"](*_small_dense())
    return [call_case(R, "N=2, T=4, H=2, M=3", "temporal_dense_backward",
                      [np.linspace(-1, 1, 24).reshape(2, 4, 3), cache], outputs=DENSE_GRADS)]


def _visible_loss():
    z = np.linspace(-2, 2, 24).reshape(2, 4, 3)
    y = np.array([[0, 2, 1, 0], [1, 1, 0, 0]])
    mask = np.array([[True, True, True, False], [True, True, False, False]])
    return [call_case(ref(), "N=2, T=4, C=3, five real positions", "masked_softmax_cross_entropy",
                      [z, y, mask], outputs=LOSS)]


TESTS = [
    Test("conv1d_forward_tests", "conv1d_forward", 3, "conv1d_forward: random shapes, odd and "
         "even k with both paddings, k == T, k == 1, a batch of one, the default padding, the "
         "cache, Keras Conv1D golden values.", _conv_forward_cases),
    Test("conv1d_backward_tests", "conv1d_backward", 4, "conv1d_backward: the shapes of the "
         "forward checks on the reference forward's cache, end to end after conv1d_forward, "
         "TensorFlow gradients of Keras Conv1D.", _conv_backward_cases),
    Test("global_max_pool_forward_tests", "global_max_pool_forward", 1, "global_max_pool_forward:"
         " random shapes, T=1, negative values, ties, the cache, Keras GlobalMaxPooling1D golden "
         "values.", _pool_forward_cases),
    Test("global_max_pool_backward_tests", "global_max_pool_backward", 2,
         "global_max_pool_backward: without ties, with ties of two, three and every step, end "
         "to end, TensorFlow gradients with and without ties.", _pool_backward_cases),
    Test("temporal_dense_forward_tests", "temporal_dense_forward", 1, "temporal_dense_forward: "
         "random shapes, a batch of one, T=1, the cache, Keras Dense on a 3-D input.",
         _dense_forward_cases),
    Test("temporal_dense_backward_tests", "temporal_dense_backward", 2, "temporal_dense_backward:"
         " random shapes on the reference forward's cache, end to end, TensorFlow gradients of "
         "Keras Dense on a 3-D input.", _dense_backward_cases),
    Test("masked_softmax_cross_entropy_tests", "masked_softmax_cross_entropy", 3,
         "masked_softmax_cross_entropy: masks with padding before, after and inside, no padding, "
         "invalid labels at padded positions, no real position, huge logits, Keras's loss and "
         "TensorFlow's gradient through a model with Embedding(mask_zero=True).", _loss_cases),
]

VISIBLE = {
    "conv1d_forward": (_visible_conv_forward, "k == T, other shapes, a batch of one, the cache, "
                       "Keras's values."),
    "conv1d_backward": (_visible_conv_backward, "odd k, other shapes, your own forward's cache, "
                        "TensorFlow's gradients."),
    "global_max_pool_forward": (_visible_pool_forward, "ties, negative values, T=1, Keras's "
                                "values."),
    "global_max_pool_backward": (_visible_pool_backward, "a tie of every step, other shapes, "
                                 "TensorFlow's gradients."),
    "temporal_dense_forward": (_visible_dense_forward, "other shapes, T=1, Keras's values."),
    "temporal_dense_backward": (_visible_dense_backward, "other shapes, your own forward's cache, "
                                "TensorFlow's gradients."),
    "masked_softmax_cross_entropy": (_visible_loss, "rows without any word, labels at padded "
                                     "positions, huge logits, Keras's values."),
}
