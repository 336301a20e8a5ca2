"""Checks of 07_gated: the LSTM and GRU cells, one step and a sequence, forward and backward.

The cases themselves are in ``lstm.py`` and ``gru.py`` (kept apart for size); this
module is the assignment's table of grade cells and visible checks.
"""
from autograder.cases import Test

from . import gru, lstm

ASSIGNMENT = "07_gated"
NOTEBOOK = "gated.ipynb"
SOLUTIONS = lstm.SOLUTIONS

TESTS = [
    Test("lstm_step_forward_tests", "lstm_step_forward", 2, "lstm_step_forward: D != H and "
         "D == H, a batch of one, saturating inputs, Keras LSTM golden values from zero and "
         "from given states (h_next and c_next).", lstm.step_forward_cases),
    Test("lstm_forward_tests", "lstm_forward", 4, "lstm_forward: random shapes (batch of one, "
         "one time step), given h0 and c0, masks with leading, middle, trailing and all-masked "
         "steps, saturating inputs, Keras LSTM golden values in both return modes, with a mask "
         "and with an initial state.", lstm.forward_cases),
    Test("lstm_step_backward_tests", "lstm_step_backward", 3, "lstm_step_backward: several "
         "shapes on the reference forward's cache, dc_next = 0, end to end after "
         "lstm_step_forward with saturated gates, TensorFlow gradients of a Keras LSTM step.",
         lstm.step_backward_cases),
    Test("lstm_backward_tests", "lstm_backward", 5, "lstm_backward: on the reference forward's "
         "cache with and without initial states and masks, T=1, a gradient on the last state "
         "only, end to end after lstm_forward, TensorFlow gradients of Keras LSTM with and "
         "without a mask.", lstm.backward_cases),
    Test("gru_step_forward_tests", "gru_step_forward", 2, "gru_step_forward: D != H and D == H, "
         "a batch of one, saturating inputs, Keras GRU golden values from zero and from a given "
         "state.", gru.step_forward_cases),
    Test("gru_forward_tests", "gru_forward", 4, "gru_forward: random shapes (batch of one, one "
         "time step), a given h0, masks with leading, middle, trailing and all-masked steps, "
         "saturating inputs, Keras GRU golden values in both return modes, with a mask and with "
         "an initial state.", gru.forward_cases),
    Test("gru_step_backward_tests", "gru_step_backward", 3, "gru_step_backward: several shapes "
         "on the reference forward's cache, end to end after gru_step_forward with saturated "
         "gates, TensorFlow gradients of a Keras GRU step.", gru.step_backward_cases),
    Test("gru_backward_tests", "gru_backward", 5, "gru_backward: on the reference forward's "
         "cache with and without h0 and masks, T=1, a gradient on the last state only, end to "
         "end after gru_forward, TensorFlow gradients of Keras GRU with and without a mask.",
         gru.backward_cases),
]

VISIBLE = {
    "lstm_step_forward": (lstm.visible_step_forward, "zero states, D != H, a batch of one, "
                          "saturating inputs, Keras's values."),
    "lstm_forward": (lstm.visible_forward, "given h0 and c0, all-masked rows, masked steps in "
                     "the middle, other shapes, the cache's cell states, Keras's values."),
    "lstm_step_backward": (lstm.visible_step_backward, "other shapes, dc_next = 0, saturated "
                           "gates, your own forward's cache, TensorFlow's gradients."),
    "lstm_backward": (lstm.visible_backward, "given h0 and c0, other masks and shapes, T=1, your "
                      "own forward's cache, TensorFlow's gradients."),
    "gru_step_forward": (gru.visible_step_forward, "h0 = 0, D != H, a batch of one, saturating "
                         "inputs, Keras's values."),
    "gru_forward": (gru.visible_forward, "a given h0, all-masked rows, masked steps in the "
                    "middle, other shapes, Keras's values."),
    "gru_step_backward": (gru.visible_step_backward, "other shapes, saturated gates, your own "
                          "forward's cache, TensorFlow's gradients."),
    "gru_backward": (gru.visible_backward, "a non-zero h0, other masks and shapes, T=1, your own "
                     "forward's cache, TensorFlow's gradients."),
}
