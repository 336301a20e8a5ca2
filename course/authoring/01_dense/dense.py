# %% [markdown]
# # Assignment 01 · Nonlinearities and dense layers
#
# A recurrent network for text is built from a few small pieces. This assignment
# builds the first two: the **nonlinearities** that let a network compute more than
# a linear function, and the **dense layer** `y = f(W x + b)`, which is also the
# heart of the simple RNN you will write in assignment 03.
#
# You will implement, in NumPy: `sigmoid`, `tanh`, `relu`, `softmax`,
# `dense_forward` and `dense_backward`. Each comes with a visible check you can run
# as often as you like; the grade cells run more (hidden) cases when your
# instructor grades the notebook.
#
# Lecture: [section 3 (layers, the dense layer, the nonlinearities) and section 8 (Dense in Keras)](../../lectures/rnn_lecture.ipynb).

# %% [conventions]

# %% [setup]
import os

import matplotlib.pyplot as plt
import numpy as np

from autograder.caches import DenseCache
from autograder.visible import check, require_keras

# True while nbgrader validates or grades: cells that only demonstrate are skipped then.
GRADING = bool(os.environ.get("NBGRADER_EXECUTION"))
np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## 1. Nonlinearities
#
# Without a nonlinearity, a stack of layers collapses into one matrix product, and
# no stack of matrix products can express "*not* good is bad". The lecture's four:
#
# | name | formula | range | typical use |
# |---|---|---|---|
# | logistic sigmoid | $\sigma(z) = 1 / (1 + e^{-z})$ | (0, 1) | a probability (binary output) |
# | tanh | $\tanh(z) = 2\sigma(2z) - 1$ | (-1, 1) | the RNN's state |
# | ReLU | $\max(0, z)$ | [0, ∞) | hidden dense layers |
# | softmax | $e^{z_i} / \sum_j e^{z_j}$ | a probability distribution | multi-class output |
#
# **Numerical care.** In float64, `np.exp(z)` overflows to `inf` once `z > 709`.
# For `z = -1000`, the textbook $1/(1+e^{-z})$ computes `1 / (1 + inf)`: the answer
# (0) comes out, but NumPy warns about the overflow, and the same mistake elsewhere
# gives `inf / inf = nan`. Rewrite each formula so that `exp` only ever sees a
# number ≤ 0: for example, for $z < 0$, $\sigma(z) = e^{z} / (1 + e^{z})$. Your functions must
# work elementwise on arrays of any shape, raise no warning for |z| up to 1000, and
# agree with the exact values to about 1e-15 (the checks use a relative tolerance of 1e-7).
#
# `relu` must not change its argument: return a new array.

# %% [solution sigmoid tanh relu]

# %% [markdown]
# Run the visible checks. They use one small array; the grade cells also try other
# shapes, |z| up to 1000 (with warnings treated as errors) and values computed by Keras.

# %% [code]
check(sigmoid)
check(tanh)
check(relu)

# %% [grade sigmoid_tests]

# %% [grade tanh_tests]

# %% [grade relu_tests]

# %% [markdown]
# Here they are side by side. Note that tanh is a sigmoid stretched to (-1, 1) and
# squeezed horizontally by 2, exactly as its formula says.

# %% [code]
z = np.linspace(-5, 5, 201)
fig, ax = plt.subplots(figsize=(6, 3.5))
for f in (sigmoid, tanh, relu):
    ax.plot(z, f(z), label=f.__name__)
ax.set_ylim(-1.2, 2.2)
ax.axhline(0, color="grey", lw=0.5)
ax.axvline(0, color="grey", lw=0.5)
ax.set_xlabel("z")
ax.legend()
ax.set_title("The lecture's nonlinearities")
plt.show()

# %% [markdown]
# ## 2. Softmax, and why it subtracts the maximum
#
# Softmax turns a row of *logits* into a probability distribution. Adding the same
# constant $c$ to every logit of a row changes nothing:
#
# $$\frac{e^{z_i - c}}{\sum_j e^{z_j - c}} = \frac{e^{-c} e^{z_i}}{e^{-c}\sum_j e^{z_j}} = \frac{e^{z_i}}{\sum_j e^{z_j}}.$$
#
# With $c = \max_j z_j$ the largest exponent is $e^0 = 1$: nothing overflows and the
# denominator is at least 1, so nothing divides by zero either. Subtract each
# **row's** maximum (`keepdims=True`), not the maximum of the whole array: a row whose
# logits are all 2000 below the global maximum would underflow to `0 / 0`.
#
# `softmax(z)` works along the last axis of an array of any shape.

# %% [solution softmax]

# %% [code]
check(softmax)
print(softmax(np.array([[1000.0, 999.0, 998.0]])))  # no warning, rows sum to 1

# %% [grade softmax_tests]

# %% [markdown]
# ## 3. The dense layer
#
# The lecture writes a dense layer for one input vector as $\mathbf{y} = f(\mathbf{W}\mathbf{x} + \mathbf{b})$
# with $\mathbf{W}$ of shape (out, in). We keep that $\mathbf{W}$, and process a whole
# batch at once: the rows of `x` (N, in) are the samples, so
#
# $$z = x W^\top + b \quad (N, \text{out}), \qquad y = f(z).$$
#
# **Keras stores the transpose.** A `keras.layers.Dense` layer keeps a `kernel` of shape
# (in, out) and computes `x @ kernel + bias`, so `kernel == W.T`. Section 5 copies
# your weights into Keras and checks that both agree.
#
# `dense_forward(x, W, b, activation)` returns `(y, cache)` where `cache` is the
# provided `DenseCache(x, W, b, z, y, activation)`. Fill it, don't redesign it: the
# grader runs your `dense_backward` on the reference forward's cache.

# %% [setup]
print("DenseCache fields:", DenseCache._fields)

# %% [solution dense_forward]

# %% [code]
check(dense_forward)

# %% [grade dense_forward_tests]

# %% [markdown]
# ## 4. The backward pass
#
# Given the gradient of a loss $L$ with respect to the outputs, `dy` $= \partial L/\partial y$
# (N, out), the chain rule gives, with $dz = \partial L / \partial z$:
#
# - elementwise activations: $dz = dy \odot f'(z)$, where $\sigma' = y(1-y)$, $\tanh' = 1 - y^2$,
#   $\mathrm{relu}'(z) = [z > 0]$ and the linear derivative is 1;
# - softmax mixes a row's entries, so its Jacobian is not diagonal:
#   $dz = y \odot \left(dy - \sum_j dy_j\, y_j\right)$ row by row;
# - then $dx = dz\,W$ (N, in), $dW = dz^\top x$ (out, in), $db = \sum_n dz_n$ (out,).
#
# Every gradient has the shape of what it differentiates: `dW.shape == W.shape`.
# The grade cell compares your gradients with TensorFlow's to about 1e-7 relative error.

# %% [solution dense_backward]

# %% [code]
check(dense_backward)

# %% [grade dense_backward_tests]

# %% [markdown]
# ## 5. The same layer in Keras
#
# Build a Keras `Dense` layer, copy your `W` and `b` into it (remember the transpose),
# and compare the outputs and, with `tf.GradientTape`, the gradients. This cell is
# not graded and is skipped while grading, because importing TensorFlow takes a few
# seconds. Change the activation and the shapes and run it again.

# %% [demo]
if not GRADING and require_keras():  # Keras is optional
    import keras
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(4, 3)), rng.normal(size=(5, 3)), rng.normal(size=5)
    dy = rng.normal(size=(4, 5))

    layer = keras.layers.Dense(5, activation="tanh", dtype="float64")
    layer.build((None, 3))
    layer.set_weights([W.T, b])  # kernel (in, out) is the transpose of our W (out, in)

    x_tf = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x_tf)
        y_keras = layer(x_tf)
        loss = tf.reduce_sum(y_keras * dy)  # so that dL/dy == dy
    dx_k, dkernel, dbias = tape.gradient(loss, [x_tf, layer.kernel, layer.bias])

    y_ours, cache = dense_forward(x, W, b, "tanh")
    dx, dW, db = dense_backward(dy, cache)
    print("max |y  - Keras| :", np.abs(y_ours - y_keras.numpy()).max())
    print("max |dx - TF|    :", np.abs(dx - dx_k.numpy()).max())
    print("max |dW - TF|    :", np.abs(dW - dkernel.numpy().T).max(), "(dkernel is dW transposed)")
    print("max |db - TF|    :", np.abs(db - dbias.numpy()).max())

# %% [markdown]
# ## What you built
#
# `dense_forward` with `activation="tanh"` on the concatenation of a previous state
# and an input is exactly one step of the simple RNN in assignment 03: the lecture's
# "the recursive function corresponds to a dense layer". Next, assignment 02 adds a
# loss function and trains a small network with your layers.
