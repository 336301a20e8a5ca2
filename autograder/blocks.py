"""Building blocks from earlier assignments, for later notebooks to import.

Later assignments import these instead of asking students to copy their own
earlier answers (``from autograder.blocks import dense_forward``). In the
instructor's package they are the reference solutions; in a student bundle
(``rnn-course bundle``) this module holds only the blocks the instructor chose
to release, typically after the earlier assignment's deadline.
"""
from solutions.dense import (dense_backward, dense_forward, relu, sigmoid,  # noqa: F401
                             softmax, tanh)
from solutions.learning import (binary_cross_entropy, iterate_minibatches,  # noqa: F401,E402
                                numerical_gradient, sgd_step,
                                sigmoid_cross_entropy_with_logits,
                                softmax_cross_entropy_with_logits)
from solutions.rnn import rnn_forward, rnn_step_forward  # noqa: F401,E402
from solutions.bptt import (clip_by_global_norm, rnn_backward,  # noqa: F401,E402
                            rnn_step_backward)
from solutions.embeddings import embedding_backward, embedding_forward  # noqa: F401,E402
from solutions.optimizers import SGD, Adagrad, Adam, RMSprop  # noqa: F401,E402
# ---- 07_gated and 08_cnn_tagging pad the built-in corpora with 03's pad_sequences ----
from solutions.rnn import pad_sequences  # noqa: F401,E402
