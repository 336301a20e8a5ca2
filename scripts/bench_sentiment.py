"""Benchmark of 06_sentiment: training speed and accuracy, NumPy against Keras.

    python scripts/bench_sentiment.py                 # throughput + accuracy on the built-in corpus
    python scripts/bench_sentiment.py --epochs 8 --kinds simple_rnn lstm
    python scripts/bench_sentiment.py --imdb          # also IMDB, when imdb.npz is on this machine

Throughput: one epoch of the NumPy SentimentRNN and of the Keras "simple_rnn" model with
the same sizes and batches, measured in the same run (Keras's first epoch, which traces
its graph, is reported apart). Accuracy: every model on the built-in test split and the
negation probe, with the notebook's recipe (Adam 0.01, batches of 32, D = H = 32).
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

from autograder.corpus import load_builtin, negation_probe  # noqa: E402
from autograder.loaders import DataUnavailable, load_imdb  # noqa: E402
from solutions.optimizers import Adam  # noqa: E402
from solutions.rnn import pad_sequences  # noqa: E402
from solutions.sentiment import (KINDS, SentimentRNN, build_keras_model,  # noqa: E402
                                 build_vocabulary, texts_to_ids)


def corpus():
    splits = load_builtin()
    vocab = build_vocabulary(splits.train[0], None)
    probe = negation_probe()

    def ids(texts):
        return pad_sequences(texts_to_ids(list(texts), vocab))

    return len(vocab), {name: (ids(t), np.asarray(y)) for name, (t, y) in
                        zip(("train", "validation", "test", "probe"), (*splits, probe))}


def keras_model(kind, V, D, H, lr):
    import keras
    keras.utils.set_random_seed(0)
    model = build_keras_model(kind, V, D, H)
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=lr), loss="binary_crossentropy",
                  metrics=["accuracy"])
    return model


def throughput(V, data, D, H, batch, repeats):
    import keras
    X, y = data["train"]
    numpy_times, keras_times = [], []
    model = SentimentRNN(V, D, H, seed=0)
    net = keras_model("simple_rnn", V, D, H, 0.01)
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


def accuracy(V, data, kinds, epochs, D, H, batch):
    rows = []
    started = time.perf_counter()
    model = SentimentRNN(V, D, H, seed=0)
    model.fit(*data["train"], epochs=epochs, batch_size=batch, optimizer=Adam(0.01))
    rows.append(("SentimentRNN (NumPy)", model.evaluate(*data["test"])[1],
                 model.evaluate(*data["probe"])[1], time.perf_counter() - started))
    for kind in kinds:
        net = keras_model(kind, V, D, H, 0.01)
        started = time.perf_counter()
        net.fit(*data["train"], batch_size=batch, epochs=epochs, verbose=0)
        rows.append((f"Keras {kind}", net.evaluate(*data["test"], verbose=0)[1],
                     net.evaluate(*data["probe"], verbose=0)[1], time.perf_counter() - started))
    rows.append(("bag of words (NumPy)", *bag_of_words(V, data)))
    print(f"\nAccuracy on the built-in corpus after {epochs} epochs (Adam 0.01, batch {batch})")
    print(f"  {'model':24s} {'test':>6s} {'probe':>6s} {'time (s)':>9s}")
    for name, test, probe, seconds in rows:
        print(f"  {name:24s} {test:6.3f} {probe:6.3f} {seconds:9.1f}")
    return rows


def bag_of_words(V, data):
    started = time.perf_counter()

    def counts(X):
        out = np.zeros((len(X), V))
        np.add.at(out, (np.repeat(np.arange(len(X)), X.shape[1]), X.ravel()), 1.0)
        out[:, 0] = 0.0
        return out

    (X, y), params, adam = data["train"], {"w": np.zeros(V), "b": np.zeros(1)}, Adam(0.05)
    B = counts(X)
    for _ in range(300):
        z = B @ params["w"] + params["b"]
        dz = (1.0 / (1.0 + np.exp(-z)) - y) / len(y)
        adam.update(params, {"w": B.T @ dz, "b": np.array([dz.sum()])})

    def acc(split):
        X, y = data[split]
        return float(np.mean((counts(X) @ params["w"] + params["b"] > 0) == (y == 1)))

    return acc("test"), acc("probe"), time.perf_counter() - started


def imdb(epochs, numpy_epochs, maxlen=200, num_words=10000):
    try:
        data = load_imdb(num_words=num_words, maxlen=maxlen)
    except DataUnavailable as problem:
        print(f"\nIMDB skipped:\n{problem}")
        return None
    (x_train, y_train), (x_test, y_test) = data["train"], data["test"]
    X_train, X_test = pad_sequences(x_train, maxlen=maxlen), pad_sequences(x_test, maxlen=maxlen)
    print(f"\nIMDB: {len(X_train)} training and {len(X_test)} test reviews, last {maxlen} ids, "
          f"{num_words} words")
    for kind in ("lstm", "simple_rnn"):
        net = keras_model(kind, num_words, 32, 32, 0.001)
        started = time.perf_counter()
        net.fit(X_train, y_train, batch_size=64, epochs=epochs, verbose=0)
        print(f"  Keras {kind:10s}: test accuracy {net.evaluate(X_test, y_test, verbose=0)[1]:.3f} "
              f"({time.perf_counter() - started:.0f} s, {epochs} epochs)")
    model = SentimentRNN(num_words, 32, 32, seed=0)
    started = time.perf_counter()
    model.fit(X_train, y_train, epochs=numpy_epochs, batch_size=64, optimizer=Adam(0.001))
    print(f"  NumPy SentimentRNN: test accuracy {model.evaluate(X_test, y_test)[1]:.3f} "
          f"({time.perf_counter() - started:.0f} s, {numpy_epochs} epochs)")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    parser.add_argument("--repeats", type=int, default=3, help="timed epochs (best one kept)")
    parser.add_argument("--dim", type=int, default=32, help="D = H")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--skip-accuracy", action="store_true")
    parser.add_argument("--imdb", action="store_true", help="also train on IMDB if available")
    args = parser.parse_args(argv)
    V, data = corpus()
    throughput(V, data, args.dim, args.dim, args.batch, args.repeats)
    if not args.skip_accuracy:
        accuracy(V, data, args.kinds, args.epochs, args.dim, args.dim, args.batch)
    if args.imdb:
        imdb(epochs=3, numpy_epochs=2)
    return 0


if __name__ == "__main__":
    sys.exit(main())
