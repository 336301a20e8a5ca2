# %% [markdown]
# # Assignment 08 · Convolutions over words, and a label for every word
#
# Two ideas of the lecture have so far only been used through Keras:
#
# 1. **The CNN alternative** (lecture section 12): instead of reading a sentence word by
#    word, slide a small window over it, score every window with a few filters
#    (`Conv1D`), and keep each filter's best score (`GlobalMaxPooling1D`). For many
#    classification tasks that is as accurate as an RNN and much faster.
# 2. **`return_sequences=True`** (lecture section 7): keep the RNN's state after *every*
#    word, not only the last one, and put a classifier on each of them. That is what a
#    task needs whose answer is a label per word, the lecture's example being
#    part-of-speech tagging.
#
# You will implement, in NumPy, and check against Keras and TensorFlow:
#
# - `conv1d_forward`, `conv1d_backward`: Keras's `Conv1D` (stride 1, "valid" or "same");
# - `global_max_pool_forward`, `global_max_pool_backward`: `GlobalMaxPooling1D`;
# - `temporal_dense_forward`, `temporal_dense_backward`: one `Dense` layer at every step;
# - `masked_softmax_cross_entropy`: the loss of a tagger, padding left out.
#
# With them you will train a CNN sentiment classifier next to the capstone's RNN, and a
# tagger (Embedding → RNN keeping every state → dense layer at every step), both in
# NumPy, and the same tagger in Keras. One written question is graded by hand.
#
# Lecture: [section 7 (`return_sequences`) and section 12 (`Conv1D` + `GlobalMaxPooling1D`)](../../lectures/rnn_lecture.ipynb).

# %% [conventions]

# %% [setup]
import os
import time
from collections import Counter

import numpy as np

# Earlier assignments' building blocks (reference versions), and this course's data.
from autograder.blocks import (Adam, dense_backward, dense_forward, embedding_backward,
                               embedding_forward, iterate_minibatches, numerical_gradient,
                               pad_sequences, relu, rnn_backward, rnn_forward,
                               sigmoid_cross_entropy_with_logits)
from autograder.caches import Conv1DCache, MaxPoolCache, TemporalDenseCache
from autograder.corpus import load_builtin, negation_probe, tokenize
from autograder.tagging_corpus import TAGS, load_tagging, to_arrays, vocabulary
from autograder.visible import check, require_keras

# True while nbgrader validates or grades: cells that only demonstrate are skipped then.
GRADING = bool(os.environ.get("NBGRADER_EXECUTION"))
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. A convolution over word vectors
#
# A sentence of T words is a (T, D) array once each word is embedded. A 1-D convolution
# with a window of **k** words and **F** filters slides the window along the sentence
# one word at a time. At each position it multiplies the k word vectors under the window
# by the kernel and adds the products up, one number per filter:
#
# ```
#  words      the   plot   was   not   good   at   all
#             [x_0   x_1   x_2]                              -> y_0  (F numbers)
#                   [x_1   x_2   x_3]                        -> y_1
#                          [x_2   x_3   x_4]                 -> y_2   "was not good"
#                                [x_3   x_4   x_5]           -> y_3
#                                      [x_4   x_5   x_6]     -> y_4
#  k = 3, "valid": T - k + 1 = 5 windows
# ```
#
# $$y[n, t, f] = b[f] + \sum_{j=0}^{k-1} \sum_{d=0}^{D-1} x[n, t + j, d]\; K[j, d, f].$$
#
# A filter is a detector of a k-word pattern: one can learn to fire on "not good",
# another on "not bad". Three conventions, all Keras's:
#
# - **Kernel layout** `K` of shape (k, D, F): window position, input feature, filter.
#   It is what `Conv1D(F, k).kernel` holds, so no transpose is needed.
# - **Cross-correlation.** Window position j meets `K[j]`; the kernel is not flipped as
#   in the mathematicians' convolution. (Every deep learning library does this.)
# - **Padding.** `"valid"` uses only whole windows: T - k + 1 outputs. `"same"` adds k - 1
#   zero vectors so that there are T outputs, **(k - 1) // 2 before the sentence and the
#   rest after it**: for k = 4, one zero before and two after.
#
# Implement it as a loop over the k window positions (each one a matrix product of a
# shifted copy of the input with `K[j]`), not over the T positions. Fill the provided
# `Conv1DCache(x, K, b, left, right)` with the **unpadded** x and the number of zeros
# added on each side. The checks compare your output with Keras's `Conv1D` in float64
# (they agree to about 1e-15).

# %% [solution conv1d_forward]

# %% [code]
check(conv1d_forward)

# %% [grade conv1d_forward_tests]

# %% [markdown]
# ## 2. The convolution backward
#
# Every weight of `K` is used at every window, and every input step is read by up to k
# windows: in the backward pass their contributions **add up**. With `x_pad` the padded
# input and `dy` of shape (N, T_out, F):
#
# $$dK[j] = \sum_{n, t} x_{pad}[n, t + j]^\top\, dy[n, t] \qquad
#   dx_{pad}[n, t + j] \mathrel{+}= dy[n, t]\, K[j]^\top \qquad db = \sum_{n,t} dy[n, t]$$
#
# and `dx` is `dx_pad` without the padded steps (from `left` to `left + T`). The same loop
# over j as in the forward pass does it all. TensorFlow's gradients agree with the
# reference to about 1e-15; the check below compares yours with central differences
# (relative errors around 1e-9 mean it is right).

# %% [solution conv1d_backward]

# %% [code]
rng = np.random.default_rng(0)
x, K, b = rng.normal(size=(2, 6, 3)), rng.normal(size=(4, 3, 2)), rng.normal(size=2)
y, cache = conv1d_forward(x, K, b, padding="same")
dy = rng.normal(size=y.shape)
dx, dK, db = conv1d_backward(dy, cache)
for name, value, grad in (("x", x, dx), ("K", K, dK), ("b", b, db)):
    def loss(v, name=name):
        args = {"x": x, "K": K, "b": b, name: v}
        return np.sum(conv1d_forward(args["x"], args["K"], args["b"], padding="same")[0] * dy)
    numeric = numerical_gradient(loss, value.copy())
    print(f"d{name}: relative error {np.abs(numeric - grad).max() / np.abs(numeric).max():.1e}")
check(conv1d_backward)

# %% [grade conv1d_backward_tests]

# %% [markdown]
# ## 3. Global max pooling, and where its gradient goes
#
# `GlobalMaxPooling1D` keeps, for every filter, its largest value over the whole
# sentence: (N, T, F) → (N, F). Wherever the pattern occurs, the filter reports it, and
# sentences of every length end up as vectors of the same size.
#
# The gradient of a maximum goes to the step that holds it; every other step gets 0.
# When several steps **tie** for the maximum (it happens: after a ReLU many values are
# exactly 0), TensorFlow's gradient of `reduce_max`, which `GlobalMaxPooling1D` uses,
# **splits dy equally between the tied steps**: with m tied steps each gets dy / m.
# (Checked with TensorFlow 2.21 and Keras 3.15; the course's tests recompute it with the
# installed TensorFlow.) Other libraries send it all to one step (PyTorch's `max` with
# indices picks one); here match TensorFlow. Fill `MaxPoolCache(x, y)`.

# %% [solution global_max_pool_forward global_max_pool_backward]

# %% [code]
check(global_max_pool_forward)
check(global_max_pool_backward)

# %% [grade global_max_pool_forward_tests]

# %% [grade global_max_pool_backward_tests]

# %% [markdown]
# ## 4. A CNN sentiment classifier next to an RNN
#
# The model of lecture section 12, in NumPy with your functions: embedding → `Conv1D` with
# k = 3 and `"same"` padding → ReLU → global max pooling → dense layer with a sigmoid, on
# the course's built-in sentiment corpus (the one of assignment 06). Next to it, the
# capstone's model: the same embedding and output layer around a simple RNN whose last
# state (the mask skips the padding) is the sentence vector. Only the middle differs;
# both train with the same recipe: 32-dimensional embeddings, 32 filters or 32 units, Adam
# with learning rate 0.01, batches of 32, 8 epochs.
#
# As in Keras, the convolution has no mask: pre-padding zeros are looked up as the vector
# of id 0 and the max over time sees them too.

# %% [code]
splits = load_builtin()
# Ids as in the lecture (section 4): 0 is padding, 1 an unknown word, then the training
# words in alphabetical order.
words = sorted({w for text in splits.train[0] for w in tokenize(text)})
vocab = {w: i + 2 for i, w in enumerate(words)}
V = len(vocab) + 2


def to_ids(texts):
    return pad_sequences([[vocab.get(w, 1) for w in tokenize(text)] for text in texts])


probe_texts, probe_labels = negation_probe()
X_train, X_test, X_probe = to_ids(splits.train[0]), to_ids(splits.test[0]), to_ids(probe_texts)
y_train, y_test, y_probe = (np.asarray(y) for y in (splits.train[1], splits.test[1],
                                                    probe_labels))


def init_classifier(kind, V, D, H, k=3, seed=0):
    """Parameters of the "cnn" or "rnn" classifier, initialised as Keras does (Glorot)."""
    rng = np.random.default_rng(seed)

    def glorot(fan_in, fan_out, shape):
        limit = np.sqrt(6 / (fan_in + fan_out))
        return rng.uniform(-limit, limit, size=shape)

    params = {"E": rng.uniform(-0.05, 0.05, size=(V, D))}
    if kind == "cnn":
        params.update(K=glorot(k * D, k * H, (k, D, H)), b_K=np.zeros(H))
    else:
        params.update(W=glorot(H + D, H, (H, H + D)), b=np.zeros(H))
    params.update(W_out=glorot(H, 1, (1, H)), b_out=np.zeros(1))
    return params


def cnn_features(params, ids):
    """Sentence vectors (N, F) of the CNN, and the function that takes their gradient back."""
    x, emb_cache = embedding_forward(ids, params["E"])  # (N, T, D)
    a, conv_cache = conv1d_forward(x, params["K"], params["b_K"], padding="same")  # (N, T, F)
    f, pool_cache = global_max_pool_forward(relu(a))  # (N, F)

    def backward(df):
        dr = global_max_pool_backward(df, pool_cache)  # (N, T, F)
        dx, dK, db_K = conv1d_backward(dr * (a > 0), conv_cache)  # ReLU passes where a > 0
        return {"E": embedding_backward(dx, emb_cache), "K": dK, "b_K": db_K}
    return f, backward


def rnn_features(params, ids):
    """The RNN's last state (N, H), and the function that takes its gradient back."""
    x, emb_cache = embedding_forward(ids, params["E"])
    h, rnn_cache = rnn_forward(x, params["W"], params["b"], mask=ids != 0)  # (N, T, H)

    def backward(df):
        dh = np.zeros_like(h)
        dh[:, -1] = df  # only the last state feeds the output
        dx, _, dW, db = rnn_backward(dh, rnn_cache)
        return {"E": embedding_backward(dx, emb_cache), "W": dW, "b": db}
    return h[:, -1], backward


def classifier(features):
    """loss_and_grads(params, ids, y) and accuracy(params, ids, y) of a sentiment classifier:
    the sentence vectors of `features`, then Dense(1) and the sigmoid cross-entropy."""
    def loss_and_grads(params, ids, y):
        f, backward = features(params, ids)
        z, out_cache = dense_forward(f, params["W_out"], params["b_out"])  # (N, 1)
        loss, dz = sigmoid_cross_entropy_with_logits(z[:, 0], y.astype(float))
        df, dW_out, db_out = dense_backward(dz[:, None], out_cache)
        return loss, dict(backward(df), W_out=dW_out, b_out=db_out)

    def accuracy(params, ids, y):
        z, _ = dense_forward(features(params, ids)[0], params["W_out"], params["b_out"])
        return float(np.mean((z[:, 0] > 0) == (y == 1)))
    return loss_and_grads, accuracy


def train(loss_and_grads, params, ids, labels, epochs, batch_size=32, learning_rate=0.01,
          seed=0):
    """Mini-batch Adam; returns the mean training loss of every epoch."""
    rng, adam, history = np.random.default_rng(seed), Adam(learning_rate=learning_rate), []
    for _ in range(epochs):
        losses = []
        for batch in iterate_minibatches(len(ids), batch_size, rng):
            loss, grads = loss_and_grads(params, ids[batch], labels[batch])
            adam.update(params, grads)
            losses.append(loss)
        history.append(float(np.mean(losses)))
    return history


CLASSIFIERS = {"cnn": classifier(cnn_features), "rnn": classifier(rnn_features)}
print("reviews:", X_train.shape, "vocabulary:", V)

# %% [markdown]
# Training takes some seconds for each (skipped while grading). Compare test accuracy, the
# negation probe of assignment 06 (pairs of reviews with the same words in another order)
# and time.

# %% [demo]
if not GRADING:
    print(f"{'model':6s} {'test':>6s} {'probe':>6s} {'time (s)':>9s}")
    for kind, (loss_and_grads, accuracy) in CLASSIFIERS.items():
        started = time.time()
        params = init_classifier(kind, V, 32, 32)
        train(loss_and_grads, params, X_train, y_train, epochs=8)
        seconds = time.time() - started
        print(f"{kind:6s} {accuracy(params, X_test, y_test):6.3f} "
              f"{accuracy(params, X_probe, y_probe):6.3f} {seconds:9.1f}")

# %% [markdown]
# On this corpus the CNN is at least as accurate as the RNN, and no slower. One run of
# `python scripts/bench_tagging.py --seeds 0 1 2` (this notebook's code, built-in corpus,
# not real reviews; two cores shared with other jobs) measured test accuracy 0.948, 0.955,
# 0.942 for the CNN against 0.925, 0.947, 0.920 for the RNN, both 1.0 or nearly on the
# probe, and 1.9 to 2.4 s of CPU time for the CNN's 8 epochs against 2.1 to 3.0 s for the
# RNN's. The phrases that decide a review ("not good", "never boring") are at most three
# words long, and a window of three sees them whole, wherever they are; and the
# convolution has no chain of steps to wait for: all T windows are computed at once,
# where the RNN makes T small steps one after the other. What the CNN cannot see is what
# lies further apart than k words: it has no notion of "the clause after *but* decides"
# except through what fits in a window.
#
# ## 5. Every state: the same dense layer at every position
#
# A classifier reads the last state only. A **tagger** must label every word, so it keeps
# every state (`return_sequences=True`) and applies one dense layer, with the same
# weights, to each of them. For h of shape (N, T, H), W (M, H) and b (M,):
#
# $$y[n, t] = W\, h[n, t] + b \qquad\text{for every } n, t,$$
#
# which is what Keras's `Dense(M)` does to a 3-D input (its kernel is W.T, as always).
# NumPy's `@` already works on the last axis, step by step. In the backward pass the
# same W is used N·T times, so dW and db are **sums over samples and steps**; dh at each
# step depends only on dy at that step. Fill `TemporalDenseCache(h, W, b)`.

# %% [solution temporal_dense_forward temporal_dense_backward]

# %% [code]
check(temporal_dense_forward)
check(temporal_dense_backward)

# %% [grade temporal_dense_forward_tests]

# %% [grade temporal_dense_backward_tests]

# %% [markdown]
# ## 6. The loss of a tagger: cross-entropy at the real words only
#
# For logits z (N, T, C), labels y (N, T) and the mask (N, T) (True at real words, False
# at padding), the loss is the softmax cross-entropy averaged over the **real positions**:
#
# $$L = \frac{1}{\sum_{n,t} m_{n,t}} \sum_{n,t:\ m_{n,t}} \left(\log \sum_c e^{z_{n,t,c}}
#   - z_{n,t,y_{n,t}}\right), \qquad
#   \frac{\partial L}{\partial z_{n,t}} = \frac{m_{n,t}\,(\mathrm{softmax}(z_{n,t}) -
#   \mathrm{onehot}(y_{n,t}))}{\sum m}.$$
#
# This is exactly what Keras computes for a model whose `Embedding(mask_zero=True)` made
# the mask, with `SparseCategoricalCrossentropy(from_logits=True)`: the mask travels with
# the outputs and the loss divides by the number of real positions. (Careful: passing the
# same mask by hand as `sample_weight` divides by N·T instead. Checked with Keras 3.15.)
#
# - Labels at padded positions can be anything, even -1: ignore them (and make sure they
#   cannot break an index).
# - With no real position at all, return a loss of 0 and a zero gradient (Keras does the
#   same), without a division by zero.
# - Be stable: subtract each position's largest logit before `exp`.

# %% [solution masked_softmax_cross_entropy]

# %% [code]
check(masked_softmax_cross_entropy)

# %% [grade masked_softmax_cross_entropy_tests]

# %% [markdown]
# ## 7. A tagger in NumPy
#
# The course's tagging corpus (`autograder.tagging_corpus`) holds 600 training and 200
# test sentences (1812 test words), generated offline, with a coarse part of speech for every word
# (`DET`, `NOUN`, `VERB`, `ADJ`, `ADV`, `PRON`, `AUX`, `PART`, `ADP`, `CONJ`; tag 0
# `<pad>` labels padding). Many words take two tags, and for most of them the words
# before decide: "they **watch** the **play**" against "the **watch** will **play**", "a
# **fast** car" against "runs **fast**". One does not: in "they go **to** the river"
# against "they go **to** play" only the *next* word tells a preposition from a particle.
# Ids and labels are padded with 0 after each sentence.

# %% [code]
tagging = load_tagging()
X_tag_train, Y_tag_train = to_arrays(*tagging.train)
X_tag_test, Y_tag_test = to_arrays(*tagging.test)
V_tag, C = len(vocabulary()), len(TAGS)
for words, tags in list(zip(*tagging.train))[:3]:
    print(" ".join(f"{w}/{t}" for w, t in zip(words, tags)))
print("training ids:", X_tag_train.shape, "vocabulary:", V_tag, "tags:", C)

# %% [markdown]
# A baseline that reads each word on its own gives every word its most frequent training
# tag. It cannot be right about both uses of an ambiguous word:

# %% [code]
tag_counts = {}
for words, tags in zip(*tagging.train):
    for w, t in zip(words, tags):
        tag_counts.setdefault(w, Counter())[t] += 1
hits = [tag_counts[w].most_common(1)[0][0] == t if w in tag_counts else False
        for words, tags in zip(*tagging.test) for w, t in zip(words, tags)]
print(f"most frequent tag of each word: per-token test accuracy {np.mean(hits):.3f}")

# %% [markdown]
# The tagger: embedding → `rnn_forward` keeping every state (the mask skips the padding)
# → `temporal_dense_forward` → `masked_softmax_cross_entropy`, and back through
# `temporal_dense_backward`, `rnn_backward` (it takes a gradient for every state, which is
# exactly what a tagger gives it) and `embedding_backward`. Trained with the course's Adam.

# %% [code]
def init_tagger(V, D, H, C, seed=0):
    """Parameters of the tagger, initialised as Keras does (Glorot-uniform, zero biases)."""
    rng = np.random.default_rng(seed)
    lim, lim_out = np.sqrt(6 / (D + 2 * H)), np.sqrt(6 / (H + C))
    return {"E": rng.uniform(-0.05, 0.05, size=(V, D)),
            "W": rng.uniform(-lim, lim, size=(H, H + D)), "b": np.zeros(H),
            "W_out": rng.uniform(-lim_out, lim_out, size=(C, H)), "b_out": np.zeros(C)}


def tagger_logits(params, ids):
    """Logits (N, T, C) at every position, and what the backward pass needs."""
    x, emb_cache = embedding_forward(ids, params["E"])  # (N, T, D)
    h, rnn_cache = rnn_forward(x, params["W"], params["b"], mask=ids != 0)  # (N, T, H)
    z, out_cache = temporal_dense_forward(h, params["W_out"], params["b_out"])  # (N, T, C)
    return z, (emb_cache, rnn_cache, out_cache)


def tagger_loss_and_grads(params, ids, labels):
    z, (emb_cache, rnn_cache, out_cache) = tagger_logits(params, ids)
    loss, dz = masked_softmax_cross_entropy(z, labels, ids != 0)
    dh, dW_out, db_out = temporal_dense_backward(dz, out_cache)
    dx, _, dW, db = rnn_backward(dh, rnn_cache)  # a gradient for every state
    return loss, {"E": embedding_backward(dx, emb_cache), "W": dW, "b": db,
                  "W_out": dW_out, "b_out": db_out}


def token_accuracy(z, ids, labels):
    """The share of real words (id != 0) whose highest logit is their tag."""
    real = ids != 0
    return float(np.mean((z.argmax(axis=-1) == labels)[real]))


TAG_EPOCHS = 5

# %% [demo]
if not GRADING:
    started = time.time()
    tagger = init_tagger(V_tag, 32, 32, C)
    tag_history = train(tagger_loss_and_grads, tagger, X_tag_train, Y_tag_train,
                        epochs=TAG_EPOCHS)
    numpy_tag_time = time.time() - started
    numpy_tag_accuracy = token_accuracy(tagger_logits(tagger, X_tag_test)[0], X_tag_test,
                                        Y_tag_test)
    print("training loss per epoch:", np.round(tag_history, 3))
    print(f"NumPy tagger: per-token test accuracy {numpy_tag_accuracy:.3f} "
          f"({numpy_tag_time:.1f} s)")
    predicted = tagger_logits(tagger, X_tag_test)[0].argmax(axis=-1)
    wrong = Counter(f"{w} ({TAGS[Y_tag_test[n, t]]} tagged {TAGS[predicted[n, t]]})"
                    for n, words in enumerate(tagging.test[0]) for t, w in enumerate(words)
                    if predicted[n, t] != Y_tag_test[n, t])
    print("its mistakes:", wrong.most_common(5))

# %% [markdown]
# ## 8. The same tagger in Keras
#
# `return_sequences=True` keeps every state; `Dense(C)` on the 3-D output is your
# `temporal_dense_forward`; `mask_zero=True` makes the mask that both the RNN and the loss
# use. First, with the NumPy tagger's weights copied in (`tagger_to_keras`, the layouts of
# assignment 06), both give the same logits; then the Keras tagger trains on its own with
# the same recipe (skipped while grading: it imports TensorFlow).

# %% [demo]
if not GRADING and require_keras():  # Keras is optional; it sets TensorFlow's env first
    import keras

    from autograder.keras_bridge import tagger_to_keras

    def keras_tagger(V, D, H, C):
        model = keras.Sequential([
            keras.Input(shape=(None,), dtype="int32"),
            keras.layers.Embedding(V, D, mask_zero=True),
            keras.layers.SimpleRNN(H, return_sequences=True),
            keras.layers.Dense(C),
        ])
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        return model

    copy = keras_tagger(V_tag, 32, 32, C)
    copy.set_weights(tagger_to_keras(tagger))
    gap = np.abs(copy.predict(X_tag_test, verbose=0) - tagger_logits(tagger, X_tag_test)[0])
    print(f"same weights: max |Keras - NumPy| logit {gap.max():.1e} (Keras runs in float32)")

    keras.utils.set_random_seed(0)
    model = keras_tagger(V_tag, 32, 32, C)
    started = time.time()
    model.fit(X_tag_train, Y_tag_train, batch_size=32, epochs=TAG_EPOCHS, verbose=0)
    keras_tag_time = time.time() - started
    keras_tag_accuracy = token_accuracy(model.predict(X_tag_test, verbose=0), X_tag_test,
                                        Y_tag_test)
    print(f"Keras tagger: per-token test accuracy {keras_tag_accuracy:.3f} "
          f"({keras_tag_time:.1f} s); NumPy tagger {numpy_tag_accuracy:.3f}")

# %% [markdown]
# Both taggers are far above the word-by-word baseline: the state after "the" says "a
# noun or an adjective comes next", the state after "they" says "a verb comes next", and
# the dense layer at each step reads that. Their mistakes are (almost) all on "to" after
# a verb of motion, where the word that decides comes *after* it: at that position a
# left-to-right RNN has not read it yet, however long it trains. A bidirectional RNN
# (assignment 03) with `return_sequences=True` has, at every step, a state that has read
# the rest of the sentence too.

# %% [markdown]
# ### Question (graded by hand, 2 points)
#
# For each task, say whether a model needs the RNN's state at every position
# (`return_sequences=True`) or only the last one, and whether a CNN with global max
# pooling would do: (a) the sentiment of a review; (b) the part of speech of every word;
# (c) finding the names of people in a sentence; (d) whether a sentence contains the phrase
# "not good". Then give one tagging example in which the words *after* a word decide its
# tag, and say what model you would use for it.

# %% [answer every_state_question points=2]
# (a) Only the last state (one label per review); a CNN with max pooling does well when
# short phrases decide, as on this corpus. (b) Every state: one label per word, so a
# classifier at every position (`return_sequences=True` and a dense layer per step); a
# CNN *without* global pooling (a `"same"` convolution, one output per word, which sees
# k // 2 words on each side) is also a tagger, but global max pooling throws the
# positions away. (c) Every state, as (b): a
# label per word (name or not). (d) One label per sentence, and a window of two words
# sees the phrase: a CNN with k >= 2 and max pooling is ideal (the last RNN state works
# too). Example: "I **book** a flight" against "I read the **book** on the plane" is
# decided by the left context, but in "**Paris** Hilton said" against "**Paris** is big"
# only the next word tells a person from a place (as for "go to play" / "go to the river"
# here); a left-to-right RNN has not read it yet at that position, so use a bidirectional
# RNN with `return_sequences=True` (both directions' states at every step), as in
# assignment 03.
