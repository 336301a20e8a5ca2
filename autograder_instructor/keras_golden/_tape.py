"""TensorFlow's gradients of a loss with respect to inputs and weights: the one
``tf.GradientTape`` pattern every generator uses."""
import numpy as np


def gradients(tf, loss_fn, sources):
    """Run ``loss_fn()`` under a GradientTape and differentiate its loss.

    Inputs:
    - tf: TensorFlow, from :func:`autograder_instructor.keras_values.prepare_tensorflow`
    - loss_fn: no arguments; returns the loss (a scalar tensor), or a tuple
      ``(loss, output, ...)`` to keep what the forward pass computed on the way
    - sources: what to differentiate with respect to: tensors (inputs, initial states),
      which are watched here, and variables (a layer's weights), which the tape
      watches by itself
    Returns a tuple of:
    - what loss_fn returned, as NumPy arrays
    - grads: one NumPy array per source, dense (an Embedding's IndexedSlices made
      dense) and zeros for a source the loss does not depend on
    """
    with tf.GradientTape() as tape:
        tape.watch([s for s in sources if not hasattr(s, "trainable")])
        result = loss_fn()
    loss = result[0] if isinstance(result, tuple) else result
    grads = tape.gradient(loss, sources, unconnected_gradients=tf.UnconnectedGradients.ZERO)
    values = (tuple(np.asarray(r) for r in result) if isinstance(result, tuple)
              else np.asarray(result))
    return values, [tf.convert_to_tensor(g).numpy() for g in grads]


def backward(tf, forward, dy, sources):
    """A layer's backward pass from the upstream gradient ``dy``, by TensorFlow.

    Inputs:
    - forward: no arguments; returns the layer's output y, of the shape of dy
    - dy: upstream gradient, d loss / d y
    - sources: as for :func:`gradients`
    Returns a tuple of:
    - y: the output, as a NumPy array
    - grads: the gradients of sum(y * dy) with respect to each source
    """
    def loss_fn():
        y = forward()
        return tf.reduce_sum(y * dy), y

    (_, y), grads = gradients(tf, loss_fn, sources)
    return y, grads
