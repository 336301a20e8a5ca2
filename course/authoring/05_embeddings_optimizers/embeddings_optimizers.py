# %% [markdown]
# # Assignment 05 · Embeddings and optimizers
#
# Two pieces are still missing before we can train a recurrent network on text:
#
# 1. **An embedding layer.** The RNN reads vectors, but a sentence arrives as word
#    ids. The embedding layer keeps one trainable vector per word of the vocabulary and
#    looks them up. It is usually the first layer of a text model, and often the one
#    with the most parameters.
# 2. **Optimizers.** Plain gradient descent, `w -= learning_rate * grad`, works but can
#    be slow. The lecture names its common extensions: momentum, RMSprop, Adagrad, Adam.
#    You will write each one exactly as Keras does, and check it step by step against
#    Keras.
#
# You will implement `embedding_forward`, `embedding_backward` and the classes `SGD`,
# `RMSprop`, `Adagrad` and `Adam`. Then two experiments use them: pretrained word
# vectors kept frozen versus trained further, and the four optimizers racing on the
# same problem.
#
# Lecture: [section 4 (SGD and its extensions) and section 6 (the Embedding layer)](../../lectures/rnn_lecture.ipynb).

# %% [conventions]

# %% [setup]
import os

import matplotlib.pyplot as plt
import numpy as np

# The RNN of assignments 03 and 04 and the loss of 02, provided so you do not depend on
# your earlier answers.
from autograder.blocks import rnn_backward, rnn_forward, sigmoid_cross_entropy_with_logits
from autograder.caches import EmbeddingCache
from autograder.corpus import generate_reviews, load_builtin, tokenize
from autograder.visible import check, require_keras

# True while nbgrader validates or grades: cells that only demonstrate are skipped then.
GRADING = bool(os.environ.get("NBGRADER_EXECUTION"))
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. An embedding is a table lookup
#
# Number the words of the vocabulary $0, \dots, V-1$ (0 is usually padding, 1 "unknown
# word"). The embedding table $E$ has one row per word, of length $D$. A sequence of ids
# becomes a sequence of vectors by looking up rows:
#
# $$x_{n,t} = E[\,\text{ids}_{n,t}\,] \qquad (N, T) \text{ ids} \;\to\; (N, T, D) \text{ vectors}.$$
#
# The same thing written as a layer: encode id $i$ as the one-hot row vector $e_i$
# (length V, a 1 in position i) and multiply, $x = e_i E$. That is a dense layer without
# bias whose input happens to be one-hot. Nobody computes it that way (a (N, T, V) array
# of zeros for a vocabulary of 50 000 words is wasteful), but it tells us what the
# gradient must be: for a dense layer $x = o E$ the gradient is $dE = o^\top dx$.
#
# `embedding_forward(ids, E)` returns `(x, cache)` with the provided
# `EmbeddingCache(ids, vocab_size)`, where `vocab_size` is the number of rows of `E`
# (not the largest id that happens to occur). NumPy's integer-array indexing does the
# lookup in one expression. In Keras this is `keras.layers.Embedding(input_dim=V,
# output_dim=D)`, whose weight `embeddings` has exactly our layout (V, D): no transpose.
# With `mask_zero=True`, Keras still looks up row 0 for padding; the mask only tells the
# next layers to skip those positions.

# %% [setup]
print("EmbeddingCache fields:", EmbeddingCache._fields)

# %% [solution embedding_forward]

# %% [code]
check(embedding_forward)

# %% [markdown]
# The lookup and the one-hot product agree:

# %% [code]
ids = np.array([[2, 0, 3], [3, 3, 1]])
E = np.arange(12.0).reshape(4, 3)  # V = 4 words, D = 3
one_hot = np.eye(4)[ids]  # (N, T, V)
try:
    x, _ = embedding_forward(ids, E)
    print("lookup == one-hot product:", np.array_equal(x, one_hot @ E))
except NotImplementedError:
    print("embedding_forward is not written yet")

# %% [grade embedding_forward_tests]

# %% [markdown]
# ## 2. Sparse gradients
#
# From $x = o E$ with one-hot rows $o$: $dE = o^\top dx$, summed over every position of
# every sequence. Row $i$ of $dE$ is therefore the **sum of the upstream gradients of all
# positions where id $i$ occurs**:
#
# - an id that occurs three times gets three contributions, added;
# - an id that does not occur in the batch gets a zero row. Most rows are zero: the
#   gradient is *sparse*, which is why TensorFlow returns it as `IndexedSlices` (the
#   rows that occur and their values) instead of a dense (V, D) array.
#
# `embedding_backward(dx, cache)` returns the dense `dE` of shape `(vocab_size, D)`.
# Beware of the obvious `dE[ids] += dx`: with repeated ids, NumPy's buffered fancy
# indexing writes each repeated row once, and the other contributions are lost.
# `np.add.at(dE, ids, dx)` is the unbuffered version that accumulates.

# %% [solution embedding_backward]

# %% [code]
check(embedding_backward)

# %% [code]
try:
    ids = np.array([[1, 2, 2, 2]])
    _, cache = embedding_forward(ids, np.zeros((5, 2)))
    dE = embedding_backward(np.ones((1, 4, 2)), cache)
    print(dE)  # row 2 holds 3 (three occurrences), rows 0, 3 and 4 are zero
except NotImplementedError:
    print("embedding_forward or embedding_backward is not written yet")

# %% [grade embedding_backward_tests]

# %% [markdown]
# The same layer in Keras, with our table copied in, and its gradient from
# `tf.GradientTape` (converted from `IndexedSlices` to a dense array). This cell is
# skipped while grading.

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    V, D = 7, 3
    E = rng.normal(size=(V, D))
    ids = np.array([[1, 4, 4, 0], [2, 4, 1, 0]])
    dx = rng.normal(size=(2, 4, D))
    layer = keras.layers.Embedding(V, D, dtype="float64")
    layer.build((None, 4))
    layer.set_weights([E])  # the same (V, D) layout
    with tf.GradientTape() as tape:
        x_keras = layer(tf.constant(ids))
        tf_loss = tf.reduce_sum(x_keras * dx)
    grad = tape.gradient(tf_loss, layer.embeddings)
    print("TensorFlow returns", type(grad).__name__, "with rows", grad.indices.numpy())
    x, cache = embedding_forward(ids, E)
    print("max |x  - Keras|:", np.abs(x - x_keras.numpy()).max())
    print("max |dE - TF|   :", np.abs(embedding_backward(dx, cache)
                                      - tf.convert_to_tensor(grad).numpy()).max())

# %% [markdown]
# ## 3. Optimizers, the Keras way
#
# Each optimizer below is a class whose constructor takes Keras's arguments with Keras's
# defaults, and whose `update(params, grads)` changes the arrays of the dict `params` in
# place, using the arrays of `grads` with the same keys (for example `{"E": ..., "W":
# ..., "b": ...}`). Keep any state (velocities, running averages) **per parameter**, in
# dicts keyed by the parameter's name, made on the first update: `dict.setdefault(k,
# np.zeros_like(params[k]))` does this in one line. Change the arrays in place
# (`params[k] -= ...`), so that whoever holds `params` sees the new weights.
#
# Below, $g$ is a parameter's gradient, $\eta$ the learning rate, and every operation
# is elementwise.
#
# ### SGD, with momentum and Nesterov momentum
#
# $$v \leftarrow \mu v - \eta g, \qquad w \leftarrow w + v
# \qquad\text{(Nesterov: } w \leftarrow w + \mu v - \eta g\text{)}.$$
#
# With $\mu = 0$ (the default) this is plain SGD, $w \leftarrow w - \eta g$. Momentum
# keeps a velocity $v$ that remembers past steps: along a direction where the gradient
# keeps its sign, steps grow up to $1/(1-\mu)$ times longer (10 times for $\mu = 0.9$);
# where it flips sign, they cancel. Nesterov's variant takes the step "looking ahead"
# along the velocity, which damps overshooting. `SGD(learning_rate=0.01, momentum=0.0,
# nesterov=False)`; $v$ starts at 0.

# %% [solution SGD]

# %% [code]
check(SGD)

# %% [grade sgd_tests]

# %% [markdown]
# ### RMSprop
#
# One learning rate for all weights is a poor fit when gradients differ by orders of
# magnitude between parameters (an embedding row seen once per epoch versus a bias seen
# in every batch). RMSprop divides each weight's step by a running root mean square of
# its recent gradients, so every weight moves at a similar pace:
#
# $$s \leftarrow \rho s + (1 - \rho) g^2, \qquad
# w \leftarrow w - \eta \frac{g}{\sqrt{s + \epsilon}}.$$
#
# Note that Keras puts $\epsilon$ **inside** the square root. `RMSprop(learning_rate=0.001,
# rho=0.9, epsilon=1e-7)`; $s$ starts at 0.

# %% [solution RMSprop]

# %% [code]
check(RMSprop)

# %% [grade rmsprop_tests]

# %% [markdown]
# ### Adagrad
#
# Adagrad divides by the root of the **sum** of all past squared gradients. Weights
# that have received large or frequent gradients slow down; rare features (rare words)
# keep larger steps. Since the sum only grows, the steps shrink for ever, which is the
# weakness that RMSprop's running average fixes.
#
# $$a \leftarrow a + g^2, \qquad w \leftarrow w - \eta \frac{g}{\sqrt{a + \epsilon}},$$
#
# with $a$ starting at `initial_accumulator_value`, not at 0. `Adagrad(learning_rate=0.001,
# initial_accumulator_value=0.1, epsilon=1e-7)`.

# %% [solution Adagrad]

# %% [code]
check(Adagrad)

# %% [grade adagrad_tests]

# %% [markdown]
# ### Adam
#
# Adam combines momentum (a running mean $m$ of the gradients) with RMSprop's scaling (a
# running mean $v$ of the squared gradients). Both start at 0, so early on they are
# biased towards 0; dividing by $1 - \beta^t$ corrects for that. With the step count
# $t = 1, 2, \dots$ (one per call of `update`, shared by all parameters):
#
# $$m \leftarrow \beta_1 m + (1-\beta_1) g, \qquad v \leftarrow \beta_2 v + (1-\beta_2) g^2,$$
# $$\alpha_t = \eta\, \frac{\sqrt{1 - \beta_2^t}}{1 - \beta_1^t}, \qquad
# w \leftarrow w - \alpha_t \frac{m}{\sqrt{v} + \epsilon}.$$
#
# This is the form Keras uses (and the paper's "efficient version"): the bias correction
# is folded into the step size and $\epsilon$ is added to $\sqrt{v}$. The paper's
# first form, $\eta\, \hat m / (\sqrt{\hat v} + \epsilon)$ with $\hat m = m/(1-\beta_1^t)$
# and $\hat v = v/(1-\beta_2^t)$, is the same except that $\epsilon$ acts on a different
# scale: for gradients around $10^{-3}$ the two differ by about 0.3 % in the first steps.
# Write Keras's form. `Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-7)`.

# %% [solution Adam]

# %% [code]
check(Adam)

# %% [grade adam_tests]

# %% [markdown]
# ### How the grader compares optimizers with Keras
#
# The checks run your optimizer and Keras's from identical weights through the same
# gradients for several steps, with one parameter's gradients around 1 and another's
# around $10^{-3}$, and compare the **updates** $w_\text{after} - w_\text{before}$ of every
# step, not the weights. Why not the weights? A weight of size 1 moved by a step of
# $10^{-3}$: an Adam without bias correction, whose first step is wrong by a factor of 3,
# changes the weight by $2 \cdot 10^{-3}$ relative, less than many tolerances would notice.
# The update itself is off by 200 %.
#
# The tolerance against Keras is a relative error of $10^{-4}$. It is not $10^{-7}$
# because Keras rounds some constants to float32 before using them, even in float64:
# $1 - \text{float32}(0.999)$ differs from $1 - 0.999$ by about $7 \cdot 10^{-6}$ relative,
# which shows up in Adam's bias correction (SGD's momentum and Adagrad's initial value are
# rounded the same way, with smaller effects). A correct float64 optimizer is within
# $10^{-5}$ of Keras; the mistakes above are off by $10^{-3}$ to $10^{0}$. Against the
# course's own float64 reference the tolerance is $10^{-6}$.
#
# The demo below shows it: Keras's optimizers against yours, step by step (skipped while
# grading).

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(1)
    w0 = {"W": rng.normal(size=(3, 4)), "b": rng.normal(size=4)}
    steps = [{"W": rng.normal(size=(3, 4)), "b": 1e-3 * rng.normal(size=4)} for _ in range(5)]
    for ours_cls, kwargs in [(SGD, {"momentum": 0.9, "nesterov": True}), (RMSprop, {}),
                             (Adagrad, {}), (Adam, {})]:
        name = ours_cls.__name__
        variables = {k: keras.Variable(v.copy(), dtype="float64") for k, v in w0.items()}
        theirs, ours = getattr(keras.optimizers, name)(**kwargs), ours_cls(**kwargs)
        params = {k: v.copy() for k, v in w0.items()}
        worst = 0.0
        for g in steps:
            before_k = {k: v.numpy().copy() for k, v in variables.items()}
            theirs.apply_gradients([(tf.constant(g[k]), variables[k]) for k in w0])
            before = {k: v.copy() for k, v in params.items()}
            ours.update(params, g)
            for k in w0:
                upd_k, upd = variables[k].numpy() - before_k[k], params[k] - before[k]
                worst = max(worst, np.max(np.abs(upd - upd_k) / np.abs(upd_k)))
        print(f"{name:8s} {kwargs}: largest relative difference of an update over 5 steps: "
              f"{worst:.1e}")

# %% [markdown]
# ## 4. A small model to experiment with
#
# The two experiments below train one model on the course's built-in sentiment corpus
# (generated by the package itself, no download): short reviews whose label depends on
# negation ("not boring") and contrast ("the cast was great but the plot was a mess"),
# so that a model has to read the words in order. The model is
#
# ids (N, T) → your embedding (N, T, D) → the RNN of assignment 03, masked on padding
# (N, T, H) → last state → one logistic unit → P(positive).
#
# Its gradients come from your `embedding_backward` and assignment 04's `rnn_backward`,
# and its parameters are updated by your optimizers. Read `loss_and_grads`: it is the
# whole backward pass of a text classifier in a dozen lines, and assignment 06 turns it
# into a class.

# %% [code]
splits = load_builtin()
train_texts, y_train = splits.train
val_texts, y_val = splits.validation
counts = {}
for text in train_texts:
    for word in tokenize(text):
        counts[word] = counts.get(word, 0) + 1
# 0 is padding, 1 an unknown word, then words by frequency
vocab = {w: i + 2 for i, w in enumerate(sorted(counts, key=lambda w: (-counts[w], w)))}
V, D, H, T_MAX = len(vocab) + 2, 16, 24, 20


def encode(texts):
    """Word ids, pre-padded with 0 (and cut from the left) to T_MAX."""
    ids = np.zeros((len(texts), T_MAX), dtype=np.int64)
    for n, text in enumerate(texts):
        seq = [vocab.get(w, 1) for w in tokenize(text)][-T_MAX:]
        ids[n, T_MAX - len(seq):] = seq
    return ids


def init_params(seed, E=None):
    rng = np.random.default_rng(seed)
    return {"E": rng.normal(0, 0.3, size=(V, D)) if E is None else E.copy(),
            "W": rng.normal(0, 1 / np.sqrt(H + D), size=(H, H + D)), "b": np.zeros(H),
            "w": rng.normal(0, 0.1, size=H), "c": np.zeros(1)}


def forward(params, ids):
    x, emb_cache = embedding_forward(ids, params["E"])  # (N, T, D)
    h, rnn_cache = rnn_forward(x, params["W"], params["b"], mask=ids != 0)  # (N, T, H)
    z = h[:, -1] @ params["w"] + params["c"][0]  # (N,) logits
    return z, (h, emb_cache, rnn_cache)


def loss_and_accuracy(params, ids, y):
    z, _ = forward(params, ids)
    loss, _ = sigmoid_cross_entropy_with_logits(z, y)
    return loss, np.mean((z > 0) == y)


def loss_and_grads(params, ids, y, train_embeddings=True):
    z, (h, emb_cache, rnn_cache) = forward(params, ids)
    _, dz = sigmoid_cross_entropy_with_logits(z, y)  # dz = (sigmoid(z) - y) / N
    dh = np.zeros_like(h)
    dh[:, -1] = dz[:, None] * params["w"]  # only the last state is read
    dx, _, dW, db = rnn_backward(dh, rnn_cache)
    grads = {"W": dW, "b": db, "w": h[:, -1].T @ dz, "c": np.array([dz.sum()])}
    if train_embeddings:  # a frozen table simply gets no gradient, so no update
        grads["E"] = embedding_backward(dx, emb_cache)
    return grads


def fit(params, ids, y, epochs, optimizer, train_embeddings=True, batch_size=50, seed=0):
    """Mini-batch training; returns per-epoch (train loss, val loss, val accuracy)."""
    rng, history = np.random.default_rng(seed), []
    X_val = encode(val_texts)
    for _ in range(epochs):
        order = rng.permutation(len(y))
        for start in range(0, len(y), batch_size):
            batch = order[start:start + batch_size]
            optimizer.update(params, loss_and_grads(params, ids[batch], y[batch], train_embeddings))
        history.append((loss_and_accuracy(params, ids, y)[0], *loss_and_accuracy(params, X_val, y_val)))
    return np.array(history)


# %% [markdown]
# ## 5. Pretrained embeddings: frozen or trainable?
#
# Labelled data for a task is usually scarce; text in general is not. So word vectors
# are often **pretrained** elsewhere, on far more text, and copied into the embedding
# layer. Then there is a choice (the lecture's question):
#
# - **frozen** (`Embedding(..., trainable=False)` in Keras): the table is not updated.
#   Fewer parameters to fit, so less overfitting, and words missing from the small
#   training set still have useful vectors. But the vectors were not made for this task
#   and may lack what it needs (underfitting).
# - **trainable**: start from the pretrained vectors and keep training them. More
#   flexible, but with little data the many table parameters can overfit.
#
# The experiment: "pretrained" vectors come from training the same model on 3 000
# separately generated reviews (a stand-in for a large corpus; real pretrained vectors such
# as word2vec or GloVe are learned without labels, from billions of words). Then a fresh
# model learns from only 300 labelled reviews, three ways: random embeddings, pretrained
# frozen, pretrained trainable. We watch the validation set. It takes some seconds,
# and is skipped while grading.

# %% [demo]
if not GRADING:
    pre_reviews = generate_reviews(3000, seed=77)  # not the built-in splits
    pre_ids, pre_y = encode([r.text for r in pre_reviews]), np.array([r.label for r in pre_reviews])
    teacher = init_params(seed=0)
    fit(teacher, pre_ids, pre_y, epochs=15, optimizer=Adam(learning_rate=0.01))
    E_pretrained = teacher["E"]

    small_ids, small_y = encode(train_texts[:300]), y_train[:300]
    runs = {"random embeddings, trainable": (None, True),
            "pretrained, frozen": (E_pretrained, False),
            "pretrained, trainable": (E_pretrained, True)}
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(11, 4))
    for label, (E0, trainable) in runs.items():
        history = fit(init_params(seed=1, E=E0), small_ids, small_y, epochs=30,
                      optimizer=Adam(learning_rate=0.01), train_embeddings=trainable)
        line, = ax_loss.plot(history[:, 1], label=f"{label} (validation)")
        ax_loss.plot(history[:, 0], color=line.get_color(), ls=":", alpha=0.7)
        ax_acc.plot(history[:, 2], label=label)
    ax_loss.set(xlabel="epoch", ylabel="loss", title="Loss (dotted: training set)")
    ax_acc.set(xlabel="epoch", ylabel="validation accuracy", title="Validation accuracy, 300 training reviews")
    ax_loss.legend(fontsize=8)
    ax_acc.legend(fontsize=8)
    plt.show()

# %% [markdown]
# What to look for: with random embeddings and 300 reviews, the training loss falls
# but the validation accuracy stays near chance: the model memorises. Pretrained
# vectors start far ahead. Frozen, they typically keep a lower validation loss than
# when trained further, because the 300 reviews are enough to pull the table towards
# memorising them. With plenty of labelled data, trainable embeddings usually win;
# initialising them from pretrained vectors and training on is the common middle way.
# Try 3 000 training reviews instead of 300.
#
# ## 6. The optimizers side by side
#
# The same model, the same 1 000 reviews, the same initial weights and batches; only the
# optimizer changes. The learning rates are chosen per optimizer (each method's useful
# range differs: Keras's default 0.001 for Adagrad barely moves in a few epochs); try
# others. It takes a few tens of seconds; skipped while grading.

# %% [demo]
if not GRADING:
    ids_1k, y_1k = encode(train_texts[:1000]), y_train[:1000]
    contenders = {"SGD, lr 0.5": SGD(learning_rate=0.5),
                  "SGD + momentum 0.9, lr 0.05": SGD(learning_rate=0.05, momentum=0.9),
                  "SGD + Nesterov 0.9, lr 0.05": SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
                  "RMSprop, lr 0.003": RMSprop(learning_rate=0.003),
                  "Adagrad, lr 0.05": Adagrad(learning_rate=0.05),
                  "Adam, lr 0.01": Adam(learning_rate=0.01)}
    fig, ax = plt.subplots(figsize=(7, 4))
    for label, optimizer in contenders.items():
        history = fit(init_params(seed=2), ids_1k, y_1k, epochs=12, optimizer=optimizer)
        ax.plot(np.arange(1, 13), history[:, 0], marker="o", ms=3, label=label)
    ax.set(xlabel="epoch", ylabel="training loss", yscale="log",
           title="One model, one data set, six optimizers")
    ax.legend(fontsize=8)
    plt.show()

# %% [markdown]
# ## What you built
#
# An embedding layer with its sparse gradient, and the four optimizers that Keras offers
# for it, matching Keras's updates step by step. With assignment 04's backward pass you
# have now trained a complete recurrent text classifier in NumPy. Assignment 06 packages
# it as a class, compares it with Keras's `SimpleRNN`, `LSTM`, `GRU` and a convolutional
# model, and probes what each one understands about negation.
