"""Does 03_rnn still agree with live Keras where the notebook makes claims about it?

pad_sequences is compared with keras.utils.pad_sequences for every combination of
padding, truncating, maxlen and value (empty sequences included); the h0-and-mask
difference the notebook points out is checked to still exist.
"""
import itertools

import numpy as np
import pytest

from solutions.rnn import pad_sequences, rnn_forward

pytestmark = pytest.mark.slow

SEQUENCE_SETS = {
    "mixed": [[3, 1, 4, 1, 5], [9], [], [2, 6, 5, 3, 5, 8, 9, 7]],
    "all empty": [[], []],
    "one long": [list(range(1, 13))],
    "arrays": [np.array([4, 5, 6]), np.array([], dtype=np.int64), np.array([7])],
}


@pytest.fixture(scope="module")
def keras():
    from autograder_instructor.keras_values import prepare_tensorflow
    return prepare_tensorflow()[1]


@pytest.mark.parametrize("name", sorted(SEQUENCE_SETS))
def test_pad_sequences_matches_keras_for_every_option(keras, name):
    """Is pad_sequences identical (values and int32 dtype) to Keras for every option?"""
    seqs = SEQUENCE_SETS[name]
    compared = 0
    for padding, truncating, maxlen, value in itertools.product(
            ("pre", "post"), ("pre", "post"), (None, 1, 3, 5, 10), (0, -1, 7)):
        kwargs = dict(padding=padding, truncating=truncating, maxlen=maxlen, value=value)
        expected = keras.utils.pad_sequences(seqs, **kwargs)
        ours = pad_sequences(seqs, **kwargs)
        assert ours.dtype == expected.dtype == np.int32, kwargs
        assert np.array_equal(ours, expected), f"{kwargs}: ours\n{ours}\nKeras\n{expected}"
        compared += 1
    assert compared == 2 * 2 * 5 * 3


def test_pad_sequences_where_keras_fails(keras):
    """Where Keras raises (no sequences at all; maxlen=0 with a non-empty sequence, whose
    s[-0:] is the whole sequence), do we return the empty-width array instead?"""
    with pytest.raises(ValueError):
        keras.utils.pad_sequences([])
    assert pad_sequences([]).shape == (0, 0)
    with pytest.raises(ValueError):
        keras.utils.pad_sequences([[1, 2]], maxlen=0)
    assert pad_sequences([[1, 2]], maxlen=0).shape == (1, 0)


def test_keras_writes_zeros_for_leading_masked_steps_with_h0(keras):
    """With a non-zero h0, do Keras's outputs of leading masked steps still differ from our
    states (zeros, not h0), while every later step agrees, as the notebook says?"""
    rng = np.random.default_rng(0)
    N, T, D, H = 2, 4, 3, 3
    x, h0 = rng.normal(size=(N, T, D)), rng.normal(size=(N, H))
    W, b = rng.normal(0, 0.5, size=(H, H + D)), rng.normal(0, 0.1, size=H)
    mask = np.array([[False, False, True, True], [True, True, True, False]])
    from autograder.keras_bridge import rnn_to_keras
    layer = keras.layers.SimpleRNN(H, return_sequences=True, dtype="float64")
    layer.build((None, T, D))
    layer.set_weights(rnn_to_keras(W, b))
    theirs = layer(x, initial_state=[h0], mask=mask).numpy()
    ours, _ = rnn_forward(x, W, b, h0=h0, mask=mask)
    assert np.array_equal(theirs[0, :2], np.zeros((2, H)))
    np.testing.assert_array_equal(ours[0, :2], np.stack([h0[0], h0[0]]))
    np.testing.assert_allclose(ours[0, 2:], theirs[0, 2:], rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(ours[1], theirs[1], rtol=1e-12, atol=1e-14)
