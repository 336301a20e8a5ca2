# Text source of rnn_lecture.ipynb: edit this file, then run `rnn-course lectures`.
# Cell headers and slide rules: see autograder_instructor/lectures.py.

# %% [markdown]
# # Recurrent neural networks for text
#
# A lecture in thirteen short sections, from "how do I turn a sentence into one vector?" to
# a sentiment classifier trained live in Keras. Every code cell runs offline in a few seconds,
# so you can change a number and run it again.
#
# | § | topic | practised in |
# |---|---|---|
# | 1 | a sentence as one vector | [03_rnn](../../assignments/03_rnn/rnn.ipynb) |
# | 2 | the recurrence $\mathbf{h}^{(t)} = f(\mathbf{h}^{(t-1)}, \mathbf{x}^{(t)})$ and its function $f$ | [03_rnn](../../assignments/03_rnn/rnn.ipynb) |
# | 3 | layers: ids → embedding → sentence vector → probability; dense layers; nonlinearities | [01_dense](../../assignments/01_dense/dense.ipynb) |
# | 4 | learning: cross-entropy, mini-batch SGD, RMSProp, Adagrad, Adam | [02_learning](../../assignments/02_learning/learning.ipynb), [05_embeddings_optimizers](../../assignments/05_embeddings_optimizers/embeddings_optimizers.ipynb) |
# | 5 | Keras: `Sequential`, `add`, `compile`, `fit` | [06_sentiment](../../assignments/06_sentiment/sentiment.ipynb) |
# | 6 | the `Embedding` layer: random or pretrained, trainable or frozen | [05_embeddings_optimizers](../../assignments/05_embeddings_optimizers/embeddings_optimizers.ipynb) |
# | 7 | `SimpleRNN`, `LSTM`, `GRU`, the vanishing gradient, `Bidirectional`, `return_sequences` | [03_rnn](../../assignments/03_rnn/rnn.ipynb), [04_bptt](../../assignments/04_bptt/bptt.ipynb), [07_gated](../../assignments/07_gated/gated.ipynb), [08_cnn_tagging](../../assignments/08_cnn_tagging/cnn_tagging.ipynb) |
# | 8 | `Dense` as a hidden and as an output layer | [01_dense](../../assignments/01_dense/dense.ipynb) |
# | 9 | training: loss, optimizer, `batch_size`, `epochs`, `validation_data` | [02_learning](../../assignments/02_learning/learning.ipynb), [06_sentiment](../../assignments/06_sentiment/sentiment.ipynb) |
# | 10 | `predict` and `evaluate` | [06_sentiment](../../assignments/06_sentiment/sentiment.ipynb) |
# | 11 | `pad_sequences` | [03_rnn](../../assignments/03_rnn/rnn.ipynb) |
# | 12 | the alternative: `Conv1D` + `GlobalMaxPooling1D` | [06_sentiment](../../assignments/06_sentiment/sentiment.ipynb), [08_cnn_tagging](../../assignments/08_cnn_tagging/cnn_tagging.ipynb) |
# | 13 | summary | |

# %% [markdown]
# **Exercises** are questions to think about before reading on; each answer is folded away
# under it (click **Answer**). As slides: `rnn-course slides` (press `s` for speaker notes).

# %% [notes]
# Cells like this one show in the notebook and in the slides' speaker view (press `s`),
# never on the projected slide. Run the whole notebook once before the lecture: the first
# Keras import (section 4) takes a few seconds, and the live training in sections 9 and 12
# about half a minute in all.

# %% [code]
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")  # 3: no start-up log, no CUDA errors
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

import matplotlib.pyplot as plt
import numpy as np

np.set_printoptions(precision=3, suppress=True)
rng = np.random.default_rng(0)

# %% [markdown]
# ## 1. A sentence as one vector
#
# A classifier wants one fixed-size vector per input, but sentences come in every length.
# Suppose each word already has a vector (a *word embedding*, learned as in word2vec). How
# should we combine them, so that what matters for the task survives (for sentiment: *good*,
# *boring*, and the *not* in front of them) and what does not matter fades?
#
# The obvious first try is the average of the word vectors. It is cheap and often not bad,
# but it cannot tell these two reviews apart:

# %% [code]
words = ["good", "bad", "not", ",", "the", "film", "was"]
vectors = {w: rng.normal(size=4) for w in words}  # stand-ins for learned word vectors


def average(sentence):
    return np.mean([vectors[w] for w in sentence.split()], axis=0)


a, b = "good , not bad", "bad , not good"
print(a, "->", average(a))
print(b, "->", average(b))
print("identical:", np.allclose(average(a), average(b)))

# %% [markdown]
# Same words, opposite meaning, same vector: an average forgets the **order**, and with it
# what *not* applies to. We want a summary that reads the words in order.
#
# **Exercise 1.** For sentiment, which properties of the words must the sentence vector
# keep, and which may it throw away?

# %% [answer]
# Keep the polarity of the opinion words (*good*, *dull*), the words that change it
# (*not*, *never*, *but*, *very*) and **what they apply to**, which depends on order.
# Drop most of the rest: which film, the names, the tense. Which aspects matter depends on
# the task; that is why we let the network **learn** the summary for each task instead of
# fixing it by hand.

# %% [markdown]
# ## 2. The recurrence
#
# Read the sentence from left to right and keep, after every word (every *time step* $t$),
# a vector $\mathbf{h}^{(t)}$ that summarises everything read so far: the *hidden state*.
# Each new state is computed from the previous state and the current word vector:
#
# $$\mathbf{h}^{(t)} = f\left(\mathbf{h}^{(t-1)}, \mathbf{x}^{(t)}\right), \qquad \mathbf{h}^{(0)} = \mathbf{0}.$$
#
# - Before the first word nothing has been read, so the recurrence starts from the **zero
#   vector**.
# - After the last word $n$, the state $\mathbf{h}^{(n)}$ summarises the whole sentence: it
#   is the sentence vector we hand to a classifier ("is this review positive?").
#
# Practised in [assignment 03_rnn](../../assignments/03_rnn/rnn.ipynb).

# %% [notes]
# Draw the unrolled chain on the board: boxes for h(0) ... h(n), one arrow in from each word,
# the same f on every arrow. Ask where the zero vector comes from before showing it.

# %% [markdown]
# ### The function $f$
#
# In the simple RNN, $f$ glues the two inputs together, multiplies by a matrix, adds a bias
# and squashes every component with a nonlinearity $\sigma$ (here tanh):
#
# $$\mathbf{h}^{(t)} = \sigma\left(\mathbf{W}\,[\mathbf{h}^{(t-1)}; \mathbf{x}^{(t)}] + \mathbf{b}\right)$$
#
# | symbol | shape | meaning |
# |---|---|---|
# | $\mathbf{h}^{(t-1)}$ | $k$ | previous state |
# | $\mathbf{x}^{(t)}$ | $m$ | current word vector |
# | $[\mathbf{h}^{(t-1)}; \mathbf{x}^{(t)}]$ | $k + m$ | the two stacked into one vector |
# | $\mathbf{W}$ | $k \times (k + m)$ | learned; **the same matrix at every step** |
# | $\mathbf{b}$ | $k$ | learned bias (sometimes left out for brevity) |
#
# Using one $\mathbf{W}$ for every position is called **weight sharing**: a word is
# processed the same way wherever it stands, and a 5-word and a 500-word review use the same
# parameters. Here is the recurrence for one sentence, written directly from the formula:

# %% [code]
sentence = "the sopranos was the best show".split()
k, m = 3, 4                                    # hidden size, word-vector size
embedding = {w: rng.normal(size=m) for w in sorted(set(sentence))}
W = rng.normal(scale=0.5, size=(k, k + m))     # one matrix for all steps
b = np.zeros(k)

h = np.zeros(k)                                # h(0): nothing read yet
states = []
for word in sentence:
    x = embedding[word]
    h = np.tanh(W @ np.concatenate([h, x]) + b)  # h(t) = f(h(t-1), x(t))
    states.append(h)
    print(f"{word:>8}: h = {h}")

fig, ax = plt.subplots(figsize=(6, 2.2))
ax.imshow(np.array(states).T, cmap="coolwarm", vmin=-1, vmax=1)
ax.set_xticks(range(len(sentence)), sentence)
ax.set_yticks(range(k), [f"h[{i}]" for i in range(k)])
ax.set_title("hidden state after each word (the last column is the sentence vector)")
plt.show()

# %% [markdown]
# **Why the nonlinearity?** Without it, every state is a sum of matrix products of the word
# vectors, so the sentence vector is a *linear* function of the words: each word pushes it in
# a fixed direction, whatever came before. *Not* could then never mean "flip the polarity of
# the next word". The squashing function makes the effect of a word depend on the state it
# meets, which is what interactions such as negation need.
#
# **Exercise 2.** With $k = 100$ hidden units and $m = 50$-dimensional word vectors, how many
# numbers does $f$ learn? How many for a review twice as long?

# %% [answer]
# $\mathbf{W}$ has $100 \times (100 + 50) = 15\,000$ entries and $\mathbf{b}$ has 100: **15 100**
# parameters. A longer review needs more *steps*, not more parameters: weight sharing.

# %% [code]
print("parameters of f:", W.size + b.size, "for k, m =", (k, m))

# %% [markdown]
# ## 3. Layers: from word ids to a probability
#
# A neural network is a chain of **layers**. Each layer is a function from a vector (or a
# matrix) to a vector (or a matrix), the output size need not equal the input size, and
# each layer's output is the next layer's input.
#
# **Exercise 3.** Our running example predicts the sentiment of a sentence with an RNN.
# Which layers does it need, and what goes in and out of each?

# %% [answer]
# | layer | input | output |
# |---|---|---|
# | input | the sentence | a vector of word ids, one per word |
# | 1. embedding | ids (a vector of $n$ integers) | one word vector per id: a matrix $n \times m$ |
# | 2. RNN | the matrix of word vectors | the sentence vector $\mathbf{h}^{(n)}$ ($k$ numbers) |
# | 3. output | the sentence vector | the probability that the sentence is positive (a vector with one entry) |

# %% [markdown]
# The same three layers in NumPy, with random (untrained) parameters, so we can follow the
# shapes. Layer 1 is a table lookup: row $i$ of the embedding matrix is the vector of word $i$.

# %% [code]
vocab = {w: i for i, w in enumerate(sorted(set(sentence)))}
ids = np.array([vocab[w] for w in sentence])            # (n,)   word ids
E = rng.normal(size=(len(vocab), m))                    # (V, m) embedding matrix
X = E[ids]                                              # (n, m) layer 1: lookup


def rnn(X, W, b):
    h = np.zeros(W.shape[0])
    for x in X:
        h = np.tanh(W @ np.concatenate([h, x]) + b)
    return h                                            # (k,)   the last state


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


s = rnn(X, W, b)                                        # layer 2: sentence vector
w_out, b_out = rng.normal(size=(1, k)), np.zeros(1)
p = sigmoid(w_out @ s + b_out)                          # (1,)   layer 3: probability
print("ids", ids.shape, "-> word vectors", X.shape, "-> sentence vector", s.shape,
      "-> P(positive)", p)

# %% [markdown]
# ### Two extensions
#
# **Read both ways.** A second RNN, with its own weights, reads the sentence from right to
# left; the sentence vector is the two final states stacked, $2k$ numbers. Now the start of
# the sentence is as fresh in memory as its end (*bidirectional* RNN).
#
# **Stack dense layers.** Between the sentence vector and the prediction we may put
# several **dense** layers, each translating its input into a new vector and mixing the
# information of the previous layer.

# %% [code]
W_back = rng.normal(scale=0.5, size=(k, k + m))         # the backward RNN has its own weights
s_bi = np.concatenate([rnn(X, W, b), rnn(X[::-1], W_back, b)])   # (2k,)
W_hidden, b_hidden = rng.normal(size=(5, 2 * k)), np.zeros(5)
hidden = np.maximum(0, W_hidden @ s_bi + b_hidden)     # (5,)  a hidden dense layer (ReLU)
w_out2 = rng.normal(size=(1, 5))
print("bidirectional sentence vector", s_bi.shape, "-> hidden", hidden.shape,
      "-> P(positive)", sigmoid(w_out2 @ hidden))

# %% [markdown]
# ### The dense layer
#
# A dense (or *fully connected*) layer is a matrix product, a bias and an elementwise
# nonlinearity:
#
# $$\hat{\mathbf{y}} = \mathbf{W}\mathbf{x} + \mathbf{b}, \qquad \mathbf{y} = \sigma(\hat{\mathbf{y}}),$$
#
# with $\mathbf{W}$ (out × in) and $\mathbf{b}$ (out) learned. Every output component looks at
# every input component, hence "fully connected". The prediction layer is usually a dense
# layer too: in our example it maps the sentence vector to one number, squashed by the
# logistic sigmoid into a probability.
#
# Look again at $f$: it is **a dense layer applied to $[\mathbf{h}; \mathbf{x}]$**. The
# simple RNN is one dense layer, reused at every step:

# %% [code]
def dense(x, W, b, activation=np.tanh):
    return activation(W @ x + b)


h_prev, x = states[-2], embedding[sentence[-1]]
print("last RNN step :", np.tanh(W @ np.concatenate([h_prev, x]) + b))
print("dense on [h;x]:", dense(np.concatenate([h_prev, x]), W, b))

# %% [markdown]
# You build and differentiate dense layers in
# [assignment 01_dense](../../assignments/01_dense/dense.ipynb).
#
# ### The usual nonlinearities
#
# | name | formula | range | typical use |
# |---|---|---|---|
# | logistic sigmoid | $\sigma(x) = 1 / (1 + e^{-x})$ | (0, 1) | a probability: the output of a yes/no question |
# | tanh | $\tanh(x) = 2\sigma(2x) - 1$ | (−1, 1) | RNN states, hidden layers |
# | ReLU (*rectified linear unit*) | $\max(0, x)$ | [0, ∞) | hidden layers |
# | softmax | $y_i = e^{x_i} / \sum_j e^{x_j}$ | a probability distribution | output over several classes |
#
# The first three act on each component alone; softmax looks at the whole vector, making its
# components positive and summing to one.

# %% [code]
z = np.linspace(-4, 4, 161)
fig, axes = plt.subplots(1, 4, figsize=(13, 2.8))
axes[0].plot(z, sigmoid(z))
axes[0].set_title("sigmoid: (0, 1)")
axes[1].plot(z, np.tanh(z), label="tanh(x)")
axes[1].plot(z[::10], 2 * sigmoid(2 * z[::10]) - 1, "o", ms=4, label="2 sigmoid(2x) - 1")
axes[1].set_title("tanh: (-1, 1)")
axes[1].legend(fontsize=8)
axes[2].plot(z, np.maximum(0, z))
axes[2].set_title("ReLU: max(0, x)")
for ax in axes[:3]:
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
logits = np.array([2.0, 1.0, 0.1, -1.0])
axes[3].bar(range(4), np.exp(logits) / np.exp(logits).sum())
axes[3].set_xticks(range(4), [f"x={v}" for v in logits])
axes[3].set_title("softmax of 4 scores (sums to 1)")
plt.tight_layout()
plt.show()
print("tanh(x) == 2 sigmoid(2x) - 1:", np.allclose(np.tanh(z), 2 * sigmoid(2 * z) - 1))

# %% [markdown]
# ## 4. Learning the parameters
#
# The whole network is one function, from word ids to a probability, built from simple
# pieces whose parameters (word vectors, RNN and dense weights) are still random. To
# learn them we need a number that says how wrong the network is on the training data, and
# a way to make that number smaller.
#
# **The cost: negative log-likelihood.** Ask for the probability the model gives to the
# labels that the annotators actually chose, take its logarithm and change the sign. For
# yes/no labels $y_i \in \{0, 1\}$ and predictions $p_i = P(y_i = 1)$, averaged over $N$
# examples:
#
# $$L = -\frac{1}{N}\sum_{i=1}^{N} \Big(y_i \log p_i + (1 - y_i)\log(1 - p_i)\Big).$$
#
# The same quantity is called the **cross-entropy** between the labels and the predictions.
# A confident right answer costs almost nothing; a confident wrong answer costs a lot.

# %% [code]
p = np.linspace(0.01, 0.99, 99)
fig, ax = plt.subplots(figsize=(5, 2.8))
ax.plot(p, -np.log(p))
ax.set_xlabel("probability given to the correct label")
ax.set_ylabel("-log p")
ax.set_title("cost of one example")
plt.show()
y_true = np.array([1, 0, 1, 1])
for y_pred in ([0.9, 0.2, 0.8, 0.7], [0.5, 0.5, 0.5, 0.5], [0.1, 0.9, 0.2, 0.3]):
    y_pred = np.array(y_pred)
    nll = -np.mean(y_true * np.log(y_pred) + (1 - y_true) * np.log(1 - y_pred))
    print(f"predictions {y_pred} -> cross-entropy {nll:.3f}")

# %% [markdown]
# **Exercise 4.** A model that has learned nothing says 0.5 for every sentence. What is its
# cross-entropy? Keep the number in mind for the learning curves in section 9.

# %% [answer]
# $-\log 0.5 = \log 2 \approx 0.693$, whatever the labels. A training curve that starts near
# 0.69 and goes down is learning; one that stays there is not.

# %% [markdown]
# ### Stochastic gradient descent on mini-batches
#
# Compute the gradient of the cost with respect to every parameter and take a small step
# against it: $\theta \leftarrow \theta - \eta\, \nabla_\theta L$. As in word2vec the steps
# are *stochastic*, but a neural network usually averages the gradient over a **mini-batch**
# of 10 to 500 examples per step: less noisy than one example, far cheaper than the whole
# data set, and a good fit for vectorised hardware.
#
# Plain SGD uses one learning rate $\eta$ for all parameters. Its extensions adapt the step
# for each parameter from the gradients seen so far: **Adagrad** divides by the root of the
# sum of all squared gradients, **RMSProp** by a running average of them, and **Adam** also
# keeps a running average of the gradients themselves (momentum). Below, Keras's
# implementations walk down a long, narrow valley, $L(w) = \tfrac12 (w_1^2 + 25\, w_2^2)$:
# SGD must keep its step small enough for the steep direction, so it crawls along the flat one.

# %% [code]
from autograder.visible import require_keras

# without Keras, stop here once and say what to install
require_keras(needed_for="the rest of the lecture")
import keras  # the first import takes a few seconds

A = np.diag([1.0, 25.0])  # curvature 1 along w1, 25 along w2


def descend(optimizer, steps=40, start=(-4.0, 1.0)):
    w = keras.Variable(np.array(start), dtype="float64")
    path = [np.array(start)]
    for _ in range(steps):
        grad = A @ path[-1]  # the exact gradient of L at the current point
        optimizer.apply_gradients([(keras.ops.convert_to_tensor(grad, dtype="float64"), w)])
        path.append(np.asarray(w).copy())
    return np.array(path)


w1, w2 = np.meshgrid(np.linspace(-4.5, 1, 100), np.linspace(-1.5, 1.5, 100))
fig, ax = plt.subplots(figsize=(8, 3.5))
ax.contour(w1, w2, 0.5 * (w1**2 + 25 * w2**2), levels=15, colors="lightgrey")
for optimizer in (keras.optimizers.SGD(learning_rate=0.035), keras.optimizers.Adagrad(learning_rate=0.5),
                  keras.optimizers.RMSprop(learning_rate=0.1), keras.optimizers.Adam(learning_rate=0.3)):
    path = descend(optimizer)
    ax.plot(path[:, 0], path[:, 1], ".-", label=f"{type(optimizer).__name__}: L = {0.5 * path[-1] @ A @ path[-1]:.3f}")
ax.plot(0, 0, "k*", ms=12)
ax.set_title("40 steps from (-4, 1) towards the minimum (star)")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Gradients and mini-batch SGD: [assignment 02_learning](../../assignments/02_learning/learning.ipynb).
# The four optimizers, implemented and compared with Keras step by step: assignment
# [05_embeddings_optimizers](../../assignments/05_embeddings_optimizers/embeddings_optimizers.ipynb).

# %% [notes]
# The learning rates in the plot were picked by hand for this valley: invite the audience to
# change them (SGD diverges above 2/25 = 0.08 along the steep direction).

# %% [markdown]
# ## 5. Keras: the idea
#
# Keras is a Python library for neural networks, running here on TensorFlow. It is small
# and regular, chooses sensible defaults (how to initialise weights, for instance), and
# works out what it can by itself: the input size of every layer after the first, which
# positions are padding. A model in four moves:
#
# ```python
# model = keras.Sequential()        # an empty stack of layers
# model.add(SomeLayer(...))         # each added layer reads the previous layer's output
# model.add(OtherLayer(...))
# model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["accuracy"])
# model.fit(x_train, y_train)       # training: adjusts the parameters of every layer
# ```
#
# `compile` is called once the architecture is complete and fixes how to learn: the
# optimizer, the cost to minimise and extra metrics to report. `fit` then trains.
#
# We need data: the course's built-in review corpus (`autograder.corpus`), generated on
# your machine, no download. Its labels follow rules a reader applies without thinking:
# *not* and *never* flip a phrase, the clause after *but* wins, *very* beats *slightly*.
# We take 1500 of its 4000 training reviews, so that every model here trains in seconds.

# %% [code]
from autograder.corpus import load_builtin, negation_probe, tokenize

(train_texts, train_labels), (dev_texts, dev_labels), _ = load_builtin()
train_texts, train_labels = train_texts[:1500], train_labels[:1500]
for text, label in zip(train_texts[:4], train_labels[:4]):
    print(label, text)
print("positive share:", train_labels.mean(), "| longest review:",
      max(len(tokenize(t)) for t in train_texts), "words")

# %% [markdown]
# Words become ids through a vocabulary built from the training texts (0 is kept for
# padding, 1 for words never seen in training), and every review becomes a row of the same
# length, 20, with `pad_sequences` (section 11 looks inside it).

# %% [code]
MAXLEN = 20
words = sorted({w for t in train_texts for w in tokenize(t)})
vocab = {w: i + 2 for i, w in enumerate(words)}  # 0: padding, 1: unknown word


def encode(texts):
    return keras.utils.pad_sequences([[vocab.get(w, 1) for w in tokenize(t)] for t in texts],
                                     maxlen=MAXLEN)


x_train, y_train = encode(train_texts), train_labels   # (1500, 20) int32
x_dev, y_dev = encode(dev_texts), dev_labels           # (500, 20)
V = len(vocab) + 2                                      # rows of the embedding matrix
print("vocabulary:", V, "ids; x_train", x_train.shape, "x_dev", x_dev.shape)
print(train_texts[0], "->", x_train[0])

# %% [markdown]
# ## 6. The Embedding layer
#
# `keras.layers.Embedding(input_dim, output_dim)` holds one vector of size `output_dim` for
# each of `input_dim` ids. It is usually the first layer: per example it takes a vector of
# ids and returns the matrix of their word vectors. `mask_zero=True` marks id 0 as padding,
# and the layers after it skip those positions.

# %% [code]
embed = keras.layers.Embedding(input_dim=V, output_dim=8, mask_zero=True)
print("ids", x_train[:2].shape, "-> word vectors", embed(x_train[:2]).shape)
print("embedding matrix:", embed.embeddings.shape)

# %% [markdown]
# The word vectors start random and are learned with everything else, or they start from
# **pretrained** vectors (word2vec, GloVe), which may then be **frozen**
# (`trainable=False`) or trained further:

# %% [code]
word_vectors = rng.normal(size=(V, 8))  # stand-in for vectors trained elsewhere
frozen = keras.Sequential([
    keras.Input(shape=(MAXLEN,), dtype="int32"),
    keras.layers.Embedding(V, 8, weights=[word_vectors], trainable=False),
])
print("copied in:", np.allclose(frozen.layers[0].embeddings.numpy(), word_vectors),
      "| trainable parameters:", sum(int(np.prod(w.shape)) for w in frozen.trainable_weights),
      "| frozen:", sum(int(np.prod(w.shape)) for w in frozen.non_trainable_weights))

# %% [markdown]
# **Exercise 5.** What do we gain, and what do we risk, by using pretrained word vectors
# and not training them any further?

# %% [answer]
# **Gain.** Labelled data for one task (sentiment, say) is scarce, while pretrained vectors
# are learned without labels from huge corpora: they know many more words, and similar words
# arrive with similar vectors even if the task's training set never saw them. With the
# embedding frozen the model also has far fewer parameters to fit, so it **overfits less**.
#
# **Risk.** The vectors were learned for another purpose (predicting neighbouring words) and
# may not encode what the task needs: *good* and *bad* occur in the same contexts and often
# get close vectors. A frozen embedding cannot repair that: the model **underfits**.
#
# **In practice** a good compromise is to start from pretrained vectors and keep training
# them on the task's data (perhaps with a small learning rate). Assignment
# [05_embeddings_optimizers](../../assignments/05_embeddings_optimizers/embeddings_optimizers.ipynb) runs the experiment.

# %% [markdown]
# ## 7. Recurrent layers
#
# `keras.layers.SimpleRNN(units)` is the recurrence of section 2, with `units` = $k$. It is
# expressive but hard to train over long sentences, because of the **vanishing gradient**:
# the gradient that reaches an early word is a product of one factor per later step, and
# those factors are usually smaller than one. The **LSTM** (long short-term memory) and the
# **GRU** (gated recurrent unit) add *gates*, learned switches that let the state pass
# through a step almost unchanged, so the gradient can flow back without shrinking.
#
# Below: how strongly the final state depends on the word at each position of a 40-word
# input (gradient norm, log scale). Before any training, all three forget quickly; an LSTM
# whose forget gate has learned to stay open (we set its bias to 4) keeps the gradient alive.

# %% [code]
import tensorflow as tf

T, D, H = 40, 8, 16
x_long = tf.constant(np.random.default_rng(1).normal(size=(1, T, D)))


def sensitivity(layer):
    """|d sum(h_T) / d x_t| for every position t."""
    with tf.GradientTape() as tape:
        tape.watch(x_long)
        total = tf.reduce_sum(layer(x_long))
    return np.linalg.norm(tape.gradient(total, x_long).numpy()[0], axis=1)


open_lstm = keras.layers.LSTM(H, dtype="float64")
open_lstm.build((None, T, D))
bias = open_lstm.cell.bias.numpy()
bias[H:2 * H] = 4.0                     # gate order i, f, c, o: the forget gate's slice
open_lstm.cell.bias.assign(bias)

fig, ax = plt.subplots(figsize=(7, 3))
for name, layer in [("SimpleRNN", keras.layers.SimpleRNN(H, dtype="float64")),
                    ("GRU", keras.layers.GRU(H, dtype="float64")),
                    ("LSTM", keras.layers.LSTM(H, dtype="float64")),
                    ("LSTM, forget gate open", open_lstm)]:
    ax.semilogy(range(1, T + 1), sensitivity(layer), label=name)
ax.set_xlabel("position t of the input word")
ax.set_ylabel("|d h_T / d x_t|")
ax.set_title("how much the last state still hears each word")
ax.legend(fontsize=8)
plt.show()

# %% [markdown]
# Backpropagation through time, and this plot for your own RNN: [assignment 04_bptt](../../assignments/04_bptt/bptt.ipynb).
# The LSTM and the GRU built in NumPy, forward and backward, checked against these layers, and
# this plot for your own gated cells: [assignment 07_gated](../../assignments/07_gated/gated.ipynb).
#
# ### Swapping the recurrent layer, reading both ways
#
# `SimpleRNN`, `LSTM` and `GRU` are interchangeable in a model: same input, same output
# shape. `Bidirectional(layer)` runs a copy of the layer from right to left and concatenates
# the two final states, as in section 3:

# %% [code]
word_vectors_batch = embed(x_train[:2])                 # (2, 20, 8)
for layer in (keras.layers.SimpleRNN(16), keras.layers.LSTM(16), keras.layers.GRU(16),
              keras.layers.Bidirectional(keras.layers.LSTM(16))):
    name = type(layer).__name__ + (f"({type(layer.layer).__name__})" if hasattr(layer, "layer") else "")
    print(f"{name:>20}: {tuple(word_vectors_batch.shape)} -> {tuple(layer(word_vectors_batch).shape)}")

# %% [markdown]
# ### One vector per sentence, or one per word
#
# By default a recurrent layer returns only its last state. With `return_sequences=True` it
# returns the state after **every** position, a matrix per sentence:

# %% [code]
every_step = keras.layers.LSTM(16, return_sequences=True)
print("return_sequences=False:", tuple(keras.layers.LSTM(16)(word_vectors_batch).shape))
print("return_sequences=True: ", tuple(every_step(word_vectors_batch).shape))

# %% [markdown]
# **Exercise 6.** In which language-processing tasks do we need the state at every
# position, not only the last one?

# %% [answer]
# Whenever the task predicts something **for every word**: part-of-speech tagging, named
# entity recognition, chunking (*tagging* tasks). Classifying a whole sentence, as in
# sentiment analysis, needs one vector per sentence: the last state is enough. (Stacked RNNs
# also need `return_sequences=True` on every recurrent layer but the last, since the next
# recurrent layer reads a sequence.)

# %% [markdown]
# Both return modes, masks and `Bidirectional`, rebuilt in NumPy:
# [assignment 03_rnn](../../assignments/03_rnn/rnn.ipynb). A part-of-speech tagger that
# reads every state, in NumPy and in Keras:
# [assignment 08_cnn_tagging](../../assignments/08_cnn_tagging/cnn_tagging.ipynb).
#
# ## 8. Dense layers in Keras
#
# `keras.layers.Dense(units, activation=...)` is the dense layer of section 3, in two roles:
#
# - **hidden layer**: combines what the previous layer found; activation `"relu"` or `"tanh"`.
# - **output layer**: turns the last vector into a probability; `Dense(1, activation="sigmoid")`
#   for a yes/no question, `Dense(C, activation="softmax")` for one of $C$ classes (labels
#   one-hot encoded).
#
# Keras stores the transpose of our $\mathbf{W}$: its `kernel` has shape (in, out).

# %% [code]
hidden_layer = keras.layers.Dense(100, activation="tanh")
output_layer = keras.layers.Dense(1, activation="sigmoid")
sentence_vectors = keras.layers.LSTM(16)(word_vectors_batch)    # (2, 16)
print("hidden:", tuple(hidden_layer(sentence_vectors).shape), "kernel", tuple(hidden_layer.kernel.shape))
print("output:", output_layer(hidden_layer(sentence_vectors)).numpy().ravel(), "(untrained probabilities)")

# %% [markdown]
# ## 9. Training
#
# **Loss and optimizer.** The loss must match the output layer:
#
# | output layer | labels | `loss=` |
# |---|---|---|
# | `Dense(1, activation="sigmoid")` | 0 or 1 | `"binary_crossentropy"` |
# | `Dense(C, activation="softmax")` | one-hot vectors of length C | `"categorical_crossentropy"` |
#
# and the optimizer is one of `"adam"`, `"rmsprop"`, `"sgd"`, or an object such as
# `keras.optimizers.Adam(learning_rate=0.01)` when the default step (0.001 for Adam) is not
# what you want. Ours is: with a small data set and a few epochs, larger steps learn in seconds.
#
# **`fit`'s main arguments.** `batch_size`: how many examples go into one optimisation
# step; `epochs`: how many passes over the training data (one epoch is many steps);
# `validation_data=(x_dev, y_dev)`: held-out data, scored after every epoch so we can watch
# for overfitting. Now the whole model of the running example, with an LSTM as the
# recurrent layer, trained live (about ten seconds):

# %% [code]
keras.utils.set_random_seed(0)  # same initial weights and batches on every run
model = keras.Sequential()
model.add(keras.Input(shape=(MAXLEN,), dtype="int32"))
model.add(keras.layers.Embedding(input_dim=V, output_dim=16, mask_zero=True))
model.add(keras.layers.LSTM(units=32))
model.add(keras.layers.Dense(1, activation="sigmoid"))
model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01),
              metrics=["accuracy"])
model.summary()

history = model.fit(x_train, y_train, batch_size=32, epochs=8,
                    validation_data=(x_dev, y_dev), verbose=0)

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 3))
for key, style in (("loss", "-"), ("val_loss", "--")):
    ax1.plot(range(1, 9), history.history[key], style, label=key)
for key, style in (("accuracy", "-"), ("val_accuracy", "--")):
    ax2.plot(range(1, 9), history.history[key], style, label=key)
ax1.axhline(np.log(2), color="grey", lw=0.5)
ax1.set_title("cross-entropy (grey: log 2, a model that knows nothing)")
ax2.set_title("accuracy")
for ax in (ax1, ax2):
    ax.set_xlabel("epoch")
    ax.legend()
plt.show()

# %% [notes]
# The fit takes about ten seconds. While it runs, ask what the curve should look like at
# epoch 1 (Exercise 4: near log 2) and whether the validation curve can beat the training one.

# %% [markdown]
# **Exercise 7.** With 1500 training reviews and `batch_size=32`, how many optimisation
# steps does one epoch take? How many did the whole training take?

# %% [answer]
# $\lceil 1500 / 32 \rceil = 47$ steps per epoch (46 full batches and a last one of 28), so
# $8 \times 47 = 376$ steps in all. An optimisation step is not an epoch.

# %% [markdown]
# ## 10. Prediction and evaluation
#
# `model.predict(x)` returns the output layer's values, here one probability per review.
# `model.evaluate(x, y)` returns the loss followed by the metrics given to `compile`.
#
# A hard test: the corpus's **negation probe**, pairs of reviews made of exactly the same
# words with opposite labels. A model that ignores word order (any bag of words) gives both
# reviews of a pair the same score, so it gets exactly half of them right.

# %% [code]
loss, accuracy = model.evaluate(x_dev, y_dev, verbose=0)
print(f"development set: loss {loss:.3f}, accuracy {accuracy:.3f}")

probe_texts, probe_labels = negation_probe()
x_probe = encode(probe_texts)
_, probe_accuracy = model.evaluate(x_probe, probe_labels, verbose=0)
print(f"negation probe: accuracy {probe_accuracy:.3f} (a bag of words: exactly 0.5)\n")
for text, prob in zip(probe_texts[:6], model.predict(x_probe[:6], verbose=0).ravel()):
    print(f"P(positive) = {prob:.2f}  {text}")

# %% [markdown]
# Getting productive with Keras mostly means reading its documentation: the guide to the
# [Sequential model](https://keras.io/guides/sequential_model/) and the
# [layer reference](https://keras.io/api/layers/). The capstone,
# [assignment 06_sentiment](../../assignments/06_sentiment/sentiment.ipynb), builds this classifier in your own NumPy code and in Keras and
# shows they agree.
#
# ## 11. Padding: `pad_sequences`
#
# Keras wants NumPy arrays, and sentences have different lengths.
# `keras.utils.pad_sequences(sequences, maxlen)` makes every list exactly `maxlen` long:
# longer ones are cut, shorter ones are filled with 0. By default both happen at the
# **front** (`padding="pre"`, `truncating="pre"`), which keeps the end of a long review,
# right next to the RNN's final state.

# %% [code]
lists = [[5, 8, 2], [7], [1, 2, 3, 4, 5, 6]]
print(keras.utils.pad_sequences(lists, maxlen=4))
print(keras.utils.pad_sequences(lists, maxlen=4, padding="post", truncating="post"))

# %% [markdown]
# With `mask_zero=True` in the embedding, the RNN skips the padded positions. You write
# `pad_sequences` yourself in [assignment 03_rnn](../../assignments/03_rnn/rnn.ipynb).
#
# ## 12. The alternative: a convolutional network
#
# A convolutional layer is as easy to use. Instead of the recurrent layer, put a `Conv1D`
# that slides `filters` detectors over every window of `kernel_size` consecutive words,
# then keep each detector's strongest response over the sentence with `GlobalMaxPooling1D`:
#
# ```python
# model.add(keras.layers.Conv1D(filters=50, kernel_size=3, activation="relu", padding="same"))
# model.add(keras.layers.GlobalMaxPooling1D())
# ```
#
# The same data and training for three more models (about twenty seconds), next to the LSTM:

# %% [code]
def make_model(kind):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(MAXLEN,), dtype="int32"),
                              keras.layers.Embedding(V, 16, mask_zero=kind != "CNN")])
    if kind == "CNN":  # Conv1D ignores the mask: the max also sees the padded positions
        model.add(keras.layers.Conv1D(filters=50, kernel_size=3, activation="relu", padding="same"))
        model.add(keras.layers.GlobalMaxPooling1D())
    else:
        model.add({"SimpleRNN": keras.layers.SimpleRNN(32), "GRU": keras.layers.GRU(32)}[kind])
    model.add(keras.layers.Dense(1, activation="sigmoid"))
    model.compile(loss="binary_crossentropy", optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  metrics=["accuracy"])
    return model


print(f"{'model':>10}  {'parameters':>10}  {'dev accuracy':>12}  {'negation probe':>14}")
results = {"LSTM": model}
for kind in ("SimpleRNN", "GRU", "CNN"):
    results[kind] = make_model(kind)
    results[kind].fit(x_train, y_train, batch_size=32, epochs=8, verbose=0)
for kind, candidate in results.items():
    dev_acc = candidate.evaluate(x_dev, y_dev, verbose=0)[1]
    probe_acc = candidate.evaluate(x_probe, probe_labels, verbose=0)[1]
    print(f"{kind:>10}  {candidate.count_params():>10}  {dev_acc:>12.3f}  {probe_acc:>14.3f}")

# %% [notes]
# Three more fits, about twenty seconds in all. The numbers move a little between machines
# (thread scheduling), the ranking does not: SimpleRNN trails, the gated layers solve the probe.

# %% [markdown]
# On these short reviews the gated layers (LSTM, GRU) learn what the simple RNN, trained
# just as long, does not; the small CNN is fast and competitive. A `Bidirectional(LSTM(32))`
# slots in the same way (section 7) and takes about twice as long to train.
# `Conv1D` and `GlobalMaxPooling1D`, forward and backward, in NumPy:
# [assignment 08_cnn_tagging](../../assignments/08_cnn_tagging/cnn_tagging.ipynb).
#
# **Exercise 8.** The CNN looks at windows of three words and keeps only the largest
# response of each filter. What can it see, and what can it not, that an RNN can?

# %% [answer]
# It sees **local phrases**: "*not good*", "*never boring*", "*but the plot*" all fit in a
# window of three, and the max finds them wherever they are. It loses the **order between
# windows**: the max says "somewhere there was *not good*", not where. (With
# `padding="same"` the windows at the very end overlap the padding, so it can still learn
# "a positive word ends the review", which helps with *but*.) Anything that links words
# further apart than the window, such as an *although* clause deciding the main clause ten
# words later, is out of its reach; an RNN carries it in its state. Stacking convolutions or
# widening the windows extends the reach.

# %% [markdown]
# ## 13. Summary
#
# - An RNN turns a sequence of word vectors into a sequence of hidden states, reading one
#   word at a time.
# - Each state is computed from the previous state (zeros at the start) and the current word
#   vector, by one dense layer shared across all positions: $\mathbf{h}^{(t)} = \tanh(\mathbf{W}[\mathbf{h}^{(t-1)}; \mathbf{x}^{(t)}] + \mathbf{b})$.
# - A sentence can be represented by its last state; tagging tasks use every state
#   (`return_sequences=True`).
# - The network is trained end to end by minimising cross-entropy with mini-batch SGD or one
#   of its adaptive variants; LSTM and GRU keep the gradient alive over long inputs.
# - In Keras: `Sequential` + `Embedding` + `SimpleRNN`/`LSTM`/`GRU` (or `Conv1D` +
#   `GlobalMaxPooling1D`) + `Dense`, then `compile`, `fit`, `evaluate`, `predict`.
#
# Now build it yourself, starting with [assignment 01_dense](../../assignments/01_dense/dense.ipynb).
