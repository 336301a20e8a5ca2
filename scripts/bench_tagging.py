"""Benchmark of 08_cnn_tagging: the tagger in NumPy and in Keras, and the CNN against the RNN.

    python scripts/bench_tagging.py                  # both parts, the notebook's recipes
    python scripts/bench_tagging.py --seeds 0 1 2    # several initialisations
    python scripts/bench_tagging.py --skip-sentiment

Everything runs on the built-in corpora (autograder.tagging_corpus and autograder.corpus),
not on real text. The NumPy models are the notebook's own code: the script executes the
code cells of course/authoring/08_cnn_tagging/cnn_tagging.py next to the reference
solutions, so it measures exactly what students run.

- Tagging: per-token accuracy on the 200 test sentences (real words only) of the NumPy
  tagger (Embedding -> rnn_forward keeping every state -> temporal_dense_forward,
  trained with the course's Adam) and of the same model in Keras (SimpleRNN with
  return_sequences=True, mask_zero=True), and of the most-frequent-tag baseline.
- Sentiment: test and negation-probe accuracy and training time of the NumPy CNN
  (Conv1D k=3 "same" + ReLU + global max pooling) and of the NumPy RNN classifier (the
  capstone's model: last state of a masked SimpleRNN), same embedding, output layer and
  recipe (D = 32, 32 filters / units, Adam 0.01, batches of 32), in the same run.
"""
import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from autograder_instructor.build import parse  # noqa: E402
from autograder_instructor.suites._base import reference_namespace  # noqa: E402

SPEC = ROOT / "course" / "authoring" / "08_cnn_tagging" / "cnn_tagging.py"


def notebook_namespace():
    """The notebook's setup and code cells run next to the reference solutions; cells that
    only run checks are left out (they print and need nothing here)."""
    ns = reference_namespace("solutions.cnn_tagging")
    for kind, _, body in parse(SPEC.read_text()):
        source = body
        if kind in ("setup", "code") and "check(" not in source:
            exec(compile(source, f"<{SPEC.name}: {kind} cell>", "exec"), ns)
    return ns


class Timer:
    """Wall-clock and CPU seconds of a block (the machine may be shared: CPU time is the
    fairer measure of work, wall time what a student waits)."""

    def __enter__(self):
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc):
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu

    def __str__(self):
        return f"{self.wall:6.1f} / {self.cpu:5.1f}"


def keras_tagger(V, D, H, C, seed):
    import keras
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input(shape=(None,), dtype="int32"),
                              keras.layers.Embedding(V, D, mask_zero=True),
                              keras.layers.SimpleRNN(H, return_sequences=True),
                              keras.layers.Dense(C)])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    return model


def tagging(ns, seeds, epochs, dim):
    import keras
    Xtr, Ytr, Xte, Yte = (ns[k] for k in ("X_tag_train", "Y_tag_train", "X_tag_test",
                                          "Y_tag_test"))
    V, C = ns["V_tag"], ns["C"]
    print(f"\nTagging: {len(Xtr)} training and {len(Xte)} test sentences "
          f"({int((Xte != 0).sum())} test words), V={V}, {C} tags, D = H = {dim}, "
          f"Adam 0.01, batch 32, {epochs} epochs (Keras {keras.__version__}, float32; "
          f"NumPy float64)")
    print(f"  {'seed':>4s} {'NumPy acc':>10s} {'wall / CPU s':>13s} {'Keras acc':>10s} "
          f"{'wall / CPU s':>13s} {'gap (points)':>13s}")
    rows = []
    for seed in seeds:
        with Timer() as t_np:
            params = ns["init_tagger"](V, dim, dim, C, seed=seed)
            ns["train"](ns["tagger_loss_and_grads"], params, Xtr, Ytr, epochs=epochs, seed=seed)
        acc_np = ns["token_accuracy"](ns["tagger_logits"](params, Xte)[0], Xte, Yte)
        model = keras_tagger(V, dim, dim, C, seed)
        with Timer() as t_k:
            model.fit(Xtr, Ytr, batch_size=32, epochs=epochs, verbose=0)
        acc_k = ns["token_accuracy"](model.predict(Xte, verbose=0), Xte, Yte)
        rows.append((acc_np, acc_k))
        print(f"  {seed:4d} {acc_np:10.4f} {str(t_np):>13s} {acc_k:10.4f} {str(t_k):>13s} "
              f"{100 * abs(acc_np - acc_k):13.2f}")
    counts, train, test = {}, ns["tagging"].train, ns["tagging"].test
    for words, tags in zip(*train):
        for w, t in zip(words, tags):
            counts.setdefault(w, {}).setdefault(t, 0)
            counts[w][t] += 1
    hits = [w in counts and max(counts[w], key=counts[w].get) == t
            for words, tags in zip(*test) for w, t in zip(words, tags)]
    print(f"  most frequent tag of each word (no context): {np.mean(hits):.4f}")
    print("  goals: NumPy >= 0.95, |NumPy - Keras| <= 2 points")
    return rows


def sentiment(ns, seeds, epochs, dim):
    X, y = ns["X_train"], ns["y_train"]
    print(f"\nSentiment: {len(X)} training reviews (T={X.shape[1]}), V={ns['V']}, D = {dim}, "
          f"{dim} filters (k=3) / units, Adam 0.01, batch 32, {epochs} epochs, same run")
    print(f"  {'model':10s} {'seed':>4s} {'test':>6s} {'probe':>6s} {'wall / CPU s':>13s}")
    for seed in seeds:
        for kind, (loss_and_grads, accuracy) in ns["CLASSIFIERS"].items():
            with Timer() as timer:
                params = ns["init_classifier"](kind, ns["V"], dim, dim, seed=seed)
                ns["train"](loss_and_grads, params, X, y, epochs=epochs, seed=seed)
            acc = [accuracy(params, ns[f"X_{s}"], ns[f"y_{s}"]) for s in ("test", "probe")]
            print(f"  NumPy {kind:4s} {seed:4d} {acc[0]:6.3f} {acc[1]:6.3f} {str(timer):>13s}")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--tag-epochs", type=int, default=None,
                        help="default: the notebook's TAG_EPOCHS")
    parser.add_argument("--epochs", type=int, default=8, help="sentiment epochs")
    parser.add_argument("--dim", type=int, default=32)
    parser.add_argument("--skip-sentiment", action="store_true")
    parser.add_argument("--skip-tagging", action="store_true")
    args = parser.parse_args(argv)
    ns = notebook_namespace()
    if not args.skip_tagging:
        tagging(ns, args.seeds, args.tag_epochs or ns["TAG_EPOCHS"], args.dim)
    if not args.skip_sentiment:
        sentiment(ns, args.seeds, args.epochs, args.dim)
    return 0


if __name__ == "__main__":
    sys.exit(main())
