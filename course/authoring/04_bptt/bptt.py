# %% [markdown]
# # Assignment 04 · Backpropagation through time
#
# In assignment 03 you ran the simple RNN forward: one dense layer with a tanh,
# applied at every position of a sequence, each time to the previous state and the
# current input. To *train* it we need the gradient of a loss with respect to its
# weights, and since the same weights act at every step, that gradient has to be
# collected from every step. The algorithm is ordinary backpropagation applied to
# the network unrolled through time, and it has its own name: **backpropagation
# through time** (BPTT).
#
# You will implement, in NumPy:
#
# - `rnn_step_backward`: the gradient of one step;
# - `rnn_backward`: the gradient of a whole (possibly masked) sequence;
# - `hidden_gradient_norms`: how strongly each earlier state still influences the
#   last one, which shows the **vanishing and exploding gradient** problem;
# - `clip_by_global_norm`: the standard cure for exploding gradients.
#
# There is also one short written question, graded by hand.
#
# Lecture: [section 7 (recurrent layers and the vanishing gradient)](../../lectures/rnn_lecture.ipynb),
# where it says that the simple RNN is hard to optimise and that LSTM and GRU were made to fix that.

# %% [conventions]

# %% [setup]
import os

import matplotlib.pyplot as plt
import numpy as np

# The forward passes of assignment 03 and numerical_gradient of assignment 02,
# provided so you do not depend on your earlier answers.
from autograder.blocks import numerical_gradient, rnn_forward, rnn_step_forward
from autograder.caches import RNNCache, RNNStepCache
from autograder.visible import check, require_keras

# True while nbgrader validates or grades: cells that only demonstrate are skipped then.
GRADING = bool(os.environ.get("NBGRADER_EXECUTION"))
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. The network unrolled through time
#
# One step of the RNN reads the previous state and the current input and writes the
# next state. With the concatenation $a_t = [h_{t-1}; x_t]$ (of size $H + D$):
#
# $$z_t = W a_t + b, \qquad h_t = \tanh(z_t), \qquad t = 0, \dots, T-1,$$
#
# and for a batch of row vectors `z_t = concat([h_prev, x_t]) @ W.T + b`.
#
# Draw the computation for a sequence of length 3 and you get an ordinary
# feed-forward graph, three layers deep:
#
# ```
#          x_0          x_1          x_2
#           |            |            |
#   h0 --[W, b]--> h_0 --[W, b]--> h_1 --[W, b]--> h_2
#                   |            |            |
#                  L_0          L_1          L_2       (whatever reads the states)
# ```
#
# Two things make it different from a stack of dense layers:
#
# 1. **The same `W` and `b` appear in every box.** If one variable is used in
#    several places, the chain rule adds up the gradients from each use. So
#    $\partial L / \partial W = \sum_t \partial L / \partial W\big|_{\text{step } t}$:
#    each step contributes, and the contributions are **summed** (`+=`), never
#    overwritten.
# 2. **A state is read twice.** $h_t$ goes to whatever consumes the outputs (the loss
#    terms, or the classifier reading the last state) *and* to the next step. Its
#    total gradient is the sum of both:
#    $$\frac{\partial L}{\partial h_t} = \underbrace{\texttt{dh[:, t]}}_{\text{from the outputs}}
#    + \underbrace{\frac{\partial L}{\partial h_t}\Big|_{\text{via step } t+1}}_{\text{from the future}}.$$
#    That is why the backward pass runs from the last step to the first: the second
#    term is only known once step $t+1$ has been handled.
#
# ## 2. One step backward
#
# Given $dh_t = \partial L/\partial h_t$ (N, H) for one step, with the cache of that step:
#
# - through tanh: $dz = dh_t \odot (1 - h_t^2)$ (the derivative of tanh, written with
#   its output, which the cache holds as `h_next`);
# - through the dense layer, exactly as `dense_backward` in assignment 01:
#   $dW = dz^\top a_t$ (H, H + D), $db = \sum_n dz_n$ (H,), $da = dz\, W$ (N, H + D);
# - split $da$ back into its two parts: the first H columns are `dh_prev`, the
#   remaining D columns are `dx_t` (hidden part first, as in `W`).
#
# `rnn_step_backward(dh_next, cache)` returns `(dx_t, dh_prev, dW, db)`. The grade cell
# runs it on the cache of the reference `rnn_step_forward`, end to end after
# `rnn_step_forward`, and against TensorFlow's gradients of a Keras `SimpleRNN`; all in
# float64, to a relative error of 1e-7.

# %% [setup]
print("RNNStepCache fields:", RNNStepCache._fields)
print("RNNCache fields:    ", RNNCache._fields)

# %% [solution rnn_step_backward]

# %% [code]
check(rnn_step_backward)

# %% [grade rnn_step_backward_tests]

# %% [markdown]
# ## 3. The whole sequence
#
# `rnn_backward(dh, cache)` receives the upstream gradient of **every** state,
# `dh` (N, T, H) (for a classifier that reads only the last state, `dh[:, :-1]` is zero)
# and the `RNNCache(x, W, b, h0, h, mask)` of `rnn_forward`. It returns
# `(dx, dh0, dW, db)`. Walk backwards in time, carrying the gradient that flows into
# $h_{t-1}$ from step $t$:
#
# ```
# carry = zeros (N, H)
# for t = T-1 down to 0:
#     dh_t = dh[:, t] + carry                   # from the outputs and from the future
#     h_prev = h0 if t == 0 else h[:, t-1]
#     dx[:, t], carry, dW_t, db_t = step backward of (dh_t, step t's cache)
#     dW += dW_t;  db += db_t                   # shared weights: add up
# dh0 = carry
# ```
#
# The step cache of step $t$ is `RNNStepCache(x[:, t], h_prev, W, b, h[:, t])`.
#
# **Masks.** Where `mask[n, t]` is False the forward pass skipped the step:
# $h_t = h_{t-1}$ for that sample, a plain copy. The derivative of a copy is the
# identity, so for those samples the step's backward pass is: `dh_prev = dh_t`, and
# nothing reaches `x[n, t]`, `W` or `b`. (Row by row: use `np.where` with
# `mask[:, t][:, None]`, and give the step backward a zero upstream gradient for the
# skipped rows so that they add nothing to `dW` and `db`.)
#
# The gradient `dh0` of the initial state is what is carried out of step 0. It is
# what you would pass on to an encoder that produced `h0`.

# %% [solution rnn_backward]

# %% [code]
check(rnn_backward)

# %% [grade rnn_backward_tests]

# %% [markdown]
# ## 4. Checking the gradient of a whole sequence
#
# A backward pass can be wrong in ways that still give plausible numbers. Before
# trusting it, compare it with **numerical gradients**: `numerical_gradient(f, x)` from
# assignment 02 changes one entry of `x` at a time by $\pm 10^{-5}$ and takes the
# central difference of `f`.
#
# To test a backward pass that starts from an upstream gradient `dh`, use the scalar
# loss $L = \sum_{n,t,k} h_{n,t,k}\, dh_{n,t,k}$: its gradient with respect to `h` is
# exactly `dh`. We compare with the relative error
# $\max |a - b| / \max(|a| + |b|)$; for central differences in float64, values around
# $10^{-8}$ or below mean the two agree (the difference quotient itself is only
# accurate to about $h^2 \approx 10^{-10}$ relative, plus rounding).
#
# The cell below checks every gradient, with a mask and a non-zero `h0`. It uses your
# `rnn_backward`: run it after section 3.

# %% [code]
rng = np.random.default_rng(4)
N, T, D, H = 3, 5, 4, 3
x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
W, b = rng.normal(0, 0.5, size=(H, H + D)), rng.normal(size=H)
mask = np.array([[False, True, True, True, True],    # pre-padding
                 [True, True, True, False, False],   # post-padding
                 [True, False, True, True, True]])   # a hole
dh = rng.normal(size=(N, T, H))


def loss(x, W, b, h0):
    h, _ = rnn_forward(x, W, b, h0=h0, mask=mask)
    return np.sum(h * dh)


def relative_error(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(a) + np.abs(b)), 1e-300)


_, cache = rnn_forward(x, W, b, h0=h0, mask=mask)
try:
    analytic = dict(zip(["x", "h0", "W", "b"], rnn_backward(dh, cache)))
    numeric = {"x": numerical_gradient(lambda v: loss(v, W, b, h0), x.copy()),
               "h0": numerical_gradient(lambda v: loss(x, W, b, v), h0.copy()),
               "W": numerical_gradient(lambda v: loss(x, v, b, h0), W.copy()),
               "b": numerical_gradient(lambda v: loss(x, W, v, h0), b.copy())}
    for name in numeric:
        print(f"d{name:<3} relative error: {relative_error(analytic[name], numeric[name]):.1e}")
except NotImplementedError:
    print("rnn_backward is not written yet")

# %% [markdown]
# The same comparison against TensorFlow: Keras's `SimpleRNN` with your `W` split
# into `kernel` and `recurrent_kernel`, and its gradients from `tf.GradientTape`.
# Automatic differentiation makes no truncation error, so here the agreement is at
# the level of float64 rounding (about 1e-15). The grade cells use stored TensorFlow
# values, so grading never imports TensorFlow; this cell is skipped while grading.

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    import keras
    import tensorflow as tf

    layer = keras.layers.SimpleRNN(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    # kernel (D, H) acts on x, recurrent_kernel (H, H) on h: both are transposed blocks of W.
    layer.set_weights([W[:, H:].T, W[:, :H].T, b])
    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        h_keras = layer(x_tf, mask=tf.constant(mask))  # Keras needs h0 = 0 to match with a mask
        tf_loss = tf.reduce_sum(h_keras * dh)
    dx_k, dkernel, drec, dbias = tape.gradient(
        tf_loss, [x_tf, layer.cell.kernel, layer.cell.recurrent_kernel, layer.cell.bias])

    _, cache0 = rnn_forward(x, W, b, mask=mask)
    dx0, _, dW0, db0 = rnn_backward(dh, cache0)
    dW_k = np.concatenate([drec.numpy().T, dkernel.numpy().T], axis=1)  # back to (H, H + D)
    print("dx relative error vs TF:", relative_error(dx0, dx_k.numpy()))
    print("dW relative error vs TF:", relative_error(dW0, dW_k))
    print("db relative error vs TF:", relative_error(db0, dbias.numpy()))

# %% [markdown]
# ## 5. Vanishing and exploding gradients
#
# How much does the state at step $t$ still matter at the end of the sequence? Going
# back one step multiplies the gradient by the Jacobian of that step. With row
# vectors and $W_h$ = `W[:, :H]` (the recurrent block):
#
# $$g_{t-1} = \left(g_t \odot (1 - h_t^2)\right) W_h,
# \qquad g_{T-1} = \frac{\partial \sum h_{T-1}}{\partial h_{T-1}} = \mathbf{1}.$$
#
# After $k$ steps back the gradient has been multiplied by $k$ such factors. Roughly,
# each factor scales by the size of $W_h$ (its **spectral radius** $\rho$, the largest
# absolute eigenvalue) times tanh's derivative (at most 1). So the product behaves
# like $\rho^k$: it shrinks exponentially when $\rho < 1$ and can grow exponentially
# when $\rho > 1$.
#
# `hidden_gradient_norms(x, W, b)` runs the RNN from $h_0 = 0$ without a mask and
# returns an array of length T whose entry $t$ is the Frobenius norm of $g_t$, an
# (N, H) array (`np.linalg.norm` of it). The last entry is $\sqrt{NH}$. Use the
# recursion above, not `rnn_backward` (it only gives you gradients with respect to
# the inputs and weights).

# %% [solution hidden_gradient_norms]

# %% [code]
check(hidden_gradient_norms)

# %% [grade hidden_gradient_norms_tests]

# %% [markdown]
# ### The experiment
#
# Below, one random recurrent matrix is rescaled to several spectral radii, and the
# same inputs are fed through each network. The plot shows, on a log axis, the norm
# of $\partial \sum h_{T-1} / \partial h_t$ against how many steps $t$ lies before the end.

# %% [code]
rng = np.random.default_rng(0)
N, T, D, H = 8, 40, 4, 32
x = rng.normal(size=(N, T, D))
A = rng.normal(size=(H, H))
A /= np.max(np.abs(np.linalg.eigvals(A)))  # spectral radius 1
U = rng.normal(0, 0.1, size=(H, D))

try:
    fig, ax = plt.subplots(figsize=(7, 4))
    for rho in (0.5, 0.9, 1.0, 1.2, 1.5, 3.0):
        W = np.concatenate([rho * A, U], axis=1)  # W_h has spectral radius rho
        norms = hidden_gradient_norms(x, W, np.zeros(H))
        ax.semilogy(np.arange(T)[::-1], norms, label=f"spectral radius ρ = {rho}")
    ax.set_xlabel("steps before the last one (T - 1 - t)")
    ax.set_ylabel("‖∂ sum(h_{T-1}) / ∂ h_t‖")
    ax.set_title("How far back does the gradient reach?")
    ax.legend(fontsize=8)
    plt.show()
except NotImplementedError:
    print("hidden_gradient_norms is not written yet")

# %% [markdown]
# ### Question (graded by hand, 2 points)
#
# Describe what the plot shows for $\rho < 1$ and for $\rho > 1$, in a few sentences.
# What does it mean for learning that the sentiment of a review depends on a word 30
# positions before the end? Why does the curve for large $\rho$ not keep growing as fast
# as $\rho^k$ would (hint: what happens to $1 - h^2$ when the states are large)?

# %% [answer bptt_plot_answer points=2]
# For ρ < 1 the norm falls off as a straight line on the log axis, that is,
# exponentially in the distance from the end: with ρ = 0.5 a state 30 steps back has
# a gradient around 1e-10 times that of the last state. This is the vanishing
# gradient: a word 30 positions before the end gets almost no share of the gradient,
# so the weights hardly learn anything that depends on it, even if it decides the
# sentiment ("not" at the start of a long review). For ρ > 1 the norm grows the
# further back we go (exploding gradients): early steps dominate the update and one
# step of gradient descent can be huge, so training becomes unstable. It does not
# grow as fast as ρ^k because large ρ drives the states towards ±1, where tanh's
# derivative 1 - h² is small, which damps each factor. Near ρ = 1 the gradient
# neither vanishes nor explodes quickly, but this is a knife edge that training
# does not keep.

# %% [markdown]
# ## 6. Gradient clipping
#
# Exploding gradients have a simple, widely used cure: if the gradient is too long,
# shorten it, keeping its direction. **Clipping by global norm** treats all the
# gradients (of `W`, `b`, the embeddings, ...) as one long vector:
#
# $$\text{global\_norm} = \sqrt{\textstyle\sum_i \lVert g_i \rVert_F^2},\qquad
# g_i \leftarrow g_i \cdot \frac{\text{max\_norm}}{\max(\text{global\_norm}, \text{max\_norm})}.$$
#
# Below the maximum, nothing changes (the factor is 1); above it, every array is scaled
# by the *same* factor, so the update direction is kept. Clipping each array by its own
# norm would change the direction.
#
# `clip_by_global_norm(grads, max_norm)` takes a list of arrays and returns
# `(clipped, global_norm)`: a list of **new** arrays (leave the inputs unchanged) and
# the global norm *before* clipping, exactly as `tf.clip_by_global_norm` does. In Keras,
# an optimizer does the same with `keras.optimizers.Adam(global_clipnorm=1.0)`.
#
# Clipping cures exploding gradients only. Vanishing gradients it cannot help: a
# gradient that has shrunk to 1e-10 carries no direction worth rescaling.

# %% [solution clip_by_global_norm]

# %% [code]
check(clip_by_global_norm)

# %% [grade clip_by_global_norm_tests]

# %% [markdown]
# ## 7. Why LSTM and GRU were invented
#
# The product of Jacobians is the heart of the problem: every step back multiplies by
# $\mathrm{diag}(1 - h_t^2)\,W_h^\top$, and a long product of such matrices either dies
# out or blows up. Clipping limits the blow-up; nothing in the simple RNN prevents the
# decay.
#
# The **LSTM** (long short-term memory) changes the recurrence itself. Next to $h_t$ it
# keeps a *cell state* $c_t$ that is updated additively,
# $c_t = f_t \odot c_{t-1} + i_t \odot \tilde c_t$, with a *forget gate* $f_t$ in (0, 1)
# that the network computes from the data. Going back one step through $c$ multiplies
# the gradient by $f_t$ only, with no weight matrix and no squashing: when the network
# learns to keep $f_t \approx 1$, the gradient travels back many steps almost
# unchanged. (Keras initialises the forget gate's bias to 1 for this reason:
# `unit_forget_bias=True`.) The **GRU** (gated recurrent unit) reaches the same effect
# with fewer parameters, interpolating between the old state and a candidate,
# $h_t = z_t \odot h_{t-1} + (1 - z_t) \odot \tilde h_t$.
#
# In Keras they are drop-in replacements for `SimpleRNN`:
#
# ```python
# keras.layers.SimpleRNN(64)   # the layer of this assignment
# keras.layers.LSTM(64)        # 4 weight blocks: input, forget, cell, output gates
# keras.layers.GRU(64)         # 3 weight blocks: update, reset, candidate
# ```
#
# Assignment 06 trains all three on the same sentiment data and compares them.

# %% [markdown]
# ## What you built
#
# A complete, checked backward pass for the simple RNN, masks included. Together with
# assignment 03's forward pass this is everything needed to train the RNN with gradient
# descent. Assignment 05 adds the two remaining pieces: an embedding layer that turns
# word ids into vectors, and the optimizers (momentum, RMSprop, Adagrad, Adam) that use
# these gradients.
