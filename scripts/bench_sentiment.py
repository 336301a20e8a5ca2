"""Benchmark of 06_sentiment: speed and accuracy, NumPy against Keras, built-in corpus and IMDB.

    python scripts/bench_sentiment.py                     # built-in corpus: throughput + accuracy
    python scripts/bench_sentiment.py --kinds simple_rnn lstm --epochs 8
    python scripts/bench_sentiment.py --imdb              # also IMDB, as keras.datasets.imdb has it
    python scripts/bench_sentiment.py --imdb PATH --num-words 500 --skip-builtin
                                                          # any IMDB-format .npz (e.g. a subset)

Throughput: one epoch of the NumPy SentimentRNN and of the Keras "simple_rnn" model with
the same sizes and batches, measured in the same run (Keras's first epoch, which traces
its graph, is reported apart).

    python scripts/bench_sentiment.py --imdb PATH --num-words 500 --skip-builtin \
        --skip-throughput --recipes taught --kinds simple_rnn --keras-own-adam
                                # the taught recipe, NumPy and Keras side by side

Accuracy, on the built-in corpus (test split and negation probe) and on IMDB (test
accuracy), for: bag of words (logistic regression on word presence), the NumPy
SentimentRNN with the naive recipe (Adam 0.01, as the capstone first trains it) and
with the taught recipe (RECIPE: pretrained polarity vectors, clipping by global norm, a
learning rate chosen by 3-fold cross-validation on the training split, lowered once),
over several seeds (median reported), and every Keras kind with the naive recipe.

With the taught recipe and simple_rnn among the kinds, Keras's simple_rnn is trained
with the same recipe as SentimentRNN's twin (train_keras_twin): the same starting
weights and batch order per seed, and keras_bridge.keras_adam (Adam on the dense
embedding gradient, the course's step); --keras-own-adam adds the twin with Keras's own
Adam, whose embedding step differs. The two medians must agree within a point.

On IMDB, every model trains on the training reviews less a validation split (the last
VALIDATION of them): nothing was chosen on the test reviews; the per-epoch validation
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

from autograder.baselines import BagOfWords, kfold_indices, polarity_vectors  # noqa: E402
from autograder.keras_bridge import (keras_adam, sentiment_from_keras,  # noqa: E402
                                     sentiment_to_keras)
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
FOLDS = 3  # the rate is chosen by 3-fold cross-validation on the training split
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


def start_model(V, data, recipe, seed):
    """The SentimentRNN a recipe starts from: seed's weights, and E from polarity_vectors
    of the training split when the recipe is pretrained."""
    X, y = data["train"]
    vectors = (polarity_vectors(X, y, V, D, Adam(learning_rate=0.05), seed=seed)
               if recipe.get("pretrained") else None)
    return SentimentRNN(V, D, H, seed=seed, embeddings=vectors,
                        trainable_embeddings=recipe.get("trainable_embeddings", True))


def train_numpy(V, data, recipe, seed):
    """A SentimentRNN trained with ``recipe`` on data["train"]; returns (model, history)."""
    X, y = data["train"]
    model = start_model(V, data, recipe, seed)
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


def train_keras_twin(V, data, recipe, seed, dense_adam=True):
    """Keras's simple_rnn trained with ``recipe`` exactly as train_numpy trains SentimentRNN:
    from the same weights (start_model's), on the same batches in the same order (drawn
    from the same generator), with the same clipping and lowered rate; float32.

    dense_adam=True uses keras_bridge.keras_adam, the course's Adam step; False Keras's
    own Adam, whose step differs for the embedding (see keras_adam). Returns (model,
    history) with "val_accuracy" per epoch."""
    import keras
    X, y = data["train"]
    start = start_model(V, data, recipe, seed)
    net = build_keras_model("simple_rnn", V, D, H)
    net.set_weights(sentiment_to_keras(start.params))
    net.layers[0].trainable = start.trainable_embeddings
    make = keras_adam if dense_adam else keras.optimizers.Adam
    net.compile(optimizer=make(learning_rate=recipe["learning_rate"],
                               global_clipnorm=recipe.get("clip_norm")),
                loss="binary_crossentropy", metrics=["accuracy"])
    history = {"val_accuracy": []}
    for epoch in range(recipe["epochs"]):
        if epoch == recipe.get("lower_at"):
            net.optimizer.learning_rate = recipe["learning_rate"] / recipe["lower_by"]
        order = start.rng.permutation(len(X))  # the order SentimentRNN.fit draws
        net.fit(X[order], y[order], batch_size=recipe["batch_size"], epochs=1,
                shuffle=False, verbose=0)
        history["val_accuracy"].append(net.evaluate(*data["validation"], verbose=0)[1])
    return net, history


def twin_gap(V, data, rate, reviews=960):
    """Do SentimentRNN and its Keras twin take the same steps on ``data``? One epoch of the
    taught recipe on the first ``reviews`` training reviews in each; prints the largest
    difference of every weight (float32 Keras against float64 NumPy)."""
    small = {"train": tuple(a[:reviews] for a in data["train"]),
             "validation": tuple(a[:200] for a in data["validation"])}
    recipe = dict(RECIPE, learning_rate=rate, epochs=1, lower_at=1)
    ours, _ = train_numpy(V, small, recipe, 0)
    net, _ = train_keras_twin(V, small, recipe, 0)
    now = sentiment_from_keras(net.get_weights())
    gaps = {k: float(np.abs(ours.params[k] - now[k]).max()) for k in now}
    steps = -(-len(small["train"][0]) // recipe["batch_size"])
    print(f"  SentimentRNN and its Keras twin after {steps} steps (Adam {rate}) on "
          f"{len(small['train'][0])} training reviews: largest weight difference "
          + ", ".join(f"{k} {g:.1e}" for k, g in gaps.items()), flush=True)
    return gaps


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


def choose_rate(V, data, recipe, rates, folds, seed=0):
    """Adam's learning rate for ``recipe``, chosen by k-fold cross-validation on the
    training split (as the notebook teaches): each rate is trained on all folds but one
    and scored on that one, ``folds`` times; the best mean wins. Prints every score, the
    mean and the spread. Returns (rate, {rate: [validation accuracy per fold]})."""
    X, y = data["train"]
    scores = {rate: [] for rate in rates}
    for held_out, kept in kfold_indices(len(X), folds, seed=seed):
        fold = {"train": (X[kept], y[kept]), "validation": (X[held_out], y[held_out])}
        for rate in rates:
            _, history = train_numpy(V, fold, dict(recipe, learning_rate=rate), seed)
            scores[rate].append(history["val_accuracy"][-1])
    for rate in rates:
        print(f"  Adam {rate}: validation accuracy per fold ({len(X) // folds} reviews each) "
              + ", ".join(f"{a:.3f}" for a in scores[rate])
              + f"; mean {np.mean(scores[rate]):.3f}, standard deviation "
              f"{np.std(scores[rate], ddof=1):.3f}", flush=True)
    gaps = np.subtract(*[scores[r] for r in rates[:2]])
    print(f"  per-fold gap Adam {rates[0]} - Adam {rates[1]}: "
          + ", ".join(f"{g:+.3f}" for g in gaps), flush=True)
    best = max(rates, key=lambda rate: np.mean(scores[rate]))
    print(f"  learning rate {best} chosen by {folds}-fold cross-validation", flush=True)
    return best, scores


def compare(V, data, kinds, seeds, title, probe=True, recipes=("naive", "taught"),
            keras_own_adam=False):
    """Every model on ``data``; prints the table and the learning curves, returns the rows.

    With "simple_rnn" in kinds and the taught recipe, Keras's simple_rnn is trained with
    that recipe too, as SentimentRNN's twin (train_keras_twin), over the same seeds:
    the two medians side by side."""
    rows, curves = [], {}

    def row(name, model_eval, seconds, curve=None):
        rows.append((name, *model_eval, seconds))
        print(f"  {name}: test accuracy {model_eval[0]:.3f} ({seconds:.0f} s)", flush=True)
        if curve is not None:
            curves[name] = curve

    def over_seeds(label, train):
        results = []
        for seed in seeds:
            started = time.perf_counter()
            model, history = train(seed)
            evaluate = (model.evaluate if isinstance(model, SentimentRNN) else
                        lambda *d: model.evaluate(*d, verbose=0))
            results.append((evaluate(*data["test"])[1],
                            evaluate(*data["probe"])[1] if probe else np.nan,
                            history["val_accuracy"][-1], time.perf_counter() - started))
            curves[f"{label}, seed {seed}"] = history["val_accuracy"]
        tests = [r[0] for r in results]
        print(f"  {label}: test accuracy per seed {seeds}: "
              + ", ".join(f"{t:.3f}" for t in tests), flush=True)
        median = int(np.argsort(tests)[len(tests) // 2])
        row(f"{label} (median of {len(seeds)})",
            [float(np.median(tests)), results[median][1], float(np.median([r[2] for r in results]))],
            float(np.mean([r[3] for r in results])))

    started = time.perf_counter()
    bow = BagOfWords(V).fit(*data["train"], Adam(learning_rate=0.05))
    row("bag of words (NumPy)", [bow.accuracy(*data["test"]),
                                 bow.accuracy(*data["probe"]) if probe else np.nan,
                                 bow.accuracy(*data["validation"])], time.perf_counter() - started)
    if seeds and "naive" in recipes:
        over_seeds("SentimentRNN, naive", lambda seed: train_numpy(V, data, NAIVE, seed))
    if seeds and "taught" in recipes:
        rate, _ = choose_rate(V, data, RECIPE, RATES, FOLDS)
        recipe = dict(RECIPE, learning_rate=rate)
        over_seeds(f"SentimentRNN, taught recipe, Adam {rate}",
                   lambda seed: train_numpy(V, data, recipe, seed))
        if "simple_rnn" in kinds:
            over_seeds(f"Keras simple_rnn, taught recipe, Adam {rate} (keras_adam)",
                       lambda seed: train_keras_twin(V, data, recipe, seed))
            if keras_own_adam:
                over_seeds(f"Keras simple_rnn, taught recipe, Adam {rate} (Keras's Adam)",
                           lambda seed: train_keras_twin(V, data, recipe, seed, dense_adam=False))
    for kind in kinds if "naive" in recipes else ():
        net = keras_model(kind, V, NAIVE["learning_rate"])
        started = time.perf_counter()
        fitted = net.fit(*data["train"], batch_size=NAIVE["batch_size"],
                         epochs=NAIVE["epochs"], validation_data=data["validation"], verbose=0)
        row(f"Keras {kind}, naive", [net.evaluate(*data["test"], verbose=0)[1],
                                     net.evaluate(*data["probe"], verbose=0)[1] if probe else np.nan,
                                     fitted.history["val_accuracy"][-1]],
            time.perf_counter() - started, fitted.history["val_accuracy"])
    print(f"\n{title}")
    print(f"  {'model':76s} {'test':>6s} {'probe':>6s} {'val':>6s} {'time (s)':>9s}")
    for name, test, probe_acc, val, seconds in rows:
        probe_text = "     -" if np.isnan(probe_acc) else f"{probe_acc:6.3f}"
        print(f"  {name:76s} {test:6.3f} {probe_text} {val:6.3f} {seconds:9.1f}")
    print("  Learning curves (validation accuracy after each epoch):")
    for name, curve in curves.items():
        print(f"    {name:74s} " + " ".join(f"{v:.3f}" for v in curve))
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
    parser.add_argument("--recipes", nargs="*", default=["naive", "taught"],
                        choices=["naive", "taught"],
                        help="which recipes to run (naive: section 4's, for SentimentRNN and "
                             "every Keras kind; taught: section 9's, for SentimentRNN and its "
                             "Keras simple_rnn twin)")
    parser.add_argument("--twin-gap", type=float, default=None, metavar="RATE",
                        help="only check, on each data set, that SentimentRNN and its Keras "
                             "twin take the same steps in one short epoch at Adam RATE")
    parser.add_argument("--keras-own-adam", action="store_true",
                        help="also train the simple_rnn twin with Keras's own Adam, whose "
                             "embedding step differs from the course's")
    args = parser.parse_args(argv)
    print(f"bench_sentiment, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"{os.cpu_count()} cores")
    if not (args.skip_throughput and args.skip_builtin):
        V, data = corpus()
        if not args.skip_throughput:
            throughput(V, data, args.batch, args.repeats)
        if args.twin_gap is not None and not args.skip_builtin:
            twin_gap(V, data, args.twin_gap)
        elif not args.skip_builtin:
            compare(V, data, args.kinds, args.seeds,
                    f"Built-in corpus (test split, negation probe, validation split)",
                    recipes=args.recipes, keras_own_adam=args.keras_own_adam)
    if args.imdb is not None:
        loaded = imdb_data(args.imdb or None, args.num_words, args.maxlen)
        if loaded is not None:
            V, data = loaded
            n_train, n_val, n_test = (len(data[k][0]) for k in ("train", "validation", "test"))
            if args.twin_gap is not None:
                twin_gap(V, data, args.twin_gap)
                return 0
            compare(V, data, args.kinds, args.seeds,
                    f"IMDB {args.imdb or '(keras.datasets.imdb)'}: {n_train} training, {n_val} "
                    f"validation, {n_test} test reviews, last {args.maxlen} ids, V={V}", probe=False,
                    recipes=args.recipes, keras_own_adam=args.keras_own_adam)
    return 0


if __name__ == "__main__":
    sys.exit(main())
