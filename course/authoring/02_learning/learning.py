# %% [markdown]
# # Assignment 02 · Losses, gradients and mini-batch training
#
# Assignment 01 gave you layers that compute something. This one makes them *learn*:
# a **loss** says, with one number, how wrong a prediction is; its **gradient** says
# which way to move every weight; **mini-batch stochastic gradient descent** moves
# them, a little at a time, on a few samples at a time.
#
# You will implement, in NumPy: `binary_cross_entropy`, `categorical_cross_entropy`,
# `sigmoid_cross_entropy_with_logits`, `softmax_cross_entropy_with_logits`,
# `numerical_gradient`, `iterate_minibatches` and `sgd_step`. Then you train a small
# two-layer network, built from the dense layers of assignment 01, on a problem that
# no linear model can solve.
#
# Lecture: [section 4 (learning the parameters: cross-entropy, mini-batch SGD) and section 9 (training)](../../lectures/rnn_lecture.ipynb).

# %% [conventions]

# %% [setup]
import os

import matplotlib.pyplot as plt
import numpy as np

# Assignment 01's building blocks (the course's reference versions): never copy them.
from autograder.blocks import dense_backward, dense_forward, relu, sigmoid, softmax
from autograder.visible import check, require_keras

# True while nbgrader validates or grades: cells that only demonstrate are skipped then.
GRADING = bool(os.environ.get("NBGRADER_EXECUTION"))
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. Cross-entropy: how surprised is the model by the truth?
#
# A classifier outputs probabilities. The lecture's cost is the **negative log
# likelihood**: minus the log of the probability the model gave to the label that
# was actually observed, averaged over the data. It is also called **cross-entropy**.
# A confident right answer costs almost nothing ($-\log 0.99 \approx 0.01$); a
# confident wrong one costs a lot ($-\log 0.01 \approx 4.6$); a certain wrong one
# ($p = 0$) would cost infinitely much.
#
# **Binary** (one probability $p$ of the positive class per sample, label $y \in \{0, 1\}$):
#
# $$L = \frac{1}{N}\sum_{n} -\big(y_n \log p_n + (1 - y_n)\log(1 - p_n)\big).$$
#
# **Categorical** (a distribution $p_n$ over C classes, one-hot label $y_n$): only the
# true class's term survives,
#
# $$L = \frac{1}{N}\sum_{n} -\sum_{c} y_{nc}\log p_{nc}.$$
#
# **Clipping as Keras does.** `keras.losses.BinaryCrossentropy` clips every probability
# to $[\epsilon, 1-\epsilon]$ with $\epsilon = 10^{-7}$ before taking the log, so a
# certain mistake costs $-\log 10^{-7} \approx 16.1$ instead of infinity (and
# `0 * log(0)` never produces `nan`). Do the same in both functions. (Keras's
# categorical version also rescales each row to sum to 1 first; the checks only use
# rows that already do.)
#
# Both return a Python `float`, the mean over the batch. `p` and `y` of
# `binary_cross_entropy` have the same shape, (N,) or (N, 1). Expect agreement with
# Keras to about 1e-15.

# %% [solution binary_cross_entropy categorical_cross_entropy]

# %% [code]
check(binary_cross_entropy)
check(categorical_cross_entropy)

# %% [grade binary_cross_entropy_tests]

# %% [grade categorical_cross_entropy_tests]

# %% [markdown]
# ## 2. Losses from logits, and why their gradient is so simple
#
# A network's last dense layer produces **logits** $z$; a sigmoid or softmax turns
# them into probabilities. Computing the loss in two steps (probabilities, then log)
# loses precision and, for large $|z|$, overflows. Folding the two steps into one
# formula is both exact and stable. For the sigmoid, with $\sigma(z) = 1/(1+e^{-z})$:
#
# $$-\log\sigma(z) = \log(1 + e^{-z}), \qquad -\log(1 - \sigma(z)) = z + \log(1 + e^{-z}),$$
#
# and a little algebra turns the per-sample loss into
# $\max(z, 0) - z\,y + \log(1 + e^{-|z|})$, in which `exp` only ever sees a number $\le 0$
# (`np.log1p` computes $\log(1 + u)$ accurately for small $u$). For softmax, use the
# log-sum-exp trick from assignment 01: with $m = \max_c z_c$,
# $\log \mathrm{softmax}(z)_c = z_c - m - \log\sum_j e^{z_j - m}$.
#
# **The gradient.** Differentiate the softmax cross-entropy of one sample,
# $\ell = -\sum_c y_c z_c + \log\sum_j e^{z_j}$ (using $\sum_c y_c = 1$):
#
# $$\frac{\partial \ell}{\partial z_k} = -y_k + \frac{e^{z_k}}{\sum_j e^{z_j}} = p_k - y_k.$$
#
# The softmax's awkward Jacobian (assignment 01, section 4) and the log's $1/p$ cancel:
# the error signal is simply *prediction minus truth*. The sigmoid case gives the same
# $\sigma(z) - y$. Because the loss is a **mean** over the batch, each sample's gradient
# is divided by N (for the binary loss, by the number of entries of `z`).
#
# Both functions return `(loss, dz)`, with `dz` of `z`'s shape. No clipping here: the
# loss of a logit of -1000 for a positive label is 1000, not 16. The grade cells
# compare with `keras.losses.*(from_logits=True)` and TensorFlow's gradients.

# %% [solution sigmoid_cross_entropy_with_logits softmax_cross_entropy_with_logits]

# %% [code]
check(sigmoid_cross_entropy_with_logits)
check(softmax_cross_entropy_with_logits)
# Stable for huge logits: about 1000, and no warning.
print(sigmoid_cross_entropy_with_logits(np.array([[-1000.0]]), np.array([[1.0]]))[0])

# %% [grade sigmoid_cross_entropy_with_logits_tests]

# %% [grade softmax_cross_entropy_with_logits_tests]

# %% [markdown]
# ### The Keras logits trap
#
# Keras offers both routes: `BinaryCrossentropy()` expects probabilities,
# `BinaryCrossentropy(from_logits=True)` expects logits. Training works best from
# logits, so a common pattern is a final `Dense(1)` without activation plus
# `from_logits=True`.
#
# A subtlety bites anyone who compares numbers: a tensor produced by
# `keras.activations.sigmoid` (and so by `Dense(1, activation="sigmoid")`) remembers
# the logits it came from, and the TensorFlow backend then quietly computes the loss
# from those logits, **without clipping**. The same probabilities taken out as a plain
# NumPy array (`model.predict` returns one) are clipped. So for a saturated prediction
# `model.evaluate` and "the loss of `model.predict`" disagree, and only the second one
# matches `binary_cross_entropy`. The cell below shows it (it is skipped while grading;
# importing TensorFlow takes a few seconds).

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    import keras
    import tensorflow as tf

    keras.config.set_floatx("float64")  # compare in float64, like the grader
    x_in = np.array([[-30.0], [2.0]])  # one hopeless positive, one ordinary negative
    y_in = np.array([[1.0], [0.0]])
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, activation="sigmoid")])
    model.set_weights([np.ones((1, 1)), np.zeros(1)])  # so the logits are the inputs
    model.compile(loss="binary_crossentropy")
    p_plain = model.predict(x_in, verbose=0)  # a plain NumPy array
    print("model.evaluate (from hidden logits):", model.evaluate(x_in, y_in, verbose=0))
    print("Keras loss of model.predict        :",
          float(keras.losses.BinaryCrossentropy()(y_in, p_plain)))
    print("ours, from probabilities (clipped) :", binary_cross_entropy(p_plain, y_in))
    print("ours, from logits                  :",
          sigmoid_cross_entropy_with_logits(x_in, y_in)[0])

# %% [markdown]
# ## 3. Gradient checking: trust, but verify
#
# Every backward pass you write in this course can be checked against the definition
# of a derivative. For a scalar function $f$ and a small step $h$, the **central
# difference**
#
# $$\frac{\partial f}{\partial x_i} \approx \frac{f(x + h e_i) - f(x - h e_i)}{2h}$$
#
# has an error of order $h^2$ (about $10^{-10}$ for $h = 10^{-5}$), against order $h$
# for the one-sided $(f(x + h e_i) - f(x))/h$. Smaller $h$ is not always better: below
# about $10^{-6}$ the subtraction of two nearly equal floats loses more than the
# formula gains.
#
# `numerical_gradient(f, x, h=1e-5)` perturbs one entry of `x` at a time (for a matrix
# too: `np.ndindex(x.shape)` visits every index), calls `f` twice, and **restores the
# entry** before moving on, so `x` is unchanged when it returns (and the next entry's
# differences are taken at the right point). It returns an array of `x`'s shape.
#
# Make it a habit: whenever you write a gradient, compare it with
# `numerical_gradient` on a small random input; a **relative error**
# $|a - b| / \max(|a|, |b|)$ around $10^{-8}$ or smaller means the gradient is right,
# $10^{-2}$ means it is wrong.

# %% [solution numerical_gradient]

# %% [code]
check(numerical_gradient)

# %% [grade numerical_gradient_tests]

# %% [markdown]
# Now check section 2's gradient with it. Note how `f` closes over `y`: the function
# we differentiate takes only the logits.

# %% [code]
rng = np.random.default_rng(0)
z = rng.normal(size=(4, 3))
y = np.eye(3)[[0, 2, 1, 1]]
_, dz = softmax_cross_entropy_with_logits(z, y)
dz_num = numerical_gradient(lambda v: softmax_cross_entropy_with_logits(v, y)[0], z)
rel = np.abs(dz - dz_num).max() / np.abs(dz).max()
print(f"relative error of dz: {rel:.1e}")

# %% [markdown]
# ## 4. Mini-batches and stochastic gradient descent
#
# The gradient of the mean loss over the whole training set is the exact downhill
# direction, but computing it costs a pass over all the data for a single step. The
# gradient over a random **mini-batch** of, say, 10 to 500 samples (the lecture's
# numbers) is a noisy but unbiased estimate of it that costs a fraction of the
# time: many cheap noisy steps beat a few exact ones. The noise even helps to leave
# flat regions and poor minima. One pass over the data is an **epoch**.
#
# `iterate_minibatches(n, batch_size, rng)` is a generator: it draws a fresh random
# order of the `n` sample indices from the generator `rng` it is given (never from
# `np.random`, so that a seed reproduces a run), then `yield`s them batch by batch.
# Every sample appears exactly once per epoch; the last batch may be smaller.
#
# `sgd_step(params, grads, learning_rate)` applies $w \leftarrow w - \eta\,\nabla_w L$ to
# every array of the dict `params`, pairing them with `grads` by name. It works **in
# place** (`-=`): a model that holds a reference to the arrays sees the new values, as
# Keras's variables do. It returns nothing.

# %% [solution iterate_minibatches sgd_step]

# %% [code]
check(iterate_minibatches)
check(sgd_step)
for batch in iterate_minibatches(10, 4, np.random.default_rng(0)):
    print(batch)

# %% [grade iterate_minibatches_tests]

# %% [grade sgd_step_tests]

# %% [markdown]
# ## 5. Experiment: a problem no straight line solves
#
# The data: points in the plane, label 1 inside a disc of radius 0.5, label 0 on a
# ring between radius 0.7 and 1. Any linear classifier, $\sigma(w^\top x + b)$,
# separates the plane with one straight line and so gets at most about 3/4 of these
# points right. A hidden ReLU layer can bend the boundary around the disc.

# %% [setup]
def rings(n, rng):
    """n points: label 1 inside radius 0.5, label 0 on a ring from 0.7 to 1. Returns X (n, 2), y (n, 1)."""
    y = (rng.uniform(size=n) < 0.5).astype(np.float64)
    radius = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    return X, y[:, None]


X_rings, y_rings = rings(200, np.random.default_rng(42))

# %% [markdown]
# The training loop below uses only your functions and assignment 01's dense layers:
# `dense (ReLU) -> dense (one logit) -> sigmoid cross-entropy from logits`, mini-batch
# SGD with `iterate_minibatches` and `sgd_step`. With `hidden=0` it trains the linear
# model for comparison. Read it line by line: this loop is what `model.fit` does for
# you in Keras.

# %% [code]
def train(X, y, hidden, epochs=150, batch_size=20, learning_rate=0.5, seed=0):
    """Train a (hidden > 0) two-layer or (hidden == 0) linear classifier; return params, losses."""
    rng = np.random.default_rng(seed)
    if hidden:
        P = {"W1": rng.normal(0, 1.0, size=(hidden, 2)), "b1": np.zeros(hidden),
             "W2": rng.normal(0, 1.0 / np.sqrt(hidden), size=(1, hidden)), "b2": np.zeros(1)}
    else:
        P = {"W2": rng.normal(0, 1.0, size=(1, 2)), "b2": np.zeros(1)}
    losses = []
    for epoch in range(epochs):
        total = 0.0
        for idx in iterate_minibatches(len(X), batch_size, rng):
            a, c1 = dense_forward(X[idx], P["W1"], P["b1"], "relu") if hidden else (X[idx], None)
            z, c2 = dense_forward(a, P["W2"], P["b2"])  # logits (B, 1)
            loss, dz = sigmoid_cross_entropy_with_logits(z, y[idx])
            da, dW2, db2 = dense_backward(dz, c2)
            grads = {"W2": dW2, "b2": db2}
            if hidden:
                _, grads["W1"], grads["b1"] = dense_backward(da, c1)
            sgd_step(P, grads, learning_rate)
            total += loss * len(idx)
        losses.append(total / len(X))
    return P, losses


def logits(P, X):
    a = dense_forward(X, P["W1"], P["b1"], "relu")[0] if "W1" in P else X
    return dense_forward(a, P["W2"], P["b2"])[0]


def accuracy(P, X, y):
    return float(np.mean((logits(P, X) > 0) == (y > 0.5)))

# %% [code]
linear, linear_losses = train(X_rings, y_rings, hidden=0)
net, net_losses = train(X_rings, y_rings, hidden=16)
print(f"linear model   : training accuracy {accuracy(linear, X_rings, y_rings):.2f}")
print(f"two-layer (16) : training accuracy {accuracy(net, X_rings, y_rings):.2f}")

# %% [code]
fig, axes = plt.subplots(1, 3, figsize=(13, 3.8))
axes[0].plot(linear_losses, label="linear")
axes[0].plot(net_losses, label="two-layer, 16 ReLU units")
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("mean training loss")
axes[0].set_yscale("log")
axes[0].legend()
axes[0].set_title("Loss curves")
grid = np.linspace(-1.1, 1.1, 200)
gx, gy = np.meshgrid(grid, grid)
points = np.stack([gx.ravel(), gy.ravel()], axis=1)
for ax, (name, P) in zip(axes[1:], [("linear", linear), ("two-layer", net)]):
    prob = sigmoid(logits(P, points)).reshape(gx.shape)
    ax.contourf(gx, gy, prob, levels=20, cmap="RdBu_r", alpha=0.6)
    ax.contour(gx, gy, prob, levels=[0.5], colors="k")
    ax.scatter(X_rings[:, 0], X_rings[:, 1], c=y_rings[:, 0], cmap="RdBu_r", s=12,
               edgecolors="k", linewidths=0.3)
    ax.set_aspect("equal")
    ax.set_title(f"{name}: decision boundary")
plt.tight_layout()
plt.show()

# %% [markdown]
# The grade cell below trains such a network again, with fresh random data and weights
# and your functions, for 150 epochs (well under a second) and requires a training
# accuracy of at least 95 %. If it fails while the cells above pass, look at how your
# functions work together: does `sgd_step` subtract, does every sample appear once
# per epoch?

# %% [grade two_layer_training_tests]

# %% [markdown]
# ### Question (graded by hand, 1 point)
#
# Try `learning_rate` 0.05 and 5 in `train` for the two-layer network. What happens to the
# loss curve in each case, and why?

# %% [answer learning_rate_question points=1]
# With 0.05 the loss falls, but slowly: each step is ten times shorter, so after 150 epochs
# the network is still far from the minimum and the boundary is a rough polygon. With 5 the
# steps overshoot: the loss jumps up and down (or ReLU units die, their input stuck below
# zero for every sample, and the loss stalls), because a step that long moves the weights
# past the valley the gradient points into.

# %% [markdown]
# ## 6. The same computations in Keras
#
# Each loss here has a Keras twin, and `sgd_step` is one step of
# `keras.optimizers.SGD` without momentum. The grade cells compared your functions with
# stored Keras values; this cell compares them live (skipped while grading).

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    import keras
    import tensorflow as tf

    keras.config.set_floatx("float64")
    rng = np.random.default_rng(1)
    p = rng.uniform(size=(5, 1))
    yb = rng.integers(0, 2, size=(5, 1)).astype(float)
    print("binary      :", binary_cross_entropy(p, yb),
          float(keras.losses.BinaryCrossentropy()(yb, p)))
    zc = rng.normal(size=(5, 3))
    yc = np.eye(3)[rng.integers(0, 3, size=5)]
    print("categorical :", categorical_cross_entropy(softmax(zc), yc),
          float(keras.losses.CategoricalCrossentropy()(yc, softmax(zc))))
    print("from logits :", softmax_cross_entropy_with_logits(zc, yc)[0],
          float(keras.losses.CategoricalCrossentropy(from_logits=True)(yc, zc)))

    params = {"W": rng.normal(size=(2, 3))}
    grads = {"W": rng.normal(size=(2, 3))}
    variable = keras.Variable(params["W"], dtype="float64")
    keras.optimizers.SGD(learning_rate=0.1).apply_gradients([(tf.constant(grads["W"]), variable)])
    sgd_step(params, grads, 0.1)
    print("SGD step, max difference:", np.abs(params["W"] - variable.numpy()).max())

# %% [markdown]
# ## What you built
#
# A loss, its gradient, a way to check any gradient, and the loop that turns gradients
# into learning. Assignment 03 returns to the model: the recurrence that reads a
# sentence one word at a time. Assignment 04 writes its backward pass, and
# `numerical_gradient` will check it.
