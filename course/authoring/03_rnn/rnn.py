# %% [markdown]
# # Assignment 03 · The recurrence
#
# How do you turn a sentence of any length into one vector that keeps what matters
# for a task? The lecture's answer: read it one word at a time, and after each word
# compute a **hidden state** that summarises everything read so far,
#
# $$\mathbf{h}^{(t)} = f(\mathbf{h}^{(t-1)}, \mathbf{x}^{(t)}).$$
#
# You will implement, in NumPy: `rnn_step_forward` (one step), `rnn_forward` (a whole
# batch of sequences, with an initial state and a mask), `pad_sequences` (making
# sentences of different lengths into one array, exactly like Keras) and
# `birnn_forward` (reading in both directions). Each is compared with Keras's
# `SimpleRNN`, `Bidirectional` and `keras.utils.pad_sequences`.
#
# Lecture: [section 2 (the recurrence), section 7 (recurrent layers, Bidirectional, return_sequences) and section 11 (pad_sequences)](../../lectures/rnn_lecture.ipynb).

# %% [conventions]

# %% [setup]
import os

import matplotlib.pyplot as plt
import numpy as np

from autograder.caches import RNNCache, RNNStepCache
from autograder.keras_bridge import rnn_from_keras, rnn_to_keras
from autograder.visible import check, require_keras

# True while nbgrader validates or grades: cells that only demonstrate are skipped then.
GRADING = bool(os.environ.get("NBGRADER_EXECUTION"))
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. One step
#
# The function $f$ is a dense layer applied to two vectors glued together: the previous
# state $\mathbf{h}^{(t-1)}$ (H numbers) and the current input $\mathbf{x}^{(t)}$ (D numbers):
#
# $$\mathbf{h}^{(t)} = \tanh\big(\mathbf{W}\,[\mathbf{h}^{(t-1)}; \mathbf{x}^{(t)}] + \mathbf{b}\big),
# \qquad \mathbf{W} \in \mathbb{R}^{H \times (H + D)},\ \mathbf{b} \in \mathbb{R}^{H}.$$
#
# Three things make it a *recurrent* network rather than T separate layers:
#
# - **one weight matrix for every step** (weight sharing): the same $\mathbf{W}$ and
#   $\mathbf{b}$ read the first word and the hundredth, so the model has the same number
#   of parameters for any sentence length, and what it learns about "not" at position 2
#   applies at position 20;
# - **the state is the only memory**: everything the network knows about the words so
#   far must fit into H numbers;
# - **the first step starts from zeros**: $\mathbf{h}^{(0)} = \mathbf{0}$, unless you are
#   given another initial state.
#
# The lecture writes a generic nonlinearity; Keras's `SimpleRNN` (and this course) uses
# tanh, whose output in (-1, 1) keeps the state bounded however long the sentence.
#
# In batch form, with rows as samples: `h_next = tanh([h_prev, x_t] @ W.T + b)`, where
# `[h_prev, x_t]` is `np.concatenate([h_prev, x_t], axis=1)`, of shape (N, H + D),
# **hidden part first**. Fill the provided `RNNStepCache(x_t, h_prev, W, b, h_next)`:
# assignment 04's backward pass reads it. Expect agreement with Keras to about 1e-15.

# %% [solution rnn_step_forward]

# %% [code]
check(rnn_step_forward)

# %% [grade rnn_step_forward_tests]

# %% [markdown]
# ## 2. Unrolled over a sequence
#
# Running the step T times, feeding each state into the next step, is called
# *unrolling* the network in time. Drawn out, it looks like a deep network with T layers
# that all share one weight matrix:

# %% [code]
def draw_unrolled(T=4):
    """The RNN unrolled over T steps: inputs below, states in the middle, one shared W."""
    fig, ax = plt.subplots(figsize=(2.2 * T + 1.5, 3))
    box = dict(boxstyle="round,pad=0.4", fc="#dde8f5", ec="#2b5d8a")
    ax.text(0, 1, "$h^{(0)} = 0$", ha="center", va="center", bbox=dict(box, fc="#eeeeee"))
    for t in range(1, T + 1):
        ax.text(2 * t, 1, f"$h^{{({t})}}$", ha="center", va="center", bbox=box, fontsize=13)
        ax.text(2 * t, -0.4, f"$x^{{({t})}}$", ha="center", va="center", fontsize=13)
        ax.annotate("", xy=(2 * t, 0.7), xytext=(2 * t, -0.2),
                    arrowprops=dict(arrowstyle="->"))
        ax.annotate("", xy=(2 * t - 0.45, 1), xytext=(2 * t - 1.55, 1),
                    arrowprops=dict(arrowstyle="->", color="#2b5d8a"))
        ax.text(2 * t - 1, 1.2, "W, b", ha="center", fontsize=9, color="#2b5d8a")
        ax.text(2 * t, 1.75, "output" if t < T else "last state", ha="center", fontsize=9,
                color="grey")
        ax.annotate("", xy=(2 * t, 1.6), xytext=(2 * t, 1.3), arrowprops=dict(arrowstyle="->",
                                                                            color="grey"))
    ax.set_xlim(-0.8, 2 * T + 0.8)
    ax.set_ylim(-0.8, 2.0)
    ax.axis("off")
    ax.set_title("The same W and b at every step; h(t) summarises x(1) ... x(t)")
    plt.show()


draw_unrolled()

# %% [markdown]
# `rnn_forward(x, W, b, h0=None, mask=None)` runs the step over `x` of shape (N, T, D)
# and returns **every** state, `h` of shape (N, T, H), where `h[:, t]` is the state
# *after* reading `x[:, t]` (so `h[:, -1]` is the last state, and `h0` itself is not in
# `h`). `h0` of shape (N, H) defaults to zeros. Call your `rnn_step_forward` inside the
# loop; the cache is the provided `RNNCache(x, W, b, h0, h, mask)`, where `h0` is the
# initial state actually used (zeros when none was given).
#
# **The mask.** `mask` is None or a boolean array (N, T). Where `mask[n, t]` is False,
# step t of sample n is *skipped*: its state stays what it was, so `h[n, t] = h[n, t-1]`
# (or `h0[n]` at t = 0). Section 3 explains why you want this. `np.where(keep, h_new,
# h_prev)` with `keep = mask[:, t][:, None]` of shape (N, 1) does it for the whole batch.

# %% [solution rnn_forward]

# %% [code]
check(rnn_forward)

# %% [grade rnn_forward_tests]

# %% [markdown]
# ### Your W in Keras
#
# Keras's `SimpleRNN(H)` stores the same parameters split in two and transposed:
# `kernel` (D, H) multiplies the input and `recurrent_kernel` (H, H) the state, both from
# the right, `h_t = tanh(x_t @ kernel + h_prev @ recurrent_kernel + bias)`. Since
# `[h, x] @ W.T = h @ W[:, :H].T + x @ W[:, H:].T`,
#
# $$\texttt{recurrent\_kernel} = W[:, :H]^\top, \qquad \texttt{kernel} = W[:, H:]^\top.$$
#
# `autograder.keras_bridge.rnn_to_keras(W, b)` returns `[kernel, recurrent_kernel, bias]`
# in the order `layer.set_weights` expects, and `rnn_from_keras` goes back. Keras's two
# return modes are your `h` and `h[:, -1]`:
#
# - `SimpleRNN(H, return_sequences=True)` returns every state (N, T, H): what a **tagger**
#   needs (one label per word: part of speech, named entities), or a second RNN stacked
#   on top;
# - `SimpleRNN(H)` returns only the last state (N, H): what a **classifier** needs (one
#   label per sentence: sentiment), since the last state has read every word.
#
# The cell below builds both, copies your weights in, and compares (skipped while
# grading: importing TensorFlow takes a few seconds).

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    import keras
    import tensorflow as tf

    keras.config.set_floatx("float64")
    rng = np.random.default_rng(0)
    N, T, D, H = 3, 5, 4, 6
    x = rng.normal(size=(N, T, D))
    W, b = rng.normal(0, 0.5, size=(H, H + D)), rng.normal(0, 0.1, size=H)

    every = keras.layers.SimpleRNN(H, return_sequences=True)
    last = keras.layers.SimpleRNN(H)
    for layer in (every, last):
        layer.build((None, T, D))
        layer.set_weights(rnn_to_keras(W, b))  # [kernel (D, H), recurrent_kernel (H, H), bias]
    h, _ = rnn_forward(x, W, b)
    print("return_sequences=True : max |h - Keras|      =", np.abs(h - every(x).numpy()).max())
    print("return_sequences=False: max |h[:, -1] - Keras| =", np.abs(h[:, -1] - last(x).numpy()).max())
    W_back, _ = rnn_from_keras(*every.get_weights())
    print("the conversion round-trips:", np.array_equal(W_back, W))

# %% [markdown]
# ## 3. Padding and masking
#
# A batch is one array, but sentences have different lengths. The usual fix is to
# **pad** them with a reserved id (0) to a common length T, and, for very long ones,
# to **truncate**. `keras.utils.pad_sequences` does both; yours must give exactly the same
# int32 array for every option:
#
# - `maxlen`: the length T of the result; None means the longest sequence's length;
# - `padding="pre"` (the default) puts the fill value *before* the sequence, `"post"`
#   after it;
# - `truncating="pre"` (the default) drops items from the *beginning*, keeping the last
#   `maxlen`; `"post"` keeps the first `maxlen`;
# - `value` is the fill value (default 0); an empty sequence becomes a row of it.
#
# Careful with slices: for an empty sequence `row[-0:]` is the *whole* row, not an empty
# slice.

# %% [solution pad_sequences]

# %% [code]
check(pad_sequences)
print(pad_sequences([[1, 2, 3], [4], [], [5, 6, 7, 8, 9]], maxlen=4))

# %% [grade pad_sequences_tests]

# %% [markdown]
# ### Why pre-padding, and why a mask
#
# A classifier reads the **last** state. With *post*-padding, the RNN keeps stepping
# over padding after the real words, and each of those steps changes the state (the
# padding's input is 0, but `W` and `b` still act on the state): the classifier sees a
# state that has "read" several zeros. With *pre*-padding the zeros come first, and the
# real words are read last; the padding only disturbs the start, and the state's memory
# of the start fades as more words are read. That is why Keras pads in front by default.
#
# Pre-padding alone still moves the state away from zero before the first word, and the
# final state keeps a trace of that (small for long sentences, not zero). A **mask** removes the padding entirely: masked steps keep the state unchanged,
# so with a zero initial state the RNN is still exactly at zero when the first real word
# arrives, and **the final state equals the state of the unpadded sequence**. The cell
# below checks that with your functions. (In Keras, `Embedding(mask_zero=True)` makes this
# mask from the padding id 0 and passes it to the RNN for you.)

# %% [code]
rng = np.random.default_rng(0)
D, H = 3, 4
W, b = rng.normal(0, 0.5, size=(H, H + D)), rng.normal(0, 0.5, size=H)
sentence = rng.normal(size=(1, 8, D))  # one sentence of 8 "word vectors"
alone, _ = rnn_forward(sentence, W, b)
padded = np.concatenate([np.zeros((1, 4, D)), sentence], axis=1)  # 4 padding steps first
mask = np.array([[False] * 4 + [True] * 8])
unmasked, _ = rnn_forward(padded, W, b)
masked, _ = rnn_forward(padded, W, b, mask=mask)
post = np.concatenate([sentence, np.zeros((1, 4, D))], axis=1)  # padding after
post_unmasked, _ = rnn_forward(post, W, b)
print("pre-padded + mask, final state - unpadded :", np.abs(masked[0, -1] - alone[0, -1]).max())
print("pre-padded, no mask                       :", np.abs(unmasked[0, -1] - alone[0, -1]).max())
print("post-padded, no mask                      :", np.abs(post_unmasked[0, -1] - alone[0, -1]).max())

# %% [markdown]
# **A Keras difference to know about.** With a zero initial state your `h` is exactly
# Keras's output, masks included: Keras repeats the previous output at a masked step, and
# before the first real step that is zero, which is also the state. With a *non-zero*
# initial state `h0` the two differ on the leading masked steps: your `h` (the state)
# holds `h0` there, while Keras writes zeros as the *output* of those steps (its *state*
# still carries `h0`, so every later step agrees). The cell below shows it (skipped while
# grading).

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    rng = np.random.default_rng(2)
    N, T, D, H = 2, 4, 3, 3
    x = rng.normal(size=(N, T, D))
    W, b = rng.normal(0, 0.5, size=(H, H + D)), rng.normal(0, 0.1, size=H)
    h0 = rng.normal(size=(N, H))
    mask = np.array([[False, False, True, True], [True, True, True, False]])
    layer = keras.layers.SimpleRNN(H, return_sequences=True)
    layer.build((None, T, D))
    layer.set_weights(rnn_to_keras(W, b))
    h_keras = layer(x, initial_state=[h0], mask=mask).numpy()
    h, _ = rnn_forward(x, W, b, h0=h0, mask=mask)
    print("ours, sample 0 (two leading masked steps):\n", h[0])
    print("Keras, sample 0:\n", h_keras[0])
    print("steps after the first real one agree:", np.allclose(h[0, 2:], h_keras[0, 2:]))

# %% [markdown]
# ## 4. Reading in both directions
#
# The last state of a left-to-right RNN knows the end of the sentence best. The lecture's
# extension runs a **second RNN from right to left**, with its own weights, and
# concatenates the two final vectors: the backward RNN's last state has just read the
# *first* words. `keras.layers.Bidirectional(SimpleRNN(H))` returns exactly that, shape
# (N, 2H): `[forward state after the last step, backward state after reading back to the
# first step]`.
#
# `birnn_forward(x, W_f, b_f, W_b, b_b, mask=None)` returns that array. Use your
# `rnn_forward` twice. The backward RNN reads `x` reversed in time (`x[:, ::-1]`), and
# its mask must be reversed with it. With pre-padding and a mask, the backward RNN reads
# the real words (from last to first) and then skips the padding, keeping its state:
# again the padding changes nothing.

# %% [solution birnn_forward]

# %% [code]
check(birnn_forward)

# %% [grade birnn_forward_tests]

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    rng = np.random.default_rng(3)
    N, T, D, H = 3, 6, 4, 5
    x = rng.normal(size=(N, T, D))
    mask = np.arange(T)[None, :] >= np.array([[0], [2], [4]])  # pre-padded: 0, 2, 4 pads
    W_f, b_f = rng.normal(0, 0.5, size=(H, H + D)), rng.normal(0, 0.1, size=H)
    W_b, b_b = rng.normal(0, 0.5, size=(H, H + D)), rng.normal(0, 0.1, size=H)
    bi = keras.layers.Bidirectional(keras.layers.SimpleRNN(H))
    bi.build((None, T, D))
    bi.forward_layer.set_weights(rnn_to_keras(W_f, b_f))
    bi.backward_layer.set_weights(rnn_to_keras(W_b, b_b))
    for m in (None, mask):
        ours = birnn_forward(x, W_f, b_f, W_b, b_b, mask=m)
        theirs = bi(x, mask=m).numpy()
        print("mask" if m is not None else "no mask", "max |ours - Keras| =",
              np.abs(ours - theirs).max())
    seqs = [[3, 1, 4, 1, 5], [9], [], [2, 6, 5, 3, 5, 8, 9, 7]]
    for kwargs in ({}, {"maxlen": 4, "padding": "post", "truncating": "post", "value": -1}):
        print("pad_sequences", kwargs, "identical to Keras:",
              np.array_equal(pad_sequences(seqs, **kwargs),
                             keras.utils.pad_sequences(seqs, **kwargs)))

# %% [markdown]
# ### Question (graded by hand, 1 point)
#
# For each task, would you use every state (`return_sequences=True`) or only the last
# state, and would a bidirectional RNN help? (a) deciding whether a review is positive;
# (b) marking every word of a sentence as a person's name or not.

# %% [answer tagging_or_classification points=1]
# (a) Only the last state: one label for the whole review, and the last state has read every
# word (with a mask and pre-padding it is not disturbed by the padding). A bidirectional
# RNN helps, because the forward state knows the end of the review best and the backward
# state the beginning. (b) Every state: one label per word. A bidirectional RNN helps a lot,
# because whether "Paris" is a person depends on words on both sides ("Paris Hilton said"),
# and at position t the forward state has only read the words before it.

# %% [markdown]
# ## What you built
#
# The whole forward pass of the simple RNN: a step, a sequence with an initial state and
# a mask, padding exactly as Keras does it, and the bidirectional reading. Assignment 04
# runs it backwards in time to get the gradients, and shows why gradients through many
# tanh steps vanish or explode.
