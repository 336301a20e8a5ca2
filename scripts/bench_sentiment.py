"""Benchmark of 06_sentiment: speed and accuracy, NumPy against Keras, built-in corpus and IMDB.

    python scripts/bench_sentiment.py                     # built-in corpus: throughput + accuracy
    python scripts/bench_sentiment.py --kinds simple_rnn lstm --epochs 8
    python scripts/bench_sentiment.py --imdb              # also IMDB, as keras.datasets.imdb has it
    python scripts/bench_sentiment.py --imdb PATH --num-words 500 --skip-builtin
                                                          # any IMDB-format .npz (e.g. a subset)

Throughput: one epoch of the NumPy SentimentRNN and of the Keras "simple_rnn" model with
the same sizes and batches, measured in the same run (Keras's first epoch, which traces
its graph, is reported apart).

Accuracy, on the built-in corpus (test split and negation probe) and on IMDB (test
accuracy), for: bag of words (logistic regression on word presence), the NumPy
SentimentRNN with the naive recipe (Adam 0.01, as the capstone first trains it) and
with the taught recipe (RECIPE: pretrained polarity vectors, clipping by global norm, a
smaller learning rate, lowered once), over several seeds (median reported), and every
Keras kind (naive recipe; simple_rnn also with the taught one). On IMDB, every model
trains on the training reviews less a validation split (the last VALIDATION of them):
the recipe was chosen on that split, never on the test reviews; the per-epoch validation
accuracies are the learning curves. Run with one BLAS thread
(OPENBLAS_NUM_THREADS=1) to compare like with like.
"""
import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402

from autograder.baselines import BagOfWords, polarity_vectors  # noqa: E402
from autograder.corpus import load_builtin, negation_probe  # noqa: E402
from autograder.loaders import DataUnavailable, load_imdb  # noqa: E402
from solutions.optimizers import Adam  # noqa: E402
from solutions.rnn import pad_sequences  # noqa: E402
from solutions.sentiment import (KINDS, SentimentRNN, build_keras_model,  # noqa: E402
                                 build_vocabulary, texts_to_ids)

D = H = 32
NAIVE = {"learning_rate": 0.01, "batch_size": 32, "epochs": 8}
# The taught recipe (the notebook's section 9): E starts from polarity_vectors and is
# fine-tuned, gradients clipped to a global norm of 1, and Adam's learning rate chosen
# from RATES on the validation split (seed 0), then lowered to a fifth after 5 of 8
# epochs. Worked out on the validation split of the IMDB subset's training data.
RECIPE = {"learning_rate": None, "batch_size": 32, "epochs": 8, "clip_norm": 1.0,
          "lower_at": 5, "lower_by": 5.0, "pretrained": True, "trainable_embeddings": True}
RATES = (0.01, 0.001)
VALIDATION = 0.2


def corpus():
    splits = load_builtin()
    vocab = build_vocabulary(splits.train[0], None)
    probe = negation_probe()

    def ids(texts):
        return pad_sequences(texts_to_ids(list(texts), vocab))

    return len(vocab), {name: (ids(t), np.asarray(y)) for name, (t, y) in
                        zip(("train", "validation", "test", "probe"), (*splits, probe))}


def keras_model(kind, V, lr, clip_norm=None, seed=0):
    import keras
    keras.utils.set_random_seed(seed)
    model = build_keras_model(kind, V, D, H)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr, global_clipnorm=clip_norm),
                  loss="binary_crossentropy", metrics=["accuracy"])
    return model


def train_numpy(V, data, recipe, seed):
    """A SentimentRNN trained with ``recipe`` on data["train"]; returns (model, history)."""
    X, y = data["train"]
    vectors = (polarity_vectors(X, y, V, D, Adam(learning_rate=0.05), seed=seed)
               if recipe.get("pretrained") else None)
    model = SentimentRNN(V, D, H, seed=seed, embeddings=vectors,
                         trainable_embeddings=recipe.get("trainable_embeddings", True))
    optimizer = Adam(learning_rate=recipe["learning_rate"])
    first = recipe.get("lower_at", recipe["epochs"])
    kwargs = dict(batch_size=recipe["batch_size"], optimizer=optimizer,
                  validation_data=data["validation"], clip_norm=recipe.get("clip_norm"))
    history = model.fit(X, y, epochs=first, **kwargs)
    if first < recipe["epochs"]:
        optimizer.learning_rate /= recipe["lower_by"]  # smaller steps to settle in
        more = model.fit(X, y, epochs=recipe["epochs"] - first, **kwargs)
        history = {k: history[k] + more[k] for k in history}
    return model, history


def throughput(V, data, batch, repeats):
    import keras
    X, y = data["train"]
    numpy_times, keras_times = [], []
    model = SentimentRNN(V, D, H, seed=0)
    net = keras_model("simple_rnn", V, 0.01)
    started = time.perf_counter()
    net.fit(X, y, batch_size=batch, epochs=1, verbose=0, shuffle=True)
    first = time.perf_counter() - started
    for _ in range(repeats):
        started = time.perf_counter()
        model.fit(X, y, epochs=1, batch_size=batch, optimizer=Adam(0.01))
        numpy_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        net.fit(X, y, batch_size=batch, epochs=1, verbose=0, shuffle=True)
        keras_times.append(time.perf_counter() - started)
    n = len(X)
    t_np, t_k = min(numpy_times), min(keras_times)
    print(f"\nThroughput, one epoch of {n} reviews (T={X.shape[1]}), V={V}, D={D}, H={H}, "
          f"batch {batch}, best of {repeats} (Keras {keras.__version__}, float32; NumPy float64)")
    print(f"  NumPy SentimentRNN : {t_np:6.2f} s  {n / t_np:8.0f} reviews/s")
    print(f"  Keras simple_rnn   : {t_k:6.2f} s  {n / t_k:8.0f} reviews/s  (first epoch, "
          f"with tracing: {first:.2f} s)")
    print(f"  NumPy time / Keras time = {t_np / t_k:.2f} (goal: at most 1.5)")
    return t_np / t_k


def compare(V, data, kinds, seeds, title, probe=True):
    """Every model on ``data``; prints the table and the learning curves, returns the rows."""
    rows, curves = [], {}

    def row(name, model_eval, seconds, curve=None):
        rows.append((name, *model_eval, seconds))
        print(f"  {name}: test accuracy {model_eval[0]:.3f} ({seconds:.0f} s)", flush=True)
        if curve is not None:
            curves[name] = curve

    started = time.perf_counter()
    bow = BagOfWords(V).fit(*data["train"], Adam(learning_rate=0.05))
    row("bag of words (NumPy)", [bow.accuracy(*data["test"]),
                                 bow.accuracy(*data["probe"]) if probe else np.nan,
                                 bow.accuracy(*data["validation"])], time.perf_counter() - started)
    for label, recipe in (("naive", NAIVE), ("taught recipe", RECIPE)) if seeds else ():
        results, chosen = [], {}
        if recipe["learning_rate"] is None:  # chosen on the validation split, with seed 0
            for rate in RATES:
                started = time.perf_counter()
                chosen[rate] = (*train_numpy(V, data, dict(recipe, learning_rate=rate), 0),
                                time.perf_counter() - started)
                print(f"  {label}, Adam {rate}: validation accuracy per epoch "
                      + " ".join(f"{v:.3f}" for v in chosen[rate][1]["val_accuracy"]), flush=True)
            rate = max(RATES, key=lambda r: chosen[r][1]["val_accuracy"][-1])
            print(f"  {label}: learning rate {rate} chosen on the validation split")
            recipe = dict(recipe, learning_rate=rate)
            label = f"{label}, Adam {rate}"
        for seed in seeds:
            started = time.perf_counter()
            if seed == 0 and chosen:
                model, history, seconds = chosen[recipe["learning_rate"]]
                started -= seconds
            else:
                model, history = train_numpy(V, data, recipe, seed)
            results.append((model.evaluate(*data["test"])[1],
                            model.evaluate(*data["probe"])[1] if probe else np.nan,
                            history["val_accuracy"][-1], time.perf_counter() - started))
            curves[f"SentimentRNN, {label}, seed {seed}"] = history["val_accuracy"]
        tests = [r[0] for r in results]
        print(f"  SentimentRNN ({label}) test accuracy per seed {seeds}: "
              + ", ".join(f"{t:.3f}" for t in tests), flush=True)
        median = int(np.argsort(tests)[len(tests) // 2])
        row(f"SentimentRNN, {label} (median of {len(seeds)})",
            [float(np.median(tests)), results[median][1], float(np.median([r[2] for r in results]))],
            float(np.mean([r[3] for r in results])))
    keras_recipe = dict(RECIPE, learning_rate=0.001)  # the rate the recipe picks on IMDB
    for kind, recipe in [(k, NAIVE) for k in kinds] + ([("simple_rnn", keras_recipe)]
                                                        if "simple_rnn" in kinds else []):
        clip = recipe.get("clip_norm")
        net = keras_model(kind, V, recipe["learning_rate"], clip)
        started = time.perf_counter()
        fitted = net.fit(*data["train"], batch_size=recipe["batch_size"],
                         epochs=recipe["epochs"], validation_data=data["validation"], verbose=0)
        name = f"Keras {kind}" + (f" (Adam {recipe['learning_rate']}, global_clipnorm {clip})"
                                  if clip else "")
        row(name, [net.evaluate(*data["test"], verbose=0)[1],
                   net.evaluate(*data["probe"], verbose=0)[1] if probe else np.nan,
                   fitted.history["val_accuracy"][-1]], time.perf_counter() - started,
            fitted.history["val_accuracy"])
    print(f"\n{title}")
    print(f"  {'model':58s} {'test':>6s} {'probe':>6s} {'val':>6s} {'time (s)':>9s}")
    for name, test, probe_acc, val, seconds in rows:
        probe_text = "     -" if np.isnan(probe_acc) else f"{probe_acc:6.3f}"
        print(f"  {name:58s} {test:6.3f} {probe_text} {val:6.3f} {seconds:9.1f}")
    print("  Learning curves (validation accuracy after each epoch):")
    for name, curve in curves.items():
        print(f"    {name:56s} " + " ".join(f"{v:.3f}" for v in curve))
    return rows


def imdb_data(path, num_words, maxlen):
    try:
        data = load_imdb(num_words=num_words, maxlen=maxlen, path=path)
    except DataUnavailable as problem:
        print(f"\nIMDB skipped:\n{problem}")
        return None
    (x_train, y_train), (x_test, y_test) = data["train"], data["test"]
    # Ids at or above num_words cannot occur (load_imdb maps them to 2); the embedding
    # table needs a row for every id that does.
    V = num_words or 1 + max(max(x, default=0) for x in x_train + x_test)
    X, X_test = pad_sequences(x_train, maxlen=maxlen), pad_sequences(x_test, maxlen=maxlen)
    cut = int(round(len(X) * (1 - VALIDATION)))
    return V, {"train": (X[:cut], y_train[:cut]), "validation": (X[cut:], y_train[cut:]),
               "test": (X_test, y_test)}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    parser.add_argument("--seeds", nargs="*", type=int, default=[0, 1, 2],
                        help="seeds of the NumPy runs (the median is reported); none: no "
                             "NumPy runs")
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs (best one kept)")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--skip-throughput", action="store_true")
    parser.add_argument("--skip-builtin", action="store_true",
                        help="no accuracy table on the built-in corpus")
    parser.add_argument("--imdb", nargs="?", const="", default=None, metavar="PATH",
                        help="also IMDB: Keras's imdb.npz (downloaded when online), or the "
                             "IMDB-format .npz at PATH")
    parser.add_argument("--num-words", type=int, default=10000,
                        help="IMDB vocabulary: ids at or above it become 2 (default 10000; "
                             "a subset made with num_words=500 needs at most 500)")
    parser.add_argument("--maxlen", type=int, default=200, help="IMDB reviews cut to their last ids")
    args = parser.parse_args(argv)
    print(f"bench_sentiment, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"{os.cpu_count()} cores")
    if not (args.skip_throughput and args.skip_builtin):
        V, data = corpus()
        if not args.skip_throughput:
            throughput(V, data, args.batch, args.repeats)
        if not args.skip_builtin:
            compare(V, data, args.kinds, args.seeds,
                    f"Built-in corpus (test split, negation probe, validation split)")
    if args.imdb is not None:
        loaded = imdb_data(args.imdb or None, args.num_words, args.maxlen)
        if loaded is not None:
            V, data = loaded
            n_train, n_val, n_test = (len(data[k][0]) for k in ("train", "validation", "test"))
            compare(V, data, args.kinds, args.seeds,
                    f"IMDB {args.imdb or '(keras.datasets.imdb)'}: {n_train} training, {n_val} "
                    f"validation, {n_test} test reviews, last {args.maxlen} ids, V={V}", probe=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
