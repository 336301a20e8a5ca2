"""Which part of the lecture teaches each graded function: the one place that says so.

The class report sends an instructor from a mistake the class made to the lecture
section to go over again. A function maps to a heading of
``course/lectures/rnn_lecture.py`` (a numbered section, ``## 3. Layers ...``, or one of
its subsections, ``### The dense layer``); :func:`section_of` gives the numbered
section and, when it is a subsection, both. A test checks that every graded function of
every assignment is here and that every heading exists in the lecture.
"""
import re
from functools import lru_cache
from pathlib import Path

from ..layout import CHECKOUT

LECTURE = CHECKOUT / "course" / "lectures" / "rnn_lecture.py"

_NONLINEAR = "The usual nonlinearities"
_DENSE = "The dense layer"
_LEARNING = "4. Learning the parameters"
_SGD = "Stochastic gradient descent on mini-batches"
_RECURRENCE = "The function $f$"
_RECURRENT = "7. Recurrent layers"
_BOTH_WAYS = "Swapping the recurrent layer, reading both ways"
_PER_WORD = "One vector per sentence, or one per word"
_EMBEDDING = "6. The Embedding layer"
_KERAS = "5. Keras: the idea"
_CNN = "12. The alternative: a convolutional network"

SECTIONS = {
    # 01_dense
    "sigmoid": _NONLINEAR, "tanh": _NONLINEAR, "relu": _NONLINEAR, "softmax": _NONLINEAR,
    "dense_forward": _DENSE, "dense_backward": _DENSE,
    # 02_learning
    "binary_cross_entropy": _LEARNING, "categorical_cross_entropy": _LEARNING,
    "sigmoid_cross_entropy_with_logits": _LEARNING,
    "softmax_cross_entropy_with_logits": _LEARNING, "numerical_gradient": _LEARNING,
    "iterate_minibatches": _SGD, "sgd_step": _SGD,
    # 03_rnn
    "rnn_step_forward": _RECURRENCE, "rnn_forward": _RECURRENCE,
    "pad_sequences": "11. Padding: `pad_sequences`", "birnn_forward": _BOTH_WAYS,
    # 04_bptt
    "rnn_step_backward": _RECURRENT, "rnn_backward": _RECURRENT,
    "clip_by_global_norm": _RECURRENT, "hidden_gradient_norms": _RECURRENT,
    # 05_embeddings_optimizers
    "embedding_forward": _EMBEDDING, "embedding_backward": _EMBEDDING,
    "SGD": _SGD, "RMSprop": _SGD, "Adagrad": _SGD, "Adam": _SGD,
    # 06_sentiment
    "build_vocabulary": _KERAS, "texts_to_ids": _KERAS, "SentimentRNN": _RECURRENT,
    "build_keras_model": _KERAS,
    # 07_gated
    **{f"{cell}_{part}": _RECURRENT for cell in ("lstm", "gru")
       for part in ("step_forward", "forward", "step_backward", "backward")},
    # 08_cnn_tagging
    "conv1d_forward": _CNN, "conv1d_backward": _CNN, "global_max_pool_forward": _CNN,
    "global_max_pool_backward": _CNN, "temporal_dense_forward": _PER_WORD,
    "temporal_dense_backward": _PER_WORD, "masked_softmax_cross_entropy": _PER_WORD,
}


@lru_cache(maxsize=None)
def headings(path=LECTURE):
    """{heading: its numbered section's heading} for every ``##``/``###`` of the lecture."""
    found, section = {}, ""
    for line in Path(path).read_text().splitlines():
        match = re.match(r"# (#{2,3}) (.+)$", line)
        if not match:
            continue
        level, text = match.groups()
        if level == "##":
            section = text.strip()
        found[text.strip()] = section
    return found


def section_of(func):
    """"§3 Layers: ... › The dense layer" for a graded function ("" when none is known)."""
    heading = SECTIONS.get(func)
    if not heading:
        return ""
    section = headings().get(heading, "")
    number, _, title = section.partition(". ")
    where = f"§{number} {title}" if section else heading
    return where if heading == section else f"{where} › {heading}"
