"""Cost of decoding a student process's reply: size-checked (grading/replies.py) against np.load.

    python scripts/bench_replies.py

A typical grade cell's reply (40 cases of small arrays) and one large array, each decoded
both ways many times; prints the median time per reply. The checked decoder reads the same
bytes once more than np.load does (the member table and headers first), so it should cost
about the same.
"""
import io
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autograder_instructor.grading.replies import unpack  # noqa: E402


def _reply(arrays):
    buf = io.BytesIO()
    np.savez(buf, **arrays)
    return buf.getvalue()


def _np_load(payload):
    with np.load(io.BytesIO(payload), allow_pickle=False) as f:
        return {k: f[k] for k in f.files}


def _median(fn, payload, repeat):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn(payload)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main():
    rng = np.random.default_rng(0)
    replies = {
        "typical grade cell (40 cases, 3 arrays of (8, 16) each)":
            _reply({f"c{i}/{k}": rng.normal(size=(8, 16)) for i in range(40) for k in "abc"}),
        "one large output (2000 x 2000 float64, 32 MB)": _reply({"c0/out": rng.normal(size=(2000, 2000))}),
    }
    print(f"{'reply':<58} {'np.load':>10} {'checked':>10} {'ratio':>6}")
    for name, payload in replies.items():
        repeat = 200 if len(payload) < 2 ** 20 else 10
        base = _median(_np_load, payload, repeat)
        ours = _median(lambda p: unpack(p, 256 * 2 ** 20), payload, repeat)
        print(f"{name:<58} {base * 1e3:>8.2f}ms {ours * 1e3:>8.2f}ms {ours / base:>6.2f}")


if __name__ == "__main__":
    main()
