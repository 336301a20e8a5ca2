"""Every conversion between the course's weight layouts and Keras's, in one place.

The course follows the lecture's maths: a weight ``W`` has shape (out, in) and
acts as ``y = f(W x + b)``; on a batch of row vectors that is ``X @ W.T + b``.
Keras stores the transpose. Nothing here imports TensorFlow: these functions
only move NumPy arrays around, so checks and notebooks can use them freely
(``keras_adam``, the one Keras object, imports Keras when it is called).
"""
import numpy as np


def dense_to_keras(W, b):
    """Course (W (out, in), b) -> Keras Dense weights [kernel (in, out), bias]."""
    return [W.T.copy(), b.copy()]  # kernel is W transposed


def dense_from_keras(kernel, bias):
    """Keras Dense [kernel (in, out), bias] -> course (W (out, in), b)."""
    return np.asarray(kernel).T.copy(), np.asarray(bias).copy()  # W is kernel transposed


def rnn_to_keras(W, b):
    """Course W (H, H + D) on [h; x], b (H,) -> Keras SimpleRNN [kernel, recurrent_kernel, bias].

    ``kernel`` (D, H) multiplies the input, ``recurrent_kernel`` (H, H) the state,
    both from the right, so each is the transpose of its block of W.
    """
    H = W.shape[0]
    return [W[:, H:].T.copy(),  # kernel = input block of W, transposed: (D, H)
            W[:, :H].T.copy(),  # recurrent_kernel = hidden block of W, transposed: (H, H)
            b.copy()]


def rnn_from_keras(kernel, recurrent_kernel, bias):
    """Keras SimpleRNN weights -> course (W (H, H + D), b); hidden block first."""
    kernel, recurrent_kernel = np.asarray(kernel), np.asarray(recurrent_kernel)
    # Each block is transposed back to (H, ·) before the blocks are put side by side.
    return np.concatenate([recurrent_kernel.T, kernel.T], axis=1), np.asarray(bias).copy()


def rnn_grads_from_keras(dkernel, drecurrent_kernel, dbias):
    """Gradients of Keras's SimpleRNN weights -> the gradient dW of the course's W."""
    return rnn_from_keras(dkernel, drecurrent_kernel, dbias)


def embedding_to_keras(E):
    """Course embedding table E (V, D) -> Keras Embedding weights [embeddings (V, D)]: same layout."""
    return [E.copy()]


def sentiment_to_keras(params):
    """SentimentRNN's params dict -> the weights of the Keras "simple_rnn" model, in
    ``model.get_weights()`` order: [embeddings, kernel, recurrent_kernel, bias,
    dense kernel, dense bias]."""
    return (embedding_to_keras(params["E"])  # same layout (V, D)
            + rnn_to_keras(params["W"], params["b"])  # W split and transposed
            + dense_to_keras(params["W_out"], params["b_out"]))  # kernel = W_out.T (H, 1)


def sentiment_from_keras(weights):
    """The weights of the Keras "simple_rnn" model (get_weights() order) -> a params dict."""
    embeddings, kernel, recurrent_kernel, bias, dense_kernel, dense_bias = weights
    W, b = rnn_from_keras(kernel, recurrent_kernel, bias)
    W_out, b_out = dense_from_keras(dense_kernel, dense_bias)
    return {"E": np.asarray(embeddings).copy(), "W": W, "b": b, "W_out": W_out, "b_out": b_out}


def keras_adam(learning_rate=0.001, global_clipnorm=None):
    """Keras's Adam taking, inside ``model.fit``, the step the course's Adam takes.

    In ``fit`` an Embedding's gradient reaches the optimizer as ``tf.IndexedSlices``,
    one slice per occurrence of a word in the batch. Keras's Adam then squares each
    occurrence separately (v and the global norm of ``global_clipnorm`` get the sum of
    the squares, not the square of the word's summed gradient) and so takes a
    different step from Adam on the dense gradient, which the course's Adam and
    SentimentRNN.fit take. Made dense first, the two take the same steps (up to
    float32 rounding), so the same recipe reaches the same accuracy in both.
    Arguments as keras.optimizers.Adam's.
    """
    import keras

    class DenseGradientAdam(keras.optimizers.Adam):
        def apply(self, grads, trainable_variables=None):
            if keras.backend.backend() == "tensorflow":  # only TensorFlow makes slices
                import tensorflow as tf
                grads = [tf.convert_to_tensor(g) if isinstance(g, tf.IndexedSlices) else g
                         for g in grads]
            return super().apply(grads, trainable_variables)

    return DenseGradientAdam(learning_rate=learning_rate, global_clipnorm=global_clipnorm)


# ---- 07_gated: LSTM and GRU ---------------------------------------------------------------
# Both cells keep Keras's block order, so no block is reordered here: LSTM rows are
# i, f, c, o and GRU rows z, r, h in the course's W as in Keras's columns. Code written
# in CS231n's order (i, f, o, g) or PyTorch's GRU order (r, z, n) must reorder first.

def lstm_to_keras(W, b):
    """Course W (4H, H + D) on [h; x], b (4H,) -> Keras LSTM [kernel, recurrent_kernel, bias].

    Each gate block of W stays where it is; only the two column parts are split off
    and transposed, exactly as for the SimpleRNN.
    """
    H = W.shape[0] // 4
    return [W[:, H:].T.copy(),  # kernel = input columns of W, transposed: (D, 4H)
            W[:, :H].T.copy(),  # recurrent_kernel = state columns, transposed: (H, 4H)
            b.copy()]  # bias (4H,): the same layout, i, f, c, o


def lstm_from_keras(kernel, recurrent_kernel, bias):
    """Keras LSTM weights -> course (W (4H, H + D), b); state columns first."""
    kernel, recurrent_kernel = np.asarray(kernel), np.asarray(recurrent_kernel)
    # Transpose each back to (4H, ·), then put the state part before the input part.
    return np.concatenate([recurrent_kernel.T, kernel.T], axis=1), np.asarray(bias).copy()


def lstm_grads_from_keras(dkernel, drecurrent_kernel, dbias):
    """Gradients of Keras's LSTM weights -> the course's (dW, db)."""
    return lstm_from_keras(dkernel, drecurrent_kernel, dbias)


def gru_to_keras(Wx, Wh, bx, bh):
    """Course GRU (Wx (3H, D), Wh (3H, H), bx, bh (3H,)) -> Keras GRU(reset_after=True)
    [kernel (D, 3H), recurrent_kernel (H, 3H), bias (2, 3H)]."""
    return [Wx.T.copy(),  # kernel = Wx transposed
            Wh.T.copy(),  # recurrent_kernel = Wh transposed
            np.stack([bx, bh])]  # bias row 0 is the input bias, row 1 the recurrent bias


def gru_from_keras(kernel, recurrent_kernel, bias):
    """Keras GRU(reset_after=True) weights -> course (Wx, Wh, bx, bh)."""
    bias = np.asarray(bias)
    return (np.asarray(kernel).T.copy(),  # Wx = kernel transposed
            np.asarray(recurrent_kernel).T.copy(),  # Wh = recurrent_kernel transposed
            bias[0].copy(), bias[1].copy())  # the two rows of the (2, 3H) bias


def gru_grads_from_keras(dkernel, drecurrent_kernel, dbias):
    """Gradients of Keras's GRU weights -> the course's (dWx, dWh, dbx, dbh)."""
    return gru_from_keras(dkernel, drecurrent_kernel, dbias)
# ---- 08_cnn_tagging ---------------------------------------------------------------

def conv1d_to_keras(K, b):
    """Course Conv1D kernel K (k, D, F), b (F,) -> Keras Conv1D [kernel, bias]: the same layout.

    The course takes Keras's layout as it is (window position, input channel, filter), so
    that a kernel read out of a Keras model can be used without any transpose.
    """
    return [np.asarray(K).copy(), np.asarray(b).copy()]


def temporal_dense_to_keras(W, b):
    """Course W (M, H), b (M,) of the dense layer used at every step -> Keras Dense weights.

    Keras's Dense on a 3-D input (N, T, H) multiplies the last axis by its kernel (H, M) at
    every step, so the conversion is the 2-D one: kernel = W.T.
    """
    return dense_to_keras(W, b)


def tagger_to_keras(params):
    """The NumPy tagger's params {E, W, b, W_out, b_out} -> the weights of the Keras tagger
    (Embedding, SimpleRNN(return_sequences=True), Dense), in ``get_weights()`` order."""
    return sentiment_to_keras(params)  # same layers, same order: only the Dense output size differs
