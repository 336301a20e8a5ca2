"""Benchmark: the NumPy reference RNN against Keras, in the same process, float64, CPU.

    python scripts/bench_rnn.py [--repeats 20] [--blas-threads 1]

NumPy's BLAS runs single-threaded by default here (``--blas-threads`` changes it): for
matrices this small (64 x 178 times 178 x 128 per step) threads do not pay, and on a busy
two-core machine multi-threaded OpenBLAS spins and gets many times slower. Each comparison is one function returning a row (name, NumPy median, Keras median);
add a backward-pass comparison by writing another such function and listing it in
COMPARISONS. Timings are medians over ``--repeats`` runs after a warm-up run (which
also traces the tf.function).
"""
import argparse
import functools
import os
import statistics
import sys
import time
from pathlib import Path


def _blas_threads(argv):
    """Read --blas-threads before NumPy is imported (the setting is read at import time)."""
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--blas-threads", default="1")
    value = parser.parse_known_args(argv)[0].blas_threads
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = value
    return value


BLAS_THREADS = _blas_threads(sys.argv[1:])

import numpy as np  # noqa: E402 (after the BLAS thread setting)

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

N, T, D, H = 64, 100, 50, 128  # batch, time steps, input features, hidden units


def median_seconds(fn, repeats):
    fn()  # warm-up: caches, tracing
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def inputs(seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N, T, D))
    W = rng.normal(0, 1 / np.sqrt(H + D), size=(H, H + D))
    b = rng.normal(0, 0.1, size=H)
    return x, W, b


def compare_forward(tf, keras, repeats):
    """Reference rnn_forward against SimpleRNN(return_sequences=True) under tf.function."""
    from autograder.keras_bridge import rnn_to_keras
    from solutions.rnn import rnn_forward

    x, W, b = inputs()
    layer = keras.layers.SimpleRNN(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(rnn_to_keras(W, b))
    x_tf = tf.constant(x)
    keras_forward = tf.function(lambda v: layer(v))

    h_ours, _ = rnn_forward(x, W, b)
    h_keras = keras_forward(x_tf).numpy()
    assert np.allclose(h_ours, h_keras, rtol=1e-10, atol=1e-12), "the two forwards differ"

    ours = median_seconds(lambda: rnn_forward(x, W, b), repeats)
    theirs = median_seconds(lambda: keras_forward(x_tf).numpy(), repeats)
    return "rnn_forward vs SimpleRNN forward", ours, theirs


COMPARISONS = [compare_forward]


def _keras_gradients(tf, layer, x_tf, dh_tf):
    """A tf.function: the layer's forward and tape.gradient of sum(h * dh)."""
    cell = layer.cell

    @tf.function
    def run(v):
        with tf.GradientTape() as tape:
            tape.watch(v)
            loss = tf.reduce_sum(layer(v) * dh_tf)  # so that dL/dh == dh
        return tape.gradient(loss, [v, cell.kernel, cell.recurrent_kernel, cell.bias])
    return run


def compare_forward_backward(tf, keras, repeats):
    """Reference rnn_forward + rnn_backward against SimpleRNN forward + tape.gradient, tf.function."""
    from autograder.keras_bridge import rnn_grads_from_keras, rnn_to_keras
    from solutions.bptt import rnn_backward
    from solutions.rnn import rnn_forward

    x, W, b = inputs()
    dh = np.random.default_rng(1).normal(size=(N, T, H))
    layer = keras.layers.SimpleRNN(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(rnn_to_keras(W, b))
    x_tf = tf.constant(x)
    keras_gradients = _keras_gradients(tf, layer, x_tf, tf.constant(dh))

    def ours():
        _, cache = rnn_forward(x, W, b)
        return rnn_backward(dh, cache)

    dx, _, dW, db = ours()
    dx_k, dk, drk, dbias = (g.numpy() for g in keras_gradients(x_tf))
    dW_k, db_k = rnn_grads_from_keras(dk, drk, dbias)
    for name, a, k in (("dx", dx, dx_k), ("dW", dW, dW_k), ("db", db, db_k)):
        assert np.allclose(a, k, rtol=1e-9, atol=1e-10), f"{name} differs from TensorFlow"

    ours_s = median_seconds(ours, repeats)
    theirs = median_seconds(lambda: [g.numpy() for g in keras_gradients(x_tf)], repeats)
    return "forward+backward vs SimpleRNN+gradient", ours_s, theirs


COMPARISONS.append(compare_forward_backward)


# ---- 07_gated: LSTM and GRU, forward + backward against Keras + GradientTape -------------

def _race(ours, theirs, repeats, clock):
    """Medians of ``ours`` and ``theirs`` timed in alternation, after a warm-up of each.

    Alternating gives both the same share of a machine whose load changes. With
    ``clock=time.process_time`` it is CPU time of the whole process (every thread's time
    added up): TensorFlow runs on every core and NumPy's BLAS here on one, so on a busy
    machine wall-clock time measures the scheduler's share as much as the code.
    """
    ours(), theirs()
    a, b = [], []
    for _ in range(repeats):
        for fn, times in ((ours, a), (theirs, b)):
            start = clock()
            fn()
            times.append(clock() - start)
    return statistics.median(a), statistics.median(b)


def _label(name, clock):
    return name + (", CPU time" if clock is time.process_time else "")


def _gated_inputs(blocks, seed=2):
    """x (N, T, D), an upstream gradient dh (N, T, H) and ``blocks`` gate blocks of weights."""
    rng = np.random.default_rng(seed)
    x, dh = rng.normal(size=(N, T, D)), rng.normal(size=(N, T, H))
    Wx = rng.normal(0, 1 / np.sqrt(D + H), size=(blocks * H, D))
    Wh = rng.normal(0, 1 / np.sqrt(D + H), size=(blocks * H, H))
    return x, dh, Wx, Wh, rng.normal(0, 0.1, size=(2, blocks * H))


def compare_lstm(tf, keras, repeats, clock=time.perf_counter):
    """Reference lstm_forward + lstm_backward against Keras LSTM + tape.gradient, tf.function."""
    from autograder.keras_bridge import lstm_grads_from_keras, lstm_to_keras
    from solutions.lstm import lstm_backward, lstm_forward

    x, dh, Wx, Wh, bias = _gated_inputs(4)
    W, b = np.concatenate([Wh, Wx], axis=1), bias[0]  # (4H, H + D) on [h; x]
    layer = keras.layers.LSTM(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(lstm_to_keras(W, b))
    x_tf = tf.constant(x)
    keras_gradients = _keras_gradients(tf, layer, x_tf, tf.constant(dh))

    def ours():
        _, cache = lstm_forward(x, W, b)
        return lstm_backward(dh, cache)

    dx, _, _, dW, db = ours()
    dx_k, dk, drk, dbias = (g.numpy() for g in keras_gradients(x_tf))
    dW_k, db_k = lstm_grads_from_keras(dk, drk, dbias)
    for name, a, k in (("dx", dx, dx_k), ("dW", dW, dW_k), ("db", db, db_k)):
        assert np.allclose(a, k, rtol=1e-9, atol=1e-10), f"LSTM {name} differs from TensorFlow"
    ours_s, theirs = _race(ours, lambda: [g.numpy() for g in keras_gradients(x_tf)], repeats,
                           clock)
    return _label("lstm fwd+bwd vs LSTM+gradient", clock), ours_s, theirs


def compare_gru(tf, keras, repeats, clock=time.perf_counter):
    """Reference gru_forward + gru_backward against Keras GRU + tape.gradient, tf.function."""
    from autograder.keras_bridge import gru_grads_from_keras, gru_to_keras
    from solutions.gru import gru_backward, gru_forward

    x, dh, Wx, Wh, (bx, bh) = _gated_inputs(3)
    layer = keras.layers.GRU(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(gru_to_keras(Wx, Wh, bx, bh))
    x_tf = tf.constant(x)
    keras_gradients = _keras_gradients(tf, layer, x_tf, tf.constant(dh))

    def ours():
        _, cache = gru_forward(x, Wx, Wh, bx, bh)
        return gru_backward(dh, cache)

    dx, _, *grads = ours()
    dx_k, dk, drk, dbias = (g.numpy() for g in keras_gradients(x_tf))
    for name, a, k in zip(("dx", "dWx", "dWh", "dbx", "dbh"), [dx, *grads],
                          [dx_k, *gru_grads_from_keras(dk, drk, dbias)]):
        assert np.allclose(a, k, rtol=1e-9, atol=1e-10), f"GRU {name} differs from TensorFlow"
    ours_s, theirs = _race(ours, lambda: [g.numpy() for g in keras_gradients(x_tf)], repeats,
                           clock)
    return _label("gru fwd+bwd vs GRU+gradient", clock), ours_s, theirs


COMPARISONS += [compare_lstm, compare_gru,
                functools.partial(compare_lstm, clock=time.process_time),
                functools.partial(compare_gru, clock=time.process_time)]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--blas-threads", default="1", help="threads for NumPy's BLAS")
    args = parser.parse_args(argv)

    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    import keras
    import tensorflow as tf
    keras.config.set_floatx("float64")

    print(f"N={N}, T={T}, D={D}, H={H}, float64, median of {args.repeats} runs, "
          f"NumPy BLAS threads {BLAS_THREADS}, TensorFlow threads default")
    print(f"{'comparison':40s} {'NumPy (ms)':>11s} {'Keras (ms)':>11s} {'NumPy/Keras':>12s}")
    for comparison in COMPARISONS:
        name, ours, theirs = comparison(tf, keras, args.repeats)
        print(f"{name:40s} {ours * 1e3:11.2f} {theirs * 1e3:11.2f} {ours / theirs:12.2f}")


if __name__ == "__main__":
    main()
