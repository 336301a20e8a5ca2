"""Keras golden values for 08_cnn_tagging: Conv1D, GlobalMaxPooling1D, Dense on 3-D input, and
the masked sparse categorical cross-entropy of a model whose Embedding has mask_zero=True."""
import numpy as np

from ._tape import backward, gradients

ASSIGNMENT = "08_cnn_tagging"
# (name, N, T, D, F, k, padding): odd and even k, both paddings, k == T, a batch of one.
CONV_CASES = [("valid_k3", 3, 7, 4, 5, 3, "valid"), ("same_k3", 2, 6, 3, 4, 3, "same"),
              ("same_k4", 2, 6, 3, 2, 4, "same"), ("same_k2", 3, 5, 2, 3, 2, "same"),
              ("valid_k_eq_T", 2, 4, 3, 2, 4, "valid"), ("same_k5_batch1", 1, 5, 2, 3, 5, "same")]


def _conv(tf, keras, x, K, b, padding, dy):
    """y and TensorFlow's gradients of sum(y * dy) for a Keras Conv1D holding K, b."""
    from autograder.keras_bridge import conv1d_to_keras
    layer = keras.layers.Conv1D(K.shape[2], K.shape[0], padding=padding, dtype="float64")
    layer.build((None,) + x.shape[1:])
    layer.set_weights(conv1d_to_keras(K, b))
    xt = tf.constant(x)
    y, (dx, dK, db) = backward(tf, lambda: layer(xt), dy, [xt, layer.kernel, layer.bias])
    return dict(y=y, dx=dx, dK=dK, db=db)


def _pool(tf, keras, x, dy):
    layer = keras.layers.GlobalMaxPooling1D(dtype="float64")
    xt = tf.constant(x)
    y, (dx,) = backward(tf, lambda: layer(xt), dy, [xt])
    return dict(y=y, dx=dx)


def _dense(tf, keras, h, W, b, dy):
    from autograder.keras_bridge import dense_from_keras, temporal_dense_to_keras
    layer = keras.layers.Dense(W.shape[0], dtype="float64")
    layer.build((None,) + h.shape[1:])
    layer.set_weights(temporal_dense_to_keras(W, b))
    ht = tf.constant(h)
    y, (dh, dkernel, dbias) = backward(tf, lambda: layer(ht), dy, [ht, layer.kernel, layer.bias])
    dW, db = dense_from_keras(dkernel, dbias)  # dW = dkernel.T
    return dict(y=y, dh=dh, dW=dW, db=db)


def _masked_loss(tf, keras, mask, z, y):
    """Keras's loss of logits z at the real positions, through Embedding(mask_zero=True).

    The model is one Embedding(mask_zero=True) whose row 1 + n * T + t holds z[n, t]: its
    output is z, carrying the mask that the ids make (id 0 at padded positions), which is the
    path a tagger's loss takes. The gradient of the table's rows is dz. Returns the loss, dz
    and z as the model saw it (row 0 at padded positions).
    """
    N, T, C = z.shape
    ids = np.where(mask, 1 + np.arange(N * T).reshape(N, T), 0)
    table = np.concatenate([z[~mask][:1] if (~mask).any() else np.zeros((1, C)),
                            z.reshape(N * T, C)])
    model = keras.Sequential([keras.Input((T,), dtype="int32"),
                              keras.layers.Embedding(N * T + 1, C, mask_zero=True,
                                                     dtype="float64")])
    model.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.set_weights([table])

    def loss_fn():
        pred = model(tf.constant(ids, dtype="int32"))
        return model.compute_loss(x=None, y=tf.constant(y), y_pred=pred), pred

    (loss, pred), (grad,) = gradients(tf, loss_fn, model.trainable_weights[:1])
    dz = np.where(mask[..., None], grad[1:].reshape(N, T, C), 0.0)
    # Padded positions all read row 0: their (masked) gradient must be nothing.
    assert np.all(grad[0] == 0), "a masked position got a gradient"
    return dict(loss=loss, dz=dz, z=pred)


def generate():
    from ..keras_values import prepare_tensorflow
    tf, keras = prepare_tensorflow()
    rng = np.random.default_rng(808)
    out = {}

    for name, N, T, D, F, k, padding in CONV_CASES:
        x, K, b = rng.normal(size=(N, T, D)), rng.normal(0, 0.5, size=(k, D, F)), rng.normal(size=F)
        T_out = T if padding == "same" else T - k + 1
        dy = rng.normal(size=(N, T_out, F))
        g = _conv(tf, keras, x, K, b, padding, dy)
        out.update({f"conv/{name}/{key}": v for key, v in dict(x=x, K=K, b=b, dy=dy, **g).items()})

    # Max pooling with ties: small integers make many steps share a maximum (up to all T).
    x = rng.integers(-2, 3, size=(3, 5, 4)).astype(np.float64)
    x[0, :, 0] = 1.0  # every step ties
    x[1, [1, 3], 2] = 7.0  # two steps tie
    dy = rng.normal(size=(3, 4))
    g = _pool(tf, keras, x, dy)
    out.update({f"pool/ties/{k}": v for k, v in dict(x=x, dy=dy, **g).items()})
    x, dy = rng.normal(size=(2, 6, 3)), rng.normal(size=(2, 3))
    g = _pool(tf, keras, x, dy)
    out.update({f"pool/plain/{k}": v for k, v in dict(x=x, dy=dy, **g).items()})

    h, W, b = rng.normal(size=(3, 5, 4)), rng.normal(size=(6, 4)), rng.normal(size=6)
    dy = rng.normal(size=(3, 5, 6))
    out.update({f"dense/{k}": v for k, v in dict(h=h, W=W, b=b, dy=dy,
                                                 **_dense(tf, keras, h, W, b, dy)).items()})

    # Masked loss: post- and pre-padding, holes, a row with no word; labels at padded
    # positions are random (the mask must make them irrelevant); then extreme logits.
    mask = np.ones((4, 6), dtype=bool)
    mask[0, 4:] = False
    mask[1, :2] = False
    mask[2, [1, 4]] = False
    mask[3] = False
    for name, scale in (("plain", 2.0), ("extreme", 1e4)):
        z, y = rng.normal(0, scale, size=(4, 6, 5)), rng.integers(0, 5, size=(4, 6))
        out.update({f"loss/{name}/{k}": v for k, v in dict(
            mask=mask, y=y, **_masked_loss(tf, keras, mask, z, y)).items()})
    return out
