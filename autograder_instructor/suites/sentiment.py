"""Checks of 06_sentiment: vocabulary, ids, the NumPy SentimentRNN, the Keras models.

Expected values come from the reference run through the same probe, from Keras and
TensorFlow (golden values), and, for accuracy, from thresholds set below what the
reference reaches (see ``ACCURACY``). Nothing here imports TensorFlow: the Keras
models are described by the ``keras_model`` probe in the student's own process.
"""
import numpy as np

from .. import keras_values

from autograder import probes
from autograder.cases import Case, Test, expected_from
from autograder.compare import matches
from autograder.corpus import load_builtin, negation_probe
from ..mutants import mutants_for
from ._base import add_hints, call_case, encode, reference_namespace, rng_for
from solutions.sentiment import KINDS  # one definition (a copy here made the bundle audit refuse 06's blocks)

ASSIGNMENT = "06_sentiment"
NOTEBOOK = "sentiment.ipynb"
SOLUTIONS = ("solutions.sentiment",)

# The graded training run on the built-in corpus, and what the reference reaches with it
# (tests/test_sentiment_suite.py reruns it and fails if these drift). A student passes
# with an accuracy at least MARGIN below the reference's; a bag-of-words model reaches
# about 0.63 on the test split and exactly 0.5 on the probe.
RECIPE = {"embed_dim": 32, "hidden_dim": 32, "seed": 0, "epochs": 8, "batch_size": 32,
          "learning_rate": 0.01}
ACCURACY = {"test": 0.931, "probe": 0.9925}
MARGIN = 0.10
# Keras's Adam rounds its constants through float32 (see the course's notes): after a few
# steps a correct float64 update differs from Keras's by up to ~4e-7 in absolute value.
AGREE_RTOL, AGREE_ATOL = 1e-4, 2e-6
CLIP_SGD = 0.5  # the clip_norm of the exact SGD cases


def ref():
    return reference_namespace(*SOLUTIONS)


class New:
    """An argument made in the student's process from a class the notebook defines."""

    def __init__(self, name, **kwargs):
        self.name, self.kwargs = name, kwargs


def _arg(value, arrays, key):
    if isinstance(value, New):
        return {"new": value.name, "kwargs": {k: encode(v, arrays, f"{key}.{k}")
                                              for k, v in value.kwargs.items()}}
    return encode(value, arrays, key)


def _pretty(key, methods):
    parts = key.split("/")
    head, rest = parts[0], parts[1:]
    if head == "out":
        text, rest = f"{methods[int(rest[0])]}()", rest[1:]
    elif head == "params":
        return f"params[{rest[0]!r}] after the calls" if rest else "params after the calls"
    elif head == "updates":
        return f"the change of params[{rest[0]!r}]" if rest else "the change of params"
    elif key.startswith("init/shape/"):
        return f"the shape of params[{rest[1]!r}]"
    else:
        return {"init/b": "the initial b (zeros)", "init/b_out": "the initial b_out (zeros)",
                "init/same_seed_equal": "two models made with the same seed are equal (1 = yes)",
                "init/other_seed_differs": "models made with different seeds differ (1 = yes)",
                }.get(key, key)
    return text + "".join(f"[{r}]" if r.isdigit() else f"[{r!r}]" for r in rest)


def model_case(R, label, init, calls=(), report=(), set_params=None, keep=("out",),
               expected=None, rtol=1e-7, atol=1e-10, hints=True, names=None):
    """A case driving a SentimentRNN through ``calls`` = [(method, args, kwargs)]."""
    arrays = {}
    spec = {"cls": "SentimentRNN", "report": list(report),
            "init": {k: encode(v, arrays, f"init.{k}") for k, v in init.items()},
            "calls": [{"method": m, "args": [_arg(a, arrays, f"c{i}.{j}") for j, a in enumerate(args)],
                       "kwargs": {k: _arg(v, arrays, f"c{i}.{k}") for k, v in kwargs.items()}}
                      for i, (m, args, kwargs) in enumerate(calls)]}
    if set_params is not None:
        spec["set"] = {k: encode(v, arrays, f"set.{k}") for k, v in set_params.items()}
    case = Case(label=label, func="SentimentRNN", spec=spec, arrays=arrays, expected={},
                probe="model", rtol=rtol, atol=atol)
    if expected is None:
        case.expected = expected_from(R, case, keys=list(keep))
    else:
        case.expected = {k: np.asarray(v) for k, v in expected.items()}
    methods = [m for m, _, _ in calls]
    case.names = {k: (names or {}).get(k) or _pretty(k, methods) for k in case.expected}
    if hints:
        add_hints(case, R)
    return case


def random_params(rng, V, D, H, scale=0.5):
    return {"E": rng.normal(0, scale, (V, D)), "W": rng.normal(0, scale, (H, H + D)),
            "b": rng.normal(0, 0.1, H), "W_out": rng.normal(0, 1.0, (1, H)),
            "b_out": rng.normal(0, 0.1, 1)}


def random_ids(rng, N, T, V, post_row=True, empty_row=False):
    """Pre-padded ids of random lengths (one post-padded row, maybe one all padding)."""
    ids = np.zeros((N, T), dtype=np.int64)
    for n in range(N):
        length = rng.integers(1, T + 1)
        ids[n, T - length:] = rng.integers(1, V, size=length)
    if post_row and N > 1:
        ids[0] = 0
        ids[0, :2] = rng.integers(1, V, size=2)
    if empty_row and N > 2:
        ids[-1] = 0
    return ids


# ---- build_vocabulary and texts_to_ids ------------------------------------------------

TEXTS = ["The film was good.", "the plot was not good, the ACTING was good",
         "Good acting; bad plot!", "an awful, awful film", "zebra apple mango"]


def sized_case(R, label, func, args):
    arrays = {}
    spec = {"func": func, "args": [encode(a, arrays, f"arg{i}") for i, a in enumerate(args)],
            "strict": True}
    case = Case(label=label, func=func, spec=spec, arrays=arrays, expected={}, probe="sized")
    case.expected = expected_from(R, case)
    case.expected = {k: v for k, v in case.expected.items() if not isinstance(v, str)}
    what = {"build_vocabulary": "vocab", "texts_to_ids": "ids"}[func]
    case.names = {k: ("the number of entries" if k == "len" else "the length of each list of ids"
                      if k == "lens" else what + "".join(f"[{p}]" if p.isdigit() else f"[{p!r}]"
                                                         for p in k.split("/")[1:]))
                  for k in case.expected}
    # A known mistake may return fewer entries (a dropped word, one flat list): it is
    # recognised by the entries it does return, when they differ from the reference's.
    for mutant in mutants_for(func):
        got = probes.run(dict(R, **{func: mutant.impl}), case.probe, case.spec, case.arrays)
        wrong = {k: got[k] for k in case.expected if k in got and not isinstance(got[k], str)}
        if wrong and "error" not in got and not matches(wrong, case.expected, 1e-7, 1e-10):
            case.hints.append((mutant.cause, wrong))
    return case


def _vocabulary_cases():
    R, rng = ref(), rng_for("build_vocabulary")
    train = list(load_builtin().train[0])
    picked = [train[i] for i in rng.choice(len(train), 60, replace=False)]
    return [sized_case(R, "small texts with capitals, punctuation and ties, no limit",
                       "build_vocabulary", [TEXTS, None]),
            sized_case(R, "max_words=6 (4 words after <pad> and <unk>)", "build_vocabulary",
                       [TEXTS, 6]),
            sized_case(R, "max_words=2: only <pad> and <unk>", "build_vocabulary", [TEXTS, 2]),
            sized_case(R, "60 reviews of the built-in corpus, max_words=40", "build_vocabulary",
                       [picked, 40]),
            sized_case(R, "the built-in training split, no limit", "build_vocabulary",
                       [train, None])]


def _ids_cases():
    R, rng = ref(), rng_for("texts_to_ids")
    train, test = list(load_builtin().train[0]), list(load_builtin().test[0])
    vocab = R["build_vocabulary"](train[:300], 50)
    return [sized_case(R, "small texts, words missing from the vocabulary", "texts_to_ids",
                       [TEXTS[3:] + ["A GOOD film.", ""], R["build_vocabulary"](TEXTS[:3], None)]),
            sized_case(R, "an empty list of texts", "texts_to_ids", [[], {"<pad>": 0, "<unk>": 1}]),
            sized_case(R, "40 test reviews, a 50-word vocabulary from 300 training reviews",
                       "texts_to_ids", [[test[i] for i in rng.choice(len(test), 40)], vocab])]


# ---- SentimentRNN ---------------------------------------------------------------------

def _forward_cases():
    R, rng = ref(), rng_for("SentimentRNN.forward")
    out = [model_case(R, "a new model: parameter shapes, zero biases, seeded", {
        "vocab_size": 17, "embed_dim": 6, "hidden_dim": 5, "seed": 3}, report=("init",),
        keep=("init",))]
    for N, T, V, D, H in [(6, 7, 11, 3, 4), (1, 5, 8, 2, 3), (9, 4, 20, 5, 2)]:
        ids = random_ids(rng, N, T, V, empty_row=N > 5)
        out.append(model_case(R, f"forward on {N} padded rows of {T} ids, V={V}, D={D}, H={H}",
                              dict(vocab_size=V, embed_dim=D, hidden_dim=H),
                              [("forward", [ids], {})], set_params=random_params(rng, V, D, H)))
    params, ids = random_params(rng, 11, 3, 4), random_ids(rng, 5, 6, 11, post_row=False)
    wider = np.concatenate([np.zeros((5, 4), dtype=ids.dtype), ids], axis=1)
    out.append(model_case(R, "four more columns of padding change no probability",
                          dict(vocab_size=11, embed_dim=3, hidden_dim=4), [("forward", [wider], {})],
                          set_params=params))
    ids = random_ids(rng, 300, 8, 11)
    out.append(model_case(R, "predict on 300 rows (more than one batch) equals forward",
                          dict(vocab_size=11, embed_dim=3, hidden_dim=4), [("predict", [ids], {})],
                          set_params=params))
    vectors = rng.normal(0, 0.5, (9, 3))
    out.append(model_case(R, "SentimentRNN(9, 3, 4, seed=2, embeddings=vectors): E is the "
                             "vectors, the other parameters those of seed 2",
                          dict(vocab_size=9, embed_dim=3, hidden_dim=4, seed=2,
                               embeddings=vectors), report=("params",), keep=("params",)))
    g = keras_values.load(ASSIGNMENT)
    p = {k: g[f"rnn/{k}"] for k in ("E", "W", "b", "W_out", "b_out")}
    V, D = p["E"].shape
    out.append(model_case(R, "Keras golden values: the simple_rnn model with the same weights",
                          dict(vocab_size=V, embed_dim=D, hidden_dim=p["W"].shape[0]),
                          [("forward", [g["rnn/ids"]], {})], set_params=p,
                          expected={"out/0": g["rnn/probs"]}))
    return out


def numerical_grads(R, V, D, H, params, ids, y, h=1e-6):
    model = R["SentimentRNN"](V, D, H)
    model.params = {k: v.copy() for k, v in params.items()}
    grads = {}
    for k, value in model.params.items():
        grad = np.zeros_like(value)
        for idx in np.ndindex(value.shape):
            old = value[idx]
            value[idx] = old + h
            up = model.loss_and_grads(ids, y)[0]
            value[idx] = old - h
            down = model.loss_and_grads(ids, y)[0]
            value[idx] = old
            grad[idx] = (up - down) / (2 * h)
        grads[k] = grad
    return grads


def _gradient_cases():
    R, rng = ref(), rng_for("SentimentRNN.loss_and_grads")
    out = []
    for N, T, V, D, H in [(6, 7, 11, 3, 4), (1, 4, 6, 2, 3), (8, 5, 15, 4, 6)]:
        ids, y = random_ids(rng, N, T, V, empty_row=N > 6), rng.integers(0, 2, size=N)
        out.append(model_case(R, f"{N} padded rows of {T} ids, V={V}, D={D}, H={H}",
                              dict(vocab_size=V, embed_dim=D, hidden_dim=H),
                              [("loss_and_grads", [ids, y], {})],
                              set_params=random_params(rng, V, D, H)))
    V, D, H = 7, 2, 3
    params, ids, y = random_params(rng, V, D, H), random_ids(rng, 4, 5, V), rng.integers(0, 2, 4)
    num = numerical_grads(R, V, D, H, params, ids, y)
    out.append(model_case(R, "central differences of the loss (h=1e-6)",
                          dict(vocab_size=V, embed_dim=D, hidden_dim=H),
                          [("loss_and_grads", [ids, y], {})], set_params=params,
                          expected={f"out/0/1/{k}": v for k, v in num.items()},
                          rtol=1e-5, atol=1e-8))
    g = keras_values.load(ASSIGNMENT)
    p = {k: g[f"rnn/{k}"] for k in ("E", "W", "b", "W_out", "b_out")}
    V, D = p["E"].shape
    expected = {"out/0/0": g["rnn/loss"], **{f"out/0/1/{k}": g[f"rnn/d{k}"] for k in p}}
    out.append(model_case(R, "TensorFlow's loss and gradients of the Keras simple_rnn model",
                          dict(vocab_size=V, embed_dim=D, hidden_dim=p["W"].shape[0]),
                          [("loss_and_grads", [g["rnn/ids"], g["rnn/y"]], {})], set_params=p,
                          expected=expected))
    return out


def corpus_arrays(R):
    """The built-in splits and the probe as padded ids, with the reference's vocabulary."""
    splits = load_builtin()
    vocab = R["build_vocabulary"](splits.train[0], None)

    def ids(texts):
        return R["pad_sequences"](R["texts_to_ids"](list(texts), vocab)).astype(np.int64)

    probe = negation_probe()
    return vocab, {"train": (ids(splits.train[0]), np.array(splits.train[1])),
                   "validation": (ids(splits.validation[0]), np.array(splits.validation[1])),
                   "test": (ids(splits.test[0]), np.array(splits.test[1])),
                   "probe": (ids(probe[0]), np.array(probe[1]))}


def accuracy_case(R):
    vocab, data = corpus_arrays(R)
    r = RECIPE
    return model_case(
        R, f"trained on the built-in corpus ({r['epochs']} epochs, Adam "
           f"{r['learning_rate']}): test accuracy >= {ACCURACY['test'] - MARGIN:.3f}, negation "
           f"probe accuracy >= {ACCURACY['probe'] - MARGIN:.3f}",
        dict(vocab_size=len(vocab), embed_dim=r["embed_dim"], hidden_dim=r["hidden_dim"],
             seed=r["seed"]),
        [("fit", [*data["train"], r["epochs"], r["batch_size"],
                  New("Adam", learning_rate=r["learning_rate"])], {}),
         ("evaluate", list(data["test"]), {}), ("evaluate", list(data["probe"]), {})],
        expected={"out/1/1": ACCURACY["test"], "out/2/1": ACCURACY["probe"]},
        names={"out/1/1": "test accuracy", "out/2/1": "negation probe accuracy"},
        rtol=0.0, atol=MARGIN, hints=False)


def _training_cases():
    R, rng = ref(), rng_for("SentimentRNN.fit")
    out = []
    V, D, H = 12, 3, 4
    ids, y = random_ids(rng, 8, 6, V), rng.integers(0, 2, 8)
    val = (random_ids(rng, 5, 6, V), rng.integers(0, 2, 5))
    out.append(model_case(R, "fit: SGD(0.5), 3 epochs, batches of 3 (the last one of 2), in "
                             "order (shuffle=False), with validation data",
                          dict(vocab_size=V, embed_dim=D, hidden_dim=H),
                          [("fit", [ids, y, 3, 3, New("SGD", learning_rate=0.5)],
                            {"validation_data": val, "shuffle": False})],
                          set_params=random_params(rng, V, D, H), report=("params",),
                          keep=("out", "params")))
    params = random_params(rng, V, D, H)
    out.append(model_case(R, "evaluate and predict on 300 rows",
                          dict(vocab_size=V, embed_dim=D, hidden_dim=H),
                          [("evaluate", [random_ids(rng, 300, 6, V), rng.integers(0, 2, 300)], {}),
                           ("predict", [random_ids(rng, 7, 6, V)], {})], set_params=params))
    g = keras_values.load(ASSIGNMENT)
    p = {k: g[f"agree/{k}"] for k in ("E", "W", "b", "W_out", "b_out")}
    V, D = p["E"].shape
    from ..keras_golden.sentiment import AGREE
    out.append(model_case(
        R, f"agrees with Keras: same weights, same batches of {AGREE['batch_size']}, Adam("
           f"{AGREE['learning_rate']}), {AGREE['epochs']} epochs in order",
        dict(vocab_size=V, embed_dim=D, hidden_dim=p["W"].shape[0]),
        [("fit", [g["agree/ids"], g["agree/y"], AGREE["epochs"], AGREE["batch_size"],
                  New("Adam", learning_rate=AGREE["learning_rate"])], {"shuffle": False})],
        set_params=p, report=("updates",),
        expected={f"updates/{k}": g[f"agree/update/{k}"] for k in p},
        rtol=AGREE_RTOL, atol=AGREE_ATOL))
    # The recipe for real text: clipping by global norm, and frozen pretrained embeddings.
    # CLIP_SGD lies between the smallest and the largest batch norm of this run
    # (tests/test_sentiment_suite.py checks it), so some steps are clipped and some not.
    V, D, H = 12, 3, 4
    ids, y = random_ids(rng, 9, 6, V), rng.integers(0, 2, 9)
    params = random_params(rng, V, D, H)
    # One review per batch: a gradient not divided by N is then the right one, so that
    # mistake cannot pass for a clip that rescales every step.
    out.append(model_case(R, f"fit with clip_norm={CLIP_SGD}: SGD(0.5), 2 epochs, batches of "
                             f"1, in order",
                          dict(vocab_size=V, embed_dim=D, hidden_dim=H),
                          [("fit", [ids, y, 2, 1, New("SGD", learning_rate=0.5)],
                            {"shuffle": False, "clip_norm": CLIP_SGD})],
                          set_params=params, report=("params",), keep=("out", "params")))
    vectors = rng.normal(0, 0.5, (V, D))
    out.append(model_case(R, f"fit with trainable_embeddings=False and clip_norm={CLIP_SGD}: "
                             f"E stays the pretrained vectors",
                          dict(vocab_size=V, embed_dim=D, hidden_dim=H, embeddings=vectors,
                               trainable_embeddings=False),
                          [("fit", [ids, y, 2, 3, New("SGD", learning_rate=0.5)],
                            {"shuffle": False, "clip_norm": CLIP_SGD})],
                          set_params={k: v for k, v in params.items() if k != "E"},
                          report=("updates",), keep=("out", "updates")))
    from ..keras_golden.sentiment import CLIP
    p = {k: g[f"agree/{k}"] for k in ("E", "W", "b", "W_out", "b_out")}
    V, D = p["E"].shape
    for name, frozen in (("agree_clip", False), ("agree_frozen", True)):
        out.append(model_case(
            R, f"agrees with Keras's Adam({AGREE['learning_rate']}, global_clipnorm={CLIP})"
               f"{', embedding frozen (trainable=False)' if frozen else ''}: same weights and "
               f"batches",
            dict(vocab_size=V, embed_dim=D, hidden_dim=p["W"].shape[0],
                 trainable_embeddings=not frozen),
            [("fit", [g["agree/ids"], g["agree/y"], AGREE["epochs"], AGREE["batch_size"],
                      New("Adam", learning_rate=AGREE["learning_rate"])],
              {"shuffle": False, "clip_norm": CLIP})],
            set_params=p, report=("updates",),
            expected={f"updates/{k}": g[f"{name}/update/{k}"] for k in p},
            rtol=AGREE_RTOL, atol=AGREE_ATOL))
    out.append(accuracy_case(R))
    return out


# ---- build_keras_model ----------------------------------------------------------------

def _keras_name(key):
    parts = key.split("/")[1:]
    if parts[0].startswith("layer") and parts[0] != "layers":
        n = int(parts[0][5:]) + 1
        if len(parts) == 3:
            return (f"layer {n} of class {parts[2]}" if parts[1] == "class"
                    else f"layer {n} with {parts[1]}={parts[2]}")
        return f"layer {n}'s {parts[1]}"
    if parts[0] in ("loss", "optimizer", "metric"):
        return f"{parts[0]} {parts[1]}"
    if parts[0].startswith("weight") and parts[0] != "weights":
        return f"the shape of weight {parts[0][6:]}"
    return {"layers": "the number of layers", "weights": "the number of weight arrays",
            "probs": "the output on padded ids with given weights"}.get(parts[0], key)


def keras_case(kind, source="keras"):
    """The keras_model case of one kind; ``source="visible"`` is the visible check's own."""
    from ..keras_golden.sentiment import KERAS_SIZES
    g = keras_values.load(ASSIGNMENT)
    prefix = f"{source}/{kind}/"
    weights = sorted((k for k in g if k.startswith(prefix + "w")), key=lambda k: int(k[len(prefix) + 1:]))
    arrays = {f"w{j}": g[k] for j, k in enumerate(weights)}
    arrays["ids"] = g[f"{source}/ids"]
    spec = {"func": "build_keras_model", "args": [{"value": kind}] + [{"value": s} for s in KERAS_SIZES],
            "weights": [f"w{j}" for j in range(len(weights))], "ids": "ids"}
    expected = {k[len(prefix):]: g[k] for k in g if k.startswith(prefix + "out/")}
    V, D, H = KERAS_SIZES
    case = Case(label=f"kind={kind!r}, V={V}, D={D}, H={H}: layers, compile settings, weight "
                      f"shapes, output with given weights", func="build_keras_model", spec=spec,
                arrays=arrays, expected=expected, names={k: _keras_name(k) for k in expected},
                probe="keras_model", rtol=1e-4, atol=1e-6)
    for mutant in mutants_for("build_keras_model"):
        hint = f"{'hint' if source == 'keras' else source + '_hint'}/{mutant.name}/{kind}/"
        wrong = {k[len(hint):]: g[k] for k in g if k.startswith(hint)}
        if wrong and not matches(wrong, expected, case.rtol, case.atol):
            case.hints.append((mutant.cause, wrong))
    return case


def _keras_cases():
    return [keras_case(kind) for kind in KINDS]


# ---- visible cases ----------------------------------------------------------------------

def _visible_vocabulary():
    R = ref()
    return [sized_case(R, "three short texts, no limit", "build_vocabulary", [TEXTS[:3], None]),
            sized_case(R, "three short texts, max_words=5", "build_vocabulary", [TEXTS[:3], 5])]


def _visible_ids():
    R = ref()
    vocab = R["build_vocabulary"](TEXTS[:3], None)
    return [sized_case(R, "two texts, one with words the vocabulary lacks", "texts_to_ids",
                       [["The plot was GOOD.", "an awful film"], vocab])]


def _visible_model():
    R, rng = ref(), np.random.default_rng(6)
    dims = dict(vocab_size=7, embed_dim=3, hidden_dim=2)
    params = random_params(rng, 7, 3, 2)
    ids = np.array([[0, 0, 3, 4], [1, 2, 3, 4], [0, 5, 6, 0]])
    y = np.array([1, 0, 1])
    return [model_case(R, "a new model: parameter shapes, zero biases, seeded", dict(dims, seed=0),
                       report=("init",), keep=("init",)),
            model_case(R, "forward on 3 padded rows of 4 ids", dims, [("forward", [ids], {})],
                       set_params=params),
            model_case(R, "loss_and_grads on the same rows", dims,
                       [("loss_and_grads", [ids, y], {})], set_params=params)]


TESTS = [
    Test("build_vocabulary_tests", "build_vocabulary", 2, "build_vocabulary: ids 0 and 1 "
         "reserved, counts over all texts, alphabetical ties, max_words limits, the built-in "
         "corpus.", _vocabulary_cases),
    Test("texts_to_ids_tests", "texts_to_ids", 1, "texts_to_ids: unknown words, capitals and "
         "punctuation, empty texts and lists, one list per text.", _ids_cases),
    Test("sentiment_rnn_forward", "SentimentRNN", 2, "SentimentRNN: initial parameters, forward "
         "on padded batches of several shapes, padding invariance, predict, Keras golden values.",
         _forward_cases),
    Test("sentiment_rnn_gradients", "SentimentRNN", 3, "SentimentRNN.loss_and_grads: random "
         "shapes with padding, central differences, TensorFlow's gradients.", _gradient_cases),
    Test("sentiment_rnn_training", "SentimentRNN", 4, "SentimentRNN.fit, evaluate, predict: "
         "an exact training run, agreement with Keras's Adam steps, accuracy on the built-in "
         "test split and the negation probe after training.", _training_cases),
    Test("build_keras_model_tests", "build_keras_model", 3, "build_keras_model: every kind's "
         "layers, compile settings and weight shapes, and its output with given weights.",
         _keras_cases),
]

VISIBLE = {
    "build_vocabulary": (_visible_vocabulary, "the built-in corpus, max_words=2, and ties "
                         "between words of equal count across many texts."),
    "texts_to_ids": (_visible_ids, "empty texts, an empty list, larger vocabularies."),
    "SentimentRNN": (_visible_model, "other shapes, rows that are all padding, extra padding "
                     "columns, predict, TensorFlow's gradients, fit, evaluate, agreement with "
                     "Keras, and accuracy after training on the corpus."),
    "build_keras_model": (lambda: [keras_case("simple_rnn", source="visible")],
                          "the kinds lstm, gru, bilstm and cnn, other weights and ids."),
}
